//! docutils' `Footnotes` transform (`docutils/transforms/references.py`): numbers the
//! auto-numbered footnotes, gives symbol footnotes their symbols, and links every footnote and
//! citation with its references (`refid` one way, `backrefs` the other).

use super::misc::python_list;
use super::state::State;
use super::tree::Id;

/// `Footnotes.symbols`.
const SYMBOLS: &[&str] = &[
    "*", "\u{2020}", "\u{2021}", "\u{a7}", "\u{b6}", "#", "\u{2660}", "\u{2665}", "\u{2666}",
    "\u{2663}",
];

/// `Footnotes.apply`.
pub(super) fn footnotes(s: &mut State) {
    let labels = number_footnotes(s);
    number_footnote_references(s, &labels);
    symbolize_footnotes(s);
    for note in s.footnotes.clone() {
        resolve_by_names(s, note, true);
    }
    for note in s.citations.clone() {
        resolve_by_names(s, note, false);
    }
}

/// Adds a `label` child holding `text` in front of a footnote's children.
fn insert_label(s: &mut State, footnote: Id, text: &str) {
    let label = s.tree.new_text_element("label", text);
    s.tree.insert(footnote, 0, label);
}

/// Links reference `r` to note `note` (`refid`, and the note's `backrefs`), giving it `text`.
fn link(s: &mut State, r: Id, note: Id, text: Option<&str>) {
    if let Some(text) = text {
        let t = s.tree.new_text(text);
        s.tree.append(r, t);
    }
    s.tree.unset(r, "refname");
    if let Some(id) = s.tree.list(note, "ids").first().cloned() {
        s.tree.set(r, "refid", &id);
        s.note_refid(r);
    }
    if let Some(rid) = s.tree.list(r, "ids").first().cloned() {
        s.tree.push_list(note, "backrefs", &rid);
    }
    s.tree.set_resolved(r);
}

/// `Footnotes.number_footnotes`: labels 1, 2... for auto-numbered footnotes (skipping numbers
/// taken as names); the references to labeled ones get the number. Returns the labels of the
/// unlabeled ones, in order.
fn number_footnotes(s: &mut State) -> Vec<String> {
    let mut labels = Vec::new();
    let mut next = 1u64;
    for footnote in s.autofootnotes.clone() {
        let label = loop {
            let l = next.to_string();
            next += 1;
            if !s.has_nameid(&l) {
                break l;
            }
        };
        insert_label(s, footnote, &label);
        for name in s.tree.list(footnote, "names").to_vec() {
            for r in s.footnote_refs.get(&name).cloned().unwrap_or_default() {
                link(s, r, footnote, Some(&label));
            }
        }
        if s.tree.list(footnote, "names").is_empty() && s.tree.list(footnote, "dupnames").is_empty()
        {
            s.tree.push_list(footnote, "names", &label);
            s.note_explicit_target(footnote);
            labels.push(label);
        }
    }
    labels
}

/// `Footnotes.number_footnote_references`: `[#]_` references take the unlabeled numbers in
/// order.
fn number_footnote_references(s: &mut State, labels: &[String]) {
    let mut i = 0;
    for r in s.autofootnote_refs.clone() {
        if s.tree.resolved(r) || s.tree.has(r, "refid") {
            continue;
        }
        let Some(label) = labels.get(i) else {
            break;
        };
        let Some(&note) = s.nameids.get(label).and_then(|id| s.ids.get(id)) else {
            break;
        };
        link(s, r, note, Some(label));
        i += 1;
    }
}

/// `Footnotes.symbolize_footnotes`: `[*]` footnotes and references take `*`, `†`... in order.
fn symbolize_footnotes(s: &mut State) {
    let mut labels = Vec::new();
    for (n, footnote) in s.symbol_footnotes.clone().into_iter().enumerate() {
        let symbol = SYMBOLS.get(n % SYMBOLS.len()).copied().unwrap_or("*");
        let text = symbol.repeat(n / SYMBOLS.len() + 1);
        insert_label(s, footnote, &text);
        s.set_id(footnote, "");
        labels.push(text);
    }
    let notes = s.symbol_footnotes.clone();
    for (r, (note, text)) in s
        .symbol_footnote_refs
        .clone()
        .into_iter()
        .zip(notes.iter().zip(&labels))
    {
        let t = s.tree.new_text(text);
        s.tree.append(r, t);
        if let Some(id) = s.tree.list(*note, "ids").first().cloned() {
            s.tree.set(r, "refid", &id);
            s.note_refid(r);
        }
        if let Some(rid) = s.tree.list(r, "ids").first().cloned() {
            s.tree.push_list(*note, "backrefs", &rid);
        }
    }
}

