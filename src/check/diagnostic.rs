//! A diagnostic: which rule, how bad, PyPI's message, where, and what to do about it.

use serde::{Serialize, Serializer};

use super::{Rule, Severity};

/// Where in the distribution a problem is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The archive member (`demo-1.0.dist-info/METADATA`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// The 1-based line within that member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// One problem found in one file.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// Serialised as `code` and `name`, the two words the human report shows.
    #[serde(flatten, serialize_with = "rule_code_and_name")]
    pub rule: &'static Rule,
    pub severity: Severity,
    /// What is wrong, in PyPI's words where PyPI has words for it.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

fn rule_code_and_name<S: Serializer>(rule: &&'static Rule, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(2))?;
    map.serialize_entry("code", rule.code)?;
    map.serialize_entry("name", rule.name)?;
    map.end()
}

impl Diagnostic {
    /// The rule's kebab-case name.
    pub fn name(&self) -> &'static str {
        self.rule.name
    }
}

/// Collects diagnostics for one file.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a diagnostic for `rule` at the rule's severity; returns it for `hint`/`at`.
    pub fn push(&mut self, rule: &'static Rule, message: impl Into<String>) -> &mut Diagnostic {
        self.items.push(Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            hint: None,
            location: None,
        });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Whether any diagnostic of this rule was recorded.
    pub fn has(&self, rule: &Rule) -> bool {
        self.items.iter().any(|d| d.rule == rule)
    }
}

impl Diagnostic {
    pub fn hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hint = Some(hint.into());
        self
    }

    /// Where the problem is: an archive member and optionally a line in it.
    pub fn at(&mut self, member: impl Into<String>, line: Option<usize>) -> &mut Self {
        self.location = Some(Location {
            member: Some(member.into()),
            line,
        });
        self
    }
}
