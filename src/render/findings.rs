//! What a Markdown description will show broken on PyPI, found on comrak's syntax tree (the
//! tree PyPI's renderer builds) and checked against the sanitizer's allow-list
//! ([`super::sanitize`]):
//!
//! - images and links with relative paths (PyPI has no base URL for them);
//! - raw HTML tags and attributes the sanitizer removes, and tags GFM's tag filter escapes;
//! - GitHub-only syntax that comrak with readme_renderer's options leaves as text: alerts
//!   (`> [!NOTE]`), ```` ```mermaid ```` and other diagram fences, math, emoji shortcodes;
//! - image and link URLs whose scheme the sanitizer drops (`data:`, `javascript:`, `ftp:`).

use comrak::nodes::{AstNode, NodeValue};

use super::markdown::{Variant, options_for};
use super::sanitize::{self, TAGFILTER_TAGS, tag_allowed, url_kept, url_scheme};

/// Which kind of breakage a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// An image source with a relative path (rule P001).
    RelativeImage,
    /// A link target with a relative path (P002).
    RelativeLink,
    /// Raw HTML the sanitizer removes or the tag filter escapes, an image title (P003).
    RemovedHtml,
    /// GitHub-only Markdown shown as text (P004).
    GithubOnlySyntax,
    /// A URL whose scheme the sanitizer drops (P005).
    DroppedUrlScheme,
}

/// One part of the description PyPI will show broken.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// 1-based line within the description.
    pub line: usize,
    /// What is wrong and what PyPI shows instead.
    pub message: String,
    /// What to do, where hoist can tell (an absolute URL for a relative path).
    pub fix: Option<String>,
}

/// A GitHub or GitLab repository named by the project's own URLs, and the release's tag,
/// used to turn a relative path into the absolute URL PyPI can show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoLink {
    gitlab: bool,
    /// `owner/repo` (GitLab: `group/subgroup/repo`).
    path: String,
    /// `v` + the version.
    tag: String,
}

impl RepoLink {
    /// The first GitHub or GitLab repository among `urls` (Project-URL values, Home-page),
    /// with the tag `v{version}`.
    pub fn from_urls<'a>(urls: impl IntoIterator<Item = &'a str>, version: &str) -> Option<Self> {
        urls.into_iter().find_map(|u| Self::parse(u, version))
    }

    fn parse(url: &str, version: &str) -> Option<Self> {
        let rest = url
            .trim()
            .strip_prefix("https://")
            .or_else(|| url.trim().strip_prefix("http://"))?;
        let (host, path) = rest.split_once('/')?;
        let host = host.to_ascii_lowercase();
        let gitlab = match host.trim_start_matches("www.") {
            "github.com" => false,
            "gitlab.com" => true,
            _ => return None,
        };
        let segments: Vec<&str> = path
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        let keep: Vec<&str> = if gitlab {
            segments
                .iter()
                .take_while(|s| **s != "-")
                .copied()
                .collect()
        } else {
            segments.iter().take(2).copied().collect()
        };
        if keep.len() < 2 {
            return None;
        }
        let joined = keep.join("/");
        Some(RepoLink {
            gitlab,
            path: joined.trim_end_matches(".git").to_string(),
            tag: format!("v{version}"),
        })
    }

    /// The URL of a file's raw bytes at the tag (for images).
    pub fn raw_url(&self, file: &str) -> String {
        if self.gitlab {
            format!("https://gitlab.com/{}/-/raw/{}/{file}", self.path, self.tag)
        } else {
            format!(
                "https://raw.githubusercontent.com/{}/{}/{file}",
                self.path, self.tag
            )
        }
    }

    /// The URL of a file's page at the tag (for links).
    pub fn blob_url(&self, file: &str) -> String {
        if self.gitlab {
            format!(
                "https://gitlab.com/{}/-/blob/{}/{file}",
                self.path, self.tag
            )
        } else {
            format!("https://github.com/{}/blob/{}/{file}", self.path, self.tag)
        }
    }

    /// The tag the URLs name.
    pub fn tag(&self) -> &str {
        &self.tag
    }
}

