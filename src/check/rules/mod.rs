//! Every check rule, grouped by family; a rule is found by its code with one grep.
//!
//! | family | codes | file |
//! |---|---|---|
//! | the file and its name | F001–F006, N001–N003 | [`filename`] |
//! | filename against metadata, project name | N004–N008 | [`names`] |
//! | archive structure | A001–A013 | [`archive`] |
//! | wheel contents | W001–W004 | [`wheel`] |
//! | core metadata | M001–M026 | [`metadata`] |
//! | licensing | L001–L005 | [`license`] |
//! | description rendering | D001–D003 | [`description`] |
//! | the project page (what PyPI shows broken) | P001–P005 | [`page`] |
//! | across files | X001 | [`release`] |

pub mod archive;
pub mod description;
pub mod filename;
pub mod license;
pub mod metadata;
pub mod names;
pub mod page;
pub mod release;
pub mod urls;
pub mod wheel;

use super::{Diagnostics, Dist, Options, Rule};

/// Runs every per-file rule, in the order PyPI checks (form and metadata, description,
/// filename, archive, then the filename against the metadata).
pub(super) fn run(dist: &Dist, options: &Options, out: &mut Diagnostics) {
    metadata::check(dist, out);
    license::check(dist, out);
    description::check(dist, out);
    page::check(dist, out);
    filename::check(dist, options, out);
    archive::check(dist, out);
    names::check(dist, out);
    wheel::check(dist, out);
}

/// Every rule, in code order.
pub static ALL: &[&Rule] = &[
    &filename::INVALID_EXTENSION,
    &filename::EXTENSION_CASE,
    &filename::UNPRINTABLE_FILENAME,
    &filename::SLASH_IN_FILENAME,
    &filename::FILE_TOO_LARGE,
    &filename::FILENAME_TOO_LONG,
    &filename::INVALID_WHEEL_FILENAME,
    &filename::UNSUPPORTED_PLATFORM_TAG,
    &filename::INVALID_SDIST_FILENAME,
    &names::FILENAME_PROJECT_MISMATCH,
    &names::WHEEL_NAME_NOT_NORMALIZED,
    &names::FILENAME_VERSION_MISMATCH,
    &names::SDIST_NAME_NOT_NORMALIZED,
    &names::STDLIB_NAME,
    &archive::NOT_A_ZIPFILE,
    &archive::NOT_A_TARFILE,
    &archive::CORRUPT_ARCHIVE,
    &archive::POLYGLOT_ARCHIVE,
    &archive::COMPRESSION_RATIO,
    &archive::UNSUPPORTED_COMPRESSION,
    &archive::ZIP_FRAMING,
    &archive::SPARSE_TAR_MEMBER,
    &archive::SDIST_TOP_LEVEL,
    &archive::MISSING_PKG_INFO,
    &archive::PYARMOR_CONTENT,
    &archive::SOURCEDEFENDER_CONTENT,
    &archive::MISSING_WHEEL_FILE,
    &wheel::MISSING_METADATA_FILE,
    &wheel::MISSING_RECORD,
    &wheel::INVALID_ENTRY_POINTS,
    &wheel::RECORD_MISMATCH,
    &metadata::UNREADABLE_METADATA,
    &metadata::INVALID_METADATA_VERSION,
    &metadata::INVALID_NAME,
    &metadata::INVALID_VERSION,
    &metadata::LOCAL_VERSION,
    &metadata::FIELD_TOO_NEW,
    &metadata::REPEATED_FIELD,
    &metadata::SUMMARY_MULTILINE,
    &metadata::SUMMARY_TOO_LONG,
    &metadata::INVALID_DESCRIPTION_CONTENT_TYPE,
    &metadata::INVALID_REQUIRES_DIST,
    &metadata::DIRECT_URL_DEPENDENCY,
    &metadata::INVALID_PROVIDES_DIST,
    &metadata::INVALID_REQUIRES_PYTHON,
    &metadata::INVALID_PROVIDES_EXTRA,
    &metadata::INVALID_DYNAMIC,
    &metadata::INVALID_EMAIL,
    &metadata::INVALID_URL,
    &metadata::INVALID_PROJECT_URL,
    &metadata::INVALID_CLASSIFIER,
    &metadata::DEPRECATED_CLASSIFIER,
    &metadata::INVALID_IMPORT_NAME,
    &metadata::UNKNOWN_FIELD,
    &metadata::MALFORMED_HEADER_LINE,
    &metadata::DESCRIPTION_CONFLICT,
    &metadata::REPEATED_FIELD_DROPPED,
    &license::LICENSE_WITH_EXPRESSION,
    &license::INVALID_LICENSE_EXPRESSION,
    &license::INVALID_LICENSE_FILE_PATH,
    &license::LICENSE_FILE_MISSING,
    &license::LICENSE_FILE_IGNORED,
    &description::DESCRIPTION_RENDER,
    &description::MISSING_DESCRIPTION_CONTENT_TYPE,
    &description::MISSING_DESCRIPTION,
    &page::RELATIVE_IMAGE,
    &page::RELATIVE_LINK,
    &page::REMOVED_HTML,
    &page::GITHUB_ONLY_SYNTAX,
    &page::DROPPED_URL_SCHEME,
    &release::MULTIPLE_SDISTS,
];

/// A rule by code (`M012`) or name (`summary-too-long`), case-insensitive.
pub fn find(query: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(query) || r.name.eq_ignore_ascii_case(query))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_documented() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in ALL {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(r.doc.contains("## What it does"), "{} lacks docs", r.code);
            assert!(r.doc.contains("## Fix"), "{} lacks a fix", r.code);
            assert!(r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        }
    }
}
