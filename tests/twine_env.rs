//! `hoist upload` in the environment twine users release from (issue 18): quoted globs over a
//! `dist/` that holds more than distributions (against pypiserver), the `keyring` command as
//! Google Artifact Registry's and AWS CodeArtifact's back ends answer it (keyring 25.2+ and
//! older), CA bundles from requests' variables (a TLS server with a throwaway CA), and indexes
//! that answer before reading the body (a scripted server, and real waitress).

mod netsupport;
mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use netsupport::{Behavior, FaultServer};
use support::Spec;
use support::run::{hoist, text};

const WAIT: Duration = Duration::from_secs(20);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `hoist upload --repository-url URL -u USER --non-interactive EXTRA... FILES...`.
fn upload(url: &str, user: &str, extra: &[&str], files: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut args = vec![
        "upload",
        "--repository-url",
        url,
        "-u",
        user,
        "--non-interactive",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(files);
    hoist(&args, envs)
}

// ---------------------------------------------------------------- globs

/// `uv build`'s `dist/`: the distributions, its `.gitignore` (content `*`), and what release
/// jobs leave beside them.
fn dist_with_extras(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let version = netsupport::servers::unique_version();
    let stem = name.replace('-', "_");
    let wheel = Spec::wheel()
        .named(&format!("{stem}-{version}-py3-none-any.whl"))
        .set("Name", name)
        .set("Version", &version)
        .write(dir);
    let sdist = Spec::sdist()
        .named(&format!("{stem}-{version}.tar.gz"))
        .set("Name", name)
        .set("Version", &version)
        .write(dir);
    for (file, content) in [
        (".gitignore", "*\n"),
        (".DS_Store", "\0\0\0\x01Bud1"),
        ("SHA256SUMS", "00  x\n"),
        ("release-notes.txt", "notes\n"),
        ("build.log", "log\n"),
    ] {
        std::fs::write(dir.join(file), content).expect("write");
    }
    (wheel, sdist)
}

#[test]
fn a_quoted_glob_over_uvs_dist_uploads_the_distributions_and_says_what_it_skipped() {
    let server = netsupport::servers::pypiserver();
    let dir = tempfile::tempdir().expect("tempdir");
    let (wheel, sdist) = dist_with_extras(dir.path(), "hoist-glob-demo");
    let pattern = format!("{}/*", dir.path().display());
    let o = upload(
        &server.url,
        &server.user,
        &[],
        &[&pattern],
        &[("HOIST_PASSWORD", &server.password)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let err = stderr(&o);
    for skipped in ["SHA256SUMS", "release-notes.txt", "build.log"] {
        assert!(
            err.contains(&format!("{skipped}: not a distribution")),
            "{skipped}: {err}"
        );
    }
    // Dot-files are not matched by `*` at all, as in Python's glob and POSIX shells.
    assert!(
        !err.contains(".gitignore") && !err.contains(".DS_Store"),
        "{err}"
    );
    let page = netsupport::client::get(&format!("{}hoist-glob-demo/", server.simple))
        .expect("simple page")
        .text();
    for f in [&wheel, &sdist] {
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        assert!(page.contains(&name), "{name} not on the index: {page}");
    }
}

#[test]
fn named_extras_and_dot_globs_never_stop_a_release_but_nothing_is_not_a_release() {
    let server = FaultServer::start(vec![Behavior::ok()]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (wheel, _) = dist_with_extras(dir.path(), "demo");
    let arg = |n: &str| dir.path().join(n).display().to_string();
    // What an unquoted `dist/*` under bash's dotglob, or a `find dist -type f`, hands over.
    let o = upload(
        &server.url(),
        "u",
        &[],
        &[
            &arg(".gitignore"),
            &arg("SHA256SUMS"),
            &wheel.display().to_string(),
        ],
        &[("HOIST_PASSWORD", "p")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        stderr(&o).contains(".gitignore: not a distribution"),
        "{}",
        text(&o)
    );
    assert_eq!(server.wait_for_requests(1, WAIT).len(), 1);
    // Nothing but extras: a usage error, and nothing is sent.
    let dots = format!("{}/.*", dir.path().display());
    let url = server.url();
    for args in [vec![arg("SHA256SUMS")], vec![dots]] {
        let mut all = vec!["upload", "--repository-url", &url, "--non-interactive"];
        all.extend(args.iter().map(String::as_str));
        let o = hoist(&all, &[("HOIST_PASSWORD", "p")]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            stderr(&o).contains("no distributions among the files given"),
            "{}",
            text(&o)
        );
    }
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------- keyring

/// A directory holding a fake `keyring` command (a shell script), and a PATH that finds it
/// first. Every call is logged, one line of arguments each.
struct FakeKeyring {
    dir: tempfile::TempDir,
}

impl FakeKeyring {
    fn new(script: &str) -> FakeKeyring {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        let log = dir.path().join("calls.log");
        let body = format!("#!/bin/sh\necho \"$@\" >> {}\n{script}\n", log.display());
        let path = bin.join("keyring");
        std::fs::write(&path, body).expect("write keyring");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        FakeKeyring { dir }
    }

    fn path_var(&self) -> String {
        format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// keyring 25.2+ with Artifact Registry's back end: `--mode creds get URL` gives the username
/// and a token; `get URL USERNAME` gives the token for that username.
const KEYRING_25: &str = r#"if [ "$1" = --mode ] && [ "$2" = creds ] && [ "$3" = get ]; then printf 'oauth2accesstoken\nya29.SECRET-TOKEN\n'; exit 0; fi
if [ "$1" = get ] && [ "$3" = oauth2accesstoken ]; then echo ya29.SECRET-TOKEN; exit 0; fi
exit 1"#;

/// keyring before 25.2: argparse refuses `--mode` (status 2); `get URL USERNAME` works.
const KEYRING_OLD: &str = r#"case "$1" in --*) echo "keyring: error: unrecognized arguments: $1 $2" >&2; exit 2;; esac
if [ "$1" = get ] && [ "$3" = oauth2accesstoken ]; then echo ya29.SECRET-TOKEN; exit 0; fi
exit 1"#;

/// A `.pypirc` section holding only `repository =`, as Artifact Registry's setup writes it.
fn repository_only_pypirc(dir: &Path, url: &str) -> PathBuf {
    let rc = dir.join("pypirc");
    std::fs::write(
        &rc,
        format!("[distutils]\nindex-servers =\n    gar\n\n[gar]\nrepository = {url}\n"),
    )
    .expect("write pypirc");
    rc
}

fn upload_with_keyring(server: &FaultServer, keyring: &FakeKeyring, extra: &[&str]) -> Output {
    let rc = repository_only_pypirc(keyring.dir.path(), &server.url());
    let f = fixture("dist/demo-1.0.tar.gz").display().to_string();
    let rc = rc.display().to_string();
    let mut args = vec!["upload", "-r", "gar", "--config-file", &rc, "--verbose"];
    args.extend_from_slice(extra);
    args.push(&f);
    // No terminal: stdin is not a tty under `cargo test`'s Command::output.
    hoist(&args, &[("PATH", &keyring.path_var())])
}

#[test]
fn a_repository_only_pypirc_takes_the_whole_credential_from_keyring_25() {
    let server = FaultServer::start(vec![Behavior::ok()]);
    let keyring = FakeKeyring::new(KEYRING_25);
    let o = upload_with_keyring(&server, &keyring, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        server.wait_for_requests(1, WAIT)[0].basic_auth(),
        Some(("oauth2accesstoken".into(), "ya29.SECRET-TOKEN".into()))
    );
    assert_eq!(
        keyring.calls(),
        [format!("--mode creds get {}", server.url())],
        "one question: the credential gave the password too"
    );
    let out = text(&o);
    assert!(
        out.contains("username: oauth2accesstoken (from the keyring)"),
        "{out}"
    );
    assert!(!out.contains("SECRET-TOKEN"), "a secret was printed: {out}");
    // Non-interactive: the keyring is never asked.
    let quiet = FakeKeyring::new(KEYRING_25);
    let o = upload_with_keyring(&server, &quiet, &["--non-interactive"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no username for"), "{}", text(&o));
    assert!(quiet.calls().is_empty(), "{:?}", quiet.calls());
}

#[test]
fn an_older_keyring_falls_back_to_the_password_lookup_and_says_why_no_username() {
    let server = FaultServer::start(vec![Behavior::ok()]);
    let keyring = FakeKeyring::new(KEYRING_OLD);
    // No username anywhere: the old keyring cannot give one, and the error says so.
    let o = upload_with_keyring(&server, &keyring, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("predates keyring 25.2"), "{}", text(&o));
    assert!(server.requests().is_empty());
    // With the username given, the password lookup every keyring version knows.
    let keyring = FakeKeyring::new(KEYRING_OLD);
    let o = upload_with_keyring(&server, &keyring, &["-u", "oauth2accesstoken"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        server.wait_for_requests(1, WAIT)[0].basic_auth(),
        Some(("oauth2accesstoken".into(), "ya29.SECRET-TOKEN".into()))
    );
    assert_eq!(
        keyring.calls(),
        [format!("get {} oauth2accesstoken", server.url())]
    );
    assert!(!text(&o).contains("SECRET-TOKEN"), "{}", text(&o));
    // keyring 25.2+ without a stored credential for the URL: an error naming the username.
    let empty = FakeKeyring::new("exit 1");
    let o = upload_with_keyring(&server, &empty, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no username for"), "{}", text(&o));
}

// ---------------------------------------------------------------- CA bundles

fn upload_tls(server: &FaultServer, envs: &[(&str, &str)]) -> Output {
    let f = fixture("dist/demo-1.0.tar.gz").display().to_string();
    let mut all = vec![("HOIST_PASSWORD", "p")];
    all.extend_from_slice(envs);
    upload(
        &server.url(),
        "u",
        &["--retries", "0", "--verbose"],
        &[&f],
        &all,
    )
}

#[test]
fn each_ca_variable_is_honoured_and_verbose_names_it() {
    let server = FaultServer::builder()
        .tls()
        .script(vec![Behavior::ok()])
        .start();
    let ca = server.ca_pem_path().display().to_string();
    let ca_dir = server.ca_pem_path().parent().expect("dir").to_path_buf();
    let only_ca = tempfile::tempdir().expect("tempdir");
    std::fs::copy(server.ca_pem_path(), only_ca.path().join("corp.pem")).expect("copy");
    let only_ca = only_ca.path().display().to_string();
    for var in [
        "HOIST_CERT",
        "TWINE_CERT",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
    ] {
        let o = upload_tls(&server, &[(var, &ca)]);
        assert_eq!(o.status.code(), Some(0), "{var}: {}", text(&o));
        assert!(
            stderr(&o).contains(&format!("CA bundle: {ca} (from ${var})")),
            "{var}: {}",
            stderr(&o)
        );
    }
    // A directory, as requests (OpenSSL's CApath) takes it.
    let o = upload_tls(&server, &[("REQUESTS_CA_BUNDLE", &only_ca)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // SSL_CERT_FILE, through the system roots.
    let o = upload_tls(&server, &[("SSL_CERT_FILE", &ca)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        stderr(&o).contains("CA bundle: the system's roots ($SSL_CERT_FILE"),
        "{}",
        stderr(&o)
    );
    // None: the throwaway CA is not trusted.
    let o = upload_tls(&server, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).to_lowercase().contains("certificate"),
        "{}",
        text(&o)
    );
    drop(ca_dir);
}

#[test]
fn ca_variables_rank_cert_hoist_twine_requests_curl_and_empty_is_unset() {
    let server = FaultServer::builder()
        .tls()
        .script(vec![Behavior::ok()])
        .start();
    let good = server.ca_pem_path().display().to_string();
    let wrong = server
        .pki()
        .expect("pki")
        .other_ca_pem_path()
        .display()
        .to_string();
    let order = [
        "HOIST_CERT",
        "TWINE_CERT",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
    ];
    // The higher variable names a CA that did not sign the server: it must be the one used,
    // so the upload fails; with the right CA above a wrong one, it succeeds.
    for (i, high) in order.iter().enumerate() {
        for low in &order[i + 1..] {
            let o = upload_tls(&server, &[(high, &wrong), (low, &good)]);
            assert_eq!(o.status.code(), Some(1), "{high} over {low}: {}", text(&o));
            assert!(
                stderr(&o).contains(&format!("(from ${high})")),
                "{}",
                text(&o)
            );
            let o = upload_tls(&server, &[(high, &good), (low, &wrong)]);
            assert_eq!(o.status.code(), Some(0), "{high} over {low}: {}", text(&o));
            // An empty higher variable is unset: the lower one is used.
            let o = upload_tls(&server, &[(high, ""), (low, &good)]);
            assert_eq!(o.status.code(), Some(0), "{high}=\"\", {low}: {}", text(&o));
            assert!(
                stderr(&o).contains(&format!("(from ${low})")),
                "{}",
                text(&o)
            );
        }
    }
    // --cert over every variable.
    let f = fixture("dist/demo-1.0.tar.gz").display().to_string();
    let mut envs: Vec<(&str, &str)> = order.iter().map(|v| (*v, wrong.as_str())).collect();
    envs.push(("HOIST_PASSWORD", "p"));
    let o = upload(&server.url(), "u", &["--cert", &good], &[&f], &envs);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // TWINE_CERT="" alone is unset: the system roots, which do not know the test CA.
    let o = upload_tls(&server, &[("TWINE_CERT", "")]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        stderr(&o).contains("CA bundle: the system's roots"),
        "{}",
        text(&o)
    );
}

// ---------------------------------------------------------------- early answers

/// An index that refuses on the request head: it reads the head, answers, and closes without
/// reading the body, as waitress does past `max_request_body_size` (the kernel then resets the
/// connection, because body bytes are left unread). Counts connections, and how many carried
/// more than `threshold` body bytes before the close (as far as the server read them).
struct EarlyServer {
    url: String,
    connections: Arc<AtomicUsize>,
    _thread: std::thread::JoinHandle<()>,
}

impl EarlyServer {
    fn start(status_line: &'static str, reset_first_without_answer: bool) -> EarlyServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let first = Arc::new(Mutex::new(reset_first_without_answer));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let mut lose_answer = first.lock().unwrap_or_else(|e| e.into_inner());
                if *lose_answer {
                    // The answer lost to the reset: closed with body bytes unread, so the kernel
                    // resets the connection, and no response at all.
                    *lose_answer = false;
                    drop(stream);
                    continue;
                }
                drop(lose_answer);
                let body = format!("{status_line}: refused before reading the upload\n");
                let response = format!(
                    "HTTP/1.1 {status_line}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
                drop(stream);
            }
        });
        EarlyServer {
            url,
            connections,
            _thread: thread,
        }
    }
}

/// A ~40 MB wheel of incompressible data: far more than any socket buffer holds.
fn big_wheel(dir: &Path) -> PathBuf {
    let noise = support::incompressible(40 * 1024 * 1024, 0x2545_f491_4f6c_dd1d);
    Spec::wheel().file("demo/data.bin", &noise).write(dir)
}

fn upload_json(url: &str, file: &Path) -> (Output, serde_json::Value) {
    let f = file.display().to_string();
    let o = upload(
        url,
        "u",
        &["--retries", "3", "--format", "json"],
        &[&f],
        &[("HOIST_PASSWORD", "SECRET-PASSWORD")],
    );
    let v = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o, v)
}

#[test]
fn early_413_401_403_are_reported_as_answered_every_time_and_never_resent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wheel = big_wheel(dir.path());
    for (status_line, runs) in [
        ("413 Request Entity Too Large", 12),
        ("401 Unauthorized", 5),
        ("403 Forbidden", 5),
    ] {
        let code: u64 = status_line[..3].parse().expect("status");
        let server = EarlyServer::start(status_line, false);
        for run in 0..runs {
            let before = server.connections.load(Ordering::SeqCst);
            let (o, v) = upload_json(&server.url, &wheel);
            let all = text(&o);
            assert_eq!(o.status.code(), Some(1), "{status_line} run {run}: {all}");
            let file = &v["files"][0];
            assert_eq!(file["http_status"], code, "{status_line} run {run}: {all}");
            assert_eq!(file["attempts"], 1, "{status_line} run {run}: {all}");
            let lower = all.to_lowercase();
            assert!(
                !lower.contains("broken pipe") && !lower.contains("reset"),
                "{status_line} run {run}: {all}"
            );
            assert!(!all.contains("SECRET-PASSWORD"), "{all}");
            // The body went out once; at most one more connection asked for the answer.
            let used = server.connections.load(Ordering::SeqCst) - before;
            assert!(used <= 2, "{status_line} run {run}: {used} connections");
        }
    }
}

#[test]
fn an_answer_lost_to_the_reset_is_asked_for_without_resending_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wheel = big_wheel(dir.path());
    // The first connection is reset without an answer (what the client sees when the reset
    // overtakes the 413); the index answers the same head again with 413.
    let server = EarlyServer::start("413 Request Entity Too Large", true);
    let (o, v) = upload_json(&server.url, &wheel);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(v["files"][0]["http_status"], 413, "{}", text(&o));
    assert_eq!(v["files"][0]["attempts"], 1, "{}", text(&o));
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

#[test]
fn real_waitress_past_its_body_limit_is_reported_as_413() {
    let python = std::env::var("HOIST_TEST_PYTHON")
        .expect("HOIST_TEST_PYTHON is not set: point it at the test venv's python");
    let dir = tempfile::tempdir().expect("tempdir");
    let wheel = big_wheel(dir.path());
    let script = r#"
import socket, sys, waitress
def app(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
waitress.serve(app, sockets=[s], max_request_body_size=10_000_000, _quiet=True)
"#;
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start waitress");
    let mut port = String::new();
    {
        use std::io::BufRead;
        let out = child.stdout.as_mut().expect("stdout");
        std::io::BufReader::new(out)
            .read_line(&mut port)
            .expect("port");
    }
    let url = format!("http://127.0.0.1:{}/", port.trim());
    let mut failures = Vec::new();
    for run in 0..8 {
        let (o, v) = upload_json(&url, &wheel);
        if v["files"][0]["http_status"] != 413 || v["files"][0]["attempts"] != 1 {
            failures.push(format!("run {run}: {}", text(&o)));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(failures.is_empty(), "{failures:#?}");
}
