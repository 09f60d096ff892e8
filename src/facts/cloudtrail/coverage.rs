//! Which accounts, regions and days the CloudTrail evidence covers over the observation period,
//! and where it does not: the `coverage[]` of findings.json and the rows of coverage.csv.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::aggregate::{Aggregate, Cell, date_to_day, day_to_date};

/// The observation period, inclusive UTC days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ObservationPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// True when `--period` set it; otherwise it spans the records found.
    pub given: bool,
}

impl ObservationPeriod {
    pub(crate) fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    fn day_range(&self) -> (i32, i32) {
        (date_to_day(self.from), date_to_day(self.to))
    }

    /// The first..last UTC day of the bulk of the records ([`bulk_window`]), when there are any: a
    /// few records dated far from the rest name themselves in a note instead of sizing the period.
    pub(crate) fn of_records(aggregate: &Aggregate) -> Option<ObservationPeriod> {
        let mut per_day: BTreeMap<i32, u64> = BTreeMap::new();
        for ((_, _, day), cell) in &aggregate.cells {
            *per_day.entry(*day).or_default() += cell.records;
        }
        let (first, last) = bulk_window(&per_day)?;
        Some(ObservationPeriod { from: day_to_date(first)?, to: day_to_date(last)?, given: false })
    }

    /// Whether a UTC day (days since 1970) lies in the period.
    pub(crate) fn contains_day(&self, day: i32) -> bool {
        let (from, to) = self.day_range();
        (from..=to).contains(&day)
    }
}

/// Records more than this many days from any other record form a separate cluster of dates.
const CLUSTER_GAP_DAYS: i32 = 366;

/// A separate cluster holding fewer than one in this many of the records is an outlier: a planted or
/// mistyped date beside a real archive. Larger clusters are real evidence, and the silence between
/// them is a gap the coverage checks must show (a real archive in the tests has 4,445 records in 2014
/// and 13,168 in 2017-18).
const OUTLIER_SHARE: u64 = 100;

/// The inclusive first..last day of the bulk of dated evidence, from records (or sign-ins) per day:
/// clusters of days (no silence over [`CLUSTER_GAP_DAYS`] inside one) holding fewer than 1 in
/// [`OUTLIER_SHARE`] of the records are left out at either end, and of what remains the window of
/// at most [`crate::timefmt::MAX_PERIOD_DAYS`] holding the most records is taken (ties go to the
/// later). So one record in the year 9999 beside a month of real ones is outside it, and whatever the
/// dates the span is bounded.
pub(crate) fn bulk_window(per_day: &BTreeMap<i32, u64>) -> Option<(i32, i32)> {
    let days: Vec<(i32, u64)> = per_day.iter().map(|(d, n)| (*d, *n)).collect();
    let total: u64 = days.iter().map(|(_, n)| n).sum();
    let mut clusters = Vec::new();
    let mut start = 0;
    while start < days.len() {
        let mut end = start + 1;
        while end < days.len() && days[end].0 - days[end - 1].0 <= CLUSTER_GAP_DAYS {
            end += 1;
        }
        let weight: u64 = days[start..end].iter().map(|(_, n)| n).sum();
        clusters.push((start, end, weight.saturating_mul(OUTLIER_SHARE) >= total));
        start = end;
    }
    let first = clusters.iter().find(|c| c.2).map_or(0, |c| c.0);
    let last = clusters.iter().rev().find(|c| c.2).map_or(days.len(), |c| c.1);
    let days = &days[first..last];
    // The heaviest window of at most `max_span` days (two pointers).
    let max_span = crate::timefmt::MAX_PERIOD_DAYS as i32;
    let mut best: Option<(u64, i32, i32)> = None;
    let (mut left, mut weight) = (0, 0u64);
    for right in 0..days.len() {
        weight += days[right].1;
        while days[right].0 - days[left].0 >= max_span {
            weight -= days[left].1;
            left += 1;
        }
        if best.is_none_or(|(w, _, _)| weight >= w) {
            best = Some((weight, days[left].0, days[right].0));
        }
    }
    best.map(|(_, first, last)| (first, last))
}

/// One account/region over the period: the `coverage[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct RegionCoverage {
    /// `cloudtrail`: coverage[] also holds Entra sign-in coverage (`entra-signins`).
    pub source: &'static str,
    pub account: String,
    pub region: String,
    pub days_covered: i64,
    pub days_in_period: i64,
    /// Inclusive `[from, to]` day ranges without a record.
    pub gaps: Vec<[String; 2]>,
    /// The longest run of whole UTC hours without a record, inside the period.
    pub longest_silence_hours: i64,
    pub records: u64,
    pub files: u64,
}

