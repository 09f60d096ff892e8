//! Exports as clients really send them (issue 17): Windows PowerShell 5.1's `Out-File` and
//! `ConvertTo-Json | Out-File` write UTF-16LE with a byte-order mark and CRLF line ends; log shippers
//! and `jq -c '.Records[]'` write CloudTrail one record per line.

use serde_json::Value;

use crate::common::{analyze, manifest_entry, run, status_of};

fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.replace('\n', "\r\n").encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// One policy per file, as `Get-MgIdentityConditionalAccessPolicy | ConvertTo-Json -Depth 10 | Out-File`
/// writes it (4-space indent, PascalCase is the SDK's; Graph's camelCase here).
const POLICY: &str = r#"{
    "id":  "7a3c5e1d-0000-4000-8000-000000000001",
    "displayName":  "Block legacy authentication – all users",
    "state":  "enabled",
    "conditions":  {
        "users":  { "includeUsers":  [ "All" ], "excludeUsers":  [ "breakglass@contoso.example" ] },
        "applications":  { "includeApplications":  [ "All" ] },
        "clientAppTypes":  [ "exchangeActiveSync", "other" ]
    },
    "grantControls":  { "operator":  "OR", "builtInControls":  [ "block" ] }
}
"#;

#[test]
fn a_utf16_conditional_access_export_is_read_like_its_utf8_twin() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("BlockLegacy.json");
    std::fs::write(&path, utf16le(POLICY)).unwrap();
    let output = run(&["inventory", &dir.path().display().to_string(), "--json"]);
    let inventory: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(inventory["unused"].as_array().unwrap().is_empty(), "{}", inventory["unused"]);
    assert_eq!(inventory["artifacts"][0]["kind"], "entra.ca_policies");

    let (findings, manifest, _, _, _out) = analyze(&[dir.path()], &["--format", "json"]);
    assert_eq!(status_of(&findings, "entra.ca.legacy_auth_blocked", "tenant"), "pass");
    // The manifest hashes the bytes as the client sent them, not the UTF-8 they were read as.
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(std::fs::read(&path).unwrap()));
    assert_eq!(manifest_entry(&manifest, "BlockLegacy.json")["sha256"], sha);
}

#[test]
fn a_utf16_credential_report_csv_from_out_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active\n\
               alice,arn:aws:iam::111111111111:user/alice,2026-01-01T00:00:00+00:00,true,2026-09-29T10:00:00+00:00,false\n";
    std::fs::write(dir.path().join("credential-report.csv"), utf16le(csv)).unwrap();
    let (findings, _, _, _, _out) = analyze(&[dir.path()], &["--format", "json"]);
    assert_eq!(status_of(&findings, "aws.iam.console_user_mfa", "arn:aws:iam::111111111111:user/alice"), "fail");
}

fn record(id: &str, time: &str, name: &str, source: &str) -> String {
    serde_json::json!({
        "eventVersion": "1.08", "eventID": id, "eventTime": time, "eventName": name, "eventSource": source,
        "awsRegion": "eu-west-1", "recipientAccountId": "111111111111",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111111111111:user/ops", "accountId": "111111111111"},
        "requestParameters": {"name": "management-events"}
    })
    .to_string()
}

#[test]
fn cloudtrail_one_record_per_line_counts_like_a_delivered_log() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        record("a", "2026-09-01T10:00:00Z", "DescribeInstances", "ec2.amazonaws.com"),
        record("b", "2026-09-02T11:00:00Z", "StopLogging", "cloudtrail.amazonaws.com"),
        record("c", "2026-09-03T12:00:00Z", "DescribeInstances", "ec2.amazonaws.com"),
        "{\"eventVersion\":\"1.08\",\"eventID\":\"cut".to_string(),
    ];
    std::fs::write(dir.path().join("cloudtrail-export.ndjson"), lines.join("\n")).unwrap();
    let (findings, manifest, _, _, _out) = analyze(&[dir.path()], &["--format", "json"]);
    let entry = manifest_entry(&manifest, "cloudtrail-export.ndjson");
    assert_eq!(entry["kind"], "aws.cloudtrail.log (ndjson)");
    assert_eq!((entry["records_read"].as_u64(), entry["records_rejected"].as_u64()), (Some(4), Some(1)));
    assert_eq!(
        (findings["period"]["from"].as_str(), findings["period"]["to"].as_str()),
        (Some("2026-09-01"), Some("2026-09-03"))
    );
    let tampered = findings["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == "aws.cloudtrail.logging_tampered")
        .expect("the StopLogging line is read");
    assert_eq!(tampered["status"], "fail", "{tampered}");
}
