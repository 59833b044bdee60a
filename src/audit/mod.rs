//! `hoist audit` and `hoist token inspect`: finding the long-lived PyPI tokens a project still
//! depends on, reading what each can do, and saying what replaces it.
//!
//! The audit has these parts, each in its own module:
//!
//! - **Token strings** ([`scan`], [`git`]): every blob reachable from any ref is read once (one
//!   `git cat-file --batch` stream) and searched for `pypi-Ag…` strings; only the blobs that hold
//!   one are then traced to the commits that added them (one `git log --raw` walk). Modified and
//!   untracked files of the work tree are scanned from disk.
//! - **Configuration** ([`github`], [`gitlab`], [`pypirc`]): publishing jobs that hand a stored
//!   secret to the upload, and `.pypirc` files holding passwords.
//! - **Replacements** ([`remote`]): for each publishing job, the trusted publisher to register
//!   (owner, repository, workflow file, environment) and the edits to the job.
//! - **Stored secrets** ([`settings`], [`leftover`], only with `--github` / `--gitlab`): the
//!   secrets kept in the CI settings (names and dates, read with the user's credential), each
//!   cross-referenced with the workflows of every ref and the last commit that used it.
//!
//! Decoding a token is [`token`] (and [`macaroon`] below it). The report is data only;
//! [`crate::output::audit`] renders it. No token text ever leaves this module: findings carry
//! [`token::Redacted`] (12 characters and a fingerprint) and the decoded scope.
//!
//! In this file: [`audit`] runs the parts in order (`scan_history`, `scan_files`, the CI and
//! `.pypirc` readers), then turns token groups into findings (`token_findings`, one
//! `token_finding` each) and jobs into findings and publishers (`job_finding`,
//! `make_publisher`). May use its sub-modules, `crate::auth::oidc::report` (one shared phrase)
//! and no other part of hoist; it prints nothing.

pub mod ci;
pub mod git;
pub mod github;
pub mod gitlab;
pub mod leftover;
pub mod macaroon;
pub mod pypirc;
pub mod remote;
pub mod rules;
pub mod scan;
pub mod settings;
pub mod suppress;
pub mod token;
mod worktree;
pub mod yaml;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

pub use ci::{Change, Job, Provider};
pub use rules::{AuditRule, Severity};
pub use token::{Redacted, TokenInfo, TokenKind};

/// Default largest blob or file that is read, in bytes.
pub const DEFAULT_MAX_BLOB_SIZE: u64 = 16 * 1024 * 1024;

/// Why an audit could not run. Every variant says which path and which step.
#[derive(Debug, Error)]
pub enum AuditError {
    #[error("{path}: not a directory")]
    NotADirectory { path: PathBuf },
    #[error("{path}: git failed while {step}: {message}")]
    Git {
        path: PathBuf,
        step: &'static str,
        message: String,
    },
    #[error("{path}: could not run git while {step}: {source}")]
    GitSpawn {
        path: PathBuf,
        step: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    IgnoreFile {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: could not read the ignore file: {source}")]
    IgnoreFileRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What to audit and how.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Blobs and files larger than this are skipped (and listed in the notes).
    pub max_blob_size: u64,
    /// Scan the git history (otherwise only the work tree and configuration).
    pub history: bool,
    /// An ignore file to use instead of `.hoist-audit-ignore`.
    pub ignore_file: Option<PathBuf>,
    /// "Now", in unix seconds, for judging expiry.
    pub now: i64,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            max_blob_size: DEFAULT_MAX_BLOB_SIZE,
            history: true,
            ignore_file: None,
            now: token::now(),
        }
    }
}

/// One place a token was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    /// The commit that added the blob holding it (`None` for HEAD and work tree entries).
    pub commit: Option<String>,
    /// Its committer time, unix seconds.
    pub commit_time: Option<i64>,
    pub path: String,
    pub line: usize,
    /// In HEAD's tree at this path.
    pub at_head: bool,
    /// In a modified or untracked file on disk.
    pub worktree: bool,
    /// The file is binary (the token was found by a byte search).
    pub binary: bool,
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The main location.
    pub path: String,
    pub line: usize,
    pub commit: Option<String>,
    pub commit_time: Option<i64>,
    /// For token findings: whether the token is still in HEAD's tree.
    pub at_head: Option<bool>,
    /// The token, redacted.
    pub token: Option<Redacted>,
    /// What the token can do, when it decodes.
    pub scope: Option<TokenInfo>,
    /// Why it does not decode, when it does not.
    pub decode_error: Option<String>,
    /// Every place the token was seen (token findings).
    pub occurrences: Vec<Occurrence>,
    /// The CI job (configuration findings).
    pub job: Option<Job>,
    /// Steps to take, in order.
    pub fix: Vec<String>,
    /// A stable identity for this finding across runs (SARIF `partialFingerprints`).
    pub fingerprint: String,
    /// The stored secrets (CI settings) the finding is about, with their dates (only with
    /// `--github` / `--gitlab`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<settings::StoredSecret>,
}

