//! `hoist publisher`: run inside the CI job that will publish, it prints the identity the job
//! presents and the trusted publisher that matches it, without minting or uploading anything,
//! so the PyPI side can be set up before the first release.
//!
//! Also the terminal glue trusted publishing shares with `hoist upload`: masking secrets on
//! GitHub Actions, the job summary, the failure report.

use std::io::{self, Write};
use std::sync::Arc;

use crate::auth::oidc::{self, Detection, ProviderKind, SharedEnv, Sink, TrustedPublisher, report};
use crate::auth::{self, IndexKind, Inputs};
use crate::cli::PublisherArgs;

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

/// The process environment, shareable with the providers.
pub(crate) fn process_env() -> SharedEnv {
    Arc::new(|k| std::env::var(k).ok())
}

pub(crate) fn on_github(env: &SharedEnv) -> bool {
    env("GITHUB_ACTIONS").as_deref() == Some("true")
}

/// On GitHub Actions, a sink that prints `::add-mask::<secret>` at once, so the runner hides
/// the secret from every later line of the log. `to_stderr` keeps stdout for a JSON report.
pub(crate) fn mask_sink(env: &SharedEnv, to_stderr: bool) -> Option<Sink> {
    if !on_github(env) {
        return None;
    }
    Some(Arc::new(move |secret: &str| {
        if secret.is_empty() || secret.contains(['\r', '\n']) {
            return;
        }
        let line = format!("::add-mask::{secret}\n");
        if to_stderr {
            let mut e = io::stderr().lock();
            let _ = e.write_all(line.as_bytes());
            let _ = e.flush();
        } else {
            let mut o = io::stdout().lock();
            let _ = o.write_all(line.as_bytes());
            let _ = o.flush();
        }
    }))
}

pub(crate) fn note_sink() -> Sink {
    Arc::new(|line: &str| eprintln!("{line}"))
}

/// Appends `text` to `$GITHUB_STEP_SUMMARY` when it is set.
pub(crate) fn step_summary(env: &SharedEnv, title: &str, text: &str) {
    let Some(path) = env("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| f.write_all(report::markdown(title, text).as_bytes()));
    if let Err(e) = written {
        eprintln!("warning: cannot write the job summary {path}: {e}");
    }
}

/// Prints a trusted-publishing failure: on stderr, as a GitHub annotation, in the job summary.
pub(crate) fn print_failure(env: &SharedEnv, text: &str, as_warning: bool) {
    let label = if as_warning { "warning" } else { "error" };
    eprintln!("{label}: {}", text.trim_end());
    if on_github(env) {
        let first = text.lines().next().unwrap_or("Trusted publishing failed");
        eprintln!("::{label} title=Trusted publishing::{first}");
    }
    step_summary(env, "hoist: trusted publishing", text);
}

/// One line about the identity, for progress output.
pub(crate) fn identity_line(kind: ProviderKind, claims: Option<&oidc::Claims>) -> String {
    let detail = claims.and_then(|c| match kind {
        ProviderKind::GitHub => Some(format!(
            "{}, {}",
            c.show("repository"),
            c.get("job_workflow_ref")
                .as_deref()
                .and_then(report::workflow_file)
                .unwrap_or("MISSING")
        )),
        ProviderKind::GitLab => c.get("project_path"),
        ProviderKind::Google => c.get("email"),
        _ => c.get("sub"),
    });
    match detail {
        Some(d) => format!("{} ({d})", kind.name()),
        None => kind.name().to_string(),
    }
}

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
