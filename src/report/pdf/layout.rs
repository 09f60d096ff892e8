//! Page geometry, text measuring and wrapping, and the page cursor that places drawing primitives
//! and breaks pages. Everything here is in points, y measured down from the top of the page; the
//! PDF writer flips it. Nothing here knows about the PDF crate, so layout is testable as data.

use crate::report::document::{Align, Tone};

use super::fonts::{FontKind, Fonts, PLACEHOLDER_PAD};
use super::script;

/// A4 portrait in points.
pub(super) const PAGE_W: f32 = 595.28;
pub(super) const PAGE_H: f32 = 841.89;
/// 18 mm side margins: wide enough for binding and a reviewer's notes, narrow enough for 6-column
/// tables.
pub(super) const LEFT: f32 = 51.0;
pub(super) const RIGHT: f32 = PAGE_W - 51.0;
pub(super) const CONTENT_W: f32 = RIGHT - LEFT;
pub(super) const TOP: f32 = 54.0;
/// Content stops here; the footer lives below.
pub(super) const BOTTOM: f32 = PAGE_H - 62.0;
pub(super) const BODY_H: f32 = BOTTOM - TOP;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rgb(pub(super) f32, pub(super) f32, pub(super) f32);

impl Rgb {
    pub(super) const fn hex(v: u32) -> Rgb {
        Rgb(((v >> 16) & 0xff) as f32 / 255.0, ((v >> 8) & 0xff) as f32 / 255.0, (v & 0xff) as f32 / 255.0)
    }

    /// Linear blend from `self` (t = 0) to `other` (t = 1).
    pub(super) fn mix(self, other: Rgb, t: f32) -> Rgb {
        let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
        Rgb(self.0 + (other.0 - self.0) * t, self.1 + (other.1 - self.1) * t, self.2 + (other.2 - self.2) * t)
    }
}

pub(super) const INK: Rgb = Rgb::hex(0x1a1a1a);
pub(super) const GREY_TEXT: Rgb = Rgb::hex(0x5a6270);
pub(super) const NAVY: Rgb = Rgb::hex(0x1f3a5f);
pub(super) const RULE: Rgb = Rgb::hex(0xd3d8df);
pub(super) const RULE_DARK: Rgb = Rgb::hex(0x8a94a6);
/// A `[U+XXXX]` placeholder for a character no embedded face has: magenta, a colour the report uses
/// for nothing else, in a thin frame, so it cannot be taken for text the evidence holds.
pub(super) const PLACEHOLDER: Rgb = Rgb::hex(0xa0157a);

/// Light background for a toned cell or box; `None` leaves it white.
pub(super) fn tone_fill(tone: Tone) -> Option<Rgb> {
    match tone {
        Tone::Neutral => None,
        Tone::Good => Some(Rgb::hex(0xdff1dc)),
        Tone::Bad => Some(Rgb::hex(0xf8dcd9)),
        Tone::Warn => Some(Rgb::hex(0xffeec8)),
        Tone::Excepted => Some(Rgb::hex(0xe6e0f4)),
        Tone::Muted => Some(Rgb::hex(0xececec)),
    }
}

/// Saturated colour of a tone: box borders, bar fills.
pub(super) fn tone_strong(tone: Tone) -> Rgb {
    match tone {
        Tone::Neutral => Rgb::hex(0x4a6fa5),
        Tone::Good => Rgb::hex(0x2e7d32),
        Tone::Bad => Rgb::hex(0xc62828),
        Tone::Warn => Rgb::hex(0xc77700),
        Tone::Excepted => Rgb::hex(0x5e35b1),
        Tone::Muted => Rgb::hex(0x8a8a8a),
    }
}