/// Where a replacement publisher stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PublisherStatus {
    /// The job uploads with a stored token: register the publisher, then edit the job.
    StoredToken,
    /// The job is written for trusted publishing but lacks the OIDC permission.
    MissingIdToken,
    /// The job already publishes with trusted publishing.
    TrustedPublishing,
}

/// The trusted publisher that replaces a job's stored token, and the edits to the job.
#[derive(Debug, Clone, Serialize)]
pub struct Publisher {
    pub provider: Provider,
    pub status: PublisherStatus,
    /// The CI file and job.
    pub file: String,
    pub job: String,
    pub line: usize,
    /// Index hosts the job uploads to.
    pub indexes: Vec<String>,
    /// The PyPI project, from `pyproject.toml` / `setup.cfg`.
    pub pypi_project: Option<String>,
    /// GitHub owner / GitLab namespace, from the git remote.
    pub owner: Option<String>,
    /// GitHub repository / GitLab project, from the git remote.
    pub repository: Option<String>,
    /// GitHub: the workflow file name; GitLab: the top-level pipeline file path.
    pub workflow: String,
    /// The environment the job runs in (optional on PyPI; must match if given).
    pub environment: Option<String>,
    /// Stored secrets the job uses today.
    pub secrets: Vec<String>,
    /// Where to register the publisher (first index).
    pub register_url: Option<String>,
    pub changes: Vec<Change>,
}

/// Something the scan skipped or could not do, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub path: Option<String>,
    /// The blob (history entries).
    pub object: Option<String>,
    pub reason: String,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub commits: usize,
    pub blobs: usize,
    pub blobs_scanned: usize,
    pub bytes_scanned: u64,
    pub binary_blobs: usize,
    pub files_scanned: usize,
    pub skipped: usize,
    pub workflows: usize,
}

/// The result of an audit.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub root: PathBuf,
    /// Whether the root is in a git work tree (otherwise only files on disk were read).
    pub git: bool,
    pub head: Option<String>,
    pub shallow: bool,
    /// Unsuppressed findings, most severe first.
    pub findings: Vec<Finding>,
    /// Findings a comment or the ignore file suppressed.
    pub suppressed: Vec<Finding>,
    pub publishers: Vec<Publisher>,
    pub notes: Vec<Note>,
    pub stats: Stats,
    pub ignore_file: Option<PathBuf>,
    /// What was read from the CI settings (`--github` / `--gitlab`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<settings::Settings>,
    /// Each stored secret, cross-referenced with the history.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stored: Vec<leftover::SecretStatus>,
}

impl Report {
    /// Whether any unsuppressed finding is at or above `threshold` (`None`: never).
    pub fn fails(&self, threshold: Option<Severity>) -> bool {
        threshold.is_some_and(|t| self.findings.iter().any(|f| f.severity >= t))
    }
}

/// A token string and where it was seen; the text stays inside this module.
struct TokenGroup {
    occurrences: Vec<(Occurrence, Option<Vec<String>>)>,
}

/// Runs the audit of the repository (or directory) at `path`.
pub fn audit(path: &Path, options: &AuditOptions) -> Result<Report, AuditError> {
    if !path.is_dir() {
        return Err(AuditError::NotADirectory {
            path: path.to_path_buf(),
        });
    }
    let top = git::toplevel(path);
    let root = top.clone().unwrap_or_else(|| path.to_path_buf());
    let ignore = suppress::IgnoreFile::load(&root, options.ignore_file.as_deref())?;
    let mut report = Report {
        root: root.clone(),
        git: top.is_some(),
        head: None,
        shallow: false,
        findings: Vec::new(),
        suppressed: Vec::new(),
        publishers: Vec::new(),
        notes: Vec::new(),
        stats: Stats::default(),
        ignore_file: ignore.path.clone(),
        settings: Vec::new(),
        stored: Vec::new(),
    };
    let mut groups: BTreeMap<String, TokenGroup> = BTreeMap::new();
    let mut tracked: HashSet<String> = HashSet::new();
    let pypirc_files: Vec<String>;

    if report.git {
        report.head = git::head(&root);
        report.shallow = git::is_shallow(&root)?;
        if report.shallow {
            report.notes.push(Note {
                path: None,
                object: None,
                reason: "shallow clone: commits before the shallow boundary were not scanned \
                         (run `git fetch --unshallow` for a full audit)"
                    .into(),
            });
        }
        if options.history {
            scan_history(&root, options, &mut report, &mut groups)?;
        } else {
            report.notes.push(Note {
                path: None,
                object: None,
                reason: "history not scanned (--no-history)".into(),
            });
        }
        let changed = git::changed_files(&root)?;
        scan_files(&root, &changed, options, &mut report, &mut groups);
        let [cached, others, ignored] = git::worktree_files(&root)?;
        tracked.extend(cached.iter().cloned());
        pypirc_files = cached
            .iter()
            .chain(&others)
            .chain(ignored.iter().filter(|p| !p.ends_with('/')))
            .filter(|p| is_pypirc(p))
            .cloned()
            .collect();
    } else {
        report.notes.push(Note {
            path: None,
            object: None,
            reason: "not a git repository: only the files on disk were scanned, no history".into(),
        });
        let (files, notes) = worktree::walk(&root);
        report.notes.extend(notes);
        scan_files(&root, &files, options, &mut report, &mut groups);
        pypirc_files = files.iter().filter(|p| is_pypirc(p)).cloned().collect();
    }

    token_findings(groups, options, &ignore, &mut report);
    pypirc_findings(&root, &pypirc_files, &tracked, &ignore, &mut report);
    ci_findings(&root, &ignore, &mut report);

    sort_findings(&mut report);
    Ok(report)
}

