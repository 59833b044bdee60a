//! Reading the secrets stored in a CI system's settings, with the user's own credentials:
//! GitHub Actions secrets (repository, each environment, organisation secrets shared with the
//! repository) and GitLab CI/CD variables (project and its ancestor groups).
//!
//! Only names and dates are kept. GitHub's API never returns secret values; GitLab's variables
//! API does return them, so the answer is deserialised into a struct without a value field and
//! the value is dropped unread. The API token is a [`Secret`]: it goes into one request header
//! and is starred out of any server text hoist repeats.
//!
//! Sources: GitHub REST API "Actions secrets" (`GET /repos/{owner}/{repo}/actions/secrets`,
//! `/actions/organization-secrets`, `/environments`, `/environments/{env}/secrets`), "Using
//! pagination in the REST API" (`Link: <…>; rel="next"`), "Rate limits for the REST API" (403 or
//! 429 with `x-ratelimit-remaining: 0` / `retry-after`); GitLab REST API "Project-level CI/CD
//! variables", "Group-level CI/CD variables", "REST API pagination" (`Link`, `x-next-page`).

use std::time::Duration;

use reqwest::{Client, StatusCode, header::HeaderMap};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::ci::Provider;
use crate::auth::Secret;

/// Longest wait hoist accepts for a rate limit before giving up with a message, in seconds.
pub const MAX_RATE_LIMIT_WAIT: u64 = 60;
/// Most pages read from one listing (100 entries each).
const MAX_PAGES: usize = 50;

/// Where a stored secret lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "kebab-case")]
pub enum Scope {
    /// A GitHub repository secret or a GitLab project variable.
    Repository,
    /// A GitHub environment secret (the environment's name).
    Environment(String),
    /// A GitHub organisation secret shared with the repository (the organisation).
    Organization(String),
    /// A GitLab group variable (the group's full path).
    Group(String),
}

/// One stored secret: its name and dates (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredSecret {
    pub provider: Provider,
    pub scope: Scope,
    pub name: String,
    /// ISO 8601, as the API gives it (GitHub only).
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    /// GitLab: the variable's environment scope (`*` for all).
    pub environment_scope: Option<String>,
}

impl StoredSecret {
    /// "repository secret", "environment secret (release)", "organisation secret (acme)", …
    pub fn place(&self) -> String {
        match (&self.scope, self.provider) {
            (Scope::Repository, Provider::GitHub) => "repository secret".into(),
            (Scope::Repository, Provider::GitLab) => "project variable".into(),
            (Scope::Environment(e), _) => format!("environment secret ({e})"),
            (Scope::Organization(o), _) => format!("organisation secret ({o})"),
            (Scope::Group(g), _) => format!("group variable ({g})"),
        }
    }

    /// The dates as one short phrase: "created 2024-01-02, updated 2025-03-04".
    pub fn dates(&self) -> String {
        let day = |s: &str| s.get(..10).unwrap_or(s).to_string();
        let mut parts = Vec::new();
        if let Some(c) = &self.created_at {
            parts.push(format!("created {}", day(c)));
        }
        if let Some(u) = &self.updated_at {
            parts.push(format!("updated {}", day(u)));
        }
        if parts.is_empty() {
            "no dates (GitLab does not record them)".into()
        } else {
            parts.join(", ")
        }
    }
}

/// What was read from the CI settings.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub provider: Provider,
    /// The API base URL used.
    pub api: String,
    /// `OWNER/REPO` (GitHub) or `NAMESPACE/PROJECT` (GitLab).
    pub repository: String,
    /// Where the credential came from (`GH_TOKEN`, `gh auth token`, …), never its value.
    pub credential: String,
    pub secrets: Vec<StoredSecret>,
    /// Listings that could not be read (e.g. organisation secrets without the permission).
    pub notes: Vec<String>,
}

