//! `credential-report`: a random but realistic IAM credential report of any size, streamed to disk.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use super::{KeyUse, Row, write_cli_json, write_csv};
use crate::common::{DAY, create, parse_account, parse_time};
use crate::rng::Rng;

#[derive(Args)]
pub(crate) struct ReportArgs {
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

pub(crate) fn credential_report(args: &ReportArgs) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::super::oracle::{CHECKS, Status, evaluate};
    use super::super::{HEADER, check_consistency};
    use super::*;
    use base64::Engine as _;

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
}
