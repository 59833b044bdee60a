//! Benchmark: validating a ~100 KB reStructuredText description (the target: < 5 ms), and
//! rendering it to the project page's HTML as PyPI would (`hoist preview`; for information).

use criterion::{Criterion, criterion_group, criterion_main};
use hoist::check::rst::validate;

fn hundred_kb_document() -> String {
    let section = r#"Section title
=============

A paragraph with *emphasis*, **strong text**, ``inline literals``, a `link <https://example.com/>`_
and a reference to `the target`_. It goes on for a while so that the inline scanner has real
work to do, with some words_ and a footnote [1]_ and a substitution |badge|.

- a bullet item
- another item with ``code``

  continued paragraph in the item

1. first
2. second

.. note::

   A note directive with some text in it.

.. code-block:: python

   def hello():
       return "world"

+-----------+-----------+
| Header 1  | Header 2  |
+===========+===========+
| cell      | cell      |
+-----------+-----------+

=====  =====
col a  col b
=====  =====
1      2
3      4
=====  =====

"#;
    let mut doc = String::from("Project\n#######\n\n");
    while doc.len() < 100 * 1024 {
        doc.push_str(section);
    }
    doc.push_str(
        "\n.. _the target: https://example.com/target\n.. _words: https://example.com/words\n.. [1] A footnote.\n.. |badge| image:: https://example.com/badge.svg\n",
    );
    doc
}

fn bench(c: &mut Criterion) {
    let doc = hundred_kb_document();
    // The document must be valid, or the validator would stop at the first problem and the
    // figure would mean nothing.
    assert!(validate(&doc).is_empty(), "benchmark document must render");
    c.bench_function("rst validate 100 KB", |b| {
        b.iter(|| validate(std::hint::black_box(&doc)))
    });
    assert!(hoist::render::rst::render(&doc).is_some());
    c.bench_function("rst render 100 KB", |b| {
        b.iter(|| hoist::render::rst::render(std::hint::black_box(&doc)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
