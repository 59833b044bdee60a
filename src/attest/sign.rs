//! Making PEP 740 attestations (`hoist upload --attest`): keyless Sigstore signing with the CI
//! job's own identity, the way `pypa/gh-action-pypi-publish` does it with sigstore-python.
//!
//! For each distribution: an in-toto v1 statement with one subject (the file's name and
//! SHA-256) and PyPI's publish predicate; an ephemeral ECDSA P-256 key; a short-lived Fulcio
//! certificate for that key, bound to an OIDC token with audience `sigstore`; a DSSE signature
//! over the statement; a Rekor v1 `dsse` 0.0.1 entry (PEP 740 has no place for the RFC 3161
//! timestamps that Rekor v2 needs). The Sigstore bundle that comes back is re-packed into the
//! attestation object PEP 740 defines, as pypi-attestations' `Attestation.from_bundle` does.
//!
//! The protocol work is the `sigstore-sign` crate's (sigstore/sigstore-rust); this module
//! chooses the services, builds the statement and converts the result.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use sigstore_sign::oidc::IdentityToken;
use sigstore_sign::rekor::RekorApiVersion;
use sigstore_sign::{SigningContext, SigningServices};

use crate::auth::{Secret, redact_url};

/// The predicate type of the attestations hoist makes.
pub const PUBLISH_PREDICATE: &str = "https://docs.pypi.org/attestations/publish/v1";
/// The OIDC audience Fulcio expects.
pub const AUDIENCE: &str = "sigstore";
/// Sigstore's public-good instance, the one PyPI trusts.
pub const FULCIO_URL: &str = "https://fulcio.sigstore.dev";
pub const REKOR_URL: &str = "https://rekor.sigstore.dev";

/// Where certificates come from and where signatures are logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Services {
    pub fulcio: String,
    pub rekor: String,
}

impl Services {
    /// The public-good instance, unless `HOIST_SIGSTORE_FULCIO_URL` / `HOIST_SIGSTORE_REKOR_URL`
    /// name others (a private Sigstore, or the fakes of the tests). The identity token goes to
    /// Fulcio, so a URL must be https, or plain http to this machine only.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Services, String> {
        let pick = |name: &str, default: &str| -> Result<String, String> {
            let value = env(name)
                .map(|v| v.trim().trim_end_matches('/').to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string());
            let url = reqwest::Url::parse(&value)
                .map_err(|e| format!("{name} is not a URL ({e}): {}", redact_url(&value)))?;
            let loopback = url.host_str().is_some_and(|h| {
                h.eq_ignore_ascii_case("localhost")
                    || h.trim_start_matches('[')
                        .trim_end_matches(']')
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|a| a.is_loopback())
            });
            match url.scheme() {
                "https" => Ok(value),
                "http" if loopback => Ok(value),
                _ => Err(format!(
                    "{name} must be an https URL (plain http only to this machine), because the job's identity token is sent there: {}",
                    redact_url(&value)
                )),
            }
        };
        Ok(Services {
            fulcio: pick("HOIST_SIGSTORE_FULCIO_URL", FULCIO_URL)?,
            rekor: pick("HOIST_SIGSTORE_REKOR_URL", REKOR_URL)?,
        })
    }

    /// The two URLs for messages, without any credentials they hold.
    pub fn describe(&self) -> String {
        format!("{}, {}", redact_url(&self.fulcio), redact_url(&self.rekor))
    }
}

/// Why a distribution could not be signed. The message never holds the identity token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{filename}: cannot make its attestation: {reason}")]
pub struct SignError {
    pub filename: String,
    pub reason: String,
}

/// Where the attestation of `dist` is written: `<dist>.publish.attestation`.
pub fn output_path(dist: &Path) -> PathBuf {
    let mut name = dist.as_os_str().to_owned();
    name.push(".publish.attestation");
    PathBuf::from(name)
}

/// The in-toto v1 statement for one distribution, as the bytes that get signed.
pub fn statement(filename: &str, sha256_hex: &str) -> Vec<u8> {
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": filename, "digest": {"sha256": sha256_hex.to_ascii_lowercase()}}],
        "predicateType": PUBLISH_PREDICATE,
        "predicate": null,
    });
    // Serialising a `Value` built from strings cannot fail.
    serde_json::to_vec(&statement).unwrap_or_default()
}

/// The longest pause between two signing attempts.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// How often a failed signing is tried again, and the first pause (doubled each time).
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub retries: u32,
    pub base: Duration,
}

