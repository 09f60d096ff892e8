//! CloudTrail records reduced to aggregates while they stream: coverage cells (account × region ×
//! UTC day), hours with records, detection and activity counts, console sign-ins.
//!
//! Each file is tallied on its own and tallies merge associatively and commutatively (sums, minima,
//! maxima, unions, the k smallest examples), so the totals do not depend on thread count or order.
//! Duplicate deliveries are dropped through one shared [`Dedupe`]: a record counts once per distinct
//! (eventID, content) — identical copies contribute identically, so it does not matter which copy
//! is kept; copies that differ are all kept and reported as conflicts.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::{Arc, Mutex};

use chrono::Datelike;
use sha2::{Digest, Sha256};

use super::detect::{self, Kind};
use crate::formats::aws::cloudtrail_log::Record;

/// Examples kept per detection: enough for an auditor to look up, few enough to stay small.
pub(crate) const EXAMPLES: usize = 5;

/// CloudTrail was launched on 2013-11-13: an `eventTime` before November 2013 (epoch seconds of
/// 2013-11-01T00:00:00Z) cannot be a record CloudTrail wrote, and must not stretch the period.
pub(crate) const SERVICE_START: i64 = 1_383_264_000;

/// A delivered log file holds events up to its delivery time, which its name carries to the minute
/// (`…_20260923T2305Z_…`): a record after that time is not what CloudTrail delivered. A day of slack
/// covers the minute truncation and any clock skew; every real and generated file the tests hold
/// keeps its records within the minute of its name.
const DELIVERY_SLACK: i64 = 86_400;

/// Where a file sits, as far as its path tells (`AWSLogs/<account>/CloudTrail/<region>/…`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FileContext {
    pub account: Option<String>,
    pub region: Option<String>,
    /// The delivery time in a delivered file's name (`<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_…`).
    pub delivered: Option<i64>,
}

impl FileContext {
    /// Reads the account and region from the CloudTrail layout, or from a delivered file's name
    /// (`<account>_CloudTrail_<region>_…`) when the layout was lost.
    pub(crate) fn from_path(path: &str) -> FileContext {
        use crate::formats::aws::export_path::{is_account, looks_like_region};
        let parts: Vec<&str> = path.split(['/', '!']).collect();
        let name = parts.last().copied().unwrap_or_default();
        let mut fields = name.split('_');
        let (account, service, region, stamp) = (fields.next(), fields.next(), fields.next(), fields.next());
        let named = matches!((account, service, region), (Some(a), Some("CloudTrail"), Some(r)) if is_account(a) && looks_like_region(r));
        let delivered = if named { stamp.and_then(delivery_time) } else { None };
        for (i, part) in parts.iter().enumerate() {
            if *part == "CloudTrail" && i >= 1 && is_account(parts[i - 1]) {
                return FileContext {
                    account: Some(parts[i - 1].to_string()),
                    region: parts.get(i + 1).filter(|r| looks_like_region(r)).map(|r| r.to_string()),
                    delivered,
                };
            }
        }
        match (named, account, region) {
            (true, Some(account), Some(region)) => {
                FileContext { account: Some(account.to_string()), region: Some(region.to_string()), delivered }
            }
            _ => FileContext::default(),
        }
    }

    /// Why `time` cannot be the time of a record in this file, if it cannot.
    pub(crate) fn implausible(&self, time: i64) -> Option<String> {
        if time < SERVICE_START {
            return Some("before CloudTrail existed (launched November 2013)".into());
        }
        match self.delivered {
            Some(delivered) if time > delivered + DELIVERY_SLACK => Some(format!(
                "after the file's own delivery time {} (in its name)",
                crate::timefmt::format_epoch(delivered)
            )),
            _ => None,
        }
    }
}

/// `20260923T2305Z` as epoch seconds.
fn delivery_time(stamp: &str) -> Option<i64> {
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%MZ").ok().map(|t| t.and_utc().timestamp())
}

