//! Tables: column widths by weight, cells wrapped by measured width, rows tinted by tone (zebra
//! when neutral), the header repeated on every page, and a row split across pages only when it
//! alone is taller than a page.

use crate::report::document::{Align, Cell, Column, Table, Tone};

use super::fonts::FontKind;
use super::layout::{
    BODY_H, CONTENT_W, INK, LEFT, Layout, NAVY, RULE, RULE_DARK, Rgb, SMALL, Style, paragraph, tone_fill, tone_text,
};

const CELL: Style = Style::new(FontKind::Regular, 8.0, 10.2, INK);
const HEAD: Style = Style::new(FontKind::Bold, 8.0, 10.2, NAVY);
const PAD_X: f32 = 3.5;
const PAD_Y: f32 = 2.6;
const HEAD_FILL: Rgb = Rgb::hex(0xe4e9f0);
const ZEBRA: Rgb = Rgb::hex(0xf5f6f8);

/// One row, wrapped: per cell its lines, style and fill.
struct Row {
    cells: Vec<(Vec<String>, Style, Option<Rgb>)>,
}

impl Row {
    fn lines(&self) -> usize {
        self.cells.iter().map(|(lines, _, _)| lines.len()).max().unwrap_or(1).max(1)
    }
}

pub(super) fn table(l: &mut Layout, t: &Table) {
    let ncols = if t.columns.is_empty() { t.rows.iter().map(Vec::len).max().unwrap_or(0) } else { t.columns.len() };
    if ncols == 0 || t.rows.is_empty() {
        let text = if t.empty_text.trim().is_empty() { "(none)" } else { &t.empty_text };
        paragraph(l, text, SMALL.with_color(tone_text(Tone::Muted)));
        return;
    }
    let columns: Vec<Column> = (0..ncols)
        .map(|i| t.columns.get(i).cloned().unwrap_or(Column { title: String::new(), weight: 1.0, align: Align::Left }))
        .collect();
    let weights: Vec<f32> =
        columns.iter().map(|c| if c.weight.is_finite() && c.weight > 0.0 { c.weight } else { 1.0 }).collect();
    let total: f32 = weights.iter().sum();
    let widths: Vec<f32> = weights.iter().map(|w| CONTENT_W * w / total).collect();

    let wrap_cell = |l: &Layout, i: usize, text: &str, style: Style| {
        l.wrap(style, text, widths.get(i).copied().unwrap_or(0.0) - 2.0 * PAD_X)
    };
    let header = Row {
        cells: columns
            .iter()
            .enumerate()
            .map(|(i, c)| (wrap_cell(l, i, &c.title, HEAD), HEAD, Some(HEAD_FILL)))
            .collect(),
    };
    let has_header = columns.iter().any(|c| !c.title.trim().is_empty());
    let header_h = if has_header { row_height(&header) } else { 0.0 };

    let blank = Cell::plain("");
    let mut first = true;
    for (r, cells) in t.rows.iter().enumerate() {
        let row = Row {
            cells: (0..ncols)
                .map(|i| {
                    let cell = cells.get(i).unwrap_or(&blank);
                    let style = CELL.with_color(tone_text(cell.tone));
                    let fill = tone_fill(cell.tone).or((r % 2 == 1).then_some(ZEBRA));
                    (wrap_cell(l, i, &cell.text, style), style, fill)
                })
                .collect(),
        };
        let h = row_height(&row);
        let splits = h > BODY_H - header_h;
        // The header and the first row stay together; later rows move whole to the next page.
        let body = if splits { 3.0 * CELL.leading + 2.0 * PAD_Y } else { h };
        let wanted = body + if first || splits { header_h } else { 0.0 };
        if l.need(wanted) || first {
            if has_header {
                draw_row(l, &header, &widths, &columns, 0, header.lines());
                let y = l.y;
                l.hrule(LEFT, y - 0.8, CONTENT_W, 0.8, RULE_DARK);
            }
            first = false;
        }
        if !splits {
            draw_row(l, &row, &widths, &columns, 0, row.lines());
            continue;
        }
        // Taller than a page: as many lines as fit here, the rest under a repeated header.
        let mut from = 0;
        let total_lines = row.lines();
        while from < total_lines {
            let fit = (((l.remaining() - 2.0 * PAD_Y) / CELL.leading).floor().max(1.0)) as usize;
            let to = (from + fit).min(total_lines);
            draw_row(l, &row, &widths, &columns, from, to);
            from = to;
            if from < total_lines {
                l.new_page();
                if has_header {
                    draw_row(l, &header, &widths, &columns, 0, header.lines());
                    let y = l.y;
                    l.hrule(LEFT, y - 0.8, CONTENT_W, 0.8, RULE_DARK);
                }
            }
        }
    }
}

fn row_height(row: &Row) -> f32 {
    row.lines() as f32 * CELL.leading + 2.0 * PAD_Y
}

/// Draws lines `from..to` of every cell of `row` at the cursor and moves the cursor below it.
fn draw_row(l: &mut Layout, row: &Row, widths: &[f32], columns: &[Column], from: usize, to: usize) {
    let top = l.y;
    let h = (to - from) as f32 * CELL.leading + 2.0 * PAD_Y;
    let mut x = LEFT;
    for (i, (lines, style, fill)) in row.cells.iter().enumerate() {
        let w = widths.get(i).copied().unwrap_or(0.0);
        if let Some(fill) = fill {
            l.rect(x, top, w, h, *fill);
        }
        let align = columns.get(i).map_or(Align::Left, |c| c.align);
        let mut y = top + PAD_Y;
        for line in lines.iter().skip(from).take(to.saturating_sub(from)) {
            l.text_in(x + PAD_X, w - 2.0 * PAD_X, style.baseline(y), *style, align, line);
            y += style.leading;
        }
        x += w;
    }
    l.hrule(LEFT, top + h - 0.4, CONTENT_W, 0.4, RULE);
    l.y = top + h;
}
