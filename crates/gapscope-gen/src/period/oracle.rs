//! The oracle: what the observation-period analysis must say about every planted control, computed
//! from the plan by the rules of issue 16, apart from the analyzer.
//!
//! - A snapshot of an account and kind per month present; the credential report is dated by its
//!   `GeneratedTime` (12:00:00Z), everything else by its folder (`2026-03-31/` = 00:00:00Z) or its
//!   zip name (`…-20260331T120000Z.zip` = 12:00:00Z).
//! - Violations: maximal failing intervals clipped to the period. Where the account has CloudTrail,
//!   the change events date both ends (basis `cloudtrail`); else a key's age dates the start
//!   (`last_rotated` + 91 days, basis `timestamps`); else the snapshots do (first failing
//!   observation to the next passing one, or the first snapshot without the resource; basis
//!   `snapshots`). `to` is null while failing at the last observation.
//! - Evidence gaps: stretches longer than the cadence without a snapshot of the account and kind,
//!   inside the resource's life (it starts at the period start if the resource is in the first
//!   snapshot, else after the last snapshot without it; it ends at the first snapshot without it);
//!   none where CloudTrail covers every day.
//! - Verdict: exception if any violation, else not_evidenced if any gap, else operated.

use chrono::NaiveDate;
use serde::Serialize;

use super::plan::{
    Account, BUCKET, Interval, MFA, RDS, ROTATION, ROTATION_DAYS, SG, STALE_DAYS, STALE_MEMBER, TENANT, TRAIL,
    TRAIL_LOGGING, World, date_of, day_start, failing_at, month_end,
};
use super::snapshot::rotation_fails;
use crate::common::{DAY, zulu};

pub(crate) const CADENCE_DAYS: i64 = 31;

/// The evidence kinds of an account's monthly snapshot, as the inventory labels them.
pub(crate) const AWS_KINDS: [&str; 8] = [
    CREDENTIAL_REPORT,
    "aws.ec2.describe_security_groups",
    "aws.rds.describe_db_instances",
    "aws.s3.list_buckets",
    "aws.s3.get_public_access_block",
    POLICY_STATUS,
    "aws.cloudtrail.describe_trails",
    TRAIL_STATUS,
];
pub(crate) const ENTRA_KINDS: [&str; 2] = ["entra.registration", "entra.users"];
pub(crate) const CREDENTIAL_REPORT: &str = "aws.iam.credential_report";
const POLICY_STATUS: &str = "aws.s3.get_bucket_policy_status";
const TRAIL_STATUS: &str = "aws.cloudtrail.get_trail_status";

