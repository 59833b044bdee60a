//! GitLab CI/CD: the OIDC token is the variable `<AUD>_ID_TOKEN` (`PYPI_ID_TOKEN`,
//! `TESTPYPI_ID_TOKEN`), which the job declares under `id_tokens:`. No network call.

use futures_util::future::BoxFuture;
use reqwest::Client;

use super::{IdentityError, Provider, ProviderKind, SharedEnv};
use crate::auth::Secret;

/// The GitLab job's `id_tokens`.
pub struct GitLab {
    env: SharedEnv,
}

/// `Some` on GitLab CI/CD (`GITLAB_CI` set).
pub fn detect(env: &SharedEnv) -> Option<Result<GitLab, IdentityError>> {
    env("GITLAB_CI")
        .filter(|v| !v.is_empty())
        .map(|_| Ok(GitLab { env: env.clone() }))
}

/// The variable that holds the token for `audience`: upper-cased, every character outside
/// `[A-Z0-9_]` (and a leading digit) replaced by `_`, then `_ID_TOKEN`.
pub fn variable(audience: &str) -> String {
    let mut out = String::with_capacity(audience.len() + 9);
    for (i, c) in audience.chars().enumerate() {
        let c = c.to_ascii_uppercase();
        let ok = c.is_ascii_uppercase() || c == '_' || (i > 0 && c.is_ascii_digit());
        out.push(if ok { c } else { '_' });
    }
    out.push_str("_ID_TOKEN");
    out
}

/// What a job declares to get the token for `audience`. For `sigstore` (attestations) the
/// index's token is listed too: a job that signs also publishes.
pub fn id_tokens_yaml(audience: &str) -> String {
    if audience == "sigstore" {
        return format!(
            "publish:\n  stage: deploy\n  environment: pypi        # optional; must match the publisher on PyPI if it names one\n  id_tokens:\n    {}:\n      aud: pypi             # testpypi for TestPyPI\n    {}:\n      aud: sigstore\n  script:\n    - hoist upload --attest dist/*",
            variable("pypi"),
            variable("sigstore")
        );
    }
    format!(
        "publish:\n  stage: deploy\n  environment: pypi        # optional; must match the publisher on PyPI if it names one\n  id_tokens:\n    {}:\n      aud: {audience}\n  script:\n    - hoist upload dist/*",
        variable(audience)
    )
}

/// Why this job has no token for `audience`, with the fix, or `None` when it has one.
pub fn missing(env: &SharedEnv, audience: &str) -> Option<IdentityError> {
    let var = variable(audience);
    if env(&var).is_some_and(|v| !v.trim().is_empty()) {
        return None;
    }
    let why = if audience == "sigstore" {
        "for Sigstore, to sign attestations; keep the index's token as well".to_string()
    } else {
        "the audience this index asks for".to_string()
    };
    Some(
        IdentityError::new(
            ProviderKind::GitLab,
            format!(
                "the variable {var} is not set. Declare it under `id_tokens:` in the publishing \
                 job, with `aud: {audience}` ({why})."
            ),
        )
        .with_fix(id_tokens_yaml(audience)),
    )
}

impl Provider for GitLab {
    fn kind(&self) -> ProviderKind {
        ProviderKind::GitLab
    }

    fn token<'a>(
        &'a self,
        _http: &'a Client,
        audience: &'a str,
    ) -> BoxFuture<'a, Result<Secret, IdentityError>> {
        Box::pin(async move {
            if let Some(e) = missing(&self.env, audience) {
                return Err(e);
            }
            let value = (self.env)(&variable(audience)).unwrap_or_default();
            Ok(Secret::new(value.trim()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        assert_eq!(variable("pypi"), "PYPI_ID_TOKEN");
        assert_eq!(variable("testpypi"), "TESTPYPI_ID_TOKEN");
        assert_eq!(variable("my-index.example"), "MY_INDEX_EXAMPLE_ID_TOKEN");
        assert_eq!(variable("1x"), "_X_ID_TOKEN");
    }
}
