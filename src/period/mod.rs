//! SOC 2 Type II: whether each control operated **throughout** the observation period. The evidence
//! is grouped into dated snapshots (per account or tenant and evidence kind); each snapshot is
//! evaluated with the same rules as the as-of run, and every check × resource becomes one period
//! control: its observations, the intervals it failed (refined from the evidence's own timestamps
//! and from CloudTrail change events between snapshots) and the stretches nothing evidences.
//!
//! Several exports of one resource at different dates are a time series here, never copies that
//! disagree.

pub(crate) mod assemble;
pub(crate) mod changes;
pub(crate) mod controls;
pub(crate) mod observe;
pub(crate) mod snapshots;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::checks::Status;
use crate::facts::EvidenceRef;
use crate::timefmt::{Instant, format_instant};

/// Default `[period] cadence_days`: a monthly evidence cadence, with the longest month's slack.
pub(crate) const DEFAULT_CADENCE_DAYS: u32 = 31;

/// The `period` block of `findings.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PeriodFindings {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cadence_days: u32,
    pub snapshots: Vec<SnapshotOut>,
    pub evidence_gaps: Vec<KindGap>,
    pub controls: Vec<Control>,
}

/// One dated snapshot: the exports of one account (or tenant) and evidence kind of one date.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct SnapshotOut {
    pub account: Option<String>,
    pub kind: String,
    #[serde(serialize_with = "instant")]
    pub as_of: Instant,
    /// Where the date came from: `GeneratedTime`, `folder name`, `COLLECTION.txt`, `newest timestamp`,
    /// `run as-of` (undated evidence).
    pub date_source: String,
    pub files: Vec<String>,
}

/// A stretch of the period longer than the cadence with no snapshot of an account and kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct KindGap {
    pub account: Option<String>,
    pub kind: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A stretch of one control's life with no evidence (inclusive days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Gap {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Verdict {
    /// Evidenced throughout the period (inside the resource's life) and never failing.
    Operated,
    /// Failed at least once during the period.
    Exception,
    /// Never seen failing, but some stretch is not evidenced.
    NotEvidenced,
}

/// What dates a violation's start or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Basis {
    /// The dates of the snapshots that observed the change.
    Snapshots,
    /// A timestamp inside the evidence (a key's last rotation, a credential's last use).
    Timestamps,
    /// A CloudTrail change event between snapshots.
    Cloudtrail,
}

impl Basis {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Basis::Snapshots => "snapshots",
            Basis::Timestamps => "timestamps",
            Basis::Cloudtrail => "cloudtrail",
        }
    }
}

/// One check × resource over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Control {
    pub check: &'static str,
    pub resource: String,
    pub account: Option<String>,
    pub verdict: Verdict,
    pub observations: Vec<Observation>,
    pub violations: Vec<Violation>,
    pub evidence_gaps: Vec<Gap>,
}

/// The status one snapshot gave the control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Observation {
    #[serde(serialize_with = "instant")]
    pub at: Instant,
    pub status: Status,
}

/// A maximal interval in which the control failed, clipped to the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Violation {
    #[serde(serialize_with = "instant")]
    pub from: Instant,
    /// `None` while still failing at the last observation.
    #[serde(serialize_with = "optional_instant")]
    pub to: Option<Instant>,
    pub basis: Basis,
    pub detail: String,
    pub evidence: Vec<EvidenceRef>,
}

/// A change of a control's state that CloudTrail records: at `at` the control started failing
/// (`failing`) or passing. Produced by [`changes::transitions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transition {
    pub at: Instant,
    pub failing: bool,
    /// What happened, for the violation's detail: "AuthorizeSecurityGroupIngress by
    /// arn:aws:iam::…:user/bob opened tcp 22 to 0.0.0.0/0".
    pub detail: String,
    pub evidence: EvidenceRef,
}

impl PeriodFindings {
    /// What every period must hold whatever the evidence: violations inside the period and in time
    /// order, gaps inside it, verdicts that follow from them. The fuzz targets check it.
    pub(crate) fn invariants(&self) -> Result<(), String> {
        let start = chrono::TimeZone::from_utc_datetime(&chrono::Utc, &self.from.and_time(chrono::NaiveTime::MIN));
        let end = start + chrono::Duration::days((self.to - self.from).num_days() + 1);
        for c in &self.controls {
            let name = format!("{} on {}", c.check, c.resource);
            let mut last = None;
            for v in &c.violations {
                if v.from < start || v.to.is_some_and(|to| to < v.from || to >= end) {
                    return Err(format!("{name}: violation {:?}..{:?} outside the period or reversed", v.from, v.to));
                }
                if last.is_some_and(|l| v.from < l) {
                    return Err(format!("{name}: violations overlap or are out of order"));
                }
                last = Some(v.to.unwrap_or(end));
            }
            if c.evidence_gaps.iter().any(|g| g.from > g.to || g.from < self.from || g.to > self.to) {
                return Err(format!("{name}: an evidence gap outside the period or reversed"));
            }
            let expected = match (c.violations.is_empty(), c.evidence_gaps.is_empty()) {
                (false, _) => Verdict::Exception,
                (true, false) => Verdict::NotEvidenced,
                (true, true) => Verdict::Operated,
            };
            if c.verdict != expected || c.observations.is_empty() {
                return Err(format!("{name}: verdict {:?} with {} observations", c.verdict, c.observations.len()));
            }
        }
        Ok(())
    }
}

fn instant<S: Serializer>(t: &Instant, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_instant(*t))
}

fn optional_instant<S: Serializer>(t: &Option<Instant>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&format_instant(*t)),
        None => s.serialize_none(),
    }
}
