//! Grid and simple table structure, ported from docutils' `tableparser`.
//!
//! Given the isolated lines of a table, finds the cells or reports docutils' `TableMarkupError`
//! text. Cell contents are returned as rectangles; parsing them is the block parser's job.
//! Double-width (East Asian) padding is not reproduced: such tables are measured in characters.

/// One cell: first text line, last text line (exclusive), first column, end column (exclusive).
#[derive(Debug, Clone, Copy)]
pub(super) struct Cell {
    pub top: usize,
    pub bottom: usize,
    pub left: usize,
    pub right: usize,
}

/// A table's shape as docutils' `structure_from_cells` gives it: column widths, the number of
/// head rows, and the rows' cells with their `morerows` and `morecols`.
#[derive(Debug, Clone, Default)]
pub(super) struct Layout {
    pub colwidths: Vec<usize>,
    pub head_rows: usize,
    pub rows: Vec<Vec<(Cell, usize, usize)>>,
}

/// A table markup error: the message and the line offset within the table.
pub(super) struct TableError(pub String, pub usize);

fn at(block: &[Vec<char>], r: usize, c: usize) -> char {
    block.get(r).and_then(|l| l.get(c)).copied().unwrap_or(' ')
}

/// `TableParser.find_head_body_sep`: at most one separator, not first or last; it becomes a
/// plain row border ('=' to '-').
fn find_head_body_sep(
    block: &mut [Vec<char>],
    is_sep: impl Fn(&[char]) -> bool,
) -> Result<Option<usize>, TableError> {
    let n = block.len();
    let mut head_body_sep: Option<usize> = None;
    for (i, row) in block.iter_mut().enumerate() {
        if is_sep(row) {
            if let Some(h) = head_body_sep.filter(|&h| h > 0) {
                return Err(TableError(
                    format!(
                        "Multiple head/body row separators (table lines {} and {}); only one allowed.",
                        h + 1,
                        i + 1
                    ),
                    i,
                ));
            }
            head_body_sep = Some(i);
            for c in row.iter_mut() {
                if *c == '=' {
                    *c = '-';
                }
            }
        }
    }
    if head_body_sep == Some(0) || head_body_sep == Some(n.saturating_sub(1)) {
        return Err(TableError(
            "The head/body row separator may not be the first or last line of the table.".into(),
            n.saturating_sub(1),
        ));
    }
    Ok(head_body_sep)
}

/// `GridTableParser.parse`: the block has a uniform width and '+'/'|' edges.
pub(super) fn parse_grid(block: &[Vec<char>]) -> Result<Layout, TableError> {
    let is_sep = |l: &[char]| {
        l.len() >= 4
            && l[0] == '+'
            && l[1] == '='
            && l[l.len() - 1] == '+'
            && l[l.len() - 2] == '='
            && l.iter().all(|&c| c == '=' || c == '+')
    };
    let mut block: Vec<Vec<char>> = block.to_vec();
    let n = block.len();
    let sep = find_head_body_sep(&mut block, is_sep)?;
    let bottom = n.saturating_sub(1);
    let right = block.first().map_or(0, |l| l.len().saturating_sub(1));
    let mut done: Vec<isize> = vec![-1; right + 1];
    let mut cells = Vec::new();
    let mut corners: Vec<(usize, usize)> = vec![(0, 0)];
    let mut guard = 0usize;
    while !corners.is_empty() {
        guard += 1;
        if guard > 200_000 {
            break;
        }
        let (top, left) = corners.remove(0);
        if top == bottom || left == right || (top as isize) <= done[left] {
            continue;
        }
        let Some((b, r)) = scan_right(&block, top, left, right, bottom) else {
            continue;
        };
        for d in done.iter_mut().take(r).skip(left) {
            *d = b as isize - 1;
        }
        cells.push(Cell {
            top: top + 1,
            bottom: b,
            left: left + 1,
            right: r,
        });
        corners.push((top, r));
        corners.push((b, left));
        corners.sort();
        corners.dedup();
    }
    let last = bottom as isize - 1;
    if done.iter().take(right).any(|&d| d != last) {
        return Err(TableError("Malformed table; parse incomplete.".into(), 0));
    }
    Ok(grid_layout(&block, cells, sep))
}

