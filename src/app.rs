//! One function per subcommand, wiring the stages: read evidence → assemble facts → run checks →
//! build results → write outputs. Raw flags become validated settings here, once.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::catalog::{Catalog, Severity};
use crate::checks::{Status, evaluate_all};
use crate::cli::{AnalyzeArgs, ChecksArgs, Cli, Command, EvidenceArgs, Format, InventoryArgs};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::escape::terminal;
use crate::evidence::intake::{Intake, ManifestEntry, read_evidence};
use crate::evidence::kinds::RecordScope;
use crate::facts::cloudtrail::aggregate::Aggregate;
use crate::facts::cloudtrail::coverage::{self, ObservationPeriod};
use crate::facts::{Assembly, Facts};
use crate::period::observe::{self, Filing, Split, Used};
use crate::period::{PeriodFindings, assemble};
use crate::report::compose::{ReportInput, SignerInfo};
use crate::report::findings::{ActivityOut, CoverageOut, Findings, Inputs, Period as PeriodOut, PeriodBlock, Unused};
use crate::report::inventory::Artifact;
use crate::report::output_dir::OutputDir;
use crate::report::publish;
use crate::report::template::ReportTemplate;
use crate::report::{manifest::Manifest, register};
use crate::results::{self, CheckResult};
use crate::signing::Signer;
use crate::timefmt::{Instant, Period, format_instant, parse_as_of};

const GENERATED_BY: &str = concat!("gapscope ", env!("CARGO_PKG_VERSION"));

/// Runs a parsed command line and returns the exit code (errors exit 2 in `main`).
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Analyze(args) => analyze(*args, cli.quiet),
        Command::Inventory(args) => inventory(args, cli.quiet),
        Command::Checks(args) => checks(args),
        Command::Verify(args) => crate::attest::verify(&args),
        Command::Keygen(args) => crate::attest::keygen(&args),
        Command::Collect(args) => crate::collect::run(&args, cli.quiet),
    }
}

fn load_config(path: Option<&Path>) -> Result<Config> {
    match path {
        Some(path) => Ok(Config::load(path)?),
        None => Ok(Config::default()),
    }
}

/// The configuration evidence is read with: `--follow-outside-links` turns the `[limits]` setting on.
fn load_evidence_config(input: &EvidenceArgs) -> Result<Config> {
    let mut config = load_config(input.config.as_deref())?;
    config.limits.follow_outside_links |= input.follow_outside_links;
    Ok(config)
}

/// Evidence read and accounted for: every input's manifest entry, the facts, and what to tell.
pub(crate) struct Accounted {
    pub entries: Vec<ManifestEntry>,
    pub diagnostics: Vec<Diagnostic>,
    /// The as-of facts: the newest snapshot of each series, undated evidence, every CloudTrail log.
    pub assembly: Assembly,
    /// The facts of each older snapshot, oldest first (the period analysis evaluates them).
    pub older: Vec<(Instant, Facts)>,
    /// Every snapshot input's series and date.
    pub filing: Filing,
    pub artifacts: Vec<Artifact>,
}

fn read_and_account(
    input: &EvidenceArgs,
    config: &Config,
    as_of_override: Option<Instant>,
    period: Option<ObservationPeriod>,
    quiet: bool,
) -> Result<Accounted> {
    // Validated at parsing (`cli::parse_jobs`): 1 to `cli::MAX_JOBS`.
    let jobs = input.jobs.unwrap_or_else(crate::cli::default_jobs);
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos} inputs read, {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    };
    let bytes = std::sync::atomic::AtomicU64::new(0);
    let progress = |entry: &ManifestEntry| {
        let total = bytes.fetch_add(entry.size, std::sync::atomic::Ordering::Relaxed) + entry.size;
        bar.inc(1);
        bar.set_message(crate::evidence::discover::human_bytes(total));
    };
    let scope = RecordScope {
        period: period.map(|p| {
            let day = crate::facts::cloudtrail::aggregate::date_to_day;
            (day(p.from), day(p.to))
        }),
    };
    let intake = read_evidence(&input.evidence, &config.limits, jobs, scope, &progress)?;
    bar.finish_and_clear();
    Ok(account_for(intake, as_of_override, period))
}

