//! The line-walking machine the block parser and the directives share: source line views
//! ([`L`]), one state-machine run ([`Sm`]) with its accessors, what a directive produced
//! ([`Produced`]), the line patterns both need (directive and field markers), and the [`Nest`]
//! trait through which a directive asks for a nested parse of its content.
//!
//! It may use `chars`, `inline` and the document (`super::{Doc, Elem, R}`); it must not use
//! `block` or `directive`: `block` implements [`Nest`], `directive` calls it, and neither imports
//! the other's half (docutils' `RSTStateMachine` / `Directive.state` split,
//! `docutils/parsers/rst/states.py`).

use super::inline::{self, InlineSummary};
use super::node::Node;
use super::{Doc, Elem, R};

/// A view of one source line: `src[abs][start..end]`.
#[derive(Debug, Clone, Copy)]
pub(super) struct L {
    pub abs: usize,
    pub start: usize,
    pub end: usize,
}

/// Result of a directive or other explicit construct as seen by a substitution definition.
#[derive(Debug, Default, Clone)]
pub(super) struct Produced {
    pub elems: Vec<Elem>,
    /// The docutils nodes it produced, in order.
    pub nodes: Vec<Node>,
    /// Attributes set to "1" on the enclosing substitution definition (`unicode`'s trims).
    pub subst_attrs: Vec<&'static str>,
    /// Inline content (image, replacement text...) usable inside a substitution definition.
    pub inline: bool,
    pub summary: InlineSummary,
}

/// One state machine run over a block of lines.
pub(super) struct Sm<'a, 'd> {
    pub src: &'a [Vec<char>],
    pub doc: &'d mut Doc,
    pub lines: Vec<L>,
    /// Index of the next line to read.
    pub next: usize,
    pub match_titles: bool,
    pub out: Vec<Elem>,
    /// The nodes this run produced (a nested parse's children); the top-level run appends to
    /// the document's open section instead (`Doc::append_top`).
    pub nodes: Vec<Node>,
    pub in_subst: bool,
    /// The name of the substitution being defined (an image's preset `alt`).
    pub subst_name: Option<String>,
    /// The docutils node the lines are parsed into, where a directive asks about it.
    pub parent: Parent,
}

/// The kind of docutils node a nested parse fills (`state_machine.node`), for the directives
/// that check it (`contents`, `topic`, `sidebar`: `docutils/parsers/rst/directives/parts.py`
/// and `body.py`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// The document or a section.
    Structure,
    /// A body element or a part of one (the usual case of a nested parse).
    Body,
    /// A `sidebar`.
    Sidebar,
    /// A plain `nodes.Element` (the `class` directive's content).
    Plain,
}

/// Depth guard: docutils recurses too; we refuse absurd nesting instead of overflowing.
pub(super) const MAX_DEPTH: usize = 200;

thread_local! {
    pub(super) static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl<'a, 'd> Sm<'a, 'd> {
    pub fn new(src: &'a [Vec<char>], doc: &'d mut Doc, lines: Vec<L>, match_titles: bool) -> Self {
        Sm {
            src,
            doc,
            lines,
            next: 0,
            match_titles,
            out: Vec::new(),
            nodes: Vec::new(),
            in_subst: false,
            subst_name: None,
            parent: if match_titles {
                Parent::Structure
            } else {
                Parent::Body
            },
        }
    }

    pub fn text(&self, i: usize) -> &'a [char] {
        match self.lines.get(i) {
            Some(l) => {
                let s = &self.src[l.abs];
                let end = l.end.min(s.len());
                &s[l.start.min(end)..end]
            }
            None => &[],
        }
    }

    pub fn text_of(&self, l: L) -> &'a [char] {
        let s = &self.src[l.abs];
        let end = l.end.min(s.len());
        &s[l.start.min(end)..end]
    }

    /// 1-based source line number of block line `i` (or one past the end).
    pub fn lineno(&self, i: usize) -> usize {
        match self.lines.get(i) {
            Some(l) => l.abs + 1,
            None => self.lines.last().map_or(1, |l| l.abs + 2),
        }
    }

    /// Inline markup as `inline::parse` checks it, and its nodes (`inline::parse_nodes`),
    /// the inline targets entered in the tree's name table.
    pub fn inline_nodes(&mut self, text: &[char], line: usize) -> R<(InlineSummary, Vec<Node>)> {
        let (summary, mut nodes) = inline::parse_nodes(self.doc, text, line)?;
        self.doc.note_inline_targets(&mut nodes);
        Ok((summary, nodes))
    }

    /// Adds a node to what this run produced (docutils' `self.parent += node`).
    pub fn emit(&mut self, n: impl Into<Node>) {
        if self.match_titles {
            self.doc.append_top(n.into());
        } else {
            self.nodes.push(n.into());
        }
    }
}

