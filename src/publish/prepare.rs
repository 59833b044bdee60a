//! Phase 2, check and prepare: every file is checked offline (`crate::check`, the rules of
//! PyPI's upload endpoint) and its upload form built (`crate::upload::prepare`) before anything
//! is sent. A file PyPI would reject stops the pipeline unless `--no-check`; a file with no
//! readable metadata always does. The forms come back wheels first, otherwise in the order
//! given.

use std::path::PathBuf;

use crate::check::{self, Severity};
use crate::dist::filename::FileType;
use crate::upload::{self, Prepared};

use super::{Frontend, Options};

/// Why the files cannot be uploaded; nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The check found errors in `failing` of `total` files (the report went to the frontend).
    #[error(
        "{failing} of {total} file(s) would be rejected by PyPI; nothing was uploaded. Fix them, or pass --no-check to upload anyway."
    )]
    Rejected { failing: usize, total: usize },
    /// No form can be built for these files (one message per file, naming it).
    #[error("{}\nerror: nothing was uploaded", .0.join("\nerror: "))]
    Unpreparable(Vec<String>),
}

/// Checks every file and builds its form.
///
/// Errors: [`PrepareError::Rejected`] when the check finds an error (unless
/// `options.no_check`), [`PrepareError::Unpreparable`] when a file's metadata cannot be read.
pub fn check_and_prepare(
    paths: &[PathBuf],
    options: &Options,
    frontend: &dyn Frontend,
) -> Result<Vec<Prepared>, PrepareError> {
    let mut reports = Vec::new();
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut unpreparable = Vec::new();
    for path in paths {
        let (report, dist) = check::inspect(path, &options.check);
        match upload::prepare(&dist, options.comment.as_deref()) {
            Ok(p) => prepared.push(p),
            Err(e) => unpreparable.push(e.to_string()),
        }
        reports.push(report);
    }
    check::finish(&mut reports, &options.check);
    let failing = reports
        .iter()
        .filter(|r| r.diagnostics.iter().any(|d| d.severity == Severity::Error))
        .count();
    if failing > 0 && !options.no_check {
        frontend.check_refused(&reports);
        return Err(PrepareError::Rejected {
            failing,
            total: reports.len(),
        });
    }
    frontend.check_warnings(&reports);
    if !unpreparable.is_empty() {
        return Err(PrepareError::Unpreparable(unpreparable));
    }
    // Wheels before sdists, otherwise in the order given.
    prepared.sort_by_key(|p| p.file_type != FileType::Wheel);
    Ok(prepared)
}
