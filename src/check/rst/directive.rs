//! Directives and roles as docutils 0.23 runs them under readme_renderer's settings.
//!
//! Holds the directive table (arguments, options and their converters, whether content is
//! allowed), the generic directive-block parsing (`parse_directive_block`), and the checks each
//! directive's `run()` makes that can fail: required content, raw/include/file access being
//! disabled, substitution-only directives, figure captions, list-table shape, image alignment.
//! Also the role table. It does not render anything.
//!
//! `run` dispatches to one function per directive family, in the order of docutils'
//! `parsers/rst/directives/` modules (admonitions, body, tables, images, parts, misc).
//! It may use `chars`, `inline` and `machine` (the line machine and the [`Nest`] trait for
//! nested parses); it must not use `block`, which calls into it.

use super::chars::{is_blank, is_space, lstrip, normalize_name, strip};
use super::inline::InlineSummary;
use super::machine::{L, Nest, Parent, Produced, Sm, directive_marker, match_field_marker};
use super::node::{Element, Node};
use super::tree::{preserve, text_elem, with};
use super::{Doc, Elem, Halt, R};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conv {
    Flag,
    Unchanged,
    UnchangedRequired,
    Class,
    LengthOrUnitless,
    LengthPercentUnitless,
    Percentage,
    NonnegInt,
    Int,
    AlignImage,
    AlignTable,
    Loading,
    Backlinks,
    AutoOrInt,
    Uri,
    Path,
    Encoding,
    FigWidth,
    SingleChar,
    SingleCharOrWs,
    Parser,
}

struct Spec {
    name: &'static str,
    required: usize,
    optional: usize,
    final_ws: bool,
    content: bool,
    options: &'static [(&'static str, Conv)],
}

const CN: &[(&str, Conv)] = &[("class", Conv::Class), ("name", Conv::Unchanged)];
const IMAGE_OPTS: &[(&str, Conv)] = &[
    ("alt", Conv::Unchanged),
    ("height", Conv::LengthOrUnitless),
    ("width", Conv::LengthPercentUnitless),
    ("scale", Conv::Percentage),
    ("align", Conv::AlignImage),
    ("target", Conv::UnchangedRequired),
    ("loading", Conv::Loading),
    ("class", Conv::Class),
    ("name", Conv::Unchanged),
];
const FIGURE_OPTS: &[(&str, Conv)] = &[
    ("alt", Conv::Unchanged),
    ("height", Conv::LengthOrUnitless),
    ("width", Conv::LengthPercentUnitless),
    ("scale", Conv::Percentage),
    ("align", Conv::AlignImage),
    ("target", Conv::UnchangedRequired),
    ("loading", Conv::Loading),
    ("class", Conv::Class),
    ("name", Conv::Unchanged),
    ("figwidth", Conv::FigWidth),
    ("figclass", Conv::Class),
    ("figname", Conv::Unchanged),
];

macro_rules! spec {
    ($n:expr, $r:expr, $o:expr, $f:expr, $c:expr, $opts:expr) => {
        Spec {
            name: $n,
            required: $r,
            optional: $o,
            final_ws: $f,
            content: $c,
            options: $opts,
        }
    };
}

const SPECS: &[Spec] = &[
    spec!("attention", 0, 0, true, true, CN),
    spec!("caution", 0, 0, true, true, CN),
    spec!("danger", 0, 0, true, true, CN),
    spec!("error", 0, 0, true, true, CN),
    spec!("hint", 0, 0, true, true, CN),
    spec!("important", 0, 0, true, true, CN),
    spec!("note", 0, 0, true, true, CN),
    spec!("tip", 0, 0, true, true, CN),
    spec!("warning", 0, 0, true, true, CN),
    spec!("admonition", 1, 0, true, true, CN),
    spec!(
        "sidebar",
        0,
        1,
        true,
        true,
        &[
            ("class", Conv::Class),
            ("name", Conv::Unchanged),
            ("subtitle", Conv::UnchangedRequired)
        ]
    ),
    spec!("topic", 1, 0, true, true, CN),
    spec!("line-block", 0, 0, false, true, CN),
    spec!("parsed-literal", 0, 0, false, true, CN),
    spec!(
        "code",
        0,
        1,
        false,
        true,
        &[
            ("class", Conv::Class),
            ("name", Conv::Unchanged),
            ("number-lines", Conv::AutoOrInt)
        ]
    ),
    spec!("math", 0, 0, false, true, CN),
    spec!("rubric", 1, 0, true, false, CN),
    spec!("epigraph", 0, 0, false, true, &[]),
    spec!("highlights", 0, 0, false, true, &[]),
    spec!("pull-quote", 0, 0, false, true, &[]),
    spec!("compound", 0, 0, false, true, CN),
    spec!("container", 0, 1, true, true, &[("name", Conv::Unchanged)]),
    spec!(
        "table",
        0,
        1,
        true,
        true,
        &[
            ("class", Conv::Class),
            ("name", Conv::Unchanged),
            ("align", Conv::AlignTable),
            ("width", Conv::LengthPercentUnitless),
            ("widths", Conv::Unchanged),
        ]
    ),
    spec!(
        "csv-table",
        0,
        1,
        true,
        true,
        &[
            ("header-rows", Conv::NonnegInt),
            ("stub-columns", Conv::NonnegInt),
            ("header", Conv::Unchanged),
            ("width", Conv::LengthPercentUnitless),
            ("widths", Conv::Unchanged),
            ("file", Conv::Path),
            ("url", Conv::Uri),
            ("encoding", Conv::Encoding),
            ("class", Conv::Class),
            ("name", Conv::Unchanged),
            ("align", Conv::AlignTable),
            ("delim", Conv::SingleCharOrWs),
            ("keepspace", Conv::Flag),
            ("quote", Conv::SingleChar),
            ("escape", Conv::SingleChar),
        ]
    ),
    spec!(
        "list-table",
        0,
        1,
        true,
        true,
        &[
            ("header-rows", Conv::NonnegInt),
            ("stub-columns", Conv::NonnegInt),
            ("width", Conv::LengthPercentUnitless),
            ("widths", Conv::Unchanged),
            ("class", Conv::Class),
            ("name", Conv::Unchanged),
            ("align", Conv::AlignTable),
        ]
    ),
    spec!("image", 1, 0, true, false, IMAGE_OPTS),
    spec!("figure", 1, 0, true, true, FIGURE_OPTS),
    spec!(
        "contents",
        0,
        1,
        true,
        false,
        &[
            ("depth", Conv::NonnegInt),
            ("local", Conv::Flag),
            ("backlinks", Conv::Backlinks),
            ("class", Conv::Class),
        ]
    ),
    spec!(
        "sectnum",
        0,
        0,
        false,
        false,
        &[
            ("depth", Conv::Int),
            ("start", Conv::Int),
            ("prefix", Conv::UnchangedRequired),
            ("suffix", Conv::UnchangedRequired),
        ]
    ),
    spec!("header", 0, 0, false, true, &[]),
    spec!("footer", 0, 0, false, true, &[]),
    spec!(
        "target-notes",
        0,
        0,
        false,
        false,
        &[("class", Conv::Class)]
    ),
    spec!("meta", 0, 0, false, true, &[]),
    spec!(
        "raw",
        1,
        0,
        true,
        true,
        &[
            ("file", Conv::Path),
            ("url", Conv::Uri),
            ("encoding", Conv::Encoding),
            ("class", Conv::Class)
        ]
    ),
    spec!(
        "include",
        1,
        0,
        true,
        false,
        &[
            ("literal", Conv::Flag),
            ("code", Conv::Unchanged),
            ("encoding", Conv::Encoding),
            ("parser", Conv::Parser),
            ("tab-width", Conv::Int),
            ("start-line", Conv::Int),
            ("end-line", Conv::Int),
            ("start-after", Conv::Unchanged),
            ("end-before", Conv::Unchanged),
            ("number-lines", Conv::AutoOrInt),
            ("class", Conv::Class),
            ("name", Conv::Unchanged),
        ]
    ),
    spec!("replace", 0, 0, false, true, &[]),
    spec!(
        "unicode",
        1,
        0,
        true,
        false,
        &[
            ("trim", Conv::Flag),
            ("ltrim", Conv::Flag),
            ("rtrim", Conv::Flag)
        ]
    ),
    spec!("class", 1, 0, true, true, &[]),
    spec!("role", 0, 0, false, true, &[]),
    spec!("default-role", 0, 1, false, false, &[]),
    spec!("title", 1, 0, true, false, &[]),
    spec!("date", 0, 0, false, true, &[]),
    spec!(
        "restructuredtext-test-directive",
        0,
        1,
        true,
        true,
        &[("option", Conv::UnchangedRequired)]
    ),
];

/// The English directive names (docutils.parsers.rst.languages.en) and their canonical names.
fn canonical_directive(name: &str) -> Option<&'static str> {
    let canon = match name {
        "code-block" | "sourcecode" => "code",
        "rst-class" => "class",
        "section-numbering" => "sectnum",
        other => other,
    };
    SPECS.iter().find(|s| s.name == canon).map(|s| s.name)
}

