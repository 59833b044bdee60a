//! hoist's SHA-256 and BLAKE2b-256 against Python's `hashlib` (`sha256`,
//! `blake2b(digest_size=32)`), the code PyPI computes the upload digests with
//! (`warehouse/forklift/legacy.py`): lengths around the block sizes, and a large random file
//! hashed both by `digest_file` and by the streaming upload body. Known vectors are the unit
//! tests of `src/digest.rs`.

mod testpython;

use std::io::Write;
use std::process::Command;
use std::sync::Arc;

use hoist::digest::digest_file;
use hoist::upload::multipart::MultipartBody;

/// `hashlib`'s hex digests of each file, one `sha256 blake2b` line per file.
fn hashlib(paths: &[std::path::PathBuf]) -> Vec<(String, String)> {
    let out = Command::new(testpython::python())
        .arg("-c")
        .arg(
            "import hashlib, sys\n\
             for p in sys.argv[1:]:\n\
             \x20   s, b = hashlib.sha256(), hashlib.blake2b(digest_size=32)\n\
             \x20   with open(p, 'rb') as f:\n\
             \x20       while chunk := f.read(1 << 20):\n\
             \x20           s.update(chunk); b.update(chunk)\n\
             \x20   print(s.hexdigest(), b.hexdigest())\n",
        )
        .args(paths)
        .output()
        .expect("run the test Python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let (s, b) = l.split_once(' ').expect("two digests");
            (s.to_string(), b.to_string())
        })
        .collect()
}

#[test]
fn lengths_around_block_sizes_match_hashlib() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = fastrand::Rng::with_seed(13);
    let mut paths = Vec::new();
    for len in [
        0usize, 1, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1023, 1024, 4097,
    ] {
        let data: Vec<u8> = (0..len).map(|_| rng.u8(..)).collect();
        let path = dir.path().join(format!("f{len}"));
        std::fs::write(&path, &data).unwrap();
        paths.push(path);
    }
    let expected = hashlib(&paths);
    for (path, (sha, b2)) in paths.iter().zip(expected) {
        let d = digest_file(path, false).unwrap();
        assert_eq!((d.sha256, d.blake2_256), (sha, b2), "{}", path.display());
    }
}

#[test]
fn a_large_random_file_matches_hashlib_read_and_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big-1.0.tar.gz");
    // 24 MiB and an odd tail: many chunks of the upload body, and a last partial block.
    let len = (24usize << 20) + 12_345;
    let mut rng = fastrand::Rng::with_seed(740);
    let mut f = std::fs::File::create(&path).unwrap();
    let mut block = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len());
        rng.fill(&mut block[..n]);
        f.write_all(&block[..n]).unwrap();
        left -= n;
    }
    drop(f);
    let (sha, b2) = hashlib(std::slice::from_ref(&path)).remove(0);

    let read = digest_file(&path, false).unwrap();
    assert_eq!((&read.sha256, &read.blake2_256), (&sha, &b2));

    let body = MultipartBody::new(
        &[],
        path.clone(),
        "big-1.0.tar.gz",
        len as u64,
        None,
        "B".into(),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let streamed = rt.block_on(async {
        let (mut rx, done) = body.stream(Arc::new(|_| {}));
        let mut bytes = 0u64;
        while let Some(chunk) = rx.recv().await {
            bytes += chunk.unwrap().len() as u64;
        }
        assert_eq!(bytes, body.content_length());
        done.await.unwrap().unwrap()
    });
    assert_eq!((streamed.sha256, streamed.blake2_256), (sha, b2));
}
