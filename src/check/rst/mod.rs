//! Decides, without Python, whether PyPI would render a reStructuredText long description.
//!
//! PyPI renders reStructuredText with docutils through `readme_renderer`, whose settings make
//! any docutils system message at warning level or above fatal (`halt_level=2`), and which
//! treats an empty rendering as a failure. [`validate`] re-implements the parts of docutils'
//! parser and transforms that can emit such messages: the block state machine ([`block`]),
//! inline markup ([`inline`]), directives with `readme_renderer`'s settings ([`directive`]),
//! tables ([`table`]), and the document-level checks (references, substitutions, footnotes,
//! transitions, bibliographic fields, empty output) in this file.
//!
//! It is a validator, not a renderer: it builds no HTML. The same single pass also builds
//! docutils' parsed document tree ([`doctree`], `node` elements; bookkeeping in `tree`), which
//! the preview's transforms and HTML writer take from there. Like docutils with
//! `halt_level=2`, it stops at the first problem, so it returns at most one. Markdown and plain
//! text are not its business.
//!
//! Layout: `machine` (the line machine both parsers share, and the `Nest` trait) is used by
//! `block` (the states) and `directive` (the directive and role tables); `block` calls
//! `directive`, never the reverse. Everything here may use `chars` (character classes) and the
//! `Doc` state of this file; nothing here uses another part of hoist.

mod block;
pub(crate) use block::to_roman;
mod chars;
mod directive;
pub(crate) mod ids;
mod inline;
mod machine;
pub mod node;
mod table;
mod tables;
mod tree;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

/// How serious a docutils system message is (docutils levels 2..=4; PyPI fails on any of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RstLevel {
    Warning,
    Error,
    Severe,
}

impl RstLevel {
    /// docutils' own name for the level, as twine prints it (`line 3: Warning: ...`).
    pub fn as_str(&self) -> &'static str {
        match self {
            RstLevel::Warning => "Warning",
            RstLevel::Error => "Error",
            RstLevel::Severe => "Severe",
        }
    }
}

/// One docutils system message at warning level or above.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RstProblem {
    /// 1-based line within the description, where docutils gives one.
    pub line: Option<usize>,
    pub level: RstLevel,
    /// docutils' own wording, e.g. `Error in "image" directive:\nno content permitted.` flattened to one line where docutils uses several.
    pub message: String,
}

/// docutils' default `line_length_limit`, in characters.
pub const LINE_LENGTH_LIMIT: usize = 10_000;

/// An image source (`image`/`figure` directive argument) or hyperlink target URI (`.. _name:
/// URI`, an image's `:target:` URI) the validator met: what the project-page rules
/// ([`crate::check::rules::page`]) check for relative paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub url: String,
    /// An image source rather than a link.
    pub image: bool,
    /// 1-based line within the description.
    pub line: usize,
}

/// The image sources and hyperlink target URIs of a reStructuredText source, in order, up to
/// the first problem [`validate`] would report.
pub fn targets(source: &str) -> Vec<Target> {
    let mut doc = Doc::new(string2lines(source));
    let _ = doc.run();
    // docutils' `adjust_uri` turns a link to a bare e-mail address into `mailto:`.
    let email = |t: &Target| !t.image && t.url.contains('@') && !t.url.contains([':', '/']);
    doc.targets.retain(|t| !email(t));
    doc.targets
}

/// readme_renderer's message when docutils reported nothing but the rendering is empty.
pub const EMPTY_RENDER_MESSAGE: &str = "No content rendered from RST source.";

/// Everything docutils (with readme_renderer's settings: PyPI's halt_level=2 behaviour) would report at
/// warning level or above for this reStructuredText source, including the empty-render case
/// (a document that is only whitespace or only comments renders to nothing and fails).
/// An empty Vec means PyPI would render it.
pub fn validate(source: &str) -> Vec<RstProblem> {
    let lines = string2lines(source);
    // docutils' rst parser refuses the whole document when a line (after tab expansion) is
    // longer than `line_length_limit` (10,000 characters by default;
    // `docutils/parsers/rst/__init__.py`, `Parser.parse`).
    if let Some(i) = lines.iter().position(|l| l.len() > LINE_LENGTH_LIMIT) {
        return vec![RstProblem {
            line: None,
            level: RstLevel::Error,
            message: format!("Line {} exceeds the line-length-limit.", i + 1),
        }];
    }
    let mut doc = Doc::new(lines);
    match doc.run() {
        Ok(()) => Vec::new(),
        Err(Halt) => doc.problem.into_iter().collect(),
    }
}

