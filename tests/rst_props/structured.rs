//! Structural generators for the rst parser, transforms and writer: documents built from a
//! seed out of the constructs docutils' transforms and the HTML writer handle (nesting,
//! footnotes, substitutions, targets, tables, contents/sectnum, docinfo...), with names drawn
//! from a small pool so references resolve, collide and form cycles.

use crate::rst_corpus::Rng;

const NAMES: &[&str] = &["a", "b", "c", "sec one", "x-y"];

struct Gen {
    rng: Rng,
    out: String,
    budget: usize,
    /// Whether to draw from the odd choices too (unknown roles and options, bad fields...),
    /// which make docutils refuse the document before the transforms and the writer run.
    odd: bool,
    /// Title styles used so far and the current section level, to keep levels consistent.
    styles: usize,
    level: usize,
    /// Target names defined so far (a duplicate is an error, except in odd documents).
    targets: Vec<&'static str>,
    substitutions: Vec<&'static str>,
}

/// A document of up to ~40 blocks, built from `seed`.
pub fn structured(seed: u64) -> String {
    let mut g = Gen {
        rng: Rng::new(seed),
        out: String::new(),
        budget: 40,
        odd: seed.is_multiple_of(4),
        styles: 0,
        level: 0,
        targets: Vec::new(),
        substitutions: Vec::new(),
    };
    g.prelude();
    while g.budget > 0 {
        if g.below(4) == 0 {
            g.title(0);
        }
        g.block(0, 0);
    }
    if !g.odd {
        g.define_the_rest();
    }
    g.out
}

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        self.rng.below(n)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.rng.below(xs.len())]
    }
    /// One of `ok`, or in an odd document one of `ok` and `odd`.
    fn choose<'a>(&mut self, ok: &[&'a str], odd: &[&'a str]) -> &'a str {
        let n = ok.len() + if self.odd { odd.len() } else { 0 };
        let i = self.rng.below(n);
        ok.get(i).copied().unwrap_or_else(|| odd[i - ok.len()])
    }
    fn line(&mut self, indent: usize, text: &str) {
        self.out.push_str(&" ".repeat(indent));
        self.out.push_str(text);
        self.out.push('\n');
    }
    fn blank(&mut self) {
        self.out.push('\n');
    }
    fn name(&mut self) -> &'static str {
        self.pick(NAMES)
    }

    /// A run of inline markup: references of every kind, footnote and substitution references.
    fn inline(&mut self) -> String {
        let mut s = String::new();
        for _ in 0..1 + self.below(6) {
            let n = self.name();
            let piece = match self.below(20) {
                0 => "*emph*".to_string(),
                1 => "**strong**".to_string(),
                2 => "``lit``".to_string(),
                3 => format!("`{n}`_"),
                4 => format!("`{n}`__"),
                5 => "[#]_".to_string(),
                6 => "[*]_".to_string(),
                7 => format!("[{}]_", 1 + self.below(4)),
                8 => format!("[#f{}]_", n.replace(' ', "")),
                9 => "[CIT2024]_".to_string(),
                10 => format!("|{n}|"),
                11 => format!("|{n}|_"),
                12 => format!("|{n}|__"),
                13 => format!("`text <{n}_>`_"),
                14 => "`link <http://e.com/>`__".to_string(),
                15 => "http://e.com/p?q=1".to_string(),
                16 => ":math:`x^2`".to_string(),
                17 => format!(
                    ":sup:`{n}` :title:`t` {}",
                    self.choose(&[""], &[":bogus:`r`"])
                ),
                18 => "\"quoted\" 'text' -- ... ---".to_string(),
                _ => "plain words".to_string(),
            };
            s.push_str(&piece);
            s.push(' ');
        }
        s.trim_end().to_string()
    }

    /// Nothing, a document title (and subtitle), and/or bibliographic fields.
    fn prelude(&mut self) {
        if self.below(2) == 0 {
            self.title(0);
            if self.below(2) == 0 {
                self.title(0);
            }
        }
        if self.below(2) == 0 {
            self.docinfo();
        }
        if self.below(8) == 0 {
            self.budget = 0; // a title-only (or docinfo-only) document
        }
    }

    /// A section title with or without overline, sometimes with a short underline.
    fn title(&mut self, indent: usize) {
        const STYLES: &[&str] = &["=", "-", "~", "^", "\"", "'", "#", "*", "+", "`", ":", "."];
        let i = if self.odd {
            self.below(STYLES.len())
        } else {
            // a known style at or above the current level, or the next new one below it
            self.below(self.level.min(self.styles) + 1)
                .min(STYLES.len() - 1)
        };
        self.styles = self.styles.max(i + 1);
        self.level = i + 1;
        let c = STYLES[i];
        let text = match (self.odd, self.below(3)) {
            (true, 0) => self.inline(),
            (true, _) => self.name().to_string(),
            (false, 0) => format!("Title {} {}", self.out.len(), self.inline()),
            (false, _) => format!("Title {}", self.out.len()),
        };
        let short = if self.odd { self.below(4).min(2) } else { 0 };
        let rule = c.repeat(text.chars().count() + 2 - short);
        if self.odd && self.below(3) == 0 {
            self.line(indent, &rule);
        }
        self.line(indent, &text);
        self.line(indent, &rule);
        self.blank();
    }

    /// Bibliographic fields in every shape docutils' DocInfo transform distinguishes.
    fn docinfo(&mut self) {
        for _ in 0..1 + self.below(8) {
            let field = self.pick(&[
                "Author",
                "Authors",
                "Organization",
                "Address",
                "Contact",
                "Version",
                "Revision",
                "Status",
                "Date",
                "Copyright",
                "Dedication",
                "Abstract",
                "Custom",
                "author",
            ]);
            let body = match self.below(9) {
                0 => String::new(),
                1 => "A; B; C".into(),
                2 => "A, B".into(),
                3 => "$Date: 2006/05/21 08:44:51 $".into(),
                4 => "$RCSfile: x.py,v $".into(),
                5 => self.inline(),
                _ => "text".into(),
            };
            self.line(0, &format!(":{field}: {body}"));
            match self.below(6) {
                0 => {
                    self.line(2, "- one");
                    self.line(2, "- two");
                }
                1 => {
                    self.blank();
                    self.line(2, "Second paragraph.");
                }
                2 => self.line(2, ":nested: field"),
                _ => {}
            }
        }
        self.blank();
    }

    /// One block at `indent`, containers recursing up to a random depth.
    fn block(&mut self, indent: usize, depth: usize) {
        self.budget = self.budget.saturating_sub(1);
        let leaf = depth > 6 || self.budget == 0 || self.below(3) != 0;
        if leaf {
            self.leaf(indent);
        } else {
            self.container(indent, depth);
        }
        self.blank();
    }

    fn children(&mut self, indent: usize, depth: usize) {
        for _ in 0..1 + self.below(3) {
            if self.budget == 0 {
                break;
            }
            self.block(indent, depth + 1);
        }
    }

    fn container(&mut self, indent: usize, depth: usize) {
        let text = self.inline();
        match self.below(7) {
            0 => {
                let m = self.pick(&["-", "*", "+", "•"]);
                self.line(indent, &format!("{m} {text}"));
                self.blank();
                self.children(indent + 2, depth);
            }
            1 => {
                let m = self.pick(&["#.", "1.", "a)", "(i)", "IV.", "Z.", "(#)", "3)"]);
                self.line(indent, &format!("{m} {text}"));
                self.blank();
                self.children(indent + m.len() + 1, depth);
            }
            2 => {
                let k = 1 + self.below(4);
                self.children(indent + k, depth);
                if self.below(2) == 0 {
                    self.line(indent + k, "-- Attribution");
                }
            }
            3 => {
                self.line(indent, &format!("term : classifier : {text}"));
                self.children(indent + 4, depth);
            }
            4 => {
                let n = self.name();
                self.line(indent, &format!(":{n}: {text}"));
                self.blank();
                self.children(indent + 2, depth);
            }
            _ => self.directive(indent, depth),
        }
    }

    /// A body directive with options and nested content.
    fn directive(&mut self, indent: usize, depth: usize) {
        let head = self.choose(
            &[
                "note::",
                "admonition:: Title",
                "container:: k",
                "compound::",
                "epigraph::",
                "highlights::",
                "pull-quote::",
                "class:: special",
                "warning::",
                "tip::",
            ],
            &[
                "topic:: Topic",
                "sidebar:: Side",
                "table:: Caption",
                "figure:: x.png",
                "tip:: inline",
                "rubric:: R",
                "line-block::",
                "parsed-literal::",
                "code:: python",
                "math::",
                "raw:: html",
                "include:: x.rst",
                "image:: x.png",
                "only:: html",
                "bogus::",
            ],
        );
        self.line(indent, &format!(".. {head}"));
        for _ in 0..if self.odd { self.below(3) } else { 0 } {
            let opt = self.pick(&[
                ":class: c",
                ":name: a",
                ":name: b",
                ":width: 50%",
                ":align: center",
                ":target: a_",
                ":alt: x",
                ":subtitle: s",
                ":figwidth: image",
                ":bogus: x",
                ":scale: 50",
                ":height: 10px",
                ":number-lines:",
            ]);
            self.line(indent + 3, opt);
        }
        self.blank();
        self.children(indent + 3, depth);
    }
}

