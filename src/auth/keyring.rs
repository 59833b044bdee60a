//! The system keyring, through the `keyring` command (Python's keyring CLI) as a subprocess,
//! as twine and uv do: `keyring get <repository URL> <username>`. It is asked only when no
//! password was found, never in non-interactive mode, and with a time limit, because keyring
//! back ends on headless machines are known to hang.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Secret;

const LIMIT: Duration = Duration::from_secs(15);

/// Retries of a keyring call that timed out (a back end still waking up); a refusal or a
/// missing password is final.
const RETRIES: u32 = 1;

/// The password the keyring holds for (url, username), if the `keyring` command exists and
/// answers in time (each call bounded by 15 s; one that times out is tried once more, with the
/// shared backoff of [`crate::retry`]).
pub fn get(url: &str, username: &str) -> Option<Secret> {
    let policy = crate::retry::Policy::default().with_retries(RETRIES);
    crate::retry::run_blocking(&policy, |_| match get_once(url, username) {
        Ok(found) => crate::retry::Step::Done(found),
        Err(TimedOut) => crate::retry::Step::Again {
            error: TimedOut,
            retry_after: None,
        },
    })
    .ok()
    .flatten()
}

/// The `keyring` command did not answer within [`LIMIT`].
struct TimedOut;

fn get_once(url: &str, username: &str) -> Result<Option<Secret>, TimedOut> {
    let Ok(mut child) = Command::new("keyring")
        .args(["get", url, username])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return Ok(None);
    };
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                if !status.success() {
                    return Ok(None);
                }
                let mut out = String::new();
                let Some(mut stdout) = child.stdout.take() else {
                    return Ok(None);
                };
                if stdout.read_to_string(&mut out).is_err() {
                    return Ok(None);
                }
                let value = out.trim_end_matches(['\r', '\n']);
                return Ok((!value.is_empty()).then(|| Secret::new(value)));
            }
            Ok(None) if start.elapsed() < LIMIT => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(TimedOut);
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(None);
            }
        }
    }
}
