//! The soak: releases sent with `--jobs 8` through a seeded fault-injecting proxy
//! (tests/netsupport/proxy.rs) to the real pypiserver and devpi-server that `scripts/test` starts,
//! some runs killed (SIGKILL) at a random moment first. After each run, against the index and the
//! files downloaded back:
//! - every file reported uploaded or skipped is there, byte-identical;
//! - no file is there twice, and nothing is there that is not part of the release;
//! - a file reported failed (with no "may be on the index") or not attempted is not there;
//! - each file is reported once, the summary counts match the files, the exit code matches;
//! - with transient faults (at most 2 in a row per request) and `--retries 5`, the release
//!   completes;
//! - a rerun with `--skip-existing` and no faults leaves exactly the release.
//!
//! Size: `HOIST_SOAK_SEEDS` seeds per server (default 20), `HOIST_SOAK_FILES` files per release
//! (default 10 on pypiserver, 5 on devpi-server, whose uploads are slow), from seed `HOIST_SOAK_FIRST_SEED` (default 1); one run in
//! `HOIST_SOAK_KILL_EVERY` (default 4) is killed first. `scripts/soak --seeds N` runs more.
//! Each run's fault log is written to `target/soak/<server>-<seed>.log`; the totals to
//! `target/soak/<server>-summary.txt`. A failing seed replays with
//! `HOIST_SOAK_FIRST_SEED=<seed> HOIST_SOAK_SEEDS=1`.

mod netsupport;
mod support;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netsupport::proxy::choose;
use netsupport::servers::{self, IndexServer};
use netsupport::{Fault, FaultProxy, ProxyConfig, client};
use sha2::{Digest, Sha256};
use support::Spec;

/// hoist's stall limit in the soak, and how long the proxy stalls (past it).
const STALL_MS: u64 = 1500;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A release: 2 to 4 projects with versions, each version 4 wheels (python tags py39 to py312;
/// 2 under 20 files) and an sdist, cut to `files` files.
struct Release {
    _dir: tempfile::TempDir,
    /// The part of the project names unique to this run.
    nonce: String,
    files: Vec<PathBuf>,
    projects: Vec<String>,
}

fn wheel_tag_spec(name: &str, version: &str, tag: &str) -> Spec {
    let dist = name.replace('-', "_");
    let wheel =
        format!("Wheel-Version: 1.0\nGenerator: hoist-soak\nRoot-Is-Purelib: true\nTag: {tag}\n");
    Spec::wheel()
        .named(&format!("{dist}-{version}-{tag}.whl"))
        .set("Name", name)
        .set("Version", version)
        .omit("WHEEL")
        .file(
            &format!("{dist}-{version}.dist-info/WHEEL"),
            wheel.as_bytes(),
        )
        .file(
            &format!("{dist}/data.txt"),
            format!("{name} {version} {tag}").as_bytes(),
        )
}

fn make_release(tag: &str, files: usize) -> Release {
    let dir = tempfile::tempdir().expect("tempdir");
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n_projects = files.div_ceil(25).clamp(2, 4);
    let projects: Vec<String> = (0..n_projects)
        .map(|i| format!("soak-{tag}-{nonce}-p{i}"))
        .collect();
    let mut out = Vec::new();
    let mut v = 0;
    'outer: loop {
        for name in &projects {
            let version = format!("1.{v}");
            let wheels = if files < 20 { 2 } else { 4 };
            for py in ["py39", "py310", "py311", "py312"].into_iter().take(wheels) {
                if out.len() == files {
                    break 'outer;
                }
                let tag = format!("{py}-none-any");
                out.push(wheel_tag_spec(name, &version, &tag).write(dir.path()));
            }
            if out.len() == files {
                break 'outer;
            }
            let dist = name.replace('-', "_");
            out.push(
                Spec::sdist()
                    .named(&format!("{dist}-{version}.tar.gz"))
                    .set("Name", name)
                    .set("Version", &version)
                    .write(dir.path()),
            );
        }
        v += 1;
    }
    Release {
        _dir: dir,
        nonce: nonce.to_string(),
        files: out,
        projects,
    }
}

