//! The project-page rules (P001–P005): each against a description that breaks it and the
//! fixed twin that must pass without any P diagnostic; the fix names the absolute URL built
//! from the project's repository; `--strict` turns the warnings into a failure.

mod support;

use hoist::check::{self, FileReport, Options, Severity, Status};
use support::Spec;

fn check_wheel(spec: Spec) -> FileReport {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = spec.write(dir.path());
    check::check_file(&path, &Options::default())
}

fn markdown(body: &str) -> Spec {
    Spec::wheel()
        .add("Project-URL", "Repository, https://github.com/example/demo")
        .body(Some(body))
}

fn page_codes(r: &FileReport) -> Vec<&'static str> {
    r.diagnostics
        .iter()
        .map(|d| d.rule.code)
        .filter(|c| c.starts_with('P'))
        .collect()
}

/// (code, violating description, fixed description), Markdown unless the text says rst.
const PAIRS: &[(&str, &str, &str)] = &[
    (
        "P001",
        "# demo\n\n![logo](./docs/logo.png)\n",
        "# demo\n\n![logo](https://raw.githubusercontent.com/example/demo/v1.0/docs/logo.png)\n",
    ),
    (
        "P001",
        "# demo\n\n<img src=\"/docs/logo.png\" width=\"200\">\n",
        "# demo\n\n<img src=\"https://example.com/logo.png\" width=\"200\">\n",
    ),
    (
        "P002",
        "# demo\n\nSee [the changelog](CHANGELOG.md) and [usage](#usage).\n\n## Usage\n",
        "# demo\n\nSee [the changelog](https://github.com/example/demo/blob/v1.0/CHANGELOG.md) and [usage](#usage).\n\n## Usage\n",
    ),
    (
        "P003",
        "# demo\n\n<p align=\"center\" style=\"margin: 0\"><a href=\"https://e.com\" target=\"_blank\">x</a></p>\n",
        "# demo\n\n<p align=\"center\"><a href=\"https://e.com\">x</a></p>\n",
    ),
    (
        "P003",
        "# demo\n\n<iframe src=\"https://www.youtube.com/embed/x\"></iframe>\n\n<center>hi</center>\n",
        "# demo\n\n[Watch the video](https://www.youtube.com/watch?v=x)\n\n<div align=\"center\">hi</div>\n",
    ),
    (
        "P004",
        "# demo\n\n```mermaid\ngraph TD; A-->B\n```\n",
        "# demo\n\n```text\nA --> B\n```\n",
    ),
    (
        "P004",
        "# demo\n\nShip it :rocket: when $x^2 = y$.\n\n$$\n\\sum_i x_i\n$$\n",
        "# demo\n\nShip it 🚀 when x² = y. It costs $5 or $10.\n",
    ),
    (
        "P005",
        "# demo\n\n![chart](data:image/png;base64,iVBORw0KGgo=) [ftp](ftp://e.com/x)\n",
        "# demo\n\n![chart](https://e.com/chart.png) [https](https://e.com/x) [mail](mailto:a@e.com)\n",
    ),
];

#[test]
fn each_rule_fires_on_its_case_and_not_on_the_fixed_twin() {
    for (code, bad, good) in PAIRS {
        let r = check_wheel(markdown(bad));
        assert!(
            page_codes(&r).contains(code),
            "{code} did not fire on {bad:?}: {:?}",
            r.diagnostics
        );
        assert!(
            r.diagnostics
                .iter()
                .all(|d| d.severity == Severity::Warning)
        );
        let r = check_wheel(markdown(good));
        assert_eq!(
            page_codes(&r),
            Vec::<&str>::new(),
            "fixed twin of {code}: {good:?}"
        );
    }
}

