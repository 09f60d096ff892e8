//! CloudTrail trail-configuration exports (`aws cloudtrail describe-trails`, `get-trail-status`,
//! `get-event-selectors`) and `aws ec2 describe-regions` (`shared/formats/aws-cli-json.md`), as the CLI
//! writes them or wrapped as recorded API responses (`{"status_code": 200, "data": {...}}`).
//!
//! A field that is absent or null stays `None`: absent evidence is unknown, never a default. A field of
//! the wrong JSON type fails the whole file with an error naming it, so nothing is half-read.
//! Locators are JSON paths inside the response body (`trailList[2]`), the same for wrapped and bare files.

mod selectors;
mod status;

use serde_json::{Map, Value};

use crate::diagnostic::Diagnostic;
use crate::formats::aws::export_path::name_from_path as trail_from_path;
pub(crate) use crate::formats::common::account_from_arn;
use crate::formats::common::{Arn, json_kind, strip_bom};

pub(crate) use selectors::{EventSelectors, ManagementEvents};
pub(crate) use status::TrailStatus;

/// One entry of `describe-trails`' `trailList`. Shadow trails (the same trail seen from another region)
/// and other accounts' organisation trails are kept as they come: the caller dedupes by ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Trail {
    /// `Name`, or the name part of `TrailARN` when `Name` is missing.
    pub name: String,
    pub arn: Option<String>,
    /// The account in `TrailARN`.
    pub account: Option<String>,
    /// `HomeRegion`, or the region in `TrailARN` (a trail's ARN names its home region).
    pub home_region: Option<String>,
    pub multi_region: Option<bool>,
    pub organization: Option<bool>,
    pub log_file_validation: Option<bool>,
    pub kms_key_id: Option<String>,
    pub s3_bucket: Option<String>,
    pub include_global_service_events: Option<bool>,
    /// `HasCustomEventSelectors`: `Some(false)` means the trail has AWS's default selector, which records
    /// all management events, read and write, so no `get-event-selectors` export is needed to know it.
    pub custom_event_selectors: Option<bool>,
    /// `CloudWatchLogsLogGroupArn`: the log group the trail also delivers to (CIS 4.x metric filters).
    pub cloudwatch_log_group_arn: Option<String>,
    pub locator: String,
}

/// One entry of `describe-regions`' `Regions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Region {
    pub name: String,
    pub opt_in_status: Option<String>,
}

