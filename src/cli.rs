//! The command-line interface: clap definitions only, one struct per subcommand.
//!
//! What each subcommand does lives in [`crate::commands`]; this module only says what a user
//! may type, and `--help` is generated from the doc comments here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A fast, safe, trusted-publishing-first uploader for Python distributions.
///
/// hoist checks wheels and sdists offline exactly as PyPI's upload endpoint would, and
/// uploads them, with trusted publishing in CI.
#[derive(Debug, Parser)]
#[command(name = "hoist", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check wheels and sdists offline for everything PyPI would reject.
    Check(CheckArgs),
    /// Upload distributions to PyPI or another index (a drop-in for `twine upload`).
    Upload(Box<UploadArgs>),
    /// Explain a check rule: what it does, why, and how to fix it (`hoist explain M012`).
    #[command(alias = "rule")]
    Explain(ExplainArgs),
    /// Find the long-lived PyPI tokens a project still depends on (committed tokens, CI
    /// secrets, .pypirc passwords) and the trusted publishers that replace them.
    Audit(AuditArgs),
    /// Work with PyPI API tokens offline (`hoist token inspect`).
    Token(TokenArgs),
    /// Run inside a CI job: show the identity it presents and the trusted publisher to
    /// register on PyPI for it, without uploading anything.
    Publisher(PublisherArgs),
    /// Write an HTML page showing the description as PyPI will show it, with what PyPI shows
    /// broken marked (`hoist preview dist/demo-1.0-py3-none-any.whl --open`).
    Preview(PreviewArgs),
}

/// Arguments of `hoist preview`.
#[derive(Debug, Args)]
#[command(
    after_help = "The page is one self-contained HTML file: no script, no web font, nothing fetched \
except the description's own absolute images. Images PyPI shows broken are not loaded but \
replaced by a marked box. Exit status: 0 written, 1 the file could not be read or written, \
2 usage error."
)]
pub struct PreviewArgs {
    /// A wheel, an sdist, or a README file (its format from --content-type or its extension).
    pub file: std::path::PathBuf,
    /// The description's format: text/markdown, text/x-rst or text/plain. Overrides the
    /// distribution's Description-Content-Type; for a README, defaults from .md/.rst/.txt.
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    /// Where to write the page [default: <temporary directory>/hoist-preview/<FILE name>.html].
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<std::path::PathBuf>,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
}

/// When `hoist upload` uses trusted publishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TrustedPublishing {
    /// Use the CI job's identity unless a password or token was given by flag, environment or
    /// URL; it ranks above .pypirc and the keyring. Outside CI, nothing is asked.
    #[default]
    Auto,
    /// Use the CI job's identity or fail.
    Always,
    /// Never use it.
    Never,
}

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Readable text, coloured on a terminal.
    #[default]
    Human,
    /// One JSON document on stdout, for CI and scripts.
    Json,
}

/// Arguments of `hoist check`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when every file passes, 1 when any file fails, 2 for usage errors.\n\
With GITHUB_ACTIONS=true, every diagnostic is also written as a ::error or ::warning annotation."
)]
pub struct CheckArgs {
    /// Distributions to check (wheels and .tar.gz sdists). Quoted globs are expanded by hoist.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<String>,

    /// Treat warnings as failures (twine's meaning of --strict).
    #[arg(long)]
    pub strict: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Largest file PyPI accepts, in bytes. PyPI's default is 100 MiB; projects can be granted more.
    #[arg(long, value_name = "BYTES", default_value_t = crate::check::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,

    /// Turn off a warning rule, by code or name (`P003`, `removed-html`); repeat it or separate
    /// rules with commas. Error rules cannot be turned off: PyPI rejects those files.
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = ignored_rule)]
    pub ignore: Vec<&'static crate::check::Rule>,
}

/// Parses a rule for `--ignore`: a known warning rule, by code or name.
fn ignored_rule(query: &str) -> Result<&'static crate::check::Rule, String> {
    let rule = crate::check::rules::find(query.trim())
        .ok_or_else(|| format!("no rule `{query}`; `hoist explain` lists them"))?;
    if rule.severity == crate::check::Severity::Error {
        return Err(format!(
            "{} ({}) is an error: PyPI rejects such files, so it cannot be ignored",
            rule.code, rule.name
        ));
    }
    Ok(rule)
}

