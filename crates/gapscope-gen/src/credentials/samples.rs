//! `samples`: the hand-designed evidence bundle under `samples/` and its expected verdicts.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, ensure};
use chrono::{NaiveDate, NaiveTime};
use clap::Args;

use super::oracle::{CHECKS, Expectations, Status, Verdict, evaluate};
use super::{KeyUse, Row, check_consistency, write_cli_json, write_csv, write_ts};
use crate::common::{DAY, parse_time, write_file, zulu};

#[derive(Args)]
pub(crate) struct SamplesArgs {
    /// Folder to write the bundle into (created if missing; other files in it are left alone)
    #[arg(long)]
    out: PathBuf,
    /// Also write the expected verdicts as JSON to this file
    #[arg(long)]
    expect: Option<PathBuf>,
}

const PROD_ACCOUNT: &str = "210987654321";
const DEV_ACCOUNT: &str = "123456789012";
/// When the client downloaded the prod CSV from the console (the CSV itself does not say).
const PROD_AS_OF: &str = "2026-09-30T17:45:12Z";
const DEV_GENERATED: &str = "2026-10-01T08:00:00Z";
const PROD_CSV: &str = "acme-prod/210987654321_credential_report.csv";
const DEV_ZIP: &str = "acme-dev-export.zip";
const DEV_JSON: &str = "iam/get-credential-report.json";
const DEV_NOTES: &str = "notes/collection-notes.txt";
const CLOUDTRAIL_DIR: &str = "cloudtrail";
const ENTRA_DIR: &str = "entra";
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

pub(crate) fn samples(args: &SamplesArgs) -> Result<()> {
    let Bundle { prod, dev, dev_generated, prod_newest, as_of, results } = bundle()?;
    let out = &args.out;
    let mut csv = Vec::new();
    write_csv(&mut csv, prod.id, &prod.rows)?;
    write_file(&out.join(PROD_CSV), &csv)?;
    let mut json = Vec::new();
    write_cli_json(&mut json, dev.id, &dev.rows, dev_generated)?;
    let members = vec![(DEV_NOTES, NOTES.as_bytes().to_vec()), (DEV_JSON, json)];
    write_file(&out.join(DEV_ZIP), &zip_bytes(members, dev_generated)?)?;
    crate::cloudtrail::samples(&out.join(CLOUDTRAIL_DIR))?;
    crate::entra::samples(&out.join(ENTRA_DIR))?;
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
    crate::common::zip_bytes(members.iter().map(|(name, bytes)| (name.to_string(), bytes.as_slice())), when)
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
| `{CLOUDTRAIL_DIR}/AWSLogs/…` | CloudTrail logs of both accounts for September 2026 in the S3 layout, one file per account, region and day (see below). |
| `{CLOUDTRAIL_DIR}/config/<account>/` | Each account's `describe-trails`, `get-trail-status`, `get-event-selectors` and `describe-regions` exports. |
| `{ENTRA_DIR}/` | Microsoft Entra ID exports of Acme's tenant (see below). |

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
    let cloudtrail: Vec<String> =
        crate::cloudtrail::SAMPLE_OPTIONS.iter().map(|o| format!("- `{}`", o.trim_start_matches("--"))).collect();
    let cloudtrail = cloudtrail.join("\n");
    let defer = |s: &mut String| -> Result<()> {
        writeln!(
            s,
            "\n## CloudTrail\n\nWritten by `gapscope-gen cloudtrail` (seed 1) into `{CLOUDTRAIL_DIR}/` with these \
             options:\n\n{cloudtrail}\n\nSo the report shows a three-day gap in acme-prod's eu-west-1 \
             (2026-09-12..14), ap-southeast-2 enabled in both accounts but never logged, root activity in \
             acme-prod, a console sign-in without MFA and refused calls in acme-dev, and StopLogging in acme-dev. \
             Both trails enable log file validation, but the samples carry no digest files (they would add 2,880 \
             files), so the log integrity check says so. The CloudTrail checks' results are tested by \
             `tests/cloudtrail_generated.rs` on archives of the same generator; the sample's credential verdicts \
             below are the ones compared exactly."
        )?;
        Ok(())
    };
    checks.sort_unstable();
    for check in checks {
        let count = |status| results.iter().filter(|v| v.check == check && v.status == status).count();
        writeln!(s, "| `{check}` | {} | {} |", count(Status::Pass), count(Status::Fail))?;
    }
    defer(&mut s)?;
    let entra: Vec<String> =
        crate::entra::SAMPLE_OPTIONS.iter().map(|o| format!("- `{}`", o.trim_start_matches("--"))).collect();
    writeln!(
        s,
        "\n## Entra ID\n\nWritten by `gapscope-gen entra` (seed 1) into `{ENTRA_DIR}/` with these options:\n\n{}\n\n\
         Interactive sign-ins as the portal CSV (2024 layout), non-interactive ones as a Graph page, a few as Log \
         Analytics NDJSON (one repeats a CSV row), users as Graph JSON and as the portal CSV, MFA registration \
         details, Conditional Access policies, applications with secrets and certificates, directory roles, and \
         `broken.json`, a cut-off export that the report lists as unreadable. The designed users and apps (users \
         named after the case they show: `stale.91d`, `imap.user`, `no.mfa`, …) are those of \
         `tests/entra.rs`, whose verdicts are compared with the generator's oracle.",
        entra.join("\n")
    )?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::super::oracle::{
        ACCESS_KEY_ROTATION, CONSOLE_USER_MFA, INACTIVE_USER, KEY_AT_USER_CREATION, ROOT_RECENT_USE, UNUSED_ACCESS_KEY,
    };
    use super::*;

    fn verdict(results: &[Verdict], check: &str, resource: &str) -> Option<Status> {
        results.iter().find(|v| v.check == check && v.resource == resource).map(|v| v.status)
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
    fn zips_are_byte_stable_and_sorted() {
        let when = parse_time(DEV_GENERATED).unwrap();
        let members = || vec![("b.txt", b"two".to_vec()), ("a.txt", b"one".to_vec())];
        let first = zip_bytes(members(), when).unwrap();
        assert_eq!(first, zip_bytes(members(), when).unwrap());
        let archive = zip::ZipArchive::new(std::io::Cursor::new(first)).unwrap();
        let names: Vec<String> =
            (0..archive.len()).map(|i| archive.name_for_index(i).unwrap().unwrap().into_owned()).collect();
        assert_eq!(names, ["a.txt", "b.txt"]);
    }
}
