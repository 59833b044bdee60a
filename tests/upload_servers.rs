//! `hoist upload` end to end against real indexes on 127.0.0.1 (pypiserver and devpi-server,
//! started by `scripts/test` through `scripts/test-servers`): uploads are downloaded back and
//! compared byte for byte; `--skip-existing`, a rerun after a partial failure, `.pypirc`,
//! `TWINE_*`/`HOIST_*` precedence, `--jobs`, and that no secret is ever printed.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use support::Spec;
use support::run::{hoist, text};

struct Server {
    upload: String,
    simple: String,
    user: String,
    password: String,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run scripts/test, which starts pypiserver and devpi-server for these tests")
    })
}

fn pypiserver() -> Server {
    Server {
        upload: var("HOIST_TEST_PYPISERVER_URL"),
        simple: var("HOIST_TEST_PYPISERVER_SIMPLE"),
        user: var("HOIST_TEST_PYPISERVER_USER"),
        password: var("HOIST_TEST_PYPISERVER_PASSWORD"),
    }
}

fn devpi() -> Server {
    Server {
        upload: var("HOIST_TEST_DEVPI_URL"),
        simple: var("HOIST_TEST_DEVPI_SIMPLE"),
        user: var("HOIST_TEST_DEVPI_USER"),
        password: var("HOIST_TEST_DEVPI_PASSWORD"),
    }
}

/// A version no earlier run used, so the tests can run again against the same servers.
fn unique_version() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "1.0.{}{:03}",
        nanos / 1_000_000,
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// A good wheel and sdist for project `name` at a fresh version, written into `dir`.
fn release(dir: &Path, name: &str) -> (String, PathBuf, PathBuf) {
    let version = unique_version();
    let file_name = name.replace('-', "_");
    let wheel = Spec::wheel()
        .named(&format!("{file_name}-{version}-py3-none-any.whl"))
        .set("Name", name)
        .set("Version", &version)
        .write(dir);
    let sdist = Spec::sdist()
        .named(&format!("{file_name}-{version}.tar.gz"))
        .set("Name", name)
        .set("Version", &version)
        .write(dir);
    (version, wheel, sdist)
}

fn upload(server: &Server, files: &[&Path], extra: &[&str]) -> Output {
    let mut args = vec![
        "upload",
        "--repository-url",
        &server.upload,
        "-u",
        &server.user,
        "--non-interactive",
    ];
    args.extend_from_slice(extra);
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    hoist(&args, &[("HOIST_PASSWORD", &server.password)])
}

fn python() -> PathBuf {
    let pip = PathBuf::from(var("HOIST_TEST_PIP"));
    pip.with_file_name("python")
}

/// Downloads `filename` of `project` back from the index: wheels with `pip download`, sdists
/// by following the simple-API link (pip would build an sdist to read its metadata).
fn download(server: &Server, project: &str, version: &str, filename: &str, dest: &Path) -> Vec<u8> {
    if filename.ends_with(".whl") {
        let out = Command::new(var("HOIST_TEST_PIP"))
            .args([
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary",
                ":all:",
                "--no-cache-dir",
                "--disable-pip-version-check",
            ])
            .args(["--index-url", &server.simple, "--dest"])
            .arg(dest)
            .arg(format!("{project}=={version}"))
            .output()
            .expect("run pip");
        assert!(out.status.success(), "pip download failed: {}", text(&out));
    } else {
        let script = r##"
import re, sys, urllib.parse, urllib.request
simple, project, filename, dest = sys.argv[1:5]
page_url = urllib.parse.urljoin(simple, project + "/")
page = urllib.request.urlopen(page_url).read().decode()
for href in re.findall(r'href="([^"]+)"', page):
    if href.split("#")[0].split("?")[0].rstrip("/").endswith("/" + filename) or href.split("#")[0] == filename:
        data = urllib.request.urlopen(urllib.parse.urljoin(page_url, href)).read()
        open(dest + "/" + filename, "wb").write(data)
        sys.exit(0)
sys.exit("not listed: " + filename)
"##;
        let out = Command::new(python())
            .args(["-c", script, &server.simple, project, filename])
            .arg(dest)
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "download of {filename} failed: {}",
            text(&out)
        );
    }
    std::fs::read(dest.join(filename)).unwrap_or_else(|e| panic!("{filename} not downloaded: {e}"))
}

