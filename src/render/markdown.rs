//! Markdown to the HTML PyPI serves: `readme_renderer.markdown.render(raw, variant="GFM")`
//! (readme_renderer 45.0), step by step:
//!
//! 1. comrak 0.49.0 (the crate that the `comrak` 0.0.12 bindings Warehouse pins wrap) with the GFM options
//!    readme_renderer sets: autolink, footnotes, header ids prefixed `user-content-`,
//!    strikethrough, table, tagfilter, tasklist, and raw HTML passed through (`unsafe_`);
//! 2. `_prefix_relative_links`: `href="#x"` becomes `href="#user-content-x"` except for
//!    footnote anchors (`fn-`, `fnref-`);
//! 3. `_highlight`: each `<pre><code class="language-L">…</code></pre>` becomes
//!    `<pre lang="L">…</pre>`; Pygments' colouring spans are not reproduced (the code text
//!    and the `lang` attribute are), but its newline handling is (leading and trailing
//!    newlines stripped, one trailing newline added);
//! 4. [`sanitize::clean`](super::sanitize::clean): nh3 with readme_renderer's allow-list.

use comrak::{Arena, Options, nodes::AstNode};

use super::sanitize;

/// The header-id prefix readme_renderer passes to comrak (`_HEADER_ID_PREFIX`).
pub const HEADER_ID_PREFIX: &str = "user-content-";

/// The Markdown variant of `Description-Content-Type: text/markdown; variant=...` (PyPI
/// accepts `GFM`, the default, and `CommonMark`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Variant {
    #[default]
    Gfm,
    CommonMark,
}

impl Variant {
    /// The variant a content type names; GFM unless its `variant` parameter is `CommonMark`.
    pub fn from_content_type(value: &str) -> Variant {
        let commonmark = value.split(';').skip(1).any(|p| {
            p.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("variant")
                    && v.trim().trim_matches('"') == "CommonMark"
            })
        });
        if commonmark {
            Variant::CommonMark
        } else {
            Variant::Gfm
        }
    }
}

/// comrak's options for a variant: readme_renderer's `CommonMark` renderer passes only
/// `common_render_options` (raw HTML on); `GFM` also passes `gfm_extension_options`.
pub fn options_for(variant: Variant) -> Options<'static> {
    let mut o = Options::default();
    o.render.r#unsafe = true;
    if variant == Variant::CommonMark {
        return o;
    }
    o.extension.autolink = true;
    o.extension.footnotes = true;
    o.extension.header_ids = Some(HEADER_ID_PREFIX.to_string());
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.tagfilter = true;
    o.extension.tasklist = true;
    o
}

/// comrak's options as readme_renderer's `gfm_extension_options` and
/// `common_render_options` set them (the bindings start from comrak's defaults).
pub fn options() -> Options<'static> {
    options_for(Variant::Gfm)
}

/// The sanitized HTML PyPI shows for a `text/markdown` (GFM variant) description.
pub fn render_markdown(text: &str) -> String {
    render_markdown_variant(text, Variant::Gfm)
}

/// The sanitized HTML PyPI shows for a `text/markdown` description of this variant.
pub fn render_markdown_variant(text: &str, variant: Variant) -> String {
    let arena = Arena::new();
    let options = options_for(variant);
    let root = comrak::parse_document(&arena, text, &options);
    sanitize::clean(&unsanitized_html(root, &options))
}

/// Steps 1–3: comrak's HTML for a parsed document, with readme_renderer's rewrites (the
/// anchor prefixing only for GFM, the options with a header-id prefix).
pub fn unsanitized_html<'a>(root: &'a AstNode<'a>, options: &Options) -> String {
    let mut html = String::new();
    // Writing into a String cannot fail.
    let _ = comrak::format_html(root, options, &mut html);
    match &options.extension.header_ids {
        Some(prefix) => unhighlight(&prefix_relative_links(&html, prefix)),
        None => unhighlight(&html),
    }
}

