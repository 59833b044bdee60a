//! What a PyPI API token says about itself, read offline: the index it was made on, its id,
//! its kind (user-wide, project-scoped or trusted-publishing) and its time window.
//!
//! A token is `pypi-` followed by unpadded URL-safe base64 of a version 2 binary macaroon
//! ([`super::macaroon`]). Each caveat is JSON: the current `[tag, fields…]` arrays and the
//! legacy mappings that Warehouse still adapts (`warehouse/macaroons/caveats/`).
//!
//! Secrets: a token is only ever shown as [`redact`]: its first 12 characters and a SHA-256
//! fingerprint. No error in this module carries token text.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::macaroon::{self, MacaroonError};

/// The prefix every PyPI API token carries.
pub const PREFIX: &str = "pypi-";

/// How many leading characters of a token may be shown.
pub const SHOWN_CHARS: usize = 12;

/// URL-safe alphabet, padding optional (pymacaroons adds padding back before decoding).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Why a string is not a readable PyPI token. Never contains the token's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    #[error("no token given")]
    Empty,
    #[error("not a PyPI token: it does not start with `pypi-`")]
    Prefix,
    #[error("the text after `pypi-` is not URL-safe base64 (bad character or length)")]
    Base64,
    #[error("the decoded bytes are not a macaroon: {0}")]
    Macaroon(#[from] MacaroonError),
}

/// The token's first characters and its fingerprint: all of a token that hoist ever shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Redacted {
    /// The first [`SHOWN_CHARS`] characters (`pypi-AgEIcHl` for every pypi.org token).
    pub prefix: String,
    /// The first 16 hex digits of the SHA-256 of the whole token text.
    pub fingerprint: String,
}

impl std::fmt::Display for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}… (sha256:{})", self.prefix, self.fingerprint)
    }
}

/// Redacts a token (or any secret): the first 12 characters and a SHA-256 fingerprint.
///
/// The 12 characters of a real token are the same for every token of an index (`pypi-AgEIcHl`
/// on pypi.org). A short secret (a password in a `.pypirc`, text that is not a token at all)
/// shows at most a quarter of its length, so that no short secret is printed whole.
pub fn redact(token: &str) -> Redacted {
    let shown = SHOWN_CHARS.min(token.chars().count() / 4);
    let prefix: String = token.chars().take(shown).collect();
    Redacted {
        prefix,
        fingerprint: fingerprint(token.as_bytes()),
    }
}

/// The first 16 hex digits of the SHA-256 of `data`.
pub fn fingerprint(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// What a token can do, judged by its caveats as Warehouse's `warehouse/macaroons/caveats/` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    /// Acts for a user on every project the user can upload to (caveat `[3,…]`).
    User,
    /// Restricted to named projects (caveats `[1,…]` and/or `[2,…]`).
    Project,
    /// Minted by trusted publishing (caveat `[4,…]`); lives 15 minutes.
    TrustedPublishing,
    /// No caveat says (a future "stored caveats only" token, or an attenuated oddity).
    Unknown,
}

impl TokenKind {
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::User => "user-wide",
            TokenKind::Project => "project-scoped",
            TokenKind::TrustedPublishing => "trusted-publishing",
            TokenKind::Unknown => "unknown scope",
        }
    }
}

/// One caveat, as PyPI reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum CaveatInfo {
    /// `[0,expires_at,not_before]` or legacy `{"exp":…,"nbf":…}`.
    Expiration {
        expires_at: i64,
        not_before: i64,
        legacy: bool,
    },
    /// `[1,[names]]` or legacy `{"version":1,"permissions":{"projects":[…]}}`.
    ProjectNames { names: Vec<String>, legacy: bool },
    /// `[2,[ids]]` or legacy `{"project_ids":[…]}`.
    ProjectIds { ids: Vec<String>, legacy: bool },
    /// `[3,"user-id"]`; legacy `{"version":1,"permissions":"user"}` has no id (`None`).
    RequestUser {
        user_id: Option<String>,
        legacy: bool,
    },
    /// `[4,"publisher-id",null]`.
    OidcPublisher { publisher_id: String },
    /// Anything PyPI would reject or hoist does not know.
    Unrecognized { text: String, reason: String },
}

/// Everything a token says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    #[serde(flatten)]
    pub redacted: Redacted,
    /// The macaroon location: the index host (`pypi.org`, `test.pypi.org`).
    pub location: Option<String>,
    /// The macaroon identifier: the token's database id on the index (not secret).
    pub id: String,
    pub kind: TokenKind,
    /// Project names from `[1,…]` caveats.
    pub projects: Vec<String>,
    /// Project ids from `[2,…]` caveats.
    pub project_ids: Vec<String>,
    /// The user id of a `[3,…]` caveat.
    pub user_id: Option<String>,
    /// The publisher id of a `[4,…]` caveat.
    pub publisher_id: Option<String>,
    /// Earliest expiry over all expiration caveats (unix seconds).
    pub expires_at: Option<i64>,
    /// Latest not-before over all expiration caveats (unix seconds).
    pub not_before: Option<i64>,
    /// Whether any caveat uses a legacy JSON form.
    pub legacy_caveats: bool,
    pub caveats: Vec<CaveatInfo>,
}

