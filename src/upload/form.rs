//! The upload form, as one typed, ordered list of fields: what PyPI's legacy upload API reads
//! (`warehouse/forklift/legacy.py`). The metadata fields are [`crate::dist::form`]'s, the very
//! values `hoist check` judges.

use crate::dist::filename::FileType;
pub use crate::dist::form::{FormField, metadata_fields};
use crate::dist::metadata::Metadata;

fn field(name: &str, value: impl Into<String>) -> FormField {
    FormField {
        name: name.to_string(),
        value: value.into(),
    }
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
