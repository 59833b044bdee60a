//! The parsed document tree's bookkeeping: the open sections, docutils' name table for the
//! tree (`document.note_names`, `set_duplicate_name`, `docutils/nodes.py`) and the small node
//! constructors the block parser and the directives share.
//!
//! The validator keeps its own name table (`Doc::names`, for its messages); this one follows
//! the same rules for the tree's `names`, `dupnames` and `ids`. An element that loses a name
//! after it was built (docutils' `dupname(old_node, name)`) is fixed up by id when the tree is
//! finished.

use super::Doc;
use super::node::{Element, Node};

/// One name in the tree's name table.
#[derive(Debug, Clone)]
pub(super) struct TreeName {
    /// The id of the element holding the name; `None` once the name is a dupname.
    id: Option<String>,
    explicit: bool,
    refuri: Option<String>,
    refname: Option<String>,
}

/// The `document` element as `utils.new_document("<string>")` creates it.
pub(super) fn document() -> Element {
    let mut d = Element::new("document");
    d.set("source", "<string>");
    d
}

/// An element holding one text node (docutils' `nodes.X(text, text)`); no child when empty.
pub(super) fn text_elem(tag: &str, text: impl Into<String>) -> Element {
    let text = text.into();
    let mut e = Element::new(tag);
    if !text.is_empty() {
        e.children.push(Node::Text(text));
    }
    e
}

/// A `literal_block` (or `doctest_block`...) with docutils' `xml:space="preserve"`.
pub(super) fn preserve(tag: &str, text: impl Into<String>) -> Element {
    let mut e = text_elem(tag, text);
    e.set("xml:space", "preserve");
    e
}

/// An element with the given children.
pub(super) fn with(tag: &str, children: Vec<Node>) -> Element {
    Element::new(tag).with(children)
}

/// Moves `name` from `names` to `dupnames` (docutils' `nodes.dupname`).
/// Does nothing when the name is not (or no longer) one of `names`.
fn dupname(el: &mut Element, name: &str) {
    let Some(super::node::Attr::List(v)) = el.attrs.get_mut("names") else {
        return;
    };
    let Some(i) = v.iter().position(|n| n == name) else {
        return;
    };
    v.remove(i);
    if v.is_empty() {
        el.remove("names");
    }
    el.push_to("dupnames", name);
}

impl Doc {
    /// Appends a node to the innermost open section (or the document).
    pub(super) fn append_top(&mut self, n: Node) {
        if let Some(top) = self.stack.last_mut() {
            top.children.push(n);
        }
    }

    /// Runs `f`, a parse only the tree makes (a csv-table cell, which the validator does not
    /// parse), keeping what it does to the tree (ids, the tree's names) and none of what it
    /// does to the validator's state (problems, references, targets...).
    pub(super) fn tree_only<T>(&mut self, f: impl FnOnce(&mut Doc) -> T) -> T {
        let stack = std::mem::take(&mut self.stack);
        let mut saved = self.clone();
        self.stack = stack;
        let out = f(self);
        saved.stack = std::mem::take(&mut self.stack);
        saved.ids = std::mem::take(&mut self.ids);
        saved.id_counter = std::mem::take(&mut self.id_counter);
        saved.tree_names = std::mem::take(&mut self.tree_names);
        saved.dupname_fixups = std::mem::take(&mut self.dupname_fixups);
        *self = saved;
        out
    }

    /// Closes open sections until `depth` of them remain.
    pub(super) fn close_sections(&mut self, depth: usize) {
        while self.stack.len() > depth + 1 {
            let Some(sec) = self.stack.pop() else { break };
            self.append_top(Node::Element(sec));
        }
    }

    /// Closes every section and applies the pending dupname fixups: the finished `document`.
    pub(super) fn finish_tree(&mut self) -> Element {
        self.close_sections(0);
        let mut doc = self.stack.pop().unwrap_or_else(document);
        let fixups = std::mem::take(&mut self.dupname_fixups);
        if !fixups.is_empty() {
            apply_fixups(&mut doc, &fixups);
        }
        doc
    }

