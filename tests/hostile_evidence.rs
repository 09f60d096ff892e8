//! Hostile and damaged evidence (issue 15): planted dates that would size the period or move an
//! as-of, and files whose damage must cost only what it touches. Fixtures under
//! `tests/fixtures/hostile/<case>/`; each test is named after the defect it guards.

use std::path::PathBuf;

use serde_json::Value;

use crate::common::*;

fn hostile(case: &str) -> PathBuf {
    crate_dir().join("tests/fixtures/hostile").join(case)
}

fn diagnostics(findings: &Value) -> Vec<(String, String, String)> {
    findings["inputs"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (text(&d["file"]), text(&d["locator"]), text(&d["message"]))
        })
        .collect()
}

fn notes(findings: &Value) -> Vec<String> {
    findings["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_string()).collect()
}

#[test]
fn far_off_event_times_do_not_size_the_period_or_the_coverage_grid() {
    let (findings, manifest, _, _, out) = analyze(&[&hostile("far-dates")], &[]);
    let period = &findings["period"];
    assert_eq!((&period["from"], &period["to"]), (&serde_json::json!("2026-07-01"), &serde_json::json!("2026-07-03")));
    // Two regions × three days, not millions of rows.
    let grid = std::fs::read_to_string(out.path().join("coverage.csv")).unwrap();
    assert_eq!(grid.lines().count(), 1 + 2 * 3, "{grid}");
    // The as-of is the evidence's, not the year 9999.
    assert_eq!(findings["as_of"], "2026-07-03T10:59:59Z");

    let diagnostics = diagnostics(&findings);
    let planted = diagnostics.iter().find(|(f, l, _)| f.ends_with("planted.json") && l == "record 1").unwrap();
    assert!(planted.2.contains("\"0001-01-01T00:00:00Z\" is before CloudTrail existed"), "{planted:?}");
    let delivered =
        diagnostics.iter().find(|(f, l, _)| f.ends_with("AbCdEfGhIjKlMnOp.json") && l == "record 2").unwrap();
    assert!(delivered.2.contains("after the file's own delivery time 2026-07-02T08:05:00Z"), "{delivered:?}");
    assert_eq!(manifest_entry(&manifest, "planted.json")["records_rejected"], 1);
    assert_eq!(manifest_entry(&manifest, "AbCdEfGhIjKlMnOp.json")["records_rejected"], 1);

    // 9999 in a file without a delivery time cannot be refused outright: it is named, and not coverage.
    let notes = notes(&findings);
    let outliers = notes.iter().find(|n| n.contains("dated far from the bulk")).expect("an outlier note");
    assert!(outliers.starts_with("CloudTrail: 1 records"), "{outliers}");
    assert!(outliers.contains("planted.json (eventTime 9999-12-31T23:59:59Z)"), "{outliers}");
}

#[test]
fn a_planted_date_beside_a_real_month_is_named_and_counted_as_an_event_only() {
    // A month of records (built here, not committed) and three planted ones in a file whose name
    // gives no delivery time: 2031 and 9999 are plausible instants, but far from everything else.
    let dir = tempfile::tempdir().unwrap();
    let record = |time: &str, id: usize, name: &str| {
        format!(
            r#"{{"eventTime":"{time}","eventName":"{name}","eventSource":"cloudtrail.amazonaws.com","awsRegion":"us-east-1","eventID":"00000000-0000-4000-8000-{id:012}","recipientAccountId":"111122223333","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"}}}}"#
        )
    };
    let mut records: Vec<String> =
        (0..300).map(|i| record(&format!("2026-07-{:02}T10:00:00Z", 1 + i % 30), i, "ListTrails")).collect();
    records.push(record("2031-07-01T00:00:00Z", 900, "ListTrails"));
    records.push(record("9999-12-31T23:59:59Z", 901, "StopLogging"));
    std::fs::write(dir.path().join("export.json"), format!(r#"{{"Records":[{}]}}"#, records.join(","))).unwrap();
    let (findings, _, _, _, out) = analyze(&[dir.path()], &[]);
    assert_eq!(
        (findings["period"]["from"].as_str(), findings["period"]["to"].as_str()),
        (Some("2026-07-01"), Some("2026-07-30"))
    );
    assert_eq!(std::fs::read_to_string(out.path().join("coverage.csv")).unwrap().lines().count(), 1 + 30);
    assert_eq!(findings["as_of"], "2026-07-30T10:59:59Z");
    let notes = notes(&findings);
    let outliers = notes.iter().find(|n| n.contains("dated far from the bulk")).expect("an outlier note");
    assert!(outliers.starts_with("CloudTrail: 2 records"), "{outliers}");
    assert!(outliers.contains("export.json (eventTime 9999-12-31T23:59:59Z)"), "{outliers}");
    // Still an event: the planted StopLogging is a finding an auditor must see.
    assert_eq!(status_of(&findings, "aws.cloudtrail.logging_tampered", "111122223333"), "fail");
}

#[test]
fn a_period_longer_than_ten_years_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let evidence = hostile("bom-log");
    let output = run(&[
        "analyze",
        evidence.to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--period",
        "0001-01-01..9999-12-31",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("spans 3652059 days") && stderr.contains("at most 3660 days"), "{stderr}");
    assert!(!out.path().join("coverage.csv").exists());
}

#[test]
fn a_cloudtrail_log_with_a_byte_order_mark_keeps_its_records() {
    let (findings, manifest, _, _, _) = analyze(&[&hostile("bom-log")], &[]);
    let entry = manifest_entry(&manifest, "windows-saved.json");
    assert_eq!((entry["kind"].as_str(), entry["used"].as_bool()), (Some("aws.cloudtrail.log"), Some(true)));
    assert_eq!((entry["records_read"].as_u64(), entry["records_rejected"].as_u64()), (Some(2), Some(0)));
    assert!(entry["reason"].is_null(), "{entry}");
    assert_eq!(
        (findings["period"]["from"].as_str(), findings["period"]["to"].as_str()),
        (Some("2026-07-01"), Some("2026-07-01"))
    );
}

#[test]
fn a_repeated_records_key_is_a_diagnostic_and_its_records_are_read() {
    let (findings, manifest, _, _, _) = analyze(&[&hostile("repeated-records")], &[]);
    let entry = manifest_entry(&manifest, "log.json");
    assert_eq!(entry["records_read"], 2);
    let diagnostics = diagnostics(&findings);
    let repeated = diagnostics.iter().find(|(_, l, _)| l == "key \"Records\"").expect("a diagnostic on Records");
    assert!(repeated.2.contains("occurs 2 times"), "{repeated:?}");
}

#[test]
fn a_planted_future_date_in_a_csv_report_does_not_move_the_as_of_or_flip_root_recent_use() {
    let (findings, _, _, _, _) = analyze(&[&hostile("planted-future")], &[]);
    // Root signed in on 2026-09-10, 15 days before the newest real date (2026-09-25): recent use.
    assert_eq!(status_of(&findings, "aws.iam.root_recent_use", "arn:aws:iam::210987654321:root"), "fail");
    let notes = notes(&findings);
    assert!(
        notes.iter().any(|n| n.contains("measured from 2026-09-25T09:00:00Z, the newest timestamp in the report")),
        "{notes:?}"
    );
    let outliers = notes.iter().find(|n| n.contains("not taken as its as-of")).expect("an outlier note");
    assert!(outliers.contains("line 5 (9999-12-31T00:00:00Z)"), "{outliers}");
    let diagnostics = diagnostics(&findings);
    assert!(diagnostics.iter().any(|(f, l, m)| f.ends_with("_credential_report.csv")
        && l == "line 5"
        && m.starts_with("9999-12-31T00:00:00Z lies more than 366 days after every other date")));
}

#[test]
fn a_nul_byte_or_an_unbalanced_quote_in_a_credential_report_costs_only_its_line() {
    let (findings, manifest, _, _, _) = analyze(&[&hostile("damaged-csv")], &[]);
    let entry = manifest_entry(&manifest, "_credential_report.csv");
    assert_eq!(entry["kind"], "aws.iam.credential_report (csv)");
    assert_eq!((entry["records_read"].as_u64(), entry["records_rejected"].as_u64()), (Some(8), Some(2)));
    // The other users are evaluated (root apart: it is not in this population).
    let users: std::collections::BTreeSet<&str> = results(&findings)
        .iter()
        .filter(|r| r["check"] == "aws.iam.inactive_user")
        .map(|r| r["resource"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(users, ["bob", "carol", "erin", "frank", "grace"].into_iter().collect());
    let diagnostics = diagnostics(&findings);
    let at = |line: &str| diagnostics.iter().find(|(_, l, _)| l == line).map(|d| d.2.clone()).unwrap_or_default();
    assert!(at("line 3").contains("unbalanced quote"), "{diagnostics:?}");
    assert!(at("line 6").contains("NUL byte"), "{diagnostics:?}");
}
