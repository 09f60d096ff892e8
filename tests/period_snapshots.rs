//! Dated snapshots (issue 16): twelve monthly exports of one account are a time series. The
//! scenario of the issue, written here by hand so each expectation is read off the evidence: a
//! security group open to the world on 22 in the February and March exports, a user without MFA
//! in March and April, August missing; and how folders, zip names, `COLLECTION.txt` and
//! `GeneratedTime` date what they hold.

use std::path::Path;

use base64::Engine;
use serde_json::{Value, json};

use crate::common::{analyze, run, status_of};

const ACCOUNT: &str = "111111111111";
const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// Month ends of 2026 that have an export (August is missing).
const MONTHS: [&str; 11] = [
    "2026-01-31",
    "2026-02-28",
    "2026-03-31",
    "2026-04-30",
    "2026-05-31",
    "2026-06-30",
    "2026-07-31",
    "2026-09-30",
    "2026-10-31",
    "2026-11-30",
    "2026-12-31",
];

fn user_row(day: &str, user: &str, mfa: bool) -> String {
    format!(
        "{user},arn:aws:iam::{ACCOUNT}:user/{user},2025-01-01T00:00:00+00:00,true,{day}T08:00:00+00:00,N/A,N/A,{mfa},false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
    )
}

fn credential_csv(day: &str) -> String {
    let mfa = !matches!(day, "2026-03-31" | "2026-04-30");
    let mut rows = vec![HEADER.to_string(), user_row(day, "alice", mfa)];
    // Joined in July.
    if day >= "2026-07-31" {
        rows.push(user_row(day, "joiner", true));
    }
    rows.join("\n") + "\n"
}

fn credential_json(day: &str) -> Vec<u8> {
    let content = base64::engine::general_purpose::STANDARD.encode(credential_csv(day));
    serde_json::to_vec(
        &json!({"Content": content, "ReportFormat": "text/csv", "GeneratedTime": format!("{day}T12:00:00+00:00")}),
    )
    .unwrap()
}

fn security_groups(day: &str) -> Vec<u8> {
    let cidr = if matches!(day, "2026-02-28" | "2026-03-31") { "0.0.0.0/0" } else { "10.0.0.0/8" };
    serde_json::to_vec(&json!({"SecurityGroups": [{
        "GroupId": "sg-0abc", "GroupName": "web", "OwnerId": ACCOUNT, "VpcId": "vpc-1", "Description": "web",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": cidr}],
                           "Ipv6Ranges": [], "UserIdGroupPairs": [], "PrefixListIds": []}],
        "IpPermissionsEgress": []
    }]}))
    .unwrap()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn year_of_exports(root: &Path) {
    for day in MONTHS {
        let dir = root.join(day).join(ACCOUNT);
        write(&dir.join("get-credential-report.json"), &credential_json(day));
        write(&dir.join("ec2-describe-security-groups.json"), &security_groups(day));
    }
}

fn control<'a>(findings: &'a Value, check: &str, resource: &str) -> &'a Value {
    findings["period"]["controls"]
        .as_array()
        .expect("period.controls")
        .iter()
        .find(|c| c["check"] == check && c["resource"] == resource)
        .unwrap_or_else(|| panic!("no period control {check} {resource}"))
}

