//! `hoist upload` against a scripted server on 127.0.0.1 (tests/netsupport): the exact form
//! on the wire, retries (503, 429 with Retry-After, a dropped connection, a stall), an upload
//! that landed before its retry, redirects, TLS with `--cert` and `--client-cert`, and the
//! refusals that happen before anything is sent.

mod netsupport;
mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use netsupport::{Behavior, FaultServer};
use sha2::{Digest, Sha256};
use support::Spec;
use support::run::{hoist, text};

const WAIT: Duration = Duration::from_secs(20);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn upload_to(url: &str, files: &[&Path], extra: &[&str]) -> Output {
    let mut args = vec![
        "upload",
        "--repository-url",
        url,
        "-u",
        "user",
        "--non-interactive",
    ];
    args.extend_from_slice(extra);
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    hoist(&args, &[("HOIST_PASSWORD", "pass-word")])
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_form_on_the_wire() {
    let server = FaultServer::start(vec![Behavior::ok()]);
    let wheel = fixture("dist/demo-1.0-py3-none-any.whl");
    let o = upload_to(&server.url(), &[&wheel], &["--comment", "nightly"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let reqs = server.wait_for_requests(1, WAIT);
    let req = &reqs[0];
    assert_eq!(req.method, "POST");
    assert!(req.complete);
    assert_eq!(
        req.header("content-length")
            .and_then(|v| v.parse::<u64>().ok()),
        Some(req.body_len),
        "Content-Length is exact"
    );
    assert!(
        req.header("transfer-encoding").is_none(),
        "a sized body, not chunked"
    );
    assert_eq!(req.basic_auth(), Some(("user".into(), "pass-word".into())));
    assert!(
        req.header("user-agent")
            .is_some_and(|ua| ua.starts_with("hoist/"))
    );
    let parts = req.multipart().expect("multipart");
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    let content = names
        .iter()
        .position(|n| *n == "content")
        .expect("content part");
    let sha = names
        .iter()
        .position(|n| *n == "sha256_digest")
        .expect("sha256");
    assert!(sha > content, "digests follow the content: {names:?}");
    let file = std::fs::read(&wheel).expect("read");
    let c = &parts[content];
    assert_eq!(c.data, file, "the file arrives byte for byte");
    assert_eq!(c.filename.as_deref(), Some("demo-1.0-py3-none-any.whl"));
    assert_eq!(c.content_type.as_deref(), Some("application/octet-stream"));
    assert_eq!(String::from_utf8_lossy(&parts[sha].data), sha256_hex(&file));
    // Text parts carry no filename (PyPI refuses a file part for any other field).
    assert!(
        parts
            .iter()
            .filter(|p| p.name != "content")
            .all(|p| p.filename.is_none())
    );
    let form: String = parts
        .iter()
        .filter(|p| p.name != "content")
        .map(|p| {
            format!(
                "{}={}\n",
                p.name,
                String::from_utf8_lossy(&p.data).replace('\n', "\\n")
            )
        })
        .collect();
    insta::assert_snapshot!(form);
}

#[test]
fn digests_first_sends_them_before_the_file() {
    let server = FaultServer::start(vec![Behavior::ok()]);
    let o = upload_to(
        &server.url(),
        &[&fixture("dist/demo-1.0.tar.gz")],
        &["--digests-first"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let parts = server.wait_for_requests(1, WAIT)[0]
        .multipart()
        .expect("multipart");
    let pos = |n: &str| parts.iter().position(|p| p.name == n).expect(n);
    assert!(pos("sha256_digest") < pos("content") && pos("blake2_256_digest") < pos("content"));
    assert_eq!(
        parts
            .iter()
            .find(|p| p.name == "pyversion")
            .map(|p| p.data.clone()),
        Some(b"source".to_vec())
    );
}

#[test]
fn a_503_then_200_is_retried() {
    let server = FaultServer::start(vec![
        Behavior::status(503, "Service Unavailable"),
        Behavior::ok(),
    ]);
    let o = upload_to(&server.url(), &[&fixture("dist/demo-1.0.tar.gz")], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(server.wait_for_requests(2, WAIT).len(), 2);
    assert!(text(&o).contains("2 attempts"), "{}", text(&o));
    assert!(
        text(&o).contains("503 Service Unavailable"),
        "the retry says why: {}",
        text(&o)
    );
}

#[test]
fn a_429_waits_for_retry_after() {
    let server = FaultServer::start(vec![Behavior::retry_after(1), Behavior::ok()]);
    let o = upload_to(&server.url(), &[&fixture("dist/demo-1.0.tar.gz")], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let reqs = server.wait_for_requests(2, WAIT);
    assert!(
        reqs[1].received_at - reqs[0].received_at >= Duration::from_millis(950),
        "Retry-After: 1 was honoured"
    );
}

#[test]
fn a_connection_dropped_midway_is_retried() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Big enough that the drop happens while the file is still going out.
    let noise = support::incompressible(2 * 1024 * 1024, 0x9e37_79b9_7f4a_7c15);
    let big = Spec::wheel()
        .file("demo/data.bin", &noise)
        .write(dir.path());
    for drop in [
        Behavior::reset_after(64 * 1024),
        Behavior::close_after(1000),
    ] {
        let server = FaultServer::start(vec![drop, Behavior::ok()]);
        let o = upload_to(&server.url(), &[&big], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        // Between the two uploads hoist may send the head alone, asking for an answer the
        // index might have given before the drop (none came): that request carries no body.
        // It is sent only when the drop came while the body was still going out, which on a
        // loaded machine is not certain (the whole body may sit in socket buffers by then).
        let with_body = |r: &&netsupport::RecordedRequest| r.done && r.body_len > 0;
        let reqs: Vec<_> = server
            .wait_until(WAIT, "two requests with a body", |r| {
                r.iter().filter(with_body).count() >= 2
            })
            .into_iter()
            .filter(|r| r.body_len > 0)
            .collect();
        let states: Vec<(u64, bool)> = reqs.iter().map(|r| (r.body_len, r.complete)).collect();
        assert!(
            !reqs[0].complete && reqs[1].complete,
            "{states:?}\n{}",
            text(&o)
        );
        assert_eq!(
            reqs[1]
                .multipart()
                .expect("multipart")
                .iter()
                .find(|p| p.name == "content")
                .map(|p| p.data.len()),
            Some(std::fs::metadata(&big).expect("stat").len() as usize)
        );
    }
}

#[test]
fn persistent_5xx_fails_the_file_and_stops_the_release() {
    let server = FaultServer::start(vec![Behavior::status(500, "Internal Server Error")]);
    let o = upload_to(
        &server.url(),
        &[
            &fixture("dist/demo-1.0-py3-none-any.whl"),
            &fixture("dist/demo-1.0.tar.gz"),
        ],
        &["--retries", "2", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["files"][0]["status"], "failed");
    assert_eq!(v["files"][0]["attempts"], 3);
    assert_eq!(v["files"][0]["http_status"], 500);
    assert_eq!(v["files"][0]["reason"], "Internal Server Error");
    assert_eq!(
        v["files"][1]["status"], "not_attempted",
        "the sdist never goes out alone"
    );
    let posts = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(
        posts, 3,
        "the file was tried three times, then the index was asked whether it landed"
    );
}

#[test]
fn an_upload_that_landed_before_its_retry_counts_as_uploaded() {
    // The first attempt reaches the index but its answer is lost (502); the retry is told the
    // file already exists; the index's simple API lists it with this file's sha256.
    let f = fixture("dist/demo-1.0.tar.gz");
    let sha = sha256_hex(&std::fs::read(&f).expect("read"));
    let server = FaultServer::start(vec![
        Behavior::status(502, "Bad Gateway"),
        Behavior::status(400, EXISTS),
        simple_page(&[("demo-1.0.tar.gz", &sha)]),
    ]);
    let o = upload_to(&server.url(), &[&f], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("an earlier attempt had landed"),
        "{}",
        text(&o)
    );
    assert_eq!(server.requests()[2].path(), "/simple/demo/");
}

#[test]
fn already_exists_after_a_retry_is_a_failure_unless_the_index_lists_these_bytes() {
    let f = fixture("dist/demo-1.0.tar.gz");
    // Not listed at all (the answer was about something else), or listed with other bytes.
    for (listing, hint) in [
        (simple_page(&[]), "does not list it"),
        (
            simple_page(&[("demo-1.0.tar.gz", &"0".repeat(64))]),
            "a different demo-1.0.tar.gz",
        ),
    ] {
        let server = FaultServer::start(vec![
            Behavior::status(502, "Bad Gateway"),
            Behavior::status(400, EXISTS),
            listing,
        ]);
        let o = upload_to(&server.url(), &[&f], &[]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(text(&o).contains(hint), "{}", text(&o));
    }
}

#[test]
fn skip_existing_needs_the_index_to_list_the_file() {
    // A 409 about something else (PyPI: a project-name race) must not become "skipped".
    let f = fixture("dist/demo-1.0.tar.gz");
    let server = FaultServer::start(vec![
        simple_page(&[]),
        Behavior::status(409, "Conflict"),
        simple_page(&[]),
    ]);
    let o = upload_to(&server.url(), &[&f], &["--skip-existing"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("does not list it"), "{}", text(&o));
}

#[test]
fn a_stalled_large_upload_is_abandoned_promptly() {
    // Large enough that the connection, not the queue, holds the unsent part.
    let dir = tempfile::tempdir().expect("tempdir");
    let noise = support::incompressible(24 * 1024 * 1024, 0x2545_f491_4f6c_dd1d);
    let big = Spec::wheel()
        .file("demo/data.bin", &noise)
        .write(dir.path());
    let server = FaultServer::start(vec![Behavior::StallBeforeBody]);
    let started = std::time::Instant::now();
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "u",
            "--retries",
            "0",
            "--non-interactive",
            &big.display().to_string(),
        ],
        &[("HOIST_PASSWORD", "p"), ("HOIST_STALL_TIMEOUT", "2")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("stalled"), "{}", text(&o));
    // A hang guard, not a speed target: the run must not wait on the blocked connection.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

const EXISTS: &str = "File already exists ('demo-1.0.tar.gz', with blake2_256 hash 'x'). See https://pypi.org/help/#file-name-reuse for more information.";

/// A PEP 691 simple-API page listing (filename, sha256) pairs.
fn simple_page(files: &[(&str, &str)]) -> Behavior {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|(name, sha)| serde_json::json!({"filename": name, "url": name, "hashes": {"sha256": sha}}))
        .collect();
    let page = serde_json::json!({"meta": {"api-version": "1.0"}, "name": "demo", "files": files});
    Behavior::Respond(
        netsupport::Reply::ok()
            .header("Content-Type", "application/vnd.pypi.simple.v1+json")
            .body(page.to_string()),
    )
}

#[test]
fn already_exists_without_skip_existing_is_a_failure_with_a_hint() {
    let reason = "File already exists ('demo-1.0.tar.gz', with blake2_256 hash 'x'). See https://pypi.org/help/#file-name-reuse for more information.";
    let server = FaultServer::start(vec![Behavior::status(400, reason)]);
    let f = fixture("dist/demo-1.0.tar.gz");
    let o = upload_to(&server.url(), &[&f], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains(reason),
        "PyPI's reason verbatim: {}",
        text(&o)
    );
    assert!(text(&o).contains("--skip-existing"));
    let o = upload_to(&server.url(), &[&f], &["--skip-existing"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("skipped"), "{}", text(&o));
}

#[test]
fn pypi_rejections_are_printed_verbatim() {
    let reason = "'Foo :: Bar' is not a valid classifier. See https://packaging.python.org/specifications/core-metadata for more information.";
    let server = FaultServer::start(vec![Behavior::status(400, reason)]);
    let o = upload_to(&server.url(), &[&fixture("dist/demo-1.0.tar.gz")], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains(&format!("400 {reason}")), "{}", text(&o));
    assert!(text(&o).contains("demo-1.0.tar.gz"));
}

#[test]
fn redirects() {
    let f = fixture("dist/demo-1.0.tar.gz");
    // The classic missing slash: explained, not followed.
    let server = FaultServer::start(vec![Behavior::redirect(301, "/legacy/")]);
    let o = upload_to(&server.url_for("/legacy"), &[&f], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("missing its trailing slash"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains(&server.url_for("/legacy/")),
        "names the right URL: {}",
        text(&o)
    );
    assert_eq!(server.requests().len(), 1);
    // 308 on the same host: followed, credentials and all.
    let server = FaultServer::start(vec![Behavior::redirect(308, "/elsewhere/"), Behavior::ok()]);
    let o = upload_to(&server.url(), &[&f], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let reqs = server.wait_for_requests(2, WAIT);
    assert_eq!(reqs[1].path(), "/elsewhere/");
    // 307 to another host: never followed (the credentials would go with it).
    let other = FaultServer::start(vec![Behavior::ok()]);
    let server = FaultServer::start(vec![Behavior::redirect(307, &other.localhost_url())]);
    let o = upload_to(&server.url(), &[&f], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("another host"), "{}", text(&o));
    assert!(other.requests().is_empty());
}

#[test]
fn a_stalled_upload_is_abandoned() {
    let server = FaultServer::start(vec![Behavior::Stall]);
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "u",
            "--retries",
            "0",
            "--non-interactive",
            &fixture("dist/demo-1.0.tar.gz").display().to_string(),
        ],
        &[("HOIST_PASSWORD", "p"), ("HOIST_STALL_TIMEOUT", "2")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("no answer within 2s"), "{}", text(&o));
}

#[test]
fn tls_with_a_custom_ca_and_client_certificates() {
    let f = fixture("dist/demo-1.0.tar.gz");
    let server = FaultServer::builder()
        .tls()
        .script(vec![Behavior::ok()])
        .start();
    let ca = server.ca_pem_path().display().to_string();
    let o = upload_to(&server.url(), &[&f], &["--cert", &ca]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Without the CA the certificate is not trusted, and the hint says what to do.
    let o = upload_to(&server.url(), &[&f], &["--retries", "0"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("--cert"), "{}", text(&o));
    // TWINE_CERT works as --cert does.
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "u",
            "--non-interactive",
            &f.display().to_string(),
        ],
        &[("HOIST_PASSWORD", "p"), ("TWINE_CERT", &ca)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // mTLS.
    let server = FaultServer::builder()
        .mtls()
        .script(vec![Behavior::ok()])
        .start();
    let pki = server.pki().expect("pki");
    let o = upload_to(
        &server.url(),
        &[&f],
        &[
            "--cert",
            &pki.ca_pem_path().display().to_string(),
            "--client-cert",
            &pki.client_pem_path().display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(server.wait_for_requests(1, WAIT)[0].client_cert);
}

#[test]
fn nothing_is_sent_when_the_check_fails_or_the_configuration_is_wrong() {
    let server = FaultServer::start(vec![Behavior::ok()]);
    let bad = fixture("bad/M020-invalid-classifier/demo-1.0-py3-none-any.whl");
    let o = upload_to(
        &server.url(),
        &[&fixture("dist/demo-1.0.tar.gz"), &bad],
        &[],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("nothing was uploaded"));
    assert!(text(&o).contains("M020"));
    // Credentials never go over plain http to another machine.
    let o = upload_to(
        "http://example.invalid/legacy/",
        &[&fixture("dist/demo-1.0.tar.gz")],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("refusing to send credentials"),
        "{}",
        text(&o)
    );
    // Non-interactive without a password.
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "u",
            "--non-interactive",
            &fixture("dist/demo-1.0.tar.gz").display().to_string(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("no password for"), "{}", text(&o));
    // A broken .pypirc names the line and never shows it.
    let dir = tempfile::tempdir().expect("tempdir");
    let rc = dir.path().join("pypirc");
    std::fs::write(
        &rc,
        "[distutils]\nindex-servers = pypi\npypi-AgEIcHlwaS5vcmcBARE-TOKEN-LINE\n",
    )
    .expect("write");
    let o = hoist(
        &[
            "upload",
            "--config-file",
            rc.to_str().expect("utf-8"),
            "--non-interactive",
            &fixture("dist/demo-1.0.tar.gz").display().to_string(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains(":3:"), "{}", text(&o));
    assert!(!text(&o).contains("BARE-TOKEN"), "{}", text(&o));
    assert!(server.requests().is_empty(), "nothing reached the server");
    // --no-check sends a file the check rejects.
    let o = upload_to(&server.url(), &[&bad], &["--no-check"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn dry_run_needs_no_credentials_and_sends_nothing() {
    let server = FaultServer::start(vec![Behavior::ok()]);
    let o = hoist(
        &[
            "upload",
            "--dry-run",
            "--repository-url",
            &server.url(),
            "--format",
            "json",
            &fixture("dist/demo-1.0-py3-none-any.whl")
                .display()
                .to_string(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let r = &v["requests"][0];
    assert_eq!(r["method"], "POST");
    assert_eq!(r["filename"], "demo-1.0-py3-none-any.whl");
    assert_eq!(r["digests"]["sha256"].as_str().map(str::len), Some(64));
    assert!(
        r["content_length"]
            .as_u64()
            .is_some_and(|n| n > r["size"].as_u64().unwrap_or(0))
    );
    assert!(server.requests().is_empty());
}

#[test]
fn the_keyring_is_asked_only_when_interactive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let log = dir.path().join("keyring.log");
    // A stand-in for Python's keyring CLI: `keyring get SERVICE USERNAME`.
    let script = format!(
        "#!/bin/sh\necho \"$@\" >> {}\nif [ \"$1\" = get ] && [ \"$3\" = alice ]; then echo from-the-keyring; exit 0; fi\nexit 1\n",
        log.display()
    );
    let keyring = bin.join("keyring");
    std::fs::write(&keyring, script).expect("write keyring");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&keyring, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let server = FaultServer::start(vec![Behavior::ok()]);
    let f = fixture("dist/demo-1.0.tar.gz").display().to_string();
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "alice",
            &f,
        ],
        &[("PATH", &path)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        server.wait_for_requests(1, WAIT)[0].basic_auth(),
        Some(("alice".into(), "from-the-keyring".into()))
    );
    let asked = std::fs::read_to_string(&log).expect("keyring was run");
    assert_eq!(asked.trim(), format!("get {} alice", server.url()));
    // Non-interactive: the keyring is not asked, and the missing password is an error.
    std::fs::remove_file(&log).expect("rm");
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "alice",
            "--non-interactive",
            &f,
        ],
        &[("PATH", &path)],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        !log.exists(),
        "the keyring must not be asked in non-interactive mode"
    );
    // Interactive, no keyring answer, no terminal: an error, never a hang on a prompt.
    let o = hoist(
        &["upload", "--repository-url", &server.url(), "-u", "bob", &f],
        &[("PATH", &path)],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no password for"), "{}", text(&o));
}

#[test]
fn the_proxy_variables_are_honoured() {
    // The fault server plays an HTTP proxy; the index address has nothing listening on it, so
    // the upload can only succeed through the proxy.
    let proxy = FaultServer::start(vec![Behavior::ok()]);
    let f = fixture("dist/demo-1.0.tar.gz").display().to_string();
    let index = "http://127.0.0.2:9/legacy/";
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            index,
            "-u",
            "u",
            "--non-interactive",
            "--retries",
            "0",
            &f,
        ],
        &[("HOIST_PASSWORD", "p"), ("HTTP_PROXY", &proxy.url())],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let reqs = proxy.wait_for_requests(1, WAIT);
    assert_eq!(reqs[0].target, index, "the proxy got the absolute URL");
    // NO_PROXY sends it direct, where nothing listens.
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            index,
            "-u",
            "u",
            "--non-interactive",
            "--retries",
            "0",
            &f,
        ],
        &[
            ("HOIST_PASSWORD", "p"),
            ("HTTP_PROXY", &proxy.url()),
            ("NO_PROXY", "127.0.0.2"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(proxy.requests().len(), 1);
}

#[test]
fn the_summary_a_person_reads_after_a_failure() {
    let reason = "'Foo :: Bar' is not a valid classifier. See https://packaging.python.org/specifications/core-metadata for more information.";
    let server = FaultServer::start(vec![Behavior::ok(), Behavior::status(400, reason)]);
    let o = upload_to(
        &server.url(),
        &[
            &fixture("dist/tomli-2.0.1-py3-none-any.whl"),
            &fixture("dist/six-1.16.0-py2.py3-none-any.whl"),
            &fixture("dist/six-1.16.0.tar.gz"),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let stdout =
        String::from_utf8_lossy(&o.stdout).replace(&server.url(), "http://127.0.0.1:PORT/");
    insta::assert_snapshot!(stdout);
}

// Lookups (the simple API) are retried like uploads: issue 16.

#[test]
fn a_503_on_the_confirming_lookup_is_retried_and_the_file_confirmed() {
    // The answer to the upload is lost (502), the retry is told 409, the lookup that confirms
    // the file gets one 503: retried, it shows the same sha256, so the file is uploaded, not
    // "failed (409 Conflict)".
    let f = fixture("dist/demo-1.0.tar.gz");
    let sha = sha256_hex(&std::fs::read(&f).expect("read"));
    let server = FaultServer::start(vec![
        Behavior::status(502, "Bad Gateway"),
        Behavior::status(409, "Conflict"),
        Behavior::status(503, "Service Unavailable"),
        simple_page(&[("demo-1.0.tar.gz", &sha)]),
    ]);
    let o = upload_to(&server.url(), &[&f], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("an earlier attempt had landed"),
        "{}",
        text(&o)
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    // The same page asked again, not another URL after one failure.
    assert_eq!(reqs[2].path(), "/simple/demo/");
    assert_eq!(reqs[3].path(), "/simple/demo/");
}

#[test]
fn lookup_failures_of_every_kind_are_retried() {
    // Before the upload, with --skip-existing: a reset, a 429 with Retry-After and a stall, then
    // the page: the file is skipped, and nothing is sent.
    let f = fixture("dist/demo-1.0.tar.gz");
    let sha = sha256_hex(&std::fs::read(&f).expect("read"));
    let server = FaultServer::start(vec![
        Behavior::reset_after(0),
        Behavior::retry_after(1),
        Behavior::Stall,
        simple_page(&[("demo-1.0.tar.gz", &sha)]),
    ]);
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "u",
            "--non-interactive",
            "--skip-existing",
            &f.display().to_string(),
        ],
        &[("HOIST_PASSWORD", "p"), ("HOIST_STALL_TIMEOUT_MS", "800")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("skipped"), "{}", text(&o));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4, "{reqs:?}");
    assert!(reqs.iter().all(|r| r.method == "GET"));
    assert!(
        reqs[2].received_at.duration_since(reqs[1].received_at) >= Duration::from_millis(900),
        "Retry-After: 1 was honoured"
    );
}

#[test]
fn a_lookup_that_keeps_failing_leaves_the_file_unconfirmed() {
    // The lookup gets 503 every time: each retry of --retries is used, then the file is
    // reported as failed and unconfirmed (it may have landed), never as uploaded.
    let f = fixture("dist/demo-1.0.tar.gz");
    let server = FaultServer::start(vec![
        Behavior::status(502, "Bad Gateway"),
        Behavior::status(409, "Conflict"),
        Behavior::status(503, "Service Unavailable"),
    ]);
    let o = upload_to(&server.url(), &[&f], &["--retries", "2"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("Unconfirmed"), "{}", text(&o));
    assert!(text(&o).contains("may be on the index"), "{}", text(&o));
    let gets = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    // Two candidate URLs (/simple/ and /+simple/), each tried 1 + 2 times.
    assert_eq!(gets, 6, "{}", text(&o));
}

#[test]
fn a_project_the_index_does_not_have_is_absent_not_unreadable() {
    // 404 for the project, and the index root answers: the file is not there, so --skip-existing
    // uploads it.
    let f = fixture("dist/demo-1.0.tar.gz");
    let server = FaultServer::start(vec![
        Behavior::status(404, "Not Found"),
        Behavior::status(200, "OK"),
        Behavior::ok(),
    ]);
    let o = upload_to(&server.url(), &[&f], &["--skip-existing"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let reqs = server.requests();
    let seen: Vec<(&str, &str)> = reqs.iter().map(|r| (r.method.as_str(), r.path())).collect();
    assert_eq!(
        seen,
        [("GET", "/simple/demo/"), ("GET", "/simple/"), ("POST", "/")]
    );
    // A redirect to another host (pypiserver's fallback to PyPI) is "not here" as well.
    // Then a 409 about something else is not "skipped": the index does not list the file.
    let server = FaultServer::start(vec![
        Behavior::redirect(303, "https://pypi.invalid/simple/demo/"),
        Behavior::status(200, "OK"),
        Behavior::status(409, "Conflict"),
        Behavior::redirect(303, "https://pypi.invalid/simple/demo/"),
    ]);
    let o = upload_to(&server.url(), &[&f], &["--skip-existing"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("does not list it"), "{}", text(&o));
    assert!(!text(&o).contains("Unconfirmed"), "{}", text(&o));
}

// Ctrl-C (SIGINT): no new file starts, the file in flight finishes or is abandoned cleanly, the
// summary so far is printed, and the exit status is 130.

fn wheels(dir: &Path, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            Spec::wheel()
                .named(&format!("demo-1.0-{i}-py3-none-any.whl"))
                .write(dir)
                .display()
                .to_string()
        })
        .collect()
}

/// `hoist upload` of `files` to `url`, running (its output piped).
fn spawn_upload(url: &str, files: &[String]) -> std::process::Child {
    let mut args = vec![
        "upload",
        "--repository-url",
        url,
        "-u",
        "u",
        "--non-interactive",
    ];
    args.extend(files.iter().map(String::as_str));
    support::run::command(&args, &[("HOIST_PASSWORD", "p")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn hoist")
}

fn interrupt(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

#[test]
fn ctrl_c_lets_the_file_in_flight_finish_and_starts_no_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = wheels(dir.path(), 4);
    // The first answer takes 2 s: Ctrl-C comes while it is in flight.
    let server = FaultServer::start(vec![
        Behavior::Respond(netsupport::Reply::ok().after(Duration::from_secs(2))),
        Behavior::ok(),
    ]);
    let child = spawn_upload(&server.url(), &files);
    server.wait_for_requests(1, WAIT);
    interrupt(&child);
    let o = child.wait_with_output().expect("wait");
    let out = text(&o);
    assert_eq!(o.status.code(), Some(130), "{out}");
    assert!(out.contains("Interrupted"), "{out}");
    assert!(
        out.contains("1 uploaded, 0 skipped, 0 failed, 3 not attempted"),
        "{out}"
    );
    assert!(
        out.contains("interrupted (Ctrl-C) before it started"),
        "{out}"
    );
    assert_eq!(server.requests().len(), 1, "no new file started");
}

#[test]
fn ctrl_c_abandons_a_retry_pause() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = wheels(dir.path(), 2);
    // Retry-After: 50 s; Ctrl-C must not wait for it.
    let server = FaultServer::start(vec![Behavior::retry_after(50)]);
    let child = spawn_upload(&server.url(), &files);
    server.wait_for_requests(1, WAIT);
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    interrupt(&child);
    let o = child.wait_with_output().expect("wait");
    let out = text(&o);
    assert_eq!(o.status.code(), Some(130), "{out}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}: {out}",
        started.elapsed()
    );
    assert!(
        out.contains("interrupted (Ctrl-C) before its next attempt"),
        "{out}"
    );
    assert!(
        out.contains("0 uploaded, 0 skipped, 1 failed, 1 not attempted"),
        "{out}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn files_of_one_project_in_flight_together_share_one_lookup() {
    // Seen in the soak's server logs once lookups were retried outside the cache's lock: with
    // --jobs 8, each wheel of a project read its simple page (and the index root) itself. The
    // first read is shared: 1 GET, then the 4 uploads.
    let dir = tempfile::tempdir().expect("tempdir");
    let files = wheels(dir.path(), 4);
    let server = FaultServer::start(vec![simple_page(&[]), Behavior::ok()]);
    let url = server.url();
    let mut args = vec![
        "upload",
        "--repository-url",
        &url,
        "-u",
        "u",
        "--non-interactive",
        "--skip-existing",
        "--jobs",
        "4",
    ];
    args.extend(files.iter().map(String::as_str));
    let o = hoist(&args, &[("HOIST_PASSWORD", "p")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let methods: Vec<String> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(
        methods,
        ["GET", "POST", "POST", "POST", "POST"],
        "{}",
        text(&o)
    );
}

#[test]
fn the_audience_request_is_retried_after_retry_after() {
    // Trusted publishing asks the index for its audience first: a 429 with Retry-After: 1 is
    // retried after a second, like an upload; the 404 then says the index has no trusted
    // publishing.
    let server = FaultServer::start(vec![
        Behavior::retry_after(1),
        Behavior::status(404, "Not Found"),
    ]);
    let url = server.url();
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &url,
            "--non-interactive",
            "--trusted-publishing",
            "always",
            &fixture("dist/demo-1.0.tar.gz").display().to_string(),
        ],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/token"),
            ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token"),
        ],
    );
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("does not offer trusted publishing"),
        "{}",
        text(&o)
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "{}", text(&o));
    assert!(reqs.iter().all(|r| r.path() == "/_/oidc/audience"));
    assert!(
        reqs[1].received_at.duration_since(reqs[0].received_at) >= Duration::from_millis(950),
        "Retry-After: 1 was honoured"
    );
}

#[test]
fn ctrl_c_abandons_a_lookup_and_its_file_never_starts() {
    // --skip-existing asks the index first; the page answers 503 with Retry-After: 50. Ctrl-C
    // then: nothing is uploaded, the file is "not attempted", and hoist exits 130 at once.
    let dir = tempfile::tempdir().expect("tempdir");
    let files = wheels(dir.path(), 1);
    let server = FaultServer::start(vec![Behavior::Respond(
        netsupport::Reply::new(503, "Service Unavailable").header("Retry-After", "50"),
    )]);
    let mut args = vec![
        "upload",
        "--repository-url",
        &server.url(),
        "-u",
        "u",
        "--non-interactive",
        "--skip-existing",
    ]
    .into_iter()
    .map(str::to_string)
    .collect::<Vec<_>>();
    args.extend(files.iter().cloned());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let child = support::run::command(&refs, &[("HOIST_PASSWORD", "p")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn hoist");
    server.wait_for_requests(1, WAIT);
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    interrupt(&child);
    let o = child.wait_with_output().expect("wait");
    let out = text(&o);
    assert_eq!(o.status.code(), Some(130), "{out}");
    assert!(started.elapsed() < Duration::from_secs(20), "{out}");
    assert!(
        out.contains("0 uploaded, 0 skipped, 0 failed, 1 not attempted"),
        "{out}"
    );
    assert!(server.requests().iter().all(|r| r.method == "GET"), "{out}");
}

/// Nothing listening at the index's port: said once, in plain words, with what to check; not
/// retried (a refused connection does not heal in seconds), for the upload and for the lookup
/// `--skip-existing` makes first.
#[test]
fn a_refused_connection_is_said_once_in_plain_words() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}/");
    for extra in [&[][..], &["--skip-existing"][..]] {
        let o = upload_to(&url, &[&fixture("dist/demo-1.0.tar.gz")], extra);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(1), "{out}");
        assert!(
            out.contains(&format!(
                "cannot connect to 127.0.0.1:{port}: connection refused"
            )),
            "{out}"
        );
        assert!(
            out.contains("hint: Nothing answers there: check the host and port"),
            "{out}"
        );
        assert!(!out.contains("Retrying"), "retried: {out}");
        assert!(!out.contains("error sending request"), "{out}");
    }
}

/// The fixture directory, the server's port and the timings, as fixed words.
fn redact(out: &[u8], server: &FaultServer) -> String {
    let t = String::from_utf8_lossy(out)
        .replace(&server.url(), "http://127.0.0.1:PORT/")
        .replace(&fixture("dist").display().to_string(), "FIXTURES/dist");
    let elapsed = regex::Regex::new(r#""elapsed_ms": \d+"#).expect("regex");
    elapsed.replace_all(&t, r#""elapsed_ms": N"#).into_owned()
}

/// The rest of what a person and a machine read from a run with a refusal (the JSON report, and
/// stderr of both formats) and from a dry run, pinned so a refactor shows any change as a diff.
#[test]
fn the_reports_after_a_failure_and_of_a_dry_run_are_pinned() {
    let reason = "'Foo :: Bar' is not a valid classifier. See https://packaging.python.org/specifications/core-metadata for more information.";
    let files = [
        fixture("dist/tomli-2.0.1-py3-none-any.whl"),
        fixture("dist/six-1.16.0-py2.py3-none-any.whl"),
        fixture("dist/six-1.16.0.tar.gz"),
    ];
    let files: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    for (name, extra) in [("human", vec![]), ("json", vec!["--format", "json"])] {
        let server = FaultServer::start(vec![Behavior::ok(), Behavior::status(400, reason)]);
        let o = upload_to(&server.url(), &files, &extra);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        if name == "json" {
            insta::assert_snapshot!("failure_json_stdout", redact(&o.stdout, &server));
        }
        insta::assert_snapshot!(format!("failure_{name}_stderr"), redact(&o.stderr, &server));
    }
    for (name, extra) in [
        ("human", vec!["--dry-run", "--comment", "nightly"]),
        ("json", vec!["--dry-run", "--format", "json"]),
    ] {
        let server = FaultServer::start(vec![Behavior::ok()]);
        let o = upload_to(&server.url(), &files, &extra);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        insta::assert_snapshot!(format!("dry_run_{name}_stdout"), redact(&o.stdout, &server));
        insta::assert_snapshot!(format!("dry_run_{name}_stderr"), redact(&o.stderr, &server));
        assert!(server.requests().is_empty());
    }
    // The check refuses a file: nothing is sent, the report goes to stderr.
    let server = FaultServer::start(vec![Behavior::ok()]);
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = Spec::wheel()
        .named("bad-1.0-py3-none-any.whl")
        .set("Name", "bad")
        .set("Version", "1.0")
        .set("Classifier", "Foo :: Bar")
        .write(dir.path());
    let o = upload_to(&server.url(), &[&bad, files[0]], &[]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let stderr = redact(&o.stderr, &server).replace(&dir.path().display().to_string(), "TMP");
    insta::assert_snapshot!("check_refused_stderr", stderr);
    assert!(o.stdout.is_empty());
    assert!(server.requests().is_empty());
}
