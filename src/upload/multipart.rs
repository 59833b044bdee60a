//! The `multipart/form-data` body, streamed: the text fields, then the file read once in
//! chunks (hashed as it goes out), then the digest fields computed from those same chunks.
//! Digest values have a fixed length, so the Content-Length is known before the first byte.
//! With `digests_first` the digests are computed beforehand and sent before the file.
//!
//! A reader on the runtime's blocking pool (threads are reused from file to file) feeds a small
//! bounded channel, so memory stays at a few chunks whatever the file's size. A file of at
//! most one chunk goes out as one buffer (fields, file and digests together), hashed on the
//! reader. A larger file is read in chunks; the reader hashes SHA-256 as it goes and hands
//! each chunk (shared, not copied) to a second thread for BLAKE2b-256, so the two digests are
//! computed side by side, both overlapping the sending. When the digests are already known
//! (computed once per run for `--attest`/`--attestations`, or `--digests-first`), the file is
//! only read and sent.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::form::FormField;
use crate::digest::{Blake2b256, Digests, HEX256_LEN, Hasher, hex};

/// Bytes per read. 1 MiB rather than 256 KiB: the same CPU time, but a quarter of the
/// hand-offs between the reader, the BLAKE2b-256 thread and the runtime, which on a loaded
/// 2-core machine took a 1 GiB upload from 1.6-1.8 s to 1.15 s of wall time (README,
/// Performance).
const CHUNK: usize = 1024 * 1024;
/// Chunks queued for the network, and for BLAKE2b-256: with those being sent and hashed, about
/// 10 MiB of buffers whatever the file's size.
const IN_FLIGHT: usize = 4;

/// A body ready to be sent, possibly several times (each attempt reads the file again).
#[derive(Debug, Clone)]
pub struct MultipartBody {
    pub boundary: String,
    head: Vec<u8>,
    content_header: Vec<u8>,
    file: PathBuf,
    pub file_len: u64,
    filename: String,
    /// Digests known before the file is read: the body only sends them, it does not hash.
    known: Option<Digests>,
    /// Whether the digests go before the file (two-pass mode) rather than after it.
    first: bool,
}

