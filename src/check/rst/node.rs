//! A docutils document tree: the nodes the rst parser builds, the transforms rewrite and the
//! HTML writer walks ([`crate::render::rst`]).
//!
//! Tag names and attribute names are docutils' own (`docutils/nodes.py`: `paragraph`,
//! `bullet_list`, `reference` with `refuri`...), so a tree can be compared node for node with
//! the one docutils builds. The JSON form (serde) is the one `scripts/rst-corpus/doctree.py`
//! writes for docutils' trees: text is a string, an element is `{"t", "a", "c"}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One node: text or an element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Node {
    Text(String),
    Element(Element),
}

/// An attribute value: docutils' list attributes (`ids`, `classes`, `names`, `dupnames`,
/// `backrefs`...) or any other value as its `str()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Attr {
    Str(String),
    List(Vec<String>),
}

/// An element: docutils' tag name, attributes (empty lists left out) and children.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Element {
    #[serde(rename = "t")]
    pub tag: String,
    #[serde(rename = "a", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, Attr>,
    #[serde(rename = "c", default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

impl Element {
    /// An element with no attributes or children.
    pub fn new(tag: &str) -> Self {
        Element {
            tag: tag.to_string(),
            ..Default::default()
        }
    }

    /// The element with `children`.
    pub fn with(mut self, children: Vec<Node>) -> Self {
        self.children = children;
        self
    }

    /// Sets a string attribute (docutils' `node[name] = value`).
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.attrs.insert(name.to_string(), Attr::Str(value.into()));
        self
    }

    /// A string attribute, if set as one.
    pub fn get(&self, name: &str) -> Option<&str> {
        match self.attrs.get(name) {
            Some(Attr::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// A list attribute (`ids`, `classes`, `names`...); empty when unset.
    pub fn list(&self, name: &str) -> &[String] {
        match self.attrs.get(name) {
            Some(Attr::List(v)) => v,
            _ => &[],
        }
    }

    /// Appends to a list attribute (docutils' `node[name].append(value)`).
    pub fn push_to(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        let entry = self
            .attrs
            .entry(name.to_string())
            .or_insert_with(|| Attr::List(Vec::new()));
        match entry {
            Attr::List(v) => v.push(value.into()),
            other => *other = Attr::List(vec![value.into()]),
        }
        self
    }

    /// Removes an attribute (an emptied list attribute too, as the JSON form leaves them out).
    pub fn remove(&mut self, name: &str) -> Option<Attr> {
        self.attrs.remove(name)
    }

    /// docutils' `astext()`: the text of every descendant, in order.
    pub fn astext(&self) -> String {
        let mut out = String::new();
        for c in &self.children {
            c.astext_into(&mut out);
        }
        out
    }
}

impl Node {
    /// A text node.
    pub fn text(s: impl Into<String>) -> Self {
        Node::Text(s.into())
    }

    /// The element, if this is one.
    pub fn element(&self) -> Option<&Element> {
        match self {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        }
    }

    /// docutils' `astext()`.
    pub fn astext(&self) -> String {
        let mut out = String::new();
        self.astext_into(&mut out);
        out
    }

    fn astext_into(&self, out: &mut String) {
        match self {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                for c in &e.children {
                    c.astext_into(out);
                }
            }
        }
    }
}

impl From<Element> for Node {
    fn from(e: Element) -> Self {
        Node::Element(e)
    }
}