#[test]
fn rst_images_and_link_targets_are_checked() {
    let rst = |body: &str| {
        Spec::wheel()
            .set("Description-Content-Type", "text/x-rst")
            .add("Project-URL", "Source, https://gitlab.com/group/demo")
            .body(Some(body))
    };
    let r = check_wheel(rst(
        "demo\n====\n\n.. image:: docs/logo.png\n   :target: docs/index.html\n\nSee changes_.\n\n.. _changes: CHANGES.rst\n",
    ));
    let got: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule.code.starts_with('P'))
        .map(|d| (d.rule.code, d.hint.clone().unwrap_or_default()))
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].0, "P001");
    assert!(
        got[0]
            .1
            .contains("https://gitlab.com/group/demo/-/raw/v1.0/docs/logo.png")
    );
    assert_eq!(got[1].0, "P002");
    assert_eq!(got[2].0, "P002");
    assert!(
        got[2]
            .1
            .contains("https://gitlab.com/group/demo/-/blob/v1.0/CHANGES.rst")
    );
    let r = check_wheel(rst(
        "demo\n====\n\n.. image:: https://e.com/logo.png\n   :target: https://e.com/\n\nSee changes_, me_, `mail <a@e.com>`_ and `docs <https://e.com/docs>`__.\n\n.. _changes: https://e.com/changes\n.. _me: jane@example.com\n",
    ));
    assert_eq!(page_codes(&r), Vec::<&str>::new());
    let r = check_wheel(rst("demo\n====\n\nRead `the guide <docs/guide.rst>`_.\n"));
    assert_eq!(page_codes(&r), vec!["P002"]);
}

#[test]
fn the_fix_names_the_tagged_url_and_the_line_maps_into_metadata() {
    let r = check_wheel(markdown("# demo\n\ntext\n\n![logo](docs/logo.png)\n"));
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "P001")
        .expect("P001");
    assert!(
        d.message.starts_with("line 5 of the description:"),
        "{}",
        d.message
    );
    let hint = d.hint.as_deref().unwrap_or("");
    assert!(
        hint.contains("https://raw.githubusercontent.com/example/demo/v1.0/docs/logo.png")
            && hint.contains("the tag v1.0 must exist"),
        "{hint}"
    );
    let loc = d.location.as_ref().expect("location");
    let metadata = String::from_utf8(markdown("x").metadata_text()).expect("utf8");
    let body_start = metadata
        .lines()
        .position(|l| l.is_empty())
        .expect("blank line")
        + 2;
    assert_eq!(loc.line, Some(body_start + 4));
    assert_eq!(r.status(false), Status::PassedWithWarnings);
    assert_eq!(r.status(true), Status::Failed);
}

#[test]
fn plain_text_descriptions_are_not_checked() {
    let r = check_wheel(
        Spec::wheel()
            .set("Description-Content-Type", "text/plain")
            .body(Some("![logo](docs/logo.png) :rocket:\n")),
    );
    assert_eq!(page_codes(&r), Vec::<&str>::new());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// Rendering, the findings and the preview page never panic, whatever the Markdown, and
    /// every finding names a line inside the description.
    #[test]
    fn never_panics_and_lines_are_in_range(
        text in "([<>/=\"'`$:!\\[\\]()#*_~|\\-. \n]|[a-z]{1,8}|é|🚀|<img src=|<source |<svg>|</svg>|```|\\$\\$|> \\[!NOTE\\]|:rocket:){0,60}"
    ) {
        let html = hoist::render::render_markdown(&text);
        proptest::prop_assert!(!html.contains("<script"));
        let lines = text.lines().count().max(1);
        for f in hoist::render::findings::markdown_findings(&text, None) {
            proptest::prop_assert!(f.line >= 1 && f.line <= lines, "{f:?} in {lines} lines");
        }
        let source = hoist::render::page::Source {
            title: "t".into(),
            text: text.clone(),
            content_type: "text/markdown".into(),
            variant: hoist::render::markdown::Variant::Gfm,
            repo: None,
        };
        let page = hoist::render::page::render(&source);
        proptest::prop_assert!(!page.html.contains('\u{E000}'), "a mark token was left");
    }
}
