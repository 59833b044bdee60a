//! `hoist audit`: runs [`crate::audit::audit`] and prints the report in the chosen format.

use std::io::Write;

use crate::audit::settings::Request;
use crate::audit::{self, AuditOptions, Provider, Severity};
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

/// The CI settings `--github` / `--gitlab` ask for.
fn requests(args: &AuditArgs) -> Vec<Request> {
    let mut out = Vec::new();
    let value = |v: &String| (!v.trim().is_empty()).then(|| v.trim().to_string());
    if let Some(v) = &args.github {
        out.push(Request {
            provider: Provider::GitHub,
            repository: value(v),
        });
    }
    if let Some(v) = &args.gitlab {
        out.push(Request {
            provider: Provider::GitLab,
            repository: value(v),
        });
    }
    out
}

/// Reads the CI settings asked for and cross-references them into `report`.
fn add_settings(args: &AuditArgs, report: &mut audit::Report) -> Result<(), String> {
    let wanted = requests(args);
    if wanted.is_empty() {
        return Ok(());
    }
    let remote = audit::git::remote_url(&report.root).and_then(|u| audit::remote::parse(&u));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
    for request in wanted {
        let settings = runtime
            .block_on(audit::settings::read(&request, remote.as_ref()))
            .map_err(|e| e.to_string())?;
        audit::add_settings(report, settings).map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub fn run(args: &AuditArgs) -> u8 {
    let options = AuditOptions {
        max_blob_size: args.max_blob_size,
        history: !args.no_history,
        ignore_file: args.ignore_file.clone(),
        ..AuditOptions::default()
    };
    let mut report = match audit::audit(&args.path, &options) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(anstream::stderr(), "error: {e}");
            return super::EXIT_USAGE;
        }
    };
    if let Err(message) = add_settings(args, &mut report) {
        let _ = writeln!(anstream::stderr(), "error: {message}");
        return super::EXIT_USAGE;
    }
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
        let _ = writeln!(anstream::stderr(), "error: writing the report: {e}");
        return super::EXIT_USAGE;
    }
    if report.fails(fail_on) {
        super::EXIT_FAILURE
    } else {
        super::EXIT_OK
    }
}
