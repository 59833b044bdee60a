//! Inline markup recognition, following docutils' `Inliner` (parsers/rst/states.py).
//!
//! It finds start-strings with docutils' rules (the start-string prefix, "quoted" starts, the
//! end-string suffix) and reports what docutils would: start-strings without end-strings,
//! unknown or unimplemented roles, role/reference mismatches. It records references, targets and
//! substitution references in the [`Doc`] so the document-level checks can resolve them.
//! [`parse_nodes`] also builds the inline nodes, with implicit markup (standalone URIs:
//! [`uri`]) and the nodes of interpreted text roles ([`roles`]).

mod roles;
mod uri;

use super::chars::{
    is_closer, is_closing_delimiter, is_delimiter, is_opener, is_space, is_word, match_chars,
    normalize_name, ws_normalize,
};
use super::node::{Attr, Element, Node};
use super::{Doc, R, RefKind};

/// What one inline parse created that matters to a substitution definition.
#[derive(Default, Debug, Clone, Copy)]
pub(super) struct InlineSummary {
    pub anonymous_ref: bool,
    pub auto_footnote_ref: bool,
    pub named_target: bool,
}

/// docutils' `escape2null`: a backslash becomes NUL, keeping the escaped character.
pub(super) fn escape2null(text: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] == '\\' {
            out.push('\0');
            if let Some(&c) = text.get(i + 1) {
                out.push(c);
            }
            i += 2;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

/// docutils' `unescape` (without restoring backslashes): drop NUL and escaped whitespace.
pub(super) fn unescape(s: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == '\0' {
            if matches!(s.get(i + 1), Some(' ') | Some('\n')) {
                i += 2;
            } else {
                i += 1;
            }
            continue;
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

fn word(c: char) -> bool {
    is_word(c) && c != '_'
}

fn sep(c: char) -> bool {
    matches!(c, '-' | '.' | '_' | '+' | ':')
}

/// Precomputed `simplename` chains of one text, so every "longest simplename ending in X"
/// question is answered in constant time (docutils' regex backtracking, without the quadratic
/// cost on adversarial input).
struct Chains {
    run_end: Vec<usize>,
    best_ref: Vec<Option<(usize, bool)>>,
    best_role: Vec<Option<usize>>,
    best_cite: Vec<Option<usize>>,
}

const NONE: usize = usize::MAX;

impl Chains {
    fn new(s: &[char]) -> Self {
        let n = s.len();
        // Each table is only needed when its closing character occurs at all.
        let want_ref = s.contains(&'_');
        let want_role = s.contains(&'`') && s.contains(&':');
        let want_cite = want_ref && s.contains(&']');
        if !want_ref && !want_role {
            return Chains {
                run_end: Vec::new(),
                best_ref: Vec::new(),
                best_role: Vec::new(),
                best_cite: Vec::new(),
            };
        }
        let mut run_end = vec![NONE; n];
        for i in (0..n).rev() {
            if word(s[i]) {
                run_end[i] = if i + 1 < n && word(s[i + 1]) {
                    run_end[i + 1]
                } else {
                    i + 1
                };
            }
        }
        let mut best_ref: Vec<Option<(usize, bool)>> = vec![None; if want_ref { n + 1 } else { 0 }];
        let mut best_role: Vec<Option<usize>> = vec![None; if want_role { n + 1 } else { 0 }];
        let mut best_cite: Vec<Option<usize>> = vec![None; if want_cite { n + 1 } else { 0 }];
        for e in (1..=n).rev() {
            // Only run ends matter.
            if !word(s[e - 1]) || (e < n && word(s[e])) {
                continue;
            }
            let next = if e + 1 < n && sep(s[e]) && word(s[e + 1]) {
                Some(run_end[e + 1])
            } else {
                None
            };
            // reference: name `__?` end-suffix (greedy `__` first)
            let r = if s.get(e) == Some(&'_') {
                if s.get(e + 1) == Some(&'_') && end_suffix(s, e + 2) {
                    Some((e, true))
                } else if end_suffix(s, e + 1) {
                    Some((e, false))
                } else {
                    None
                }
            } else {
                None
            };
            if want_ref {
                best_ref[e] = next.and_then(|x| best_ref[x]).or(r);
            }
            let ro = (s.get(e) == Some(&':')
                && s.get(e + 1) == Some(&'`')
                && s.get(e + 2) != Some(&'`')
                && !s.get(e + 2).is_some_and(|&c| is_space(c)))
            .then_some(e);
            if want_role {
                best_role[e] = next.and_then(|x| best_role[x]).or(ro);
            }
            let ci = (s.get(e) == Some(&']') && s.get(e + 1) == Some(&'_') && end_suffix(s, e + 2))
                .then_some(e);
            if want_cite {
                best_cite[e] = next.and_then(|x| best_cite[x]).or(ci);
            }
        }
        Chains {
            run_end,
            best_ref,
            best_role,
            best_cite,
        }
    }

    fn run(&self, p: usize) -> Option<usize> {
        self.run_end.get(p).copied().filter(|&e| e != NONE)
    }
}

/// `end_string_suffix`: end of text, whitespace, NUL, or a closing punctuation character.
fn end_suffix(s: &[char], i: usize) -> bool {
    match s.get(i) {
        None => true,
        Some(&c) => {
            is_space(c) || c == '\0' || is_closing_delimiter(c) || is_delimiter(c) || is_closer(c)
        }
    }
}

fn start_prefix(s: &[char], base: usize, p: usize) -> bool {
    if p == base {
        return true;
    }
    let c = s[p - 1];
    is_space(c) || is_opener(c) || is_delimiter(c)
}

fn non_ws_at(s: &[char], i: usize) -> bool {
    !s.get(i).is_some_and(|&c| is_space(c))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Strong,
    Emphasis,
    Literal,
    Target,
    Subst,
}

enum Found {
    Start(Start, usize),
    Ref {
        end: usize,
        anonymous: bool,
    },
    Footnote {
        label_end: usize,
    },
    Backquote {
        role: Option<(usize, usize)>,
        bq: usize,
    },
}

fn try_at(s: &[char], ch: &Chains, p: usize) -> Option<Found> {
    let c = s[p];
    let next = s.get(p + 1).copied();
    // start-strings
    let start = match c {
        '*' if next == Some('*') => Some((Start::Strong, p + 2)),
        '*' => Some((Start::Emphasis, p + 1)),
        '`' if next == Some('`') => Some((Start::Literal, p + 2)),
        '_' if next == Some('`') => Some((Start::Target, p + 2)),
        '|' if next != Some('|') => Some((Start::Subst, p + 1)),
        _ => None,
    };
    if let Some((k, me)) = start
        && non_ws_at(s, me)
    {
        return Some(Found::Start(k, me));
    }
    // `\*\*` failing falls back to nothing else for '*': `\*(?!\*)` needs no second '*'.
    // whole constructs: reference name
    if word(c)
        && let Some((end, anonymous)) = ch
            .run(p)
            .and_then(|e| ch.best_ref.get(e).copied().flatten())
    {
        return Some(Found::Ref { end, anonymous });
    }
    if c == '[' {
        // digits
        let mut d = p + 1;
        while d < s.len() && s[d].is_ascii_digit() {
            d += 1;
        }
        let ok =
            |l: usize| s.get(l) == Some(&']') && s.get(l + 1) == Some(&'_') && end_suffix(s, l + 2);
        if d > p + 1 && ok(d) {
            return Some(Found::Footnote { label_end: d });
        }
        if next == Some('#') {
            if let Some(e) = ch
                .run(p + 2)
                .and_then(|e| ch.best_cite.get(e).copied().flatten())
            {
                return Some(Found::Footnote { label_end: e });
            }
            if ok(p + 2) {
                return Some(Found::Footnote { label_end: p + 2 });
            }
        }
        if next == Some('*') && ok(p + 2) {
            return Some(Found::Footnote { label_end: p + 2 });
        }
        if let Some(e) = ch
            .run(p + 1)
            .and_then(|e| ch.best_cite.get(e).copied().flatten())
        {
            return Some(Found::Footnote { label_end: e });
        }
    }
    // backquote with optional role prefix
    if c == ':'
        && let Some(e) = ch
            .run(p + 1)
            .and_then(|e| ch.best_role.get(e).copied().flatten())
    {
        return Some(Found::Backquote {
            role: Some((p + 1, e)),
            bq: e + 1,
        });
    }
    if c == '`' && next != Some('`') && non_ws_at(s, p + 1) {
        return Some(Found::Backquote { role: None, bq: p });
    }
    None
}

fn ws_or_nul(c: char) -> bool {
    is_space(c) || c == '\0'
}

/// First end-string for a simple start-string, searching from `me` (which counts as the start
/// of the string for look-behinds). Returns (start, end) of the end-string.
fn find_end(s: &[char], me: usize, kind: Start) -> Option<(usize, usize)> {
    let mut q = me;
    while q < s.len() {
        let lb_ok = |nul_ok: bool| {
            q == me || {
                let b = s[q - 1];
                !(is_space(b) || (!nul_ok && b == '\0'))
            }
        };
        let hit = match kind {
            Start::Emphasis => {
                (s[q] == '*' && lb_ok(false) && end_suffix(s, q + 1)).then_some(q + 1)
            }
            Start::Strong => {
                (s[q] == '*' && s.get(q + 1) == Some(&'*') && lb_ok(false) && end_suffix(s, q + 2))
                    .then_some(q + 2)
            }
            Start::Literal => {
                (s[q] == '`' && s.get(q + 1) == Some(&'`') && lb_ok(true) && end_suffix(s, q + 2))
                    .then_some(q + 2)
            }
            Start::Target => (s[q] == '`' && lb_ok(false) && end_suffix(s, q + 1)).then_some(q + 1),
            Start::Subst => {
                if s[q] == '|' && lb_ok(false) {
                    let mut k = 0;
                    while k < 2 && s.get(q + 1 + k) == Some(&'_') {
                        k += 1;
                    }
                    (0..=k)
                        .rev()
                        .find(|&k| end_suffix(s, q + 1 + k))
                        .map(|k| q + 1 + k)
                } else {
                    None
                }
            }
        };
        if let Some(end) = hit {
            return Some((q, end));
        }
        q += 1;
    }
    None
}

struct InterpEnd {
    q: usize,
    end: usize,
    role: Option<String>,
    refend: usize,
}

fn find_interpreted_end(s: &[char], me: usize) -> Option<InterpEnd> {
    let mut q = me;
    while q < s.len() {
        if s[q] == '`' {
            let bad = q > me && ws_or_nul(s[q - 1]) && !(q >= me + 2 && s[q - 2] == '\0');
            if !bad {
                // optional :role: then optional __? then end suffix, greedy with backtracking
                let mut role_opts: Vec<Option<usize>> = Vec::new();
                if s.get(q + 1) == Some(&':') {
                    let mut ends = super::chars::simplename_ends(s, q + 2);
                    ends.retain(|&e| s.get(e) == Some(&':'));
                    role_opts.extend(ends.into_iter().map(Some));
                }
                role_opts.push(None);
                for r in role_opts {
                    let after = r.map_or(q + 1, |e| e + 1);
                    for k in [2usize, 1, 0] {
                        if (0..k).all(|j| s.get(after + j) == Some(&'_'))
                            && end_suffix(s, after + k)
                        {
                            return Some(InterpEnd {
                                q,
                                end: after + k,
                                role: r.map(|e| s[q + 2..e].iter().collect()),
                                refend: k,
                            });
                        }
                    }
                }
            }
        }
        q += 1;
    }
    None
}

/// Parse the inline markup of `text` (one paragraph, title, term...), reported at `line`:
/// its checks (start-strings without end-strings, unknown roles...), its bookkeeping
/// (references and targets recorded in `doc`), and the nodes docutils builds
/// (`Inliner.parse`, `docutils/parsers/rst/states.py`): text, `emphasis`, `strong`, `literal`, `reference`,
/// `target`, `footnote_reference`, `citation_reference`, `substitution_reference` and the
/// nodes of interpreted text roles. Text keeps docutils' NUL for each backslash escape (its
/// `Text` nodes do; `astext()` removes them).
pub(super) fn parse_nodes(
    doc: &mut Doc,
    text: &[char],
    line: usize,
) -> R<(InlineSummary, Vec<Node>)> {
    if !doc.build_tree {
        // Only the checks: every construct that can warn needs one of these characters.
        if !text.iter().any(|&c| matches!(c, '*' | '`' | '_' | '|')) {
            return Ok((InlineSummary::default(), Vec::new()));
        }
        return run(doc, text, line, false);
    }
    run(doc, text, line, true)
}

/// The scan behind [`parse_nodes`]; `implicit` looks for standalone URIs in
/// the text between markup (`Inliner.implicit_inline`), which never warns.
fn run(doc: &mut Doc, text: &[char], line: usize, implicit: bool) -> R<(InlineSummary, Vec<Node>)> {
    let s = escape2null(text);
    let ch = Chains::new(&s);
    let mut cx = Ctx {
        doc,
        s: &s,
        line,
        sum: InlineSummary::default(),
        implicit,
        out: Vec::new(),
        text_from: 0,
        targets: Vec::new(),
    };
    let mut pos = 0;
    'outer: while pos < s.len() {
        let mut p = pos;
        while p < s.len() {
            if start_prefix(&s, pos, p)
                && let Some(f) = try_at(&s, &ch, p)
            {
                pos = cx.handle(pos, p, f)?;
                continue 'outer;
            }
            p += 1;
        }
        break;
    }
    cx.flush(s.len());
    Ok((cx.sum, cx.out))
}

fn quoted(s: &[char], base: usize, start: usize, me: usize) -> bool {
    if start == base {
        return false;
    }
    match s.get(me) {
        None => true,
        Some(&post) => match_chars(s[start - 1], post),
    }
}

/// Characters as a string, NULs (escapes) kept: the data of a docutils `Text` node.
fn text_of(s: &[char]) -> String {
    s.iter().collect()
}

/// docutils' `unescape(text, restore_backslashes=True)`.
fn restore_backslashes(s: &[char]) -> String {
    s.iter()
        .map(|&c| if c == '\0' { '\\' } else { c })
        .collect()
}

fn text_el(tag: &str, s: &[char]) -> Element {
    Element::new(tag).with(vec![Node::text(text_of(s))])
}

/// docutils' `dupname`: `name` moves from the element's `names` to its `dupnames`.
fn dupname(el: &mut Element, name: &str) {
    el.push_to("dupnames", name);
    if let Some(Attr::List(names)) = el.attrs.get_mut("names") {
        if let Some(i) = names.iter().position(|n| n == name) {
            names.remove(i);
        }
        if names.is_empty() {
            el.remove("names");
        }
    }
}

/// One inline parse: docutils' `Inliner` with the nodes processed so far.
struct Ctx<'a> {
    doc: &'a mut Doc,
    s: &'a [char],
    line: usize,
    sum: InlineSummary,
    implicit: bool,
    out: Vec<Node>,
    /// Start of the text not yet turned into nodes (`unprocessed`).
    text_from: usize,
    /// Targets built by this parse, by name, as indexes in `out`.
    targets: Vec<(String, usize)>,
}

impl Ctx<'_> {
    /// The text before `start` becomes nodes, then `nodes` (markup ending at `end`).
    fn emit(&mut self, start: usize, end: usize, nodes: Vec<Node>) {
        self.flush(start);
        self.out.extend(nodes);
        self.text_from = end;
    }

    fn flush(&mut self, upto: usize) {
        let t = self.s.get(self.text_from..upto).unwrap_or(&[]);
        if t.is_empty() {
        } else if self.implicit {
            uri::implicit_inline(t, &mut self.out);
        } else {
            self.out.push(Node::text(text_of(t)));
        }
        self.text_from = upto.max(self.text_from);
    }

    /// `document.note_names`' effect on the nodes (`set_duplicate_name`, docutils/nodes.py):
    /// a name already taken moves to `dupnames` of the new target, and of an older implicit
    /// target built by this parse. Called before the validator's own bookkeeping.
    fn duplicate_names(&mut self, el: &mut Element, explicit: bool) {
        for name in el.list("names").to_vec() {
            let Some(old) = self.doc.names.get(&name) else {
                continue;
            };
            let same = old.node.as_ref().is_some_and(|(ouri, oname)| {
                (el.get("refname").is_some() && el.get("refname") == oname.as_deref())
                    || (el.get("refuri").is_some() && el.get("refuri") == ouri.as_deref())
            });
            let (dup_new, dup_old) = if same {
                (true, false)
            } else if explicit {
                (old.explicit, old.node.is_some())
            } else {
                (true, old.node.is_some() && !old.explicit)
            };
            if dup_new {
                dupname(el, &name);
            }
            if dup_old
                && let Some(&(_, i)) = self.targets.iter().find(|(n, _)| *n == name)
                && let Some(Node::Element(o)) = self.out.get_mut(i)
            {
                dupname(o, &name);
            }
        }
    }

    /// Emits a target built by this parse and remembers its names.
    fn emit_target(&mut self, start: usize, end: usize, before: Vec<Node>, el: Element) {
        let names = el.list("names").to_vec();
        let mut nodes = before;
        nodes.push(el.into());
        self.emit(start, end, nodes);
        let i = self.out.len().saturating_sub(1);
        self.targets.extend(names.into_iter().map(|n| (n, i)));
    }

    /// What a recognised start at `p` means: the position to go on scanning from, or
    /// docutils' warning. One method per kind of markup, in `Inliner.parse`'s dispatch order.
    fn handle(&mut self, base: usize, p: usize, f: Found) -> R<usize> {
        match f {
            Found::Start(kind, me) => self.start_string((base, p, me), kind),
            Found::Ref { end, anonymous } => Ok(self.reference(p, end, anonymous)),
            Found::Footnote { label_end } => Ok(self.footnote_ref(p, label_end)),
            Found::Backquote { role, bq } => self.interpreted((base, p, bq), role),
        }
    }

    /// `**strong**`, `*emphasis*`, ``` ``literal`` ```, `_`target``, `|substitution|`: its
    /// end, and the targets and references it makes. `at` is (base, start, after the
    /// start-string).
    fn start_string(&mut self, at: (usize, usize, usize), kind: Start) -> R<usize> {
        let (base, p, me) = at;
        let s = self.s;
        if quoted(s, base, p, me) {
            return Ok(me);
        }
        let Some((q, end)) = find_end(s, me, kind).filter(|(q, _)| *q > me) else {
            let what = match kind {
                Start::Strong => "strong",
                Start::Emphasis => "emphasis",
                Start::Literal => "literal",
                Start::Target => "target",
                Start::Subst => "substitution_reference",
            };
            return Err(self.doc.warning(
                format!("Inline {what} start-string without end-string."),
                Some(self.line),
            ));
        };
        let inner = &s[me..q];
        let node = match kind {
            Start::Target => {
                // `Inliner.inline_internal_target`: an explicit target named by its text.
                self.sum.named_target = true;
                let name = normalize_name(&unescape(inner));
                let mut el = text_el("target", inner);
                el.push_to("names", name.clone());
                self.duplicate_names(&mut el, true);
                self.doc
                    .note_explicit_target(name, None, None, Some(self.line))?;
                self.doc.set_id(&mut el, "");
                self.emit_target(p, end, Vec::new(), el);
                return Ok(end);
            }
            Start::Subst => self.substitution(inner, end - q - 1),
            Start::Emphasis => text_el("emphasis", inner),
            Start::Strong => text_el("strong", inner),
            Start::Literal => {
                Element::new("literal").with(vec![Node::text(restore_backslashes(inner))])
            }
        };
        self.emit(p, end, vec![node.into()]);
        Ok(end)
    }

    /// `Inliner.substitution_reference`: `|name|`, `|name|_` or `|name|__` (`k` underscores).
    fn substitution(&mut self, inner: &[char], k: usize) -> Element {
        let name = ws_normalize(&unescape(inner));
        self.doc.subst_refs.push((name.clone(), Some(self.line)));
        let mut sub = text_el("substitution_reference", inner);
        sub.set("refname", name.clone());
        let mut r = Element::new("reference").with(vec![sub.clone().into()]);
        if k == 2 {
            self.doc.anonymous_refs += 1;
            self.sum.anonymous_ref = true;
            r.set("anonymous", "True");
            r
        } else if k == 1 {
            self.doc
                .refs
                .push((normalize_name(&name), RefKind::Ref, Some(self.line)));
            r.set("refname", normalize_name(&name));
            r
        } else {
            sub
        }
    }

    /// `name_` or `name__`: a (possibly anonymous) reference; the position after it.
    fn reference(&mut self, p: usize, end: usize, anonymous: bool) -> usize {
        let raw = text_of(&self.s[p..end]);
        let mut r = Element::new("reference").with(vec![Node::text(raw.clone())]);
        r.set("name", ws_normalize(&raw));
        let after = if anonymous {
            self.doc.anonymous_refs += 1;
            self.sum.anonymous_ref = true;
            r.set("anonymous", "True");
            end + 2
        } else {
            let name = normalize_name(&raw);
            self.doc
                .refs
                .push((name.clone(), RefKind::Ref, Some(self.line)));
            r.set("refname", name);
            end + 1
        };
        self.emit(p, after, vec![r.into()]);
        after
    }

    /// `[label]_`: a footnote or citation reference (auto-numbered `[#]_`, labelled `[#x]_`,
    /// symbol `[*]_`); the position after it.
    fn footnote_ref(&mut self, p: usize, label_end: usize) -> usize {
        let label = text_of(&self.s[p + 1..label_end]);
        let refname = normalize_name(&label);
        let citation = !refname.starts_with('#')
            && refname != "*"
            && !label.chars().all(|c| c.is_ascii_digit());
        let mut el;
        if let Some(rest) = refname.strip_prefix('#') {
            self.sum.auto_footnote_ref = true;
            if rest.is_empty() {
                self.doc.auto_footnote_refs += 1;
            } else {
                self.doc.auto_labeled_refs.push(rest.to_string());
            }
            el = Element::new("footnote_reference");
            el.set("auto", "1");
            self.doc.set_id(&mut el, "");
            if !rest.is_empty() {
                el.set("refname", rest);
            }
        } else if refname == "*" {
            self.sum.auto_footnote_ref = true;
            self.doc.symbol_footnote_refs += 1;
            el = Element::new("footnote_reference");
            el.set("auto", "*");
            self.doc.set_id(&mut el, "");
        } else {
            self.doc
                .refs
                .push((refname.clone(), RefKind::Footnote, Some(self.line)));
            let tag = if citation {
                "citation_reference"
            } else {
                "footnote_reference"
            };
            el = Element::new(tag).with(vec![Node::text(label)]);
            el.set("refname", refname);
            self.doc.set_id(&mut el, "");
        }
        self.emit(p, label_end + 2, vec![el.into()]);
        label_end + 2
    }

    /// `` `text` ``, `` :role:`text` ``, `` `text`:role: `` or a phrase reference
    /// `` `text`_ ``: its end, after the role checks and the reference bookkeeping. `at` is
    /// (base, start, the opening backquote).
    fn interpreted(&mut self, at: (usize, usize, usize), role: Option<(usize, usize)>) -> R<usize> {
        let (base, p, bq) = at;
        let s = self.s;
        let line = self.line;
        let me = bq + 1;
        let mut role_name: Option<String> = role.map(|(a, b)| s[a..b].iter().collect());
        if role_name.is_none() && quoted(s, base, p, me) {
            return Ok(me);
        }
        let Some(e) = find_interpreted_end(s, me).filter(|e| e.q > me) else {
            return Err(self.doc.warning(
                "Inline interpreted text or phrase reference start-string without end-string."
                    .to_string(),
                Some(line),
            ));
        };
        let position = if role_name.is_some() {
            "prefix"
        } else {
            "suffix"
        };
        if let Some(r) = e.role {
            if role_name.is_some() {
                return Err(self.doc.warning(
                    "Multiple roles in interpreted text (both prefix and suffix present; only one allowed)."
                        .to_string(),
                    Some(line),
                ));
            }
            role_name = Some(r);
        }
        let escaped = &s[me..e.q];
        if e.refend > 0 {
            if role_name.is_some() {
                return Err(self.doc.warning(
                    format!(
                        "Mismatch: both interpreted text role {position} and reference suffix."
                    ),
                    Some(line),
                ));
            }
            self.phrase_ref(p, e.end, escaped, e.refend == 2)?;
        } else {
            self.doc.check_role(role_name.as_deref(), escaped, line)?;
            let node = roles::role_node(self.doc, role_name.as_deref(), escaped);
            self.emit(p, e.end, vec![node]);
        }
        Ok(e.end)
    }

    /// A phrase reference `` `text`_ `` / `` `text <uri>`_ `` / `` `text <alias_>`__ ``
    /// (`Inliner.phrase_ref`) from `start` to `end`.
    fn phrase_ref(&mut self, start: usize, end: usize, escaped: &[char], anonymous: bool) -> R {
        let embedded = embedded_link(escaped).map(|(t, a0, a1)| (t, &escaped[a0..a1]));
        let alias = embedded.map(|(_, a)| embedded_alias(a));
        let text: Vec<char> = match (embedded, &alias) {
            (Some((0, _)), Some(Alias::Name(n) | Alias::Uri(n))) => n.chars().collect(),
            (Some((t, _)), _) => escaped[..t].to_vec(),
            _ => escaped.to_vec(),
        };
        let unescaped = unescape(&text);
        let refname = normalize_name(&unescaped);
        let mut r = Element::new("reference");
        if !text.is_empty() {
            r.children.push(Node::text(text_of(&text)));
        }
        r.set("name", ws_normalize(&unescaped));
        let mut target = Element::new("target");
        match &alias {
            Some(Alias::Name(a)) => {
                r.set("refname", a.clone());
                target.set("refname", a.clone());
            }
            Some(Alias::Uri(a)) => {
                r.set("refuri", a.clone());
                target.set("refuri", a.clone());
            }
            None if anonymous => {
                r.set("anonymous", "True");
            }
            None => {
                r.set("refname", refname.clone());
            }
        }
        if anonymous || alias.is_none() {
            self.phrase_bookkeeping(escaped, anonymous)?;
            self.emit(start, end, vec![r.into()]);
            return Ok(());
        }
        target.push_to("names", refname);
        self.duplicate_names(&mut target, false);
        self.phrase_bookkeeping(escaped, anonymous)?;
        self.doc.set_id(&mut target, "");
        self.emit_target(start, end, vec![r.into()], target);
        Ok(())
    }

    /// The validator's bookkeeping for a phrase reference: references, targets, names.
    fn phrase_bookkeeping(&mut self, escaped: &[char], anonymous: bool) -> R {
        let (doc, line, sum) = (&mut *self.doc, self.line, &mut self.sum);
        let embedded = embedded_link(escaped);
        let (text, alias) = match embedded {
            Some((text_end, a0, a1)) => (&escaped[..text_end], Some(&escaped[a0..a1])),
            None => (escaped, None),
        };
        let refname = normalize_name(&unescape(text));
        let alias_kind = alias.map(|a| {
            let raw = unescape_keep(a);
            let is_name = a.last() == Some(&'_') && !raw.ends_with("\\_") && !looks_like_uri(a);
            if is_name {
                (
                    true,
                    normalize_name(&unescape(&a[..a.len() - 1])),
                    String::new(),
                )
            } else {
                let uri: String = unescape(a).split(|c: char| is_space(c)).collect();
                (false, String::new(), uri)
            }
        });
        let refname = if refname.is_empty() {
            match &alias_kind {
                Some((true, name, _)) => name.clone(),
                Some((false, _, uri)) => normalize_name(uri),
                None => refname,
            }
        } else {
            refname
        };
        if let Some((false, _, uri)) = &alias_kind
            && !uri.is_empty()
        {
            doc.targets.push(super::Target {
                url: uri.clone(),
                image: false,
                line,
            });
        }
        match (anonymous, alias_kind) {
            (true, Some((true, name, _))) => doc.refs.push((name, RefKind::Ref, Some(line))),
            (true, Some((false, _, _))) => {}
            (true, None) => {
                doc.anonymous_refs += 1;
                sum.anonymous_ref = true;
            }
            (false, Some((true, name, _))) => {
                sum.named_target = true;
                doc.refs.push((name.clone(), RefKind::Ref, Some(line)));
                doc.note_implicit_target(refname.clone(), None, Some(name.clone()));
                doc.indirect_targets.push((refname, name, Some(line)));
            }
            (false, Some((false, _, uri))) => {
                sum.named_target = true;
                doc.note_implicit_target(refname, Some(uri), None);
            }
            (false, None) => doc.refs.push((refname, RefKind::Ref, Some(line))),
        }
        Ok(())
    }
}

