//! Logging-coverage rules over CloudTrail records (DESIGN.md §6 "Logging coverage"): what the
//! archive covers and what it shows happened. Trail configuration rules live in `trails`.

use std::collections::BTreeMap;

use super::{EvidenceRef, Outcome, Rule, Status};
use crate::config::Thresholds;
use crate::facts::Facts;
use crate::facts::cloudtrail::aggregate::{Activity, Example};
use crate::facts::cloudtrail::detect::Kind;
use crate::facts::cloudtrail::facts::CloudTrailFacts;
use crate::facts::cloudtrail::integrity::Verdict;
use crate::timefmt::format_epoch;

pub(crate) const RULES: &[Rule] = &[
    Rule { id: "aws.cloudtrail.archive_region_gap", evaluate: archive_region_gap },
    Rule { id: "aws.cloudtrail.archive_region_missing", evaluate: archive_region_missing },
    Rule { id: "aws.cloudtrail.logging_tampered", evaluate: logging_tampered },
    Rule { id: "aws.cloudtrail.root_activity", evaluate: root_activity },
    Rule { id: "aws.cloudtrail.console_login_without_mfa", evaluate: console_login_without_mfa },
    Rule { id: "aws.cloudtrail.kms_key_disabled", evaluate: kms_key_disabled },
    Rule { id: "aws.cloudtrail.log_integrity", evaluate: log_integrity },
];

fn log_integrity(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    facts
        .cloudtrail
        .integrity
        .iter()
        .map(|a| {
            let account = if a.account.is_empty() { "unknown" } else { a.account.as_str() };
            let region = if a.region.is_empty() { "unknown" } else { a.region.as_str() };
            Outcome {
                check,
                status: match a.verdict {
                    Verdict::Pass => Status::Pass,
                    Verdict::Fail => Status::Fail,
                    Verdict::Unknown => Status::Unknown,
                },
                resource: format!("{account}/{region}"),
                account: (!a.account.is_empty()).then(|| a.account.clone()),
                region: (!a.region.is_empty()).then(|| a.region.clone()),
                detail: a.detail.clone(),
                evidence: a
                    .evidence
                    .iter()
                    .map(|(file, sha256, locator)| EvidenceRef {
                        file: file.clone(),
                        sha256: sha256.clone(),
                        locator: locator.clone(),
                    })
                    .collect(),
                since: None,
            }
        })
        .collect()
}

fn period_text(ct: &CloudTrailFacts) -> String {
    match &ct.period {
        Some(p) if p.given => format!("the period {}..{} (--period)", p.from, p.to),
        Some(p) => format!("the period {}..{} (first..last day of the records)", p.from, p.to),
        None => "no period".into(),
    }
}

fn archive_region_gap(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let ct = &facts.cloudtrail;
    ct.coverage
        .iter()
        .filter(|c| c.records > 0)
        .map(|c| {
            let missing = c.days_in_period - c.days_covered;
            let (status, detail) = if c.gaps.is_empty() {
                (
                    Status::Pass,
                    format!(
                        "records on every one of the {} days of {}; {} records in {} files; longest silence {} h",
                        c.days_in_period,
                        period_text(ct),
                        c.records,
                        c.files,
                        c.longest_silence_hours
                    ),
                )
            } else {
                let shown: Vec<String> = c.gaps.iter().take(5).map(|[a, b]| day_range(a, b)).collect();
                let more = if c.gaps.len() > 5 { format!(" and {} more gaps", c.gaps.len() - 5) } else { String::new() };
                (
                    Status::Fail,
                    format!(
                        "no record on {missing} of the {} days of {}: {}{more}; longest silence {} h ({} records on {} days)",
                        c.days_in_period,
                        period_text(ct),
                        shown.join(", "),
                        c.longest_silence_hours,
                        c.records,
                        c.days_covered
                    ),
                )
            };
            Outcome {
                check,
                status,
                resource: format!("{}/{}", c.account, c.region),
                account: Some(c.account.clone()),
                region: Some(c.region.clone()),
                detail,
                evidence: vec![coverage_ref(&c.account, &c.region)],
since: None,
}
        })
        .collect()
}

fn day_range(a: &str, b: &str) -> String {
    if a == b { a.to_string() } else { format!("{a}..{b}") }
}

/// Coverage results point at their rows of coverage.csv, where the day-by-day counts are.
fn coverage_ref(account: &str, region: &str) -> EvidenceRef {
    EvidenceRef { file: "coverage.csv".into(), sha256: String::new(), locator: format!("{account}/{region}") }
}

fn archive_region_missing(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let ct = &facts.cloudtrail;
    ct.expected_regions
        .iter()
        .map(|(account, region)| {
            let coverage = ct.coverage.iter().find(|c| &c.account == account && &c.region == region);
            let records = coverage.map_or(0, |c| c.records);
            let why = ct.expected_why.get(&(account.clone(), region.clone())).map_or("", String::as_str);
            let (status, detail) = if records > 0 {
                (Status::Pass, format!("{records} records in {} ({why})", period_text(ct)))
            } else {
                (
                    Status::Fail,
                    format!("no CloudTrail record at all in {} although the region is {why}", period_text(ct)),
                )
            };
            Outcome {
                check,
                status,
                resource: format!("{account}/{region}"),
                account: Some(account.clone()),
                region: Some(region.clone()),
                detail,
                evidence: vec![coverage_ref(account, region)],
                since: None,
            }
        })
        .collect()
}

