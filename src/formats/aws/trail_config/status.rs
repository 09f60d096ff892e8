//! `get-trail-status`: whether a trail is logging, and when it last delivered, started and stopped.

use chrono::{DateTime, NaiveDate, TimeDelta};
use serde_json::{Map, Value};

use super::{Reader, TrailConfigError, trail_from_path};
use crate::diagnostic::Diagnostic;
use crate::timefmt::{Instant, format_instant, parse_timestamp};

/// `get-trail-status` for one trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TrailStatus {
    /// Name or ARN: `TrailARN` or `Name` in the body when present, else from the file name
    /// (`get-trail-status-main-trail.json` → `main-trail`; `cloudtrail.GetTrailStatus_1.json` → `None`).
    pub trail: Option<String>,
    pub is_logging: Option<bool>,
    pub latest_delivery: Option<Instant>,
    pub start_logging: Option<Instant>,
    pub stop_logging: Option<Instant>,
    pub latest_delivery_error: Option<String>,
    /// Assumptions made while reading the file (a timestamp without a time zone taken as UTC).
    pub notes: Vec<Diagnostic>,
}

/// The widest offset between local time and UTC in use (UTC+14, Kiribati): a zoneless recorded time
/// further than this from its UTC twin cannot be the same moment.
const MAX_ZONE_OFFSET_SECONDS: i64 = 14 * 3600;

/// Zone offsets are whole quarter hours (Nepal's +05:45 is the finest in use).
const ZONE_OFFSET_STEP_SECONDS: i64 = 15 * 60;

/// How far a zoneless time may sit from its UTC twin, after removing the zone offset, and still be the
/// same moment: the twins are written together, but one may be truncated to whole seconds.
const TWIN_TOLERANCE_SECONDS: i64 = 60;

/// `get-trail-status` time fields and the legacy string field AWS fills with the same moment in UTC.
/// The legacy fields are documented as "no longer in use" but real responses still carry them, and they
/// rescue recordings whose datetime objects were written in the recorder's local time without a zone.
const STATUS_TIMES: [(&str, &str); 3] = [
    ("LatestDeliveryTime", "LatestDeliveryAttemptSucceeded"),
    ("StartLoggingTime", "TimeLoggingStarted"),
    ("StopLoggingTime", "TimeLoggingStopped"),
];

/// A timestamp as read, remembering whether it named its zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    Utc(Instant),
    /// No zone in the data: the wall-clock time, provisionally read as UTC.
    Zoneless(Instant),
}

