//! Writes the seed corpus, `fuzz/corpus/<target>/*`, from the sample generator: valid
//! wheels and sdists, and the hostile shapes the robustness tests use. The corpus is not
//! checked in (it is ignored by git); run this once before fuzzing:
//! `cd fuzz && cargo run --bin seed`.

use std::path::Path;

use hoist_fuzz::samples::{self, Part, RawEntry};

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let md = samples::METADATA.as_bytes();
    let mut written = 0;
    let mut put = |target: &str, name: &str, bytes: &[u8]| -> std::io::Result<()> {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), bytes)?;
        written += 1;
        Ok(())
    };

    put("metadata", "valid", md)?;
    put(
        "metadata",
        "legacy-description",
        b"Metadata-Version: 1.1\nName: old\nVersion: 0.1\nDescription: Title\n        =====\n\
        \n        Body.\nClassifier: License :: OSI Approved :: MIT License\n\
        Requires-Dist: requests (>=2.0); python_version < \"3.8\"\n\
        Project-URL: Home, https://example.com\nLicense-Expression: MIT OR Apache-2.0\n\
        Author-email: A <a@example.com>\nRequires-Python: >=3.8\n",
    )?;
    put("metadata", "crlf", b"Name: a\r\nVersion: 1\r\n\r\nbody\r\n")?;

    put("zip", "wheel", &samples::wheel(md))?;
    put("zip", "stored-wheel", &samples::stored_wheel(md))?;
    let raw = samples::raw_wheel_entries(md);
    put("zip", "raw-wheel", &samples::raw_zip(&raw))?;
    let mut lying = raw.clone();
    lying[0].uncompressed = 10 << 30;
    put("zip", "claims-10-gib", &samples::raw_zip(&lying))?;
    let mut bomb = raw.clone();
    bomb.push(RawEntry::deflated("demo/bomb.bin", &[Part::ZeroMiB(2)]));
    put("zip", "small-bomb", &samples::raw_zip(&bomb))?;

    // The tar target's first byte: 1 = gzip the rest first, 0 = the rest is the file.
    let mut gz = vec![0];
    gz.extend(samples::sdist(md));
    put("tar", "sdist", &gz)?;
    let mut plain = vec![1];
    for (name, bytes) in samples::sdist_members(md) {
        plain.extend(samples::tar_header(
            &name,
            tar::EntryType::Regular,
            bytes.len() as u64,
        ));
        plain.extend(&bytes);
        plain.resize(plain.len().next_multiple_of(512), 0);
    }
    plain.extend([0; 1024]);
    put("tar", "sdist-uncompressed", &plain)?;

    println!("wrote {written} seeds under {}", root.display());
    Ok(())
}
