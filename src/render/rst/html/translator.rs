//! The walk over the tree: docutils' `Node.walkabout` with `HTMLTranslator`'s `visit_*` and
//! `depart_*` methods (`docutils/writers/_html_base.py`, `html5_polyglot/__init__.py`), each
//! pair one arm here or one function in [`super::blocks`] / [`super::inline`].

use super::start::{Cx, Start, cloak_email, encode, unescape};
use crate::check::rst::node::{Element, Node};

/// The translator's state (`HTMLTranslator.__init__`'s bookkeeping attributes).
#[derive(Default)]
pub(super) struct Translator {
    /// `self.body`: what will be the fragment.
    pub body: String,
    /// `self.docinfo`.
    pub docinfo: String,
    pub section_level: usize,
    pub compact_simple: bool,
    pub in_mailto: bool,
    /// The `colwidth` of each `colspec` of the current `tgroup`.
    pub colspecs: Vec<Option<String>>,
    /// `tgroup.stubs`.
    pub stubs: Vec<bool>,
    /// `row.column`.
    pub column: usize,
}

impl Translator {
    /// Walks the document; returns `docinfo + fragment`.
    pub fn run(mut self, document: &Element) -> String {
        let cx = Cx {
            node: document,
            index: 0,
            up: None,
        };
        self.children(&cx);
        self.docinfo + &self.body
    }

    /// Renders a start tag (cloaked inside a `mailto:` link).
    pub fn start(&self, start: Start) -> String {
        start.render(self.in_mailto)
    }

    pub fn push(&mut self, s: &str) {
        self.body.push_str(s);
    }

    pub fn open(&mut self, start: Start) {
        let tag = self.start(start);
        self.body.push_str(&tag);
    }

    /// Walks the children of the node at `cx`.
    pub fn children(&mut self, cx: &Cx) {
        for (i, child) in cx.node.children.iter().enumerate() {
            match child {
                Node::Text(t) => self.text(t),
                Node::Element(e) => self.walk(&cx.child(e, i)),
            }
        }
    }

    /// `visit_Text`.
    pub fn text(&mut self, text: &str) {
        let encoded = encode(&unescape(text));
        if self.in_mailto {
            self.body.push_str(&cloak_email(&encoded));
        } else {
            self.body.push_str(&encoded);
        }
    }

    /// Children between a start tag and `close`.
    pub fn wrap(&mut self, cx: &Cx, start: Start, close: &str) {
        self.open(start);
        self.children(cx);
        self.push(close);
    }

