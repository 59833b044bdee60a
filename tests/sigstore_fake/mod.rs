//! An in-process fake of the two Sigstore services keyless signing talks to, on 127.0.0.1 over
//! plain HTTP, following the wire protocol exactly as the `sigstore-fulcio` and `sigstore-rekor`
//! 0.15.1 clients send and parse it:
//!
//! - Fulcio `POST /api/v2/signingCert`: takes `{"credentials": {"oidcIdentityToken": JWT},
//!   "publicKeyRequest": {"publicKey": {"algorithm": "", "content": SPKI PEM},
//!   "proofOfPossession": base64 DER ECDSA signature over the token's email or else `sub`}}`.
//!   It verifies the JWT (RS256, the key of tests/oidc_fake), its `aud` (`sigstore`) and `exp`,
//!   and the proof of possession with the submitted key, then issues a 10-minute leaf from a
//!   throwaway CA for that key: code-signing EKU, a SAN URI identity
//!   (`https://github.com/{job_workflow_ref}` for GitHub tokens, else the email or `sub`), and
//!   the Fulcio issuer extensions 1.3.6.1.4.1.57264.1.1 (raw) and .1.8 (UTF8String). The answer
//!   is `{"signedCertificateEmbeddedSct": {"chain": {"certificates": [leaf PEM, root PEM]}}}`
//!   (no SCT is embedded: nothing here checks one).
//! - Rekor v1 `POST /api/v1/log/entries` with a `dsse` 0.0.1 `proposedContent` entry (the
//!   envelope as a JSON string, one verifier: base64 of the leaf's PEM). It verifies the
//!   envelope's one signature over the DSSE PAE with the verifier certificate's key, logs the
//!   canonicalized body, and answers `201 {uuid: {body, integratedTime, logID, logIndex,
//!   verification: {signedEntryTimestamp, inclusionProof: {checkpoint, hashes, logIndex,
//!   rootHash, treeSize}}}}` with a SET and a checkpoint signed by the fake log key and an
//!   RFC 6962 inclusion proof over every entry logged so far.
//!
//! [`verify_attestation`] checks a PEP 740 attestation object against the fake's CA and log key,
//! independently of hoist and of the sigstore crates (a small DER reader, ring for signatures).

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::BufReader;

use crate::netsupport::http::{self, BodySink};
use crate::netsupport::{Background, bind_loopback};
use crate::oidc_fake::now;

/// The audience Fulcio accepts.
pub const AUDIENCE: &str = "sigstore";
/// The in-toto payload type of every DSSE envelope PEP 740 uses.
pub const INTOTO: &str = "application/vnd.in-toto+json";
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
pub const PUBLISH_V1: &str = "https://docs.pypi.org/attestations/publish/v1";
/// Lifetime of the leaf certificates, in seconds (Fulcio's is 10 minutes).
pub const LEAF_LIFETIME: u64 = 600;
/// The origin line of the fake log's checkpoints.
pub const LOG_ORIGIN: &str = "fake-rekor.sigstore.test - 4242";

/// DER prefix of a P-256 SubjectPublicKeyInfo, before the 65-byte uncompressed point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
const OID_EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
const OID_P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
const OID_ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const OID_SAN: &[u64] = &[2, 5, 29, 17];
const OID_EKU: &[u64] = &[2, 5, 29, 37];
const OID_CODE_SIGNING: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 3];
pub const OID_FULCIO_ISSUER_V1: &[u64] = &[1, 3, 6, 1, 4, 1, 57264, 1, 1];
pub const OID_FULCIO_ISSUER_V2: &[u64] = &[1, 3, 6, 1, 4, 1, 57264, 1, 8];

/// How the fake behaves.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Answer every signingCert request with this status (and a JSON error) instead.
    pub fulcio_status: Option<u16>,
    /// Answer every log entry request with this status (and a JSON error) instead.
    pub rekor_status: Option<u16>,
    /// When set, the forced statuses above answer only the first N requests of each service;
    /// later ones are served normally (a transient outage).
    pub forced_times: Option<usize>,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The status answered.
    pub status: u16,
}

impl Seen {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        http::header(&self.headers, name)
    }
}

/// A certificate Fulcio issued.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The verified token's claims.
    pub claims: Value,
    /// The identity the proof of possession signed (email or `sub`).
    pub identity: String,
    /// The SAN URI put in the certificate.
    pub san: String,
    pub leaf_der: Vec<u8>,
}

/// An entry Rekor logged.
#[derive(Debug, Clone)]
pub struct Logged {
    pub log_index: u64,
    pub integrated_time: u64,
    /// The canonicalized body (JSON bytes, not base64).
    pub body: Vec<u8>,
    /// The envelope as the client submitted it (a JSON string).
    pub envelope: String,
    pub payload: Vec<u8>,
}

#[derive(Default)]
pub struct State {
    pub seen: Vec<Seen>,
    pub issued: Vec<Issued>,
    pub logged: Vec<Logged>,
    /// RFC 6962 leaf hashes of the log, in order.
    leaves: Vec<[u8; 32]>,
    serial: u64,
}

struct Keys {
    root_key: rcgen::KeyPair,
    root_params: rcgen::CertificateParams,
    root_der: Vec<u8>,
    root_pem: String,
    log_key: EcdsaKeyPair,
    log_spki: Vec<u8>,
    oidc_key: RsaKeyPair,
}

