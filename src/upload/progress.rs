//! Progress reporting, behind a small trait so the upload logic never touches the terminal:
//! one indicatif bar for the whole upload on a terminal, plain lines otherwise.

use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
        // One write per line: stderr is unbuffered, and a run may have thousands of files.
        let line = format!("Uploading {filename} ({})\n", human_size(total));
        let _ = std::io::stderr().write_all(line.as_bytes());
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

/// One indicatif bar for the whole upload (bytes, and files done of all), with the files in
/// flight named on the line below it: two lines whatever the number of files or `--jobs`.
/// Failures, skips and retries are printed above the bar; the summary lists every file.
pub struct Bars {
    total: ProgressBar,
    files: usize,
    state: Mutex<BarState>,
}

#[derive(Default)]
struct BarState {
    done: usize,
    /// The files in flight, in the order they started, with the bytes each has sent.
    in_flight: Vec<(String, u64)>,
}

impl Bars {
    /// The bar for an upload of `files` files, `total_bytes` file bytes in all.
    pub fn new(total_bytes: u64, files: usize) -> Bars {
        let total = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
        total.set_style(
            ProgressStyle::with_template(
                "{prefix:.bold} {bar:30.green} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}\n{wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        let bars = Bars {
            total,
            files,
            state: Mutex::new(BarState::default()),
        };
        if let Ok(state) = bars.state.lock() {
            bars.show(&state);
        }
        bars
    }

    fn show(&self, state: &BarState) {
        self.total
            .set_prefix(format!("{}/{} files", state.done, self.files));
        let names: Vec<&str> = state.in_flight.iter().map(|(n, _)| n.as_str()).collect();
        self.total.set_message(if names.is_empty() {
            String::new()
        } else {
            format!("  sending {}", names.join(", "))
        });
    }
}

impl Reporter for Bars {
    fn start(&self, filename: &str, _total: u64) {
        if let Ok(mut state) = self.state.lock() {
            state.in_flight.retain(|(n, _)| n != filename);
            state.in_flight.push((filename.to_string(), 0));
            self.show(&state);
        }
    }
    fn advance(&self, filename: &str, bytes: u64) {
        if let Ok(mut state) = self.state.lock()
            && let Some((_, sent)) = state.in_flight.iter_mut().find(|(n, _)| n == filename)
        {
            *sent += bytes;
        }
        self.total.inc(bytes);
    }
    fn retry(&self, filename: &str, attempt: u32, why: &str, wait: Duration) {
        if let Ok(mut state) = self.state.lock()
            && let Some((_, sent)) = state.in_flight.iter_mut().find(|(n, _)| n == filename)
        {
            self.total
                .set_position(self.total.position().saturating_sub(*sent));
            *sent = 0;
        }
        self.total.println(format!(
            "Retrying {filename} in {:.1}s (attempt {attempt} failed: {why})",
            wait.as_secs_f64()
        ));
    }
    fn finish(&self, filename: &str, outcome: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.in_flight.retain(|(n, _)| n != filename);
            state.done += 1;
            self.show(&state);
        }
        if outcome != "uploaded" {
            self.total.println(format!("{outcome} {filename}"));
        }
    }
    fn note(&self, line: &str) {
        self.total.println(line);
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
