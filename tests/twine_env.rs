//! `hoist upload` in the environment twine users release from (issue 18): quoted globs over a
//! `dist/` that holds more than distributions (against pypiserver), the `keyring` command as
//! Google Artifact Registry's and AWS CodeArtifact's back ends answer it (keyring 25.2+ and
//! older), CA bundles from requests' variables (a TLS server with a throwaway CA), and indexes
//! that answer before reading the body (a scripted server, and real waitress).

mod netsupport;
mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use netsupport::{Behavior, FaultServer};
use support::Spec;
use support::run::{hoist, text};

const WAIT: Duration = Duration::from_secs(20);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

// ---------------------------------------------------------------- globs

/// `uv build`'s `dist/`: the distributions, its `.gitignore` (content `*`), and what release
/// jobs leave beside them.
fn dist_with_extras(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let version = netsupport::servers::unique_version();
    let stem = name.replace('-', "_");
    let wheel = Spec::wheel()
        .named(&format!("{stem}-{version}-py3-none-any.whl"))
        .set("Name", name)
        .set("Version", &version)
        .write(dir);
    let sdist = Spec::sdist()
        .named(&format!("{stem}-{version}.tar.gz"))
        .set("Name", name)
        .set("Version", &version)
        .write(dir);
    for (file, content) in [
        (".gitignore", "*\n"),
        (".DS_Store", "\0\0\0\x01Bud1"),
        ("SHA256SUMS", "00  x\n"),
        ("release-notes.txt", "notes\n"),
        ("build.log", "log\n"),
    ] {
        std::fs::write(dir.join(file), content).expect("write");
    }
    (wheel, sdist)
}

#[test]
fn a_quoted_glob_over_uvs_dist_uploads_the_distributions_and_says_what_it_skipped() {
    let server = netsupport::servers::pypiserver();
    let dir = tempfile::tempdir().expect("tempdir");
    let (wheel, sdist) = dist_with_extras(dir.path(), "hoist-glob-demo");
    let pattern = format!("{}/*", dir.path().display());
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url,
            "-u",
            &server.user,
            "--non-interactive",
            &pattern,
        ],
        &[("HOIST_PASSWORD", &server.password)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let err = stderr(&o);
    for skipped in ["SHA256SUMS", "release-notes.txt", "build.log"] {
        assert!(
            err.contains(&format!("{skipped}: not a distribution")),
            "{skipped}: {err}"
        );
    }
    // Dot-files are not matched by `*` at all, as in Python's glob and POSIX shells.
    assert!(
        !err.contains(".gitignore") && !err.contains(".DS_Store"),
        "{err}"
    );
    let page = netsupport::client::get(&format!("{}hoist-glob-demo/", server.simple))
        .expect("simple page")
        .text();
    for f in [&wheel, &sdist] {
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        assert!(page.contains(&name), "{name} not on the index: {page}");
    }
}

#[test]
fn named_extras_and_dot_globs_never_stop_a_release_but_nothing_is_not_a_release() {
    let server = FaultServer::start(vec![Behavior::ok()]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (wheel, _) = dist_with_extras(dir.path(), "demo");
    let arg = |n: &str| dir.path().join(n).display().to_string();
    // What an unquoted `dist/*` under bash's dotglob, or a `find dist -type f`, hands over.
    let o = hoist(
        &[
            "upload",
            "--repository-url",
            &server.url(),
            "-u",
            "u",
            "--non-interactive",
            &arg(".gitignore"),
            &arg("SHA256SUMS"),
            &wheel.display().to_string(),
        ],
        &[("HOIST_PASSWORD", "p")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        stderr(&o).contains(".gitignore: not a distribution"),
        "{}",
        text(&o)
    );
    assert_eq!(server.wait_for_requests(1, WAIT).len(), 1);
    // Nothing but extras: a usage error, and nothing is sent.
    let dots = format!("{}/.*", dir.path().display());
    let url = server.url();
    for args in [vec![arg("SHA256SUMS")], vec![dots]] {
        let mut all = vec!["upload", "--repository-url", &url, "--non-interactive"];
        all.extend(args.iter().map(String::as_str));
        let o = hoist(&all, &[("HOIST_PASSWORD", "p")]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            stderr(&o).contains("no distributions among the files given"),
            "{}",
            text(&o)
        );
    }
    assert_eq!(server.requests().len(), 1);
}