/// Parses `eventTime` (`2026-07-04T09:13:00Z`, optionally with fractions) to epoch seconds; other
/// spellings go through the general parser.
pub(crate) fn event_time(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        b.get(range)?.iter().try_fold(0i64, |n, &c| c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0')))
    };
    let fast = (b.len() >= 20 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':')
        .then(|| {
            let tail = &b[19..];
            let zulu = tail == b"Z" || (tail.first() == Some(&b'.') && tail.last() == Some(&b'Z'));
            if !zulu {
                return None;
            }
            let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
            let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
            if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
                return None;
            }
            let date = chrono::NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)?;
            Some(date_days(date) * 86_400 + hour * 3600 + minute * 60 + second)
        })
        .flatten();
    fast.or_else(|| crate::timefmt::parse_timestamp(text).map(|t| t.timestamp()))
}

fn date_days(date: chrono::NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 719_163
}

/// The UTC day of epoch seconds, as days since 1970-01-01.
pub(crate) fn day_of(seconds: i64) -> i32 {
    seconds.div_euclid(86_400) as i32
}

pub(crate) fn day_to_date(day: i32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_num_days_from_ce_opt(day.checked_add(719_163)?)
}

pub(crate) fn date_to_day(date: chrono::NaiveDate) -> i32 {
    date_days(date) as i32
}

/// Which of the (eventID, content) pairs have been counted, shared by every worker.
pub(crate) struct Dedupe {
    shards: Vec<Mutex<Shard>>,
}

#[derive(Default)]
struct Shard {
    first: HashMap<u128, u64, BuildHasherDefault<IdHasher>>,
    /// Further contents seen for one eventID (copies that differ: rare).
    more: HashMap<u128, Vec<u64>, BuildHasherDefault<IdHasher>>,
}

/// eventIDs are random UUIDs: their low bits are already a good hash.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = (n as u64) ^ ((n >> 64) as u64);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    New,
    Duplicate,
    /// A content not seen before for an eventID already counted.
    Conflict,
}

const SHARDS: usize = 64;

impl Default for Dedupe {
    fn default() -> Self {
        Dedupe { shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect() }
    }
}

impl Dedupe {
    pub(crate) fn admit(&self, id: u128, content: u64) -> Admission {
        let shard = &self.shards[(id as usize) % SHARDS];
        let mut shard = shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match shard.first.get(&id) {
            None => {
                shard.first.insert(id, content);
                Admission::New
            }
            Some(&seen) if seen == content => Admission::Duplicate,
            Some(_) => {
                let more = shard.more.entry(id).or_default();
                if more.contains(&content) {
                    Admission::Duplicate
                } else {
                    more.push(content);
                    Admission::Conflict
                }
            }
        }
    }
}

/// An eventID as 128 bits: a UUID's own value, or for any other spelling a hash of the text
/// (with the UUID version nibble set to an impossible value, so the two never meet).
pub(crate) fn event_key(id: &str) -> u128 {
    let b = id.as_bytes();
    if b.len() == 36 && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-') {
        let mut n: u128 = 0;
        let mut ok = true;
        for &c in b.iter().filter(|&&c| c != b'-') {
            match (c as char).to_digit(16) {
                Some(d) => n = (n << 4) | u128::from(d),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return n;
        }
    }
    let digest = Sha256::digest(id.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    (u128::from_be_bytes(bytes) & !(0xF << 76)) | (0xF << 76)
}

/// A hash of every field the tallies read, so copies that would count differently are told apart.
fn content_key(record: &Record, account: &str, region: &str) -> u64 {
    // FxHasher: fast on short strings and the same on every run (no random seed).
    let mut h = rustc_hash::FxHasher::default();
    for field in [
        &record.event_time,
        &record.event_source,
        &record.event_name,
        &record.source_ip,
        &record.error_code,
        &record.error_message,
        &record.event_type,
        &record.console_login,
        &record.mfa_used,
    ] {
        field.get().hash(&mut h);
    }
    for field in [
        record.identity_type(),
        record.identity_arn(),
        record.identity_account(),
        record.invoked_by(),
        record.principal_id(),
        record.user_name(),
    ] {
        field.hash(&mut h);
    }
    account.hash(&mut h);
    region.hash(&mut h);
    h.finish()
}

/// A record an auditor can look up. Ordered by time first: the earliest examples are kept.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Example {
    pub time: i64,
    pub event_id: String,
    pub file: String,
    pub event_name: String,
    pub principal: String,
}

/// Counts of one detection or activity kind in one account/region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Activity {
    pub count: u64,
    /// Of `count`, calls that were refused (`errorCode` set).
    pub refused: u64,
    pub first: i64,
    pub last: i64,
    pub by_principal: BTreeMap<String, u64>,
    /// The earliest successful calls. Copies of a duplicate delivery are examples too (with their own
    /// file), so which copy was counted does not change the list.
    pub examples: Vec<Example>,
    /// The earliest refused calls.
    pub refused_examples: Vec<Example>,
}

