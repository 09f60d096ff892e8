//! The PDF object graph as the signing code needs it (through lopdf): loading without panics, the catalog,
//! text strings, the EmbeddedFiles name tree, and writing an incremental update.

use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, StringFormat};

use super::SigningError;

/// Bound on any one decompressed stream (object streams at load, embedded files): the largest report
/// attachment, a manifest of 100,000 inputs, is ~30 MB; this leaves a wide margin and stops a bomb.
pub(crate) const MAX_STREAM_BYTES: usize = 1 << 30;
/// Name trees nest /Kids; real files are 1–3 levels deep. The bound stops a cyclic or hostile tree.
const MAX_NAME_TREE_DEPTH: usize = 32;

/// Parses a PDF. lopdf is a third-party parser of untrusted bytes: a panic inside it becomes an error.
pub(crate) fn load(pdf: &[u8]) -> Result<Document, SigningError> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(SigningError::pdf("header", "not a PDF (the file does not start with %PDF-)"));
    }
    let doc = std::panic::catch_unwind(|| {
        Document::load_mem_with_options(pdf, lopdf::LoadOptions::with_max_decompressed_size(MAX_STREAM_BYTES))
    })
    .map_err(|_| SigningError::pdf("file", "the PDF parser failed on malformed input"))?
    .map_err(|e| SigningError::pdf("file", format!("cannot parse: {e}")))?;
    if doc.is_encrypted() || doc.trailer.has(b"Encrypt") {
        return Err(SigningError::pdf("trailer /Encrypt", "encrypted PDFs are not supported"));
    }
    Ok(doc)
}

pub(crate) fn catalog_id(doc: &Document) -> Result<ObjectId, SigningError> {
    doc.trailer.get(b"Root").and_then(Object::as_reference).map_err(|e| SigningError::pdf("trailer /Root", e))
}

pub(crate) fn describe(id: ObjectId) -> String {
    format!("object {} {}", id.0, id.1)
}

/// Follows references (lopdf bounds the chain).
pub(crate) fn resolve<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    doc.dereference(object).ok().map(|(_, o)| o)
}

pub(crate) fn resolve_dict<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    resolve(doc, object).and_then(|o| o.as_dict().ok())
}

