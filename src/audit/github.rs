//! Reading GitHub Actions workflows: which jobs publish to an index, which hand a stored
//! secret to the upload, and what trusted publishing needs from each (environment, the
//! `id-token: write` permission).
//!
//! `read_workflow` reads the workflow-level settings and calls `read_job` for each job. May use
//! `super::yaml` and `super::ci` (the provider-neutral job and secret-name rules).

use super::ci::{self, Job, Provider};
use super::yaml::{self, Node, YamlError};

const PUBLISH_ACTION: &str = "pypa/gh-action-pypi-publish";

/// Reads one workflow file. `file` is its path relative to the repository root.
pub fn read_workflow(file: &str, text: &str) -> Result<Vec<Job>, YamlError> {
    let Some(root) = yaml::parse(text)? else {
        return Ok(Vec::new());
    };
    // Settings at the workflow level apply to every job.
    let mut top = Job::new(Provider::GitHub, file, "(workflow)", 1);
    if let Some(env) = root.get("env") {
        check_env(&mut top, env);
    }
    let workflow_permissions = root.get("permissions");

    let mut jobs = Vec::new();
    if let Some(all) = root.get("jobs") {
        for (id, key, node) in all.entries() {
            jobs.push(read_job(file, id, key.line(), node, workflow_permissions));
        }
    }

    // Workflow-level credentials belong to the jobs that publish; with none, to the workflow.
    if top.uses_stored_token() {
        let mut given = false;
        for job in jobs.iter_mut().filter(|j| j.publishes) {
            for s in &top.secrets {
                job.add_secret(
                    s.name.clone(),
                    s.line,
                    format!("{} (workflow-level `env`)", s.how),
                );
            }
            given = true;
        }
        if !given {
            jobs.push(top);
        }
    }
    Ok(jobs
        .into_iter()
        .filter(|j| j.publishes || j.uses_stored_token())
        .collect())
}

/// Reads one job of a workflow (`jobs.<id>`, its key at `line`): its environment, whether it
/// may request an OIDC token, the stored PyPI credentials it uses (in `env`, passed to a
/// reusable workflow, in its steps, or named anywhere else), and where it publishes.
fn read_job(
    file: &str,
    id: &str,
    line: usize,
    node: &Node,
    workflow_permissions: Option<&Node>,
) -> Job {
    let mut job = Job::new(Provider::GitHub, file, id, line);
    job.environment = node.get("environment").and_then(|e| match e {
        Node::Map { .. } => e.get("name").and_then(Node::as_str).map(str::to_string),
        other => other.as_str().map(str::to_string),
    });
    job.has_id_token = node
        .get("permissions")
        .or(workflow_permissions)
        .is_some_and(grants_id_token);
    if let Some(env) = node.get("env") {
        check_env(&mut job, env);
    }
    if let Some(called) = node.get("uses").and_then(Node::as_str) {
        // A reusable workflow: whatever it is given as a secret it may upload with.
        if let Some(secrets) = node.get("secrets") {
            for (name, k, v) in secrets.entries() {
                for s in ci::github_secret_refs(v.as_str().unwrap_or("")) {
                    if ci::is_pypi_credential_name(&s, false)
                        || ci::is_pypi_credential_name(name, false)
                    {
                        job.add_secret(
                            Some(s),
                            k.line(),
                            format!(
                                "passed as secret `{name}` to the reusable workflow `{called}`"
                            ),
                        );
                    }
                }
            }
        }
    }
    for step in node.get("steps").map(Node::items).unwrap_or_default() {
        read_step(&mut job, step);
    }
    // Any other mention of a secret named like a PyPI credential.
    node.walk(&mut |n| {
        let Some(text) = n.as_str() else { return };
        for (i, line) in text.lines().enumerate() {
            for s in ci::github_secret_refs(line) {
                if ci::is_pypi_credential_name(&s, false)
                    && !job.secrets.iter().any(|u| u.name.as_deref() == Some(&s))
                {
                    job.add_secret(
                        Some(s.clone()),
                        n.text_line(i),
                        format!("refers to the secret `{s}`"),
                    );
                }
            }
        }
    });
    if job.publishes && job.indexes.is_empty() {
        job.add_index("pypi.org");
    }
    job
}

/// Whether a `permissions:` value lets the job request an OIDC token.
fn grants_id_token(permissions: &Node) -> bool {
    match permissions {
        Node::Scalar { value, .. } => value == "write-all",
        _ => permissions
            .get("id-token")
            .and_then(Node::as_str)
            .is_some_and(|v| v == "write"),
    }
}

/// Credential variables in an `env:` mapping.
fn check_env(job: &mut Job, env: &Node) {
    for (name, key, value) in env.entries() {
        if !ci::is_credential_var(name) {
            continue;
        }
        let text = value.as_str().unwrap_or("");
        if text.trim().is_empty() {
            continue;
        }
        if ci::looks_minted(text) {
            job.minted = true;
            continue;
        }
        let secrets = ci::github_secret_refs(text);
        let how = match secrets.first() {
            Some(s) => format!("`{name}` is set from the secret `{s}`"),
            None => format!("`{name}` is set to a fixed value"),
        };
        job.add_secret(secrets.into_iter().next(), key.line(), how);
    }
}

