//! Where the index URL and the credentials come from, in twine's order: a flag, then
//! `HOIST_*`, then `TWINE_*`, then `.pypirc` (or credentials in the URL), then the keyring
//! (the `keyring` command, never in non-interactive mode: the whole credential when no
//! username is configured, else the password), then a prompt on a terminal.
//! On PyPI and TestPyPI the username defaults to `__token__`.
//!
//! Credentials are [`Secret`]s: nothing here prints them. Trusted publishing ([`oidc`]) ranks
//! between the explicit credentials (flag, environment, URL) and the stored ones (`.pypirc`,
//! keyring): [`explicit_password`] and [`given_username`] tell `hoist upload` whether it
//! applies. An upload takes its credentials from a [`CredentialSource`]: [`Fixed`] for a
//! password or token, [`oidc::TrustedPublisher`] for a minted token that is renewed.

mod keyring;
pub mod oidc;
pub mod pypirc;
mod secret;

use std::io::IsTerminal;
use std::path::PathBuf;

use futures_util::future::BoxFuture;
use reqwest::Url;

pub use pypirc::{ConfigError, PYPI_URL, PypiRc, TESTPYPI_URL};
pub use secret::Secret;

/// Where a setting came from, for `--verbose`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(String),
    /// Credentials written into the repository URL.
    Url,
    Config(String),
    Keyring,
    Prompt,
    Default,
    /// Minted by trusted publishing, from this provider's identity.
    TrustedPublishing(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "the {flag} option"),
            Source::Env(var) => write!(f, "${var}"),
            Source::Url => f.write_str("the repository URL"),
            Source::Config(path) => write!(f, "{path}"),
            Source::Keyring => f.write_str("the keyring"),
            Source::Prompt => f.write_str("the prompt"),
            Source::Default => f.write_str("the default"),
            Source::TrustedPublishing(p) => write!(f, "trusted publishing ({p})"),
        }
    }
}

/// Which index this is, as far as hoist treats them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexKind {
    Pypi,
    TestPypi,
    Other,
}

/// Why the target or the credentials could not be resolved. All are configuration errors.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("invalid repository URL {url:?}: {why}")]
    BadUrl { url: String, why: String },
    #[error(
        "{url} is the legacy PyPI site, which no longer accepts uploads; use https://upload.pypi.org/legacy/ (or -r testpypi)"
    )]
    LegacyPypi { url: String },
    #[error("no {what} for {url}: {hint}")]
    Missing {
        what: &'static str,
        url: String,
        hint: String,
    },
    #[error("cannot read the {what}: {reason}")]
    Prompt { what: &'static str, reason: String },
}

/// The settings hoist reads the target and credentials from.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub repository: Option<String>,
    pub repository_url: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub config_file: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub non_interactive: bool,
}

/// Reads an environment variable; injectable for tests.
pub type EnvFn<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `HOIST_<name>`, else `TWINE_<name>`: the value and the variable it came from.
pub fn env_pair(env: EnvFn<'_>, name: &str) -> Option<(String, String)> {
    for prefix in ["HOIST_", "TWINE_"] {
        let var = format!("{prefix}{name}");
        if let Some(v) = env(&var) {
            return Some((v, var));
        }
    }
    None
}

/// twine's truthiness for `TWINE_NON_INTERACTIVE`: set and not empty, `0`, `false` or `no`.
pub fn env_flag(env: EnvFn<'_>, name: &str) -> bool {
    env_pair(env, name).is_some_and(|(v, _)| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "" | "0" | "false" | "no"
        )
    })
}

/// The index to upload to, with what `.pypirc` or the URL said about credentials.
#[derive(Debug, Clone)]
pub struct Target {
    /// The upload URL, without any credentials in it.
    pub url: Url,
    /// The `.pypirc` section or `-r` name, when one was used.
    pub name: Option<String>,
    pub kind: IndexKind,
    pub ca_cert: Option<(PathBuf, Source)>,
    pub client_cert: Option<(PathBuf, Source)>,
    config_username: Option<(String, Source)>,
    config_password: Option<(Secret, Source)>,
    /// The `.pypirc` consulted, if any (for `--verbose`).
    pub config_path: Option<String>,
}

/// The username and password (or `__token__` and token) for the upload.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub password: Secret,
    pub username_source: Source,
    pub password_source: Source,
}

impl Credentials {
    /// Whether the password is a stored secret (a flag, a variable, `.pypirc`, the URL, the
    /// keyring or a prompt) rather than a token minted for this run.
    pub fn is_api_token(&self) -> bool {
        matches!(
            self.password_source,
            Source::Flag(_)
                | Source::Env(_)
                | Source::Url
                | Source::Config(_)
                | Source::Keyring
                | Source::Prompt
        )
    }
}

