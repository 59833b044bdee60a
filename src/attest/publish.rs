//! Attestations in the publish pipeline (`crate::publish`): which attestation files go with
//! each distribution, what `--attest` can refuse before anything is looked up, and the
//! signing of every file as this CI job's identity, all or nothing (PEP 740; PyPI's rules in
//! Warehouse, `warehouse/attestations/services.py`).
//!
//! It uses the rest of `crate::attest`, the prepared forms of `crate::upload`, and the
//! trusted-publishing exchange of `crate::auth::oidc` for the signing identity. It prints
//! nothing: progress lines go to the `note` function the pipeline passes.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::auth::oidc::{self, SharedEnv, TrustedPublisher, report};
use crate::digest::Digests;
use crate::upload::{self, Prepared};

use super::{Companions, MAX_PER_FILE, sign, verify_one};

/// What the attestation step is asked to do.
#[derive(Clone, Copy, Debug)]
pub struct Wanted {
    /// Upload the attestation files found beside each distribution (`--attestations`).
    pub attestations: bool,
    /// Sign each distribution (`--attest`).
    pub attest: bool,
    /// How often a failed signing is tried again (`--retries`).
    pub retries: u32,
}

/// Why the attestations cannot go with the upload; nothing was sent. Each message names the
/// file; multi-line ones hold one message per line, as printed after `error: `.
#[derive(Debug, thiserror::Error)]
pub enum PublishAttestError {
    /// A setting or an existing file rules `--attest` out (a usage error).
    #[error("{0}")]
    Usage(String),
    /// An attestation does not fit its distribution or PyPI's limits.
    #[error("{0}\nerror: nothing was uploaded")]
    Invalid(String),
    /// No identity token for Sigstore.
    #[error(
        "--attest: cannot get an OIDC token with audience \"sigstore\": {0}\nerror: no attestation was made and nothing was uploaded"
    )]
    Token(String),
    /// Some files could not be signed (one message per file).
    #[error("{}\nerror: no attestation was written and nothing was uploaded", .0.join("\nerror: "))]
    Signing(Vec<String>),
    /// A new attestation could not be written; those already written were removed.
    #[error("cannot write {}: {source}\nerror: no attestation was kept and nothing was uploaded", .path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// Attaches to each form the attestation files beside its distribution (`--attestations`),
/// checked locally, or notes that there are some to upload; with `--attest`, first refuses
/// what signing could not fix (`precheck`). Returns how many files were attached.
///
/// Errors: [`PublishAttestError::Usage`] (precheck, unreadable file),
/// [`PublishAttestError::Invalid`] (an attestation PyPI would refuse).
pub fn attach_companions(
    prepared: &mut [Prepared],
    wanted: Wanted,
    env: &SharedEnv,
    note: &dyn Fn(&str),
) -> Result<usize, PublishAttestError> {
    // Each directory is listed once for all its files.
    let companions = Companions::scan(prepared.iter().map(|p| p.path.as_path()));
    if wanted.attest {
        precheck(wanted, prepared, &companions, env).map_err(PublishAttestError::Usage)?;
    }
    let mut attested = 0usize;
    for p in prepared.iter_mut() {
        let files = companions.for_dist(&p.path);
        if !wanted.attestations {
            if !files.is_empty() {
                note(&format!(
                    "note: {} has {} attestation file(s) beside it; pass --attestations to upload them",
                    p.filename,
                    files.len()
                ));
            }
            continue;
        }
        if wanted.attest && files.is_empty() {
            // --attest makes the one it needs, after the credentials are known.
            continue;
        }
        let sha256 = digests_of(p)
            .map_err(PublishAttestError::Usage)?
            .sha256
            .clone();
        let json = super::prepare(&p.filename, &sha256, &files)
            .map_err(|e| PublishAttestError::Invalid(e.to_string()))?;
        set_field(p, json);
        attested += files.len();
    }
    Ok(attested)
}

/// Puts `json` in the form's `attestations` field, replacing one there.
fn set_field(p: &mut Prepared, json: String) {
    p.extra_fields.retain(|f| f.name != "attestations");
    p.extra_fields.push(upload::form::FormField {
        name: "attestations".into(),
        value: json,
    });
}

/// `p`'s digests, computed the first time they are needed and kept for the rest of the run
/// (signing, attestation checks and the upload share one pass over the file).
fn digests_of(p: &mut Prepared) -> Result<&Digests, String> {
    let d = match p.digests.take() {
        Some(d) => d,
        None => crate::digest::digest_file(&p.path, false)
            .map_err(|e| format!("cannot read {}: {e}", p.path.display()))?,
    };
    Ok(p.digests.insert(d))
}

