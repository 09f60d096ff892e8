//! Issue 15, item 5: a large credential population must not make the PDF grow without bound (a
//! million users gave a register of millions of lines and an abort past 10 GB). Past a bound per
//! list the PDF shows the first rows and a count; gap-register.csv and findings.json keep every
//! result. A moderate population crosses the bound here (200 rows per list), not a million users.

use std::collections::BTreeMap;
use std::process::Command;

use crate::common;
use crate::common::gapscope_gen;

/// The bound the PDF cuts lists at (`report::compose::LIST_ROWS`).
const LIST_ROWS: usize = 200;

#[test]
fn a_population_past_the_pdf_list_bound_is_counted_in_the_pdf_and_listed_whole_in_the_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("credential_report.csv");
    gapscope_gen(&[
        "credential-report",
        "--account",
        "111122223333",
        "--as-of",
        "2026-09-30T17:45:12Z",
        "--users",
        "1500",
        "--format",
        "csv",
        "--out",
        report.to_str().unwrap(),
    ]);
    let (findings, _, register, _, out) = common::analyze(&[&report], &[]);

    // Failed results per check in findings.json, and the register's rows per check.
    let mut failed: BTreeMap<String, usize> = BTreeMap::new();
    for r in common::results(&findings).iter().filter(|r| r["status"] == "fail") {
        *failed.entry(r["check"].as_str().unwrap().to_string()).or_default() += 1;
    }
    let mut listed: BTreeMap<String, usize> = BTreeMap::new();
    let mut csv = csv::Reader::from_reader(register.as_bytes());
    for row in csv.records() {
        *listed.entry(row.unwrap()[1].to_string()).or_default() += 1;
    }
    assert_eq!(listed, failed, "gap-register.csv does not list every failed result");
    let (check, &most) = failed.iter().max_by_key(|(_, n)| **n).unwrap();
    assert!(most > LIST_ROWS, "{check} fails only {most} times: the bound is not crossed");

    let pdf = out.path().join("report.pdf");
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils) runs");
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = failed.values().filter(|n| **n > LIST_ROWS).count();
    for (check, n) in failed.iter().filter(|(_, n)| **n > LIST_ROWS) {
        let said = format!("The first {LIST_ROWS} of {} are shown; {} more", thousands(*n), thousands(n - LIST_ROWS));
        assert!(text.contains(&said), "the register does not say how many of {check}'s {n} failures it leaves out");
    }
    let pointers = text.matches("The full list is in gap-register.csv and findings.json").count();
    assert!(pointers >= cut, "{pointers} pointers to the full list for {cut} cut lists");

    // Every register line beyond the bound is left out: a few pages per check, not one per 27 results.
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo (poppler-utils) runs");
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|p| p.trim().parse().ok()).unwrap();
    let shown: usize = failed.values().map(|n| (*n).min(LIST_ROWS)).sum();
    assert!(pages <= shown / 20 + 30, "{pages} pages for {shown} register lines shown");
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
