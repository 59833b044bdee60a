//! A small, strict ZIP reader for wheels and zip sdists.
//!
//! It does three things, all with bounded memory and without reading member data it does not
//! need, so that checking a 1 GiB wheel costs milliseconds:
//! - [`ZipIndex::open`] lists the members from the central directory, the way Python's
//!   `zipfile` does (which is what pip and PyPI use);
//! - [`ZipIndex::framing_problem`] walks every record from the start of the file like PyPI's
//!   `warehouse/utils/zipfiles.py`, to find archives that two ZIP readers would see differently;
//! - [`ZipIndex::open_member`] streams one member's decompressed bytes through a reader that
//!   stops at the size the central directory declares and verifies the CRC-32.
//!
//! It is not a general ZIP library: no writing, no encryption, no multi-disk archives.
//!
//! May use the `flate2` and `crc32fast` crates only; nothing else in hoist.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use flate2::read::DeflateDecoder;

const SIG_LOCAL: u32 = 0x0403_4b50;
const SIG_CENTRAL: u32 = 0x0201_4b50;
const SIG_EOCD: u32 = 0x0605_4b50;
const SIG_EOCD64: u32 = 0x0606_4b50;
const SIG_EOCD64_LOCATOR: u32 = 0x0706_4b50;

/// Compression method "stored".
pub const METHOD_STORED: u16 = 0;
/// Compression method "deflated".
pub const METHOD_DEFLATED: u16 = 8;

/// The most members hoist will list; more is treated as a hostile archive.
pub const MAX_MEMBERS: usize = 1_000_000;

/// Why a file could not be read as a ZIP archive at all.
#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    #[error("File is not a zip file")]
    NotZip,
    #[error("{0}")]
    Corrupt(String),
    #[error("the archive lists more than {MAX_MEMBERS} members")]
    TooManyMembers,
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// One member, as the central directory describes it.
#[derive(Debug, Clone)]
pub struct ZipEntry {
    /// The name as Python's `zipfile` decodes it (UTF-8 when flag bit 11 is set, else cp437).
    pub name: String,
    /// The raw name bytes.
    pub raw_name: Vec<u8>,
    pub flags: u16,
    pub method: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    /// Where the local header starts, already corrected for data prepended to the archive.
    pub header_offset: u64,
}

impl ZipEntry {
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }
}

/// The central directory of a ZIP file.
#[derive(Debug)]
pub struct ZipIndex {
    pub entries: Vec<ZipEntry>,
    /// Length of the file in bytes.
    pub file_len: u64,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .unwrap_or(0)
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0)
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .map(|s| {
            let mut a = [0u8; 8];
            a.copy_from_slice(s);
            u64::from_le_bytes(a)
        })
        .unwrap_or(0)
}

fn read_exact_at(file: &mut File, offset: u64, len: usize) -> io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(offset))?;
    let mut buf = vec![0u8; len];
    file.read_exact(&mut buf)?;
    Ok(buf)
}

/// Code page 437, bytes 0x80..=0xFF, which Python's `zipfile` uses for names without the
/// UTF-8 flag.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// Decodes a member name the way Python's `zipfile` does.
pub fn decode_name(raw: &[u8], flags: u16) -> String {
    if flags & 0x800 != 0 {
        return String::from_utf8_lossy(raw).into_owned();
    }
    let high: Vec<char> = CP437_HIGH.chars().collect();
    raw.iter()
        .map(|&b| {
            if b < 0x80 {
                b as char
            } else {
                high.get((b - 0x80) as usize).copied().unwrap_or('?')
            }
        })
        .collect()
}

/// Where the end-of-central-directory record is, as Python's `zipfile._EndRecData` finds it.
struct Eocd {
    offset: u64,
    records: u64,
    cd_size: u64,
    cd_offset: u64,
}