pub(crate) fn account_for(
    intake: Intake,
    as_of_override: Option<Instant>,
    period: Option<ObservationPeriod>,
) -> Accounted {
    let Intake { processed, cloudtrail } = intake;
    let mut entries = Vec::with_capacity(processed.len());
    let mut diagnostics = Vec::new();
    let mut artifacts = Vec::new();
    let mut used = Vec::new();
    for item in processed {
        diagnostics.extend(item.diagnostics);
        if let Some((evidence, placement)) = item.used {
            let account = placement.account.clone();
            artifacts.push(Artifact::placed(&item.entry, placement));
            used.push(Used { path: item.entry.path.clone(), label: item.entry.kind.clone(), account, evidence });
        }
        entries.push(item.entry);
    }
    let Split { current, older, filing } = observe::split(used, as_of_override);
    let assembly = current.build(cloudtrail, as_of_override, period);
    let mut superseded_older = Vec::new();
    // An older snapshot is of its own date, whatever --as-of says of the newest.
    let built: Vec<(Instant, Assembly)> = {
        use rayon::prelude::*;
        let older: Vec<(Instant, crate::facts::Collected)> = older.into_iter().collect();
        older
            .into_par_iter()
            .map(|(at, collected)| (at, collected.build(Aggregate::default(), Some(at), None)))
            .collect()
    };
    let older: Vec<(Instant, Facts)> = built
        .into_iter()
        .map(|(at, built)| {
            superseded_older.extend(built.superseded);
            for assessed in &built.facts.credential_reports {
                diagnostics.extend(assessed.report.diagnostics.iter().cloned());
            }
            (at, built.facts)
        })
        .collect();
    let superseded: BTreeMap<&str, &str> =
        assembly.superseded.iter().chain(&superseded_older).map(|s| (s.file.as_str(), s.reason.as_str())).collect();
    for entry in &mut entries {
        if let Some(reason) = superseded.get(entry.path.as_str()) {
            entry.used = false;
            entry.reason = Some(reason.to_string());
        }
    }
    for assessed in &assembly.facts.credential_reports {
        diagnostics.extend(assessed.report.diagnostics.iter().cloned());
    }
    diagnostics.sort();
    Accounted { entries, diagnostics, assembly, older, filing, artifacts }
}

fn unused_of(entries: &[ManifestEntry]) -> Vec<Unused> {
    entries
        .iter()
        .filter(|e| !e.used)
        .map(|e| Unused { file: e.path.clone(), reason: e.reason.clone().unwrap_or_else(|| "not used".into()) })
        .collect()
}

/// `analyze`'s flags and configuration, validated once before any evidence is read: key and template
/// problems are found at once, not after an hour of reading.
struct AnalyzeSettings {
    config: Config,
    as_of_override: Option<Instant>,
    period: Option<Period>,
    fail_on: Option<Severity>,
    formats: Vec<Format>,
    engagement: Option<String>,
    catalog: Catalog,
    template: ReportTemplate,
    signer: Option<Signer>,
    source_date_epoch: Option<Instant>,
}

