//! `hoist check` and `hoist explain` end to end, through the real binary: exit codes, every
//! file checked even after a failure, the human and JSON reports, GitHub annotations, and
//! usage errors.

use std::path::Path;
use std::process::{Command, Output};

fn hoist(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoist"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("run hoist")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn good_fixtures_pass_with_exit_0() {
    let o = hoist(&["check", "fixtures/dist/*"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("8 file(s) checked: 8 passed, 0 failed"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_failing_file_does_not_stop_the_others() {
    let o = hoist(&[
        "check",
        "fixtures/bad/M020-invalid-classifier/demo-1.0-py3-none-any.whl",
        "fixtures/dist/demo-1.0.tar.gz",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("demo-1.0-py3-none-any.whl: FAILED"), "{out}");
    assert!(
        out.contains("fixtures/dist/demo-1.0.tar.gz: PASSED"),
        "{out}"
    );
    assert!(
        !out.contains("\u{1b}["),
        "no colour codes when not on a terminal"
    );
}

#[test]
fn human_report_snapshot() {
    let o = hoist(&[
        "check",
        "fixtures/bad/M020-invalid-classifier/demo-1.0-py3-none-any.whl",
    ]);
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn json_report() {
    let o = hoist(&[
        "check",
        "--format",
        "json",
        "fixtures/bad/M006-real-attrs/attrs-24.2.0-py3-none-any.whl",
        "fixtures/dist/demo-1.0.tar.gz",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["schema"], 1);
    assert_eq!(v["summary"]["failed"], 1);
    assert_eq!(v["summary"]["passed"], 1);
    let first = &v["files"][0];
    assert_eq!(first["status"], "failed");
    assert_eq!(first["name"], "attrs");
    assert_eq!(first["file_type"], "wheel");
    let codes: Vec<&str> = first["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"M006"), "{codes:?}");
    assert_eq!(v["files"][1]["status"], "passed");
    insta::assert_snapshot!(serde_json::to_string_pretty(&first["diagnostics"]).expect("json"));
}

#[test]
fn strict_fails_on_warnings() {
    let file = "fixtures/bad/D002-missing-description-content-type/demo-1.0-py3-none-any.whl";
    let o = hoist(&["check", file]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("PASSED with warnings"));
    let o = hoist(&["check", "--strict", file]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("FAILED due to warnings"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn github_annotations() {
    let o = Command::new(env!("CARGO_BIN_EXE_hoist"))
        .args([
            "check",
            "fixtures/bad/N002-unsupported-platform-tag/demo-1.0-cp312-cp312-linux_x86_64.whl",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("GITHUB_ACTIONS", "true")
        .output()
        .expect("run hoist");
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no annotation in {out}"));
    assert!(line.starts_with("::error file=fixtures/bad/N002-unsupported-platform-tag/demo-1.0-cp312-cp312-linux_x86_64.whl,title=hoist N002 unsupported-platform-tag::Binary wheel"), "{line}");
    assert!(
        line.contains("%0A"),
        "the hint follows on an escaped new line: {line}"
    );
}

#[test]
fn usage_errors_exit_2() {
    for (args, needle) in [
        (
            vec!["check", "fixtures/nothing-here/*.whl"],
            "no files match",
        ),
        (vec!["check", "fixtures/dist"], "is a directory"),
        (
            vec!["check", "fixtures/dist/missing-1.0.tar.gz"],
            "no such file",
        ),
        (vec!["check"], "FILES"),
        (vec!["explain", "Z999"], "no rule"),
    ] {
        let o = hoist(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn files_that_are_not_distributions_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let readme = dir.path().join("README.txt");
    std::fs::write(&readme, "hello").expect("write");
    let o = hoist(&["check", readme.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no distributions among the files given (not a distribution: ")
            && stderr(&o).contains("README.txt)"),
        "{}",
        stderr(&o)
    );
    // A file that looks like a distribution PyPI refuses is checked, and fails.
    let egg = dir.path().join("demo-1.0-py2.7.egg");
    std::fs::write(&egg, "egg").expect("write");
    let o = hoist(&["check", egg.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("F001"), "{}", stdout(&o));
    // Signatures and attestations beside the distributions are not distributions: skipped.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dist/demo-1.0.tar.gz"),
        dir.path().join("demo-1.0.tar.gz"),
    )
    .expect("copy");
    std::fs::write(dir.path().join("demo-1.0.tar.gz.asc"), "sig").expect("write");
    let pattern = format!("{}/demo-1.0.tar.gz*", dir.path().display());
    let o = hoist(&["check", &pattern]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("1 file(s) checked"));
}

#[test]
fn explain_prints_rule_docs() {
    let o = hoist(&["explain", "M020"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.starts_with("# M020 invalid-classifier (error)"),
        "{out}"
    );
    assert!(out.contains("## What it does") && out.contains("## Fix"));
    let by_name = hoist(&["rule", "invalid-classifier"]);
    assert_eq!(stdout(&by_name), out);
    let list = stdout(&hoist(&["explain"]));
    assert_eq!(
        list.lines().count(),
        hoist::check::rules::ALL.len() + hoist::audit::rules::ALL.len()
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("AUD001  committed-token"))
    );
}

#[test]
fn explain_knows_the_audit_rules_too() {
    for query in ["AUD104", "pypirc-password", "aud104"] {
        let o = hoist(&["explain", query]);
        assert_eq!(o.status.code(), Some(0), "{query}");
        let out = stdout(&o);
        assert!(
            out.starts_with("# AUD104 pypirc-password (hoist audit; at most high)"),
            "{out}"
        );
        assert!(out.contains("## Fix"), "{out}");
    }
}

#[test]
fn version_and_help() {
    let o = hoist(&["--version"]);
    assert_eq!(
        stdout(&o).trim(),
        format!("hoist {}", env!("CARGO_PKG_VERSION"))
    );
    let help = stdout(&hoist(&["check", "--help"]));
    for flag in ["--strict", "--format", "--max-file-size", "Exit status"] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
}

#[test]
fn readme_lists_every_rule() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    for r in hoist::check::rules::ALL {
        let row = format!(
            "| `{}` | `{}` | {} | {} |",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary()
        );
        assert!(
            readme.contains(&row),
            "README.md lacks the row for {}: {row}",
            r.code
        );
    }
}

#[test]
fn explain_renders_whole_sentences_and_clean_markdown() {
    let list = stdout(&hoist(&["explain"]));
    for line in list.lines() {
        assert!(line.ends_with('.'), "cut mid-sentence: {line}");
    }
    insta::assert_snapshot!("explain_list", list);
    let m006 = stdout(&hoist(&["explain", "M006"]));
    assert!(
        m006.lines().all(|l| !l.starts_with(' ')),
        "stray leading space: {m006}"
    );
    insta::assert_snapshot!("explain_m006", m006);
}

/// The rule count said in prose ("65 rules") is the registry's: one source of truth.
#[test]
fn docs_state_the_real_rule_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let want = hoist::check::rules::ALL.len();
    let mut seen = 0;
    for doc in ["README.md", "CHANGELOG.md"] {
        let text = std::fs::read_to_string(root.join(doc)).expect("doc");
        let words: Vec<&str> = text.split_whitespace().collect();
        for pair in words.windows(2) {
            let number = pair[0].trim_start_matches('(');
            if pair[1].starts_with("rules") && number.chars().all(|c| c.is_ascii_digit()) {
                let n: usize = number.parse().expect("a number");
                assert_eq!(n, want, "{doc} says {n} rules; hoist has {want}");
                seen += 1;
            }
        }
    }
    assert!(
        seen > 0,
        "neither README.md nor CHANGELOG.md states the rule count"
    );
}

/// A secret on the command line is warned about the same way by every command, and never shown.
#[test]
fn a_secret_given_as_an_argument_is_warned_about() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dist/demo-1.0.tar.gz");
    let demo = demo.to_str().expect("utf-8 path");
    let o = hoist(&["upload", "--dry-run", "-p", "s3cret-value-xyz", demo]);
    let err = stderr(&o);
    assert!(
        err.lines().any(|l| l
            == "warning: a password or token given on the command line stays in your shell \
                history and is visible to other users in process listings; set HOIST_PASSWORD \
                (or TWINE_PASSWORD) instead"),
        "{err}"
    );
    assert!(!err.contains("s3cret") && !stdout(&o).contains("s3cret"));
    let o = hoist(&["token", "inspect", "pypi-AgEIcHlwaS5vcmcnot-a-token"]);
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "warning: a password or token given on the command line stays in your shell history \
             and is visible to other users in process listings; pipe it on standard input instead\n"
        ),
        "{err}"
    );
    assert!(err.contains("\nerror: "), "one prefix for errors: {err}");
}

/// Files that pass with warnings still show the warnings before anything is sent (compactly);
/// `--quiet` hides them.
#[test]
fn upload_lists_check_warnings_before_sending() {
    let six = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dist/six-1.16.0.tar.gz");
    let six = six.to_str().expect("utf-8 path");
    let o = hoist(&["upload", "--dry-run", six]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
    insta::assert_snapshot!("upload_dry_run_warnings", warnings.join("\n"));
    let o = hoist(&["upload", "--dry-run", "--quiet", six]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

/// Every command prefixes its errors the same way.
#[test]
fn errors_have_one_prefix_in_every_command() {
    for args in [
        &["audit", "/nonexistent/hoist-test-dir"][..],
        &["check", "/nonexistent/demo-1.0.tar.gz"][..],
        &["explain", "Z999"][..],
    ] {
        let o = hoist(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
}

/// An upload URL typed without its scheme gets the URL it probably meant (http only for this
/// machine), with any credentials in it masked.
#[test]
fn a_repository_url_without_a_scheme_says_so() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dist/demo-1.0.tar.gz");
    let demo = demo.to_str().expect("utf-8 path");
    for (url, meant) in [
        ("127.0.0.1:45519", "http://127.0.0.1:45519"),
        ("localhost:8080/", "http://localhost:8080/"),
        (
            "pypi.example.com/legacy/",
            "https://pypi.example.com/legacy/",
        ),
        (
            "me:s3cret-pw@pypi.example.com/legacy/",
            "https://********@pypi.example.com/legacy/",
        ),
    ] {
        let o = hoist(&["upload", "--non-interactive", "--repository-url", url, demo]);
        assert_eq!(o.status.code(), Some(2), "{url}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!("the scheme is missing; write it out: {meant}")),
            "{url}: {err}"
        );
        assert!(!err.contains("s3cret"), "{err}");
    }
}

/// A file of one archive kind named as the other gets one error with the cause in its hint,
/// not a polyglot error beside it (PyPI's polyglot check needs both kinds at once).
#[test]
fn a_renamed_archive_tells_one_story() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dist");
    let dir = tempfile::tempdir().expect("tempdir");
    let as_wheel = dir.path().join("six-1.16.0-py2.py3-none-any.whl");
    let as_sdist = dir.path().join("six-1.16.0.tar.gz");
    std::fs::copy(root.join("six-1.16.0.tar.gz"), &as_wheel).expect("copy");
    std::fs::copy(root.join("six-1.16.0-py2.py3-none-any.whl"), &as_sdist).expect("copy");
    let o = hoist(&[
        "check",
        as_wheel.to_str().expect("utf-8"),
        as_sdist.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o).replace(&dir.path().display().to_string(), "TMP");
    insta::assert_snapshot!("renamed_archives", out);
}

/// One `hoist check` run, pinned whole: the command line, the exit code, stdout and stderr.
/// The version number is replaced so a release does not churn the snapshots.
fn pinned_check(args: &[&str]) -> String {
    let o = hoist(args);
    format!(
        "$ hoist {}\nexit: {:?}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        o.status.code(),
        stdout(&o).replace(
            concat!("\"hoist_version\": \"", env!("CARGO_PKG_VERSION"), "\""),
            "\"hoist_version\": \"[VERSION]\""
        ),
        stderr(&o)
    )
}

/// Every bad fixture directory, checked one directory at a time (so no cross-file rule joins
/// in), in sorted order.
fn bad_fixture_dirs() -> Vec<String> {
    let mut dirs: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad"))
            .expect("fixtures/bad")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| format!("fixtures/bad/{}/*", e.file_name().to_string_lossy()))
            .collect();
    dirs.sort();
    dirs
}

/// The whole human and JSON reports of `hoist check`, with and without `--strict`, over the
/// good fixtures, all bad fixtures at once, and each bad fixture directory on its own: pinned so
/// a refactor that changes a byte of output shows up in review.
#[test]
fn check_reports_are_pinned() {
    for (label, strict) in [("", false), ("_strict", true)] {
        for format in ["human", "json"] {
            let mut base = vec!["check", "--format", format];
            if strict {
                base.push("--strict");
            }
            let with = |glob: &str| {
                let mut a = base.clone();
                a.push(glob);
                pinned_check(&a)
            };
            insta::assert_snapshot!(
                format!("check_dist_{format}{label}"),
                with("fixtures/dist/*")
            );
            insta::assert_snapshot!(
                format!("check_bad_all_{format}{label}"),
                with("fixtures/bad/*/*")
            );
            let each: Vec<String> = bad_fixture_dirs().iter().map(|d| with(d)).collect();
            insta::assert_snapshot!(format!("check_bad_each_{format}{label}"), each.join("\n"));
        }
    }
}

/// `hoist explain` for every rule it lists, pinned whole.
#[test]
fn explain_for_every_rule_is_pinned() {
    let list = stdout(&hoist(&["explain"]));
    let mut out = String::new();
    for code in list.lines().filter_map(|l| l.split_whitespace().next()) {
        let o = hoist(&["explain", code]);
        out.push_str(&format!(
            "$ hoist explain {code}\nexit: {:?}\n{}{}\n",
            o.status.code(),
            stdout(&o),
            stderr(&o)
        ));
    }
    insta::assert_snapshot!("explain_every_rule", out);
}

/// Without any credential for PyPI, the error names both ways to get one: trusted publishing
/// first, then a token.
#[test]
fn no_credential_for_pypi_names_trusted_publishing_first() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dist/demo-1.0.tar.gz");
    let o = Command::new(env!("CARGO_BIN_EXE_hoist"))
        .args(["upload", "--non-interactive"])
        .arg(&demo)
        .env("HOME", "/nonexistent/hoist-home")
        .env_remove("HOIST_PASSWORD")
        .env_remove("TWINE_PASSWORD")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env_remove("ACTIONS_ID_TOKEN_REQUEST_URL")
        .output()
        .expect("run hoist");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "no API token for https://upload.pypi.org/legacy/: publish from a CI job with trusted publishing"
        ),
        "{err}"
    );
}

/// `--ignore` turns warning rules off, by code or name, for `check` and `upload`'s check; an
/// error rule or an unknown one is a usage error (exit 2).
#[test]
fn ignore_turns_warning_rules_off_and_refuses_error_rules() {
    let files: Vec<String> = std::fs::read_dir("fixtures/dist")
        .expect("fixtures/dist")
        .flatten()
        .map(|e| e.path().display().to_string())
        .collect();
    let mut args = vec!["check", "--strict", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let out = hoist(&args);
    assert_eq!(out.status.code(), Some(1), "the fixtures have warnings");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut codes: Vec<String> = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().cloned().unwrap_or_default())
        .map(|d| d["code"].as_str().expect("code").to_string())
        .collect();
    codes.sort();
    codes.dedup();
    assert!(codes.len() >= 2, "{codes:?}");
    // The first by name, the rest by code, in one comma-separated list.
    let first = hoist::check::rules::find(&codes[0]).expect("rule").name;
    let list = std::iter::once(first.to_string())
        .chain(codes[1..].iter().cloned())
        .collect::<Vec<_>>()
        .join(",");
    let mut args = vec!["check", "--strict", "--ignore", &list];
    args.extend(files.iter().map(String::as_str));
    let out = hoist(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("(0 error(s), 0 warning(s))"), "{stdout}");

    // upload's check leaves them out too (the warnings it prints before a dry run).
    let home = tempfile::tempdir().expect("home");
    let upload = |ignore: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_hoist"))
            .args(["upload", "--dry-run", "--non-interactive"])
            .args(ignore)
            .args(&files)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("HOME", home.path())
            .env_remove("GITHUB_ACTIONS")
            .output()
            .expect("run hoist");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stderr(&out)
    };
    let warned = format!("[{}]", codes[0]);
    assert!(upload(&[]).contains(&warned));
    assert!(!upload(&["--ignore", &codes[0]]).contains(&warned));

    for (bad, why) in [("D001", "is an error"), ("X999", "no rule `X999`")] {
        for command in ["check", "upload"] {
            let out = hoist(&[command, "--ignore", bad, &files[0]]);
            assert_eq!(out.status.code(), Some(2), "{command} --ignore {bad}");
            assert!(String::from_utf8_lossy(&out.stderr).contains(why));
        }
    }
}
