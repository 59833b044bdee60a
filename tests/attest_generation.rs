//! Making PEP 740 attestations (`hoist upload --attest`) against in-process fakes of Fulcio and
//! Rekor (tests/sigstore_fake) and of the CI token service and the index (tests/oidc_fake).
//!
//! The first tests drive the fakes with `sigstore-sign` itself, the client hoist uses, so they
//! prove the fakes speak the protocol that client speaks and that `verify_attestation` accepts
//! what it makes and refuses tampered copies. The others run the `hoist` binary in a simulated
//! GitHub Actions job.

mod netsupport;
mod oidc_fake;
mod sigstore_fake;
mod testpython;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sigstore_fake::{Config as SigConfig, Fake as Sigstore, PUBLISH_V1, verify_attestation};

const WHEEL: &str = "demo-1.0-py3-none-any.whl";
const SDIST: &str = "demo-1.0.tar.gz";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn statement(filename: &str, sha256_hex: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": filename, "digest": {"sha256": sha256_hex}}],
        "predicateType": PUBLISH_V1,
        "predicate": null,
    }))
    .expect("statement JSON")
}

/// A GitHub Actions token with audience `aud`, signed by the OIDC fake's key.
fn github_token(oidc: &oidc_fake::Fake, aud: &str) -> String {
    let mut claims = oidc_fake::github_claims();
    claims["aud"] = json!(aud);
    oidc.token(oidc_fake::GITHUB_ISS, claims)
}

fn http_client() -> sigstore_sign::reqwest::Client {
    // hoist builds reqwest without a default rustls provider; plain HTTP still needs one set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    sigstore_sign::reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest client")
}

