//! Builders for wheels and sdists, good and deliberately broken, used by the rule tests and
//! by the fixture generator (`tests/fixtures.rs`). Output is deterministic (fixed timestamps)
//! so generated fixtures can be compared byte for byte.
//!
//! The ZIP writer here is written from the specification on purpose, separate from hoist's
//! reader, so that it can produce the framings PyPI refuses (data descriptors, comments,
//! trailing data, duplicate names, other compression methods).

#![allow(dead_code)]

pub mod cases;
pub mod run;

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder};

/// What kind of distribution to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Wheel,
    Sdist,
    ZipSdist,
}

/// One archive member.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub data: Vec<u8>,
    /// ZIP compression method (0 stored, 8 deflated, 12 bzip2 claimed, ...).
    pub method: u16,
    pub comment: Vec<u8>,
    /// Declare this uncompressed size instead of the real one (a lying header).
    pub declared_size: Option<u32>,
}

/// ZIP framing faults.
#[derive(Debug, Clone, Default)]
pub struct ZipFaults {
    pub prepend: Vec<u8>,
    pub append: Vec<u8>,
    /// Set bit 3 (data descriptor) and write a descriptor after each member's data.
    pub data_descriptor: bool,
    /// Write this member twice.
    pub duplicate: Option<String>,
}

/// A distribution to build.
#[derive(Debug, Clone)]
pub struct Spec {
    pub kind: Kind,
    pub filename: String,
    /// Metadata headers, in order.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Replaces the generated metadata file entirely.
    pub raw_metadata: Option<Vec<u8>>,
    pub members: Vec<Member>,
    /// Members of the standard layout to leave out (by name relative to the .dist-info or the
    /// sdist top directory: "WHEEL", "RECORD", "METADATA", "PKG-INFO", "licenses/LICENSE").
    pub omit: Vec<String>,
    /// Extra RECORD lines / members added after RECORD is computed.
    pub unrecorded: Vec<Member>,
    pub zip: ZipFaults,
    /// The sdist's top-level directory (default `{name}-{version}`).
    pub top: Option<String>,
    /// Mark this tar member as GNU sparse.
    pub sparse: Option<String>,
    /// Gzip output truncated to this many bytes.
    pub truncate: Option<usize>,
    /// Write the sdist as an uncompressed tar (still named .tar.gz).
    pub plain_tar: bool,
}

pub const LICENSE_TEXT: &str =
    "Permission is hereby granted, free of charge, to any person obtaining a copy.\n";
pub const README: &str = "# demo\n\nA small demonstration package.\n";

pub fn deflated(name: &str, data: &[u8]) -> Member {
    Member {
        name: name.to_string(),
        data: data.to_vec(),
        method: 8,
        comment: Vec::new(),
        declared_size: None,
    }
}

impl Spec {
    fn base(kind: Kind, filename: &str) -> Spec {
        Spec {
            kind,
            filename: filename.to_string(),
            headers: vec![
                ("Metadata-Version".into(), "2.4".into()),
                ("Name".into(), "demo".into()),
                ("Version".into(), "1.0".into()),
                ("Summary".into(), "A small demonstration package".into()),
                ("Author-email".into(), "Jane Doe <jane@example.com>".into()),
                ("License-Expression".into(), "MIT".into()),
                ("License-File".into(), "LICENSE".into()),
                (
                    "Classifier".into(),
                    "Programming Language :: Python :: 3".into(),
                ),
                ("Requires-Python".into(), ">=3.9".into()),
                (
                    "Project-URL".into(),
                    "Source, https://example.com/demo".into(),
                ),
                ("Description-Content-Type".into(), "text/markdown".into()),
            ],
            body: Some(README.to_string()),
            raw_metadata: None,
            members: vec![deflated("demo/__init__.py", b"__version__ = \"1.0\"\n")],
            omit: Vec::new(),
            unrecorded: Vec::new(),
            zip: ZipFaults::default(),
            top: None,
            sparse: None,
            truncate: None,
            plain_tar: false,
        }
    }

    /// A good pure-Python wheel, `demo-1.0-py3-none-any.whl`.
    pub fn wheel() -> Spec {
        Spec::base(Kind::Wheel, "demo-1.0-py3-none-any.whl")
    }

    /// A good sdist, `demo-1.0.tar.gz`.
    pub fn sdist() -> Spec {
        let mut s = Spec::base(Kind::Sdist, "demo-1.0.tar.gz");
        s.members.push(deflated(
            "pyproject.toml",
            b"[project]\nname = \"demo\"\nversion = \"1.0\"\n",
        ));
        s
    }

