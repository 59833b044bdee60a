//! The `hoist` command: parses the command line, runs the subcommand, maps the outcome to an
//! exit code (0 success, 1 a file failed, 2 usage or configuration error).

use std::process::ExitCode;

use clap::Parser;
use hoist::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => hoist::commands::check::run(&args),
        Command::Explain(args) => hoist::commands::explain::run(&args),
        Command::Upload(args) => hoist::commands::upload::run(&args),
        Command::Audit(args) => hoist::commands::audit::run(&args),
        Command::Token(args) => hoist::commands::token::run(&args),
        Command::Publisher(args) => hoist::commands::publisher::run(&args),
        Command::Preview(args) => hoist::commands::preview::run(&args),
    };
    ExitCode::from(code)
}