/// One kind's activity in each account, over all regions.
fn per_account(ct: &CloudTrailFacts, kind: Kind) -> BTreeMap<String, Activity> {
    let mut accounts: BTreeMap<String, Activity> =
        ct.accounts_with_records().into_iter().map(|a| (a.to_string(), Activity::default())).collect();
    for ((k, account, _region), activity) in &ct.aggregate.activity {
        if *k == kind {
            accounts.entry(account.clone()).or_default().merge(activity.clone());
        }
    }
    accounts
}

fn describe(examples: &[Example]) -> String {
    let shown: Vec<String> = examples
        .iter()
        .take(3)
        .map(|e| format!("{} {} by {} (eventID {})", format_epoch(e.time), e.event_name, e.principal, e.event_id))
        .collect();
    shown.join("; ")
}

fn example_refs(hashes: &BTreeMap<&str, &str>, examples: &[Example]) -> Vec<EvidenceRef> {
    let mut refs: Vec<EvidenceRef> = examples
        .iter()
        .map(|e| EvidenceRef {
            file: e.file.clone(),
            sha256: hashes.get(e.file.as_str()).map(|s| s.to_string()).unwrap_or_default(),
            locator: format!("eventID {}", e.event_id),
        })
        .collect();
    refs.sort();
    refs.dedup();
    refs
}

/// An account-wide detection: fails when `counts` says so, with the earliest examples named.
fn detection(facts: &Facts, check: &'static str, kind: Kind, what: &str, counts: fn(&Activity) -> u64) -> Vec<Outcome> {
    let ct = &facts.cloudtrail;
    // Built once per rule: every result looks its examples' files up in it.
    let hashes = ct.file_hashes();
    per_account(ct, kind)
        .into_iter()
        .map(|(account, activity)| {
            let n = counts(&activity);
            let refused = if activity.refused > 0 && counts(&activity) != activity.count {
                format!(
                    "; {} refused attempts (not counted): {}",
                    activity.refused,
                    describe(&activity.refused_examples)
                )
            } else {
                String::new()
            };
            let (status, detail) = if n == 0 {
                (Status::Pass, format!("no {what} in the records of {}{refused}", period_text(ct)))
            } else {
                (
                    Status::Fail,
                    format!(
                        "{n} {what} between {} and {}: {}{refused}",
                        format_epoch(activity.first),
                        format_epoch(activity.last),
                        describe(&activity.examples),
                    ),
                )
            };
            let mut examples = activity.examples.clone();
            examples.extend(activity.refused_examples.iter().cloned());
            Outcome {
                check,
                status,
                resource: account.clone(),
                account: Some(account),
                region: None,
                detail,
                evidence: example_refs(&hashes, &examples),
                since: None,
            }
        })
        .collect()
}

fn logging_tampered(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    detection(
        facts,
        check,
        Kind::Tampering,
        "successful StopLogging, DeleteTrail, UpdateTrail or PutEventSelectors calls",
        Activity::succeeded,
    )
}

fn root_activity(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    detection(facts, check, Kind::RootActivity, "root user actions (CIS 4.3)", |a| a.count)
}

fn kms_key_disabled(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    detection(
        facts,
        check,
        Kind::KmsKeyDisabled,
        "successful KMS DisableKey or ScheduleKeyDeletion calls",
        Activity::succeeded,
    )
}

fn console_login_without_mfa(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let ct = &facts.cloudtrail;
    // Built once per rule: every result looks its examples' files up in it.
    let hashes = ct.file_hashes();
    ct.aggregate
        .console
        .iter()
        .filter(|(_, logins)| logins.with_mfa + logins.without_mfa > 0)
        .map(|(principal, logins)| {
            let total = logins.with_mfa + logins.without_mfa;
            let federated = !matches!(logins.identity_type.as_str(), "IAMUser" | "Root");
            let (status, detail) = if federated {
                (
                    Status::Unknown,
                    format!(
                        "{total} successful console sign-ins as {} between {} and {}: MFA for federated sign-ins happens at the identity provider and CloudTrail does not show it",
                        logins.identity_type,
                        format_epoch(logins.first),
                        format_epoch(logins.last)
                    ),
                )
            } else if logins.without_mfa > 0 {
                (
                    Status::Fail,
                    format!(
                        "{} of {total} successful console sign-ins without MFA (MFAUsed not Yes) between {} and {}: {}",
                        logins.without_mfa,
                        format_epoch(logins.first),
                        format_epoch(logins.last),
                        describe(&logins.examples)
                    ),
                )
            } else {
                (
                    Status::Pass,
                    format!(
                        "all {total} successful console sign-ins used MFA ({}..{})",
                        format_epoch(logins.first),
                        format_epoch(logins.last)
                    ),
                )
            };
            Outcome {
                check,
                status,
                resource: principal.clone(),
                account: Some(logins.account.clone()),
                region: None,
                detail,
                evidence: example_refs(&hashes, &logins.examples),
since: None,
}
        })
        .collect()
}
