//! Generators for the distributions that the robustness tests, the fuzz seeds and the
//! benchmark feed to `hoist check`: valid wheels and sdists to mutate, and hostile archives
//! (zip bombs, members that claim 10 GiB, gzip streams that expand to gigabytes) built in
//! milliseconds and a few kilobytes.
//!
//! It is one file with no dependencies beyond hoist's own (`zip`, `tar`, `flate2`,
//! `crc32fast`), included with `#[path]` by `tests/robustness.rs`, `benches/check.rs` and the
//! fuzz crate, so all three build exactly the same files. Nothing here is checked-in binary
//! data: every fixture is made by this code, so a reader can see why it is bad.

#![allow(dead_code)] // each includer uses a different part

use std::io::{self, Cursor, Seek, Write};

use flate2::{Compress, Compression, FlushCompress, Status};

/// The project every sample describes.
pub const NAME: &str = "demo";
pub const VERSION: &str = "1.0";
/// The wheel's filename; its `{name}-{version}` prefix is where hoist looks for METADATA.
pub const WHEEL_FILENAME: &str = "demo-1.0-py3-none-any.whl";
/// The sdist's filename; `demo-1.0/` is its top-level directory.
pub const SDIST_FILENAME: &str = "demo-1.0.tar.gz";

/// Core metadata that passes every hoist rule.
pub const METADATA: &str = "Metadata-Version: 2.1\n\
Name: demo\n\
Version: 1.0\n\
Summary: A demonstration package\n\
Description-Content-Type: text/markdown\n\
\n\
# demo\n\
\n\
Hello.\n";

const WHEEL: &str = "Wheel-Version: 1.0\n\
Generator: hoist-samples\n\
Root-Is-Purelib: true\n\
Tag: py3-none-any\n";

const INIT_PY: &str = "\"\"\"The demo package.\"\"\"\n\n__version__ = \"1.0\"\n";

/// The name of the big member in a wheel with a data payload.
pub const DATA_MEMBER: &str = "demo/data.bin";

/// Deterministic incompressible bytes (xorshift64), so a stored payload really is stored.
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Noise {
        Noise(seed | 1)
    }

    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// Writes a wheel for `demo 1.0` with the `zip` crate: `demo/__init__.py`, the `.dist-info`
/// files (METADATA, WHEEL, RECORD), and, when `data_len > 0`, a stored member
/// [`DATA_MEMBER`] of `data_len` incompressible bytes, streamed in 1 MiB chunks.
///
/// `deflate` chooses the compression of the small members. RECORD lists every member with
/// its size; its hashes are placeholders, because hoist (like PyPI) does not verify them.
pub fn write_wheel<W: Write + Seek>(
    out: W,
    metadata: &[u8],
    data_len: u64,
    deflate: bool,
) -> io::Result<W> {
    use zip::CompressionMethod;
    use zip::write::SimpleFileOptions;

    let small = SimpleFileOptions::default().compression_method(if deflate {
        CompressionMethod::Deflated
    } else {
        CompressionMethod::Stored
    });
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut zip = zip::ZipWriter::new(out);
    let mut record = String::new();
    let add = |zip: &mut zip::ZipWriter<W>, record: &mut String, name: &str, bytes: &[u8]| {
        zip.start_file(name, small).map_err(io::Error::other)?;
        zip.write_all(bytes)?;
        record.push_str(&format!("{name},sha256=placeholder,{}\n", bytes.len()));
        io::Result::Ok(())
    };
    add(
        &mut zip,
        &mut record,
        "demo/__init__.py",
        INIT_PY.as_bytes(),
    )?;
    if data_len > 0 {
        zip.start_file(DATA_MEMBER, stored)
            .map_err(io::Error::other)?;
        let mut noise = Noise::new(data_len);
        let mut buf = vec![0u8; 1 << 20];
        let mut left = data_len;
        while left > 0 {
            let n = left.min(buf.len() as u64) as usize;
            noise.fill(&mut buf[..n]);
            zip.write_all(&buf[..n])?;
            left -= n as u64;
        }
        record.push_str(&format!("{DATA_MEMBER},sha256=placeholder,{data_len}\n"));
    }
    add(
        &mut zip,
        &mut record,
        "demo-1.0.dist-info/METADATA",
        metadata,
    )?;
    add(
        &mut zip,
        &mut record,
        "demo-1.0.dist-info/WHEEL",
        WHEEL.as_bytes(),
    )?;
    record.push_str("demo-1.0.dist-info/RECORD,,\n");
    zip.start_file("demo-1.0.dist-info/RECORD", small)
        .map_err(io::Error::other)?;
    zip.write_all(record.as_bytes())?;
    zip.finish().map_err(io::Error::other)
}

