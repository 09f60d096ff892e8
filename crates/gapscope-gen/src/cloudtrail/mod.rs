//! `cloudtrail`: a CloudTrail archive in the S3 layout (`AWSLogs/<account>/CloudTrail/<region>/
//! YYYY/MM/DD/…json.gz`), with planted events, gaps, blind regions, redelivered duplicates,
//! damaged files, an optional zipped region, signed digests and the trail configuration exports,
//! plus `planted.json`, the oracle end-to-end tests compare the analyzer with.
//!
//! Pipeline: validate options → plan every file (plan.rs) → write the log files in parallel, each
//! from its own seeded generator (logfile.rs) → redeliveries → digests → zip → exports → oracle.

mod background;
mod cis;
mod client;
mod digest;
pub(crate) mod exports;
mod logfile;
mod oracle;
mod plan;
mod plants;
mod population;
mod record;
mod spec;
#[cfg(test)]
mod tests;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use chrono::NaiveDate;
use clap::Args;
use rayon::prelude::*;

use crate::common::{create, parse_account, write_file, zip_stamp};
use crate::rng::Rng;
use background::Mix;
use exports::Trail;
use logfile::{Shared, Written};
use plan::{Fate, Inputs, Plan, Role};
use population::Population;
use spec::{Cell, Gap, Plant, parse_day, parse_region};

