//! Core metadata (METADATA / PKG-INFO, versions 1.0 to 2.5) parsed into one typed [`Metadata`].
//!
//! The parse follows what `packaging.metadata.parse_email` does with Python's `email` parser,
//! because that decides what twine sends and therefore what PyPI sees:
//! - a header line is `Name: value`; lines starting with a space or tab continue the previous
//!   header, and the value keeps those line breaks (so a folded `Summary` is two lines);
//! - a line that is neither ends the headers: it and everything after it become the body;
//! - the body is the description (metadata 2.1+).
//!
//! One deliberate difference: a legacy `Description:` header, folded with 8 spaces or with
//! `       |` by old setuptools, is unfolded, since PyPI accepted those files and a maintainer
//! expects them to pass.
//!
//! Validation is not done here; see [`crate::check`].

use std::fmt;

/// A field's value and the 1-based line of its header in the metadata file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Field {
    pub value: String,
    pub line: usize,
}

/// Whether a field may appear once or many times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplicity {
    Single,
    Multi,
}

/// What the core-metadata specification says about one field.
#[derive(Debug)]
pub struct FieldSpec {
    /// The header name in lower case, as PyPI's messages spell it (`description-content-type`).
    pub email: &'static str,
    /// The header name as the specification writes it (`Description-Content-Type`).
    pub title: &'static str,
    /// The upload form key (`description_content_type`).
    pub form: &'static str,
    pub multiplicity: Multiplicity,
    /// The metadata version that introduced it.
    pub added: &'static str,
}

macro_rules! spec {
    ($email:literal, $title:literal, $form:literal, $m:ident, $added:literal) => {
        FieldSpec {
            email: $email,
            title: $title,
            form: $form,
            multiplicity: Multiplicity::$m,
            added: $added,
        }
    };
}

/// Every core-metadata field, in the specification's order.
pub static FIELDS: &[FieldSpec] = &[
    spec!(
        "metadata-version",
        "Metadata-Version",
        "metadata_version",
        Single,
        "1.0"
    ),
    spec!("name", "Name", "name", Single, "1.0"),
    spec!("version", "Version", "version", Single, "1.0"),
    spec!("dynamic", "Dynamic", "dynamic", Multi, "2.2"),
    spec!("platform", "Platform", "platform", Multi, "1.0"),
    spec!(
        "supported-platform",
        "Supported-Platform",
        "supported_platform",
        Multi,
        "1.1"
    ),
    spec!("summary", "Summary", "summary", Single, "1.0"),
    spec!("description", "Description", "description", Single, "1.0"),
    spec!(
        "description-content-type",
        "Description-Content-Type",
        "description_content_type",
        Single,
        "2.1"
    ),
    spec!("keywords", "Keywords", "keywords", Single, "1.0"),
    spec!("home-page", "Home-page", "home_page", Single, "1.0"),
    spec!(
        "download-url",
        "Download-URL",
        "download_url",
        Single,
        "1.1"
    ),
    spec!("author", "Author", "author", Single, "1.0"),
    spec!(
        "author-email",
        "Author-email",
        "author_email",
        Single,
        "1.0"
    ),
    spec!("maintainer", "Maintainer", "maintainer", Single, "1.2"),
    spec!(
        "maintainer-email",
        "Maintainer-email",
        "maintainer_email",
        Single,
        "1.2"
    ),
    spec!("license", "License", "license", Single, "1.0"),
    spec!(
        "license-expression",
        "License-Expression",
        "license_expression",
        Single,
        "2.4"
    ),
    spec!("license-file", "License-File", "license_file", Multi, "2.4"),
    spec!("classifier", "Classifier", "classifiers", Multi, "1.1"),
    spec!(
        "requires-dist",
        "Requires-Dist",
        "requires_dist",
        Multi,
        "1.2"
    ),
    spec!(
        "requires-python",
        "Requires-Python",
        "requires_python",
        Single,
        "1.2"
    ),
    spec!(
        "requires-external",
        "Requires-External",
        "requires_external",
        Multi,
        "1.2"
    ),
    spec!("project-url", "Project-URL", "project_urls", Multi, "1.2"),
    spec!(
        "provides-extra",
        "Provides-Extra",
        "provides_extra",
        Multi,
        "2.1"
    ),
    spec!(
        "provides-dist",
        "Provides-Dist",
        "provides_dist",
        Multi,
        "1.2"
    ),
    spec!(
        "obsoletes-dist",
        "Obsoletes-Dist",
        "obsoletes_dist",
        Multi,
        "1.2"
    ),
    spec!("import-name", "Import-Name", "import_name", Multi, "2.5"),
    spec!(
        "import-namespace",
        "Import-Namespace",
        "import_namespace",
        Multi,
        "2.5"
    ),
    spec!("requires", "Requires", "requires", Multi, "1.1"),
    spec!("provides", "Provides", "provides", Multi, "1.1"),
    spec!("obsoletes", "Obsoletes", "obsoletes", Multi, "1.1"),
];

