//! The `aws.cloudtrail.log_integrity` assessment: what CloudTrail's digest files say about the log
//! files in the evidence, per account and region. A pure function of what was read; AWS's own
//! `validate-logs` cannot do this for local copies.
//!
//! Matching is by file name (`logFiles[].s3Object`'s last segment, `.gz` ignored): evidence rarely
//! keeps the S3 layout, and CloudTrail never reuses a delivery's name.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDateTime, TimeDelta};

use crate::formats::aws::cloudtrail_digest::{Digest, DigestError, PublicKey, verify_signature};
use crate::timefmt::Instant;
use detail::{conclude, minute, plural};

/// A CloudTrail log file as found in the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogFileSeen {
    /// Display path of the input (`ev/AWSLogs/…/x.json.gz`, `x.zip!AWSLogs/…`).
    pub path: String,
    /// SHA-256 of the file as stored.
    pub sha256: String,
    /// Hex SHA-256 of the uncompressed content: what digests record.
    pub content_sha256: String,
    /// `false` when the gzip was damaged and the content is partial.
    pub complete: bool,
    pub account: Option<String>,
    pub region: Option<String>,
    pub records: usize,
    pub oldest_event: Option<Instant>,
    pub newest_event: Option<Instant>,
}

/// A digest file as found in the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DigestSeen {
    pub path: String,
    pub sha256: String,
    /// Hex SHA-256 of the uncompressed digest: what the next digest's `previousDigestHashValue` holds.
    pub content_sha256: String,
    pub digest: Digest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Pass,
    Fail,
    Unknown,
}

/// What was counted for one account/region; the detail text is built from these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Distinct log file names in the evidence.
    pub log_files: usize,
    /// Distinct digests in the evidence.
    pub digests: usize,
    /// `logFiles` entries of those digests.
    pub listed: usize,
    /// Listed log files present with the recorded hash.
    pub verified: usize,
    /// Complete evidence copies of listed log files whose content hash differs from the listing.
    pub altered: usize,
    /// Listed log files with no evidence copy.
    pub absent: usize,
    /// Log files whose gzip was damaged: partial content, no hash to compare.
    pub damaged: usize,
    /// Log files in no digest although digests cover their delivery minute.
    pub inserted: usize,
    /// File names held in the evidence in copies with different content.
    pub differing_copies: usize,
    /// Log files no digest can speak for: delivered before digests began, not named as a
    /// delivery, or hashed with an algorithm other than SHA-256.
    pub unchecked: usize,
    pub chain_links: usize,
    pub chain_breaks: usize,
    pub missing_digests: usize,
    pub missing_digest_hours: i64,
    pub signatures_verified: usize,
    pub signatures_failed: usize,
    pub signatures_unverifiable: usize,
    /// Of the unverifiable: digests whose signature was not in the evidence (no successor digest).
    pub signatures_last_of_chain: usize,
    /// Of the unverifiable: digests whose public key was not exported.
    pub signatures_no_key: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assessment {
    /// Empty when neither the file names nor the parser knew it.
    pub account: String,
    pub region: String,
    pub verdict: Verdict,
    pub detail: String,
    /// (file, sha256, locator), problems first, at most [`EVIDENCE_PER_PROBLEM`] per kind.
    pub evidence: Vec<(String, String, String)>,
    pub counts: Counts,
}

/// Evidence entries kept per kind of problem: enough for an auditor to sample, while a damaged
/// archive of thousands of files does not bury the report; the detail gives the full count.
pub(crate) const EVIDENCE_PER_PROBLEM: usize = 20;

/// CloudTrail's digest windows are back to back (each starts where the previous ended, to the
/// second); anything over a few minutes between them is an hour nobody vouches for.
const GAP_SLACK: TimeDelta = TimeDelta::minutes(5);

/// Log files delivered this soon after the last digest's end belong to a digest that may not have
/// been delivered when the evidence was exported (one hour of window plus delivery delay).
const TAIL_SLACK: TimeDelta = TimeDelta::minutes(75);

