//! Pictures: horizontal share bars, a vertical histogram, and the row × day heat map, which is cut
//! into bands of days stacked down the page and continued on the next page when rows run out.

use crate::report::document::{Align, BarChart, HeatCell, HeatMap, Histogram, Tone};

use super::fonts::FontKind;
use super::layout::{
    BODY_H, CONTENT_W, GREY_TEXT, INK, LEFT, Layout, RULE_DARK, Rgb, SMALL, Style, paragraph, tone_strong, tone_text,
};

const TITLE: Style = Style::new(FontKind::Bold, 9.0, 13.0, INK);
const LABEL: Style = Style::new(FontKind::Regular, 8.5, 11.0, INK);
const VALUE: Style = Style::new(FontKind::Regular, 8.5, 11.0, INK);
const TRACK: Rgb = Rgb::hex(0xe9ecf1);

pub(super) fn title(l: &mut Layout, text: &str, keep: f32) {
    if text.trim().is_empty() {
        l.need(keep);
        return;
    }
    let lines = l.wrap(TITLE, text, CONTENT_W);
    l.need(lines.len() as f32 * TITLE.leading + keep);
    let (mark, top) = (l.mark(), l.y);
    l.lines(LEFT, CONTENT_W, TITLE, Align::Left, &lines);
    l.gap(3.0);
    l.keep_with_next(mark, top);
}

pub(super) fn no_data(l: &mut Layout) {
    paragraph(l, "(no data)", SMALL.with_color(tone_text(Tone::Muted)));
}

/// `value/total (pct%)`, the percentage rounded half up; no percentage of a zero total.
pub(super) fn share_text(value: u64, total: u64) -> String {
    if total == 0 {
        return format!("{value}/0 (n/a)");
    }
    let pct = (u128::from(value) * 200 + u128::from(total)) / (2 * u128::from(total));
    format!("{value}/{total} ({pct}%)")
}

pub(super) fn bars(l: &mut Layout, chart: &BarChart) {
    let row_min = 15.0;
    title(l, &chart.title, row_min * chart.bars.len().clamp(1, 3) as f32);
    if chart.bars.is_empty() {
        no_data(l);
        return;
    }
    let texts: Vec<String> = chart.bars.iter().map(|b| share_text(b.value, b.total)).collect();
    let widest_label =
        chart.bars.iter().map(|b| l.width(LABEL, &l.fonts.clean(LABEL.font, &b.label))).fold(0.0, f32::max);
    let label_w = (widest_label + 10.0).clamp(60.0, CONTENT_W * 0.38);
    let value_w = texts.iter().map(|t| l.width(VALUE, t)).fold(0.0, f32::max) + 8.0;
    let track_x = LEFT + label_w;
    let track_w = (CONTENT_W - label_w - value_w).max(40.0);
    for (bar, text) in chart.bars.iter().zip(&texts) {
        let lines = l.wrap(LABEL, &bar.label, label_w - 10.0);
        let h = (lines.len() as f32 * LABEL.leading).max(row_min) + 3.0;
        l.need(h.min(BODY_H));
        let top = l.y;
        let mut y = top + (h - lines.len() as f32 * LABEL.leading) / 2.0;
        for line in &lines {
            l.text(LEFT, LABEL.baseline(y), LABEL, line);
            y += LABEL.leading;
        }
        let bar_h = 9.0;
        let bar_top = top + (h - bar_h) / 2.0;
        l.rect(track_x, bar_top, track_w, bar_h, TRACK);
        if bar.total > 0 {
            let share = (bar.value as f64 / bar.total as f64).min(1.0) as f32;
            l.rect(track_x, bar_top, track_w * share, bar_h, tone_strong(bar.tone));
        }
        let vy = VALUE.baseline(top + (h - VALUE.leading) / 2.0);
        l.text(track_x + track_w + 6.0, vy, VALUE, text);
        l.y = top + h;
    }
}

