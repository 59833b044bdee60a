//! docutils' `SmartQuotes` transform (`docutils/transforms/universal.py`) with readme_renderer's
//! `smart_quotes` setting, and the SmartyPants port it drives (`docutils/utils/smartquotes.py`,
//! `educate_tokens` with the transform's action `qDe`, language `en`): typographic quotes,
//! `--` and `---` to en and em dashes, `...` to an ellipsis. Literal text is left alone but
//! gives the next text its context.

use super::quotes::{Quotes, for_language};
use super::state::State;
use super::tree::{Id, Tree, is_text_element};

/// `smartchars.apostrophe`.
const APOSTROPHE: &str = "\u{2019}";

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
        let quotes = for_language(&language(&s.tree, n));
        educate_element(&mut s.tree, n, &quotes);
    }
}

/// `Element.get_language_code` with the document's `en`: the first `language-xx` class of the
/// node or its nearest ancestor having one.
fn language(t: &Tree, n: Id) -> String {
    std::iter::once(n)
        .chain(t.ancestors(n))
        .find_map(|a| {
            t.list(a, "classes")
                .iter()
                .find_map(|c| c.strip_prefix("language-"))
        })
        .unwrap_or("en")
        .to_string()
}

/// Educates the text nodes under `n` (`SmartQuotes.get_tokens` and `educate_tokens`).
fn educate_element(t: &mut Tree, n: Id, quotes: &Quotes) {
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
        let educated = educate(&escaped, prev_last, quotes);
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
fn educate(text: &str, prev_last: char, quotes: &Quotes) -> String {
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
    educate_quotes(&mut chars, quotes);
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

/// `_CH_CLASSES['open']`: an opening bracket.
fn is_open(c: char) -> bool {
    matches!(c, '(' | '[' | '{')
}

/// `_CH_CLASSES['dash']`: a hyphen, en or em dash.
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2013}' | '\u{2014}')
}

/// `_CH_CLASSES['sep']`: whitespace, zero-width space or non-joiner.
fn is_sep(c: char) -> bool {
    is_space(c) || c == '\u{200b}' || c == '\u{200c}'
}

/// `educateQuotes`: the substitutions of `smartquotes.RegularExpressions` in order, each a
/// left-to-right pass over the text as the previous one left it.
fn educate_quotes(c: &mut Vec<char>, q: &Quotes) {
    if !c.iter().any(|&x| matches!(x, '-' | '"' | '\'')) {
        return;
    }
    // ADJACENT_1, ADJACENT_2: "' and '" before a word character
    for (first, second, rep) in [
        ('"', '\'', format!("{}{}", q.open, q.open_secondary)),
        ('\'', '"', format!("{}{}", q.open_secondary, q.open)),
    ] {
        pair_pass(c, |c, i| {
            let hit = at(c, i) == Some(first)
                && at(c, i + 1) == Some(second)
                && at(c, i + 2).is_some_and(is_word);
            hit.then(|| rep.clone())
        });
    }
    // OPEN_SINGLE, OPEN_DOUBLE: a bracket or dash, the quote, maybe a mark, a space: closing
    for (quote, close) in [('\'', q.close_secondary), ('"', q.close)] {
        pair_pass(c, |c, i| {
            let a = at(c, i)?;
            let space_after = at(c, i + 2) == Some(' ')
                || (at(c, i + 2).is_some_and(is_punct) && at(c, i + 3) == Some(' '));
            let hit = (is_open(a) || is_dash(a)) && at(c, i + 1) == Some(quote) && space_after;
            hit.then(|| format!("{a}{close}"))
        });
    }
    if q.english {
        single_pass(c, |c, i| {
            let digit = |j: usize| at(c, j).is_some_and(char::is_numeric);
            let decade = at(c, i) == Some('\'') && digit(i + 1) && digit(i + 2);
            (decade && at(c, i + 3) == Some('s')).then_some(APOSTROPHE)
        });
    }
    opening_pass(c, '\'', q.open_secondary);
    if q.close_secondary != APOSTROPHE {
        single_pass(c, |c, i| {
            let after_word = i.checked_sub(1).and_then(|p| at(c, p)).is_some_and(is_word);
            let hit = at(c, i) == Some('\'') && after_word && at(c, i + 1).is_some_and(is_word);
            hit.then_some(APOSTROPHE)
        });
    }
    // CLOSING_SECONDARY, then any other single quote opens
    single_pass(c, |c, i| {
        (at(c, i) == Some('\'') && !space_before(c, i)).then_some(q.close_secondary)
    });
    single_pass(c, |c, i| {
        (at(c, i) == Some('\'')).then_some(q.open_secondary)
    });
    opening_pass(c, '"', q.open);
    // CLOSING_PRIMARY, then any other double quote opens
    single_pass(c, |c, i| {
        let space_after = at(c, i + 1).is_some_and(is_space);
        let hit = at(c, i) == Some('"') && (!space_before(c, i) || space_after);
        hit.then_some(q.close)
    });
    single_pass(c, |c, i| (at(c, i) == Some('"')).then_some(q.open));
}

