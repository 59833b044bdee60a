//! docutils' front matter transforms (`docutils/transforms/frontmatter.py`): `DocTitle` (a
//! lone top-level section's title becomes the document's title, a lone subsection's its
//! subtitle), `SectionSubTitle` (the same for sections) and `DocInfo` (a leading field list of
//! bibliographic fields becomes `docinfo`).

use crate::check::rst::ids::make_id;
use crate::check::rst::node::Attr;

use super::state::{State, fully_normalize};
use super::tree::{Id, Tree};

/// docutils' `PreBibliographic` elements (`nodes.py`), skipped when looking for a lone section
/// or a leading field list.
fn pre_bibliographic(tag: &str) -> bool {
    matches!(
        tag,
        "comment"
            | "substitution_definition"
            | "target"
            | "pending"
            | "system_message"
            | "raw"
            | "title"
            | "subtitle"
            | "meta"
            | "decoration"
    )
}

/// The index of the first child of `node` that is not pre-bibliographic.
fn first_body_index(t: &Tree, node: Id) -> Option<usize> {
    t.children(node)
        .iter()
        .position(|&c| !pre_bibliographic(t.tag(c)))
}

/// `TitlePromoter.candidate_index`: the lone section after the pre-bibliographic elements.
fn candidate(t: &Tree, node: Id) -> Option<(Id, usize)> {
    let index = first_body_index(t, node)?;
    let section = t.child(node, index)?;
    (t.children(node).len() == index + 1 && t.is(section, "section")).then_some((section, index))
}

/// `update_all_atts_concatenating(other, replace=True, and_source=True)`: list attributes
/// gain `from`'s values they lack, other attributes take `from`'s value.
fn merge_attrs(t: &mut Tree, into: Id, from: Id) {
    let mut attrs = t.all_attrs(into);
    for (k, v) in t.all_attrs(from) {
        match (attrs.get_mut(&k), v) {
            (Some(Attr::List(mine)), Attr::List(theirs)) => {
                for x in theirs {
                    if !mine.contains(&x) {
                        mine.push(x);
                    }
                }
            }
            (_, v) => {
                attrs.insert(k, v);
            }
        }
    }
    t.set_all_attrs(into, attrs);
}

/// `TitlePromoter.promote_title`: `node` takes the lone section's attributes, its title, and
/// its content after what came before the section.
fn promote_title(t: &mut Tree, node: Id) -> bool {
    let Some((section, index)) = candidate(t, node) else {
        return false;
    };
    merge_attrs(t, node, section);
    let before: Vec<Id> = t.children(node).iter().take(index).copied().collect();
    let inner = t.children(section).to_vec();
    let mut children: Vec<Id> = inner.iter().take(1).copied().collect();
    children.extend(before);
    children.extend(inner.iter().skip(1));
    t.set_children(node, children);
    true
}

/// `TitlePromoter.promote_subtitle`: the lone subsection's title becomes a `subtitle` after
/// `node`'s title, with the subsection's attributes; its content joins `node`'s.
fn promote_subtitle(t: &mut Tree, node: Id) -> bool {
    let Some((sub, index)) = candidate(t, node) else {
        return false;
    };
    let subtitle = t.new_element("subtitle");
    merge_attrs(t, subtitle, sub);
    let inner = t.children(sub).to_vec();
    if let Some(&title) = inner.first() {
        let title_children = t.children(title).to_vec();
        t.set_children(subtitle, title_children);
    }
    let old = t.children(node).to_vec();
    let mut children: Vec<Id> = old.iter().take(1).copied().collect();
    children.push(subtitle);
    children.extend(old.iter().take(index).skip(1));
    children.extend(inner.iter().skip(1));
    t.set_children(node, children);
    true
}

/// `DocTitle.apply`: title and subtitle promotion, then the document's `title` attribute.
pub(super) fn doc_title(s: &mut State) {
    let root = s.tree.root;
    if promote_title(&mut s.tree, root) {
        promote_subtitle(&mut s.tree, root);
    }
    if !s.tree.has(root, "title")
        && let Some(first) = s.tree.child(root, 0)
        && s.tree.is(first, "title")
    {
        let text = s.tree.astext(first);
        s.tree.set(root, "title", &text);
    }
}

/// `SectionSubTitle.apply`: every section (in document order, as the tree changes) whose
/// content is one subsection gets that subsection's title as its subtitle.
pub(super) fn section_subtitles(s: &mut State) {
    let mut stack = vec![s.tree.root];
    while let Some(n) = stack.pop() {
        if s.tree.is(n, "section") {
            promote_subtitle(&mut s.tree, n);
        }
        stack.extend(s.tree.children(n).iter().rev());
    }
}

/// `DocInfo.biblio_nodes`: canonical bibliographic field names (English) to their elements.
const BIBLIO: &[&str] = &[
    "author",
    "authors",
    "organization",
    "address",
    "contact",
    "version",
    "revision",
    "status",
    "date",
    "copyright",
    "dedication",
    "abstract",
];

