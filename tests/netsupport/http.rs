//! The HTTP/1.1 wire pieces the test servers share: reading a request head, reading (or
//! discarding) a body framed by `Content-Length` or `Transfer-Encoding: chunked`, and writing a
//! response with its reason phrase exactly as given.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

/// The largest request head accepted (request line and headers).
pub const MAX_HEAD: usize = 64 * 1024;

/// A parsed request line and its headers, in the order and case they were sent.
#[derive(Debug, Clone)]
pub struct Head {
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
}

/// How a request body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    Length(u64),
    Chunked,
}

impl Head {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub fn framing(&self) -> io::Result<Framing> {
        if let Some(te) = self.header("transfer-encoding") {
            let last = te.rsplit(',').next().unwrap_or("").trim();
            if last.eq_ignore_ascii_case("chunked") {
                return Ok(Framing::Chunked);
            }
            return Err(invalid(format!("unsupported Transfer-Encoding {te:?}")));
        }
        match self.header("content-length") {
            Some(v) => v
                .trim()
                .parse::<u64>()
                .map(Framing::Length)
                .map_err(|_| invalid(format!("bad Content-Length {v:?}"))),
            None => Ok(Framing::Length(0)),
        }
    }

    /// Whether the client lets the connection stay open after this request.
    pub fn keep_alive(&self) -> bool {
        let conn = self
            .header("connection")
            .map(|v| v.to_ascii_lowercase())
            .unwrap_or_default();
        if self.version.eq_ignore_ascii_case("HTTP/1.0") {
            conn.contains("keep-alive")
        } else {
            !conn.contains("close")
        }
    }

    pub fn expects_continue(&self) -> bool {
        self.header("expect")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
    }
}

/// The first header of that name (case-insensitive) in a header list.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

pub fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

fn eof(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("connection closed {what}"),
    )
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Reads one line (up to `limit` bytes) without its line ending. `Ok(None)` at a clean EOF.
async fn read_line<R: AsyncBufRead + Unpin>(
    r: &mut R,
    limit: usize,
) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    loop {
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return if line.is_empty() {
                Ok(None)
            } else {
                Err(eof("in the middle of a line"))
            };
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        line.extend_from_slice(&buf[..take]);
        r.consume(take);
        if line.len() > limit {
            return Err(invalid(format!("line longer than {limit} bytes")));
        }
        if done {
            return Ok(Some(trim_eol(&line).to_vec()));
        }
    }
}

