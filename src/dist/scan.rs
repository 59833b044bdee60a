//! The two content rules PyPI applies to `.py` and `.pye` members (its YARA scan): PyArmor-
//! and SourceDefender-encrypted code are refused. [`ObfuscationScan`] is fed a member's bytes
//! in chunks, so members of any size are scanned in constant memory.

/// What PyPI's upload scan found in a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Obfuscation {
    PyArmor,
    SourceDefender,
}

const PYARMOR: &[&[u8]] = &[
    b"__pyarmor__(__name__, __file__,",
    b"__pyarmor_enter__",
    b"__pyarmor_exit__",
    b"__pyarmor_assert__",
    b"__pyarmor_bcc__",
];
const PYE_BEGIN: &[u8] = b"---BEGIN PYE FILE---";
const PYE_END: &[u8] = b"---END PYE FILE---";
const LONGEST: usize = 31;

/// Whether PyPI scans a member with this name.
pub fn is_scanned_member(name: &str) -> bool {
    name.ends_with(".py") || name.ends_with(".pye")
}

/// An incremental search for the scan's strings across chunk boundaries.
#[derive(Default)]
pub struct ObfuscationScan {
    carry: Vec<u8>,
    pyarmor: bool,
    pye_begin: bool,
    pye_end: bool,
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

impl ObfuscationScan {
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.pyarmor {
            return;
        }
        let mut buf = std::mem::take(&mut self.carry);
        buf.extend_from_slice(chunk);
        self.pyarmor |= PYARMOR.iter().any(|n| contains(&buf, n));
        self.pye_begin |= contains(&buf, PYE_BEGIN);
        self.pye_end |= contains(&buf, PYE_END);
        let keep = buf.len().min(LONGEST - 1);
        self.carry = buf[buf.len() - keep..].to_vec();
    }

    pub fn finish(self) -> Option<Obfuscation> {
        if self.pyarmor {
            Some(Obfuscation::PyArmor)
        } else if self.pye_begin && self.pye_end {
            Some(Obfuscation::SourceDefender)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_strings_split_across_chunks() {
        let text = b"x = 1\n__pyarmor_enter__()\n";
        for split in 0..text.len() {
            let mut s = ObfuscationScan::default();
            s.feed(&text[..split]);
            s.feed(&text[split..]);
            assert_eq!(s.finish(), Some(Obfuscation::PyArmor), "split at {split}");
        }
        let mut s = ObfuscationScan::default();
        s.feed(b"---BEGIN PYE FILE---\nabc\n");
        assert_eq!(ObfuscationScan::default().finish(), None);
        s.feed(b"---END PYE FILE---");
        assert_eq!(s.finish(), Some(Obfuscation::SourceDefender));
    }
}
