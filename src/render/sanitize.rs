//! readme_renderer's sanitizer: nh3 (the `ammonia` crate) with the allow-list of
//! `readme_renderer/clean.py` (readme_renderer 45.0), configured the way nh3 0.3.6 (Warehouse's pin) builds its
//! `ammonia::Builder` from `nh3.clean(...)` arguments.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// `ALLOWED_TAGS` of `readme_renderer/clean.py`.
pub const ALLOWED_TAGS: &[&str] = &[
    // Bleach defaults
    "a",
    "abbr",
    "acronym",
    "b",
    "blockquote",
    "code",
    "em",
    "i",
    "li",
    "ol",
    "strong",
    "ul",
    // readme_renderer's additions
    "br",
    "caption",
    "cite",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "p",
    "pre",
    "span",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "tt",
    "kbd",
    "var",
    "input",
    "section",
    "aside",
    "nav",
    "figure",
    "figcaption",
    "picture",
];

/// `ALLOWED_ATTRIBUTES` of `readme_renderer/clean.py`, less the `"*"` entry
/// ([`GENERIC_ATTRIBUTES`]).
pub const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "title"]),
    ("abbr", &["title"]),
    ("acronym", &["title"]),
    ("hr", &["class"]),
    ("img", &["src", "width", "height", "alt", "align", "class"]),
    ("span", &["class"]),
    ("th", &["align", "class"]),
    ("td", &["align", "colspan", "rowspan"]),
    ("div", &["align", "class"]),
    ("h1", &["align"]),
    ("h2", &["align"]),
    ("h3", &["align"]),
    ("h4", &["align"]),
    ("h5", &["align"]),
    ("h6", &["align"]),
    ("code", &["class"]),
    ("p", &["align", "class"]),
    ("pre", &["class", "lang"]),
    ("ol", &["start"]),
    ("input", &["type", "checked", "disabled"]),
    ("aside", &["class"]),
    ("dd", &["class"]),
    ("dl", &["class"]),
    ("dt", &["class"]),
    ("ul", &["class"]),
    ("nav", &["class"]),
    ("figure", &["class"]),
];

/// The `"*"` entry of `ALLOWED_ATTRIBUTES`: allowed on every tag.
pub const GENERIC_ATTRIBUTES: &[&str] = &["id"];

/// The `url_schemes` readme_renderer passes to nh3; a URL with any other scheme loses its
/// attribute (relative URLs pass through: ammonia's default `UrlRelative::PassThrough`).
pub const URL_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Tags whose content ammonia drops with the tag (its default `clean_content_tags`).
pub const CLEAN_CONTENT_TAGS: &[&str] = &["script", "style"];

/// Tags GFM's tag filter (on in readme_renderer) escapes, so they show as literal text.
pub const TAGFILTER_TAGS: &[&str] = &[
    "title",
    "textarea",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "script",
    "plaintext",
];

fn builder() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.tags(ALLOWED_TAGS.iter().copied().collect())
            .tag_attributes(
                TAG_ATTRIBUTES
                    .iter()
                    .map(|(t, a)| (*t, a.iter().copied().collect::<HashSet<_>>()))
                    .collect(),
            )
            .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
            .strip_comments(true)
            .link_rel(Some("nofollow"))
            .url_schemes(URL_SCHEMES.iter().copied().collect())
            .set_tag_attribute_values(HashMap::from([(
                "input",
                HashMap::from([("disabled", "")]),
            )]));
        b
    })
}

/// Sanitizes HTML as `readme_renderer.clean.clean` does.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

/// Whether readme_renderer's sanitizer keeps `tag`.
pub fn tag_allowed(tag: &str) -> bool {
    ALLOWED_TAGS.contains(&tag)
}

/// Whether readme_renderer's sanitizer keeps attribute `attr` on `tag`.
pub fn attribute_allowed(tag: &str, attr: &str) -> bool {
    GENERIC_ATTRIBUTES.contains(&attr)
        || (tag == "a" && attr == "rel")
        || TAG_ATTRIBUTES
            .iter()
            .any(|(t, a)| *t == tag && a.contains(&attr))
}

/// The scheme of an absolute URL (`https` in `https://x`), lower-cased; `None` for a relative
/// URL. Follows the URL standard's scheme syntax: a letter, then letters, digits, `+-.`.
pub fn url_scheme(url: &str) -> Option<String> {
    let url = url.trim();
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// Whether the sanitizer keeps a URL attribute with this value: relative URLs and the
/// [`URL_SCHEMES`].
pub fn url_kept(url: &str) -> bool {
    url_scheme(url).is_none_or(|s| URL_SCHEMES.contains(&s.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_allow_list_and_drops_the_rest() {
        assert_eq!(
            clean(
                r#"<p style="x" align="center">a<center>b</center><a href="https://e" target="_blank">c</a></p>"#
            ),
            // nh3 gives the same (html5ever closes the <p> at <center>).
            r#"<p align="center">a</p>b<a href="https://e" rel="nofollow">c</a><p></p>"#
        );
        assert_eq!(
            clean(r#"<img src="javascript:x" alt="a">"#),
            r#"<img alt="a">"#
        );
        assert_eq!(
            clean(r#"<input type="checkbox" checked="">"#),
            r#"<input type="checkbox" checked="" disabled="">"#
        );
    }

    #[test]
    fn schemes() {
        assert_eq!(url_scheme("HTTPS://x").as_deref(), Some("https"));
        assert_eq!(url_scheme("docs/a:b.png"), None);
        assert!(url_kept("docs/logo.png"));
        assert!(!url_kept("data:image/png;base64,xx"));
    }
}
