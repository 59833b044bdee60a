//! The e-mail test PyPI applies to `Author-email` and `Maintainer-email`
//! (`warehouse/forklift/metadata.py`, `_validate_metadata`): the address that
//! `email.utils.parseaddr` extracts (Python 3.13, whose default is `strict=True`) is checked
//! with email-validator 2.3.0's `validate_email(address, check_deliverability=False)`; when
//! parseaddr extracts nothing, nothing is checked.
//!
//! [`parseaddr`] ports CPython's `email._parseaddr.AddrlistClass` and the strict wrapper of
//! `email.utils.parseaddr`. [`validate_email`] ports email-validator's `syntax.py` in its
//! order and wording. Both are exact for ASCII values; for non-ASCII characters Python's
//! Unicode tables (NFC normalisation, general categories, character names, IDNA 2008) are
//! approximated by Rust's `char` classes, which the README lists.

use crate::check::packaging::py_strip;

const SPECIALS: &str = "()<>@,:;.\"[]";
const LWS: &str = " \t";

/// The address CPython 3.13's `email.utils.parseaddr(value)` (strict) returns; empty when it
/// extracts none or more than one.
pub fn parseaddr(value: &str) -> String {
    let pre = if parentheses_balanced(value) {
        value.to_string()
    } else {
        "('', '')".to_string()
    };
    let mut p = AddrList {
        f: pre.chars().collect(),
        pos: 0,
        comments: Vec::new(),
    };
    let mut list: Vec<String> = Vec::new();
    while p.pos < p.f.len() {
        let got = p.address();
        if got.is_empty() {
            list.push(String::new());
        } else {
            list.extend(got);
        }
    }
    if list.len() != 1 {
        return String::new();
    }
    let a = list.remove(0);
    if a.contains('[') { String::new() } else { a }
}

/// `_iter_escaped_chars`: (position, char, escaped).
fn escaped_chars(s: &[char]) -> Vec<(usize, char, bool)> {
    let mut out = Vec::new();
    let mut escape = false;
    for (i, &c) in s.iter().enumerate() {
        if escape {
            out.push((i, c, true));
            escape = false;
        } else if c == '\\' {
            escape = true;
        } else {
            out.push((i, c, false));
        }
    }
    if escape {
        out.push((s.len().saturating_sub(1), '\\', true));
    }
    out
}

/// `_check_parenthesis` after `_strip_quoted_realnames`.
fn parentheses_balanced(addr: &str) -> bool {
    let chars: Vec<char> = addr.chars().collect();
    let stripped: Vec<char> = if addr.contains('"') {
        let (mut start, mut open, mut out) = (0usize, None::<usize>, Vec::new());
        for (pos, c, esc) in escaped_chars(&chars) {
            if c == '"' && !esc {
                match open {
                    None => open = Some(pos),
                    Some(o) => {
                        out.extend_from_slice(&chars[start..o]);
                        start = pos + 1;
                        open = None;
                    }
                }
            }
        }
        if start < chars.len() {
            out.extend_from_slice(&chars[start..]);
        }
        out
    } else {
        chars
    };
    let mut opens: i64 = 0;
    for (_, c, esc) in escaped_chars(&stripped) {
        if esc {
            continue;
        }
        if c == '(' {
            opens += 1;
        } else if c == ')' {
            opens -= 1;
            if opens < 0 {
                return false;
            }
        }
    }
    opens == 0
}

struct AddrList {
    f: Vec<char>,
    pos: usize,
    comments: Vec<String>,
}

impl AddrList {
    fn at(&self) -> Option<char> {
        self.f.get(self.pos).copied()
    }

    fn goto_next(&mut self) -> String {
        let mut ws = String::new();
        while let Some(c) = self.at() {
            if " \t\n\r".contains(c) {
                if !"\n\r".contains(c) {
                    ws.push(c);
                }
                self.pos += 1;
            } else if c == '(' {
                let c = self.delimited('(', ")\r", true);
                self.comments.push(c);
            } else {
                break;
            }
        }
        ws
    }

