//! CloudTrail end to end on real public exports (`tests/realdata`). Expected numbers were
//! counted independently with jq over the same files (commands in the comments), not taken from
//! gapscope's own output.

use serde_json::Value;

use crate::common::*;

fn grycap() -> std::path::PathBuf {
    realdata().join("grycap-cloudtrail-tracker")
}

fn coverage_of<'a>(findings: &'a Value, region: &str) -> &'a Value {
    findings["coverage"].as_array().unwrap().iter().find(|c| c["region"] == region).unwrap()
}

#[test]
fn grycap_archive_counts_duplicates_coverage_and_detections() {
    let (findings, manifest, _, _, out) = analyze(&[&grycap()], &[]);
    // find AWSLogs modified -name '*.json.gz' | xargs zcat | jq '.Records[]' → 17,602 + 11 records;
    // `jq -r .eventID | sort | uniq -d`: 4 duplicates in AWSLogs, and 9 of the 11 records of the
    // hand-edited copy are unchanged copies of the original file's.
    let notes: Vec<&str> = findings["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(
        notes.contains(
            &"CloudTrail: 17613 records read, 17600 counted, 13 duplicate deliveries (same eventID and content) dropped"
        ),
        "{notes:?}"
    );
    // 1,071 + 1 log files, all read as CloudTrail; MANIFEST.tsv and the source's LICENSE are listed as unused.
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.iter().filter(|f| f["kind"] == "aws.cloudtrail.log" && f["used"] == true).count(), 1072);
    assert_eq!(files.iter().filter(|f| f["used"] == false).count(), 2);

    // jq -r '.Records[] | [.eventID, .awsRegion, .eventTime[0:10]] | @tsv' | sort -u → per region:
    // sa-east-1 1,746 records on 64 days, us-east-1 15,854 records on 4 days; 2014-05-10..2018-05-09.
    assert_eq!(
        (findings["period"]["from"].as_str(), findings["period"]["to"].as_str()),
        (Some("2014-05-10"), Some("2018-05-09"))
    );
    let sa = coverage_of(&findings, "sa-east-1");
    assert_eq!(
        (sa["records"].as_u64(), sa["days_covered"].as_u64(), sa["days_in_period"].as_u64()),
        (Some(1746), Some(64), Some(1461))
    );
    let us = coverage_of(&findings, "us-east-1");
    assert_eq!((us["records"].as_u64(), us["days_covered"].as_u64()), (Some(15854), Some(4)));
    assert_eq!(us["gaps"][0], serde_json::json!(["2014-05-11", "2014-09-25"]));
    assert_eq!(status_of(&findings, "aws.cloudtrail.archive_region_gap", "974349055189/us-east-1"), "fail");

    // coverage.csv: one row per region per day of the period; its counts add up to the records.
    let csv = std::fs::read_to_string(out.path().join("coverage.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2 * 1461);
    assert_eq!(rows.iter().map(|r| r[3].parse::<u64>().unwrap()).sum::<u64>(), 17600);
    // jq over each file: 565 distinct eventIDs of us-east-1 on 2014-09-26, in 62 files.
    assert!(rows.contains(&vec!["974349055189", "us-east-1", "2014-09-26", "565", "62"]), "{csv:.300}");

    // jq 'select(.userIdentity.type=="Root" and .userIdentity.invokedBy==null and .eventType!="AwsServiceEvent")':
    // one record, the root console sign-in 5a0d4999-….
    let root = results(&findings).iter().find(|r| r["check"] == "aws.cloudtrail.root_activity").unwrap();
    assert_eq!(root["status"], "fail");
    assert!(root["detail"].as_str().unwrap().starts_with("1 root user actions"), "{}", root["detail"]);
    assert!(root["detail"].as_str().unwrap().contains("5a0d4999-5c63-4035-9f9b-03c165bd716c"));
    // jq 'select(.eventName=="ConsoleLogin" and .responseElements.ConsoleLogin=="Success") | .userIdentity.arn' | sort -u:
    // 27 principals, none with MFAUsed = Yes.
    let logins: Vec<&Value> =
        results(&findings).iter().filter(|r| r["check"] == "aws.cloudtrail.console_login_without_mfa").collect();
    assert_eq!(logins.len(), 27);
    assert!(logins.iter().all(|r| r["status"] == "fail"));
    // No trail configuration was exported: the trail checks say unknown, never pass.
    assert_eq!(status_of(&findings, "aws.cloudtrail.multi_region_trail", "974349055189"), "unknown");
    // 2 failed ConsoleLogin records; only one says "Failed authentication" (CIS 4.6), the other
    // "No username found in supplied account".
    let failures = findings["activity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["check"] == "aws.cloudtrail.console_auth_failures")
        .unwrap();
    assert_eq!(failures["count"], 1);
    assert_eq!(failures["example_event_ids"], serde_json::json!(["f9f451e5-59a9-428e-a6e9-1beeae1cc22a"]));
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let run_with = |jobs: &str| {
        let (_, _, _, _, out) = analyze(&[&grycap(), &realdata().join("plaso")], &["--jobs", jobs]);
        ["findings.json", "coverage.csv", "manifest.json"].map(|f| std::fs::read(out.path().join(f)).unwrap())
    };
    assert!(run_with("1") == run_with("2"), "outputs differ between --jobs 1 and --jobs 2");
}

#[test]
fn plaso_old_and_insight_records_are_counted_and_a_refused_update_trail_is_not_tampering() {
    let (findings, manifest, _, _, _) = analyze(&[&realdata().join("plaso")], &[]);
    let entry = manifest_entry(&manifest, "aws_cloudtrail.json");
    assert_eq!((entry["kind"].as_str(), entry["records_read"].as_u64()), (Some("aws.cloudtrail.log"), Some(9)));
    // recipientAccountId, else userIdentity.accountId: all nine records are 123456789012's.
    let total: u64 = findings["coverage"].as_array().unwrap().iter().map(|c| c["records"].as_u64().unwrap()).sum();
    assert_eq!(total, 9);
    // The UpdateTrail record failed with TrailNotFoundException: named, not a failure.
    let tamper = results(&findings).iter().find(|r| r["check"] == "aws.cloudtrail.logging_tampered").unwrap();
    assert_eq!(tamper["status"], "pass");
    assert!(tamper["detail"].as_str().unwrap().contains("1 refused attempts"), "{}", tamper["detail"]);
}

#[test]
fn placebo_trail_exports_give_trail_results() {
    let dir = realdata().join("cloud-custodian-placebo/test_cloudtrail_success_cloudtrail_include_management_events");
    let (findings, _, _, _, _) = analyze(&[&dir], &[]);
    let trail = "tf-trail-3bf19dec-127e-11ed-861d-0242ac12000";
    // jq: IsMultiRegionTrail true, LogFileValidationEnabled false, KmsKeyId null; IsLogging true;
    // one selector ReadWriteType All with IncludeManagementEvents true.
    assert_eq!(status_of(&findings, "aws.cloudtrail.trail_logging", trail), "pass");
    assert_eq!(status_of(&findings, "aws.cloudtrail.log_file_validation", trail), "fail");
    assert_eq!(status_of(&findings, "aws.cloudtrail.kms_encryption", trail), "fail");
    assert_eq!(status_of(&findings, "aws.cloudtrail.multi_region_trail", "644160558196"), "pass");
    assert_eq!(status_of(&findings, "aws.cloudtrail.management_events", "644160558196"), "pass");
    // No log records: no archive results, no period.
    assert!(results(&findings).iter().all(|r| !r["check"].as_str().unwrap().starts_with("aws.cloudtrail.archive")));
    assert_eq!(findings["period"], Value::Null);
}

#[test]
fn integrity_finds_the_edited_copy_and_the_real_digests_absent_files() {
    let (findings, manifest, _, _, _) = analyze(&[&grycap(), &realdata().join("llm-guard-digest")], &[]);
    // The hand-edited copy under modified/ has the name of a delivered file but other content.
    let us = results(&findings)
        .iter()
        .find(|r| r["resource"] == "974349055189/us-east-1" && r["check"] == "aws.cloudtrail.log_integrity")
        .unwrap();
    assert_eq!(us["status"], "fail");
    assert!(
        us["detail"]
            .as_str()
            .unwrap()
            .contains("974349055189_CloudTrail_us-east-1_20170601T0740Z_Yt0KtjTLgau5Mhe6.json.gz")
    );
    // No digests for sa-east-1: not checkable, so unknown, never pass.
    assert_eq!(status_of(&findings, "aws.cloudtrail.log_integrity", "974349055189/sa-east-1"), "unknown");
    // The real digest (jq '.logFiles | length' → 5) lists five log files that are not in the evidence.
    let digest = manifest_entry(&manifest, "llm-guard-trail_us-west-2_20231015T230404Z.json");
    assert_eq!((digest["kind"].as_str(), digest["records_read"].as_u64()), (Some("aws.cloudtrail.digest"), Some(5)));
    let llm = results(&findings).iter().find(|r| r["resource"] == "327878933619/ap-northeast-1").unwrap();
    assert_eq!((llm["check"].as_str(), llm["status"].as_str()), (Some("aws.cloudtrail.log_integrity"), Some("fail")));
    assert!(llm["detail"].as_str().unwrap().contains("5 log files listed in digests are absent"), "{}", llm["detail"]);
}
