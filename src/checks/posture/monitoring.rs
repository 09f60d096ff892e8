//! Logging and keys: log retention, KMS key rotation, VPC flow logs, AWS Config in every region, and
//! the CIS section 4 metric filters with their alarms (CIS AWS 3.3, 3.6, 3.7, 4.1–4.15).

use std::collections::{BTreeMap, BTreeSet};

use super::cis_filters::comparisons;
use super::{Outcome, Rule, Status, merge_copies, outcome, region_resource};
use crate::config::Thresholds;
use crate::facts::Facts;
use crate::facts::cloudtrail::cis::cis_sections;
use crate::facts::posture::PostureFile;
use crate::formats::aws::posture::model::{MetricAlarm, MetricFilter};
use crate::formats::aws::posture::{PostureExport, PostureKind};

pub(super) const RULES: &[Rule] = &[
    Rule { id: "aws.logs.retention", evaluate: log_retention },
    Rule { id: "aws.kms.rotation", evaluate: kms_rotation },
    Rule { id: "aws.ec2.vpc_flow_logs", evaluate: vpc_flow_logs },
    Rule { id: "aws.config.recorder_all_regions", evaluate: recorder_all_regions },
    Rule { id: "aws.cloudwatch.cis_alarms", evaluate: cis_alarms },
];

fn log_retention(check: &'static str, facts: &Facts, t: &Thresholds) -> Vec<Outcome> {
    let days = t.log_retention_days;
    let mut outcomes = Vec::new();
    for file in facts.posture.of(PostureKind::LogGroups) {
        let PostureExport::LogGroups(groups) = &file.export else { continue };
        for (i, group) in groups.iter().enumerate() {
            let (status, detail) = match group.retention_in_days {
                None => (Status::Pass, "no retention set: events never expire".to_string()),
                Some(n) if n >= days => (Status::Pass, format!("retentionInDays = {n} (at least {days})")),
                Some(n) => (Status::Fail, format!("retentionInDays = {n}: events are deleted before {days} days")),
            };
            outcomes.push(outcome(check, status, &group.log_group_name, file, format!("logGroups[{i}]"), detail));
        }
    }
    merge_copies(outcomes)
}

fn kms_rotation(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let outcomes = facts
        .posture
        .keys
        .iter()
        .filter_map(|(id, key)| {
            let (status, detail, evidence) = match (&key.metadata, &key.rotation) {
                (None, _) => {
                    let listed = key.listed.clone()?;
                    (
                        Status::Unknown,
                        "listed by list-keys, but no describe-key export says whose key it is".to_string(),
                        vec![listed],
                    )
                }
                (Some((meta, _)), _)
                    if meta.key_manager.as_deref() != Some("CUSTOMER")
                        || meta.spec() != Some("SYMMETRIC_DEFAULT")
                        || meta.key_state.as_deref() != Some("Enabled") =>
                {
                    return None;
                }
                (Some((_, m)), None) => {
                    (Status::Unknown, "no get-key-rotation-status export for this key".to_string(), vec![m.clone()])
                }
                (Some((_, m)), Some((rotation, r))) => {
                    let (status, detail) = match rotation {
                        Some(true) => (Status::Pass, "KeyRotationEnabled = true".to_string()),
                        Some(false) => (Status::Fail, "KeyRotationEnabled = false".to_string()),
                        None => (Status::Unknown, "the rotation export has no KeyRotationEnabled".to_string()),
                    };
                    (status, detail, vec![m.clone(), r.clone()])
                }
            };
            Some(Outcome {
                check,
                status,
                resource: id.clone(),
                account: key.account.clone(),
                region: key.region.clone(),
                detail,
                evidence,
                since: None,
            })
        })
        .collect();
    merge_copies(outcomes)
}

type Place = (Option<String>, Option<String>);

fn place(file: &PostureFile) -> Place {
    (file.account.clone(), file.region.clone())
}

fn vpc_flow_logs(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let mut active: BTreeMap<Place, BTreeSet<String>> = BTreeMap::new();
    for file in facts.posture.of(PostureKind::FlowLogs) {
        let PostureExport::FlowLogs(logs) = &file.export else { continue };
        let set = active.entry(place(file)).or_default();
        for log in logs {
            if log.flow_log_status.as_deref().is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"))
                && let Some(resource) = &log.resource_id
            {
                set.insert(resource.clone());
            }
        }
    }
    let mut outcomes = Vec::new();
    for file in facts.posture.of(PostureKind::Vpcs) {
        let PostureExport::Vpcs(vpcs) = &file.export else { continue };
        for (i, vpc) in vpcs.iter().enumerate() {
            let (status, detail) = match active.get(&place(file)) {
                None => (Status::Unknown, "no describe-flow-logs export for this account and region".to_string()),
                Some(set) if set.contains(&vpc.vpc_id) => {
                    (Status::Pass, "an active flow log records this VPC".to_string())
                }
                Some(_) => (Status::Fail, "no active flow log has this VPC as its resource".to_string()),
            };
            outcomes.push(outcome(check, status, &vpc.vpc_id, file, format!("Vpcs[{i}]"), detail));
        }
    }
    merge_copies(outcomes)
}

