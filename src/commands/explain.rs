//! `hoist explain [CODE|NAME]`: prints a rule's documentation, or lists every rule: the
//! `hoist check` rules, then the `hoist audit` rules (AUD…).

use crate::audit::rules as audit_rules;
use crate::check::rules;
use crate::cli::ExplainArgs;

use super::{EXIT_OK, EXIT_USAGE};

pub fn run(args: &ExplainArgs) -> u8 {
    match &args.rule {
        None => {
            for r in rules::ALL {
                println!(
                    "{:<6}  {:<36} {:<8}  {}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary()
                );
            }
            for r in audit_rules::ALL {
                println!(
                    "{:<6}  {:<36} {:<8}  {}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary
                );
            }
            EXIT_OK
        }
        Some(query) => {
            if let Some(r) = rules::find(query) {
                println!("# {} {} ({})\n", r.code, r.name, r.severity.as_str());
                print!("{}", r.text());
                EXIT_OK
            } else if let Some(r) = audit_rules::find(query) {
                println!(
                    "# {} {} (hoist audit; at most {})\n",
                    r.code,
                    r.name,
                    r.severity.as_str()
                );
                println!("{}", r.doc);
                EXIT_OK
            } else {
                eprintln!("error: no rule {query:?}; run `hoist explain` to list every rule");
                EXIT_USAGE
            }
        }
    }
}
