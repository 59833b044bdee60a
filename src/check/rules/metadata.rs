//! Core-metadata rules: what PyPI's upload form validation (`packaging.metadata` plus
//! Warehouse's own checks) refuses in the metadata hoist sends, which is the metadata file
//! inside the distribution. Messages are PyPI's, ending in "See
//! https://packaging.python.org/specifications/core-metadata for more information."
//!
//! `check` calls one function per field or field group, in the order PyPI reports them. May use
//! `crate::dist` (the parsed metadata, the form hoist sends), `crate::check::packaging`
//! (PEP 440/508 parsing), `super::urls` and `crate::pyrepr` (Python's quoting in messages).

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::check::context::MetadataState;
use crate::check::{Diagnostics, Dist};
use crate::declare_rule;
use crate::dist::filename::is_valid_project_name;
use crate::dist::metadata::{FIELDS, Field, Metadata, field_spec};
use crate::pyrepr::{py_list_repr, py_repr};

use super::urls::{email_problem, is_valid_url};

/// The core-metadata specification, which PyPI's messages point to.
pub const CM: &str = "https://packaging.python.org/specifications/core-metadata";

/// PyPI's metadata message: the error, a `.` unless it has one, then where to read more.
pub fn cm(message: &str) -> String {
    let dot = if message.ends_with('.') { "" } else { "." };
    format!("{message}{dot} See {CM} for more information.")
}

/// Metadata versions PyPI accepts (2.0 was never a real version and is refused).
pub const METADATA_VERSIONS: &[&str] = &["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"];

