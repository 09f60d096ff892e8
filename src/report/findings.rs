//! `findings.json`, schema `gapscope.findings/v1` (DESIGN.md §2).

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::results::{CheckResult, ExceptionUse};

pub(crate) const SCHEMA: &str = "gapscope.findings/v1";

#[derive(Debug, Serialize)]
pub(crate) struct Period {
    pub from: String,
    pub to: String,
}

/// `period`: its days, and when the period analysis ran, every control judged over it (the same
/// `from` and `to` first, so a reader of the days alone reads either).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum PeriodBlock<'a> {
    Days(Period),
    Judged(&'a crate::period::PeriodFindings),
}

#[derive(Debug, Serialize)]
pub(crate) struct Unused {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Inputs<'a> {
    pub files: usize,
    pub used: usize,
    pub unused: Vec<Unused>,
    /// Problems inside used inputs (rejected rows, unreadable cells), with file and locator; borrowed,
    /// since a damaged million-row report can have a million of them.
    pub diagnostics: &'a [Diagnostic],
}

/// One activity summary: a CIS 4.x predicate's matches in one account/region.
#[derive(Debug, Serialize)]
pub(crate) struct ActivityOut {
    pub check: &'static str,
    pub account: String,
    pub region: String,
    pub count: u64,
    /// Of `count`, calls refused with an error code.
    pub refused: u64,
    pub first: String,
    pub last: String,
    /// The 20 principals with most matches (ties by name).
    pub by_principal: serde_json::Map<String, serde_json::Value>,
    /// The earliest matches' eventIDs, to look up.
    pub example_event_ids: Vec<String>,
}

impl ActivityOut {
    pub(crate) fn from_aggregate(aggregate: &crate::facts::cloudtrail::aggregate::Aggregate) -> Vec<ActivityOut> {
        let time =
            |t: i64| chrono::DateTime::from_timestamp(t, 0).map(crate::timefmt::format_instant).unwrap_or_default();
        let mut out: Vec<ActivityOut> = aggregate
            .activity
            .iter()
            .filter_map(|((kind, account, region), activity)| {
                let check = kind.activity_id()?;
                if activity.count == 0 {
                    return None;
                }
                let mut principals: Vec<(&String, &u64)> = activity.by_principal.iter().collect();
                principals.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let mut examples: Vec<(i64, String)> = activity
                    .examples
                    .iter()
                    .chain(&activity.refused_examples)
                    .map(|e| (e.time, e.event_id.clone()))
                    .collect();
                examples.sort();
                examples.dedup();
                examples.truncate(crate::facts::cloudtrail::aggregate::EXAMPLES);
                Some(ActivityOut {
                    check,
                    account: account.clone(),
                    region: region.clone(),
                    count: activity.count,
                    refused: activity.refused,
                    first: time(activity.first),
                    last: time(activity.last),
                    by_principal: principals
                        .into_iter()
                        .take(20)
                        .map(|(p, n)| (p.clone(), serde_json::Value::from(*n)))
                        .collect(),
                    example_event_ids: examples.into_iter().map(|(_, id)| id).collect(),
                })
            })
            .collect();
        out.sort_by(|a, b| (a.check, &a.account, &a.region).cmp(&(b.check, &b.account, &b.region)));
        out
    }
}

/// One `coverage[]` entry; `source` says which kind.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum CoverageOut<'a> {
    CloudTrail(&'a crate::facts::cloudtrail::coverage::RegionCoverage),
    EntraSignIns(&'a crate::facts::entra::coverage::SignInCoverage),
}

#[derive(Debug, Serialize)]
pub(crate) struct Findings<'a> {
    pub schema: &'static str,
    pub generated_by: String,
    pub engagement: Option<&'a str>,
    pub as_of: Option<String>,
    pub period: Option<PeriodBlock<'a>>,
    pub results: &'a [CheckResult],
    pub activity: &'a [ActivityOut],
    /// CloudTrail account/region coverage, then Entra sign-in coverage per tenant and kind.
    pub coverage: Vec<CoverageOut<'a>>,
    pub exceptions: &'a [ExceptionUse],
    /// What an auditor must know to read the results: where as-of dates came from, suspicious dates.
    pub notes: &'a [String],
    pub inputs: Inputs<'a>,
}

impl Findings<'_> {
    // Built in memory (a 100,000-user population gives ~300 MB): the PDF embeds these exact bytes and
    // prints their SHA-256, so they are made once and written and embedded from the same buffer.
    /// Pretty JSON with a final newline: written as findings.json and embedded in the PDF.
    pub(crate) fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
