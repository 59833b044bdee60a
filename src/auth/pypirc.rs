//! `.pypirc`, read as twine reads it (Python's `RawConfigParser`, strict): `[sections]`,
//! `key = value` or `key: value`, indented continuation lines, `#`/`;` comments; a duplicate
//! section or key is an error. `[distutils] index-servers` lists the repositories; `pypi` always
//! exists, `testpypi` when listed or when `index-servers` is absent; `[server-login]` gives
//! default credentials.
//!
//! Errors name the file and line but never repeat the line: it may hold a token.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Secret;

/// PyPI's upload URL.
pub const PYPI_URL: &str = "https://upload.pypi.org/legacy/";
/// TestPyPI's upload URL.
pub const TESTPYPI_URL: &str = "https://test.pypi.org/legacy/";

/// What is wrong with a `.pypirc`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path}:{line}: {what} (see https://packaging.python.org/specifications/pypirc/)")]
    Malformed {
        path: String,
        line: usize,
        what: String,
    },
    #[error("{}", missing_section(name, path, *file_missing))]
    MissingSection {
        name: String,
        path: String,
        /// The (default) `.pypirc` does not exist at all.
        file_missing: bool,
    },
    #[error(
        "the [{name}] section of {path} has no repository URL: add `repository = https://…/legacy/`"
    )]
    MissingRepository { name: String, path: String },
}

/// twine's words for a repository name `.pypirc` does not define, or, when there is no
/// `.pypirc` at all, that, with the nearest built-in name when the given one looks like a typo.
fn missing_section(name: &str, path: &str, file_missing: bool) -> String {
    if !file_missing {
        return format!(
            "Missing '{name}' section from {path}: add [{name}] with a repository URL, or list it in [distutils] index-servers"
        );
    }
    let typo = ["pypi", "testpypi"]
        .into_iter()
        .find(|known| name != *known && edit_distance(name, known) <= 2);
    let hint = typo.map_or(String::new(), |k| format!(" (did you mean `-r {k}`?)"));
    format!(
        "no repository named '{name}'{hint}: {path} does not exist, so only `pypi` and `testpypi` are known; pass --repository-url, or create {path} with a [{name}] section"
    )
}

/// Levenshtein distance of two short names, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[derive(Debug, Clone, Default)]
struct Section {
    values: BTreeMap<String, String>,
}

/// A parsed `.pypirc`.
#[derive(Debug, Clone, Default)]
pub struct PypiRc {
    path: String,
    /// No file was there (a missing default `~/.pypirc`).
    missing: bool,
    sections: BTreeMap<String, Section>,
}

/// One repository as `.pypirc` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryConfig {
    pub name: String,
    pub url: String,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
}