/// Whether a URL is a path PyPI cannot resolve: no scheme, not `//host`, not `#anchor`.
pub fn is_relative(url: &str) -> bool {
    let url = url.trim();
    !url.is_empty() && url_scheme(url).is_none() && !url.starts_with("//") && !url.starts_with('#')
}

/// The repository path of a relative URL (`./docs/a.png` and `/docs/a.png` give
/// `docs/a.png`); `None` when it climbs out (`../`).
fn repo_path(url: &str) -> Option<&str> {
    let mut p = url.trim();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let p = p.trim_start_matches('/');
    (!p.starts_with("../") && !p.is_empty()).then_some(p)
}

/// GitHub's alert markers (`> [!NOTE]`).
const ALERTS: &[&str] = &[
    "[!NOTE]",
    "[!TIP]",
    "[!IMPORTANT]",
    "[!WARNING]",
    "[!CAUTION]",
];

/// Fence languages GitHub draws as diagrams or maps instead of code.
const DIAGRAM_FENCES: &[&str] = &["mermaid", "geojson", "topojson", "stl", "math"];

/// Everything in a Markdown description that PyPI will show broken. `repo` builds the fixes
/// for relative paths.
pub fn markdown_findings(text: &str, repo: Option<&RepoLink>) -> Vec<Finding> {
    markdown_findings_variant(text, repo, Variant::Gfm)
}

/// [`markdown_findings`] for a Markdown variant (`CommonMark` has no tag filter, tables or
/// autolinks).
pub fn markdown_findings_variant(
    text: &str,
    repo: Option<&RepoLink>,
    variant: Variant,
) -> Vec<Finding> {
    let arena = comrak::Arena::new();
    let options = options_for(variant);
    let tagfilter = options.extension.tagfilter;
    let root = comrak::parse_document(&arena, text, &options);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut in_svg = false;
    for node in root.descendants() {
        let line = node.data().sourcepos.start.line.max(1);
        match &node.data().value {
            NodeValue::Image(link) => {
                url_finding(&link.url, true, line, repo, &mut out);
                if !link.title.is_empty() {
                    out.push(removed(
                        line,
                        format!(
                            "the image title (tooltip) \"{}\" is removed by PyPI's sanitizer (`<img>` keeps no `title`): the image is shown without it",
                            shorten(&link.title)
                        ),
                        "Put the text in the alt text or in the surrounding text.",
                    ));
                }
            }
            NodeValue::Link(link) => url_finding(&link.url, false, line, repo, &mut out),
            NodeValue::HtmlBlock(b) => {
                html_findings(&b.literal, line, repo, tagfilter, &mut in_svg, &mut out)
            }
            NodeValue::HtmlInline(s) => {
                html_findings(s, line, repo, tagfilter, &mut in_svg, &mut out)
            }
            NodeValue::CodeBlock(c) => {
                let lang = c.info.split_whitespace().next().unwrap_or("");
                if c.fenced && DIAGRAM_FENCES.contains(&lang.to_ascii_lowercase().as_str()) {
                    out.push(github_only(
                        line,
                        format!("a ```{lang} block is shown as its source code: GitHub draws it, PyPI's renderer does not"),
                        "Use an image of the diagram (an absolute https:// URL), or link to it.",
                    ));
                }
            }
            NodeValue::BlockQuote => alert_finding(&lines, line, &mut out),
            NodeValue::Paragraph | NodeValue::Heading(_) | NodeValue::TableCell => {
                text_findings(node, line, &mut out)
            }
            _ => {}
        }
    }
    out
}

fn github_only(line: usize, message: String, fix: &str) -> Finding {
    Finding {
        kind: FindingKind::GithubOnlySyntax,
        line,
        message,
        fix: Some(fix.to_string()),
    }
}

