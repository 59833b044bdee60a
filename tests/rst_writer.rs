//! Differential test: hoist's docutils HTML writer ([`hoist::render::rst::html`]) against
//! readme_renderer's (docutils' `html5_polyglot` writer with `ReadMeHTMLTranslator`, then
//! nh3), from the same tree: docutils' own transformed tree (`scripts/rst-corpus/doctree.py`
//! mode `writer`: the `transformed` tree) is written and sanitized by hoist and compared with
//! readme_renderer's HTML (mode `html`) over the rst corpus (real descriptions and synthetic
//! edge cases), after normalising whitespace and attribute order, code blocks by their text
//! (tests/htmlnorm). The writer's own output, before sanitizing, is also compared byte for
//! byte with docutils' (`parts["docinfo"] + parts["fragment"]`), which the sanitizer would
//! otherwise hide (classes, roles, styles). Prints both figures, the differences grouped by
//! their first differing tag, and the start of every difference; fails below 99% on either.

mod htmlnorm;
mod rst_corpus;
mod testpython;

use std::collections::BTreeMap;

use hoist::check::rst::node::Element;
use hoist::render::rst::html;
use htmlnorm::normalize;

/// Documents around the writer's own choices that the corpus rarely or never shows
/// (citations, option lists, details lists, line numbers, math, videos, containers, topics,
/// table widths and stubs, docinfo, footnote backlinks, cloaked addresses, deep sections...).
const WRITER_DOCS: &[&str] = &[
    "See [CIT2002]_ and [CIT2002]_ and [Other]_.\n\n.. [CIT2002] A citation.\n.. [Other] Another.\n",
    "-a            all\n--verbose, -v  be loud\n--file=FILE   a file\n-o FILE, --out=FILE  output\n/V            DOS\n",
    ".. class:: details open\n\nterm\n  definition\n\nterm2\n  more\n",
    ".. class:: details\n\nterm\n  definition\n",
    ".. sidebar:: Title\n   :subtitle: Sub\n\n   Body.\n\nText.\n",
    ".. code:: python\n   :number-lines:\n\n   a = 1\n   b = 2\n",
    ".. code:: python\n   :number-lines: 9\n\n   a = 1\n   b = 2\n   c = 3\n",
    ".. math::\n\n   a^2 + b^2 = c^2 \\\\\n   x = 1\n\n.. math::\n\n   e = mc^2\n\nInline :math:`a < b & c` and :math:`α × β ≤ ∞`.\n",
    ".. math::\n\n   \\begin{matrix} a \\\\ b \\end{matrix} ≠ γ\n",
    ".. image:: movie.mp4\n   :class: controls\n   :width: 200\n\n.. image:: b.swf\n\n.. image:: https://e.com/a.webm\n   :alt: A video\n",
    ".. container:: ins\n\n   Inserted.\n\n.. container:: a b\n\n   Box.\n\n.. container:: del x\n\n   Gone.\n",
    ".. topic:: T\n   :class: abstract\n\n   Body.\n\n.. topic:: D\n   :class: dedication\n\n   Body.\n\n.. topic:: Plain\n\n   Body.\n",
    ".. compound::\n\n   One.\n\n   Two.\n\n.. rubric:: Rub\n\n.. epigraph::\n\n   Quote.\n\n   -- Someone\n\n.. pull-quote::\n\n   Pulled.\n",
    ".. list-table:: Title\n   :widths: 10 30\n   :header-rows: 1\n   :stub-columns: 1\n\n   * - a\n     - b\n   * - c\n     - d\n",
    ".. csv-table:: T\n   :widths: auto\n   :align: center\n   :width: 50%\n\n   a, b\n   c, d\n",
    ".. csv-table::\n   :width: 300\n   :align: right\n\n   a, b\n",
    ".. header:: Top\n\n.. footer:: Bottom\n\nBody.\n",
    "=====\nTitle\n=====\n\nSub\n===\n\n:Author: Me\n:Authors: A; B\n:Organization: Org\n:Address: 1 Road\n   Town\n:Contact: me@example.com\n:Version: 1.0\n:Revision: 2\n:Status: beta\n:Date: 2020\n:Copyright: Me\n:Dedication: To you\n:Abstract: This.\n:License: MIT\n\nBody.\n",
    ":Author: Me\n:Version: 1\n:Field: *x*\n\nBody.\n",
    "A [#]_ and [#n]_ and [#n]_ and [*]_ and [1]_.\n\n.. [#] Auto.\n.. [#n] Named.\n.. [*] Symbol.\n.. [1] One.\n",
    ".. figure:: a.png\n   :width: 300px\n   :align: center\n   :alt: Alt\n\n   Caption *here*.\n\n   Legend one.\n\n   Legend two.\n\n.. figure:: b.png\n\n   Only caption.\n",
    ".. figure:: c.png\n   :figwidth: 50%\n   :figclass: fc\n\n.. image:: d.png\n   :align: left\n   :width: 50%\n   :height: 20em\n   :scale: 50\n   :target: https://e.com\n\n.. image:: e.png\n   :scale: 50\n   :width: 101\n   :height: 33\n\n.. image:: f.png\n   :loading: lazy\n",
    "Mail me@example.com or `x <mailto:a.b@c.org>`_ and https://e.com/a.b and `y <mailto:q@r.s?subject=x>`_.\n",
    "``--an-option`` and ``[+]?(\\d+(\\.\\d*)?|\\.\\d+)`` and ``a  b`` and ``x\ny``.\n\n.. role:: python(code)\n   :language: python\n\n:python:`x = 1` and :code:`y`.\n",
    ".. role:: kbd\n.. role:: del\n.. role:: custom\n.. role:: xcode(code)\n\n:kbd:`Ctrl` :del:`gone` :custom:`c` :xcode:`z`.\n",
    ".. sectnum::\n.. contents::\n\nA\n=\n\nB\n-\n\nC\n~\n\ntext\n\nD\n=\n",
    ".. contents:: Here\n   :backlinks: top\n   :local:\n\nA\n=\n\nB\n-\n\nx\n",
    ".. contents::\n   :backlinks: none\n   :depth: 1\n\nA\n=\n\nx\n\nB\n=\n\ny\n",
    "L1\n==\n\nL2\n--\n\nL3\n~~\n\nL4\n++\n\nL5\n^^\n\nL6\n''\n\nL7\n``\n\nL8\n..\n\ndeep\n",
    ".. class:: field-indent-2em\n\n:a: one\n:b:\n:long field name: three\n\n.. class:: field-indent-x\n\n:c: d\n",
    ".. note:: Note *this*.\n\n.. danger:: Risky.\n\n.. admonition:: Custom title\n   :class: tip\n\n   Body.\n\n.. warning::\n\n   Para one.\n\n   Para two.\n",
    "| Line one\n|     indented\n|\n| after empty\n|    | nested?\n",
    "Before\n\n----------\n\nAfter\n",
    "term : classifier one : classifier two\n    Definition.\n\nterm2\n    Def2.\n\n    More.\n",
    ">>> print(1)\n1\n>>> x = '<a>'\n",
    "Title\n=====\n\nSubtitle\n--------\n\nText.\n",
    ".. |img| image:: a.png\n.. |r| replace:: *replaced*\n.. |d| date:: %Y\n\nA |img| and |r|.\n",
    "An _`inline target` and `a link`_ and `inline target`_.\n\n.. _a link: https://e.com\n",
    ".. parsed-literal::\n\n   **bold** and ``lit\n   eral`` and *em*\n",
    "3. three\n4. four\n\n(a) x\n(b) y\n\niv. four\nv. five\n\nA) upper\nB) upper2\n",
    "+---+---+\n| a | b |\n+===+===+\n| c | d |\n|   +---+\n|   | e |\n+---+---+\n| f     |\n+-------+\n",
    ".. table:: Cap\n   :class: borderless\n\n   === ===\n   a   b\n   === ===\n   c   d\n   === ===\n",
    "H\\ :sub:`2`\\ O x\\ :sup:`2` :title-reference:`T` :emphasis:`e` :strong:`s` :pep:`8` :rfc:`2822` :literal:`l`.\n",
    "* simple\n* list\n\n  * nested\n\n* complex\n\n  para\n\n- a\n\n  b\n",
    "* item\n\n  - nested\n  - list\n\n* two\n",
    "1. a\n\n   :f: g\n\n2. b\n",
    ".. class:: open\n\n* a\n* b\n\n.. class:: compact\n\n* c\n\n  d\n\n* e\n",
    "Term\n   :field: value\n\nTerm2\n   * a\n   * b\n",
    ".. _target:\n\nSection\n=======\n\n.. _other:\n.. _third:\n\nPara with ids.\n\n* list with\n* ids\n\n`target`_ `other`_ `third`_\n",
    ".. _t1:\n.. _t2:\n\n.. image:: x.png\n\n.. _t3:\n.. _t4:\n\n=== ===\na   b\n=== ===\n\n`t1`_ `t2`_ `t3`_ `t4`_\n",
    "Para [1]_\n\n.. [1] First para.\n\n   Second para.\n\n.. [2] Unreferenced.\n",
    ".. highlights::\n\n   High.\n\nText::\n\n  literal <b> & \"q\"\n\n.. code::\n\n   no language\n\n.. code:: nosuchlang\n\n   x\n",
    ".. code:: python\n   :class: extra\n   :name: named-code\n\n   def f(): pass\n",
    "Section\n=======\n\n.. topic:: In section\n\n   Body.\n\n.. sidebar:: Side\n\n   Body.\n\n.. contents::\n   :local:\n\nSub\n---\n\nx\n",
    ".. image:: https://img.shields.io/badge/a-b-c.svg\n   :target: https://e.com\n   :alt: badge\n\nInline |b| here.\n\n.. |b| image:: x.png\n   :target: https://e.com\n",
    ".. list-table::\n   :widths: 1 2 3\n\n   * - a\n     - b\n     - c\n",
    ".. csv-table::\n   :header: \"A\", \"B\"\n   :stub-columns: 1\n\n   1, 2\n   3, 4\n",
    ".. _Name With Spaces:\n\nSame\n====\n\nSame\n====\n\n`Name With Spaces`_\n",
    "Email: user@host.com and <user2@host2.org>.\n\n`Joe <mailto:joe.x@y.com>`_\n",
    "Emphasis with @ and \" and & and < >.\n\n.. image:: a&b.png\n   :alt: a \"q\" & <b>\n",
];

