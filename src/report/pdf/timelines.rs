//! Pictures of the observation period: the captioned grid (account and evidence kind × month,
//! snapshot present or missing) and swimlanes (one lane per resource along the period's days, bars
//! where it failed or had no evidence). Both continue on the next page, header or axis repeated,
//! when their rows run past the bottom.

use chrono::{Datelike, NaiveDate};

use crate::report::document::{Align, Cell, Grid, Swimlanes, Tone};
use crate::report::timeline::{end_of, start_of};

use super::charts::{no_data, title};
use super::fonts::FontKind;
use super::layout::{
    BOTTOM, CONTENT_W, GREY_TEXT, INK, LEFT, Layout, RULE, RULE_DARK, Rgb, SMALL, Style, tone_fill, tone_strong,
};

const ROW_LABEL: Style = Style::new(FontKind::Regular, 7.0, 8.4, INK);
const COLUMN_LABEL: Style = Style::new(FontKind::Regular, 6.5, 7.8, GREY_TEXT);
const CELL_TEXT: Style = Style::new(FontKind::Bold, 6.5, 8.0, INK);
const CONTINUED: Style = Style::new(FontKind::Bold, 7.5, 11.0, GREY_TEXT);
const CELL_H: f32 = 10.0;
const ROW_GAP: f32 = 2.0;
/// A row label wraps to at most this many lines (an ARN or a long kind name), so a row stays short.
const MAX_LABEL_LINES: usize = 3;
/// Twelve months side by side beside a row label leave each about 27 points: room for "Sep 2026"
/// on two lines. Longer periods are drawn in bands of twelve, one under the other.
const MAX_COLUMNS_PER_BAND: usize = 12;
const TRACK: Rgb = Rgb::hex(0xe9ecf1);
/// A stretch without evidence on a lane: a mid grey, which the light track must not swallow.
const NO_EVIDENCE: Rgb = Rgb::hex(0x9aa1ab);
const WHITE: Rgb = Rgb::hex(0xffffff);

/// The fill of a grid cell or bar: the tone's saturated colour where it says something (present,
/// missing, thin), a light tint where it says little (not expected, not applicable).
pub(super) fn fill(tone: Tone) -> Rgb {
    match tone {
        Tone::Good | Tone::Bad | Tone::Warn | Tone::Excepted => tone_strong(tone),
        Tone::Muted | Tone::Neutral => tone_fill(tone).unwrap_or(TRACK),
    }
}

/// The fill of a lane's bar: a gap in grey strong enough to read against the track.
fn lane_fill(tone: Tone) -> Rgb {
    match tone {
        Tone::Muted => NO_EVIDENCE,
        other => fill(other),
    }
}

fn text_color(tone: Tone) -> Rgb {
    match tone {
        Tone::Good | Tone::Bad | Tone::Warn | Tone::Excepted => WHITE,
        Tone::Muted | Tone::Neutral => INK,
    }
}

/// Row labels wrapped into the label column, each at most [`MAX_LABEL_LINES`] lines, with the
/// row's height.
fn row_labels(l: &Layout, labels: &[String], n: usize, label_w: f32) -> Vec<(Vec<String>, f32)> {
    (0..n)
        .map(|r| {
            let label = labels.get(r).map_or("", String::as_str);
            let mut lines = l.wrap(ROW_LABEL, label, label_w - 8.0);
            if lines.len() > MAX_LABEL_LINES {
                lines.truncate(MAX_LABEL_LINES);
                if let Some(last) = lines.last_mut() {
                    last.push('…');
                }
            }
            let h = (lines.len() as f32 * ROW_LABEL.leading).max(CELL_H) + ROW_GAP;
            (lines, h)
        })
        .collect()
}

fn label_width(l: &Layout, labels: &[String]) -> f32 {
    let widest = labels.iter().map(|s| l.width(ROW_LABEL, &l.fonts.clean(ROW_LABEL.font, s))).fold(0.0, f32::max);
    (widest + 8.0).clamp(60.0, CONTENT_W * 0.4)
}

fn draw_label(l: &mut Layout, top: f32, h: f32, lines: &[String]) {
    let mut y = top + (h - ROW_GAP - lines.len() as f32 * ROW_LABEL.leading) / 2.0;
    for line in lines {
        l.text(LEFT, ROW_LABEL.baseline(y), ROW_LABEL, line);
        y += ROW_LABEL.leading;
    }
}