fn read_step(job: &mut Job, step: &Node) {
    if let Some(env) = step.get("env") {
        check_env(job, env);
    }
    if let Some(uses) = step.get("uses").and_then(Node::as_str)
        && uses.starts_with(PUBLISH_ACTION)
    {
        job.add_tool(PUBLISH_ACTION);
        let with = step.get("with");
        let url = with.and_then(|w| w.get("repository-url").or_else(|| w.get("repository_url")));
        match url.and_then(Node::as_str) {
            Some(u) => job.add_index(ci::index_of(u).unwrap_or("a custom index")),
            None => job.add_index("pypi.org"),
        }
        if let Some((key, value)) = with.and_then(|w| w.entry("password")) {
            let text = value.as_str().unwrap_or("");
            if ci::looks_minted(text) {
                job.minted = true;
            } else if !text.trim().is_empty() {
                let secret = ci::github_secret_refs(text).into_iter().next();
                let how = match &secret {
                    Some(s) => format!("`password:` input of {PUBLISH_ACTION} is the secret `{s}`"),
                    None => format!("`password:` input of {PUBLISH_ACTION} is a fixed value"),
                };
                job.add_secret(secret, key.line(), how);
            }
        }
    }
    if let Some(run) = step.get("run") {
        let text = run.as_str().unwrap_or("");
        for (i, line) in text.lines().enumerate() {
            read_shell_line(job, line, run.text_line(i), ci::github_secret_refs);
        }
    }
}

/// One line of a shell script (GitHub `run:` or GitLab `script:`): upload commands, their
/// password flags, and credential variables exported by hand. `secret_of` names the stored
/// secret a value refers to.
pub fn read_shell_line(
    job: &mut Job,
    line: &str,
    line_no: usize,
    secret_of: impl Fn(&str) -> Vec<String>,
) {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return;
    }
    if let Some(tool) = ci::upload_tool(line) {
        job.add_tool(tool);
        if let Some(index) = ci::index_of(line) {
            job.add_index(index);
        }
        if let Some(value) = ci::password_flag(line, tool) {
            if ci::looks_minted(&value) {
                job.minted = true;
            } else if !value.is_empty() {
                let secret = secret_of(&value).into_iter().next();
                let how = match &secret {
                    Some(s) => format!("`{tool}` is given the password `{s}` on its command line"),
                    None => format!("`{tool}` is given a password on its command line"),
                };
                job.add_secret(secret, line_no, how);
            }
        }
    }
    // `export TWINE_PASSWORD=…` or `TWINE_PASSWORD=… twine upload`.
    for var in ci::CREDENTIAL_VARS {
        let Some(at) = line.find(&format!("{var}=")) else {
            continue;
        };
        let value = line[at + var.len() + 1..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(['"', '\'']);
        if value.is_empty() {
            continue;
        }
        if ci::looks_minted(value) {
            job.minted = true;
            continue;
        }
        let secret = secret_of(value).into_iter().next();
        let how = match &secret {
            Some(s) => format!("`{var}` is set from `{s}` in the script"),
            None => format!("`{var}` is set in the script"),
        };
        job.add_secret(secret, line_no, how);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"name: release
on: [push]
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: release
    steps:
      - uses: actions/checkout@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
  nightly:
    runs-on: ubuntu-latest
    steps:
      - run: |
          python -m build
          twine upload -r testpypi dist/*
        env:
          TWINE_USERNAME: __token__
          TWINE_PASSWORD: ${{ secrets.TEST_PYPI_TOKEN }}
  docs:
    runs-on: ubuntu-latest
    steps:
      - run: make docs
"#;

    #[test]
    fn token_style_workflow() {
        let jobs = read_workflow(".github/workflows/release.yml", OLD).unwrap();
        assert_eq!(jobs.len(), 2, "{jobs:#?}");
        let p = &jobs[0];
        assert_eq!(p.job, "publish");
        assert_eq!(p.environment.as_deref(), Some("release"));
        assert!(!p.has_id_token);
        assert_eq!(p.secret_names(), vec!["PYPI_API_TOKEN"]);
        assert_eq!(p.secrets[0].line, 11);
        let n = &jobs[1];
        assert_eq!(n.tools, vec!["twine upload"]);
        assert_eq!(n.indexes, vec!["test.pypi.org"]);
        assert_eq!(n.secret_names(), vec!["TEST_PYPI_TOKEN"]);
        assert_eq!(n.secrets[0].line, 20);
    }

    #[test]
    fn trusted_publishing_workflow() {
        let tp = "jobs:\n  pypi:\n    environment:\n      name: pypi\n      url: https://pypi.org/p/x\n    permissions:\n      id-token: write\n    steps:\n      - uses: pypa/gh-action-pypi-publish@release/v1\n";
        let jobs = read_workflow("w.yml", tp).unwrap();
        assert_eq!(jobs.len(), 1);
        assert!(jobs[0].has_id_token);
        assert!(!jobs[0].uses_stored_token());
        assert_eq!(jobs[0].environment.as_deref(), Some("pypi"));
    }

    #[test]
    fn workflow_level_env_and_permissions() {
        let wf = "permissions: write-all\nenv:\n  TWINE_PASSWORD: ${{ secrets.TOKEN }}\njobs:\n  up:\n    steps:\n      - run: twine upload dist/*\n";
        let jobs = read_workflow("w.yml", wf).unwrap();
        assert!(jobs[0].has_id_token);
        assert_eq!(jobs[0].secret_names(), vec!["TOKEN"]);
        assert_eq!(jobs[0].secrets[0].line, 3);
    }

    #[test]
    fn minted_password_is_not_stored() {
        let wf = "jobs:\n  up:\n    permissions:\n      id-token: write\n    steps:\n      - id: mint\n        run: curl https://pypi.org/_/oidc/mint-token\n      - uses: pypa/gh-action-pypi-publish@v1\n        with:\n          password: ${{ steps.mint.outputs.token }}\n";
        let jobs = read_workflow("w.yml", wf).unwrap();
        assert!(!jobs[0].uses_stored_token());
        assert!(jobs[0].minted);
    }
}