/// Adds what the CI settings hold to an audit `report`: cross-references each stored secret
/// with the history ([`leftover`]), adds AUD105/AUD106 findings and the secrets' dates to
/// AUD101/AUD103, and re-sorts.
pub fn add_settings(report: &mut Report, settings: settings::Settings) -> Result<(), AuditError> {
    let statuses = leftover::cross_reference(&settings, report)?;
    leftover::apply(&settings, &statuses, report);
    if settings.provider == Provider::GitHub {
        report.notes.extend(leftover::inherit_notes(&report.root));
    }
    report.stored.extend(statuses);
    report.settings.push(settings);
    sort_findings(report);
    Ok(())
}

/// Most severe first, then by code, path, line; suppressed ones by code, path, line.
fn sort_findings(report: &mut Report) {
    report.findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| order_key(a).cmp(&order_key(b)))
    });
    report
        .suppressed
        .sort_by(|a, b| order_key(a).cmp(&order_key(b)));
}

fn order_key(f: &Finding) -> (&str, &str, usize, &str) {
    (f.code, f.path.as_str(), f.line, f.fingerprint.as_str())
}

fn is_pypirc(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == ".pypirc" || name == "pypirc"
}

/// The history part of the audit: every blob reachable from any ref, read once, searched for
/// tokens; the blobs that hold one are traced to HEAD's paths and the commits that added them.
fn scan_history(
    root: &Path,
    options: &AuditOptions,
    report: &mut Report,
    groups: &mut BTreeMap<String, TokenGroup>,
) -> Result<(), AuditError> {
    let (blobs, commits) = git::reachable_blobs(root)?;
    report.stats.commits = commits;
    report.stats.blobs = blobs.len();
    let first_path: HashMap<&str, &str> = blobs
        .iter()
        .filter(|(_, path)| !path.is_empty())
        .map(|(oid, path)| (oid.as_str(), path.as_str()))
        .collect();
    let oids: Vec<git::Oid> = blobs.iter().map(|(oid, _)| oid.clone()).collect();
    let to_read = blobs_within_limit(root, oids, &first_path, options, report)?;
    let hits = search_blobs(root, &to_read, &first_path, report)?;
    if hits.is_empty() {
        return Ok(());
    }
    let wanted: HashSet<String> = hits.keys().cloned().collect();
    let intros = git::introductions(root, &wanted)?;
    let head_tree = if report.head.is_some() {
        git::head_tree(root)?
    } else {
        HashMap::new()
    };
    let mut ordered: Vec<_> = hits.into_iter().collect();
    ordered.sort_by(|a, b| a.0.cmp(&b.0));
    for (oid, (found, binary)) in ordered {
        let traced = Traced {
            head_paths: head_tree.get(&oid),
            introduced: intros.get(&oid),
            first_path: first_path.get(oid.as_str()).copied(),
            binary,
        };
        for hit in found {
            group_history_hit(groups, &hit, &traced);
        }
    }
    Ok(())
}

/// A blob skipped by the history scan, as a note naming its first path.
fn skip_blob(report: &mut Report, first_path: &HashMap<&str, &str>, oid: String, reason: String) {
    report.stats.skipped += 1;
    report.notes.push(Note {
        path: first_path.get(oid.as_str()).map(|p| (*p).to_string()),
        object: Some(oid),
        reason,
    });
}

/// The blobs at most `--max-blob-size` bytes; the others (and the unreadable) become notes.
fn blobs_within_limit(
    root: &Path,
    oids: Vec<git::Oid>,
    first_path: &HashMap<&str, &str>,
    options: &AuditOptions,
    report: &mut Report,
) -> Result<Vec<git::Oid>, AuditError> {
    let sizes = git::blob_sizes(root, &oids)?;
    let mut to_read = Vec::with_capacity(oids.len());
    for oid in oids {
        match sizes.get(&oid).copied().flatten() {
            Some(size) if size <= options.max_blob_size => to_read.push(oid),
            Some(size) => {
                let reason = format!(
                    "skipped: {size} bytes, above the --max-blob-size limit of {}",
                    options.max_blob_size
                );
                skip_blob(report, first_path, oid, reason);
            }
            None => {
                let reason = "skipped: the object is missing or unreadable (partial clone, or a damaged repository)"
                    .into();
                skip_blob(report, first_path, oid, reason);
            }
        }
    }
    Ok(to_read)
}

