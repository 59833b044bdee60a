//! A small YAML document tree that remembers the line of every node, built from
//! `saphyr-parser` events, for reading CI configuration (GitHub workflows, GitLab CI).
//!
//! Only what the CI readers need: mappings with string-like keys, sequences and scalars.
//! Anchors and aliases are resolved by copying; tags are ignored. A document that fails to
//! parse gives an error with the line, never a panic.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// A YAML node and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Scalar {
        value: String,
        /// The line of the first line of the value's text (for a `|` or `>` block scalar, the
        /// line after the indicator).
        line: usize,
        /// A `|` or `>` block scalar.
        block: bool,
    },
    Seq {
        items: Vec<Node>,
        line: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        line: usize,
    },
}

impl Node {
    pub fn line(&self) -> usize {
        match self {
            Node::Scalar { line, .. } | Node::Seq { line, .. } | Node::Map { line, .. } => *line,
        }
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value under `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match self {
            Node::Map { entries, .. } => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// A mapping's entries with string keys.
    pub fn entries(&self) -> Vec<(&str, &Node, &Node)> {
        match self {
            Node::Map { entries, .. } => entries
                .iter()
                .filter_map(|(k, v)| Some((k.as_str()?, k, v)))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq { items, .. } => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The line of the `n`th (0-based) line of a scalar's text. Exact for literal (`|`)
    /// scalars; folded and multi-line plain scalars join lines, so there it is approximate.
    pub fn text_line(&self, n: usize) -> usize {
        self.line() + n
    }

    /// Calls `f` on this node and every node below it.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        f(self);
        match self {
            Node::Scalar { .. } => {}
            Node::Seq { items, .. } => items.iter().for_each(|n| n.walk(f)),
            Node::Map { entries, .. } => entries.iter().for_each(|(k, v)| {
                k.walk(f);
                v.walk(f);
            }),
        }
    }
}

/// Why a YAML document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub message: String,
}

enum Frame {
    Seq(Vec<Node>, usize, usize),
    Map(Vec<(Node, Node)>, Option<Node>, usize, usize),
}

/// Parses the first document of `text`. An empty document is `None`.
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut root: Option<Node> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError {
            line: e.marker().line(),
            message: e.info().to_string(),
        })?;
        let line = span.start.line();
        let finished = match event {
            Event::Scalar(value, style, anchor, _) => {
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                // A block scalar's span starts at its first non-blank line; blank lines
                // before it are part of the value.
                let line = if block {
                    line.saturating_sub(value.bytes().take_while(|&b| b == b'\n').count())
                } else {
                    line
                };
                let node = Node::Scalar {
                    value: value.into_owned(),
                    line,
                    block,
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            Event::Alias(id) => Some(anchors.get(&id).cloned().unwrap_or(Node::Scalar {
                value: String::new(),
                line,
                block: false,
            })),
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq(Vec::new(), line, anchor));
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map(Vec::new(), None, line, anchor));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Frame::Seq(items, line, anchor)) => (Node::Seq { items, line }, anchor),
                    Some(Frame::Map(entries, _, line, anchor)) => {
                        (Node::Map { entries, line }, anchor)
                    }
                    None => {
                        return Err(YamlError {
                            line,
                            message: "unbalanced collection end".into(),
                        });
                    }
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            Event::DocumentEnd => {
                if root.is_some() {
                    break;
                }
                None
            }
            _ => None,
        };
        let Some(node) = finished else { continue };
        match stack.last_mut() {
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(entries, key, ..)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => {
                root = Some(node);
            }
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_nodes() {
        let doc = "jobs:\n  publish:\n    steps:\n      - uses: x\n        with:\n          password: y\n      - run: |\n          a\n          b\n";
        let root = parse(doc).unwrap().unwrap();
        let steps = root
            .get("jobs")
            .unwrap()
            .get("publish")
            .unwrap()
            .get("steps")
            .unwrap();
        let first = &steps.items()[0];
        assert_eq!(first.get("uses").unwrap().line(), 4);
        let (k, v) = first.get("with").unwrap().entry("password").unwrap();
        assert_eq!((k.line(), v.as_str()), (6, Some("y")));
        let run = steps.items()[1].get("run").unwrap();
        assert_eq!(run.text_line(1), 9);
    }

    #[test]
    fn anchors_and_errors() {
        let doc = "a: &x {k: v}\nb: *x\n";
        let root = parse(doc).unwrap().unwrap();
        assert_eq!(root.get("b").unwrap().get("k").unwrap().as_str(), Some("v"));
        assert!(parse("a: [\n").is_err());
        assert_eq!(parse("").unwrap(), None);
    }
}