/// Role names (English aliases included) and their canonical names; `None` if unknown.
pub(super) fn canonical_role(name: &str) -> Option<&'static str> {
    Some(match name {
        "ab" | "abbreviation" => "abbreviation",
        "ac" | "acronym" => "acronym",
        "code" => "code",
        "emphasis" => "emphasis",
        "literal" => "literal",
        "math" => "math",
        "pep" | "pep-reference" => "pep-reference",
        "rfc" | "rfc-reference" => "rfc-reference",
        "strong" => "strong",
        "sub" | "subscript" => "subscript",
        "sup" | "superscript" => "superscript",
        "t" | "title" | "title-reference" => "title-reference",
        "raw" => "raw",
        "i" | "index" => "index",
        "anonymous-reference" => "anonymous-reference",
        "citation-reference" => "citation-reference",
        "footnote-reference" => "footnote-reference",
        "named-reference" => "named-reference",
        "substitution-reference" => "substitution-reference",
        "uri" | "url" | "uri-reference" => "uri-reference",
        "target" => "target",
        "restructuredtext-unimplemented-role" => "restructuredtext-unimplemented-role",
        _ => return None,
    })
}

/// The checks a role function makes.
pub(super) fn run_role(
    doc: &mut Doc,
    name: &str,
    canonical: &str,
    text: &[char],
    line: usize,
) -> R {
    let t = super::inline::unescape(text);
    match canonical {
        "raw" => Err(doc.warning("raw (and derived) roles disabled".into(), Some(line))),
        "pep-reference" => match py_int(&t) {
            Some(n) if (0..=9999).contains(&n) => Ok(()),
            _ => Err(doc.error(
                format!("PEP number must be a number from 0 to 9999; \"{t}\" is invalid."),
                Some(line),
            )),
        },
        "rfc-reference" => {
            let num = t.split('#').next().unwrap_or("");
            match py_int(num) {
                Some(n) if n >= 1 => Ok(()),
                _ => Err(doc.error(
                    format!("RFC number must be a number greater than or equal to 1; \"{t}\" is invalid."),
                    Some(line),
                )),
            }
        }
        "index"
        | "anonymous-reference"
        | "citation-reference"
        | "footnote-reference"
        | "named-reference"
        | "substitution-reference"
        | "uri-reference"
        | "target"
        | "restructuredtext-unimplemented-role" => Err(doc.error(
            format!("Interpreted text role \"{name}\" not implemented."),
            Some(line),
        )),
        _ => Ok(()),
    }
}

fn py_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = s.strip_prefix('+').unwrap_or(s);
    let digits: String = s.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() || s.starts_with('_') || s.ends_with('_') || s.contains("__") {
        return None;
    }
    digits.parse::<i64>().ok()
}

/// A parsed directive block.
struct Block {
    arguments: Vec<String>,
    options: Vec<(String, Option<String>)>,
    content: Vec<L>,
}

fn directive_error(sm: &mut Sm, name: &str, detail: &str, line: usize) -> Halt {
    sm.doc.error(
        format!("Error in \"{name}\" directive:\n{detail}."),
        Some(line),
    )
}

/// `Body.directive`: look the directive up, parse its block, run it.
/// Returns what it produced and the "blank finish" flag.
pub(super) fn directive(
    sm: &mut Sm,
    type_name: &str,
    end: usize,
    lineno: usize,
    subst: Option<&str>,
) -> R<(Produced, bool)> {
    let lower = type_name.to_lowercase();
    let Some(canon) = canonical_directive(&lower) else {
        let _ = sm_first_known(sm, 0, false, false);
        return Err(sm.doc.error(
            format!("Unknown directive type \"{type_name}\"."),
            Some(lineno),
        ));
    };
    let spec = SPECS.iter().find(|s| s.name == canon).ok_or(Halt)?;
    let (indented, blank_finish) = sm_first_known(sm, end, true, false);
    let blank_finish = blank_finish || sm.next >= sm.lines.len() || is_blank(sm.text(sm.next));
    let block = match parse_block(sm, spec, indented) {
        Ok(b) => b,
        Err(Some(detail)) => return Err(directive_error(sm, type_name, &detail, lineno)),
        Err(None) => return Err(Halt),
    };
    let produced = run(sm, spec, type_name, block, lineno, subst)?;
    Ok((produced, blank_finish))
}

fn sm_first_known(sm: &mut Sm, indent: usize, strip_indent: bool, _x: bool) -> (Vec<L>, bool) {
    // get_first_known_indented(match.end(), strip_top=0)
    let cur = sm.next.saturating_sub(1);
    let mut end = cur + 1;
    let last = sm.lines.len();
    let mut min_indent: Option<usize> = None;
    let mut blank_finish = true;
    while end < last {
        let line = sm.text(end);
        if !line.is_empty() && line[0] != ' ' {
            blank_finish = end > cur && is_blank(sm.text(end - 1));
            break;
        }
        let stripped = lstrip(line);
        if !stripped.is_empty() {
            let li = line.len() - stripped.len();
            min_indent = Some(min_indent.map_or(li, |m| m.min(li)));
        }
        end += 1;
    }
    let mut block: Vec<L> = sm.lines[cur.min(end)..end].to_vec();
    if let Some(first) = block.first_mut() {
        first.start = (first.start + indent).min(first.end);
    }
    if strip_indent && let Some(m) = min_indent.filter(|&m| m > 0) {
        for l in block.iter_mut().skip(1) {
            l.start = (l.start + m).min(l.end);
        }
    }
    sm.next = cur + block.len().max(1);
    (block, blank_finish)
}

/// `parse_directive_block`. `Err(Some(detail))` is a MarkupError; `Err(None)` a halt.
fn parse_block(sm: &mut Sm, spec: &Spec, mut indented: Vec<L>) -> Result<Block, Option<String>> {
    if indented.first().is_some_and(|l| is_blank(sm.text_of(*l))) {
        indented.remove(0);
    }
    while indented.last().is_some_and(|l| is_blank(sm.text_of(*l))) {
        indented.pop();
    }
    let has_args = spec.required > 0 || spec.optional > 0;
    let (mut arg_block, mut content, i) =
        if !indented.is_empty() && (has_args || !spec.options.is_empty()) {
            let i = indented
                .iter()
                .position(|l| is_blank(sm.text_of(*l)))
                .unwrap_or(indented.len());
            (
                indented[..i].to_vec(),
                indented
                    .get(i + 1..)
                    .map(|s| s.to_vec())
                    .unwrap_or_default(),
                i,
            )
        } else {
            (Vec::new(), indented.clone(), 0)
        };
    let mut options = Vec::new();
    if !spec.options.is_empty()
        && let Some(k) = arg_block
            .iter()
            .position(|l| match_field_marker(sm.text_of(*l)).is_some())
    {
        let opt_block = arg_block.split_off(k);
        options = parse_options(sm, spec, &opt_block)?;
    }
    if !arg_block.is_empty() && !has_args {
        let mut c = arg_block.clone();
        c.extend(indented.get(i..).map(|s| s.to_vec()).unwrap_or_default());
        content = c;
        arg_block.clear();
    }
    while content.first().is_some_and(|l| is_blank(sm.text_of(*l))) {
        content.remove(0);
    }
    let arguments = if has_args {
        let text: String = arg_block
            .iter()
            .map(|l| sm.text_of(*l).iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n");
        parse_arguments(spec, &text)?
    } else {
        Vec::new()
    };
    if !content.is_empty() && !spec.content {
        return Err(Some("no content permitted".into()));
    }
    Ok(Block {
        arguments,
        options,
        content,
    })
}

/// The directive's arguments from the argument block's text: the required and optional words,
/// the last one taking the rest of the text when the directive allows white space in it
/// (`final_argument_whitespace`).
fn parse_arguments(spec: &Spec, text: &str) -> Result<Vec<String>, Option<String>> {
    let mut arguments = Vec::new();
    let words: Vec<&str> = text.split(is_space).filter(|w| !w.is_empty()).collect();
    if words.len() < spec.required {
        return Err(Some(format!(
            "{} argument(s) required, {} supplied",
            spec.required,
            words.len()
        )));
    }
    if words.len() > spec.required + spec.optional {
        if spec.final_ws {
            let n = spec.required + spec.optional;
            let mut rest = text.trim_start_matches(is_space);
            for _ in 0..n.saturating_sub(1) {
                let w = rest.split(is_space).next().unwrap_or("");
                arguments.push(w.to_string());
                rest = rest[w.len()..].trim_start_matches(is_space);
            }
            arguments.push(rest.trim_end_matches(is_space).to_string());
        } else {
            return Err(Some(format!(
                "maximum {} argument(s) allowed, {} supplied",
                spec.required + spec.optional,
                words.len()
            )));
        }
    } else {
        arguments = words.iter().map(|w| w.to_string()).collect();
    }
    Ok(arguments)
}

/// `parse_extension_options`: a field list of known options with valid values.
fn parse_options(
    sm: &mut Sm,
    spec: &Spec,
    lines: &[L],
) -> Result<Vec<(String, Option<String>)>, Option<String>> {
    let fields = option_fields(sm, lines)?;
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for (name, body) in fields {
        if name.split(is_space).filter(|w| !w.is_empty()).count() != 1 {
            return Err(Some(
                "invalid option data: extension option field name may not contain multiple words"
                    .into(),
            ));
        }
        let data = option_data(&name, &body)?;
        let Some(&(_, conv)) = spec.options.iter().find(|(n, _)| *n == name) else {
            return Err(Some(format!("unknown option: \"{name}\"")));
        };
        if out.iter().any(|(n, _)| *n == name) {
            return Err(Some(format!(
                "invalid option data: duplicate option \"{name}\""
            )));
        }
        if let Err(e) = convert(conv, data.as_deref()) {
            return Err(Some(format!(
                "invalid option value: (option: \"{name}\"; value: {}) {e}",
                py_repr(data.as_deref())
            )));
        }
        out.push((name, data));
    }
    let _ = sm;
    Ok(out)
}

/// The option block's fields: each name and its body (the rest of the marker line plus the
/// indented or blank lines after it).
#[allow(clippy::type_complexity)]
fn option_fields(sm: &Sm, lines: &[L]) -> Result<Vec<(String, Vec<Vec<char>>)>, Option<String>> {
    let mut fields: Vec<(String, Vec<Vec<char>>)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = sm.text_of(lines[i]);
        if is_blank(t) {
            i += 1;
            continue;
        }
        let Some(end) = match_field_marker(t) else {
            return Err(Some("invalid option block".into()));
        };
        let marker = &t[1..end];
        let close = marker.iter().rposition(|&c| c == ':').unwrap_or(0);
        let name: String = marker[..close].iter().collect();
        // the body: the rest of the line plus following indented (or blank) lines
        let mut body: Vec<Vec<char>> = vec![t[end..].to_vec()];
        let mut j = i + 1;
        while j < lines.len() {
            let u = sm.text_of(lines[j]);
            if !u.is_empty() && u[0] != ' ' {
                break;
            }
            body.push(u.to_vec());
            j += 1;
        }
        fields.push((name, body));
        i = j;
    }
    Ok(fields)
}

