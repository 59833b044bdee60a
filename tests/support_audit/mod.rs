//! Shared helpers for the audit and token tests: a macaroon builder that makes PyPI-shaped
//! tokens with a fixed key, a scratch git repository with deterministic commits, and a way to
//! run the real `hoist` binary.
#![allow(dead_code)]

pub mod ci_api;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The fixed root key the tests sign with (the reference vectors use `bytes(range(32))`).
pub const ROOT_KEY: [u8; 32] = {
    let mut k = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        k[i] = i as u8;
        i += 1;
    }
    k
};

/// The three test-vector tokens (macaroons signed with `bytes(range(32))`).
pub const REF_USER: &str = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMQACKlszLCIxMTExMTExMS0xMTExLTQxMTEtODExMS0xMTExMTExMTExMTEiXQAABiAKgC8E_jT3wm8OWuIKZaX_zWrP_IcX5M06f_a8MN_y-w";
pub const REF_PROJECT: &str = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMQACFVsxLFsic2FtcGxlcHJvamVjdCJdXQACLFsyLFsiMjIyMjIyMjItMjIyMi00MjIyLTgyMjItMjIyMjIyMjIyMjIyIl1dAAAGIAmlCnrdn44ijv1j11D3cCVNlfPOKdMYyyw1pNfzlfqC";
pub const REF_TRUSTED: &str = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMQACL1s0LCIzMzMzMzMzMy0zMzMzLTQzMzMtODMzMy0zMzMzMzMzMzMzMzMiLG51bGxdAAIsWzIsWyIyMjIyMjIyMi0yMjIyLTQyMjItODIyMi0yMjIyMjIyMjIyMjIiXV0AAhlbMCwxNzAwMDAwOTAwLDE3MDAwMDAwMDBdAAAGIPd6_XkujEiD44G9pUFpqkdH5-Ow4OVv05u9mak1Klfa";

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

fn uvarint(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn packet(kind: u8, data: &[u8], out: &mut Vec<u8>) {
    out.push(kind);
    uvarint(data.len(), out);
    out.extend_from_slice(data);
}

/// The HMAC chain pymacaroons computes: the key is derived from the root key, then each
/// caveat re-keys the signature.
pub fn signature(identifier: &str, caveats: &[&str], root_key: &[u8]) -> [u8; 32] {
    let derived = hmac(b"macaroons-key-generator", root_key);
    let mut sig = hmac(&derived, identifier.as_bytes());
    for c in caveats {
        sig = hmac(&sig, c.as_bytes());
    }
    sig
}

/// A PyPI API token: `pypi-` + unpadded URL-safe base64 of a V2 binary macaroon.
pub fn build_token(location: &str, identifier: &str, caveats: &[&str]) -> String {
    let mut m = vec![2u8];
    packet(1, location.as_bytes(), &mut m);
    packet(2, identifier.as_bytes(), &mut m);
    m.push(0);
    for c in caveats {
        packet(2, c.as_bytes(), &mut m);
        m.push(0);
    }
    m.push(0);
    packet(6, &signature(identifier, caveats, &ROOT_KEY), &mut m);
    format!(
        "pypi-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(m)
    )
}

/// A user-wide token on pypi.org with a distinct id.
pub fn user_token(n: u32) -> String {
    build_token(
        "pypi.org",
        &format!("00000000-0000-4000-8000-{n:012}"),
        &[r#"[3,"11111111-1111-4111-8111-111111111111"]"#],
    )
}

/// A project-scoped token on pypi.org.
pub fn project_token(n: u32, project: &str) -> String {
    let names = format!(r#"[1,["{project}"]]"#);
    build_token(
        "pypi.org",
        &format!("00000000-0000-4000-8000-{n:012}"),
        &[&names, r#"[2,["22222222-2222-4222-8222-222222222222"]]"#],
    )
}

/// A project-scoped token in the legacy caveat form (old tokens).
pub fn legacy_project_token(n: u32, project: &str) -> String {
    let caveat = format!(r#"{{"permissions":{{"projects":["{project}"]}},"version":1}}"#);
    build_token(
        "pypi.org",
        &format!("00000000-0000-4000-8000-{n:012}"),
        &[&caveat],
    )
}

/// Environment that keeps git away from the user's and the system's configuration.
pub fn git_env(cmd: &mut Command) -> &mut Command {
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("LC_ALL", "C")
}

/// A scratch git repository whose commits have fixed dates (so commit ids are stable).
pub struct Repo {
    pub dir: tempfile::TempDir,
    commits: i64,
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Repo { dir, commits: 0 };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git in the repository and returns its stdout; panics on failure (test setup).
    pub fn git(&self, args: &[&str]) -> String {
        let out = git_env(Command::new("git").arg("-C").arg(self.path()).args(args))
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(full, contents).expect("write");
    }

    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.path().join(path)).expect("remove");
    }

    /// Commits everything (`git add -A`) and returns the commit id.
    pub fn commit(&mut self, message: &str) -> String {
        self.commits += 1;
        let date = format!("{} +0000", 1_704_067_200 + self.commits * 86_400);
        self.git(&["add", "-A"]);
        let out = git_env(Command::new("git").arg("-C").arg(self.path()).args([
            "commit",
            "-q",
            "--no-gpg-sign",
            "-m",
            message,
        ]))
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("git commit");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.git(&["rev-parse", "HEAD"])
    }
}

/// Runs the real `hoist` binary in `dir` with no standard input.
pub fn hoist(dir: &Path, args: &[&str]) -> Output {
    git_env(&mut Command::new(env!("CARGO_BIN_EXE_hoist")))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("hoist runs")
}

/// Runs the real `hoist` binary with `input` on standard input.
pub fn hoist_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoist"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hoist runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("hoist finishes")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parses `hoist audit --format json` output.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(out), stderr(out)))
}

/// Path to a scratch file name inside a repository.
pub fn join(repo: &Repo, rel: &str) -> PathBuf {
    repo.path().join(rel)
}