/// An embedded link's alias: a reference name (`<name_>`) or a URI (`<uri>`).
enum Alias {
    Name(String),
    Uri(String),
}

/// `Inliner.phrase_ref`'s reading of the text between `<` and `>`: a name when it ends with
/// an unescaped `_` and is not a URI; else a URI with unescaped whitespace removed and
/// `mailto:` added to an e-mail address (`adjust_uri`).
fn embedded_alias(a: &[char]) -> Alias {
    let underscore_escaped = restore_backslashes(a).ends_with("\\_");
    if let Some((&'_', name)) = a.split_last()
        && !underscore_escaped
        && !uri::starts_with_uri(a)
    {
        return Alias::Name(normalize_name(&unescape(name)));
    }
    // split_escaped_whitespace, then each part's whitespace removed, parts joined by spaces
    let mut parts: Vec<String> = vec![String::new()];
    let mut i = 0;
    while i < a.len() {
        if a[i] == '\0' && matches!(a.get(i + 1), Some(' ' | '\n')) {
            parts.push(String::new());
            i += 2;
            continue;
        }
        if !is_space(a[i])
            && let Some(last) = parts.last_mut()
        {
            last.push(a[i]);
        }
        i += 1;
    }
    let joined: Vec<char> = parts.join(" ").chars().collect();
    let mut uri = unescape(&joined);
    if uri::is_email(&uri.chars().collect::<Vec<_>>()) {
        uri = format!("mailto:{uri}");
    }
    Alias::Uri(uri)
}
fn unescape_keep(s: &[char]) -> String {
    s.iter()
        .map(|&c| if c == '\0' { '\\' } else { c })
        .collect()
}

