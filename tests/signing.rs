//! The signing module end to end: sign with ECDSA P-256 and RSA 2048 keys, check with Poppler's `pdfsig`
//! (an independent verifier) and with `verify`, tamper in every way the issue names, embed files.

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, TimeZone as _, Utc};
use gapscope::signing::{Attachment, CertificateSummary, SignatureStatus, Signer, attach, generate, sign, verify};
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng as _;

fn when() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 30, 17, 45, 12).single().unwrap_or_default()
}

/// One page showing "hello", content stream uncompressed so a test can find and change it.
fn hello_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
    let content = Content {
        operations: vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 24.into()]),
            Operation::new("Td", vec![100.into(), 700.into()]),
            Operation::new("Tj", vec![Object::string_literal("hello")]),
            Operation::new("ET", vec![]),
        ],
    };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The same page written the classic way (xref table and trailer, no xref stream), as many PDF writers do.
fn classic_xref_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        "<< /Length 41 >>\nstream\nBT /F1 24 Tf 100 700 Td (classic) Tj ET\nendstream".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).into_bytes());
    }
    let xref_at = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n", objects.len() + 1).into_bytes(),
    );
    out
}

fn ecdsa_signer() -> Signer {
    let g = generate("Jane Auditor, Example LLP", when()).unwrap();
    Signer::from_pem(&g.key_pem, &g.cert_pem).unwrap()
}

/// An RSA 2048 key from a seeded RNG (same key every run) with a self-signed certificate made by rcgen.
fn rsa_signer() -> Signer {
    use rsa::pkcs8::EncodePrivateKey as _;
    let key = rsa::RsaPrivateKey::new(&mut ChaCha20Rng::seed_from_u64(4), 2048).unwrap();
    let pem = key.to_pkcs8_pem(pkcs8::LineEnding::LF).unwrap();
    let pair = rcgen::KeyPair::from_pem_and_sign_algo(&pem, &rcgen::PKCS_RSA_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    // Encoded most general first, as CAs do; RFC 4514 prints it reversed.
    dn.push(rcgen::DnType::OrganizationName, "Example LLP");
    dn.push(rcgen::DnType::CommonName, "RSA Auditor");
    params.distinguished_name = dn;
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature, rcgen::KeyUsagePurpose::ContentCommitment];
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&[0x42, 1, 2, 3]));
    params.not_before = time::OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(); // 2026-01-01
    params.not_after = time::OffsetDateTime::from_unix_timestamp(1_861_920_000).unwrap(); // 2029-01-01
    let cert = params.self_signed(&pair).unwrap();
    Signer::from_pem(&pem, &cert.pem()).unwrap()
}

/// `pdfsig` output for the bytes, or None (with a note) where Poppler is not installed.
fn pdfsig(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    match Command::new("pdfsig").arg(&path).output() {
        Ok(out) => Some(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("SKIPPED pdfsig checks: pdfsig not on PATH (install poppler-utils)");
            None
        }
        Err(e) => panic!("pdfsig: {e}"),
    }
}

fn pdftotext(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    match Command::new("pdftotext").arg(&path).arg("-").output() {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("SKIPPED pdftotext check: not on PATH (install poppler-utils)");
            None
        }
        Err(e) => panic!("pdftotext: {e}"),
    }
}

fn assert_pdfsig_valid(pdf: &[u8], signatures: usize) {
    if let Some(out) = pdfsig(pdf) {
        assert_eq!(out.matches("Signature Validation: Signature is Valid.").count(), signatures, "{out}");
        assert!(out.contains("Total document signed") || signatures > 1, "{out}");
    }
}

fn assert_pdfsig_not_valid(pdf: &[u8]) {
    if let Some(out) = pdfsig(pdf) {
        assert!(!out.contains("Signature is Valid"), "{out}");
    }
}

/// Parses `/ByteRange[a b c d]` out of the last signature written.
fn byte_range(pdf: &[u8]) -> [usize; 4] {
    let text = String::from_utf8_lossy(pdf);
    let at = text.rfind("/ByteRange[").unwrap() + "/ByteRange[".len();
    let end = at + text[at..].find(']').unwrap();
    let n: Vec<usize> = text[at..end].split_whitespace().map(|s| s.parse().unwrap()).collect();
    [n[0], n[1], n[2], n[3]]
}

