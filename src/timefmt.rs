//! Timestamps as evidence spells them, and whole-day ages measured against an as-of instant.
//!
//! gapscope never reads the wall clock: every age is `floor((as_of - t) / 86400 s)` with `as_of`
//! taken from the evidence or from `--as-of` (DESIGN.md §5).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

pub(crate) type Instant = DateTime<Utc>;

/// Parses an evidence timestamp: RFC 3339 with `Z` or an offset, the same without a zone (taken as
/// UTC, as AWS exports are), or with a `+0000`-style offset. Returns `None` for anything else.
pub(crate) fn parse_timestamp(text: &str) -> Option<Instant> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc());
        }
    }
    None
}

/// Parses a user-given instant: RFC 3339, or a bare `YYYY-MM-DD` meaning 00:00 UTC of that day.
pub(crate) fn parse_as_of(text: &str) -> Result<Instant, String> {
    if let Ok(day) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("'{text}' is neither RFC 3339 (2026-09-30T17:45:12Z) nor YYYY-MM-DD"))
}

/// Whole days from `t` to `as_of`, rounded down; negative when `t` lies after `as_of`.
pub(crate) fn age_days(as_of: Instant, t: Instant) -> i64 {
    (as_of - t).num_seconds().div_euclid(86_400)
}

/// `2026-09-30T17:45:12Z`: the one spelling of an instant in gapscope's outputs.
pub(crate) fn format_instant(t: Instant) -> String {
    use chrono::{Datelike, Timelike};
    // Spelled out rather than through a strftime pattern, which is parsed again at every call: the
    // outputs write an instant per observation of every period control (millions).
    match t.year() {
        0..=9999 => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        _ => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}

/// An instant from epoch seconds, as the CloudTrail tallies keep time.
pub(crate) fn from_epoch(seconds: i64) -> Option<Instant> {
    DateTime::from_timestamp(seconds, 0)
}

/// [`format_instant`] of epoch seconds (the bare number for one chrono cannot represent).
pub(crate) fn format_epoch(seconds: i64) -> String {
    from_epoch(seconds).map(format_instant).unwrap_or_else(|| seconds.to_string())
}

/// `2026-09-30`: the UTC day of an instant.
pub(crate) fn format_day(t: Instant) -> String {
    use chrono::Datelike;
    match t.year() {
        0..=9999 => format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day()),
        _ => t.format("%Y-%m-%d").to_string(),
    }
}

/// The longest observation period gapscope accepts or derives: ten years (3,660 days). A SOC 2
/// Type II period is 3 to 12 months; every account × region × day of the period is a row of
/// coverage.csv and a cell of the report's heat map, so an unbounded period (`0001-01-01..9999-12-31`,
/// 3.65 million days) would cost gigabytes for no evidence.
pub(crate) const MAX_PERIOD_DAYS: i64 = 3660;

/// An observation period of whole UTC days, both ends inclusive (`--period FROM..TO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub(crate) fn parse(text: &str) -> Result<Period, String> {
        let (from, to) =
            text.split_once("..").ok_or_else(|| format!("'{text}' is not FROM..TO (e.g. 2026-07-01..2026-09-30)"))?;
        let day = |s: &str| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| format!("'{s}' in --period is not a YYYY-MM-DD date"))
        };
        let (from, to) = (day(from)?, day(to)?);
        if from > to {
            return Err(format!("--period starts ({from}) after it ends ({to})"));
        }
        let days = (to - from).num_days() + 1;
        if days > MAX_PERIOD_DAYS {
            return Err(format!(
                "{from}..{to} spans {days} days; an observation period may span at most {MAX_PERIOD_DAYS} days \
                 (10 years): analyse a shorter period, or one run per period"
            ));
        }
        Ok(Period { from, to })
    }
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org): the one timestamp a build may pin. Unset or empty
/// is `None` (the specification treats an empty value as unset); a value that is not a non-negative
/// whole number of seconds is an error, never silently ignored.
pub(crate) fn source_date_epoch() -> Result<Option<Instant>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => parse_source_date_epoch(&text),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err("SOURCE_DATE_EPOCH is not a number of seconds".into()),
    }
}

