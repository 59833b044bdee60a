//! Reading `.pypirc` files (twine's INI configuration) for stored passwords and tokens.

use super::token::{self, Redacted, TokenInfo};

/// A `password` entry of a `.pypirc` section. The value itself is never kept.
#[derive(Debug, Clone)]
pub struct PasswordEntry {
    /// The section, e.g. `pypi` or `testpypi`.
    pub section: String,
    /// 1-based line of the `password` key.
    pub line: usize,
    pub redacted: Redacted,
    /// The decoded token, when the value is one.
    pub token: Option<TokenInfo>,
    /// Whether the value starts with `pypi-` (a token, decodable or not).
    pub token_like: bool,
}

/// Every non-empty `password` entry of an INI text.
pub fn read(text: &str) -> Vec<PasswordEntry> {
    let mut section = String::new();
    let mut entries = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if raw.starts_with([' ', '\t']) {
            continue; // a continuation of the previous value
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_string();
            continue;
        }
        let Some(split) = line.find(['=', ':']) else {
            continue;
        };
        let key = line[..split].trim();
        let value = line[split + 1..].trim();
        if !key.eq_ignore_ascii_case("password") || value.is_empty() {
            continue;
        }
        let token_like = value.starts_with(token::PREFIX);
        entries.push(PasswordEntry {
            section: section.clone(),
            line: i + 1,
            redacted: token::redact(value),
            token: token_like.then(|| token::inspect(value).ok()).flatten(),
            token_like,
        });
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_passwords() {
        let text = "[distutils]\nindex-servers =\n  pypi\n  testpypi\n\n[pypi]\nusername = __token__\npassword = pypi-notreal\n\n[testpypi]\nusername: me\npassword: hunter2\n[empty]\npassword =\n";
        let entries = read(text);
        assert_eq!(entries.len(), 2);
        assert_eq!((entries[0].section.as_str(), entries[0].line), ("pypi", 8));
        assert!(entries[0].token_like && entries[0].token.is_none());
        assert_eq!(entries[1].section, "testpypi");
        assert!(!entries[1].token_like);
        assert_ne!(entries[1].redacted.prefix, "");
    }
}