impl Reader<'_> {
    pub(super) fn status(&self, body: &Map<String, Value>) -> Result<TrailStatus, TrailConfigError> {
        let mut notes = Vec::new();
        let mut times = [None; 3];
        for (slot, (key, legacy)) in times.iter_mut().zip(STATUS_TIMES) {
            *slot = self.status_time(body, key, legacy, &mut notes)?;
        }
        let [latest_delivery, start_logging, stop_logging] = times;
        let from_body = match self.text(body, "TrailARN", "")? {
            Some(arn) => Some(arn),
            None => self.text(body, "Name", "")?,
        };
        Ok(TrailStatus {
            trail: from_body.map(str::to_string).or_else(|| trail_from_path(self.path, &STATUS_STEMS)),
            is_logging: self.flag(body, "IsLogging", "")?,
            latest_delivery,
            start_logging,
            stop_logging,
            latest_delivery_error: self.text(body, "LatestDeliveryError", "")?.map(str::to_string),
            notes,
        })
    }

    /// Reads `key`, correcting a zoneless value with its UTC twin `legacy` when the two are the same
    /// moment seen from one time zone; falls back to `legacy` when `key` is absent.
    fn status_time(
        &self,
        body: &Map<String, Value>,
        key: &str,
        legacy: &str,
        notes: &mut Vec<Diagnostic>,
    ) -> Result<Option<Instant>, TrailConfigError> {
        let (stamp, field) = match (self.stamp(body, key)?, self.stamp(body, legacy)?) {
            (Some(Stamp::Zoneless(local)), Some(Stamp::Utc(utc))) => match same_moment(local, utc) {
                Some(t) => return Ok(Some(t)),
                None => (Stamp::Zoneless(local), key),
            },
            (Some(stamp), _) => (stamp, key),
            (None, Some(stamp)) => (stamp, legacy),
            (None, None) => return Ok(None),
        };
        Ok(Some(match stamp {
            Stamp::Utc(t) => t,
            Stamp::Zoneless(t) => {
                notes.push(Diagnostic::new(
                    self.path,
                    Some(field.to_string()),
                    format!(
                        "{field} has no time zone; taken as {} UTC (recorders often write local time, so it may be \
                         off by up to 14 hours)",
                        format_instant(t)
                    ),
                ));
                t
            }
        }))
    }

    /// A timestamp in any spelling these exports use: RFC 3339 text (zoneless text is wall-clock time),
    /// epoch seconds (the AWS CLI v1 writes `1454022144.869`) or milliseconds, or a recorded Python
    /// datetime object (`{"__class__": "datetime", "year": …}`, which carries no zone).
    fn stamp(&self, obj: &Map<String, Value>, key: &str) -> Result<Option<Stamp>, TrailConfigError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => {
                let t = parse_timestamp(s).ok_or_else(|| self.bad_value(key, s, "a timestamp"))?;
                Ok(Some(if has_zone(s) { Stamp::Utc(t) } else { Stamp::Zoneless(t) }))
            }
            Some(Value::Number(n)) => epoch(n.as_f64())
                .map(|t| Some(Stamp::Utc(t)))
                .ok_or_else(|| self.bad_value(key, &n.to_string(), "a time")),
            Some(Value::Object(map)) if map.get("__class__").and_then(Value::as_str) == Some("datetime") => {
                let t = recorded_datetime(map)
                    .ok_or_else(|| self.bad_value(key, &Value::Object(map.clone()).to_string(), "a valid date"))?;
                Ok(Some(Stamp::Zoneless(t)))
            }
            Some(other) => Err(self.wrong_type(key, "a timestamp", other)),
        }
    }
}

/// The UTC moment a zoneless wall-clock time stands for, given its UTC twin: their difference must be a
/// real zone offset (whole quarter hours, at most 14 h) up to truncation. Keeps the local value's
/// sub-second part, which the twin (whole seconds) lacks.
fn same_moment(local: Instant, utc: Instant) -> Option<Instant> {
    let diff = (local - utc).num_seconds();
    let offset = (diff as f64 / ZONE_OFFSET_STEP_SECONDS as f64).round() as i64 * ZONE_OFFSET_STEP_SECONDS;
    let fits = offset.abs() <= MAX_ZONE_OFFSET_SECONDS && (diff - offset).abs() <= TWIN_TOLERANCE_SECONDS;
    if !fits {
        return None;
    }
    local.checked_sub_signed(TimeDelta::seconds(offset))
}

fn has_zone(text: &str) -> bool {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text).is_ok() || DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z").is_ok()
}

/// Epoch seconds, or milliseconds above 1e11 (1e11 seconds is the year 5138), to the microsecond.
fn epoch(n: Option<f64>) -> Option<Instant> {
    let n = n.filter(|n| n.is_finite())?;
    let seconds = if n.abs() > 1e11 { n / 1000.0 } else { n };
    let whole = seconds.floor();
    let micros = ((seconds - whole) * 1e6).round() as i64;
    DateTime::from_timestamp(whole as i64, 0)?.checked_add_signed(TimeDelta::microseconds(micros))
}

fn recorded_datetime(map: &Map<String, Value>) -> Option<Instant> {
    let part = |key: &str, default: Option<u64>| match map.get(key) {
        None => default,
        Some(v) => v.as_u64().filter(|&n| n <= u32::MAX as u64),
    };
    let year = i32::try_from(part("year", None)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, part("month", None)? as u32, part("day", None)? as u32)?;
    let time = date.and_hms_micro_opt(
        part("hour", Some(0))? as u32,
        part("minute", Some(0))? as u32,
        part("second", Some(0))? as u32,
        part("microsecond", Some(0))? as u32,
    )?;
    Some(time.and_utc())
}

const STATUS_STEMS: [&str; 3] = ["get-trail-status", "get_trail_status", "gettrailstatus"];

#[cfg(test)]
mod tests {
    use super::super::testing::{real, text};
    use super::super::{TrailConfig, TrailConfigError, parse};
    use super::*;

