//! Differential tests, one per validator PyPI applies with a library: each runs a generated
//! corpus through hoist and through that library at PyPI's pinned version (the test venv,
//! `HOIST_TEST_PYTHON`; versions in scripts/requirements-test.txt), in one Python process per
//! validator (`tests/oracle/validators.py`, values over stdin). Any disagreement fails the test
//! and prints the value, both verdicts and, for refusals, both messages.
//!
//! Each corpus has a fixed part (`FIXED` values from a seeded generator: grammar pieces around
//! each rule's boundaries, and mutations of real values from the test distributions) and a
//! fresh part that proptest draws anew on every run (`PROPTEST_CASES` values, random seed).

mod testpython;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use hoist::check::rules::license::canonicalize_license_expression;
use hoist::check::rules::metadata::{classifier_problem, description_content_type_problem};
use hoist::check::{email, packaging, rfc3986};
use hoist::dist::filename::is_valid_project_name;
use hoist::dist::version::Version;
use hoist::pyrepr::py_repr;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};

/// Values per validator in the fixed, seeded part of each corpus.
const FIXED: usize = 5_000;
const SEED: u64 = 12;

/// A verdict: accepted (with what the library makes of the value) or refused (with its
/// message).
type Verdict = (bool, String);

fn oracle(kind: &str, values: &[String]) -> Vec<Verdict> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/validators.py");
    let mut child = Command::new(testpython::python())
        .arg(script)
        .arg(kind)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the validator oracle");
    let mut stdin = child.stdin.take().expect("stdin");
    let input: String = values
        .iter()
        .map(|v| serde_json::to_string(v).expect("json") + "\n")
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    let verdicts: Vec<Verdict> = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("line")).expect("json");
            (
                v["ok"].as_bool().expect("ok"),
                v["out"].as_str().expect("out").to_string(),
            )
        })
        .collect();
    writer.join().expect("writer").expect("write values");
    assert!(child.wait().expect("oracle").success(), "oracle failed");
    assert_eq!(verdicts.len(), values.len(), "one verdict per value");
    verdicts
}

/// How a kind's messages are compared.
#[derive(Clone, Copy)]
struct Compare {
    /// Refusals whose library message this accepts are compared by verdict alone: the library
    /// raised something other than its validation error there (a Python `SyntaxError` from
    /// `ast.literal_eval`, a `KeyError` from `str.format_map`), which PyPI answers with a
    /// server error; hoist refuses those values with its own words.
    verdict_only: fn(&str) -> bool,
    /// Applied to both messages before comparing.
    normalize: fn(&str) -> String,
}

const EXACT: Compare = Compare {
    verdict_only: |_| false,
    normalize: str::to_string,
};

/// Runs the corpus (fixed plus fresh values) through both and panics with every disagreement.
fn differential(kind: &str, fixed: Vec<String>, fresh: &str, hoist: impl Fn(&str) -> Verdict) {
    differential_with(kind, fixed, fresh, hoist, EXACT);
}