fn find_eocd(file: &mut File, file_len: u64) -> Result<Option<Eocd>, ZipError> {
    if file_len < 22 {
        return Ok(None);
    }
    // The common case: no archive comment.
    let tail_len = file_len.min(22 + 65535);
    let tail = read_exact_at(file, file_len - tail_len, tail_len as usize)?;
    let mut pos = None;
    if u32_at(&tail, tail.len() - 22) == SIG_EOCD && u16_at(&tail, tail.len() - 2) == 0 {
        pos = Some(tail.len() - 22);
    } else {
        // Python takes the last signature in the tail that leaves room for a record.
        let mut i = tail.len() - 22;
        loop {
            if u32_at(&tail, i) == SIG_EOCD {
                pos = Some(i);
                break;
            }
            if i == 0 {
                break;
            }
            i -= 1;
        }
    }
    let Some(p) = pos else {
        return Ok(None);
    };
    let rec = &tail[p..];
    let offset = file_len - tail_len + p as u64;
    let mut eocd = Eocd {
        offset,
        records: u16_at(rec, 10) as u64,
        cd_size: u32_at(rec, 12) as u64,
        cd_offset: u32_at(rec, 16) as u64,
    };
    // A ZIP64 locator sits just before the EOCD.
    if offset >= 20 {
        let loc = read_exact_at(file, offset - 20, 20)?;
        if u32_at(&loc, 0) == SIG_EOCD64_LOCATOR {
            let e64_off = u64_at(&loc, 8);
            if e64_off.checked_add(56).is_some_and(|end| end <= file_len) {
                let e64 = read_exact_at(file, e64_off, 56)?;
                if u32_at(&e64, 0) != SIG_EOCD64 {
                    return Err(ZipError::Corrupt(
                        "Corrupt zip64 end of central directory locator".into(),
                    ));
                }
                eocd.records = u64_at(&e64, 32);
                eocd.cd_size = u64_at(&e64, 40);
                eocd.cd_offset = u64_at(&e64, 48);
            }
        }
    }
    Ok(Some(eocd))
}

/// Whether the file has a ZIP end-of-central-directory record, as `zipfile.is_zipfile` asks.
pub fn is_zipfile(file: &mut File) -> io::Result<bool> {
    let len = file.metadata()?.len();
    match find_eocd(file, len) {
        Ok(found) => Ok(found.is_some()),
        Err(ZipError::Io(e)) => Err(e),
        Err(_) => Ok(true),
    }
}

/// One central-directory record at the start of `h`: the entry (its header offset moved by
/// `concat`, the bytes prepended to the archive) and the record's length.
fn central_entry(h: &[u8], concat: u64) -> Result<(ZipEntry, usize), ZipError> {
    let flags = u16_at(h, 8);
    let method = u16_at(h, 10);
    let crc32 = u32_at(h, 16);
    let mut compressed_size = u32_at(h, 20) as u64;
    let mut uncompressed_size = u32_at(h, 24) as u64;
    let name_len = u16_at(h, 28) as usize;
    let extra_len = u16_at(h, 30) as usize;
    let comment_len = u16_at(h, 32) as usize;
    let mut header_offset = u32_at(h, 42) as u64;
    let total = 46 + name_len + extra_len + comment_len;
    let rec = h
        .get(..total)
        .ok_or_else(|| ZipError::Corrupt("Truncated central directory".into()))?;
    let raw_name = rec[46..46 + name_len].to_vec();
    // ZIP64 extra: the 0xFFFFFFFF fields, in order.
    zip64_extra(
        &rec[46 + name_len..46 + name_len + extra_len],
        [
            &mut uncompressed_size,
            &mut compressed_size,
            &mut header_offset,
        ],
    )?;
    let entry = ZipEntry {
        name: decode_name(&raw_name, flags),
        raw_name,
        flags,
        method,
        crc32,
        compressed_size,
        uncompressed_size,
        header_offset: header_offset.saturating_add(concat),
    };
    Ok((entry, total))
}

