//! The document tree as the transforms edit it: an arena of nodes with parent links, so that a
//! transform can hold on to a node (docutils keeps Python references to nodes in its memos:
//! `document.ids`, `refnames`, `autofootnotes`...) while others move, copy or remove nodes, as
//! docutils' `nodes.Node` methods do (`docutils/nodes.py`: `parent`, `insert`, `remove`,
//! `replace_self`, `deepcopy`, `findall`, `next_node`, `astext`).

use std::collections::BTreeMap;

use crate::check::rst::node::{Attr, Element, Node};

/// A node's place in the arena.
pub(super) type Id = usize;

/// What a node is: text, or an element with docutils' tag and attributes.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    Text(String),
    Element {
        tag: String,
        attrs: BTreeMap<String, Attr>,
    },
}

#[derive(Debug, Clone)]
struct Slot {
    kind: Kind,
    parent: Option<Id>,
    children: Vec<Id>,
    /// docutils' `node.resolved` (a reference or target already dealt with).
    resolved: bool,
}

/// docutils' `TextElement` subclasses: their text joins without separator in `astext()`.
const TEXT_ELEMENTS: &[&str] = &[
    "paragraph",
    "title",
    "subtitle",
    "rubric",
    "term",
    "classifier",
    "field_name",
    "attribution",
    "caption",
    "label",
    "line",
    "option_string",
    "option_argument",
    "literal_block",
    "doctest_block",
    "math_block",
    "comment",
    "substitution_definition",
    "target",
    "raw",
    "author",
    "organization",
    "address",
    "contact",
    "version",
    "revision",
    "status",
    "date",
    "copyright",
    "reference",
    "abbreviation",
    "acronym",
    "emphasis",
    "generated",
    "inline",
    "literal",
    "strong",
    "subscript",
    "superscript",
    "title_reference",
    "footnote_reference",
    "citation_reference",
    "substitution_reference",
    "math",
    "problematic",
];

/// Whether `tag` is one of docutils' `TextElement` classes.
pub(super) fn is_text_element(tag: &str) -> bool {
    TEXT_ELEMENTS.contains(&tag)
}

/// The arena; `root` is the `document`.
#[derive(Debug, Clone)]
pub(super) struct Tree {
    slots: Vec<Slot>,
    pub root: Id,
}

impl Tree {
    /// The arena for `document`.
    pub fn from_element(document: Element) -> Self {
        let mut tree = Tree {
            slots: Vec::new(),
            root: 0,
        };
        tree.root = tree.add_element(document, None);
        tree
    }

    /// Adds `el` and its subtree under `parent`; returns its place.
    fn add_element(&mut self, el: Element, parent: Option<Id>) -> Id {
        let id = self.push(
            Kind::Element {
                tag: el.tag,
                attrs: el.attrs,
            },
            parent,
        );
        for c in el.children {
            let child = match c {
                Node::Text(t) => self.push(Kind::Text(t), Some(id)),
                Node::Element(e) => self.add_element(e, Some(id)),
            };
            self.slots[id].children.push(child);
        }
        id
    }

    /// Adds one node without children.
    fn push(&mut self, kind: Kind, parent: Option<Id>) -> Id {
        self.slots.push(Slot {
            kind,
            parent,
            children: Vec::new(),
            resolved: false,
        });
        self.slots.len() - 1
    }

    /// The subtree at `id` as a plain [`Element`] (a text node gives an empty `#text` element).
    pub fn to_element(&self, id: Id) -> Element {
        match &self.slots[id].kind {
            Kind::Text(_) => Element::new("#text"),
            Kind::Element { tag, attrs } => Element {
                tag: tag.clone(),
                attrs: attrs.clone(),
                children: self.slots[id]
                    .children
                    .iter()
                    .map(|&c| match &self.slots[c].kind {
                        Kind::Text(t) => Node::Text(t.clone()),
                        Kind::Element { .. } => Node::Element(self.to_element(c)),
                    })
                    .collect(),
            },
        }
    }

    /// A new, detached element.
    pub fn new_element(&mut self, tag: &str) -> Id {
        self.push(
            Kind::Element {
                tag: tag.to_string(),
                attrs: BTreeMap::new(),
            },
            None,
        )
    }

    /// A new, detached text node.
    pub fn new_text(&mut self, text: &str) -> Id {
        self.push(Kind::Text(text.to_string()), None)
    }

    /// A new element holding one text node.
    pub fn new_text_element(&mut self, tag: &str, text: &str) -> Id {
        let el = self.new_element(tag);
        let t = self.new_text(text);
        self.append(el, t);
        el
    }