/// Signs `statement(filename, sha)` with sigstore-sign against the fake and returns the PEP 740
/// attestation made from the bundle.
async fn sign_with_client(
    fake: &Sigstore,
    jwt: &str,
    filename: &str,
    sha: &str,
) -> Result<Value, String> {
    use sigstore_sign::oidc::IdentityToken;
    use sigstore_sign::rekor::RekorApiVersion;
    use sigstore_sign::{SigningContext, SigningServices};
    let context = SigningContext::new(
        SigningServices::new(fake.fulcio_url(), fake.rekor_url())
            .with_rekor(fake.rekor_url(), RekorApiVersion::V1),
    )
    .with_http_client(http_client());
    let token = IdentityToken::from_jwt(jwt).map_err(|e| e.to_string())?;
    let bundle = context
        .signer(token)
        .sign_raw_statement(&statement(filename, sha))
        .await
        .map_err(|e| e.to_string())?;
    let bundle = serde_json::to_value(&bundle).map_err(|e| e.to_string())?;
    sigstore_fake::bundle_to_attestation(&bundle)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_fakes_speak_the_sigstore_sign_protocol_and_its_bundles_verify() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let fake = Sigstore::start();
    // Three signatures: the later inclusion proofs have non-empty audit paths.
    let mut made = Vec::new();
    for (i, name) in ["a-1.0.tar.gz", "a-1.0-py3-none-any.whl", "b-2.0.tar.gz"]
        .iter()
        .enumerate()
    {
        let sha = format!("{:064x}", i + 1);
        let jwt = github_token(&oidc, "sigstore");
        let att = sign_with_client(&fake, &jwt, name, &sha)
            .await
            .expect("sigstore-sign signs against the fakes");
        made.push((att, name.to_string(), sha));
    }
    for (att, name, sha) in &made {
        verify_attestation(att, &fake, name, sha)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{att:#}"));
    }
    let issued = fake.issued();
    assert_eq!(issued.len(), 3);
    assert_eq!(issued[0].identity, "repo:octo-org/demo:environment:pypi");
    assert_eq!(
        issued[0].san,
        "https://github.com/octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0"
    );
    assert_eq!(issued[0].claims["aud"], json!("sigstore"));
    let logged = fake.logged();
    assert_eq!(
        logged.iter().map(|l| l.log_index).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    // The entry is the one Rekor logged: payload type and statement as signed.
    let envelope: Value = serde_json::from_str(&logged[2].envelope).expect("envelope JSON");
    assert_eq!(envelope["payloadType"], json!(sigstore_fake::INTOTO));
    assert_eq!(logged[2].payload, statement("b-2.0.tar.gz", &made[2].2));
    // The attestation's entry is the bundle's, in protobuf JSON (camelCase, int64 as strings).
    let entry = &made[2].0["verification_material"]["transparency_entries"][0];
    assert_eq!(entry["logIndex"], json!("2"));
    assert_eq!(
        entry["kindVersion"],
        json!({"kind": "dsse", "version": "0.0.1"})
    );
    assert_eq!(entry["inclusionProof"]["treeSize"], json!("3"));
    // The paths the client used, and nothing else.
    let paths: Vec<String> = fake.seen().iter().map(|s| s.path().to_string()).collect();
    assert_eq!(
        paths,
        [
            "/fulcio/api/v2/signingCert",
            "/rekor/api/v1/log/entries",
            "/fulcio/api/v2/signingCert",
            "/rekor/api/v1/log/entries",
            "/fulcio/api/v2/signingCert",
            "/rekor/api/v1/log/entries",
        ]
    );
}

/// A change made to a copy of an attestation.
type Tamper<'a> = Box<dyn Fn(&mut Value) + 'a>;

#[tokio::test(flavor = "multi_thread")]
async fn verify_attestation_refuses_tampered_attestations() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let fake = Sigstore::start();
    let att = sign_with_client(&fake, &github_token(&oidc, "sigstore"), WHEEL, SHA)
        .await
        .expect("signed");
    let other = sign_with_client(&fake, &github_token(&oidc, "sigstore"), SDIST, SHA)
        .await
        .expect("signed");
    verify_attestation(&att, &fake, WHEEL, SHA).expect("the original verifies");

    // Another name or digest than the statement's.
    assert!(verify_attestation(&att, &fake, SDIST, SHA).is_err());
    assert!(verify_attestation(&att, &fake, WHEEL, &SHA.replace('9', "8")).is_err());
    // Another fake: another root, another log.
    let stranger = Sigstore::start();
    let e = verify_attestation(&att, &stranger, WHEEL, SHA).expect_err("other root");
    assert!(e.contains("root"), "{e}");

    let tampered = |f: &dyn Fn(&mut Value)| {
        let mut a = att.clone();
        f(&mut a);
        verify_attestation(&a, &fake, WHEEL, SHA)
    };
    let flip = |v: &mut Value| {
        let mut b = STANDARD
            .decode(v.as_str().expect("base64 string"))
            .expect("base64");
        let i = b.len() / 2;
        b[i] ^= 1;
        *v = json!(STANDARD.encode(b));
    };
    let cases: Vec<(&str, Tamper)> = vec![
        (
            "the certificate of another signature",
            Box::new(|a: &mut Value| {
                a["verification_material"]["certificate"] =
                    other["verification_material"]["certificate"].clone();
            }),
        ),
        (
            "the signature of another statement",
            Box::new(|a: &mut Value| {
                a["envelope"]["signature"] = other["envelope"]["signature"].clone();
            }),
        ),
        (
            "the entry of another signature",
            Box::new(|a: &mut Value| {
                a["verification_material"]["transparency_entries"] =
                    other["verification_material"]["transparency_entries"].clone();
            }),
        ),
        (
            "a flipped bit in the statement",
            Box::new(move |a: &mut Value| flip(&mut a["envelope"]["statement"])),
        ),
        (
            "a flipped bit in the SET",
            Box::new(move |a: &mut Value| {
                flip(
                    &mut a["verification_material"]["transparency_entries"][0]["inclusionPromise"]
                        ["signedEntryTimestamp"],
                )
            }),
        ),
        (
            "another integrated time",
            Box::new(|a: &mut Value| {
                let e = &mut a["verification_material"]["transparency_entries"][0];
                let t: u64 = e["integratedTime"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .expect("integratedTime");
                e["integratedTime"] = json!((t + 1).to_string());
            }),
        ),
        (
            "a flipped bit in the root hash",
            Box::new(move |a: &mut Value| {
                flip(
                    &mut a["verification_material"]["transparency_entries"][0]["inclusionProof"]["rootHash"],
                )
            }),
        ),
        (
            "no transparency entry",
            Box::new(|a: &mut Value| {
                a["verification_material"]["transparency_entries"] = json!([]);
            }),
        ),
        (
            "version 2",
            Box::new(|a: &mut Value| a["version"] = json!(2)),
        ),
    ];
    for (what, f) in &cases {
        assert!(tampered(f.as_ref()).is_err(), "accepted {what}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn fulcio_refuses_a_token_for_another_audience_and_forced_errors() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let fake = Sigstore::start();
    let e = sign_with_client(&fake, &github_token(&oidc, "pypi"), WHEEL, SHA)
        .await
        .expect_err("audience pypi refused");
    assert!(e.contains("401") && e.contains("audience"), "{e}");
    assert!(fake.issued().is_empty());
    assert_eq!(fake.rekor_requests(), 0);

    fake.set_config(SigConfig {
        fulcio_status: Some(500),
        ..SigConfig::default()
    });
    let e = sign_with_client(&fake, &github_token(&oidc, "sigstore"), WHEEL, SHA)
        .await
        .expect_err("forced 500");
    assert!(e.contains("500"), "{e}");

    fake.set_config(SigConfig {
        rekor_status: Some(503),
        ..SigConfig::default()
    });
    let e = sign_with_client(&fake, &github_token(&oidc, "sigstore"), WHEEL, SHA)
        .await
        .expect_err("forced Rekor 503");
    assert!(e.contains("503"), "{e}");
    assert!(fake.logged().is_empty());
}

/// A fresh P-256 key: (key pair, SPKI PEM).
fn p256_key() -> (ring::signature::EcdsaKeyPair, String) {
    use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).expect("pkcs8");
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
        .expect("key");
    let spki = sigstore_fake::p256_spki(key.public_key().as_ref());
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(spki)
    );
    (key, pem)
}

fn sign(key: &ring::signature::EcdsaKeyPair, msg: &[u8]) -> String {
    let sig = key
        .sign(&ring::rand::SystemRandom::new(), msg)
        .expect("sign");
    STANDARD.encode(sig.as_ref())
}

fn post(url: &str, body: &Value) -> netsupport::client::Response {
    netsupport::client::request(
        url,
        "POST",
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
    .expect("POST to the fake")
}

#[test]
fn fulcio_checks_the_proof_of_possession_and_rekor_the_envelope_signature() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let fake = Sigstore::start();
    let cert_url = format!("{}/api/v2/signingCert", fake.fulcio_url());
    let jwt = github_token(&oidc, "sigstore");
    let (key, key_pem) = p256_key();
    let request = |pop: String| {
        json!({
            "credentials": {"oidcIdentityToken": jwt},
            "publicKeyRequest": {
                "publicKey": {"algorithm": "", "content": key_pem},
                "proofOfPossession": pop,
            },
        })
    };
    // Signed over something other than the token's `sub`.
    let r = post(&cert_url, &request(sign(&key, b"someone else")));
    assert_eq!(r.status, 400, "{}", r.text());
    // By another key.
    let (stranger, _) = p256_key();
    let r = post(
        &cert_url,
        &request(sign(&stranger, b"repo:octo-org/demo:environment:pypi")),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    // A token signed by someone else than the OIDC fake.
    let mut forged: Vec<&str> = jwt.split('.').collect();
    forged[2] = "AAAA";
    let forged = forged.join(".");
    let mut bad = request(sign(&key, b"repo:octo-org/demo:environment:pypi"));
    bad["credentials"]["oidcIdentityToken"] = json!(forged);
    assert_eq!(post(&cert_url, &bad).status, 401);
    assert!(fake.issued().is_empty());

    // The right proof: a chain, leaf first, for this key.
    let r = post(
        &cert_url,
        &request(sign(&key, b"repo:octo-org/demo:environment:pypi")),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let answer: Value = serde_json::from_slice(&r.body).expect("JSON");
    let chain = answer["signedCertificateEmbeddedSct"]["chain"]["certificates"]
        .as_array()
        .expect("chain");
    assert_eq!(chain.len(), 2);
    let leaf_pem = chain[0].as_str().expect("PEM").to_string();
    let leaf_der = sigstore_fake::pem_der(&leaf_pem, "CERTIFICATE").expect("leaf PEM");
    let leaf = sigstore_fake::Cert::parse(&leaf_der).expect("leaf DER");
    assert_eq!(
        leaf.not_after - leaf.not_before,
        sigstore_fake::LEAF_LIFETIME
    );
    assert!(leaf.has_code_signing());
    assert_eq!(
        leaf.san_uris(),
        ["https://github.com/octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0"]
    );
    assert_eq!(
        leaf.extension(sigstore_fake::OID_FULCIO_ISSUER_V1),
        Some(oidc_fake::GITHUB_ISS.as_bytes())
    );
    assert_eq!(
        sigstore_fake::pem_der(chain[1].as_str().expect("PEM"), "CERTIFICATE").expect("root"),
        fake.root_cert_der()
    );

    // Rekor: an envelope signed by another key than the certificate's is refused.
    let entries_url = format!("{}/api/v1/log/entries", fake.rekor_url());
    let payload = statement(WHEEL, SHA);
    let entry = |signer: &ring::signature::EcdsaKeyPair| {
        let envelope = json!({
            "payloadType": sigstore_fake::INTOTO,
            "payload": STANDARD.encode(&payload),
            "signatures": [{"sig": sign(signer, &sigstore_fake::pae(sigstore_fake::INTOTO, &payload))}],
        });
        json!({
            "apiVersion": "0.0.1",
            "kind": "dsse",
            "spec": {"proposedContent": {
                "envelope": envelope.to_string(),
                "verifiers": [STANDARD.encode(leaf_pem.as_bytes())],
            }},
        })
    };
    let r = post(&entries_url, &entry(&stranger));
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(fake.logged().is_empty());
    let r = post(&entries_url, &entry(&key));
    assert_eq!(r.status, 201, "{}", r.text());
    let answer: Value = serde_json::from_slice(&r.body).expect("JSON");
    let (uuid, logged) = answer
        .as_object()
        .and_then(|m| m.iter().next())
        .expect("one entry");
    assert_eq!(uuid.len(), 64);
    assert_eq!(logged["logIndex"], json!(0));
    assert_eq!(logged["logID"], json!(sigstore_fake::hex(&fake.log_id())));
    assert_eq!(fake.logged().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// `hoist upload --attest` end to end.

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/dist")
        .join(name)
}

/// Copies of `names` in a temp dir (the attestations get written beside them).
fn dists(names: &[&str]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = names
        .iter()
        .map(|n| {
            let p = dir.path().join(n);
            std::fs::copy(fixture(n), &p).expect("copy fixture");
            p
        })
        .collect();
    (dir, paths)
}

fn attestation_path(dist: &Path) -> PathBuf {
    let mut s = dist.as_os_str().to_owned();
    s.push(".publish.attestation");
    PathBuf::from(s)
}

fn sha256_hex(path: &Path) -> String {
    let data = std::fs::read(path).expect("read dist");
    sigstore_fake::hex(&Sha256::digest(&data))
}

/// Runs hoist with a clean environment: PATH, an empty HOME, fast retries and `envs`.
fn hoist(args: &[&str], envs: &[(&str, String)]) -> Output {
    let home = tempfile::tempdir().expect("home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hoist"));
    cmd.env_clear();
    cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.env("HOME", home.path());
    cmd.env("HOIST_RETRY_BASE_MS", "20");
    cmd.args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run hoist")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The variables of a GitHub Actions job with `id-token: write`, and the Sigstore fake's URLs.
fn github_env(oidc: &oidc_fake::Fake, sig: &Sigstore) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("GITHUB_ACTIONS", "true".to_string()),
        ("ACTIONS_ID_TOKEN_REQUEST_URL", oidc.github_request_url()),
        (
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            oidc_fake::GITHUB_REQUEST_TOKEN.to_string(),
        ),
    ];
    v.extend(sig.env());
    v
}

fn upload_attest(
    oidc: &oidc_fake::Fake,
    files: &[PathBuf],
    extra: &[&str],
    envs: &[(&str, String)],
) -> Output {
    let url = oidc.upload_url();
    let mut args = vec![
        "upload",
        "--repository-url",
        url.as_str(),
        "--non-interactive",
        "--no-check",
        "--attest",
    ];
    args.extend_from_slice(extra);
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    hoist(&args, envs)
}

/// The multipart forms of the uploads the index received.
fn upload_forms(oidc: &oidc_fake::Fake) -> Vec<Vec<netsupport::Part>> {
    oidc.seen()
        .into_iter()
        .filter(|s| s.method == "POST" && s.path() == "/legacy/")
        .map(|s| {
            let ct = s.header("content-type").expect("content type").to_string();
            netsupport::multipart::parse(&ct, &s.body).expect("multipart body")
        })
        .collect()
}

/// No secret the OIDC fake handed out appears in the output, except in `::add-mask::` lines.
fn assert_no_secrets(o: &Output, oidc: &oidc_fake::Fake) {
    let all = text(o);
    let secrets = oidc.secrets();
    assert!(!secrets.is_empty());
    for line in all.lines() {
        for s in &secrets {
            if line.contains(s.as_str()) {
                assert_eq!(line, format!("::add-mask::{s}"), "a secret leaked: {line}");
            }
        }
    }
}

/// The `audience` of each GitHub token request, in order.
fn audiences(oidc: &oidc_fake::Fake) -> Vec<String> {
    oidc.seen()
        .iter()
        .filter(|s| s.path() == "/github/token")
        .filter_map(|s| {
            s.query()
                .split('&')
                .find_map(|p| p.strip_prefix("audience=").map(str::to_string))
        })
        .collect()
}

fn jwt_claims(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).expect("JWT claims");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("claims JSON")
}

#[test]
fn attest_signs_writes_and_uploads_a_wheel_and_an_sdist() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start();
    let (_dir, files) = dists(&[WHEEL, SDIST]);
    let o = upload_attest(&oidc, &files, &[], &github_env(&oidc, &sig));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // One certificate and one log entry per file.
    assert_eq!(sig.issued().len(), 2, "{}", text(&o));
    assert_eq!(sig.logged().len(), 2);

    // Tokens: one for Sigstore (audience `sigstore`), another for the index (`pypi`).
    let auds = audiences(&oidc);
    assert!(auds.iter().any(|a| a == "sigstore"), "{auds:?}");
    assert!(auds.iter().any(|a| a == "pypi"), "{auds:?}");
    for issued in sig.issued() {
        assert_eq!(issued.claims["aud"], json!("sigstore"));
    }
    let minted_from: Vec<Value> = oidc
        .seen()
        .iter()
        .filter(|s| s.path() == "/_/oidc/mint-token")
        .map(|s| {
            let body: Value = serde_json::from_slice(&s.body).expect("mint body");
            jwt_claims(body["token"].as_str().expect("token"))
        })
        .collect();
    assert!(!minted_from.is_empty());
    assert!(minted_from.iter().all(|c| c["aud"] == json!("pypi")));

    // Each attestation: written beside its file, verifies, and uploaded with it.
    let forms = upload_forms(&oidc);
    assert_eq!(forms.len(), 2);
    for (file, name) in files.iter().zip([WHEEL, SDIST]) {
        let written = std::fs::read(attestation_path(file))
            .unwrap_or_else(|e| panic!("{name}.publish.attestation: {e}\n{}", text(&o)));
        let att: Value = serde_json::from_slice(&written).expect("attestation JSON");
        verify_attestation(&att, &sig, name, &sha256_hex(file))
            .unwrap_or_else(|e| panic!("{name}: {e}\n{att:#}"));

        let form = forms
            .iter()
            .find(|f| {
                f.iter()
                    .any(|p| p.name == "content" && p.filename.as_deref() == Some(name))
            })
            .unwrap_or_else(|| panic!("{name} was not uploaded"));
        let parts: Vec<&netsupport::Part> =
            form.iter().filter(|p| p.name == "attestations").collect();
        assert_eq!(parts.len(), 1, "{name}: one attestations field");
        let field = parts[0];
        assert_eq!(field.filename, None, "a plain field, not a file part");
        assert!(
            field
                .content_type
                .as_deref()
                .is_none_or(|ct| ct.starts_with("text/plain")),
            "{:?}",
            field.content_type
        );
        let sent: Value = serde_json::from_slice(&field.data).expect("attestations JSON");
        assert_eq!(sent, json!([att]), "{name}: the uploaded attestation");
        // The digests computed once for signing are the ones sent, and they are the file's.
        let value = |n: &str| {
            form.iter()
                .find(|p| p.name == n)
                .map(|p| String::from_utf8_lossy(&p.data).into_owned())
        };
        let local = hoist::digest::digest_file(file, false).expect("digest");
        assert_eq!(value("sha256_digest"), Some(sha256_hex(file)), "{name}");
        assert_eq!(value("blake2_256_digest"), Some(local.blake2_256), "{name}");
        // The attestation file itself is never uploaded as a distribution.
        assert!(!form.iter().any(|p| {
            p.filename
                .as_deref()
                .is_some_and(|f| f.ends_with(".attestation"))
        }));
    }
    assert_no_secrets(&o, &oidc);
}

#[test]
fn attest_without_trusted_publishing_is_refused_before_anything_happens() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start();
    let (_dir, files) = dists(&[WHEEL]);
    // An API token and no CI identity.
    let mut envs = sig.env();
    envs.push(("TWINE_USERNAME", "__token__".to_string()));
    envs.push((
        "TWINE_PASSWORD",
        "pypi-AgEIcHlwaS5vcmcCJGFwaXRva2Vu".to_string(),
    ));
    let o = upload_attest(&oidc, &files, &[], &envs);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(upload_forms(&oidc).is_empty());
    assert_eq!(sig.fulcio_requests(), 0);
    assert!(!attestation_path(&files[0]).exists());
    assert!(!text(&o).contains("pypi-AgEIcHlwaS5vcmcCJGFwaXRva2Vu"));

    // Same with --password in a GitHub job: an explicit token wins over the job's identity,
    // so there is no trusted publishing to sign with.
    let mut envs = github_env(&oidc, &sig);
    envs.push(("TWINE_USERNAME", "__token__".to_string()));
    let o = upload_attest(
        &oidc,
        &files,
        &["--password", "pypi-AgEIcHlwaS5vcmcCJGFwaXRva2Vu"],
        &envs,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(upload_forms(&oidc).is_empty());
    assert_eq!(sig.fulcio_requests(), 0);
    assert!(!attestation_path(&files[0]).exists());
}

#[test]
fn an_existing_attestation_file_is_refused_before_signing() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start();
    let (_dir, files) = dists(&[WHEEL, SDIST]);
    let existing = attestation_path(&files[1]);
    std::fs::write(&existing, b"{\"keep\": true}").expect("write");
    let o = upload_attest(&oidc, &files, &[], &github_env(&oidc, &sig));
    let code = o.status.code();
    assert!(code == Some(2) || code == Some(3), "{code:?}: {}", text(&o));
    let out = text(&o);
    assert!(out.contains("already exists"), "{out}");
    assert!(
        out.contains(&existing.display().to_string())
            || out.contains(&format!("{SDIST}.publish.attestation")),
        "{out}"
    );
    assert_eq!(sig.fulcio_requests(), 0, "nothing signed");
    assert!(upload_forms(&oidc).is_empty(), "nothing uploaded");
    assert!(!attestation_path(&files[0]).exists(), "nothing written");
    assert_eq!(std::fs::read(&existing).expect("read"), b"{\"keep\": true}");
}