impl Region {
    /// Whether the region is enabled for the account. Only `not-opted-in` means disabled: regions that
    /// need no opt-in, opted-in ones, exports without the field (before opt-in regions existed, or
    /// `describe-regions` without `--all-regions`, which lists enabled regions only) and any status
    /// AWS may add later count as enabled, so logging coverage is asked of them rather than waived.
    pub(crate) fn enabled(&self) -> bool {
        self.opt_in_status.as_deref() != Some("not-opted-in")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TrailConfig {
    Trails(Vec<Trail>),
    Status(TrailStatus),
    Selectors(EventSelectors),
    Regions(Vec<Region>),
}

impl TrailConfig {
    /// Soft notes about the file, for the inputs listing; empty for trails and regions.
    pub(crate) fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            TrailConfig::Status(status) => &status.notes,
            TrailConfig::Selectors(selectors) => &selectors.notes,
            TrailConfig::Trails(_) | TrailConfig::Regions(_) => &[],
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub(crate) enum TrailConfigError {
    #[error("{path}: invalid JSON ({message}); re-export it with --output json")]
    Json { path: String, message: String },
    #[error("{path}: the recorded API call failed (status_code {status}), so it holds no configuration")]
    FailedCall { path: String, status: String },
    #[error(
        "{path}: not a trail configuration or region export ({found}); expected one of trailList, IsLogging, \
         EventSelectors, AdvancedEventSelectors or Regions at the top level"
    )]
    Unrecognised { path: String, found: String },
    #[error("{path}: {field} is {found}, expected {expected}")]
    WrongType { path: String, field: String, expected: &'static str, found: &'static str },
    #[error("{path}: {field} is '{value}', expected {expected}")]
    BadValue { path: String, field: String, value: String, expected: &'static str },
    #[error("{path}: {field} is missing")]
    Missing { path: String, field: String },
}

/// Parses one export, deciding its kind by the body's top-level keys: `trailList` (describe-trails),
/// `IsLogging` or another get-trail-status time field, `EventSelectors`/`AdvancedEventSelectors`,
/// `Regions` — tried in that order. `path` is the display path, used in errors and for the trail name
/// of status and selector files whose body does not carry one.
pub(crate) fn parse(path: &str, content: &[u8]) -> Result<TrailConfig, TrailConfigError> {
    let value: Value = serde_json::from_slice(strip_bom(content))
        .map_err(|e| TrailConfigError::Json { path: path.to_string(), message: e.to_string() })?;
    let reader = Reader { path };
    let body = match reader.unwrap_recorded(&value)? {
        Value::Object(body) => body,
        other => {
            return Err(TrailConfigError::Unrecognised {
                path: path.to_string(),
                found: format!("the top level is {}", json_kind(other)),
            });
        }
    };
    if body.contains_key("trailList") {
        reader.trails(body).map(TrailConfig::Trails)
    } else if STATUS_KEYS.iter().any(|k| body.contains_key(*k)) {
        reader.status(body).map(TrailConfig::Status)
    } else if body.contains_key("EventSelectors") || body.contains_key("AdvancedEventSelectors") {
        reader.selectors(body).map(TrailConfig::Selectors)
    } else if body.contains_key("Regions") {
        reader.regions(body).map(TrailConfig::Regions)
    } else {
        let mut keys: Vec<&str> = body.keys().map(String::as_str).take(5).collect();
        if body.len() > 5 {
            keys.push("…");
        }
        let found = if keys.is_empty() { "an empty object".into() } else { format!("keys {}", keys.join(", ")) };
        Err(TrailConfigError::Unrecognised { path: path.to_string(), found })
    }
}

/// Part `index` of `arn:partition:service:region:account:resource`, if the text is an ARN.
fn arn_part(arn: &str, index: usize) -> Option<&str> {
    let arn = Arn::parse(arn)?;
    let part = match index {
        3 => arn.region,
        4 => arn.account,
        _ => arn.resource?,
    };
    Some(part).filter(|p| !p.is_empty())
}

fn name_from_trail_arn(arn: &str) -> Option<String> {
    let resource = arn_part(arn, 5)?;
    resource.strip_prefix("trail/").filter(|n| !n.is_empty()).map(str::to_string)
}

/// Keys only `get-trail-status` writes; `IsLogging` is the one that matters, the others let a status
/// export whose `IsLogging` was lost still be read (its `is_logging` is then unknown).
const STATUS_KEYS: [&str; 5] =
    ["IsLogging", "LatestDeliveryTime", "StartLoggingTime", "TimeLoggingStarted", "LatestDeliveryAttemptTime"];

/// Reads one file's JSON, naming the file and the field in every error.
struct Reader<'p> {
    path: &'p str,
}

impl Reader<'_> {
    fn unwrap_recorded<'v>(&self, value: &'v Value) -> Result<&'v Value, TrailConfigError> {
        let (Some(status), Some(data)) = (value.get("status_code"), value.get("data")) else {
            return Ok(value);
        };
        let succeeded = match status {
            Value::Number(n) => n.as_u64().is_some_and(|n| (200..300).contains(&n)),
            Value::String(s) => s.trim().parse::<u64>().is_ok_and(|n| (200..300).contains(&n)),
            _ => false,
        };
        if !succeeded {
            return Err(TrailConfigError::FailedCall { path: self.path.to_string(), status: status.to_string() });
        }
        Ok(data)
    }

    fn wrong_type(&self, field: &str, expected: &'static str, found: &Value) -> TrailConfigError {
        TrailConfigError::WrongType {
            path: self.path.to_string(),
            field: field.to_string(),
            expected,
            found: json_kind(found),
        }
    }

    fn bad_value(&self, field: &str, value: &str, expected: &'static str) -> TrailConfigError {
        TrailConfigError::BadValue {
            path: self.path.to_string(),
            field: field.to_string(),
            value: value.chars().take(80).collect(),
            expected,
        }
    }

    fn missing(&self, field: &str) -> TrailConfigError {
        TrailConfigError::Missing { path: self.path.to_string(), field: field.to_string() }
    }

    fn object<'v>(&self, value: &'v Value, at: &str) -> Result<&'v Map<String, Value>, TrailConfigError> {
        value.as_object().ok_or_else(|| self.wrong_type(at, "an object", value))
    }

    /// A list that may be absent or null (→ empty).
    fn list<'v>(&self, obj: &'v Map<String, Value>, key: &str, at: &str) -> Result<&'v [Value], TrailConfigError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(self.wrong_type(&join(at, key), "a list", other)),
        }
    }

    /// A text field; absent, null and `""` (AWS's spelling of "none" in these responses) are `None`.
    fn text<'v>(&self, obj: &'v Map<String, Value>, key: &str, at: &str) -> Result<Option<&'v str>, TrailConfigError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong_type(&join(at, key), "text", other)),
        }
    }

    fn flag(&self, obj: &Map<String, Value>, key: &str, at: &str) -> Result<Option<bool>, TrailConfigError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong_type(&join(at, key), "true or false", other)),
        }
    }

    fn strings<'v>(&self, obj: &'v Map<String, Value>, key: &str, at: &str) -> Result<Vec<&'v str>, TrailConfigError> {
        let mut out = Vec::new();
        for (i, item) in self.list(obj, key, at)?.iter().enumerate() {
            match item {
                Value::String(s) => out.push(s.as_str()),
                other => return Err(self.wrong_type(&format!("{}[{i}]", join(at, key)), "text", other)),
            }
        }
        Ok(out)
    }

    fn trails(&self, body: &Map<String, Value>) -> Result<Vec<Trail>, TrailConfigError> {
        let items = match body.get("trailList") {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => return Ok(Vec::new()),
            Some(other) => return Err(self.wrong_type("trailList", "a list", other)),
        };
        items.iter().enumerate().map(|(i, item)| self.trail(item, format!("trailList[{i}]"))).collect()
    }

    fn trail(&self, item: &Value, locator: String) -> Result<Trail, TrailConfigError> {
        let obj = self.object(item, &locator)?;
        let at = locator.as_str();
        let arn = self.text(obj, "TrailARN", at)?.map(str::to_string);
        let name = match self.text(obj, "Name", at)? {
            Some(name) => name.to_string(),
            None => arn.as_deref().and_then(name_from_trail_arn).ok_or_else(|| self.missing(&join(at, "Name")))?,
        };
        let home_region = match self.text(obj, "HomeRegion", at)? {
            Some(region) => Some(region.to_string()),
            None => arn.as_deref().and_then(|a| arn_part(a, 3)).map(str::to_string),
        };
        Ok(Trail {
            name,
            account: arn.as_deref().and_then(account_from_arn),
            arn,
            home_region,
            multi_region: self.flag(obj, "IsMultiRegionTrail", at)?,
            organization: self.flag(obj, "IsOrganizationTrail", at)?,
            log_file_validation: self.flag(obj, "LogFileValidationEnabled", at)?,
            kms_key_id: self.text(obj, "KmsKeyId", at)?.map(str::to_string),
            s3_bucket: self.text(obj, "S3BucketName", at)?.map(str::to_string),
            include_global_service_events: self.flag(obj, "IncludeGlobalServiceEvents", at)?,
            custom_event_selectors: self.flag(obj, "HasCustomEventSelectors", at)?,
            cloudwatch_log_group_arn: self.text(obj, "CloudWatchLogsLogGroupArn", at)?.map(str::to_string),
            locator,
        })
    }

    fn regions(&self, body: &Map<String, Value>) -> Result<Vec<Region>, TrailConfigError> {
        let mut regions = Vec::new();
        for (i, item) in self.list(body, "Regions", "")?.iter().enumerate() {
            let at = format!("Regions[{i}]");
            let obj = self.object(item, &at)?;
            let name = self.text(obj, "RegionName", &at)?.ok_or_else(|| self.missing(&join(&at, "RegionName")))?;
            regions.push(Region {
                name: name.to_string(),
                opt_in_status: self.text(obj, "OptInStatus", &at)?.map(str::to_string),
            });
        }
        Ok(regions)
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() { key.to_string() } else { format!("{at}.{key}") }
}