fn differential_with(
    kind: &str,
    fixed: Vec<String>,
    fresh: &str,
    hoist: impl Fn(&str) -> Verdict,
    compare: Compare,
) {
    let mut values = fixed;
    let mut runner = TestRunner::new(Config::default());
    let strategy = fresh;
    for _ in 0..Config::default().cases {
        let tree = strategy.new_tree(&mut runner).expect("proptest value");
        values.push(tree.current());
    }
    let theirs = oracle(kind, &values);
    let mut bad = Vec::new();
    for (value, theirs) in values.iter().zip(&theirs) {
        let ours = hoist(value);
        let same = if !ours.0 && !theirs.0 && (compare.verdict_only)(&theirs.1) {
            true
        } else {
            ours.0 == theirs.0 && (compare.normalize)(&ours.1) == (compare.normalize)(&theirs.1)
        };
        if !same {
            bad.push(format!(
                "{kind} {value:?}:\n  PyPI  {} {:?}\n  hoist {} {:?}",
                verb(theirs.0),
                theirs.1,
                verb(ours.0),
                ours.1
            ));
        }
    }
    println!(
        "{kind}: {}/{} values agree ({} fixed, seed {SEED})",
        values.len() - bad.len(),
        values.len(),
        FIXED
    );
    assert!(
        bad.is_empty(),
        "{} disagreements:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

fn verb(ok: bool) -> &'static str {
    if ok { "accepts" } else { "refuses" }
}

/// A seeded generator: picks grammar pieces and mutates them.
struct Gen {
    rng: fastrand::Rng,
}

const ODD: &[&str] = &[
    " ", "\t", "\n", "\u{1c}", "\u{a0}", "\u{2028}", "\u{3000}", "é", "ü", "\u{212a}", "\u{17f}",
    "\u{130}", "\u{131}", "\u{ff20}", "%", "%2", "%20", "%zz", "[", "]", "(", ")", "<", ">", "@",
    ":", ";", ",", ".", "..", "-", "_", "+", "*", "!", "=", "~", "\"", "'", "\\", "|", "^", "`",
    "{", "}", "#", "?", "/", "0", "9", "a", "Z", "",
];

impl Gen {
    fn new(salt: u64) -> Gen {
        Gen {
            rng: fastrand::Rng::with_seed(SEED ^ salt),
        }
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.usize(..items.len())]
    }

    /// One to three edits: insert, delete, replace, duplicate, case change or truncation.
    fn mutate(&mut self, s: &str) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        for _ in 0..self.rng.usize(1..=3) {
            let at = self.rng.usize(..=chars.len());
            match self.rng.u8(..6) {
                0 => {
                    let piece: Vec<char> = self.pick(ODD).chars().collect();
                    chars.splice(at..at, piece);
                }
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                2 if at < chars.len() => {
                    let piece: Vec<char> = self.pick(ODD).chars().collect();
                    chars.splice(at..=at, piece);
                }
                3 if at < chars.len() => {
                    let end = self.rng.usize(at..=chars.len());
                    let copy: Vec<char> = chars[at..end].to_vec();
                    chars.splice(at..at, copy);
                }
                4 if at < chars.len() => {
                    let c = chars[at];
                    chars[at] = if c.is_lowercase() {
                        c.to_uppercase().next().unwrap_or(c)
                    } else {
                        c.to_lowercase().next().unwrap_or(c)
                    };
                }
                _ => chars.truncate(at),
            }
        }
        chars.into_iter().collect()
    }

    /// `n` distinct values: `grammar` products, half of them mutated, plus mutations of `real`.
    fn corpus(
        &mut self,
        real: &[&str],
        mut grammar: impl FnMut(&mut Gen) -> String,
    ) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for r in real {
            if seen.insert(r.to_string()) {
                out.push(r.to_string());
            }
        }
        let mut tries = 0;
        while out.len() < FIXED && tries < FIXED * 50 {
            tries += 1;
            let v = match self.rng.u8(..4) {
                0 if !real.is_empty() => {
                    let r = self.pick(real);
                    self.mutate(r)
                }
                1 => {
                    let g = grammar(self);
                    self.mutate(&g)
                }
                _ => grammar(self),
            };
            if seen.insert(v.clone()) {
                out.push(v);
            }
        }
        out
    }

    fn number(&mut self) -> String {
        self.pick(&[
            "0",
            "1",
            "2",
            "9",
            "10",
            "01",
            "007",
            "2026",
            "99999999999999999999",
        ])
        .to_string()
    }

    fn version(&mut self) -> String {
        let mut v = String::new();
        v.push_str(self.pick(&["", "", "", "v", "V", " ", "  v"]));
        if self.rng.u8(..6) == 0 {
            v.push_str(&format!("{}!", self.number()));
        }
        v.push_str(&self.number());
        for _ in 0..self.rng.usize(0..4) {
            v.push('.');
            v.push_str(&self.number());
        }
        let sep = ["", ".", "-", "_"];
        if self.rng.bool() {
            v.push_str(self.pick(&sep));
            v.push_str(self.pick(&[
                "a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "RC", "dev",
            ]));
            v.push_str(self.pick(&sep));
            if self.rng.bool() {
                v.push_str(&self.number());
            }
        }
        if self.rng.bool() {
            v.push_str(self.pick(&["-", ".post", "post", "-post", "_r", "rev", ".r", ".POST"]));
            if self.rng.bool() {
                v.push_str(&self.number());
            }
        }
        if self.rng.u8(..3) == 0 {
            v.push_str(self.pick(&[".dev", "dev", "-dev", "_DEV", ".dev."]));
            if self.rng.bool() {
                v.push_str(&self.number());
            }
        }
        if self.rng.u8(..4) == 0 {
            v.push('+');
            v.push_str(self.pick(&["local", "ab.1", "Ab-01", "a_b", "", "a..b", "-x", "ubuntu1"]));
        }
        v.push_str(self.pick(&["", "", "", " ", "\t", "\n", "*", ".*"]));
        v
    }

    fn specifier_set(&mut self) -> String {
        let ops = [
            "==", "!=", "~=", "<=", ">=", "<", ">", "===", "=", "=>", "^", "",
        ];
        let mut parts = Vec::new();
        for _ in 0..self.rng.usize(1..4) {
            let op = self.pick(&ops);
            let ws = self.pick(&["", "", " ", "  ", "\t"]);
            let version = match self.rng.u8(..8) {
                0 => self
                    .pick(&["foobar", "1.0 beta", "3.x", "", "*", "1.*.1", "dog;", "x)"])
                    .to_string(),
                _ => self.version(),
            };
            parts.push(format!("{op}{ws}{version}"));
        }
        let sep = self.pick(&[",", ", ", ",,", " ,", ", ,"]);
        let mut s = parts.join(sep);
        if self.rng.u8(..5) == 0 {
            s.push(',');
        }
        if self.rng.u8(..8) == 0 {
            s.insert(0, ',');
        }
        s
    }

    fn marker(&mut self) -> String {
        let vars = [
            "python_version",
            "python_full_version",
            "os_name",
            "os.name",
            "sys_platform",
            "platform_release",
            "platform_system",
            "platform.machine",
            "platform_python_implementation",
            "python_implementation",
            "implementation_name",
            "extra",
            "extras",
            "dependency_groups",
            "bad_marker",
            "python_versionx",
        ];
        let values = [
            "'3.9'",
            "\"3\"",
            "'nt'",
            "'Test_X'",
            "'linux'",
            "''",
            "'a\"b'",
            "\"unterminated",
        ];
        let ops = [
            "<",
            "<=",
            "==",
            "!=",
            ">=",
            ">",
            "~=",
            "===",
            " in ",
            " not in ",
            " not  in ",
            "=",
            " notin ",
        ];
        let atom = |g: &mut Gen| {
            let (l, r) = if g.rng.bool() {
                (g.pick(&vars).to_string(), g.pick(&values).to_string())
            } else {
                (g.pick(&values).to_string(), g.pick(&vars).to_string())
            };
            let ws = g.pick(&["", " ", "  "]);
            format!("{l}{ws}{}{ws}{r}", g.pick(&ops))
        };
        let mut s = atom(self);
        for _ in 0..self.rng.usize(0..3) {
            let op = self.pick(&[" and ", " or ", "and", " AND ", " or"]);
            let next = atom(self);
            s = if self.rng.u8(..3) == 0 {
                format!("({s}){op}{next}")
            } else {
                format!("{s}{op}{next}")
            };
        }
        if self.rng.u8(..6) == 0 {
            s = format!("({s}");
        }
        s
    }

    fn requirement(&mut self) -> String {
        let name = self.pick(&[
            "foo",
            "Foo_Bar",
            "foo_",
            "foo.bar-baz",
            "-foo",
            "1",
            "é",
            "",
            "foo bar",
        ]);
        let extras = self.pick(&[
            "",
            "",
            "[a]",
            "[a,b]",
            "[ a , b ]",
            "[]",
            "[a b]",
            "[a,]",
            "[a",
            " [a]",
        ]);
        let version = match self.rng.u8(..6) {
            0 => format!(
                " @ {}",
                self.pick(&[
                    "https://x/y.whl",
                    "file:///x",
                    "https://x y",
                    "",
                    "git+https://g/r@v1"
                ])
            ),
            1 => format!("({})", self.specifier_set()),
            2 => format!(" ( {}", self.specifier_set()),
            3 => String::new(),
            _ => format!("{}{}", self.pick(&["", " "]), self.specifier_set()),
        };
        let marker = match self.rng.u8(..4) {
            0 => format!("{}; {}", self.pick(&["", " "]), self.marker()),
            1 => self.pick(&[";", " ;", "; ", ";python_version"]).to_string(),
            _ => String::new(),
        };
        format!("{name}{extras}{version}{marker}")
    }

    fn email(&mut self) -> String {
        let local = self.pick(&[
            "jane",
            "jane.doe",
            "j..d",
            ".j",
            "j.",
            "jane doe",
            "\"q\"",
            "\"a b\"",
            "a+b",
            "ü",
            "",
            "YOUR_EMAIL_ADDRESS_HERE",
            "a!#$%&'*+/=?^_`{|}~",
            "info",
            "x(y)",
        ]);
        let at = self.pick(&["@", "@", "@", "", "@@", "\u{ff20}", " @ "]);
        let domain = self.pick(&[
            "example.com",
            "example",
            "127.0.0.1",
            "[127.0.0.1]",
            "[IPv6:::1]",
            "[1.2.3]",
            "localhost",
            "ex ample.com",
            "-ex.com",
            "ex-.com",
            "a..b.com",
            "EXAMPLE.COM",
            "xn--bcher-kva.ch",
            "ab--c.com",
            "x.test",
            "x.onion",
            "example.com1",
            "ex_ample.com",
            "example.com.",
            "a.b-c.io",
        ]);
        let address = format!("{local}{at}{domain}");
        let wrapper = self.pick(&[
            "{}",
            "{}",
            "Jane <{}>",
            "\"Doe, J\" <{}>",
            "{}, b@example.com",
            "mailto:{}",
            "({})",
            "{} (comment)",
            "<{}>",
            "(unbalanced {}",
            "{})",
            "attr: x.y {}",
            "Jane Doe {}",
        ]);
        wrapper.replace("{}", &address)
    }

    fn url(&mut self) -> String {
        let scheme = self.pick(&["http", "https", "HTTPS", "ftp", "", "h", "git+https"]);
        let colon = self.pick(&["://", "://", ":", "", ":///"]);
        let user = self.pick(&["", "", "user@", "user:pw@", "@", "us er@"]);
        let host = self.pick(&[
            "example.com",
            "EXAMPLE.com",
            "127.0.0.1",
            "999.1.1.1",
            "[::1]",
            "[fe80::1%eth0]",
            "[fe80::1%25eth0]",
            "[v1.x]",
            "[::g]",
            "",
            "exa mple.com",
            "ex_ample.com",
            "m\u{fc}nchen.de",
            "a|b",
        ]);
        let port = self.pick(&[
            "", "", ":", ":0", ":80", ":65535", ":65536", ":655360", ":8a",
        ]);
        let mut path = String::new();
        for _ in 0..self.rng.usize(0..4) {
            path.push('/');
            path.push_str(self.pick(&[
                "a",
                "docs",
                "Release Notes.md",
                "a|b",
                "%",
                "%2F",
                "%zz",
                "[x]",
                ".",
                "..",
                "caf\u{e9}",
                "@",
                ":",
                "~u",
                "\"q\"",
                "<>",
                "\\",
                "^",
                "`",
                "{}",
            ]));
        }
        let query = self.pick(&["", "", "?", "?a=1", "?q=[x]", "?a b", "?%"]);
        let frag = self.pick(&["", "", "#", "#frag", "#a b[]", "#%"]);
        format!("{scheme}{colon}{user}{host}{port}{path}{query}{frag}")
    }

    fn name(&mut self) -> String {
        let parts = [
            "a", "Z", "0", "9", ".", "_", "-", " ", "é", "\u{212a}", "\u{130}", "\u{131}",
            "\u{17f}", "\n", "demo", "foo",
        ];
        let n = self.rng.usize(0..6);
        (0..n).map(|_| self.pick(&parts)).collect()
    }

    fn license(&mut self) -> String {
        let tokens = [
            "MIT",
            "mit",
            "Apache-2.0",
            "GPL-2.0+",
            "GPL-2.0-or-later",
            "LicenseRef-x",
            "licenseref-a_b",
            "LicenseRef-",
            "DocumentRef-x:LicenseRef-y",
            "NOASSERTION",
            "NONE",
            "Not-A-License",
            "WITH",
            "with",
            "Classpath-exception-2.0",
            "LLVM-exception",
            "Not-An-Exception",
            "AND",
            "OR",
            "and",
            "or",
            "(",
            ")",
            "0BSD",
            "BSD-3-Clause",
            "MIT+",
            "GPL-2.0",
            "Unlicense",
        ];
        let n = self.rng.usize(1..6);
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push_str(self.pick(&[" ", " ", "  ", "", "\t"]));
            }
            s.push_str(self.pick(&tokens));
        }
        s
    }

    fn content_type(&mut self) -> String {
        let mut s = self
            .pick(&[
                "text/markdown",
                "text/x-rst",
                "text/plain",
                "TEXT/Markdown",
                "text/html",
                "text",
                "text/",
                "/markdown",
                "",
                " text/markdown ",
            ])
            .to_string();
        for _ in 0..self.rng.usize(0..3) {
            s.push_str(self.pick(&["; ", ";", " ; ", ";;"]));
            s.push_str(self.pick(&[
                "charset=UTF-8",
                "charset=utf-8",
                "charset=\"UTF-8\"",
                "charset=",
                "charset=latin-1",
                "variant=GFM",
                "variant=CommonMark",
                "variant=gfm",
                "variant=",
                "variant",
                "variant=\"\"",
                "variant=GFM (x)",
                "variant*=UTF-8''GFM",
                "x=y",
                "variant = GFM",
                "variant=G FM",
                "Variant=CommonMark",
            ]));
        }
        s
    }
}

