//! Cross-referencing the secrets stored in CI settings ([`super::settings`]) with the git
//! history: which upload credentials no workflow uses any more (AUD105), which are used only by
//! jobs that could publish by trusted publishing already (AUD106), and the update date of those
//! the existing AUD101/AUD103 findings name.
//!
//! For each stored secret: the workflows of every branch, remote-tracking branch and tag (and
//! the work tree) are searched for a reference to it (`secrets.NAME` on GitHub, `$NAME` /
//! `${NAME}` on GitLab); the newest commit whose diff changed the number of references
//! (`git log --all -S… --pickaxe-regex`) gives the last commit, file and job that used it; the
//! same file at HEAD says whether that job now publishes by trusted publishing.

use std::path::Path;

use serde::Serialize;

use super::ci::{Job, Provider};
use super::settings::{Scope, Settings, StoredSecret};
use super::{AuditError, Finding, Report, git, github, gitlab, rules, suppress};

/// Words in a secret's name that mark it as an upload credential.
const UPLOAD_WORDS: &[&str] = &[
    "PYPI",
    "TWINE",
    "PUBLISH",
    "UV_PUBLISH",
    "TESTPYPI",
    "FLIT",
    "POETRY",
    "HATCH_INDEX",
    "PDM",
];

/// Whether a secret's name suggests an upload credential.
pub fn upload_like_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    UPLOAD_WORDS.iter().any(|w| upper.contains(w))
}

/// A job that refers to a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRef {
    /// The ref (`refs/heads/main`), or `work tree`.
    pub reference: String,
    pub file: String,
    /// The job id, or `(workflow)` outside any job.
    pub job: String,
    pub publishes: bool,
    /// The job can request an OIDC token for PyPI.
    pub has_id_token: bool,
    /// Index hosts the job uploads to (`pypi.org`, `test.pypi.org`), when it says.
    pub indexes: Vec<String>,
}

/// What became of the job that last used a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobNow {
    /// It publishes by trusted publishing (OIDC, no stored credential).
    TrustedPublishing,
    /// It still publishes with a stored credential (another secret).
    StoredToken,
    /// It exists but does not publish.
    NotPublishing,
    /// No job of that name in that file at HEAD.
    Gone,
}

/// The newest commit that changed the references to a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastChange {
    pub commit: String,
    pub commit_time: i64,
    pub file: String,
    /// The job in the version of the file that referred to it.
    pub job: Option<String>,
    /// Whether that job published.
    pub publishes: bool,
    /// Index hosts that job uploaded to, when it said.
    pub indexes: Vec<String>,
    /// The commit removed the reference (otherwise it added or moved it).
    pub removed: bool,
    pub job_now: Option<JobNow>,
}

/// What the audit concluded about one stored secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No workflow on any ref uses it: delete it and revoke the token (AUD105).
    Leftover,
    /// Only jobs that can already get an OIDC token use it (AUD106).
    BesideOidc,
    /// A job still needs it (see AUD101/AUD103).
    InUse,
    /// Not an upload credential.
    Unrelated,
}

/// One stored secret, cross-referenced.
#[derive(Debug, Clone, Serialize)]
pub struct SecretStatus {
    pub secret: StoredSecret,
    pub verdict: Verdict,
    /// Jobs on any ref that refer to it today.
    pub used_by: Vec<JobRef>,
    pub last_change: Option<LastChange>,
}

fn pattern(provider: Provider, name: &str) -> String {
    // Names are [A-Za-z0-9_] on both services; anything else is escaped to be safe.
    let escaped: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_string()
            } else {
                format!("[{c}]")
            }
        })
        .collect();
    match provider {
        Provider::GitHub => {
            format!("secrets([.]{escaped}|\\[ *['\"]{escaped}['\"] *\\])([^A-Za-z0-9_-]|$)")
        }
        Provider::GitLab => format!("[$][{{]?{escaped}([^A-Za-z0-9_]|$)"),
    }
}

