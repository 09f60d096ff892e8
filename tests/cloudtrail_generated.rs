//! CloudTrail end to end on archives written by the project's generator (`gapscope-gen cloudtrail`):
//! every planted gap, blind region, event, duplicate, damaged file and digest problem must be found
//! exactly where the generator's own `planted.json` says, and nowhere else.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::*;

const A: &str = "111122223333";
const B: &str = "444455556666";

fn generate(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "cloudtrail",
        "--seed",
        "5",
        "--accounts",
        "111122223333,444455556666",
        "--regions",
        "us-east-1,eu-west-1",
        "--from",
        "2026-09-01",
        "--to",
        "2026-09-07",
        "--files-per-day",
        "6",
        "--events-per-file",
        "20",
    ];
    args.extend_from_slice(extra);
    args.extend(["--out", dir.to_str().unwrap()]);
    gapscope_gen(&args);
    serde_json::from_slice(&std::fs::read(dir.join("planted.json")).unwrap()).unwrap()
}

fn of_check<'a>(findings: &'a Value, check: &str) -> Vec<&'a Value> {
    results(findings).iter().filter(|r| r["check"] == check).collect()
}

fn failing(findings: &Value, check: &str) -> BTreeSet<String> {
    of_check(findings, check)
        .iter()
        .filter(|r| r["status"] == "fail")
        .map(|r| r["resource"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn planted_gaps_events_damage_and_digest_problems_are_found_where_planted() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("evidence");
    let planted = generate(
        &archive,
        &[
            "--gap",
            "111122223333/eu-west-1/2026-09-03..2026-09-04",
            "--blind-region",
            "ap-south-1",
            "--plant",
            "root@111122223333/us-east-1/2026-09-02",
            "--plant",
            "console-no-mfa@444455556666/eu-west-1/2026-09-05",
            "--plant",
            "console-mfa@111122223333/eu-west-1/2026-09-05",
            "--plant",
            "stop-logging@111122223333/us-east-1/2026-09-06",
            "--plant",
            "kms-disable@444455556666/us-east-1/2026-09-03",
            "--plant",
            "sg-change@444455556666/eu-west-1/2026-09-04",
            "--duplicates",
            "3",
            "--truncate",
            "1",
            "--fake-gz",
            "1",
            "--trailing-garbage",
            "1",
            "--not-json",
            "1",
            "--zip-region",
            "444455556666/us-east-1",
            "--digests",
            "--alter-log",
            "1",
        ],
    );
    let (findings, manifest, _, _, out) = analyze(&[&archive], &[]);

    // Coverage: every cell with records has the generator's distinct-record and file counts, and
    // no other cell has records.
    let csv = std::fs::read_to_string(out.path().join("coverage.csv")).unwrap();
    let ours: BTreeSet<String> = csv.lines().skip(1).filter(|l| !l.ends_with(",0,0")).map(str::to_string).collect();
    let theirs: BTreeSet<String> = planted["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{},{},{},{},{}",
                c["account"].as_str().unwrap(),
                c["region"].as_str().unwrap(),
                c["day"].as_str().unwrap(),
                c["records"],
                c["files"]
            )
        })
        .collect();
    assert_eq!(ours, theirs);

    // The planted gap and nothing else; the blind region in both accounts and nothing else.
    assert_eq!(failing(&findings, "aws.cloudtrail.archive_region_gap"), BTreeSet::from([format!("{A}/eu-west-1")]));
    let gap =
        of_check(&findings, "aws.cloudtrail.archive_region_gap").into_iter().find(|r| r["status"] == "fail").unwrap();
    assert!(gap["detail"].as_str().unwrap().contains("2026-09-03..2026-09-04"), "{}", gap["detail"]);
    assert_eq!(
        failing(&findings, "aws.cloudtrail.archive_region_missing"),
        BTreeSet::from([format!("{A}/ap-south-1"), format!("{B}/ap-south-1")])
    );

    // Planted events, each in its account only, named by eventID.
    let event_id = |kind: &str| -> String {
        let plant = planted["planted"].as_array().unwrap().iter().find(|p| p["kind"] == kind).unwrap();
        plant["event_id"].as_str().unwrap().to_string()
    };
    for (check, kind, account) in [
        ("aws.cloudtrail.root_activity", "root", A),
        ("aws.cloudtrail.logging_tampered", "stop-logging", A),
        ("aws.cloudtrail.kms_key_disabled", "kms-disable", B),
    ] {
        assert_eq!(failing(&findings, check), BTreeSet::from([account.to_string()]), "{check}");
        let result = of_check(&findings, check).into_iter().find(|r| r["status"] == "fail").unwrap();
        assert!(result["detail"].as_str().unwrap().contains(&event_id(kind)), "{check}: {}", result["detail"]);
    }
    let no_mfa = planted["planted"].as_array().unwrap().iter().find(|p| p["kind"] == "console-no-mfa").unwrap();
    assert_eq!(
        failing(&findings, "aws.cloudtrail.console_login_without_mfa"),
        BTreeSet::from([no_mfa["principal_arn"].as_str().unwrap().to_string()])
    );
    let with_mfa = planted["planted"].as_array().unwrap().iter().find(|p| p["kind"] == "console-mfa").unwrap();
    assert_eq!(
        status_of(&findings, "aws.cloudtrail.console_login_without_mfa", with_mfa["principal_arn"].as_str().unwrap()),
        "pass"
    );
    let sg: Vec<&Value> = findings["activity"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["check"] == "aws.cloudtrail.security_group_changes")
        .collect();
    assert_eq!(sg.len(), 1);
    assert_eq!(
        (sg[0]["account"].as_str(), sg[0]["region"].as_str(), sg[0]["count"].as_u64()),
        (Some(B), Some("eu-west-1"), Some(1))
    );

    // Duplicates dropped, counted as the generator wrote them.
    let duplicates = planted["totals"]["duplicates_readable"].as_u64().unwrap();
    let note =
        findings["notes"].as_array().unwrap().iter().find(|n| n.as_str().unwrap().starts_with("CloudTrail: ")).unwrap();
    assert!(note.as_str().unwrap().contains(&format!("{duplicates} duplicate deliveries")), "{note}");
    assert!(note.as_str().unwrap().contains(&format!("{} counted", planted["totals"]["distinct_event_ids"])), "{note}");

    // Damaged files: the truncated one keeps the records before the break; the rest are listed.
    for damaged in planted["damaged"].as_array().unwrap() {
        let file = damaged["file"].as_str().unwrap();
        let name = file.rsplit('/').next().unwrap();
        let entry = manifest_entry(&manifest, name);
        let reason = entry["reason"].as_str().unwrap_or("");
        match damaged["damage"].as_str().unwrap() {
            "truncated" => {
                assert_eq!(entry["records_read"], damaged["records_before_damage"], "{entry}");
                assert!(reason.contains("gzip stream damaged"), "{reason}");
            }
            "trailing_garbage" => {
                assert_eq!(entry["records_read"], damaged["records_in_file"]);
                assert!(reason.contains("follow the end of the gzip stream"), "{reason}");
            }
            "fake_gz" | "not_json" => assert_eq!(entry["used"], false, "{entry}"),
            other => panic!("unexpected damage {other}"),
        }
    }

    // One region's logs came in a zip, read member by member.
    let zip = planted["zip"]["path"].as_str().unwrap();
    let members = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().contains(&format!("{zip}!AWSLogs/")))
        .count();
    assert_eq!(members as u64, planted["zip"]["members"].as_u64().unwrap());

    // The altered log file fails integrity in its account/region, named.
    let integrity = failing(&findings, "aws.cloudtrail.log_integrity");
    let altered = of_check(&findings, "aws.cloudtrail.log_integrity")
        .into_iter()
        .find(|r| r["detail"].as_str().unwrap().contains("altered"))
        .expect("an altered log file is reported");
    assert_eq!(altered["status"], "fail");
    assert!(integrity.contains(altered["resource"].as_str().unwrap()));
    // Trail configuration as planted: multi-region, logging, validated, KMS, all management events.
    for account in [A, B] {
        assert_eq!(status_of(&findings, "aws.cloudtrail.multi_region_trail", account), "pass");
        assert_eq!(status_of(&findings, "aws.cloudtrail.management_events", account), "pass");
    }
}

