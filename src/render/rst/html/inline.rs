//! Inline elements, images and math (`visit_*`/`depart_*` of
//! `docutils/writers/_html_base.py` and `html5_polyglot/__init__.py`).

use super::start::{Cx, Start, astext, cloak_mailto, encode, text_element};
use super::translator::Translator;
use crate::check::rst::node::{Element, Node};

/// html5's `supported_inline_tags`: a class naming one of these turns a `span` into it.
const INLINE_TAGS: &[&str] = &[
    "code", "kbd", "dfn", "samp", "var", "bdi", "del", "ins", "mark", "small", "b", "i", "q", "s",
    "u",
];

/// The first class of `classes` that names an HTML text-level tag.
fn inline_tag(classes: &[String]) -> Option<&'static str> {
    INLINE_TAGS
        .iter()
        .copied()
        .find(|t| classes.iter().any(|c| c == t))
}

fn without(classes: &[String], class: &str) -> Vec<String> {
    let mut out = classes.to_vec();
    if let Some(i) = out.iter().position(|c| c == class) {
        out.remove(i);
    }
    out
}

impl Translator {
    /// The inline elements' visitors; false for a node that is not one.
    pub(super) fn inline(&mut self, cx: &Cx) -> bool {
        let n = cx.node;
        match n.tag.as_str() {
            "literal" => self.literal(cx),
            "inline" => self.inline_span(cx),
            "reference" => self.reference(cx),
            "image" => self.image(cx),
            "math" | "math_block" => self.math(cx),
            "footnote_reference" | "citation_reference" | "problematic" => self.reference_like(cx),
            "raw" => self.raw(cx),
            "generated" => {
                if n.list("classes").iter().any(|c| c == "sectnum") {
                    let text = astext(n);
                    let number = text.trim_end_matches('\u{a0}');
                    self.push(&format!(
                        "<span class=\"sectnum\">{} </span>",
                        encode(number)
                    ));
                } else {
                    self.children(cx);
                }
            }
            "target" => {
                let plain = ["refuri", "refid", "refname"]
                    .iter()
                    .all(|a| !n.attrs.contains_key(*a));
                if plain {
                    self.wrap(
                        cx,
                        Start::new(n, "span").suffix("").class("target"),
                        "</span>",
                    );
                } else {
                    self.children(cx);
                }
            }
            _ => return false,
        }
        true
    }

    /// `visit_footnote_reference`, `visit_citation_reference`, `visit_problematic`.
    fn reference_like(&mut self, cx: &Cx) {
        let n = cx.node;
        match n.tag.as_str() {
            "footnote_reference" => {
                let href = format!("#{}", n.get("refid").unwrap_or(""));
                let start = Start::new(n, "a")
                    .suffix("")
                    .classes(vec!["brackets".into()])
                    .att("role", "doc-noteref")
                    .att("href", href);
                self.open(start);
                self.push("<span class=\"fn-bracket\">[</span>");
                self.children(cx);
                self.push("<span class=\"fn-bracket\">]</span></a>");
            }
            "citation_reference" => {
                let href = format!("#{}", n.get("refid").unwrap_or(""));
                let start = Start::new(n, "a")
                    .suffix("[")
                    .classes(vec!["citation-reference".into()])
                    .att("role", "doc-biblioref")
                    .att("href", href);
                self.wrap(cx, start, "]</a>");
            }
            "problematic" => {
                let refid = n.get("refid");
                if let Some(r) = refid {
                    self.push(&format!("<a href=\"#{r}\">"));
                }
                self.wrap(
                    cx,
                    Start::new(n, "span").suffix("").class("problematic"),
                    "</span>",
                );
                if refid.is_some() {
                    self.push("</a>");
                }
            }
            _ => self.children(cx),
        }
    }

