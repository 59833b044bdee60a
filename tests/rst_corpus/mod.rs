//! The rst differential corpus: real descriptions (scripts/rst-corpus/real/) plus systematic,
//! deterministic mutations of them. Shared by tests/rst_differential.rs and tests/rst_props.rs.
//!
//! Each mutation imitates a mistake people make in a README (a short underline, an indented
//! line, an unclosed literal, a corrupted table, content under an image directive...) or a
//! harmless edit that must keep the document valid. Whether the result really fails is decided
//! by readme_renderer at test time, never here.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A small deterministic generator (SplitMix64), so the corpus is the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/rst-corpus/real")
}

/// The real descriptions, sorted by file name: (name, text).
pub fn real_docs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(corpus_dir()) {
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "rst")
                && let Ok(t) = std::fs::read_to_string(&p)
            {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                out.push((name, t));
            }
        }
    }
    out.sort();
    out
}

/// The hand-written edge cases, sorted by file name.
pub fn synthetic_docs() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/rst-corpus/synthetic");
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if let Ok(t) = std::fs::read_to_string(e.path()) {
                out.push((e.file_name().to_string_lossy().into_owned(), t));
            }
        }
    }
    out.sort();
    out
}

pub const KINDS: &[&str] = &[
    "short-underline",
    "indent-line",
    "cut-literal",
    "cut-emphasis",
    "cut-strong",
    "cut-interpreted",
    "corrupt-grid-table",
    "corrupt-simple-table",
    "image-content",
    "unknown-directive",
    "unknown-role",
    "list-no-blank",
    "duplicate-target",
    "unknown-reference",
    "anonymous-mismatch",
    "undefined-substitution",
    "raw-directive",
    "include-directive",
    "autofootnote-ref",
    "unindent-block-quote",
    "transition-end",
    "overline-mismatch",
    "directive-no-arg",
    "bad-option",
    "title-in-list",
    "literal-expected",
    // harmless edits (the document stays as valid as it was)
    "ok-paragraph",
    "ok-note",
    "ok-link",
    "ok-code-block",
    "ok-list",
];

fn lines(doc: &str) -> Vec<String> {
    doc.lines().map(|l| l.to_string()).collect()
}

fn join(ls: &[String]) -> String {
    let mut s = ls.join("\n");
    s.push('\n');
    s
}

fn is_punct_line(l: &str) -> bool {
    let t = l.trim_end();
    let mut cs = t.chars();
    match cs.next() {
        Some(c) if c.is_ascii_punctuation() => t.len() >= 3 && t.chars().all(|x| x == c),
        _ => false,
    }
}

/// Unindented lines that end a sentence: where an appended phrase lands in a paragraph.
fn sentences(ls: &[String]) -> Vec<usize> {
    (0..ls.len())
        .filter(|&i| !ls[i].starts_with(' ') && ls[i].ends_with('.') && ls[i].len() > 10)
        .collect()
}

fn pick<T: Clone>(rng: &mut Rng, v: &[T]) -> Option<T> {
    if v.is_empty() {
        None
    } else {
        Some(v[rng.below(v.len())].clone())
    }
}

fn insert_at_paragraph_end(rng: &mut Rng, ls: &mut Vec<String>, text: &[&str]) -> bool {
    // after a blank line that follows a non-indented text line
    let spots: Vec<usize> = (1..ls.len())
        .filter(|&i| {
            ls[i].trim().is_empty() && !ls[i - 1].starts_with(' ') && !ls[i - 1].trim().is_empty()
        })
        .collect();
    let Some(i) = pick(rng, &spots) else {
        return false;
    };
    let mut ins: Vec<String> = vec![String::new()];
    ins.extend(text.iter().map(|s| s.to_string()));
    ins.push(String::new());
    ls.splice(i..i, ins);
    true
}