    /// `getaddress`: the addresses (only their addr-spec part) of one entry.
    fn address(&mut self) -> Vec<String> {
        self.comments.clear();
        self.goto_next();
        let oldpos = self.pos;
        let phrases = self.phrase_list();
        self.goto_next();
        let mut out = Vec::new();
        match self.at() {
            None => {
                if let Some(first) = phrases.first() {
                    out.push(first.clone());
                }
            }
            Some('.' | '@') => {
                self.pos = oldpos;
                out.push(self.addr_spec());
            }
            Some(':') => {
                self.pos += 1;
                while self.pos < self.f.len() {
                    self.goto_next();
                    if self.at() == Some(';') {
                        self.pos += 1;
                        break;
                    }
                    out.extend(self.address());
                }
            }
            Some('<') => out.push(self.route_addr()),
            Some(c) => {
                if let Some(first) = phrases.first() {
                    out.push(first.clone());
                } else if SPECIALS.contains(c) {
                    self.pos += 1;
                }
            }
        }
        self.goto_next();
        if self.at() == Some(',') {
            self.pos += 1;
        }
        out
    }

    fn route_addr(&mut self) -> String {
        let mut expect_route = false;
        self.pos += 1;
        self.goto_next();
        let mut addr = String::new();
        while let Some(c) = self.at() {
            if expect_route {
                self.domain();
                expect_route = false;
            } else if c == '>' {
                self.pos += 1;
                break;
            } else if c == '@' {
                self.pos += 1;
                expect_route = true;
            } else if c == ':' {
                self.pos += 1;
            } else {
                addr = self.addr_spec();
                self.pos += 1;
                break;
            }
            self.goto_next();
        }
        addr
    }

    fn addr_spec(&mut self) -> String {
        let mut parts: Vec<String> = Vec::new();
        self.goto_next();
        while let Some(c) = self.at() {
            let mut preserve_ws = true;
            if c == '.' {
                if parts.last().is_some_and(|l| py_strip(l).is_empty()) {
                    parts.pop();
                }
                parts.push(".".into());
                self.pos += 1;
                preserve_ws = false;
            } else if c == '"' {
                let q = self.delimited('"', "\"\r", false);
                parts.push(format!(
                    "\"{}\"",
                    q.replace('\\', "\\\\").replace('"', "\\\"")
                ));
            } else if SPECIALS.contains(c) || " \t\r\n".contains(c) {
                if parts.last().is_some_and(|l| py_strip(l).is_empty()) {
                    parts.pop();
                }
                break;
            } else {
                let a = self.atom(false);
                parts.push(a);
            }
            let ws = self.goto_next();
            if preserve_ws && !ws.is_empty() {
                parts.push(ws);
            }
        }
        if self.at() != Some('@') {
            return parts.concat();
        }
        parts.push("@".into());
        self.pos += 1;
        self.goto_next();
        let domain = self.domain();
        if domain.is_empty() {
            return String::new();
        }
        parts.concat() + &domain
    }

    fn domain(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.at() {
            if LWS.contains(c) {
                self.pos += 1;
            } else if c == '(' {
                let c = self.delimited('(', ")\r", true);
                self.comments.push(c);
            } else if c == '[' {
                let lit = self.delimited('[', "]\r", false);
                out.push_str(&format!("[{lit}]"));
            } else if c == '.' {
                self.pos += 1;
                out.push('.');
            } else if c == '@' {
                return String::new();
            } else if SPECIALS.contains(c) || " \t\r\n".contains(c) {
                break;
            } else {
                out.push_str(&self.atom(false));
            }
        }
        out
    }

    fn delimited(&mut self, begin: char, ends: &str, allow_comments: bool) -> String {
        if self.at() != Some(begin) {
            return String::new();
        }
        let mut out = String::new();
        let mut quote = false;
        self.pos += 1;
        while let Some(c) = self.at() {
            if quote {
                out.push(c);
                quote = false;
            } else if ends.contains(c) {
                self.pos += 1;
                break;
            } else if allow_comments && c == '(' {
                let inner = self.delimited('(', ")\r", true);
                out.push_str(&inner);
                continue;
            } else if c == '\\' {
                quote = true;
            } else {
                out.push(c);
            }
            self.pos += 1;
        }
        out
    }

    /// `getatom`; `phrase` uses the phrase ends (the atom ends without `.`).
    fn atom(&mut self, phrase: bool) -> String {
        let mut out = String::new();
        while let Some(c) = self.at() {
            let end = (SPECIALS.contains(c) && !(phrase && c == '.')) || " \t\r\n".contains(c);
            if end {
                break;
            }
            out.push(c);
            self.pos += 1;
        }
        out
    }

    fn phrase_list(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(c) = self.at() {
            if " \t\r\n".contains(c) {
                self.pos += 1;
            } else if c == '"' {
                out.push(self.delimited('"', "\"\r", false));
            } else if c == '(' {
                let c = self.delimited('(', ")\r", true);
                self.comments.push(c);
            } else if SPECIALS.contains(c) && c != '.' {
                break;
            } else {
                out.push(self.atom(true));
            }
        }
        out
    }
}