/// Coverage of every account/region with records, plus `expected` ones (enabled regions, trail
/// scopes) that have none, sorted by account and region.
pub(crate) fn coverage(
    aggregate: &Aggregate,
    period: &ObservationPeriod,
    expected: &BTreeSet<(String, String)>,
) -> Vec<RegionCoverage> {
    let (from, to) = period.day_range();
    let mut places: BTreeMap<(String, String), BTreeMap<i32, Cell>> = BTreeMap::new();
    for ((account, region, day), cell) in &aggregate.cells {
        let days = places.entry((account.clone(), region.clone())).or_default();
        if (from..=to).contains(day) {
            days.insert(*day, *cell);
        }
    }
    for place in expected {
        places.entry(place.clone()).or_default();
    }
    places
        .into_iter()
        .map(|((account, region), days)| {
            let gaps = day_gaps(days.keys().copied(), from, to);
            let hours = aggregate.hours.get(&(account.clone(), region.clone()));
            RegionCoverage {
                source: "cloudtrail",
                days_covered: days.len() as i64,
                days_in_period: period.days(),
                gaps: gaps.iter().map(|(a, b)| [format_day(*a), format_day(*b)]).collect(),
                longest_silence_hours: longest_silence(hours, from, to),
                records: days.values().map(|c| c.records).sum(),
                files: days.values().map(|c| c.files).sum(),
                account,
                region,
            }
        })
        .collect()
}

fn format_day(day: i32) -> String {
    day_to_date(day).map(|d| d.to_string()).unwrap_or_else(|| format!("day {day}"))
}

/// Inclusive runs of days in `from..=to` that are not in `days` (ascending, each at most once, all
/// inside the range). Entra sign-in coverage uses it too.
pub(crate) fn day_gaps(days: impl IntoIterator<Item = i32>, from: i32, to: i32) -> Vec<(i32, i32)> {
    let mut out = Vec::new();
    let mut next = from;
    for day in days {
        if day > next {
            out.push((next, day - 1));
        }
        next = day + 1;
    }
    if next <= to {
        out.push((next, to));
    }
    out
}

/// The longest run of hours without a record between the period's first hour and its last.
fn longest_silence(hours: Option<&BTreeSet<i64>>, from: i32, to: i32) -> i64 {
    let (start, end) = (i64::from(from) * 24, i64::from(to) * 24 + 23);
    let mut longest = 0;
    let mut next = start;
    for &hour in hours.into_iter().flatten().filter(|h| (start..=end).contains(*h)) {
        longest = longest.max(hour - next);
        next = hour + 1;
    }
    longest.max(end + 1 - next)
}

/// One row of coverage.csv: a cell of the grid, zero-record cells included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CoverageRow {
    pub account: String,
    pub region: String,
    pub day: String,
    pub records: u64,
    pub files: u64,
}

/// Every account/region of `coverage` × every day of the period.
pub(crate) fn grid(aggregate: &Aggregate, period: &ObservationPeriod, coverage: &[RegionCoverage]) -> Vec<CoverageRow> {
    let (from, to) = period.day_range();
    let mut rows = Vec::new();
    for place in coverage {
        for day in from..=to {
            let key = (place.account.clone(), place.region.clone(), day);
            let cell = aggregate.cells.get(&key).copied().unwrap_or_default();
            rows.push(CoverageRow {
                account: place.account.clone(),
                region: place.region.clone(),
                day: format_day(day),
                records: cell.records,
                files: cell.files,
            });
        }
    }
    rows
}

