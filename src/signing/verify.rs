//! Verifying a signed report: every signature checked cryptographically against the file's own bytes,
//! whether the last one covers the whole file, and the embedded files extracted.

use chrono::{DateTime, Utc};
use lopdf::{Dictionary, Document, Object};

pub use super::cms::CertificateSummary;
use super::pdf::{self, MAX_STREAM_BYTES};
use super::{Attachment, SigningError, cms};

#[derive(Debug)]
pub struct Verification {
    /// In signing order (by where each signed range ends).
    pub signatures: Vec<SignatureReport>,
    pub attachments: Vec<Attachment>,
    /// Problems outside any one signature (an embedded file that cannot be read, trailing bytes that
    /// stopped the parser).
    pub problems: Vec<String>,
    pub file_len: u64,
    /// Bytes before the `%PDF-` header: added in front of the signed file (the signed report is
    /// looked for after them, so the report can say whether the rest is intact).
    pub bytes_before: u64,
}

impl Verification {
    /// Signed, every signature intact and holding no certificate unrelated to its signer, and the
    /// last one covering every byte of the file.
    pub fn is_valid(&self) -> bool {
        !self.signatures.is_empty()
            && self.signatures.iter().all(|s| s.status == SignatureStatus::Valid && s.extra_certificates.is_empty())
            && self.signatures.last().is_some_and(|s| s.covers_whole_file)
    }
}

/// How far one signature checked out: the first thing that failed, in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureStatus {
    /// The signed bytes are unchanged and the signature verifies with the signer certificate's key.
    Valid,
    /// /ByteRange, /Contents or the CMS structure could not be read: the problems say what.
    Unreadable,
    /// The certificate the CMS names as its signer is not in it, so there is no key to check with.
    SignerCertificateMissing,
    /// The signed bytes' SHA-256 differs from the signed messageDigest.
    BytesChanged,
    /// The digest matches but the signature over the signed attributes does not verify.
    SignatureMismatch,
}