fn text_part(out: &mut Vec<u8>, boundary: &str, name: &str, value: &str) {
    out.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n",
            quote(name)
        )
        .as_bytes(),
    );
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Escapes a name or filename for a Content-Disposition parameter, as browsers do.
fn quote(s: &str) -> String {
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn digest_parts(boundary: &str, d: &Digests) -> Vec<u8> {
    let mut out = Vec::new();
    text_part(&mut out, boundary, "sha256_digest", &d.sha256);
    text_part(&mut out, boundary, "blake2_256_digest", &d.blake2_256);
    out
}

fn closing(boundary: &str) -> Vec<u8> {
    format!("--{boundary}--\r\n").into_bytes()
}

/// A fresh random boundary.
pub fn new_boundary() -> String {
    let mut s = String::from("hoist");
    for _ in 0..2 {
        s.push_str(&format!("{:016x}", fastrand::u64(..)));
    }
    s
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A chunk buffer that goes back to its pool when the last [`Bytes`] sharing it is dropped.
struct Pooled {
    buf: Vec<u8>,
    len: usize,
    pool: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Pooled {
    /// A buffer of `CHUNK` bytes from the pool, or a new one.
    fn take(pool: &Arc<Mutex<Vec<Vec<u8>>>>) -> Pooled {
        let reused = pool.lock().ok().and_then(|mut p| p.pop());
        Pooled {
            buf: reused.unwrap_or_else(|| vec![0; CHUNK]),
            len: 0,
            pool: Arc::clone(pool),
        }
    }
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Ok(mut pool) = self.pool.lock() {
            pool.push(std::mem::take(&mut self.buf));
        }
    }
}

impl MultipartBody {
    pub fn new(
        fields: &[FormField],
        file: PathBuf,
        filename: &str,
        file_len: u64,
        digests_first: Option<Digests>,
        boundary: String,
    ) -> MultipartBody {
        let mut head = Vec::new();
        for f in fields {
            text_part(&mut head, &boundary, &f.name, &f.value);
        }
        if let Some(d) = &digests_first {
            head.extend_from_slice(&digest_parts(&boundary, d));
        }
        let content_header = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            quote(filename)
        )
        .into_bytes();
        MultipartBody {
            boundary,
            head,
            content_header,
            file,
            file_len,
            filename: filename.to_string(),
            first: digests_first.is_some(),
            known: digests_first,
        }
    }

    /// Sends `digests` (computed earlier in this run) after the file instead of hashing it
    /// again; with `--digests-first` they already go before it. The index compares them with
    /// the bytes it receives, so a file changed since it was hashed is refused, not
    /// published with wrong digests.
    pub fn with_known_digests(mut self, digests: Digests) -> MultipartBody {
        self.known = Some(digests);
        self
    }

    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    fn tail_len(&self) -> u64 {
        let placeholder = Digests {
            sha256: "0".repeat(HEX256_LEN),
            blake2_256: "0".repeat(HEX256_LEN),
            md5: None,
        };
        let digests = if self.first {
            0
        } else {
            digest_parts(&self.boundary, &placeholder).len()
        };
        (2 + digests + closing(&self.boundary).len()) as u64
    }

    /// The exact number of bytes the body will have.
    pub fn content_length(&self) -> u64 {
        (self.head.len() + self.content_header.len()) as u64 + self.file_len + self.tail_len()
    }

    /// The whole body in memory, for tests and `--dry-run` snapshots of small files.
    pub fn to_vec(&self) -> std::io::Result<(Vec<u8>, Digests)> {
        let data = std::fs::read(&self.file)?;
        let mut h = Hasher::new(false);
        h.update(&data);
        let digests = self.known.clone().unwrap_or_else(|| h.finish());
        let mut out = self.head.clone();
        out.extend_from_slice(&self.content_header);
        out.extend_from_slice(&data);
        self.push_tail(&mut out, &digests);
        Ok((out, digests))
    }

    /// What follows the file: the digests (unless they went first) and the closing boundary.
    fn push_tail(&self, out: &mut Vec<u8>, digests: &Digests) {
        out.extend_from_slice(b"\r\n");
        if !self.first {
            out.extend_from_slice(&digest_parts(&self.boundary, digests));
        }
        out.extend_from_slice(&closing(&self.boundary));
    }

    /// Starts streaming: returns the chunk receiver and a handle that yields the digests once
    /// the whole file has been read. `on_chunk` counts file bytes handed to the network. The
    /// reader runs on the current tokio runtime's blocking pool (a thread of its own outside
    /// a runtime).
    pub fn stream(
        &self,
        on_chunk: Arc<dyn Fn(u64) + Send + Sync>,
    ) -> (
        tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>,
        tokio::sync::oneshot::Receiver<std::io::Result<Digests>>,
    ) {
        let (tx, rx) = tokio::sync::mpsc::channel(IN_FLIGHT);
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let body = self.clone();
        // Nobody waits for the reader. It ends when the body is read, or when the request is
        // dropped (its queue closes); a stalled connection can keep it blocked, and the
        // upload never waits on that.
        let read = move || {
            let result = body.feed(&tx, on_chunk.as_ref());
            if let Err(e) = &result {
                // The body must not end short as if it were complete: the error goes in too.
                let _ = tx.blocking_send(Err(std::io::Error::new(e.kind(), e.to_string())));
            }
            let _ = done_tx.send(result);
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => drop(rt.spawn_blocking(read)),
            Err(_) => drop(std::thread::spawn(read)),
        }
        (rx, done_rx)
    }

    fn changed(&self, read: u64) -> std::io::Error {
        std::io::Error::other(format!(
            "{} changed while it was being uploaded ({} bytes expected, {read} read)",
            self.filename, self.file_len
        ))
    }

    /// Reads the file into the queue, hashing it unless its digests are known; returns the
    /// digests, or why it could not.
    fn feed(
        &self,
        tx: &tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
        on_chunk: &(dyn Fn(u64) + Send + Sync),
    ) -> std::io::Result<Digests> {
        let abandoned =
            || std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the request was abandoned");
        let send = |b: Vec<u8>| tx.blocking_send(Ok(Bytes::from(b))).is_ok();
        let mut file = File::open(&self.file).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot read {}: {e}", self.file.display()),
            )
        })?;
        let mut first = self.head.clone();
        first.extend_from_slice(&self.content_header);
        let digests = if self.file_len <= CHUNK as u64 {
            // One buffer for the whole body: one allocation, one queue slot, one write. One
            // byte more than announced is asked for, to see a file that grew.
            let start = first.len();
            let len = self.file_len as usize;
            first.reserve_exact(len + 1 + self.tail_len() as usize);
            first.resize(start + len + 1, 0);
            let n = read_full(&mut file, &mut first[start..])?;
            if n != len {
                return Err(self.changed(n as u64));
            }
            first.truncate(start + len);
            let digests = match &self.known {
                Some(d) => d.clone(),
                None => {
                    let mut h = Hasher::new(false);
                    h.update(&first[start..]);
                    h.finish()
                }
            };
            self.push_tail(&mut first, &digests);
            if !send(first) {
                return Err(abandoned());
            }
            on_chunk(n as u64);
            digests
        } else {
            if !send(first) {
                return Err(abandoned());
            }
            let digests = self.feed_chunks(&mut file, tx, on_chunk)?;
            let mut tail = Vec::with_capacity(self.tail_len() as usize);
            self.push_tail(&mut tail, &digests);
            if !send(tail) {
                return Err(abandoned());
            }
            digests
        };
        Ok(digests)
    }

    /// Checks that the file ends where it was announced to: the Content-Length was promised
    /// before the first byte.
    fn check_end(&self, file: &mut File, read: u64) -> std::io::Result<()> {
        let mut probe = [0u8; 1];
        if file.read(&mut probe)? != 0 {
            return Err(self.changed(read + 1));
        }
        Ok(())
    }

    /// The file in chunks, each read once (one `read` call) into a buffer that goes to the
    /// queue as it is (and to the BLAKE2b-256 thread, shared): no copy. Buffers come back to
    /// a small pool when the network and the hash are done with them, so a large file costs
    /// neither an allocation nor a page fault per chunk.
    fn feed_chunks(
        &self,
        file: &mut File,
        tx: &tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
        on_chunk: &(dyn Fn(u64) + Send + Sync),
    ) -> std::io::Result<Digests> {
        let hashing = self.known.is_none();
        std::thread::scope(|scope| {
            // BLAKE2b-256 on a thread of its own; it ends when `to_blake2` is dropped.
            let (to_blake2, chunks) = std::sync::mpsc::sync_channel::<Bytes>(IN_FLIGHT);
            let blake2 = hashing.then(|| {
                scope.spawn(move || {
                    let mut h = Blake2b256::default();
                    for chunk in chunks {
                        h.update(&chunk);
                    }
                    h.finish_hex()
                })
            });
            let mut sha256 = Sha256::new();
            let pool = Arc::new(Mutex::new(Vec::new()));
            let mut total = 0u64;
            while total < self.file_len {
                let want = (self.file_len - total).min(CHUNK as u64) as usize;
                let mut buf = Pooled::take(&pool);
                let n = read_full(file, &mut buf.buf[..want])?;
                if n < want {
                    return Err(self.changed(total + n as u64));
                }
                buf.len = n;
                let buf = Bytes::from_owner(buf);
                if hashing {
                    if to_blake2.send(buf.clone()).is_err() {
                        return Err(std::io::Error::other("the BLAKE2b-256 thread stopped"));
                    }
                    sha256.update(&buf);
                }
                total += n as u64;
                if tx.blocking_send(Ok(buf)).is_err() {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::BrokenPipe,
                        "the request was abandoned",
                    ));
                }
                on_chunk(n as u64);
            }
            self.check_end(file, total)?;
            drop(to_blake2);
            if let Some(d) = &self.known {
                return Ok(d.clone());
            }
            let blake2_256 = blake2
                .map(|t| t.join())
                .transpose()
                .map_err(|_| std::io::Error::other("the BLAKE2b-256 thread panicked"))?
                .unwrap_or_default();
            Ok(Digests {
                sha256: hex(&sha256.finalize()),
                blake2_256,
                md5: None,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(digests_first: bool) -> (MultipartBody, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo-1.0.tar.gz");
        std::fs::write(&path, b"0123456789").unwrap();
        let d = digests_first.then(|| crate::digest::digest_file(&path, false).unwrap());
        let fields = vec![FormField {
            name: ":action".into(),
            value: "file_upload".into(),
        }];
        (
            MultipartBody::new(&fields, path, "demo-1.0.tar.gz", 10, d, "BOUNDARY".into()),
            dir,
        )
    }

    #[test]
    fn content_length_is_exact_and_digests_follow_the_file() {
        for first in [false, true] {
            let (b, _dir) = body(first);
            let (bytes, digests) = b.to_vec().unwrap();
            assert_eq!(bytes.len() as u64, b.content_length());
            let text = String::from_utf8(bytes).unwrap();
            let content = text.find("name=\"content\"").unwrap();
            let sha = text.find("name=\"sha256_digest\"").unwrap();
            assert_eq!(sha > content, !first, "digests_first={first}");
            assert!(text.contains(&digests.sha256));
            assert!(text.ends_with("--BOUNDARY--\r\n"));
        }
    }

    #[test]
    fn streamed_body_equals_the_in_memory_one() {
        let (b, _dir) = body(false);
        let (expected, _) = b.to_vec().unwrap();
        let (mut rx, done) = b.stream(Arc::new(|_| {}));
        let mut got = Vec::new();
        while let Some(chunk) = rx.blocking_recv() {
            got.extend_from_slice(&chunk.unwrap());
        }
        let digests = done.blocking_recv().unwrap().unwrap();
        assert_eq!(got, expected);
        assert_eq!(digests, crate::digest::digest_file(&b.file, false).unwrap());
    }
}
