//! A native null-sink HTTP/1.1 server for `scripts/bench-upload`, built so that it is never
//! the bottleneck of what it measures: one OS thread per connection doing blocking reads of
//! 256 KiB straight from the socket, keep-alive, `Expect: 100-continue`, Content-Length or
//! chunked bodies, every body discarded and answered `200 OK`. No async runtime, no parsing
//! beyond the request head.
//!
//! Usage: `null_sink [URL_FILE]` binds 127.0.0.1 on a free port, prints
//! `http://127.0.0.1:PORT/` on stdout (and into URL_FILE when given), and serves until its pid
//! is killed. Every 0.5 s, when something changed, it prints
//! `requests=N body_bytes=N connections=N` on stderr.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Default)]
struct Stats {
    connections: AtomicU64,
    requests: AtomicU64,
    body_bytes: AtomicU64,
}

const BUF: usize = 256 * 1024;

/// A connection with its read buffer: `buf[start..end]` is read but not yet consumed.
struct Conn {
    tcp: TcpStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

fn bad(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.to_string())
}

impl Conn {
    /// Reads more bytes after the unconsumed ones; `Ok(0)` at the end of the stream.
    fn fill(&mut self) -> io::Result<usize> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            return Err(bad("request head too large"));
        }
        let n = self.tcp.read(&mut self.buf[self.end..])?;
        self.end += n;
        Ok(n)
    }

    /// The bytes up to `delimiter` (consumed with it); `None` at a clean end of the stream.
    fn until(&mut self, delimiter: &[u8]) -> io::Result<Option<Vec<u8>>> {
        loop {
            let window = &self.buf[self.start..self.end];
            if let Some(at) = window.windows(delimiter.len()).position(|w| w == delimiter) {
                let out = window[..at].to_vec();
                self.start += at + delimiter.len();
                return Ok(Some(out));
            }
            if self.fill()? == 0 {
                return if self.start == self.end {
                    Ok(None)
                } else {
                    Err(bad("truncated"))
                };
            }
        }
    }

    /// Reads and drops `n` bytes.
    fn discard(&mut self, mut n: u64) -> io::Result<()> {
        while n > 0 {
            if self.start == self.end && self.fill()? == 0 {
                return Err(bad("body ended early"));
            }
            let take = n.min((self.end - self.start) as u64) as usize;
            self.start += take;
            n -= take as u64;
        }
        Ok(())
    }

    /// A chunked body; returns its length.
    fn discard_chunked(&mut self) -> io::Result<u64> {
        let mut total = 0u64;
        loop {
            let line = self.until(b"\r\n")?.ok_or_else(|| bad("no chunk size"))?;
            let text = String::from_utf8_lossy(&line);
            let size = text.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(size, 16).map_err(|_| bad("bad chunk size"))?;
            if size == 0 {
                // Trailers, up to an empty line.
                while !self
                    .until(b"\r\n")?
                    .ok_or_else(|| bad("no trailer end"))?
                    .is_empty()
                {}
                return Ok(total);
            }
            self.discard(size)?;
            self.discard(2)?;
            total += size;
        }
    }
}

fn serve(tcp: TcpStream, stats: &Stats) -> io::Result<()> {
    tcp.set_nodelay(true)?;
    let mut conn = Conn {
        tcp,
        buf: vec![0; BUF],
        start: 0,
        end: 0,
    };
    while let Some(head) = conn.until(b"\r\n\r\n")? {
        let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
        let header = |name: &str| {
            head.lines().skip(1).find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == name).then(|| v.trim().to_string())
            })
        };
        let close = header("connection").is_some_and(|v| v.contains("close"))
            || head.lines().next().is_some_and(|l| l.ends_with("http/1.0"));
        if header("expect").is_some_and(|v| v == "100-continue") {
            conn.tcp.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let len = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            conn.discard_chunked()?
        } else {
            let n = header("content-length")
                .map(|v| v.parse::<u64>().map_err(|_| bad("bad content-length")))
                .transpose()?
                .unwrap_or(0);
            conn.discard(n)?;
            n
        };
        stats.body_bytes.fetch_add(len, Ordering::SeqCst);
        stats.requests.fetch_add(1, Ordering::SeqCst);
        let answer: &[u8] = if close {
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        } else {
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        };
        conn.tcp.write_all(answer)?;
        if close {
            break;
        }
    }
    Ok(())
}

fn main() {
    let url_file = std::env::args().nth(1);
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    let url = format!("http://127.0.0.1:{port}/");
    if let Some(f) = url_file {
        std::fs::write(&f, format!("{url}\n")).expect("write the URL file");
    }
    println!("{url}");
    let _ = io::stdout().flush();
    let stats = Arc::new(Stats::default());
    let watch = Arc::clone(&stats);
    std::thread::spawn(move || {
        let mut last = (0, 0, 0);
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = (
                watch.requests.load(Ordering::SeqCst),
                watch.body_bytes.load(Ordering::SeqCst),
                watch.connections.load(Ordering::SeqCst),
            );
            if now != last {
                eprintln!(
                    "requests={} body_bytes={} connections={}",
                    now.0, now.1, now.2
                );
                last = now;
            }
        }
    });
    for tcp in listener.incoming() {
        let Ok(tcp) = tcp else {
            continue;
        };
        stats.connections.fetch_add(1, Ordering::SeqCst);
        let stats = Arc::clone(&stats);
        std::thread::spawn(move || {
            let _ = serve(tcp, &stats);
        });
    }
}