    /// `visit_literal` (html5): `<code>` for the `code` role, else the text with its wrap
    /// points protected.
    fn literal(&mut self, cx: &Cx) {
        let n = cx.node;
        let classes = n.list("classes");
        let tag = inline_tag(classes).unwrap_or("span");
        let classes = without(classes, tag);
        if tag == "code" {
            self.wrap(
                cx,
                Start::new(n, "code").suffix("").node_classes(classes),
                "</code>",
            );
            return;
        }
        let start = Start::new(n, tag)
            .suffix("")
            .node_classes(classes)
            .class("docutils literal");
        self.open(start);
        let mut text = astext(n);
        if cx.parent_tag() != "literal_block" {
            text = text.replace('\n', " ");
        }
        for token in words_and_spaces(&text) {
            if !token.trim().is_empty() && wrap_point(token) {
                self.push(&format!("<span class=\"pre\">{}</span>", encode(token)));
            } else {
                self.push(&encode(token));
            }
        }
        self.push(&format!("</{tag}>"));
    }

    /// `visit_inline` (html5): line numbers of a code block as `<small>`, a class naming a
    /// text-level tag as that tag, else `<span>`.
    fn inline_span(&mut self, cx: &Cx) {
        let n = cx.node;
        let parent = cx.parent();
        let in_code = parent.is_some_and(|p| {
            p.list("classes").iter().any(|c| c == "code")
                && (p.tag == "literal_block" || p.tag == "literal")
        });
        let classes = n.list("classes");
        let line_number =
            in_code && classes.len() == 1 && classes.first().is_some_and(|c| c == "ln");
        let (tag, node_classes) = if line_number {
            if self.body.ends_with("<code>") {
                self.body.truncate(self.body.len() - "<code>".len());
            } else {
                self.push("</code>");
            }
            ("small", classes.to_vec())
        } else if !in_code && let Some(t) = inline_tag(classes) {
            (t, without(classes, t))
        } else {
            ("span", classes.to_vec())
        };
        let start = Start::new(n, tag).suffix("").node_classes(node_classes);
        self.wrap(cx, start, &format!("</{tag}>"));
        if line_number && cx.parent_tag() == "literal_block" {
            self.push(&format!("<code data-lineno=\"{}\">", astext(n)));
        }
    }

    /// `visit_reference`/`depart_reference`: `mailto:` links cloaked.
    fn reference(&mut self, cx: &Cx) {
        let n = cx.node;
        let mut classes = vec!["reference".to_string()];
        let href = if let Some(uri) = n.get("refuri") {
            classes.push("external".into());
            if uri.starts_with("mailto:") {
                self.in_mailto = true;
                cloak_mailto(uri)
            } else {
                uri.to_string()
            }
        } else {
            classes.push("internal".into());
            format!("#{}", n.get("refid").unwrap_or(""))
        };
        if let [Node::Element(only)] = n.children.as_slice()
            && only.tag == "image"
        {
            classes.push("image-reference".into());
        }
        let block = !text_element(cx.parent_tag());
        let suffix = if block { "\n" } else { "" };
        let start = Start::new(n, "a")
            .suffix(suffix)
            .classes(classes)
            .att("href", href);
        self.wrap(cx, start, "</a>");
        if block {
            self.push("\n");
        }
        self.in_mailto = false;
    }

    /// `visit_raw`: HTML passes through (raw is disabled at PyPI, so this is rare).
    fn raw(&mut self, cx: &Cx) {
        let n = cx.node;
        if !n
            .get("format")
            .unwrap_or("")
            .split_whitespace()
            .any(|f| f == "html")
        {
            return;
        }
        let tag = if text_element(cx.parent_tag()) {
            "span"
        } else {
            "div"
        };
        let classed = !n.list("classes").is_empty();
        if classed {
            self.open(Start::new(n, tag).suffix(""));
        }
        self.push(&astext(n));
        if classed {
            self.push(&format!("</{tag}>"));
        }
    }

    /// `visit_math`/`visit_math_block` with `math_output` MathJax: the LaTeX, delimited.
    fn math(&mut self, cx: &Cx) {
        let n = cx.node;
        let block = n.tag == "math_block";
        let code = super::math::math_code(&astext(n), block);
        let (tag, suffix) = if block { ("div", "\n") } else { ("span", "") };
        let start = Start::new(n, tag)
            .suffix(suffix)
            .classes(vec!["math".into()]);
        self.open(start);
        self.push(&encode(&code));
        self.push(suffix);
        self.push(&format!("</{tag}>{suffix}"));
    }

