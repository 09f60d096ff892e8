//! The trail configuration exports of each account, as `aws … --output json` writes them
//! (4-space indent, keys in API order): describe-trails, get-trail-status, get-event-selectors,
//! ec2 describe-regions and, with digests, list-public-keys.

use std::path::Path;

use anyhow::Result;
use base64::Engine as _;
use serde::Serialize;

use crate::common::{DAY, write_file};

/// One account's trail as the options configure it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Trail {
    pub(crate) account: String,
    pub(crate) name: String,
    pub(crate) arn: String,
    pub(crate) home_region: String,
    pub(crate) bucket: String,
    pub(crate) multi_region: bool,
    pub(crate) logging: bool,
    pub(crate) log_file_validation: bool,
    pub(crate) kms_key_id: Option<String>,
    /// `All` or `WriteOnly`.
    pub(crate) read_write_type: &'static str,
    pub(crate) include_management_events: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TrailOut<'a> {
    name: &'a str,
    #[serde(rename = "S3BucketName")]
    s3_bucket_name: &'a str,
    include_global_service_events: bool,
    is_multi_region_trail: bool,
    home_region: &'a str,
    #[serde(rename = "TrailARN")]
    trail_arn: &'a str,
    log_file_validation_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<&'a str>,
    has_custom_event_selectors: bool,
    has_insight_selectors: bool,
    is_organization_trail: bool,
}

#[derive(Serialize)]
struct TrailList<'a> {
    #[serde(rename = "trailList")]
    trail_list: Vec<TrailOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Status {
    is_logging: bool,
    latest_delivery_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_digest_delivery_time: Option<String>,
    start_logging_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_logging_time: Option<String>,
    latest_delivery_attempt_time: String,
    latest_notification_attempt_time: String,
    latest_notification_attempt_succeeded: String,
    latest_delivery_attempt_succeeded: String,
    time_logging_started: String,
    time_logging_stopped: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Selector {
    read_write_type: &'static str,
    include_management_events: bool,
    data_resources: Vec<()>,
    exclude_management_event_sources: Vec<()>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Selectors<'a> {
    #[serde(rename = "TrailARN")]
    trail_arn: &'a str,
    event_selectors: Vec<Selector>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RegionOut {
    endpoint: String,
    region_name: String,
    opt_in_status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Regions {
    regions: Vec<RegionOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PublicKey {
    value: String,
    validity_start_time: String,
    validity_end_time: String,
    fingerprint: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PublicKeys {
    public_key_list: Vec<PublicKey>,
}

/// The CLI's JSON: 4-space indent and a final newline.
pub(crate) fn cli_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, serde_json::ser::PrettyFormatter::with_indent(b"    "));
    value.serialize(&mut ser)?;
    out.push(b'\n');
    Ok(out)
}

/// `2026-10-01T07:55:12.345000+00:00`, how CLI v2 prints API timestamps.
fn cli_time(t: i64, millis: i64) -> String {
    let z = super::record::event_time(t);
    format!("{}.{millis:03}000+00:00", z.trim_end_matches('Z'))
}

/// Writes one account's exports into `dir` (`config/<account>/`). `last_delivery` is the newest
/// log file time of the account.
pub(crate) fn write(dir: &Path, t: &Trail, regions: &[String], day0: i64, last_delivery: i64) -> Result<()> {
    let list = TrailList {
        trail_list: vec![TrailOut {
            name: &t.name,
            s3_bucket_name: &t.bucket,
            include_global_service_events: true,
            is_multi_region_trail: t.multi_region,
            home_region: &t.home_region,
            trail_arn: &t.arn,
            log_file_validation_enabled: t.log_file_validation,
            kms_key_id: t.kms_key_id.as_deref(),
            has_custom_event_selectors: t.read_write_type != "All",
            has_insight_selectors: false,
            is_organization_trail: false,
        }],
    };
    write_file(&dir.join("cloudtrail-describe-trails.json"), &cli_json(&list)?)?;
    let started = day0 - 400 * DAY + 37_815;
    let stopped = (!t.logging).then(|| cli_time(last_delivery + 1_200, 412));
    let status = Status {
        is_logging: t.logging,
        latest_delivery_time: cli_time(last_delivery + 40, 118),
        latest_digest_delivery_time: t.log_file_validation.then(|| cli_time(last_delivery + 700, 902)),
        start_logging_time: cli_time(started, 77),
        stop_logging_time: stopped.clone(),
        latest_delivery_attempt_time: super::record::event_time(last_delivery + 40),
        latest_notification_attempt_time: String::new(),
        latest_notification_attempt_succeeded: String::new(),
        latest_delivery_attempt_succeeded: super::record::event_time(last_delivery + 40),
        time_logging_started: super::record::event_time(started),
        time_logging_stopped: stopped.map(|_| super::record::event_time(last_delivery + 1_200)).unwrap_or_default(),
    };
    write_file(&dir.join(format!("cloudtrail-get-trail-status-{}.json", t.name)), &cli_json(&status)?)?;
    let selectors = Selectors {
        trail_arn: &t.arn,
        event_selectors: vec![Selector {
            read_write_type: t.read_write_type,
            include_management_events: t.include_management_events,
            data_resources: Vec::new(),
            exclude_management_event_sources: Vec::new(),
        }],
    };
    write_file(&dir.join(format!("cloudtrail-get-event-selectors-{}.json", t.name)), &cli_json(&selectors)?)?;
    let regions = Regions {
        regions: regions
            .iter()
            .map(|r| RegionOut {
                endpoint: format!("ec2.{r}.amazonaws.com"),
                region_name: r.clone(),
                opt_in_status: "opt-in-not-required",
            })
            .collect(),
    };
    write_file(&dir.join("ec2-describe-regions.json"), &cli_json(&regions)?)?;
    Ok(())
}

/// `config/<account>/cloudtrail-list-public-keys.json`: the digest key, valid over the period.
pub(crate) fn write_public_key(dir: &Path, der: &[u8], fingerprint: &str, from: i64, to: i64) -> Result<()> {
    let keys = PublicKeys {
        public_key_list: vec![PublicKey {
            value: base64::engine::general_purpose::STANDARD.encode(der),
            validity_start_time: cli_time(from, 0).replace(".000000", ""),
            validity_end_time: cli_time(to, 0).replace(".000000", ""),
            fingerprint: fingerprint.to_owned(),
        }],
    };
    write_file(&dir.join("cloudtrail-list-public-keys.json"), &cli_json(&keys)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_json_is_indented_by_four() {
        let text = String::from_utf8(cli_json(&serde_json::json!({"A": [1]})).unwrap()).unwrap();
        assert_eq!(text, "{\n    \"A\": [\n        1\n    ]\n}\n");
        assert_eq!(cli_time(20_697 * DAY + 61, 5), "2026-09-01T00:01:01.005000+00:00");
    }
}
