//! The block-level parser: docutils' `RSTStateMachine` and its states (parsers/rst/states.py).
//!
//! It walks lines the way docutils does (the same transitions in the same order, the same
//! indented-block extraction) and raises the same system messages: unexpected indentation,
//! lists and block quotes ending without a blank line, section title rules, explicit markup
//! (footnotes, citations, targets, substitution definitions, directives, comments), tables and
//! literal blocks. Beside the [`Elem`] summaries the document-level checks need, it builds the
//! docutils nodes of what it parses (`Sm::emit`; sections through `Doc::stack`), as
//! `states.py` does. Directive-specific behaviour lives in [`super::directive`].
//!
//! It may use `chars`, `inline`, `table`, `machine` (the shared line machine) and `directive`
//! (to run a directive it meets); `directive` never uses this module back: it reaches the
//! nested parse through [`Nest`], which this module implements.

use super::chars::{
    column_width, is_blank, is_simplename, is_space, lstrip, normalize_name, rstrip, strip,
    ws_normalize,
};
use super::inline::{escape2null, unescape};
use super::machine::{
    DEPTH, L, MAX_DEPTH, Nest, Parent, Produced, Sm, directive_marker, join_lines,
    match_field_marker, spaces_or_end,
};
use super::node::{Element, Node};
use super::table;
use super::tree::{preserve, text_elem, with};
use super::{Doc, Elem, FieldInfo, Halt, R};

/// A view of each line of `src`, whole.
fn whole_lines(src: &[Vec<char>]) -> Vec<L> {
    src.iter()
        .enumerate()
        .map(|(abs, l)| L {
            abs,
            start: 0,
            end: l.len(),
        })
        .collect()
}

/// Parse the whole document (the top-level state machine, where section titles are allowed).
pub(super) fn parse_document(doc: &mut Doc) -> R {
    let src = std::mem::take(&mut doc.src);
    let lines = whole_lines(&src);
    let r = {
        let mut sm = Sm::new(&src, doc, lines, true);
        sm.run()
    };
    doc.src = src;
    r
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EnumFmt {
    Parens,
    Rparen,
    Period,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seq {
    Arabic,
    LowerAlpha,
    UpperAlpha,
    LowerRoman,
    UpperRoman,
    Auto,
}

#[derive(Debug, Clone)]
struct EnumMatch {
    fmt: EnumFmt,
    text: String,
    end: usize,
}

#[derive(Debug, Clone)]
enum Tr {
    Blank,
    Indent,
    Bullet(usize),
    Enumerator(EnumMatch),
    Field(usize),
    OptionM(usize),
    Doctest,
    LineBlock(usize),
    GridTop,
    SimpleTop,
    Explicit,
    Anonymous(usize),
    Line,
    Text,
}

fn is_punct7(c: char) -> bool {
    c.is_ascii_punctuation()
}

/// docutils' `line` pattern: one repeated 7-bit punctuation character (line already rstripped).
pub(super) fn is_line(l: &[char]) -> bool {
    match l.first() {
        Some(&c) if is_punct7(c) => {
            let n = l.iter().take_while(|&&x| x == c).count();
            l[n..].iter().all(|&x| x == ' ')
        }
        _ => false,
    }
}

fn match_enumerator(l: &[char]) -> Option<EnumMatch> {
    let (fmt, body_start) = if l.first() == Some(&'(') {
        (EnumFmt::Parens, 1)
    } else {
        (EnumFmt::Rparen, 0)
    };
    let mut i = body_start;
    while i < l.len() && (l[i].is_ascii_alphanumeric() || l[i] == '#') {
        i += 1;
    }
    let text: String = l[body_start..i].iter().collect();
    let valid = text == "#"
        || (!text.is_empty() && text.chars().all(|c| c.is_ascii_digit()))
        || (text.chars().count() == 1 && text.chars().all(|c| c.is_ascii_alphabetic()))
        || (!text.is_empty() && text.chars().all(|c| "ivxlcdm".contains(c)))
        || (!text.is_empty() && text.chars().all(|c| "IVXLCDM".contains(c)));
    if !valid {
        return None;
    }
    let fmt = match (fmt, l.get(i)) {
        (EnumFmt::Parens, Some(')')) => EnumFmt::Parens,
        (EnumFmt::Rparen, Some(')')) => EnumFmt::Rparen,
        (EnumFmt::Rparen, Some('.')) => EnumFmt::Period,
        _ => return None,
    };
    let end = spaces_or_end(l, i + 1)?;
    Some(EnumMatch { fmt, text, end })
}

fn optarg(l: &[char], i: usize) -> Option<usize> {
    match l.get(i) {
        Some(c) if c.is_ascii_alphabetic() => {
            let mut j = i + 1;
            while j < l.len() && (l[j].is_ascii_alphanumeric() || l[j] == '_' || l[j] == '-') {
                j += 1;
            }
            Some(j)
        }
        Some('<') => {
            let mut j = i + 1;
            while j < l.len() && l[j] != '<' && l[j] != '>' {
                j += 1;
            }
            (j > i + 1 && l.get(j) == Some(&'>')).then_some(j + 1)
        }
        _ => None,
    }
}

/// Possible ends of one `option` at `i`, greedy first.
fn option_ends(l: &[char], i: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let c0 = l.get(i).copied();
    let c1 = l.get(i + 1).copied();
    if (c0 == Some('-') || c0 == Some('+')) && c1.is_some_and(|c| c.is_ascii_alphanumeric()) {
        let e = i + 2;
        if l.get(e) == Some(&' ')
            && let Some(x) = optarg(l, e + 1)
        {
            out.push(x);
        }
        if let Some(x) = optarg(l, e) {
            out.push(x);
        }
        out.push(e);
    }
    let (long, s) = if c0 == Some('-') && c1 == Some('-') {
        (true, i + 2)
    } else if c0 == Some('/') {
        (true, i + 1)
    } else {
        (false, 0)
    };
    if long && l.get(s).is_some_and(|c| c.is_ascii_alphanumeric()) {
        let mut e = s + 1;
        while e < l.len() && (l[e].is_ascii_alphanumeric() || l[e] == '_' || l[e] == '-') {
            e += 1;
        }
        if matches!(l.get(e), Some(' ') | Some('='))
            && let Some(x) = optarg(l, e + 1)
        {
            out.push(x);
        }
        out.push(e);
    }
    out
}

fn match_options_from(l: &[char], i: usize, depth: usize) -> Option<usize> {
    if depth > 64 {
        return None;
    }
    for e in option_ends(l, i) {
        if l.get(e) == Some(&',')
            && l.get(e + 1) == Some(&' ')
            && let Some(x) = match_options_from(l, e + 2, depth + 1)
        {
            return Some(x);
        }
        // (  +| ?$)
        if l.get(e) == Some(&' ') && l.get(e + 1) == Some(&' ') {
            let mut j = e;
            while j < l.len() && l[j] == ' ' {
                j += 1;
            }
            return Some(j);
        }
        if e == l.len() {
            return Some(e);
        }
        if l.get(e) == Some(&' ') && e + 1 == l.len() {
            return Some(e + 1);
        }
    }
    None
}

fn classify(l: &[char]) -> Tr {
    if l.is_empty() || l.iter().all(|&c| c == ' ') {
        return Tr::Blank;
    }
    if l[0] == ' ' {
        return Tr::Indent;
    }
    if matches!(l[0], '-' | '+' | '*' | '\u{2022}' | '\u{2023}' | '\u{2043}')
        && let Some(e) = spaces_or_end(l, 1)
    {
        return Tr::Bullet(e);
    }
    if let Some(m) = match_enumerator(l) {
        return Tr::Enumerator(m);
    }
    if let Some(e) = match_field_marker(l) {
        return Tr::Field(e);
    }
    if let Some(e) = match_options_from(l, 0, 0) {
        return Tr::OptionM(e);
    }
    if l.starts_with(&['>', '>', '>']) && spaces_or_end(l, 3).is_some() {
        return Tr::Doctest;
    }
    if l[0] == '|'
        && let Some(e) = spaces_or_end(l, 1)
    {
        return Tr::LineBlock(e);
    }
    if is_grid_top(l) {
        return Tr::GridTop;
    }
    if is_simple_top(l) {
        return Tr::SimpleTop;
    }
    if l.starts_with(&['.', '.']) && spaces_or_end(l, 2).is_some() {
        return Tr::Explicit;
    }
    if l.starts_with(&['_', '_'])
        && let Some(e) = spaces_or_end(l, 2)
    {
        return Tr::Anonymous(e);
    }
    if is_line(l) {
        return Tr::Line;
    }
    Tr::Text
}

/// `\+-[-+]+-\+ *$`
fn is_grid_top(l: &[char]) -> bool {
    let l = rstrip_spaces(l);
    l.len() >= 5
        && l[0] == '+'
        && l[1] == '-'
        && l[l.len() - 1] == '+'
        && l[l.len() - 2] == '-'
        && l.iter().all(|&c| c == '+' || c == '-')
}

/// `=+( +=+)+ *$`
fn is_simple_top(l: &[char]) -> bool {
    let l = rstrip_spaces(l);
    l.first() == Some(&'=')
        && l.last() == Some(&'=')
        && l.iter().all(|&c| c == '=' || c == ' ')
        && l.contains(&' ')
}

/// `=+[ =]*$`
fn is_simple_border(l: &[char]) -> bool {
    l.first() == Some(&'=') && l.iter().all(|&c| c == '=' || c == ' ')
}

fn rstrip_spaces(l: &[char]) -> &[char] {
    let n = l.iter().rev().take_while(|&&c| c == ' ').count();
    &l[..l.len() - n]
}

/// Roman numeral value, if `s` is well-formed (docutils accepts 1..=4999 in canonical form).
const ROMAN: [(u32, &str); 13] = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
];

fn roman(s: &str) -> Option<u32> {
    let up = s.to_ascii_uppercase();
    let mut rest = up.as_str();
    let mut total = 0u32;
    for (v, sym) in ROMAN {
        while let Some(r) = rest.strip_prefix(sym) {
            total += v;
            rest = r;
        }
    }
    if !rest.is_empty() || total == 0 || total > 4999 {
        return None;
    }
    (to_roman(total) == up).then_some(total)
}

/// `n` in upper-case Roman numerals (docutils' `roman.toRoman`, for enumerated lists; also the
/// transforms' author lists).
pub(crate) fn to_roman(mut n: u32) -> String {
    let mut out = String::new();
    for (v, sym) in ROMAN {
        while n >= v {
            n -= v;
            out.push_str(sym);
        }
    }
    out
}

fn seq_matches(seq: Seq, t: &str) -> bool {
    match seq {
        Seq::Arabic => !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()),
        Seq::LowerAlpha => t.len() == 1 && t.chars().all(|c| c.is_ascii_lowercase()),
        Seq::UpperAlpha => t.len() == 1 && t.chars().all(|c| c.is_ascii_uppercase()),
        Seq::LowerRoman => !t.is_empty() && t.chars().all(|c| "ivxlcdm".contains(c)),
        Seq::UpperRoman => !t.is_empty() && t.chars().all(|c| "IVXLCDM".contains(c)),
        Seq::Auto => t == "#",
    }
}