/// Reads the blobs in one stream and searches each for tokens: the hits and whether the blob
/// looked binary, by blob id. Counts what was scanned; a blob git cannot read becomes a note.
fn search_blobs(
    root: &Path,
    to_read: &[git::Oid],
    first_path: &HashMap<&str, &str>,
    report: &mut Report,
) -> Result<HashMap<String, (Vec<scan::Hit>, bool)>, AuditError> {
    let mut hits: HashMap<String, (Vec<scan::Hit>, bool)> = HashMap::new();
    let mut missing = Vec::new();
    let stats = &mut report.stats;
    git::for_each_blob(root, to_read, |oid, data| match data {
        Some(data) => {
            stats.blobs_scanned += 1;
            stats.bytes_scanned += data.len() as u64;
            let binary = scan::looks_binary(data);
            if binary {
                stats.binary_blobs += 1;
            }
            let found = scan::find_tokens(data);
            if !found.is_empty() {
                hits.insert(oid.to_string(), (found, binary));
            }
        }
        None => missing.push(oid.to_string()),
    })?;
    for oid in missing {
        skip_blob(
            report,
            first_path,
            oid,
            "skipped: git could not read the object".into(),
        );
    }
    Ok(hits)
}

/// Where one blob holding tokens was found in the history.
struct Traced<'a> {
    /// Its paths in HEAD's tree.
    head_paths: Option<&'a Vec<String>>,
    /// The commits that added it.
    introduced: Option<&'a Vec<git::Introduction>>,
    /// The first path it was listed under, for a blob neither at HEAD nor traced to a commit.
    first_path: Option<&'a str>,
    binary: bool,
}

/// Adds one history hit to its token's group: an occurrence per HEAD path and per introducing
/// commit, or one at its first path when neither is known; an occurrence already there is not
/// repeated.
fn group_history_hit(groups: &mut BTreeMap<String, TokenGroup>, hit: &scan::Hit, t: &Traced) {
    let group = groups
        .entry(hit.text.clone())
        .or_insert_with(|| TokenGroup {
            occurrences: Vec::new(),
        });
    let mut push = |occ: Occurrence| {
        if !group.occurrences.iter().any(|(o, _)| o == &occ) {
            group.occurrences.push((occ, hit.suppressed.clone()));
        }
    };
    let binary = t.binary;
    for path in t.head_paths.into_iter().flatten() {
        push(Occurrence {
            commit: None,
            commit_time: None,
            path: path.clone(),
            line: hit.line,
            at_head: true,
            worktree: false,
            binary,
        });
    }
    for intro in t.introduced.into_iter().flatten() {
        push(Occurrence {
            commit: Some(intro.commit.clone()),
            commit_time: Some(intro.time),
            path: intro.path.clone(),
            line: hit.line,
            at_head: false,
            worktree: false,
            binary,
        });
    }
    if t.head_paths.is_none() && t.introduced.is_none() {
        push(Occurrence {
            commit: None,
            commit_time: None,
            path: t.first_path.unwrap_or("?").to_string(),
            line: hit.line,
            at_head: false,
            worktree: false,
            binary,
        });
    }
}

/// Scans files on disk (relative paths under `root`).
fn scan_files(
    root: &Path,
    files: &[String],
    options: &AuditOptions,
    report: &mut Report,
    groups: &mut BTreeMap<String, TokenGroup>,
) {
    for rel in files {
        let path = root.join(rel);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                report.notes.push(Note {
                    path: Some(rel.clone()),
                    object: None,
                    reason: format!("skipped: {e}"),
                });
                report.stats.skipped += 1;
                continue;
            }
        };
        if !meta.is_file() {
            continue; // symlinks, directories, sockets: the target is scanned where it lives
        }
        if meta.len() > options.max_blob_size {
            report.stats.skipped += 1;
            report.notes.push(Note {
                path: Some(rel.clone()),
                object: None,
                reason: format!(
                    "skipped: {} bytes, above the --max-blob-size limit of {}",
                    meta.len(),
                    options.max_blob_size
                ),
            });
            continue;
        }
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) => {
                report.stats.skipped += 1;
                report.notes.push(Note {
                    path: Some(rel.clone()),
                    object: None,
                    reason: format!("skipped: could not read: {e}"),
                });
                continue;
            }
        };
        report.stats.files_scanned += 1;
        report.stats.bytes_scanned += data.len() as u64;
        let binary = scan::looks_binary(&data);
        for hit in scan::find_tokens(&data) {
            let group = groups
                .entry(hit.text.clone())
                .or_insert_with(|| TokenGroup {
                    occurrences: Vec::new(),
                });
            group.occurrences.push((
                Occurrence {
                    commit: None,
                    commit_time: None,
                    path: rel.clone(),
                    line: hit.line,
                    at_head: false,
                    worktree: true,
                    binary,
                },
                hit.suppressed.clone(),
            ));
        }
    }
}

