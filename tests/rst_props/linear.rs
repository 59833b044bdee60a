//! Deep nesting and size: the parser, transforms and writer must neither overflow the stack
//! nor take super-linear time on documents built to stress them.

use crate::exercise;
use crate::rst_corpus::Rng;
use crate::structured::{csv_table, grid_table, list_table, simple_table};
use std::time::{Duration, Instant};

/// Documents that grow with `k`, each aimed at one transform or writer path.
fn scaled(which: usize, k: usize) -> String {
    let lines = |f: &dyn Fn(usize) -> String| (0..k).map(f).collect::<String>();
    match which {
        0 => format!(
            "{}\n\n{}",
            "[#]_ ".repeat(k),
            lines(&|i| format!(".. [#] f{i}\n"))
        ),
        1 => {
            lines(&|i| format!("[#n{i}]_ [1]_ [C]_\n\n.. [#n{i}] f\n\n"))
                + ".. [1] one\n.. [C] citation\n"
        }
        2 => format!("{}\n\n.. _a: http://e.com/\n", "`a`_ a_ ".repeat(k)),
        3 => format!(
            "{}\n\n{}",
            "`x`__ ".repeat(k),
            "__ http://e.com/\n".repeat(k)
        ),
        4 => format!(
            "{}\n\n{}",
            "|s| |t|_ ".repeat(k),
            ".. |s| replace:: *x*\n.. |t| replace:: t\n"
        ),
        5 => format!(
            ".. contents::\n.. sectnum::\n\n{}",
            lines(&|i| format!("S{i}\n====\n\ntext `S{}`_\n\n", i / 2))
        ),
        6 => grid_table(&mut Rng::new(k as u64), k, 6),
        7 => simple_table(k, 5),
        8 => csv_table(k, 5, 1),
        9 => list_table(k, 4, 1),
        10 => lines(&|i| format!("- item *{i}*\n\n  {i}. nested\n\n  term\n    def\n\n")),
        11 => format!(":Authors: {}\n:Date: 2020\n\nbody\n", "A; ".repeat(k)),
        12 => lines(&|i| format!("{}\n\n", "*a* `b`_ ".repeat(1 + i % 20))) + ".. _b: http://e/\n",
        _ => lines(&|i| format!("Word{i} \"quote\" 'it's' -- http://e.com/{i} a@b.cd\n")),
    }
}

/// Time of the faster of two runs of `exercise`, to damp other processes' noise.
fn timed(s: &str) -> Duration {
    (0..2)
        .map(|_| {
            let t = Instant::now();
            exercise(s);
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Four times the input must not take much more than four times as long (a quadratic path
/// takes sixteen): a ratio, so the bound holds on a slow debug build and on busy cores.
#[test]
fn render_stays_linear() {
    for which in 0..14 {
        let (small, large) = (scaled(which, 250), scaled(which, 1000));
        let (a, b) = (timed(&small), timed(&large));
        let limit = a * 9 + Duration::from_millis(300);
        assert!(
            b < limit,
            "case {which}: {} bytes {a:?}, {} bytes {b:?}",
            small.len(),
            large.len()
        );
    }
}

/// Nesting past docutils' and hoist's limits, chains and cycles of every kind: no overflow,
/// no panic, no hang.
#[test]
fn render_survives_deep_structures() {
    let mut docs = Vec::new();
    for d in [50, 199, 200, 201, 400] {
        docs.push(
            (0..d)
                .map(|i| format!("{}q{i}\n\n", " ".repeat(i)))
                .collect(),
        );
        docs.push(format!("{}x\n", "- ".repeat(d)));
        docs.push(format!("{}x\n", "1. ".repeat(d)));
        docs.push(
            (0..d)
                .map(|i| format!("{}.. note::\n\n", "   ".repeat(i)))
                .collect::<String>()
                + &"   ".repeat(d)
                + "x\n",
        );
        docs.push(
            (0..d)
                .map(|i| format!("{}- [#]_ `a`_\n\n", "  ".repeat(i)))
                .collect::<String>()
                + ".. [#] f\n.. _a: a_\n",
        );
        docs.push(
            (0..d)
                .map(|i| format!("{}:f{i}:\n", "  ".repeat(i)))
                .collect::<String>(),
        );
        docs.push(
            (0..d)
                .map(|i| format!("{}term\n", "  ".repeat(i)))
                .collect::<String>()
                + &"  ".repeat(d)
                + "def\n",
        );
    }
    docs.push(sections_at_every_level());
    for k in [10, 1000, 5000] {
        let chain = |f: &dyn Fn(usize) -> String| (0..k).map(f).collect::<String>();
        docs.push(format!(
            "|s0|\n\n{}",
            chain(&|i| format!(".. |s{i}| replace:: |s{}|\n", i + 1))
        ));
        docs.push(format!(
            "|s0|\n\n{}",
            chain(&|i| format!(".. |s{i}| replace:: |s{}|\n", (i + 1) % k))
        ));
        docs.push(format!(
            "t0_\n\n{}.. _t{k}: http://e.com/\n",
            chain(&|i| format!(".. _t{i}: t{}_\n", i + 1))
        ));
        docs.push(format!(
            "t0_\n\n{}",
            chain(&|i| format!(".. _t{i}: t{}_\n", (i + 1) % k))
        ));
        docs.push(format!("`a`__\n\n{}", chain(&|_| "__ a_\n".to_string())) + ".. _a: __\n");
        docs.push(format!(
            "{}\n\n{}",
            "[*]_ ".repeat(k),
            ".. [*] s\n".repeat(k.min(1000))
        ));
        docs.push(format!("{}\n", "**x** ".repeat(k.min(1666))));
    }
    for d in &docs {
        exercise(d);
    }
}

/// Sections under every adornment style docutils distinguishes (with and without overline),
/// then back to the top level, with `contents` and `sectnum` over them all.
fn sections_at_every_level() -> String {
    let chars = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    let mut s = String::from(".. contents::\n   :depth: 100\n.. sectnum::\n   :depth: 100\n\n");
    for round in 0..2 {
        for (i, c) in chars.chars().enumerate() {
            for over in [false, true] {
                let rule = c.to_string().repeat(12);
                if over {
                    s += &format!("{rule}\n");
                }
                s += &format!("Level {round} {i} {over}\n{rule}\n\n[#]_ `Level 0 0 false`_\n\n");
            }
        }
    }
    s + ".. [#] note\n"
}

/// Definitions that each refer to the next twice: docutils expands 2^k copies (and hangs);
/// hoist stops at a bound on the nodes substitutions copy, in time and in output size.
#[test]
fn render_bounds_exponential_substitutions() {
    for k in [18, 40] {
        let defs: String = (0..k)
            .map(|i| format!(".. |s{i}| replace:: |s{}| |s{}|\n", i + 1, i + 1))
            .collect();
        let doc = format!("|s0|\n\n{defs}.. |s{k}| replace:: x\n");
        let start = Instant::now();
        let html = hoist::render::rst::render(&doc).unwrap_or_default();
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{k}: {:?}",
            start.elapsed()
        );
        assert!(html.len() < 2_000_000, "{k}: {} bytes", html.len());
    }
}