/// `parse_enumerator`: (sequence, ordinal).
fn parse_enumerator(m: &EnumMatch, expected: Option<Seq>) -> (Seq, Option<u64>) {
    let t = m.text.as_str();
    let mut seq = None;
    if t == "#" {
        seq = Some(Seq::Auto);
    } else if let Some(e) = expected {
        if seq_matches(e, t) {
            seq = Some(e);
        }
    } else if t == "i" {
        seq = Some(Seq::LowerRoman);
    } else if t == "I" {
        seq = Some(Seq::UpperRoman);
    }
    let seq = seq.unwrap_or_else(|| {
        [
            Seq::Arabic,
            Seq::LowerAlpha,
            Seq::UpperAlpha,
            Seq::LowerRoman,
            Seq::UpperRoman,
        ]
        .into_iter()
        .find(|&s| seq_matches(s, t))
        .unwrap_or(Seq::Arabic)
    });
    let ord = match seq {
        Seq::Auto => Some(1),
        Seq::Arabic => t.parse::<u64>().ok().or(Some(u64::MAX / 2)),
        Seq::LowerAlpha | Seq::UpperAlpha => t
            .chars()
            .next()
            .map(|c| (c.to_ascii_lowercase() as u64) - 96),
        Seq::LowerRoman | Seq::UpperRoman => roman(t).map(u64::from),
    };
    (seq, ord)
}

/// The `enumerated_list` element `Body.enumerator` starts (`enumtype`, `prefix`, `suffix`,
/// `start` when not 1).
fn enum_list(seq: Seq, fmt: EnumFmt, ord: Option<u64>) -> Element {
    let mut list = Element::new("enumerated_list");
    let enumtype = match seq {
        Seq::LowerAlpha => "loweralpha",
        Seq::UpperAlpha => "upperalpha",
        Seq::LowerRoman => "lowerroman",
        Seq::UpperRoman => "upperroman",
        Seq::Arabic | Seq::Auto => "arabic",
    };
    let (prefix, suffix) = match fmt {
        EnumFmt::Parens => ("(", ")"),
        EnumFmt::Rparen => ("", ")"),
        EnumFmt::Period => ("", "."),
    };
    list.set("enumtype", enumtype);
    list.set("prefix", prefix);
    list.set("suffix", suffix);
    if let Some(o) = ord.filter(|&o| o != 1) {
        list.set("start", o.to_string());
    }
    list
}

fn make_enumerator(ord: u64, seq: Seq, fmt: EnumFmt) -> Option<(String, String)> {
    let e = match seq {
        Seq::Auto => "#".to_string(),
        Seq::Arabic => ord.to_string(),
        Seq::LowerAlpha | Seq::UpperAlpha => {
            if ord > 26 || ord == 0 {
                return None;
            }
            let c = (b'a' + (ord as u8) - 1) as char;
            if seq == Seq::UpperAlpha {
                c.to_ascii_uppercase().to_string()
            } else {
                c.to_string()
            }
        }
        Seq::LowerRoman | Seq::UpperRoman => {
            if ord == 0 || ord > 4999 {
                return None;
            }
            let r = to_roman(ord as u32);
            if seq == Seq::LowerRoman {
                r.to_lowercase()
            } else {
                r
            }
        }
    };
    let (p, s) = match fmt {
        EnumFmt::Parens => ("(", ")"),
        EnumFmt::Rparen => ("", ")"),
        EnumFmt::Period => ("", "."),
    };
    Some((format!("{p}{e}{s} "), format!("{p}#{s} ")))
}

impl Sm<'_, '_> {
    fn cur(&self) -> usize {
        self.next.saturating_sub(1)
    }

    fn push(&mut self, e: Elem) {
        if self.match_titles {
            let parent = self.doc.section_stack.last().copied().unwrap_or(0);
            self.doc.tree[parent].push(e);
        } else {
            self.out.push(e);
        }
    }

    // ----- StringList.get_indented and friends -----

    /// `StringList.get_indented`.
    fn block_indented(
        &self,
        start: usize,
        until_blank: bool,
        strip_indent: bool,
        block_indent: Option<usize>,
        first_indent: Option<usize>,
    ) -> (Vec<L>, usize, bool) {
        let mut indent = block_indent;
        let mut end = start;
        let first_indent = if block_indent.is_some() && first_indent.is_none() {
            block_indent
        } else {
            first_indent
        };
        if first_indent.is_some() {
            end += 1;
        }
        let last = self.lines.len();
        let mut blank_finish = true;
        while end < last {
            let line = self.text(end);
            if !line.is_empty()
                && (line[0] != ' '
                    || block_indent.is_some_and(|bi| !is_blank(&line[..bi.min(line.len())])))
            {
                blank_finish = end > start && is_blank(self.text(end - 1));
                break;
            }
            let stripped = lstrip(line);
            if stripped.is_empty() {
                if until_blank {
                    blank_finish = true;
                    break;
                }
            } else if block_indent.is_none() {
                let li = line.len() - stripped.len();
                indent = Some(indent.map_or(li, |i| i.min(li)));
            }
            end += 1;
        }
        let end = end.min(last);
        let mut block: Vec<L> = self.lines[start.min(end)..end].to_vec();
        if let (Some(fi), Some(first)) = (first_indent, block.first_mut()) {
            first.start = (first.start + fi).min(first.end);
        }
        let ind = indent.unwrap_or(0);
        if ind > 0 && strip_indent {
            let from = usize::from(first_indent.is_some());
            for l in block.iter_mut().skip(from) {
                l.start = (l.start + ind).min(l.end);
            }
        }
        (block, ind, blank_finish)
    }

    fn trim_top(&self, block: &mut Vec<L>) -> usize {
        let n = block
            .iter()
            .take_while(|l| is_blank(self.text_of(**l)))
            .count();
        block.drain(..n);
        n
    }

    /// `StateMachineWS.get_indented` from the current line.
    fn sm_get_indented(&mut self) -> (Vec<L>, bool) {
        let cur = self.cur();
        let (mut block, _ind, bf) = self.block_indented(cur, false, true, None, None);
        if !block.is_empty() {
            self.next = cur + block.len();
        }
        self.trim_top(&mut block);
        (block, bf)
    }

    fn sm_get_known_indented(&mut self, indent: usize) -> (Vec<L>, bool) {
        let cur = self.cur();
        let (mut block, _ind, bf) = self.block_indented(cur, false, true, Some(indent), None);
        self.next = cur + block.len().max(1);
        self.trim_top(&mut block);
        (block, bf)
    }

    fn sm_get_first_known_indented(
        &mut self,
        indent: usize,
        until_blank: bool,
        strip_indent: bool,
        strip_top: bool,
    ) -> (Vec<L>, bool) {
        let cur = self.cur();
        let (mut block, _ind, bf) =
            self.block_indented(cur, until_blank, strip_indent, None, Some(indent));
        self.next = cur + block.len().max(1);
        if strip_top {
            self.trim_top(&mut block);
        }
        (block, bf)
    }

    /// `get_text_block` from the current line; `Err` carries the 1-based line of the
    /// unexpected indentation.
    fn get_text_block(&mut self, flush_left: bool) -> Result<Vec<L>, (Vec<L>, usize)> {
        let start = self.cur();
        let mut end = start;
        while end < self.lines.len() {
            let line = self.text(end);
            if is_blank(line) {
                break;
            }
            if flush_left && line.first() == Some(&' ') {
                let block = self.lines[start..end].to_vec();
                self.next = start + block.len().max(1);
                return Err((block, self.lineno(end)));
            }
            end += 1;
        }
        let block = self.lines[start..end].to_vec();
        self.next = start + block.len().max(1);
        Ok(block)
    }

