//! The URL test PyPI applies to `Home-page`, `Download-URL` and each `Project-URL`:
//! Warehouse's `warehouse.utils.http.is_valid_uri` (with `require_authority=False`), which
//! parses the value with rfc3986 2.0.0's `uri_reference`, normalises it (`.normalize()`), then
//! validates the normalised reference.
//!
//! The steps, in rfc3986's order (rfc3986 `uri.py`, `normalizers.py`, `validators.py`,
//! `abnf_regexp.py`, `misc.py`):
//! 1. Split into scheme, authority, path, query and fragment with rfc3986's splitting pattern.
//!    Path, query and fragment are percent-encoded: every byte of their UTF-8 that is neither
//!    reserved nor unreserved becomes `%XX`, and so does every `%` unless each `%` in the
//!    component already starts a valid `%XX`. So a space, `|` or `é` in a path is accepted.
//! 2. Normalise: the scheme is lower-cased; the authority is split into userinfo, host and
//!    port, and an authority that does not split (or whose dotted-quad host has a byte over
//!    255) is dropped entirely; an empty port is dropped; the path loses its dot segments.
//! 3. Validate: a scheme is required and must be `http` or `https`; host, port (at most
//!    65535), path and query must match their RFC 3986 grammar. The fragment is not checked.
//!
//! The patterns below are rfc3986's, compiled with the `regex` crate; Python's `$` (which also
//! matches before a final newline) is written `\n?\z`.

use std::sync::OnceLock;

use regex::Regex;

const UNRESERVED_RE: &str = r"A-Za-z0-9._~\-";
const SUB_DELIMITERS_RE: &str = r"!$&'()\*+,;=";
const PCT_ENCODED: &str = "%[A-Fa-f0-9]{2}";
/// Python's `$` without MULTILINE: the end, or just before a newline that ends the text.
const PY_END: &str = r"\n?\z";

struct Patterns {
    split: Regex,
    subauthority: Regex,
    ipv4: Regex,
    ipv6_rfc4007: Regex,
    ipv6_no_rfc4007: Regex,
    host: Regex,
    path: Regex,
    query: Regex,
    percent: Regex,
}

fn ipv6_re() -> String {
    let hex = "[0-9A-Fa-f]{1,4}";
    let ipv4 = r"([0-9]{1,3}\.){3}[0-9]{1,3}";
    let ls32 = format!("({hex}:{hex}|{ipv4})");
    let variations = [
        format!("({hex}:){{6}}{ls32}"),
        format!("::({hex}:){{5}}{ls32}"),
        format!("({hex})?::({hex}:){{4}}{ls32}"),
        format!("(({hex}:)?{hex})?::({hex}:){{3}}{ls32}"),
        format!("(({hex}:){{0,2}}{hex})?::({hex}:){{2}}{ls32}"),
        format!("(({hex}:){{0,3}}{hex})?::{hex}:{ls32}"),
        format!("(({hex}:){{0,4}}{hex})?::{ls32}"),
        format!("(({hex}:){{0,5}}{hex})?::{hex}"),
        format!("(({hex}:){{0,6}}{hex})?::"),
    ];
    let joined: Vec<String> = variations.iter().map(|v| format!("({v})")).collect();
    format!("({})", joined.join("|"))
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("rfc3986 pattern compiles");
        let reg_name = format!("((?:%[0-9A-Fa-f]{{2}}|[{SUB_DELIMITERS_RE}{UNRESERVED_RE}])*)");
        let ipv4 = r"([0-9]{1,3}\.){3}[0-9]{1,3}";
        let ipv6 = ipv6_re();
        let zone_id = format!("(?:[{UNRESERVED_RE}]|{PCT_ENCODED})+");
        let ipv6_rfc4007 = format!("{ipv6}(?:(?:%25|%){zone_id})?");
        let ipv6_addrz = format!("{ipv6}(?:%25{zone_id})?");
        let ipv_future = format!(r"v[0-9A-Fa-f]+\.[{UNRESERVED_RE}{SUB_DELIMITERS_RE}:]+");
        let ip_literal = format!(r"\[({ipv6_rfc4007}|{ipv_future})\]");
        let host = format!("({reg_name}|{ipv4}|{ip_literal})");
        let userinfo = format!("^([{UNRESERVED_RE}{SUB_DELIMITERS_RE}:]|{PCT_ENCODED})+");
        let pchar = format!("([{UNRESERVED_RE}{SUB_DELIMITERS_RE}:@]|{PCT_ENCODED})");
        let pchar_nc = pchar.replace(':', "");
        let segment = format!("{pchar}*");
        let segment_nz = format!("{pchar}+");
        let segment_nz_nc = format!("{pchar_nc}+");
        let rootless = format!("{segment_nz}(/{segment})*");
        let noscheme = format!("{segment_nz_nc}(/{segment})*");
        let absolute = format!("/({rootless})?");
        let abempty = format!("(/{segment})*");
        let path = format!("^({abempty}|{absolute}|{noscheme}|{rootless}|^{PY_END}){PY_END}");
        let query = format!("^([/?:@{UNRESERVED_RE}{SUB_DELIMITERS_RE}]|{PCT_ENCODED})*{PY_END}");
        Patterns {
            split: re(concat!(
                r"^(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*):)?(?://(?P<authority>[^\\/?#]*))?",
                r"(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?"
            )),
            subauthority: re(&format!(
                "^(?:(?P<userinfo>{userinfo})@)?(?P<host>{host}):?(?P<port>[0-9]{{1,5}})?{PY_END}"
            )),
            ipv4: re(&format!("^{ipv4}{PY_END}")),
            ipv6_rfc4007: re(&format!(r"^\[{ipv6_rfc4007}\]{PY_END}")),
            ipv6_no_rfc4007: re(&format!(r"^\[{ipv6_addrz}\]{PY_END}")),
            host: re(&format!("^{host}{PY_END}")),
            path: re(&path),
            query: re(&query),
            percent: re(PCT_ENCODED),
        }
    })
}

