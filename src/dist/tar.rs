//! Reading `.tar.gz` sdists in one streaming pass.
//!
//! A gzip stream cannot be read out of order, so [`TarScan::read`] goes through the archive
//! once and keeps only what the checks need: every member's name, type, size and sparse flag,
//! the bytes of the `<top>/PKG-INFO` candidates (bounded), and the result of PyPI's
//! obfuscation scan on `.py` members. Memory stays bounded whatever the archive's size.
//!
//! May use `super::scan` (the obfuscation scan) and the `tar`/`flate2` crates; nothing outside
//! `dist`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use flate2::read::MultiGzDecoder;

use super::scan::{Obfuscation, ObfuscationScan, is_scanned_member};
use super::zip::MAX_MEMBERS;

/// The largest metadata file hoist reads into memory.
pub const METADATA_LIMIT: u64 = 16 * 1024 * 1024;

/// What kind of member a tar entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TarKind {
    File,
    Dir,
    Symlink,
    Hardlink,
    Other,
}

/// One member of a tar archive.
#[derive(Debug, Clone)]
pub struct TarMember {
    /// The name as Python's `tarfile` reports it (a directory's trailing `/` removed).
    pub name: String,
    pub kind: TarKind,
    pub size: u64,
    /// A GNU or pax sparse member, which PyPI refuses.
    pub sparse: bool,
}

/// Why a `.tar.gz` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TarError {
    /// Not a tar archive under any compression (PyPI: "File is not a tarfile").
    #[error("File is not a tarfile")]
    NotTar,
    /// A tar, but not gzip-compressed (bz2, xz, or plain) although named `.tar.gz`.
    #[error("the file is a tar archive but not gzip-compressed")]
    NotGzip,
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Everything hoist keeps from one pass over a `.tar.gz`.
#[derive(Debug, Default)]
pub struct TarScan {
    pub members: Vec<TarMember>,
    /// Bytes of members named `<dir>/PKG-INFO` (one level deep), keyed by normalised name.
    pub pkg_info: HashMap<String, Result<Vec<u8>, String>>,
    /// Members in which PyPI's scan finds obfuscated code.
    pub obfuscated: Vec<(String, Obfuscation)>,
    /// The stream broke after these members were read (truncated or corrupt gzip or tar).
    pub corrupt: Option<String>,
}

/// Strips the `./` prefixes that do not change where a member lands.
pub fn normalize_member_name(name: &str) -> &str {
    let mut n = name;
    while let Some(rest) = n.strip_prefix("./") {
        n = rest;
    }
    n
}

fn is_pkg_info_candidate(name: &str) -> bool {
    let n = normalize_member_name(name);
    let mut parts = n.split('/');
    matches!((parts.next(), parts.next(), parts.next()), (Some(top), Some("PKG-INFO"), None) if !top.is_empty())
}

/// Whether a 512-byte block is a tar header with a valid checksum.
fn is_tar_header(block: &[u8]) -> bool {
    if block.len() < 512 || block.iter().all(|&b| b == 0) {
        return false;
    }
    let field = &block[148..156];
    let digits: String = field
        .iter()
        .map(|&b| b as char)
        .filter(|c| c.is_digit(8))
        .collect();
    let Ok(stored) = u64::from_str_radix(&digits, 8) else {
        return false;
    };
    let mut unsigned: u64 = 0;
    let mut signed: i64 = 0;
    for (i, &b) in block[..512].iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += b as u64;
        signed += (b as i8) as i64;
    }
    stored == unsigned || stored as i64 == signed
}

