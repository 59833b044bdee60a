//! [`Secret`]: a password or token that cannot be printed by accident. Its `Debug` shows
//! `Secret(<hidden>)`, it has no `Display`, and the only way to the text is [`Secret::expose`],
//! which is called where the credential goes on the wire and nowhere else.

/// A credential value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The credential itself: only for the Authorization header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` (a server's answer, which may echo a credential) with this secret starred out.
    /// Values under 8 characters are left: starring them would hit ordinary words and give the
    /// secret away.
    pub fn scrub(&self, text: &str) -> String {
        if self.0.len() >= 8 && text.contains(&self.0) {
            text.replace(&self.0, "********")
        } else {
            text.to_string()
        }
    }

    /// How it may be described in verbose output.
    pub fn describe(&self) -> &'static str {
        if self.0.is_empty() {
            "<empty>"
        } else {
            "<hidden>"
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints() {
        let s = Secret::new("pypi-very-secret");
        assert_eq!(format!("{s:?}"), "Secret(<hidden>)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(<hidden>))");
        assert_eq!(s.describe(), "<hidden>");
        assert_eq!(Secret::new("").describe(), "<empty>");
    }
}