/// Where an upload gets its credentials, asked before each file.
pub trait CredentialSource: Send + Sync {
    /// The credentials for a file about to start (renewed first when they are about to expire).
    fn for_next_file(&self) -> BoxFuture<'_, Result<Credentials, String>>;
    /// New credentials after the index said `stale` expired. A source that cannot renew
    /// returns `stale` itself.
    fn renew<'a>(&'a self, stale: &'a Credentials) -> BoxFuture<'a, Result<Credentials, String>>;
    /// Whether [`CredentialSource::renew`] can give anything new.
    fn renewable(&self) -> bool;
    /// Every secret handed out so far, to scrub from text the server sends back.
    fn secrets(&self) -> Vec<Secret>;
}

/// Credentials that stay the same for the whole upload: a password or an API token.
pub struct Fixed(pub Credentials);

impl CredentialSource for Fixed {
    fn for_next_file(&self) -> BoxFuture<'_, Result<Credentials, String>> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }
    fn renew<'a>(&'a self, stale: &'a Credentials) -> BoxFuture<'a, Result<Credentials, String>> {
        Box::pin(std::future::ready(Ok(stale.clone())))
    }
    fn renewable(&self) -> bool {
        false
    }
    fn secrets(&self) -> Vec<Secret> {
        vec![self.0.password.clone()]
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.trim_start_matches('[').trim_end_matches(']') == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Target {
    /// Whether credentials may be sent to this URL: over https, or to this machine.
    pub fn allows_credentials(&self) -> bool {
        self.url.scheme() == "https" || self.url.host_str().is_some_and(is_loopback)
    }

    /// The project page for "View at:", for PyPI and TestPyPI.
    pub fn project_url(&self, name: &str, version: &str) -> Option<String> {
        let host = match self.kind {
            IndexKind::Pypi => "https://pypi.org",
            IndexKind::TestPypi => "https://test.pypi.org",
            IndexKind::Other => return None,
        };
        Some(format!(
            "{host}/project/{}/{version}/",
            crate::dist::filename::canonicalize_name(name)
        ))
    }
}

/// Parses and normalises an upload URL as twine does; returns it without userinfo, plus any
/// username and password it carried.
pub fn parse_upload_url(raw: &str) -> Result<(Url, Option<String>, Option<Secret>), AuthError> {
    let bad = |why: &str| AuthError::BadUrl {
        url: redact_url(raw),
        why: why.to_string(),
    };
    if raw.trim().is_empty() {
        return Err(bad("it is empty"));
    }
    if !raw.contains("://") {
        return Err(bad(&missing_scheme(raw.trim())));
    }
    let mut url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(bad(&format!(
            "the scheme must be http or https, not {:?}",
            url.scheme()
        )));
    }
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
        return Err(bad("it has no host"));
    };
    if host == "pypi.python.org" || host == "testpypi.python.org" {
        return Err(AuthError::LegacyPypi {
            url: redact_url(raw),
        });
    }
    if (host == "upload.pypi.org" || host == "test.pypi.org") && url.scheme() == "http" {
        let _ = url.set_scheme("https");
    }
    let username = (!url.username().is_empty()).then(|| percent_decode(url.username()));
    let password = url.password().map(|p| Secret::new(percent_decode(p)));
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Ok((url, username, password))
}