/// Apply mutation `kind` to `doc`; `None` when it does not apply to this document.
pub fn mutate(doc: &str, kind: &str, rng: &mut Rng) -> Option<String> {
    let mut ls = lines(doc);
    let n = ls.len();
    match kind {
        "short-underline" => {
            let spots: Vec<usize> = (1..n)
                .filter(|&i| {
                    is_punct_line(&ls[i])
                        && !ls[i - 1].trim().is_empty()
                        && ls[i - 1].chars().count() >= 8
                        && !is_punct_line(&ls[i - 1])
                })
                .collect();
            let i = pick(rng, &spots)?;
            let c = ls[i].chars().next()?;
            let want = ls[i - 1]
                .trim_end()
                .chars()
                .count()
                .saturating_sub(2)
                .max(4);
            ls[i] = std::iter::repeat_n(c, want).collect();
        }
        "indent-line" => {
            let spots: Vec<usize> = (1..n.saturating_sub(1))
                .filter(|&i| {
                    !ls[i].starts_with(' ')
                        && !ls[i - 1].starts_with(' ')
                        && !ls[i - 1].trim().is_empty()
                        && ls[i].chars().next().is_some_and(|c| c.is_alphabetic())
                })
                .collect();
            let i = pick(rng, &spots)?;
            ls[i] = format!("   {}", ls[i]);
        }
        "cut-literal" | "cut-emphasis" | "cut-strong" | "cut-interpreted" => {
            let (open, close): (&str, &str) = match kind {
                "cut-literal" => ("``", "``"),
                "cut-emphasis" => (" *", "*"),
                "cut-strong" => ("**", "**"),
                _ => (" `", "`"),
            };
            let spots: Vec<usize> = (0..n)
                .filter(|&i| {
                    !ls[i].starts_with(' ')
                        && ls[i].contains(open)
                        && ls[i].matches(close).count() >= 2
                })
                .collect();
            let i = pick(rng, &spots)?;
            let l = &ls[i];
            let start = l.find(open)? + open.len();
            let rel = l[start..].find(close)?;
            let at = start + rel;
            ls[i] = format!("{}{}", &l[..at], &l[at + close.len()..]);
        }
        "corrupt-grid-table" => {
            let spots: Vec<usize> = (0..n)
                .filter(|&i| {
                    ls[i].trim_start().starts_with('|')
                        && ls[i].trim_end().ends_with('|')
                        && ls[i].len() > 6
                })
                .collect();
            let i = pick(rng, &spots)?;
            let t = ls[i].trim_end().to_string();
            ls[i] = match rng.below(2) {
                0 => t[..t.len() - 1].to_string(),
                _ => format!("{} ", &t[..t.len() - 1]) + "|",
            };
        }
        "corrupt-simple-table" => {
            let spots: Vec<usize> = (0..n)
                .filter(|&i| {
                    let t = ls[i].trim();
                    t.starts_with('=') && t.contains(' ') && t.chars().all(|c| c == '=' || c == ' ')
                })
                .collect();
            let i = pick(rng, &spots)?;
            ls[i] = format!("{}==", ls[i].trim_end());
        }
        "image-content" => {
            let spots: Vec<usize> = (0..n)
                .filter(|&i| ls[i].trim_start().starts_with(".. image::"))
                .collect();
            let i = pick(rng, &spots)?;
            let indent = ls[i].len() - ls[i].trim_start().len() + 3;
            let pad = " ".repeat(indent);
            // skip the option lines
            let mut j = i + 1;
            while j < ls.len() && ls[j].trim_start().starts_with(':') && ls[j].starts_with(&pad) {
                j += 1;
            }
            ls.splice(j..j, [String::new(), format!("{pad}Some caption text.")]);
        }
        "unknown-directive" => {
            if !insert_at_paragraph_end(rng, &mut ls, &[".. invalid-directive:: foo"]) {
                return None;
            }
        }
        "unknown-role" => {
            let i = pick(rng, &sentences(&ls))?;
            ls[i] = format!("{} See :unknownrole:`thing`.", ls[i]);
        }
        "list-no-blank" => {
            let spots: Vec<usize> = (1..n.saturating_sub(1))
                .filter(|&i| {
                    (ls[i - 1].starts_with("- ") || ls[i - 1].starts_with("* "))
                        && ls[i].trim().is_empty()
                        && ls
                            .get(i + 1)
                            .is_some_and(|x| x.chars().next().is_some_and(|c| c.is_alphabetic()))
                })
                .collect();
            let i = pick(rng, &spots)?;
            ls.remove(i);
        }
        "duplicate-target" => {
            let spots: Vec<usize> = (0..n)
                .filter(|&i| {
                    ls[i].starts_with(".. _") && !ls[i].starts_with(".. __") && ls[i].contains(": ")
                })
                .collect();
            let i = pick(rng, &spots)?;
            let name_end = ls[i].find(": ")?;
            let dup = format!("{}: https://example.invalid/other", &ls[i][..name_end]);
            ls.insert(i + 1, dup);
        }
        "unknown-reference" => {
            let i = pick(rng, &sentences(&ls))?;
            ls[i] = format!("{} See `the missing page`_.", ls[i]);
        }
        "anonymous-mismatch" => {
            let i = pick(rng, &sentences(&ls))?;
            ls[i] = format!("{} See `here`__.", ls[i]);
        }
        "undefined-substitution" => {
            let i = pick(rng, &sentences(&ls))?;
            ls[i] = format!("{} Now |nosuchsub|.", ls[i]);
        }
        "raw-directive" => {
            if !insert_at_paragraph_end(rng, &mut ls, &[".. raw:: html", "", "   <b>bold</b>"]) {
                return None;
            }
        }
        "include-directive" => {
            if !insert_at_paragraph_end(rng, &mut ls, &[".. include:: CHANGES.rst"]) {
                return None;
            }
        }
        "autofootnote-ref" => {
            let i = pick(rng, &sentences(&ls))?;
            ls[i] = format!("{} [#]_", ls[i]);
        }
        "unindent-block-quote" => {
            let spots: Vec<usize> = (1..n.saturating_sub(1))
                .filter(|&i| {
                    ls[i].trim().is_empty()
                        && ls[i - 1].starts_with("    ")
                        && ls
                            .get(i + 1)
                            .is_some_and(|x| x.chars().next().is_some_and(|c| c.is_alphabetic()))
                })
                .collect();
            let i = pick(rng, &spots)?;
            ls.remove(i);
        }
        "transition-end" => {
            ls.push(String::new());
            ls.push("----".into());
        }
        "overline-mismatch" => {
            let spots: Vec<usize> = (2..n)
                .filter(|&i| {
                    is_punct_line(&ls[i])
                        && is_punct_line(&ls[i - 2])
                        && !ls[i - 1].trim().is_empty()
                })
                .collect();
            let i = pick(rng, &spots)?;
            let l = ls[i].trim_end().to_string();
            ls[i] = format!("{l}{}", l.chars().next()?);
        }
        "directive-no-arg" => {
            let spots: Vec<usize> = (0..n)
                .filter(|&i| {
                    ls[i].trim_start().starts_with(".. image:: ")
                        || ls[i].trim_start().starts_with(".. figure:: ")
                })
                .collect();
            let i = pick(rng, &spots)?;
            let cut = ls[i].find(":: ")? + 2;
            ls[i] = ls[i][..cut].to_string();
        }
        "bad-option" => {
            let spots: Vec<usize> = (0..n)
                .filter(|&i| {
                    ls[i].trim_start().starts_with(".. image:: ")
                        || ls[i].trim_start().starts_with(".. code-block::")
                        || ls[i].trim_start().starts_with(".. note::")
                })
                .collect();
            let i = pick(rng, &spots)?;
            let indent = ls[i].len() - ls[i].trim_start().len() + 3;
            ls.insert(i + 1, format!("{}:no-such-option: 1", " ".repeat(indent)));
        }
        "title-in-list" => {
            let spots: Vec<usize> = (0..n)
                .filter(|&i| ls[i].starts_with("- ") || ls[i].starts_with("* "))
                .collect();
            let i = pick(rng, &spots)?;
            let w = ls[i].len();
            ls.insert(
                i + 1,
                format!("  {}", "-".repeat(w.saturating_sub(2).max(4))),
            );
        }
        "literal-expected" => {
            let spots: Vec<usize> = (0..n)
                .filter(|&i| {
                    !ls[i].starts_with(' ')
                        && ls[i].ends_with('.')
                        && ls[i].len() > 10
                        && ls.get(i + 1).is_some_and(|x| x.trim().is_empty())
                })
                .collect();
            let i = pick(rng, &spots)?;
            let l = ls[i].clone();
            ls[i] = format!("{}::", &l[..l.len() - 1]);
        }
        "ok-paragraph" => {
            if !insert_at_paragraph_end(
                rng,
                &mut ls,
                &["An added paragraph with *emphasis*, **strong** and ``literal`` text."],
            ) {
                return None;
            }
        }
        "ok-note" => {
            if !insert_at_paragraph_end(rng, &mut ls, &[".. note::", "", "   An added note."]) {
                return None;
            }
        }
        "ok-link" => {
            if !insert_at_paragraph_end(
                rng,
                &mut ls,
                &["See `the example site <https://example.com/>`__ for more."],
            ) {
                return None;
            }
        }
        "ok-code-block" => {
            if !insert_at_paragraph_end(
                rng,
                &mut ls,
                &[".. code-block:: python", "", "   print('hello')"],
            ) {
                return None;
            }
        }
        "ok-list" => {
            if !insert_at_paragraph_end(rng, &mut ls, &["- first item", "- second item"]) {
                return None;
            }
        }
        _ => return None,
    }
    let out = join(&ls);
    (out != doc).then_some(out)
}

/// The whole corpus: every real document, then `per_doc` mutants of each (name, text).
pub fn corpus(per_doc: usize, seed: u64) -> Vec<(String, String)> {
    let real = real_docs();
    let mut rng = Rng::new(seed);
    let mut out: Vec<(String, String)> = real.iter().map(|(n, t)| (n.clone(), t.clone())).collect();
    for (name, text) in &real {
        let mut made = 0;
        let mut tries = 0;
        while made < per_doc && tries < 40 {
            tries += 1;
            let kind = KINDS[rng.below(KINDS.len())];
            if let Some(m) = mutate(text, kind, &mut rng) {
                out.push((format!("{name}#{kind}#{made}"), m));
                made += 1;
            }
        }
    }
    // hand-written edge cases, one docutils behaviour each (scripts/rst-corpus/synthetic/)
    for (n, t) in synthetic_docs() {
        out.push((format!("synthetic#{n}"), t));
    }
    for (n, t) in [("synthetic#empty", ""), ("synthetic#whitespace", "   \n\n")] {
        out.push((n.to_string(), t.to_string()));
    }
    out
}