pub struct Fake {
    addr: std::net::SocketAddr,
    pub state: Arc<Mutex<State>>,
    config: Arc<Mutex<Config>>,
    keys: Arc<Keys>,
    _server: Background,
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// The DSSE pre-authentication encoding.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    v.extend_from_slice(payload);
    v
}

/// A P-256 SubjectPublicKeyInfo for an uncompressed point.
pub fn p256_spki(point: &[u8]) -> Vec<u8> {
    let mut v = P256_SPKI_PREFIX.to_vec();
    v.extend_from_slice(point);
    v
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut s = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

/// The DER of the first PEM block labelled `label`.
pub fn pem_der(text: &str, label: &str) -> Result<Vec<u8>, String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text
        .find(&begin)
        .ok_or_else(|| format!("no {label} PEM block"))?
        + begin.len();
    let stop = text[start..]
        .find(&end)
        .ok_or_else(|| format!("unterminated {label} PEM block"))?
        + start;
    let b64: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD
        .decode(b64)
        .map_err(|e| format!("{label} PEM is not base64: {e}"))
}

fn make_keys() -> Keys {
    let root_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .expect("generate the fake Fulcio root key");
    let mut root_params = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::OrganizationName, "sigstore.test");
    dn.push(rcgen::DnType::CommonName, "fake-fulcio");
    root_params.distinguished_name = dn;
    root_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    root_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let t = now();
    root_params.not_before =
        rcgen::date_time_ymd(1970, 1, 1) + std::time::Duration::from_secs(t - 3600);
    root_params.not_after =
        rcgen::date_time_ymd(1970, 1, 1) + std::time::Duration::from_secs(t + 86400);
    let root = root_params
        .self_signed(&root_key)
        .expect("self-sign the fake Fulcio root");
    let root_der = root.der().to_vec();
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
        .expect("generate the fake Rekor key");
    let log_key = EcdsaKeyPair::from_pkcs8(
        &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        pkcs8.as_ref(),
        &rng,
    )
    .expect("load the fake Rekor key");
    let log_spki = p256_spki(log_key.public_key().as_ref());
    Keys {
        root_pem: pem("CERTIFICATE", &root_der),
        root_der,
        root_key,
        root_params,
        log_key,
        log_spki,
        oidc_key: crate::oidc_fake::load_key(),
    }
}

impl Fake {
    pub fn start() -> Fake {
        Fake::start_with(Config::default())
    }

    pub fn start_with(config: Config) -> Fake {
        let listener = bind_loopback();
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State::default()));
        let config = Arc::new(Mutex::new(config));
        let keys = Arc::new(make_keys());
        let (s, c, k) = (state.clone(), config.clone(), keys.clone());
        let server = Background::serve_each("sigstore-fake", listener, move |stream| {
            let (s, c, k) = (s.clone(), c.clone(), k.clone());
            async move {
                let _ = serve(stream, s, c, k).await;
            }
        });
        Fake {
            addr,
            state,
            config,
            keys,
            _server: server,
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn fulcio_url(&self) -> String {
        format!("{}/fulcio", self.base())
    }
    pub fn rekor_url(&self) -> String {
        format!("{}/rekor", self.base())
    }
    /// The environment hoist reads the service URLs from.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("HOIST_SIGSTORE_FULCIO_URL", self.fulcio_url()),
            ("HOIST_SIGSTORE_REKOR_URL", self.rekor_url()),
        ]
    }
    pub fn set_config(&self, config: Config) {
        *self.config.lock().expect("config") = config;
    }
    pub fn root_cert_der(&self) -> Vec<u8> {
        self.keys.root_der.clone()
    }
    pub fn root_cert_pem(&self) -> String {
        self.keys.root_pem.clone()
    }
    /// The log key's DER SubjectPublicKeyInfo.
    pub fn rekor_public_key_der(&self) -> Vec<u8> {
        self.keys.log_spki.clone()
    }
    /// The log ID: SHA-256 of the log key's DER SPKI.
    pub fn log_id(&self) -> [u8; 32] {
        sha256(&self.keys.log_spki)
    }
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().expect("state").seen.clone()
    }
    pub fn issued(&self) -> Vec<Issued> {
        self.state.lock().expect("state").issued.clone()
    }
    pub fn logged(&self) -> Vec<Logged> {
        self.state.lock().expect("state").logged.clone()
    }
    /// Requests to Fulcio's signingCert, answered or not.
    pub fn fulcio_requests(&self) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.path().ends_with("/api/v2/signingCert"))
            .count()
    }
    /// Requests to Rekor's log entries, answered or not.
    pub fn rekor_requests(&self) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.path().ends_with("/api/v1/log/entries"))
            .count()
    }
}

struct Answer {
    status: u16,
    body: Value,
}

fn answer(status: u16, body: Value) -> Answer {
    Answer { status, body }
}