fn recorder_all_regions(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    // What each region's exports say: whether a recorder records, and whether it records everything.
    let mut statuses: BTreeMap<Place, Vec<&PostureFile>> = BTreeMap::new();
    for file in facts.posture.of(PostureKind::RecorderStatus).chain(facts.posture.of(PostureKind::Recorders)) {
        statuses.entry(place(file)).or_default().push(file);
    }
    let recorder_accounts: BTreeSet<Option<String>> = statuses.keys().map(|(a, _)| a.clone()).collect();
    let mut expected: BTreeMap<Place, Option<crate::facts::EvidenceRef>> = BTreeMap::new();
    for (account, regions, source) in &facts.cloudtrail.trails.regions {
        // describe-regions alone is no AWS Config evidence: only accounts with a recorder export are
        // assessed, and then in every region they have enabled.
        let accounts: Vec<Option<String>> = match account {
            Some(a) if recorder_accounts.contains(&Some(a.clone())) => vec![Some(a.clone())],
            Some(_) => Vec::new(),
            None => recorder_accounts.iter().cloned().collect(),
        };
        for account in accounts {
            for region in regions.iter().filter(|r| r.enabled()) {
                let evidence = crate::facts::EvidenceRef {
                    file: source.file.clone(),
                    sha256: source.sha256.clone(),
                    locator: source.locator.clone(),
                };
                expected.entry((account.clone(), Some(region.name.clone()))).or_insert(Some(evidence));
            }
        }
    }
    for key in statuses.keys() {
        expected.entry(key.clone()).or_insert(None);
    }
    let mut outcomes = Vec::new();
    for ((account, region), enabled_by) in expected {
        let resource = region_resource(account.as_deref(), region.as_deref());
        let files = statuses.get(&(account.clone(), region.clone())).map(Vec::as_slice).unwrap_or_default();
        let mut recording = None;
        let mut partial = Vec::new();
        let mut evidence: Vec<crate::facts::EvidenceRef> = enabled_by.into_iter().collect();
        for file in files {
            evidence.push(file.evidence(""));
            match &file.export {
                PostureExport::RecorderStatus(list) => {
                    let on = list.iter().any(|r| r.recording == Some(true));
                    recording = Some(recording.unwrap_or(false) || on);
                }
                PostureExport::Recorders(list) => {
                    partial.extend(
                        list.iter()
                            .filter(|r| r.recording_group.as_ref().and_then(|g| g.all_supported) == Some(false))
                            .map(|r| r.name.clone().unwrap_or_else(|| "a recorder".into())),
                    );
                }
                _ => {}
            }
        }
        let (status, detail) = match recording {
            None => (Status::Unknown, "no describe-configuration-recorder-status export for this region".to_string()),
            Some(false) => (Status::Fail, "no configuration recorder is recording in this region".to_string()),
            Some(true) if !partial.is_empty() => {
                (Status::Fail, format!("recording, but {} records only selected resource types", partial.join(", ")))
            }
            Some(true) => (Status::Pass, "a configuration recorder is recording".to_string()),
        };
        evidence.sort();
        evidence.dedup();
        outcomes.push(Outcome { check, status, resource, account, region, detail, evidence, since: None });
    }
    outcomes
}

/// The log group name of a `CloudWatchLogsLogGroupArn` (`arn:aws:logs:r:a:log-group:NAME:*`).
fn log_group_of(arn: &str) -> Option<&str> {
    let (_, rest) = arn.split_once(":log-group:")?;
    Some(rest.strip_suffix(":*").unwrap_or(rest))
}