/// Whether the file is a tar archive under any compression Python's `tarfile` knows
/// (`tarfile.is_tarfile`): plain, gzip, bz2 or xz. Compressed forms other than gzip are
/// recognised by their magic bytes only.
pub fn is_tarfile(file: &mut File) -> io::Result<bool> {
    file.seek(SeekFrom::Start(0))?;
    let mut head = [0u8; 512];
    let n = read_up_to(file, &mut head)?;
    if n >= 2 && head[..2] == [0x1f, 0x8b] {
        file.seek(SeekFrom::Start(0))?;
        let mut block = [0u8; 512];
        let got = read_up_to(
            &mut MultiGzDecoder::new(BufReader::new(&mut *file)),
            &mut block,
        )
        .unwrap_or(0);
        return Ok(got == 512 && is_tar_header(&block));
    }
    if head.starts_with(b"BZh") || head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        return Ok(true);
    }
    Ok(n == 512 && is_tar_header(&head))
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl TarScan {
    /// Reads a `.tar.gz` once, start to end.
    pub fn read(file: &mut File) -> Result<TarScan, TarError> {
        if !is_tarfile(file)? {
            return Err(TarError::NotTar);
        }
        file.seek(SeekFrom::Start(0))?;
        let mut magic = [0u8; 2];
        if read_up_to(file, &mut magic)? < 2 || magic != [0x1f, 0x8b] {
            return Err(TarError::NotGzip);
        }
        file.seek(SeekFrom::Start(0))?;
        let mut gz = MultiGzDecoder::new(BufReader::with_capacity(64 * 1024, &mut *file));
        let mut scan = TarScan::default();
        if let Err(e) = scan.read_entries(&mut gz) {
            scan.corrupt = Some(e.to_string());
            return Ok(scan);
        }
        // PyPI reads the compressed stream to its end: a broken tail is still a broken file.
        if let Err(e) = io::copy(&mut gz, &mut io::sink()) {
            scan.corrupt = Some(e.to_string());
        }
        Ok(scan)
    }

    fn read_entries<R: Read>(&mut self, gz: &mut R) -> io::Result<()> {
        let mut archive = tar::Archive::new(gz);
        // Raw mode: GNU long names and pax headers come to us as entries, so their size can be
        // bounded here instead of being read whole by the tar crate.
        let mut pending = PendingHeaders::default();
        let mut first_top: Option<String> = None;
        for entry in archive.entries()?.raw(true) {
            let mut entry = entry?;
            if self.members.len() >= MAX_MEMBERS {
                return Err(io::Error::other(format!(
                    "the archive has more than {MAX_MEMBERS} members"
                )));
            }
            let et = entry.header().entry_type();
            let size = entry.size();
            if pending.read_header(et, &mut entry, size)? {
                continue;
            }
            let kind = match et {
                tar::EntryType::Regular | tar::EntryType::Continuous => TarKind::File,
                tar::EntryType::Directory => TarKind::Dir,
                tar::EntryType::Symlink => TarKind::Symlink,
                tar::EntryType::Link => TarKind::Hardlink,
                tar::EntryType::GNUSparse => TarKind::File,
                _ => TarKind::Other,
            };
            let sparse = et == tar::EntryType::GNUSparse || std::mem::take(&mut pending.sparse);
            let name = pending.member_name(&entry, kind);
            let top = normalize_member_name(&name)
                .split('/')
                .next()
                .unwrap_or("")
                .to_string();
            let first_top = first_top.get_or_insert(top.clone());
            if kind == TarKind::File {
                self.read_member(&mut entry, &name, size, top == *first_top)?;
            }
            self.members.push(TarMember {
                name,
                kind,
                size,
                sparse,
            });
        }
        Ok(())
    }

    /// Reads a regular file's data where hoist needs it: a PKG-INFO candidate under the first
    /// member's top directory is kept (up to [`METADATA_LIMIT`] bytes), a scanned member is
    /// fed to the obfuscation scan; others are left for the archive reader to skip.
    fn read_member<R: Read>(
        &mut self,
        entry: &mut R,
        name: &str,
        size: u64,
        under_first_top: bool,
    ) -> io::Result<()> {
        if is_pkg_info_candidate(name) && under_first_top {
            // Only under the first member's top directory: an sdist has one top directory,
            // and a PKG-INFO anywhere else cannot be the one PyPI reads.
            let captured = if size > METADATA_LIMIT {
                Err(format!(
                    "{name} is {size} bytes, more than the {METADATA_LIMIT} bytes hoist reads"
                ))
            } else {
                // Exactly the member's size (at most METADATA_LIMIT): growing by doubling
                // would briefly hold twice that.
                let mut buf = Vec::with_capacity(size as usize);
                entry.take(size).read_to_end(&mut buf)?;
                Ok(buf)
            };
            self.pkg_info
                .insert(normalize_member_name(name).to_string(), captured);
        } else if is_scanned_member(name) {
            let mut scanner = ObfuscationScan::default();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = entry.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                scanner.feed(&buf[..n]);
            }
            if let Some(found) = scanner.finish() {
                self.obfuscated.push((name.to_string(), found));
            }
        }
        Ok(())
    }
}

/// What the header entries before a member said about it: a GNU long name, a pax `path`, a
/// pax `GNU.sparse.*` key.
#[derive(Default)]
struct PendingHeaders {
    long_name: Option<Vec<u8>>,
    pax_path: Option<Vec<u8>>,
    sparse: bool,
}