fn known(field: &str) -> Vec<&'static str> {
    match field {
        "url" => vec![
            "https://example.com/demo",
            "https://github.com/example/demo-pkg/blob/main/docs/Release Notes.md",
            "https://example.com/a|b",
            "https://example.com:65536/",
            "https://pypi.org/project/hoist/",
        ],
        "email" => vec![
            "Jane Doe <jane@example.com>",
            "jane@example.com",
            "YOUR_EMAIL_ADDRESS_HERE",
            "attr: demo_pkg.__author_email__",
            "mailto:jane@example.com",
            "jane@127.0.0.1",
        ],
        "requirement" => vec![
            "numpy >=1.19,",
            "requests===foobar",
            "requests\n >=2.0",
            "foo[bar, baz] ; python_version<'3.9'",
            "foo @ https://x/y.whl",
        ],
        _ => vec![],
    }
}

/// Real values: the issue's examples for the kind, then the values of the given metadata
/// fields in the distributions the tests already use (fixtures/dist: six, tomli, orjson and
/// the demo package, wheels and sdists).
fn real(kind: &str, fields: &[&str]) -> Vec<&'static str> {
    let mut out = known(kind);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/dist");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/dist")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    for path in paths {
        let dist = hoist::check::Dist::read(&path, &hoist::check::Options::default());
        let Some((_, md)) = dist.parsed_metadata() else {
            continue;
        };
        for field in fields {
            for f in md.values(field) {
                let value: &'static str = Box::leak(f.value.clone().into_boxed_str());
                if !out.contains(&value) {
                    out.push(value);
                }
            }
        }
    }
    out
}

