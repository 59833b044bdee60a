//! Trusted publishing: the CI job proves who it is with an OIDC token, the index checks it
//! against the publisher registered for the project, and mints a short-lived API token that
//! hoist uploads with as `__token__`.
//!
//! - [`Provider`]: one CI identity service per module ([`github`], [`gitlab`], [`gcp`],
//!   [`buildkite`], [`circleci`]); [`detect`] finds the one this job runs on without any
//!   network call (Google Cloud is probed only where it is plausible, or when asked to).
//! - [`exchange`]: the audience and mint-token calls.
//! - [`TrustedPublisher`]: the credentials of an upload, re-minted from a fresh OIDC token
//!   before a file starts when less than two minutes remain, and after the index says the token
//!   expired.
//! - [`claims`] and [`report`]: what the job presented and the publisher that matches it,
//!   printed when the index refuses (and by `hoist publisher`).
//!
//! Not here: the choice between trusted publishing and a stored token ([`Policy`] is applied
//! by `hoist upload`), and attestations (a later release).

pub mod buildkite;
pub mod circleci;
pub mod claims;
mod command;
pub mod exchange;
pub mod gcp;
pub mod github;
pub mod gitlab;
pub mod report;
pub mod unmatchable;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use reqwest::{Client, Url};

use super::{CredentialSource, Credentials, Secret, Source};
use crate::retry::Step;
pub use claims::Claims;
pub use exchange::{ExchangeError, IndexError};

/// Reads an environment variable; shared with the providers that read one later.
pub type SharedEnv = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where a line goes: the command decides (stdout, stderr, a test buffer).
pub type Sink = Arc<dyn Fn(&str) + Send + Sync>;

/// `--trusted-publishing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// An explicit password or token wins, then an ambient identity, then keyring and .pypirc.
    #[default]
    Auto,
    /// Trusted publishing or nothing: no identity is an error.
    Always,
    /// Never look for an identity.
    Never,
}

impl Policy {
    /// Whether trusted publishing is tried, given what the user supplied: not when a password
    /// or token was given explicitly, nor for a username other than `__token__` (trusted
    /// publishing always uploads as `__token__`).
    pub fn applies(self, explicit_password: bool, username: Option<&str>) -> bool {
        let token_user = username.is_none_or(|u| u.is_empty() || u == "__token__");
        match self {
            Policy::Never => false,
            Policy::Auto | Policy::Always => !explicit_password && token_user,
        }
    }
}

/// The CI identity services hoist knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ProviderKind {
    GitHub,
    GitLab,
    Google,
    Buildkite,
    CircleCi,
}

impl ProviderKind {
    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::GitHub => "GitHub Actions",
            ProviderKind::GitLab => "GitLab CI/CD",
            ProviderKind::Google => "Google Cloud",
            ProviderKind::Buildkite => "Buildkite",
            ProviderKind::CircleCi => "CircleCI",
        }
    }

    /// Whether PyPI and TestPyPI accept this issuer (GitHub, GitLab, Google; ActiveState
    /// publishes from its own builder).
    pub fn accepted_by_pypi(self) -> bool {
        matches!(
            self,
            ProviderKind::GitHub | ProviderKind::GitLab | ProviderKind::Google
        )
    }
}

/// Why a detected provider gave no OIDC token. The message says what to change; `fix` is a
/// snippet to paste (YAML) when there is one. Never carries a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", provider.name())]
pub struct IdentityError {
    pub provider: ProviderKind,
    pub message: String,
    pub fix: Option<String>,
    /// A network error or a 5xx/408/429 of the token service: worth asking again.
    pub transient: bool,
}

impl IdentityError {
    pub fn new(provider: ProviderKind, message: impl Into<String>) -> IdentityError {
        IdentityError {
            provider,
            message: message.into(),
            fix: None,
            transient: false,
        }
    }

    /// Marks the failure as worth another request.
    pub fn transient(mut self) -> IdentityError {
        self.transient = true;
        self
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> IdentityError {
        self.fix = Some(fix.into());
        self
    }

    /// The message and the fix, for a terminal.
    pub fn explain(&self) -> String {
        match &self.fix {
            Some(fix) => format!("{self}\n\n{fix}"),
            None => self.to_string(),
        }
    }
}

/// A CI identity service: hands out OIDC tokens for an audience.
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;
    /// Asks for a new OIDC token for `audience`. Each call gets a fresh one: the index
    /// accepts a token only once.
    fn token<'a>(
        &'a self,
        http: &'a Client,
        audience: &'a str,
    ) -> BoxFuture<'a, Result<Secret, IdentityError>>;
}