/// What `--attest` can refuse before anything is looked up, signed or sent: a Sigstore URL
/// that would expose the identity token, the same file given twice, an
/// `F.publish.attestation` already there (never overwritten), and with `--attestations` other
/// attestation files that would leave no room for the new one or repeat its predicate.
fn precheck(
    wanted: Wanted,
    prepared: &mut [Prepared],
    companions: &Companions,
    env: &SharedEnv,
) -> Result<(), String> {
    sign::Services::from_env(&|k| env(k))?;
    let mut seen = HashSet::new();
    for p in prepared.iter_mut() {
        let key = std::fs::canonicalize(&p.path).unwrap_or_else(|_| p.path.clone());
        if !seen.insert(key) {
            return Err(format!(
                "{} is given twice; --attest signs each file once: list it once",
                p.path.display()
            ));
        }
        let out = sign::output_path(&p.path);
        if out.exists() {
            return Err(format!(
                "{} already exists, and --attest never overwrites an attestation. If an earlier step of this job made it for these bytes (TestPyPI, then PyPI), upload it as it is with --attestations instead of --attest; otherwise delete it",
                out.display()
            ));
        }
        if wanted.attestations {
            precheck_others(p, companions)?;
        }
    }
    Ok(())
}

/// With `--attestations`, the attestation files already beside `p` must leave room for the
/// new one and not be a publish attestation themselves.
fn precheck_others(p: &mut Prepared, companions: &Companions) -> Result<(), String> {
    let others = companions.for_dist(&p.path);
    if others.len() + 1 > MAX_PER_FILE {
        return Err(format!(
            "{} has {} attestation file(s) beside it and --attest adds one: PyPI takes at most {} per file",
            p.filename,
            others.len(),
            MAX_PER_FILE
        ));
    }
    if others.is_empty() {
        return Ok(());
    }
    let sha256 = digests_of(p)?.sha256.clone();
    for other in &others {
        let doc: serde_json::Value = std::fs::read(other)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
            .map_err(|e| format!("{}: {e}", other.display()))?;
        let predicate = verify_one(other, &doc, &p.filename, &sha256).map_err(|e| e.to_string())?;
        if predicate == sign::PUBLISH_PREDICATE {
            return Err(format!(
                "{} is already a publish attestation of {}, and PyPI takes one per predicate type: drop --attest to upload it, or remove it",
                other.display(),
                p.filename
            ));
        }
    }
    Ok(())
}

/// `--attest`: signs every distribution with Sigstore as this job's identity, checks each
/// result the way PyPI will, writes `F.publish.attestation` beside each file and adds it to
/// the file's form. All or nothing: when one file cannot be signed, no attestation is
/// written and nothing is uploaded.
///
/// Errors: [`PublishAttestError::Usage`] (Sigstore settings, the client, an unreadable file),
/// `Token`, `Signing`, `Write`, `Invalid` (see [`PublishAttestError`]).
pub fn sign_all(
    wanted: Wanted,
    prepared: &mut [Prepared],
    tp: &TrustedPublisher,
    runtime: &tokio::runtime::Runtime,
    env: &SharedEnv,
    note: &dyn Fn(&str),
) -> Result<(), PublishAttestError> {
    let usage = |e: String| PublishAttestError::Usage(e);
    let services = sign::Services::from_env(&|k| env(k)).map_err(usage)?;
    let client = upload::client::build_for_services(Duration::from_secs(60))
        .map_err(|e| usage(e.to_string()))?;
    let retry = sign::Retry {
        retries: wanted.retries,
        base: millis(env, "HOIST_RETRY_BASE_MS").unwrap_or(Duration::from_secs(1)),
    };
    let mut subjects = Vec::new();
    for p in prepared.iter_mut() {
        let sha256 = digests_of(p).map_err(usage)?.sha256.clone();
        subjects.push((p.filename.clone(), sha256));
    }
    note(&format!(
        "Signing {} file(s) with Sigstore ({}) as the {} identity",
        subjects.len(),
        services.describe(),
        tp.provider_kind().name()
    ));
    let token = runtime
        .block_on(tp.token_for(sign::AUDIENCE))
        .map_err(|e| {
            PublishAttestError::Token(match &e {
                oidc::TrustedError::Identity(i) => report::identity_error(i),
                other => other.to_string(),
            })
        })?;
    let margin = env("HOIST_SIGSTORE_TOKEN_MARGIN_SECS")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(60);
    let signing = Signing {
        services: &services,
        client: &client,
        tp,
        retry,
        margin,
    };
    let signed = runtime.block_on(signing.all(token, &subjects));
    let documents = verified(prepared, &subjects, signed)?;
    let written = write_all(&documents, note)?;
    attach(wanted, prepared, &subjects).inspect_err(|_| remove(&written))
}

/// What signing one file needs.
struct Signing<'a> {
    services: &'a sign::Services,
    client: &'a reqwest::Client,
    tp: &'a TrustedPublisher,
    retry: sign::Retry,
    /// A token with less than this many seconds to live is replaced first.
    margin: u64,
}