#[test]
fn a_fulcio_error_uploads_nothing_and_leaves_no_attestation() {
    for status in [400, 500] {
        let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
        let sig = Sigstore::start_with(SigConfig {
            fulcio_status: Some(status),
            ..SigConfig::default()
        });
        let (dir, files) = dists(&[WHEEL, SDIST]);
        let o = upload_attest(&oidc, &files, &[], &github_env(&oidc, &sig));
        let out = text(&o);
        assert_ne!(o.status.code(), Some(0), "{status}: {out}");
        assert!(out.contains("Fulcio"), "{status}: {out}");
        assert!(
            out.contains(WHEEL) || out.contains(SDIST),
            "{status}: names the file: {out}"
        );
        assert!(sig.fulcio_requests() >= 1, "{status}");
        assert_eq!(sig.rekor_requests(), 0, "{status}");
        assert!(upload_forms(&oidc).is_empty(), "{status}: nothing uploaded");
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("attestation"))
            .collect();
        assert!(left.is_empty(), "{status}: left behind {left:?}");
        assert_no_secrets(&o, &oidc);
    }
}

#[test]
fn a_rekor_error_uploads_nothing_and_leaves_no_attestation() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start_with(SigConfig {
        rekor_status: Some(400),
        ..SigConfig::default()
    });
    let (dir, files) = dists(&[WHEEL]);
    let o = upload_attest(&oidc, &files, &[], &github_env(&oidc, &sig));
    let out = text(&o);
    assert_ne!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("Rekor") && out.contains(WHEEL), "{out}");
    assert!(sig.rekor_requests() >= 1);
    assert!(upload_forms(&oidc).is_empty(), "nothing uploaded");
    let left = std::fs::read_dir(dir.path())
        .expect("read dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("attestation"))
        .count();
    assert_eq!(left, 0, "no attestation left behind");
    assert_no_secrets(&o, &oidc);
}