/// A PDF text string: ASCII stays a literal string; anything else is UTF-16BE with a byte-order mark
/// (PDF 32000-1 §7.9.2.2), which every reader decodes.
pub(crate) fn text_object(text: &str) -> Object {
    if text.is_ascii() {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// Decodes a PDF text string: UTF-16BE (with BOM), UTF-8 (with BOM, PDF 2.0) or PDFDocEncoding, read as
/// Latin-1, which agrees with it on every printable character a file name uses.
pub(crate) fn text_of(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

/// The leaves of the catalog's /Names /EmbeddedFiles tree, as (key string bytes, value), in tree order.
pub(crate) fn embedded_files(doc: &Document) -> Result<Vec<(Vec<u8>, Object)>, SigningError> {
    let catalog = doc.catalog().map_err(|e| SigningError::pdf("catalog", e))?;
    let Some(names) = catalog.get(b"Names").ok().and_then(|n| resolve_dict(doc, n)) else { return Ok(Vec::new()) };
    let Some(root) = names.get(b"EmbeddedFiles").ok() else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    collect_leaves(doc, root, 0, &mut out)?;
    Ok(out)
}

fn collect_leaves(
    doc: &Document,
    node: &Object,
    depth: usize,
    out: &mut Vec<(Vec<u8>, Object)>,
) -> Result<(), SigningError> {
    let place = "catalog /Names /EmbeddedFiles";
    if depth > MAX_NAME_TREE_DEPTH {
        return Err(SigningError::pdf(place, format!("name tree deeper than {MAX_NAME_TREE_DEPTH} levels")));
    }
    let dict = resolve_dict(doc, node).ok_or_else(|| SigningError::pdf(place, "a node is not a dictionary"))?;
    if let Some(names) = dict.get(b"Names").ok().and_then(|n| resolve(doc, n)).and_then(|n| n.as_array().ok()) {
        for pair in names.chunks(2) {
            if let [key, value] = pair {
                let key = resolve(doc, key).and_then(|k| k.as_str().ok());
                if let Some(key) = key {
                    out.push((key.to_vec(), value.clone()));
                }
            }
        }
    }
    if let Some(kids) = dict.get(b"Kids").ok().and_then(|k| resolve(doc, k)).and_then(|k| k.as_array().ok()) {
        for kid in kids {
            collect_leaves(doc, kid, depth + 1, out)?;
        }
    }
    Ok(())
}

/// The PDF with `update` appended as an incremental update (the original bytes are kept unchanged).
pub(crate) fn save_incremental(update: &mut IncrementalDocument) -> Result<Vec<u8>, SigningError> {
    let prev_len = update.get_prev_documents_bytes().len();
    let mut out = Vec::new();
    update.save_to(&mut out).map_err(|e| SigningError::pdf("incremental update", format!("cannot write: {e}")))?;
    blank_update_header(&mut out, prev_len);
    Ok(out)
}

/// lopdf starts each update with a `%PDF-1.4` line. It is a comment to readers, but a second header
/// mid-file misleads tools that sniff for PDF headers and states a version the file is not. It is blanked
/// in place (same length), so every offset lopdf wrote still holds.
fn blank_update_header(out: &mut [u8], prev_len: usize) {
    for start in [prev_len, prev_len + 1] {
        if let Some(rest) = out.get_mut(start..)
            && rest.starts_with(b"%PDF-")
        {
            let line_len = rest.iter().position(|&b| b == b'\n' || b == b'\r').unwrap_or(0);
            for b in rest.iter_mut().take(line_len).skip(1) {
                *b = b' ';
            }
            return;
        }
    }
}

/// Mutable access to an object of the update, copied from the previous revision on first use.
pub(crate) fn edit(update: &mut IncrementalDocument, id: ObjectId) -> Result<&mut Object, SigningError> {
    update.opt_clone_object_to_new_document(id).map_err(|e| SigningError::pdf(describe(id), e))?;
    update.new_document.get_object_mut(id).map_err(|e| SigningError::pdf(describe(id), e))
}

#[cfg(test)]
pub(crate) mod test_pdf {
    //! A small, valid PDF built with lopdf for the signing tests: one page showing "hello".
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};

    pub(crate) fn hello_pdf() -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
        let content = Content {
            operations: vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 24.into()]),
                Operation::new("Td", vec![100.into(), 700.into()]),
                Operation::new("Tj", vec![Object::string_literal("hello")]),
                Operation::new("ET", vec![]),
            ],
        };
        let encoded = content.encode().unwrap_or_default();
        let content_id = doc.add_object(Stream::new(dictionary! {}, encoded));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "Resources" => resources_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }),
        );
        let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap_or_default();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_header_is_blanked_in_place() {
        let mut out = b"%%EOF\n%PDF-1.4\n%x\n1 0 obj".to_vec();
        let before = out.len();
        blank_update_header(&mut out, 6);
        assert_eq!(out.len(), before);
        assert_eq!(&out[..], b"%%EOF\n%       \n%x\n1 0 obj");
        let mut untouched = b"%%EOF\n1 0 obj".to_vec();
        blank_update_header(&mut untouched, 6);
        assert_eq!(&untouched[..], b"%%EOF\n1 0 obj");
    }

    #[test]
    fn text_strings_round_trip() {
        for s in ["manifest.json", "José Müller.json", "日本"] {
            let Object::String(bytes, _) = text_object(s) else { panic!("not a string") };
            assert_eq!(text_of(&bytes), s);
        }
        // UTF-16BE BOM + "A" written by hand from the spec.
        assert_eq!(text_of(&[0xfe, 0xff, 0x00, 0x41]), "A");
    }

    #[test]
    fn loads_the_test_pdf_and_refuses_garbage() {
        let pdf = test_pdf::hello_pdf();
        let doc = load(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        assert!(catalog_id(&doc).is_ok());
        assert!(embedded_files(&doc).unwrap().is_empty());
        assert!(load(b"").is_err());
        assert!(load(b"hello").is_err());
        for cut in [5, 9, 40] {
            assert!(load(&pdf[..cut]).is_err(), "cut at {cut}");
        }
    }
}
