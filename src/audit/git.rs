//! Plumbing around the `git` binary: listing reachable blobs, streaming their contents once
//! each, attributing blobs to the commits that added them, reading HEAD's tree, the working
//! tree's status and the remotes.
//!
//! hoist runs `git` rather than linking a git library: it is fast (packfile access and delta
//! resolution are git's own), costs nothing to build, and is already on every machine that
//! has a repository to audit. Every call runs with `LC_ALL=C`, no pager and no prompts, and
//! its failures carry the step that failed and git's own message.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::AuditError;

/// A 40- or 64-hex-digit object name.
pub type Oid = String;

fn command(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(root)
        .args(["-c", "core.quotePath=false", "--no-pager"])
        .env("LC_ALL", "C")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null());
    cmd
}

/// Runs `git <args>` in `root` and returns its stdout.
pub fn run(root: &Path, step: &'static str, args: &[&str]) -> Result<Vec<u8>, AuditError> {
    let out = command(root)
        .args(args)
        .output()
        .map_err(|source| AuditError::GitSpawn {
            path: root.to_path_buf(),
            step,
            source,
        })?;
    if !out.status.success() {
        return Err(AuditError::Git {
            path: root.to_path_buf(),
            step,
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

fn run_text(root: &Path, step: &'static str, args: &[&str]) -> Result<String, AuditError> {
    Ok(String::from_utf8_lossy(&run(root, step, args)?)
        .trim()
        .to_string())
}

/// The top level of the work tree that contains `path`, or `None` when it is not in one.
pub fn toplevel(path: &Path) -> Option<PathBuf> {
    let out = command(path)
        .args(["rev-parse", "--show-toplevel"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let top = text.trim();
    (!top.is_empty()).then(|| PathBuf::from(top))
}

/// Whether the repository is a shallow clone.
pub fn is_shallow(root: &Path) -> Result<bool, AuditError> {
    Ok(run_text(
        root,
        "checking for a shallow clone",
        &["rev-parse", "--is-shallow-repository"],
    )? == "true")
}

/// HEAD's commit, or `None` in a repository without commits.
pub fn head(root: &Path) -> Option<Oid> {
    let out = command(root)
        .args(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let oid = text.trim();
    (out.status.success() && !oid.is_empty()).then(|| oid.to_string())
}

/// Every blob reachable from any ref (and HEAD), with one path it is reachable under (empty
/// for an object missing from the repository), in traversal order; plus the number of commits.
pub fn reachable_blobs(root: &Path) -> Result<(Vec<(Oid, String)>, usize), AuditError> {
    let out = run(
        root,
        "listing the objects reachable from every ref",
        &[
            "rev-list",
            "--all",
            "--objects",
            "--filter=object:type=blob",
            "--missing=print",
        ],
    )?;
    let mut blobs = Vec::new();
    for line in out.split(|&b| b == b'\n') {
        let line = String::from_utf8_lossy(line);
        // Lines without a path are commits (the filter still prints the tips); `?oid` is an
        // object the repository does not have (partial or damaged clone).
        if let Some(missing) = line.strip_prefix('?') {
            blobs.push((missing.trim().to_string(), String::new()));
        } else if let Some((oid, path)) = line.split_once(' ') {
            blobs.push((oid.to_string(), path.to_string()));
        }
    }
    let count = run_text(root, "counting commits", &["rev-list", "--all", "--count"])?;
    Ok((blobs, count.parse().unwrap_or(0)))
}

/// Sizes of the given objects (`None` for objects missing from the repository).
pub fn blob_sizes(root: &Path, oids: &[Oid]) -> Result<HashMap<Oid, Option<u64>>, AuditError> {
    let step = "reading object sizes";
    let (mut child, writer) = cat_file(
        root,
        step,
        "--batch-check=%(objectname) %(objectsize)",
        oids,
    )?;
    let mut sizes = HashMap::with_capacity(oids.len());
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| io_error(root, step, e))?;
            let mut parts = line.split(' ');
            let oid = parts.next().unwrap_or_default().to_string();
            let size = parts.next().and_then(|s| s.parse::<u64>().ok());
            sizes.insert(oid, size);
        }
    }
    finish(root, step, child, writer)?;
    Ok(sizes)
}

/// Streams the contents of `oids` through one `git cat-file --batch`, calling `visit` with each
/// object's name and bytes (`None` when git reports it missing). Each object is read once.
pub fn for_each_blob(
    root: &Path,
    oids: &[Oid],
    mut visit: impl FnMut(&str, Option<&[u8]>),
) -> Result<(), AuditError> {
    let step = "reading blob contents";
    let (mut child, writer) = cat_file(root, step, "--batch", oids)?;
    let mut buf = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::with_capacity(1 << 20, stdout);
        let mut header = String::new();
        loop {
            header.clear();
            let n = reader
                .read_line(&mut header)
                .map_err(|e| io_error(root, step, e))?;
            if n == 0 {
                break;
            }
            let mut parts = header.trim_end().split(' ');
            let oid = parts.next().unwrap_or_default().to_string();
            let kind = parts.next().unwrap_or_default();
            let Some(size) = parts.next().and_then(|s| s.parse::<usize>().ok()) else {
                // "<oid> missing" (shallow or partial clone) or something unexpected.
                visit(&oid, None);
                continue;
            };
            buf.clear();
            buf.resize(size, 0);
            reader
                .read_exact(&mut buf)
                .map_err(|e| io_error(root, step, e))?;
            let mut newline = [0u8; 1];
            reader
                .read_exact(&mut newline)
                .map_err(|e| io_error(root, step, e))?;
            if kind == "blob" {
                visit(&oid, Some(&buf));
            }
        }
    }
    finish(root, step, child, writer)
}

type Writer = Option<std::thread::JoinHandle<std::io::Result<()>>>;

/// Starts `git cat-file <mode>` and writes `oids` to it, one a line, from a thread, so that
/// reading its stdout cannot deadlock against a full pipe.
fn cat_file(
    root: &Path,
    step: &'static str,
    mode: &str,
    oids: &[Oid],
) -> Result<(std::process::Child, Writer), AuditError> {
    let mut child = command(root)
        .args(["cat-file", mode])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| AuditError::GitSpawn {
            path: root.to_path_buf(),
            step,
            source,
        })?;
    let Some(mut stdin) = child.stdin.take() else {
        return Ok((child, None));
    };
    let mut input = Vec::with_capacity(oids.len() * 41);
    for oid in oids {
        input.extend_from_slice(oid.as_bytes());
        input.push(b'\n');
    }
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    Ok((child, Some(writer)))
}

fn finish(
    root: &Path,
    step: &'static str,
    mut child: std::process::Child,
    writer: Writer,
) -> Result<(), AuditError> {
    if let Some(writer) = writer {
        match writer.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(io_error(root, step, e)),
            Err(_) => {
                return Err(AuditError::Git {
                    path: root.to_path_buf(),
                    step,
                    message: "the thread writing to git stopped".into(),
                });
            }
        }
    }
    let status = child.wait().map_err(|e| io_error(root, step, e))?;
    if !status.success() {
        return Err(AuditError::Git {
            path: root.to_path_buf(),
            step,
            message: format!("git exited with {status}"),
        });
    }
    Ok(())
}

fn io_error(root: &Path, step: &'static str, source: std::io::Error) -> AuditError {
    AuditError::GitSpawn {
        path: root.to_path_buf(),
        step,
        source,
    }
}

/// A commit that added a blob at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introduction {
    pub commit: Oid,
    /// Committer time, unix seconds.
    pub time: i64,
    pub path: String,
}

