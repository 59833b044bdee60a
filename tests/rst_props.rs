//! Robustness of the rst validator: it must never panic, whatever the input, and must stay
//! linear on adversarial input. Property tests are bounded by PROPTEST_CASES (scripts/test).

mod rst_corpus;

use hoist::check::rst::validate;
use proptest::prelude::*;

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
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), rst_char(), 0u8..3), 1..12),
    ) {
        let docs = rst_corpus::real_docs();
        prop_assume!(!docs.is_empty());
        let mut chars: Vec<char> = docs[which.index(docs.len())].1.chars().collect();
        for (at, c, op) in edits {
            let i = if chars.is_empty() { 0 } else { at.index(chars.len()) };
            match op {
                0 => chars.insert(i, c),
                1 if !chars.is_empty() => { chars.remove(i); }
                _ if !chars.is_empty() => chars[i] = c,
                _ => chars.push(c),
            }
        }
        let s: String = chars.into_iter().collect();
        let _ = validate(&s);
    }
}

/// Inputs that would be quadratic for a naive scanner; each is ~100 KB and must finish.
#[test]
fn adversarial_inputs_stay_linear() {
    let cases = [
        "a-".repeat(50_000),
        "(*) ".repeat(25_000),
        "x_y_".repeat(25_000),
        format!(".. |{}\n", "   x\n".repeat(20_000)),
        format!(".. _{}\n", "   x\n".repeat(20_000)),
        ":a-".repeat(33_000),
        "`a` ".repeat(25_000),
        "- ".repeat(50_000),
        (0..300)
            .map(|i| format!("{}x\n", " ".repeat(i)))
            .collect::<String>(),
        "| a\n".repeat(25_000),
        "+--+\n|a |\n".repeat(10_000),
    ];
    let start = std::time::Instant::now();
    for c in &cases {
        let _ = validate(c);
    }
    // Not a benchmark: a generous bound that only a quadratic blow-up would exceed.
    assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
}
