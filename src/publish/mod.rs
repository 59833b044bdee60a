//! The publish pipeline: "upload these files" as phases run in order, each a function in a
//! file of its own with its own error type, so a message always says which file and which step
//! failed (the shape of uv's `uv-publish`, one module per phase):
//!
//! 1. [`collect`]: the files the arguments name (glob expansion, companion files set aside).
//! 2. [`prepare`]: check every file offline and build its upload form; nothing is sent when
//!    PyPI would reject a file.
//! 3. attestations found beside the files, checked locally ([`crate::attest::publish`]).
//! 4. [`target`]: the index to upload to, and what `--verbose` says about it.
//! 5. [`plan`]: with `--dry-run`, the requests that would be sent; the pipeline stops here.
//! 6. [`credentials`]: trusted publishing first, else the password or token found the twine
//!    way.
//! 7. `--attest`: sign with Sigstore ([`crate::attest::publish::sign_all`]).
//! 8. [`send`]: the upload itself ([`crate::upload`]), wheels before sdists.
//!
//! It may use every library module below it (`inputs`, `check`, `upload`, `auth`, `attest`,
//! `digest`, `retry`), never `output` or `commands`: it prints nothing itself. What a person
//! sees goes through a [`Frontend`] the caller supplies (the CLI's is in
//! `crate::output::publish`), and the result comes back as a [`Published`] for the caller to
//! render.

use std::sync::Arc;

use crate::attest::{self, publish::PublishAttestError};
use crate::auth::Inputs;
use crate::auth::oidc::{Policy, SharedEnv, Sink};
use crate::check::FileReport;
use crate::upload::{self, FileResult, progress};

pub mod collect;
pub mod credentials;
pub mod plan;
pub mod prepare;
pub mod send;
pub mod target;

pub use collect::CollectError;
pub use credentials::CredentialError;
pub use plan::{PlanError, PlannedRequest};
pub use prepare::PrepareError;
pub use send::SendError;
pub use target::TargetError;

/// Everything the pipeline needs, resolved from the command line (or set by a library user).
#[derive(Clone)]
pub struct Options {
    /// The file arguments: paths or glob patterns.
    pub files: Vec<String>,
    /// The offline check's settings.
    pub check: crate::check::Options,
    /// Upload even when the check rejects a file (`--no-check`).
    pub no_check: bool,
    /// The `comment` form field (`--comment`).
    pub comment: Option<String>,
    /// Where to upload and the credentials given.
    pub inputs: Inputs,
    /// Whether trusted publishing is tried (`--trusted-publishing`).
    pub policy: Policy,
    /// Upload the attestation files found beside each distribution (`--attestations`).
    pub attestations: bool,
    /// Sign each distribution with Sigstore first (`--attest`).
    pub attest: bool,
    /// Stop before anything is sent, with the requests that would be (`--dry-run`).
    pub dry_run: bool,
    /// Extra lines about the target and the credentials (`--verbose`).
    pub verbose: bool,
    /// How the files are sent (`--skip-existing`, `--jobs`, retries, timeouts).
    pub upload: upload::Options,
    /// A first Ctrl-C stops new files and a second exits the process (the CLI); off, the run
    /// is never interrupted (a library caller, a test).
    pub handle_ctrl_c: bool,
    /// The environment the pipeline reads (`HOIST_*`, `TWINE_*`, CI variables).
    pub env: SharedEnv,
}

impl Options {
    /// What the attestation steps are asked to do.
    fn wanted(&self) -> attest::publish::Wanted {
        attest::publish::Wanted {
            attestations: self.attestations,
            attest: self.attest,
            retries: self.upload.retry.retries,
        }
    }
}

/// What a person sees while the pipeline runs. The CLI's writes to stderr; a test may collect.
pub trait Frontend: Send + Sync {
    /// A line of progress or advice (`note: `, `warning: `, `Uploading ...`).
    fn note(&self, line: &str);
    /// The check rejected files and nothing is sent: the full check report.
    fn check_refused(&self, reports: &[FileReport]);
    /// The files pass; these are their warnings.
    fn check_warnings(&self, reports: &[FileReport]);
    /// A trusted-publishing failure: a warning when the upload goes on with a stored
    /// password, an error when it stops (in CI also an annotation and the job summary).
    fn ci_failure(&self, text: &str, as_warning: bool);
    /// Where a secret goes to be masked in the CI log, when the CI masks.
    fn mask_sink(&self) -> Option<Sink>;
    /// The progress reporter for sending `files` files of `total` bytes.
    fn progress(&self, total: u64, files: usize) -> Arc<dyn progress::Reporter>;
}

