//! The cover, section openings and the text blocks (heading, paragraph, callout, facts), and the
//! dispatch from `Block` to whoever draws it.

use crate::report::document::{Align, Block, Callout, Cover, Section};

use super::charts;
use super::fonts::FontKind;
use super::layout::{
    BODY, BODY_H, CONTENT_W, GREY_TEXT, INK, LEFT, Layout, NAVY, RULE, Style, TOP, paragraph, tone_fill, tone_strong,
    tone_text,
};
use super::table;
use super::timelines;

const COVER_TITLE: Style = Style::new(FontKind::Bold, 24.0, 30.0, NAVY);
const COVER_SUBTITLE: Style = Style::new(FontKind::Regular, 13.0, 17.0, GREY_TEXT);
const BANNER: Style = Style::new(FontKind::Bold, 15.0, 20.0, INK);
const COVER_LABEL: Style = Style::new(FontKind::Bold, 10.0, 14.5, GREY_TEXT);
const COVER_VALUE: Style = Style::new(FontKind::Regular, 10.0, 14.5, INK);
const SECTION_TITLE: Style = Style::new(FontKind::Bold, 17.0, 22.0, NAVY);
const HEADING: Style = Style::new(FontKind::Bold, 11.5, 15.0, NAVY);
const FACT_LABEL: Style = Style::new(FontKind::Bold, 9.0, 12.5, GREY_TEXT);
const FACT_VALUE: Style = Style::new(FontKind::Regular, 9.0, 12.5, INK);

/// Room a heading keeps below itself: about three body lines, so it never ends a page alone.
const KEEP_WITH_NEXT: f32 = 3.0 * BODY.leading;

pub(super) fn cover(l: &mut Layout, cover: &Cover) {
    l.hrule(LEFT, TOP, CONTENT_W, 4.0, NAVY);
    l.y = TOP + 110.0;
    let title = l.wrap(COVER_TITLE, &cover.title, CONTENT_W);
    l.lines(LEFT, CONTENT_W, COVER_TITLE, Align::Left, &title);
    l.gap(6.0);
    let subtitle = l.wrap(COVER_SUBTITLE, &cover.subtitle, CONTENT_W);
    l.lines(LEFT, CONTENT_W, COVER_SUBTITLE, Align::Left, &subtitle);
    l.gap(26.0);
    if let Some(banner) = &cover.banner {
        // Centred, bordered in its tone's strong colour: a missing signature must not be missed.
        callout_box(l, banner, BANNER, Align::Center, 2.0, 12.0);
        l.gap(26.0);
    }
    facts(l, &cover.facts, COVER_LABEL, COVER_VALUE);
}

pub(super) fn section(l: &mut Layout, section: &Section) {
    l.new_page();
    let page = l.page_index();
    l.outline.push((section.title.clone(), page));
    let title = l.wrap(SECTION_TITLE, &section.title, CONTENT_W);
    l.lines(LEFT, CONTENT_W, SECTION_TITLE, Align::Left, &title);
    l.gap(3.0);
    let y = l.y;
    l.hrule(LEFT, y, CONTENT_W, 1.0, NAVY);
    l.gap(14.0);
    for block in &section.blocks {
        self::block(l, block);
    }
}

fn block(l: &mut Layout, block: &Block) {
    match block {
        Block::Heading(text) => heading(l, text),
        Block::Paragraph(text) => {
            paragraph(l, text, BODY);
            l.gap(7.0);
        }
        Block::Callout(callout) => {
            callout_box(l, callout, BODY, Align::Left, 0.8, 8.0);
            l.gap(10.0);
        }
        Block::Facts(pairs) => {
            facts(l, pairs, FACT_LABEL, FACT_VALUE);
            l.gap(8.0);
        }
        Block::Table(t) => {
            table::table(l, t);
            l.gap(12.0);
        }
        Block::Bars(chart) => {
            charts::bars(l, chart);
            l.gap(12.0);
        }
        Block::Histogram(h) => {
            charts::histogram(l, h);
            l.gap(12.0);
        }
        Block::HeatMap(map) => {
            charts::heat_map(l, map);
            l.gap(12.0);
        }
        Block::Grid(grid) => {
            timelines::grid(l, grid);
            l.gap(12.0);
        }
        Block::Swimlanes(lanes) => {
            timelines::swimlanes(l, lanes);
            l.gap(12.0);
        }
    }
}

