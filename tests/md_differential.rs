//! Differential test: hoist's Markdown rendering ([`hoist::render::render_markdown`]) against
//! readme_renderer 45.0's (`readme_renderer.markdown.render`, what PyPI runs), over the GFM
//! spec examples (tests/md_corpus), the Markdown descriptions of the real distributions in
//! fixtures/dist, this repository's own Markdown files, and generated documents around every
//! project-page warning. The sanitized HTML is compared after normalising whitespace and
//! attribute order; code blocks (`<pre>`) are compared by their text, since hoist does not
//! reproduce Pygments' colouring spans. Fails below 99.5% agreement.
//!
//! The oracle is tests/oracle/markdown_render.py, one process for the whole batch, in
//! `HOIST_TEST_PYTHON` (set by scripts/test), falling back to `.venv-test/bin/python`.

mod htmlnorm;
mod testpython;

use std::path::PathBuf;

use hoist::render::findings::scan_tags;
use hoist::render::markdown::{Variant, render_markdown_variant};
use htmlnorm::normalize;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn spec_examples() -> Vec<(String, String)> {
    #[derive(serde::Deserialize)]
    struct Example {
        section: String,
        example: u32,
        markdown: String,
    }
    #[derive(serde::Deserialize)]
    struct Spec {
        examples: Vec<Example>,
    }
    let bytes = std::fs::read(root().join("tests/md_corpus/gfm-spec-0.29.json")).expect("spec");
    let spec: Spec = serde_json::from_slice(&bytes).expect("spec JSON");
    spec.examples
        .into_iter()
        .map(|e| (format!("gfm {} #{}", e.section, e.example), e.markdown))
        .collect()
}

/// The Markdown descriptions of fixtures/dist, and the repository's Markdown files.
fn real_docs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/dist"))
        .expect("fixtures/dist")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        let (_, dist) = hoist::check::inspect(&path, &hoist::check::Options::default());
        if let Some((_, md)) = dist.parsed_metadata()
            && md
                .get("description-content-type")
                .is_some_and(|c| c.starts_with("text/markdown"))
            && let Some(d) = &md.description
        {
            out.push((path.display().to_string(), d.text.clone()));
        }
    }
    for name in [
        "README.md",
        "CHANGELOG.md",
        "fixtures/README.md",
        "tests/md_corpus/README.md",
    ] {
        if let Ok(text) = std::fs::read_to_string(root().join(name)) {
            out.push((name.to_string(), text));
        }
    }
    out
}

/// Pieces around every warning (and the GFM extensions PyPI turns on).
const SNIPPETS: &[&str] = &[
    "![logo](docs/logo.png)",
    "![logo](./assets/chart.svg \"Chart\")",
    "![b](/logo/banner.png)",
    "[changelog](CHANGELOG.md)",
    "[up](../README.md#install)",
    "[usage](#usage)",
    "[fn](#fn-1)",
    "<picture>\n  <source media=\"(prefers-color-scheme: dark)\" srcset=\"https://e.com/d.png\">\n  <img alt=\"logo\" src=\"https://e.com/l.png\" width=\"200\">\n</picture>",
    "<video src=\"https://e.com/v.mp4\" controls>Your browser</video>",
    "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
    "<svg width=\"10\"><circle r=\"4\"/><text>t</text></svg>",
    "<style>p { color: red }</style>",
    "<script>alert(1)</script>",
    "<center>centred</center>",
    "<font color=\"red\">red</font>",
    "<p align=\"center\" style=\"margin:0\"><a href=\"https://e.com\" target=\"_blank\">x</a></p>",
    "<a name=\"install\"></a>",
    "<img src=\"https://e.com/a.png\" title=\"t\" onerror=\"x()\">",
    "<div align=\"center\" class=\"c\" data-x=\"1\">\n\n**bold**\n\n</div>",
    "<details><summary>More</summary>\n\nHidden *text*.\n\n</details>",
    "> [!NOTE]\n> Useful information.",
    "> [!WARNING]\n> Careful.",
    "```mermaid\ngraph TD;\n  A-->B;\n```",
    "```python\nprint(\"hi\") # <b>\n```",
    "```\nplain & <code>\n```",
    "```nosuchlang\nx = 1\n```",
    "```rust\n```",
    "Energy $E=mc^2$ and $$x$$.",
    "$$\n\\sum_{i=1}^n i\n$$",
    "Prices: $5 or $10.",
    "Launch :rocket: :tada: :not_an_emoji:",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "[js](javascript:alert(1)) [ftp](ftp://e.com/f) [mail](mailto:a@e.com)",
    "www.example.com and https://e.com/path?x=1 and a@b.com",
    "| a | b |\n|---|:-:|\n| `c` | ~~d~~ |",
    "- [x] done\n- [ ] todo",
    "Text with a footnote.[^1]\n\n[^1]: The note.",
    "# Usage\n\n## Install `pkg`",
    "Setext\n======",
    "<!-- a comment --> after",
    "Hard  \nbreak and &copy; &#x1F600; entity",
    "<kbd>Ctrl</kbd>+<kbd>C</kbd> <sub>1</sub><sup>2</sup> <del>x</del>",
    "<input type=\"checkbox\" checked>",
    "<table><tr><td colspan=\"2\" style=\"x\">cell</td></tr></table>",
];

