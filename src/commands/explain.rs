//! `hoist explain [CODE|NAME]`: prints a rule's documentation, or lists every rule: the
//! `hoist check` rules, then the `hoist audit` rules (AUD…).

use std::fmt::Write as _;
use std::io::Write as _;

use crate::audit::rules as audit_rules;
use crate::check::rules;
use crate::cli::ExplainArgs;

use super::{EXIT_OK, EXIT_USAGE};

pub fn run(args: &ExplainArgs) -> u8 {
    let text = match &args.rule {
        None => listing(),
        Some(query) => match rule_text(query) {
            Some(text) => text,
            None => {
                eprintln!("error: no rule {query:?}; run `hoist explain` to list every rule");
                return EXIT_USAGE;
            }
        },
    };
    // A reader that stops early (`hoist explain | head`) closes the pipe: that is not an error.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    EXIT_OK
}

/// One line per rule: code, name, severity and the first sentence of what it does.
fn listing() -> String {
    let mut out = String::new();
    for r in rules::ALL {
        let (code, name, severity) = (r.code, r.name, r.severity.as_str());
        let _ = writeln!(out, "{code:<6}  {name:<36} {severity:<8}  {}", r.summary());
    }
    for r in audit_rules::ALL {
        let (code, name, severity) = (r.code, r.name, r.severity.as_str());
        let _ = writeln!(out, "{code:<6}  {name:<36} {severity:<8}  {}", r.summary);
    }
    out
}

/// The whole documentation of the rule with this code or name, `None` when there is none.
fn rule_text(query: &str) -> Option<String> {
    if let Some(r) = rules::find(query) {
        let heading = format!("# {} {} ({})\n\n", r.code, r.name, r.severity.as_str());
        return Some(heading + &r.text());
    }
    let r = audit_rules::find(query)?;
    Some(format!(
        "# {} {} (hoist audit; at most {})\n\n{}\n",
        r.code,
        r.name,
        r.severity.as_str(),
        r.doc
    ))
}
