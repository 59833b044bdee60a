//! Running a CI agent's command that prints an OIDC token (Buildkite, CircleCI), with a time
//! limit. Its output is the token, so it is never echoed; only its error text is.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{IdentityError, ProviderKind};
use crate::auth::Secret;

const LIMIT: Duration = Duration::from_secs(60);

/// Runs `program args…` and returns its trimmed standard output as the token.
pub async fn run(
    provider: ProviderKind,
    program: &'static str,
    args: Vec<String>,
) -> Result<Secret, IdentityError> {
    let joined = tokio::task::spawn_blocking(move || run_blocking(provider, program, &args)).await;
    joined.unwrap_or_else(|e| {
        Err(IdentityError::new(
            provider,
            format!("{program} did not finish: {e}"),
        ))
    })
}

fn run_blocking(
    provider: ProviderKind,
    program: &str,
    args: &[String],
) -> Result<Secret, IdentityError> {
    let err = |m: String| IdentityError::new(provider, m);
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            err(if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "could not find `{program}` on PATH in this {} job",
                    provider.name()
                )
            } else {
                format!("cannot run `{program}`: {e}")
            })
        })?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = stdout.as_mut() {
            let _ = o.read_to_string(&mut s);
        }
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() < LIMIT => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(err(format!(
                    "`{program}` did not answer within {}s",
                    LIMIT.as_secs()
                )));
            }
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let stderr_text = err_reader.join().unwrap_or_default();
    if !status.success() {
        let detail: String = stderr_text.trim().chars().take(500).collect();
        return Err(err(format!("`{program}` failed ({status}): {detail}")));
    }
    let token = out.trim();
    if token.is_empty() {
        return Err(err(format!("`{program}` printed no token")));
    }
    Ok(Secret::new(token))
}