/// A log file name carries its delivery minute only: the file arrived within the next 59 s.
const NAME_PRECISION: TimeDelta = TimeDelta::seconds(59);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    DifferingCopies,
    Altered,
    Absent,
    Inserted,
    ChainBreak,
    MissingDigest,
    MissingHours,
    BadSignature,
    Damaged,
    Unchecked,
}

impl Kind {
    fn fails(self) -> bool {
        !matches!(self, Kind::Damaged | Kind::Unchecked)
    }
}

/// One problem instance: an evidence entry, plus the name and time the detail text quotes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    when: Option<Instant>,
    /// For [`Kind::MissingHours`], the end of the hole.
    until: Option<Instant>,
    name: String,
    file: String,
    sha256: String,
    locator: String,
}

#[derive(Default)]
struct Group {
    logs: Vec<usize>,
    digests: Vec<usize>,
    problems: BTreeMap<Kind, Vec<Entry>>,
    counts: Counts,
    /// Earliest digests of their chain in the evidence that point to a digest outside it.
    open_heads: Vec<usize>,
}

impl Group {
    fn add(&mut self, kind: Kind, entry: Entry) {
        self.problems.entry(kind).or_default().push(entry);
    }
}

type GroupKey = (String, String);

/// Assesses every account/region that has log files or digests; sorted by (account, region).
pub(crate) fn assess(logs: &[LogFileSeen], digests: &[DigestSeen], keys: &[PublicKey]) -> Vec<Assessment> {
    let mut groups: BTreeMap<GroupKey, Group> = BTreeMap::new();
    let log_names: Vec<String> = logs.iter().map(|l| match_key(&l.path)).collect();
    let deliveries: Vec<Option<Delivery>> = log_names.iter().map(|n| Delivery::parse(n)).collect();
    let mut copies: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, log) in logs.iter().enumerate() {
        copies.entry(log_names[i].as_str()).or_default().push(i);
        let delivery = deliveries[i].as_ref();
        let account = delivery.map(|d| d.account.clone()).or_else(|| log.account.clone()).unwrap_or_default();
        let region = delivery.map(|d| d.region.clone()).or_else(|| log.region.clone()).unwrap_or_default();
        groups.entry((account, region)).or_default().logs.push(i);
    }
    for members in copies.values_mut() {
        members.sort_by(|&a, &b| logs[a].path.cmp(&logs[b].path));
    }

    let canonical = canonical_digests(digests);
    for (key, same_name) in &canonical {
        let Some(&first) = same_name.first() else { continue };
        let group = groups.entry(digest_group(&digests[first].digest)).or_default();
        group.digests.push(first);
        report_differing(
            group,
            key,
            same_name.iter().map(|&i| (&digests[i].path, &digests[i].sha256, &digests[i].content_sha256)),
            None,
        );
    }
    let digest_by_key: HashMap<&str, usize> =
        canonical.iter().filter_map(|(k, v)| Some((k.as_str(), *v.first()?))).collect();
    let mut successors: HashMap<String, Vec<usize>> = HashMap::new();
    for &i in digest_by_key.values() {
        if let Some(previous) = &digests[i].digest.previous_s3_object {
            successors.entry(match_key(previous)).or_default().push(i);
        }
    }
    for list in successors.values_mut() {
        list.sort_by(|&a, &b| digests[a].path.cmp(&digests[b].path));
    }

    let mut listed: BTreeSet<String> = BTreeSet::new();
    for group in groups.values_mut() {
        check_listings(group, digests, logs, &copies, &mut listed);
        check_copies(group, logs, &log_names, &copies, &deliveries);
        check_chains(group, digests, &digest_by_key);
        check_signatures(group, digests, &successors, keys);
    }
    for group in groups.values_mut() {
        check_coverage(group, digests, logs, &log_names, &deliveries, &listed);
    }
    groups.into_iter().map(|((account, region), group)| conclude(account, region, group, digests, logs)).collect()
}

/// The name a file is matched by: the last path or archive segment, without `.gz`.
fn match_key(path: &str) -> String {
    let name = path.rsplit(['/', '\\', '!']).next().unwrap_or(path);
    name.strip_suffix(".gz").unwrap_or(name).to_string()
}

