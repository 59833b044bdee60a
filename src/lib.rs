//! hoist: a fast, safe, trusted-publishing-first uploader for Python distributions.
//!
//! The binary (`src/main.rs`) only parses the command line and maps errors to exit codes;
//! everything it does lives here so that tests and benchmarks call the same code.
//!
//! - [`dist`]: reading wheels and sdists (filenames, archives, core metadata).
//! - [`inputs`]: the files a command line names (globs, companion files).
//! - [`check`]: the offline rules that decide whether PyPI would accept a file.
//! - [`publish`]: the upload as phases run in order (collect, prepare, target, plan,
//!   credentials, send); it uses the modules below and prints nothing.
//! - [`upload`]: sending one file (form, body, attempts, answers, retries, progress).
//! - [`auth`]: the index and the credentials (`auth::oidc`: trusted publishing, one file per
//!   CI provider).
//! - [`attest`]: PEP 740 attestations (checking, signing, attaching to an upload).
//! - [`output`]: human, JSON and CI renderings of a report, and the terminal the pipeline
//!   talks to.
//! - [`audit`]: finding the long-lived PyPI tokens a project depends on, and their replacements.
//! - [`commands`]: one thin file per subcommand: call the library, render, pick the exit
//!   status.

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
pub mod render;
pub mod retry;
pub mod upload;
