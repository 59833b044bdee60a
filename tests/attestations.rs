//! PEP 740 attestations: local verification of every malformed variant (wrong digest, wrong
//! name, two subjects, unknown predicate, malformed JSON, duplicates, too many), and the upload:
//! a plain-text `attestations` field holding the JSON array, never a file part, never sent with
//! an API token to PyPI, and attestation files never uploaded as distributions.

mod netsupport;
mod support;

use std::path::{Path, PathBuf};

use base64::Engine;
use netsupport::{Behavior, FaultServer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::run::{hoist, text};

const PUBLISH: &str = "https://docs.pypi.org/attestations/publish/v1";
const SLSA: &str = "https://slsa.dev/provenance/v1";

fn sha256_of(path: &Path) -> String {
    let data = std::fs::read(path).expect("read");
    Sha256::digest(&data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An attestation in PyPI's shape. The certificate and signature are placeholders: hoist does
/// not verify Sigstore cryptography locally (PyPI does).
fn attestation(subjects: Value, predicate_type: &str) -> Value {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects,
        "predicateType": predicate_type,
        "predicate": {},
    });
    json!({
        "version": 1,
        "verification_material": {
            "certificate": b64(b"test certificate"),
            "transparency_entries": [{"logIndex": "1", "kindVersion": {"kind": "dsse", "version": "0.0.1"}}],
        },
        "envelope": {
            "statement": b64(statement.to_string().as_bytes()),
            "signature": b64(b"test signature"),
        },
    })
}

fn subject(name: &str, sha256: &str) -> Value {
    json!([{"name": name, "digest": {"sha256": sha256}}])
}

/// A copy of the demo wheel in a temp dir, with the given attestations beside it.
fn dist_with(attestations: &[(&str, String)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let wheel = dir.path().join("demo-1.0-py3-none-any.whl");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dist/demo-1.0-py3-none-any.whl"),
        &wheel,
    )
    .expect("copy");
    for (kind, body) in attestations {
        std::fs::write(
            dir.path()
                .join(format!("demo-1.0-py3-none-any.whl.{kind}.attestation")),
            body,
        )
        .expect("write");
    }
    (dir, wheel)
}

fn check(attestations: &[(&str, String)]) -> Result<String, String> {
    let (_dir, wheel) = dist_with(attestations);
    let files = hoist::attest::find_for(&wheel);
    hoist::attest::prepare("demo-1.0-py3-none-any.whl", &sha256_of(&wheel), &files)
        .map_err(|e| e.to_string())
}

fn good_sha() -> String {
    sha256_of(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dist/demo-1.0-py3-none-any.whl"),
    )
}

#[test]
fn a_valid_attestation_passes_and_equal_names_may_be_spelled_differently() {
    let sha = good_sha();
    let ok = attestation(subject("demo-1.0-py3-none-any.whl", &sha), PUBLISH).to_string();
    let json = check(&[("publish", ok.clone())]).expect("valid");
    let sent: Value = serde_json::from_str(&json).expect("array");
    assert_eq!(
        sent,
        Value::Array(vec![serde_json::from_str(&ok).expect("json")])
    );
    // PyPI compares the parsed name, version and tags, not the string.
    let renamed = attestation(subject("Demo-1.0.0-py3-none-any.whl", &sha), PUBLISH).to_string();
    assert!(check(&[("publish", renamed)]).is_ok());
    // One of each accepted predicate type.
    let slsa = attestation(subject("demo-1.0-py3-none-any.whl", &sha), SLSA).to_string();
    assert!(check(&[("publish", ok), ("build", slsa)]).is_ok());
}

#[test]
fn every_malformed_attestation_is_refused_with_a_clear_reason() {
    let sha = good_sha();
    let name = "demo-1.0-py3-none-any.whl";
    type Case<'a> = (&'a str, Vec<(&'a str, String)>, &'a str);
    let cases: Vec<Case> = vec![
        ("wrong digest", vec![("publish", attestation(subject(name, &"0".repeat(64)), PUBLISH).to_string())], "subject does not match distribution digest"),
        ("wrong name", vec![("publish", attestation(subject("other-1.0-py3-none-any.whl", &sha), PUBLISH).to_string())], "subject does not match distribution name: other-1.0-py3-none-any.whl != demo-1.0-py3-none-any.whl"),
        ("two subjects", vec![("publish", attestation(json!([{"name": name, "digest": {"sha256": sha}}, {"name": name, "digest": {"sha256": sha}}]), PUBLISH).to_string())], "too many subjects in statement (must be exactly one)"),
        ("unknown predicate", vec![("publish", attestation(subject(name, &sha), "https://example.com/made-up/v1").to_string())], "unknown attestation type: https://example.com/made-up/v1"),
        ("malformed JSON", vec![("publish", "{\"version\": 1,".to_string())], "invalid JSON in attestation"),
        ("not PyPI's shape", vec![("publish", json!({"version": 1}).to_string())], "Malformed attestations: verification_material is missing"),
        ("same predicate twice", vec![("a", attestation(subject(name, &sha), PUBLISH).to_string()), ("b", attestation(subject(name, &sha), PUBLISH).to_string())], "Multiple attestations for the same file with the same predicate type"),
        ("three", vec![("a", attestation(subject(name, &sha), PUBLISH).to_string()), ("b", attestation(subject(name, &sha), SLSA).to_string()), ("c", attestation(subject(name, &sha), PUBLISH).to_string())], "A maximum of 2 attestations per file are supported"),
        ("none", vec![], "Upload with attestations requested, but it has no associated attestations"),
    ];
    for (what, files, expected) in cases {
        let e = check(&files).expect_err(what);
        assert!(e.contains(expected), "{what}: {e}");
        if !files.is_empty() {
            assert!(
                e.contains(".attestation"),
                "{what}: the message names the file: {e}"
            );
        }
    }
}

#[test]
fn attestations_go_as_a_plain_text_field_and_never_as_distributions() {
    let sha = good_sha();
    let doc = attestation(subject("demo-1.0-py3-none-any.whl", &sha), PUBLISH);
    let (_dir, wheel) = dist_with(&[("publish", doc.to_string())]);
    let server = FaultServer::start(vec![Behavior::ok()]);
    // The glob also matches the attestation file: it must not be uploaded on its own.
    let pattern = format!("{}*", wheel.display());
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "u",
            "--non-interactive",
            "--attestations",
            &pattern,
        ],
        &[("HOIST_PASSWORD", "p")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("only PyPI and TestPyPI"),
        "a warning for other indexes: {}",
        text(&o)
    );
    let reqs = server.wait_for_requests(1, std::time::Duration::from_secs(20));
    assert_eq!(
        reqs.len(),
        1,
        "one request: the attestation is not a distribution"
    );
    let parts = reqs[0].multipart().expect("multipart");
    let field = parts
        .iter()
        .find(|p| p.name == "attestations")
        .expect("attestations field");
    assert!(
        field.filename.is_none() && field.content_type.is_none(),
        "a plain text field, not a file part"
    );
    let sent: Value = serde_json::from_slice(&field.data).expect("JSON");
    assert_eq!(sent, Value::Array(vec![doc]));
}

