//! `FaultServer`: an HTTP/1.1 server on 127.0.0.1 that plays a script of behaviours, one per
//! request in arrival order (the last one repeats), and records every request it reads.
//!
//! The behaviours are the ways an index answers or fails: an answer with any status, reason
//! phrase, headers and body (sent only after the whole body was read), a redirect, a 429 with
//! `Retry-After`, an early answer before the body, a connection dropped after K body bytes (RST
//! or FIN), a stall with or without reading the body, and raw bytes that need not be HTTP.
//! Keep-alive, `Expect: 100-continue` and chunked request bodies work as a client expects.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::http::{self, BodyEnd, BodySink, Head};
use super::multipart::{self, Part};
use super::tls::TestPki;
use super::{Background, bind_loopback};

/// An answer: status, reason phrase (sent verbatim, even empty), headers in order, body.
/// `Content-Length` is added unless a header gives it.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (after the body was read).
    pub delay: Duration,
    /// Close the connection after this answer.
    pub close: bool,
}

impl Reply {
    pub fn new(status: u16, reason: &str) -> Reply {
        Reply {
            status,
            reason: reason.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            close: false,
        }
    }

    /// `200 OK` with an empty body.
    pub fn ok() -> Reply {
        Reply::new(200, "OK")
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    pub fn close(mut self) -> Reply {
        self.close = true;
        self
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Behavior {
    /// Read the whole body, then answer.
    Respond(Reply),
    /// Answer right after the head, without reading the body, then close. What the client still
    /// sends is read and discarded (recorded up to the cap) for up to 2 s first, so the answer is
    /// not lost to a reset.
    RespondBeforeBody(Reply),
    /// Read the head and at most `body_bytes` body bytes, then drop the connection without an
    /// answer: with `reset`, an RST (`SO_LINGER` 0); without, a close (FIN; the kernel still sends
    /// an RST if unread bytes remain, as with any server that closes early).
    DropAfter { body_bytes: u64, reset: bool },
    /// Read the whole request, then never answer. The connection stays open until the server is
    /// dropped: the test bounds the wait (hoist's timeout, or a kill).
    Stall,
    /// Read the head only, then neither read nor answer: the client's writes stall once the
    /// socket buffers are full.
    StallBeforeBody,
    /// Read the whole request, write these bytes as they are (need not be HTTP), close.
    Raw(Vec<u8>),
}

impl Behavior {
    /// Read the body, then answer `status reason` with an empty body.
    pub fn status(status: u16, reason: &str) -> Behavior {
        Behavior::Respond(Reply::new(status, reason))
    }

    /// `200 OK`, empty body.
    pub fn ok() -> Behavior {
        Behavior::Respond(Reply::ok())
    }

    /// A redirect (301, 302, 303, 307 or 308) to `location`, with the standard reason phrase.
    pub fn redirect(status: u16, location: &str) -> Behavior {
        let reason = match status {
            301 => "Moved Permanently",
            302 => "Found",
            303 => "See Other",
            307 => "Temporary Redirect",
            308 => "Permanent Redirect",
            _ => "Redirect",
        };
        Behavior::Respond(Reply::new(status, reason).header("Location", location))
    }

    /// `429 Too Many Requests` with `Retry-After: secs`.
    pub fn retry_after(secs: u64) -> Behavior {
        Behavior::Respond(
            Reply::new(429, "Too Many Requests").header("Retry-After", &secs.to_string()),
        )
    }

    /// Read K body bytes, then reset the connection.
    pub fn reset_after(body_bytes: u64) -> Behavior {
        Behavior::DropAfter {
            body_bytes,
            reset: true,
        }
    }

    /// Read K body bytes, then close the connection.
    pub fn close_after(body_bytes: u64) -> Behavior {
        Behavior::DropAfter {
            body_bytes,
            reset: false,
        }
    }
}

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Its position among all requests to this server (0-based); the script entry it got.
    pub index: usize,
    /// Which accepted connection it came on (0-based), to check connection reuse.
    pub connection: usize,
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    pub version: String,
    /// Headers in the order and case sent.
    pub headers: Vec<(String, String)>,
    /// The body (decoded from chunked), up to the server's cap.
    pub body: Vec<u8>,
    /// How many body bytes arrived, including any beyond the cap.
    pub body_len: u64,
    /// The whole body arrived (false after a drop, a stall before the body, or a client abort).
    pub complete: bool,
    /// Reading of this request is over (as far as its behaviour reads it).
    pub done: bool,
    /// What went wrong while reading, if anything (the client closed early, bad framing...).
    pub error: Option<String>,
    /// The client presented a TLS client certificate.
    pub client_cert: bool,
    /// When the head was read: for checking that a client waited (Retry-After, back-off).
    pub received_at: Instant,
}

impl RecordedRequest {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        http::header(&self.headers, name)
    }

    /// Every value of that header, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The target without its query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The query string, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The body parsed as `multipart/form-data`, with the boundary from `Content-Type`.
    pub fn multipart(&self) -> Result<Vec<Part>, String> {
        let ct = self
            .header("content-type")
            .ok_or_else(|| "the request has no Content-Type".to_string())?;
        if self.body.len() as u64 != self.body_len {
            return Err(format!(
                "the body was capped at {} of {} bytes: raise body_cap",
                self.body.len(),
                self.body_len
            ));
        }
        multipart::parse(ct, &self.body)
    }

    /// The user name and password of a `Authorization: Basic` header.
    pub fn basic_auth(&self) -> Option<(String, String)> {
        let value = self.header("authorization")?;
        let (scheme, b64) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = String::from_utf8(base64_decode(b64.trim())?).ok()?;
        let (user, pass) = decoded.split_once(':')?;
        Some((user.to_string(), pass.to_string()))
    }
}

/// Standard base64 (RFC 4648, with padding), as HTTP Basic uses it.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::new();
    for chunk in s.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&bytes[1..4]),
            3 => out.extend_from_slice(&bytes[1..3]),
            2 => out.push(bytes[1]),
            _ => return None,
        }
    }
    Some(out)
}

