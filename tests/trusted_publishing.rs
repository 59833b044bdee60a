//! Trusted publishing end to end: `hoist upload` and `hoist publisher` against the in-process
//! fake of the CI token services and the index (tests/oidc_fake), for every provider, every
//! mint-token error code and its report, renewal during a long upload, the missing-permission
//! messages, the precedence rules, and the absence of every token from the output.

mod netsupport;
mod oidc_fake;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use oidc_fake::{Config, Fake, Publisher};
use serde_json::json;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/dist")
        .join(name)
        .display()
        .to_string()
}

const SEVEN: [&str; 7] = [
    "demo-1.0-py3-none-any.whl",
    "six-1.16.0-py2.py3-none-any.whl",
    "tomli-2.0.1-py3-none-any.whl",
    "demo-1.0.tar.gz",
    "six-1.10.0.tar.gz",
    "six-1.16.0.tar.gz",
    "tomli-2.0.1.tar.gz",
];

/// Runs hoist with a clean environment (no CI variables leak in from the machine running the
/// tests): PATH, a HOME without .pypirc, and `envs`.
fn hoist(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().expect("home");
    hoist_in(home.path(), args, envs)
}

fn hoist_in(home: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hoist"));
    cmd.env_clear();
    cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.env("HOME", home);
    cmd.env("HOIST_RETRY_BASE_MS", "20");
    cmd.args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run hoist")
}

fn upload(fake: &Fake, files: &[&str], extra: &[&str], envs: &[(&str, &str)]) -> Output {
    let url = fake.upload_url();
    let paths: Vec<String> = files.iter().map(|f| fixture(f)).collect();
    let mut args = vec![
        "upload",
        "--repository-url",
        &url,
        "--non-interactive",
        "--no-check",
    ];
    args.extend_from_slice(extra);
    args.extend(paths.iter().map(String::as_str));
    hoist(&args, envs)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// No secret the fake handed out appears in the output, except in the `::add-mask::` line that
/// hides it (GitHub Actions only), which must come before any other line of stdout mentioning
/// the upload.
fn assert_no_secrets(o: &Output, fake: &Fake) {
    let all = text(o);
    let secrets = fake.secrets();
    assert!(!secrets.is_empty());
    for line in all.lines() {
        for s in &secrets {
            if line.contains(s.as_str()) {
                assert_eq!(
                    line,
                    format!("::add-mask::{s}"),
                    "a secret leaked in: {line}"
                );
            }
        }
    }
}

fn github_env(fake: &Fake) -> Vec<(&'static str, String)> {
    vec![
        ("GITHUB_ACTIONS", "true".to_string()),
        ("ACTIONS_ID_TOKEN_REQUEST_URL", fake.github_request_url()),
        (
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            oidc_fake::GITHUB_REQUEST_TOKEN.to_string(),
        ),
    ]
}

fn envs<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn github_actions_uploads_with_no_secret_and_masks_every_token() {
    let fake = Fake::start(Config::default());
    let e = github_env(&fake);
    let o = upload(&fake, &["demo-1.0-py3-none-any.whl"], &[], &envs(&e));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // The audience joined the request URL's query with `&`.
    let token_req = fake
        .seen()
        .into_iter()
        .find(|s| s.path() == "/github/token")
        .expect("token requested");
    assert_eq!(token_req.query(), "api-version=2.0&audience=pypi");
    assert_eq!(
        token_req.header("authorization"),
        Some(format!("bearer {}", oidc_fake::GITHUB_REQUEST_TOKEN).as_str())
    );
    // Mint: exactly {"token": jwt}.
    let mint = fake
        .seen()
        .into_iter()
        .find(|s| s.path() == "/_/oidc/mint-token")
        .expect("minted");
    let body: serde_json::Value = serde_json::from_slice(&mint.body).expect("json");
    assert_eq!(body, json!({"token": fake.issued()[0]}));
    // The upload used __token__ and the minted token (the fake refuses anything else).
    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].1, fake.minted()[0]);
    // Masks come first, for both tokens.
    let stdout = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("::add-mask::{}", fake.issued()[0]));
    assert_eq!(lines[1], format!("::add-mask::{}", fake.minted()[0]));
    assert!(
        text(&o).contains("GitHub Actions (octo-org/demo, release.yml)"),
        "{}",
        text(&o)
    );
    assert_no_secrets(&o, &fake);
}