impl Activity {
    fn add(&mut self, example: Example, refused: bool) {
        let time = example.time;
        let principal = example.principal.clone();
        if self.count == 0 {
            (self.first, self.last) = (time, time);
        }
        self.count += 1;
        self.first = self.first.min(time);
        self.last = self.last.max(time);
        *self.by_principal.entry(principal).or_default() += 1;
        let examples = if refused {
            self.refused += 1;
            &mut self.refused_examples
        } else {
            &mut self.examples
        };
        keep_examples(examples, vec![example]);
    }

    /// A duplicate delivery: not counted again, but a candidate example.
    fn add_copy(&mut self, example: Example, refused: bool) {
        let examples = if refused { &mut self.refused_examples } else { &mut self.examples };
        keep_examples(examples, vec![example]);
    }

    pub(crate) fn merge(&mut self, other: Activity) {
        if self.count == 0 && other.count > 0 {
            (self.first, self.last) = (other.first, other.last);
        } else if other.count > 0 {
            self.first = self.first.min(other.first);
            self.last = self.last.max(other.last);
        }
        self.count += other.count;
        self.refused += other.refused;
        for (principal, n) in other.by_principal {
            *self.by_principal.entry(principal).or_default() += n;
        }
        keep_examples(&mut self.examples, other.examples);
        keep_examples(&mut self.refused_examples, other.refused_examples);
    }

    pub(crate) fn succeeded(&self) -> u64 {
        self.count - self.refused
    }
}

fn keep_examples(examples: &mut Vec<Example>, more: Vec<Example>) {
    examples.extend(more);
    examples.sort();
    examples.dedup();
    examples.truncate(EXAMPLES);
}

/// Successful console sign-ins of one principal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ConsoleLogins {
    pub account: String,
    pub identity_type: String,
    pub with_mfa: u64,
    pub without_mfa: u64,
    pub first: i64,
    pub last: i64,
    /// The earliest sign-ins without MFA.
    pub examples: Vec<Example>,
}

impl ConsoleLogins {
    fn count(&self) -> u64 {
        self.with_mfa + self.without_mfa
    }

    fn merge(&mut self, other: ConsoleLogins) {
        if other.count() > 0 {
            if self.count() == 0 {
                (self.first, self.last) = (other.first, other.last);
                (self.account, self.identity_type) = (other.account, other.identity_type);
            } else {
                self.first = self.first.min(other.first);
                self.last = self.last.max(other.last);
                // Deterministic whichever file came first: the smallest account and type win.
                if other.account < self.account {
                    self.account = other.account;
                }
                if other.identity_type < self.identity_type {
                    self.identity_type = other.identity_type;
                }
            }
        }
        self.with_mfa += other.with_mfa;
        self.without_mfa += other.without_mfa;
        keep_examples(&mut self.examples, other.examples);
    }
}

/// Records and files in one account × region × day cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Cell {
    pub records: u64,
    pub files: u64,
}

/// What the records say, merged over any number of files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Aggregate {
    pub cells: BTreeMap<(String, String, i32), Cell>,
    /// Hours (since 1970) with at least one record, per account/region: the longest silence.
    pub hours: BTreeMap<(String, String), BTreeSet<i64>>,
    pub activity: BTreeMap<(Kind, String, String), Activity>,
    pub console: BTreeMap<String, ConsoleLogins>,
    /// Records read, duplicates included.
    pub records: u64,
    /// Records counted (distinct).
    pub counted: u64,
    pub duplicates: u64,
    /// eventIDs seen with differing content.
    pub conflicts: BTreeSet<String>,
    /// Records without a readable eventTime: not placed in time, not counted.
    pub undated: u64,
    /// Records whose eventTime cannot be true (before CloudTrail existed, after their file's delivery
    /// time): not placed in time, not counted, never sizing the period.
    pub implausible: u64,
    /// Records outside `--period`.
    pub outside_period: u64,
    pub oldest: Option<i64>,
    pub newest: Option<i64>,
    /// The change events that can date a period control (issue 16), duplicates and records outside
    /// `--period` included: the period analysis clips and dedupes them.
    pub changes: crate::period::changes::ChangeLog,
}

