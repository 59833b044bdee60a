//! The transforms docutils applies between parsing and writing, with readme_renderer's
//! settings (`docutils/transforms/`): title promotion, bibliographic fields, references,
//! footnotes, substitutions, contents, smart quotes...
//!
//! They run in docutils' priority order (the reader's, the rst parser's and the html5 writer's
//! `get_transforms`, plus the `pending` elements directives leave) on an arena copy of the tree
//! ([`tree`]) with the memos docutils keeps on its `document` ([`state`]).

mod footnotes;
mod frontmatter;
mod misc;
mod parts;
mod references;
mod smartquotes;
mod state;
mod tree;

use crate::check::rst::node::Element;

use state::State;
use tree::{Id, Tree};

/// Applies docutils' transforms to a parsed document tree (`document` element), giving the
/// tree `ReadMeHTMLTranslator` receives (`docutils.core.publish_parts` with
/// `readme_renderer.rst.SETTINGS`, `docutils/transforms/__init__.py`'s `Transformer`).
pub fn apply(document: Element) -> Element {
    let mut s = State::new(Tree::from_element(document));
    for p in pending(&s, "ClassAttribute") {
        misc::class_attribute(&mut s, p);
    }
    references::substitutions(&mut s);
    references::propagate_targets(&mut s);
    frontmatter::doc_title(&mut s);
    frontmatter::doc_info(&mut s);
    frontmatter::section_subtitles(&mut s);
    references::anonymous_hyperlinks(&mut s);
    references::indirect_hyperlinks(&mut s);
    for p in pending(&s, "TargetNotes") {
        footnotes::target_notes(&mut s, p);
    }
    footnotes::footnotes(&mut s);
    references::external_targets(&mut s);
    references::internal_targets(&mut s);
    for p in pending(&s, "SectNum") {
        parts::sectnum(&mut s, p);
    }
    for p in pending(&s, "Contents") {
        parts::contents(&mut s, p);
    }
    misc::strip_comments(&mut s);
    misc::transitions(&mut s);
    references::dangling_references(&mut s);
    smartquotes::smart_quotes(&mut s);
    misc::admonitions(&mut s);
    s.tree.to_element(s.tree.root)
}

/// The `pending` elements left for transform `name`, in document order.
fn pending(s: &State, name: &str) -> Vec<Id> {
    s.tree
        .find("pending")
        .into_iter()
        .filter(|&p| s.tree.get(p, "transform") == Some(name))
        .collect()
}
