//! The command-line interface: clap definitions only, one struct per subcommand.
//!
//! What each subcommand does lives in [`crate::commands`]; this module only says what a user
//! may type, and `--help` is generated from the doc comments here.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A fast, safe, trusted-publishing-first uploader for Python distributions.
///
/// hoist checks wheels and sdists offline exactly as PyPI's upload endpoint would, and
/// (in later releases) uploads them with trusted publishing.
#[derive(Debug, Parser)]
#[command(name = "hoist", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check wheels and sdists offline for everything PyPI would reject.
    Check(CheckArgs),
    /// Explain a check rule: what it does, why, and how to fix it (`hoist explain M012`).
    #[command(alias = "rule")]
    Explain(ExplainArgs),
}

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Readable text, coloured on a terminal.
    #[default]
    Human,
    /// One JSON document on stdout, for CI and scripts.
    Json,
}

/// Arguments of `hoist check`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when every file passes, 1 when any file fails, 2 for usage errors.\n\
With GITHUB_ACTIONS=true, every error is also written as a ::error annotation."
)]
pub struct CheckArgs {
    /// Distributions to check (wheels and .tar.gz sdists). Quoted globs are expanded by hoist.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<String>,

    /// Treat warnings as failures (twine's meaning of --strict).
    #[arg(long)]
    pub strict: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Largest file PyPI accepts, in bytes. PyPI's default is 100 MiB; projects can be granted more.
    #[arg(long, value_name = "BYTES", default_value_t = crate::check::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

/// Arguments of `hoist explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`M012`) or name (`summary-too-long`). Without one, lists every rule.
    pub rule: Option<String>,
}
