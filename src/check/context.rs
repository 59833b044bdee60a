//! [`Dist`]: what hoist learns from reading one file once. Reading records facts, including
//! what could not be read; the rules turn facts into diagnostics. Only the archive directory
//! and a handful of small members are read (the metadata file, `RECORD`, `entry_points.txt`),
//! plus the `.py` members that PyPI scans; a large wheel costs milliseconds.
//!
//! May use `crate::dist` (the readers); the rules in `super::rules` use this module, never
//! the readers directly.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::dist::filename::{ArchiveFormat, Extension, FileType, SdistFilename, WheelFilename};
use crate::dist::metadata::{Metadata, MetadataError};
use crate::dist::scan::{Obfuscation, ObfuscationScan, is_scanned_member};
use crate::dist::tar::{
    self, METADATA_LIMIT, TarError, TarKind, TarScan, common_top, normalize_member_name,
};
use crate::dist::zip::{self, ZipError, ZipIndex};

use super::Options;

/// Why the archive could not be opened at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveError {
    /// The file could not be opened or read.
    Io(String),
    /// Not a ZIP file (a `.whl` or `.zip`).
    NotZip,
    /// Not a tar archive under any compression (a `.tar.gz`).
    NotTar,
    /// A tar archive, but not gzip-compressed.
    NotGzip,
    /// Damaged: truncated, bad CRC, broken central directory, corrupt gzip stream.
    Corrupt(String),
}

/// A ZIP archive's directory and what hoist read from it.
#[derive(Debug)]
pub struct ZipContents {
    pub index: ZipIndex,
    /// PyPI's reason for refusing the archive's framing, if any.
    pub framing: Option<&'static str>,
    pub obfuscated: Vec<(String, Obfuscation)>,
    /// Members that could not be decompressed: (member, reason).
    pub damaged: Vec<(String, String)>,
}

/// The archive as far as it could be read.
#[derive(Debug)]
pub enum Contents {
    Zip(ZipContents),
    Tar(TarScan),
    Unreadable(ArchiveError),
    /// Not a distribution extension: the archive was not opened.
    NotOpened,
}

/// The metadata file, as far as it could be found and read.
#[derive(Debug)]
pub enum MetadataState {
    /// Where it should be, and it is not there.
    NotFound { expected: Option<String> },
    /// Present, but unreadable: too large, damaged, not UTF-8, empty.
    Unreadable { member: String, reason: String },
    Parsed {
        member: String,
        metadata: Box<Metadata>,
    },
}

/// One distribution file and everything the rules need to know about it.
#[derive(Debug)]
pub struct Dist {
    pub path: PathBuf,
    pub filename: String,
    pub extension: Option<Extension>,
    /// `None` when the file could not be read.
    pub size: Option<u64>,
    pub wheel_name: Option<Result<WheelFilename, String>>,
    pub sdist_name: Option<Result<SdistFilename, String>>,
    /// What the file reads as, whatever its extension: PyPI asks both questions first and
    /// refuses a file that is both (a polyglot).
    pub reads_as: ReadsAs,
    pub contents: Contents,
    /// For wheels: `<name>-<version>` from the raw filename, as PyPI splits it.
    pub wheel_prefix: Option<String>,
    /// For sdists: the top-level directory, as PyPI finds it.
    pub sdist_top: Option<String>,
    pub metadata: MetadataState,
    /// For wheels: `RECORD` and `entry_points.txt` bytes, when present.
    pub record: Option<Result<Vec<u8>, String>>,
    pub entry_points: Option<Result<Vec<u8>, String>>,
}

fn open_error(e: &io::Error) -> String {
    e.to_string()
}

/// PyPI's scan of a ZIP's `.py` members for obfuscated content; a member that cannot be read
/// is recorded as damaged.
fn scan_zip_members(contents: &mut ZipContents, file: &mut File) {
    let scanned: Vec<zip::ZipEntry> = contents
        .index
        .entries
        .iter()
        .filter(|e| is_scanned_member(&e.name) && supported(e.method))
        .cloned()
        .collect();
    for entry in &scanned {
        let mut scan = ObfuscationScan::default();
        let result = contents
            .index
            .open_member(file, entry)
            .and_then(|mut r| feed_all(&mut r, &mut scan));
        match result {
            Ok(()) => {
                if let Some(found) = scan.finish() {
                    contents.obfuscated.push((entry.name.clone(), found));
                }
            }
            Err(e) => contents.damaged.push((entry.name.clone(), e.to_string())),
        }
    }
}

impl Dist {
    /// Reads what the rules need from `path`.
    pub fn read(path: &Path, _options: &Options) -> Dist {
        Dist::read_with(path, true)
    }

