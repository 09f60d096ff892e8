//! The `period` block of a run: its bounds, the snapshots, the series' evidence gaps and every
//! control judged over it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::PeriodFindings;
use super::changes::ChangeLog;
use super::controls::{self, Frame, Series};
use super::observe::{Filing, Tracker};
use crate::facts::cloudtrail::aggregate::{Aggregate, date_to_day, day_to_date};
use crate::facts::cloudtrail::coverage::bulk_window;
use crate::timefmt::Instant;

/// What the period is judged against, besides the observations.
pub(crate) struct Context<'a> {
    /// `--period`, inclusive days.
    pub given: Option<(NaiveDate, NaiveDate)>,
    /// The days the CloudTrail records cover, when there are any.
    pub cloudtrail_period: Option<(NaiveDate, NaiveDate)>,
    pub cadence_days: u32,
    pub run_as_of: Option<Instant>,
    pub records: &'a Aggregate,
    pub changes: &'a ChangeLog,
}

/// The period: `--period`, else the first to the last snapshot or CloudTrail day, of the bulk of
/// them ([`bulk_window`]: a snapshot folder dated decades from all the others does not stretch it,
/// and it never spans more than `MAX_PERIOD_DAYS`); `None` when the evidence dates nothing.
fn bounds(series: &BTreeMap<Series, Vec<Instant>>, cx: &Context<'_>) -> Option<(NaiveDate, NaiveDate)> {
    if let Some(given) = cx.given {
        return Some(given);
    }
    // Each snapshot file and each CloudTrail day weighs one.
    let mut per_day: BTreeMap<i32, u64> = BTreeMap::new();
    for t in series.values().flatten() {
        *per_day.entry(date_to_day(t.date_naive())).or_default() += 1;
    }
    if let Some((from, to)) = cx.cloudtrail_period {
        let days: BTreeSet<i32> = cx.records.cells.keys().map(|(_, _, day)| *day).collect();
        for day in days.range(date_to_day(from)..=date_to_day(to)) {
            *per_day.entry(*day).or_default() += 1;
        }
        // The CloudTrail period's own ends, even when its first or last day has no record.
        per_day.entry(date_to_day(from)).or_insert(1);
        per_day.entry(date_to_day(to)).or_insert(1);
    }
    let (from, to) = bulk_window(&per_day)?;
    Some((day_to_date(from)?, day_to_date(to)?))
}

/// Judges every tracked control over the period; what an auditor must be told goes to `notes`.
pub(crate) fn assemble(
    tracker: Tracker,
    filing: &Filing,
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> Option<PeriodFindings> {
    let series = filing.series(cx.run_as_of);
    let (from, to) = bounds(&series, cx)?;
    let mut cloudtrail_days: BTreeMap<String, BTreeSet<NaiveDate>> = BTreeMap::new();
    for (account, _, day) in cx.records.cells.keys() {
        if let Some(date) = day_to_date(*day) {
            cloudtrail_days.entry(account.clone()).or_default().insert(date);
        }
    }
    let frame = Frame {
        from,
        to,
        cadence_days: cx.cadence_days,
        series: &series,
        changes: cx.changes,
        cloudtrail_days: &cloudtrail_days,
    };
    let controls = tracker
        .into_sorted()
        .into_iter()
        .filter_map(|((check, resource, account), series, seen)| {
            controls::control(check, resource, account, &series, seen, &frame)
        })
        .collect();
    let in_period = |t: &Instant| t.date_naive() >= from && t.date_naive() <= to;
    let (snapshots, outside): (Vec<_>, Vec<_>) =
        filing.snapshots(cx.run_as_of).into_iter().partition(|s| in_period(&s.as_of));
    if !outside.is_empty() {
        let shown: Vec<String> =
            outside.iter().take(5).map(|s| format!("{} {}", s.kind, crate::timefmt::format_instant(s.as_of))).collect();
        notes.push(format!(
            "observation period {from}..{to}: {} snapshot(s) dated outside it are not judged ({})",
            outside.len(),
            shown.join(", ")
        ));
    }
    Some(PeriodFindings {
        from,
        to,
        cadence_days: cx.cadence_days,
        snapshots,
        evidence_gaps: controls::series_gaps(&frame),
        controls,
    })
}