const ATEXT: &str = "!#$%&'*+-/=?^_`{|}~";
const SPECIAL_USE_DOMAINS: &[&str] = &["arpa", "invalid", "local", "localhost", "onion", "test"];

/// email-validator's `safe_character_display`: a letter, digit, punctuation or symbol as
/// its `repr`, anything else by its Unicode name (a table of the separators and format
/// characters that occur), or `U+XXXX` (control characters have no name).
fn display(c: char) -> String {
    if c == '\\' {
        return "\"\\\"".into();
    }
    if crate::pyrepr::is_printable(c) && c != ' ' {
        return crate::pyrepr::py_repr(&c.to_string());
    }
    let name = match u32::from(c) {
        0x20 => "SPACE",
        0xa0 => "NO-BREAK SPACE",
        0xad => "SOFT HYPHEN",
        0x1680 => "OGHAM SPACE MARK",
        0x2000 => "EN QUAD",
        0x2001 => "EM QUAD",
        0x2002 => "EN SPACE",
        0x2003 => "EM SPACE",
        0x2004 => "THREE-PER-EM SPACE",
        0x2005 => "FOUR-PER-EM SPACE",
        0x2006 => "SIX-PER-EM SPACE",
        0x2007 => "FIGURE SPACE",
        0x2008 => "PUNCTUATION SPACE",
        0x2009 => "THIN SPACE",
        0x200a => "HAIR SPACE",
        0x200b => "ZERO WIDTH SPACE",
        0x200c => "ZERO WIDTH NON-JOINER",
        0x200d => "ZERO WIDTH JOINER",
        0x200e => "LEFT-TO-RIGHT MARK",
        0x200f => "RIGHT-TO-LEFT MARK",
        0x2028 => "LINE SEPARATOR",
        0x2029 => "PARAGRAPH SEPARATOR",
        0x202f => "NARROW NO-BREAK SPACE",
        0x205f => "MEDIUM MATHEMATICAL SPACE",
        0x2060 => "WORD JOINER",
        0x3000 => "IDEOGRAPHIC SPACE",
        0xfeff => "ZERO WIDTH NO-BREAK SPACE",
        n => return format!("U+{n:04X}"),
    };
    name.into()
}

/// Unicode category Zs (space separators).
fn is_space_separator(c: char) -> bool {
    matches!(
        u32::from(c),
        0x20 | 0xa0 | 0x1680 | 0x2000..=0x200a | 0x202f | 0x205f | 0x3000
    )
}

fn bad_list(chars: impl Iterator<Item = char>) -> String {
    let mut shown: Vec<String> = chars.map(display).collect();
    shown.sort();
    shown.dedup();
    shown.join(", ")
}

fn is_atext(c: char, intl: bool) -> bool {
    c.is_ascii_alphanumeric() || ATEXT.contains(c) || (intl && !c.is_ascii())
}

/// `[atext]+(\.[atext]+)*`
fn is_dot_atom(s: &str, intl: bool) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| is_atext(c, intl)))
}

/// email-validator's `check_dot_atom`.
fn check_dot_atom(label: &str, start: &str, end: &str, hostname: bool) -> Result<(), String> {
    if label.ends_with('.') {
        return Err(end.replace("{}", "period"));
    }
    if label.starts_with('.') {
        return Err(start.replace("{}", "period"));
    }
    if label.contains("..") {
        return Err("An email address cannot have two periods in a row.".into());
    }
    if hostname {
        if label.ends_with('-') {
            return Err(end.replace("{}", "hyphen"));
        }
        if label.starts_with('-') {
            return Err(start.replace("{}", "hyphen"));
        }
        if label.contains(".-") || label.contains("-.") {
            return Err(
                "An email address cannot have a period and a hyphen next to each other.".into(),
            );
        }
    }
    Ok(())
}

/// email-validator's `check_unsafe_chars`: separators (spaces allowed where asked), control,
/// format and private-use characters.
fn check_unsafe(s: &str, allow_space: bool) -> Result<(), String> {
    let mut bad: Vec<char> = s
        .chars()
        .filter(|&c| {
            let safe = crate::pyrepr::is_printable(c) && c != ' ';
            let allowed_space = allow_space && is_space_separator(c);
            !(safe || allowed_space)
        })
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    bad.sort();
    bad.dedup();
    let shown: Vec<String> = bad.into_iter().map(display).collect();
    Err(format!(
        "The email address contains unsafe characters: {}.",
        shown.join(", ")
    ))
}

