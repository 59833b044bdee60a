//! Phase 4, target: the index to upload to (`--repository-url`, `--repository`, `.pypirc`,
//! `HOIST_*`/`TWINE_*`, resolved by `crate::auth`), the CA bundle it is reached with, and the
//! notes `--verbose` and `--attestations` give about it.

use crate::auth::{self, AuthError, IndexKind, Target};
use crate::upload::{Prepared, progress};

use super::{Frontend, Options, env_fn};

/// Why the target cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The repository settings are wrong (a bad URL, a missing `.pypirc` section, ...).
    #[error(transparent)]
    Resolve(#[from] AuthError),
    /// Credentials would cross the network in clear text.
    #[error(
        "refusing to send credentials to {0} over plain http; use https (plain http is allowed only to this machine)"
    )]
    PlainHttp(String),
}

/// Resolves the target; with `--verbose` notes where its settings came from and the files'
/// sizes, and warns when attestations go to an index not known to take them.
///
/// Errors: [`TargetError::Resolve`].
pub fn resolve(
    options: &Options,
    prepared: &[Prepared],
    frontend: &dyn Frontend,
) -> Result<Target, TargetError> {
    let env = env_fn(&options.env);
    let target = auth::resolve_target(&options.inputs, &env)?;
    if options.verbose {
        if let Some(path) = &target.config_path {
            frontend.note(&format!("Using configuration from {path}"));
        }
        frontend.note(&match &target.ca_cert {
            Some((path, source)) => format!("CA bundle: {} (from {source})", path.display()),
            None => format!("CA bundle: the system's roots{}", system_roots_note(&env)),
        });
        for p in prepared {
            frontend.note(&format!(
                "{} ({})",
                p.path.display(),
                progress::human_size(p.size)
            ));
        }
    }
    if (options.attestations || options.attest) && target.kind == IndexKind::Other {
        frontend.note(&format!(
            "warning: only PyPI and TestPyPI are known to accept attestations; if {} refuses them, drop --attestations and --attest",
            target.url
        ));
    }
    Ok(target)
}

/// Credentials go over https, or plain http to this machine only.
///
/// Errors: [`TargetError::PlainHttp`].
pub fn allows_credentials(target: &Target) -> Result<(), TargetError> {
    if target.allows_credentials() {
        Ok(())
    } else {
        Err(TargetError::PlainHttp(target.url.to_string()))
    }
}

/// Which variable steers the system roots, for `--verbose`.
fn system_roots_note(env: auth::EnvFn<'_>) -> String {
    ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .iter()
        .find_map(|var| {
            env(var)
                .filter(|v| !v.is_empty())
                .map(|v| format!(" (${var} = {v})"))
        })
        .unwrap_or_default()
}
