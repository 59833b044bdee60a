//! The two address validators PyPI applies to metadata: URLs (`rfc3986`, http and https only,
//! no host required) and email addresses (the address `email.utils.parseaddr` extracts,
//! checked with `email-validator`'s syntax rules and wording, without any DNS lookup).
//!
//! These are focused re-implementations of the cases that occur in metadata, not complete
//! RFC 3986 and RFC 5322 parsers; the README lists what they do not cover.

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~".contains(c) || !c.is_ascii()
}
fn is_sub_delim(c: char) -> bool {
    "!$&'()*+,;=".contains(c)
}

/// Checks percent-encodings and the allowed characters of one component.
fn component_ok(s: &str, extra: &str) -> bool {
    let bytes: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == '%' {
            let hex = |k: usize| bytes.get(k).is_some_and(|h| h.is_ascii_hexdigit());
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(is_unreserved(c) || is_sub_delim(c) || extra.contains(c)) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether PyPI accepts `url` for Home-page, Download-URL and Project-URL.
pub fn is_valid_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return false;
    }
    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (rest, None),
    };
    let (before_query, query) = match before_fragment.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (before_fragment, None),
    };
    let path = if let Some(after) = before_query.strip_prefix("//") {
        let (authority, path) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        let host_port = match authority.rsplit_once('@') {
            Some((userinfo, hp)) => {
                if !component_ok(userinfo, ":") {
                    return false;
                }
                hp
            }
            None => authority,
        };
        let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
            match v6.split_once(']') {
                Some((addr, tail)) => {
                    if !addr
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
                    {
                        return false;
                    }
                    (addr, tail.strip_prefix(':'))
                }
                None => return false,
            }
        } else {
            match host_port.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (host_port, None),
            }
        };
        if !host_port.starts_with('[') && !component_ok(host, "") {
            return false;
        }
        if let Some(p) = port
            && !p.chars().all(|c| c.is_ascii_digit())
        {
            return false;
        }
        path
    } else {
        before_query
    };
    component_ok(path, ":@/")
        && query.is_none_or(|q| component_ok(q, ":@/?"))
        && fragment.is_none_or(|f| component_ok(f, ":@/?"))
}

/// The address Python's `email.utils.parseaddr` would extract, or `None` where it extracts
/// nothing (then PyPI checks nothing).
fn extract_address(value: &str) -> Option<String> {
    let v = value.trim();
    let candidate = match (v.rfind('<'), v.rfind('>')) {
        (Some(open), Some(close)) if open < close => v[open + 1..close].trim(),
        _ => v,
    };
    if candidate.is_empty()
        || candidate.chars().any(char::is_whitespace)
        || candidate.contains(',')
        || candidate.matches('@').count() != 1
    {
        return None;
    }
    let (local, domain) = candidate.split_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    Some(candidate.to_string())
}

const SPECIAL_USE: &[&str] = &["arpa", "invalid", "local", "localhost", "onion", "test"];

/// PyPI's check of an `Author-email`/`Maintainer-email` value: `Some((address, reason))` when
/// it would refuse it, with `email-validator`'s reason text.
pub fn email_problem(value: &str) -> Option<(String, String)> {
    let address = extract_address(value)?;
    let (local, domain) = address.split_once('@')?;
    let fail = |m: &str| Some((address.clone(), m.to_string()));
    if local.starts_with('"') {
        return fail("Quoting the part before the @-sign is not allowed here.");
    }
    let bad_local: Vec<char> = local
        .chars()
        .filter(|c| !(c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(*c)))
        .collect();
    if !bad_local.is_empty() {
        let list: Vec<String> = bad_local.iter().map(|c| format!("'{c}'")).collect();
        return fail(&format!(
            "The email address contains invalid characters before the @-sign: {}.",
            list.join(", ")
        ));
    }
    if local.starts_with('.') {
        return fail("An email address cannot start with a period.");
    }
    if local.ends_with('.') {
        return fail("An email address cannot have a period immediately before the @-sign.");
    }
    if local.contains("..") {
        return fail("An email address cannot have two periods in a row.");
    }
    let bad_domain: Vec<char> = domain
        .chars()
        .filter(|c| !(c.is_alphanumeric() || *c == '.' || *c == '-'))
        .collect();
    if !bad_domain.is_empty() {
        let list: Vec<String> = bad_domain.iter().map(|c| format!("'{c}'")).collect();
        return fail(&format!(
            "The part after the @-sign contains invalid characters: {}.",
            list.join(", ")
        ));
    }
    if domain.starts_with('.') {
        return fail("An email address cannot have a period immediately after the @-sign.");
    }
    if domain.ends_with('.') {
        return fail("An email address cannot end with a period.");
    }
    if domain.contains("..") {
        return fail("An email address cannot have two periods in a row.");
    }
    let lower = domain.to_lowercase();
    if SPECIAL_USE
        .iter()
        .any(|s| lower == *s || lower.ends_with(&format!(".{s}")))
    {
        return fail(
            "The part after the @-sign is a special-use or reserved name that cannot be used with email.",
        );
    }
    if !domain.contains('.') {
        return fail("The part after the @-sign is not valid. It should have a period.");
    }
    if domain
        .split('.')
        .any(|label| label.starts_with('-') || label.ends_with('-'))
    {
        return fail(
            "The part after the @-sign is not valid IDNA: an invalid character or hyphen placement.",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "https://example.com/",
            "http://example.com",
            "HTTPS://example.com:8080/a/b?x=1#frag",
            "https://user:pw@example.com/",
            "https://[::1]/",
            "https:/path/only",
            "https://example.com/caf%C3%A9",
        ] {
            assert!(is_valid_url(ok), "{ok}");
        }
        for bad in [
            "irc://example.com/",
            "ftp://example.com/",
            "example.com",
            "https://exa mple.com/",
            "https://example.com/a b",
            "https://example.com:80a/",
            "https://example.com/%zz",
        ] {
            assert!(!is_valid_url(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(email_problem("Jane <jane@example.com>"), None);
        assert_eq!(email_problem("jane@example.com"), None);
        // parseaddr extracts nothing from these, so PyPI checks nothing.
        assert_eq!(email_problem("not an email@"), None);
        assert_eq!(email_problem("x@"), None);
        assert_eq!(email_problem("a@example.com, b@example.com"), None);
        assert_eq!(
            email_problem("foo@bar").map(|p| p.1),
            Some("The part after the @-sign is not valid. It should have a period.".into())
        );
        assert_eq!(
            email_problem("Foo <foo@bar..com>").map(|p| p.1),
            Some("An email address cannot have two periods in a row.".into())
        );
        assert_eq!(
            email_problem("\"quoted\"@example.com").map(|p| p.1),
            Some("Quoting the part before the @-sign is not allowed here.".into())
        );
    }
}