/// Applies a central record's ZIP64 extra field: each of `fields` (uncompressed size,
/// compressed size, header offset) that reads 0xFFFFFFFF takes the next 8-byte value, in order.
fn zip64_extra(mut extra: &[u8], mut fields: [&mut u64; 3]) -> Result<(), ZipError> {
    while extra.len() >= 4 {
        let id = u16_at(extra, 0);
        let size = u16_at(extra, 2) as usize;
        let Some(data) = extra.get(4..4 + size) else {
            return Err(ZipError::Corrupt("Corrupt extra field".into()));
        };
        if id == 0x0001 {
            let mut k = 0;
            for field in fields.iter_mut() {
                if **field == 0xFFFF_FFFF {
                    if data.len() < k + 8 {
                        return Err(ZipError::Corrupt("Corrupt extra field 0001".into()));
                    }
                    **field = u64_at(data, k);
                    k += 8;
                }
            }
        }
        extra = &extra[4 + size..];
    }
    Ok(())
}

impl ZipIndex {
    /// Reads the central directory. Reads only the directory, whatever the archive's size.
    pub fn open(file: &mut File) -> Result<ZipIndex, ZipError> {
        let file_len = file.metadata()?.len();
        let eocd = find_eocd(file, file_len)?.ok_or(ZipError::NotZip)?;
        // Data prepended to the archive shifts every offset; Python corrects for it.
        let cd_end = eocd
            .cd_offset
            .checked_add(eocd.cd_size)
            .ok_or_else(|| ZipError::Corrupt("Bad offset for central directory".into()))?;
        let mut concat = 0u64;
        let mut cd_start = eocd.cd_offset;
        if cd_end < eocd.offset {
            concat = eocd.offset - cd_end;
            cd_start = eocd.cd_offset + concat;
        } else if cd_end > eocd.offset {
            return Err(ZipError::Corrupt("Bad offset for central directory".into()));
        }
        if eocd.records as usize > MAX_MEMBERS {
            return Err(ZipError::TooManyMembers);
        }
        let cd_size = usize::try_from(eocd.cd_size)
            .map_err(|_| ZipError::Corrupt("Bad size for central directory".into()))?;
        let cd = read_exact_at(file, cd_start, cd_size)?;
        let mut entries = Vec::new();
        let mut at = 0usize;
        while at < cd.len() {
            if cd.len() - at < 46 || u32_at(&cd, at) != SIG_CENTRAL {
                return Err(ZipError::Corrupt(
                    "Bad magic number for central directory".into(),
                ));
            }
            if entries.len() >= MAX_MEMBERS {
                return Err(ZipError::TooManyMembers);
            }
            let (entry, total) = central_entry(&cd[at..], concat)?;
            entries.push(entry);
            at += total;
        }
        Ok(ZipIndex { entries, file_len })
    }

    /// The entry with this exact name (the last one, as Python's `zipfile` resolves duplicates).
    pub fn entry(&self, name: &str) -> Option<&ZipEntry> {
        self.entries.iter().rev().find(|e| e.name == name)
    }

    /// Sum of the declared uncompressed sizes.
    pub fn total_uncompressed(&self) -> u64 {
        self.entries
            .iter()
            .fold(0u64, |acc, e| acc.saturating_add(e.uncompressed_size))
    }

