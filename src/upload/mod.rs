//! Uploading distributions, in phases with their own modules:
//! - preparing a file: its form ([`form`]) and streamed body ([`multipart`]);
//! - sending it: the client ([`client`]), one attempt with its stall watchdog (`attempt`),
//!   what each answer means (`answer`: already exists, expired token, retry, final), and
//!   retries ([`retry`]);
//! - knowing what the index already has ([`existing`]);
//! - credentials from a [`CredentialSource`], asked before each file: a trusted-publishing
//!   token is renewed there when it is about to expire, and once more when the index answers
//!   403 because it has (`Invalid API Token: token is expired`);
//! - telling the user ([`progress`]).
//!
//! Wheels go first (in parallel with `--jobs`), then sdists, so an sdist never appears
//! alone while wheels are still missing. After a failure no new file is started, and the
//! report says which files were not attempted: a rerun with `--skip-existing` completes the
//! release.

mod answer;
mod attempt;
pub mod client;
pub mod existing;
pub mod form;
mod hints;
pub mod multipart;
pub mod progress;
pub mod retry;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::header::{ACCEPT, LOCATION};
use reqwest::{Client, Url};

use crate::auth::{CredentialSource, Credentials, Fixed, Target};
use crate::check::Dist;
use crate::check::MetadataState;
use crate::digest::Digests;
use crate::dist::filename::FileType;
use existing::Listing;
use form::FormField;
use multipart::MultipartBody;
use progress::Reporter;

/// One file, ready to upload.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub path: PathBuf,
    pub filename: String,
    pub file_type: FileType,
    pub name: String,
    pub version: String,
    pub size: u64,
    /// `--comment`, sent in the form.
    pub comment: Option<String>,
    /// Fields this run adds after the check (the `attestations` field), sent after the
    /// form's own.
    pub extra_fields: Vec<FormField>,
    /// SHA-256 of the form the check judged. The form itself is not kept between the check
    /// and the send (with thousands of files, every description would stay in memory):
    /// [`Prepared::fields`] builds it again from the file and compares.
    form_sha256: [u8; 32],
    /// The file's digests when this run already computed them (`--attest`,
    /// `--attestations`): the upload sends them instead of hashing the file again.
    pub digests: Option<Digests>,
}

/// Why a file cannot be prepared for upload.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("{0}: not a wheel or sdist")]
    NotADistribution(String),
    #[error("{0}: its metadata cannot be read, so there is nothing to build the upload form from")]
    NoMetadata(String),
    #[error(
        "{0}: its metadata changed after the check, so it was not sent; run the upload again to check and send the new file"
    )]
    Changed(String),
}

/// The leading form fields for `dist` (what [`form::leading_fields`] sends before the file).
fn form_of(dist: &Dist, comment: Option<&str>) -> Result<Vec<FormField>, PrepareError> {
    let ext = dist
        .extension
        .as_ref()
        .ok_or_else(|| PrepareError::NotADistribution(dist.filename.clone()))?;
    let MetadataState::Parsed { metadata, .. } = &dist.metadata else {
        return Err(PrepareError::NoMetadata(dist.filename.clone()));
    };
    let pyversion = match (&ext.file_type, &dist.wheel_name) {
        (FileType::Wheel, Some(Ok(w))) => w.pyversion(),
        (FileType::Wheel, _) => "any".to_string(),
        (FileType::Sdist, _) => "source".to_string(),
    };
    Ok(form::leading_fields(
        metadata,
        ext.file_type,
        &pyversion,
        comment,
    ))
}

