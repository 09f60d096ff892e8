//! A report over a large generated evidence set stays a readable deliverable: thousands of failed
//! results and 10,000 input files give a PDF of a few MB whose manifest pages summarise folders
//! instead of listing every file (manifest.json, embedded, keeps every file).

use std::path::Path;
use std::process::Command;

use crate::common;
use crate::common::gapscope_gen;

#[test]
fn thousands_of_findings_and_ten_thousand_files_make_a_compact_report() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("evidence");
    std::fs::create_dir_all(&evidence).unwrap();
    let report = evidence.join("credential_report.csv");
    let trail = evidence.join("cloudtrail");
    gapscope_gen(&[
        "credential-report",
        "--account",
        "111122223333",
        "--as-of",
        "2026-09-30T17:45:12Z",
        "--users",
        "3000",
        "--format",
        "csv",
        "--out",
        report.to_str().unwrap(),
    ]);
    gapscope_gen(&[
        "cloudtrail",
        "--out",
        trail.to_str().unwrap(),
        "--from",
        "2026-09-01",
        "--to",
        "2026-09-30",
        "--files-per-day",
        "84",
        "--events-per-file",
        "1",
        "--no-config",
    ]);
    let (findings, manifest, _, _, out) = common::analyze(&[&evidence], &[]);
    let failed = common::results(&findings).iter().filter(|r| r["status"] == "fail").count();
    let inputs = manifest["files"].as_array().unwrap().len();
    assert!(failed >= 2000, "only {failed} failed results: not a large report");
    assert!(inputs > 10_000, "only {inputs} inputs");

    let pdf = out.path().join("report.pdf");
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 8_000_000, "report.pdf is {size} bytes");
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo (poppler-utils) runs");
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo: {info}"));
    // The register lists the first 200 failed results per check (gap-register.csv has them all); the
    // manifest must not add a page per few dozen files.
    let text = pdftotext(&pdf);
    let manifest_pages = text
        .split('\u{c}')
        .skip_while(|p| !p.contains("Evidence manifest"))
        .take_while(|p| !p.contains("Signature and verification"))
        .count();
    assert!(manifest_pages <= 3, "the manifest takes {manifest_pages} of {pages} pages");
    assert!(text.contains("summarised in"), "the manifest is not summarised per folder");
    // About 27 failed results a page in the register, plus the other sections.
    assert!(pages < failed / 20 + 40, "{pages} pages for {failed} failed results");
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
