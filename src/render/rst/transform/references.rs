//! docutils' reference transforms (`docutils/transforms/references.py`): `Substitutions`,
//! `PropagateTargets`, `AnonymousHyperlinks`, `IndirectHyperlinks`, `ExternalTargets`,
//! `InternalTargets` and the resolving half of `DanglingReferences`. Only the paths of a
//! document readme_renderer renders matter: any error (an unknown target, a mismatch of
//! anonymous references) makes it refuse the document, so those paths only stop here.

use std::collections::{HashMap, HashSet};

use super::state::State;
use super::tree::{Id, is_text_element};

/// Bound on the nodes substitutions copy into the document, beyond a few per reference of the
/// source. Circular definitions are reported (as docutils does), but definitions that each
/// refer to the next twice expand exponentially (docutils expands them all, and hangs): 18 of
/// them, a 557-byte description, took minutes and 24 made megabytes under the former bound of
/// 100,000 expansions, since one expansion can copy a definition already expanded.
const MAX_SUBSTITUTED_NODES: usize = 50_000;

/// docutils' `line_length_limit` setting: a longer definition is not substituted (an error).
const LINE_LENGTH_LIMIT: usize = 10_000;

/// Whether an attribute holds a true Python value (`node.get('anonymous')`).
pub(super) fn truthy(value: Option<&str>) -> bool {
    !matches!(value, None | Some("" | "0" | "False" | "None"))
}

/// `Substitutions.apply`: every substitution reference becomes a copy of its definition's
/// children; references in the copies are expanded in turn (a circular one is left, as docutils
/// reports it).
pub(super) fn substitutions(s: &mut State) {
    let mut queue = s.tree.find("substitution_reference");
    let mut budget = MAX_SUBSTITUTED_NODES + 4 * queue.len();
    let mut nested: HashMap<String, HashSet<String>> = HashMap::new();
    let mut i = 0;
    while let Some(&r) = queue.get(i) {
        i += 1;
        let Some((key, def)) = substitution_def(s, r) else {
            continue;
        };
        let Some(left) = budget.checked_sub(s.tree.preorder(def).len()) else {
            break;
        };
        budget = left;
        if s.tree.astext(def).chars().count() > LINE_LENGTH_LIMIT {
            continue;
        }
        trim_around(s, r, def);
        let copy = s.tree.deep_copy(def);
        let Some(inner) = nested_refs(s, copy, &key, &mut nested) else {
            continue;
        };
        queue.extend(inner);
        let children = s.tree.children(copy).to_vec();
        s.tree.replace_self(r, children.clone());
        for c in children {
            let referential = matches!(
                s.tree.tag(c),
                "reference" | "footnote_reference" | "citation_reference"
            );
            if referential && s.tree.has(c, "refname") {
                s.note_refname(c);
            }
        }
    }
}

/// The substitution references inside a copy of definition `key`, or None when one is circular
/// (its name already expanded inside itself) or undefined.
fn nested_refs(
    s: &State,
    copy: Id,
    key: &str,
    nested: &mut HashMap<String, HashSet<String>>,
) -> Option<Vec<Id>> {
    let mut out = Vec::new();
    for n in s.tree.preorder(copy) {
        if !s.tree.is(n, "substitution_reference") {
            continue;
        }
        let refname = s.tree.get(n, "refname")?.to_lowercase();
        let name = s.substitution_names.get(&refname)?;
        let seen = nested.entry(name.clone()).or_default();
        if seen.contains(name) {
            return None;
        }
        // a set: the names expanded inside `name` grow with every expansion, and searching a
        // list of them (as docutils does) was quadratic
        seen.insert(key.to_string());
        out.push(n);
    }
    Some(out)
}

/// The definition a substitution reference names (exactly, else case-insensitively), with its
/// name.
fn substitution_def(s: &State, r: Id) -> Option<(String, Id)> {
    let refname = s.tree.get(r, "refname")?;
    if let Some(&d) = s.substitution_defs.get(refname) {
        return Some((refname.to_string(), d));
    }
    let key = s.substitution_names.get(&refname.to_lowercase())?;
    Some((key.clone(), *s.substitution_defs.get(key)?))
}

