//! Entry points for the fuzz targets (`fuzz/fuzz_targets/`) and their property tests: one function
//! per target, taking untrusted bytes and driving the same code intake runs on an input of that
//! kind. The targets call only this module, so the library's modules can move or turn private
//! without breaking them. Not a supported API: hidden from the docs and free to change.
//!
//! Each function returns a small summary whose [`Counts::check`] states bookkeeping the parsers
//! promise (a record read is kept or rejected, never both or neither), so the fuzzer and the
//! property tests below catch a miscount as well as a panic.

use crate::config::Limits;
use crate::evidence::discover::discover_bytes;
use crate::evidence::kinds::{Recognised, recognise as recognise_content};
use crate::facts::cloudtrail::aggregate::{Dedupe, FileContext, Tally};
use crate::formats::aws::cloudtrail_log::{self, Shape};
use crate::formats::aws::{cloudtrail_digest, credential_report, posture, trail_config};
use crate::formats::entra::directory::{self, DirectoryKind};
use crate::formats::entra::model::EntraExport;
use crate::formats::entra::signins::{self, SignInLayout};

/// What one parse of one file reported about its records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub read: usize,
    pub rejected: usize,
    /// Records kept, for parsers that keep every record read that they do not reject.
    pub kept: Option<usize>,
}

impl Counts {
    /// The bookkeeping every parser promises; `Err` says what does not add up.
    pub fn check(&self) -> Result<(), String> {
        if self.rejected > self.read {
            return Err(format!("{} records rejected of {} read", self.rejected, self.read));
        }
        match self.kept {
            Some(kept) if kept + self.rejected != self.read => {
                Err(format!("{kept} kept + {} rejected != {} read", self.rejected, self.read))
            }
            _ => Ok(()),
        }
    }
}

/// Content recognition on any bytes: the kind's name, or `None` when the content is not evidence.
pub fn recognise(data: &[u8]) -> Option<String> {
    match recognise_content(data) {
        Recognised::Unrecognised(_) => None,
        kind => Some(format!("{kind:?}")),
    }
}

/// One input found by discovery, as far as the invariants need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: String,
    pub archive: bool,
    pub content: Option<usize>,
    pub problem: bool,
    pub cut_short: bool,
}

/// The display path discovery is given for the fuzzed file.
pub const DISCOVER_ROOT: &str = "evidence.bin";

/// Discovery of one file's bytes (zip, gzip, archives in archives) under the default limits, every
/// input decoded as a worker would.
pub fn discover(data: &[u8]) -> Vec<Found> {
    let limits = Limits::default();
    let mut found = Vec::new();
    discover_bytes(DISCOVER_ROOT.to_string(), data.to_vec(), &limits, &mut |mut input| {
        input.decode(&limits);
        found.push(Found {
            path: input.path,
            archive: input.archive,
            content: input.content.as_ref().map(Vec::len),
            problem: input.problem.is_some(),
            cut_short: input.cut_short,
        });
    });
    found
}

/// What discovery always holds: the file itself comes first under its name and everything else is
/// a member inside it; an archive hands out members, not content; content cut short says why; and
/// bytes that are neither zip nor gzip come back as one input holding all of them.
pub fn check_discovered(data: &[u8], found: &[Found]) -> Result<(), String> {
    let Some(root) = found.first() else { return Err("no input for the file".into()) };
    if root.path != DISCOVER_ROOT {
        return Err(format!("first input is {}, not the file", root.path));
    }
    let member_prefix = format!("{DISCOVER_ROOT}!");
    for input in found {
        if input.path != DISCOVER_ROOT && !input.path.starts_with(&member_prefix) {
            return Err(format!("{} is not inside the file", input.path));
        }
        if input.archive && input.content.is_some() {
            return Err(format!("archive {} has content", input.path));
        }
        if input.cut_short && !input.problem {
            return Err(format!("{} is cut short without a problem saying so", input.path));
        }
    }
    let archive_or_gzip = [&b"PK\x03\x04"[..], b"PK\x05\x06", b"\x1f\x8b"].iter().any(|m| data.starts_with(m));
    if !archive_or_gzip && (found.len() != 1 || root.content != Some(data.len())) {
        return Err("plain bytes did not come back as one input holding them".into());
    }
    Ok(())
}

/// A delivered log file's path: account and region come from it, as intake reads them.
const LOG_PATH: &str =
    "AWSLogs/123456789012/CloudTrail/us-east-1/2026/09/01/123456789012_CloudTrail_us-east-1_20260901T0000Z_f.json.gz";