impl Aggregate {
    pub(crate) fn merge(&mut self, other: Aggregate) {
        for (key, cell) in other.cells {
            let mine = self.cells.entry(key).or_default();
            mine.records += cell.records;
            mine.files += cell.files;
        }
        for (key, hours) in other.hours {
            self.hours.entry(key).or_default().extend(hours);
        }
        for (key, activity) in other.activity {
            self.activity.entry(key).or_default().merge(activity);
        }
        for (key, logins) in other.console {
            self.console.entry(key).or_default().merge(logins);
        }
        self.records += other.records;
        self.counted += other.counted;
        self.duplicates += other.duplicates;
        self.conflicts.extend(other.conflicts);
        self.undated += other.undated;
        self.implausible += other.implausible;
        self.outside_period += other.outside_period;
        self.oldest = min_option(self.oldest, other.oldest);
        self.newest = self.newest.max(other.newest);
        self.changes.merge(other.changes);
    }
}

fn min_option(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Tallies one file. Places (account, region) are interned per file: a file rarely holds more than
/// one, and the hot loop then compares a couple of short strings instead of hashing owned keys.
pub(crate) struct Tally<'d> {
    path: String,
    /// The file as change events name it: path and SHA-256, shared by every change of the file.
    file: Arc<str>,
    sha256: Arc<str>,
    context: FileContext,
    dedupe: &'d Dedupe,
    period: Option<(i32, i32)>,
    places: Vec<(String, String)>,
    cells: HashMap<(usize, i32), (u64, bool)>,
    hours: HashSet<(usize, i64)>,
    activity: HashMap<(Kind, usize), Activity>,
    console: HashMap<String, ConsoleLogins>,
    aggregate: Aggregate,
    /// Oldest and newest eventTime in the file, duplicates and records outside the period included.
    span: Option<(i64, i64)>,
    /// The first records with an implausible eventTime.
    implausible: Vec<Implausible>,
}

/// A record whose eventTime cannot be true, as the diagnostics name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Implausible {
    /// 1-based number of the record in the file.
    pub record: u64,
    pub event_time: String,
    pub why: String,
}

impl<'d> Tally<'d> {
    /// `period`: inclusive first and last day (days since 1970) to count; records outside it are
    /// only counted as outside.
    pub(crate) fn new(path: &str, context: FileContext, dedupe: &'d Dedupe, period: Option<(i32, i32)>) -> Tally<'d> {
        Tally {
            path: path.to_string(),
            file: Arc::from(path),
            sha256: Arc::from(""),
            context,
            dedupe,
            period,
            places: Vec::new(),
            cells: HashMap::new(),
            hours: HashSet::new(),
            activity: HashMap::new(),
            console: HashMap::new(),
            aggregate: Aggregate::default(),
            span: None,
            implausible: Vec::new(),
        }
    }

    /// The SHA-256 of the file as read, for the evidence of the change events it holds.
    pub(crate) fn set_sha256(&mut self, sha256: &str) {
        self.sha256 = Arc::from(sha256);
    }

    /// Where a record belongs: the file's layout first, then the record's own account and region.
    fn place_of<'r>(context: &'r FileContext, record: &'r Record) -> (&'r str, &'r str) {
        let account = context
            .account
            .as_deref()
            .or(record.recipient_account_id.get())
            .or(record.identity_account())
            .unwrap_or("unknown");
        let region = record.aws_region.get().or(context.region.as_deref()).unwrap_or("unknown");
        (account, region)
    }

    /// The first [`EXAMPLES`] records whose eventTime cannot be true (the count is the aggregate's).
    pub(crate) fn implausible(&self) -> &[Implausible] {
        &self.implausible
    }

    /// Oldest and newest eventTime of the records read so far.
    pub(crate) fn span(&self) -> Option<(i64, i64)> {
        self.span
    }

