//! `gapscope-gen` writes synthetic AWS evidence for gapscope's tests, benchmarks and README demo.
//!
//! - `credential-report`: a random but realistic IAM credential report of any size, as the CSV or
//!   as the `aws iam get-credential-report` JSON, streamed to disk (benchmark input).
//! - `samples`: the hand-designed evidence bundle under `samples/`, and with `--expect` the verdicts
//!   its design intends for the ten credential checks. Those verdicts come from an implementation
//!   of the catalog rules (DESIGN.md §6) written here, apart from the analyzer, so that the
//!   analyzer's end-to-end test has an independent oracle.
//!
//! Everything is a pure function of the arguments: no wall clock, no OS randomness, sorted zip
//! members with fixed timestamps. The same command writes byte-identical files.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, ensure};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

const DAY: i64 = 86_400;
/// The catalog default of all four day thresholds (DESIGN.md §6 and §8).
const THRESHOLD_DAYS: i64 = 90;

const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,\
password_last_changed,password_next_rotation,mfa_active,access_key_1_active,\
access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,\
access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,\
access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,\
cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

#[derive(Parser)]
#[command(name = "gapscope-gen", version, about = "Write synthetic AWS evidence for gapscope")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A random, realistic IAM credential report of any size (benchmark input)
    CredentialReport(ReportArgs),
    /// The bundled sample evidence set, and optionally the verdicts it is designed to produce
    Samples(SamplesArgs),
}

#[derive(Args)]
struct ReportArgs {
    /// AWS account id (12 digits)
    #[arg(long, value_parser = parse_account)]
    account: String,
    /// Report generation time (RFC 3339); every timestamp in the report is at or before it
    #[arg(long, value_parser = parse_time)]
    as_of: i64,
    /// Number of IAM users besides the root row
    #[arg(long)]
    users: usize,
    /// Seed of the generator: the same seed gives the same report
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// csv = the console download; json = the `aws iam get-credential-report` output
    #[arg(long, value_enum)]
    format: Format,
    /// File to write (parent folders are created)
    #[arg(long)]
    out: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Json,
}

#[derive(Args)]
struct SamplesArgs {
    /// Folder to write the bundle into (created if missing; other files in it are left alone)
    #[arg(long)]
    out: PathBuf,
    /// Also write the expected verdicts as JSON to this file
    #[arg(long)]
    expect: Option<PathBuf>,
}

fn parse_account(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        Err("an AWS account id is exactly 12 digits, e.g. 123456789012".to_owned())
    }
}

/// Parses RFC 3339 into whole seconds since the epoch (credential reports have no sub-seconds).
fn parse_time(s: &str) -> Result<i64, String> {
    let t =
        DateTime::parse_from_rfc3339(s).map_err(|e| format!("expected RFC 3339 such as 2026-09-30T17:45:12Z ({e})"))?;
    if !(2000..=9999).contains(&t.year()) {
        return Err("the year must be between 2000 and 9999".to_owned());
    }
    Ok(t.timestamp())
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::CredentialReport(args) => credential_report(&args),
        Command::Samples(args) => samples(&args),
    }
}

// ---------------------------------------------------------------------------------------------
// The credential report model and its AWS spelling
// ---------------------------------------------------------------------------------------------

/// Console password columns. Timestamps are seconds since the epoch, UTC.
#[derive(Clone, Copy)]
enum Password {
    /// The root row: `password_enabled` etc. are `not_supported`; `None` = never used.
    Root { last_used: Option<i64> },
    /// No console password: `false`, then `N/A` for last used/changed/next rotation.
    Disabled,
    /// `last_used: None` is spelled `no_information` (never signed in).
    Enabled { last_used: Option<i64>, last_changed: i64 },
}

#[derive(Clone, Copy)]
struct KeyUse {
    at: i64,
    region: &'static str,
    service: &'static str,
}

/// An access key slot that holds a key; an empty slot is `None` in [`Row::keys`].
#[derive(Clone, Copy)]
struct Key {
    active: bool,
    rotated: i64,
    used: Option<KeyUse>,
}

/// One line of the report. Certificates are never generated (`false,N/A` twice).
struct Row {
    user: String,
    created: i64,
    password: Password,
    mfa: bool,
    keys: [Option<Key>; 2],
}

impl Row {
    fn new(user: &str, created: i64) -> Row {
        let (password, mfa, keys) = (Password::Disabled, false, [None, None]);
        Row { user: user.to_owned(), created, password, mfa, keys }
    }
    fn root(created: i64, last_used: Option<i64>, mfa: bool) -> Row {
        let password = Password::Root { last_used };
        Row { user: "<root_account>".to_owned(), created, password, mfa, keys: [None, None] }
    }
    fn console(mut self, last_used: Option<i64>, last_changed: i64, mfa: bool) -> Row {
        self.password = Password::Enabled { last_used, last_changed };
        self.mfa = mfa;
        self
    }
    /// `slot` is 0 or 1 (access_key_1 / access_key_2).
    fn key(mut self, slot: usize, active: bool, rotated: i64, used: Option<KeyUse>) -> Row {
        self.keys[slot] = Some(Key { active, rotated, used });
        self
    }
    fn is_root(&self) -> bool {
        matches!(self.password, Password::Root { .. })
    }
    fn arn(&self, account: &str) -> String {
        if self.is_root() {
            format!("arn:aws:iam::{account}:root")
        } else {
            format!("arn:aws:iam::{account}:user/{}", self.user)
        }
    }
    fn password_last_used(&self) -> Option<i64> {
        match self.password {
            Password::Root { last_used } | Password::Enabled { last_used, .. } => last_used,
            Password::Disabled => None,
        }
    }
    /// Newest last-used date of either key, active or not.
    fn last_key_use(&self) -> Option<i64> {
        self.keys.iter().flatten().filter_map(|k| k.used.map(|u| u.at)).max()
    }
    fn timestamps(&self) -> Vec<i64> {
        let mut all = vec![self.created];
        all.extend(self.password_last_used());
        if let Password::Enabled { last_changed, .. } = self.password {
            all.push(last_changed);
        }
        for key in self.keys.iter().flatten() {
            all.push(key.rotated);
            all.extend(key.used.map(|u| u.at));
        }
        all
    }
}

