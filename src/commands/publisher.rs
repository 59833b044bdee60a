//! `hoist publisher`: run inside the CI job that will publish, it prints the identity the job
//! presents and the trusted publisher that matches it, without minting or uploading anything,
//! so the PyPI side can be set up before the first release.
//!
//! The CI glue it shares with `hoist upload` (masking, the job summary, the failure report)
//! lives in `crate::output::ci`.

use std::io::{self, Write};

use crate::auth::oidc::{self, Detection, Provider, SharedEnv, TrustedPublisher, report};
use crate::auth::{self, IndexKind, Inputs};
use crate::cli::PublisherArgs;
use crate::output::ci::{mask_sink, note_sink, print_failure, process_env, step_summary};

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

pub fn run(args: &PublisherArgs) -> u8 {
    let env = process_env();
    let (target, provider) = match target_and_identity(args, &env) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let client =
        match crate::upload::client::build(target.ca_cert.as_ref().map(|(p, _)| p.as_path()), None)
        {
            Ok(c) => c,
            Err(e) => return usage(e),
        };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage(format!("cannot start the async runtime: {e}")),
    };
    let mut tp = TrustedPublisher::new(
        provider,
        client,
        &target.url,
        mask_sink(&env, false),
        note_sink(),
    );
    let got = runtime.block_on(async {
        tp.fetch_audience().await?;
        tp.oidc_token().await
    });
    let claims = tp.last_claims();
    let subject = report::Subject {
        provider: tp.provider_kind(),
        claims: claims.as_ref(),
        index: target.kind,
        origin: tp.origin(),
        projects: &args.projects,
    };
    if let Err(e) = got {
        print_failure(&env, &report::failure(&e, &subject, None), false);
        return EXIT_FAILURE;
    }
    let text = identity_text(&tp, &subject, target.kind);
    let mut out = io::stdout().lock();
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the report: {e}");
    }
    step_summary(&env, "hoist publisher", &text);
    EXIT_OK
}

fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

/// The index the publisher would be registered on, and this job's identity. `Err` is the
/// exit status, after the message was printed.
fn target_and_identity(
    args: &PublisherArgs,
    env: &SharedEnv,
) -> Result<(auth::Target, Box<dyn Provider>), u8> {
    let plain_env = |k: &str| std::env::var(k).ok();
    let inputs = Inputs {
        repository: args.repository.clone(),
        repository_url: args.repository_url.clone(),
        config_file: args.config_file.clone(),
        cert: args.cert.clone(),
        non_interactive: true,
        ..Inputs::default()
    };
    let target = auth::resolve_target(&inputs, &plain_env).map_err(usage)?;
    match oidc::detect(env, true) {
        Detection::None => {
            eprintln!(
                "error: no CI identity here: run `hoist publisher` as a step of the job that will publish"
            );
            Err(EXIT_FAILURE)
        }
        Detection::Unavailable(e) => {
            print_failure(env, &report::identity_error(&e), false);
            Err(EXIT_FAILURE)
        }
        Detection::Ready(p) => Ok((target, p)),
    }
}

/// The report: the index and its audience, the identity, and the publisher that matches it.
fn identity_text(tp: &TrustedPublisher, subject: &report::Subject<'_>, index: IndexKind) -> String {
    let mut text = format!(
        "Index: {} (audience {:?})\n\n",
        tp.origin().as_str().trim_end_matches('/'),
        tp.audience()
    );
    text.push_str(&report::identity(subject, None));
    if index == IndexKind::Other {
        text.push_str(
            "\nThis index is not PyPI: ask its administrators how it registers publishers.\n",
        );
    }
    text
}
