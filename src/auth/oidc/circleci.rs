//! CircleCI: `circleci run oidc get --claims '{"aud": "<aud>"}' --root-issuer` prints the
//! token. PyPI does not accept CircleCI's issuer; other indexes (and attestations, later) may.

use futures_util::future::BoxFuture;
use reqwest::Client;

use super::{IdentityError, Provider, ProviderKind, SharedEnv, command};
use crate::auth::Secret;

/// The `circleci` tool of this job.
pub struct CircleCi;

/// `Some` on CircleCI (`CIRCLECI` set).
pub fn detect(env: &SharedEnv) -> Option<Result<CircleCi, IdentityError>> {
    env("CIRCLECI")
        .filter(|v| !v.is_empty())
        .map(|_| Ok(CircleCi))
}

impl Provider for CircleCi {
    fn kind(&self) -> ProviderKind {
        ProviderKind::CircleCi
    }

    fn token<'a>(
        &'a self,
        _http: &'a Client,
        audience: &'a str,
    ) -> BoxFuture<'a, Result<Secret, IdentityError>> {
        let args = vec![
            "run".to_string(),
            "oidc".to_string(),
            "get".to_string(),
            "--claims".to_string(),
            serde_json::json!({ "aud": audience }).to_string(),
            "--root-issuer".to_string(),
        ];
        Box::pin(command::run(ProviderKind::CircleCi, "circleci", args))
    }
}