/// What doctree.py's mode `writer` gives for a document readme_renderer renders: docutils'
/// transformed tree, the HTML its writer produced from it and readme_renderer's final HTML.
#[derive(serde::Deserialize)]
struct Oracle {
    transformed: Element,
    fragment: String,
    html: String,
}

fn oracle(docs: &[&str]) -> Vec<Option<Oracle>> {
    let out = testpython::run_batch_mode(
        "scripts/rst-corpus/doctree.py",
        "writer",
        &docs,
        "run scripts/test to install readme_renderer",
    );
    serde_json::from_slice(&out).expect("doctree.py JSON")
}

/// Where two normalised documents first differ: from the tag before the difference, a
/// short excerpt of each.
fn first_difference(want: &str, got: &str) -> (String, String) {
    let common = want
        .char_indices()
        .zip(got.chars())
        .find(|((_, a), b)| a != b)
        .map_or(want.len().min(got.len()), |((i, _), _)| i);
    let from = want.get(..common).and_then(|p| p.rfind('<')).unwrap_or(0);
    let excerpt = |s: &str| -> String { s.get(from..).unwrap_or("").chars().take(70).collect() };
    (excerpt(want), excerpt(got))
}

/// The group a difference falls in: the first tag (name and attributes) of each excerpt.
fn group(want: &str, got: &str) -> String {
    let head = |s: &str| -> String {
        let end = s.find('>').map_or(s.len(), |i| i + 1);
        s.chars().take(end.min(40)).collect()
    };
    format!("readme_renderer {:?} / hoist {:?}", head(want), head(got))
}

