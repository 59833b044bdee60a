//! Differential test: hoist's docutils transforms (`render::rst::transform::apply`) against
//! docutils' own.
//!
//! `scripts/rst-corpus/doctree.py` gives, for every document of the rst corpus (the real
//! descriptions and the synthetic edge cases), docutils' parsed tree and the tree
//! readme_renderer's HTML translator receives. hoist's transforms run on the parsed tree and
//! their result is compared with docutils' transformed tree, node for node (a
//! `literal_block`'s children by their text). Prints the figure and every difference (the
//! first one of each document), grouped by kind with both sides for the first few, and fails
//! below 99% of the real documents identical.
//!
//! Besides the corpus, `tests/rst_transform_cases/*.rst` hold one document per transform path
//! the corpus barely reaches (footnote kinds, indirect and anonymous targets, docinfo, contents
//! options, section numbers, smart quotes...); all of them must come out identical.

mod rst_corpus;
mod testpython;

use std::collections::BTreeMap;

use hoist::check::rst::node::{Element, Node};
use hoist::render::rst::transform::apply;

const SCRIPT: &str = "scripts/rst-corpus/doctree.py";
const HINT: &str = "run scripts/test to install readme_renderer";

/// The trees of one mode, one per document (None where readme_renderer refuses it).
fn trees(mode: &str, docs: &[&str]) -> Vec<Option<Element>> {
    let out = testpython::run_batch_mode(SCRIPT, mode, &docs, HINT);
    let trees: Vec<Option<Element>> = serde_json::from_slice(&out).expect("doctree JSON");
    assert_eq!(trees.len(), docs.len(), "one tree per document");
    trees
}

/// A `literal_block`'s children reduced to their text (docutils splits highlighted code into
/// Pygments token `inline`s), everywhere in the tree.
fn normalize(el: &mut Element) {
    if el.tag == "literal_block" {
        let text = el.astext();
        el.children = if text.is_empty() {
            Vec::new()
        } else {
            vec![Node::Text(text)]
        };
        return;
    }
    for c in &mut el.children {
        if let Node::Element(e) = c {
            normalize(e);
        }
    }
}

/// One difference: its kind (for grouping), where, and both sides.
struct Diff {
    kind: String,
    path: String,
    want: String,
    got: String,
}

fn short(n: &Node) -> String {
    let s = match n {
        Node::Text(t) => format!("{t:?}"),
        Node::Element(e) => format!("<{} {:?}> {:?}", e.tag, e.attrs, e.astext()),
    };
    s.chars().take(160).collect()
}

/// The first difference between `want` and `got`, depth first.
fn first_diff(want: &Element, got: &Element, path: &str) -> Option<Diff> {
    let here = format!("{path}/{}", want.tag);
    if want.tag != got.tag {
        return Some(Diff {
            kind: format!("tag {} vs {}", want.tag, got.tag),
            path: here,
            want: want.tag.clone(),
            got: got.tag.clone(),
        });
    }
    if want.attrs != got.attrs {
        let keys: Vec<&String> = want
            .attrs
            .keys()
            .chain(got.attrs.keys())
            .filter(|k| want.attrs.get(*k) != got.attrs.get(*k))
            .collect();
        let key = keys.first().map_or(String::new(), |k| k.to_string());
        return Some(Diff {
            kind: format!("attribute {key} of {}", want.tag),
            path: here,
            want: format!("{:?}", want.attrs.get(&key)),
            got: format!("{:?}", got.attrs.get(&key)),
        });
    }
    for (i, (w, g)) in want.children.iter().zip(&got.children).enumerate() {
        match (w, g) {
            (Node::Element(we), Node::Element(ge)) => {
                if let Some(d) = first_diff(we, ge, &format!("{here}[{i}]")) {
                    return Some(d);
                }
            }
            (Node::Text(wt), Node::Text(gt)) if wt == gt => {}
            _ => {
                let kind = match (w, g) {
                    (Node::Text(_), Node::Text(_)) => format!("text in {}", want.tag),
                    _ => format!("child kind in {}", want.tag),
                };
                return Some(Diff {
                    kind,
                    path: format!("{here}[{i}]"),
                    want: short(w),
                    got: short(g),
                });
            }
        }
    }
    if want.children.len() != got.children.len() {
        let n = want.children.len().min(got.children.len());
        let side = |c: &[Node]| c.get(n).map_or("(nothing)".to_string(), short);
        return Some(Diff {
            kind: format!("child count in {}", want.tag),
            path: format!("{here}[{n}]"),
            want: side(&want.children),
            got: side(&got.children),
        });
    }
    None
}

