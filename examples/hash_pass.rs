//! The baseline of `scripts/bench-upload`: one hashing pass over a file, with the same crates
//! (`blake2`, `sha2`) and release profile hoist uses, reading in 1 MiB chunks, on one thread.
//! `hash_pass FILE [blake2b|sha256|both]` (default `blake2b`, i.e. BLAKE2b-256) prints the hex
//! digest(s) and the seconds taken.

use std::io::Read;
use std::time::Instant;

use blake2::Blake2b;
use blake2::digest::Digest;
use blake2::digest::consts::U32;
use sha2::Sha256;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: hash_pass FILE [blake2b|sha256|both]");
    let algo = args.next().unwrap_or_else(|| "blake2b".into());
    let (mut b2, mut sha) = match algo.as_str() {
        "blake2b" => (Some(Blake2b::<U32>::new()), None),
        "sha256" => (None, Some(Sha256::new())),
        "both" => (Some(Blake2b::<U32>::new()), Some(Sha256::new())),
        other => panic!("unknown algorithm {other:?}: blake2b, sha256 or both"),
    };
    let start = Instant::now();
    let mut file = std::fs::File::open(&path).expect("open the file");
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).expect("read the file");
        if n == 0 {
            break;
        }
        if let Some(h) = &mut b2 {
            h.update(&buf[..n]);
        }
        if let Some(h) = &mut sha {
            h.update(&buf[..n]);
        }
    }
    let mut digests = Vec::new();
    if let Some(h) = b2 {
        digests.push(hex(&h.finalize()));
    }
    if let Some(h) = sha {
        digests.push(hex(&h.finalize()));
    }
    println!("{} {:.3}", digests.join(" "), start.elapsed().as_secs_f64());
}