#[test]
fn urls_agree_with_rfc3986() {
    let mut g = Gen::new(1);
    let corpus = g.corpus(&real("url", &["home-page", "download-url"]), Gen::url);
    differential(
        "url",
        corpus,
        "(https?|HTTPS|ftp)?:(//)?[a-z0-9.:@%|\\[\\] /?#é\\\\-]{0,24}",
        |v| {
            if rfc3986::is_valid_uri(v, false) {
                (true, String::new())
            } else {
                (false, "not a valid url".into())
            }
        },
    );
}

#[test]
fn emails_agree_with_parseaddr_and_email_validator() {
    let mut g = Gen::new(2);
    let corpus = g.corpus(
        &real("email", &["author-email", "maintainer-email"]),
        Gen::email,
    );
    differential(
        "email",
        corpus,
        "[a-z\"(). <>,:@\\[\\]-]{0,12}@?[a-z0-9.\\[\\]:-]{0,12}",
        |v| {
            let address = email::parseaddr(v);
            if address.is_empty() {
                return (true, String::new());
            }
            match email::validate_email(&address) {
                Ok(()) => (true, address),
                Err(m) => (false, format!("{address}\n{m}")),
            }
        },
    );
}

#[test]
fn versions_agree_with_packaging() {
    let mut g = Gen::new(3);
    let corpus = g.corpus(
        &["1.0", "2026.11.27", "99999999999999999999.0"],
        Gen::version,
    );
    differential(
        "version",
        corpus,
        "[vV ]?[0-9]{1,3}(\\.[0-9]{1,2}){0,3}[._-]?(a|b|rc|c|post|dev|r)?[._-]?[0-9]?(\\+[a-z0-9._-]{0,4})?",
        |v| match v.parse::<Version>() {
            Ok(v) => (true, v.to_string()),
            Err(e) => (false, e.to_string()),
        },
    );
}