fn alert_finding(lines: &[&str], line: usize, out: &mut Vec<Finding>) {
    let first = lines.get(line - 1).copied().unwrap_or("");
    let inner = first.trim_start().trim_start_matches('>').trim();
    if let Some(alert) = ALERTS.iter().find(|a| inner.eq_ignore_ascii_case(a)) {
        out.push(github_only(
            line,
            format!("the alert marker `{alert}` is shown as literal text in a plain quote: PyPI's renderer has no GitHub alerts"),
            "Write the note as a plain quote with a bold label (> **Note**: …).",
        ));
    }
}

/// The text of a block's inline content, with the line of each piece.
fn inline_text<'a>(node: &'a AstNode<'a>, fallback: usize) -> Vec<(usize, String)> {
    let mut pieces: Vec<(usize, String)> = Vec::new();
    let mut joined = false;
    for child in node.children() {
        let data = child.data();
        if let NodeValue::Text(t) = &data.value {
            if joined && let Some(last) = pieces.last_mut() {
                last.1.push_str(t);
            } else {
                let l = data.sourcepos.start.line;
                pieces.push((if l == 0 { fallback } else { l }, t.to_string()));
            }
            joined = true;
        } else {
            joined = matches!(data.value, NodeValue::SoftBreak) && {
                if let Some(last) = pieces.last_mut() {
                    last.1.push('\n');
                }
                true
            };
        }
    }
    pieces
}

fn text_findings<'a>(node: &'a AstNode<'a>, line: usize, out: &mut Vec<Finding>) {
    for (start, text) in inline_text(node, line) {
        let at = |offset: usize| start + text[..offset].matches('\n').count();
        if let Some(offset) = text
            .trim_start()
            .starts_with("$$")
            .then(|| text.find("$$").unwrap_or(0))
        {
            out.push(github_only(
                at(offset),
                "a `$$` math block is shown as its TeX source: PyPI's renderer has no math".into(),
                "Use an image of the formula, or write it in plain text or a code block.",
            ));
        } else if let Some(offset) = inline_math(&text) {
            out.push(github_only(
                at(offset),
                "inline `$…$` math is shown as its TeX source: PyPI's renderer has no math".into(),
                "Write the formula in plain text or `code`, or use an image.",
            ));
        }
        for (offset, code) in shortcodes(&text) {
            out.push(github_only(
                at(offset),
                format!("the emoji shortcode `:{code}:` is shown as literal text: PyPI's renderer has shortcodes turned off"),
                &format!(
                    "Write the emoji itself ({}).",
                    emojis::get_by_shortcode(code).map_or("", |e| e.as_str())
                ),
            ));
        }
    }
}

/// The offset of the first `$…$` that GitHub would typeset: content that neither starts nor
/// ends with a space, a closing `$` not followed by a digit or letter, and content that looks
/// like TeX (a backslash, `^`, `_`, `{`, `=`) or is one letter, so prices (`$5 or $10`) are not
/// taken for math.
fn inline_math(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(open) = text[i..].find('$').map(|o| o + i) {
        let next = bytes.get(open + 1).copied();
        if next == Some(b'$') || next.is_none_or(|c| c.is_ascii_whitespace()) {
            i = open + 1;
            continue;
        }
        let close = text[open + 1..].find('$').map(|c| c + open + 1)?;
        let inner = &text[open + 1..close];
        let after = bytes.get(close + 1).copied();
        let texy = inner.contains(['\\', '^', '_', '{', '='])
            || (inner.len() == 1 && inner.as_bytes()[0].is_ascii_alphabetic());
        if !inner.ends_with(char::is_whitespace)
            && !inner.contains('\n')
            && after.is_none_or(|c| !c.is_ascii_alphanumeric())
            && texy
        {
            return Some(open);
        }
        i = close;
    }
    None
}

/// `:name:` shortcodes GitHub turns into emoji (its gemoji list, as the `emojis` crate has
/// it), not inside a word.
fn shortcodes(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(open) = text[i..].find(':').map(|o| o + i) {
        let Some(len) = text[open + 1..].find(':') else {
            break;
        };
        let name = &text[open + 1..open + 1 + len];
        let before_ok = open == 0 || !bytes[open - 1].is_ascii_alphanumeric();
        let after_ok = bytes
            .get(open + len + 2)
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if !name.is_empty()
            && before_ok
            && after_ok
            && name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_+-".contains(&c))
            && emojis::get_by_shortcode(name).is_some()
        {
            found.push((open, name));
            i = open + len + 2;
        } else {
            i = open + 1;
        }
    }
    found
}

