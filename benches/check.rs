//! How long `check_file` takes on a 1 MiB and a 1 GiB wheel.
//!
//! Both wheels are made by `fuzz/src/samples.rs` (the generator the tests use): `demo 1.0`
//! with the usual `.dist-info` files, `demo/__init__.py`, and a stored member
//! `demo/data.bin` of incompressible bytes that makes up the size. They are written before
//! any timing starts, into `$HOIST_BENCH_DIR` when it is set (and kept there, so a second
//! run does not write 1 GiB again), else into a temporary directory.
//!
//! With `HOIST_BENCH_GENERATE_ONLY=1` the bench only writes the wheels and prints their
//! paths; `scripts/bench` uses that to time the release binary on the same files. Under
//! `cargo test` (no `--bench` argument) only the 1 MiB wheel is made and checked once.

#[path = "../fuzz/src/samples.rs"]
mod samples;

use std::fs::File;
use std::hint::black_box;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use criterion::Criterion;
use hoist::check::{Options, Status, check_file};

/// The wheels, by label and size of the data member.
const SIZES: &[(&str, u64)] = &[("1MiB", 1 << 20), ("1GiB", 1 << 30)];

/// Writes `<dir>/<label>/demo-1.0-py3-none-any.whl` unless a wheel of the right size is
/// already there.
fn wheel_of(dir: &Path, label: &str, data_len: u64) -> io::Result<PathBuf> {
    let sub = dir.join(label);
    std::fs::create_dir_all(&sub)?;
    let path = sub.join(samples::WHEEL_FILENAME);
    let fits = |len: u64| len > data_len && len < data_len + (64 << 10);
    if std::fs::metadata(&path).is_ok_and(|m| fits(m.len())) {
        return Ok(path);
    }
    let out = BufWriter::with_capacity(1 << 20, File::create(&path)?);
    samples::write_wheel(out, samples::METADATA.as_bytes(), data_len, true)?
        .into_inner()
        .map_err(|e| e.into_error())?
        .sync_all()?;
    Ok(path)
}

/// Options under which both wheels pass: PyPI's default size limit is 100 MiB, and a
/// project can be granted more.
fn options() -> Options {
    Options {
        max_file_size: 2 << 30,
        ..Options::default()
    }
}

fn main() -> io::Result<()> {
    let (dir, _temp) = match std::env::var_os("HOIST_BENCH_DIR") {
        Some(d) => (PathBuf::from(d), None),
        None => {
            let t = tempfile::tempdir()?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let generate_only = std::env::var_os("HOIST_BENCH_GENERATE_ONLY").is_some();
    // `cargo test --all-targets` runs this binary without `--bench`, and criterion then runs
    // each benchmark once as a smoke test: writing 1 GiB for that would be waste.
    let benching = generate_only || std::env::args().any(|a| a == "--bench");
    let sizes = if benching { SIZES } else { &SIZES[..1] };
    let mut wheels = Vec::new();
    for &(label, size) in sizes {
        let path = wheel_of(&dir, label, size)?;
        // Outside the timing: the wheel must be one that hoist passes, or the numbers would
        // measure an early exit.
        let report = check_file(&path, &options());
        assert_eq!(
            report.status(true),
            Status::Passed,
            "{}: {:#?}",
            path.display(),
            report.diagnostics
        );
        wheels.push((label, path));
    }
    if generate_only {
        for (label, path) in &wheels {
            println!("{label} {}", path.display());
        }
        return Ok(());
    }

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("check_file");
    let options = options();
    for (label, path) in &wheels {
        group.bench_function(*label, |b| b.iter(|| check_file(black_box(path), &options)));
    }
    group.finish();
    c.final_summary();
    Ok(())
}