    /// `visit_image` with readme_renderer's `emptytag` (width and height kept as given) and no
    /// image file read.
    fn image(&mut self, cx: &Cx) {
        let n = cx.node;
        let uri = n.get("uri").unwrap_or("");
        let alt = n.get("alt").unwrap_or(uri);
        let mime = guess_type(uri);
        let parent = cx.parent_tag();
        let block = !text_element(parent)
            || (parent == "reference" && !cx.grandparent().is_some_and(|g| text_element(&g.tag)));
        let suffix = if block { "\n" } else { "" };
        let mut start = image_size(Start::new(n, "img"), n);
        if let Some(a) = n.get("align") {
            start = start.classes(vec![format!("align-{a}")]);
        }
        if n.get("loading") == Some("lazy") {
            start = start.att("loading", "lazy");
        }
        let element = match mime {
            Some(video) if video.starts_with("video/") => {
                let mut classes = n.list("classes").to_vec();
                start = start.retag("video").att("title", alt).att("src", uri);
                if let Some(i) = classes.iter().position(|c| c == "controls") {
                    classes.remove(i);
                    start = start.att("controls", "controls");
                }
                format!(
                    "{}<a href=\"{uri}\">{alt}</a>{suffix}</video>{suffix}",
                    self.start(start.node_classes(classes).suffix(suffix))
                )
            }
            _ => {
                let mut start = start.att("alt", alt).att("src", uri).empty().suffix(suffix);
                for dimension in ["width", "height"] {
                    if let Some(v) = n.get(dimension) {
                        start = start.att(dimension, v);
                    }
                }
                self.start(start)
            }
        };
        self.push(&element);
    }
}

/// `image_size`: width and height from the node, scaled; unitless values as attributes,
/// others in a `style`.
fn image_size(mut start: Start, node: &Element) -> Start {
    let scale = node
        .get("scale")
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(100.0)
        / 100.0;
    let mut declarations = Vec::new();
    for dimension in ["width", "height"] {
        let Some((value, unit)) = node.get(dimension).and_then(parse_measure) else {
            continue;
        };
        let value = value * scale;
        if unit.is_empty() {
            start = start.att(dimension, format!("{}", value.round_ties_even()));
        } else {
            declarations.push(format!("{dimension}: {}{unit};", format_g(value)));
        }
    }
    if !declarations.is_empty() {
        start = start.att("style", declarations.join(" "));
    }
    start
}

/// `nodes.parse_measure`: a number and a unit (letters, `µ` or `%`).
fn parse_measure(measure: &str) -> Option<(f64, String)> {
    let end = measure
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*c == '-' && *i == 0)))
        .map_or(measure.len(), |(i, _)| i);
    let (number, rest) = measure.split_at(end);
    let value = number.parse::<f64>().ok()?;
    let unit = rest.trim_start_matches(' ');
    let valid = unit == "%" || unit.chars().all(|c| c.is_ascii_alphabetic() || c == 'µ');
    valid.then(|| (value, unit.to_string()))
}