fn round_trip(server: &Server, project: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (version, wheel, sdist) = release(dir.path(), project);
    let o = upload(server, &[&sdist, &wheel], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("2 uploaded, 0 skipped, 0 failed, 0 not attempted"),
        "{out}"
    );
    // Wheels go first, whatever the order given.
    let w = out.find(&format!(
        "uploaded      {}",
        wheel.file_name().and_then(|n| n.to_str()).unwrap_or("")
    ));
    let s = out.find(&format!(
        "uploaded      {}",
        sdist.file_name().and_then(|n| n.to_str()).unwrap_or("")
    ));
    assert!(w.is_some() && s.is_some() && w < s, "{out}");
    let back = tempfile::tempdir().expect("tempdir");
    for file in [&wheel, &sdist] {
        let name = file.file_name().and_then(|n| n.to_str()).expect("name");
        let got = download(server, project, &version, name, back.path());
        assert_eq!(
            got,
            std::fs::read(file).expect("read"),
            "{name} came back different"
        );
    }
}

#[test]
fn round_trip_pypiserver() {
    round_trip(&pypiserver(), "rt-pypiserver");
}

#[test]
fn round_trip_devpi() {
    round_trip(&devpi(), "rt-devpi");
}

#[test]
fn real_distributions_round_trip() {
    let server = pypiserver();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dist");
    let files: Vec<PathBuf> = [
        "six-1.16.0-py2.py3-none-any.whl",
        "six-1.16.0.tar.gz",
        "tomli-2.0.1-py3-none-any.whl",
        "orjson-3.10.7-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    ]
    .iter()
    .map(|f| root.join(f))
    .collect();
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    // --skip-existing keeps the test rerunnable against a server that already has them.
    let o = upload(&server, &refs, &["--skip-existing"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let back = tempfile::tempdir().expect("tempdir");
    for (project, version, f) in [
        ("six", "1.16.0", &files[0]),
        ("six", "1.16.0", &files[1]),
        ("tomli", "2.0.1", &files[2]),
    ] {
        let name = f.file_name().and_then(|n| n.to_str()).expect("name");
        assert_eq!(
            download(&server, project, version, name, back.path()),
            std::fs::read(f).expect("read"),
            "{name}"
        );
    }
}

#[test]
fn skip_existing_on_both_servers() {
    for (server, project, refuses_identical) in [
        (pypiserver(), "skip-pypiserver", true),
        (devpi(), "skip-devpi", false),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, wheel, _) = release(dir.path(), project);
        assert_eq!(upload(&server, &[&wheel], &[]).status.code(), Some(0));
        let again = upload(&server, &[&wheel], &[]);
        if refuses_identical {
            // pypiserver: 409 Conflict.
            assert_eq!(again.status.code(), Some(1), "{}", text(&again));
            assert!(
                text(&again).contains("Rerun with --skip-existing"),
                "{}",
                text(&again)
            );
        } else {
            // devpi, like PyPI, accepts an identical re-upload with a 200.
            assert_eq!(again.status.code(), Some(0), "{}", text(&again));
            assert!(text(&again).contains("identical"), "{}", text(&again));
        }
        let skip = upload(&server, &[&wheel], &["--skip-existing"]);
        assert_eq!(skip.status.code(), Some(0), "{}", text(&skip));
        assert!(
            text(&skip).contains("0 uploaded, 1 skipped"),
            "{}",
            text(&skip)
        );
    }
}

#[test]
fn a_rerun_with_skip_existing_completes_a_partial_release() {
    let server = pypiserver();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, wheel_a, sdist_a) = release(dir.path(), "partial-a");
    let (_, wheel_b, _) = release(dir.path(), "partial-b");
    // b's wheel is already there: the run fails on it and stops before the sdist.
    assert_eq!(upload(&server, &[&wheel_b], &[]).status.code(), Some(0));
    let first = upload(&server, &[&wheel_a, &wheel_b, &sdist_a], &[]);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    let out = text(&first);
    assert!(out.contains("not attempted"), "{out}");
    assert!(out.contains("The release is incomplete"), "{out}");
    let rerun = upload(
        &server,
        &[&wheel_a, &wheel_b, &sdist_a],
        &["--skip-existing"],
    );
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun));
    assert!(
        text(&rerun).contains("1 uploaded, 2 skipped, 0 failed, 0 not attempted"),
        "{}",
        text(&rerun)
    );
}

