//! Project-page rules (P): parts of a description that PyPI accepts but shows broken. PyPI
//! renders Markdown with comrak and sanitizes with nh3 (`readme_renderer/markdown.py` and
//! `clean.py`, readme_renderer 45.0); [`crate::render::findings`] finds what breaks there.
//! reStructuredText descriptions get the relative image and link checks from the targets hoist's
//! rst validator parses ([`crate::check::rst::targets`]).
//!
//! All are warnings: the upload succeeds, but a release's description can never be changed.

use crate::check::{Diagnostics, Dist};
use crate::declare_rule;
use crate::dist::metadata::{DescriptionSource, Metadata};
use crate::render::findings::{self, Finding, FindingKind, RepoLink};
use crate::render::markdown::Variant;

use super::metadata::{description_content_type, description_content_type_problem};

declare_rule! {
    /// ## What it does
    /// Warns about an image whose source is a relative path (`docs/logo.png`, `./chart.svg`,
    /// `/banner.png`), in Markdown, raw HTML `<img>` or a reStructuredText `image` directive.
    ///
    /// ## Why is this bad?
    /// GitHub resolves relative paths against the repository; PyPI shows the description on its
    /// own domain with no base URL, so the image is broken on the project page. A release's
    /// description cannot be changed after the upload.
    ///
    /// ## Example
    /// `![logo](docs/logo.png)` in a README.md.
    ///
    /// ## Fix
    /// Use an absolute URL. hoist names it when a `Project-URL` is a GitHub or GitLab
    /// repository: `https://raw.githubusercontent.com/OWNER/REPO/vVERSION/docs/logo.png`; the
    /// tag `vVERSION` must exist (push it with the release), or use a branch name.
    pub static RELATIVE_IMAGE = ("P001", "relative-image", Warning);
}

declare_rule! {
    /// ## What it does
    /// Warns about a link whose target is a relative path (`[changelog](CHANGELOG.md)`,
    /// `<a href="docs/">`, an rst hyperlink target without a scheme); `#anchors` are fine.
    ///
    /// ## Why is this bad?
    /// On PyPI the link resolves against the project page's URL and leads to a "404 Not Found".
    ///
    /// ## Example
    /// `See [the changelog](CHANGELOG.md).`
    ///
    /// ## Fix
    /// Use an absolute URL, e.g. `https://github.com/OWNER/REPO/blob/vVERSION/CHANGELOG.md`
    /// (hoist names it when a `Project-URL` is the repository; the tag must exist).
    pub static RELATIVE_LINK = ("P002", "relative-link", Warning);
}

declare_rule! {
    /// ## What it does
    /// Warns about raw HTML that PyPI's sanitizer removes or that GFM's tag filter shows as
    /// text, and says what remains visible.
    ///
    /// ## Why is this bad?
    /// PyPI keeps only these tags: `a abbr acronym b blockquote code em i li ol strong ul br
    /// caption cite col colgroup dd del details div dl dt h1-h6 hr img p pre span sub summary
    /// sup table tbody td th thead tr tt kbd var input section aside nav figure figcaption
    /// picture`, and only these attributes: `id` everywhere, `href title` on `a`,
    /// `src width height alt align class` on `img`, `align` on `p div h1-h6 th td`, `class` on
    /// a few more (`readme_renderer/clean.py`). So `<source>` in `<picture>` is dropped (the
    /// dark-mode variant vanishes, the `<img>` fallback stays), `<video>`, `<svg>`, `<center>`,
    /// `<font>` go, `style=` and `target=` go, and `<iframe>`, `<style>`, `<script>` appear as
    /// literal text.
    ///
    /// ## Example
    /// `<p align="center" style="margin: 0">` loses `style`; `<picture><source media=...>`
    /// loses the `<source>`.
    ///
    /// ## Fix
    /// Use Markdown or the allowed tags and attributes; make the `<img>` fallback of a
    /// `<picture>` the image PyPI should show.
    pub static REMOVED_HTML = ("P003", "removed-html", Warning);
}