/// SHA-256 over the fields, each name and value length-prefixed (so no two forms collide by
/// moving bytes between fields).
fn form_sha256(fields: &[FormField]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for f in fields {
        for part in [&f.name, &f.value] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    h.finalize().into()
}

/// Builds the upload form for a file that `check` has read, and keeps its digest.
///
/// Errors: [`PrepareError::NotADistribution`], [`PrepareError::NoMetadata`].
pub fn prepare(dist: &Dist, comment: Option<&str>) -> Result<Prepared, PrepareError> {
    let fields = form_of(dist, comment)?;
    let ext = dist
        .extension
        .as_ref()
        .ok_or_else(|| PrepareError::NotADistribution(dist.filename.clone()))?;
    let value = |name: &str| dist.metadata_value(name).unwrap_or("").to_string();
    Ok(Prepared {
        path: dist.path.clone(),
        filename: dist.filename.clone(),
        file_type: ext.file_type,
        name: value("name"),
        version: value("version"),
        size: dist.size.unwrap_or(0),
        comment: comment.map(str::to_string),
        extra_fields: Vec::new(),
        form_sha256: form_sha256(&fields),
        digests: None,
    })
}

impl Prepared {
    /// The form to send before the file: its metadata fields, read again from the file
    /// ([`Dist::read_metadata`]: the metadata member only), then [`Prepared::extra_fields`].
    ///
    /// Errors: [`PrepareError::Changed`] when the form read now differs from the one the check
    /// judged (the file was replaced in between), or the errors of [`prepare`] when the file
    /// can no longer be read.
    pub fn fields(&self) -> Result<Vec<FormField>, PrepareError> {
        let dist = Dist::read_metadata(&self.path);
        let mut fields = form_of(&dist, self.comment.as_deref())?;
        if form_sha256(&fields) != self.form_sha256 {
            return Err(PrepareError::Changed(self.filename.clone()));
        }
        fields.extend(self.extra_fields.iter().cloned());
        Ok(fields)
    }
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Uploaded {
        attempts: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Skipped {
        reason: String,
    },
    Failed {
        #[serde(skip_serializing_if = "Option::is_none")]
        http_status: Option<u16>,
        /// The server's reason phrase verbatim, or what went wrong on the way.
        reason: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<String>,
        attempts: u32,
    },
    NotAttempted {
        reason: String,
    },
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Uploaded { .. } => "uploaded",
            Outcome::Skipped { .. } => "skipped",
            Outcome::Failed { .. } => "failed",
            Outcome::NotAttempted { .. } => "not attempted",
        }
    }
}

/// The result for one file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileResult {
    pub path: PathBuf,
    pub filename: String,
    pub name: String,
    pub version: String,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digests: Option<Digests>,
    #[serde(flatten)]
    pub outcome: Outcome,
    pub elapsed_ms: u64,
}

/// Settings for an upload run.
#[derive(Debug, Clone)]
pub struct Options {
    pub skip_existing: bool,
    pub jobs: usize,
    pub digests_first: bool,
    pub retry: retry::Policy,
    /// How long the upload may make no progress before the attempt is abandoned.
    pub stall_timeout: Duration,
    /// How long to wait for the answer once the whole file is sent.
    pub response_timeout: Duration,
    pub verbose: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            skip_existing: false,
            jobs: 1,
            digests_first: false,
            retry: retry::Policy::default(),
            stall_timeout: Duration::from_secs(60),
            response_timeout: Duration::from_secs(600),
            verbose: false,
        }
    }
}

impl Options {
    /// These options with what the environment tunes: `HOIST_RETRY_BASE_MS` (the first
    /// backoff step, in milliseconds) and the stall limit of [`crate::retry::stall_from_env`],
    /// which bounds both a stalled send and the wait for the answer.
    pub fn tuned_by_env(mut self, env: &dyn Fn(&str) -> Option<String>) -> Options {
        if let Some(ms) = env("HOIST_RETRY_BASE_MS").and_then(|v| v.parse::<u64>().ok()) {
            self.retry.base = Duration::from_millis(ms);
        }
        if let Some(stall) = crate::retry::stall_from_env(env) {
            self.stall_timeout = stall;
            self.response_timeout = stall;
        }
        self
    }
}