/// An option's value: its body's single paragraph, lines stripped (`None` when empty).
fn option_data(name: &str, body: &[Vec<char>]) -> Result<Option<String>, Option<String>> {
    let mut paras = 0;
    let mut in_para = false;
    let mut text: Vec<String> = Vec::new();
    for l in body {
        if is_blank(l) {
            in_para = false;
        } else {
            if !in_para {
                paras += 1;
            }
            in_para = true;
            text.push(strip(l).iter().collect());
        }
    }
    if paras > 1 {
        return Err(Some(format!(
            "invalid option data: extension option field body may contain\na single paragraph only (option \"{name}\")"
        )));
    }
    Ok(if paras == 0 {
        None
    } else {
        Some(text.join("\n"))
    })
}

fn py_repr(v: Option<&str>) -> String {
    match v {
        None => "None".into(),
        Some(s) => format!("'{s}'"),
    }
}

fn parse_measure(s: &str) -> Option<(f64, String)> {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let ns = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    if i == ns {
        return None;
    }
    let num = &s[..i];
    let rest = s[i..].trim_start_matches(' ');
    let unit_ok = rest == "%" || rest.chars().all(|c| c.is_ascii_alphabetic() || c == 'µ');
    if !unit_ok {
        return None;
    }
    let v: f64 = if let Ok(n) = num.parse::<i64>() {
        n as f64
    } else {
        num.parse::<f64>().ok()?
    };
    Some((v, rest.to_string()))
}

const LENGTH_UNITS: &[&str] = &[
    "em", "ex", "ch", "rem", "vw", "vh", "vmin", "vmax", "cm", "mm", "Q", "in", "pt", "pc", "px",
];

fn measure(arg: Option<&str>, units: &[&str]) -> Result<(), String> {
    let Some(arg) = arg else {
        return Err("argument required".into());
    };
    match parse_measure(arg) {
        Some((v, u)) if v >= 0.0 && units.contains(&u.as_str()) => Ok(()),
        Some(_) => Err("not a positive number or measure of one of the following units".into()),
        None => Err(format!("\"{arg}\" is no valid measure.")),
    }
}

/// docutils' `directives.unchanged_required`: the value, or the message for a missing one.
fn required(v: Option<&str>) -> Result<String, String> {
    v.map(|s| s.to_string())
        .ok_or_else(|| "argument required but none supplied".to_string())
}

/// Python's `int()` of an option value, or its message.
fn int_value(s: &str) -> Result<i64, String> {
    py_int(s).ok_or_else(|| format!("invalid literal for int() with base 10: '{s}'"))
}

/// docutils' `directives.choice`: one of `values`, compared stripped and lower-cased.
fn choice(v: Option<&str>, values: &[&str]) -> Result<(), String> {
    let s = v.map(|s| s.trim().to_lowercase()).unwrap_or_default();
    if v.is_none() || s.is_empty() {
        return Err("must supply an argument".into());
    }
    if values.contains(&s.as_str()) {
        Ok(())
    } else {
        Err(format!("\"{s}\" unknown"))
    }
}

/// Runs an option's converter (`docutils/parsers/rst/directives/__init__.py`): `Ok`, or the
/// converter's message.
fn convert(conv: Conv, v: Option<&str>) -> Result<(), String> {
    match conv {
        Conv::Flag => match v {
            Some(s) if !s.trim().is_empty() => {
                Err(format!("no argument is allowed; \"{s}\" supplied"))
            }
            _ => Ok(()),
        },
        Conv::Unchanged => Ok(()),
        Conv::UnchangedRequired | Conv::Uri | Conv::Path | Conv::Parser => required(v).map(|_| ()),
        Conv::Class => {
            let s = required(v)?;
            for w in s.split_whitespace() {
                if super::make_id(w).is_empty() {
                    return Err(format!("cannot make \"{w}\" into a class name"));
                }
            }
            Ok(())
        }
        Conv::LengthOrUnitless | Conv::LengthPercentUnitless | Conv::FigWidth => {
            convert_length(conv, v)
        }
        Conv::Percentage | Conv::NonnegInt | Conv::Int | Conv::AutoOrInt => convert_number(conv, v),
        Conv::AlignImage => choice(v, &["top", "middle", "bottom", "left", "center", "right"]),
        Conv::AlignTable => choice(v, &["left", "center", "right"]),
        Conv::Loading => choice(v, &["embed", "link", "lazy"]),
        Conv::Backlinks => choice(v, &["top", "entry", "none"]),
        Conv::Encoding | Conv::SingleChar | Conv::SingleCharOrWs => convert_text(conv, v),
    }
}

/// `length_or_unitless`, `length_or_percentage_or_unitless` and the figure's `width`
/// (which also takes `image`).
fn convert_length(conv: Conv, v: Option<&str>) -> Result<(), String> {
    if conv == Conv::LengthOrUnitless {
        let mut u: Vec<&str> = LENGTH_UNITS.to_vec();
        u.push("");
        return measure(v, &u);
    }
    if conv == Conv::FigWidth && v.map(str::trim) == Some("image") {
        return Ok(());
    }
    let mut u: Vec<&str> = LENGTH_UNITS.to_vec();
    u.push("%");
    measure(v, &u).or_else(|e| measure(v, &[""]).map_err(|_| e))
}

/// `percentage`, `nonnegative_int`, `int` and the `auto`-or-int options.
fn convert_number(conv: Conv, v: Option<&str>) -> Result<(), String> {
    let nonnegative = |n: i64| {
        if n < 0 {
            Err("negative value; must be positive or zero".into())
        } else {
            Ok(())
        }
    };
    match conv {
        Conv::Percentage => {
            let s = required(v)?;
            let s = s.trim_end_matches([' ', '%']);
            nonnegative(int_value(s)?)
        }
        Conv::NonnegInt => nonnegative(int_value(&required(v)?)?),
        Conv::AutoOrInt => match v {
            None => Ok(()),
            Some(s) => int_value(s).map(|_| ()),
        },
        _ => int_value(&required(v)?).map(|_| ()),
    }
}

/// `encoding` and the single-character options (`single_char_or_unicode`,
/// `single_char_or_whitespace_or_unicode`).
fn convert_text(conv: Conv, v: Option<&str>) -> Result<(), String> {
    let s = required(v)?;
    if conv == Conv::Encoding {
        let ok = [
            "utf-8",
            "utf8",
            "utf_8",
            "latin-1",
            "latin1",
            "iso-8859-1",
            "ascii",
            "utf-16",
            "utf-8-sig",
            "cp1252",
        ];
        return if ok.contains(&s.to_lowercase().as_str()) {
            Ok(())
        } else {
            Err(format!("unknown encoding: \"{s}\""))
        };
    }
    if s.chars().count() == 1 || matches!(s.as_str(), "tab" | "space") {
        Ok(())
    } else {
        Err("invalid; must be a single character or a Unicode code".into())
    }
}

fn opt<'b>(b: &'b Block, name: &str) -> Option<&'b Option<String>> {
    b.options.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

fn content_required(sm: &mut Sm, name: &str, b: &Block, line: usize) -> R {
    if b.content.is_empty() {
        return Err(sm.doc.error(
            format!("Content block expected for the \"{name}\" directive; none found."),
            Some(line),
        ));
    }
    Ok(())
}