/// readme_renderer's `_prefix_relative_links`: `re.sub(r'href="#([^"]+)"', …)`.
pub fn prefix_relative_links(html: &str, prefix: &str) -> String {
    const OPEN: &str = "href=\"#";
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        let after = &rest[at + OPEN.len()..];
        let end = after.find('"');
        match end {
            Some(end) if end > 0 => {
                let anchor = &after[..end];
                out.push_str(&rest[..at]);
                out.push_str(OPEN);
                if !anchor.starts_with("fn-") && !anchor.starts_with("fnref-") {
                    out.push_str(prefix);
                }
                out.push_str(anchor);
                out.push('"');
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str(&rest[..at + OPEN.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Python's `html.unescape` for the references comrak writes in code (`&amp;` `&lt;` `&gt;`
/// `&quot;`, numeric ones); other named references are kept (they only reach here when
/// readme_renderer's regex spans an empty code block, see [`unhighlight`]).
fn unescape(code: &str) -> String {
    if !code.contains('&') {
        return code.to_string();
    }
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| match &tail[1..e] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        });
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Pygments' `escape_html`: `&`, `<`, `>`, `"` and `'`.
fn pygments_escape(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + 16);
    for c in code.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// readme_renderer's `_highlight` regex, without the colours: finds
/// `<pre><code class="language-L">CODE</code></pre>` or `<pre lang="L"><code>CODE</code></pre>`
/// (L without `"`, CODE at least one character, the first `</code></pre>` after it) and writes
/// `<pre lang="L">CODE</pre>`, CODE unescaped and escaped again with Pygments' newline
/// handling. Like the regex, an empty code block's match runs on to the next
/// `</code></pre>`, so the HTML in between is shown as text (as it is on PyPI).
pub fn unhighlight(html: &str) -> String {
    const A: &str = "<pre><code class=\"language-";
    const B: &str = "<pre lang=\"";
    const END: &str = "</code></pre>";
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    while let Some(found) = html[pos..].find("<pre").map(|i| pos + i) {
        let rest = &html[found..];
        let (open_len, needs_code) = if rest.starts_with(A) {
            (A.len(), false)
        } else if rest.starts_with(B) {
            (B.len(), true)
        } else {
            out.push_str(&html[pos..found + 4]);
            pos = found + 4;
            continue;
        };
        let matched = (|| {
            let after = &rest[open_len..];
            let lang_len = after.find('"').filter(|&n| n > 0)?;
            let after_lang = after[lang_len..].strip_prefix("\">")?;
            let code_part = if needs_code {
                after_lang.strip_prefix("<code>")?
            } else {
                after_lang
            };
            let first = code_part.chars().next()?;
            let end = code_part[first.len_utf8()..].find(END)? + first.len_utf8();
            let consumed = rest.len() - code_part.len() + end + END.len();
            Some((&after[..lang_len], &code_part[..end], consumed))
        })();
        match matched {
            Some((lang, code, consumed)) => {
                out.push_str(&html[pos..found]);
                out.push_str("<pre lang=\"");
                out.push_str(lang);
                out.push_str("\">");
                out.push_str(&pygments_escape(&unescape(code.trim_matches('\n'))));
                out.push_str("\n</pre>");
                pos = found + consumed;
            }
            None => {
                out.push_str(&html[pos..found + 4]);
                pos = found + 4;
            }
        }
    }
    out.push_str(&html[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_readme_renderer() {
        // Expected outputs from readme_renderer 45.0 (comrak 0.0.12, nh3 0.3.6: Warehouse's pins).
        assert_eq!(
            render_markdown("# Hi\n\n[a](#hi) [b](https://e)\n"),
            "<h1><a href=\"#user-content-hi\" id=\"user-content-hi\" rel=\"nofollow\"></a>Hi</h1>\n<p><a href=\"#user-content-hi\" rel=\"nofollow\">a</a> <a href=\"https://e\" rel=\"nofollow\">b</a></p>\n"
        );
        assert_eq!(
            render_markdown(
                "<picture><source srcset=x.png><img src=\"docs/a.png\" style=\"x\"></picture>\n"
            ),
            "<p><picture><img src=\"docs/a.png\"></picture></p>\n"
        );
    }

    #[test]
    fn highlight_rewrite() {
        assert_eq!(
            unhighlight("<pre><code class=\"language-py\">\nx &lt; 1\n\n</code></pre>"),
            "<pre lang=\"py\">x &lt; 1\n</pre>"
        );
        assert_eq!(
            unhighlight("<pre><code>x</code></pre>"),
            "<pre><code>x</code></pre>"
        );
    }

    #[test]
    fn anchor_prefix() {
        assert_eq!(
            prefix_relative_links(r##"<a href="#x"><a href="#fn-1"><a href="#">"##, "p-"),
            r##"<a href="#p-x"><a href="#fn-1"><a href="#">"##
        );
    }
}
