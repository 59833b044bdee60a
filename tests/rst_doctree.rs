//! Differential test: the document tree hoist's rst parser builds (`check::rst::doctree`)
//! against the one docutils' parser builds with readme_renderer's settings
//! (`scripts/rst-corpus/doctree.py parsed`), over the real and synthetic corpus documents that
//! PyPI renders.
//!
//! Two figures: "structure" drops the children of every element whose content is inline markup
//! (paragraph, title, term, line...) on both sides, so it measures the block parser alone;
//! "full" compares everything. Both compare a `literal_block`'s children by their text only
//! (docutils splits highlighted code into Pygments tokens). Prints both figures and the first
//! difference of every document that differs; asserts on the structure figure.

mod rst_corpus;
mod testpython;

use serde_json::Value;

/// Elements whose children are inline markup, parsed by `inline::parse_nodes`.
const INLINE_BEARING: &[&str] = &[
    "paragraph",
    "title",
    "subtitle",
    "term",
    "classifier",
    "field_name",
    "line",
    "attribution",
    "rubric",
    "caption",
    "label",
];

/// The tree as compared: literal blocks reduced to their text; in structure mode, inline
/// content dropped.
fn normalize(v: &Value, structure: bool) -> Value {
    let Value::Object(map) = v else {
        return v.clone();
    };
    let mut out = map.clone();
    let tag = map.get("t").and_then(Value::as_str).unwrap_or("");
    let children = map.get("c").and_then(Value::as_array);
    // a substitution's image (or linked image) is block-parser work; anything else is inline
    let image = |v: &Value| match v.get("t").and_then(Value::as_str) {
        Some("image") => true,
        Some("reference") => v.get("c").and_then(Value::as_array).is_some_and(|c| {
            c.iter()
                .all(|x| x.get("t").and_then(Value::as_str) == Some("image"))
        }),
        _ => false,
    };
    let drop = structure
        && (INLINE_BEARING.contains(&tag)
            || (tag == "substitution_definition"
                && children.is_some_and(|c| !c.iter().all(image))));
    if drop {
        out.remove("c");
    } else if tag == "literal_block" || tag == "doctest_block" {
        let mut text = String::new();
        astext(v, &mut text);
        out.remove("c");
        if !text.is_empty() {
            out.insert("c".into(), Value::Array(vec![Value::String(text)]));
        }
    } else if let Some(c) = children {
        let c: Vec<Value> = c.iter().map(|x| normalize(x, structure)).collect();
        out.insert("c".into(), Value::Array(c));
    }
    Value::Object(out)
}

fn astext(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Object(m) => {
            for c in m.get("c").and_then(Value::as_array).into_iter().flatten() {
                astext(c, out);
            }
        }
        _ => {}
    }
}

fn short(v: Option<&Value>) -> String {
    let s = match v {
        None => "(nothing)".to_string(),
        Some(Value::Object(m)) => {
            let mut m = m.clone();
            if let Some(Value::Array(c)) = m.get("c") {
                let n = c.len();
                m.insert("c".into(), Value::String(format!("[{n} children]")));
            }
            Value::Object(m).to_string()
        }
        Some(v) => v.to_string(),
    };
    s.chars().take(300).collect()
}

/// The first difference: the path of tags and child indexes, and both sides there.
fn first_diff(want: &Value, got: &Value, path: &str) -> Option<String> {
    let tag = |v: &Value| v.get("t").and_then(Value::as_str).unwrap_or("").to_string();
    let here = format!("{path}/{}", tag(want));
    let (Value::Object(w), Value::Object(g)) = (want, got) else {
        return (want != got).then(|| {
            format!(
                "{path}: docutils {} | hoist {}",
                short(Some(want)),
                short(Some(got))
            )
        });
    };
    if w.get("t") != g.get("t") || w.get("a") != g.get("a") {
        return Some(format!(
            "{here}: docutils {} | hoist {}",
            short(Some(want)),
            short(Some(got))
        ));
    }
    let empty = Vec::new();
    let wc = w.get("c").and_then(Value::as_array).unwrap_or(&empty);
    let gc = g.get("c").and_then(Value::as_array).unwrap_or(&empty);
    for i in 0..wc.len().max(gc.len()) {
        match (wc.get(i), gc.get(i)) {
            (Some(a), Some(b)) => {
                if let Some(d) = first_diff(a, b, &format!("{here}[{i}]")) {
                    return Some(d);
                }
            }
            (a, b) => {
                return Some(format!(
                    "{here}[{i}]: docutils {} | hoist {}",
                    short(a),
                    short(b)
                ));
            }
        }
    }
    None
}

#[test]
fn parsed_tree_matches_docutils() {
    let mut docs = rst_corpus::real_docs();
    let real = docs.len();
    docs.extend(rst_corpus::synthetic_docs());
    let texts: Vec<&str> = docs.iter().map(|(_, t)| t.as_str()).collect();
    let out = testpython::run_batch_mode(
        "scripts/rst-corpus/doctree.py",
        "parsed",
        &texts,
        "run scripts/test to install readme_renderer",
    );
    let oracle: Vec<Value> = serde_json::from_slice(&out).expect("oracle JSON");
    assert_eq!(oracle.len(), docs.len());

    let (mut compared, mut real_compared) = (0usize, 0usize);
    let (mut same_structure, mut same_full, mut real_structure) = (0usize, 0usize, 0usize);
    let (mut differences, mut full_differences) = (Vec::new(), Vec::new());
    for (i, ((name, text), want)) in docs.iter().zip(&oracle).enumerate() {
        if want.is_null() {
            continue;
        }
        compared += 1;
        let is_real = i < real;
        real_compared += usize::from(is_real);
        let got = hoist::check::rst::doctree(text)
            .map(|e| serde_json::to_value(e).expect("tree JSON"))
            .unwrap_or(Value::Null);
        let (wf, gf) = (normalize(want, false), normalize(&got, false));
        if wf == gf {
            same_full += 1;
        } else {
            let d = first_diff(&wf, &gf, "").unwrap_or_default();
            full_differences.push(format!("  {name}: {d}"));
        }
        let (ws, gs) = (normalize(want, true), normalize(&got, true));
        if ws == gs {
            same_structure += 1;
            real_structure += usize::from(is_real);
        } else {
            let d = first_diff(&ws, &gs, "").unwrap_or_default();
            differences.push(format!("  {name}: {d}"));
        }
    }
    let pct = |n: usize, d: usize| n as f64 * 100.0 / d.max(1) as f64;
    println!("full differences ({}):", full_differences.len());
    for d in &full_differences {
        println!("{d}");
    }
    println!("structure differences ({}):", differences.len());
    for d in &differences {
        println!("{d}");
    }
    println!(
        "rst doctree: {compared} documents docutils renders ({real_compared} real)\n\
         structure identical: {same_structure}/{compared} = {:.2}% (real: {real_structure}/{real_compared} = {:.2}%)\n\
         full identical: {same_full}/{compared} = {:.2}%",
        pct(same_structure, compared),
        pct(real_structure, real_compared),
        pct(same_full, compared),
    );
    assert!(real_compared >= 400, "corpus too small: {real_compared}");
    let rate = pct(real_structure, real_compared);
    assert!(
        rate >= 98.0,
        "structure agreement {rate:.2}% of the real documents is below 98%"
    );
    let full = pct(same_full, compared);
    assert!(full >= 98.0, "full agreement {full:.2}% is below 98%");
}