fn add_name(sm: &mut Sm, b: &Block, key: &str, line: usize) -> R<bool> {
    if let Some(Some(v)) = opt(b, key) {
        let name = normalize_name(v);
        if !name.is_empty() {
            sm.doc.note_explicit_target(name, None, None, Some(line))?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// One directive being run: its canonical name, the name as written, and its line.
#[derive(Clone, Copy)]
struct Dir<'n> {
    name: &'static str,
    type_name: &'n str,
    line: usize,
}

/// `Directive.add_name`: the option `key` (`name`, `figname`) as the node's name, noted as an
/// explicit target.
fn name_node(sm: &mut Sm, b: &Block, key: &str, el: &mut Element) {
    if let Some(Some(v)) = opt(b, key) {
        el.push_to("names", normalize_name(v));
        sm.doc.note_explicit_node(el);
    }
}

/// `directives.class_option`: the option's words as ids.
fn class_values(b: &Block, key: &str) -> Vec<String> {
    match opt(b, key) {
        Some(Some(v)) => v.split_whitespace().map(super::ids::make_id).collect(),
        _ => Vec::new(),
    }
}

fn add_classes(el: &mut Element, classes: Vec<String>) {
    for c in classes {
        el.push_to("classes", c);
    }
}

/// The content's lines joined (`'\n'.join(self.content)`).
fn content_text(sm: &Sm, b: &Block) -> String {
    super::machine::join_lines(sm, &b.content)
        .into_iter()
        .collect()
}

/// A directive that produced one block element and its node.
fn one_node(e: Elem, n: impl Into<Node>) -> Produced {
    let mut p = one(e);
    p.nodes.push(n.into());
    p
}

fn block_elem(p: &mut Produced, e: Elem) {
    p.elems.push(e);
}

/// A directive that produced one block element and nothing else.
fn one(e: Elem) -> Produced {
    let mut p = Produced::default();
    block_elem(&mut p, e);
    p
}

/// Run the directive: the checks of its `run()` method, one function per directive family
/// (docutils' `parsers/rst/directives/{admonitions,body,tables,images,parts,misc}.py`).
fn run(
    sm: &mut Sm,
    spec: &Spec,
    type_name: &str,
    b: Block,
    line: usize,
    subst: Option<&str>,
) -> R<Produced> {
    let d = Dir {
        name: spec.name,
        type_name,
        line,
    };
    match spec.name {
        "attention" | "caution" | "danger" | "error" | "hint" | "important" | "note" | "tip"
        | "warning" | "admonition" => admonition(sm, &d, b),
        "sidebar" | "topic" => topic_or_sidebar(sm, &d, b),
        "line-block" | "parsed-literal" => line_block(sm, &d, b),
        "code" => code(sm, &d, b),
        "math" => math(sm, &d, b),
        "rubric" => rubric(sm, &d, b),
        "epigraph" | "highlights" | "pull-quote" => block_quote(sm, &d, b),
        "compound" | "container" => compound_or_container(sm, &d, b),
        "table" => table(sm, &d, b),
        "csv-table" => csv_table(sm, &d, b),
        "list-table" => list_table(sm, &d, b),
        "image" | "figure" => image_or_figure(sm, &d, b),
        "contents" => contents(sm, &d, b),
        "sectnum" | "target-notes" | "title" => pending_directive(sm, &d, b),
        "header" | "footer" => header_or_footer(sm, &d, b),
        "meta" => meta(sm, &d, b),
        "raw" | "include" => Err(disabled(sm, &d)),
        "replace" | "unicode" | "date" => substitution_only(sm, &d, b, subst),
        "class" => class(sm, &d, b),
        "role" => role(sm, &d, b),
        "default-role" => default_role(sm, &d, b),
        _ => Ok(one(Elem::Other)),
    }
}

/// An admonition (`docutils/parsers/rst/directives/admonitions.py`).
fn admonition(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        name,
        type_name,
        line,
    } = *d;
    content_required(sm, type_name, &b, line)?;
    let mut node = Element::new(name);
    add_classes(&mut node, class_values(&b, "class"));
    let mut title = None;
    if name == "admonition" {
        let t = b.arguments.first().cloned().unwrap_or_default();
        let chars: Vec<char> = t.chars().collect();
        title = Some((sm.inline_nodes(&chars, line)?.1, t));
    }
    add_name(sm, &b, "name", line)?;
    name_node(sm, &b, "name", &mut node);
    if let Some((nodes, t)) = title {
        node.children.push(with("title", nodes).into());
        if opt(&b, "class").is_none() {
            node.push_to("classes", format!("admonition-{}", super::ids::make_id(&t)));
        }
    }
    let (_, children) = sm.nested_nodes(b.content)?;
    node.children.extend(children);
    Ok(one_node(Elem::Other, node))
}

/// The error of `topic`, `sidebar` and `contents` inside a topic, a body element or a part of
/// one (docutils 0.23: `BasePseudoSection.run`, `Contents.run`); a sidebar may hold them.
fn not_in_topic_or_body(sm: &mut Sm, type_name: &str, line: usize) -> R {
    if matches!(
        sm.parent,
        Parent::Structure | Parent::Sidebar | Parent::Plain
    ) {
        return Ok(());
    }
    Err(sm.doc.error(
        format!("The \"{type_name}\" directive may not be used within topics or body elements."),
        Some(line),
    ))
}

/// `topic` and `sidebar` (`body.py`: `Topic.run`, `Sidebar.run`): where they may stand,
/// their title and content.
fn topic_or_sidebar(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    if type_name == "sidebar" && sm.parent == Parent::Sidebar {
        return Err(sm.doc.error(
            format!("The \"{type_name}\" directive may not be used within a sidebar element."),
            Some(line),
        ));
    }
    not_in_topic_or_body(sm, type_name, line)?;
    let mut node = Element::new(if type_name == "sidebar" {
        "sidebar"
    } else {
        "topic"
    });
    if let Some(t) = b.arguments.first() {
        let nodes = inline_arg_nodes(sm, &t.clone(), line)?;
        node.children.push(with("title", nodes).into());
    }
    if let Some(Some(st)) = opt(&b, "subtitle") {
        let nodes = inline_arg_nodes(sm, &st.clone(), line)?;
        node.children.push(with("subtitle", nodes).into());
    }
    content_required(sm, type_name, &b, line)?;
    add_classes(&mut node, class_values(&b, "class"));
    add_name(sm, &b, "name", line)?;
    name_node(sm, &b, "name", &mut node);
    let parent = if type_name == "sidebar" {
        Parent::Sidebar
    } else {
        Parent::Body
    };
    let (_, children) = sm.nested_full(b.content, parent)?;
    node.children.extend(children);
    Ok(one_node(Elem::Other, node))
}

fn inline_arg_nodes(sm: &mut Sm, text: &str, line: usize) -> R<Vec<Node>> {
    let chars: Vec<char> = text.chars().collect();
    Ok(sm.inline_nodes(&chars, line)?.1)
}

/// A table directive's optional title, its argument parsed as inline text (`tables.py`:
/// `Table.make_title`).
fn table_title(sm: &mut Sm, b: &Block, line: usize) -> R<Option<Vec<Node>>> {
    match b.arguments.first() {
        Some(t) => Ok(Some(inline_arg_nodes(sm, &t.clone(), line)?)),
        None => Ok(None),
    }
}

/// `line-block` and `parsed-literal` (`body.py`): each content line is inline text.
fn line_block(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    content_required(sm, type_name, &b, line)?;
    add_name(sm, &b, "name", line)?;
    if d.name == "parsed-literal" {
        let text = super::machine::join_lines(sm, &b.content);
        let mut node = with("literal_block", sm.inline_nodes(&text, line)?.1);
        node.set("xml:space", "preserve");
        add_classes(&mut node, class_values(&b, "class"));
        name_node(sm, &b, "name", &mut node);
        return Ok(one_node(Elem::Other, node));
    }
    let mut block = Element::new("line_block");
    add_classes(&mut block, class_values(&b, "class"));
    name_node(sm, &b, "name", &mut block);
    let mut lines = Vec::new();
    for l in b.content.clone() {
        let raw = sm.text_of(l).to_vec();
        let t = strip(&raw).to_vec();
        let nodes = sm.inline_nodes(&t, l.abs + 1)?.1;
        let indent = (!t.is_empty()).then(|| raw.len() - lstrip(&raw).len());
        lines.push((with("line", nodes).into(), indent));
    }
    let mut nested = super::tree::line_block(lines);
    block.children = std::mem::take(&mut nested.children);
    Ok(one_node(Elem::Other, block))
}

/// `code` (`body.py`: `CodeBlock.run`): content required.
fn code(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    content_required(sm, type_name, &b, line)?;
    add_name(sm, &b, "name", line)?;
    let mut text = content_text(sm, &b);
    if let Some(start) = opt(&b, "number-lines") {
        text = number_lines(&text, start.as_deref(), b.content.len());
    }
    let mut node = preserve("literal_block", text);
    node.push_to("classes", "code");
    if let Some(lang) = b.arguments.first() {
        node.push_to("classes", lang.clone());
    }
    add_classes(&mut node, class_values(&b, "class"));
    name_node(sm, &b, "name", &mut node);
    Ok(one_node(Elem::Other, node))
}

/// `NumberLines`' text: each line after its number, padded to the last number's width.
fn number_lines(text: &str, start: Option<&str>, lines: usize) -> String {
    let start = start.and_then(py_int).unwrap_or(1);
    let end = start.saturating_add(i64::try_from(lines).unwrap_or(0));
    let width = end.to_string().len();
    text.split('\n')
        .enumerate()
        .map(|(i, l)| {
            let n = start.saturating_add(i64::try_from(i).unwrap_or(0));
            format!("{n:>width$} {l}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `math` (`body.py`: `MathBlock.run`): content required, with its own message.
fn math(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    if b.content.is_empty() {
        return Err(sm.doc.error(
            format!("Content block expected for the \"{type_name}\" directive; none found."),
            Some(line),
        ));
    }
    add_name(sm, &b, "name", line)?;
    let mut p = one(Elem::Other);
    let text = content_text(sm, &b);
    for block in text.split("\n\n").filter(|s| !s.is_empty()) {
        let mut node = text_elem("math_block", block);
        node.set("xml:space", "preserve");
        add_classes(&mut node, class_values(&b, "class"));
        name_node(sm, &b, "name", &mut node);
        p.nodes.push(node.into());
    }
    Ok(p)
}

/// `rubric` (`body.py`): the argument is inline text.
fn rubric(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir { line, .. } = *d;
    let t = b.arguments.first().cloned().unwrap_or_default();
    let nodes = inline_arg_nodes(sm, &t, line)?;
    add_name(sm, &b, "name", line)?;
    let mut node = with("rubric", nodes);
    add_classes(&mut node, class_values(&b, "class"));
    name_node(sm, &b, "name", &mut node);
    Ok(one_node(Elem::Other, node))
}

/// `epigraph`, `highlights`, `pull-quote` (`body.py`: `BlockQuote.run`).
fn block_quote(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let quotes = sm.block_quote_body(b.content)?;
    let mut p = one(Elem::Other);
    for mut q in quotes {
        if let Node::Element(e) = &mut q {
            e.push_to("classes", d.name);
        }
        p.nodes.push(q);
    }
    Ok(p)
}

/// `compound` and `container` (`body.py`): content required, container classes valid.
fn compound_or_container(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        name,
        type_name,
        line,
    } = *d;
    content_required(sm, type_name, &b, line)?;
    if name == "container"
        && let Some(a) = b.arguments.first()
    {
        for w in a.split_whitespace() {
            if super::make_id(w).is_empty() {
                return Err(sm.doc.error(
                    format!(
                        "Invalid class attribute value for \"{type_name}\" directive: \"{a}\"."
                    ),
                    Some(line),
                ));
            }
        }
    }
    add_name(sm, &b, "name", line)?;
    let mut node = Element::new(name);
    if name == "container" {
        let classes = b.arguments.first().map_or(Vec::new(), |a| {
            a.split_whitespace().map(super::ids::make_id).collect()
        });
        add_classes(&mut node, classes);
    } else {
        add_classes(&mut node, class_values(&b, "class"));
    }
    name_node(sm, &b, "name", &mut node);
    let (_, children) = sm.nested_nodes(b.content)?;
    node.children = children;
    Ok(one_node(Elem::Other, node))
}

/// `table` (`tables.py`: `RSTTable.run`): exactly one table in the content.
fn table(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    let title = table_title(sm, &b, line)?;
    content_required(sm, type_name, &b, line)?;
    let (elems, nodes) = sm.nested_nodes(b.content.clone())?;
    let tables = elems.iter().filter(|e| matches!(e, Elem::Table)).count();
    if elems.len() != 1 || tables != 1 {
        return Err(sm.doc.error(
            format!("Error parsing content block for the \"{type_name}\" directive: exactly one table expected."),
            Some(line),
        ));
    }
    add_name(sm, &b, "name", line)?;
    let mut node = match nodes.into_iter().next() {
        Some(Node::Element(e)) => e,
        _ => Element::new("table"),
    };
    add_classes(&mut node, class_values(&b, "class"));
    table_options(&b, &mut node);
    if let Some(widths) = widths_list(&b) {
        let mut i = 0;
        for c in tgroup_children(&mut node) {
            if let Node::Element(e) = c
                && e.tag == "colspec"
            {
                if let Some(w) = widths.get(i) {
                    e.set("colwidth", w.to_string());
                }
                i += 1;
            }
        }
    }
    widths_class(&b, &mut node);
    name_node(sm, &b, "name", &mut node);
    if let Some(t) = title {
        node.children.insert(0, with("title", t).into());
    }
    Ok(one_node(Elem::Table, node))
}

fn tgroup_children(table: &mut Element) -> std::slice::IterMut<'_, Node> {
    match table.children.iter_mut().find_map(|c| match c {
        Node::Element(e) if e.tag == "tgroup" => Some(e),
        _ => None,
    }) {
        Some(g) => g.children.iter_mut(),
        None => [].iter_mut(),
    }
}

/// `Table.set_table_width` and the `align` option.
fn table_options(b: &Block, node: &mut Element) {
    if let Some(Some(w)) = opt(b, "width") {
        node.set("width", super::tree::measure(w));
    }
    if let Some(Some(a)) = opt(b, "align") {
        node.set("align", a.trim().to_lowercase());
    }
}

/// The `widths` option as a list of integers (`directives.positive_int_list`).
fn widths_list(b: &Block) -> Option<Vec<u64>> {
    let Some(Some(w)) = opt(b, "widths") else {
        return None;
    };
    let words: Vec<&str> = w
        .split(|c: char| c == ',' || is_space(c))
        .filter(|s| !s.is_empty())
        .collect();
    words.iter().map(|s| s.parse().ok()).collect()
}

/// `colwidths-auto` / `colwidths-given` from the `widths` option.
fn widths_class(b: &Block, node: &mut Element) {
    match opt(b, "widths") {
        Some(Some(w)) if w.trim().to_lowercase() == "auto" => {
            node.push_to("classes", "colwidths-auto");
        }
        Some(Some(w)) if !w.trim().is_empty() => {
            node.push_to("classes", "colwidths-given");
        }
        _ => {}
    }
}

/// `ListTable.build_table_from_list`: the table of a list-table's rows of cells.
fn list_table_node(b: &Block, rows: Vec<Vec<Vec<Node>>>, ncols: usize) -> Element {
    let mut table = Element::new("table");
    widths_class(b, &mut table);
    let widths = widths_list(b).unwrap_or_else(|| vec![100 / ncols.max(1) as u64; ncols]);
    let mut tgroup = Element::new("tgroup");
    tgroup.set("cols", widths.len().to_string());
    let mut stubs = opt(b, "stub-columns")
        .and_then(|v| v.as_deref())
        .and_then(py_int)
        .unwrap_or(0);
    for w in &widths {
        let mut c = Element::new("colspec");
        c.set("colwidth", w.to_string());
        if stubs > 0 {
            c.set("stub", "True");
            stubs -= 1;
        }
        tgroup.children.push(c.into());
    }
    let head_rows = opt(b, "header-rows")
        .and_then(|v| v.as_deref())
        .and_then(py_int)
        .unwrap_or(0)
        .max(0) as usize;
    let rows: Vec<Node> = rows
        .into_iter()
        .map(|cells| {
            let entries = cells.into_iter().map(|c| with("entry", c).into()).collect();
            with("row", entries).into()
        })
        .collect();
    let mut rows = rows.into_iter();
    if head_rows > 0 {
        let head: Vec<Node> = rows.by_ref().take(head_rows).collect();
        tgroup.children.push(with("thead", head).into());
    }
    tgroup.children.push(with("tbody", rows.collect()).into());
    table.children.push(tgroup.into());
    table
}

/// A list-table's cells: each second-level list item's children, row by row.
fn list_rows(nodes: &[Node]) -> Vec<Vec<Vec<Node>>> {
    let items = |n: &Node| -> Vec<Node> {
        match n {
            Node::Element(e) => e.children.clone(),
            Node::Text(_) => Vec::new(),
        }
    };
    let Some(list) = nodes.first() else {
        return Vec::new();
    };
    items(list)
        .iter()
        .map(|row| {
            let inner = items(row).into_iter().next();
            inner.map_or(Vec::new(), |l| items(&l).iter().map(items).collect())
        })
        .collect()
}

/// `csv-table` (`tables.py`: `CSVTable.run`): no file or URL, well-formed CSV, enough rows
/// for the header.
fn csv_table(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    if opt(&b, "file").is_some() || opt(&b, "url").is_some() {
        return Err(sm.doc.warning(
            format!("File and URL access deactivated; ignoring \"{type_name}\" directive."),
            Some(line),
        ));
    }
    let title = table_title(sm, &b, line)?;
    if b.content.is_empty() {
        return Err(sm.doc.warning(
            format!("The \"{type_name}\" directive requires content; none supplied."),
            Some(line),
        ));
    }
    let text = super::machine::join_lines(sm, &b.content);
    let rows = match csv_rows(&text) {
        Ok(r) => r,
        Err(e) => {
            return Err(sm.doc.error(
                format!("Error with CSV data in \"{type_name}\" directive:\n{e}"),
                Some(line),
            ));
        }
    };
    let header_rows = opt(&b, "header-rows")
        .and_then(|v| v.as_deref())
        .and_then(py_int)
        .unwrap_or(0) as usize;
    if rows < header_rows {
        return Err(sm.doc.error(
            format!("{header_rows} header row(s) specified but only {rows} row(s) of data supplied (\"{type_name}\" directive)."),
            Some(line),
        ));
    }
    if rows == header_rows && header_rows > 0 {
        return Err(sm.doc.error(
            format!("Insufficient data supplied ({rows} row(s)); no data remaining for table body, required by \"{type_name}\" directive."),
            Some(line),
        ));
    }
    add_name(sm, &b, "name", line)?;
    let text: String = text.iter().collect();
    let mut node = csv_table_node(sm, &b, &text, header_rows);
    add_classes(&mut node, class_values(&b, "class"));
    table_options(&b, &mut node);
    name_node(sm, &b, "name", &mut node);
    if let Some(t) = title {
        node.children.insert(0, with("title", t).into());
    }
    Ok(one_node(Elem::Table, node))
}

/// `CSVTable.run`'s table: the `header` option's rows and the first `header-rows` rows as
/// the head. A cell's text becomes paragraphs of plain text (the validator does not parse
/// cells, so neither does the tree: inline markup in CSV cells stays as written).
fn csv_table_node(sm: &mut Sm, b: &Block, text: &str, header_rows: usize) -> Element {
    let delim = match opt(b, "delim").and_then(|v| v.as_deref()) {
        Some("tab") => '\t',
        Some("space") => ' ',
        Some(s) => s.chars().next().unwrap_or(','),
        None => ',',
    };
    let quote = opt(b, "quote")
        .and_then(|v| v.as_deref())
        .and_then(|s| s.chars().next())
        .unwrap_or('"');
    let skip = opt(b, "keepspace").is_none();
    let escape = opt(b, "escape")
        .and_then(|v| v.as_deref())
        .and_then(|s| s.chars().next());
    let mut head = match opt(b, "header").and_then(|v| v.as_deref()) {
        Some(h) => csv_records(h, delim, quote, escape, skip),
        None => Vec::new(),
    };
    let mut rows = csv_records(text, delim, quote, escape, skip);
    let n_head = head.len() + header_rows.min(rows.len());
    head.extend(rows.drain(..header_rows.min(rows.len())));
    head.extend(rows);
    let ncols = head.iter().map(Vec::len).max().unwrap_or(0);
    for r in head.iter_mut() {
        r.resize(ncols, String::new());
    }
    let texts: Vec<String> = head.iter().flatten().cloned().collect();
    let mut parsed = sm.tree_only_parse(&texts).into_iter();
    let cells = head
        .into_iter()
        .map(|r| {
            r.iter()
                .map(|t| match parsed.next().flatten() {
                    Some(nodes) => nodes,
                    None => plain_paragraphs(t),
                })
                .collect()
        })
        .collect();
    let mut b2 = Block {
        arguments: Vec::new(),
        options: b.options.clone(),
        content: Vec::new(),
    };
    b2.options.retain(|(k, _)| k != "header-rows");
    b2.options
        .push(("header-rows".into(), Some(n_head.to_string())));
    list_table_node(&b2, cells, ncols)
}

/// A CSV cell's text as plain paragraphs, one per blank-line-separated block: what a cell
/// whose parse failed keeps (docutils parses cells like any table cell; the validator does not,
/// so that parse is the tree's alone, see [`Nest::tree_only_parse`]).
fn plain_paragraphs(text: &str) -> Vec<Node> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    for l in text.lines().chain(std::iter::once("")) {
        if l.trim().is_empty() {
            if !para.is_empty() {
                out.push(with("paragraph", vec![Node::text(para.join("\n"))]).into());
                para.clear();
            }
        } else {
            para.push(l);
        }
    }
    out
}

/// Python's csv reader (doubled quotes, `skipinitialspace`, an optional escape character):
/// the records' fields.
fn csv_records(
    text: &str,
    delim: char,
    quote: char,
    escape: Option<char>,
    skip: bool,
) -> Vec<Vec<String>> {
    let c: Vec<char> = text.chars().collect();
    let mut rows = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let mut row = Vec::new();
        loop {
            let mut field = String::new();
            while skip && c.get(i) == Some(&' ') {
                i += 1;
            }
            let quoted = c.get(i) == Some(&quote);
            if quoted {
                i += 1;
            }
            while let Some(&ch) = c.get(i) {
                if Some(ch) == escape {
                    if let Some(&n) = c.get(i + 1) {
                        field.push(n);
                    }
                    i += 2;
                } else if quoted && ch == quote {
                    if c.get(i + 1) == Some(&quote) {
                        field.push(quote);
                        i += 2;
                    } else {
                        i += 1;
                        break;
                    }
                } else if !quoted && (ch == delim || ch == '\n') {
                    break;
                } else {
                    field.push(ch);
                    i += 1;
                }
            }
            while let Some(&ch) = c.get(i).filter(|&&ch| ch != delim && ch != '\n') {
                field.push(ch);
                i += 1;
            }
            row.push(field);
            if c.get(i) == Some(&delim) {
                i += 1;
                continue;
            }
            i += 1;
            break;
        }
        rows.push(row);
    }
    rows
}

/// `list-table` (`tables.py`: `ListTable.run`): a uniform two-level bullet list.
fn list_table(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    let title = table_title(sm, &b, line)?;
    content_required(sm, type_name, &b, line)?;
    let (elems, nodes) = sm.nested_nodes(b.content.clone())?;
    let err = |sm: &mut Sm, detail: String| {
        sm.doc.error(
            format!("Error parsing content block for the \"{type_name}\" directive: {detail}"),
            Some(line),
        )
    };
    let items = match elems.as_slice() {
        [Elem::BulletList(items)] => items.clone(),
        _ => return Err(err(sm, "exactly one bullet list expected.".into())),
    };
    let mut ncols = None;
    for (i, item) in items.iter().enumerate() {
        let cols = match item.as_slice() {
            [Elem::BulletList(c)] => c.len(),
            _ => {
                return Err(err(
                    sm,
                    format!(
                        "two-level bullet list expected, but row {} does not contain a second-level bullet list.",
                        i + 1
                    ),
                ));
            }
        };
        match ncols {
            None => ncols = Some(cols),
            Some(n) if n != cols => {
                return Err(err(
                    sm,
                    format!(
                        "uniform two-level bullet list expected, but row {} does not contain the same number of items as row 1 ({cols} vs {n}).",
                        i + 1
                    ),
                ));
            }
            _ => {}
        }
    }
    add_name(sm, &b, "name", line)?;
    let mut node = list_table_node(&b, list_rows(&nodes), ncols.unwrap_or(0));
    table_options(&b, &mut node);
    add_classes(&mut node, class_values(&b, "class"));
    name_node(sm, &b, "name", &mut node);
    if let Some(t) = title {
        node.children.insert(0, with("title", t).into());
    }
    Ok(one_node(Elem::Table, node))
}

/// `image` and `figure` (`images.py`): alignment values, the target reference, the caption.
fn image_or_figure(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        name,
        type_name,
        line,
    } = *d;
    let mut p = Produced::default();
    if let Some(Some(align)) = opt(&b, "align") {
        let a = align.trim().to_lowercase();
        if sm.in_subst && name == "image" {
            if !["top", "middle", "bottom"].contains(&a.as_str()) {
                return Err(sm.doc.error(
                    format!("Error in \"{type_name}\" directive: \"{a}\" is not a valid value for the \"align\" option within a substitution definition.  Valid values for \"align\" are: \"top\", \"middle\", \"bottom\"."),
                    Some(line),
                ));
            }
        } else if !["left", "center", "right"].contains(&a.as_str()) {
            return Err(sm.doc.error(
                format!("Error in \"{type_name}\" directive: \"{a}\" is not a valid value for the \"align\" option.  Valid values for \"align\" are: \"left\", \"center\", \"right\"."),
                Some(line),
            ));
        }
    }
    // What the project-page rules check (relative image sources and link targets).
    if let Some(uri) = b.arguments.first() {
        sm.doc.targets.push(super::Target {
            url: uri.split(is_space).collect(),
            image: true,
            line,
        });
    }
    if let Some(Some(target)) = opt(&b, "target") {
        let t = target.clone();
        if !t.trim_end().ends_with('_') {
            sm.doc.targets.push(super::Target {
                url: t.split(is_space).collect(),
                image: false,
                line,
            });
        }
        let chars: Vec<char> = t.chars().collect();
        let trimmed = strip(&chars);
        if trimmed.last() == Some(&'_')
            && let Some(rn) = reference_name(trimmed)
        {
            sm.doc
                .refs
                .push((normalize_name(&rn), super::RefKind::Ref, None));
        }
    }
    let named = add_name(sm, &b, "name", line)?;
    if named {
        p.summary.named_target = true;
    }
    let image = image_node(sm, &b, name == "figure", subst_alt(sm));
    if name == "figure" {
        let fig = figure(sm, b, image, line)?;
        block_elem(&mut p, Elem::Other);
        p.nodes.push(fig.into());
    } else {
        p.inline = true;
        block_elem(&mut p, Elem::Other);
        p.nodes.push(image);
    }
    Ok(p)
}

