//! What the CI readers ([`super::github`], [`super::gitlab`]) have in common: the record of a
//! publishing job, and the text patterns that tell a stored credential from a minted one.
//!
//! The readers decide *where* to look (which YAML keys are jobs, steps, scripts, variables);
//! this module decides *what* a line of configuration means.

use serde::Serialize;

/// Which CI system a job belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    GitHub,
    GitLab,
}

/// One piece of evidence that a job depends on a stored PyPI credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretUse {
    /// The secret or CI variable name (`PYPI_API_TOKEN`), when the credential comes from one.
    pub name: Option<String>,
    pub line: usize,
    /// What the line does, e.g. "`password:` input of pypa/gh-action-pypi-publish".
    pub how: String,
}

/// A change to make to the job so it publishes with trusted publishing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub line: Option<usize>,
    pub text: String,
}

/// A CI job that publishes to a package index, or that holds a stored PyPI credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    pub provider: Provider,
    /// The configuration file, relative to the repository root.
    pub file: String,
    /// The job id (`publish`), or `(workflow)` for settings outside any job.
    pub job: String,
    pub line: usize,
    /// Whether the job runs an upload (publish action, `twine upload`, `uv publish`, …).
    pub publishes: bool,
    /// The upload tools seen, e.g. `pypa/gh-action-pypi-publish`, `twine upload`.
    pub tools: Vec<String>,
    /// Index hosts the job uploads to (`pypi.org`, `test.pypi.org`).
    pub indexes: Vec<String>,
    /// The deployment environment the job runs in, as written.
    pub environment: Option<String>,
    /// Whether the job can request an OIDC token for PyPI (`id-token: write` on GitHub,
    /// an `id_tokens:` entry with a PyPI audience on GitLab).
    pub has_id_token: bool,
    /// Evidence of a stored credential.
    pub secrets: Vec<SecretUse>,
    /// Lines where the job turns a minted token into a credential (manual exchange).
    pub minted: bool,
}

impl Job {
    pub fn new(provider: Provider, file: &str, job: &str, line: usize) -> Self {
        Job {
            provider,
            file: file.to_string(),
            job: job.to_string(),
            line,
            publishes: false,
            tools: Vec::new(),
            indexes: Vec::new(),
            environment: None,
            has_id_token: false,
            secrets: Vec::new(),
            minted: false,
        }
    }

    pub fn uses_stored_token(&self) -> bool {
        !self.secrets.is_empty()
    }

    pub fn add_tool(&mut self, tool: &str) {
        self.publishes = true;
        if !self.tools.iter().any(|t| t == tool) {
            self.tools.push(tool.to_string());
        }
    }

    pub fn add_index(&mut self, index: &str) {
        if !self.indexes.iter().any(|i| i == index) {
            self.indexes.push(index.to_string());
        }
    }

    pub fn add_secret(&mut self, name: Option<String>, line: usize, how: String) {
        let dup = self
            .secrets
            .iter()
            .any(|s| s.line == line && s.name == name);
        if !dup {
            self.secrets.push(SecretUse { name, line, how });
        }
    }

    /// The distinct secret names this job uses.
    pub fn secret_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for s in &self.secrets {
            if let Some(n) = &s.name
                && !names.contains(n)
            {
                names.push(n.clone());
            }
        }
        names
    }
}

/// Environment variables that hand a stored credential to an upload tool.
pub const CREDENTIAL_VARS: &[&str] = &[
    "TWINE_PASSWORD",
    "UV_PUBLISH_TOKEN",
    "UV_PUBLISH_PASSWORD",
    "FLIT_PASSWORD",
    "PDM_PUBLISH_PASSWORD",
    "HATCH_INDEX_AUTH",
    "POETRY_PYPI_TOKEN_PYPI",
    "POETRY_PYPI_TOKEN_TESTPYPI",
];

/// Whether an environment variable name carries an upload credential.
pub fn is_credential_var(name: &str) -> bool {
    CREDENTIAL_VARS.contains(&name)
        || (name.starts_with("POETRY_PYPI_TOKEN_"))
        || (name.starts_with("POETRY_HTTP_BASIC_") && name.ends_with("_PASSWORD"))
}

/// Whether a secret or variable name looks like a stored PyPI credential (`PYPI_TOKEN`,
/// `TEST_PYPI_API_TOKEN`, `PYPI_PASSWORD`).
pub fn is_pypi_credential_name(name: &str, require_secret_word: bool) -> bool {
    let upper = name.to_ascii_uppercase();
    if !upper.contains("PYPI") {
        return false;
    }
    !require_secret_word
        || [
            "TOKEN", "PASSWORD", "PASS", "SECRET", "KEY", "AUTH", "CRED", "PWD",
        ]
        .iter()
        .any(|w| upper.contains(w))
}