/// The document tree docutils' rst parser builds for `source` (a `document` element, before
/// any transform: `docutils.parsers.rst.Parser().parse` with readme_renderer's settings), or
/// `None` where [`validate`] reports a problem (PyPI would not render the description).
pub fn doctree(source: &str) -> Option<node::Element> {
    if !validate_lines(source) {
        return None;
    }
    let mut doc = Doc::new(string2lines(source));
    doc.build_tree = true;
    doc.run().ok()?;
    Some(doc.finish_tree())
}

/// Whether every line is within docutils' `line_length_limit` (see [`validate`]).
fn validate_lines(source: &str) -> bool {
    string2lines(source)
        .iter()
        .all(|l| l.len() <= LINE_LENGTH_LIMIT)
}

/// The inline nodes docutils' `Inliner.parse` (`docutils/parsers/rst/states.py`) builds for
/// `text` in a fresh document, or `None` where it reports a problem. For the inline parser's
/// differential test (tests/rst_inline.rs).
#[doc(hidden)]
pub fn inline_doctree(text: &str, line: usize) -> Option<Vec<node::Node>> {
    let mut doc = Doc::new(Vec::new());
    doc.build_tree = true;
    let chars: Vec<char> = text.chars().collect();
    inline::parse_nodes(&mut doc, &chars, line)
        .ok()
        .map(|(_, nodes)| nodes)
}

/// docutils' `string2lines` with the rst parser's settings: `\v` and `\f` become spaces, lines
/// split as Python's `str.splitlines`, tabs expanded to 8 columns, trailing whitespace stripped.
fn string2lines(source: &str) -> Vec<Vec<char>> {
    let mut lines = Vec::new();
    let mut cur: Vec<char> = Vec::new();
    let mut chars = source.chars().peekable();
    let push = |cur: &mut Vec<char>, lines: &mut Vec<Vec<char>>| {
        let mut out = Vec::with_capacity(cur.len());
        for &c in cur.iter() {
            if c == '\t' {
                let n = 8 - out.len() % 8;
                out.extend(std::iter::repeat_n(' ', n));
            } else {
                out.push(c);
            }
        }
        let keep = chars::rstrip(&out).len();
        out.truncate(keep);
        lines.push(out);
        cur.clear();
    };
    let mut pending = false;
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                push(&mut cur, &mut lines);
                pending = false;
            }
            '\n' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                push(&mut cur, &mut lines);
                pending = false;
            }
            '\x0b' | '\x0c' => {
                cur.push(' ');
                pending = true;
            }
            c => {
                cur.push(c);
                pending = true;
            }
        }
    }
    if pending || !cur.is_empty() {
        push(&mut cur, &mut lines);
    }
    lines
}

/// The marker that docutils has raised a system message at or above halt level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Halt;

type R<T = ()> = Result<T, Halt>;

/// Kinds of reference whose names must resolve (DanglingReferences).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefKind {
    Ref,
    Footnote,
}

/// What the document-level checks need to know about one body element.
#[derive(Debug, Clone)]
enum Elem {
    Paragraph,
    BulletList(Vec<Vec<Elem>>),
    EnumList,
    FieldList(Vec<FieldInfo>),
    Table,
    Comment {
        empty: bool,
    },
    Target,
    SubstDef,
    /// Invisible nodes that transforms replace or remove (pending, meta, decoration).
    Pending,
    Transition {
        line: usize,
    },
    Section(usize),
    Title,
    /// Any other visible element.
    Other,
}

impl Elem {
    /// docutils' `PreBibliographic` (plus invisible elements), ignored when promoting titles.
    fn is_prebibliographic(&self) -> bool {
        matches!(
            self,
            Elem::Comment { .. } | Elem::Target | Elem::SubstDef | Elem::Pending | Elem::Title
        )
    }
}

#[derive(Debug, Clone)]
struct FieldInfo {
    name: String,
    line: usize,
    body: Vec<Elem>,
    single_line: bool,
}

#[derive(Debug, Clone)]
struct NameEntry {
    explicit: bool,
    /// `None` when the name is a "dupname" (several targets, no unique one).
    node: Option<(Option<String>, Option<String>)>,
}