#[test]
fn specifiers_agree_with_packaging() {
    let mut g = Gen::new(4);
    let corpus = g.corpus(
        &[">=3.9", ">=3.6,", ">=3.9,,<4", "===foobar"],
        Gen::specifier_set,
    );
    differential(
        "specifier",
        corpus,
        "(===|==|!=|~=|<=|>=|<|>)? ?[0-9]{1,2}(\\.[0-9*]{1,2}){0,2}[a-z]{0,2}(, ?(<|>=)[0-9.]{1,4})?,?",
        |v| match packaging::specifier_set(v) {
            Ok(()) => (true, String::new()),
            Err(e) => (false, e),
        },
    );
}

#[test]
fn requirements_agree_with_packaging() {
    let mut g = Gen::new(5);
    let corpus = g.corpus(
        &real(
            "requirement",
            &["requires-dist", "provides-dist", "obsoletes-dist"],
        ),
        Gen::requirement,
    );
    differential_with(
        "requirement",
        corpus,
        "[a-zA-Z_.-]{1,6}(\\[[a-z, ]{0,5}\\])? ?(@ ?[a-z:/ ]{0,8}|[<>=!~]{0,3} ?[0-9.*]{0,5},?)( ?; ?(os_name|extra) ?(==|in) ?'[a-zA-Z_-]{0,3}')?",
        |v| match packaging::parse_requirement(v) {
            Ok(r) => (true, r.to_string()),
            Err(e) => (false, e),
        },
        Compare {
            verdict_only: |m| !m.contains("\n    ") && !m.starts_with("Invalid specifier"),
            normalize: str::to_string,
        },
    );
}

