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
