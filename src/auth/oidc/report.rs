//! The trusted-publishing report: what the job presented (the claims the index matches, for
//! its provider), the exact publisher form a maintainer fills in on PyPI to make this job
//! match, and the known traps that apply. Printed when the exchange is refused, by
//! `hoist publisher`, and appended to `$GITHUB_STEP_SUMMARY`.
//!
//! Plain text, the same on a terminal and in Markdown (inside a code block). Claims are shown
//! as decoded, never verified; the token itself is never shown.
//!
//! May use `super` (claims, errors, `unmatchable`), `crate::auth::IndexKind` and
//! `crate::dist::filename` (project-name normalisation); it renders text and sends nothing.

use std::fmt::Write as _;

/// What a publisher form's environment field should say for a job that runs in no environment:
/// the words every report uses (`hoist upload`'s exchange report, `hoist publisher`, `hoist
/// audit`), because PyPI matches an empty environment to any job.
pub const NO_ENVIRONMENT: &str = "(leave empty: this job runs in no environment)";

use reqwest::Url;

use super::unmatchable::{self, Blocker};
use super::{Claims, ExchangeError, IdentityError, ProviderKind, TrustedError};
use crate::auth::IndexKind;

/// Who is publishing where.
pub struct Subject<'a> {
    pub provider: ProviderKind,
    pub claims: Option<&'a Claims>,
    pub index: IndexKind,
    /// The index's origin (`https://pypi.org/`).
    pub origin: &'a Url,
    /// The projects being uploaded, when known.
    pub projects: &'a [String],
}

const TROUBLESHOOTING: &str = "https://docs.pypi.org/trusted-publishers/troubleshooting/";

/// What PyPI's error code means, and what to do.
pub fn explain_code(code: &str, audience: Option<&str>) -> Option<String> {
    Some(match code {
        "invalid-publisher" => "The index found no trusted publisher matching this job. Every value in the \
             publisher form below must match the publisher registered for the project."
            .into(),
        "invalid-pending-publisher" => "A pending publisher matched, but its project already exists. A pending \
             publisher only creates a new project: add an ordinary trusted publisher on the \
             project's Publishing settings page (same values as below), then delete the pending one."
            .into(),
        "invalid-token" => format!(
            "The index could not verify the OIDC token: its signature, its time window (a clock far \
             off), or its audience, which must be exactly {:?}. Rerun the job; if it fails again, \
             compare `aud` below.",
            audience.unwrap_or("the index's audience")
        ),
        "invalid-payload" => "The index could not read the token, or does not know its issuer (`iss` below). \
             PyPI accepts github.com, gitlab.com (and self-managed GitLab instances it has \
             onboarded), Google Cloud and ActiveState; GitHub Enterprise Server is not accepted."
            .into(),
        "not-enabled" => "The index's administrators have switched trusted publishing off for this \
             provider. Upload with an API token (HOIST_PASSWORD from a CI secret) until it is back."
            .into(),
        "invalid-reuse-token" => "This OIDC token had already been exchanged: the index accepts each one once. \
             hoist asks for a fresh token for every exchange, so another step used this one, or the \
             CI hands out a fixed token (GitLab's id_tokens are fixed for the job: a second exchange \
             in one job cannot work)."
            .into(),
        _ => return None,
    })
}

/// The report for a failed exchange (or a provider that gave no token).
pub fn failure(error: &TrustedError, subject: &Subject<'_>, audience: Option<&str>) -> String {
    let mut out = String::new();
    match error {
        TrustedError::Identity(e) => {
            let _ = writeln!(out, "Trusted publishing failed: {e}");
            if let Some(fix) = &e.fix {
                let _ = writeln!(out, "\n{}", indent(fix));
            }
            return out;
        }
        TrustedError::Exchange { error, .. } => match error {
            ExchangeError::Refused { status, errors } => {
                let _ = writeln!(
                    out,
                    "Trusted publishing failed: {} refused the token exchange ({status}).",
                    origin_text(subject.origin)
                );
                for e in errors {
                    let _ = writeln!(out, "  {}: {}", e.code, e.description);
                }
                let blocked = subject
                    .claims
                    .is_some_and(|c| !unmatchable::blockers(subject.provider, c).is_empty());
                for e in errors {
                    // For a job no publisher can match, the publisher form is not the cause.
                    if blocked && e.code.starts_with("invalid-") && e.code.ends_with("publisher") {
                        continue;
                    }
                    if let Some(text) = explain_code(&e.code, audience) {
                        let _ = writeln!(out, "\n{}", wrap(&text, 2));
                    }
                }
            }
            other => {
                let _ = writeln!(out, "Trusted publishing failed: {other}");
                return out;
            }
        },
    }
    let code = error_code(error);
    out.push('\n');
    out.push_str(&identity(subject, code.as_deref()));
    let _ = writeln!(out, "\nMore: {TROUBLESHOOTING}");
    out
}

