//! Rendering of the `hoist upload` report: a summary table of uploaded, skipped, failed and
//! not-attempted files (human or JSON), the "View at" links, and the `--dry-run` plan.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::upload::progress::human_size;
use crate::upload::{FileResult, Outcome};

const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const BLUE: Style = AnsiColor::Blue.on_default().bold();

/// Counts per outcome.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub uploaded: usize,
    pub skipped: usize,
    pub failed: usize,
    pub not_attempted: usize,
}

impl Summary {
    pub fn of(results: &[FileResult]) -> Summary {
        let mut s = Summary::default();
        for r in results {
            match r.outcome {
                Outcome::Uploaded { .. } => s.uploaded += 1,
                Outcome::Skipped { .. } => s.skipped += 1,
                Outcome::Failed { .. } => s.failed += 1,
                Outcome::NotAttempted { .. } => s.not_attempted += 1,
            }
        }
        s
    }
}

/// Writes the summary table and the project links.
pub fn write_human(
    w: &mut dyn Write,
    results: &[FileResult],
    url: &str,
    view_at: &[String],
) -> io::Result<()> {
    let s = Summary::of(results);
    let width = results.iter().map(|r| r.filename.len()).max().unwrap_or(0);
    writeln!(w)?;
    for r in results {
        let (label, style) = match &r.outcome {
            Outcome::Uploaded { .. } => ("uploaded", GREEN),
            Outcome::Skipped { .. } => ("skipped", YELLOW),
            Outcome::Failed { .. } => ("failed", RED),
            Outcome::NotAttempted { .. } => ("not attempted", RED),
        };
        let detail = match &r.outcome {
            Outcome::Uploaded { attempts, note } => {
                let mut d = human_size(r.size);
                if *attempts > 1 {
                    d.push_str(&format!(", {attempts} attempts"));
                }
                if let Some(n) = note {
                    d.push_str(&format!(" ({n})"));
                }
                d
            }
            Outcome::Skipped { reason } | Outcome::NotAttempted { reason } => reason.clone(),
            Outcome::Failed {
                http_status,
                reason,
                ..
            } => match http_status {
                Some(code) => format!("{code} {reason}"),
                None => reason.clone(),
            },
        };
        writeln!(
            w,
            "  {style}{label:<13}{style:#} {:<width$}  {detail}",
            r.filename
        )?;
        if let Outcome::Failed { hint: Some(h), .. } = &r.outcome {
            writeln!(w, "  {:<13} {:<width$}  {BLUE}hint:{BLUE:#} {h}", "", "")?;
        }
    }
    let style = if s.failed + s.not_attempted > 0 {
        RED
    } else {
        GREEN
    };
    writeln!(
        w,
        "\n{style}{} uploaded, {} skipped, {} failed, {} not attempted{style:#} ({} file(s), {url})",
        s.uploaded,
        s.skipped,
        s.failed,
        s.not_attempted,
        results.len()
    )?;
    if s.failed + s.not_attempted > 0 && s.uploaded + s.skipped > 0 {
        writeln!(
            w,
            "The release is incomplete. Fix the failure, then rerun the same command with --skip-existing: files already on the index are skipped."
        )?;
    }
    if !view_at.is_empty() {
        writeln!(w, "\nView at:")?;
        for v in view_at {
            writeln!(w, "{v}")?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema: u32,
    hoist_version: &'static str,
    repository: &'a str,
    files: &'a [FileResult],
    summary: Summary,
    view_at: &'a [String],
}

pub fn write_json(
    w: &mut dyn Write,
    results: &[FileResult],
    url: &str,
    view_at: &[String],
) -> io::Result<()> {
    let doc = JsonReport {
        schema: 1,
        hoist_version: env!("CARGO_PKG_VERSION"),
        repository: url,
        files: results,
        summary: Summary::of(results),
        view_at,
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

pub use crate::publish::PlannedRequest;

fn short(value: &str) -> String {
    let one_line = !value.contains('\n');
    if one_line && value.chars().count() <= 72 {
        format!("{value:?}")
    } else {
        format!("<{} characters>", value.chars().count())
    }
}

pub fn write_dry_run_human(w: &mut dyn Write, plan: &[PlannedRequest]) -> io::Result<()> {
    for p in plan {
        writeln!(
            w,
            "{BLUE}Would upload{BLUE:#} {} ({})",
            p.filename,
            human_size(p.size)
        )?;
        writeln!(
            w,
            "  {} {}  Content-Length: {}",
            p.method, p.url, p.content_length
        )?;
        for f in &p.fields {
            writeln!(w, "  {:<26} {}", f.name, short(&f.value))?;
        }
        let (sha, blake) = ("sha256_digest", "blake2_256_digest");
        let place = if p.digests_after_content {
            "after the file"
        } else {
            "before the file"
        };
        writeln!(
            w,
            "  {:<26} <the file, application/octet-stream>",
            "content"
        )?;
        writeln!(w, "  {sha:<26} {} ({place})", p.digests.sha256)?;
        writeln!(w, "  {blake:<26} {}", p.digests.blake2_256)?;
    }
    writeln!(
        w,
        "\nDry run: {} request(s) built, nothing sent.",
        plan.len()
    )
}

pub fn write_dry_run_json(w: &mut dyn Write, plan: &[PlannedRequest]) -> io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        schema: u32,
        hoist_version: &'static str,
        dry_run: bool,
        requests: &'a [PlannedRequest],
    }
    serde_json::to_writer_pretty(
        &mut *w,
        &Doc {
            schema: 1,
            hoist_version: env!("CARGO_PKG_VERSION"),
            dry_run: true,
            requests: plan,
        },
    )?;
    writeln!(w)
}