/// The CMS DER inside /Contents, cut at the length its `30 82 LLLL` header gives.
fn cms_der(signed: &[u8]) -> Vec<u8> {
    let [_, alen, _, _] = byte_range(signed);
    let hex_start = alen + 1;
    let header = std::str::from_utf8(&signed[hex_start..hex_start + 8]).unwrap();
    assert_eq!(&header[..4], "3082");
    let der_len = 4 + usize::from_str_radix(&header[4..], 16).unwrap();
    hex::decode(&signed[hex_start..hex_start + 2 * der_len]).unwrap()
}

#[test]
fn ecdsa_signature_is_valid_for_pdfsig_and_verify() {
    let signed = sign(&hello_pdf(), &ecdsa_signer(), when()).unwrap();
    assert_pdfsig_valid(&signed, 1);
    if let Some(out) = pdfsig(&signed) {
        assert!(out.contains("Jane Auditor, Example LLP"), "{out}");
        assert!(out.contains("Signing Time: Sep 30 2026 17:45:12"), "{out}");
    }
    if let Some(text) = pdftotext(&signed) {
        assert!(text.contains("hello"), "{text}");
    }
    let v = verify(&signed).unwrap();
    assert!(v.is_valid(), "{v:?}");
    let s = &v.signatures[0];
    assert_eq!(s.subject, "CN=Jane Auditor\\, Example LLP");
    assert_eq!(s.fingerprint_sha256, ecdsa_signer_fingerprint_of(&signed));
    assert_eq!(s.signing_time, Some(when()));
    assert_eq!(s.sub_filter, "ETSI.CAdES.detached");
    assert_eq!(s.field.as_deref(), Some("Signature1"));
    assert!(s.covers_whole_file && s.bytes_after == 0 && s.problems.is_empty(), "{s:?}");
    // The byte range covers everything but the /Contents string.
    let [a, alen, b, blen] = byte_range(&signed);
    assert_eq!((a, b + blen), (0, signed.len()));
    assert_eq!((signed[alen], signed[b - 1]), (b'<', b'>'));
}

/// The fingerprint pdfsig would compute: SHA-256 of the first certificate in the CMS, derived here with
/// `openssl` when present, else from the PEM of a fresh signer (the key is random, so only the format is
/// checked then).
fn ecdsa_signer_fingerprint_of(signed: &[u8]) -> String {
    let der = cms_der(signed);
    let dir = tempfile::tempdir().unwrap();
    let p7 = dir.path().join("sig.p7");
    std::fs::write(&p7, &der).unwrap();
    let Ok(out) = Command::new("openssl").args(["pkcs7", "-inform", "DER", "-print_certs", "-in"]).arg(&p7).output()
    else {
        eprintln!("SKIPPED openssl fingerprint cross-check: openssl not on PATH");
        return verify(signed).unwrap().signatures[0].fingerprint_sha256.clone();
    };
    let pem = String::from_utf8_lossy(&out.stdout).into_owned();
    let cert = dir.path().join("cert.pem");
    std::fs::write(&cert, pem).unwrap();
    let out =
        Command::new("openssl").args(["x509", "-noout", "-fingerprint", "-sha256", "-in"]).arg(&cert).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // "sha256 Fingerprint=AB:CD:…"
    text.trim().rsplit('=').next().unwrap().to_string()
}

#[test]
fn rsa_signature_is_valid_for_pdfsig_and_verify() {
    let signer = rsa_signer();
    assert_eq!(signer.subject(), "CN=RSA Auditor, O=Example LLP");
    let signed = sign(&hello_pdf(), &signer, when()).unwrap();
    assert_pdfsig_valid(&signed, 1);
    if let Some(text) = pdftotext(&signed) {
        assert!(text.contains("hello"), "{text}");
    }
    let v = verify(&signed).unwrap();
    assert!(v.is_valid(), "{v:?}");
    assert_eq!(v.signatures[0].fingerprint_sha256, signer.fingerprint_sha256());
    // RSA PKCS#1 v1.5 is deterministic: a second run is byte-identical.
    assert_eq!(sign(&hello_pdf(), &signer, when()).unwrap(), signed);
}

#[test]
fn classic_xref_table_pdf_signs_valid() {
    let pdf = classic_xref_pdf();
    if let Some(text) = pdftotext(&pdf) {
        assert!(text.contains("classic"), "the hand-written fixture itself must be a valid PDF: {text}");
    }
    let files = [Attachment {
        name: "findings.json".into(),
        mime: "application/json".into(),
        description: String::new(),
        bytes: b"[]".to_vec(),
    }];
    let signed = sign(&attach(&pdf, &files).unwrap(), &ecdsa_signer(), when()).unwrap();
    assert!(signed.starts_with(&pdf));
    // An update to a file with an xref table is written with an xref table too.
    assert!(String::from_utf8_lossy(&signed[pdf.len()..]).contains("\ntrailer"));
    assert_eq!(signed.windows(5).filter(|w| w == b"%PDF-").count(), 1, "one header, at the start");
    assert_pdfsig_valid(&signed, 1);
    if let Some(text) = pdftotext(&signed) {
        assert!(text.contains("classic"), "{text}");
    }
    let v = verify(&signed).unwrap();
    assert!(v.is_valid(), "{v:?}");
    assert_eq!(v.attachments, files);
}