/// The kind whose snapshots evidence `check`.
fn kind_of(check: &str) -> &'static str {
    match check {
        SG => AWS_KINDS[1],
        RDS => AWS_KINDS[2],
        BUCKET => POLICY_STATUS,
        TRAIL_LOGGING => TRAIL_STATUS,
        _ => CREDENTIAL_REPORT,
    }
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SnapshotOut {
    pub(crate) account: Option<String>,
    pub(crate) kind: &'static str,
    pub(crate) as_of: String,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct KindGap {
    pub(crate) account: Option<String>,
    pub(crate) kind: &'static str,
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
}

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Gap {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Observation {
    pub(crate) at: String,
    pub(crate) status: &'static str,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Violation {
    pub(crate) from: String,
    pub(crate) to: Option<String>,
    pub(crate) basis: &'static str,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct Control {
    pub(crate) case: &'static str,
    pub(crate) check: &'static str,
    pub(crate) resource: String,
    pub(crate) account: Option<String>,
    pub(crate) verdict: &'static str,
    pub(crate) observations: Vec<Observation>,
    pub(crate) violations: Vec<Violation>,
    pub(crate) evidence_gaps: Vec<Gap>,
}

#[derive(Serialize)]
pub(crate) struct Period {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    pub(crate) cadence_days: i64,
}

#[derive(Serialize)]
pub(crate) struct Expected {
    pub(crate) schema: &'static str,
    pub(crate) period: Period,
    pub(crate) accounts: Vec<String>,
    pub(crate) cloudtrail_accounts: Vec<String>,
    pub(crate) snapshots: Vec<SnapshotOut>,
    pub(crate) evidence_gaps: Vec<KindGap>,
    pub(crate) controls: Vec<Control>,
}

/// The snapshot days of account `a`: the last day of every month written.
pub(crate) fn snapshot_days(w: &World, a: &Account) -> Vec<NaiveDate> {
    (1..=w.months).filter(|m| !a.missing.contains(m)).map(|m| month_end(w.year, m)).collect()
}

/// When a snapshot of `kind` taken on `day` is dated.
pub(crate) fn dated(a: &Account, kind: &str, day: NaiveDate) -> i64 {
    let noon = kind == CREDENTIAL_REPORT || a.zipped;
    day_start(day) + if noon { 12 * 3_600 } else { 0 }
}

/// Stretches longer than the cadence between `edges` (inclusive days): from `first` to the first
/// snapshot, between snapshots, and from the last to `last` when `open_end`; `days` sorted.
pub(crate) fn gaps(first: NaiveDate, days: &[NaiveDate], end: Option<NaiveDate>) -> Vec<Gap> {
    let mut out = Vec::new();
    let mut push = |from: NaiveDate, to: NaiveDate| {
        if (to - from).num_days() + 1 > CADENCE_DAYS {
            out.push(Gap { from, to });
        }
    };
    let Some((head, _)) = days.split_first() else {
        if let Some(end) = end {
            push(first, end);
        }
        return out;
    };
    if let Some(before) = head.pred_opt() {
        push(first, before);
    }
    for pair in days.windows(2) {
        if let (Some(from), Some(to)) = (pair[0].succ_opt(), pair[1].pred_opt()) {
            push(from, to);
        }
    }
    if let (Some(last), Some(end)) = (days.last().and_then(|d| d.succ_opt()), end) {
        push(last, end);
    }
    out
}

/// What the plan says a control is at snapshot time `t`: `None` outside the population.
fn status_at(a: &Account, check: &str, resource: &str, t: i64) -> Option<bool> {
    match check {
        MFA => {
            let u = a.users.iter().find(|u| a.user_arn(&u.name) == resource)?;
            (u.present_at(t) && u.console).then(|| failing_at(&u.mfa_off, t))
        }
        ROTATION => {
            let u = a.users.iter().find(|u| format!("{}#access_key_1", a.user_arn(&u.name)) == resource)?;
            let key = u.key.as_ref().filter(|k| u.present_at(t) && k.active_at(t))?;
            Some(rotation_fails(key.rotated_at(t)?, t))
        }
        SG => a.groups.iter().find(|g| g.id == resource).map(|g| failing_at(&g.open, t)),
        RDS => a.dbs.iter().find(|d| d.id == resource).map(|d| failing_at(&d.public, t)),
        BUCKET => (a.bucket == resource).then_some(false),
        TRAIL_LOGGING => (resource == TRAIL).then(|| failing_at(&a.trail_stopped, t)),
        _ => None,
    }
}

/// The failing intervals CloudTrail records for a control.
fn logged_intervals(a: &Account, check: &str, resource: &str) -> Vec<Interval> {
    match check {
        MFA => a.users.iter().find(|u| a.user_arn(&u.name) == resource).map(|u| u.mfa_off.clone()),
        SG => a.groups.iter().find(|g| g.id == resource).map(|g| g.open.clone()),
        RDS => a.dbs.iter().find(|d| d.id == resource).map(|d| d.public.clone()),
        TRAIL_LOGGING => Some(a.trail_stopped.clone()),
        _ => None,
    }
    .unwrap_or_default()
}

fn time(t: i64) -> String {
    zulu(t).unwrap_or_default()
}

/// One planted control.
pub(crate) fn control(w: &World, a: &Account, case: &'static str, check: &'static str, resource: &str) -> Control {
    let kind = kind_of(check);
    let days = snapshot_days(w, a);
    let times: Vec<i64> = days.iter().map(|d| dated(a, kind, *d)).collect();
    let states: Vec<Option<bool>> = times.iter().map(|t| status_at(a, check, resource, *t)).collect();
    let observations: Vec<Observation> = times
        .iter()
        .zip(&states)
        .filter_map(|(t, s)| s.map(|fail| Observation { at: time(*t), status: if fail { "fail" } else { "pass" } }))
        .collect();
    let first = states.iter().position(Option::is_some);
    let last = states.iter().rposition(Option::is_some);
    // Every planted check is one CloudTrail can refine, and the archive covers every day of the
    // year; key ages are dated by the report's own timestamps.
    let logged = a.cloudtrail && check != ROTATION;
    let mut violations = Vec::new();
    if logged {
        let life_end = last.and_then(|l| times.get(l + 1)).copied();
        for i in logged_intervals(a, check, resource) {
            let to = match (i.to, life_end) {
                (Some(to), _) if to < w.end => Some(to.min(life_end.unwrap_or(to))),
                (_, Some(gone)) => Some(gone),
                _ => None,
            };
            if i.from < w.end && to.is_none_or(|to| to > w.start) {
                violations.push(Violation { from: time(i.from.max(w.start)), to: to.map(time), basis: "cloudtrail" });
            }
        }
    } else {
        let mut n = 0;
        while n < states.len() {
            if states[n] != Some(true) {
                n += 1;
                continue;
            }
            let mut from = times[n];
            let mut basis = "snapshots";
            if check == ROTATION
                && let Some(rotated) = rotated_at(a, resource, times[n])
            {
                from = (rotated + (ROTATION_DAYS + 1) * DAY).max(w.start);
                basis = "timestamps";
            }
            let mut m = n + 1;
            while m < states.len() && states[m] == Some(true) {
                m += 1;
            }
            // The next snapshot passes or no longer has the resource: either ends the violation.
            let to = times.get(m).copied();
            violations.push(Violation { from: time(from), to: to.map(time), basis });
            n = m;
        }
    }
    let evidence_gaps = match (first, last) {
        _ if a.cloudtrail => Vec::new(),
        (Some(first), Some(last)) => {
            let start = if first == 0 { date_of(w.start) } else { days[first - 1].succ_opt().unwrap_or(days[first]) };
            let end = match days.get(last + 1) {
                Some(gone) => gone.pred_opt(),
                None => Some(date_of(w.end - DAY)),
            };
            let inside = &days[first..=last];
            gaps(start, inside, end)
        }
        _ => Vec::new(),
    };
    let verdict = if !violations.is_empty() {
        "exception"
    } else if !evidence_gaps.is_empty() {
        "not_evidenced"
    } else {
        "operated"
    };
    Control {
        case,
        check,
        resource: resource.to_owned(),
        account: Some(a.id.clone()),
        verdict,
        observations,
        violations,
        evidence_gaps,
    }
}

fn rotated_at(a: &Account, resource: &str, t: i64) -> Option<i64> {
    let u = a.users.iter().find(|u| format!("{}#access_key_1", a.user_arn(&u.name)) == resource)?;
    u.key.as_ref()?.rotated_at(t)
}

pub(crate) fn expected(w: &World) -> Expected {
    let (from, to) = (date_of(w.start), date_of(w.end - DAY));
    let mut snapshots = Vec::new();
    let mut evidence_gaps = Vec::new();
    for a in &w.accounts {
        let days = snapshot_days(w, a);
        for kind in AWS_KINDS {
            for d in &days {
                snapshots.push(SnapshotOut { account: Some(a.id.clone()), kind, as_of: time(dated(a, kind, *d)) });
            }
            for g in gaps(from, &days, Some(to)) {
                evidence_gaps.push(KindGap { account: Some(a.id.clone()), kind, from: g.from, to: g.to });
            }
        }
    }
    let entra_days: Vec<NaiveDate> = (1..=w.months).map(|m| month_end(w.year, m)).collect();
    for kind in ENTRA_KINDS {
        for d in &entra_days {
            snapshots.push(SnapshotOut { account: None, kind, as_of: time(day_start(*d)) });
        }
        for g in gaps(from, &entra_days, Some(to)) {
            evidence_gaps.push(KindGap { account: None, kind, from: g.from, to: g.to });
        }
    }
    snapshots.sort();
    evidence_gaps.sort();
    let mut controls: Vec<Control> = w
        .cases
        .iter()
        .filter_map(|c| match c.account {
            TENANT => entra_control(w, c.what, &c.resource),
            i => w.accounts.get(i).map(|a| control(w, a, c.what, c.check, &c.resource)),
        })
        .collect();
    controls.sort_by(|x, y| (x.check, &x.resource, &x.account).cmp(&(y.check, &y.resource, &y.account)));
    Expected {
        schema: "gapscope-gen.period/v1",
        period: Period { from, to, cadence_days: CADENCE_DAYS },
        accounts: w.accounts.iter().map(|a| a.id.clone()).collect(),
        cloudtrail_accounts: w.accounts.iter().filter(|a| a.cloudtrail).map(|a| a.id.clone()).collect(),
        snapshots,
        evidence_gaps,
        controls,
    }
}

/// An Entra member's staleness over the year: monthly exports dated by their folder (00:00:00Z);
/// stale from its last sign-in + 91 days (basis `timestamps`), every month evidenced.
fn entra_control(w: &World, case: &'static str, upn: &str) -> Option<Control> {
    let u = w.entra.iter().find(|u| u.upn == upn)?;
    let times: Vec<i64> = (1..=w.months).map(|m| day_start(month_end(w.year, m))).collect();
    let mut observations = Vec::new();
    let mut violations = Vec::new();
    let mut open = false;
    for &t in &times {
        // The export written at noon of the snapshot day; the last sign-in the writer gives it.
        let noon = t + 12 * 3_600;
        if u.created > noon {
            continue;
        }
        let last = u.last_sign_in.map_or(noon - DAY, |l| l.min(noon - DAY)).max(u.created);
        let fail = (t - last).div_euclid(DAY) > STALE_DAYS;
        observations.push(Observation { at: time(t), status: if fail { "fail" } else { "pass" } });
        if fail && !open {
            violations.push(Violation { from: time(last + (STALE_DAYS + 1) * DAY), to: None, basis: "timestamps" });
        }
        if !fail
            && open
            && let Some(v) = violations.last_mut()
        {
            v.to = Some(time(t));
        }
        open = fail;
    }
    let verdict = if violations.is_empty() { "operated" } else { "exception" };
    Some(Control {
        case,
        check: STALE_MEMBER,
        resource: upn.to_owned(),
        account: None,
        verdict,
        observations,
        violations,
        evidence_gaps: Vec::new(),
    })
}