/// The CloudTrail reader in both shapes (`Records`, lookup-events `Events`), every record tallied
/// as intake tallies it. Counts per shape: kept are the records counted in coverage cells.
pub fn cloudtrail_log(data: &[u8]) -> [Counts; 2] {
    [Shape::Records, Shape::LookupEvents].map(|shape| {
        let dedupe = Dedupe::default();
        let mut tally = Tally::new(LOG_PATH, FileContext::from_path(LOG_PATH), &dedupe, Some((20_000, 20_800)));
        let summary = cloudtrail_log::read(data, shape, &mut |record| tally.add(record));
        let aggregate = tally.finish();
        let in_cells: u64 = aggregate.cells.values().map(|c| c.records).sum();
        let skipped = aggregate.undated + aggregate.implausible + aggregate.outside_period + aggregate.duplicates;
        Counts {
            read: summary.records + summary.not_records,
            rejected: summary.not_records + skipped as usize,
            kept: Some(in_cells as usize),
        }
    })
}

/// A digest as CloudTrail writes one, for verifying with keys the fuzzer makes.
const DIGEST: &[u8] = br#"{"awsAccountId":"123456789012","digestStartTime":"2026-08-31T23:39:57Z",
"digestEndTime":"2026-09-01T00:39:57Z","digestS3Bucket":"b","digestS3Object":"AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/09/01/123456789012_CloudTrail-Digest_us-east-1_t_us-east-1_20260901T003957Z.json.gz",
"digestPublicKeyFingerprint":"493a86d574b5fd50c2332bc6f592134d","digestSignatureAlgorithm":"SHA256withRSA","logFiles":[]}"#;

/// The digest parser and the list-public-keys parser on the same bytes. A parsed digest gets its
/// signing string and a signature check (algorithm, hex); every parsed key verifies a fixed digest,
/// so RSA key decoding runs on untrusted DER.
pub fn cloudtrail_digest(data: &[u8]) {
    let zeros = "0".repeat(64);
    if let Ok(digest) = cloudtrail_digest::parse("d.json", data) {
        let _ = cloudtrail_digest::signing_string(&digest, &zeros);
        let no_key = cloudtrail_digest::PublicKey {
            fingerprint: String::new(),
            der: Vec::new(),
            valid_from: None,
            valid_to: None,
        };
        let _ = cloudtrail_digest::verify_signature(&digest, &zeros, "00ff", &no_key);
    }
    if let Ok(keys) = cloudtrail_digest::parse_public_keys("list-public-keys.json", data)
        && let Ok(digest) = cloudtrail_digest::parse("d.json", DIGEST)
    {
        for key in &keys {
            let _ = cloudtrail_digest::verify_signature(&digest, &zeros, "00ff", key);
        }
    }
}

/// The credential report as CSV and as get-credential-report JSON; one `Counts` per parse that
/// succeeded. Every row read is kept or rejected (duplicates are rejected).
pub fn credential_report(data: &[u8]) -> Vec<Counts> {
    let sha = "0".repeat(64);
    [
        credential_report::parse_csv("123456789012_credential_report.csv", &sha, data),
        credential_report::parse_json("get-credential-report.json", &sha, data),
    ]
    .into_iter()
    .flatten()
    .map(|r| Counts { read: r.records_read, rejected: r.records_rejected, kept: Some(r.rows.len()) })
    .collect()
}

/// Sign-in sniffing, then every layout (portal CSV, Graph JSON, NDJSON) on the same bytes.
pub fn entra_signins(data: &[u8]) -> Vec<Counts> {
    let _ = signins::sniff(data);
    [SignInLayout::PortalCsv, SignInLayout::GraphJson, SignInLayout::Ndjson]
        .into_iter()
        .filter_map(|layout| signins::parse("InteractiveSignIns_2026-09-01_2026-09-30.csv", data, layout).ok())
        .map(|f| Counts { read: f.records_read, rejected: f.records_rejected, kept: Some(f.sign_ins.len()) })
        .collect()
}