/// Writes the report as AWS does: `\n` line ends and no newline after the last row. User names
/// made here never contain commas or quotes, so no field needs quoting.
fn write_csv(w: &mut impl Write, account: &str, rows: &[Row]) -> io::Result<()> {
    w.write_all(HEADER.as_bytes())?;
    for row in rows {
        w.write_all(b"\n")?;
        write!(w, "{},{},", row.user, row.arn(account))?;
        write_ts(w, row.created)?;
        match row.password {
            Password::Root { last_used } => {
                w.write_all(b",not_supported,")?;
                write_opt_ts(w, last_used, "no_information")?;
                w.write_all(b",not_supported,not_supported")?;
            }
            Password::Disabled => w.write_all(b",false,N/A,N/A,N/A")?,
            Password::Enabled { last_used, last_changed } => {
                w.write_all(b",true,")?;
                write_opt_ts(w, last_used, "no_information")?;
                w.write_all(b",")?;
                write_ts(w, last_changed)?;
                // No password policy with a maximum age: AWS then writes N/A.
                w.write_all(b",N/A")?;
            }
        }
        w.write_all(if row.mfa { b",true" } else { b",false" })?;
        for key in &row.keys {
            let Some(key) = key else {
                w.write_all(b",false,N/A,N/A,N/A,N/A")?;
                continue;
            };
            w.write_all(if key.active { b",true," } else { b",false," })?;
            write_ts(w, key.rotated)?;
            match key.used {
                None => w.write_all(b",N/A,N/A,N/A")?,
                Some(u) => {
                    w.write_all(b",")?;
                    write_ts(w, u.at)?;
                    write!(w, ",{},{}", u.region, u.service)?;
                }
            }
        }
        w.write_all(b",false,N/A,false,N/A")?;
    }
    Ok(())
}

/// `2026-09-30T17:45:12+00:00`, the credential report's spelling.
fn write_ts(w: &mut impl Write, t: i64) -> io::Result<()> {
    let d = DateTime::<Utc>::from_timestamp(t, 0)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "timestamp out of range"))?;
    let (date, time) = ((d.year(), d.month(), d.day()), (d.hour(), d.minute(), d.second()));
    write!(w, "{:04}-{:02}-{:02}T", date.0, date.1, date.2)?;
    write!(w, "{:02}:{:02}:{:02}+00:00", time.0, time.1, time.2)
}

fn write_opt_ts(w: &mut impl Write, t: Option<i64>, none: &str) -> io::Result<()> {
    match t {
        Some(t) => write_ts(w, t),
        None => w.write_all(none.as_bytes()),
    }
}