    pub(crate) fn add(&mut self, record: &Record) {
        self.aggregate.records += 1;
        let Some(time) = record.event_time.get().and_then(event_time) else {
            self.aggregate.undated += 1;
            return;
        };
        if let Some(why) = self.context.implausible(time) {
            self.aggregate.implausible += 1;
            if self.implausible.len() < EXAMPLES {
                self.implausible.push(Implausible {
                    record: self.aggregate.records,
                    event_time: record.event_time.get().unwrap_or_default().to_string(),
                    why,
                });
            }
            return;
        }
        self.span = Some(match self.span {
            Some((oldest, newest)) => (oldest.min(time), newest.max(time)),
            None => (time, time),
        });
        if let Some(name) = record.event_name.get()
            && crate::period::changes::wanted(name)
        {
            let (account, _) = Self::place_of(&self.context, record);
            let source = crate::period::changes::Source {
                file: self.file.clone(),
                sha256: self.sha256.clone(),
                record: self.aggregate.records,
            };
            let actor = principal(record, account);
            let account = account.to_string();
            self.aggregate.changes.capture(record, &source, time, &account, &actor);
        }
        let day = day_of(time);
        if let Some((from, to)) = self.period
            && (day < from || day > to)
        {
            self.aggregate.outside_period += 1;
            return;
        }
        let (account, region) = Self::place_of(&self.context, record);
        let place = match self.places.iter().position(|(a, r)| a == account && r == region) {
            Some(place) => place,
            None => {
                self.places.push((account.to_string(), region.to_string()));
                self.places.len() - 1
            }
        };
        // The file holds records of this day whether or not they are duplicates: `files` per cell
        // must not depend on which copy of a duplicate was counted.
        let cell = self.cells.entry((place, day)).or_insert((0, true));
        let event_id = record.event_id.get().unwrap_or("");
        if !event_id.is_empty() {
            let content = content_key(record, account, region);
            match self.dedupe.admit(event_key(event_id), content) {
                Admission::New => {}
                Admission::Duplicate => {
                    self.aggregate.duplicates += 1;
                    self.add_copy_examples(record, place, time, event_id);
                    return;
                }
                Admission::Conflict => {
                    self.aggregate.conflicts.insert(event_id.to_string());
                }
            }
        }
        cell.0 += 1;
        self.aggregate.counted += 1;
        self.aggregate.oldest = min_option(self.aggregate.oldest, Some(time));
        self.aggregate.newest = self.aggregate.newest.max(Some(time));
        self.hours.insert((place, time.div_euclid(3600)));

        let kinds = detect::classify(record);
        let login = detect::console_login(record);
        if kinds.is_empty() && login.is_none() {
            return;
        }
        let principal = principal(record, account);
        let refused = record.error_code.get().is_some();
        let example = self.example(record, time, event_id, principal.clone());
        for kind in kinds.iter() {
            self.activity.entry((kind, place)).or_default().add(example.clone(), refused);
        }
        if let Some(mfa) = login {
            let logins = self.console.entry(principal).or_insert_with(|| ConsoleLogins {
                account: account.to_string(),
                identity_type: record.identity_type().unwrap_or("unknown").to_string(),
                first: time,
                last: time,
                ..ConsoleLogins::default()
            });
            logins.first = logins.first.min(time);
            logins.last = logins.last.max(time);
            if mfa {
                logins.with_mfa += 1;
            } else {
                logins.without_mfa += 1;
                keep_examples(&mut logins.examples, vec![example]);
            }
        }
    }

    fn add_copy_examples(&mut self, record: &Record, place: usize, time: i64, event_id: &str) {
        let kinds = detect::classify(record);
        let login = detect::console_login(record);
        if kinds.is_empty() && login != Some(false) {
            return;
        }
        let who = principal(record, &self.places[place].0);
        let example = self.example(record, time, event_id, who.clone());
        let refused = record.error_code.get().is_some();
        for kind in kinds.iter() {
            self.activity.entry((kind, place)).or_default().add_copy(example.clone(), refused);
        }
        if login == Some(false) {
            let logins = self.console.entry(who).or_default();
            keep_examples(&mut logins.examples, vec![example]);
        }
    }

    fn example(&self, record: &Record, time: i64, event_id: &str, principal: String) -> Example {
        Example {
            time,
            event_id: event_id.to_string(),
            file: self.path.clone(),
            event_name: record.event_name.get().unwrap_or("").to_string(),
            principal,
        }
    }