    /// Opens a member for streaming. The reader yields at most the declared uncompressed size
    /// and fails if the data is longer, shorter, or has the wrong CRC-32.
    pub fn open_member<'f>(
        &self,
        file: &'f mut File,
        entry: &ZipEntry,
    ) -> io::Result<MemberReader<'f>> {
        let local = read_exact_at(file, entry.header_offset, 30)?;
        if u32_at(&local, 0) != SIG_LOCAL {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "Bad magic number for file header",
            ));
        }
        let skip = 30 + u16_at(&local, 26) as u64 + u16_at(&local, 28) as u64;
        let data_start = entry.header_offset.saturating_add(skip);
        if data_start.saturating_add(entry.compressed_size) > self.file_len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "member data runs past the end of the file",
            ));
        }
        file.seek(SeekFrom::Start(data_start))?;
        let raw = file.take(entry.compressed_size);
        let inner: Box<dyn Read + 'f> = match entry.method {
            METHOD_STORED => Box::new(raw),
            METHOD_DEFLATED => Box::new(DeflateDecoder::new(raw)),
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!("compression method {other} is not supported"),
                ));
            }
        };
        Ok(MemberReader {
            inner,
            remaining: entry.uncompressed_size,
            crc: crc32fast::Hasher::new(),
            expected_crc: entry.crc32,
            done: false,
        })
    }

    /// Reads a whole member into memory, refusing members larger than `limit` bytes.
    pub fn read_member(
        &self,
        file: &mut File,
        entry: &ZipEntry,
        limit: u64,
    ) -> io::Result<Vec<u8>> {
        if entry.uncompressed_size > limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} declares {} bytes, more than the {limit} bytes hoist reads for it",
                    entry.name, entry.uncompressed_size
                ),
            ));
        }
        // The declared size is only a claim: grow as the data really arrives.
        let mut out = Vec::with_capacity(entry.uncompressed_size.min(64 * 1024) as usize);
        self.open_member(file, entry)?.read_to_end(&mut out)?;
        Ok(out)
    }

    /// Walks every record from the start of the file as PyPI does, and returns PyPI's reason
    /// for rejecting the framing (`ZIP contains a data descriptor`, `Trailing data`, …), or
    /// `None` when the archive is framed the way PyPI requires.
    pub fn framing_problem(&self, file: &mut File) -> io::Result<Option<&'static str>> {
        let sizes: HashMap<&str, (u64, u64)> = self
            .entries
            .iter()
            .map(|e| (e.name.as_str(), (e.compressed_size, e.uncompressed_size)))
            .collect();
        file.seek(SeekFrom::Start(0))?;
        let mut r = io::BufReader::with_capacity(64 * 1024, &mut *file);
        let mut walker = FramingWalk {
            sizes,
            pos: 0,
            file_len: self.file_len,
            local: HashSet::new(),
            central: HashSet::new(),
        };
        match walker.walk(&mut r) {
            Ok(()) => {}
            Err(Framing::Reject(reason)) => return Ok(Some(reason)),
            Err(Framing::Io(e)) => return Err(e),
        }
        if walker.local != walker.central {
            return Ok(Some("Mis-matched local headers and central directory"));
        }
        if walker.pos != self.file_len {
            return Ok(Some("Trailing data"));
        }
        Ok(None)
    }
}

enum Framing {
    Reject(&'static str),
    Io(io::Error),
}

impl From<io::Error> for Framing {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Framing::Reject("Malformed zip file")
        } else {
            Framing::Io(e)
        }
    }
}

fn has_unprintable(b: &[u8]) -> bool {
    b.iter().any(|&c| c < 0x20 || c == 0x7f)
}

struct FramingWalk<'a> {
    sizes: HashMap<&'a str, (u64, u64)>,
    pos: u64,
    file_len: u64,
    local: HashSet<Vec<u8>>,
    central: HashSet<Vec<u8>>,
}

/// What the framing walk has counted of the central directory, and the ZIP64 records seen.
#[derive(Default)]
struct Tally {
    /// Where a ZIP64 end record was found.
    expected_eocd64: Option<u64>,
    /// Where the ZIP64 locator says the ZIP64 end record is.
    actual_eocd64: Option<u64>,
    cd_records: u64,
    cd_offset: Option<u64>,
    cd_size: u64,
    /// The ZIP64 end record's (records, size, offset).
    eocd_values: Option<(u64, u64, u64)>,
}