#[test]
fn signing_is_deterministic() {
    let signer = ecdsa_signer();
    let pdf = hello_pdf();
    let a = sign(&pdf, &signer, when()).unwrap();
    let b = sign(&pdf, &signer, when()).unwrap();
    assert_eq!(a, b);
    assert!(a.starts_with(&pdf), "the original revision is kept byte for byte");
    // A different signing time must show in the output (it is signed).
    let later = sign(&pdf, &signer, when() + chrono::Duration::seconds(1)).unwrap();
    assert_ne!(a, later);
}

#[test]
fn a_changed_byte_in_the_signed_range_fails_both_verifiers() {
    let signed = sign(&hello_pdf(), &ecdsa_signer(), when()).unwrap();
    let at = signed.windows(7).position(|w| w == b"(hello)").unwrap() + 1;
    let mut tampered = signed.clone();
    tampered[at] = b'j'; // "jello": same length, so every offset still holds
    assert_pdfsig_not_valid(&tampered);
    let v = verify(&tampered).unwrap();
    assert!(!v.is_valid());
    assert!(!v.signatures[0].digest_matches && v.signatures[0].signature_valid, "{v:?}");
    assert!(v.signatures[0].problems.iter().any(|p| p.contains("changed")), "{v:?}");
}

#[test]
fn a_changed_byte_in_the_contents_fails_both_verifiers() {
    let signed = sign(&hello_pdf(), &rsa_signer(), when()).unwrap();
    let [_, alen, _, _] = byte_range(&signed);
    let hex_start = alen + 1;
    // The CMS ends with the signature value: its last digits are signed-over bytes of nothing else.
    let der_len = cms_der(&signed).len();
    let at = hex_start + 2 * der_len - 3; // a digit inside the signature value
    let mut tampered = signed.clone();
    tampered[at] = if tampered[at] == b'0' { b'1' } else { b'0' };
    assert_pdfsig_not_valid(&tampered);
    let v = verify(&tampered).unwrap();
    assert!(!v.is_valid());
    assert!(v.signatures[0].digest_matches && !v.signatures[0].signature_valid, "{v:?}");

    // Padding after the CMS is not signed by the CMS; `verify` still refuses anything but zeros there.
    let mut padded = signed.clone();
    padded[hex_start + 2 * der_len + 10] = b'1';
    let v = verify(&padded).unwrap();
    assert!(v.signatures[0].problems.iter().any(|p| p.contains("non-zero")), "{v:?}");
}

#[test]
fn bytes_appended_after_eof_are_counted() {
    let signed = sign(&hello_pdf(), &ecdsa_signer(), when()).unwrap();
    for n in [1usize, 37, 4096] {
        let mut longer = signed.clone();
        longer.extend(std::iter::repeat_n(b'x', n));
        let v = verify(&longer).unwrap();
        assert!(!v.is_valid(), "n={n}");
        let s = &v.signatures[0];
        assert!(!s.covers_whole_file, "n={n}");
        assert_eq!(s.bytes_after, n as u64);
        assert!(s.digest_matches && s.signature_valid, "the signed part itself is intact: {s:?}");
    }
}

#[test]
fn attachments_round_trip_through_attach_sign_verify() {
    let files = vec![
        Attachment {
            name: "manifest.json".into(),
            mime: "application/json".into(),
            description: "Evidence manifest".into(),
            bytes: br#"{"files":[{"path":"a.csv","sha256":"00"}]}"#.to_vec(),
        },
        Attachment {
            name: "findings-José.json".into(),
            mime: "application/json".into(),
            description: "Findings — Müller".into(),
            bytes: (0..5000u32).flat_map(|i| i.to_le_bytes()).collect(),
        },
    ];
    let attached = attach(&hello_pdf(), &files).unwrap();
    assert_eq!(attach(&hello_pdf(), &files).unwrap(), attached, "attach is deterministic");
    let signed = sign(&attached, &ecdsa_signer(), when()).unwrap();
    assert_pdfsig_valid(&signed, 1);
    let v = verify(&signed).unwrap();
    assert!(v.is_valid(), "{v:?}");
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    let mut got = v.attachments.clone();
    got.sort_by(|a, b| a.name.cmp(&b.name));
    let mut want = files.clone();
    want.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(got, want);
    if Command::new("pdfdetach").arg("-v").output().is_ok() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.pdf");
        std::fs::write(&path, &signed).unwrap();
        let out = Command::new("pdfdetach").arg("-list").arg(&path).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("2 embedded files") && text.contains("manifest.json"), "{text}");
    }
}

