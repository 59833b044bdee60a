//! `hoist check` on hostile input: it must never panic, never use memory in proportion to
//! what a file claims about itself, and must name what is wrong.
//!
//! Every input is generated here or in `fuzz/src/samples.rs` (shared with the fuzz targets
//! and the benchmark): valid wheels and sdists, then the same files flipped, truncated at
//! every offset, padded with garbage, or rewritten to lie about their sizes. The property
//! tests are bounded by `PROPTEST_CASES` (scripts/test sets 256).
//!
//! Tests headed "Regression test" reproduce bugs found while writing this file, all fixed since;
//! each says where the bug was.

#[path = "../fuzz/src/samples.rs"]
mod samples;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::LazyLock;

use hoist::check::{FileReport, Options, Status, check_file};
use hoist::dist::metadata::{Metadata, MetadataError};
use hoist::dist::tar::{METADATA_LIMIT, TarScan};
use proptest::prelude::*;
use samples::{Part, RawEntry};

const GIB: u64 = 1 << 30;

/// The heap a check of a small hostile file may use, whatever the file claims.
const SMALL_HEAP: usize = 4 << 20;

/// Counts the heap each thread holds, so a test can measure what the code it calls
/// allocates (tests run in parallel threads; each counts only its own).
struct CountingAlloc;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is forwarded to `System` unchanged; only sizes are recorded.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        note(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            note(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// Runs `f` and returns its result and the most heap this thread held above the starting
/// point while it ran.
fn peak_heap<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let r = f();
    (r, (PEAK.with(Cell::get) - start).max(0) as usize)
}

#[test]
fn heap_counter_sees_allocations() {
    let (v, peak) = peak_heap(|| vec![1u8; 8 << 20].len());
    assert_eq!(v, 8 << 20);
    assert!(peak >= 8 << 20, "{peak}");
}

/// Writes `bytes` to a fresh temporary file called `name` and checks it.
fn check_bytes(name: &str, bytes: &[u8]) -> FileReport {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("writing the sample");
    check_file(&path, &Options::default())
}

/// The heap a check of a small file may use by design when a header's claim is believed:
/// hoist reads up to three members whole (METADATA or PKG-INFO, RECORD, entry_points.txt)
/// and allocates what each declares up front, up to `METADATA_LIMIT` (16 MiB) each. Found by
/// `mutated_wheels_never_panic`: one flipped size byte in an 878-byte wheel made hoist
/// allocate 11 MB (`Vec::with_capacity(entry.uncompressed_size)` in `ZipIndex::read_member`,
/// src/dist/zip.rs; the same in src/dist/tar.rs for PKG-INFO). Bounded, so not a bug, but
/// see `claimed_metadata_size_is_not_allocated_up_front`.
const CLAIMED_HEAP: usize = 3 * METADATA_LIMIT as usize + SMALL_HEAP;

/// [`check_bytes`] for a small file, asserting that the check held less than
/// [`SMALL_HEAP`] whatever the file claims about itself.
#[track_caller]
fn check_small(name: &str, bytes: &[u8]) -> FileReport {
    check_within(name, bytes, SMALL_HEAP)
}

/// [`check_bytes`], asserting that the check held less than `limit` bytes of heap.
#[track_caller]
fn check_within(name: &str, bytes: &[u8], limit: usize) -> FileReport {
    let (report, peak) = peak_heap(|| check_bytes(name, bytes));
    assert!(
        peak < limit,
        "checking {} bytes used {peak} bytes of heap: {:#?}",
        bytes.len(),
        report.diagnostics
    );
    report
}

fn codes(report: &FileReport) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.rule.code).collect()
}

/// Asserts that `report` has a diagnostic with `code`, showing all of them if not.
#[track_caller]
fn assert_has(report: &FileReport, code: &str) {
    assert!(
        codes(report).contains(&code),
        "expected {code} for {}, got {:#?}",
        report.filename,
        report.diagnostics
    );
}

static WHEEL: LazyLock<Vec<u8>> = LazyLock::new(|| samples::wheel(samples::METADATA.as_bytes()));
static STORED_WHEEL: LazyLock<Vec<u8>> =
    LazyLock::new(|| samples::stored_wheel(samples::METADATA.as_bytes()));