    fn status(config: TrailConfig) -> TrailStatus {
        match config {
            TrailConfig::Status(status) => status,
            other => panic!("not a status: {other:?}"),
        }
    }

    fn t(s: &str) -> Instant {
        parse_timestamp(s).unwrap()
    }

    /// Placebo recorded the datetimes in the recorder's local time without a zone; the legacy string
    /// fields beside them hold the same moments in UTC (checked by hand: 19:07:56 local = 23:07:56Z).
    #[test]
    fn recorded_local_datetimes_are_corrected_by_their_utc_twins() {
        let got = status(real("cloud-custodian-placebo/test_account_trail/cloudtrail.GetTrailStatus_1.json"));
        assert_eq!(
            got,
            TrailStatus {
                trail: None,
                is_logging: Some(true),
                latest_delivery: Some(t("2016-08-07T23:07:56.058Z")),
                start_logging: Some(t("2016-07-24T08:57:57.360Z")),
                stop_logging: None,
                latest_delivery_error: None,
                notes: Vec::new(),
            }
        );
        // One recorder, two offsets: +02:00 in November 2022, +03:00 (summer time) in September 2023.
        let got = status(real(
            "cloud-custodian-placebo/test_cloudtrail_success_regex_log_metric_filter/cloudtrail.GetTrailStatus_1.json",
        ));
        assert_eq!(got.start_logging, Some(t("2022-11-22T12:08:48.545Z")));
        assert_eq!(got.latest_delivery, Some(t("2023-09-22T10:05:09.323Z")));
        assert_eq!(got.stop_logging, None);
    }

    #[test]
    fn a_stopped_trail_has_its_stop_time() {
        let got = status(real("cloud-custodian-placebo/test_cloudtrail_status/cloudtrail.GetTrailStatus_1.json"));
        assert_eq!(got.is_logging, Some(false));
        assert_eq!(got.stop_logging, Some(t("2018-01-14T11:19:40.347Z")));
        assert_eq!(got.start_logging, Some(t("2017-11-06T09:22:45.693Z")));
        assert_eq!(got.latest_delivery, Some(t("2018-01-14T11:25:59.630Z")));
        // A trail never started: AWS writes "" for the times it does not have.
        let got = status(real("cloud-custodian-placebo/test_cloudtrail_create/cloudtrail.GetTrailStatus_1.json"));
        assert_eq!(
            (got.is_logging, got.latest_delivery, got.start_logging, got.stop_logging),
            (Some(false), None, None, None)
        );
    }

    /// The AWS CLI v1 documentation's example output writes times as epoch seconds (values converted
    /// with `date -u -d @1454022144.869`).
    #[test]
    fn epoch_seconds_and_milliseconds() {
        let got = status(text(
            "get-trail-status-Trail1.json",
            r#"{"LatestNotificationTime": 1454022144.869, "LatestDeliveryAttemptTime": "2016-01-28T23:02:24Z",
                "LatestDeliveryTime": 1454022144.869, "TimeLoggingStarted": "2015-11-06T18:36:38Z",
                "IsLogging": true, "StartLoggingTime": 1446834998.695, "StopLoggingTime": 1525132800.0,
                "LatestDeliveryError": "AccessDenied"}"#,
        ));
        assert_eq!(got.trail.as_deref(), Some("Trail1"));
        assert_eq!(got.latest_delivery, Some(t("2016-01-28T23:02:24.869Z")));
        assert_eq!(got.start_logging, Some(t("2015-11-06T18:36:38.695Z")));
        assert_eq!(got.stop_logging, Some(t("2018-05-01T00:00:00Z")));
        assert_eq!(got.latest_delivery_error.as_deref(), Some("AccessDenied"));
        assert!(got.notes.is_empty());
        let got = status(text("s.json", r#"{"IsLogging": false, "LatestDeliveryTime": 1454022144869}"#));
        assert_eq!(got.latest_delivery, Some(t("2016-01-28T23:02:24.869Z")));
    }

    #[test]
    fn iso_strings_with_and_without_a_zone() {
        let got = status(text(
            "s.json",
            r#"{"IsLogging": true, "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
                "LatestDeliveryTime": "2026-09-30T19:45:12+02:00", "StartLoggingTime": "2026-07-01T08:00:00"}"#,
        ));
        assert_eq!(got.trail.as_deref(), Some("arn:aws:cloudtrail:us-east-1:111122223333:trail/t"));
        assert_eq!(got.latest_delivery, Some(t("2026-09-30T17:45:12Z")));
        assert_eq!(got.start_logging, Some(t("2026-07-01T08:00:00Z")), "no zone is UTC");
        assert_eq!(got.notes.len(), 1);
        assert_eq!(got.notes[0].locator.as_deref(), Some("StartLoggingTime"));
        assert!(got.notes[0].message.contains("taken as 2026-07-01T08:00:00Z UTC"), "{:?}", got.notes);
    }