/// Text colour on a tone's light background: dark enough to read, tinted enough to tell apart.
pub(super) fn tone_text(tone: Tone) -> Rgb {
    match tone {
        Tone::Neutral => INK,
        Tone::Good => Rgb::hex(0x14451a),
        Tone::Bad => Rgb::hex(0x7a1212),
        Tone::Warn => Rgb::hex(0x5c3a00),
        Tone::Excepted => Rgb::hex(0x34206b),
        Tone::Muted => Rgb::hex(0x555555),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Style {
    pub(super) font: FontKind,
    pub(super) size: f32,
    /// Line pitch.
    pub(super) leading: f32,
    pub(super) color: Rgb,
}

impl Style {
    pub(super) const fn new(font: FontKind, size: f32, leading: f32, color: Rgb) -> Style {
        Style { font, size, leading, color }
    }

    pub(super) const fn with_color(self, color: Rgb) -> Style {
        Style { color, ..self }
    }

    pub(super) const fn with_size(self, size: f32) -> Style {
        Style { size, leading: size * 1.3, ..self }
    }

    /// Baseline of a line whose box starts at `top`: caps sit centred in the line box.
    pub(super) fn baseline(&self, top: f32) -> f32 {
        top + self.leading / 2.0 + 0.36 * self.size
    }
}

pub(super) const BODY: Style = Style::new(FontKind::Regular, 9.5, 13.0, INK);
pub(super) const SMALL: Style = Style::new(FontKind::Regular, 7.5, 9.5, GREY_TEXT);

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Prim {
    Text {
        x: f32,
        baseline: f32,
        style: Style,
        text: String,
    },
    /// `top` is the upper edge.
    Rect {
        x: f32,
        top: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
}

impl Prim {
    fn shifted(self, dy: f32) -> Prim {
        match self {
            Prim::Text { x, baseline, style, text } => Prim::Text { x, baseline: baseline + dy, style, text },
            Prim::Rect { x, top, w, h, fill, stroke } => Prim::Rect { x, top: top + dy, w, h, fill, stroke },
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Page {
    pub(super) prims: Vec<Prim>,
}

/// Places primitives on pages, top to bottom, opening a new page when the next piece does not fit.
pub(super) struct Layout<'f> {
    pub(super) fonts: &'f Fonts,
    pub(super) pages: Vec<Page>,
    /// Next free y on the current page.
    pub(super) y: f32,
    /// Section titles and the (0-based) page each starts on.
    pub(super) outline: Vec<(String, usize)>,
    /// (first primitive, top y) of a heading on the current page that must move with the next
    /// block if that block starts a new page before drawing anything.
    keep: Option<(usize, f32)>,
}

impl<'f> Layout<'f> {
    pub(super) fn new(fonts: &'f Fonts) -> Layout<'f> {
        Layout { fonts, pages: vec![Page::default()], y: TOP, outline: Vec::new(), keep: None }
    }

    pub(super) fn new_page(&mut self) {
        self.keep = None;
        self.pages.push(Page::default());
        self.y = TOP;
    }

    /// Number of primitives on the current page: where a heading about to be drawn begins.
    pub(super) fn mark(&self) -> usize {
        self.pages.last().map_or(0, |p| p.prims.len())
    }

    /// What was drawn since `mark` (from y `top` down to the cursor) goes to the next page along
    /// with the next block if that block does not fit here.
    pub(super) fn keep_with_next(&mut self, mark: usize, top: f32) {
        self.keep = Some((mark, top));
    }

    pub(super) fn page_index(&self) -> usize {
        self.pages.len().saturating_sub(1)
    }

    /// Nothing placed yet on this page: breaking again would only add a blank page.
    pub(super) fn at_top(&self) -> bool {
        self.y <= TOP + 0.01
    }

    pub(super) fn remaining(&self) -> f32 {
        BOTTOM - self.y
    }

    /// Starts a new page unless `h` points still fit (or the page is empty, where nothing is gained).
    /// Returns whether it broke the page.
    pub(super) fn need(&mut self, h: f32) -> bool {
        if h <= self.remaining() + 0.01 || self.at_top() {
            return false;
        }
        // A kept heading at the top of its page gains nothing by moving.
        let carried = match self.keep.take() {
            Some((mark, top)) if top > TOP + 0.01 => self.pages.last_mut().and_then(|page| {
                (mark <= page.prims.len()).then(|| (page.prims.split_off(mark), self.y - top, TOP - top))
            }),
            _ => None,
        };
        self.new_page();
        if let Some((prims, used, shift)) = carried {
            if let Some(page) = self.pages.last_mut() {
                page.prims.extend(prims.into_iter().map(|p| p.shifted(shift)));
            }
            self.y = TOP + used;
        }
        true
    }

    fn push(&mut self, prim: Prim) {
        self.keep = None;
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        if let Some(page) = self.pages.last_mut() {
            page.prims.push(prim);
        }
    }

    /// Draws one line of already-wrapped text (cleaned here if it was not): put into visual order,
    /// then one primitive per run of one face, and a framed placeholder for each character no face
    /// has.
    pub(super) fn text(&mut self, x: f32, baseline: f32, style: Style, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let visual = script::visual(&self.fonts.clean(style.font, text));
        let mut x = x;
        for run in self.fonts.runs(style.font, &visual) {
            let run_style = Style { font: run.kind, ..style };
            let mut w = self.fonts.width(run.kind, &run.text, style.size);
            if run.placeholder {
                let pad = PLACEHOLDER_PAD * style.size;
                let (top, h) = (baseline - 0.86 * style.size, 1.12 * style.size);
                self.frame(x + 0.5 * pad, top, w + pad, h, None, (PLACEHOLDER, 0.4));
                let text_x = x + pad;
                self.push(Prim::Text { x: text_x, baseline, style: run_style.with_color(PLACEHOLDER), text: run.text });
                w += 2.0 * pad;
            } else if !run.text.trim().is_empty() {
                self.push(Prim::Text { x, baseline, style: run_style, text: run.text });
            }
            x += w;
        }
    }

    /// Draws one line aligned within the box [x, x + w].
    pub(super) fn text_in(&mut self, x: f32, w: f32, baseline: f32, style: Style, align: Align, text: &str) {
        let text = &self.fonts.clean(style.font, text);
        let tw = self.width(style, text);
        let x = match align {
            Align::Left => x,
            Align::Right => x + (w - tw).max(0.0),
            Align::Center => x + ((w - tw) / 2.0).max(0.0),
        };
        self.text(x, baseline, style, text);
    }

    pub(super) fn rect(&mut self, x: f32, top: f32, w: f32, h: f32, fill: Rgb) {
        if w > 0.0 && h > 0.0 {
            self.push(Prim::Rect { x, top, w, h, fill: Some(fill), stroke: None });
        }
    }

    /// A rectangle outlined with `stroke` (colour, line width), filled if `fill` is given.
    pub(super) fn frame(&mut self, x: f32, top: f32, w: f32, h: f32, fill: Option<Rgb>, stroke: (Rgb, f32)) {
        if w > 0.0 && h > 0.0 {
            self.push(Prim::Rect { x, top, w, h, fill, stroke: Some(stroke) });
        }
    }

    /// A horizontal rule `thickness` points high with its top at `top`.
    pub(super) fn hrule(&mut self, x: f32, top: f32, w: f32, thickness: f32, color: Rgb) {
        self.rect(x, top, w, thickness, color);
    }

    pub(super) fn width(&self, style: Style, text: &str) -> f32 {
        self.fonts.width(style.font, text, style.size)
    }

    pub(super) fn wrap(&self, style: Style, text: &str, max_w: f32) -> Vec<String> {
        wrap(self.fonts, style, text, max_w)
    }

    /// Wrapped lines placed one by one, breaking pages between lines. Keeps at least two lines
    /// together at a page bottom so a paragraph does not start with a lone line.
    pub(super) fn lines(&mut self, x: f32, w: f32, style: Style, align: Align, lines: &[String]) {
        self.need((lines.len().min(2) as f32) * style.leading);
        for line in lines {
            self.need(style.leading);
            let baseline = style.baseline(self.y);
            self.text_in(x, w, baseline, style, align, line);
            self.y += style.leading;
        }
    }

    pub(super) fn gap(&mut self, h: f32) {
        self.y = (self.y + h).min(BOTTOM);
    }
}

/// Characters after which a long token (ARN, path, URL, key=value list) may be broken.
const BREAK_AFTER: &[char] = &['/', ':', '-', '_', '.', ',', ';', '=', '@', '\\', '|', '&', '?', '+', ')', ']'];

/// Splits `text` into lines no wider than `max_w`, by the glyph widths of the style's font.
/// Explicit newlines are kept; runs of spaces collapse. A word wider than a line is broken,
/// preferably after a separator, else between any two characters, so nothing runs off the page.
/// Always returns at least one line; lines are cleaned (see [`Fonts::clean`]).
pub(super) fn wrap(fonts: &Fonts, style: Style, text: &str, max_w: f32) -> Vec<String> {
    let (kind, size) = (style.font, style.size);
    let max_w = if max_w.is_finite() { max_w.max(0.0) } else { 0.0 };
    let space = fonts.advance(kind, ' ', size);
    let mut out = Vec::new();
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    for para in normalised.split('\n') {
        let cleaned = fonts.clean(style.font, para);
        let mut line = String::new();
        let mut line_w = 0.0f32;
        for word in cleaned.split(' ').filter(|w| !w.is_empty()) {
            let w = fonts.width(kind, word, size);
            let sep = if line.is_empty() { 0.0 } else { space };
            if line_w + sep + w <= max_w {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_w += sep + w;
                continue;
            }
            if w <= max_w {
                out.push(std::mem::take(&mut line));
                line.push_str(word);
                line_w = w;
                continue;
            }
            // The word alone is wider than a line: break it.
            let mut rest = word;
            if !line.is_empty() {
                let room = max_w - line_w - space;
                // Only fill the tail of the current line when a useful piece fits there.
                if room >= max_w * 0.3 {
                    let cut = fit_prefix(fonts, kind, size, rest, room, false);
                    if cut > 0 {
                        line.push(' ');
                        line.push_str(&rest[..cut]);
                        rest = &rest[cut..];
                    }
                }
                out.push(std::mem::take(&mut line));
            }
            while fonts.width(kind, rest, size) > max_w && rest.chars().nth(1).is_some() {
                let cut = fit_prefix(fonts, kind, size, rest, max_w, true);
                out.push(rest[..cut].to_string());
                rest = &rest[cut..];
            }
            line.push_str(rest);
            line_w = fonts.width(kind, rest, size);
        }
        out.push(line);
    }
    out
}

/// Byte length of the longest prefix of `word` that fits `room`, preferring to end after a
/// separator in the prefix's second half. With `at_least_one` it takes one character even when
/// that overflows, so wrapping always progresses.
fn fit_prefix(fonts: &Fonts, kind: FontKind, size: f32, word: &str, room: f32, at_least_one: bool) -> usize {
    let mut w = 0.0;
    let mut end = 0;
    for (chars, (i, c)) in word.char_indices().enumerate() {
        let a = fonts.advance(kind, c, size);
        if w + a > room && (chars > 0 || !at_least_one) {
            break;
        }
        w += a;
        end = i + c.len_utf8();
    }
    if end >= word.len() {
        return end;
    }
    let prefix = &word[..end];
    let half = prefix.chars().count() / 2;
    let separator = prefix
        .char_indices()
        .enumerate()
        .filter(|(n, (_, c))| *n >= half && BREAK_AFTER.contains(c))
        .map(|(_, (i, c))| i + c.len_utf8())
        .last();
    separator.unwrap_or(end)
}

/// Text wrapped to the content width, left-aligned.
pub(super) fn paragraph(l: &mut Layout, text: &str, style: Style) {
    let lines = l.wrap(style, text, CONTENT_W);
    l.lines(LEFT, CONTENT_W, style, Align::Left, &lines);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::load().unwrap()
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let f = fonts();
        let text = "the quick brown fox jumps over the lazy dog ".repeat(8);
        let lines = wrap(&f, BODY, &text, 150.0);
        assert!(lines.len() > 3);
        for l in &lines {
            assert!(f.width(BODY.font, l, BODY.size) <= 150.0 + 0.01, "{l:?} too wide");
            assert!(!l.starts_with(' ') && !l.ends_with(' '));
        }
        // No word was lost or split.
        let words: Vec<&str> = text.split_whitespace().collect();
        let rejoined = lines.join(" ");
        assert_eq!(rejoined.split_whitespace().collect::<Vec<_>>(), words);
    }

    #[test]
    fn narrow_glyphs_fit_more_per_line_than_wide_ones() {
        let f = fonts();
        let narrow = wrap(&f, BODY, &"il ".repeat(100), 100.0);
        let wide = wrap(&f, BODY, &"WM ".repeat(100), 100.0);
        assert!(narrow.len() * 2 < wide.len(), "narrow {} wide {}", narrow.len(), wide.len());
    }

    #[test]
    fn long_hex_is_broken_into_pieces_that_fit_and_rejoin() {
        let f = fonts();
        let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(hash.len(), 64);
        let lines = wrap(&f, BODY, hash, 60.0);
        assert!(lines.len() >= 3, "{lines:?}");
        for l in &lines {
            assert!(f.width(BODY.font, l, BODY.size) <= 60.0 + 0.01, "{l:?} too wide");
        }
        assert_eq!(lines.concat(), hash);
    }

    #[test]
    fn long_arn_breaks_after_separators() {
        let f = fonts();
        let arn = "arn:aws:iam::210987654321:role/service-role/very-long-role-name-for-lambda-execution";
        let lines = wrap(&f, BODY, &format!("role {arn}"), 120.0);
        assert_eq!(lines.concat().replace(' ', ""), format!("role{arn}"));
        // Every line but the last ends at a separator when one was available in its second half.
        let ends_at_separator =
            lines[..lines.len() - 1].iter().filter(|l| l.ends_with(|c: char| BREAK_AFTER.contains(&c))).count();
        assert!(ends_at_separator >= 1, "{lines:?}");
        for l in &lines {
            assert!(f.width(BODY.font, l, BODY.size) <= 120.0 + 0.01);
        }
    }

    #[test]
    fn degenerate_inputs_do_not_panic_and_give_a_line() {
        let f = fonts();
        assert_eq!(wrap(&f, BODY, "", 100.0), vec![String::new()]);
        assert_eq!(wrap(&f, BODY, "a\n\nb", 100.0), vec!["a", "", "b"]);
        // Narrower than one glyph: one character per line, none lost.
        assert_eq!(wrap(&f, BODY, "abc", 0.5), vec!["a", "b", "c"]);
        assert_eq!(wrap(&f, BODY, "abc", f32::NAN), vec!["a", "b", "c"]);
        assert_eq!(wrap(&f, BODY, "é\u{301}x", 1000.0).len(), 1);
    }

    #[test]
    fn need_breaks_only_when_the_piece_does_not_fit() {
        let f = fonts();
        let mut l = Layout::new(&f);
        assert!(!l.need(BODY_H + 100.0), "an empty page never breaks");
        l.y = BOTTOM - 20.0;
        assert!(!l.need(20.0));
        assert!(l.need(21.0));
        assert_eq!(l.pages.len(), 2);
        assert_eq!(l.y, TOP);
    }
}
