//! Standalone URIs and e-mail addresses: docutils' `Inliner.patterns.uri` and `email`
//! (`docutils/parsers/rst/states.py`, `Inliner.init_customizations`), matched the way Python's
//! backtracking regex engine does (greedy, first success wins), and `Inliner.implicit_inline`.

use std::collections::HashMap;

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

/// `(//?)? uric* uri_end (\? uric* uri_end)? (\# uric* uri_end)?` after a scheme's `:` at
/// `colon`, ending where `accept` says: the end.
fn absolute_tail(t: &[char], colon: usize, accept: &dyn Fn(usize) -> bool) -> Option<usize> {
    let o0 = colon + 1;
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
                        return Some(e3);
                    }
                }
            }
        }
    }
    None
}

/// An e-mail address's `(?<!\x00)@` and host part from `at`, ending where `accept` says.
fn email_host(t: &[char], at: usize, accept: &dyn Fn(usize) -> bool) -> Option<usize> {
    if t.get(at) != Some(&'@') || at.checked_sub(1).and_then(|b| t.get(b)) == Some(&'\0') {
        return None;
    }
    let h = at + 1;
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

/// Where a run of `class` characters starting at each position ends.
fn run_ends(t: &[char], class: impl Fn(char) -> bool) -> Vec<usize> {
    let mut ends = vec![0; t.len()];
    let mut end = t.len();
    for i in (0..t.len()).rev() {
        if !class(t[i]) {
            end = i;
        }
        ends[i] = if class(t[i]) { end } else { i };
    }
    ends
}

/// A standalone URI found in a text: its start and end, and its scheme's end if absolute.
struct UriMatch {
    start: usize,
    end: usize,
    scheme_end: Option<usize>,
}

/// `patterns.uri` over one text, answering the same sub-questions once (the part after a
/// given `:` or `@` does not depend on where the match started), so a search is not
/// quadratic on long runs of delimiters.
struct Searcher<'a> {
    t: &'a [char],
    scheme_run: Vec<usize>,
    /// End of the `emailc+(?:\.emailc+)*` chain starting at each position.
    name_end: Vec<usize>,
    tails: HashMap<usize, Option<usize>>,
    hosts: HashMap<usize, Option<usize>>,
}

impl<'a> Searcher<'a> {
    fn new(t: &'a [char]) -> Self {
        let scheme_run = run_ends(t, |c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-')
        });
        let email_run = run_ends(t, emailc);
        let mut name_end = vec![0; t.len()];
        for p in (0..t.len()).rev() {
            let r = email_run[p];
            let chained = t.get(r) == Some(&'.') && t.get(r + 1).is_some_and(|&c| emailc(c));
            name_end[p] = if chained {
                name_end.get(r + 1).copied().unwrap_or(r)
            } else {
                r
            };
        }
        Searcher {
            t,
            scheme_run,
            name_end,
            tails: HashMap::new(),
            hosts: HashMap::new(),
        }
    }

    /// `patterns.uri` at `p` (start-string prefix checked by the caller).
    fn at(&mut self, p: usize) -> Option<UriMatch> {
        let t = self.t;
        let accept = |e: usize| end_suffix(t, e);
        let first = *t.get(p)?;
        if first.is_ascii_alphabetic() {
            let colon = self.scheme_run[p];
            if t.get(colon) == Some(&':') {
                let end = *self
                    .tails
                    .entry(colon)
                    .or_insert_with(|| absolute_tail(t, colon, &accept));
                if let Some(end) = end {
                    return Some(UriMatch {
                        start: p,
                        end,
                        scheme_end: Some(colon),
                    });
                }
            }
        }
        if !emailc(first) {
            return None;
        }
        let at = self.name_end[p];
        let end = *self
            .hosts
            .entry(at)
            .or_insert_with(|| email_host(t, at, &accept));
        end.map(|end| UriMatch {
            start: p,
            end,
            scheme_end: None,
        })
    }

    /// `patterns.uri.search` from `from` (where `^` matches): the leftmost match.
    fn search(&mut self, from: usize) -> Option<UriMatch> {
        let t = self.t;
        (from..t.len())
            .filter(|&p| {
                p == from || {
                    let b = t[p - 1];
                    is_space(b) || is_opener(b) || is_delimiter(b)
                }
            })
            .find_map(|p| self.at(p))
    }
}

/// `patterns.uri.match(s)`: does `s` start with a URI or an e-mail address (a phrase
/// reference's alias that ends in `_` is then a URI, not a reference name)?
pub(super) fn starts_with_uri(s: &[char]) -> bool {
    Searcher::new(s).at(0).is_some()
}

/// `patterns.email.match(s)`: is `s` one e-mail address (`adjust_uri` adds `mailto:`)?
pub(super) fn is_email(s: &[char]) -> bool {
    s.first().is_some_and(|&c| emailc(c)) && {
        let at = Searcher::new(s).name_end[0];
        email_host(s, at, &|e| e == s.len()).is_some()
    }
}

/// `Inliner.implicit_inline`: text with its standalone URIs and e-mail addresses as
/// references. As docutils, a URI with an unknown scheme leaves the whole rest as text.
pub(super) fn implicit_inline(t: &[char], out: &mut Vec<Node>) {
    implicit_depth(t, out, 0);
}

fn implicit_depth(t: &[char], out: &mut Vec<Node>, depth: usize) {
    let mut searcher = Searcher::new(t);
    let mut from = 0;
    while from < t.len() {
        let found = if depth < 32 {
            searcher.search(from)
        } else {
            None
        };
        let Some(m) = found else {
            out.push(Node::text(text_of(&t[from..])));
            return;
        };
        let scheme_ok = m.scheme_end.is_none_or(|e| {
            let scheme: String = t[m.start..e].iter().collect();
            SCHEMES.contains(&scheme.to_lowercase().as_str())
        });
        if !scheme_ok {
            out.push(Node::text(text_of(&t[from..])));
            return;
        }
        implicit_depth(&t[from..m.start], out, depth + 1);
        let whole = &t[m.start..m.end];
        let mailto = if m.scheme_end.is_none() {
            "mailto:"
        } else {
            ""
        };
        let mut r = Element::new("reference");
        r.set("refuri", format!("{mailto}{}", unescape(whole)));
        r.children.push(Node::text(text_of(whole)));
        out.push(r.into());
        from = m.end;
    }
}
