//! Hostile values on the command line, in the environment and in gapscope.toml, and tampered signed
//! reports handed to `gapscope verify` (issue 15, items 4, 17, 18): each is refused with a message that
//! names the value, with the exit code the README gives (1 did not verify, 2 usage error).

use std::path::{Path, PathBuf};
use std::process::Output;

use chrono::{TimeZone as _, Utc};

use crate::common::{bin, crate_dir, run};

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn fixture(name: &str) -> PathBuf {
    crate_dir().join("tests/fixtures/hostile").join(name)
}

/// A folder holding one small unrecognised file: evidence that is cheap to walk.
fn tiny_evidence() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("note.txt"), b"not evidence\n").unwrap();
    dir
}

#[test]
fn jobs_beyond_the_maximum_are_a_usage_error() {
    let evidence = tiny_evidence();
    let root = evidence.path().to_str().unwrap();
    for jobs in ["18446744073709551615", "1000000", "257", "0", "-1", "many"] {
        let start = std::time::Instant::now();
        let out = run(&["inventory", root, &format!("--jobs={jobs}")]);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(2), "--jobs {jobs}: {said}");
        assert!(said.contains("--jobs") && said.contains("1") && said.contains("256"), "{said}");
        // Refused at parsing: no thread was started, nothing hung.
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "--jobs {jobs} took {:?}", start.elapsed());
    }
    let ok = run(&["inventory", root, "--jobs", "256"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let help = text(&run(&["analyze", "--help"]));
    assert!(help.contains("1 to 256"), "--help documents the range: {help}");
}

#[test]
fn global_admins_min_above_max_is_refused() {
    let evidence = tiny_evidence();
    let config = fixture("config-thresholds/admins-min-above-max.toml");
    let out = run(&["inventory", evidence.path().to_str().unwrap(), "--config", config.to_str().unwrap()]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("admins-min-above-max.toml"), "the message names the file: {said}");
    assert!(said.contains("global_admins_min = 5") && said.contains("global_admins_max = 3"), "{said}");
}

#[test]
fn a_zero_threshold_that_disables_a_check_is_refused() {
    let evidence = tiny_evidence();
    let config = fixture("config-thresholds/zero-retention.toml");
    let out = run(&["inventory", evidence.path().to_str().unwrap(), "--config", config.to_str().unwrap()]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("log_retention_days = 0") && said.contains("1 to 36500 days"), "{said}");
}

fn keygen_with_epoch(epoch: &str) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .env("SOURCE_DATE_EPOCH", epoch)
        .args(["keygen", "--out", dir.path().to_str().unwrap(), "--name", "Epoch Tester"])
        .output()
        .unwrap();
    (out, dir)
}

#[test]
fn negative_source_date_epoch_is_refused() {
    for epoch in ["-1", "-86400", "+1790000000", "1.5"] {
        let (out, dir) = keygen_with_epoch(epoch);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(2), "SOURCE_DATE_EPOCH={epoch}: {said}");
        assert!(said.contains("SOURCE_DATE_EPOCH") && said.contains("non-negative"), "{said}");
        assert!(!dir.path().join("key.pem").exists(), "nothing is written after a refused value");
    }
    let evidence = tiny_evidence();
    let out_dir = tempfile::tempdir().unwrap();
    let out = bin()
        .env("SOURCE_DATE_EPOCH", "-1")
        .args(["analyze", evidence.path().to_str().unwrap(), "-o", out_dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn empty_source_date_epoch_is_unset() {
    let (out, dir) = keygen_with_epoch("");
    assert_eq!(out.status.code(), Some(0), "an empty SOURCE_DATE_EPOCH is unset: {}", text(&out));
    assert!(dir.path().join("cert.pem").exists());
}

// ---- gapscope verify on tampered reports ----

/// A one-page PDF signed by a fresh self-signed key, with the generator's path to a PDF skipped.
fn signed_pdf() -> Vec<u8> {
    use lopdf::{Document, Object, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).unwrap();
    let when = Utc.with_ymd_and_hms(2026, 9, 30, 17, 45, 12).single().unwrap();
    let g = gapscope::signing::generate("Hostile Verify", when).unwrap();
    let signer = gapscope::signing::Signer::from_pem(&g.key_pem, &g.cert_pem).unwrap();
    gapscope::signing::sign(&pdf, &signer, when).unwrap()
}

fn verify_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Output {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    run(&["verify", path.to_str().unwrap()])
}

#[test]
fn a_signed_report_with_bytes_prepended_fails_verification_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let signed = signed_pdf();
    let ok = verify_bytes(dir.path(), "ok.pdf", &signed);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let mut prepended = b"#!/bin/sh\n".to_vec();
    prepended.extend_from_slice(&signed);
    let out = verify_bytes(dir.path(), "prepended.pdf", &prepended);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("10 byte(s) before the %PDF- header were added"), "{said}");
    assert!(said.contains("covers the whole file: NO: 10 byte(s) before"), "{said}");
    assert!(said.contains("verified: FAILED"), "{said}");
}

#[test]
fn a_file_that_is_no_pdf_fails_verification_and_a_missing_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = verify_bytes(dir.path(), "notes.pdf", b"meeting notes, not a report\n");
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("not a readable PDF") && said.contains("verified: FAILED"), "{said}");
    let signed = signed_pdf();
    let out = verify_bytes(dir.path(), "truncated.pdf", &signed[..signed.len() / 2]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let missing = run(&["verify", dir.path().join("absent.pdf").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    assert!(text(&missing).contains("absent.pdf"), "{}", text(&missing));
}

#[test]
fn verify_names_a_missing_signer_certificate_and_unexpected_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let signed = signed_pdf();
    let removed = crate::signing::with_cms(&signed, |data| data.certificates = None);
    let out = verify_bytes(dir.path(), "removed.pdf", &removed);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("signature: INVALID: the signer's certificate is missing"), "{said}");
    assert!(!said.contains("signed bytes changed"), "{said}");

    let intruder =
        gapscope::signing::generate("Mallory Intruder", Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()).unwrap();
    let added = crate::signing::with_cms(&signed, |data| {
        let set = data.certificates.as_mut().unwrap();
        let cert = crate::signing::certificate(&intruder.cert_pem);
        set.0.insert(cms::cert::CertificateChoices::Certificate(cert)).unwrap();
    });
    let out = verify_bytes(dir.path(), "added.pdf", &added);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("signature: valid"), "the signed bytes themselves are intact: {said}");
    assert!(
        said.contains(&format!(
            "UNEXPECTED certificate: CN=Mallory Intruder (SHA-256 {})",
            intruder.fingerprint_sha256
        )),
        "{said}"
    );
    assert!(said.contains("verified: FAILED") && said.contains("unrelated to its signer"), "{said}");
}