/// A connection the server can speak HTTP on, plain or TLS.
pub(crate) trait Conn: AsyncRead + AsyncWrite + Unpin + Send + 'static {
    fn tcp(&self) -> &TcpStream;
    fn has_client_cert(&self) -> bool {
        false
    }
}

impl Conn for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Conn for tokio_rustls::server::TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0
    }
    fn has_client_cert(&self) -> bool {
        self.get_ref()
            .1
            .peer_certificates()
            .is_some_and(|c| !c.is_empty())
    }
}

struct State {
    script: Vec<Behavior>,
    requests: Vec<RecordedRequest>,
    connections: usize,
    tls_failures: Vec<String>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    body_cap: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a request whose head was read and picks its behaviour.
    fn begin(&self, head: &Head, connection: usize, client_cert: bool) -> (usize, Behavior) {
        let mut st = self.lock();
        let index = st.requests.len();
        let behavior = st
            .script
            .get(index)
            .or(st.script.last())
            .cloned()
            .unwrap_or_else(Behavior::ok);
        st.requests.push(RecordedRequest {
            index,
            connection,
            method: head.method.clone(),
            target: head.target.clone(),
            version: head.version.clone(),
            headers: head.headers.clone(),
            body: Vec::new(),
            body_len: 0,
            complete: false,
            done: false,
            error: None,
            client_cert,
            received_at: Instant::now(),
        });
        drop(st);
        self.changed.notify_all();
        (index, behavior)
    }

    fn finish(&self, index: usize, sink: BodySink, end: &std::io::Result<BodyEnd>) {
        let mut st = self.lock();
        let r = &mut st.requests[index];
        r.body = sink.data;
        r.body_len = sink.len;
        r.complete = matches!(end, Ok(BodyEnd::Complete));
        r.error = end.as_ref().err().map(|e| e.to_string());
        r.done = true;
        drop(st);
        self.changed.notify_all();
    }
}

/// Whether the server speaks TLS, and whether it demands a client certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TlsMode {
    Plain,
    Tls,
    Mtls,
}

/// Configures a [`FaultServer`].
pub struct FaultServerBuilder {
    script: Vec<Behavior>,
    body_cap: usize,
    tls: TlsMode,
}

impl FaultServerBuilder {
    /// The behaviours, one per request in order; the last repeats. Empty means `200 OK` always.
    pub fn script(mut self, script: Vec<Behavior>) -> Self {
        self.script = script;
        self
    }

    /// How many body bytes of each request to keep (default 64 MiB); all are counted.
    pub fn body_cap(mut self, cap: usize) -> Self {
        self.body_cap = cap;
        self
    }

    /// Serve HTTPS with a fresh test CA ([`FaultServer::pki`]).
    pub fn tls(mut self) -> Self {
        self.tls = TlsMode::Tls;
        self
    }

    /// Serve HTTPS and refuse clients without a certificate from the test CA.
    pub fn mtls(mut self) -> Self {
        self.tls = TlsMode::Mtls;
        self
    }