/// Helpers shared by the tests of this module and its children.
#[cfg(test)]
mod testing {
    use super::{TrailConfig, parse};

    /// Real public exports, vendored in the repository (`tests/realdata/SOURCES.md`).
    pub(super) const REALDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/realdata/");

    pub(super) fn real(relative: &str) -> TrailConfig {
        let bytes = std::fs::read(format!("{REALDATA}{relative}")).unwrap();
        parse(relative, &bytes).unwrap()
    }

    pub(super) fn text(path: &str, json: &str) -> TrailConfig {
        parse(path, json.as_bytes()).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{REALDATA, real, text};
    use super::*;

    fn trails(config: TrailConfig) -> Vec<Trail> {
        match config {
            TrailConfig::Trails(trails) => trails,
            other => panic!("not trails: {other:?}"),
        }
    }

    fn regions(config: TrailConfig) -> Vec<Region> {
        match config {
            TrailConfig::Regions(regions) => regions,
            other => panic!("not regions: {other:?}"),
        }
    }

    #[test]
    fn describe_trails_keeps_every_account_and_home_region() {
        let got =
            trails(real("cloud-custodian-placebo/test_cloudtrail_event_selectors/cloudtrail.DescribeTrails_1.json"));
        let names: Vec<&str> = got.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["MultiRegion1CloudTrail", "MultiRegion2CloudTrail", "SingleCloudTrail", "orgTrail"]);
        let second = &got[1];
        assert_eq!(
            *second,
            Trail {
                name: "MultiRegion2CloudTrail".into(),
                arn: Some("arn:aws:cloudtrail:us-east-2:123456789012:trail/MultiRegion2CloudTrail".into()),
                account: Some("123456789012".into()),
                home_region: Some("us-east-2".into()),
                multi_region: Some(true),
                organization: None,
                log_file_validation: Some(true),
                kms_key_id: None,
                s3_bucket: Some("cloudtrail-bucket-123456789012".into()),
                include_global_service_events: Some(true),
                custom_event_selectors: Some(true),
                cloudwatch_log_group_arn: None,
                locator: "trailList[1]".into(),
            }
        );
        assert_eq!(got[2].multi_region, Some(false));
        assert_eq!(got[2].include_global_service_events, Some(false));
        assert_eq!(got[3].account.as_deref(), Some("644160558196"));
        assert_eq!(got[3].organization, Some(true));
        assert_eq!(got[3].custom_event_selectors, Some(false));
    }