/// The finding for one image source or link target, if PyPI shows it broken (used for the
/// targets hoist's reStructuredText validator reports).
pub fn target_finding(
    url: &str,
    image: bool,
    line: usize,
    repo: Option<&RepoLink>,
) -> Option<Finding> {
    let mut found = Vec::new();
    url_finding(url, image, line, repo, &mut found);
    found.pop()
}

fn url_finding(
    url: &str,
    image: bool,
    line: usize,
    repo: Option<&RepoLink>,
    out: &mut Vec<Finding>,
) {
    let what = if image { "image" } else { "link" };
    if !url_kept(url) {
        let scheme = url_scheme(url).unwrap_or_default();
        let shown = if image {
            "the image has no source and is not shown (only its alt text, if any)"
        } else {
            "the text stays, but is not a link"
        };
        out.push(Finding {
            kind: FindingKind::DroppedUrlScheme,
            line,
            message: format!(
                "the {what} URL `{}` uses the `{scheme}:` scheme, which PyPI's sanitizer drops (it keeps http, https and mailto): {shown}",
                shorten(url)
            ),
            fix: Some(format!("Host the target at an https:// URL and use that for the {what}.")),
        });
        return;
    }
    if !is_relative(url) {
        return;
    }
    let (kind, shown) = if image {
        (FindingKind::RelativeImage, "the image is broken on PyPI")
    } else {
        (FindingKind::RelativeLink, "the link leads nowhere on PyPI")
    };
    let fix = match (repo, repo_path(url)) {
        (Some(repo), Some(path)) => {
            let absolute = if image { repo.raw_url(path) } else { repo.blob_url(path) };
            format!(
                "Use {absolute} (the tag {} must exist when the page is viewed: push it with the release).",
                repo.tag()
            )
        }
        _ => "Use an absolute https:// URL (hoist writes it for you when a Project-URL names the GitHub or GitLab repository).".to_string(),
    };
    out.push(Finding {
        kind,
        line,
        message: format!(
            "the {what} `{}` is a relative path: GitHub resolves it against the repository, but PyPI shows the description with no base URL, so {shown}",
            shorten(url)
        ),
        fix: Some(fix),
    });
}

fn shorten(url: &str) -> String {
    if url.chars().count() > 80 {
        format!("{}…", url.chars().take(77).collect::<String>())
    } else {
        url.to_string()
    }
}

/// One opening tag in raw HTML: its name (lower case), attributes and byte offset.
#[derive(Debug, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub offset: usize,
    /// A closing tag (`</svg>`): no attributes.
    pub closing: bool,
}

/// The tags in a piece of raw HTML, HTML comments skipped. A lenient scanner: what it cannot
/// read as a tag it leaves as text, as a browser would.
pub fn scan_tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i + 4..].find("-->").map_or(b.len(), |e| i + 4 + e + 3);
            continue;
        }
        let offset = i;
        let closing = b.get(i + 1) == Some(&b'/');
        let mut j = i + 1 + usize::from(closing);
        let start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == start || !b[start].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let name = html[start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let a = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !b"=>/".contains(&b[j]) {
                j += 1;
            }
            let attr = html[a..j].to_ascii_lowercase();
            let mut value = String::new();
            let mut k = j;
            while k < b.len() && b[k].is_ascii_whitespace() {
                k += 1;
            }
            if b.get(k) == Some(&b'=') {
                k += 1;
                while k < b.len() && b[k].is_ascii_whitespace() {
                    k += 1;
                }
                if let Some(&q) = b.get(k).filter(|q| **q == b'"' || **q == b'\'') {
                    let end = html[k + 1..].find(q as char).map_or(b.len(), |e| k + 1 + e);
                    value = html[k + 1..end].to_string();
                    k = (end + 1).min(b.len());
                } else {
                    let v = k;
                    while k < b.len() && !b[k].is_ascii_whitespace() && b[k] != b'>' {
                        k += 1;
                    }
                    value = html[v..k].to_string();
                }
                j = k;
            }
            if attr.is_empty() {
                j += 1;
            } else if !closing {
                attrs.push((attr, value));
            }
        }
        tags.push(Tag {
            name,
            attrs,
            offset,
            closing,
        });
        i = j + 1;
    }
    tags
}

