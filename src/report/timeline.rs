//! `timeline.csv`: each period control's life within the observation period, cut into consecutive
//! intervals that are each passing, failing or not evidenced, so an auditor can filter one resource
//! and read its whole year, or one state and read every exception.
//!
//! A control's life runs from its first observation (or from the period start when that
//! observation is its account and kind's first snapshot of the period: the resource was there when
//! the evidence began) to its last evidence (observation, violation end or evidence gap end).
//! Inside it a violation is `fail`; what is left of an evidence gap is `no-evidence`; the rest is
//! `pass`. Bounds that come from instants are written as `findings.json` writes them
//! (`2026-03-05T10:00:00Z`); bounds that come from whole days (the period start, evidence gaps) as
//! days, the end day inclusive as the gaps are.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate, TimeDelta};

use crate::escape::spreadsheet_cell;
use crate::facts::EvidenceRef;
use crate::period::{Control, PeriodFindings, Violation};
use crate::timefmt::{Instant, format_instant};

pub(crate) const COLUMNS: [&str; 8] = ["check", "resource", "account", "from", "to", "state", "basis", "evidence"];

/// What one interval of a control's life shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum State {
    Fail,
    NoEvidence,
    Pass,
}

impl State {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::Pass => "pass",
            State::Fail => "fail",
            State::NoEvidence => "no-evidence",
        }
    }
}

/// One end of an interval: an instant, and whether it stands for a day boundary (written as a day)
/// rather than an instant of the evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bound {
    pub at: Instant,
    pub day: bool,
}

impl Bound {
    fn instant(at: Instant) -> Bound {
        Bound { at, day: false }
    }

    /// The start of `day`.
    fn day_start(day: NaiveDate) -> Bound {
        Bound { at: start_of(day), day: true }
    }

    /// The end of `day`: the start of the next one (the last second of the last representable day).
    fn day_end(day: NaiveDate) -> Bound {
        Bound { at: end_of(day), day: true }
    }

    /// As the `from` cell: the day itself, or the instant.
    pub(crate) fn start_text(self) -> String {
        if self.day { self.at.date_naive().to_string() } else { format_instant(self.at) }
    }

    /// As the `to` cell: the last day the interval covers (inclusive, as evidence gaps are), or
    /// the instant.
    pub(crate) fn end_text(self) -> String {
        if self.day { last_day(self.at).to_string() } else { format_instant(self.at) }
    }
}

pub(crate) fn start_of(day: NaiveDate) -> Instant {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The day the second before `end` falls on: the last day an interval ending at `end` covers.
pub(crate) fn last_day(end: Instant) -> NaiveDate {
    end.checked_sub_signed(TimeDelta::seconds(1)).unwrap_or(end).date_naive()
}

/// The instant a whole day ends (exclusive).
pub(crate) fn end_of(day: NaiveDate) -> Instant {
    match day.checked_add_days(Days::new(1)) {
        Some(next) => start_of(next),
        None => day.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc(),
    }
}

/// One row of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Interval<'a> {
    pub from: Bound,
    /// `None` for a violation still open at the control's last observation.
    pub to: Option<Bound>,
    pub state: State,
    /// The violation a `fail` interval is.
    pub violation: Option<&'a Violation>,
}

/// The instants of each account's first snapshot of each evidence kind inside the period: a
/// control first observed at one of them was there when the evidence began.
pub(crate) struct FirstSnapshots<'p>(BTreeSet<(Option<&'p str>, Instant)>);