impl TokenInfo {
    /// Whether the token's own caveats make it unusable at `now` (unix seconds).
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|exp| now >= exp)
    }

    /// One phrase: kind, projects and index, e.g. "project-scoped token for sampleproject on
    /// pypi.org".
    pub fn scope_line(&self) -> String {
        let names = if self.projects.is_empty() {
            self.project_ids
                .iter()
                .map(|id| format!("project id {id}"))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            self.projects.join(", ")
        };
        let mut s = match (self.kind, names.is_empty()) {
            (TokenKind::User, true) => "user-wide token".to_string(),
            (TokenKind::User, false) => format!("user-wide token restricted to {names}"),
            (TokenKind::Project, _) => format!("project-scoped token for {names}"),
            (TokenKind::TrustedPublishing, _) => "trusted-publishing token".to_string(),
            (TokenKind::Unknown, _) => "token of unknown scope".to_string(),
        };
        if let Some(loc) = &self.location {
            s.push_str(&format!(" on {loc}"));
        }
        s
    }
}

/// Decodes a PyPI token (`pypi-…`). Surrounding white space is ignored.
pub fn inspect(token: &str) -> Result<TokenInfo, TokenError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(TokenError::Empty);
    }
    let body = token.strip_prefix(PREFIX).ok_or(TokenError::Prefix)?;
    let bytes = BASE64
        .decode(body.trim_end_matches('='))
        .map_err(|_| TokenError::Base64)?;
    let m = macaroon::decode(&bytes)?;

    let mut info = TokenInfo {
        redacted: redact(token),
        location: m
            .location
            .as_ref()
            .map(|l| String::from_utf8_lossy(l).into_owned()),
        id: String::from_utf8_lossy(&m.identifier).into_owned(),
        kind: TokenKind::Unknown,
        projects: Vec::new(),
        project_ids: Vec::new(),
        user_id: None,
        publisher_id: None,
        expires_at: None,
        not_before: None,
        legacy_caveats: false,
        caveats: Vec::new(),
    };
    let (mut user, mut project, mut oidc) = (false, false, false);
    for c in &m.caveats {
        let caveat = parse_caveat(&c.identifier);
        match &caveat {
            CaveatInfo::Expiration {
                expires_at,
                not_before,
                legacy,
            } => {
                info.expires_at = Some(info.expires_at.map_or(*expires_at, |e| e.min(*expires_at)));
                info.not_before = Some(info.not_before.map_or(*not_before, |n| n.max(*not_before)));
                info.legacy_caveats |= legacy;
            }
            CaveatInfo::ProjectNames { names, legacy } => {
                project = true;
                info.legacy_caveats |= legacy;
                extend_unique(&mut info.projects, names);
            }
            CaveatInfo::ProjectIds { ids, legacy } => {
                project = true;
                info.legacy_caveats |= legacy;
                extend_unique(&mut info.project_ids, ids);
            }
            CaveatInfo::RequestUser { user_id, legacy } => {
                user = true;
                info.legacy_caveats |= legacy;
                if info.user_id.is_none() {
                    info.user_id.clone_from(user_id);
                }
            }
            CaveatInfo::OidcPublisher { publisher_id } => {
                oidc = true;
                info.publisher_id = Some(publisher_id.clone());
            }
            CaveatInfo::Unrecognized { .. } => {}
        }
        info.caveats.push(caveat);
    }
    info.kind = if oidc {
        TokenKind::TrustedPublishing
    } else if user {
        TokenKind::User
    } else if project {
        TokenKind::Project
    } else {
        TokenKind::Unknown
    };
    Ok(info)
}

fn extend_unique(into: &mut Vec<String>, from: &[String]) {
    for s in from {
        if !into.contains(s) {
            into.push(s.clone());
        }
    }
}

fn unrecognized(raw: &[u8], reason: &str) -> CaveatInfo {
    CaveatInfo::Unrecognized {
        text: String::from_utf8_lossy(raw).chars().take(200).collect(),
        reason: reason.to_string(),
    }
}

