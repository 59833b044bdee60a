//! `hoist upload`: expands the arguments, checks every file (errors abort before anything is
//! sent), resolves the index and credentials, uploads wheels then sdists, and prints a
//! summary. In a CI job with an identity and no explicit password, the credentials come from
//! trusted publishing (`--trusted-publishing`). Exit status: 0 all uploaded or skipped, 1 a file
//! failed or was not attempted, 2 usage or configuration error, 3 the pre-upload check rejected
//! a file (nothing sent), 130 interrupted by Ctrl-C (the summary so far is printed).

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;

use crate::attest;
use crate::auth::oidc::{self, Detection, Policy, TrustedPublisher, report};
use crate::auth::{self, CredentialSource, Fixed, IndexKind, Inputs, Interaction};
use crate::check::{self, Options as CheckOptions, Severity};
use crate::cli::{Format, TrustedPublishing, UploadArgs};
use crate::dist::filename::FileType;
use crate::output;
use crate::upload::{self, FileResult, Outcome, Prepared, Uploader, multipart, progress};

use super::check::expand_inputs;
use super::publisher;
use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

/// Exit status: the pre-upload check rejected a file, and nothing was sent.
pub const EXIT_CHECK_FAILED: u8 = 3;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Which variable steers the system roots, for `--verbose`.
fn system_roots_note(env: auth::EnvFn<'_>) -> String {
    ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .iter()
        .find_map(|var| {
            env(var)
                .filter(|v| !v.is_empty())
                .map(|v| format!(" (${var} = {v})"))
        })
        .unwrap_or_default()
}

fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