/// `Footnotes.resolve_footnotes_and_citations` for one manually labeled footnote or citation.
fn resolve_by_names(s: &mut State, note: Id, footnote: bool) {
    for label in s.tree.list(note, "names").to_vec() {
        let refs = if footnote {
            s.footnote_refs.get(&label)
        } else {
            s.citation_refs.get(&label)
        };
        for r in refs.cloned().unwrap_or_default() {
            if !s.tree.resolved(r) {
                link(s, r, note, None);
            }
        }
    }
}

/// `TargetNotes.apply`: one auto-numbered footnote per external URI the text refers to (by a
/// named target or an anonymous reference), replacing the `pending` element; each reference
/// is followed by a space and a reference to its footnote.
pub(super) fn target_notes(s: &mut State, pending: Id) {
    let classes = python_list(super::parts::detail(&s.tree, pending, "class").unwrap_or("[]"));
    let mut notes: Vec<(String, Id)> = Vec::new();
    for target in s.tree.find("target") {
        let Some(uri) = s.tree.get(target, "refuri").map(str::to_string) else {
            continue;
        };
        let mut refs = Vec::new();
        for name in s.tree.list(target, "names") {
            refs.extend(s.refnames.get(name).cloned().unwrap_or_default());
        }
        if !refs.is_empty() {
            target_footnote(s, &uri, &refs, &mut notes, &classes);
        }
    }
    for r in s.tree.find("reference") {
        if !super::references::truthy(s.tree.get(r, "anonymous")) {
            continue;
        }
        if let Some(uri) = s.tree.get(r, "refuri").map(str::to_string) {
            target_footnote(s, &uri, &[r], &mut notes, &classes);
        }
    }
    let footnotes = notes.into_iter().map(|(_, f)| f).collect();
    s.tree.replace_self(pending, footnotes);
}

/// `TargetNotes.make_target_footnote`: the footnote for `uri` (made once), and a footnote
/// reference after each of `refs` that is not a target.
fn target_footnote(
    s: &mut State,
    uri: &str,
    refs: &[Id],
    notes: &mut Vec<(String, Id)>,
    classes: &[String],
) {
    let footnote = match notes.iter().find(|(u, _)| u == uri) {
        Some(&(_, f)) => f,
        None => {
            let f = s.tree.new_element("footnote");
            let id = s.set_id(f, "");
            s.tree.set(f, "auto", "1");
            s.tree
                .set_list(f, "names", vec![format!("TARGET_NOTE: {id}")]);
            let p = s.tree.new_element("paragraph");
            let r = s.tree.new_text_element("reference", uri);
            s.tree.set(r, "refuri", uri);
            s.tree.append(p, r);
            s.tree.append(f, p);
            s.set_id(f, "");
            s.autofootnotes.push(f);
            s.note_explicit_target(f);
            notes.push((uri.to_string(), f));
            f
        }
    };
    let Some(name) = s.tree.list(footnote, "names").first().cloned() else {
        return;
    };
    for &r in refs {
        if s.tree.is(r, "target") {
            continue;
        }
        let refnode = s.tree.new_element("footnote_reference");
        s.tree.set(refnode, "refname", &name);
        s.tree.set(refnode, "auto", "1");
        for c in classes {
            s.tree.push_list(refnode, "classes", c);
        }
        s.set_id(refnode, "");
        s.autofootnote_refs.push(refnode);
        s.footnote_refs
            .entry(name.clone())
            .or_default()
            .push(refnode);
        s.note_refname(refnode);
        let space = if classes.is_empty() {
            s.tree.new_text(" ")
        } else {
            let inline = s.tree.new_text_element("inline", " ");
            for c in classes {
                s.tree.push_list(inline, "classes", c);
            }
            inline
        };
        let (Some(parent), Some(at)) = (s.tree.parent(r), s.tree.index(r)) else {
            continue;
        };
        s.tree.insert(parent, at + 1, space);
        s.tree.insert(parent, at + 2, refnode);
    }
}
