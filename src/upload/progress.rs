//! Progress reporting, behind a small trait so the upload logic never touches the terminal:
//! indicatif bars (one per file plus a total) on a terminal, plain lines otherwise.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Receives upload events. Implementations must be cheap: `advance` is called per chunk.
pub trait Reporter: Send + Sync {
    fn start(&self, filename: &str, total: u64);
    fn advance(&self, filename: &str, bytes: u64);
    fn retry(&self, filename: &str, attempt: u32, why: &str, wait: Duration);
    fn finish(&self, filename: &str, outcome: &str);
    /// A line for the user (e.g. a warning), printed without breaking the bars.
    fn note(&self, line: &str);
}

/// Plain lines on stderr: for CI logs and `--disable-progress-bar`.
pub struct Lines;

impl Reporter for Lines {
    fn start(&self, filename: &str, total: u64) {
        eprintln!("Uploading {filename} ({})", human_size(total));
    }
    fn advance(&self, _: &str, _: u64) {}
    fn retry(&self, filename: &str, attempt: u32, why: &str, wait: Duration) {
        eprintln!(
            "Retrying {filename} in {:.1}s (attempt {} failed: {why})",
            wait.as_secs_f64(),
            attempt
        );
    }
    fn finish(&self, _: &str, _: &str) {}
    fn note(&self, line: &str) {
        eprintln!("{line}");
    }
}

/// indicatif bars: one per file in flight, and the total.
pub struct Bars {
    multi: MultiProgress,
    total: ProgressBar,
    files: Mutex<Vec<(String, ProgressBar)>>,
}

fn file_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{prefix:.bold} {bar:30.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ")
}

impl Bars {
    /// Bars for an upload of `total_bytes` (file bytes) in all.
    pub fn new(total_bytes: u64) -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let total = multi.add(ProgressBar::new(total_bytes));
        total.set_style(
            ProgressStyle::with_template(
                "{prefix:.bold} {bar:30.green} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        total.set_prefix("total");
        Bars {
            multi,
            total,
            files: Mutex::new(Vec::new()),
        }
    }

    fn bar(&self, filename: &str) -> Option<ProgressBar> {
        let files = self.files.lock().ok()?;
        files
            .iter()
            .find(|(n, _)| n == filename)
            .map(|(_, b)| b.clone())
    }
}

impl Reporter for Bars {
    fn start(&self, filename: &str, total: u64) {
        let bar = self
            .multi
            .insert_before(&self.total, ProgressBar::new(total));
        bar.set_style(file_style());
        bar.set_prefix(filename.to_string());
        if let Ok(mut files) = self.files.lock() {
            files.retain(|(n, _)| n != filename);
            files.push((filename.to_string(), bar));
        }
    }
    fn advance(&self, filename: &str, bytes: u64) {
        if let Some(b) = self.bar(filename) {
            b.inc(bytes);
        }
        self.total.inc(bytes);
    }
    fn retry(&self, filename: &str, attempt: u32, why: &str, wait: Duration) {
        if let Some(b) = self.bar(filename) {
            self.total
                .set_position(self.total.position().saturating_sub(b.position()));
            b.set_position(0);
        }
        let _ = self.multi.println(format!(
            "Retrying {filename} in {:.1}s (attempt {attempt} failed: {why})",
            wait.as_secs_f64()
        ));
    }
    fn finish(&self, filename: &str, outcome: &str) {
        if let Some(b) = self.bar(filename) {
            b.finish_and_clear();
        }
        let _ = self.multi.println(format!("{outcome} {filename}"));
    }
    fn note(&self, line: &str) {
        let _ = self.multi.println(line);
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        self.total.finish_and_clear();
    }
}

/// Sizes as people read them: `35.5 KiB`, `1.1 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: &[&str] = &["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
