//! Replays inputs through a fuzz target on the stable toolchain, without libFuzzer: the
//! seed corpus, a corpus grown by `cargo fuzz run`, or a crash file from `artifacts/`.
//!
//! `cd fuzz && cargo run --release --bin replay -- TARGET PATH...` (a PATH may be a
//! directory). Prints each input that panics and exits 1 if any did.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn inputs(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            inputs(&e, out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let names: Vec<&str> = hoist_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
    let Some((target, paths)) = args.split_first() else {
        eprintln!(
            "usage: replay TARGET PATH...   (TARGET: {})",
            names.join(", ")
        );
        return ExitCode::from(2);
    };
    let Some(&(_, run)) = hoist_fuzz::TARGETS.iter().find(|(n, _)| n == target) else {
        eprintln!("unknown target {target:?}; targets: {}", names.join(", "));
        return ExitCode::from(2);
    };
    let mut files = Vec::new();
    for p in paths {
        if let Err(e) = inputs(Path::new(p), &mut files) {
            eprintln!("{p}: {e}");
            return ExitCode::from(2);
        }
    }
    let mut failed = 0;
    for file in &files {
        let data = match std::fs::read(file) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                return ExitCode::from(2);
            }
        };
        if std::panic::catch_unwind(|| run(&data)).is_err() {
            eprintln!("PANIC: {}", file.display());
            failed += 1;
        }
    }
    println!("{target}: {} input(s), {failed} panicked", files.len());
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
