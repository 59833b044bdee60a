//! Inline markup recognition, following docutils' `Inliner` (parsers/rst/states.py).
//!
//! It finds start-strings with docutils' rules (the start-string prefix, "quoted" starts, the
//! end-string suffix) and reports what docutils would: start-strings without end-strings,
//! unknown or unimplemented roles, role/reference mismatches. It records references, targets and
//! substitution references in the [`Doc`] so the document-level checks can resolve them. It
//! builds no node tree and does no implicit markup (standalone URIs), which never warns.

use super::chars::{
    is_closer, is_closing_delimiter, is_delimiter, is_opener, is_space, is_word, match_chars,
    normalize_name, ws_normalize,
};
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

/// Parse the inline markup of `text` (one paragraph, title, term...), reported at `line`.
/// Inline markup as [`parse`] checks it, and the nodes docutils builds for it (text,
/// `emphasis`, `reference`, `target`...: `docutils/parsers/rst/states.py`, `Inliner.parse`).
#[allow(dead_code)] // called by the doctree builder as it lands (issue 14 part 2)
pub(super) fn parse_nodes(
    doc: &mut Doc,
    text: &[char],
    line: usize,
) -> R<(InlineSummary, Vec<super::node::Node>)> {
    let summary = parse(doc, text, line)?;
    let plain: String = text.iter().collect();
    Ok((summary, vec![super::node::Node::text(plain)]))
}

pub(super) fn parse(doc: &mut Doc, text: &[char], line: usize) -> R<InlineSummary> {
    // Fast path: every construct needs one of these characters.
    if !text.iter().any(|&c| matches!(c, '*' | '`' | '_' | '|')) {
        return Ok(InlineSummary::default());
    }
    let s = escape2null(text);
    let ch = Chains::new(&s);
    let mut sum = InlineSummary::default();
    let mut pos = 0;
    'outer: while pos < s.len() {
        let mut p = pos;
        while p < s.len() {
            if start_prefix(&s, pos, p)
                && let Some(f) = try_at(&s, &ch, p)
            {
                pos = handle(doc, &s, pos, p, f, line, &mut sum)?;
                continue 'outer;
            }
            p += 1;
        }
        break;
    }
    Ok(sum)
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

/// What a recognised start at `p` means: the position to go on scanning from, or docutils'
/// warning. One function per kind of markup, in `Inliner.parse`'s dispatch order.
fn handle(
    doc: &mut Doc,
    s: &[char],
    base: usize,
    p: usize,
    f: Found,
    line: usize,
    sum: &mut InlineSummary,
) -> R<usize> {
    match f {
        Found::Start(kind, me) => start_string(doc, s, (base, p, me), kind, line, sum),
        Found::Ref { end, anonymous } => Ok(reference(doc, s, p, end, anonymous, line, sum)),
        Found::Footnote { label_end } => Ok(footnote_ref(doc, s, p, label_end, line, sum)),
        Found::Backquote { role, bq } => interpreted(doc, s, (base, p, bq), role, line, sum),
    }
}

/// `**strong**`, `*emphasis*`, ``` ``literal`` ```, `_`target``, `|substitution|`: its end,
/// and the targets and references it makes. `at` is (base, start, after the start-string).
fn start_string(
    doc: &mut Doc,
    s: &[char],
    at: (usize, usize, usize),
    kind: Start,
    line: usize,
    sum: &mut InlineSummary,
) -> R<usize> {
    let (base, p, me) = at;
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
        return Err(doc.warning(
            format!("Inline {what} start-string without end-string."),
            Some(line),
        ));
    };
    match kind {
        Start::Target => {
            let name = normalize_name(&unescape(&s[me..q]));
            sum.named_target = true;
            doc.note_explicit_target(name, None, None, Some(line))?;
        }
        Start::Subst => {
            let name = ws_normalize(&unescape(&s[me..q]));
            doc.subst_refs.push((name.clone(), Some(line)));
            let k = end - q - 1;
            if k == 2 {
                doc.anonymous_refs += 1;
                sum.anonymous_ref = true;
            } else if k == 1 {
                doc.refs
                    .push((normalize_name(&name), RefKind::Ref, Some(line)));
            }
        }
        _ => {}
    }
    Ok(end)
}

/// `name_` or `name__`: a (possibly anonymous) reference; the position after it.
fn reference(
    doc: &mut Doc,
    s: &[char],
    p: usize,
    end: usize,
    anonymous: bool,
    line: usize,
    sum: &mut InlineSummary,
) -> usize {
    if anonymous {
        doc.anonymous_refs += 1;
        sum.anonymous_ref = true;
        end + 2
    } else {
        let name = normalize_name(&s[p..end].iter().collect::<String>());
        doc.refs.push((name, RefKind::Ref, Some(line)));
        end + 1
    }
}

/// `[label]_`: a footnote or citation reference (auto-numbered `[#]_`, labelled `[#x]_`,
/// symbol `[*]_`); the position after it.
fn footnote_ref(
    doc: &mut Doc,
    s: &[char],
    p: usize,
    label_end: usize,
    line: usize,
    sum: &mut InlineSummary,
) -> usize {
    let label: String = s[p + 1..label_end].iter().collect();
    let refname = normalize_name(&label);
    if let Some(rest) = refname.strip_prefix('#') {
        sum.auto_footnote_ref = true;
        if rest.is_empty() {
            doc.auto_footnote_refs += 1;
        } else {
            doc.auto_labeled_refs.push(rest.to_string());
        }
    } else if refname == "*" {
        sum.auto_footnote_ref = true;
        doc.symbol_footnote_refs += 1;
    } else {
        doc.refs.push((refname, RefKind::Footnote, Some(line)));
    }
    label_end + 2
}

/// `` `text` ``, `` :role:`text` ``, `` `text`:role: `` or a phrase reference `` `text`_ ``:
/// its end, after the role checks and the reference bookkeeping. `at` is (base, start, the
/// opening backquote).
fn interpreted(
    doc: &mut Doc,
    s: &[char],
    at: (usize, usize, usize),
    role: Option<(usize, usize)>,
    line: usize,
    sum: &mut InlineSummary,
) -> R<usize> {
    let (base, p, bq) = at;
    let me = bq + 1;
    let mut role_name: Option<String> = role.map(|(a, b)| s[a..b].iter().collect());
    if role_name.is_none() && quoted(s, base, p, me) {
        return Ok(me);
    }
    let Some(e) = find_interpreted_end(s, me).filter(|e| e.q > me) else {
        return Err(doc.warning(
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
            return Err(doc.warning(
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
            return Err(doc.warning(
                format!("Mismatch: both interpreted text role {position} and reference suffix."),
                Some(line),
            ));
        }
        phrase_ref(doc, escaped, e.refend == 2, line, sum)?;
    } else {
        doc.check_role(role_name.as_deref(), escaped, line)?;
    }
    Ok(e.end)
}

/// A phrase reference `` `text`_ `` / `` `text <uri>`_ `` / `` `text <alias_>`__ ``.
fn phrase_ref(
    doc: &mut Doc,
    escaped: &[char],
    anonymous: bool,
    line: usize,
    sum: &mut InlineSummary,
) -> R<()> {
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
