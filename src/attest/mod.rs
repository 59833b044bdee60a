//! PEP 740 attestations: finding the `F.*.attestation` files beside a distribution `F`, and
//! checking each locally, before anything is sent, the way PyPI will (PEP 740; Warehouse's
//! `warehouse/attestations/services.py` with the `pypi-attestations` models): JSON of the right shape, an in-toto v1 statement with
//! exactly one subject whose name is this distribution and whose sha256 is this file's, a
//! predicate type PyPI accepts, at most one of each type and at most two in all.
//!
//! `sign.rs` makes a publish attestation with Sigstore; `publish.rs` is the attestation step
//! of the publish pipeline (which files go with each upload, `--attest` signing).
//!
//! What cannot be checked offline is left to PyPI: the Sigstore certificate chain, the Rekor
//! inclusion proof, the DSSE signature and the trusted-publisher identity policy.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::Value;

use crate::dist::filename::{SdistFilename, WheelFilename, canonicalize_name};

pub mod publish;
pub mod sign;

/// The predicate types PyPI accepts.
pub const PREDICATE_TYPES: &[&str] = &[
    "https://docs.pypi.org/attestations/publish/v1",
    "https://slsa.dev/provenance/v1",
];

/// The most attestations PyPI accepts for one file.
pub const MAX_PER_FILE: usize = 2;

/// Why an attestation cannot be uploaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct AttestError {
    pub path: String,
    pub reason: String,
}

