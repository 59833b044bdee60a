#![allow(dead_code)] // used by the rst doctree builder as it lands (issue 14 part 2)
//! Element ids as docutils assigns them while parsing (`document.set_id` and `make_id`,
//! `docutils/nodes.py`), with readme_renderer's `id_prefix` "user-content-" and docutils'
//! default `auto_id_prefix` "%" (ids from the tag name: `footnote-reference-1`).

use unicode_normalization::UnicodeNormalization;

use super::Doc;
use super::node::Element;

/// readme_renderer's `id_prefix` setting.
pub const ID_PREFIX: &str = "user-content-";

/// docutils' `make_id`: lower case, a few letters transliterated, NFKD with non-ASCII dropped,
/// runs of other characters to one hyphen, leading digits and hyphens and trailing hyphens
/// removed.
pub fn make_id(s: &str) -> String {
    let mut id = String::new();
    for c in s.to_lowercase().chars() {
        match c {
            '\u{df}' => id.push_str("sz"),
            '\u{e6}' => id.push_str("ae"),
            '\u{153}' => id.push_str("oe"),
            '\u{238}' => id.push_str("db"),
            '\u{239}' => id.push_str("qp"),
            c => id.push(translate(c)),
        }
    }
    let ascii: String = id.nfkd().filter(char::is_ascii).collect();
    let words: Vec<&str> = ascii.split_ascii_whitespace().collect();
    let joined = words.join(" ");
    let mut out = String::new();
    let mut in_run = false;
    for c in joined.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    let start = out.trim_start_matches(|c: char| c == '-' || c.is_ascii_digit());
    start.trim_end_matches('-').to_string()
}

/// docutils' `_non_id_translate` (letters with strokes and hooks to their base letter).
fn translate(c: char) -> char {
    match c as u32 {
        0xf8 => 'o',
        0x111 | 0x18c => 'd',
        0x127 => 'h',
        0x131 => 'i',
        0x142 | 0x19a | 0x234 => 'l',
        0x167 | 0x1ab | 0x1ad | 0x236 => 't',
        0x180 | 0x183 => 'b',
        0x188 | 0x23c => 'c',
        0x192 => 'f',
        0x199 => 'k',
        0x19e | 0x235 => 'n',
        0x1a5 => 'p',
        0x1b4 | 0x24f => 'y',
        0x1b6 | 0x225 | 0x240 => 'z',
        0x1e5 => 'g',
        0x237 | 0x249 => 'j',
        0x23f => 's',
        0x247 => 'e',
        0x24b => 'q',
        0x24d => 'r',
        _ => c,
    }
}

impl Doc {
    /// docutils' `document.set_id`: gives `el` an id if it has none (from its first name that
    /// makes a free id, else `PREFIX-N` from its name, dupname or tag name) and records it.
    /// Returns the element's last id. Without a tree to build ([`Doc::build_tree`]) it does
    /// nothing and returns an empty id: only the tree uses ids.
    pub(super) fn set_id(&mut self, el: &mut Element, suggested_prefix: &str) -> String {
        if !self.build_tree {
            return String::new();
        }
        if el.list("ids").is_empty() {
            let id = self.create_id(el, suggested_prefix);
            el.push_to("ids", id);
        }
        for id in el.list("ids") {
            self.ids.insert(id.clone());
        }
        el.list("ids").last().cloned().unwrap_or_default()
    }

    fn create_id(&mut self, el: &Element, suggested_prefix: &str) -> String {
        let ids = &self.ids;
        let taken = |id: &str| ids.contains(id);
        let wanted = IdWanted {
            names: el.list("names"),
            dupnames: el.list("dupnames"),
            tag: &el.tag,
            suggested_prefix,
        };
        create_id(&wanted, taken, &mut self.id_counter)
    }
}

/// What docutils' `document.create_id` looks at on an element.
pub(crate) struct IdWanted<'a> {
    pub names: &'a [String],
    pub dupnames: &'a [String],
    pub tag: &'a str,
    pub suggested_prefix: &'a str,
}

/// docutils' `document.create_id` (`docutils/nodes.py`): the id of the element's first name
/// whose id is free; else a numbered id (`counters` per prefix) after its name's id, its first
/// dupname, the suggested prefix or its tag name. `taken` says whether an id is in use.
pub(crate) fn create_id(
    el: &IdWanted,
    taken: impl Fn(&str) -> bool,
    counters: &mut std::collections::HashMap<String, usize>,
) -> String {
    let mut base_id = String::new();
    let mut id = String::new();
    for name in el.names {
        base_id = make_id(&format!("x{name}")).chars().skip(1).collect();
        id = format!("{ID_PREFIX}{base_id}");
        if !base_id.is_empty() && !taken(&id) {
            return id;
        }
    }
    let dupname = el.dupnames.first().map(|d| make_id(d));
    let prefix = if !base_id.is_empty() {
        format!("{id}-")
    } else if let Some(d) = dupname.filter(|d| !d.is_empty()) {
        format!("{d}-")
    } else if !el.suggested_prefix.is_empty() {
        format!("{ID_PREFIX}{}-", el.suggested_prefix)
    } else {
        format!("{ID_PREFIX}{}-", make_id(el.tag))
    };
    loop {
        let n = counters.entry(prefix.clone()).or_insert(0);
        *n += 1;
        let id = format!("{prefix}{n}");
        if !taken(&id) {
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::make_id;

    #[test]
    fn make_id_as_docutils() {
        assert_eq!(make_id("Hello, World!"), "hello-world");
        assert_eq!(make_id("2. Install"), "install");
        assert_eq!(make_id("Straße café"), "strasze-cafe");
        assert_eq!(make_id("--x--"), "x");
        assert_eq!(make_id("Łódź"), "lodz");
    }
}
