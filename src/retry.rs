//! One retry policy for every request hoist makes: uploads, simple-API lookups, the
//! trusted-publishing calls (OIDC token, audience, mint), Sigstore and the keyring. Transport
//! errors, 5xx, 408 and 429 are retried with exponential backoff and full jitter (never under
//! half the step), `Retry-After` is honoured up to the cap; everything else is final. Each call
//! site has its own bounded count of retries ([`Policy::with_retries`]).
//!
//! The HTTP semantics follow RFC 9110 (§15.6 server errors, §10.2.3 `Retry-After`) and RFC 6585
//! (429).

use std::future::Future;
use std::time::{Duration, SystemTime};

/// The retry policy: how many retries, the first backoff step and the longest pause.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The first backoff step (doubled after each attempt).
    pub base: Duration,
    /// The longest wait between attempts, `Retry-After` included.
    pub cap: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            retries: 3,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        }
    }
}

/// How long a request may make no progress (upload) or take in all (a lookup, an OIDC call)
/// by default, in seconds.
pub const DEFAULT_STALL: Duration = Duration::from_secs(60);

impl Policy {
    /// The same backoff with another count of retries.
    pub fn with_retries(self, retries: u32) -> Policy {
        Policy { retries, ..self }
    }

    /// The policy of the environment: `HOIST_RETRY_BASE_MS` sets the first step (milliseconds;
    /// tests shorten it), everything else is the default.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Policy {
        let mut p = Policy::default();
        if let Some(ms) = env("HOIST_RETRY_BASE_MS").and_then(|v| v.trim().parse::<u64>().ok()) {
            p.base = Duration::from_millis(ms);
        }
        p
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1); `retry_after` wins when
    /// the server gave one.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(ra) = retry_after {
            return ra.min(self.cap);
        }
        let exp = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let ceiling = exp.min(self.cap);
        // Full jitter, but never less than half the step, so retries do not hammer.
        let half = ceiling / 2;
        half + Duration::from_millis(fastrand::u64(..=half.as_millis() as u64))
    }
}

/// The stall limit of the environment: `HOIST_STALL_TIMEOUT_MS` (milliseconds), else
/// `HOIST_STALL_TIMEOUT` (seconds), else `None` (the caller's default). Tests shorten it to
/// make a hung server cost seconds, not minutes.
pub fn stall_from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<Duration> {
    let num = |name: &str| env(name).and_then(|v| v.trim().parse::<u64>().ok());
    num("HOIST_STALL_TIMEOUT_MS")
        .map(Duration::from_millis)
        .or_else(|| num("HOIST_STALL_TIMEOUT").map(Duration::from_secs))
        .filter(|d| !d.is_zero())
}

/// Whether a status is worth another attempt (RFC 9110: 408 and 5xx; RFC 6585: 429).
pub fn retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..600).contains(&status)
}

/// Parses `Retry-After`: seconds, or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The `Retry-After` of an answer, if it has a readable one.
pub fn retry_after_of(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}

/// What one try of an operation came to.
#[derive(Debug)]
pub enum Step<T, E> {
    Done(T),
    /// Worth another try (after `retry_after` when the server said).
    Again {
        error: E,
        retry_after: Option<Duration>,
    },
    /// Final: trying again would not help.
    Fail(E),
}

/// Runs `op` (given the attempt number, from 1) until it is done, fails for good, or
/// `policy.retries` retries have been used; `on_retry(attempt, error, wait)` is told before
/// each pause. The error is the last one.
pub async fn run<T, E, F, Fut>(
    policy: &Policy,
    mut op: F,
    mut on_retry: impl FnMut(u32, &E, Duration),
) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Step<T, E>>,
{
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        match op(attempt).await {
            Step::Done(v) => return Ok(v),
            Step::Fail(e) => return Err(e),
            Step::Again { error, retry_after } => {
                if attempt > policy.retries {
                    return Err(error);
                }
                let wait = policy.delay(attempt, retry_after);
                on_retry(attempt, &error, wait);
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// [`run`] for a blocking operation (the keyring's subprocess).
pub fn run_blocking<T, E>(policy: &Policy, mut op: impl FnMut(u32) -> Step<T, E>) -> Result<T, E> {
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        match op(attempt) {
            Step::Done(v) => return Ok(v),
            Step::Fail(e) => return Err(e),
            Step::Again { error, retry_after } => {
                if attempt > policy.retries {
                    return Err(error);
                }
                std::thread::sleep(policy.delay(attempt, retry_after));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = Policy {
            retries: 5,
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
        };
        for attempt in 1..=6 {
            let d = p.delay(attempt, None);
            let step = (100u64 << (attempt - 1)).min(1000);
            assert!(
                d >= Duration::from_millis(step / 2) && d <= Duration::from_millis(step),
                "{attempt}: {d:?}"
            );
        }
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(5))),
            Duration::from_millis(1000)
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert!(retryable_status(503) && retryable_status(429) && retryable_status(408));
        assert!(!retryable_status(400) && !retryable_status(403));
    }

    #[test]
    fn stall_settings() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            stall_from_env(&env(&[("HOIST_STALL_TIMEOUT_MS", "1500")])),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            stall_from_env(&env(&[("HOIST_STALL_TIMEOUT", "7")])),
            Some(Duration::from_secs(7))
        );
        assert_eq!(stall_from_env(&env(&[("HOIST_STALL_TIMEOUT", "0")])), None);
        assert_eq!(stall_from_env(&env(&[])), None);
    }

    #[test]
    fn run_counts_its_own_retries() {
        let p = Policy {
            retries: 2,
            base: Duration::from_millis(1),
            cap: Duration::from_millis(2),
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let mut tries = 0;
        let r: Result<(), &str> = rt.block_on(run(
            &p,
            |_| {
                tries += 1;
                async {
                    Step::Again {
                        error: "503",
                        retry_after: None,
                    }
                }
            },
            |_, _, _| {},
        ));
        assert_eq!((r, tries), (Err("503"), 3));
        let r: Result<u32, &str> = rt.block_on(run(
            &p,
            |n| async move {
                if n < 2 {
                    Step::Again {
                        error: "reset",
                        retry_after: Some(Duration::ZERO),
                    }
                } else {
                    Step::Done(n)
                }
            },
            |_, _, _| {},
        ));
        assert_eq!(r, Ok(2));
        let mut tries = 0;
        let r: Result<(), &str> = run_blocking(&p, |_| {
            tries += 1;
            Step::Fail("404")
        });
        assert_eq!((r, tries), (Err("404"), 1));
    }
}