/// Reads an attestation with pypi-attestations (what Warehouse uses), converts it to a
/// Sigstore bundle (sigstore-python parses the certificate and the Rekor entry) and back.
const PYPI_ATTESTATIONS_READS_IT: &str = r#"
import sys
from pypi_attestations import Attestation
raw = open(sys.argv[1], "rb").read()
att = Attestation.model_validate_json(raw)
bundle = att.to_bundle()
again = Attestation.from_bundle(bundle)
assert again.model_dump() == att.model_dump(), "the bundle round trip changed the attestation"
statement = att.statement
assert statement["subject"][0]["name"] == sys.argv[2], statement
assert statement["predicateType"] == "https://docs.pypi.org/attestations/publish/v1", statement
print("ok", att.verification_material.transparency_entries[0]["logIndex"])
"#;

#[test]
fn pypi_attestations_reads_what_attest_writes() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start();
    let (_dir, files) = dists(&[WHEEL, SDIST]);
    let o = upload_attest(&oidc, &files, &[], &github_env(&oidc, &sig));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for (file, name) in files.iter().zip([WHEEL, SDIST]) {
        let out = std::process::Command::new(testpython::python())
            .arg("-c")
            .arg(PYPI_ATTESTATIONS_READS_IT)
            .arg(attestation_path(file))
            .arg(name)
            .output()
            .expect("run the test Python");
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stdout).starts_with("ok "),
            "{name}: pypi-attestations refused it:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_dry_run_with_attest_signs_and_writes_nothing() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start();
    let (_dir, files) = dists(&[WHEEL]);
    let o = upload_attest(&oidc, &files, &["--dry-run"], &github_env(&oidc, &sig));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("a dry run signs nothing"), "{}", text(&o));
    assert_eq!(sig.fulcio_requests(), 0);
    assert!(upload_forms(&oidc).is_empty());
    assert!(!attestation_path(&files[0]).exists());
}

