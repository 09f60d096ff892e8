//! The CloudTrail part of the facts: the merged record tallies, the log files read, and the
//! observation period the coverage checks measure against.

use std::collections::{BTreeMap, BTreeSet};

use super::aggregate::{Aggregate, FileContext};
use super::coverage::{self, ObservationPeriod, RegionCoverage};
use super::integrity::{self, Assessment, DigestSeen, LogFileSeen};
use super::trails::{ConfigFile, TrailSetup};
use crate::formats::aws::cloudtrail_digest::PublicKey;
use crate::timefmt::Instant;

/// A CloudTrail log file (or lookup-events export) that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogFile {
    pub path: String,
    pub sha256: String,
    /// SHA-256 of the uncompressed content: what digest files list.
    pub content_sha256: String,
    /// False when the gzip stream or the JSON broke off: the content (and its hash) is partial.
    pub complete: bool,
    pub context: FileContext,
    pub records: usize,
    pub lookup_events: bool,
    /// Oldest and newest eventTime in the file (epoch seconds).
    pub oldest: Option<i64>,
    pub newest: Option<i64>,
}

#[derive(Debug, Default)]
pub(crate) struct CloudTrailFacts {
    pub aggregate: Aggregate,
    pub log_files: Vec<LogFile>,
    pub period: Option<ObservationPeriod>,
    /// Regions logging must cover per account beyond those with records (enabled regions, trail scopes).
    pub expected_regions: BTreeSet<(String, String)>,
    /// Why each expected region is expected ("enabled per describe-regions", "in trail X's scope").
    pub expected_why: BTreeMap<(String, String), String>,
    /// Per account/region coverage over the period (computed once, read by checks and outputs).
    pub coverage: Vec<RegionCoverage>,
    pub trails: TrailSetup,
    /// Log file integrity per account/region (digests, hash chain, signatures, edited copies).
    pub integrity: Vec<Assessment>,
    /// What an auditor must know about the period: records left outside a derived one.
    pub notes: Vec<String>,
}

/// The CloudTrail evidence besides the records themselves.
#[derive(Debug, Default)]
pub(crate) struct CloudTrailFiles {
    pub log_files: Vec<LogFile>,
    pub configs: Vec<ConfigFile>,
    pub digests: Vec<DigestSeen>,
    pub public_keys: Vec<PublicKey>,
}

impl CloudTrailFacts {
    pub(crate) fn new(
        aggregate: Aggregate,
        files: CloudTrailFiles,
        given: Option<ObservationPeriod>,
    ) -> CloudTrailFacts {
        let period = given.or_else(|| ObservationPeriod::of_records(&aggregate));
        let CloudTrailFiles { log_files, configs, digests, public_keys } = files;
        let trails = TrailSetup::assemble(configs);
        let seen: Vec<LogFileSeen> = log_files.iter().filter(|f| !f.lookup_events).map(log_file_seen).collect();
        let integrity = integrity::assess(&seen, &digests, &public_keys);
        let notes = match (given, period) {
            (None, Some(derived)) => outlier_notes(&aggregate, &log_files, derived),
            _ => Vec::new(),
        };
        let mut facts =
            CloudTrailFacts { aggregate, log_files, period, trails, integrity, notes, ..CloudTrailFacts::default() };
        // The archive checks judge the archive: without log records there is no archive to judge.
        if facts.aggregate.counted > 0 {
            let accounts = facts.accounts();
            facts.expected_why = facts.trails.expected_regions(&accounts);
            facts.expected_regions = facts.expected_why.keys().cloned().collect();
        }
        facts.recompute_coverage();
        facts
    }

    /// Every account the CloudTrail evidence names: with records, or owning an exported trail.
    pub(crate) fn accounts(&self) -> BTreeSet<String> {
        let mut accounts: BTreeSet<String> = self.accounts_with_records().into_iter().map(str::to_string).collect();
        accounts.extend(self.trails.trails.iter().filter_map(|t| t.account().map(str::to_string)));
        accounts
    }

    pub(crate) fn recompute_coverage(&mut self) {
        self.coverage = match &self.period {
            Some(period) => coverage::coverage(&self.aggregate, period, &self.expected_regions),
            None => Vec::new(),
        };
    }

    /// Accounts with at least one counted record.
    pub(crate) fn accounts_with_records(&self) -> BTreeSet<&str> {
        self.aggregate.cells.keys().map(|(account, _, _)| account.as_str()).collect()
    }

    /// The SHA-256 of each log file by path, for evidence references.
    pub(crate) fn file_hashes(&self) -> BTreeMap<&str, &str> {
        self.log_files.iter().map(|f| (f.path.as_str(), f.sha256.as_str())).collect()
    }

