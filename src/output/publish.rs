//! The terminal the publish pipeline (`crate::publish`) talks to in `hoist upload`: notes and
//! check reports on stderr, CI masking and annotations (`super::ci`), and the progress bars or
//! lines of `crate::upload::progress`.

use std::io::{self, IsTerminal};
use std::sync::Arc;

use crate::auth::oidc::{SharedEnv, Sink};
use crate::check::FileReport;
use crate::publish::Frontend;
use crate::upload::progress;

use super::ci;

/// Writes what the pipeline shows to stderr (stdout stays for the report).
pub struct Terminal {
    /// `--quiet`: no list of warnings.
    pub quiet: bool,
    /// The report is JSON on stdout: `::add-mask::` lines go to stderr.
    pub json: bool,
    /// Draw progress bars (a human report on a terminal, not `--disable-progress-bar`);
    /// otherwise one line per file.
    pub bars: bool,
    /// The process environment (CI markers, `$GITHUB_STEP_SUMMARY`).
    pub env: SharedEnv,
}

impl Terminal {
    /// Bars only on a terminal.
    pub fn bars_wanted(disable_progress_bar: bool, json: bool) -> bool {
        !disable_progress_bar && !json && io::stderr().is_terminal()
    }
}

impl Frontend for Terminal {
    fn note(&self, line: &str) {
        eprintln!("{line}");
    }

    fn check_refused(&self, reports: &[FileReport]) {
        let mut out = anstream::AutoStream::auto(io::stderr());
        let _ = super::check::write_human(&mut out, reports, false);
    }

    fn check_warnings(&self, reports: &[FileReport]) {
        if !self.quiet {
            let mut out = anstream::AutoStream::auto(io::stderr());
            let _ = super::check::write_warnings_compact(&mut out, reports);
        }
    }

    fn ci_failure(&self, text: &str, as_warning: bool) {
        ci::print_failure(&self.env, text, as_warning);
    }

    fn mask_sink(&self) -> Option<Sink> {
        ci::mask_sink(&self.env, self.json)
    }

    fn progress(&self, total: u64, files: usize) -> Arc<dyn progress::Reporter> {
        if self.bars {
            Arc::new(progress::Bars::new(total, files))
        } else {
            Arc::new(progress::Lines)
        }
    }
}
