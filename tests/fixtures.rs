//! The shipped fixtures: `fixtures/dist/` (distributions PyPI accepts: generated ones and
//! real ones from PyPI) and `fixtures/bad/<CODE>-<name>/` (each breaks the rule its directory
//! names). The generated ones come from `tests/support/cases.rs`; regenerate them with
//!
//!     HOIST_REGENERATE_FIXTURES=1 cargo test --test fixtures

mod support;

use std::path::{Path, PathBuf};

use hoist::check::{self, Options};
use support::Spec;
use support::cases::{self, Input};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every generated fixture: (path relative to fixtures/, bytes).
fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = vec![
        (
            PathBuf::from("dist/demo-1.0-py3-none-any.whl"),
            Spec::wheel().bytes(),
        ),
        (PathBuf::from("dist/demo-1.0.tar.gz"), Spec::sdist().bytes()),
    ];
    // X001 needs two files: a dist/ not cleaned between an old setuptools (which named the sdist
    // after the project, `demo-pkg-1.0.tar.gz`) and a PEP 625 build (`demo_pkg-1.0.tar.gz`).
    for filename in ["demo_pkg-1.0.tar.gz", "demo-pkg-1.0.tar.gz"] {
        let spec = Spec::sdist().named(filename).set("Name", "demo-pkg");
        let top = &filename[..filename.len() - ".tar.gz".len()];
        out.push((
            Path::new("bad/X001-multiple-sdists").join(filename),
            Spec {
                top: Some(top.to_string()),
                ..spec
            }
            .bytes(),
        ));
    }
    for case in cases::all().into_iter().filter(|c| c.fixture) {
        let (name, bytes) = match &case.input {
            Input::Dist(spec) => (spec.filename.clone(), spec.bytes()),
            Input::Raw(name, bytes) => (name.to_string(), bytes.clone()),
        };
        out.push((Path::new("bad").join(case.id).join(name), bytes));
    }
    out
}

#[test]
fn generated_fixtures_are_current() {
    let regenerate = std::env::var_os("HOIST_REGENERATE_FIXTURES").is_some();
    let mut stale = Vec::new();
    for (rel, bytes) in generated() {
        let path = root().join(&rel);
        if regenerate {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, &bytes).expect("write fixture");
        } else if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(rel.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "fixtures out of date (run HOIST_REGENERATE_FIXTURES=1 cargo test --test fixtures): {stale:?}"
    );
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read fixture dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .collect();
    v.sort();
    v
}

#[test]
fn shipped_good_fixtures_pass() {
    let files = files_in(&root().join("dist"));
    assert!(
        files.len() >= 8,
        "expected generated and real fixtures, found {files:?}"
    );
    for f in files {
        let r = check::check_file(&f, &Options::default());
        assert_eq!(r.errors(), 0, "{}: {:?}", f.display(), r.diagnostics);
    }
}

#[test]
fn shipped_bad_fixtures_fail_with_the_rule_they_are_named_for() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("bad"))
        .expect("fixtures/bad")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() > 60, "only {} bad fixtures", dirs.len());
    for dir in dirs {
        let code = dir
            .file_name()
            .and_then(|n| n.to_str())
            .map(|n| &n[..4])
            .expect("code")
            .to_string();
        let files = files_in(&dir);
        assert!(!files.is_empty(), "{} is empty", dir.display());
        let reports = check::check_files(&files, &Options::default());
        for r in reports {
            assert!(
                r.diagnostics.iter().any(|d| d.rule.code == code),
                "{}: expected {code}, got {:?}",
                r.path.display(),
                r.diagnostics
                    .iter()
                    .map(|d| d.rule.code)
                    .collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn real_rejected_files_fail_for_pypis_reason() {
    // attrs 24.2.0 (hatchling) declares License-Expression under Metadata-Version 2.3.
    let attrs = root().join("bad/M006-real-attrs/attrs-24.2.0-py3-none-any.whl");
    let r = check::check_file(&attrs, &Options::default());
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "M006")
        .expect("M006");
    assert_eq!(
        d.message,
        "license-expression introduced in metadata version 2.4, not 2.3. See https://packaging.python.org/specifications/core-metadata for more information."
    );
    assert_eq!(r.errors(), 1);
}

/// The rules that have no file in `fixtures/bad/`, as README's quick start says: names no
/// portable checkout can hold, and a file over 100 MiB. Each is still a case in
/// `tests/support/cases.rs` (run by `tests/rules.rs`).
const NO_FIXTURE: [&str; 3] = ["F003", "F004", "F005"];

#[test]
fn every_rule_has_a_bad_fixture_or_is_named_in_the_readme() {
    let dirs: Vec<String> = std::fs::read_dir(root().join("bad"))
        .expect("fixtures/bad")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let readme = std::fs::read_to_string(root().join("../README.md")).expect("README.md");
    let cases = cases::all();
    for rule in hoist::check::rules::ALL {
        let has_fixture = dirs
            .iter()
            .any(|d| d.starts_with(&format!("{}-", rule.code)));
        if NO_FIXTURE.contains(&rule.code) {
            assert!(
                !has_fixture,
                "{} has a fixture now: drop it from NO_FIXTURE",
                rule.code
            );
            assert!(
                readme.contains(&format!("`{}`", rule.code)),
                "README must say why {} has no fixture",
                rule.code
            );
            assert!(
                cases.iter().any(|c| c.id.starts_with(rule.code)),
                "{} has neither a fixture nor a case",
                rule.code
            );
        } else {
            assert!(
                has_fixture,
                "{} has no directory in fixtures/bad/",
                rule.code
            );
        }
    }
}
