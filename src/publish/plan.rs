//! Phase 5, plan (`--dry-run`): the requests the send phase would make, built the same way
//! (the same form, the same multipart body and its exact length), with nothing sent. The
//! pipeline stops here on a dry run; otherwise it goes on to the credentials.

use std::path::PathBuf;

use serde::Serialize;

use crate::auth::Target;
use crate::digest::Digests;
use crate::upload::form::FormField;
use crate::upload::{Prepared, multipart};

/// One request that `--dry-run` would send.
#[derive(Debug, Serialize)]
pub struct PlannedRequest {
    pub filename: String,
    pub path: String,
    /// The file's size, in bytes.
    pub size: u64,
    pub method: &'static str,
    pub url: String,
    /// The request body's length, in bytes.
    pub content_length: u64,
    pub fields: Vec<FormField>,
    pub digests: Digests,
    /// Whether the digests go after the file (the default) or before it.
    pub digests_after_content: bool,
}

/// Why a request cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The file could not be read to hash it.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The form could not be built again (the file changed or vanished since the check).
    #[error(transparent)]
    Form(#[from] crate::upload::PrepareError),
}

/// The request for each prepared file, in the order they would be sent.
///
/// Errors: [`PlanError::Read`] when a file cannot be hashed, [`PlanError::Form`] when its
/// form cannot be built again.
pub fn plan(
    prepared: &[Prepared],
    target: &Target,
    digests_first: bool,
) -> Result<Vec<PlannedRequest>, PlanError> {
    let mut plan = Vec::new();
    for p in prepared {
        let digests = match &p.digests {
            Some(d) => d.clone(),
            None => {
                crate::digest::digest_file(&p.path, false).map_err(|source| PlanError::Read {
                    path: p.path.clone(),
                    source,
                })?
            }
        };
        let first = digests_first.then(|| digests.clone());
        let fields = p.fields()?;
        let body = multipart::MultipartBody::new(
            &fields,
            p.path.clone(),
            &p.filename,
            p.size,
            first,
            multipart::new_boundary(),
        );
        plan.push(PlannedRequest {
            filename: p.filename.clone(),
            path: p.path.display().to_string(),
            size: p.size,
            method: "POST",
            url: target.url.to_string(),
            content_length: body.content_length(),
            fields,
            digests,
            digests_after_content: !digests_first,
        });
    }
    Ok(plan)
}