/// Document-wide state: docutils' `memo` and `document` bookkeeping, plus the first problem.
#[derive(Clone)]
struct Doc {
    src: Vec<Vec<char>>,
    problem: Option<RstProblem>,
    names: HashMap<String, NameEntry>,
    refs: Vec<(String, RefKind, Option<usize>)>,
    anonymous_refs: usize,
    anonymous_targets: usize,
    subst_refs: Vec<(String, Option<usize>)>,
    subst_defs: HashSet<String>,
    subst_defs_lower: HashSet<String>,
    auto_footnote_refs: usize,
    symbol_footnote_refs: usize,
    auto_footnotes: usize,
    symbol_footnotes: usize,
    /// Labels of labeled auto-numbered footnotes (`.. [#label]`) and references to them.
    auto_footnote_labels: HashSet<String>,
    auto_labeled_refs: Vec<String>,
    indirect_targets: Vec<(String, String, Option<usize>)>,
    title_styles: Vec<(char, Option<char>)>,
    /// Section bodies; index 0 is the document itself.
    tree: Vec<Vec<Elem>>,
    section_stack: Vec<usize>,
    default_role: Option<String>,
    custom_roles: HashMap<String, String>,
    /// Image sources and hyperlink target URIs met so far ([`targets`]).
    targets: Vec<Target>,
    /// Element ids given so far (`document.ids`) and the counter per auto-id prefix
    /// (`document.id_counter`): see `ids.rs`.
    ids: HashSet<String>,
    id_counter: HashMap<String, usize>,
    /// The document element and the sections open in it (docutils' parent chain while the
    /// top-level state machine runs); `finish_tree` closes them.
    stack: Vec<node::Element>,
    /// The tree's own name table (`document.names` / `nametypes`), see `tree.rs`.
    tree_names: HashMap<String, tree::TreeName>,
    /// Names to move to `dupnames` on an element built earlier, by that element's id.
    dupname_fixups: HashMap<String, Vec<String>>,
    /// Whether the tree is wanted ([`doctree`]). [`validate`] and [`targets`] only need the
    /// checks: they skip the inline work only the nodes need (text without markup, the search
    /// for standalone URIs, which never warns) and the tree's ids and name table.
    build_tree: bool,
}

impl Doc {
    fn new(src: Vec<Vec<char>>) -> Self {
        Doc {
            src,
            problem: None,
            names: HashMap::new(),
            refs: Vec::new(),
            anonymous_refs: 0,
            anonymous_targets: 0,
            subst_refs: Vec::new(),
            subst_defs: HashSet::new(),
            subst_defs_lower: HashSet::new(),
            auto_footnote_refs: 0,
            symbol_footnote_refs: 0,
            auto_footnotes: 0,
            symbol_footnotes: 0,
            auto_footnote_labels: HashSet::new(),
            auto_labeled_refs: Vec::new(),
            indirect_targets: Vec::new(),
            title_styles: Vec::new(),
            tree: vec![Vec::new()],
            section_stack: Vec::new(),
            default_role: None,
            custom_roles: HashMap::new(),
            targets: Vec::new(),
            ids: HashSet::new(),
            id_counter: HashMap::new(),
            stack: vec![tree::document()],
            tree_names: HashMap::new(),
            dupname_fixups: HashMap::new(),
            build_tree: false,
        }
    }

    fn report(&mut self, level: RstLevel, message: String, line: Option<usize>) -> Halt {
        if self.problem.is_none() {
            self.problem = Some(RstProblem {
                line,
                level,
                message: message.replace('\n', " "),
            });
        }
        Halt
    }

    fn warning(&mut self, message: String, line: Option<usize>) -> Halt {
        self.report(RstLevel::Warning, message, line)
    }

    fn error(&mut self, message: String, line: Option<usize>) -> Halt {
        self.report(RstLevel::Error, message, line)
    }

    fn run(&mut self) -> R {
        block::parse_document(self)?;
        self.transforms()
    }

    /// `document.note_explicit_target` (name conflicts per docutils' `set_duplicate_name`).
    fn note_explicit_target(
        &mut self,
        name: String,
        refuri: Option<String>,
        refname: Option<String>,
        line: Option<usize>,
    ) -> R {
        if name.is_empty() {
            return Ok(());
        }
        let Some(old) = self.names.get(&name).cloned() else {
            self.names.insert(
                name,
                NameEntry {
                    explicit: true,
                    node: Some((refuri, refname)),
                },
            );
            return Ok(());
        };
        let entry = self.names.get_mut(&name).ok_or(Halt)?;
        entry.explicit = true;
        if let Some((ouri, oname)) = &old.node
            && ((refname.is_some() && refname == *oname) || (refuri.is_some() && refuri == *ouri))
        {
            return Ok(());
        }
        if old.explicit {
            if old.node.is_some() {
                entry.node = None;
            }
            return Err(self.warning(format!("Duplicate explicit target name: \"{name}\"."), line));
        }
        entry.node = Some((refuri, refname));
        Ok(())
    }

