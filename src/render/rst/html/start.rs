//! docutils' start tags: `HTMLTranslator.starttag`, `emptytag`, `attval`, `encode` and the
//! email cloaking helpers of `docutils/writers/_html_base.py`.

use std::collections::BTreeMap;

use crate::check::rst::node::{Element, Node};

/// A start tag under construction: the arguments of docutils' `starttag(node, tagname, suffix,
/// empty, **attributes)`.
pub(super) struct Start {
    tag: String,
    suffix: String,
    empty: bool,
    /// `attributes["classes"]`: the writer's own classes, first in the `class` attribute.
    classes: Vec<String>,
    /// The node's `classes`.
    node_classes: Vec<String>,
    /// `attributes["CLASS"]`: space-separated classes, after the node's.
    class: String,
    ids: Vec<String>,
    /// Whether extra ids go in front of the tag (`Sequential`, `docinfo` and `table` nodes).
    ids_in_front: bool,
    is_table: bool,
    atts: BTreeMap<String, String>,
}

/// docutils' `nodes.Sequential` subclasses, plus the other nodes whose extra ids `starttag`
/// puts in front of the tag.
fn ids_in_front(tag: &str) -> bool {
    matches!(
        tag,
        "bullet_list"
            | "enumerated_list"
            | "definition_list"
            | "field_list"
            | "option_list"
            | "docinfo"
            | "table"
    )
}

impl Start {
    /// `starttag(node, tagname)` with the default suffix `"\n"`.
    pub(super) fn new(node: &Element, tag: &str) -> Self {
        Start {
            tag: tag.to_string(),
            suffix: "\n".to_string(),
            empty: false,
            classes: Vec::new(),
            node_classes: node.list("classes").to_vec(),
            class: String::new(),
            ids: node.list("ids").to_vec(),
            ids_in_front: ids_in_front(&node.tag),
            is_table: node.tag == "table",
            atts: BTreeMap::new(),
        }
    }

    /// A tag for a node docutils makes on the fly (`nodes.reference()`): no classes or ids.
    pub(super) fn bare(tag: &str) -> Self {
        Start::new(&Element::new("reference"), tag)
    }

    /// Another tag name, the rest kept.
    pub(super) fn retag(mut self, tag: &str) -> Self {
        self.tag = tag.to_string();
        self
    }

    pub(super) fn suffix(mut self, suffix: &str) -> Self {
        self.suffix = suffix.to_string();
        self
    }

    /// `emptytag`: ` />`, and extra ids in front.
    pub(super) fn empty(mut self) -> Self {
        self.empty = true;
        self
    }

    /// `classes=[...]`.
    pub(super) fn classes(mut self, classes: Vec<String>) -> Self {
        self.classes = classes;
        self
    }

    /// `CLASS="..."`.
    pub(super) fn class(mut self, class: &str) -> Self {
        self.class = class.to_string();
        self
    }

    /// Replaces the node's classes (where the writer edits them first).
    pub(super) fn node_classes(mut self, classes: Vec<String>) -> Self {
        self.node_classes = classes;
        self
    }

    /// `ids=[...]`: more ids after the node's.
    pub(super) fn more_ids(mut self, ids: &[String]) -> Self {
        self.ids.extend(ids.iter().cloned());
        self
    }

    /// Any other attribute.
    pub(super) fn att(mut self, name: &str, value: impl Into<String>) -> Self {
        self.atts.insert(name.to_ascii_lowercase(), value.into());
        self
    }

    /// The tag as docutils writes it; `cloak` is the translator's `in_mailto` with
    /// `cloak_email_addresses` on.
    pub(super) fn render(self, cloak: bool) -> String {
        let mut atts = self.atts;
        let mut classes = self.classes;
        let mut languages = Vec::new();
        let from_node = self
            .node_classes
            .iter()
            .map(String::as_str)
            .chain(self.class.split_whitespace());
        for cls in from_node {
            if let Some(lang) = cls.strip_prefix("language-") {
                languages.push(lang.to_string());
            } else if !cls.trim().is_empty() && !classes.iter().any(|c| c == cls) {
                classes.push(cls.to_string());
            }
        }
        if let Some(lang) = languages.into_iter().next() {
            atts.insert("lang".to_string(), lang);
        }
        if self.is_table {
            const INTERNAL: [&str; 3] = ["colwidths-auto", "colwidths-given", "colwidths-grid"];
            classes.retain(|c| !INTERNAL.contains(&c.as_str()));
        }
        if !classes.is_empty() {
            atts.insert("class".to_string(), classes.join(" "));
        }
        let mut prefix = String::new();
        let mut suffix = self.suffix;
        if let Some((first, rest)) = self.ids.split_first() {
            atts.insert("id".to_string(), first.clone());
            for id in rest {
                let span = format!("<span id=\"{id}\"></span>");
                if self.empty || self.ids_in_front {
                    prefix.push_str(&span);
                } else {
                    suffix.push_str(&span);
                }
            }
        }
        let mut out = prefix;
        out.push('<');
        out.push_str(&self.tag);
        for (name, value) in &atts {
            out.push_str(&format!(" {name}=\"{}\"", attval(value, cloak)));
        }
        out.push_str(if self.empty { " />" } else { ">" });
        out.push_str(&suffix);
        out
    }
}

