//! Wheel content rules: the `.dist-info` files PyPI requires (`METADATA`, `RECORD`), the
//! syntax of `entry_points.txt`, and whether `RECORD` lists what the archive holds.
//!
//! May use the facts in `crate::check::context` (the archive index, the small members it read)
//! and `crate::check::packaging`; it reads no file itself.

use std::collections::HashSet;

use crate::check::context::{Contents, MetadataState, ZipContents};
use crate::check::{Diagnostics, Dist};
use crate::declare_rule;
use crate::dist::filename::FileType;

declare_rule! {
    /// ## What it does
    /// Checks that a wheel has `{name}-{version}.dist-info/METADATA`, with the name and
    /// version spelled as in the filename.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "Wheel 'demo-1.0-py3-none-any.whl' does not contain the required
    /// METADATA file: demo-1.0.dist-info/METADATA"
    ///
    /// ## Fix
    /// Rebuild the wheel with a build backend; do not rename wheels.
    pub static MISSING_METADATA_FILE = ("W001", "missing-metadata-file", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that a wheel has a readable `{name}-{version}.dist-info/RECORD` (UTF-8 CSV).
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "Wheel 'demo-1.0-py3-none-any.whl' does not contain the required
    /// RECORD file: demo-1.0.dist-info/RECORD"
    ///
    /// ## Fix
    /// Rebuild the wheel; tools that edit wheels (`wheel tags`, `auditwheel`) rewrite RECORD.
    pub static MISSING_RECORD = ("W002", "missing-record", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks `entry_points.txt`: UTF-8, INI syntax with `=` (section headers, no duplicate
    /// sections or keys), and script names in `console_scripts` and `gui_scripts` made only
    /// of letters, digits, `_`, `.` and `-`.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "Wheel 'demo-1.0-py3-none-any.whl' has invalid entry points defined
    /// in the entry_points.txt file". A script named `my tool` or `../evil` could not be
    /// installed safely.
    ///
    /// ## Fix
    /// Fix `[project.scripts]` in `pyproject.toml` and rebuild.
    pub static INVALID_ENTRY_POINTS = ("W003", "invalid-entry-points", Error);
}

declare_rule! {
    /// ## What it does
    /// Compares the files that `RECORD` lists with the files in the wheel.
    ///
    /// ## Why is this bad?
    /// PyPI accepts the wheel but emails the project's owners about it, and installers may
    /// refuse it; it usually means the wheel was edited after it was built.
    ///
    /// ## Fix
    /// Rebuild the wheel, or repair it with a tool that rewrites RECORD.
    pub static RECORD_MISMATCH = ("W004", "record-mismatch", Warning);
}

pub(super) fn check(dist: &Dist, out: &mut Diagnostics) {
    if dist.extension.as_ref().map(|e| e.file_type) != Some(FileType::Wheel) {
        return;
    }
    let (Contents::Zip(zip), Some(prefix)) = (&dist.contents, &dist.wheel_prefix) else {
        return;
    };
    let filename = &dist.filename;
    let record_name = format!("{prefix}.dist-info/RECORD");
    let record = match &dist.record {
        Some(Ok(bytes)) => std::str::from_utf8(bytes)
            .ok()
            .and_then(|t| parse_csv(t).ok()),
        _ => None,
    };
    match &record {
        None => {
            out.push(
                &MISSING_RECORD,
                format!(
                    "Wheel '{filename}' does not contain the required RECORD file: {record_name}"
                ),
            )
            .hint(match &dist.record {
                None => "RECORD is missing; rebuild the wheel.",
                _ => "RECORD is not valid UTF-8 CSV; rebuild the wheel.",
            });
        }
        Some(rows) => record_mismatch(zip, rows, &record_name, out),
    }
    entry_points(dist, prefix, out);
    if let MetadataState::NotFound {
        expected: Some(expected),
    } = &dist.metadata
    {
        out.push(
            &MISSING_METADATA_FILE,
            format!("Wheel '{filename}' does not contain the required METADATA file: {expected}"),
        )
        .hint("Rebuild the wheel; its .dist-info directory must match the filename's name and version exactly.");
    }
}

/// W004: RECORD lists exactly the files in the wheel (signature files aside).
fn record_mismatch(
    zip: &ZipContents,
    rows: &[Vec<String>],
    record_name: &str,
    out: &mut Diagnostics,
) {
    let listed: HashSet<&str> = rows
        .iter()
        .filter_map(|r| r.first().map(String::as_str))
        .collect();
    let present: HashSet<&str> = zip
        .index
        .entries
        .iter()
        .filter(|e| !e.is_dir())
        .map(|e| e.name.as_str())
        .filter(|n| !n.ends_with("/RECORD.jws") && !n.ends_with("/RECORD.p7s"))
        .collect();
    let mut unlisted: Vec<&str> = present.difference(&listed).copied().collect();
    let mut missing: Vec<&str> = listed.difference(&present).copied().collect();
    unlisted.sort_unstable();
    missing.sort_unstable();
    if !unlisted.is_empty() || !missing.is_empty() {
        let mut parts = Vec::new();
        if let Some(first) = unlisted.first() {
            parts.push(format!(
                "{} file(s) not listed in RECORD (first: {first})",
                unlisted.len()
            ));
        }
        if let Some(first) = missing.first() {
            parts.push(format!(
                "{} RECORD entr(y/ies) not in the wheel (first: {first})",
                missing.len()
            ));
        }
        out.push(
            &RECORD_MISMATCH,
            format!(
                "RECORD does not match the wheel's contents: {}",
                parts.join("; ")
            ),
        )
        .at(record_name, None)
        .hint("PyPI accepts this but emails the owners; rebuild the wheel rather than editing it.");
    }
}

/// W003: entry_points.txt, when present, is valid UTF-8 in the entry-points format.
fn entry_points(dist: &Dist, prefix: &str, out: &mut Diagnostics) {
    let filename = &dist.filename;
    if let Some(ep) = &dist.entry_points {
        let member = format!("{prefix}.dist-info/entry_points.txt");
        let problem = match ep {
            Err(e) => Some(e.clone()),
            Ok(bytes) => match std::str::from_utf8(bytes) {
                Err(_) => Some("it is not valid UTF-8".to_string()),
                Ok(text) => entry_points_problem(text).err(),
            },
        };
        if let Some(problem) = problem {
            out.push(
                &INVALID_ENTRY_POINTS,
                format!("Wheel '{filename}' has invalid entry points defined in the entry_points.txt file"),
            )
            .at(member, None)
            .hint(format!("{problem}. Fix [project.scripts] or [project.entry-points] and rebuild."));
        }
    }
}

/// Parses CSV as Python's `csv.reader` does for RECORD: `,`-separated, `"` quoting with `""`
/// escapes. A NUL byte or an unterminated quoted field is an error.
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    if text.contains('\0') {
        return Err("line contains NUL".into());
    }
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars().peekable();
        let mut quoted = false;
        let mut at_start = true;
        while let Some(c) = chars.next() {
            if quoted {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        quoted = false;
                    }
                } else {
                    field.push(c);
                }
            } else if c == '"' && at_start {
                quoted = true;
                at_start = false;
            } else if c == ',' {
                fields.push(std::mem::take(&mut field));
                at_start = true;
            } else {
                field.push(c);
                at_start = false;
            }
        }
        if quoted {
            return Err("unexpected end of data".into());
        }
        fields.push(field);
        if !(fields.len() == 1 && fields[0].is_empty()) {
            rows.push(fields);
        }
    }
    Ok(rows)
}