pub fn run(args: &UploadArgs) -> u8 {
    if args.sign || args.sign_with.is_some() || args.identity.is_some() {
        eprintln!(
            "warning: --sign, --sign-with and --identity are ignored: PyPI has ignored PGP signatures since 2023"
        );
    }
    if args.password.is_some() {
        eprintln!(
            "warning: {}; set HOIST_PASSWORD (or TWINE_PASSWORD) instead",
            crate::output::SECRET_ON_COMMAND_LINE
        );
    }
    let paths = match expand_inputs(&args.files) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };

    // 1. Check and prepare every file before anything is sent.
    let check_options = CheckOptions {
        max_file_size: args.max_file_size,
    };
    let mut reports = Vec::new();
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut unpreparable = Vec::new();
    for path in &paths {
        let (report, dist) = check::inspect(path, &check_options);
        match upload::prepare(&dist, args.comment.as_deref()) {
            Ok(p) => prepared.push(p),
            Err(e) => unpreparable.push(e.to_string()),
        }
        reports.push(report);
    }
    check::rules::release::check(&mut reports);
    let failing: Vec<_> = reports
        .iter()
        .filter(|r| r.diagnostics.iter().any(|d| d.severity == Severity::Error))
        .collect();
    if !failing.is_empty() && !args.no_check {
        let mut out = anstream::AutoStream::auto(io::stderr());
        let _ = output::check::write_human(&mut out, &reports, false);
        eprintln!(
            "error: {} of {} file(s) would be rejected by PyPI; nothing was uploaded. Fix them, or pass --no-check to upload anyway.",
            failing.len(),
            reports.len()
        );
        return EXIT_CHECK_FAILED;
    }
    if !args.quiet {
        let mut out = anstream::AutoStream::auto(io::stderr());
        let _ = output::check::write_warnings_compact(&mut out, &reports);
    }
    if !unpreparable.is_empty() {
        for e in &unpreparable {
            eprintln!("error: {e}");
        }
        eprintln!("error: nothing was uploaded");
        return EXIT_CHECK_FAILED;
    }
    // Only the forms are needed from here on, not the check reports.
    drop(failing);
    drop(reports);
    // Wheels before sdists, otherwise in the order given.
    prepared.sort_by_key(|p| p.file_type != FileType::Wheel);

    // PEP 740 attestations: checked locally now, sent as a plain-text field with their file.
    // Each directory is listed once for all its files.
    let companions = attest::Companions::scan(prepared.iter().map(|p| p.path.as_path()));
    if args.attest
        && let Err(e) = attest_precheck(args, &mut prepared, &companions)
    {
        return usage(e);
    }
    let mut attested = 0usize;
    for p in &mut prepared {
        let files = companions.for_dist(&p.path);
        if !args.attestations {
            if !files.is_empty() {
                eprintln!(
                    "note: {} has {} attestation file(s) beside it; pass --attestations to upload them",
                    p.filename,
                    files.len()
                );
            }
            continue;
        }
        if args.attest && files.is_empty() {
            // --attest makes the one it needs, after the credentials are known.
            continue;
        }
        let sha256 = match digests_of(p) {
            Ok(d) => d.sha256.clone(),
            Err(e) => return usage(e),
        };
        match attest::prepare(&p.filename, &sha256, &files) {
            Ok(json) => {
                p.fields.push(upload::form::FormField {
                    name: "attestations".into(),
                    value: json,
                });
                attested += files.len();
            }
            Err(e) => {
                eprintln!("error: {e}");
                eprintln!("error: nothing was uploaded");
                return EXIT_CHECK_FAILED;
            }
        }
    }

    // 2. Where to, and as whom.
    let inputs = Inputs {
        repository: args.repository.clone(),
        repository_url: args.repository_url.clone(),
        username: args.username.clone(),
        password: args.password.clone(),
        config_file: args.config_file.clone(),
        cert: args.cert.clone(),
        client_cert: args.client_cert.clone(),
        non_interactive: args.non_interactive || auth::env_flag(&env, "NON_INTERACTIVE"),
    };
    let target = match auth::resolve_target(&inputs, &env) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    if args.verbose {
        if let Some(path) = &target.config_path {
            eprintln!("Using configuration from {path}");
        }
        match &target.ca_cert {
            Some((path, source)) => eprintln!("CA bundle: {} (from {source})", path.display()),
            None => eprintln!("CA bundle: the system's roots{}", system_roots_note(&env)),
        }
        for p in &prepared {
            eprintln!("{} ({})", p.path.display(), progress::human_size(p.size));
        }
    }
    if (args.attestations || args.attest) && target.kind == auth::IndexKind::Other {
        eprintln!(
            "warning: only PyPI and TestPyPI are known to accept attestations; if {} refuses them, drop --attestations and --attest",
            target.url
        );
    }
    if args.dry_run {
        if args.attest
            && let Some(why) = attest_unavailable(args, &inputs, &target)
        {
            eprintln!("warning: --attest: a real run would refuse, because {why}");
        }
        return dry_run(args, &prepared, &target);
    }
    if !target.allows_credentials() {
        return usage(format!(
            "refusing to send credentials to {} over plain http; use https (plain http is allowed only to this machine)",
            target.url
        ));
    }
    let interaction = if inputs.non_interactive {
        Interaction::NonInteractive
    } else {
        Interaction::Interactive
    };
    let client = match upload::client::build(
        target.ca_cert.as_ref().map(|(p, _)| p.as_path()),
        target.client_cert.as_ref().map(|(p, _)| p.as_path()),
    ) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage(format!("cannot start the async runtime: {e}")),
    };
    let mut projects: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in &prepared {
        if !p.name.is_empty() && seen.insert(p.name.as_str()) {
            projects.push(p.name.clone());
        }
    }
    if args.attest
        && let Some(why) = attest_unavailable(args, &inputs, &target)
    {
        return usage(format!(
            "--attest signs with this CI job's trusted-publishing identity, but {why}; nothing was signed or uploaded. Run it in a CI job with an OIDC identity (GitHub Actions: `permissions: id-token: write`) and no stored token, or drop --attest"
        ));
    }
    let (source, trusted) = match credential_source(
        args,
        &inputs,
        &target,
        interaction,
        &client,
        &runtime,
        &projects,
    ) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if args.verbose
        && let Ok(c) = runtime.block_on(source.for_next_file())
    {
        eprintln!("username: {} (from {})", c.username, c.username_source);
        eprintln!(
            "password: {} (from {})",
            c.password.describe(),
            c.password_source
        );
    }

    if attested > 0
        && target.kind != IndexKind::Other
        && let Ok(c) = runtime.block_on(source.for_next_file())
        && c.is_api_token()
    {
        return usage(format!(
            "PyPI accepts attestations only from trusted publishing, and the token came from {}: it would refuse every file \
(\"Attestations are only supported when using Trusted Publishing\"). Publish from CI with trusted publishing, or drop --attestations",
            c.password_source
        ));
    }

    if args.attest {
        let Some(tp) = trusted.as_deref() else {
            let from = runtime
                .block_on(source.for_next_file())
                .map(|c| c.password_source.to_string())
                .unwrap_or_else(|_| "a stored credential".into());
            return usage(format!(
                "--attest signs with this CI job's trusted-publishing identity, but the upload would use the password from {from}; nothing was signed or uploaded. Run it in a CI job with an OIDC identity (GitHub Actions: `permissions: id-token: write`) and no stored token, or drop --attest"
            ));
        };
        if let Err(code) = attest_all(args, &mut prepared, tp, &runtime) {
            return code;
        }
    }

    // 3. Send. The header goes out before the bars start drawing.
    eprintln!("Uploading {} file(s) to {}", prepared.len(), target.url);
    let show_bars =
        !args.disable_progress_bar && args.format == Format::Human && io::stderr().is_terminal();
    let total: u64 = prepared.iter().map(|p| p.size).sum();
    let reporter: Arc<dyn progress::Reporter> = if show_bars {
        Arc::new(progress::Bars::new(total, prepared.len()))
    } else {
        Arc::new(progress::Lines)
    };
    let mut options = upload::Options {
        skip_existing: args.skip_existing,
        jobs: args.jobs as usize,
        digests_first: args.digests_first,
        verbose: args.verbose,
        ..upload::Options::default()
    };
    options.retry.retries = args.retries;
    if let Some(ms) = env("HOIST_RETRY_BASE_MS").and_then(|v| v.parse::<u64>().ok()) {
        options.retry.base = std::time::Duration::from_millis(ms);
    }
    if let Some(stall) = crate::retry::stall_from_env(&env) {
        options.stall_timeout = stall;
        options.response_timeout = stall;
    }
    let uploader = Uploader::with_source(
        client,
        target.clone(),
        Some(source),
        options,
        reporter.clone(),
    );
    let (results, interrupted) = runtime.block_on(run_until_interrupted(&uploader, prepared));
    // The bars clear when the last reference goes, before the summary is printed.
    drop(uploader);
    drop(reporter);

    // 4. Report.
    let mut view_at: Vec<String> = Vec::new();
    for r in &results {
        if matches!(r.outcome, Outcome::Uploaded { .. })
            && let Some(u) = target.project_url(&r.name, &r.version)
            && !view_at.contains(&u)
        {
            view_at.push(u);
        }
    }
    let url = target.url.to_string();
    let written = match args.format {
        Format::Json => {
            output::upload::write_json(&mut io::stdout().lock(), &results, &url, &view_at)
        }
        Format::Human => {
            let mut out = anstream::AutoStream::auto(io::stdout().lock());
            output::upload::write_human(&mut out, &results, &url, &view_at)
                .and_then(|()| out.flush())
        }
    };
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the report: {e}");
    }
    if interrupted {
        return EXIT_INTERRUPTED;
    }
    exit_code(&results)
}

