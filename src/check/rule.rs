//! What a rule is: a stable code, a kebab-case name, a severity and its documentation.
//!
//! Rules are declared with [`declare_rule!`](crate::declare_rule), whose doc comment (in the
//! fixed shape "What it does / Why is this bad? / Example / Fix") is kept as text so that
//! `hoist explain CODE` can print it. The registry of every rule is [`crate::check::rules::ALL`].

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// PyPI would reject the upload (or hoist cannot read the file at all).
    Error,
    /// PyPI accepts the file, but something is likely wrong; `--strict` makes it a failure.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A check rule. Its code and name never change once released.
#[derive(Debug)]
pub struct Rule {
    /// Stable code: a family letter and three digits (`M012`).
    pub code: &'static str,
    /// Stable kebab-case name (`summary-too-long`).
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// The rule's documentation, in Markdown.
    pub doc: &'static str,
}

impl Rule {
    /// The documentation as Markdown, without the one space that `///` leaves at the start of
    /// every line.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The first full sentence of the "What it does" section, for listings: the section's first
    /// paragraph up to the first `.` that ends a sentence (followed by a space or the paragraph's
    /// end, outside backticks), lines joined with spaces.
    pub fn summary(&self) -> String {
        let paragraph = self
            .doc
            .lines()
            .map(str::trim)
            .skip_while(|l| l.is_empty() || l.starts_with('#'))
            .take_while(|l| !l.is_empty() && !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join(" ");
        first_sentence(&paragraph).to_string()
    }
}

/// `text` up to and including the first `.` that is followed by a space or the end and is not
/// inside a backtick span; all of `text` when there is none.
fn first_sentence(text: &str) -> &str {
    let mut in_code = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'`' => in_code = !in_code,
            b'.' if !in_code && bytes.get(i + 1).is_none_or(|n| *n == b' ') => {
                return &text[..=i];
            }
            _ => {}
        }
    }
    text
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

/// Declares a rule as a `static` [`Rule`], keeping its doc comment as the rule's documentation.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// Checks that ...
///     pub static SUMMARY_TOO_LONG = ("M012", "summary-too-long", Error);
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis static $ident:ident = ($code:literal, $name:literal, $sev:ident);) => {
        $(#[doc = $doc])*
        $vis static $ident: $crate::check::Rule = $crate::check::Rule {
            code: $code,
            name: $name,
            severity: $crate::check::Severity::$sev,
            doc: concat!($($doc, "\n"),*),
        };
    };
}