/// Python's `format(value, "g")`: six significant digits, trailing zeros dropped.
fn format_g(value: f64) -> String {
    if value == value.trunc() && value.abs() < 1e6 {
        return format!("{value:.0}");
    }
    let exponent = value.abs().log10().floor() as i32;
    if !(-4..6).contains(&exponent) {
        let mantissa = format!("{:.5}", value / 10f64.powi(exponent));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs());
    }
    let decimals = usize::try_from(5 - exponent).unwrap_or(0);
    let fixed = format!("{value:.decimals$}");
    fixed
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// `mimetypes.guess_type(uri)[0]`, for the types the writer treats apart: videos (Python's
/// table has no Flash type, so docutils' `<object>` case never arises).
fn guess_type(uri: &str) -> Option<&'static str> {
    if let Some(data) = uri.strip_prefix("data:") {
        let end = data.find([';', ',']).unwrap_or(data.len());
        let kind = data.get(..end)?.to_ascii_lowercase();
        return ["video/mp4", "video/webm", "video/ogg"]
            .into_iter()
            .find(|k| *k == kind);
    }
    let ext = extension(uri)?;
    let ext = if [".gz", ".Z", ".bz2", ".xz", ".br"].contains(&ext) {
        // An encoding suffix: the type is the one before it.
        extension(uri.get(..uri.len().saturating_sub(ext.len()))?)?
    } else {
        ext
    };
    match ext.to_ascii_lowercase().as_str() {
        ".mp4" | ".mpg4" | ".m4v" => Some("video/mp4"),
        ".webm" => Some("video/webm"),
        ".ogv" => Some("video/ogg"),
        _ => None,
    }
}

/// `posixpath.splitext(path)[1]`: from the last dot of the last segment, leading dots aside.
fn extension(path: &str) -> Option<&str> {
    let file = path.rsplit('/').next().unwrap_or(path);
    let name = file.trim_start_matches('.');
    let dot = name.rfind('.')?;
    name.get(dot..)
}

/// `words_and_spaces.findall`: runs of non-space characters, runs of spaces, newlines.
fn words_and_spaces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let kind = |c: char| match c {
        ' ' => 1,
        '\n' => 2,
        _ => 0,
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let k = kind(c);
        let mut end = i + c.len_utf8();
        if k != 2 {
            while let Some(&(j, d)) = chars.peek() {
                if kind(d) != k {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
        }
        out.push(text.get(start.max(i)..end).unwrap_or(""));
        start = end;
    }
    out
}

/// `in_word_wrap_point.search(token)`: `.+\W\W.+` or `[-?].+` anywhere in the token.
fn wrap_point(token: &str) -> bool {
    let chars: Vec<char> = token.chars().collect();
    let word = |c: &char| c.is_alphanumeric() || *c == '_';
    // `[-?].+`: a hyphen or question mark followed by any character.
    let dash = chars
        .windows(2)
        .any(|w| matches!(w.first(), Some('-' | '?')));
    // `.+\W\W.+`: two non-word characters with at least one character on each side.
    let double = chars.len() >= 4
        && (1..chars.len().saturating_sub(2)).any(|i| {
            chars
                .get(i..i + 2)
                .is_some_and(|p| p.iter().all(|c| !word(c)))
        });
    dash || double
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values from Python 3.11 (`re`, `format`, `mimetypes`) as docutils calls them.
    #[test]
    fn literal_tokens_and_wrap_points() {
        assert_eq!(
            words_and_spaces("a  b\nc --x"),
            ["a", "  ", "b", "\n", "c", " ", "--x"]
        );
        for (token, wraps) in [
            ("--an-option", true),
            ("a-b", true),
            ("x?", false),
            ("ab..cd", true),
            ("a..", false),
            ("-", false),
            ("hello", false),
            ("[+]?(x)", true),
            ("a.b", false),
        ] {
            assert_eq!(wrap_point(token), wraps, "{token}");
        }
    }

    #[test]
    fn python_g_format() {
        for (value, text) in [
            (12.5, "12.5"),
            (100.0, "100"),
            (33.333333333, "33.3333"),
            (0.5, "0.5"),
            (1234567.0, "1.23457e+06"),
            (0.00001234, "1.234e-05"),
        ] {
            assert_eq!(format_g(value), text);
        }
    }

    #[test]
    fn video_types() {
        for (uri, kind) in [
            ("x.mp4.gz", Some("video/mp4")),
            ("x.MP4", Some("video/mp4")),
            ("https://e.com/v.webm", Some("video/webm")),
            ("https://e.com/v.webm?x", None),
            (".ogv", None),
            ("a/b.tar.gz", None),
            ("data:video/ogg;base64,x", Some("video/ogg")),
            ("logo.png", None),
        ] {
            assert_eq!(guess_type(uri), kind, "{uri}");
        }
    }
}
