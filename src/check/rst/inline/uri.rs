//! Standalone URIs and e-mail addresses: docutils' `Inliner.patterns.uri` and `email`
//! (`docutils/parsers/rst/states.py`, `Inliner.init_customizations`), matched the way Python's
//! backtracking regex engine does (greedy, first success wins), and `Inliner.implicit_inline`.

use super::super::chars::{is_delimiter, is_opener, is_space};
use super::super::node::{Element, Node};
use super::{end_suffix, text_of, unescape};

/// docutils' `urischemes.schemes` (`docutils/utils/urischemes.py`): the schemes a standalone
/// URI may have.
const SCHEMES: &[&str] = &[
    "about",
    "acap",
    "addbook",
    "afp",
    "afs",
    "aim",
    "callto",
    "castanet",
    "chttp",
    "cid",
    "crid",
    "data",
    "dav",
    "dict",
    "dns",
    "eid",
    "fax",
    "feed",
    "file",
    "finger",
    "freenet",
    "ftp",
    "go",
    "gopher",
    "gsm-sms",
    "h323",
    "h324",
    "hdl",
    "hnews",
    "http",
    "https",
    "hydra",
    "iioploc",
    "ilu",
    "im",
    "imap",
    "info",
    "ior",
    "ipp",
    "irc",
    "iris.beep",
    "iseek",
    "jar",
    "javascript",
    "jdbc",
    "ldap",
    "lifn",
    "livescript",
    "lrq",
    "mailbox",
    "mailserver",
    "mailto",
    "md5",
    "mid",
    "mocha",
    "modem",
    "mtqp",
    "mupdate",
    "news",
    "nfs",
    "nntp",
    "opaquelocktoken",
    "phone",
    "pop",
    "pop3",
    "pres",
    "printer",
    "prospero",
    "rdar",
    "res",
    "rtsp",
    "rvp",
    "rwhois",
    "rx",
    "sdp",
    "service",
    "shttp",
    "sip",
    "sips",
    "smb",
    "snews",
    "snmp",
    "soap.beep",
    "soap.beeps",
    "ssh",
    "t120",
    "tag",
    "tcp",
    "tel",
    "telephone",
    "telnet",
    "tftp",
    "tip",
    "tn3270",
    "tv",
    "urn",
    "uuid",
    "vemmi",
    "videotex",
    "view-source",
    "wais",
    "whodp",
    "whois++",
    "x-man-page",
    "xmlrpc.beep",
    "xmlrpc.beeps",
    "z39.50r",
    "z39.50s",
];

/// `uric`: a URI character (`\x00` allows backslash escapes).
fn uric(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.!~*'()[];/:@&=+$,%\0".contains(c)
}

/// `urilast`: a URI's last character when no `>` follows.
fn urilast(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_~*/=+".contains(c)
}

/// `emailc`: an e-mail address character.
fn emailc(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_!~*'{|}/#?^`&=+$%\0".contains(c)
}

/// `uri_end` at `k`: `urilast`, or `uric` followed by `>`.
fn uri_end_at(t: &[char], k: usize) -> bool {
    match t.get(k) {
        Some(&c) => urilast(c) || (uric(c) && t.get(k + 1) == Some(&'>')),
        None => false,
    }
}

/// Ends of `uric* uri_end` from `o`, in the order the regex engine tries them.
fn uric_run_ends(t: &[char], o: usize) -> impl Iterator<Item = usize> + '_ {
    let mut m = o;
    while t.get(m).is_some_and(|&c| uric(c)) {
        m += 1;
    }
    (o..m)
        .rev()
        .filter(move |&k| uri_end_at(t, k))
        .map(|k| k + 1)
}

/// Ends of an optional `\X uric* uri_end` part at `e`: with the part first, then without.
fn optional_part(t: &[char], e: usize, mark: char) -> Vec<usize> {
    let mut ends: Vec<usize> = if t.get(e) == Some(&mark) {
        uric_run_ends(t, e + 1).collect()
    } else {
        Vec::new()
    };
    ends.push(e);
    ends
}

