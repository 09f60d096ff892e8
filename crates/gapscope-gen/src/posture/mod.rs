//! `posture`: the AWS CLI export bundle that `gapscope collect aws` produces (spec section A,
//! without the CloudTrail logs and the credential report, which have their own generators), for
//! up to three accounts, with the designed cases of every posture check of section B and
//! `planted.json`: the verdict of every member of every check's population, computed by `oracle`.
//!
//! Pipeline: options → model (design.rs with accounts.rs, principals.rs, buckets.rs, regions.rs
//! and prod.rs: designed cases plus
//! seed-drawn background) → files per account (network.rs, storage.rs, iam.rs, monitoring.rs:
//! `aws … --output json` text, failed commands as `.error.txt`, or placebo-wrapped responses) →
//! folders or zips → verdicts (oracle.rs) → planted.json.

mod accounts;
mod buckets;
mod design;
mod iam;
mod json;
mod model;
mod monitoring;
mod network;
mod oracle;
mod principals;
mod prod;
mod regions;
mod storage;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::{parse_account, parse_time, write_file, zip_bytes, zulu};
use crate::rng::Rng;
use json::{J, O, Style};
use model::{ApiError, Ev};

/// Where the accounts come from when `--account-ids` is not given: Acme's prod and dev accounts of
/// the other generators' samples, and a sandbox.
const DEFAULT_ACCOUNTS: [&str; 3] = ["210987654321", "123456789012", "345678901234"];

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Folder to write into; it must be absent or empty
    #[arg(long)]
    out: PathBuf,
    /// Seed: the same seed and options give byte-identical output
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many accounts: 1 = prod (most cases), 2 adds dev, 3 adds sandbox. Password policy, root
    /// MFA and the account-level S3 block have three designed states, one per account.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=3))]
    accounts: u8,
    /// Account ids, comma-separated, in the order prod, dev, sandbox [default: 210987654321,123456789012,345678901234]
    #[arg(long, value_delimiter = ',', value_parser = parse_account)]
    account_ids: Vec<String>,
    /// Regions with a folder, separated by spaces or commas; the first is each account's home
    /// region (buckets, trail) and holds most designed cases, the second the contrasting ones
    #[arg(long, default_value = "eu-west-1 us-east-1", value_parser = parse_regions)]
    regions: Regions,
    /// When the collection ran (RFC 3339): names the bundles; resources are created before it
    #[arg(long, default_value = "2026-10-01T08:12:44Z", value_parser = parse_time)]
    as_of: i64,
    /// At most this many background resources of each kind per region (instances, log groups, keys…)
    #[arg(long, default_value_t = 3)]
    background: u64,
    /// Write every file as a recorded response {"status_code": …, "data": {…}} with datetime objects
    #[arg(long)]
    wrapped: bool,
    /// Write each account's bundle as gapscope-aws-<account>-<stamp>.zip with a .zip.sha256 file
    #[arg(long)]
    zip: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Regions(Vec<String>);

fn parse_regions(s: &str) -> Result<Regions, String> {
    let names: Vec<String> = s.split([' ', ',']).filter(|r| !r.is_empty()).map(str::to_owned).collect();
    if names.is_empty() || names.len() > 30 {
        return Err("give between 1 and 30 regions, e.g. \"eu-west-1 us-east-1\"".to_owned());
    }
    for name in &names {
        let parts: Vec<&str> = name.split('-').collect();
        let shaped = matches!(parts.as_slice(), [area, _, n] | [area, "gov", _, n]
            if area.len() == 2 && n.len() == 1 && n.bytes().all(|b| b.is_ascii_digit()))
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !shaped {
            return Err(format!("{name:?} is not a region name such as eu-west-1"));
        }
    }
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != names.len() {
        return Err("each region once".to_owned());
    }
    Ok(Regions(names))
}

/// The files of one account's bundle, by path relative to its account folder.
struct Files {
    style: Style,
    seed: u64,
    account: String,
    as_of: i64,
    out: BTreeMap<String, Vec<u8>>,
    /// Failed commands: file name and error code, for COLLECTION.txt.
    errors: Vec<(String, &'static str)>,
}

impl Files {
    /// Writes the command's output, its error, or nothing.
    fn put<T>(&mut self, name: &str, operation: &str, ev: &Ev<T>, render: impl FnOnce(&T) -> J) {
        match ev {
            Ev::Ok(v) => self.json(name, render(v)),
            Ev::Err(e) => self.error(name, operation, e),
            Ev::Absent => {}
        }
    }

    fn json(&mut self, name: &str, body: J) {
        let text = match self.style {
            Style::Cli => json::pretty(&body, Style::Cli),
            Style::Placebo => {
                let mut members = match body {
                    J::Obj(m) => m,
                    other => vec![("Body".to_owned(), other)],
                };
                members.push(("ResponseMetadata".to_owned(), self.metadata(name, 200)));
                let wrapped = O::new().k("status_code", 200i64).k("data", J::Obj(members)).j();
                json::pretty(&wrapped, Style::Placebo)
            }
        };
        self.out.insert(format!("{name}.json"), text.into_bytes());
    }

