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
    let document = document_of(results, None, list_rows);
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

/// The document composed from `results` and `period`, lists cut at `list_rows`.
fn document_of(
    results: &[crate::results::CheckResult],
    period: Option<&crate::period::PeriodFindings>,
    list_rows: usize,
) -> crate::report::document::Document {
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
        period_findings: period,
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
    super::compose(&input)
}

/// A year of security-group snapshots (July and August missing) with sg-1 failing March 5 to
/// May 2 and an evidence gap over the missing months.
fn period_with_a_closed_exception() -> crate::period::PeriodFindings {
    use crate::checks::Status;
    use crate::period::Basis;
    use crate::report::timeline::tests::{control, violation, year};
    let v = violation("2026-03-05T10:00:00Z", Some("2026-05-02T08:00:00Z"), Basis::Cloudtrail);
    year(vec![
        control("sg-1", &[("2026-01-31T12:00:00Z", Status::Pass)], vec![v], &[("2026-07-01", "2026-09-29")]),
        control("sg-2", &[("2026-01-31T12:00:00Z", Status::Pass)], vec![], &[]),
    ])
}

/// The criteria grid's rows as (criterion, period verdict, its tone).
fn period_column(document: &crate::report::document::Document) -> Vec<(String, String, crate::report::document::Tone)> {
    use crate::report::document::Block;
    let summary = &document.sections[0];
    let grid = summary
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) if t.columns.first().is_some_and(|c| c.title == "Criterion") => Some(t),
            _ => None,
        })
        .next()
        .expect("no criteria grid");
    assert_eq!(grid.columns.last().map(|c| c.title.as_str()), Some("Period"));
    grid.rows.iter().map(|r| (r[0].text.clone(), r[r.len() - 1].text.clone(), r[r.len() - 1].tone)).collect()
}

#[test]
fn a_criterions_period_verdict_is_exception_over_not_evidenced_over_operated() {
    use super::summary::period_verdict;
    use crate::period::Verdict::{Exception, NotEvidenced, Operated};
    use crate::report::document::Tone;
    assert_eq!(period_verdict([Operated, NotEvidenced, Exception, Operated]), ("exceptions noted", Tone::Bad));
    assert_eq!(period_verdict([Exception]), ("exceptions noted", Tone::Bad));
    assert_eq!(period_verdict([Operated, NotEvidenced]), ("not evidenced", Tone::Muted));
    assert_eq!(period_verdict([Operated, Operated]), ("operated", Tone::Good));
    // Nothing evaluated over the period evidences nothing.
    assert_eq!(period_verdict([]), ("not evidenced", Tone::Muted));
}

#[test]
fn the_criteria_grid_gives_each_criterion_the_verdict_of_its_checks_period_controls() {
    use crate::checks::Status;
    use crate::report::document::Tone;
    use crate::report::timeline::tests::control;
    let mut period = period_with_a_closed_exception();
    // CC6.1: console MFA not evidenced for one user; CC7.3: log file validation operated.
    let mut mfa = control("arn:aws:iam::111111111111:user/alice", &[], vec![], &[("2026-07-01", "2026-09-29")]);
    mfa.check = "aws.iam.console_user_mfa";
    let mut validation = control("main-trail", &[("2026-01-31T12:00:00Z", Status::Pass)], vec![], &[]);
    validation.check = "aws.cloudtrail.log_file_validation";
    period.controls.extend([mfa, validation]);
    let column = period_column(&document_of(&[], Some(&period), 200));
    let of = |criterion: &str| column.iter().find(|(c, _, _)| c == criterion).map(|(_, v, t)| (v.as_str(), *t));
    assert_eq!(of("CC6.6"), Some(("exceptions noted", Tone::Bad)), "sg-1 failed during the period: {column:?}");
    assert_eq!(of("CC6.1"), Some(("not evidenced", Tone::Muted)));
    assert_eq!(of("CC7.3"), Some(("operated", Tone::Good)));
    // CC7.2's checks (trail logging, archive gaps) have no period control here.
    assert_eq!(of("CC7.2"), Some(("not evidenced", Tone::Muted)));

    // Without a period analysis the column is there and says nothing.
    let column = period_column(&document_of(&[], None, 200));
    assert!(column.iter().all(|(_, v, _)| v == "-"), "{column:?}");
}