/// What a directive needs from the block parser (docutils' `state.nested_parse` and
/// `Body.block_quote`): implemented by `block` for [`Sm`], called by `directive`.
pub(super) trait Nest {
    /// A nested parse into a node of the given kind; returns the elements and the nodes it
    /// produced.
    fn nested_full(&mut self, lines: Vec<L>, parent: Parent) -> R<(Vec<Elem>, Vec<Node>)>;

    /// A nested parse of `lines` (no section titles) into a body element: its elements and
    /// nodes.
    fn nested_nodes(&mut self, lines: Vec<L>) -> R<(Vec<Elem>, Vec<Node>)> {
        self.nested_full(lines, Parent::Body)
    }

    /// Nested parses of texts that are not the document's (a csv-table's cells) for the tree
    /// only: the validator's state is left as it was (`Doc::tree_only`). `None` for a text
    /// whose parse failed.
    fn tree_only_parse(&mut self, texts: &[String]) -> Vec<Option<Vec<Node>>>;

    /// `Body.block_quote`: the quotes (with attributions split off), as nodes.
    fn block_quote_body(&mut self, indented: Vec<L>) -> R<Vec<Node>>;
}

pub(super) fn join_lines(sm: &Sm, lines: &[L]) -> Vec<char> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.extend_from_slice(sm.text_of(*l));
    }
    out
}

pub(super) fn spaces_or_end(l: &[char], i: usize) -> Option<usize> {
    if i == l.len() {
        return Some(i);
    }
    if l.get(i) == Some(&' ') {
        let mut j = i;
        while j < l.len() && l[j] == ' ' {
            j += 1;
        }
        return Some(j);
    }
    None
}

/// `field_marker`: `:(?![: ])([^:\\]|\\.|:(?!([ `]|$)))*(?<! ):( +|$)`.
pub(super) fn match_field_marker(l: &[char]) -> Option<usize> {
    if l.first() != Some(&':') || matches!(l.get(1), Some(':') | Some(' ') | None) {
        return None;
    }
    let mut i = 1;
    while i < l.len() {
        match l[i] {
            '\\' => {
                if i + 1 >= l.len() {
                    return None;
                }
                i += 2;
            }
            ':' => match l.get(i + 1) {
                None | Some(' ') => {
                    if l[i - 1] == ' ' || i == 1 {
                        return None;
                    }
                    return spaces_or_end(l, i + 1);
                }
                Some('`') => return None,
                _ => i += 1,
            },
            _ => i += 1,
        }
    }
    None
}

/// Directive marker at `p`: `simplename [ ]?::( +|$)`. Returns (name, match end).
pub(super) fn directive_marker(l: &[char], p: usize) -> Option<(String, usize)> {
    let ends = super::chars::simplename_ends(l, p);
    for e in ends {
        let mut k = e;
        if l.get(k) == Some(&' ') {
            k += 1;
        }
        if l.get(k) == Some(&':')
            && l.get(k + 1) == Some(&':')
            && let Some(end) = spaces_or_end(l, k + 2)
        {
            return Some((l[p..e].iter().collect(), end));
        }
    }
    None
}
