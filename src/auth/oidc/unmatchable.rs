//! Jobs that no trusted publisher can match, whatever is registered: PyPI's own rules refuse
//! their claims before, or regardless of, any publisher lookup. For such a job a report must
//! say why and what to change in the workflow, and must never present a publisher as matching
//! or suggest registering one.
//!
//! Each rule is read from Warehouse (`warehouse/oidc/models/`, at pypi/warehouse 6b62157):
//! - `github.py`: `_check_event_name` (no `pull_request_target`); `_check_job_workflow_ref`
//!   (the ground truth is `{repository}/.github/workflows/{file}` of the publisher, whose
//!   owner and name `lookup_by_claims` takes from the `repository` claim, followed by `@` and
//!   the `ref` or the `sha` claim; both empty is an error); `_extract_workflow_filename`
//!   (`[^/]+\.(yml|yaml)` before `@`);
//! - `gitlab.py`: `_check_ci_config_ref_uri` (the ground truth is
//!   `{issuer host}/{project_path}//{file}` followed by `@` and the `ref_path` or the `sha`
//!   claim, and both must be present); `_extract_workflow_filepath` (`.yml`/`.yaml` after
//!   `//`); `_check_sub` (`project_path:{project_path}`);
//! - `google.py`: `email_verified` must be `true` (`check_claim_invariant(True)`);
//! - `_core.py`: `check_claims_existence`, every required claim present.
//!
//! May use the decoded [`Claims`] only: no network, no other part of hoist.

use super::{Claims, ProviderKind};

/// One reason no publisher can match, and the change to the workflow that removes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    /// Why PyPI refuses every publisher for this job.
    pub why: String,
    /// What to change in the CI configuration.
    pub fix: String,
}

fn blocker(why: impl Into<String>, fix: impl Into<String>) -> Blocker {
    Blocker {
        why: why.into(),
        fix: fix.into(),
    }
}

/// Every rule this job breaks, in the order PyPI checks them (empty: some publisher can match).
pub fn blockers(provider: ProviderKind, claims: &Claims) -> Vec<Blocker> {
    match provider {
        ProviderKind::GitHub => github(claims),
        ProviderKind::GitLab => gitlab(claims),
        ProviderKind::Google => google(claims),
        ProviderKind::Buildkite | ProviderKind::CircleCi => Vec::new(),
    }
}

/// Required claims that are absent (`_core.py`, `check_claims_existence`: `None` is an error),
/// or, among `non_empty`, empty (the provider's checks refuse an empty value).
fn missing(claims: &Claims, required: &[&str], non_empty: &[&str]) -> Option<Blocker> {
    let absent: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| match claims.get(c) {
            None => true,
            Some(v) => v.is_empty() && non_empty.contains(c),
        })
        .collect();
    (!absent.is_empty()).then(|| {
        blocker(
            format!(
                "the token lacks the claim(s) {} (absent or empty), which PyPI requires of every \
                 job from this provider",
                absent.join(", ")
            ),
            "Run the upload in a job of the provider's own hosted CI with an OIDC token it issued \
             itself; a token from another issuer or made by hand cannot be matched.",
        )
    })
}

/// Splits `text` at the `@` that follows a `.yml`/`.yaml` suffix, as Warehouse's patterns do
/// (a workflow file name and a git ref may both hold `@`): the first such `@` (GitHub's
/// `[^/]+\.(yml|yaml)(?=@)`), or with `last` the last one (GitLab's greedy
/// `.*[^/]\.(yml|yaml)(?=@)`). Without such a suffix, at the first `@`.
fn split_at_yaml(text: &str, last: bool) -> Option<(&str, &str)> {
    let hits = [".yml@", ".yaml@"]
        .iter()
        .filter_map(|suffix| {
            let found = if last {
                text.rfind(suffix)
            } else {
                text.find(suffix)
            };
            found.map(|i| i + suffix.len() - 1)
        })
        .collect::<Vec<_>>();
    let at = if last {
        hits.iter().max().copied()
    } else {
        hits.iter().min().copied()
    }
    .or_else(|| text.find('@'))?;
    Some((&text[..at], &text[at + 1..]))
}