fn digest_group(d: &Digest) -> GroupKey {
    (d.account.clone(), d.region.clone().unwrap_or_default())
}

/// Digests by name; several evidence copies of one digest are kept together, sorted by path, the
/// first standing for them all.
fn canonical_digests(digests: &[DigestSeen]) -> BTreeMap<String, Vec<usize>> {
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, d) in digests.iter().enumerate() {
        by_key.entry(match_key(&d.digest.s3_object)).or_default().push(i);
    }
    for list in by_key.values_mut() {
        list.sort_by(|&a, &b| digests[a].path.cmp(&digests[b].path));
    }
    by_key
}

/// What a log file's name says: `<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json`.
struct Delivery {
    account: String,
    region: String,
    minute: Instant,
}

impl Delivery {
    fn parse(key: &str) -> Option<Delivery> {
        let stem = key.strip_suffix(".json")?;
        let mut parts = stem.splitn(5, '_');
        let account = parts.next()?;
        let (kind, region, stamp, id) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if kind != "CloudTrail" || account.is_empty() || region.is_empty() || id.is_empty() {
            return None;
        }
        let minute = NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%MZ").ok()?.and_utc();
        Some(Delivery { account: account.to_string(), region: region.to_string(), minute })
    }
}

fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\', '!']).next().unwrap_or(path).to_string()
}

fn short_hash(hex: &str) -> &str {
    hex.get(..12).unwrap_or(hex)
}

fn is_sha256(algorithm: &Option<String>) -> bool {
    algorithm.as_deref().is_none_or(|a| a.eq_ignore_ascii_case("SHA-256"))
}

/// Compares every `logFiles` entry of the group's digests with the evidence copies of that name.
fn check_listings(
    group: &mut Group,
    digests: &[DigestSeen],
    logs: &[LogFileSeen],
    copies: &HashMap<&str, Vec<usize>>,
    listed: &mut BTreeSet<String>,
) {
    for &di in &group.digests.clone() {
        let seen = &digests[di];
        let digest_name = file_name(&seen.digest.s3_object);
        for (j, entry) in seen.digest.log_files.iter().enumerate() {
            group.counts.listed += 1;
            let key = match_key(&entry.s3_object);
            let when = Delivery::parse(&key).map(|d| d.minute).or(entry.newest_event);
            listed.insert(key.clone());
            let Some(members) = copies.get(key.as_str()) else {
                group.add(
                    Kind::Absent,
                    Entry {
                        when,
                        until: None,
                        name: file_name(&entry.s3_object),
                        file: seen.path.clone(),
                        sha256: seen.sha256.clone(),
                        locator: format!("logFiles[{j}] {}: absent from the evidence", file_name(&entry.s3_object)),
                    },
                );
                continue;
            };
            if !is_sha256(&entry.hash_algorithm) {
                for &li in members {
                    group.add(
                        Kind::Unchecked,
                        log_entry(&logs[li], when, format!("hashed with {:?} in {digest_name}", entry.hash_algorithm)),
                    );
                }
                continue;
            }
            let mut matched = false;
            for &li in members {
                let log = &logs[li];
                if log.content_sha256.eq_ignore_ascii_case(&entry.hash) {
                    matched = true;
                } else if log.complete {
                    let locator = format!(
                        "content SHA-256 {} differs from {} recorded in {digest_name} logFiles[{j}]",
                        log.content_sha256, entry.hash
                    );
                    group.add(Kind::Altered, log_entry(log, when, locator));
                }
            }
            if matched {
                group.counts.verified += 1;
            }
        }
    }
}

fn log_entry(log: &LogFileSeen, when: Option<Instant>, locator: String) -> Entry {
    Entry { when, until: None, name: file_name(&log.path), file: log.path.clone(), sha256: log.sha256.clone(), locator }
}

