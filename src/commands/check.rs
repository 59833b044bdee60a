//! `hoist check`: expands the arguments, checks every file, prints the report, and returns the
//! exit status (0 all passed, 1 any failed, 2 usage error).

use std::io::{self, Write};
use std::path::PathBuf;

use crate::check::{self, Options, Status};
use crate::cli::{CheckArgs, Format};
use crate::output;

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

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
}

/// Files that travel with distributions but are not distributions themselves.
pub fn is_companion_file(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".asc") || name.ends_with(".attestation")
}

/// Expands the command-line arguments: existing paths as given, otherwise as glob patterns
/// (for shells that do not expand them). Signature and attestation files are left out.
pub fn expand_inputs(args: &[String]) -> Result<Vec<PathBuf>, InputError> {
    let mut out = Vec::new();
    for arg in args {
        let path = PathBuf::from(arg);
        if path.is_dir() {
            return Err(InputError::Directory(arg.trim_end_matches('/').to_string()));
        }
        if path.exists() {
            if !is_companion_file(&path) {
                out.push(path);
            }
            continue;
        }
        if !arg.contains(['*', '?', '[']) {
            return Err(InputError::Missing(arg.clone()));
        }
        let matches =
            glob::glob(arg).map_err(|e| InputError::BadPattern(arg.clone(), e.to_string()))?;
        let mut found: Vec<PathBuf> = matches
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .collect();
        if found.is_empty() {
            return Err(InputError::NoMatch(arg.clone()));
        }
        found.sort();
        out.extend(found.into_iter().filter(|p| !is_companion_file(p)));
    }
    Ok(out)
}

pub fn run(args: &CheckArgs) -> u8 {
    let paths = match expand_inputs(&args.files) {
        Ok(p) if p.is_empty() => {
            eprintln!(
                "error: no distributions to check (only signature or attestation files were given)"
            );
            return EXIT_USAGE;
        }
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let options = Options {
        max_file_size: args.max_file_size,
    };
    let reports = check::check_files(&paths, &options);
    let stdout = io::stdout();
    let result = match args.format {
        Format::Json => output::check::write_json(&mut stdout.lock(), &reports, args.strict),
        Format::Human => {
            let mut out = anstream::AutoStream::auto(stdout.lock());
            let mut r = output::check::write_human(&mut out, &reports, args.strict);
            if r.is_ok() && std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
                r = output::check::write_github_annotations(&mut out, &reports, args.strict);
            }
            r.and_then(|()| out.flush())
        }
    };
    if let Err(e) = result
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the report: {e}");
    }
    if reports
        .iter()
        .any(|r| r.status(args.strict) == Status::Failed)
    {
        EXIT_FAILURE
    } else {
        EXIT_OK
    }
}
