//! The project page for a reStructuredText description, as PyPI shows it: readme_renderer's
//! pipeline (`readme_renderer/rst.py`) in Rust. docutils' rst parser is
//! [`crate::check::rst::doctree`]; this module applies the transforms docutils runs before
//! writing ([`transform`]), writes HTML as docutils' `html5_polyglot` writer does with
//! readme_renderer's `ReadMeHTMLTranslator` ([`html`]), and sanitizes it with the same
//! allow-list as Markdown (`readme_renderer/clean.py`).

pub mod html;
pub mod transform;