/// Deterministic documents of 1 to 4 snippets (xorshift, fixed seed).
fn generated(count: usize) -> Vec<(String, String)> {
    let mut state: u64 = 0x5EED_1414;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out: Vec<(String, String)> = SNIPPETS
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("snippet {i}"), format!("{s}\n")))
        .collect();
    while out.len() < count {
        let n = 1 + (next() % 4) as usize;
        let mut doc = String::new();
        for k in 0..n {
            let s = SNIPPETS[(next() % SNIPPETS.len() as u64) as usize];
            let sep = match (k, next() % 4) {
                (0, _) => "",
                (_, 0) => " ",
                (_, 1) => "\n",
                _ => "\n\n",
            };
            doc.push_str(sep);
            doc.push_str(s);
        }
        doc.push('\n');
        out.push((format!("generated {}", out.len()), doc));
    }
    out
}

fn oracle(docs: &[(&str, &str)]) -> Vec<Option<String>> {
    let out = testpython::run_batch(
        "tests/oracle/markdown_render.py",
        &docs,
        "run scripts/test to install readme_renderer[md] = comrak 0.0.12",
    );
    serde_json::from_slice(&out).expect("oracle JSON")
}

#[test]
fn agrees_with_readme_renderer() {
    let examples = spec_examples();
    let spec = examples.len();
    let real = real_docs();
    let real_count = real.len();
    let mut corpus: Vec<(String, String, Variant)> = Vec::new();
    for (name, text) in examples.iter().chain(&real).chain(&generated(500)) {
        corpus.push((name.clone(), text.clone(), Variant::Gfm));
    }
    // readme_renderer's other variant (`variant=CommonMark`: no extensions, no anchor prefix).
    for (name, text) in examples.iter().chain(&generated(100)) {
        corpus.push((
            format!("CommonMark {name}"),
            text.clone(),
            Variant::CommonMark,
        ));
    }
    let docs: Vec<(&str, &str)> = corpus
        .iter()
        .map(|(_, t, v)| {
            let variant = if *v == Variant::Gfm {
                "GFM"
            } else {
                "CommonMark"
            };
            (t.as_str(), variant)
        })
        .collect();
    let want = oracle(&docs);
    assert_eq!(want.len(), corpus.len());
    let mut agree = 0usize;
    let mut differences = Vec::new();
    for ((name, text, variant), want) in corpus.iter().zip(&want) {
        let got = render_markdown_variant(text, *variant);
        let want = want.clone().unwrap_or_default();
        if normalize(&got) == normalize(&want) {
            agree += 1;
        } else {
            differences.push(format!(
                "  {name}: input {text:?}\n    readme_renderer: {:?}\n    hoist:           {:?}",
                normalize(&want),
                normalize(&got)
            ));
        }
    }
    let total = corpus.len();
    let rate = agree as f64 / total as f64;
    println!(
        "markdown differential: {total} documents (GFM variant: {spec} GFM spec examples, {real_count} real, 500 generated; CommonMark variant: the {spec} spec examples and 100 generated)"
    );
    println!(
        "identical after normalising: {agree}/{total} = {:.2}%",
        rate * 100.0
    );
    println!("differences ({}):", differences.len());
    for d in &differences {
        println!("{d}");
    }
    assert!(
        real_count >= 4,
        "too few real Markdown descriptions: {real_count}"
    );
    assert!(total >= 1800, "corpus too small: {total}");
    assert!(
        rate >= 0.995,
        "agreement {:.2}% is below 99.5%",
        rate * 100.0
    );
}