/// What PyPI shows in place of a removed tag.
fn removed_tag_message(name: &str) -> String {
    match name {
        "source" => "`<source>` is removed by PyPI's sanitizer: the `<picture>` keeps only its `<img>` fallback, so the dark-mode (or other `media`/`srcset`) variant is never shown".into(),
        "video" | "audio" => format!("`<{name}>` is removed by PyPI's sanitizer: no player is shown, only the text inside it, if any"),
        "svg" => "inline `<svg>` is removed by PyPI's sanitizer: the drawing is not shown, only any text inside it".into(),
        "center" | "font" | "big" | "small" | "u" | "s" | "mark" | "ins" => format!("`<{name}>` is removed by PyPI's sanitizer: its content is shown, without its effect"),
        _ => format!("`<{name}>` is removed by PyPI's sanitizer: its content, if any, is shown without it"),
    }
}

fn removed(line: usize, message: String, fix: &str) -> Finding {
    Finding {
        kind: FindingKind::RemovedHtml,
        line,
        message,
        fix: Some(fix.to_string()),
    }
}

/// The findings for one piece of raw HTML that starts at `line` (for marking it in place).
/// `tagfilter`: whether GFM's tag filter is on (the GFM variant).
pub fn html_literal_findings(
    literal: &str,
    line: usize,
    repo: Option<&RepoLink>,
    tagfilter: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    html_findings(literal, line, repo, tagfilter, &mut false, &mut out);
    out
}

