//! Benchmark: a ~100 KB Markdown description (issue 14's target: at most 10 ms), rendered as
//! PyPI renders it (comrak + readme_renderer's rewrites + the ammonia sanitizer), and the
//! project-page findings `hoist check` computes on the same text.

use criterion::{Criterion, criterion_group, criterion_main};
use hoist::render::findings::markdown_findings;
use hoist::render::render_markdown;

fn hundred_kb_document() -> String {
    let section = r#"## Section title

A paragraph with *emphasis*, **strong text**, `inline code`, a [link](https://example.com/),
an autolink https://example.com/path and ~~struck~~ text. It goes on for a while so that the
inline parser has real work to do, with a footnote[^n] and an image
![badge](https://img.shields.io/badge/x-y-green.svg).

- a bullet item
- [x] a task item with `code`

  continued paragraph in the item

1. first
2. second

> A quote with **bold** text.

```python
def hello():
    return "world" # <not a tag>
```

| Header 1 | Header 2 |
|----------|:--------:|
| cell     | `cell`   |
| cell     | cell     |

<p align="center"><img src="https://example.com/logo.png" width="200" alt="logo"></p>

<details><summary>More</summary>

Hidden text.

</details>

"#;
    let mut doc = String::from("# Project\n\n");
    while doc.len() < 100 * 1024 {
        doc.push_str(section);
    }
    doc.push_str("\n[^n]: A footnote.\n");
    doc
}

/// CPU time of this thread so far, from /proc/self/schedstat (Linux; `None` elsewhere).
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// CPU milliseconds per call over `n` calls, beside criterion's wall-clock figures: on a
/// shared machine wall time includes waiting for a core.
fn cpu_ms_per_call(n: u32, f: impl Fn()) -> Option<f64> {
    let start = cpu_ns()?;
    let wall = std::time::Instant::now();
    for _ in 0..n {
        f();
    }
    let cpu = (cpu_ns()? - start) as f64 / 1e6 / f64::from(n);
    eprintln!(
        "  {n} calls: {cpu:.2} CPU ms per call, {:.2} wall ms per call",
        wall.elapsed().as_secs_f64() * 1e3 / f64::from(n)
    );
    Some(cpu)
}

fn bench(c: &mut Criterion) {
    let doc = hundred_kb_document();
    assert!(doc.len() >= 100 * 1024);
    let html = render_markdown(&doc);
    assert!(html.contains("<table>"), "the document must render");
    eprintln!(
        "document: {} bytes of Markdown, {} bytes of HTML",
        doc.len(),
        html.len()
    );
    eprintln!("render (comrak + rewrites + ammonia):");
    cpu_ms_per_call(100, || {
        std::hint::black_box(render_markdown(std::hint::black_box(&doc)));
    });
    eprintln!("comrak alone (parse + HTML + rewrites):");
    let options = hoist::render::markdown::options();
    cpu_ms_per_call(100, || {
        let arena = comrak::Arena::new();
        let root = comrak::parse_document(&arena, std::hint::black_box(&doc), &options);
        std::hint::black_box(hoist::render::markdown::unsanitized_html(root, &options));
    });
    let unsanitized = {
        let arena = comrak::Arena::new();
        let root = comrak::parse_document(&arena, &doc, &options);
        hoist::render::markdown::unsanitized_html(root, &options)
    };
    eprintln!("ammonia alone (sanitize):");
    cpu_ms_per_call(100, || {
        std::hint::black_box(hoist::render::sanitize::clean(std::hint::black_box(
            &unsanitized,
        )));
    });
    c.bench_function("markdown render 100 KB", |b| {
        b.iter(|| render_markdown(std::hint::black_box(&doc)))
    });
    c.bench_function("markdown findings 100 KB", |b| {
        b.iter(|| markdown_findings(std::hint::black_box(&doc), None))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