/// For each of `wanted`, every commit (on any ref) whose change added that blob at some path.
/// One walk of the history, comparing trees only (no contents), so its cost does not grow
/// with the number of blobs asked about.
pub fn introductions(
    root: &Path,
    wanted: &HashSet<Oid>,
) -> Result<HashMap<Oid, Vec<Introduction>>, AuditError> {
    let mut found: HashMap<Oid, Vec<Introduction>> = HashMap::new();
    if wanted.is_empty() {
        return Ok(found);
    }
    let step = "walking the history to find the commits that added each token";
    let mut child = command(root)
        .args([
            "log",
            "--all",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--root",
            "--diff-merges=combined",
            "-z",
            "--format=%x01%H %ct",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| AuditError::GitSpawn {
            path: root.to_path_buf(),
            step,
            source,
        })?;
    if let Some(stdout) = child.stdout.take() {
        let reader = BufReader::with_capacity(1 << 20, stdout);
        let mut commit: Option<(Oid, i64)> = None;
        let mut pending: Option<Oid> = None;
        for record in reader.split(b'\0') {
            let record = record.map_err(|e| io_error(root, step, e))?;
            let record = record.strip_prefix(b"\n").unwrap_or(&record);
            if record.is_empty() {
                continue;
            }
            if let Some(header) = record.strip_prefix(b"\x01") {
                let text = String::from_utf8_lossy(header);
                let mut parts = text.split(' ');
                let oid = parts.next().unwrap_or_default().to_string();
                let time = parts.next().and_then(|t| t.parse().ok()).unwrap_or(0);
                commit = Some((oid, time));
                pending = None;
            } else if record.starts_with(b":") {
                pending = new_blob_of_raw_line(record).filter(|oid| wanted.contains(oid));
            } else if let (Some(oid), Some((c, t))) = (pending.take(), &commit) {
                found.entry(oid).or_default().push(Introduction {
                    commit: c.clone(),
                    time: *t,
                    path: String::from_utf8_lossy(record).into_owned(),
                });
            }
        }
    }
    let status = child.wait().map_err(|e| io_error(root, step, e))?;
    if !status.success() {
        return Err(AuditError::Git {
            path: root.to_path_buf(),
            step,
            message: format!("git log exited with {status}"),
        });
    }
    Ok(found)
}

/// The blob a raw diff line (`:old new oldoid newoid M`, or `::…` for a merge) leaves behind,
/// unless the change deletes the file.
fn new_blob_of_raw_line(line: &[u8]) -> Option<Oid> {
    let text = std::str::from_utf8(line).ok()?;
    let parents = text.bytes().take_while(|&b| b == b':').count();
    let fields: Vec<&str> = text[parents..].split(' ').collect();
    // parents+1 modes, parents+1 oids, then the status letters.
    let oid = fields.get(2 * parents + 1)?;
    let status = fields.get(2 * (parents + 1))?;
    if status.contains('D') || oid.bytes().all(|b| b == b'0') {
        return None;
    }
    Some((*oid).to_string())
}

/// HEAD's tree: blob name → the paths it has there.
pub fn head_tree(root: &Path) -> Result<HashMap<Oid, Vec<String>>, AuditError> {
    let out = run(
        root,
        "listing the files at HEAD",
        &["ls-tree", "-r", "-z", "--full-tree", "HEAD"],
    )?;
    let mut map: HashMap<Oid, Vec<String>> = HashMap::new();
    for entry in out.split(|&b| b == 0) {
        let Some(tab) = entry.iter().position(|&b| b == b'\t') else {
            continue;
        };
        let meta = String::from_utf8_lossy(&entry[..tab]);
        let path = String::from_utf8_lossy(&entry[tab + 1..]).into_owned();
        let mut parts = meta.split(' ');
        let (_, kind, oid) = (parts.next(), parts.next(), parts.next());
        if let (Some("blob"), Some(oid)) = (kind, oid) {
            map.entry(oid.to_string()).or_default().push(path);
        }
    }
    Ok(map)
}

/// Files of the work tree that differ from what is committed: modified or untracked (but not
/// ignored). Deleted files are left out.
pub fn changed_files(root: &Path) -> Result<Vec<String>, AuditError> {
    let out = run(
        root,
        "listing changed and untracked files",
        &[
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--no-renames",
        ],
    )?;
    let mut files = Vec::new();
    for entry in out.split(|&b| b == 0) {
        if entry.len() < 4 {
            continue;
        }
        let (x, y) = (entry[0], entry[1]);
        if x == b'D' || y == b'D' {
            continue;
        }
        if y != b' ' || x == b'A' || x == b'?' {
            files.push(String::from_utf8_lossy(&entry[3..]).into_owned());
        }
    }
    Ok(files)
}

/// The files of the work tree, as three lists of paths relative to the root: tracked files,
/// untracked files git would add, and ignored files (an ignored directory is listed once, with
/// a trailing `/`).
pub fn worktree_files(root: &Path) -> Result<[Vec<String>; 3], AuditError> {
    let list = |step: &'static str, args: &[&str]| -> Result<Vec<String>, AuditError> {
        Ok(run(root, step, args)?
            .split(|&b| b == 0)
            .filter(|e| !e.is_empty())
            .map(|e| String::from_utf8_lossy(e).into_owned())
            .collect())
    };
    Ok([
        list(
            "listing tracked files",
            &["ls-files", "-z", "--cached", "--deduplicate"],
        )?,
        list(
            "listing untracked files",
            &["ls-files", "-z", "--others", "--exclude-standard"],
        )?,
        list(
            "listing ignored files",
            &[
                "ls-files",
                "-z",
                "--others",
                "--ignored",
                "--exclude-standard",
                "--directory",
            ],
        )?,
    ])
}

