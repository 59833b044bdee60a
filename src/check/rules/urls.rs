//! The two address validators PyPI applies to metadata: URLs (rfc3986, http and https only,
//! no host required; [`crate::check::rfc3986`]) and e-mail addresses (the address
//! `email.utils.parseaddr` extracts, checked with email-validator's syntax rules and wording,
//! without any DNS lookup; [`crate::check::email`]).

/// Whether PyPI accepts `url` for Home-page, Download-URL and Project-URL: Warehouse's
/// `is_valid_uri(url, require_authority=False)` (`warehouse/utils/http.py`), see
/// [`crate::check::rfc3986`].
pub fn is_valid_url(url: &str) -> bool {
    crate::check::rfc3986::is_valid_uri(url, false)
}

/// PyPI's check of an `Author-email`/`Maintainer-email` value: `Some((address, reason))` when
/// it would refuse it, with email-validator's reason text (see [`crate::check::email`]).
pub fn email_problem(value: &str) -> Option<(String, String)> {
    crate::check::email::email_problem(value)
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
            // rfc3986 percent-encodes the path, and drops an authority it cannot split.
            "https://exa mple.com/",
            "https://example.com/a b",
            "https://example.com:80a/",
            "https://example.com/%zz",
        ] {
            assert!(is_valid_url(ok), "{ok}");
        }
        for bad in [
            "irc://example.com/",
            "ftp://example.com/",
            "example.com",
            "https://example.com:65536/",
            "https://example.com/a[b]",
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
