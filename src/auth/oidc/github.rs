//! GitHub Actions: `GET $ACTIONS_ID_TOKEN_REQUEST_URL` with `audience=<aud>` added to the query
//! the URL already has, `Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`; the token is
//! the `value` of the JSON answer.
//!
//! GitHub sets the two variables only for a job with `permissions: id-token: write`, and never
//! for a pull request from a fork; without them the error says which, with the YAML.

use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::{Client, Url};

use super::{IdentityError, Provider, ProviderKind, SharedEnv};
use crate::auth::Secret;

const TIMEOUT: Duration = Duration::from_secs(30);

/// The YAML a job needs for an OIDC token.
pub const PERMISSION_YAML: &str = "\
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: pypi          # optional; must match the publisher on PyPI if it names one
    permissions:
      id-token: write          # lets the job request an OIDC token
      contents: read
    steps:
      - uses: actions/download-artifact@v4
      - run: hoist upload dist/*";

/// The GitHub Actions token service of this job.
pub struct GitHub {
    request_url: String,
    request_token: Secret,
}

/// `Some` on GitHub Actions (`GITHUB_ACTIONS=true`): the provider, or why the job has no token.
pub fn detect(env: &SharedEnv) -> Option<Result<GitHub, IdentityError>> {
    if env("GITHUB_ACTIONS").as_deref() != Some("true") {
        return None;
    }
    let url = env("ACTIONS_ID_TOKEN_REQUEST_URL").filter(|v| !v.is_empty());
    let token = env("ACTIONS_ID_TOKEN_REQUEST_TOKEN").filter(|v| !v.is_empty());
    Some(match (url, token) {
        (Some(request_url), Some(token)) => Ok(GitHub {
            request_url,
            request_token: Secret::new(token),
        }),
        (url, _) => Err(missing_permission(
            env,
            if url.is_none() {
                "ACTIONS_ID_TOKEN_REQUEST_URL"
            } else {
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
            },
        )),
    })
}

/// Whether the run is a pull request from a fork, from `$GITHUB_EVENT_PATH`.
fn fork_pull_request(env: &SharedEnv) -> bool {
    if !matches!(
        env("GITHUB_EVENT_NAME").as_deref(),
        Some("pull_request" | "pull_request_review" | "pull_request_review_comment")
    ) {
        return false;
    }
    let Some(path) = env("GITHUB_EVENT_PATH") else {
        return false;
    };
    let Ok(text) = std::fs::read(path) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.pointer("/pull_request/head/repo/fork")?.as_bool())
        .unwrap_or(false)
}

fn missing_permission(env: &SharedEnv, var: &str) -> IdentityError {
    let base = format!("this job may not request an OIDC token (${var} is not set).");
    if fork_pull_request(env) {
        return IdentityError::new(
            ProviderKind::GitHub,
            format!(
                "{base} This run is a pull request from a fork: GitHub never gives those an OIDC \
                 token, even with `id-token: write`. Publish from an event a fork cannot trigger: \
                 a tag push, a published release, or workflow_dispatch."
            ),
        )
        .with_fix(
            "on:\n  release:\n    types: [published]\n  # or: push: {tags: ['v*']}, workflow_dispatch",
        );
    }
    IdentityError::new(
        ProviderKind::GitHub,
        format!(
            "{base} Add `permissions: id-token: write` to the publishing job (a `permissions:` \
             block sets every permission it does not list to none). Pull requests from forks \
             never get it."
        ),
    )
    .with_fix(PERMISSION_YAML)
}

/// The request URL with `audience` added to its query (`&`, never a second `?`).
pub fn token_url(request_url: &str, audience: &str) -> Result<Url, String> {
    let mut url = Url::parse(request_url)
        .map_err(|e| format!("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL ({e})"))?;
    url.query_pairs_mut().append_pair("audience", audience);
    Ok(url)
}

impl Provider for GitHub {
    fn kind(&self) -> ProviderKind {
        ProviderKind::GitHub
    }

    fn token<'a>(
        &'a self,
        http: &'a Client,
        audience: &'a str,
    ) -> BoxFuture<'a, Result<Secret, IdentityError>> {
        Box::pin(async move {
            let err = |m: String| IdentityError::new(ProviderKind::GitHub, m);
            let url = token_url(&self.request_url, audience).map_err(err)?;
            let resp = http
                .get(url)
                .header(
                    reqwest::header::AUTHORIZATION,
                    format!("bearer {}", self.request_token.expose()),
                )
                .timeout(TIMEOUT)
                .send()
                .await
                .map_err(|e| {
                    err(if e.is_timeout() {
                        "OIDC token request timed out".into()
                    } else {
                        format!("OIDC token request failed: {e}")
                    })
                    .transient()
                })?;
            let status = resp.status();
            let body = resp
                .bytes()
                .await
                .map_err(|e| err(format!("OIDC token request failed: {e}")).transient())?;
            if !status.is_success() {
                let e = err(format!(
                    "OIDC token request failed with {status}; rerun the job, and check that it \
                     has `permissions: id-token: write`"
                ));
                return Err(if crate::retry::retryable_status(status.as_u16()) {
                    e.transient()
                } else {
                    e
                });
            }
            let value = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("value")?.as_str().map(str::to_string))
                .filter(|v| !v.is_empty())
                .ok_or_else(|| err("malformed or incomplete JSON from the token service".into()))?;
            Ok(Secret::new(value))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::oidc::tests::env_of;

    #[test]
    fn audience_joins_the_existing_query() {
        let u = token_url("https://x.example/t?api-version=2.0", "pypi").unwrap();
        assert_eq!(
            u.as_str(),
            "https://x.example/t?api-version=2.0&audience=pypi"
        );
        let u = token_url("https://x.example/t", "test pypi").unwrap();
        assert_eq!(u.as_str(), "https://x.example/t?audience=test+pypi");
    }

    #[test]
    fn missing_variables_name_the_permission() {
        let env = env_of(&[("GITHUB_ACTIONS", "true")]);
        let e = detect(&env).unwrap().err().unwrap();
        assert!(e.message.contains("id-token: write"), "{e}");
        assert!(e.fix.unwrap().contains("id-token: write"));
        assert!(detect(&env_of(&[("GITHUB_ACTIONS", "false")])).is_none());
    }
}
