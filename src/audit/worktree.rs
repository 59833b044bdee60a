//! Listing the files of a directory that is not a git work tree, for a scan without history.
//! Symbolic links are not followed; build and environment folders are left out.

use std::path::Path;

use super::Note;

/// Folders never descended into.
const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
];

/// Every regular file below `root`, as `/`-separated paths relative to it, sorted.
pub fn walk(root: &Path) -> (Vec<String>, Vec<Note>) {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let mut stack = vec![String::new()];
    while let Some(rel) = stack.pop() {
        let dir = if rel.is_empty() {
            root.to_path_buf()
        } else {
            root.join(&rel)
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                notes.push(Note {
                    path: Some(rel.clone()),
                    object: None,
                    reason: format!("skipped: could not list: {e}"),
                });
                continue;
            }
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            match entry.file_type() {
                Ok(t) if t.is_dir() && !SKIP_DIRS.contains(&name.as_str()) => {
                    stack.push(child);
                }
                Ok(t) if t.is_file() => files.push(child),
                _ => {}
            }
        }
    }
    files.sort();
    (files, notes)
}
