//! Phase 6, credentials: who the upload is sent as. Trusted publishing when the policy allows
//! it and this CI job has an OIDC identity (the exchange is in `crate::auth::oidc`), else the
//! password or token found the twine way (`crate::auth`). Also what `--attest` and
//! `--attestations` need of the credentials: PyPI takes attestations only from trusted
//! publishing (Warehouse, `warehouse/forklift/legacy.py`: "Attestations are only supported when
//! using Trusted Publishing").

use std::sync::Arc;

use crate::auth::oidc::{
    self, Detection, Policy, Provider, ProviderKind, TrustedPublisher, report,
};
use crate::auth::{self, AuthError, CredentialSource, Fixed, IndexKind, Interaction, Target};
use crate::upload::Prepared;

use super::send::Session;
use super::{Frontend, Options, env_fn, millis_from_env};

/// The credentials of an upload and, when they come from trusted publishing, the exchange
/// (which also gives the identity token `--attest` signs with).
pub type Chosen = (Arc<dyn CredentialSource>, Option<Arc<TrustedPublisher>>);

/// The advice every `--attest` refusal ends with.
const ATTEST_ADVICE: &str = "nothing was signed or uploaded. Run it in a CI job with an OIDC identity (GitHub Actions: `permissions: id-token: write`) and no stored token, or drop --attest";

/// Why there are no credentials to upload with, or not the ones the options need.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// `--attest`, but this job cannot sign as a trusted publisher.
    #[error(
        "--attest signs with this CI job's trusted-publishing identity, but {0}; {ATTEST_ADVICE}"
    )]
    AttestUnavailable(String),
    /// `--attest`, but the upload would use a stored password (where it came from).
    #[error(
        "--attest signs with this CI job's trusted-publishing identity, but the upload would use the password from {0}; {ATTEST_ADVICE}"
    )]
    AttestNeedsIdentity(String),
    /// `--trusted-publishing always`, and the other options rule it out.
    #[error(
        "--trusted-publishing always cannot be used because {0}: trusted publishing uploads as __token__ with a minted token"
    )]
    AlwaysRuledOut(String),
    /// `--trusted-publishing always`, and the index does not accept this CI's identities.
    #[error("--trusted-publishing always: {0}")]
    AlwaysNotAccepted(String),
    /// Attestations with an API token (where it came from): PyPI would refuse every file.
    #[error(
        "PyPI accepts attestations only from trusted publishing, and the token came from {0}: it would refuse every file (\"Attestations are only supported when using Trusted Publishing\"). Publish from CI with trusted publishing, or drop --attestations"
    )]
    AttestationsNeedTrustedPublishing(String),
    /// No password or token was found.
    #[error(transparent)]
    Stored(#[from] AuthError),
    /// Trusted publishing failed and there is no fallback; the report went to
    /// [`Frontend::ci_failure`].
    #[error("")]
    Reported,
}

/// Chooses the credentials; with `--verbose` notes the username and where the password came
/// from (never the password).
///
/// Errors: see [`CredentialError`]; nothing was sent.
pub fn choose(
    options: &Options,
    target: &Target,
    prepared: &[Prepared],
    session: &Session,
    frontend: &Arc<dyn Frontend>,
) -> Result<Chosen, CredentialError> {
    if options.attest
        && let Some(why) = attest_unavailable(options, target)
    {
        return Err(CredentialError::AttestUnavailable(why));
    }
    let chosen = credential_source(options, target, session, &projects(prepared), frontend)?;
    if options.verbose
        && let Ok(c) = session.runtime.block_on(chosen.0.for_next_file())
    {
        frontend.note(&format!(
            "username: {} (from {})",
            c.username, c.username_source
        ));
        frontend.note(&format!(
            "password: {} (from {})",
            c.password.describe(),
            c.password_source
        ));
    }
    Ok(chosen)
}

/// The projects uploaded to, once each in the order first seen (for the failure reports).
fn projects(prepared: &[Prepared]) -> Vec<String> {
    let mut projects: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in prepared {
        if !p.name.is_empty() && seen.insert(p.name.as_str()) {
            projects.push(p.name.clone());
        }
    }
    projects
}

