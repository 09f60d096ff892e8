//! Turns laid-out pages into PDF bytes with printpdf: fonts subset to the characters used, the
//! outline, metadata dated from the document (never the clock), and a document ID derived from
//! the report id, so the same document always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Object, Stream, StringFormat};
use printpdf::{
    Codepoint, Color, FontId, Mm, Op, PageAnnotId, PageAnnotation, PaintMode, ParsedFont, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfSaveOptions, Pt, Rect, TextItem, TextMatrix,
};
use sha2::{Digest, Sha256};

use crate::report::document::Document;

use super::RenderError;
use super::fonts::{CJK_NAME, FontKind, Fonts};
use super::layout::{PAGE_H, Page, Prim, Rgb};
use super::script;

/// Each face's resource name and font name. The CJK face is embedded only in a report that draws
/// a character with it, so every other report's bytes stay as they were.
const FACES: [(FontKind, &str, &str); 3] = [
    (FontKind::Regular, "F1", "DejaVuSans"),
    (FontKind::Bold, "F2", "DejaVuSans-Bold"),
    (FontKind::Cjk, "F3", CJK_NAME),
];

fn font_id(kind: FontKind) -> FontId {
    let name = FACES.iter().find(|(k, _, _)| *k == kind).map_or("F1", |(_, id, _)| id);
    FontId(name.to_string())
}

pub(super) fn write(
    doc: &Document,
    fonts: &Fonts,
    pages: &[Page],
    outline: &[(String, usize)],
) -> Result<Vec<u8>, RenderError> {
    let mut pdf = PdfDocument::new(&doc.title);
    let created = printpdf::OffsetDateTime::from_unix_timestamp(doc.created.timestamp())
        .map_err(|e| RenderError::Date(format!("{}: {e}", doc.created.to_rfc3339())))?;
    let info = &mut pdf.metadata.info;
    info.author = doc.author.clone();
    info.creator = doc.creator.clone();
    info.producer = "printpdf 0.12".to_string();
    info.identifier = doc.report_id.clone();
    info.creation_date = created;
    info.modification_date = created;
    info.metadata_date = created;

    let mut parsed_fonts = BTreeMap::new();
    for (kind, id, name) in FACES {
        let used: BTreeSet<char> = pages
            .iter()
            .flat_map(|p| &p.prims)
            .filter_map(|prim| match prim {
                Prim::Text { style, text, .. } if style.font == kind => Some(text.chars()),
                _ => None,
            })
            .flatten()
            .collect();
        if used.is_empty() {
            continue;
        }
        let face = fonts.face(kind).ok_or(RenderError::Font { font: name, reason: "cannot be loaded".to_string() })?;
        let bytes = face.subset(name, &used)?;
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
            .ok_or_else(|| RenderError::Font { font: name, reason: format!("subset does not parse: {warnings:?}") })?;
        // A subset is named `TAG+Name` (ISO 32000-1, 9.6.4), so viewers and preflight tools
        // know it is one; the tag follows from the glyphs, so it is stable too.
        parsed.font_name = Some(format!("{}+{name}", subset_tag(&bytes)));
        // Our own resource names: printpdf's generated ids come from a process-wide counter and
        // would make two renders of one document differ.
        parsed_fonts.insert(kind, parsed.clone());
        pdf.resources.fonts.map.insert(FontId(id.to_string()), PdfFont::new(parsed));
    }

    pdf.pages = pages.iter().map(|p| page(p, &parsed_fonts)).collect();
    for (i, (title, page)) in outline.iter().enumerate() {
        pdf.bookmarks
            .map
            .insert(PageAnnotId(format!("B{i:06}")), PageAnnotation { name: title.clone(), page: page + 1 });
    }

    let opts = PdfSaveOptions { optimize: true, subset_fonts: false, secure: true, image_optimization: None };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    let id = document_id(&doc.report_id);
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );
    tidy_info(&mut lo)?;
    let xmp = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp(doc).into_bytes(),
    )
    // Left uncompressed so tools that scan files for XMP packets find it.
    .with_compression(false);
    let xmp_id = lo.add_object(xmp);
    lo.catalog_mut().map_err(|e| RenderError::Write(e.to_string()))?.set("Metadata", Object::Reference(xmp_id));
    lo.compress();
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(|e| RenderError::Write(e.to_string()))?;
    Ok(out)
}

/// Six capital letters from the subset's hash.
fn subset_tag(font: &[u8]) -> String {
    Sha256::digest(font).iter().take(6).map(|b| char::from(b'A' + b % 26)).collect()
}

