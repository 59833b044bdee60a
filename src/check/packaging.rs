//! packaging 26.2's grammar for specifiers, requirements and markers, which PyPI applies
//! through `packaging.metadata` (`Requires-Python`, `Requires-Dist`) and `Requirement`
//! (`Provides-Dist`, `Obsoletes-Dist`; `warehouse/forklift/metadata.py`). Versions are
//! [`crate::dist::version`].
//!
//! A port, not an approximation: packaging decides with regular expressions
//! (`specifiers.py`'s `Specifier._specifier_regex_str`) and a
//! recursive-descent parser over a regex tokenizer (`_tokenizer.py`, `_parser.py`). The same
//! patterns are compiled here with the `regex` crate, with three translations: Python's `\s`
//! (which also matches U+001C..U+001F) is spelt out, `(?a:...)` becomes `(?-u:...)`, and
//! possessive quantifiers (packaging uses them on Python 3.11.5+) become greedy ones, which
//! never changes whether these patterns match. Parse errors carry packaging's message, source
//! line and `~~~^` marker.

use std::sync::OnceLock;

use regex::Regex;

use crate::dist::filename::canonicalize_name;
use crate::dist::version::PY_WS as WS;

/// The pre-, post- and dev-release (and, for `==`/`!=`, local) part of a specifier's version.
fn release_tail(local: bool) -> String {
    let pre = r"(?-u:[-_\.]?(alpha|beta|preview|pre|a|b|c|rc)[-_\.]?[0-9]*)?";
    let post = r"(?-u:(?:-[0-9]+)|(?:[-_\.]?(post|rev|r)[-_\.]?[0-9]*))?";
    let dev = r"(?-u:[-_\.]?dev[-_\.]?[0-9]*)?";
    let local = if local {
        r"(?-u:\+[a-z0-9]+(?:[-_\.][a-z0-9]+)*)?"
    } else {
        ""
    };
    format!("{pre}{post}{dev}{local}")
}

/// `Specifier._specifier_regex_str`, without the surrounding whitespace.
fn specifier_body() -> String {
    let ws = format!("[{WS}]*");
    let arbitrary = format!("(?:==={ws}[^{WS};)]*)");
    let equal = format!(
        r"(?:(?:==|!=){ws}v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:\.\*|{})?)",
        release_tail(true)
    );
    let compatible = format!(
        r"(?:(?:~=){ws}v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+(?:[-_\.]?(alpha|beta|preview|pre|a|b|c|rc)[-_\.]?[0-9]*)?(?:(?:-[0-9]+)|(?:[-_\.]?(post|rev|r)[-_\.]?[0-9]*))?(?:[-_\.]?dev[-_\.]?[0-9]*)?)"
    );
    let ordered = format!(
        r"(?:(?:<=|>=|<|>){ws}v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*{})",
        release_tail(false)
    );
    format!("(?i)(?:{arbitrary}|{equal}|{compatible}|{ordered})")
}

struct Patterns {
    specifier: Regex,
    token_specifier: Regex,
    quoted: Regex,
    op: Regex,
    boolop: Regex,
    in_: Regex,
    not: Regex,
    variable: Regex,
    url: Regex,
    identifier: Regex,
    prefix_trail: Regex,
    local_trail: Regex,
    ws: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("packaging pattern compiles");
        Patterns {
            specifier: re(&format!(r"\A[{WS}]*{}[{WS}]*\z", specifier_body())),
            token_specifier: re(&specifier_body()),
            quoted: re(r#"('[^']*')|("[^"]*")"#),
            op: re(r"(===|==|~=|!=|<=|>=|<|>)"),
            boolop: re(r"\b(or|and)\b"),
            in_: re(r"\bin\b"),
            not: re(r"\bnot\b"),
            variable: re(concat!(
                r"\b(python_version|python_full_version|os[._]name|sys[._]platform",
                r"|platform_(release|system)|platform[._](version|machine|python_implementation)",
                r"|python_implementation|implementation_(name|version)|extras?|dependency_groups)\b"
            )),
            url: re(r"[^ \t]+"),
            identifier: re(r"\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b"),
            prefix_trail: re(r"\.\*"),
            local_trail: re(r"\+[a-z0-9]+(?:[-_\.][a-z0-9]+)*"),
            ws: re(r"[ \t]+"),
        }
    })
}