/// The value of `SOURCE_DATE_EPOCH`: ASCII digits only, as `date +%s` prints them for any date from
/// 1970 on (so no sign, no fraction, no exponent); empty means unset.
fn parse_source_date_epoch(text: &str) -> Result<Option<Instant>, String> {
    let digits = text.trim();
    if digits.is_empty() {
        return Ok(None);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "SOURCE_DATE_EPOCH={text:?} is not a non-negative whole number of seconds since 1970-01-01 (unset it, \
             or set it to the output of `date +%s`)"
        ));
    }
    let seconds: i64 = digits.parse().map_err(|_| format!("SOURCE_DATE_EPOCH={text:?} is out of range"))?;
    let t = from_epoch(seconds).ok_or_else(|| format!("SOURCE_DATE_EPOCH={text:?} is out of range"))?;
    Ok(Some(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_and_days_are_spelled_as_chrono_spells_them_whatever_the_year() {
        for text in ["2026-09-30T17:45:12Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:09Z"] {
            let t = parse_timestamp(text).unwrap();
            assert_eq!(format_instant(t), text);
            assert_eq!(format_instant(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            assert_eq!(format_day(t), t.format("%Y-%m-%d").to_string());
        }
        let far = DateTime::from_timestamp(400_000_000_000, 0).unwrap();
        assert_eq!(format_instant(far), far.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    }

    fn t(s: &str) -> Instant {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn accepts_the_spellings_real_exports_use() {
        let z = t("2026-09-30T17:45:12Z");
        assert_eq!(t("2026-09-30T17:45:12+00:00"), z);
        assert_eq!(t("2026-09-30T19:45:12+02:00"), z);
        assert_eq!(t("2026-09-30T17:45:12"), z);
        assert_eq!(t("2026-09-30T17:45:12.000Z"), z);
        assert_eq!(t("2026-09-30T17:45:12+0000"), z);
        for bad in ["", "N/A", "no_information", "2026-13-01T00:00:00Z", "yesterday"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn ages_are_whole_days_rounded_down() {
        let as_of = t("2026-09-30T12:00:00Z");
        assert_eq!(age_days(as_of, t("2026-07-02T12:00:00Z")), 90);
        assert_eq!(age_days(as_of, t("2026-07-02T12:00:01Z")), 89);
        assert_eq!(age_days(as_of, t("2026-07-02T11:59:59Z")), 90);
        assert_eq!(age_days(as_of, t("2026-07-01T12:00:00Z")), 91);
        assert_eq!(age_days(as_of, t("2026-09-30T12:00:01Z")), -1);
    }

    #[test]
    fn as_of_accepts_a_day_or_an_instant() {
        assert_eq!(parse_as_of("2026-09-30").unwrap(), t("2026-09-30T00:00:00Z"));
        assert_eq!(parse_as_of("2026-09-30T17:45:12Z").unwrap(), t("2026-09-30T17:45:12Z"));
        assert!(parse_as_of("30/09/2026").is_err());
    }

    #[test]
    fn period_is_inclusive_and_ordered() {
        let p = Period::parse("2026-07-01..2026-09-30").unwrap();
        assert_eq!(p.from.to_string(), "2026-07-01");
        assert!(Period::parse("2026-09-30..2026-07-01").is_err());
        assert!(Period::parse("2026-07-01").is_err());
    }

    #[test]
    fn negative_source_date_epoch_is_refused() {
        for bad in ["-1", "-0", "+5", "1.5", "1e9", "0x10", "12 34", "soon"] {
            let err = parse_source_date_epoch(bad).unwrap_err();
            assert!(err.contains("SOURCE_DATE_EPOCH") && err.contains("non-negative"), "{bad}: {err}");
        }
        assert!(parse_source_date_epoch("99999999999999999999").unwrap_err().contains("out of range"));
    }

    #[test]
    fn empty_source_date_epoch_is_unset() {
        assert_eq!(parse_source_date_epoch(""), Ok(None));
        assert_eq!(parse_source_date_epoch("  "), Ok(None));
        assert_eq!(parse_source_date_epoch("0"), Ok(Some(t("1970-01-01T00:00:00Z"))));
        assert_eq!(parse_source_date_epoch("1790000000\n"), Ok(Some(t("2026-09-21T14:13:20Z"))));
    }

    #[test]
    fn a_period_longer_than_ten_years_is_refused() {
        let e = Period::parse("0001-01-01..9999-12-31").unwrap_err();
        assert!(e.contains("spans 3652059 days") && e.contains("at most 3660 days"), "{e}");
        assert!(Period::parse("2016-01-01..2026-01-07").is_ok());
        assert!(Period::parse("2016-01-01..2026-01-08").is_err());
    }
}