/// Where the upload's credentials come from: trusted publishing when the policy allows it and
/// the job has an identity, else the password or token found the twine way.
fn credential_source(
    options: &Options,
    target: &Target,
    session: &Session,
    projects: &[String],
    frontend: &Arc<dyn Frontend>,
) -> Result<Chosen, CredentialError> {
    let policy = options.policy;
    let env = env_fn(&options.env);
    let explicit = auth::explicit_password(target, &options.inputs, &env);
    let username = auth::given_username(target, &options.inputs, &env);
    let applies = policy.applies(explicit.is_some(), username.as_deref());
    if policy == Policy::Always && !applies {
        let why = match (&explicit, &username) {
            (Some((_, source)), _) => format!("a password was given ({source})"),
            (None, Some(u)) => format!("the username is {u:?}, not __token__"),
            (None, None) => "of the other options".to_string(),
        };
        return Err(CredentialError::AlwaysRuledOut(why));
    }
    let detection = if policy == Policy::Never {
        Detection::None
    } else {
        oidc::detect(&options.env, policy == Policy::Always)
    };
    if !applies {
        let chosen = stored(options, target, None, frontend.as_ref())?;
        notice_identity(policy, &detection, target, frontend.as_ref());
        return Ok(chosen);
    }
    match identity(detection, policy, target, frontend.as_ref())? {
        Identity::Ready(provider) => {
            exchange(options, target, provider, session, projects, frontend)
        }
        Identity::Fallback(why) => stored(options, target, why, frontend.as_ref()),
    }
}

/// A job with an identity that still uploads with a stored token is told it need not.
fn notice_identity(
    policy: Policy,
    detection: &Detection,
    target: &Target,
    frontend: &dyn Frontend,
) {
    if policy != Policy::Never
        && let Detection::Ready(p) = detection
        && (target.kind == IndexKind::Other || p.kind().accepted_by_pypi())
    {
        frontend.note(&format!(
            "notice: this {} job has an OIDC identity: trusted publishing can replace the stored token (see `hoist publisher`)",
            p.kind().name()
        ));
    }
}

/// What the detected identity allows.
enum Identity {
    /// An identity the index may accept: exchange it.
    Ready(Box<dyn Provider>),
    /// No usable identity: the stored credentials, with the reason when there is one to show.
    Fallback(Option<String>),
}

/// Whether the job's identity can be used with this index, under `policy`.
fn identity(
    detection: Detection,
    policy: Policy,
    target: &Target,
    frontend: &dyn Frontend,
) -> Result<Identity, CredentialError> {
    let provider = match detection {
        // Only in auto: `always` probes Google Cloud, so it never finds nothing.
        Detection::None => return Ok(Identity::Fallback(None)),
        Detection::Unavailable(e) => {
            let text = report::identity_error(&e);
            if policy == Policy::Always {
                frontend.ci_failure(&format!("Trusted publishing failed: {text}"), false);
                return Err(CredentialError::Reported);
            }
            return Ok(Identity::Fallback(Some(format!(
                "Trusted publishing is not available: {text}"
            ))));
        }
        Detection::Ready(p) => p,
    };
    let kind = provider.kind();
    if target.kind != IndexKind::Other && !kind.accepted_by_pypi() {
        let text = format!(
            "this job runs on {}, and {} does not accept {} identities yet (it trusts GitHub Actions, GitLab CI/CD, Google Cloud and ActiveState). Publish with an API token (HOIST_PASSWORD), or from one of those.",
            kind.name(),
            if target.kind == IndexKind::Pypi {
                "PyPI"
            } else {
                "TestPyPI"
            },
            kind.name()
        );
        if policy == Policy::Always {
            return Err(CredentialError::AlwaysNotAccepted(text));
        }
        return Ok(Identity::Fallback(Some(format!(
            "Trusted publishing is not available: {text}"
        ))));
    }
    Ok(Identity::Ready(provider))
}

/// The password or token found the twine way. `why` trusted publishing was not used, when it
/// was meant to be: shown as a warning when a password is found, as the error when none is.
fn stored(
    options: &Options,
    target: &Target,
    why: Option<String>,
    frontend: &dyn Frontend,
) -> Result<Chosen, CredentialError> {
    let env = env_fn(&options.env);
    let interaction = if options.inputs.non_interactive {
        Interaction::NonInteractive
    } else {
        Interaction::Interactive
    };
    match auth::resolve_credentials(target, &options.inputs, &env, interaction) {
        Ok(c) => {
            if let Some(why) = why {
                frontend.ci_failure(&why, true);
                frontend.note(&format!(
                    "Trusted publishing was not used; uploading with the password from {} instead.",
                    c.password_source
                ));
            }
            Ok((Arc::new(Fixed(c)), None))
        }
        Err(e) => match why {
            Some(why) => {
                frontend.ci_failure(&why, false);
                Err(CredentialError::Reported)
            }
            None => Err(CredentialError::Stored(e)),
        },
    }
}