fn short(oid: &str) -> &str {
    oid.get(..10).unwrap_or(oid)
}

/// One finding per distinct token string (AUD001 committed, AUD002 not committed yet, AUD003
/// not decodable), with every place it was seen; suppressed ones go to `report.suppressed`.
fn token_findings(
    groups: BTreeMap<String, TokenGroup>,
    options: &AuditOptions,
    ignore: &suppress::IgnoreFile,
    report: &mut Report,
) {
    for (text, group) in groups {
        let Some((finding, all_suppressed)) =
            token_finding(text, group, options, ignore, report.git)
        else {
            continue;
        };
        if all_suppressed {
            report.suppressed.push(finding);
        } else {
            report.findings.push(finding);
        }
    }
}

/// The finding for one token string, and whether every occurrence of it is suppressed (then
/// the finding lists those). `None` when it has no occurrence. The token text is dropped as
/// soon as it is redacted and decoded.
fn token_finding(
    text: String,
    group: TokenGroup,
    options: &AuditOptions,
    ignore: &suppress::IgnoreFile,
    in_git: bool,
) -> Option<(Finding, bool)> {
    let redacted = token::redact(&text);
    let decoded = token::inspect(&text);
    drop(text);
    let committed = group
        .occurrences
        .iter()
        .any(|(o, _)| o.commit.is_some() || o.at_head);
    let at_head = group.occurrences.iter().any(|(o, _)| o.at_head);
    let rule = match (&decoded, committed) {
        (Err(_), _) => &rules::TOKEN_LIKE,
        (Ok(_), true) => &rules::COMMITTED_TOKEN,
        (Ok(_), false) => &rules::UNCOMMITTED_TOKEN,
    };
    let (occurrences, all_suppressed) =
        shown_occurrences(group, rule.code, ignore, &redacted.fingerprint);
    // The main location: at HEAD, else on disk, else the earliest commit that added it.
    let primary = occurrences.first().cloned()?;
    let earliest = occurrences
        .iter()
        .filter(|o| o.commit.is_some())
        .min_by_key(|o| o.commit_time)
        .cloned();
    let commits: HashSet<&str> = occurrences
        .iter()
        .filter_map(|o| o.commit.as_deref())
        .collect();
    let seen = Seen {
        committed_token: rule.code == rules::COMMITTED_TOKEN.code,
        at_head,
        earliest: earliest.as_ref(),
        commits: commits.len(),
        primary: &primary,
    };
    let (severity, message, fix, scope, decode_error) = match decoded {
        Ok(info) => {
            let (severity, message, fix) = decoded_token_text(&info, &seen, options);
            (severity, message, fix, Some(info), None)
        }
        Err(e) => (
            Severity::Low,
            format!("a string shaped like a PyPI token does not decode: {e}"),
            vec![
                "If this was ever a real token, revoke it on the index it came from.".into(),
                "If it is a placeholder, suppress it (`hoist-audit: ignore[AUD003]`).".into(),
            ],
            None,
            Some(e.to_string()),
        ),
    };
    let finding = Finding {
        code: rule.code,
        name: rule.name,
        severity,
        message,
        path: primary.path.clone(),
        line: primary.line,
        commit: earliest.as_ref().and_then(|o| o.commit.clone()),
        commit_time: earliest.as_ref().and_then(|o| o.commit_time),
        at_head: in_git.then_some(at_head),
        fingerprint: format!("{}:{}", rule.code, redacted.fingerprint),
        token: Some(redacted),
        scope,
        decode_error,
        occurrences,
        job: None,
        fix,
        secrets: Vec::new(),
    };
    Some((finding, all_suppressed))
}

/// The occurrences a finding lists: those not suppressed (inline or by the ignore file), or all
/// of them when every one is suppressed (then the flag is true). Sorted HEAD first, then the
/// work tree, then by commit time and path.
fn shown_occurrences(
    group: TokenGroup,
    code: &str,
    ignore: &suppress::IgnoreFile,
    fingerprint: &str,
) -> (Vec<Occurrence>, bool) {
    let (kept, dropped): (Vec<_>, Vec<_>) =
        group.occurrences.into_iter().partition(|(o, inline)| {
            !scan::covers(inline.as_ref(), code)
                && !ignore.matches(code, &o.path, o.line, Some(fingerprint))
        });
    let all_suppressed = kept.is_empty();
    let mut occurrences: Vec<Occurrence> = if all_suppressed {
        dropped.into_iter().map(|(o, _)| o).collect()
    } else {
        kept.into_iter().map(|(o, _)| o).collect()
    };
    occurrences.sort_by(|a, b| {
        b.at_head
            .cmp(&a.at_head)
            .then(b.worktree.cmp(&a.worktree))
            .then(a.commit_time.cmp(&b.commit_time))
            .then(a.path.cmp(&b.path))
    });
    (occurrences, all_suppressed)
}