pub(super) fn histogram(l: &mut Layout, h: &Histogram) {
    let plot_h = 130.0;
    let n = h.bins.len();
    let slot_w = CONTENT_W / n.max(1) as f32;
    // Up to about twenty bins each label wraps inside its slot; beyond, labels stay on one line
    // and only those with room are printed, like the days of the heat map.
    let narrow = slot_w < 24.0;
    let bin_style = if narrow { SMALL.with_color(INK).with_size(6.0) } else { SMALL.with_color(INK) };
    let bin_lines: Vec<Vec<String>> = h
        .bins
        .iter()
        .map(|b| {
            if narrow {
                vec![l.fonts.clean(bin_style.font, &b.label)]
            } else {
                l.wrap(bin_style, &b.label, slot_w - 4.0)
            }
        })
        .collect();
    let label_rows = bin_lines.iter().map(Vec::len).max().unwrap_or(1);
    let caption = l.wrap(SMALL, &h.x_label, CONTENT_W);
    let total_h =
        plot_h + 4.0 + label_rows as f32 * bin_style.leading + 4.0 + caption.len() as f32 * SMALL.leading + 2.0;
    title(l, &h.title, total_h.min(BODY_H));
    if n == 0 {
        no_data(l);
        return;
    }
    let max = h.bins.iter().map(|b| b.count).max().unwrap_or(0);
    let count_style = if narrow { VALUE.with_size(6.0) } else { VALUE };
    let top = l.y;
    let base = top + plot_h;
    // Leave room above the tallest bar for its count.
    let usable = plot_h - count_style.leading - 2.0;
    let bar_w = (slot_w * 0.62).min(56.0);
    let mut label_end = f32::MIN;
    for (i, bin) in h.bins.iter().enumerate() {
        let slot_x = LEFT + i as f32 * slot_w;
        let bar_h = if max == 0 { 0.0 } else { (bin.count as f64 / max as f64) as f32 * usable };
        // A non-zero count stays visible however small beside the largest.
        let bar_h = if bin.count > 0 { bar_h.max(1.0) } else { bar_h };
        let bar_x = slot_x + (slot_w - bar_w) / 2.0;
        l.rect(bar_x, base - bar_h, bar_w, bar_h, tone_strong(bin.tone));
        let count = bin.count.to_string();
        if l.width(count_style, &count) <= slot_w {
            let count_top = base - bar_h - count_style.leading - 1.0;
            l.text_in(slot_x, slot_w, count_style.baseline(count_top), count_style, Align::Center, &count);
        }
        let lines = bin_lines.get(i).map_or(&[][..], Vec::as_slice);
        if narrow {
            let Some(text) = lines.first() else { continue };
            let w = l.width(bin_style, text);
            let x = (slot_x + (slot_w - w) / 2.0).min(LEFT + CONTENT_W - w).max(LEFT);
            if x >= label_end + 3.0 && x + w <= LEFT + CONTENT_W + 0.01 {
                l.text(x, bin_style.baseline(base + 4.0), bin_style, text);
                label_end = x + w;
            }
            continue;
        }
        let mut y = base + 4.0;
        for line in lines {
            l.text_in(slot_x + 2.0, slot_w - 4.0, bin_style.baseline(y), bin_style, Align::Center, line);
            y += bin_style.leading;
        }
    }
    l.hrule(LEFT, base, CONTENT_W, 0.8, RULE_DARK);
    l.y = base + 4.0 + label_rows as f32 * bin_style.leading + 4.0;
    l.lines(LEFT, CONTENT_W, SMALL, Align::Center, &caption);
}

const GAP_RED: Rgb = Rgb::hex(0xd7301f);
const OUT_OF_SCOPE: Rgb = Rgb::hex(0xf1f1f1);
const GREEN_LOW: Rgb = Rgb::hex(0xcdebc5);
const GREEN_HIGH: Rgb = Rgb::hex(0x16692e);
/// A year of days in one strip would leave each day 2 points wide; two months per band keeps a
/// day about 5 points wide beside a long row label, still readable in print.
const MAX_DAYS_PER_BAND: usize = 62;
const CELL_H: f32 = 7.0;
const MAX_LABEL_LINES: usize = 40;
const ROW_GAP: f32 = 1.4;
const ROW_LABEL: Style = Style::new(FontKind::Regular, 7.0, 8.4, INK);
const DAY_LABEL: Style = Style::new(FontKind::Regular, 6.0, 8.0, GREY_TEXT);
const BAND_TITLE: Style = Style::new(FontKind::Bold, 7.5, 11.0, GREY_TEXT);

/// Shade for a day's record count: log scale, so one busy day does not wash out the rest.
fn count_color(n: u64, max: u64) -> Rgb {
    if max == 0 {
        return GREEN_LOW;
    }
    let t = ((n as f64).ln_1p() / (max as f64).ln_1p()) as f32;
    GREEN_LOW.mix(GREEN_HIGH, t)
}

fn cell_color(cell: HeatCell, max: u64) -> Rgb {
    match cell {
        HeatCell::OutOfScope => OUT_OF_SCOPE,
        HeatCell::Gap => GAP_RED,
        HeatCell::Count(n) => count_color(n, max),
    }
}

