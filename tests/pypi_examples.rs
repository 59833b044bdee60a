//! Inputs taken from public bug reports where hoist once disagreed with PyPI (issue 12), each
//! as a distribution with the verdict PyPI's own libraries give it (checked against
//! Warehouse's `file_upload` path with packaging 26.2, rfc3986 2.0.0, email-validator 2.3.0,
//! docutils 0.23 and Python's configparser and tarfile).

mod support;

use std::io::Write;

use hoist::check::{self, Options, Status};
use support::Spec;

/// `Ok(())` when hoist's verdict is PyPI's: accepted, or refused with a message containing
/// `refusal`.
fn verdict(spec: &Spec, refusal: Option<&str>) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = spec.write(dir.path());
    judge(&path, refusal)
}

fn judge(path: &std::path::Path, refusal: Option<&str>) -> Result<(), String> {
    let report = check::check_file(path, &Options::default());
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == check::Severity::Error)
        .map(|d| {
            let hint = d.hint.as_deref().unwrap_or("");
            format!("{} {} ({hint})", d.rule.code, d.message)
        })
        .collect();
    match refusal {
        None if report.status(false) != Status::Failed => Ok(()),
        None => Err(format!("PyPI accepts it; hoist refuses: {errors:?}")),
        Some(m) if errors.iter().any(|e| e.contains(m)) => Ok(()),
        Some(m) => Err(format!("PyPI refuses it ({m:?}); hoist says {errors:?}")),
    }
}

