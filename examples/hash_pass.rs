//! The baseline of `scripts/bench-upload`: one hashing pass over a file on one thread, reading
//! 1 MiB at a time into one reused buffer (release build, page cache warm), with each candidate
//! implementation, so the fastest can be chosen and measured in the same run as the uploads.
//!
//! `hash_pass FILE ALGO` prints `ALGO HEXDIGEST SECONDS`, where ALGO is one of
//! - `blake2b_simd`: BLAKE2b-256 with `blake2b_simd` (AVX2/SSE4.1 chosen at run time);
//! - `blake2`: BLAKE2b-256 with RustCrypto's `blake2` (portable code; hoist's);
//! - `sha2`: SHA-256 with RustCrypto's `sha2` (SHA-NI chosen at run time; hoist's);
//! - `ring`: SHA-256 with `ring` (already linked for TLS).

use std::io::Read;
use std::time::Instant;

use sha2::Digest;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

enum Pass {
    Blake2bSimd(blake2b_simd::State),
    Blake2(blake2::Blake2b<blake2::digest::consts::U32>),
    Sha2(sha2::Sha256),
    Ring(ring::digest::Context),
}

impl Pass {
    fn new(algo: &str) -> Pass {
        match algo {
            "blake2b_simd" => {
                Pass::Blake2bSimd(blake2b_simd::Params::new().hash_length(32).to_state())
            }
            "blake2" => Pass::Blake2(Digest::new()),
            "sha2" => Pass::Sha2(Digest::new()),
            "ring" => Pass::Ring(ring::digest::Context::new(&ring::digest::SHA256)),
            other => panic!("unknown algorithm {other:?}: blake2b_simd, blake2, sha2 or ring"),
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Pass::Blake2bSimd(h) => drop(h.update(data)),
            Pass::Blake2(h) => h.update(data),
            Pass::Sha2(h) => h.update(data),
            Pass::Ring(h) => h.update(data),
        }
    }

    fn finish(self) -> String {
        match self {
            Pass::Blake2bSimd(h) => hex(h.finalize().as_bytes()),
            Pass::Blake2(h) => hex(&h.finalize()),
            Pass::Sha2(h) => hex(&h.finalize()),
            Pass::Ring(h) => hex(h.finish().as_ref()),
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(algo)) = (args.next(), args.next()) else {
        eprintln!("usage: hash_pass FILE blake2b_simd|blake2|sha2|ring");
        std::process::exit(2);
    };
    let mut pass = Pass::new(&algo);
    let start = Instant::now();
    let mut file = std::fs::File::open(&path).expect("open the file");
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).expect("read the file");
        if n == 0 {
            break;
        }
        pass.update(&buf[..n]);
    }
    let digest = pass.finish();
    println!("{algo} {digest} {:.3}", start.elapsed().as_secs_f64());
}
