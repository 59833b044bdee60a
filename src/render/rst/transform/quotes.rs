//! The quotation marks of each language docutils' smart quotes know
//! (`docutils/utils/smartquotes.py`, `smartchars.quotes`), and how a node's language is found
//! (`nodes.Element.get_language_code`, `utils.normalize_language_tag`).

/// A language's quotation marks: opening and closing primary, opening and closing secondary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Quotes {
    pub open: &'static str,
    pub close: &'static str,
    pub open_secondary: &'static str,
    pub close_secondary: &'static str,
    /// An English tag (`en...`): the decade abbreviation rule applies.
    pub english: bool,
}

/// ASCII quotes, for a language without a table entry (docutils warns and keeps them).
pub(super) const ASCII: Quotes = Quotes {
    open: "\"",
    close: "\"",
    open_secondary: "'",
    close_secondary: "'",
    english: false,
};

/// Language tag to its four marks, as one string of four characters or four strings.
const TABLE: &[(&str, [&str; 4])] = &[
    ("af", ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"]),
    (
        "af-x-altquot",
        ["\u{201e}", "\u{201d}", "\u{201a}", "\u{2019}"],
    ),
    ("bg", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    ("ca", ["\u{ab}", "\u{bb}", "\u{201c}", "\u{201d}"]),
    (
        "ca-x-altquot",
        ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"],
    ),
    ("cs", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    ("cs-x-altquot", ["\u{bb}", "\u{ab}", "\u{203a}", "\u{2039}"]),
    ("da", ["\u{bb}", "\u{ab}", "\u{203a}", "\u{2039}"]),
    (
        "da-x-altquot",
        ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"],
    ),
    ("de", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    ("de-x-altquot", ["\u{bb}", "\u{ab}", "\u{203a}", "\u{2039}"]),
    ("de-ch", ["\u{ab}", "\u{bb}", "\u{2039}", "\u{203a}"]),
    ("el", ["\u{ab}", "\u{bb}", "\u{201c}", "\u{201d}"]),
    ("en", ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"]),
    (
        "en-uk-x-altquot",
        ["\u{2018}", "\u{2019}", "\u{201c}", "\u{201d}"],
    ),
    ("eo", ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"]),
    ("es", ["\u{ab}", "\u{bb}", "\u{201c}", "\u{201d}"]),
    (
        "es-x-altquot",
        ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"],
    ),
    ("et", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    ("et-x-altquot", ["\u{ab}", "\u{bb}", "\u{2039}", "\u{203a}"]),
    ("eu", ["\u{ab}", "\u{bb}", "\u{2039}", "\u{203a}"]),
    ("fi", ["\u{201d}", "\u{201d}", "\u{2019}", "\u{2019}"]),
    ("fi-x-altquot", ["\u{bb}", "\u{bb}", "\u{203a}", "\u{203a}"]),
    (
        "fr",
        ["\u{ab}\u{a0}", "\u{a0}\u{bb}", "\u{201c}", "\u{201d}"],
    ),
    (
        "fr-x-altquot",
        ["\u{ab}\u{202f}", "\u{202f}\u{bb}", "\u{201c}", "\u{201d}"],
    ),
    ("fr-ch", ["\u{ab}", "\u{bb}", "\u{2039}", "\u{203a}"]),
    (
        "fr-ch-x-altquot",
        [
            "\u{ab}\u{202f}",
            "\u{202f}\u{bb}",
            "\u{2039}\u{202f}",
            "\u{202f}\u{203a}",
        ],
    ),
    ("gl", ["\u{ab}", "\u{bb}", "\u{201c}", "\u{201d}"]),
    ("he", ["\u{201d}", "\u{201c}", "\u{bb}", "\u{ab}"]),
    (
        "he-x-altquot",
        ["\u{201e}", "\u{201d}", "\u{201a}", "\u{2019}"],
    ),
    ("hr", ["\u{201e}", "\u{201d}", "\u{2018}", "\u{2019}"]),
    ("hr-x-altquot", ["\u{bb}", "\u{ab}", "\u{203a}", "\u{2039}"]),
    ("hsb", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    (
        "hsb-x-altquot",
        ["\u{bb}", "\u{ab}", "\u{203a}", "\u{2039}"],
    ),
    ("hu", ["\u{201e}", "\u{201d}", "\u{ab}", "\u{bb}"]),
    ("is", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    ("it", ["\u{ab}", "\u{bb}", "\u{201c}", "\u{201d}"]),
    ("it-ch", ["\u{ab}", "\u{bb}", "\u{2039}", "\u{203a}"]),
    (
        "it-x-altquot",
        ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"],
    ),
    ("ja", ["\u{300c}", "\u{300d}", "\u{300e}", "\u{300f}"]),
    ("ko", ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"]),
    ("lt", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    ("lv", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    ("mk", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    ("nl", ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"]),
    (
        "nl-x-altquot",
        ["\u{201e}", "\u{201d}", "\u{201a}", "\u{2019}"],
    ),
    ("nb", ["\u{ab}", "\u{bb}", "\u{2019}", "\u{2019}"]),
    ("nn", ["\u{ab}", "\u{bb}", "\u{2019}", "\u{2019}"]),
    ("nn-x-altquot", ["\u{ab}", "\u{bb}", "\u{2018}", "\u{2019}"]),
    ("no", ["\u{ab}", "\u{bb}", "\u{2019}", "\u{2019}"]),
    ("no-x-altquot", ["\u{ab}", "\u{bb}", "\u{2018}", "\u{2019}"]),
    ("pl", ["\u{201e}", "\u{201d}", "\u{ab}", "\u{bb}"]),
    ("pl-x-altquot", ["\u{ab}", "\u{bb}", "\u{201a}", "\u{2019}"]),
    ("pt", ["\u{ab}", "\u{bb}", "\u{201c}", "\u{201d}"]),
    ("pt-br", ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"]),
    ("ro", ["\u{201e}", "\u{201d}", "\u{ab}", "\u{bb}"]),
    ("ru", ["\u{ab}", "\u{bb}", "\u{201e}", "\u{201c}"]),
    ("sh", ["\u{201e}", "\u{201d}", "\u{201a}", "\u{2019}"]),
    ("sh-x-altquot", ["\u{bb}", "\u{ab}", "\u{203a}", "\u{2039}"]),
    ("sk", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    ("sk-x-altquot", ["\u{bb}", "\u{ab}", "\u{203a}", "\u{2039}"]),
    ("sl", ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"]),
    ("sl-x-altquot", ["\u{bb}", "\u{ab}", "\u{203a}", "\u{2039}"]),
    ("sq", ["\u{ab}", "\u{bb}", "\u{2039}", "\u{203a}"]),
    (
        "sq-x-altquot",
        ["\u{201c}", "\u{201e}", "\u{2018}", "\u{201a}"],
    ),
    ("sr", ["\u{201e}", "\u{201d}", "\u{2019}", "\u{2019}"]),
    ("sr-x-altquot", ["\u{bb}", "\u{ab}", "\u{203a}", "\u{2039}"]),
    ("sv", ["\u{201d}", "\u{201d}", "\u{2019}", "\u{2019}"]),
    ("sv-x-altquot", ["\u{bb}", "\u{bb}", "\u{203a}", "\u{203a}"]),
    ("tr", ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"]),
    ("tr-x-altquot", ["\u{ab}", "\u{bb}", "\u{2039}", "\u{203a}"]),
    ("uk", ["\u{ab}", "\u{bb}", "\u{201e}", "\u{201c}"]),
    (
        "uk-x-altquot",
        ["\u{201e}", "\u{201c}", "\u{201a}", "\u{2018}"],
    ),
    ("zh-cn", ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"]),
    ("zh-tw", ["\u{300c}", "\u{300d}", "\u{300e}", "\u{300f}"]),
];

/// The quotes for language tag `lang` (readme_renderer's documents are `en`; a `language-xx`
/// class changes it): the first of its normalized forms with an entry, else ASCII.
pub(super) fn for_language(lang: &str) -> Quotes {
    for tag in normalize_language_tag(lang) {
        if let Some((_, [o, c, os, cs])) = TABLE.iter().find(|(t, _)| *t == tag) {
            return Quotes {
                open: o,
                close: c,
                open_secondary: os,
                close_secondary: cs,
                english: tag.starts_with("en"),
            };
        }
    }
    ASCII
}

/// `utils.normalize_language_tag`: the tag lower-cased with `-` separators, then every
/// combination of its subtags (most first, in order) after the primary one, then the primary
/// one alone (`de-CH-x_altquot` gives `de-ch-x-altquot`, `de-ch`, `de-x-altquot`, `de`).
fn normalize_language_tag(tag: &str) -> Vec<String> {
    let lower = tag.to_lowercase().replace('-', "_");
    // a singleton subtag (`x`) joins the next one
    let parts: Vec<&str> = lower.split('_').collect();
    let mut subtags: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(p) = parts.get(i) {
        let singleton = i > 0 && p.chars().count() == 1 && i + 1 < parts.len();
        if singleton && let Some(next) = parts.get(i + 1) {
            subtags.push(format!("{p}-{next}"));
            i += 2;
        } else {
            subtags.push(p.to_string());
            i += 1;
        }
    }
    let Some((base, rest)) = subtags.split_first() else {
        return Vec::new();
    };
    let rest: Vec<&String> = rest.iter().take(6).collect();
    let mut out = Vec::new();
    for n in (1..=rest.len()).rev() {
        for combo in combinations(rest.len(), n) {
            let mut t = base.clone();
            for k in combo {
                if let Some(s) = rest.get(k) {
                    t.push('-');
                    t.push_str(s);
                }
            }
            out.push(t);
        }
    }
    out.push(base.clone());
    out
}

/// The `n`-element combinations of `0..len`, in `itertools.combinations` order.
fn combinations(len: usize, n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for first in 0..len {
        for mut tail in combinations(len.saturating_sub(first + 1), n - 1) {
            for t in &mut tail {
                *t += first + 1;
            }
            tail.insert(0, first);
            out.push(tail);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize_language_tag;

    #[test]
    fn normalizes_as_docutils() {
        assert_eq!(
            normalize_language_tag("de_AT-1901"),
            ["de-at-1901", "de-at", "de-1901", "de"]
        );
        assert_eq!(
            normalize_language_tag("de-CH-x_altquot"),
            ["de-ch-x-altquot", "de-ch", "de-x-altquot", "de"]
        );
        assert_eq!(normalize_language_tag("en"), ["en"]);
    }
}