/// The preset `alt` of an image in a substitution definition: the substitution's name.
fn subst_alt(sm: &Sm) -> Option<String> {
    if sm.in_subst {
        sm.subst_name.clone()
    } else {
        None
    }
}

/// `Image.run`'s node: the `image` (options as attributes), wrapped in a `reference` when it
/// has a target.
fn image_node(sm: &mut Sm, b: &Block, figure: bool, alt: Option<String>) -> Node {
    let mut img = Element::new("image");
    let arg: Vec<char> = b
        .arguments
        .first()
        .map_or(Vec::new(), |a| a.chars().collect());
    img.set(
        "uri",
        super::tree::target_uri(&super::inline::escape2null(&arg)),
    );
    if let Some(a) = alt {
        img.set("alt", a);
    }
    for (k, v) in &b.options {
        let Some(v) = v else {
            if k == "alt" {
                img.set("alt", "");
            }
            continue;
        };
        match k.as_str() {
            "alt" | "loading" => {
                img.set(k, v.clone());
            }
            "align" if !figure => {
                img.set(k, v.trim().to_lowercase());
            }
            "height" | "width" => {
                img.set(k, super::tree::measure(v));
            }
            "scale" => {
                let n = py_int(v.trim_end_matches([' ', '%'])).unwrap_or(0);
                img.set(k, n.to_string());
            }
            _ => {}
        }
    }
    add_classes(&mut img, class_values(b, "class"));
    name_node(sm, b, "name", &mut img);
    let Some(Some(target)) = opt(b, "target") else {
        return img.into();
    };
    let block: Vec<Vec<char>> = target
        .lines()
        .map(|l| super::inline::escape2null(&l.chars().collect::<Vec<_>>()))
        .collect();
    let mut reference = Element::new("reference");
    let last_ref = block.last().is_some_and(|l| strip(l).last() == Some(&'_'));
    let joined: Vec<char> = super::chars::join_lines(&block, true);
    match last_ref.then(|| reference_name(strip(&joined))).flatten() {
        Some(rn) => {
            reference.set("refname", normalize_name(&rn));
            reference.set("name", super::chars::ws_normalize(&rn));
        }
        None => {
            let raw: Vec<char> = block.join(&' ');
            reference.set("refuri", super::tree::target_uri(&raw));
        }
    }
    reference.children.push(img.into());
    reference.into()
}