/// `GridTableParser.structure_from_cells`: rows and columns from the cells' borders.
/// Every '+' met while tracing a cell is a row or column boundary (`scan_right`,
/// `scan_down`, `scan_left`, `scan_up`).
fn grid_layout(block: &[Vec<char>], cells: Vec<Cell>, sep: Option<usize>) -> Layout {
    let mut rowseps: Vec<usize> = vec![0];
    let mut colseps: Vec<usize> = vec![0];
    for c in &cells {
        let (top, left) = (c.top.saturating_sub(1), c.left.saturating_sub(1));
        for i in left + 1..=c.right {
            if at(block, top, i) == '+' {
                colseps.push(i);
            }
            if i < c.right && at(block, c.bottom, i) == '+' {
                colseps.push(i);
            }
        }
        for i in top + 1..=c.bottom {
            if at(block, i, c.right) == '+' {
                rowseps.push(i);
            }
            if i < c.bottom && at(block, i, left) == '+' {
                rowseps.push(i);
            }
        }
    }
    rowseps.sort_unstable();
    rowseps.dedup();
    colseps.sort_unstable();
    colseps.dedup();
    let index = |v: &[usize], x: usize| v.iter().position(|&y| y == x).unwrap_or(0);
    let colwidths = colseps
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0] + 1))
        .collect();
    let mut grid: Vec<Vec<Option<(Cell, usize, usize)>>> =
        vec![vec![None; colseps.len().saturating_sub(1)]; rowseps.len().saturating_sub(1)];
    for c in cells {
        let row = index(&rowseps, c.top.saturating_sub(1));
        let col = index(&colseps, c.left.saturating_sub(1));
        let morerows = index(&rowseps, c.bottom).saturating_sub(row + 1);
        let morecols = index(&colseps, c.right).saturating_sub(col + 1);
        if let Some(slot) = grid.get_mut(row).and_then(|r| r.get_mut(col)) {
            *slot = Some((c, morerows, morecols));
        }
    }
    Layout {
        colwidths,
        head_rows: sep.map_or(0, |s| index(&rowseps, s)),
        rows: grid
            .into_iter()
            .map(|r| r.into_iter().flatten().collect())
            .collect(),
    }
}

fn scan_right(
    b: &[Vec<char>],
    top: usize,
    left: usize,
    right: usize,
    bottom: usize,
) -> Option<(usize, usize)> {
    for i in left + 1..=right {
        let c = at(b, top, i);
        if c == '+' {
            if let Some(bt) = scan_down(b, top, left, i, bottom) {
                return Some((bt, i));
            }
        } else if c != '-' {
            return None;
        }
    }
    None
}

fn scan_down(
    b: &[Vec<char>],
    top: usize,
    left: usize,
    right: usize,
    bottom: usize,
) -> Option<usize> {
    for i in top + 1..=bottom {
        let c = at(b, i, right);
        if c == '+' {
            if scan_left(b, top, left, i, right) {
                return Some(i);
            }
        } else if c != '|' {
            return None;
        }
    }
    None
}

fn scan_left(b: &[Vec<char>], top: usize, left: usize, bottom: usize, right: usize) -> bool {
    for i in (left + 1..right).rev() {
        let c = at(b, bottom, i);
        if c != '+' && c != '-' {
            return false;
        }
    }
    if at(b, bottom, left) != '+' {
        return false;
    }
    for i in (top + 1..bottom).rev() {
        let c = at(b, i, left);
        if c != '+' && c != '|' {
            return false;
        }
    }
    true
}

/// `SimpleTableParser.parse`. Returns the cells of every row.
pub(super) fn parse_simple(block: &[Vec<char>]) -> Result<Layout, TableError> {
    let mut block: Vec<Vec<char>> = block.to_vec();
    let n = block.len();
    if n < 2 {
        return Err(TableError("Malformed table; parse incomplete.".into(), 0));
    }
    for i in [0, n - 1] {
        for c in block[i].iter_mut() {
            if *c == '=' {
                *c = '-';
            }
        }
    }
    let is_sep = |l: &[char]| l.first() == Some(&'=') && l.iter().all(|&c| c == '=' || c == ' ');
    let sep = find_head_body_sep(&mut block, is_sep)?;
    let mut columns = parse_columns(&block[0], 0, None)?;
    let Some(&(firststart, firstend)) = columns.first() else {
        return Err(TableError("Malformed table; parse incomplete.".into(), 0));
    };
    // The top border's end: every later border must end there, however far a row's text
    // widened the rightmost column (docutils' `border_end`).
    let border_end = columns.last().map_or(0, |c| c.1);
    let is_span = |l: &[char]| l.first() == Some(&'-') && l.iter().all(|&c| c == '-' || c == ' ');
    let mut cells: Vec<Vec<(Cell, usize, usize)>> = Vec::new();
    let mut offset = 1;
    let mut start = 1;
    let mut text_found = false;
    while offset < n {
        let line = &block[offset];
        if is_span(line) {
            parse_row(
                &block,
                start,
                offset,
                Some((offset, border_end)),
                &mut columns,
                &mut cells,
            )?;
            start = offset + 1;
            text_found = false;
        } else if !slice_blank(line, firststart, firstend) {
            if text_found && offset != start {
                parse_row(&block, start, offset, None, &mut columns, &mut cells)?;
            }
            start = offset;
            text_found = true;
        } else if !text_found {
            start = offset + 1;
        }
        offset += 1;
    }
    let colwidths = columns.iter().map(|(s, e)| e.saturating_sub(*s)).collect();
    let head_rows = match sep {
        Some(s) => cells
            .iter()
            .position(|r| r.first().is_some_and(|c| c.0.top > s))
            .unwrap_or(0),
        None => 0,
    };
    Ok(Layout {
        colwidths,
        head_rows,
        rows: cells,
    })
}

