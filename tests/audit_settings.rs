//! `hoist audit --github` / `--gitlab` end to end: the real binary reads stored secrets from a
//! fake GitHub REST API / GitLab API on 127.0.0.1 (support_audit::ci_api) and cross-references
//! them with a git history built here, in which a publishing workflow used `secrets.PYPI_TOKEN`
//! and was then moved to trusted publishing.

mod support_audit;

use std::process::{Command, Output, Stdio};

use serde_json::Value;
use support_audit::ci_api::{FakeApi, Mode, State, secret};
use support_audit::*;

const API_TOKEN: &str = "ghp_FAKEtoken0123456789abcdefSECRETvalue";
const GL_TOKEN: &str = "glpat-FAKEtoken0123456789SECRETvalue";
const GL_VALUE: &str = "pypi-AgEIcHlwaS5vcmcVALUEthatMustNeverShow";

const RELEASE_TOKEN: &str = r#"name: release
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
          password: ${{ secrets.PYPI_TOKEN }}
"#;

const RELEASE_TRUSTED: &str = r#"name: release
on:
  release:
    types: [published]
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: release
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
"#;

const NIGHTLY: &str = r#"name: nightly
on:
  schedule:
    - cron: "0 3 * * *"
jobs:
  nightly:
    runs-on: ubuntu-latest
    steps:
      - run: |
          python -m build
          twine upload dist/*
        env:
          TWINE_USERNAME: __token__
          TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN_NIGHTLY }}
"#;

const TESTPYPI_BOTH: &str = r#"name: testpypi
on: push
jobs:
  testpypi:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          repository-url: https://test.pypi.org/legacy/
          password: ${{ secrets.TEST_PYPI_TOKEN }}
"#;

const MAINTENANCE: &str = r#"name: release-1.x
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_TOKEN_1X }}
"#;

/// The repository and the commits the report must name.
struct History {
    repo: Repo,
    moved: String,
    nightly_removed: String,
}

/// initial (→ branch 1.x with a token workflow of its own) → token workflows → release.yml
/// moved to trusted publishing → nightly.yml deleted.
fn history() -> History {
    let mut repo = Repo::new();
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"sampleproject\"\nversion = \"1.0\"\n",
    );
    repo.commit("initial");
    repo.git(&["checkout", "-q", "-b", "1.x"]);
    repo.write(".github/workflows/release-1x.yml", MAINTENANCE);
    repo.commit("1.x: its own token");
    repo.git(&["checkout", "-q", "main"]);
    repo.write(".github/workflows/release.yml", RELEASE_TOKEN);
    repo.write(".github/workflows/nightly.yml", NIGHTLY);
    repo.commit("publish with tokens");
    repo.write(".github/workflows/release.yml", RELEASE_TRUSTED);
    repo.write(".github/workflows/testpypi.yml", TESTPYPI_BOTH);
    let moved = repo.commit("release: trusted publishing");
    repo.remove(".github/workflows/nightly.yml");
    let nightly_removed = repo.commit("drop the nightly upload");
    repo.git(&["remote", "add", "origin", "git@github.com:acme/widget.git"]);
    History {
        repo,
        moved,
        nightly_removed,
    }
}

fn github_state() -> State {
    let mut st = State::new(API_TOKEN);
    st.page_size = 2;
    st.repo_secrets.insert(
        "acme/widget".into(),
        vec![
            secret("CODECOV_TOKEN", "2023-02-01", "2023-02-01"),
            secret("PYPI_TOKEN", "2023-03-01", "2024-11-15"),
            secret("PYPI_TOKEN_1X", "2023-03-02", "2023-03-02"),
            secret("PYPI_TOKEN_NIGHTLY", "2023-04-01", "2023-06-30"),
            secret("TEST_PYPI_TOKEN", "2023-05-01", "2023-05-01"),
        ],
    );
    st.environments.insert(
        "acme/widget".into(),
        [
            (
                "release".to_string(),
                vec![secret("PYPI_TOKEN", "2023-07-01", "2024-01-20")],
            ),
            ("docs".to_string(), vec![]),
        ]
        .into_iter()
        .collect(),
    );
    st.org_secrets.insert(
        "acme/widget".into(),
        vec![secret("ACME_PYPI_UPLOAD", "2022-01-01", "2022-01-01")],
    );
    st
}

/// Runs hoist with only the variables given (no GH_TOKEN/GITLAB_TOKEN from the caller, and a
/// PATH without `gh`, so `gh auth token` is never tried unless a test wants it).
fn run(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let bin = tempfile::tempdir().expect("tempdir");
    let git = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v git"])
            .output()
            .expect("sh")
            .stdout,
    )
    .expect("utf8");
    std::os::unix::fs::symlink(git.trim(), bin.path().join("git")).expect("symlink git");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hoist"));
    git_env(&mut cmd);
    for var in [
        "GH_TOKEN",
        "GITHUB_TOKEN",
        "GITLAB_TOKEN",
        "CI_JOB_TOKEN",
        "HOIST_GITHUB_API_URL",
        "HOIST_GITLAB_URL",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "ALL_PROXY",
        "https_proxy",
        "http_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("PATH", bin.path()).env("NO_PROXY", "127.0.0.1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("hoist runs")
}

fn gh(h: &History, api: &FakeApi, args: &[&str]) -> Output {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    run(
        h.repo.path(),
        &all,
        &[("GH_TOKEN", API_TOKEN), ("HOIST_GITHUB_API_URL", &api.url)],
    )
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_no_token(out: &Output, token: &str) {
    let (o, e) = text(out);
    assert!(
        !o.contains(token) && !e.contains(token),
        "the API token leaked"
    );
    // Not even a recognisable piece of it.
    assert!(!o.contains(&token[8..24]) && !e.contains(&token[8..24]));
}

fn findings<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

fn stored<'a>(v: &'a Value, name: &str, scope: &str) -> &'a Value {
    v["stored"]
        .as_array()
        .expect("stored")
        .iter()
        .find(|s| s["secret"]["name"] == name && s["secret"]["scope"]["kind"] == scope)
        .unwrap_or_else(|| panic!("{name} ({scope}) not in {:#}", v["stored"]))
}

#[test]
fn leftovers_are_reported_with_the_commit_that_last_used_them() {
    let h = history();
    let api = FakeApi::start(github_state());
    let out = gh(&h, &api, &["--format", "json", "--github"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "leftovers fail by default\n{e}");
    assert_no_token(&out, API_TOKEN);
    let v: Value = serde_json::from_str(&o).expect("json");

    let pypi = stored(&v, "PYPI_TOKEN", "repository");
    assert_eq!(pypi["verdict"], "leftover");
    assert_eq!(pypi["last_change"]["commit"], h.moved.as_str());
    assert_eq!(pypi["last_change"]["file"], ".github/workflows/release.yml");
    assert_eq!(pypi["last_change"]["job"], "publish");
    assert_eq!(pypi["last_change"]["removed"], true);
    assert_eq!(pypi["last_change"]["job_now"], "trusted-publishing");

    let env = stored(&v, "PYPI_TOKEN", "environment");
    assert_eq!(env["secret"]["scope"]["name"], "release");
    assert_eq!(env["verdict"], "leftover");

    let nightly = stored(&v, "PYPI_TOKEN_NIGHTLY", "repository");
    assert_eq!(nightly["verdict"], "leftover");
    assert_eq!(nightly["last_change"]["commit"], h.nightly_removed.as_str());
    assert_eq!(nightly["last_change"]["job"], "nightly");
    assert_eq!(nightly["last_change"]["job_now"], "gone");

    let org = stored(&v, "ACME_PYPI_UPLOAD", "organization");
    assert_eq!(org["verdict"], "leftover");
    assert_eq!(org["last_change"], Value::Null);

    // Still used on another branch: in use, not a leftover.
    let maint = stored(&v, "PYPI_TOKEN_1X", "repository");
    assert_eq!(maint["verdict"], "in-use");
    assert_eq!(maint["used_by"][0]["reference"], "refs/heads/1.x");
    // Used only by a job that also has id-token: write.
    assert_eq!(
        stored(&v, "TEST_PYPI_TOKEN", "repository")["verdict"],
        "beside-oidc"
    );
    assert_eq!(
        stored(&v, "CODECOV_TOKEN", "repository")["verdict"],
        "unrelated"
    );

    let leftovers = findings(&v, "AUD105");
    assert_eq!(leftovers.len(), 4, "{leftovers:#?}");
    let repo_leftover = leftovers
        .iter()
        .find(|f| f["fingerprint"] == "AUD105:github:repository:PYPI_TOKEN")
        .expect("AUD105 for PYPI_TOKEN");
    assert_eq!(repo_leftover["severity"], "high");
    let msg = repo_leftover["message"].as_str().unwrap();
    let short = &h.moved[..10];
    assert!(
        msg.contains(&format!(
            "removed from release.yml (job `publish`) in {short} on 2024-01-05; that job now publishes by trusted publishing"
        )),
        "{msg}"
    );
    assert!(
        msg.contains("created 2023-03-01, updated 2024-11-15"),
        "{msg}"
    );
    assert_eq!(findings(&v, "AUD106").len(), 1);
    // AUD101 for the job that still passes TEST_PYPI_TOKEN gains the secret's dates.
    let aud101 = findings(&v, "AUD101");
    assert_eq!(aud101.len(), 1);
    assert!(aud101[0]["message"].as_str().unwrap().contains(
        "`TEST_PYPI_TOKEN` is a repository secret (created 2023-05-01, updated 2023-05-01)"
    ));
    assert_eq!(
        aud101[0]["secrets"][0]["updated_at"],
        "2023-05-01T12:30:00Z"
    );

    // Read-only, authenticated, documented headers, every page followed.
    let seen = api.requests();
    assert!(seen.iter().all(|r| r.method == "GET"));
    assert!(seen.iter().all(|r| {
        r.headers
            .iter()
            .any(|(k, v)| k == "authorization" && v == &format!("Bearer {API_TOKEN}"))
    }));
    assert!(seen.iter().all(|r| {
        r.headers
            .iter()
            .any(|(k, v)| k == "x-github-api-version" && v == "2022-11-28")
    }));
    assert!(
        seen.iter()
            .any(|r| r.target == "/repos/acme/widget/actions/secrets?per_page=2&page=3"),
        "{:#?}",
        seen.iter().map(|r| &r.target).collect::<Vec<_>>()
    );
    assert!(seen.iter().any(|r| {
        r.target
            .starts_with("/repos/acme/widget/environments/release/secrets")
    }));
}

#[test]
fn sarif_and_human_carry_the_same_findings_without_the_token() {
    let h = history();
    let api = FakeApi::start(github_state());
    let sarif = gh(&h, &api, &["--format", "sarif", "--github", "--", "."]);
    assert_no_token(&sarif, API_TOKEN);
    let v: Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    let results = v["runs"][0]["results"].as_array().unwrap();
    let codes: Vec<&str> = results
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == "AUD105").count(), 4);
    assert_eq!(codes.iter().filter(|c| **c == "AUD106").count(), 1);
    let rules: Vec<&str> = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(rules.contains(&"AUD105") && rules.contains(&"AUD106"));

    let human = gh(&h, &api, &["--github=acme/widget"]);
    assert_eq!(human.status.code(), Some(1));
    assert_no_token(&human, API_TOKEN);
    let (o, _) = text(&human);
    assert_eq!(o.matches("AUD105 leftover-secret").count(), 4, "{o}");
}

/// The checklist at the end of the human report, pinned.
#[test]
fn the_checklist_is_pinned() {
    let h = history();
    let api = FakeApi::start(github_state());
    let out = gh(&h, &api, &["--github", "acme/widget"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{e}");
    let from = o
        .find("\nStored secrets in")
        .expect("stored secrets section");
    let tail = o[from..].replace(&api.url, "[API]");
    let tail = tail
        .replace(&h.moved[..10], "[MOVED]")
        .replace(&h.nightly_removed[..10], "[NIGHTLY-REMOVED]");
    insta::assert_snapshot!("github_checklist", tail);
}

#[test]
fn a_repository_with_nothing_left_reports_nothing() {
    let h = history();
    let mut st = State::new(API_TOKEN);
    st.repo_secrets.insert(
        "acme/widget".into(),
        vec![
            secret("CODECOV_TOKEN", "2023-02-01", "2023-02-01"),
            secret("PYPI_TOKEN_1X", "2023-03-02", "2023-03-02"),
        ],
    );
    let api = FakeApi::start(st);
    // Only the 1.x branch's secret (still in use there) and an unrelated one: nothing to report
    // beyond what the workflows on main already show (testpypi.yml's AUD101).
    let out = gh(&h, &api, &["--format", "json", "--github"]);
    assert_no_token(&out, API_TOKEN);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(findings(&v, "AUD105").is_empty());
    assert!(findings(&v, "AUD106").is_empty());
    // A clean repository: trusted publishing only, no secrets stored.
    let mut clean = Repo::new();
    clean.write(".github/workflows/release.yml", RELEASE_TOKEN);
    clean.commit("token");
    clean.write(".github/workflows/release.yml", RELEASE_TRUSTED);
    clean.commit("trusted");
    clean.git(&[
        "remote",
        "add",
        "origin",
        "https://github.com/acme/clean.git",
    ]);
    let mut st = State::new(API_TOKEN);
    st.repo_secrets.insert("acme/clean".into(), vec![]);
    let api = FakeApi::start(st);
    let out = run(
        clean.path(),
        &["audit", "--github"],
        &[
            ("GITHUB_TOKEN", API_TOKEN),
            ("HOIST_GITHUB_API_URL", &api.url),
        ],
    );
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}{e}");
    assert!(o.contains("Stored secrets: nothing left to retire."), "{o}");
    assert!(o.contains("No findings"), "{o}");
    assert_no_token(&out, API_TOKEN);

    // The same repository with the old token still stored: the leftover alone fails the run
    // under the default --fail-on; organisation secrets it may not read become a note.
    let mut st = State::new(API_TOKEN);
    st.repo_secrets.insert(
        "acme/clean".into(),
        vec![secret("PYPI_TOKEN", "2023-03-01", "2023-03-01")],
    );
    st.forbid_org = true;
    let api = FakeApi::start(st);
    let out = run(
        clean.path(),
        &["audit", "--format", "json", "--github"],
        &[
            ("GITHUB_TOKEN", API_TOKEN),
            ("HOIST_GITHUB_API_URL", &api.url),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_no_token(&out, API_TOKEN);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert_eq!(codes, ["AUD105"]);
    let note = v["settings"][0]["notes"][0].as_str().unwrap();
    assert!(
        note.starts_with("organisation secrets not read") && note.contains("403"),
        "{note}"
    );
}

#[test]
fn api_errors_are_explained() {
    let h = history();
    // No credential at all (no variables, no `gh` on PATH).
    let out = run(h.repo.path(), &["audit", "--github"], &[]);
    let (_, e) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        e.contains("GH_TOKEN or GITHUB_TOKEN") && e.contains("gh auth login"),
        "{e}"
    );
    assert!(e.contains("Secrets: read"), "{e}");

    // A wrong token: 401.
    let api = FakeApi::start(github_state());
    let out = run(
        h.repo.path(),
        &["audit", "--github"],
        &[
            ("GH_TOKEN", "ghp_wrongWRONGwrong0123456789"),
            ("HOIST_GITHUB_API_URL", &api.url),
        ],
    );
    let (_, e) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        e.contains("refused (401)") && e.contains("Bad credentials") && e.contains("GH_TOKEN"),
        "{e}"
    );
    assert!(!e.contains("ghp_wrongWRONGwrong0123456789"));

    // Missing permission: 403 names the permission.
    let e = refused(&h, Mode::Forbidden, "--github");
    assert!(
        e.contains("permission denied (403)") && e.contains("Resource not accessible"),
        "{e}"
    );
    assert!(
        e.contains("`repo` scope") && e.contains("Secrets: read"),
        "{e}"
    );
    // Unknown repository: 404.
    let e = refused(&h, Mode::Normal, "--github=acme/nope");
    assert!(
        e.contains("not found (404)") && e.contains("/repos/acme/nope/"),
        "{e}"
    );
    // A long rate limit: a clear message, no waiting an hour.
    let e = refused(&h, Mode::RateLimitedLong, "--github");
    assert!(
        e.contains("rate limit reached (429)") && e.contains("3600 s"),
        "{e}"
    );
}

/// Runs `hoist audit FLAG` against a fake in `mode`; checks it exits 2 without showing the
/// token, and returns its stderr.
fn refused(h: &History, mode: Mode, flag: &str) -> String {
    let mut st = github_state();
    st.mode = mode;
    let api = FakeApi::start(st);
    let out = gh(h, &api, &[flag]);
    assert_eq!(out.status.code(), Some(2));
    assert_no_token(&out, API_TOKEN);
    text(&out).1
}

#[test]
fn a_short_rate_limit_is_waited_out() {
    let h = history();
    let mut st = github_state();
    st.mode = Mode::RateLimitedFor(1);
    let api = FakeApi::start(st);
    let out = gh(&h, &api, &["--format", "json", "--github"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{e}");
    let v: Value = serde_json::from_str(&o).expect("json");
    assert_eq!(findings(&v, "AUD105").len(), 4);
    let seen = api.requests();
    assert_eq!(
        seen[0].target, seen[1].target,
        "the limited request is retried"
    );
}

const GITLAB_TOKEN_CI: &str = r#"stages: [deploy]
publish:
  stage: deploy
  variables:
    TWINE_USERNAME: __token__
    TWINE_PASSWORD: $PYPI_TOKEN
  script:
    - twine upload dist/*
"#;

const GITLAB_TRUSTED_CI: &str = r#"stages: [deploy]
publish:
  stage: deploy
  id_tokens:
    PYPI_ID_TOKEN:
      aud: pypi
  script:
    - twine upload dist/*
"#;

#[test]
fn gitlab_variables_leftovers_and_values_never_shown() {
    let mut repo = Repo::new();
    repo.write(".gitlab-ci.yml", GITLAB_TOKEN_CI);
    repo.commit("publish with a token");
    repo.write(".gitlab-ci.yml", GITLAB_TRUSTED_CI);
    let moved = repo.commit("trusted publishing");
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://gitlab.example.org/sci/tools/widget.git",
    ]);

    let mut st = State::new(GL_TOKEN);
    st.page_size = 1;
    st.projects.insert(
        "sci/tools/widget".into(),
        ("group".into(), "sci/tools".into()),
    );
    st.variables.insert(
        "sci/tools/widget".into(),
        vec![
            ("PYPI_TOKEN".into(), GL_VALUE.into(), "*".into()),
            ("DOCS_DEPLOY_KEY".into(), "x".repeat(30), "*".into()),
        ],
    );
    st.variables.insert(
        "sci".into(),
        vec![(
            "PYPI_TOKEN_NIGHTLY".into(),
            GL_VALUE.into(),
            "production".into(),
        )],
    );
    let api = FakeApi::start(st);
    let env = [
        ("GITLAB_TOKEN", GL_TOKEN),
        ("HOIST_GITLAB_URL", api.url.as_str()),
    ];
    let out = run(
        repo.path(),
        &["audit", "--format", "json", "--gitlab"],
        &env,
    );
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{e}");
    assert_no_token(&out, GL_TOKEN);
    assert!(
        !o.contains(GL_VALUE) && !e.contains(GL_VALUE),
        "a variable's value leaked"
    );
    let v: Value = serde_json::from_str(&o).expect("json");
    let pypi = stored(&v, "PYPI_TOKEN", "repository");
    assert_eq!(pypi["verdict"], "leftover");
    assert_eq!(pypi["last_change"]["commit"], moved.as_str());
    assert_eq!(pypi["last_change"]["job"], "publish");
    assert_eq!(pypi["last_change"]["job_now"], "trusted-publishing");
    let nightly = stored(&v, "PYPI_TOKEN_NIGHTLY", "group");
    assert_eq!(nightly["secret"]["scope"]["name"], "sci");
    assert_eq!(
        stored(&v, "DOCS_DEPLOY_KEY", "repository")["verdict"],
        "unrelated"
    );
    let seen = api.requests();
    assert!(seen.iter().all(|r| r.method == "GET"));
    assert!(seen.iter().any(|r| {
        r.target
            .starts_with("/api/v4/projects/sci%2Ftools%2Fwidget/variables")
            && r.target.contains("page=2")
    }));
    assert!(
        seen.iter()
            .any(|r| r.target.starts_with("/api/v4/groups/sci%2Ftools/variables"))
    );
    assert!(seen.iter().all(|r| {
        r.headers
            .iter()
            .any(|(k, v)| k == "private-token" && v == GL_TOKEN)
    }));

    let human = run(repo.path(), &["audit", "--gitlab"], &env);
    let (o, _) = text(&human);
    assert!(
        o.contains("glab variable delete PYPI_TOKEN --repo sci/tools/widget"),
        "{o}"
    );
    assert!(
        o.contains("glab variable delete PYPI_TOKEN_NIGHTLY --group sci"),
        "{o}"
    );
    assert!(
        o.contains("Re-run `hoist audit --gitlab sci/tools/widget`"),
        "{o}"
    );
    assert_no_token(&human, GL_TOKEN);
    assert!(!o.contains(GL_VALUE));

    // A CI job token cannot read CI/CD variables: GitLab says 401, hoist says why.
    let out = run(
        repo.path(),
        &["audit", "--gitlab"],
        &[
            ("CI_JOB_TOKEN", "job-token-0123456789abcdef"),
            ("HOIST_GITLAB_URL", api.url.as_str()),
        ],
    );
    let (_, e) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(e.contains("CI_JOB_TOKEN") && e.contains("read_api"), "{e}");
    assert!(!e.contains("job-token-0123456789abcdef"));
}

#[test]
fn secrets_inherited_by_another_repository_are_named_in_the_notes() {
    let mut repo = Repo::new();
    repo.write(
        ".github/workflows/release.yml",
        "on: push\njobs:\n  release:\n    uses: acme/shared/.github/workflows/publish.yml@v1\n    secrets: inherit\n",
    );
    repo.commit("shared release workflow");
    repo.git(&["remote", "add", "origin", "https://github.com/acme/widget"]);
    let mut st = State::new(API_TOKEN);
    st.repo_secrets.insert(
        "acme/widget".into(),
        vec![secret("PYPI_TOKEN", "2023-03-01", "2023-03-01")],
    );
    let api = FakeApi::start(st);
    let out = run(
        repo.path(),
        &["audit", "--format", "json", "--github"],
        &[("GH_TOKEN", API_TOKEN), ("HOIST_GITHUB_API_URL", &api.url)],
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(findings(&v, "AUD105").len(), 1);
    let notes = v["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["path"] == ".github/workflows/release.yml"
                && n["reason"].as_str().unwrap().contains("secrets: inherit")),
        "{notes:#?}"
    );
}
