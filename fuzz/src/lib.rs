//! What each fuzz target does with one input, as plain functions, so that the libFuzzer
//! targets (`fuzz_targets/*.rs`, nightly) and the corpus replayer (`src/bin/replay.rs`,
//! stable) run exactly the same code.
//!
//! Each function must return normally for every input: a panic is a bug in hoist. Memory is
//! bounded by libFuzzer's `-rss_limit_mb` (2 GiB by default) and `-malloc_limit_mb`.

pub mod samples;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hoist::check::{Options, check_file};
use hoist::dist::metadata::Metadata;
use hoist::dist::tar::TarScan;
use hoist::dist::zip::ZipIndex;
use hoist::output::check as output;

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// The targets, by name, for the replayer.
pub const TARGETS: &[(&str, Target)] = &[("metadata", metadata), ("zip", zip), ("tar", tar)];

/// A directory that lives as long as the process; each input is written over the last.
fn scratch(name: &str) -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary directory"))
        .path()
        .join(name)
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch(name);
    std::fs::write(&path, bytes).expect("writing the input");
    path
}

fn check(path: &Path) {
    let reports = [check_file(path, &Options::default())];
    // Every rendering of the report must work too.
    let mut sink = Vec::new();
    output::write_human(&mut sink, &reports, true).expect("writing to memory");
    output::write_json(&mut sink, &reports, true).expect("writing to memory");
    output::write_github_annotations(&mut sink, &reports, true).expect("writing to memory");
}

/// Core metadata: [`Metadata::parse`] on the raw bytes, then every rule, by checking a wheel
/// whose `METADATA` member is these bytes.
pub fn metadata(data: &[u8]) {
    if let Ok(md) = Metadata::parse(data) {
        let _ = md.present_fields();
    }
    let wheel = samples::raw_zip(&samples::raw_wheel_entries(data));
    check(&write(samples::WHEEL_FILENAME, &wheel));
}

/// ZIP archives: `check_file` as a wheel and as a zip sdist, then [`ZipIndex`] directly
/// (the framing walk and reading up to 16 members of up to 1 MiB each).
pub fn zip(data: &[u8]) {
    check(&write(samples::WHEEL_FILENAME, data));
    let path = write("demo-1.0.zip", data);
    check(&path);
    let Ok(mut file) = File::open(&path) else {
        return;
    };
    if let Ok(index) = ZipIndex::open(&mut file) {
        let _ = index.framing_problem(&mut file);
        let _ = index.total_uncompressed();
        for entry in index.entries.iter().take(16) {
            let _ = index.read_member(&mut file, entry, 1 << 20);
        }
    }
}

/// `.tar.gz` sdists. The first byte chooses the form: odd, the rest is a tar stream that is
/// gzipped here first (so the fuzzer mutates tar headers, not deflate bits); even, the rest
/// is the file as is. Then `check_file` and [`TarScan::read`] directly.
pub fn tar(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode & 1 == 1 {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(rest).expect("writing to memory");
        gz.finish().expect("writing to memory")
    } else {
        rest.to_vec()
    };
    let path = write(samples::SDIST_FILENAME, &bytes);
    check(&path);
    if let Ok(mut file) = File::open(&path) {
        let _ = TarScan::read(&mut file);
    }
}
