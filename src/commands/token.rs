//! `hoist token inspect`: reads a token (standard input by default, so it stays out of shell
//! history), decodes it offline and prints what it can do. The token itself is never printed.

use std::io::{BufRead, IsTerminal, Write};

use crate::audit::token;
use crate::cli::{Format, TokenArgs, TokenCommand, TokenInspectArgs};
use crate::output;

pub fn run(args: &TokenArgs) -> u8 {
    match &args.command {
        TokenCommand::Inspect(a) => inspect(a),
    }
}

/// Reads the token text: the argument, or standard input for `-` or no argument.
fn read_token(arg: Option<&str>) -> Result<String, String> {
    match arg {
        Some(t) if t != "-" => {
            let _ = writeln!(
                anstream::stderr(),
                "warning: {}; pipe it on standard input instead",
                crate::output::SECRET_ON_COMMAND_LINE
            );
            Ok(t.to_string())
        }
        _ => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                let _ = writeln!(anstream::stderr(), "Paste the token, then press Enter:");
            }
            // The first non-empty line; Enter ends it, so nothing more is read.
            let mut lock = stdin.lock();
            let mut line = String::new();
            loop {
                line.clear();
                let n = lock
                    .read_line(&mut line)
                    .map_err(|e| format!("could not read standard input: {e}"))?;
                if n == 0 || !line.trim().is_empty() {
                    return Ok(line);
                }
            }
        }
    }
}

fn inspect(args: &TokenInspectArgs) -> u8 {
    let text = match read_token(args.token.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(anstream::stderr(), "error: {e}");
            return super::EXIT_USAGE;
        }
    };
    // The first non-empty line: a trailing newline or a pasted blank line is not part of it.
    let token_text = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if token_text.is_empty() {
        let _ = writeln!(
            anstream::stderr(),
            "error: no token given (pass it on standard input)"
        );
        return super::EXIT_USAGE;
    }
    let result = token::inspect(token_text);
    let redacted = token::redact(token_text);
    let now = token::now();
    let mut out = anstream::stdout().lock();
    let written = match (&result, args.format) {
        (Ok(info), Format::Human) => output::audit::token_human(info, now, &mut out),
        (Ok(info), Format::Json) => writeln!(out, "{}", output::audit::token_json(info, now)),
        (Err(e), Format::Human) => {
            let _ = writeln!(anstream::stderr(), "error: {redacted}: {e}");
            Ok(())
        }
        (Err(e), Format::Json) => writeln!(
            out,
            "{}",
            output::audit::token_error_json(&redacted, &e.to_string())
        ),
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(anstream::stderr(), "error: {e}");
        return super::EXIT_USAGE;
    }
    if result.is_ok() {
        super::EXIT_OK
    } else {
        super::EXIT_FAILURE
    }
}