/// What the index lists for a project: filename to the bytes downloaded back (every listing of
/// it, to see duplicates).
fn index_holds(server: &IndexServer, project: &str) -> HashMap<String, Vec<Vec<u8>>> {
    let page_url = format!("{}{}/", server.simple, project);
    let page = client::get(&page_url).expect("read the simple page");
    let mut out: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
    if page.status == 404 {
        return out;
    }
    assert_eq!(page.status, 200, "{page_url}: {}", page.text());
    let base = reqwest::Url::parse(&page_url).expect("url");
    let text = page.text();
    for piece in text.split("href=\"").skip(1) {
        let href = piece.split('"').next().unwrap_or("");
        let url = base.join(href).expect("link");
        let name = url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or("")
            .to_string();
        let file = client::get(url.as_str()).expect("download");
        assert_eq!(file.status, 200, "{url}");
        if let Some((_, sha)) = href.split_once("#sha256=") {
            assert_eq!(sha, sha256_hex(&file.body), "{name}: the listed sha256");
        }
        out.entry(name).or_default().push(file.body);
    }
    out
}

/// One hoist run's report (`--format json`).
struct Report {
    code: Option<i32>,
    /// filename to (status, hint).
    files: Vec<(String, String, String)>,
    summary: serde_json::Value,
    text: String,
}

fn hoist_cmd(url: &str, server: &IndexServer, files: &[PathBuf], extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hoist"));
    cmd.args([
        "upload",
        "--repository-url",
        url,
        "-u",
        &server.user,
        "--non-interactive",
        "--format",
        "json",
        "--jobs",
        "8",
        "--disable-progress-bar",
    ])
    .args(extra)
    .args(files)
    .env("HOIST_PASSWORD", &server.password)
    .env("HOIST_RETRY_BASE_MS", "20")
    .env("HOIST_STALL_TIMEOUT_MS", STALL_MS.to_string())
    .env("HOME", std::env::temp_dir())
    .env("NO_PROXY", "*");
    for k in [
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(k);
    }
    cmd
}