/// `DocInfo.apply`: a field list first in the document (after its title) becomes `docinfo`,
/// with the dedication and abstract topics after it.
pub(super) fn doc_info(s: &mut State) {
    let root = s.tree.root;
    let Some(index) = first_body_index(&s.tree, root) else {
        return;
    };
    let Some(candidate) = s.tree.child(root, index) else {
        return;
    };
    if !s.tree.is(candidate, "field_list") {
        return;
    }
    let biblioindex = s
        .tree
        .children(root)
        .iter()
        .position(|&c| {
            !matches!(
                s.tree.tag(c),
                "title" | "subtitle" | "rubric" | "decoration" | "meta"
            )
        })
        .unwrap_or(s.tree.children(root).len());
    let nodes = extract_bibliographic(&mut s.tree, candidate);
    s.tree.detach(candidate);
    for (i, n) in nodes.into_iter().enumerate() {
        s.tree.insert(root, biblioindex + i, n);
    }
}

/// `DocInfo.extract_bibliographic`: the docinfo element and the topics, from the fields.
fn extract_bibliographic(t: &mut Tree, field_list: Id) -> Vec<Id> {
    let docinfo = t.new_element("docinfo");
    let mut dedication = None;
    let mut abstract_ = None;
    for field in t.children(field_list).to_vec() {
        let name = field_name(t, field);
        let normed = fully_normalize(&name);
        let known = BIBLIO.contains(&normed.as_str()) && t.children(field).len() == 2;
        let body = t
            .child(field, 1)
            .filter(|&b| known && !t.children(b).is_empty());
        match body.and_then(|b| biblio_node(t, &normed, b)) {
            Some(n) if normed == "dedication" => dedication = Some(n),
            Some(n) if normed == "abstract" => abstract_ = Some(n),
            Some(n) => t.append(docinfo, n),
            None => {
                generic_field(t, field, &normed);
                t.append(docinfo, field);
            }
        }
    }
    let mut out = Vec::new();
    if !t.children(docinfo).is_empty() {
        out.push(docinfo);
    }
    out.extend(dedication);
    out.extend(abstract_);
    out
}

/// The text of a field name's first child (`field[0][0].astext()`).
fn field_name(t: &Tree, field: Id) -> String {
    t.child(field, 0)
        .and_then(|name| t.child(name, 0))
        .map(|first| t.astext(first))
        .unwrap_or_default()
}

/// A field kept as it is in `docinfo`: RCS keywords cleaned, a class from its name.
fn generic_field(t: &mut Tree, field: Id, normed: &str) {
    if let Some(body) = t.children(field).last().copied()
        && t.children(body).len() == 1
        && let Some(p) = t.child(body, 0)
        && t.is(p, "paragraph")
    {
        clean_rcs_keywords(t, p);
    }
    let class = make_id(normed);
    if !class.is_empty() {
        t.push_list(field, "classes", &class);
    }
}

/// The element for a registered bibliographic field, or None where docutils keeps the field
/// as a generic one.
fn biblio_node(t: &mut Tree, canonical: &str, body: Id) -> Option<Id> {
    match canonical {
        "authors" => authors(t, body),
        "dedication" | "abstract" => {
            let topic = t.new_element("topic");
            let label = if canonical == "dedication" {
                "Dedication"
            } else {
                "Abstract"
            };
            let title = t.new_text_element("title", label);
            t.append(topic, title);
            t.push_list(topic, "classes", canonical);
            for c in t.children(body).to_vec() {
                t.append(topic, c);
            }
            Some(topic)
        }
        _ => {
            let p = single_paragraph(t, body).or_else(|| enumerator_paragraph(t, body))?;
            clean_rcs_keywords(t, p);
            let el = t.new_element(canonical);
            if canonical == "address" {
                // a FixedTextElement (`nodes.address`) preserves its whitespace
                t.set(el, "xml:space", "preserve");
            }
            for c in t.children(p).to_vec() {
                t.append(el, c);
            }
            Some(el)
        }
    }
}

/// The field body's only child, when it is a paragraph (`check_compound_biblio_field`).
fn single_paragraph(t: &Tree, body: Id) -> Option<Id> {
    let p = t.child(body, 0)?;
    (t.children(body).len() == 1 && t.is(p, "paragraph")).then_some(p)
}

/// `DocInfo.check_compound_biblio_field`'s second chance: a one-line field body the parser
/// took for an enumerated list (`:Author: J. Smith`) becomes the paragraph of its text, the
/// enumerator escaped (the parse of `\\` and the field body's source).
fn enumerator_paragraph(t: &mut Tree, body: Id) -> Option<Id> {
    let list = t.child(body, 0)?;
    let item = t.child(list, 0)?;
    let p = t.child(item, 0)?;
    let one = |n: Id| t.children(n).len() == 1;
    if !(one(body)
        && one(list)
        && one(item)
        && t.is(list, "enumerated_list")
        && t.is(p, "paragraph"))
        || t.raw_text(p).contains('\n')
    {
        return None;
    }
    let start = t
        .get(list, "start")
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(1);
    let ordinal = ordinal(t.get(list, "enumtype").unwrap_or("arabic"), start)?;
    let prefix = t.get(list, "prefix").unwrap_or("");
    let suffix = t.get(list, "suffix").unwrap_or("");
    let mut lead = format!("\0{prefix}{ordinal}{suffix} ");
    let children = t.children(p).to_vec();
    let mut rest = children.as_slice();
    if let Some((&first, tail)) = children.split_first()
        && let Some(text) = t.text(first)
    {
        lead.push_str(text);
        rest = tail;
    }
    let para = t.new_element("paragraph");
    let lead = t.new_text(&lead);
    t.append(para, lead);
    for &c in rest {
        t.append(para, c);
    }
    t.set_children(body, vec![para]);
    Some(para)
}