/// Exit status after Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Runs the upload; the first Ctrl-C stops new files and retries while the files in flight
/// finish, and the summary is printed as usual; a second one exits at once. `true` when
/// interrupted.
async fn run_until_interrupted(
    uploader: &Uploader,
    prepared: Vec<Prepared>,
) -> (Vec<FileResult>, bool) {
    let run = uploader.run(prepared);
    tokio::pin!(run);
    let mut interrupted = false;
    loop {
        tokio::select! {
            results = &mut run => return (results, interrupted),
            signal = tokio::signal::ctrl_c() => {
                if signal.is_err() {
                    // No signal handling on this platform: just wait for the run.
                    return ((&mut run).await, interrupted);
                }
                if interrupted {
                    eprintln!("Interrupted again: stopping now. Files in flight may or may not be on the index: rerun with --skip-existing.");
                    std::process::exit(i32::from(EXIT_INTERRUPTED));
                }
                interrupted = true;
                eprintln!("Interrupted: no new file starts; the files in flight finish (Ctrl-C again to stop at once).");
                uploader.interrupt();
            }
        }
    }
}

/// The credentials of an upload and, when they come from trusted publishing, the exchange
/// (which also gives the identity token `--attest` signs with).
type Chosen = (Arc<dyn CredentialSource>, Option<Arc<TrustedPublisher>>);

