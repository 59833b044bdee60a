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
    /// The first line of the "What it does" section, for listings.
    pub fn summary(&self) -> &'static str {
        self.doc
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("")
    }
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
