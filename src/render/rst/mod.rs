//! The project page for a reStructuredText description, as PyPI shows it: readme_renderer's
//! pipeline (`readme_renderer/rst.py`) in Rust. docutils' rst parser is
//! [`crate::check::rst::doctree`]; this module applies the transforms docutils runs before
//! writing ([`transform`]), writes HTML as docutils' `html5_polyglot` writer does with
//! readme_renderer's `ReadMeHTMLTranslator` ([`html`]), and sanitizes it with the same
//! allow-list as Markdown (`readme_renderer/clean.py`).

pub mod html;
pub mod transform;

/// readme_renderer's `render` for a reStructuredText description: the sanitized HTML PyPI
/// serves on the project page, or `None` where PyPI refuses the description (a docutils
/// message at warning level or above, as [`crate::check::rst::validate`] reports, or an empty
/// rendering).
pub fn render(source: &str) -> Option<String> {
    let parsed = crate::check::rst::doctree(source)?;
    html::sanitized(&transform::apply(parsed))
}
