//! `period`: a year of monthly evidence snapshots for SOC 2 Type II (issue 16), with CloudTrail
//! carrying the changes between them, planted cases, and `--expect`, the oracle.
//!
//! Layout under `--out`:
//! - `<YYYY-MM-DD>/<account>/…` (the last day of each month): the credential report and the
//!   posture and trail exports of each account;
//! - `gapscope-aws-<account>-<YYYYMMDD>T120000Z.zip` for the zipped account (no date folder: the
//!   zip's name dates it);
//! - `<YYYY-MM-DD>/entra/…`: the tenant's users (with signInActivity) and registration details;
//! - `cloudtrail/AWSLogs/<account>/CloudTrail/us-east-1/YYYY/MM/DD/…json.gz` for the first
//!   `--cloudtrail-accounts` accounts, covering every day of the year.
//!
//! Account roles: accounts `0..K` have CloudTrail (account 0 carries the changes it dates), account
//! `K` misses August, account `K + 1` is zipped and has the changes only snapshots and the
//! report's timestamps date. Everything is a function of the arguments (no clock, seeded random).

mod oracle;
mod plan;
mod snapshot;
#[cfg(test)]
mod tests;
mod trail;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use clap::Args;

use crate::common::{write_file, zip_bytes};
use plan::{Options, World, month_end};

#[derive(Args, Debug)]
pub(crate) struct PeriodArgs {
    /// Folder to write into; it must be absent or empty
    #[arg(long)]
    out: PathBuf,
    /// AWS accounts (at least --cloudtrail-accounts + 2)
    #[arg(long, default_value_t = 3)]
    accounts: usize,
    /// Monthly snapshots, January onwards (1–12)
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=12))]
    months: u32,
    /// Accounts (the first K) with a year of CloudTrail
    #[arg(long, default_value_t = 1)]
    cloudtrail_accounts: usize,
    /// The observation year
    #[arg(long, default_value_t = 2026, value_parser = clap::value_parser!(i32).range(2001..=9000))]
    year: i32,
    /// Console users per account besides the planted ones (benchmark size)
    #[arg(long, default_value_t = 6)]
    users: usize,
    /// CloudTrail log files per account and day
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=288))]
    files_per_day: u64,
    /// Background records per CloudTrail log file
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    events_per_file: u64,
    /// Seed: the same seed and options give byte-identical output
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the expected period controls (the oracle) to this file
    #[arg(long)]
    expect: Option<PathBuf>,
}

fn options(a: &PeriodArgs) -> Result<Options> {
    ensure!(
        a.accounts >= a.cloudtrail_accounts + 2,
        "--accounts {} is too few: the planted cases need --cloudtrail-accounts + 2 ({})",
        a.accounts,
        a.cloudtrail_accounts + 2
    );
    ensure!(a.accounts <= 99, "--accounts: at most 99");
    Ok(Options {
        seed: a.seed,
        year: a.year,
        months: a.months,
        accounts: a.accounts,
        cloudtrail_accounts: a.cloudtrail_accounts,
        users: a.users,
    })
}

/// Writes every snapshot and the CloudTrail archive; returns the CloudTrail record count.
fn write(out: &Path, w: &World, a: &PeriodArgs) -> Result<u64> {
    for account in &w.accounts {
        for day in oracle::snapshot_days(w, account) {
            let noon = plan::day_start(day) + 12 * 3_600;
            let files = snapshot::account_files(account, noon)?;
            if account.zipped {
                // `files` is sorted by name, so the members are too.
                let members = files.iter().map(|(name, bytes)| (format!("{}/{name}", account.id), bytes.as_slice()));
                let stamp = day.format("%Y%m%d");
                let name = format!("gapscope-aws-{}-{stamp}T120000Z.zip", account.id);
                write_file(&out.join(name), &zip_bytes(members, noon)?)?;
            } else {
                let dir = out.join(day.to_string()).join(&account.id);
                for (name, bytes) in files {
                    write_file(&dir.join(name), &bytes)?;
                }
            }
        }
    }
    for m in 1..=w.months {
        let day = month_end(w.year, m);
        let noon = plan::day_start(day) + 12 * 3_600;
        for (name, bytes) in snapshot::entra_files(w, noon)? {
            write_file(&out.join(day.to_string()).join("entra").join(name), &bytes)?;
        }
    }
    let volume = trail::Volume { files_per_day: a.files_per_day, events_per_file: a.events_per_file };
    let mut records = 0;
    for account in w.accounts.iter().filter(|x| x.cloudtrail) {
        records += trail::write_account(&out.join("cloudtrail"), w, account, a.seed, volume)?;
    }
    Ok(records)
}

pub(crate) fn run(a: &PeriodArgs) -> Result<()> {
    if a.out.exists() {
        let mut entries = fs::read_dir(&a.out).with_context(|| format!("cannot read {}", a.out.display()))?;
        ensure!(entries.next().is_none(), "{} is not empty: give a new or empty folder", a.out.display());
    }
    let w = plan::plan(&options(a)?);
    let records = write(&a.out, &w, a)?;
    if let Some(path) = &a.expect {
        let mut text = serde_json::to_string_pretty(&oracle::expected(&w))?;
        text.push('\n');
        write_file(path, text.as_bytes())?;
    }
    eprintln!(
        "gapscope-gen: {} accounts × {} months, {records} CloudTrail records, {} planted controls, to {}",
        w.accounts.len(),
        w.months,
        w.cases.len(),
        a.out.display()
    );
    Ok(())
}