/// `owner/repo/.github/workflows/file.yml@ref` split into (`owner/repo`, file, ref).
fn split_workflow_ref(value: &str) -> Option<(&str, &str, &str)> {
    let (path, at) = split_at_yaml(value, false)?;
    let (repo_path, file_path) = path.split_once("/.github/workflows/")?;
    Some((repo_path, file_path, at))
}

fn github(claims: &Claims) -> Vec<Blocker> {
    let mut out = Vec::new();
    if claims.get("event_name").as_deref() == Some("pull_request_target") {
        out.push(blocker(
            "the job runs on `pull_request_target`, and PyPI refuses to publish from a workflow \
             triggered by it (\"Publishing from a workflow invoked via 'pull_request_target' is \
             not supported\")",
            "Publish from a workflow triggered by a tag push (`on: push: tags`), a published \
             release (`on: release: types: [published]`) or `workflow_dispatch`.",
        ));
    }
    let required = [
        "repository",
        "repository_owner",
        "repository_owner_id",
        "job_workflow_ref",
        "jti",
        "event_name",
        "ref",
        "sha",
    ];
    let non_empty = [
        "repository",
        "repository_owner",
        "repository_owner_id",
        "job_workflow_ref",
    ];
    if let Some(b) = missing(claims, &required, &non_empty) {
        out.push(b);
        return out;
    }
    let repository = claims.get("repository").unwrap_or_default();
    let job_ref = claims.get("job_workflow_ref").unwrap_or_default();
    let git_ref = claims.get("ref").filter(|r| !r.is_empty());
    let sha = claims.get("sha").filter(|s| !s.is_empty());
    if git_ref.is_none() && sha.is_none() {
        out.push(blocker(
            "the token's `ref` and `sha` claims are both empty, and PyPI matches the workflow \
             at one of them",
            "Publish from a workflow triggered by a tag push, a published release or \
             `workflow_dispatch`, which run at a ref.",
        ));
    }
    out.extend(workflow_ref_blockers(&repository, &job_ref, git_ref, sha));
    out
}

/// What PyPI's GitHub publisher refuses in the workflow that runs the upload
/// (`job_workflow_ref`): no file under .github/workflows/, a file not ending in .yml/.yaml, a
/// reusable workflow from another repository, or one loaded at another ref than the run's.
fn workflow_ref_blockers(
    repository: &str,
    job_ref: &str,
    git_ref: Option<String>,
    sha: Option<String>,
) -> Vec<Blocker> {
    let mut out = Vec::new();
    let Some((repo_path, file, at)) = split_workflow_ref(job_ref) else {
        out.push(blocker(
            format!("job_workflow_ref {job_ref:?} names no workflow file under .github/workflows/"),
            "Run the upload from a workflow file in .github/workflows/.",
        ));
        return out;
    };
    let file_ok = !file.contains('/') && (file.ends_with(".yml") || file.ends_with(".yaml"));
    if !file_ok {
        out.push(blocker(
            format!(
                "the workflow file {file:?} does not end in .yml or .yaml, and PyPI reads the \
                 workflow name from that suffix"
            ),
            "Rename the workflow file to end in .yml or .yaml.",
        ));
    }
    if !repo_path.eq_ignore_ascii_case(repository) {
        out.push(blocker(
            format!(
                "the upload runs in the reusable workflow {repo_path}/.github/workflows/{file}, \
                 which lives in another repository than {repository}; PyPI requires the workflow \
                 that runs the upload (job_workflow_ref) to be in the repository the publisher \
                 names, which is the one that triggered the run"
            ),
            format!(
                "Run the upload step in a workflow of {repository} (build in the reusable \
                 workflow if you like, pass the files as an artifact, and upload in a job of the \
                 calling workflow), or publish from {repo_path} itself."
            ),
        ));
    } else if (git_ref.is_some() || sha.is_some())
        && git_ref.as_deref() != Some(at)
        && sha.as_deref() != Some(at)
    {
        out.push(blocker(
            format!(
                "the workflow that runs the upload was loaded at {at}, but the run is for {}; \
                 PyPI matches the workflow only at the run's ref or commit",
                git_ref.or(sha).unwrap_or_default()
            ),
            format!(
                "Call the reusable workflow at the same commit: `uses: ./.github/workflows/{file}` \
                 instead of `uses: {repo_path}/.github/workflows/{file}@{at_short}`.",
                at_short = at.rsplit('/').next().unwrap_or(at)
            ),
        ));
    }
    out
}

