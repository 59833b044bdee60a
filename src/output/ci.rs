//! What a CI job's log and job summary show, shared by every command that talks to a CI
//! provider (`upload`, `publisher`): `::add-mask::` lines that hide a secret from the rest of a
//! GitHub Actions log, `::error`/`::warning` annotations, the job summary
//! (`$GITHUB_STEP_SUMMARY`).
//!
//! GitHub's workflow commands: <https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions>.
//! Uses the OIDC report texts (`crate::auth::oidc::report`) and the process environment; the
//! publish pipeline receives these as sinks, so the library itself never prints.

use std::io::{self, Write};
use std::sync::Arc;

use crate::auth::oidc::{SharedEnv, Sink, report};

/// The process environment, shareable with the providers.
pub fn process_env() -> SharedEnv {
    Arc::new(|k| std::env::var(k).ok())
}

/// Whether this is a GitHub Actions job (`GITHUB_ACTIONS=true`).
pub fn on_github(env: &SharedEnv) -> bool {
    env("GITHUB_ACTIONS").as_deref() == Some("true")
}

/// On GitHub Actions, a sink that prints `::add-mask::<secret>` at once, so the runner hides
/// the secret from every later line of the log. `to_stderr` keeps stdout for a JSON report.
pub fn mask_sink(env: &SharedEnv, to_stderr: bool) -> Option<Sink> {
    if !on_github(env) {
        return None;
    }
    Some(Arc::new(move |secret: &str| {
        if secret.is_empty() || secret.contains(['\r', '\n']) {
            return;
        }
        let line = format!("::add-mask::{secret}\n");
        if to_stderr {
            let mut e = io::stderr().lock();
            let _ = e.write_all(line.as_bytes());
            let _ = e.flush();
        } else {
            let mut o = io::stdout().lock();
            let _ = o.write_all(line.as_bytes());
            let _ = o.flush();
        }
    }))
}

/// A sink that prints each line on stderr.
pub fn note_sink() -> Sink {
    Arc::new(|line: &str| eprintln!("{line}"))
}

/// Appends `text` to `$GITHUB_STEP_SUMMARY` when it is set.
pub fn step_summary(env: &SharedEnv, title: &str, text: &str) {
    let Some(path) = env("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| f.write_all(report::markdown(title, text).as_bytes()));
    if let Err(e) = written {
        eprintln!("warning: cannot write the job summary {path}: {e}");
    }
}

/// Prints a trusted-publishing failure: on stderr, as a GitHub annotation, in the job summary.
pub fn print_failure(env: &SharedEnv, text: &str, as_warning: bool) {
    let label = if as_warning { "warning" } else { "error" };
    eprintln!("{label}: {}", text.trim_end());
    if on_github(env) {
        let first = text.lines().next().unwrap_or("Trusted publishing failed");
        eprintln!("::{label} title=Trusted publishing::{first}");
    }
    step_summary(env, "hoist: trusted publishing", text);
}