#[test]
fn planted_misconfiguration_fails_the_trail_checks_of_that_account_only() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("evidence");
    generate(&archive, &["--trail-not-logging", A, "--no-validation", B, "--no-kms", B, "--write-only-selectors", B]);
    let (findings, _, _, _, _) = analyze(&[&archive], &[]);
    let trail_of = |check: &str, account: &str| -> String {
        of_check(&findings, check).into_iter().find(|r| r["account"] == account).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        (trail_of("aws.cloudtrail.trail_logging", A), trail_of("aws.cloudtrail.trail_logging", B)),
        ("fail".into(), "pass".into())
    );
    assert_eq!(trail_of("aws.cloudtrail.log_file_validation", B), "fail");
    assert_eq!(trail_of("aws.cloudtrail.log_file_validation", A), "pass");
    assert_eq!(trail_of("aws.cloudtrail.kms_encryption", B), "fail");
    assert_eq!(trail_of("aws.cloudtrail.kms_encryption", A), "pass");
    assert_eq!(status_of(&findings, "aws.cloudtrail.multi_region_trail", A), "fail");
    assert_eq!(status_of(&findings, "aws.cloudtrail.multi_region_trail", B), "pass");
    assert_eq!(status_of(&findings, "aws.cloudtrail.management_events", B), "fail");
}