/// Checks `entry_points.txt` the way PyPI does (`warehouse/utils/wheel.py`,
/// `_validate_entrypoints`): Python's `configparser.ConfigParser(delimiters=("=",))` with keys
/// kept case-sensitive (`optionxform = str`) and strict mode, then every key seen in
/// `[console_scripts]` and `[gui_scripts]` (keys under `[DEFAULT]` included, as configparser
/// shows them in every section) must match `[\w.-]+`. `Err` says what is wrong.
pub fn entry_points_problem(text: &str) -> Result<(), String> {
    use crate::check::packaging::{py_is_space, py_strip};
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let mut defaults: Vec<String> = Vec::new();
    // The current section: None before any header, Some(None) for [DEFAULT].
    let mut current: Option<Option<usize>> = None;
    let mut seen_sections: HashSet<String> = HashSet::new();
    let mut seen_options: HashSet<(String, String)> = HashSet::new();
    let mut has_option = false;
    let mut indent_level = 0usize;
    let mut deferred: Option<String> = None;
    for (i, line) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let value = py_strip(line);
        if value.starts_with('#') || value.starts_with(';') || value.is_empty() {
            continue;
        }
        let indent = line.chars().take_while(|c| py_is_space(*c)).count();
        if current.is_some() && has_option && indent > indent_level {
            continue; // a continuation of the previous value
        }
        indent_level = indent;
        if let Some(header) = section_header(value) {
            if header == "DEFAULT" {
                current = Some(None);
            } else {
                if seen_sections.contains(header) {
                    return Err(format!("line {line_no}: section [{header}] appears twice"));
                }
                seen_sections.insert(header.to_string());
                sections.push((header.to_string(), Vec::new()));
                current = Some(Some(sections.len() - 1));
            }
            has_option = false;
            continue;
        }
        let Some(section) = current else {
            return Err(format!(
                "line {line_no}: an entry before any [section] header"
            ));
        };
        let Some((key, _)) = value.split_once('=') else {
            deferred.get_or_insert(format!("line {line_no}: {value:?} has no '='"));
            continue;
        };
        let key = key.trim_end_matches(py_is_space).to_string();
        if key.is_empty() {
            deferred.get_or_insert(format!("line {line_no}: an entry with no name"));
            continue;
        }
        let sname = section.map_or("DEFAULT".to_string(), |i| sections[i].0.clone());
        if !seen_options.insert((sname.clone(), key.clone())) {
            return Err(format!(
                "line {line_no}: {key:?} appears twice in [{sname}]"
            ));
        }
        match section {
            Some(i) => sections[i].1.push(key),
            None => defaults.push(key),
        }
        has_option = true;
    }
    if let Some(e) = deferred {
        return Err(e);
    }
    script_names_problem(&sections, &defaults)
}