impl FramingWalk<'_> {
    fn read<R: Read>(&mut self, r: &mut R, n: usize) -> Result<Vec<u8>, Framing> {
        let mut buf = vec![0u8; n];
        r.read_exact(&mut buf)?;
        self.pos += n as u64;
        Ok(buf)
    }

    fn skip(&mut self, r: &mut io::BufReader<&mut File>, n: u64) -> Result<(), Framing> {
        // A skip past the end of the file cannot be followed by another record.
        let end = self.pos.checked_add(n).filter(|&e| e <= self.file_len);
        let (Some(end), Ok(delta)) = (end, i64::try_from(n)) else {
            return Err(Framing::Reject("Malformed zip file"));
        };
        // Relative seeks keep BufReader's buffer when the target is already in it.
        r.seek_relative(delta)?;
        self.pos = end;
        Ok(())
    }

    fn walk(&mut self, r: &mut io::BufReader<&mut File>) -> Result<(), Framing> {
        use Framing::Reject;
        let mut t = Tally::default();
        loop {
            let sig_bytes = self.read(r, 4)?;
            let sig = u32_at(&sig_bytes, 0);
            if sig == SIG_EOCD && t.expected_eocd64.is_some() && t.actual_eocd64.is_none() {
                return Err(Reject("Malformed zip file"));
            }
            match sig {
                SIG_CENTRAL => self.central_record(r, &mut t)?,
                SIG_LOCAL => {
                    let name = self.local_header(r)?;
                    if self.local.contains(&name) {
                        return Err(Reject("Duplicate filename in local headers"));
                    }
                    self.local.insert(name);
                }
                SIG_EOCD => return self.end_record(r, &mut t),
                SIG_EOCD64 => {
                    t.expected_eocd64 = Some(self.pos - 4);
                    let h = self.read(r, 52)?;
                    let size = u64_at(&h, 0);
                    let on_disk = u64_at(&h, 20);
                    let records = u64_at(&h, 28);
                    if on_disk != records {
                        return Err(Reject("Malformed zip file"));
                    }
                    if size != 44 {
                        return Err(Reject("ZIP64 extensible data not allowed"));
                    }
                    t.eocd_values = Some((records, u64_at(&h, 36), u64_at(&h, 44)));
                }
                SIG_EOCD64_LOCATOR => {
                    let h = self.read(r, 16)?;
                    t.actual_eocd64 = Some(u64_at(&h, 4));
                }
                _ => return Err(Reject("Unknown record signature")),
            }
        }
    }

    /// A central-directory record (its signature read): no comment, a printable name seen once
    /// in the directory and already among the local headers; counted into `t`.
    fn central_record(
        &mut self,
        r: &mut io::BufReader<&mut File>,
        t: &mut Tally,
    ) -> Result<(), Framing> {
        use Framing::Reject;
        // The directory starts at the first central record, or at the end record if none.
        t.cd_offset.get_or_insert(self.pos - 4);
        t.cd_records += 1;
        let h = self.read(r, 42)?;
        let name_len = u16_at(&h, 24) as usize;
        let extra_len = u16_at(&h, 26) as usize;
        if u16_at(&h, 28) != 0 {
            return Err(Reject("Comment in central directory"));
        }
        let name = self.read(r, name_len)?;
        self.read(r, extra_len)?;
        if has_unprintable(&name) {
            return Err(Reject("Invalid character in filename"));
        }
        t.cd_size += 46 + name_len as u64 + extra_len as u64;
        if self.central.contains(&name) {
            return Err(Reject("Duplicate filename in central directory"));
        }
        if !self.local.contains(&name) {
            return Err(Reject("Missing filename in local headers"));
        }
        self.central.insert(name);
        Ok(())
    }

    /// The end-of-central-directory record (its signature read), which ends the walk: its
    /// counts (or the ZIP64 record's, when there is one) match the directory walked.
    fn end_record(
        &mut self,
        r: &mut io::BufReader<&mut File>,
        t: &mut Tally,
    ) -> Result<(), Framing> {
        use Framing::Reject;
        // The directory starts at the first central record, or at the end record if none.
        t.cd_offset.get_or_insert(self.pos - 4);
        let h = self.read(r, 18)?;
        let on_disk = u16_at(&h, 4) as u64;
        let records = u16_at(&h, 6) as u64;
        if on_disk != records {
            return Err(Reject("Malformed zip file"));
        }
        let this = (records, u32_at(&h, 8) as u64, u32_at(&h, 12) as u64);
        self.skip(r, u16_at(&h, 16) as u64)?;
        let (records, size, offset) = match (t.actual_eocd64, t.eocd_values) {
            (Some(_), Some(v)) => v,
            _ => this,
        };
        if records != t.cd_records {
            return Err(Reject("Mismatched central directory records"));
        }
        if Some(offset) != t.cd_offset {
            return Err(Reject("Mismatched central directory offset"));
        }
        if size != t.cd_size {
            return Err(Reject("Mismatched central directory size"));
        }
        Ok(())
    }

    fn local_header(&mut self, r: &mut io::BufReader<&mut File>) -> Result<Vec<u8>, Framing> {
        use Framing::Reject;
        let h = self.read(r, 26)?;
        let flags = u16_at(&h, 2);
        let method = u16_at(&h, 4);
        let mut compressed = u32_at(&h, 14) as u64;
        let mut size = u32_at(&h, 18) as u64;
        let name = self.read(r, u16_at(&h, 22) as usize)?;
        let extra_all = self.read(r, u16_at(&h, 24) as usize)?;
        if has_unprintable(&name) {
            return Err(Reject("Invalid character in filename"));
        }
        local_extra(&extra_all, method, &mut compressed, &mut size)?;
        if flags & 0x08 != 0 {
            return Err(Reject("ZIP contains a data descriptor"));
        }
        let Ok(name_str) = std::str::from_utf8(&name) else {
            return Err(Reject("Filename not unicode"));
        };
        let Some(&(cd_compressed, cd_size)) = self.sizes.get(name_str) else {
            return Err(Reject("Filename not in central directory"));
        };
        if cd_compressed != compressed {
            return Err(Reject("Mis-matched data size"));
        }
        if cd_size != size {
            return Err(Reject("Mis-matched file size"));
        }
        self.skip(r, compressed)?;
        Ok(name)
    }
}