/// Whether packaging's `Version(value)` accepts `value` (PEP 440, any size of number).
pub fn is_valid_version(value: &str) -> bool {
    crate::dist::version::is_valid_version(value)
}

/// Whether packaging's `Specifier(value)` accepts one specifier.
pub fn is_valid_specifier(value: &str) -> bool {
    patterns().specifier.is_match(value)
}

/// packaging's `SpecifierSet(value)`: `Err(message)` ("Invalid specifier: '...'") for the
/// first item that does not parse. Items are split on `,`, stripped, and empty ones skipped.
pub fn specifier_set(value: &str) -> Result<(), String> {
    for item in value.split(',') {
        let item = py_strip(item);
        if !item.is_empty() && !is_valid_specifier(item) {
            return Err(format!(
                "Invalid specifier: {}",
                crate::pyrepr::py_repr(item)
            ));
        }
    }
    Ok(())
}

/// Python's `str.strip()` (Unicode whitespace, as `str.isspace`).
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(py_is_space)
}

/// Python's `str.isspace` for one character.
pub fn py_is_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}'
        | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// A requirement as packaging's `Requirement` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub name: String,
    pub extras: Vec<String>,
    /// The specifier text as written (items joined by the commas of the source).
    pub specifier: String,
    /// The URL after `@`, if any.
    pub url: Option<String>,
    /// `str(Marker)`: the marker in packaging's normal form, if any.
    pub marker: Option<String>,
}

impl std::fmt::Display for Requirement {
    /// `str(Requirement)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)?;
        if !self.extras.is_empty() {
            let mut e = self.extras.clone();
            e.sort();
            e.dedup();
            write!(f, "[{}]", e.join(","))?;
        }
        let mut specs: Vec<String> = self
            .specifier
            .split(',')
            .map(py_strip)
            .filter(|s| !s.is_empty())
            .map(normal_specifier)
            .collect();
        specs.sort();
        specs.dedup();
        f.write_str(&specs.join(","))?;
        if let Some(url) = &self.url {
            write!(f, " @ {url}")?;
            if self.marker.is_some() {
                f.write_str(" ")?;
            }
        }
        if let Some(m) = &self.marker {
            write!(f, "; {m}")?;
        }
        Ok(())
    }
}

/// `str(Specifier)`: the operator and the version with whitespace removed.
fn normal_specifier(s: &str) -> String {
    let op_len = if s.starts_with("===") {
        3
    } else if ["~=", "==", "!=", "<=", ">="]
        .iter()
        .any(|o| s.starts_with(o))
    {
        2
    } else {
        1
    };
    format!("{}{}", &s[..op_len], py_strip(&s[op_len..]))
}

/// packaging's `ParserSyntaxError`, formatted as `str()` formats it.
fn syntax_error(message: &str, source: &str, start: usize, end: usize) -> String {
    let cs = source[..start.min(source.len())].chars().count();
    let ce = source[..end.min(source.len())].chars().count();
    format!(
        "{message}\n    {source}\n    {}{}^",
        " ".repeat(cs),
        "~".repeat(ce.saturating_sub(cs))
    )
}

struct Tokens<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    /// The text a rule matches at the current position (Python's `pattern.match(src, pos)`).
    fn peek(&self, re: &Regex) -> Option<&'a str> {
        re.find_at(self.src, self.pos)
            .filter(|m| m.start() == self.pos)
            .map(|m| m.as_str())
    }
    fn literal(&self, s: &str) -> bool {
        self.src[self.pos..].starts_with(s)
    }
    fn take(&mut self, re: &Regex) -> Option<&'a str> {
        let t = self.peek(re)?;
        self.pos += t.len();
        Some(t)
    }
    fn take_literal(&mut self, s: &str) -> bool {
        let ok = self.literal(s);
        if ok {
            self.pos += s.len();
        }
        ok
    }
    fn ws(&mut self) {
        self.take(&patterns().ws);
    }
    /// Python's `$`: the end, or a newline that ends the text.
    fn at_end(&self) -> bool {
        self.pos == self.src.len() || (self.pos + 1 == self.src.len() && self.literal("\n"))
    }
    fn err<T>(&self, message: &str, start: Option<usize>, end: Option<usize>) -> Result<T, String> {
        Err(syntax_error(
            message,
            self.src,
            start.unwrap_or(self.pos),
            end.unwrap_or(self.pos),
        ))
    }
    fn expect(&mut self, re: &Regex, expected: &str) -> Result<&'a str, String> {
        match self.take(re) {
            Some(t) => Ok(t),
            None => self.err(&format!("Expected {expected}"), None, None),
        }
    }
    /// `enclosing_tokens`: runs `inner`, then requires the closing token if an opening one
    /// was consumed.
    fn enclosed<T>(
        &mut self,
        open: &str,
        close: &str,
        around: &str,
        inner: impl FnOnce(&mut Self) -> Result<T, String>,
    ) -> Result<T, String> {
        let open_at = self.pos;
        let opened = self.take_literal(open);
        let v = inner(self)?;
        if opened && !self.take_literal(close) {
            let (o, c) = (token_name(open), token_name(close));
            return self.err(
                &format!("Expected matching {c} for {o}, after {around}"),
                Some(open_at),
                None,
            );
        }
        Ok(v)
    }
}