/// Why the settings could not be read.
#[derive(Debug, Error)]
pub enum SettingsError {
    #[error("{provider}: no credential: set {vars}{gh}. Needed: {permission}")]
    NoCredential {
        provider: &'static str,
        vars: &'static str,
        gh: &'static str,
        permission: &'static str,
    },
    #[error(
        "{url}: the credential from {source_name} was refused (401): {message}. Check that it is valid and not expired. Needed: {permission}"
    )]
    Unauthorized {
        url: String,
        source_name: String,
        message: String,
        permission: String,
    },
    #[error("{url}: permission denied ({status}): {message}. Needed: {permission}")]
    Forbidden {
        url: String,
        status: u16,
        message: String,
        permission: String,
    },
    #[error(
        "{url}: not found (404): the repository does not exist or the credential cannot see it. Needed: {permission}"
    )]
    NotFound { url: String, permission: String },
    #[error("{url}: rate limit reached ({status}); {wait}. Try again later")]
    RateLimited {
        url: String,
        status: u16,
        wait: String,
    },
    #[error("{url}: HTTP {status}: {message}")]
    Http {
        url: String,
        status: u16,
        message: String,
    },
    #[error("{url}: request failed: {message}")]
    Transport { url: String, message: String },
    #[error("{url}: unexpected answer: {message}")]
    Decode { url: String, message: String },
    #[error("cannot tell which repository to read: {0}")]
    NoRepository(String),
    #[error("cannot set up HTTPS: {0}")]
    Client(String),
}

/// The user's API credential and where it came from.
pub struct Credential {
    pub secret: Secret,
    /// `GH_TOKEN`, `GITHUB_TOKEN`, `gh auth token`, `GITLAB_TOKEN`, `CI_JOB_TOKEN`.
    pub source: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credential({}, <hidden>)", self.source)
    }
}

/// A GET against a JSON API: auth header, rate-limit waits, `Link` pagination.
pub(crate) struct Api {
    pub client: Client,
    pub base: String,
    pub header: &'static str,
    pub value: String,
    pub credential: Credential,
    pub provider: Provider,
}

/// The `rel="next"` URL of a `Link` header (RFC 8288), if any.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"" || p.trim() == "rel=next");
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_string())
    })
}

/// Seconds to wait when an answer is a rate limit, or `None` when it is not one. GitHub: 403
/// or 429 with `retry-after`, or with `x-ratelimit-remaining: 0` (wait until
/// `x-ratelimit-reset`, unix seconds). GitLab: 429 with `retry-after`.
pub fn rate_limit_wait(status: StatusCode, headers: &HeaderMap, now: i64) -> Option<u64> {
    if status != StatusCode::FORBIDDEN && status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    if let Some(secs) = get("retry-after") {
        return Some(secs.max(0) as u64);
    }
    let exhausted =
        get("x-ratelimit-remaining") == Some(0) || get("ratelimit-remaining") == Some(0);
    if exhausted {
        let reset = get("x-ratelimit-reset").or_else(|| get("ratelimit-reset"));
        return Some(reset.map_or(60, |r| (r - now).max(0) as u64));
    }
    (status == StatusCode::TOO_MANY_REQUESTS).then_some(60)
}

impl Api {
    /// Every page of a listing, starting at `path` (relative to the base URL). `permission`
    /// names what a 403/404 lacks.
    pub async fn get_pages(
        &self,
        path: &str,
        permission: &str,
    ) -> Result<Vec<serde_json::Value>, SettingsError> {
        let mut url = format!("{}{path}", self.base);
        let mut pages = Vec::new();
        for _ in 0..MAX_PAGES {
            let (value, headers) = self.get(&url, permission).await?;
            pages.push(value);
            match next_link(&headers).or_else(|| self.gitlab_next(&url, &headers)) {
                Some(next) => url = next,
                None => break,
            }
        }
        Ok(pages)
    }

    /// GitLab's `x-next-page` header, for servers that send no `Link`.
    fn gitlab_next(&self, url: &str, headers: &HeaderMap) -> Option<String> {
        if self.provider != Provider::GitLab {
            return None;
        }
        let next = headers.get("x-next-page")?.to_str().ok()?.trim();
        let n: u32 = next.parse().ok()?;
        let mut u = reqwest::Url::parse(url).ok()?;
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        u.query_pairs_mut()
            .clear()
            .extend_pairs(pairs)
            .append_pair("page", &n.to_string());
        Some(u.to_string())
    }