impl Gen {
    /// A block without children.
    fn leaf(&mut self, indent: usize) {
        let n = self.name();
        let text = self.inline();
        let line = match self.below(16) {
            0 => {
                let label = self.choose(&["#", "*"], &["1", "2", "#fa", "#fb", "CIT2024", "#fx-y"]);
                format!(".. [{label}] {text}")
            }
            1 if self.odd || !self.substitutions.contains(&n) => {
                self.substitutions.push(n);
                let m = self.name();
                let body = self.choose(
                    &[
                        "replace:: |{m}| and more",
                        "image:: x.png",
                        "unicode:: U+2014 .. trim",
                        "date:: %Y",
                        "replace:: `x <{m}_>`__",
                    ],
                    &["replace:: |{m}|", "replace::", "bogus:: x"],
                );
                format!(".. |{n}| {}", body.replace("{m}", m))
            }
            2 if self.odd || !self.targets.contains(&n) => {
                self.targets.push(n);
                let m = self.name();
                let t = self.pick(&["{m}_", "`{m}`_", "http://e.com/", "", "mailto:a@b.c"]);
                format!(".. _{}: {}", n, t.replace("{m}", m))
            }
            3 if self.odd => format!(
                ".. __: {}",
                self.pick(&["http://anon/", "a_", "`sec one`_"])
            ),
            4 if self.odd => format!("__ {n}_"),
            5 if indent == 0 || self.odd => return self.contents(indent),
            6 => return self.table(indent),
            7 => format!("{text} ::\n\n{}  literal *x*\n", " ".repeat(indent)),
            8 => format!("| {text}\n{}|    indented line", " ".repeat(indent)),
            9 => format!(">>> print(1)\n{}1", " ".repeat(indent)),
            10 => format!("-a, --all=FILE  {text}\n{}-b   other", " ".repeat(indent)),
            11 => self.long_line(indent),
            12 if indent > 0 && self.odd => return self.title(indent),
            13 => self
                .choose(&["paragraph"], &["- list\nnot a list"])
                .to_string(),
            _ => text,
        };
        self.line(indent, &line);
    }