fn token_name(t: &str) -> &'static str {
    match t {
        "(" => "LEFT_PARENTHESIS",
        ")" => "RIGHT_PARENTHESIS",
        "[" => "LEFT_BRACKET",
        _ => "RIGHT_BRACKET",
    }
}

/// packaging's `Marker(value)`: `Ok(str(marker))`, or `Err` with `str(InvalidMarker)`.
pub fn parse_marker(value: &str) -> Result<String, String> {
    let mut t = Tokens { src: value, pos: 0 };
    let m = marker(&mut t)?;
    if !t.at_end() {
        return t.err("Expected end of marker expression", None, None);
    }
    Ok(format_marker(&normalize_extras(m), true))
}

/// packaging's `Requirement(value)`: `Err` with `str(InvalidRequirement)` when it refuses it.
pub fn parse_requirement(value: &str) -> Result<Requirement, String> {
    let p = patterns();
    let mut t = Tokens { src: value, pos: 0 };
    t.ws();
    let name = t
        .expect(
            &p.identifier,
            "package name at the start of dependency specifier",
        )?
        .to_string();
    t.ws();
    let extras = if t.literal("[") {
        t.enclosed("[", "]", "extras", |t| {
            t.ws();
            let e = extras_list(t)?;
            t.ws();
            Ok(e)
        })?
    } else {
        Vec::new()
    };
    t.ws();
    let (url, specifier, marker) = details(&mut t)?;
    if !t.at_end() {
        return t.err("Expected end of dependency specifier", None, None);
    }
    specifier_set(&specifier).map_err(|e| e.to_string())?;
    Ok(Requirement {
        name,
        extras,
        specifier,
        url,
        marker: marker.map(|m| format_marker(&normalize_extras(m), true)),
    })
}

fn extras_list(t: &mut Tokens) -> Result<Vec<String>, String> {
    let p = patterns();
    let mut extras = Vec::new();
    let Some(first) = t.take(&p.identifier) else {
        return Ok(extras);
    };
    extras.push(first.to_string());
    loop {
        t.ws();
        if t.peek(&p.identifier).is_some() {
            return t.err("Expected comma between extra names", None, None);
        }
        if !t.take_literal(",") {
            break;
        }
        t.ws();
        extras.push(
            t.expect(&p.identifier, "extra name after comma")?
                .to_string(),
        );
    }
    Ok(extras)
}

type Details = (Option<String>, String, Option<Marker>);

fn details(t: &mut Tokens) -> Result<Details, String> {
    let p = patterns();
    if t.take_literal("@") {
        t.ws();
        let url_start = t.pos;
        let url = t.expect(&p.url, "URL after @")?.to_string();
        if t.at_end() {
            return Ok((Some(url), String::new(), None));
        }
        t.expect(&p.ws, "whitespace after URL")?;
        if t.at_end() {
            return Ok((Some(url), String::new(), None));
        }
        let m = requirement_marker(t, url_start, "semicolon (after URL and whitespace)")?;
        return Ok((Some(url), String::new(), Some(m)));
    }
    let start = t.pos;
    let spec = t.enclosed("(", ")", "version specifier", |t| {
        t.ws();
        let s = version_many(t)?;
        t.ws();
        Ok(s)
    })?;
    t.ws();
    if t.at_end() {
        return Ok((None, spec, None));
    }
    let expected = if spec.is_empty() {
        "semicolon (after name with no version specifier)"
    } else {
        "comma (within version specifier), semicolon (after version specifier)"
    };
    let m = requirement_marker(t, start, expected)?;
    Ok((None, spec, Some(m)))
}