/// The specification of a field, by its header name in any case.
pub fn field_spec(name: &str) -> Option<&'static FieldSpec> {
    let lower = name.to_ascii_lowercase();
    FIELDS.iter().find(|f| f.email == lower)
}

/// Where the description came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DescriptionSource {
    /// The message body (metadata 2.1+); `line` is the body's first line in the file.
    Body,
    /// A (possibly folded) `Description:` header.
    Header,
}

/// The long description.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Description {
    pub text: String,
    pub source: DescriptionSource,
    /// The file line where the description's first line is.
    pub line: usize,
}

/// Core metadata, typed. Single-use fields are `Option`, multi-use fields `Vec`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Metadata {
    pub metadata_version: Option<Field>,
    pub name: Option<Field>,
    pub version: Option<Field>,
    pub dynamic: Vec<Field>,
    pub platforms: Vec<Field>,
    pub supported_platforms: Vec<Field>,
    pub summary: Option<Field>,
    pub description: Option<Description>,
    pub description_content_type: Option<Field>,
    pub keywords: Option<Field>,
    pub home_page: Option<Field>,
    pub download_url: Option<Field>,
    pub author: Option<Field>,
    pub author_email: Option<Field>,
    pub maintainer: Option<Field>,
    pub maintainer_email: Option<Field>,
    pub license: Option<Field>,
    pub license_expression: Option<Field>,
    pub license_files: Vec<Field>,
    pub classifiers: Vec<Field>,
    pub requires_dist: Vec<Field>,
    pub requires_python: Option<Field>,
    pub requires_external: Vec<Field>,
    pub project_urls: Vec<Field>,
    pub provides_extra: Vec<Field>,
    pub provides_dist: Vec<Field>,
    pub obsoletes_dist: Vec<Field>,
    pub import_names: Vec<Field>,
    pub import_namespaces: Vec<Field>,
    pub requires: Vec<Field>,
    pub provides: Vec<Field>,
    pub obsoletes: Vec<Field>,
    /// Single-use fields that appeared more than once: (header name in lower case, line of
    /// the repeat). Only the first value is kept.
    pub repeated: Vec<(String, usize)>,
    /// Headers that are not core-metadata fields: (name as written, line).
    pub unknown: Vec<(String, usize)>,
    /// A line inside the headers that is not a header: everything from it on became the body.
    pub stray_line: Option<usize>,
    /// Both a `Description:` header and a body were present (the body is used).
    pub description_conflict: Option<usize>,
}

/// Why metadata bytes could not be parsed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("it is not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("it is empty")]
    Empty,
}

