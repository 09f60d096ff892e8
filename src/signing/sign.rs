//! Signing a PDF: an incremental update adding a signature field (invisible widget on the last page) whose
//! value is a signature dictionary with a /ByteRange over the whole file but /Contents, and /Contents the
//! CMS over those bytes. The update is written with placeholders, then the two placeholders are patched
//! in place, so every offset lopdf wrote stays right.

use chrono::{DateTime, Utc};
use lopdf::{Dictionary, IncrementalDocument, Object, ObjectId, StringFormat, dictionary};
use sha2::{Digest, Sha256};

use super::pdf::{self, describe};
use super::{Signer, SigningError, cms};

/// Ten digits cover files up to ~9.3 GB, far past any report; the patched numbers are space-padded to it.
const BYTE_RANGE_PLACEHOLDER: i64 = 9_999_999_999;
/// Room for the CMS beyond its certificates: signed attributes (~250 bytes), an RSA-8192 signature
/// (1024 bytes), algorithm identifiers and framing, with a wide margin.
const CMS_OVERHEAD: usize = 4096;

/// Signs `pdf` as `signer`, at `signing_time` (also the /M entry). Same inputs → same output bytes.
pub fn sign(pdf: &[u8], signer: &Signer, signing_time: DateTime<Utc>) -> Result<Vec<u8>, SigningError> {
    let doc = pdf::load(pdf)?;
    let catalog_id = pdf::catalog_id(&doc)?;
    let (_, last_page) = doc
        .get_pages()
        .into_iter()
        .next_back()
        .ok_or_else(|| SigningError::pdf("page tree", "the PDF has no pages"))?;
    let catalog = doc.get_dictionary(catalog_id).map_err(|e| SigningError::pdf(describe(catalog_id), e))?;
    let acroform_ref = catalog.get(b"AcroForm").ok().and_then(|a| a.as_reference().ok());
    let acroform = catalog.get(b"AcroForm").ok().and_then(|a| pdf::resolve_dict(&doc, a)).cloned();
    let field_name = unique_field_name(&doc, acroform.as_ref());
    let page_annots = doc
        .get_dictionary(last_page)
        .map_err(|e| SigningError::pdf(format!("last page ({})", describe(last_page)), e))?
        .get(b"Annots")
        .ok()
        .cloned();
    let annots_ref = page_annots.as_ref().and_then(|a| a.as_reference().ok());

    let reserved =
        signer.certificate_der().len() + signer.chain_der().iter().map(Vec::len).sum::<usize>() + CMS_OVERHEAD;
    let mut update = IncrementalDocument::create_from(pdf.to_vec(), doc);

    let sig_id = update.new_document.add_object(dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "ByteRange" => vec![0.into(), BYTE_RANGE_PLACEHOLDER.into(), BYTE_RANGE_PLACEHOLDER.into(), BYTE_RANGE_PLACEHOLDER.into()],
        "M" => Object::String(pdf_date(signing_time).into_bytes(), StringFormat::Literal),
        "Contents" => Object::String(vec![0; reserved], StringFormat::Hexadecimal),
    });
    // Field and widget merged in one dictionary; a zero rectangle makes it invisible. Flags: Print (4) +
    // Locked (128), so readers neither hide it when printing nor let it be moved.
    let widget_id = update.new_document.add_object(dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => pdf::text_object(&field_name),
        "V" => sig_id,
        "F" => 132,
        "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()],
        "P" => last_page,
    });

    add_annotation(&mut update, last_page, page_annots, annots_ref, widget_id)?;
    add_field(&mut update, catalog_id, acroform, acroform_ref, widget_id)?;

    let mut out = pdf::save_incremental(&mut update)?;
    let appended_from = pdf.len();
    let contents_at = find_contents(&out, appended_from, reserved)?;
    let contents_end = contents_at + 2 + 2 * reserved;
    let byte_range = [0, contents_at, contents_end, out.len() - contents_end];
    patch_byte_range(&mut out, appended_from, &byte_range)?;

    let mut hasher = Sha256::new();
    hasher.update(&out[..contents_at]);
    hasher.update(&out[contents_end..]);
    let cms = cms::build(signer, &hasher.finalize(), signing_time)?;
    if cms.len() > reserved {
        return Err(SigningError::ContentsTooSmall { needed: cms.len(), reserved });
    }
    let hex = hex::encode_upper(&cms);
    out[contents_at + 1..contents_at + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// PDF date (PDF 32000-1 §7.9.4) in UTC: `D:YYYYMMDDHHmmSSZ`.
fn pdf_date(t: DateTime<Utc>) -> String {
    t.format("D:%Y%m%d%H%M%SZ").to_string()
}

/// `Signature1`, or the next number free among the form's top-level field names.
fn unique_field_name(doc: &lopdf::Document, acroform: Option<&Dictionary>) -> String {
    let taken: Vec<String> = acroform
        .and_then(|f| f.get(b"Fields").ok())
        .and_then(|f| pdf::resolve(doc, f))
        .and_then(|f| f.as_array().ok())
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| pdf::resolve_dict(doc, f))
                .filter_map(|f| f.get(b"T").ok().and_then(|t| t.as_str().ok()).map(pdf::text_of))
                .collect()
        })
        .unwrap_or_default();
    (1..).map(|n| format!("Signature{n}")).find(|name| !taken.contains(name)).unwrap_or_default()
}

