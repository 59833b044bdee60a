//! docutils' `SmartQuotes` transform (`docutils/transforms/universal.py`) with readme_renderer's
//! `smart_quotes` setting, and the SmartyPants port it drives (`docutils/utils/smartquotes.py`,
//! `educate_tokens` with the transform's action `qDe`, language `en`): typographic quotes,
//! `--` and `---` to en and em dashes, `...` to an ellipsis. Literal text is left alone but
//! gives the next text its context.

use super::state::State;
use super::tree::{Id, Tree, is_text_element};

const OPEN_PRIMARY: char = '\u{201c}';
const CLOSE_PRIMARY: char = '\u{201d}';
const OPEN_SECONDARY: char = '\u{2018}';
const CLOSE_SECONDARY: char = '\u{2019}';

/// Elements whose text is never educated (`FixedTextElement` and `Special` classes).
fn skipped(tag: &str) -> bool {
    matches!(
        tag,
        "literal_block"
            | "doctest_block"
            | "math_block"
            | "comment"
            | "raw"
            | "address"
            | "substitution_definition"
            | "target"
            | "pending"
            | "system_message"
    )
}

/// Elements whose text (as a child or grandchild) is literal (`SmartQuotes.literal_nodes`).
fn literal(tag: &str) -> bool {
    skipped(tag) || matches!(tag, "image" | "literal" | "math" | "problematic")
}

/// `SmartQuotes.apply`: each outermost text element's text nodes are educated as one stream of
/// tokens.
pub(super) fn smart_quotes(s: &mut State) {
    for n in s.tree.preorder(s.tree.root) {
        let tag = s.tree.tag(n);
        if !is_text_element(tag) || skipped(tag) {
            continue;
        }
        if s.tree
            .parent(n)
            .is_some_and(|p| is_text_element(s.tree.tag(p)))
        {
            continue;
        }
        educate_element(&mut s.tree, n);
    }
}

/// Educates the text nodes under `n` (`SmartQuotes.get_tokens` and `educate_tokens`).
fn educate_element(t: &mut Tree, n: Id) {
    let mut prev_last = ' ';
    for node in t.preorder(n) {
        let Some(text) = t.text(node) else {
            continue;
        };
        let parent = t.parent(node);
        if parent.is_some_and(|p| t.is(p, "option_string")) || text.is_empty() {
            continue;
        }
        let grandparent = parent.and_then(|p| t.parent(p));
        let is_literal = [parent, grandparent]
            .into_iter()
            .flatten()
            .any(|a| literal(t.tag(a)));
        if is_literal {
            prev_last = text.chars().last().unwrap_or(prev_last);
            continue;
        }
        let escaped = escape_after_nul(text);
        let last = escaped.chars().last().unwrap_or(prev_last);
        let educated = educate(&escaped, prev_last);
        prev_last = last;
        t.set_text(node, educated);
    }
}

