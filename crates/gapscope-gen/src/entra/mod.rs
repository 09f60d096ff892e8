//! `entra`: the Microsoft Entra ID exports of one invented tenant (`shared/formats/entra.md`):
//! interactive sign-ins as the portal CSV (any size, for the benchmark) and a few as Log Analytics
//! NDJSON, non-interactive sign-ins as Graph JSON, users (Graph and portal CSV), MFA registration,
//! Conditional Access policies, app registrations, directory roles and one broken file, plus
//! `planted.json`: every check's expected verdict for its whole population, computed by `oracle`.
//!
//! Pipeline: validate → tenant model (tenant.rs, grants.rs) → sign-ins streamed day by day, newest first,
//! through the oracle's tally (signins.rs, portal_csv.rs, signin_json.rs) → directory exports (directory.rs) →
//! verdicts (oracle.rs) → planted.json with the designed cases (planted.rs).

mod directory;
mod grants;
mod oracle;
mod planted;
mod portal_csv;
mod signin_json;
mod signins;
mod tenant;
#[cfg(test)]
mod tests;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;

use crate::common::{DAY, parse_time, write_file};
use crate::rng::Rng;
use signins::Volume;

#[derive(Args, Debug)]
pub(crate) struct EntraArgs {
    /// Folder to write into; it must be absent or empty
    #[arg(long)]
    out: PathBuf,
    /// Seed: the same seed and options give byte-identical output
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Tenant id, a GUID [default: derived from the seed]
    #[arg(long, value_parser = parse_guid)]
    tenant: Option<String>,
    /// The instant ages are measured at (RFC 3339); not before the end of --to
    #[arg(long, default_value = "2026-10-01T00:00:00Z", value_parser = parse_time)]
    as_of: i64,
    /// Random users besides the planted ones
    #[arg(long, default_value_t = 40)]
    users: usize,
    /// First day of the sign-in exports (UTC, inclusive)
    #[arg(long, default_value = "2026-09-01", value_parser = parse_day)]
    from: NaiveDate,
    /// Last day of the sign-in exports (UTC, inclusive)
    #[arg(long, default_value = "2026-09-30", value_parser = parse_day)]
    to: NaiveDate,
    /// Mean interactive sign-ins per active user and weekday (a third of it on weekends)
    #[arg(long, default_value_t = 2.0)]
    signins_per_user_day: f64,
    /// Exactly this many rows in the interactive CSV, planted ones included (benchmark input)
    #[arg(long, conflicts_with = "signins_per_user_day")]
    signins: Option<u64>,
    /// Mean non-interactive sign-ins per active user and day
    #[arg(long, default_value_t = 3.0)]
    noninteractive_per_user_day: f64,
    /// Days without any sign-in, interactive or not: FROM..TO or DAY (repeatable)
    #[arg(long = "gap", value_parser = parse_gap)]
    gaps: Vec<(NaiveDate, NaiveDate)>,
    /// Write only the interactive sign-in CSV (and planted.json, for what the CSV holds)
    #[arg(long)]
    only_signins_csv: bool,
    /// Make the legacy-authentication block policy enabled instead of report-only
    #[arg(long)]
    ca_legacy_enforced: bool,
    /// Make the all-users MFA policy report-only instead of enabled
    #[arg(long)]
    ca_mfa_report_only: bool,
    /// Members of Global Administrator (the break-glass account first)
    #[arg(long, default_value_t = 5)]
    global_admins: usize,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("{s:?} is not a day such as 2026-09-01 ({e})"))
}

/// `FROM..TO` (inclusive) or one `DAY`.
fn parse_gap(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (from, to) = s.split_once("..").unwrap_or((s, s));
    let (from, to) = (parse_day(from)?, parse_day(to)?);
    if from > to {
        return Err(format!("{s:?}: the first day is after the last"));
    }
    Ok((from, to))
}

fn parse_guid(s: &str) -> Result<String, String> {
    let groups: Vec<&str> = s.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    if lengths == [8, 4, 4, 4, 12] && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit())) {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(format!("{s:?} is not a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47"))
    }
}

/// A random (version 4) GUID, lowercase as Graph writes them.
fn guid(rng: &mut Rng) -> String {
    guid_text(random_guid(rng))
}

fn random_guid(rng: &mut Rng) -> u128 {
    let raw = (u128::from(rng.next()) << 64) | u128::from(rng.next());
    (raw & !(0xF << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62)
}

fn guid_text(g: u128) -> String {
    let part = |shift: u32, mask: u128| (g >> shift) & mask;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        part(96, 0xFFFF_FFFF),
        part(80, 0xFFFF),
        part(64, 0xFFFF),
        part(48, 0xFFFF),
        part(0, 0xFFFF_FFFF_FFFF)
    )
}

/// Days since the epoch, and back.
fn day_index(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).map_or(0, |d| d.and_utc().timestamp()).div_euclid(DAY)
}

fn day_text(day: i64) -> String {
    DateTime::<Utc>::from_timestamp(day * DAY, 0).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// The checked run: the days of the period, which of them have sign-ins, the tenant.
struct Run<'a> {
    args: &'a EntraArgs,
    tenant: tenant::Tenant,
    /// Every day of the period, oldest first.
    period: Vec<i64>,
    /// Days outside the gaps, newest first (the order the portal lists sign-ins in).
    active: Vec<i64>,
}