/// Where a token was seen, as the finding's message tells it.
struct Seen<'a> {
    /// The finding is AUD001 (committed).
    committed_token: bool,
    at_head: bool,
    /// The earliest commit that added it.
    earliest: Option<&'a Occurrence>,
    /// How many commits add it.
    commits: usize,
    /// The main location.
    primary: &'a Occurrence,
}

/// Severity, message and fix for a token that decodes: critical when committed and still at
/// HEAD, low once expired, high otherwise.
fn decoded_token_text(
    info: &TokenInfo,
    seen: &Seen,
    options: &AuditOptions,
) -> (Severity, String, Vec<String>) {
    let expired = info.is_expired(options.now);
    let severity = if expired {
        Severity::Low
    } else if seen.committed_token && seen.at_head {
        Severity::Critical
    } else {
        Severity::High
    };
    let scope_line = info.scope_line();
    let in_commit = seen
        .earliest
        .and_then(|o| o.commit.as_deref())
        .map(|c| format!(" in {}", short(c)))
        .unwrap_or_default();
    let mut message = match (seen.committed_token, seen.at_head) {
        (true, true) => format!("{scope_line}, committed{in_commit} and still present at HEAD"),
        (true, false) => {
            format!("{scope_line}, committed{in_commit}, deleted since but still in the history")
        }
        _ => format!("{scope_line}, in a file that is not committed yet"),
    };
    if seen.commits > 1 {
        message.push_str(&format!(" ({} commits add it)", seen.commits));
    }
    if seen.primary.binary {
        message.push_str(" (in a binary file)");
    }
    if expired {
        message.push_str(&format!(
            "; expired {}, no longer usable",
            info.expires_at.map(token::format_time).unwrap_or_default()
        ));
    }
    let fix = token_fix(info, expired, seen.primary);
    (severity, message, fix)
}

fn token_fix(info: &TokenInfo, expired: bool, primary: &Occurrence) -> Vec<String> {
    let index = info.location.as_deref().unwrap_or("pypi.org");
    let mut fix = Vec::new();
    if info.kind == TokenKind::TrustedPublishing {
        fix.push(
            "A trusted-publishing token lives 15 minutes: nothing to revoke once it has expired."
                .into(),
        );
    } else if expired {
        fix.push(format!(
            "Expired: delete it from the index's token list (https://{index}/manage/account/) to tidy up."
        ));
    } else {
        fix.push(format!(
            "Revoke token {} at https://{index}/manage/account/ (API tokens; the page shows its last use).",
            info.id
        ));
    }
    fix.push(format!("Remove it from {}.", primary.path));
    if info.kind != TokenKind::TrustedPublishing && !expired {
        fix.push(
            "Deleting the line does not un-publish it: everyone with a clone still has it. Revoke first."
                .into(),
        );
    }
    fix
}

fn pypirc_findings(
    root: &Path,
    files: &[String],
    tracked: &HashSet<String>,
    ignore: &suppress::IgnoreFile,
    report: &mut Report,
) {
    let rule = &rules::PYPIRC_PASSWORD;
    for rel in files {
        let Ok(data) = std::fs::read(root.join(rel)) else {
            continue;
        };
        let text = String::from_utf8_lossy(&data);
        let is_tracked = tracked.contains(rel);
        for entry in pypirc::read(&text) {
            let what = match (&entry.token, entry.token_like) {
                (Some(info), _) => format!("a {}", info.scope_line()),
                (None, true) => "a token that does not decode".to_string(),
                (None, false) => "a password".to_string(),
            };
            let severity = if is_tracked && entry.token.is_none() {
                Severity::High
            } else {
                Severity::Medium
            };
            let place = if is_tracked {
                "committed"
            } else {
                "not committed"
            };
            let line_start = text
                .lines()
                .take(entry.line - 1)
                .map(|l| l.len() + 1)
                .sum::<usize>();
            let inline = scan::suppression_at(text.as_bytes(), line_start.min(text.len()));
            let suppressed = scan::covers(inline.as_ref(), rule.code)
                || ignore.matches(
                    rule.code,
                    rel,
                    entry.line,
                    Some(&entry.redacted.fingerprint),
                );
            let finding = Finding {
                code: rule.code,
                name: rule.name,
                severity,
                message: format!("[{}] holds {what} in plain text ({place})", entry.section),
                path: rel.clone(),
                line: entry.line,
                commit: None,
                commit_time: None,
                at_head: None,
                fingerprint: format!("{}:{}:{}", rule.code, rel, entry.redacted.fingerprint),
                token: Some(entry.redacted),
                scope: entry.token,
                decode_error: None,
                occurrences: Vec::new(),
                job: None,
                fix: vec![
                    format!(
                        "Delete the password from {rel}; keep credentials in a keyring, or publish from CI with trusted publishing."
                    ),
                    "If the file was ever committed or shared, revoke the token.".into(),
                ],
                secrets: Vec::new(),
            };
            if suppressed {
                report.suppressed.push(finding);
            } else {
                report.findings.push(finding);
            }
        }
    }
}

