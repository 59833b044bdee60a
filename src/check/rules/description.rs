//! Description rules: whether PyPI can render the long description in its declared format
//! (reStructuredText when none is declared), and twine's two warnings about missing
//! descriptions and content types.
//!
//! reStructuredText is judged by [`rst_problems`], the seam to hoist's native validator.

use crate::check::{Diagnostics, Dist};
use crate::declare_rule;
use crate::dist::metadata::DescriptionSource;

use super::metadata::{description_content_type, description_content_type_problem};

declare_rule! {
    /// ## What it does
    /// Renders the long description as PyPI does: reStructuredText (the default when no
    /// `Description-Content-Type` is given) must produce no docutils warning or error, and
    /// must render to something; Markdown must render to something; plain text always passes.
    ///
    /// ## Why is this bad?
    /// PyPI refuses it: "The description failed to render for 'text/x-rst'. See
    /// https://pypi.org/help/#description-content-type for more information." or "The
    /// description failed to render in the default format of reStructuredText. See …".
    ///
    /// ## Example
    /// A README.md uploaded without `Description-Content-Type: text/markdown` is rendered as
    /// reStructuredText, and fails as soon as it has a Markdown table or code fence.
    ///
    /// ## Fix
    /// Fix the markup at the line hoist names, or declare the right content type
    /// (`readme = "README.md"` in `pyproject.toml` sets `text/markdown`).
    pub static DESCRIPTION_RENDER = ("D001", "description-render", Error);
}

declare_rule! {
    /// ## What it does
    /// Warns when the metadata has a description but no `Description-Content-Type`.
    ///
    /// ## Why is this bad?
    /// PyPI then renders the description as reStructuredText. twine warns the same way:
    /// "`long_description_content_type` missing. defaulting to `text/x-rst`."
    ///
    /// ## Fix
    /// Set `readme = "README.md"` (or `.rst`) in `pyproject.toml`.
    pub static MISSING_DESCRIPTION_CONTENT_TYPE = ("D002", "missing-description-content-type", Warning);
}

declare_rule! {
    /// ## What it does
    /// Warns when the metadata has no long description.
    ///
    /// ## Why is this bad?
    /// The project page on PyPI will be empty. twine warns: "`long_description` missing."
    ///
    /// ## Fix
    /// Set `readme` in `pyproject.toml`.
    pub static MISSING_DESCRIPTION = ("D003", "missing-description", Warning);
}

/// A problem found while rendering a description: the line within the description (1-based),
/// the level ("Warning", "Error", "Severe") and the renderer's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderProblem {
    pub line: Option<usize>,
    pub level: &'static str,
    pub message: String,
}

/// What PyPI's reStructuredText renderer would report for `text` (hoist's native validator,
/// [`crate::check::rst`]).
pub fn rst_problems(text: &str) -> Vec<RenderProblem> {
    crate::check::rst::validate(text)
        .into_iter()
        .map(|p| RenderProblem {
            line: p.line,
            level: p.level.as_str(),
            message: p.message,
        })
        .collect()
}

pub(super) fn check(dist: &Dist, out: &mut Diagnostics) {
    let Some((member, md)) = dist.parsed_metadata() else {
        return;
    };
    let description = md
        .description
        .as_ref()
        .filter(|d| !d.text.is_empty() && d.text.trim_end() != "UNKNOWN");
    let Some(description) = description else {
        out.push(&MISSING_DESCRIPTION, "`long_description` missing.")
            .hint("Set readme = \"README.md\" in pyproject.toml so the project page is not empty.")
            .at(member.to_string(), None);
        return;
    };
    let declared = md.get("description-content-type");
    if declared.is_none() {
        out.push(
            &MISSING_DESCRIPTION_CONTENT_TYPE,
            "`long_description_content_type` missing. defaulting to `text/x-rst`.",
        )
        .hint("Declare the format: readme = \"README.md\" in pyproject.toml sets text/markdown, readme = \"README.rst\" sets text/x-rst.")
        .at(member.to_string(), None);
    }
    if declared.is_some_and(|v| description_content_type_problem(v).is_some()) {
        return; // PyPI stops at the content type itself; that rule reports it.
    }
    let ctype = description_content_type(md);
    let problems = match ctype.as_deref() {
        Some("text/plain") => Vec::new(),
        Some("text/markdown") => {
            if description.text.trim().is_empty() {
                vec![RenderProblem {
                    line: None,
                    level: "Error",
                    message: "the Markdown description renders to nothing".into(),
                }]
            } else {
                Vec::new()
            }
        }
        _ => rst_problems(&description.text),
    };
    let Some(first) = problems.first() else {
        return;
    };
    let message = match declared {
        Some(dct) => format!(
            "The description failed to render for '{dct}'. See https://pypi.org/help/#description-content-type for more information."
        ),
        None => "The description failed to render in the default format of reStructuredText. See https://pypi.org/help/#description-content-type for more information.".to_string(),
    };
    // Map the description's line to the metadata file's line, where there is one.
    let file_line = first.line.and_then(|l| match description.source {
        DescriptionSource::Body => Some(description.line + l - 1),
        DescriptionSource::Header => None,
    });
    let mut hint = match first.line {
        Some(l) => format!(
            "line {l} of the description: {}: {}",
            first.level, first.message
        ),
        None => format!("{}: {}", first.level, first.message),
    };
    if problems.len() > 1 {
        hint.push_str(&format!(" (and {} more)", problems.len() - 1));
    }
    if declared.is_none() {
        if !hint.ends_with('.') {
            hint.push('.');
        }
        hint.push_str(
            " If the README is Markdown, declare it: readme = \"README.md\" sets text/markdown",
        );
    }
    out.push(&DESCRIPTION_RENDER, message)
        .hint(hint)
        .at(member.to_string(), file_line);
}