/// What [`detect`] found.
pub enum Detection {
    /// No CI identity here.
    None,
    /// A CI that could give an identity, but this job cannot have one.
    Unavailable(IdentityError),
    Ready(Box<dyn Provider>),
}

impl Detection {
    pub fn provider_kind(&self) -> Option<ProviderKind> {
        match self {
            Detection::None => None,
            Detection::Unavailable(e) => Some(e.provider),
            Detection::Ready(p) => Some(p.kind()),
        }
    }
}

/// Finds the CI this job runs on, by environment variables only: GitHub Actions, GitLab
/// CI/CD, Buildkite, CircleCI, then Google Cloud. The CI-specific variables go first because
/// CI runners often run on Google Cloud machines. Google Cloud counts only with
/// `GOOGLE_SERVICE_ACCOUNT_NAME` or `GCE_METADATA_HOST` set, on a machine whose firmware says
/// Google, or when `probe_gcp` (for `--trusted-publishing always`).
pub fn detect(env: &SharedEnv, probe_gcp: bool) -> Detection {
    let found = github::detect(env)
        .map(|r| r.map(|p| Box::new(p) as Box<dyn Provider>))
        .or_else(|| gitlab::detect(env).map(|r| r.map(|p| Box::new(p) as Box<dyn Provider>)))
        .or_else(|| buildkite::detect(env).map(|r| r.map(|p| Box::new(p) as Box<dyn Provider>)))
        .or_else(|| circleci::detect(env).map(|r| r.map(|p| Box::new(p) as Box<dyn Provider>)))
        .or_else(|| {
            gcp::detect(env, probe_gcp).map(|r| r.map(|p| Box::new(p) as Box<dyn Provider>))
        });
    match found {
        None => Detection::None,
        Some(Err(e)) => Detection::Unavailable(e),
        Some(Ok(p)) => Detection::Ready(p),
    }
}

/// Why trusted publishing failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TrustedError {
    #[error("trusted publishing: cannot get an OIDC token from {}", .0)]
    Identity(IdentityError),
    #[error("trusted publishing: {error}")]
    Exchange {
        provider: ProviderKind,
        error: ExchangeError,
        /// The claims of the token the index refused, for the report.
        claims: Option<Claims>,
    },
}

/// How long a minted token lives on PyPI; a longer `expires` is not believed.
pub const MAX_LIFETIME: Duration = Duration::from_secs(900);
/// Re-mint before a file starts when less than this remains.
pub const DEFAULT_MARGIN: Duration = Duration::from_secs(120);
/// Retries of each call of the exchange (OIDC token, audience, mint), on a network error, a
/// 5xx, 408 or 429, with the shared backoff ([`crate::retry`]). A mint is retried with a fresh
/// OIDC token: the index accepts each one once.
pub const EXCHANGE_RETRIES: u32 = 3;

struct Current {
    credentials: Credentials,
    deadline: Instant,
    generation: u64,
}

/// The credentials of a trusted-publishing upload: minted at the start, re-minted from a
/// fresh OIDC token when they are about to expire or the index says they have.
pub struct TrustedPublisher {
    provider: Box<dyn Provider>,
    client: Client,
    origin: Url,
    audience: String,
    margin: Duration,
    mask: Option<Sink>,
    note: Sink,
    current: tokio::sync::Mutex<Option<Current>>,
    secrets: Mutex<Vec<Secret>>,
    last_claims: Mutex<Option<Claims>>,
    retry: crate::retry::Policy,
    /// The stall limit of the run, when set: no exchange call waits longer.
    stall: Option<Duration>,
}

impl TrustedPublisher {
    /// Prepares the exchange with the index behind `upload_url`. `mask` receives each secret
    /// as soon as it exists (on GitHub Actions, to print `::add-mask::`); `note` gets one-line
    /// progress notes.
    pub fn new(
        provider: Box<dyn Provider>,
        client: Client,
        upload_url: &Url,
        mask: Option<Sink>,
        note: Sink,
    ) -> TrustedPublisher {
        TrustedPublisher {
            provider,
            client,
            origin: exchange::index_origin(upload_url),
            audience: String::new(),
            margin: DEFAULT_MARGIN,
            mask,
            note,
            current: tokio::sync::Mutex::new(None),
            secrets: Mutex::new(Vec::new()),
            last_claims: Mutex::new(None),
            retry: crate::retry::Policy::default().with_retries(EXCHANGE_RETRIES),
            stall: None,
        }
    }