fn ci_paths(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::GitHub => &[".github/workflows"],
        Provider::GitLab => &[".gitlab-ci.yml", ".gitlab"],
    }
}

fn read_jobs(provider: Provider, file: &str, text: &str) -> Vec<Job> {
    let jobs = match provider {
        Provider::GitHub => github::read_workflow(file, text),
        Provider::GitLab => gitlab::read_gitlab_ci(file, text),
    };
    jobs.unwrap_or_default()
}

/// Lines (1-based) of `text` that refer to the secret.
fn matching_lines(provider: Provider, name: &str, text: &str) -> Vec<usize> {
    let upper = name.to_ascii_uppercase();
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let refs = match provider {
                Provider::GitHub => super::ci::github_secret_refs(line),
                Provider::GitLab => super::ci::shell_var_refs(line),
            };
            refs.iter().any(|r| r.to_ascii_uppercase() == upper)
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The job that contains `line`: the last job starting at or before it.
fn job_at(jobs: &[Job], line: usize) -> Option<&Job> {
    jobs.iter()
        .filter(|j| j.line <= line)
        .max_by_key(|j| j.line)
}

/// The jobs in `text` that refer to the secret.
fn job_refs(
    provider: Provider,
    name: &str,
    reference: &str,
    file: &str,
    text: &str,
) -> Vec<JobRef> {
    let jobs = read_jobs(provider, file, text);
    let mut out: Vec<JobRef> = Vec::new();
    for line in matching_lines(provider, name, text) {
        let r = match job_at(&jobs, line) {
            Some(j) => JobRef {
                reference: reference.to_string(),
                file: file.to_string(),
                job: j.job.clone(),
                publishes: j.publishes || j.uses_stored_token(),
                has_id_token: j.has_id_token,
                indexes: j.indexes.clone(),
            },
            None => JobRef {
                reference: reference.to_string(),
                file: file.to_string(),
                job: "(workflow)".into(),
                publishes: false,
                has_id_token: false,
                indexes: Vec::new(),
            },
        };
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// Every CI file on disk for `provider`, relative to `root`.
fn disk_files(root: &Path, provider: Provider) -> Vec<String> {
    let mut files = Vec::new();
    match provider {
        Provider::GitHub => {
            if let Ok(dir) = std::fs::read_dir(root.join(".github/workflows")) {
                for e in dir.filter_map(Result::ok) {
                    if let Ok(n) = e.file_name().into_string()
                        && (n.ends_with(".yml") || n.ends_with(".yaml"))
                    {
                        files.push(format!(".github/workflows/{n}"));
                    }
                }
            }
        }
        Provider::GitLab => {
            if root.join(".gitlab-ci.yml").is_file() {
                files.push(".gitlab-ci.yml".into());
            }
        }
    }
    files.sort();
    files
}

/// The jobs on any ref (and in the work tree) that refer to the secret today.
fn used_by(
    root: &Path,
    git_repo: bool,
    refs: &[String],
    secret: &StoredSecret,
) -> Result<Vec<JobRef>, AuditError> {
    let provider = secret.provider;
    let mut out = Vec::new();
    for file in disk_files(root, provider) {
        if let Ok(text) = std::fs::read_to_string(root.join(&file)) {
            out.extend(job_refs(provider, &secret.name, "work tree", &file, &text));
        }
    }
    if !git_repo || refs.is_empty() {
        return Ok(out);
    }
    let regex = pattern(provider, &secret.name);
    for (reference, file) in git::grep_refs(root, &regex, refs, ci_paths(provider))? {
        if let Some(text) = git::show(root, &reference, &file) {
            out.extend(job_refs(provider, &secret.name, &reference, &file, &text));
        }
    }
    Ok(out)
}

/// The newest commit that changed the references to the secret, and what became of its job.
fn last_change(root: &Path, secret: &StoredSecret) -> Result<Option<LastChange>, AuditError> {
    let provider = secret.provider;
    let regex = pattern(provider, &secret.name);
    let Some((commit, time, files)) = git::last_change(root, &regex, ci_paths(provider))? else {
        return Ok(None);
    };
    let count = |rev: &str, file: &str| {
        git::show(root, rev, file).map_or(0, |t| matching_lines(provider, &secret.name, &t).len())
    };
    // The file whose reference count changed; prefer one that lost references.
    let parent = format!("{commit}^");
    let mut chosen = None;
    for f in &files {
        let (before, after) = (count(&parent, f), count(&commit, f));
        if before > after {
            chosen = Some((f.clone(), true));
            break;
        }
        if chosen.is_none() && after != before {
            chosen = Some((f.clone(), false));
        }
    }
    let Some((file, removed)) = chosen else {
        return Ok(None);
    };
    let rev = if removed {
        parent.as_str()
    } else {
        commit.as_str()
    };
    let text = git::show(root, rev, &file).unwrap_or_default();
    let refs = job_refs(provider, &secret.name, rev, &file, &text);
    let job = refs.first().map(|r| r.job.clone());
    let publishes = refs.iter().any(|r| r.publishes);
    let mut indexes: Vec<String> = Vec::new();
    for i in refs.iter().flat_map(|r| &r.indexes) {
        if !indexes.contains(i) {
            indexes.push(i.clone());
        }
    }
    let job_now = job.as_deref().map(|j| job_now(root, provider, &file, j));
    Ok(Some(LastChange {
        commit,
        commit_time: time,
        file,
        job,
        publishes,
        indexes,
        removed,
        job_now,
    }))
}

/// What job `job` of `file` does in the work tree (HEAD's checkout, with local edits).
fn job_now(root: &Path, provider: Provider, file: &str, job: &str) -> JobNow {
    let Ok(text) = std::fs::read_to_string(root.join(file)) else {
        return JobNow::Gone;
    };
    let jobs = read_jobs(provider, file, &text);
    let Some(j) = jobs.iter().find(|j| j.job == job) else {
        return JobNow::Gone;
    };
    if j.uses_stored_token() {
        JobNow::StoredToken
    } else if j.publishes && (j.has_id_token || j.minted) {
        JobNow::TrustedPublishing
    } else {
        JobNow::NotPublishing
    }
}

/// A note for each workflow that hands every secret to a reusable workflow in another
/// repository (`secrets: inherit`): a secret only that workflow uses looks unused from here.
pub fn inherit_notes(root: &Path) -> Vec<super::Note> {
    let mut notes = Vec::new();
    for file in disk_files(root, Provider::GitHub) {
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            continue;
        };
        let external = text.lines().any(|l| {
            let l = l.trim().trim_start_matches("- ").trim();
            l.strip_prefix("uses:")
                .is_some_and(|u| u.contains(".github/workflows/") && !u.trim().starts_with("./"))
        });
        let inherit = text.lines().any(|l| l.trim() == "secrets: inherit");
        if external && inherit {
            notes.push(super::Note {
                path: Some(file),
                object: None,
                reason: "passes every secret to a reusable workflow in another repository \
                         (`secrets: inherit`): a secret only that workflow uses is reported as a \
                         leftover (AUD105); check it there before deleting"
                    .into(),
            });
        }
    }
    notes
}

/// Cross-references every stored secret in `settings` with the repository in `report`.
pub fn cross_reference(
    settings: &Settings,
    report: &Report,
) -> Result<Vec<SecretStatus>, AuditError> {
    let root = report.root.as_path();
    let refs = if report.git {
        git::ref_tips(root)?
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    for secret in &settings.secrets {
        let used = used_by(root, report.git, &refs, secret)?;
        let last = if report.git {
            last_change(root, secret)?
        } else {
            None
        };
        let publishing =
            used.iter().any(|u| u.publishes) || last.as_ref().is_some_and(|l| l.publishes);
        let verdict = if !(upload_like_name(&secret.name) || publishing) {
            Verdict::Unrelated
        } else if used.is_empty() {
            Verdict::Leftover
        } else if used.iter().all(|u| u.publishes && u.has_id_token) {
            Verdict::BesideOidc
        } else {
            Verdict::InUse
        };
        out.push(SecretStatus {
            secret: secret.clone(),
            verdict,
            used_by: used,
            last_change: last,
        });
    }
    Ok(out)
}

fn day(unix: i64) -> String {
    let t = super::token::format_time(unix);
    t.split('T').next().unwrap_or_default().to_string()
}

fn short(oid: &str) -> &str {
    oid.get(..10).unwrap_or(oid)
}

/// "removed from release.yml (job `publish`) in a1b2c3d4e5 on 2025-05-26; that job now
/// publishes by trusted publishing".
pub fn history_phrase(last: Option<&LastChange>) -> String {
    let Some(l) = last else {
        return "no workflow in the history ever referred to it".into();
    };
    let file = l.file.rsplit('/').next().unwrap_or(&l.file);
    let job = l
        .job
        .as_deref()
        .map(|j| format!(" (job `{j}`)"))
        .unwrap_or_default();
    let verb = if l.removed {
        "removed from"
    } else {
        "last changed in"
    };
    let mut s = format!(
        "{verb} {file}{job} in {} on {}",
        short(&l.commit),
        day(l.commit_time)
    );
    match l.job_now {
        Some(JobNow::TrustedPublishing) => {
            s.push_str("; that job now publishes by trusted publishing")
        }
        Some(JobNow::StoredToken) => {
            s.push_str("; that job now publishes with another stored secret")
        }
        Some(JobNow::NotPublishing) => s.push_str("; that job no longer publishes"),
        Some(JobNow::Gone) => s.push_str("; that job no longer exists"),
        None => {}
    }
    s
}

fn finding_for(status: &SecretStatus, settings: &Settings) -> Option<Finding> {
    let s = &status.secret;
    let (rule, message) = match status.verdict {
        Verdict::Leftover => (
            &rules::LEFTOVER_SECRET,
            format!(
                "{} `{}` ({}) is still stored, but no workflow on any ref uses it: {}",
                s.place(),
                s.name,
                s.dates(),
                history_phrase(status.last_change.as_ref())
            ),
        ),
        Verdict::BesideOidc => (
            &rules::SECRET_BESIDE_OIDC,
            format!(
                "{} `{}` ({}) is used only by jobs that can already publish by trusted publishing ({}): two ways to publish; remove the stored one",
                s.place(),
                s.name,
                s.dates(),
                jobs_phrase(&status.used_by)
            ),
        ),
        Verdict::InUse | Verdict::Unrelated => return None,
    };
    let (path, line) = match (&status.last_change, status.used_by.first()) {
        (_, Some(u)) if status.verdict == Verdict::BesideOidc => (u.file.clone(), 1),
        (Some(l), _) => (l.file.clone(), 1),
        _ => (ci_paths(s.provider)[0].to_string(), 1),
    };
    Some(Finding {
        code: rule.code,
        name: rule.name,
        severity: rule.severity,
        message,
        path,
        line,
        commit: status.last_change.as_ref().map(|l| l.commit.clone()),
        commit_time: status.last_change.as_ref().map(|l| l.commit_time),
        at_head: None,
        token: None,
        scope: None,
        decode_error: None,
        occurrences: Vec::new(),
        job: None,
        fix: fix_steps(status, &settings.repository),
        fingerprint: format!("{}:{}", rule.code, secret_id(s)),
        secrets: vec![s.clone()],
    })
}

/// The index the secret's token is most likely for: where the jobs that use (or last used) it
/// upload, else `test.pypi.org` when the name says TEST, else `pypi.org`.
pub fn index_of(status: &SecretStatus) -> &'static str {
    let mut indexes = status
        .used_by
        .iter()
        .flat_map(|u| &u.indexes)
        .chain(status.last_change.iter().flat_map(|l| &l.indexes));
    let named_test = status.secret.name.to_ascii_uppercase().contains("TEST");
    match indexes.next() {
        Some(first) if first == "test.pypi.org" && indexes.all(|i| i == first) => "test.pypi.org",
        Some(_) => "pypi.org",
        None if named_test => "test.pypi.org",
        None => "pypi.org",
    }
}

/// A stable name for a stored secret: `github:repository:PYPI_TOKEN`,
/// `github:environment/release:PYPI_TOKEN`.
pub fn secret_id(s: &StoredSecret) -> String {
    let provider = match s.provider {
        Provider::GitHub => "github",
        Provider::GitLab => "gitlab",
    };
    let scope = match &s.scope {
        Scope::Repository => "repository".to_string(),
        Scope::Environment(e) => format!("environment/{e}"),
        Scope::Organization(o) => format!("organization/{o}"),
        Scope::Group(g) => format!("group/{g}"),
    };
    format!("{provider}:{scope}:{}", s.name)
}

fn jobs_phrase(used: &[JobRef]) -> String {
    let mut names: Vec<String> = Vec::new();
    for u in used {
        let file = u.file.rsplit('/').next().unwrap_or(&u.file);
        let n = format!("{file} job `{}`", u.job);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names.join(", ")
}

/// The command that deletes a stored secret: `gh secret delete` / `glab variable delete`.
pub fn delete_command(s: &StoredSecret, repository: &str) -> String {
    match (&s.scope, s.provider) {
        (Scope::Repository, Provider::GitHub) => {
            format!("gh secret delete {} --repo {repository}", s.name)
        }
        (Scope::Environment(e), _) => {
            format!("gh secret delete {} --env {e} --repo {repository}", s.name)
        }
        (Scope::Organization(o), _) => format!("gh secret delete {} --org {o}", s.name),
        (Scope::Repository, Provider::GitLab) => {
            let scope = match s.environment_scope.as_deref() {
                Some(e) if e != "*" => format!(" --scope {e}"),
                _ => String::new(),
            };
            format!("glab variable delete {} --repo {repository}{scope}", s.name)
        }
        (Scope::Group(g), _) => format!("glab variable delete {} --group {g}", s.name),
    }
}

fn fix_steps(status: &SecretStatus, repository: &str) -> Vec<String> {
    let s = &status.secret;
    let mut steps = Vec::new();
    if status.verdict == Verdict::BesideOidc {
        steps.push(format!(
            "First drop `{}` from {} and check that a trusted upload works (the job already has an OIDC identity).",
            s.name,
            jobs_phrase(&status.used_by)
        ));
    }
    steps.push(format!(
        "Revoke the token behind `{}` at https://{}/manage/account/ (API tokens; match it by name and by the dates: {}), before deleting the secret.",
        s.name,
        index_of(status),
        s.dates()
    ));
    steps.push(format!(
        "Then delete the secret: `{}`.",
        delete_command(s, repository)
    ));
    if matches!(s.scope, Scope::Organization(_) | Scope::Group(_)) {
        steps.push(
            "It is shared: check that no other repository or project still uses it before deleting it."
                .into(),
        );
    }
    steps
}

/// Adds the findings for the stored secrets (AUD105, AUD106) to `report`, and the stored
/// secrets' dates to the AUD101/AUD103 findings of the jobs that use them.
pub fn apply(settings: &Settings, statuses: &[SecretStatus], report: &mut Report) {
    let ignore = suppress::IgnoreFile::load(&report.root, report.ignore_file.as_deref()).ok();
    for status in statuses {
        let Some(f) = finding_for(status, settings) else {
            continue;
        };
        let suppressed = ignore
            .as_ref()
            .is_some_and(|i| i.matches(f.code, &f.path, f.line, Some(&secret_id(&status.secret))));
        if suppressed {
            report.suppressed.push(f);
        } else {
            report.findings.push(f);
        }
    }
    for f in report
        .findings
        .iter_mut()
        .chain(report.suppressed.iter_mut())
    {
        if f.code != rules::WORKFLOW_STORED_TOKEN.code && f.code != rules::GITLAB_STORED_TOKEN.code
        {
            continue;
        }
        let Some(job) = &f.job else { continue };
        let names = job.secret_names();
        let matched: Vec<&StoredSecret> = settings
            .secrets
            .iter()
            .filter(|s| names.iter().any(|n| n.eq_ignore_ascii_case(&s.name)))
            .collect();
        if matched.is_empty() {
            continue;
        }
        let phrase = matched
            .iter()
            .map(|s| format!("`{}` is a {} ({})", s.name, s.place(), s.dates()))
            .collect::<Vec<_>>()
            .join("; ");
        f.message.push_str(&format!(" [stored: {phrase}]"));
        f.secrets = matched.into_iter().cloned().collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(scope: Scope, provider: Provider) -> StoredSecret {
        StoredSecret {
            provider,
            scope,
            name: "PYPI_TOKEN".into(),
            created_at: Some("2024-01-02T03:04:05Z".into()),
            updated_at: None,
            environment_scope: Some("production".into()),
        }
    }

    #[test]
    fn references_are_whole_names() {
        let gh = |t: &str| matching_lines(Provider::GitHub, "PYPI_TOKEN", t);
        assert_eq!(
            gh("a: ${{ secrets.PYPI_TOKEN }}\nb: ${{ secrets.PYPI_TOKEN_NIGHTLY }}"),
            [1]
        );
        assert_eq!(gh("p: ${{ secrets['pypi_token'] }}"), [1]);
        assert!(gh("p: ${{ env.PYPI_TOKEN }}").is_empty());
        let gl = |t: &str| matching_lines(Provider::GitLab, "PYPI_TOKEN", t);
        assert_eq!(
            gl("x: $PYPI_TOKEN\ny: ${PYPI_TOKEN}\nz: $PYPI_TOKEN_2"),
            [1, 2]
        );
        assert!(upload_like_name("twine_password") && !upload_like_name("CODECOV_TOKEN"));
    }

    #[test]
    fn delete_commands() {
        let r = "acme/widget";
        let cmd = |scope, p| delete_command(&secret(scope, p), r);
        assert_eq!(
            cmd(Scope::Repository, Provider::GitHub),
            "gh secret delete PYPI_TOKEN --repo acme/widget"
        );
        assert_eq!(
            cmd(Scope::Environment("release".into()), Provider::GitHub),
            "gh secret delete PYPI_TOKEN --env release --repo acme/widget"
        );
        assert_eq!(
            cmd(Scope::Organization("acme".into()), Provider::GitHub),
            "gh secret delete PYPI_TOKEN --org acme"
        );
        assert_eq!(
            cmd(Scope::Repository, Provider::GitLab),
            "glab variable delete PYPI_TOKEN --repo acme/widget --scope production"
        );
        assert_eq!(
            cmd(Scope::Group("sci".into()), Provider::GitLab),
            "glab variable delete PYPI_TOKEN --group sci"
        );
    }

    #[test]
    fn history_phrases() {
        assert_eq!(
            history_phrase(None),
            "no workflow in the history ever referred to it"
        );
        let last = LastChange {
            commit: "a1b2c3d4e5f60718".into(),
            commit_time: 1_748_217_600,
            file: ".github/workflows/release.yml".into(),
            job: Some("publish".into()),
            publishes: true,
            indexes: Vec::new(),
            removed: true,
            job_now: Some(JobNow::TrustedPublishing),
        };
        assert_eq!(
            history_phrase(Some(&last)),
            "removed from release.yml (job `publish`) in a1b2c3d4e5 on 2025-05-26; that job now publishes by trusted publishing"
        );
    }
}