impl SignatureStatus {
    /// The verdict as the verify report words it.
    pub fn describe(self) -> &'static str {
        match self {
            SignatureStatus::Valid => {
                "valid (the signed bytes are unchanged and the signature verifies with the certificate's key)"
            }
            SignatureStatus::Unreadable => "INVALID: the signature cannot be read (see the problems below)",
            SignatureStatus::SignerCertificateMissing => {
                "INVALID: the signer's certificate is missing from the signature, so it cannot be checked \
                 (removed after signing?)"
            }
            SignatureStatus::BytesChanged => "INVALID: the signed bytes changed after signing",
            SignatureStatus::SignatureMismatch => "INVALID: the signature does not verify with the certificate's key",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureReport {
    /// The signature field's name (/T), when a field points at this signature.
    pub field: Option<String>,
    /// /SubFilter, e.g. `ETSI.CAdES.detached`.
    pub sub_filter: String,
    pub subject: String,
    pub fingerprint_sha256: String,
    /// The CMS signingTime attribute, else the /M entry.
    pub signing_time: Option<DateTime<Utc>>,
    /// The signed messageDigest equals SHA-256 of the bytes /ByteRange names.
    pub digest_matches: bool,
    /// The signature over the signed attributes verifies with the signer certificate's key.
    pub signature_valid: bool,
    /// /ByteRange starts at 0 and ends at the last byte of the file.
    pub covers_whole_file: bool,
    /// Bytes after the signed range (an appended update or trailing data); 0 when it covers the file.
    pub bytes_after: u64,
    /// Bytes in front of the signed range: [`Verification::bytes_before`] plus where /ByteRange starts.
    pub bytes_before: u64,
    pub status: SignatureStatus,
    /// Certificates of the CMS that issue the signer's (the chain given at signing), signer's issuer first.
    pub chain: Vec<CertificateSummary>,
    /// Certificates of the CMS that are neither the signer's nor in its chain: added after signing
    /// (the certificate set is not signed), each one a reason not to accept the report.
    pub extra_certificates: Vec<CertificateSummary>,
    pub problems: Vec<String>,
}

/// Checks every signature in `pdf` and extracts its embedded files. A file that is no PDF at all is an
/// error; an unsigned PDF gives no signatures (so `is_valid()` is false); damage is reported, never a panic.
pub fn verify(file: &[u8]) -> Result<Verification, SigningError> {
    let mut problems = Vec::new();
    // Bytes put in front of a signed PDF shift every offset /ByteRange names; the signed report is
    // then the part from its header on, and what came before is reported as added.
    let before = if file.starts_with(b"%PDF-") { 0 } else { file.windows(5).position(|w| w == b"%PDF-").unwrap_or(0) };
    let pdf = &file[before..];
    if before > 0 {
        problems.push(format!(
            "{before} byte(s) before the %PDF- header were added in front of the signed file (the signed report \
             starts at byte {before})"
        ));
    }
    let doc = match pdf::load(pdf) {
        Ok(doc) => doc,
        Err(first) => {
            // lopdf looks for %%EOF only near the end; after appended data, retry at the last %%EOF so the
            // report can still say how much was appended.
            let Some(end) = last_eof(pdf) else { return Err(first) };
            let doc = pdf::load(&pdf[..end]).map_err(|_| first)?;
            problems.push(format!("{} bytes after the last %%EOF are not part of the PDF", pdf.len() - end));
            doc
        }
    };

    let mut signatures: Vec<(usize, SignatureReport)> = Vec::new();
    let mut seen = Vec::new();
    for (dict, field) in signature_dicts(&doc) {
        // The same signature dictionary can be reached as an object and as a field value.
        let key = dict.get(b"ByteRange").ok().cloned();
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let (end, mut report) = check_signature(pdf, &doc, dict, field);
        if before > 0 {
            report.bytes_before += before as u64;
            report.covers_whole_file = false;
        }
        signatures.push((end, report));
    }
    signatures.sort_by_key(|(end, _)| *end);

    let attachments = match extract_attachments(&doc) {
        Ok((files, mut bad)) => {
            problems.append(&mut bad);
            files
        }
        Err(e) => {
            problems.push(e.to_string());
            Vec::new()
        }
    };
    Ok(Verification {
        signatures: signatures.into_iter().map(|(_, r)| r).collect(),
        attachments,
        problems,
        file_len: file.len() as u64,
        bytes_before: before as u64,
    })
}

/// End (exclusive, with its end-of-line) of the last `%%EOF` marker.
fn last_eof(pdf: &[u8]) -> Option<usize> {
    let at = pdf.windows(5).rposition(|w| w == b"%%EOF")?;
    let mut end = at + 5;
    for _ in 0..2 {
        if matches!(pdf.get(end), Some(b'\r' | b'\n')) {
            end += 1;
        }
    }
    Some(end)
}

fn is_signature(dict: &Dictionary) -> bool {
    dict.has(b"ByteRange") && dict.has(b"Contents") && (dict.has(b"Filter") || dict.has_type(b"Sig"))
}

/// Every signature dictionary, indirect or inline in a field, with the name of the field that holds it.
fn signature_dicts(doc: &Document) -> Vec<(&Dictionary, Option<String>)> {
    let mut field_of: Vec<(lopdf::ObjectId, String)> = Vec::new();
    let mut found = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let name = dict.get(b"T").ok().and_then(|t| t.as_str().ok()).map(pdf::text_of);
        match dict.get(b"V") {
            Ok(Object::Reference(id)) => {
                if let Some(name) = name {
                    field_of.push((*id, name));
                }
            }
            Ok(Object::Dictionary(v)) if is_signature(v) => found.push((v, name)),
            _ => {}
        }
    }
    for (id, object) in &doc.objects {
        if let Ok(dict) = object.as_dict()
            && is_signature(dict)
        {
            let name = field_of.iter().find(|(f, _)| f == id).map(|(_, n)| n.clone());
            found.push((dict, name));
        }
    }
    found
}

/// The report for one signature, keyed by the end of its signed range (for ordering).
fn check_signature(pdf: &[u8], doc: &Document, dict: &Dictionary, field: Option<String>) -> (usize, SignatureReport) {
    let name_of =
        |key: &[u8]| dict.get(key).ok().and_then(|n| n.as_name().ok()).map(|n| String::from_utf8_lossy(n).into_owned());
    let mut report = SignatureReport {
        field,
        sub_filter: name_of(b"SubFilter").unwrap_or_default(),
        subject: String::new(),
        fingerprint_sha256: String::new(),
        signing_time: dict.get(b"M").ok().and_then(|m| m.as_str().ok()).and_then(parse_pdf_date),
        digest_matches: false,
        signature_valid: false,
        covers_whole_file: false,
        bytes_after: 0,
        bytes_before: 0,
        status: SignatureStatus::Unreadable,
        chain: Vec::new(),
        extra_certificates: Vec::new(),
        problems: Vec::new(),
    };
    let range = match byte_range(doc, dict, pdf.len()) {
        Ok(r) => r,
        Err(problem) => {
            report.problems.push(problem);
            return (0, report);
        }
    };
    let [start, first_len, second_start, second_len] = range;
    let end = second_start + second_len;
    report.covers_whole_file = start == 0 && end == pdf.len();
    report.bytes_after = (pdf.len() - end) as u64;
    report.bytes_before = start as u64;
    if start != 0 {
        report.problems.push(format!("/ByteRange starts at byte {start}, not at the start of the file"));
    }
    if report.bytes_after > 0 {
        report.problems.push(format!(
            "{} bytes after the signed range are not covered by this signature (appended after signing)",
            report.bytes_after
        ));
    }
    let gap = &pdf[start + first_len..second_start];
    let contents = match decode_gap(gap) {
        Ok(c) => c,
        Err(problem) => {
            report.problems.push(problem);
            return (end, report);
        }
    };
    let checked = cms::check(&contents, &[&pdf[start..start + first_len], &pdf[second_start..end]]);
    report.subject = checked.subject;
    report.fingerprint_sha256 = checked.fingerprint_sha256;
    if checked.signing_time.is_some() {
        report.signing_time = checked.signing_time;
    }
    report.digest_matches = checked.digest_matches;
    report.signature_valid = checked.signature_valid;
    report.status = if checked.signer_certificate_missing {
        SignatureStatus::SignerCertificateMissing
    } else if !checked.digest_checked {
        SignatureStatus::Unreadable
    } else if !checked.digest_matches {
        SignatureStatus::BytesChanged
    } else if !checked.signature_valid {
        SignatureStatus::SignatureMismatch
    } else {
        SignatureStatus::Valid
    };
    report.chain = checked.chain;
    report.extra_certificates = checked.extra;
    report.problems.extend(checked.problems);
    (end, report)
}

/// /ByteRange as four in-file offsets `[a, alen, b, blen]` with the gap between the two ranges.
fn byte_range(doc: &Document, dict: &Dictionary, len: usize) -> Result<[usize; 4], String> {
    let array = dict
        .get(b"ByteRange")
        .ok()
        .and_then(|r| pdf::resolve(doc, r))
        .and_then(|r| r.as_array().ok())
        .ok_or("/ByteRange is not an array")?;
    let numbers: Vec<usize> =
        array.iter().filter_map(|n| n.as_i64().ok()).filter_map(|n| usize::try_from(n).ok()).collect();
    let [a, alen, b, blen] = numbers.as_slice() else {
        return Err("/ByteRange is not four non-negative integers".into());
    };
    let (a, alen, b, blen) = (*a, *alen, *b, *blen);
    let first_end = a.checked_add(alen).ok_or("/ByteRange overflows")?;
    let second_end = b.checked_add(blen).ok_or("/ByteRange overflows")?;
    if first_end > b || second_end > len {
        return Err(format!("/ByteRange [{a} {alen} {b} {blen}] does not fit a file of {len} bytes"));
    }
    Ok([a, alen, b, blen])
}

/// The bytes a signature leaves out must be exactly the /Contents hex string `<…>`: anything else in
/// there would be unsigned content.
fn decode_gap(gap: &[u8]) -> Result<Vec<u8>, String> {
    let inner = gap
        .strip_prefix(b"<")
        .and_then(|g| g.strip_suffix(b">"))
        .ok_or("the bytes left out of /ByteRange are not exactly the /Contents hex string")?;
    let digits: Vec<u8> = inner.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    hex::decode(&digits).map_err(|e| format!("/Contents is not valid hex: {e}"))
}

/// `D:YYYYMMDDHHmmSS` with `Z` or an offset `+HH'mm'`; shorter forms are accepted as the spec allows.
fn parse_pdf_date(bytes: &[u8]) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let field =
        |from: usize, to: usize, default: u32| digits.get(from..to).and_then(|s| s.parse().ok()).unwrap_or(default);
    let year: i32 = digits.get(0..4)?.parse().ok()?;
    let naive = chrono::NaiveDate::from_ymd_opt(year, field(4, 6, 1), field(6, 8, 1))?.and_hms_opt(
        field(8, 10, 0),
        field(10, 12, 0),
        field(12, 14, 0),
    )?;
    let rest = &text[digits.len()..];
    let offset_secs = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let nums: Vec<i64> = rest[1..].split('\'').filter_map(|p| p.parse().ok()).collect();
            let secs = nums.first().copied().unwrap_or(0) * 3600 + nums.get(1).copied().unwrap_or(0) * 60;
            if sign == '+' { secs } else { -secs }
        }
        _ => 0,
    };
    Some(naive.and_utc() - chrono::Duration::seconds(offset_secs))
}

