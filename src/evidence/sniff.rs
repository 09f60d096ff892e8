//! How content is looked at to tell its kind, never its name: the stages of recognition and the
//! looks each needs (first JSON key, top-level keys, CSV header), computed once per input; and, for
//! content no kind claims, a best guess of what it is, for the inventory.

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::formats::common::{csv_header_columns, looks_binary, strip_bom};

/// When a kind's sniffer is asked, in this order. Cheap looks come first so the bulk of the evidence
/// (CloudTrail log files) is decided by its first key, before anything scans a whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// A JSON object whose first key decides (read without looking further; a truncated log still counts).
    FirstKey,
    /// Sniffers that read a CSV header or a first record themselves (Entra exports).
    Shape,
    /// A JSON object's top-level keys (one scan, no value built; a recorded API response unwrapped).
    Keys,
    /// Content that is not JSON: a CSV header, a CLI error message.
    Text,
}

impl Stage {
    pub(crate) const ALL: [Stage; 4] = [Stage::FirstKey, Stage::Shape, Stage::Keys, Stage::Text];
}

/// The content prepared for sniffing: the look each stage needs is computed once, when first asked.
pub(crate) struct Sniff<'a> {
    /// The content without its byte-order mark.
    pub text: &'a [u8],
    first: Option<u8>,
    first_key: OnceCell<Option<String>>,
    keys: OnceCell<Result<BTreeSet<String>, String>>,
    columns: OnceCell<Option<Vec<String>>>,
}

impl<'a> Sniff<'a> {
    pub(crate) fn new(content: &'a [u8]) -> Sniff<'a> {
        let text = strip_bom(content);
        let first = text.iter().position(|b| !b.is_ascii_whitespace()).map(|i| text[i]);
        Sniff { text, first, first_key: OnceCell::new(), keys: OnceCell::new(), columns: OnceCell::new() }
    }

    /// The first key of a JSON object, if the content is one.
    pub(crate) fn first_key(&self) -> Option<&str> {
        self.first_key.get_or_init(|| if self.first == Some(b'{') { first_key(self.text) } else { None }).as_deref()
    }

    /// The top-level keys of a JSON object (of `data` in a recorded `{"status_code", "data"}` response);
    /// `None` when the content is not a readable JSON object.
    pub(crate) fn keys(&self) -> Option<&BTreeSet<String>> {
        self.keys_or_why().as_ref().ok()
    }

    fn keys_or_why(&self) -> &Result<BTreeSet<String>, String> {
        self.keys.get_or_init(|| {
            if self.first != Some(b'{') {
                return Err("not a JSON object".into());
            }
            let keys = top_level_keys(self.text).map_err(|e| format!("invalid JSON: {e}"))?;
            if !(keys.contains("status_code") && keys.contains("data")) {
                return Ok(keys);
            }
            // A recorded API response (botocore/placebo style): the export is under `data`.
            match serde_json::from_slice::<serde_json::Value>(self.text) {
                Ok(value) => match value.get("data") {
                    Some(serde_json::Value::Object(data)) => Ok(data.keys().cloned().collect()),
                    _ => Err("recorded API response without a data object".into()),
                },
                Err(e) => Err(format!("invalid JSON: {e}")),
            }
        })
    }

    /// The lower-cased columns of a CSV header (two at least), `None` for binary data or other text.
    pub(crate) fn csv_columns(&self) -> Option<&[String]> {
        self.columns.get_or_init(|| csv_header_columns(self.text)).as_deref()
    }

    /// Whether `stage` applies to this content at all.
    pub(crate) fn reaches(&self, stage: Stage) -> bool {
        match stage {
            Stage::FirstKey | Stage::Keys => self.first == Some(b'{'),
            Stage::Shape => true,
            Stage::Text => !matches!(self.first, None | Some(b'{' | b'[')),
        }
    }
}

/// What content no kind claims looks like, in words an auditor can act on.
pub(crate) fn guess(sniff: &Sniff<'_>, empty: bool) -> String {
    match sniff.first {
        None => if empty { "empty file" } else { "blank file" }.into(),
        Some(b'{') => match sniff.keys_or_why() {
            Ok(keys) => guess_from_keys(keys),
            Err(why) => why.clone(),
        },
        Some(b'[') => match serde_json::from_slice::<IgnoredAny>(sniff.text) {
            Ok(_) => "JSON array (no exporter this version reads writes one)".into(),
            Err(e) => format!("invalid JSON: {e}"),
        },
        Some(_) => guess_text(sniff),
    }
}

fn guess_text(sniff: &Sniff<'_>) -> String {
    if looks_binary(sniff.text) {
        return "binary data".into();
    }
    match sniff.csv_columns() {
        Some(columns) => {
            let shown: Vec<&str> = columns.iter().take(6).map(String::as_str).collect();
            format!("CSV with columns {}{}", shown.join(", "), ellipsis(columns.len(), 6))
        }
        None => "plain text".into(),
    }
}

fn guess_from_keys(keys: &BTreeSet<String>) -> String {
    let has = |k: &str| keys.contains(k);
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
    }
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
pub(crate) fn top_level_keys(text: &[u8]) -> Result<BTreeSet<String>, serde_json::Error> {
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
    use crate::evidence::kinds::{KINDS, Kind, Recognised, Variant, recognise};
    use crate::formats::aws::posture::PostureKind;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active";

    fn kind(content: &[u8]) -> &'static str {
        match recognise(content) {
            Recognised::Kind(kind, _) => kind.name,
            Recognised::Unrecognised(guess) => panic!("unrecognised: {guess}"),
        }
    }