/// `host/group/project//path/file.yml@ref` split into (`host/group/project`, path, ref).
fn split_config_uri(value: &str) -> Option<(&str, &str, &str)> {
    let (path, at) = split_at_yaml(value, true)?;
    let (project, file) = path.split_once("//")?;
    Some((project, file, at))
}

fn gitlab(claims: &Claims) -> Vec<Blocker> {
    let mut out = Vec::new();
    let required = [
        "sub",
        "project_path",
        "ci_config_ref_uri",
        "jti",
        "ref_path",
        "sha",
    ];
    if let Some(b) = missing(claims, &required, &required) {
        out.push(b);
        return out;
    }
    let project_path = claims.get("project_path").unwrap_or_default();
    let config = claims.get("ci_config_ref_uri").unwrap_or_default();
    let ref_path = claims.get("ref_path").unwrap_or_default();
    let sha = claims.get("sha").unwrap_or_default();
    let sub = claims.get("sub").unwrap_or_default();
    let mut parts = sub.split(':');
    let sub_ok = parts.next() == Some("project_path")
        && parts
            .next()
            .is_some_and(|p| p.eq_ignore_ascii_case(&project_path));
    if !sub_ok {
        out.push(blocker(
            format!("the sub claim {sub:?} does not start with project_path:{project_path}"),
            "Use a token GitLab issued for this project's own pipeline (`id_tokens:` in the job).",
        ));
    }
    let Some((config_project, file, at)) = split_config_uri(&config) else {
        out.push(blocker(
            format!("ci_config_ref_uri {config:?} names no pipeline file"),
            "Keep the pipeline configuration in a .yml file in the project's repository.",
        ));
        return out;
    };
    let file_name = file.rsplit('/').next().unwrap_or(file);
    let file_ok = (file.ends_with(".yml") || file.ends_with(".yaml"))
        && file_name.len() > ".yml".len()
        && !file_name.starts_with(".yml")
        && !file_name.starts_with(".yaml");
    if !file_ok {
        out.push(blocker(
            format!("the top-level pipeline file {file:?} does not end in .yml or .yaml"),
            "Name the project's CI/CD configuration file with a .yml or .yaml suffix \
             (Settings > CI/CD > General pipelines).",
        ));
    }
    // The host part comes from the issuer; only the project is compared here.
    let config_path = config_project.split_once('/').map_or("", |(_, p)| p);
    if !config_path.eq_ignore_ascii_case(&project_path) {
        out.push(blocker(
            format!(
                "the pipeline configuration comes from {config_path} ({file}), not from \
                 {project_path}, the project that runs it; PyPI requires the top-level pipeline \
                 file to be in the project the publisher names"
            ),
            format!(
                "Keep the top-level pipeline file in {project_path} (include the shared \
                 configuration from it with `include:`, which PyPI does not look at), instead of \
                 pointing the project's CI/CD configuration file setting at {config_path}."
            ),
        ));
    } else if at != ref_path && at != sha {
        out.push(blocker(
            format!(
                "the pipeline configuration was read at {at}, but the pipeline runs for \
                 {ref_path}; PyPI matches the pipeline file only at the pipeline's ref or commit"
            ),
            "Run the publishing pipeline from the branch or tag whose .gitlab-ci.yml defines it.",
        ));
    }
    out
}