    fn is_next_line_blank(&self) -> bool {
        self.next >= self.lines.len() || is_blank(self.text(self.next))
    }

    fn unindent_warning(&mut self, what: &str) -> Halt {
        // docutils: "the actual problem is one line below the current line"
        let line = self.lineno(self.cur()) + 1;
        self.doc.warning(
            format!("{what} ends without a blank line; unexpected unindent."),
            Some(line),
        )
    }
}

/// The block parser is what runs a directive's nested content: [`Nest`] is how
/// [`super::directive`] reaches it without importing this module.
impl Nest for Sm<'_, '_> {
    /// A nested parse into a node of the given kind.
    fn nested_full(&mut self, lines: Vec<L>, parent: Parent) -> R<(Vec<Elem>, Vec<Node>)> {
        let depth = DEPTH.with(|d| d.get());
        if depth > MAX_DEPTH {
            return Err(self.doc.report(
                super::RstLevel::Severe,
                "Maximum nesting depth exceeded.".into(),
                lines.first().map(|l| l.abs + 1),
            ));
        }
        DEPTH.with(|d| d.set(depth + 1));
        let mut sm = Sm::new(self.src, self.doc, lines, false);
        sm.in_subst = self.in_subst;
        sm.parent = parent;
        let r = sm.run();
        let out = std::mem::take(&mut sm.out);
        let nodes = std::mem::take(&mut sm.nodes);
        DEPTH.with(|d| d.set(depth));
        r.map(|()| (out, nodes))
    }

    fn tree_only_parse(&mut self, texts: &[String]) -> Vec<Option<Vec<Node>>> {
        self.doc
            .tree_only(|doc| texts.iter().map(|t| parse_detached(doc, t)).collect())
    }

    /// `Body.block_quote`: the quote, with attributions split off.
    fn block_quote_body(&mut self, mut indented: Vec<L>) -> R<Vec<Node>> {
        let mut quotes = Vec::new();
        while !indented.is_empty() {
            let (quote, attribution, rest) = self.split_attribution(&indented);
            let (_, children) = self.nested_nodes(quote)?;
            let mut bq = with("block_quote", children);
            if let Some((a, line)) = attribution {
                let text = join_lines(self, &a);
                let text = rstrip(&text).to_vec();
                let (_, nodes) = self.inline_nodes(&text, line)?;
                bq.children.push(with("attribution", nodes).into());
            }
            quotes.push(bq.into());
            indented = rest;
            let n = indented
                .iter()
                .take_while(|l| self.text_of(**l).is_empty())
                .count();
            indented.drain(..n);
        }
        Ok(quotes)
    }
}

impl Sm<'_, '_> {
    // ----- the Body state -----

    pub fn run(&mut self) -> R {
        while self.next < self.lines.len() {
            let i = self.next;
            self.next += 1;
            let l = self.text(i);
            let tr = classify(l);
            self.body(tr)?;
        }
        Ok(())
    }

    fn body(&mut self, tr: Tr) -> R {
        match tr {
            Tr::Blank => Ok(()),
            Tr::Indent => self.block_quote(),
            Tr::Bullet(e) => self.bullet(e),
            Tr::Enumerator(m) => self.enumerator(m),
            Tr::Field(e) => self.field_list(e),
            Tr::OptionM(e) => self.option_list(e),
            Tr::Doctest => {
                let block = match self.get_text_block(false) {
                    Ok(b) | Err((b, _)) => b,
                };
                let text: String = join_lines(self, &block).into_iter().collect();
                self.push(Elem::Other);
                self.emit(preserve("doctest_block", text));
                Ok(())
            }
            Tr::LineBlock(e) => self.line_block(e),
            Tr::GridTop => self.grid_table(),
            Tr::SimpleTop => self.simple_table(),
            Tr::Explicit => self.explicit_markup(),
            Tr::Anonymous(e) => self.anonymous(e),
            Tr::Line => self.line(),
            Tr::Text => self.text_state(),
        }
    }

    fn block_quote(&mut self) -> R {
        let (indented, blank_finish) = self.sm_get_indented();
        let quotes = self.block_quote_body(indented)?;
        self.push(Elem::Other);
        for q in quotes {
            self.emit(q);
        }
        if !blank_finish {
            return Err(self.unindent_warning("Block quote"));
        }
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn split_attribution(&self, indented: &[L]) -> (Vec<L>, Option<(Vec<L>, usize)>, Vec<L>) {
        let mut blank: Option<usize> = None;
        let mut nonblank_seen = false;
        for i in 0..indented.len() {
            let line = rstrip(self.text_of(indented[i]));
            if !line.is_empty() {
                if nonblank_seen
                    && blank == Some(i.wrapping_sub(1))
                    && let Some(mend) = attribution_match(line)
                    && let Some((aend, ind)) = self.check_attribution(indented, i)
                {
                    let mut a: Vec<L> = indented[i..aend].to_vec();
                    if let Some(f) = a.first_mut() {
                        f.start = (f.start + mend).min(f.end);
                    }
                    for l in a.iter_mut().skip(1) {
                        l.start = (l.start + ind).min(l.end);
                    }
                    let line = indented[i].abs + 1;
                    return (
                        indented[..i].to_vec(),
                        Some((a, line)),
                        indented[aend..].to_vec(),
                    );
                }
                nonblank_seen = true;
            } else {
                blank = Some(i);
            }
        }
        (indented.to_vec(), None, Vec::new())
    }

    fn check_attribution(&self, indented: &[L], start: usize) -> Option<(usize, usize)> {
        let mut indent: Option<usize> = None;
        let mut i = start + 1;
        let mut finished = true;
        while i < indented.len() {
            let line = rstrip(self.text_of(indented[i]));
            if line.is_empty() {
                finished = false;
                break;
            }
            let li = line.len() - lstrip(line).len();
            match indent {
                None => indent = Some(li),
                Some(x) if x != li => return None,
                _ => {}
            }
            i += 1;
        }
        let end = if finished { indented.len() } else { i };
        Some((end, indent.unwrap_or(0)))
    }

    fn list_item(&mut self, indent: usize) -> R<(Vec<Elem>, Node, bool)> {
        let line = self.text(self.cur());
        let (indented, bf) = if line.len() > indent {
            self.sm_get_known_indented(indent)
        } else {
            self.sm_get_first_known_indented(indent, false, true, true)
        };
        let (elems, nodes) = if indented.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            self.nested_nodes(indented)?
        };
        Ok((elems, with("list_item", nodes).into(), bf))
    }

    fn bullet(&mut self, end: usize) -> R {
        let bullet = self.text(self.cur()).first().copied().unwrap_or('-');
        let (item, node, mut blank_finish) = self.list_item(end)?;
        let mut items = vec![item];
        let mut list = Element::new("bullet_list");
        list.set("bullet", bullet.to_string());
        list.children.push(node);
        while self.next < self.lines.len() {
            let l = self.text(self.next);
            match classify(l) {
                Tr::Blank => self.next += 1,
                Tr::Bullet(e) if l.first() == Some(&bullet) => {
                    self.next += 1;
                    let (item, node, bf) = self.list_item(e)?;
                    items.push(item);
                    list.children.push(node);
                    blank_finish = bf;
                }
                _ => break,
            }
        }
        self.push(Elem::BulletList(items));
        self.emit(list);
        if !blank_finish {
            return Err(self.unindent_warning("Bullet list"));
        }
        Ok(())
    }

    fn is_enumerated_list_item(&self, ord: Option<u64>, seq: Seq, fmt: EnumFmt) -> bool {
        let Some(ord) = ord else { return false };
        if self.next >= self.lines.len() {
            return true;
        }
        let next = self.text(self.next);
        if next.first().is_none_or(|&c| is_space(c)) {
            return true;
        }
        if let Some((a, b)) = make_enumerator(ord.saturating_add(1), seq, fmt) {
            let s: String = next.iter().collect();
            if s.starts_with(&a) || s.starts_with(&b) {
                return true;
            }
        }
        false
    }

    fn enumerator(&mut self, m: EnumMatch) -> R {
        let (seq, ord) = parse_enumerator(&m, None);
        if !self.is_enumerated_list_item(ord, seq, m.fmt) {
            return self.text_state();
        }
        let enumtype = if seq == Seq::Auto { Seq::Arabic } else { seq };
        let mut auto = seq == Seq::Auto;
        let mut last = ord.unwrap_or(1);
        let mut list = enum_list(enumtype, m.fmt, ord);
        let (_item, node, mut blank_finish) = self.list_item(m.end)?;
        list.children.push(node);
        while self.next < self.lines.len() {
            let l = self.text(self.next);
            match classify(l) {
                Tr::Blank => self.next += 1,
                Tr::Enumerator(m2) => {
                    let (s2, o2) = parse_enumerator(&m2, Some(enumtype));
                    let bad = m2.fmt != m.fmt
                        || (s2 != Seq::Auto
                            && (s2 != enumtype || auto || o2 != Some(last.saturating_add(1))));
                    self.next += 1;
                    if bad || !self.is_enumerated_list_item(o2, s2, m2.fmt) {
                        self.next -= 1;
                        break;
                    }
                    if s2 == Seq::Auto {
                        auto = true;
                    }
                    let (_item, node, bf) = self.list_item(m2.end)?;
                    list.children.push(node);
                    blank_finish = bf;
                    last = o2.unwrap_or(last);
                }
                _ => break,
            }
        }
        self.push(Elem::EnumList);
        self.emit(list);
        if !blank_finish {
            return Err(self.unindent_warning("Enumerated list"));
        }
        Ok(())
    }

