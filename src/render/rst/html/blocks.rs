//! Body elements: lists, definition and field lists, docinfo, tables, titles, topics,
//! footnotes and citations (`visit_*`/`depart_*` of `docutils/writers/_html_base.py` and
//! `html5_polyglot/__init__.py`).

use super::start::{Cx, Start, is};
use super::translator::Translator;
use crate::check::rst::node::Element;

pub(super) fn has_class(node: Option<&Element>, class: &str) -> bool {
    node.is_some_and(|n| n.list("classes").iter().any(|c| c == class))
}

impl Translator {
    /// The body elements' visitors; false for a node that is not one.
    pub(super) fn block(&mut self, cx: &Cx) -> bool {
        if self.list_part(cx) || self.docinfo_part(cx) || self.table_part(cx) {
            return true;
        }
        let n = cx.node;
        match n.tag.as_str() {
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
            "title" => self.title(cx),
            "subtitle" => self.subtitle(cx),
            "topic" => self.topic(cx),
            "container" => self.container(cx),
            _ => return false,
        }
        true
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
