//! Phase 1, collect: the distributions the arguments name ([`crate::inputs::expand`]), with a
//! note for each file left out because it is not a distribution.

use std::path::PathBuf;

use crate::inputs::{self, InputError};

use super::Frontend;

/// Why the arguments name no files to upload.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct CollectError(#[from] pub InputError);

/// The distributions to upload, in the order given (patterns expanded in sorted order).
///
/// Errors: a missing file, a directory, a pattern that matches nothing or is invalid, or no
/// distribution at all ([`InputError`]).
pub fn collect(files: &[String], frontend: &dyn Frontend) -> Result<Vec<PathBuf>, CollectError> {
    let expanded = inputs::expand(files)?;
    for path in &expanded.skipped {
        frontend.note(&inputs::skipped_note(path));
    }
    Ok(expanded.files)
}
