use super::evidence::{folder_hash, summary_folder};
use super::{report_id, thousands};

#[test]
fn date_folders_collapse_into_their_region() {
    let path = "ev/AWSLogs/123456789012/CloudTrail/eu-west-1/2026/09/30/123456789012_CloudTrail_eu-west-1_x.json.gz";
    assert_eq!(summary_folder(path), "ev/AWSLogs/123456789012/CloudTrail/eu-west-1");
    assert_eq!(summary_folder("client.zip!iam/report.json"), "client.zip!iam");
    assert_eq!(summary_folder("client.zip!report.json"), "client.zip");
    assert_eq!(summary_folder("report.csv"), "");
    // A folder that is only digits at the top is kept: there is nothing to collapse it into.
    assert_eq!(summary_folder("2026/report.csv"), "2026");
}

#[test]
fn folder_hash_is_sha256_of_sorted_lines() {
    let got = folder_hash(["bb", "aa"]);
    assert_eq!(got, folder_hash(["aa", "bb"]));
    // The manifest page says how to recompute it: sorted digests, one per line, through sha256sum.
    let out = std::process::Command::new("sh").arg("-c").arg("printf 'aa\\nbb\\n' | sha256sum").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.split_whitespace().next(), Some(got.as_str()));
}

#[test]
fn counts_read_with_thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(1_234_567), "1,234,567");
}

#[test]
fn report_id_comes_from_the_findings_hash() {
    assert_eq!(report_id("0123456789abcdef"), "GS-0123456789AB");
    assert_eq!(report_id("abc"), "GS-ABC");
}

/// A failed result of `check` on `resource`, as `results::build` makes them.
fn failed(check: &'static str, resource: &str) -> crate::results::CheckResult {
    use std::sync::Arc;
    crate::results::CheckResult {
        check,
        status: crate::checks::Status::Fail,
        severity: crate::catalog::Severity::Medium,
        resource: Arc::from(resource),
        account: Some(Arc::from("111122223333")),
        region: None,
        detail: Arc::from("active key last rotated 2025-08-26"),
        soc2: Arc::from(vec!["CC6.1".to_string()]),
        cis_aws: Arc::from(Vec::new()),
        evidence: Box::new([]),
        exception: None,
    }
}

/// The register of `results` composed with lists cut at `list_rows`: its tables' rows and its texts.
fn register_of(results: &[crate::results::CheckResult], list_rows: usize) -> (Vec<usize>, Vec<String>) {
    use crate::report::document::Block;
    let template = crate::report::template::ReportTemplate::embedded().unwrap();
    let catalog = crate::catalog::Catalog::embedded().unwrap();
    let thresholds = crate::config::Thresholds::default();
    let facts = crate::facts::Facts::default();
    let input = super::ReportInput {
        template: &template,
        catalog: &catalog,
        thresholds: &thresholds,
        engagement: None,
        generated_by: "gapscope test",
        as_of: None,
        period: None,
        period_findings: None,
        facts: &facts,
        results,
        exceptions: &[],
        notes: &[],
        artifacts: &[],
        entries: &[],
        diagnostics: &[],
        coverage_grid: &[],
        activity: &[],
        manifest_sha256: "",
        findings_sha256: "",
        signer: None,
        created: chrono::DateTime::default(),
        list_rows,
    };
    let document = super::compose(&input);
    let register = document.sections.iter().find(|s| s.title == template.text("register", "title", &[])).unwrap();
    let mut rows = Vec::new();
    let mut texts = Vec::new();
    for block in &register.blocks {
        match block {
            Block::Table(table) => rows.push(table.rows.len()),
            Block::Callout(callout) => texts.push(callout.text.clone()),
            Block::Paragraph(text) => texts.push(text.clone()),
            _ => {}
        }
    }
    (rows, texts)
}

#[test]
fn a_register_past_the_list_bound_shows_its_first_rows_and_counts_the_rest() {
    let results: Vec<_> = (0..5)
        .map(|i| failed("aws.iam.access_key_rotation", &format!("arn:aws:iam::1:user/u{i}#access_key_1")))
        .collect();
    let (rows, texts) = register_of(&results, 2);
    assert_eq!(rows, [2], "the register's table is not cut to the bound");
    let said = texts.iter().find(|t| t.starts_with("The first 2 of 5 are shown")).expect("no count of the rest");
    assert!(said.contains("3 more") && said.contains("gap-register.csv") && said.contains("findings.json"), "{said}");

    // At or under the bound the list is whole and says nothing more.
    let (rows, texts) = register_of(&results, 5);
    assert_eq!(rows, [5]);
    assert!(texts.iter().all(|t| !t.contains("are shown")), "{texts:?}");
}
