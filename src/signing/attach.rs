//! Embedding files in the report (catalog /Names /EmbeddedFiles and /AF), so `manifest.json` and
//! `findings.json` travel inside the signed PDF.

use std::collections::BTreeMap;
use std::io::Write as _;

use lopdf::{Dictionary, IncrementalDocument, Object, Stream, dictionary};

use super::pdf::{self, describe};
use super::{Attachment, SigningError};

/// Adds `files` as embedded files, written as an incremental update to `pdf`. Names must be unique and not
/// already embedded. Deterministic: no dates are written and compression is fixed.
pub fn attach(pdf: &[u8], files: &[Attachment]) -> Result<Vec<u8>, SigningError> {
    let doc = pdf::load(pdf)?;
    let catalog_id = pdf::catalog_id(&doc)?;
    let existing = pdf::embedded_files(&doc)?;

    // Name-tree keys must be sorted; a BTreeMap over the encoded key bytes keeps them so.
    let mut entries: BTreeMap<Vec<u8>, Object> = BTreeMap::new();
    for (key, value) in existing {
        entries.insert(key, value);
    }
    let mut update = IncrementalDocument::create_from(pdf.to_vec(), doc);
    let mut new_specs = Vec::with_capacity(files.len());
    for file in files {
        validate(file)?;
        let Object::String(key, _) = pdf::text_object(&file.name) else {
            return Err(SigningError::Attachment { name: file.name.clone(), reason: "cannot encode the name".into() });
        };
        if entries.contains_key(&key) {
            return Err(SigningError::Attachment {
                name: file.name.clone(),
                reason: "a file of this name is already embedded in the PDF".into(),
            });
        }
        let spec_id = update.new_document.add_object(Object::Null);
        let stream_id = update.new_document.add_object(embedded_stream(file)?);
        let spec = dictionary! {
            "Type" => "Filespec",
            "F" => Object::String(ascii_name(&file.name).into_bytes(), lopdf::StringFormat::Literal),
            "UF" => pdf::text_object(&file.name),
            "Desc" => pdf::text_object(&file.description),
            // PDF 2.0 / PDF/A-3: the file is the data the report was drawn from.
            "AFRelationship" => "Data",
            "EF" => dictionary! { "F" => stream_id, "UF" => stream_id },
        };
        update.new_document.set_object(spec_id, spec);
        entries.insert(key, Object::Reference(spec_id));
        new_specs.push(Object::Reference(spec_id));
    }

    let tree_names: Vec<Object> = entries
        .into_iter()
        .flat_map(|(key, value)| [Object::String(key, lopdf::StringFormat::Literal), value])
        .collect();
    let tree_id = update.new_document.add_object(dictionary! { "Names" => tree_names });

    // /AF of the previous revision, resolved now, before the catalog is borrowed for editing.
    let prev = update.get_prev_documents();
    let prev_catalog = prev.get_dictionary(catalog_id).map_err(|e| SigningError::pdf(describe(catalog_id), e))?;
    let mut af: Vec<Object> = prev_catalog
        .get(b"AF")
        .ok()
        .and_then(|a| pdf::resolve(prev, a))
        .and_then(|a| a.as_array().ok())
        .cloned()
        .unwrap_or_default();
    af.extend(new_specs);
    let names_ref = prev_catalog.get(b"Names").ok().and_then(|n| n.as_reference().ok());

    // /Names may be its own object or inline in the catalog; edit it where it lives.
    match names_ref {
        Some(names_id) => {
            let names = pdf::edit(&mut update, names_id)?
                .as_dict_mut()
                .map_err(|e| SigningError::pdf(format!("catalog /Names ({})", describe(names_id)), e))?;
            names.set("EmbeddedFiles", tree_id);
            let catalog = catalog_dict(&mut update, catalog_id)?;
            catalog.set("AF", af);
        }
        None => {
            let catalog = catalog_dict(&mut update, catalog_id)?;
            let mut names = catalog.get(b"Names").ok().and_then(|n| n.as_dict().ok()).cloned().unwrap_or_default();
            names.set("EmbeddedFiles", tree_id);
            catalog.set("Names", names);
            catalog.set("AF", af);
        }
    }
    pdf::save_incremental(&mut update)
}

