//! Reading `.gitlab-ci.yml`: which jobs publish to an index, which use a CI/CD variable
//! holding a PyPI credential, and whether they declare an OIDC token for PyPI (`id_tokens:`).
//!
//! Only the file itself is read; files pulled in with `include:` are not followed.

use super::ci::{self, Job, Provider};
use super::github::read_shell_line;
use super::yaml::{self, Node, YamlError};

/// Top-level keys that configure the pipeline rather than name a job.
const RESERVED: &[&str] = &[
    "image",
    "services",
    "stages",
    "types",
    "before_script",
    "after_script",
    "variables",
    "cache",
    "include",
    "default",
    "workflow",
    "spec",
];

/// Reads a GitLab CI file. `file` is its path relative to the repository root.
pub fn read_gitlab_ci(file: &str, text: &str) -> Result<Vec<Job>, YamlError> {
    let Some(root) = yaml::parse(text)? else {
        return Ok(Vec::new());
    };
    let default = root.get("default");
    let mut top = Job::new(Provider::GitLab, file, "(global)", 1);
    if let Some(vars) = root.get("variables") {
        check_variables(&mut top, vars);
    }
    for key in ["before_script", "after_script"] {
        for scripts in [root.get(key), default.and_then(|d| d.get(key))]
            .into_iter()
            .flatten()
        {
            read_scripts(&mut top, scripts);
        }
    }
    let default_id_token = default
        .and_then(|d| d.get("id_tokens"))
        .is_some_and(has_pypi_audience);

    let mut jobs = Vec::new();
    for (name, key, node) in root.entries() {
        if RESERVED.contains(&name) || !matches!(node, Node::Map { .. }) {
            continue;
        }
        let mut job = Job::new(Provider::GitLab, file, name, key.line());
        job.environment = node.get("environment").and_then(|e| match e {
            Node::Map { .. } => e.get("name").and_then(Node::as_str).map(str::to_string),
            other => other.as_str().map(str::to_string),
        });
        job.has_id_token = default_id_token || node.get("id_tokens").is_some_and(has_pypi_audience);
        if let Some(vars) = node.get("variables") {
            check_variables(&mut job, vars);
        }
        for key in ["before_script", "script", "after_script"] {
            if let Some(scripts) = node.get(key) {
                read_scripts(&mut job, scripts);
            }
        }
        if job.publishes && job.indexes.is_empty() {
            job.add_index("pypi.org");
        }
        jobs.push(job);
    }
    if top.uses_stored_token() || top.publishes {
        let mut given = false;
        for job in jobs.iter_mut().filter(|j| j.publishes) {
            for s in &top.secrets {
                job.add_secret(s.name.clone(), s.line, format!("{} (global)", s.how));
            }
            given = true;
        }
        if !given && top.uses_stored_token() {
            jobs.push(top);
        }
    }
    Ok(jobs
        .into_iter()
        .filter(|j| j.publishes || j.uses_stored_token())
        .collect())
}

fn has_pypi_audience(id_tokens: &Node) -> bool {
    id_tokens.entries().iter().any(|(_, _, token)| {
        let aud = token.get("aud");
        let mut values: Vec<&str> = aud.and_then(Node::as_str).into_iter().collect();
        values.extend(
            aud.map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::as_str),
        );
        values
            .iter()
            .any(|v| v.to_ascii_lowercase().contains("pypi"))
    })
}

/// The names of CI/CD variables a value refers to that look like PyPI credentials, or any
/// variable when it is the whole value of a credential.
fn variable_refs(value: &str) -> Vec<String> {
    ci::shell_var_refs(value)
}

fn check_variables(job: &mut Job, vars: &Node) {
    for (name, key, value) in vars.entries() {
        let text = match value {
            Node::Map { .. } => value.get("value").and_then(Node::as_str).unwrap_or(""),
            other => other.as_str().unwrap_or(""),
        };
        if ci::is_credential_var(name) && !text.trim().is_empty() {
            if ci::looks_minted(text) {
                job.minted = true;
                continue;
            }
            let var = variable_refs(text).into_iter().next();
            let how = match &var {
                Some(v) => format!("`{name}` is set from the CI/CD variable `{v}`"),
                None => format!("`{name}` is set to a fixed value"),
            };
            job.add_secret(var, key.line(), how);
        }
    }
}

fn read_scripts(job: &mut Job, scripts: &Node) {
    let mut lines: Vec<(String, usize)> = Vec::new();
    scripts.walk(&mut |n| {
        if let Some(text) = n.as_str() {
            for (i, line) in text.lines().enumerate() {
                lines.push((line.to_string(), n.text_line(i)));
            }
        }
    });
    for (line, no) in lines {
        read_shell_line(job, &line, no, variable_refs);
        if line.trim_start().starts_with('#') {
            continue;
        }
        for var in ci::shell_var_refs(&line) {
            if ci::is_pypi_credential_name(&var, true)
                && !job.secrets.iter().any(|s| s.name.as_deref() == Some(&var))
            {
                job.add_secret(
                    Some(var.clone()),
                    no,
                    format!("uses the CI/CD variable `${var}`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_style_pipeline() {
        let text = "stages: [deploy]\nvariables:\n  GIT_DEPTH: 1\nbuild:\n  script: python -m build\npublish:\n  stage: deploy\n  environment: production\n  variables:\n    TWINE_USERNAME: __token__\n    TWINE_PASSWORD: $PYPI_TOKEN\n  script:\n    - pip install twine\n    - twine upload dist/*\n";
        let jobs = read_gitlab_ci(".gitlab-ci.yml", text).unwrap();
        assert_eq!(jobs.len(), 1, "{jobs:#?}");
        assert_eq!(jobs[0].job, "publish");
        assert_eq!(jobs[0].environment.as_deref(), Some("production"));
        assert_eq!(jobs[0].secret_names(), vec!["PYPI_TOKEN"]);
        assert_eq!(jobs[0].secrets[0].line, 11);
        assert!(!jobs[0].has_id_token);
    }

    #[test]
    fn script_variable_and_id_tokens() {
        let text = "release:\n  id_tokens:\n    PYPI_ID_TOKEN:\n      aud: pypi\n  script:\n    - uv publish --token \"$PYPI_API_TOKEN\"\n";
        let jobs = read_gitlab_ci(".gitlab-ci.yml", text).unwrap();
        assert!(jobs[0].has_id_token);
        assert_eq!(jobs[0].secret_names(), vec!["PYPI_API_TOKEN"]);
        assert_eq!(jobs[0].secrets[0].line, 6);
    }
}