    /// Reads only what the upload form needs: the filename and the metadata (for a ZIP, its
    /// central directory and metadata member, with no framing check, no scan of its `.py`
    /// members and no `RECORD`; a `.tar.gz` is read whole, as for the check).
    /// `hoist upload` rebuilds each file's form this way when the file is sent.
    pub fn read_metadata(path: &Path) -> Dist {
        Dist::read_with(path, false)
    }

    fn read_with(path: &Path, everything: bool) -> Dist {
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string_lossy().into_owned());
        let extension = Extension::of(&filename);
        let mut dist = Dist {
            path: path.to_path_buf(),
            filename: filename.clone(),
            extension: extension.clone(),
            size: None,
            wheel_name: None,
            sdist_name: None,
            reads_as: ReadsAs::default(),
            contents: Contents::NotOpened,
            wheel_prefix: None,
            sdist_top: None,
            metadata: MetadataState::NotFound { expected: None },
            record: None,
            entry_points: None,
        };
        let Some(ext) = extension else {
            return dist;
        };
        match ext.file_type {
            FileType::Wheel => {
                dist.wheel_name = Some(WheelFilename::parse(&filename));
                let mut parts = filename.splitn(3, '-');
                if let (Some(n), Some(v), Some(_)) = (parts.next(), parts.next(), parts.next()) {
                    dist.wheel_prefix = Some(format!("{n}-{v}"));
                }
            }
            FileType::Sdist => dist.sdist_name = Some(SdistFilename::parse(&filename)),
        }
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                dist.contents = Contents::Unreadable(ArchiveError::Io(open_error(&e)));
                return dist;
            }
        };
        dist.size = file.metadata().ok().map(|m| m.len());
        match ext.format {
            ArchiveFormat::Zip => dist.read_zip(&mut file, ext.file_type, everything),
            ArchiveFormat::TarGz => dist.read_tar(&mut file),
        }
        dist
    }

    fn read_zip(&mut self, file: &mut File, file_type: FileType, everything: bool) {
        if everything {
            self.reads_as = ReadsAs::of(file);
        }
        let index = match ZipIndex::open(file) {
            Ok(i) => i,
            Err(ZipError::NotZip) => {
                self.contents = Contents::Unreadable(ArchiveError::NotZip);
                return;
            }
            Err(ZipError::Io(e)) if e.kind() != io::ErrorKind::UnexpectedEof => {
                self.contents = Contents::Unreadable(ArchiveError::Io(e.to_string()));
                return;
            }
            Err(e) => {
                self.contents = Contents::Unreadable(ArchiveError::Corrupt(e.to_string()));
                return;
            }
        };
        let framing = if everything {
            index
                .framing_problem(file)
                .unwrap_or(Some("Malformed zip file"))
        } else {
            None
        };
        let mut contents = ZipContents {
            index,
            framing,
            obfuscated: Vec::new(),
            damaged: Vec::new(),
        };
        if everything {
            scan_zip_members(&mut contents, file);
        }
        let mut read = |name: &str| -> Option<Result<Vec<u8>, String>> {
            let entry = contents.index.entry(name)?.clone();
            if !supported(entry.method) {
                return Some(Err(format!(
                    "{name} uses compression method {}, which hoist cannot read",
                    entry.method
                )));
            }
            let r = contents
                .index
                .read_member(file, &entry, METADATA_LIMIT)
                .map_err(|e| e.to_string());
            if let Err(e) = &r {
                contents.damaged.push((name.to_string(), e.clone()));
            }
            Some(r)
        };
        match file_type {
            FileType::Wheel => {
                if let Some(prefix) = self.wheel_prefix.clone() {
                    let expected = format!("{prefix}.dist-info/METADATA");
                    self.metadata = metadata_state(&expected, read(&expected));
                    if everything {
                        self.record = read(&format!("{prefix}.dist-info/RECORD"));
                        self.entry_points = read(&format!("{prefix}.dist-info/entry_points.txt"));
                    }
                }
            }
            FileType::Sdist => {
                let names: Vec<&str> = contents
                    .index
                    .entries
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect();
                self.sdist_top = common_top(&names);
                if let Some(top) = self.sdist_top.clone() {
                    let expected = format!("{top}/PKG-INFO");
                    self.metadata = metadata_state(&expected, read(&expected));
                }
            }
        }
        self.contents = Contents::Zip(contents);
    }

    fn read_tar(&mut self, file: &mut File) {
        self.reads_as = ReadsAs::of(file);
        let scan = match TarScan::read(file) {
            Ok(s) => s,
            Err(TarError::NotTar) => {
                self.contents = Contents::Unreadable(ArchiveError::NotTar);
                return;
            }
            Err(TarError::NotGzip) => {
                self.contents = Contents::Unreadable(ArchiveError::NotGzip);
                return;
            }
            Err(TarError::Io(e)) => {
                self.contents = Contents::Unreadable(ArchiveError::Io(e.to_string()));
                return;
            }
        };
        let names: Vec<&str> = scan.members.iter().map(|m| m.name.as_str()).collect();
        self.sdist_top = common_top(&names);
        if let Some(top) = &self.sdist_top {
            let expected = format!("{top}/PKG-INFO");
            let mut found = scan.pkg_info.get(&expected).cloned();
            // A PKG-INFO that is a link or a directory satisfies PyPI's `getmember`, but hoist
            // cannot build the upload form from it: check says so, as upload would.
            if found.is_none()
                && let Some(m) = scan
                    .members
                    .iter()
                    .find(|m| normalize_member_name(&m.name) == expected && m.kind != TarKind::File)
            {
                found = Some(Err(format!(
                    "it is a {} in the archive, not a file, so there is no metadata to send",
                    match m.kind {
                        TarKind::Dir => "directory",
                        TarKind::Symlink => "symbolic link",
                        TarKind::Hardlink => "hard link",
                        _ => "special member",
                    }
                )));
            }
            self.metadata = metadata_state(&expected, found);
        }
        self.contents = Contents::Tar(scan);
    }

    /// Every member name, normalised (`./` removed), directories included.
    pub fn member_names(&self) -> HashSet<&str> {
        match &self.contents {
            Contents::Zip(z) => z.index.entries.iter().map(|e| e.name.as_str()).collect(),
            Contents::Tar(t) => t
                .members
                .iter()
                .map(|m| normalize_member_name(&m.name))
                .collect(),
            _ => HashSet::new(),
        }
    }

    /// Whether the archive has a member with exactly this name, as Python's
    /// `TarFile.getmember` looks it up (no `./` normalisation; trailing `/` ignored).
    pub fn has_member_exactly(&self, name: &str) -> bool {
        match &self.contents {
            Contents::Zip(z) => z.index.entries.iter().any(|e| e.name == name),
            Contents::Tar(t) => t.members.iter().any(|m| m.name == name),
            _ => false,
        }
    }

    /// The parsed metadata, when it could be read.
    pub fn parsed_metadata(&self) -> Option<(&str, &Metadata)> {
        match &self.metadata {
            MetadataState::Parsed { member, metadata } => Some((member, metadata)),
            _ => None,
        }
    }

    /// A single-use metadata value, trimmed, when present.
    pub fn metadata_value(&self, email: &str) -> Option<&str> {
        self.parsed_metadata().and_then(|(_, m)| m.get(email))
    }

    /// Whether the archive could be read (its directory at least).
    pub fn is_readable(&self) -> bool {
        matches!(self.contents, Contents::Zip(_) | Contents::Tar(_))
    }
}