    /// `document.note_implicit_target`: registers the element's names, then gives it an id.
    pub(super) fn note_implicit_node(&mut self, el: &mut Element) {
        if !self.build_tree {
            return;
        }
        let claimed = self.note_tree_names(el, false);
        self.set_id(el, "");
        self.claim(el, claimed);
    }

    /// `document.note_explicit_target`.
    pub(super) fn note_explicit_node(&mut self, el: &mut Element) {
        if !self.build_tree {
            return;
        }
        let claimed = self.note_tree_names(el, true);
        self.set_id(el, "");
        self.claim(el, claimed);
    }

    /// The targets inline markup created (`_`name``, a reference's embedded `<uri>` or
    /// `<name_>`), entered in the tree's name table as `note_explicit_target` /
    /// `note_implicit_target` would (an embedded target is implicit): their `names` and
    /// `dupnames` are decided again here, with the elements built before them (sections,
    /// explicit targets) losing a name where docutils' `set_duplicate_name` says so.
    pub(super) fn note_inline_targets(&mut self, nodes: &mut [Node]) {
        if !self.build_tree {
            return;
        }
        for n in nodes.iter_mut() {
            let Node::Element(e) = n else { continue };
            if e.tag != "target" {
                self.note_inline_targets(&mut e.children);
                continue;
            }
            let mut all: Vec<String> = e.list("names").to_vec();
            all.extend(e.list("dupnames").iter().cloned());
            if all.is_empty() {
                continue;
            }
            e.remove("dupnames");
            e.remove("names");
            for name in all {
                e.push_to("names", name);
            }
            let explicit = e.get("refuri").is_none() && e.get("refname").is_none();
            let claimed = self.note_tree_names(e, explicit);
            self.set_id(e, "");
            self.claim(e, claimed);
        }
    }

    fn claim(&mut self, el: &Element, claimed: Vec<String>) {
        let id = el.list("ids").last().cloned();
        for name in claimed {
            if let Some(t) = self.tree_names.get_mut(&name) {
                t.id = id.clone();
            }
        }
    }

    /// `document.note_names` with `set_duplicate_name`; returns the names this element now
    /// holds in the table (their id is filled in once the element has one).
    fn note_tree_names(&mut self, el: &mut Element, explicit: bool) -> Vec<String> {
        let mut claimed = Vec::new();
        let refuri = el.get("refuri").map(String::from);
        let refname = el.get("refname").map(String::from);
        for name in el.list("names").to_vec() {
            let Some(old) = self.tree_names.get(&name).cloned() else {
                self.tree_names.insert(
                    name.clone(),
                    TreeName {
                        id: None,
                        explicit,
                        refuri: refuri.clone(),
                        refname: refname.clone(),
                    },
                );
                claimed.push(name);
                continue;
            };
            let same_ref = old.id.is_some()
                && ((refname.is_some() && refname == old.refname)
                    || (refuri.is_some() && refuri == old.refuri));
            let level;
            let entry = self.tree_names.get_mut(&name);
            let Some(entry) = entry else { continue };
            entry.explicit = old.explicit || explicit;
            if same_ref {
                level = 1;
                dupname(el, &name);
            } else if explicit {
                if old.explicit {
                    level = 2;
                    dupname(el, &name);
                    entry.id = None;
                } else {
                    entry.refuri = refuri.clone();
                    entry.refname = refname.clone();
                    claimed.push(name.clone());
                    level = usize::from(old.id.is_some());
                }
                if let Some(old_id) = &old.id {
                    self.dupname_fixups
                        .entry(old_id.clone())
                        .or_default()
                        .push(name.clone());
                }
            } else {
                level = 1;
                dupname(el, &name);
                if let (Some(old_id), false) = (&old.id, old.explicit) {
                    entry.id = None;
                    self.dupname_fixups
                        .entry(old_id.clone())
                        .or_default()
                        .push(name.clone());
                }
            }
            if level > 0 && !(el.tag == "target" && el.children.is_empty()) {
                self.set_id(el, "");
            }
        }
        claimed
    }
}

