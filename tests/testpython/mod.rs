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