/// Signs one distribution and returns its PEP 740 attestation object. A network error or a
/// 5xx from Fulcio or Rekor is tried again from the start, with a new key and certificate
/// (if Rekor had logged an entry whose answer was lost, the log then holds a second, unused
/// one; the attestation uses the last).
pub async fn sign(
    services: &Services,
    http: &reqwest::Client,
    token: &Secret,
    filename: &str,
    sha256_hex: &str,
    retry: Retry,
) -> Result<Value, SignError> {
    let fail = |reason: String| SignError {
        filename: filename.to_string(),
        reason: token.scrub(&reason),
    };
    let identity = IdentityToken::from_jwt(token.expose())
        .map_err(|e| fail(format!("the OIDC token for Sigstore is not a JWT ({e})")))?;
    let context = SigningContext::new(
        SigningServices::new(services.fulcio.clone(), services.rekor.clone())
            .with_rekor(services.rekor.clone(), RekorApiVersion::V1),
    )
    .with_http_client(http.clone());
    let signer = context.signer(identity);
    let statement = statement(filename, sha256_hex);
    let mut attempt = 0;
    let bundle = loop {
        match signer.sign_raw_statement(&statement).await {
            Ok(bundle) => break bundle,
            Err(e) if attempt < retry.retries && is_transient(&e) => {
                // The backoff every request shares: doubled steps, jitter, capped.
                let policy = crate::retry::Policy {
                    retries: retry.retries,
                    base: retry.base,
                    cap: MAX_PAUSE,
                };
                tokio::time::sleep(policy.delay(attempt + 1, None)).await;
                attempt += 1;
            }
            Err(e) => return Err(fail(describe(&e, services, token))),
        }
    };
    let bundle = serde_json::to_value(&bundle)
        .map_err(|e| fail(format!("cannot read the Sigstore bundle: {e}")))?;
    from_bundle(&bundle).map_err(fail)
}

/// A failure worth trying again: the network, or a server error of Fulcio or Rekor.
fn is_transient(error: &sigstore_sign::Error) -> bool {
    use sigstore_sign::Error as E;
    use sigstore_sign::fulcio::Error as F;
    use sigstore_sign::rekor::Error as R;
    match error {
        E::Fulcio(F::Http(_)) | E::Rekor(R::Http(_)) => true,
        E::Fulcio(F::Status { status, .. }) | E::Rekor(R::Status { status, .. }) => {
            *status >= 500 || *status == 429 || *status == 408
        }
        _ => false,
    }
}

/// Says which service failed, with its URL, in words a release job's log can act on. A
/// service's answer is quoted, cut to a readable length.
fn describe(error: &sigstore_sign::Error, services: &Services, token: &Secret) -> String {
    use sigstore_sign::Error as E;
    use sigstore_sign::fulcio::Error as FulcioError;
    // Whatever a service answered is quoted: secrets out first, then cut to a readable length.
    let text = match error {
        E::Fulcio(e) => e.to_string(),
        E::Rekor(e) => e.to_string(),
        other => other.to_string(),
    };
    let text = shorten(&scrub_jwts(&token.scrub(&text)), 600);
    match error {
        E::Fulcio(FulcioError::Status { status, .. }) if (400..500).contains(status) => format!(
            "Fulcio ({}) refused to issue a signing certificate: {text}. It accepts the job's OIDC token only with audience \"sigstore\" from an issuer it trusts (GitHub Actions, GitLab, Google Cloud, Buildkite, CircleCI)",
            redact_url(&services.fulcio)
        ),
        E::Fulcio(_) => format!(
            "Fulcio ({}) did not issue a signing certificate: {text}; rerun the job later (https://status.sigstore.dev)",
            redact_url(&services.fulcio)
        ),
        E::Rekor(_) => format!(
            "Rekor ({}) did not log the signature: {text}; rerun the job later (https://status.sigstore.dev)",
            redact_url(&services.rekor)
        ),
        _ => text,
    }
}

/// `text` cut to at most `max` bytes, on a character boundary.
fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Re-packs a Sigstore bundle (v0.3, DSSE) into a PEP 740 attestation object: the leaf
/// certificate, the first transparency-log entry as it is, the statement and the one
/// signature.
pub fn from_bundle(bundle: &Value) -> Result<Value, String> {
    let material = bundle
        .get("verificationMaterial")
        .ok_or("the Sigstore bundle has no verificationMaterial")?;
    let certificate = material
        .pointer("/certificate/rawBytes")
        .or_else(|| material.pointer("/x509CertificateChain/certificates/0/rawBytes"))
        .and_then(Value::as_str)
        .ok_or("the Sigstore bundle has no signing certificate")?;
    let entry = material
        .pointer("/tlogEntries/0")
        .ok_or("the Sigstore bundle has no transparency-log entry")?;
    let envelope = bundle
        .get("dsseEnvelope")
        .ok_or("the Sigstore bundle has no DSSE envelope")?;
    let payload = envelope
        .get("payload")
        .and_then(Value::as_str)
        .ok_or("the DSSE envelope has no payload")?;
    let signatures = envelope
        .get("signatures")
        .and_then(Value::as_array)
        .ok_or("the DSSE envelope has no signatures")?;
    let [signature] = signatures.as_slice() else {
        return Err(format!(
            "the DSSE envelope has {} signatures, expected exactly one",
            signatures.len()
        ));
    };
    let signature = signature
        .get("sig")
        .and_then(Value::as_str)
        .ok_or("the DSSE signature is empty")?;
    Ok(json!({
        "version": 1,
        "verification_material": {
            "certificate": certificate,
            "transparency_entries": [entry],
        },
        "envelope": {
            "statement": payload,
            "signature": signature,
        },
    }))
}

