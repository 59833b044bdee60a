//! The digests PyPI checks on upload, computed in one pass over the bytes: SHA-256 and
//! BLAKE2b-256 always, MD5 on request. [`Hasher`] is fed chunks as they go out, so a file is
//! hashed while it is being sent.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use blake2::Blake2b;
use blake2::digest::consts::U32;
use md5::Md5;
use sha2::{Digest, Sha256};

/// Hex digests of one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Digests {
    pub sha256: String,
    pub blake2_256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
}

/// Length of a SHA-256 or BLAKE2b-256 digest in hex.
pub const HEX256_LEN: usize = 64;

/// Incremental hashing of all digests at once.
#[derive(Clone)]
pub struct Hasher {
    sha256: Sha256,
    blake2: Blake2b<U32>,
    md5: Option<Md5>,
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

impl Hasher {
    pub fn new(with_md5: bool) -> Hasher {
        Hasher {
            sha256: Sha256::new(),
            blake2: Blake2b::<U32>::new(),
            md5: with_md5.then(Md5::new),
        }
    }

    pub fn update(&mut self, chunk: &[u8]) {
        self.sha256.update(chunk);
        self.blake2.update(chunk);
        if let Some(m) = &mut self.md5 {
            m.update(chunk);
        }
    }

    pub fn finish(self) -> Digests {
        Digests {
            sha256: hex(&self.sha256.finalize()),
            blake2_256: hex(&self.blake2.finalize()),
            md5: self.md5.map(|m| hex(&m.finalize())),
        }
    }
}

/// Hashes a whole file in one pass.
pub fn digest_file(path: &Path, with_md5: bool) -> io::Result<Digests> {
    let mut file = File::open(path)?;
    let mut hasher = Hasher::new(with_md5);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        let mut h = Hasher::new(true);
        h.update(b"ab");
        h.update(b"c");
        let d = h.finish();
        assert_eq!(
            d.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            d.blake2_256,
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"
        );
        assert_eq!(d.md5.as_deref(), Some("900150983cd24fb0d6963f7d28e17f72"));
        assert_eq!(d.sha256.len(), HEX256_LEN);
    }
}