/// Arguments of `hoist upload`. Flags, `TWINE_*` variables and `.pypirc` work as in twine;
/// each `TWINE_X` variable also exists as `HOIST_X`, which wins. Precedence: flag, then
/// `HOIST_*`, then `TWINE_*`, then `.pypirc`, then the default.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when every file was uploaded or skipped as already present, 1 when any \
file failed or was not attempted, 2 for usage or configuration errors (bad arguments, bad .pypirc, missing \
credentials in non-interactive mode), 3 when the pre-upload check rejected a file (nothing was sent).\n\n\
Environment: HOIST_REPOSITORY/TWINE_REPOSITORY, HOIST_REPOSITORY_URL/TWINE_REPOSITORY_URL, \
HOIST_USERNAME/TWINE_USERNAME, HOIST_PASSWORD/TWINE_PASSWORD, HOIST_CERT/TWINE_CERT, \
HOIST_NON_INTERACTIVE/TWINE_NON_INTERACTIVE, HOIST_TRUSTED_PUBLISHING, and the proxy variables HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY."
)]
pub struct UploadArgs {
    /// Distributions to upload. Quoted globs are expanded by hoist. Wheels are uploaded before
    /// sdists; `*.asc` and `*.attestation` files are never uploaded as distributions.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<String>,

    /// The repository to upload to: `pypi`, `testpypi`, or a section of `.pypirc`.
    #[arg(short = 'r', long, value_name = "NAME")]
    pub repository: Option<String>,

    /// The upload URL, overriding --repository; `.pypirc` is then not read.
    #[arg(long, value_name = "URL")]
    pub repository_url: Option<String>,

    /// The username (`__token__` for API tokens, the default on PyPI and TestPyPI).
    #[arg(short = 'u', long, value_name = "USERNAME")]
    pub username: Option<String>,

    /// The password or API token. Prefer HOIST_PASSWORD / TWINE_PASSWORD: flags show up in
    /// process listings and shell history.
    #[arg(short = 'p', long, value_name = "PASSWORD")]
    pub password: Option<String>,

    /// Never prompt; fail when a credential is missing (also HOIST_/TWINE_NON_INTERACTIVE).
    #[arg(long)]
    pub non_interactive: bool,

    /// Trusted publishing: in a CI job with an OIDC identity (GitHub Actions with
    /// `id-token: write`, GitLab `id_tokens`, Google Cloud), mint a short-lived upload token
    /// instead of using a stored one.
    #[arg(long, value_enum, value_name = "WHEN", env = "HOIST_TRUSTED_PUBLISHING", default_value_t = TrustedPublishing::Auto)]
    pub trusted_publishing: TrustedPublishing,

    /// Treat files the index already has as skipped, not failed, so a rerun completes a release.
    #[arg(long)]
    pub skip_existing: bool,

    /// The `.pypirc` file to read (default `~/.pypirc`).
    #[arg(long, value_name = "PATH")]
    pub config_file: Option<PathBuf>,

    /// A CA bundle (PEM) to verify the index's certificate with, instead of the system roots.
    #[arg(long, value_name = "PATH")]
    pub cert: Option<PathBuf>,

    /// A PEM file holding the client certificate and its key, for indexes that require mTLS.
    #[arg(long, value_name = "PATH")]
    pub client_cert: Option<PathBuf>,

    /// A comment to store with each uploaded file.
    #[arg(short = 'c', long, value_name = "TEXT")]
    pub comment: Option<String>,

    /// Print more about what happens (credential sources, each request and response). Secrets
    /// are never printed.
    #[arg(long)]
    pub verbose: bool,

    /// Do not list the check's warnings (files PyPI accepts, with something likely wrong: a
    /// dropped License-File, no description) before uploading.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Do not draw progress bars (they are also off when stderr is not a terminal).
    #[arg(long)]
    pub disable_progress_bar: bool,

