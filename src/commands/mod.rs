//! One module per subcommand: each glues the library to the terminal and returns an exit code.
//! A command parses nothing (clap does, `crate::cli`), calls the library, renders through
//! `crate::output`, and picks the exit status; no command imports another.

pub mod audit;
pub mod check;
pub mod explain;
pub mod preview;
pub mod publisher;
pub mod token;
pub mod upload;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: the command ran and found a failure (a file failed a check, an upload failed).
pub const EXIT_FAILURE: u8 = 1;
/// Exit status: usage or configuration error (bad arguments, unreadable input list).
pub const EXIT_USAGE: u8 = 2;