fn error(status: u16, message: impl Into<String>) -> Answer {
    answer(status, json!({"code": status, "message": message.into()}))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

async fn serve(
    stream: tokio::net::TcpStream,
    state: Arc<Mutex<State>>,
    config: Arc<Mutex<Config>>,
    keys: Arc<Keys>,
) -> std::io::Result<()> {
    let mut stream = BufReader::new(stream);
    loop {
        let Some(head) = http::read_head(&mut stream).await? else {
            return Ok(());
        };
        if head.expects_continue() {
            http::write_continue(stream.get_mut()).await?;
        }
        let mut sink = BodySink::new(16 * 1024 * 1024);
        http::read_body(&mut stream, head.framing()?, None, &mut sink).await?;
        let mut seen = Seen {
            method: head.method.clone(),
            target: head.target.clone(),
            headers: head.headers.clone(),
            body: sink.data,
            status: 0,
        };
        let cfg = config.lock().expect("config").clone();
        let a = handle(&seen, &state, &cfg, &keys);
        seen.status = a.status;
        state.lock().expect("state").seen.push(seen);
        http::write_response(
            stream.get_mut(),
            a.status,
            reason(a.status),
            &[("Content-Type".into(), "application/json".into())],
            a.body.to_string().as_bytes(),
            !head.keep_alive(),
        )
        .await?;
        if !head.keep_alive() {
            return Ok(());
        }
    }
}

fn handle(req: &Seen, state: &Mutex<State>, cfg: &Config, keys: &Keys) -> Answer {
    // Requests to the same path answered before this one.
    let before = state
        .lock()
        .expect("state")
        .seen
        .iter()
        .filter(|s| s.path() == req.path())
        .count();
    let forced =
        |status: Option<u16>| status.filter(|_| cfg.forced_times.is_none_or(|n| before < n));
    match (req.method.as_str(), req.path()) {
        ("POST", "/fulcio/api/v2/signingCert") => match forced(cfg.fulcio_status) {
            Some(s) => error(s, "fake Fulcio failure"),
            None => fulcio(req, state, keys).unwrap_or_else(|a| a),
        },
        ("POST", "/rekor/api/v1/log/entries") => match forced(cfg.rekor_status) {
            Some(s) => error(s, "fake Rekor failure"),
            None => rekor(req, state, keys).unwrap_or_else(|a| a),
        },
        _ => error(404, "Not Found"),
    }
}

fn b64_json(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Checks an RS256 JWT from tests/oidc_fake and returns its claims.
fn verify_jwt(token: &str, key: &RsaKeyPair) -> Result<Value, String> {
    let parts: Vec<&str> = token.split('.').collect();
    let [h, c, s] = parts.as_slice() else {
        return Err("the identity token is not a JWT".into());
    };
    let header = b64_json(h).ok_or("the JWT header is not base64url JSON")?;
    if header.get("alg") != Some(&json!("RS256")) {
        return Err("the JWT is not RS256".into());
    }
    let sig = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| "the JWT signature is not base64url")?;
    signature::UnparsedPublicKey::new(
        &signature::RSA_PKCS1_2048_8192_SHA256,
        key.public().as_ref(),
    )
    .verify(format!("{h}.{c}").as_bytes(), &sig)
    .map_err(|_| "the JWT signature does not verify")?;
    let claims = b64_json(c).ok_or("the JWT claims are not base64url JSON")?;
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == AUDIENCE,
        Some(Value::Array(v)) => v.iter().any(|a| a == AUDIENCE),
        _ => false,
    };
    if !aud_ok {
        return Err(format!(
            "the identity token's audience is {}, not {AUDIENCE}",
            claims.get("aud").unwrap_or(&Value::Null)
        ));
    }
    let t = now();
    match claims.get("exp").and_then(Value::as_u64) {
        Some(exp) if exp + 30 >= t => {}
        _ => return Err("the identity token has expired".into()),
    }
    if claims.get("iss").and_then(Value::as_str).is_none() {
        return Err("the identity token has no issuer".into());
    }
    Ok(claims)
}

/// A foreign public key rcgen can put in a certificate.
struct ForeignP256(Vec<u8>);

impl rcgen::PublicKeyData for ForeignP256 {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    cur.as_str()
}