/// The `absolute` alternative at `p`: (end, scheme end).
fn absolute_at(t: &[char], p: usize, accept: &dyn Fn(usize) -> bool) -> Option<(usize, usize)> {
    if !t.get(p).is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut i = p + 1;
    while t
        .get(i)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
    {
        i += 1;
    }
    if t.get(i) != Some(&':') {
        return None;
    }
    let o0 = i + 1;
    let mut starts = Vec::with_capacity(3);
    if t.get(o0) == Some(&'/') {
        if t.get(o0 + 1) == Some(&'/') {
            starts.push(o0 + 2);
        }
        starts.push(o0 + 1);
    }
    starts.push(o0);
    for o in starts {
        for e1 in uric_run_ends(t, o) {
            for e2 in optional_part(t, e1, '?') {
                for e3 in optional_part(t, e2, '#') {
                    if accept(e3) {
                        return Some((e3, i));
                    }
                }
            }
        }
    }
    None
}

/// The `email` pattern at `p`: its end.
fn email_at(t: &[char], p: usize, accept: &dyn Fn(usize) -> bool) -> Option<usize> {
    let mut j = p;
    loop {
        let run = j;
        while t.get(j).is_some_and(|&c| emailc(c)) {
            j += 1;
        }
        if j == run {
            return None;
        }
        if t.get(j) == Some(&'.') && t.get(j + 1).is_some_and(|&c| emailc(c)) {
            j += 1;
            continue;
        }
        break;
    }
    if t.get(j) != Some(&'@') || j.checked_sub(1).and_then(|b| t.get(b)) == Some(&'\0') {
        return None;
    }
    let h = j + 1;
    if !t.get(h).is_some_and(|&c| emailc(c)) {
        return None;
    }
    let mut m = h;
    while t.get(m).is_some_and(|&c| emailc(c) || c == '.') {
        m += 1;
    }
    (h + 1..=m)
        .rev()
        .find(|&k| uri_end_at(t, k) && accept(k + 1))
        .map(|k| k + 1)
}

/// A standalone URI found in `t`: (start, end, scheme end if absolute).
struct UriMatch {
    start: usize,
    end: usize,
    scheme_end: Option<usize>,
}

/// `patterns.uri` at `p` (start-string prefix checked by the caller).
fn uri_at(t: &[char], p: usize) -> Option<UriMatch> {
    let accept = |e: usize| end_suffix(t, e);
    if let Some((end, scheme_end)) = absolute_at(t, p, &accept) {
        return Some(UriMatch {
            start: p,
            end,
            scheme_end: Some(scheme_end),
        });
    }
    email_at(t, p, &accept).map(|end| UriMatch {
        start: p,
        end,
        scheme_end: None,
    })
}

/// `patterns.uri.search`: the leftmost match.
fn search(t: &[char]) -> Option<UriMatch> {
    (0..t.len())
        .filter(|&p| {
            p == 0 || {
                let b = t[p - 1];
                is_space(b) || is_opener(b) || is_delimiter(b)
            }
        })
        .find_map(|p| uri_at(t, p))
}

/// `patterns.uri.match(s)`: does `s` start with a URI or an e-mail address (a phrase
/// reference's alias that ends in `_` is then a URI, not a reference name)?
pub(super) fn starts_with_uri(s: &[char]) -> bool {
    uri_at(s, 0).is_some()
}

/// `patterns.email.match(s)`: is `s` one e-mail address (`adjust_uri` adds `mailto:`)?
pub(super) fn is_email(s: &[char]) -> bool {
    email_at(s, 0, &|e| e == s.len()).is_some()
}

/// `Inliner.implicit_inline`: text with its standalone URIs and e-mail addresses as
/// references. As docutils, a URI with an unknown scheme leaves the whole rest as text.
pub(super) fn implicit_inline(t: &[char], out: &mut Vec<Node>) {
    implicit_depth(t, out, 0);
}

fn implicit_depth(t: &[char], out: &mut Vec<Node>, depth: usize) {
    let mut rest = t;
    while !rest.is_empty() {
        let found = if depth < 32 { search(rest) } else { None };
        let Some(m) = found else {
            out.push(Node::text(text_of(rest)));
            return;
        };
        let whole = &rest[m.start..m.end];
        let scheme_ok = m.scheme_end.is_none_or(|e| {
            let scheme: String = rest[m.start..e].iter().collect();
            SCHEMES.contains(&scheme.to_lowercase().as_str())
        });
        if !scheme_ok {
            out.push(Node::text(text_of(rest)));
            return;
        }
        implicit_depth(&rest[..m.start], out, depth + 1);
        let mailto = if m.scheme_end.is_none() {
            "mailto:"
        } else {
            ""
        };
        let mut r = Element::new("reference");
        r.set("refuri", format!("{mailto}{}", unescape(whole)));
        r.children.push(Node::text(text_of(whole)));
        out.push(r.into());
        rest = &rest[m.end..];
    }
}