#[derive(Args, Debug)]
pub(crate) struct CloudtrailArgs {
    /// Folder to write into; it must be absent or empty
    #[arg(long)]
    out: PathBuf,
    /// Seed: the same seed and options give byte-identical output
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// AWS accounts (12 digits), comma-separated
    #[arg(long, value_delimiter = ',', default_value = "210987654321,123456789012", value_parser = parse_account)]
    accounts: Vec<String>,
    /// Regions with logs, comma-separated; the first is the trail's home region
    #[arg(long, value_delimiter = ',', default_value = "us-east-1,eu-west-1", value_parser = parse_region)]
    regions: Vec<String>,
    /// First day of the period (UTC, inclusive)
    #[arg(long, default_value = "2026-09-01", value_parser = parse_day)]
    from: NaiveDate,
    /// Last day of the period (UTC, inclusive)
    #[arg(long, default_value = "2026-09-07", value_parser = parse_day)]
    to: NaiveDate,
    /// Log files per account, region and day [default: 24]
    #[arg(long, conflicts_with = "target_mb")]
    files_per_day: Option<u64>,
    /// Mean records per log file (each file has between half and 1.5 times as many)
    #[arg(long, default_value_t = 50)]
    events_per_file: u64,
    /// Choose --files-per-day to write about this many MB (10^6 bytes) of uncompressed JSON
    #[arg(long)]
    target_mb: Option<u64>,
    /// Days without records: ACCOUNT/REGION/FROM..TO or ACCOUNT/REGION/DAY (repeatable)
    #[arg(long = "gap", value_parser = Gap::parse)]
    gaps: Vec<Gap>,
    /// A region enabled in describe-regions that has no logs (repeatable)
    #[arg(long = "blind-region", value_parser = parse_region)]
    blind_regions: Vec<String>,
    /// A planted event: KIND[:EventName]@ACCOUNT/REGION/DAY (repeatable). KIND is one of root,
    /// console-no-mfa, console-mfa, console-failure, federated-console, stop-logging, delete-trail,
    /// update-trail, put-event-selectors, kms-disable, kms-schedule-deletion, unauthorized,
    /// iam-policy, sg-change, nacl, gateway, route, vpc, org, s3-policy, config
    #[arg(long = "plant", value_parser = Plant::parse)]
    plants: Vec<Plant>,
    /// Records delivered a second time, in another file with the same time
    #[arg(long, default_value_t = 0)]
    duplicates: usize,
    /// Log files cut inside the gzip stream, after a complete record
    #[arg(long, default_value_t = 0)]
    truncate: usize,
    /// Log files named .json.gz that hold an S3 error document instead of gzip
    #[arg(long, default_value_t = 0)]
    fake_gz: usize,
    /// Log files with bytes after the end of their gzip stream
    #[arg(long, default_value_t = 0)]
    trailing_garbage: usize,
    /// Log files that are valid gzip of something that is not JSON
    #[arg(long, default_value_t = 0)]
    not_json: usize,
    /// Put this account/region's files (logs and digests) in <out>/<account>-<region>.zip: ACCOUNT/REGION
    #[arg(long, value_parser = Cell::parse)]
    zip_region: Option<Cell>,
    /// Write hourly signed digest files and config/<account>/cloudtrail-list-public-keys.json
    #[arg(long)]
    digests: bool,
    /// Log files changed after they were digested (needs --digests)
    #[arg(long, default_value_t = 0, requires = "digests")]
    alter_log: usize,
    /// Digested log files deleted (needs --digests)
    #[arg(long, default_value_t = 0, requires = "digests")]
    drop_log: usize,
    /// Digest files deleted (needs --digests)
    #[arg(long, default_value_t = 0, requires = "digests")]
    drop_digest: usize,
    /// Extra log files, in hours digests cover, that no digest lists (needs --digests)
    #[arg(long, default_value_t = 0, requires = "digests")]
    unlisted_log: usize,
    /// Name of each account's trail
    #[arg(long, default_value = "management-events")]
    trail: String,
    /// S3 bucket the trails deliver to [default: aws-cloudtrail-logs-<first account>-<8 hex from the seed>]
    #[arg(long)]
    bucket: Option<String>,
    /// Account whose trail is not logging (get-trail-status IsLogging false) (repeatable)
    #[arg(long, value_parser = parse_account)]
    trail_not_logging: Vec<String>,
    /// Account whose trail has log file validation off: no digests for it (repeatable)
    #[arg(long, value_parser = parse_account)]
    no_validation: Vec<String>,
    /// Account whose trail has no KMS key (repeatable)
    #[arg(long, value_parser = parse_account)]
    no_kms: Vec<String>,
    /// Account whose trail is single-region (repeatable)
    #[arg(long, value_parser = parse_account)]
    single_region: Vec<String>,
    /// Account whose trail's event selectors record write-only management events (repeatable)
    #[arg(long, value_parser = parse_account)]
    write_only_selectors: Vec<String>,
    /// Write no configuration exports (config/<account>/ describe-trails, status, selectors, regions)
    #[arg(long)]
    no_config: bool,
}

/// The CloudTrail part of the bundled samples: both Acme accounts, September 2026, one small file per
/// region and day, with a planted three-day gap, a region enabled but never logged, and a handful of
/// events the detections must find. `planted.json` is not kept: the samples' README says what is there.
pub(crate) const SAMPLE_OPTIONS: &[&str] = &[
    "--from=2026-09-01",
    "--to=2026-09-30",
    "--files-per-day=1",
    "--events-per-file=12",
    "--gap=210987654321/eu-west-1/2026-09-12..2026-09-14",
    "--blind-region=ap-southeast-2",
    "--plant=root@210987654321/us-east-1/2026-09-20",
    "--plant=console-no-mfa@123456789012/us-east-1/2026-09-08",
    "--plant=stop-logging@123456789012/eu-west-1/2026-09-15",
    "--plant=sg-change@210987654321/eu-west-1/2026-09-22",
    "--plant=unauthorized@123456789012/us-east-1/2026-09-03",
];

