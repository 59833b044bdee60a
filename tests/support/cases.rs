//! One violating distribution per rule (several for rules with several messages): the
//! table behind `tests/rules.rs` and the generated fixtures in `fixtures/bad/`.
//!
//! Each case breaks exactly one thing in an otherwise good distribution, so the rule it
//! names is the one that must fire. `also` lists the other errors PyPI's own order makes
//! unavoidable (for example a filename that is both mis-cased and unparsable).

use super::{Member, Spec, ZipFaults, deflated, gzip, write_tar, write_zip};

/// What a case writes.
pub enum Input {
    Dist(Box<Spec>),
    /// Raw bytes under a filename.
    Raw(&'static str, Vec<u8>),
}

pub struct Case {
    /// Fixture directory name under fixtures/bad/ (`M020-invalid-classifier`).
    pub id: &'static str,
    pub code: &'static str,
    /// A part of the expected message.
    pub message: &'static str,
    pub input: Input,
    /// Other error codes allowed beside `code`.
    pub also: &'static [&'static str],
    /// Written to fixtures/bad/ (false for names a checkout cannot hold portably).
    pub fixture: bool,
    /// `--max-file-size` for this case.
    pub max_file_size: Option<u64>,
}

fn case(id: &'static str, message: &'static str, spec: Spec) -> Case {
    Case {
        id,
        code: &id[..4],
        message,
        input: Input::Dist(Box::new(spec)),
        also: &[],
        fixture: true,
        max_file_size: None,
    }
}

impl Case {
    fn also(mut self, codes: &'static [&'static str]) -> Case {
        self.also = codes;
        self
    }
    fn no_fixture(mut self) -> Case {
        self.fixture = false;
        self
    }
}

fn raw(id: &'static str, message: &'static str, filename: &'static str, bytes: Vec<u8>) -> Case {
    Case {
        id,
        code: &id[..4],
        message,
        input: Input::Raw(filename, bytes),
        also: &[],
        fixture: true,
        max_file_size: None,
    }
}

fn member(name: &str, data: &[u8], method: u16) -> Member {
    Member {
        method,
        ..deflated(name, data)
    }
}

const PEP625: &str = "is invalid, should be 'demo-1.0.tar.gz'.";

