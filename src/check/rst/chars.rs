//! Character classification exactly as docutils' regular expressions see it.
//!
//! For the rst validator only: Python's `\s` and `\w`, docutils' punctuation classes for
//! inline-markup recognition, `column_width` for title underlines, and stripping and joining
//! lines as docutils' string methods do. Not a general Unicode
//! library.

use super::tables;

fn in_ranges(c: char, ranges: &[(u32, u32)]) -> bool {
    let cp = c as u32;
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Python's `str.isspace()` / regex `\s`.
pub(super) fn is_space(c: char) -> bool {
    if c.is_ascii() {
        return matches!(
            c,
            ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f'
        );
    }
    in_ranges(c, tables::PY_SPACE)
}

/// Python's regex `\w` (Unicode word character, including `_`).
pub(super) fn is_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    in_ranges(c, tables::PY_WORD)
}

pub(super) fn is_opener(c: char) -> bool {
    in_ranges(c, tables::OPENERS)
}

pub(super) fn is_closer(c: char) -> bool {
    in_ranges(c, tables::CLOSERS)
}

pub(super) fn is_delimiter(c: char) -> bool {
    in_ranges(c, tables::DELIMITERS)
}

pub(super) fn is_closing_delimiter(c: char) -> bool {
    in_ranges(c, tables::CLOSING_DELIMITERS)
}

/// docutils' `punctuation_chars.match_chars`: is `(c1, c2)` a matching open/close pair?
pub(super) fn match_chars(c1: char, c2: char) -> bool {
    let Some(i) = tables::OPENER_CLOSER.iter().position(|&(o, _)| o == c1) else {
        return false;
    };
    if tables::OPENER_CLOSER.get(i).is_some_and(|&(_, c)| c == c2) {
        return true;
    }
    tables::QUOTE_PAIRS
        .iter()
        .any(|&(k, v)| k == c1 && v.contains(&c2))
}

/// docutils' `column_width`: East Asian wide characters count 2, combining characters 0.
pub(super) fn column_width(text: &[char]) -> usize {
    text.iter()
        .map(|&c| {
            if c.is_ascii() {
                1
            } else if in_ranges(c, tables::COMBINING) {
                0
            } else if in_ranges(c, tables::WIDE) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// Python `str.strip()` on a char slice.
pub(super) fn strip(s: &[char]) -> &[char] {
    rstrip(lstrip(s))
}

pub(super) fn lstrip(s: &[char]) -> &[char] {
    let n = s.iter().take_while(|&&c| is_space(c)).count();
    &s[n..]
}

pub(super) fn rstrip(s: &[char]) -> &[char] {
    let n = s.iter().rev().take_while(|&&c| is_space(c)).count();
    &s[..s.len() - n]
}

pub(super) fn is_blank(s: &[char]) -> bool {
    s.iter().all(|&c| is_space(c))
}

/// docutils' `whitespace_normalize_name`.
pub(super) fn ws_normalize(s: &str) -> String {
    s.split(|c: char| is_space(c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// docutils' `normalize_name` (whitespace-normalized and lower-cased).
pub(super) fn normalize_name(s: &str) -> String {
    ws_normalize(s).to_lowercase()
}

/// Length of the longest `simplename` prefix candidates, as the end offsets of each word run,
/// longest first. `simplename = (?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*`.
pub(super) fn simplename_ends(s: &[char], start: usize) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut i = start;
    let word = |c: char| is_word(c) && c != '_';
    let run = |mut i: usize| {
        while i < s.len() && word(s[i]) {
            i += 1;
        }
        i
    };
    let e = run(i);
    if e == i {
        return ends;
    }
    ends.push(e);
    i = e;
    while i + 1 < s.len() && matches!(s[i], '-' | '.' | '_' | '+' | ':') && word(s[i + 1]) {
        let e = run(i + 1);
        ends.push(e);
        i = e;
    }
    ends.reverse();
    ends
}

/// Does the whole of `s` match `simplename`?
pub(super) fn is_simplename(s: &[char]) -> bool {
    simplename_ends(s, 0).first() == Some(&s.len()) && !s.is_empty()
}

pub(super) fn is_combining(c: char) -> bool {
    !c.is_ascii() && in_ranges(c, tables::COMBINING)
}

/// Lines joined by single spaces (Python's `' '.join(lines)`), each first stripped of
/// surrounding whitespace when `strip_each`: how docutils reassembles a target's URI or
/// reference name from its lines.
pub(super) fn join_lines(lines: &[Vec<char>], strip_each: bool) -> Vec<char> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.extend_from_slice(if strip_each { strip(l) } else { l });
    }
    out
}