#[test]
fn a_sigstore_outage_is_retried_with_a_new_certificate() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    // Fulcio answers 503 once, then Rekor 502 once: both are tried again.
    let sig = Sigstore::start_with(SigConfig {
        fulcio_status: Some(503),
        rekor_status: Some(502),
        forced_times: Some(1),
    });
    let (_dir, files) = dists(&[WHEEL]);
    let mut envs = github_env(&oidc, &sig);
    envs.push(("HOIST_RETRY_BASE_MS", "10".to_string()));
    let o = upload_attest(&oidc, &files, &[], &envs);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // 503, then a certificate whose Rekor entry got 502, then a new certificate and entry.
    assert_eq!(sig.fulcio_requests(), 3, "{}", text(&o));
    assert_eq!(sig.rekor_requests(), 2);
    assert_eq!(sig.logged().len(), 1, "one entry in the log, not two");
    let att: Value =
        serde_json::from_slice(&std::fs::read(attestation_path(&files[0])).expect("written"))
            .expect("JSON");
    verify_attestation(&att, &sig, WHEEL, &sha256_hex(&files[0])).expect("verifies");
    assert_eq!(upload_forms(&oidc).len(), 1);

    // A refusal (4xx) is not retried.
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start_with(SigConfig {
        fulcio_status: Some(401),
        ..SigConfig::default()
    });
    let (_dir, files) = dists(&[WHEEL]);
    let o = upload_attest(&oidc, &files, &[], &github_env(&oidc, &sig));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(sig.fulcio_requests(), 1);
}