fn err(path: &Path, reason: impl Into<String>) -> AttestError {
    AttestError {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

/// The attestation files for distribution `dist`: `<dir>/<filename>.<anything>.attestation`.
/// Lists `dist`'s directory: for many distributions, use [`Companions`].
pub fn find_for(dist: &Path) -> Vec<PathBuf> {
    Companions::scan([dist]).for_dist(dist)
}

/// The attestation files beside a set of distributions, each directory listed once: the
/// lookup for one distribution is then a search in a sorted list, so 5,000 wheels in one
/// folder cost one listing of it, not 5,000.
#[derive(Debug, Default)]
pub struct Companions {
    /// Each directory's `*.attestation` file names, sorted.
    by_dir: HashMap<PathBuf, Vec<String>>,
}

fn dir_of(dist: &Path) -> Option<(&Path, &str)> {
    let (dir, name) = (dist.parent()?, dist.file_name()?.to_str()?);
    Some((
        if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        },
        name,
    ))
}

impl Companions {
    /// Lists the directory of each of `dists` once (an unreadable one counts as empty).
    pub fn scan<'a>(dists: impl IntoIterator<Item = &'a Path>) -> Companions {
        let mut by_dir: HashMap<PathBuf, Vec<String>> = HashMap::new();
        for dist in dists {
            let Some((dir, _)) = dir_of(dist) else {
                continue;
            };
            if by_dir.contains_key(dir) {
                continue;
            }
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .map(|rd| {
                    rd.filter_map(Result::ok)
                        .filter_map(|e| e.file_name().into_string().ok())
                        .filter(|n| n.ends_with(".attestation"))
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            by_dir.insert(dir.to_path_buf(), names);
        }
        Companions { by_dir }
    }

    /// The attestation files of `dist`, sorted; empty when its directory was not scanned.
    pub fn for_dist(&self, dist: &Path) -> Vec<PathBuf> {
        let Some((dir, name)) = dir_of(dist) else {
            return Vec::new();
        };
        let Some(names) = self.by_dir.get(dir) else {
            return Vec::new();
        };
        let prefix = format!("{name}.");
        let from = names.partition_point(|n| n.as_str() < prefix.as_str());
        names[from..]
            .iter()
            .take_while(|n| n.starts_with(&prefix))
            .filter(|n| n.len() > prefix.len() + ".attestation".len())
            .map(|n| dir.join(n))
            .collect()
    }
}

/// What identifies a distribution for PyPI's subject check: normalised name, version, tags.
fn identity(filename: &str) -> Option<(String, crate::dist::version::Version, Vec<String>)> {
    if filename.ends_with(".whl") {
        let w = WheelFilename::parse(filename).ok()?;
        let tags = format!(
            "{}-{}-{}",
            w.python_tags.join("."),
            w.abi_tags.join("."),
            w.platform_tags.join(".")
        );
        Some((canonicalize_name(&w.raw_name), w.version, vec![tags]))
    } else {
        let s = SdistFilename::parse(filename).ok()?;
        Some((canonicalize_name(&s.raw_name), s.version, Vec::new()))
    }
}

fn b64(value: &Value, what: &str, path: &Path) -> Result<Vec<u8>, AttestError> {
    let s = value.as_str().ok_or_else(|| {
        err(
            path,
            format!("Malformed attestations: {what} must be a base64 string"),
        )
    })?;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|_| {
            err(
                path,
                format!("Malformed attestations: {what} is not valid base64"),
            )
        })
}

/// Checks one attestation against the distribution (`filename`, `sha256` hex). Returns the
/// attestation's predicate type.
///
/// Errors: the messages PyPI gives (`warehouse/attestations/services.py`), "Malformed
/// attestations: ..." for the shape, "Could not verify the uploaded artifact ..." for the
/// statement; each names `path`.
pub fn verify_one(
    path: &Path,
    doc: &Value,
    filename: &str,
    sha256: &str,
) -> Result<String, AttestError> {
    let statement_bytes = envelope_statement(path, doc)?;
    verify_statement(path, &statement_bytes, filename, sha256)
}

/// The attestation's shape (version 1, verification material with a certificate and a
/// transparency entry, a signed envelope): the envelope's statement, decoded.
fn envelope_statement(path: &Path, doc: &Value) -> Result<Vec<u8>, AttestError> {
    let obj = doc.as_object().ok_or_else(|| {
        err(
            path,
            "Malformed attestations: an attestation must be a JSON object",
        )
    })?;
    if obj.get("version").and_then(Value::as_u64) != Some(1) {
        return Err(err(path, "Malformed attestations: version must be 1"));
    }
    let material = obj
        .get("verification_material")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            err(
                path,
                "Malformed attestations: verification_material is missing",
            )
        })?;
    b64(
        material.get("certificate").unwrap_or(&Value::Null),
        "verification_material.certificate",
        path,
    )?;
    let entries = material
        .get("transparency_entries")
        .and_then(Value::as_array);
    if entries.is_none_or(|e| e.is_empty()) {
        return Err(err(
            path,
            "Malformed attestations: verification_material.transparency_entries needs at least one entry",
        ));
    }
    let envelope = obj
        .get("envelope")
        .and_then(Value::as_object)
        .ok_or_else(|| err(path, "Malformed attestations: envelope is missing"))?;
    b64(
        envelope.get("signature").unwrap_or(&Value::Null),
        "envelope.signature",
        path,
    )?;
    b64(
        envelope.get("statement").unwrap_or(&Value::Null),
        "envelope.statement",
        path,
    )
}