fn fulcio(req: &Seen, state: &Mutex<State>, keys: &Keys) -> Result<Answer, Answer> {
    let body: Value =
        serde_json::from_slice(&req.body).map_err(|_| error(400, "the body is not JSON"))?;
    let token = str_at(&body, &["credentials", "oidcIdentityToken"])
        .ok_or_else(|| error(400, "credentials.oidcIdentityToken missing"))?;
    let claims = verify_jwt(token, &keys.oidc_key).map_err(|e| error(401, e))?;
    let key_pem = str_at(&body, &["publicKeyRequest", "publicKey", "content"])
        .ok_or_else(|| error(400, "publicKeyRequest.publicKey.content missing"))?;
    let spki = pem_der(key_pem, "PUBLIC KEY").map_err(|e| error(400, e))?;
    let point = p256_point(&spki).map_err(|e| error(400, e))?;
    let pop = str_at(&body, &["publicKeyRequest", "proofOfPossession"])
        .and_then(|p| STANDARD.decode(p).ok())
        .ok_or_else(|| error(400, "publicKeyRequest.proofOfPossession missing"))?;
    let identity = claims
        .get("email")
        .and_then(Value::as_str)
        .or_else(|| claims.get("sub").and_then(Value::as_str))
        .ok_or_else(|| error(400, "the token has no email and no sub"))?
        .to_string();
    signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, &point)
        .verify(identity.as_bytes(), &pop)
        .map_err(|_| error(400, "the proof of possession does not verify"))?;
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    let san = match (
        claims.get("job_workflow_ref").and_then(Value::as_str),
        claims.get("email").and_then(Value::as_str),
    ) {
        (Some(r), _) => format!("https://github.com/{r}"),
        (None, Some(e)) => format!("mailto:{e}"),
        (None, None) => identity.clone(),
    };
    let serial = {
        let mut st = state.lock().expect("state");
        st.serial += 1;
        st.serial
    };
    let t = now();
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.serial_number = Some(rcgen::SerialNumber::from(serial + 1000));
    params.not_before = rcgen::date_time_ymd(1970, 1, 1) + std::time::Duration::from_secs(t);
    params.not_after =
        rcgen::date_time_ymd(1970, 1, 1) + std::time::Duration::from_secs(t + LEAF_LIFETIME);
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::CodeSigning];
    let uri = rcgen::string::Ia5String::try_from(san.as_str())
        .map_err(|_| error(400, "the identity is not ASCII"))?;
    params.subject_alt_names = vec![rcgen::SanType::URI(uri)];
    params.use_authority_key_identifier_extension = true;
    params.custom_extensions = vec![
        rcgen::CustomExtension::from_oid_content(OID_FULCIO_ISSUER_V1, iss.as_bytes().to_vec()),
        rcgen::CustomExtension::from_oid_content(OID_FULCIO_ISSUER_V2, der_utf8(iss)),
    ];
    let issuer = rcgen::Issuer::from_params(&keys.root_params, &keys.root_key);
    let leaf = params
        .signed_by(&ForeignP256(point), &issuer)
        .map_err(|e| error(500, format!("issuing failed: {e}")))?;
    let leaf_der = leaf.der().to_vec();
    state.lock().expect("state").issued.push(Issued {
        claims: claims.clone(),
        identity,
        san,
        leaf_der: leaf_der.clone(),
    });
    Ok(answer(
        201,
        json!({"signedCertificateEmbeddedSct": {"chain": {"certificates": [
            pem("CERTIFICATE", &leaf_der),
            keys.root_pem,
        ]}}}),
    ))
}

fn der_utf8(s: &str) -> Vec<u8> {
    let mut v = vec![0x0c];
    push_len(&mut v, s.len());
    v.extend_from_slice(s.as_bytes());
    v
}

fn push_len(v: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        v.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        v.push(0x80 | bytes.len() as u8);
        v.extend(bytes);
    }
}

/// The canonical JSON Rekor signs as the SET: keys sorted, no spaces.
pub fn set_payload(
    body_b64: &str,
    integrated_time: u64,
    log_id_hex: &str,
    log_index: u64,
) -> String {
    format!(
        "{{\"body\":{},\"integratedTime\":{integrated_time},\"logID\":{},\"logIndex\":{log_index}}}",
        json!(body_b64),
        json!(log_id_hex)
    )
}

fn sign_with(key: &EcdsaKeyPair, msg: &[u8]) -> Vec<u8> {
    key.sign(&SystemRandom::new(), msg)
        .expect("sign with the fake log key")
        .as_ref()
        .to_vec()
}

fn rekor(req: &Seen, state: &Mutex<State>, keys: &Keys) -> Result<Answer, Answer> {
    let body: Value =
        serde_json::from_slice(&req.body).map_err(|_| error(400, "the body is not JSON"))?;
    if body.get("kind") != Some(&json!("dsse")) || body.get("apiVersion") != Some(&json!("0.0.1")) {
        return Err(error(400, "only dsse 0.0.1 entries are accepted"));
    }
    let content = body
        .get("spec")
        .and_then(|s| s.get("proposedContent"))
        .ok_or_else(|| error(400, "spec.proposedContent missing"))?;
    let envelope_text = content
        .get("envelope")
        .and_then(Value::as_str)
        .ok_or_else(|| error(400, "proposedContent.envelope is not a string"))?;
    let verifiers: Vec<&str> = content
        .get("verifiers")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let [verifier] = verifiers.as_slice() else {
        return Err(error(400, "exactly one verifier expected"));
    };
    let cert_pem = STANDARD
        .decode(verifier)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| error(400, "the verifier is not base64 PEM"))?;
    let cert_der = pem_der(&cert_pem, "CERTIFICATE").map_err(|e| error(400, e))?;
    let cert = Cert::parse(&cert_der).map_err(|e| error(400, e))?;
    let point = p256_point(cert.spki).map_err(|e| error(400, e))?;
    let envelope: Value =
        serde_json::from_str(envelope_text).map_err(|_| error(400, "the envelope is not JSON"))?;
    let payload_type = envelope
        .get("payloadType")
        .and_then(Value::as_str)
        .ok_or_else(|| error(400, "envelope.payloadType missing"))?;
    let payload = envelope
        .get("payload")
        .and_then(Value::as_str)
        .and_then(|p| STANDARD.decode(p).ok())
        .ok_or_else(|| error(400, "envelope.payload is not base64"))?;
    let sigs = envelope
        .get("signatures")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let [sig] = sigs.as_slice() else {
        return Err(error(400, "exactly one envelope signature expected"));
    };
    let sig_b64 = sig
        .get("sig")
        .and_then(Value::as_str)
        .ok_or_else(|| error(400, "signatures[0].sig missing"))?;
    let sig_bytes = STANDARD
        .decode(sig_b64)
        .map_err(|_| error(400, "signatures[0].sig is not base64"))?;
    signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, &point)
        .verify(&pae(payload_type, &payload), &sig_bytes)
        .map_err(|_| {
            error(
                400,
                "the envelope signature does not verify with the verifier",
            )
        })?;

    // The canonicalized body, as Rekor's dsse 0.0.1 type writes it (keys sorted).
    let canonical = format!(
        "{{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{{\"envelopeHash\":{{\"algorithm\":\"sha256\",\"value\":\"{}\"}},\"payloadHash\":{{\"algorithm\":\"sha256\",\"value\":\"{}\"}},\"signatures\":[{{\"signature\":{},\"verifier\":{}}}]}}}}",
        hex(&sha256(envelope_text.as_bytes())),
        hex(&sha256(&payload)),
        json!(STANDARD.encode(&sig_bytes)),
        json!(verifier),
    );
    let body_b64 = STANDARD.encode(canonical.as_bytes());
    let leaf = leaf_hash(canonical.as_bytes());
    let log_id = hex(&sha256(&keys.log_spki));
    let integrated_time = now();
    let mut st = state.lock().expect("state");
    let log_index = st.leaves.len() as u64;
    st.leaves.push(leaf);
    let tree_size = st.leaves.len() as u64;
    let root = mth(&st.leaves);
    let path = audit_path(log_index as usize, &st.leaves);
    let set = sign_with(
        &keys.log_key,
        set_payload(&body_b64, integrated_time, &log_id, log_index).as_bytes(),
    );
    let note = format!("{LOG_ORIGIN}\n{tree_size}\n{}\n", STANDARD.encode(root));
    let mut hint_sig = sha256(&keys.log_spki)[..4].to_vec();
    hint_sig.extend(sign_with(&keys.log_key, note.as_bytes()));
    let checkpoint = format!(
        "{note}\n\u{2014} {} {}\n",
        LOG_ORIGIN.split(' ').next().unwrap_or("fake-rekor"),
        STANDARD.encode(hint_sig)
    );
    st.logged.push(Logged {
        log_index,
        integrated_time,
        body: canonical.into_bytes(),
        envelope: envelope_text.to_string(),
        payload,
    });
    let uuid = hex(&leaf);
    Ok(answer(
        201,
        json!({ uuid: {
            "body": body_b64,
            "integratedTime": integrated_time,
            "logID": log_id,
            "logIndex": log_index,
            "verification": {
                "inclusionProof": {
                    "checkpoint": checkpoint,
                    "hashes": path.iter().map(|h| hex(h)).collect::<Vec<_>>(),
                    "logIndex": log_index,
                    "rootHash": hex(&root),
                    "treeSize": tree_size,
                },
                "signedEntryTimestamp": STANDARD.encode(set),
            },
        }}),
    ))
}

