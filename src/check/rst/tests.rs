//! Unit tests for the rst validator: one small document per docutils behaviour.

use super::{RstLevel, validate};

fn first(src: &str) -> Option<(Option<usize>, RstLevel, String)> {
    validate(src)
        .into_iter()
        .next()
        .map(|p| (p.line, p.level, p.message))
}

fn ok(src: &str) {
    assert_eq!(first(src), None, "expected no problem for {src:?}");
}

fn bad(src: &str, line: Option<usize>, msg: &str) {
    let got = first(src).unwrap_or_else(|| panic!("expected a problem for {src:?}"));
    assert_eq!((got.0, got.2.as_str()), (line, msg), "for {src:?}");
}

#[test]
fn plain_paragraphs_render() {
    ok("Hello world.\n\nSecond paragraph with *emphasis* and ``code``.\n");
}

#[test]
fn empty_and_comment_only_fail() {
    bad("", None, super::EMPTY_RENDER_MESSAGE);
    bad("  \n\n", None, super::EMPTY_RENDER_MESSAGE);
    bad(".. a comment\n", None, super::EMPTY_RENDER_MESSAGE);
    bad("Title\n=====\n", None, super::EMPTY_RENDER_MESSAGE);
}

#[test]
fn inline_start_without_end() {
    bad(
        "a\n\nb *x\n",
        Some(3),
        "Inline emphasis start-string without end-string.",
    );
    bad(
        "some ``code\n",
        Some(1),
        "Inline literal start-string without end-string.",
    );
}

#[test]
fn titles() {
    ok("Title\n=====\n\ntext\n");
    bad(
        "Title\n====\n\ntext\n",
        Some(2),
        "Title underline too short.",
    );
    bad(
        "A\n=\n\nB\n-\n\ntext\n\nC\n~\n\nD\n=\n\nE\n^\n\nx\n",
        Some(15),
        "Inconsistent title style: skip from level 1 to 4.",
    );
}

#[test]
fn directives() {
    ok(".. note:: hello\n\ntext\n");
    bad(
        ".. image:: a.png\n\n   content\n",
        Some(1),
        "Error in \"image\" directive: no content permitted.",
    );
    bad(".. foo:: bar\n", Some(1), "Unknown directive type \"foo\".");
    bad(
        "para\n\n.. raw:: html\n\n   <b>\n",
        Some(3),
        "\"raw\" directive disabled.",
    );
}

#[test]
fn references() {
    bad("see `x`_\n", Some(1), "Unknown target name: \"x\".");
    ok("see `x`_\n\n.. _x: http://example.com\n");
    bad(
        ".. _x: http://a\n.. _x: http://b\n\ntext\n",
        Some(2),
        "Duplicate explicit target name: \"x\".",
    );
}

#[test]
fn lists_need_blank_lines() {
    bad(
        "- a\n- b\ntext\n",
        Some(3),
        "Bullet list ends without a blank line; unexpected unindent.",
    );
}