#[test]
fn pypirc_and_environment_precedence() {
    let server = pypiserver();
    let dir = tempfile::tempdir().expect("tempdir");
    let rc = dir.path().join("pypirc");
    std::fs::write(
        &rc,
        format!("[distutils]\nindex-servers =\n    local\n\n[local]\nrepository = {}\nusername = {}\npassword = {}\n", server.upload, server.user, server.password),
    )
    .expect("write pypirc");
    let (_, wheel, sdist) = release(dir.path(), "via-pypirc");
    let o = hoist(
        &[
            "upload",
            "-r",
            "local",
            "--config-file",
            rc.to_str().expect("utf-8"),
            "--non-interactive",
            wheel.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // TWINE_* works; HOIST_* wins over it.
    let twine_env = [
        ("TWINE_REPOSITORY_URL", server.upload.as_str()),
        ("TWINE_USERNAME", server.user.as_str()),
        ("TWINE_PASSWORD", server.password.as_str()),
    ];
    let mut wrong = twine_env.to_vec();
    wrong.push(("HOIST_PASSWORD", "definitely-wrong"));
    let o = hoist(
        &[
            "upload",
            "--non-interactive",
            sdist.to_str().expect("utf-8"),
        ],
        &wrong,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "HOIST_PASSWORD must win: {}",
        text(&o)
    );
    let o = hoist(
        &[
            "upload",
            "--non-interactive",
            sdist.to_str().expect("utf-8"),
        ],
        &twine_env,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn jobs_upload_wheels_in_parallel_and_the_sdist_last() {
    let server = pypiserver();
    let dir = tempfile::tempdir().expect("tempdir");
    let version = unique_version();
    let mut files = Vec::new();
    for tag in ["cp310", "cp311", "cp312", "cp313", "cp314", "py3"] {
        files.push(
            Spec::wheel()
                .named(&format!("jobs_demo-{version}-{tag}-none-any.whl"))
                .set("Name", "jobs-demo")
                .set("Version", &version)
                .write(dir.path()),
        );
    }
    let sdist = Spec::sdist()
        .named(&format!("jobs_demo-{version}.tar.gz"))
        .set("Name", "jobs-demo")
        .set("Version", &version)
        .write(dir.path());
    let mut refs: Vec<&Path> = vec![sdist.as_path()];
    refs.extend(files.iter().map(PathBuf::as_path));
    let o = upload(&server, &refs, &["--jobs", "4", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["summary"]["uploaded"], 7);
    let files = v["files"].as_array().expect("files");
    assert_eq!(
        files.last().and_then(|f| f["filename"].as_str()),
        sdist.file_name().and_then(|n| n.to_str())
    );
    assert!(files.iter().all(|f| {
        f["status"] == "uploaded"
            && f["digests"]["sha256"]
                .as_str()
                .is_some_and(|s| s.len() == 64)
    }));
}

#[test]
fn secrets_never_appear_in_any_output() {
    let server = pypiserver();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, wheel, sdist) = release(dir.path(), "secret-check");
    let token = "pypi-AgEIcHlwaS5vcmcLEAKCHECKdoNotPrintThisTokenAnywhere0123456789";
    let w = wheel.to_str().expect("utf-8");
    let s = sdist.to_str().expect("utf-8");
    let mut outputs = Vec::new();
    // A wrong token: refused by the server, every verbosity and format.
    for extra in [
        vec!["--verbose"],
        vec!["--format", "json", "--verbose"],
        vec!["--dry-run", "--verbose"],
    ] {
        let mut args = vec![
            "upload",
            "--repository-url",
            &server.upload,
            "-u",
            &server.user,
            "--non-interactive",
        ];
        args.extend(extra.iter().copied());
        args.push(w);
        outputs.push(hoist(&args, &[("HOIST_PASSWORD", token)]));
        args.pop();
        args.extend(["-p", token, s]);
        outputs.push(hoist(&args, &[]));
    }
    // The right password, with --verbose: its value must not show either.
    let ok = hoist(
        &[
            "upload",
            "--repository-url",
            &server.upload,
            "-u",
            &server.user,
            "--verbose",
            w,
        ],
        &[("HOIST_PASSWORD", &server.password)],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(
        !text(&ok).contains(&server.password),
        "the password was printed"
    );
    assert!(text(&ok).contains("password: <hidden>"), "{}", text(&ok));
    // Credentials in the URL.
    let with_userinfo = server
        .upload
        .replacen("://", &format!("://{}:{token}@", server.user), 1);
    outputs.push(hoist(
        &["upload", "--repository-url", &with_userinfo, "--verbose", s],
        &[],
    ));
    for o in &outputs {
        let t = text(o);
        assert!(!t.contains(token), "the token was printed:\n{t}");
        assert!(
            !t.contains("LEAKCHECK"),
            "part of the token was printed:\n{t}"
        );
    }
    assert!(
        outputs.iter().any(|o| o.status.code() == Some(1)),
        "the wrong token must fail"
    );
}

/// What each real index answers to a wrong password and to a wrong URL, and the hint hoist gives:
/// where the credentials came from (never them), and the upload URL meant.
#[test]
fn refusals_name_the_credentials_source_and_the_url_meant() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, wheel, _) = release(dir.path(), "hint-demo");
    for server in [pypiserver(), devpi()] {
        let wrong = Server {
            password: "wrong-pw-4711".into(),
            ..server
        };
        let o = upload(&wrong, &[&wheel], &[]);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(1), "{out}");
        assert!(
            out.contains(&format!(
                "hint: The index refused username `{}` (from the --username option) with the password from $HOIST_PASSWORD",
                wrong.user
            )),
            "{out}"
        );
        assert!(!out.contains("wrong-pw-4711"), "{out}");
    }
    let server = devpi();
    let simple = Server {
        upload: server.simple.clone(),
        ..devpi()
    };
    let out = text(&upload(&simple, &[&wheel], &[]));
    assert!(
        out.contains(&format!(
            "is the index's simple (download) URL, not its upload URL; try --repository-url {}",
            server.upload
        )),
        "{out}"
    );
}

/// Replaces what changes from run to run (the port, the temp dir, the unique version, sizes and
/// digests of the generated files) with fixed words, so the rest of a report can be pinned.
fn redact(out: &[u8], server: &Server, dir: &Path, version: &str) -> String {
    let t = String::from_utf8_lossy(out)
        .replace(&server.upload, "http://127.0.0.1:PORT/")
        .replace(&dir.display().to_string(), "TMP")
        .replace(version, "VERSION");
    let sizes = regex::Regex::new(r"\b\d+(\.\d+)? (B|KiB|MiB)\b").expect("regex");
    let t = sizes.replace_all(&t, "SIZE");
    let numbers =
        regex::Regex::new(r#"("(size|content_length|elapsed_ms)": |Content-Length: )\d+"#)
            .expect("regex");
    let t = numbers.replace_all(&t, "${1}N");
    let hex = regex::Regex::new(r"\b[0-9a-f]{64}\b").expect("regex");
    hex.replace_all(&t, "HEX").into_owned()
}

/// The whole human and JSON output of `upload` and `upload --dry-run` against pypiserver,
/// pinned (stdout and stderr apart), so a refactor of the pipeline shows any change as a diff.
#[test]
fn the_reports_of_an_upload_are_pinned() {
    let server = pypiserver();
    let dir = tempfile::tempdir().expect("tempdir");
    let (version, wheel, sdist) = release(dir.path(), "pin-demo");
    let r = |o: &[u8]| redact(o, &server, dir.path(), &version);
    for (name, extra) in [
        ("dry_run_human", vec!["--dry-run"]),
        ("dry_run_json", vec!["--dry-run", "--format", "json"]),
        (
            "dry_run_digests_first",
            vec!["--dry-run", "--digests-first"],
        ),
    ] {
        let o = upload(&server, &[&sdist, &wheel], &extra);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        insta::assert_snapshot!(format!("{name}_stdout"), r(&o.stdout));
        insta::assert_snapshot!(format!("{name}_stderr"), r(&o.stderr));
    }
    let o = upload(&server, &[&sdist, &wheel], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    insta::assert_snapshot!("upload_human_stdout", r(&o.stdout));
    insta::assert_snapshot!("upload_human_stderr", r(&o.stderr));
    // Again: pypiserver refuses a file it has (409), which --skip-existing turns into a skip.
    let o = upload(&server, &[&sdist, &wheel], &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    insta::assert_snapshot!("upload_again_json_stdout", r(&o.stdout));
    insta::assert_snapshot!("upload_again_json_stderr", r(&o.stderr));
    let o = upload(&server, &[&sdist, &wheel], &["--skip-existing"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    insta::assert_snapshot!("upload_skip_existing_stdout", r(&o.stdout));
    insta::assert_snapshot!("upload_skip_existing_stderr", r(&o.stderr));
    let (version2, wheel2, _) = release(dir.path(), "pin-demo");
    let o = upload(&server, &[&wheel2], &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let json = redact(&o.stdout, &server, dir.path(), &version2);
    insta::assert_snapshot!("upload_json_stdout", json);
    insta::assert_snapshot!(
        "upload_json_stderr",
        redact(&o.stderr, &server, dir.path(), &version2)
    );
}

/// What the pipeline shows, collected instead of printed.
#[derive(Default)]
struct Collected {
    notes: std::sync::Mutex<Vec<String>>,
}

impl hoist::publish::Frontend for Collected {
    fn note(&self, line: &str) {
        self.notes.lock().expect("lock").push(line.to_string());
    }
    fn check_refused(&self, _: &[hoist::check::FileReport]) {}
    fn check_warnings(&self, _: &[hoist::check::FileReport]) {}
    fn ci_failure(&self, text: &str, _: bool) {
        self.note(text);
    }
    fn mask_sink(&self) -> Option<hoist::auth::oidc::Sink> {
        None
    }
    fn progress(&self, _: u64, _: usize) -> std::sync::Arc<dyn hoist::upload::progress::Reporter> {
        std::sync::Arc::new(hoist::upload::progress::Lines)
    }
}

/// The publish pipeline run from the library, not through `main`: a glob of a release goes to
/// pypiserver, comes back byte for byte, and a dry run of the same options stops before the
/// send with the plan.
#[test]
fn the_publish_pipeline_runs_from_the_library() {
    use hoist::publish::{self, Published};
    let server = pypiserver();
    let dir = tempfile::tempdir().expect("tempdir");
    let (version, wheel, sdist) = release(dir.path(), "lib-pipeline");
    let password = server.password.clone();
    let env: hoist::auth::oidc::SharedEnv =
        std::sync::Arc::new(move |k: &str| (k == "HOIST_PASSWORD").then(|| password.clone()));
    let mut options = publish::Options {
        files: vec![format!("{}/lib_pipeline-*", dir.path().display())],
        check: hoist::check::Options::default(),
        no_check: false,
        comment: None,
        inputs: hoist::auth::Inputs {
            repository_url: Some(server.upload.clone()),
            username: Some(server.user.clone()),
            non_interactive: true,
            ..hoist::auth::Inputs::default()
        },
        policy: hoist::auth::oidc::Policy::Never,
        attestations: false,
        attest: false,
        dry_run: true,
        verbose: false,
        upload: hoist::upload::Options::default(),
        handle_ctrl_c: false,
        env,
    };
    let frontend = std::sync::Arc::new(Collected::default());
    let Ok(Published::Planned(plan)) = publish::run(&options, frontend.clone()) else {
        panic!("a dry run plans: {:?}", frontend.notes.lock());
    };
    let names: Vec<&str> = plan.iter().map(|p| p.filename.as_str()).collect();
    let wheel_name = wheel.file_name().and_then(|n| n.to_str()).expect("name");
    let sdist_name = sdist.file_name().and_then(|n| n.to_str()).expect("name");
    assert_eq!(names, [wheel_name, sdist_name], "wheels first");

    options.dry_run = false;
    let Ok(Published::Sent(sent)) = publish::run(&options, frontend.clone()) else {
        panic!("the upload runs: {:?}", frontend.notes.lock());
    };
    assert!(sent.complete(), "{:?}", sent.results);
    assert_eq!(sent.results.len(), 2);
    let notes = frontend.notes.lock().expect("lock").join("\n");
    assert!(
        notes.contains(&format!("Uploading 2 file(s) to {}", server.upload)),
        "{notes}"
    );
    assert!(!notes.contains(&server.password), "{notes}");
    let back = tempfile::tempdir().expect("tempdir");
    for file in [&wheel, &sdist] {
        let name = file.file_name().and_then(|n| n.to_str()).expect("name");
        let got = download(&server, "lib-pipeline", &version, name, back.path());
        assert_eq!(
            got,
            std::fs::read(file).expect("read"),
            "{name} came back different"
        );
    }
    // Again: the index has them, and the phase that says so is the send.
    let Ok(Published::Sent(again)) = publish::run(&options, frontend.clone()) else {
        panic!("the second upload runs");
    };
    assert!(!again.complete());
}
