//! Buildkite: `buildkite-agent oidc request-token --audience <aud>` prints the token. PyPI does
//! not accept Buildkite's issuer; other indexes (and attestations, later) may.

use futures_util::future::BoxFuture;
use reqwest::Client;

use super::{IdentityError, Provider, ProviderKind, SharedEnv, command};
use crate::auth::Secret;

/// The Buildkite agent of this job.
pub struct Buildkite;

/// `Some` on Buildkite (`BUILDKITE` set).
pub fn detect(env: &SharedEnv) -> Option<Result<Buildkite, IdentityError>> {
    env("BUILDKITE")
        .filter(|v| !v.is_empty())
        .map(|_| Ok(Buildkite))
}

impl Provider for Buildkite {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Buildkite
    }

    fn token<'a>(
        &'a self,
        _http: &'a Client,
        audience: &'a str,
    ) -> BoxFuture<'a, Result<Secret, IdentityError>> {
        let args = vec![
            "oidc".to_string(),
            "request-token".to_string(),
            "--audience".to_string(),
            audience.to_string(),
        ];
        Box::pin(command::run(
            ProviderKind::Buildkite,
            "buildkite-agent",
            args,
        ))
    }
}