/// Where the upload's credentials come from: trusted publishing when the policy allows it and
/// the job has an identity, else the password or token found the twine way. `Err` is the exit
/// code, after the message was printed.
fn credential_source(
    args: &UploadArgs,
    inputs: &Inputs,
    target: &auth::Target,
    interaction: Interaction,
    client: &reqwest::Client,
    runtime: &tokio::runtime::Runtime,
    projects: &[String],
) -> Result<Chosen, u8> {
    let policy = match args.trusted_publishing {
        TrustedPublishing::Auto => Policy::Auto,
        TrustedPublishing::Always => Policy::Always,
        TrustedPublishing::Never => Policy::Never,
    };
    let shared = publisher::process_env();
    let explicit = auth::explicit_password(target, inputs, &env);
    let username = auth::given_username(target, inputs, &env);
    let applies = policy.applies(explicit.is_some(), username.as_deref());
    if policy == Policy::Always && !applies {
        let why = match (&explicit, &username) {
            (Some((_, source)), _) => format!("a password was given ({source})"),
            (None, Some(u)) => format!("the username is {u:?}, not __token__"),
            (None, None) => "of the other options".to_string(),
        };
        return Err(usage(format!(
            "--trusted-publishing always cannot be used because {why}: trusted publishing uploads as __token__ with a minted token"
        )));
    }
    let detection = if policy == Policy::Never {
        Detection::None
    } else {
        oidc::detect(&shared, policy == Policy::Always)
    };
    let stored = |why: Option<String>| -> Result<Chosen, u8> {
        match auth::resolve_credentials(target, inputs, &env, interaction) {
            Ok(c) => {
                if let Some(why) = why {
                    publisher::print_failure(&shared, &why, true);
                    eprintln!(
                        "Trusted publishing was not used; uploading with the password from {} instead.",
                        c.password_source
                    );
                }
                Ok((Arc::new(Fixed(c)), None))
            }
            Err(e) => match why {
                Some(why) => {
                    publisher::print_failure(&shared, &why, false);
                    Err(EXIT_USAGE)
                }
                None => Err(usage(e)),
            },
        }
    };
    if !applies {
        let chosen = stored(None)?;
        if policy != Policy::Never
            && let Detection::Ready(p) = &detection
            && (target.kind == IndexKind::Other || p.kind().accepted_by_pypi())
        {
            eprintln!(
                "notice: this {} job has an OIDC identity: trusted publishing can replace the stored token (see `hoist publisher`)",
                p.kind().name()
            );
        }
        return Ok(chosen);
    }
    let provider = match detection {
        Detection::None => {
            // Only in auto: `always` probes Google Cloud, so it never finds nothing.
            return stored(None);
        }
        Detection::Unavailable(e) => {
            let text = report::identity_error(&e);
            if policy == Policy::Always {
                publisher::print_failure(
                    &shared,
                    &format!("Trusted publishing failed: {text}"),
                    false,
                );
                return Err(EXIT_USAGE);
            }
            return stored(Some(format!("Trusted publishing is not available: {text}")));
        }
        Detection::Ready(p) => p,
    };
    let kind = provider.kind();
    if target.kind != IndexKind::Other && !kind.accepted_by_pypi() {
        let text = format!(
            "this job runs on {}, and {} does not accept {} identities yet (it trusts GitHub Actions, GitLab CI/CD, Google Cloud and ActiveState). Publish with an API token (HOIST_PASSWORD), or from one of those.",
            kind.name(),
            if target.kind == IndexKind::Pypi {
                "PyPI"
            } else {
                "TestPyPI"
            },
            kind.name()
        );
        if policy == Policy::Always {
            return Err(usage(format!("--trusted-publishing always: {text}")));
        }
        return stored(Some(format!("Trusted publishing is not available: {text}")));
    }
    let retry_base = env("HOIST_RETRY_BASE_MS")
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(
            std::time::Duration::from_secs(1),
            std::time::Duration::from_millis,
        );
    let mut tp = TrustedPublisher::new(
        provider,
        client.clone(),
        &target.url,
        publisher::mask_sink(&shared, args.format == Format::Json),
        publisher::note_sink(),
    )
    .with_timing(oidc::DEFAULT_MARGIN, retry_base)
    .with_stall(crate::retry::stall_from_env(&env));
    match runtime.block_on(tp.start()) {
        Ok(_) => {
            eprintln!(
                "Trusted publishing: minted an upload token for {} from the {} identity",
                target.url,
                publisher::identity_line(kind, tp.last_claims().as_ref())
            );
            let tp = Arc::new(tp);
            Ok((tp.clone(), Some(tp)))
        }
        Err(e) => {
            let claims = match &e {
                oidc::TrustedError::Exchange { claims, .. } => claims.clone(),
                oidc::TrustedError::Identity(_) => None,
            };
            let subject = report::Subject {
                provider: kind,
                claims: claims.as_ref(),
                index: target.kind,
                origin: tp.origin(),
                projects,
            };
            let audience = (!tp.audience().is_empty()).then(|| tp.audience().to_string());
            let text = report::failure(&e, &subject, audience.as_deref());
            if policy == Policy::Always {
                publisher::print_failure(&shared, &text, false);
                return Err(EXIT_USAGE);
            }
            stored(Some(text))
        }
    }
}