/// Same-named log files with different content, and damaged ones, among the group's logs.
fn check_copies(
    group: &mut Group,
    logs: &[LogFileSeen],
    names: &[String],
    copies: &HashMap<&str, Vec<usize>>,
    deliveries: &[Option<Delivery>],
) {
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for &li in &group.logs.clone() {
        let log = &logs[li];
        let when = deliveries[li].as_ref().map(|d| d.minute).or(log.newest_event);
        if !log.complete {
            let locator = "damaged in the evidence (gzip): content incomplete, cannot be hashed".to_string();
            group.add(Kind::Damaged, log_entry(log, when, locator));
        }
        let name = names[li].as_str();
        // Only delivery names are unique; two unrelated exports may both be called `events.json`.
        if deliveries[li].is_none() || !done.insert(name) {
            continue;
        }
        if let Some(members) = copies.get(name) {
            let complete = members
                .iter()
                .filter(|&&i| logs[i].complete)
                .map(|&i| (&logs[i].path, &logs[i].sha256, &logs[i].content_sha256));
            report_differing(group, name, complete, when);
        }
    }
}

/// Reports a name held in copies whose uncompressed content differs: one of them was edited.
fn report_differing<'a>(
    group: &mut Group,
    name: &str,
    members: impl Iterator<Item = (&'a String, &'a String, &'a String)>,
    when: Option<Instant>,
) {
    let members: Vec<_> = members.collect();
    let versions: BTreeSet<String> = members.iter().map(|(_, _, content)| content.to_ascii_lowercase()).collect();
    if versions.len() < 2 {
        return;
    }
    group.counts.differing_copies += 1;
    for (path, sha256, content) in members {
        group.add(
            Kind::DifferingCopies,
            Entry {
                when,
                until: None,
                name: file_name(path),
                file: path.clone(),
                sha256: sha256.clone(),
                locator: format!(
                    "one of {} versions of {name}: content SHA-256 {}",
                    versions.len(),
                    short_hash(content)
                ),
            },
        );
    }
}

/// Follows each trail's digests in time order: every link's hash, absent predecessors, and holes
/// between consecutive digests.
fn check_chains(group: &mut Group, digests: &[DigestSeen], digest_by_key: &HashMap<&str, usize>) {
    let mut trails: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &di in &group.digests {
        trails.entry(digests[di].digest.trail.clone().unwrap_or_default()).or_default().push(di);
    }
    for chain in trails.values_mut() {
        chain.sort_by(|&a, &b| {
            let (x, y) = (&digests[a].digest, &digests[b].digest);
            (x.start, x.end, &x.s3_object).cmp(&(y.start, y.end, &y.s3_object))
        });
        for (k, &bi) in chain.iter().enumerate() {
            let b = &digests[bi];
            let earlier = k.checked_sub(1).and_then(|p| chain.get(p)).map(|&ai| &digests[ai]);
            if let Some(a) = earlier
                && b.digest.start - a.digest.end > GAP_SLACK
            {
                let hours = ceil_hours(b.digest.start - a.digest.end);
                group.counts.missing_digest_hours += hours;
                group.add(
                    Kind::MissingHours,
                    Entry {
                        when: Some(a.digest.end),
                        until: Some(b.digest.start),
                        name: file_name(&b.digest.s3_object),
                        file: b.path.clone(),
                        sha256: b.sha256.clone(),
                        locator: format!(
                            "no digest from {} to {} ({hours} h) before this one",
                            minute(a.digest.end),
                            minute(b.digest.start)
                        ),
                    },
                );
            }
            let Some(previous) = &b.digest.previous_s3_object else { continue };
            match digest_by_key.get(match_key(previous).as_str()) {
                Some(&pi) => check_link(group, &digests[pi], b),
                None if earlier.is_none() => group.open_heads.push(bi),
                None => {
                    group.counts.missing_digests += 1;
                    group.add(
                        Kind::MissingDigest,
                        Entry {
                            when: earlier.map(|a| a.digest.end),
                            until: Some(b.digest.start),
                            name: file_name(previous),
                            file: b.path.clone(),
                            sha256: b.sha256.clone(),
                            locator: format!(
                                "previousDigestS3Object {} is absent from the evidence",
                                file_name(previous)
                            ),
                        },
                    );
                }
            }
        }
    }
}