/// Exchanges the job's identity for an upload token; when the index refuses, the report says
/// why, and `auto` falls back to the stored credentials.
fn exchange(
    options: &Options,
    target: &Target,
    provider: Box<dyn Provider>,
    session: &Session,
    projects: &[String],
    frontend: &Arc<dyn Frontend>,
) -> Result<Chosen, CredentialError> {
    let kind = provider.kind();
    let env = env_fn(&options.env);
    let retry_base = millis_from_env(&options.env, "HOIST_RETRY_BASE_MS")
        .unwrap_or(std::time::Duration::from_secs(1));
    let notes = frontend.clone();
    let mut tp = TrustedPublisher::new(
        provider,
        session.client.clone(),
        &target.url,
        frontend.mask_sink(),
        Arc::new(move |line: &str| notes.note(line)),
    )
    .with_timing(oidc::DEFAULT_MARGIN, retry_base)
    .with_stall(crate::retry::stall_from_env(&env));
    match session.runtime.block_on(tp.start()) {
        Ok(_) => {
            frontend.note(&format!(
                "Trusted publishing: minted an upload token for {} from the {} identity",
                target.url,
                identity_line(kind, tp.last_claims().as_ref())
            ));
            let tp = Arc::new(tp);
            Ok((tp.clone(), Some(tp)))
        }
        Err(e) => {
            let claims = match &e {
                oidc::TrustedError::Exchange { claims, .. } => claims.clone(),
                oidc::TrustedError::Identity(_) => None,
            };
            let subject = report::Subject {
                provider: kind,
                claims: claims.as_ref(),
                index: target.kind,
                origin: tp.origin(),
                projects,
            };
            let audience = (!tp.audience().is_empty()).then(|| tp.audience().to_string());
            let text = report::failure(&e, &subject, audience.as_deref());
            if options.policy == Policy::Always {
                frontend.ci_failure(&text, false);
                return Err(CredentialError::Reported);
            }
            stored(options, target, Some(text), frontend.as_ref())
        }
    }
}

/// One line about the identity, for progress output.
fn identity_line(kind: ProviderKind, claims: Option<&oidc::Claims>) -> String {
    let detail = claims.and_then(|c| match kind {
        ProviderKind::GitHub => Some(format!(
            "{}, {}",
            c.show("repository"),
            c.get("job_workflow_ref")
                .as_deref()
                .and_then(report::workflow_file)
                .unwrap_or("MISSING")
        )),
        ProviderKind::GitLab => c.get("project_path"),
        ProviderKind::Google => c.get("email"),
        _ => c.get("sub"),
    });
    match detail {
        Some(d) => format!("{} ({d})", kind.name()),
        None => kind.name().to_string(),
    }
}

/// `--attestations` with attestation files attached (`attested` of them) and an API token:
/// refused before anything is sent, since PyPI would refuse every file.
///
/// Errors: [`CredentialError::AttestationsNeedTrustedPublishing`].
pub fn check_for_attestations(
    target: &Target,
    chosen: &Chosen,
    attested: usize,
    session: &Session,
) -> Result<(), CredentialError> {
    if attested > 0
        && target.kind != IndexKind::Other
        && let Ok(c) = session.runtime.block_on(chosen.0.for_next_file())
        && c.is_api_token()
    {
        return Err(CredentialError::AttestationsNeedTrustedPublishing(
            c.password_source.to_string(),
        ));
    }
    Ok(())
}

/// The trusted-publishing exchange `--attest` signs with.
///
/// Errors: [`CredentialError::AttestNeedsIdentity`] when the upload uses a stored password.
pub fn signer<'a>(
    chosen: &'a Chosen,
    session: &Session,
) -> Result<&'a TrustedPublisher, CredentialError> {
    match chosen.1.as_deref() {
        Some(tp) => Ok(tp),
        None => {
            let from = session
                .runtime
                .block_on(chosen.0.for_next_file())
                .map(|c| c.password_source.to_string())
                .unwrap_or_else(|_| "a stored credential".into());
            Err(CredentialError::AttestNeedsIdentity(from))
        }
    }
}

/// Why `--attest` cannot work here, known before any credential is looked up or prompted
/// for: trusted publishing is off, a password was given, or there is no CI identity.
pub fn attest_unavailable(options: &Options, target: &Target) -> Option<String> {
    let env = env_fn(&options.env);
    if options.policy == Policy::Never {
        return Some("--trusted-publishing never turns it off".into());
    }
    if let Some((_, source)) = auth::explicit_password(target, &options.inputs, &env) {
        return Some(format!(
            "a password was given ({source}), and it wins over the identity"
        ));
    }
    if let Some(u) = auth::given_username(target, &options.inputs, &env)
        && u != "__token__"
    {
        return Some(format!(
            "the username is {u:?}, and trusted publishing uploads as __token__"
        ));
    }
    let probe = options.policy == Policy::Always;
    match oidc::detect(&options.env, probe) {
        Detection::None => Some("this is not a CI job with an OIDC identity".into()),
        Detection::Ready(p) if target.kind != IndexKind::Other && !p.kind().accepted_by_pypi() => {
            Some(format!(
                "PyPI does not accept {} identities for trusted publishing",
                p.kind().name()
            ))
        }
        Detection::Ready(p) if p.kind() == oidc::ProviderKind::GitLab => {
            oidc::gitlab::missing(&options.env, crate::attest::sign::AUDIENCE)
                .map(|e| report::identity_error(&e))
        }
        _ => None,
    }
}