    fn posture_kind() -> &'static Kind {
        KINDS.iter().find(|k| k.name == "aws.cli_export").unwrap()
    }

    fn guess(content: &[u8]) -> String {
        match recognise(content) {
            Recognised::Unrecognised(g) => g,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn credential_report_csv_by_header_with_bom_and_crlf() {
        assert_eq!(kind(HEADER.as_bytes()), "aws.iam.credential_report (csv)");
        let with_bom = format!("\u{feff}{HEADER}\r\n<root_account>,arn:aws:iam::1:root\r\n");
        assert_eq!(kind(with_bom.as_bytes()), "aws.iam.credential_report (csv)");
    }

    #[test]
    fn credential_report_json_plain_and_recorded() {
        let cli = br#"{"Content": "dXNlcg==", "ReportFormat": "text/csv", "GeneratedTime": "2026-09-30T17:45:12Z"}"#;
        assert_eq!(kind(cli), "aws.iam.credential_report (json)");
        let placebo = br#"{"status_code": 200, "data": {"Content": "user,arn", "ReportFormat": "text/csv"}}"#;
        assert_eq!(kind(placebo), "aws.iam.credential_report (json)");
    }

    #[test]
    fn everything_else_gets_a_guess() {
        assert_eq!(guess(b""), "empty file");
        assert_eq!(guess(b" \n"), "blank file");
        let error = br#"{"status_code": 410, "data": {"Error": {"Code": "ReportNotPresent"}}}"#;
        assert_eq!(recognise(error), Recognised::Kind(posture_kind(), Variant::Posture(PostureKind::ErrorResponse)));
        let groups = recognise(br#"{"SecurityGroups": []}"#);
        assert_eq!(groups, Recognised::Kind(posture_kind(), Variant::Posture(PostureKind::SecurityGroups)));
        assert!(guess(br#"{"Subnets": []}"#).contains("ec2 describe-subnets"));
        assert!(guess(br#"{"a": 1"#).starts_with("invalid JSON"));
        assert_eq!(guess(br#"{"status_code": 200, "data": 1}"#), "recorded API response without a data object");
        assert!(guess(b"[1, 2]").starts_with("JSON array"));
        assert!(guess(b"user,arn,foo\n").starts_with("CSV with columns user, arn, foo"));
        assert_eq!(guess(b"\x00\x01\x02binary"), "binary data");
        assert_eq!(guess(b"collected by Bob on Monday"), "plain text");
    }

    #[test]
    fn a_cli_error_message_is_an_export_of_the_failed_call() {
        let text = b"\nAn error occurred (AccessDenied) when calling the GetBucketPolicy operation: Access Denied\n";
        assert_eq!(kind(text), "aws.cli_export");
    }

    #[test]
    fn cloudtrail_kinds_by_keys_and_a_truncated_log_by_its_first_key() {
        assert_eq!(kind(br#"{"Records": []}"#), "aws.cloudtrail.log");
        assert_eq!(kind(b"\n  {\n \"Records\": [{\"eventID\": \"x\", "), "aws.cloudtrail.log");
        assert_eq!(kind(br#"{"NextToken": "t", "Records": []}"#), "aws.cloudtrail.log");
        assert_eq!(kind(br#"{"Events": [{"CloudTrailEvent": "{}"}]}"#), "aws.cloudtrail.lookup_events");
        let digest = br#"{"awsAccountId": "1", "digestStartTime": "x", "logFiles": []}"#;
        assert_eq!(kind(digest), "aws.cloudtrail.digest");
        assert_eq!(kind(br#"{"PublicKeyList": []}"#), "aws.cloudtrail.public_keys");
        assert_eq!(kind(br#"{"status_code": 200, "data": {"IsLogging": true}}"#), "aws.cloudtrail.trail_config");
        assert_eq!(kind(br#"{"Regions": [{"RegionName": "us-east-1"}]}"#), "aws.cloudtrail.trail_config");
    }

    #[test]
    fn a_truncated_log_is_never_scanned_for_its_keys() {
        let sniff = Sniff::new(b"{\"Records\": [{\"eventID\": ");
        assert_eq!(sniff.first_key(), Some("Records"));
        assert_eq!(kind(b"{\"Records\": [{\"eventID\": "), "aws.cloudtrail.log");
        assert!(sniff.keys.get().is_none(), "keys were read although the first key decided");
    }

    #[test]
    fn top_level_keys_skip_values() {
        let keys = top_level_keys(br#"{"b": {"x": [1, 2, {"y": null}]}, "a": "s"}"#).unwrap();
        assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["a", "b"]);
        assert!(top_level_keys(br#"{"a": 1} trailing"#).is_err());
    }
}