fn string_list(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// Reads one caveat the way Warehouse's `deserialize` does, including the legacy mappings.
pub fn parse_caveat(raw: &[u8]) -> CaveatInfo {
    let Ok(value) = serde_json::from_slice::<Value>(raw) else {
        return unrecognized(raw, "not JSON");
    };
    match &value {
        Value::Array(items) => {
            let Some(tag) = items.first().and_then(Value::as_i64) else {
                return unrecognized(raw, "the first element is not an integer tag");
            };
            match tag {
                0 => match (
                    items.get(1).and_then(Value::as_i64),
                    items.get(2).and_then(Value::as_i64),
                ) {
                    (Some(expires_at), Some(not_before)) => CaveatInfo::Expiration {
                        expires_at,
                        not_before,
                        legacy: false,
                    },
                    _ => unrecognized(raw, "expiration caveat without two integer times"),
                },
                1 => match string_list(items.get(1)) {
                    Some(names) => CaveatInfo::ProjectNames {
                        names,
                        legacy: false,
                    },
                    None => unrecognized(raw, "project-name caveat without a list of names"),
                },
                2 => match string_list(items.get(1)) {
                    Some(ids) => CaveatInfo::ProjectIds { ids, legacy: false },
                    None => unrecognized(raw, "project-id caveat without a list of ids"),
                },
                3 => match items.get(1).and_then(Value::as_str) {
                    Some(id) => CaveatInfo::RequestUser {
                        user_id: Some(id.to_string()),
                        legacy: false,
                    },
                    None => unrecognized(raw, "request-user caveat without a user id"),
                },
                4 => match items.get(1).and_then(Value::as_str) {
                    Some(id) => CaveatInfo::OidcPublisher {
                        publisher_id: id.to_string(),
                    },
                    None => unrecognized(raw, "publisher caveat without a publisher id"),
                },
                _ => unrecognized(raw, "unknown caveat tag"),
            }
        }
        Value::Object(map) => {
            if let Some(perms) = map.get("permissions") {
                if perms.as_str() == Some("user") {
                    return CaveatInfo::RequestUser {
                        user_id: None,
                        legacy: true,
                    };
                }
                if let Some(names) = string_list(perms.get("projects")) {
                    return CaveatInfo::ProjectNames {
                        names,
                        legacy: true,
                    };
                }
                return unrecognized(raw, "legacy permissions caveat of an unknown shape");
            }
            if let (Some(exp), Some(nbf)) = (
                map.get("exp").and_then(Value::as_i64),
                map.get("nbf").and_then(Value::as_i64),
            ) {
                return CaveatInfo::Expiration {
                    expires_at: exp,
                    not_before: nbf,
                    legacy: true,
                };
            }
            if let Some(ids) = string_list(map.get("project_ids")) {
                return CaveatInfo::ProjectIds { ids, legacy: true };
            }
            unrecognized(raw, "caveat must be an array")
        }
        _ => unrecognized(raw, "caveat must be an array"),
    }
}

/// Formats unix seconds as an RFC 3339 UTC time (`2023-11-14T22:28:20Z`).
pub fn format_time(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The current time in unix seconds (0 if the clock is before 1970).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times() {
        assert_eq!(format_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_time(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(format_time(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_time(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn legacy_caveats() {
        assert_eq!(
            parse_caveat(br#"{"version":1,"permissions":"user"}"#),
            CaveatInfo::RequestUser {
                user_id: None,
                legacy: true
            }
        );
        assert_eq!(
            parse_caveat(br#"{"version":1,"permissions":{"projects":["a","b"]}}"#),
            CaveatInfo::ProjectNames {
                names: vec!["a".into(), "b".into()],
                legacy: true
            }
        );
        assert_eq!(
            parse_caveat(br#"{"exp":20,"nbf":10}"#),
            CaveatInfo::Expiration {
                expires_at: 20,
                not_before: 10,
                legacy: true
            }
        );
        assert_eq!(
            parse_caveat(br#"{"project_ids":["x"]}"#),
            CaveatInfo::ProjectIds {
                ids: vec!["x".into()],
                legacy: true
            }
        );
        assert!(matches!(
            parse_caveat(br#"{"other":1}"#),
            CaveatInfo::Unrecognized { .. }
        ));
    }

    #[test]
    fn current_caveats() {
        assert_eq!(
            parse_caveat(br#"[4,"p"]"#),
            CaveatInfo::OidcPublisher {
                publisher_id: "p".into()
            }
        );
        assert!(matches!(
            parse_caveat(br#"[9,"x"]"#),
            CaveatInfo::Unrecognized { .. }
        ));
        assert!(matches!(
            parse_caveat(b"\xff\xfe"),
            CaveatInfo::Unrecognized { .. }
        ));
    }

    #[test]
    fn errors_never_carry_token_text() {
        let bad = "pypi-AgEIcHlwaS5vcmcSECRETSECRET";
        let err = inspect(bad).unwrap_err().to_string();
        assert!(!err.contains("SECRET"), "{err}");
    }

    #[test]
    fn redaction_shows_twelve_chars() {
        let r = redact(concat!(
            "pypi-",
            "AgEIcHlwaS5vcmc",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh"
        ));
        assert_eq!(r.prefix, "pypi-AgEIcHl");
        assert_eq!(r.fingerprint.len(), 16);
        assert_eq!(redact("hunter2").prefix, "h");
        assert_eq!(redact("abc").prefix, "");
    }
}
