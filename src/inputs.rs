//! The files a command line names: existing paths as given, glob patterns expanded the way
//! twine (Python's `glob`) and POSIX shells do, companion files (signatures, PEP 740
//! attestations) set aside, and anything that is not a distribution listed apart.
//!
//! Used by `hoist check` and by the first phase of the publish pipeline
//! ([`crate::publish::collect`]); it uses only the file system and the `glob` crate, and
//! prints nothing.

use std::path::PathBuf;

/// Why the arguments do not name files to check.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InputError {
    #[error("no files match {0:?}")]
    NoMatch(String),
    #[error("no such file: {0}")]
    Missing(String),
    #[error("{0} is a directory; pass the files in it, for example {0}/*")]
    Directory(String),
    #[error("invalid pattern {0:?}: {1}")]
    BadPattern(String, String),
    #[error("no distributions among the files given ({0})")]
    NoDistributions(String),
}

/// Files that travel with distributions but are not distributions themselves: PGP signatures
/// and PEP 740 attestations (`.publish.attestation`), which the upload picks up beside their
/// distribution.
pub fn is_companion_file(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".asc") || name.ends_with(".attestation")
}

/// Extensions of distributions PyPI accepts (`.whl`, `.tar.gz`, `.zip`) or once accepted and
/// now rejects (eggs, Windows installers, other archives): such a file is meant to be uploaded,
/// so it is checked, and fails when PyPI would refuse it. Anything else is not a distribution.
const DISTRIBUTION_LIKE: &[&str] = &[
    ".whl", ".tar.gz", ".zip", ".egg", ".exe", ".msi", ".tar.bz2", ".tbz", ".tar.xz", ".txz",
    ".tgz", ".tar", ".tar.zst", ".rpm", ".dmg", ".deb",
];

/// Whether a file looks like a distribution (by its extension, in any case), as opposed to a
/// file that merely sits beside them in `dist/` (`.gitignore`, `SHA256SUMS`, `*.txt`).
pub fn is_distribution_like(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    DISTRIBUTION_LIKE.iter().any(|ext| name.ends_with(ext))
}

/// The files to check or upload, and the files given (or matched) that are not distributions.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    pub files: Vec<PathBuf>,
    /// Files that are neither distributions nor their companions, left out.
    pub skipped: Vec<PathBuf>,
}

/// Python's `glob` (what twine expands patterns with) and POSIX shells: a wildcard never
/// matches a leading `.` in a path component, unless the pattern's component itself starts
/// with `.` (`dist/*` leaves out `dist/.gitignore`; `dist/.*` matches it). The `glob` crate's
/// `require_literal_leading_dot` drops every dot-file, even for `.*`, so this filters instead.
fn hidden_by_wildcard(pattern: &str, path: &std::path::Path) -> bool {
    let text = |c: std::path::Component<'_>| c.as_os_str().to_string_lossy().into_owned();
    let wanted: Vec<String> = std::path::Path::new(pattern)
        .components()
        .map(text)
        .collect();
    let got: Vec<String> = path.components().map(text).collect();
    let hidden = |g: &str| g.starts_with('.') && g != "." && g != "..";
    if wanted.len() == got.len() {
        wanted
            .iter()
            .zip(&got)
            .any(|(w, g)| hidden(g) && !w.starts_with('.') && w.contains(['*', '?', '[']))
    } else {
        // `**` went down directories: only dot-components the pattern spells may appear.
        got.iter().any(|g| hidden(g) && !wanted.contains(g))
    }
}

/// Expands the command-line arguments: existing paths as given, otherwise as glob patterns
/// (for shells that do not expand them), matching dot-files only when the pattern spells the
/// dot. Signature and attestation files are left out silently; any other file that is not a
/// distribution is left out and listed in [`Expanded::skipped`], whether named or matched,
/// since a shell-expanded `dist/*` cannot be told from named files.
///
/// Errors: a missing file, a directory, a pattern that matches no file or is invalid, and
/// arguments that leave no distribution at all.
pub fn expand(args: &[String]) -> Result<Expanded, InputError> {
    let mut candidates = Vec::new();
    for arg in args {
        let path = PathBuf::from(arg);
        if path.is_dir() {
            return Err(InputError::Directory(arg.trim_end_matches('/').to_string()));
        }
        if path.exists() {
            candidates.push(path);
            continue;
        }
        if !arg.contains(['*', '?', '[']) {
            return Err(InputError::Missing(arg.clone()));
        }
        let matches =
            glob::glob(arg).map_err(|e| InputError::BadPattern(arg.clone(), e.to_string()))?;
        let mut found: Vec<PathBuf> = matches
            .filter_map(Result::ok)
            .filter(|p| p.is_file() && !hidden_by_wildcard(arg, p))
            .collect();
        if found.is_empty() {
            return Err(InputError::NoMatch(arg.clone()));
        }
        found.sort();
        candidates.extend(found);
    }
    let mut out = Expanded::default();
    let mut companions = 0usize;
    for path in candidates {
        if is_companion_file(&path) {
            companions += 1;
        } else if is_distribution_like(&path) {
            out.files.push(path);
        } else {
            out.skipped.push(path);
        }
    }
    if out.files.is_empty() {
        let mut what = Vec::new();
        if companions > 0 {
            what.push(format!("{companions} signature or attestation file(s)"));
        }
        if !out.skipped.is_empty() {
            let names: Vec<String> = out
                .skipped
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            what.push(format!("not a distribution: {}", names.join(", ")));
        }
        return Err(InputError::NoDistributions(what.join("; ")));
    }
    Ok(out)
}