/// The `ltrim`/`rtrim`/`trim` options: whitespace around the reference goes.
fn trim_around(s: &mut State, r: Id, def: Id) {
    let (Some(parent), Some(at)) = (s.tree.parent(r), s.tree.index(r)) else {
        return;
    };
    let trim = s.tree.has(def, "trim");
    let before = at.checked_sub(1).and_then(|b| s.tree.child(parent, b));
    if (trim || s.tree.has(def, "ltrim"))
        && let Some(b) = before
        && let Some(t) = s.tree.text(b)
    {
        let t = t.trim_end().to_string();
        s.tree.set_text(b, t);
    }
    if (trim || s.tree.has(def, "rtrim"))
        && let Some(a) = s.tree.child(parent, at + 1)
        && let Some(t) = s.tree.text(a)
    {
        let t = t.trim_start().to_string();
        s.tree.set_text(a, t);
    }
}

/// Whether a target refers somewhere itself (`refid`, `refuri` or `refname`).
fn refers(s: &State, t: Id) -> bool {
    s.tree.has(t, "refid") || s.tree.has(t, "refuri") || s.tree.has(t, "refname")
}

/// `PropagateTargets.apply`: an empty block-level target hands its ids and names to the next
/// element and refers to it.
pub(super) fn propagate_targets(s: &mut State) {
    for target in s.tree.find("target") {
        let in_text = s
            .tree
            .parent(target)
            .is_some_and(|p| is_text_element(s.tree.tag(p)));
        if in_text || refers(s, target) {
            continue;
        }
        let Some(next) = s.tree.following(target, false).first().copied() else {
            continue;
        };
        let next_tag = s.tree.tag(next);
        let invisible = matches!(
            next_tag,
            "comment" | "substitution_definition" | "pending" | "footnote" | "citation" | "#text"
        );
        if invisible {
            continue;
        }
        let ids = s.tree.list(target, "ids").to_vec();
        let names = s.tree.list(target, "names").to_vec();
        let mut next_ids = s.tree.list(next, "ids").to_vec();
        next_ids.extend(ids.iter().cloned());
        s.tree.set_list(next, "ids", next_ids);
        let mut next_names = s.tree.list(next, "names").to_vec();
        next_names.extend(names);
        s.tree.set_list(next, "names", next_names);
        for id in &ids {
            s.ids.insert(id.clone(), next);
        }
        let in_figure = s
            .tree
            .parent(target)
            .is_some_and(|p| s.tree.is(p, "figure"));
        if in_figure && s.tree.is(next, "caption") {
            s.tree.detach(target);
            continue;
        }
        if let Some(first) = ids.first() {
            s.tree.set(target, "refid", first);
        }
        s.tree.set_list(target, "ids", Vec::new());
        s.tree.set_list(target, "names", Vec::new());
        s.note_refid(target);
    }
}

/// `AnonymousHyperlinks.apply`: the n-th anonymous reference links to the n-th anonymous
/// target (through propagated targets to the element that took their ids).
pub(super) fn anonymous_hyperlinks(s: &mut State) {
    let anonymous = |s: &State, tag: &str| -> Vec<Id> {
        s.tree
            .find(tag)
            .into_iter()
            .filter(|&n| truthy(s.tree.get(n, "anonymous")))
            .collect()
    };
    let refs = anonymous(s, "reference");
    let targets = anonymous(s, "target");
    if refs.len() != targets.len() {
        return;
    }
    for (r, mut t) in refs.into_iter().zip(targets) {
        if s.tree.has(r, "refid") || s.tree.has(r, "refuri") {
            continue;
        }
        for _ in 0..64 {
            if let Some(uri) = s.tree.get(t, "refuri").map(str::to_string) {
                s.tree.set(r, "refuri", &uri);
                s.tree.set_resolved(r);
                break;
            }
            if let Some(id) = s.tree.list(t, "ids").first().cloned() {
                s.tree.set(r, "refid", &id);
                s.note_refid(r);
                break;
            }
            match s.tree.get(t, "refid").and_then(|id| s.ids.get(id)) {
                Some(&next) => t = next,
                None => break,
            }
        }
    }
}

/// `IndirectHyperlinks.apply`: indirect targets take the final `refuri` or `refid` of the
/// chain they start, and so do the references to them.
pub(super) fn indirect_hyperlinks(s: &mut State) {
    for target in s.indirect_targets.clone() {
        if !s.tree.resolved(target) {
            resolve_indirect_target(s, target, 0);
        }
        resolve_indirect_references(s, target, 0);
    }
}