#[test]
fn verbose_output_never_shows_a_token_and_off_github_nothing_is_masked() {
    let fake = Fake::start(Config {
        publisher: Publisher::GitLab {
            project_path: "grp/demo".into(),
            workflow_filepath: ".gitlab-ci.yml".into(),
        },
        ..Config::default()
    });
    let jwt = fake.token(
        oidc_fake::GITLAB_ISS,
        json!({"project_path": "grp/demo", "ci_config_ref_uri": "gitlab.com/grp/demo//.gitlab-ci.yml@refs/tags/v1", "ref_path": "refs/tags/v1", "sub": "project_path:grp/demo:ref_type:tag:ref:v1", "sha": "abc"}),
    );
    let o = upload(
        &fake,
        &["demo-1.0-py3-none-any.whl"],
        &["--verbose"],
        &[("GITLAB_CI", "true"), ("PYPI_ID_TOKEN", &jwt)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("from trusted publishing (GitLab CI/CD)"));
    assert!(!text(&o).contains("::add-mask::"));
    assert_no_secrets(&o, &fake);
    assert_eq!(fake.uploads()[0].1, fake.minted()[0]);
}

#[test]
fn gitlab_without_id_tokens_shows_the_yaml() {
    let fake = Fake::start(Config::default());
    let o = upload(
        &fake,
        &["demo-1.0-py3-none-any.whl"],
        &[],
        &[("GITLAB_CI", "true")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("PYPI_ID_TOKEN is not set"), "{t}");
    assert!(t.contains("id_tokens:\n"), "{t}");
    assert!(t.contains("aud: pypi"), "{t}");
    assert_eq!(fake.count("/legacy/"), 0);
}

#[test]
fn github_without_permission_says_id_token_write_and_forks_get_their_own_message() {
    let fake = Fake::start(Config::default());
    let o = upload(
        &fake,
        &["demo-1.0-py3-none-any.whl"],
        &[],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("ACTIONS_ID_TOKEN_REQUEST_URL is not set"), "{t}");
    assert!(t.contains("permissions:\n          id-token: write"), "{t}");
    assert!(fake.seen().is_empty(), "no request without an identity");

    let dir = tempfile::tempdir().expect("dir");
    let event = dir.path().join("event.json");
    std::fs::write(
        &event,
        r#"{"pull_request": {"head": {"repo": {"fork": true}}}}"#,
    )
    .expect("write");
    let o = upload(
        &fake,
        &["demo-1.0-py3-none-any.whl"],
        &[],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", &event.display().to_string()),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("pull request from a fork"),
        "{}",
        text(&o)
    );
}

#[test]
fn google_cloud_metadata_server_and_impersonation() {
    let fake = Fake::start(Config {
        publisher: Publisher::Google {
            email: "publisher@demo.iam.gserviceaccount.com".into(),
        },
        ..Config::default()
    });
    let host = fake.host_port();
    let o = upload(
        &fake,
        &["demo-1.0-py3-none-any.whl"],
        &[],
        &[("GCE_METADATA_HOST", &host)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let id = fake
        .seen()
        .into_iter()
        .find(|s| s.path().ends_with("/identity"))
        .expect("identity asked");
    assert_eq!(id.query(), "audience=pypi&format=full");
    assert_no_secrets(&o, &fake);

    let fake = Fake::start(Config {
        publisher: Publisher::Google {
            email: "release@demo.iam.gserviceaccount.com".into(),
        },
        ..Config::default()
    });
    let host = fake.host_port();
    let base = fake.base();
    let o = upload(
        &fake,
        &["demo-1.0-py3-none-any.whl"],
        &[],
        &[
            ("GCE_METADATA_HOST", &host),
            (
                "GOOGLE_SERVICE_ACCOUNT_NAME",
                "release@demo.iam.gserviceaccount.com",
            ),
            ("HOIST_GCP_IAMCREDENTIALS_URL", &base),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(fake.paths().iter().any(|p| p.ends_with(":generateIdToken")));
    assert_no_secrets(&o, &fake);
}

fn stub(dir: &Path, name: &str, token: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let log = dir.join(format!("{name}.log"));
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\necho {token}\n",
            log.display()
        ),
    )
    .expect("write stub");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    log
}

#[test]
fn buildkite_and_circleci_exchange_with_an_index_that_accepts_them() {
    for (var, name, iss, want_args) in [
        (
            "BUILDKITE",
            "buildkite-agent",
            oidc_fake::BUILDKITE_ISS,
            "oidc\nrequest-token\n--audience\npypi\n",
        ),
        (
            "CIRCLECI",
            "circleci",
            oidc_fake::CIRCLECI_ISS,
            "run\noidc\nget\n--claims\n{\"aud\":\"pypi\"}\n--root-issuer\n",
        ),
    ] {
        let mut config = Config {
            publisher: Publisher::Issuer(iss.into()),
            ..Config::default()
        };
        config.issuers.push(iss.into());
        let fake = Fake::start(config);
        let jwt = fake.token(iss, json!({"sub": "org:fake:pipeline:demo"}));
        let bin = tempfile::tempdir().expect("bin");
        let log = stub(bin.path(), name, &jwt);
        let path = format!(
            "{}:{}",
            bin.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let o = upload(
            &fake,
            &["demo-1.0-py3-none-any.whl"],
            &[],
            &[(var, "true"), ("PATH", &path)],
        );
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o));
        assert_eq!(std::fs::read_to_string(&log).expect("log"), want_args);
        assert_eq!(fake.uploads()[0].1, fake.minted()[0]);
        assert_no_secrets(&o, &fake);
    }
}

#[test]
fn pypi_does_not_accept_buildkite_and_says_so_before_any_request() {
    let o = hoist(
        &[
            "upload",
            "-r",
            "pypi",
            "--non-interactive",
            "--trusted-publishing",
            "always",
            &fixture("demo-1.0-py3-none-any.whl"),
        ],
        &[("BUILDKITE", "true")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("PyPI does not accept Buildkite identities yet"),
        "{}",
        text(&o)
    );
}

/// Runs a failing exchange and returns the output, after the common checks.
fn refused(config: Config, envs_extra: &[(&str, &str)], code: &str) -> (String, Fake) {
    let fake = Fake::start(config);
    let dir = tempfile::tempdir().expect("dir");
    let summary = dir.path().join("summary.md");
    let summary_s = summary.display().to_string();
    let e = github_env(&fake);
    let mut all = envs(&e);
    all.push(("GITHUB_STEP_SUMMARY", &summary_s));
    all.extend_from_slice(envs_extra);
    let o = upload(&fake, &["demo-1.0-py3-none-any.whl"], &[], &all);
    assert_eq!(o.status.code(), Some(2), "{code}: {}", text(&o));
    let t = text(&o);
    assert!(t.contains(code), "{code}: {t}");
    assert_eq!(fake.count("/legacy/"), 0, "nothing uploaded");
    assert_no_secrets(&o, &fake);
    let md = std::fs::read_to_string(&summary).expect("summary written");
    assert!(md.contains(code), "{md}");
    for s in fake.secrets() {
        assert!(!md.contains(&s), "a secret in the summary");
    }
    (t, fake)
}

#[test]
fn invalid_publisher_prints_the_claims_the_form_and_the_traps() {
    let mut claims = oidc_fake::github_claims();
    claims["environment"] = serde_json::Value::Null;
    // A reusable workflow of the same repository, at the run's ref: a publisher can match it.
    claims["job_workflow_ref"] =
        json!("octo-org/demo/.github/workflows/publish.yml@refs/tags/v1.0");
    let (t, _) = refused(
        Config {
            github_claims: claims,
            ..Config::default()
        },
        &[],
        "invalid-publisher",
    );
    for want in [
        "valid token, but no corresponding publisher (The job_workflow_ref claim does not match",
        "repository_owner_id  4242",
        "environment          MISSING",
        "event_name           push",
        "Owner:             octo-org",
        "Repository name:   demo",
        "Workflow name:     publish.yml",
        "Environment name:  (leave empty: this job runs in no environment)",
        "Reusable workflow",
        "Renames:",
        "register a pending publisher",
        "/manage/project/demo/settings/publishing/?provider=github&owner=octo-org&repository=demo&workflow_filename=publish.yml",
    ] {
        assert!(t.contains(want), "missing {want:?} in:\n{t}");
    }
}

/// Jobs PyPI's rules refuse whatever is registered (warehouse/oidc/models/github.py): the
/// report says why and what to change, and never shows a publisher form or a registration link.
#[test]
fn jobs_no_publisher_can_match_are_called_out_without_a_publisher() {
    for (key, value, why, change) in [
        (
            "event_name",
            json!("pull_request_target"),
            "the job runs on `pull_request_target`",
            "workflow_dispatch",
        ),
        (
            "job_workflow_ref",
            json!("octo-org/shared/.github/workflows/publish.yml@refs/heads/main"),
            "which lives in another repository than octo-org/demo",
            "Run the upload step in a workflow of octo-org/demo",
        ),
        (
            "job_workflow_ref",
            json!("octo-org/demo/.github/workflows/publish.yml@refs/heads/main"),
            "loaded at refs/heads/main, but the run is for refs/tags/v1.0",
            "uses: ./.github/workflows/publish.yml",
        ),
    ] {
        let mut claims = oidc_fake::github_claims();
        claims[key] = value;
        let (t, _) = refused(
            Config {
                github_claims: claims,
                ..Config::default()
            },
            &[],
            "invalid-publisher",
        );
        // Prose is wrapped: compare with the line breaks made spaces.
        let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("No trusted publisher can match this job"),
            "{t}"
        );
        assert!(flat.contains(why), "{why}: {t}");
        assert!(flat.contains(change), "{change}: {t}");
        for never in [
            "publisher that matches",
            "Owner:",
            "/manage/",
            "pending publisher",
            "publisher form below",
        ] {
            assert!(!t.contains(never), "{never:?} in:\n{t}");
        }
    }
}

#[test]
fn every_other_error_code_is_explained() {
    for (code, desc, want) in [
        (
            "invalid-pending-publisher",
            "valid token, but project already exists",
            "A pending publisher only creates a new project",
        ),
        (
            "not-enabled",
            "github trusted publishing functionality not enabled",
            "switched trusted publishing off",
        ),
    ] {
        let (t, _) = refused(
            Config {
                forced: Some((code.into(), desc.into())),
                ..Config::default()
            },
            &[],
            code,
        );
        assert!(t.contains(desc), "{t}");
        let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(want), "{t}");
        assert!(t.contains("Workflow name:     release.yml"), "{t}");
    }
    // invalid-token: the index does not take the audience the token carries.
    let (t, _) = refused(
        Config {
            github_claims: {
                let mut c = oidc_fake::github_claims();
                c["aud"] = json!("not-pypi");
                c
            },
            audience: "pypi".into(),
            ..Config::default()
        },
        &[],
        "invalid-token",
    );
    assert!(
        t.contains("invalid-token: malformed or invalid token"),
        "{t}"
    );
    let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("could not verify the OIDC token"), "{t}");
    assert!(
        flat.contains("its audience, which must be exactly \"pypi\""),
        "{t}"
    );
}

#[test]
fn invalid_token_and_invalid_payload_from_gitlab_tokens() {
    for (iss, aud, code, desc) in [
        (
            oidc_fake::GITLAB_ISS,
            "someone-else",
            "invalid-token",
            "malformed or invalid token",
        ),
        (
            "https://gitlab.example.com",
            "pypi",
            "invalid-payload",
            "unknown trusted publishing issuer",
        ),
    ] {
        let fake = Fake::start(Config::default());
        let jwt = fake.token(
            iss,
            json!({
                "aud": aud,
                "project_path": "grp/demo",
                "ci_config_ref_uri": "gitlab.com/grp/demo//.gitlab-ci.yml@refs/heads/main",
                "sub": "project_path:grp/demo:ref_type:branch:ref:main",
                "ref_path": "refs/heads/main",
                "sha": "0123456789abcdef0123456789abcdef01234567",
                "jti": "gitlab-jti-1",
            }),
        );
        let o = upload(
            &fake,
            &["demo-1.0-py3-none-any.whl"],
            &[],
            &[("GITLAB_CI", "true"), ("PYPI_ID_TOKEN", &jwt)],
        );
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let t = text(&o);
        assert!(t.contains(&format!("{code}: {desc}")), "{t}");
        assert!(t.contains(&format!("aud                {aud}")), "{t}");
        assert!(t.contains(&format!("iss                {iss}")), "{t}");
        assert!(
            t.contains("Top-level pipeline file path:  .gitlab-ci.yml"),
            "{t}"
        );
        assert_no_secrets(&o, &fake);
    }
}

#[test]
fn a_retry_uses_a_fresh_oidc_token_and_reuse_is_reported() {
    // A 503 from mint-token: the retry asks GitHub for a new token.
    let fake = Fake::start(Config {
        mint_failures: vec![503],
        ..Config::default()
    });
    let e = github_env(&fake);
    let o = upload(&fake, &["demo-1.0-py3-none-any.whl"], &[], &envs(&e));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(fake.count("/github/token"), 2);
    let presented = fake.presented();
    assert_eq!(presented.len(), 2);
    assert_ne!(presented[0], presented[1], "each mint had its own token");

    // A CI that hands out the same token twice: the index says invalid-reuse-token.
    let (t, fake) = refused(
        Config {
            mint_failures: vec![503],
            github_same_token: true,
            ..Config::default()
        },
        &[],
        "invalid-reuse-token",
    );
    assert!(t.contains("invalid token: already used"), "{t}");
    let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("the index accepts each one once"), "{t}");
    assert_eq!(fake.count("/github/token"), 2);
}