/// Console and GUI script names may only contain letters, digits, '_', '.' and '-' (the
/// `[DEFAULT]` keys count in every section).
fn script_names_problem(
    sections: &[(String, Vec<String>)],
    defaults: &[String],
) -> Result<(), String> {
    for (name, keys) in sections {
        if name != "console_scripts" && name != "gui_scripts" {
            continue;
        }
        let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '.' || c == '-';
        if let Some(bad) = keys
            .iter()
            .chain(defaults)
            .find(|k| !k.chars().all(is_word))
        {
            return Err(format!(
                "script name {bad:?} in [{name}] may only contain letters, digits, '_', '.' and '-'"
            ));
        }
    }
    Ok(())
}

/// configparser's `SECTCRE` (`\[(?P<header>.+)\]`, matched at the start of the stripped
/// line; the greedy `.+` runs to the last `]`).
fn section_header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    let first_line = rest.split('\n').next().unwrap_or("");
    let end = first_line.rfind(']')?;
    (end > 0).then(|| &first_line[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_points_follow_configparser() {
        assert!(
            entry_points_problem("[console_scripts]\nfoo = foo:main\nfoo-bar.baz = x:y\n").is_ok()
        );
        assert!(entry_points_problem("# comment\n\n[a]\nx = y\n  continued\n[b]\nx = z\n").is_ok());
        for bad in [
            "[console_scripts]\nmy tool = x:y\n",
            "[console_scripts]\n../evil = x:y\n",
            "[console_scripts]\nfoo: mod:f\n",
            "[console_scripts]\nfoo = a:b\nfoo = c:d\n",
            "[DEFAULT]\nmy tool = x\n[console_scripts]\nfoo = a:b\n",
            "foo = a:b\n",
            "[a]\n[a]\n",
        ] {
            assert!(
                entry_points_problem(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
        // Keys are case-sensitive: two entry points.
        assert!(entry_points_problem("[console_scripts]\ndemo = a:b\nDemo = a:b\n").is_ok());
        // Names outside the script sections are not checked.
        assert!(entry_points_problem("[pytest11]\nmy plugin = x\n").is_ok());
    }

    #[test]
    fn csv_like_python() {
        let rows = parse_csv("a,\"b,c\",\"d\"\"e\"\n\nx,y,z\n").unwrap();
        assert_eq!(rows, vec![vec!["a", "b,c", "d\"e"], vec!["x", "y", "z"]]);
        assert!(parse_csv("a,\"b\n").is_err());
        assert!(parse_csv("a\0b\n").is_err());
    }
}