    #[test]
    fn describe_trails_reads_kms_key_and_body_home_region() {
        let got = trails(real("cloud-custodian-placebo/test_account_trail/cloudtrail.DescribeTrails_1.json"));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].name, "skunk-trails");
        assert_eq!(
            got[0].kms_key_id.as_deref(),
            Some("arn:aws:kms:us-east-1:644160558196:key/36812ccf-daaf-49b1-a24b-0eef254ffe41")
        );
        assert_eq!(got[0].organization, None);
        assert_eq!(got[0].custom_event_selectors, None);
        // An edited fixture whose HomeRegion disagrees with the ARN: the body's field is what AWS reports.
        let got = trails(real(
            "cloud-custodian-placebo/test_account_trail_different_region/cloudtrail.DescribeTrails_1.json",
        ));
        assert_eq!(got[0].home_region.as_deref(), Some("us-west-2"));
        let empty = real("cloud-custodian-placebo/test_account_data_events/cloudtrail.DescribeTrails_2.json");
        assert_eq!(empty, TrailConfig::Trails(Vec::new()));
    }

    #[test]
    fn cloudmapper_exports_are_read_bare() {
        let got = trails(real("cloudmapper-demo/account-data/demo/us-east-1/cloudtrail-describe-trails.json"));
        assert_eq!(got.len(), 1);
        let trail = &got[0];
        assert_eq!(trail.name, "cloudtrail");
        assert_eq!(trail.arn.as_deref(), Some("arn:aws:cloudtrail:us-east-1:123456789012:trail/cloudtrail"));
        assert_eq!(trail.account.as_deref(), Some("123456789012"));
        assert_eq!(trail.home_region.as_deref(), Some("us-east-1"));
        assert_eq!(
            (trail.multi_region, trail.organization, trail.log_file_validation, trail.include_global_service_events),
            (Some(false), Some(true), Some(true), Some(true))
        );
        assert_eq!((trail.kms_key_id.as_deref(), trail.s3_bucket.as_deref()), (None, Some("demo-logs")));

        let got = regions(real("cloudmapper-demo/account-data/demo/describe-regions.json"));
        assert_eq!(got, [Region { name: "us-east-1".into(), opt_in_status: None }]);
        assert!(got[0].enabled());
    }

    /// Every recorded CloudTrail response in the placebo set parses as its kind; the totals were counted
    /// with jq over the same files.
    #[test]
    fn every_placebo_cloudtrail_response_parses() {
        // One folder per recorded test; the source's LICENSE sits beside them.
        let mut files: Vec<_> = std::fs::read_dir(format!("{REALDATA}cloud-custodian-placebo"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_dir())
            .flat_map(|dir| std::fs::read_dir(dir).unwrap())
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("cloudtrail."))
            .collect();
        files.sort();
        let (mut trail_count, mut with_kms, mut statuses, mut selectors, mut advanced) = (0, 0, 0, 0, 0);
        let mut accounts = std::collections::BTreeMap::new();
        for file in &files {
            let display = file.to_string_lossy();
            let config = parse(&display, &std::fs::read(file).unwrap()).unwrap();
            assert!(config.diagnostics().is_empty(), "{display}: {:?}", config.diagnostics());
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            match config {
                TrailConfig::Trails(trails) if name.starts_with("cloudtrail.DescribeTrails") => {
                    trail_count += trails.len();
                    with_kms += trails.iter().filter(|t| t.kms_key_id.is_some()).count();
                    for trail in trails {
                        *accounts.entry(trail.account.unwrap()).or_insert(0) += 1;
                    }
                }
                TrailConfig::Status(status) if name.starts_with("cloudtrail.GetTrailStatus") => {
                    statuses += 1;
                    assert!(status.is_logging.is_some(), "{display}");
                    assert_eq!(status.trail, None, "{display}");
                }
                TrailConfig::Selectors(found) if name.starts_with("cloudtrail.GetEventSelectors") => {
                    selectors += 1;
                    advanced += usize::from(found.advanced);
                    assert!(found.trail.unwrap().starts_with("arn:aws:cloudtrail:"), "{display}");
                }
                other => panic!("{display} parsed as {other:?}"),
            }
        }
        assert_eq!(files.len(), 75);
        assert_eq!((trail_count, with_kms, statuses, selectors, advanced), (55, 10, 23, 16, 2));
        let expected: std::collections::BTreeMap<String, i32> =
            [("123456789012".into(), 7), ("619193117841".into(), 1), ("644160558196".into(), 47)].into();
        assert_eq!(accounts, expected);
    }

    #[test]
    fn wrapped_and_bare_bodies_read_the_same() {
        let body = r#"{"trailList": [{"Name": "main",
            "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main",
            "IsMultiRegionTrail": true, "IsLogging": "not a trail field", "Tags": [{"Key": "a"}]}],
            "NextToken": null, "ResponseMetadata": {"HTTPStatusCode": 200}}"#;
        let bare = text("bare.json", body);
        let wrapped = text("wrapped.json", &format!(r#"{{"status_code": 200, "data": {body}}}"#));
        assert_eq!(bare, wrapped);
        let with_bom = parse("bom.json", &[b"\xEF\xBB\xBF".as_slice(), body.as_bytes()].concat()).unwrap();
        assert_eq!(with_bom, bare);
        let got = trails(bare);
        assert_eq!(got[0].name, "main");
        assert_eq!(got[0].home_region.as_deref(), Some("eu-west-1"), "home region from the ARN");
        assert_eq!(got[0].multi_region, Some(true));
        // Absent flags are unknown, not false.
        assert_eq!(
            (got[0].organization, got[0].log_file_validation, got[0].include_global_service_events),
            (None, None, None)
        );
    }

    #[test]
    fn a_trail_without_name_takes_it_from_the_arn() {
        let got = trails(text(
            "t.json",
            r#"{"trailList": [{"TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/org/x", "Name": null}]}"#,
        ));
        assert_eq!(got[0].name, "org/x");
        let err = parse("dir/t.json", br#"{"trailList": [{"S3BucketName": "b"}, {}]}"#).unwrap_err();
        assert_eq!(err, TrailConfigError::Missing { path: "dir/t.json".into(), field: "trailList[0].Name".into() });
    }

    #[test]
    fn invalid_json_names_the_file() {
        let err = parse("client.zip!us-east-1/trails.json", b"{\"trailList\": [").unwrap_err();
        assert!(matches!(&err, TrailConfigError::Json { path, .. } if path == "client.zip!us-east-1/trails.json"));
        assert!(err.to_string().starts_with("client.zip!us-east-1/trails.json: invalid JSON"), "{err}");
    }

    #[test]
    fn truncated_files_are_json_errors() {
        for relative in [
            "cloud-custodian-placebo/test_cloudtrail_status/cloudtrail.GetTrailStatus_2.json",
            concat!(
                "cloud-custodian-placebo/test_cloudtrail_fail_management_advanced_events_included/",
                "cloudtrail.GetEventSelectors_1.json"
            ),
            "cloudmapper-demo/account-data/demo/us-east-1/cloudtrail-describe-trails.json",
        ] {
            let bytes = std::fs::read(format!("{REALDATA}{relative}")).unwrap();
            let end = bytes.trim_ascii_end().len();
            for cut in 0..end {
                let got = parse(relative, &bytes[..cut]);
                assert!(matches!(got, Err(TrailConfigError::Json { .. })), "{relative} cut at {cut}: {got:?}");
            }
        }
    }

    #[test]
    fn wrong_types_are_errors_naming_the_field() {
        let wrong = |json: &str| match parse("f.json", json.as_bytes()) {
            Err(TrailConfigError::WrongType { field, expected, found, .. }) => (field, expected, found),
            other => panic!("{json}: {other:?}"),
        };
        assert_eq!(wrong(r#"{"trailList": {"Name": "x"}}"#), ("trailList".into(), "a list", "an object"));
        assert_eq!(wrong(r#"{"trailList": ["x"]}"#), ("trailList[0]".into(), "an object", "a string"));
        assert_eq!(
            wrong(r#"{"trailList": [{"Name": "a"}, {"Name": "b", "IsMultiRegionTrail": "true"}]}"#),
            ("trailList[1].IsMultiRegionTrail".into(), "true or false", "a string")
        );
        assert_eq!(wrong(r#"{"trailList": [{"Name": 7}]}"#), ("trailList[0].Name".into(), "text", "a number"));
        assert_eq!(wrong(r#"{"Regions": "us-east-1"}"#), ("Regions".into(), "a list", "a string"));
        assert_eq!(
            wrong(r#"{"Regions": [{"RegionName": ["us-east-1"]}]}"#),
            ("Regions[0].RegionName".into(), "text", "an array")
        );
        let err = parse("f.json", br#"{"Regions": [{"Endpoint": "ec2.us-east-1.amazonaws.com"}]}"#).unwrap_err();
        assert_eq!(err, TrailConfigError::Missing { path: "f.json".into(), field: "Regions[0].RegionName".into() });
    }

    #[test]
    fn other_documents_are_not_guessed_at() {
        for (json, found) in [
            (r#"[{"Name": "x"}]"#, "the top level is an array"),
            (r#"{}"#, "an empty object"),
            (r#"{"SecurityGroups": []}"#, "keys SecurityGroups"),
            (r#"{"status_code": 200, "data": null}"#, "the top level is null"),
        ] {
            assert_eq!(
                parse("f.json", json.as_bytes()).unwrap_err(),
                TrailConfigError::Unrecognised { path: "f.json".into(), found: found.into() },
                "{json}"
            );
        }
        let err = parse("f.json", br#"{"status_code": 403, "data": {"Error": {"Code": "AccessDenied"}}}"#).unwrap_err();
        assert_eq!(err, TrailConfigError::FailedCall { path: "f.json".into(), status: "403".into() });
    }

    #[test]
    fn regions_are_enabled_unless_not_opted_in() {
        let got = regions(text(
            "describe-regions.json",
            r#"{"Regions": [{"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required", "Endpoint": "e"},
                {"RegionName": "af-south-1", "OptInStatus": "opted-in"},
                {"RegionName": "ap-east-1", "OptInStatus": "not-opted-in"}, {"RegionName": "eu-west-1"}]}"#,
        ));
        let enabled: Vec<(&str, bool)> = got.iter().map(|r| (r.name.as_str(), r.enabled())).collect();
        assert_eq!(enabled, [("us-east-1", true), ("af-south-1", true), ("ap-east-1", false), ("eu-west-1", true)]);
        assert_eq!(got[2].opt_in_status.as_deref(), Some("not-opted-in"));
    }
}