/// What the pipeline did.
#[derive(Debug)]
pub enum Published {
    /// `--dry-run`: the requests that would have been sent.
    Planned(Vec<PlannedRequest>),
    /// The files were sent (or skipped, failed, not attempted: see each result).
    Sent(Sent),
}

/// The outcome of the sending phase.
#[derive(Debug)]
pub struct Sent {
    /// The upload URL.
    pub url: String,
    /// One result per file, in the order sent.
    pub results: Vec<FileResult>,
    /// The project pages of the releases uploaded to, when the index has them.
    pub view_at: Vec<String>,
    /// Ctrl-C stopped the run early.
    pub interrupted: bool,
}

impl Sent {
    /// Whether every file is on the index (uploaded, or skipped as already there).
    pub fn complete(&self) -> bool {
        self.results.iter().all(|r| {
            matches!(
                r.outcome,
                upload::Outcome::Uploaded { .. } | upload::Outcome::Skipped { .. }
            )
        })
    }
}

/// Which phase stopped the pipeline, and why.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Collect(#[from] CollectError),
    #[error(transparent)]
    Prepare(#[from] PrepareError),
    #[error(transparent)]
    Attest(#[from] PublishAttestError),
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    #[error(transparent)]
    Send(#[from] SendError),
}

/// How an [`Error`] ends the run, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Bad arguments or configuration, before anything was sent.
    Usage,
    /// The check refused a file, or an attestation does not fit: nothing was sent.
    Refused,
    /// A step failed (signing, writing an attestation): nothing was sent.
    Failed,
}

impl Error {
    /// How this error ends the run.
    pub fn stop(&self) -> Stop {
        match self {
            Error::Prepare(_) => Stop::Refused,
            Error::Attest(PublishAttestError::Usage(_)) => Stop::Usage,
            Error::Attest(PublishAttestError::Invalid(_)) => Stop::Refused,
            Error::Attest(_) => Stop::Failed,
            _ => Stop::Usage,
        }
    }

    /// Whether the message was already shown through [`Frontend::ci_failure`].
    pub fn already_reported(&self) -> bool {
        matches!(self, Error::Credentials(CredentialError::Reported))
    }
}

/// Runs the pipeline: every phase in order, stopping before the send with `--dry-run`.
///
/// Errors: the first phase that fails, with its file and step; nothing was sent then.
pub fn run(options: &Options, frontend: Arc<dyn Frontend>) -> Result<Published, Error> {
    let fe = frontend.as_ref();
    let paths = collect::collect(&options.files, fe)?;
    let mut prepared = prepare::check_and_prepare(&paths, options, fe)?;
    let note = |line: &str| fe.note(line);
    let attested =
        attest::publish::attach_companions(&mut prepared, options.wanted(), &options.env, &note)?;
    let target = target::resolve(options, &prepared, fe)?;
    if options.dry_run {
        if options.attest
            && let Some(why) = credentials::attest_unavailable(options, &target)
        {
            fe.note(&format!(
                "warning: --attest: a real run would refuse, because {why}"
            ));
        }
        return Ok(Published::Planned(plan::plan(
            &prepared,
            &target,
            options.upload.digests_first,
        )?));
    }
    target::allows_credentials(&target)?;
    let session = send::Session::open(&target)?;
    let chosen = credentials::choose(options, &target, &prepared, &session, &frontend)?;
    credentials::check_for_attestations(&target, &chosen, attested, &session)?;
    if options.attest {
        let tp = credentials::signer(&chosen, &session)?;
        attest::publish::sign_all(
            options.wanted(),
            &mut prepared,
            tp,
            &session.runtime,
            &options.env,
            &note,
        )?;
    }
    Ok(Published::Sent(send::send(
        options, &target, session, chosen, prepared, fe,
    )))
}

/// The environment variable `name` read through `env`, parsed as milliseconds.
pub(crate) fn millis_from_env(env: &SharedEnv, name: &str) -> Option<std::time::Duration> {
    env(name)
        .and_then(|v| v.parse::<u64>().ok())
        .map(std::time::Duration::from_millis)
}

/// `auth`'s environment reader over the shared one.
pub(crate) fn env_fn(env: &SharedEnv) -> impl Fn(&str) -> Option<String> + '_ {
    move |k| env(k)
}
