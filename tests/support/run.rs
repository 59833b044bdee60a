//! Running the real `hoist` binary from integration tests, in a clean environment: none of the
//! developer's credentials, repository settings, proxies, CI markers or `~/.pypirc` leak in.

use std::process::{Command, Output};

/// Variables a test must never inherit from the machine it runs on.
const INHERITED: &[&str] = &[
    "HOIST_PASSWORD",
    "TWINE_PASSWORD",
    "HOIST_USERNAME",
    "TWINE_USERNAME",
    "HOIST_REPOSITORY_URL",
    "TWINE_REPOSITORY_URL",
    "HOIST_REPOSITORY",
    "TWINE_REPOSITORY",
    "HOIST_CERT",
    "TWINE_CERT",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "HOIST_NON_INTERACTIVE",
    "TWINE_NON_INTERACTIVE",
    "HOIST_TRUSTED_PUBLISHING",
    "GITHUB_ACTIONS",
    "GITHUB_STEP_SUMMARY",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "GITLAB_CI",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
];

/// Runs `hoist ARGS` with `envs` set, fast retries, and `HOME` pointing at an empty place.
pub fn hoist(args: &[&str], envs: &[(&str, &str)]) -> Output {
    command(args, envs).output().expect("run hoist")
}

/// The command [`hoist`] runs, to spawn it instead (and signal it).
pub fn command(args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hoist"));
    cmd.args(args);
    for k in INHERITED {
        cmd.env_remove(k);
    }
    cmd.env("HOME", std::env::temp_dir());
    cmd.env("HOIST_RETRY_BASE_MS", "20");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd
}

/// stdout and stderr together, for assertions and failure messages.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