    /// The end of the log period: the newest record in it. A record dated after a period derived from
    /// the records' bulk does not move the as-of: the end of the last hour with records in it does.
    pub(crate) fn newest(&self) -> Option<Instant> {
        let newest = self.aggregate.newest?;
        let inside = match self.period {
            Some(period) if !period.given && !period.contains_day(super::aggregate::day_of(newest)) => {
                let last_hour = self
                    .aggregate
                    .hours
                    .values()
                    .flatten()
                    .filter(|h| period.contains_day(super::aggregate::day_of(*h * 3600)))
                    .max()?;
                newest.min(last_hour * 3600 + 3599)
            }
            _ => newest,
        };
        crate::timefmt::from_epoch(inside)
    }
}

/// Files shown by name in a note; the manifest lists the rest.
const NAMED_FILES: usize = 5;

/// Records outside a period derived from the bulk of the records: still counted as events (detections
/// and activity see them), but not coverage, and named so an auditor can look them up.
fn outlier_notes(aggregate: &Aggregate, log_files: &[LogFile], period: ObservationPeriod) -> Vec<String> {
    let outside: u64 = aggregate
        .cells
        .iter()
        .filter(|((_, _, day), _)| !period.contains_day(*day))
        .map(|(_, cell)| cell.records)
        .sum();
    if outside == 0 {
        return Vec::new();
    }
    let out = |t: Option<i64>| t.is_some_and(|t| !period.contains_day(super::aggregate::day_of(t)));
    let files: Vec<String> = log_files
        .iter()
        .filter(|f| out(f.oldest) || out(f.newest))
        .map(|f| {
            let times: Vec<String> = [f.oldest, f.newest]
                .into_iter()
                .filter(|t| out(*t))
                .flatten()
                .map(crate::timefmt::format_epoch)
                .collect();
            format!("{} (eventTime {})", f.path, times.join(", "))
        })
        .collect();
    let more = files.len().saturating_sub(NAMED_FILES);
    let more = if more > 0 { format!(" and {more} more files") } else { String::new() };
    vec![format!(
        "CloudTrail: {outside} records are dated far from the bulk of the records and lie outside the period {}..{} \
         derived from it; they count as events but not as coverage, and do not stretch the period: {}{more}; \
         pass --period to judge another period",
        period.from,
        period.to,
        files.iter().take(NAMED_FILES).cloned().collect::<Vec<_>>().join("; ")
    )]
}

fn log_file_seen(file: &LogFile) -> LogFileSeen {
    let instant = |t: Option<i64>| t.and_then(crate::timefmt::from_epoch);
    LogFileSeen {
        path: file.path.clone(),
        sha256: file.sha256.clone(),
        content_sha256: file.content_sha256.clone(),
        complete: file.complete,
        account: file.context.account.clone(),
        region: file.context.region.clone(),
        records: file.records,
        oldest_event: instant(file.oldest),
        newest_event: instant(file.newest),
    }
}
/// What an auditor must know about how CloudTrail records were counted.
pub(crate) fn counting_notes(aggregate: &Aggregate, period: Option<ObservationPeriod>) -> Vec<String> {
    let mut notes = Vec::new();
    if aggregate.records == 0 {
        return notes;
    }
    notes.push(format!(
        "CloudTrail: {} records read, {} counted, {} duplicate deliveries (same eventID and content) dropped",
        aggregate.records, aggregate.counted, aggregate.duplicates
    ));
    if !aggregate.conflicts.is_empty() {
        let shown: Vec<&str> = aggregate.conflicts.iter().take(5).map(String::as_str).collect();
        notes.push(format!(
            "CloudTrail: {} eventIDs occur with different content in different files (each version is counted; a copy may have been edited): {}",
            aggregate.conflicts.len(),
            shown.join(", ")
        ));
    }
    if aggregate.outside_period > 0
        && let Some(p) = period
    {
        notes.push(format!(
            "CloudTrail: {} records fall outside the period {}..{} and are not counted",
            aggregate.outside_period, p.from, p.to
        ));
    }
    if aggregate.implausible > 0 {
        notes.push(format!(
            "CloudTrail: {} records have an eventTime that cannot be true (before CloudTrail existed, or after their log \
             file's delivery time) and are not counted; the diagnostics name each file and record",
            aggregate.implausible
        ));
    }
    if aggregate.undated > 0 {
        notes.push(format!("CloudTrail: {} records have no readable eventTime and are not counted", aggregate.undated));
    }
    notes
}
