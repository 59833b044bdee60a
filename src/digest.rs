//! The digests PyPI checks on upload, computed in one pass over the bytes: SHA-256 and
//! BLAKE2b-256 always, MD5 on request. [`Hasher`] is fed chunks as they go out, so a file is
//! hashed while it is being sent.
//!
//! BLAKE2b-256 (BLAKE2b with a 32-byte digest, RFC 7693: the `blake2_256_digest` Warehouse
//! checks in `warehouse/forklift/legacy.py`) is RustCrypto's `blake2`. `blake2b_simd`, which
//! picks AVX2 at run time, was measured against it side by side (`examples/hash_pass.rs`,
//! `scripts/bench-upload`, README "Performance"): on the AMD EPYC these figures come from its
//! AVX2 code takes 1.7x the CPU time of `blake2`'s portable code, so `blake2` stays. SHA-256 is
//! the `sha2` crate, which uses the SHA-NI instructions when the CPU has them (chosen at run
//! time); `ring`'s SHA-256 measured the same.

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
    blake2: Blake2b256,
    md5: Option<Md5>,
}

/// Incremental BLAKE2b with a 32-byte (256-bit) digest, as PyPI's `blake2_256_digest`.
#[derive(Clone, Default)]
pub struct Blake2b256(Blake2b<U32>);

impl Blake2b256 {
    pub fn update(&mut self, chunk: &[u8]) {
        self.0.update(chunk);
    }

    /// The digest as 64 lowercase hex digits.
    pub fn finish_hex(self) -> String {
        hex(&self.0.finalize())
    }
}

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
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
            blake2: Blake2b256::default(),
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
            blake2_256: self.blake2.finish_hex(),
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
        // BLAKE2b-256 of the empty string (RFC 7693 with a 32-byte digest).
        assert_eq!(
            Hasher::new(false).finish().blake2_256,
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
        );
    }
}