#[test]
fn attest_outside_ci_is_refused_before_any_credential_is_looked_up() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start();
    let (_dir, files) = dists(&[WHEEL]);
    // No CI variables, and a .pypirc that must not even be read.
    let o = upload_attest(
        &oidc,
        &files,
        &["--config-file", "/nonexistent/.pypirc"],
        &sig.env(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("not a CI job with an OIDC identity"),
        "{}",
        text(&o)
    );
    assert!(!text(&o).contains(".pypirc"), "{}", text(&o));
    assert_eq!(sig.fulcio_requests(), 0);
    assert!(upload_forms(&oidc).is_empty());

    // --trusted-publishing never in a CI job: refused the same way.
    let o = upload_attest(
        &oidc,
        &files,
        &["--trusted-publishing", "never"],
        &github_env(&oidc, &sig),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("--trusted-publishing never"),
        "{}",
        text(&o)
    );
    assert!(oidc.issued().is_empty(), "no OIDC token was requested");
}

#[test]
fn a_second_step_uploads_the_attestations_of_the_first_with_attestations_not_attest() {
    // One job: TestPyPI first, then PyPI (here two fake indexes), the same dist directory.
    let first = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start();
    let (_dir, files) = dists(&[WHEEL, SDIST]);
    let o = upload_attest(&first, &files, &[], &github_env(&first, &sig));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(sig.fulcio_requests(), 2);
    let made: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(attestation_path(f)).expect("written"))
        .collect();

    // --attest again: refused before signing, never overwritten, and told what to do.
    let second = oidc_fake::Fake::start(oidc_fake::Config::default());
    let o = upload_attest(&second, &files, &[], &github_env(&second, &sig));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("already exists") && text(&o).contains("--attestations instead"),
        "{}",
        text(&o)
    );
    assert_eq!(sig.fulcio_requests(), 2, "nothing signed the second time");
    assert!(upload_forms(&second).is_empty());

    // --attestations instead: the first step's attestations go up as they are.
    let url = second.upload_url();
    let mut args = vec![
        "upload",
        "--repository-url",
        url.as_str(),
        "--non-interactive",
        "--attestations",
    ];
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    let o = hoist(&args, &github_env(&second, &sig));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(sig.fulcio_requests(), 2);
    let forms = upload_forms(&second);
    assert_eq!(forms.len(), 2);
    for (name, bytes) in [WHEEL, SDIST].iter().zip(&made) {
        let form = forms
            .iter()
            .find(|f| {
                f.iter()
                    .any(|p| p.name == "content" && p.filename.as_deref() == Some(*name))
            })
            .unwrap_or_else(|| panic!("{name} was not uploaded"));
        let field = form
            .iter()
            .find(|p| p.name == "attestations")
            .expect("attestations field");
        let sent: Value = serde_json::from_slice(&field.data).expect("JSON");
        let kept: Value = serde_json::from_slice(bytes).expect("JSON");
        assert_eq!(
            sent,
            json!([kept]),
            "{name}: the attestation of the first step"
        );
    }
}

