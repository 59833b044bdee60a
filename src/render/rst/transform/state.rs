//! The document's memos as docutils keeps them on `nodes.document` (`docutils/nodes.py`:
//! `ids`, `names`, `nameids`, `refnames`, `refids`, `indirect_targets`, the footnote lists,
//! `substitution_defs`, `id_counter`), rebuilt from the parsed tree in document order (the
//! order the parser registered them in), and the id allocation of `document.set_id`.

use std::collections::{HashMap, HashSet};

use super::tree::{Id, Tree};
use crate::check::rst::ids::{self, ID_PREFIX, make_id};

/// The tree and docutils' `document` memos.
pub(super) struct State {
    pub tree: Tree,
    /// `document.ids`: id to element.
    pub ids: HashMap<String, Id>,
    /// `document.id_counter`: per-prefix counters of generated ids.
    counters: HashMap<String, usize>,
    /// `document.names`: name to element.
    pub names: HashMap<String, Id>,
    /// `document.nameids`: name to id.
    pub nameids: HashMap<String, String>,
    /// Names only duplicates hold (`dupnames`): docutils maps them to None in `nameids`.
    pub dupnames: HashSet<String>,
    /// `document.refnames`: name to the references (and indirect targets) using it.
    pub refnames: HashMap<String, Vec<Id>>,
    /// `document.refids`: id to the nodes referring to it.
    pub refids: HashMap<String, Vec<Id>>,
    /// `document.indirect_targets`.
    pub indirect_targets: Vec<Id>,
    pub autofootnotes: Vec<Id>,
    pub autofootnote_refs: Vec<Id>,
    pub symbol_footnotes: Vec<Id>,
    pub symbol_footnote_refs: Vec<Id>,
    pub footnotes: Vec<Id>,
    /// `document.footnote_refs`: label to references.
    pub footnote_refs: HashMap<String, Vec<Id>>,
    pub citations: Vec<Id>,
    pub citation_refs: HashMap<String, Vec<Id>>,
    /// `document.substitution_defs`: name to definition.
    pub substitution_defs: HashMap<String, Id>,
    /// `document.substitution_names`: normalized name to name.
    pub substitution_names: HashMap<String, String>,
}

/// The id `document.create_id` makes from a name, before any numbering.
fn name_id(name: &str) -> String {
    let base: String = make_id(&format!("x{name}")).chars().skip(1).collect();
    format!("{ID_PREFIX}{base}")
}

