//! Body elements: lists, definition and field lists, docinfo, tables, titles, topics,
//! footnotes and citations (`visit_*`/`depart_*` of `docutils/writers/_html_base.py` and
//! `html5_polyglot/__init__.py`).

use super::simple::is_compactable;
use super::start::{Cx, Start, is};
use super::translator::Translator;
use crate::check::rst::node::Element;

fn has_class(node: Option<&Element>, class: &str) -> bool {
    node.is_some_and(|n| n.list("classes").iter().any(|c| c == class))
}

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
    /// The body elements' visitors; false for a node that is not one.
    pub(super) fn block(&mut self, cx: &Cx) -> bool {
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
            "doctest_block" => {
                let classes = vec!["code".into(), "python".into(), "doctest".into()];
                let start = Start::new(n, "pre").suffix("").classes(classes);
                self.wrap(cx, start, "\n</pre>\n");
            }
            "literal_block" => {
                let code = has_class(Some(n), "code");
                self.open(Start::new(n, "pre").suffix("").class("literal-block"));
                self.push(if code { "<code>" } else { "" });
                self.children(cx);
                self.push(if code { "</code>" } else { "" });
                self.push("</pre>\n");
            }
            "figure" => self.figure(cx),
            "caption" => {
                if cx.parent_tag() == "figure" {
                    self.open(Start::new(n, "figcaption"));
                }
                self.push("<p>");
                self.children(cx);
                self.push("</p>\n");
            }
            "footnote" | "citation" => self.note(cx),
            "label" => self.label(cx),
            "table" => self.table(cx),
            "colspec" => self.colspec(cx),
            "row" => {
                let column = std::mem::take(&mut self.column);
                self.wrap(cx, Start::new(n, "tr").suffix(""), "</tr>\n");
                self.column = column;
            }
            "entry" => self.entry(cx),
            "title" => self.title(cx),
            "subtitle" => self.subtitle(cx),
            "topic" => self.topic(cx),
            "container" => self.container(cx),
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
                .and_then(|c| field_indent(&c["field-indent-".len()..]))
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

    /// `visit_figure`/`depart_figure` (html5).
    fn figure(&mut self, cx: &Cx) {
        let n = cx.node;
        let mut start = Start::new(n, "figure");
        if let Some(w) = n.get("width") {
            start = start.att("style", format!("width: {w}"));
        }
        if let Some(a) = n.get("align").filter(|a| !a.is_empty()) {
            start = start.class(&format!("align-{a}"));
        }
        self.open(start);
        self.children(cx);
        if n.children.len() > 1 {
            self.push("</figcaption>\n");
        }
        self.push("</figure>\n");
    }

    /// `visit_footnote`/`visit_citation`: a run of them is wrapped in a list.
    fn note(&mut self, cx: &Cx) {
        let tag = cx.node.tag.as_str();
        let footnote = tag == "footnote";
        let first = !is(cx.previous(), tag);
        let last = !is(cx.next(), tag);
        let start = if footnote {
            if first {
                self.push("<aside class=\"footnote-list brackets\">\n");
            }
            Start::new(cx.node, "aside")
                .classes(vec!["footnote".into(), "brackets".into()])
                .att("role", "doc-footnote")
        } else {
            if first {
                self.push("<div role=\"list\" class=\"citation-list\">\n");
            }
            Start::new(cx.node, "div")
                .classes(vec!["citation".into()])
                .att("role", "doc-biblioentry")
        };
        let close = if footnote { "</aside>\n" } else { "</div>\n" };
        self.wrap(cx, start, close);
        if last {
            self.push(close);
        }
    }

    /// `visit_label`/`depart_label`: footnote and citation labels with their backlinks.
    fn label(&mut self, cx: &Cx) {
        let backrefs = cx.parent().map_or(&[][..], |p| p.list("backrefs"));
        self.push("<span class=\"label\"><span class=\"fn-bracket\">[</span>");
        if let [one] = backrefs {
            self.push(&format!("<a role=\"doc-backlink\" href=\"#{one}\">"));
        }
        self.children(cx);
        if backrefs.len() == 1 {
            self.push("</a>");
        }
        self.push("<span class=\"fn-bracket\">]</span></span>\n");
        if backrefs.len() > 1 {
            let links: Vec<String> = backrefs
                .iter()
                .enumerate()
                .map(|(i, r)| format!("<a role=\"doc-backlink\" href=\"#{r}\">{}</a>", i + 1))
                .collect();
            self.push(&format!(
                "<span class=\"backrefs\">({})</span>\n",
                links.join(",")
            ));
        }
    }

    fn table(&mut self, cx: &Cx) {
        let n = cx.node;
        let mut classes = Vec::new();
        if let Some(a) = n.get("align") {
            classes.push(format!("align-{a}"));
        }
        let mut start = Start::new(n, "table").classes(classes);
        if let Some(w) = n.get("width") {
            let unitless = w
                .chars()
                .last()
                .is_none_or(|c| c.is_ascii_digit() || c == '.');
            let w = if unitless {
                format!("{w}px")
            } else {
                w.to_string()
            };
            start = start.att("style", format!("width: {w};"));
        }
        self.wrap(cx, start, "</table>\n");
    }

    /// `visit_colspec`/`depart_colspec`: a `<colgroup>` after the last colspec, for tables
    /// with given widths.
    fn colspec(&mut self, cx: &Cx) {
        let n = cx.node;
        self.colspecs.push(n.get("colwidth").map(str::to_string));
        self.stubs.push(n.get("stub").is_some_and(|s| s != "0"));
        if is(cx.next(), "colspec") {
            return;
        }
        let table = cx.grandparent();
        if has_class(table, "colwidths-auto") || !has_class(table, "colwidths-given") {
            return;
        }
        let widths: Vec<f64> = self
            .colspecs
            .iter()
            .map(|w| propwidth(w.as_deref()))
            .collect();
        let total: f64 = widths.iter().sum();
        self.open(Start::new(n, "colgroup"));
        for w in widths {
            let style = format!("width: {:.1}%", w / total * 100.0);
            let col = self.start(Start::new(n, "col").empty().att("style", style));
            self.push(&col);
        }
        self.push("</colgroup>\n");
    }

    /// `visit_entry`: `<th>` in a head row or a stub column, else `<td>`.
    fn entry(&mut self, cx: &Cx) {
        let n = cx.node;
        let mut classes = Vec::new();
        let row_parent = cx.up.and_then(|row| row.parent());
        if row_parent.is_some_and(|p| p.tag == "thead") {
            classes.push("head".to_string());
        }
        if self.stubs.get(self.column).copied().unwrap_or(false) {
            classes.push("stub".to_string());
        }
        let tag = if classes.is_empty() { "td" } else { "th" };
        self.column = self.column.saturating_add(1);
        let mut start = Start::new(n, tag).suffix("").classes(classes);
        if let Some(rows) = n.get("morerows").and_then(|m| m.parse::<usize>().ok()) {
            start = start.att("rowspan", (rows + 1).to_string());
        }
        if let Some(cols) = n.get("morecols").and_then(|m| m.parse::<usize>().ok()) {
            start = start.att("colspan", (cols + 1).to_string());
            self.column = self.column.saturating_add(cols);
        }
        self.wrap(cx, start, &format!("</{tag}>\n"));
    }

    /// `visit_title`: by where the title is.
    fn title(&mut self, cx: &Cx) {
        let n = cx.node;
        let parent = cx.parent();
        let (start, close) = match cx.parent_tag() {
            "topic" if has_class(parent, "contents") => {
                let p = self.start(Start::new(n, "p").suffix("").class("topic-title"));
                (
                    p + "<a class=\"reference internal\" href=\"#top\">",
                    "</a></p>\n".to_string(),
                )
            }
            "topic" => (
                self.start(Start::new(n, "p").suffix("").class("topic-title")),
                "</p>\n".to_string(),
            ),
            "sidebar" => (
                self.start(Start::new(n, "p").suffix("").class("sidebar-title")),
                "</p>\n".to_string(),
            ),
            "admonition" => (
                self.start(Start::new(n, "p").suffix("").class("admonition-title")),
                "</p>\n".to_string(),
            ),
            "table" => (
                self.start(Start::new(n, "caption").suffix("")),
                "</caption>\n".to_string(),
            ),
            "document" => (
                self.start(Start::new(n, "h1").suffix("").class("title")),
                "</h1>\n".to_string(),
            ),
            _ => self.section_title_tags(cx),
        };
        self.push(&start);
        self.children(cx);
        self.push(&close);
        if cx.parent_tag() == "document" {
            // The document title goes to `body_pre_docinfo`, not the fragment.
            self.body.clear();
        }
    }

    /// `section_title_tags` (html5: with the section's self-link).
    fn section_title_tags(&self, cx: &Cx) -> (String, String) {
        let n = cx.node;
        let level = self.section_level + 1;
        let tag = format!("h{}", level.min(6));
        let mut start = Start::new(n, &tag).suffix("");
        if level > 6 {
            start = start.att("aria-level", level.to_string());
        }
        let mut open = self.start(start);
        let mut close = format!("</{tag}>\n");
        if let Some(refid) = n.get("refid") {
            open.push_str(
                &self.start(
                    Start::bare("a")
                        .suffix("")
                        .class("toc-backref")
                        .att("role", "doc-backlink")
                        .att("href", format!("#{refid}")),
                ),
            );
            close = format!("</a></{tag}>\n");
        }
        let ids = cx.parent().map_or(&[][..], |p| p.list("ids"));
        if let Some(last) = ids.last()
            && cx.parent_tag() != "document"
        {
            let link = format!(
                "<a class=\"self-link\" title=\"link to this section\" href=\"#{last}\"></a>"
            );
            close = close.replace("</h", &format!("{link}</h"));
        }
        (open, close)
    }

    /// `visit_subtitle`/`depart_subtitle`.
    fn subtitle(&mut self, cx: &Cx) {
        let class = match cx.parent_tag() {
            "sidebar" => "sidebar-subtitle",
            "document" => "subtitle",
            _ => "section-subtitle",
        };
        let start = Start::new(cx.node, "p")
            .suffix("")
            .classes(vec![class.into()]);
        self.wrap(cx, start, "</p>\n");
        if cx.parent_tag() == "document" {
            self.body.clear();
        }
    }

    /// `visit_topic` (html5): `<nav>` for a table of contents, `<div>` for an abstract or a
    /// dedication, else `<aside>`.
    fn topic(&mut self, cx: &Cx) {
        let n = cx.node;
        let node = Some(n);
        let mut start;
        let tag = if has_class(node, "contents") {
            start = Start::new(n, "nav");
            if cx.parent_tag() == "document" {
                start = start.att("role", "doc-toc");
            }
            "nav"
        } else if has_class(node, "abstract") {
            start = Start::new(n, "div")
                .classes(vec!["topic".into()])
                .att("role", "doc-abstract");
            "div"
        } else if has_class(node, "dedication") {
            start = Start::new(n, "div")
                .classes(vec!["topic".into()])
                .att("role", "doc-dedication");
            "div"
        } else {
            start = Start::new(n, "aside").classes(vec!["topic".into()]);
            "aside"
        };
        self.wrap(cx, start, &format!("</{tag}>\n"));
    }

    /// `visit_container` (html5): `<ins>` or `<del>` for exactly one such class.
    fn container(&mut self, cx: &Cx) {
        let n = cx.node;
        let mut classes = n.list("classes").to_vec();
        let tags: Vec<&String> = classes
            .iter()
            .filter(|c| *c == "ins" || *c == "del")
            .collect();
        let tag = match tags.as_slice() {
            [one] => one.to_string(),
            _ => "div".to_string(),
        };
        if tag != "div"
            && let Some(i) = classes.iter().position(|c| *c == tag)
        {
            classes.remove(i);
        }
        let start = Start::new(n, &tag)
            .node_classes(classes)
            .class("docutils container");
        self.wrap(cx, start, &format!("</{tag}>\n"));
    }
}

/// `colspec.propwidth()`: the proportional width (1 when unset or unreadable).
fn propwidth(colwidth: Option<&str>) -> f64 {
    let w = colwidth.unwrap_or("").trim_end_matches('*').trim();
    w.parse::<f64>().ok().filter(|v| *v > 0.0).unwrap_or(1.0)
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