/// Short form of a column label for the axis: `MM-DD` for an ISO date, the label itself otherwise.
fn short_day(label: &str) -> &str {
    let b = label.as_bytes();
    if b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') {
        label.get(5..).unwrap_or(label)
    } else {
        label
    }
}

pub(super) fn heat_map(l: &mut Layout, map: &HeatMap) {
    let nrows = map.row_labels.len().max(map.cells.len());
    let ncols = map.column_labels.len().max(map.cells.iter().map(Vec::len).max().unwrap_or(0));
    title(l, &map.title, 60.0);
    if nrows == 0 || ncols == 0 {
        no_data(l);
        legend(l, map, 0);
        return;
    }
    let max = map
        .cells
        .iter()
        .flatten()
        .filter_map(|c| match c {
            HeatCell::Count(n) => Some(*n),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let widest =
        map.row_labels.iter().map(|s| l.width(ROW_LABEL, &l.fonts.clean(ROW_LABEL.font, s))).fold(0.0, f32::max);
    let label_w = (widest + 8.0).clamp(40.0, CONTENT_W * 0.34);
    let grid_x = LEFT + label_w;
    let grid_w = CONTENT_W - label_w;
    let bands = ncols.div_ceil(MAX_DAYS_PER_BAND);
    let per_band = ncols.div_ceil(bands);
    let pitch = (grid_w / per_band as f32).min(10.0);
    let cell_w = pitch - if pitch > 4.0 { 0.8 } else { 0.3 };
    let rows: Vec<(Vec<String>, f32)> = (0..nrows)
        .map(|r| {
            let label = map.row_labels.get(r).map_or("", String::as_str);
            let mut lines = l.wrap(ROW_LABEL, label, label_w - 8.0);
            // Bounded so one absurd label cannot make a row taller than a page.
            if lines.len() > MAX_LABEL_LINES {
                lines.truncate(MAX_LABEL_LINES);
                if let Some(last) = lines.last_mut() {
                    last.push('…');
                }
            }
            let h = (lines.len() as f32 * ROW_LABEL.leading).max(CELL_H + ROW_GAP);
            (lines, h)
        })
        .collect();
    let axis_h = DAY_LABEL.leading + 3.0;

    for b in 0..bands {
        let c0 = b * per_band;
        let c1 = ((b + 1) * per_band).min(ncols);
        let label_of = |c: usize| map.column_labels.get(c).map_or("", String::as_str);
        let band_title = format!("{} – {}", label_of(c0), label_of(c1.saturating_sub(1)));
        // A band moves whole to the next page when it fits there; a taller one starts here if
        // a few rows fit, and continues.
        let all_rows: f32 = rows.iter().map(|(_, h)| h).sum();
        let first_rows: f32 = rows.iter().take(3).map(|(_, h)| h).sum();
        let whole = BAND_TITLE.leading + all_rows + axis_h;
        l.need(if whole <= BODY_H { whole } else { BAND_TITLE.leading + first_rows + axis_h });
        let mut continued = false;
        let mut r = 0;
        while r < nrows {
            let heading = if continued { format!("{band_title} (continued)") } else { band_title.clone() };
            let baseline = BAND_TITLE.baseline(l.y);
            l.text(grid_x, baseline, BAND_TITLE, &heading);
            l.y += BAND_TITLE.leading;
            // Rows that fit above this page's axis strip.
            let mut placed = 0;
            while r < nrows {
                let Some((lines, h)) = rows.get(r) else { break };
                if placed > 0 && l.y + h + axis_h > super::layout::BOTTOM {
                    break;
                }
                let top = l.y;
                let mut ly = top + (h - lines.len() as f32 * ROW_LABEL.leading) / 2.0;
                for line in lines {
                    l.text(LEFT, ROW_LABEL.baseline(ly), ROW_LABEL, line);
                    ly += ROW_LABEL.leading;
                }
                let cell_top = top + (h - CELL_H) / 2.0;
                let row = map.cells.get(r);
                for c in c0..c1 {
                    let cell = row.and_then(|cells| cells.get(c)).copied().unwrap_or(HeatCell::OutOfScope);
                    let x = grid_x + (c - c0) as f32 * pitch;
                    l.rect(x, cell_top, cell_w, CELL_H, cell_color(cell, max));
                }
                l.y = top + h;
                r += 1;
                placed += 1;
            }
            day_axis(l, map, c0, c1, grid_x, pitch);
            if r < nrows {
                l.new_page();
                continued = true;
            }
        }
        l.gap(6.0);
    }
    legend(l, map, max);
}

/// Day labels under a band: band start and each month start first, then every 7th day where
/// room is left, never overlapping.
fn day_axis(l: &mut Layout, map: &HeatMap, c0: usize, c1: usize, grid_x: f32, pitch: f32) {
    let top = l.y + 1.0;
    let label = |c: usize| map.column_labels.get(c).map_or("", |s| short_day(s));
    let is_month_start = |c: usize| map.column_labels.get(c).is_some_and(|s| s.len() == 10 && s.ends_with("-01"));
    let mut placed: Vec<(f32, f32)> = Vec::new();
    let mut try_place = |l: &mut Layout, c: usize| {
        let text = label(c);
        if text.is_empty() {
            return;
        }
        let x = grid_x + (c - c0) as f32 * pitch;
        let w = l.width(DAY_LABEL, text);
        if x + w > LEFT + CONTENT_W + 0.5 || placed.iter().any(|&(a, b)| x < b + 3.0 && x + w + 3.0 > a) {
            return;
        }
        placed.push((x, x + w));
        l.rect(x, top, 0.5, 2.5, RULE_DARK);
        l.text(x, DAY_LABEL.baseline(top + 2.0), DAY_LABEL, text);
    };
    try_place(l, c0);
    for c in c0..c1 {
        if is_month_start(c) {
            try_place(l, c);
        }
    }
    for c in (c0..c1).filter(|c| (c - c0).is_multiple_of(7)) {
        try_place(l, c);
    }
    l.y = top + DAY_LABEL.leading + 2.0;
}

/// Swatches for the three kinds of cell, then the document's legend text.
fn legend(l: &mut Layout, map: &HeatMap, max: u64) {
    let sw = 8.0;
    l.need(SMALL.leading * 3.0);
    let top = l.y;
    let baseline = SMALL.baseline(top);
    let sq_top = top + (SMALL.leading - sw) / 2.0;
    let mut x = LEFT;
    for i in 0..5 {
        l.rect(x, sq_top, sw, sw, GREEN_LOW.mix(GREEN_HIGH, i as f32 / 4.0));
        x += sw + 1.0;
    }
    let text = if max > 0 { format!("records (darker = more, up to {max} a day)") } else { "records".to_string() };
    l.text(x + 3.0, baseline, SMALL, &text);
    x += 3.0 + l.width(SMALL, &text) + 14.0;
    l.rect(x, sq_top, sw, sw, GAP_RED);
    l.text(x + sw + 4.0, baseline, SMALL, "gap: in scope, no records");
    x += sw + 4.0 + l.width(SMALL, "gap: in scope, no records") + 14.0;
    l.frame(x, sq_top, sw, sw, Some(OUT_OF_SCOPE), (Rgb::hex(0xc8c8c8), 0.4));
    l.text(x + sw + 4.0, baseline, SMALL, "out of scope");
    l.y = top + SMALL.leading + 2.0;
    if !map.legend.trim().is_empty() {
        paragraph(l, &map.legend, SMALL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_text_rounds_half_up_and_survives_zero_totals() {
        assert_eq!(share_text(7, 10), "7/10 (70%)");
        assert_eq!(share_text(1, 8), "1/8 (13%)"); // 12.5 rounds up
        assert_eq!(share_text(1, 3), "1/3 (33%)");
        assert_eq!(share_text(2, 3), "2/3 (67%)");
        assert_eq!(share_text(0, 0), "0/0 (n/a)");
        assert_eq!(share_text(u64::MAX, u64::MAX), format!("{m}/{m} (100%)", m = u64::MAX));
    }

    #[test]
    fn count_shades_darken_with_the_count_on_a_log_scale() {
        let max = 10_000;
        let low = count_color(1, max);
        let mid = count_color(100, max);
        let high = count_color(max, max);
        assert!((high.0 - GREEN_HIGH.0).abs() + (high.1 - GREEN_HIGH.1).abs() + (high.2 - GREEN_HIGH.2).abs() < 1e-4);
        // Green channel falls as the shade darkens; 100 of 10,000 is half-way on a log scale.
        assert!(low.1 > mid.1 && mid.1 > high.1);
        let halfway = GREEN_LOW.mix(GREEN_HIGH, 0.5);
        assert!((mid.1 - halfway.1).abs() < 0.03, "{mid:?} vs {halfway:?}");
        assert_eq!(count_color(5, 0), GREEN_LOW);
    }

    #[test]
    fn iso_days_shorten_to_month_and_day() {
        assert_eq!(short_day("2024-03-01"), "03-01");
        assert_eq!(short_day("week 3"), "week 3");
        assert_eq!(short_day(""), "");
    }
}