/// Reads a request head. `Ok(None)` when the client closed the connection between requests.
pub async fn read_head<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Option<Head>> {
    let mut budget = MAX_HEAD;
    // RFC 9112 §2.2: a server should ignore empty lines before the request line.
    let request_line = loop {
        match read_line(r, budget).await? {
            None => return Ok(None),
            Some(l) if l.is_empty() => budget = budget.saturating_sub(2),
            Some(l) => break l,
        }
    };
    budget = budget.saturating_sub(request_line.len() + 2);
    let request_line =
        String::from_utf8(request_line).map_err(|_| invalid("request line is not UTF-8".into()))?;
    let mut it = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (it.next(), it.next(), it.next(), it.next())
    else {
        return Err(invalid(format!("bad request line {request_line:?}")));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(invalid(format!("not HTTP/1.x: {request_line:?}")));
    }
    let mut headers = Vec::new();
    loop {
        let Some(line) = read_line(r, budget).await? else {
            return Err(eof("inside the request head"));
        };
        budget = budget.saturating_sub(line.len() + 2);
        if line.is_empty() {
            break;
        }
        let line = String::from_utf8_lossy(&line).into_owned();
        if line.starts_with([' ', '\t']) {
            return Err(invalid(format!("obsolete header line folding: {line:?}")));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid(format!("header line without a colon: {line:?}")));
        };
        if name.is_empty() || name.ends_with([' ', '\t']) {
            return Err(invalid(format!("bad header name in {line:?}")));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    Ok(Some(Head {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
    }))
}

/// Where body bytes go: the first `cap` bytes are kept, all are counted.
#[derive(Debug, Default)]
pub struct BodySink {
    pub data: Vec<u8>,
    pub cap: usize,
    pub len: u64,
}

impl BodySink {
    pub fn new(cap: usize) -> BodySink {
        BodySink {
            data: Vec::new(),
            cap,
            len: 0,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.len += bytes.len() as u64;
        let room = self.cap.saturating_sub(self.data.len());
        self.data.extend_from_slice(&bytes[..room.min(bytes.len())]);
    }
}

/// How reading a body ended (errors, including a premature close, are `Err`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEnd {
    /// The whole body arrived.
    Complete,
    /// `limit` body bytes were read before the body ended.
    Stopped,
}

/// Reads a body of the given framing into `sink`, at most `limit` (decoded) bytes of it.
pub async fn read_body<R: AsyncBufRead + Unpin>(
    r: &mut R,
    framing: Framing,
    limit: Option<u64>,
    sink: &mut BodySink,
) -> io::Result<BodyEnd> {
    let mut left_in_limit = limit.unwrap_or(u64::MAX);
    match framing {
        Framing::Length(n) => {
            if read_exact_into(r, n, &mut left_in_limit, sink).await? {
                Ok(BodyEnd::Complete)
            } else {
                Ok(BodyEnd::Stopped)
            }
        }
        Framing::Chunked => loop {
            let Some(line) = read_line(r, 4096).await? else {
                return Err(eof("before a chunk size"));
            };
            let line = String::from_utf8_lossy(&line);
            let size_text = line.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(size_text, 16)
                .map_err(|_| invalid(format!("bad chunk size line {line:?}")))?;
            if size == 0 {
                // Trailer fields, then the empty line.
                loop {
                    match read_line(r, 4096).await? {
                        None => return Err(eof("inside the chunked trailer")),
                        Some(l) if l.is_empty() => return Ok(BodyEnd::Complete),
                        Some(_) => {}
                    }
                }
            }
            if !read_exact_into(r, size, &mut left_in_limit, sink).await? {
                return Ok(BodyEnd::Stopped);
            }
            match read_line(r, 16).await? {
                Some(l) if l.is_empty() => {}
                Some(l) => {
                    return Err(invalid(format!(
                        "chunk data longer than its size (then {:?})",
                        String::from_utf8_lossy(&l)
                    )));
                }
                None => return Err(eof("after chunk data")),
            }
        },
    }
}

/// Reads `n` bytes into `sink`, stopping early (returning false) when the limit runs out first.
async fn read_exact_into<R: AsyncBufRead + Unpin>(
    r: &mut R,
    n: u64,
    left_in_limit: &mut u64,
    sink: &mut BodySink,
) -> io::Result<bool> {
    let mut remaining = n;
    while remaining > 0 {
        if *left_in_limit == 0 {
            return Ok(false);
        }
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return Err(eof(&format!("with {remaining} body bytes still to come")));
        }
        let take = (buf.len() as u64).min(remaining).min(*left_in_limit) as usize;
        sink.push(&buf[..take]);
        r.consume(take);
        remaining -= take as u64;
        *left_in_limit -= take as u64;
    }
    Ok(true)
}

/// Writes a response: the status line with the reason phrase verbatim, the headers in order, a
/// `Content-Length` unless the headers carry one, `Connection: close` when `close`, the body.
pub async fn write_response<W: AsyncWrite + Unpin>(
    w: &mut W,
    status: u16,
    reason: &str,
    headers: &[(String, String)],
    body: &[u8],
    close: bool,
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    if header(headers, "content-length").is_none() && header(headers, "transfer-encoding").is_none()
    {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    if close && header(headers, "connection").is_none() {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    w.write_all(&bytes).await?;
    w.flush().await
}

/// Sends the interim `100 Continue` a client asked for with `Expect: 100-continue`.
pub async fn write_continue<W: AsyncWrite + Unpin>(w: &mut W) -> io::Result<()> {
    w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    w.flush().await
}