    fn field(&mut self, end: usize) -> R<(FieldInfo, Node, bool)> {
        let cur = self.cur();
        let line = self.text(cur);
        let marker = &line[1..end];
        let close = marker.iter().rposition(|&c| c == ':').unwrap_or(0);
        let name: Vec<char> = marker[..close].to_vec();
        let lineno = self.lineno(cur);
        let (indented, bf) = self.sm_get_first_known_indented(end, false, true, true);
        let (_, name_nodes) = self.inline_nodes(&name, lineno)?;
        let single_line = indented
            .iter()
            .filter(|l| !is_blank(self.text_of(**l)))
            .count()
            <= 1;
        let (body, body_nodes) = if indented.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            self.nested_nodes(indented)?
        };
        let field = with(
            "field",
            vec![
                with("field_name", name_nodes).into(),
                with("field_body", body_nodes).into(),
            ],
        );
        Ok((
            FieldInfo {
                name: name.iter().collect(),
                line: lineno,
                body,
                single_line,
            },
            field.into(),
            bf,
        ))
    }

    fn field_list(&mut self, end: usize) -> R {
        let (f, node, mut blank_finish) = self.field(end)?;
        let mut fields = vec![f];
        let mut list = with("field_list", vec![node]);
        while self.next < self.lines.len() {
            let l = self.text(self.next);
            match classify(l) {
                Tr::Blank => self.next += 1,
                Tr::Field(e) => {
                    self.next += 1;
                    let (f, node, bf) = self.field(e)?;
                    fields.push(f);
                    list.children.push(node);
                    blank_finish = bf;
                }
                _ => break,
            }
        }
        self.push(Elem::FieldList(fields));
        self.emit(list);
        if !blank_finish {
            return Err(self.unindent_warning("Field list"));
        }
        Ok(())
    }

    fn option_item(&mut self, end: usize) -> R<Option<(Node, bool)>> {
        let saved = self.next;
        let marker: String = self
            .text(self.cur())
            .get(..end)
            .unwrap_or(&[])
            .iter()
            .collect();
        let (indented, bf) = self.sm_get_first_known_indented(end, false, true, true);
        if indented.is_empty() {
            self.next = saved;
            return Ok(None);
        }
        let (_, description) = self.nested_nodes(indented)?;
        let item = with(
            "option_list_item",
            vec![
                with("option_group", super::tree::option_marker(&marker)).into(),
                with("description", description).into(),
            ],
        );
        Ok(Some((item.into(), bf)))
    }

    fn option_list(&mut self, end: usize) -> R {
        let Some((node, mut blank_finish)) = self.option_item(end)? else {
            return self.text_state();
        };
        let mut list = with("option_list", vec![node]);
        while self.next < self.lines.len() {
            let l = self.text(self.next);
            match classify(l) {
                Tr::Blank => self.next += 1,
                Tr::OptionM(e) => {
                    self.next += 1;
                    match self.option_item(e)? {
                        Some((node, bf)) => {
                            blank_finish = bf;
                            list.children.push(node);
                        }
                        None => {
                            self.next -= 1;
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
        self.push(Elem::Other);
        self.emit(list);
        if !blank_finish {
            return Err(self.unindent_warning("Option list"));
        }
        Ok(())
    }

    /// `Body.line_block_line`: one `line` and its indent (`None` for an empty line).
    fn line_block_line(&mut self, end: usize, lines: &mut Vec<(Node, Option<usize>)>) -> R<bool> {
        let lineno = self.lineno(self.cur());
        let empty = rstrip(self.text(self.cur())) == ['|'];
        let (indented, bf) = self.sm_get_first_known_indented(end, true, true, true);
        let text = join_lines(self, &indented);
        let (_, nodes) = self.inline_nodes(&text, lineno)?;
        let indent = (!empty).then(|| end.saturating_sub(2));
        lines.push((with("line", nodes).into(), indent));
        Ok(bf)
    }

    fn line_block(&mut self, end: usize) -> R {
        let lineno = self.lineno(self.cur());
        let mut lines = Vec::new();
        let mut blank_finish = self.line_block_line(end, &mut lines)?;
        if !blank_finish {
            while self.next < self.lines.len() {
                let l = self.text(self.next);
                match classify(l) {
                    Tr::LineBlock(e) => {
                        self.next += 1;
                        blank_finish = self.line_block_line(e, &mut lines)?;
                    }
                    _ => break,
                }
            }
        }
        self.push(Elem::Other);
        self.emit(super::tree::line_block(lines));
        if !blank_finish {
            return Err(self.doc.warning(
                "Line block ends without a blank line.".into(),
                Some(lineno + 1),
            ));
        }
        Ok(())
    }

    // ----- tables -----

    fn malformed(&mut self, detail: &str, line: usize) -> Halt {
        let msg = if detail.is_empty() {
            "Malformed table.".to_string()
        } else {
            format!("Malformed table.\n{detail}")
        };
        self.doc.error(msg, Some(line))
    }

    fn grid_table(&mut self) -> R {
        let start = self.cur();
        let mut blank_finish = true;
        let block = match self.get_text_block(true) {
            Ok(b) => b,
            Err((_, line)) => {
                return Err(self.doc.error("Unexpected indentation.".into(), Some(line)));
            }
        };
        let mut rows: Vec<Vec<char>> = block
            .iter()
            .map(|l| strip(self.text_of(*l)).to_vec())
            .collect();
        let width = rows.first().map_or(0, |r| r.len());
        let mut nrows = rows.len();
        for (i, r) in rows.iter().enumerate() {
            if !matches!(r.first(), Some('+') | Some('|')) {
                blank_finish = false;
                nrows = i;
                break;
            }
        }
        rows.truncate(nrows);
        self.next = start + nrows.max(1);
        let startline = self.lineno(start);
        if !rows.last().is_some_and(|r| is_grid_top(r)) {
            let mut found = None;
            for i in (2..rows.len().saturating_sub(1)).rev() {
                if is_grid_top(&rows[i]) {
                    found = Some(i);
                    break;
                }
            }
            match found {
                Some(i) => {
                    rows.truncate(i + 1);
                    self.next = start + i + 1;
                    blank_finish = false;
                }
                None => {
                    return Err(self.malformed("Bottom border missing or corrupt.", startline));
                }
            }
        }
        for (i, r) in rows.iter().enumerate() {
            let w: usize = r
                .iter()
                .filter(|&&c| !super::chars::is_combining(c))
                .count();
            if w != width || !matches!(r.last(), Some('+') | Some('|')) {
                return Err(self.malformed("Right border not aligned or missing.", startline + i));
            }
        }
        let layout = match table::parse_grid(&rows) {
            Ok(c) => c,
            Err(table::TableError(msg, off)) => return Err(self.malformed(&msg, startline + off)),
        };
        let node = self.table_node(&block, layout, true)?;
        self.push(Elem::Table);
        self.emit(node);
        if !blank_finish {
            let line = self.lineno(self.cur()) + 1;
            return Err(self
                .doc
                .warning("Blank line required after table.".into(), Some(line)));
        }
        Ok(())
    }

    /// `Body.build_table`: the `table` element, parsing each cell (row by row) as docutils
    /// does: its lines of `block`, cut to the cell's columns (a grid table's lines are
    /// measured from their first non-blank character).
    fn table_node(&mut self, block: &[L], layout: table::Layout, grid: bool) -> R<Element> {
        let mut tgroup = Element::new("tgroup");
        tgroup.set("cols", layout.colwidths.len().to_string());
        for w in &layout.colwidths {
            let mut c = Element::new("colspec");
            c.set("colwidth", w.to_string());
            tgroup.children.push(c.into());
        }
        let mut head = Element::new("thead");
        let mut body = Element::new("tbody");
        for (i, cells) in layout.rows.into_iter().enumerate() {
            let mut row = Element::new("row");
            for (c, morerows, morecols) in cells {
                let mut cell: Vec<L> = Vec::new();
                for r in c.top..c.bottom {
                    let Some(&l) = block.get(r) else { continue };
                    let lead = if grid {
                        self.text_of(l).len() - lstrip(self.text_of(l)).len()
                    } else {
                        0
                    };
                    let s = (l.start + lead + c.left).min(l.end);
                    let e = (l.start + lead + c.right).min(l.end);
                    cell.push(L {
                        abs: l.abs,
                        start: s,
                        end: e.max(s),
                    });
                }
                let mut entry = with("entry", self.parse_cell(cell)?);
                if morerows > 0 {
                    entry.set("morerows", morerows.to_string());
                }
                if morecols > 0 {
                    entry.set("morecols", morecols.to_string());
                }
                row.children.push(entry.into());
            }
            let part = if i < layout.head_rows {
                &mut head
            } else {
                &mut body
            };
            part.children.push(row.into());
        }
        if !head.children.is_empty() {
            tgroup.children.push(head.into());
        }
        tgroup.children.push(body.into());
        Ok(with("table", vec![tgroup.into()]))
    }

    /// A table cell: `get_2D_block` (strip trailing space, common indent), then a nested parse.
    fn parse_cell(&mut self, mut cell: Vec<L>) -> R<Vec<Node>> {
        for l in cell.iter_mut() {
            let t = self.text_of(*l);
            l.end = l.start + rstrip(t).len();
        }
        let indent = cell
            .iter()
            .filter(|l| !self.text_of(**l).is_empty())
            .map(|l| {
                let t = self.text_of(*l);
                t.len() - lstrip(t).len()
            })
            .min()
            .unwrap_or(0);
        for l in cell.iter_mut() {
            l.start = (l.start + indent).min(l.end);
        }
        if cell.iter().all(|l| self.text_of(*l).is_empty()) {
            return Ok(Vec::new());
        }
        Ok(self.nested_nodes(cell)?.1)
    }

    fn simple_table(&mut self) -> R {
        let start = self.cur();
        let limit = self.lines.len() - 1;
        let toplen = strip(self.text(start)).len();
        let mut found = 0;
        let mut found_at = None;
        let mut i = start + 1;
        let mut end = None;
        while i <= limit {
            let line = self.text(i);
            if is_simple_border(line) {
                if strip(line).len() != toplen {
                    self.next = i + 1;
                    let line = self.lineno(i);
                    return Err(self.malformed(
                        "Bottom border or header rule does not match top border.",
                        line,
                    ));
                }
                found += 1;
                found_at = Some(i);
                if found == 2 || i == limit || is_blank(self.text(i + 1)) {
                    end = Some(i);
                    break;
                }
            }
            i += 1;
        }
        let Some(end) = end else {
            let mut details = "No bottom table border found".to_string();
            if found > 0 {
                details.push_str(" or no blank line after table bottom");
                self.next = found_at.unwrap_or(start) + 1;
            } else {
                self.next = self.lines.len();
            }
            let line = self.lineno(start);
            return Err(self.malformed(&format!("{details}."), line));
        };
        self.next = end + 1;
        let block: Vec<L> = self.lines[start..=end].to_vec();
        let blank_finish = end == limit || is_blank(self.text(end + 1));
        let rows: Vec<Vec<char>> = block.iter().map(|l| self.text_of(*l).to_vec()).collect();
        let startline = self.lineno(start);
        let layout = match table::parse_simple(&rows) {
            Ok(c) => c,
            Err(table::TableError(msg, off)) => return Err(self.malformed(&msg, startline + off)),
        };
        let node = self.table_node(&block, layout, false)?;
        self.push(Elem::Table);
        self.emit(node);
        if !blank_finish {
            let line = self.lineno(self.cur()) + 1;
            return Err(self
                .doc
                .warning("Blank line required after table.".into(), Some(line)));
        }
        Ok(())
    }

    // ----- explicit markup -----

    fn explicit_markup(&mut self) -> R {
        let (elems, nodes, blank_finish) = self.explicit_construct()?;
        self.push_all(elems, nodes);
        self.explicit_list(blank_finish)
    }

    fn push_all(&mut self, elems: Vec<Elem>, nodes: Vec<Node>) {
        for e in elems {
            self.push(e);
        }
        for n in nodes {
            self.emit(n);
        }
    }

    fn anonymous(&mut self, end: usize) -> R {
        let (node, blank_finish) = self.anonymous_target(end)?;
        self.push(Elem::Target);
        self.emit(node);
        self.explicit_list(blank_finish)
    }

    /// The Explicit state: more constructs directly following (a blank line ends it).
    fn explicit_list(&mut self, mut blank_finish: bool) -> R {
        while self.next < self.lines.len() {
            let l = self.text(self.next);
            match classify(l) {
                Tr::Explicit => {
                    self.next += 1;
                    let (elems, nodes, bf) = self.explicit_construct()?;
                    self.push_all(elems, nodes);
                    blank_finish = bf;
                }
                Tr::Anonymous(e) => {
                    self.next += 1;
                    let (node, bf) = self.anonymous_target(e)?;
                    blank_finish = bf;
                    self.push(Elem::Target);
                    self.emit(node);
                }
                _ => break,
            }
        }
        if !blank_finish {
            return Err(self.unindent_warning("Explicit markup"));
        }
        Ok(())
    }

    fn anonymous_target(&mut self, end: usize) -> R<(Node, bool)> {
        let lineno = self.lineno(self.cur());
        let (block, bf) = self.sm_get_first_known_indented(end, true, true, true);
        let block: Vec<Vec<char>> = block
            .iter()
            .map(|l| escape2null(self.text_of(*l)))
            .collect();
        let node = self.make_target(&block, lineno, None)?;
        Ok((node.into(), bf))
    }

    /// `Body.explicit_construct`: footnote, citation, target, substitution definition,
    /// directive, or else a comment.
    #[allow(clippy::type_complexity)]
    fn explicit_construct(&mut self) -> R<(Vec<Elem>, Vec<Node>, bool)> {
        let cur = self.cur();
        let line = self.text(cur);
        let lineno = self.lineno(cur);
        // after ".." and spaces
        let mut p = 2;
        while p < line.len() && line[p] == ' ' {
            p += 1;
        }
        let has_space = p > 2;
        if has_space {
            if line.get(p) == Some(&'[')
                && let Some((label, end)) = footnote_label(line, p)
            {
                return self.footnote_or_citation(label, end, lineno);
            }
            if line.get(p) == Some(&'_') && !matches!(line.get(p + 1), None | Some(' ')) {
                return match self.hyperlink_target(p + 1, lineno) {
                    Ok(r) => Ok(r),
                    Err(Some(msg)) => {
                        let w = self.doc.warning(msg, Some(lineno));
                        Err(w)
                    }
                    Err(None) => Err(Halt),
                };
            }
            if line.get(p) == Some(&'|') && !matches!(line.get(p + 1), None | Some(' ')) {
                return self.substitution_def(p + 1, lineno);
            }
            if let Some((name, end)) = directive_marker(line, p) {
                let r = super::directive::directive(self, &name, end, lineno, None)?;
                return Ok((r.0.elems, r.0.nodes, r.1));
            }
        }
        self.comment(p)
    }

    /// `Body.comment`: the indented block's text, trailing blank lines dropped.
    fn comment(&mut self, end: usize) -> R<(Vec<Elem>, Vec<Node>, bool)> {
        let cur = self.cur();
        let first = self.text(cur).get(end..).unwrap_or(&[]);
        if self.is_next_line_blank() && is_blank(first) {
            let node = preserve("comment", "");
            return Ok((vec![Elem::Comment { empty: true }], vec![node.into()], true));
        }
        let (mut block, bf) = self.sm_get_first_known_indented(end, false, true, true);
        while block.last().is_some_and(|l| is_blank(self.text_of(*l))) {
            block.pop();
        }
        let text: String = join_lines(self, &block).into_iter().collect();
        let node = preserve("comment", text);
        Ok((vec![Elem::Comment { empty: false }], vec![node.into()], bf))
    }

    fn footnote_or_citation(
        &mut self,
        label: Vec<char>,
        end: usize,
        lineno: usize,
    ) -> R<(Vec<Elem>, Vec<Node>, bool)> {
        let (indented, bf) = self.sm_get_first_known_indented(end, false, true, true);
        let label_s: String = label.iter().collect();
        let name = normalize_name(&label_s);
        let is_footnote =
            label.iter().all(|c| c.is_ascii_digit()) || label_s.starts_with('#') || label_s == "*";
        if is_footnote {
            if let Some(rest) = name.strip_prefix('#') {
                if rest.is_empty() {
                    self.doc.auto_footnotes += 1;
                } else {
                    self.doc.auto_footnotes_labeled(rest, lineno)?;
                }
            } else if name == "*" {
                self.doc.symbol_footnotes += 1;
            } else {
                self.doc
                    .note_explicit_target(name.clone(), None, None, Some(lineno))?;
            }
        } else {
            self.doc
                .note_explicit_target(name.clone(), None, None, Some(lineno))?;
        }
        if indented.is_empty() {
            let what = if is_footnote { "Footnote" } else { "Citation" };
            return Err(self
                .doc
                .warning(format!("{what} content expected."), Some(lineno)));
        }
        let mut node = self.footnote_node(&label_s, &name, is_footnote);
        let (_, children) = self.nested_nodes(indented)?;
        node.children.extend(children);
        Ok((vec![Elem::Other], vec![node.into()], bf))
    }

    /// The `footnote` (`auto`, `label`, `names`, `ids`) or `citation` element of
    /// `Body.footnote` / `Body.citation`, noted as docutils notes it.
    fn footnote_node(&mut self, label: &str, name: &str, is_footnote: bool) -> Element {
        let mut node = Element::new(if is_footnote { "footnote" } else { "citation" });
        let auto = name.strip_prefix('#');
        if is_footnote && (auto.is_some() || name == "*") {
            node.set("auto", if name == "*" { "*" } else { "1" });
        } else {
            node.children.push(text_elem("label", label).into());
        }
        let name = auto.unwrap_or(name);
        if !name.is_empty() && name != "*" {
            node.push_to("names", name);
        }
        if is_footnote {
            self.doc.set_id(&mut node, "");
        }
        if node.list("names").is_empty() {
            self.doc.set_id(&mut node, "");
        } else {
            self.doc.note_explicit_node(&mut node);
        }
        node
    }

    /// `Body.hyperlink_target`. `Err(Some(msg))` is docutils' MarkupError (a warning).
    fn hyperlink_target(
        &mut self,
        start: usize,
        lineno: usize,
    ) -> Result<(Vec<Elem>, Vec<Node>, bool), Option<String>> {
        let (block, bf) = self.sm_get_first_known_indented(start, true, false, true);
        let block: Vec<Vec<char>> = block
            .iter()
            .map(|l| escape2null(self.text_of(*l)))
            .collect();
        let mut escaped: Vec<char> = Vec::new();
        let mut found = None;
        for (bi, b) in block.iter().enumerate() {
            let from = escaped.len().saturating_sub(1);
            escaped.extend_from_slice(b);
            if let Some(m) = target_match(&escaped, from) {
                found = Some((bi, m));
                break;
            }
        }
        let Some((bi, (name, mend))) = found else {
            return Err(Some("malformed hyperlink target.".into()));
        };
        let mut rest: Vec<Vec<char>> = block[bi..].to_vec();
        // block[0] = (block[0] + ' ')[targetmatch.end()-len(escaped)-1:].strip()
        let first_len = rest.first().map_or(0, |f| f.len());
        let cut = (mend + first_len + 1).saturating_sub(escaped.len() + 1);
        if let Some(f) = rest.first_mut() {
            let mut with_space = f.clone();
            with_space.push(' ');
            let tail = with_space.get(cut.min(with_space.len())..).unwrap_or(&[]);
            *f = strip(tail).to_vec();
        }
        let node = self
            .make_target(&rest, lineno, name.as_deref())
            .map_err(|_| None)?;
        Ok((vec![Elem::Target], vec![node.into()], bf))
    }

    /// `make_target` / `parse_target` / `add_target`.
    fn make_target(
        &mut self,
        block: &[Vec<char>],
        lineno: usize,
        name: Option<&[char]>,
    ) -> R<Element> {
        let refname = if block.last().is_some_and(|l| strip(l).last() == Some(&'_')) {
            let reference: Vec<char> = super::chars::join_lines(block, true);
            is_reference(&reference)
        } else {
            None
        };
        let name = name.map(|n| normalize_name(&unescape(n)));
        let node = self.target_node(block, name.as_deref(), refname.as_deref());
        match (name, refname) {
            (Some(name), Some(rn)) => {
                let rn = normalize_name(&rn);
                self.doc.note_explicit_target(
                    name.clone(),
                    None,
                    Some(rn.clone()),
                    Some(lineno),
                )?;
                self.doc.indirect_targets.push((name, rn, Some(lineno)));
            }
            (Some(name), None) => {
                let joined: Vec<char> = super::chars::join_lines(block, false);
                let uri: String = unescape(&joined).split(is_space).collect();
                let uri = if uri.is_empty() { None } else { Some(uri) };
                if let Some(url) = &uri {
                    self.doc.targets.push(super::Target {
                        url: url.clone(),
                        image: false,
                        line: lineno,
                    });
                }
                self.doc
                    .note_explicit_target(name, uri, None, Some(lineno))?;
            }
            (None, rn) => {
                self.doc.anonymous_targets += 1;
                if let Some(rn) = rn {
                    self.doc.indirect_targets.push((
                        String::new(),
                        normalize_name(&rn),
                        Some(lineno),
                    ));
                }
            }
        }
        Ok(node)
    }

    /// The `target` element of `make_target` / `add_target`: `refname` (indirect) or `refuri`
    /// (an e-mail address becomes `mailto:`), `names` and `ids`, or `anonymous`.
    fn target_node(
        &mut self,
        block: &[Vec<char>],
        name: Option<&str>,
        refname: Option<&str>,
    ) -> Element {
        let mut node = Element::new("target");
        if let Some(rn) = refname {
            node.set("refname", normalize_name(rn));
        } else {
            let joined: Vec<char> = super::chars::join_lines(block, false);
            let uri = super::tree::target_uri(&joined);
            if !uri.is_empty() {
                let uri = if name.is_some() && super::tree::is_email(&uri) {
                    format!("mailto:{uri}")
                } else {
                    uri
                };
                node.set("refuri", uri);
            }
        }
        match name {
            Some(n) => {
                node.push_to("names", n);
                self.doc.note_explicit_node(&mut node);
            }
            None => {
                node.set("anonymous", "True");
                self.doc.set_id(&mut node, "");
            }
        }
        node
    }

    #[allow(clippy::type_complexity)]
    fn substitution_def(&mut self, start: usize, lineno: usize) -> R<(Vec<Elem>, Vec<Node>, bool)> {
        let (block, bf) = self.sm_get_first_known_indented(start, false, false, true);
        let (subname, block) = self.substitution_text(block, lineno)?;
        // SubstitutionDef state: an embedded directive, or nothing
        let first_line = self.text_of(block[0]);
        let produced = match directive_marker(first_line, 0) {
            Some((dname, dend)) => {
                let mut sub = Sm::new(self.src, self.doc, block, false);
                sub.in_subst = true;
                sub.subst_name = Some(ws_normalize(&subname));
                sub.next = 1;
                let (p, _bf) =
                    super::directive::directive(&mut sub, &dname, dend, lineno, Some(&subname))?;
                p
            }
            None => Produced::default(),
        };
        let mut produced = produced;
        let subst_attrs = std::mem::take(&mut produced.subst_attrs);
        let (inline, mut nodes): (Vec<Node>, Vec<Node>) = std::mem::take(&mut produced.nodes)
            .into_iter()
            .partition(super::tree::is_inline);
        self.check_substitution_contents(produced, &subname, lineno)?;
        self.doc.note_substitution_def(&subname, Some(lineno))?;
        let mut node = with("substitution_definition", inline);
        for a in &subst_attrs {
            node.set(a, "1");
        }
        node.push_to("names", ws_normalize(&subname));
        nodes.push(node.into());
        Ok((vec![Elem::SubstDef], nodes, bf))
    }

    /// The substitution name (escapes resolved) and the lines of its definition: the text
    /// after `|name|`, stripped, without blank lines at either end.
    fn substitution_text(&mut self, mut block: Vec<L>, lineno: usize) -> R<(String, Vec<L>)> {
        let mut escaped: Vec<char> = block
            .first()
            .map(|l| escape2null(rstrip(self.text_of(*l))))
            .unwrap_or_default();
        let mut bi = 0;
        let mut from = 1;
        let m = loop {
            if let Some(m) = subst_match(&escaped, from) {
                break m;
            }
            from = escaped.len().max(1);
            bi += 1;
            let Some(&l) = block.get(bi) else {
                return Err(self
                    .doc
                    .warning("malformed substitution definition.".into(), Some(lineno)));
            };
            escaped.push(' ');
            escaped.extend(escape2null(strip(self.text_of(l))));
        };
        let (name_end, mend) = m;
        let subname: String = escaped[..name_end].iter().collect::<String>();
        let subname = unescape(&subname.chars().collect::<Vec<_>>());
        block.drain(..bi);
        // block[0] = (block[0].strip() + ' ')[start:-1]
        if let Some(first) = block.first_mut() {
            let t = self.src[first.abs]
                .get(first.start..first.end)
                .unwrap_or(&[]);
            let lead = t.len() - lstrip(t).len();
            let stripped_len = strip(t).len();
            let cut = (mend + stripped_len + 1).saturating_sub(escaped.len() + 1);
            first.start = (first.start + lead + cut).min(first.start + lead + stripped_len);
            first.end = first
                .start
                .max(first.start + lead + stripped_len - lead - cut.min(stripped_len));
            let t2 = self.text_of(*first);
            first.end = first.start + t2.len().min(stripped_len.saturating_sub(cut));
        }
        if block.first().is_some_and(|l| self.text_of(*l).is_empty()) {
            block.remove(0);
        }
        while block.last().is_some_and(|l| is_blank(self.text_of(*l))) {
            block.pop();
        }
        if block.is_empty() {
            return Err(self.doc.warning(
                format!("Substitution definition \"{subname}\" missing contents."),
                Some(lineno),
            ));
        }
        if let Some(first) = block.first_mut() {
            let t = self.text_of(*first);
            let lead = t.len() - lstrip(t).len();
            first.start += lead;
            first.end = first.start + strip(t).len();
        }
        Ok((subname, block))
    }

    /// What a substitution definition's directive produced must be inline content with no
    /// anonymous reference, auto-numbered footnote reference or target.
    fn check_substitution_contents(
        &mut self,
        produced: Produced,
        subname: &str,
        lineno: usize,
    ) -> R {
        let s = &produced.summary;
        let illegal = if s.anonymous_ref {
            Some("Anonymous references")
        } else if s.auto_footnote_ref {
            Some("References to auto-numbered and auto-symbol footnotes")
        } else if s.named_target {
            Some("Targets (names and identifiers)")
        } else {
            None
        };
        if let Some(what) = illegal {
            return Err(self.doc.error(
                format!("{what} are not supported in a substitution definition."),
                Some(lineno),
            ));
        }
        if !produced.inline {
            return Err(self.doc.warning(
                format!("Substitution definition \"{subname}\" empty or invalid."),
                Some(lineno),
            ));
        }
        Ok(())
    }

    // ----- lines, titles, paragraphs -----

    /// `Body.line`: a possible overline or transition.
    fn line(&mut self) -> R {
        let cur = self.cur();
        let l = self.text(cur);
        if !self.match_titles {
            let s = strip(l);
            if s == ['.', '.'] || s == [':', ':'] || s.len() < 4 {
                return self.text_state();
            }
            return Err(self.doc.error(
                "Unexpected section title or transition.".into(),
                Some(self.lineno(cur)),
            ));
        }
        // the Line state
        let over = l;
        let overline_no = self.lineno(cur);
        if self.next >= self.lines.len() {
            // eof: transition (or ordinary text if short)
            if strip(over).len() < 4 {
                return self.text_state();
            }
            self.push(Elem::Transition { line: overline_no });
            self.emit(Element::new("transition"));
            return Ok(());
        }
        let second = self.text(self.next);
        match classify_text_state(second) {
            TextTr::Blank => {
                if strip(over).len() < 4 {
                    return self.text_state();
                }
                self.next += 1;
                self.push(Elem::Transition { line: overline_no });
                self.emit(Element::new("transition"));
                Ok(())
            }
            TextTr::Underline => {
                self.next += 1;
                if rstrip(over).len() < 4 {
                    self.next -= 1;
                    return self.text_state();
                }
                Err(self.doc.error(
                    "Invalid section title or transition marker.".into(),
                    Some(overline_no),
                ))
            }
            TextTr::Text | TextTr::Indent => self.overlined_title(over, second, overline_no),
        }
    }

    /// The Line state's title case: `over` (an overline), then `title`, then a matching
    /// underline. A short overline that is not a title falls back to ordinary text.
    fn overlined_title(&mut self, over: &[char], title: &[char], overline_no: usize) -> R {
        self.next += 1;
        if self.next >= self.lines.len() {
            if rstrip(over).len() < 4 {
                self.next -= 1;
                return self.text_state();
            }
            return Err(self
                .doc
                .error("Incomplete section title.".into(), Some(overline_no)));
        }
        let under = self.text(self.next);
        self.next += 1;
        let over_r = rstrip(over);
        let under_r = rstrip(under);
        if !is_line(under_r) {
            if over_r.len() < 4 {
                self.next -= 2;
                return self.text_state();
            }
            return Err(self.doc.error(
                "Missing matching underline for section title overline.".into(),
                Some(overline_no),
            ));
        }
        if over_r != under_r {
            if over_r.len() < 4 {
                self.next -= 2;
                return self.text_state();
            }
            return Err(self.doc.error(
                "Title overline & underline mismatch.".into(),
                Some(overline_no),
            ));
        }
        let title_r = rstrip(title);
        if column_width(title_r) > over_r.len() {
            if over_r.len() < 4 {
                self.next -= 2;
                return self.text_state();
            }
            return Err(self
                .doc
                .warning("Title overline too short.".into(), Some(overline_no)));
        }
        let style = (over_r[0], Some(under_r[0]));
        self.section(lstrip(title_r), style, overline_no + 1)
    }

    /// `RSTState.section`: check the title style, then start the new section.
    fn section(&mut self, title: &[char], style: (char, Option<char>), lineno: usize) -> R {
        let old = self.doc.section_stack.len();
        let new = match self.doc.title_styles.iter().position(|&s| s == style) {
            Some(i) => i + 1,
            None => self.doc.title_styles.len() + 1,
        };
        if new > old + 1 {
            return Err(self.doc.error(
                format!("Inconsistent title style: skip from level {old} to {new}."),
                Some(lineno),
            ));
        }
        if new <= old {
            self.doc.section_stack.truncate(new - 1);
        }
        if new > self.doc.title_styles.len() {
            self.doc.title_styles.push(style);
        }
        let parent = self.doc.section_stack.last().copied().unwrap_or(0);
        let id = self.doc.tree.len();
        self.doc.tree.push(vec![Elem::Title]);
        self.doc.tree[parent].push(Elem::Section(id));
        let (_, nodes) = self.inline_nodes(title, lineno)?;
        let name = normalize_name(&title_astext(title));
        self.doc.note_implicit_target(name, None, None);
        self.doc.section_stack.push(id);
        // the node: `RSTState.new_subsection`
        let title = with("title", nodes);
        let mut section = Element::new("section");
        section.push_to("names", normalize_name(&super::tree::astext(&title)));
        section.children.push(title.into());
        self.doc.note_implicit_node(&mut section);
        self.doc.close_sections(self.doc.section_stack.len() - 1);
        self.doc.stack.push(section);
        Ok(())
    }

    /// The Text state: the line at `cur` is text; look at the next line.
    fn text_state(&mut self) -> R {
        let cur = self.cur();
        let first = self.text(cur);
        if self.next >= self.lines.len() {
            return self.paragraph_end(vec![self.lines[cur]], cur);
        }
        let second = self.text(self.next);
        match classify_text_state(second) {
            TextTr::Blank => {
                self.next += 1;
                self.paragraph_end(vec![self.lines[cur]], cur)
            }
            TextTr::Indent => {
                self.next += 1;
                self.definition_list(cur)
            }
            TextTr::Underline => {
                let title = rstrip(first);
                let under = rstrip(second);
                let under_no = self.lineno(self.next);
                if column_width(title) > under.len() {
                    if under.len() < 4 {
                        return self.paragraph_continue(cur);
                    }
                    self.next += 1;
                    return Err(self
                        .doc
                        .warning("Title underline too short.".into(), Some(under_no)));
                }
                self.next += 1;
                if !self.match_titles {
                    return Err(self
                        .doc
                        .error("Unexpected section title.".into(), Some(under_no)));
                }
                self.section(title, (under[0], None), under_no - 1)
            }
            TextTr::Text => self.paragraph_continue(cur),
        }
    }

    /// `Text.text`: the paragraph goes on from the next line.
    fn paragraph_continue(&mut self, cur: usize) -> R {
        self.next += 1;
        let startline = self.lineno(cur);
        let block = match self.get_text_block(true) {
            Ok(b) => b,
            Err((_, line)) => {
                return Err(self.doc.error("Unexpected indentation.".into(), Some(line)));
            }
        };
        let mut lines = vec![self.lines[cur]];
        lines.extend(block);
        let (literal, para) = self.paragraph(&lines, startline)?;
        self.push(Elem::Paragraph);
        self.emit_opt(para);
        if literal {
            if self.next < self.lines.len() {
                self.next += 1;
            } else {
                self.next = self.lines.len() + 1;
            }
            self.literal_block()?;
        }
        Ok(())
    }

    /// `Text.blank` / `Text.eof`: a one-line paragraph.
    fn paragraph_end(&mut self, lines: Vec<L>, cur: usize) -> R {
        let (literal, para) = self.paragraph(&lines, self.lineno(cur))?;
        self.push(Elem::Paragraph);
        self.emit_opt(para);
        if literal {
            if self.next > self.lines.len() {
                self.next = self.lines.len() + 1;
            }
            self.literal_block()?;
        }
        Ok(())
    }

    /// `RSTState.paragraph`: inline-parse; return whether a literal block follows (`::`).
    fn emit_opt(&mut self, n: Option<Node>) {
        if let Some(n) = n {
            self.emit(n);
        }
    }

    /// `RSTState.paragraph`: inline-parse; return whether a literal block follows (`::`) and
    /// the paragraph (none for a lone `::`).
    fn paragraph(&mut self, lines: &[L], lineno: usize) -> R<(bool, Option<Node>)> {
        let data = join_lines(self, lines);
        let data = rstrip(&data).to_vec();
        let n = data.len();
        let literal = n >= 2 && data[n - 1] == ':' && data[n - 2] == ':' && {
            let bs = data[..n - 2]
                .iter()
                .rev()
                .take_while(|&&c| c == '\\')
                .count();
            bs % 2 == 0
        };
        let text: Vec<char> = if literal {
            if n == 2 {
                return Ok((true, None));
            }
            if matches!(data[n - 3], ' ' | '\n') {
                rstrip(&data[..n - 3]).to_vec()
            } else {
                data[..n - 1].to_vec()
            }
        } else {
            data
        };
        let (_, nodes) = self.inline_nodes(&text, lineno)?;
        Ok((literal, Some(with("paragraph", nodes).into())))
    }

    /// `Text.literal_block`: an indented block, or else a quoted one.
    fn literal_block(&mut self) -> R {
        let cur = self.cur();
        let (mut block, _ind, bf) = if cur < self.lines.len() {
            self.block_indented(cur, false, true, None, None)
        } else {
            (Vec::new(), 0, true)
        };
        if !block.is_empty() {
            self.next = cur + block.len();
        }
        self.trim_top(&mut block);
        while block.last().is_some_and(|l| is_blank(self.text_of(*l))) {
            block.pop();
        }
        if block.is_empty() {
            return self.quoted_literal_block();
        }
        self.push(Elem::Other);
        let text: String = join_lines(self, &block).into_iter().collect();
        self.emit(preserve("literal_block", text));
        if !bf {
            return Err(self.unindent_warning("Literal block"));
        }
        Ok(())
    }

    fn quoted_literal_block(&mut self) -> R {
        let mut i = self.cur().min(self.lines.len());
        if self.next > self.lines.len() {
            i = self.lines.len();
        }
        let mut quote: Option<char> = None;
        let mut have = false;
        loop {
            if i >= self.lines.len() {
                break;
            }
            let l = self.text(i);
            if is_blank(l) {
                if have {
                    break;
                }
                i += 1;
                continue;
            }
            if l[0] == ' ' {
                if have {
                    return Err(self
                        .doc
                        .error("Unexpected indentation.".into(), Some(self.lineno(i))));
                }
                break;
            }
            match quote {
                None => {
                    if is_punct7(l[0]) {
                        quote = Some(l[0]);
                        have = true;
                        i += 1;
                        continue;
                    }
                    break;
                }
                Some(q) => {
                    if l[0] == q {
                        i += 1;
                        continue;
                    }
                    return Err(self.doc.error(
                        "Inconsistent literal block quoting.".into(),
                        Some(self.lineno(i)),
                    ));
                }
            }
        }
        if !have {
            return Err(self.doc.warning(
                "Literal block expected; none found.".into(),
                Some(self.lineno(i)),
            ));
        }
        let start = self.cur().min(self.lines.len());
        let quoted: Vec<L> = self.lines[start.min(i)..i]
            .iter()
            .copied()
            .filter(|l| !is_blank(self.text_of(*l)))
            .collect();
        let text: String = join_lines(self, &quoted).into_iter().collect();
        self.next = i;
        self.push(Elem::Other);
        self.emit(preserve("literal_block", text));
        Ok(())
    }

    /// `Text.indent`: a definition list, starting with the term at `cur`.
    fn definition_list(&mut self, term: usize) -> R {
        let mut list = Element::new("definition_list");
        let mut blank_finish = self.definition_item(term, &mut list)?;
        loop {
            // DefinitionList state: skip blanks; a text line may start the next item
            while self.next < self.lines.len() && is_blank(self.text(self.next)) {
                self.next += 1;
            }
            if self.next >= self.lines.len() {
                break;
            }
            if !matches!(classify(self.text(self.next)), Tr::Text) {
                break;
            }
            let t = self.next;
            if t + 1 >= self.lines.len()
                || !matches!(classify_text_state(self.text(t + 1)), TextTr::Indent)
            {
                break;
            }
            self.next = t + 2;
            blank_finish = self.definition_item(t, &mut list)?;
        }
        self.push(Elem::Other);
        self.emit(list);
        if !blank_finish {
            return Err(self.unindent_warning("Definition list"));
        }
        Ok(())
    }

    fn definition_item(&mut self, term: usize, list: &mut Element) -> R<bool> {
        let (indented, bf) = self.sm_get_indented();
        let t = self.text(term).to_vec();
        let (_, nodes) = self.inline_nodes(&t, self.lineno(term))?;
        let (_, def) = self.nested_nodes(indented)?;
        let mut item = Element::new("definition_list_item");
        item.children.extend(super::tree::term(nodes));
        item.children.push(with("definition", def).into());
        list.children.push(item.into());
        Ok(bf)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextTr {
    Blank,
    Indent,
    Underline,
    Text,
}

fn classify_text_state(l: &[char]) -> TextTr {
    if l.is_empty() || l.iter().all(|&c| c == ' ') {
        TextTr::Blank
    } else if l[0] == ' ' {
        TextTr::Indent
    } else if is_line(l) {
        TextTr::Underline
    } else {
        TextTr::Text
    }
}

/// A nested parse of `text`, lines of its own: its nodes, or `None` where it failed.
fn parse_detached(doc: &mut Doc, text: &str) -> Option<Vec<Node>> {
    let src: Vec<Vec<char>> = text
        .lines()
        .map(|l| rstrip(&l.chars().collect::<Vec<_>>()).to_vec())
        .collect();
    let lines = whole_lines(&src);
    let mut cell = Sm::new(&src, doc, lines, false);
    cell.run().ok()?;
    Some(std::mem::take(&mut cell.nodes))
}

/// `attribution_pattern`: `(---?(?!-)|\u2014) *(?=[^ \n])`; returns the match end.
fn attribution_match(l: &[char]) -> Option<usize> {
    let mut i = if l.starts_with(&['-', '-', '-']) && l.get(3) != Some(&'-') {
        3
    } else if l.starts_with(&['-', '-']) && l.get(2) != Some(&'-') {
        2
    } else if l.first() == Some(&'\u{2014}') {
        1
    } else {
        return None;
    };
    while l.get(i) == Some(&' ') {
        i += 1;
    }
    match l.get(i) {
        Some(&c) if c != ' ' && c != '\n' => Some(i),
        _ => None,
    }
}

/// A footnote or citation label at `p` ("[label]" then spaces or end): (label, match end).
fn footnote_label(l: &[char], p: usize) -> Option<(Vec<char>, usize)> {
    let close = l[p..].iter().position(|&c| c == ']')? + p;
    let label = &l[p + 1..close];
    let ok = (!label.is_empty() && label.iter().all(|c| c.is_ascii_digit()))
        || label == ['#']
        || (label.first() == Some(&'#') && is_simplename(&label[1..]))
        || label == ['*']
        || is_simplename(label);
    if !ok {
        return None;
    }
    let end = spaces_or_end(l, close + 1)?;
    Some((label.to_vec(), end))
}

/// The explicit target pattern, applied to `escaped`; only candidates whose colon is at or after
/// `from` are new. Returns (name or None for anonymous, match end).
#[allow(clippy::type_complexity)]
fn target_match(s: &[char], from: usize) -> Option<(Option<Vec<char>>, usize)> {
    let ws_nul = |c: char| is_space(c) || c == '\0';
    // anonymous: "_" [ ]? ":" ( +|$)
    if s.first() == Some(&'_') {
        let mut k = 1;
        if s.get(k) == Some(&' ') {
            k += 1;
        }
        if s.get(k) == Some(&':')
            && let Some(e) = spaces_or_end(s, k + 1)
        {
            return Some((None, e));
        }
        return None;
    }
    let quoted = s.first() == Some(&'`');
    let name_start = usize::from(quoted);
    if matches!(s.get(name_start), None | Some(' ') | Some('`')) {
        return None;
    }
    for c in from.max(name_start + 1)..s.len() {
        if s[c] != ':' {
            continue;
        }
        let Some(end) = spaces_or_end(s, c + 1) else {
            continue;
        };
        // before the colon: optional single space, then (quote), name end
        for k in [c, c.saturating_sub(1)] {
            if k < c && s.get(k) != Some(&' ') {
                continue;
            }
            // name+quote occupy s[..k]
            let mut ne = k;
            if quoted {
                if ne == 0 || s[ne - 1] != '`' {
                    continue;
                }
                ne -= 1;
            }
            if ne <= name_start {
                continue;
            }
            if ws_nul(s[ne - 1]) {
                continue;
            }
            // no unescaped colon at end, no ws/nul before the delimiter
            let last = s[k - 1];
            if last == ':' && !(k >= 2 && s[k - 2] == '\0') {
                continue;
            }
            if ws_nul(last) {
                continue;
            }
            return Some((Some(s[name_start..ne].to_vec()), end));
        }
    }
    None
}

/// The substitution pattern: `(?![ ])(.+?)(?<![\s\0])\|([ ]+|$)`; returns (name end, match end).
fn subst_match(s: &[char], from: usize) -> Option<(usize, usize)> {
    if matches!(s.first(), None | Some(' ')) {
        return None;
    }
    for i in from.max(1)..s.len() {
        if s[i] == '|'
            && !is_space(s[i - 1])
            && s[i - 1] != '\0'
            && let Some(e) = spaces_or_end(s, i + 1)
        {
            return Some((i, e));
        }
    }
    None
}

/// `Body.is_reference`: `simplename_` or `` `phrase`_ ``; returns the reference name.
fn is_reference(r: &[char]) -> Option<String> {
    let s: Vec<char> = ws_normalize(&r.iter().collect::<String>())
        .chars()
        .collect();
    let n = s.len();
    if n >= 2 && s[n - 1] == '_' && is_simplename(&s[..n - 1]) {
        return Some(unescape(&s[..n - 1]));
    }
    if n >= 4 && s[0] == '`' && s[n - 2] == '`' && s[n - 1] == '_' && s[1] != ' ' {
        let phrase = &s[1..n - 2];
        let last = *phrase.last()?;
        if !is_space(last) && last != '\0' {
            return Some(unescape(phrase));
        }
    }
    None
}

/// An approximation of a title's `astext()`: the text without inline markup characters.
fn title_astext(title: &[char]) -> String {
    let s = escape2null(title);
    let mut out = String::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == '\0' {
            i += 1;
            if let Some(&n) = s.get(i) {
                out.push(n);
            }
            i += 1;
            continue;
        }
        if matches!(c, '*' | '`' | '|') {
            i += 1;
            continue;
        }
        if c == '_' {
            let prev_word = i > 0 && super::chars::is_word(s[i - 1]);
            let next_word = s.get(i + 1).is_some_and(|&n| super::chars::is_word(n));
            if !(prev_word && next_word) {
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    // embedded URIs: "text <uri>" keeps "text"
    if let (Some(a), true) = (out.rfind(" <"), out.ends_with('>')) {
        out.truncate(a);
    }
    out
}