// ---------------------------------------------------------------------------------------------
// RFC 6962 Merkle trees.

pub fn leaf_hash(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

fn node_hash(left: &[u8], right: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The Merkle tree hash of some leaf hashes (at least one).
fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves.len() {
        0 => sha256(b""),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

fn audit_path(m: usize, leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
    let n = leaves.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut p = audit_path(m, &leaves[..k]);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = audit_path(m - k, &leaves[k..]);
        p.push(mth(&leaves[..k]));
        p
    }
}

/// RFC 9162 section 2.1.3.2: the root an inclusion proof leads to.
pub fn root_from_proof(
    index: u64,
    size: u64,
    leaf: [u8; 32],
    path: &[[u8; 32]],
) -> Result<[u8; 32], String> {
    if index >= size {
        return Err(format!("log index {index} is outside a tree of {size}"));
    }
    let (mut fnode, mut snode, mut r) = (index, size - 1, leaf);
    for p in path {
        if snode == 0 {
            return Err("the inclusion proof is too long".into());
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err("the inclusion proof is too short".into());
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// A small DER reader: just enough X.509 to verify a leaf against the fake root.

/// One DER element: tag, content, and the whole encoding.
#[derive(Clone, Copy)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub whole: &'a [u8],
}

/// Reads one element from the front of `data`, returning it and the rest.
pub fn read_tlv(data: &[u8]) -> Result<(Tlv<'_>, &[u8]), String> {
    let tag = *data.first().ok_or("DER: truncated tag")?;
    let first = *data.get(1).ok_or("DER: truncated length")?;
    let (len, hdr) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return Err("DER: unsupported length".into());
        }
        let bytes = data.get(2..2 + n).ok_or("DER: truncated length")?;
        (
            bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize),
            2 + n,
        )
    };
    let end = hdr.checked_add(len).ok_or("DER: length overflow")?;
    let whole = data.get(..end).ok_or("DER: truncated content")?;
    Ok((
        Tlv {
            tag,
            content: &whole[hdr..],
            whole,
        },
        &data[end..],
    ))
}

/// Every element inside a constructed element's content.
pub fn children(content: &[u8]) -> Result<Vec<Tlv<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (t, r) = read_tlv(rest)?;
        out.push(t);
        rest = r;
    }
    Ok(out)
}

/// The DER content bytes of an OBJECT IDENTIFIER.
pub fn oid_bytes(arcs: &[u64]) -> Vec<u8> {
    let mut v = Vec::new();
    let mut push = |mut n: u64| {
        let mut tmp = vec![(n & 0x7f) as u8];
        n >>= 7;
        while n > 0 {
            tmp.push(0x80 | (n & 0x7f) as u8);
            n >>= 7;
        }
        v.extend(tmp.into_iter().rev());
    };
    push(arcs[0] * 40 + arcs[1]);
    for a in &arcs[2..] {
        push(*a);
    }
    v
}

