//! Knowing whether the index already has a file: the "already exists" answers of the indexes
//! people use, and a look at the index's simple API (PEP 691 JSON or PEP 503 HTML) to compare
//! the file's SHA-256 with what is there.

use reqwest::Url;

use crate::auth::{IndexKind, Target};
use crate::dist::filename::canonicalize_name;

/// Phrases that indexes use to say a file is already there (matched case-insensitively in the
/// reason phrase or the body): PyPI and devpi ("already exists"), pypiserver (409), Nexus
/// ("updating asset"), Artifactory ("overwrite"), GitLab ("already been taken"), Azure
/// Artifacts ("already contains file"), Gemfury/CodeArtifact ("already exist").
const EXISTS_PHRASES: &[&str] = &[
    "already exist",
    "file exists",
    "updating asset",
    "cannot overwrite",
    "overwrite artifact",
    "already been taken",
    "already contains file",
];

/// A filename that was used by a deleted file: not "already exists", and never skippable.
pub fn is_filename_reuse(reason: &str) -> bool {
    reason.to_ascii_lowercase().contains("previously used")
        || reason
            .to_ascii_lowercase()
            .contains("has already been used")
}

/// Whether an answer says the file is already on the index.
pub fn is_already_exists(status: u16, reason: &str, body: &str) -> bool {
    if is_filename_reuse(reason) {
        return false;
    }
    if status == 409 {
        return true;
    }
    if !matches!(status, 400 | 403) {
        return false;
    }
    let hay = format!("{reason}\n{body}").to_ascii_lowercase();
    EXISTS_PHRASES.iter().any(|p| hay.contains(p))
}

/// Where a project's simple-API page may be, most likely first.
pub fn simple_urls(target: &Target, project: &str) -> Vec<Url> {
    let name = canonicalize_name(project);
    let fixed = match target.kind {
        IndexKind::Pypi => Some("https://pypi.org/simple/"),
        IndexKind::TestPypi => Some("https://test.pypi.org/simple/"),
        IndexKind::Other => None,
    };
    if let Some(base) = fixed {
        return Url::parse(&format!("{base}{name}/")).into_iter().collect();
    }
    let mut base = target.url.clone();
    if !base.path().ends_with('/') {
        let p = format!("{}/", base.path());
        base.set_path(&p);
    }
    let mut out = Vec::new();
    if base.path().ends_with("/legacy/") {
        let p = base.path().trim_end_matches("legacy/").to_string() + "simple/";
        let mut u = base.clone();
        u.set_path(&p);
        out.extend(u.join(&format!("{name}/")));
    }
    out.extend(base.join(&format!("simple/{name}/")));
    out.extend(base.join(&format!("+simple/{name}/")));
    out
}

/// What the simple API says about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// Listed, with its SHA-256 when the index shows one.
    Present {
        sha256: Option<String>,
    },
    Absent,
}

/// Finds `filename` in a simple-API page (JSON or HTML).
pub fn find_in_page(body: &str, filename: &str) -> Listing {
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(body)
        && let Some(files) = json.get("files").and_then(|f| f.as_array())
    {
        for f in files {
            if f.get("filename").and_then(|n| n.as_str()) == Some(filename) {
                let sha = f
                    .get("hashes")
                    .and_then(|h| h.get("sha256"))
                    .and_then(|s| s.as_str())
                    .map(|s| s.to_ascii_lowercase());
                return Listing::Present { sha256: sha };
            }
        }
        return Listing::Absent;
    }
    // HTML: <a href="…/filename#sha256=HEX">filename</a>
    let mut rest = body;
    while let Some(start) = rest.find("<a ") {
        rest = &rest[start + 3..];
        let Some(end) = rest.find("</a>") else { break };
        let anchor = &rest[..end];
        let text = anchor.rsplit('>').next().unwrap_or("").trim();
        let href = anchor
            .split("href=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
            .unwrap_or("");
        let href_name = href
            .split(['#', '?'])
            .next()
            .unwrap_or("")
            .rsplit('/')
            .next()
            .unwrap_or("");
        if text == filename || href_name == filename {
            let sha = href
                .split_once("#sha256=")
                .map(|(_, h)| {
                    h.chars()
                        .take_while(|c| c.is_ascii_hexdigit())
                        .collect::<String>()
                        .to_ascii_lowercase()
                })
                .filter(|h| h.len() == 64);
            return Listing::Present { sha256: sha };
        }
        rest = &rest[end..];
    }
    Listing::Absent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn already_exists_answers() {
        assert!(is_already_exists(
            400,
            "File already exists ('x.whl', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse for more information.",
            ""
        ));
        assert!(is_already_exists(409, "Conflict", ""));
        assert!(is_already_exists(
            400,
            "Bad Request",
            "Repository does not allow updating assets: pypi-hosted"
        ));
        assert!(is_already_exists(
            403,
            "Forbidden",
            "Not enough permissions to delete/overwrite artifact"
        ));
        assert!(!is_already_exists(
            400,
            "This filename was previously used by a file that has since been deleted. Use a different version.",
            ""
        ));
        assert!(!is_already_exists(
            403,
            "Invalid or non-existent authentication information.",
            ""
        ));
        assert!(!is_already_exists(500, "already exists", ""));
    }

    #[test]
    fn pages() {
        let html = r#"<html><body><a href="/packages/demo-1.0.tar.gz#sha256=AABB00112233445566778899aabbccddeeff00112233445566778899aabbccdd">demo-1.0.tar.gz</a><br></body></html>"#;
        assert_eq!(
            find_in_page(html, "demo-1.0.tar.gz"),
            Listing::Present {
                sha256: Some(
                    "aabb00112233445566778899aabbccddeeff00112233445566778899aabbccdd".into()
                )
            }
        );
        assert_eq!(find_in_page(html, "demo-2.0.tar.gz"), Listing::Absent);
        let json = r#"{"meta":{"api-version":"1.0"},"name":"demo","files":[{"filename":"demo-1.0.tar.gz","url":"x","hashes":{"sha256":"ff"}}]}"#;
        assert_eq!(
            find_in_page(json, "demo-1.0.tar.gz"),
            Listing::Present {
                sha256: Some("ff".into())
            }
        );
    }
}