    /// Upload the PEP 740 attestations beside each distribution (`F.*.attestation` for a file
    /// `F`), after checking each one locally. PyPI accepts them only with trusted publishing.
    #[arg(long)]
    pub attestations: bool,

    /// Make a PEP 740 attestation for each distribution and upload it with the file: signed
    /// keyless with Sigstore (a Fulcio certificate, a Rekor v1 entry) by this CI job's
    /// identity, the one trusted publishing uses, and written to `F.publish.attestation`.
    /// Needs trusted publishing; `HOIST_SIGSTORE_FULCIO_URL` / `HOIST_SIGSTORE_REKOR_URL`
    /// choose another Sigstore instance.
    #[arg(long)]
    pub attest: bool,

    /// Check every file and build every request, then print what would be sent; send nothing.
    /// Needs no credentials.
    #[arg(long)]
    pub dry_run: bool,

    /// Upload this many wheels at once (sdists always go last, after every wheel).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub jobs: u16,

    /// How many times to retry a file after a transport error, a 5xx, 408 or 429 (with
    /// exponential backoff and jitter, honouring Retry-After).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,

    /// Upload even if `hoist check` finds errors (PyPI will probably refuse the file).
    #[arg(long)]
    pub no_check: bool,

    /// Read each file twice: hash first, then send the digests before the file, for indexes
    /// that need them before the content.
    #[arg(long)]
    pub digests_first: bool,

    /// Output format of the final report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Largest file the index accepts, in bytes (for the pre-upload check).
    #[arg(long, value_name = "BYTES", default_value_t = crate::check::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,

    /// Turn off a warning rule of the pre-upload check, as `hoist check --ignore` does.
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = ignored_rule)]
    pub ignore: Vec<&'static crate::check::Rule>,

    /// Accepted for twine compatibility and ignored: PyPI has ignored PGP signatures since 2023.
    #[arg(short = 's', long, hide = true)]
    pub sign: bool,

    /// Accepted for twine compatibility and ignored.
    #[arg(long, value_name = "PROG", hide = true)]
    pub sign_with: Option<String>,

    /// Accepted for twine compatibility and ignored.
    #[arg(short = 'i', long, value_name = "ID", hide = true)]
    pub identity: Option<String>,
}

/// Arguments of `hoist explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`M012`) or name (`summary-too-long`). Without one, lists every rule.
    pub rule: Option<String>,
}

/// How an audit report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum AuditFormat {
    /// Readable text grouped by severity, coloured on a terminal.
    #[default]
    Human,
    /// One JSON document on stdout, for CI and scripts.
    Json,
    /// SARIF 2.1.0 on stdout, for GitHub code scanning (`github/codeql-action/upload-sarif`).
    Sarif,
}

/// The lowest severity that makes `hoist audit` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    /// Only a live token committed and still present at HEAD.
    Critical,
    /// Any committed token (any scope), a workflow or pipeline using a stored token, a
    /// committed .pypirc password.
    #[default]
    High,
    /// Also: uncommitted .pypirc passwords, publishing jobs missing the OIDC permission.
    Medium,
    /// Also: expired tokens and strings shaped like tokens that do not decode.
    Low,
    /// Any finding at all.
    Info,
    /// Never fail (exit 0 whatever is found).
    Never,
}

/// Arguments of `hoist audit`.
#[derive(Debug, Args)]
#[command(
    after_help = "Scans the work tree and every commit on every ref (each blob once) for PyPI \
tokens, reads GitHub workflows, .gitlab-ci.yml and .pypirc files for stored credentials, and prints \
the trusted publisher that replaces each.\n\n\
Suppress a false positive with a `hoist-audit: ignore` (or `hoist-audit: ignore[AUD001]`) comment on \
the line or the line above, or an entry in .hoist-audit-ignore (`AUD001 fingerprint:HEX`, \
`AUD101 path/glob`, `* path:LINE`).\n\n\
With --github / --gitlab (put PATH before them, or write --github=OWNER/REPO), it also lists the \
secrets stored in the CI settings, finds those no workflow on any ref uses any more (AUD105) and \
ends with the checklist to retire them.\n\n\
Exit status: 0 when nothing is at or above --fail-on, 1 when something is, 2 for usage errors \
(bad arguments, an unreadable path or ignore file, git failing, CI settings that cannot be read)."
)]
pub struct AuditArgs {
    /// The repository (or any directory inside it) to audit.
    #[arg(default_value = ".", value_name = "PATH")]
    pub path: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,

