//! Differential test: hoist's inline rst parser (`check::rst::inline_doctree`) against the
//! inline nodes docutils builds for every paragraph of the rst corpus.
//!
//! The oracle is `scripts/rst-corpus/doctree.py` in mode `paragraphs` ([rawsource, line,
//! children] per paragraph of docutils' parsed tree) over the real and synthetic documents.
//! Each paragraph is parsed here in a fresh document, so what depends on the rest of the
//! document is set apart: auto-id counters (`footnote-reference-3`) are compared without their
//! number, paragraphs with interpreted text in documents that define roles or a default role
//! are counted apart, and so are paragraphs that differ only in names the document already
//! had (docutils' `dupnames`). Everything else is compared exactly. Prints the agreement and
//! every difference, grouped by the kind of the first differing node; fails below the
//! threshold.

mod rst_corpus;
mod testpython;

use std::collections::BTreeMap;

use hoist::check::rst::inline_doctree;
use hoist::check::rst::node::{Attr, Element, Node};

type Paragraph = (String, usize, Vec<Node>);

/// docutils' `Body.paragraph`: a paragraph ending in `::` is parsed without it (or without
/// ` ::`), its rawsource keeping it.
fn paragraph_text(raw: &str) -> String {
    let colons = raw.ends_with("::") && {
        let backslashes = raw[..raw.len() - 2]
            .chars()
            .rev()
            .take_while(|&c| c == '\\')
            .count();
        backslashes % 2 == 0
    };
    if !colons {
        return raw.to_string();
    }
    let head = &raw[..raw.len() - 2];
    if head.ends_with([' ', '\n']) {
        head.trim_end().to_string()
    } else {
        raw[..raw.len() - 1].to_string()
    }
}

/// Auto-id counters dropped: `user-content-footnote-reference-3` and `-1` alike.
fn strip_counter(id: &str) -> String {
    match id.rsplit_once('-') {
        Some((head, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            head.to_string()
        }
        _ => id.to_string(),
    }
}

/// The form compared: auto-id counters dropped.
fn normalize(nodes: &[Node]) -> Vec<Node> {
    nodes.iter().map(normalize_node).collect()
}

fn normalize_node(n: &Node) -> Node {
    let Node::Element(e) = n else {
        return n.clone();
    };
    let mut out = Element::new(&e.tag);
    out.attrs = e.attrs.clone();
    if let Some(Attr::List(ids)) = out.attrs.get_mut("ids") {
        *ids = ids.iter().map(|i| strip_counter(i)).collect();
    }
    out.children = normalize(&e.children);
    out.into()
}

/// Equal but for names the whole document had before: where docutils' element has
/// `dupnames`, they count as names and its ids are not compared.
fn same_but_dupnames(want: &[Node], got: &[Node]) -> bool {
    want.len() == got.len()
        && want.iter().zip(got).all(|(w, g)| match (w, g) {
            (Node::Element(w), Node::Element(g)) => {
                let (mut w2, mut g2) = (w.clone(), g.clone());
                if let Some(Attr::List(dups)) = w2.remove("dupnames") {
                    for d in dups {
                        w2.push_to("names", d);
                    }
                    w2.remove("ids");
                    g2.remove("ids");
                }
                w2.tag == g2.tag
                    && w2.attrs == g2.attrs
                    && same_but_dupnames(&w.children, &g.children)
            }
            _ => w == g,
        })
}

fn short(v: &impl serde::Serialize) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 300 {
        format!("{}...", s.chars().take(300).collect::<String>())
    } else {
        s
    }
}

/// The kind of the first difference: the tag (or "text") of the first node that differs.
fn first_difference(want: &[Node], got: &[Node]) -> String {
    for (w, g) in want.iter().zip(got) {
        if w == g {
            continue;
        }
        return match (w, g) {
            (Node::Element(a), Node::Element(b)) if a.tag == b.tag && a.attrs == b.attrs => {
                first_difference(&a.children, &b.children)
            }
            (Node::Element(a), Node::Element(b)) if a.tag == b.tag => {
                format!("{} attributes", a.tag)
            }
            (Node::Element(a), _) => a.tag.clone(),
            (Node::Text(_), Node::Element(b)) => format!("text (got {})", b.tag),
            (Node::Text(_), Node::Text(_)) => "text".to_string(),
        };
    }
    format!("node count ({} vs {})", want.len(), got.len())
}

fn defines_roles(doc: &str) -> bool {
    doc.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("..") && (t.contains(" role::") || t.contains(" default-role::"))
    })
}