/// `p`'s digests, computed the first time they are needed and kept for the rest of the run
/// (signing, attestation checks and the upload share one pass over the file).
fn digests_of(p: &mut Prepared) -> Result<&crate::digest::Digests, String> {
    let d = match p.digests.take() {
        Some(d) => d,
        None => crate::digest::digest_file(&p.path, false)
            .map_err(|e| format!("cannot read {}: {e}", p.path.display()))?,
    };
    Ok(p.digests.insert(d))
}

fn exit_code(results: &[FileResult]) -> u8 {
    if results.iter().any(|r| {
        matches!(
            r.outcome,
            Outcome::Failed { .. } | Outcome::NotAttempted { .. }
        )
    }) {
        EXIT_FAILURE
    } else {
        EXIT_OK
    }
}

fn dry_run(args: &UploadArgs, prepared: &[Prepared], target: &auth::Target) -> u8 {
    let mut plan = Vec::new();
    for p in prepared {
        let digests = match &p.digests {
            Some(d) => Ok(d.clone()),
            None => crate::digest::digest_file(&p.path, false),
        };
        let digests = match digests {
            Ok(d) => d,
            Err(e) => return usage(format!("cannot read {}: {e}", p.path.display())),
        };
        let first = args.digests_first.then(|| digests.clone());
        let body = multipart::MultipartBody::new(
            &p.fields,
            p.path.clone(),
            &p.filename,
            p.size,
            first,
            multipart::new_boundary(),
        );
        plan.push(output::upload::PlannedRequest {
            filename: p.filename.clone(),
            path: p.path.display().to_string(),
            size: p.size,
            method: "POST",
            url: target.url.to_string(),
            content_length: body.content_length(),
            fields: p.fields.clone(),
            digests,
            digests_after_content: !args.digests_first,
        });
    }
    let written = match args.format {
        Format::Json => output::upload::write_dry_run_json(&mut io::stdout().lock(), &plan),
        Format::Human => {
            let mut out = anstream::AutoStream::auto(io::stdout().lock());
            output::upload::write_dry_run_human(&mut out, &plan).and_then(|()| out.flush())
        }
    };
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the plan: {e}");
    }
    if args.attest {
        let services = attest::sign::Services::from_env(&env)
            .map(|s| s.describe())
            .unwrap_or_default();
        eprintln!(
            "--attest: each file would first be signed with Sigstore ({services}) as this job's trusted-publishing identity and its F.publish.attestation sent with it; a dry run signs nothing"
        );
    }
    EXIT_OK
}

/// Why `--attest` cannot work here, known before any credential is looked up or prompted
/// for: trusted publishing is off, a password was given, or there is no CI identity.
fn attest_unavailable(args: &UploadArgs, inputs: &Inputs, target: &auth::Target) -> Option<String> {
    if args.trusted_publishing == TrustedPublishing::Never {
        return Some("--trusted-publishing never turns it off".into());
    }
    if let Some((_, source)) = auth::explicit_password(target, inputs, &env) {
        return Some(format!(
            "a password was given ({source}), and it wins over the identity"
        ));
    }
    if let Some(u) = auth::given_username(target, inputs, &env)
        && u != "__token__"
    {
        return Some(format!(
            "the username is {u:?}, and trusted publishing uploads as __token__"
        ));
    }
    let probe = args.trusted_publishing == TrustedPublishing::Always;
    let shared = publisher::process_env();
    match oidc::detect(&shared, probe) {
        Detection::None => Some("this is not a CI job with an OIDC identity".into()),
        Detection::Ready(p) if target.kind != IndexKind::Other && !p.kind().accepted_by_pypi() => {
            Some(format!(
                "PyPI does not accept {} identities for trusted publishing",
                p.kind().name()
            ))
        }
        Detection::Ready(p) if p.kind() == oidc::ProviderKind::GitLab => {
            oidc::gitlab::missing(&shared, attest::sign::AUDIENCE)
                .map(|e| report::identity_error(&e))
        }
        _ => None,
    }
}