    /// One GET, waiting out short rate limits (at most [`MAX_RATE_LIMIT_WAIT`] seconds, twice).
    pub async fn get(
        &self,
        url: &str,
        permission: &str,
    ) -> Result<(serde_json::Value, HeaderMap), SettingsError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut req = self.client.get(url).header(self.header, &self.value);
            if self.provider == Provider::GitHub {
                req = req
                    .header("accept", "application/vnd.github+json")
                    .header("x-github-api-version", "2022-11-28");
            }
            let resp = req.send().await.map_err(|e| SettingsError::Transport {
                url: url.to_string(),
                message: self.credential.secret.scrub(&e.to_string()),
            })?;
            let status = resp.status();
            let headers = resp.headers().clone();
            let body = resp.text().await.unwrap_or_default();
            if status.is_success() {
                let value = serde_json::from_str(&body).map_err(|e| SettingsError::Decode {
                    url: url.to_string(),
                    message: e.to_string(),
                })?;
                return Ok((value, headers));
            }
            if let Some(wait) = rate_limit_wait(status, &headers, super::token::now()) {
                if wait <= MAX_RATE_LIMIT_WAIT && attempt < 3 {
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                    continue;
                }
                return Err(SettingsError::RateLimited {
                    url: url.to_string(),
                    status: status.as_u16(),
                    wait: format!("the API asks to wait {wait} s"),
                });
            }
            return Err(self.error(url, status, &body, permission));
        }
    }

    fn error(&self, url: &str, status: StatusCode, body: &str, permission: &str) -> SettingsError {
        let message = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                v.get("message")
                    .or_else(|| v.get("error"))
                    .and_then(|m| m.as_str().map(str::to_string))
            })
            .unwrap_or_else(|| body.chars().take(200).collect());
        let message = self.credential.secret.scrub(message.trim());
        let url = url.to_string();
        match status {
            StatusCode::UNAUTHORIZED => SettingsError::Unauthorized {
                url,
                source_name: self.credential.source.clone(),
                message,
                permission: permission.to_string(),
            },
            StatusCode::FORBIDDEN => SettingsError::Forbidden {
                url,
                status: 403,
                message,
                permission: permission.to_string(),
            },
            StatusCode::NOT_FOUND => SettingsError::NotFound {
                url,
                permission: permission.to_string(),
            },
            other => SettingsError::Http {
                url,
                status: other.as_u16(),
                message,
            },
        }
    }
}

#[derive(Deserialize)]
struct GhSecret {
    name: String,
    created_at: Option<String>,
    updated_at: Option<String>,
}

#[derive(Deserialize)]
struct GhSecretList {
    #[serde(default)]
    secrets: Vec<GhSecret>,
}

#[derive(Deserialize)]
struct GhEnvironment {
    name: String,
}

#[derive(Deserialize)]
struct GhEnvironmentList {
    #[serde(default)]
    environments: Vec<GhEnvironment>,
}

/// The permission GitHub needs to list repository and environment secrets.
pub const GITHUB_SECRETS_PERMISSION: &str = "a classic token with the `repo` scope (`public_repo` is not enough), or a fine-grained token with the repository permissions \"Secrets: read\", \"Environments: read\", \"Actions: read\" (to list the environments) and \"Metadata: read\"; the account must be an admin or collaborator who can see the repository's settings";
/// The permission GitHub needs for the organisation secrets shared with a repository.
pub const GITHUB_ORG_PERMISSION: &str =
    "the same token as for repository secrets (\"Secrets: read\" on the repository)";
/// The permission GitLab needs to list CI/CD variables.
pub const GITLAB_PERMISSION: &str = "a personal, project or group access token with the `read_api` scope (or `api`), belonging to a user with at least the Maintainer role on the project (Owner for group variables); CI_JOB_TOKEN cannot read CI/CD variables";