/// rfc3986's `encode_component` with UTF-8: percent-encodes what may not appear.
fn encode_component(component: &str) -> String {
    let p = patterns();
    let valid_escapes = p.percent.find_iter(component).count();
    let all_escaped = valid_escapes == component.bytes().filter(|b| *b == b'%').count();
    let mut out = String::with_capacity(component.len());
    for b in component.bytes() {
        let keep = (all_escaped && b == b'%')
            || (b.is_ascii()
                && (b.is_ascii_alphanumeric() || b":/?#[]@!$&'()*+,;=._-~".contains(&b)));
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// rfc3986's `remove_dot_segments` (RFC 3986 section 5.2.4, as rfc3986 writes it).
fn remove_dot_segments(s: &str) -> String {
    let mut output: Vec<&str> = Vec::new();
    for segment in s.split('/') {
        match segment {
            "." => {}
            ".." => {
                output.pop();
            }
            other => output.push(other),
        }
    }
    if s.starts_with('/') && output.first().is_none_or(|f| !f.is_empty()) {
        output.insert(0, "");
    }
    if s.ends_with("/.") || s.ends_with("/..") {
        output.push("");
    }
    output.join("/")
}

/// The parts of an authority (`URIMixin.authority_info`), or `None` where rfc3986 raises
/// `InvalidAuthority`: the authority does not match, or its dotted-quad host has a byte over
/// 255.
fn authority_info(authority: &str) -> Option<(Option<String>, Option<String>, Option<String>)> {
    let p = patterns();
    let caps = p.subauthority.captures(authority)?;
    let get = |n: &str| caps.name(n).map(|m| m.as_str().to_string());
    let host = get("host");
    if let Some(h) = &host
        && !h.is_empty()
        && p.ipv4.is_match(h)
        && !valid_ipv4(h)
    {
        return None;
    }
    Some((get("userinfo"), host, get("port")))
}

/// `valid_ipv4_host_address`: every dotted byte at most 255 (Python's `int` ignores
/// surrounding whitespace, so a final newline is harmless).
fn valid_ipv4(host: &str) -> bool {
    host.trim_end_matches('\n')
        .split('.')
        .all(|b| b.trim().parse::<u32>().is_ok_and(|v| v <= 255))
}

/// `normalize_host`: lower-case, and `%` before an IPv6 zone written as `%25`.
fn normalize_host(host: &str) -> String {
    if patterns().ipv6_rfc4007.is_match(host)
        && let Some(percent) = host.find('%')
    {
        let percent_25 = host.find("%25");
        let host = match percent_25 {
            Some(p25) if percent >= p25 && !(percent == p25 && p25 + 4 == host.len()) => {
                host.to_string()
            }
            _ => host.replacen('%', "%25", 1),
        };
        return format!("{}{}", host[..percent].to_lowercase(), &host[percent..]);
    }
    host.to_lowercase()
}

/// The normalised authority (`normalize_authority`), `None` when it comes out empty.
fn normalize_authority(authority: Option<&str>) -> Option<String> {
    let (userinfo, host, port) = match authority.filter(|a| !a.is_empty()) {
        Some(a) => authority_info(a).unwrap_or((None, None, None)),
        None => (None, None, None),
    };
    let mut result = String::new();
    if let Some(u) = userinfo.filter(|u| !u.is_empty()) {
        result.push_str(&u);
        result.push('@');
    }
    if let Some(h) = host.filter(|h| !h.is_empty()) {
        result.push_str(&normalize_host(&h));
    }
    if let Some(p) = port.filter(|p| !p.is_empty()) {
        result.push(':');
        result.push_str(&p);
    }
    (!result.is_empty()).then_some(result)
}

/// Whether PyPI accepts `uri` as a URL, as Warehouse's `is_valid_uri(uri,
/// require_authority=...)` decides it with rfc3986 2.0.0 (allowed schemes `http` and `https`).
pub fn is_valid_uri(uri: &str, require_authority: bool) -> bool {
    let p = patterns();
    let Some(caps) = p.split.captures(uri) else {
        return false;
    };
    let group = |n: &str| caps.name(n).map(|m| m.as_str());
    let scheme = group("scheme")
        .map(str::to_ascii_lowercase)
        .filter(|s| !s.is_empty());
    let authority = normalize_authority(group("authority"));
    let path = group("path")
        .map(encode_component)
        .map(|s| remove_dot_segments(&s))
        .filter(|s| !s.is_empty());
    let query = group("query").map(encode_component);
    // Required components: the scheme, and the host when asked.
    let info = match authority.as_deref() {
        Some(a) => authority_info(a),
        None => Some((None, None, None)),
    };
    if scheme.is_none() {
        return false;
    }
    if require_authority && info.as_ref().is_none_or(|(_, h, _)| h.is_none()) {
        return false;
    }
    // Validity of host and port (via the authority), path and query.
    let Some((_, host, port)) = info else {
        return false;
    };
    if let Some(h) = &host {
        let ok = if !p.host.is_match(h) {
            false
        } else if p.ipv4.is_match(h) {
            valid_ipv4(h)
        } else if p.ipv6_rfc4007.is_match(h) {
            p.ipv6_no_rfc4007.is_match(h)
        } else {
            true
        };
        if !ok {
            return false;
        }
    }
    if let Some(port) = &port
        && port.trim().parse::<u32>().is_ok_and(|v| v > 65535)
    {
        return false;
    }
    if path.as_deref().is_some_and(|s| !p.path.is_match(s)) {
        return false;
    }
    if query.as_deref().is_some_and(|s| !p.query.is_match(s)) {
        return false;
    }
    matches!(scheme.as_deref(), Some("http" | "https"))
}

#[cfg(test)]
mod tests {
    use super::is_valid_uri;

    #[test]
    fn verdicts_rfc3986_gives() {
        for ok in [
            "https://github.com/example/demo-pkg/blob/main/docs/Release Notes.md",
            "https://example.com/a|b",
            "https://example.com/#frag ment[]",
            "HTTP://Example.COM",
            "https://exa mple.com/",
            "http://999.1.1.1/",
            "https://example.com:/",
            "https://[fe80::1%eth0]/",
            "http:relative",
        ] {
            assert!(is_valid_uri(ok, false), "{ok}");
        }
        for bad in [
            "https://example.com:65536/",
            "ftp://example.com/",
            "example.com",
            "https://example.com/a[b]",
            "https://example.com/?q=[x]",
            "",
        ] {
            assert!(!is_valid_uri(bad, false), "{bad}");
        }
    }
}