fn ci_findings(root: &Path, ignore: &suppress::IgnoreFile, report: &mut Report) {
    let mut files: Vec<(String, bool)> = Vec::new();
    if let Ok(dir) = std::fs::read_dir(root.join(".github/workflows")) {
        let mut names: Vec<String> = dir
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
            .collect();
        names.sort();
        files.extend(
            names
                .into_iter()
                .map(|n| (format!(".github/workflows/{n}"), true)),
        );
    }
    if root.join(".gitlab-ci.yml").is_file() {
        files.push((".gitlab-ci.yml".into(), false));
    }
    let remote = git::remote_url(root).and_then(|u| remote::parse(&u));
    let project = remote::project_name(root);

    for (rel, is_github) in files {
        report.stats.workflows += 1;
        let text = match std::fs::read(root.join(&rel)) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                report.notes.push(Note {
                    path: Some(rel),
                    object: None,
                    reason: format!("skipped: could not read: {e}"),
                });
                continue;
            }
        };
        let jobs = if is_github {
            github::read_workflow(&rel, &text)
        } else {
            gitlab::read_gitlab_ci(&rel, &text)
        };
        let jobs = match jobs {
            Ok(jobs) => jobs,
            Err(e) => {
                report.notes.push(Note {
                    path: Some(rel),
                    object: None,
                    reason: format!("not checked: YAML error at line {}: {}", e.line, e.message),
                });
                continue;
            }
        };
        for job in jobs {
            let publisher = make_publisher(&job, remote.as_ref(), project.as_deref());
            if let Some(finding) = job_finding(&job, &publisher, &text, ignore) {
                if finding.1 {
                    report.suppressed.push(finding.0);
                } else {
                    report.findings.push(finding.0);
                }
            }
            if job.publishes || job.uses_stored_token() {
                report.publishers.push(publisher);
            }
        }
    }
}

fn line_suppressed(text: &str, line: usize, code: &str) -> bool {
    if line == 0 {
        return false;
    }
    let start: usize = text.lines().take(line - 1).map(|l| l.len() + 1).sum();
    let start = start.min(text.len());
    scan::covers(scan::suppression_at(text.as_bytes(), start).as_ref(), code)
}

/// The finding for a CI job, if any, and whether it is suppressed.
fn job_finding(
    job: &Job,
    publisher: &Publisher,
    text: &str,
    ignore: &suppress::IgnoreFile,
) -> Option<(Finding, bool)> {
    let stored = job.uses_stored_token();
    let tp_capable = job
        .tools
        .iter()
        .any(|t| t == "pypa/gh-action-pypi-publish" || t == "twine upload" || t == "uv publish");
    let rule = if stored {
        match job.provider {
            Provider::GitHub => &rules::WORKFLOW_STORED_TOKEN,
            Provider::GitLab => &rules::GITLAB_STORED_TOKEN,
        }
    } else if job.publishes && !job.has_id_token && !job.minted && tp_capable {
        &rules::MISSING_ID_TOKEN
    } else {
        return None;
    };
    let line = job.secrets.first().map_or(job.line, |s| s.line);
    let message = job_message(job, publisher, stored);
    let suppressed = line_suppressed(text, line, rule.code)
        || line_suppressed(text, job.line, rule.code)
        || ignore.matches(rule.code, &job.file, line, None);
    let finding = Finding {
        code: rule.code,
        name: rule.name,
        severity: rule.severity,
        message,
        path: job.file.clone(),
        line,
        commit: None,
        commit_time: None,
        at_head: None,
        token: None,
        scope: None,
        decode_error: None,
        occurrences: Vec::new(),
        job: Some(job.clone()),
        fix: publisher
            .changes
            .iter()
            .map(|c| match c.line {
                Some(l) => format!("line {l}: {}", c.text),
                None => c.text.clone(),
            })
            .collect(),
        fingerprint: format!("{}:{}:{}", rule.code, job.file, job.job),
        secrets: Vec::new(),
    };
    Some((finding, suppressed))
}

/// The AUD101/AUD103 message for a job that uploads with a stored token, or the AUD102
/// message for one that publishes with no way to get an OIDC token.
fn job_message(job: &Job, publisher: &Publisher, stored: bool) -> String {
    let kind = match job.provider {
        Provider::GitHub => "workflow",
        Provider::GitLab => "pipeline",
    };
    if stored {
        let names = job.secret_names();
        let what = if names.is_empty() {
            "a stored credential".to_string()
        } else {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "{kind} job `{}` uploads with the stored token {what} ({}); replace it with trusted publishing: {}",
            job.job,
            job.secrets
                .iter()
                .map(|s| format!("line {}: {}", s.line, s.how))
                .collect::<Vec<_>>()
                .join("; "),
            publisher_summary(publisher)
        )
    } else {
        let missing = match job.provider {
            Provider::GitHub => "`permissions: id-token: write`",
            Provider::GitLab => "an `id_tokens:` entry with `aud: pypi`",
        };
        format!(
            "{kind} job `{}` publishes without a stored token but has no {missing}, so it cannot get an OIDC token",
            job.job
        )
    }
}

