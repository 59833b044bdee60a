//! `hoist audit` on awkward input: binary files, huge files, non-UTF-8 files, a shallow clone,
//! a directory that is not a repository, a repository with a missing object, an empty
//! repository, odd paths, and a history of a few hundred commits. None may crash the scan;
//! each is reported or skipped with a reason.

mod support_audit;

use std::process::Command;

use serde_json::Value;
use support_audit::*;

fn audit(dir: &std::path::Path, extra: &[&str]) -> (Value, Option<i32>, String) {
    let mut args = vec!["audit", "--format", "json"];
    args.extend_from_slice(extra);
    let out = hoist(dir, &args);
    (json(&out), out.status.code(), stderr(&out))
}

fn paths(v: &Value, code: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn binary_and_non_utf8_files_are_scanned_as_bytes() {
    let mut repo = Repo::new();
    let t1 = user_token(10);
    let t2 = user_token(11);
    let mut binary = vec![0u8, 1, 2, 0xff, 0xfe, b'\n'];
    binary.extend_from_slice(t1.as_bytes());
    binary.extend_from_slice(&[0, 0, 0x80]);
    repo.write("assets/blob.bin", &binary);
    let mut latin1 = b"caf\xe9 = 1\n# r\xe9sum\xe9\n".to_vec();
    latin1.extend_from_slice(format!("token = {t2}\n").as_bytes());
    repo.write("conf/latin1.cfg", &latin1);
    repo.commit("odd files");
    let (v, code, err) = audit(repo.path(), &[]);
    assert_eq!(code, Some(1), "{err}");
    let bin = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "assets/blob.bin")
        .expect("token in the binary file");
    assert_eq!(bin["occurrences"][0]["binary"], true);
    assert_eq!(bin["line"], 2);
    assert!(bin["message"].as_str().unwrap().contains("binary"));
    let latin = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "conf/latin1.cfg")
        .expect("token in the latin-1 file");
    assert_eq!(latin["line"], 3);
    assert!(v["stats"]["binary_blobs"].as_u64().unwrap() >= 1);
}

#[test]
fn huge_files_are_skipped_with_a_reason() {
    let mut repo = Repo::new();
    let token = user_token(12);
    let mut big = "x".repeat(200_000);
    big.push('\n');
    big.push_str(&token);
    repo.write("data/big.txt", &big);
    repo.write("small.txt", "nothing\n");
    repo.commit("big");
    repo.write("data/big-untracked.txt", &big);
    let (v, code, _) = audit(repo.path(), &["--max-blob-size", "100000"]);
    assert_eq!(code, Some(0));
    let notes = v["notes"].as_array().unwrap();
    for path in ["data/big.txt", "data/big-untracked.txt"] {
        let note = notes
            .iter()
            .find(|n| n["path"] == path)
            .unwrap_or_else(|| panic!("no note for {path}: {notes:#?}"));
        assert!(
            note["reason"]
                .as_str()
                .unwrap()
                .contains("above the --max-blob-size")
        );
    }
    assert_eq!(v["stats"]["skipped"], 2);
    // With the default limit, the same file is scanned and the token found.
    let (v, code, _) = audit(repo.path(), &[]);
    assert_eq!(code, Some(1));
    assert!(paths(&v, "AUD001").contains(&"data/big.txt".to_string()));
}

