//! docutils' compact lists: `HTMLTranslator.is_compactable` and the `SimpleListChecker`
//! visitor of `docutils/writers/_html_base.py`.

use super::start::invisible;
use crate::check::rst::node::{Element, Node};

/// `is_compactable(node)` with the default settings (`compact_lists`, `compact_field_lists`):
/// a `compact` class, no `open` class, inside a table of contents, or a simple list.
pub(super) fn is_compactable(node: &Element, parent: Option<&Element>) -> bool {
    let classes = node.list("classes");
    if classes.iter().any(|c| c == "compact") {
        return true;
    }
    if classes.iter().any(|c| c == "open") {
        return false;
    }
    if parent.is_some_and(|p| p.list("classes").iter().any(|c| c == "contents")) {
        return true;
    }
    simple(node)
}

/// `SimpleListChecker`: false where docutils' walk raises `NodeFound`.
fn simple(node: &Element) -> bool {
    match node.tag.as_str() {
        // ignore_node: never complex.
        "paragraph"
        | "author"
        | "copyright"
        | "date"
        | "organization"
        | "status"
        | "term"
        | "field_name"
        | "comment"
        | "substitution_definition"
        | "target"
        | "pending" => true,
        // pass_node: look at the children.
        "bullet_list"
        | "enumerated_list"
        | "docinfo"
        | "contact"
        | "definition_list"
        | "definition_list_item"
        | "classifier"
        | "field_list"
        | "field" => children(node),
        // visit_list_item: one paragraph, maybe followed by a list.
        "list_item" | "authors" | "address" | "version" | "definition" | "field_body" => {
            simple_item(node) && children(node)
        }
        _ => false,
    }
}

fn children(node: &Element) -> bool {
    node.children.iter().all(|c| match c {
        Node::Text(_) => true,
        Node::Element(e) => simple(e),
    })
}

fn tag<'n>(node: Option<&&'n Node>) -> Option<&'n str> {
    node.and_then(|n| n.element()).map(|e| e.tag.as_str())
}

fn simple_item(node: &Element) -> bool {
    let visible: Vec<&Node> = node
        .children
        .iter()
        .filter(|c| c.element().is_none_or(|e| !invisible(&e.tag)))
        .collect();
    let mut count = visible.len();
    if tag(visible.first()) == Some("paragraph")
        && matches!(
            tag(visible.last()),
            Some("bullet_list" | "enumerated_list" | "field_list")
        )
    {
        count -= 1;
    }
    count <= 1
}