fn catalog_dict(update: &mut IncrementalDocument, id: lopdf::ObjectId) -> Result<&mut Dictionary, SigningError> {
    pdf::edit(update, id)?.as_dict_mut().map_err(|e| SigningError::pdf(format!("catalog ({})", describe(id)), e))
}

fn validate(file: &Attachment) -> Result<(), SigningError> {
    let fail = |reason: &str| SigningError::Attachment { name: file.name.clone(), reason: reason.into() };
    if file.name.trim().is_empty() {
        return Err(fail("the name is empty"));
    }
    if file.name.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        return Err(fail("the name must be a plain file name (no path separators or control characters)"));
    }
    let mime_ok = file.mime.split_once('/').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        && file.mime.bytes().all(|b| b.is_ascii_graphic());
    if !mime_ok {
        return Err(fail("the MIME type must look like type/subtype"));
    }
    Ok(())
}

/// `/F` is a byte string older readers show as-is: non-ASCII characters become `_` (`/UF` has the real name).
fn ascii_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii() && !c.is_ascii_control() { c } else { '_' }).collect()
}

fn embedded_stream(file: &Attachment) -> Result<Stream, SigningError> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let compressed = encoder
        .write_all(&file.bytes)
        .and_then(|()| encoder.finish())
        .map_err(|e| SigningError::Attachment { name: file.name.clone(), reason: format!("cannot compress: {e}") })?;
    let size = i64::try_from(file.bytes.len())
        .map_err(|_| SigningError::Attachment { name: file.name.clone(), reason: "too large".into() })?;
    let dict = dictionary! {
        "Type" => "EmbeddedFile",
        "Subtype" => Object::Name(file.mime.as_bytes().to_vec()),
        "Filter" => "FlateDecode",
        "Params" => dictionary! { "Size" => size },
    };
    Ok(Stream::new(dict, compressed).with_compression(false))
}

#[cfg(test)]
mod tests {
    use super::super::pdf::test_pdf::hello_pdf;
    use super::*;

    fn file(name: &str, bytes: &[u8]) -> Attachment {
        Attachment {
            name: name.into(),
            mime: "application/json".into(),
            description: format!("{name} of the run"),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn attach_keeps_the_original_bytes_and_is_deterministic() {
        let pdf = hello_pdf();
        let files = [file("manifest.json", b"{\"a\":1}"), file("findings.json", b"[]")];
        let a = attach(&pdf, &files).unwrap();
        let b = attach(&pdf, &files).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with(&pdf), "incremental: the original revision is untouched");
        let doc = pdf::load(&a).unwrap();
        let keys: Vec<String> = pdf::embedded_files(&doc).unwrap().iter().map(|(k, _)| pdf::text_of(k)).collect();
        assert_eq!(keys, ["findings.json", "manifest.json"], "sorted name tree");
        let af = doc.catalog().unwrap().get(b"AF").unwrap().as_array().unwrap();
        assert_eq!(af.len(), 2);
    }

    #[test]
    fn second_attach_adds_to_the_tree_and_refuses_duplicates() {
        let once = attach(&hello_pdf(), &[file("b.json", b"1")]).unwrap();
        let twice = attach(&once, &[file("a.json", b"2")]).unwrap();
        let doc = pdf::load(&twice).unwrap();
        assert_eq!(pdf::embedded_files(&doc).unwrap().len(), 2);
        let err = attach(&twice, &[file("a.json", b"3")]).unwrap_err();
        assert!(matches!(err, SigningError::Attachment { .. }), "{err}");
        let err = attach(&hello_pdf(), &[file("x.json", b"1"), file("x.json", b"2")]).unwrap_err();
        assert!(err.to_string().contains("already embedded"), "{err}");
    }

    #[test]
    fn bad_names_and_mime_types_are_refused() {
        let pdf = hello_pdf();
        assert!(attach(&pdf, &[file("", b"")]).is_err());
        assert!(attach(&pdf, &[file("a/b.json", b"")]).is_err());
        let mut f = file("a.json", b"");
        f.mime = "json".into();
        assert!(attach(&pdf, &[f]).is_err());
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(attach(b"not a pdf", &[]).is_err());
        let pdf = hello_pdf();
        assert!(attach(&pdf[..pdf.len() / 3], &[]).is_err());
    }
}