fn apply_fixups(el: &mut Element, fixups: &std::collections::HashMap<String, Vec<String>>) {
    let hit: Vec<String> = el
        .list("ids")
        .iter()
        .filter_map(|id| fixups.get(id))
        .flatten()
        .cloned()
        .collect();
    for name in hit {
        dupname(el, &name);
    }
    for c in el.children.iter_mut() {
        if let Node::Element(e) = c {
            apply_fixups(e, fixups);
        }
    }
}

/// `Body.parse_option_marker`: the `option` elements of an option list item's marker
/// (`-a`, `--all=VALUE`, `-o <a b>`), split at ", " outside angle brackets.
pub(super) fn option_marker(marker: &str) -> Vec<Node> {
    let marker = marker.trim_end();
    let mut parts = Vec::new();
    let mut start = 0;
    let b = marker.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b',' && b[i + 1] == b' ' {
            // `, (?![^<]*>)`: no split when a '>' comes before any '<'
            let rest = &marker[i + 2..];
            let inside = rest
                .find(['<', '>'])
                .is_some_and(|k| rest[k..].starts_with('>'));
            if !inside {
                parts.push(&marker[start..i]);
                start = i + 2;
            }
        }
        i += 1;
    }
    parts.push(&marker[start..]);
    parts.into_iter().map(|p| option(p).into()).collect()
}

fn option(s: &str) -> Element {
    let mut tokens: Vec<String> = s.split_whitespace().map(String::from).collect();
    let mut delimiter = " ";
    let first = tokens.first().cloned().unwrap_or_default();
    if let Some((a, v)) = first.split_once('=') {
        tokens.splice(0..1, [a.to_string(), v.to_string()]);
        delimiter = "=";
    } else if first.chars().count() > 2
        && ((first.starts_with('-') && !first.starts_with("--")) || first.starts_with('+'))
    {
        let k = first.char_indices().nth(2).map_or(first.len(), |(k, _)| k);
        tokens.splice(0..1, [first[..k].to_string(), first[k..].to_string()]);
        delimiter = "";
    }
    if tokens.len() > 1
        && tokens.get(1).is_some_and(|t| t.starts_with('<'))
        && tokens.last().is_some_and(|t| t.ends_with('>'))
    {
        let joined = tokens[1..].join(" ");
        tokens.truncate(1);
        tokens.push(joined);
    }
    let mut opt = Element::new("option");
    if let Some(t) = tokens.first() {
        opt.children
            .push(text_elem("option_string", t.clone()).into());
    }
    if let Some(t) = tokens.get(1) {
        let mut arg = text_elem("option_argument", t.clone());
        arg.set("delimiter", delimiter);
        opt.children.push(arg.into());
    }
    opt
}

/// `Body.line_block` with `nest_line_block_lines`: the lines, nested by indent.
pub(super) fn line_block(lines: Vec<(Node, Option<usize>)>) -> Element {
    let mut items = Vec::new();
    let mut prev = 0;
    for (n, indent) in lines {
        let i = indent.unwrap_or(prev);
        prev = i;
        items.push((n, i));
    }
    with("line_block", nest_lines(items))
}

/// `nest_line_block_segment`: lines indented more than the least go into a nested block.
fn nest_lines(items: Vec<(Node, usize)>) -> Vec<Node> {
    let least = items.iter().map(|(_, i)| *i).min().unwrap_or(0);
    let mut out = Vec::new();
    let mut inner: Vec<(Node, usize)> = Vec::new();
    for (n, i) in items {
        if i > least {
            inner.push((n, i));
        } else {
            if !inner.is_empty() {
                out.push(with("line_block", nest_lines(std::mem::take(&mut inner))).into());
            }
            out.push(n);
        }
    }
    if !inner.is_empty() {
        out.push(with("line_block", nest_lines(inner)).into());
    }
    out
}