fn url_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode<T: serde::de::DeserializeOwned>(
    api: &Api,
    path: &str,
    value: serde_json::Value,
) -> Result<T, SettingsError> {
    serde_json::from_value(value).map_err(|e| SettingsError::Decode {
        url: format!("{}{path}", api.base),
        message: e.to_string(),
    })
}

/// Every page of a listing that may be refused without spoiling the rest: a 403 or 404 becomes
/// a note ("WHAT not read: …") and no pages.
async fn optional_pages(
    api: &Api,
    path: &str,
    permission: &str,
    what: &str,
    notes: &mut Vec<String>,
) -> Result<Vec<serde_json::Value>, SettingsError> {
    match api.get_pages(path, permission).await {
        Ok(pages) => Ok(pages),
        Err(e @ (SettingsError::Forbidden { .. } | SettingsError::NotFound { .. })) => {
            notes.push(format!("{what} not read: {e}"));
            Ok(Vec::new())
        }
        Err(e) => Err(e),
    }
}

/// Lists the Actions secrets of `owner/repo`: repository, environments, organisation.
pub(crate) async fn github_secrets(
    api: &Api,
    owner: &str,
    repo: &str,
) -> Result<(Vec<StoredSecret>, Vec<String>), SettingsError> {
    let base = format!("/repos/{}/{}", url_segment(owner), url_segment(repo));
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let push = |list: GhSecretList, scope: Scope, out: &mut Vec<StoredSecret>| {
        for s in list.secrets {
            out.push(StoredSecret {
                provider: Provider::GitHub,
                scope: scope.clone(),
                name: s.name,
                created_at: s.created_at,
                updated_at: s.updated_at,
                environment_scope: None,
            });
        }
    };
    let path = format!("{base}/actions/secrets?per_page=100");
    for page in api.get_pages(&path, GITHUB_SECRETS_PERMISSION).await? {
        push(decode(api, &path, page)?, Scope::Repository, &mut out);
    }
    let path = format!("{base}/environments?per_page=100");
    let mut envs = Vec::new();
    for page in optional_pages(
        api,
        &path,
        GITHUB_SECRETS_PERMISSION,
        "environments",
        &mut notes,
    )
    .await?
    {
        let list: GhEnvironmentList = decode(api, &path, page)?;
        envs.extend(list.environments.into_iter().map(|e| e.name));
    }
    for env in envs {
        let path = format!(
            "{base}/environments/{}/secrets?per_page=100",
            url_segment(&env)
        );
        let what = format!("secrets of environment {env}");
        for page in optional_pages(api, &path, GITHUB_SECRETS_PERMISSION, &what, &mut notes).await?
        {
            push(
                decode(api, &path, page)?,
                Scope::Environment(env.clone()),
                &mut out,
            );
        }
    }
    let path = format!("{base}/actions/organization-secrets?per_page=100");
    let what = "organisation secrets";
    for page in optional_pages(api, &path, GITHUB_ORG_PERMISSION, what, &mut notes).await? {
        push(
            decode(api, &path, page)?,
            Scope::Organization(owner.to_string()),
            &mut out,
        );
    }
    Ok((out, notes))
}

#[derive(Deserialize)]
struct GlVariable {
    key: String,
    environment_scope: Option<String>,
    // `value` is deliberately absent: serde drops it unread.
}

#[derive(Deserialize)]
struct GlNamespace {
    kind: String,
    full_path: String,
}

#[derive(Deserialize)]
struct GlProject {
    namespace: GlNamespace,
}