impl<'p> FirstSnapshots<'p> {
    pub(crate) fn of(period: &'p PeriodFindings) -> FirstSnapshots<'p> {
        let start = start_of(period.from);
        let mut first: std::collections::BTreeMap<(Option<&str>, &str), Instant> = Default::default();
        for s in period.snapshots.iter().filter(|s| s.as_of >= start) {
            let at = first.entry((s.account.as_deref(), s.kind.as_str())).or_insert(s.as_of);
            *at = (*at).min(s.as_of);
        }
        FirstSnapshots(first.into_iter().map(|((account, _), at)| (account, at)).collect())
    }

    fn contains(&self, account: Option<&str>, at: Instant) -> bool {
        self.0.contains(&(account, at))
    }
}

/// The earlier of two bounds; at the same instant a day only if both are days.
fn earlier(a: Bound, b: Bound) -> Bound {
    match a.at.cmp(&b.at) {
        std::cmp::Ordering::Less => a,
        std::cmp::Ordering::Greater => b,
        std::cmp::Ordering::Equal => Bound { at: a.at, day: a.day && b.day },
    }
}

fn later(a: Bound, b: Bound) -> Bound {
    match a.at.cmp(&b.at) {
        std::cmp::Ordering::Greater => a,
        std::cmp::Ordering::Less => b,
        std::cmp::Ordering::Equal => Bound { at: a.at, day: a.day && b.day },
    }
}

/// The control's life in the period cut into intervals, oldest first: one `fail` per violation,
/// and the stretches between them `no-evidence` where an evidence gap covers them, else `pass`.
pub(crate) fn intervals<'a>(
    control: &'a Control,
    period: &PeriodFindings,
    firsts: &FirstSnapshots,
) -> Vec<Interval<'a>> {
    let (period_start, period_end) = (Bound::day_start(period.from), Bound::day_end(period.to));
    let first_seen = control
        .observations
        .iter()
        .map(|o| o.at)
        .min()
        .map(|at| if firsts.contains(control.account.as_deref(), at) { period_start } else { Bound::instant(at) });
    let starts = first_seen
        .into_iter()
        .chain(control.violations.iter().map(|v| Bound::instant(v.from)))
        .chain(control.evidence_gaps.iter().map(|g| Bound::day_start(g.from)));
    let ends = control
        .observations
        .iter()
        .map(|o| Bound::instant(o.at))
        .chain(control.violations.iter().map(|v| Bound::instant(v.to.unwrap_or(v.from))))
        .chain(control.evidence_gaps.iter().map(|g| Bound::day_end(g.to)));
    let (Some(start), Some(end)) = (starts.reduce(earlier), ends.reduce(later)) else { return Vec::new() };
    let (start, end) = (later(start, period_start), earlier(end, period_end));

    // A violation still open runs to the end of the control's life.
    let fails: Vec<(Instant, Instant)> =
        control.violations.iter().map(|v| (v.from, v.to.unwrap_or(end.at).max(v.from))).collect();
    let gaps: Vec<(Instant, Instant)> =
        control.evidence_gaps.iter().map(|g| (start_of(g.from), end_of(g.to))).collect();
    let mut cuts: Vec<Bound> = vec![start, end];
    cuts.extend(control.violations.iter().map(|v| Bound::instant(v.from)));
    cuts.extend(control.violations.iter().filter_map(|v| v.to).map(Bound::instant));
    cuts.extend(control.evidence_gaps.iter().flat_map(|g| [Bound::day_start(g.from), Bound::day_end(g.to)]));
    cuts.retain(|b| b.at >= start.at && b.at <= end.at);
    cuts.sort_by_key(|b| b.at);
    cuts.dedup_by(|b, a| {
        let same = a.at == b.at;
        if same {
            a.day = a.day && b.day;
        }
        same
    });

    let mut out: Vec<Interval<'a>> = Vec::new();
    for pair in cuts.windows(2) {
        let [a, b] = pair else { continue };
        let covers = |(f, t): &(Instant, Instant)| *f <= a.at && b.at <= *t;
        let state = if fails.iter().any(covers) {
            continue;
        } else if gaps.iter().any(covers) {
            State::NoEvidence
        } else {
            State::Pass
        };
        match out.last_mut() {
            Some(last) if last.state == state && last.to.is_some_and(|t| t.at == a.at) => last.to = Some(*b),
            _ => out.push(Interval { from: *a, to: Some(*b), state, violation: None }),
        }
    }
    out.extend(control.violations.iter().map(|v| Interval {
        from: Bound::instant(v.from),
        to: v.to.map(Bound::instant),
        state: State::Fail,
        violation: Some(v),
    }));
    out.sort_by_key(|i| (i.from.at, i.state));
    out
}

/// Length of the SHA-256 prefix an evidence cell shows: enough to tell files apart and to find the
/// full digest in manifest.json, short enough for a cell.
const SHA256_PREFIX: usize = 12;