/// An enumerator's text: `3`, `c`, `C`, `iii`, `III`.
fn ordinal(enumtype: &str, n: u32) -> Option<String> {
    let letter = |base: u8| {
        let k = u8::try_from(n.checked_sub(1)?).ok().filter(|k| *k < 26)?;
        Some(char::from(base + k).to_string())
    };
    match enumtype {
        "arabic" => Some(n.to_string()),
        "loweralpha" => letter(b'a'),
        "upperalpha" => letter(b'A'),
        "lowerroman" => Some(crate::check::rst::to_roman(n).to_lowercase()),
        "upperroman" => Some(crate::check::rst::to_roman(n)),
        _ => None,
    }
}

/// `DocInfo.extract_authors`: one paragraph split at `;` or `,`, a bullet list of names, or one
/// paragraph per author.
fn authors(t: &mut Tree, body: Id) -> Option<Id> {
    let children = t.children(body).to_vec();
    let first = *children.first()?;
    let groups: Vec<Vec<Id>> = if children.len() == 1 && t.is(first, "paragraph") {
        authors_from_paragraph(t, first)
    } else if children.len() == 1 && t.is(first, "bullet_list") {
        let mut groups = Vec::new();
        for item in t.children(first).to_vec() {
            if t.is(item, "comment") {
                continue;
            }
            let p = t.child(item, 0)?;
            if t.children(item).len() != 1 || !t.is(p, "paragraph") {
                return None;
            }
            groups.push(t.children(p).to_vec());
        }
        groups
    } else {
        if children
            .iter()
            .any(|&c| !matches!(t.tag(c), "paragraph" | "comment"))
        {
            return None;
        }
        children
            .iter()
            .filter(|&&c| t.is(c, "paragraph"))
            .map(|&c| t.children(c).to_vec())
            .collect()
    };
    let authors = t.new_element("authors");
    for g in groups.into_iter().filter(|g| !g.is_empty()) {
        let a = t.new_element("author");
        for c in g {
            t.append(a, c);
        }
        t.append(authors, a);
    }
    (!t.children(authors).is_empty()).then_some(authors)
}

/// `DocInfo.authors_from_one_paragraph`: the paragraph's text split at the first separator
/// (`;`, else `,`) not escaped.
fn authors_from_paragraph(t: &mut Tree, p: Id) -> Vec<Vec<Id>> {
    let text = t.raw_text(p);
    let mut names: Vec<String> = vec![text.clone()];
    for sep in [';', ','] {
        let parts = split_unescaped(&text, sep);
        if parts.len() > 1 {
            names = parts;
            break;
        }
    }
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(|n| vec![t.new_text(n)])
        .collect()
}

/// `text` split at `sep` where no NUL (an escape) precedes it.
fn split_unescaped(text: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut prev = None;
    for c in text.chars() {
        if c == sep && prev != Some('\0') {
            out.push(String::new());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
        prev = Some(c);
    }
    out
}

/// `utils.clean_rcs_keywords` with `DocInfo.rcs_keyword_substitutions`: a paragraph that is
/// only text loses the `$Keyword: ... $` wrapping of an expanded RCS keyword.
fn clean_rcs_keywords(t: &mut Tree, p: Id) {
    let Some(text_node) = t.child(p, 0) else {
        return;
    };
    if t.children(p).len() != 1 {
        return;
    }
    let Some(text) = t.text(text_node).map(str::to_string) else {
        return;
    };
    if let Some(cleaned) = rcs_clean(&text) {
        t.set_text(text_node, cleaned);
    }
}

/// The three substitutions (`$Date: YYYY/MM/DD ... $` to `YYYY-MM-DD`, `$RCSfile: x,v $` to
/// `x`, `$Keyword: text $` to `text`), first that matches.
fn rcs_clean(text: &str) -> Option<String> {
    let date =
        regex::Regex::new(r"(?i)\$Date: (\d\d\d\d)[-/](\d\d)[-/](\d\d)[ T][\d:]+[^$]* \$").ok()?;
    if date.is_match(text) {
        return Some(date.replace_all(text, "$1-$2-$3").into_owned());
    }
    let rcsfile = regex::Regex::new(r"(?i)\$RCSfile: (.+),v \$").ok()?;
    if rcsfile.is_match(text) {
        return Some(rcsfile.replace_all(text, "$1").into_owned());
    }
    let keyword = regex::Regex::new(r"\$[a-zA-Z]+: (.+) \$").ok()?;
    if keyword.is_match(text) {
        return Some(keyword.replace_all(text, "$1").into_owned());
    }
    None
}