/// email-validator's `split_email` for PyPI's case: the local part (unquoted) and whether it
/// was quoted, and the domain part.
fn split_email(email: &str) -> Result<(Option<String>, String, String, bool), String> {
    let (left, right) = split_at_unquoted(email, &['@', '<'])?;
    let (display_name, local, domain) = if right.starts_with('<') {
        let left = left
            .trim_end_matches(crate::check::packaging::py_is_space)
            .to_string();
        let (name, quoted) = unquote(&left)?;
        if !quoted {
            let bad: Vec<char> = name
                .chars()
                .filter(|&c| c == '.' || (!is_atext(c, false) && c != ' '))
                .collect();
            if !bad.is_empty() {
                return Err(format!(
                    "The display name contains invalid characters when not quoted: {}.",
                    bad_list(bad.into_iter())
                ));
            }
        }
        check_unsafe(&name, true)?;
        if !right.contains('>') {
            return Err("An open angle bracket at the start of the email address has to be followed by a close angle bracket at the end.".into());
        }
        let r = right.trim_end_matches(' ');
        if !r.ends_with('>') {
            return Err("There can't be anything after the email address.".into());
        }
        let spec = r[1..].trim_end_matches('>');
        let (l, d) = split_at_unquoted(spec, &['@'])?;
        (Some(name), l, d)
    } else {
        (None, left, right)
    };
    let domain = domain.strip_prefix('@').unwrap_or(&domain).to_string();
    let (local, quoted) = unquote(&local)?;
    Ok((display_name, local, domain, quoted))
}

fn split_at_unquoted(text: &str, specials: &[char]) -> Result<(String, String), String> {
    let (mut inside, mut escaped) = (false, false);
    let mut cut = None;
    for (i, c) in text.char_indices() {
        if inside {
            if c == '\\' && !escaped {
                escaped = true;
            } else if c == '"' && !escaped {
                inside = false;
                escaped = false;
            } else {
                escaped = false;
            }
        } else if c == '"' {
            inside = true;
        } else if specials.contains(&c) {
            cut = Some(i);
            break;
        }
    }
    let Some(i) = cut else {
        if text.contains('\u{FF20}') {
            return Err("The email address has the \"full-width\" at-sign (@) character instead of a regular at-sign.".into());
        }
        if text.contains('\u{FE6B}') {
            return Err("The email address has the \"small commercial at\" character instead of a regular at-sign.".into());
        }
        return Err("An email address must have an @-sign.".into());
    };
    Ok((text[..i].to_string(), text[i..].to_string()))
}

fn unquote(text: &str) -> Result<(String, bool), String> {
    let (mut quoted, mut escaped) = (false, false);
    let mut value = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if quoted {
            if escaped {
                value.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                if i != chars.len() - 1 {
                    let rest: Vec<String> = chars[i + 1..].iter().map(|&c| display(c)).collect();
                    return Err(format!(
                        "Extra character(s) found after close quote: {}",
                        rest.join(", ")
                    ));
                }
                break;
            } else {
                value.push(c);
            }
        } else if i == 0 && c == '"' {
            quoted = true;
        } else {
            value.push(c);
        }
    }
    Ok((value, quoted))
}

fn validate_local(local: &str, quoted: bool) -> Result<(), String> {
    if local.is_empty() {
        return Err("There must be something before the @-sign.".into());
    }
    if is_dot_atom(local, false) {
        return Ok(());
    }
    let valid = if is_dot_atom(local, true) {
        Some(false)
    } else if quoted {
        let bad: Vec<char> = local
            .chars()
            .filter(|&c| u32::from(c) < 0x20 || c == '\u{7f}')
            .collect();
        if !bad.is_empty() {
            return Err(format!(
                "The email address contains invalid characters in quotes before the @-sign: {}.",
                bad_list(bad.into_iter())
            ));
        }
        Some(true)
    } else {
        None
    };
    if let Some(is_quoted) = valid {
        return check_unsafe(local, is_quoted);
    }
    let bad: Vec<char> = local
        .chars()
        .filter(|&c| !(c == '.' || is_atext(c, true)))
        .collect();
    if !bad.is_empty() {
        return Err(format!(
            "The email address contains invalid characters before the @-sign: {}.",
            bad_list(bad.into_iter())
        ));
    }
    check_dot_atom(
        local,
        "An email address cannot start with a {}.",
        "An email address cannot have a {} immediately before the @-sign.",
        false,
    )?;
    Err("The email address contains invalid characters before the @-sign.".into())
}

