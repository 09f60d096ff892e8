//! The words and evidence list of an integrity assessment, from what the checks found.

use std::collections::BTreeSet;

use super::{Assessment, Counts, DigestSeen, EVIDENCE_PER_PROBLEM, Entry, Group, Kind, LogFileSeen, Verdict};
use crate::timefmt::Instant;

/// Example file names per problem in the detail text.
const EXAMPLES: usize = 3;

pub(super) fn minute(t: Instant) -> String {
    t.format("%Y-%m-%d %H:%MZ").to_string()
}

/// `2023-10-15 22:05Z`, `2023-10-15 22:05Z–23:00Z`, or two full stamps across days.
fn span(from: Instant, to: Instant) -> String {
    if from.date_naive() == to.date_naive() {
        if from.format("%H:%M").to_string() == to.format("%H:%M").to_string() {
            return minute(from);
        }
        format!("{}–{}", minute(from), to.format("%H:%MZ"))
    } else {
        format!("{}–{}", minute(from), minute(to))
    }
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn examples(entries: &[Entry]) -> String {
    let names: BTreeSet<&str> = entries.iter().map(|e| e.name.as_str()).filter(|n| !n.is_empty()).collect();
    let shown: Vec<&str> = names.iter().take(EXAMPLES).copied().collect();
    if shown.is_empty() {
        return String::new();
    }
    let more = if names.len() > EXAMPLES { ", …" } else { "" };
    format!("e.g. {}{more}", shown.join(", "))
}

fn time_range(entries: &[Entry]) -> Option<String> {
    let times = entries.iter().flat_map(|e| [e.when, e.until]).flatten();
    let (from, to) = times.fold(None, |acc: Option<(Instant, Instant)>, t| match acc {
        None => Some((t, t)),
        Some((a, b)) => Some((a.min(t), b.max(t))),
    })?;
    Some(span(from, to))
}

/// One clause of the detail text for a kind of problem.
fn clause(kind: Kind, entries: &[Entry], counts: &Counts) -> String {
    let n = entries.len();
    let what = match kind {
        Kind::DifferingCopies => format!(
            "{} held in copies with different content, so one was edited",
            plural(counts.differing_copies, "file name is", "file names are")
        ),
        Kind::Altered => {
            format!("{} altered: content hash differs from the digest", plural(n, "log file", "log files"))
        }
        Kind::Absent => {
            format!(
                "{} absent from the evidence",
                plural(n, "log file listed in digests is", "log files listed in digests are")
            )
        }
        Kind::Inserted => format!(
            "{} in no digest although digests cover the delivery time (possible insertion)",
            plural(n, "log file is", "log files are")
        ),
        Kind::ChainBreak => {
            format!("{} not match the hash the next digest records", plural(n, "digest does", "digests do"))
        }
        Kind::MissingDigest => {
            format!("{} missing", plural(n, "digest the chain names is", "digests the chain names are"))
        }
        Kind::MissingHours => {
            let hours = counts.missing_digest_hours;
            if hours > 0 {
                format!("{hours} {} without a digest", if hours == 1 { "hour" } else { "hours" })
            } else {
                format!("{} delivered in hours without a digest", plural(n, "log file", "log files"))
            }
        }
        Kind::BadSignature => format!("{} signature verification", plural(n, "digest fails", "digests fail")),
        Kind::Damaged => {
            format!("{} damaged in the evidence and cannot be hashed", plural(n, "log file is", "log files are"))
        }
        Kind::Unchecked => format!("{} no digest can vouch for", plural(n, "log file", "log files")),
    };
    let mut notes: Vec<String> = Vec::new();
    // Holes between digests say more than the names of the digests around them.
    let holes: BTreeSet<String> = entries.iter().filter_map(|e| Some(span(e.when?, e.until?))).collect();
    if kind == Kind::MissingHours && !holes.is_empty() {
        let more = if holes.len() > EXAMPLES { ", …" } else { "" };
        notes.push(format!("{}{more}", holes.iter().take(EXAMPLES).cloned().collect::<Vec<_>>().join(", ")));
    } else {
        if let Some(range) = time_range(entries) {
            notes.push(range);
        }
        let examples = examples(entries);
        if !examples.is_empty() {
            notes.push(examples);
        }
    }
    if n > EVIDENCE_PER_PROBLEM {
        notes.push(format!("first {EVIDENCE_PER_PROBLEM} in the evidence"));
    }
    if notes.is_empty() { what } else { format!("{what} ({})", notes.join("; ")) }
}

fn summary(counts: &Counts, window: Option<(Instant, Instant)>, open_heads: bool) -> String {
    let covered = window.map(|(s, e)| format!(" covering {}", span(s, e))).unwrap_or_default();
    let mut text = format!(
        "{}{covered}; {} of {} verified; {} verified; signatures: {} verified, {} failed, {} not verifiable",
        plural(counts.digests, "digest", "digests"),
        counts.verified,
        plural(counts.listed, "listed log file", "listed log files"),
        plural(counts.chain_links, "chain link", "chain links"),
        counts.signatures_verified,
        counts.signatures_failed,
        counts.signatures_unverifiable,
    );
    let mut why = Vec::new();
    if counts.signatures_last_of_chain > 0 {
        why.push(plural(counts.signatures_last_of_chain, "last of its chain", "last of their chain"));
    }
    if counts.signatures_no_key > 0 {
        why.push(format!("{} without an exported public key", counts.signatures_no_key));
    }
    if !why.is_empty() {
        text.push_str(&format!(" ({})", why.join(", ")));
    }
    if open_heads {
        text.push_str("; the chain continues before the earliest digest in the evidence");
    }
    text.push('.');
    text
}

pub(super) fn conclude(
    account: String,
    region: String,
    group: Group,
    digests: &[DigestSeen],
    logs: &[LogFileSeen],
) -> Assessment {
    let counts = {
        let mut c = group.counts.clone();
        let len = |k: Kind| group.problems.get(&k).map_or(0, Vec::len);
        c.altered = len(Kind::Altered);
        c.absent = len(Kind::Absent);
        c.inserted = len(Kind::Inserted);
        c.damaged = len(Kind::Damaged);
        c.unchecked = len(Kind::Unchecked);
        c
    };
    let mut problems = group.problems;
    for entries in problems.values_mut() {
        entries.sort();
        entries.dedup();
    }
    let fails = problems.keys().any(|k| k.fails());
    let doubts = problems.keys().any(|k| !k.fails());
    let verdict = if fails {
        Verdict::Fail
    } else if group.digests.is_empty() || doubts {
        Verdict::Unknown
    } else {
        Verdict::Pass
    };
    let window = group.digests.iter().map(|&di| (digests[di].digest.start, digests[di].digest.end)).fold(
        None,
        |acc: Option<(Instant, Instant)>, (s, e)| match acc {
            None => Some((s, e)),
            Some((a, b)) => Some((a.min(s), b.max(e))),
        },
    );
    let clauses: Vec<String> = problems.iter().map(|(&kind, entries)| clause(kind, entries, &counts)).collect();
    let detail = if group.digests.is_empty() {
        let times = group.logs.iter().flat_map(|&li| [logs[li].oldest_event, logs[li].newest_event]).flatten();
        let range = times
            .fold(None, |acc: Option<(Instant, Instant)>, t| match acc {
                None => Some((t, t)),
                Some((a, b)) => Some((a.min(t), b.max(t))),
            })
            .map(|(a, b)| format!(" ({})", span(a, b)))
            .unwrap_or_default();
        let no_digest = format!(
            "No CloudTrail digest files for this account/region are in the evidence, so its {}{range} could not be checked against digests; export the trail's CloudTrail-Digest folder and `aws cloudtrail list-public-keys`.",
            plural(counts.log_files, "log file", "log files")
        );
        match (verdict, clauses.is_empty()) {
            (_, true) => no_digest,
            (Verdict::Fail, false) => format!("Log file integrity fails: {}. {no_digest}", clauses.join("; ")),
            (_, false) => format!("{no_digest} Also: {}.", clauses.join("; ")),
        }
    } else {
        let summary = summary(&counts, window, !group.open_heads.is_empty());
        match verdict {
            Verdict::Pass => format!("Log file integrity holds: {summary}"),
            Verdict::Fail => format!("Log file integrity fails: {}. {summary}", clauses.join("; ")),
            Verdict::Unknown => {
                format!("Log file integrity could not be fully checked: {}. {summary}", clauses.join("; "))
            }
        }
    };
    let mut evidence: Vec<(String, String, String)> = problems
        .values()
        .flat_map(|entries| entries.iter().take(EVIDENCE_PER_PROBLEM))
        .map(|e| (e.file.clone(), e.sha256.clone(), e.locator.clone()))
        .collect();
    if verdict == Verdict::Pass {
        let mut used: Vec<&DigestSeen> = group.digests.iter().map(|&di| &digests[di]).collect();
        used.sort_by(|a, b| (a.digest.start, &a.path).cmp(&(b.digest.start, &b.path)));
        evidence.extend(used.iter().take(EVIDENCE_PER_PROBLEM).map(|d| {
            let locator = format!(
                "digest {}: {} verified",
                span(d.digest.start, d.digest.end),
                plural(d.digest.log_files.len(), "log file", "log files")
            );
            (d.path.clone(), d.sha256.clone(), locator)
        }));
    } else if group.digests.is_empty() && evidence.is_empty() {
        let mut unchecked: Vec<&LogFileSeen> = group.logs.iter().map(|&li| &logs[li]).collect();
        unchecked.sort_by(|a, b| a.path.cmp(&b.path));
        evidence.extend(
            unchecked
                .iter()
                .take(EVIDENCE_PER_PROBLEM)
                .map(|l| (l.path.clone(), l.sha256.clone(), "no digest covers this file".to_string())),
        );
    }
    Assessment { account, region, verdict, detail, evidence, counts }
}
