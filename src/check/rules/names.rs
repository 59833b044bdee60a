//! Rules that compare the filename with the metadata inside: the project name and version in
//! a wheel's or sdist's filename must be the ones its metadata declares, spelled the way PyPI
//! requires (PEP 427 for wheels, PEP 625 for sdists).
//!
//! May use `crate::dist::filename` and `crate::dist::version` (parsing names and versions) and
//! `crate::pyrepr`.

use std::str::FromStr;

use crate::dist::version::Version;

use crate::check::{Diagnostics, Dist};
use crate::declare_rule;
use crate::dist::filename::{FileType, canonicalize_name, filename_name};
use crate::pyrepr::py_repr;

declare_rule! {
    /// ## What it does
    /// Checks that the project name in the filename normalises to the name in the metadata.
    ///
    /// ## Why is this bad?
    /// PyPI refuses a file named for another project: "Start filename for 'demo' with
    /// 'demo'."
    ///
    /// ## Fix
    /// Rebuild the distribution; a mismatch means the file was renamed or the metadata's
    /// `Name` changed after the build.
    pub static FILENAME_PROJECT_MISMATCH = ("N004", "filename-project-mismatch", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that a wheel's filename spells the project name normalised: lower case, with
    /// `_` for every run of `-`, `_` and `.`.
    ///
    /// ## Why is this bad?
    /// PyPI refuses other spellings: "Filename 'Some_Thing-1.0-py3-none-any.whl' should
    /// contain the normalized project name 'some_thing', not 'Some_Thing'."
    ///
    /// ## Fix
    /// Upgrade the build backend (setuptools 75.8.1 or later, hatchling, flit, maturin all
    /// normalise) and rebuild.
    pub static WHEEL_NAME_NOT_NORMALIZED = ("N005", "wheel-name-not-normalized", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that the version in the filename equals the metadata's `Version` (compared as
    /// versions, so `1.0` equals `1.0.0`).
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "Version in filename should be '1.0' not '1.1'."
    ///
    /// ## Fix
    /// Rebuild the distribution after changing the version.
    pub static FILENAME_VERSION_MISMATCH = ("N006", "filename-version-mismatch", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that an sdist's filename is exactly
    /// `{normalised name with _}-{normalised version}.tar.gz` (PEP 625).
    ///
    /// ## Why is this bad?
    /// PyPI refuses any other spelling, and every `.zip` sdist: "Filename
    /// 'Some-Thing-1.0.tar.gz' is invalid, should be 'some_thing-1.0.tar.gz'."
    ///
    /// ## Fix
    /// Build the sdist with a current backend (`python -m build --sdist`); setuptools
    /// 69.3 and later write PEP 625 names.
    pub static SDIST_NAME_NOT_NORMALIZED = ("N007", "sdist-name-not-normalized", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks the project name against every standard-library module name and dotted prefix
    /// of every Python version (normalised, as PyPI compares them).
    ///
    /// ## Why is this bad?
    /// PyPI refuses to *create* such a project: "The name 'xml' isn't allowed (conflict with
    /// Python Standard Library module name). See https://pypi.org/help/#project-name for more
    /// information." A project that already exists under that name can still upload, which is
    /// why this is a warning.
    ///
    /// ## Fix
    /// Pick another name before the first release.
    pub static STDLIB_NAME = ("N008", "stdlib-name", Warning);
}

fn is_stdlib_name(name: &str) -> bool {
    let canonical = canonicalize_name(name.trim_matches(['-', '_', '.']));
    include_str!("../data/stdlib-names.txt")
        .lines()
        .skip(1)
        .any(|l| l == canonical)
}

/// The name rules: a standard-library name, then the filename's project name and version
/// against the metadata (`warehouse/forklift/legacy.py`, `file_upload`).
pub(super) fn check(dist: &Dist, out: &mut Diagnostics) {
    stdlib_name(dist, out);
    let Some(ext) = &dist.extension else {
        return;
    };
    let (Some(meta_name), Some(meta_version)) =
        (dist.metadata_value("name"), dist.metadata_value("version"))
    else {
        return;
    };
    let Ok(version) = Version::from_str(meta_version) else {
        return;
    };
    match ext.file_type {
        FileType::Wheel => wheel_filename(dist, meta_name, &version, out),
        FileType::Sdist => sdist_filename(dist, &ext.raw, meta_name, &version, out),
    }
}

/// The project name may not be a standard-library module name.
fn stdlib_name(dist: &Dist, out: &mut Diagnostics) {
    if let Some(name) = dist.metadata_value("name")
        && is_stdlib_name(name)
    {
        out.push(
            &STDLIB_NAME,
            format!(
                "The name {} isn't allowed (conflict with Python Standard Library module name). See https://pypi.org/help/#project-name for more information.",
                py_repr(name)
            ),
        )
        .hint("PyPI refuses to create a project with this name; an existing project keeps it. Pick another name before the first release.");
    }
}

/// A wheel's filename names the metadata's project (normalised) and version.
fn wheel_filename(dist: &Dist, meta_name: &str, version: &Version, out: &mut Diagnostics) {
    let filename = &dist.filename;
    let Some(Ok(wheel)) = &dist.wheel_name else {
        return;
    };
    let expected = filename_name(meta_name);
    if canonicalize_name(&wheel.raw_name) != canonicalize_name(meta_name) {
        out.push(
            &FILENAME_PROJECT_MISMATCH,
            format!(
                "Start filename for {} with {}.",
                py_repr(meta_name),
                py_repr(&expected)
            ),
        )
        .hint(format!(
            "The metadata names the project {meta_name}, the filename {}. Rebuild the wheel.",
            wheel.raw_name
        ));
    } else if wheel.raw_name != expected {
        out.push(
            &WHEEL_NAME_NOT_NORMALIZED,
            format!(
                "Filename {} should contain the normalized project name {}, not {}.",
                py_repr(filename),
                py_repr(&expected),
                py_repr(&wheel.raw_name)
            ),
        )
        .hint("Upgrade the build backend and rebuild; current backends write normalised names.");
    }
    if wheel.version != *version {
        out.push(
            &FILENAME_VERSION_MISMATCH,
            format!(
                "Version in filename should be {} not {}.",
                py_repr(&version.to_string()),
                py_repr(&wheel.version.to_string())
            ),
        )
        .hint("Rebuild the wheel after changing the version.");
    }
}

/// An sdist's filename is the PEP 625 name for the metadata's project and version.
fn sdist_filename(
    dist: &Dist,
    ext_raw: &str,
    meta_name: &str,
    version: &Version,
    out: &mut Diagnostics,
) {
    let filename = &dist.filename;
    let Some(Ok(sdist)) = &dist.sdist_name else {
        return;
    };
    let mut raw_name = sdist.raw_name.clone();
    // PyPI's special case: `name-1.0-9.tar.gz` may be a hyphenated post-release.
    if canonicalize_name(&raw_name) != canonicalize_name(meta_name)
        && version.is_post()
        && let Some((n, _)) = raw_name.rsplit_once('-')
    {
        raw_name = n.to_string();
    }
    let expected_name = filename_name(meta_name);
    if canonicalize_name(&raw_name) != canonicalize_name(meta_name) {
        out.push(
            &FILENAME_PROJECT_MISMATCH,
            format!(
                "Start filename for {} with {}.",
                py_repr(meta_name),
                py_repr(&expected_name)
            ),
        )
        .hint(format!(
            "The metadata names the project {meta_name}; rebuild the sdist."
        ));
        return;
    }
    let expected = format!("{expected_name}-{version}.tar.gz");
    if *filename != expected {
        let hint = if ext_raw.eq_ignore_ascii_case(".zip") {
            "PyPI accepts sdists only as .tar.gz (PEP 625); rebuild with `python -m build --sdist`."
        } else {
            "Rebuild the sdist with a current build backend (python -m build --sdist), which writes PEP 625 names."
        };
        out.push(
            &SDIST_NAME_NOT_NORMALIZED,
            format!(
                "Filename {} is invalid, should be {}.",
                py_repr(filename),
                py_repr(&expected)
            ),
        )
        .hint(hint);
    }
}