impl PypiRc {
    /// Reads `path`. A missing file is an error only when `explicit` (given with
    /// `--config-file`); a missing default `~/.pypirc` is an empty configuration.
    pub fn load(path: &Path, explicit: bool) -> Result<PypiRc, ConfigError> {
        let shown = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| ConfigError::Unreadable {
                    path: shown.clone(),
                    reason: "it is not UTF-8 text".into(),
                })?;
                PypiRc::parse(&text, &shown)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok(PypiRc {
                path: shown,
                missing: true,
                sections: BTreeMap::new(),
            }),
            Err(e) => Err(ConfigError::Unreadable {
                path: shown,
                reason: e.to_string(),
            }),
        }
    }

    /// Parses `.pypirc` text; `path` is only used in messages.
    pub fn parse(text: &str, path: &str) -> Result<PypiRc, ConfigError> {
        let malformed = |line: usize, what: &str| ConfigError::Malformed {
            path: path.to_string(),
            line,
            what: what.to_string(),
        };
        let mut sections: BTreeMap<String, Section> = BTreeMap::new();
        let mut current: Option<String> = None;
        // The key being read and the indentation of its line, for continuation lines.
        let mut last: Option<(String, usize)> = None;
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let stripped = raw.trim();
            if stripped.starts_with('#') || stripped.starts_with(';') {
                continue;
            }
            if stripped.is_empty() {
                continue;
            }
            let indent = raw.len() - raw.trim_start().len();
            if let (Some(section), Some((key, key_indent))) = (&current, &last)
                && indent > *key_indent
            {
                if let Some(v) = sections
                    .get_mut(section)
                    .and_then(|s| s.values.get_mut(key))
                {
                    v.push('\n');
                    v.push_str(stripped);
                }
                continue;
            }
            if let Some(rest) = stripped.strip_prefix('[') {
                // Like Python's `\[(?P<header>.+)\]`: up to the last `]`, whatever follows it
                // (`[pypi] ; a note` is the section `pypi`).
                let Some(name) = rest.rfind(']').filter(|&i| i > 0).map(|i| &rest[..i]) else {
                    return Err(malformed(n, "a section header must end with ']'"));
                };
                // Python merges repeated [DEFAULT] headers; any other section may appear once.
                if sections.contains_key(name) && name != "DEFAULT" {
                    return Err(malformed(n, &format!("section [{name}] appears twice")));
                }
                sections.entry(name.to_string()).or_default();
                current = Some(name.to_string());
                last = None;
                continue;
            }
            let Some(section) = &current else {
                return Err(malformed(
                    n,
                    "a line outside any [section] (a key before the first section header, or a bare token)",
                ));
            };
            let split = match (raw.find('='), raw.find(':')) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let Some(at) = split else {
                return Err(malformed(
                    n,
                    "a line that is neither `key = value` nor a section header",
                ));
            };
            let key = raw[..at].trim().to_lowercase();
            if key.is_empty() {
                return Err(malformed(n, "a value without a key"));
            }
            let value = raw[at + 1..].trim().to_string();
            let entry = sections.entry(section.clone()).or_default();
            if entry.values.contains_key(&key) {
                return Err(malformed(
                    n,
                    &format!("key `{key}` appears twice in [{section}]"),
                ));
            }
            entry.values.insert(key.clone(), value);
            last = Some((key, indent));
        }
        Ok(PypiRc {
            path: path.to_string(),
            missing: false,
            sections,
        })
    }

    /// A key of an existing section; like Python's configparser (which twine reads `.pypirc`
    /// with), a key missing from the section is taken from `[DEFAULT]`.
    fn get(&self, section: &str, key: &str) -> Option<&str> {
        let values = &self.sections.get(section)?.values;
        values
            .get(key)
            .or_else(|| self.sections.get("DEFAULT")?.values.get(key))
            .map(String::as_str)
    }

    /// The repositories `index-servers` lists (default: `pypi testpypi`).
    pub fn index_servers(&self) -> Option<Vec<String>> {
        self.get("distutils", "index-servers")
            .map(|v| v.split_whitespace().map(str::to_string).collect())
    }

    /// The repository called `name`, with twine's defaults for `pypi` and `testpypi`.
    pub fn repository(&self, name: &str) -> Result<RepositoryConfig, ConfigError> {
        let servers = self.index_servers();
        let listed = servers.as_ref().is_none_or(|s| s.iter().any(|x| x == name));
        let default_url = match name {
            "pypi" => Some(PYPI_URL),
            "testpypi" if listed => Some(TESTPYPI_URL),
            _ => None,
        };
        let section_ok = servers
            .as_ref()
            .is_some_and(|s| s.iter().any(|x| x == name))
            || (servers.is_none() && default_url.is_some());
        let has_section = section_ok && self.sections.contains_key(name);
        if default_url.is_none() && !has_section {
            return Err(ConfigError::MissingSection {
                name: name.to_string(),
                path: self.path.clone(),
                file_missing: self.missing,
            });
        }
        let pick = |key: &str| -> Option<String> {
            has_section
                .then(|| self.get(name, key))
                .flatten()
                .or_else(|| match key {
                    "username" | "password" => self.get("server-login", key),
                    _ => None,
                })
                .map(str::to_string)
        };
        let url = match pick("repository").or(default_url.map(str::to_string)) {
            Some(u) => u,
            None => {
                return Err(ConfigError::MissingRepository {
                    name: name.to_string(),
                    path: self.path.clone(),
                });
            }
        };
        Ok(RepositoryConfig {
            name: name.to_string(),
            url,
            username: pick("username"),
            password: pick("password").map(Secret::new),
            ca_cert: pick("ca_cert").map(PathBuf::from),
            client_cert: pick("client_cert").map(PathBuf::from),
        })
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = "[distutils]\nindex-servers =\n    pypi\n    private\n\n[pypi]\nusername = __token__\npassword = pypi-SECRET\n\n[private]\nrepository: https://example.com/legacy/\nusername=me\npassword=pw\nca_cert = /etc/ca.pem\n";

    #[test]
    fn reads_listed_sections() {
        let rc = PypiRc::parse(FULL, "~/.pypirc").unwrap();
        let p = rc.repository("private").unwrap();
        assert_eq!(p.url, "https://example.com/legacy/");
        assert_eq!(p.username.as_deref(), Some("me"));
        assert_eq!(p.password, Some(Secret::new("pw")));
        assert_eq!(p.ca_cert, Some(PathBuf::from("/etc/ca.pem")));
        let pypi = rc.repository("pypi").unwrap();
        assert_eq!(pypi.url, PYPI_URL);
        assert_eq!(pypi.password, Some(Secret::new("pypi-SECRET")));
        // testpypi exists only when listed (or when index-servers is absent).
        assert_eq!(
            rc.repository("testpypi").unwrap_err(),
            ConfigError::MissingSection {
                name: "testpypi".into(),
                path: "~/.pypirc".into(),
                file_missing: false,
            }
        );
    }

    #[test]
    fn an_unknown_name_without_a_file_says_so_and_suggests_the_near_one() {
        let rc = PypiRc::load(Path::new("/nonexistent/hoist/.pypirc"), false).unwrap();
        let err = rc.repository("testpyp").unwrap_err().to_string();
        assert_eq!(
            err,
            "no repository named 'testpyp' (did you mean `-r testpypi`?): /nonexistent/hoist/.pypirc does not exist, so only `pypi` and `testpypi` are known; pass --repository-url, or create /nonexistent/hoist/.pypirc with a [testpyp] section"
        );
        let err = rc.repository("internal").unwrap_err().to_string();
        assert!(err.starts_with("no repository named 'internal': "), "{err}");
        assert_eq!(edit_distance("pypy", "pypi"), 1);
    }

    #[test]
    fn defaults_without_a_file() {
        let rc = PypiRc::parse("", "~/.pypirc").unwrap();
        assert_eq!(rc.repository("pypi").unwrap().url, PYPI_URL);
        assert_eq!(rc.repository("testpypi").unwrap().url, TESTPYPI_URL);
        assert!(rc.repository("other").is_err());
    }

    #[test]
    fn unlisted_pypi_section_is_ignored_and_server_login_is_the_default() {
        let rc = PypiRc::parse(
            "[distutils]\nindex-servers = private\n[server-login]\nusername = old\npassword = oldpw\n[pypi]\npassword = ignored\n[private]\nrepository = https://x/\n",
            "rc",
        )
        .unwrap();
        assert_eq!(
            rc.repository("pypi").unwrap().password,
            Some(Secret::new("oldpw"))
        );
        assert_eq!(
            rc.repository("private").unwrap().username.as_deref(),
            Some("old")
        );
    }

    #[test]
    fn keys_missing_from_a_section_come_from_default_as_in_python() {
        let rc = PypiRc::parse(
            "[DEFAULT]\nusername = __token__\n\n[distutils]\nindex-servers = pypi private\n\n\
[pypi]\npassword = pypi-AgEI\n\n[private]\nrepository = https://example.org/\nusername = me\n",
            "f",
        )
        .unwrap();
        let pypi = rc.repository("pypi").unwrap();
        assert_eq!(pypi.username.as_deref(), Some("__token__"));
        let private = rc.repository("private").unwrap();
        assert_eq!(private.username.as_deref(), Some("me"));
        assert!(private.password.is_none());
        assert!(rc.repository("missing").is_err());

        // Repeated [DEFAULT] headers merge, as in Python; a key still appears once.
        let rc = PypiRc::parse(
            "[DEFAULT]\nusername = a\n[pypi]\n[DEFAULT]\npassword = p\n",
            "f",
        )
        .unwrap();
        let pypi = rc.repository("pypi").unwrap();
        assert_eq!(pypi.username.as_deref(), Some("a"));
        assert!(pypi.password.is_some());
        assert!(PypiRc::parse("[DEFAULT]\nusername = a\n[DEFAULT]\nusername = b\n", "f").is_err());
    }

    #[test]
    fn errors_name_the_line_and_never_the_content() {
        let e = PypiRc::parse("pypi-AgEIcHlwaS5vcmcTOKEN\n[pypi]\n", "rc").unwrap_err();
        assert!(e.to_string().contains("rc:1:"));
        assert!(!e.to_string().contains("pypi-AgE"));
        let e = PypiRc::parse("[a]\nx = 1\nx = 2\n", "rc").unwrap_err();
        assert!(
            e.to_string().starts_with("rc:3: key `x` appears twice"),
            "{e}"
        );
        let rc = PypiRc::parse(
            "[distutils] ; the list\nindex-servers = x\n[x] ; mine\nrepository = https://x/\n",
            "rc",
        )
        .unwrap();
        assert_eq!(rc.repository("x").unwrap().url, "https://x/");
        let e = PypiRc::parse("[a]\n[a]\n", "rc").unwrap_err();
        assert!(e.to_string().starts_with("rc:2:"));
        let e = PypiRc::parse("[distutils]\nindex-servers = x\n[x]\nusername = u\n", "rc")
            .unwrap()
            .repository("x")
            .unwrap_err();
        assert!(matches!(e, ConfigError::MissingRepository { .. }));
    }
}