impl AnalyzeSettings {
    fn from_args(args: &AnalyzeArgs) -> Result<AnalyzeSettings> {
        let config = load_evidence_config(&args.input)?;
        let as_of_override = args.as_of.as_deref().map(parse_as_of).transpose().map_err(|e| anyhow!("--as-of: {e}"))?;
        let period = args.period.as_deref().map(Period::parse).transpose().map_err(|e| anyhow!("--period: {e}"))?;
        let fail_on: Option<Severity> =
            args.fail_on.as_deref().map(str::parse).transpose().map_err(|e| anyhow!("--fail-on: {e}"))?;
        let formats = args.format.clone().unwrap_or_else(|| vec![Format::Pdf, Format::Json, Format::Csv]);
        let engagement = args.engagement.clone().or_else(|| config.engagement.clone());
        let catalog = Catalog::embedded()?;
        let template = match &args.templates {
            Some(dir) => ReportTemplate::from_dir(dir)?,
            None => ReportTemplate::embedded()?,
        };
        let signer = match (&args.sign_key, &args.sign_cert) {
            (Some(key), Some(cert)) => Some(
                Signer::from_pem_files(key, cert, &args.sign_chain, args.allow_readable_key)
                    .context("cannot sign the report")?,
            ),
            _ => None,
        };
        if signer.is_some() && !formats.contains(&Format::Pdf) {
            bail!("--sign-key signs report.pdf, but --format does not ask for pdf");
        }
        let source_date_epoch = crate::timefmt::source_date_epoch().map_err(|e| anyhow!(e))?;
        Ok(AnalyzeSettings {
            config,
            as_of_override,
            period,
            fail_on,
            formats,
            engagement,
            catalog,
            template,
            signer,
            source_date_epoch,
        })
    }
}

fn analyze(args: AnalyzeArgs, quiet: bool) -> Result<u8> {
    let settings = AnalyzeSettings::from_args(&args)?;
    run_analysis(&args, &settings, quiet)
}