/// What `--attest` can refuse before anything is looked up, signed or sent: a Sigstore URL
/// that would expose the identity token, the same file given twice, an
/// `F.publish.attestation` already there (never overwritten), and with `--attestations` other
/// attestation files that would leave no room for the new one or repeat its predicate.
fn attest_precheck(
    args: &UploadArgs,
    prepared: &mut [Prepared],
    companions: &attest::Companions,
) -> Result<(), String> {
    attest::sign::Services::from_env(&env)?;
    let mut seen = std::collections::HashSet::new();
    for p in prepared.iter_mut() {
        let key = std::fs::canonicalize(&p.path).unwrap_or_else(|_| p.path.clone());
        if !seen.insert(key) {
            return Err(format!(
                "{} is given twice; --attest signs each file once: list it once",
                p.path.display()
            ));
        }
        let out = attest::sign::output_path(&p.path);
        if out.exists() {
            return Err(format!(
                "{} already exists, and --attest never overwrites an attestation. If an earlier step of this job made it for these bytes (TestPyPI, then PyPI), upload it as it is with --attestations instead of --attest; otherwise delete it",
                out.display()
            ));
        }
        if !args.attestations {
            continue;
        }
        let others = companions.for_dist(&p.path);
        if others.len() + 1 > attest::MAX_PER_FILE {
            return Err(format!(
                "{} has {} attestation file(s) beside it and --attest adds one: PyPI takes at most {} per file",
                p.filename,
                others.len(),
                attest::MAX_PER_FILE
            ));
        }
        if others.is_empty() {
            continue;
        }
        let sha256 = digests_of(p)?.sha256.clone();
        for other in &others {
            let doc: serde_json::Value = std::fs::read(other)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
                .map_err(|e| format!("{}: {e}", other.display()))?;
            let predicate =
                attest::verify_one(other, &doc, &p.filename, &sha256).map_err(|e| e.to_string())?;
            if predicate == attest::sign::PUBLISH_PREDICATE {
                return Err(format!(
                    "{} is already a publish attestation of {}, and PyPI takes one per predicate type: drop --attest to upload it, or remove it",
                    other.display(),
                    p.filename
                ));
            }
        }
    }
    Ok(())
}