fn requirement_marker(t: &mut Tokens, start: usize, expected: &str) -> Result<Marker, String> {
    if !t.take_literal(";") {
        return t.err(&format!("Expected {expected} or end"), Some(start), None);
    }
    let m = marker(t)?;
    t.ws();
    Ok(m)
}

fn version_many(t: &mut Tokens) -> Result<String, String> {
    let p = patterns();
    let mut out = String::new();
    while let Some(spec) = t.peek(&p.token_specifier) {
        let start = t.pos;
        t.pos += spec.len();
        out.push_str(spec);
        if t.peek(&p.prefix_trail).is_some() {
            return t.err(
                ".* suffix can only be used with `==` or `!=` operators",
                Some(start),
                Some(t.pos + 1),
            );
        }
        if t.peek(&p.local_trail).is_some() {
            return t.err(
                "Local version label can only be used with `==` or `!=` operators",
                Some(start),
                None,
            );
        }
        t.ws();
        if !t.take_literal(",") {
            break;
        }
        out.push(',');
        t.ws();
    }
    Ok(out)
}

/// A parsed marker: items `(left, op, right)`, nested groups and `and`/`or`.
#[derive(Debug, Clone)]
enum Marker {
    List(Vec<Marker>),
    Item(MarkerVar, String, MarkerVar),
    Bool(String),
}

#[derive(Debug, Clone)]
enum MarkerVar {
    Variable(String),
    Value(String),
}

fn marker(t: &mut Tokens) -> Result<Marker, String> {
    let p = patterns();
    let mut list = vec![marker_atom(t)?];
    while let Some(op) = t.take(&p.boolop) {
        list.push(Marker::Bool(op.to_string()));
        list.push(marker_atom(t)?);
    }
    Ok(Marker::List(list))
}

fn marker_atom(t: &mut Tokens) -> Result<Marker, String> {
    t.ws();
    let m = if t.literal("(") {
        t.enclosed("(", ")", "marker expression", |t| {
            t.ws();
            let m = marker(t)?;
            t.ws();
            Ok(m)
        })?
    } else {
        t.ws();
        let left = marker_var(t)?;
        t.ws();
        let op = marker_op(t)?;
        t.ws();
        let right = marker_var(t)?;
        t.ws();
        Marker::Item(left, op, right)
    };
    t.ws();
    Ok(m)
}

fn marker_var(t: &mut Tokens) -> Result<MarkerVar, String> {
    let p = patterns();
    if let Some(v) = t.take(&p.variable) {
        let v = v.replace('.', "_");
        let v = if v == "python_implementation" {
            "platform_python_implementation".to_string()
        } else {
            v
        };
        return Ok(MarkerVar::Variable(v));
    }
    if let Some(q) = t.take(&p.quoted) {
        return py_string_literal(q).map(MarkerVar::Value);
    }
    t.err("Expected a marker variable or quoted string", None, None)
}

fn marker_op(t: &mut Tokens) -> Result<String, String> {
    let p = patterns();
    if t.take(&p.in_).is_some() {
        return Ok("in".into());
    }
    if t.take(&p.not).is_some() {
        t.expect(&p.ws, "whitespace after 'not'")?;
        t.expect(&p.in_, "'in' after 'not'")?;
        return Ok("not in".into());
    }
    if let Some(op) = t.take(&p.op) {
        return Ok(op.to_string());
    }
    t.err(
        "Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in",
        None,
        None,
    )
}