fn supported(method: u16) -> bool {
    method == zip::METHOD_STORED || method == zip::METHOD_DEFLATED
}

fn feed_all<R: Read>(r: &mut R, scan: &mut ObfuscationScan) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        scan.feed(&buf[..n]);
    }
}

fn metadata_state(expected: &str, found: Option<Result<Vec<u8>, String>>) -> MetadataState {
    match found {
        None => MetadataState::NotFound {
            expected: Some(expected.to_string()),
        },
        Some(Err(reason)) => MetadataState::Unreadable {
            member: expected.to_string(),
            reason,
        },
        Some(Ok(bytes)) => match Metadata::parse(&bytes) {
            Ok(md) => MetadataState::Parsed {
                member: expected.to_string(),
                metadata: Box::new(md),
            },
            Err(e @ (MetadataError::NotUtf8 { .. } | MetadataError::Empty)) => {
                MetadataState::Unreadable {
                    member: expected.to_string(),
                    reason: e.to_string(),
                }
            }
        },
    }
}

/// Whether a file reads as a ZIP archive and as a tar archive, asked the way Warehouse's
/// `_is_valid_dist_file` (`warehouse/forklift/legacy.py`) asks `zipfile.is_zipfile` and
/// `tarfile.is_tarfile` before anything else, whatever the file's extension.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadsAs {
    pub zip: bool,
    pub tar: bool,
}

impl ReadsAs {
    fn of(file: &mut File) -> ReadsAs {
        ReadsAs {
            zip: zip::is_zipfile(file).unwrap_or(false),
            tar: tar::is_tarfile(file).unwrap_or(false),
        }
    }

    /// Both at once: PyPI refuses it ("File is both a zip and a tar file"). A tar named `.whl`
    /// is not one: it is "not a zipfile".
    pub fn polyglot(self) -> bool {
        self.zip && self.tar
    }
}
