//! The metadata part of the upload form: what PyPI's legacy upload API receives from a
//! distribution's metadata file, each value under its exact form key, multi-use fields
//! repeated. PyPI validates the metadata it reads from this form (`warehouse/forklift/
//! legacy.py`, `metadata.parse(None, form_data=request.POST)`), so `hoist upload` sends
//! [`metadata_fields`] and `hoist check` judges [`sent_fields`], the same values.

use crate::dist::metadata::{FIELDS, Field, FieldSpec, Metadata};

/// One text field of the form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FormField {
    pub name: String,
    pub value: String,
}

/// The metadata values the form carries, in the specification's order, each with the line of
/// the header it came from: empty and `UNKNOWN` values left out (PyPI drops them),
/// `License-File` left out below Metadata-Version 2.4 (PyPI would refuse it; twine does the
/// same), surrounding white space removed except from the description. A folded value keeps
/// its inner line breaks, as it is sent.
pub fn sent_fields(md: &Metadata) -> Vec<(&'static FieldSpec, Field)> {
    let mv = md.get("metadata-version").unwrap_or("");
    let license_files_allowed = matches!(mv, "2.4" | "2.5");
    let mut out = Vec::new();
    for spec in FIELDS {
        let values: Vec<(String, usize)> = if spec.email == "description" {
            md.description
                .iter()
                .map(|d| (d.text.clone(), d.line))
                .collect()
        } else {
            md.values(spec.email)
                .into_iter()
                .map(|f| (f.value.trim().to_string(), f.line))
                .collect()
        };
        for (value, line) in values {
            if value.is_empty() || value.trim() == "UNKNOWN" {
                continue;
            }
            if spec.email == "license-file" && !license_files_allowed {
                continue;
            }
            out.push((spec, Field { value, line }));
        }
    }
    out
}

/// The metadata fields PyPI will receive ([`sent_fields`] under their form keys), with
/// `requires_python` always present (GitLab's registry requires it).
pub fn metadata_fields(md: &Metadata) -> Vec<FormField> {
    let mut out: Vec<FormField> = sent_fields(md)
        .into_iter()
        .map(|(spec, f)| FormField {
            name: spec.form.to_string(),
            value: f.value,
        })
        .collect();
    if !out.iter().any(|f| f.name == "requires_python") {
        // After the metadata fields that come before it in the specification's order.
        let rp = FIELDS
            .iter()
            .position(|s| s.email == "requires-python")
            .unwrap_or(0);
        let at = out
            .iter()
            .position(|f| {
                FIELDS
                    .iter()
                    .position(|s| s.form == f.name)
                    .is_some_and(|i| i > rp)
            })
            .unwrap_or(out.len());
        out.insert(
            at,
            FormField {
                name: "requires_python".into(),
                value: String::new(),
            },
        );
    }
    out
}