/// One line naming the publisher's fields.
pub fn publisher_summary(p: &Publisher) -> String {
    let unknown = "?";
    let (owner, repo, wf) = match p.provider {
        Provider::GitHub => ("owner", "repository", "workflow"),
        Provider::GitLab => ("namespace", "project", "pipeline file"),
    };
    format!(
        "{owner} `{}`, {repo} `{}`, {wf} `{}`, environment `{}`",
        p.owner.as_deref().unwrap_or(unknown),
        p.repository.as_deref().unwrap_or(unknown),
        p.workflow,
        p.environment
            .as_deref()
            .unwrap_or(crate::auth::oidc::report::NO_ENVIRONMENT)
    )
}

fn make_publisher(job: &Job, remote: Option<&remote::Remote>, project: Option<&str>) -> Publisher {
    let stored = job.uses_stored_token();
    let status = if stored {
        PublisherStatus::StoredToken
    } else if job.has_id_token || job.minted {
        PublisherStatus::TrustedPublishing
    } else {
        PublisherStatus::MissingIdToken
    };
    let workflow = match job.provider {
        Provider::GitHub => job.file.rsplit('/').next().unwrap_or(&job.file).to_string(),
        Provider::GitLab => job.file.clone(),
    };
    let index = job.indexes.first().map_or("pypi.org", String::as_str);
    let secrets = job.secret_names();
    let changes = publisher_changes(job, stored, index, &secrets);
    let register_url = Some(match project {
        Some(name) => format!("https://{index}/manage/project/{name}/settings/publishing/"),
        None => format!("https://{index}/manage/account/publishing/"),
    });
    Publisher {
        provider: job.provider,
        status,
        file: job.file.clone(),
        job: job.job.clone(),
        line: job.line,
        indexes: job.indexes.clone(),
        pypi_project: project.map(str::to_string),
        owner: remote.map(|r| r.owner.clone()),
        repository: remote.map(|r| r.name.clone()),
        workflow,
        environment: job.environment.clone(),
        secrets,
        register_url,
        changes,
    }
}

/// The edits that move a job to trusted publishing, in the order the report lists them: the
/// ID-token permission, removing each stored credential, notes on the upload tools, an
/// environment, and deleting the stored secrets once the first trusted upload works.
fn publisher_changes(job: &Job, stored: bool, index: &str, secrets: &[String]) -> Vec<Change> {
    let mut changes = Vec::new();
    match job.provider {
        Provider::GitHub if !job.has_id_token => changes.push(Change {
            line: Some(job.line),
            text: format!(
                "add `permissions:` with `id-token: write` to job `{}`",
                job.job
            ),
        }),
        Provider::GitLab if !job.has_id_token => {
            let (var, aud) = if index == "test.pypi.org" {
                ("TESTPYPI_ID_TOKEN", "testpypi")
            } else {
                ("PYPI_ID_TOKEN", "pypi")
            };
            changes.push(Change {
                line: Some(job.line),
                text: format!(
                    "add `id_tokens:` with `{var}:` / `aud: {aud}` to job `{}`",
                    job.job
                ),
            });
        }
        _ => {}
    }
    for s in &job.secrets {
        changes.push(Change {
            line: Some(s.line),
            text: format!("remove the stored credential: {}", s.how),
        });
    }
    if stored {
        changes.extend(tool_notes(job));
    }
    if job.environment.is_none() {
        changes.push(Change {
            line: None,
            text: "optional but recommended: run the job in a dedicated environment (e.g. `pypi`) and give the same name in the publisher".into(),
        });
    }
    if !secrets.is_empty() {
        changes.push(delete_secrets_change(job, secrets, index));
    }
    changes
}

/// For a job using a stored token: whether each upload tool can publish with trusted
/// publishing by itself.
fn tool_notes(job: &Job) -> Vec<Change> {
    let mut changes = Vec::new();
    for tool in &job.tools {
        let note = match tool.as_str() {
            "pypa/gh-action-pypi-publish" => continue,
            "twine upload" | "uv publish" => format!(
                "`{tool}` uses trusted publishing by itself when no password is given (twine 6.1 or later)"
            ),
            other => format!(
                "check that `{other}` can publish with trusted publishing; otherwise upload with pypa/gh-action-pypi-publish (GitHub) or twine"
            ),
        };
        changes.push(Change {
            line: None,
            text: note,
        });
    }
    changes
}

/// Deleting the stored secrets (where the CI keeps them) and revoking the token(s).
fn delete_secrets_change(job: &Job, secrets: &[String], index: &str) -> Change {
    let list = secrets
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let place = match job.provider {
        Provider::GitHub => "Settings → Secrets and variables → Actions, and environment secrets",
        Provider::GitLab => "Settings → CI/CD → Variables",
    };
    Change {
        line: None,
        text: format!(
            "after the first trusted upload works: delete {list} ({place}) and revoke the token(s) at https://{index}/manage/account/"
        ),
    }
}