/// A backslash before each of ``-\'".` `` that follows an escape marker (NUL), so that
/// `processEscapes` keeps it as typed.
fn escape_after_nul(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev = None;
    for c in text.chars() {
        if prev == Some('\0') && matches!(c, '-' | '\\' | '\'' | '"' | '.' | '`') {
            out.push('\\');
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

const ESCAPES: &[(&str, &str)] = &[
    ("\\\\", "&#92;"),
    ("\\\"", "&#34;"),
    ("\\'", "&#39;"),
    ("\\.", "&#46;"),
    ("\\-", "&#45;"),
    ("\\`", "&#96;"),
];

/// One plain token through `educate_tokens` (`qDe`): escapes, old-school dashes, ellipses,
/// quotes (with the previous token's last character as context), escapes restored.
fn educate(text: &str, prev_last: char) -> String {
    let mut t = text.to_string();
    for (from, to) in ESCAPES {
        t = t.replace(from, to);
    }
    t = t.replace("---", "\u{2014}").replace("--", "\u{2013}");
    t = t.replace("...", "\u{2026}").replace(". . .", "\u{2026}");
    let context = match prev_last {
        '"' | '\'' => ';',
        c => c,
    };
    let mut chars: Vec<char> = std::iter::once(context).chain(t.chars()).collect();
    educate_quotes(&mut chars);
    let mut t: String = chars.into_iter().skip(1).collect();
    for (from, to) in ESCAPES {
        if let Some(c) = from.chars().nth(1) {
            t = t.replace(to, &c.to_string());
        }
    }
    t
}

/// Python's `\s` (`str.isspace`).
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `\w`.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `RegularExpressions._CH_CLASSES['punct']` (which holds the space too).
fn is_punct(c: char) -> bool {
    "-!\" #$%'()*+,./:;<=>?@[\\]^_`{|}~".contains(c)
}

fn is_open(c: char) -> bool {
    matches!(c, '(' | '[' | '{')
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2013}' | '\u{2014}')
}

fn is_sep(c: char) -> bool {
    is_space(c) || c == '\u{200b}' || c == '\u{200c}'
}

/// `educateQuotes` for English: the substitutions of `smartquotes.RegularExpressions` in
/// order, each a left-to-right pass over the text as the previous one left it.
fn educate_quotes(c: &mut Vec<char>) {
    if !c.iter().any(|&x| matches!(x, '-' | '"' | '\'')) {
        return;
    }
    let at = |c: &[char], i: usize| c.get(i).copied();
    // "' and '" before a word character
    pair_pass(c, |c, i| {
        let (a, b) = (at(c, i)?, at(c, i + 1)?);
        let next_word = at(c, i + 2).is_some_and(is_word);
        match (a, b) {
            ('"', '\'') if next_word => Some([OPEN_PRIMARY, OPEN_SECONDARY]),
            _ => None,
        }
    });
    pair_pass(c, |c, i| {
        let (a, b) = (at(c, i)?, at(c, i + 1)?);
        let next_word = at(c, i + 2).is_some_and(is_word);
        match (a, b) {
            ('\'', '"') if next_word => Some([OPEN_SECONDARY, OPEN_PRIMARY]),
            _ => None,
        }
    });
    // an opening bracket or dash, the quote, maybe a punctuation mark, a space: closing
    for (quote, close) in [('\'', CLOSE_SECONDARY), ('"', CLOSE_PRIMARY)] {
        pair_pass(c, |c, i| {
            let (a, b) = (at(c, i)?, at(c, i + 1)?);
            let space_after = at(c, i + 2) == Some(' ')
                || (at(c, i + 2).is_some_and(is_punct) && at(c, i + 3) == Some(' '));
            ((is_open(a) || is_dash(a)) && b == quote && space_after).then_some([a, close])
        });
    }
    decades(c);
    opening_pass(c, '\'', OPEN_SECONDARY);
    // CLOSING_SECONDARY, then any other single quote opens
    single_pass(c, |c, i| {
        (at(c, i) == Some('\'') && !space_before(c, i)).then_some(CLOSE_SECONDARY)
    });
    single_pass(c, |c, i| (at(c, i) == Some('\'')).then_some(OPEN_SECONDARY));
    opening_pass(c, '"', OPEN_PRIMARY);
    // CLOSING_PRIMARY, then any other double quote opens
    single_pass(c, |c, i| {
        let space_after = at(c, i + 1).is_some_and(is_space);
        (at(c, i) == Some('"') && (!space_before(c, i) || space_after)).then_some(CLOSE_PRIMARY)
    });
    single_pass(c, |c, i| (c.get(i) == Some(&'"')).then_some(OPEN_PRIMARY));
}

/// Whether the character before `i` is whitespace.
fn space_before(c: &[char], i: usize) -> bool {
    i.checked_sub(1)
        .and_then(|p| c.get(p))
        .is_some_and(|&x| is_space(x))
}

/// `DECADE`: `'` before two digits and an `s` (the '80s) is an apostrophe.
fn decades(c: &mut [char]) {
    let src = c.to_vec();
    let digit = |j: usize| src.get(j).is_some_and(|x| x.is_numeric());
    for (i, slot) in c.iter_mut().enumerate() {
        if *slot == '\'' && digit(i + 1) && digit(i + 2) && src.get(i + 3) == Some(&'s') {
            *slot = CLOSE_SECONDARY;
        }
    }
}

/// `OPENING_SECONDARY` / `OPENING_PRIMARY`: a separator, opening bracket or dash, then the
/// quote before a word character or punctuation: an opening quote.
fn opening_pass(c: &mut Vec<char>, quote: char, open: char) {
    pair_pass(c, |c, i| {
        let a = *c.get(i)?;
        let b = *c.get(i + 1)?;
        let next_ok = c.get(i + 2).is_some_and(|&x| is_word(x) || is_punct(x));
        ((is_sep(a) || is_open(a) || is_dash(a)) && b == quote && next_ok).then_some([a, open])
    });
}

/// One `re.sub` pass of a two-character pattern: where `matches` gives the replacement at `i`,
/// both characters are replaced and the scan goes on after them.
fn pair_pass(c: &mut Vec<char>, matches: impl Fn(&[char], usize) -> Option<[char; 2]>) {
    let src = c.clone();
    let mut out = Vec::with_capacity(src.len());
    let mut i = 0;
    while let Some(&ch) = src.get(i) {
        if let Some(rep) = matches(&src, i) {
            out.extend(rep);
            i += 2;
        } else {
            out.push(ch);
            i += 1;
        }
    }
    *c = out;
}

/// One `re.sub` pass of a one-character pattern with lookaround on the text before the pass.
fn single_pass(c: &mut [char], matches: impl Fn(&[char], usize) -> Option<char>) {
    let src = c.to_vec();
    for (i, slot) in c.iter_mut().enumerate() {
        if let Some(rep) = matches(&src, i) {
            *slot = rep;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::educate;

    #[test]
    fn educates_as_smartypants() {
        assert_eq!(
            educate("\"Isn't this fun?\"", ' '),
            "\u{201c}Isn\u{2019}t this fun?\u{201d}"
        );
        assert_eq!(
            educate("a -- b --- c...", ' '),
            "a \u{2013} b \u{2014} c\u{2026}"
        );
        assert_eq!(educate("'quoted'", ' '), "\u{2018}quoted\u{2019}");
        assert_eq!(educate("the '80s", ' '), "the \u{2019}80s");
    }
}
