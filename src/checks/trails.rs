//! Trail configuration rules (DESIGN.md §6 "Logging coverage", CIS AWS 3.1/3.2/3.5) over the
//! describe-trails, get-trail-status and get-event-selectors exports. What an export does not say
//! is `unknown`, never a pass.

use std::collections::BTreeMap;

use super::{EvidenceRef, Outcome, Rule, Status};
use crate::config::Thresholds;
use crate::facts::Facts;
use crate::facts::cloudtrail::trails::{Source, TrailView};
use crate::formats::aws::trail_config::ManagementEvents;

pub(crate) const RULES: &[Rule] = &[
    Rule { id: "aws.cloudtrail.multi_region_trail", evaluate: multi_region_trail },
    Rule { id: "aws.cloudtrail.trail_logging", evaluate: trail_logging },
    Rule { id: "aws.cloudtrail.log_file_validation", evaluate: log_file_validation },
    Rule { id: "aws.cloudtrail.kms_encryption", evaluate: kms_encryption },
    Rule { id: "aws.cloudtrail.management_events", evaluate: management_events },
];

fn refs(sources: &[Source]) -> Vec<EvidenceRef> {
    sources
        .iter()
        .map(|s| EvidenceRef { file: s.file.clone(), sha256: s.sha256.clone(), locator: s.locator.clone() })
        .collect()
}

fn per_trail(facts: &Facts, check: &'static str, judge: impl Fn(&TrailView) -> (Status, String)) -> Vec<Outcome> {
    facts
        .cloudtrail
        .trails
        .trails
        .iter()
        .map(|view| {
            let (status, detail) = judge(view);
            Outcome {
                check,
                status,
                resource: view.trail.name.clone(),
                account: view.account().map(str::to_string),
                region: view.trail.home_region.clone(),
                detail,
                evidence: refs(&view.sources()),
                since: None,
            }
        })
        .collect()
}

fn trail_logging(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_trail(facts, check, |view| match &view.status {
        None => (Status::Unknown, "no get-trail-status export for this trail".into()),
        Some((status, _)) => match status.is_logging {
            Some(true) => (Status::Pass, "IsLogging = true".into()),
            Some(false) => {
                let since = status
                    .stop_logging
                    .map(|t| format!(" (StopLoggingTime {})", crate::timefmt::format_instant(t)))
                    .unwrap_or_default();
                (Status::Fail, format!("IsLogging = false{since}: the trail records nothing"))
            }
            None => (Status::Unknown, "the get-trail-status export has no IsLogging".into()),
        },
    })
}

fn log_file_validation(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_trail(facts, check, |view| match view.trail.log_file_validation {
        Some(true) => (Status::Pass, "LogFileValidationEnabled = true".into()),
        Some(false) => {
            (Status::Fail, "LogFileValidationEnabled = false: no digest files, tampering cannot be proven".into())
        }
        None => (Status::Unknown, "describe-trails does not give LogFileValidationEnabled".into()),
    })
}

fn kms_encryption(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_trail(facts, check, |view| match &view.trail.kms_key_id {
        Some(key) => (Status::Pass, format!("KmsKeyId = {key}")),
        None => (Status::Fail, "no KmsKeyId: log files are encrypted only with S3-managed keys (SSE-S3)".into()),
    })
}

/// Trails by account: every account the CloudTrail evidence names gets a result.
fn by_account(facts: &Facts) -> BTreeMap<String, Vec<&TrailView>> {
    let ct = &facts.cloudtrail;
    let mut accounts: BTreeMap<String, Vec<&TrailView>> = ct.accounts().into_iter().map(|a| (a, Vec::new())).collect();
    for view in &ct.trails.trails {
        if let Some(account) = view.account() {
            accounts.entry(account.to_string()).or_default().push(view);
        }
    }
    accounts
}

fn per_account(facts: &Facts, check: &'static str, judge: impl Fn(&[&TrailView]) -> (Status, String)) -> Vec<Outcome> {
    by_account(facts)
        .into_iter()
        .map(|(account, views)| {
            let (status, detail) = if views.is_empty() {
                (Status::Unknown, "no describe-trails export names a trail of this account".into())
            } else {
                judge(&views)
            };
            let sources: Vec<Source> = views.iter().flat_map(|v| v.sources()).collect();
            Outcome {
                check,
                status,
                resource: account.clone(),
                account: Some(account),
                region: None,
                detail,
                evidence: refs(&sources),
                since: None,
            }
        })
        .collect()
}

fn names(views: &[&TrailView]) -> String {
    views.iter().map(|v| v.trail.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn multi_region_trail(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_account(facts, check, |views| {
        let good: Vec<&TrailView> = views
            .iter()
            .copied()
            .filter(|v| v.trail.multi_region == Some(true) && v.is_logging() == Some(true))
            .collect();
        let maybe: Vec<&TrailView> = views
            .iter()
            .copied()
            .filter(|v| v.trail.multi_region != Some(false) && v.is_logging() != Some(false))
            .filter(|v| v.trail.multi_region.is_none() || v.is_logging().is_none())
            .collect();
        if !good.is_empty() {
            (Status::Pass, format!("multi-region trail logging: {}", names(&good)))
        } else if !maybe.is_empty() {
            (
                Status::Unknown,
                format!(
                    "no trail is known to be multi-region and logging; not known for: {} (export get-trail-status)",
                    names(&maybe)
                ),
            )
        } else {
            (Status::Fail, format!("no multi-region trail is logging (trails: {})", names(views)))
        }
    })
}

fn management_events(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_account(facts, check, |views| {
        let logging: Vec<&TrailView> = views.iter().copied().filter(|v| v.is_logging() != Some(false)).collect();
        let good: Vec<&TrailView> = logging
            .iter()
            .copied()
            .filter(|v| v.is_logging() == Some(true) && v.management() == Some(ManagementEvents::All))
            .collect();
        let unknown: Vec<&TrailView> =
            logging.iter().copied().filter(|v| v.is_logging().is_none() || v.management().is_none()).collect();
        if !good.is_empty() {
            (Status::Pass, format!("read and write management events recorded by logging trail(s): {}", names(&good)))
        } else if !unknown.is_empty() {
            (
                Status::Unknown,
                format!("not known whether these trails log read and write management events: {}", names(&unknown)),
            )
        } else {
            let what: Vec<String> = logging
                .iter()
                .map(|v| {
                    format!(
                        "{} records {:?} management events",
                        v.trail.name,
                        v.management().unwrap_or(ManagementEvents::None)
                    )
                })
                .collect();
            let detail = if what.is_empty() {
                format!("no trail is logging (trails: {})", names(views))
            } else {
                format!("no logging trail records both read and write management events: {}", what.join("; "))
            };
            (Status::Fail, detail)
        }
    })
}