fn google(claims: &Claims) -> Vec<Blocker> {
    if let Some(b) = missing(claims, &["email", "email_verified"], &["email"]) {
        return vec![b];
    }
    if claims.get("email_verified").as_deref() != Some("true") {
        return vec![blocker(
            "the token's email_verified claim is not true, and PyPI accepts a Google identity \
             only with a verified email",
            "Mint the identity token for a service account (its email is verified): for example \
             `gcloud auth print-identity-token --include-email` as that account, or the metadata \
             server's identity endpoint with `format=full`.",
        )];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(v: serde_json::Value) -> Claims {
        Claims::from_map(v.as_object().cloned().unwrap_or_default())
    }

    fn github_job(overrides: serde_json::Value) -> Claims {
        let mut base = serde_json::json!({
            "repository": "octo/demo",
            "repository_owner": "octo",
            "repository_owner_id": "42",
            "workflow_ref": "octo/demo/.github/workflows/release.yml@refs/tags/v1",
            "job_workflow_ref": "octo/demo/.github/workflows/release.yml@refs/tags/v1",
            "ref": "refs/tags/v1",
            "sha": "0123456789abcdef0123456789abcdef01234567",
            "event_name": "push",
            "jti": "j",
        });
        for (k, v) in overrides.as_object().cloned().unwrap_or_default() {
            base[k] = v;
        }
        claims(base)
    }

    fn gitlab_job(overrides: serde_json::Value) -> Claims {
        let mut base = serde_json::json!({
            "sub": "project_path:group/demo:ref_type:tag:ref:v1",
            "project_path": "group/demo",
            "ci_config_ref_uri": "gitlab.com/group/demo//.gitlab-ci.yml@refs/tags/v1",
            "ref_path": "refs/tags/v1",
            "sha": "0123456789abcdef0123456789abcdef01234567",
            "iss": "https://gitlab.com",
            "jti": "j",
        });
        for (k, v) in overrides.as_object().cloned().unwrap_or_default() {
            base[k] = v;
        }
        claims(base)
    }

    #[test]
    fn ordinary_jobs_have_no_blocker() {
        assert!(blockers(ProviderKind::GitHub, &github_job(serde_json::json!({}))).is_empty());
        // A reusable workflow in the same repository, at the run's ref or commit: matchable.
        for at in ["refs/tags/v1", "0123456789abcdef0123456789abcdef01234567"] {
            let c = github_job(serde_json::json!({
                "job_workflow_ref": format!("octo/demo/.github/workflows/publish.yaml@{at}")
            }));
            assert!(blockers(ProviderKind::GitHub, &c).is_empty(), "{at}");
        }
        // `@` in the workflow file name and in the ref, as Warehouse's pattern allows.
        let c = github_job(serde_json::json!({
            "ref": "refs/heads/fix@2",
            "job_workflow_ref": "octo/demo/.github/workflows/re@lease.yml@refs/heads/fix@2"
        }));
        assert!(blockers(ProviderKind::GitHub, &c).is_empty());
        let c = gitlab_job(serde_json::json!({
            "ref_path": "refs/heads/fix@2",
            "ci_config_ref_uri": "gitlab.com/group/demo//ci/a@b.yml@refs/heads/fix@2"
        }));
        assert!(blockers(ProviderKind::GitLab, &c).is_empty());
        // Only the sha (a deployment run): matchable at the sha.
        let c = github_job(serde_json::json!({
            "ref": "",
            "job_workflow_ref": "octo/demo/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567"
        }));
        assert!(blockers(ProviderKind::GitHub, &c).is_empty());
        assert!(blockers(ProviderKind::GitLab, &gitlab_job(serde_json::json!({}))).is_empty());
        let nested = gitlab_job(serde_json::json!({
            "ci_config_ref_uri": "gitlab.example.com/group/sub/demo//ci/release.yaml@refs/tags/v1",
            "project_path": "group/sub/demo",
            "sub": "project_path:group/sub/demo:ref_type:tag:ref:v1",
        }));
        assert!(blockers(ProviderKind::GitLab, &nested).is_empty());
        let g = claims(
            serde_json::json!({"email": "a@p.iam.gserviceaccount.com", "email_verified": true}),
        );
        assert!(blockers(ProviderKind::Google, &g).is_empty());
    }

    fn one(provider: ProviderKind, c: &Claims, needle: &str) -> Blocker {
        let b = blockers(provider, c);
        assert_eq!(b.len(), 1, "{b:#?}");
        assert!(b[0].why.contains(needle), "{needle}: {b:#?}");
        b[0].clone()
    }

    #[test]
    fn github_rules() {
        let b = one(
            ProviderKind::GitHub,
            &github_job(serde_json::json!({"event_name": "pull_request_target"})),
            "pull_request_target",
        );
        assert!(b.fix.contains("workflow_dispatch"));
        let b = one(
            ProviderKind::GitHub,
            &github_job(serde_json::json!({
                "job_workflow_ref": "octo/tools/.github/workflows/publish.yml@refs/heads/main"
            })),
            "another repository",
        );
        assert!(b.fix.contains("workflow of octo/demo"), "{b:?}");
        let b = one(
            ProviderKind::GitHub,
            &github_job(serde_json::json!({
                "job_workflow_ref": "octo/demo/.github/workflows/publish.yml@refs/heads/main"
            })),
            "loaded at refs/heads/main",
        );
        assert!(
            b.fix.contains("uses: ./.github/workflows/publish.yml"),
            "{b:?}"
        );
        one(
            ProviderKind::GitHub,
            &github_job(serde_json::json!({"ref": "", "sha": ""})),
            "`ref` and `sha` claims are both empty",
        );
        one(
            ProviderKind::GitHub,
            &github_job(serde_json::json!({
                "job_workflow_ref": "octo/demo/.github/workflows/release.json@refs/tags/v1"
            })),
            "does not end in .yml",
        );
        one(
            ProviderKind::GitHub,
            &github_job(
                serde_json::json!({"job_workflow_ref": "octo/demo/release.yml@refs/tags/v1"}),
            ),
            "names no workflow file",
        );
        one(
            ProviderKind::GitHub,
            &github_job(serde_json::json!({"repository_owner_id": null})),
            "repository_owner_id",
        );
        // An absent `ref` is an error even with a `sha`; an empty one is not.
        one(
            ProviderKind::GitHub,
            &github_job(serde_json::json!({"ref": null})),
            "lacks the claim(s) ref",
        );
    }

    #[test]
    fn gitlab_rules() {
        let b = one(
            ProviderKind::GitLab,
            &gitlab_job(serde_json::json!({
                "ci_config_ref_uri": "gitlab.com/group/ci-templates//publish.yml@refs/heads/main"
            })),
            "comes from group/ci-templates",
        );
        assert!(b.fix.contains("include:"), "{b:?}");
        one(
            ProviderKind::GitLab,
            &gitlab_job(serde_json::json!({
                "ci_config_ref_uri": "gitlab.com/group/demo//.gitlab-ci.yml@refs/heads/main"
            })),
            "read at refs/heads/main",
        );
        one(
            ProviderKind::GitLab,
            &gitlab_job(serde_json::json!({"sha": null})),
            "sha",
        );
        one(
            ProviderKind::GitLab,
            &gitlab_job(serde_json::json!({
                "ci_config_ref_uri": "gitlab.com/group/demo//ci/pipeline.json@refs/tags/v1"
            })),
            "does not end in .yml",
        );
        one(
            ProviderKind::GitLab,
            &gitlab_job(serde_json::json!({
                "ci_config_ref_uri": "gitlab.com/group/demo/.gitlab-ci.yml@refs/tags/v1"
            })),
            "names no pipeline file",
        );
        one(
            ProviderKind::GitLab,
            &gitlab_job(serde_json::json!({"sub": "project_path:group/other:ref_type:tag:ref:v1"})),
            "sub claim",
        );
    }

    #[test]
    fn google_rules() {
        for verified in [serde_json::json!(false), serde_json::json!("yes")] {
            let c =
                claims(serde_json::json!({"email": "me@example.com", "email_verified": verified}));
            one(ProviderKind::Google, &c, "email_verified");
        }
        one(
            ProviderKind::Google,
            &claims(serde_json::json!({"email_verified": true})),
            "email",
        );
        one(
            ProviderKind::Google,
            &claims(serde_json::json!({"email": "me@example.com"})),
            "email_verified",
        );
    }
}