#[test]
fn a_second_signature_leaves_the_first_valid_but_partial() {
    let once = sign(&hello_pdf(), &ecdsa_signer(), when()).unwrap();
    let twice = sign(&once, &rsa_signer(), when()).unwrap();
    assert_pdfsig_valid(&twice, 2);
    let v = verify(&twice).unwrap();
    assert!(v.is_valid(), "{v:?}");
    assert_eq!(v.signatures.len(), 2);
    assert_eq!(v.signatures[0].bytes_after, (twice.len() - once.len()) as u64);
    assert!(v.signatures[1].covers_whole_file);
    assert_eq!(v.signatures[1].field.as_deref(), Some("Signature2"));
}

#[test]
fn unsigned_garbage_and_truncated_inputs_never_panic() {
    let pdf = hello_pdf();
    let v = verify(&pdf).unwrap();
    assert!(v.signatures.is_empty() && !v.is_valid());
    assert!(verify(b"").is_err());
    assert!(verify(b"garbage, not a pdf").is_err());
    assert!(sign(b"garbage", &ecdsa_signer(), when()).is_err());
    let signed = sign(&pdf, &ecdsa_signer(), when()).unwrap();
    let step = (signed.len() / 97).max(1);
    for cut in (0..signed.len()).step_by(step) {
        match verify(&signed[..cut]) {
            Ok(v) => assert!(!v.is_valid(), "a truncated file (cut at {cut}) must not verify"),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        let _ = sign(&signed[..cut], &ecdsa_signer(), when());
    }
    // Garbage with a PDF header.
    let mut fake = b"%PDF-1.7\n".to_vec();
    fake.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
    assert!(verify(&fake).is_err());
}

#[cfg(unix)]
#[test]
fn key_files_checks_from_disk() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let g = generate("Disk Auditor", when()).unwrap();
    let (key, cert) = gapscope::signing::write_generated(dir.path(), &g).unwrap();
    let signer = Signer::from_pem_files(&key, &cert, &[], false).unwrap();
    assert_eq!(signer.fingerprint_sha256(), g.fingerprint_sha256);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(Signer::from_pem_files(&key, &cert, &[], false).is_err());
    assert!(Signer::from_pem_files(&key, &cert, &[], true).is_ok());
    let other = generate("Someone Else", when()).unwrap();
    let other_cert = dir.path().join("other.pem");
    std::fs::write(&other_cert, &other.cert_pem).unwrap();
    let err = Signer::from_pem_files(&key, &other_cert, &[], true).unwrap_err();
    assert!(err.to_string().contains("does not belong"), "{err}");
    assert!(Path::new(&key).exists());
}

/// `signed` with the CMS in its /Contents rewritten by `edit` (the hex string keeps its reserved length,
/// so every offset holds: what an attacker with a hex editor can do without breaking the signed bytes).
pub(crate) fn with_cms(signed: &[u8], edit: impl FnOnce(&mut cms::signed_data::SignedData)) -> Vec<u8> {
    use der::{Decode as _, Encode as _};
    let info = cms::content_info::ContentInfo::from_der(&cms_der(signed)).unwrap();
    let mut data: cms::signed_data::SignedData = info.content.decode_as().unwrap();
    edit(&mut data);
    let content = der::Any::from_der(&data.to_der().unwrap()).unwrap();
    let der = cms::content_info::ContentInfo { content_type: info.content_type, content }.to_der().unwrap();
    let [_, alen, b, _] = byte_range(signed);
    let reserved = b - 1 - (alen + 1);
    let mut hex = hex::encode_upper(der).into_bytes();
    assert!(hex.len() <= reserved, "the edited CMS does not fit the reserved /Contents");
    hex.resize(reserved, b'0');
    let mut out = signed.to_vec();
    out[alen + 1..b - 1].copy_from_slice(&hex);
    out
}

pub(crate) fn certificate(pem: &str) -> x509_cert::Certificate {
    use der::DecodePem as _;
    x509_cert::Certificate::from_pem(pem.as_bytes()).unwrap()
}