/// The run: read and account for the evidence, evaluate, write the outputs.
fn run_analysis(args: &AnalyzeArgs, settings: &AnalyzeSettings, quiet: bool) -> Result<u8> {
    let s = settings;
    let observation = s.period.map(|p| ObservationPeriod { from: p.from, to: p.to, given: true });
    // Taken before the evidence is read: a second run into the folder is refused now, not in an hour.
    let out_dir = OutputDir::lock(&args.out)?;
    let accounted = read_and_account(&args.input, &s.config, s.as_of_override, observation, quiet)?;
    let facts = &accounted.assembly.facts;
    let run_as_of = s.as_of_override.or_else(|| facts.as_of());
    let mut notes = accounted.assembly.notes.clone();
    if facts.credential_reports.is_empty() {
        notes.push("no IAM credential report was found in the evidence: no credential check was evaluated".into());
    }
    for (i, exception) in s.config.exceptions.iter().enumerate() {
        if s.catalog.get(&exception.check).is_none() {
            notes.push(format!(
                "[[exceptions]] #{} names check {}, which this version does not evaluate",
                i + 1,
                exception.check
            ));
        }
    }

    let thresholds = &s.config.thresholds;
    let jobs = args.input.jobs.unwrap_or_else(crate::cli::default_jobs);
    let mut tracker = (!args.no_period)
        .then(|| observe::observe_older(&accounted.older, &accounted.filing, run_as_of, thresholds, jobs));
    let outcomes = evaluate_all(facts, thresholds).inspect(|outcome| {
        if let Some(tracker) = tracker.as_mut()
            && crate::checks::is_snapshot_rule(outcome.check)
        {
            tracker.observe(outcome, &accounted.filing, run_as_of);
        }
    });
    let (results, exception_uses) =
        results::build(outcomes, &s.catalog, &s.config.exceptions, run_as_of.map(|t| t.date_naive()))?;
    let period_findings: Option<PeriodFindings> = tracker.and_then(|tracker| {
        let cloudtrail_period = facts.cloudtrail.period.map(|p| (p.from, p.to));
        let cx = assemble::Context {
            given: s.period.map(|p| (p.from, p.to)),
            cloudtrail_period,
            cadence_days: s.config.period.cadence_days,
            run_as_of,
            records: &facts.cloudtrail.aggregate,
            changes: &facts.cloudtrail.aggregate.changes,
        };
        assemble::assemble(tracker, &accounted.filing, &cx, &mut notes)
    });
    let changes = &facts.cloudtrail.aggregate.changes;
    if period_findings.is_some() && changes.dropped > 0 {
        notes.push(format!(
            "CloudTrail: {} change events past the first {} were not kept, so the period's violations after them are dated by the snapshots only",
            changes.dropped,
            changes.len()
        ));
    }
    for exception in exception_uses.iter().filter(|u| u.state == "expired") {
        notes.push(format!(
            "exception for {} on {} expired on {}: {} of the {} failing result(s) it matches are open again",
            exception.check, exception.resource, exception.expires, exception.reopened, exception.matches
        ));
    }

    let unused = unused_of(&accounted.entries);
    let activity = ActivityOut::from_aggregate(&facts.cloudtrail.aggregate);
    let mut findings = Findings {
        schema: crate::report::findings::SCHEMA,
        generated_by: GENERATED_BY.into(),
        engagement: s.engagement.as_deref(),
        as_of: run_as_of.map(format_instant),
        period: match &period_findings {
            Some(judged) => Some(PeriodBlock::Judged(judged)),
            None => facts
                .cloudtrail
                .period
                .map(|p| PeriodBlock::Days(PeriodOut { from: p.from.to_string(), to: p.to.to_string() })),
        },
        results: &results,
        activity: &activity,
        coverage: facts
            .cloudtrail
            .coverage
            .iter()
            .map(CoverageOut::CloudTrail)
            .chain(facts.entra.coverage.iter().map(CoverageOut::EntraSignIns))
            .collect(),
        exceptions: &exception_uses,
        notes: &notes,
        inputs: Inputs {
            files: accounted.entries.len(),
            used: accounted.entries.len() - unused.len(),
            unused,
            diagnostics: &accounted.diagnostics,
        },
    }
    .to_json()?;
    let mut manifest = Manifest {
        schema: crate::report::manifest::SCHEMA,
        generated_by: GENERATED_BY.into(),
        limits: &s.config.limits,
        files: &accounted.entries,
    }
    .to_json()?;
    let cloudtrail = &facts.cloudtrail;
    let grid = match &cloudtrail.period {
        Some(period) => coverage::grid(&cloudtrail.aggregate, period, &cloudtrail.coverage),
        None => Vec::new(),
    };
    // Every output is rendered before the first is written; the PDF embeds these same bytes.
    let csv = if s.formats.contains(&Format::Csv) {
        let timeline = period_findings.as_ref().map(crate::report::timeline::render).transpose()?;
        Some((
            register::render(&results, &s.catalog, period_findings.as_ref())?,
            coverage::render_csv(&grid)?,
            timeline,
        ))
    } else {
        None
    };
    let mut pdf = None;
    if s.formats.contains(&Format::Pdf) {
        let (manifest_sha256, findings_sha256) = (sha256_hex(&manifest), sha256_hex(&findings));
        // The PDF's dates: SOURCE_DATE_EPOCH when a build system sets it, else the evidence's as-of.
        let created = s.source_date_epoch.or(run_as_of).unwrap_or_default();
        let input = ReportInput {
            template: &s.template,
            catalog: &s.catalog,
            thresholds: &s.config.thresholds,
            engagement: s.engagement.as_deref(),
            generated_by: GENERATED_BY,
            as_of: run_as_of,
            period: facts.cloudtrail.period,
            period_findings: period_findings.as_ref(),
            facts,
            results: &results,
            exceptions: &exception_uses,
            notes: &notes,
            artifacts: &accounted.artifacts,
            entries: &accounted.entries,
            diagnostics: &accounted.diagnostics,
            coverage_grid: &grid,
            activity: &activity,
            manifest_sha256: &manifest_sha256,
            findings_sha256: &findings_sha256,
            signer: s
                .signer
                .as_ref()
                .map(|s| SignerInfo { subject: s.subject(), fingerprint_sha256: s.fingerprint_sha256() }),
            created,
            list_rows: crate::report::compose::LIST_ROWS,
        };
        let built = publish::build(&input, findings, manifest, s.signer.as_ref())?;
        (findings, manifest) = (built.findings, built.manifest);
        pdf = Some(built.pdf);
    }
    let mut outputs: Vec<(&'static str, &[u8])> = Vec::new();
    if s.formats.contains(&Format::Json) {
        outputs.push(("findings.json", &findings));
    }
    if let Some((register, coverage, timeline)) = &csv {
        outputs.push(("gap-register.csv", register));
        outputs.push(("coverage.csv", coverage));
        if let Some(timeline) = timeline {
            outputs.push(("timeline.csv", timeline));
        }
    }
    outputs.push(("manifest.json", &manifest));
    if let Some(pdf) = &pdf {
        outputs.push(("report.pdf", pdf));
    }
    let published = out_dir.publish(&outputs)?;
    drop(out_dir);
    if pdf.is_some() && s.signer.is_none() && !quiet {
        eprintln!("gapscope: note: report.pdf is UNSIGNED (give --sign-key and --sign-cert to sign it)");
    }
    if !published.removed.is_empty() && !quiet {
        eprintln!(
            "gapscope: note: removed {} of an earlier run from {}: this run does not write {}",
            published.removed.join(", "),
            terminal(&args.out.display().to_string()),
            if published.removed.len() == 1 { "it" } else { "them" }
        );
    }

    if !quiet {
        for note in notes.iter().take(5) {
            eprintln!("gapscope: note: {}", terminal(note));
        }
        if notes.len() > 5 {
            eprintln!("gapscope: note: … and {} more notes in findings.json", notes.len() - 5);
        }
    }
    eprintln!("{}", summary_line(&results, &accounted.entries, &published.written));
    let failing_at = |threshold: Severity| results.iter().any(|r| r.status == Status::Fail && r.severity <= threshold);
    Ok(if s.fail_on.is_some_and(failing_at) { 1 } else { 0 })
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `gapscope: 52 results: 18 failed (2 critical, 5 high, 11 medium), 31 passed, 1 excepted, 2 unknown; 6 inputs: 3 used, 3 not used; wrote …`
fn summary_line(results: &[CheckResult], entries: &[ManifestEntry], written: &[PathBuf]) -> String {
    let count = |status: Status| results.iter().filter(|r| r.status == status).count();
    let failed: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|sev| {
            let n = results.iter().filter(|r| r.status == Status::Fail && r.severity == *sev).count();
            (n > 0).then(|| format!("{n} {sev}"))
        })
        .collect();
    let failed_text = if failed.is_empty() { String::new() } else { format!(" ({})", failed.join(", ")) };
    let used = entries.iter().filter(|e| e.used).count();
    let files: Vec<String> = written.iter().map(|p| terminal(&p.display().to_string()).into_owned()).collect();
    format!(
        "gapscope: {} results: {} failed{failed_text}, {} passed, {} excepted, {} unknown; {} inputs: {used} used, {} not used; wrote {}",
        results.len(),
        count(Status::Fail),
        count(Status::Pass),
        count(Status::Excepted),
        count(Status::Unknown),
        entries.len(),
        entries.len() - used,
        files.join(", ")
    )
}

fn inventory(args: InventoryArgs, quiet: bool) -> Result<u8> {
    let config = load_evidence_config(&args.input)?;
    let accounted = read_and_account(&args.input, &config, None, None, quiet)?;
    let unused = unused_of(&accounted.entries);
    let snapshots = accounted.filing.snapshots(accounted.assembly.facts.as_of());
    let mut out = std::io::stdout().lock();
    if args.json {
        #[derive(Serialize)]
        struct InventoryJson<'a> {
            artifacts: &'a [Artifact],
            snapshots: &'a [crate::period::SnapshotOut],
            unused: &'a [Unused],
            notes: &'a [String],
            diagnostics: &'a [Diagnostic],
        }
        let doc = InventoryJson {
            artifacts: &accounted.artifacts,
            snapshots: &snapshots,
            unused: &unused,
            notes: &accounted.assembly.notes,
            diagnostics: &accounted.diagnostics,
        };
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(0);
    }
    writeln!(out, "Recognised evidence ({}):", accounted.artifacts.len())?;
    let rows: Vec<[String; 5]> = accounted
        .artifacts
        .iter()
        .map(|a| {
            [
                a.kind.clone(),
                a.account.as_deref().map_or_else(|| "-".into(), shown),
                a.as_of.as_deref().map_or_else(|| "-".into(), shown),
                a.records.to_string(),
                shown(&a.path),
            ]
        })
        .collect();
    write_table(&mut out, ["KIND", "ACCOUNT", "AS-OF", "RECORDS", "PATH"], &rows)?;
    writeln!(out)?;
    writeln!(out, "Snapshots ({}): each account's exports of one kind and date", snapshots.len())?;
    let rows: Vec<[String; 5]> = snapshots
        .iter()
        .map(|s| {
            [
                s.account.as_deref().map_or_else(|| "-".into(), shown),
                shown(&s.kind),
                format_instant(s.as_of),
                s.date_source.clone(),
                match s.files.as_slice() {
                    [one] => shown(one),
                    many => format!("{} files", many.len()),
                },
            ]
        })
        .collect();
    write_table(&mut out, ["ACCOUNT", "KIND", "DATE", "DATED BY", "FILES"], &rows)?;
    writeln!(out)?;
    writeln!(out, "Not used ({} of {} inputs):", unused.len(), accounted.entries.len())?;
    let rows: Vec<[String; 2]> = unused.iter().map(|u| [shown(&u.file), shown(&u.reason)]).collect();
    write_table(&mut out, ["PATH", "REASON"], &rows)?;
    if !accounted.diagnostics.is_empty() {
        writeln!(out)?;
        writeln!(out, "Problems found while reading ({}):", accounted.diagnostics.len())?;
        for d in &accounted.diagnostics {
            writeln!(
                out,
                "  {}{}: {}",
                terminal(&d.file),
                d.locator.as_deref().map(|l| format!(" ({})", terminal(l))).unwrap_or_default(),
                terminal(&d.message)
            )?;
        }
    }
    Ok(0)
}