/// The character at `i`.
fn at(c: &[char], i: usize) -> Option<char> {
    c.get(i).copied()
}

/// Whether the character before `i` is whitespace.
fn space_before(c: &[char], i: usize) -> bool {
    i.checked_sub(1)
        .and_then(|p| c.get(p))
        .is_some_and(|&x| is_space(x))
}

/// `OPENING_SECONDARY` / `OPENING_PRIMARY`: a separator, opening bracket or dash, then the
/// quote before a word character or punctuation: an opening quote.
fn opening_pass(c: &mut Vec<char>, quote: char, open: &str) {
    pair_pass(c, |c, i| {
        let a = at(c, i)?;
        let next_ok = at(c, i + 2).is_some_and(|x| is_word(x) || is_punct(x));
        let hit = (is_sep(a) || is_open(a) || is_dash(a)) && at(c, i + 1) == Some(quote);
        (hit && next_ok).then(|| format!("{a}{open}"))
    });
}

/// One `re.sub` pass of a two-character pattern: where `matches` gives the replacement at `i`,
/// both characters are replaced and the scan goes on after them.
fn pair_pass(c: &mut Vec<char>, matches: impl Fn(&[char], usize) -> Option<String>) {
    let src = std::mem::take(c);
    let mut i = 0;
    while let Some(&ch) = src.get(i) {
        if let Some(rep) = matches(&src, i) {
            c.extend(rep.chars());
            i += 2;
        } else {
            c.push(ch);
            i += 1;
        }
    }
}

/// One `re.sub` pass of a one-character pattern with lookaround on the text before the pass.
fn single_pass(c: &mut Vec<char>, matches: impl Fn(&[char], usize) -> Option<&str>) {
    let src = std::mem::take(c);
    for (i, &ch) in src.iter().enumerate() {
        match matches(&src, i) {
            Some(rep) => c.extend(rep.chars()),
            None => c.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::educate;
    use crate::render::rst::transform::quotes::for_language;

    fn en(text: &str) -> String {
        educate(text, ' ', &for_language("en"))
    }

    #[test]
    fn educates_as_smartypants() {
        assert_eq!(
            en("\"Isn't this fun?\""),
            "\u{201c}Isn\u{2019}t this fun?\u{201d}"
        );
        assert_eq!(en("a -- b --- c..."), "a \u{2013} b \u{2014} c\u{2026}");
        assert_eq!(en("'quoted'"), "\u{2018}quoted\u{2019}");
        assert_eq!(en("the '80s"), "the \u{2019}80s");
    }

    #[test]
    fn educates_other_languages() {
        let de = for_language("de-AT");
        assert_eq!(
            educate("\"Haus\" 'x'", ' ', &de),
            "\u{201e}Haus\u{201c} \u{201a}x\u{2018}"
        );
        let fr = for_language("fr");
        assert_eq!(educate("\"oui\"", ' ', &fr), "\u{ab}\u{a0}oui\u{a0}\u{bb}");
    }
}
