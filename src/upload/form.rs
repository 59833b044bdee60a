//! The upload form, as one typed, ordered list of fields: what PyPI's legacy upload API reads
//! (`shared/reference/warehouse-upload.md` section a). Metadata fields come from the
//! distribution's own metadata file, each under its exact form key, multi-use fields repeated.

use crate::dist::filename::FileType;
use crate::dist::metadata::{FIELDS, Metadata};

/// One text field of the form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FormField {
    pub name: String,
    pub value: String,
}

fn field(name: &str, value: impl Into<String>) -> FormField {
    FormField {
        name: name.to_string(),
        value: value.into(),
    }
}

/// The metadata fields PyPI will receive: empty and `UNKNOWN` values left out (PyPI drops
/// them), `License-File` left out below Metadata-Version 2.4 (PyPI would refuse it; twine does
/// the same), `requires_python` always present (GitLab's registry requires it).
pub fn metadata_fields(md: &Metadata) -> Vec<FormField> {
    let mv = md.get("metadata-version").unwrap_or("");
    let license_files_allowed = matches!(mv, "2.4" | "2.5");
    let mut out = Vec::new();
    for (spec, value) in md.present_fields() {
        if value.is_empty() || value.trim() == "UNKNOWN" {
            continue;
        }
        if spec.email == "license-file" && !license_files_allowed {
            continue;
        }
        let value = match spec.email {
            // A description keeps its text as is; every other value loses surrounding space.
            "description" => value.to_string(),
            _ => value.trim().to_string(),
        };
        out.push(field(spec.form, value));
    }
    if !out.iter().any(|f| f.name == "requires_python") {
        // After the metadata fields that come before it in the specification's order.
        let at = out
            .iter()
            .position(|f| {
                FIELDS
                    .iter()
                    .position(|s| s.form == f.name)
                    .is_some_and(|i| {
                        i > FIELDS
                            .iter()
                            .position(|s| s.email == "requires-python")
                            .unwrap_or(0)
                    })
            })
            .unwrap_or(out.len());
        out.insert(at, field("requires_python", ""));
    }
    out
}

/// Everything sent before the file (and, unless digests go first, before the digests).
pub fn leading_fields(
    md: &Metadata,
    file_type: FileType,
    pyversion: &str,
    comment: Option<&str>,
) -> Vec<FormField> {
    let mut out = vec![
        field(":action", "file_upload"),
        field("protocol_version", "1"),
    ];
    out.extend(metadata_fields(md));
    out.push(field("filetype", file_type.form_value()));
    out.push(field("pyversion", pyversion));
    if let Some(c) = comment {
        out.push(field("comment", c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_order_with_multi_use_repeated() {
        let md = Metadata::parse_str(
            "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nSummary: s\nLicense: UNKNOWN\nClassifier: A :: B\nClassifier: C :: D\nLicense-File: LICENSE\nRequires-Dist: x\nProject-URL: Home, https://e.com\n\nBody\n",
        );
        let fields = leading_fields(&md, FileType::Wheel, "py3", Some("nightly"));
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                ":action",
                "protocol_version",
                "metadata_version",
                "name",
                "version",
                "summary",
                "description",
                "classifiers",
                "classifiers",
                "requires_dist",
                "requires_python",
                "project_urls",
                "filetype",
                "pyversion",
                "comment"
            ]
        );
        assert_eq!(fields[6].value, "Body\n");
        assert_eq!(fields[10].value, "");
    }

    #[test]
    fn license_files_are_sent_from_2_4() {
        let md = Metadata::parse_str(
            "Metadata-Version: 2.4\nName: d\nVersion: 1\nLicense-File: A\nLicense-File: B\n",
        );
        let n = metadata_fields(&md)
            .iter()
            .filter(|f| f.name == "license_file")
            .count();
        assert_eq!(n, 2);
    }
}