fn heading(l: &mut Layout, text: &str) {
    let lines = l.wrap(HEADING, text, CONTENT_W);
    if !l.at_top() {
        l.gap(6.0);
    }
    l.need(lines.len() as f32 * HEADING.leading + KEEP_WITH_NEXT);
    let (mark, top) = (l.mark(), l.y);
    l.lines(LEFT, CONTENT_W, HEADING, Align::Left, &lines);
    l.gap(3.0);
    // Blocks taller than KEEP_WITH_NEXT (a chart) may still break before drawing: take the
    // heading along.
    l.keep_with_next(mark, top);
}

/// Wrapped text in a box tinted by its tone, with a border (`border` points) in the tone's strong
/// colour. A box taller than what is left of the page continues on the next one, one box per page.
fn callout_box(l: &mut Layout, callout: &Callout, style: Style, align: Align, border: f32, pad: f32) {
    let stripe = 4.0;
    let inner_x = LEFT + stripe + pad;
    let inner_w = CONTENT_W - stripe - 2.0 * pad;
    let style = style.with_color(tone_text(callout.tone));
    let lines = l.wrap(style, &callout.text, inner_w);
    let fill = tone_fill(callout.tone);
    let strong = tone_strong(callout.tone);
    let mut rest: &[String] = &lines;
    // Keep small boxes whole; big ones start on this page if a few lines fit.
    let whole = lines.len() as f32 * style.leading + 2.0 * pad;
    l.need(whole.min(3.0 * style.leading + 2.0 * pad));
    while !rest.is_empty() {
        let fit = (((l.remaining() - 2.0 * pad) / style.leading).floor().max(1.0)) as usize;
        let n = fit.min(rest.len());
        let (chunk, tail) = rest.split_at(n);
        let top = l.y;
        let h = n as f32 * style.leading + 2.0 * pad;
        l.frame(LEFT, top, CONTENT_W, h, fill, (strong, border));
        l.rect(LEFT, top, stripe, h, strong);
        let mut y = top + pad;
        for line in chunk {
            l.text_in(inner_x, inner_w, style.baseline(y), style, align, line);
            y += style.leading;
        }
        l.y = top + h;
        rest = tail;
        if !rest.is_empty() {
            l.new_page();
        }
    }
}

/// Label–value rows: labels in a column sized to the longest label (at most a third of the page),
/// values wrapped beside them. Rows break between lines only when a value is very long.
fn facts(l: &mut Layout, pairs: &[(String, String)], label: Style, value: Style) {
    let gutter = 12.0;
    let widest = pairs.iter().map(|(k, _)| l.width(label, &l.fonts.clean(label.font, k))).fold(0.0f32, f32::max);
    let label_w = (widest + gutter).min(CONTENT_W / 3.0);
    let value_x = LEFT + label_w;
    let value_w = CONTENT_W - label_w;
    for (k, v) in pairs {
        let k_lines = l.wrap(label, k, label_w - gutter);
        let v_lines = l.wrap(value, v, value_w);
        let n = k_lines.len().max(v_lines.len());
        let pitch = label.leading.max(value.leading);
        l.need((n as f32 * pitch).min(3.0 * pitch).min(BODY_H));
        for i in 0..n {
            l.need(pitch);
            let top = l.y;
            if let Some(text) = k_lines.get(i) {
                l.text(LEFT, label.baseline(top), label, text);
            }
            if let Some(text) = v_lines.get(i) {
                l.text(value_x, value.baseline(top), value, text);
            }
            l.y += pitch;
        }
        let y = l.y + 1.0;
        l.hrule(LEFT, y, CONTENT_W, 0.4, RULE);
        l.gap(3.0);
    }
}