    /// `document.note_implicit_target`: conflicts are only INFO-level, but they make names
    /// ambiguous.
    fn note_implicit_target(
        &mut self,
        name: String,
        refuri: Option<String>,
        refname: Option<String>,
    ) {
        if name.is_empty() {
            return;
        }
        match self.names.get_mut(&name) {
            None => {
                self.names.insert(
                    name,
                    NameEntry {
                        explicit: false,
                        node: Some((refuri, refname)),
                    },
                );
            }
            Some(entry) => {
                if let Some((ouri, oname)) = &entry.node
                    && ((refname.is_some() && refname == *oname)
                        || (refuri.is_some() && refuri == *ouri))
                {
                    return;
                }
                if entry.node.is_some() && !entry.explicit {
                    entry.node = None;
                }
            }
        }
    }

    /// A labeled auto-numbered footnote `.. [#label]`: an explicit target and a label.
    fn auto_footnotes_labeled(&mut self, label: &str, line: usize) -> R {
        self.auto_footnote_labels.insert(label.to_string());
        self.note_explicit_target(label.to_string(), None, None, Some(line))
    }

    fn note_substitution_def(&mut self, name: &str, line: Option<usize>) -> R {
        let name = chars::ws_normalize(name);
        if self.subst_defs.contains(&name) {
            return Err(self.error(
                format!("Duplicate substitution definition name: \"{name}\"."),
                line,
            ));
        }
        self.subst_defs_lower.insert(name.to_lowercase());
        self.subst_defs.insert(name);
        Ok(())
    }

    /// Interpreted text: resolve the role (or the default role) and run its checks.
    fn check_role(&mut self, role: Option<&str>, text: &[char], line: usize) -> R {
        let name = match role {
            Some(r) => r.to_lowercase(),
            None => match &self.default_role {
                Some(r) => r.clone(),
                None => return Ok(()),
            },
        };
        let canonical = match self.custom_roles.get(&name) {
            Some(base) => base.clone(),
            None => match directive::canonical_role(&name) {
                Some(c) => c.to_string(),
                None => {
                    return Err(self.error(
                        format!("Unknown interpreted text role \"{name}\"."),
                        Some(line),
                    ));
                }
            },
        };
        directive::run_role(self, &name, &canonical, text, line)
    }

    /// The docutils transforms that can report problems, in their priority order (the
    /// number after each is its `default_priority`), then the empty-output check.
    fn transforms(&mut self) -> R {
        self.substitutions()?; // Substitutions (220)
        let body = self.doc_title(); // DocTitle (320), SectionSubTitle (350)
        let has_docinfo = self.docinfo(&body)?; // DocInfo (340)
        self.anonymous_hyperlinks()?; // AnonymousHyperlinks (440)
        self.indirect_hyperlinks()?; // IndirectHyperlinks (460)
        self.footnotes()?; // Footnotes (620)
        self.check_transitions(&body, true, true)?; // Transitions (830)
        self.dangling_references()?; // DanglingReferences (850)
        // readme_renderer: an empty rendering fails too.
        let visible = has_docinfo
            || body.iter().any(|e| {
                !matches!(
                    e,
                    Elem::Comment { .. }
                        | Elem::Target
                        | Elem::SubstDef
                        | Elem::Pending
                        | Elem::Title
                )
            });
        if !visible {
            return Err(self.warning(EMPTY_RENDER_MESSAGE.to_string(), None));
        }
        Ok(())
    }

    /// `Substitutions`: every substitution reference has a definition (exact, else by
    /// lower-cased name).
    fn substitutions(&mut self) -> R {
        for (name, line) in std::mem::take(&mut self.subst_refs) {
            if !self.subst_defs.contains(&name)
                && !self.subst_defs_lower.contains(&name.to_lowercase())
            {
                return Err(self.error(
                    format!("Undefined substitution referenced: \"{name}\"."),
                    line,
                ));
            }
        }
        Ok(())
    }