    pub fn named(mut self, filename: &str) -> Spec {
        self.filename = filename.to_string();
        self
    }

    /// Sets a single-use header (replacing it, or appending it if absent).
    pub fn set(mut self, field: &str, value: &str) -> Spec {
        match self
            .headers
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(field))
        {
            Some(h) => h.1 = value.to_string(),
            None => self.headers.push((field.to_string(), value.to_string())),
        }
        self
    }

    /// Appends a header (for multi-use fields, or to repeat a single-use one).
    pub fn add(mut self, field: &str, value: &str) -> Spec {
        self.headers.push((field.to_string(), value.to_string()));
        self
    }

    pub fn remove(mut self, field: &str) -> Spec {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(field));
        self
    }

    pub fn body(mut self, body: Option<&str>) -> Spec {
        self.body = body.map(str::to_string);
        self
    }

    pub fn raw_metadata(mut self, bytes: &[u8]) -> Spec {
        self.raw_metadata = Some(bytes.to_vec());
        self
    }

    /// Adds a member (path relative to the sdist top or the wheel root).
    pub fn file(mut self, name: &str, data: &[u8]) -> Spec {
        self.members.push(deflated(name, data));
        self
    }

    pub fn member(mut self, m: Member) -> Spec {
        self.members.push(m);
        self
    }

    pub fn omit(mut self, what: &str) -> Spec {
        self.omit.push(what.to_string());
        self
    }

    pub fn with_zip(mut self, f: impl FnOnce(&mut ZipFaults)) -> Spec {
        f(&mut self.zip);
        self
    }

    pub fn metadata_text(&self) -> Vec<u8> {
        if let Some(raw) = &self.raw_metadata {
            return raw.clone();
        }
        let mut s = String::new();
        for (k, v) in &self.headers {
            s.push_str(&format!("{k}: {v}\n"));
        }
        if let Some(body) = &self.body {
            s.push('\n');
            s.push_str(body);
        }
        s.into_bytes()
    }

    fn name_version(&self) -> (String, String) {
        let stem = self
            .filename
            .trim_end_matches(".whl")
            .trim_end_matches(".tar.gz")
            .trim_end_matches(".zip");
        match self.kind {
            Kind::Wheel => {
                let mut p = stem.splitn(3, '-');
                (p.next().unwrap_or("").into(), p.next().unwrap_or("").into())
            }
            _ => match stem.rsplit_once('-') {
                Some((n, v)) => (n.into(), v.into()),
                None => (stem.into(), String::new()),
            },
        }
    }

    /// The archive members, in order.
    pub fn archive_members(&self) -> Vec<Member> {
        let (name, version) = self.name_version();
        let omitted = |n: &str| self.omit.iter().any(|o| o == n);
        let mut out = Vec::new();
        match self.kind {
            Kind::Wheel => {
                let di = format!("{name}-{version}.dist-info");
                out.extend(self.members.iter().cloned());
                if !omitted("METADATA") {
                    out.push(deflated(&format!("{di}/METADATA"), &self.metadata_text()));
                }
                if !omitted("WHEEL") {
                    out.push(deflated(
                        &format!("{di}/WHEEL"),
                        b"Wheel-Version: 1.0\nGenerator: hoist-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
                    ));
                }
                if !omitted("licenses/LICENSE") {
                    out.push(deflated(
                        &format!("{di}/licenses/LICENSE"),
                        LICENSE_TEXT.as_bytes(),
                    ));
                }
                if !omitted("RECORD") {
                    let mut record = String::new();
                    for m in &out {
                        record.push_str(&format!("{},,\n", m.name));
                    }
                    record.push_str(&format!("{di}/RECORD,,\n"));
                    out.push(deflated(&format!("{di}/RECORD"), record.as_bytes()));
                }
                out.extend(self.unrecorded.iter().cloned());
            }
            Kind::Sdist | Kind::ZipSdist => {
                let top = self.top.clone().unwrap_or(format!("{name}-{version}"));
                let prefix = |n: &str| {
                    if top.is_empty() {
                        n.to_string()
                    } else {
                        format!("{top}/{n}")
                    }
                };
                if !omitted("PKG-INFO") {
                    out.push(deflated(&prefix("PKG-INFO"), &self.metadata_text()));
                }
                if !omitted("LICENSE") {
                    out.push(deflated(&prefix("LICENSE"), LICENSE_TEXT.as_bytes()));
                }
                for m in &self.members {
                    let mut m = m.clone();
                    m.name = prefix(&m.name);
                    out.push(m);
                }
            }
        }
        out
    }

    /// Builds the archive bytes.
    pub fn bytes(&self) -> Vec<u8> {
        let members = self.archive_members();
        match self.kind {
            Kind::Wheel | Kind::ZipSdist => write_zip(&members, &self.zip),
            Kind::Sdist => {
                let tar = write_tar(&members, self.sparse.as_deref());
                let mut out = if self.plain_tar {
                    tar
                } else {
                    let mut gz = flate2::GzBuilder::new()
                        .mtime(0)
                        .write(Vec::new(), Compression::default());
                    gz.write_all(&tar).expect("gzip to memory");
                    gz.finish().expect("gzip to memory")
                };
                if let Some(n) = self.truncate {
                    out.truncate(n);
                }
                out
            }
        }
    }

    /// Writes the distribution into `dir` under its filename.
    pub fn write(&self, dir: &Path) -> PathBuf {
        let path = dir.join(&self.filename);
        std::fs::write(&path, self.bytes()).expect("write fixture");
        path
    }
}

