//! PEP 440 versions as packaging 26.2's `packaging.version.Version` reads, compares and prints
//! them (`packaging/version.py`), which is what PyPI uses for `Version` and for the version in
//! a filename. Numbers are kept as digit strings, so a version such as
//! `99999999999999999999.0` is valid, as it is for packaging (Python integers have no size
//! limit).
//!
//! The validating pattern is packaging's `VERSION_PATTERN` compiled with the `regex` crate:
//! Python's `\s` is spelt out, `(?a:...)` becomes `(?-u:...)`, and the possessive quantifiers
//! packaging uses on Python 3.11.5+ become greedy ones (which never changes whether the
//! pattern matches).

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use regex::Regex;

/// Python's `\s` for `str` patterns, as the inside of a character class.
pub const PY_WS: &str = r"\t\n\x0B\x0C\r\x1C-\x1F\x20\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}";

fn pattern() -> &'static Regex {
    static P: OnceLock<Regex> = OnceLock::new();
    P.get_or_init(|| {
        let ws = PY_WS;
        Regex::new(&format!(
            r"(?i)\A[{ws}]*v?(?-u:(?:(?P<epoch>[0-9]+)!)?(?P<release>[0-9]+(?:\.[0-9]+)*)(?P<pre>[._-]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[._-]?(?P<pre_n>[0-9]+)?)?(?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[._-]?(?P<post_l>post|rev|r)[._-]?(?P<post_n2>[0-9]+)?))?(?P<dev>[._-]?(?P<dev_l>dev)[._-]?(?P<dev_n>[0-9]+)?)?)(?-u:\+(?P<local>[a-z0-9]+(?:[._-][a-z0-9]+)*))?[{ws}]*\z"
        ))
        .expect("version pattern compiles")
    })
}

/// A number written in decimal, without leading zeros ("0" for zero).
fn number(digits: &str) -> String {
    let t = digits.trim_start_matches('0');
    if t.is_empty() { "0".into() } else { t.into() }
}

/// A parsed version. Equality is packaging's: trailing zero release parts do not count
/// (`1.0 == 1.0.0`), letters are normalised (`alpha` is `a`, `c` is `rc`), local labels compare
/// case-insensitively with numeric parts as numbers.
#[derive(Debug, Clone)]
pub struct Version {
    epoch: String,
    release: Vec<String>,
    pre: Option<(String, String)>,
    post: Option<String>,
    dev: Option<String>,
    local: Option<Vec<String>>,
}

/// packaging's `InvalidVersion`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid version: {}", crate::pyrepr::py_repr(.0))]
pub struct InvalidVersion(pub String);

impl FromStr for Version {
    type Err = InvalidVersion;

    fn from_str(s: &str) -> Result<Version, InvalidVersion> {
        let c = pattern()
            .captures(s)
            .ok_or_else(|| InvalidVersion(s.to_string()))?;
        let g = |n: &str| c.name(n).map(|m| m.as_str());
        let pre = g("pre_l").map(|l| {
            let l = match l.to_ascii_lowercase().as_str() {
                "alpha" => "a".to_string(),
                "beta" => "b".to_string(),
                "c" | "pre" | "preview" => "rc".to_string(),
                other => other.to_string(),
            };
            (l, number(g("pre_n").unwrap_or("0")))
        });
        let post = if g("post").is_some() {
            Some(number(g("post_n1").or(g("post_n2")).unwrap_or("0")))
        } else {
            None
        };
        Ok(Version {
            epoch: number(g("epoch").unwrap_or("0")),
            release: g("release").unwrap_or("0").split('.').map(number).collect(),
            pre,
            post,
            dev: g("dev").map(|_| number(g("dev_n").unwrap_or("0"))),
            local: g("local").map(|l| {
                l.split(['.', '_', '-'])
                    .map(|p| {
                        if p.bytes().all(|b| b.is_ascii_digit()) {
                            number(p)
                        } else {
                            p.to_ascii_lowercase()
                        }
                    })
                    .collect()
            }),
        })
    }
}

impl Version {
    /// Whether it has a post-release segment.
    pub fn is_post(&self) -> bool {
        self.post.is_some()
    }

    /// Whether it has a local version label (`+...`), which PyPI refuses.
    pub fn is_local(&self) -> bool {
        self.local.is_some()
    }

    /// The release without trailing zero parts (packaging's `_strip_trailing_zeros`).
    fn release_key(&self) -> &[String] {
        let mut n = self.release.len();
        while n > 1 && self.release[n - 1] == "0" {
            n -= 1;
        }
        &self.release[..n]
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.epoch == other.epoch
            && self.release_key() == other.release_key()
            && self.pre == other.pre
            && self.post == other.post
            && self.dev == other.dev
            && self.local == other.local
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    /// `str(Version)`: the normal form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != "0" {
            write!(f, "{}!", self.epoch)?;
        }
        f.write_str(&self.release.join("."))?;
        if let Some((l, n)) = &self.pre {
            write!(f, "{l}{n}")?;
        }
        if let Some(p) = &self.post {
            write!(f, ".post{p}")?;
        }
        if let Some(d) = &self.dev {
            write!(f, ".dev{d}")?;
        }
        if let Some(l) = &self.local {
            write!(f, "+{}", l.join("."))?;
        }
        Ok(())
    }
}

/// Whether packaging's `Version(value)` accepts `value`.
pub fn is_valid_version(value: &str) -> bool {
    pattern().is_match(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_packaging() {
        let v = |s: &str| s.parse::<Version>().map(|v| v.to_string());
        assert_eq!(
            v("99999999999999999999.0").unwrap(),
            "99999999999999999999.0"
        );
        assert_eq!(
            v(" V1.0-ALPHA.2_post-3.DEV4+Ab-01 ").unwrap(),
            "1.0a2.post3.dev4+ab.1"
        );
        assert_eq!(v("1!01.0c").unwrap(), "1!1.0rc0");
        assert_eq!(v("1.0-9").unwrap(), "1.0.post9");
        assert!(v("1.0-").is_err());
        assert_eq!("1.0".parse::<Version>(), "1.0.0".parse::<Version>());
        assert_ne!("1.0".parse::<Version>(), "1.0.post0".parse::<Version>());
    }
}