/// `ast.literal_eval` of a quoted marker string (packaging's `process_python_str`): Python's
/// escapes are decoded; what Python cannot compile (a line break inside the quotes, a quote
/// escaped away, a bad `\x`/`\u`/`\N` escape, a NUL) is an error, as it is there (a
/// `SyntaxError` or `ValueError`, not `InvalidRequirement`, so PyPI fails the upload).
fn py_string_literal(token: &str) -> Result<String, String> {
    let unterminated =
        || Err("unterminated string literal (detected at line 1) (<unknown>, line 1)".to_string());
    let inner: Vec<char> = token[1..token.len() - 1].chars().collect();
    if inner.contains(&'\0') {
        return Err("source code string cannot contain null bytes".into());
    }
    let mut out = String::new();
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        if c == '\n' || c == '\r' {
            return unterminated();
        }
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let Some(&e) = inner.get(i + 1) else {
            return unterminated(); // the backslash escapes the closing quote
        };
        i += 2;
        let simple = match e {
            '\n' => Some(None),
            '\\' | '\'' | '"' => Some(Some(e)),
            'a' => Some(Some('\x07')),
            'b' => Some(Some('\x08')),
            'f' => Some(Some('\x0c')),
            'n' => Some(Some('\n')),
            'r' => Some(Some('\r')),
            't' => Some(Some('\t')),
            'v' => Some(Some('\x0b')),
            _ => None,
        };
        if let Some(ch) = simple {
            out.extend(ch);
            continue;
        }
        let hex = |n: usize, i: usize| -> Option<u32> {
            let digits: String = inner.get(i..i + n)?.iter().collect();
            if digits.chars().all(|d| d.is_ascii_hexdigit()) {
                u32::from_str_radix(&digits, 16).ok()
            } else {
                None
            }
        };
        match e {
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match inner.get(i).and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            i += 1;
                        }
                        None => break,
                    }
                }
                out.extend(char::from_u32(v));
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                match hex(n, i).and_then(char::from_u32) {
                    Some(ch) => {
                        out.push(ch);
                        i += n;
                    }
                    None => return Err(format!("(unicode error) 'unicodeescape' codec can't decode a \\{e} escape (<unknown>, line 1)")),
                }
            }
            'N' => return Err("(unicode error) 'unicodeescape' codec can't decode a \\N escape: Unicode names are not resolved by hoist (<unknown>, line 1)".into()),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// `_normalize_extra_values`: extra names in top-level items are canonicalised.
fn normalize_extras(m: Marker) -> Marker {
    let Marker::List(items) = m else { return m };
    let extra = |v: &MarkerVar| matches!(v, MarkerVar::Variable(n) if n == "extra");
    let text = |v: &MarkerVar| match v {
        MarkerVar::Variable(s) | MarkerVar::Value(s) => s.clone(),
    };
    // Whatever stands on the other side of `extra` becomes a value, canonicalised.
    Marker::List(
        items
            .into_iter()
            .map(|i| match i {
                Marker::Item(l, op, r) if extra(&l) => {
                    let v = MarkerVar::Value(canonicalize_name(&text(&r)));
                    Marker::Item(l, op, v)
                }
                Marker::Item(l, op, r) if extra(&r) => {
                    let v = MarkerVar::Value(canonicalize_name(&text(&l)));
                    Marker::Item(v, op, r)
                }
                other => other,
            })
            .collect(),
    )
}

/// `_format_marker`.
fn format_marker(m: &Marker, first: bool) -> String {
    match m {
        Marker::List(items) if items.len() == 1 && !matches!(items[0], Marker::Bool(_)) => {
            format_marker(&items[0], true)
        }
        Marker::List(items) => {
            let inner: Vec<String> = items.iter().map(|i| format_marker(i, false)).collect();
            if first {
                inner.join(" ")
            } else {
                format!("({})", inner.join(" "))
            }
        }
        Marker::Item(l, op, r) => {
            let s = |v: &MarkerVar| match v {
                MarkerVar::Variable(n) => n.clone(),
                MarkerVar::Value(v) => format!("\"{v}\""),
            };
            format!("{} {op} {}", s(l), s(r))
        }
        Marker::Bool(b) => b.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_specifiers() {
        assert!(is_valid_version("99999999999999999999.0"));
        assert!(is_valid_version(" v1.0.post1 "));
        assert!(!is_valid_version("1.0-"));
        assert!(specifier_set(">=3.6,").is_ok());
        assert!(specifier_set(">=3.9,,<4").is_ok());
        assert!(specifier_set("===foobar").is_ok());
        assert_eq!(
            specifier_set(">=3.x").unwrap_err(),
            "Invalid specifier: '>=3.x'"
        );
    }

    #[test]
    fn requirements() {
        for ok in [
            "numpy >=1.19,",
            "requests===foobar",
            "foo\n",
            "foo[b] @ https://x ; extra == 'A_b'",
        ] {
            assert!(parse_requirement(ok).is_ok(), "{ok}");
        }
        let r = parse_requirement("foo[b] @ https://x ; extra == 'A_b'").unwrap();
        assert_eq!(r.to_string(), "foo[b] @ https://x ; extra == \"a-b\"");
        assert_eq!(
            parse_requirement("foo bar").unwrap_err(),
            "Expected semicolon (after name with no version specifier) or end\n    foo bar\n        ^"
        );
    }
}
