//! A tiny blocking HTTP/1.1 client for tests that must talk to a server without hoist: the
//! harness self-tests, and checks of what an index holds after an upload. One request per
//! connection (`Connection: close`); responses framed by Content-Length, chunked, or EOF.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::http::{header, invalid};

/// A response as received.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// The reason phrase, verbatim.
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Splits `http://host:port/path?q` into (host, port, target). Only `http` and `https`.
pub fn split_url(url: &str) -> (String, u16, String) {
    let (scheme, rest) = url
        .split_once("://")
        .unwrap_or_else(|| panic!("not a URL: {url}"));
    let default_port = match scheme {
        "http" => 80,
        "https" => 443,
        _ => panic!("unsupported scheme in {url}"),
    };
    let (authority, target) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse().expect("port")),
        None => (authority.to_string(), default_port),
    };
    (host, port, target)
}

/// `Basic base64(user:password)`.
pub fn basic_auth(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}").into_bytes();
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

/// Sends one request to a plain `http://` URL and reads the answer (30 s timeouts).
pub fn request(
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Response> {
    let (host, port, target) = split_url(url);
    assert!(
        url.starts_with("http://"),
        "client::request is plain HTTP only: {url}"
    );
    let mut stream = TcpStream::connect((host.as_str(), port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    request_on(
        &mut stream,
        &format!("{host}:{port}"),
        method,
        &target,
        headers,
        body,
    )
}

/// `GET url`.
pub fn get(url: &str) -> io::Result<Response> {
    request(url, "GET", &[], b"")
}

/// Writes one request on an open stream (plain or TLS) and reads the answer.
pub fn request_on<S: Read + Write>(
    stream: &mut S,
    host: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Response> {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT") {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes)?;
    stream.flush()?;
    read_response(stream)
}

/// Reads one response (skipping interim 1xx answers).
pub fn read_response<S: Read>(stream: &mut S) -> io::Result<Response> {
    let mut rd = BufReader::new(stream);
    loop {
        let status_line = read_line(&mut rd)?
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no response"))?;
        let mut it = status_line.splitn(3, ' ');
        let (Some(_version), Some(code)) = (it.next(), it.next()) else {
            return Err(invalid(format!("bad status line {status_line:?}")));
        };
        let status: u16 = code
            .parse()
            .map_err(|_| invalid(format!("bad status line {status_line:?}")))?;
        let reason = it.next().unwrap_or("").to_string();
        let mut headers = Vec::new();
        loop {
            let line = read_line(&mut rd)?.ok_or_else(|| {
                io::Error::new(io::ErrorKind::UnexpectedEof, "EOF in response head")
            })?;
            if line.is_empty() {
                break;
            }
            let (n, v) = line
                .split_once(':')
                .ok_or_else(|| invalid(format!("bad header line {line:?}")))?;
            headers.push((n.to_string(), v.trim().to_string()));
        }
        if (100..200).contains(&status) {
            continue;
        }
        let mut body = Vec::new();
        if header(&headers, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            loop {
                let size_line = read_line(&mut rd)?.ok_or_else(|| {
                    io::Error::new(io::ErrorKind::UnexpectedEof, "EOF in chunked body")
                })?;
                let size =
                    usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
                        .map_err(|_| invalid(format!("bad chunk size {size_line:?}")))?;
                if size == 0 {
                    while read_line(&mut rd)?.is_some_and(|l| !l.is_empty()) {}
                    break;
                }
                let start = body.len();
                body.resize(start + size, 0);
                rd.read_exact(&mut body[start..])?;
                read_line(&mut rd)?;
            }
        } else if let Some(len) = header(&headers, "content-length") {
            let len: usize = len
                .trim()
                .parse()
                .map_err(|_| invalid(format!("bad Content-Length {len:?}")))?;
            body.resize(len, 0);
            rd.read_exact(&mut body)?;
        } else {
            rd.read_to_end(&mut body)?;
        }
        return Ok(Response {
            status,
            reason,
            headers,
            body,
        });
    }
}

fn read_line<R: BufRead>(rd: &mut R) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    if rd.read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    while line.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
        line.pop();
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}