declare_rule! {
    /// ## What it does
    /// Checks that the metadata file (`*.dist-info/METADATA` or `PKG-INFO`) can be read:
    /// UTF-8, not empty, of a reasonable size.
    ///
    /// ## Why is this bad?
    /// hoist builds the upload form from this file; what it cannot read it cannot send.
    ///
    /// ## Fix
    /// Rebuild the distribution with a current build backend.
    pub static UNREADABLE_METADATA = ("M001", "unreadable-metadata", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks `Metadata-Version` is one PyPI accepts: 1.0, 1.1, 1.2, 2.1, 2.2, 2.3, 2.4 or 2.5.
    ///
    /// ## Why is this bad?
    /// PyPI refuses others: "'2.0' is not a valid metadata version. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Upgrade the build backend and rebuild.
    pub static INVALID_METADATA_VERSION = ("M002", "invalid-metadata-version", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks `Name` is present and valid: ASCII letters, digits, `.`, `_` and `-`, starting
    /// and ending with a letter or digit.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'foo-' is an invalid value for Name. Error: Start and end with a
    /// letter or numeral containing only ASCII numeric and '.', '_' and '-'. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    /// A `Name: UNKNOWN` counts as missing.
    ///
    /// ## Fix
    /// Set `[project] name` in `pyproject.toml`.
    pub static INVALID_NAME = ("M003", "invalid-name", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks `Version` is present and a valid PEP 440 version.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'dog' is invalid for 'version'. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Use a PEP 440 version such as `1.2.0`, `1.2.0rc1` or `1.2.0.post1`.
    pub static INVALID_VERSION = ("M004", "invalid-version", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks the version has no local part (`+something`).
    ///
    /// ## Why is this bad?
    /// Local versions are for builds that never leave a machine. PyPI refuses them: "The use
    /// of local versions in '1.0+local' is not allowed. See
    /// https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers
    /// for more information."
    ///
    /// ## Fix
    /// Release from a clean tag; setuptools-scm adds `+g<hash>` or `+dirty` to untagged or
    /// modified checkouts (set `local_scheme = "no-local-version"` for test uploads).
    pub static LOCAL_VERSION = ("M005", "local-version", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that no field is newer than the declared `Metadata-Version`.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "license-expression introduced in metadata version 2.4, not 2.3. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    /// This is the most common rejection in the wild (hatchling wrote `License-Expression`
    /// under 2.3 for a while).
    ///
    /// ## Fix
    /// Upgrade the build backend so it declares the metadata version its fields need.
    pub static FIELD_TOO_NEW = ("M006", "field-too-new", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that `Project-URL` labels are unique.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'project_urls' has invalid data. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Remove the repeated label in `pyproject.toml`.
    pub static REPEATED_FIELD = ("M007", "repeated-field", Error);
}

declare_rule! {
    /// ## What it does
    /// Warns when a single-use field (such as `Summary`) appears more than once.
    ///
    /// ## Why is this bad?
    /// `hoist upload` sends the first value only, so PyPI accepts the file with that value
    /// and the others are lost. (A client that sends every value, as twine may, gets
    /// "'summary' has invalid data".)
    ///
    /// ## Fix
    /// Remove the repeated field in `pyproject.toml` or the build configuration.
    pub static REPEATED_FIELD_DROPPED = ("M026", "repeated-field-dropped", Warning);
}

declare_rule! {
    /// ## What it does
    /// Checks `Summary` is one line.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'summary' must be a single line. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    /// A summary folded over two header lines counts as two lines.
    ///
    /// ## Fix
    /// Put the project's `description` in `pyproject.toml` on one line.
    pub static SUMMARY_MULTILINE = ("M008", "summary-multiline", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks `Summary` is at most 512 characters.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'summary' field must be 512 characters or less. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Shorten it; the long text belongs in the README.
    pub static SUMMARY_TOO_LONG = ("M009", "summary-too-long", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks `Description-Content-Type`: `text/plain`, `text/x-rst` or `text/markdown`,
    /// charset exactly `UTF-8` if given, and for Markdown a variant of `GFM` or `CommonMark`.
    ///
    /// ## Why is this bad?
    /// PyPI refuses others: "'description-content-type' must be one of ['text/markdown',
    /// 'text/plain', 'text/x-rst'], not 'text/html'. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    /// (PyPI's list order varies between requests; match the message by its start.)
    ///
    /// ## Fix
    /// Set `readme = "README.md"` (or `.rst`) in `pyproject.toml` and let the backend fill it.
    pub static INVALID_DESCRIPTION_CONTENT_TYPE = ("M010", "invalid-description-content-type", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks every `Requires-Dist` is a valid PEP 508 requirement.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'foo >= dog' is invalid for 'requires-dist'. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Fix the dependency in `pyproject.toml`.
    pub static INVALID_REQUIRES_DIST = ("M011", "invalid-requires-dist", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that no `Requires-Dist`, `Provides-Dist` or `Obsoletes-Dist` is a direct URL
    /// reference (`foo @ https://…`).
    ///
    /// ## Why is this bad?
    /// Packages on PyPI must be installable from PyPI. PyPI refuses it: "Can't have direct
    /// dependency: foo @ https://example.com/foo-1.0.tar.gz. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Publish the dependency to PyPI and depend on it by name and version.
    pub static DIRECT_URL_DEPENDENCY = ("M012", "direct-url-dependency", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks every `Provides-Dist` and `Obsoletes-Dist` parses as a requirement.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'foo >= dog' is invalid: …" followed by the parser's explanation.
    ///
    /// ## Fix
    /// These fields are rarely needed; remove them or fix their syntax.
    pub static INVALID_PROVIDES_DIST = ("M013", "invalid-provides-dist", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks `Requires-Python` is a valid PEP 440 specifier set.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'>=3.x' is invalid for 'requires-python'. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Write it like `>=3.9`.
    pub static INVALID_REQUIRES_PYTHON = ("M014", "invalid-requires-python", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks every `Provides-Extra` is a valid name.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'foo bar' is invalid for 'provides-extra'. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Rename the extra in `[project.optional-dependencies]`.
    pub static INVALID_PROVIDES_EXTRA = ("M015", "invalid-provides-extra", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks every `Dynamic` names a core-metadata field other than `Name`, `Version`,
    /// `Metadata-Version` and `Dynamic`.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'name' is not allowed as a dynamic field. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Upgrade the build backend; `Dynamic` is written by backends, not by hand.
    pub static INVALID_DYNAMIC = ("M016", "invalid-dynamic", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks the address in `Author-email` and `Maintainer-email` the way PyPI does (with
    /// the `email-validator` rules, no deliverability check).
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'foo@bar' is not a valid email address: The part after the @-sign is
    /// not valid. It should have a period. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Fix the address in `[project] authors` / `maintainers`.
    pub static INVALID_EMAIL = ("M017", "invalid-email", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks `Home-page` and `Download-URL` are valid http or https URLs.
    ///
    /// ## Why is this bad?
    /// PyPI refuses others: "'irc://example.com/' is not a valid url. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Use an `https://` URL, or move the link to `[project.urls]`.
    pub static INVALID_URL = ("M018", "invalid-url", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks every `Project-URL` is `Label, URL` with a label of 1 to 32 characters and an
    /// http or https URL.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it, for example: "Must have a URL. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Fix `[project.urls]` in `pyproject.toml`.
    pub static INVALID_PROJECT_URL = ("M019", "invalid-project-url", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks every `Classifier` against the trove-classifiers list PyPI uses (the version is
    /// recorded in `src/check/data/classifiers.txt`).
    ///
    /// ## Why is this bad?
    /// PyPI refuses unknown ones, including every `Private :: …` classifier: "'Foo :: Bar' is
    /// not a valid classifier. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Pick classifiers from https://pypi.org/classifiers/.
    pub static INVALID_CLASSIFIER = ("M020", "invalid-classifier", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks for deprecated classifiers.
    ///
    /// ## Why is this bad?
    /// PyPI refuses them: "The classifier 'Natural Language :: Ukranian' has been deprecated,
    /// use one of ['Natural Language :: Ukrainian'] instead. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Use the replacement the message names, or drop the classifier.
    pub static DEPRECATED_CLASSIFIER = ("M021", "deprecated-classifier", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks every `Import-Name` and `Import-Namespace` (metadata 2.5) is a dotted Python
    /// identifier, not a keyword, optionally followed by `; private`.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'1foo' is invalid for 'import-name'; '1foo' is not a valid
    /// identifier. See https://packaging.python.org/specifications/core-metadata for more
    /// information."
    ///
    /// ## Fix
    /// Fix `[project] import-names` in `pyproject.toml`.
    pub static INVALID_IMPORT_NAME = ("M022", "invalid-import-name", Error);
}

declare_rule! {
    /// ## What it does
    /// Reports headers that are not core-metadata fields.
    ///
    /// ## Why is this bad?
    /// PyPI ignores them silently, so whatever they were meant to say is lost; a typo such
    /// as `Home-Page-URL` is the usual cause.
    ///
    /// ## Fix
    /// Remove the header or spell the field as the specification does.
    pub static UNKNOWN_FIELD = ("M023", "unknown-field", Warning);
}

declare_rule! {
    /// ## What it does
    /// Reports a line inside the metadata headers that is not a header.
    ///
    /// ## Why is this bad?
    /// Python's email parser, and so twine and PyPI's tools, end the headers at such a line:
    /// every field after it becomes part of the description.
    ///
    /// ## Fix
    /// Rebuild with a current backend; hand-written PKG-INFO files cause this.
    pub static MALFORMED_HEADER_LINE = ("M024", "malformed-header-line", Warning);
}

declare_rule! {
    /// ## What it does
    /// Reports metadata that gives the description both as a `Description:` header and as
    /// the message body.
    ///
    /// ## Why is this bad?
    /// Tools disagree on which one wins (`packaging` refuses the file). hoist sends the body.
    ///
    /// ## Fix
    /// Rebuild with a current backend, which writes the body only.
    pub static DESCRIPTION_CONFLICT = ("M025", "description-conflict", Warning);
}

/// The values of a field exactly as `hoist upload` puts them in the form
/// ([`crate::dist::form::sent_fields`]): what PyPI validates.
pub(crate) fn sent(md: &Metadata, email: &str) -> Vec<Field> {
    crate::dist::form::sent_fields(md)
        .into_iter()
        .filter(|(spec, _)| spec.email == email)
        .map(|(_, f)| f)
        .collect()
}

fn first(md: &Metadata, email: &str) -> Option<Field> {
    sent(md, email).into_iter().next()
}

/// Compares metadata versions such as "1.2" and "2.1".
fn mv_key(v: &str) -> (u32, u32) {
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// PyPI's form shows long names as the first 30 and last 30 characters.
fn truncated_repr(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() > 60 {
        let head: String = chars[..30].iter().collect();
        let tail: String = chars[chars.len() - 30..].iter().collect();
        py_repr(&format!("{head}...{tail}"))
    } else {
        py_repr(value)
    }
}

/// The metadata rules, one function per field or field group, called in the order PyPI's
/// form validation reports them (the order of the messages depends on it).
pub(super) fn check(dist: &Dist, out: &mut Diagnostics) {
    let (member, md) = match &dist.metadata {
        MetadataState::Parsed { member, metadata } => (member.as_str(), metadata.as_ref()),
        MetadataState::Unreadable { member, reason } => {
            out.push(&UNREADABLE_METADATA, format!("cannot read {member}: {reason}"))
                .at(member.clone(), None)
                .hint("hoist builds the upload form from this file; rebuild the distribution with a current build backend.");
            return;
        }
        MetadataState::NotFound { .. } => return,
    };

    // The upload form's own validation (name) comes first at PyPI.
    name(md, member, out);
    repeated_fields(md, member, out);
    let metadata_version = metadata_version(md, member, out);
    version(md, member, out);
    if let Some(mv) = metadata_version {
        fields_too_new(md, member, &mv, out);
    }
    summary(md, member, out);
    content_type(md, member, out);
    dependencies(md, member, out);
    dynamic(md, member, out);
    emails(md, member, out);
    urls(md, member, out);
    project_urls(md, member, out);
    classifiers(md, member, out);
    import_names(md, member, out);
    header_problems(md, member, out);
}

/// M003: Name is required and must be a valid project name (the form's `name` validator,
/// `warehouse/forklift/forms.py`).
fn name(md: &Metadata, member: &str, out: &mut Diagnostics) {
    match first(md, "name") {
        None => {
            let d = out.push(
                &INVALID_NAME,
                format!("'' is an invalid value for Name. Error: This field is required. See {CM} for more information."),
            );
            d.hint("Set [project] name in pyproject.toml.");
            d.at(member.to_string(), md.name.as_ref().map(|f| f.line));
        }
        Some(f) if !is_valid_project_name(&f.value) => {
            let d = out.push(
                &INVALID_NAME,
                format!(
                    "{} is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'. See {CM} for more information.",
                    truncated_repr(&f.value)
                ),
            );
            d.hint("Project names use ASCII letters, digits, '.', '_' and '-', and start and end with a letter or digit.");
            d.at(member, Some(f.line));
        }
        Some(_) => {}
    }
}

/// M026: a single-use field given more than once (only the first value is sent).
fn repeated_fields(md: &Metadata, member: &str, out: &mut Diagnostics) {
    for (email, line) in &md.repeated {
        let form = field_spec(email).map(|s| s.form).unwrap_or(email);
        let title = field_spec(email).map(|s| s.title).unwrap_or(email);
        let d = out.push(
            &REPEATED_FIELD_DROPPED,
            format!("{title} appears more than once; only the first value is sent (as '{form}')"),
        );
        d.hint(format!(
            "{title} may appear only once; remove the repeat, or the later values are lost."
        ));
        d.at(member, Some(*line));
    }
}

/// M002: Metadata-Version must be one PyPI accepts. Returns the field when it is valid, so
/// the fields newer than it can be checked.
fn metadata_version(md: &Metadata, member: &str, out: &mut Diagnostics) -> Option<Field> {
    let mv = first(md, "metadata-version");
    let mv_ok = match mv {
        None => {
            out.push(
                &INVALID_METADATA_VERSION,
                cm("None is not a valid metadata version"),
            )
            .hint(
                "The metadata file has no Metadata-Version; rebuild with a current build backend.",
            )
            .at(member.to_string(), None);
            false
        }
        Some(ref f) if !METADATA_VERSIONS.contains(&f.value.trim()) => {
            let d = out.push(
                &INVALID_METADATA_VERSION,
                cm(&format!(
                    "{} is not a valid metadata version",
                    py_repr(&f.value)
                )),
            );
            d.hint(format!(
                "PyPI accepts metadata versions {}; upgrade the build backend.",
                METADATA_VERSIONS.join(", ")
            ));
            d.at(member, Some(f.line));
            false
        }
        Some(_) => true,
    };
    mv.filter(|_| mv_ok)
}

/// M004, M005: Version is required, PEP 440, and not a local version.
fn version(md: &Metadata, member: &str, out: &mut Diagnostics) {
    match first(md, "version") {
        None => {
            out.push(&INVALID_VERSION, cm("'version' is a required field"))
                .hint("Set [project] version in pyproject.toml (or configure the dynamic version).")
                .at(member.to_string(), md.version.as_ref().map(|f| f.line));
        }
        Some(f) if !is_valid_version(&f.value) => {
            let d = out.push(
                &INVALID_VERSION,
                cm(&format!("{} is invalid for 'version'", py_repr(&f.value))),
            );
            d.hint("Use a PEP 440 version such as 1.2.0, 1.2.0rc1 or 1.2.0.post1.");
            d.at(member, Some(f.line));
        }
        Some(f) if f.value.contains('+') => {
            // `str(Version)`, the normal form.
            let normal = f
                .value
                .parse::<crate::dist::version::Version>()
                .map(|v| v.to_string())
                .unwrap_or_else(|_| f.value.clone());
            let d = out.push(
                &LOCAL_VERSION,
                format!(
                    "The use of local versions in {} is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information.",
                    py_repr(&normal)
                ),
            );
            d.hint("Release from a clean tag: setuptools-scm adds +g<hash> or +dirty to untagged or modified checkouts.");
            d.at(member, Some(f.line));
        }
        Some(_) => {}
    }
}

/// M006: fields newer than the declared (valid) metadata version `mv`.
fn fields_too_new(md: &Metadata, member: &str, mv: &Field, out: &mut Diagnostics) {
    let declared = mv.value.trim();
    for spec in FIELDS {
        if mv_key(spec.added) <= mv_key(declared) || spec.email == "license-file" {
            continue;
        }
        let present_line = if spec.email == "description" {
            md.description
                .as_ref()
                .filter(|d| !d.text.is_empty())
                .map(|d| d.line)
        } else {
            sent(md, spec.email).first().map(|f| f.line)
        };
        if let Some(line) = present_line {
            let d = out.push(
                &FIELD_TOO_NEW,
                cm(&format!(
                    "{} introduced in metadata version {}, not {}",
                    spec.email, spec.added, declared
                )),
            );
            d.hint(format!(
                "{} needs Metadata-Version {} or later; upgrade the build backend so it declares the right version.",
                spec.title, spec.added
            ));
            d.at(member, Some(line));
        }
    }
}

/// M008, M009: Summary is one line of at most 512 characters.
fn summary(md: &Metadata, member: &str, out: &mut Diagnostics) {
    if let Some(f) = first(md, "summary") {
        if f.value.contains('\n') {
            let d = out.push(&SUMMARY_MULTILINE, cm("'summary' must be a single line"));
            d.hint("Put the summary ([project] description) on one line.");
            d.at(member, Some(f.line));
        }
        let len = f.value.chars().count();
        if len > 512 {
            let d = out.push(
                &SUMMARY_TOO_LONG,
                cm("'summary' field must be 512 characters or less"),
            );
            d.hint(format!(
                "The summary is {len} characters; move the detail to the README."
            ));
            d.at(member, Some(f.line));
        }
    }
}

/// M010: Description-Content-Type is a type PyPI renders, with valid parameters.
fn content_type(md: &Metadata, member: &str, out: &mut Diagnostics) {
    if let Some(f) = first(md, "description-content-type")
        && let Some(message) = description_content_type_problem(&f.value)
    {
        let d = out.push(&INVALID_DESCRIPTION_CONTENT_TYPE, cm(&message));
        d.hint("Use text/markdown, text/x-rst or text/plain (readme = \"README.md\" in pyproject.toml sets it for you).");
        d.at(member, Some(f.line));
    }
}

/// M016: Dynamic names real fields, never Name, Version, Metadata-Version or Dynamic.
fn dynamic(md: &Metadata, member: &str, out: &mut Diagnostics) {
    for f in sent(md, "dynamic") {
        let value = f.value.trim().to_lowercase();
        let message = if ["name", "version", "metadata-version"].contains(&value.as_str()) {
            Some(format!(
                "{} is not allowed as a dynamic field",
                py_repr(&value)
            ))
        } else if value == "dynamic" {
            Some("Dynamic field 'dynamic' is not a valid dynamic field".to_string())
        } else if field_spec(&value).is_none() {
            Some(format!("{} is not a valid dynamic field", py_repr(&value)))
        } else {
            None
        };
        if let Some(m) = message {
            let d = out.push(&INVALID_DYNAMIC, cm(&m));
            d.hint("Dynamic may list any core-metadata field except Name, Version, Metadata-Version and Dynamic.");
            d.at(member, Some(f.line));
        }
    }
}

/// M017: Author-email and Maintainer-email hold valid addresses.
fn emails(md: &Metadata, member: &str, out: &mut Diagnostics) {
    for field in ["author-email", "maintainer-email"] {
        if let Some(f) = first(md, field)
            && let Some((address, problem)) = email_problem(&f.value)
        {
            let d = out.push(
                &INVALID_EMAIL,
                cm(&format!(
                    "{} is not a valid email address: {problem}",
                    py_repr(&address)
                )),
            );
            d.hint("Fix the address in [project] authors or maintainers.");
            d.at(member, Some(f.line));
        }
    }
}

/// M018: Home-page and Download-URL are valid URLs.
fn urls(md: &Metadata, member: &str, out: &mut Diagnostics) {
    for field in ["home-page", "download-url"] {
        if let Some(f) = first(md, field)
            && !is_valid_url(&f.value)
        {
            let d = out.push(
                &INVALID_URL,
                cm(&format!("{} is not a valid url", py_repr(&f.value))),
            );
            d.hint("Use an http:// or https:// URL.");
            d.at(member, Some(f.line));
        }
    }
}

/// M023 unknown fields, M024 a stray non-header line, M025 a description given twice.
fn header_problems(md: &Metadata, member: &str, out: &mut Diagnostics) {
    for (name, line) in &md.unknown {
        let d = out.push(
            &UNKNOWN_FIELD,
            format!("{name} is not a core-metadata field; PyPI ignores it"),
        );
        d.hint("Remove it, or spell the field as the core-metadata specification does.");
        d.at(member, Some(*line));
    }
    if let Some(line) = md.stray_line {
        let d = out.push(
            &MALFORMED_HEADER_LINE,
            format!("line {line} is not a header, so the headers end there and everything after it is read as the description"),
        );
        d.hint("Rebuild the distribution; every header line must be `Name: value`.");
        d.at(member, Some(line));
    }
    if let Some(line) = md.description_conflict {
        let d = out.push(
            &DESCRIPTION_CONFLICT,
            "the description is given both as a Description header and as the message body; hoist sends the body",
        );
        d.hint("Rebuild with a current backend, which writes the description only as the body.");
        d.at(member, Some(line));
    }
}

/// Python's `email` reading of a Content-Type value as packaging does it
/// (`EmailMessage()["content-type"] = value`): the type is `get_content_type()` (the text
/// before the first `;`, stripped and lower-cased, or `text/plain` unless it holds exactly one
/// `/`), and the parameters are the default policy's header parser's: a parameter written
/// `name=` with no value is dropped, `name` alone has the empty value, a quoted value is
/// unquoted, an unquoted one is a token (it ends at white space or a special character), an
/// RFC 2231 `name*=charset'lang'value` is decoded. Of parameters spelt the same, the first
/// counts; names differing only in case are then merged, the later spelling winning.
fn parse_content_type(value: &str) -> (String, Vec<(String, String)>) {
    let mut parts = split_params(value).into_iter();
    let main = crate::check::packaging::py_strip(&parts.next().unwrap_or_default()).to_lowercase();
    let ctype = if main.matches('/').count() == 1 {
        main
    } else {
        "text/plain".to_string()
    };
    // (name as written, value, RFC 2231 extended): a repeated name keeps its first value,
    // except that `name*=` parts after a first `name*=` are joined, as the parser joins
    // RFC 2231 sections.
    let mut exact: Vec<(String, String, bool)> = Vec::new();
    for p in parts {
        let Some((name, value, extended)) = parse_param(&p) else {
            continue;
        };
        match exact.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, v, true)) if extended => v.push_str(&value),
            Some(_) => {}
            None => exact.push((name, value, extended)),
        }
    }
    let mut params: Vec<(String, String)> = Vec::new();
    for (name, value, _) in exact {
        let lower = name.to_lowercase();
        match params.iter_mut().find(|(n, _)| *n == lower) {
            Some(slot) => slot.1 = value,
            None => params.push((lower, value)),
        }
    }
    (ctype, params)
}

/// A token character for Python's header parser: anything but the MIME specials and the
/// two white-space characters it knows (space and tab).
fn is_token_char(c: char) -> bool {
    c != ' ' && c != '\t' && !"()<>@,;:\\\"/[]?=".contains(c)
}

/// Skips spaces, tabs and `(comments)`.
fn skip_cfws(s: &str) -> &str {
    let ws = |c: char| c == ' ' || c == '\t';
    let mut s = s.trim_start_matches(ws);
    while let Some(rest) = s.strip_prefix('(') {
        s = rest
            .split_once(')')
            .map_or("", |(_, r)| r)
            .trim_start_matches(ws);
    }
    s
}

/// One `name=value` parameter: `None` when the parser would drop it.
fn parse_param(p: &str) -> Option<(String, String, bool)> {
    let p = skip_cfws(p);
    let end = p
        .find(|c: char| !is_token_char(c) || c == '*' || c == '\'' || c == '%')
        .unwrap_or(p.len());
    let (name, rest) = p.split_at(end);
    // The parser keeps the attribute as written and Python strips it (`str.strip`).
    let name = crate::check::packaging::py_strip(name);
    if name.is_empty() {
        return None;
    }
    let (extended, rest) = match rest.strip_prefix('*') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = skip_cfws(rest);
    if rest.is_empty() {
        return Some((name.to_string(), String::new(), extended));
    }
    let raw = skip_cfws(rest.strip_prefix('=')?);
    if raw.is_empty() {
        return None;
    }
    let value = if raw.starts_with('"') {
        param_value(raw)
    } else {
        // An unquoted value is a token that also ends at `*`; a `'` in it (RFC 2231 syntax
        // outside a `name*=`) makes the parser drop the parameter, as does an empty token.
        let end = raw
            .find(|c: char| !is_token_char(c) || c == '*' || c == '\'')
            .unwrap_or(raw.len());
        if end == 0 || (!extended && raw[end..].starts_with('\'')) {
            return None;
        }
        if extended {
            raw.split(|c: char| !is_token_char(c) && c != '\'')
                .next()
                .unwrap_or("")
                .to_string()
        } else {
            raw[..end].to_string()
        }
    };
    if extended {
        let decoded = value.splitn(3, '\'').nth(2).unwrap_or(&value).to_string();
        return Some((name.to_string(), decoded, true));
    }
    Some((name.to_string(), value, false))
}

/// Splits a header value on `;` outside double quotes.
fn split_params(value: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted, mut escaped) = (Vec::new(), String::new(), false, false);
    for c in value.chars() {
        if quoted {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            }
        } else if c == '"' {
            quoted = true;
        } else if c == ';' {
            out.push(std::mem::take(&mut cur));
            continue;
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

/// A quoted parameter value, unquoted (an unterminated one runs to the end).
fn param_value(v: &str) -> String {
    let rest = v.strip_prefix('"').unwrap_or(v);
    let (mut out, mut escaped) = (String::new(), false);
    for c in rest.chars() {
        if escaped {
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            break;
        } else {
            out.push(c);
        }
    }
    out
}

/// `packaging`'s Description-Content-Type validation; the message without PyPI's suffix.
pub fn description_content_type_problem(value: &str) -> Option<String> {
    // Python's email policy refuses a header value that `str.splitlines` cuts in two.
    let breaks = [
        '\n', '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\u{85}', '\u{2028}', '\u{2029}',
    ];
    let body = value
        .strip_suffix("\r\n")
        .or_else(|| value.strip_suffix(breaks))
        .unwrap_or(value);
    if body.contains(breaks) {
        return Some("Header values may not contain linefeed or carriage return characters".into());
    }
    let (ctype, params) = parse_content_type(value);
    let types = ["text/markdown", "text/plain", "text/x-rst"];
    if !types.contains(&ctype.as_str()) || !value.to_lowercase().contains(&ctype) {
        return Some(format!(
            "'description-content-type' must be one of {}, not {}",
            py_list_repr(&types),
            py_repr(value)
        ));
    }
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let charset = param("charset").unwrap_or("UTF-8");
    if charset != "UTF-8" {
        return Some(format!(
            "'description-content-type' can only specify the UTF-8 charset, not {}",
            py_repr(charset)
        ));
    }
    let variant = param("variant").unwrap_or("GFM");
    if ctype == "text/markdown" && !["GFM", "CommonMark"].contains(&variant) {
        return Some(format!(
            "valid Markdown variants for 'description-content-type' are {}, not {}",
            py_list_repr(&["CommonMark", "GFM"]),
            py_repr(variant)
        ));
    }
    None
}

/// The content type that decides how PyPI renders the description: `None` means reStructuredText
/// by default (no Description-Content-Type given).
pub fn description_content_type(md: &Metadata) -> Option<String> {
    first(md, "description-content-type").map(|f| parse_content_type(&f.value).0)
}

/// Whether `value` parses as a PEP 440 version, as packaging 26.2's `Version` decides (what
/// PyPI requires of `Version`); see [`crate::check::packaging`].
pub fn is_valid_version(value: &str) -> bool {
    crate::check::packaging::is_valid_version(value)
}

/// Whether `value` parses as packaging's `SpecifierSet` (`Requires-Python`): empty
/// comma-separated items are skipped, and `===` (arbitrary equality) takes any string.
pub fn is_valid_specifiers(value: &str) -> bool {
    crate::check::packaging::specifier_set(value).is_ok()
}

/// Parses a PEP 508 requirement (`Requires-Dist`, `Provides-Dist`, `Obsoletes-Dist`) as
/// packaging 26.2's `Requirement` does; the error is `str(InvalidRequirement)`.
pub fn parse_requirement(value: &str) -> Result<crate::check::packaging::Requirement, String> {
    crate::check::packaging::parse_requirement(value)
}

fn dependencies(md: &Metadata, member: &str, out: &mut Diagnostics) {
    for f in sent(md, "requires-dist") {
        match parse_requirement(&f.value) {
            Err(e) => {
                out.push(
                    &INVALID_REQUIRES_DIST,
                    cm(&format!(
                        "{} is invalid for 'requires-dist'",
                        py_repr(&f.value)
                    )),
                )
                .hint(e)
                .at(member.to_string(), Some(f.line));
            }
            Ok(req) => {
                if req.url.is_some() {
                    out.push(
                        &DIRECT_URL_DEPENDENCY,
                        cm(&format!("Can't have direct dependency: {req}")),
                    )
                    .hint("Publish the dependency to PyPI and depend on it by name and version.")
                    .at(member.to_string(), Some(f.line));
                }
            }
        }
    }
    for field in ["provides-dist", "obsoletes-dist"] {
        for f in sent(md, field) {
            match parse_requirement(&f.value) {
                Err(e) => {
                    out.push(
                        &INVALID_PROVIDES_DIST,
                        format!("{} is invalid: {e}", py_repr(&f.value)),
                    )
                    .hint(format!(
                        "Fix or remove {field}; it must parse as a requirement."
                    ))
                    .at(member.to_string(), Some(f.line));
                }
                Ok(req) => {
                    if req.url.is_some() {
                        out.push(
                            &DIRECT_URL_DEPENDENCY,
                            cm(&format!(
                                "Can't have direct dependency: {}",
                                py_repr(&f.value)
                            )),
                        )
                        .hint("Remove the URL.")
                        .at(member.to_string(), Some(f.line));
                    }
                }
            }
        }
    }
    if let Some(f) = first(md, "requires-python")
        && !is_valid_specifiers(&f.value)
    {
        out.push(
            &INVALID_REQUIRES_PYTHON,
            cm(&format!(
                "{} is invalid for 'requires-python'",
                py_repr(&f.value)
            )),
        )
        .hint("Write it as a PEP 440 specifier, such as >=3.9.")
        .at(member.to_string(), Some(f.line));
    }
    for f in sent(md, "provides-extra") {
        if !is_valid_project_name(f.value.trim()) {
            out.push(&INVALID_PROVIDES_EXTRA, cm(&format!("{} is invalid for 'provides-extra'", py_repr(&f.value))))
                .hint("Extra names use ASCII letters, digits, '.', '_' and '-', and start and end with a letter or digit.")
                .at(member.to_string(), Some(f.line));
        }
    }
}

fn project_urls(md: &Metadata, member: &str, out: &mut Diagnostics) {
    let mut labels = HashSet::new();
    for f in sent(md, "project-url") {
        let (label, url) = match f.value.split_once(',') {
            Some((l, u)) => (l.trim(), u.trim()),
            None => (f.value.trim(), ""),
        };
        if !labels.insert(label.to_string()) {
            out.push(&REPEATED_FIELD, cm("'project_urls' has invalid data"))
                .hint(format!(
                    "The label {label:?} is used twice in [project.urls]; labels must be unique."
                ))
                .at(member.to_string(), Some(f.line));
            continue;
        }
        let message = if label.is_empty() {
            Some("Must have a label".to_string())
        } else if label.chars().count() > 32 {
            Some(format!("{} must be 32 characters or less", py_repr(label)))
        } else if url.is_empty() {
            Some("Must have a URL".to_string())
        } else if !is_valid_url(url) {
            Some(format!("{} is not a valid url", py_repr(url)))
        } else {
            None
        };
        if let Some(m) = message {
            out.push(&INVALID_PROJECT_URL, cm(&m))
                .hint("Each Project-URL is \"Label, https://…\" with a label of at most 32 characters.")
                .at(member.to_string(), Some(f.line));
        }
    }
}

struct Classifiers {
    valid: HashSet<&'static str>,
    deprecated: Vec<(&'static str, Vec<&'static str>)>,
}

fn classifier_data() -> &'static Classifiers {
    static DATA: OnceLock<Classifiers> = OnceLock::new();
    DATA.get_or_init(|| {
        let lines = |s: &'static str| s.lines().filter(|l| !l.starts_with('#') && !l.is_empty());
        Classifiers {
            valid: lines(include_str!("../data/classifiers.txt")).collect(),
            deprecated: lines(include_str!("../data/deprecated-classifiers.txt"))
                .map(|l| {
                    let (old, new) = l.split_once('\t').unwrap_or((l, ""));
                    (old, new.split('|').filter(|s| !s.is_empty()).collect())
                })
                .collect(),
        }
    })
}

/// The trove-classifiers release the bundled list was generated from.
pub fn classifiers_version() -> &'static str {
    include_str!("../data/classifiers.txt")
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# trove-classifiers "))
        .and_then(|l| l.split(':').next())
        .unwrap_or("unknown")
}

/// Warehouse's verdict on one classifier (`warehouse/forklift/metadata.py`): `Err` with its
/// message when it is not in trove-classifiers or is deprecated.
pub fn classifier_problem(c: &str) -> Result<(), String> {
    let data = classifier_data();
    match data.deprecated.iter().find(|(d, _)| *d == c) {
        Some((_, r)) if r.is_empty() => Err(format!(
            "The classifier {} has been deprecated.",
            py_repr(c)
        )),
        Some((_, r)) => Err(format!(
            "The classifier {} has been deprecated, use one of {} instead.",
            py_repr(c),
            py_list_repr(r)
        )),
        None if !data.valid.contains(c) => {
            Err(format!("{} is not a valid classifier.", py_repr(c)))
        }
        None => Ok(()),
    }
}

fn classifiers(md: &Metadata, member: &str, out: &mut Diagnostics) {
    let data = classifier_data();
    let fields = sent(md, "classifier");
    let line_of = |c: &str| fields.iter().find(|f| f.value == c).map(|f| f.line);
    let mut given: Vec<&str> = fields.iter().map(|f| f.value.as_str()).collect();
    given.sort_unstable();
    given.dedup();
    let deprecated = |c: &str| data.deprecated.iter().find(|(d, _)| *d == c);
    for c in &given {
        if !data.valid.contains(c) && deprecated(c).is_none() {
            let hint = if c.starts_with("Private ::") {
                "A `Private :: ` classifier is how projects keep themselves off PyPI; remove it to upload.".to_string()
            } else {
                format!(
                    "Pick classifiers from https://pypi.org/classifiers/ (hoist's list is trove-classifiers {}).",
                    classifiers_version()
                )
            };
            out.push(
                &INVALID_CLASSIFIER,
                cm(&format!("{} is not a valid classifier", py_repr(c))),
            )
            .hint(hint)
            .at(member.to_string(), line_of(c));
        }
    }
    for c in &given {
        if let Some((_, replacements)) = deprecated(c) {
            let message = if replacements.is_empty() {
                format!("The classifier {} has been deprecated", py_repr(c))
            } else {
                format!(
                    "The classifier {} has been deprecated, use one of {} instead",
                    py_repr(c),
                    py_list_repr(replacements)
                )
            };
            out.push(&DEPRECATED_CLASSIFIER, cm(&message))
                .hint("Replace or remove the deprecated classifier.")
                .at(member.to_string(), line_of(c));
        }
    }
}

const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || unicode_ident::is_xid_start(c) => {
            chars.all(unicode_ident::is_xid_continue)
        }
        _ => false,
    }
}

/// The problem with one `Import-Name` / `Import-Namespace` value, without PyPI's suffix.
pub fn import_name_problem(value: &str, field: &str) -> Option<String> {
    let (name, option) = match value.split_once(';') {
        Some((n, o)) => (n.trim(), Some(o.trim())),
        None => (value.trim(), None),
    };
    if let Some(opt) = option
        && opt != "private"
    {
        return Some(format!(
            "{} is invalid for {}; the only valid option is 'private'",
            py_repr(value),
            py_repr(field)
        ));
    }
    for part in name.split('.') {
        if PY_KEYWORDS.contains(&part) {
            return Some(format!(
                "{} is invalid for {}; {} is a keyword",
                py_repr(value),
                py_repr(field),
                py_repr(part)
            ));
        }
        if !is_identifier(part) {
            return Some(format!(
                "{} is invalid for {}; {} is not a valid identifier",
                py_repr(value),
                py_repr(field),
                py_repr(part)
            ));
        }
    }
    None
}

fn import_names(md: &Metadata, member: &str, out: &mut Diagnostics) {
    for field in ["import-name", "import-namespace"] {
        for f in sent(md, field) {
            if let Some(m) = import_name_problem(&f.value, field) {
                out.push(&INVALID_IMPORT_NAME, cm(&m))
                    .hint("Import names are dotted Python identifiers, optionally followed by `; private`.")
                    .at(member.to_string(), Some(f.line));
            }
        }
    }
}