/// What the index's simple API says about a file, compared with the local bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OnIndex {
    /// Listed with the same sha256.
    Same,
    /// Listed with another sha256.
    Different(String),
    /// Listed, but the index shows no hash.
    ListedWithoutHash,
    Absent,
    /// No simple-API page could be read.
    Unknown,
}

/// A project's simple-API page and when its reading started, once read.
type ListingCell = tokio::sync::Mutex<Option<(String, Instant)>>;

/// What one simple-API GET came to.
#[derive(Debug)]
enum Fetched {
    Page(String),
    /// The index has no such project.
    NotThere,
    Redirect(Option<String>),
    /// No page: the retries ran out, or the index refused (401, 403...).
    Unreadable,
}

/// The hint for a failure after which the file may nevertheless be on the index.
const MAY_HAVE_LANDED: &str = "An earlier attempt sent the whole file, so it may be on the index although hoist could not confirm it: check the index, then rerun with --skip-existing.";

/// A duration for a message: `60s`, or `1.5s` when it is not whole seconds.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

/// The hint for a file whose whole body went out but that the index does not confirm:
/// "unconfirmed" when its listing could not be read at all.
fn landed_hint(found: &OnIndex) -> String {
    match found {
        OnIndex::Unknown => format!(
            "Unconfirmed: the index's simple page could not be read, even with retries. {MAY_HAVE_LANDED}"
        ),
        OnIndex::Absent => "The index does not list it, asked again after a pause: it did not land. Rerun with --skip-existing.".to_string(),
        _ => MAY_HAVE_LANDED.to_string(),
    }
}

/// Uploads files to one index.
pub struct Uploader {
    client: Client,
    target: Target,
    credentials: Option<Arc<dyn CredentialSource>>,
    options: Options,
    reporter: Arc<dyn Reporter>,
    stop: AtomicBool,
    /// Set by [`Uploader::interrupt`] (Ctrl-C): no new file, no new retry.
    interrupted: AtomicBool,
    interrupt_notify: tokio::sync::Notify,
    /// Simple-API pages read, by project ("" for a project the index does not have).
    /// One cell per project, locked while it is read, so files of one project in flight
    /// together share one lookup.
    listings: std::sync::Mutex<HashMap<String, Arc<ListingCell>>>,
    /// Simple-index roots known to answer, so a 404 below them means "no such project".
    index_roots: tokio::sync::Mutex<HashMap<Url, bool>>,
}

const ACCEPT_VALUE: &str = "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7";
const BODY_LIMIT: usize = 64 * 1024;

fn describe_transport(e: &reqwest::Error) -> (String, bool) {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    let lower = text.to_ascii_lowercase();
    if let Some(plain) = unreachable(e, &lower) {
        return (plain, false);
    }
    let tls = lower.contains("certificate")
        || lower.contains("invalidcertificate")
        || lower.contains("unknownissuer");
    let retryable = !tls
        && (e.is_connect()
            || e.is_timeout()
            || e.is_request()
            || e.is_body()
            || lower.contains("connection")
            || lower.contains("reset")
            || lower.contains("broken pipe")
            || lower.contains("eof"));
    (text, retryable)
}

/// A connection that cannot be made and will not be in the next seconds, in plain words
/// (`cannot connect to 127.0.0.1:45519: connection refused`): nothing listens at the port, or
/// the host name does not exist. Retrying those only repeats the error chain; a DNS answer of
/// "try again" (EAI_AGAIN) is not one of them.
/// `chain` is the error and its sources, lower-cased, as [`describe_transport`] joins them.
fn unreachable(e: &reqwest::Error, chain: &str) -> Option<String> {
    if !e.is_connect() {
        return None;
    }
    let url = e.url()?;
    let host = url.host_str()?;
    let port = url
        .port_or_known_default()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    if chain.contains("connection refused") {
        return Some(format!(
            "cannot connect to {host}{port}: connection refused"
        ));
    }
    let unknown_host = chain.contains("dns error")
        && !chain.contains("temporary failure")
        && (chain.contains("not known")
            || chain.contains("no address associated")
            || chain.contains("nodename nor servname")
            || chain.contains("no such host"));
    unknown_host.then(|| format!("cannot find the host {host}: the name does not resolve"))
}