    fn error(&mut self, name: &str, operation: &str, e: &ApiError) {
        self.errors.push((name.to_owned(), e.code));
        match self.style {
            Style::Cli => {
                // What the CLI prints on stderr, which the collection script keeps.
                let text =
                    format!("\nAn error occurred ({}) when calling the {operation} operation: {}\n", e.code, e.message);
                self.out.insert(format!("{name}.error.txt"), text.into_bytes());
            }
            Style::Placebo => {
                let error =
                    O::new().k("Code", e.code).k("Message", &e.message).opt("Type", (e.http < 500).then_some("Sender"));
                let data = O::new().k("Error", error).k("ResponseMetadata", self.metadata(name, e.http));
                let wrapped = O::new().k("status_code", i64::from(e.http)).k("data", data).j();
                self.out.insert(format!("{name}.json"), json::pretty(&wrapped, Style::Placebo).into_bytes());
            }
        }
    }

    fn metadata(&self, name: &str, http: u16) -> J {
        let mut rng = Rng::derived(self.seed, &[b"request", self.account.as_bytes(), name.as_bytes()]);
        let id = design::uuid(&mut rng);
        let command = name.rsplit('/').next().unwrap_or(name);
        let content_type = match command.split('-').next().unwrap_or_default() {
            "ec2" => "text/xml;charset=UTF-8",
            "iam" | "rds" | "cloudwatch" => "text/xml",
            "s3api" | "s3control" => "application/xml",
            _ => "application/x-amz-json-1.1",
        };
        let date = chrono::DateTime::<chrono::Utc>::from_timestamp(self.as_of, 0)
            .map(|t| t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
            .unwrap_or_default();
        let headers = O::new().k("x-amzn-requestid", id.as_str()).k("content-type", content_type).k("date", date);
        O::new()
            .k("RequestId", id.as_str())
            .k("HTTPStatusCode", i64::from(http))
            .k("HTTPHeaders", headers)
            .k("RetryAttempts", 0i64)
            .j()
    }
}

/// `20261001T081244Z`.
fn stamp(t: i64) -> Result<String> {
    Ok(zulu(t)?.replace(['-', ':'], ""))
}

/// One account's bundle: its root folder name and every file under it.
struct Bundle {
    root: String,
    files: BTreeMap<String, Vec<u8>>,
}

fn bundle(a: &model::Account, args: &Args) -> Result<Bundle> {
    let mut f = Files {
        style: if args.wrapped { Style::Placebo } else { Style::Cli },
        seed: args.seed,
        account: a.id.clone(),
        as_of: args.as_of,
        out: BTreeMap::new(),
        errors: Vec::new(),
    };
    network::regions(&mut f, a);
    iam::write(&mut f, a);
    storage::write_s3(&mut f, a);
    for r in &a.regions {
        network::write(&mut f, a, r);
        storage::write(&mut f, a, r);
        monitoring::write(&mut f, a, r);
    }
    let root = format!("gapscope-aws-{}-{}", a.id, stamp(args.as_of)?);
    let mut files: BTreeMap<String, Vec<u8>> =
        f.out.iter().map(|(name, bytes)| (format!("{}/{name}", a.id), bytes.clone())).collect();
    files.insert("COLLECTION.txt".to_owned(), collection(a, args, &f)?.into_bytes());
    Ok(Bundle { root, files })
}

/// COLLECTION.txt: what the collection script ran and what failed.
fn collection(a: &model::Account, args: &Args, f: &Files) -> Result<String> {
    use std::fmt::Write as _;
    let folders: Vec<&str> = a.regions.iter().map(|r| r.name.as_str()).collect();
    let enabled: Vec<&str> = a
        .described_regions
        .iter()
        .filter(|(_, opt_in)| *opt_in != "not-opted-in")
        .map(|(name, _)| name.as_str())
        .collect();
    let mut s = String::new();
    writeln!(s, "gapscope AWS evidence collection")?;
    writeln!(s, "started:    {}", zulu(args.as_of)?)?;
    writeln!(s, "finished:   {}", zulu(args.as_of + 397)?)?;
    writeln!(
        s,
        "aws cli:    aws-cli/2.27.41 Python/3.13.4 Linux/6.1.141-155.222.amzn2023.x86_64 exec-env/CloudShell exe/x86_64.amzn.2023"
    )?;
    writeln!(s, "caller:     arn:aws:sts::{}:assumed-role/GapscopeAuditor/auditor", a.id)?;
    writeln!(s, "account:    {}", a.id)?;
    writeln!(s, "regions:    {} (enabled per describe-regions: {})", folders.join(" "), enabled.join(" "))?;
    writeln!(s, "output:     {}", if args.wrapped { "recorded API responses" } else { "json" })?;
    writeln!(s, "cloudtrail: not synced (no date range given)")?;
    writeln!(s, "files:      {} ({} commands failed)", f.out.len(), f.errors.len())?;
    if !f.errors.is_empty() {
        writeln!(s, "\nfailed commands (stderr kept next to the output name):")?;
        for (name, code) in &f.errors {
            writeln!(s, "  {name}  {code}")?;
        }
    }
    Ok(s)
}

#[derive(Serialize)]
struct Planted<'a> {
    schema: &'static str,
    options: BTreeMap<&'static str, Value>,
    accounts: Vec<String>,
    bundles: Vec<String>,
    planted: &'a [design::Case],
    results: &'a [oracle::Verdict],
}

fn account_ids(a: &Args) -> Result<Vec<String>> {
    let given: Vec<String> = if a.account_ids.is_empty() {
        DEFAULT_ACCOUNTS.iter().map(|s| (*s).to_owned()).collect()
    } else {
        a.account_ids.clone()
    };
    let n = usize::from(a.accounts);
    ensure!(given.len() >= n, "--account-ids gives {} ids for --accounts {n}", given.len());
    let ids: Vec<String> = given.into_iter().take(n).collect();
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    ensure!(distinct.len() == ids.len(), "--account-ids: each account once");
    Ok(ids)
}

pub(crate) fn run(a: &Args) -> Result<()> {
    if a.out.exists() {
        let mut entries = fs::read_dir(&a.out).with_context(|| format!("cannot read {}", a.out.display()))?;
        ensure!(entries.next().is_none(), "{} is not empty: give a new or empty folder", a.out.display());
    }
    let results = generate(a, true)?;
    eprintln!("gapscope-gen: {results} posture results, to {}", a.out.display());
    Ok(())
}

/// Writes the bundles (and planted.json when `planted`); returns the number of results.
fn generate(a: &Args, planted: bool) -> Result<usize> {
    ensure!(a.background <= 50, "--background: at most 50");
    let ids = account_ids(a)?;
    let options = design::Options {
        seed: a.seed,
        accounts: &ids,
        regions: &a.regions.0,
        as_of: a.as_of,
        background: a.background,
    };
    let (world, cases) = design::build(&options);
    fs::create_dir_all(&a.out).with_context(|| format!("cannot create {}", a.out.display()))?;
    let mut bundles = Vec::new();
    for account in &world.accounts {
        let b = bundle(account, a)?;
        if a.zip {
            let name = format!("{}.zip", b.root);
            let members = b.files.iter().map(|(name, bytes)| (format!("{}/{name}", b.root), bytes.as_slice()));
            let bytes = zip_bytes(members, a.as_of)?;
            let digest = hex::encode(Sha256::digest(&bytes));
            write_file(&a.out.join(&name), &bytes)?;
            write_file(&a.out.join(format!("{name}.sha256")), format!("{digest}  {name}\n").as_bytes())?;
            bundles.push(name);
        } else {
            for (name, bytes) in &b.files {
                write_file(&a.out.join(&b.root).join(name), bytes)?;
            }
            bundles.push(b.root);
        }
    }
    let results = oracle::evaluate(&world);
    if planted {
        let options = BTreeMap::from([
            ("seed", json!(a.seed)),
            ("accounts", json!(a.accounts)),
            ("regions", json!(a.regions.0)),
            ("as_of", json!(zulu(a.as_of)?)),
            ("background", json!(a.background)),
            ("wrapped", json!(a.wrapped)),
            ("zip", json!(a.zip)),
        ]);
        let doc = Planted {
            schema: "gapscope-gen.posture-planted/v1",
            options,
            accounts: ids,
            bundles,
            planted: &cases,
            results: &results,
        };
        let mut text = serde_json::to_string_pretty(&doc)?;
        text.push('\n');
        write_file(&a.out.join("planted.json"), text.as_bytes())?;
    }
    Ok(results.len())
}

/// The posture part of the bundled samples: Acme prod alone (its designed cases, one background
/// resource of each kind at most), in the regions of the CloudTrail samples, as the collection
/// script leaves it. `planted.json` is not written.
// Not yet called: the samples command wires it in with the rest of issue 6.
#[allow(dead_code)]
pub(crate) const SAMPLE_OPTIONS: &[&str] =
    &["--accounts=1", "--account-ids=210987654321", "--regions=us-east-1 eu-west-1", "--background=1"];

/// Writes the samples' AWS configuration bundle into `out` (replacing an earlier one).
#[allow(dead_code)]
pub(crate) fn samples(out: &Path) -> Result<()> {
    #[derive(clap::Parser)]
    struct Options {
        #[command(flatten)]
        args: Args,
    }
    if out.is_dir() {
        for entry in fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))? {
            let path = entry?.path();
            let ours = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("gapscope-aws-"));
            ensure!(ours, "{} holds {}, which the posture samples did not write", out.display(), path.display());
            fs::remove_dir_all(&path).with_context(|| format!("cannot replace {}", path.display()))?;
        }
    }
    let out_arg = format!("--out={}", out.display());
    let argv = ["posture", out_arg.as_str()].into_iter().chain(SAMPLE_OPTIONS.iter().copied());
    let options = <Options as clap::Parser>::try_parse_from(argv).context("sample posture options")?;
    generate(&options.args, false).map(|_| ())
}