declare_rule! {
    /// ## What it does
    /// Warns about GitHub-only Markdown that PyPI shows as literal text: alerts
    /// (`> [!NOTE]`), ```` ```mermaid ```` (and geojson, topojson, stl, math) fences, math
    /// (`$…$`, `$$…$$`) and emoji shortcodes (`:rocket:`).
    ///
    /// ## Why is this bad?
    /// readme_renderer runs comrak with GitHub's table, strikethrough, autolink, task list,
    /// footnote and tag-filter extensions only: alerts, math and shortcodes stay text, and
    /// a diagram fence is shown as its source code.
    ///
    /// ## Example
    /// `> [!WARNING]` shows as a quote starting with the text "[!WARNING]".
    ///
    /// ## Fix
    /// Write the emoji itself, a bold label instead of an alert, plain text or an image for
    /// math and diagrams.
    pub static GITHUB_ONLY_SYNTAX = ("P004", "github-only-syntax", Warning);
}

declare_rule! {
    /// ## What it does
    /// Warns about an image or link URL whose scheme PyPI's sanitizer drops: anything but
    /// `http`, `https` and `mailto` (`data:`, `javascript:`, `ftp:`, `file:`).
    ///
    /// ## Why is this bad?
    /// The sanitizer removes the `src` or `href` attribute: the image is not shown, the link
    /// text is not a link.
    ///
    /// ## Example
    /// `![chart](data:image/png;base64,...)`.
    ///
    /// ## Fix
    /// Host the file and use its https:// URL.
    pub static DROPPED_URL_SCHEME = ("P005", "dropped-url-scheme", Warning);
}

/// The rule that reports a kind of finding.
pub fn rule_for(kind: FindingKind) -> &'static crate::check::Rule {
    match kind {
        FindingKind::RelativeImage => &RELATIVE_IMAGE,
        FindingKind::RelativeLink => &RELATIVE_LINK,
        FindingKind::RemovedHtml => &REMOVED_HTML,
        FindingKind::GithubOnlySyntax => &GITHUB_ONLY_SYNTAX,
        FindingKind::DroppedUrlScheme => &DROPPED_URL_SCHEME,
    }
}

/// The project's repository (a GitHub or GitLab `Project-URL` or `Home-page`) and release tag.
pub fn repo_link(md: &Metadata) -> Option<RepoLink> {
    let version = md.get("version")?;
    let urls = md
        .project_urls
        .iter()
        .filter_map(|f| f.value.split_once(',').map(|(_, u)| u.trim()))
        .chain(md.get("home-page"));
    RepoLink::from_urls(urls, version)
}

/// What PyPI will show broken in this metadata's description, by its content type: Markdown
/// (GFM or CommonMark variant: the same checks) and reStructuredText (relative images and
/// links only); nothing for plain text or a content type PyPI refuses.
pub fn description_findings(md: &Metadata) -> Vec<Finding> {
    let Some(description) = md.description.as_ref() else {
        return Vec::new();
    };
    if md
        .get("description-content-type")
        .is_some_and(|v| description_content_type_problem(v).is_some())
    {
        return Vec::new();
    }
    let repo = repo_link(md);
    match description_content_type(md).as_deref() {
        Some("text/plain") => Vec::new(),
        Some("text/markdown") => {
            let variant = md
                .get("description-content-type")
                .map_or(Variant::Gfm, Variant::from_content_type);
            findings::markdown_findings_variant(&description.text, repo.as_ref(), variant)
        }
        _ => crate::check::rst::targets(&description.text)
            .into_iter()
            .filter_map(|t| findings::target_finding(&t.url, t.image, t.line, repo.as_ref()))
            .collect(),
    }
}

pub(super) fn check(dist: &Dist, out: &mut Diagnostics) {
    let Some((member, md)) = dist.parsed_metadata() else {
        return;
    };
    let Some(description) = md.description.as_ref() else {
        return;
    };
    for f in description_findings(md) {
        let file_line = match description.source {
            DescriptionSource::Body => Some(description.line + f.line - 1),
            DescriptionSource::Header => None,
        };
        let d = out
            .push(
                rule_for(f.kind),
                format!("line {} of the description: {}", f.line, f.message),
            )
            .at(member.to_string(), file_line);
        if let Some(fix) = f.fix {
            d.hint(fix);
        }
    }
}