/// A small valid wheel in memory (deflated members, no payload).
pub fn wheel(metadata: &[u8]) -> Vec<u8> {
    write_wheel(Cursor::new(Vec::new()), metadata, 0, true)
        .expect("writing to memory cannot fail")
        .into_inner()
}

/// A small valid wheel whose members are all stored, so each member's bytes appear verbatim
/// in the file.
pub fn stored_wheel(metadata: &[u8]) -> Vec<u8> {
    write_wheel(Cursor::new(Vec::new()), metadata, 0, false)
        .expect("writing to memory cannot fail")
        .into_inner()
}

/// The members of [`sdist`], `(path, contents)`, PKG-INFO first.
pub fn sdist_members(pkg_info: &[u8]) -> Vec<(String, Vec<u8>)> {
    vec![
        ("demo-1.0/PKG-INFO".into(), pkg_info.to_vec()),
        (
            "demo-1.0/pyproject.toml".into(),
            b"[project]\nname = \"demo\"\nversion = \"1.0\"\n".to_vec(),
        ),
        (
            "demo-1.0/demo/__init__.py".into(),
            INIT_PY.as_bytes().to_vec(),
        ),
    ]
}

/// A valid sdist (`.tar.gz`) for `demo 1.0`, with the given PKG-INFO.
pub fn sdist(pkg_info: &[u8]) -> Vec<u8> {
    let members = sdist_members(pkg_info);
    let members: Vec<(&str, &[u8])> = members
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    tar_gz(&members)
}

/// A gzip-compressed tar of regular files.
pub fn tar_gz(members: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut h, name, *bytes)
            .expect("writing to memory cannot fail");
    }
    tar.into_inner()
        .and_then(|gz| gz.finish())
        .expect("writing to memory cannot fail")
}

/// One 512-byte tar header (GNU format, so sizes of 8 GiB and more use base-256).
pub fn tar_header(name: &str, kind: tar::EntryType, size: u64) -> Vec<u8> {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    {
        // Raw name bytes, so names tar's `set_path` would refuse (`././@LongLink`) work too.
        let gnu = h.as_gnu_mut().expect("a GNU header");
        let n = name.len().min(gnu.name.len());
        gnu.name[..n].copy_from_slice(&name.as_bytes()[..n]);
    }
    h.set_cksum();
    h.as_bytes().to_vec()
}

/// A piece of an uncompressed stream for [`deflate_parts`].
pub enum Part<'a> {
    Bytes(&'a [u8]),
    /// This many MiB of zero bytes.
    ZeroMiB(u64),
}

/// A raw deflate stream of `parts`, with the CRC-32 and length of what it expands to.
///
/// Runs of zeros cost almost nothing to build: the compressor really compresses at most two
/// MiB of each run, flushing to a byte boundary after each MiB; the compressed form of the
/// second MiB depends only on the 32 KiB of zeros before it, so it is repeated for the rest.
/// A 1 GiB run becomes about 1 MiB of deflate data, made in milliseconds.
pub fn deflate_parts(parts: &[Part]) -> (Vec<u8>, u32, u64) {
    const MIB: usize = 1 << 20;
    let zeros = vec![0u8; MIB];
    let mut zeros_crc = crc32fast::Hasher::new();
    zeros_crc.update(&zeros);
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::new();
    let mut crc = crc32fast::Hasher::new();
    let mut len = 0u64;
    for part in parts {
        match part {
            Part::Bytes(b) => {
                compress(&mut c, b, FlushCompress::Sync, &mut out);
                crc.update(b);
                len += b.len() as u64;
            }
            Part::ZeroMiB(n) => {
                let mut steady = Vec::new();
                for i in 0..*n {
                    if i < 2 {
                        let start = out.len();
                        compress(&mut c, &zeros, FlushCompress::Sync, &mut out);
                        steady = out[start..].to_vec();
                    } else {
                        out.extend_from_slice(&steady);
                    }
                    crc.combine(&zeros_crc);
                    len += MIB as u64;
                }
            }
        }
    }
    compress(&mut c, &[], FlushCompress::Finish, &mut out);
    (out, crc.finalize(), len)
}

fn compress(c: &mut Compress, mut input: &[u8], flush: FlushCompress, out: &mut Vec<u8>) {
    loop {
        out.reserve(64 * 1024);
        let before = c.total_in();
        let status = c
            .compress_vec(input, out, flush)
            .expect("compressing to memory cannot fail");
        input = &input[(c.total_in() - before) as usize..];
        let finished = match flush {
            FlushCompress::Finish => status == Status::StreamEnd,
            _ => input.is_empty() && out.len() < out.capacity(),
        };
        if finished {
            return;
        }
    }
}

