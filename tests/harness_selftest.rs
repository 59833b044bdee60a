//! Tests of the upload-test harness itself, with none of hoist's upload code: the FaultServer
//! (script order, verbatim reason phrases, recording, multipart parsing, dropped and stalled
//! connections, TLS and mTLS with the generated CA), the NullSink, and the real pypiserver and
//! devpi-server that scripts/test starts. Those last tests fail, saying to run scripts/test,
//! when the servers' variables are missing.

mod netsupport;
mod support;

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use netsupport::servers::{self, IndexServer};
use netsupport::{Behavior, FaultServer, NullSink, Reply, client, multipart, tls};
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn records_a_multipart_upload_part_by_part() {
    let server = FaultServer::start(vec![Behavior::ok()]);
    // Binary content holding CRLFs, a near-miss of the delimiter, NUL and 0xFF.
    let content = b"PK\x03\x04 binary\r\n--b0undar\r\n\0\xff end".to_vec();
    let (content_type, body) = multipart::build(
        "b0undary",
        &[
            (":action", None, None, b"file_upload"),
            ("name", None, None, b"demo"),
            ("classifiers", None, None, b"A :: B"),
            ("classifiers", None, None, b"C :: D"),
            (
                "content",
                Some("demo-1.0-py3-none-any.whl"),
                Some("application/octet-stream"),
                &content,
            ),
        ],
    );
    let auth = client::basic_auth("__token__", "pypi-AgEI:x=y");
    let resp = client::request(
        &server.url_for("/legacy/?x=1"),
        "POST",
        &[("Content-Type", &content_type), ("Authorization", &auth)],
        &body,
    )
    .expect("POST to the fault server");
    assert_eq!((resp.status, resp.reason.as_str()), (200, "OK"));

    let requests = server.wait_for_requests(1, WAIT);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/legacy/?x=1");
    assert_eq!((r.path(), r.query()), ("/legacy/", Some("x=1")));
    assert!(r.complete);
    assert_eq!(r.body_len, body.len() as u64);
    assert_eq!(r.body, body);
    assert_eq!(r.header("content-type"), Some(content_type.as_str()));
    assert_eq!(
        r.basic_auth(),
        Some(("__token__".to_string(), "pypi-AgEI:x=y".to_string()))
    );

    let parts = r.multipart().expect("parse the recorded body");
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [":action", "name", "classifiers", "classifiers", "content"]
    );
    assert_eq!(
        multipart::values(&parts, "classifiers"),
        ["A :: B", "C :: D"]
    );
    assert_eq!(
        multipart::text_fields(&parts)[0],
        (":action".to_string(), "file_upload".to_string())
    );
    let file = &parts[4];
    assert_eq!(file.filename.as_deref(), Some("demo-1.0-py3-none-any.whl"));
    assert_eq!(
        file.content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(file.data, content);
    assert_eq!(parts[1].filename, None);
}

#[test]
fn basic_auth_survives_every_padding_length() {
    let server = FaultServer::start(vec![]);
    for password in ["p", "pw", "pwd", "pypi-Ag€:é"] {
        let auth = client::basic_auth("user", password);
        client::request(&server.url(), "GET", &[("Authorization", &auth)], b"").unwrap();
    }
    let got: Vec<String> = server
        .wait_for_requests(4, WAIT)
        .iter()
        .map(|r| r.basic_auth().expect("basic auth").1)
        .collect();
    assert_eq!(got, ["p", "pw", "pwd", "pypi-Ag€:é"]);
}

