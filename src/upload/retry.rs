//! When and how long to wait before trying a file again: transport errors, 5xx, 408 and 429
//! are retried with exponential backoff and full jitter; `Retry-After` is honoured (up to a
//! cap). Everything else is final.

use std::time::{Duration, SystemTime};

/// The retry policy.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The first backoff step.
    pub base: Duration,
    /// The longest wait between attempts.
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

impl Policy {
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

/// Whether a status is worth another attempt.
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
}