/// Replaces anything shaped like a JWT (`eyJ…`: a header, claims, a signature, or a cut-off
/// prefix of one) with stars: a service or a proxy may echo the request.
fn scrub_jwts(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("eyJ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=')))
            .unwrap_or(tail.len());
        out.push_str("********");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_has_one_subject_and_the_publish_predicate() {
        let s: Value = serde_json::from_slice(&statement("a-1.0.tar.gz", "ABCD")).unwrap();
        assert_eq!(s["_type"], "https://in-toto.io/Statement/v1");
        assert_eq!(s["subject"].as_array().map(Vec::len), Some(1));
        assert_eq!(s["subject"][0]["name"], "a-1.0.tar.gz");
        assert_eq!(s["subject"][0]["digest"]["sha256"], "abcd");
        assert_eq!(s["predicateType"], PUBLISH_PREDICATE);
        assert!(s["predicate"].is_null());
    }

    #[test]
    fn a_bundle_becomes_an_attestation_object() {
        let entry = json!({"logIndex": "7", "kindVersion": {"kind": "dsse", "version": "0.0.1"}});
        let bundle = json!({
            "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {"certificate": {"rawBytes": "Q0VSVA=="}, "tlogEntries": [entry]},
            "dsseEnvelope": {"payload": "U1RBVA==", "payloadType": "application/vnd.in-toto+json",
                             "signatures": [{"sig": "U0lH", "keyid": ""}]},
        });
        let att = from_bundle(&bundle).unwrap();
        assert_eq!(att["version"], 1);
        assert_eq!(att["verification_material"]["certificate"], "Q0VSVA==");
        assert_eq!(
            att["verification_material"]["transparency_entries"][0],
            entry
        );
        assert_eq!(att["envelope"]["statement"], "U1RBVA==");
        assert_eq!(att["envelope"]["signature"], "U0lH");
    }

    #[test]
    fn a_bundle_without_exactly_one_signature_is_refused() {
        let bundle = json!({
            "verificationMaterial": {"certificate": {"rawBytes": "Q0VSVA=="}, "tlogEntries": [{}]},
            "dsseEnvelope": {"payload": "U1RBVA==", "signatures": []},
        });
        assert!(from_bundle(&bundle).unwrap_err().contains("exactly one"));
    }

    #[test]
    fn services_default_to_public_good_and_follow_the_environment() {
        let none = |_: &str| None;
        assert_eq!(Services::from_env(&none).unwrap().fulcio, FULCIO_URL);
        let some =
            |n: &str| (n == "HOIST_SIGSTORE_REKOR_URL").then(|| "http://127.0.0.1:9/".into());
        let s = Services::from_env(&some).unwrap();
        assert_eq!(s.rekor, "http://127.0.0.1:9");
        assert_eq!(s.fulcio, FULCIO_URL);
    }

    #[test]
    fn echoed_tokens_and_their_prefixes_are_starred() {
        let m = r#"HTTP 400: {"credentials":{"oidcIdentityToken":"eyJhbGciOi.eyJhdWQiOiJzaWdzdG9yZSJ9.c2ln"}} and eyJhbGciOiJSUzI1NiIs"#;
        let s = scrub_jwts(m);
        assert!(!s.contains("eyJ"), "{s}");
        assert!(
            s.starts_with(r#"HTTP 400: {"credentials":{"oidcIdentityToken":"********"}}"#),
            "{s}"
        );
    }

    #[test]
    fn service_urls_must_be_https_except_to_this_machine() {
        let with = |url: &'static str| {
            move |n: &str| (n == "HOIST_SIGSTORE_FULCIO_URL").then(|| url.to_string())
        };
        assert!(Services::from_env(&with("http://127.0.0.1:8080")).is_ok());
        assert!(Services::from_env(&with("http://localhost:8080/")).is_ok());
        assert!(Services::from_env(&with("http://[::1]:8080/")).is_ok());
        assert!(Services::from_env(&with("https://fulcio.corp.example")).is_ok());
        let e = Services::from_env(&with("http://fulcio.corp.example")).unwrap_err();
        assert!(e.contains("https"), "{e}");
        let e = Services::from_env(&with("http://u:s3cretpw@fulcio.corp.example")).unwrap_err();
        assert!(!e.contains("s3cretpw"), "{e}");
        let s = Services::from_env(&with("https://u:s3cretpw@fulcio.corp.example")).unwrap();
        assert!(!s.describe().contains("s3cretpw"), "{}", s.describe());
    }

    #[test]
    fn the_output_sits_beside_the_file() {
        assert_eq!(
            output_path(Path::new("dist/a-1.0.tar.gz")),
            PathBuf::from("dist/a-1.0.tar.gz.publish.attestation")
        );
    }
}
