//! Differential test: hoist's validation of metadata values against `packaging`, the library
//! PyPI validates uploads with (the version pinned in scripts/requirements-test.txt). Each
//! corpus value goes through both; the verdicts (accepted or refused) must agree.
//!
//! Needs the test venv that `scripts/test` creates (`HOIST_TEST_PYTHON`).

mod testpython;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use hoist::check::rules::license::license_expression_problem;
use hoist::check::rules::metadata::{is_valid_specifiers, is_valid_version, parse_requirement};
use hoist::dist::filename::is_valid_project_name;

const VERSIONS: &[&str] = &[
    "1.0",
    "v1.0",
    "V1.0",
    "1.0.dev.a1",
    "dog",
    "1.0+local",
    "1!2.0",
    "1.0-9",
    "1.0.post",
    "1.0rc",
    "1.0c1",
    "1.0a",
    "1_0",
    "1.0.0.0.0",
    ".1",
    "1.",
    "01.02",
    "1.0-dev",
    "1.0-r4",
    "1.0preview1",
    "1.0_post1",
    "  1.0  ",
    "1..0",
    "1.0+",
    "1.0+a..b",
    "1.0+ab_c",
    "1.0-1-1",
    "0",
    "1.2.3.dev4.post5",
    "1.2.3.post5.dev4",
    "1.0.a1",
    "1.0alpha1",
    "1.0beta1",
    "1.0pre1",
    "1.0rev1",
    "1.0-post1",
    "1.0.post-1",
    "1.0+ABC",
    "1.0+1.2",
    "1!",
    "!1.0",
    "1.0.dev",
    "1.0dev1",
    "1.0.DEV1",
    "1.0 .dev1",
    "1,0",
    "1.0a1.post2.dev3",
    "2026.11.27",
    "1.0+local.",
    "1.0+-x",
    "1.0.0-alpha",
    "1.0.0-rc.1",
    "1.0-",
    "1e3",
];
const SPECIFIERS: &[&str] = &[
    ">=3.9",
    ">=3.x",
    "~=3",
    "~=3.9",
    "==3.*",
    ">=3.*",
    "!=3.9.*",
    "===foo",
    ">=3.9,<4",
    ">=3.9, <4",
    ">= 3.9",
    "3.9",
    ">=3.9;",
    "<4.0.0.dev0",
    "==1.0+local",
    ">=1.0+local",
    "~=1.0.*",
    ">=3,",
    ",>=3",
    "=>3.9",
    ">=v3.9",
    "== 3.9.*",
    "^3.9",
    ">3.9.post1.dev2",
    "<3.9.*",
    "==3.9.*.*",
    "!=3.9",
    ">=3.9,,<4",
    "~= 3.9",
    "==1.0.post1",
    "> 3",
    "<=3.12",
    "=== 1.0",
    ">=3.9 <4",
    "~=1!1.0",
];
const REQUIREMENTS: &[&str] = &[
    "foo",
    "foo>=1",
    "foo >= dog",
    "foo (>=1.0)",
    "foo[bar]>=1",
    "foo[bar, baz] ; python_version<'3.9'",
    "foo @ https://x/y.whl",
    "foo@https://x/y.whl",
    "foo; extra == 'bar'",
    "foo>=1;os_name=='nt' and python_version>='3'",
    "foo==1.*",
    "foo===weird",
    "-foo",
    "foo-",
    "foo.bar_baz-qux",
    "foo>=1,<2",
    "foo ~= 1.0",
    "foo; python_version > '3' or",
    "foo[]",
    "foo; platform_machine == \"x86_64\"",
    "foo>=1.0; extra == 'test' and python_version < '3.10'",
    "foo; implementation_name == 'cpython'",
    "foo; python_version ~= '3.9'",
    "foo; 'linux' in sys_platform",
    "foo==1.0+local",
    "foo; python_full_version >= '3.9.0'",
    "foo; bad_marker == '1'",
    "foo bar",
    "foo>=1.0 <2",
    "Foo_Bar>=0.1",
    "caf\u{e9}",
    "foo ;python_version<'3'",
    "foo>=1.0.0.dev0",
    "foo; extra == 'Test-Extra'",
    "foo>=1.0,",
    "foo (>=1.0",
    "foo[bar",
    "foo>=1; python_version",
    "foo ; os_name == 'posix' and (python_version >= '3.8' or implementation_name == 'pypy')",
    "foo >=1.0, !=1.5.*",
    "foo==",
    "foo>=1.0;",
    "foo @ file:///tmp/foo",
    "foo[bar]@ https://x/y.whl ; os_name=='nt'",
];
const NAMES: &[&str] = &[
    "demo",
    "Demo.Name_x-1",
    "demo-",
    "-demo",
    "de mo",
    "caf\u{e9}",
    "a",
    "A1",
    "a..b",
    "a__b",
    "1",
    "_x",
    "x_",
    "a.b.c",
    "A-B_C.D",
];
const LICENSES: &[&str] = &[
    "MIT",
    "mit",
    "MIT OR Apache-2.0",
    "(MIT OR Apache-2.0) AND BSD-3-Clause",
    "GPL-2.0-or-later WITH Classpath-exception-2.0",
    "Not-A-License",
    "MIT OR",
    "MIT Apache-2.0",
    "()",
    "MIT (Apache-2.0)",
    "LicenseRef-Proprietary",
    "LicenseRef-a_b",
    "GPL-2.0+",
    "GPL-2.0",
    "MIT WITH Not-An-Exception",
    "mit and (apache-2.0 or bsd-2-clause)",
    "DocumentRef-x:LicenseRef-y",
    "MIT AND",
    "AND MIT",
    "(MIT",
    "MIT)",
    "MIT OR (Apache-2.0 AND (BSD-2-Clause))",
    "0BSD",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-3-Clause-Clear",
    "CC-BY-4.0",
    "LGPL-3.0-only",
    "Unlicense",
    "mit with",
    "MIT WITH MIT",
    "MIT+",
    "Apache-2.0 or MIT",
    "MIT  OR  Apache-2.0",
    "(MIT)",
    "((MIT))",
    "LicenseRef-",
    "licenseref-foo",
    "BSD-2-Clause-Patent",
    "AGPL-3.0-or-later",
    "Python-2.0",
    "PSF-2.0",
];

