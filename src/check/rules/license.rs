//! Licensing rules (metadata 2.4, PEP 639): `License` beside `License-Expression`, SPDX
//! expressions validated as `packaging` does, `License-File` path forms, and each licence
//! file present in the archive where PyPI looks for it.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::check::{Diagnostics, Dist};
use crate::declare_rule;
use crate::dist::filename::FileType;
use crate::pyrepr::py_repr;

use super::metadata::{CM, cm};

declare_rule! {
    /// ## What it does
    /// Checks that `License` is not given beside `License-Expression`.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "License is deprecated when License-Expression is present. Only
    /// License-Expression should be present. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Remove the `license = {text = …}` table and keep `license = "MIT"` (an SPDX string).
    pub static LICENSE_WITH_EXPRESSION = ("L001", "license-with-expression", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks `License-Expression` is a valid SPDX expression: known licence and exception
    /// identifiers (any case), `LicenseRef-…`, `AND`, `OR`, `WITH` and parentheses.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "'Not-A-License' is invalid for 'license-expression'. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// Use an identifier from https://spdx.org/licenses/, or `LicenseRef-Proprietary`.
    pub static INVALID_LICENSE_EXPRESSION = ("L002", "invalid-license-expression", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks every `License-File` path is relative, uses `/`, and has no `..` or `*`.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it, for example: "'licenses\\LICENSE' is invalid for 'license-file',
    /// paths must use '/' delimiter. See
    /// https://packaging.python.org/specifications/core-metadata for more information."
    ///
    /// ## Fix
    /// List licence files in `license-files` with relative, resolved paths.
    pub static INVALID_LICENSE_FILE_PATH = ("L003", "invalid-license-file-path", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks every `License-File` exists in the archive: in a wheel at
    /// `{name}-{version}.dist-info/licenses/{path}`, in an sdist at `{top}/{path}`.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "License-File LICENSE does not exist in distribution file
    /// demo-1.0.tar.gz at demo-1.0/LICENSE"
    ///
    /// ## Fix
    /// Make sure the build backend includes the licence files (`license-files` in
    /// `pyproject.toml`) and rebuild.
    pub static LICENSE_FILE_MISSING = ("L004", "license-file-missing", Error);
}

declare_rule! {
    /// ## What it does
    /// Reports `License-File` headers under a `Metadata-Version` older than 2.4.
    ///
    /// ## Why is this bad?
    /// PyPI refuses `License-File` below 2.4, so hoist leaves these headers out of the upload
    /// (as twine does). The files stay in the archive, but PyPI does not list them.
    ///
    /// ## Fix
    /// Upgrade the build backend (setuptools 77 or later writes metadata 2.4).
    pub static LICENSE_FILE_IGNORED = ("L005", "license-file-ignored", Warning);
}

struct SpdxTables {
    licenses: HashMap<String, &'static str>,
    exceptions: HashMap<String, &'static str>,
}

fn spdx_tables() -> &'static SpdxTables {
    static T: OnceLock<SpdxTables> = OnceLock::new();
    T.get_or_init(|| SpdxTables {
        licenses: spdx::identifiers::LICENSES
            .iter()
            .map(|l| (l.name.to_lowercase(), l.name))
            .collect(),
        exceptions: spdx::identifiers::EXCEPTIONS
            .iter()
            .map(|e| (e.name.to_lowercase(), e.name))
            .collect(),
    })
}

/// Whether `tokens` (with every operand replaced by `F`) form a valid boolean expression:
/// `expr := term (op term)*`, `term := F | ( expr )`.
fn grammar_ok(tokens: &[&str]) -> bool {
    fn expr(t: &[&str], i: &mut usize) -> bool {
        if !term(t, i) {
            return false;
        }
        while *i < t.len() && (t[*i] == "and" || t[*i] == "or") {
            *i += 1;
            if !term(t, i) {
                return false;
            }
        }
        true
    }
    fn term(t: &[&str], i: &mut usize) -> bool {
        match t.get(*i) {
            Some(&"F") => {
                *i += 1;
                true
            }
            Some(&"(") => {
                *i += 1;
                if !expr(t, i) || t.get(*i) != Some(&")") {
                    return false;
                }
                *i += 1;
                true
            }
            _ => false,
        }
    }
    let mut i = 0;
    expr(tokens, &mut i) && i == tokens.len()
}

/// Validates a licence expression as `packaging.licenses.canonicalize_license_expression`
/// does. `Err` explains what is wrong.
pub fn license_expression_problem(raw: &str) -> Result<(), String> {
    if raw.trim().is_empty() {
        return Err("the expression is empty".into());
    }
    let padded = raw.replace('(', " ( ").replace(')', " ) ");
    let lower = padded.to_lowercase();
    let tokens: Vec<&str> = lower.split_whitespace().collect();
    let mut shape: Vec<&str> = Vec::new();
    for t in &tokens {
        match *t {
            "or" | "and" | "(" | ")" => {
                if *t == "("
                    && shape
                        .last()
                        .is_some_and(|l| !["or", "and", "("].contains(l))
                {
                    return Err("a parenthesis follows an operand".into());
                }
                shape.push(t);
            }
            "with" => shape.push("or"),
            _ => shape.push("F"),
        }
    }
    if !grammar_ok(&shape) {
        return Err("the expression is not well formed".into());
    }
    let tables = spdx_tables();
    let mut prev = "";
    for t in &tokens {
        if ["or", "and", "with", "(", ")"].contains(t) {
            prev = t;
            continue;
        }
        if prev == "with" {
            if !tables.exceptions.contains_key(*t) {
                return Err(format!("unknown licence exception {t:?}"));
            }
        } else {
            let id = t.strip_suffix('+').unwrap_or(t);
            if let Some(rest) = id.strip_prefix("licenseref-") {
                if !rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
                {
                    return Err(format!("invalid LicenseRef {id:?}"));
                }
            } else if !tables.licenses.contains_key(id) {
                return Err(format!("unknown licence identifier {id:?}"));
            }
        }
        prev = t;
    }
    Ok(())
}

/// The problem with a `License-File` path, as `packaging` words it (without the suffix).
pub fn license_file_problem(path: &str) -> Option<String> {
    let r = py_repr(path);
    if path.contains("..") {
        return Some(format!(
            "{r} is invalid for 'license-file', parent directory indicators are not allowed"
        ));
    }
    if path.contains('*') {
        return Some(format!(
            "{r} is invalid for 'license-file', paths must be resolved"
        ));
    }
    let bytes = path.as_bytes();
    let windows_drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if path.starts_with('/') || path.starts_with('\\') || windows_drive {
        return Some(format!(
            "{r} is invalid for 'license-file', paths must be relative"
        ));
    }
    let normalized: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if normalized.join("/") != path {
        return Some(format!(
            "{r} is invalid for 'license-file', paths must use '/' delimiter"
        ));
    }
    None
}

pub(super) fn check(dist: &Dist, out: &mut Diagnostics) {
    let Some((member, md)) = dist.parsed_metadata() else {
        return;
    };
    let present = |f: &Option<crate::dist::metadata::Field>| {
        f.as_ref()
            .filter(|f| !f.value.trim().is_empty() && f.value.trim() != "UNKNOWN")
            .cloned()
    };
    let expression = present(&md.license_expression);
    if let (Some(expr), Some(_)) = (&expression, present(&md.license)) {
        out.push(
            &LICENSE_WITH_EXPRESSION,
            format!("License is deprecated when License-Expression is present. Only License-Expression should be present. See {CM} for more information."),
        )
        .hint("Remove the License field (the `license = {text = …}` table) and keep the SPDX License-Expression.")
        .at(member.to_string(), Some(expr.line));
    }
    if let Some(expr) = &expression
        && let Err(why) = license_expression_problem(expr.value.trim())
    {
        out.push(
            &INVALID_LICENSE_EXPRESSION,
            cm(&format!(
                "{} is invalid for 'license-expression'",
                py_repr(&expr.value)
            )),
        )
        .hint(format!(
            "{why}; use identifiers from https://spdx.org/licenses/ or LicenseRef-…"
        ))
        .at(member.to_string(), Some(expr.line));
    }
    let files: Vec<_> = md
        .license_files
        .iter()
        .filter(|f| !f.value.is_empty())
        .collect();
    if files.is_empty() {
        return;
    }
    let mv = md.get("metadata-version").unwrap_or("");
    let sent = matches!(mv, "2.4" | "2.5");
    if !sent {
        if super::metadata::METADATA_VERSIONS.contains(&mv) {
            out.push(
                &LICENSE_FILE_IGNORED,
                format!(
                    "License-File is not sent under Metadata-Version {mv} (it needs 2.4); hoist leaves {} License-File value(s) out of the upload",
                    files.len()
                ),
            )
            .hint("Upgrade the build backend so it writes Metadata-Version 2.4 (setuptools 77+, hatchling 1.27+).")
            .at(member.to_string(), Some(files[0].line));
        }
        return;
    }
    let names = dist.member_names();
    for f in files {
        let path = f.value.as_str();
        if let Some(problem) = license_file_problem(path) {
            out.push(&INVALID_LICENSE_FILE_PATH, cm(&problem))
                .hint("License-File paths are relative, use '/', and contain no '..' or wildcards.")
                .at(member.to_string(), Some(f.line));
            continue;
        }
        let expected = match dist.extension.as_ref().map(|e| e.file_type) {
            Some(FileType::Wheel) => dist
                .wheel_prefix
                .as_ref()
                .map(|p| format!("{p}.dist-info/licenses/{path}")),
            Some(FileType::Sdist) => dist.sdist_top.as_ref().map(|t| format!("{t}/{path}")),
            None => None,
        };
        if let Some(expected) = expected {
            if !dist.is_readable() || names.contains(expected.as_str()) {
                continue;
            }
            out.push(
                &LICENSE_FILE_MISSING,
                format!(
                    "License-File {path} does not exist in distribution file {} at {expected}",
                    dist.filename
                ),
            )
            .hint("Include the licence file (license-files in pyproject.toml) and rebuild.")
            .at(member.to_string(), Some(f.line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_expressions_like_packaging() {
        for ok in [
            "MIT",
            "mit",
            "MIT OR Apache-2.0",
            "(MIT OR Apache-2.0) AND BSD-3-Clause",
            "GPL-2.0-or-later WITH Classpath-exception-2.0",
            "LicenseRef-Proprietary",
            "GPL-2.0+",
            "mit and (apache-2.0 or bsd-2-clause)",
        ] {
            assert!(license_expression_problem(ok).is_ok(), "{ok}");
        }
        for bad in [
            "Not-A-License",
            "MIT OR",
            "MIT Apache-2.0",
            "()",
            "MIT (Apache-2.0)",
            "MIT WITH Not-An-Exception",
            "LicenseRef-a_b",
            "DocumentRef-x:LicenseRef-y",
            "",
        ] {
            assert!(license_expression_problem(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn license_file_paths() {
        assert_eq!(license_file_problem("LICENSE"), None);
        assert_eq!(license_file_problem("licenses/LICENSE.txt"), None);
        assert!(
            license_file_problem("../LICENSE")
                .unwrap()
                .contains("parent directory")
        );
        assert!(
            license_file_problem("LICEN*")
                .unwrap()
                .contains("must be resolved")
        );
        assert!(
            license_file_problem("/LICENSE")
                .unwrap()
                .contains("must be relative")
        );
        assert!(
            license_file_problem("C:\\LICENSE")
                .unwrap()
                .contains("must be relative")
        );
        assert_eq!(
            license_file_problem("licenses\\LICENSE").unwrap(),
            "'licenses\\\\LICENSE' is invalid for 'license-file', paths must use '/' delimiter"
        );
        assert!(
            license_file_problem("./LICENSE")
                .unwrap()
                .contains("delimiter")
        );
    }
}