fn error_code(error: &TrustedError) -> Option<String> {
    match error {
        TrustedError::Exchange { error, .. } => error.code().map(str::to_string),
        TrustedError::Identity(_) => None,
    }
}

fn origin_text(origin: &Url) -> String {
    origin.as_str().trim_end_matches('/').to_string()
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Wraps prose at 96 columns, indented by `by`.
fn wrap(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > 96 - by {
            lines.push(format!("{pad}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!("{pad}{line}"));
    }
    lines.join("\n")
}

/// The claims each provider's publisher is matched on, in the order shown.
fn claim_names(provider: ProviderKind) -> &'static [&'static str] {
    match provider {
        ProviderKind::GitHub => &[
            "repository",
            "repository_owner",
            "repository_owner_id",
            "workflow_ref",
            "job_workflow_ref",
            "ref",
            "environment",
            "event_name",
        ],
        ProviderKind::GitLab => &[
            "project_path",
            "ci_config_ref_uri",
            "ref_path",
            "environment",
            "sub",
        ],
        ProviderKind::Google => &["email", "email_verified", "sub"],
        ProviderKind::Buildkite => &["sub", "organization_slug", "pipeline_slug"],
        ProviderKind::CircleCi => &["sub", "oidc.circleci.com/project-id"],
    }
}

/// The part before `@` of a `…@ref` claim.
fn before_at(v: &str) -> &str {
    v.split('@').next().unwrap_or(v)
}

/// The workflow file name in a `owner/repo/.github/workflows/file.yml@ref` claim.
pub fn workflow_file(job_workflow_ref: &str) -> Option<&str> {
    before_at(job_workflow_ref)
        .rsplit('/')
        .next()
        .filter(|f| !f.is_empty())
}

fn index_name(kind: IndexKind) -> &'static str {
    match kind {
        IndexKind::Pypi => "PyPI",
        IndexKind::TestPypi => "TestPyPI",
        IndexKind::Other => "the index",
    }
}

/// What the job presented, the publisher form that matches it, and the traps that apply.
/// `code` is the index's error code, when there was one.
pub fn identity(subject: &Subject<'_>, code: Option<&str>) -> String {
    let mut out = String::new();
    let provider = subject.provider;
    let Some(claims) = subject.claims else {
        let _ = writeln!(
            out,
            "The {} token's claims could not be decoded, so they cannot be shown.",
            provider.name()
        );
        return out;
    };
    let _ = writeln!(
        out,
        "The identity this job presented ({}), as {} matches it:",
        provider.name(),
        index_name(subject.index)
    );
    let mut names: Vec<&str> = claim_names(provider).to_vec();
    if matches!(code, Some("invalid-token" | "invalid-payload")) || !provider.accepted_by_pypi() {
        names.extend(["iss", "aud"]);
    }
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    for n in &names {
        let _ = writeln!(out, "  {n:<width$}  {}", claims.show(n));
    }
    out.push('\n');
    if subject.index != IndexKind::Other && !provider.accepted_by_pypi() {
        let _ = writeln!(
            out,
            "{} does not accept {} identities yet: it trusts GitHub Actions, GitLab CI/CD, Google \
             Cloud and ActiveState only. Publish from one of those, or with an API token.",
            index_name(subject.index),
            provider.name()
        );
        return out;
    }
    let blocked = unmatchable::blockers(provider, claims);
    if !blocked.is_empty() {
        unmatchable_job(&mut out, &blocked, subject.index);
        return out;
    }
    match provider {
        ProviderKind::GitHub => github_form(&mut out, claims, subject),
        ProviderKind::GitLab => gitlab_form(&mut out, claims, subject),
        ProviderKind::Google => google_form(&mut out, claims, subject),
        ProviderKind::Buildkite | ProviderKind::CircleCi => {
            let _ = writeln!(
                out,
                "Register a publisher for this identity with the index's administrators; the \
                 claims above are what it will see."
            );
        }
    }
    let traps = traps(provider, claims, subject, code);
    if !traps.is_empty() {
        let _ = writeln!(out, "\nCheck:");
        for t in traps {
            let _ = writeln!(out, "{}", wrap(&t, 4).replacen("    ", "  - ", 1));
        }
    }
    out
}

/// The report for a job PyPI's rules refuse whatever is registered: why, and what to change
/// in the workflow; no publisher form, no registration link.
fn unmatchable_job(out: &mut String, blocked: &[Blocker], index: IndexKind) {
    let head = format!(
        "No trusted publisher can match this job: {}'s rules refuse it whatever publisher is \
         registered, so registering or editing one will not help. Change the workflow:",
        index_name(index)
    );
    let _ = writeln!(out, "{}", wrap(&head, 0));
    for b in blocked {
        let _ = writeln!(
            out,
            "{}",
            wrap(&format!("Why: {}.", b.why), 4).replacen("    ", "  - ", 1)
        );
        let _ = writeln!(out, "{}", wrap(&format!("Change: {}", b.fix), 4));
    }
}

fn form(out: &mut String, rows: &[(&str, String)]) {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 1;
    for (k, v) in rows {
        let label = format!("{k}:");
        let _ = writeln!(out, "  {label:<width$}  {v}");
    }
}

fn pages(out: &mut String, subject: &Subject<'_>, query: &[(&str, &str)]) {
    let origin = origin_text(subject.origin);
    for p in subject.projects {
        let name = crate::dist::filename::canonicalize_name(p);
        let base = format!("{origin}/manage/project/{name}/settings/publishing/");
        let link = match Url::parse(&base) {
            Ok(mut u) => {
                u.query_pairs_mut().extend_pairs(query);
                u.to_string()
            }
            Err(_) => base,
        };
        let _ = writeln!(out, "  Project {p}: {link}");
    }
    let _ = writeln!(
        out,
        "  A project that does not exist yet: {origin}/manage/account/publishing/ (a pending \
         publisher, with the project name exactly as in the metadata{})",
        match subject.projects.first() {
            Some(p) => format!(", {p}"),
            None => String::new(),
        }
    );
}

fn github_form(out: &mut String, claims: &Claims, subject: &Subject<'_>) {
    let repository = claims.get("repository").unwrap_or_default();
    let owner = claims
        .get("repository_owner")
        .or_else(|| repository.split('/').next().map(str::to_string))
        .unwrap_or_default();
    let repo_name = repository
        .split_once('/')
        .map(|(_, r)| r.to_string())
        .unwrap_or_default();
    let job_ref = claims.get("job_workflow_ref").unwrap_or_default();
    let workflow = workflow_file(&job_ref).unwrap_or("").to_string();
    let environment = claims.get("environment").filter(|e| !e.is_empty());
    let _ = writeln!(
        out,
        "The trusted publisher that matches this job ({}, Publishing, GitHub):",
        index_name(subject.index)
    );
    form(
        out,
        &[
            ("Owner", owner.clone()),
            ("Repository name", repo_name.clone()),
            ("Workflow name", workflow.clone()),
            (
                "Environment name",
                environment.clone().unwrap_or_else(|| NO_ENVIRONMENT.into()),
            ),
        ],
    );
    pages(
        out,
        subject,
        &[
            ("provider", "github"),
            ("owner", &owner),
            ("repository", &repo_name),
            ("workflow_filename", &workflow),
            ("environment", environment.as_deref().unwrap_or("")),
        ],
    );
}

fn gitlab_form(out: &mut String, claims: &Claims, subject: &Subject<'_>) {
    let path = claims.get("project_path").unwrap_or_default();
    let (namespace, project) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
    let config = claims.get("ci_config_ref_uri").unwrap_or_default();
    let file = before_at(&config)
        .split_once("//")
        .map(|(_, f)| f.to_string())
        .unwrap_or_default();
    let environment = claims.get("environment").filter(|e| !e.is_empty());
    let _ = writeln!(
        out,
        "The trusted publisher that matches this job ({}, Publishing, GitLab):",
        index_name(subject.index)
    );
    form(
        out,
        &[
            ("Namespace", namespace.to_string()),
            ("Project name", project.to_string()),
            ("Top-level pipeline file path", file),
            (
                "Environment name",
                environment.unwrap_or_else(|| NO_ENVIRONMENT.into()),
            ),
        ],
    );
    pages(out, subject, &[]);
}

fn google_form(out: &mut String, claims: &Claims, subject: &Subject<'_>) {
    let _ = writeln!(
        out,
        "The trusted publisher that matches this job ({}, Publishing, Google):",
        index_name(subject.index)
    );
    form(
        out,
        &[
            ("Email", claims.show("email")),
            (
                "Subject",
                claims
                    .get("sub")
                    .map(|s| format!("{s} (optional)"))
                    .unwrap_or_else(|| "(leave empty)".into()),
            ),
        ],
    );
    pages(out, subject, &[]);
}

fn traps(
    provider: ProviderKind,
    claims: &Claims,
    subject: &Subject<'_>,
    code: Option<&str>,
) -> Vec<String> {
    let mut t = Vec::new();
    let refused = code.is_some();
    match provider {
        ProviderKind::GitHub => t.extend(github_traps(claims, refused)),
        ProviderKind::GitLab => {
            if claims.get("environment").is_none() {
                t.push(
                    "Environment: this job has none. If the publisher names one, add \
                     `environment: <name>` to the job (GitLab compares it case-sensitively)."
                        .into(),
                );
            }
            if refused {
                t.push(
                    "Renames: a moved project or a renamed pipeline file no longer matches an old \
                     publisher: edit it to the values above."
                        .into(),
                );
            }
        }
        ProviderKind::Google | ProviderKind::Buildkite | ProviderKind::CircleCi => {}
    }
    if code != Some("invalid-pending-publisher") {
        t.push(format!(
            "A new project: if {} does not exist on {} yet, register a pending publisher (your \
             account, Publishing) with the same values; its first upload creates the project.",
            subject
                .projects
                .first()
                .map_or("the project".to_string(), |p| format!("project {p}")),
            index_name(subject.index)
        ));
    }
    if subject.index == IndexKind::TestPypi || subject.index == IndexKind::Pypi {
        t.push("PyPI and TestPyPI keep separate publishers: register this one on the index you upload to.".into());
    }
    t
}

/// The GitHub traps: a reusable workflow, a pull_request event, the job's environment, and
/// (when PyPI refused) renames.
fn github_traps(claims: &Claims, refused: bool) -> Vec<String> {
    let mut t = Vec::new();
    let workflow_ref = claims.get("workflow_ref").unwrap_or_default();
    let job_ref = claims.get("job_workflow_ref").unwrap_or_default();
    if !workflow_ref.is_empty()
        && !job_ref.is_empty()
        && before_at(&workflow_ref) != before_at(&job_ref)
    {
        // A reusable workflow of another repository never gets here: see unmatchable.
        t.push(format!(
            "Reusable workflow: this job runs in {}, called from {}. PyPI matches the called \
             workflow (job_workflow_ref), so the publisher must name {}. Simpler: run the \
             upload in the top-level workflow.",
            before_at(&job_ref),
            before_at(&workflow_ref),
            workflow_file(&job_ref).unwrap_or("it"),
        ));
    }
    // pull_request_target never gets here: see unmatchable.
    if claims.get("event_name").as_deref() == Some("pull_request") {
        t.push(
            "Event pull_request: pull requests from forks never get an OIDC token, and \
             publishing from pull requests is rarely meant. Publish on a tag push, a \
             published release or workflow_dispatch."
                .into(),
        );
    }
    match claims.get("environment").filter(|e| !e.is_empty()) {
        None => t.push(
            "Environment: this job has none. If the publisher names one (for example \
             `pypi`), add `environment: pypi` to the job, or clear it on the publisher."
                .into(),
        ),
        Some(env) => t.push(format!(
            "Environment: this job runs in `{env}`. A publisher that names an environment \
             must name this one (case does not matter); one that names none accepts any."
        )),
    }
    if refused {
        t.push(
            "Renames: a renamed workflow file, a renamed or transferred repository, or a \
             re-created owner account (a new repository_owner_id) no longer matches an old \
             publisher: edit it to the values above."
                .into(),
        );
    }
    t
}

/// A provider that gave no token, as a report (for `hoist publisher`).
pub fn identity_error(e: &IdentityError) -> String {
    match &e.fix {
        Some(fix) => format!("{e}\n\n{}\n", indent(fix)),
        None => format!("{e}\n"),
    }
}

/// `text` as Markdown for `$GITHUB_STEP_SUMMARY`.
pub fn markdown(title: &str, text: &str) -> String {
    format!("### {title}\n\n```text\n{}\n```\n\n", text.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(v: serde_json::Value) -> Claims {
        match v {
            serde_json::Value::Object(m) => Claims::from_map(m),
            _ => Claims::default(),
        }
    }

    #[test]
    fn github_form_and_reusable_workflow() {
        let c = claims(serde_json::json!({
            "repository": "octo/demo",
            "repository_owner": "octo",
            "repository_owner_id": "42",
            "workflow_ref": "octo/demo/.github/workflows/release.yml@refs/tags/v1",
            "job_workflow_ref": "octo/tools/.github/workflows/publish.yml@refs/heads/main",
            "ref": "refs/tags/v1",
            "sha": "abc",
            "jti": "j",
            "event_name": "push",
        }));
        let origin = Url::parse("https://pypi.org/").unwrap();
        let projects = vec!["Demo_Pkg".to_string()];
        let s = Subject {
            provider: ProviderKind::GitHub,
            claims: Some(&c),
            index: IndexKind::Pypi,
            origin: &origin,
            projects: &projects,
        };
        // A reusable workflow of another repository: no publisher can match, so no form.
        let text = identity(&s, Some("invalid-publisher"));
        assert!(text.contains("environment          MISSING"), "{text}");
        assert!(
            text.contains("No trusted publisher can match this job"),
            "{text}"
        );
        assert!(text.contains("another repository"), "{text}");
        assert!(!text.contains("Workflow name:"), "{text}");
        // In the same repository, at the run's ref: the publisher names the called workflow.
        let c = claims(serde_json::json!({
            "repository": "octo/demo",
            "repository_owner": "octo",
            "repository_owner_id": "42",
            "workflow_ref": "octo/demo/.github/workflows/release.yml@refs/tags/v1",
            "job_workflow_ref": "octo/demo/.github/workflows/publish.yml@refs/tags/v1",
            "ref": "refs/tags/v1",
            "sha": "abc",
            "jti": "j",
            "event_name": "push",
        }));
        let s = Subject {
            claims: Some(&c),
            ..s
        };
        let text = identity(&s, Some("invalid-publisher"));
        assert!(text.contains("Workflow name:"), "{text}");
        assert!(text.contains("Reusable workflow"), "{text}");
        assert!(
            text.contains("https://pypi.org/manage/project/demo-pkg/settings/publishing/?provider=github&owner=octo&repository=demo&workflow_filename=publish.yml&environment="),
            "{text}"
        );
    }

    /// Every job shape PyPI's rules refuse whatever is registered: the report says why and
    /// what to change, and never shows a matching publisher or a way to register one.
    #[test]
    fn unmatchable_jobs_never_point_at_a_publisher() {
        let github = serde_json::json!({
            "repository": "octo/demo", "repository_owner": "octo", "repository_owner_id": "42",
            "workflow_ref": "octo/demo/.github/workflows/release.yml@refs/tags/v1",
            "job_workflow_ref": "octo/demo/.github/workflows/release.yml@refs/tags/v1",
            "ref": "refs/tags/v1", "sha": "abc", "jti": "j", "event_name": "push",
            "environment": "pypi",
        });
        let gitlab = serde_json::json!({
            "sub": "project_path:group/demo:ref_type:tag:ref:v1", "project_path": "group/demo",
            "ci_config_ref_uri": "gitlab.com/group/demo//.gitlab-ci.yml@refs/tags/v1",
            "ref_path": "refs/tags/v1", "sha": "abc", "jti": "j",
        });
        let google =
            serde_json::json!({"email": "ci@p.iam.gserviceaccount.com", "email_verified": true});
        let shapes: Vec<(ProviderKind, &serde_json::Value, serde_json::Value, &str)> = vec![
            (
                ProviderKind::GitHub,
                &github,
                serde_json::json!({"event_name": "pull_request_target"}),
                "pull_request_target",
            ),
            (
                ProviderKind::GitHub,
                &github,
                serde_json::json!({"job_workflow_ref": "octo/tools/.github/workflows/publish.yml@refs/tags/v1"}),
                "another repository",
            ),
            (
                ProviderKind::GitHub,
                &github,
                serde_json::json!({"job_workflow_ref": "octo/demo/.github/workflows/publish.yml@refs/heads/main"}),
                "loaded at refs/heads/main",
            ),
            (
                ProviderKind::GitHub,
                &github,
                serde_json::json!({"ref": "", "sha": ""}),
                "both empty",
            ),
            (
                ProviderKind::GitHub,
                &github,
                serde_json::json!({"job_workflow_ref": "octo/demo/.github/workflows/release@refs/tags/v1"}),
                "does not end in .yml",
            ),
            (
                ProviderKind::GitHub,
                &github,
                serde_json::json!({"sha": null}),
                "lacks the claim(s) sha",
            ),
            (
                ProviderKind::GitLab,
                &gitlab,
                serde_json::json!({"ci_config_ref_uri": "gitlab.com/group/templates//publish.yml@refs/heads/main"}),
                "comes from group/templates",
            ),
            (
                ProviderKind::GitLab,
                &gitlab,
                serde_json::json!({"ci_config_ref_uri": "gitlab.com/group/demo//.gitlab-ci.yml@refs/heads/other"}),
                "read at refs/heads/other",
            ),
            (
                ProviderKind::GitLab,
                &gitlab,
                serde_json::json!({"ci_config_ref_uri": "gitlab.com/group/demo//ci.json@refs/tags/v1"}),
                "does not end in .yml",
            ),
            (
                ProviderKind::GitLab,
                &gitlab,
                serde_json::json!({"ref_path": ""}),
                "ref_path",
            ),
            (
                ProviderKind::GitLab,
                &gitlab,
                serde_json::json!({"sub": "project_path:group/other"}),
                "sub claim",
            ),
            (
                ProviderKind::Google,
                &google,
                serde_json::json!({"email_verified": false}),
                "email_verified",
            ),
        ];
        let origin = Url::parse("https://pypi.org/").unwrap();
        let projects = vec!["demo".to_string()];
        for (provider, base, change, why) in shapes {
            let mut v = base.clone();
            for (k, val) in change.as_object().unwrap() {
                v[k] = val.clone();
            }
            let c = claims(v);
            let s = Subject {
                provider,
                claims: Some(&c),
                index: IndexKind::Pypi,
                origin: &origin,
                projects: &projects,
            };
            let error = TrustedError::Exchange {
                provider,
                error: ExchangeError::Refused {
                    status: 422,
                    errors: vec![super::super::IndexError {
                        code: "invalid-publisher".into(),
                        description: "valid token, but no corresponding publisher".into(),
                    }],
                },
                claims: None,
            };
            for text in [identity(&s, None), failure(&error, &s, Some("pypi"))] {
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    text.contains("No trusted publisher can match this job"),
                    "{why}: {text}"
                );
                assert!(text.contains(why), "{why}: {text}");
                assert!(text.contains("Change: "), "{why}: {text}");
                for never in [
                    "publisher that matches",
                    "/manage/",
                    "pending publisher",
                    "publisher form below",
                    "register this one",
                ] {
                    assert!(!text.contains(never), "{why}: {never:?} in {text}");
                }
            }
        }
    }
}
