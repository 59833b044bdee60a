//! `hoist explain`.

use crate::cli::ExplainArgs;

pub fn run(_args: &ExplainArgs) -> u8 {
    super::EXIT_USAGE
}