/// The in-toto statement: exactly one subject, naming this distribution with this sha256, and
/// a predicate type PyPI accepts (returned).
fn verify_statement(
    path: &Path,
    statement_bytes: &[u8],
    filename: &str,
    sha256: &str,
) -> Result<String, AttestError> {
    let fail = |detail: String| {
        err(
            path,
            format!(
                "Could not verify the uploaded artifact using the included attestation: Verification failed: {detail}"
            ),
        )
    };
    let statement: Value = serde_json::from_slice(statement_bytes)
        .map_err(|e| fail(format!("invalid statement: {e}")))?;
    if statement.get("_type").and_then(Value::as_str) != Some("https://in-toto.io/Statement/v1") {
        return Err(fail(
            "invalid statement: _type must be https://in-toto.io/Statement/v1".into(),
        ));
    }
    let subjects = statement
        .get("subject")
        .and_then(Value::as_array)
        .ok_or_else(|| fail("invalid statement: no subject".into()))?;
    if subjects.len() != 1 {
        return Err(fail(
            "too many subjects in statement (must be exactly one)".into(),
        ));
    }
    let subject = &subjects[0];
    let name = subject
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("invalid subject: missing name".into()))?;
    let (Some(theirs), Some(ours)) = (identity(name), identity(filename)) else {
        return Err(fail(format!(
            "invalid subject: {name:?} is not a distribution filename"
        )));
    };
    if theirs != ours {
        return Err(fail(format!(
            "subject does not match distribution name: {name} != {filename}"
        )));
    }
    let digest = subject
        .get("digest")
        .and_then(|d| d.get("sha256"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if !digest.eq_ignore_ascii_case(sha256) {
        return Err(fail("subject does not match distribution digest".into()));
    }
    let predicate_type = statement
        .get("predicateType")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !PREDICATE_TYPES.contains(&predicate_type) {
        return Err(fail(format!("unknown attestation type: {predicate_type}")));
    }
    Ok(predicate_type.to_string())
}

/// Reads and checks every attestation for one distribution; returns the JSON array to send in
/// the `attestations` form field.
pub fn prepare(
    dist_filename: &str,
    sha256: &str,
    files: &[PathBuf],
) -> Result<String, AttestError> {
    let Some(first) = files.first() else {
        return Err(AttestError {
            path: dist_filename.to_string(),
            reason: "Upload with attestations requested, but it has no associated attestations (expected a file named <distribution>.publish.attestation beside it)".into(),
        });
    };
    if files.len() > MAX_PER_FILE {
        return Err(err(
            first,
            format!(
                "A maximum of {MAX_PER_FILE} attestations per file are supported ({} found)",
                files.len()
            ),
        ));
    }
    let mut docs = Vec::new();
    let mut types: Vec<String> = Vec::new();
    for path in files {
        let bytes = std::fs::read(path).map_err(|e| err(path, format!("cannot read it: {e}")))?;
        let doc: Value = serde_json::from_slice(&bytes)
            .map_err(|e| err(path, format!("invalid JSON in attestation: {e}")))?;
        let t = verify_one(path, &doc, dist_filename, sha256)?;
        if types.contains(&t) {
            return Err(err(
                path,
                format!(
                    "Multiple attestations for the same file with the same predicate type ({t}) are not supported"
                ),
            ));
        }
        types.push(t);
        docs.push(doc);
    }
    serde_json::to_string(&docs).map_err(|e| err(first, e.to_string()))
}

#[cfg(test)]
mod companion_tests {
    use super::*;

    #[test]
    fn one_listing_serves_every_distribution_of_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let touch = |name: &str| std::fs::write(dir.path().join(name), b"").unwrap();
        for name in [
            "a-1.0-py3-none-any.whl",
            "a-1.0-py3-none-any.whl.publish.attestation",
            "a-1.0-py3-none-any.whl.slsa.attestation",
            // Not companions of a-1.0-...whl: another file's, no middle part, another suffix.
            "a-1.0-py3-none-any.whl2.publish.attestation",
            "a-1.0-py3-none-any.whl.attestation",
            "a-1.0-py3-none-any.whl.publish.asc",
            "b-1.0.tar.gz",
            "b-1.0.tar.gz.publish.attestation",
        ] {
            touch(name);
        }
        let a = dir.path().join("a-1.0-py3-none-any.whl");
        let b = dir.path().join("b-1.0.tar.gz");
        let c = dir.path().join("c-1.0.tar.gz");
        let all = Companions::scan([a.as_path(), b.as_path(), c.as_path()]);
        assert_eq!(all.by_dir.len(), 1);
        assert_eq!(
            all.for_dist(&a),
            [
                dir.path()
                    .join("a-1.0-py3-none-any.whl.publish.attestation"),
                dir.path().join("a-1.0-py3-none-any.whl.slsa.attestation"),
            ]
        );
        assert_eq!(
            all.for_dist(&b),
            [dir.path().join("b-1.0.tar.gz.publish.attestation")]
        );
        assert!(all.for_dist(&c).is_empty());
        // find_for, for one file, agrees.
        assert_eq!(find_for(&a), all.for_dist(&a));
        // A folder that was not scanned has nothing.
        assert!(Companions::default().for_dist(&a).is_empty());
    }
}
