//! The test venv's Python, which holds the reference implementations the differential tests
//! compare against (packaging, readme_renderer, pypi-attestations). `scripts/test` creates it
//! and sets `HOIST_TEST_PYTHON`; without either, these tests fail and say so.

use std::path::PathBuf;

pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("HOIST_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-test/bin/python");
    assert!(
        venv.exists(),
        "no test Python: HOIST_TEST_PYTHON is unset and {} does not exist; run scripts/test (it creates .venv-test)",
        venv.display()
    );
    venv
}

/// Runs the oracle `script` (a path under the repository) once over `docs`, written to a JSON
/// file given as its argument, and returns what it printed; fails the test with its stderr and
/// `install_hint` when it exits non-zero. One process for a whole batch.
#[allow(dead_code)] // not every test crate that includes this module runs a batch oracle
pub fn run_batch(script: &str, docs: &impl serde::Serialize, install_hint: &str) -> Vec<u8> {
    run(script, docs, install_hint, None)
}

/// [`run_batch`] with `HOIST_DOCTREE_MODE` set to `mode`, for oracles that answer in several
/// modes (`scripts/rst-corpus/doctree.py`: `parsed`, `transformed`, `html`...).
#[allow(dead_code)] // not every test crate that includes this module runs a batch oracle
pub fn run_batch_mode(
    script: &str,
    mode: &str,
    docs: &impl serde::Serialize,
    install_hint: &str,
) -> Vec<u8> {
    run(script, docs, install_hint, Some(mode))
}

#[allow(dead_code)]
fn run(
    script: &str,
    docs: &impl serde::Serialize,
    install_hint: &str,
    mode: Option<&str>,
) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("docs.json");
    std::fs::write(&input, serde_json::to_vec(docs).expect("json")).expect("write corpus");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(script);
    let mut cmd = std::process::Command::new(python());
    cmd.arg(&script).arg(&input);
    if let Some(mode) = mode {
        cmd.env("HOIST_DOCTREE_MODE", mode);
    }
    let out = cmd.output().expect("run the oracle");
    assert!(
        out.status.success(),
        "oracle {} failed ({install_hint}): {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
