//! The whole-upload differential: for generated distributions (a valid wheel or sdist with one
//! or two metadata fields, its filename or its archive changed; each kind of issue 12 and
//! every rule family represented), hoist check's verdict must equal PyPI's verdict on the
//! exact form upload would send (`upload::prepare`, what `--dry-run` prints) and
//! the file, given by `tests/oracle/form_verdict.py`, which follows Warehouse's `file_upload`
//! order with the pinned libraries. One Python process for the whole corpus.

mod support;
mod testpython;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use hoist::check::{self, Dist, Options, Status};
use support::Spec;

/// Distributions generated (half wheels, half sdists) and the generator's default seed
/// (`HOIST_DIFF_SEED` picks another).
const COUNT: usize = 2_000;
const SEED: u64 = 12;

fn seed() -> u64 {
    std::env::var("HOIST_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED)
}

const URLS: &[&str] = &[
    "https://example.com/a|b",
    "https://github.com/example/demo-pkg/blob/main/docs/Release Notes.md",
    "https://example.com:65536/",
    "https://exa mple.com/",
    "ftp://example.com/",
    "example.com",
    "https://example.com/a[b]",
    "HTTPS://EXAMPLE.com",
    "http:relative",
    "https://[::1]:80/x?y#z",
];
const EMAILS: &[&str] = &[
    "YOUR_EMAIL_ADDRESS_HERE",
    "attr: demo_pkg.__author_email__",
    "jane@127.0.0.1",
    "@example.com",
    "jane doe@example.com",
    "mailto:jane@example.com",
    "Jane <jane@example.com>",
    "a@example.com, b@example.com",
    "jane@localhost",
    "\"q\"@example.com",
    "jane@m\u{fc}nchen.de",
];
const SPECIFIERS: &[&str] = &[
    ">=3.6,",
    ">=3.9,,<4",
    "===foobar",
    ">=3.x",
    "~=3",
    "3.9",
    "<4,>=3.8",
    ">= 3.9 ,",
];
const REQUIREMENTS: &[&str] = &[
    "numpy >=1.19,",
    "requests===foobar",
    "requests\n >=2.0",
    "foo @ https://x/y.whl",
    "foo bar",
    "foo_ >=1",
    "foo[bar]; python_version<'3.9'",
    "foo; extra == 'Test_X'",
    "foo; bad == '1'",
    "foo>=1.0.*",
];
const LICENSES: &[&str] = &[
    "NOASSERTION",
    "MIT OR Apache-2.0",
    "mit",
    "MIT WITH x",
    "LicenseRef-Foo",
    "GPL-2.0+",
    "MIT AND",
    "",
];
const CONTENT_TYPES: &[&str] = &[
    "text/markdown; variant=",
    "text/markdown; variant=CommonMark",
    "text/markdown; charset=utf-8",
    "text/x-rst",
    "text/plain",
    "text/html",
    "text/markdown; variant",
    "TEXT/MARKDOWN",
];
const CLASSIFIERS: &[&str] = &[
    "Programming Language :: Python :: 3",
    "Private :: Do Not Upload",
    "Not :: A :: Classifier",
    "Natural Language :: Ukranian",
    "License :: OSI Approved :: MIT License",
];

/// One or two changes to a valid distribution.
fn mutate(spec: Spec, rng: &mut fastrand::Rng) -> Spec {
    fn pick<'a>(rng: &mut fastrand::Rng, v: &[&'a str]) -> &'a str {
        v[rng.usize(..v.len())]
    }
    let (l32, l33, s512, s513) = (
        "L".repeat(32),
        "L".repeat(33),
        "s".repeat(512),
        "s".repeat(513),
    );
    match rng.u8(..24) {
        0 => spec.set("Home-page", pick(rng, URLS)),
        1 => spec.set("Download-URL", pick(rng, URLS)),
        2 => {
            let label = pick(rng, &["Source", "", &l32, &l33]);
            let url = pick(rng, URLS);
            spec.add("Project-URL", &format!("{label}, {url}"))
        }
        3 => spec.set("Author-email", pick(rng, EMAILS)),
        4 => spec.set("Maintainer-email", pick(rng, EMAILS)),
        5 => spec.set("Requires-Python", pick(rng, SPECIFIERS)),
        6 => spec.add("Requires-Dist", pick(rng, REQUIREMENTS)),
        7 => spec.add(
            pick(rng, &["Provides-Dist", "Obsoletes-Dist"]),
            pick(rng, REQUIREMENTS),
        ),
        8 => spec.set("License-Expression", pick(rng, LICENSES)),
        9 => spec.set("License", "MIT"),
        10 => spec.set("Description-Content-Type", pick(rng, CONTENT_TYPES)),
        11 => spec.add("Classifier", pick(rng, CLASSIFIERS)),
        12 => spec.set(
            "Summary",
            pick(
                rng,
                &[
                    "",
                    "UNKNOWN",
                    "  padded  ",
                    "folded\n  summary",
                    &s513,
                    &s512,
                ],
            ),
        ),
        13 => spec.add(
            "Dynamic",
            pick(rng, &["Summary", "license-file", "Name", "Bogus"]),
        ),
        14 => spec.set(
            "Metadata-Version",
            pick(rng, &["2.1", "2.2", "2.5", "3.0", "1.0"]),
        ),
        15 => spec.add(
            "Provides-Extra",
            pick(rng, &["test", "Test_X", "-bad", "a b"]),
        ),
        16 => spec.set("Keywords", pick(rng, &["a, b", "a b", ""])),
        17 => spec
            .set("Description-Content-Type", "text/x-rst")
            .body(Some(pick(
                rng,
                &[
                    "Title\n=====\n\ntext\n",
                    "*unclosed\n",
                    "Title\n===\n",
                    ".. contents::\n",
                ],
            ))),
        18 => spec.add("Summary", "a second summary"),
        19 => spec.set("Author", pick(rng, &["Jane", "", "UNKNOWN"])),
        _ => file_change(spec, rng),
    }
}

