//! Suppressing false positives: the ignore file (`.hoist-audit-ignore` at the repository root,
//! or `--ignore-file`). Inline comments (`hoist-audit: ignore`) are read by [`super::scan`].
//!
//! One entry a line; `#` starts a comment:
//!
//! ```text
//! # a rule (or *) and what it applies to
//! AUD001 fingerprint:3f2a9c0d1e2b4a5c     # one token, everywhere in the history
//! AUD101 .github/workflows/legacy.yml     # a file (glob patterns allowed)
//! *      tests/fixtures/**                # every rule under a folder
//! AUD003 docs/tokens.md:12                # one line of a file
//! ```

use std::path::{Path, PathBuf};

use super::AuditError;
use super::rules;

/// The default name of the ignore file, at the repository root.
pub const DEFAULT_FILE: &str = ".hoist-audit-ignore";

#[derive(Debug, Clone)]
enum Target {
    /// A prefix of a token's fingerprint (at least 8 hex digits).
    Fingerprint(String),
    /// A path glob, optionally one line.
    Path(glob::Pattern, Option<usize>),
}

#[derive(Debug, Clone)]
struct Entry {
    /// `None` for `*`.
    code: Option<&'static str>,
    target: Target,
}

/// The parsed ignore file (empty when there is none).
#[derive(Debug, Clone, Default)]
pub struct IgnoreFile {
    entries: Vec<Entry>,
    /// Where it was read from, if anywhere.
    pub path: Option<PathBuf>,
}

impl IgnoreFile {
    /// Reads `explicit` (which must exist) or else `root/.hoist-audit-ignore` (which may not).
    pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Self, AuditError> {
        let (path, required) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => (root.join(DEFAULT_FILE), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(IgnoreFile::default());
            }
            Err(source) => return Err(AuditError::IgnoreFileRead { path, source }),
        };
        let mut file = Self::parse(&text, &path)?;
        file.path = Some(path);
        Ok(file)
    }

    /// Parses the text of an ignore file; `path` is only used in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, AuditError> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let err = |message: String| AuditError::IgnoreFile {
                path: path.to_path_buf(),
                line: i + 1,
                message,
            };
            let mut words = line.split_whitespace();
            let (Some(code), Some(target), None) = (words.next(), words.next(), words.next())
            else {
                return Err(err(
                    "expected `RULE TARGET` (RULE is a code like AUD001 or *; TARGET is a path glob, \
                     path:line, or fingerprint:HEX)"
                        .into(),
                ));
            };
            let code = if code == "*" {
                None
            } else {
                Some(
                    rules::find(code)
                        .ok_or_else(|| err(format!("unknown rule `{code}`")))?
                        .code,
                )
            };
            let target = if let Some(fp) = target.strip_prefix("fingerprint:") {
                let fp = fp.to_ascii_lowercase();
                if fp.len() < 8 || fp.len() > 16 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(err("a fingerprint is 8 to 16 hex digits".into()));
                }
                Target::Fingerprint(fp)
            } else {
                let (pattern, line) = match target.rsplit_once(':') {
                    Some((p, l)) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => {
                        (p, l.parse().ok())
                    }
                    _ => (target, None),
                };
                let pattern = glob::Pattern::new(pattern)
                    .map_err(|e| err(format!("bad path pattern: {e}")))?;
                Target::Path(pattern, line)
            };
            entries.push(Entry { code, target });
        }
        Ok(IgnoreFile {
            entries,
            path: None,
        })
    }

    /// Whether a finding of rule `code` at `path:line` (about the token with `fingerprint`, if
    /// any) is suppressed.
    pub fn matches(&self, code: &str, path: &str, line: usize, fingerprint: Option<&str>) -> bool {
        self.entries.iter().any(|e| {
            e.code.is_none_or(|c| c == code)
                && match &e.target {
                    Target::Fingerprint(fp) => {
                        fingerprint.is_some_and(|f| f.starts_with(fp.as_str()))
                    }
                    Target::Path(pattern, want_line) => {
                        pattern.matches_with(
                            path,
                            glob::MatchOptions {
                                case_sensitive: true,
                                require_literal_separator: false,
                                require_literal_leading_dot: false,
                            },
                        ) && want_line.is_none_or(|l| l == line)
                    }
                }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_match() {
        let text = "# comment\nAUD001 fingerprint:0123456789abcdef\nAUD101 .github/workflows/old.yml\n* tests/**\naud003 docs/a.md:12  # one line\n";
        let f = IgnoreFile::parse(text, Path::new("x")).unwrap();
        assert!(f.matches("AUD001", "a.py", 1, Some("0123456789abcdef")));
        assert!(!f.matches("AUD002", "a.py", 1, Some("0123456789abcdef")));
        assert!(f.matches("AUD101", ".github/workflows/old.yml", 9, None));
        assert!(f.matches("AUD104", "tests/fixtures/.pypirc", 3, None));
        assert!(f.matches("AUD003", "docs/a.md", 12, None));
        assert!(!f.matches("AUD003", "docs/a.md", 13, None));
    }

    #[test]
    fn bad_entries_are_errors_with_lines() {
        let err = IgnoreFile::parse("\nAUD999 x\n", Path::new("f")).unwrap_err();
        assert_eq!(err.to_string(), "f:2: unknown rule `AUD999`");
        assert!(IgnoreFile::parse("AUD001\n", Path::new("f")).is_err());
        assert!(IgnoreFile::parse("AUD001 fingerprint:xyz\n", Path::new("f")).is_err());
    }
}