/// Lists the CI/CD variables of `path` (a project) and of its ancestor groups.
pub(crate) async fn gitlab_variables(
    api: &Api,
    path: &str,
) -> Result<(Vec<StoredSecret>, Vec<String>), SettingsError> {
    let id = url_segment(path);
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let project_path = format!("/projects/{id}");
    let (value, _) = api
        .get(&format!("{}{project_path}", api.base), GITLAB_PERMISSION)
        .await?;
    let project: GlProject = decode(api, &project_path, value)?;
    let vars = format!("/projects/{id}/variables?per_page=100");
    for page in api.get_pages(&vars, GITLAB_PERMISSION).await? {
        let list: Vec<GlVariable> = decode(api, &vars, page)?;
        out.extend(
            list.into_iter()
                .map(|v| gitlab_secret(v, Scope::Repository)),
        );
    }
    if project.namespace.kind == "group" {
        let segments: Vec<&str> = project.namespace.full_path.split('/').collect();
        for n in (1..=segments.len()).rev() {
            let group = segments[..n].join("/");
            let path = format!("/groups/{}/variables?per_page=100", url_segment(&group));
            let what = format!("variables of group {group}");
            for page in optional_pages(api, &path, GITLAB_PERMISSION, &what, &mut notes).await? {
                let list: Vec<GlVariable> = decode(api, &path, page)?;
                out.extend(
                    list.into_iter()
                        .map(|v| gitlab_secret(v, Scope::Group(group.clone()))),
                );
            }
        }
    }
    Ok((out, notes))
}

fn gitlab_secret(v: GlVariable, scope: Scope) -> StoredSecret {
    StoredSecret {
        provider: Provider::GitLab,
        scope,
        name: v.key,
        created_at: None,
        updated_at: None,
        environment_scope: v.environment_scope,
    }
}

/// Which CI settings to read, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub provider: Provider,
    /// `OWNER/REPO` or `NAMESPACE/PROJECT`; `None`: from the git remote.
    pub repository: Option<String>,
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The GitHub token: `GH_TOKEN`, else `GITHUB_TOKEN`, else `gh auth token --hostname HOST`
/// when the `gh` command exists (its failure counts as no credential).
pub fn github_credential(host: &str) -> Result<Credential, SettingsError> {
    for var in ["GH_TOKEN", "GITHUB_TOKEN"] {
        if let Some(v) = env_var(var) {
            return Ok(Credential {
                secret: Secret::new(v.trim()),
                source: var.to_string(),
            });
        }
    }
    let out = std::process::Command::new("gh")
        .args(["auth", "token", "--hostname", host])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    if let Ok(out) = out
        && out.status.success()
        && let Ok(text) = String::from_utf8(out.stdout)
        && !text.trim().is_empty()
    {
        return Ok(Credential {
            secret: Secret::new(text.trim()),
            source: "gh auth token".into(),
        });
    }
    Err(SettingsError::NoCredential {
        provider: "GitHub",
        vars: "GH_TOKEN or GITHUB_TOKEN",
        gh: ", or log in with `gh auth login`",
        permission: GITHUB_SECRETS_PERMISSION,
    })
}

/// The GitLab token: `GITLAB_TOKEN` (sent as `PRIVATE-TOKEN`), else `CI_JOB_TOKEN` (sent as
/// `JOB-TOKEN`; GitLab refuses it for the variables API, which the error then says).
pub fn gitlab_credential() -> Result<(Credential, &'static str), SettingsError> {
    if let Some(v) = env_var("GITLAB_TOKEN") {
        let c = Credential {
            secret: Secret::new(v.trim()),
            source: "GITLAB_TOKEN".into(),
        };
        return Ok((c, "private-token"));
    }
    if let Some(v) = env_var("CI_JOB_TOKEN") {
        let c = Credential {
            secret: Secret::new(v.trim()),
            source: "CI_JOB_TOKEN".into(),
        };
        return Ok((c, "job-token"));
    }
    Err(SettingsError::NoCredential {
        provider: "GitLab",
        vars: "GITLAB_TOKEN",
        gh: "",
        permission: GITLAB_PERMISSION,
    })
}

/// The GitHub API base: `HOIST_GITHUB_API_URL`, else `https://api.github.com` for github.com,
/// else `https://HOST/api/v3` (GitHub Enterprise Server).
pub fn github_api_base(host: &str) -> String {
    if let Some(u) = env_var("HOIST_GITHUB_API_URL") {
        return u.trim_end_matches('/').to_string();
    }
    if host == "github.com" {
        "https://api.github.com".into()
    } else {
        format!("https://{host}/api/v3")
    }
}