fn checks(args: ChecksArgs) -> Result<u8> {
    let catalog = Catalog::embedded()?;
    let thresholds = crate::config::Thresholds::default();
    let mut out = std::io::stdout().lock();
    if args.json {
        let entries: Vec<_> = catalog
            .checks
            .iter()
            .map(|c| crate::catalog::CheckInfo { rule: c.rule_with(&thresholds), ..c.clone() })
            .collect();
        serde_json::to_writer_pretty(&mut out, &entries)?;
        writeln!(out)?;
        return Ok(0);
    }
    let rows: Vec<[String; 5]> = catalog
        .checks
        .iter()
        .map(|c| {
            let dash = |v: &[String]| if v.is_empty() { "-".to_string() } else { v.join(" ") };
            [c.id.clone(), c.severity.to_string(), dash(&c.soc2), dash(&c.cis_aws), c.title.clone()]
        })
        .collect();
    write_table(&mut out, ["ID", "SEVERITY", "SOC 2", "CIS AWS", "TITLE"], &rows)?;
    writeln!(out)?;
    for c in &catalog.checks {
        writeln!(out, "{}: {}", c.id, c.rule_with(&thresholds).split_whitespace().collect::<Vec<_>>().join(" "))?;
    }
    Ok(0)
}

/// Evidence text for a table cell of the text output: escaped as for a terminal (`escape::terminal`);
/// `--json` keeps the exact text.
fn shown(text: &str) -> String {
    terminal(text).into_owned()
}

fn write_table<const N: usize>(out: &mut impl Write, header: [&str; N], rows: &[[String; N]]) -> std::io::Result<()> {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "  {}", line(header.to_vec()))?;
    for row in rows {
        writeln!(out, "  {}", line(row.iter().map(String::as_str).collect()))?;
    }
    if rows.is_empty() {
        writeln!(out, "  (none)")?;
    }
    Ok(())
}