/// `2026-10-01T08:00:00Z`.
fn zulu(t: i64) -> Result<String> {
    let d = DateTime::<Utc>::from_timestamp(t, 0).context("timestamp out of range")?;
    Ok(d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The `aws iam get-credential-report` output: 4-space indent like the CLI, Content streamed
/// through a base64 encoder so that large reports never sit in memory twice.
fn write_cli_json(w: &mut impl Write, account: &str, rows: &[Row], generated: i64) -> Result<()> {
    let generated = zulu(generated)?;
    w.write_all(b"{\n    \"Content\": \"")?;
    let engine = base64::engine::general_purpose::STANDARD;
    let mut encoder = base64::write::EncoderWriter::new(&mut *w, &engine);
    write_csv(&mut encoder, account, rows)?;
    encoder.finish()?;
    drop(encoder);
    write!(w, "\",\n    \"GeneratedTime\": \"{generated}\",\n")?;
    w.write_all(b"    \"ReportFormat\": \"text/csv\"\n}\n")?;
    Ok(())
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    // 1 MiB: a 100,000-user report is ~30 MB, so this keeps the syscalls to a few dozen.
    Ok(BufWriter::with_capacity(1 << 20, file))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut w = create(path)?;
    w.write_all(bytes).and_then(|()| w.flush()).with_context(|| format!("cannot write {}", path.display()))
}

/// Every timestamp at or after the user's creation, keys used after their creation, nothing
/// after `as_of`: what AWS itself guarantees.
fn check_consistency(rows: &[Row], as_of: i64) -> Result<()> {
    for row in rows {
        let name = &row.user;
        for t in row.timestamps() {
            ensure!(t >= row.created && t <= as_of, "{name}: timestamp {t} out of order");
        }
        for key in row.keys.iter().flatten() {
            let used = key.used.map_or(key.rotated, |u| u.at);
            ensure!(used >= key.rotated, "{name}: key used before it was created");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The oracle: the ten credential checks of DESIGN.md §6, written from the rule text
// ---------------------------------------------------------------------------------------------

const ROOT_ACCESS_KEYS: &str = "aws.iam.root_access_keys";
const ROOT_MFA: &str = "aws.iam.root_mfa";
const ROOT_RECENT_USE: &str = "aws.iam.root_recent_use";
const CONSOLE_USER_MFA: &str = "aws.iam.console_user_mfa";
const ACCESS_KEY_ROTATION: &str = "aws.iam.access_key_rotation";
const UNUSED_ACCESS_KEY: &str = "aws.iam.unused_access_key";
const STALE_CONSOLE_USER: &str = "aws.iam.stale_console_user";
const INACTIVE_USER: &str = "aws.iam.inactive_user";
const MULTIPLE_ACTIVE_KEYS: &str = "aws.iam.multiple_active_keys";
const KEY_AT_USER_CREATION: &str = "aws.iam.key_at_user_creation";
const CHECKS: [&str; 10] = [
    ROOT_ACCESS_KEYS,
    ROOT_MFA,
    ROOT_RECENT_USE,
    CONSOLE_USER_MFA,
    ACCESS_KEY_ROTATION,
    UNUSED_ACCESS_KEY,
    STALE_CONSOLE_USER,
    INACTIVE_USER,
    MULTIPLE_ACTIVE_KEYS,
    KEY_AT_USER_CREATION,
];

#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[serde(rename_all = "lowercase")]
enum Status {
    Pass,
    Fail,
}

/// Field order = sort order: (check, resource).
#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Verdict {
    check: &'static str,
    resource: String,
    status: Status,
}

#[derive(Serialize)]
struct Expectations<'a> {
    results: &'a [Verdict],
}

/// Whole days: floor((as_of - t) / 86400 s) (DESIGN.md §5).
fn age_days(as_of: i64, t: i64) -> i64 {
    (as_of - t).div_euclid(DAY)
}

/// One verdict per member of each check's population, nothing else.
fn evaluate(account: &str, rows: &[Row], as_of: i64) -> Vec<Verdict> {
    let mut out = Vec::new();
    let mut verdict = |check, resource: &str, fails: bool| {
        let status = if fails { Status::Fail } else { Status::Pass };
        out.push(Verdict { check, resource: resource.to_owned(), status });
    };
    let too_old = |t: i64| age_days(as_of, t) > THRESHOLD_DAYS;
    for row in rows {
        let arn = row.arn(account);
        let console = matches!(row.password, Password::Enabled { .. });
        if row.is_root() {
            verdict(ROOT_ACCESS_KEYS, &arn, row.keys.iter().flatten().any(|k| k.active));
            verdict(ROOT_MFA, &arn, !row.mfa);
            // `Option::max`: None < Some, so this is the newest use if there is any.
            let newest = row.password_last_used().max(row.last_key_use());
            verdict(ROOT_RECENT_USE, &arn, newest.is_some_and(|t| !too_old(t)));
        } else {
            if console {
                verdict(CONSOLE_USER_MFA, &arn, !row.mfa);
                let last_sign_in = row.password_last_used().unwrap_or(row.created);
                verdict(STALE_CONSOLE_USER, &arn, too_old(last_sign_in));
            }
            let newest = row.password_last_used().max(row.last_key_use());
            verdict(INACTIVE_USER, &arn, too_old(newest.unwrap_or(row.created)));
            let both = row.keys.iter().all(|k| k.is_some_and(|k| k.active));
            verdict(MULTIPLE_ACTIVE_KEYS, &arn, both);
        }
        for (slot, key) in row.keys.iter().enumerate() {
            let Some(key) = key.filter(|k| k.active) else {
                continue;
            };
            let resource = format!("{arn}#access_key_{}", slot + 1);
            verdict(ACCESS_KEY_ROTATION, &resource, too_old(key.rotated));
            verdict(UNUSED_ACCESS_KEY, &resource, too_old(key.used.map_or(key.rotated, |u| u.at)));
            if console && !row.is_root() {
                verdict(KEY_AT_USER_CREATION, &resource, key.used.is_none());
            }
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// credential-report: random users for benchmarks
// ---------------------------------------------------------------------------------------------

/// SplitMix64 (Steele, Lea & Flood, 2014): tiny, fast, and its output is fixed by this code
/// alone, so a seed means the same report on every platform and toolchain.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (multiply-shift; the bias is < n / 2^64).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
    /// Uniform in `lo..=hi`; `lo` when the range is empty.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { lo + self.below((hi - lo) as u64 + 1) as i64 }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// us-east-1 twice: most accounts live there.
const REGIONS: [&str; 7] =
    ["us-east-1", "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "N/A"];
const SERVICES: [&str; 13] = [
    "s3",
    "sts",
    "ec2",
    "iam",
    "lambda",
    "cloudformation",
    "dynamodb",
    "logs",
    "ecr",
    "sqs",
    "kms",
    "secretsmanager",
    "ssm",
];
const FIRST: [&str; 40] = [
    "alice", "bob", "carol", "dan", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia",
    "peggy", "rupert", "sybil", "trent", "victor", "walter", "yusuf", "amara", "bruno", "chen", "deepa", "elena",
    "farid", "giulia", "hiro", "ines", "jonas", "kofi", "lena", "mateo", "noor", "oscar", "priya", "quentin", "rosa",
    "sven", "tomas",
];
const LAST: [&str; 30] = [
    "smith",
    "garcia",
    "nguyen",
    "kim",
    "patel",
    "muller",
    "rossi",
    "silva",
    "kowalski",
    "okafor",
    "tanaka",
    "johansson",
    "dubois",
    "novak",
    "haddad",
    "murphy",
    "fischer",
    "costa",
    "ivanova",
    "larsen",
    "mendes",
    "obrien",
    "park",
    "reyes",
    "schmidt",
    "singh",
    "tran",
    "walsh",
    "yilmaz",
    "zhang",
];
const PREFIX: [&str; 9] = ["svc", "ci", "app", "etl", "batch", "deploy", "backup", "monitor", "terraform"];
const WORD: [&str; 20] = [
    "billing",
    "reports",
    "ingest",
    "search",
    "payments",
    "orders",
    "inventory",
    "analytics",
    "mailer",
    "exports",
    "media",
    "auth",
    "ledger",
    "catalog",
    "metrics",
    "sync",
    "archive",
    "webhooks",
    "notifier",
    "scheduler",
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Console,
    ConsoleNoMfa,
    StaleConsole,
    NeverSignedIn,
    NewHire,
    ServiceOneKey,
    ServiceTwoKeys,
    ServiceUnusedKey,
    ServiceRotating,
    NoCredentials,
}

/// Percentages (sum 100): our guess at a mid-size company's IAM users: mostly people on the
/// console and CI/service users with one key, then a tail of leftovers of every kind.
const MIX: [(u64, Kind); 10] = [
    (30, Kind::Console),
    (8, Kind::ConsoleNoMfa),
    (8, Kind::StaleConsole),
    (4, Kind::NeverSignedIn),
    (5, Kind::NewHire),
    (22, Kind::ServiceOneKey),
    (7, Kind::ServiceTwoKeys),
    (5, Kind::ServiceUnusedKey),
    (6, Kind::ServiceRotating),
    (5, Kind::NoCredentials),
];

/// A random report: the root row, then `users` users sorted by name as AWS lists them.
fn random_report(as_of: i64, users: usize, seed: u64) -> Vec<Row> {
    let mut rng = Rng(seed);
    let now = as_of;
    let born = now - rng.range(3 * 365, 9 * 365) * DAY;
    let mut root = Row::root(born, rng.chance(90).then(|| rng.range(born, now)), rng.chance(75));
    if rng.chance(12) {
        let rotated = rng.range(born, now - DAY);
        let used = rng.chance(70).then(|| key_use(&mut rng, rotated, now));
        root = root.key(0, true, rotated, used);
    }
    let mut taken: HashMap<String, u32> = HashMap::new();
    let mut rows: Vec<Row> = Vec::with_capacity(users + 1);
    for _ in 0..users {
        let kind = pick_kind(rng.below(100));
        let mut row = random_user(&mut rng, kind, now, born);
        let human = !matches!(
            kind,
            Kind::ServiceOneKey | Kind::ServiceTwoKeys | Kind::ServiceUnusedKey | Kind::ServiceRotating
        ) && (kind != Kind::NoCredentials || rng.chance(50));
        let (base, sep) = if human {
            (format!("{}.{}", rng.pick(&FIRST), rng.pick(&LAST)), "")
        } else {
            (format!("{}-{}", rng.pick(&PREFIX), rng.pick(&WORD)), "-")
        };
        // Base names have no digits, so `alice.smith2` or `svc-sync-2` never meet another base.
        let seen = taken.entry(base.clone()).or_insert(0);
        *seen += 1;
        row.user = if *seen == 1 { base } else { format!("{base}{sep}{seen}") };
        rows.push(row);
    }
    rows.sort_unstable_by(|a, b| a.user.cmp(&b.user));
    rows.insert(0, root);
    rows
}

/// The kind of user a roll in `0..100` falls on in [`MIX`].
fn pick_kind(roll: u64) -> Kind {
    let mut left = roll;
    for (weight, kind) in MIX {
        if left < weight {
            return kind;
        }
        left -= weight;
    }
    Kind::NoCredentials
}

/// A key use in `lo..=hi`, on a whole minute as AWS records it, never before `lo`.
fn key_use(rng: &mut Rng, lo: i64, hi: i64) -> KeyUse {
    let t = rng.range(lo, hi);
    let at = (t - t.rem_euclid(60)).max(lo);
    KeyUse { at, region: rng.pick(&REGIONS), service: rng.pick(&SERVICES) }
}

fn random_user(rng: &mut Rng, kind: Kind, now: i64, born: i64) -> Row {
    let slot = |rng: &mut Rng| usize::from(rng.chance(10));
    match kind {
        Kind::Console | Kind::ConsoleNoMfa => {
            let created = rng.range(born, now - 30 * DAY);
            let signed_in = rng.range(created.max(now - 30 * DAY), now);
            let changed = rng.range(created, signed_in);
            let row = Row::new("", created).console(Some(signed_in), changed, kind == Kind::Console);
            if !rng.chance(50) {
                return row;
            }
            let rotated = rng.range(created, now - DAY);
            let used = key_use(rng, rotated.max(now - 10 * DAY), now);
            row.key(slot(rng), true, rotated, Some(used))
        }
        Kind::StaleConsole => {
            let created = rng.range(born, now - 200 * DAY);
            let signed_in = rng.range(created, now - 91 * DAY);
            let changed = rng.range(created, signed_in);
            let row = Row::new("", created).console(Some(signed_in), changed, rng.chance(50));
            if !rng.chance(30) {
                return row;
            }
            let rotated = rng.range(created, signed_in);
            let used = rng.chance(70).then(|| key_use(rng, rotated, now - 91 * DAY));
            row.key(slot(rng), rng.chance(60), rotated, used)
        }
        Kind::NeverSignedIn => {
            let created = rng.range(born, now - DAY);
            let row = Row::new("", created).console(None, created, false);
            if rng.chance(40) { row.key(0, true, created + rng.range(1, 5), None) } else { row }
        }
        Kind::NewHire => {
            let created = rng.range(now - 14 * DAY, now - 3600);
            let signed_in = rng.chance(60).then(|| rng.range(created, now));
            let row = Row::new("", created).console(signed_in, created, rng.chance(50));
            if !rng.chance(30) {
                return row;
            }
            let rotated = created + rng.range(1, 300);
            let used = rng.chance(50).then(|| key_use(rng, rotated, now));
            row.key(0, true, rotated, used)
        }
        Kind::ServiceOneKey => {
            let created = rng.range(born, now - 5 * DAY);
            let rotated = rng.range(created, now - DAY);
            let lo = if rng.chance(85) { rotated.max(now - 7 * DAY) } else { rotated };
            let used = key_use(rng, lo, now);
            Row::new("", created).key(slot(rng), true, rotated, Some(used))
        }
        Kind::ServiceTwoKeys => {
            let created = rng.range(born, now - 200 * DAY);
            let first = rng.range(created, now - 100 * DAY);
            let first_used = key_use(rng, first.max(now - 7 * DAY), now);
            let second = rng.range(first, now - DAY);
            let second_used = rng.chance(60).then(|| key_use(rng, second.max(now - 7 * DAY), now));
            Row::new("", created).key(0, true, first, Some(first_used)).key(1, true, second, second_used)
        }
        Kind::ServiceUnusedKey => {
            let created = rng.range(born, now - DAY);
            Row::new("", created).key(slot(rng), true, created + rng.range(0, 120), None)
        }
        Kind::ServiceRotating => {
            let created = rng.range(born, now - 120 * DAY);
            let old = rng.range(created, now - 100 * DAY);
            let old_used = key_use(rng, old, now - 30 * DAY);
            let new = rng.range(now - 90 * DAY, now - DAY);
            let new_used = rng.chance(80).then(|| key_use(rng, new, now));
            Row::new("", created).key(0, false, old, Some(old_used)).key(1, true, new, new_used)
        }
        Kind::NoCredentials => Row::new("", rng.range(born, now - DAY)),
    }
}

fn credential_report(args: &ReportArgs) -> Result<()> {
    let rows = random_report(args.as_of, args.users, args.seed);
    let path = &args.out;
    let mut w = create(path)?;
    match args.format {
        Format::Csv => write_csv(&mut w, &args.account, &rows).map_err(anyhow::Error::from),
        Format::Json => write_cli_json(&mut w, &args.account, &rows, args.as_of),
    }
    .and_then(|()| Ok(w.flush()?))
    .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("gapscope-gen: wrote root + {} users to {}", args.users, path.display());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// samples: the designed bundle
// ---------------------------------------------------------------------------------------------

const PROD_ACCOUNT: &str = "210987654321";
const DEV_ACCOUNT: &str = "123456789012";
/// When the client downloaded the prod CSV from the console (the CSV itself does not say).
const PROD_AS_OF: &str = "2026-09-30T17:45:12Z";
const DEV_GENERATED: &str = "2026-10-01T08:00:00Z";
const PROD_CSV: &str = "acme-prod/210987654321_credential_report.csv";
const DEV_ZIP: &str = "acme-dev-export.zip";
const DEV_JSON: &str = "iam/get-credential-report.json";
const DEV_NOTES: &str = "notes/collection-notes.txt";
const NOTES: &str = "Acme Corp - evidence collection notes (dev account 123456789012)

Exported 2026-10-01 by Jordan Reyes (platform team) with AWS CLI v2:
  aws iam generate-credential-report
  aws iam get-credential-report > iam/get-credential-report.json

The prod credential report (210987654321) was downloaded from the IAM console
on 2026-09-30 and is sent separately as a CSV.
CloudTrail and AWS Config exports will follow next week.
Questions: platform-team@acme.example
";

/// An account of the bundle: its report rows and, per row, what the row is there to show.
struct Account {
    name: &'static str,
    id: &'static str,
    rows: Vec<Row>,
    shows: Vec<&'static str>,
}

impl Account {
    fn new(name: &'static str, id: &'static str, design: Vec<(Row, &'static str)>) -> Account {
        let (rows, shows) = design.into_iter().unzip();
        Account { name, id, rows, shows }
    }
}

fn abs(s: &str) -> Result<i64> {
    parse_time(s).map_err(|e| anyhow!("{s}: {e}"))
}

/// `days` whole days before `date` (YYYY-MM-DD), at `hms` UTC.
fn before(date: &str, days: i64, hms: &str) -> Result<i64> {
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").with_context(|| date.to_owned())?;
    let time = NaiveTime::parse_from_str(hms, "%H:%M:%S").with_context(|| hms.to_owned())?;
    Ok(day.and_time(time).and_utc().timestamp() - days * DAY)
}

fn used(at: i64, region: &'static str, service: &'static str) -> Option<KeyUse> {
    Some(KeyUse { at, region, service })
}

/// acme-prod. Times of day stay within (08:00, 16:00] UTC, so each age is the same from any as-of
/// in [2026-09-30T16:00Z (the newest timestamp: what the CSV alone implies), 2026-10-01T08:00Z
/// (the dev export's GeneratedTime: what the whole bundle uses)].
fn prod_design() -> Result<Vec<(Row, &'static str)>> {
    let d = |days, hms| before("2026-09-30", days, hms);
    Ok(vec![
        (
            Row::root(abs("2019-03-14T09:12:44Z")?, Some(d(90, "09:41:07")?), false).key(
                0,
                true,
                abs("2023-11-02T10:15:31Z")?,
                used(d(120, "11:02:00")?, "us-east-1", "s3"),
            ),
            "Root with an active access key (created 2023, last used 120 days ago) and no MFA. \
             Root password used exactly 90 days before as-of: still recent, so \
             root_recent_use fails at the boundary.",
        ),
        (
            Row::new("alice.admin", abs("2021-02-08T10:22:13Z")?)
                .console(Some(d(1, "15:12:40")?), abs("2026-05-11T09:30:02Z")?, true)
                .key(0, true, d(30, "10:05:19")?, used(d(1, "14:27:00")?, "us-east-1", "iam")),
            "The model console user: MFA, signed in yesterday, one key 30 days old used \
             yesterday. Passes every check.",
        ),
        (
            Row::new("bob.dev", abs("2024-06-03T13:45:50Z")?)
                .console(Some(d(10, "12:00:31")?), abs("2024-06-03T13:50:12Z")?, false)
                .key(0, true, d(91, "09:30:00")?, used(d(20, "10:14:00")?, "eu-west-1", "ec2")),
            "Console user without MFA. His key is 91 days old: fails access_key_rotation one \
             day past the limit, though it was used 20 days ago.",
        ),
        (
            Row::new("ci-deploy", abs("2022-01-19T11:08:27Z")?)
                .key(0, true, d(400, "11:08:29")?, used(d(0, "16:00:00")?, "us-east-1", "cloudformation"))
                .key(1, true, d(90, "14:20:05")?, used(d(1, "13:52:00")?, "us-east-1", "s3")),
            "Pipeline user without a password (outside the console checks). Key 2 was created \
             exactly 90 days ago (passes rotation at the boundary) but the pipeline still uses \
             key 1, created 2025-08-26 (400 days), today at 16:00: the newest timestamp of the \
             CSV. Both keys active: fails multiple_active_keys.",
        ),
        (
            Row::new("henry.qa", abs("2025-11-03T09:05:41Z")?).console(
                Some(d(90, "10:48:19")?),
                abs("2025-11-03T09:07:02Z")?,
                true,
            ),
            "Console user with MFA and no keys, last signed in exactly 90 days ago: passes \
             stale_console_user and inactive_user at the boundary.",
        ),
        (
            Row::new("old-contractor", abs("2023-04-17T10:00:12Z")?)
                .console(Some(d(91, "15:20:44")?), abs("2023-04-17T10:05:33Z")?, true)
                .key(0, false, abs("2023-04-17T10:06:02Z")?, used(d(150, "09:12:00")?, "us-east-1", "s3")),
            "Contractor who left: last sign-in 91 days ago fails stale_console_user and \
             inactive_user one day past the limit. Has MFA. Key 1 is deactivated: an inactive \
             slot is in no key check's population, not even key_at_user_creation.",
        ),
        (
            Row::new("svc-backup", d(120, "10:30:00")?).key(0, true, d(120, "10:30:02")?, None),
            "Service user whose only key was created 120 days ago and never used: \
             unused_access_key ages a never-used key from its creation and fails it (tools that \
             skip never-used keys pass it); inactive_user ages from user creation and fails.",
        ),
        (
            Row::new("svc-reporting", d(10, "14:02:11")?).key(0, true, d(10, "14:02:13")?, None),
            "The same never-used key, but created 10 days ago: passes unused_access_key and \
             inactive_user.",
        ),
    ])
}

/// acme-dev. Times of day are before 08:00 UTC, the GeneratedTime's, so an event `n` days before
/// 2026-10-01 is exactly `n` whole days old.
fn dev_design() -> Result<Vec<(Row, &'static str)>> {
    let d = |days, hms| before("2026-10-01", days, hms);
    Ok(vec![
        (
            Row::root(abs("2020-07-22T06:14:09Z")?, Some(d(91, "06:40:02")?), true),
            "Clean root: MFA, no access keys (so in no key check), password last used 91 days \
             before as-of: passes root_recent_use one day past the limit.",
        ),
        (
            Row::new("audit-readonly", d(400, "03:12:55")?),
            "No password and no keys (the auditors moved to SSO): only in inactive_user and \
             multiple_active_keys. With no activity at all it ages from creation, 400 days, and \
             fails inactive_user.",
        ),
        (
            Row::new("carol.analyst", d(200, "07:21:36")?).console(None, d(200, "07:21:36")?, false),
            "Console user who never signed in (password_last_used = no_information), without \
             MFA: stale_console_user and inactive_user age her from creation, 200 days, and fail.",
        ),
        (
            Row::new("dana.newhire", d(5, "05:10:44")?).console(None, d(5, "05:10:44")?, false).key(
                0,
                true,
                d(5, "05:10:46")?,
                None,
            ),
            "New hire (5 days): not signed in yet, no MFA yet, and an access key created with \
             the user and never used. Fails console_user_mfa and key_at_user_creation; passes \
             stale_console_user and unused_access_key, which age from creation.",
        ),
        (
            Row::new("grace.sre", abs("2022-09-12T04:33:10Z")?)
                .console(Some(d(2, "06:05:51")?), d(60, "05:00:12")?, true)
                .key(0, false, d(300, "02:44:18")?, used(d(250, "03:10:00")?, "eu-west-1", "sts"))
                .key(1, true, d(45, "01:55:37")?, used(d(0, "07:15:00")?, "us-east-1", "sts")),
            "Console user with MFA who rotated her key properly: old key 1 deactivated (not \
             evaluated), new key in slot 2 (45 days) used this morning. Passes every check.",
        ),
        (
            Row::new("svc-ingest", abs("2024-02-14T02:05:00Z")?).key(
                0,
                true,
                d(90, "02:11:05")?,
                used(d(90, "02:30:00")?, "us-west-2", "kinesis"),
            ),
            "Key created and last used exactly 90 days ago: passes access_key_rotation, \
             unused_access_key and inactive_user at the boundary.",
        ),
        (
            Row::new("svc-legacy-etl", abs("2021-11-30T05:47:20Z")?)
                .key(0, false, d(300, "04:20:00")?, used(d(30, "04:00:00")?, "us-east-1", "glue"))
                .key(1, true, d(25, "06:12:44")?, None),
            "Rotation half done: old key 1 deactivated but used 30 days ago, new key 2 (25 \
             days) not used yet. inactive_user counts the inactive key's use and passes; the \
             never-used new key is recent and passes unused_access_key.",
        ),
        (
            Row::new("svc-metrics", abs("2023-06-05T01:20:30Z")?).key(
                0,
                true,
                d(150, "03:33:12")?,
                used(d(91, "03:00:00")?, "us-east-1", "cloudwatch"),
            ),
            "Key last used 91 days ago: fails unused_access_key and inactive_user one day past \
             the limit; created 150 days ago, it fails access_key_rotation too.",
        ),
    ])
}

fn newest(rows: &[Row]) -> Result<i64> {
    rows.iter().flat_map(Row::timestamps).max().context("a report without timestamps")
}

/// The designed bundle and its expected verdicts, after checking the design's promises.
struct Bundle {
    prod: Account,
    dev: Account,
    dev_generated: i64,
    /// The newest timestamp of the prod CSV: its reference time when analysed alone.
    prod_newest: i64,
    /// The run's as-of for the whole bundle.
    as_of: i64,
    results: Vec<Verdict>,
}

fn bundle() -> Result<Bundle> {
    let prod = Account::new("acme-prod", PROD_ACCOUNT, prod_design()?);
    let dev = Account::new("acme-dev", DEV_ACCOUNT, dev_design()?);
    let (prod_as_of, dev_generated) = (abs(PROD_AS_OF)?, abs(DEV_GENERATED)?);
    check_consistency(&prod.rows, prod_as_of).context("acme-prod design")?;
    check_consistency(&dev.rows, dev_generated).context("acme-dev design")?;

    // DESIGN.md §5: a CSV's reference time is its newest timestamp; the run's is the newest of all.
    let prod_newest = newest(&prod.rows)?;
    let as_of = prod_newest.max(dev_generated);
    let mut results = evaluate(prod.id, &prod.rows, as_of);
    results.extend(evaluate(dev.id, &dev.rows, as_of));
    results.sort();

    // The design promises, checked before anything is written.
    for alternative in [prod_newest, prod_as_of] {
        ensure!(
            evaluate(prod.id, &prod.rows, alternative) == evaluate(prod.id, &prod.rows, as_of),
            "acme-prod verdicts depend on which as-of the analyzer picks"
        );
    }
    for check in CHECKS {
        for status in [Status::Pass, Status::Fail] {
            let found = results.iter().any(|v| v.check == check && v.status == status);
            ensure!(found, "the samples have no {status:?} for {check}");
        }
    }
    Ok(Bundle { prod, dev, dev_generated, prod_newest, as_of, results })
}

fn samples(args: &SamplesArgs) -> Result<()> {
    let Bundle { prod, dev, dev_generated, prod_newest, as_of, results } = bundle()?;
    let out = &args.out;
    let mut csv = Vec::new();
    write_csv(&mut csv, prod.id, &prod.rows)?;
    write_file(&out.join(PROD_CSV), &csv)?;
    let mut json = Vec::new();
    write_cli_json(&mut json, dev.id, &dev.rows, dev_generated)?;
    let members = vec![(DEV_NOTES, NOTES.as_bytes().to_vec()), (DEV_JSON, json)];
    write_file(&out.join(DEV_ZIP), &zip_bytes(members, dev_generated)?)?;
    let text = readme(&[&prod, &dev], &results, as_of, prod_newest)?;
    write_file(&out.join("README.md"), text.as_bytes())?;
    if let Some(path) = &args.expect {
        let mut text = serde_json::to_string_pretty(&Expectations { results: &results })?;
        text.push('\n');
        write_file(path, text.as_bytes())?;
    }
    let fails = results.iter().filter(|v| v.status == Status::Fail).count();
    eprintln!("gapscope-gen: wrote samples to {} ({} expected results, {fails} failing)", out.display(), results.len());
    Ok(())
}

/// Members sorted by name, deflated, all stamped `when`: the same bytes on every run.
fn zip_bytes(mut members: Vec<(&str, Vec<u8>)>, when: i64) -> Result<Vec<u8>> {
    members.sort_by(|a, b| a.0.cmp(b.0));
    let t = DateTime::<Utc>::from_timestamp(when, 0).context("zip time out of range")?;
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(t.year())?,
        u8::try_from(t.month())?,
        u8::try_from(t.day())?,
        u8::try_from(t.hour())?,
        u8::try_from(t.minute())?,
        u8::try_from(t.second())?,
    )?;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    for (name, bytes) in &members {
        zip.start_file(*name, options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// samples/README.md, generated so that it cannot drift from the data.
fn readme(accounts: &[&Account], results: &[Verdict], as_of: i64, prod_newest: i64) -> Result<String> {
    use std::fmt::Write as _;
    let mut s = String::new();
    let mut newest = Vec::new();
    write_ts(&mut newest, prod_newest)?;
    let newest = String::from_utf8(newest)?;
    let newest_z = zulu(prod_newest)?;
    let as_of = zulu(as_of)?;
    writeln!(
        s,
        "# gapscope sample evidence

Synthetic evidence of two AWS accounts of a fictitious client, Acme Corp: every account, user,
key and date is made up. Written by `gapscope-gen samples`; do not edit by hand, regenerate with

    cargo run --bin gapscope-gen -- samples --out samples --expect tests/fixtures/samples-expected.json

The project README's demo runs `gapscope analyze samples -o report` on this folder.

| file | content |
|---|---|
| `{PROD_CSV}` | IAM credential report of **acme-prod** (account {PROD_ACCOUNT}) as downloaded from the IAM console at {PROD_AS_OF}. A CSV carries no generation time; its newest timestamp, {newest} (ci-deploy's key 1), stands for it. |
| `{DEV_ZIP}` → `{DEV_JSON}` | `aws iam get-credential-report` output for **acme-dev** (account {DEV_ACCOUNT}): the CSV base64-encoded in `Content`, `GeneratedTime` {DEV_GENERATED}. |
| `{DEV_ZIP}` → `{DEV_NOTES}` | The client's covering note. Not evidence: gapscope lists it as unrecognised. |

## Reference time and ages

The run's as-of is the newest reference time of the artifacts: {as_of}, the dev export's
`GeneratedTime`. Ages are whole days, floor((as-of − t) / 86400 s); a 90-day limit fails at 91.
Every acme-prod timestamp lies between 08:00 and 16:00 UTC, so its ages, and so its verdicts, are
the same whether the CSV is analysed alone (as-of {newest_z}), with `--as-of {PROD_AS_OF}`,
or in the bundle; every acme-dev timestamp lies before 08:00 UTC, so an event *n* days before
2026-10-01 is exactly *n* days old. `gapscope-gen` checks these promises before writing.
Password policies have no maximum age (`password_next_rotation` = `N/A`): no date in the
evidence lies after its as-of.

## Designed users"
    )?;
    for account in accounts {
        writeln!(s, "\n### {} ({})\n\n| user | what it shows | fails |\n|---|---|---|", account.name, account.id)?;
        for (row, shows) in account.rows.iter().zip(&account.shows) {
            let arn = row.arn(account.id);
            let fails: Vec<String> = results
                .iter()
                .filter(|v| v.status == Status::Fail)
                .filter_map(|v| {
                    let check = v.check.trim_start_matches("aws.iam.");
                    let rest = v.resource.strip_prefix(arn.as_str())?;
                    match rest.strip_prefix("#access_key_") {
                        Some(slot) => Some(format!("{check} (key {slot})")),
                        None => rest.is_empty().then(|| check.to_owned()),
                    }
                })
                .collect();
            let fails = if fails.is_empty() { "—".to_owned() } else { fails.join(", ") };
            writeln!(s, "| `{}` | {shows} | {fails} |", row.user)?;
        }
    }
    writeln!(
        s,
        "\n## Expected verdicts\n\n`tests/fixtures/samples-expected.json` holds the verdict of every \
         member of every check's population ({} results), computed by `gapscope-gen` from the rule \
         text, apart from the analyzer.\n\n| check | pass | fail |\n|---|---|---|",
        results.len()
    )?;
    let mut checks = CHECKS;
    checks.sort_unstable();
    for check in checks {
        let count = |status| results.iter().filter(|v| v.check == check && v.status == status).count();
        writeln!(s, "| `{check}` | {} | {} |", count(Status::Pass), count(Status::Fail))?;
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn verdict(results: &[Verdict], check: &str, resource: &str) -> Option<Status> {
        results.iter().find(|v| v.check == check && v.resource == resource).map(|v| v.status)
    }

    #[test]
    fn ages_are_whole_days_and_fail_only_past_the_limit() {
        let as_of = 100 * DAY;
        assert_eq!(age_days(as_of, as_of - 90 * DAY), 90);
        assert_eq!(age_days(as_of, as_of - 91 * DAY + 1), 90);
        assert_eq!(age_days(as_of, as_of - 91 * DAY), 91);
        assert_eq!(age_days(as_of, as_of), 0);
    }

    #[test]
    fn samples_keep_their_promises() {
        let b = bundle().expect("the design is consistent");
        assert_eq!(zulu(b.as_of).unwrap(), DEV_GENERATED);
        assert_eq!(zulu(b.prod_newest).unwrap(), "2026-09-30T16:00:00Z");
        let r = &b.results;
        let prod = |tail: &str| format!("arn:aws:iam::{PROD_ACCOUNT}:{tail}");
        let dev = |tail: &str| format!("arn:aws:iam::{DEV_ACCOUNT}:{tail}");
        let (pass, fail) = (Some(Status::Pass), Some(Status::Fail));
        let rotation = ACCESS_KEY_ROTATION;
        assert_eq!(verdict(r, rotation, &prod("user/ci-deploy#access_key_2")), pass);
        assert_eq!(verdict(r, rotation, &prod("user/bob.dev#access_key_1")), fail);
        assert_eq!(verdict(r, UNUSED_ACCESS_KEY, &prod("user/svc-backup#access_key_1")), fail);
        assert_eq!(verdict(r, UNUSED_ACCESS_KEY, &prod("user/svc-reporting#access_key_1")), pass);
        assert_eq!(verdict(r, ROOT_RECENT_USE, &prod("root")), fail);
        assert_eq!(verdict(r, ROOT_RECENT_USE, &dev("root")), pass);
        assert_eq!(verdict(r, INACTIVE_USER, &dev("user/svc-legacy-etl")), pass);
        assert_eq!(verdict(r, KEY_AT_USER_CREATION, &dev("user/dana.newhire#access_key_1")), fail);
        // Not in the population: inactive key slots, password-less users in console checks.
        assert!(!r.iter().any(|v| v.resource.contains("old-contractor#")));
        assert!(!r.iter().any(|v| v.resource.contains("grace.sre#access_key_1")));
        assert_eq!(verdict(r, CONSOLE_USER_MFA, &prod("user/ci-deploy")), None);
        assert!(r.windows(2).all(|w| (w[0].check, &w[0].resource) < (w[1].check, &w[1].resource)));
    }

    #[test]
    fn random_reports_are_consistent_and_reproducible() {
        let as_of = parse_time("2026-09-30T17:45:12Z").unwrap();
        let rows = random_report(as_of, 3000, 7);
        check_consistency(&rows, as_of).unwrap();
        assert!(rows[0].is_root() && rows[1..].iter().all(|r| !r.is_root()));
        let mut names: Vec<&str> = rows.iter().map(|r| r.user.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), rows.len(), "names are unique");
        let mut csv = Vec::new();
        write_csv(&mut csv, "111122223333", &rows).unwrap();
        let text = String::from_utf8(csv.clone()).unwrap();
        assert!(text.starts_with(HEADER) && !text.ends_with('\n'));
        assert!(text.lines().all(|line| line.split(',').count() == 22));
        assert_eq!(text.lines().count(), 3001 + 1);
        let mut again = Vec::new();
        write_csv(&mut again, "111122223333", &random_report(as_of, 3000, 7)).unwrap();
        assert_eq!(csv, again);
        let mut other = Vec::new();
        write_csv(&mut other, "111122223333", &random_report(as_of, 3000, 8)).unwrap();
        assert_ne!(csv, other);
        let results = evaluate("111122223333", &rows, as_of);
        for check in CHECKS.iter().filter(|c| !c.contains("root")) {
            for status in [Status::Pass, Status::Fail] {
                assert!(results.iter().any(|v| v.check == *check && v.status == status));
            }
        }
    }

    #[test]
    fn cli_json_wraps_the_csv() {
        let as_of = parse_time("2026-10-01T08:00:00Z").unwrap();
        let rows = random_report(as_of, 50, 3);
        let (mut csv, mut json) = (Vec::new(), Vec::new());
        write_csv(&mut csv, "123456789012", &rows).unwrap();
        write_cli_json(&mut json, "123456789012", &rows, as_of).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let content = value["Content"].as_str().unwrap();
        let decoded = base64::engine::general_purpose::STANDARD.decode(content).unwrap();
        assert_eq!(decoded, csv);
        assert_eq!(value["GeneratedTime"], "2026-10-01T08:00:00Z");
        assert_eq!(value["ReportFormat"], "text/csv");
        assert!(json.starts_with(b"{\n    \"Content\": \"") && json.ends_with(b"\"\n}\n"));
    }

    #[test]
    fn zips_are_byte_stable_and_sorted() {
        let when = parse_time(DEV_GENERATED).unwrap();
        let members = || vec![("b.txt", b"two".to_vec()), ("a.txt", b"one".to_vec())];
        let first = zip_bytes(members(), when).unwrap();
        assert_eq!(first, zip_bytes(members(), when).unwrap());
        let archive = zip::ZipArchive::new(io::Cursor::new(first)).unwrap();
        let names: Vec<String> =
            (0..archive.len()).map(|i| archive.name_for_index(i).unwrap().unwrap().into_owned()).collect();
        assert_eq!(names, ["a.txt", "b.txt"]);
    }
}