/// `Figure.run`: the figure's name and content (a caption paragraph or empty comment first,
/// after any targets).
fn figure(sm: &mut Sm, b: Block, image: Node, line: usize) -> R<Element> {
    add_name(sm, &b, "figname", line)?;
    let mut fig = figure_node(sm, &b, image);
    if !b.content.is_empty() {
        let (elems, nodes) = sm.nested_nodes(b.content)?;
        figure_content(&mut fig, nodes);
        // docutils 0.23 skips targets and pending nodes before the caption.
        let first = elems
            .iter()
            .find(|e| !matches!(e, Elem::Target | Elem::Pending));
        match first {
            Some(Elem::Paragraph) | Some(Elem::Comment { empty: true }) | None => {}
            Some(_) => {
                return Err(sm.doc.error(
                    "Figure caption must be a paragraph or empty comment.".into(),
                    Some(line),
                ));
            }
        }
    }
    Ok(fig)
}

/// `Figure.run`'s `figure` element around the image.
fn figure_node(sm: &mut Sm, b: &Block, image: Node) -> Element {
    let mut fig = with("figure", vec![image]);
    if let Some(Some(w)) = opt(b, "figwidth")
        && w.trim().to_lowercase() != "image"
    {
        let m = super::tree::measure(w);
        let unitless = m
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
        fig.set("width", if unitless { format!("{m}px") } else { m });
    }
    add_classes(&mut fig, class_values(b, "figclass"));
    name_node(sm, b, "figname", &mut fig);
    if let Some(Some(a)) = opt(b, "align") {
        fig.set("align", a.trim().to_lowercase());
    }
    fig
}