/// The message for an upload URL written without `scheme://`: the URL as it was probably meant,
/// `http://` for this machine (credentials may go there in clear) and `https://` elsewhere.
fn missing_scheme(raw: &str) -> String {
    let guess = |scheme: &str| format!("{scheme}://{raw}");
    let loopback = Url::parse(&guess("http"))
        .ok()
        .and_then(|u| u.host_str().map(is_loopback))
        .unwrap_or(false);
    let meant = if loopback {
        guess("http")
    } else {
        guess("https")
    };
    format!(
        "the scheme is missing; write it out: {}",
        redact_url(&meant)
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A URL fit for messages: anything between `://` (or the start, without a scheme) and the last
/// `@` replaced by `********`.
/// The last `@`, because a password may itself hold `/`, `?`, `#` or `@`; masking too much is
/// harmless, too little is not.
pub fn redact_url(raw: &str) -> String {
    // Without a scheme (`user:pw@host/…`, a URL typed without `https://`) the userinfo starts
    // the string.
    let start = raw.find("://").map_or(0, |i| i + 3);
    let rest = &raw[start..];
    match rest.rfind('@') {
        Some(at) => format!("{}********{}", &raw[..start], &rest[at..]),
        None => raw.to_string(),
    }
}

fn kind_of(url: &Url) -> IndexKind {
    match url.host_str() {
        Some("upload.pypi.org") => IndexKind::Pypi,
        Some("test.pypi.org") => IndexKind::TestPypi,
        _ => IndexKind::Other,
    }
}

fn default_config_path(env: EnvFn<'_>) -> PathBuf {
    let home = env("HOME")
        .or_else(|| env("USERPROFILE"))
        .unwrap_or_else(|| ".".into());
    PathBuf::from(home).join(".pypirc")
}

/// The CA bundle given for hoist or twine: `--cert`, then `HOIST_CERT`, then `TWINE_CERT`.
/// An empty value is unset, as for the password (`TWINE_CERT=""` from a CI template).
fn explicit_ca_bundle(inputs: &Inputs, env: EnvFn<'_>) -> Option<(PathBuf, Source)> {
    inputs
        .cert
        .clone()
        .filter(|c| !c.as_os_str().is_empty())
        .map(|c| (c, Source::Flag("--cert")))
        .or_else(|| non_empty_var(env, &["HOIST_CERT", "TWINE_CERT"]))
}

/// The CA bundle requests (hence twine and pip) takes from the environment, in requests'
/// order: `REQUESTS_CA_BUNDLE`, then `CURL_CA_BUNDLE`, an empty value counting as unset
/// (`requests/sessions.py`, `Session.merge_environment_settings`: `os.environ.get(...) or`).
/// hoist ranks them below its own settings and `.pypirc`'s `ca_cert`; `SSL_CERT_FILE` and
/// `SSL_CERT_DIR` below them all, through the system roots.
pub fn requests_ca_bundle(env: EnvFn<'_>) -> Option<(PathBuf, Source)> {
    non_empty_var(env, &["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
}

fn non_empty_var(env: EnvFn<'_>, vars: &[&str]) -> Option<(PathBuf, Source)> {
    vars.iter().find_map(|var| {
        env(var)
            .filter(|v| !v.is_empty())
            .map(|v| (PathBuf::from(v), Source::Env(var.to_string())))
    })
}

/// Finds the index to upload to.
pub fn resolve_target(inputs: &Inputs, env: EnvFn<'_>) -> Result<Target, AuthError> {
    let url_input = inputs
        .repository_url
        .clone()
        .map(|u| (u, Source::Flag("--repository-url")))
        .or_else(|| {
            env_pair(env, "REPOSITORY_URL")
                .filter(|(v, _)| !v.is_empty())
                .map(|(v, var)| (v, Source::Env(var)))
        });
    let cert = explicit_ca_bundle(inputs, env);
    let client_cert = inputs
        .client_cert
        .clone()
        .map(|c| (c, Source::Flag("--client-cert")));
    if let Some((raw, _)) = url_input {
        let (url, username, password) = parse_upload_url(&raw)?;
        return Ok(Target {
            kind: kind_of(&url),
            url,
            name: None,
            ca_cert: cert.or_else(|| requests_ca_bundle(env)),
            client_cert,
            config_username: username.map(|u| (u, Source::Url)),
            config_password: password.map(|p| (p, Source::Url)),
            config_path: None,
        });
    }
    let name = inputs
        .repository
        .clone()
        .or_else(|| env_pair(env, "REPOSITORY").map(|(v, _)| v))
        .unwrap_or_else(|| "pypi".into());
    let (path, explicit) = match &inputs.config_file {
        Some(p) => (p.clone(), true),
        None => (default_config_path(env), false),
    };
    let rc = PypiRc::load(&path, explicit)?;
    let repo = rc.repository(&name)?;
    let (url, url_user, url_pass) = parse_upload_url(&repo.url)?;
    let src = || Source::Config(rc.path().to_string());
    Ok(Target {
        kind: kind_of(&url),
        url,
        name: Some(name),
        ca_cert: cert
            .or(repo.ca_cert.map(|c| (c, src())))
            .or_else(|| requests_ca_bundle(env)),
        client_cert: client_cert.or(repo.client_cert.map(|c| (c, src()))),
        config_username: repo
            .username
            .map(|u| (u, src()))
            .or(url_user.map(|u| (u, Source::Url))),
        config_password: repo
            .password
            .map(|p| (p, src()))
            .or(url_pass.map(|p| (p, Source::Url))),
        config_path: Some(rc.path().to_string()),
    })
}

/// How hoist may ask for missing credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interaction {
    /// Keyring and a prompt on a terminal are allowed.
    Interactive,
    /// Neither: a missing credential is an error.
    NonInteractive,
}

/// A password or token given explicitly: `--password`, then `HOIST_PASSWORD`/`TWINE_PASSWORD`,
/// then credentials written into the repository URL. These win over trusted publishing;
/// `.pypirc` and the keyring do not.
pub fn explicit_password(
    target: &Target,
    inputs: &Inputs,
    env: EnvFn<'_>,
) -> Option<(Secret, Source)> {
    inputs
        .password
        .clone()
        .map(|p| (Secret::new(p), Source::Flag("--password")))
        .or_else(|| {
            // An empty variable is unset: a CI secret that was deleted (the usual last step of
            // moving to trusted publishing) expands to "", and must not stop trusted publishing.
            ["HOIST_PASSWORD", "TWINE_PASSWORD"].iter().find_map(|var| {
                env(var)
                    .filter(|v| !v.is_empty())
                    .map(|v| (Secret::new(v), Source::Env(var.to_string())))
            })
        })
        .or_else(|| {
            target
                .config_password
                .clone()
                .filter(|(_, s)| *s == Source::Url)
        })
}

/// The username the user gave (flag, environment, or, off PyPI, `.pypirc` or the URL), if any.
pub fn given_username(target: &Target, inputs: &Inputs, env: EnvFn<'_>) -> Option<String> {
    inputs
        .username
        .clone()
        .or_else(|| env_pair(env, "USERNAME").map(|(v, _)| v))
        .filter(|u| !u.is_empty())
        .or_else(|| {
            (target.kind == IndexKind::Other)
                .then(|| target.config_username.as_ref().map(|(u, _)| u.clone()))
                .flatten()
        })
}

/// Whether `.pypirc` (or the URL) holds a password for this target.
pub fn has_stored_password(target: &Target) -> bool {
    target.config_password.is_some()
}

/// Resolves the username and password for `target`, in twine's order (`twine/auth.py`):
/// - username: `--username`, `HOIST_USERNAME`/`TWINE_USERNAME`, `__token__` on PyPI and
///   TestPyPI, `.pypirc` or the URL, then (interactive only) the keyring's whole credential
///   (`keyring --mode creds get URL`, keyring 25.2+), then a prompt on a terminal;
/// - password: `--password`, the variables, the URL, `.pypirc`, then (interactive only) the
///   password of the keyring's credential, or `keyring get URL USERNAME`, then a prompt.
///
/// Errors: [`AuthError::Missing`] when a value is still missing and nothing may be asked.
pub fn resolve_credentials(
    target: &Target,
    inputs: &Inputs,
    env: EnvFn<'_>,
    interaction: Interaction,
) -> Result<Credentials, AuthError> {
    resolve_credentials_with(
        target,
        inputs,
        env,
        interaction,
        &keyring::Keyring::default(),
    )
}

/// How hoist may ask for a missing credential, and whether the keyring already hung (then it
/// is not asked again: one time limit is enough to wait).
struct Asking<'a> {
    keyring: &'a keyring::Keyring,
    interactive: bool,
    terminal: bool,
    hung: bool,
}

fn resolve_credentials_with(
    target: &Target,
    inputs: &Inputs,
    env: EnvFn<'_>,
    interaction: Interaction,
    keyring: &keyring::Keyring,
) -> Result<Credentials, AuthError> {
    let interactive = interaction == Interaction::Interactive;
    let mut ask = Asking {
        keyring,
        interactive,
        terminal: interactive && std::io::stdin().is_terminal(),
        hung: false,
    };
    let (username, username_source, from_keyring) =
        resolve_username(target, inputs, env, &mut ask)?;
    let explicit = explicit_password(target, inputs, env)
        .or_else(|| target.config_password.clone())
        .or_else(|| from_keyring.map(|p| (p, Source::Keyring)));
    let (password, password_source) = match explicit {
        Some(found) => found,
        None => ask_password(target, &username, &mut ask)?,
    };
    Ok(Credentials {
        username,
        password,
        username_source,
        password_source,
    })
}

/// The username, its source, and the password when the keyring gave both.
fn resolve_username(
    target: &Target,
    inputs: &Inputs,
    env: EnvFn<'_>,
    ask: &mut Asking<'_>,
) -> Result<(String, Source, Option<Secret>), AuthError> {
    let on_pypi = target.kind != IndexKind::Other;
    match inputs
        .username
        .clone()
        .map(|u| (u, Source::Flag("--username")))
        .or_else(|| env_pair(env, "USERNAME").map(|(v, var)| (v, Source::Env(var))))
    {
        Some((u, s)) if !(on_pypi && u.is_empty()) => return Ok((u, s, None)),
        _ if on_pypi => return Ok(("__token__".to_string(), Source::Default, None)),
        _ => {}
    }
    if let Some((u, s)) = &target.config_username {
        return Ok((u.clone(), s.clone(), None));
    }
    let answer = if ask.interactive {
        ask.keyring.credential(target.url.as_str())
    } else {
        keyring::Answer::NotFound
    };
    ask.hung = matches!(answer, keyring::Answer::TimedOut);
    match answer {
        keyring::Answer::Found((u, p)) => Ok((u, Source::Keyring, Some(p))),
        _ if ask.terminal => Ok((prompt_line("Enter your username: ")?, Source::Prompt, None)),
        other => Err(AuthError::Missing {
            what: "username",
            url: target.url.to_string(),
            hint: missing_username_hint(ask.interactive, &other),
        }),
    }
}

/// The password when none was given: the keyring, then a prompt on a terminal.
fn ask_password(
    target: &Target,
    username: &str,
    ask: &mut Asking<'_>,
) -> Result<(Secret, Source), AuthError> {
    let on_pypi = target.kind != IndexKind::Other;
    let url = target.url.to_string();
    let answer = if ask.interactive && !ask.hung {
        ask.keyring.password(&url, username)
    } else {
        keyring::Answer::NotFound
    };
    ask.hung |= answer == keyring::Answer::TimedOut;
    let what = if on_pypi { "API token" } else { "password" };
    match answer {
        keyring::Answer::Found(p) => Ok((p, Source::Keyring)),
        _ if target.client_cert.is_some() => Ok((Secret::new(""), Source::Default)),
        _ if ask.terminal => {
            let value =
                rpassword::prompt_password(format!("Enter your {what}: ")).map_err(|e| {
                    AuthError::Prompt {
                        what,
                        reason: e.to_string(),
                    }
                })?;
            Ok((Secret::new(value), Source::Prompt))
        }
        _ => {
            let mut hint = if on_pypi {
                "publish from a CI job with trusted publishing (no token: see https://docs.pypi.org/trusted-publishers/), or set HOIST_PASSWORD (or TWINE_PASSWORD) to an API token, or add it to .pypirc"
                    .to_string()
            } else {
                "set HOIST_PASSWORD (or TWINE_PASSWORD), pass --password, or add it to .pypirc"
                    .to_string()
            };
            if ask.hung {
                hint.push_str(KEYRING_HUNG);
            }
            Err(AuthError::Missing { what, url, hint })
        }
    }
}

const KEYRING_HUNG: &str = " (the `keyring` command gave no answer within 15s, twice, and was stopped; pass --non-interactive to skip it)";

/// The hint when no username was found, saying what the keyring did.
fn missing_username_hint(interactive: bool, keyring: &keyring::Answer<(String, Secret)>) -> String {
    let mut hint =
        "pass --username, set HOIST_USERNAME (or TWINE_USERNAME), or add it to .pypirc".to_string();
    if !interactive {
        return hint;
    }
    match keyring {
        keyring::Answer::Unsupported => hint.push_str(
            " (the `keyring` command on PATH predates keyring 25.2, which added `--mode creds`: \
             upgrade it to let its back end supply the username)",
        ),
        keyring::Answer::TimedOut => hint.push_str(KEYRING_HUNG),
        _ => {}
    }
    hint
}

fn prompt_line(prompt: &str) -> Result<String, AuthError> {
    use std::io::Write;
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| AuthError::Prompt {
            what: "username",
            reason: e.to_string(),
        })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn precedence_flag_then_hoist_then_twine_then_config() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("pypirc");
        std::fs::write(&rc, "[distutils]\nindex-servers = private\n[private]\nrepository = https://example.com/legacy/\nusername = cfguser\npassword = cfgpass\n").unwrap();
        let base = Inputs {
            repository: Some("private".into()),
            config_file: Some(rc),
            ..Inputs::default()
        };
        let env = env_of(&[]);
        let t = resolve_target(&base, &env).unwrap();
        let c = resolve_credentials(&t, &base, &env, Interaction::NonInteractive).unwrap();
        assert_eq!(c.username, "cfguser");
        assert!(matches!(c.password_source, Source::Config(_)));
        let env = env_of(&[("TWINE_PASSWORD", "twinepw"), ("HOIST_PASSWORD", "hoistpw")]);
        let c = resolve_credentials(&t, &base, &env, Interaction::NonInteractive).unwrap();
        assert_eq!(c.password, Secret::new("hoistpw"));
        assert_eq!(c.password_source, Source::Env("HOIST_PASSWORD".into()));
        let flag = Inputs {
            password: Some("flagpw".into()),
            ..base.clone()
        };
        let c = resolve_credentials(&t, &flag, &env, Interaction::NonInteractive).unwrap();
        assert_eq!(c.password, Secret::new("flagpw"));
    }

    #[test]
    fn pypi_defaults_to_token_username_and_ignores_config_username() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("pypirc");
        std::fs::write(&rc, "[pypi]\nusername = olduser\npassword = pypi-abc\n").unwrap();
        let inputs = Inputs {
            config_file: Some(rc),
            ..Inputs::default()
        };
        let env = env_of(&[]);
        let t = resolve_target(&inputs, &env).unwrap();
        assert_eq!(t.kind, IndexKind::Pypi);
        assert_eq!(t.url.as_str(), PYPI_URL);
        let c = resolve_credentials(&t, &inputs, &env, Interaction::NonInteractive).unwrap();
        assert_eq!(c.username, "__token__");
        assert_eq!(c.password, Secret::new("pypi-abc"));
    }

    #[test]
    fn repository_url_skips_pypirc_and_takes_userinfo() {
        let inputs = Inputs {
            repository_url: Some("https://bob:s%40cret@example.com:8443/simple/legacy/".into()),
            config_file: Some("/nonexistent/pypirc".into()),
            ..Inputs::default()
        };
        let env = env_of(&[]);
        let t = resolve_target(&inputs, &env).unwrap();
        assert_eq!(t.url.as_str(), "https://example.com:8443/simple/legacy/");
        let c = resolve_credentials(&t, &inputs, &env, Interaction::NonInteractive).unwrap();
        assert_eq!(c.username, "bob");
        assert_eq!(c.password, Secret::new("s@cret"));
        assert_eq!(c.password_source, Source::Url);
    }

    #[test]
    fn missing_credentials_in_non_interactive_mode() {
        let inputs = Inputs {
            repository_url: Some("https://example.com/legacy/".into()),
            username: Some("me".into()),
            ..Inputs::default()
        };
        let env = env_of(&[]);
        let t = resolve_target(&inputs, &env).unwrap();
        let e = resolve_credentials(&t, &inputs, &env, Interaction::NonInteractive).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("no password for https://example.com/legacy/"),
            "{e}"
        );
    }

    #[test]
    fn urls_are_checked_and_normalised() {
        assert!(parse_upload_url("ftp://example.com/").is_err());
        assert!(parse_upload_url("https://").is_err());
        assert!(parse_upload_url("//example.com/legacy/").is_err());
        assert!(parse_upload_url("example.com").is_err());
        assert!(matches!(
            parse_upload_url("https://pypi.python.org/pypi"),
            Err(AuthError::LegacyPypi { .. })
        ));
        let (u, _, _) = parse_upload_url("http://upload.pypi.org/legacy/").unwrap();
        assert_eq!(u.scheme(), "https");
        assert_eq!(
            redact_url("https://u:p@example.com/legacy/"),
            "https://********@example.com/legacy/"
        );
        for password in ["s3cr#t", "pa/ss", "a?b", "x@y"] {
            let shown = redact_url(&format!("https://alice:{password}@example.com/legacy/"));
            assert_eq!(shown, "https://********@example.com/legacy/", "{password}");
        }
        let e = parse_upload_url("https://alice:s3cr#t@example.com/legacy/").unwrap_err();
        assert!(!e.to_string().contains("s3cr"), "{e}");
    }

    #[test]
    fn credentials_only_over_https_or_loopback() {
        let env = env_of(&[]);
        for (url, ok) in [
            ("https://example.com/", true),
            ("http://example.com/", false),
            ("http://127.0.0.1:8080/", true),
            ("http://localhost/", true),
            ("http://[::1]:9/", true),
        ] {
            let t = resolve_target(
                &Inputs {
                    repository_url: Some(url.into()),
                    ..Inputs::default()
                },
                &env,
            )
            .unwrap();
            assert_eq!(t.allows_credentials(), ok, "{url}");
        }
    }

    #[test]
    fn only_minted_tokens_are_not_api_tokens() {
        let creds = |source: Source| Credentials {
            username: "__token__".into(),
            password: Secret::new("x"),
            username_source: Source::Default,
            password_source: source,
        };
        for stored in [
            Source::Flag("--password"),
            Source::Env("HOIST_PASSWORD".into()),
            Source::Url,
            Source::Config("~/.pypirc".into()),
            Source::Keyring,
            Source::Prompt,
        ] {
            assert!(creds(stored.clone()).is_api_token(), "{stored:?}");
        }
        assert!(!creds(Source::TrustedPublishing("GitHub Actions")).is_api_token());
    }

    #[test]
    fn an_empty_password_variable_is_unset() {
        let inputs = Inputs {
            repository_url: Some("https://example.com/legacy/".into()),
            ..Inputs::default()
        };
        let env = env_of(&[]);
        let t = resolve_target(&inputs, &env).unwrap();
        let empty = env_of(&[("HOIST_PASSWORD", ""), ("TWINE_PASSWORD", "")]);
        assert!(explicit_password(&t, &inputs, &empty).is_none());
        let fallback = env_of(&[("HOIST_PASSWORD", ""), ("TWINE_PASSWORD", "tw")]);
        let (p, source) = explicit_password(&t, &inputs, &fallback).unwrap();
        assert_eq!(p, Secret::new("tw"));
        assert_eq!(source, Source::Env("TWINE_PASSWORD".into()));
    }

    #[test]
    fn non_interactive_truthiness() {
        for (v, want) in [
            ("1", true),
            ("true", true),
            ("", false),
            ("0", false),
            ("No", false),
        ] {
            let pairs = [("TWINE_NON_INTERACTIVE", v)];
            let env = env_of(&pairs);
            assert_eq!(env_flag(&env, "NON_INTERACTIVE"), want, "{v:?}");
        }
    }

    /// A `.pypirc` section holding only `repository =`, as Google Artifact Registry's setup
    /// writes it, with no terminal: the keyring's whole credential, in twine's order.
    fn repository_only() -> (tempfile::TempDir, Inputs) {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("pypirc");
        std::fs::write(
            &rc,
            "[distutils]\nindex-servers = gar\n[gar]\nrepository = https://us-python.pkg.dev/p/r/\n",
        )
        .unwrap();
        let inputs = Inputs {
            repository: Some("gar".into()),
            config_file: Some(rc),
            ..Inputs::default()
        };
        (dir, inputs)
    }

    #[test]
    fn no_username_asks_the_keyring_for_the_whole_credential() {
        let (dir, inputs) = repository_only();
        let env = env_of(&[]);
        let t = resolve_target(&inputs, &env).unwrap();
        let modern = keyring::tests::fake(dir.path(), keyring::tests::MODERN);
        let c =
            resolve_credentials_with(&t, &inputs, &env, Interaction::Interactive, &modern).unwrap();
        assert_eq!(c.username, "oauth2accesstoken");
        assert_eq!(c.password, Secret::new("ya29.tok"));
        assert_eq!(
            (c.username_source, c.password_source),
            (Source::Keyring, Source::Keyring)
        );
        // A password from the environment still wins; the keyring gives the username only.
        let env = env_of(&[("TWINE_PASSWORD", "from-env")]);
        let c =
            resolve_credentials_with(&t, &inputs, &env, Interaction::Interactive, &modern).unwrap();
        assert_eq!(c.username, "oauth2accesstoken");
        assert_eq!(c.password, Secret::new("from-env"));
        // Non-interactive: never asked.
        let env = env_of(&[]);
        let e = resolve_credentials_with(&t, &inputs, &env, Interaction::NonInteractive, &modern)
            .unwrap_err();
        assert!(e.to_string().starts_with("no username for"), "{e}");
        // A configured username: the password lookup, as in every keyring version.
        let named = Inputs {
            username: Some("alice".into()),
            ..inputs.clone()
        };
        let c =
            resolve_credentials_with(&t, &named, &env, Interaction::Interactive, &modern).unwrap();
        assert_eq!(
            (c.username.as_str(), c.password),
            ("alice", Secret::new("pw-alice"))
        );
    }

    #[test]
    fn an_old_keyring_falls_back_to_the_password_lookup() {
        let (dir, inputs) = repository_only();
        let env = env_of(&[]);
        let t = resolve_target(&inputs, &env).unwrap();
        let old = keyring::tests::fake(dir.path(), keyring::tests::OLD);
        let e = resolve_credentials_with(&t, &inputs, &env, Interaction::Interactive, &old)
            .unwrap_err();
        assert!(e.to_string().contains("predates keyring 25.2"), "{e}");
        let named = Inputs {
            username: Some("alice".into()),
            ..inputs.clone()
        };
        let c = resolve_credentials_with(&t, &named, &env, Interaction::Interactive, &old).unwrap();
        assert_eq!(c.password, Secret::new("pw-alice"));
        assert_eq!(c.password_source, Source::Keyring);
    }

    #[test]
    fn ca_bundles_in_order_and_empty_values_unset() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("pypirc");
        std::fs::write(
            &rc,
            "[distutils]\nindex-servers = corp\n[corp]\nrepository = https://corp.example/\nca_cert = /rc.pem\n",
        )
        .unwrap();
        let by_url = Inputs {
            repository_url: Some("https://corp.example/".into()),
            ..Inputs::default()
        };
        let by_rc = Inputs {
            repository: Some("corp".into()),
            config_file: Some(rc),
            ..Inputs::default()
        };
        let flag = Inputs {
            cert: Some("/flag.pem".into()),
            ..by_url.clone()
        };
        let all = [
            ("HOIST_CERT", "/hoist.pem"),
            ("TWINE_CERT", "/twine.pem"),
            ("REQUESTS_CA_BUNDLE", "/requests.pem"),
            ("CURL_CA_BUNDLE", "/curl.pem"),
        ];
        let bundle = |inputs: &Inputs, pairs: &[(&str, &str)]| {
            let env = env_of(pairs);
            resolve_target(inputs, &env)
                .unwrap()
                .ca_cert
                .map(|(p, s)| (p.display().to_string(), s.to_string()))
        };
        let want = |p: &str, s: &str| Some((p.to_string(), s.to_string()));
        assert_eq!(bundle(&flag, &all), want("/flag.pem", "the --cert option"));
        assert_eq!(bundle(&by_url, &all), want("/hoist.pem", "$HOIST_CERT"));
        assert_eq!(
            bundle(&by_url, &all[1..]),
            want("/twine.pem", "$TWINE_CERT")
        );
        assert_eq!(
            bundle(&by_url, &all[2..]),
            want("/requests.pem", "$REQUESTS_CA_BUNDLE")
        );
        assert_eq!(
            bundle(&by_url, &all[3..]),
            want("/curl.pem", "$CURL_CA_BUNDLE")
        );
        assert_eq!(bundle(&by_url, &[]), None);
        // .pypirc's ca_cert sits between twine's variables and requests'.
        let rc_src = bundle(&by_rc, &all[2..]).unwrap();
        assert_eq!(rc_src.0, "/rc.pem");
        assert_eq!(bundle(&by_rc, &all[1..]), want("/twine.pem", "$TWINE_CERT"));
        // Empty values are unset, at every rank.
        let empty = [
            ("HOIST_CERT", ""),
            ("TWINE_CERT", ""),
            ("REQUESTS_CA_BUNDLE", ""),
            ("CURL_CA_BUNDLE", "/curl.pem"),
        ];
        assert_eq!(
            bundle(&by_url, &empty),
            want("/curl.pem", "$CURL_CA_BUNDLE")
        );
        let empty_flag = Inputs {
            cert: Some("".into()),
            ..by_url.clone()
        };
        assert_eq!(bundle(&empty_flag, &empty[..3]), None);
    }

    #[test]
    fn a_hanging_keyring_is_asked_once_more_then_left_and_named_in_the_error() {
        let (dir, inputs) = repository_only();
        let env = env_of(&[]);
        let t = resolve_target(&inputs, &env).unwrap();
        let log = dir.path().join("calls");
        let hang = keyring::tests::fake(
            dir.path(),
            &format!("echo \"$@\" >> {}\nexec sleep 30", log.display()),
        );
        let e = resolve_credentials_with(&t, &inputs, &env, Interaction::Interactive, &hang)
            .unwrap_err();
        assert!(e.to_string().contains("gave no answer"), "{e}");
        // No username: the whole-credential question hangs, is asked once more (the retry of a
        // time-out), and then nothing else is asked.
        let calls = std::fs::read_to_string(&log).unwrap();
        let lines: Vec<&str> = calls.lines().collect();
        assert_eq!(lines.len(), 2, "{calls}");
        assert!(
            lines.iter().all(|l| l.starts_with("--mode creds get ")),
            "{calls}"
        );
        // A username given: the password lookup hangs too; it and its retry are the only calls.
        std::fs::remove_file(&log).unwrap();
        let named = Inputs {
            username: Some("alice".into()),
            ..inputs.clone()
        };
        let e = resolve_credentials_with(&t, &named, &env, Interaction::Interactive, &hang)
            .unwrap_err();
        assert!(e.to_string().contains("gave no answer"), "{e}");
        let calls = std::fs::read_to_string(&log).unwrap();
        assert_eq!(
            calls.lines().collect::<Vec<_>>(),
            ["get https://us-python.pkg.dev/p/r/ alice"; 2],
            "{calls}"
        );
    }
}
