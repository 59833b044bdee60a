//! hoist: a fast, safe, trusted-publishing-first uploader for Python distributions.
//!
//! The binary (`src/main.rs`) only parses the command line and maps errors to exit codes;
//! everything it does lives here so that tests and benchmarks call the same code.
//!
//! - [`dist`]: reading wheels and sdists (filenames, archives, core metadata).
//! - [`check`]: the offline rules that decide whether PyPI would accept a file.
//! - [`output`]: human, JSON and GitHub Actions renderings of a report.
//! - [`audit`]: finding the long-lived PyPI tokens a project depends on, and their replacements.

pub mod attest;
pub mod audit;
pub mod auth;
pub mod check;
pub mod cli;
pub mod commands;
pub mod digest;
pub mod dist;
pub mod inputs;
pub mod output;
pub mod publish;
pub mod pyrepr;
pub mod retry;
pub mod upload;