static RAW_WHEEL: LazyLock<Vec<u8>> =
    LazyLock::new(|| samples::raw_zip(&samples::raw_wheel_entries(samples::METADATA.as_bytes())));
static SDIST: LazyLock<Vec<u8>> = LazyLock::new(|| samples::sdist(samples::METADATA.as_bytes()));

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------------------------
// The starting points must be valid, or the mutations below prove nothing.

#[test]
fn generated_samples_pass() {
    for (name, bytes) in [
        (samples::WHEEL_FILENAME, &*WHEEL),
        (samples::WHEEL_FILENAME, &*STORED_WHEEL),
        (samples::WHEEL_FILENAME, &*RAW_WHEEL),
        (samples::SDIST_FILENAME, &*SDIST),
    ] {
        let report = check_bytes(name, bytes);
        assert_eq!(
            report.status(true),
            Status::Passed,
            "{name}: {:#?}",
            report.diagnostics
        );
        assert_eq!(report.name.as_deref(), Some("demo"));
    }
}

#[test]
fn zero_runs_expand_to_what_the_generator_claims() {
    use std::io::Read;
    let (deflated, crc, len) =
        samples::deflate_parts(&[Part::Bytes(b"head"), Part::ZeroMiB(3), Part::Bytes(b"tail")]);
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(deflated.as_slice())
        .read_to_end(&mut out)
        .expect("a valid deflate stream");
    assert_eq!(out.len() as u64, len);
    assert_eq!(len, 8 + 3 * (1 << 20));
    assert_eq!(crc32fast::hash(&out), crc);
    assert!(out.starts_with(b"head") && out.ends_with(b"tail"));
}

// ---------------------------------------------------------------------------------------------
// Files that are not archives at all.

#[test]
fn empty_and_text_files_are_not_archives() {
    for (name, bytes, code) in [
        (samples::WHEEL_FILENAME, &b""[..], "A001"),
        (samples::WHEEL_FILENAME, b"this is not a wheel\n", "A001"),
        ("demo-1.0.zip", b"", "A001"),
        (samples::SDIST_FILENAME, b"", "A002"),
        (samples::SDIST_FILENAME, b"this is not an sdist\n", "A002"),
    ] {
        let report = check_bytes(name, bytes);
        assert_has(&report, code);
        assert_eq!(report.status(false), Status::Failed);
    }
}

#[test]
fn non_utf8_metadata_is_unreadable() {
    let metadata = b"Metadata-Version: 2.1\nName: d\xffmo\nVersion: 1.0\n";
    assert_eq!(
        Metadata::parse(metadata),
        Err(MetadataError::NotUtf8 { offset: 29 })
    );
    assert_has(
        &check_bytes(samples::WHEEL_FILENAME, &samples::wheel(metadata)),
        "M001",
    );
    assert_has(
        &check_bytes(samples::SDIST_FILENAME, &samples::sdist(metadata)),
        "M001",
    );
}

// ---------------------------------------------------------------------------------------------
// Truncation at every offset.

#[test]
fn every_truncation_of_a_wheel_is_not_a_zipfile() {
    for wheel in [&*WHEEL, &*RAW_WHEEL] {
        for len in 0..wheel.len() {
            let report = check_small(samples::WHEEL_FILENAME, &wheel[..len]);
            assert!(
                codes(&report).contains(&"A001"),
                "truncated to {len} of {} bytes: {:#?}",
                wheel.len(),
                report.diagnostics
            );
        }
    }
}