/// docutils' `uri` pattern, matched at the start of an alias: scheme ':' or an email address.
fn looks_like_uri(a: &[char]) -> bool {
    // scheme: [a-zA-Z][a-zA-Z0-9.+-]*:
    if a.first().is_some_and(|c| c.is_ascii_alphabetic()) {
        let mut i = 1;
        while i < a.len() && (a[i].is_ascii_alphanumeric() || matches!(a[i], '.' | '+' | '-')) {
            i += 1;
        }
        if a.get(i) == Some(&':') {
            return true;
        }
    }
    a.contains(&'@')
}

/// `embedded_link`: `(?:[ \n]+|^)<(?!\s)([^<>]|\0[<>])+(?<![\s\0])>$`.
/// Returns (end of the text before it, alias start, alias end).
fn embedded_link(s: &[char]) -> Option<(usize, usize, usize)> {
    let n = s.len();
    if n < 3 || s[n - 1] != '>' {
        return None;
    }
    let last = s[n - 2];
    if is_space(last) || last == '\0' {
        return None;
    }
    // walk back to the unescaped '<'
    let mut i = n - 1;
    while i > 0 {
        i -= 1;
        let c = s[i];
        if c == '<' || c == '>' {
            let escaped = i > 0 && s[i - 1] == '\0';
            if escaped {
                continue;
            }
            if c == '>' {
                return None;
            }
            // c == '<'
            if i + 1 >= n - 1 || is_space(s[i + 1]) {
                return None;
            }
            if i == 0 {
                return Some((0, 1, n - 1));
            }
            if !matches!(s[i - 1], ' ' | '\n') {
                return None;
            }
            let mut t = i;
            while t > 0 && matches!(s[t - 1], ' ' | '\n') {
                t -= 1;
            }
            return Some((t, i + 1, n - 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::Doc;
    use super::super::node::Node;
    use super::parse_nodes;

    fn nodes(doc: &mut Doc, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        doc.build_tree = true;
        let (_, nodes) = parse_nodes(doc, &chars, 1).expect("valid inline markup");
        serde_json::to_string(&nodes).expect("json")
    }

    /// What docutils builds with the document's `role` and `default-role` directives
    /// (doctree.py paragraphs over scripts/rst-corpus: default-role.rst, role-directive.rst,
    /// bidict.rst; Pygments' tokens of a code role with a language compared by text).
    #[test]
    fn roles_defined_by_the_document() {
        let mut doc = Doc::new(Vec::new());
        doc.default_role = Some("code".into());
        assert_eq!(
            nodes(&mut doc, "`x` here"),
            r#"[{"t":"literal","a":{"classes":["code"]},"c":["x"]}," here"]"#
        );
        let mut doc = Doc::new(Vec::new());
        doc.custom_roles.insert("doc".into(), "generic".into());
        assert_eq!(
            nodes(&mut doc, "see :doc:`intro`"),
            r#"["see ",{"t":"inline","a":{"classes":["doc"]},"c":["intro"]}]"#
        );
        doc.custom_roles.insert("py".into(), "code".into());
        assert_eq!(
            nodes(&mut doc, ":py:`x` here"),
            r#"[{"t":"literal","a":{"classes":["code","py"]},"c":["x"]}," here"]"#
        );
        doc.custom_roles.insert("red".into(), "emphasis".into());
        let out = nodes(&mut doc, ":red:`x`");
        assert_eq!(
            out,
            r#"[{"t":"emphasis","a":{"classes":["red"]},"c":["x"]}]"#
        );
        let parsed: Vec<Node> = serde_json::from_str(&out).expect("json");
        assert_eq!(parsed.len(), 1);
    }
}
