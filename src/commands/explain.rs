//! `hoist explain [CODE|NAME]`: prints a rule's documentation, or lists every rule.

use crate::check::rules;
use crate::cli::ExplainArgs;

use super::{EXIT_OK, EXIT_USAGE};

pub fn run(args: &ExplainArgs) -> u8 {
    match &args.rule {
        None => {
            for r in rules::ALL {
                println!(
                    "{}  {:<36} {:<7}  {}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary()
                );
            }
            EXIT_OK
        }
        Some(query) => match rules::find(query) {
            Some(r) => {
                println!("# {} {} ({})\n", r.code, r.name, r.severity.as_str());
                print!("{}", r.doc);
                EXIT_OK
            }
            None => {
                eprintln!("error: no rule {query:?}; run `hoist explain` to list every rule");
                EXIT_USAGE
            }
        },
    }
}