/// A gzip file around [`deflate_parts`].
pub fn gzip_parts(parts: &[Part]) -> Vec<u8> {
    let (deflated, crc, len) = deflate_parts(parts);
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend_from_slice(&deflated);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out
}

/// One member for [`raw_zip`], written exactly as described, lies included.
#[derive(Clone)]
pub struct RawEntry {
    pub name: Vec<u8>,
    pub method: u16,
    /// The bytes stored in the archive (already compressed for method 8).
    pub data: Vec<u8>,
    pub crc: u32,
    /// What the headers claim.
    pub uncompressed: u64,
    pub compressed: u64,
}

impl RawEntry {
    pub fn stored(name: &str, data: &[u8]) -> RawEntry {
        RawEntry {
            name: name.as_bytes().to_vec(),
            method: 0,
            data: data.to_vec(),
            crc: crc32fast::hash(data),
            uncompressed: data.len() as u64,
            compressed: data.len() as u64,
        }
    }

    pub fn deflated(name: &str, parts: &[Part]) -> RawEntry {
        let (data, crc, len) = deflate_parts(parts);
        RawEntry {
            name: name.as_bytes().to_vec(),
            method: 8,
            compressed: data.len() as u64,
            data,
            crc,
            uncompressed: len,
        }
    }

    fn zip64(&self) -> bool {
        self.uncompressed >= 0xFFFF_FFFF || self.compressed >= 0xFFFF_FFFF
    }
}

/// The members of a valid wheel, stored, for [`raw_zip`].
pub fn raw_wheel_entries(metadata: &[u8]) -> Vec<RawEntry> {
    vec![
        RawEntry::stored("demo/__init__.py", INIT_PY.as_bytes()),
        RawEntry::stored("demo-1.0.dist-info/METADATA", metadata),
        RawEntry::stored("demo-1.0.dist-info/WHEEL", WHEEL.as_bytes()),
        RawEntry::stored(
            "demo-1.0.dist-info/RECORD",
            b"demo/__init__.py,,\ndemo-1.0.dist-info/METADATA,,\n\
demo-1.0.dist-info/WHEEL,,\ndemo-1.0.dist-info/RECORD,,\n",
        ),
    ]
}

/// A ZIP archive written field by field, so its headers can claim anything. Sizes of 4 GiB
/// and more go in a ZIP64 extra field (in the local header and the central directory alike).
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    fn u16le(v: &mut Vec<u8>, x: u16) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    fn u32le(v: &mut Vec<u8>, x: u32) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    let sizes = |e: &RawEntry| -> (u32, u32, Vec<u8>) {
        if e.zip64() {
            let mut extra = Vec::new();
            u16le(&mut extra, 0x0001);
            u16le(&mut extra, 16);
            extra.extend_from_slice(&e.uncompressed.to_le_bytes());
            extra.extend_from_slice(&e.compressed.to_le_bytes());
            (0xFFFF_FFFF, 0xFFFF_FFFF, extra)
        } else {
            (e.compressed as u32, e.uncompressed as u32, Vec::new())
        }
    };
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        offsets.push(out.len() as u32);
        let (c, u, extra) = sizes(e);
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, if e.zip64() { 45 } else { 20 });
        u16le(&mut out, 0); // flags
        u16le(&mut out, e.method);
        u32le(&mut out, 0x0021_0000); // 1980-01-01 00:00
        u32le(&mut out, e.crc);
        u32le(&mut out, c);
        u32le(&mut out, u);
        u16le(&mut out, e.name.len() as u16);
        u16le(&mut out, extra.len() as u16);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&extra);
        out.extend_from_slice(&e.data);
    }
    let cd_start = out.len() as u32;
    for (e, offset) in entries.iter().zip(offsets) {
        let (c, u, extra) = sizes(e);
        u32le(&mut out, 0x0201_4b50);
        u16le(&mut out, 0x031e); // made by: Unix, 3.0
        u16le(&mut out, if e.zip64() { 45 } else { 20 });
        u16le(&mut out, 0);
        u16le(&mut out, e.method);
        u32le(&mut out, 0x0021_0000);
        u32le(&mut out, e.crc);
        u32le(&mut out, c);
        u32le(&mut out, u);
        u16le(&mut out, e.name.len() as u16);
        u16le(&mut out, extra.len() as u16);
        u16le(&mut out, 0); // comment
        u16le(&mut out, 0); // disk
        u16le(&mut out, 0); // internal attributes
        u32le(&mut out, 0o100644 << 16);
        u32le(&mut out, offset);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&extra);
    }
    let cd_size = out.len() as u32 - cd_start;
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, entries.len() as u16);
    u16le(&mut out, entries.len() as u16);
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_start);
    u16le(&mut out, 0);
    out
}