/// Writes the samples' CloudTrail archive into `out` (replacing an earlier one).
pub(crate) fn samples(out: &Path) -> Result<()> {
    #[derive(clap::Parser)]
    struct Options {
        #[command(flatten)]
        args: CloudtrailArgs,
    }
    if out.join("AWSLogs").is_dir() {
        fs::remove_dir_all(out).with_context(|| format!("cannot replace {}", out.display()))?;
    }
    let out_arg = format!("--out={}", out.display());
    let argv =
        std::iter::once("cloudtrail").chain(std::iter::once(out_arg.as_str())).chain(SAMPLE_OPTIONS.iter().copied());
    let options = <Options as clap::Parser>::try_parse_from(argv).context("sample CloudTrail options")?;
    run(&options.args)?;
    fs::remove_file(out.join("planted.json")).context("remove planted.json from the samples")
}

fn midnight(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).map_or(0, |d| d.and_utc().timestamp())
}

fn validate(a: &CloudtrailArgs) -> Result<()> {
    let distinct = |v: &[String]| {
        let mut s = v.to_vec();
        s.sort();
        s.dedup();
        s.len() == v.len()
    };
    ensure!(!a.accounts.is_empty() && distinct(&a.accounts), "--accounts: give at least one, each once");
    ensure!(!a.regions.is_empty() && distinct(&a.regions), "--regions: give at least one, each once");
    ensure!(a.from <= a.to, "--from {} is after --to {}", a.from, a.to);
    ensure!((a.to - a.from).num_days() < 3660, "--from..--to: at most ten years");
    ensure!(a.events_per_file >= 1, "--events-per-file must be at least 1");
    ensure!(a.files_per_day != Some(0), "--files-per-day must be at least 1");
    ensure!(!a.trail.is_empty() && !a.trail.contains(['/', '_']), "--trail: a name without '/' or '_'");
    for r in &a.blind_regions {
        ensure!(!a.regions.contains(r), "--blind-region {r} is also in --regions");
    }
    let lists = [&a.trail_not_logging, &a.no_validation, &a.no_kms, &a.single_region, &a.write_only_selectors];
    for account in lists.into_iter().flatten() {
        ensure!(a.accounts.contains(account), "{account} is not in --accounts");
    }
    if a.out.exists() {
        let mut entries = fs::read_dir(&a.out).with_context(|| format!("cannot read {}", a.out.display()))?;
        ensure!(entries.next().is_none(), "{} is not empty: give a new or empty folder", a.out.display());
    }
    Ok(())
}

/// Files per account/region/day that make about `mb` MB of JSON, from the size of sample records.
fn files_for_target(a: &CloudtrailArgs, pops: &[Population], mixes: &[Mix], active_cell_days: u64, mb: u64) -> u64 {
    let mut rng = Rng::derived(a.seed, &[b"estimate"]);
    let (mut bytes, mut n) = (0usize, 0usize);
    for pop in pops {
        for (mix, region) in mixes.iter().zip(&a.regions) {
            for k in 0..400 {
                let r = background::record(&mut rng, mix, pop, region, midnight(a.from) + k);
                bytes += serde_json::to_string(&r).map_or(0, |s| s.len() + 1);
                n += 1;
            }
        }
    }
    let mean = bytes as f64 / n.max(1) as f64;
    let per_file = mean * a.events_per_file as f64 + 14.0;
    let files = (mb as f64 * 1e6) / (per_file * active_cell_days.max(1) as f64);
    (files.round() as u64).max(1)
}

fn trails(a: &CloudtrailArgs, bucket: &str) -> Vec<Trail> {
    let home = a.regions.first().cloned().unwrap_or_default();
    a.accounts
        .iter()
        .map(|account| {
            let mut rng = Rng::derived(a.seed, &[b"kms", account.as_bytes()]);
            let key = record::uuid(&mut rng).1;
            let write_only = a.write_only_selectors.contains(account);
            Trail {
                account: account.clone(),
                name: a.trail.clone(),
                arn: format!("arn:aws:cloudtrail:{home}:{account}:trail/{}", a.trail),
                home_region: home.clone(),
                bucket: bucket.to_owned(),
                multi_region: !a.single_region.contains(account),
                logging: !a.trail_not_logging.contains(account),
                log_file_validation: !a.no_validation.contains(account),
                kms_key_id: (!a.no_kms.contains(account)).then(|| format!("arn:aws:kms:{home}:{account}:key/{key}")),
                read_write_type: if write_only { "WriteOnly" } else { "All" },
                include_management_events: true,
            }
        })
        .collect()
}