fn html_findings(
    literal: &str,
    line: usize,
    repo: Option<&RepoLink>,
    tagfilter: bool,
    in_svg: &mut bool,
    out: &mut Vec<Finding>,
) {
    for tag in scan_tags(literal) {
        let at = line + literal[..tag.offset].matches('\n').count();
        if tag.name == "svg" {
            *in_svg = !tag.closing;
            if tag.closing {
                continue;
            }
        } else if tag.closing || *in_svg {
            continue;
        }
        if tagfilter && TAGFILTER_TAGS.contains(&tag.name.as_str()) {
            out.push(removed(
                at,
                format!(
                    "`<{}>` is shown as literal text: GFM's tag filter, on at PyPI, escapes it",
                    tag.name
                ),
                "Remove it; for a video or an embed, link to it instead.",
            ));
            continue;
        }
        if !tag_allowed(&tag.name) {
            let fix = if tag.name == "source" {
                "Make the `<img>` fallback the image you want on PyPI (absolute https:// URL)."
            } else {
                "Remove it, or use Markdown or an allowed tag (see `hoist explain P003`)."
            };
            out.push(removed(at, removed_tag_message(&tag.name), fix));
            continue;
        }
        for (attr, value) in &tag.attrs {
            if (tag.name == "img" && attr == "src") || (tag.name == "a" && attr == "href") {
                url_finding(value, tag.name == "img", at, repo, out);
            } else if tag.name == "a" && attr == "name" {
                out.push(removed(
                    at,
                    format!("the `name=\"{value}\"` anchor of `<a>` is removed by PyPI's sanitizer: links to `#{value}` go nowhere"),
                    "Link to the heading's own anchor instead (PyPI gives each heading an id), or use `id=`.",
                ));
            } else if !sanitize::attribute_allowed(&tag.name, attr) {
                out.push(removed(
                    at,
                    format!(
                        "the `{attr}` attribute of `<{}>` is removed by PyPI's sanitizer: the element is shown without it",
                        tag.name
                    ),
                    "Remove the attribute; PyPI keeps only the attributes `hoist explain P003` lists.",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(FindingKind, usize)> {
        markdown_findings(text, None)
            .iter()
            .map(|f| (f.kind, f.line))
            .collect()
    }

    #[test]
    fn finds_each_kind_at_its_line() {
        use FindingKind::*;
        assert_eq!(
            kinds("# T\n\n![logo](docs/logo.png)\n"),
            [(RelativeImage, 3)]
        );
        assert_eq!(
            kinds("x\n\nSee [log](CHANGELOG.md).\n"),
            [(RelativeLink, 3)]
        );
        assert_eq!(
            kinds("[ok](#usage) [ok](https://e) ![ok](https://e/a.png)\n"),
            []
        );
        assert_eq!(
            kinds(
                "<picture>\n<source media=\"(prefers-color-scheme: dark)\" srcset=\"https://e/d.png\">\n<img src=\"https://e/l.png\">\n</picture>\n"
            ),
            [(RemovedHtml, 2)]
        );
        assert_eq!(
            kinds("<p align=\"center\" style=\"x\">hi</p>\n"),
            [(RemovedHtml, 1)]
        );
        assert_eq!(kinds("> [!NOTE]\n> Read this.\n"), [(GithubOnlySyntax, 1)]);
        assert_eq!(
            kinds("```mermaid\ngraph TD\n```\n"),
            [(GithubOnlySyntax, 1)]
        );
        assert_eq!(kinds("a\n\nWe :rocket: it\n"), [(GithubOnlySyntax, 3)]);
        assert_eq!(kinds("Energy $E=mc^2$ here\n"), [(GithubOnlySyntax, 1)]);
        assert_eq!(kinds("Costs $5 or $10 a month, 10:30:00\n"), []);
        assert_eq!(
            kinds("![x](data:image/png;base64,AAAA)\n"),
            [(DroppedUrlScheme, 1)]
        );
        assert_eq!(kinds("<img src=\"./a.png\">\n"), [(RelativeImage, 1)]);
        assert_eq!(
            kinds("<iframe src=\"https://e\"></iframe>\n"),
            [(RemovedHtml, 1)]
        );
        assert_eq!(kinds("![a](https://e/a.png \"Tip\")\n"), [(RemovedHtml, 1)]);
    }

    #[test]
    fn commonmark_variant_has_no_tag_filter() {
        let text = "<iframe src=\"https://e\"></iframe>\n";
        let gfm = markdown_findings(text, None);
        let cm = markdown_findings_variant(text, None, Variant::CommonMark);
        assert!(gfm[0].message.contains("shown as literal text"), "{gfm:?}");
        assert!(
            cm[0].message.contains("is removed by PyPI's sanitizer"),
            "{cm:?}"
        );
        assert_eq!(
            Variant::from_content_type("text/markdown; charset=UTF-8; variant=CommonMark"),
            Variant::CommonMark
        );
        assert_eq!(Variant::from_content_type("text/markdown"), Variant::Gfm);
    }

    #[test]
    fn fixes_use_the_repository_and_tag() {
        let repo = RepoLink::from_urls(
            ["https://example.com", "https://github.com/Owner/Repo.git"],
            "1.2",
        )
        .expect("repo");
        let f = markdown_findings("![l](./docs/logo.png) [c](/CHANGELOG.md)\n", Some(&repo));
        let fixes: Vec<_> = f.iter().filter_map(|f| f.fix.as_deref()).collect();
        assert!(
            fixes[0].contains("https://raw.githubusercontent.com/Owner/Repo/v1.2/docs/logo.png")
        );
        assert!(fixes[1].contains("https://github.com/Owner/Repo/blob/v1.2/CHANGELOG.md"));
        let gl = RepoLink::from_urls(["https://gitlab.com/g/sub/r/-/tree/main"], "2").expect("gl");
        assert_eq!(
            gl.raw_url("a.png"),
            "https://gitlab.com/g/sub/r/-/raw/v2/a.png"
        );
    }
}
