//! What to do next after the index refused an upload: a hint for each answer, with the URL and
//! the credentials' sources at hand (never the credentials themselves).
//!
//! The wording for PyPI follows its own answers (`warehouse/forklift/legacy.py`); for other
//! indexes it names the usual causes, since their answers say little (`404 Not Found`).

use reqwest::Url;

use crate::auth::{Credentials, IndexKind};

/// The hint for an answer `status` `reason` to an upload to `url` of an index of `kind`, sent
/// with `creds` (`None`: no credentials were sent). `None` when there is nothing to add.
pub fn for_answer(
    status: u16,
    reason: &str,
    kind: IndexKind,
    url: &Url,
    creds: Option<&Credentials>,
) -> Option<String> {
    let lower = reason.to_ascii_lowercase();
    Some(match status {
        401 | 403 => refused(status, &lower, kind, creds),
        404 => not_found(url),
        405 => "This URL does not accept uploads: is it the simple index URL instead of the upload URL (for PyPI, https://upload.pypi.org/legacy/)?".into(),
        413 => "The file is larger than the index (or a proxy in front of it) accepts.".into(),
        400 if lower.contains("previously used") => "PyPI never reuses a filename, even of a deleted file: release a new version.".into(),
        400 => "The index refused the file; run `hoist check` on it to see what PyPI rejects.".into(),
        _ => return None,
    })
}

/// 401 and 403: the credentials, named by where they came from.
fn refused(status: u16, lower: &str, kind: IndexKind, creds: Option<&Credentials>) -> String {
    let Some(c) = creds else {
        return "The index wants credentials: set HOIST_USERNAME and HOIST_PASSWORD (or TWINE_*), or add them to .pypirc.".into();
    };
    if kind == IndexKind::Other {
        return format!(
            "The index refused username `{}` (from {}) with the password from {}: this index takes a username and password (or an access token it issued, as the password); check both.",
            c.username, c.username_source, c.password_source
        );
    }
    if lower.contains("isn't allowed to upload") || lower.contains("not allowed to upload") {
        return format!(
            "The token (from {}) is valid but may not upload to this project: check the token's scope and your role on the project.",
            c.password_source
        );
    }
    if status == 403
        && !lower.contains("invalid or non-existent authentication")
        && !lower.contains("username/password")
    {
        return format!(
            "The index refused the token (from {}) or the upload; check the token and its scope.",
            c.password_source
        );
    }
    format!(
        "Use an API token: username __token__ and the token (pypi-…) as the password; check that the one from {} is for this index (PyPI and TestPyPI have separate tokens).",
        c.password_source
    )
}

/// 404: nothing takes uploads at this URL. The usual cause is the download (simple) URL given
/// for the upload URL, or a path missing a part.
fn not_found(url: &Url) -> String {
    let path = url.path();
    let upload_url = |cut: &str| {
        let mut u = url.clone();
        u.set_path(&path[..path.len() - cut.len()]);
        u
    };
    for simple in ["+simple/", "+simple", "simple/", "simple"] {
        if path.ends_with(simple) {
            return format!(
                "{url} is the index's simple (download) URL, not its upload URL; try --repository-url {}",
                upload_url(simple)
            );
        }
    }
    format!(
        "Nothing at {url} takes uploads. Check the path: PyPI and TestPyPI take them at /legacy/, pypiserver at its root, devpi at /USER/INDEX/ (a missing or misspelt index name gives 404); other indexes document their PyPI upload URL."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Secret, Source};

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn a_404_names_the_upload_url_for_a_simple_url() {
        for (given, meant) in [
            ("http://127.0.0.1:8080/simple/", "http://127.0.0.1:8080/"),
            ("http://h/root/dev/+simple/", "http://h/root/dev/"),
            ("https://h/pypi/simple", "https://h/pypi/"),
        ] {
            let hint = not_found(&url(given));
            assert!(
                hint.contains(&format!("try --repository-url {meant}")),
                "{hint}"
            );
        }
        assert!(not_found(&url("http://h/root/")).contains("devpi at /USER/INDEX/"));
    }

    #[test]
    fn a_refusal_names_where_the_credentials_came_from_never_them() {
        let c = Credentials {
            username: "me".into(),
            password: Secret::new("s3cret-value"),
            username_source: Source::Flag("--username"),
            password_source: Source::Env("HOIST_PASSWORD".into()),
        };
        let other = refused(401, "unauthorized", IndexKind::Other, Some(&c));
        assert!(
            other.contains("username `me` (from the --username option)"),
            "{other}"
        );
        assert!(other.contains("password from $HOIST_PASSWORD"), "{other}");
        let pypi = refused(
            403,
            "invalid or non-existent authentication information",
            IndexKind::Pypi,
            Some(&c),
        );
        assert!(pypi.contains("the one from $HOIST_PASSWORD"), "{pypi}");
        for text in [other, pypi, refused(401, "", IndexKind::Other, None)] {
            assert!(!text.contains("s3cret"), "{text}");
        }
    }
}
