//! docutils' document part transforms (`docutils/transforms/parts.py`): `SectNum` (section
//! numbers in titles) and `Contents` (the table of contents a `contents` directive asks for).
//! Both start from the `pending` element their directive left in the tree.

use super::state::State;
use super::tree::{Id, Tree};

/// A `pending` element's detail (`details.KEY` in the tree), None when absent.
pub(super) fn detail<'a>(t: &'a Tree, pending: Id, key: &str) -> Option<&'a str> {
    t.get(pending, &format!("details.{key}"))
}

/// `SectNum.apply`: numbers the sections' titles (`1.2.` and three no-break spaces in a
/// `generated` element), down to the given depth.
pub(super) fn sectnum(s: &mut State, pending: Id) {
    let t = &s.tree;
    let depth = detail(t, pending, "depth")
        .and_then(|d| d.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    let start = detail(t, pending, "start")
        .and_then(|d| d.parse::<i64>().ok())
        .unwrap_or(1);
    let prefix = detail(t, pending, "prefix").unwrap_or("").to_string();
    let suffix = detail(t, pending, "suffix").unwrap_or("").to_string();
    s.tree.detach(pending);
    let numbering = Numbering {
        depth,
        start,
        prefix,
        suffix,
    };
    let root = s.tree.root;
    numbering.number(&mut s.tree, root, &[], 0);
}

struct Numbering {
    depth: usize,
    start: i64,
    prefix: String,
    suffix: String,
}

impl Numbering {
    /// `SectNum.update_section_numbers`.
    fn number(&self, t: &mut Tree, node: Id, numbers: &[String], depth: usize) {
        let depth = depth + 1;
        let mut n = if numbers.is_empty() { self.start } else { 1 };
        for child in t.children(node).to_vec() {
            if !t.is(child, "section") {
                continue;
            }
            let mut mine = numbers.to_vec();
            mine.push(n.to_string());
            if let Some(title) = t.child(child, 0) {
                let text = format!(
                    "{}{}{}\u{a0}\u{a0}\u{a0}",
                    self.prefix,
                    mine.join("."),
                    self.suffix
                );
                let generated = t.new_text_element("generated", &text);
                t.push_list(generated, "classes", "sectnum");
                t.insert(title, 0, generated);
                t.set(title, "auto", "1");
            }
            if depth < self.depth {
                self.number(t, child, &mine, depth);
            }
            n += 1;
        }
    }
}

/// The options of one `contents` directive.
struct Toc {
    depth: usize,
    /// `entry`, `top` or None (no backlinks).
    backlinks: Option<String>,
    toc_id: String,
}

/// `Contents.apply`: the `pending` element becomes a nested bullet list of references to the
/// sections (of the document, or with `local` of the enclosing section), ids `toc-entry-N`;
/// section titles link back to their entry (or the top). An empty one removes the topic.
pub(super) fn contents(s: &mut State, pending: Id) {
    let Some(topic) = s.tree.parent(pending) else {
        return;
    };
    let toc_id = s.set_id(topic, "");
    let start = if detail(&s.tree, pending, "local").is_some() {
        s.tree
            .ancestors(topic)
            .into_iter()
            .find(|&a| s.tree.is(a, "section") || s.tree.is(a, "document"))
            .unwrap_or(s.tree.root)
    } else {
        s.tree.root
    };
    let backlinks = match detail(&s.tree, pending, "backlinks") {
        Some("None") => None,
        Some(b) => Some(b.to_string()),
        None => Some("entry".to_string()),
    };
    let depth = detail(&s.tree, pending, "depth")
        .and_then(|d| d.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    let toc = Toc {
        depth,
        backlinks,
        toc_id,
    };
    match build_contents(s, &toc, start, 0) {
        Some(list) => s.tree.replace_self(pending, vec![list]),
        None => s.tree.detach(topic),
    }
}

/// `Contents.build_contents`: the bullet list for the sections directly under `node`.
fn build_contents(s: &mut State, toc: &Toc, node: Id, level: usize) -> Option<Id> {
    let level = level + 1;
    let sections: Vec<Id> = s
        .tree
        .children(node)
        .iter()
        .copied()
        .filter(|&c| s.tree.is(c, "section"))
        .collect();
    let mut entries = Vec::new();
    let mut auto = false;
    for section in sections {
        let Some(title) = s.tree.child(section, 0) else {
            continue;
        };
        auto = s.tree.has(title, "auto");
        let reference = s.tree.new_element("reference");
        if let Some(id) = s.tree.list(section, "ids").first().cloned() {
            s.tree.set(reference, "refid", &id);
        }
        for c in s.tree.children(title).to_vec() {
            copy_filtered(&mut s.tree, c, reference);
        }
        let ref_id = s.set_id(reference, "toc-entry");
        let entry = s.tree.new_element("paragraph");
        s.tree.append(entry, reference);
        let item = s.tree.new_element("list_item");
        s.tree.append(item, entry);
        let has_reference = s
            .tree
            .preorder(title)
            .iter()
            .skip(1)
            .any(|&n| s.tree.is(n, "reference"));
        if !has_reference {
            match toc.backlinks.as_deref() {
                Some("entry") => s.tree.set(title, "refid", &ref_id),
                Some("top") => s.tree.set(title, "refid", &toc.toc_id),
                _ => {}
            }
        }
        if level < toc.depth
            && let Some(sub) = build_contents(s, toc, section, level)
        {
            s.tree.append(item, sub);
        }
        entries.push(item);
    }
    if entries.is_empty() {
        return None;
    }
    let list = s.tree.new_element("bullet_list");
    for e in entries {
        s.tree.append(list, e);
    }
    if auto {
        s.tree.push_list(list, "classes", "auto-toc");
    }
    Some(list)
}

/// `ContentsFilter`: a copy of a title's node for its ToC entry, without footnote and citation
/// references, an image as its `alt` text, references and targets replaced by their content.
fn copy_filtered(t: &mut Tree, node: Id, into: Id) {
    match t.tag(node) {
        "footnote_reference" | "citation_reference" => {}
        "image" => {
            if let Some(alt) = t.get(node, "alt").map(str::to_string) {
                let text = t.new_text(&alt);
                t.append(into, text);
            }
        }
        "reference" | "target" | "problematic" => {
            for c in t.children(node).to_vec() {
                copy_filtered(t, c, into);
            }
        }
        "#text" => {
            let copy = t.deep_copy(node);
            t.append(into, copy);
        }
        _ => {
            let copy = t.new_element(t.tag(node).to_string().as_str());
            let attrs = t.all_attrs(node);
            t.set_all_attrs(copy, attrs);
            t.append(into, copy);
            for c in t.children(node).to_vec() {
                copy_filtered(t, c, copy);
            }
        }
    }
}