/// `--attest`: signs every distribution with Sigstore as this job's identity, checks each
/// result the way PyPI will, writes `F.publish.attestation` beside each file and adds it to
/// the file's form. All or nothing: when one file cannot be signed, no attestation is
/// written and nothing is uploaded. `Err` is the exit code, after the message was printed.
fn attest_all(
    args: &UploadArgs,
    prepared: &mut [Prepared],
    tp: &TrustedPublisher,
    runtime: &tokio::runtime::Runtime,
) -> Result<(), u8> {
    use futures_util::stream::{self, StreamExt};

    let services = match attest::sign::Services::from_env(&env) {
        Ok(s) => s,
        Err(e) => return Err(usage(e)),
    };
    let client = match upload::client::build_for_services(std::time::Duration::from_secs(60)) {
        Ok(c) => c,
        Err(e) => return Err(usage(e)),
    };
    let retry = attest::sign::Retry {
        retries: args.retries,
        base: env("HOIST_RETRY_BASE_MS")
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(
                std::time::Duration::from_secs(1),
                std::time::Duration::from_millis,
            ),
    };
    let mut subjects = Vec::new();
    for p in prepared.iter_mut() {
        match digests_of(p).map(|d| d.sha256.clone()) {
            Ok(sha256) => subjects.push((p.filename.clone(), sha256)),
            Err(e) => return Err(usage(e)),
        }
    }
    eprintln!(
        "Signing {} file(s) with Sigstore ({}) as the {} identity",
        subjects.len(),
        services.describe(),
        tp.provider_kind().name()
    );
    let token = match runtime.block_on(tp.token_for(attest::sign::AUDIENCE)) {
        Ok(t) => t,
        Err(e) => {
            let text = match &e {
                oidc::TrustedError::Identity(i) => report::identity_error(i),
                other => other.to_string(),
            };
            eprintln!(
                "error: --attest: cannot get an OIDC token with audience \"sigstore\": {text}"
            );
            eprintln!("error: no attestation was made and nothing was uploaded");
            return Err(EXIT_FAILURE);
        }
    };
    // One token serves the files while it has more than `margin` to live; then a fresh one is
    // asked for (a provider that cannot mint again, GitLab, gives the same one back).
    let margin = env("HOIST_SIGSTORE_TOKEN_MARGIN_SECS")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(60);
    let current = tokio::sync::Mutex::new(token);
    let signed: Vec<_> = runtime.block_on(
        stream::iter(subjects.iter())
            .map(|(filename, sha256)| {
                let (current, services, client) = (&current, &services, &client);
                async move {
                    let token = {
                        let mut token = current.lock().await;
                        if oidc::Claims::decode(token.expose())
                            .is_ok_and(|c| c.expires_within(margin))
                            && let Ok(fresh) = tp.token_for(attest::sign::AUDIENCE).await
                        {
                            *token = fresh;
                        }
                        token.clone()
                    };
                    attest::sign::sign(services, client, &token, filename, sha256, retry).await
                }
            })
            .buffered(4)
            .collect(),
    );
    let mut documents = Vec::new();
    let mut failed = false;
    for ((p, (filename, sha256)), result) in prepared.iter().zip(&subjects).zip(signed) {
        let out = attest::sign::output_path(&p.path);
        match result.map_err(|e| e.to_string()).and_then(|doc| {
            // The same checks as for an attestation file someone else made.
            attest::verify_one(&out, &doc, filename, sha256)
                .map(|_| doc)
                .map_err(|e| e.to_string())
        }) {
            Ok(doc) => documents.push((out, doc)),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if failed {
        eprintln!("error: no attestation was written and nothing was uploaded");
        return Err(EXIT_FAILURE);
    }
    let mut written = Vec::new();
    for (out, doc) in &documents {
        if let Err(e) = write_new(out, doc) {
            eprintln!("error: cannot write {}: {e}", out.display());
            for w in &written {
                let _ = std::fs::remove_file(w);
            }
            eprintln!("error: no attestation was kept and nothing was uploaded");
            return Err(EXIT_FAILURE);
        }
        let index = doc
            .pointer("/verification_material/transparency_entries/0/logIndex")
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .unwrap_or_default();
        eprintln!("Wrote {} (Rekor log index {index})", out.display());
        written.push(out.clone());
    }
    attach(args, prepared, &subjects).inspect_err(|_| {
        for w in &written {
            let _ = std::fs::remove_file(w);
        }
    })
}

/// Attaches to each file's form its `F.publish.attestation`, and with `--attestations` the
/// other attestation files beside it, all checked again together.
fn attach(
    args: &UploadArgs,
    prepared: &mut [Prepared],
    subjects: &[(String, String)],
) -> Result<(), u8> {
    // Listed again, once per directory: the new attestations are there now.
    let companions = if args.attestations {
        attest::Companions::scan(prepared.iter().map(|p| p.path.as_path()))
    } else {
        attest::Companions::default()
    };
    for (p, (filename, sha256)) in prepared.iter_mut().zip(subjects) {
        let out = attest::sign::output_path(&p.path);
        let files = if args.attestations {
            companions.for_dist(&p.path)
        } else {
            vec![out]
        };
        match attest::prepare(filename, sha256, &files) {
            Ok(json) => {
                p.fields.retain(|f| f.name != "attestations");
                p.fields.push(upload::form::FormField {
                    name: "attestations".into(),
                    value: json,
                });
            }
            Err(e) => {
                eprintln!("error: {e}");
                eprintln!("error: nothing was uploaded");
                return Err(EXIT_CHECK_FAILED);
            }
        }
    }
    Ok(())
}

/// Writes `doc` to a new file `path` as compact JSON; an existing `path` is never replaced,
/// and a failed write leaves no partial file.
fn write_new(path: &std::path::Path, doc: &serde_json::Value) -> io::Result<()> {
    let bytes = serde_json::to_vec(doc).map_err(io::Error::other)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let written = file.write_all(&bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        drop(file);
        let _ = std::fs::remove_file(path);
    }
    written
}