/// `HTMLTranslator.encode`: the characters with a meaning in HTML, and `@`, as references.
pub(super) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("&#64;"),
            c => out.push(c),
        }
    }
    out
}

/// `nodes.unescape`: the nulls the parser leaves for backslash escapes removed, with an
/// escaped space or newline.
pub(super) fn unescape(text: &str) -> String {
    text.replace("\0 ", "")
        .replace("\0\n", "")
        .replace('\0', "")
}

/// `node.astext()` of a text element: its text nodes unescaped, in order.
pub(super) fn astext(node: &Element) -> String {
    let mut out = String::new();
    for child in &node.children {
        match child {
            Node::Text(t) => out.push_str(&unescape(t)),
            Node::Element(e) => out.push_str(&astext(e)),
        }
    }
    out
}

/// `HTMLTranslator.attval`: whitespace to spaces, encoded; inside a cloaked `mailto:` link,
/// `%40` and periods as character references.
pub(super) fn attval(text: &str, cloak: bool) -> String {
    let spaced: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t' | '\u{b}' | '\u{c}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let encoded = encode(&spaced);
    if cloak {
        encoded
            .replace("%40", "&#37;&#52;&#48;")
            .replace('.', "&#46;")
    } else {
        encoded
    }
}

/// `HTMLTranslator.cloak_email`: at-signs and periods of encoded link text in `<span>`s.
pub(super) fn cloak_email(encoded: &str) -> String {
    encoded
        .replace("&#64;", "<span>&#64;</span>")
        .replace('.', "<span>&#46;</span>")
}

/// `HTMLTranslator.cloak_mailto`: `@` as `%40`.
pub(super) fn cloak_mailto(uri: &str) -> String {
    uri.replace('@', "%40")
}

/// Where a node sits: the node, its index among its parent's children, and the parent's
/// place (the ancestors docutils' `node.parent` chain reaches).
#[derive(Clone, Copy)]
pub(super) struct Cx<'t> {
    pub node: &'t Element,
    pub index: usize,
    pub up: Option<&'t Cx<'t>>,
}

impl<'t> Cx<'t> {
    pub fn parent(&self) -> Option<&'t Element> {
        self.up.map(|u| u.node)
    }

    pub fn parent_tag(&self) -> &'t str {
        self.parent().map_or("", |p| p.tag.as_str())
    }

    pub fn grandparent(&self) -> Option<&'t Element> {
        self.up.and_then(|u| u.up).map(|g| g.node)
    }

    /// `node.previous_sibling()`.
    pub fn previous(&self) -> Option<&'t Node> {
        let i = self.index.checked_sub(1)?;
        self.parent()?.children.get(i)
    }

    /// `node.next_node(descend=False, siblings=True)`: the next sibling.
    pub fn next(&self) -> Option<&'t Node> {
        self.parent()?.children.get(self.index.checked_add(1)?)
    }

    /// The siblings after this node.
    pub fn later(&self) -> &'t [Node] {
        self.parent()
            .and_then(|p| p.children.get(self.index.saturating_add(1)..))
            .unwrap_or(&[])
    }

    /// The child `i` of this node, placed.
    pub fn child<'s>(&'s self, node: &'s Element, index: usize) -> Cx<'s> {
        Cx {
            node,
            index,
            up: Some(self),
        }
    }
}

/// Whether `node` is an element with tag `tag`.
pub(super) fn is(node: Option<&Node>, tag: &str) -> bool {
    node.and_then(Node::element).is_some_and(|e| e.tag == tag)
}

/// docutils' `nodes.TextElement` subclasses.
pub(super) fn text_element(tag: &str) -> bool {
    matches!(
        tag,
        "comment"
            | "substitution_definition"
            | "target"
            | "raw"
            | "title"
            | "subtitle"
            | "author"
            | "organization"
            | "address"
            | "contact"
            | "version"
            | "revision"
            | "status"
            | "date"
            | "copyright"
            | "paragraph"
            | "rubric"
            | "attribution"
            | "reference"
            | "term"
            | "classifier"
            | "field_name"
            | "option_string"
            | "option_argument"
            | "literal_block"
            | "doctest_block"
            | "math_block"
            | "line"
            | "label"
            | "caption"
            | "abbreviation"
            | "acronym"
            | "emphasis"
            | "generated"
            | "inline"
            | "literal"
            | "strong"
            | "subscript"
            | "superscript"
            | "title_reference"
            | "footnote_reference"
            | "citation_reference"
            | "substitution_reference"
            | "math"
            | "problematic"
    )
}

/// docutils' `nodes.Invisible` subclasses.
pub(super) fn invisible(tag: &str) -> bool {
    matches!(
        tag,
        "comment" | "substitution_definition" | "target" | "pending"
    )
}