#[test]
fn the_observation_period_section_follows_the_summary_with_grid_lanes_and_exceptions() {
    use crate::report::document::{Block, Tone};
    let period = period_with_a_closed_exception();
    let document = document_of(&[], Some(&period), 200);
    let section = &document.sections[1];
    assert_eq!(section.title, "Observation period", "placed after the executive summary");
    let text: Vec<&str> = section
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(t) | Block::Heading(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert!(text.iter().any(|t| t.contains("2026-01-01..2026-12-31") && t.contains("every 31 days")), "{text:?}");
    assert!(text.contains(&"Exceptions during the period"), "{text:?}");

    let grid = section.blocks.iter().find_map(|b| if let Block::Grid(g) = b { Some(g) } else { None }).unwrap();
    assert_eq!(grid.row_labels, ["111111111111 · aws.ec2.describe_security_groups"]);
    assert_eq!(grid.column_labels.len(), 12);
    assert_eq!(grid.column_labels[7], "Aug 2026");
    let row = &grid.cells[0];
    assert_eq!((row[2].text.as_str(), row[2].tone), ("1", Tone::Good), "March has its snapshot");
    assert_eq!((row[7].text.as_str(), row[7].tone), ("0", Tone::Bad), "August lies in the evidence gap");
    assert_eq!(row[8].tone, Tone::Good, "September 30 is dated in September");

    let lanes: Vec<_> =
        section.blocks.iter().filter_map(|b| if let Block::Swimlanes(s) = b { Some(s) } else { None }).collect();
    assert_eq!(lanes.len(), 1, "one check had violations");
    assert!(lanes[0].title.contains("aws.ec2.sg_open_admin_ports"), "{}", lanes[0].title);
    assert_eq!(lanes[0].lanes.len(), 1, "sg-2 never failed: no lane");
    let lane = &lanes[0].lanes[0];
    assert_eq!(lane.label, "sg-1 (111111111111)");
    let red: Vec<_> = lane.bars.iter().filter(|b| b.tone == Tone::Bad).collect();
    assert_eq!(red.len(), 1);
    assert_eq!(crate::timefmt::format_instant(red[0].from), "2026-03-05T10:00:00Z");
    assert_eq!(lane.bars.iter().filter(|b| b.tone == Tone::Muted).count(), 1, "the gap is grey");

    let table = section.blocks.iter().rev().find_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).unwrap();
    let cells: Vec<&str> = table.rows[0].iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        cells,
        [
            "aws.ec2.sg_open_admin_ports",
            "sg-1 (111111111111)",
            "2026-03-05T10:00:00Z",
            "2026-05-02T08:00:00Z",
            // March 5..31, April, May 1..2.
            "59",
            "cloudtrail",
            "trail/2026/03/05/x.json.gz (0123456789ab, record 4)",
        ]
    );

    // No period analysis, no section.
    let without = document_of(&[], None, 200);
    assert!(without.sections.iter().all(|s| s.title != "Observation period"));
}

#[test]
fn exceptions_during_the_period_past_the_bound_are_cut_and_counted() {
    use crate::checks::Status;
    use crate::period::Basis;
    use crate::report::document::Block;
    use crate::report::timeline::tests::{control, violation, year};
    let controls = (0..5)
        .map(|i| {
            let v = violation("2026-03-05T10:00:00Z", None, Basis::Snapshots);
            control(&format!("sg-{i}"), &[("2026-03-31T12:00:00Z", Status::Fail)], vec![v], &[])
        })
        .collect();
    let document = document_of(&[], Some(&year(controls)), 2);
    let section = &document.sections[1];
    let table = section.blocks.iter().rev().find_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).unwrap();
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0][3].text, "open at the end");
    let said: Vec<&str> = section
        .blocks
        .iter()
        .filter_map(|b| if let Block::Callout(c) = b { Some(c.text.as_str()) } else { None })
        .collect();
    assert!(said.iter().any(|t| t.starts_with("The first 2 of 5") && t.contains("timeline.csv")), "{said:?}");
}

#[test]
fn an_interval_touches_every_utc_day_from_its_start_to_the_second_before_its_end() {
    use super::period::days_touched;
    let at = crate::report::timeline::tests::at;
    assert_eq!(days_touched(at("2026-03-05T10:00:00Z"), at("2026-05-02T08:00:00Z")), 59);
    assert_eq!(days_touched(at("2026-03-05T10:00:00Z"), at("2026-03-06T00:00:00Z")), 1);
    assert_eq!(days_touched(at("2026-03-05T10:00:00Z"), at("2026-03-06T00:00:01Z")), 2);
    assert_eq!(days_touched(at("2026-03-05T10:00:00Z"), at("2026-03-05T10:00:00Z")), 1);
}
