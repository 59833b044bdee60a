//! `hoist preview`'s page: the description as PyPI shows it, in one self-contained HTML file
//! (inline CSS, no script, no font or stylesheet to fetch; a Content-Security-Policy that lets
//! only images load), with every part PyPI shows broken marked where it is and listed with
//! its line, message and fix.
//!
//! Markdown is rendered as PyPI renders it ([`super::markdown`]). reStructuredText is not
//! rendered yet: its text is shown as preformatted text beside the findings. Plain text is
//! shown as `readme_renderer.txt` does, preformatted.

use std::path::{Path, PathBuf};

use comrak::nodes::NodeValue;

use super::findings::{self, Finding, FindingKind, RepoLink};
use super::markdown::{Variant, options_for, unsanitized_html};
use super::sanitize;

/// Why a description could not be previewed.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("{path}: cannot read the file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not UTF-8 text (first bad byte at offset {offset})")]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{path}: no metadata could be read from the distribution: {reason}")]
    NoMetadata { path: PathBuf, reason: String },
    #[error("{path}: the distribution has no long description")]
    NoDescription { path: PathBuf },
    #[error(
        "{path}: cannot tell the format from the name; pass --content-type text/markdown, text/x-rst or text/plain"
    )]
    UnknownType { path: PathBuf },
}

/// A description to preview: its text, format, and the project it belongs to.
#[derive(Debug, Clone)]
pub struct Source {
    /// What to call it in the page title (`demo 1.0`, or the README's file name).
    pub title: String,
    pub text: String,
    /// `text/markdown`, `text/x-rst` or `text/plain` (parameters removed).
    pub content_type: String,
    /// For Markdown, the `variant` parameter's renderer.
    pub variant: Variant,
    /// The repository that fixes for relative paths point into.
    pub repo: Option<RepoLink>,
}

fn is_distribution(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    [".whl", ".tar.gz", ".zip"]
        .iter()
        .any(|e| name.ends_with(e))
}