impl Metadata {
    /// Parses METADATA / PKG-INFO bytes.
    pub fn parse(bytes: &[u8]) -> Result<Metadata, MetadataError> {
        let text = std::str::from_utf8(bytes).map_err(|e| MetadataError::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        if text.trim().is_empty() {
            return Err(MetadataError::Empty);
        }
        Ok(Self::parse_str(text))
    }

    /// Parses metadata text.
    pub fn parse_str(text: &str) -> Metadata {
        let lines: Vec<&str> = split_lines(text);
        let mut headers: Vec<(String, String, usize)> = Vec::new();
        let mut md = Metadata::default();
        let mut i = 0;
        let mut body_start: Option<usize> = None;
        while i < lines.len() {
            let line = lines[i];
            if line.is_empty() {
                body_start = Some(i + 1);
                break;
            }
            if (line.starts_with(' ') || line.starts_with('\t'))
                && let Some(last) = headers.last_mut()
            {
                last.1.push('\n');
                last.1.push_str(line);
                i += 1;
                continue;
            }
            match header_name(line) {
                Some((name, value)) => {
                    headers.push((name.to_string(), value.to_string(), i + 1));
                }
                None => {
                    md.stray_line = Some(i + 1);
                    body_start = Some(i);
                    break;
                }
            }
            i += 1;
        }
        for (name, value, line) in headers {
            md.set(&name, value, line);
        }
        if let Some(start) = body_start {
            let body = lines[start..].join("\n");
            // The split dropped the final line break, which the body keeps.
            let body = if text.ends_with('\n') && !body.is_empty() {
                body + "\n"
            } else {
                body
            };
            if !body.is_empty() {
                if let Some(header) = &md.description {
                    md.description_conflict = Some(header.line);
                }
                md.description = Some(Description {
                    text: body,
                    source: DescriptionSource::Body,
                    line: start + 1,
                });
            }
        }
        md
    }

    fn set(&mut self, name: &str, value: String, line: usize) {
        let Some(spec) = field_spec(name) else {
            self.unknown.push((name.to_string(), line));
            return;
        };
        if spec.email == "description" {
            if self.description.is_some() {
                self.repeated.push((spec.email.to_string(), line));
            } else {
                self.description = Some(Description {
                    text: unfold_description(&value),
                    source: DescriptionSource::Header,
                    line,
                });
            }
            return;
        }
        let field = Field { value, line };
        let single = match spec.email {
            "metadata-version" => &mut self.metadata_version,
            "name" => &mut self.name,
            "version" => &mut self.version,
            "summary" => &mut self.summary,
            "description-content-type" => &mut self.description_content_type,
            "keywords" => &mut self.keywords,
            "home-page" => &mut self.home_page,
            "download-url" => &mut self.download_url,
            "author" => &mut self.author,
            "author-email" => &mut self.author_email,
            "maintainer" => &mut self.maintainer,
            "maintainer-email" => &mut self.maintainer_email,
            "license" => &mut self.license,
            "license-expression" => &mut self.license_expression,
            "requires-python" => &mut self.requires_python,
            _ => {
                let list = match spec.email {
                    "dynamic" => &mut self.dynamic,
                    "platform" => &mut self.platforms,
                    "supported-platform" => &mut self.supported_platforms,
                    "license-file" => &mut self.license_files,
                    "classifier" => &mut self.classifiers,
                    "requires-dist" => &mut self.requires_dist,
                    "requires-external" => &mut self.requires_external,
                    "project-url" => &mut self.project_urls,
                    "provides-extra" => &mut self.provides_extra,
                    "provides-dist" => &mut self.provides_dist,
                    "obsoletes-dist" => &mut self.obsoletes_dist,
                    "import-name" => &mut self.import_names,
                    "import-namespace" => &mut self.import_namespaces,
                    "requires" => &mut self.requires,
                    "provides" => &mut self.provides,
                    _ => &mut self.obsoletes,
                };
                list.push(field);
                return;
            }
        };
        if single.is_some() {
            self.repeated.push((spec.email.to_string(), line));
        } else {
            *single = Some(field);
        }
    }

    /// Every field present, as (spec, value) pairs in the specification's order; the
    /// description as one value. This is what an upload form is built from.
    pub fn present_fields(&self) -> Vec<(&'static FieldSpec, &str)> {
        let mut out = Vec::new();
        for spec in FIELDS {
            match spec.email {
                "description" => {
                    if let Some(d) = &self.description {
                        out.push((spec, d.text.as_str()));
                    }
                }
                _ => {
                    for f in self.values(spec.email) {
                        out.push((spec, f.value.as_str()));
                    }
                }
            }
        }
        out
    }

    /// The values of a field (other than the description) by its lower-case header name.
    pub fn values(&self, email: &str) -> Vec<&Field> {
        fn single(f: &Option<Field>) -> Vec<&Field> {
            f.iter().collect()
        }
        match email {
            "metadata-version" => single(&self.metadata_version),
            "name" => single(&self.name),
            "version" => single(&self.version),
            "summary" => single(&self.summary),
            "description-content-type" => single(&self.description_content_type),
            "keywords" => single(&self.keywords),
            "home-page" => single(&self.home_page),
            "download-url" => single(&self.download_url),
            "author" => single(&self.author),
            "author-email" => single(&self.author_email),
            "maintainer" => single(&self.maintainer),
            "maintainer-email" => single(&self.maintainer_email),
            "license" => single(&self.license),
            "license-expression" => single(&self.license_expression),
            "requires-python" => single(&self.requires_python),
            "dynamic" => self.dynamic.iter().collect(),
            "platform" => self.platforms.iter().collect(),
            "supported-platform" => self.supported_platforms.iter().collect(),
            "license-file" => self.license_files.iter().collect(),
            "classifier" => self.classifiers.iter().collect(),
            "requires-dist" => self.requires_dist.iter().collect(),
            "requires-external" => self.requires_external.iter().collect(),
            "project-url" => self.project_urls.iter().collect(),
            "provides-extra" => self.provides_extra.iter().collect(),
            "provides-dist" => self.provides_dist.iter().collect(),
            "obsoletes-dist" => self.obsoletes_dist.iter().collect(),
            "import-name" => self.import_names.iter().collect(),
            "import-namespace" => self.import_namespaces.iter().collect(),
            "requires" => self.requires.iter().collect(),
            "provides" => self.provides.iter().collect(),
            "obsoletes" => self.obsoletes.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The value of a single-use field, trimmed, as PyPI receives it: `None` when absent,
    /// empty, or `UNKNOWN` (which PyPI deletes).
    pub fn get(&self, email: &str) -> Option<&str> {
        self.values(email)
            .first()
            .map(|f| f.value.trim())
            .filter(|v| !v.is_empty() && *v != "UNKNOWN")
    }
}

/// Splits on `\r\n`, `\n` or `\r`, like Python's `email` parser; no trailing empty line.
fn split_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                out.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Splits `Name: value` as Python's `email` header regex does: the name is printable ASCII
/// other than `:`; the value loses leading spaces and tabs.
fn header_name(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    if name.is_empty() || !name.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return None;
    }
    Some((name, value.trim_start_matches([' ', '\t'])))
}

/// Unfolds a legacy `Description:` header: continuation lines lose the 8 spaces (or the
/// `       |` marker) that setuptools put in front of them.
fn unfold_description(value: &str) -> String {
    let mut lines = value.split('\n');
    let mut out = String::new();
    if let Some(first) = lines.next() {
        out.push_str(first.trim_start());
    }
    for line in lines {
        out.push('\n');
        let stripped = line
            .strip_prefix("        ")
            .or_else(|| line.strip_prefix("       |"))
            .unwrap_or_else(|| line.trim_start_matches([' ', '\t']));
        out.push_str(stripped);
    }
    out
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_headers_and_body() {
        let md = Metadata::parse(
            b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nClassifier: A :: B\nClassifier: C :: D\n\
Project-URL: Home, https://example.com\nX-Custom: 1\n\n# Title\n\nText.\n",
        )
        .unwrap();
        assert_eq!(md.get("name"), Some("demo"));
        assert_eq!(md.classifiers.len(), 2);
        assert_eq!(md.classifiers[1].line, 5);
        assert_eq!(md.unknown, vec![("X-Custom".to_string(), 7)]);
        let d = md.description.unwrap();
        assert_eq!(d.text, "# Title\n\nText.\n");
        assert_eq!(d.source, DescriptionSource::Body);
        assert_eq!(d.line, 9);
    }

    #[test]
    fn folded_single_line_fields_keep_their_line_break() {
        let md = Metadata::parse_str("Name: x\nSummary: one\n  two\n");
        assert_eq!(md.summary.unwrap().value, "one\n  two");
    }

    #[test]
    fn legacy_description_header_is_unfolded() {
        let spaces = "Metadata-Version: 1.1\nName: old\nDescription: Title\n        =====\n        \n        Body text.\n\n";
        let d = Metadata::parse_str(spaces).description.unwrap();
        assert_eq!(d.text, "Title\n=====\n\nBody text.");
        assert_eq!(d.source, DescriptionSource::Header);
        let pipes = "Metadata-Version: 1.1\nName: old\nDescription: Title\n       |=====\n       |\n       |    indented\n";
        let d = Metadata::parse_str(pipes).description.unwrap();
        assert_eq!(d.text, "Title\n=====\n\n    indented");
    }

    #[test]
    fn repeated_and_stray_lines_are_recorded() {
        let md =
            Metadata::parse_str("Name: a\nSummary: one\nSummary: two\nnot a header\nVersion: 1\n");
        assert_eq!(md.repeated, vec![("summary".to_string(), 3)]);
        assert_eq!(md.stray_line, Some(4));
        assert!(md.version.is_none());
        assert_eq!(md.description.unwrap().text, "not a header\nVersion: 1\n");
    }

    #[test]
    fn crlf_and_errors() {
        let md = Metadata::parse(b"Name: a\r\nVersion: 1\r\n\r\nbody\r\n").unwrap();
        assert_eq!(md.get("version"), Some("1"));
        assert_eq!(md.description.unwrap().text, "body\n");
        assert_eq!(
            Metadata::parse(b"Name: \xff\n"),
            Err(MetadataError::NotUtf8 { offset: 6 })
        );
        assert_eq!(Metadata::parse(b"  \n"), Err(MetadataError::Empty));
    }
}