    /// The tag name; "#text" for text.
    pub fn tag(&self, id: Id) -> &str {
        match &self.slots[id].kind {
            Kind::Text(_) => "#text",
            Kind::Element { tag, .. } => tag,
        }
    }

    /// Whether `id` is an element tagged `tag`.
    pub fn is(&self, id: Id, tag: &str) -> bool {
        self.tag(id) == tag
    }

    /// The text of a text node.
    pub fn text(&self, id: Id) -> Option<&str> {
        match &self.slots[id].kind {
            Kind::Text(t) => Some(t),
            Kind::Element { .. } => None,
        }
    }

    /// Replaces the text of a text node.
    pub fn set_text(&mut self, id: Id, text: String) {
        if let Kind::Text(t) = &mut self.slots[id].kind {
            *t = text;
        }
    }

    /// An element's attributes (None for text).
    fn attrs(&self, id: Id) -> Option<&BTreeMap<String, Attr>> {
        match &self.slots[id].kind {
            Kind::Element { attrs, .. } => Some(attrs),
            Kind::Text(_) => None,
        }
    }

    /// An element's attributes, to change (None for text).
    fn attrs_mut(&mut self, id: Id) -> Option<&mut BTreeMap<String, Attr>> {
        match &mut self.slots[id].kind {
            Kind::Element { attrs, .. } => Some(attrs),
            Kind::Text(_) => None,
        }
    }

    /// A string attribute.
    pub fn get(&self, id: Id, name: &str) -> Option<&str> {
        match self.attrs(id)?.get(name)? {
            Attr::Str(s) => Some(s),
            Attr::List(_) => None,
        }
    }

    /// Whether the attribute is set (docutils' `node.hasattr`).
    pub fn has(&self, id: Id, name: &str) -> bool {
        self.attrs(id).is_some_and(|a| a.contains_key(name))
    }

    /// Sets a string attribute.
    pub fn set(&mut self, id: Id, name: &str, value: &str) {
        if let Some(a) = self.attrs_mut(id) {
            a.insert(name.to_string(), Attr::Str(value.to_string()));
        }
    }

    /// Removes an attribute.
    pub fn unset(&mut self, id: Id, name: &str) {
        if let Some(a) = self.attrs_mut(id) {
            a.remove(name);
        }
    }

    /// A list attribute (`ids`, `names`, `classes`...), empty when unset.
    pub fn list(&self, id: Id, name: &str) -> &[String] {
        match self.attrs(id).and_then(|a| a.get(name)) {
            Some(Attr::List(v)) => v,
            _ => &[],
        }
    }

    /// Sets a list attribute; an empty list removes it (the JSON form leaves them out).
    pub fn set_list(&mut self, id: Id, name: &str, value: Vec<String>) {
        if let Some(a) = self.attrs_mut(id) {
            if value.is_empty() {
                a.remove(name);
            } else {
                a.insert(name.to_string(), Attr::List(value));
            }
        }
    }

    /// Appends to a list attribute, in place: a footnote, citation or target referred to n
    /// times gets n `backrefs`, and copying the list at each push made that quadratic.
    pub fn push_list(&mut self, id: Id, name: &str, value: &str) {
        if let Some(a) = self.attrs_mut(id) {
            match a.get_mut(name) {
                Some(Attr::List(v)) => v.push(value.to_string()),
                _ => {
                    a.insert(name.to_string(), Attr::List(vec![value.to_string()]));
                }
            }
        }
    }

    /// All attributes of an element (for docutils' attribute copies).
    pub fn all_attrs(&self, id: Id) -> BTreeMap<String, Attr> {
        self.attrs(id).cloned().unwrap_or_default()
    }

    /// Replaces all attributes of an element.
    pub fn set_all_attrs(&mut self, id: Id, value: BTreeMap<String, Attr>) {
        if let Some(a) = self.attrs_mut(id) {
            *a = value;
        }
    }

    /// docutils' `node.resolved`.
    pub fn resolved(&self, id: Id) -> bool {
        self.slots[id].resolved
    }

    /// Sets docutils' `node.resolved`.
    pub fn set_resolved(&mut self, id: Id) {
        self.slots[id].resolved = true;
    }

    /// The children, in order.
    pub fn children(&self, id: Id) -> &[Id] {
        &self.slots[id].children
    }

    /// The child at `index`.
    pub fn child(&self, id: Id, index: usize) -> Option<Id> {
        self.slots[id].children.get(index).copied()
    }

    /// The parent, if attached.
    pub fn parent(&self, id: Id) -> Option<Id> {
        self.slots[id].parent
    }

    /// The position of `id` among its parent's children.
    pub fn index(&self, id: Id) -> Option<usize> {
        let parent = self.parent(id)?;
        self.slots[parent].children.iter().position(|&c| c == id)
    }