    /// The file's tally as an aggregate: every cell it holds records of counts the file once.
    pub(crate) fn finish(self) -> Aggregate {
        let mut aggregate = self.aggregate;
        let place = |i: usize| self.places[i].clone();
        for ((p, day), (records, present)) in self.cells {
            let (account, region) = place(p);
            let cell = aggregate.cells.entry((account, region, day)).or_default();
            cell.records += records;
            cell.files += u64::from(present);
        }
        for (p, hour) in self.hours {
            aggregate.hours.entry(place(p)).or_default().insert(hour);
        }
        for ((kind, p), activity) in self.activity {
            let (account, region) = place(p);
            aggregate.activity.entry((kind, account, region)).or_default().merge(activity);
        }
        for (principal, logins) in self.console {
            aggregate.console.entry(principal).or_default().merge(logins);
        }
        aggregate
    }
}

/// Who acted, as an auditor would look it up: the ARN, root as its ARN, a service by name.
fn principal(record: &Record, account: &str) -> String {
    if let Some(arn) = record.identity_arn() {
        return arn.to_string();
    }
    match record.identity_type() {
        Some("Root") => format!("arn:aws:iam::{}:root", record.identity_account().unwrap_or(account)),
        Some("AWSService") => record.invoked_by().unwrap_or("AWSService").to_string(),
        kind => record
            .principal_id()
            .or(record.user_name())
            .map(str::to_string)
            .or(kind.map(|k| format!("({k})")))
            .unwrap_or_else(|| "(no identity)".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::aws::cloudtrail_log::{Shape, read};

    fn tally(path: &str, json: &str, dedupe: &Dedupe) -> Aggregate {
        let mut tally = Tally::new(path, FileContext::from_path(path), dedupe, None);
        let summary = read(json.as_bytes(), Shape::Records, &mut |r| tally.add(r));
        assert_eq!(summary.stopped, None);
        tally.finish()
    }

    #[test]
    fn context_comes_from_the_layout_or_the_file_name() {
        let ctx = FileContext::from_path("ev.zip!AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2026/07/04/x.json.gz");
        assert_eq!(ctx.account.as_deref(), Some("111122223333"));
        assert_eq!(ctx.region.as_deref(), Some("eu-west-1"));
        let flat = FileContext::from_path("dump/974349055189_CloudTrail_sa-east-1_20180101T0000Z_abc.json.gz");
        assert_eq!(flat.region.as_deref(), Some("sa-east-1"));
        assert_eq!(FileContext::from_path("plaso/aws_cloudtrail.json"), FileContext::default());
        assert_eq!(flat.delivered, event_time("2018-01-01T00:00:00Z"));
        assert_eq!(ctx.delivered, None);
    }

    #[test]
    fn event_times_before_cloudtrail_or_after_delivery_are_not_counted() {
        let path = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/07/04/111122223333_CloudTrail_us-east-1_20260704T1200Z_a.json.gz";
        let dedupe = Dedupe::default();
        let mut tally = Tally::new(path, FileContext::from_path(path), &dedupe, None);
        let json = r#"{"Records":[
            {"eventTime":"0001-01-01T00:00:00Z","eventID":"a"},
            {"eventTime":"2026-07-04T11:58:00Z","eventID":"b"},
            {"eventTime":"9999-12-31T23:59:59Z","eventID":"c"},
            {"eventTime":"2026-07-05T11:00:00Z","eventID":"d"}]}"#;
        read(json.as_bytes(), Shape::Records, &mut |r| tally.add(r));
        let named: Vec<(u64, &str)> = tally.implausible().iter().map(|i| (i.record, i.event_time.as_str())).collect();
        assert_eq!(named, [(1, "0001-01-01T00:00:00Z"), (3, "9999-12-31T23:59:59Z")]);
        assert!(tally.implausible()[0].why.starts_with("before CloudTrail existed"));
        assert!(tally.implausible()[1].why.contains("delivery time 2026-07-04T12:00:00Z"), "{:?}", tally.implausible());
        // A record within the day of slack after delivery still counts.
        assert_eq!(
            tally.span(),
            Some((event_time("2026-07-04T11:58:00Z").unwrap(), event_time("2026-07-05T11:00:00Z").unwrap()))
        );
        let aggregate = tally.finish();
        assert_eq!((aggregate.records, aggregate.counted, aggregate.implausible), (4, 2, 2));
        assert_eq!(aggregate.cells.len(), 2);
    }

    #[test]
    fn event_times_parse_fast_and_slow_the_same() {
        assert_eq!(event_time("1970-01-02T00:00:01Z"), Some(86_401));
        assert_eq!(event_time("2014-09-26T20:55:13Z"), Some(1_411_764_913));
        assert_eq!(event_time("2014-09-26T20:55:13.250Z"), Some(1_411_764_913));
        assert_eq!(event_time("2014-09-26T22:55:13+02:00"), Some(1_411_764_913));
        assert_eq!(event_time("2014-02-30T00:00:00Z"), None);
        assert_eq!(event_time("yesterday"), None);
        assert_eq!(day_to_date(day_of(1_411_764_913)).unwrap().to_string(), "2014-09-26");
    }

    #[test]
    fn uuids_keep_their_value_and_other_ids_cannot_collide_with_them() {
        assert_eq!(event_key("00000000-0000-0000-0000-00000000000a"), 10);
        let other = event_key("11111111111111111");
        assert_eq!((other >> 76) & 0xF, 0xF);
        assert_ne!(other, event_key("22222222222222222222"));
    }

    #[test]
    fn identical_copies_count_once_and_differing_copies_are_kept_and_named() {
        let dedupe = Dedupe::default();
        let a = r#"{"Records":[{"eventID":"e1","eventTime":"2026-07-04T10:00:00Z","eventName":"X","awsRegion":"us-east-1"},
            {"eventID":"e2","eventTime":"2026-07-04T23:59:59Z","eventName":"X","awsRegion":"us-east-1"}]}"#;
        let b = r#"{"Records":[{"eventID":"e2","eventTime":"2026-07-04T23:59:59Z","eventName":"X","awsRegion":"us-east-1"},
            {"eventID":"e1","eventTime":"2026-07-04T10:00:00Z","eventName":"Y","awsRegion":"us-east-1"}]}"#;
        let mut total = tally("AWSLogs/111122223333/CloudTrail/us-east-1/a.json", a, &dedupe);
        total.merge(tally("AWSLogs/111122223333/CloudTrail/us-east-1/b.json", b, &dedupe));
        assert_eq!((total.records, total.counted, total.duplicates), (4, 3, 1));
        assert_eq!(total.conflicts.iter().collect::<Vec<_>>(), ["e1"]);
        let day = date_to_day(chrono::NaiveDate::from_ymd_opt(2026, 7, 4).unwrap());
        let cell = total.cells[&("111122223333".to_string(), "us-east-1".to_string(), day)];
        assert_eq!(cell, Cell { records: 3, files: 2 });
    }

    #[test]
    fn merging_in_any_order_gives_the_same_aggregate() {
        let files = [
            r#"{"Records":[{"eventID":"a","eventTime":"2026-07-01T00:00:00Z","eventName":"StopLogging","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"}}]}"#,
            r#"{"Records":[{"eventID":"b","eventTime":"2026-07-02T00:00:00Z","eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob"}}]}"#,
            r#"{"Records":[{"eventID":"c","eventTime":"2026-07-03T00:00:00Z","eventName":"StopLogging","errorCode":"AccessDenied","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/eve"}}]}"#,
        ];
        let run = |order: &[usize]| {
            let dedupe = Dedupe::default();
            let mut total = Aggregate::default();
            for &i in order {
                total.merge(tally("AWSLogs/111122223333/CloudTrail/us-east-1/f.json", files[i], &dedupe));
            }
            total
        };
        let forward = run(&[0, 1, 2]);
        assert_eq!(forward, run(&[2, 0, 1]));
        let key = (Kind::Tampering, "111122223333".to_string(), "us-east-1".to_string());
        let tampering = &forward.activity[&key];
        assert_eq!((tampering.count, tampering.refused, tampering.succeeded()), (2, 1, 1));
        let path = "AWSLogs/111122223333/CloudTrail/us-east-1/f.json".to_string();
        let example = &tampering.examples[0];
        assert_eq!(tampering.examples.len(), 1);
        assert_eq!(
            (example.time, example.event_id.as_str(), &example.file),
            (event_time("2026-07-01T00:00:00Z").unwrap(), "a", &path)
        );
        assert_eq!(
            (example.event_name.as_str(), example.principal.as_str()),
            ("StopLogging", "arn:aws:iam::111122223333:root")
        );
        let bob = &forward.console["arn:aws:iam::111122223333:user/bob"];
        assert_eq!((bob.with_mfa, bob.without_mfa, bob.identity_type.as_str()), (0, 1, "IAMUser"));
    }
}