fn intervals(control: &Value) -> Vec<(String, Value, String)> {
    control["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["from"].as_str().unwrap().to_string(), v["to"].clone(), v["basis"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn a_group_closed_in_april_passes_in_december_and_is_a_closed_exception_of_the_period() {
    let evidence = tempfile::tempdir().unwrap();
    year_of_exports(evidence.path());
    let (findings, _, register, _, out) = analyze(&[evidence.path()], &["--period", "2026-01-01..2026-12-31"]);
    // As of December the group is closed: the newest snapshot decides, nothing "disagrees".
    assert_eq!(status_of(&findings, "aws.ec2.sg_open_admin_ports", "sg-0abc"), "pass");
    let result = findings["results"].as_array().unwrap().iter().find(|r| r["resource"] == "sg-0abc").unwrap();
    assert!(!result["detail"].as_str().unwrap().contains("disagree"), "{}", result["detail"]);
    assert!(result["evidence"][0]["file"].as_str().unwrap().contains("2026-12-31"));

    let sg = control(&findings, "aws.ec2.sg_open_admin_ports", "sg-0abc");
    assert_eq!(sg["verdict"], "exception");
    // Seen open in the February and March exports, closed in April's (folder dates: 00:00Z).
    assert_eq!(intervals(sg), [("2026-02-28T00:00:00Z".into(), json!("2026-04-30T00:00:00Z"), "snapshots".into())]);
    assert_eq!(sg["observations"].as_array().unwrap().len(), 11);

    // alice: no MFA in the March and April reports (GeneratedTime 12:00Z), MFA again in May's.
    let alice = control(&findings, "aws.iam.console_user_mfa", &format!("arn:aws:iam::{ACCOUNT}:user/alice"));
    assert_eq!(alice["verdict"], "exception");
    assert_eq!(intervals(alice), [("2026-03-31T12:00:00Z".into(), json!("2026-05-31T12:00:00Z"), "snapshots".into())]);
    assert_eq!(status_of(&findings, "aws.iam.console_user_mfa", &format!("arn:aws:iam::{ACCOUNT}:user/alice")), "pass");

    // An auditor reports a closed exception too.
    assert!(register.lines().any(|l| l.contains("sg-0abc") && l.contains("closed exception")), "{register}");
    let timeline = std::fs::read_to_string(out.path().join("timeline.csv")).unwrap();
    assert!(timeline.lines().any(|l| l.starts_with("aws.ec2.sg_open_admin_ports,sg-0abc,") && l.contains(",fail,")));
}

#[test]
fn a_missing_month_is_an_evidence_gap_and_a_joiner_has_none_before_it_joined() {
    let evidence = tempfile::tempdir().unwrap();
    year_of_exports(evidence.path());
    let (findings, _, _, _, _out) = analyze(&[evidence.path()], &["--period", "2026-01-01..2026-12-31"]);
    let period = &findings["period"];
    assert_eq!(
        (period["from"].as_str(), period["to"].as_str(), period["cadence_days"].as_u64()),
        (Some("2026-01-01"), Some("2026-12-31"), Some(31))
    );
    let gaps: Vec<(String, String, String)> = period["evidence_gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (g["kind"].as_str().unwrap().into(), g["from"].as_str().unwrap().into(), g["to"].as_str().unwrap().into())
        })
        .collect();
    assert_eq!(
        gaps,
        [
            ("aws.ec2.describe_security_groups".into(), "2026-08-01".into(), "2026-09-29".into()),
            ("aws.iam.credential_report".into(), "2026-08-01".into(), "2026-09-29".into()),
        ]
    );
    // Passing throughout but August unevidenced: not "operated".
    let group = control(&findings, "aws.ec2.sg_open_all_ports", "sg-0abc");
    assert_eq!(group["verdict"], "not_evidenced");
    assert_eq!(group["evidence_gaps"], json!([{"from": "2026-08-01", "to": "2026-09-29"}]));
    // The joiner is first seen in July's report: no observation before, and only August is a gap.
    let joiner = control(&findings, "aws.iam.console_user_mfa", &format!("arn:aws:iam::{ACCOUNT}:user/joiner"));
    let first = joiner["observations"][0]["at"].as_str().unwrap();
    assert_eq!(first, "2026-07-31T12:00:00Z");
    assert_eq!(joiner["evidence_gaps"], json!([{"from": "2026-08-01", "to": "2026-09-29"}]));
    // Snapshots list each date with where it came from.
    let snapshots = period["snapshots"].as_array().unwrap();
    assert_eq!(snapshots.len(), 22);
    let report = snapshots.iter().find(|s| s["kind"] == "aws.iam.credential_report").unwrap();
    assert_eq!(
        (report["as_of"].as_str(), report["date_source"].as_str()),
        (Some("2026-01-31T12:00:00Z"), Some("GeneratedTime"))
    );
    let groups = snapshots.iter().find(|s| s["kind"] == "aws.ec2.describe_security_groups").unwrap();
    assert_eq!(
        (groups["as_of"].as_str(), groups["date_source"].as_str()),
        (Some("2026-01-31T00:00:00Z"), Some("folder or zip name"))
    );
}

