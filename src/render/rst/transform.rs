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
mod quotes;
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

#[cfg(test)]
mod tests {
    use super::apply;
    use crate::check::rst::node::{Element, Node};

    fn tree(json: &str) -> Element {
        serde_json::from_str(json).expect("tree JSON")
    }

    #[test]
    fn circular_substitutions_end() {
        let doc = tree(
            r#"{"t":"document","c":[
              {"t":"paragraph","c":[{"t":"substitution_reference","a":{"refname":"a"},"c":["a"]}]},
              {"t":"substitution_definition","a":{"names":["a"]},
               "c":[{"t":"substitution_reference","a":{"refname":"b"},"c":["b"]}]},
              {"t":"substitution_definition","a":{"names":["b"]},
               "c":[{"t":"substitution_reference","a":{"refname":"a"},"c":["a"]},
                    {"t":"substitution_reference","a":{"refname":"a"},"c":["a"]}]}]}"#,
        );
        let out = apply(doc);
        assert_eq!(out.tag, "document");
    }

    #[test]
    fn malformed_trees_do_not_panic() {
        for json in [
            r#"{"t":"document"}"#,
            r#"{"t":"document","c":[{"t":"pending","a":{"transform":"Contents"}}]}"#,
            r#"{"t":"document","c":[{"t":"section"}]}"#,
            r#"{"t":"document","c":[{"t":"section","c":[{"t":"section"}]}]}"#,
            r#"{"t":"document","c":[{"t":"target","a":{"ids":["x"]}}]}"#,
            r#"{"t":"document","c":[{"t":"transition"}]}"#,
            r#"{"t":"document","c":[{"t":"field_list","c":[{"t":"field"}]}]}"#,
            r#"{"t":"document","c":[{"t":"target","a":{"refname":"t","names":["t"]}}]}"#,
            r#"{"t":"document","c":[{"t":"reference","a":{"anonymous":"True"}},
               {"t":"target","a":{"anonymous":"True","refid":"nowhere"}}]}"#,
        ] {
            let out = apply(tree(json));
            assert_eq!(out.tag, "document", "{json}");
        }
    }

    #[test]
    fn lone_section_becomes_the_title() {
        let doc = tree(
            r#"{"t":"document","a":{"source":"<string>"},"c":[{"t":"section",
              "a":{"ids":["user-content-t"],"names":["t"]},
              "c":[{"t":"title","c":["T"]},{"t":"paragraph","c":["it's"]}]}]}"#,
        );
        let want = tree(
            r#"{"t":"document","a":{"source":"<string>","ids":["user-content-t"],"names":["t"],
              "title":"T"},"c":[{"t":"title","c":["T"]},{"t":"paragraph","c":["it\u2019s"]}]}"#,
        );
        assert_eq!(apply(doc), want);
    }

    /// A small deterministic generator (SplitMix64) for the random trees.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % n.max(1) as u64) as usize
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from.get(self.below(from.len())).copied().unwrap_or("")
        }
    }

    const TAGS: &[&str] = &[
        "section",
        "title",
        "paragraph",
        "target",
        "reference",
        "footnote",
        "footnote_reference",
        "citation",
        "citation_reference",
        "substitution_definition",
        "substitution_reference",
        "pending",
        "transition",
        "field_list",
        "field",
        "field_name",
        "field_body",
        "comment",
        "note",
        "admonition",
        "topic",
        "literal",
        "figure",
        "caption",
        "bullet_list",
        "list_item",
    ];
    const NAMES: &[&str] = &["a", "b", "1", "2", "TARGET_NOTE: x"];
    const ATTRS: &[&str] = &[
        "ids",
        "names",
        "dupnames",
        "refname",
        "refid",
        "refuri",
        "anonymous",
        "auto",
        "transform",
        "details.local",
        "details.depth",
        "details.backlinks",
        "details.class",
        "ltrim",
        "trim",
    ];
    const PENDING: &[&str] = &["Contents", "SectNum", "ClassAttribute", "TargetNotes"];
    const TEXTS: &[&str] = &[
        "x",
        "\"q\" 'it's' -- ...",
        "\0'",
        "a, b; c",
        "$Date: 2020/01/02 1:2 $",
    ];

    fn random_element(rng: &mut Rng, depth: usize) -> Element {
        let mut el = Element::new(rng.pick(TAGS));
        for _ in 0..rng.below(4) {
            let attr = rng.pick(ATTRS);
            match attr {
                "ids" | "names" | "dupnames" => {
                    el.push_to(attr, rng.pick(NAMES));
                }
                "transform" => {
                    el.set(attr, rng.pick(PENDING));
                }
                _ => {
                    el.set(attr, rng.pick(NAMES));
                }
            }
        }
        for _ in 0..rng.below(if depth < 5 { 5 } else { 0 }) {
            let child = if rng.below(3) == 0 {
                Node::Text(rng.pick(TEXTS).to_string())
            } else {
                Node::Element(random_element(rng, depth + 1))
            };
            el.children.push(child);
        }
        el
    }

    #[test]
    fn random_trees_do_not_panic() {
        let mut rng = Rng(0x7EA5_F0A3);
        for _ in 0..3000 {
            let mut doc = random_element(&mut rng, 0);
            doc.tag = "document".to_string();
            assert_eq!(apply(doc).tag, "document");
        }
    }
}
