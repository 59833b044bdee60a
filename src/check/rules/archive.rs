//! Archive rules: whether PyPI can open the file as the archive its name says it is, and the
//! structural rules it applies to every archive (PyPI's "Invalid distribution file." family):
//! polyglots, compression, ZIP framing, sparse tar members, the sdist's top-level directory
//! and `PKG-INFO`, the wheel's `WHEEL` file, and the obfuscated-code scan.
//!
//! `check` handles the polyglot and unreadable cases, then `zip_archive` or `tar_archive`.
//! May use the facts in `crate::check::context` and the archive types of `crate::dist`; it reads
//! no file itself.

use crate::check::context::{ArchiveError, Contents, ZipContents};
use crate::check::{Diagnostics, Dist};
use crate::declare_rule;
use crate::dist::filename::FileType;
use crate::dist::scan::Obfuscation;
use crate::dist::tar::TarScan;
use crate::dist::zip::{METHOD_DEFLATED, METHOD_STORED};

const ARCHIVES_DOC: &str = "https://docs.pypi.org/archives";

declare_rule! {
    /// ## What it does
    /// Checks that a `.whl` or `.zip` is a ZIP archive.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "Invalid distribution file. File is not a zipfile"
    ///
    /// ## Fix
    /// The file is probably empty, truncated by a failed download, or not a wheel at all.
    /// Rebuild it.
    pub static NOT_A_ZIPFILE = ("A001", "not-a-zipfile", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that a `.tar.gz` is a tar archive.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "Invalid distribution file. File is not a tarfile"
    ///
    /// ## Fix
    /// Rebuild the sdist with `python -m build --sdist`.
    pub static NOT_A_TARFILE = ("A002", "not-a-tarfile", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that the archive can be read to the end: a complete gzip stream, a `.tar.gz`
    /// that really is gzip-compressed, an intact ZIP directory and members whose CRC matches.
    ///
    /// ## Why is this bad?
    /// PyPI refuses damaged archives with a message that does not say why: "Invalid
    /// distribution file. None". hoist's hint says what it found.
    ///
    /// ## Fix
    /// Rebuild the file; a truncated file usually comes from an interrupted copy or download.
    pub static CORRUPT_ARCHIVE = ("A003", "corrupt-archive", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that the file is not both a ZIP and a tar archive.
    ///
    /// ## Why is this bad?
    /// Two tools could see two different packages in one file. PyPI refuses it: "Invalid
    /// distribution file. File is both a zip and a tar file"
    ///
    /// ## Fix
    /// Rebuild the file with a standard build backend.
    pub static POLYGLOT_ARCHIVE = ("A004", "polyglot-archive", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that a ZIP archive that unpacks to more than 64 MiB does not unpack to more
    /// than 50 times its size.
    ///
    /// ## Why is this bad?
    /// Such a file looks like a zip bomb. PyPI refuses it: "Invalid distribution file. File
    /// exceeds compression ratio of 50"
    ///
    /// ## Fix
    /// Leave large, highly compressible data (test fixtures, zero-filled files) out of the
    /// wheel.
    pub static COMPRESSION_RATIO = ("A005", "compression-ratio", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that every ZIP member is stored or deflated.
    ///
    /// ## Why is this bad?
    /// pip and PyPI read only those two methods. PyPI refuses bzip2, LZMA or zstd members:
    /// "Invalid distribution file. File does not use a supported compression type"
    ///
    /// ## Fix
    /// Rebuild with the build backend's default compression.
    pub static UNSUPPORTED_COMPRESSION = ("A006", "unsupported-compression", Error);
}

declare_rule! {
    /// ## What it does
    /// Walks every record of a ZIP archive from the start, as PyPI does, and checks that the
    /// local headers and the central directory describe the same files: no data descriptors,
    /// no per-file comments, no duplicate or missing names, no data before or after the
    /// archive, and consistent sizes and offsets.
    ///
    /// ## Why is this bad?
    /// An archive that two ZIP readers see differently can hide files from review. PyPI
    /// refuses it: "Invalid distribution file. ZIP archive not accepted: ZIP contains a data
    /// descriptor. See https://docs.pypi.org/archives for more information"
    ///
    /// ## Fix
    /// Build wheels with a current build backend. A data descriptor means the ZIP was written
    /// to a stream; write it to a seekable file instead.
    pub static ZIP_FRAMING = ("A007", "zip-framing", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that no tar member is sparse (GNU or pax sparse format).
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "Invalid distribution file. tar archive not accepted: Sparse members
    /// are not allowed. See https://docs.pypi.org/archives for more information"
    ///
    /// ## Fix
    /// Build the sdist with `python -m build --sdist` rather than with GNU tar's `--sparse`.
    pub static SPARSE_TAR_MEMBER = ("A008", "sparse-tar-member", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that every member of an sdist lives under one top-level directory.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "Invalid distribution file. Incorrect number of top-level directories
    /// in sdist"
    ///
    /// ## Fix
    /// An sdist unpacks into `{name}-{version}/`; rebuild it with `python -m build --sdist`.
    pub static SDIST_TOP_LEVEL = ("A009", "sdist-top-level", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that an sdist has `PKG-INFO` directly inside its top-level directory.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "Invalid distribution file. PKG-INFO not found at
    /// demo-1.0/PKG-INFO". A `PKG-INFO` inside `*.egg-info/` does not count.
    ///
    /// ## Fix
    /// Build the sdist with a build backend, which writes `PKG-INFO` for you.
    pub static MISSING_PKG_INFO = ("A010", "missing-pkg-info", Error);
}

declare_rule! {
    /// ## What it does
    /// Scans `.py` and `.pye` members for PyArmor's runtime markers.
    ///
    /// ## Why is this bad?
    /// PyPI refuses obfuscated code: "Invalid distribution file. PyArmor-encrypted content is
    /// not allowed. See https://pypi.org/policy/acceptable-use-policy/ for more information."
    ///
    /// ## Fix
    /// Publish readable source.
    pub static PYARMOR_CONTENT = ("A011", "pyarmor-content", Error);
}

declare_rule! {
    /// ## What it does
    /// Scans `.py` and `.pye` members for SourceDefender's encrypted-file markers.
    ///
    /// ## Why is this bad?
    /// PyPI refuses obfuscated code: "Invalid distribution file. SourceDefender-encrypted
    /// content is not allowed. See https://pypi.org/policy/acceptable-use-policy/ for more
    /// information."
    ///
    /// ## Fix
    /// Publish readable source.
    pub static SOURCEDEFENDER_CONTENT = ("A012", "sourcedefender-content", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that a wheel's name and version can be split from its filename and that
    /// `{name}-{version}.dist-info/WHEEL` exists, using the filename exactly as written.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "Invalid distribution file. WHEEL not found at
    /// demo-1.0.dist-info/WHEEL" (or "Unable to parse name and version from wheel filename").
    /// A wheel renamed by hand, or with a `.dist-info` spelled differently from the filename,
    /// fails here.
    ///
    /// ## Fix
    /// Rebuild the wheel; do not rename it.
    pub static MISSING_WHEEL_FILE = ("A013", "missing-wheel-file", Error);
}

fn invalid(detail: &str) -> String {
    format!("Invalid distribution file. {detail}")
}

pub(super) fn check(dist: &Dist, out: &mut Diagnostics) {
    let Some(ext) = &dist.extension else {
        return;
    };
    if dist.reads_as.polyglot() {
        out.push(&POLYGLOT_ARCHIVE, invalid("File is both a zip and a tar file"))
            .hint("The file reads both as a ZIP and as a tar archive; rebuild it with a standard build backend.");
        // PyPI stops here, and every other archive problem of a polyglot follows from it (the
        // ZIP records do not start where a ZIP starts): one cause, one diagnostic.
        return;
    }
    match &dist.contents {
        Contents::Unreadable(err) => unreadable(dist, err, out),
        Contents::Zip(zip) => zip_archive(dist, ext.file_type, zip, out),
        Contents::Tar(tar) => tar_archive(dist, tar, out),
        Contents::NotOpened => {}
    }
}

/// A ZIP (a wheel, or a .zip sdist): the compression ratio and methods, the layout, obfuscated
/// content, the ZIP framing PyPI refuses, and members that cannot be read.
fn zip_archive(dist: &Dist, file_type: FileType, zip: &ZipContents, out: &mut Diagnostics) {
    let total = zip.index.total_uncompressed();
    let size = zip.index.file_len.max(1);
    if total > 64 * 1024 * 1024 && total / size > 50 {
        out.push(
            &COMPRESSION_RATIO,
            invalid("File exceeds compression ratio of 50"),
        )
        .hint(format!(
            "The archive is {} bytes and unpacks to {total} bytes ({}x).",
            zip.index.file_len,
            total / size
        ));
    }
    if let Some(e) = zip
        .index
        .entries
        .iter()
        .find(|e| e.method != METHOD_STORED && e.method != METHOD_DEFLATED)
    {
        out.push(
            &UNSUPPORTED_COMPRESSION,
            invalid("File does not use a supported compression type"),
        )
        .at(e.name.clone(), None)
        .hint(format!(
            "{} uses ZIP compression method {}; only stored (0) and deflated (8) are accepted.",
            e.name, e.method
        ));
    }
    if file_type == FileType::Sdist {
        sdist_layout(dist, out);
    } else {
        wheel_layout(dist, out);
    }
    obfuscation(&zip.obfuscated, out);
    if let Some(reason) = zip.framing {
        out.push(
            &ZIP_FRAMING,
            invalid(&format!(
                "ZIP archive not accepted: {reason}. See {ARCHIVES_DOC} for more information"
            )),
        )
        .hint(framing_hint(reason));
    }
    for (member, reason) in &zip.damaged {
        out.push(&CORRUPT_ARCHIVE, invalid("None"))
            .at(member.clone(), None)
            .hint(format!(
                "{member} cannot be read: {reason}. Rebuild the file."
            ));
    }
}

/// A tar sdist: sparse members, damage, the layout (when the stream was read to the end),
/// obfuscated content.
fn tar_archive(dist: &Dist, tar: &TarScan, out: &mut Diagnostics) {
    if let Some(m) = tar.members.iter().find(|m| m.sparse) {
        out.push(
            &SPARSE_TAR_MEMBER,
            invalid(&format!(
                "tar archive not accepted: Sparse members are not allowed. See {ARCHIVES_DOC} for more information"
            )),
        )
        .at(m.name.clone(), None)
        .hint("Rebuild the sdist without GNU tar's --sparse (python -m build --sdist never writes sparse members).");
    }
    if let Some(reason) = &tar.corrupt {
        out.push(&CORRUPT_ARCHIVE, invalid("None")).hint(format!(
            "The archive is damaged after {} members: {reason}. Rebuild it; a truncated file usually comes from an interrupted copy.",
            tar.members.len()
        ));
    }
    // A stream that broke early lists too few members to judge the layout.
    if tar.corrupt.is_none() {
        sdist_layout(dist, out);
    }
    obfuscation(&tar.obfuscated, out);
}

fn unreadable(dist: &Dist, err: &ArchiveError, out: &mut Diagnostics) {
    let empty = dist.size == Some(0);
    match err {
        ArchiveError::NotZip => {
            let hint = if empty {
                "The file is empty. Rebuild it.".to_string()
            } else if dist.reads_as.tar {
                format!(
                    "{} is a tar archive (an sdist renamed?), not a ZIP: a wheel must be built as one (`python -m build --wheel`).",
                    dist.filename
                )
            } else {
                format!(
                    "{} is not a ZIP archive; it may be truncated or not a wheel at all. Rebuild it.",
                    dist.filename
                )
            };
            out.push(&NOT_A_ZIPFILE, invalid("File is not a zipfile"))
                .hint(hint);
        }
        ArchiveError::NotTar => {
            let hint = if empty {
                "The file is empty. Rebuild it.".to_string()
            } else if dist.reads_as.zip {
                format!(
                    "{} is a ZIP archive (a wheel renamed?), not a gzip-compressed tar: build the sdist with `python -m build --sdist`.",
                    dist.filename
                )
            } else {
                format!(
                    "{} is not a tar archive. Rebuild it with `python -m build --sdist`.",
                    dist.filename
                )
            };
            out.push(&NOT_A_TARFILE, invalid("File is not a tarfile"))
                .hint(hint);
        }
        ArchiveError::NotGzip => {
            out.push(&CORRUPT_ARCHIVE, invalid("None")).hint(
                "The file is a tar archive but not gzip-compressed, although it is named .tar.gz. Rebuild it with `python -m build --sdist`.",
            );
        }
        ArchiveError::Corrupt(reason) => {
            out.push(&CORRUPT_ARCHIVE, invalid("None"))
                .hint(format!("The archive is damaged: {reason}. Rebuild it."));
        }
        ArchiveError::Io(reason) => {
            out.push(
                &CORRUPT_ARCHIVE,
                format!("cannot read {}: {reason}", dist.path.display()),
            )
            .hint("Check that the file exists and is readable.");
        }
    }
}

fn sdist_layout(dist: &Dist, out: &mut Diagnostics) {
    let Some(top) = &dist.sdist_top else {
        out.push(
            &SDIST_TOP_LEVEL,
            invalid("Incorrect number of top-level directories in sdist"),
        )
        .hint("Put every file under one directory named {name}-{version}/; `python -m build --sdist` does this.");
        return;
    };
    // Warehouse: `tar.getmember(os.path.join(commonpath(names), "PKG-INFO"))`, an exact name
    // lookup, so members written as `./top/...` are not found.
    if !dist.has_member_exactly(&format!("{top}/PKG-INFO")) {
        out.push(
            &MISSING_PKG_INFO,
            invalid(&format!("PKG-INFO not found at {top}/PKG-INFO")),
        )
        .hint("Build the sdist with a build backend (python -m build --sdist), which writes PKG-INFO at the top.");
    }
}

fn wheel_layout(dist: &Dist, out: &mut Diagnostics) {
    let Some(prefix) = &dist.wheel_prefix else {
        out.push(
            &MISSING_WHEEL_FILE,
            invalid("Unable to parse name and version from wheel filename"),
        )
        .hint(
            "A wheel filename starts {name}-{version}-; rebuild the wheel rather than renaming it.",
        );
        return;
    };
    let wheel = format!("{prefix}.dist-info/WHEEL");
    if !dist.member_names().contains(wheel.as_str()) {
        let found: Vec<&str> = dist
            .member_names()
            .into_iter()
            .filter(|n| n.ends_with(".dist-info/WHEEL"))
            .collect();
        let hint = match found.first() {
            Some(other) => format!(
                "The wheel has {other}; its .dist-info directory must match the filename exactly. Rebuild the wheel rather than renaming it."
            ),
            None => "The wheel has no WHEEL file; rebuild it with a build backend.".to_string(),
        };
        out.push(
            &MISSING_WHEEL_FILE,
            invalid(&format!("WHEEL not found at {wheel}")),
        )
        .hint(hint);
    }
}

fn obfuscation(found: &[(String, Obfuscation)], out: &mut Diagnostics) {
    for (member, kind) in found {
        let (rule, what) = match kind {
            Obfuscation::PyArmor => (&PYARMOR_CONTENT, "PyArmor"),
            Obfuscation::SourceDefender => (&SOURCEDEFENDER_CONTENT, "SourceDefender"),
        };
        out.push(
            rule,
            invalid(&format!(
                "{what}-encrypted content is not allowed. See https://pypi.org/policy/acceptable-use-policy/ for more information."
            )),
        )
        .at(member.clone(), None)
        .hint("PyPI does not accept obfuscated code; publish readable source.");
    }
}

fn framing_hint(reason: &str) -> &'static str {
    match reason {
        "ZIP contains a data descriptor" => {
            "The ZIP was written to a stream (data descriptors); rebuild it with a backend that writes sizes in the local headers."
        }
        "Comment in central directory" => "Remove the per-file comments from the archive.",
        "Trailing data" => "Something was appended after the end of the ZIP archive; rebuild it.",
        "Unknown record signature" => {
            "The archive has data before it or a record type PyPI does not accept; rebuild it."
        }
        _ => {
            "The archive's local headers and central directory disagree; rebuild it with a current build backend."
        }
    }
}