impl Uploader {
    pub fn new(
        client: Client,
        target: Target,
        credentials: Option<Credentials>,
        options: Options,
        reporter: Arc<dyn Reporter>,
    ) -> Uploader {
        let source = credentials.map(|c| Arc::new(Fixed(c)) as Arc<dyn CredentialSource>);
        Uploader::with_source(client, target, source, options, reporter)
    }

    /// An uploader whose credentials come from `source` (trusted publishing renews them).
    pub fn with_source(
        client: Client,
        target: Target,
        credentials: Option<Arc<dyn CredentialSource>>,
        options: Options,
        reporter: Arc<dyn Reporter>,
    ) -> Uploader {
        Uploader {
            client,
            target,
            credentials,
            options,
            reporter,
            stop: AtomicBool::new(false),
            interrupted: AtomicBool::new(false),
            interrupt_notify: tokio::sync::Notify::new(),
            listings: std::sync::Mutex::new(HashMap::new()),
            index_roots: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Removes every password or token from text that came from the server, in case it
    /// echoes one.
    fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        if let Some(source) = &self.credentials {
            for s in source.secrets() {
                out = s.scrub(&out);
            }
        }
        out
    }

    /// Whether a 403 says the token expired (PyPI: `Invalid API Token: token is expired`).
    fn says_expired(status: u16, reason: &str, text: &str) -> bool {
        status == 403
            && [reason, text]
                .iter()
                .any(|t| t.to_ascii_lowercase().contains("expired"))
    }

    /// Uploads every file: wheels first (`jobs` at a time), then sdists one by one. Results
    /// come back in the order of `files`' wheels, then sdists.
    pub async fn run(&self, files: Vec<Prepared>) -> Vec<FileResult> {
        let (wheels, sdists): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|p| p.file_type == FileType::Wheel);
        // Unordered, so that a slow file does not hold back the start of the next ones: `jobs`
        // files are always in flight. Each file's form is dropped when its upload ends.
        let mut numbered: Vec<(usize, FileResult)> = futures_util::stream::iter(wheels)
            .enumerate()
            .map(|(i, p)| async move { (i, self.upload_and_stop_on_failure(&p).await) })
            .buffer_unordered(self.options.jobs.max(1))
            .collect()
            .await;
        numbered.sort_unstable_by_key(|(i, _)| *i);
        let mut results: Vec<FileResult> = numbered.into_iter().map(|(_, r)| r).collect();
        for p in sdists {
            results.push(self.upload_and_stop_on_failure(&p).await);
        }
        results
    }

    /// One file; after any failure, no new file starts (files in flight finish).
    async fn upload_and_stop_on_failure(&self, p: &Prepared) -> FileResult {
        let result = self.upload_one(p).await;
        if matches!(result.outcome, Outcome::Failed { .. }) {
            self.stop.store(true, Ordering::SeqCst);
        }
        result
    }

    fn result(
        &self,
        p: &Prepared,
        outcome: Outcome,
        digests: Option<Digests>,
        start: Instant,
    ) -> FileResult {
        FileResult {
            path: p.path.clone(),
            filename: p.filename.clone(),
            name: p.name.clone(),
            version: p.version.clone(),
            size: p.size,
            digests,
            outcome,
            elapsed_ms: start.elapsed().as_millis() as u64,
        }
    }

    async fn local_digests(&self, p: &Prepared) -> Option<Digests> {
        if p.digests.is_some() {
            return p.digests.clone();
        }
        let path = p.path.clone();
        tokio::task::spawn_blocking(move || crate::digest::digest_file(&path, false).ok())
            .await
            .ok()
            .flatten()
    }