    pub fn start(self) -> FaultServer {
        let listener = bind_loopback();
        let addr = listener
            .local_addr()
            .expect("local address of the test server");
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                script: self.script,
                requests: Vec::new(),
                connections: 0,
                tls_failures: Vec::new(),
            }),
            changed: Condvar::new(),
            body_cap: self.body_cap,
        });
        let pki = match self.tls {
            TlsMode::Plain => None,
            TlsMode::Tls | TlsMode::Mtls => Some(TestPki::generate()),
        };
        let acceptor = pki
            .as_ref()
            .map(|p| tokio_rustls::TlsAcceptor::from(p.server_config(self.tls == TlsMode::Mtls)));
        let bg_shared = Arc::clone(&shared);
        let background = Background::spawn("fault-server", move || {
            accept_loop(listener, bg_shared, acceptor)
        });
        let scheme = if pki.is_some() { "https" } else { "http" };
        FaultServer {
            url: format!("{scheme}://127.0.0.1:{}/", addr.port()),
            addr,
            shared,
            pki,
            _background: background,
        }
    }
}

/// An HTTP/1.1 server on 127.0.0.1 playing a script; see the module documentation.
///
/// ```ignore
/// let server = FaultServer::start(vec![Behavior::status(400, "File already exists.")]);
/// // ... run `hoist upload --repository-url <server.url()> ...`
/// let req = &server.requests()[0];
/// let parts = req.multipart().unwrap();
/// ```
pub struct FaultServer {
    url: String,
    addr: std::net::SocketAddr,
    shared: Arc<Shared>,
    pki: Option<TestPki>,
    // Last, so the server stops before the PKI's temp dir goes.
    _background: Background,
}

impl FaultServer {
    pub fn builder() -> FaultServerBuilder {
        FaultServerBuilder {
            script: Vec::new(),
            body_cap: 64 << 20,
            tls: TlsMode::Plain,
        }
    }

    /// A plain-HTTP server playing `script`.
    pub fn start(script: Vec<Behavior>) -> FaultServer {
        FaultServer::builder().script(script).start()
    }

    /// `http://127.0.0.1:PORT/` (or `https://`), with the trailing slash.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The URL of `path` (with or without a leading slash) on this server.
    pub fn url_for(&self, path: &str) -> String {
        format!("{}{}", self.url, path.trim_start_matches('/'))
    }

    /// The same as [`url`](Self::url) with `localhost` as the host (the certificate names both).
    pub fn localhost_url(&self) -> String {
        self.url.replacen("127.0.0.1", "localhost", 1)
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The test CA and certificates, for a TLS server.
    pub fn pki(&self) -> Option<&TestPki> {
        self.pki.as_ref()
    }

    /// The CA file to pass to `--cert`. Panics for a plain server.
    pub fn ca_pem_path(&self) -> &std::path::Path {
        self.pki
            .as_ref()
            .expect("ca_pem_path: this FaultServer has no TLS (use FaultServer::builder().tls())")
            .ca_pem_path()
    }

    /// Every request read so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// How many connections were accepted (TLS or not, whether or not a request came).
    pub fn connections(&self) -> usize {
        self.shared.lock().connections
    }

    /// The errors of TLS handshakes that failed (a client that refused the certificate, or an
    /// mTLS client without one).
    pub fn tls_failures(&self) -> Vec<String> {
        self.shared.lock().tls_failures.clone()
    }

    /// Replaces the script; the request count (and so the position in it) is kept.
    pub fn set_script(&self, script: Vec<Behavior>) {
        self.shared.lock().script = script;
    }

    /// Waits until `pred` holds for the requests so far, and returns them. Panics after `timeout`
    /// with what did arrive.
    pub fn wait_until(
        &self,
        timeout: Duration,
        what: &str,
        pred: impl Fn(&[RecordedRequest]) -> bool,
    ) -> Vec<RecordedRequest> {
        let deadline = Instant::now() + timeout;
        let mut st = self.shared.lock();
        loop {
            if pred(&st.requests) {
                return st.requests.clone();
            }
            let now = Instant::now();
            if now >= deadline {
                let seen: Vec<String> = st
                    .requests
                    .iter()
                    .map(|r| {
                        format!(
                            "{} {} ({} body bytes, complete {})",
                            r.method, r.target, r.body_len, r.complete
                        )
                    })
                    .collect();
                panic!("timed out after {timeout:?} waiting for {what}; requests so far: {seen:?}");
            }
            st = self
                .shared
                .changed
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Waits until `n` requests have been read as far as their behaviour reads them.
    pub fn wait_for_requests(&self, n: usize, timeout: Duration) -> Vec<RecordedRequest> {
        self.wait_until(timeout, &format!("{n} request(s)"), |r| {
            r.iter().filter(|r| r.done).count() >= n
        })
    }
}

async fn accept_loop(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("register the test listener");
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let connection = {
            let mut st = shared.lock();
            st.connections += 1;
            st.connections - 1
        };
        let shared = Arc::clone(&shared);
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match acceptor {
                None => serve_connection(tcp, connection, shared).await,
                Some(acceptor) => match acceptor.accept(tcp).await {
                    Ok(tls) => serve_connection(tls, connection, shared).await,
                    Err(e) => {
                        shared.lock().tls_failures.push(e.to_string());
                        shared.changed.notify_all();
                    }
                },
            }
        });
    }
}

