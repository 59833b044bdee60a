//! A strict `multipart/form-data` parser (RFC 7578 over RFC 2046) for recorded upload bodies,
//! and a small builder for tests that need such a body. Strict on purpose: a body an index
//! might misread is an error here, not a best guess (no preamble, CRLF line endings, a closing
//! delimiter, a `form-data` disposition with a name on every part).

/// One part, in body order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The `name` of `Content-Disposition: form-data`.
    pub name: String,
    /// The `filename`, for a file part.
    pub filename: Option<String>,
    /// The part's `Content-Type`, if it has one.
    pub content_type: Option<String>,
    /// Every header of the part, in order.
    pub headers: Vec<(String, String)>,
    pub data: Vec<u8>,
}

impl Part {
    /// The data as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// The (name, text) pairs of the parts without a filename, in order, for snapshotting the form.
pub fn text_fields(parts: &[Part]) -> Vec<(String, String)> {
    parts
        .iter()
        .filter(|p| p.filename.is_none())
        .map(|p| (p.name.clone(), p.text()))
        .collect()
}

/// The values of every part called `name`, as text, in order.
pub fn values(parts: &[Part], name: &str) -> Vec<String> {
    parts
        .iter()
        .filter(|p| p.name == name)
        .map(Part::text)
        .collect()
}

/// The `boundary` parameter of a `multipart/form-data` Content-Type.
pub fn boundary(content_type: &str) -> Result<String, String> {
    let (mime, params) = content_type.split_once(';').unwrap_or((content_type, ""));
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return Err(format!(
            "Content-Type is {content_type:?}, not multipart/form-data"
        ));
    }
    for (k, v) in parse_params(params)? {
        if k.eq_ignore_ascii_case("boundary") {
            if v.is_empty() || v.len() > 70 {
                return Err(format!("boundary {v:?} must be 1 to 70 characters"));
            }
            return Ok(v);
        }
    }
    Err(format!("no boundary parameter in {content_type:?}"))
}

/// Parses `body` with the boundary of `content_type`.
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    parse_with_boundary(&boundary(content_type)?, body)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let last_start = hay.len() - needle.len();
    let mut i = from;
    while i <= last_start {
        match hay[i..=last_start].iter().position(|&b| b == first) {
            None => return None,
            Some(off) => {
                let at = i + off;
                if &hay[at..at + needle.len()] == needle {
                    return Some(at);
                }
                i = at + 1;
            }
        }
    }
    None
}

/// Parses `body` given the boundary itself.
pub fn parse_with_boundary(boundary: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let delim = format!("--{boundary}").into_bytes();
    let mut next_delim = b"\r\n".to_vec();
    next_delim.extend_from_slice(&delim);
    if !body.starts_with(&delim) {
        let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        return Err(format!(
            "the body does not start with the delimiter --{boundary} (it starts {shown:?})"
        ));
    }
    let mut pos = delim.len();
    let mut parts = Vec::new();
    loop {
        // After a delimiter: "--" closes the body, CRLF starts a part.
        let rest = &body[pos..];
        if rest.starts_with(b"--") {
            let epilogue = &rest[2..];
            if !(epilogue.is_empty() || epilogue == b"\r\n") {
                return Err(format!(
                    "{} bytes after the closing delimiter",
                    epilogue.len()
                ));
            }
            if parts.is_empty() {
                return Err("no parts".into());
            }
            return Ok(parts);
        }
        if !rest.starts_with(b"\r\n") {
            return Err(format!(
                "the delimiter at byte {} is not followed by CRLF or --",
                pos - delim.len()
            ));
        }
        pos += 2;
        // Headers end at an empty line.
        let (header_block, data_start) = if body[pos..].starts_with(b"\r\n") {
            (&body[pos..pos], pos + 2)
        } else {
            let end = find(body, b"\r\n\r\n", pos)
                .ok_or_else(|| format!("part {} has no end of headers", parts.len()))?;
            (&body[pos..end], end + 4)
        };
        let data_end = find(body, &next_delim, data_start).ok_or_else(|| {
            format!(
                "part {} is not followed by a delimiter (missing closing --{boundary}--?)",
                parts.len()
            )
        })?;
        parts.push(part(
            header_block,
            &body[data_start..data_end],
            parts.len(),
        )?);
        pos = data_end + next_delim.len();
    }
}

fn part(header_block: &[u8], data: &[u8], index: usize) -> Result<Part, String> {
    let text = std::str::from_utf8(header_block)
        .map_err(|_| format!("part {index}: headers are not UTF-8"))?;
    let mut headers = Vec::new();
    if !text.is_empty() {
        for line in text.split("\r\n") {
            let (n, v) = line
                .split_once(':')
                .ok_or_else(|| format!("part {index}: header line without a colon: {line:?}"))?;
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let disposition = get("content-disposition")
        .ok_or_else(|| format!("part {index} has no Content-Disposition"))?;
    let (kind, params) = disposition
        .split_once(';')
        .unwrap_or((disposition.as_str(), ""));
    if !kind.trim().eq_ignore_ascii_case("form-data") {
        return Err(format!(
            "part {index}: Content-Disposition {disposition:?} is not form-data"
        ));
    }
    let params = parse_params(params).map_err(|e| format!("part {index}: {e}"))?;
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let name = param("name")
        .ok_or_else(|| format!("part {index}: Content-Disposition {disposition:?} has no name"))?;
    Ok(Part {
        name,
        filename: param("filename"),
        content_type: get("content-type"),
        headers,
        data: data.to_vec(),
    })
}

/// Parses `; key=value; key="quoted \" value"` parameters.
fn parse_params(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t' || b[i] == b';') {
            i += 1;
        }
        if i >= b.len() {
            return Ok(out);
        }
        let key_start = i;
        while i < b.len() && b[i] != b'=' && b[i] != b';' {
            i += 1;
        }
        let key = s[key_start..i].trim().to_string();
        if i >= b.len() || b[i] != b'=' {
            return Err(format!("parameter {key:?} has no value in {s:?}"));
        }
        i += 1;
        let mut value = Vec::new();
        if i < b.len() && b[i] == b'"' {
            i += 1;
            loop {
                match b.get(i) {
                    None => return Err(format!("unterminated quoted string in {s:?}")),
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') if i + 1 < b.len() => {
                        value.push(b[i + 1]);
                        i += 2;
                    }
                    Some(&c) => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            let start = i;
            while i < b.len() && b[i] != b';' {
                i += 1;
            }
            value.extend_from_slice(s[start..i].trim().as_bytes());
        }
        out.push((key, String::from_utf8_lossy(&value).into_owned()));
    }
}

/// One part to [`build`]: (name, filename, content type, data).
pub type PartSpec<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// Builds a `multipart/form-data` body from (name, filename, content type, data) per part.
/// Returns the Content-Type header value and the body.
pub fn build(boundary: &str, parts: &[PartSpec<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, filename, content_type, data) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut cd = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(f) = filename {
            cd.push_str(&format!("; filename=\"{f}\""));
        }
        body.extend_from_slice(cd.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(ct) = content_type {
            body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