fn hoist_accepts(field: &str, value: &str) -> bool {
    match field {
        "version" => is_valid_version(value),
        "requires-python" => is_valid_specifiers(value),
        "requires-dist" => parse_requirement(value).is_ok(),
        "name" => is_valid_project_name(value),
        "license-expression" => license_expression_problem(value).is_ok(),
        _ => unreachable!("unknown field {field}"),
    }
}

#[test]
fn metadata_values_agree_with_packaging() {
    let corpus: Vec<(&str, &str)> = [
        ("version", VERSIONS),
        ("requires-python", SPECIFIERS),
        ("requires-dist", REQUIREMENTS),
        ("name", NAMES),
        ("license-expression", LICENSES),
    ]
    .iter()
    .flat_map(|(f, vs)| vs.iter().map(move |v| (*f, *v)))
    .collect();
    let input = serde_json::to_vec(
        &corpus
            .iter()
            .map(|(f, v)| serde_json::json!({"field": f, "value": v}))
            .collect::<Vec<_>>(),
    )
    .expect("json");
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/packaging_verdicts.py");
    let mut child = Command::new(testpython::python())
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the packaging oracle");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write corpus");
    let out = child.wait_with_output().expect("oracle output");
    assert!(out.status.success(), "oracle failed");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("oracle JSON");
    let verdicts = v["verdicts"].as_array().expect("verdicts");
    let mut disagreements = Vec::new();
    for ((field, value), theirs) in corpus.iter().zip(verdicts) {
        let theirs = theirs.as_bool().expect("bool");
        let ours = hoist_accepts(field, value);
        if ours != theirs {
            disagreements.push(format!(
                "{field} {value:?}: packaging {} it, hoist {} it",
                if theirs { "accepts" } else { "refuses" },
                if ours { "accepts" } else { "refuses" }
            ));
        }
    }
    let agree = corpus.len() - disagreements.len();
    println!(
        "packaging {}: {agree}/{} values agree",
        v["packaging"],
        corpus.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