#[test]
fn plays_the_script_in_order_and_sends_reason_phrases_verbatim() {
    let pypi_reason = "File already exists ('demo-1.0.tar.gz', with blake2_256 hash 'ab12'). \
                       See https://pypi.org/help/#file-name-reuse for more information.";
    let server = FaultServer::start(vec![
        Behavior::status(400, pypi_reason),
        Behavior::redirect(301, "https://example.invalid/legacy/"),
        Behavior::retry_after(7),
        Behavior::Respond(
            Reply::new(599, "")
                .header("X-Custom", "yes")
                .body("tail")
                .after(Duration::from_millis(200)),
        ),
        Behavior::ok(),
    ]);
    let post = || client::request(&server.url(), "POST", &[], b"x").expect("POST");

    let r = post();
    assert_eq!((r.status, r.reason.as_str()), (400, pypi_reason));
    let r = post();
    assert_eq!((r.status, r.reason.as_str()), (301, "Moved Permanently"));
    assert_eq!(
        r.header("location"),
        Some("https://example.invalid/legacy/")
    );
    let r = post();
    assert_eq!((r.status, r.reason.as_str()), (429, "Too Many Requests"));
    assert_eq!(r.header("retry-after"), Some("7"));
    let started = Instant::now();
    let r = post();
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "the delay was skipped"
    );
    assert_eq!(
        (r.status, r.reason.as_str(), r.text()),
        (599, "", "tail".into())
    );
    assert_eq!(r.header("x-custom"), Some("yes"));
    // The last behaviour repeats.
    for _ in 0..2 {
        assert_eq!(post().status, 200);
    }
    let requests = server.requests();
    let indexes: Vec<usize> = requests.iter().map(|r| r.index).collect();
    assert_eq!(indexes, [0, 1, 2, 3, 4, 5]);
    assert!(
        requests
            .windows(2)
            .all(|w| w[0].received_at <= w[1].received_at)
    );
    assert_eq!(server.connections(), 6);
}

#[test]
fn keeps_connections_alive_and_decodes_chunked_bodies() {
    let server = FaultServer::start(vec![Behavior::ok()]);
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        .unwrap();
    assert_eq!(client::read_response(&mut s).unwrap().status, 200);
    s.write_all(
        b"POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
    )
    .unwrap();
    s.write_all(b"3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nTrailer: t\r\n\r\n")
        .unwrap();
    // read_response skips the 100 Continue.
    assert_eq!(client::read_response(&mut s).unwrap().status, 200);

    let requests = server.wait_for_requests(2, WAIT);
    assert_eq!(requests[0].body, b"hello");
    assert_eq!(requests[1].body, b"abcdefg");
    assert!(requests.iter().all(|r| r.complete && r.connection == 0));
    assert_eq!(server.connections(), 1);
}

#[test]
fn drops_the_connection_after_k_body_bytes() {
    let server = FaultServer::start(vec![Behavior::reset_after(1000), Behavior::close_after(10)]);

    // A body far larger than the socket buffers: the client's write fails with the reset.
    let big = vec![b'x'; 8 << 20];
    let result = client::request(&server.url(), "POST", &[], &big);
    assert!(result.is_err(), "expected a reset, got {result:?}");
    let r = &server.wait_for_requests(1, WAIT)[0];
    assert_eq!((r.body_len, r.complete), (1000, false));
    assert_eq!(r.body, vec![b'x'; 1000]);

    // A small body: the client sees the connection end with no answer.
    let result = client::request(&server.url(), "POST", &[], b"0123456789abcdef");
    assert!(result.is_err(), "expected no answer, got {result:?}");
    let r = &server.wait_for_requests(2, WAIT)[1];
    assert_eq!((r.body.as_slice(), r.complete), (&b"0123456789"[..], false));
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[test]
fn stalls_after_the_body_and_before_it() {
    let server = FaultServer::start(vec![Behavior::Stall, Behavior::StallBeforeBody]);

    // Stall: the body is read, no answer comes.
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        .unwrap();
    let err = s
        .read(&mut [0u8; 16])
        .expect_err("no answer to a stalled request");
    assert!(is_timeout(&err), "{err:?}");
    let r = &server.wait_for_requests(1, WAIT)[0];
    assert!(r.complete);
    assert_eq!(r.body, b"abc");

    // StallBeforeBody: nothing is read, so the client's writes stop once the buffers fill.
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_write_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let total: usize = 256 << 20;
    s.write_all(
        format!("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {total}\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut sent = 0;
    let err = loop {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            Err(e) => break e,
        }
        assert!(sent < total, "the whole body went through a stalled server");
    };
    assert!(is_timeout(&err), "{err:?}");
    let r = &server.wait_for_requests(2, WAIT)[1];
    assert_eq!((r.body_len, r.complete, r.done), (0, false, true));
}

#[test]
fn answers_before_the_body_and_sends_raw_bytes() {
    let server = FaultServer::start(vec![
        Behavior::RespondBeforeBody(Reply::new(413, "Request Entity Too Large")),
        Behavior::Raw(b"HTTP/1.1 502 Bad Gateway\r\n\r\nnot json".to_vec()),
    ]);
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")
        .unwrap();
    let r = client::read_response(&mut s).unwrap();
    assert_eq!(
        (r.status, r.reason.as_str()),
        (413, "Request Entity Too Large")
    );
    assert_eq!(r.header("connection"), Some("close"));
    drop(s);

    let r = client::request(&server.url(), "POST", &[], b"abc").unwrap();
    assert_eq!((r.status, r.text()), (502, "not json".to_string()));
    let requests = server.wait_for_requests(2, WAIT);
    assert!(!requests[0].complete);
    assert!(requests[1].complete);
}

#[test]
fn wait_for_requests_times_out_with_what_arrived() {
    let server = FaultServer::start(vec![]);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        server.wait_for_requests(1, Duration::from_millis(50));
    }))
    .expect_err("no request came");
    let msg = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("timed out"), "{msg}");
}

