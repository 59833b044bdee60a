//! Robustness of the rst validator, parser (`doctree`) and renderer (`render`): they must never
//! panic, whatever the input, and must stay linear on adversarial input. Property tests are
//! bounded by PROPTEST_CASES (scripts/test); the structural generators below aim at the
//! parser's tree, docutils' transforms and the HTML writer.

#[path = "rst_props/linear.rs"]
mod linear;
mod rst_corpus;
#[path = "rst_props/structured.rs"]
mod structured;

use hoist::check::rst::{doctree, validate};
use hoist::render::rst::render;
use proptest::prelude::*;
use std::time::{Duration, Instant};
use structured::structured;

/// Characters that matter to reStructuredText, so random strings hit real constructs.
fn rst_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec![
            ' ', ' ', '\n', '\n', '\t', '*', '`', '_', '|', ':', '.', '-', '=', '+', '#', '[', ']',
            '<', '>', '(', ')', '\\', '/', '~', '^', '"', '\'', '@',
        ]),
        3 => prop::char::range('a', 'z'),
        1 => any::<char>(),
    ]
}

/// PROPTEST_CASES (256 in scripts/test) divided by `div`, for the costlier properties.
fn cases(div: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(256);
    ProptestConfig::with_cases((n / div).max(1))
}

/// Parses and renders `s`, which must not panic and must finish within a time proportional to
/// its size: a generous bound (debug build, busy cores) that only a hang or a blow-up exceeds.
fn exercise(s: &str) {
    let start = Instant::now();
    let _ = doctree(s);
    let _ = render(s);
    let bound = Duration::from_secs(5) + Duration::from_micros(200) * s.len() as u32;
    assert!(
        start.elapsed() < bound,
        "{} bytes took {:?}",
        s.len(),
        start.elapsed()
    );
}

/// A corpus document with a few random character edits.
fn edited(docs: &[(String, String)], which: usize, edits: Vec<(usize, char, u8)>) -> String {
    let mut chars: Vec<char> = docs[which % docs.len()].1.chars().collect();
    for (at, c, op) in edits {
        let i = if chars.is_empty() {
            0
        } else {
            at % chars.len()
        };
        match op {
            0 => chars.insert(i, c),
            1 if !chars.is_empty() => {
                chars.remove(i);
            }
            _ if !chars.is_empty() => chars[i] = c,
            _ => chars.push(c),
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_strings(s in any::<String>()) {
        let _ = validate(&s);
    }

    #[test]
    fn never_panics_on_rst_like_strings(v in prop::collection::vec(rst_char(), 0..400)) {
        let s: String = v.into_iter().collect();
        let _ = validate(&s);
    }

    #[test]
    fn never_panics_on_edited_corpus_documents(
        which in any::<usize>(),
        edits in prop::collection::vec((any::<usize>(), rst_char(), 0u8..3), 1..12),
    ) {
        let docs = rst_corpus::real_docs();
        prop_assume!(!docs.is_empty());
        let _ = validate(&edited(&docs, which, edits));
    }
}

proptest! {
    #![proptest_config(cases(1))]

    #[test]
    fn render_never_panics_on_arbitrary_strings(s in any::<String>()) {
        exercise(&s);
    }

    #[test]
    fn render_never_panics_on_rst_like_strings(v in prop::collection::vec(rst_char(), 0..400)) {
        exercise(&v.into_iter().collect::<String>());
    }

    #[test]
    fn render_never_panics_on_structured_documents(seed in any::<u64>()) {
        exercise(&structured(seed));
    }
}

proptest! {
    #![proptest_config(cases(4))]

    #[test]
    fn render_never_panics_on_edited_corpus_documents(
        which in any::<usize>(),
        edits in prop::collection::vec((any::<usize>(), rst_char(), 0u8..3), 1..12),
    ) {
        let docs = rst_corpus::real_docs();
        prop_assume!(!docs.is_empty());
        exercise(&edited(&docs, which, edits));
    }
}

/// The corpus' own mutations (short underlines, cut literals, corrupt tables...) under seeds
/// other than the differential's (0x5EED_2024), rendered as a whole.
#[test]
fn render_never_panics_on_corpus_mutations() {
    for seed in [0xB0B5_7EAD, 0x0DD5_EED5] {
        for (name, text) in rst_corpus::corpus(1, seed) {
            if name.contains('#') {
                exercise(&text);
            }
        }
    }
}