    /// One node: its `visit_*`, children and `depart_*`.
    pub fn walk(&mut self, cx: &Cx) {
        let n = cx.node;
        match n.tag.as_str() {
            "abbreviation" | "acronym" => {
                self.wrap(cx, Start::new(n, "abbr").suffix(""), "</abbr>")
            }
            "emphasis" => self.wrap(cx, Start::new(n, "em").suffix(""), "</em>"),
            "strong" => self.wrap(cx, Start::new(n, "strong").suffix(""), "</strong>"),
            "subscript" => self.wrap(cx, Start::new(n, "sub").suffix(""), "</sub>"),
            "superscript" => self.wrap(cx, Start::new(n, "sup").suffix(""), "</sup>"),
            "title_reference" => self.wrap(cx, Start::new(n, "cite").suffix(""), "</cite>"),
            "block_quote" => self.wrap(cx, Start::new(n, "blockquote"), "</blockquote>\n"),
            "compound" => self.wrap(cx, Start::new(n, "div").class("compound"), "</div>\n"),
            "line_block" => self.wrap(cx, Start::new(n, "div").class("line-block"), "</div>\n"),
            "list_item" => self.wrap(cx, Start::new(n, "li").suffix(""), "</li>\n"),
            "description" => self.wrap(cx, Start::new(n, "dd").suffix(""), "</dd>\n"),
            "rubric" => self.wrap(cx, Start::new(n, "p").suffix("").class("rubric"), "</p>\n"),
            "sidebar" => self.wrap(cx, Start::new(n, "aside").class("sidebar"), "</aside>\n"),
            "tbody" => self.wrap(cx, Start::new(n, "tbody"), "</tbody>\n"),
            "thead" => self.wrap(cx, Start::new(n, "thead"), "</thead>\n"),
            "option_list" => self.wrap(cx, Start::new(n, "dl").class("option-list"), "</dl>\n"),
            "legend" => self.legend(cx),
            "admonition" => self.wrap(
                cx,
                Start::new(n, "aside").classes(vec!["admonition".into()]),
                "</aside>\n",
            ),
            "attribution" => self.wrap(
                cx,
                Start::new(n, "p").suffix("\u{2014}").class("attribution"),
                "</p>\n",
            ),
            "transition" => {
                let hr = self.start(Start::new(n, "hr").empty().class("docutils"));
                self.push(&hr);
            }
            "section" => {
                self.section_level += 1;
                self.wrap(cx, Start::new(n, "section"), "</section>\n");
                self.section_level -= 1;
            }
            "paragraph" => self.paragraph(cx),
            "line" => self.line(cx),
            "decoration" | "option_list_item" | "option_string" | "tgroup" | "field" => {
                self.structural(cx)
            }
            // Not part of the fragment: the header and footer (`body_prefix`/`body_suffix`),
            // meta tags (`head`); never written: comments are stripped, substitution
            // definitions are internal, pending nodes and system messages are gone.
            "header"
            | "footer"
            | "meta"
            | "comment"
            | "substitution_definition"
            | "pending"
            | "system_message" => {}
            _ => {
                if !self.block(cx) && !self.inline(cx) {
                    self.children(cx);
                }
            }
        }
    }

    /// Nodes written through their children only (`visit_decoration`, `visit_field`,
    /// `visit_tgroup`...).
    fn structural(&mut self, cx: &Cx) {
        match cx.node.tag.as_str() {
            "tgroup" => {
                let (colspecs, stubs) = (
                    std::mem::take(&mut self.colspecs),
                    std::mem::take(&mut self.stubs),
                );
                self.children(cx);
                self.colspecs = colspecs;
                self.stubs = stubs;
            }
            "field" => {
                // `visit_field`: the field's ids go to its name.
                let ids = cx.node.list("ids");
                for (i, child) in cx.node.children.iter().enumerate() {
                    match child {
                        Node::Element(e) if e.tag == "field_name" && !ids.is_empty() => {
                            let mut name = e.clone();
                            for id in ids {
                                name.push_to("ids", id.clone());
                            }
                            self.walk(&cx.child(&name, i));
                        }
                        Node::Element(e) => self.walk(&cx.child(e, i)),
                        Node::Text(t) => self.text(t),
                    }
                }
            }
            _ => self.children(cx),
        }
    }

    /// `visit_paragraph`/`depart_paragraph`: no newline after the only child of a list item
    /// or table entry.
    fn paragraph(&mut self, cx: &Cx) {
        self.wrap(cx, Start::new(cx.node, "p").suffix(""), "</p>");
        let only = cx.parent().is_some_and(|p| {
            matches!(p.tag.as_str(), "list_item" | "entry") && p.children.len() == 1
        });
        if !only {
            self.push("\n");
        }
    }

    /// `visit_line`: an empty line is a `<br />`.
    fn line(&mut self, cx: &Cx) {
        self.open(Start::new(cx.node, "div").suffix("").class("line"));
        if cx.node.children.is_empty() {
            self.push("<br />");
        }
        self.children(cx);
        self.push("</div>\n");
    }

    /// `visit_legend` (html5): inside the figure's `<figcaption>`.
    fn legend(&mut self, cx: &Cx) {
        if !super::start::is(cx.previous(), "caption") {
            self.push("<figcaption>\n");
        }
        self.wrap(cx, Start::new(cx.node, "div").class("legend"), "</div>\n");
    }
}