fn add_annotation(
    update: &mut IncrementalDocument,
    page: ObjectId,
    page_annots: Option<Object>,
    annots_ref: Option<ObjectId>,
    widget: ObjectId,
) -> Result<(), SigningError> {
    if let Some(annots_id) = annots_ref {
        // /Annots is its own array object: extend that object, the page stays as it was.
        let annots = pdf::edit(update, annots_id)?
            .as_array_mut()
            .map_err(|e| SigningError::pdf(format!("page /Annots ({})", describe(annots_id)), e))?;
        annots.push(widget.into());
        return Ok(());
    }
    let mut annots = page_annots.and_then(|a| a.as_array().ok().cloned()).unwrap_or_default();
    annots.push(widget.into());
    let page_dict = pdf::edit(update, page)?
        .as_dict_mut()
        .map_err(|e| SigningError::pdf(format!("last page ({})", describe(page)), e))?;
    page_dict.set("Annots", annots);
    Ok(())
}

fn add_field(
    update: &mut IncrementalDocument,
    catalog_id: ObjectId,
    acroform: Option<Dictionary>,
    acroform_ref: Option<ObjectId>,
    widget: ObjectId,
) -> Result<(), SigningError> {
    let prev = update.get_prev_documents();
    let mut form = acroform.unwrap_or_default();
    let mut fields = form
        .get(b"Fields")
        .ok()
        .and_then(|f| pdf::resolve(prev, f))
        .and_then(|f| f.as_array().ok())
        .cloned()
        .unwrap_or_default();
    fields.push(widget.into());
    form.set("Fields", fields);
    // SignaturesExist (1) + AppendOnly (2): readers must save further changes incrementally.
    form.set("SigFlags", 3);
    match acroform_ref {
        Some(form_id) => {
            update.new_document.set_object(form_id, form);
        }
        None => {
            let catalog = pdf::edit(update, catalog_id)?
                .as_dict_mut()
                .map_err(|e| SigningError::pdf(format!("catalog ({})", describe(catalog_id)), e))?;
            catalog.set("AcroForm", form);
        }
    }
    Ok(())
}

/// Offset of the `<` opening the zero-filled /Contents placeholder in the appended update.
fn find_contents(out: &[u8], from: usize, reserved: usize) -> Result<usize, SigningError> {
    let mut pattern = Vec::with_capacity(2 * reserved + 2);
    pattern.push(b'<');
    pattern.resize(2 * reserved + 1, b'0');
    pattern.push(b'>');
    let found = find_unique(out, from, &pattern)
        .ok_or_else(|| SigningError::pdf("signature /Contents", "placeholder not found once in the written update"))?;
    Ok(found)
}

fn patch_byte_range(out: &mut [u8], from: usize, range: &[usize; 4]) -> Result<(), SigningError> {
    let p = BYTE_RANGE_PLACEHOLDER;
    let pattern = format!("[0 {p} {p} {p}]");
    let at = find_unique(out, from, pattern.as_bytes())
        .ok_or_else(|| SigningError::pdf("signature /ByteRange", "placeholder not found once in the written update"))?;
    let text = format!("[{} {} {} {}]", range[0], range[1], range[2], range[3]);
    if text.len() > pattern.len() {
        return Err(SigningError::pdf("signature /ByteRange", "the file is too large for the reserved digits"));
    }
    // Pad inside the brackets: whitespace between array elements is insignificant in PDF.
    let padded = format!("{}{}]", &text[..text.len() - 1], " ".repeat(pattern.len() - text.len()));
    out[at..at + pattern.len()].copy_from_slice(padded.as_bytes());
    Ok(())
}

fn find_unique(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let region = haystack.get(from..)?;
    let mut hits = region.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i + from);
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn pdf_date_format() {
        let t = Utc.with_ymd_and_hms(2026, 9, 30, 17, 45, 12).single().unwrap_or_default();
        assert_eq!(pdf_date(t), "D:20260930174512Z");
    }

    #[test]
    fn byte_range_patch_keeps_length() {
        let p = BYTE_RANGE_PLACEHOLDER;
        let mut buf = format!("xx/ByteRange[0 {p} {p} {p}]/M").into_bytes();
        let before = buf.len();
        patch_byte_range(&mut buf, 0, &[0, 120, 16506, 900]).unwrap();
        assert_eq!(buf.len(), before);
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with("xx/ByteRange[0 120 16506 900 "), "{text}");
        assert!(text.ends_with("]/M"), "{text}");
    }

    #[test]
    fn find_unique_rejects_repeats() {
        assert_eq!(find_unique(b"abcab", 0, b"c"), Some(2));
        assert_eq!(find_unique(b"abcab", 0, b"ab"), None);
        assert_eq!(find_unique(b"abcab", 1, b"ab"), Some(3));
        assert_eq!(find_unique(b"ab", 5, b"ab"), None);
    }
}