/// Directory sniffing, then every directory kind (users, registration, CA, apps, roles) on the bytes.
pub fn entra_directory(data: &[u8]) -> Vec<Counts> {
    let _ = directory::sniff(data);
    DirectoryKind::ALL
        .into_iter()
        .filter_map(|kind| directory::parse("users.json", data, kind).ok())
        .map(|f| {
            // Roles gather assignments by role and CA keeps policies only, so only users and
            // registrations keep one record per record read.
            let kept = match &f.export {
                EntraExport::Users(v) => Some(v.len()),
                EntraExport::Registrations(v) => Some(v.len()),
                _ => None,
            };
            Counts { read: f.records_read, rejected: f.records_rejected, kept }
        })
        .collect()
}

/// An AWS CLI posture export: parsed, then placed in its account and resource as intake does.
pub fn aws_posture(data: &[u8]) -> Option<Counts> {
    let path = "123456789012/us-east-1/s3api-get-bucket-policy-examplebucket.json";
    let parsed = posture::parse(path, data).ok()?;
    let counts = Counts { read: parsed.records_read, rejected: parsed.records_rejected, kept: None };
    let error = match &parsed.export {
        posture::PostureExport::Error(error) => Some(error.clone()),
        _ => None,
    };
    let subject = posture::resource_from_path(path, parsed.kind, error.as_ref());
    let account_level = posture::is_account_level(path);
    let _ = crate::facts::posture::PostureFile::new(
        path.to_string(),
        "0".repeat(64),
        parsed.kind,
        parsed.export,
        subject,
        account_level,
    );
    Some(counts)
}

/// Trail configuration: describe-trails, get-trail-status, get-event-selectors, describe-regions.
pub fn trail_config(data: &[u8]) {
    if let Ok(config) = trail_config::parse("123456789012/cloudtrail-describe-trails.json", data) {
        let _ = config.diagnostics();
    }
}

/// Every target over its seeds (`fuzz/seeds/<target>/`), the inputs the fuzzer once crashed on
/// (`fuzz/regressions/<target>/`), every other target's seeds, and a few hundred deterministic
/// mutations of each: the fuzz targets' checks on stable, in a debug build, in seconds.
/// What the whole analysis of one fuzzed file made of it, as far as the invariants need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Inputs the run accounted for (the file and every archive member in it).
    pub inputs: usize,
    /// Inputs neither used nor given a reason: must stay 0.
    pub unexplained: usize,
    /// Days the CloudTrail observation period spans, when the evidence gave one.
    pub period_days: Option<i64>,
    /// Rows coverage.csv would have.
    pub coverage_rows: usize,
    pub results: usize,
    /// Controls the observation period judged.
    pub period_controls: usize,
    /// What the observation period breaks of its invariants, if anything.
    pub period_broken: Option<String>,
}

/// The longest period untrusted evidence may stretch coverage to: the longest `--period` the CLI
/// accepts. A longer one means a planted date sized the grid (issue 15, item 1).
pub const MAX_PERIOD_DAYS: i64 = 3660;

/// The whole pipeline on one file, as `analyze` runs it up to the outputs: discovery, intake,
/// facts, every check, results and the coverage grid (not the PDF, to keep runs fast). The file
/// is written under a CloudTrail-looking path in a per-process scratch folder, so log files get
/// their account and region as from a real archive.
pub fn analyze(data: &[u8]) -> Result<Analysis, String> {
    use crate::evidence::intake::read_evidence;
    use crate::evidence::kinds::RecordScope;

    // Per process and thread: the property tests run beside each other in one process.
    let thread = format!("{:?}", std::thread::current().id()).replace(|c: char| !c.is_ascii_digit(), "");
    let root = std::env::temp_dir().join(format!("gapscope-fuzz-analyze-{}-{thread}", std::process::id()));
    let folder = root.join("AWSLogs/123456789012/CloudTrail/us-east-1/2026/09/01");
    std::fs::create_dir_all(&folder).map_err(|e| format!("scratch folder: {e}"))?;
    let file = folder.join("123456789012_CloudTrail_us-east-1_20260901T0000Z_fuzz.json.gz");
    std::fs::write(&file, data).map_err(|e| format!("scratch file: {e}"))?;

    let config = crate::config::Config::default();
    let intake = read_evidence(std::slice::from_ref(&root), &config.limits, 1, RecordScope::default(), &|_| {})
        .map_err(|e| format!("discovery refused the scratch folder: {e}"))?;
    let accounted = crate::app::account_for(intake, None, None);
    let facts = &accounted.assembly.facts;
    let run_as_of = facts.as_of();
    // The period analysis as `analyze` runs it: older snapshots apart, the as-of run observed.
    let mut tracker =
        crate::period::observe::observe_older(&accounted.older, &accounted.filing, run_as_of, &config.thresholds, 1);
    let outcomes = crate::checks::evaluate_all(facts, &config.thresholds).inspect(|outcome| {
        if crate::checks::is_snapshot_rule(outcome.check) {
            tracker.observe(outcome, &accounted.filing, run_as_of);
        }
    });
    let catalog = crate::catalog::Catalog::embedded().map_err(|e| e.to_string())?;
    let as_of = run_as_of.map(|t| t.date_naive());
    let (results, _) = crate::results::build(outcomes, &catalog, &[], as_of).map_err(|e| e.to_string())?;
    let cx = crate::period::assemble::Context {
        given: None,
        cloudtrail_period: facts.cloudtrail.period.map(|p| (p.from, p.to)),
        cadence_days: config.period.cadence_days,
        run_as_of,
        records: &facts.cloudtrail.aggregate,
        changes: &facts.cloudtrail.aggregate.changes,
    };
    let period = crate::period::assemble::assemble(tracker, &accounted.filing, &cx, &mut Vec::new());
    let period_broken = period.as_ref().and_then(|p| p.invariants().err());
    let cloudtrail = &facts.cloudtrail;
    let coverage_rows = match &cloudtrail.period {
        Some(period) => {
            crate::facts::cloudtrail::coverage::grid(&cloudtrail.aggregate, period, &cloudtrail.coverage).len()
        }
        None => 0,
    };
    Ok(Analysis {
        inputs: accounted.entries.len(),
        unexplained: accounted.entries.iter().filter(|e| !e.used && e.reason.is_none()).count(),
        period_days: cloudtrail.period.map(|p| p.days()),
        coverage_rows,
        results: results.len(),
        period_controls: period.as_ref().map_or(0, |p| p.controls.len()),
        period_broken,
    })
}

