//! The exchange with the index (Warehouse's `warehouse/oidc/views.py`, documented at
//! docs.pypi.org/trusted-publishers/using-a-publisher/): the audience from
//! `GET <origin>/_/oidc/audience`, then `POST <origin>/_/oidc/mint-token` with
//! `{"token": <OIDC token>}`, answered by a short-lived API token used as `__token__`.
//!
//! The origin is derived from the upload URL: upload.pypi.org gives pypi.org, test.pypi.org
//! stays, any other index uses its own scheme, host and port. Errors carry the index's codes
//! and descriptions, never a token.

use std::time::Duration;

use reqwest::{Client, Url};
use serde::Deserialize;

use crate::auth::Secret;

/// The longest the audience request may take.
pub const AUDIENCE_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a mint may take. Warehouse #18514: minting for publishers of hundreds of
/// projects can take over 5 s.
pub const MINT_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the OIDC routes of the index behind `upload_url` live.
pub fn index_origin(upload_url: &Url) -> Url {
    let fixed = match upload_url.host_str() {
        Some("upload.pypi.org") | Some("pypi.org") => Some("https://pypi.org/"),
        Some("test.pypi.org") => Some("https://test.pypi.org/"),
        _ => None,
    };
    if let Some(f) = fixed
        && let Ok(u) = Url::parse(f)
    {
        return u;
    }
    let mut origin = upload_url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    let _ = origin.set_username("");
    let _ = origin.set_password(None);
    origin
}

/// One `{code, description}` from a refused mint.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IndexError {
    pub code: String,
    #[serde(default)]
    pub description: String,
}

/// Why the exchange failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ExchangeError {
    #[error(
        "{origin} does not offer trusted publishing: GET {url} answered 404 (the index does not indicate trusted publishing support)"
    )]
    NotSupported { origin: String, url: String },
    #[error(
        "trusted publishing is switched off on {origin}: GET {url} answered 403 (\"Trusted publishing functionality not enabled\")"
    )]
    Disabled { origin: String, url: String },
    #[error("{method} {url} answered unexpectedly with {status} {reason}")]
    Status {
        method: &'static str,
        url: String,
        status: u16,
        reason: String,
        /// The answer's `Retry-After`, honoured by the retry.
        retry_after: Option<Duration>,
    },
    #[error("cannot reach {url}: {why}")]
    Transport { url: String, why: String },
    #[error("{url} answered 2xx but not as expected: {why}")]
    BadAnswer { url: String, why: String },
    #[error("the index refused the token exchange ({status}): {}", list(errors))]
    Refused {
        status: u16,
        errors: Vec<IndexError>,
    },
}

fn list(errors: &[IndexError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.code, e.description))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ExchangeError {
    /// A transport error, a 5xx, 408 or 429: worth another exchange with a fresh OIDC token.
    pub fn is_transient(&self) -> bool {
        match self {
            ExchangeError::Transport { .. } => true,
            ExchangeError::Status { status, .. } => crate::retry::retryable_status(*status),
            _ => false,
        }
    }

    /// The `Retry-After` the index gave with a transient status.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ExchangeError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The first error code of a refused mint.
    pub fn code(&self) -> Option<&str> {
        match self {
            ExchangeError::Refused { errors, .. } => errors.first().map(|e| e.code.as_str()),
            _ => None,
        }
    }
}

fn transport(url: &Url, e: &reqwest::Error) -> ExchangeError {
    let mut why = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        why.push_str(": ");
        why.push_str(&s.to_string());
        source = s.source();
    }
    ExchangeError::Transport {
        url: url.to_string(),
        why,
    }
}

fn reason(status: reqwest::StatusCode) -> String {
    status.canonical_reason().unwrap_or("").to_string()
}