fn crc(data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(data);
    h.finalize()
}

/// Writes a ZIP archive from the specification (APPNOTE 4.3), with the requested faults.
pub fn write_zip(members: &[Member], faults: &ZipFaults) -> Vec<u8> {
    let mut out = faults.prepend.clone();
    let base = out.len();
    let mut central = Vec::new();
    let mut count = 0u16;
    let mut list: Vec<&Member> = members.iter().collect();
    if let Some(dup) = &faults.duplicate
        && let Some(m) = members.iter().find(|m| &m.name == dup)
    {
        list.push(m);
    }
    for m in list {
        let data = match m.method {
            8 => {
                let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
                e.write_all(&m.data).expect("deflate");
                e.finish().expect("deflate")
            }
            _ => m.data.clone(),
        };
        let crc = crc(&m.data);
        let flags: u16 = 0x800 | if faults.data_descriptor { 0x08 } else { 0 };
        let offset = (out.len() - base) as u32;
        let (lcrc, lc, lu) = if faults.data_descriptor {
            (0, 0, 0)
        } else {
            (
                crc,
                data.len() as u32,
                m.declared_size.unwrap_or(m.data.len() as u32),
            )
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&flags.to_le_bytes());
        out.extend_from_slice(&m.method.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // time
        out.extend_from_slice(&0x0021u16.to_le_bytes()); // date 1980-01-01
        out.extend_from_slice(&lcrc.to_le_bytes());
        out.extend_from_slice(&lc.to_le_bytes());
        out.extend_from_slice(&lu.to_le_bytes());
        out.extend_from_slice(&(m.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(m.name.as_bytes());
        out.extend_from_slice(&data);
        if faults.data_descriptor {
            out.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(m.data.len() as u32).to_le_bytes());
        }
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&flags.to_le_bytes());
        central.extend_from_slice(&m.method.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0x0021u16.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&m.declared_size.unwrap_or(m.data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(m.name.len() as u16).to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes()); // extra
        central.extend_from_slice(&(m.comment.len() as u16).to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attrs
        central.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(m.name.as_bytes());
        central.extend_from_slice(&m.comment);
        count += 1;
    }
    let cd_offset = (out.len() - base) as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&faults.append);
    out
}

/// Writes an uncompressed tar (ustar) with fixed metadata; `sparse` marks one member GNU
/// sparse.
pub fn write_tar(members: &[Member], sparse: Option<&str>) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for m in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(m.data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        if sparse == Some(m.name.as_str()) {
            // An old-GNU sparse member with one block covering all its data.
            h.set_entry_type(tar::EntryType::GNUSparse);
            let octal = |v: usize, out: &mut [u8; 12]| {
                let s = format!("{v:011o}");
                out[..11].copy_from_slice(s.as_bytes());
                out[11] = 0;
            };
            if let Some(gnu) = h.as_gnu_mut() {
                octal(0, &mut gnu.sparse[0].offset);
                octal(m.data.len(), &mut gnu.sparse[0].numbytes);
                octal(m.data.len(), &mut gnu.realsize);
            }
        } else {
            h.set_entry_type(tar::EntryType::Regular);
        }
        h.set_path(&m.name).expect("tar path");
        h.set_cksum();
        b.append(&h, m.data.as_slice()).expect("tar append");
    }
    b.into_inner().expect("tar finish")
}

/// Gzip-compresses bytes with a fixed header.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(data).expect("gzip");
    gz.finish().expect("gzip")
}

/// `len` bytes that deflate cannot shrink (xorshift64 from `seed`), for files that must stay big
/// inside a wheel.
pub fn incompressible(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}