/// The uncompressed point of a P-256 SubjectPublicKeyInfo.
pub fn p256_point(spki: &[u8]) -> Result<Vec<u8>, String> {
    let (seq, _) = read_tlv(spki)?;
    let parts = children(seq.content)?;
    let [alg, bits] = parts.as_slice() else {
        return Err("SPKI: not two elements".into());
    };
    let alg = children(alg.content)?;
    if alg.len() != 2
        || alg[0].content != oid_bytes(OID_EC_PUBLIC_KEY)
        || alg[1].content != oid_bytes(OID_P256)
    {
        return Err("SPKI: not an EC P-256 key".into());
    }
    if bits.tag != 0x03 || bits.content.len() != 66 || bits.content[0] != 0 {
        return Err("SPKI: not an uncompressed P-256 point".into());
    }
    Ok(bits.content[1..].to_vec())
}

/// The parts of a certificate the verification needs.
pub struct Cert<'a> {
    pub tbs: &'a [u8],
    pub sig_alg: &'a [u8],
    pub signature: &'a [u8],
    pub issuer: &'a [u8],
    pub subject: &'a [u8],
    pub not_before: u64,
    pub not_after: u64,
    pub spki: &'a [u8],
    /// (OID content bytes, critical, extnValue content).
    pub extensions: Vec<(&'a [u8], bool, &'a [u8])>,
}

impl<'a> Cert<'a> {
    pub fn parse(der: &'a [u8]) -> Result<Cert<'a>, String> {
        let (cert, rest) = read_tlv(der)?;
        if !rest.is_empty() || cert.tag != 0x30 {
            return Err("certificate: not one SEQUENCE".into());
        }
        let top = children(cert.content)?;
        let [tbs, alg, sig] = top.as_slice() else {
            return Err("certificate: not three elements".into());
        };
        if sig.tag != 0x03 || sig.content.first() != Some(&0) {
            return Err("certificate: bad signature BIT STRING".into());
        }
        let fields = children(tbs.content)?;
        let fields: Vec<Tlv> = if fields.first().map(|f| f.tag) == Some(0xa0) {
            fields[1..].to_vec()
        } else {
            fields
        };
        if fields.len() < 6 {
            return Err("certificate: TBS too short".into());
        }
        let validity = children(fields[3].content)?;
        let [nb, na] = validity.as_slice() else {
            return Err("certificate: bad validity".into());
        };
        let mut extensions = Vec::new();
        if let Some(ext) = fields[6..].iter().find(|f| f.tag == 0xa3) {
            let (seq, _) = read_tlv(ext.content)?;
            for e in children(seq.content)? {
                let parts = children(e.content)?;
                let (oid, critical, value) = match parts.as_slice() {
                    [o, v] => (o, false, v),
                    [o, c, v] => (o, c.content == [0xff], v),
                    _ => return Err("certificate: bad extension".into()),
                };
                extensions.push((oid.content, critical, value.content));
            }
        }
        let alg_parts = children(alg.content)?;
        Ok(Cert {
            tbs: tbs.whole,
            sig_alg: alg_parts.first().map(|a| a.content).unwrap_or_default(),
            signature: &sig.content[1..],
            issuer: fields[2].whole,
            subject: fields[4].whole,
            not_before: der_time(nb)?,
            not_after: der_time(na)?,
            spki: fields[5].whole,
            extensions,
        })
    }

    pub fn extension(&self, oid: &[u64]) -> Option<&'a [u8]> {
        let want = oid_bytes(oid);
        self.extensions
            .iter()
            .find(|(o, _, _)| *o == want.as_slice())
            .map(|(_, _, v)| *v)
    }

    /// The URI subject alternative names.
    pub fn san_uris(&self) -> Vec<String> {
        let Some(v) = self.extension(OID_SAN) else {
            return Vec::new();
        };
        let Ok((seq, _)) = read_tlv(v) else {
            return Vec::new();
        };
        children(seq.content)
            .unwrap_or_default()
            .into_iter()
            .filter(|n| n.tag == 0x86)
            .map(|n| String::from_utf8_lossy(n.content).into_owned())
            .collect()
    }

