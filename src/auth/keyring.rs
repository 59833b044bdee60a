//! The system keyring, through the `keyring` command (Python's keyring CLI) as a subprocess,
//! as twine (through keyring's Python API) and uv do. It is asked only when a credential is
//! missing, never in non-interactive mode, and with a time limit per call, because keyring back
//! ends on headless machines are known to hang. Its stdout is read as a secret and never shown;
//! its stderr is discarded (a back end may print anything there).
//!
//! Two questions, as twine asks them (`twine/auth.py`, `Resolver`):
//! - no username configured: `keyring --mode creds get URL`, keyring's `get_credential(URL,
//!   None)`, which prints the username and the password on two lines (keyring 25.2 and later;
//!   the back ends of Google Artifact Registry and AWS CodeArtifact answer it with
//!   `oauth2accesstoken` / `aws` and a short-lived token). An older `keyring` rejects `--mode`
//!   (argparse, exit status 2): that is [`Answer::Unsupported`].
//! - a username known: `keyring get URL USERNAME`, keyring's `get_password`, in every version.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Secret;

/// How long one `keyring` call may take before it is killed.
const LIMIT: Duration = Duration::from_secs(15);

/// Tries again of a call that timed out (a back end still starting); the pause before it is
/// the shared backoff of [`crate::retry`]. A call that times out again is not repeated, and
/// the caller asks the keyring nothing more in this run.
const RETRIES: u32 = 1;

/// What one `keyring` call gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer<T> {
    Found(T),
    /// The keyring holds nothing for this question (or the command is not installed).
    NotFound,
    /// The `keyring` command is too old for the question (no `--mode creds`: before 25.2).
    Unsupported,
    /// No answer within the time limit: the command was killed.
    TimedOut,
}

/// The `keyring` command to run, and its time limit.
#[derive(Debug, Clone)]
pub struct Keyring {
    program: std::path::PathBuf,
    limit: Duration,
    /// The first backoff step before a retry.
    retry_base: Duration,
}

impl Default for Keyring {
    fn default() -> Self {
        Keyring {
            program: "keyring".into(),
            limit: LIMIT,
            retry_base: crate::retry::Policy::default().base,
        }
    }
}

/// How a finished (or killed) `keyring` call ended: its exit code and stdout.
enum Run {
    Exited(Option<i32>, String),
    Failed,
    TimedOut,
}

impl Keyring {
    #[cfg(test)]
    pub(super) fn with(program: &std::path::Path, limit: Duration) -> Keyring {
        Keyring {
            program: program.to_path_buf(),
            limit,
            retry_base: Duration::from_millis(20),
        }
    }

    /// Starts the command. A program file another process still holds open for writing
    /// (`ETXTBSY`: a script written just before, while a fork elsewhere had it open) is tried
    /// again a few times before giving up.
    fn spawn(&self, args: &[&str]) -> Option<std::process::Child> {
        for _ in 0..5 {
            match Command::new(&self.program)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
            {
                Ok(child) => return Some(child),
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => return None,
            }
        }
        None
    }

    /// One question, asked again once after a time-out.
    fn run(&self, args: &[&str]) -> Run {
        let policy = crate::retry::Policy {
            base: self.retry_base,
            ..crate::retry::Policy::default()
        }
        .with_retries(RETRIES);
        crate::retry::run_blocking(&policy, |_| match self.run_once(args) {
            Run::TimedOut => crate::retry::Step::Again {
                error: (),
                retry_after: None,
            },
            answered => crate::retry::Step::Done(answered),
        })
        .unwrap_or(Run::TimedOut)
    }