/// A sanitizer that keeps every tag, attribute and URL scheme the author wrote in raw HTML
/// (`raw`), and image titles; comrak's own decorations (heading anchors' `aria-label`,
/// footnotes' `class`/`data-*`) are removed as by PyPI's, since they are not the author's.
fn permissive_clean(html: &str, raw: &str) -> String {
    let tags = scan_tags(raw);
    let names: Vec<String> = tags.iter().map(|t| t.name.clone()).collect();
    let attrs: Vec<String> = tags
        .iter()
        .flat_map(|t| t.attrs.iter().map(|(k, _)| k.clone()))
        .collect();
    let schemes: Vec<String> = tags
        .iter()
        .flat_map(|t| t.attrs.iter())
        .filter_map(|(_, v)| hoist::render::sanitize::url_scheme(v))
        .collect();
    // Schemes of comrak's own URLs (links and images written in Markdown).
    let output_schemes: Vec<String> = scan_tags(html)
        .iter()
        .flat_map(|t| t.attrs.iter())
        .filter_map(|(_, v)| hoist::render::sanitize::url_scheme(v))
        .collect();
    use hoist::render::sanitize::{ALLOWED_TAGS, GENERIC_ATTRIBUTES, TAG_ATTRIBUTES, URL_SCHEMES};
    // A superset of readme_renderer's allow-list.
    let mut b = ammonia::Builder::default();
    b.clean_content_tags(Default::default())
        .tags(ALLOWED_TAGS.iter().copied().collect())
        .add_tags(names.iter().map(String::as_str))
        .tag_attributes(
            TAG_ATTRIBUTES
                .iter()
                .map(|(t, a)| (*t, a.iter().copied().collect()))
                .collect(),
        )
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .add_generic_attributes(attrs.iter().map(String::as_str))
        .add_generic_attributes(["title"])
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .add_url_schemes(schemes.iter().map(String::as_str))
        .add_url_schemes(output_schemes.iter().map(String::as_str))
        .link_rel(None);
    b.clean(html).to_string()
}

/// Removes what the real sanitizer adds (`rel`, `disabled`) so that only removals differ.
fn without_additions(html: &str) -> String {
    let mut out = String::new();
    for piece in html.split(" rel=\"nofollow\"") {
        out.push_str(piece);
    }
    out.replace(" disabled=\"\"", "")
}

/// Whatever PyPI's sanitizer removes from a document (compared with one that keeps every tag,
/// attribute and scheme) is reported by a P003 or P005 finding: no silent removal.
#[test]
fn every_removal_is_reported() {
    let options = hoist::render::markdown::options();
    let mut checked = 0;
    let mut removing = 0;
    let mut silent = Vec::new();
    for (name, text) in generated(500).iter().chain(&real_docs()) {
        let arena = comrak::Arena::new();
        let root = comrak::parse_document(&arena, text, &options);
        let mut raw = String::new();
        for node in root.descendants() {
            match &node.data().value {
                comrak::nodes::NodeValue::HtmlBlock(b) => raw.push_str(&b.literal),
                comrak::nodes::NodeValue::HtmlInline(h) => raw.push_str(h),
                _ => {}
            }
        }
        let html = hoist::render::markdown::unsanitized_html(root, &options);
        let real = without_additions(&hoist::render::sanitize::clean(&html));
        let all = without_additions(&permissive_clean(&html, &raw));
        checked += 1;
        if real == all {
            continue;
        }
        removing += 1;
        let reported = hoist::render::findings::markdown_findings(text, None)
            .iter()
            .any(|f| {
                matches!(
                    f.kind,
                    hoist::render::FindingKind::RemovedHtml
                        | hoist::render::FindingKind::DroppedUrlScheme
                )
            });
        if !reported {
            silent.push(format!(
                "  {name}: {text:?}\n    kept: {real}\n    full: {all}"
            ));
        }
    }
    println!("{checked} documents, {removing} lose something to the sanitizer");
    assert!(
        removing >= 100,
        "too few documents exercise the sanitizer: {removing}"
    );
    assert!(
        silent.is_empty(),
        "removed without a warning:\n{}",
        silent.join("\n")
    );
}