    /// Sets the renewal margin (tests) and the pause between exchange retries.
    pub fn with_timing(mut self, margin: Duration, retry_base: Duration) -> TrustedPublisher {
        self.margin = margin;
        self.retry.base = retry_base;
        self
    }

    /// Bounds each exchange call by the run's stall limit too (`HOIST_STALL_TIMEOUT_MS`).
    pub fn with_stall(mut self, stall: Option<Duration>) -> TrustedPublisher {
        self.stall = stall;
        self
    }

    /// `limit`, or the stall limit when that is shorter.
    fn bounded(&self, limit: Duration) -> Duration {
        self.stall.map_or(limit, |s| s.min(limit))
    }

    pub fn provider_kind(&self) -> ProviderKind {
        self.provider.kind()
    }

    pub fn origin(&self) -> &Url {
        &self.origin
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The claims of the last OIDC token obtained.
    pub fn last_claims(&self) -> Option<Claims> {
        self.last_claims.lock().ok().and_then(|c| c.clone())
    }

    fn remember(&self, secret: &Secret) {
        if let Some(mask) = &self.mask {
            mask(secret.expose());
        }
        if let Ok(mut s) = self.secrets.lock() {
            s.push(secret.clone());
        }
    }

    /// Fetches the audience from the index, retried on a transient failure.
    pub async fn fetch_audience(&mut self) -> Result<(), TrustedError> {
        let (client, origin, note) = (&self.client, &self.origin, &self.note);
        let timeout = self.bounded(exchange::AUDIENCE_TIMEOUT);
        let audience = crate::retry::run(
            &self.retry,
            |_| async move {
                match exchange::audience(client, origin, timeout).await {
                    Ok(a) => Step::Done(a),
                    Err(e) if e.is_transient() => Step::Again {
                        retry_after: e.retry_after(),
                        error: e,
                    },
                    Err(e) => Step::Fail(e),
                }
            },
            |n, error, wait| retry_note(note, n, error, wait),
        )
        .await
        .map_err(|error| TrustedError::Exchange {
            provider: self.provider.kind(),
            error,
            claims: None,
        })?;
        self.audience = audience;
        Ok(())
    }

    /// A fresh OIDC token for `audience` from the CI's token service, retried on a transient
    /// failure, and masked.
    async fn provider_token(&self, audience: &str) -> Result<Secret, TrustedError> {
        let jwt = crate::retry::run(
            &self.retry,
            |_| async move {
                match self.provider.token(&self.client, audience).await {
                    Ok(t) => Step::Done(t),
                    Err(e) if e.transient => Step::Again {
                        error: e,
                        retry_after: None,
                    },
                    Err(e) => Step::Fail(e),
                }
            },
            |n, error, wait| retry_note(&self.note, n, error, wait),
        )
        .await
        .map_err(TrustedError::Identity)?;
        self.remember(&jwt);
        Ok(jwt)
    }

    /// A fresh OIDC token for the audience, masked and its claims kept.
    pub async fn oidc_token(&self) -> Result<Secret, TrustedError> {
        let jwt = self.provider_token(&self.audience).await?;
        if let Ok(mut c) = self.last_claims.lock() {
            *c = Claims::decode(jwt.expose()).ok();
        }
        Ok(jwt)
    }

    /// A fresh OIDC token for another audience (`sigstore`, to sign attestations), masked and
    /// kept out of every message like the others.
    pub async fn token_for(&self, audience: &str) -> Result<Secret, TrustedError> {
        self.provider_token(audience).await
    }

    /// One exchange: a fresh OIDC token, then mint-token; transient failures are retried,
    /// each time with a new OIDC token.
    async fn mint(&self) -> Result<(Credentials, Instant), TrustedError> {
        let mut tries = 0;
        loop {
            tries += 1;
            let jwt = self.oidc_token().await?;
            let timeout = self.bounded(exchange::MINT_TIMEOUT);
            match exchange::mint(&self.client, &self.origin, &jwt, timeout).await {
                Ok(minted) => {
                    self.remember(&minted.token);
                    let now_unix = claims::unix_now();
                    let lifetime = minted
                        .expires
                        .map(|e| Duration::from_secs(e.saturating_sub(now_unix)))
                        .unwrap_or(MAX_LIFETIME)
                        .min(MAX_LIFETIME);
                    let credentials = Credentials {
                        username: "__token__".into(),
                        password: minted.token,
                        username_source: Source::TrustedPublishing(self.provider.kind().name()),
                        password_source: Source::TrustedPublishing(self.provider.kind().name()),
                    };
                    return Ok((credentials, Instant::now() + lifetime));
                }
                Err(error) if error.is_transient() && tries <= self.retry.retries => {
                    let wait = self.retry.delay(tries, error.retry_after());
                    (self.note)(&format!(
                        "Trusted publishing: {error}; trying again in {:.1}s with a new OIDC token (retry {tries} of {})",
                        wait.as_secs_f64(),
                        self.retry.retries
                    ));
                    tokio::time::sleep(wait).await;
                }
                Err(error) => {
                    return Err(TrustedError::Exchange {
                        provider: self.provider.kind(),
                        error,
                        claims: Claims::decode(jwt.expose()).ok(),
                    });
                }
            }
        }
    }

    /// The first exchange: fetches the audience and mints. Fails early, before any upload.
    pub async fn start(&mut self) -> Result<Credentials, TrustedError> {
        self.fetch_audience().await?;
        let (credentials, deadline) = self.mint().await?;
        *self.current.lock().await = Some(Current {
            credentials: credentials.clone(),
            deadline,
            generation: 1,
        });
        Ok(credentials)
    }

    async fn renew_if(
        &self,
        needed: impl Fn(&Current) -> bool,
        why: &str,
    ) -> Result<Credentials, TrustedError> {
        let mut guard = self.current.lock().await;
        if let Some(c) = guard.as_ref()
            && !needed(c)
        {
            return Ok(c.credentials.clone());
        }
        let generation = guard.as_ref().map_or(0, |c| c.generation) + 1;
        (self.note)(&format!(
            "Trusted publishing: {why}; minting a new one from a fresh OIDC token"
        ));
        let (credentials, deadline) = self.mint().await?;
        *guard = Some(Current {
            credentials: credentials.clone(),
            deadline,
            generation,
        });
        Ok(credentials)
    }
}

/// The note before a retry of an exchange call.
fn retry_note(note: &Sink, n: u32, error: &dyn std::fmt::Display, wait: Duration) {
    note(&format!(
        "Trusted publishing: {error}; trying again in {:.1}s (retry {n})",
        wait.as_secs_f64()
    ));
}

fn short(e: &TrustedError) -> String {
    match e {
        TrustedError::Identity(i) => format!("trusted publishing: {i}"),
        other => other.to_string(),
    }
}

impl CredentialSource for TrustedPublisher {
    fn for_next_file(&self) -> BoxFuture<'_, Result<Credentials, String>> {
        Box::pin(async move {
            let margin = self.margin;
            self.renew_if(
                |c| c.deadline.saturating_duration_since(Instant::now()) < margin,
                "the upload token expires in less than the renewal margin",
            )
            .await
            .map_err(|e| short(&e))
        })
    }