    /// Looks the file up on the index's simple API: `None` when no page could be read, after
    /// the retries the policy allows (the file stays unconfirmed). A project the index does not
    /// have reads as an empty page: the file is absent.
    /// With `not_before`, a page read earlier is read again (files confirmed together share
    /// the new read).
    async fn lookup(
        &self,
        p: &Prepared,
        creds: Option<&Credentials>,
        not_before: Option<Instant>,
    ) -> Option<Listing> {
        let cell = self.listing_cell(&p.name);
        let mut page = cell.lock().await;
        let stale = match (&*page, not_before) {
            (None, _) => true,
            (Some((_, read_at)), Some(t)) => *read_at < t,
            (Some(_), None) => false,
        };
        if stale {
            let started = Instant::now();
            *page = Some((self.read_listing(&p.name, creds).await?, started));
        }
        page.as_ref()
            .map(|(text, _)| existing::find_in_page(text, &p.filename))
    }

    /// The cache cell of a project's page.
    fn listing_cell(&self, project: &str) -> Arc<ListingCell> {
        let mut map = self
            .listings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(project.to_string()).or_default().clone()
    }

    /// The project's simple-API page from the first candidate URL that gives one; an empty
    /// page when the index says it has no such project (404, 410, or a redirect to another
    /// host such as pypiserver's 303 to its fallback) at a URL whose index answers.
    async fn read_listing(&self, project: &str, creds: Option<&Credentials>) -> Option<String> {
        let mut unreadable = false;
        for url in existing::simple_urls(&self.target, project) {
            match self.fetch_simple(&url, creds, false).await {
                Fetched::Page(text) => return Some(text),
                Fetched::NotThere if !unreadable && self.index_answers(&url, creds).await => {
                    return Some(String::new());
                }
                Fetched::NotThere => {}
                Fetched::Unreadable | Fetched::Redirect(_) => unreadable = true,
            }
        }
        None
    }

    /// Whether the index above a project page (`…/simple/`) answers 2xx, so a 404 for the
    /// project means "no such project", not "wrong URL". PyPI's URLs are known; others are
    /// asked once (headers only) and remembered.
    async fn index_answers(&self, project_url: &Url, creds: Option<&Credentials>) -> bool {
        if self.target.kind != crate::auth::IndexKind::Other {
            return true;
        }
        let Ok(root) = project_url.join("../") else {
            return false;
        };
        let mut known = self.index_roots.lock().await;
        if let Some(ok) = known.get(&root) {
            return *ok;
        }
        let answer = self.fetch_simple(&root, creds, true).await;
        if matches!(answer, Fetched::Unreadable) {
            // Maybe a passing fault: ask again next time.
            return false;
        }
        let ok = matches!(answer, Fetched::Page(_));
        known.insert(root, ok);
        ok
    }

    /// One simple-API GET, retried with the upload's policy on a transport error, a 5xx, 408
    /// or 429 (honouring `Retry-After`), each try bounded by the stall limit. With
    /// `headers_only` (an index root) only whether it answers counts, not its body.
    async fn fetch_simple(
        &self,
        url: &Url,
        creds: Option<&Credentials>,
        headers_only: bool,
    ) -> Fetched {
        let mut current = url.clone();
        let mut redirects = 0;
        loop {
            let policy = self.options.retry;
            let lookup = crate::retry::run(
                &policy,
                |_| self.simple_get(&current, creds, headers_only),
                |n, error: &String, wait| {
                    self.reporter.note(&format!(
                        "looking up {current} failed ({error}); trying again in {:.1}s (retry {n} of {})",
                        wait.as_secs_f64(),
                        policy.retries
                    ))
                },
            );
            // Ctrl-C abandons a lookup (and its retry pauses): the file stays unconfirmed.
            let answer = tokio::select! {
                answer = lookup => answer,
                _ = self.until_interrupted() => return Fetched::Unreadable,
            };
            return match answer {
                Err(_) => Fetched::Unreadable,
                Ok(Fetched::Redirect(location)) => {
                    match location.and_then(|l| current.join(&l).ok()) {
                        // The same index moved the page (a name normalised, a slash added).
                        Some(n) if n.origin() == current.origin() && redirects < 3 => {
                            redirects += 1;
                            current = n;
                            continue;
                        }
                        // Another host (pypiserver's fallback to PyPI): not on this index.
                        Some(n) if n.origin() != current.origin() => Fetched::NotThere,
                        _ => Fetched::Unreadable,
                    }
                }
                Ok(found) => found,
            };
        }
    }