/// An upload command in a line of shell, and the tool's name.
pub fn upload_tool(line: &str) -> Option<&'static str> {
    const TOOLS: &[(&str, &str)] = &[
        ("twine upload", "twine upload"),
        ("uv publish", "uv publish"),
        ("poetry publish", "poetry publish"),
        ("flit publish", "flit publish"),
        ("hatch publish", "hatch publish"),
        ("pdm publish", "pdm publish"),
    ];
    let squeezed = line.split_whitespace().collect::<Vec<_>>().join(" ");
    TOOLS
        .iter()
        .find(|(needle, _)| squeezed.contains(needle))
        .map(|(_, tool)| *tool)
}

/// The password or token given on an upload command line (`-p X`, `--password=X`,
/// `--token X`), if any, followed by the rest of the line (so that `${{ secrets.X }}`, which
/// contains spaces, stays whole).
pub fn password_flag(line: &str, tool: &str) -> Option<String> {
    let flags: &[&str] = match tool {
        "twine upload" => &["-p", "--password"],
        "uv publish" => &["-p", "--password", "-t", "--token"],
        "poetry publish" => &["-p", "--password"],
        "hatch publish" => &["-a", "--auth"],
        "pdm publish" => &["-P", "--password"],
        _ => &[],
    };
    let words: Vec<&str> = line.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        for f in flags {
            if w == f {
                return Some(words.get(i + 1..).unwrap_or_default().join(" "));
            }
            if let Some(v) = w.strip_prefix(&format!("{f}=")) {
                let mut rest = vec![v];
                rest.extend(words.get(i + 1..).unwrap_or_default());
                return Some(rest.join(" "));
            }
        }
    }
    None
}

/// The GitHub secret names an expression text refers to (`${{ secrets.PYPI_TOKEN }}`,
/// `secrets['PYPI_TOKEN']`).
pub fn github_secret_refs(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("secrets") {
        let after = &rest[at + "secrets".len()..];
        let before_ok = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
        let name: String = if let Some(dot) = after.strip_prefix('.') {
            dot.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect()
        } else if let Some(br) = after.strip_prefix('[') {
            let br = br.trim_start_matches(['\'', '"']);
            br.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect()
        } else {
            String::new()
        };
        if before_ok && !name.is_empty() && name != "inherit" && !names.contains(&name) {
            names.push(name);
        }
        rest = after;
    }
    names
}

/// Shell variable names a line refers to (`$PYPI_TOKEN`, `${PYPI_TOKEN}`).
pub fn shell_var_refs(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = if bytes.get(i + 1) == Some(&b'{') {
                i + 2
            } else {
                i + 1
            };
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                end += 1;
            }
            if end > start {
                let name = &text[start..end];
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    names
}

/// The index a line of configuration points at, if it names one.
pub fn index_of(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("test.pypi.org") || lower.contains("testpypi") {
        Some("test.pypi.org")
    } else if lower.contains("upload.pypi.org") || lower.contains("//pypi.org") {
        Some("pypi.org")
    } else {
        None
    }
}

/// Whether a value is filled from something minted in the job rather than stored
/// (`${{ steps.mint.outputs.token }}`, `$(python -m id …)`).
pub fn looks_minted(value: &str) -> bool {
    value.contains("steps.") || value.contains("mint-token") || value.contains("$(")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_references() {
        assert_eq!(
            github_secret_refs("${{ secrets.PYPI_API_TOKEN }} ${{ secrets['TEST_PYPI'] }}"),
            vec!["PYPI_API_TOKEN", "TEST_PYPI"]
        );
        assert!(github_secret_refs("secrets: inherit").is_empty());
        assert!(github_secret_refs("mysecrets.X").is_empty());
    }

    #[test]
    fn shell_variables() {
        assert_eq!(
            shell_var_refs("twine upload -p $PYPI_TOKEN -u ${USER} $"),
            vec!["PYPI_TOKEN", "USER"]
        );
    }

    #[test]
    fn password_flags() {
        assert_eq!(
            password_flag("twine upload -u __token__ -p $T dist/*", "twine upload"),
            Some("$T dist/*".into())
        );
        assert_eq!(
            password_flag("uv publish --token=$T", "uv publish"),
            Some("$T".into())
        );
        assert_eq!(password_flag("twine upload dist/*", "twine upload"), None);
    }

    #[test]
    fn names() {
        assert!(is_pypi_credential_name("PYPI_API_TOKEN", true));
        assert!(!is_pypi_credential_name("PYPI_URL", true));
        assert!(is_pypi_credential_name("pypi", false));
        assert!(is_credential_var("POETRY_PYPI_TOKEN_FOO"));
        assert_eq!(
            upload_tool("python -m  twine  upload dist/*"),
            Some("twine upload")
        );
    }
}