    /// `DocTitle`, `SectionSubTitle`: a lone top-level section (and a lone section under it)
    /// is promoted to the document title (and subtitle). Returns the document's top-level body.
    fn doc_title(&mut self) -> Vec<Elem> {
        let mut body = std::mem::take(&mut self.tree[0]);
        if let Some((idx, sec)) = candidate(&body) {
            let mut children = std::mem::take(&mut self.tree[sec]);
            let rest = children.split_off(1.min(children.len()));
            let mut new_body = children; // the title
            new_body.extend(body.drain(..idx));
            new_body.extend(rest);
            body = new_body;
            // subtitle
            let tail: Vec<Elem> = body[1..].to_vec();
            if let Some((sidx, ssec)) = candidate(&tail) {
                let mut schildren = std::mem::take(&mut self.tree[ssec]);
                let srest = schildren.split_off(1.min(schildren.len()));
                let mut nb = vec![Elem::Title, Elem::Title];
                nb.extend(tail[..sidx].iter().cloned());
                nb.extend(srest);
                body = nb;
            }
        }
        body
    }

    /// `DocInfo`: a leading field list is bibliographic; returns whether it has fields.
    fn docinfo(&mut self, body: &[Elem]) -> R<bool> {
        let mut has_docinfo = false;
        if let Some(Elem::FieldList(fields)) = body.iter().find(|e| !e.is_prebibliographic()) {
            let fields = fields.clone();
            has_docinfo = !fields.is_empty();
            self.check_docinfo(&fields)?;
        }
        Ok(has_docinfo)
    }

    /// `AnonymousHyperlinks`: as many anonymous references as anonymous targets.
    fn anonymous_hyperlinks(&mut self) -> R {
        if self.anonymous_refs != self.anonymous_targets {
            let (r, t) = (self.anonymous_refs, self.anonymous_targets);
            return Err(self.error(
                format!(
                    "Anonymous hyperlink mismatch: {r} references but {t} targets.\nSee \"backrefs\" attribute for IDs."
                ),
                None,
            ));
        }
        Ok(())
    }

    /// `IndirectHyperlinks`: an indirect target refers to one existing, unique target.
    fn indirect_hyperlinks(&mut self) -> R {
        for (name, refname, line) in std::mem::take(&mut self.indirect_targets) {
            match self.names.get(&refname) {
                Some(NameEntry { node: Some(_), .. }) => {}
                found => {
                    let why = if found.is_some() {
                        "which is a duplicate, and cannot be used as a unique reference"
                    } else {
                        "which does not exist"
                    };
                    let naming = if name.is_empty() {
                        String::new()
                    } else {
                        format!("\"{name}\" (id=\"user-content-{}\")", make_id(&name))
                    };
                    return Err(self.error(
                        format!("Indirect hyperlink target {naming} refers to target \"{refname}\", {why}."),
                        line,
                    ));
                }
            }
        }
        Ok(())
    }

    /// `Footnotes`: enough auto-numbered and symbol footnotes for their references.
    fn footnotes(&mut self) -> R {
        // Labeled references without a labeled footnote take numbers from the unlabeled pool.
        let unresolved = self.auto_footnote_refs
            + self
                .auto_labeled_refs
                .iter()
                .filter(|l| !self.auto_footnote_labels.contains(*l))
                .count();
        if unresolved > self.auto_footnotes {
            let n = self.auto_footnotes;
            let s = if n > 1 { "s" } else { "" };
            return Err(self.error(
                format!("Too many autonumbered footnote references: only {n} corresponding footnote{s} available."),
                None,
            ));
        }
        if self.symbol_footnote_refs > self.symbol_footnotes {
            let n = self.symbol_footnotes;
            return Err(self.error(
                format!("Too many symbol footnote references: only {n} corresponding footnotes available."),
                None,
            ));
        }
        Ok(())
    }

    /// `DanglingReferences`: every named reference resolves to one target.
    fn dangling_references(&mut self) -> R {
        for (name, _kind, line) in std::mem::take(&mut self.refs) {
            match self.names.get(&name) {
                Some(NameEntry { node: Some(_), .. }) => {}
                Some(_) => {
                    return Err(self.error(
                        format!("Duplicate target name, cannot be used as a unique reference: \"{name}\"."),
                        line,
                    ));
                }
                None => {
                    return Err(self.error(format!("Unknown target name: \"{name}\"."), line));
                }
            }
        }
        Ok(())
    }

