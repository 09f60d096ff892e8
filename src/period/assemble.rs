//! The `period` block of a run: its bounds, the snapshots, the series' evidence gaps and every
//! control judged over it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::PeriodFindings;
use super::changes::ChangeLog;
use super::controls::{self, Frame};
use super::observe::{Filing, Tracker};
use crate::facts::cloudtrail::aggregate::{Aggregate, day_to_date};
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

/// The period: `--period`, else the first to the last snapshot or CloudTrail day; `None` when the
/// evidence dates nothing.
pub(crate) fn bounds(filing: &Filing, cx: &Context<'_>) -> Option<(NaiveDate, NaiveDate)> {
    if let Some(given) = cx.given {
        return Some(given);
    }
    let series = filing.series(cx.run_as_of);
    let days = series.values().flatten().map(|t| t.date_naive());
    let days = days.chain(cx.cloudtrail_period.into_iter().flat_map(|(a, b)| [a, b]));
    let (mut from, mut to) = (None::<NaiveDate>, None::<NaiveDate>);
    for day in days {
        from = Some(from.map_or(day, |f| f.min(day)));
        to = Some(to.map_or(day, |t| t.max(day)));
    }
    Some((from?, to?))
}

/// Judges every tracked control over the period.
pub(crate) fn assemble(tracker: Tracker, filing: &Filing, cx: &Context<'_>) -> Option<PeriodFindings> {
    let (from, to) = bounds(filing, cx)?;
    let series = filing.series(cx.run_as_of);
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
    let snapshots = filing.snapshots(cx.run_as_of).into_iter().filter(|s| in_period(&s.as_of)).collect();
    Some(PeriodFindings {
        from,
        to,
        cadence_days: cx.cadence_days,
        snapshots,
        evidence_gaps: controls::series_gaps(&frame),
        controls,
    })
}
