//! Decides what kind of export an input is from its content alone (CSV header, top-level JSON keys),
//! never from its name. What is not recognised gets a best guess of what it is, for the inventory.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

/// Columns only an IAM credential report has; `user` and `arn` alone are too common to decide.
const CREDENTIAL_REPORT_MARKERS: [&str; 4] =
    ["user_creation_time", "password_enabled", "access_key_1_active", "mfa_active"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognised {
    /// An IAM credential report as CSV (console download or decoded CLI output).
    CredentialReportCsv,
    /// `aws iam get-credential-report` JSON (also wrapped as a recorded API response).
    CredentialReportJson,
    /// A CloudTrail log file, `{"Records": [...]}` (delivered `.json.gz` or plain).
    CloudTrailLog,
    /// `aws cloudtrail lookup-events` output, `{"Events": [{"CloudTrailEvent": "..."}]}`.
    CloudTrailLookupEvents,
    /// A CloudTrail digest file (log file integrity validation).
    CloudTrailDigest,
    /// `aws cloudtrail list-public-keys` (the keys digests are signed with).
    CloudTrailPublicKeys,
    /// Trail configuration or regions: describe-trails, get-trail-status, get-event-selectors,
    /// `ec2 describe-regions`.
    TrailConfig,
    /// An AWS CLI configuration export the posture checks read (security groups, buckets, policies…),
    /// or a failed command's error text.
    AwsPosture(crate::formats::aws::posture::PostureKind),
    /// Entra ID sign-in logs: portal CSV, Graph JSON, or Log Analytics NDJSON.
    EntraSignIns(crate::formats::entra::signins::SignInLayout),
    /// An Entra ID directory export: users, MFA registration, CA policies, apps, roles.
    EntraDirectory(crate::formats::entra::directory::DirectoryKind),
    /// Not evidence this version analyses; the text says what it looks like.
    Unrecognised(String),
}

pub fn recognise(content: &[u8]) -> Recognised {
    let text = strip_bom(content);
    let first = text.iter().position(|b| !b.is_ascii_whitespace()).map(|i| text[i]);
    // CloudTrail files are most of the volume: their first key decides before any Entra sniffing.
    let cloudtrail = first == Some(b'{') && matches!(first_key(text).as_deref(), Some("Records" | "Events"));
    if !cloudtrail && let Some(entra) = recognise_entra(text) {
        return entra;
    }
    match first {
        None => Recognised::Unrecognised(if content.is_empty() { "empty file".into() } else { "blank file".into() }),
        Some(b'{') => recognise_json_object(text),
        Some(b'[') => Recognised::Unrecognised(match serde_json::from_slice::<IgnoredAny>(text) {
            Ok(_) => "JSON array (no exporter this version reads writes one)".into(),
            Err(e) => format!("invalid JSON: {e}"),
        }),
        Some(_) => recognise_text(text),
    }
}

/// Entra ID exports, by their first record's keys or their CSV header.
fn recognise_entra(text: &[u8]) -> Option<Recognised> {
    use crate::formats::entra::{directory, signins};
    signins::sniff(text)
        .map(Recognised::EntraSignIns)
        .or_else(|| directory::sniff(text).map(Recognised::EntraDirectory))
}

pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn recognise_text(text: &[u8]) -> Recognised {
    if crate::formats::aws::posture::error_text(text).is_some() {
        return Recognised::AwsPosture(crate::formats::aws::posture::PostureKind::ErrorResponse);
    }
    if text.contains(&0) || std::str::from_utf8(&text[..text.len().min(4096)]).is_err() && !looks_mostly_text(text) {
        return Recognised::Unrecognised("binary data".into());
    }
    let header_line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let header = String::from_utf8_lossy(header_line);
    let columns: Vec<String> = header.split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
    if columns.len() >= 2 {
        let has = |name: &str| columns.iter().any(|c| c == name);
        // `user` plus two report-only columns is a credential report even when `arn` was renamed:
        // the parser then says which column is missing instead of the file passing as unknown CSV.
        let markers = CREDENTIAL_REPORT_MARKERS.iter().filter(|m| has(m)).count();
        if has("user") && (markers >= 2 || has("arn") && markers >= 1) {
            return Recognised::CredentialReportCsv;
        }
        let shown: Vec<&str> = columns.iter().take(6).map(String::as_str).collect();
        return Recognised::Unrecognised(format!(
            "CSV with columns {}{}",
            shown.join(", "),
            ellipsis(columns.len(), 6)
        ));
    }
    Recognised::Unrecognised("plain text".into())
}

fn looks_mostly_text(text: &[u8]) -> bool {
    let sample = &text[..text.len().min(4096)];
    let printable = sample.iter().filter(|b| b.is_ascii_graphic() || b.is_ascii_whitespace() || **b >= 0x80).count();
    printable * 10 >= sample.len() * 9
}

fn recognise_json_object(text: &[u8]) -> Recognised {
    // Log files are most of the volume and may be truncated: their first key decides without a
    // scan of the whole file (which a truncated file would fail).
    match first_key(text).as_deref() {
        Some("Records") => return Recognised::CloudTrailLog,
        Some("Events") => return Recognised::CloudTrailLookupEvents,
        _ => {}
    }
    let keys = match top_level_keys(text) {
        Ok(keys) => keys,
        Err(e) => return Recognised::Unrecognised(format!("invalid JSON: {e}")),
    };
    if keys.contains("status_code") && keys.contains("data") {
        // A recorded API response (botocore/placebo style): the export is under `data`.
        return match serde_json::from_slice::<serde_json::Value>(text) {
            Ok(value) => match value.get("data") {
                Some(serde_json::Value::Object(data)) => classify_keys(&data.keys().cloned().collect()),
                _ => Recognised::Unrecognised("recorded API response without a data object".into()),
            },
            Err(e) => Recognised::Unrecognised(format!("invalid JSON: {e}")),
        };
    }
    classify_keys(&keys)
}

fn classify_keys(keys: &BTreeSet<String>) -> Recognised {
    let has = |k: &str| keys.contains(k);
    if has("Content") && (has("ReportFormat") || has("GeneratedTime") || keys.len() == 1) {
        return Recognised::CredentialReportJson;
    }
    if has("Records") {
        return Recognised::CloudTrailLog;
    }
    if has("Events") {
        return Recognised::CloudTrailLookupEvents;
    }
    if has("logFiles") && has("digestStartTime") {
        return Recognised::CloudTrailDigest;
    }
    if has("PublicKeyList") {
        return Recognised::CloudTrailPublicKeys;
    }
    if ["trailList", "IsLogging", "EventSelectors", "AdvancedEventSelectors", "Regions"].iter().any(|k| has(k)) {
        return Recognised::TrailConfig;
    }
    if let Some(kind) = crate::formats::aws::posture::PostureKind::sniff(keys) {
        return Recognised::AwsPosture(kind);
    }
    let guess =
        if has("State") && keys.iter().all(|k| ["State", "Description", "ResponseMetadata"].contains(&k.as_str())) {
            "generate-credential-report status (holds no report; export get-credential-report instead)".into()
        } else if has("value") || has("@odata.context") {
            "Microsoft Graph export of a kind gapscope does not read (it reads sign-ins, users, registration details, \
         conditional-access policies, applications, service principals and directory roles)"
                .into()
        } else {
            let known = [
                ("Trails", "cloudtrail list-trails"),
                ("Subnets", "ec2 describe-subnets"),
                ("NetworkInterfaces", "ec2 describe-network-interfaces"),
                ("Functions", "lambda list-functions"),
                ("LoadBalancers", "elbv2 describe-load-balancers"),
                ("LoadBalancerDescriptions", "elb describe-load-balancers"),
                ("Topics", "sns list-topics"),
                ("QueueUrls", "sqs list-queues"),
                ("Users", "iam list-users"),
                ("Roles", "iam list-roles"),
                ("Account", "sts get-caller-identity"),
            ];
            match known.iter().find(|(key, _)| has(key)) {
                Some((_, what)) => format!("AWS CLI {what} output (not analysed in this version)"),
                None => {
                    let shown: Vec<&str> = keys.iter().take(6).map(String::as_str).collect();
                    format!("JSON object with keys {}{}", shown.join(", "), ellipsis(keys.len(), 6))
                }
            }
        };
    Recognised::Unrecognised(guess)
}

fn ellipsis(total: usize, shown: usize) -> String {
    if total > shown { format!(", … ({total} in all)") } else { String::new() }
}

/// The first key of a JSON object, read without looking further.
fn first_key(text: &[u8]) -> Option<String> {
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = text[start..].strip_prefix(b"{")?;
    let key = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let mut de = serde_json::Deserializer::from_slice(&rest[key..]);
    <String as serde::Deserialize>::deserialize(&mut de).ok()
}

/// The keys of a top-level JSON object, skipping every value without building it, so sniffing a
/// large export costs one scan and no allocation per record.
pub fn top_level_keys(text: &[u8]) -> Result<BTreeSet<String>, serde_json::Error> {
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = BTreeSet<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut keys = BTreeSet::new();
            while let Some(key) = map.next_key::<String>()? {
                map.next_value::<IgnoredAny>()?;
                keys.insert(key);
            }
            Ok(keys)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    let keys = (&mut de).deserialize_map(Keys)?;
    de.end()?;
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::formats::aws::posture::PostureKind;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active";

    #[test]
    fn credential_report_csv_by_header_with_bom_and_crlf() {
        assert_eq!(recognise(HEADER.as_bytes()), Recognised::CredentialReportCsv);
        let with_bom = format!("\u{feff}{HEADER}\r\n<root_account>,arn:aws:iam::1:root\r\n");
        assert_eq!(recognise(with_bom.as_bytes()), Recognised::CredentialReportCsv);
    }

    #[test]
    fn credential_report_json_plain_and_recorded() {
        let cli = br#"{"Content": "dXNlcg==", "ReportFormat": "text/csv", "GeneratedTime": "2026-09-30T17:45:12Z"}"#;
        assert_eq!(recognise(cli), Recognised::CredentialReportJson);
        let placebo = br#"{"status_code": 200, "data": {"Content": "user,arn", "ReportFormat": "text/csv"}}"#;
        assert_eq!(recognise(placebo), Recognised::CredentialReportJson);
    }

    #[test]
    fn everything_else_gets_a_guess() {
        let guess = |b: &[u8]| match recognise(b) {
            Recognised::Unrecognised(g) => g,
            other => panic!("{other:?}"),
        };
        assert_eq!(guess(b""), "empty file");
        let error = br#"{"status_code": 410, "data": {"Error": {"Code": "ReportNotPresent"}}}"#;
        assert_eq!(recognise(error), Recognised::AwsPosture(PostureKind::ErrorResponse));
        assert_eq!(recognise(br#"{"SecurityGroups": []}"#), Recognised::AwsPosture(PostureKind::SecurityGroups));
        assert!(guess(br#"{"Subnets": []}"#).contains("ec2 describe-subnets"));
        assert!(guess(br#"{"a": 1"#).starts_with("invalid JSON"));
        assert!(guess(b"user,arn,foo\n").starts_with("CSV with columns user, arn, foo"));
        assert_eq!(guess(b"\x00\x01\x02binary"), "binary data");
        assert_eq!(guess(b"collected by Bob on Monday"), "plain text");
    }

    #[test]
    fn cloudtrail_kinds_by_keys_and_a_truncated_log_by_its_first_key() {
        assert_eq!(recognise(br#"{"Records": []}"#), Recognised::CloudTrailLog);
        assert_eq!(recognise(b"\n  {\n \"Records\": [{\"eventID\": \"x\", "), Recognised::CloudTrailLog);
        assert_eq!(recognise(br#"{"NextToken": "t", "Records": []}"#), Recognised::CloudTrailLog);
        assert_eq!(recognise(br#"{"Events": [{"CloudTrailEvent": "{}"}]}"#), Recognised::CloudTrailLookupEvents);
        let digest = br#"{"awsAccountId": "1", "digestStartTime": "x", "logFiles": []}"#;
        assert_eq!(recognise(digest), Recognised::CloudTrailDigest);
        assert_eq!(recognise(br#"{"PublicKeyList": []}"#), Recognised::CloudTrailPublicKeys);
        assert_eq!(recognise(br#"{"status_code": 200, "data": {"IsLogging": true}}"#), Recognised::TrailConfig);
        assert_eq!(recognise(br#"{"Regions": [{"RegionName": "us-east-1"}]}"#), Recognised::TrailConfig);
    }

    #[test]
    fn top_level_keys_skip_values() {
        let keys = top_level_keys(br#"{"b": {"x": [1, 2, {"y": null}]}, "a": "s"}"#).unwrap();
        assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["a", "b"]);
        assert!(top_level_keys(br#"{"a": 1} trailing"#).is_err());
    }
}
