//! `hoist audit` end to end, through the real binary, on git repositories built in the test:
//! a project that collected several tokens over the years (one deleted, one in a `.pypirc`, a
//! legacy token for a renamed predecessor, an expired trusted-publishing token), workflows in
//! the token style and the trusted-publishing style, and a GitLab CI file.

mod support_audit;

use serde_json::Value;
use support_audit::*;

const RELEASE_YML: &str = r#"name: release
on:
  release:
    types: [published]
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: release
    steps:
      - uses: actions/checkout@v4
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"#;

const NIGHTLY_YML: &str = r#"name: nightly
on:
  schedule:
    - cron: "0 3 * * *"
jobs:
  nightly:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          python -m build
          twine upload --repository-url https://test.pypi.org/legacy/ dist/*
        env:
          TWINE_USERNAME: __token__
          TWINE_PASSWORD: ${{ secrets.NIGHTLY_PYPI_TOKEN }}
"#;

const TRUSTED_YML: &str = r#"name: trusted
on: push
jobs:
  pypi:
    runs-on: ubuntu-latest
    environment:
      name: pypi
      url: https://pypi.org/p/sampleproject
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
"#;

const GITLAB_CI: &str = r#"stages: [build, deploy]
build:
  stage: build
  script:
    - python -m build
publish:
  stage: deploy
  environment: production
  variables:
    TWINE_USERNAME: __token__
    TWINE_PASSWORD: $PYPI_TOKEN
  script:
    - pip install twine
    - twine upload dist/*
"#;

/// The project with a history, and its tokens (kept here only to check they never leak).
pub struct Fixture {
    pub repo: Repo,
    pub tokens: Vec<String>,
    pub deleted_commit: String,
}

pub fn fixture() -> Fixture {
    let mut repo = Repo::new();
    let deleted = user_token(1);
    let pypirc = project_token(2, "sampleproject");
    let legacy = legacy_project_token(3, "oldname");
    let untracked = project_token(4, "sampleproject");
    let suppressed = user_token(5);

    repo.write(
        "pyproject.toml",
        "[build-system]\nrequires = [\"hatchling\"]\n\n[project]\nname = \"sampleproject\"\nversion = \"1.0\"\n",
    );
    repo.write("README.md", "# sampleproject\n");
    repo.commit("initial");

    repo.write(
        "deploy/settings.py",
        format!("# release settings\nUSER = '__token__'\nTOKEN = '{deleted}'\n"),
    );
    let deleted_commit = repo.commit("add release settings");
    repo.remove("deploy/settings.py");
    repo.commit("remove settings");

    repo.write(
        ".pypirc",
        format!("[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = {pypirc}\n"),
    );
    repo.write(
        "scripts/release-oldname.sh",
        format!("#!/bin/sh\n# the package before the rename\nexport TWINE_PASSWORD={legacy}\ntwine upload dist/*\n"),
    );
    repo.write("docs/ci-debug.log", format!("minted {REF_TRUSTED}\n"));
    repo.write(
        "tests/test_tokens.py",
        format!("FAKE = '{suppressed}'  # hoist-audit: ignore\n"),
    );
    repo.write(".github/workflows/release.yml", RELEASE_YML);
    repo.write(".github/workflows/nightly.yml", NIGHTLY_YML);
    repo.write(".github/workflows/trusted.yml", TRUSTED_YML);
    repo.write(".gitlab-ci.yml", GITLAB_CI);
    repo.commit("release tooling");

    repo.write(".env", format!("PYPI_TOKEN={untracked}\n"));
    repo.git(&["remote", "add", "origin", "git@github.com:acme/widget.git"]);

    Fixture {
        repo,
        tokens: vec![deleted, pypirc, legacy, untracked, suppressed],
        deleted_commit,
    }
}

fn audit_json(f: &Fixture, extra: &[&str]) -> (Value, Option<i32>) {
    let mut args = vec!["audit", "--format", "json"];
    args.extend_from_slice(extra);
    let out = hoist(f.repo.path(), &args);
    (json(&out), out.status.code())
}

fn finding<'a>(v: &'a Value, code: &str, path: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code && f["path"] == path)
        .unwrap_or_else(|| panic!("no {code} at {path} in {v:#}"))
}

#[test]
fn committed_and_deleted_token_is_found_with_its_commit() {
    let f = fixture();
    let (v, code) = audit_json(&f, &[]);
    assert_eq!(code, Some(1));
    let x = finding(&v, "AUD001", "deploy/settings.py");
    assert_eq!(x["severity"], "high");
    assert_eq!(x["at_head"], false);
    assert_eq!(x["line"], 3);
    assert_eq!(x["commit"], f.deleted_commit.as_str());
    assert_eq!(x["scope"]["kind"], "user");
    assert_eq!(x["scope"]["id"], "00000000-0000-4000-8000-000000000001");
    assert!(x["message"].as_str().unwrap().contains("deleted since"));
}

#[test]
fn pypirc_token_at_head_is_critical_and_the_pypirc_is_reported() {
    let f = fixture();
    let (v, _) = audit_json(&f, &[]);
    let x = finding(&v, "AUD001", ".pypirc");
    assert_eq!(x["severity"], "critical");
    assert_eq!(x["at_head"], true);
    assert_eq!(x["line"], 6);
    assert_eq!(x["scope"]["kind"], "project");
    assert_eq!(x["scope"]["projects"][0], "sampleproject");
    // Critical findings come first.
    assert_eq!(v["findings"][0]["severity"], "critical");
    let p = finding(&v, "AUD104", ".pypirc");
    assert_eq!(p["line"], 6);
    assert!(p["message"].as_str().unwrap().contains("[pypi]"));
}

#[test]
fn legacy_expired_untracked_and_suppressed_tokens() {
    let f = fixture();
    let (v, _) = audit_json(&f, &[]);
    let legacy = finding(&v, "AUD001", "scripts/release-oldname.sh");
    assert_eq!(legacy["scope"]["projects"][0], "oldname");
    assert_eq!(legacy["scope"]["legacy_caveats"], true);
    let expired = finding(&v, "AUD001", "docs/ci-debug.log");
    assert_eq!(expired["severity"], "low");
    assert_eq!(expired["scope"]["kind"], "trusted-publishing");
    let untracked = finding(&v, "AUD002", ".env");
    assert_eq!(untracked["severity"], "high");
    assert_eq!(untracked["occurrences"][0]["worktree"], true);
    let suppressed = v["suppressed"].as_array().unwrap();
    assert!(
        suppressed
            .iter()
            .any(|s| s["code"] == "AUD001" && s["path"] == "tests/test_tokens.py"),
        "{suppressed:#?}"
    );
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["path"] == "tests/test_tokens.py")
    );
}

#[test]
fn token_style_workflows_fail_and_get_a_publisher() {
    let f = fixture();
    let (v, _) = audit_json(&f, &[]);
    let rel = finding(&v, "AUD101", ".github/workflows/release.yml");
    assert_eq!(rel["severity"], "high");
    assert_eq!(rel["line"], 14);
    assert_eq!(rel["job"]["job"], "publish");
    assert_eq!(rel["job"]["secrets"][0]["name"], "PYPI_API_TOKEN");
    let nightly = finding(&v, "AUD101", ".github/workflows/nightly.yml");
    assert_eq!(nightly["line"], 15);
    assert_eq!(nightly["job"]["indexes"][0], "test.pypi.org");

    let publishers = v["publishers"].as_array().unwrap();
    let p = publishers
        .iter()
        .find(|p| p["file"] == ".github/workflows/release.yml")
        .unwrap();
    assert_eq!(p["status"], "stored-token");
    assert_eq!(p["owner"], "acme");
    assert_eq!(p["repository"], "widget");
    assert_eq!(p["workflow"], "release.yml");
    assert_eq!(p["environment"], "release");
    assert_eq!(p["pypi_project"], "sampleproject");
    let changes: Vec<&str> = p["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert!(changes[0].contains("id-token: write"), "{changes:?}");
    assert!(
        changes.iter().any(|c| c.contains("password:")),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.contains("delete `PYPI_API_TOKEN`")),
        "{changes:?}"
    );
}

#[test]
fn trusted_publishing_workflow_is_not_a_finding() {
    let f = fixture();
    let (v, _) = audit_json(&f, &[]);
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["path"] == ".github/workflows/trusted.yml")
    );
    let p = v["publishers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["file"] == ".github/workflows/trusted.yml")
        .unwrap();
    assert_eq!(p["status"], "trusted-publishing");
    assert_eq!(p["environment"], "pypi");
}

#[test]
fn gitlab_ci_with_a_stored_token() {
    let f = fixture();
    let (v, _) = audit_json(&f, &[]);
    let g = finding(&v, "AUD103", ".gitlab-ci.yml");
    assert_eq!(g["line"], 11);
    assert_eq!(g["job"]["job"], "publish");
    assert_eq!(g["job"]["secrets"][0]["name"], "PYPI_TOKEN");
    let p = v["publishers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["file"] == ".gitlab-ci.yml")
        .unwrap();
    assert_eq!(p["provider"], "gitlab");
    assert_eq!(p["workflow"], ".gitlab-ci.yml");
    assert_eq!(p["environment"], "production");
    assert!(
        p["changes"][0]["text"]
            .as_str()
            .unwrap()
            .contains("PYPI_ID_TOKEN")
    );
}

#[test]
fn fail_on_thresholds() {
    let f = fixture();
    assert_eq!(hoist(f.repo.path(), &["audit"]).status.code(), Some(1));
    assert_eq!(
        hoist(f.repo.path(), &["audit", "--fail-on", "critical"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        hoist(f.repo.path(), &["audit", "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn clean_repository_passes() {
    let mut repo = Repo::new();
    repo.write(
        "README.md",
        "# nothing here\npypi-AgEIcHlwaS5vcmc… (a redacted example)\n",
    );
    repo.write(".github/workflows/release.yml", TRUSTED_YML);
    repo.commit("initial");
    let out = hoist(repo.path(), &["audit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["failed"], false);
    assert_eq!(v["stats"]["commits"], 1);
}

#[test]
fn ignore_file_suppresses_by_fingerprint_and_path() {
    let f = fixture();
    let fp = hoist::audit::token::redact(&f.tokens[0]).fingerprint;
    f.repo.write(
        ".hoist-audit-ignore",
        format!(
            "# reviewed: revoked on 2024-05-01\nAUD001 fingerprint:{fp}\nAUD101 .github/workflows/nightly.yml\n"
        ),
    );
    let (v, _) = audit_json(&f, &[]);
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["path"].as_str().unwrap())
        .collect();
    assert!(!paths.contains(&"deploy/settings.py"), "{paths:?}");
    assert!(
        !paths.contains(&".github/workflows/nightly.yml"),
        "{paths:?}"
    );
    assert!(paths.contains(&".github/workflows/release.yml"));

    f.repo.write(".hoist-audit-ignore", "AUD999 x\n");
    let out = hoist(f.repo.path(), &["audit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".hoist-audit-ignore:1: unknown rule `AUD999`"));
}

#[test]
fn inline_suppression_in_a_workflow() {
    let mut repo = Repo::new();
    let wf = RELEASE_YML.replace(
        "password: ${{ secrets.PYPI_API_TOKEN }}",
        "password: ${{ secrets.PYPI_API_TOKEN }}  # hoist-audit: ignore[AUD101]",
    );
    repo.write(".github/workflows/release.yml", wf);
    repo.commit("wf");
    let out = hoist(repo.path(), &["audit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(v["suppressed"][0]["code"], "AUD101");
}

#[test]
fn missing_id_token_permission() {
    let mut repo = Repo::new();
    repo.write(
        ".github/workflows/release.yml",
        "on: push\njobs:\n  up:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: pypa/gh-action-pypi-publish@release/v1\n",
    );
    repo.commit("wf");
    let out = hoist(repo.path(), &["audit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["findings"][0]["code"], "AUD102");
    assert_eq!(v["findings"][0]["severity"], "medium");
    let out = hoist(repo.path(), &["audit", "--fail-on", "medium"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn sarif_has_what_code_scanning_needs() {
    let f = fixture();
    let out = hoist(f.repo.path(), &["audit", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif"));
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "AUD001"));
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].is_string());
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(r["partialFingerprints"]["hoistFinding/v1"].is_string());
    }
    let critical = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".pypirc"
                && r["ruleId"] == "AUD001"
        })
        .unwrap();
    assert_eq!(critical["level"], "error");
    assert!(results.iter().any(|r| r["suppressions"].is_array()));
}

#[test]
fn human_report_is_grouped_by_severity() {
    let f = fixture();
    let out = hoist(f.repo.path(), &["audit"]);
    let text = stdout(&out);
    let at = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("no {s:?} in\n{text}"))
    };
    assert!(at("CRITICAL (") < at("HIGH ("));
    assert!(at("HIGH (") < at("MEDIUM ("));
    assert!(at("MEDIUM (") < at("LOW ("));
    assert!(at("LOW (") < at("Trusted publishers"));
    assert!(text.contains("workflow name"));
    assert!(text.contains("failing"));
}

#[test]
fn no_output_format_ever_contains_a_token() {
    let f = fixture();
    let mut outputs = Vec::new();
    for args in [
        vec!["audit"],
        vec!["audit", "--show-suppressed"],
        vec!["audit", "--format", "json"],
        vec!["audit", "--format", "sarif"],
        vec!["audit", "--no-history", "--format", "json"],
    ] {
        let out = hoist(f.repo.path(), &args);
        outputs.push(format!("{}{}", stdout(&out), stderr(&out)));
    }
    let mut all_tokens = f.tokens.clone();
    all_tokens.push(REF_TRUSTED.to_string());
    for t in &all_tokens {
        for fmt in ["human", "json"] {
            let out = hoist_stdin(&["token", "inspect", "--format", fmt], t);
            outputs.push(format!("{}{}", stdout(&out), stderr(&out)));
        }
        let broken = format!("{}!!", &t[..t.len() - 3]);
        let out = hoist_stdin(&["token", "inspect"], &broken);
        outputs.push(format!("{}{}", stdout(&out), stderr(&out)));
    }
    for output in &outputs {
        for t in &all_tokens {
            assert!(
                !output.contains(t.as_str()),
                "a full token leaked:\n{output}"
            );
            // Nor any stretch of it past the 12 characters that may be shown.
            assert!(
                !output.contains(&t[12..40]),
                "part of a token leaked:\n{output}"
            );
        }
    }
}

/// Whole reports, pinned as snapshots (root path and HEAD id replaced by placeholders; commit
/// ids are stable because the test repositories' dates are fixed).
fn normalise(text: &str, f: &Fixture) -> String {
    let root = f.repo.path().canonicalize().unwrap();
    text.replace(root.to_str().unwrap(), "[ROOT]")
        .replace(f.repo.path().to_str().unwrap(), "[ROOT]")
}

#[test]
fn snapshot_human() {
    let f = fixture();
    let out = hoist(f.repo.path(), &["audit", "--show-suppressed"]);
    insta::assert_snapshot!("audit_human", normalise(&stdout(&out), &f));
}

#[test]
fn snapshot_json() {
    let f = fixture();
    let out = hoist(f.repo.path(), &["audit", "--format", "json"]);
    insta::assert_snapshot!("audit_json", normalise(&stdout(&out), &f));
}

#[test]
fn snapshot_sarif() {
    let f = fixture();
    let out = hoist(f.repo.path(), &["audit", "--format", "sarif"]);
    insta::assert_snapshot!("audit_sarif", normalise(&stdout(&out), &f));
}

#[test]
fn snapshot_human_default() {
    let f = fixture();
    let out = hoist(f.repo.path(), &["audit"]);
    let text = format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        stdout(&out),
        stderr(&out)
    );
    insta::assert_snapshot!("audit_human_default", normalise(&text, &f));
}
