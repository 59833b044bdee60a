//! `hoist preview` from the command line: wheels, sdists and READMEs, the printed path, the
//! content-type override, and the errors (exit 1, the file named).

mod support;

use std::process::{Command, Output};

use support::Spec;

fn hoist(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoist"))
        .args(args)
        .output()
        .expect("run hoist")
}

fn preview(input: &std::path::Path, extra: &[&str], out: &std::path::Path) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["preview".as_ref(), input.as_os_str()];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    args.extend(["-o".as_ref(), out.as_os_str()]);
    hoist(&args)
}

/// Asserts that `hoist preview` exited 0, and returns the page it wrote to `out`.
fn page_written(o: &Output, out: &std::path::Path) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(out).expect("page")
}

#[test]
fn wheel_sdist_and_readme() {
    let dir = tempfile::tempdir().expect("tempdir");
    let body = "# demo\n\n![logo](docs/logo.png)\n";
    for spec in [Spec::wheel(), Spec::sdist()] {
        let input = spec.body(Some(body)).write(dir.path());
        let out = dir.path().join("page.html");
        let o = preview(&input, &[], &out);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            out.display().to_string()
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains("1 part(s) will look broken"));
        let html = std::fs::read_to_string(&out).expect("page");
        assert!(
            html.contains("<title>demo 1.0 · hoist preview</title>"),
            "{html}"
        );
        assert!(html.contains("broken image on PyPI: relative path docs/logo.png"));
    }
    let readme = dir.path().join("README");
    std::fs::write(&readme, "Title\n=====\n\n.. image:: docs/a.png\n").expect("write");
    let out = dir.path().join("readme.html");
    let o = preview(&readme, &[], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--content-type"));
    let o = preview(&readme, &["--content-type", "text/x-rst"], &out);
    let html = page_written(&o, &out);
    assert!(html.contains("P001 relative-image"), "{html}");
    // Rendered as PyPI does: the lone title becomes the document title (not in the
    // description), the image is the broken-image box.
    assert!(
        html.contains("broken image on PyPI: relative path docs/a.png"),
        "{html}"
    );
    assert!(
        !html.contains(".. image::"),
        "the rst source is shown: {html}"
    );
}

/// reStructuredText is rendered as readme_renderer renders it (sections with PyPI's ids, smart
/// quotes, resolved references); a description PyPI would refuse is shown as source, saying so.
#[test]
fn rst_is_rendered_as_pypi_does_and_refused_rst_is_shown_as_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    let readme = dir.path().join("README.rst");
    std::fs::write(
        &readme,
        "Demo\n====\n\nIntro \"quoted\" -- see `the docs`_.\n\nUsage\n-----\n\n.. code:: python\n\n   import demo\n\n.. _the docs: https://example.com/docs\n",
    )
    .expect("write");
    let out = dir.path().join("rst.html");
    let o = preview(&readme, &[], &out);
    let html = page_written(&o, &out);
    for want in [
        "<section id=\"user-content-usage\">",
        "Intro \u{201c}quoted\u{201d} \u{2013} see <a href=\"https://example.com/docs\" rel=\"nofollow\">the docs</a>.",
        "<pre class=\"code python literal-block\"><code>import demo",
    ] {
        assert!(html.contains(want), "missing {want:?} in {html}");
    }

    std::fs::write(&readme, "Demo\n====\n\nSee `nowhere`_.\n").expect("write");
    let o = preview(&readme, &[], &out);
    let html = page_written(&o, &out);
    assert!(html.contains("PyPI would not render this reStructuredText, so it would refuse the upload: line 4 of the description: Error: Unknown target name: &quot;nowhere&quot;."), "{html}");
    assert!(html.contains("See `nowhere`_."), "{html}");
    assert!(
        !html.contains("hoist found nothing that PyPI shows broken"),
        "{html}"
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("warning: PyPI would not render this description, so it would refuse the upload: line 4 of the description: Error: Unknown target name: \"nowhere\"."),
        "{stderr}"
    );
}

#[test]
fn errors_name_the_file_and_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.html");
    let missing = dir.path().join("missing.md");
    let o = preview(&missing, &[], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.md"));
    let bad = dir.path().join("demo-1.0-py3-none-any.whl");
    std::fs::write(&bad, b"not a zip").expect("write");
    let o = preview(&bad, &[], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no metadata could be read"));
    let sub = dir.path().join("n");
    std::fs::create_dir(&sub).expect("mkdir");
    let nodesc = Spec::wheel().body(None).write(&sub);
    let o = preview(&nodesc, &[], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no long description"));
    assert!(!out.exists());
}

/// `--open` where no browser can show the page says so and where the page is, instead of
/// returning as if it had opened.
#[test]
fn open_without_a_display_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let readme = dir.path().join("README.md");
    std::fs::write(&readme, "# Demo\n\nHello.\n").expect("write");
    let out = dir.path().join("page.html");
    let o = Command::new(env!("CARGO_BIN_EXE_hoist"))
        .args(["preview", "--open", "-o"])
        .arg(&out)
        .arg(&readme)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run hoist");
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    if cfg!(any(target_os = "macos", windows)) {
        return;
    }
    assert!(
        err.contains("warning: cannot open a browser (no display: $DISPLAY and $WAYLAND_DISPLAY are not set); open"),
        "{err}"
    );
    assert!(out.exists());
}
