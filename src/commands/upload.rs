//! `hoist upload`.

use crate::cli::UploadArgs;

pub fn run(_args: &UploadArgs) -> u8 {
    eprintln!("error: hoist upload is not available in this build yet");
    super::EXIT_USAGE
}