/// Zip members stamped with their own S3 time, sorted by name: the same bytes on every run.
fn write_zip(path: &Path, mut members: Vec<(String, i64, Vec<u8>)>) -> Result<()> {
    members.sort_by(|a, b| a.0.cmp(&b.0));
    let file = create(path)?;
    let mut zip = zip::ZipWriter::new(file);
    for (name, when, bytes) in &members {
        let stamp = zip_stamp(*when)?;
        // Stored: the members are gzip already, as in a client's export of the bucket.
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(stamp)
            .unix_permissions(0o644)
            .large_file(bytes.len() as u64 >= u64::from(u32::MAX));
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    let mut file = zip.finish()?;
    file.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

pub(crate) fn run(a: &CloudtrailArgs) -> Result<()> {
    validate(a)?;
    let day0 = midnight(a.from);
    let days = (a.to - a.from).num_days() + 1;
    let home = a.regions.first().cloned().unwrap_or_default();
    let bucket = a.bucket.clone().unwrap_or_else(|| {
        let mut rng = Rng::derived(a.seed, &[b"bucket"]);
        format!(
            "aws-cloudtrail-logs-{}-{}",
            a.accounts.first().cloned().unwrap_or_default(),
            record::hex_lower(&mut rng, 8)
        )
    });
    let pops: Vec<Population> = a.accounts.iter().map(|acct| Population::new(a.seed, acct, &home)).collect();
    let mixes: Vec<Mix> = a.regions.iter().map(|r| Mix::new(r)).collect();
    let gap_days: i64 = a.gaps.iter().map(|g| (g.to - g.from).num_days() + 1).sum();
    let cell_days = (a.accounts.len() * a.regions.len()) as i64 * days - gap_days;
    let files_per_day = match (a.target_mb, a.files_per_day) {
        (Some(mb), _) => files_for_target(a, &pops, &mixes, cell_days.max(1) as u64, mb),
        (None, Some(n)) => n,
        (None, None) => 24,
    };
    let plan = Plan::build(&Inputs {
        seed: a.seed,
        accounts: &a.accounts,
        regions: &a.regions,
        day0,
        days,
        files_per_day,
        events_per_file: a.events_per_file,
        gaps: &a.gaps,
        plants: &a.plants,
        duplicates: a.duplicates,
        damage: [a.truncate, a.fake_gz, a.trailing_garbage, a.not_json],
        altered: a.alter_log,
        dropped: a.drop_log,
        unlisted: a.unlisted_log,
        zip: a.zip_region.as_ref(),
    })?;
    let trails = trails(a, &bucket);
    let trail_refs: Vec<(String, String, String)> =
        trails.iter().map(|t| (t.arn.clone(), t.name.clone(), t.bucket.clone())).collect();
    fs::create_dir_all(&a.out).with_context(|| format!("cannot create {}", a.out.display()))?;
    let events: usize = plan.files.iter().map(|f| f.events).sum();
    eprintln!(
        "gapscope-gen: {} log files, {events} records, {files_per_day} files per account/region/day",
        plan.files.len()
    );
    let shared = Shared {
        seed: a.seed,
        out: &a.out,
        accounts: &a.accounts,
        regions: &a.regions,
        populations: &pops,
        mixes: &mixes,
        placements: &plan.placements,
        trails: &trail_refs,
        day0,
    };
    let first: Vec<Option<Written>> = plan
        .files
        .par_iter()
        .map(|f| match f.role {
            Role::Redelivery { .. } => Ok(None),
            _ => logfile::write(&shared, f, None).map(Some),
        })
        .collect::<Result<_>>()?;
    let second: Vec<(usize, Written)> = plan
        .files
        .par_iter()
        .enumerate()
        .filter_map(|(i, f)| match &f.role {
            Role::Redelivery { source, .. } => Some((i, *source, f)),
            _ => None,
        })
        .map(|(i, source, f)| {
            let captured = first.get(source).and_then(Option::as_ref).map(|w| w.captured.as_slice());
            logfile::write(&shared, f, captured).map(|w| (i, w))
        })
        .collect::<Result<_>>()?;
    let mut written: Vec<Written> = first.into_iter().map(Option::unwrap_or_default).collect();
    for (i, w) in second {
        if let Some(slot) = written.get_mut(i) {
            *slot = w;
        }
    }
    let zip_name = |cell: &Cell| format!("{}-{}.zip", cell.account, cell.region);
    let name_of = |f: &plan::LogFile| match (&a.zip_region, f.zipped) {
        (Some(cell), true) => format!("{}!{}", zip_name(cell), f.path),
        _ => f.path.clone(),
    };
    let mut zip_members: Vec<(String, i64, Vec<u8>)> = Vec::new();
    for (f, w) in plan.files.iter().zip(written.iter_mut()) {
        if let Some(bytes) = w.zip_bytes.take() {
            zip_members.push((f.path.clone(), f.end, bytes));
        }
    }
    let mut digest_facts = oracle::Digests { enabled: a.digests, ..oracle::Digests::default() };
    if a.digests {
        digest::write_all(a, &plan, &written, &trails, day0, &mut zip_members, &mut digest_facts)?;
        for (f, w) in plan.files.iter().zip(&written) {
            match (f.fate, &f.role) {
                (Fate::Altered, _) => digest_facts
                    .altered_logs
                    .push(oracle::Altered { file: name_of(f), event_id: w.altered_record.clone().unwrap_or_default() }),
                (Fate::Dropped, _) => digest_facts.dropped_logs.push(name_of(f)),
                (_, Role::Unlisted) => digest_facts.unlisted_logs.push(name_of(f)),
                _ => {}
            }
        }
        digest_facts.altered_logs.sort_by(|x, y| x.file.cmp(&y.file));
        digest_facts.dropped_logs.sort();
        digest_facts.unlisted_logs.sort();
    }
    let zip = match &a.zip_region {
        Some(cell) => {
            let path = zip_name(cell);
            let members = zip_members.len();
            write_zip(&a.out.join(&path), zip_members)?;
            Some(oracle::Zipped { account: cell.account.clone(), region: cell.region.clone(), path, members })
        }
        None => None,
    };
    let mut enabled: Vec<String> = a.regions.iter().chain(&a.blind_regions).cloned().collect();
    enabled.sort();
    if !a.no_config {
        for (n, t) in trails.iter().enumerate() {
            let last = plan.files.iter().filter(|f| f.account == n).map(|f| f.end).max().unwrap_or(day0);
            exports::write(&a.out.join("config").join(&t.account), t, &enabled, day0, last)?;
        }
    }
    let config = oracle::Config { written: !a.no_config, trails, enabled_regions: enabled };
    let o =
        oracle::assemble(a, &plan, &written, day0, days, files_per_day, &bucket, name_of, zip, digest_facts, config);
    let mut text = serde_json::to_string_pretty(&o)?;
    text.push('\n');
    write_file(&a.out.join("planted.json"), text.as_bytes())?;
    eprintln!(
        "gapscope-gen: wrote {} log files ({:.1} MB JSON, {:.1} MB gzip), {} records, {} planted, to {}",
        o.totals.log_files_written,
        o.totals.uncompressed_bytes as f64 / 1e6,
        o.totals.compressed_bytes as f64 / 1e6,
        o.totals.records_readable,
        o.planted.len(),
        a.out.display()
    );
    Ok(())
}