    /// A line of about docutils' 10,000-character limit, after tab expansion.
    fn long_line(&mut self, indent: usize) -> String {
        let len = 9_980 + self.below(if self.odd { 40 } else { 20 }) - indent.min(9_000);
        match self.below(3) {
            0 => "x".repeat(len),
            1 => format!("{}y", "\t".repeat(len / 8 - 1)),
            _ => "*a* ".repeat(len / 4),
        }
    }

    /// `contents` and `sectnum` with odd options.
    fn contents(&mut self, indent: usize) {
        let opts: &[&str] = if self.below(2) == 0 {
            let title = self.pick(&["", " Table", " *Marked* `a`_"]);
            self.line(indent, &format!(".. contents::{title}"));
            &[
                ":depth: 0",
                ":depth: 1000",
                ":local:",
                ":backlinks: top",
                ":backlinks: none",
            ]
        } else {
            self.line(indent, ".. sectnum::");
            &[
                ":depth: 0",
                ":depth: 1000",
                ":start: 0",
                ":start: 99999",
                ":prefix: §",
            ]
        };
        for _ in 0..self.below(if self.odd { 4 } else { 2 }) {
            let opt = self.choose(
                opts,
                &[
                    ":depth: -1",
                    ":depth: x",
                    ":backlinks: bogus",
                    ":local: x",
                    ":bogus:",
                ],
            );
            self.line(indent + 3, opt);
        }
    }