impl PendingHeaders {
    /// Reads `entry` when it is a header entry (GNU long name or link, pax extended or global
    /// header), each bounded in size; `true` when it was one, so it is not a member.
    fn read_header<R: Read>(
        &mut self,
        et: tar::EntryType,
        entry: &mut R,
        size: u64,
    ) -> io::Result<bool> {
        match et {
            tar::EntryType::GNULongName => {
                self.long_name = Some(read_record(entry, size, NAME_LIMIT, "GNU long-name")?);
                Ok(true)
            }
            tar::EntryType::XHeader => {
                let record = read_record(entry, size, PAX_LIMIT, "pax header")?;
                for (key, value) in pax_records(&record) {
                    if key == b"path" {
                        self.pax_path = Some(value.to_vec());
                    } else if key.starts_with(b"GNU.sparse.") {
                        self.sparse = true;
                    }
                }
                Ok(true)
            }
            tar::EntryType::GNULongLink | tar::EntryType::XGlobalHeader => {
                // Not needed; the archive reader skips the data in constant memory.
                if size > PAX_LIMIT {
                    return Err(io::Error::other(format!(
                        "a {size}-byte long-link or global header record"
                    )));
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// The member's name: the pax path, else the GNU long name (NULs trimmed), else the
    /// header's; a directory (or a file written with a trailing '/') loses its trailing '/'.
    /// Both pending names are used up.
    fn member_name<R: Read>(&mut self, entry: &tar::Entry<R>, kind: TarKind) -> String {
        let raw = self
            .pax_path
            .take()
            .or_else(|| {
                self.long_name.take().map(|mut n| {
                    while n.last() == Some(&0) {
                        n.pop();
                    }
                    n
                })
            })
            .unwrap_or_else(|| entry.path_bytes().into_owned());
        self.long_name = None;
        let mut name = String::from_utf8_lossy(&raw).into_owned();
        if kind == TarKind::Dir || (name.ends_with('/') && kind == TarKind::File) {
            while name.len() > 1 && name.ends_with('/') {
                name.pop();
            }
        }
        name
    }
}

/// The longest GNU long-name record hoist accepts (a path; Linux allows 4096 bytes).
const NAME_LIMIT: u64 = 64 * 1024;
/// The longest pax header record hoist accepts.
const PAX_LIMIT: u64 = 1024 * 1024;

fn read_record<R: Read>(entry: &mut R, size: u64, limit: u64, what: &str) -> io::Result<Vec<u8>> {
    if size > limit {
        return Err(io::Error::other(format!(
            "a {size}-byte {what} record (more than the {limit} bytes hoist accepts)"
        )));
    }
    let mut buf = Vec::with_capacity(size as usize);
    entry.take(limit).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The `LEN key=value\n` records of a pax extended header.
fn pax_records(data: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let Some(space) = rest.iter().position(|&b| b == b' ') else {
            break;
        };
        let Some(len) = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|l| l.parse::<usize>().ok())
        else {
            break;
        };
        if len <= space + 1 || len > rest.len() {
            break;
        }
        let record = &rest[space + 1..len];
        let record = record.strip_suffix(b"\n").unwrap_or(record);
        if let Some(eq) = record.iter().position(|&b| b == b'=') {
            out.push((&record[..eq], &record[eq + 1..]));
        }
        rest = &rest[len..];
    }
    out
}

/// `os.path.commonpath` over member names, the way PyPI finds an sdist's top directory:
/// `None` when the names share no leading component (or mix absolute and relative names).
pub fn common_top(names: &[&str]) -> Option<String> {
    let split = |n: &str| -> (bool, Vec<String>) {
        let abs = n.starts_with('/');
        let parts = n
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .map(str::to_string)
            .collect();
        (abs, parts)
    };
    let mut iter = names.iter().map(|n| split(n));
    let (abs, mut common) = iter.next()?;
    for (a, parts) in iter {
        if a != abs {
            return None;
        }
        let same = common
            .iter()
            .zip(parts.iter())
            .take_while(|(x, y)| x == y)
            .count();
        common.truncate(same);
    }
    if abs || common.is_empty() {
        return None;
    }
    Some(common.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_top_matches_commonpath() {
        assert_eq!(
            common_top(&["./pkg-1.0/PKG-INFO", "pkg-1.0/setup.py", "pkg-1.0"]).as_deref(),
            Some("pkg-1.0")
        );
        assert_eq!(common_top(&["a/PKG-INFO", "b/x"]), None);
        assert_eq!(common_top(&["/a/x", "/a/y"]), None);
        assert_eq!(
            common_top(&["pkg-1.0/PKG-INFO"]).as_deref(),
            Some("pkg-1.0/PKG-INFO")
        );
        assert_eq!(common_top(&["a/b/c", "a/b/d"]).as_deref(), Some("a/b"));
    }

    #[test]
    fn pkg_info_candidates() {
        assert!(is_pkg_info_candidate("pkg-1.0/PKG-INFO"));
        assert!(is_pkg_info_candidate("./pkg-1.0/PKG-INFO"));
        assert!(!is_pkg_info_candidate("pkg-1.0/pkg.egg-info/PKG-INFO"));
        assert!(!is_pkg_info_candidate("PKG-INFO"));
    }
}