/// docutils' `whitespace_normalize_name`.
pub(super) fn whitespace_normalize(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// docutils' `fully_normalize_name`.
pub(super) fn fully_normalize(name: &str) -> String {
    whitespace_normalize(&name.to_lowercase())
}

impl State {
    /// The memos of the parsed tree `tree`.
    pub fn new(tree: Tree) -> Self {
        let mut s = State {
            tree,
            ids: HashMap::new(),
            counters: HashMap::new(),
            names: HashMap::new(),
            nameids: HashMap::new(),
            dupnames: HashSet::new(),
            refnames: HashMap::new(),
            refids: HashMap::new(),
            indirect_targets: Vec::new(),
            autofootnotes: Vec::new(),
            autofootnote_refs: Vec::new(),
            symbol_footnotes: Vec::new(),
            symbol_footnote_refs: Vec::new(),
            footnotes: Vec::new(),
            footnote_refs: HashMap::new(),
            citations: Vec::new(),
            citation_refs: HashMap::new(),
            substitution_defs: HashMap::new(),
            substitution_names: HashMap::new(),
        };
        for n in s.tree.preorder(s.tree.root) {
            s.note_ids_and_names(n);
            s.note_parsed(n);
        }
        s
    }

    /// Registers the ids and names the parser gave `n` (`document.set_id`, `note_names`).
    fn note_ids_and_names(&mut self, n: Id) {
        let ids = self.tree.list(n, "ids").to_vec();
        let named: Vec<String> = self
            .tree
            .list(n, "names")
            .iter()
            .chain(self.tree.list(n, "dupnames"))
            .map(|name| name_id(name))
            .collect();
        for id in &ids {
            self.ids.entry(id.clone()).or_insert(n);
            if !named.contains(id) {
                self.count_id(id);
            }
        }
        if self.tree.is(n, "substitution_definition") {
            return;
        }
        for name in self.tree.list(n, "dupnames") {
            self.dupnames.insert(name.clone());
        }
        for name in self.tree.list(n, "names").to_vec() {
            self.names.entry(name.clone()).or_insert(n);
            if let Some(id) = ids.last() {
                self.nameids.entry(name).or_insert_with(|| id.clone());
            }
        }
    }

    /// Seeds the counter of an id's prefix (`user-content-footnote-3` counts 3 for
    /// `user-content-footnote-`): the parser's counters are not in the tree, but the last id
    /// each made is (ids made from a name, like `footnote-3` for a section "Footnote 3", are
    /// not counted).
    fn count_id(&mut self, id: &str) {
        let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (prefix, number) = id.split_at(id.len() - digits);
        if prefix.ends_with('-')
            && let Ok(n) = number.parse::<usize>()
        {
            let c = self.counters.entry(prefix.to_string()).or_insert(0);
            *c = (*c).max(n);
        }
    }

    /// Registers `n` in the memos the parser fills (`note_refname`, `note_indirect_target`,
    /// `note_autofootnote`...).
    fn note_parsed(&mut self, n: Id) {
        let t = &self.tree;
        let tag = t.tag(n).to_string();
        let auto = t.get(n, "auto").map(str::to_string);
        let refname = t.get(n, "refname").map(str::to_string);
        match tag.as_str() {
            "reference" => self.note_refname(n),
            "target" if refname.is_some() => {
                self.indirect_targets.push(n);
                if !self.tree.list(n, "names").is_empty() {
                    self.note_refname(n);
                }
            }
            "footnote" => match auto.as_deref() {
                Some("*") => self.symbol_footnotes.push(n),
                Some(_) => self.autofootnotes.push(n),
                None => self.footnotes.push(n),
            },
            "footnote_reference" => {
                match auto.as_deref() {
                    Some("*") => self.symbol_footnote_refs.push(n),
                    Some(_) => self.autofootnote_refs.push(n),
                    None => {}
                }
                if let Some(r) = refname {
                    self.footnote_refs.entry(r).or_default().push(n);
                    self.note_refname(n);
                }
            }
            "citation" => self.citations.push(n),
            "citation_reference" => {
                if let Some(r) = refname {
                    self.citation_refs.entry(r).or_default().push(n);
                    self.note_refname(n);
                }
            }
            "substitution_definition" => self.note_substitution_def(n),
            _ => {}
        }
        if let Some(refid) = self.tree.get(n, "refid").map(str::to_string) {
            self.refids.entry(refid).or_default().push(n);
        }
    }

    /// `document.note_substitution_def`: the definition under its name, and its name under
    /// the normalized one.
    fn note_substitution_def(&mut self, n: Id) {
        if let Some(name) = self.tree.list(n, "names").first().cloned() {
            self.substitution_names
                .insert(fully_normalize(&name), name.clone());
            self.substitution_defs.insert(name, n);
        }
    }

    /// Whether `name` is a key of docutils' `nameids` (an id, or None for a duplicate).
    pub fn has_nameid(&self, name: &str) -> bool {
        self.nameids.contains_key(name) || self.dupnames.contains(name)
    }

    /// `document.note_refname`.
    pub fn note_refname(&mut self, n: Id) {
        if let Some(r) = self.tree.get(n, "refname") {
            self.refnames.entry(r.to_string()).or_default().push(n);
        }
    }

    /// `document.note_refid`.
    pub fn note_refid(&mut self, n: Id) {
        if let Some(r) = self.tree.get(n, "refid") {
            self.refids.entry(r.to_string()).or_default().push(n);
        }
    }

    /// `document.set_id`: gives `n` an id if it has none and registers its ids and names;
    /// returns its last id.
    pub fn set_id(&mut self, n: Id, suggested_prefix: &str) -> String {
        if self.tree.list(n, "ids").is_empty() {
            let id = self.create_id(n, suggested_prefix);
            self.tree.push_list(n, "ids", &id);
        }
        let ids = self.tree.list(n, "ids").to_vec();
        for id in &ids {
            self.ids.entry(id.clone()).or_insert(n);
        }
        let last = ids.last().cloned().unwrap_or_default();
        for name in self.tree.list(n, "names").to_vec() {
            self.nameids.insert(name, last.clone());
        }
        last
    }

    /// `document.create_id`.
    fn create_id(&mut self, n: Id, suggested_prefix: &str) -> String {
        let ids = &self.ids;
        let taken = |id: &str| ids.contains_key(id);
        let wanted = ids::IdWanted {
            names: self.tree.list(n, "names"),
            dupnames: self.tree.list(n, "dupnames"),
            tag: self.tree.tag(n),
            suggested_prefix,
        };
        ids::create_id(&wanted, taken, &mut self.counters)
    }

    /// `document.note_explicit_target` for a name the transforms add (a footnote's label):
    /// registers the name, then the id.
    pub fn note_explicit_target(&mut self, n: Id) {
        for name in self.tree.list(n, "names").to_vec() {
            self.names.entry(name).or_insert(n);
        }
        self.set_id(n, "");
    }
}