/// `file (sha256 prefix, locator)` per reference, joined by `; `.
pub(crate) fn evidence_text(evidence: &[EvidenceRef]) -> String {
    evidence
        .iter()
        .map(|e| {
            let sha = e.sha256.get(..SHA256_PREFIX).unwrap_or(&e.sha256);
            let inside: Vec<&str> = [sha, e.locator.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
            if inside.is_empty() { e.file.clone() } else { format!("{} ({})", e.file, inside.join(", ")) }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Renders the timeline: controls sorted by check, resource and account, each control's intervals
/// oldest first.
pub(crate) fn render(period: &PeriodFindings) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    let firsts = FirstSnapshots::of(period);
    let mut controls: Vec<&Control> = period.controls.iter().collect();
    controls.sort_by(|a, b| (a.check, &a.resource, &a.account).cmp(&(b.check, &b.resource, &b.account)));
    for control in controls {
        for interval in intervals(control, period, &firsts) {
            let (basis, evidence) = match interval.violation {
                Some(v) => (v.basis.as_str(), evidence_text(&v.evidence)),
                None => ("", String::new()),
            };
            let (from, to) = (interval.from.start_text(), interval.to.map(Bound::end_text).unwrap_or_default());
            // Every cell, not only those from evidence: resource, account and evidence file names are
            // the client's text.
            let row = [
                control.check,
                &control.resource,
                control.account.as_deref().unwrap_or(""),
                &from,
                &to,
                interval.state.as_str(),
                basis,
                &evidence,
            ]
            .map(spreadsheet_cell);
            writer.write_record(row.iter().map(|c| c.as_ref()))?;
        }
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::period::{Basis, Gap, Observation, SnapshotOut, Verdict};

    pub(crate) fn at(text: &str) -> Instant {
        crate::timefmt::parse_timestamp(text).unwrap()
    }

    pub(crate) fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    pub(crate) fn snapshot(account: &str, kind: &str, when: &str) -> SnapshotOut {
        SnapshotOut {
            account: Some(account.into()),
            kind: kind.into(),
            as_of: at(when),
            date_source: "folder name".into(),
            files: vec![format!("{when}/export.json")],
        }
    }

    pub(crate) fn violation(from: &str, to: Option<&str>, basis: Basis) -> Violation {
        Violation {
            from: at(from),
            to: to.map(at),
            basis,
            detail: "opened tcp 22 to 0.0.0.0/0".into(),
            evidence: vec![EvidenceRef {
                file: "trail/2026/03/05/x.json.gz".into(),
                sha256: "0123456789abcdef0123".into(),
                locator: "record 4".into(),
            }],
        }
    }

    /// Monthly snapshots of one account's security groups, 2026-01-31 .. 2026-12-31.
    pub(crate) fn year(controls: Vec<Control>) -> PeriodFindings {
        let months = ["01-31", "02-28", "03-31", "04-30", "05-31", "06-30", "09-30", "10-31", "11-30", "12-31"];
        PeriodFindings {
            from: day("2026-01-01"),
            to: day("2026-12-31"),
            cadence_days: 31,
            snapshots: months
                .iter()
                .map(|m| snapshot("111111111111", "aws.ec2.describe_security_groups", &format!("2026-{m}T12:00:00Z")))
                .collect(),
            evidence_gaps: vec![crate::period::KindGap {
                account: Some("111111111111".into()),
                kind: "aws.ec2.describe_security_groups".into(),
                from: day("2026-07-01"),
                to: day("2026-09-29"),
            }],
            controls,
        }
    }

    pub(crate) fn control(
        resource: &str,
        observations: &[(&str, Status)],
        violations: Vec<Violation>,
        gaps: &[(&str, &str)],
    ) -> Control {
        Control {
            check: "aws.ec2.sg_open_admin_ports",
            resource: resource.into(),
            account: Some("111111111111".into()),
            verdict: if !violations.is_empty() {
                Verdict::Exception
            } else if !gaps.is_empty() {
                Verdict::NotEvidenced
            } else {
                Verdict::Operated
            },
            observations: observations.iter().map(|(t, status)| Observation { at: at(t), status: *status }).collect(),
            violations,
            evidence_gaps: gaps.iter().map(|(f, t)| Gap { from: day(f), to: day(t) }).collect(),
        }
    }

    fn rows(csv: &[u8]) -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_reader(csv);
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS);
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
    }

    /// Failing from March 5 to May 2 (CloudTrail), no snapshot July to September.
    fn closed_and_gap() -> Control {
        let obs = [
            ("2026-01-31T12:00:00Z", Status::Pass),
            ("2026-02-28T12:00:00Z", Status::Pass),
            ("2026-03-31T12:00:00Z", Status::Fail),
            ("2026-04-30T12:00:00Z", Status::Fail),
            ("2026-05-31T12:00:00Z", Status::Pass),
            ("2026-06-30T12:00:00Z", Status::Pass),
            ("2026-09-30T12:00:00Z", Status::Pass),
            ("2026-10-31T12:00:00Z", Status::Pass),
        ];
        let v = violation("2026-03-05T10:00:00Z", Some("2026-05-02T08:00:00Z"), Basis::Cloudtrail);
        control("sg-1", &obs, vec![v], &[("2026-07-01", "2026-09-29")])
    }

    #[test]
    fn a_closed_violation_and_a_gap_cut_the_life_into_pass_fail_pass_no_evidence_pass() {
        let csv = render(&year(vec![closed_and_gap()])).unwrap();
        let got: Vec<(String, String, String, String)> =
            rows(&csv).into_iter().map(|r| (r[3].clone(), r[4].clone(), r[5].clone(), r[6].clone())).collect();
        let want = [
            // First seen in the first snapshot: there since the period began.
            ("2026-01-01", "2026-03-05T10:00:00Z", "pass", ""),
            ("2026-03-05T10:00:00Z", "2026-05-02T08:00:00Z", "fail", "cloudtrail"),
            ("2026-05-02T08:00:00Z", "2026-06-30", "pass", ""),
            ("2026-07-01", "2026-09-29", "no-evidence", ""),
            // Up to its last observation (the resource left in November).
            ("2026-09-30", "2026-10-31T12:00:00Z", "pass", ""),
        ];
        let want: Vec<_> =
            want.iter().map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string())).collect();
        assert_eq!(got, want);
        let fail = &rows(&csv)[1];
        assert_eq!(&fail[..3], ["aws.ec2.sg_open_admin_ports", "sg-1", "111111111111"]);
        assert_eq!(fail[7], "trail/2026/03/05/x.json.gz (0123456789ab, record 4)");
    }

    #[test]
    fn a_joiner_starts_at_its_first_observation_and_an_open_violation_has_no_end() {
        // First seen in April (not the account's first snapshot), failing since June, still at the end.
        let obs = [
            ("2026-04-30T12:00:00Z", Status::Pass),
            ("2026-05-31T12:00:00Z", Status::Pass),
            ("2026-06-30T12:00:00Z", Status::Fail),
            ("2026-12-31T12:00:00Z", Status::Fail),
        ];
        let v = violation("2026-06-30T12:00:00Z", None, Basis::Snapshots);
        let csv = render(&year(vec![control("sg-2", &obs, vec![v], &[])])).unwrap();
        let got: Vec<Vec<String>> = rows(&csv).into_iter().map(|r| r[3..7].to_vec()).collect();
        assert_eq!(
            got,
            [
                ["2026-04-30T12:00:00Z", "2026-06-30T12:00:00Z", "pass", ""],
                ["2026-06-30T12:00:00Z", "", "fail", "snapshots"],
            ]
        );
    }

    #[test]
    fn rows_are_sorted_by_check_then_resource_then_start() {
        let pass = [("2026-01-31T12:00:00Z", Status::Pass), ("2026-02-28T12:00:00Z", Status::Pass)];
        let mut other = control("sg-0", &pass, vec![], &[]);
        other.check = "aws.ec2.default_sg_restricts_all";
        let controls = vec![closed_and_gap(), control("sg-0", &pass, vec![], &[]), other];
        let csv = render(&year(controls)).unwrap();
        let keys: Vec<(String, String, String)> =
            rows(&csv).into_iter().map(|r| (r[0].clone(), r[1].clone(), r[3].clone())).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(keys[0].0, "aws.ec2.default_sg_restricts_all");
        assert_eq!(keys[1].1, "sg-0");
        assert_eq!(keys.len(), 1 + 1 + 5);
    }

    #[test]
    fn timeline_cells_from_evidence_cannot_start_a_formula() {
        let mut c = closed_and_gap();
        c.resource = "=HYPERLINK(\"http://x\")".into();
        c.account = Some("+1".into());
        c.violations[0].evidence[0].file = "@cmd.json".into();
        let csv = render(&year(vec![c])).unwrap();
        let fail = rows(&csv).into_iter().find(|r| r[5] == "fail").unwrap();
        assert_eq!(fail[1], "'=HYPERLINK(\"http://x\")");
        assert_eq!(fail[2], "'+1");
        assert!(fail[7].starts_with("'@cmd.json ("), "{}", fail[7]);
    }

    #[test]
    fn evidence_without_digest_or_locator_names_only_what_it_has() {
        let e = |file: &str, sha: &str, loc: &str| EvidenceRef {
            file: file.into(),
            sha256: sha.into(),
            locator: loc.into(),
        };
        let text = evidence_text(&[e("a.json", "", "row 2"), e("b.json", "abc", ""), e("c.json", "", "")]);
        assert_eq!(text, "a.json (row 2); b.json (abc); c.json");
    }

    #[test]
    fn a_control_with_nothing_dated_or_bounds_at_the_ends_of_time_does_not_panic() {
        let mut empty = control("sg-9", &[], vec![], &[]);
        let mut period = year(vec![empty.clone()]);
        assert_eq!(rows(&render(&period).unwrap()).len(), 0);
        empty.evidence_gaps = vec![Gap { from: NaiveDate::MIN, to: NaiveDate::MAX }];
        empty.violations = vec![Violation { to: None, ..violation("2026-03-05T10:00:00Z", None, Basis::Timestamps) }];
        period.from = NaiveDate::MIN;
        period.to = NaiveDate::MAX;
        period.controls = vec![empty];
        let got = rows(&render(&period).unwrap());
        assert!(got.iter().any(|r| r[5] == "fail"), "{got:?}");
    }
}