/// The hand-written transform cases (tests/rst_transform_cases/), sorted: (name, text).
fn transform_cases() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rst_transform_cases");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)
        .expect("tests/rst_transform_cases")
        .flatten()
    {
        let text = std::fs::read_to_string(e.path()).expect("read a case");
        out.push((format!("case/{}", e.file_name().to_string_lossy()), text));
    }
    out.sort();
    out
}

#[test]
fn transforms_agree_with_docutils() {
    let real = rst_corpus::real_docs();
    let cases = transform_cases();
    let mut corpus = real.clone();
    corpus.extend(
        rst_corpus::synthetic_docs()
            .into_iter()
            .map(|(n, t)| (format!("synthetic/{n}"), t)),
    );
    let first_case = corpus.len();
    corpus.extend(cases.iter().cloned());
    let docs: Vec<&str> = corpus.iter().map(|(_, t)| t.as_str()).collect();
    let parsed = trees("parsed", &docs);
    let transformed = trees("transformed", &docs);

    let mut rendered = 0usize;
    let (mut same, mut real_rendered, mut real_same) = (0usize, 0usize, 0usize);
    let (mut case_rendered, mut case_same) = (0usize, 0usize);
    let mut groups: BTreeMap<String, Vec<(String, Diff)>> = BTreeMap::new();
    for (i, ((name, _), (p, t))) in corpus
        .iter()
        .zip(parsed.into_iter().zip(transformed))
        .enumerate()
    {
        let (Some(p), Some(mut want)) = (p, t) else {
            if i >= first_case {
                println!("refused by docutils: {name}");
            }
            continue;
        };
        rendered += 1;
        let is_real = i < real.len();
        real_rendered += usize::from(is_real);
        let is_case = i >= first_case;
        case_rendered += usize::from(is_case);
        let mut got = apply(p);
        normalize(&mut got);
        normalize(&mut want);
        match first_diff(&want, &got, "") {
            None => {
                same += 1;
                real_same += usize::from(is_real);
                case_same += usize::from(is_case);
            }
            Some(d) => groups
                .entry(d.kind.clone())
                .or_default()
                .push((name.clone(), d)),
        }
    }

    let mut by_size: Vec<_> = groups.into_iter().collect();
    by_size.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    for (kind, diffs) in &by_size {
        println!("{} x {kind}", diffs.len());
        for (n, (name, d)) in diffs.iter().enumerate() {
            println!("    {name}: {}", d.path);
            if n < 4 {
                println!("      docutils: {}", d.want);
                println!("      hoist:    {}", d.got);
            }
        }
    }
    println!(
        "rst transforms: {same}/{rendered} documents identical ({real_same}/{real_rendered} real, \
         {case_same}/{case_rendered} transform cases)"
    );
    assert!(
        real_rendered >= 400,
        "corpus too small: {real_rendered} real documents"
    );
    assert_eq!(
        case_rendered,
        cases.len(),
        "every transform case renders in docutils"
    );
    let rate = real_same as f64 / real_rendered as f64;
    assert!(rate >= 0.99, "real documents identical: {rate:.3}");
    assert_eq!(
        case_same, case_rendered,
        "every transform case comes out identical"
    );
}