/// `next` names `previous` as its predecessor: its recorded hash must be `previous`'s content hash.
fn check_link(group: &mut Group, previous: &DigestSeen, next: &DigestSeen) {
    let recorded = next.digest.previous_hash.as_deref().unwrap_or("none");
    let next_name = file_name(&next.digest.s3_object);
    if !is_sha256(&next.digest.previous_hash_algorithm) {
        group.add(
            Kind::Unchecked,
            Entry {
                when: Some(previous.digest.start),
                until: None,
                name: file_name(&previous.digest.s3_object),
                file: previous.path.clone(),
                sha256: previous.sha256.clone(),
                locator: format!("hashed with {:?} in {next_name}", next.digest.previous_hash_algorithm),
            },
        );
    } else if recorded.eq_ignore_ascii_case(&previous.content_sha256) {
        group.counts.chain_links += 1;
    } else {
        group.counts.chain_breaks += 1;
        group.add(
            Kind::ChainBreak,
            Entry {
                when: Some(previous.digest.start),
                until: None,
                name: file_name(&previous.digest.s3_object),
                file: previous.path.clone(),
                sha256: previous.sha256.clone(),
                locator: format!(
                    "content SHA-256 {} differs from previousDigestHashValue {recorded} in {next_name}",
                    previous.content_sha256
                ),
            },
        );
    }
}

fn ceil_hours(span: TimeDelta) -> i64 {
    (span.num_seconds() + 3599).div_euclid(3600)
}

/// Verifies each digest's signature, which its successor carries in `previousDigestSignature`.
fn check_signatures(
    group: &mut Group,
    digests: &[DigestSeen],
    successors: &HashMap<String, Vec<usize>>,
    keys: &[PublicKey],
) {
    for &di in &group.digests.clone() {
        let seen = &digests[di];
        let key = match_key(&seen.digest.s3_object);
        let signature = successors.get(&key).and_then(|s| s.first()).map(|&si| &digests[si]);
        let Some(successor) = signature else {
            group.counts.signatures_unverifiable += 1;
            group.counts.signatures_last_of_chain += 1;
            continue;
        };
        let public_key = seen
            .digest
            .key_fingerprint
            .as_deref()
            .and_then(|fp| keys.iter().find(|k| k.fingerprint.eq_ignore_ascii_case(fp)));
        let (Some(signature), Some(public_key)) = (&successor.digest.previous_signature, public_key) else {
            group.counts.signatures_unverifiable += 1;
            if public_key.is_none() {
                group.counts.signatures_no_key += 1;
            }
            continue;
        };
        let failed = match verify_signature(&seen.digest, &seen.content_sha256, signature, public_key) {
            Ok(true) => None,
            Ok(false) => Some("does not verify"),
            Err(DigestError::SignatureHex { .. }) => Some("is not hex"),
            Err(_) => {
                group.counts.signatures_unverifiable += 1;
                continue;
            }
        };
        match failed {
            None => group.counts.signatures_verified += 1,
            Some(why) => {
                group.counts.signatures_failed += 1;
                group.add(
                    Kind::BadSignature,
                    Entry {
                        when: Some(seen.digest.start),
                        until: None,
                        name: file_name(&seen.digest.s3_object),
                        file: seen.path.clone(),
                        sha256: seen.sha256.clone(),
                        locator: format!(
                            "signature in {} previousDigestSignature {why} with key {}",
                            file_name(&successor.digest.s3_object),
                            public_key.fingerprint
                        ),
                    },
                );
            }
        }
    }
}