/// `Body.parse_target`'s URI: split at escaped white space, each part unescaped with its
/// white space removed, the parts joined by spaces (`text` is escape2null'd).
pub(super) fn target_uri(text: &[char]) -> String {
    let mut parts: Vec<Vec<char>> = vec![Vec::new()];
    let mut i = 0;
    while i < text.len() {
        if text[i] == '\0' && matches!(text.get(i + 1), Some(' ') | Some('\n')) {
            parts.push(Vec::new());
            i += 2;
            continue;
        }
        if let Some(p) = parts.last_mut() {
            p.push(text[i]);
        }
        i += 1;
    }
    parts
        .iter()
        .map(|p| {
            super::inline::unescape(p)
                .split(super::chars::is_space)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn emailc(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_!~*'{|}/#?^`&=+$%\0".contains(c)
}

/// docutils' `Inliner.patterns.email` (what `adjust_uri` turns into a `mailto:` URI).
pub(super) fn is_email(s: &str) -> bool {
    let Some((local, host)) = s.split_once('@') else {
        return false;
    };
    let local_ok = local
        .split('.')
        .all(|p| !p.is_empty() && p.chars().all(emailc));
    let mut h: Vec<char> = host.chars().collect();
    let last_ok = h
        .pop()
        .is_some_and(|c| c.is_ascii_alphanumeric() || "_~*/=+".contains(c));
    let host_ok = h.first().is_some_and(|&c| emailc(c)) && h.iter().all(|&c| c == '.' || emailc(c));
    local_ok && last_ok && host_ok && !local.ends_with('\0')
}

/// Whether a node is inline (`nodes.Inline` or text): what a substitution definition keeps.
pub(super) fn is_inline(n: &Node) -> bool {
    match n {
        Node::Text(_) => true,
        Node::Element(e) => matches!(
            e.tag.as_str(),
            "image"
                | "reference"
                | "emphasis"
                | "strong"
                | "literal"
                | "inline"
                | "abbreviation"
                | "acronym"
                | "subscript"
                | "superscript"
                | "title_reference"
                | "footnote_reference"
                | "citation_reference"
                | "substitution_reference"
                | "target"
                | "problematic"
                | "math"
                | "generated"
                | "raw"
        ),
    }
}

/// `Text.term`: the term and its classifiers, split at " : " in the term's text nodes.
pub(super) fn term(nodes: Vec<Node>) -> Vec<Node> {
    let mut out: Vec<Element> = vec![Element::new("term")];
    for n in nodes {
        let Node::Text(t) = n else {
            if let Some(last) = out.last_mut() {
                last.children.push(n);
            }
            continue;
        };
        let parts = split_classifiers(&t);
        let mut parts = parts.into_iter();
        if let (Some(first), Some(last)) = (parts.next(), out.last_mut()) {
            // docutils adds the text before a delimiter even when it is empty
            let first = if parts.len() > 0 {
                first.trim_end().to_string()
            } else {
                first
            };
            last.children.push(Node::Text(first));
        }
        for p in parts {
            out.push(text_elem("classifier", p));
        }
    }
    out.into_iter().map(Node::Element).collect()
}

/// `classifier_delimiter.split`: at ` +: +`.
fn split_classifiers(t: &str) -> Vec<String> {
    let c: Vec<char> = t.chars().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < c.len() {
        if c[i] == ' ' {
            let mut j = i;
            while j < c.len() && c[j] == ' ' {
                j += 1;
            }
            if c.get(j) == Some(&':') && c.get(j + 1) == Some(&' ') {
                let mut k = j + 1;
                while k < c.len() && c[k] == ' ' {
                    k += 1;
                }
                parts.push(c[start..i].iter().collect());
                start = k;
                i = k;
                continue;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    parts.push(c[start..].iter().collect());
    parts
}

/// `directives.get_measure`'s normal form: the number as Python prints it (an int, else a
/// float) directly followed by the unit (`"3 pt"` -> `"3pt"`).
pub(super) fn measure(v: &str) -> String {
    let v = v.trim();
    let end = v
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-')))
        .map_or(v.len(), |(i, _)| i);
    let (num, unit) = v.split_at(end);
    let unit = unit.trim_start_matches(' ');
    let value = match num.parse::<i64>() {
        Ok(n) => n.to_string(),
        Err(_) => match num.parse::<f64>() {
            Ok(f) if f.fract() == 0.0 && f.abs() < 1e16 => format!("{f:.1}"),
            Ok(f) => f.to_string(),
            Err(_) => num.to_string(),
        },
    };
    format!("{value}{unit}")
}

/// docutils' `astext()` of an element built from inline nodes: the text with the parser's
/// NUL escape markers removed (`nodes.unescape`: NUL-space, NUL-newline, NUL).
pub(super) fn astext(el: &Element) -> String {
    el.astext()
        .replace("\0 ", "")
        .replace("\0\n", "")
        .replace('\0', "")
}

impl Doc {
    /// `document.get_decoration().get_header()` / `get_footer()` filled with `nodes`: the
    /// `decoration` element goes before the document's first body element.
    pub(super) fn decoration(&mut self, which: &str, nodes: Vec<Node>) {
        let Some(doc) = self.stack.first_mut() else {
            return;
        };
        let found = doc
            .children
            .iter()
            .position(|c| matches!(c, Node::Element(e) if e.tag == "decoration"));
        let i = match found {
            Some(i) => i,
            None => {
                let at = doc
                    .children
                    .iter()
                    .position(|c| !matches!(c, Node::Element(e) if matches!(e.tag.as_str(), "title" | "subtitle" | "meta")))
                    .unwrap_or(doc.children.len());
                doc.children.insert(at, Element::new("decoration").into());
                at
            }
        };
        if let Some(Node::Element(dec)) = doc.children.get_mut(i) {
            let part = with(which, nodes);
            if which == "header" {
                dec.children.insert(0, part.into());
            } else {
                dec.children.push(part.into());
            }
        }
    }
}

/// `time.strftime(format)` for today's date (UTC): `%Y`, `%m`, `%d` and `%%`; other
/// directives are kept as written.
pub(super) fn strftime_today(format: &str) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&y.to_string()),
            Some('m') => out.push_str(&format!("{m:02}")),
            Some('d') => out.push_str(&format!("{d:02}")),
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('%');
                out.push(o);
            }
            None => out.push('%'),
        }
    }
    out
}

/// The proleptic Gregorian date of a day number since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(nodes: &[Node]) -> Vec<String> {
        nodes.iter().map(Node::astext).collect()
    }

    #[test]
    fn option_markers_as_docutils_splits_them() {
        let opts = option_marker("-a, --all=VALUE, -o <x, y>, -fFILE  ");
        assert_eq!(texts(&opts), ["-a", "--allVALUE", "-o<x, y>", "-fFILE"]);
        let Some(Node::Element(all)) = opts.get(1) else {
            panic!("no option")
        };
        let arg = all
            .children
            .get(1)
            .and_then(Node::element)
            .expect("argument");
        assert_eq!(arg.get("delimiter"), Some("="));
    }

    #[test]
    fn measures_as_python_prints_them() {
        assert_eq!(measure("3 pt"), "3pt");
        assert_eq!(measure("50%"), "50%");
        assert_eq!(measure("1.50em"), "1.5em");
        assert_eq!(measure("2.0"), "2.0");
        assert_eq!(measure("007"), "7");
    }

    #[test]
    fn email_addresses_and_uris() {
        assert!(is_email("someone@example.com"));
        assert!(!is_email("http://example.com/@x"));
        assert!(!is_email("a@b."));
        assert_eq!(
            target_uri(&"http://x.y/ a\0 b".chars().collect::<Vec<_>>()),
            "http://x.y/a b"
        );
    }

    #[test]
    fn terms_split_into_classifiers() {
        let out = term(vec![Node::text("name : str : optional")]);
        let tags: Vec<&str> = out
            .iter()
            .filter_map(Node::element)
            .map(|e| e.tag.as_str())
            .collect();
        assert_eq!(tags, ["term", "classifier", "classifier"]);
        assert_eq!(texts(&out), ["name", "str", "optional"]);
    }

    #[test]
    fn line_blocks_nest_by_indent() {
        let line = |t: &str| Node::Element(text_elem("line", t));
        let block = line_block(vec![
            (line("a"), Some(0)),
            (line("b"), Some(2)),
            (line(""), None),
            (line("c"), Some(0)),
        ]);
        let tags: Vec<&str> = block
            .children
            .iter()
            .filter_map(Node::element)
            .map(|e| e.tag.as_str())
            .collect();
        assert_eq!(tags, ["line", "line_block", "line"]);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_788), (2026, 12, 1));
    }
}