    /// Appends `child` (detached from where it was).
    pub fn append(&mut self, parent: Id, child: Id) {
        let at = self.slots[parent].children.len();
        self.insert(parent, at, child);
    }

    /// Inserts `child` at `index` (detached from where it was; clamped to the end).
    pub fn insert(&mut self, parent: Id, index: usize, child: Id) {
        self.detach(child);
        let children = &mut self.slots[parent].children;
        let at = index.min(children.len());
        children.insert(at, child);
        self.slots[child].parent = Some(parent);
    }

    /// Removes `id` from its parent (docutils' `parent.remove(node)`).
    pub fn detach(&mut self, id: Id) {
        if let Some(parent) = self.slots[id].parent.take() {
            self.slots[parent].children.retain(|&c| c != id);
        }
    }

    /// Replaces all children of `id` with `children` (detached from where they were).
    pub fn set_children(&mut self, id: Id, children: Vec<Id>) {
        for c in self.slots[id].children.clone() {
            self.slots[c].parent = None;
        }
        self.slots[id].children.clear();
        for c in children {
            self.append(id, c);
        }
    }

    /// docutils' `node.replace_self(nodes)`: `nodes` take the place of `id`.
    pub fn replace_self(&mut self, id: Id, nodes: Vec<Id>) {
        let (Some(parent), Some(at)) = (self.parent(id), self.index(id)) else {
            return;
        };
        self.detach(id);
        for (i, n) in nodes.into_iter().enumerate() {
            self.insert(parent, at + i, n);
        }
    }

    /// docutils' `deepcopy()`: a detached copy of the subtree (not `resolved`).
    pub fn deep_copy(&mut self, id: Id) -> Id {
        let copy = self.push(self.slots[id].kind.clone(), None);
        for c in self.slots[id].children.clone() {
            let cc = self.deep_copy(c);
            self.append(copy, cc);
        }
        copy
    }

    /// Every node of the subtree at `id`, `id` first, in document order (docutils'
    /// `findall()`), as it is now.
    pub fn preorder(&self, id: Id) -> Vec<Id> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(self.slots[n].children.iter().rev());
        }
        out
    }

    /// The elements of the whole document tagged `tag`, in document order.
    pub fn find(&self, tag: &str) -> Vec<Id> {
        self.preorder(self.root)
            .into_iter()
            .filter(|&n| self.is(n, tag))
            .collect()
    }

    /// The ancestors of `id`, nearest first.
    pub fn ancestors(&self, id: Id) -> Vec<Id> {
        let mut out = Vec::new();
        let mut at = self.parent(id);
        while let Some(p) = at {
            out.push(p);
            at = self.parent(p);
        }
        out
    }

    /// The nodes after `id` in document order, without its descendants: its following siblings
    /// (each with its subtree), then its parent's, and so on (docutils'
    /// `findall(include_self=False, siblings=True, ascend=True)`).
    pub fn following(&self, id: Id, descend: bool) -> Vec<Id> {
        let mut out = Vec::new();
        let mut node = id;
        while let (Some(parent), Some(at)) = (self.parent(node), self.index(node)) {
            for &sib in self.slots[parent].children.iter().skip(at + 1) {
                if descend {
                    out.extend(self.preorder(sib));
                } else {
                    out.push(sib);
                }
            }
            node = parent;
        }
        out
    }

    /// docutils' `astext()`: text with backslash-escape markers (NUL) removed, an image's
    /// `alt`, the children of a non-text element separated by blank lines.
    pub fn astext(&self, id: Id) -> String {
        match &self.slots[id].kind {
            Kind::Text(t) => unescape(t),
            Kind::Element { tag, attrs } => {
                if tag == "image" {
                    return match attrs.get("alt") {
                        Some(Attr::Str(s)) => s.clone(),
                        _ => String::new(),
                    };
                }
                let sep = if is_text_element(tag) { "" } else { "\n\n" };
                let parts: Vec<String> = self.slots[id]
                    .children
                    .iter()
                    .map(|&c| self.astext(c))
                    .collect();
                parts.join(sep)
            }
        }
    }

    /// The raw text of every text node under `id`, NUL markers kept.
    pub fn raw_text(&self, id: Id) -> String {
        self.preorder(id)
            .into_iter()
            .filter_map(|n| self.text(n))
            .collect()
    }
}

/// docutils' `nodes.unescape`: drops the NUL markers of backslash escapes, with the space or
/// newline an escape removes.
pub(super) fn unescape(text: &str) -> String {
    text.replace("\0 ", "")
        .replace("\0\n", "")
        .replace('\0', "")
}