/// Log files no digest lists: inside the hours the digests cover they are possible insertions;
/// after the last digest they show hours whose digests are missing; before the first they
/// predate validation, or show a missing digest when the chain points further back.
fn check_coverage(
    group: &mut Group,
    digests: &[DigestSeen],
    logs: &[LogFileSeen],
    names: &[String],
    deliveries: &[Option<Delivery>],
    listed: &BTreeSet<String>,
) {
    group.counts.log_files = group.logs.iter().map(|&li| names[li].as_str()).collect::<BTreeSet<_>>().len();
    group.counts.digests = group.digests.len();
    let covered = merged_windows(group.digests.iter().map(|&di| (digests[di].digest.start, digests[di].digest.end)));
    let (Some(&(first, _)), Some(&(_, last))) = (covered.first(), covered.last()) else { return };
    let mut before_first: Vec<Instant> = Vec::new();
    let mut after_last: Option<(Instant, usize)> = None;
    let mut seen_names: BTreeSet<&str> = BTreeSet::new();
    for &li in &group.logs.clone() {
        let log = &logs[li];
        if listed.contains(&names[li]) || !seen_names.insert(names[li].as_str()) {
            continue;
        }
        let (from, to) = match &deliveries[li] {
            Some(d) => (d.minute, later(d.minute, NAME_PRECISION)),
            None => {
                let locator = "not named as a CloudTrail delivery: cannot be matched to a digest".to_string();
                group.add(Kind::Unchecked, log_entry(log, log.newest_event, locator));
                continue;
            }
        };
        if covered.iter().any(|&(s, e)| s <= from && to <= e) {
            let locator = format!("delivered {}: in no digest although digests cover that time", minute(from));
            group.add(Kind::Inserted, log_entry(log, Some(from), locator));
        } else if from < first {
            before_first.push(from);
            let locator = format!("delivered {}, before the first digest ({})", minute(from), minute(first));
            group.add(Kind::Unchecked, log_entry(log, Some(from), locator));
        } else if to > later(last, TAIL_SLACK) {
            let (latest, count) = after_last.unwrap_or((to, 0));
            after_last = Some((latest.max(to), count + 1));
        } else if to > last {
            // Delivered in the hour after the last digest: its digest can postdate the export.
        } else {
            let locator = format!("delivered {}, in hours no digest covers", minute(from));
            group.add(Kind::MissingHours, log_entry(log, Some(from), locator));
        }
    }
    if let Some((latest, count)) = after_last {
        let hours = ceil_hours(latest - last);
        group.counts.missing_digest_hours += hours;
        let newest = group.digests.iter().map(|&di| &digests[di]).max_by_key(|d| (d.digest.end, &d.path));
        if let Some(newest) = newest {
            group.add(
                Kind::MissingHours,
                Entry {
                    when: Some(last),
                    until: Some(latest),
                    name: file_name(&newest.digest.s3_object),
                    file: newest.path.clone(),
                    sha256: newest.sha256.clone(),
                    locator: format!(
                        "last digest ends {}; {count} log files were delivered after it until {} ({hours} h without a digest)",
                        minute(last),
                        minute(latest)
                    ),
                },
            );
        }
    }
    // A chain whose earliest digest points further back is only incomplete evidence, unless log
    // files from before it are here: then the digest that listed them is missing.
    let heads = std::mem::take(&mut group.open_heads);
    for head in heads {
        let head_digest = &digests[head];
        let earlier = before_first.iter().filter(|&&t| t < head_digest.digest.start).count();
        if earlier == 0 {
            group.open_heads.push(head);
            continue;
        }
        let previous = head_digest.digest.previous_s3_object.as_deref().unwrap_or_default();
        group.counts.missing_digests += 1;
        group.add(
            Kind::MissingDigest,
            Entry {
                when: None,
                until: Some(head_digest.digest.start),
                name: file_name(previous),
                file: head_digest.path.clone(),
                sha256: head_digest.sha256.clone(),
                locator: format!(
                    "previousDigestS3Object {} is absent from the evidence, yet {} this digest",
                    file_name(previous),
                    plural(earlier, "log file predates", "log files predate")
                ),
            },
        );
    }
}

/// `t + by`, or `t` at the end of time: file names can spell any year chrono accepts.
fn later(t: Instant, by: TimeDelta) -> Instant {
    t.checked_add_signed(by).unwrap_or(t)
}

/// Digest windows merged where they touch, sorted.
fn merged_windows(windows: impl Iterator<Item = (Instant, Instant)>) -> Vec<(Instant, Instant)> {
    let mut sorted: Vec<_> = windows.filter(|(s, e)| s <= e).collect();
    sorted.sort();
    let mut merged: Vec<(Instant, Instant)> = Vec::new();
    for (start, end) in sorted {
        match merged.last_mut() {
            Some(last) if start <= later(last.1, TimeDelta::seconds(1)) => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

mod detail;
#[cfg(test)]
mod tests;