/// The figures and the differences so far.
#[derive(Default)]
struct Tally {
    rendered: usize,
    identical: usize,
    exact: usize,
    groups: BTreeMap<String, Vec<String>>,
    differences: Vec<String>,
}

impl Tally {
    /// Writes one document's tree and compares, unsanitized and sanitized.
    fn compare(&mut self, name: &str, want: &Oracle) {
        self.rendered += 1;
        let written = html::write(&want.transformed);
        if written == want.fragment {
            self.exact += 1;
        } else {
            let (w, g) = first_difference(&want.fragment, &written);
            self.differ(format!("unsanitized: {}", group(&w, &g)), name);
            self.differences.push(format!(
                "  {name} (unsanitized):\n    docutils: {w:?}\n    hoist:    {g:?}"
            ));
        }
        let got = html::sanitized(&want.transformed).unwrap_or_default();
        let (want, got) = (normalize(&want.html), normalize(&got));
        if want == got {
            self.identical += 1;
            return;
        }
        let (w, g) = first_difference(&want, &got);
        self.differ(group(&w, &g), name);
        self.differences.push(format!(
            "  {name}:\n    readme_renderer: {w:?}\n    hoist:           {g:?}"
        ));
    }

    fn differ(&mut self, group: String, name: &str) {
        self.groups.entry(group).or_default().push(name.to_string());
    }