/// A change to the filename or the archive.
fn file_change(spec: Spec, rng: &mut fastrand::Rng) -> Spec {
    let wheel = spec.filename.ends_with(".whl");
    match (wheel, rng.u8(..8)) {
        (true, 0) => spec.named(
            [
                "demo-1.0-py3-none-Any.whl",
                "Demo-1.0-py3-none-any.whl",
                "demo-1.0-cp312-cp312-linux_x86_64.whl",
                "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
            ][rng.usize(..4)],
        ),
        (true, 1) => spec.named(
            [
                "demo-1.0.0-py3-none-any.whl",
                "demo-1.1-py3-none-any.whl",
                "demo-01.0-py3-none-any.whl",
            ][rng.usize(..3)],
        ),
        (true, 2) => spec.file(
            "demo-1.0.dist-info/entry_points.txt",
            [
                "[console_scripts]\ndemo = demo:main\nDemo = demo:main\n",
                "[DEFAULT]\nmy tool = x:y\n[console_scripts]\ndemo = demo:main\n",
                "[console_scripts]\nmy tool = x:y\n",
                "[console_scripts]\ndemo = a\ndemo = b\n",
                "no section\n",
            ][rng.usize(..5)]
            .as_bytes(),
        ),
        (true, 3) => spec.omit(["RECORD", "WHEEL", "licenses/LICENSE"][rng.usize(..3)]),
        (true, 4) => spec
            .set("Version", "99999999999999999999.0")
            .named("demo-99999999999999999999.0-py3-none-any.whl"),
        (false, 0) => spec
            .named(["Demo-1.0.tar.gz", "demo-1.0.0.tar.gz", "demo_x-1.0.tar.gz"][rng.usize(..3)]),
        (false, 1) => spec.omit(["PKG-INFO", "LICENSE"][rng.usize(..2)]),
        (false, 2) => spec
            .set("Version", "1.0.post1")
            .named(["demo-1.0.post1.tar.gz", "demo-1.0-1.tar.gz"][rng.usize(..2)]),
        _ => spec,
    }
}

