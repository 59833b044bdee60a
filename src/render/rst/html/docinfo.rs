//! The docinfo block: bibliographic fields as a `<dl class="docinfo">`, which becomes the
//! `docinfo` part (`visit_docinfo`, `visit_docinfo_item` and the field visitors of
//! `docutils/writers/_html_base.py` and `html5_polyglot/__init__.py`).

use super::simple::is_compactable;
use super::start::{Cx, Start};
use super::translator::Translator;
use crate::check::rst::node::Element;

/// `languages.en.labels` for the docinfo fields.
fn label(name: &str) -> &str {
    match name {
        "author" => "Author",
        "authors" => "Authors",
        "organization" => "Organization",
        "address" => "Address",
        "contact" => "Contact",
        "version" => "Version",
        "revision" => "Revision",
        "status" => "Status",
        "date" => "Date",
        "copyright" => "Copyright",
        other => other,
    }
}

impl Translator {
    /// The docinfo visitors; false for a node that is not one.
    pub(super) fn docinfo_part(&mut self, cx: &Cx) -> bool {
        let n = cx.node;
        match n.tag.as_str() {
            "docinfo" => self.docinfo(cx),
            "author" => self.author(cx),
            "authors" => {
                self.docinfo_item(n, "authors");
                self.children(cx);
                self.push("</dd>\n");
            }
            "address" => {
                self.docinfo_item(n, "address");
                self.wrap(
                    cx,
                    Start::new(n, "pre").suffix("").class("address"),
                    "\n</pre>\n",
                );
                self.push("</dd>\n");
            }
            "contact" | "copyright" | "date" | "organization" | "revision" | "status"
            | "version" => {
                self.docinfo_item(n, &n.tag);
                self.children(cx);
                self.push("</dd>\n");
            }
            _ => return false,
        }
        true
    }

    /// `visit_docinfo_item`: the field's label, then its `<dd>`.
    fn docinfo_item(&mut self, node: &Element, name: &str) {
        self.push(&format!(
            "<dt class=\"{name}\">{}<span class=\"colon\">:</span></dt>\n",
            label(name)
        ));
        self.open(Start::new(node, "dd").suffix("").class(name));
    }

    fn author(&mut self, cx: &Cx) {
        let in_authors = cx.parent_tag() == "authors";
        if !in_authors {
            self.docinfo_item(cx.node, "author");
        }
        self.push("<p>");
        self.children(cx);
        self.push("</p>");
        self.push(if in_authors { "\n" } else { "</dd>\n" });
    }

    /// `visit_docinfo`/`depart_docinfo`: the list becomes the `docinfo` part; the body so far
    /// is dropped from the fragment.
    fn docinfo(&mut self, cx: &Cx) {
        let start_at = self.body.len();
        let mut classes = vec!["docinfo".to_string()];
        if is_compactable(cx.node, cx.parent()) {
            classes.push("simple".into());
        }
        self.wrap(cx, Start::new(cx.node, "dl").classes(classes), "</dl>\n");
        self.docinfo = self.body.get(start_at..).unwrap_or_default().to_string();
        self.body.clear();
    }
}
