//! Differential test: hoist's docutils HTML writer ([`hoist::render::rst::html`]) against
//! readme_renderer's (docutils' `html5_polyglot` writer with `ReadMeHTMLTranslator`, then
//! nh3), from the same tree: docutils' own transformed tree (`scripts/rst-corpus/doctree.py`
//! mode `writer`: the `transformed` tree) is written and sanitized by hoist and compared with
//! readme_renderer's HTML (mode `html`) over the rst corpus (real descriptions and synthetic
//! edge cases), after normalising whitespace and attribute order, code blocks by their text
//! (tests/htmlnorm). The writer's own output, before sanitizing, is also compared byte for
//! byte with docutils' (`parts["docinfo"] + parts["fragment"]`), which the sanitizer would
//! otherwise hide (classes, roles, styles). Prints the agreement, the differences grouped by their first differing
//! tag, and every difference's start; fails below 99% on either.

mod htmlnorm;
mod rst_corpus;
mod testpython;

use std::collections::BTreeMap;

use hoist::check::rst::node::Element;
use hoist::render::rst::html;
use htmlnorm::normalize;

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
        Some("writer"),
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

#[test]
fn writes_what_docutils_writes() {
    let mut corpus = rst_corpus::real_docs();
    corpus.extend(rst_corpus::synthetic_docs());
    let docs: Vec<&str> = corpus.iter().map(|(_, t)| t.as_str()).collect();
    let oracle = oracle(&docs);
    assert_eq!(oracle.len(), corpus.len());

    let (mut rendered, mut identical, mut exact) = (0usize, 0usize, 0usize);
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut differences = Vec::new();
    for ((name, _), want) in corpus.iter().zip(&oracle) {
        let Some(want) = want else {
            continue;
        };
        rendered += 1;
        let written = html::write(&want.transformed);
        if written == want.fragment {
            exact += 1;
        } else {
            let (w, g) = first_difference(&want.fragment, &written);
            groups
                .entry(format!("unsanitized: {}", group(&w, &g)))
                .or_default()
                .push(name.clone());
            differences.push(format!(
                "  {name} (unsanitized):\n    docutils: {w:?}\n    hoist:    {g:?}"
            ));
        }
        let got = html::sanitized(&want.transformed).unwrap_or_default();
        let (want, got) = (normalize(&want.html), normalize(&got));
        if want == got {
            identical += 1;
            continue;
        }
        let (w, g) = first_difference(&want, &got);
        groups.entry(group(&w, &g)).or_default().push(name.clone());
        differences.push(format!(
            "  {name}:\n    readme_renderer: {w:?}\n    hoist:           {g:?}"
        ));
    }
    let rate = identical as f64 / rendered.max(1) as f64;
    println!(
        "rst writer: {} documents, {rendered} rendered by readme_renderer",
        corpus.len()
    );
    println!(
        "identical after normalising: {identical}/{rendered} = {:.2}%",
        rate * 100.0
    );
    println!("unsanitized HTML byte for byte as docutils writes it: {exact}/{rendered}");
    let mut by_size: Vec<(&String, &Vec<String>)> = groups.iter().collect();
    by_size.sort_by_key(|(_, docs)| std::cmp::Reverse(docs.len()));
    println!(
        "differences by first differing tag ({}):",
        differences.len()
    );
    for (key, docs) in by_size {
        println!(
            "  {:4} {key} (e.g. {})",
            docs.len(),
            docs.first().map_or("", |d| d)
        );
    }
    for d in &differences {
        println!("{d}");
    }
    assert!(rendered >= 500, "too few rendered documents: {rendered}");
    assert!(rate >= 0.99, "agreement {:.2}% is below 99%", rate * 100.0);
    assert!(
        exact as f64 >= 0.99 * rendered as f64,
        "unsanitized agreement {exact}/{rendered} is below 99%"
    );
}