#[test]
fn attest_refuses_before_signing_what_it_could_not_upload() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start();
    // A publish attestation made by another tool beside the wheel, with --attestations: the
    // new one would repeat its predicate type.
    let (_dir, files) = dists(&[WHEEL]);
    let o = upload_attest(&oidc, &files, &[], &github_env(&oidc, &sig));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let made = attestation_path(&files[0]);
    let mut other = made.clone().into_os_string();
    other.push(".build.attestation");
    let other = PathBuf::from(other.to_string_lossy().replace(".publish.attestation", ""));
    std::fs::rename(&made, &other).expect("rename");
    let o = upload_attest(&oidc, &files, &["--attestations"], &github_env(&oidc, &sig));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("already a publish attestation"),
        "{}",
        text(&o)
    );
    assert_eq!(sig.fulcio_requests(), 1, "refused before signing");
    assert!(!made.exists(), "nothing written");

    // The same file twice.
    let (_dir, files) = dists(&[WHEEL]);
    let twice = [files[0].clone(), files[0].clone()];
    let o = upload_attest(&oidc, &twice, &[], &github_env(&oidc, &sig));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("given twice"), "{}", text(&o));
    assert_eq!(sig.fulcio_requests(), 1);

    // A Sigstore URL over plain http to another host: the token would travel in clear.
    let mut envs = github_env(&oidc, &sig);
    envs.retain(|(k, _)| *k != "HOIST_SIGSTORE_FULCIO_URL");
    envs.push((
        "HOIST_SIGSTORE_FULCIO_URL",
        "http://u:s3cretpw@fulcio.example".into(),
    ));
    let o = upload_attest(&oidc, &files, &[], &envs);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("must be an https URL"), "{}", text(&o));
    assert!(!text(&o).contains("s3cretpw"), "{}", text(&o));
}

