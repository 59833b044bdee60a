//! The claims of an OIDC token, decoded for display only.
//!
//! The signature is not verified: the index does that. hoist reads the claims to show a
//! maintainer what the job presented, next to what PyPI compares. Decoding hostile input never
//! panics: a token that does not decode gives [`ClaimsError`], never a partial result.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};

/// URL-safe base64, padding optional (JWTs have none; `id` pads before decoding).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// The largest token decoded (real ones are 1 to 2 KiB).
const MAX_TOKEN: usize = 64 * 1024;

/// Why a token's claims cannot be shown. Never contains the token's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimsError {
    #[error("the token is not a JWT (three dot-separated parts)")]
    Shape,
    #[error("the token is larger than {MAX_TOKEN} bytes")]
    TooLarge,
    #[error("the token's payload is not URL-safe base64")]
    Base64,
    #[error("the token's payload is not a JSON object")]
    Json,
}

/// A JWT's payload claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claims(Map<String, Value>);

impl Claims {
    /// Decodes the payload of `jwt` without verifying anything.
    pub fn decode(jwt: &str) -> Result<Claims, ClaimsError> {
        if jwt.len() > MAX_TOKEN {
            return Err(ClaimsError::TooLarge);
        }
        let mut parts = jwt.trim().split('.');
        let (Some(_header), Some(payload), Some(_sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ClaimsError::Shape);
        };
        let bytes = BASE64.decode(payload).map_err(|_| ClaimsError::Base64)?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(Claims(map)),
            _ => Err(ClaimsError::Json),
        }
    }

    /// A claim as text: strings as they are, numbers and booleans written out, `None` when
    /// absent or null. Lists and objects are shown as compact JSON.
    pub fn get(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    /// A claim for a report line: its value, or `MISSING` (the reference action's word).
    pub fn show(&self, name: &str) -> String {
        self.get(name).unwrap_or_else(|| "MISSING".to_string())
    }

    /// Whether the token expires within `margin` seconds from now, by its `exp` claim; a token
    /// without one is taken as lasting.
    pub fn expires_within(&self, margin: u64) -> bool {
        self.get("exp")
            .and_then(|e| e.parse::<u64>().ok())
            .is_some_and(|exp| exp <= unix_now().saturating_add(margin))
    }

    /// Builds claims from a JSON object (tests and fakes).
    pub fn from_map(map: Map<String, Value>) -> Claims {
        Claims(map)
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_read_from_exp() {
        let at = |exp: Value| Claims::from_map(Map::from_iter([("exp".to_string(), exp)]));
        let now = unix_now();
        assert!(at(Value::from(now + 30)).expires_within(60));
        assert!(!at(Value::from(now + 300)).expires_within(60));
        assert!(!Claims::from_map(Map::new()).expires_within(60));
    }

    fn jwt(payload: &str) -> String {
        format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn decodes_a_payload() {
        let c = Claims::decode(&jwt(
            r#"{"repository":"octo/demo","repository_owner_id":42,"environment":null}"#,
        ))
        .unwrap();
        assert_eq!(c.get("repository").as_deref(), Some("octo/demo"));
        assert_eq!(c.get("repository_owner_id").as_deref(), Some("42"));
        assert_eq!(c.show("environment"), "MISSING");
    }

    #[test]
    fn hostile_input_is_an_error_never_a_panic() {
        for bad in [
            "",
            ".",
            "..",
            "a.b",
            "a.b.c.d",
            "a.!!!.c",
            "a.\u{e9}\u{e9}.c",
            &jwt("[1,2]"),
            &jwt("\"text\""),
            &jwt("{\"a\":"),
            &"a.".repeat(40_000),
        ] {
            assert!(Claims::decode(bad).is_err(), "{bad:?}");
        }
        // Every prefix of a real token, and every byte flipped, decodes or errs cleanly.
        let good = jwt(r#"{"sub":"repo:octo/demo:ref:refs/tags/v1"}"#);
        for i in 0..good.len() {
            let _ = Claims::decode(&good[..i]);
            let mut b = good.clone().into_bytes();
            b[i] ^= 0x55;
            let _ = Claims::decode(&String::from_utf8_lossy(&b));
        }
    }
}
