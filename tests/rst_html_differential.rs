//! End-to-end differential test of the rst project page: hoist's whole pipeline
//! ([`hoist::render::rst::render`]: parse, transform, write, sanitize) against readme_renderer's
//! `render` (PyPI's), over the rst corpus (tests/rst_corpus: real descriptions, synthetic edge
//! cases and the deterministic mutations the validator's differential uses). The HTML is
//! compared after normalising whitespace and attribute order, code blocks by their text
//! (tests/htmlnorm), as the Markdown differential does.
//!
//! Two figures: among the documents readme_renderer renders, how many hoist renders to the same
//! HTML (issue 14 asks for at least 95% on the rst corpus), and among those it refuses, how many
//! hoist refuses too (the validator's differential already holds that to 99%). Prints both and
//! the first differences grouped by the first differing tag.

mod htmlnorm;
mod rst_corpus;
mod testpython;

use std::collections::BTreeMap;

use htmlnorm::normalize;

/// The first tag (or text) where two normalised pages part, to group the differences.
fn first_difference(ours: &str, theirs: &str) -> (String, String, String) {
    let at = ours
        .char_indices()
        .zip(theirs.chars())
        .find(|((_, a), b)| a != b)
        .map_or(ours.len().min(theirs.len()), |((i, _), _)| i);
    let start = ours[..at].rfind('<').unwrap_or(0);
    let tag: String = ours[start..]
        .chars()
        .skip(1)
        .take_while(|c| c.is_alphanumeric() || *c == '/')
        .collect();
    let around = |s: &str| -> String {
        let from = (0..=start.min(s.len()))
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        s[from..].chars().take(160).collect()
    };
    (tag, around(ours), around(theirs))
}

#[test]
fn the_rst_page_is_readme_renderers() {
    let corpus = rst_corpus::corpus(3, 0x5EED_2024);
    let real: std::collections::HashSet<String> = rst_corpus::real_docs()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let tally = compare(&corpus, &real);
    assert!(
        tally.rendered >= 500,
        "the corpus is too small: {} rendered documents",
        tally.rendered
    );
    assert!(
        tally.pct() >= 95.0,
        "{}/{} identical, below issue 14's 95%",
        tally.same,
        tally.rendered
    );
}

/// The same comparison over descriptions nobody tuned the renderer on: a random sample of
/// PyPI's reStructuredText descriptions, fetched by `scripts/rst-corpus/heldout.py` into the
/// folder `HOIST_RST_HELDOUT` names (the tests never use the network, so this one only runs
/// when asked: `cargo test --test rst_html_differential -- --ignored`).
#[test]
#[ignore = "needs HOIST_RST_HELDOUT, a folder that scripts/rst-corpus/heldout.py fills"]
fn the_rst_page_is_readme_renderers_on_held_out_descriptions() {
    let dir = std::env::var_os("HOIST_RST_HELDOUT").expect("HOIST_RST_HELDOUT");
    let mut corpus: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("read HOIST_RST_HELDOUT")
        .flatten()
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((e.file_name().to_string_lossy().into_owned(), text))
        })
        .collect();
    corpus.sort();
    let real = corpus.iter().map(|(n, _)| n.clone()).collect();
    let tally = compare(&corpus, &real);
    assert!(
        tally.pct() >= 95.0,
        "{}/{} identical",
        tally.same,
        tally.rendered
    );
}

/// Counts of one comparison.
struct Tally {
    rendered: usize,
    same: usize,
}

impl Tally {
    fn pct(&self) -> f64 {
        100.0 * self.same as f64 / self.rendered.max(1) as f64
    }
}

/// Renders every document with hoist and readme_renderer, prints the figures and the
/// differences grouped by their first differing tag; `real` names the real descriptions.
fn compare(corpus: &[(String, String)], real_names: &std::collections::HashSet<String>) -> Tally {
    let docs: Vec<&str> = corpus.iter().map(|(_, t)| t.as_str()).collect();
    let out = testpython::run_batch_mode(
        "scripts/rst-corpus/doctree.py",
        "html",
        &docs,
        "run scripts/test to install readme_renderer",
    );
    let oracle: Vec<Option<String>> = serde_json::from_slice(&out).expect("oracle JSON");
    assert_eq!(oracle.len(), corpus.len());

    let (mut rendered, mut same) = (0usize, 0usize);
    let (mut refused, mut refused_too) = (0usize, 0usize);
    let (mut real, mut real_same) = (0usize, 0usize);
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((name, text), want) in corpus.iter().zip(&oracle) {
        let got = hoist::render::rst::render(text);
        let Some(want) = want else {
            refused += 1;
            refused_too += usize::from(got.is_none());
            continue;
        };
        rendered += 1;
        let is_real = real_names.contains(name);
        real += usize::from(is_real);
        let (ours, theirs) = (
            normalize(got.as_deref().unwrap_or("(refused)")),
            normalize(want),
        );
        if ours == theirs {
            same += 1;
            real_same += usize::from(is_real);
            continue;
        }
        let (tag, a, b) = first_difference(&ours, &theirs);
        groups.entry(tag).or_default().push(format!(
            "  {name}\n    hoist:           {a}\n    readme_renderer: {b}"
        ));
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "rst page differential: {same}/{rendered} rendered documents identical ({:.2}%); real descriptions {real_same}/{real} ({:.2}%); {refused_too}/{refused} refused by both",
        pct(same, rendered),
        pct(real_same, real),
    );
    for (tag, list) in &groups {
        println!("first difference at <{tag}>: {} document(s)", list.len());
        for line in list.iter().take(4) {
            println!("{line}");
        }
    }
    Tally { rendered, same }
}
