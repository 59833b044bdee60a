//! Offline validation: decides, without any network, whether PyPI would accept a distribution.
//!
//! Each rule ([`Rule`]) has a stable code and name and lives in a family file under
//! [`rules`]; `hoist explain CODE` prints its documentation. [`check_file`] reads one file
//! once (filename, archive directory, the metadata member) and runs every rule that applies,
//! even after earlier ones fail. [`check_files`] does that for each file and adds the rules
//! that look across files (one sdist per release).
//!
//! Messages quote PyPI's own wording where PyPI has one, so a user can search for them; the
//! hint says what to do.

mod context;
mod diagnostic;
pub mod email;
pub mod packaging;
pub mod rfc3986;
pub mod rst;
mod rule;
pub mod rules;

use std::path::{Path, PathBuf};

pub use context::{Contents, Dist, MetadataState};
pub use diagnostic::{Diagnostic, Diagnostics, Location};
pub use rule::{Rule, Severity};

use crate::dist::filename::FileType;

/// PyPI's default per-file size limit (`MAX_FILESIZE`, 100 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 100 * 1024 * 1024;

/// Settings for a check run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The largest file the index accepts, in bytes.
    pub max_file_size: u64,
    /// Warning rules the user turned off (`--ignore`): their diagnostics are dropped from the
    /// reports. Error rules cannot be turned off (PyPI rejects those files whatever hoist says).
    pub ignore: Vec<&'static Rule>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            ignore: Vec::new(),
        }
    }
}

/// The verdict for one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    PassedWithWarnings,
    Failed,
}

/// Everything hoist found about one file.
#[derive(Debug, serde::Serialize)]
pub struct FileReport {
    /// The path as given.
    pub path: PathBuf,
    /// The file's name (what PyPI sees).
    pub filename: String,
    pub file_type: Option<FileType>,
    /// Project name and version from the metadata, when it could be read.
    pub name: Option<String>,
    pub version: Option<String>,
    pub size: Option<u64>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// The verdict; with `strict`, warnings fail the file (twine's `--strict`).
    pub fn status(&self, strict: bool) -> Status {
        if self.errors() > 0 || (strict && self.warnings() > 0) {
            Status::Failed
        } else if self.warnings() > 0 {
            Status::PassedWithWarnings
        } else {
            Status::Passed
        }
    }
}

/// Checks one file. Never panics and never fails: every problem is a diagnostic.
pub fn check_file(path: &Path, options: &Options) -> FileReport {
    inspect(path, options).0
}

/// Checks one file and also returns what was read from it (for building an upload).
pub fn inspect(path: &Path, options: &Options) -> (FileReport, Dist) {
    let mut diagnostics = Diagnostics::default();
    let dist = Dist::read(path, options);
    rules::run(&dist, options, &mut diagnostics);
    let report = FileReport {
        path: path.to_path_buf(),
        filename: dist.filename.clone(),
        file_type: dist.extension.as_ref().map(|e| e.file_type),
        name: dist.metadata_value("name").map(str::to_string),
        version: dist.metadata_value("version").map(str::to_string),
        size: dist.size,
        diagnostics: diagnostics.into_vec(),
    };
    (report, dist)
}

/// Checks every file, then the rules that look across files.
pub fn check_files(paths: &[PathBuf], options: &Options) -> Vec<FileReport> {
    let mut reports: Vec<FileReport> = paths.iter().map(|p| check_file(p, options)).collect();
    finish(&mut reports, options);
    reports
}

/// After every file is checked: the rules that look across files, then `options.ignore`.
pub fn finish(reports: &mut [FileReport], options: &Options) {
    rules::release::check(reports);
    if options.ignore.is_empty() {
        return;
    }
    for report in reports.iter_mut() {
        report
            .diagnostics
            .retain(|d| !options.ignore.iter().any(|r| std::ptr::eq(*r, d.rule)));
    }
}