#[test]
fn every_truncation_of_an_sdist_is_refused() {
    let sdist = &*SDIST;
    let trailer = sdist.len() - 8; // gzip's CRC-32 and length
    for len in 0..sdist.len() {
        let report = check_small(samples::SDIST_FILENAME, &sdist[..len]);
        let found = codes(&report);
        assert!(
            found.contains(&"A002") != found.contains(&"A003"),
            "truncated to {len} of {}: want exactly one of A002, A003: {:#?}",
            sdist.len(),
            report.diagnostics
        );
        if len >= trailer {
            // Every member was read; only the gzip trailer is missing.
            assert!(found.contains(&"A003"), "truncated to {len}: {found:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Archives that lie about their sizes.

/// The raw wheel, with `member`'s declared sizes rewritten.
fn lying_wheel(member: &str, uncompressed: Option<u64>, compressed: Option<u64>) -> Vec<u8> {
    let mut entries = samples::raw_wheel_entries(samples::METADATA.as_bytes());
    let entry = entries
        .iter_mut()
        .find(|e| e.name == member.as_bytes())
        .expect("a member of the sample wheel");
    entry.uncompressed = uncompressed.unwrap_or(entry.uncompressed);
    entry.compressed = compressed.unwrap_or(entry.compressed);
    samples::raw_zip(&entries)
}

#[test]
fn members_claiming_10_gib_are_refused_without_reading_10_gib() {
    let cases = [
        // Metadata larger than hoist reads: refused before any allocation.
        ("demo-1.0.dist-info/METADATA", vec!["A005", "A003", "M001"]),
        // A scanned .py member: the stream ends long before 10 GiB.
        ("demo/__init__.py", vec!["A005", "A003"]),
        // A member hoist never reads: the ratio rule still sees the claim.
        ("demo-1.0.dist-info/WHEEL", vec!["A005"]),
    ];
    for (member, expected) in cases {
        let report = check_small(
            samples::WHEEL_FILENAME,
            &lying_wheel(member, Some(10 * GIB), None),
        );
        for code in expected {
            assert_has(&report, code);
        }
    }
}

#[test]
fn compressed_size_past_the_end_of_the_file_is_refused() {
    let report = check_small(
        samples::WHEEL_FILENAME,
        &lying_wheel("demo/__init__.py", Some(10 * GIB), Some(10 * GIB)),
    );
    assert_has(&report, "A003");
    assert_has(&report, "A007");
}

/// Regression test, fixed (was: src/dist/zip.rs, `FramingWalk::skip`, `self.pos += n`): a local header and central
/// directory that agree on a ZIP64 compressed size near `u64::MAX` make `skip` seek back
/// (`n as i64` is negative) and then overflow `self.pos`. Debug builds (and fuzzing) panic
/// with "attempt to add with overflow"; release builds wrap silently and walk the records
/// again. Fix: reject `n > i64::MAX as u64` (or `self.pos.checked_add(n)` failing) as
/// "Malformed zip file" before seeking.
#[test]
fn compressed_size_near_u64_max_does_not_overflow() {
    let report = check_bytes(
        samples::WHEEL_FILENAME,
        &lying_wheel("demo/__init__.py", Some(u64::MAX), Some(u64::MAX)),
    );
    assert_has(&report, "A007");
}

/// Regression test, fixed (was: src/check/rules/metadata.rs:733 in `dependencies` for Requires-Dist, and :762 for
/// Provides-Dist and Obsoletes-Dist): pep508_rs 0.9.2 panics (its lib.rs:477,
/// "`PackageName` validation should match PEP 508 parsing") on a requirement whose name ends
/// in `_`, `-` or `.` and is followed by anything, such as `foo_ >=1` or `req_:`. Found by
/// the `metadata` fuzz target in under a minute. `hoist check` on such a wheel dies with
/// exit code 101 instead of reporting M011. Fix: refuse a name that ends in `._-` before
/// calling `Requirement::from_str` (PEP 508: a name must end with a letter or digit).
///
/// Since hoist ports packaging's own requirement parser, the verdict is packaging's:
/// `foo_ >=1` is accepted (packaging's name token is `\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`, and
/// `_` is a word character), `req_:` is refused.
#[test]
fn requirement_names_ending_in_punctuation_are_diagnostics() {
    for (field, code) in [("Requires-Dist", "M011"), ("Provides-Dist", "M013")] {
        let head = samples::METADATA.split("\n\n").next().unwrap();
        let metadata = format!("{head}\n{field}: req_:\n{field}: foo_ >=1\n");
        let report = check_small(
            samples::WHEEL_FILENAME,
            &samples::wheel(metadata.as_bytes()),
        );
        assert_has(&report, code);
        let refused = report
            .diagnostics
            .iter()
            .filter(|d| d.rule.code == code)
            .count();
        assert_eq!(refused, 1, "only req_: is refused");
    }
}

/// Regression test, fixed (was minor: src/dist/zip.rs `ZipIndex::read_member`, `Vec::with_capacity(entry.uncompressed_size
/// as usize)`): a METADATA member that claims 16 MiB, in a file of under 1 KiB, makes hoist
/// allocate 16 MiB before reading a byte. Bounded by `METADATA_LIMIT`, so memory stays
/// independent of the file, but the claim is untrusted: cap the reservation (for example at
/// the member's compressed size times deflate's maximum ratio, or 64 KiB) and let the `Vec`
/// grow.
#[test]
fn claimed_metadata_size_is_not_allocated_up_front() {
    let wheel = lying_wheel("demo-1.0.dist-info/METADATA", Some(METADATA_LIMIT), None);
    let report = check_small(samples::WHEEL_FILENAME, &wheel);
    assert_has(&report, "M001");
}

#[test]
fn zip_bomb_is_refused_by_its_compression_ratio() {
    let mut entries = samples::raw_wheel_entries(samples::METADATA.as_bytes());
    entries.push(RawEntry::deflated("demo/bomb.bin", &[Part::ZeroMiB(80)]));
    let bomb = samples::raw_zip(&entries);
    assert!(bomb.len() < 256 * 1024, "the bomb is {} bytes", bomb.len());
    let report = check_small(samples::WHEEL_FILENAME, &bomb);
    assert_has(&report, "A005");
}

/// An sdist whose stream ends just after a header for `name` that claims `size` bytes.
fn tar_claiming(name: &str, size: u64) -> Vec<u8> {
    let head = tar_members(&samples::sdist_members(samples::METADATA.as_bytes())[1..]);
    let header = samples::tar_header(name, tar::EntryType::Regular, size);
    samples::gzip_parts(&[
        Part::Bytes(&head),
        Part::Bytes(&header),
        Part::Bytes(&[b'x'; 4096]),
    ])
}

/// Uncompressed tar blocks for regular files (no end-of-archive marker).
fn tar_members(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes) in members {
        out.extend(samples::tar_header(
            name,
            tar::EntryType::Regular,
            bytes.len() as u64,
        ));
        out.extend_from_slice(bytes);
        out.resize(out.len().next_multiple_of(512), 0);
    }
    out
}

#[test]
fn tar_members_claiming_10_gib_are_refused_without_reading_10_gib() {
    for (name, expected) in [
        // The stream ends long before the claimed data: the archive is corrupt, and hoist does
        // not also judge a layout it could not read to the end (PyPI, too, reports only that).
        ("demo-1.0/big.bin", vec!["A003"]),
        ("demo-1.0/demo/big.py", vec!["A003"]),
        ("demo-1.0/PKG-INFO", vec!["A003", "M001"]),
    ] {
        let report = check_small(samples::SDIST_FILENAME, &tar_claiming(name, 10 * GIB));
        for code in expected {
            assert_has(&report, code);
        }
    }
}

/// Regression test, fixed (was: src/dist/tar.rs, `TarScan::read_entries` → `tar::Archive::entries`): the `tar` crate
/// reads a GNU long-name (`L`), long-link (`K`) or pax (`x`) entry whole into a `Vec`
/// (tar-0.4.46 `EntryFields::read_all`), however large its header says it is. A 1 GiB
/// long name gzips to about 1 MiB, and `hoist check` then holds 1 GiB (measured: 1.06 GB
/// peak RSS). The test uses 256 MiB to stay quick. Fix: wrap the gzip reader so that these
/// entries are refused (as corrupt) above a small limit, or parse the tar headers in hoist
/// before handing them to the crate.
#[test]
fn gnu_long_name_of_256_mib_keeps_memory_bounded() {
    let long = samples::tar_header("././@LongLink", tar::EntryType::GNULongName, 256 << 20);
    let rest = tar_members(&samples::sdist_members(samples::METADATA.as_bytes()));
    let gz = samples::gzip_parts(&[
        Part::Bytes(&long),
        Part::ZeroMiB(256),
        Part::Bytes(&rest),
        Part::Bytes(&[0; 1024]),
    ]);
    assert!(gz.len() < 1 << 20, "the sample is {} bytes", gz.len());
    let (report, peak) = peak_heap(|| check_bytes(samples::SDIST_FILENAME, &gz));
    assert!(
        peak < SMALL_HEAP,
        "{peak} bytes of heap: {:#?}",
        report.diagnostics
    );
}

/// Regression test, fixed (was: src/dist/tar.rs, `TarScan::read_entries`, the `is_pkg_info_candidate` branch): every
/// member named `<dir>/PKG-INFO` is kept in `TarScan::pkg_info`, up to `METADATA_LIMIT`
/// (16 MiB) each, for any number of directories. Only `<top>/PKG-INFO` is ever used, and
/// with several top-level directories there is no top at all, so keeping more than one
/// candidate is waste: 64 candidates of 16 MiB zeros gzip to about 1 MiB and hold 1 GiB.
/// Fix: keep only candidates under the first member's top-level directory (any other top
/// already means "no common top").
#[test]
fn many_pkg_info_candidates_keep_memory_bounded() {
    let candidates = 3;
    let mut blocks = Vec::new();
    for i in 0..candidates {
        blocks.push(samples::tar_header(
            &format!("d{i}/PKG-INFO"),
            tar::EntryType::Regular,
            METADATA_LIMIT,
        ));
    }
    let end = [0u8; 1024];
    let mut parts = Vec::new();
    for header in &blocks {
        parts.push(Part::Bytes(header));
        parts.push(Part::ZeroMiB(METADATA_LIMIT >> 20));
    }
    parts.push(Part::Bytes(&end));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(samples::SDIST_FILENAME);
    std::fs::write(&path, samples::gzip_parts(&parts)).unwrap();
    let (scan, peak) = peak_heap(|| TarScan::read(&mut std::fs::File::open(&path).unwrap()));
    let scan = scan.unwrap();
    assert_eq!(scan.members.len(), candidates);
    let kept: usize = scan
        .pkg_info
        .values()
        .map(|v| v.as_ref().map_or(0, Vec::len))
        .sum();
    assert!(
        kept as u64 <= METADATA_LIMIT && peak as u64 <= METADATA_LIMIT + SMALL_HEAP as u64,
        "{kept} bytes of PKG-INFO kept for {candidates} candidates, {peak} bytes of heap"
    );
}

// ---------------------------------------------------------------------------------------------
// Properties: arbitrary and mutated input.

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Vec<(prop::sample::Index, u8)>),
    Truncate(prop::sample::Index),
    Append(Vec<u8>),
    Prepend(Vec<u8>),
    Splice(prop::sample::Index, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let garbage = prop::collection::vec(any::<u8>(), 1..600);
    prop_oneof![
        prop::collection::vec((any::<prop::sample::Index>(), 1..=255u8), 1..8)
            .prop_map(Mutation::Flip),
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        garbage.clone().prop_map(Mutation::Append),
        garbage.clone().prop_map(Mutation::Prepend),
        (any::<prop::sample::Index>(), garbage).prop_map(|(i, g)| Mutation::Splice(i, g)),
    ]
}

fn mutate(base: &[u8], m: &Mutation) -> Vec<u8> {
    let mut out = base.to_vec();
    match m {
        Mutation::Flip(flips) => {
            for (at, x) in flips {
                out[at.index(base.len())] ^= x;
            }
        }
        Mutation::Truncate(at) => out.truncate(at.index(base.len())),
        Mutation::Append(g) => out.extend_from_slice(g),
        Mutation::Prepend(g) => {
            out = g.clone();
            out.extend_from_slice(base);
        }
        Mutation::Splice(at, g) => {
            let at = at.index(base.len());
            out.splice(at..at, g.iter().copied());
        }
    }
    out
}

fn metadata_lines() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "(Metadata-Version|Name|Version|Summary|Description|Classifier|Requires-Dist|Project-URL|License-Expression|Author-email|Dynamic): [ -~]{0,40}",
        "[ \t][ -~]{0,20}",
        "[A-Za-z-]{1,12}:[^\n\r]{0,20}",
        "[^\n\r]{0,30}",
        Just(String::new()),
    ];
    prop::collection::vec(line, 0..24).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #[test]
    fn metadata_parse_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        match Metadata::parse(&bytes) {
            Err(MetadataError::NotUtf8 { offset }) => {
                let valid = std::str::from_utf8(&bytes).unwrap_err().valid_up_to();
                prop_assert_eq!(offset, valid);
            }
            Err(MetadataError::Empty) => {
                prop_assert!(std::str::from_utf8(&bytes).unwrap().trim().is_empty());
            }
            Ok(md) => {
                let _ = md.present_fields();
            }
        }
    }

    #[test]
    fn metadata_like_text_never_panics_anywhere(text in metadata_lines(), junk in prop::collection::vec(any::<u8>(), 0..4)) {
        let md = Metadata::parse_str(&text);
        let _ = md.present_fields();
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(&junk);
        let utf8 = std::str::from_utf8(&bytes).is_ok();
        let non_blank = utf8 && !std::str::from_utf8(&bytes).unwrap().trim().is_empty();
        for report in [
            check_bytes(samples::WHEEL_FILENAME, &samples::wheel(&bytes)),
            check_bytes(samples::SDIST_FILENAME, &samples::sdist(&bytes)),
        ] {
            prop_assert_eq!(codes(&report).contains(&"M001"), !non_blank, "{:#?}", report.diagnostics);
        }
    }

    #[test]
    fn mutated_wheels_never_panic(which in 0..3usize, m in mutation()) {
        let base = [&*WHEEL, &*STORED_WHEEL, &*RAW_WHEEL][which];
        let bytes = mutate(base, &m);
        let report = check_within(samples::WHEEL_FILENAME, &bytes, CLAIMED_HEAP);
        prop_assert_eq!(report.size, Some(bytes.len() as u64));
        match &m {
            // Data after the end record, or before the first local header: PyPI's
            // record walk refuses both.
            Mutation::Append(g) if find(g, b"PK\x05\x06").is_none() => {
                prop_assert!(codes(&report).contains(&"A007"), "{:#?}", report.diagnostics);
            }
            Mutation::Prepend(g) if !g.starts_with(b"PK") => {
                prop_assert!(codes(&report).contains(&"A007"), "{:#?}", report.diagnostics);
            }
            Mutation::Truncate(_) if bytes.len() < base.len() => {
                prop_assert!(codes(&report).contains(&"A001"), "{:#?}", report.diagnostics);
            }
            _ => {}
        }
    }

    #[test]
    fn flipped_bytes_in_members_hoist_reads_are_caught(
        member in 0..3usize,
        at in any::<prop::sample::Index>(),
        x in 1..=255u8,
    ) {
        // Stored members appear verbatim, so a flip lands inside the member's data and only
        // the CRC-32 can notice it.
        let wheel = &*STORED_WHEEL;
        let content: &[u8] = match member {
            0 => b"\"\"\"The demo package.\"\"\"",
            1 => samples::METADATA.as_bytes(),
            _ => b"demo/__init__.py,sha256=placeholder",
        };
        let start = find(wheel, content).expect("a stored member");
        let mut bytes = wheel.clone();
        bytes[start + at.index(content.len())] ^= x;
        let report = check_bytes(samples::WHEEL_FILENAME, &bytes);
        prop_assert!(codes(&report).contains(&"A003"), "{:#?}", report.diagnostics);
    }

    #[test]
    fn mutated_sdists_never_panic(m in mutation()) {
        let bytes = mutate(&SDIST, &m);
        let report = check_within(samples::SDIST_FILENAME, &bytes, CLAIMED_HEAP);
        prop_assert_eq!(report.size, Some(bytes.len() as u64));
        if let Mutation::Truncate(_) = m
            && bytes.len() < SDIST.len()
        {
            let found = codes(&report);
            prop_assert!(found.contains(&"A002") || found.contains(&"A003"), "{:?}", found);
        }
    }
}
