//! docutils' `html5_polyglot` writer as readme_renderer configures it (`ReadMeHTMLTranslator`,
//! `readme_renderer/rst.py`): the HTML of `parts["docinfo"] + parts["fragment"]`, before
//! sanitizing ([`write`]), and after ([`sanitized`]).
//!
//! The translator follows `docutils/writers/_html_base.py` and
//! `docutils/writers/html5_polyglot/__init__.py` (docutils 0.23) with readme_renderer's
//! settings: `initial_header_level` 2, `section_self_link`, `cloak_email_addresses`,
//! `math_output` "MathJax", `syntax_highlight` "short" (the token classes are already in the
//! tree), `field_name_limit` 0, and the defaults for the rest (`footnote_references`
//! "brackets", `attribution` "dash", `toc_backlinks` "entry", compact lists, empty
//! `table_style`). readme_renderer's translator keeps an image's `width`/`height` options as
//! `<img>` attributes and never reads image files.

mod blocks;
mod docinfo;
mod inline;
mod lists;
mod math;
mod simple;
mod start;
mod tables;
mod translator;

use crate::check::rst::node::Element;

/// The HTML docutils writes for a transformed document tree: `docinfo` then `fragment`
/// (`readme_renderer.rst.render`'s `parts["docinfo"] + parts["fragment"]`).
pub fn write(document: &Element) -> String {
    translator::Translator::default().run(document)
}

/// The HTML PyPI shows for a transformed document tree: [`write`], then readme_renderer's
/// sanitizer (`readme_renderer.clean.clean`, [`crate::render::sanitize::clean`]); `None` where
/// readme_renderer renders nothing (an empty document).
pub fn sanitized(document: &Element) -> Option<String> {
    let html = write(document);
    if html.is_empty() {
        return None;
    }
    Some(crate::render::sanitize::clean(&html))
}
