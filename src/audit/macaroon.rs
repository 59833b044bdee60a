//! Decoding of version 2 binary macaroons (the libmacaroons "V2" layout that pymacaroons'
//! `BinarySerializer` writes), the payload inside every PyPI API token.
//!
//! This module only splits the bytes into fields; what the caveats mean to PyPI is
//! [`super::token`]'s business. Nothing here verifies a signature: that needs the root key,
//! which only the index has.
//!
//! Layout (libmacaroons' V2 binary format, as pymacaroons writes it for Warehouse's
//! `warehouse/macaroons/`):
//!
//! ```text
//! 0x02                       version
//! [1][len][location]         optional
//! [2][len][identifier]
//! 0x00                       end of header
//! per caveat: [1][len][loc]? [2][len][id] [4][len][vid]? 0x00
//! 0x00                       end of caveats
//! [6][len][signature]
//! ```

use thiserror::Error;

const FIELD_EOS: u64 = 0;
const FIELD_LOCATION: u64 = 1;
const FIELD_IDENTIFIER: u64 = 2;
const FIELD_VID: u64 = 4;
const FIELD_SIGNATURE: u64 = 6;

/// A decoded macaroon. The signature is kept only so callers can check its length; it is the
/// secret part of a token and must never be printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Macaroon {
    pub location: Option<Vec<u8>>,
    pub identifier: Vec<u8>,
    pub caveats: Vec<Caveat>,
    pub signature: Vec<u8>,
}

/// One caveat. PyPI only issues first-party caveats (no location, no verification id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caveat {
    pub location: Option<Vec<u8>>,
    pub identifier: Vec<u8>,
    pub verification_id: Option<Vec<u8>>,
}

/// Why a byte string is not a version 2 binary macaroon. Offsets are byte offsets into the
/// decoded macaroon, never token text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MacaroonError {
    #[error("empty macaroon")]
    Empty,
    #[error("unsupported macaroon version byte {0:#04x} (expected 0x02, the binary V2 format)")]
    Version(u8),
    #[error("macaroon ends early at byte {0}")]
    Truncated(usize),
    #[error("bad length prefix at byte {0}")]
    BadVarint(usize),
    #[error("unexpected field type {found} at byte {at} while reading the {section}")]
    UnexpectedField {
        at: usize,
        found: u64,
        section: &'static str,
    },
    #[error("the signature is {0} bytes long, expected 32")]
    SignatureLength(usize),
    #[error("{0} unexpected bytes after the signature")]
    TrailingBytes(usize),
}

/// A header or caveat: location, identifier, verification id.
type Section = (Option<Vec<u8>>, Vec<u8>, Option<Vec<u8>>);

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn uvarint(&mut self) -> Result<u64, MacaroonError> {
        let start = self.pos;
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = *self
                .data
                .get(self.pos)
                .ok_or(MacaroonError::Truncated(self.pos))?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(MacaroonError::BadVarint(start))
    }

    fn peek_type(&mut self) -> Result<u64, MacaroonError> {
        let save = self.pos;
        let t = self.uvarint();
        self.pos = save;
        t
    }

    /// Reads one field: its type, and for anything but end-of-section its data.
    fn field(&mut self) -> Result<(u64, &'a [u8]), MacaroonError> {
        let kind = self.uvarint()?;
        if kind == FIELD_EOS {
            return Ok((kind, &[]));
        }
        let len_at = self.pos;
        let len = usize::try_from(self.uvarint()?).map_err(|_| MacaroonError::BadVarint(len_at))?;
        let end = self
            .pos
            .checked_add(len)
            .ok_or(MacaroonError::BadVarint(len_at))?;
        let data = self
            .data
            .get(self.pos..end)
            .ok_or(MacaroonError::Truncated(self.data.len()))?;
        self.pos = end;
        Ok((kind, data))
    }

    fn expect(&mut self, want: u64, section: &'static str) -> Result<&'a [u8], MacaroonError> {
        let at = self.pos;
        let (kind, data) = self.field()?;
        if kind != want {
            return Err(MacaroonError::UnexpectedField {
                at,
                found: kind,
                section,
            });
        }
        Ok(data)
    }

    /// Reads `[1 location]? [2 identifier] ([4 vid])? EOS` (the shape of a header or caveat).
    fn section(
        &mut self,
        section: &'static str,
        allow_vid: bool,
    ) -> Result<Section, MacaroonError> {
        let location = if self.peek_type()? == FIELD_LOCATION {
            Some(self.expect(FIELD_LOCATION, section)?.to_vec())
        } else {
            None
        };
        let identifier = self.expect(FIELD_IDENTIFIER, section)?.to_vec();
        let vid = if allow_vid && self.peek_type()? == FIELD_VID {
            Some(self.expect(FIELD_VID, section)?.to_vec())
        } else {
            None
        };
        self.expect(FIELD_EOS, section)?;
        Ok((location, identifier, vid))
    }
}

/// Decodes a version 2 binary macaroon.
pub fn decode(data: &[u8]) -> Result<Macaroon, MacaroonError> {
    let version = *data.first().ok_or(MacaroonError::Empty)?;
    if version != 2 {
        return Err(MacaroonError::Version(version));
    }
    let mut r = Reader { data, pos: 1 };
    let (location, identifier, _) = r.section("header", false)?;
    let mut caveats = Vec::new();
    loop {
        if r.peek_type()? == FIELD_EOS {
            r.field()?;
            break;
        }
        let (location, identifier, verification_id) = r.section("caveat", true)?;
        caveats.push(Caveat {
            location,
            identifier,
            verification_id,
        });
    }
    let signature = r.expect(FIELD_SIGNATURE, "signature")?.to_vec();
    if signature.len() != 32 {
        return Err(MacaroonError::SignatureLength(signature.len()));
    }
    if r.pos != data.len() {
        return Err(MacaroonError::TrailingBytes(data.len() - r.pos));
    }
    Ok(Macaroon {
        location,
        identifier,
        caveats,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(kind: u8, data: &[u8]) -> Vec<u8> {
        let mut out = vec![kind, u8::try_from(data.len()).unwrap()];
        out.extend_from_slice(data);
        out
    }

    fn sample() -> Vec<u8> {
        let mut m = vec![2];
        m.extend(packet(1, b"pypi.org"));
        m.extend(packet(2, b"id"));
        m.push(0);
        m.extend(packet(2, b"[3,\"u\"]"));
        m.push(0);
        m.push(0);
        m.extend(packet(6, &[7; 32]));
        m
    }

    #[test]
    fn decodes_fields() {
        let m = decode(&sample()).unwrap();
        assert_eq!(m.location.as_deref(), Some(&b"pypi.org"[..]));
        assert_eq!(m.identifier, b"id");
        assert_eq!(m.caveats.len(), 1);
        assert_eq!(m.caveats[0].identifier, b"[3,\"u\"]");
        assert_eq!(m.signature, vec![7; 32]);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let full = sample();
        for cut in 0..full.len() {
            assert!(decode(&full[..cut]).is_err(), "cut at {cut} decoded");
        }
    }

    #[test]
    fn rejects_other_versions_and_trailing_bytes() {
        let mut v1 = sample();
        v1[0] = 1;
        assert_eq!(decode(&v1), Err(MacaroonError::Version(1)));
        let mut long = sample();
        long.push(9);
        assert_eq!(decode(&long), Err(MacaroonError::TrailingBytes(1)));
    }

    #[test]
    fn huge_length_prefix_is_an_error() {
        let data = [
            2u8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert!(decode(&data).is_err());
    }
}