#[test]
fn a_removed_signer_certificate_is_reported_as_missing_not_as_changed_bytes() {
    let signed = sign(&hello_pdf(), &ecdsa_signer(), when()).unwrap();
    for emptied in [true, false] {
        let tampered = with_cms(&signed, |data| {
            data.certificates = if emptied {
                None
            } else {
                // Another certificate in its place: the set is there, the signer's is not.
                let other = certificate(&generate("Someone Else", when()).unwrap().cert_pem);
                let mut set = der::asn1::SetOfVec::new();
                set.insert(cms::cert::CertificateChoices::Certificate(other)).unwrap();
                Some(cms::signed_data::CertificateSet(set))
            }
        });
        let v = verify(&tampered).unwrap();
        assert!(!v.is_valid());
        let s = &v.signatures[0];
        assert_eq!(s.status, SignatureStatus::SignerCertificateMissing, "{s:?}");
        assert!(s.status.describe().contains("signer's certificate is missing"), "{}", s.status.describe());
        assert!(!s.status.describe().contains("bytes changed"));
        assert!(
            s.problems.iter().any(|p| p.contains("missing from the CMS certificate set")
                && p.contains("CN=Jane Auditor")
                && (p.contains("which is empty") == emptied)),
            "{s:?}"
        );
        assert!(!s.problems.iter().any(|p| p.contains("signed bytes changed")), "{s:?}");
    }
}

#[test]
fn extra_certificates_in_the_cms_are_named_and_refused() {
    let signed = sign(&hello_pdf(), &ecdsa_signer(), when()).unwrap();
    let intruder = generate("Mallory Intruder", when()).unwrap();
    let tampered = with_cms(&signed, |data| {
        let set = data.certificates.as_mut().unwrap();
        set.0.insert(cms::cert::CertificateChoices::Certificate(certificate(&intruder.cert_pem))).unwrap();
    });
    let v = verify(&tampered).unwrap();
    let s = &v.signatures[0];
    // The signed bytes and the signature are untouched: only the unsigned certificate set grew.
    assert_eq!(s.status, SignatureStatus::Valid, "{s:?}");
    assert!(s.chain.is_empty(), "a self-signed signer has no chain: {s:?}");
    assert_eq!(
        s.extra_certificates,
        [CertificateSummary {
            subject: "CN=Mallory Intruder".into(),
            fingerprint_sha256: intruder.fingerprint_sha256.clone()
        }]
    );
    assert!(!v.is_valid(), "an unexpected certificate must not verify");
    assert!(verify(&signed).unwrap().signatures[0].extra_certificates.is_empty());
}

#[test]
fn an_issuer_chain_given_at_signing_is_listed_not_refused() {
    let ca_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca = rcgen::CertificateParams::default();
    ca.distinguished_name.push(rcgen::DnType::CommonName, "Example Signing CA");
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut leaf = rcgen::CertificateParams::default();
    leaf.distinguished_name.push(rcgen::DnType::CommonName, "Chained Auditor");
    let leaf_cert = leaf.signed_by(&key, &rcgen::Issuer::from_params(&ca, &ca_key)).unwrap();
    let signer = Signer::from_pem(&key.serialize_pem(), &format!("{}{}", leaf_cert.pem(), ca_cert.pem())).unwrap();
    let signed = sign(&hello_pdf(), &signer, when()).unwrap();
    let v = verify(&signed).unwrap();
    assert!(v.is_valid(), "{v:?}");
    let s = &v.signatures[0];
    assert_eq!(s.chain.len(), 1, "{s:?}");
    assert_eq!(s.chain[0].subject, "CN=Example Signing CA");
    assert!(s.extra_certificates.is_empty(), "{s:?}");
}

#[test]
fn bytes_prepended_to_a_signed_report_are_a_verification_failure() {
    let signed = sign(&hello_pdf(), &ecdsa_signer(), when()).unwrap();
    for prefix in [&b"x"[..], b"GARBAGE\n", &[0u8; 3000]] {
        let mut tampered = prefix.to_vec();
        tampered.extend_from_slice(&signed);
        let v = verify(&tampered).unwrap();
        assert!(!v.is_valid(), "{} prepended bytes", prefix.len());
        assert_eq!(v.bytes_before, prefix.len() as u64);
        assert!(v.problems.iter().any(|p| p.contains("before the %PDF- header")), "{:?}", v.problems);
        let s = &v.signatures[0];
        // The signed report after the prefix is intact; the file as a whole is not what was signed.
        assert_eq!(s.status, SignatureStatus::Valid, "{s:?}");
        assert!(!s.covers_whole_file && s.bytes_before == prefix.len() as u64, "{s:?}");
    }
}
