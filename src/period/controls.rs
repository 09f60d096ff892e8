//! Period controls from observations: each check × resource's observations over the snapshots, its
//! violations (maximal failing intervals, dated by the snapshots, refined by the evidence's own
//! timestamps and by CloudTrail), the stretches of its life nothing evidences, and its verdict.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use super::changes::{self, ChangeLog};
use super::{Basis, Control, Gap, KindGap, Observation, Verdict, Violation};
use crate::checks::Status;
use crate::facts::EvidenceRef;
use crate::timefmt::{Instant, format_day};

/// An account (or tenant) and evidence kind: the snapshots of one series are one export taken again
/// and again.
pub(crate) type Series = (Option<String>, String);

/// One observation of a control, with what dates and shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seen {
    pub at: Instant,
    pub status: Status,
    /// [`crate::checks::Outcome::since`].
    pub since: Option<Instant>,
    /// The outcome's detail and evidence, kept for failing observations only (they become a
    /// violation's); a passing one needs neither, and a year of a large population is millions of
    /// observations.
    pub failure: Option<Box<Failure>>,
}

/// What a failing observation says and cites.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Failure {
    pub detail: String,
    pub evidence: Vec<EvidenceRef>,
}

impl Seen {
    fn detail(&self) -> String {
        self.failure.as_ref().map(|f| f.detail.clone()).unwrap_or_default()
    }

    fn evidence(&self) -> Vec<EvidenceRef> {
        self.failure.as_ref().map(|f| f.evidence.clone()).unwrap_or_default()
    }
}

/// What every control is judged against.
pub(crate) struct Frame<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cadence_days: u32,
    /// The instants of each series' snapshots, oldest first.
    pub series: &'a BTreeMap<Series, Vec<Instant>>,
    pub changes: &'a ChangeLog,
    /// Days with CloudTrail records, per account: evidence for the checks CloudTrail can refine.
    pub cloudtrail_days: &'a BTreeMap<String, BTreeSet<NaiveDate>>,
}

impl Frame<'_> {
    fn start(&self) -> Instant {
        day_start(self.from)
    }

    /// The last second of the period: where a violation that outlasts it is cut.
    fn end(&self) -> Instant {
        day_start(self.to) + Duration::seconds(86_399)
    }
}

fn day_start(day: NaiveDate) -> Instant {
    Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN))
}

fn day_of(t: Instant) -> NaiveDate {
    t.date_naive()
}

/// Stretches longer than `cadence` days without evidence, between `from` and `to` (inclusive):
/// `from` to the first evidence day, between evidence days (the days strictly between), the last
/// evidence day to `to`.
pub(crate) fn gaps(evidence: &BTreeSet<NaiveDate>, from: NaiveDate, to: NaiveDate, cadence: u32) -> Vec<Gap> {
    let cadence = i64::from(cadence);
    let mut out = Vec::new();
    if from > to {
        return out;
    }
    let inside: Vec<NaiveDate> = evidence.range(from..=to).copied().collect();
    let (Some(&first), Some(&last)) = (inside.first(), inside.last()) else {
        out.push(Gap { from, to });
        return out;
    };
    if (first - from).num_days() > cadence {
        out.push(Gap { from, to: first - Duration::days(1) });
    }
    for pair in inside.windows(2) {
        // The days strictly between two snapshots are the stretch without one.
        if (pair[1] - pair[0]).num_days() - 1 > cadence {
            out.push(Gap { from: pair[0] + Duration::days(1), to: pair[1] - Duration::days(1) });
        }
    }
    if (to - last).num_days() > cadence {
        out.push(Gap { from: last + Duration::days(1), to });
    }
    out
}

/// The evidence gaps of every series over the period.
pub(crate) fn series_gaps(frame: &Frame<'_>) -> Vec<KindGap> {
    let mut out = Vec::new();
    for ((account, kind), instants) in frame.series {
        let days: BTreeSet<NaiveDate> = instants.iter().map(|t| day_of(*t)).collect();
        for gap in gaps(&days, frame.from, frame.to, frame.cadence_days) {
            out.push(KindGap { account: account.clone(), kind: kind.clone(), from: gap.from, to: gap.to });
        }
    }
    out.sort();
    out
}