#[test]
fn audience_404_and_403_say_which() {
    for (status, want) in [
        (404, "does not offer trusted publishing"),
        (403, "trusted publishing is switched off"),
    ] {
        let fake = Fake::start(Config {
            audience_status: status,
            ..Config::default()
        });
        let e = github_env(&fake);
        let o = upload(&fake, &["demo-1.0-py3-none-any.whl"], &[], &envs(&e));
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains(want), "{}", text(&o));
        assert_eq!(fake.count("/github/token"), 0, "no OIDC token asked for");
    }
}

#[test]
fn a_short_lived_token_is_minted_again_before_each_file() {
    // 60 s left after every mint is under the 2-minute margin: every file re-mints first.
    let fake = Fake::start(Config {
        lifetime: 60,
        ..Config::default()
    });
    let e = github_env(&fake);
    let o = upload(&fake, &SEVEN, &[], &envs(&e));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let minted = fake.minted();
    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 7);
    assert_eq!(minted.len(), 8, "one at the start, one before each file");
    for (i, (_, token)) in uploads.iter().enumerate() {
        assert_eq!(
            *token,
            minted[i + 1],
            "file {i} used the token minted for it"
        );
    }
    let issued = fake.issued();
    let unique: std::collections::HashSet<_> = issued.iter().collect();
    assert_eq!(unique.len(), 8, "a fresh OIDC token for each mint");
    assert_no_secrets(&o, &fake);

    // The normal 900 s: one mint for the whole upload.
    let fake = Fake::start(Config::default());
    let e = github_env(&fake);
    let o = upload(&fake, &SEVEN, &[], &envs(&e));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(fake.minted().len(), 1);
}

