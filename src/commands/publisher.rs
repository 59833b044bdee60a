//! `hoist publisher`: run inside the CI job that will publish, it prints the identity the job
//! presents and the trusted publisher that matches it, without minting or uploading anything,
//! so the PyPI side can be set up before the first release.
//!
//! The CI glue it shares with `hoist upload` (masking, the job summary, the failure report)
//! lives in `crate::output::ci`.

use std::io::{self, Write};

use crate::auth::oidc::{self, Detection, TrustedPublisher, report};
use crate::auth::{self, IndexKind, Inputs};
use crate::cli::PublisherArgs;
use crate::output::ci::{mask_sink, note_sink, print_failure, process_env, step_summary};

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

pub fn run(args: &PublisherArgs) -> u8 {
    let env = process_env();
    let plain_env = |k: &str| std::env::var(k).ok();
    let inputs = Inputs {
        repository: args.repository.clone(),
        repository_url: args.repository_url.clone(),
        config_file: args.config_file.clone(),
        cert: args.cert.clone(),
        non_interactive: true,
        ..Inputs::default()
    };
    let target = match auth::resolve_target(&inputs, &plain_env) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let provider = match oidc::detect(&env, true) {
        Detection::None => {
            eprintln!(
                "error: no CI identity here: run `hoist publisher` as a step of the job that will publish"
            );
            return EXIT_FAILURE;
        }
        Detection::Unavailable(e) => {
            print_failure(&env, &report::identity_error(&e), false);
            return EXIT_FAILURE;
        }
        Detection::Ready(p) => p,
    };
    let client =
        match crate::upload::client::build(target.ca_cert.as_ref().map(|(p, _)| p.as_path()), None)
        {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_USAGE;
        }
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
    let kind = tp.provider_kind();
    let claims = tp.last_claims();
    let subject = report::Subject {
        provider: kind,
        claims: claims.as_ref(),
        index: target.kind,
        origin: tp.origin(),
        projects: &args.projects,
    };
    if let Err(e) = got {
        print_failure(&env, &report::failure(&e, &subject, None), false);
        return EXIT_FAILURE;
    }
    let mut text = format!(
        "Index: {} (audience {:?})\n\n",
        tp.origin().as_str().trim_end_matches('/'),
        tp.audience()
    );
    text.push_str(&report::identity(&subject, None));
    if target.kind == IndexKind::Other {
        text.push_str(
            "\nThis index is not PyPI: ask its administrators how it registers publishers.\n",
        );
    }
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
