//! Where the repository lives: the owner and name (GitHub) or namespace and project (GitLab)
//! read from a git remote URL, and the PyPI project name read from `pyproject.toml` or
//! `setup.cfg`. Credentials embedded in a remote URL are dropped, never shown.

use std::path::Path;

use serde::Serialize;

/// A hosted repository, parsed from a remote URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remote {
    /// `github.com`, `gitlab.com`, …
    pub host: String,
    /// Everything before the last path segment: the GitHub owner, the GitLab namespace.
    pub owner: String,
    /// The last path segment, without `.git`.
    pub name: String,
}

/// Parses `https://[user[:pass]@]host/owner/repo(.git)`, `git@host:owner/repo(.git)` and
/// `ssh://git@host[:port]/owner/repo(.git)`.
pub fn parse(url: &str) -> Option<Remote> {
    let url = url.trim();
    let (host, path) = if let Some((_, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_once('/')?;
        let host = authority.rsplit('@').next()?;
        let host = host.split(':').next()?;
        (host, path)
    } else {
        // scp-like syntax: [user@]host:path
        let (authority, path) = url.split_once(':')?;
        (authority.rsplit('@').next()?, path)
    };
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let (owner, name) = path.rsplit_once('/')?;
    if host.is_empty() || owner.is_empty() || name.is_empty() {
        return None;
    }
    Some(Remote {
        host: host.to_ascii_lowercase(),
        owner: owner.to_string(),
        name: name.to_string(),
    })
}

/// The project name from `[project] name` in `pyproject.toml`, or `[metadata] name` in
/// `setup.cfg`. A line-level reading: enough for the usual `name = "x"`.
pub fn project_name(root: &Path) -> Option<String> {
    let read = |file: &str, section: &str| -> Option<String> {
        let text = std::fs::read_to_string(root.join(file)).ok()?;
        let mut inside = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                inside = line == section;
                continue;
            }
            if !inside {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            if key.trim() == "name" {
                let value = value.trim().trim_matches(['"', '\'']).trim();
                if !value.is_empty() && !value.contains(['{', '%', '$']) {
                    return Some(value.to_string());
                }
            }
        }
        None
    };
    read("pyproject.toml", "[project]").or_else(|| read("setup.cfg", "[metadata]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_forms() {
        let want = Remote {
            host: "github.com".into(),
            owner: "acme".into(),
            name: "widget".into(),
        };
        assert_eq!(
            parse("https://github.com/acme/widget.git"),
            Some(want.clone())
        );
        assert_eq!(parse("git@github.com:acme/widget.git"), Some(want.clone()));
        assert_eq!(
            parse("ssh://git@github.com:22/acme/widget"),
            Some(want.clone())
        );
        let with_creds = parse("https://x-access-token:SECRET@github.com/acme/widget").unwrap();
        assert_eq!(with_creds, want);
        let gl = parse("https://gitlab.com/group/sub/proj.git").unwrap();
        assert_eq!((gl.owner.as_str(), gl.name.as_str()), ("group/sub", "proj"));
        assert_eq!(parse("/local/path"), None);
    }
}
