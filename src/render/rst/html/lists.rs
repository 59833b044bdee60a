//! Lists: bullet, enumerated, definition, field and option lists (`visit_*`/`depart_*` of
//! `docutils/writers/_html_base.py`).

use super::blocks::has_class;
use super::simple::is_compactable;
use super::start::{Cx, Start, is};
use super::translator::Translator;

impl Translator {
    /// The list visitors; false for a node that is not one.
    pub(super) fn list_part(&mut self, cx: &Cx) -> bool {
        let n = cx.node;
        match n.tag.as_str() {
            "bullet_list" => self.bullet_list(cx),
            "enumerated_list" => self.enumerated_list(cx),
            "definition_list" => self.definition_list(cx),
            "definition_list_item" => {
                if has_class(cx.parent(), "details") {
                    let mut start = Start::new(n, "details");
                    if has_class(cx.parent(), "open") {
                        start = start.att("open", "open");
                    }
                    self.wrap(cx, start, "</details>\n");
                } else {
                    self.children(cx);
                }
            }
            "term" => self.term(cx),
            "classifier" => {
                self.wrap(
                    cx,
                    Start::new(n, "span").suffix("").class("classifier"),
                    "</span>",
                );
                self.depart_term(cx);
            }
            "definition" => {
                if has_class(cx.grandparent(), "details") {
                    self.children(cx);
                } else {
                    self.wrap(cx, Start::new(n, "dd").suffix(""), "</dd>\n");
                }
            }
            "field_list" => self.field_list(cx),
            "field_name" => {
                let classes = cx.parent().map(|p| p.list("classes").to_vec());
                let start = Start::new(n, "dt")
                    .suffix("")
                    .classes(classes.unwrap_or_default());
                self.wrap(cx, start, "<span class=\"colon\">:</span></dt>\n");
            }
            "field_body" => {
                let classes = cx.parent().map(|p| p.list("classes").to_vec());
                self.open(
                    Start::new(n, "dd")
                        .suffix("")
                        .classes(classes.unwrap_or_default()),
                );
                if n.children.is_empty() {
                    self.push("<p></p>");
                }
                self.children(cx);
                self.push("</dd>\n");
            }
            "option_group" => {
                self.open(Start::new(n, "dt").suffix(""));
                self.push("<kbd>");
                self.children(cx);
                self.push("</kbd></dt>\n");
            }
            "option" => {
                self.wrap(
                    cx,
                    Start::new(n, "span").suffix("").class("option"),
                    "</span>",
                );
                if is(cx.next(), "option") {
                    self.push(", ");
                }
            }
            "option_argument" => {
                self.push(n.get("delimiter").unwrap_or(" "));
                self.wrap(cx, Start::new(n, "var").suffix(""), "</var>");
            }
            _ => return false,
        }
        true
    }

    fn bullet_list(&mut self, cx: &Cx) {
        let old = self.compact_simple;
        self.compact_simple = is_compactable(cx.node, cx.parent());
        let mut start = Start::new(cx.node, "ul");
        if self.compact_simple && !old {
            start = start.class("simple");
        }
        self.wrap(cx, start, "</ul>\n");
        self.compact_simple = old;
    }

    fn enumerated_list(&mut self, cx: &Cx) {
        let n = cx.node;
        let mut classes = Vec::new();
        let mut start = Start::new(n, "ol");
        if let Some(s) = n.get("start") {
            start = start.att("start", s);
        }
        if let Some(t) = n.get("enumtype") {
            classes.push(t.to_string());
        }
        if is_compactable(n, cx.parent()) {
            classes.push("simple".into());
        }
        self.wrap(cx, start.classes(classes), "</ol>\n");
    }

    fn definition_list(&mut self, cx: &Cx) {
        if has_class(Some(cx.node), "details") {
            self.wrap(cx, Start::new(cx.node, "div"), "</div>\n");
            return;
        }
        let mut classes = Vec::new();
        if is_compactable(cx.node, cx.parent()) {
            classes.push("simple".to_string());
        }
        self.wrap(cx, Start::new(cx.node, "dl").classes(classes), "</dl>\n");
    }

    /// `visit_term`: the item's classes and ids go on the `<dt>`.
    fn term(&mut self, cx: &Cx) {
        let item = cx.parent();
        let start = if has_class(cx.grandparent(), "details") {
            Start::new(cx.node, "summary").suffix("")
        } else {
            Start::new(cx.node, "dt")
                .suffix("")
                .classes(item.map(|i| i.list("classes").to_vec()).unwrap_or_default())
                .more_ids(item.map_or(&[], |i| i.list("ids")))
        };
        self.open(start);
        self.children(cx);
        self.depart_term(cx);
    }

    /// `depart_term` (also called by `depart_classifier`): closes the `<dt>` after the last
    /// classifier.
    fn depart_term(&mut self, cx: &Cx) {
        if cx.later().iter().any(|s| is(Some(s), "classifier")) {
            return;
        }
        if has_class(cx.grandparent(), "details") {
            self.push("</summary>\n");
        } else {
            self.push("</dt>\n");
        }
    }

    fn field_list(&mut self, cx: &Cx) {
        let n = cx.node;
        let mut classes = n.list("classes").to_vec();
        let mut start = Start::new(n, "dl");
        if let Some(i) = classes.iter().position(|c| c.starts_with("field-indent-"))
            && let Some(indent) = classes
                .get(i)
                .and_then(|c| c.strip_prefix("field-indent-"))
                .and_then(field_indent)
        {
            start = start.att("style", format!("--field-indent: {indent};"));
            classes.remove(i);
        }
        classes.push("field-list".into());
        if is_compactable(n, cx.parent()) {
            classes.push("simple".into());
        }
        self.wrap(cx, start.node_classes(classes), "</dl>\n");
    }
}

/// `length_or_percentage_or_unitless(value, "px")` for a `field-indent-` class.
fn field_indent(value: &str) -> Option<String> {
    let digits = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(digits);
    number.parse::<f64>().ok()?;
    let unit = unit.trim();
    Some(if unit.is_empty() {
        format!("{number}px")
    } else {
        format!("{number}{unit}")
    })
}
