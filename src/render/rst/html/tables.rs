//! Tables (`visit_table`, `visit_colspec`, `visit_row`, `visit_entry` of
//! `docutils/writers/_html_base.py`).

use super::blocks::has_class;
use super::start::{Cx, Start, is};
use super::translator::Translator;

impl Translator {
    /// The table visitors; false for a node that is not one.
    pub(super) fn table_part(&mut self, cx: &Cx) -> bool {
        let n = cx.node;
        match n.tag.as_str() {
            "table" => self.table(cx),
            "colspec" => self.colspec(cx),
            "row" => {
                let column = std::mem::take(&mut self.column);
                self.wrap(cx, Start::new(n, "tr").suffix(""), "</tr>\n");
                self.column = column;
            }
            "entry" => self.entry(cx),
            _ => return false,
        }
        true
    }

    fn table(&mut self, cx: &Cx) {
        let n = cx.node;
        let mut classes = Vec::new();
        if let Some(a) = n.get("align") {
            classes.push(format!("align-{a}"));
        }
        let mut start = Start::new(n, "table").classes(classes);
        if let Some(w) = n.get("width") {
            let unitless = w
                .chars()
                .last()
                .is_none_or(|c| c.is_ascii_digit() || c == '.');
            let w = if unitless {
                format!("{w}px")
            } else {
                w.to_string()
            };
            start = start.att("style", format!("width: {w};"));
        }
        self.wrap(cx, start, "</table>\n");
    }

    /// `visit_colspec`/`depart_colspec`: a `<colgroup>` after the last colspec, for tables
    /// with given widths.
    fn colspec(&mut self, cx: &Cx) {
        let n = cx.node;
        self.colspecs.push(n.get("colwidth").map(str::to_string));
        self.stubs.push(n.get("stub").is_some_and(|s| s != "0"));
        if is(cx.next(), "colspec") {
            return;
        }
        let table = cx.grandparent();
        if has_class(table, "colwidths-auto") || !has_class(table, "colwidths-given") {
            return;
        }
        let widths: Vec<f64> = self
            .colspecs
            .iter()
            .map(|w| propwidth(w.as_deref()))
            .collect();
        let total: f64 = widths.iter().sum();
        self.open(Start::new(n, "colgroup"));
        for w in widths {
            let style = format!("width: {:.1}%", w / total * 100.0);
            let col = self.start(Start::new(n, "col").empty().att("style", style));
            self.push(&col);
        }
        self.push("</colgroup>\n");
    }

    /// `visit_entry`: `<th>` in a head row or a stub column, else `<td>`.
    fn entry(&mut self, cx: &Cx) {
        let n = cx.node;
        let mut classes = Vec::new();
        let row_parent = cx.up.and_then(|row| row.parent());
        if row_parent.is_some_and(|p| p.tag == "thead") {
            classes.push("head".to_string());
        }
        if self.stubs.get(self.column).copied().unwrap_or(false) {
            classes.push("stub".to_string());
        }
        let tag = if classes.is_empty() { "td" } else { "th" };
        self.column = self.column.saturating_add(1);
        let mut start = Start::new(n, tag).suffix("").classes(classes);
        if let Some(rows) = n.get("morerows").and_then(|m| m.parse::<usize>().ok()) {
            start = start.att("rowspan", (rows + 1).to_string());
        }
        if let Some(cols) = n.get("morecols").and_then(|m| m.parse::<usize>().ok()) {
            start = start.att("colspan", (cols + 1).to_string());
            self.column = self.column.saturating_add(cols);
        }
        self.wrap(cx, start, &format!("</{tag}>\n"));
    }
}

/// `colspec.propwidth()`: the proportional width (1 when unset or unreadable).
fn propwidth(colwidth: Option<&str>) -> f64 {
    let w = colwidth.unwrap_or("").trim_end_matches('*').trim();
    w.parse::<f64>().ok().filter(|v| *v > 0.0).unwrap_or(1.0)
}