    #[test]
    fn a_zoneless_datetime_without_a_matching_twin_is_taken_as_utc_and_noted() {
        let got = status(text(
            "s.json",
            r#"{"IsLogging": true,
                "StartLoggingTime": {"__class__": "datetime", "year": 2023, "month": 9, "day": 22, "hour": 11,
                                     "minute": 32, "second": 21, "microsecond": 187000},
                "StopLoggingTime": {"__class__": "datetime", "year": 2023, "month": 9, "day": 20},
                "TimeLoggingStopped": "2023-09-25T00:00:00Z"}"#,
        ));
        assert_eq!(got.start_logging, Some(t("2023-09-22T11:32:21.187Z")));
        // Five days from its twin is no time zone: the twin describes something else.
        assert_eq!(got.stop_logging, Some(t("2023-09-20T00:00:00Z")));
        let located: Vec<_> = got.notes.iter().map(|n| n.locator.as_deref().unwrap()).collect();
        assert_eq!(located, ["StartLoggingTime", "StopLoggingTime"]);
    }

    #[test]
    fn legacy_fields_stand_in_when_the_main_field_is_missing() {
        let got = status(text("s.json", r#"{"TimeLoggingStarted": "2017-02-07T22:05:54Z", "TimeLoggingStopped": ""}"#));
        assert_eq!(got.is_logging, None, "IsLogging missing is unknown");
        assert_eq!(got.start_logging, Some(t("2017-02-07T22:05:54Z")));
        assert_eq!(got.stop_logging, None);
    }

    #[test]
    fn quarter_hour_zones_match_and_odd_gaps_do_not() {
        let utc = t("2026-01-01T00:00:00Z");
        assert_eq!(same_moment(t("2026-01-01T05:45:00.250Z"), utc), Some(t("2026-01-01T00:00:00.250Z")));
        // 14 hours is the bound either way; the local value (30 s past its whole-second twin) is kept.
        assert_eq!(same_moment(t("2025-12-31T10:00:30Z"), utc), Some(t("2026-01-01T00:00:30Z")));
        assert_eq!(same_moment(t("2026-01-01T00:07:30Z"), utc), None);
        assert_eq!(same_moment(t("2026-01-01T15:00:00Z"), utc), None);
    }

    #[test]
    fn unreadable_times_are_errors_naming_the_field() {
        let err = |json: &str| parse("s.json", json.as_bytes()).unwrap_err();
        assert_eq!(
            err(r#"{"IsLogging": true, "StartLoggingTime": "yesterday"}"#),
            TrailConfigError::BadValue {
                path: "s.json".into(),
                field: "StartLoggingTime".into(),
                value: "yesterday".into(),
                expected: "a timestamp"
            }
        );
        assert!(matches!(
            err(r#"{"IsLogging": true, "LatestDeliveryTime": [2016, 8, 7]}"#),
            TrailConfigError::WrongType { field, found: "an array", .. } if field == "LatestDeliveryTime"
        ));
        assert!(matches!(
            err(r#"{"IsLogging": true,
                "StopLoggingTime": {"__class__": "datetime", "year": 2018, "month": 13, "day": 1}}"#),
            TrailConfigError::BadValue { field, .. } if field == "StopLoggingTime"
        ));
        assert!(matches!(
            err(r#"{"IsLogging": "true"}"#),
            TrailConfigError::WrongType { field, expected: "true or false", .. } if field == "IsLogging"
        ));
        assert!(matches!(err(r#"{"IsLogging": true, "StartLoggingTime": 1e300}"#), TrailConfigError::BadValue { .. }));
    }
}