pub(super) fn grid(l: &mut Layout, g: &Grid) {
    let nrows = g.row_labels.len().max(g.cells.len());
    let ncols = g.column_labels.len().max(g.cells.iter().map(Vec::len).max().unwrap_or(0));
    title(l, &g.title, 60.0);
    if nrows == 0 || ncols == 0 {
        no_data(l);
        legend(l, &g.legend, fill);
        return;
    }
    let label_w = label_width(l, &g.row_labels);
    let grid_x = LEFT + label_w;
    let grid_w = CONTENT_W - label_w;
    let bands = ncols.div_ceil(MAX_COLUMNS_PER_BAND);
    let per_band = ncols.div_ceil(bands);
    let pitch = (grid_w / per_band as f32).min(48.0);
    let rows = row_labels(l, &g.row_labels, nrows, label_w);
    for b in 0..bands {
        let (c0, c1) = (b * per_band, ((b + 1) * per_band).min(ncols));
        let header: Vec<Vec<String>> = (c0..c1)
            .map(|c| l.wrap(COLUMN_LABEL, g.column_labels.get(c).map_or("", String::as_str), pitch - 2.0))
            .map(|mut lines| {
                lines.truncate(2);
                lines
            })
            .collect();
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * COLUMN_LABEL.leading + 2.0;
        let first: f32 = rows.iter().take(3).map(|(_, h)| h).sum();
        l.need(header_h + first);
        let mut r = 0;
        let mut continued = false;
        while r < nrows {
            if continued {
                l.text(LEFT, CONTINUED.baseline(l.y), CONTINUED, "(continued)");
                l.y += CONTINUED.leading;
            }
            column_header(l, &header, grid_x, pitch, header_h);
            let mut placed = 0;
            while let Some((lines, h)) = rows.get(r) {
                if placed > 0 && l.y + h > BOTTOM {
                    break;
                }
                let top = l.y;
                draw_label(l, top, *h, lines);
                let cell_top = top + (h - ROW_GAP - CELL_H) / 2.0;
                for c in c0..c1 {
                    let x = grid_x + (c - c0) as f32 * pitch;
                    let cell = g.cells.get(r).and_then(|row| row.get(c));
                    draw_cell(l, x, cell_top, pitch - 1.5, cell);
                }
                l.y = top + h;
                r += 1;
                placed += 1;
            }
            if r < nrows {
                l.new_page();
                continued = true;
            }
        }
        l.gap(6.0);
    }
    legend(l, &g.legend, fill);
}

fn column_header(l: &mut Layout, header: &[Vec<String>], grid_x: f32, pitch: f32, h: f32) {
    let top = l.y;
    for (i, lines) in header.iter().enumerate() {
        let x = grid_x + i as f32 * pitch;
        let mut y = top;
        for line in lines {
            l.text_in(x, pitch - 1.5, COLUMN_LABEL.baseline(y), COLUMN_LABEL, Align::Center, line);
            y += COLUMN_LABEL.leading;
        }
    }
    l.y = top + h;
}

fn draw_cell(l: &mut Layout, x: f32, top: f32, w: f32, cell: Option<&Cell>) {
    let Some(cell) = cell else {
        l.frame(x, top, w, CELL_H, None, (RULE, 0.4));
        return;
    };
    l.rect(x, top, w, CELL_H, fill(cell.tone));
    let text = l.fonts.clean(CELL_TEXT.font, &cell.text);
    if !text.trim().is_empty() && l.width(CELL_TEXT, &text) <= w - 1.0 {
        let style = CELL_TEXT.with_color(text_color(cell.tone));
        let baseline = top + CELL_H / 2.0 + 0.36 * style.size;
        l.text_in(x, w, baseline, style, Align::Center, &text);
    }
}

/// One swatch and its words per legend entry, wrapping to another line when the page is full.
fn legend(l: &mut Layout, entries: &[(Tone, String)], paint: fn(Tone) -> Rgb) {
    if entries.is_empty() {
        return;
    }
    let sw = 8.0;
    l.need(SMALL.leading * 2.0);
    let mut top = l.y;
    let mut x = LEFT;
    for (tone, text) in entries {
        let text = l.fonts.clean(SMALL.font, text);
        let w = sw + 4.0 + l.width(SMALL, &text).min(CONTENT_W - sw - 4.0);
        if x > LEFT && x + w > LEFT + CONTENT_W {
            top += SMALL.leading + 2.0;
            x = LEFT;
        }
        let sq_top = top + (SMALL.leading - sw) / 2.0;
        l.frame(x, sq_top, sw, sw, Some(paint(*tone)), (RULE_DARK, 0.3));
        let lines = l.wrap(SMALL, &text, CONTENT_W - sw - 4.0);
        if let Some(line) = lines.first() {
            l.text(x + sw + 4.0, SMALL.baseline(top), SMALL, line);
        }
        x += w + 14.0;
    }
    l.y = (top + SMALL.leading + 2.0).min(BOTTOM);
}

/// Month starts strictly inside `from..=to`, and `from` itself.
fn month_starts(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = vec![from];
    let mut m = from.with_day(1).and_then(|d| d.checked_add_months(chrono::Months::new(1)));
    while let Some(day) = m.filter(|d| *d <= to) {
        out.push(day);
        // A period is at most ten years (timefmt::MAX_PERIOD_DAYS); this bound keeps a hand-made
        // document from looping for long.
        if out.len() > 1200 {
            break;
        }
        m = day.checked_add_months(chrono::Months::new(1));
    }
    out
}

