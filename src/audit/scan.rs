//! Finding PyPI token strings in a buffer of bytes, and the inline comments that suppress them.
//!
//! A candidate is `pypi-` followed by `Ag` (the base64 of the macaroon version byte 0x02) and
//! at least [`MIN_BODY`] base64url characters, not preceded by a letter, digit, `-` or `_`.
//! Shorter strings (`pypi-AgEI…` in documentation) are not reported. The scan is byte-based,
//! so binary and non-UTF-8 content is searched the same way as text.

use memchr::memmem;

/// Fewest characters after `pypi-` for a candidate. The smallest possible PyPI token (one
/// caveat, a 36-character id, no location) is about 100 characters; 64 also catches
/// truncated copies, which are reported as token-like strings.
pub const MIN_BODY: usize = 64;

/// The marker of an inline suppression: `hoist-audit: ignore` or `hoist-audit: ignore[AUD001]`.
pub const SUPPRESS_MARKER: &str = "hoist-audit: ignore";

/// A token-shaped string found in a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The string (ASCII by construction).
    pub text: String,
    /// Byte offset of its start.
    pub offset: usize,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (in bytes).
    pub column: usize,
    /// Rule codes suppressed by an inline comment on this line or the line above; `Some(empty)`
    /// means every rule.
    pub suppressed: Option<Vec<String>>,
}

fn is_body(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Every candidate token in `data`, in order.
pub fn find_tokens(data: &[u8]) -> Vec<Hit> {
    let finder = memmem::Finder::new(b"pypi-Ag");
    let mut hits = Vec::new();
    let mut line = 1;
    let mut line_counted_to = 0;
    for start in finder.find_iter(data) {
        if start > 0 && is_body(data[start - 1]) {
            continue;
        }
        let body_start = start + 5;
        let mut end = body_start;
        while end < data.len() && is_body(data[end]) {
            end += 1;
        }
        if end - body_start < MIN_BODY {
            continue;
        }
        // Padding is not part of PyPI's tokens, but a copy may carry it.
        while end < data.len() && data[end] == b'=' {
            end += 1;
        }
        line += memchr::memchr_iter(b'\n', &data[line_counted_to..start]).count();
        line_counted_to = start;
        let line_start = memchr::memrchr(b'\n', &data[..start]).map_or(0, |p| p + 1);
        hits.push(Hit {
            text: String::from_utf8_lossy(&data[start..end]).into_owned(),
            offset: start,
            line,
            column: start - line_start + 1,
            suppressed: suppression_at(data, line_start),
        });
    }
    hits
}

/// The rule codes suppressed for the line starting at `line_start`, looking at that line and
/// the one above it.
pub fn suppression_at(data: &[u8], line_start: usize) -> Option<Vec<String>> {
    let line_end =
        memchr::memchr(b'\n', &data[line_start..]).map_or(data.len(), |p| line_start + p);
    if let Some(codes) = parse_marker(&data[line_start..line_end]) {
        return Some(codes);
    }
    if line_start == 0 {
        return None;
    }
    let prev_end = line_start - 1;
    let prev_start = memchr::memrchr(b'\n', &data[..prev_end]).map_or(0, |p| p + 1);
    parse_marker(&data[prev_start..prev_end])
}

/// Reads a suppression marker in one line of text.
pub fn parse_marker(line: &[u8]) -> Option<Vec<String>> {
    let at = memmem::find(line, SUPPRESS_MARKER.as_bytes())?;
    let rest = &line[at + SUPPRESS_MARKER.len()..];
    if let Some(list) = rest.strip_prefix(b"[") {
        let close = list.iter().position(|&b| b == b']')?;
        let codes = String::from_utf8_lossy(&list[..close])
            .split(',')
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        return Some(codes);
    }
    Some(Vec::new())
}

/// Whether a suppression list (from [`parse_marker`]) covers `code`.
pub fn covers(suppressed: Option<&Vec<String>>, code: &str) -> bool {
    suppressed.is_some_and(|codes| codes.is_empty() || codes.iter().any(|c| c == code))
}

/// Whether the bytes look binary (a NUL byte in the first 8000, as git decides).
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(8000)]).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake(n: usize) -> String {
        format!("pypi-Ag{}", "x".repeat(n))
    }

    #[test]
    fn finds_tokens_with_lines_and_columns() {
        let t = fake(80);
        let data = format!("a\nb\n  password = {t}\n");
        let hits = find_tokens(data.as_bytes());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].text, t);
        assert_eq!(hits[0].line, 3);
        assert_eq!(hits[0].column, 14);
        assert_eq!(hits[0].suppressed, None);
    }

    #[test]
    fn ignores_short_and_embedded_strings() {
        let data = format!("pypi-AgEIcHl… and x{} and {}", fake(80), fake(10));
        assert!(find_tokens(data.as_bytes()).is_empty());
    }

    #[test]
    fn binary_and_invalid_utf8_are_scanned() {
        let mut data = vec![0u8, 0xff, 0xfe, b'\n'];
        data.extend_from_slice(fake(70).as_bytes());
        data.push(0);
        let hits = find_tokens(&data);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].line, 2);
        assert!(looks_binary(&data));
    }

    #[test]
    fn inline_suppressions() {
        let t = fake(80);
        let same = format!("x = '{t}'  # hoist-audit: ignore\n");
        assert_eq!(find_tokens(same.as_bytes())[0].suppressed, Some(vec![]));
        let above = format!("# hoist-audit: ignore[aud001, AUD002]\nx = '{t}'\n");
        assert_eq!(
            find_tokens(above.as_bytes())[0].suppressed,
            Some(vec!["AUD001".to_string(), "AUD002".to_string()])
        );
        let two_above = format!("# hoist-audit: ignore\n\nx = '{t}'\n");
        assert_eq!(find_tokens(two_above.as_bytes())[0].suppressed, None);
    }
}
