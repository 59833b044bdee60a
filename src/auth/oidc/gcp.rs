//! Google Cloud: the metadata server's identity endpoint
//! (`/computeMetadata/v1/instance/service-accounts/default/identity?audience=<aud>&format=full`,
//! header `Metadata-Flavor: Google`, the body is the token), or, with
//! `GOOGLE_SERVICE_ACCOUNT_NAME` set, an access token from the metadata server exchanged at the
//! IAM Credentials API (`generateIdToken`) for that service account's token.
//!
//! The metadata server is asked only where Google Cloud is plausible (see [`detect`]), with a
//! one-second connect timeout. `GCE_METADATA_HOST` (`host[:port]`, Google's own convention)
//! moves it; `HOIST_GCP_IAMCREDENTIALS_URL` moves the IAM Credentials API, for tests only.

use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::Client;

use super::{IdentityError, Provider, ProviderKind, SharedEnv};
use crate::auth::Secret;

const DEFAULT_METADATA: &str = "http://metadata.google.internal";
const DEFAULT_IAM: &str = "https://iamcredentials.googleapis.com";
const CONNECT: Duration = Duration::from_secs(1);
const TIMEOUT: Duration = Duration::from_secs(10);
const DMI_PRODUCT: &str = "/sys/class/dmi/id/product_name";

/// The Google Cloud identity of this machine (or of an impersonated service account).
pub struct Gcp {
    metadata: String,
    iam: String,
    service_account: Option<String>,
    /// Found only because `--trusted-publishing always` asked to look.
    probed: bool,
}

fn firmware_says_google() -> bool {
    std::fs::read_to_string(DMI_PRODUCT)
        .map(|s| matches!(s.trim(), "Google" | "Google Compute Engine"))
        .unwrap_or(false)
}

/// `Some` where Google Cloud is plausible: `GOOGLE_SERVICE_ACCOUNT_NAME` or
/// `GCE_METADATA_HOST` set, the firmware says Google, or `probe` (`--trusted-publishing always`).
pub fn detect(env: &SharedEnv, probe: bool) -> Option<Result<Gcp, IdentityError>> {
    let service_account = env("GOOGLE_SERVICE_ACCOUNT_NAME").filter(|v| !v.is_empty());
    let host = env("GCE_METADATA_HOST").filter(|v| !v.is_empty());
    let plausible = service_account.is_some() || host.is_some() || firmware_says_google();
    if !plausible && !probe {
        return None;
    }
    let metadata = host
        .map(|h| format!("http://{}", h.trim_end_matches('/')))
        .unwrap_or_else(|| DEFAULT_METADATA.to_string());
    let iam = env("HOIST_GCP_IAMCREDENTIALS_URL")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_IAM.to_string());
    Some(Ok(Gcp {
        metadata,
        iam: iam.trim_end_matches('/').to_string(),
        service_account,
        probed: !plausible,
    }))
}

fn err(m: String) -> IdentityError {
    IdentityError::new(ProviderKind::Google, m)
}

async fn send(
    req: reqwest::RequestBuilder,
    what: &str,
    probed: Option<&str>,
) -> Result<Vec<u8>, IdentityError> {
    let resp = req.timeout(TIMEOUT).send().await.map_err(|e| {
        let transient = probed.is_none();
        let e = err(if let Some(metadata) = probed {
            format!(
                "no CI identity found: this is not GitHub Actions (GITHUB_ACTIONS=true), GitLab CI/CD \
                 (GITLAB_CI), Buildkite (BUILDKITE) or CircleCI (CIRCLECI), and no Google Cloud \
                 metadata server answered at {metadata}"
            )
        } else if e.is_connect() || e.is_timeout() {
            format!("{what} request failed: the metadata server did not answer ({e}); is this a Google Cloud machine?")
        } else {
            format!("{what} request failed: {e}")
        });
        if transient { e.transient() } else { e }
    })?;
    let status = resp.status();
    let body = resp.bytes().await.unwrap_or_default().to_vec();
    if !status.is_success() {
        let e = err(format!("{what} request failed with {status}"));
        return Err(if crate::retry::retryable_status(status.as_u16()) {
            e.transient()
        } else {
            e
        });
    }
    Ok(body)
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> Result<reqwest::Url, IdentityError> {
    let mut url = reqwest::Url::parse(base)
        .map_err(|e| err(format!("bad metadata server URL {base:?}: {e}")))?;
    url.query_pairs_mut().extend_pairs(pairs);
    Ok(url)
}

impl Gcp {
    fn client(&self, http: &Client) -> Client {
        // The metadata server is plain http on a link-local name: a short connect timeout, no
        // proxy. Fall back to the shared client if this one cannot be built.
        Client::builder()
            .connect_timeout(CONNECT)
            .no_proxy()
            .build()
            .unwrap_or_else(|_| http.clone())
    }
}

impl Provider for Gcp {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Google
    }

    fn token<'a>(
        &'a self,
        http: &'a Client,
        audience: &'a str,
    ) -> BoxFuture<'a, Result<Secret, IdentityError>> {
        Box::pin(async move {
            let local = self.client(http);
            let base = format!(
                "{}/computeMetadata/v1/instance/service-accounts/default",
                self.metadata
            );
            let Some(account) = &self.service_account else {
                let url = with_query(
                    &format!("{base}/identity"),
                    &[("audience", audience), ("format", "full")],
                )?;
                let req = local.get(url).header("Metadata-Flavor", "Google");
                let body = send(
                    req,
                    "OIDC token",
                    self.probed.then_some(self.metadata.as_str()),
                )
                .await?;
                let token = String::from_utf8(body)
                    .map_err(|_| err("the OIDC token is not text".into()))?;
                let token = token.trim();
                if token.is_empty() {
                    return Err(err("OIDC token missing from response".into()));
                }
                return Ok(Secret::new(token));
            };
            let url = with_query(
                &format!("{base}/token"),
                &[("scopes", "https://www.googleapis.com/auth/cloud-platform")],
            )?;
            let req = local.get(url).header("Metadata-Flavor", "Google");
            let body = send(req, "access token", None).await?;
            let access = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("access_token")?.as_str().map(str::to_string))
                .ok_or_else(|| err("access token missing from response".into()))?;
            let url = format!(
                "{}/v1/projects/-/serviceAccounts/{account}:generateIdToken",
                self.iam
            );
            let req = http
                .post(url)
                .bearer_auth(access)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(serde_json::json!({"audience": audience, "includeEmail": true}).to_string());
            let body = send(req, "OIDC token (impersonating the service account)", None).await?;
            serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("token")?.as_str().map(str::to_string))
                .filter(|t| !t.is_empty())
                .map(Secret::new)
                .ok_or_else(|| err("OIDC token missing from response".into()))
        })
    }
}
