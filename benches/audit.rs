//! Benchmark: `hoist audit` over a synthetic repository of 10,000 commits (500 files, one to
//! three files changed a commit, about 25,000 blobs), made quickly with `git fast-import`. One
//! commit adds a token that the next removes, so the run also pays for tracing it to its
//! commit. Run with `cargo bench --bench audit`; set `HOIST_BENCH_REPO=/some/empty/dir` to keep
//! the repository there for profiling.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

const FILES: usize = 500;

/// 10,000 commits under `cargo bench`; 200 when `cargo test --all-targets` runs the benchmark
/// once as a smoke test (no `--bench` argument), so the test suite stays fast.
fn commits() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        10_000
    } else {
        200
    }
}

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

/// A token-shaped string that decodes (a user-wide token with a made-up signature).
fn token() -> String {
    use base64::Engine;
    let mut m = vec![2u8, 1, 8];
    m.extend_from_slice(b"pypi.org");
    m.extend_from_slice(&[2, 36]);
    m.extend_from_slice(b"00000000-0000-4000-8000-000000000099");
    m.push(0);
    let caveat = br#"[3,"11111111-1111-4111-8111-111111111111"]"#;
    m.extend_from_slice(&[2, caveat.len() as u8]);
    m.extend_from_slice(caveat);
    m.extend_from_slice(&[0, 0, 6, 32]);
    m.extend_from_slice(&[7u8; 32]);
    format!(
        "pypi-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(m)
    )
}

fn build_repo(dir: &Path) {
    let init = git(dir)
        .args(["init", "-q", "-b", "main"])
        .status()
        .unwrap();
    assert!(init.success());
    let token = token();
    let mut stream = Vec::new();
    // A file's body: a few kilobytes of Python-looking text that changes with the commit.
    let body = |file: usize, i: usize| -> String {
        let mut s = format!("# module {file}, revision {i}\n");
        for line in 0..(40 + file % 60) {
            s.push_str(&format!(
                "def f_{line}(x):\n    return x * {} + {line}\n",
                i % 97
            ));
        }
        s
    };
    let commits = commits();
    for i in 1..=commits {
        write!(
            stream,
            "commit refs/heads/main\nmark :{i}\ncommitter Bench <b@example.invalid> {} +0000\ndata 9\nchange {}\n",
            1_600_000_000 + i * 60,
            i % 10
        )
        .unwrap();
        if i > 1 {
            writeln!(stream, "from :{}", i - 1).unwrap();
        }
        let changed: Vec<usize> = if i == 1 {
            (0..FILES).collect()
        } else {
            (0..1 + i % 3).map(|k| (i * 7 + k * 131) % FILES).collect()
        };
        for file in changed {
            let mut content = body(file, i);
            if i == commits / 2 && file == changed_first(i) {
                content.push_str(&format!("TOKEN = '{token}'\n"));
            }
            writeln!(
                stream,
                "M 100644 inline src/pkg/module_{file}.py\ndata {}\n{content}",
                content.len()
            )
            .unwrap();
        }
    }
    let mut child = git(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&stream).unwrap();
    assert!(child.wait().unwrap().success());
    // Pack it the way a clone would be.
    assert!(git(dir).args(["gc", "-q"]).status().unwrap().success());
    assert!(
        git(dir)
            .args(["checkout", "-q", "-f", "main"])
            .status()
            .unwrap()
            .success()
    );
}

fn changed_first(i: usize) -> usize {
    (i * 7) % FILES
}

fn bench(c: &mut Criterion) {
    let temp = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("HOIST_BENCH_REPO").map(std::path::PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temp.path());
    std::fs::create_dir_all(dir).unwrap();
    let started = Instant::now();
    build_repo(dir);
    eprintln!(
        "built a {}-commit repository in {:.1}s",
        commits(),
        started.elapsed().as_secs_f64()
    );
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_hoist"))
            .args(["audit", "--format", "json", "--fail-on", "never"])
            .arg(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let report: serde_json::Value = serde_json::from_slice(&run()).unwrap();
    eprintln!(
        "{} commits, {} blobs scanned ({} bytes), {} findings",
        report["stats"]["commits"],
        report["stats"]["blobs_scanned"],
        report["stats"]["bytes_scanned"],
        report["findings"].as_array().map_or(0, Vec::len)
    );
    assert_eq!(report["findings"][0]["code"], "AUD001");

    let mut group = c.benchmark_group("audit");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("history", |b| b.iter(run));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