/// A figure's content: targets and pending nodes, then the caption (a paragraph's children)
/// or an empty comment, then the legend.
fn figure_content(fig: &mut Element, nodes: Vec<Node>) {
    let mut rest = nodes.into_iter();
    for n in rest.by_ref() {
        let Node::Element(e) = n else { continue };
        match e.tag.as_str() {
            "target" | "pending" => fig.children.push(e.into()),
            "paragraph" => {
                fig.children.push(with("caption", e.children).into());
                break;
            }
            _ => break,
        }
    }
    let legend: Vec<Node> = rest.collect();
    if !legend.is_empty() {
        fig.children.push(with("legend", legend).into());
    }
}

/// `contents` (`parts.py`: `Contents.run`): not inside topics or body elements.
fn contents(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    not_in_topic_or_body(sm, type_name, line)?;
    let title = match b.arguments.first() {
        Some(t) => Some(with("title", inline_arg_nodes(sm, &t.clone(), line)?)),
        None if opt(&b, "local").is_some() => None,
        None => Some(text_elem("title", "Contents")),
    };
    let mut topic = Element::new("topic");
    topic.push_to("classes", "contents");
    add_classes(&mut topic, class_values(&b, "class"));
    if opt(&b, "local").is_some() {
        topic.push_to("classes", "local");
    }
    let name = normalize_name(
        &title
            .as_ref()
            .map_or("Contents".into(), super::tree::astext),
    );
    if let Some(t) = title {
        topic.children.push(t.into());
    }
    if !sm.doc.tree_names.contains_key(&name) {
        topic.push_to("names", name);
    }
    sm.doc.note_implicit_node(&mut topic);
    let mut pending = pending("Contents");
    for (k, v) in &b.options {
        let value = match (k.as_str(), v) {
            ("depth", Some(v)) => py_int(v).unwrap_or(0).to_string(),
            ("backlinks", Some(v)) if v.trim().to_lowercase() != "none" => v.trim().to_lowercase(),
            ("class", _) => py_list(&class_values(&b, "class")),
            _ => "None".into(),
        };
        pending.set(&format!("details.{k}"), value);
    }
    topic.children.push(pending.into());
    Ok(one_node(Elem::Pending, topic))
}

/// A `pending` node for the transform `name` (docutils.transforms' class name).
fn pending(name: &str) -> Element {
    let mut p = Element::new("pending");
    p.set("transform", name);
    p
}

/// Python's `str()` of a list of strings.
fn py_list(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| format!("'{s}'")).collect();
    format!("[{}]", items.join(", "))
}

/// `sectnum`, `target-notes`, `title` (`parts.py`, `references.py`, `misc.py`): pending
/// transforms, or the document's `title` attribute.
fn pending_directive(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let mut p = one(Elem::Pending);
    match d.name {
        "sectnum" => {
            let mut node = pending("SectNum");
            for (k, v) in &b.options {
                let v = v.clone().unwrap_or_else(|| "None".into());
                let v = match k.as_str() {
                    "depth" | "start" => py_int(&v).map_or(v, |n| n.to_string()),
                    _ => v,
                };
                node.set(&format!("details.{k}"), v);
            }
            p.nodes.push(node.into());
        }
        "target-notes" => {
            let mut node = pending("TargetNotes");
            if opt(&b, "class").is_some() {
                node.set("details.class", py_list(&class_values(&b, "class")));
            }
            p.nodes.push(node.into());
        }
        _ => {
            if let (Some(t), Some(doc)) = (b.arguments.first(), sm.doc.stack.first_mut()) {
                doc.set("title", t.clone());
            }
        }
    }
    Ok(p)
}

/// `header` and `footer` (`parts.py`: `Header.run`, `Footer.run`): content required.
fn header_or_footer(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    content_required(sm, type_name, &b, line)?;
    let (_, nodes) = sm.nested_nodes(b.content)?;
    sm.doc.decoration(d.name, nodes);
    Ok(one(Elem::Pending))
}

/// `meta` (`html.py`: `Meta.run`): its content is parsed, then left pending; each field
/// becomes a `meta` element (`name`, `content`).
fn meta(sm: &mut Sm, _d: &Dir, b: Block) -> R<Produced> {
    let (_, nodes) = sm.nested_nodes(b.content)?;
    let mut p = one(Elem::Pending);
    for list in nodes.iter().filter_map(Node::element) {
        for field in list.children.iter().filter_map(Node::element) {
            let part = |tag: &str| {
                field
                    .children
                    .iter()
                    .filter_map(Node::element)
                    .find(|e| e.tag == tag)
                    .map(super::tree::astext)
                    .unwrap_or_default()
            };
            let mut m = Element::new("meta");
            let name = part("field_name");
            let mut words = name.split_whitespace();
            if let Some(n) = words.next() {
                m.set("name", n);
            }
            for w in words {
                if let Some((k, v)) = w.split_once('=') {
                    m.set(k, v);
                }
            }
            m.set("content", part("field_body").replace('\n', " "));
            p.nodes.push(m.into());
        }
    }
    Ok(p)
}

/// `raw` and `include` (`misc.py`): disabled under readme_renderer's settings.
fn disabled(sm: &mut Sm, d: &Dir) -> Halt {
    sm.doc.warning(
        format!("\"{}\" directive disabled.", d.type_name),
        Some(d.line),
    )
}

