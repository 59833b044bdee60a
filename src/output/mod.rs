//! Rendering reports for people and machines: one file per report kind.
//!
//! - [`check`]: the `hoist check` report as human text (coloured on a terminal), JSON, and
//!   GitHub Actions `::error` annotations.
//! - [`upload`]: the `hoist upload` summary and the `--dry-run` plan, human and JSON.
//! - [`audit`]: the `hoist audit` report.
//! - [`ci`]: what CI logs show, shared by `upload` and `publisher` (masking, annotations, the
//!   job summary).
//! - [`publish`]: the terminal the publish pipeline talks to ([`crate::publish::Frontend`]).
//!
//! It may use the library's data types; the library never uses it (no module below
//! `commands` imports `output`, except through the `Frontend` seam).
//!
//! Nothing outside this module writes report text to the terminal.

pub mod audit;
pub mod check;
pub mod ci;
pub mod publish;
pub mod upload;

/// The warning for a password or token given as an argument (`upload -p`, `token inspect
/// TOKEN`): every command says it the same way.
pub const SECRET_ON_COMMAND_LINE: &str = "a password or token given on the command line stays in your shell history and is visible \
     to other users in process listings";