#[test]
fn markers_agree_with_packaging() {
    let mut g = Gen::new(6);
    let corpus = g.corpus(&["python_version < '3.9'"], Gen::marker);
    differential_with(
        "marker",
        corpus,
        "\\(?(python_version|os_name|extra|'x') ?(<|==|in|not in|~=)? ?('[a-zA-Z0-9._-]{0,4}'|sys_platform)\\)?( (and|or) extra ?== ?'[A-Za-z_.-]{0,4}')?",
        |v| match packaging::parse_marker(v) {
            Ok(m) => (true, m),
            Err(e) => (false, e),
        },
        Compare {
            verdict_only: |m| !m.contains("\n    "),
            normalize: str::to_string,
        },
    );
}

#[test]
fn names_agree_with_packaging() {
    let mut g = Gen::new(7);
    let corpus = g.corpus(
        &[
            &["demo", "Demo.Name_x-1"][..],
            &real("", &["name", "provides-extra"]),
        ]
        .concat(),
        Gen::name,
    );
    differential("name", corpus, "[a-zA-Z0-9._ -]{0,6}", |v| {
        if is_valid_project_name(v) {
            (true, String::new())
        } else {
            (false, format!("name is invalid: {}", py_repr(v)))
        }
    });
}

#[test]
fn license_expressions_agree_with_packaging() {
    let mut g = Gen::new(8);
    let corpus = g.corpus(
        &[
            &["MIT", "NOASSERTION", "MIT OR Apache-2.0"][..],
            &real("", &["license-expression", "license"]),
        ]
        .concat(),
        Gen::license,
    );
    differential(
        "license",
        corpus,
        "\\(?(mit|MIT|Apache-2\\.0|LicenseRef-[a-z_.]{0,3}|GPL-2\\.0\\+?)( (AND|OR|WITH|and) \\(?(mit|LLVM-exception|0BSD)\\)?){0,2}",
        |v| match canonicalize_license_expression(v) {
            Ok(normal) => (true, normal),
            Err(e) => (false, e),
        },
    );
}