/// `replace`, `unicode`, `date` (`misc.py`): only inside a substitution definition;
/// `replace` content is inline text.
fn substitution_only(sm: &mut Sm, d: &Dir, b: Block, subst: Option<&str>) -> R<Produced> {
    let Dir {
        name,
        type_name,
        line,
    } = *d;
    let mut p = Produced::default();
    if subst.is_none() {
        return Err(sm.doc.error(
            format!("Invalid context: the \"{type_name}\" directive can only be used within a substitution definition."),
            Some(line),
        ));
    }
    if name == "replace" {
        content_required(sm, type_name, &b, line)?;
        let elems = {
            let before = sm.doc.anonymous_refs;
            let (r, nodes) = replace_content(sm, b.content.clone())?;
            if sm.doc.anonymous_refs > before {
                p.summary.anonymous_ref = true;
            }
            p.nodes = nodes;
            r
        };
        p.summary.named_target |= elems.named_target;
        p.summary.auto_footnote_ref |= elems.auto_footnote_ref;
        p.summary.anonymous_ref |= elems.anonymous_ref;
    }
    match name {
        "unicode" => {
            let arg = b.arguments.first().cloned().unwrap_or_default();
            p.nodes = unicode_codes(&arg).into_iter().map(Node::Text).collect();
            for (opt_name, attrs) in [
                ("trim", &["ltrim", "rtrim"][..]),
                ("ltrim", &["ltrim"]),
                ("rtrim", &["rtrim"]),
            ] {
                if opt(&b, opt_name).is_some() {
                    p.subst_attrs.extend(attrs.iter().copied());
                }
            }
        }
        "date" => {
            let format = content_text(sm, &b);
            let format = if format.is_empty() {
                "%Y-%m-%d".into()
            } else {
                format
            };
            p.nodes = vec![Node::Text(super::tree::strftime_today(&format))];
        }
        _ => {}
    }
    p.inline = true;
    Ok(p)
}

/// `Unicode.run`: the codes before a ".. " comment, each decoded (`directives.unicode_code`:
/// decimal, `0x`/`x`/`\x`/`U+`/`u`/`\u` hexadecimal, `&#x...;`) or kept as written.
fn unicode_codes(arg: &str) -> Vec<String> {
    let mut text = arg;
    for (i, _) in arg.match_indices(".. ") {
        let before = arg[..i].chars().last();
        if i == 0 || matches!(before, Some(' ') | Some('\n')) {
            text = &arg[..i];
            break;
        }
    }
    text.split_whitespace()
        .map(|code| {
            if code.chars().all(|c| c.is_ascii_digit()) {
                return code
                    .parse::<u32>()
                    .ok()
                    .and_then(char::from_u32)
                    .map_or(code.to_string(), String::from);
            }
            let lower = code.to_lowercase();
            let hex = ["0x", "x", "\\x", "u+", "u", "\\u"]
                .iter()
                .find_map(|p| lower.strip_prefix(p))
                .or_else(|| lower.strip_prefix("&#x").and_then(|h| h.strip_suffix(';')));
            hex.filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
                .map_or(code.to_string(), String::from)
        })
        .collect()
}

/// `class` (`misc.py`: `Class.run`): valid class values; content parsed into a plain element.
fn class(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    let mut p = Produced::default();
    if let Some(a) = b.arguments.first() {
        for w in a.split_whitespace() {
            if super::make_id(w).is_empty() {
                return Err(sm.doc.error(
                    format!(
                        "Invalid class attribute value for \"{type_name}\" directive: \"{a}\"."
                    ),
                    Some(line),
                ));
            }
        }
    }
    let values: Vec<String> = b.arguments.first().map_or(Vec::new(), |a| {
        a.split_whitespace().map(super::ids::make_id).collect()
    });
    if !b.content.is_empty() {
        let (elems, nodes) = sm.nested_full(b.content, Parent::Plain)?;
        p.elems.extend(elems);
        for mut n in nodes {
            if let Node::Element(e) = &mut n {
                add_classes(e, values.clone());
            }
            p.nodes.push(n);
        }
    } else {
        block_elem(&mut p, Elem::Pending);
        let mut node = pending("ClassAttribute");
        node.set("details.class", py_list(&values));
        node.set("details.directive", type_name);
        p.nodes.push(node.into());
    }
    Ok(p)
}

/// `role` (`misc.py`: `Role.run`): a valid new role name based on a known role.
fn role(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir {
        type_name, line, ..
    } = *d;
    let Some(first) = b.content.first().copied() else {
        return Err(sm.doc.error(
            format!("\"{type_name}\" directive requires arguments on the first line."),
            Some(line),
        ));
    };
    let t: String = sm.text_of(first).iter().collect();
    let t = t.trim();
    let (new, base) = match t.find('(') {
        Some(i) => (t[..i].trim(), Some(t[i + 1..].trim_end_matches(')').trim())),
        None => (t, None),
    };
    let new_l = new.to_lowercase();
    if !super::chars::is_simplename(&new.chars().collect::<Vec<_>>()) {
        return Err(sm.doc.error(
            format!("\"{type_name}\" directive arguments not valid role names: \"{t}\"."),
            Some(line),
        ));
    }
    let base_canon = match base {
        Some(base) => {
            let bl = base.to_lowercase();
            match sm
                .doc
                .custom_roles
                .get(&bl)
                .cloned()
                .or_else(|| canonical_role(&bl).map(String::from))
            {
                Some(c) => c,
                None => {
                    return Err(sm.doc.error(
                        format!("Unknown interpreted text role \"{base}\"."),
                        Some(line),
                    ));
                }
            }
        }
        None => "generic".to_string(),
    };
    sm.doc.custom_roles.insert(new_l, base_canon);
    Ok(one(Elem::Pending))
}

/// `default-role` (`misc.py`: `DefaultRole.run`): a known role, or none.
fn default_role(sm: &mut Sm, d: &Dir, b: Block) -> R<Produced> {
    let Dir { line, .. } = *d;
    match b.arguments.first() {
        Some(r) => {
            let rl = r.to_lowercase();
            if sm.doc.custom_roles.contains_key(&rl) || canonical_role(&rl).is_some() {
                sm.doc.default_role = Some(rl);
            } else {
                return Err(sm.doc.error(
                    format!("Unknown interpreted text role \"{r}\"."),
                    Some(line),
                ));
            }
        }
        None => sm.doc.default_role = None,
    }
    Ok(one(Elem::Pending))
}

/// Python's csv reader with docutils' dialect (`,`, `"`, doubled quotes, strict): the number
/// of records, or the csv module's error text.
fn csv_rows(text: &[char]) -> Result<usize, String> {
    let mut rows = 0;
    let mut i = 0;
    let n = text.len();
    while i < n {
        // one record
        let mut at_field_start = true;
        loop {
            if at_field_start {
                while i < n && text[i] == ' ' {
                    i += 1;
                }
                if i < n && text[i] == '"' {
                    i += 1;
                    loop {
                        if i >= n {
                            return Err("unexpected end of data".into());
                        }
                        if text[i] == '"' {
                            if text.get(i + 1) == Some(&'"') {
                                i += 2;
                                continue;
                            }
                            i += 1;
                            break;
                        }
                        i += 1;
                    }
                    match text.get(i) {
                        None | Some('\n') | Some(',') => {}
                        Some(_) => return Err("',' expected after '\"'".into()),
                    }
                }
            }
            while i < n && text[i] != ',' && text[i] != '\n' {
                i += 1;
            }
            if i < n && text[i] == ',' {
                i += 1;
                at_field_start = true;
                continue;
            }
            break;
        }
        rows += 1;
        i += 1; // the newline
    }
    Ok(rows)
}

/// `Replace.run`: the content must be one paragraph; returns its inline summary and nodes.
fn replace_content(sm: &mut Sm, content: Vec<L>) -> R<(InlineSummary, Vec<Node>)> {
    // A single paragraph: no blank line inside, and not another construct.
    let first = content
        .first()
        .map(|l| sm.text_of(*l).to_vec())
        .unwrap_or_default();
    let multi = content.iter().any(|l| is_blank(sm.text_of(*l)));
    if multi || directive_marker(&first, 0).is_some() && first.starts_with(&['.', '.']) {
        let (elems, nodes) = sm.nested_nodes(content)?;
        if elems.len() != 1 || !matches!(elems[0], Elem::Paragraph) {
            return Err(sm.doc.error(
                "Error in \"replace\" directive: may contain a single paragraph only.".into(),
                content_line(sm),
            ));
        }
        let children = match nodes.into_iter().next() {
            Some(Node::Element(e)) => e.children,
            _ => Vec::new(),
        };
        return Ok((InlineSummary::default(), children));
    }
    let text = super::machine::join_lines(sm, &content);
    let line = content.first().map(|l| l.abs + 1).unwrap_or(1);
    sm.inline_nodes(&text, line)
}

fn content_line(sm: &Sm) -> Option<usize> {
    Some(sm.lineno(sm.next.saturating_sub(1)))
}

/// `Body.is_reference` for an image target.
fn reference_name(s: &[char]) -> Option<String> {
    let n = s.len();
    if n >= 2 && s[n - 1] == '_' {
        let body = &s[..n - 1];
        if super::chars::is_simplename(body) {
            return Some(body.iter().collect());
        }
        if body.len() >= 3 && body[0] == '`' && body[body.len() - 1] == '`' {
            return Some(body[1..body.len() - 1].iter().collect());
        }
    }
    None
}
