//! The nodes interpreted text roles build (`docutils/parsers/rst/roles.py`: `GenericRole`,
//! `CustomRole`, `generic_custom_role`, `pep_reference_role`, `rfc_reference_role`,
//! `code_role`, `math_role`), for roles the validator has already accepted.

use super::super::Doc;
use super::super::directive::canonical_role;
use super::super::ids::make_id;
use super::super::node::{Element, Node};
use super::{restore_backslashes, text_of, unescape};

/// docutils' `pep_base_url` and `pep_file_url_template` defaults.
const PEP_BASE_URL: &str = "https://peps.python.org/";
/// docutils' `rfc_base_url` default (and `Inliner.rfc_url`).
const RFC_BASE_URL: &str = "https://tools.ietf.org/html/";

/// The node for interpreted text `text` (escaped, NULs for backslashes) with `role` (`None`
/// for the default role), as `Inliner.interpreted` gets it from the role function.
pub(super) fn role_node(doc: &Doc, role: Option<&str>, text: &[char]) -> Node {
    let name = match role {
        Some(r) => r.to_lowercase(),
        None => doc
            .default_role
            .clone()
            .unwrap_or_else(|| "title-reference".to_string()),
    };
    // A custom role (`role` directive) carries its name as class, docutils' default `class`
    // option (`docutils/parsers/rst/directives/misc.py`, `Role.run`).
    let (canonical, classes) = match doc.custom_roles.get(&name) {
        Some(base) => (base.clone(), vec![make_id(&name)]),
        None => (
            canonical_role(&name)
                .unwrap_or("title-reference")
                .to_string(),
            Vec::new(),
        ),
    };
    let mut el = match canonical.as_str() {
        "pep-reference" => pep(text),
        "rfc-reference" => rfc(text),
        "math" => with_text("math", restore_backslashes(text)),
        "code" => return code(&name, classes, text).into(),
        "generic" => with_text("inline", text_of(text)),
        other => with_text(&generic_tag(other), text_of(text)),
    };
    for c in classes {
        el.push_to("classes", c);
    }
    el.into()
}

/// `register_generic_role`: the node class of a generic role (`title-reference` builds a
/// `title_reference`).
fn generic_tag(canonical: &str) -> String {
    canonical.replace('-', "_")
}

fn with_text(tag: &str, text: String) -> Element {
    let mut el = Element::new(tag);
    if !text.is_empty() {
        el.children.push(Node::text(text));
    }
    el
}

/// `pep_reference_role`: "PEP n" linking to the PEP (the number was checked).
fn pep(text: &[char]) -> Element {
    let n: u32 = unescape(text).trim().replace('_', "").parse().unwrap_or(0);
    let mut el = with_text("reference", format!("PEP {}", text_of(text)));
    el.set("refuri", format!("{PEP_BASE_URL}pep-{n:04}"));
    el
}

/// `rfc_reference_role`: "RFC n" linking to the RFC and its optional `#section`.
fn rfc(text: &[char]) -> Element {
    let t = unescape(text);
    let (num, section) = match t.split_once('#') {
        Some((n, s)) if text.contains(&'#') => (n.to_string(), Some(s.to_string())),
        _ => (t.clone(), None),
    };
    let n: u64 = num.trim().replace('_', "").parse().unwrap_or(0);
    let mut refuri = format!("{RFC_BASE_URL}rfc{n}.html");
    if let Some(s) = section {
        refuri.push('#');
        refuri.push_str(&s);
    }
    let mut el = with_text("reference", format!("RFC {n}"));
    el.set("refuri", refuri);
    el
}

/// `code_role`: a `literal` with classes "code", the role's classes and its language (a
/// custom role's name); the code as one text (docutils splits it into Pygments token
/// `inline`s when it knows the language; trees are compared by text there).
fn code(name: &str, classes: Vec<String>, text: &[char]) -> Element {
    let language = if name == "code" { "" } else { name };
    let mut el = Element::new("literal");
    el.push_to("classes", "code");
    for c in &classes {
        el.push_to("classes", c.clone());
    }
    if !language.is_empty()
        && !language.eq_ignore_ascii_case("none")
        && !classes.iter().any(|c| c == language)
    {
        el.push_to("classes", language);
    }
    let code = restore_backslashes(text);
    el.children.push(Node::text(code));
    el
}