/// Reads the description to preview from a wheel or sdist (its metadata's description and
/// `Description-Content-Type`; `content_type` overrides it), or from a plain README file
/// (`content_type`, else guessed from `.md`, `.rst`, `.txt`).
///
/// # Errors
/// The file cannot be read, is not UTF-8, has no readable metadata or description, or a
/// README's format is unknown.
pub fn load(path: &Path, content_type: Option<&str>) -> Result<Source, PreviewError> {
    let base = |t: &str| {
        t.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    if is_distribution(path) {
        let (report, dist) = crate::check::inspect(path, &crate::check::Options::default());
        let Some((_, md)) = dist.parsed_metadata() else {
            let reason = report
                .diagnostics
                .iter()
                .find(|d| d.severity == crate::check::Severity::Error)
                .map_or("unreadable archive".to_string(), |d| d.message.clone());
            return Err(PreviewError::NoMetadata {
                path: path.into(),
                reason,
            });
        };
        let description = md
            .description
            .as_ref()
            .filter(|d| !d.text.trim().is_empty())
            .ok_or_else(|| PreviewError::NoDescription { path: path.into() })?;
        let declared = crate::check::rules::metadata::description_content_type(md);
        let raw = content_type.or(md.get("description-content-type"));
        let content_type = content_type
            .map(base)
            .or(declared)
            .unwrap_or_else(|| "text/x-rst".into());
        let title = [md.get("name"), md.get("version")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        return Ok(Source {
            title,
            text: description.text.clone(),
            content_type,
            variant: raw.map_or(Variant::Gfm, Variant::from_content_type),
            repo: crate::check::rules::page::repo_link(md),
        });
    }
    let bytes = std::fs::read(path).map_err(|source| PreviewError::Read {
        path: path.into(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| PreviewError::NotUtf8 {
        path: path.into(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    let content_type_arg = content_type;
    let content_type = match content_type {
        Some(t) => base(t),
        None if lower.ends_with(".md") || lower.ends_with(".markdown") => "text/markdown".into(),
        None if lower.ends_with(".rst") => "text/x-rst".into(),
        None if lower.ends_with(".txt") => "text/plain".into(),
        None => return Err(PreviewError::UnknownType { path: path.into() }),
    };
    Ok(Source {
        title: name,
        text,
        content_type,
        variant: content_type_arg.map_or(Variant::Gfm, Variant::from_content_type),
        repo: None,
    })
}

/// A rendered preview: the page and what it marks.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The whole HTML document.
    pub html: String,
    pub findings: Vec<Finding>,
    /// Why PyPI would refuse the description, and the upload with it (docutils' first problem
    /// for reStructuredText, as `hoist check`'s `D001` reports it); `None` when it renders.
    pub refused: Option<String>,
}

/// Renders the preview page for a description.
pub fn render(source: &Source) -> Preview {
    let mut refused = None;
    let (body, findings) = match source.content_type.as_str() {
        "text/markdown" => {
            let repo = source.repo.as_ref();
            let findings = findings::markdown_findings_variant(&source.text, repo, source.variant);
            (
                marked_markdown(&source.text, repo, source.variant),
                findings,
            )
        }
        "text/plain" => (format!("<pre>{}</pre>", escape(&source.text)), Vec::new()),
        _ => {
            let findings = crate::check::rst::targets(&source.text)
                .into_iter()
                .filter_map(|t| {
                    findings::target_finding(&t.url, t.image, t.line, source.repo.as_ref())
                })
                .collect();
            let body = match crate::render::rst::render(&source.text) {
                Some(html) => mark_images(&html),
                None => {
                    let why = rst_refusal(&source.text);
                    let body = format!(
                        "<p class=\"hoist-note\">PyPI would not render this reStructuredText, so it would refuse the upload: {}. The source is shown as text.</p><pre>{}</pre>",
                        escape(&why),
                        escape(&source.text)
                    );
                    refused = Some(why);
                    body
                }
            };
            (body, findings)
        }
    };
    Preview {
        html: document(source, &body, &findings, refused.is_some()),
        findings,
        refused,
    }
}

/// docutils' first problem with a reStructuredText description, worded as `hoist check`'s
/// `D001` hint words it.
fn rst_refusal(text: &str) -> String {
    match crate::check::rst::validate(text).first() {
        Some(p) => match p.line {
            Some(l) => format!(
                "line {l} of the description: {}: {}",
                p.level.as_str(),
                p.message
            ),
            None => format!("{}: {}", p.level.as_str(), p.message),
        },
        None => crate::check::rst::EMPTY_RENDER_MESSAGE.to_string(),
    }
}

/// A private-use marker that survives the sanitizer as text: `\u{E000}N\u{E001}`.
fn token(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

/// Markdown rendered as PyPI does, with each raw HTML piece the sanitizer changes followed by
/// a visible mark, and each image PyPI shows broken replaced by a visible box.
fn marked_markdown(text: &str, repo: Option<&RepoLink>, variant: Variant) -> String {
    let arena = comrak::Arena::new();
    let opts = options_for(variant);
    let tagfilter = opts.extension.tagfilter;
    let root = comrak::parse_document(&arena, text, &opts);
    let mut marks: Vec<String> = Vec::new();
    for node in root.descendants() {
        let line = node.data().sourcepos.start.line.max(1);
        let mut data = node.data_mut();
        let (literal, block) = match &mut data.value {
            NodeValue::HtmlBlock(b) => (&mut b.literal, true),
            NodeValue::HtmlInline(s) => (s, false),
            _ => continue,
        };
        let removed: Vec<String> = findings::html_literal_findings(literal, line, repo, tagfilter)
            .into_iter()
            .filter(|f| f.kind == FindingKind::RemovedHtml)
            .map(|f| format!("line {}: {}", f.line, f.message))
            .collect();
        if removed.is_empty() {
            continue;
        }
        let t = token(marks.len());
        marks.push(removed.join("\n"));
        if block {
            literal.push_str(&format!("<p>{t}</p>\n"));
        } else {
            literal.push_str(&t);
        }
    }
    let mut html = mark_images(&sanitize::clean(&unsanitized_html(root, &opts)));
    for (n, mark) in marks.iter().enumerate() {
        let span = format!(
            "<span class=\"hoist-mark hoist-removed\" title=\"{}\">removed on PyPI: {}</span>",
            escape(mark),
            escape(mark.lines().next().unwrap_or(""))
        );
        html = html.replace(&token(n), &span);
    }
    html
}

/// Replaces every `<img>` PyPI shows broken (a relative or dropped `src`) with a visible box
/// naming the source; the image is not loaded.
fn mark_images(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        let tag = &tail[..end];
        rest = &tail[end..];
        let parsed = findings::scan_tags(tag).into_iter().next();
        let attr = |name: &str| {
            parsed.as_ref().and_then(|t| {
                t.attrs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| unescape_attr(v))
            })
        };
        let src = attr("src");
        let broken = match &src {
            None => Some("no source: the sanitizer dropped it".to_string()),
            Some(s) if findings::is_relative(s) => Some(format!("relative path {s}")),
            Some(_) => None,
        };
        match broken {
            None => out.push_str(tag),
            Some(why) => {
                let alt = attr("alt").unwrap_or_default();
                out.push_str(&format!(
                    "<span class=\"hoist-mark hoist-broken-image\" title=\"image broken on PyPI\">broken image on PyPI: {}{}</span>",
                    escape(&why),
                    if alt.is_empty() { String::new() } else { format!(" (alt: {})", escape(&alt)) }
                ));
            }
        }
    }
    out.push_str(rest);
    out
}

fn unescape_attr(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// HTML-escapes text for element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// PyPI's project-description look, approximated without its web fonts: the description
/// column's width, body text size and line height, headings, code and tables.
const STYLE: &str = include_str!("page.css");

fn findings_list(findings: &[Finding], refused: bool) -> String {
    if findings.is_empty() && refused {
        return "<p>PyPI would refuse this description (see above); once it renders, hoist found nothing else that PyPI shows broken.</p>".into();
    }
    if findings.is_empty() {
        return "<p class=\"hoist-ok\">hoist found nothing that PyPI shows broken.</p>".into();
    }
    let mut s = format!(
        "<p>{} part(s) of this description will look broken on PyPI:</p><ol>",
        findings.len()
    );
    for f in findings {
        let rule = crate::check::rules::page::rule_for(f.kind);
        s.push_str(&format!(
            "<li><b>{} {}</b> line {}: {}{}</li>",
            rule.code,
            rule.name,
            f.line,
            escape(&f.message),
            f.fix
                .as_ref()
                .map_or(String::new(), |x| format!("<br><i>Fix:</i> {}", escape(x)))
        ));
    }
    s.push_str("</ol>");
    s
}

fn document(source: &Source, body: &str, findings: &[Finding], refused: bool) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{title} · hoist preview</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
<header class=\"hoist-banner\"><b>hoist preview</b> of {title} ({ctype}): the description as PyPI will show it. \
Marked boxes are what PyPI shows broken.</header>\n\
<main class=\"project-description\">\n{body}\n</main>\n\
<aside class=\"hoist-findings\"><h2>What PyPI will show broken</h2>{list}</aside>\n</body>\n</html>\n",
        title = escape(&source.title),
        ctype = escape(&source.content_type),
        list = findings_list(findings, refused),
    )
}

/// Where `hoist preview` writes the page when no `--output` is given: the system's temporary
/// directory, `hoist-preview/<file name>.html` (never beside the distribution, where a later
/// `hoist upload dist/*` would pick it up).
pub fn default_output(input: &Path) -> PathBuf {
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "description".into());
    std::env::temp_dir()
        .join("hoist-preview")
        .join(format!("{name}.html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> Source {
        Source {
            title: "demo 1.0".into(),
            text: text.into(),
            content_type: "text/markdown".into(),
            variant: Variant::Gfm,
            repo: None,
        }
    }

    #[test]
    fn marks_broken_images_and_removed_html_in_place() {
        let p = render(&md(
            "# demo\n\n![logo](docs/logo.png)\n\n<p style=\"x\">styled</p>\n\n![ok](https://e.com/a.png)\n",
        ));
        let main = &p.html[p.html.find("<main").unwrap_or(0)..p.html.find("</main>").unwrap_or(0)];
        assert!(
            main.contains("broken image on PyPI: relative path docs/logo.png (alt: logo)"),
            "{main}"
        );
        assert!(!main.contains("src=\"docs/logo.png\""), "{main}");
        assert!(
            main.contains("removed on PyPI: line 5: the `style` attribute"),
            "{main}"
        );
        assert!(
            main.contains("<img src=\"https://e.com/a.png\" alt=\"ok\">"),
            "{main}"
        );
        assert_eq!(p.findings.len(), 2);
        assert!(!p.html.contains('\u{E000}'));
        assert!(!p.html.contains("<script"));
    }

    #[test]
    fn readme_type_comes_from_the_name_or_the_flag() {
        let dir = std::env::temp_dir();
        let readme = dir.join(format!("hoist-preview-test-{}.md", std::process::id()));
        std::fs::write(&readme, "# x\n").ok();
        assert_eq!(
            load(&readme, None).map(|s| s.content_type).ok().as_deref(),
            Some("text/markdown")
        );
        assert_eq!(
            load(&readme, Some("text/x-rst; charset=UTF-8"))
                .map(|s| s.content_type)
                .ok()
                .as_deref(),
            Some("text/x-rst")
        );
        std::fs::remove_file(&readme).ok();
    }
}
