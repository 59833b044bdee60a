//! `hoist upload`: turns the arguments into the publish pipeline's options, runs the pipeline
//! (`crate::publish`: collect, check, attestations, target, credentials, sign, send; a dry run
//! stops before the credentials), renders its result, and picks the exit status: 0 all
//! uploaded or skipped, 1 a file failed or was not attempted, 2 usage or configuration error,
//! 3 the pre-upload check rejected a file (nothing sent), 130 interrupted by Ctrl-C (the
//! summary so far is printed).

use std::io::{self, Write};
use std::sync::Arc;

use crate::auth::oidc::{Policy, SharedEnv};
use crate::auth::{self, Inputs};
use crate::cli::{Format, TrustedPublishing, UploadArgs};
use crate::output;
use crate::output::publish::Terminal;
use crate::publish::{self, Published, Sent, Stop};

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

/// Exit status: the pre-upload check rejected a file, and nothing was sent.
pub const EXIT_CHECK_FAILED: u8 = 3;

/// Exit status after Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

pub fn run(args: &UploadArgs) -> u8 {
    if args.sign || args.sign_with.is_some() || args.identity.is_some() {
        eprintln!(
            "warning: --sign, --sign-with and --identity are ignored: PyPI has ignored PGP signatures since 2023"
        );
    }
    if args.password.is_some() {
        eprintln!(
            "warning: {}; set HOIST_PASSWORD (or TWINE_PASSWORD) instead",
            output::SECRET_ON_COMMAND_LINE
        );
    }
    let env = output::ci::process_env();
    let json = args.format == Format::Json;
    let terminal = Terminal {
        quiet: args.quiet,
        json,
        bars: Terminal::bars_wanted(args.disable_progress_bar, json),
        env: env.clone(),
    };
    let options = options(args, env);
    match publish::run(&options, Arc::new(terminal)) {
        Ok(Published::Planned(plan)) => dry_run(args, &plan, &options.env),
        Ok(Published::Sent(sent)) => report(args, &sent),
        Err(e) => {
            if !e.already_reported() {
                eprintln!("error: {e}");
            }
            match e.stop() {
                Stop::Usage => EXIT_USAGE,
                Stop::Refused => EXIT_CHECK_FAILED,
                Stop::Failed => EXIT_FAILURE,
            }
        }
    }
}

/// The pipeline's options, from the arguments and the environment.
fn options(args: &UploadArgs, env: SharedEnv) -> publish::Options {
    let plain = |k: &str| env(k);
    let inputs = Inputs {
        repository: args.repository.clone(),
        repository_url: args.repository_url.clone(),
        username: args.username.clone(),
        password: args.password.clone(),
        config_file: args.config_file.clone(),
        cert: args.cert.clone(),
        client_cert: args.client_cert.clone(),
        non_interactive: args.non_interactive || auth::env_flag(&plain, "NON_INTERACTIVE"),
    };
    let mut upload = crate::upload::Options {
        skip_existing: args.skip_existing,
        jobs: args.jobs as usize,
        digests_first: args.digests_first,
        verbose: args.verbose,
        ..crate::upload::Options::default()
    };
    upload.retry.retries = args.retries;
    publish::Options {
        files: args.files.clone(),
        check: crate::check::Options {
            max_file_size: args.max_file_size,
            ignore: args.ignore.clone(),
        },
        no_check: args.no_check,
        comment: args.comment.clone(),
        inputs,
        policy: match args.trusted_publishing {
            TrustedPublishing::Auto => Policy::Auto,
            TrustedPublishing::Always => Policy::Always,
            TrustedPublishing::Never => Policy::Never,
        },
        attestations: args.attestations,
        attest: args.attest,
        dry_run: args.dry_run,
        verbose: args.verbose,
        upload: upload.tuned_by_env(&plain),
        handle_ctrl_c: true,
        env,
    }
}

/// Prints the summary of a run and returns its exit status.
fn report(args: &UploadArgs, sent: &Sent) -> u8 {
    let (results, url, view_at) = (&sent.results, &sent.url, &sent.view_at);
    let written = match args.format {
        Format::Json => output::upload::write_json(&mut io::stdout().lock(), results, url, view_at),
        Format::Human => {
            let mut out = anstream::AutoStream::auto(io::stdout().lock());
            output::upload::write_human(&mut out, results, url, view_at).and_then(|()| out.flush())
        }
    };
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the report: {e}");
    }
    if sent.interrupted {
        return EXIT_INTERRUPTED;
    }
    if sent.complete() {
        EXIT_OK
    } else {
        EXIT_FAILURE
    }
}

/// Prints the plan of a dry run.
fn dry_run(args: &UploadArgs, plan: &[publish::PlannedRequest], env: &SharedEnv) -> u8 {
    let written = match args.format {
        Format::Json => output::upload::write_dry_run_json(&mut io::stdout().lock(), plan),
        Format::Human => {
            let mut out = anstream::AutoStream::auto(io::stdout().lock());
            output::upload::write_dry_run_human(&mut out, plan).and_then(|()| out.flush())
        }
    };
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the plan: {e}");
    }
    if args.attest {
        eprintln!("{}", crate::attest::publish::dry_run_note(env));
    }
    EXIT_OK
}
