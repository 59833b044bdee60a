//! Offline validation: decides, without any network, whether PyPI would accept a distribution.
//!
//! Each rule ([`Rule`]) has a stable code and name and lives in a family file under
//! [`rules`]. [`check_file`] runs every rule that applies to one file and returns a
//! [`FileReport`]; [`check_files`] also runs the rules that look across files.

pub mod rst;
mod rule;
pub mod rules;

pub use rule::{Rule, Severity};

/// PyPI's default per-file size limit (`MAX_FILESIZE`, 100 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 100 * 1024 * 1024;