/// packaging lists the allowed content types from a set, in an order that changes with
/// Python's hash seed; the list is left out of the comparison.
fn without_list(m: &str) -> String {
    match (m.find('['), m.find(']')) {
        (Some(a), Some(b)) if a < b => format!("{}[…]{}", &m[..a], &m[b + 1..]),
        _ => m.to_string(),
    }
}

#[test]
fn content_types_agree_with_packaging() {
    let mut g = Gen::new(9);
    let corpus = g.corpus(
        &["text/markdown", "text/markdown; variant="],
        Gen::content_type,
    );
    differential_with(
        "content-type",
        corpus,
        "(text|TEXT)/(markdown|x-rst|plain|html)?(; ?(charset|variant)=?\"?[a-zA-Z-]{0,6}\"?){0,2}",
        |v| match description_content_type_problem(v) {
            None => (true, String::new()),
            Some(m) => (false, m),
        },
        Compare {
            // packaging formats its message with str.format_map: a value holding { or }
            // breaks the formatting itself.
            verdict_only: |m| !m.contains("description-content-type") && !m.starts_with("Header"),
            normalize: without_list,
        },
    );
}

#[test]
fn classifiers_agree_with_trove_classifiers() {
    let data = include_str!("../src/check/data/classifiers.txt");
    let deprecated = include_str!("../src/check/data/deprecated-classifiers.txt");
    let mut real: Vec<&str> = data.lines().filter(|l| !l.starts_with('#')).collect();
    real.extend(
        deprecated
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split('\t').next()),
    );
    let mut g = Gen::new(10);
    let pool = real.clone();
    let corpus = g.corpus(&real, |g| {
        let c = g.pick(&pool).to_string();
        match g.rng.u8(..4) {
            0 => format!("Private :: {c}"),
            1 => c.to_lowercase(),
            2 => format!("{c} "),
            _ => c,
        }
    });
    differential(
        "classifier",
        corpus,
        "(Programming Language|License|Topic) :: [A-Za-z ]{0,8}( :: [0-9.]{0,3})?",
        |v| match classifier_problem(v) {
            Ok(()) => (true, String::new()),
            Err(e) => (false, e),
        },
    );
}

/// The README's list of PyPI's pins is the requirements file's block, version for version.
#[test]
fn readme_lists_the_pins() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let reqs = std::fs::read_to_string(root.join("scripts/requirements-test.txt")).expect("read");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("read");
    let block: Vec<&str> = reqs
        .lines()
        .skip_while(|l| !l.starts_with("# --- PyPI's pins ---"))
        .take_while(|l| !l.starts_with("# --- end of PyPI's pins ---"))
        .filter(|l| !l.starts_with('#'))
        .collect();
    assert!(block.len() >= 4, "the pins block is missing");
    for pin in block {
        let (name, version) = pin.split_once("==").expect("name==version");
        assert!(
            readme.contains(&format!("{name} {version}")),
            "README does not list {name} {version}"
        );
    }
}