fn validate(a: &EntraArgs) -> Result<()> {
    ensure!(a.from <= a.to, "--from {} is after --to {}", a.from, a.to);
    ensure!((a.to - a.from).num_days() < 3660, "--from..--to: at most ten years");
    let end = (day_index(a.to) + 1) * DAY;
    ensure!(a.as_of >= end, "--as-of is before the end of --to {}: sign-ins would postdate it", a.to);
    for (from, to) in &a.gaps {
        ensure!(*from >= a.from && *to <= a.to, "--gap {from}..{to} is outside --from..--to");
    }
    for (name, f) in [
        ("signins-per-user-day", a.signins_per_user_day),
        ("noninteractive-per-user-day", a.noninteractive_per_user_day),
    ] {
        ensure!(f.is_finite() && (0.0..=10_000.0).contains(&f), "--{name} must be between 0 and 10000");
    }
    ensure!(a.users <= 1_000_000, "--users: at most 1,000,000");
    ensure!(a.global_admins <= 100, "--global-admins: at most 100");
    if a.out.exists() {
        let mut entries = fs::read_dir(&a.out).with_context(|| format!("cannot read {}", a.out.display()))?;
        ensure!(entries.next().is_none(), "{} is not empty: give a new or empty folder", a.out.display());
    }
    Ok(())
}

/// The Entra part of the bundled samples: the designed cases with few background users and sign-ins,
/// so the demo report has an Entra section without megabytes of logs. `planted.json` is not kept.
pub(crate) const SAMPLE_OPTIONS: &[&str] =
    &["--users=6", "--signins-per-user-day=0.4", "--noninteractive-per-user-day=0.3"];

/// Writes the samples' Entra exports into `out` (replacing earlier ones).
pub(crate) fn samples(out: &Path) -> Result<()> {
    #[derive(clap::Parser)]
    struct Options {
        #[command(flatten)]
        args: EntraArgs,
    }
    if out.join("users.json").is_file() {
        fs::remove_dir_all(out).with_context(|| format!("cannot replace {}", out.display()))?;
    }
    let out_arg = format!("--out={}", out.display());
    let argv = ["entra", out_arg.as_str()].into_iter().chain(SAMPLE_OPTIONS.iter().copied());
    let options = <Options as clap::Parser>::try_parse_from(argv).context("sample Entra options")?;
    run(&options.args)?;
    fs::remove_file(out.join("planted.json")).context("remove planted.json from the samples")
}

pub(crate) fn run(a: &EntraArgs) -> Result<()> {
    validate(a)?;
    let tenant_id = a.tenant.clone().unwrap_or_else(|| guid(&mut Rng::derived(a.seed, &[b"tenant"])));
    let tenant = tenant::build(&tenant::Options {
        seed: a.seed,
        tenant: tenant_id,
        as_of: a.as_of,
        random_users: a.users,
        global_admins: a.global_admins,
        ca_legacy_enforced: a.ca_legacy_enforced,
        ca_mfa_report_only: a.ca_mfa_report_only,
    });
    let period: Vec<i64> = (day_index(a.from)..=day_index(a.to)).collect();
    let gaps: Vec<(i64, i64)> = a.gaps.iter().map(|(f, t)| (day_index(*f), day_index(*t))).collect();
    let mut active: Vec<i64> =
        period.iter().copied().filter(|d| !gaps.iter().any(|(f, t)| (f..=t).contains(&d))).collect();
    active.reverse();
    ensure!(!active.is_empty(), "--gap covers every day of --from..--to: no day is left for sign-ins");
    let run = Run { args: a, tenant, period, active };
    fs::create_dir_all(&a.out).with_context(|| format!("cannot create {}", a.out.display()))?;

    let sign_ins = signins::planted(&run);
    let mut tally = oracle::Tally::new(run.tenant.users.len());
    let csv_planted = sign_ins.iter().filter(|(s, _)| matches!(s, tenant::Sink::Csv | tenant::Sink::Both)).count();
    let volume = match a.signins {
        Some(n) => {
            let extra = n.checked_sub(csv_planted as u64).with_context(|| {
                format!("--signins {n}: the planted cases alone need {csv_planted} rows; give at least that many")
            })?;
            Volume::Exact(extra)
        }
        None => Volume::PerUserDay(a.signins_per_user_day),
    };
    let csv_name = format!("InteractiveSignIns_{}_{}.csv", a.from, a.to);
    let mut written = vec![csv_name.clone()];
    let csv_rows = portal_csv::write_csv(&a.out.join(&csv_name), &run, &sign_ins, volume, &mut tally)?;
    let mut counts = planted::SignInCounts { csv_rows, ..planted::SignInCounts::default() };
    if !a.only_signins_csv {
        let (ndjson, duplicates) =
            signin_json::write_ndjson(&a.out.join(signin_json::NDJSON), &run, &sign_ins, &mut tally)?;
        let non_name = format!("NonInteractiveSignIns_{}_{}.json", a.from, a.to);
        let non = signin_json::write_non_interactive(&a.out.join(&non_name), &run, &sign_ins, &mut tally)?;
        (counts.ndjson_records, counts.duplicate_ids, counts.noninteractive_records) = (ndjson, duplicates, non);
        written.extend([signin_json::NDJSON.to_owned(), non_name]);
        written.extend(directory::write_all(&a.out, &run)?);
    }
    counts.distinct_interactive = counts.csv_rows + counts.ndjson_records - counts.duplicate_ids.len() as u64;
    let directory = !a.only_signins_csv;
    let results = oracle::evaluate(&run.tenant, &tally, a.as_of, directory);
    let planted_cases = planted::cases(&run, directory);
    let doc = planted::document(&run, &tally, &results, planted_cases, counts, written)?;
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    write_file(&a.out.join("planted.json"), text.as_bytes())?;
    eprintln!(
        "gapscope-gen: tenant {}: {} users, {csv_rows} interactive CSV rows, {} results, to {}",
        run.tenant.id,
        run.tenant.users.len(),
        results.len(),
        a.out.display()
    );
    Ok(())
}