#[test]
fn gitlab_without_a_sigstore_token_is_refused_before_minting_with_both_tokens_in_the_yaml() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config {
        publisher: oidc_fake::Publisher::GitLab {
            project_path: "grp/demo".into(),
            workflow_filepath: ".gitlab-ci.yml".into(),
        },
        ..oidc_fake::Config::default()
    });
    let sig = Sigstore::start();
    let jwt = oidc.token(
        oidc_fake::GITLAB_ISS,
        json!({"project_path": "grp/demo", "ci_config_ref_uri": "gitlab.com/grp/demo//.gitlab-ci.yml@refs/tags/v1", "sub": "project_path:grp/demo:ref_type:tag:ref:v1"}),
    );
    let (_dir, files) = dists(&[WHEEL]);
    let mut envs = sig.env();
    envs.push(("GITLAB_CI", "true".into()));
    envs.push(("PYPI_ID_TOKEN", jwt.clone()));
    let o = upload_attest(&oidc, &files, &[], &envs);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("SIGSTORE_ID_TOKEN is not set"), "{t}");
    assert!(
        t.contains("PYPI_ID_TOKEN:") && t.contains("aud: sigstore"),
        "{t}"
    );
    assert!(!t.contains("the audience this index asks for"), "{t}");
    assert_eq!(oidc.count("/_/oidc/mint-token"), 0, "nothing minted");
    assert_eq!(sig.fulcio_requests(), 0);
    assert!(!t.contains(&jwt));
}

#[test]
fn a_sigstore_token_about_to_expire_is_replaced_before_the_next_file() {
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let sig = Sigstore::start();
    let (_dir, files) = dists(&[WHEEL, SDIST]);
    // The fake's tokens live 300 s: with a 400 s margin each is "about to expire".
    let mut envs = github_env(&oidc, &sig);
    envs.push(("HOIST_SIGSTORE_TOKEN_MARGIN_SECS", "400".into()));
    let o = upload_attest(&oidc, &files, &[], &envs);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let sigstore_tokens = audiences(&oidc).iter().filter(|a| *a == "sigstore").count();
    assert_eq!(
        sigstore_tokens, 3,
        "the first, then one before each of the 2 files"
    );
    let jtis: std::collections::HashSet<String> = sig
        .issued()
        .iter()
        .map(|i| i.claims["jti"].to_string())
        .collect();
    assert_eq!(jtis.len(), 2, "each certificate from a different token");

    // With the default margin one token serves both files.
    let oidc = oidc_fake::Fake::start(oidc_fake::Config::default());
    let (_dir, files) = dists(&[WHEEL, SDIST]);
    let o = upload_attest(&oidc, &files, &[], &github_env(&oidc, &sig));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let n = audiences(&oidc).iter().filter(|a| *a == "sigstore").count();
    assert_eq!(n, 1);
}