fn is_hostname_label(l: &str) -> bool {
    !l.is_empty()
        && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !l.starts_with('-')
        && !l.ends_with('-')
}

/// The part of UTS 46 mapping (`idna.uts46_remap`, std3 rules off, non-transitional) that
/// matters for the checks that follow: case folding, full-width forms, the long s, and the
/// ideographic full stops.
fn uts46_remap(domain: &str) -> String {
    let mut out = String::with_capacity(domain.len());
    for c in domain.chars() {
        match u32::from(c) {
            n @ 0xff01..=0xff5e => {
                out.extend(char::from_u32(n - 0xff01 + 0x21).map(|c| c.to_ascii_lowercase()));
            }
            0x3002 | 0xff61 => out.push('.'),
            0x17f => out.push('s'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn validate_domain(domain: &str) -> Result<(), String> {
    let hostname_char =
        |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.' || !c.is_ascii();
    let bad: Vec<char> = domain.chars().filter(|&c| !hostname_char(c)).collect();
    if !bad.is_empty() {
        return Err(format!(
            "The part after the @-sign contains invalid characters: {}.",
            bad_list(bad.into_iter())
        ));
    }
    check_unsafe(domain, false)?;
    let domain = uts46_remap(domain);
    let bad: Vec<char> = domain.chars().filter(|&c| !hostname_char(c)).collect();
    if !bad.is_empty() {
        return Err(format!(
            "The part after the @-sign contains invalid characters after Unicode normalization: {}.",
            bad_list(bad.into_iter())
        ));
    }
    check_dot_atom(
        &domain,
        "An email address cannot have a {} immediately after the @-sign.",
        "An email address cannot end with a {}.",
        true,
    )?;
    for label in domain.split('.') {
        let b: Vec<char> = label.chars().take(4).collect();
        if b.len() == 4 && b[2] == '-' && b[3] == '-' && !(b[0] == 'x' && b[1] == 'n') {
            return Err("An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode.".into());
        }
    }
    // Internationalised labels become A-labels (IDNA; the idna crate's UTS 46 processing
    // stands in for Python's idna package here).
    let ascii = if domain.split('.').all(is_hostname_label) {
        domain.clone()
    } else {
        idna::domain_to_ascii(&domain)
            .map_err(|e| format!("The part after the @-sign is invalid ({e:?})."))?
    };
    if ascii.len() > 253 {
        return Err(format!(
            "The email address is too long after the @-sign {}.",
            too_many(ascii.len() - 253)
        ));
    }
    if let Some(l) = ascii.split('.').find(|l| l.len() > 63) {
        return Err(format!(
            "After the @-sign, periods cannot be separated by so many characters {}.",
            too_many(l.len() - 63)
        ));
    }
    if !ascii.contains('.') {
        return Err("The part after the @-sign is not valid. It should have a period.".into());
    }
    if !ascii.ends_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(
            "The part after the @-sign is not valid. It is not within a valid top-level domain."
                .into(),
        );
    }
    if SPECIAL_USE_DOMAINS
        .iter()
        .any(|d| ascii == *d || ascii.ends_with(&format!(".{d}")))
    {
        return Err("The part after the @-sign is a special-use or reserved name that cannot be used with email.".into());
    }
    Ok(())
}

fn too_many(diff: usize) -> String {
    format!(
        "({diff} character{} too many)",
        if diff > 1 { "s" } else { "" }
    )
}

/// email-validator 2.3.0's `validate_email(address, check_deliverability=False)`: `Err` with
/// its message when it refuses the address.
pub fn validate_email(email: &str) -> Result<(), String> {
    let (display_name, local, domain, quoted) = split_email(email)?;
    validate_local(&local, quoted)?;
    if quoted {
        return Err("Quoting the part before the @-sign is not allowed here.".into());
    }
    if domain.is_empty() {
        return Err("There must be something after the @-sign.".into());
    }
    if domain.starts_with('[') && domain.ends_with(']') {
        validate_domain_literal(&domain[1..domain.len() - 1])?;
        return Err("A bracketed IP address after the @-sign is not allowed here.".into());
    }
    validate_domain(&domain)?;
    let original = format!("{local}@{domain}");
    let len = original.len();
    if len > 254 {
        let chars = original.chars().count();
        let diff = len - 254;
        let reason = if chars == len {
            too_many(diff)
        } else {
            let widest = original.chars().map(char::len_utf8).max().unwrap_or(1);
            let m = (diff / widest).max(1);
            let s = if diff > 1 { "s" } else { "" };
            if m == diff {
                format!("({diff} character{s} too many)")
            } else {
                format!("({m}-{diff} character{s} too many)")
            }
        };
        return Err(format!("The email address is too long {reason}."));
    }
    if display_name.is_some() {
        return Err(
            "A display name and angle brackets around the email address are not permitted here."
                .into(),
        );
    }
    Ok(())
}

fn validate_domain_literal(lit: &str) -> Result<(), String> {
    if !lit.is_empty() && lit.chars().all(|c| c.is_ascii_digit() || c == '.') {
        if lit.parse::<std::net::Ipv4Addr>().is_err() {
            return Err(format!(
                "The address in brackets after the @-sign is not valid: It is not an IPv4 address ({}) or is missing an address literal tag.",
                ipv4_error(lit)
            ));
        }
        return Ok(());
    }
    if let Some(v6) = lit.strip_prefix("IPv6:") {
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!(
                "The IPv6 address in brackets after the @-sign is not valid ({}).",
                "not a valid IPv6 address"
            ));
        }
        return Ok(());
    }
    if !lit.contains(':') {
        return Err("The part after the @-sign in brackets is not an IPv4 address and has no address literal tag.".into());
    }
    let bad: Vec<char> = lit
        .chars()
        .filter(|&c| !('\u{21}'..='\u{fa}').contains(&c))
        .collect();
    if !bad.is_empty() {
        return Err(format!(
            "The part after the @-sign contains invalid characters in brackets: {}.",
            bad_list(bad.into_iter())
        ));
    }
    Err("The part after the @-sign contains an invalid address literal tag in brackets.".into())
}

/// Python's `ipaddress.IPv4Address` message, for the common shapes.
fn ipv4_error(lit: &str) -> String {
    let parts: Vec<&str> = lit.split('.').collect();
    if parts.len() != 4 {
        return format!("Expected 4 octets in {lit:?}").replace('"', "'");
    }
    for p in parts {
        if p.is_empty() {
            return format!("Empty octet not permitted in '{lit}'");
        }
        if p.len() > 3 {
            return format!("At most 3 characters permitted in '{p}' in '{lit}'");
        }
        if p.len() > 1 && p.starts_with('0') {
            return format!("Leading zeros are not permitted in '{p}' in '{lit}'");
        }
        if p.parse::<u32>().is_ok_and(|v| v > 255) {
            return format!("Octet {p} (> 255) not permitted in '{lit}'");
        }
    }
    format!("invalid address '{lit}'")
}

/// PyPI's verdict on an `Author-email` / `Maintainer-email` value: `Some((address, message))`
/// when it refuses it.
pub fn email_problem(value: &str) -> Option<(String, String)> {
    let address = parseaddr(value);
    if address.is_empty() {
        return None;
    }
    validate_email(&address).err().map(|m| (address, m))
}

#[cfg(test)]
mod tests {
    use super::{email_problem, parseaddr};

    #[test]
    fn parseaddr_as_python_313() {
        assert_eq!(parseaddr("Jane <jane@example.com>"), "jane@example.com");
        assert_eq!(parseaddr("mailto:jane@example.com"), "jane@example.com");
        assert_eq!(
            parseaddr("attr: demo_pkg.__author_email__"),
            "demo_pkg.__author_email__"
        );
        assert_eq!(parseaddr("a@b.c, d@e.f"), "");
        assert_eq!(parseaddr("jane doe@example.com"), "jane doe@example.com");
    }

    #[test]
    fn the_issue_examples() {
        let refused = |v: &str| email_problem(v).map(|(_, m)| m);
        assert_eq!(
            refused("YOUR_EMAIL_ADDRESS_HERE").as_deref(),
            Some("An email address must have an @-sign.")
        );
        assert_eq!(
            refused("jane@127.0.0.1").as_deref(),
            Some(
                "The part after the @-sign is not valid. It is not within a valid top-level domain."
            )
        );
        assert_eq!(
            refused("@example.com").as_deref(),
            Some("There must be something before the @-sign.")
        );
        assert_eq!(
            refused("jane doe@example.com").as_deref(),
            Some("The email address contains invalid characters before the @-sign: SPACE.")
        );
        assert_eq!(refused("mailto:jane@example.com"), None);
    }
}