/// A local header's extra fields: no duplicate ZIP64 (0x0001) or Unicode-path (0x7075) field,
/// a ZIP64 field of a length Python accepts (it updates `compressed` and `size`), a Unicode path
/// that is printable UTF-8.
fn local_extra(
    extra_all: &[u8],
    method: u16,
    compressed: &mut u64,
    size: &mut u64,
) -> Result<(), Framing> {
    use Framing::Reject;
    let mut seen = HashSet::new();
    let mut extra = extra_all;
    while !extra.is_empty() {
        if extra.len() < 4 {
            return Err(Reject("Malformed zip file"));
        }
        let id = u16_at(extra, 0);
        let len = u16_at(extra, 2) as usize;
        if len + 4 > extra.len() {
            return Err(Reject("Malformed zip file"));
        }
        if !seen.insert(id) && (id == 0x0001 || id == 0x7075) {
            return Err(Reject("Invalid duplicate extra in local file"));
        }
        let data = &extra[4..4 + len];
        if id == 0x0001 {
            match len {
                0 => {
                    if *compressed == 0xFFFF_FFFF || *size == 0xFFFF_FFFF {
                        return Err(Reject("Malformed zip file"));
                    }
                }
                8 => {
                    if method != METHOD_STORED {
                        return Err(Reject("Malformed zip file"));
                    }
                    let uncompressed = u64_at(data, 0);
                    *compressed = uncompressed;
                    if *size == 0xFFFF_FFFF {
                        *size = uncompressed;
                    }
                }
                16 | 24 | 28 => {
                    if *size == 0xFFFF_FFFF {
                        *size = u64_at(data, 0);
                    }
                    *compressed = u64_at(data, 8);
                }
                _ => return Err(Reject("Malformed zip file")),
            }
        } else if id == 0x7075 {
            let unicode_name = data.get(5..).unwrap_or(&[]);
            if has_unprintable(unicode_name) {
                return Err(Reject("Invalid character in filename"));
            }
            if std::str::from_utf8(unicode_name).is_err() {
                return Err(Reject("Filename not valid UTF-8"));
            }
        }
        extra = &extra[4 + len..];
    }
    Ok(())
}

/// A member's decompressed bytes, bounded by the declared size and checked against the CRC.
pub struct MemberReader<'f> {
    inner: Box<dyn Read + 'f>,
    remaining: u64,
    crc: crc32fast::Hasher,
    expected_crc: u32,
    done: bool,
}

impl Read for MemberReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done {
            return Ok(0);
        }
        if self.remaining == 0 {
            // The declared size is reached: the stream must end here.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? != 0 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "member is larger than its declared size",
                ));
            }
            self.done = true;
            if self.crc.clone().finalize() != self.expected_crc {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "Bad CRC-32"));
            }
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "member is shorter than its declared size",
            ));
        }
        self.crc.update(&buf[..n]);
        self.remaining -= n as u64;
        Ok(n)
    }
}