#[test]
fn zip_names_collection_notes_and_dated_folders_date_a_csv_report() {
    let evidence = tempfile::tempdir().unwrap();
    let root = evidence.path();
    // The collection script's bundle, zipped under its stamp: the zip name dates it.
    let zip = crate::common::zip_with(&[("iam/credential-report.csv", credential_csv("2026-03-31").as_bytes())]);
    write(&root.join(format!("gapscope-aws-{ACCOUNT}-20260331T120000Z.zip")), &zip);
    // A bundle folder whose COLLECTION.txt says when it was started (the folder name says nothing).
    let note = format!(
        "gapscope AWS evidence collection\nscript: gapscope collect aws\nstarted: 2026-05-31T09:15:00Z\naccount: {ACCOUNT}\n"
    );
    write(&root.join("bundle/COLLECTION.txt"), note.as_bytes());
    write(&root.join("bundle/credential-report.csv"), credential_csv("2026-05-31").as_bytes());
    // A plain dated folder.
    write(&root.join("2026-04-30/credential-report.csv"), credential_csv("2026-04-30").as_bytes());

    let output = run(&["inventory", &root.display().to_string(), "--json"]);
    let inventory: Value = serde_json::from_slice(&output.stdout).unwrap();
    let dated: Vec<(String, String)> = inventory["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["as_of"].as_str().unwrap().into(), s["date_source"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        dated,
        [
            ("2026-03-31T12:00:00Z".to_string(), "folder or zip name".to_string()),
            ("2026-04-30T00:00:00Z".into(), "folder or zip name".into()),
            ("2026-05-31T09:15:00Z".into(), "COLLECTION.txt".into()),
        ]
    );
    // COLLECTION.txt is used (it dates its bundle), not listed as unrecognised.
    assert!(inventory["unused"].as_array().unwrap().is_empty(), "{}", inventory["unused"]);
    let text = run(&["inventory", &root.display().to_string()]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Snapshots (3)") && text.contains("COLLECTION.txt"), "{text}");

    // Ages of the as-of run are measured from the newest report's filing date, and alice, without
    // MFA in the March and April reports, has a period exception from March to May.
    let (findings, _, _, output, _out) = analyze(&[root], &["--format", "json"]);
    assert_eq!(findings["as_of"], "2026-05-31T09:15:00Z", "{}", String::from_utf8_lossy(&output.stderr));
    let alice = control(&findings, "aws.iam.console_user_mfa", &format!("arn:aws:iam::{ACCOUNT}:user/alice"));
    assert_eq!(intervals(alice), [("2026-03-31T12:00:00Z".into(), json!("2026-05-31T09:15:00Z"), "snapshots".into())]);
    // No --period: the first to the last snapshot.
    assert_eq!(
        (findings["period"]["from"].as_str(), findings["period"]["to"].as_str()),
        (Some("2026-03-31"), Some("2026-05-31"))
    );
}

#[test]
fn no_period_gives_the_as_of_results_alone() {
    let evidence = tempfile::tempdir().unwrap();
    year_of_exports(evidence.path());
    let (with, _, _, _, _a) = analyze(&[evidence.path()], &["--format", "json"]);
    let (without, _, _, _, out) = analyze(&[evidence.path()], &["--no-period"]);
    assert!(without["period"].get("controls").is_none(), "{}", without["period"]);
    assert!(!out.path().join("timeline.csv").exists());
    assert_eq!(with["results"], without["results"]);
}