#[derive(Default)]
struct Tally {
    total: usize,
    same: usize,
    context: usize,
    roles_total: usize,
    roles_same: usize,
    roles_diffs: Vec<String>,
    groups: BTreeMap<String, Vec<String>>,
}

impl Tally {
    fn one(&mut self, name: &str, p: &Paragraph, role_dependent: bool) {
        let (raw, line, want) = p;
        let got = inline_doctree(&paragraph_text(raw), *line);
        let want = &normalize(want);
        let got = got.map(|g| normalize(&g));
        let strict = got.as_ref() == Some(want);
        if role_dependent {
            self.roles_total += 1;
            self.roles_same += usize::from(strict);
            if !strict {
                self.roles_diffs.push(format!(
                    "  {name}:{line}: {}\n    docutils: {}\n    hoist:    {}",
                    short(raw),
                    short(want),
                    got.as_ref().map_or("problem".to_string(), short)
                ));
            }
            return;
        }
        self.total += 1;
        if strict {
            self.same += 1;
            return;
        }
        let Some(got) = got else {
            let entry = format!("  {name}:{line}: {}\n    hoist: problem", short(raw));
            self.groups
                .entry("hoist reports a problem".into())
                .or_default()
                .push(entry);
            return;
        };
        if same_but_dupnames(want, &got) {
            self.context += 1;
            return;
        }
        let kind = first_difference(want, &got);
        let entry = format!(
            "  {name}:{line}: {}\n    docutils: {}\n    hoist:    {}",
            short(raw),
            short(want),
            short(&got)
        );
        self.groups.entry(kind).or_default().push(entry);
    }
}

#[test]
fn agrees_with_docutils_inliner() {
    let mut docs = rst_corpus::real_docs();
    docs.extend(rst_corpus::synthetic_docs());
    let texts: Vec<&str> = docs.iter().map(|(_, t)| t.as_str()).collect();
    let out = testpython::run_batch_mode(
        "scripts/rst-corpus/doctree.py",
        "paragraphs",
        &texts,
        "run scripts/test to install docutils and readme_renderer",
    );
    let oracle: Vec<Option<Vec<Paragraph>>> = serde_json::from_slice(&out).expect("oracle JSON");
    assert_eq!(oracle.len(), docs.len());

    let mut tally = Tally::default();
    for ((name, text), paras) in docs.iter().zip(&oracle) {
        let roles = defines_roles(text);
        for p in paras.iter().flatten() {
            tally.one(name, p, roles && p.0.contains('`'));
        }
    }
    let diffs: usize = tally.groups.values().map(Vec::len).sum();
    for (kind, entries) in &tally.groups {
        println!("{kind}: {} paragraph(s)", entries.len());
        for e in entries {
            println!("{e}");
        }
    }
    let rate = (tally.same + tally.context) as f64 / tally.total.max(1) as f64;
    println!(
        "rst inline: {}/{} paragraphs identical ({:.2}%), {} of them only by document-wide names (dupnames); {diffs} differ",
        tally.same + tally.context,
        tally.total,
        rate * 100.0,
        tally.context,
    );
    println!(
        "paragraphs with interpreted text in documents defining roles (not counted): {}/{} identical",
        tally.roles_same, tally.roles_total
    );
    for d in &tally.roles_diffs {
        println!("{d}");
    }
    assert!(
        tally.total >= 5000,
        "corpus too small: {} paragraphs",
        tally.total
    );
    assert!(
        rate >= 0.99,
        "inline agreement {:.2}% below 99%",
        rate * 100.0
    );
}