impl Signing<'_> {
    /// Signs each subject, four at a time. One token serves the files while it has more than
    /// `margin` to live; then a fresh one is asked for (a provider that cannot mint again,
    /// GitLab, gives the same one back).
    async fn all(
        &self,
        token: crate::auth::Secret,
        subjects: &[(String, String)],
    ) -> Vec<Result<serde_json::Value, sign::SignError>> {
        use futures_util::stream::{self, StreamExt};
        let current = tokio::sync::Mutex::new(token);
        stream::iter(subjects.iter())
            .map(|(filename, sha256)| {
                let current = &current;
                async move {
                    let token = {
                        let mut token = current.lock().await;
                        if oidc::Claims::decode(token.expose())
                            .is_ok_and(|c| c.expires_within(self.margin))
                            && let Ok(fresh) = self.tp.token_for(sign::AUDIENCE).await
                        {
                            *token = fresh;
                        }
                        token.clone()
                    };
                    sign::sign(
                        self.services,
                        self.client,
                        &token,
                        filename,
                        sha256,
                        self.retry,
                    )
                    .await
                }
            })
            .buffered(4)
            .collect()
            .await
    }
}

/// Each signed document checked as PyPI will, paired with the path it is written to.
fn verified(
    prepared: &[Prepared],
    subjects: &[(String, String)],
    signed: Vec<Result<serde_json::Value, sign::SignError>>,
) -> Result<Vec<(PathBuf, serde_json::Value)>, PublishAttestError> {
    let mut documents = Vec::new();
    let mut failures = Vec::new();
    for ((p, (filename, sha256)), result) in prepared.iter().zip(subjects).zip(signed) {
        let out = sign::output_path(&p.path);
        match result.map_err(|e| e.to_string()).and_then(|doc| {
            // The same checks as for an attestation file someone else made.
            verify_one(&out, &doc, filename, sha256)
                .map(|_| doc)
                .map_err(|e| e.to_string())
        }) {
            Ok(doc) => documents.push((out, doc)),
            Err(e) => failures.push(e),
        }
    }
    if failures.is_empty() {
        Ok(documents)
    } else {
        Err(PublishAttestError::Signing(failures))
    }
}

/// Writes each new attestation, noting its Rekor log index; on a failure removes those
/// written.
fn write_all(
    documents: &[(PathBuf, serde_json::Value)],
    note: &dyn Fn(&str),
) -> Result<Vec<PathBuf>, PublishAttestError> {
    let mut written = Vec::new();
    for (out, doc) in documents {
        if let Err(source) = write_new(out, doc) {
            remove(&written);
            return Err(PublishAttestError::Write {
                path: out.clone(),
                source,
            });
        }
        let index = doc
            .pointer("/verification_material/transparency_entries/0/logIndex")
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .unwrap_or_default();
        note(&format!(
            "Wrote {} (Rekor log index {index})",
            out.display()
        ));
        written.push(out.clone());
    }
    Ok(written)
}

fn remove(written: &[PathBuf]) {
    for w in written {
        let _ = std::fs::remove_file(w);
    }
}

/// Attaches to each file's form its `F.publish.attestation`, and with `--attestations` the
/// other attestation files beside it, all checked again together.
fn attach(
    wanted: Wanted,
    prepared: &mut [Prepared],
    subjects: &[(String, String)],
) -> Result<(), PublishAttestError> {
    // Listed again, once per directory: the new attestations are there now.
    let companions = if wanted.attestations {
        Companions::scan(prepared.iter().map(|p| p.path.as_path()))
    } else {
        Companions::default()
    };
    for (p, (filename, sha256)) in prepared.iter_mut().zip(subjects) {
        let files = if wanted.attestations {
            companions.for_dist(&p.path)
        } else {
            vec![sign::output_path(&p.path)]
        };
        let json = super::prepare(filename, sha256, &files)
            .map_err(|e| PublishAttestError::Invalid(e.to_string()))?;
        set_field(p, json);
    }
    Ok(())
}

/// Writes `doc` to a new file `path` as compact JSON; an existing `path` is never replaced,
/// and a failed write leaves no partial file.
fn write_new(path: &Path, doc: &serde_json::Value) -> io::Result<()> {
    let bytes = serde_json::to_vec(doc).map_err(io::Error::other)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let written = file.write_all(&bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        drop(file);
        let _ = std::fs::remove_file(path);
    }
    written
}

/// What `--attest` would do, for a dry run (which signs nothing).
pub fn dry_run_note(env: &SharedEnv) -> String {
    let services = sign::Services::from_env(&|k| env(k))
        .map(|s| s.describe())
        .unwrap_or_default();
    format!(
        "--attest: each file would first be signed with Sigstore ({services}) as this job's trusted-publishing identity and its F.publish.attestation sent with it; a dry run signs nothing"
    )
}

/// The environment variable `name`, parsed as milliseconds.
fn millis(env: &SharedEnv, name: &str) -> Option<Duration> {
    env(name)
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis)
}
