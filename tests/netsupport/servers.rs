//! The real package indexes `scripts/test` starts (through `scripts/test-servers`): pypiserver
//! and devpi-server on 127.0.0.1, found through `HOIST_TEST_*` variables. A test that needs one
//! and finds no variable fails, telling how to start them: it never passes silently.
//!
//! What each answers to a file it already has (pinned by tests/harness_selftest.rs):
//! - pypiserver 2.4.2 (overwrite off): `409 Conflict`, an HTML body containing
//!   `Package &#039;NAME&#039; already exists!` (the quotes HTML-escaped).
//! - devpi-server 6.20.3 (index `volatile=False`): the same bytes again give
//!   `200 Upload of identical file to non volatile index.`; other bytes under the same file name
//!   give `409 NAME already exists in non-volatile index` (the message is the reason phrase).

use std::path::PathBuf;

/// How the variables are set when a test finds them missing.
pub const HOW_TO_START: &str = "run scripts/test (it starts pypiserver and devpi-server), or \
     `eval \"$(scripts/test-servers start)\"` before `cargo test` (then `scripts/test-servers stop`)";

/// One running index: its upload URL, simple index and credentials.
#[derive(Debug, Clone)]
pub struct IndexServer {
    pub name: &'static str,
    /// The upload URL, for `--repository-url` (with a trailing slash).
    pub url: String,
    /// The simple index (PEP 503), for `pip download --index-url`.
    pub simple: String,
    pub user: String,
    pub password: String,
}

/// The value of `name`; panics (failing the test) when it is not set.
pub fn var(name: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!("{name} is not set: {HOW_TO_START}"),
    }
}

fn index(name: &'static str, prefix: &str) -> IndexServer {
    IndexServer {
        name,
        url: var(&format!("{prefix}_URL")),
        simple: var(&format!("{prefix}_SIMPLE")),
        user: var(&format!("{prefix}_USER")),
        password: var(&format!("{prefix}_PASSWORD")),
    }
}

/// pypiserver: uploads need Basic auth (no credentials: 401; wrong ones: 403); upload URL
/// `http://127.0.0.1:PORT/`, simple index `http://127.0.0.1:PORT/simple/`.
pub fn pypiserver() -> IndexServer {
    index("pypiserver", "HOIST_TEST_PYPISERVER")
}

/// devpi-server: index `testuser/dev`; uploads need Basic auth (no or wrong credentials: 401);
/// upload URL `http://127.0.0.1:PORT/testuser/dev/`, simple index `.../testuser/dev/+simple/`.
pub fn devpi() -> IndexServer {
    index("devpi", "HOIST_TEST_DEVPI")
}

/// The test venv's pip, for `pip download` round trips.
pub fn pip() -> PathBuf {
    PathBuf::from(var("HOIST_TEST_PIP"))
}

/// A version no earlier run can have uploaded (the servers outlive a single `cargo test` when
/// started by hand): `1.0.post<nanoseconds since the epoch>`.
pub fn unique_version() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    format!("1.0.post{nanos}")
}