#[test]
fn without_the_flag_they_are_left_out_with_a_note() {
    let sha = good_sha();
    let (_dir, wheel) = dist_with(&[(
        "publish",
        attestation(subject("demo-1.0-py3-none-any.whl", &sha), PUBLISH).to_string(),
    )]);
    let server = FaultServer::start(vec![Behavior::ok()]);
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "u",
            "--non-interactive",
            wheel.to_str().expect("utf-8"),
        ],
        &[("HOIST_PASSWORD", "p")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("pass --attestations"), "{}", text(&o));
    let parts = server.wait_for_requests(1, std::time::Duration::from_secs(20))[0]
        .multipart()
        .expect("multipart");
    assert!(parts.iter().all(|p| p.name != "attestations"));
}

#[test]
fn nothing_is_sent_when_an_attestation_is_wrong_or_pypi_would_refuse_it() {
    let (_dir, wheel) = dist_with(&[(
        "publish",
        attestation(
            subject("demo-1.0-py3-none-any.whl", &"0".repeat(64)),
            PUBLISH,
        )
        .to_string(),
    )]);
    let server = FaultServer::start(vec![Behavior::ok()]);
    let w = wheel.to_str().expect("utf-8");
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "u",
            "--non-interactive",
            "--attestations",
            w,
        ],
        &[("HOIST_PASSWORD", "p")],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains("subject does not match distribution digest"),
        "{}",
        text(&o)
    );
    assert!(server.requests().is_empty());
    // PyPI accepts attestations only from trusted publishing: refused before any request.
    let sha = good_sha();
    let (_dir2, wheel) = dist_with(&[(
        "publish",
        attestation(subject("demo-1.0-py3-none-any.whl", &sha), PUBLISH).to_string(),
    )]);
    let o = hoist(
        &[
            "upload",
            "--non-interactive",
            "--attestations",
            wheel.to_str().expect("utf-8"),
        ],
        &[("HOIST_PASSWORD", "pypi-AgEIcHlwaS5vcmcNOTAREALTOKEN")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("only from trusted publishing"),
        "{}",
        text(&o)
    );
    assert!(!text(&o).contains("NOTAREALTOKEN"));
}