fn run(cmd: &mut Command) -> Report {
    let o = cmd.output().expect("run hoist");
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let text = format!("{stdout}{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("the JSON report does not parse ({e}):\n{text}"));
    let files = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["filename"].as_str().unwrap_or("").to_string(),
                f["status"].as_str().unwrap_or("").to_string(),
                f["hint"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    Report {
        code: o.status.code(),
        files,
        summary: doc["summary"].clone(),
        text,
    }
}

/// Checks one report against the index; `fresh` when no earlier run could have uploaded.
fn check_report(server: &IndexServer, release: &Release, r: &Report, fresh: bool) -> Vec<String> {
    let mut bad = Vec::new();
    let local: HashMap<String, Vec<u8>> = release
        .files
        .iter()
        .map(|p| {
            (
                p.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
                    .to_string(),
                std::fs::read(p).expect("read"),
            )
        })
        .collect();
    let mut on_index: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
    for project in &release.projects {
        on_index.extend(index_holds(server, project));
    }
    // Each file once; the summary counts; the exit code.
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut seen = HashMap::new();
    for (name, status, _) in &r.files {
        *counts.entry(status.as_str()).or_insert(0) += 1;
        if seen.insert(name.clone(), ()).is_some() {
            bad.push(format!("{name} is reported twice"));
        }
    }
    if r.files.len() != local.len() {
        bad.push(format!(
            "{} files reported of {}",
            r.files.len(),
            local.len()
        ));
    }
    for key in ["uploaded", "skipped", "failed", "not_attempted"] {
        let want = counts.get(key).copied().unwrap_or(0);
        if r.summary[key].as_u64() != Some(want) {
            bad.push(format!(
                "summary {key} = {} but {want} files",
                r.summary[key]
            ));
        }
    }
    let incomplete = counts.get("failed").copied().unwrap_or(0)
        + counts.get("not_attempted").copied().unwrap_or(0);
    let want_code = if incomplete == 0 { 0 } else { 1 };
    if r.code != Some(want_code) {
        bad.push(format!(
            "exit code {:?}, the summary says {want_code}",
            r.code
        ));
    }
    for (name, status, hint) in &r.files {
        let copies = on_index.get(name).map_or(0, Vec::len);
        match status.as_str() {
            "uploaded" | "skipped" if copies == 0 => {
                bad.push(format!("{name} reported {status} but is not on the index"));
            }
            "uploaded" | "skipped" => {}
            "failed" if hint.contains("may be on the index") => {}
            _ if fresh && copies > 0 => {
                bad.push(format!("{name} reported {status} but is on the index"));
            }
            _ => {}
        }
    }
    for (name, copies) in &on_index {
        match local.get(name) {
            None => bad.push(format!("{name} is on the index but not in the release")),
            Some(bytes) => {
                if copies.len() > 1 {
                    bad.push(format!("{name} is listed {} times", copies.len()));
                }
                if copies.iter().any(|c| c != bytes) {
                    bad.push(format!("{name} on the index differs from the local file"));
                }
            }
        }
    }
    bad
}

#[derive(Default)]
struct Totals {
    runs: u32,
    files: u64,
    kills: u32,
    completed: u32,
    faults: BTreeMap<(String, String), u32>,
    failures: Vec<String>,
}

fn soak(server: IndexServer) {
    let seeds = env_num("HOIST_SOAK_SEEDS", 20);
    let first = env_num("HOIST_SOAK_FIRST_SEED", 1);
    // devpi-server takes about 0.7 s per upload here (pypiserver 0.05 s): fewer files per
    // release keep the default soak within its share of the suite's budget.
    let default_files = if server.name == "devpi" { 5 } else { 10 };
    let files = env_num("HOIST_SOAK_FILES", default_files) as usize;
    let kill_every = env_num("HOIST_SOAK_KILL_EVERY", 4).max(1);
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../soak");
    std::fs::create_dir_all(&out_dir).expect("soak dir");
    let mut totals = Totals::default();
    let started = Instant::now();
    for seed in first..first + seeds {
        let release = make_release(&format!("{}{seed}", &server.name[..1]), files);
        let config = ProxyConfig {
            seed,
            post_rate: 0.3,
            get_rate: 0.2,
            max_in_a_row: 2,
            stall: Duration::from_millis(STALL_MS + 1000),
            slow: Duration::from_millis(300),
            always: None,
            forget: Some(release.nonce.clone()),
        };
        let proxy = FaultProxy::start(&server.url, config);
        let url = proxy.url_for(&server.url);
        let mut log = String::new();
        // Killed at a random moment (a body in flight, between files, in a retry pause).
        let killed = seed % kill_every == 0;
        if killed {
            let after = Duration::from_millis(100 + seed.wrapping_mul(7919) % 2400);
            let mut child = hoist_cmd(&url, &server, &release.files, &["--retries", "5"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn hoist");
            std::thread::sleep(after);
            let _ = child.kill();
            let _ = child.wait();
            totals.kills += 1;
            log.push_str(&format!("killed (SIGKILL) after {after:?}\n"));
        }
        let skip = killed || seed % 2 == 1;
        let extra: &[&str] = if skip {
            &["--retries", "5", "--skip-existing"]
        } else {
            &["--retries", "5"]
        };
        let report = run(&mut hoist_cmd(&url, &server, &release.files, extra));
        let mut bad = check_report(&server, &release, &report, !killed);
        if report.code == Some(0) {
            totals.completed += 1;
        } else {
            bad.push("the release did not complete despite transient faults".into());
        }
        // A rerun without faults, straight to the index, leaves exactly the release.
        let rerun = run(&mut hoist_cmd(
            &server.url,
            &server,
            &release.files,
            &["--skip-existing"],
        ));
        let mut after = check_report(&server, &release, &rerun, false);
        if rerun.code != Some(0) {
            after.push("the rerun with --skip-existing did not complete".into());
        }
        let on_index: usize = release
            .projects
            .iter()
            .map(|p| index_holds(&server, p).len())
            .sum();
        if on_index != release.files.len() {
            after.push(format!(
                "{on_index} files on the index after the rerun, {} in the release",
                release.files.len()
            ));
        }
        for l in proxy.log() {
            log.push_str(&format!("{l}\n"));
        }
        for (k, n) in proxy.counts() {
            *totals.faults.entry(k).or_insert(0) += n;
        }
        std::fs::write(out_dir.join(format!("{}-{seed}.log", server.name)), &log)
            .expect("write the fault log");
        totals.runs += 1;
        totals.files += release.files.len() as u64;
        for b in bad.iter().chain(after.iter()) {
            totals.failures.push(format!(
                "{} seed {seed}: {b}\n--- hoist:\n{}\n--- rerun:\n{}\n--- faults:\n{log}",
                server.name, report.text, rerun.text
            ));
        }
    }
    let mut summary = format!(
        "{}: {} runs (seeds {first}..{}), {} files, {} killed, releases completed {}/{}, {:.0}s\nfaults:\n",
        server.name,
        totals.runs,
        first + seeds - 1,
        totals.files,
        totals.kills,
        totals.completed,
        totals.runs,
        started.elapsed().as_secs_f64()
    );
    for ((method, fault), n) in &totals.faults {
        if fault != "pass" {
            summary.push_str(&format!("  {method} {fault}: {n}\n"));
        }
    }
    summary.push_str(&format!(
        "problems (lost, duplicated, corrupted, wrong summaries): {}\n",
        totals.failures.len()
    ));
    std::fs::write(
        out_dir.join(format!("{}-summary.txt", server.name)),
        &summary,
    )
    .expect("write the summary");
    eprintln!("{summary}");
    assert!(
        totals.failures.is_empty(),
        "{}",
        totals.failures.join("\n\n")
    );
}

#[test]
fn soak_pypiserver() {
    soak(servers::pypiserver());
}

#[test]
fn soak_devpi() {
    soak(servers::devpi());
}

#[test]
fn the_proxy_chooses_by_seed_key_and_n_only() {
    let c = ProxyConfig {
        seed: 7,
        post_rate: 0.5,
        get_rate: 0.5,
        max_in_a_row: 2,
        stall: Duration::from_secs(1),
        slow: Duration::from_millis(10),
        always: None,
        forget: None,
    };
    let run = |c: &ProxyConfig| {
        let mut seen = Vec::new();
        for n in 0..60 {
            let f = choose(c, "POST a.whl", n, &seen);
            seen.push(f);
        }
        seen
    };
    let a = run(&c);
    assert_eq!(a, run(&c), "a seed replays exactly");
    assert!(a.iter().any(|f| *f != Fault::Pass) && a.contains(&Fault::Pass));
    assert!(
        a.windows(3).all(|w| w.contains(&Fault::Pass)),
        "at most 2 faults in a row"
    );
    assert_ne!(a, run(&ProxyConfig { seed: 8, ..c }));
}

// What each index answers for a project it does not have reads as "not there": with every
// upload answered 503 (never forwarded) and the retries spent, the file is reported as not on
// the index, not as "unconfirmed" or "may have landed".

fn absent_project_reads_as_absent(server: &IndexServer, upload_url: &str) {
    let release = make_release(&format!("absent-{}", server.name), 1);
    let mut config = ProxyConfig::quiet(1);
    config.always = Some(("POST", Fault::Unavailable(false)));
    let proxy = FaultProxy::start(upload_url, config);
    let r = run(&mut hoist_cmd(
        &proxy.url_for(upload_url),
        server,
        &release.files,
        &["--retries", "1"],
    ));
    assert_eq!(r.code, Some(1), "{}", r.text);
    assert_eq!(r.files.len(), 1, "{}", r.text);
    let (_, status, hint) = &r.files[0];
    assert_eq!(status, "failed", "{}", r.text);
    assert!(hint.contains("did not land"), "{}", r.text);
    assert!(!hint.contains("Unconfirmed"), "{}", r.text);
    let gets: Vec<String> = proxy
        .log()
        .iter()
        .filter(|l| l.key.starts_with("GET "))
        .map(|l| l.to_string())
        .collect();
    assert!(!gets.is_empty(), "the index was asked: {}", r.text);
}

#[test]
fn a_project_pypiserver_does_not_have_is_absent() {
    // pypiserver without a fallback answers 404.
    let server = servers::pypiserver();
    absent_project_reads_as_absent(&server, &server.url);
}

#[test]
fn a_project_devpi_does_not_have_is_absent() {
    // devpi-server answers 404 under +simple/ (and 404 for the simple/ hoist tries first).
    let server = servers::devpi();
    absent_project_reads_as_absent(&server, &server.url);
}

/// A pypiserver of its own with its fallback on (the default): for a project it does not
/// have, it answers `303 See Other` to https://pypi.org/simple/NAME/. Stopped when dropped.
struct FallbackPypiserver {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    url: String,
}

impl Drop for FallbackPypiserver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fallback_pypiserver() -> FallbackPypiserver {
    let bin = servers::pip().with_file_name("pypi-server");
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(&bin)
        .args(["run", "-p", &port.to_string(), "-i", "127.0.0.1"])
        .args(["-a", ".", "-P", "."])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
    let url = format!("http://127.0.0.1:{port}/");
    let server = FallbackPypiserver {
        child,
        _dir: dir,
        url,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while client::get(&format!("{}simple/", server.url))
        .ok()
        .map(|r| r.status)
        != Some(200)
    {
        assert!(Instant::now() < deadline, "pypiserver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

#[test]
fn pypiservers_303_to_its_fallback_is_absent() {
    let own = fallback_pypiserver();
    let missing = client::get(&format!("{}simple/no-such-project/", own.url)).expect("get");
    assert_eq!(missing.status, 303, "pypiserver's fallback redirect");
    assert!(
        missing
            .header("location")
            .is_some_and(|l| l.contains("pypi.org")),
        "{:?}",
        missing.headers
    );
    let server = IndexServer {
        name: "pypiserver-fallback",
        url: own.url.clone(),
        simple: format!("{}simple/", own.url),
        user: "anyone".into(),
        password: "anything".into(),
    };
    absent_project_reads_as_absent(&server, &own.url);
}

#[test]
fn killed_in_a_retry_pause_or_waiting_for_an_answer_then_resumed() {
    // SIGKILL at two chosen moments: in the pause after a 503 with Retry-After, and with the
    // whole body sent and the answer held back. A rerun with --skip-existing completes the
    // release, exactly.
    let server = servers::pypiserver();
    for fault in [Fault::Unavailable(true), Fault::Stall] {
        let release = make_release("kill", 4);
        let mut config = ProxyConfig::quiet(1);
        config.always = Some(("POST", fault));
        let proxy = FaultProxy::start(&server.url, config);
        let mut child = hoist_cmd(
            &proxy.url_for(&server.url),
            &server,
            &release.files,
            &["--retries", "5"],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn hoist");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !proxy.log().iter().any(|l| l.key.starts_with("POST ")) {
            assert!(Instant::now() < deadline, "no upload reached the proxy");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(200));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        let r = run(&mut hoist_cmd(
            &server.url,
            &server,
            &release.files,
            &["--skip-existing"],
        ));
        let bad = check_report(&server, &release, &r, false);
        assert!(bad.is_empty(), "{fault:?}: {bad:?}\n{}", r.text);
        assert_eq!(r.code, Some(0), "{fault:?}: {}", r.text);
        let on_index: usize = release
            .projects
            .iter()
            .map(|p| index_holds(&server, p).len())
            .sum();
        assert_eq!(on_index, release.files.len(), "{}", r.text);
    }
}
