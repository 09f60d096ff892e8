//! Draws a report [`Document`] as an A4 PDF. The only module that touches the PDF crate (printpdf,
//! in `emit`). Layout happens first, on plain data, so the footer can say "Page X of Y" and the
//! outline knows each section's page; then the pages are written.

mod blocks;
mod charts;
mod emit;
mod fonts;
mod layout;
mod script;
mod table;
#[cfg(test)]
mod tests;
mod timelines;

use crate::report::document::{Align, Document};

use layout::{CONTENT_W, LEFT, Layout, PAGE_H, RULE_DARK, SMALL};

#[derive(Debug, thiserror::Error)]
pub(crate) enum RenderError {
    #[error("embedded font {font} cannot be used: {reason}")]
    Font { font: &'static str, reason: String },
    #[error("report date {0} cannot be written as a PDF date")]
    Date(String),
    #[error("cannot write the PDF: {0}")]
    Write(String),
}

/// The report as PDF bytes: the same document always gives the same bytes.
pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let fonts = fonts::Fonts::load()?;
    let layout = lay_out(&fonts, doc);
    emit::write(doc, &fonts, &layout.pages, &layout.outline)
}

fn lay_out<'f>(fonts: &'f fonts::Fonts, doc: &Document) -> Layout<'f> {
    let mut l = Layout::new(fonts);
    blocks::cover(&mut l, &doc.cover);
    for section in &doc.sections {
        blocks::section(&mut l, section);
    }
    footers(&mut l, &doc.report_id);
    l
}

/// Report id left, "Page X of Y" right, under a thin rule, on every page including the cover.
fn footers(l: &mut Layout, report_id: &str) {
    let total = l.pages.len();
    let rule_top = PAGE_H - 48.0;
    for i in 0..total {
        let number = format!("Page {} of {}", i + 1, total);
        let number_w = l.width(SMALL, &number);
        let id_lines = l.wrap(SMALL, report_id, CONTENT_W - number_w - 24.0);
        let mut footer = Layout::new(l.fonts);
        footer.hrule(LEFT, rule_top, CONTENT_W, 0.5, RULE_DARK);
        let first = SMALL.baseline(rule_top + 4.0);
        footer.text_in(LEFT, CONTENT_W, first, SMALL, Align::Right, &number);
        for (n, line) in id_lines.iter().enumerate() {
            footer.text(LEFT, first + n as f32 * SMALL.leading, SMALL, line);
        }
        if let (Some(page), Some(drawn)) = (l.pages.get_mut(i), footer.pages.pop()) {
            page.prims.extend(drawn.prims);
        }
    }
}
