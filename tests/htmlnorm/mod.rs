//! HTML normalising shared by the differential tests that compare hoist's rendered HTML with
//! readme_renderer's (tests/md_differential.rs, tests/rst_writer.rs): tags with sorted
//! attributes, whitespace collapsed, code blocks reduced to their text.

use hoist::render::findings::scan_tags;

/// Normalised HTML: tags with sorted attributes, text with whitespace collapsed, whitespace
/// between tags dropped, each `<pre>` reduced to its attributes and its text (tags stripped,
/// outer newlines trimmed).
pub fn normalize(html: &str) -> String {
    let mut out = String::new();
    let mut text = String::new();
    let mut pre: Option<String> = None;
    let b = html.as_bytes();
    let mut i = 0;
    let flush = |text: &mut String, out: &mut String| {
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&collapsed);
        text.clear();
    };
    while i < b.len() {
        if b[i] != b'<' {
            let next = html[i..].find('<').map_or(b.len(), |n| i + n);
            match &mut pre {
                Some(p) => p.push_str(&html[i..next]),
                None => text.push_str(&html[i..next]),
            }
            i = next;
            continue;
        }
        // The tag's end, outside quoted attribute values.
        let mut j = i + 1;
        let mut quote = None;
        while j < b.len() {
            match (quote, b[j]) {
                (None, b'"' | b'\'') => quote = Some(b[j]),
                (Some(q), c) if c == q => quote = None,
                (None, b'>') => break,
                _ => {}
            }
            j += 1;
        }
        let raw = &html[i..(j + 1).min(b.len())];
        i = j + 1;
        let Some(tag) = scan_tags(raw).into_iter().next() else {
            text.push_str(raw);
            continue;
        };
        if let Some(p) = &mut pre {
            if tag.closing && tag.name == "pre" {
                out.push_str(p.trim_matches('\n'));
                out.push_str("</pre>");
                pre = None;
            }
            continue;
        }
        flush(&mut text, &mut out);
        if tag.closing {
            out.push_str(&format!("</{}>", tag.name));
            continue;
        }
        let mut attrs = tag.attrs.clone();
        attrs.sort();
        out.push('<');
        out.push_str(&tag.name);
        for (k, v) in attrs {
            out.push_str(&format!(" {k}=\"{v}\""));
        }
        out.push('>');
        if tag.name == "pre" {
            pre = Some(String::new());
        }
    }
    if let Some(p) = pre {
        out.push_str(&p);
    }
    flush(&mut text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalising_keeps_real_differences() {
        assert_eq!(
            normalize("<p b=\"2\" a=\"1\">x\n  y</p>\n<pre lang=\"py\"><span>a</span>\n</pre>"),
            "<p a=\"1\" b=\"2\">x y</p><pre lang=\"py\">a</pre>"
        );
        assert_ne!(normalize("<p>x</p>"), normalize("<p>y</p>"));
        assert_ne!(normalize("<img src=\"a\">"), normalize("<img>"));
    }
}