/// The note for a file left out ([`Expanded::skipped`]): `check` and `upload` say it alike.
pub fn skipped_note(path: &std::path::Path) -> String {
    format!(
        "note: skipping {}: not a distribution (only wheels and sdists are checked and uploaded)",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn names(paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    /// `uv build` leaves `dist/.gitignore`; release jobs leave checksums and notes beside the
    /// distributions.
    fn dist_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "demo-1.0-py3-none-any.whl",
            "demo-1.0.tar.gz",
            "demo-1.0.tar.gz.asc",
            "demo-1.0.tar.gz.publish.attestation",
            ".gitignore",
            ".DS_Store",
            ".hidden-1.0-py3-none-any.whl",
            "SHA256SUMS",
            "notes.txt",
            "build.log",
            "demo-1.0-py2.7.egg",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join(".cache")).unwrap();
        std::fs::write(dir.path().join(".cache/x-1.0-py3-none-any.whl"), "x").unwrap();
        dir
    }

    #[test]
    fn star_skips_dot_files_and_lists_what_is_not_a_distribution() {
        let dir = dist_dir();
        let d = dir.path().display();
        for pattern in [format!("{d}/*"), format!("{d}/*.*"), format!("{d}/?*")] {
            let e = expand(std::slice::from_ref(&pattern)).unwrap();
            let files = names(&e.files);
            assert!(
                !files.iter().any(|f| f.starts_with('.')),
                "{pattern}: {files:?}"
            );
            assert!(
                files.contains(&"demo-1.0-py3-none-any.whl".to_string()),
                "{pattern}"
            );
            assert!(files.contains(&"demo-1.0.tar.gz".to_string()), "{pattern}");
            // An egg is a distribution PyPI refuses: it is checked (and fails), not skipped.
            assert!(
                files.contains(&"demo-1.0-py2.7.egg".to_string()),
                "{pattern}"
            );
            let skipped = names(&e.skipped);
            assert!(
                !skipped.iter().any(|f| f.starts_with('.')),
                "{pattern}: {skipped:?}"
            );
            assert!(!skipped.iter().any(|f| f.ends_with(".asc")), "{skipped:?}");
            assert!(
                skipped.contains(&"notes.txt".to_string()),
                "{pattern}: {skipped:?}"
            );
            assert!(
                skipped.contains(&"build.log".to_string()),
                "{pattern}: {skipped:?}"
            );
        }
        let e = expand(&[format!("{d}/*")]).unwrap();
        assert!(names(&e.skipped).contains(&"SHA256SUMS".to_string()));
        // A pattern through a hidden directory matches nothing there, as in Python's glob.
        assert_eq!(
            expand(&[format!("{d}/*/x-1.0-py3-none-any.whl")]),
            Err(InputError::NoMatch(format!("{d}/*/x-1.0-py3-none-any.whl")))
        );
        // Only a pattern that spells the dot matches dot-files.
        let e = expand(&[format!("{d}/.*.whl")]).unwrap();
        assert_eq!(names(&e.files), [".hidden-1.0-py3-none-any.whl"]);
        assert!(matches!(
            expand(&[format!("{d}/[.]*")]),
            Err(InputError::NoMatch(_))
        ));
    }

    #[test]
    fn named_files_that_are_not_distributions_are_skipped_too() {
        let dir = dist_dir();
        let arg = |n: &str| dir.path().join(n).display().to_string();
        // What an unquoted `dist/*` in bash with dotglob, or a list from `find`, hands over.
        let e = expand(&[
            arg(".gitignore"),
            arg("SHA256SUMS"),
            arg("demo-1.0-py3-none-any.whl"),
        ])
        .unwrap();
        assert_eq!(names(&e.files), ["demo-1.0-py3-none-any.whl"]);
        assert_eq!(names(&e.skipped), [".gitignore", "SHA256SUMS"]);
        assert_eq!(
            expand(&[arg("notes.txt"), arg("demo-1.0.tar.gz.asc")]),
            Err(InputError::NoDistributions(format!(
                "1 signature or attestation file(s); not a distribution: {}",
                arg("notes.txt")
            )))
        );
        assert!(matches!(
            expand(&[format!("{}/.g*", dir.path().display())]),
            Err(InputError::NoDistributions(_))
        ));
        assert!(is_distribution_like(Path::new("X-1.0.TAR.GZ")));
        assert!(!is_distribution_like(Path::new("SHA256SUMS")));
    }
}