/// Every case.
pub fn all() -> Vec<Case> {
    let w = Spec::wheel;
    let s = Spec::sdist;
    let mut polyglot = write_tar(&[deflated("x", b"tar")], None);
    polyglot.truncate(512);
    vec![
        // The file and its name.
        case(
            "F001-invalid-extension",
            "Invalid file extension: Use .tar.gz, .whl or .zip extension",
            w().named("demo-1.0-py3.6.egg"),
        ),
        case(
            "F002-extension-case",
            "Invalid file extension: Extension .TAR.GZ is invalid for filetype sdist",
            s().named("demo-1.0.TAR.GZ"),
        )
        .also(&["N003"]),
        case(
            "F003-unprintable-filename",
            "non-printable characters",
            s().named("demo-1.0\u{1}.tar.gz"),
        )
        .also(&["N003"])
        .no_fixture(),
        case(
            "F004-slash-in-filename",
            "Cannot upload a file with '/' or '\\' in the name.",
            s().named("demo\\x-1.0.tar.gz"),
        )
        .also(&["N004"])
        .no_fixture(),
        Case {
            max_file_size: Some(1000),
            ..case(
                "F005-file-too-large",
                "File too large. Limit for project 'demo' is 0 MB.",
                w().file("demo/data.bin", &[7u8; 4000]),
            )
        }
        .no_fixture(),
        case("F006-filename-too-long", "Filename is too long:", {
            let name = "a".repeat(230);
            w().named(&format!("{name}-1.0-py3-none-any.whl"))
                .set("Name", &name)
        }),
        case(
            "N001-invalid-wheel-filename",
            "Invalid build number: q in 'demo-1.0-q-py3-none-any'",
            w().named("demo-1.0-q-py3-none-any.whl"),
        ),
        case(
            "N002-unsupported-platform-tag",
            "has an unsupported platform tag 'linux_x86_64'.",
            w().named("demo-1.0-cp312-cp312-linux_x86_64.whl"),
        ),
        case(
            "N003-invalid-sdist-filename",
            "Invalid source distribution filename: demo.tar.gz",
            s().named("demo.tar.gz"),
        ),
        // The filename against the metadata.
        case(
            "N004-filename-project-mismatch",
            "Start filename for 'demo' with 'demo'.",
            w().named("other-1.0-py3-none-any.whl"),
        ),
        case(
            "N005-wheel-name-not-normalized",
            "should contain the normalized project name 'demo', not 'Demo'.",
            w().named("Demo-1.0-py3-none-any.whl"),
        ),
        case(
            "N006-filename-version-mismatch",
            "Version in filename should be '1.0' not '1.1'.",
            w().named("demo-1.1-py3-none-any.whl"),
        ),
        case(
            "N007-sdist-name-not-normalized",
            PEP625,
            s().named("Demo-1.0.tar.gz"),
        ),
        case(
            "N007-sdist-name-not-normalized-zip",
            PEP625,
            Spec {
                kind: super::Kind::ZipSdist,
                ..s().named("demo-1.0.zip")
            },
        ),
        case(
            "N008-stdlib-name",
            "The name 'xml' isn't allowed (conflict with Python Standard Library module name).",
            Spec::wheel()
                .named("xml-1.0-py3-none-any.whl")
                .set("Name", "xml"),
        ),
        // Archive structure.
        raw(
            "A001-not-a-zipfile",
            "Invalid distribution file. File is not a zipfile",
            "demo-1.0-py3-none-any.whl",
            b"this is text, not a wheel\n".to_vec(),
        ),
        raw(
            "A001-not-a-zipfile-empty",
            "Invalid distribution file. File is not a zipfile",
            "demo-1.0-py3-none-any.whl",
            Vec::new(),
        ),
        raw(
            "A002-not-a-tarfile",
            "Invalid distribution file. File is not a tarfile",
            "demo-1.0.tar.gz",
            gzip(b"plain text, gzipped, is not a tar archive\n"),
        ),
        case(
            "A003-corrupt-archive-truncated",
            "Invalid distribution file. None",
            Spec {
                truncate: Some(300),
                ..s()
            },
        ),
        case(
            "A003-corrupt-archive-not-gzip",
            "Invalid distribution file. None",
            Spec {
                plain_tar: true,
                ..s()
            },
        ),
        case(
            "A004-polyglot-archive",
            "File is both a zip and a tar file",
            w().with_zip(|z: &mut ZipFaults| z.prepend = polyglot.clone()),
        )
        .also(&["A007"]),
        case(
            "A005-compression-ratio",
            "File exceeds compression ratio of 50",
            w().member(Member {
                declared_size: Some(70 * 1024 * 1024),
                ..member("demo/data.bin", &[0u8; 1024], 8)
            }),
        )
        .also(&["A003"]),
        case(
            "A006-unsupported-compression",
            "File does not use a supported compression type",
            w().member(member("demo/data.bz2", b"BZh9 not really bzip2", 12)),
        ),
        case(
            "A007-zip-framing-data-descriptor",
            "ZIP archive not accepted: ZIP contains a data descriptor.",
            w().with_zip(|z: &mut ZipFaults| z.data_descriptor = true),
        ),
        case(
            "A007-zip-framing-trailing-data",
            "ZIP archive not accepted: Trailing data.",
            w().with_zip(|z: &mut ZipFaults| z.append = b"appended".to_vec()),
        ),
        case(
            "A007-zip-framing-comment",
            "ZIP archive not accepted: Comment in central directory.",
            w().member(Member {
                comment: b"note".to_vec(),
                ..deflated("demo/extra.py", b"x = 1\n")
            }),
        ),
        case(
            "A007-zip-framing-duplicate",
            "ZIP archive not accepted: Duplicate filename in local headers.",
            w().with_zip(|z: &mut ZipFaults| z.duplicate = Some("demo/__init__.py".into())),
        ),
        case(
            "A008-sparse-tar-member",
            "Sparse members are not allowed.",
            Spec {
                sparse: Some("demo-1.0/demo/__init__.py".into()),
                ..s()
            },
        ),
        case(
            "A009-sdist-top-level",
            "Incorrect number of top-level directories in sdist",
            Spec {
                top: Some(String::new()),
                ..s()
            },
        ),
        case(
            "A010-missing-pkg-info",
            "PKG-INFO not found at demo-1.0/PKG-INFO",
            s().omit("PKG-INFO"),
        ),
        case(
            "A011-pyarmor-content",
            "PyArmor-encrypted content is not allowed.",
            w().file(
                "demo/secret.py",
                b"from pytransform import pyarmor\n__pyarmor__(__name__, __file__, b'\\x00')\n",
            ),
        ),
        case(
            "A012-sourcedefender-content",
            "SourceDefender-encrypted content is not allowed.",
            s().file(
                "demo/secret.pye",
                b"---BEGIN PYE FILE---\nQUJD\n---END PYE FILE---\n",
            ),
        ),
        case(
            "A013-missing-wheel-file",
            "WHEEL not found at demo-1.0.dist-info/WHEEL",
            w().omit("WHEEL"),
        ),
        // Wheel contents.
        case(
            "W001-missing-metadata-file",
            "does not contain the required METADATA file: demo-1.0.dist-info/METADATA",
            w().omit("METADATA"),
        ),
        case(
            "W002-missing-record",
            "does not contain the required RECORD file: demo-1.0.dist-info/RECORD",
            w().omit("RECORD"),
        ),
        case(
            "W003-invalid-entry-points",
            "has invalid entry points defined in the entry_points.txt file",
            w().file(
                "demo-1.0.dist-info/entry_points.txt",
                b"[console_scripts]\nmy tool = demo:main\n",
            ),
        ),
        case(
            "W004-record-mismatch",
            "RECORD does not match the wheel's contents",
            Spec {
                unrecorded: vec![deflated("demo/sneaky.py", b"x = 1\n")],
                ..w()
            },
        ),
        // Core metadata.
        case(
            "M001-unreadable-metadata",
            "is not valid UTF-8",
            s().raw_metadata(b"Metadata-Version: 2.4\nName: d\xffmo\nVersion: 1.0\n"),
        ),
        case(
            "M002-invalid-metadata-version",
            "'2.0' is not a valid metadata version. See https://packaging.python.org/specifications/core-metadata for more information.",
            w().set("Metadata-Version", "2.0"),
        ),
        case(
            "M003-invalid-name",
            "'demo-' is an invalid value for Name. Error: Start and end with a letter or numeral",
            w().set("Name", "demo-"),
        )
        .also(&["N004"]),
        case(
            "M003-invalid-name-unknown",
            "'' is an invalid value for Name. Error: This field is required.",
            w().set("Name", "UNKNOWN"),
        ),
        case(
            "M004-invalid-version",
            "'dog' is invalid for 'version'.",
            w().set("Version", "dog"),
        ),
        case(
            "M005-local-version",
            "The use of local versions in '1.0+local' is not allowed.",
            w().set("Version", "1.0+local"),
        )
        .also(&["N006"]),
        case(
            "M006-field-too-new",
            "license-expression introduced in metadata version 2.4, not 2.3.",
            w().set("Metadata-Version", "2.3"),
        ),
        case(
            "M026-repeated-field-dropped",
            "Summary appears more than once; only the first value is sent",
            w().add("Summary", "A second summary"),
        ),
        case(
            "M007-repeated-field-project-url",
            "'project_urls' has invalid data.",
            w().add("Project-URL", "Source, https://example.com/other"),
        ),
        case(
            "M008-summary-multiline",
            "'summary' must be a single line.",
            w().set("Summary", "A summary\n  folded over two lines"),
        ),
        case(
            "M009-summary-too-long",
            "'summary' field must be 512 characters or less.",
            w().set("Summary", &"x".repeat(513)),
        ),
        case(
            "M010-invalid-description-content-type",
            "'description-content-type' must be one of ['text/markdown', 'text/plain', 'text/x-rst'], not 'text/html'",
            w().set("Description-Content-Type", "text/html"),
        ),
        case(
            "M010-invalid-description-content-type-charset",
            "can only specify the UTF-8 charset, not 'latin-1'",
            w().set("Description-Content-Type", "text/markdown; charset=latin-1"),
        ),
        case(
            "M010-invalid-description-content-type-variant",
            "valid Markdown variants for 'description-content-type' are ['CommonMark', 'GFM'], not 'Foo'",
            w().set("Description-Content-Type", "text/markdown; variant=Foo"),
        ),
        case(
            "M011-invalid-requires-dist",
            "'foo >= dog' is invalid for 'requires-dist'.",
            w().add("Requires-Dist", "foo >= dog"),
        ),
        case(
            "M012-direct-url-dependency",
            "Can't have direct dependency: foo @ https://example.com/foo-1.0.tar.gz.",
            w().add("Requires-Dist", "foo@ https://example.com/foo-1.0.tar.gz"),
        ),
        case(
            "M013-invalid-provides-dist",
            "'foo >= dog' is invalid:",
            w().add("Provides-Dist", "foo >= dog"),
        ),
        case(
            "M014-invalid-requires-python",
            "'>=3.x' is invalid for 'requires-python'.",
            w().set("Requires-Python", ">=3.x"),
        ),
        case(
            "M015-invalid-provides-extra",
            "'foo bar' is invalid for 'provides-extra'.",
            w().add("Provides-Extra", "foo bar"),
        ),
        case(
            "M016-invalid-dynamic",
            "'name' is not allowed as a dynamic field.",
            w().add("Dynamic", "Name"),
        ),
        case(
            "M016-invalid-dynamic-unknown",
            "'foo' is not a valid dynamic field.",
            w().add("Dynamic", "Foo"),
        ),
        case(
            "M017-invalid-email",
            "'foo@bar' is not a valid email address: The part after the @-sign is not valid. It should have a period. See",
            w().set("Author-email", "Foo <foo@bar>"),
        ),
        case(
            "M018-invalid-url",
            "'irc://example.com/' is not a valid url.",
            w().set("Home-page", "irc://example.com/"),
        ),
        case(
            "M019-invalid-project-url",
            "Must have a URL.",
            w().add("Project-URL", "Documentation"),
        ),
        case(
            "M020-invalid-classifier",
            "'Foo :: Bar' is not a valid classifier.",
            w().add("Classifier", "Foo :: Bar"),
        ),
        case(
            "M020-invalid-classifier-private",
            "'Private :: Do Not Upload' is not a valid classifier.",
            w().add("Classifier", "Private :: Do Not Upload"),
        ),
        case(
            "M021-deprecated-classifier",
            "The classifier 'License :: OSI Approved :: Intel Open Source License' has been deprecated.",
            w().add(
                "Classifier",
                "License :: OSI Approved :: Intel Open Source License",
            ),
        ),
        case(
            "M022-invalid-import-name",
            "'1foo' is invalid for 'import-name'; '1foo' is not a valid identifier.",
            w().set("Metadata-Version", "2.5")
                .add("Import-Name", "1foo"),
        ),
        case(
            "M022-invalid-import-name-keyword",
            "'class' is invalid for 'import-name'; 'class' is a keyword.",
            w().set("Metadata-Version", "2.5")
                .add("Import-Name", "class"),
        ),
        case(
            "M023-unknown-field",
            "X-Custom is not a core-metadata field",
            w().add("X-Custom", "1"),
        ),
        case(
            "M024-malformed-header-line",
            "is not a header",
            w().raw_metadata(
                b"Metadata-Version: 2.4\nName: demo\nthis line is not a header\nVersion: 1.0\n",
            ),
        )
        .also(&["M004"]),
        case(
            "M025-description-conflict",
            "both as a Description header and as the message body",
            w().add("Description", "From the header"),
        ),
        // Licensing.
        case(
            "L001-license-with-expression",
            "License is deprecated when License-Expression is present.",
            w().add("License", "MIT License"),
        ),
        case(
            "L002-invalid-license-expression",
            "'Not-A-License' is invalid for 'license-expression'.",
            w().set("License-Expression", "Not-A-License"),
        ),
        case(
            "L003-invalid-license-file-path",
            "'../LICENSE' is invalid for 'license-file', parent directory indicators are not allowed.",
            w().set("License-File", "../LICENSE"),
        ),
        case(
            "L004-license-file-missing",
            "License-File COPYING does not exist in distribution file demo-1.0.tar.gz at demo-1.0/COPYING",
            s().add("License-File", "COPYING"),
        ),
        case(
            "L004-license-file-missing-wheel",
            "License-File COPYING does not exist in distribution file demo-1.0-py3-none-any.whl at demo-1.0.dist-info/licenses/COPYING",
            w().add("License-File", "COPYING"),
        ),
        case(
            "L005-license-file-ignored",
            "License-File is not sent under Metadata-Version 2.3",
            w().set("Metadata-Version", "2.3")
                .remove("License-Expression"),
        ),
        // The description.
        case(
            "D001-description-render",
            "The description failed to render in the default format of reStructuredText.",
            w().remove("Description-Content-Type").body(Some("   \n\n")),
        )
        .also(&[]),
        case(
            "D001-description-render-markdown",
            "The description failed to render for 'text/markdown'.",
            w().body(Some("  \n")),
        ),
        case(
            "D002-missing-description-content-type",
            "`long_description_content_type` missing. defaulting to `text/x-rst`.",
            w().remove("Description-Content-Type")
                .body(Some("demo\n====\n\nA demonstration package.\n")),
        ),
        case(
            "D003-missing-description",
            "`long_description` missing.",
            w().body(None),
        ),
        // The project page: accepted, but shown broken (warnings).
        case(
            "P001-relative-image",
            "line 3 of the description: the image `docs/logo.png` is a relative path",
            w().add("Project-URL", "Repository, https://github.com/example/demo")
                .body(Some("# demo\n\n![logo](docs/logo.png)\n")),
        ),
        case(
            "P001-relative-image-rst",
            "line 4 of the description: the image `docs/logo.png` is a relative path",
            w().set("Description-Content-Type", "text/x-rst")
                .body(Some("demo\n====\n\n.. image:: docs/logo.png\n")),
        ),
        case(
            "P002-relative-link",
            "the link `CHANGELOG.md` is a relative path",
            w().body(Some("# demo\n\nSee [the changelog](CHANGELOG.md).\n")),
        ),
        case(
            "P003-removed-html",
            "`<source>` is removed by PyPI's sanitizer: the `<picture>` keeps only its `<img>` fallback",
            w().body(Some(
                "# demo\n\n<picture>\n  <source media=\"(prefers-color-scheme: dark)\" srcset=\"https://example.com/dark.png\">\n  <img alt=\"logo\" src=\"https://example.com/light.png\">\n</picture>\n",
            )),
        ),
        case(
            "P004-github-only-syntax",
            "the alert marker `[!NOTE]` is shown as literal text",
            w().body(Some("# demo\n\n> [!NOTE]\n> Requires Python 3.9.\n")),
        ),
        case(
            "P005-dropped-url-scheme",
            "uses the `javascript:` scheme, which PyPI's sanitizer drops",
            w().body(Some("# demo\n\n[run](javascript:alert(1))\n")),
        ),
    ]
}

/// Writes `write_zip` output for callers that need a bare archive.
pub fn bare_zip(members: &[Member]) -> Vec<u8> {
    write_zip(members, &ZipFaults::default())
}
