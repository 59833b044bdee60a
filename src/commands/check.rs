//! `hoist check`: expands the arguments (`crate::inputs`), checks every file, prints the report, and returns the
//! exit status (0 all passed, 1 any failed, 2 usage error).

use crate::check::{self, Options, Status};
use crate::cli::{CheckArgs, Format};
use crate::inputs;
use crate::output;
use std::io::{self, Write};

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

pub fn run(args: &CheckArgs) -> u8 {
    let paths = match inputs::expand(&args.files) {
        Ok(expanded) => {
            for path in &expanded.skipped {
                eprintln!("{}", inputs::skipped_note(path));
            }
            expanded.files
        }
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let options = Options {
        max_file_size: args.max_file_size,
        ignore: args.ignore.clone(),
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
