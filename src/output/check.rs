//! Rendering of the `hoist check` report: human text (coloured on a terminal, plain
//! otherwise), one JSON document, and GitHub Actions `::error`/`::warning` annotations.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::check::{FileReport, Severity, Status};

const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const BLUE: Style = AnsiColor::Blue.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// Counts for the closing line and the JSON summary.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport], strict: bool) -> Summary {
        let mut s = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for r in reports {
            match r.status(strict) {
                Status::Failed => s.failed += 1,
                _ => s.passed += 1,
            }
            s.errors += r.errors();
            s.warnings += r.warnings();
        }
        s
    }
}

fn status_word(status: Status, strict: bool) -> (&'static str, Style) {
    match status {
        Status::Passed => ("PASSED", GREEN),
        Status::PassedWithWarnings => ("PASSED with warnings", YELLOW),
        Status::Failed if strict => ("FAILED", RED),
        Status::Failed => ("FAILED", RED),
    }
}

/// Writes the human report. Colour codes are written always; wrap `w` in
/// `anstream::AutoStream` to strip them when not on a terminal.
pub fn write_human(w: &mut dyn Write, reports: &[FileReport], strict: bool) -> io::Result<()> {
    for r in reports {
        let status = r.status(strict);
        let (word, style) = status_word(status, strict);
        let word = if status == Status::Failed && r.errors() == 0 {
            "FAILED due to warnings"
        } else {
            word
        };
        writeln!(w, "Checking {}: {style}{word}{style:#}", r.path.display())?;
        for d in &r.diagnostics {
            let (label, style) = match d.severity {
                Severity::Error => ("error", RED),
                Severity::Warning => ("warning", YELLOW),
            };
            writeln!(
                w,
                "  {style}{label}[{}]{style:#} {DIM}{}{DIM:#} {}",
                d.rule.code, d.rule.name, d.message
            )?;
            if let Some(loc) = &d.location
                && let Some(member) = &loc.member
            {
                match loc.line {
                    Some(line) => writeln!(w, "    {BLUE}-->{BLUE:#} {member}:{line}")?,
                    None => writeln!(w, "    {BLUE}-->{BLUE:#} {member}")?,
                }
            }
            if let Some(hint) = &d.hint {
                writeln!(w, "    {BLUE}= hint:{BLUE:#} {hint}")?;
            }
        }
    }
    let s = Summary::of(reports, strict);
    let style = if s.failed > 0 { RED } else { GREEN };
    writeln!(
        w,
        "{style}{} file(s) checked: {} passed, {} failed{style:#} ({} error(s), {} warning(s))",
        s.files, s.passed, s.failed, s.errors, s.warnings
    )?;
    if s.failed > 0 {
        writeln!(
            w,
            "Run `hoist explain CODE` for what a rule checks and how to fix it."
        )?;
    }
    Ok(())
}

/// Writes every warning of files that pass, one line each (`warning[L005] name FILE: message`),
/// then a line saying how to see them in full; writes nothing when there is none. `hoist upload`
/// shows these before sending, so a release never goes out with a warning nobody saw.
pub fn write_warnings_compact(w: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
    /// Lines shown for one rule in one file; the rest are counted on one more line.
    const PER_RULE: usize = 3;
    let mut count = 0;
    for r in reports {
        let warnings: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .collect();
        let mut shown: Vec<(&str, usize)> = Vec::new();
        for d in &warnings {
            let seen = match shown.iter_mut().find(|(code, _)| *code == d.rule.code) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    shown.push((d.rule.code, 1));
                    1
                }
            };
            if seen <= PER_RULE {
                writeln!(
                    w,
                    "{YELLOW}warning[{}]{YELLOW:#} {DIM}{}{DIM:#} {}: {}",
                    d.rule.code, d.rule.name, r.filename, d.message
                )?;
            }
        }
        for (code, n) in shown.iter().filter(|(_, n)| *n > PER_RULE) {
            writeln!(
                w,
                "{YELLOW}warning[{code}]{YELLOW:#} {}: {} more like these",
                r.filename,
                n - PER_RULE
            )?;
        }
        count += warnings.len();
    }
    if count > 0 {
        writeln!(
            w,
            "{count} warning(s): PyPI accepts these files; `hoist check FILES` shows each with a hint (--quiet hides this list)"
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonFile<'a> {
    #[serde(flatten)]
    report: &'a FileReport,
    status: Status,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    /// The version of this JSON layout.
    schema: u32,
    hoist_version: &'static str,
    strict: bool,
    files: Vec<JsonFile<'a>>,
    summary: Summary,
}

/// Writes the report as one JSON document.
pub fn write_json(w: &mut dyn Write, reports: &[FileReport], strict: bool) -> io::Result<()> {
    let doc = JsonReport {
        schema: 1,
        hoist_version: env!("CARGO_PKG_VERSION"),
        strict,
        files: reports
            .iter()
            .map(|r| JsonFile {
                report: r,
                status: r.status(strict),
            })
            .collect(),
        summary: Summary::of(reports, strict),
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

/// Escapes a workflow-command message (GitHub's rules: `%`, CR and LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Writes one `::error`/`::warning` annotation per diagnostic, for GitHub Actions.
pub fn write_github_annotations(
    w: &mut dyn Write,
    reports: &[FileReport],
    strict: bool,
) -> io::Result<()> {
    for r in reports {
        for d in &r.diagnostics {
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning if strict => "error",
                Severity::Warning => "warning",
            };
            let mut message = d.message.clone();
            if let Some(hint) = &d.hint {
                message.push('\n');
                message.push_str(hint);
            }
            writeln!(
                w,
                "::{kind} file={},title={}::{}",
                escape_property(&r.path.to_string_lossy()),
                escape_property(&format!("hoist {} {}", d.rule.code, d.rule.name)),
                escape_data(&message)
            )?;
        }
    }
    Ok(())
}