/// The GitLab API base: `HOIST_GITLAB_URL` (the instance, e.g. `https://gitlab.example.com`),
/// else `https://HOST` from the remote; `/api/v4` appended.
pub fn gitlab_api_base(host: &str) -> String {
    let root = env_var("HOIST_GITLAB_URL").unwrap_or_else(|| format!("https://{host}"));
    let root = root.trim_end_matches('/');
    let root = root.strip_suffix("/api/v4").unwrap_or(root);
    format!("{root}/api/v4")
}

/// Reads the stored secrets `request` names. `remote` is the repository's git remote (owner,
/// repository and host when not given).
pub async fn read(
    request: &Request,
    remote: Option<&super::remote::Remote>,
) -> Result<Settings, SettingsError> {
    let (default_host, what) = match request.provider {
        Provider::GitHub => ("github.com", "OWNER/REPO"),
        Provider::GitLab => ("gitlab.com", "NAMESPACE/PROJECT"),
    };
    let repository = match (&request.repository, remote) {
        (Some(r), _) => r.trim_matches('/').to_string(),
        (None, Some(r)) => format!("{}/{}", r.owner, r.name),
        (None, None) => {
            return Err(SettingsError::NoRepository(format!(
                "no git remote; give {what} after the option"
            )));
        }
    };
    let Some((owner, name)) = repository.rsplit_once('/') else {
        return Err(SettingsError::NoRepository(format!(
            "`{repository}` is not {what} (to give a PATH, put it before the option)"
        )));
    };
    // The remote's host, unless it plainly belongs to the other service.
    let host = remote
        .map(|r| r.host.as_str())
        .filter(|h| match request.provider {
            Provider::GitHub => !h.contains("gitlab"),
            Provider::GitLab => !h.contains("github"),
        })
        .unwrap_or(default_host);
    let client = crate::upload::client::build_for_services(Duration::from_secs(60))
        .map_err(|e| SettingsError::Client(e.to_string()))?;
    let (api, result) = match request.provider {
        Provider::GitHub => {
            let credential = github_credential(host)?;
            let api = Api {
                client,
                base: github_api_base(host),
                header: "authorization",
                value: format!("Bearer {}", credential.secret.expose()),
                credential,
                provider: Provider::GitHub,
            };
            let r = github_secrets(&api, owner, name).await;
            (api, r)
        }
        Provider::GitLab => {
            let (credential, header) = gitlab_credential()?;
            let api = Api {
                client,
                base: gitlab_api_base(host),
                header,
                value: credential.secret.expose().to_string(),
                credential,
                provider: Provider::GitLab,
            };
            let r = gitlab_variables(&api, &repository).await;
            (api, r)
        }
    };
    let (secrets, notes) = result?;
    Ok(Settings {
        provider: request.provider,
        api: api.base.clone(),
        repository,
        credential: api.credential.source.clone(),
        secrets,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn link_next() {
        let mut h = HeaderMap::new();
        h.insert(
            "link",
            HeaderValue::from_static(
                "<https://api.github.com/x?page=1>; rel=\"prev\", <https://api.github.com/x?page=3>; rel=\"next\", <https://api.github.com/x?page=5>; rel=\"last\"",
            ),
        );
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://api.github.com/x?page=3")
        );
        h.insert(
            "link",
            HeaderValue::from_static("<https://a/x?page=1>; rel=\"first\""),
        );
        assert_eq!(next_link(&h), None);
    }

    #[test]
    fn rate_limits() {
        let mut h = HeaderMap::new();
        assert_eq!(rate_limit_wait(StatusCode::FORBIDDEN, &h, 0), None);
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("130"));
        assert_eq!(rate_limit_wait(StatusCode::FORBIDDEN, &h, 100), Some(30));
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(
            rate_limit_wait(StatusCode::TOO_MANY_REQUESTS, &h, 100),
            Some(7)
        );
        assert_eq!(rate_limit_wait(StatusCode::NOT_FOUND, &h, 100), None);
    }
}