/// Hand-written inline edge cases, one document each (valid: readme_renderer renders them).
const EDGE_CASES: &[&str] = &[
    "Escapes: a\\*b\\* \\`x\\` \\\\ back\\ slash and\\\nnewline.",
    "Quoted: '*' \"*\" (*) [*] <*> '``' \"`\" *'a'* ** *",
    "Nested *emph **not strong** here* and **strong *x***.",
    "Literal ``a\\*b`` and ``*x*`` and ```x``` and ``a``b``.",
    "URIs: http://a.b/c?q=1#f, (https://x.y/z), <ftp://x.y/>, foo:bar http://a.b.",
    "Unknown scheme first: zzz:abc then http://a.b/c.",
    "E-mail me@x.org, <a.b@c.d>, a_b@c-d.e.f, and not@, @no, x@y.",
    "Trailing punct http://a.b/c. http://a.b/c, http://a.b/(c) http://a.b/c) end",
    "URI with escape http://a.b/c\\_d and mailto:me@x.org and news:comp.lang",
    "Embedded `a <http://x.y/>`_ and `b <http://x.y/>`__ and `<http://z.z/>`_.",
    "Embedded e-mail `mail me <me@x.org>`_ and `x y\n<http://a.b/c\nd>`_ and `z <a\\ b>`_.",
    "Embedded escaped `a <b\\_>`_ and `see <http://x.y/a_>`_.",
    "Alias `text <tgt_>`_ and `anon <tgt_>`__.\n\n.. _tgt: http://t.t/",
    "Names foo_ and foo-bar_ and `Foo  Bar`_ and anon__.\n\n.. _foo: http://f\n.. _foo-bar: http://fb\n.. _foo bar: http://fbb\n.. __: http://an",
    "Footnotes [1]_ [#]_ [#lab]_ [*]_ and [CIT2002]_.\n\n.. [1] one\n.. [#] auto\n.. [#lab] lab\n.. [*] sym\n.. [CIT2002] cite",
    "Subs |a| and |b|_ and |c|__ and |multi word|.\n\n.. |a| replace:: A\n.. |b| replace:: B\n.. |c| replace:: C\n.. |multi word| replace:: M\n.. _b: http://b\n.. __: http://c",
    "Inline _`target here` and _`Other Target`.",
    "Roles :emphasis:`e` :strong:`s` :literal:`l\\*` :sub:`2` :sup:`3` :ab:`ab` :ac:`ac` :t:`t` `d`:title:.",
    "More :code:`x = 1` :math:`a\\_b^2` :pep:`287` :rfc:`2822#section-3` :PEP:`8`.",
    "Roles with escapes :emphasis:`a\\*b` and `def\\`ault` and :sup:`x\\ y`.",
    "Same name twice `a <http://x/>`_ and `a <http://x/>`_ and `b <http://1/>`_ `b <http://2/>`_.",
    "Ids [#]_ [#]_ _`t` `t2 <http://x/>`_.\n\n.. [#] a\n.. [#] b",
    "Unicode «*emph*» “**strong**” ‘``lit``’ — *a*—*b* x*y* *x* y",
    "Brackets (*a*) [*b*] {*c*} <*d*> '*e*' \"*f*\" *g*'s",
    "Colon at end http: and a:b and C:\\path and x:y:z done",
    "Star list * a * b ** c ` d",
    "Email in parens (me@x.org) and me@x.org. and me@x.org>x",
    "http://a.b/c>d and <http://a.b/c> and http://x/y\\_ and x/y_z and a@b.c_d",
    "Implicit then explicit `a <http://x/>`_ and _`a`.",
    "Explicit then implicit _`b` and `b <http://x/>`_.",
    "Same alias twice `c <d_>`_ and `c <d_>`_.\n\n.. _d: http://d",
    "More :rfc:`123` [1a]_ |a\\ b| word[1]_ `a\\_b`_ http://a.b/\\*c ``x``:http://a.b\n\n.. [1a] c\n.. |ab| replace:: x\n.. _a_b: http://ab",
    "Mail mailto:me@x.org and `anon mail <me@x.org>`__ and (see http://x.y) and http://x.y/.",
    "Phrase `with\nnewline`_ and `with  spaces`__.\n\n.. _with newline: http://w\n.. __: http://s",
    "Suffix role `x`:sup: and `y`:emphasis: and prefix :title-reference:`z` and :title:`w`.",
    "A lone * star and a lone ` backquote and a lone | bar and _ underscore.",
];

#[test]
fn edge_cases_agree_with_docutils() {
    let out = testpython::run_batch_mode(
        "scripts/rst-corpus/doctree.py",
        "paragraphs",
        &EDGE_CASES,
        "run scripts/test to install docutils and readme_renderer",
    );
    let oracle: Vec<Option<Vec<Paragraph>>> = serde_json::from_slice(&out).expect("oracle JSON");
    let mut tally = Tally::default();
    let mut refused = 0;
    for (i, paras) in oracle.iter().enumerate() {
        match paras {
            Some(paras) => {
                for p in paras {
                    tally.one(&format!("edge case {i}"), p, false);
                }
            }
            None => {
                refused += 1;
                println!(
                    "edge case {i} refused: {:?}",
                    hoist::check::rst::validate(EDGE_CASES[i])
                );
            }
        }
    }
    for entries in tally.groups.values() {
        for e in entries {
            println!("{e}");
        }
    }
    println!(
        "rst inline edge cases: {}/{} paragraphs identical; {refused} cases refused by readme_renderer",
        tally.same + tally.context,
        tally.total
    );
    assert_eq!(refused, 0, "every edge case should render");
    assert_eq!(
        tally.same, tally.total,
        "every edge case identical, names too"
    );
}