    /// Runs the command once, killing it at the time limit.
    fn run_once(&self, args: &[&str]) -> Run {
        let Some(mut child) = self.spawn(args) else {
            return Run::Failed;
        };
        // Read stdout on a thread, so a back end that writes much cannot block on a full pipe.
        let Some(mut stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Run::Failed;
        };
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.read_to_end(&mut out);
            out
        });
        let start = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    let out = reader.join().unwrap_or_default();
                    return Run::Exited(status.code(), String::from_utf8_lossy(&out).into_owned());
                }
                Ok(None) if start.elapsed() < self.limit => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Run::TimedOut;
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Run::Failed;
                }
            }
        }
    }

    /// `keyring get URL USERNAME`: the password for (url, username).
    pub fn password(&self, url: &str, username: &str) -> Answer<Secret> {
        match self.run(&["get", url, username]) {
            Run::Exited(Some(0), out) => {
                let value = out.trim_end_matches(['\r', '\n']);
                if value.is_empty() {
                    Answer::NotFound
                } else {
                    Answer::Found(Secret::new(value))
                }
            }
            Run::TimedOut => Answer::TimedOut,
            _ => Answer::NotFound,
        }
    }

    /// `keyring --mode creds get URL`: the username and password stored for `url`, for a
    /// configuration that names no username. Exit status 2 is argparse refusing `--mode`.
    pub fn credential(&self, url: &str) -> Answer<(String, Secret)> {
        match self.run(&["--mode", "creds", "get", url]) {
            Run::Exited(Some(0), out) => {
                let mut lines = out.lines();
                match (lines.next(), lines.next()) {
                    (Some(user), Some(password)) if !user.is_empty() && !password.is_empty() => {
                        Answer::Found((user.to_string(), Secret::new(password)))
                    }
                    _ => Answer::NotFound,
                }
            }
            Run::Exited(Some(2), _) => Answer::Unsupported,
            Run::TimedOut => Answer::TimedOut,
            _ => Answer::NotFound,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    pub(crate) fn fake(dir: &std::path::Path, body: &str) -> Keyring {
        let path = dir.join("keyring");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        Keyring::with(&path, Duration::from_millis(1500))
    }

    /// keyring 25.2+: `--mode creds get SERVICE` prints the username, then the password.
    pub(crate) const MODERN: &str = r#"if [ "$1" = --mode ] && [ "$2" = creds ] && [ "$3" = get ]; then printf 'oauth2accesstoken\nya29.tok\n'; exit 0; fi
if [ "$1" = get ] && [ "$3" = alice ]; then echo pw-alice; exit 0; fi
exit 1"#;
    /// keyring before 25.2: argparse rejects `--mode` with status 2.
    pub(crate) const OLD: &str = r#"case "$1" in --*) echo "keyring: error: unrecognized arguments: $1 $2" >&2; exit 2;; esac
if [ "$1" = get ] && [ "$3" = alice ]; then echo pw-alice; exit 0; fi
exit 1"#;

    #[test]
    fn creds_mode_gives_username_and_password() {
        let dir = tempfile::tempdir().unwrap();
        let k = fake(dir.path(), MODERN);
        assert_eq!(
            k.credential("https://x/"),
            Answer::Found(("oauth2accesstoken".into(), Secret::new("ya29.tok")))
        );
        assert_eq!(
            k.password("https://x/", "alice"),
            Answer::Found(Secret::new("pw-alice"))
        );
        assert_eq!(k.password("https://x/", "bob"), Answer::NotFound);
    }

    #[test]
    fn a_call_that_timed_out_is_asked_once_more() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("woke");
        // Hangs the first time (a back end still starting), answers the second.
        let body = format!(
            "if [ -e '{m}' ]; then printf 'me\\nsecret-pw\\n'; exit 0; fi\ntouch '{m}'; exec sleep 30",
            m = marker.display()
        );
        let k = fake(dir.path(), &body);
        assert_eq!(
            k.credential("https://x/"),
            Answer::Found(("me".into(), Secret::new("secret-pw")))
        );
    }

    #[test]
    fn an_old_keyring_is_unsupported_for_creds_but_answers_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let k = fake(dir.path(), OLD);
        assert_eq!(k.credential("https://x/"), Answer::Unsupported);
        assert_eq!(
            k.password("https://x/", "alice"),
            Answer::Found(Secret::new("pw-alice"))
        );
    }

    #[test]
    fn nothing_stored_a_password_only_answer_a_missing_command_and_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            fake(dir.path(), "exit 1").credential("https://x/"),
            Answer::NotFound
        );
        // A back end that returns a password-only credential: no username to use.
        assert_eq!(
            fake(dir.path(), "echo only-a-password").credential("https://x/"),
            Answer::NotFound
        );
        let missing = Keyring::with(&dir.path().join("absent"), Duration::from_secs(1));
        assert_eq!(missing.credential("https://x/"), Answer::NotFound);
        let hang = fake(dir.path(), "exec sleep 30");
        let start = Instant::now();
        assert_eq!(hang.credential("https://x/"), Answer::TimedOut);
        assert_eq!(hang.password("https://x/", "a"), Answer::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}
