//! Rules across the files of one run: PyPI allows one sdist per release.

use std::collections::HashMap;

use crate::check::{Diagnostic, FileReport, Severity};
use crate::declare_rule;
use crate::dist::filename::{FileType, canonicalize_name};

declare_rule! {
    /// ## What it does
    /// Checks that the files given contain at most one sdist per project and version.
    ///
    /// ## Why is this bad?
    /// PyPI refuses the second: "Only one sdist may be uploaded per release." With the
    /// wheels already uploaded, the release is left half-published.
    ///
    /// ## Fix
    /// Clean `dist/` before building (`rm -rf dist`), so old sdists are not uploaded again.
    pub static MULTIPLE_SDISTS = ("X001", "multiple-sdists", Error);
}

/// Adds a diagnostic to every sdist that shares its project and version with another.
pub fn check(reports: &mut [FileReport]) {
    let mut groups: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, r) in reports.iter().enumerate() {
        if r.file_type != Some(FileType::Sdist) {
            continue;
        }
        if let (Some(name), Some(version)) = (&r.name, &r.version) {
            let version = version
                .parse::<crate::dist::version::Version>()
                .map(|v| v.to_string())
                .unwrap_or_else(|_| version.clone());
            groups
                .entry((canonicalize_name(name), version))
                .or_default()
                .push(i);
        }
    }
    for indices in groups.values().filter(|g| g.len() > 1) {
        let names: Vec<String> = indices
            .iter()
            .map(|&i| reports[i].filename.clone())
            .collect();
        for &i in indices {
            let others: Vec<&str> = names
                .iter()
                .filter(|n| **n != reports[i].filename)
                .map(String::as_str)
                .collect();
            reports[i].diagnostics.push(Diagnostic {
                rule: &MULTIPLE_SDISTS,
                severity: Severity::Error,
                message: "Only one sdist may be uploaded per release.".into(),
                hint: Some(format!(
                    "Also given: {}. Keep one sdist per release (clean dist/ before building).",
                    others.join(", ")
                )),
                location: None,
            });
        }
    }
}