/// printpdf writes a `GTS_PDFXVersion` (which makes readers take the file for PDF/X, which it is
/// not) and empty Subject/Keywords; drop them from the document information dictionary.
fn tidy_info(lo: &mut lopdf::Document) -> Result<(), RenderError> {
    let info_ref =
        lo.trailer.get(b"Info").and_then(Object::as_reference).map_err(|e| RenderError::Write(e.to_string()))?;
    let info =
        lo.get_object_mut(info_ref).and_then(Object::as_dict_mut).map_err(|e| RenderError::Write(e.to_string()))?;
    info.remove(b"GTS_PDFXVersion");
    for key in [&b"Subject"[..], b"Keywords"] {
        let empty = match info.get(key) {
            Ok(Object::String(bytes, _)) => bytes.iter().all(|&b| b == 0 || b == 0xfe || b == 0xff),
            _ => false,
        };
        if empty {
            info.remove(key);
        }
    }
    Ok(())
}

/// First 16 bytes of SHA-256 of the report id: stable for a report, distinct between reports.
fn document_id(report_id: &str) -> Vec<u8> {
    Sha256::digest(report_id.as_bytes()).iter().take(16).copied().collect()
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn xmp(doc: &Document) -> String {
    let date = doc.created.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let uuid = hex::encode(document_id(&doc.report_id));
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:identifier>{id}</dc:identifier>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<pdf:Producer>printpdf 0.12</pdf:Producer>
<xmpMM:DocumentID>uuid:{uuid}</xmpMM:DocumentID>
<xmpMM:InstanceID>uuid:{uuid}</xmpMM:InstanceID>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        bom = '\u{feff}',
        title = xml_escape(&doc.title),
        author = xml_escape(&doc.author),
        id = xml_escape(&doc.report_id),
        creator = xml_escape(&doc.creator),
    )
}

/// Two decimals of a point is far below what a printer resolves and keeps the content streams short.
fn pt(v: f32) -> Pt {
    Pt((v * 100.0).round() / 100.0)
}

fn color(c: Rgb) -> Color {
    let q = |v: f32| (v.clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
    Color::Rgb(printpdf::Rgb::new(q(c.0), q(c.1), q(c.2), None))
}

/// One page's content stream. Colour and font are only set when they change: a 5,000-row table
/// would otherwise repeat them for every cell. Graphics state starts afresh on every page.
fn page(page: &Page, parsed: &BTreeMap<FontKind, ParsedFont>) -> PdfPage {
    let mut ops = Vec::with_capacity(page.prims.len() * 4);
    let mut fill: Option<Rgb> = None;
    let mut stroke: Option<(Rgb, f32)> = None;
    let mut font: Option<(FontKind, f32)> = None;
    let mut set_fill = |ops: &mut Vec<Op>, c: Rgb| {
        if fill != Some(c) {
            ops.push(Op::SetFillColor { col: color(c) });
            fill = Some(c);
        }
    };
    for prim in &page.prims {
        match prim {
            Prim::Rect { x, top, w, h, fill: f, stroke: s } => {
                if let Some(c) = f {
                    set_fill(&mut ops, *c);
                }
                if let Some((c, width)) = s
                    && stroke != Some((*c, *width))
                {
                    ops.push(Op::SetOutlineColor { col: color(*c) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                    stroke = Some((*c, *width));
                }
                let mode = match (f, s) {
                    (Some(_), Some(_)) => PaintMode::FillStroke,
                    (None, Some(_)) => PaintMode::Stroke,
                    _ => PaintMode::Fill,
                };
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: pt(*x),
                        y: pt(PAGE_H - top - h),
                        width: pt(*w),
                        height: pt(*h),
                        mode: Some(mode),
                        winding_order: None,
                    },
                });
            }
            Prim::Text { x, baseline, style, text } => {
                ops.push(Op::StartTextSection);
                if font != Some((style.font, style.size)) {
                    ops.push(Op::SetFont { font: PdfFontHandle::External(font_id(style.font)), size: Pt(style.size) });
                    font = Some((style.font, style.size));
                }
                set_fill(&mut ops, style.color);
                ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(pt(*x), pt(PAGE_H - baseline)) });
                ops.push(Op::ShowText { items: text_items(text, parsed.get(&style.font)) });
                ops.push(Op::EndTextSection);
            }
        }
    }
    PdfPage::new(Mm(210.0), Mm(297.0), ops)
}

/// A line's text for `Tj`/`TJ`: plain text, except that each Arabic presentation form is written
/// as its glyph with the letters it stands for, which printpdf puts in the font's ToUnicode map:
/// copying or searching the PDF then gives the evidence's letters, not presentation forms. Text
/// without them stays one item, so such reports' bytes are as before.
fn text_items(text: &str, font: Option<&ParsedFont>) -> Vec<TextItem> {
    let mut items = Vec::new();
    let mut plain = String::new();
    for c in text.chars() {
        let glyph = script::letters_of(c).and_then(|letters| Some((font?.lookup_glyph_index(u32::from(c))?, letters)));
        match glyph {
            Some((gid, letters)) => {
                if !plain.is_empty() {
                    items.push(TextItem::Text(std::mem::take(&mut plain)));
                }
                items.push(TextItem::GlyphIds(vec![Codepoint::with_cid(gid, 0.0, letters)]));
            }
            None => plain.push(c),
        }
    }
    if !plain.is_empty() || items.is_empty() {
        items.push(TextItem::Text(plain));
    }
    items
}
