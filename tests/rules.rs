//! Every rule against a distribution built to violate it, and the good twins that must pass
//! without any diagnostic.

mod support;

use std::path::{Path, PathBuf};

use hoist::check::{self, FileReport, Options, Severity};
use support::Spec;
use support::cases::{self, Input};

fn write_input(input: &Input, dir: &Path) -> PathBuf {
    match input {
        Input::Dist(spec) => spec.write(dir),
        Input::Raw(name, bytes) => {
            let p = dir.join(name);
            std::fs::write(&p, bytes).expect("write raw input");
            p
        }
    }
}

fn describe(r: &FileReport) -> String {
    r.diagnostics
        .iter()
        .map(|d| format!("{} {:?}: {}", d.rule.code, d.severity, d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_case_reports_its_rule_and_nothing_unexpected() {
    let mut failures = Vec::new();
    for case in cases::all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write_input(&case.input, dir.path());
        let options = Options {
            max_file_size: case.max_file_size.unwrap_or(check::DEFAULT_MAX_FILE_SIZE),
            ..Options::default()
        };
        let report = check::check_file(&path, &options);
        let hit = report
            .diagnostics
            .iter()
            .any(|d| d.rule.code == case.code && d.message.contains(case.message));
        let unexpected: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .filter(|d| d.rule.code != case.code && !case.also.contains(&d.rule.code))
            .collect();
        if !hit || !unexpected.is_empty() {
            failures.push(format!(
                "{}: expected {} with {:?}\n  got:\n{}",
                case.id,
                case.code,
                case.message,
                describe(&report)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_rule_has_a_violating_case() {
    let covered: std::collections::HashSet<&str> = cases::all().iter().map(|c| c.code).collect();
    let missing: Vec<&str> = check::rules::ALL
        .iter()
        .map(|r| r.code)
        .filter(|c| !covered.contains(c) && *c != "X001")
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a violating case: {missing:?}"
    );
}

#[test]
fn good_wheel_and_sdist_pass_without_any_diagnostic() {
    let dir = tempfile::tempdir().expect("tempdir");
    for spec in [Spec::wheel(), Spec::sdist()] {
        let path = spec.write(dir.path());
        let report = check::check_file(&path, &Options::default());
        assert!(
            report.diagnostics.is_empty(),
            "{}: {}",
            spec.filename,
            describe(&report)
        );
        assert_eq!(report.name.as_deref(), Some("demo"));
        assert_eq!(report.version.as_deref(), Some("1.0"));
    }
}

#[test]
fn passing_twins_of_tricky_rules() {
    // Each of these is close to a violation but is accepted by PyPI.
    let twins = [
        (
            "manylinux wheel",
            Spec::wheel()
                .named("demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
        ),
        (
            "armv7l exception",
            Spec::wheel().named("demo-1.0-cp312-cp312-linux_armv7l.whl"),
        ),
        (
            "build tag",
            Spec::wheel().named("demo-1.0-1-py3-none-any.whl"),
        ),
        (
            "1.0 equals 1.0.0",
            Spec::wheel().named("demo-1.0.0-py3-none-any.whl"),
        ),
        (
            "case-insensitive licence",
            Spec::wheel().set("License-Expression", "mit OR apache-2.0"),
        ),
        (
            "licence exception",
            Spec::wheel().set(
                "License-Expression",
                "GPL-2.0-or-later WITH Classpath-exception-2.0",
            ),
        ),
        (
            "garbage email parseaddr drops",
            Spec::wheel().set("Author-email", "not an email@"),
        ),
        (
            "32-character label",
            Spec::wheel().add(
                "Project-URL",
                &format!("{}, https://example.com/", "L".repeat(32)),
            ),
        ),
        (
            "512-character summary",
            Spec::wheel().set("Summary", &"x".repeat(512)),
        ),
        (
            "private import name",
            Spec::wheel()
                .set("Metadata-Version", "2.5")
                .add("Import-Name", "demo._impl; private"),
        ),
        (
            "plain text description",
            Spec::wheel()
                .set("Description-Content-Type", "text/plain")
                .body(Some("  \n")),
        ),
        (
            "CommonMark variant",
            Spec::wheel().set(
                "Description-Content-Type",
                "text/markdown; charset=UTF-8; variant=CommonMark",
            ),
        ),
        (
            "markdown comment only",
            Spec::wheel().body(Some("<!-- only a comment -->\n")),
        ),
        (
            "UNKNOWN license is dropped",
            Spec::wheel().add("License", "UNKNOWN"),
        ),
        (
            "entry points in other sections",
            Spec::wheel().file(
                "demo-1.0.dist-info/entry_points.txt",
                b"[console_scripts]\ndemo = demo:main\n\n[pytest11]\nmy plugin = demo.plugin\n",
            ),
        ),
        (
            "dotted sdist top",
            Spec {
                top: Some("./demo-1.0".into()),
                ..Spec::sdist()
            },
        ),
        (
            "post release",
            Spec::sdist()
                .named("demo-1.0.post1.tar.gz")
                .set("Version", "1.0.post1"),
        ),
        (
            "folded legacy description",
            Spec::sdist()
                .set("Metadata-Version", "1.1")
                .remove("License-Expression")
                .remove("License-File")
                .remove("Description-Content-Type")
                .remove("Requires-Python")
                .remove("Project-URL")
                .body(None)
                .add(
                    "Description",
                    "demo\n        ====\n        \n        A package.",
                ),
        ),
    ];
    for (what, spec) in twins {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = spec.write(dir.path());
        let report = check::check_file(&path, &Options::default());
        assert_eq!(report.errors(), 0, "{what}: {}", describe(&report));
    }
}

#[test]
fn the_render_verdict_follows_the_declared_content_type() {
    // Broken as reStructuredText, fine as Markdown or plain text.
    let text = "A much longer title\n=====\n\n* item\ntext right after a list\n";
    let dir = tempfile::tempdir().expect("tempdir");
    for (dct, fails) in [
        (None, true),
        (Some("text/x-rst"), true),
        (Some("text/markdown"), false),
        (Some("text/markdown; variant=CommonMark"), false),
        (Some("text/plain"), false),
    ] {
        let spec = match dct {
            Some(d) => Spec::wheel().set("Description-Content-Type", d),
            None => Spec::wheel().remove("Description-Content-Type"),
        }
        .body(Some(text));
        let path = spec.write(dir.path());
        let report = check::check_file(&path, &Options::default());
        let failed = report.diagnostics.iter().any(|d| d.rule.code == "D001");
        assert_eq!(failed, fails, "{dct:?}: {}", describe(&report));
        if fails {
            let d = report
                .diagnostics
                .iter()
                .find(|d| d.rule.code == "D001")
                .expect("D001");
            assert!(
                d.hint.as_deref().unwrap_or("").starts_with("line "),
                "{:?}",
                d.hint
            );
            assert!(
                d.location.as_ref().and_then(|l| l.line).is_some(),
                "points at a METADATA line"
            );
        }
    }
}

#[test]
fn one_sdist_per_release() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(&a).expect("mkdir");
    std::fs::create_dir_all(&b).expect("mkdir");
    let one = Spec::sdist().write(&a);
    let two = Spec::sdist().write(&b);
    let wheel = Spec::wheel().write(&a);
    let reports = check::check_files(&[one, two, wheel], &Options::default());
    for r in &reports[..2] {
        assert!(
            r.diagnostics.iter().any(|d| d.rule.code == "X001"
                && d.message == "Only one sdist may be uploaded per release."),
            "{}",
            describe(r)
        );
    }
    assert!(reports[2].diagnostics.is_empty());
    // Different versions are different releases.
    let other = Spec::sdist()
        .named("demo-2.0.tar.gz")
        .set("Version", "2.0")
        .write(&b);
    let reports = check::check_files(&[a.join("demo-1.0.tar.gz"), other], &Options::default());
    assert!(reports.iter().all(|r| r.diagnostics.is_empty()));
}

#[test]
fn diagnostics_point_at_the_metadata_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = Spec::wheel()
        .add("Classifier", "Foo :: Bar")
        .write(dir.path());
    let report = check::check_file(&path, &Options::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "M020")
        .expect("M020");
    let loc = d.location.as_ref().expect("location");
    assert_eq!(loc.member.as_deref(), Some("demo-1.0.dist-info/METADATA"));
    assert_eq!(loc.line, Some(12));
    assert!(
        d.hint
            .as_deref()
            .unwrap_or("")
            .contains("pypi.org/classifiers")
    );
}
