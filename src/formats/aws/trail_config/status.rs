//! `get-trail-status`: whether a trail is logging, and when it last delivered, started and stopped.

use chrono::{DateTime, NaiveDate, TimeDelta};
use serde_json::{Map, Value};

use super::{Reader, TrailConfigError, trail_from_path};
use crate::diagnostic::Diagnostic;
use crate::timefmt::{Instant, format_instant, parse_timestamp};

/// `get-trail-status` for one trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailStatus {
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