fn cis_alarms(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    // Per account: the filter exports (an empty one is evidence too: no filter at all) and their filters.
    type Filters<'a> = (Vec<&'a PostureFile>, Vec<(&'a PostureFile, usize, &'a MetricFilter)>);
    let mut filters: BTreeMap<Option<String>, Filters> = BTreeMap::new();
    for file in facts.posture.of(PostureKind::MetricFilters) {
        let PostureExport::MetricFilters(list) = &file.export else { continue };
        let (files, entries) = filters.entry(file.account.clone()).or_default();
        files.push(file);
        entries.extend(list.iter().enumerate().map(|(i, f)| (file, i, f)));
    }
    let mut alarms: BTreeMap<Option<String>, Vec<&MetricAlarm>> = BTreeMap::new();
    for file in facts.posture.of(PostureKind::Alarms) {
        let PostureExport::Alarms(list) = &file.export else { continue };
        alarms.entry(file.account.clone()).or_default().extend(list);
    }
    let mut outcomes = Vec::new();
    for (account, (files, filters)) in &filters {
        // The log groups CloudTrail delivers to in this account; without a describe-trails export that
        // names the account, any log group is accepted and the detail says so.
        let trails: Vec<_> = facts
            .cloudtrail
            .trails
            .trails
            .iter()
            .filter(|t| account.is_none() || t.account() == account.as_deref())
            .collect();
        let trail_groups: BTreeSet<&str> =
            trails.iter().filter_map(|t| t.trail.cloudwatch_log_group_arn.as_deref().and_then(log_group_of)).collect();
        let caveat = if trails.is_empty() {
            " (no describe-trails export: the log group is not known to receive CloudTrail)"
        } else {
            ""
        };
        let account_alarms = alarms.get(account);
        let Some(first_file) = files.first().copied() else { continue };
        for (section, cis) in cis_sections() {
            let resource = format!("{}/cis-{section}", account.as_deref().unwrap_or("unknown-account"));
            let matching: Vec<&(&PostureFile, usize, &MetricFilter)> = filters
                .iter()
                .filter(|(_, _, f)| {
                    trails.is_empty() || f.log_group_name.as_deref().is_some_and(|g| trail_groups.contains(g))
                })
                .filter(|(_, _, f)| cis.covered_by(&comparisons(f.filter_pattern.as_deref().unwrap_or_default())))
                .collect();
            let title = cis.title;
            let Some(_) = matching.first() else {
                let why = if !trails.is_empty() && trail_groups.is_empty() {
                    "no trail delivers to CloudWatch Logs".to_string()
                } else {
                    format!("no metric filter{caveat} covers {title}")
                };
                outcomes.push(outcome(check, Status::Fail, resource, first_file, "metricFilters", why));
                continue;
            };
            let mut verdict = None;
            for (file, i, filter) in &matching {
                let name = filter.filter_name.as_deref().unwrap_or("unnamed filter");
                let metrics: Vec<(&str, Option<&str>)> = filter
                    .metric_transformations
                    .iter()
                    .flatten()
                    .filter_map(|m| Some((m.metric_name.as_deref()?, m.metric_namespace.as_deref())))
                    .collect();
                let alarm = account_alarms.into_iter().flatten().find(|a| {
                    metrics.iter().any(|(metric, namespace)| {
                        a.metric_name.as_deref() == Some(*metric)
                            && (namespace.is_none() || a.namespace.is_none() || a.namespace.as_deref() == *namespace)
                    })
                });
                let found = match (account_alarms, alarm) {
                    (None, _) => {
                        (Status::Unknown, format!("filter {name} covers {title}{caveat}; no describe-alarms export"))
                    }
                    (Some(_), None) => {
                        (Status::Fail, format!("filter {name} covers {title}{caveat}, but no alarm watches its metric"))
                    }
                    (Some(_), Some(a)) if a.alarm_actions.as_ref().is_none_or(Vec::is_empty) => (
                        Status::Fail,
                        format!(
                            "filter {name} covers {title}; alarm {} has no action",
                            a.alarm_name.as_deref().unwrap_or("?")
                        ),
                    ),
                    (Some(_), Some(a)) => (
                        Status::Pass,
                        format!(
                            "filter {name} covers {title}{caveat}; alarm {} notifies",
                            a.alarm_name.as_deref().unwrap_or("?")
                        ),
                    ),
                };
                let better = verdict
                    .as_ref()
                    .is_none_or(|(s, _, _, _): &(Status, String, &PostureFile, usize)| rank(found.0) < rank(*s));
                if better {
                    verdict = Some((found.0, found.1, *file, *i));
                }
            }
            if let Some((status, detail, file, i)) = verdict {
                outcomes.push(outcome(check, status, resource, file, format!("metricFilters[{i}]"), detail));
            }
        }
    }
    // One result per account and predicate, whichever region's exports it was read from.
    for o in &mut outcomes {
        o.region = None;
    }
    merge_copies(outcomes)
}

/// Pass beats unknown beats fail when several filters cover one predicate: one working alarm suffices.
fn rank(status: Status) -> u8 {
    match status {
        Status::Pass => 0,
        Status::Excepted => 1,
        Status::Unknown => 2,
        Status::Fail => 3,
    }
}
