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
fn tex_symbol(c: char) -> Option<&'static str> {
    match c {
        '\u{a0}' => Some("~"),
        '\u{a3}' => Some("\\pounds "),
        '\u{a5}' => Some("\\yen "),
        '\u{a7}' => Some("\\S "),
        '\u{ac}' => Some("\\neg "),
        '\u{b1}' => Some("\\pm "),
        '\u{b6}' => Some("\\P "),
        '\u{d7}' => Some("\\times "),
        '\u{f0}' => Some("\\eth "),
        '\u{f7}' => Some("\\div "),
        '\u{131}' => Some("\\imath "),
        '\u{237}' => Some("\\jmath "),
        '\u{393}' => Some("\\Gamma "),
        '\u{394}' => Some("\\Delta "),
        '\u{398}' => Some("\\Theta "),
        '\u{39b}' => Some("\\Lambda "),
        '\u{39e}' => Some("\\Xi "),
        '\u{3a0}' => Some("\\Pi "),
        '\u{3a3}' => Some("\\Sigma "),
        '\u{3a5}' => Some("\\Upsilon "),
        '\u{3a6}' => Some("\\Phi "),
        '\u{3a8}' => Some("\\Psi "),
        '\u{3a9}' => Some("\\Omega "),
        '\u{3b1}' => Some("\\alpha "),
        '\u{3b2}' => Some("\\beta "),
        '\u{3b3}' => Some("\\gamma "),
        '\u{3b4}' => Some("\\delta "),
        '\u{3b5}' => Some("\\varepsilon "),
        '\u{3b6}' => Some("\\zeta "),
        '\u{3b7}' => Some("\\eta "),
        '\u{3b8}' => Some("\\theta "),
        '\u{3b9}' => Some("\\iota "),
        '\u{3ba}' => Some("\\kappa "),
        '\u{3bb}' => Some("\\lambda "),
        '\u{3bc}' => Some("\\mu "),
        '\u{3bd}' => Some("\\nu "),
        '\u{3be}' => Some("\\xi "),
        '\u{3c0}' => Some("\\pi "),
        '\u{3c1}' => Some("\\rho "),
        '\u{3c2}' => Some("\\varsigma "),
        '\u{3c3}' => Some("\\sigma "),
        '\u{3c4}' => Some("\\tau "),
        '\u{3c5}' => Some("\\upsilon "),
        '\u{3c6}' => Some("\\varphi "),
        '\u{3c7}' => Some("\\chi "),
        '\u{3c8}' => Some("\\psi "),
        '\u{3c9}' => Some("\\omega "),
        '\u{3d1}' => Some("\\vartheta "),
        '\u{3d5}' => Some("\\phi "),
        '\u{3d6}' => Some("\\varpi "),
        '\u{3dd}' => Some("\\digamma "),
        '\u{3f0}' => Some("\\varkappa "),
        '\u{3f1}' => Some("\\varrho "),
        '\u{3f5}' => Some("\\epsilon "),
        '\u{3f6}' => Some("\\backepsilon "),
        '\u{2190}' => Some("\\leftarrow "),
        '\u{2192}' => Some("\\rightarrow "),
        '\u{2194}' => Some("\\leftrightarrow "),
        '\u{21d0}' => Some("\\Leftarrow "),
        '\u{21d2}' => Some("\\Rightarrow "),
        '\u{21d4}' => Some("\\Leftrightarrow "),
        '\u{2191}' => Some("\\uparrow "),
        '\u{2193}' => Some("\\downarrow "),
        '\u{2200}' => Some("\\forall "),
        '\u{2202}' => Some("\\partial "),
        '\u{2203}' => Some("\\exists "),
        '\u{2205}' => Some("\\emptyset "),
        '\u{2207}' => Some("\\nabla "),
        '\u{2208}' => Some("\\in "),
        '\u{2209}' => Some("\\notin "),
        '\u{220b}' => Some("\\ni "),
        '\u{220f}' => Some("\\prod "),
        '\u{2211}' => Some("\\sum "),
        '\u{2212}' => Some("-"),
        '\u{2213}' => Some("\\mp "),
        '\u{2217}' => Some("\\ast "),
        '\u{2218}' => Some("\\circ "),
        '\u{221a}' => Some("\\surd "),
        '\u{221d}' => Some("\\propto "),
        '\u{221e}' => Some("\\infty "),
        '\u{2220}' => Some("\\angle "),
        '\u{2227}' => Some("\\wedge "),
        '\u{2228}' => Some("\\vee "),
        '\u{2229}' => Some("\\cap "),
        '\u{222a}' => Some("\\cup "),
        '\u{222b}' => Some("\\int "),
        '\u{222e}' => Some("\\oint "),
        '\u{2234}' => Some("\\therefore "),
        '\u{223c}' => Some("\\sim "),
        '\u{2243}' => Some("\\simeq "),
        '\u{2245}' => Some("\\cong "),
        '\u{2248}' => Some("\\approx "),
        '\u{2260}' => Some("\\neq "),
        '\u{2261}' => Some("\\equiv "),
        '\u{2264}' => Some("\\leq "),
        '\u{2265}' => Some("\\geq "),
        '\u{226a}' => Some("\\ll "),
        '\u{226b}' => Some("\\gg "),
        '\u{2282}' => Some("\\subset "),
        '\u{2283}' => Some("\\supset "),
        '\u{2286}' => Some("\\subseteq "),
        '\u{2287}' => Some("\\supseteq "),
        '\u{2295}' => Some("\\oplus "),
        '\u{2297}' => Some("\\otimes "),
        '\u{22a5}' => Some("\\bot "),
        '\u{22c5}' => Some("\\cdot "),
        '\u{22ef}' => Some("\\cdots "),
        '\u{2026}' => Some("\\ldots "),
        '\u{2032}' => Some("\\prime "),
        '\u{2113}' => Some("\\ell "),
        '\u{211d}' => Some("\\mathbb{R}"),
        '\u{2115}' => Some("\\mathbb{N}"),
        '\u{2124}' => Some("\\mathbb{Z}"),
        '\u{211a}' => Some("\\mathbb{Q}"),
        '\u{2102}' => Some("\\mathbb{C}"),
        _ => None,
    }
}