/// A change of the control's state in time: an observation, a date inside the evidence, a
/// CloudTrail event, or the resource's absence from a later snapshot.
struct Point {
    at: Instant,
    /// `None`: the observation could not decide (unknown); it neither opens nor closes.
    failing: Option<bool>,
    basis: Basis,
    detail: String,
    evidence: Vec<EvidenceRef>,
}

/// A CloudTrail event that looks like the end of a failure (a rule revoked) cannot see causes the
/// log never showed (another open rule): when the next observation still fails, with nothing
/// failing in between, the failure did not end there.
fn drop_contradicted_passes(points: &mut Vec<Point>) {
    let mut keep = vec![true; points.len()];
    for (i, point) in points.iter().enumerate() {
        if point.basis != Basis::Cloudtrail || point.failing != Some(false) {
            continue;
        }
        let mut later = points[i + 1..].iter();
        let next = later.find(|p| p.failing == Some(true) || p.basis == Basis::Snapshots);
        if next.is_some_and(|p| p.basis == Basis::Snapshots && p.failing == Some(true)) {
            keep[i] = false;
        }
    }
    let mut flags = keep.into_iter();
    points.retain(|_| flags.next().unwrap_or(true));
}

/// One control over the period, or `None` when no snapshot inside the period evaluated it.
pub(crate) fn control(
    check: &'static str,
    resource: String,
    account: Option<String>,
    series: &Series,
    mut seen: Vec<Seen>,
    frame: &Frame<'_>,
) -> Option<Control> {
    seen.sort_by_key(|s| s.at);
    let (start, end) = (frame.start(), frame.end());
    if !seen.iter().any(|s| s.at >= start && s.at <= end) {
        return None;
    }
    let snapshots: &[Instant] = frame.series.get(series).map(Vec::as_slice).unwrap_or_default();
    let (first, last) = (seen.first()?.at, seen.last()?.at);
    // Its life: from the period's start if the series' first snapshot has it, else from the day after
    // the last snapshot without it; to the first snapshot without it (it is gone), else the period's end.
    let born_after = snapshots.iter().rev().find(|&&t| t < first).copied();
    let gone_at = snapshots.iter().find(|&&t| t > last).copied();
    let life_from = born_after.map_or(frame.from, |t| day_of(t) + Duration::days(1)).max(frame.from);
    let life_to = gone_at.map_or(frame.to, |t| day_of(t) - Duration::days(1)).min(frame.to);

    let mut points = Vec::new();
    let mut previous: Option<Instant> = born_after;
    for s in &seen {
        let failing = match s.status {
            Status::Fail => Some(true),
            Status::Pass | Status::Excepted => Some(false),
            Status::Unknown => None,
        };
        if let (Some(failing), Some(since)) = (failing, s.since) {
            // A date inside the evidence moves the change back to when it happened, if that lies
            // after the previous observation (before it, the observations contradict it and win).
            if since < s.at && previous.is_none_or(|p| since > p) {
                points.push(Point {
                    at: since,
                    failing: Some(failing),
                    basis: Basis::Timestamps,
                    detail: s.detail(),
                    evidence: s.evidence(),
                });
            }
        }
        points.push(Point { at: s.at, failing, basis: Basis::Snapshots, detail: s.detail(), evidence: s.evidence() });
        previous = Some(s.at);
    }
    if let Some(gone) = gone_at {
        points.push(Point {
            at: gone,
            failing: Some(false),
            basis: Basis::Snapshots,
            detail: format!("no longer in the export of {}", format_day(gone)),
            evidence: Vec::new(),
        });
    }
    if changes::refinable(check) {
        for t in changes::transitions(frame.changes, check, &resource, account.as_deref()) {
            let inside_life = born_after.is_none_or(|b| t.at > b) && gone_at.is_none_or(|g| t.at < g);
            if inside_life {
                points.push(Point {
                    at: t.at,
                    failing: Some(t.failing),
                    basis: Basis::Cloudtrail,
                    detail: t.detail,
                    evidence: vec![t.evidence],
                });
            }
        }
    }
    // At one instant a CloudTrail event is applied before the snapshot that shows its result.
    points.sort_by_key(|p| (p.at, p.basis != Basis::Cloudtrail));
    drop_contradicted_passes(&mut points);

    let mut violations = Vec::new();
    let mut open: Option<Violation> = None;
    for point in points {
        match (point.failing, open.as_mut()) {
            (Some(true), None) => {
                open = Some(Violation {
                    from: point.at,
                    to: None,
                    basis: point.basis,
                    detail: point.detail,
                    evidence: point.evidence,
                })
            }
            (Some(true), Some(v)) => {
                for e in point.evidence {
                    if !v.evidence.contains(&e) && v.evidence.len() < 5 {
                        v.evidence.push(e);
                    }
                }
            }
            (Some(false), Some(v)) => {
                v.to = Some(point.at);
                if v.basis == Basis::Snapshots && point.basis != Basis::Snapshots {
                    v.basis = point.basis;
                }
                if point.basis == Basis::Cloudtrail {
                    v.detail = format!("{}; ended: {}", v.detail, point.detail);
                    v.evidence.extend(point.evidence);
                }
                violations.extend(open.take());
            }
            (Some(false), None) | (None, _) => {}
        }
    }
    violations.extend(open);
    let violations: Vec<Violation> = violations
        .into_iter()
        .filter(|v| v.from <= end && v.to.is_none_or(|to| to >= start))
        .map(|mut v| {
            v.from = v.from.max(start);
            v.to = v.to.map(|to| to.min(end));
            v
        })
        .collect();

    let mut evidence: BTreeSet<NaiveDate> = snapshots.iter().map(|t| day_of(*t)).collect();
    if changes::refinable(check)
        && let Some(days) = account.as_deref().and_then(|a| frame.cloudtrail_days.get(a))
    {
        evidence.extend(days.iter().copied());
    }
    // A stretch is measured from the evidence before the resource's life began, so that a joiner's
    // first month is not a gap when the snapshot before it was on time.
    let mut evidence_gaps = gaps(&evidence, frame.from, frame.to, frame.cadence_days);
    evidence_gaps.retain_mut(|g| {
        g.from = g.from.max(life_from);
        g.to = g.to.min(life_to);
        g.from <= g.to
    });

    let verdict = if !violations.is_empty() {
        Verdict::Exception
    } else if !evidence_gaps.is_empty() {
        Verdict::NotEvidenced
    } else {
        Verdict::Operated
    };
    let observations = seen
        .iter()
        .filter(|s| s.at >= start && s.at <= end)
        .map(|s| Observation { at: s.at, status: s.status })
        .collect();
    Some(Control { check, resource, account, verdict, observations, violations, evidence_gaps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timefmt::parse_timestamp;

    fn t(s: &str) -> Instant {
        parse_timestamp(s).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn month_ends(skip: &[u32]) -> Vec<Instant> {
        (1..=12)
            .filter(|m| !skip.contains(m))
            .map(|m| {
                let next = if m == 12 { d("2027-01-01") } else { NaiveDate::from_ymd_opt(2026, m + 1, 1).unwrap() };
                day_start(next - Duration::days(1)) + Duration::hours(12)
            })
            .collect()
    }

    fn seen(at: Instant, status: Status) -> Seen {
        let failure = Failure { detail: format!("{status:?}"), evidence: Vec::new() };
        Seen { at, status, since: None, failure: (status == Status::Fail).then(|| Box::new(failure)) }
    }

    struct Fixture {
        series: BTreeMap<Series, Vec<Instant>>,
        changes: ChangeLog,
        days: BTreeMap<String, BTreeSet<NaiveDate>>,
    }

    impl Fixture {
        fn new(snapshots: Vec<Instant>) -> Fixture {
            let mut series = BTreeMap::new();
            series.insert(key(), snapshots);
            Fixture { series, changes: ChangeLog::default(), days: BTreeMap::new() }
        }

        fn frame(&self) -> Frame<'_> {
            Frame {
                from: d("2026-01-01"),
                to: d("2026-12-31"),
                cadence_days: 31,
                series: &self.series,
                changes: &self.changes,
                cloudtrail_days: &self.days,
            }
        }

        fn control(&self, seen: Vec<Seen>) -> Control {
            control(
                "aws.iam.console_user_mfa",
                "arn:aws:iam::1:user/a".into(),
                Some("1".into()),
                &key(),
                seen,
                &self.frame(),
            )
            .unwrap()
        }
    }

    fn key() -> Series {
        (Some("1".into()), "aws.iam.credential_report".into())
    }

    #[test]
    fn a_missing_month_is_a_gap_between_the_snapshots_around_it() {
        let days: BTreeSet<NaiveDate> = month_ends(&[8]).iter().map(|t| day_of(*t)).collect();
        assert_eq!(
            gaps(&days, d("2026-01-01"), d("2026-12-31"), 31),
            [Gap { from: d("2026-08-01"), to: d("2026-09-29") }]
        );
        // Monthly and on time: no gap, though February is short and the first stretch is 30 days.
        let days: BTreeSet<NaiveDate> = month_ends(&[]).iter().map(|t| day_of(*t)).collect();
        assert!(gaps(&days, d("2026-01-01"), d("2026-12-31"), 31).is_empty());
        // The period running on past the last snapshot, and no snapshot at all.
        let days: BTreeSet<NaiveDate> = month_ends(&[11, 12]).iter().map(|t| day_of(*t)).collect();
        assert_eq!(
            gaps(&days, d("2026-01-01"), d("2026-12-31"), 31),
            [Gap { from: d("2026-11-01"), to: d("2026-12-31") }]
        );
        assert_eq!(
            gaps(&BTreeSet::new(), d("2026-01-01"), d("2026-01-31"), 31),
            [Gap { from: d("2026-01-01"), to: d("2026-01-31") }]
        );
    }

    #[test]
    fn a_failure_seen_in_two_snapshots_runs_from_the_first_to_the_next_pass() {
        let snaps = month_ends(&[]);
        let fixture = Fixture::new(snaps.clone());
        let status = |i: usize| if i == 2 || i == 3 { Status::Fail } else { Status::Pass };
        let c = fixture.control(snaps.iter().enumerate().map(|(i, t)| seen(*t, status(i))).collect());
        assert_eq!(c.verdict, Verdict::Exception);
        assert_eq!(c.violations.len(), 1);
        let v = &c.violations[0];
        assert_eq!((v.from, v.to, v.basis), (snaps[2], Some(snaps[4]), Basis::Snapshots));
        assert_eq!(c.observations.len(), 12);
        assert!(c.evidence_gaps.is_empty());
    }

    #[test]
    fn an_age_limit_crossed_between_snapshots_is_dated_by_the_evidence() {
        let snaps = month_ends(&[]);
        let fixture = Fixture::new(snaps.clone());
        let crossed = t("2026-08-20T09:00:00Z");
        let observed: Vec<Seen> = snaps
            .iter()
            .enumerate()
            .map(|(i, at)| {
                let mut s = seen(*at, if i >= 7 { Status::Fail } else { Status::Pass });
                if i >= 7 {
                    s.since = Some(crossed);
                }
                s
            })
            .collect();
        let c = fixture.control(observed);
        assert_eq!(c.violations.len(), 1, "{:?}", c.violations);
        let v = &c.violations[0];
        // Still failing at the last observation: open, and dated by the timestamp, not the snapshot.
        assert_eq!((v.from, v.to, v.basis), (crossed, None, Basis::Timestamps));
    }

    #[test]
    fn a_date_before_the_last_passing_observation_does_not_move_the_start() {
        let snaps = month_ends(&[]);
        let fixture = Fixture::new(snaps.clone());
        let observed: Vec<Seen> = snaps
            .iter()
            .enumerate()
            .map(|(i, at)| {
                let mut s = seen(*at, if i >= 7 { Status::Fail } else { Status::Pass });
                s.since = (i >= 7).then(|| t("2026-03-01T00:00:00Z"));
                s
            })
            .collect();
        let c = fixture.control(observed);
        assert_eq!((c.violations[0].from, c.violations[0].basis), (snaps[7], Basis::Snapshots));
    }

    #[test]
    fn a_joiner_and_a_leaver_have_no_gaps_outside_their_lives_and_a_leaver_closes_when_gone() {
        let snaps = month_ends(&[]);
        let fixture = Fixture::new(snaps.clone());
        // Joined in July (first seen at the July snapshot), passing.
        let joiner = fixture.control(snaps[6..].iter().map(|t| seen(*t, Status::Pass)).collect());
        assert_eq!((joiner.verdict, joiner.observations.len()), (Verdict::Operated, 6));
        // Failing in its last two snapshots, gone from October's.
        let leaver = fixture.control(
            snaps[..9]
                .iter()
                .enumerate()
                .map(|(i, t)| seen(*t, if i >= 7 { Status::Fail } else { Status::Pass }))
                .collect(),
        );
        assert_eq!(leaver.violations.len(), 1);
        assert_eq!((leaver.violations[0].from, leaver.violations[0].to), (snaps[7], Some(snaps[9])));
        assert!(leaver.evidence_gaps.is_empty());
    }

    #[test]
    fn a_missing_month_leaves_a_passing_control_not_evidenced_and_cloudtrail_days_fill_it_when_refinable() {
        let snaps = month_ends(&[8]);
        let mut fixture = Fixture::new(snaps.clone());
        let c = fixture.control(snaps.iter().map(|t| seen(*t, Status::Pass)).collect());
        assert_eq!(c.verdict, Verdict::NotEvidenced);
        assert_eq!(c.evidence_gaps, [Gap { from: d("2026-08-01"), to: d("2026-09-29") }]);
        // CloudTrail records every day of August and September: the account's changes would show.
        let days = (0..61).map(|i| d("2026-08-01") + Duration::days(i)).collect();
        fixture.days.insert("1".into(), days);
        let c = fixture.control(snaps.iter().map(|t| seen(*t, Status::Pass)).collect());
        let expected =
            if changes::refinable("aws.iam.console_user_mfa") { Verdict::Operated } else { Verdict::NotEvidenced };
        assert_eq!(c.verdict, expected);
    }

    #[test]
    fn a_control_never_observed_inside_the_period_is_no_control() {
        let snaps = vec![t("2025-06-30T12:00:00Z")];
        let fixture = Fixture::new(snaps.clone());
        let frame = fixture.frame();
        assert!(control("c.x", "r".into(), None, &key(), vec![seen(snaps[0], Status::Fail)], &frame).is_none());
    }

    #[test]
    fn a_violation_open_before_the_period_is_cut_at_its_start() {
        let mut snaps = vec![t("2025-12-31T12:00:00Z")];
        snaps.extend(month_ends(&[]));
        let fixture = Fixture::new(snaps.clone());
        let status = |i: usize| if i <= 1 { Status::Fail } else { Status::Pass };
        let c = fixture.control(snaps.iter().enumerate().map(|(i, t)| seen(*t, status(i))).collect());
        assert_eq!((c.violations[0].from, c.violations[0].to), (t("2026-01-01T00:00:00Z"), Some(snaps[2])));
        // The December observation is outside the period: not listed.
        assert_eq!(c.observations.len(), 12);
    }
}