    fn table(&mut self, indent: usize) {
        let rows = 1 + self.below(6);
        let cols = 1 + self.below(5);
        let t = match self.below(4) {
            0 => grid_table(&mut self.rng, rows, cols),
            1 => simple_table(rows, cols),
            2 => csv_table(rows, cols, self.below(if self.odd { 3 } else { 1 })),
            _ => list_table(
                rows,
                cols,
                self.below(if self.odd { 4 } else { rows.min(2) }),
            ),
        };
        for l in t.lines() {
            self.line(indent, l);
        }
    }
}

/// A grid table of `rows` x `cols` cells, some merged with their right or lower neighbour
/// (row and column spans), drawn so that docutils accepts it; a header when no span crosses it.
pub fn grid_table(rng: &mut Rng, rows: usize, cols: usize) -> String {
    const W: usize = 8;
    // cell[r][c] = (rows spanned, cols spanned) for a cell's top-left, (0, 0) when covered
    let mut cell = vec![vec![(1usize, 1usize); cols]; rows];
    for r in 0..rows {
        for c in 0..cols {
            if cell[r][c] != (1, 1) {
                continue;
            }
            match rng.below(5) {
                0 if c + 1 < cols && cell[r][c + 1] == (1, 1) => {
                    cell[r][c] = (1, 2);
                    cell[r][c + 1] = (0, 0);
                }
                1 if r + 1 < rows && cell[r + 1][c] == (1, 1) => {
                    cell[r][c] = (2, 1);
                    cell[r + 1][c] = (0, 0);
                }
                _ => {}
            }
        }
    }
    let (h, w) = (rows * 2 + 1, cols * W + 1);
    let mut g = vec![vec![' '; w]; h];
    for (r, row) in cell.iter().enumerate() {
        for (c, &(rs, cs)) in row.iter().enumerate() {
            if rs == 0 {
                continue;
            }
            let (top, left, bottom, right) = (r * 2, c * W, (r + rs) * 2, (c + cs) * W);
            for line in [top, bottom] {
                g[line][left..=right].fill('-');
            }
            for line in &mut g[top..=bottom] {
                line[left] = '|';
                line[right] = '|';
            }
            for (y, x) in [(top, left), (top, right), (bottom, left), (bottom, right)] {
                g[y][x] = '+';
            }
            let label = format!("r{r}c{c}");
            for (i, ch) in label.chars().take(W - 3).enumerate() {
                g[top + 1][left + 2 + i] = ch;
            }
        }
    }
    // corners drawn by one cell may have been overwritten by a neighbour's edge
    for y in (0..h).step_by(2) {
        for x in (0..w).step_by(W) {
            let v = (y > 0 && g[y - 1][x] == '|') || (y + 1 < h && g[y + 1][x] == '|');
            let hz = (x > 0 && g[y][x - 1] == '-') || (x + 1 < w && g[y][x + 1] == '-');
            if v && hz {
                g[y][x] = '+';
            }
        }
    }
    if rows > 1 && g[2].iter().all(|&ch| ch == '+' || ch == '-') {
        g[2] = g[2]
            .iter()
            .map(|&ch| if ch == '-' { '=' } else { ch })
            .collect();
    }
    let mut s: String = g
        .iter()
        .map(|l| l.iter().collect::<String>() + "\n")
        .collect();
    s.push('\n');
    s
}

