//! Posture rules over the AWS CLI configuration exports (DESIGN.md §6 "Network, storage, IAM policy"):
//! network exposure, storage encryption and sharing, IAM policy, logging and keys. Every member of a
//! check's population gets a result; what an export does not say is `unknown`; a check whose evidence
//! is absent gives no result at all (the report lists it as not assessed).

mod cis_filters;
mod iam;
mod monitoring;
mod network;
pub(crate) use network::{ADMIN_PORTS, DB_PORTS};
pub(crate) mod policy;
mod storage;

use std::collections::BTreeMap;

use super::{EvidenceRef, Outcome, Rule, Status};
use crate::facts::posture::PostureFile;

/// Every posture rule, in catalog order.
pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    [network::RULES, storage::RULES, iam::RULES, monitoring::RULES].into_iter().flatten()
}

/// At most this many evidence references per result; the detail says how many copies there were.
const MAX_EVIDENCE: usize = 5;

fn outcome(
    check: &'static str,
    status: Status,
    resource: impl Into<String>,
    file: &PostureFile,
    locator: impl Into<String>,
    detail: impl Into<String>,
) -> Outcome {
    Outcome {
        check,
        status,
        resource: resource.into(),
        account: file.account.clone(),
        region: file.region.clone(),
        detail: detail.into(),
        evidence: vec![file.evidence(locator)],
        since: None,
    }
}

/// `<account>/<region>`, the resource of a per-region setting.
fn region_resource(account: Option<&str>, region: Option<&str>) -> String {
    format!("{}/{}", account.unwrap_or("unknown-account"), region.unwrap_or("unknown-region"))
}

/// One result per resource: the same resource exported more than once (a bundle and a copy of it, or
/// a recorder's successive responses) becomes one result citing every copy. Copies that disagree give
/// the least favourable verdict, and the detail says they disagree: an auditor must not be told a
/// resource passes on the strength of one copy when another copy fails.
fn merge_copies(outcomes: Vec<Outcome>) -> Vec<Outcome> {
    type Key = (&'static str, String, Option<String>, Option<String>);
    let mut merged: BTreeMap<Key, Vec<Outcome>> = BTreeMap::new();
    for o in outcomes {
        merged.entry((o.check, o.resource.clone(), o.account.clone(), o.region.clone())).or_default().push(o);
    }
    merged
        .into_values()
        .filter_map(|mut copies| {
            let rank = |s: Status| match s {
                Status::Fail => 0,
                Status::Unknown => 1,
                Status::Excepted => 2,
                Status::Pass => 3,
            };
            copies.sort_by(|a, b| rank(a.status).cmp(&rank(b.status)).then(a.evidence.cmp(&b.evidence)));
            let count = copies.len();
            let disagree = copies.iter().any(|c| c.status != copies[0].status);
            let mut evidence: Vec<EvidenceRef> = copies.iter().flat_map(|c| c.evidence.iter().cloned()).collect();
            evidence.sort();
            evidence.dedup();
            let total = evidence.len();
            let mut first = copies.into_iter().next()?;
            evidence.truncate(MAX_EVIDENCE);
            first.evidence = evidence;
            if disagree {
                first.detail = format!(
                    "{count} exports of this resource disagree; the least favourable is shown: {}",
                    first.detail
                );
            } else if total > MAX_EVIDENCE {
                first.detail =
                    format!("{} (seen in {total} exports; the first {MAX_EVIDENCE} are cited)", first.detail);
            }
            Some(first)
        })
        .collect()
}

#[cfg(test)]
mod tests;
