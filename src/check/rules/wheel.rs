//! Wheel content rules: the `.dist-info` files PyPI requires (`METADATA`, `RECORD`), the
//! syntax of `entry_points.txt`, and whether `RECORD` lists what the archive holds.

use std::collections::{HashMap, HashSet};

use crate::check::context::{Contents, MetadataState};
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
        Some(rows) => {
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
                    format!("RECORD does not match the wheel's contents: {}", parts.join("; ")),
                )
                .at(record_name.clone(), None)
                .hint("PyPI accepts this but emails the owners; rebuild the wheel rather than editing it.");
            }
        }
    }
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

/// Checks `entry_points.txt` the way PyPI does (Python's `configparser` with `=` as the only
/// delimiter and strict mode), plus the script-name rule. `Err` says what is wrong.
pub fn entry_points_problem(text: &str) -> Result<(), String> {
    let mut sections: HashMap<String, HashSet<String>> = HashMap::new();
    let mut current: Option<String> = None;
    let mut last_indent: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let stripped = raw.trim();
        if stripped.is_empty() || stripped.starts_with('#') || stripped.starts_with(';') {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        if let (Some(_), Some(prev)) = (&current, last_indent)
            && indent > prev
        {
            continue; // a continuation of the previous value
        }
        if stripped.starts_with('[') {
            let Some(end) = stripped.rfind(']').filter(|&e| e > 1) else {
                return Err(format!(
                    "line {line_no}: malformed section header {stripped:?}"
                ));
            };
            let name = stripped[1..end].to_string();
            if sections.contains_key(&name) {
                return Err(format!("line {line_no}: section [{name}] appears twice"));
            }
            sections.insert(name.clone(), HashSet::new());
            current = Some(name);
            last_indent = None;
            continue;
        }
        let Some(section) = &current else {
            return Err(format!(
                "line {line_no}: an entry before any [section] header"
            ));
        };
        let Some((key, _value)) = raw.split_once('=') else {
            return Err(format!("line {line_no}: {stripped:?} has no '='"));
        };
        let key = key.trim().to_lowercase();
        if key.is_empty() {
            return Err(format!("line {line_no}: an entry with no name"));
        }
        let keys = sections.entry(section.clone()).or_default();
        if !keys.insert(key.clone()) {
            return Err(format!(
                "line {line_no}: {key:?} appears twice in [{section}]"
            ));
        }
        if (section == "console_scripts" || section == "gui_scripts")
            && !key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            return Err(format!(
                "line {line_no}: script name {key:?} in [{section}] may only contain letters, digits, '_', '.' and '-'"
            ));
        }
        last_indent = Some(indent);
    }
    Ok(())
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
            "[console_scripts]\nfoo = a:b\nFOO = c:d\n",
            "foo = a:b\n",
            "[a]\n[a]\n",
        ] {
            assert!(
                entry_points_problem(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
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
