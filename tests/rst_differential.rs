//! Differential test: hoist's rst validator against readme_renderer (PyPI's renderer).
//!
//! Runs both over the corpus of tests/rst_corpus (real descriptions plus deterministic
//! mutations), compares the verdicts (renders / does not render) and, where both report a line,
//! the first problem's line. Prints the agreement rates and every disagreement, and fails below
//! 99% verdict agreement or when the corpus is too small to mean anything.
//!
//! The oracle is `scripts/rst-corpus/oracle.py`, run once in `HOIST_TEST_PYTHON` (set by
//! scripts/test), falling back to `.venv-test/bin/python`.

mod rst_corpus;
mod testpython;

use hoist::check::rst::validate;

#[derive(serde::Deserialize, Debug, Clone)]
struct Oracle {
    line: Option<usize>,
    level: String,
    message: String,
}

#[test]
fn agrees_with_readme_renderer() {
    let corpus = rst_corpus::corpus(3, 0x5EED_2024);
    let docs: Vec<&str> = corpus.iter().map(|(_, t)| t.as_str()).collect();
    let out = testpython::run_batch(
        "scripts/rst-corpus/oracle.py",
        &docs,
        "run scripts/test to install readme_renderer",
    );
    let oracle: Vec<Option<Oracle>> = serde_json::from_slice(&out).expect("oracle JSON");
    assert_eq!(oracle.len(), corpus.len());

    let mut agree = 0usize;
    let mut failing = 0usize;
    let (mut line_both, mut line_agree) = (0usize, 0usize);
    let mut disagreements = Vec::new();
    for ((name, text), want) in corpus.iter().zip(&oracle) {
        let got = validate(text);
        if want.is_some() {
            failing += 1;
        }
        let same = got.is_empty() == want.is_none();
        if same {
            agree += 1;
        } else {
            disagreements.push(format!(
                "  {name}: readme_renderer: {}; hoist: {}",
                want.as_ref().map_or("renders".to_string(), |w| format!(
                    "line {:?}: {}: {}",
                    w.line, w.level, w.message
                )),
                got.first().map_or("renders".to_string(), |g| format!(
                    "line {:?}: {}: {}",
                    g.line,
                    g.level.as_str(),
                    g.message
                )),
            ));
        }
        if let (Some(w), Some(g)) = (want, got.first())
            && let (Some(wl), Some(gl)) = (w.line, g.line)
        {
            line_both += 1;
            if wl == gl {
                line_agree += 1;
            } else {
                println!(
                    "  line differs {name}: readme_renderer line {wl} ({}), hoist line {gl} ({})",
                    w.message, g.message
                );
            }
        }
    }
    let total = corpus.len();
    let rate = agree as f64 / total as f64;
    println!(
        "rst differential: {total} documents ({} real), {failing} fail in readme_renderer",
        rst_corpus::real_docs().len()
    );
    println!("verdict agreement: {agree}/{total} = {:.2}%", rate * 100.0);
    println!(
        "first-problem line agreement: {line_agree}/{line_both} = {:.2}%",
        if line_both == 0 {
            100.0
        } else {
            line_agree as f64 * 100.0 / line_both as f64
        }
    );
    println!("disagreements ({}):", disagreements.len());
    for d in &disagreements {
        println!("{d}");
    }
    assert!(total >= 2000, "corpus too small: {total}");
    assert!(failing >= 500, "too few failing documents: {failing}");
    assert!(
        rate >= 0.99,
        "verdict agreement {:.2}% is below 99%",
        rate * 100.0
    );
}