    fn check_docinfo(&mut self, fields: &[FieldInfo]) -> R {
        const TEXT: &[&str] = &[
            "author",
            "organization",
            "address",
            "contact",
            "version",
            "revision",
            "status",
            "date",
            "copyright",
        ];
        let mut topics = HashSet::new();
        for f in fields {
            let norm = chars::normalize_name(&f.name);
            let known = TEXT.contains(&norm.as_str())
                || matches!(norm.as_str(), "authors" | "dedication" | "abstract");
            if !known {
                continue;
            }
            if f.body.is_empty() {
                return Err(self.warning(
                    format!("Cannot extract empty bibliographic field \"{}\".", f.name),
                    Some(f.line),
                ));
            }
            if TEXT.contains(&norm.as_str()) {
                let single_para = f.body.len() == 1 && matches!(f.body[0], Elem::Paragraph);
                let enum_ok = matches!(f.body.first(), Some(Elem::EnumList)) && f.single_line;
                if !single_para && !enum_ok {
                    let names: Vec<&str> = f.body.iter().map(elem_tag).collect();
                    let content = if names.len() > 1 {
                        format!(
                            "[{}]",
                            names
                                .iter()
                                .map(|n| format!("<{n}>"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    } else {
                        format!("a <{}>", names.first().copied().unwrap_or("paragraph"))
                    };
                    return Err(self.warning(
                        format!(
                            "Bibliographic field \"{}\"\nmust contain a single <paragraph>, not {content}.",
                            f.name
                        ),
                        Some(f.line),
                    ));
                }
            } else if norm == "authors" {
                let ok = if f.body.len() == 1 {
                    matches!(f.body[0], Elem::Paragraph | Elem::BulletList(_))
                } else {
                    true
                };
                if !ok {
                    return Err(self.warning(
                        format!("Cannot extract \"{}\" from bibliographic field:", f.name),
                        None,
                    ));
                }
            } else if !topics.insert(norm.clone()) {
                return Err(
                    self.warning(format!("There can only be one \"{}\" field.", f.name), None)
                );
            }
        }
        Ok(())
    }

    /// misc.Transitions: a transition may not begin or end a section or the document, nor
    /// follow another transition.
    fn check_transitions(&mut self, children: &[Elem], is_doc: bool, last_in_doc: bool) -> R {
        let ignored = |e: &Elem| {
            matches!(
                e,
                Elem::Comment { .. } | Elem::Target | Elem::SubstDef | Elem::Pending | Elem::Title
            )
        };
        let n = children.len();
        for (i, e) in children.iter().enumerate() {
            match e {
                Elem::Transition { line } => {
                    let line = Some(*line);
                    let adjacent = i > 0 && matches!(children[i - 1], Elem::Transition { .. });
                    let begins = children[..i].iter().all(ignored);
                    let ends = children[i + 1..].iter().all(ignored);
                    if ends && last_in_doc {
                        return Err(
                            self.warning("Transition at the end of the document.".into(), line)
                        );
                    }
                    if begins && !(adjacent) {
                        let what = if is_doc { "document" } else { "section" };
                        return Err(
                            self.warning(format!("Transition at the start of the {what}."), line)
                        );
                    }
                    if adjacent {
                        return Err(self.warning(
                            "At least one body element should separate transitions.".into(),
                            line,
                        ));
                    }
                }
                Elem::Section(id) => {
                    let last = last_in_doc && children[i + 1..].iter().all(ignored) && i < n;
                    let sub = std::mem::take(&mut self.tree[*id]);
                    let r = self.check_transitions(&sub, false, last);
                    self.tree[*id] = sub;
                    r?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// `TitlePromoter.candidate_index`: the only non-prebibliographic child, if it is a section.
fn candidate(children: &[Elem]) -> Option<(usize, usize)> {
    let idx = children.iter().position(|e| !e.is_prebibliographic())?;
    if children.len() > idx + 1 {
        return None;
    }
    match children[idx] {
        Elem::Section(id) => Some((idx, id)),
        _ => None,
    }
}

fn elem_tag(e: &Elem) -> &'static str {
    match e {
        Elem::Paragraph => "paragraph",
        Elem::BulletList(_) => "bullet_list",
        Elem::EnumList => "enumerated_list",
        Elem::FieldList(_) => "field_list",
        Elem::Table => "table",
        Elem::Comment { .. } => "comment",
        _ => "block_quote",
    }
}

/// docutils' `make_id`, close enough for message text.
fn make_id(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests;
