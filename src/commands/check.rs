//! `hoist check`.

use crate::cli::CheckArgs;

pub fn run(_args: &CheckArgs) -> u8 {
    super::EXIT_USAGE
}