    /// One try of a simple-API GET.
    async fn simple_get(
        &self,
        url: &Url,
        creds: Option<&Credentials>,
        headers_only: bool,
    ) -> crate::retry::Step<Fetched, String> {
        use crate::retry::Step;
        let mut req = self
            .client
            .get(url.clone())
            .header(
                ACCEPT,
                "application/vnd.pypi.simple.v1+json, text/html;q=0.2",
            )
            .timeout(self.options.stall_timeout.min(Duration::from_secs(30)));
        if let Some(c) = creds
            && self.target.url.host() == url.host()
        {
            req = req.basic_auth(&c.username, Some(c.password.expose()));
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                return match describe_transport(&e) {
                    (error, true) => Step::Again {
                        error,
                        retry_after: None,
                    },
                    (error, false) => Step::Fail(error),
                };
            }
        };
        let status = resp.status().as_u16();
        let retry_after = crate::retry::retry_after_of(resp.headers());
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        match status {
            200..=299 if headers_only => Step::Done(Fetched::Page(String::new())),
            200..=299 => match resp.text().await {
                Ok(text) => Step::Done(Fetched::Page(text)),
                Err(e) => Step::Again {
                    error: describe_transport(&e).0,
                    retry_after: None,
                },
            },
            404 | 410 => Step::Done(Fetched::NotThere),
            300..=399 => Step::Done(Fetched::Redirect(location)),
            s if retry::retryable_status(s) => Step::Again {
                error: format!("{s} {}", resp.status().canonical_reason().unwrap_or("")),
                retry_after,
            },
            _ => Step::Done(Fetched::Unreadable),
        }
    }

    /// Uploads one file: its credentials, with `--skip-existing` a look at the index first,
    /// then attempts until an answer settles it (see `answer`).
    async fn upload_one(&self, p: &Prepared) -> FileResult {
        let start = Instant::now();
        if self.stop.load(Ordering::SeqCst) {
            let reason = if self.interrupted.load(Ordering::SeqCst) {
                "interrupted (Ctrl-C) before it started; rerun with --skip-existing to finish the release"
            } else {
                "an earlier file failed; rerun with --skip-existing to finish the release"
            };
            let outcome = Outcome::NotAttempted {
                reason: reason.into(),
            };
            return self.result(p, outcome, None, start);
        }
        let creds = match self.credentials_for().await {
            Ok(c) => c,
            Err(outcome) => {
                self.stop.store(true, Ordering::SeqCst);
                self.reporter.finish(&p.filename, outcome.label());
                return self.result(p, outcome, None, start);
            }
        };
        let mut run = answer::FileRun {
            p,
            creds,
            renewed: false,
            digests: None,
            url: self.target.url.clone(),
            attempts: 0,
            redirects: 0,
            maybe_landed: false,
        };
        // With --skip-existing, ask the index first: a rerun then sends nothing it already has.
        let outcome = match self.already_there(&mut run).await {
            Some(outcome) => outcome,
            None => self.send_file(&mut run).await,
        };
        self.reporter.finish(&p.filename, outcome.label());
        self.result(p, outcome, run.digests, start)
    }

    /// The credentials for the next file. `Err` is the file's outcome when there are none:
    /// nothing is sent.
    async fn credentials_for(&self) -> Result<Option<Credentials>, Outcome> {
        let Some(source) = &self.credentials else {
            return Ok(None);
        };
        match source.for_next_file().await {
            Ok(c) => Ok(Some(c)),
            Err(why) => Err(self.fail(
                None,
                self.scrub(&why),
                Some("No upload token: nothing was sent for this file.".into()),
                0,
            )),
        }
    }

    /// `--skip-existing`: the outcome when the index already lists the file (skipped, or
    /// failed when it holds other bytes under the same name).
    async fn already_there(&self, run: &mut answer::FileRun<'_>) -> Option<Outcome> {
        let p = run.p;
        if !self.options.skip_existing {
            return None;
        }
        let Some(Listing::Present { sha256 }) = self.lookup(p, run.creds.as_ref(), None).await
        else {
            return None;
        };
        run.digests = self.local_digests(p).await;
        let local = run.digests.as_ref().map(|d| d.sha256.clone());
        Some(match (sha256, local) {
            (Some(remote), Some(local)) if remote != local => self.fail(
                None,
                format!("a different {} is already on the index (its sha256 is {remote}, this file's is {local})", p.filename),
                Some("An index never replaces a file: build the release again with a new version number.".into()),
                0,
            ),
            (Some(_), Some(_)) => Outcome::Skipped { reason: "already on the index with the same sha256".into() },
            _ => Outcome::Skipped { reason: "already on the index (it shows no hash to compare)".into() },
        })
    }

    /// Sends the file until an answer settles it: each attempt, then what its answer means.
    async fn send_file(&self, run: &mut answer::FileRun<'_>) -> Outcome {
        let p = run.p;
        let body = match self.body_for(run).await {
            Ok(body) => body,
            Err(reason) => return self.fail(None, reason, None, 0),
        };
        if self.interrupted.load(Ordering::SeqCst) {
            // Ctrl-C came while the index was being asked: the upload never starts.
            return Outcome::NotAttempted {
                reason: "interrupted (Ctrl-C) before it started; rerun with --skip-existing to finish the release".into(),
            };
        }
        self.reporter.start(&p.filename, p.size);
        loop {
            run.attempts += 1;
            let attempt = self.attempt(&run.url, &body, p, run.creds.as_ref()).await;
            if let answer::Next::Done(outcome) = self.on_attempt(run, attempt).await {
                return outcome;
            }
        }
    }

    /// The multipart body: the form built again from the file ([`Prepared::fields`]), the
    /// digests before the file with `--digests-first` (hashed now), otherwise after it (hashed
    /// while sending, or known from an earlier step). Errors: why the form cannot be built.
    async fn body_for(&self, run: &mut answer::FileRun<'_>) -> Result<MultipartBody, String> {
        let p = run.p;
        let digests_first = if self.options.digests_first {
            if run.digests.is_none() {
                run.digests = self.local_digests(p).await;
            }
            run.digests.clone()
        } else {
            None
        };
        let fields = {
            let p = p.clone();
            tokio::task::spawn_blocking(move || p.fields())
                .await
                .map_err(|e| format!("{}: the form could not be built: {e}", run.p.filename))?
                .map_err(|e| e.to_string())?
        };
        let body = MultipartBody::new(
            &fields,
            p.path.clone(),
            &p.filename,
            p.size,
            digests_first,
            multipart::new_boundary(),
        );
        Ok(match &p.digests {
            Some(d) if !self.options.digests_first => body.with_known_digests(d.clone()),
            _ => body,
        })
    }

    /// Stops the run as Ctrl-C asks: no new file starts, and no file starts another attempt;
    /// attempts in flight finish.
    pub fn interrupt(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
        self.stop.store(true, Ordering::SeqCst);
        self.interrupt_notify.notify_waiters();
    }

    /// Waits before a retry; `false` when interrupted (before or during the wait).
    async fn pause(&self, wait: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(wait) => !self.interrupted.load(Ordering::SeqCst),
            _ = self.until_interrupted() => false,
        }
    }

    /// Returns once [`Uploader::interrupt`] was called (at once if it already was).
    async fn until_interrupted(&self) {
        let notified = self.interrupt_notify.notified();
        if self.interrupted.load(Ordering::SeqCst) {
            return;
        }
        notified.await;
    }

    /// A file abandoned in a retry pause by Ctrl-C.
    fn interrupted_outcome(&self, maybe_landed: bool, attempts: u32) -> Outcome {
        let hint = if maybe_landed {
            MAY_HAVE_LANDED.to_string()
        } else {
            "Nothing of it is on the index: rerun with --skip-existing to finish the release."
                .to_string()
        };
        self.fail(
            None,
            "interrupted (Ctrl-C) before its next attempt".into(),
            Some(hint),
            attempts,
        )
    }

    fn fail(
        &self,
        status: Option<u16>,
        reason: String,
        hint: Option<String>,
        attempts: u32,
    ) -> Outcome {
        Outcome::Failed {
            http_status: status,
            reason,
            hint,
            attempts,
        }
    }

    /// After a retry met "already exists": the earlier attempt landed if the index has the
    /// same bytes.
    /// What the index lists for this file, compared with the local bytes. Looked up a few times
    /// (with the retry backoff) when the file is not listed yet: indexes and their CDNs lag.
    async fn on_index(
        &self,
        p: &Prepared,
        creds: Option<&Credentials>,
        digests: &mut Option<Digests>,
    ) -> OnIndex {
        if digests.is_none() {
            *digests = self.local_digests(p).await;
        }
        let local = digests.as_ref().map(|d| d.sha256.clone());
        let mut found = OnIndex::Unknown;
        for round in 0..3u32 {
            if round > 0 {
                tokio::time::sleep(self.options.retry.base * round).await;
            }
            // A page read from now on: one read before this answer may predate the upload.
            let now = Instant::now();
            found = match self.lookup(p, creds, Some(now)).await {
                Some(Listing::Present {
                    sha256: Some(remote),
                }) => match &local {
                    Some(l) if *l == remote => OnIndex::Same,
                    _ => OnIndex::Different(remote),
                },
                Some(Listing::Present { sha256: None }) => OnIndex::ListedWithoutHash,
                Some(Listing::Absent) => OnIndex::Absent,
                None => OnIndex::Unknown,
            };
            // Only "not listed yet" is worth asking again: a page that could not be read was
            // already asked for with every retry the policy allows.
            if found != OnIndex::Absent {
                break;
            }
        }
        found
    }

    /// A 307/308 to the same host is followed; anything else is explained.
    fn redirect(
        &self,
        url: &Url,
        status: u16,
        location: Option<&str>,
    ) -> Result<Url, (String, String)> {
        let Some(loc) = location else {
            return Err((
                format!("the index answered {status} without a Location"),
                "Check the repository URL.".into(),
            ));
        };
        let Ok(next) = url.join(loc) else {
            return Err((
                format!("the index redirected to an invalid URL {loc:?}"),
                "Check the repository URL.".into(),
            ));
        };
        let same_origin = next.scheme() == url.scheme()
            && next.host() == url.host()
            && next.port_or_known_default() == url.port_or_known_default();
        let slash = format!("{}/", url.as_str().trim_end_matches('/'));
        if next.as_str() == slash && !url.as_str().ends_with('/') {
            return Err((
                format!(
                    "{url} redirected ({status}) to {next}: the repository URL is missing its trailing slash"
                ),
                format!("Use --repository-url {next}"),
            ));
        }
        if matches!(status, 307 | 308) && same_origin {
            return Ok(next);
        }
        Err((
            format!(
                "{url} redirected ({status}) to {next}; hoist does not follow a POST redirect{}",
                if same_origin { "" } else { " to another host" }
            ),
            format!("If you trust it, use --repository-url {next}"),
        ))
    }
}
