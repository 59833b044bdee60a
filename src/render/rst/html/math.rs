//! Math with `math_output` "MathJax": `HTMLTranslator.visit_math` of
//! `docutils/writers/_html_base.py`, with `wrap_math_code` and `pick_math_environment` of
//! `docutils/utils/math/__init__.py`.

/// The LaTeX docutils writes for a math node's text: symbols as TeX commands
/// ([`tex_symbol`]), inline math in `\\(...\\)`, display math in an `equation*` or (several
/// lines) `align*` environment.
pub(super) fn math_code(text: &str, block: bool) -> String {
    let mut code = String::with_capacity(text.len());
    for c in text.chars() {
        match tex_symbol(c) {
            Some(tex) => code.push_str(tex),
            None => code.push(c),
        }
    }
    if !block {
        return format!("\\({code}\\)");
    }
    let toplevel: Vec<&str> = code
        .split("\\begin{")
        .map(|chunk| chunk.rsplit("\\end{").next().unwrap_or(chunk))
        .collect();
    let env = if toplevel.join("\\begin{").contains("\\\\") {
        "align*"
    } else {
        "equation*"
    };
    format!("\\begin{{{env}}}\n{code}\n\\end{{{env}}}")
}

/// `unichar2tex.uni2tex_table` for Latin-1, Greek and the common operators, arrows and sets
/// (docutils' table has some 800 symbols; the rest are written as they are here).
const TEX_SYMBOLS: &[(char, &str)] = &[
    ('\u{a0}', "~"),
    ('\u{a3}', "\\pounds "),
    ('\u{a5}', "\\yen "),
    ('\u{a7}', "\\S "),
    ('\u{ac}', "\\neg "),
    ('\u{b1}', "\\pm "),
    ('\u{b6}', "\\P "),
    ('\u{d7}', "\\times "),
    ('\u{f0}', "\\eth "),
    ('\u{f7}', "\\div "),
    ('\u{131}', "\\imath "),
    ('\u{237}', "\\jmath "),
    ('\u{393}', "\\Gamma "),
    ('\u{394}', "\\Delta "),
    ('\u{398}', "\\Theta "),
    ('\u{39b}', "\\Lambda "),
    ('\u{39e}', "\\Xi "),
    ('\u{3a0}', "\\Pi "),
    ('\u{3a3}', "\\Sigma "),
    ('\u{3a5}', "\\Upsilon "),
    ('\u{3a6}', "\\Phi "),
    ('\u{3a8}', "\\Psi "),
    ('\u{3a9}', "\\Omega "),
    ('\u{3b1}', "\\alpha "),
    ('\u{3b2}', "\\beta "),
    ('\u{3b3}', "\\gamma "),
    ('\u{3b4}', "\\delta "),
    ('\u{3b5}', "\\varepsilon "),
    ('\u{3b6}', "\\zeta "),
    ('\u{3b7}', "\\eta "),
    ('\u{3b8}', "\\theta "),
    ('\u{3b9}', "\\iota "),
    ('\u{3ba}', "\\kappa "),
    ('\u{3bb}', "\\lambda "),
    ('\u{3bc}', "\\mu "),
    ('\u{3bd}', "\\nu "),
    ('\u{3be}', "\\xi "),
    ('\u{3c0}', "\\pi "),
    ('\u{3c1}', "\\rho "),
    ('\u{3c2}', "\\varsigma "),
    ('\u{3c3}', "\\sigma "),
    ('\u{3c4}', "\\tau "),
    ('\u{3c5}', "\\upsilon "),
    ('\u{3c6}', "\\varphi "),
    ('\u{3c7}', "\\chi "),
    ('\u{3c8}', "\\psi "),
    ('\u{3c9}', "\\omega "),
    ('\u{3d1}', "\\vartheta "),
    ('\u{3d5}', "\\phi "),
    ('\u{3d6}', "\\varpi "),
    ('\u{3dd}', "\\digamma "),
    ('\u{3f0}', "\\varkappa "),
    ('\u{3f1}', "\\varrho "),
    ('\u{3f5}', "\\epsilon "),
    ('\u{3f6}', "\\backepsilon "),
    ('\u{2190}', "\\leftarrow "),
    ('\u{2192}', "\\rightarrow "),
    ('\u{2194}', "\\leftrightarrow "),
    ('\u{21d0}', "\\Leftarrow "),
    ('\u{21d2}', "\\Rightarrow "),
    ('\u{21d4}', "\\Leftrightarrow "),
    ('\u{2191}', "\\uparrow "),
    ('\u{2193}', "\\downarrow "),
    ('\u{2200}', "\\forall "),
    ('\u{2202}', "\\partial "),
    ('\u{2203}', "\\exists "),
    ('\u{2205}', "\\emptyset "),
    ('\u{2207}', "\\nabla "),
    ('\u{2208}', "\\in "),
    ('\u{2209}', "\\notin "),
    ('\u{220b}', "\\ni "),
    ('\u{220f}', "\\prod "),
    ('\u{2211}', "\\sum "),
    ('\u{2212}', "-"),
    ('\u{2213}', "\\mp "),
    ('\u{2217}', "\\ast "),
    ('\u{2218}', "\\circ "),
    ('\u{221a}', "\\surd "),
    ('\u{221d}', "\\propto "),
    ('\u{221e}', "\\infty "),
    ('\u{2220}', "\\angle "),
    ('\u{2227}', "\\wedge "),
    ('\u{2228}', "\\vee "),
    ('\u{2229}', "\\cap "),
    ('\u{222a}', "\\cup "),
    ('\u{222b}', "\\int "),
    ('\u{222e}', "\\oint "),
    ('\u{2234}', "\\therefore "),
    ('\u{223c}', "\\sim "),
    ('\u{2243}', "\\simeq "),
    ('\u{2245}', "\\cong "),
    ('\u{2248}', "\\approx "),
    ('\u{2260}', "\\neq "),
    ('\u{2261}', "\\equiv "),
    ('\u{2264}', "\\leq "),
    ('\u{2265}', "\\geq "),
    ('\u{226a}', "\\ll "),
    ('\u{226b}', "\\gg "),
    ('\u{2282}', "\\subset "),
    ('\u{2283}', "\\supset "),
    ('\u{2286}', "\\subseteq "),
    ('\u{2287}', "\\supseteq "),
    ('\u{2295}', "\\oplus "),
    ('\u{2297}', "\\otimes "),
    ('\u{22a5}', "\\bot "),
    ('\u{22c5}', "\\cdot "),
    ('\u{22ef}', "\\cdots "),
    ('\u{2026}', "\\ldots "),
    ('\u{2032}', "\\prime "),
    ('\u{2113}', "\\ell "),
    ('\u{211d}', "\\mathbb{R}"),
    ('\u{2115}', "\\mathbb{N}"),
    ('\u{2124}', "\\mathbb{Z}"),
    ('\u{211a}', "\\mathbb{Q}"),
    ('\u{2102}', "\\mathbb{C}"),
];

fn tex_symbol(c: char) -> Option<&'static str> {
    TEX_SYMBOLS
        .iter()
        .find(|(symbol, _)| *symbol == c)
        .map(|(_, tex)| *tex)
}