fn slice_blank(line: &[char], a: usize, b: usize) -> bool {
    let b = b.min(line.len());
    a >= b || line[a..b].iter().all(|&c| super::chars::is_space(c))
}

/// docutils' `SimpleTableParser.parse_columns`: the column spans of a border or span line;
/// with `main` (the table's columns and the top border's end), the last span must end where
/// the top border does, and then takes the (possibly widened) rightmost column's end.
fn parse_columns(
    line: &[char],
    offset: usize,
    main: Option<(&[(usize, usize)], usize)>,
) -> Result<Vec<(usize, usize)>, TableError> {
    let mut cols = Vec::new();
    let mut end = 0;
    while let Some(begin) = line
        .iter()
        .skip(end)
        .position(|&c| c == '-')
        .map(|p| p + end)
    {
        end = line
            .iter()
            .skip(begin)
            .position(|&c| c == ' ')
            .map_or(line.len(), |p| p + begin);
        cols.push((begin, end));
    }
    if let Some((main, border_end)) = main {
        let (Some(last), Some(mlast)) = (cols.last_mut(), main.last()) else {
            return Err(TableError(
                format!("Column span incomplete in table line {}.", offset + 1),
                offset,
            ));
        };
        if last.1 != border_end {
            return Err(TableError(
                format!("Column span incomplete in table line {}.", offset + 1),
                offset,
            ));
        }
        last.1 = mlast.1;
    }
    Ok(cols)
}

fn parse_row(
    block: &[Vec<char>],
    start: usize,
    end_line: usize,
    spanline: Option<(usize, usize)>,
    columns: &mut [(usize, usize)],
    cells: &mut Vec<Vec<(Cell, usize, usize)>>,
) -> Result<(), TableError> {
    let lines = &block[start.min(end_line)..end_line];
    if lines.is_empty() && spanline.is_none() {
        return Ok(());
    }
    let mut cols = match spanline {
        Some((s, border_end)) => parse_columns(&block[s], s, Some((columns, border_end)))?,
        None => columns.to_vec(),
    };
    // check_columns
    let lastcol = cols.len().saturating_sub(1);
    for i in 0..cols.len() {
        let (cs, ce) = cols[i];
        let nextstart = cols.get(i + 1).map_or(usize::MAX, |c| c.0);
        for (k, line) in lines.iter().enumerate() {
            if i == lastcol && !slice_blank(line, ce, usize::MAX) {
                let text_len = super::chars::rstrip(line.get(cs..).unwrap_or(&[])).len();
                let new_end = cs + text_len;
                if let Some(main_last) = columns.last_mut() {
                    cols[i] = (cs, main_last.1.max(new_end));
                    if new_end > main_last.1 {
                        main_last.1 = new_end;
                    }
                }
            } else if !slice_blank(line, ce, nextstart) {
                return Err(TableError(
                    format!("Text in column margin in table line {}.", start + k + 1),
                    start + k,
                ));
            }
        }
    }
    cells.push(init_row(&cols, columns, start, end_line)?);
    Ok(())
}

/// `SimpleTableParser.init_row`: each column span must start on a column boundary and end on
/// one; the cells with their `morecols`.
fn init_row(
    cols: &[(usize, usize)],
    columns: &[(usize, usize)],
    start: usize,
    end_line: usize,
) -> Result<Vec<(Cell, usize, usize)>, TableError> {
    let misaligned = || {
        TableError(
            format!("Column span alignment problem in table line {}.", start + 2),
            start + 1,
        )
    };
    let mut row = Vec::new();
    let mut i = 0;
    for &(cs, ce) in cols {
        match columns.get(i) {
            Some(&(ms, _)) if ms == cs => {}
            _ => return Err(misaligned()),
        }
        let first = i;
        loop {
            match columns.get(i) {
                Some(&(_, me)) if me == ce => break,
                Some(_) => i += 1,
                None => return Err(misaligned()),
            }
        }
        let morecols = i - first;
        i += 1;
        let cell = Cell {
            top: start,
            bottom: end_line,
            left: cs,
            right: ce,
        };
        row.push((cell, 0, morecols));
    }
    Ok(row)
}