#[test]
fn an_expired_token_is_minted_again_once_and_the_file_retried() {
    let fake = Fake::start(Config {
        token_uses: Some(2),
        ..Config::default()
    });
    let e = github_env(&fake);
    let o = upload(&fake, &SEVEN, &[], &envs(&e));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(fake.uploads().len(), 7);
    assert_eq!(fake.minted().len(), 4, "{}", text(&o));
    assert!(
        text(&o).contains("Invalid API Token: token is expired"),
        "{}",
        text(&o)
    );
    assert_no_secrets(&o, &fake);
}

fn pypirc(home: &Path, url: &str) {
    std::fs::write(
        home.join(".pypirc"),
        format!("[distutils]\nindex-servers = fake\n[fake]\nrepository = {url}\nusername = __token__\npassword = pypi-from-the-pypirc\n"),
    )
    .expect("write pypirc");
}

#[test]
fn precedence_explicit_then_identity_then_pypirc() {
    let wheel = fixture("demo-1.0-py3-none-any.whl");
    // 1. An explicit token wins over the identity; a notice says trusted publishing is there.
    let fake = Fake::start(Config::default());
    let e = github_env(&fake);
    let mut all = envs(&e);
    all.push(("HOIST_PASSWORD", "pypi-explicit-token"));
    all.push(("HOIST_USERNAME", "__token__"));
    let url = fake.upload_url();
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &url,
            "--non-interactive",
            &wheel,
        ],
        &all,
    );
    // The fake refuses a token it did not mint, but the request shows what was sent.
    assert_eq!(fake.count("/github/token"), 0);
    assert_eq!(fake.count("/_/oidc/audience"), 0);
    let up = fake
        .seen()
        .into_iter()
        .find(|s| s.path() == "/legacy/")
        .expect("upload");
    assert!(up.header("authorization").is_some());
    assert!(
        text(&o).contains("notice: this GitHub Actions job has an OIDC identity"),
        "{}",
        text(&o)
    );

    // 2. A .pypirc token ranks below the identity.
    let fake = Fake::start(Config::default());
    let home = tempfile::tempdir().expect("home");
    pypirc(home.path(), &fake.upload_url());
    let e = github_env(&fake);
    let o = hoist_in(
        home.path(),
        &["upload", "-r", "fake", "--non-interactive", &wheel],
        &envs(&e),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(fake.uploads()[0].1, fake.minted()[0]);

    // 3. never (flag or environment): the .pypirc token, no OIDC request at all.
    for (extra, env_extra) in [
        (vec!["--trusted-publishing", "never"], vec![]),
        (vec![], vec![("HOIST_TRUSTED_PUBLISHING", "never")]),
    ] {
        let fake = Fake::start(Config::default());
        pypirc(home.path(), &fake.upload_url());
        let e = github_env(&fake);
        let mut all = envs(&e);
        all.extend(env_extra);
        let mut args = vec!["upload", "-r", "fake", "--non-interactive"];
        args.extend(extra);
        args.push(&wheel);
        let _ = hoist_in(home.path(), &args, &all);
        assert_eq!(fake.paths(), vec!["/legacy/".to_string()]);
    }

    // 4. A username other than __token__: a password login, no trusted publishing.
    let fake = Fake::start(Config::default());
    let e = github_env(&fake);
    let mut all = envs(&e);
    all.push(("HOIST_USERNAME", "alice"));
    let url = fake.upload_url();
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &url,
            "--non-interactive",
            &wheel,
        ],
        &all,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(fake.seen().is_empty());
}

