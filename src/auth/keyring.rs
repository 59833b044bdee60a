//! The system keyring, through the `keyring` command (Python's keyring CLI) as a subprocess,
//! as twine and uv do: `keyring get <repository URL> <username>`. It is asked only when no
//! password was found, never in non-interactive mode, and with a time limit, because keyring
//! back ends on headless machines are known to hang.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Secret;

const LIMIT: Duration = Duration::from_secs(15);

/// The password the keyring holds for (url, username), if the `keyring` command exists and
/// answers in time.
pub fn get(url: &str, username: &str) -> Option<Secret> {
    let mut child = Command::new("keyring")
        .args(["get", url, username])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                if !status.success() {
                    return None;
                }
                let mut out = String::new();
                child.stdout.take()?.read_to_string(&mut out).ok()?;
                let value = out.trim_end_matches(['\r', '\n']);
                return (!value.is_empty()).then(|| Secret::new(value));
            }
            Ok(None) if start.elapsed() < LIMIT => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}