    fn renew<'a>(&'a self, stale: &'a Credentials) -> BoxFuture<'a, Result<Credentials, String>> {
        Box::pin(async move {
            self.renew_if(
                |c| c.credentials.password == stale.password,
                "the index says the upload token expired",
            )
            .await
            .map_err(|e| short(&e))
        })
    }

    fn renewable(&self) -> bool {
        true
    }

    fn secrets(&self) -> Vec<Secret> {
        self.secrets.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    pub(crate) fn env_of(pairs: &[(&str, &str)]) -> SharedEnv {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Arc::new(move |k| map.get(k).cloned())
    }

    #[test]
    fn policy() {
        assert!(Policy::Auto.applies(false, None));
        assert!(Policy::Auto.applies(false, Some("__token__")));
        assert!(!Policy::Auto.applies(true, None));
        assert!(!Policy::Auto.applies(false, Some("alice")));
        assert!(!Policy::Never.applies(false, None));
        assert!(Policy::Always.applies(false, None));
    }

    #[test]
    fn outside_ci_nothing_is_detected() {
        let env = env_of(&[("HOME", "/root"), ("CI", "true")]);
        assert!(matches!(detect(&env, false), Detection::None));
    }

    #[test]
    fn ci_specific_variables_win_over_google_cloud() {
        let env = env_of(&[("GITLAB_CI", "true"), ("GCE_METADATA_HOST", "127.0.0.1:1")]);
        assert_eq!(
            detect(&env, false).provider_kind(),
            Some(ProviderKind::GitLab)
        );
    }
}