const LANE_H: f32 = 7.0;

pub(super) fn swimlanes(l: &mut Layout, s: &Swimlanes) {
    title(l, &s.title, 50.0);
    if s.lanes.is_empty() || s.to < s.from {
        no_data(l);
        legend(l, &s.legend, lane_fill);
        return;
    }
    let labels: Vec<String> = s.lanes.iter().map(|lane| lane.label.clone()).collect();
    let label_w = label_width(l, &labels);
    let axis_x = LEFT + label_w;
    let axis_w = CONTENT_W - label_w;
    let (t0, t1) = (start_of(s.from), end_of(s.to));
    let span = (t1 - t0).num_seconds().max(1) as f64;
    let x_of = |t: chrono::DateTime<chrono::Utc>| {
        let share = ((t - t0).num_seconds() as f64 / span).clamp(0.0, 1.0);
        axis_x + (share as f32) * axis_w
    };
    let months = month_starts(s.from, s.to);
    let rows = row_labels(l, &labels, s.lanes.len(), label_w);
    let axis_h = COLUMN_LABEL.leading + 4.0;
    let first: f32 = rows.iter().take(3).map(|(_, h)| h).sum();
    l.need(first + axis_h);
    let mut r = 0;
    while r < s.lanes.len() {
        let mut placed = 0;
        while let (Some((lines, h)), Some(lane)) = (rows.get(r), s.lanes.get(r)) {
            if placed > 0 && l.y + h + axis_h > BOTTOM {
                break;
            }
            let top = l.y;
            draw_label(l, top, *h, lines);
            let bar_top = top + (h - ROW_GAP - LANE_H) / 2.0;
            l.rect(axis_x, bar_top, axis_w, LANE_H, TRACK);
            // Month lines on the track, under the bars.
            for day in months.iter().skip(1) {
                l.rect(x_of(start_of(*day)), bar_top, 0.4, LANE_H, RULE);
            }
            // No-evidence bars first, so a violation drawn over the same days stays visible.
            let mut bars: Vec<_> = lane.bars.iter().collect();
            bars.sort_by_key(|b| b.tone == Tone::Bad);
            for bar in bars {
                let (x0, x1) = (x_of(bar.from), x_of(bar.to.max(bar.from)));
                // A violation of minutes stays visible on a year's axis.
                let w = (x1 - x0).max(1.2).min(axis_x + axis_w - x0);
                l.rect(x0.min(axis_x + axis_w - w), bar_top, w, LANE_H, lane_fill(bar.tone));
            }
            l.y = top + h;
            r += 1;
            placed += 1;
        }
        month_axis(l, &months, x_of);
        if r < s.lanes.len() {
            l.new_page();
            l.text(LEFT, CONTINUED.baseline(l.y), CONTINUED, "(continued)");
            l.y += CONTINUED.leading;
        }
    }
    l.gap(4.0);
    legend(l, &s.legend, lane_fill);
}

/// `Jan 2026` at the first mark and each January, the month alone elsewhere; a label that would
/// overlap the previous one is left out.
fn month_axis(l: &mut Layout, months: &[NaiveDate], x_of: impl Fn(chrono::DateTime<chrono::Utc>) -> f32) {
    let top = l.y + 1.0;
    let mut end = f32::MIN;
    for (i, day) in months.iter().enumerate() {
        let x = x_of(start_of(*day));
        let text =
            if i == 0 || day.month() == 1 { day.format("%b %Y").to_string() } else { day.format("%b").to_string() };
        let w = l.width(COLUMN_LABEL, &text);
        l.rect(x, top, 0.5, 2.5, RULE_DARK);
        if x >= end + 3.0 && x + w <= LEFT + CONTENT_W + 0.01 {
            l.text(x, COLUMN_LABEL.baseline(top + 2.0), COLUMN_LABEL, &text);
            end = x + w;
        }
    }
    l.y = top + COLUMN_LABEL.leading + 3.0;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn month_marks_are_the_start_and_every_first_of_a_month_inside() {
        let got = month_starts(day("2026-01-15"), day("2026-04-01"));
        assert_eq!(got, [day("2026-01-15"), day("2026-02-01"), day("2026-03-01"), day("2026-04-01")]);
        assert_eq!(month_starts(day("2026-03-01"), day("2026-03-31")), [day("2026-03-01")]);
        assert_eq!(month_starts(NaiveDate::MAX, NaiveDate::MAX), [NaiveDate::MAX]);
    }

    #[test]
    fn present_and_missing_cells_are_filled_apart() {
        assert_ne!(fill(Tone::Good), fill(Tone::Bad));
        assert_ne!(fill(Tone::Bad), fill(Tone::Muted));
        assert_ne!(fill(Tone::Good), fill(Tone::Muted));
        // A gap on a lane stands out from the lane's own track.
        assert_ne!(lane_fill(Tone::Muted), TRACK);
        assert_ne!(lane_fill(Tone::Muted), lane_fill(Tone::Neutral));
    }
}