/// `IndirectHyperlinks.resolve_indirect_target`.
fn resolve_indirect_target(s: &mut State, target: Id, depth: usize) {
    if depth > 64 {
        return;
    }
    let refname = s.tree.get(target, "refname").map(str::to_string);
    let mut refid = s.tree.get(target, "refid").map(str::to_string);
    let reftarget = match (&refid, &refname) {
        (Some(id), _) => s.ids.get(id).copied(),
        (None, Some(name)) => {
            let rt = s.names.get(name).copied();
            refid = s.nameids.get(name).cloned();
            if let (Some(rt), None) = (rt, &refid) {
                refid = Some(s.set_id(rt, ""));
            }
            rt
        }
        (None, None) => None,
    };
    let Some(reftarget) = reftarget else {
        return;
    };
    if s.tree.is(reftarget, "target")
        && !s.tree.resolved(reftarget)
        && s.tree.has(reftarget, "refname")
    {
        resolve_indirect_target(s, reftarget, depth + 1);
    }
    if let Some(uri) = s.tree.get(reftarget, "refuri").map(str::to_string) {
        s.tree.set(target, "refuri", &uri);
        s.tree.unset(target, "refid");
    } else if let Some(id) = s.tree.get(reftarget, "refid").map(str::to_string) {
        s.tree.set(target, "refid", &id);
        s.note_refid(target);
    } else if !s.tree.list(reftarget, "ids").is_empty()
        && let Some(id) = refid
    {
        s.tree.set(target, "refid", &id);
        s.note_refid(target);
    } else {
        return;
    }
    if refname.is_some() {
        s.tree.unset(target, "refname");
    }
    s.tree.set_resolved(target);
}

/// `IndirectHyperlinks.resolve_indirect_references`: the references to a resolved indirect
/// target, by its names and ids, take its `refid` or `refuri`.
fn resolve_indirect_references(s: &mut State, target: Id, depth: usize) {
    if depth > 64 {
        return;
    }
    let (attname, is_refid) = if s.tree.has(target, "refid") {
        ("refid", true)
    } else if s.tree.has(target, "refuri") {
        ("refuri", false)
    } else {
        return;
    };
    let Some(attval) = s.tree.get(target, attname).map(str::to_string) else {
        return;
    };
    let mut reflists: Vec<(&str, Vec<Id>)> = Vec::new();
    for name in s.tree.list(target, "names") {
        reflists.push(("refname", s.refnames.get(name).cloned().unwrap_or_default()));
    }
    for id in s.tree.list(target, "ids") {
        reflists.push(("refid", s.refids.get(id).cloned().unwrap_or_default()));
    }
    for (old, reflist) in reflists {
        for r in reflist {
            if s.tree.resolved(r) {
                continue;
            }
            s.tree.unset(r, old);
            s.tree.set(r, attname, &attval);
            if is_refid {
                s.note_refid(r);
            }
            s.tree.set_resolved(r);
            if s.tree.is(r, "target") {
                resolve_indirect_references(s, r, depth + 1);
            }
        }
    }
}

/// `ExternalTargets.apply`: references to a target with a URI take the URI.
pub(super) fn external_targets(s: &mut State) {
    for target in s.tree.find("target") {
        let Some(uri) = s.tree.get(target, "refuri").map(str::to_string) else {
            continue;
        };
        for name in s.tree.list(target, "names").to_vec() {
            for r in s.refnames.get(&name).cloned().unwrap_or_default() {
                if s.tree.resolved(r) {
                    continue;
                }
                s.tree.unset(r, "refname");
                s.tree.set(r, "refuri", &uri);
                s.tree.set_resolved(r);
            }
        }
    }
}

/// `InternalTargets.apply`: references to an internal target link to its id.
pub(super) fn internal_targets(s: &mut State) {
    for target in s.tree.find("target") {
        if s.tree.has(target, "refuri") || s.tree.has(target, "refid") {
            continue;
        }
        for name in s.tree.list(target, "names").to_vec() {
            let refid = s.nameids.get(&name).cloned();
            for r in s.refnames.get(&name).cloned().unwrap_or_default() {
                if s.tree.resolved(r) {
                    continue;
                }
                if let Some(id) = &refid {
                    s.tree.unset(r, "refname");
                    s.tree.set(r, "refid", id);
                }
                s.tree.set_resolved(r);
            }
        }
    }
}

/// `DanglingReferences.apply`, the resolving part: a reference still carrying a `refname`
/// links to the id registered for that name (a section title, a propagated target...).
pub(super) fn dangling_references(s: &mut State) {
    for n in s.tree.preorder(s.tree.root) {
        let tag = s.tree.tag(n);
        if !matches!(
            tag,
            "reference" | "footnote_reference" | "citation_reference"
        ) || s.tree.resolved(n)
        {
            continue;
        }
        let Some(refname) = s.tree.get(n, "refname") else {
            continue;
        };
        if let Some(id) = s.nameids.get(refname).cloned() {
            s.tree.unset(n, "refname");
            s.tree.set(n, "refid", &id);
            s.tree.set_resolved(n);
        }
    }
}