impl Analysis {
    /// What every run promises whatever the input: every input explained, the period (and so the
    /// grid) not stretched past what any real evidence could need.
    pub fn check(&self) -> Result<(), String> {
        if self.inputs == 0 {
            return Err("the file itself was not accounted for".into());
        }
        if self.unexplained > 0 {
            return Err(format!("{} input(s) neither used nor given a reason", self.unexplained));
        }
        if let Some(days) = self.period_days.filter(|d| *d > MAX_PERIOD_DAYS) {
            return Err(format!("a period of {days} days, longer than any evidence can justify"));
        }
        if let Some(broken) = &self.period_broken {
            return Err(format!("the observation period: {broken}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::path::Path;

    /// Mutations per seed file: a few hundred each keeps the whole module under ~20 s in a debug build.
    const MUTATIONS: usize = 300;

    const TARGETS: [&str; 11] = [
        "analyze",
        "verify",
        "recognise",
        "discover",
        "cloudtrail_log",
        "cloudtrail_digest",
        "credential_report",
        "entra_signins",
        "entra_directory",
        "aws_posture",
        "trail_config",
    ];

    /// SplitMix64: tiny, and the same mutations on every machine and run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Bytes the formats give meaning to: structure, quoting, line ends, a BOM, magic numbers.
    const TOKENS: [&[u8]; 16] = [
        b"\"",
        b",",
        b"\n",
        b"\r\n",
        b"{",
        b"}",
        b"[",
        b"]",
        b":",
        b"\\",
        b"\xEF\xBB\xBF",
        b"\xFF",
        b"\0",
        b"PK\x03\x04",
        b"\x1f\x8b",
        b"99999999999999999999",
    ];

    fn mutate(rng: &mut Rng, data: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
        let mut out = data.to_vec();
        let at = |rng: &mut Rng, len: usize| rng.below(len + 1);
        match rng.below(7) {
            0 => {
                for _ in 0..=rng.below(4) {
                    if !out.is_empty() {
                        let i = rng.below(out.len());
                        out[i] ^= 1 << rng.below(8);
                    }
                }
            }
            1 => out.truncate(at(rng, data.len())),
            2 => {
                let other = &others[rng.below(others.len())];
                let (cut, from) = (at(rng, out.len()), at(rng, other.len()));
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            3 => {
                let start = at(rng, out.len());
                let end = (start + 1 + rng.below(64)).min(out.len());
                let piece = out[start..end].to_vec();
                for _ in 0..=rng.below(16) {
                    out.splice(start..start, piece.iter().copied());
                }
            }
            4 => {
                let i = at(rng, out.len());
                out.splice(i..i, TOKENS[rng.below(TOKENS.len())].iter().copied());
            }
            5 => {
                let start = at(rng, out.len());
                let end = (start + rng.below(256)).min(out.len());
                out.drain(start..end);
            }
            _ => {
                if !out.is_empty() {
                    let i = rng.below(out.len());
                    let token = TOKENS[rng.below(TOKENS.len())];
                    let end = (i + token.len()).min(out.len());
                    out.splice(i..end, token.iter().copied());
                }
            }
        }
        out
    }

    fn files_in(dir: &Path) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
        paths.sort();
        paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
    }

    fn fuzz_dir() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz"))
    }

    /// Runs `check` on every input for `target`; a panic or an `Err` names the input that caused it.
    fn run(target: &str, check: impl Fn(&[u8]) -> Result<(), String>) {
        let own = files_in(&fuzz_dir().join("seeds").join(target));
        assert!(!own.is_empty(), "no seeds for {target}");
        let mut inputs: Vec<Vec<u8>> = files_in(&fuzz_dir().join("regressions").join(target));
        for other in TARGETS {
            inputs.extend(files_in(&fuzz_dir().join("seeds").join(other)));
        }
        let mut rng = Rng(0x6761_7073_636F_7065 ^ target.len() as u64);
        for seed in &own {
            for _ in 0..MUTATIONS {
                inputs.push(mutate(&mut rng, seed, &own));
            }
        }
        for (i, input) in inputs.iter().enumerate() {
            let outcome = catch_unwind(AssertUnwindSafe(|| check(input)));
            let failure = match outcome {
                Ok(Ok(())) => continue,
                Ok(Err(e)) => e,
                Err(_) => "panicked".to_string(),
            };
            let shown = String::from_utf8_lossy(&input[..input.len().min(300)]);
            panic!("{target}: input {i} ({} bytes): {failure}\n{shown:?}", input.len());
        }
    }

    fn all(counts: impl IntoIterator<Item = Counts>) -> Result<(), String> {
        counts.into_iter().try_for_each(|c| c.check())
    }

    #[test]
    fn a_whole_run_accounts_for_every_input_and_keeps_the_period_sane() {
        run("analyze", |data| analyze(data)?.check());
    }

    /// The seed of monthly snapshots in a zip reaches the period analysis, so its invariants are
    /// checked over real controls, not an empty period.
    #[test]
    fn the_snapshot_seed_is_judged_over_the_period() {
        let seed = std::fs::read(fuzz_dir().join("seeds/analyze/period-snapshots.zip")).unwrap();
        let analysis = analyze(&seed).unwrap();
        analysis.check().unwrap();
        assert!(analysis.period_controls > 5, "{analysis:?}");
    }

    #[test]
    fn verifying_any_bytes_never_panics() {
        run("verify", |data| {
            let _ = crate::signing::verify(data);
            Ok(())
        });
    }

    #[test]
    fn recognised_kinds_do_not_change_with_a_trailing_newline() {
        run("recognise", |data| {
            let Some(kind) = recognise(data) else { return Ok(()) };
            let again = recognise(&[data, b"\n"].concat());
            if again.as_deref() == Some(kind.as_str()) { Ok(()) } else { Err(format!("{kind} became {again:?}")) }
        });
    }

    #[test]
    fn discovery_keeps_every_input_inside_the_file_it_walked() {
        run("discover", |data| check_discovered(data, &discover(data)));
    }

    #[test]
    fn cloudtrail_records_are_counted_or_skipped_once_each() {
        run("cloudtrail_log", |data| all(cloudtrail_log(data)));
    }

    #[test]
    fn cloudtrail_digests_and_keys_never_panic() {
        run("cloudtrail_digest", |data| {
            cloudtrail_digest(data);
            Ok(())
        });
    }

    #[test]
    fn credential_report_rows_are_kept_or_rejected() {
        run("credential_report", |data| all(credential_report(data)));
    }

    #[test]
    fn sign_ins_are_kept_or_rejected() {
        run("entra_signins", |data| all(entra_signins(data)));
    }

    #[test]
    fn directory_records_rejected_never_exceed_those_read() {
        run("entra_directory", |data| all(entra_directory(data)));
    }

    #[test]
    fn posture_records_rejected_never_exceed_those_read() {
        run("aws_posture", |data| all(aws_posture(data)));
    }

    #[test]
    fn trail_configuration_never_panics() {
        run("trail_config", |data| {
            trail_config(data);
            Ok(())
        });
    }
}