/// Embedded files, and a problem line for each one that cannot be read.
fn extract_attachments(doc: &Document) -> Result<(Vec<Attachment>, Vec<String>), SigningError> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (key, value) in pdf::embedded_files(doc)? {
        let key_name = pdf::text_of(&key);
        match read_attachment(doc, &value) {
            Ok(mut file) => {
                if file.name.is_empty() {
                    file.name = key_name;
                }
                files.push(file);
            }
            Err(problem) => problems.push(format!("embedded file {key_name:?}: {problem}")),
        }
    }
    Ok((files, problems))
}

fn read_attachment(doc: &Document, spec: &Object) -> Result<Attachment, String> {
    let spec = pdf::resolve_dict(doc, spec).ok_or("the file specification is not a dictionary")?;
    let text = |key: &[u8]| {
        spec.get(key).ok().and_then(|v| pdf::resolve(doc, v)).and_then(|v| v.as_str().ok()).map(pdf::text_of)
    };
    let name = text(b"UF").or_else(|| text(b"F")).unwrap_or_default();
    let description = text(b"Desc").unwrap_or_default();
    let ef = spec.get(b"EF").ok().and_then(|e| pdf::resolve_dict(doc, e)).ok_or("no /EF dictionary")?;
    let stream = ef
        .get(b"UF")
        .or_else(|_| ef.get(b"F"))
        .ok()
        .and_then(|s| pdf::resolve(doc, s))
        .and_then(|s| s.as_stream().ok())
        .ok_or("/EF does not point at a stream")?;
    let mime = stream
        .dict
        .get(b"Subtype")
        .ok()
        .and_then(|s| s.as_name().ok())
        .map(|m| String::from_utf8_lossy(m).into_owned());
    let bytes = stream.decompressed_content_with_limit(MAX_STREAM_BYTES).map_err(|e| format!("cannot decode: {e}"))?;
    Ok(Attachment { name, mime: mime.unwrap_or_default(), description, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn pdf_dates_parse_with_offsets() {
        let t = Utc.with_ymd_and_hms(2026, 9, 30, 17, 45, 12).single();
        assert_eq!(parse_pdf_date(b"D:20260930174512Z"), t);
        assert_eq!(parse_pdf_date(b"D:20260930194512+02'00'"), t);
        assert_eq!(parse_pdf_date(b"D:20260930124512-05'00"), t);
        assert_eq!(parse_pdf_date(b"D:2026"), Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single());
        assert_eq!(parse_pdf_date(b"D:20261340"), None);
        assert_eq!(parse_pdf_date(b"garbage"), None);
    }

    #[test]
    fn gap_must_be_exactly_a_hex_string() {
        assert_eq!(decode_gap(b"<0A ff>").unwrap(), vec![0x0a, 0xff]);
        assert!(decode_gap(b"<0A>x").is_err());
        assert!(decode_gap(b"(abc)").is_err());
        assert!(decode_gap(b"<0G>").is_err());
    }

    #[test]
    fn last_eof_includes_its_line_end() {
        assert_eq!(last_eof(b"a%%EOF\r\nxyz"), Some(8));
        assert_eq!(last_eof(b"%%EOF"), Some(5));
        assert_eq!(last_eof(b"nothing"), None);
    }
}