/// A simple table with a column span in its header.
pub fn simple_table(rows: usize, cols: usize) -> String {
    let rule = vec!["====="; cols].join("  ");
    let mut s = format!("{rule}\n{}\n", vec!["Head "; cols].join("  "));
    if cols > 1 {
        s += &format!(
            "{}  {}\n",
            "-".repeat(12),
            vec!["-----"; cols - 2].join("  ")
        );
        s += &format!("{}\n", vec!["sub  "; cols].join("  "));
    }
    s += &format!("{rule}\n");
    for r in 0..rows {
        s += &format!("{}\n", vec![format!("r{r:<4}"); cols].join("  "));
    }
    s + &rule + "\n"
}

/// A csv-table, its rows sometimes ragged.
pub fn csv_table(rows: usize, cols: usize, odd: usize) -> String {
    let mut s = ".. csv-table:: T\n   :header: a, \"b \"\"q\"\"\"\n".to_string();
    if odd == 1 {
        s += "   :widths: 1, 2, 3\n   :stub-columns: 1\n";
    }
    s += "\n";
    for r in 0..rows {
        let n = if odd == 2 { cols + r % 2 } else { cols };
        s += &format!("   {}\n", vec![format!("\"r{r} *x*\""); n].join(", "));
    }
    s
}

/// A list-table, its header rows sometimes beyond its rows.
pub fn list_table(rows: usize, cols: usize, header: usize) -> String {
    let mut s = format!(".. list-table:: T\n   :header-rows: {header}\n   :stub-columns: 1\n\n");
    for r in 0..rows {
        for c in 0..cols {
            let m = if c == 0 { "*" } else { " " };
            s += &format!("   {m} - r{r}c{c}\n");
        }
    }
    s
}

impl Gen {
    /// What a document that should render still lacks: a substitution and a target for
    /// every name, the footnotes its references need, one target per anonymous reference.
    fn define_the_rest(&mut self) {
        let mut defs = String::from("\n");
        for &n in NAMES {
            if !self.substitutions.contains(&n) {
                defs += &format!(".. |{n}| replace:: {n}\n");
            }
            if !self.targets.contains(&n) {
                defs += &format!(".. _{}: http://e.com/{n}\n", n);
            }
        }
        let count = |s: &str, p: &str| s.matches(p).count();
        for auto in ["#", "*"] {
            let refs = count(&self.out, &format!("[{auto}]_"));
            let notes = count(&self.out, &format!(".. [{auto}] "));
            for _ in notes..refs {
                defs += &format!(".. [{auto}] note\n");
            }
        }
        for label in [
            "1", "2", "3", "4", "#fa", "#fb", "#fc", "#fsecone", "#fx-y", "CIT2024",
        ] {
            if !self.out.contains(&format!(".. [{label}] ")) {
                defs += &format!(".. [{label}] note\n");
            }
        }
        let anonymous =
            count(&self.out, "`__") + count(&self.out, "|__") - count(&self.out, ">`__");
        defs += &"__ http://e.com/anonymous\n".repeat(anonymous);
        self.out += &defs;
    }
}