/// The URL of the remote to read owner and repository from: `origin` if there is one, else the
/// first remote. Credentials in the URL are not returned (see [`super::remote`]).
pub fn remote_url(root: &Path) -> Option<String> {
    let out = command(root)
        .args(["config", "--get-regexp", r"^remote\..*\.url$"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut remotes: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| {
            let (key, url) = l.split_once(' ')?;
            let name = key.strip_prefix("remote.")?.strip_suffix(".url")?;
            Some((name.to_string(), url.to_string()))
        })
        .collect();
    if let Some(i) = remotes.iter().position(|(n, _)| n == "origin") {
        return Some(remotes.swap_remove(i).1);
    }
    remotes.into_iter().next().map(|(_, u)| u)
}

/// The tips of every branch, remote-tracking branch and tag.
pub fn ref_tips(root: &Path) -> Result<Vec<String>, AuditError> {
    let out = run_text(
        root,
        "listing the refs",
        &[
            "for-each-ref",
            "--format=%(refname)",
            "refs/heads",
            "refs/remotes",
            "refs/tags",
        ],
    )?;
    Ok(out
        .lines()
        .filter(|l| !l.is_empty() && !l.ends_with("/HEAD"))
        .map(str::to_string)
        .collect())
}

/// `(ref, path)` of every file under `paths` that matches the extended regular expression
/// `regex` (case-insensitively) in the tree of one of `refs`.
pub fn grep_refs(
    root: &Path,
    regex: &str,
    refs: &[String],
    paths: &[&str],
) -> Result<Vec<(String, String)>, AuditError> {
    let mut found = Vec::new();
    for chunk in refs.chunks(200) {
        let mut cmd = command(root);
        cmd.args(["grep", "-I", "-l", "-i", "-E", "-e", regex]);
        cmd.args(chunk).arg("--").args(paths);
        let out = cmd.output().map_err(|source| AuditError::GitSpawn {
            path: root.to_path_buf(),
            step: "searching the workflows of every ref",
            source,
        })?;
        // 1: no match.
        if !out.status.success() && out.status.code() != Some(1) {
            return Err(AuditError::Git {
                path: root.to_path_buf(),
                step: "searching the workflows of every ref",
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Some(r) = chunk.iter().find(|r| line.starts_with(&format!("{r}:"))) else {
                continue;
            };
            found.push((r.clone(), line[r.len() + 1..].to_string()));
        }
    }
    Ok(found)
}

/// The newest commit on any ref whose diff changes how often `regex` (extended,
/// case-insensitive) occurs in a file under `paths`: its id, committer time and the files.
pub fn last_change(
    root: &Path,
    regex: &str,
    paths: &[&str],
) -> Result<Option<(Oid, i64, Vec<String>)>, AuditError> {
    let pickaxe = format!("-S{regex}");
    let mut args = vec![
        "log",
        "--all",
        "-i",
        "--pickaxe-regex",
        pickaxe.as_str(),
        "--no-renames",
        "--format=%x00%H %ct",
        "--name-only",
        "-n1",
        "--",
    ];
    args.extend_from_slice(paths);
    let out = run_text(root, "finding the last commit that used a secret", &args)?;
    let Some(entry) = out.split('\0').map(str::trim).find(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let mut lines = entry.lines();
    let Some((oid, time)) = lines.next().and_then(|l| l.split_once(' ')) else {
        return Ok(None);
    };
    let files = lines
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    Ok(Some((oid.to_string(), time.parse().unwrap_or(0), files)))
}

/// The text of `path` in `rev` (`abc123`, `abc123^`, `refs/heads/main`), or `None`.
pub fn show(root: &Path, rev: &str, path: &str) -> Option<String> {
    let spec = format!("{rev}:{path}");
    let out = command(root)
        .args(["cat-file", "blob", &spec])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_lines() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let add = format!(":000000 100644 {z} {a} A");
        assert_eq!(new_blob_of_raw_line(add.as_bytes()), Some(a.clone()));
        let del = format!(":100644 000000 {a} {z} D");
        assert_eq!(new_blob_of_raw_line(del.as_bytes()), None);
        let merge = format!("::100644 100644 100644 {a} {a} {b} MM");
        assert_eq!(new_blob_of_raw_line(merge.as_bytes()), Some(b));
        assert_eq!(new_blob_of_raw_line(b":garbage"), None);
    }
}
