//! The small transforms: `misc.ClassAttribute` and `misc.Transitions`
//! (`docutils/transforms/misc.py`), `universal.StripComments`
//! (`docutils/transforms/universal.py`) and `writer_aux.Admonitions`
//! (`docutils/transforms/writer_aux.py`).

use super::parts::detail;
use super::state::State;
use super::tree::Id;

/// `ClassAttribute.apply`: the `class` directive's classes go to the next visible element
/// (a following sibling, else one of an ancestor's), and the `pending` element goes.
pub(super) fn class_attribute(s: &mut State, pending: Id) {
    let classes = python_list(detail(&s.tree, pending, "class").unwrap_or("[]"));
    let next = s.tree.following(pending, false).into_iter().find(|&n| {
        !matches!(
            s.tree.tag(n),
            "comment" | "substitution_definition" | "target" | "pending" | "#text"
        )
    });
    if let Some(n) = next {
        for c in classes {
            s.tree.push_list(n, "classes", &c);
        }
        s.tree.detach(pending);
    }
}

/// The strings of a Python list's `str()` (`['a', 'b']`).
pub(super) fn python_list(repr: &str) -> Vec<String> {
    repr.trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|x| x.trim().trim_matches(|c| c == '\'' || c == '"').to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// `StripComments.apply` (readme_renderer sets `strip_comments`): comments go.
pub(super) fn strip_comments(s: &mut State) {
    for c in s.tree.find("comment") {
        s.tree.detach(c);
    }
}

/// Siblings a transition's position check ignores (`transition.ignored_siblings`).
fn ignored_sibling(tag: &str) -> bool {
    matches!(
        tag,
        "decoration"
            | "meta"
            | "pending"
            | "substitution_definition"
            | "subtitle"
            | "target"
            | "title"
    )
}

/// `Transitions.apply`: a transition ending a section moves up after it (after the nearest
/// ancestor that has something after it).
pub(super) fn transitions(s: &mut State) {
    for tr in s.tree.find("transition") {
        let Some(parent) = s.tree.parent(tr) else {
            continue;
        };
        if !matches!(s.tree.tag(parent), "document" | "section") {
            continue;
        }
        let Some(at) = s.tree.index(tr) else {
            continue;
        };
        let ends = s
            .tree
            .children(parent)
            .iter()
            .skip(at + 1)
            .all(|&c| ignored_sibling(s.tree.tag(c)));
        if !ends {
            continue;
        }
        let mut sibling = parent;
        while let (Some(up), Some(index)) = (s.tree.parent(sibling), s.tree.index(sibling)) {
            if index + 1 < s.tree.children(up).len() {
                s.tree.insert(up, index + 1, tr);
                break;
            }
            sibling = up;
        }
    }
}

/// The admonitions and their English titles (`docutils/languages/en.py` labels).
const ADMONITIONS: &[(&str, &str)] = &[
    ("attention", "Attention!"),
    ("caution", "Caution!"),
    ("danger", "!DANGER!"),
    ("error", "Error"),
    ("hint", "Hint"),
    ("important", "Important"),
    ("note", "Note"),
    ("tip", "Tip"),
    ("warning", "Warning"),
];

/// `Admonitions.apply`: a specific admonition (`note`...) becomes a generic `admonition` with
/// the class of its kind and a title; a generic one gains the class `admonition`.
pub(super) fn admonitions(s: &mut State) {
    for n in s.tree.preorder(s.tree.root) {
        let tag = s.tree.tag(n).to_string();
        if tag == "admonition" {
            s.tree.push_list(n, "classes", "admonition");
            continue;
        }
        let Some(&(_, label)) = ADMONITIONS.iter().find(|(k, _)| *k == tag) else {
            continue;
        };
        s.tree.push_list(n, "classes", &tag);
        let admonition = s.tree.new_element("admonition");
        let attrs = s.tree.all_attrs(n);
        s.tree.set_all_attrs(admonition, attrs);
        let title = s.tree.new_text_element("title", label);
        s.tree.append(admonition, title);
        for c in s.tree.children(n).to_vec() {
            s.tree.append(admonition, c);
        }
        s.tree.replace_self(n, vec![admonition]);
    }
}