/// coverage.csv. Account and region come from the records (`recipientAccountId`, `awsRegion`): a
/// cell that would start a spreadsheet formula is quoted (`crate::escape::spreadsheet_cell`); the
/// day and the counts are gapscope's own and written as they are.
pub(crate) fn render_csv(rows: &[CoverageRow]) -> Result<Vec<u8>, csv::Error> {
    use crate::escape::spreadsheet_cell;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["account", "region", "day", "records", "files"])?;
    for row in rows {
        let (records, files) = (row.records.to_string(), row.files.to_string());
        writer.write_record([
            &spreadsheet_cell(&row.account),
            &spreadsheet_cell(&row.region),
            row.day.as_str(),
            &records,
            &files,
        ])?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i32 {
        date_to_day(text.parse().unwrap())
    }

    #[test]
    fn gaps_are_inclusive_ranges_and_silence_counts_whole_hours() {
        let mut aggregate = Aggregate::default();
        let place = ("111122223333".to_string(), "us-east-1".to_string());
        for d in ["2026-07-02", "2026-07-03", "2026-07-06"] {
            aggregate.cells.insert((place.0.clone(), place.1.clone(), day(d)), Cell { records: 2, files: 1 });
        }
        // Records at 10:00 on the 2nd, 23:00 on the 3rd and 00:00 on the 6th.
        let hours =
            [day("2026-07-02") as i64 * 24 + 10, day("2026-07-03") as i64 * 24 + 23, day("2026-07-06") as i64 * 24];
        aggregate.hours.insert(place.clone(), hours.into_iter().collect());
        let period =
            ObservationPeriod { from: "2026-07-01".parse().unwrap(), to: "2026-07-07".parse().unwrap(), given: true };
        let expected: BTreeSet<_> = [("111122223333".to_string(), "eu-west-1".to_string())].into();
        let rows = coverage(&aggregate, &period, &expected);
        assert_eq!(rows.len(), 2);
        let blind = &rows[0];
        assert_eq!((blind.region.as_str(), blind.days_covered, blind.longest_silence_hours), ("eu-west-1", 0, 7 * 24));
        assert_eq!(blind.gaps, [["2026-07-01".to_string(), "2026-07-07".to_string()]]);
        let seen = &rows[1];
        assert_eq!((seen.days_covered, seen.days_in_period, seen.records), (3, 7, 6));
        let gaps: Vec<[&str; 2]> = seen.gaps.iter().map(|[a, b]| [a.as_str(), b.as_str()]).collect();
        assert_eq!(gaps, [["2026-07-01", "2026-07-01"], ["2026-07-04", "2026-07-05"], ["2026-07-07", "2026-07-07"]]);
        // 34 h before the first record, 48 h from the 4th to the 5th, 47 h after the last: 48 h.
        assert_eq!(seen.longest_silence_hours, 48);
        assert_eq!(grid(&aggregate, &period, &rows).len(), 14);
    }

    #[test]
    fn coverage_csv_cells_from_records_cannot_start_a_formula() {
        let row = |account: &str, region: &str| CoverageRow {
            account: account.into(),
            region: region.into(),
            day: "2026-07-01".into(),
            records: 3,
            files: 1,
        };
        let csv = render_csv(&[row("=1+1", "@SUM(A1)"), row("111122223333", "-2")]).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert_eq!(
            text,
            "account,region,day,records,files\n'=1+1,'@SUM(A1),2026-07-01,3,1\n111122223333,'-2,2026-07-01,3,1\n"
        );
    }

    fn bulk(days: &[(&str, u64)]) -> Option<(String, String)> {
        let per_day: BTreeMap<i32, u64> = days.iter().map(|(d, n)| (day(d), *n)).collect();
        bulk_window(&per_day).map(|(a, b)| (format_day(a), format_day(b)))
    }

    #[test]
    fn a_far_off_record_does_not_stretch_the_period() {
        let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        let month = [("2026-07-01", 400), ("2026-07-15", 400), ("2026-07-31", 400)];
        assert_eq!(bulk(&month), pair("2026-07-01", "2026-07-31"));
        let planted = [month.as_slice(), &[("9999-12-31", 1), ("0001-01-01", 1), ("2031-01-01", 3)]].concat();
        assert_eq!(bulk(&planted), pair("2026-07-01", "2026-07-31"));
        // Two real clusters years apart: the silence between them is a gap to show, not an outlier.
        let real = [("2014-05-10", 2), ("2014-09-26", 4443), ("2017-06-01", 11421), ("2018-05-09", 149)];
        assert_eq!(bulk(&real), pair("2014-05-10", "2018-05-09"));
        // Two lone dates: the later, never a span of millennia.
        assert_eq!(bulk(&[("0001-01-01", 1), ("9999-12-31", 1)]), pair("9999-12-31", "9999-12-31"));
        // A chain of dates less than a year apart is still bounded to ten years.
        let chain: Vec<(String, u64)> = (2014..2100).map(|y| (format!("{y}-01-01"), 1)).collect();
        let chain: Vec<(&str, u64)> = chain.iter().map(|(d, n)| (d.as_str(), *n)).collect();
        let (from, to) = bulk(&chain).unwrap();
        let span = (to.parse::<NaiveDate>().unwrap() - from.parse::<NaiveDate>().unwrap()).num_days() + 1;
        assert!(span <= crate::timefmt::MAX_PERIOD_DAYS, "{from}..{to}");
        assert_eq!(bulk(&[]), None);
    }
}