async fn serve_connection<S: Conn>(stream: S, connection: usize, shared: Arc<Shared>) {
    let client_cert = stream.has_client_cert();
    let mut rd = BufReader::with_capacity(64 * 1024, stream);
    loop {
        let head = match http::read_head(&mut rd).await {
            Ok(Some(head)) => head,
            Ok(None) | Err(_) => return,
        };
        let (index, behavior) = shared.begin(&head, connection, client_cert);
        let mut sink = BodySink::new(shared.body_cap);
        let framing = match head.framing() {
            Ok(f) => f,
            Err(e) => {
                let msg = e.to_string();
                shared.finish(index, sink, &Err(e));
                let _ = http::write_response(
                    rd.get_mut(),
                    400,
                    "Bad Request",
                    &[],
                    msg.as_bytes(),
                    true,
                )
                .await;
                return;
            }
        };
        match behavior {
            Behavior::Respond(reply) => {
                if head.expects_continue() && http::write_continue(rd.get_mut()).await.is_err() {
                    shared.finish(index, sink, &Err(std::io::ErrorKind::BrokenPipe.into()));
                    return;
                }
                let end = http::read_body(&mut rd, framing, None, &mut sink).await;
                let ok = end.is_ok();
                shared.finish(index, sink, &end);
                if !ok {
                    return;
                }
                if !reply.delay.is_zero() {
                    tokio::time::sleep(reply.delay).await;
                }
                let close = reply.close || !head.keep_alive();
                let w = rd.get_mut();
                let sent = http::write_response(
                    w,
                    reply.status,
                    &reply.reason,
                    &reply.headers,
                    &reply.body,
                    close,
                )
                .await;
                if sent.is_err() {
                    return;
                }
                if close {
                    let _ = w.shutdown().await;
                    return;
                }
            }
            Behavior::RespondBeforeBody(reply) => {
                if !reply.delay.is_zero() {
                    tokio::time::sleep(reply.delay).await;
                }
                let w = rd.get_mut();
                let _ = http::write_response(
                    w,
                    reply.status,
                    &reply.reason,
                    &reply.headers,
                    &reply.body,
                    true,
                )
                .await;
                let end = match tokio::time::timeout(
                    Duration::from_secs(2),
                    http::read_body(&mut rd, framing, None, &mut sink),
                )
                .await
                {
                    Ok(end) => end,
                    Err(_) => Ok(BodyEnd::Stopped),
                };
                shared.finish(index, sink, &end);
                let _ = rd.get_mut().shutdown().await;
                return;
            }
            Behavior::DropAfter { body_bytes, reset } => {
                if head.expects_continue() {
                    let _ = http::write_continue(rd.get_mut()).await;
                }
                let end = http::read_body(&mut rd, framing, Some(body_bytes), &mut sink).await;
                shared.finish(index, sink, &end);
                if reset {
                    let _ = rd.get_ref().tcp().set_zero_linger();
                } else {
                    let _ = rd.get_mut().shutdown().await;
                }
                return;
            }
            Behavior::Stall => {
                if head.expects_continue() {
                    let _ = http::write_continue(rd.get_mut()).await;
                }
                let end = http::read_body(&mut rd, framing, None, &mut sink).await;
                shared.finish(index, sink, &end);
                std::future::pending::<()>().await;
            }
            Behavior::StallBeforeBody => {
                shared.finish(index, sink, &Ok(BodyEnd::Stopped));
                std::future::pending::<()>().await;
            }
            Behavior::Raw(bytes) => {
                if head.expects_continue() {
                    let _ = http::write_continue(rd.get_mut()).await;
                }
                let end = http::read_body(&mut rd, framing, None, &mut sink).await;
                shared.finish(index, sink, &end);
                let w = rd.get_mut();
                let _ = w.write_all(&bytes).await;
                let _ = w.shutdown().await;
                return;
            }
        }
    }
}