#[test]
fn shallow_clone_is_noted_and_scanned() {
    let mut origin = Repo::new();
    let old = user_token(13);
    let current = user_token(14);
    origin.write("old.py", format!("T = '{old}'\n"));
    origin.commit("old token");
    origin.remove("old.py");
    origin.commit("remove");
    origin.write("new.py", format!("T = '{current}'\n"));
    origin.commit("new token");

    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    let out = git_env(Command::new("git").args(["clone", "-q", "--depth", "1", &url]))
        .arg(clone.path().join("c"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (v, code, err) = audit(&clone.path().join("c"), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(v["shallow"], true);
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["reason"].as_str().unwrap().contains("shallow clone"))
    );
    let found = paths(&v, "AUD001");
    assert_eq!(
        found,
        vec!["new.py"],
        "the old token is before the shallow boundary"
    );
}

#[test]
fn plain_directory_without_git() {
    let dir = tempfile::tempdir().unwrap();
    let token = project_token(15, "x");
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/.pypirc"),
        format!("[pypi]\npassword = {token}\n"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("node_modules/p")).unwrap();
    std::fs::write(dir.path().join("node_modules/p/t.txt"), &token).unwrap();
    let (v, code, err) = audit(dir.path(), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(v["git"], false);
    assert!(
        v["notes"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("not a git repository")
    );
    assert_eq!(paths(&v, "AUD002"), vec!["sub/.pypirc"]);
    assert_eq!(paths(&v, "AUD104"), vec!["sub/.pypirc"]);
}

#[test]
fn missing_object_is_noted_not_fatal() {
    let mut repo = Repo::new();
    repo.write("a.txt", "hello\n");
    repo.write("b.txt", "world\n");
    repo.commit("two files");
    let (oid, object) = loose_object(&repo, "b.txt");
    std::fs::remove_file(object).unwrap();
    let v = audit_ok(&repo);
    assert!(
        has_note(&v, |n| n["object"] == oid.as_str()
            && n["reason"].as_str().unwrap().contains("missing")),
        "{v:#}"
    );
}

/// The object id of `path` at HEAD and the file of its loose object.
fn loose_object(repo: &Repo, path: &str) -> (String, std::path::PathBuf) {
    let oid = repo.git(&["rev-parse", &format!("HEAD:{path}")]);
    let file = repo
        .path()
        .join(".git/objects")
        .join(&oid[..2])
        .join(&oid[2..]);
    (oid, file)
}

/// `hoist audit --format json`, which must exit 0.
fn audit_ok(repo: &Repo) -> Value {
    let out = hoist(repo.path(), &["audit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json(&out)
}

fn has_note(v: &Value, pred: impl Fn(&Value) -> bool) -> bool {
    v["notes"].as_array().unwrap().iter().any(pred)
}

#[test]
fn corrupt_object_is_noted_not_a_panic() {
    let mut repo = Repo::new();
    repo.write("a.txt", "hello\n");
    repo.commit("one");
    let (_, object) = loose_object(&repo, "a.txt");
    let mut perms = std::fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&object, perms).unwrap();
    std::fs::write(&object, b"not zlib at all").unwrap();
    let v = audit_ok(&repo);
    assert!(
        has_note(&v, |n| n["path"] == "a.txt"
            && n["reason"].as_str().unwrap().contains("unreadable")),
        "{v:#}"
    );
}

#[test]
fn empty_repository_and_odd_paths() {
    let repo = Repo::new();
    let (v, code, err) = audit(repo.path(), &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["head"], Value::Null);

    let mut repo = Repo::new();
    let token = user_token(16);
    repo.write("dir with space/ünïcode file.txt", format!("{token}\n"));
    repo.commit("odd path");
    let (v, code, _) = audit(repo.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(paths(&v, "AUD001"), vec!["dir with space/ünïcode file.txt"]);
    let out = hoist(repo.path(), &["audit", "--format", "sarif"]);
    let sarif = json(&out);
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "dir%20with%20space/%C3%BCn%C3%AFcode%20file.txt"
    );
}

#[test]
fn not_a_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = hoist(dir.path(), &["audit", "does-not-exist"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does-not-exist: not a directory"));
}

/// Writes a history of `commits` commits with `git fast-import`; commit `token_at` adds a
/// token that the next commit removes.
pub fn fast_import_history(repo: &Repo, commits: usize, token_at: usize, token: &str) {
    let mut stream = String::new();
    for i in 1..=commits {
        let content = if i == token_at {
            format!("value = {i}\nTOKEN = '{token}'\n")
        } else {
            format!("value = {i}\n")
        };
        let file = format!("src/module_{}.py", i % 50);
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{i}\ncommitter T <t@example.invalid> {} +0000\ndata 8\ncommit {}\n",
            1_700_000_000 + i,
            i % 10
        ));
        if i > 1 {
            stream.push_str(&format!("from :{}\n", i - 1));
        }
        stream.push_str(&format!(
            "M 100644 inline {file}\ndata {}\n{content}\n",
            content.len()
        ));
    }
    let mut child = git_env(Command::new("git").arg("-C").arg(repo.path()))
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    repo.git(&["checkout", "-q", "-f", "main"]);
}

#[test]
fn a_few_hundred_commits_each_blob_once() {
    let repo = Repo::new();
    let token = user_token(17);
    fast_import_history(&repo, 200, 57, &token);
    let (v, code, err) = audit(repo.path(), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(v["stats"]["commits"], 200);
    // Every blob was read exactly once: blobs scanned == distinct blobs.
    assert_eq!(v["stats"]["blobs_scanned"], v["stats"]["blobs"]);
    let f = &v["findings"][0];
    assert_eq!(f["path"], "src/module_7.py");
    assert_eq!(f["line"], 2);
    assert_eq!(f["at_head"], false);
    let commit = f["commit"].as_str().unwrap();
    let subject = repo.git(&["log", "-1", "--format=%ct", commit]);
    assert_eq!(subject, "1700000057");
}

#[test]
fn broken_workflow_yaml_is_noted() {
    let mut repo = Repo::new();
    repo.write(".github/workflows/bad.yml", "jobs:\n  x: [\n");
    repo.write(".github/workflows/binary.yml", b"\xff\xfe\x00\x01");
    repo.commit("bad yaml");
    let v = audit_ok(&repo);
    assert!(
        has_note(&v, |n| n["path"] == ".github/workflows/bad.yml"
            && n["reason"].as_str().unwrap().contains("YAML error at line")),
        "{v:#}"
    );
}