/// `GET <origin>/_/oidc/audience`: the audience the OIDC token must carry, within `timeout`.
pub async fn audience(
    client: &Client,
    origin: &Url,
    timeout: Duration,
) -> Result<String, ExchangeError> {
    let url = origin
        .join("_/oidc/audience")
        .map_err(|e| ExchangeError::BadAnswer {
            url: origin.to_string(),
            why: e.to_string(),
        })?;
    let resp = client
        .get(url.clone())
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| transport(&url, &e))?;
    let status = resp.status();
    let origin_text = origin.as_str().trim_end_matches('/').to_string();
    match status.as_u16() {
        404 => {
            return Err(ExchangeError::NotSupported {
                origin: origin_text,
                url: url.to_string(),
            });
        }
        403 => {
            return Err(ExchangeError::Disabled {
                origin: origin_text,
                url: url.to_string(),
            });
        }
        s if !status.is_success() => {
            return Err(ExchangeError::Status {
                method: "GET",
                url: url.to_string(),
                status: s,
                reason: reason(status),
                retry_after: crate::retry::retry_after_of(resp.headers()),
            });
        }
        _ => {}
    }
    #[derive(Deserialize)]
    struct Answer {
        audience: String,
    }
    let body = resp.bytes().await.map_err(|e| transport(&url, &e))?;
    let answer: Answer = serde_json::from_slice(&body).map_err(|e| ExchangeError::BadAnswer {
        url: url.to_string(),
        why: format!("no audience in the JSON ({e})"),
    })?;
    if answer.audience.is_empty() {
        return Err(ExchangeError::BadAnswer {
            url: url.to_string(),
            why: "the audience is empty".into(),
        });
    }
    Ok(answer.audience)
}

/// A token minted by the index.
#[derive(Debug, Clone)]
pub struct Minted {
    pub token: Secret,
    /// Unix seconds, when the index said (PyPI always does).
    pub expires: Option<u64>,
}

/// `POST <origin>/_/oidc/mint-token` with `{"token": jwt}`, within `timeout`.
pub async fn mint(
    client: &Client,
    origin: &Url,
    jwt: &Secret,
    timeout: Duration,
) -> Result<Minted, ExchangeError> {
    let url = origin
        .join("_/oidc/mint-token")
        .map_err(|e| ExchangeError::BadAnswer {
            url: origin.to_string(),
            why: e.to_string(),
        })?;
    let body = serde_json::json!({ "token": jwt.expose() }).to_string();
    let resp = client
        .post(url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| transport(&url, &e))?;
    let status = resp.status();
    let retry_after = crate::retry::retry_after_of(resp.headers());
    let bytes = resp.bytes().await.map_err(|e| transport(&url, &e))?;
    #[derive(Deserialize)]
    struct Failure {
        #[serde(default)]
        errors: Vec<IndexError>,
    }
    #[derive(Deserialize)]
    struct Success {
        token: Option<String>,
        expires: Option<f64>,
    }
    if !status.is_success() {
        return match serde_json::from_slice::<Failure>(&bytes) {
            Ok(f) if !f.errors.is_empty() => Err(ExchangeError::Refused {
                status: status.as_u16(),
                errors: f.errors,
            }),
            _ => Err(ExchangeError::Status {
                method: "POST",
                url: url.to_string(),
                status: status.as_u16(),
                reason: reason(status),
                retry_after,
            }),
        };
    }
    let answer: Success = serde_json::from_slice(&bytes).map_err(|e| ExchangeError::BadAnswer {
        url: url.to_string(),
        why: format!("the body is not the expected JSON ({e})"),
    })?;
    match answer.token {
        Some(t) if !t.is_empty() => Ok(Minted {
            token: Secret::new(t),
            expires: answer
                .expires
                .filter(|e| e.is_finite() && *e > 0.0)
                .map(|e| e as u64),
        }),
        _ => Err(ExchangeError::BadAnswer {
            url: url.to_string(),
            why: "it holds no token".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        for (upload, origin) in [
            ("https://upload.pypi.org/legacy/", "https://pypi.org/"),
            ("https://test.pypi.org/legacy/", "https://test.pypi.org/"),
            (
                "https://u:p@example.com:8443/a/legacy/?x=1",
                "https://example.com:8443/",
            ),
            ("http://127.0.0.1:9999/legacy/", "http://127.0.0.1:9999/"),
        ] {
            let u = Url::parse(upload).unwrap();
            assert_eq!(index_origin(&u).as_str(), origin, "{upload}");
        }
    }
}