    fn print(&self, documents: usize) {
        let rate = self.identical as f64 / self.rendered.max(1) as f64;
        println!(
            "rst writer: {documents} documents, {} rendered by readme_renderer",
            self.rendered
        );
        println!(
            "identical after normalising: {}/{} = {:.2}%",
            self.identical,
            self.rendered,
            rate * 100.0
        );
        println!(
            "unsanitized HTML byte for byte as docutils writes it: {}/{}",
            self.exact, self.rendered
        );
        let mut by_size: Vec<(&String, &Vec<String>)> = self.groups.iter().collect();
        by_size.sort_by_key(|(_, docs)| std::cmp::Reverse(docs.len()));
        println!(
            "differences by first differing tag ({}):",
            self.differences.len()
        );
        for (key, docs) in by_size {
            let example = docs.first().map_or("", |d| d);
            println!("  {:4} {key} (e.g. {example})", docs.len());
        }
        for d in &self.differences {
            println!("{d}");
        }
    }
}

#[test]
fn writes_what_docutils_writes() {
    let mut corpus = rst_corpus::real_docs();
    corpus.extend(rst_corpus::synthetic_docs());
    corpus.extend(
        WRITER_DOCS
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("writer doc {i}"), d.to_string())),
    );
    let docs: Vec<&str> = corpus.iter().map(|(_, t)| t.as_str()).collect();
    let oracle = oracle(&docs);
    assert_eq!(oracle.len(), corpus.len());
    let mut tally = Tally::default();
    for ((name, _), want) in corpus.iter().zip(&oracle) {
        if let Some(want) = want {
            tally.compare(name, want);
        }
    }
    tally.print(corpus.len());
    let (rendered, identical, exact) = (tally.rendered, tally.identical, tally.exact);
    assert!(rendered >= 600, "too few rendered documents: {rendered}");
    assert!(
        identical as f64 >= 0.99 * rendered as f64,
        "agreement {identical}/{rendered} is below 99%"
    );
    assert!(
        exact as f64 >= 0.99 * rendered as f64,
        "unsanitized agreement {exact}/{rendered} is below 99%"
    );
}