    pub fn has_code_signing(&self) -> bool {
        let Some(v) = self.extension(OID_EKU) else {
            return false;
        };
        let want = oid_bytes(OID_CODE_SIGNING);
        read_tlv(v)
            .and_then(|(seq, _)| children(seq.content))
            .map(|oids| oids.iter().any(|o| o.content == want.as_slice()))
            .unwrap_or(false)
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn der_time(t: &Tlv) -> Result<u64, String> {
    let s = std::str::from_utf8(t.content).map_err(|_| "time: not ASCII")?;
    let (year, rest) = match t.tag {
        0x17 => {
            let yy: i64 = s
                .get(..2)
                .and_then(|x| x.parse().ok())
                .ok_or("bad UTCTime")?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &s[2..])
        }
        0x18 => (
            s.get(..4)
                .and_then(|x| x.parse().ok())
                .ok_or("bad GeneralizedTime")?,
            &s[4..],
        ),
        _ => return Err("certificate: unknown time type".into()),
    };
    let num = |i: usize| -> Result<i64, String> {
        rest.get(i..i + 2)
            .and_then(|x| x.parse().ok())
            .ok_or_else(|| format!("bad time {s}"))
    };
    let days = days_from_civil(year, num(0)?, num(2)?);
    let secs = days * 86400 + num(4)? * 3600 + num(6)? * 60 + num(8)?;
    u64::try_from(secs).map_err(|_| "time before 1970".to_string())
}

// ---------------------------------------------------------------------------------------------
// Verification of a PEP 740 attestation against the fake.

fn b64_field(v: &Value, path: &[&str]) -> Result<Vec<u8>, String> {
    let s = str_at(v, path).ok_or_else(|| format!("{} missing or not a string", path.join(".")))?;
    STANDARD
        .decode(s)
        .map_err(|e| format!("{} is not base64: {e}", path.join(".")))
}

/// A protobuf-JSON int64: a string or a number.
fn int_field(v: &Value, path: &[&str]) -> Result<u64, String> {
    let mut cur = v;
    for k in path {
        cur = cur
            .get(k)
            .ok_or_else(|| format!("{} missing", path.join(".")))?;
    }
    match cur {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
    .ok_or_else(|| format!("{} is not an integer", path.join(".")))
}

fn verify_p256(point: &[u8], msg: &[u8], sig: &[u8], what: &str) -> Result<(), String> {
    signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, point)
        .verify(msg, sig)
        .map_err(|_| format!("{what} does not verify"))
}

/// Checks a PEP 740 attestation object against the fake: the leaf chains to the fake root and
/// is a code-signing certificate with a SAN and the Fulcio issuer extension; the DSSE signature
/// verifies with the leaf's key over the PAE of the statement; the statement has exactly one
/// subject, `expected_filename` with `expected_sha256_hex`, and the PyPI publish predicate type;
/// there is one `dsse` 0.0.1 transparency entry whose SET verifies with the fake log key, whose
/// body names this statement, signature and certificate, whose inclusion proof and signed
/// checkpoint lead to its root hash, logged while the leaf was valid, and that the fake logged.
pub fn verify_attestation(
    att: &Value,
    fake: &Fake,
    expected_filename: &str,
    expected_sha256_hex: &str,
) -> Result<(), String> {
    if att.get("version") != Some(&json!(1)) {
        return Err(format!("version is {:?}, not 1", att.get("version")));
    }
    // 1. The certificate.
    let leaf_der = b64_field(att, &["verification_material", "certificate"])?;
    let leaf = Cert::parse(&leaf_der).map_err(|e| format!("leaf: {e}"))?;
    let root_der = fake.root_cert_der();
    let root = Cert::parse(&root_der).map_err(|e| format!("root: {e}"))?;
    if leaf.issuer != root.subject {
        return Err("the leaf's issuer is not the fake root".into());
    }
    if leaf.sig_alg != oid_bytes(OID_ECDSA_SHA256).as_slice() {
        return Err("the leaf is not signed with ecdsa-with-SHA256".into());
    }
    verify_p256(
        &p256_point(root.spki)?,
        leaf.tbs,
        leaf.signature,
        "the leaf's signature by the fake root",
    )?;
    if !leaf.has_code_signing() {
        return Err("the leaf has no code-signing EKU".into());
    }
    if leaf.san_uris().is_empty() {
        return Err("the leaf has no URI SAN".into());
    }
    if leaf.extension(OID_FULCIO_ISSUER_V1).is_none()
        && leaf.extension(OID_FULCIO_ISSUER_V2).is_none()
    {
        return Err("the leaf has no Fulcio issuer extension".into());
    }
    let leaf_point = p256_point(leaf.spki).map_err(|e| format!("leaf: {e}"))?;

    // 2. The envelope.
    let statement_bytes = b64_field(att, &["envelope", "statement"])?;
    let sig = b64_field(att, &["envelope", "signature"])?;
    verify_p256(
        &leaf_point,
        &pae(INTOTO, &statement_bytes),
        &sig,
        "the DSSE signature",
    )?;
    let statement: Value = serde_json::from_slice(&statement_bytes)
        .map_err(|e| format!("the statement is not JSON: {e}"))?;
    if statement.get("_type") != Some(&json!(STATEMENT_V1)) {
        return Err(format!("statement _type is {:?}", statement.get("_type")));
    }
    let want_subject =
        json!([{"name": expected_filename, "digest": {"sha256": expected_sha256_hex}}]);
    if statement.get("subject") != Some(&want_subject) {
        return Err(format!(
            "statement subject is {}, expected {want_subject}",
            statement.get("subject").unwrap_or(&Value::Null)
        ));
    }
    if statement.get("predicateType") != Some(&json!(PUBLISH_V1)) {
        return Err(format!(
            "statement predicateType is {:?}",
            statement.get("predicateType")
        ));
    }

    // 3. The transparency entry.
    let entries = att
        .pointer("/verification_material/transparency_entries")
        .and_then(Value::as_array)
        .ok_or("verification_material.transparency_entries missing")?;
    let [entry] = entries.as_slice() else {
        return Err(format!(
            "{} transparency entries, expected 1",
            entries.len()
        ));
    };
    if entry.get("kindVersion") != Some(&json!({"kind": "dsse", "version": "0.0.1"})) {
        return Err(format!("kindVersion is {:?}", entry.get("kindVersion")));
    }
    let log_id = b64_field(entry, &["logId", "keyId"])?;
    if log_id != fake.log_id() {
        return Err("logId.keyId is not the fake log's".into());
    }
    let log_index = int_field(entry, &["logIndex"])?;
    let integrated_time = int_field(entry, &["integratedTime"])?;
    let body = b64_field(entry, &["canonicalizedBody"])?;
    let set = b64_field(entry, &["inclusionPromise", "signedEntryTimestamp"])?;
    let log_point = p256_point(&fake.rekor_public_key_der())?;
    verify_p256(
        &log_point,
        set_payload(
            &STANDARD.encode(&body),
            integrated_time,
            &hex(&log_id),
            log_index,
        )
        .as_bytes(),
        &set,
        "the signed entry timestamp",
    )?;
    if integrated_time < leaf.not_before || integrated_time > leaf.not_after {
        return Err("the entry was logged outside the leaf's validity".into());
    }

    // 4. The body refers to this envelope.
    let body_json: Value =
        serde_json::from_slice(&body).map_err(|e| format!("the body is not JSON: {e}"))?;
    if body_json.get("kind") != Some(&json!("dsse"))
        || body_json.get("apiVersion") != Some(&json!("0.0.1"))
    {
        return Err("the body is not a dsse 0.0.1 entry".into());
    }
    if body_json.pointer("/spec/payloadHash")
        != Some(&json!({"algorithm": "sha256", "value": hex(&sha256(&statement_bytes))}))
    {
        return Err("the body's payloadHash is not the statement's".into());
    }
    let body_sigs = body_json
        .pointer("/spec/signatures")
        .and_then(Value::as_array)
        .ok_or("the body has no signatures")?;
    let [body_sig] = body_sigs.as_slice() else {
        return Err("the body does not have exactly one signature".into());
    };
    if b64_field(body_sig, &["signature"])? != sig {
        return Err("the body's signature is not the envelope's".into());
    }
    let verifier_pem = String::from_utf8(b64_field(body_sig, &["verifier"])?)
        .map_err(|_| "the body's verifier is not PEM")?;
    if pem_der(&verifier_pem, "CERTIFICATE")? != leaf_der {
        return Err("the body's verifier is not the attestation's certificate".into());
    }

    // 5. The inclusion proof and its checkpoint.
    let proof = entry
        .get("inclusionProof")
        .ok_or("inclusionProof missing")?;
    if int_field(proof, &["logIndex"])? != log_index {
        return Err("the inclusion proof is for another index".into());
    }
    let tree_size = int_field(proof, &["treeSize"])?;
    let root_hash = b64_field(proof, &["rootHash"])?;
    let hashes: Vec<[u8; 32]> = proof
        .get("hashes")
        .and_then(Value::as_array)
        .ok_or("inclusionProof.hashes missing")?
        .iter()
        .map(|h| {
            h.as_str()
                .and_then(|s| STANDARD.decode(s).ok())
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| "an inclusion proof hash is not 32 base64 bytes".to_string())
        })
        .collect::<Result<_, _>>()?;
    let computed = root_from_proof(log_index, tree_size, leaf_hash(&body), &hashes)?;
    if computed.as_slice() != root_hash.as_slice() {
        return Err("the inclusion proof does not lead to its root hash".into());
    }
    let checkpoint = str_at(proof, &["checkpoint", "envelope"]).ok_or("checkpoint missing")?;
    let (note, sigs) = checkpoint
        .split_once("\n\n")
        .ok_or("the checkpoint has no signature block")?;
    let note = format!("{note}\n");
    let lines: Vec<&str> = note.lines().collect();
    if lines.len() < 3
        || lines[1] != tree_size.to_string()
        || STANDARD.decode(lines[2]).ok().as_deref() != Some(root_hash.as_slice())
    {
        return Err("the checkpoint does not state this tree".into());
    }
    let sig_b64 = sigs
        .lines()
        .find_map(|l| l.strip_prefix('\u{2014}'))
        .and_then(|l| l.split_whitespace().nth(1))
        .ok_or("the checkpoint has no signature line")?;
    let hint_sig = STANDARD
        .decode(sig_b64)
        .map_err(|_| "the checkpoint signature is not base64")?;
    if hint_sig.len() < 5 || hint_sig[..4] != log_id[..4] {
        return Err("the checkpoint is not signed by the fake log".into());
    }
    verify_p256(
        &log_point,
        note.as_bytes(),
        &hint_sig[4..],
        "the checkpoint signature",
    )?;

    // 6. The fake logged exactly this.
    if !fake
        .logged()
        .iter()
        .any(|l| l.log_index == log_index && l.body == body)
    {
        return Err("the fake log holds no such entry".into());
    }
    Ok(())
}

/// Converts a Sigstore bundle (v0.3 JSON, with a DSSE envelope) to a PEP 740 attestation
/// object, the way pypi-attestations does.
pub fn bundle_to_attestation(bundle: &Value) -> Result<Value, String> {
    let cert = str_at(bundle, &["verificationMaterial", "certificate", "rawBytes"])
        .ok_or("bundle: no verificationMaterial.certificate.rawBytes")?;
    let entries = bundle
        .pointer("/verificationMaterial/tlogEntries")
        .cloned()
        .ok_or("bundle: no tlogEntries")?;
    let payload = str_at(bundle, &["dsseEnvelope", "payload"]).ok_or("bundle: no payload")?;
    let sig = bundle
        .pointer("/dsseEnvelope/signatures/0/sig")
        .and_then(Value::as_str)
        .ok_or("bundle: no signature")?;
    Ok(json!({
        "version": 1,
        "verification_material": {"certificate": cert, "transparency_entries": entries},
        "envelope": {"statement": payload, "signature": sig},
    }))
}