    /// Exit 1 when any finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High, value_name = "SEVERITY")]
    pub fail_on: FailOn,

    /// Do not scan the git history, only the work tree and the CI configuration.
    #[arg(long)]
    pub no_history: bool,

    /// Skip blobs and files larger than this many bytes (they are listed in the notes).
    #[arg(long, value_name = "BYTES", default_value_t = crate::audit::DEFAULT_MAX_BLOB_SIZE)]
    pub max_blob_size: u64,

    /// Read suppressions from this file instead of PATH/.hoist-audit-ignore.
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,

    /// Also list suppressed findings in the human report (JSON and SARIF always include them).
    #[arg(long)]
    pub show_suppressed: bool,

    /// Also read the Actions secrets stored in GitHub (repository, environments, organisation
    /// secrets shared with it; names and dates only) and report those no workflow uses any more.
    /// OWNER/REPO defaults to the git remote. Credential: GH_TOKEN, GITHUB_TOKEN or
    /// `gh auth token`; API: HOIST_GITHUB_API_URL, else api.github.com or the remote's host.
    #[arg(long, value_name = "OWNER/REPO", num_args = 0..=1, default_missing_value = "")]
    pub github: Option<String>,

    /// Also read the CI/CD variables stored in GitLab (project and its groups) and report those
    /// no pipeline uses any more. NAMESPACE/PROJECT defaults to the git remote. Credential:
    /// GITLAB_TOKEN (read_api), else CI_JOB_TOKEN; instance: HOIST_GITLAB_URL, else the remote's.
    #[arg(long, value_name = "NAMESPACE/PROJECT", num_args = 0..=1, default_missing_value = "")]
    pub gitlab: Option<String>,
}

/// Arguments of `hoist token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// Subcommands of `hoist token`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Decode a PyPI API token offline: index, token id, kind and projects, expiry.
    ///
    /// The token is read from standard input by default, so that it stays out of shell
    /// history (`hoist token inspect < token.txt`, or paste it and press Enter). It is never
    /// printed: only its first 12 characters and a SHA-256 fingerprint are shown.
    Inspect(TokenInspectArgs),
}

/// Arguments of `hoist token inspect`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when the token decodes, 1 when it does not, 2 for usage errors \
(no token given)."
)]
pub struct TokenInspectArgs {
    /// The token, or `-` (the default) to read it from standard input. A token given here is
    /// kept in your shell history: prefer standard input.
    #[arg(value_name = "TOKEN|-")]
    pub token: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Arguments of `hoist publisher`.
#[derive(Debug, Args)]
#[command(
    after_help = "Run it as a step of the CI job that will publish: it asks the CI for an OIDC \
token (as an upload would), prints the claims the index matches and the exact trusted publisher \
form to fill in, and mints nothing. On GitHub Actions the report also goes to the job summary.\n\n\
Exit status: 0 when the identity was read, 1 when the job has none (the message says what to \
change), 2 for usage errors."
)]
pub struct PublisherArgs {
    /// The repository the publisher is for: `pypi`, `testpypi`, or a section of `.pypirc`.
    #[arg(short = 'r', long, value_name = "NAME")]
    pub repository: Option<String>,

    /// The upload URL of the index, overriding --repository.
    #[arg(long, value_name = "URL")]
    pub repository_url: Option<String>,

    /// The `.pypirc` file to read (default `~/.pypirc`).
    #[arg(long, value_name = "PATH")]
    pub config_file: Option<PathBuf>,

    /// A CA bundle (PEM) to verify the index's certificate with.
    #[arg(long, value_name = "PATH")]
    pub cert: Option<PathBuf>,

    /// A project to link the publisher settings page of (repeatable).
    #[arg(long = "project", value_name = "NAME")]
    pub projects: Vec<String>,
}