/// PyPI's verdicts on the forms, one Python process.
fn oracle(forms: &[(Vec<(String, String)>, String)]) -> Vec<(bool, String)> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/form_verdict.py");
    let mut child = Command::new(testpython::python())
        .args(["-W", "ignore"])
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the form oracle");
    let mut stdin = child.stdin.take().expect("stdin");
    let input: String = forms
        .iter()
        .map(|(fields, path)| {
            serde_json::json!({"fields": fields, "path": path}).to_string() + "\n"
        })
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out: Vec<(bool, String)> = BufReader::new(child.stdout.take().expect("stdout"))
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("line")).expect("json");
            (
                v["ok"].as_bool().expect("ok"),
                v["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    writer.join().expect("writer").expect("write forms");
    assert!(child.wait().expect("oracle").success(), "oracle failed");
    out
}

#[test]
fn check_verdict_equals_pypis_verdict_on_the_form_upload_sends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = seed();
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut cases = Vec::new();
    for i in 0..COUNT {
        let base = if i % 2 == 0 {
            Spec::wheel()
        } else {
            Spec::sdist()
        };
        let mut spec = mutate(base, &mut rng);
        if rng.bool() {
            spec = mutate(spec, &mut rng);
        }
        let sub = dir.path().join(i.to_string());
        std::fs::create_dir(&sub).expect("mkdir");
        let path = spec.write(&sub);
        let report = check::check_file(&path, &Options::default());
        let dist = Dist::read(&path, &Options::default());
        // The form exactly as `hoist upload` prepares it (and `--dry-run` prints it).
        let Ok(prepared) = hoist::upload::prepare(&dist, None) else {
            // Upload has no form to send (no metadata member): check must refuse.
            assert_eq!(report.status(false), Status::Failed, "{}", spec.filename);
            continue;
        };
        let form: Vec<(String, String)> = prepared
            .fields()
            .expect("the form, built again from the unchanged file")
            .into_iter()
            .map(|f| (f.name, f.value))
            .collect();
        cases.push((spec, report, form, path.display().to_string()));
    }
    let forms: Vec<(Vec<(String, String)>, String)> =
        cases.iter().map(|c| (c.2.clone(), c.3.clone())).collect();
    let theirs = oracle(&forms);
    let mut bad = Vec::new();
    for ((spec, report, form, _), (ok, message)) in cases.iter().zip(&theirs) {
        let ours = report.status(false) != Status::Failed;
        if ours != *ok {
            let errors: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == check::Severity::Error)
                .map(|d| format!("{} {}", d.rule.code, d.message))
                .collect();
            let changed: Vec<&(String, String)> = form
                .iter()
                .filter(|(n, _)| {
                    !matches!(n.as_str(), ":action" | "protocol_version" | "description")
                })
                .collect();
            let members: Vec<(&str, usize)> = spec
                .members
                .iter()
                .map(|m| (m.name.as_str(), m.data.len()))
                .collect();
            bad.push(format!(
                "{}: PyPI {} ({message}); hoist {} {errors:?}\n  form: {changed:?}\n  extra members: {members:?}, omitted: {:?}",
                spec.filename,
                if *ok { "accepts" } else { "refuses" },
                if ours { "accepts" } else { "refuses" },
                spec.omit,
            ));
        }
    }
    let refused = theirs.iter().filter(|(ok, _)| !ok).count();
    println!(
        "upload verdicts: {}/{} agree ({COUNT} distributions generated, {} with a form, {refused} of them refused by PyPI; seed {seed})",
        cases.len() - bad.len(),
        cases.len(),
        cases.len(),
    );
    assert!(
        refused > cases.len() / 5 && refused < cases.len() * 4 / 5,
        "the corpus must hold both verdicts"
    );
    assert!(
        bad.is_empty(),
        "{} disagreements:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// The form the test above judges is the one `hoist upload --dry-run` prints.
#[test]
fn dry_run_prints_the_prepared_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    for spec in [
        Spec::wheel()
            .add("Requires-Dist", "numpy >=1.19,")
            .set("Author", "UNKNOWN"),
        Spec::sdist()
            .set("Summary", "  padded  ")
            .set("Keywords", ""),
    ] {
        let path = spec.write(dir.path());
        let dist = Dist::read(&path, &Options::default());
        let prepared = hoist::upload::prepare(&dist, None).expect("prepared");
        let out = Command::new(env!("CARGO_BIN_EXE_hoist"))
            .args([
                "upload",
                "--dry-run",
                "--format",
                "json",
                "--non-interactive",
            ])
            .arg(&path)
            .env("HOME", dir.path())
            .env_remove("TWINE_REPOSITORY_URL")
            .env_remove("HOIST_REPOSITORY_URL")
            .output()
            .expect("run hoist");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let printed: Vec<(String, String)> = v["requests"][0]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| {
                (
                    f["name"].as_str().unwrap_or("").into(),
                    f["value"].as_str().unwrap_or("").into(),
                )
            })
            .collect();
        let ours: Vec<(String, String)> = prepared
            .fields()
            .expect("form")
            .into_iter()
            .map(|f| (f.name, f.value))
            .collect();
        assert_eq!(printed, ours, "{}", spec.filename);
    }
}

/// The form is not kept between the check and the send: it is built again from the file, and
/// a file whose metadata changed in between is refused rather than sent with a form nobody
/// checked.
#[test]
fn the_form_is_rebuilt_from_the_file_and_must_match_the_checked_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    for spec in [Spec::wheel(), Spec::sdist()] {
        let path = spec.write(dir.path());
        let dist = Dist::read(&path, &Options::default());
        let prepared = hoist::upload::prepare(&dist, Some("nightly")).expect("prepared");
        let first = prepared.fields().expect("form");
        assert!(
            first
                .iter()
                .any(|f| f.name == "comment" && f.value == "nightly")
        );
        assert!(first.iter().any(|f| f.name == "summary"));
        assert_eq!(prepared.fields().expect("form again"), first);

        spec.clone()
            .set("Summary", "replaced after the check")
            .write(dir.path());
        let err = prepared.fields().expect_err("changed metadata");
        assert!(
            matches!(err, hoist::upload::PrepareError::Changed(_)),
            "{err}"
        );
        assert!(err.to_string().contains(&prepared.filename), "{err}");

        std::fs::remove_file(&path).expect("rm");
        let err = prepared.fields().expect_err("vanished file");
        assert!(err.to_string().contains(&prepared.filename), "{err}");
    }
}
