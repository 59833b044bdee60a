//! `hoist audit`: runs [`crate::audit::audit`] and prints the report in the chosen format.

use std::io::Write;

use crate::audit::{self, AuditOptions, Severity};
use crate::cli::{AuditArgs, AuditFormat, FailOn};
use crate::output;

/// The severity threshold `--fail-on` names (`None` for `never`).
pub fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Critical => Some(Severity::Critical),
        FailOn::High => Some(Severity::High),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::Low => Some(Severity::Low),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

pub fn run(args: &AuditArgs) -> u8 {
    let options = AuditOptions {
        max_blob_size: args.max_blob_size,
        history: !args.no_history,
        ignore_file: args.ignore_file.clone(),
        ..AuditOptions::default()
    };
    let report = match audit::audit(&args.path, &options) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(anstream::stderr(), "hoist audit: error: {e}");
            return super::EXIT_USAGE;
        }
    };
    let fail_on = threshold(args.fail_on);
    let written = match args.format {
        AuditFormat::Human => output::audit::human(
            &report,
            fail_on,
            args.show_suppressed,
            &mut anstream::stdout().lock(),
        ),
        AuditFormat::Json => {
            let text = output::audit::json(&report, fail_on);
            writeln!(std::io::stdout().lock(), "{text}")
        }
        AuditFormat::Sarif => {
            let text = output::audit::sarif(&report);
            writeln!(std::io::stdout().lock(), "{text}")
        }
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(
            anstream::stderr(),
            "hoist audit: error: writing the report: {e}"
        );
        return super::EXIT_USAGE;
    }
    if report.fails(fail_on) {
        super::EXIT_FAILURE
    } else {
        super::EXIT_OK
    }
}
