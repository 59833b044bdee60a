//! The `multipart/form-data` body, streamed: the text fields, then the file read once in
//! chunks (hashed as it goes out), then the digest fields computed from those same chunks.
//! Digest values have a fixed length, so the Content-Length is known before the first byte.
//! With `digests_first` the digests are computed beforehand and sent before the file.
//!
//! A reader thread feeds a small bounded channel, so memory stays at a few chunks whatever
//! the file's size. The reader hashes SHA-256 as it goes and hands each chunk (shared, not
//! copied) to a second thread for BLAKE2b-256, so the two digests are computed side by side
//! rather than one after the other, both overlapping the sending.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use blake2::Blake2b;
use blake2::digest::consts::U32;
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::form::FormField;
use crate::digest::{Digests, HEX256_LEN, Hasher};

const CHUNK: usize = 256 * 1024;
const IN_FLIGHT: usize = 8;

/// A body ready to be sent, possibly several times (each attempt reads the file again).
#[derive(Debug, Clone)]
pub struct MultipartBody {
    pub boundary: String,
    head: Vec<u8>,
    content_header: Vec<u8>,
    file: PathBuf,
    pub file_len: u64,
    filename: String,
    /// Known digests, sent before the file (two-pass mode).
    digests_first: Option<Digests>,
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh random boundary.
pub fn new_boundary() -> String {
    let mut s = String::from("hoist");
    for _ in 0..2 {
        s.push_str(&format!("{:016x}", fastrand::u64(..)));
    }
    s
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
            digests_first,
        }
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
        let digests = if self.digests_first.is_some() {
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
        let digests = self.digests_first.clone().unwrap_or_else(|| h.finish());
        let mut out = self.head.clone();
        out.extend_from_slice(&self.content_header);
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\r\n");
        if self.digests_first.is_none() {
            out.extend_from_slice(&digest_parts(&self.boundary, &digests));
        }
        out.extend_from_slice(&closing(&self.boundary));
        Ok((out, digests))
    }

    /// Starts streaming: returns the chunk receiver and a handle that yields the digests once
    /// the whole file has been read. `sent` counts file bytes handed to the network.
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
        // A detached thread: nobody waits for it. It ends when the body is read, or when the
        // request is dropped (its queue closes); a stalled connection can keep it blocked, and
        // the upload never waits on that.
        std::thread::spawn(move || {
            let result = body.feed(&tx, on_chunk.as_ref());
            if let Err(e) = &result {
                // The body must not end short as if it were complete: the error goes in too.
                let _ = tx.blocking_send(Err(std::io::Error::new(e.kind(), e.to_string())));
            }
            let _ = done_tx.send(result);
        });
        (rx, done_rx)
    }

    /// Reads the file into the queue, hashing it; returns the digests, or why it could not.
    fn feed(
        &self,
        tx: &tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
        on_chunk: &(dyn Fn(u64) + Send + Sync),
    ) -> std::io::Result<Digests> {
        let abandoned =
            || std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the request was abandoned");
        let send = |b: Bytes| tx.blocking_send(Ok(b)).is_ok();
        let mut first = self.head.clone();
        first.extend_from_slice(&self.content_header);
        if !send(Bytes::from(first)) {
            return Err(abandoned());
        }
        let mut file = File::open(&self.file).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot read {}: {e}", self.file.display()),
            )
        })?;
        // BLAKE2b-256 on a thread of its own; it ends when `to_blake2` is dropped.
        let (to_blake2, chunks) = std::sync::mpsc::sync_channel::<Bytes>(IN_FLIGHT);
        let blake2 = std::thread::spawn(move || {
            let mut h = Blake2b::<U32>::new();
            for chunk in chunks {
                h.update(&chunk);
            }
            hex(&h.finalize())
        });
        let mut sha256 = Sha256::new();
        let mut total = 0u64;
        let changed = |read: u64| {
            std::io::Error::other(format!(
                "{} changed while it was being uploaded ({} bytes expected, {read} read)",
                self.filename, self.file_len
            ))
        };
        // Exactly the announced length: the Content-Length was promised before the first byte.
        while total < self.file_len {
            let want = (self.file_len - total).min(CHUNK as u64);
            // Read into spare capacity: no zeroing of each chunk before the read.
            let mut buf = Vec::with_capacity(want as usize);
            let n = (&mut file).take(want).read_to_end(&mut buf)?;
            if n == 0 {
                return Err(changed(total));
            }
            let buf = Bytes::from(buf);
            if to_blake2.send(buf.clone()).is_err() {
                return Err(std::io::Error::other("the BLAKE2b-256 thread stopped"));
            }
            sha256.update(&buf);
            total += n as u64;
            if !send(buf) {
                return Err(abandoned());
            }
            on_chunk(n as u64);
        }
        let mut probe = [0u8; 1];
        if file.read(&mut probe)? != 0 {
            return Err(changed(total + 1));
        }
        drop(to_blake2);
        let blake2_256 = blake2
            .join()
            .map_err(|_| std::io::Error::other("the BLAKE2b-256 thread panicked"))?;
        let digests = self.digests_first.clone().unwrap_or_else(|| Digests {
            sha256: hex(&sha256.finalize()),
            blake2_256,
            md5: None,
        });
        let mut tail = b"\r\n".to_vec();
        if self.digests_first.is_none() {
            tail.extend_from_slice(&digest_parts(&self.boundary, &digests));
        }
        tail.extend_from_slice(&closing(&self.boundary));
        if !send(Bytes::from(tail)) {
            return Err(abandoned());
        }
        Ok(digests)
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