#[test]
fn outside_ci_auto_makes_no_trusted_publishing_request() {
    let fake = Fake::start(Config::default());
    let home = tempfile::tempdir().expect("home");
    pypirc(home.path(), &fake.upload_url());
    let wheel = fixture("demo-1.0-py3-none-any.whl");
    let o = hoist_in(
        home.path(),
        &["upload", "-r", "fake", "--non-interactive", &wheel],
        &[],
    );
    // The .pypirc token is not one the fake minted, so the upload is refused; what matters is
    // that the upload was the only request.
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(fake.paths(), vec!["/legacy/".to_string()]);
    assert!(!text(&o).contains("trusted publishing"), "{}", text(&o));
}

#[test]
fn always_without_an_identity_fails_clearly() {
    let fake = Fake::start(Config::default());
    // A closed port stands in for a metadata server: no network beyond this machine.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let host = format!("127.0.0.1:{port}");
    let o = upload(
        &fake,
        &["demo-1.0-py3-none-any.whl"],
        &["--trusted-publishing", "always"],
        &[("GCE_METADATA_HOST", &host)],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("Google Cloud"), "{}", text(&o));
    assert_eq!(fake.count("/legacy/"), 0);

    let o = upload(
        &fake,
        &["demo-1.0-py3-none-any.whl"],
        &["--trusted-publishing", "always"],
        &[("HOIST_PASSWORD", "pypi-x")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .contains("--trusted-publishing always cannot be used because a password was given"),
        "{}",
        text(&o)
    );
}

#[test]
fn hoist_publisher_prints_the_identity_and_mints_nothing() {
    let fake = Fake::start(Config::default());
    let dir = tempfile::tempdir().expect("dir");
    let summary = dir.path().join("summary.md");
    let summary_s = summary.display().to_string();
    let e = github_env(&fake);
    let mut all = envs(&e);
    all.push(("GITHUB_STEP_SUMMARY", &summary_s));
    let url = fake.upload_url();
    let o = hoist(
        &["publisher", "--repository-url", &url, "--project", "demo"],
        &all,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = text(&o);
    for want in [
        "audience \"pypi\"",
        "Owner:             octo-org",
        "Repository name:   demo",
        "Workflow name:     release.yml",
        "Environment name:  pypi",
        "repository_owner_id  4242",
    ] {
        assert!(t.contains(want), "missing {want:?} in:\n{t}");
    }
    assert_eq!(fake.count("/_/oidc/mint-token"), 0);
    assert!(
        std::fs::read_to_string(&summary)
            .expect("summary")
            .contains("Workflow name:     release.yml")
    );
    assert_no_secrets(&o, &fake);

    let o = hoist(
        &["publisher", "--repository-url", &url],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("id-token: write"), "{}", text(&o));
}

// Trusted publishing under faults (issue 16): every call of the exchange is retried within
// its bounds, a token that expires during a long run is renewed, and a refusal that lasts is
// reported with nothing leaked.

#[test]
fn transient_failures_of_every_exchange_call_are_retried() {
    let fake = Fake::start(Config {
        audience_failures: vec![503],
        github_failures: vec![502, 429],
        mint_failures: vec![503, 500],
        ..Config::default()
    });
    let e = github_env(&fake);
    let o = upload(&fake, &["demo-1.0-py3-none-any.whl"], &[], &envs(&e));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(fake.count("/_/oidc/audience"), 2, "{}", text(&o));
    // Two failures, then a fresh token for each of the three mint attempts.
    assert_eq!(fake.count("/github/token"), 5, "{}", text(&o));
    assert_eq!(fake.count("/_/oidc/mint-token"), 3, "{}", text(&o));
    assert_eq!(fake.uploads().len(), 1);
    assert_no_secrets(&o, &fake);
}

#[test]
fn a_renewal_that_keeps_failing_is_reported_and_leaks_nothing() {
    // The first mint works; its token lives 60 s (under the 2-minute margin), so the file
    // needs a new one, and every mint from then on answers 503: 1 + 3 retries, then the report.
    let fake = Fake::start(Config {
        lifetime: 60,
        mint_failures: vec![503; 10],
        mint_failures_from: 1,
        ..Config::default()
    });
    let e = github_env(&fake);
    let o = upload(&fake, &SEVEN, &[], &envs(&e));
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        t.contains("0 uploaded, 0 skipped, 1 failed, 6 not attempted"),
        "{t}"
    );
    assert!(t.contains("503"), "{t}");
    assert!(t.contains("nothing was sent for this file"), "{t}");
    assert_eq!(fake.count("/_/oidc/mint-token"), 5, "{t}");
    assert!(fake.uploads().is_empty());
    assert_no_secrets(&o, &fake);
}

#[test]
fn trusted_publishing_through_a_faulty_network() {
    // The CI token service, the audience, the mint and the uploads all go through the seeded
    // fault proxy; the minted token expires during the run (60 s lifetime, or 3 uploads).
    for seed in 1..=6u64 {
        let fake = Fake::start(Config {
            lifetime: if seed % 2 == 1 { 60 } else { 900 },
            token_uses: (seed % 2 == 0).then_some(3),
            ..Config::default()
        });
        let mut config = netsupport::ProxyConfig::quiet(seed);
        config.post_rate = 0.3;
        config.get_rate = 0.3;
        config.stall = std::time::Duration::from_millis(2500);
        let proxy = netsupport::FaultProxy::start(&fake.base(), config);
        let e = vec![
            ("GITHUB_ACTIONS", "true".to_string()),
            (
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                proxy.url_for(&fake.github_request_url()),
            ),
            (
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                oidc_fake::GITHUB_REQUEST_TOKEN.to_string(),
            ),
            ("HOIST_STALL_TIMEOUT_MS", "1500".to_string()),
        ];
        let url = proxy.url_for(&fake.upload_url());
        let paths: Vec<String> = SEVEN.iter().map(|f| fixture(f)).collect();
        let mut args = vec![
            "upload",
            "--repository-url",
            &url,
            "--non-interactive",
            "--no-check",
            "--jobs",
            "4",
            "--retries",
            "5",
        ];
        args.extend(paths.iter().map(String::as_str));
        let o = hoist(&args, &envs(&e));
        let log: Vec<String> = proxy.log().iter().map(|l| l.to_string()).collect();
        eprintln!("seed {seed}: {}", log.join("; "));
        let t = format!("seed {seed}\n{}\nfaults:\n{}", text(&o), log.join("\n"));
        assert_eq!(o.status.code(), Some(0), "{t}");
        let uploaded: std::collections::HashSet<String> =
            fake.uploads().into_iter().map(|(f, _)| f).collect();
        assert_eq!(uploaded.len(), 7, "{t}");
        assert!(fake.minted().len() > 1, "the token was renewed: {t}");
        assert_no_secrets(&o, &fake);
    }
}

/// The whole output of `hoist publisher` (stdout, stderr, the job summary) and of an upload by
/// trusted publishing on GitHub Actions (stdout and stderr, `::add-mask::` lines included),
/// pinned so a refactor shows any change as a diff.
#[test]
fn the_reports_of_publisher_and_a_trusted_upload_are_pinned() {
    let fake = Fake::start(Config::default());
    let dir = tempfile::tempdir().expect("dir");
    let summary = dir.path().join("summary.md");
    let summary_s = summary.display().to_string();
    let e = github_env(&fake);
    let mut all = envs(&e);
    all.push(("GITHUB_STEP_SUMMARY", &summary_s));
    let redact = |t: &str| {
        let t = t.replace(&fake.base(), "http://127.0.0.1:PORT");
        let t = t.replace(&fake.host_port(), "127.0.0.1:PORT");
        let stamp = regex::Regex::new(r"\b1[0-9]{9}\b").expect("regex");
        let t = stamp.replace_all(&t, "TIMESTAMP").into_owned();
        let t = t.replace(env!("CARGO_MANIFEST_DIR"), "REPO");
        let minted = regex::Regex::new(r"FAKEMINTED\w+").expect("regex");
        let t = minted.replace_all(&t, "FAKEMINTED").into_owned();
        let elapsed = regex::Regex::new(r#""elapsed_ms": \d+"#).expect("regex");
        let t = elapsed.replace_all(&t, r#""elapsed_ms": N"#).into_owned();
        let jwt = regex::Regex::new(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
            .expect("regex");
        jwt.replace_all(&t, "JWT").into_owned()
    };
    let url = fake.upload_url();
    let o = hoist(
        &["publisher", "--repository-url", &url, "--project", "demo"],
        &all,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    insta::assert_snapshot!(
        "publisher_stdout",
        redact(&String::from_utf8_lossy(&o.stdout))
    );
    insta::assert_snapshot!(
        "publisher_stderr",
        redact(&String::from_utf8_lossy(&o.stderr))
    );
    insta::assert_snapshot!(
        "publisher_summary",
        redact(&std::fs::read_to_string(&summary).expect("summary"))
    );
    let o = hoist(
        &["publisher", "--repository-url", &url],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(
        "publisher_no_identity",
        redact(&format!(
            "{}\n---\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ))
    );
    for (name, extra) in [("human", vec![]), ("json", vec!["--format", "json"])] {
        let o = upload(&fake, &["demo-1.0-py3-none-any.whl"], &extra, &envs(&e));
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let out = format!(
            "{}\n---\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        insta::assert_snapshot!(format!("trusted_upload_{name}"), redact(&out));
    }
}