/// One GET over TLS to the server, naming it `host`, with the given client configuration.
fn tls_get(
    server: &FaultServer,
    host: &str,
    config: Arc<ClientConfig>,
) -> io::Result<client::Response> {
    let name = ServerName::try_from(host.to_string()).expect("server name");
    let conn = rustls::ClientConnection::new(config, name).map_err(io::Error::other)?;
    let tcp = TcpStream::connect(server.addr())?;
    tcp.set_read_timeout(Some(WAIT))?;
    tcp.set_write_timeout(Some(WAIT))?;
    let mut stream = rustls::StreamOwned::new(conn, tcp);
    client::request_on(&mut stream, host, "GET", "/simple/", &[], b"")
}

/// A client trusting exactly the certificates of a PEM file, as `--cert FILE` would.
fn trusting(
    pem: &std::path::Path,
) -> rustls::ConfigBuilder<ClientConfig, rustls::client::WantsClientCert> {
    let mut roots = RootCertStore::empty();
    for cert in tls::load_certs(pem) {
        roots.add(cert).expect("add a CA from the PEM file");
    }
    ClientConfig::builder_with_provider(tls::provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
}

fn wait_for_tls_failures(server: &FaultServer, n: usize) -> Vec<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let failures = server.tls_failures();
        if failures.len() >= n || Instant::now() > deadline {
            return failures;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn tls_server_is_trusted_through_the_generated_ca_file() {
    let server = FaultServer::builder()
        .tls()
        .script(vec![Behavior::Respond(Reply::ok().body("secure"))])
        .start();
    assert!(
        server.url().starts_with("https://127.0.0.1:"),
        "{}",
        server.url()
    );
    assert!(server.localhost_url().starts_with("https://localhost:"));

    let config = Arc::new(trusting(server.ca_pem_path()).with_no_client_auth());
    for host in ["127.0.0.1", "localhost"] {
        let r = tls_get(&server, host, Arc::clone(&config)).expect("TLS GET");
        assert_eq!((r.status, r.text()), (200, "secure".to_string()));
    }
    let requests = server.wait_for_requests(2, WAIT);
    assert!(
        requests
            .iter()
            .all(|r| !r.client_cert && r.path() == "/simple/")
    );

    // A client trusting another CA refuses the server.
    let pki = server.pki().unwrap();
    let other = Arc::new(trusting(&pki.other_ca_pem_path()).with_no_client_auth());
    let result = tls_get(&server, "localhost", other);
    assert!(result.is_err(), "{result:?}");
    assert_eq!(wait_for_tls_failures(&server, 1).len(), 1);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn mtls_server_requires_a_client_certificate_from_the_test_ca() {
    let server = FaultServer::builder().mtls().start();
    let pki = server.pki().unwrap();

    // The bundle `--client-cert` takes: the certificate and its key in one PEM file.
    let bundle = pki.client_pem_path();
    let config = trusting(server.ca_pem_path())
        .with_client_auth_cert(tls::load_certs(&bundle), tls::load_key(&bundle))
        .expect("client certificate");
    let r = tls_get(&server, "localhost", Arc::new(config)).expect("mTLS GET");
    assert_eq!(r.status, 200);
    assert!(server.wait_for_requests(1, WAIT)[0].client_cert);

    let without = tls_get(&server, "localhost", pki.client_config(false));
    assert!(without.is_err(), "{without:?}");
    let stranger = pki.untrusted_client_pem_path();
    let config = trusting(server.ca_pem_path())
        .with_client_auth_cert(tls::load_certs(&stranger), tls::load_key(&stranger))
        .unwrap();
    let untrusted = tls_get(&server, "localhost", Arc::new(config));
    assert!(untrusted.is_err(), "{untrusted:?}");
    assert_eq!(wait_for_tls_failures(&server, 2).len(), 2);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn null_sink_discards_bodies_and_answers_200() {
    let sink = NullSink::start();
    let big = vec![7u8; 8 << 20];
    let r = client::request(&sink.url(), "POST", &[], &big).unwrap();
    assert_eq!(r.status, 200);

    let mut s = TcpStream::connect(
        sink.url()
            .trim_start_matches("http://")
            .trim_end_matches('/'),
    )
    .unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = vec![1u8; 1 << 20];
    for _ in 0..3 {
        s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .unwrap();
        s.write_all(&chunk).unwrap();
        s.write_all(b"\r\n").unwrap();
    }
    s.write_all(b"0\r\n\r\n").unwrap();
    assert_eq!(client::read_response(&mut s).unwrap().status, 200);
    // Counted before each answer is written.
    assert_eq!(sink.body_bytes(), (8 << 20) + (3 << 20));
    assert_eq!(sink.requests(), 2);
}

#[test]
fn multipart_parser_refuses_what_an_index_might_misread() {
    assert_eq!(
        multipart::boundary("multipart/form-data; charset=utf-8; boundary=\"a b\"").unwrap(),
        "a b"
    );
    assert!(multipart::boundary("text/plain; boundary=x").is_err());
    assert!(multipart::boundary("multipart/form-data").is_err());

    let ok = b"--B\r\nContent-Disposition: form-data; name=\"content\"; filename=\"a\\\"b.whl\"\r\n\r\nDATA\r\n--B--\r\n";
    let parts = multipart::parse_with_boundary("B", ok).unwrap();
    assert_eq!(parts[0].filename.as_deref(), Some("a\"b.whl"));
    assert_eq!(parts[0].data, b"DATA");

    let cases: [(&[u8], &str); 5] = [
        (
            b"preamble\r\n--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--",
            "does not start",
        ),
        (
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",
            "not followed by a delimiter",
        ),
        (
            b"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--",
            "has no name",
        ),
        (
            b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--",
            "no Content-Disposition",
        ),
        (
            b"--B\nContent-Disposition: form-data; name=\"a\"\n\nx\n--B--",
            "not followed by CRLF",
        ),
    ];
    for (body, want) in cases {
        let err = multipart::parse_with_boundary("B", body).expect_err(want);
        assert!(err.contains(want), "{err:?} should mention {want:?}");
    }
}

#[test]
#[should_panic(expected = "run scripts/test")]
fn a_missing_server_variable_fails_the_test() {
    servers::var("HOIST_TEST_SURELY_NEVER_SET");
}

// --- The real index servers started by scripts/test ---------------------------------------

/// A small valid wheel of `hoist-selftest` at `version`; `variant` changes its bytes.
fn tiny_wheel(version: &str, variant: &str) -> (String, Vec<u8>) {
    let filename = format!("hoist_selftest-{version}-py3-none-any.whl");
    let spec = support::Spec::wheel()
        .named(&filename)
        .set("Name", "hoist-selftest")
        .set("Version", version)
        .body(Some(variant));
    (filename, spec.bytes())
}

/// A twine-shaped upload of one wheel, with Basic auth when `auth` is given.
fn upload(
    server: &IndexServer,
    auth: Option<(&str, &str)>,
    version: &str,
    filename: &str,
    bytes: &[u8],
) -> client::Response {
    let (content_type, body) = multipart::build(
        "hoist-selftest-boundary",
        &[
            (":action", None, None, b"file_upload"),
            ("protocol_version", None, None, b"1"),
            ("metadata_version", None, None, b"2.4"),
            ("name", None, None, b"hoist-selftest"),
            ("version", None, None, version.as_bytes()),
            ("filetype", None, None, b"bdist_wheel"),
            ("pyversion", None, None, b"py3"),
            (
                "content",
                Some(filename),
                Some("application/octet-stream"),
                bytes,
            ),
        ],
    );
    let mut headers = vec![("Content-Type", content_type)];
    if let Some((user, password)) = auth {
        headers.push(("Authorization", client::basic_auth(user, password)));
    }
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    client::request(&server.url, "POST", &headers, &body)
        .unwrap_or_else(|e| panic!("upload to {} at {}: {e}", server.name, server.url))
}

/// `pip download` of the version from the server's simple index gives back the same bytes.
fn pip_download_round_trip(server: &IndexServer, version: &str, filename: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(servers::pip())
        .args([
            "download",
            "--no-deps",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--index-url",
            &server.simple,
            "--dest",
        ])
        .arg(dir.path())
        .arg(format!("hoist-selftest=={version}"))
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .output()
        .expect("run pip");
    assert!(
        out.status.success(),
        "pip download from {}: {}{}",
        server.name,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let got = std::fs::read(dir.path().join(filename)).expect("the downloaded wheel");
    assert_eq!(got, bytes, "pip got other bytes than were uploaded");
}

#[test]
fn pypiserver_takes_authenticated_uploads_and_refuses_the_rest() {
    let server = servers::pypiserver();
    let index = client::get(&server.simple).expect("GET the pypiserver simple index");
    assert_eq!(index.status, 200, "{}", index.text());

    let version = servers::unique_version();
    let (filename, bytes) = tiny_wheel(&version, "one");
    let (user, password) = (server.user.as_str(), server.password.as_str());

    let r = upload(&server, None, &version, &filename, &bytes);
    assert_eq!((r.status, r.reason.as_str()), (401, "Unauthorized"));
    assert_eq!(r.header("www-authenticate"), Some("Basic realm=\"pypi\""));
    let r = upload(&server, Some((user, "wrong")), &version, &filename, &bytes);
    assert_eq!((r.status, r.reason.as_str()), (403, "Forbidden"));

    let r = upload(&server, Some((user, password)), &version, &filename, &bytes);
    assert_eq!((r.status, r.reason.as_str()), (200, "OK"), "{}", r.text());

    // Overwrite is off: the same file again is a 409 whose message is in the body.
    let r = upload(&server, Some((user, password)), &version, &filename, &bytes);
    assert_eq!((r.status, r.reason.as_str()), (409, "Conflict"));
    let expected = format!("Package &#039;{filename}&#039; already exists!");
    assert!(r.text().contains(&expected), "{}", r.text());

    let page = client::get(&format!("{}hoist-selftest/", server.simple)).unwrap();
    assert!(page.text().contains(&filename), "{}", page.text());
    pip_download_round_trip(&server, &version, &filename, &bytes);
}

#[test]
fn devpi_takes_authenticated_uploads_and_refuses_the_rest() {
    let server = servers::devpi();
    let index = client::get(&server.simple).expect("GET the devpi simple index");
    assert_eq!(index.status, 200, "{}", index.text());

    let version = servers::unique_version();
    let (filename, bytes) = tiny_wheel(&version, "one");
    let (user, password) = (server.user.as_str(), server.password.as_str());

    let r = upload(&server, None, &version, &filename, &bytes);
    assert_eq!((r.status, r.reason.as_str()), (401, "Unauthorized"));
    let r = upload(&server, Some((user, "wrong")), &version, &filename, &bytes);
    assert_eq!((r.status, r.reason.as_str()), (401, "Unauthorized"));

    let r = upload(&server, Some((user, password)), &version, &filename, &bytes);
    assert_eq!((r.status, r.reason.as_str()), (200, "OK"), "{}", r.text());

    // A non-volatile index takes the identical file again with a 200 that says so...
    let r = upload(&server, Some((user, password)), &version, &filename, &bytes);
    assert_eq!(
        (r.status, r.reason.as_str()),
        (200, "Upload of identical file to non volatile index.")
    );
    // ...and refuses other bytes under the same name with a 409, the message in the reason.
    let (_, other) = tiny_wheel(&version, "two");
    assert_ne!(other, bytes);
    let r = upload(&server, Some((user, password)), &version, &filename, &other);
    let expected = format!("{filename} already exists in non-volatile index");
    assert_eq!((r.status, r.reason.as_str()), (409, expected.as_str()));

    pip_download_round_trip(&server, &version, &filename, &bytes);
}