#[test]
fn metadata_values_get_pypis_verdict() {
    let wheel = Spec::wheel;
    let cases: Vec<(&str, Spec, Option<&str>)> = vec![
        // URLs: rfc3986 percent-encodes before validating; the fragment is not validated.
        (
            "space in a URL path",
            wheel().add(
                "Project-URL",
                "Notes, https://github.com/example/demo-pkg/blob/main/docs/Release Notes.md",
            ),
            None,
        ),
        (
            "pipe in a URL path",
            wheel().set("Home-page", "https://example.com/a|b"),
            None,
        ),
        (
            "port out of range",
            wheel().set("Home-page", "https://example.com:65536/"),
            Some("'https://example.com:65536/' is not a valid url"),
        ),
        // Specifiers: packaging 26 skips empty items; === takes any string.
        (
            "trailing comma",
            wheel().set("Requires-Python", ">=3.6,"),
            None,
        ),
        (
            "empty item",
            wheel().set("Requires-Python", ">=3.9,,<4"),
            None,
        ),
        (
            "trailing comma in a requirement",
            wheel().add("Requires-Dist", "numpy >=1.19,"),
            None,
        ),
        (
            "arbitrary equality",
            wheel().add("Requires-Dist", "requests===foobar"),
            None,
        ),
        // E-mail: the address parseaddr extracts, validated by email-validator.
        (
            "placeholder e-mail",
            wheel().set("Author-email", "YOUR_EMAIL_ADDRESS_HERE"),
            Some(
                "'YOUR_EMAIL_ADDRESS_HERE' is not a valid email address: An email address must have an @-sign.",
            ),
        ),
        (
            "unexpanded setup.cfg directive",
            wheel().set("Author-email", "attr: demo_pkg.__author_email__"),
            Some("An email address must have an @-sign."),
        ),
        (
            "IP address domain",
            wheel().set("Author-email", "jane@127.0.0.1"),
            Some("It is not within a valid top-level domain."),
        ),
        (
            "no local part",
            wheel().set("Author-email", "@example.com"),
            Some("There must be something before the @-sign."),
        ),
        (
            "space in the local part",
            wheel().set("Maintainer-email", "jane doe@example.com"),
            Some("invalid characters before the @-sign: SPACE."),
        ),
        (
            "mailto: prefix",
            wheel().set("Author-email", "mailto:jane@example.com"),
            None,
        ),
        // Folded header: the value keeps its line break, which packaging refuses.
        (
            "folded Requires-Dist",
            wheel().add("Requires-Dist", "requests\n >=2.0"),
            Some("is invalid for 'requires-dist'"),
        ),
        // Smaller ones.
        (
            "NOASSERTION licence",
            wheel().set("License-Expression", "NOASSERTION"),
            Some("'NOASSERTION' is invalid for 'license-expression'"),
        ),
        (
            "empty content-type parameter",
            wheel().set("Description-Content-Type", "text/markdown; variant="),
            None,
        ),
        (
            "huge version number",
            wheel()
                .named("demo-99999999999999999999.0-py3-none-any.whl")
                .set("Version", "99999999999999999999.0"),
            None,
        ),
        (
            "platform tag case",
            wheel().named("demo-1.0-py3-none-Any.whl"),
            None,
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, spec, refusal)| {
            verdict(spec, *refusal)
                .err()
                .map(|e| format!("{name}: {e}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn entry_points_follow_configparser() {
    let ep =
        |text: &str| Spec::wheel().file("demo-1.0.dist-info/entry_points.txt", text.as_bytes());
    verdict(
        &ep("[console_scripts]\ndemo = demo_pkg:main\nDemo = demo_pkg:main\n"),
        None,
    )
    .expect("keys are case-sensitive: two entry points");
    verdict(
        &ep("[DEFAULT]\nmy tool = x:y\n[console_scripts]\ndemo = demo_pkg:main\n"),
        Some("has invalid entry points defined in the entry_points.txt file"),
    )
    .expect("[DEFAULT] keys appear in [console_scripts]");
}

/// A gzipped tar with these members, names written byte for byte (the `tar` crate's
/// `set_path` would drop a leading `./`).
fn raw_tar(members: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, kind, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(*kind);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        if *kind == tar::EntryType::Symlink {
            h.set_link_name("setup.py").expect("link name");
        }
        let field = &mut h.as_gnu_mut().expect("gnu header").name;
        field[..name.len()].copy_from_slice(name.as_bytes());
        h.set_cksum();
        b.append(&h, *data).expect("append");
    }
    support::gzip(&b.into_inner().expect("tar"))
}

fn write_sdist(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("demo-1.0.tar.gz");
    let mut f = std::fs::File::create(&path).expect("create");
    f.write_all(bytes).expect("write");
    (dir, path)
}

#[test]
fn sdist_members_are_looked_up_by_exact_name() {
    let pkg_info = Spec::sdist().metadata_text();
    let regular = tar::EntryType::Regular;
    let (_d, path) = write_sdist(&raw_tar(&[
        ("./demo-1.0/PKG-INFO", regular, &pkg_info),
        (
            "./demo-1.0/LICENSE",
            regular,
            support::LICENSE_TEXT.as_bytes(),
        ),
    ]));
    judge(&path, Some("PKG-INFO not found at demo-1.0/PKG-INFO")).expect("./ members");
    let (_d, path) = write_sdist(&raw_tar(&[
        ("demo-1.0/PKG-INFO", regular, &pkg_info),
        (
            "demo-1.0/LICENSE",
            regular,
            support::LICENSE_TEXT.as_bytes(),
        ),
    ]));
    judge(&path, None).expect("the same sdist without ./ passes");
}

/// An sdist whose `demo-1.0/PKG-INFO` is a symbolic link or a directory: PyPI's `getmember`
/// finds it, but hoist cannot read metadata from it to build the upload form, so check must
/// fail just as upload would.
#[test]
fn a_pkg_info_that_is_not_a_file_fails_check() {
    for kind in [tar::EntryType::Symlink, tar::EntryType::Directory] {
        let (_d, path) = write_sdist(&raw_tar(&[
            ("demo-1.0/setup.py", tar::EntryType::Regular, b""),
            ("demo-1.0/PKG-INFO", kind, b""),
        ]));
        judge(&path, Some("cannot read demo-1.0/PKG-INFO")).expect("PKG-INFO not a file");
    }
}

#[test]
fn rst_descriptions_get_docutils_verdict() {
    let rst = |body: &str| {
        Spec::wheel()
            .set("Description-Content-Type", "text/x-rst")
            .body(Some(body))
    };
    verdict(
        &rst(
            "Title\n=====\n\n.. sidebar:: Aside\n\n   .. contents::\n\nSection\n-------\n\ntext\n",
        ),
        None,
    )
    .expect("contents inside a sidebar renders");
    verdict(
        &rst(".. class:: special\n\n   .. topic:: T\n\n      x\n\n   .. contents::\n\nA\n-\n\nx\n"),
        None,
    )
    .expect("topic and contents inside class content render");
    verdict(
        &rst("A\n=\n\n.. note::\n\n   .. contents::\n"),
        Some("may not be used within topics or body elements"),
    )
    .expect("contents inside a note fails");
    verdict(
        &rst(&format!("Title\n=====\n\n{}\n", "x".repeat(10_001))),
        Some("line-length-limit"),
    )
    .expect("a line over 10,000 characters fails");
}
