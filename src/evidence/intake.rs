//! Reads every input under the evidence roots: discovery streams inputs to a pool of workers that
//! recognise and parse them in parallel; the results come back sorted by path, so nothing depends
//! on thread count or scheduling. Every input ends up either used or with a reason it was not.

use std::sync::mpsc;

use rayon::iter::{ParallelBridge, ParallelIterator};
use serde::Serialize;

use sha2::{Digest, Sha256};

use crate::config::Limits;
use crate::diagnostic::Diagnostic;
use crate::evidence::{DiscoverError, Input, Recognised, discover, recognise};
use crate::facts::cloudtrail::aggregate::{Aggregate, Dedupe, FileContext, Tally};
use crate::facts::cloudtrail::facts::LogFile;
use crate::facts::cloudtrail::integrity::DigestSeen;
use crate::facts::cloudtrail::trails::ConfigFile;
use crate::formats::aws::cloudtrail_digest::{self, PublicKey};
use crate::formats::aws::cloudtrail_log::{self, Shape};
use crate::formats::aws::credential_report::{self, CredentialReport};
use crate::formats::aws::trail_config::{self, TrailConfig};

pub const KIND_CREDENTIAL_REPORT_CSV: &str = "aws.iam.credential_report (csv)";
pub const KIND_CREDENTIAL_REPORT_JSON: &str = "aws.iam.credential_report (json)";
pub const KIND_CLOUDTRAIL_LOG: &str = "aws.cloudtrail.log";
pub const KIND_CLOUDTRAIL_LOOKUP: &str = "aws.cloudtrail.lookup_events";
pub const KIND_ZIP: &str = "zip archive";
pub const KIND_UNRECOGNISED: &str = "unrecognised";
pub const KIND_UNREADABLE: &str = "unreadable";

/// One line of `manifest.json`: an input and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
    pub kind: String,
    /// Zip archives: how many members they hold (each listed as an entry of its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_members: Option<usize>,
    pub records_read: Option<usize>,
    pub records_rejected: Option<usize>,
    pub used: bool,
    /// Why the input was not used (or, for a used one, what was wrong with it).
    pub reason: Option<String>,
}

/// An input after recognition and parsing.
#[derive(Debug)]
pub struct Processed {
    pub entry: ManifestEntry,
    pub artifact: Option<Artifact>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a used input contributes to the facts. CloudTrail records are not kept: they went into
/// the run's [`Aggregate`] as they streamed; what stays is what integrity checking needs.
#[derive(Debug)]
pub enum Artifact {
    CredentialReport(CredentialReport),
    LogFile(LogFile),
    TrailConfig(ConfigFile),
    Digest(Box<DigestSeen>),
    PublicKeys(Vec<PublicKey>),
    /// An Entra ID export (sign-ins, users, registrations, CA policies, apps, roles).
    Entra(crate::facts::entra::EntraFile),
    /// An AWS CLI configuration export (network, storage, IAM policy, monitoring).
    Posture(Box<crate::facts::posture::PostureFile>),
}

/// Everything read: each input's outcome, sorted by path, and the merged CloudTrail tallies.
pub struct Intake {
    pub processed: Vec<Processed>,
    pub cloudtrail: Aggregate,
}

/// How CloudTrail records are counted for this run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordScope {
    /// Inclusive first and last UTC day (days since 1970) of `--period`.
    pub period: Option<(i32, i32)>,
}

/// Reads all roots with `jobs` workers; `progress` is called once per input read.
pub fn read_evidence(
    roots: &[std::path::PathBuf],
    limits: &Limits,
    jobs: usize,
    scope: RecordScope,
    progress: &(dyn Fn(&ManifestEntry) + Sync),
) -> Result<Intake, DiscoverError> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build();
    let dedupe = Dedupe::default();
    // Eight inputs queued per worker keep every core busy on archives of small log files (fewer
    // wake-ups) while bounding memory to a few members each.
    let (sender, receiver) = mpsc::sync_channel::<Input>(jobs.max(1) * 8);
    let (mut processed, cloudtrail) = std::thread::scope(|scope_| {
        let walker = scope_.spawn(move || discover(roots, limits, &mut |input| drop(sender.send(input))));
        let work = |receiver: mpsc::Receiver<Input>| -> (Vec<Processed>, Aggregate) {
            // Tallies merge as they come (associative and commutative), so memory stays flat however
            // many files there are, and the totals do not depend on which worker read what.
            receiver
                .into_iter()
                .par_bridge()
                .map(|mut input| {
                    input.decode(limits);
                    let done = process(input, &dedupe, scope);
                    progress(&done.0.entry);
                    done
                })
                .fold(
                    || (Vec::new(), Aggregate::default()),
                    |(mut all, mut total), (processed, tally)| {
                        all.push(processed);
                        if let Some(tally) = tally {
                            total.merge(tally);
                        }
                        (all, total)
                    },
                )
                .reduce(
                    || (Vec::new(), Aggregate::default()),
                    |(mut all, mut total), (more, tally)| {
                        all.extend(more);
                        total.merge(tally);
                        (all, total)
                    },
                )
        };
        let done = match &pool {
            Ok(pool) => pool.install(|| work(receiver)),
            Err(_) => work(receiver),
        };
        match walker.join() {
            Ok(result) => result.map(|()| done),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })?;
    processed.sort_by(|a, b| (&a.entry.path, &a.entry.sha256).cmp(&(&b.entry.path, &b.entry.sha256)));
    Ok(Intake { processed, cloudtrail })
}

fn process(input: Input, dedupe: &Dedupe, scope: RecordScope) -> (Processed, Option<Aggregate>) {
    let mut entry = ManifestEntry {
        path: input.path,
        size: input.size,
        sha256: input.sha256,
        kind: KIND_UNREADABLE.into(),
        archive_members: input.archive_members,
        records_read: None,
        records_rejected: None,
        used: false,
        reason: input.problem.clone(),
    };
    let mut diagnostics = Vec::new();
    if input.archive {
        // A readable archive is used as a container: its members are entries of their own.
        entry.kind = KIND_ZIP.into();
        entry.used = input.archive_members.is_some();
        return (Processed { entry, artifact: None, diagnostics }, None);
    }
    let Some(content) = input.content else {
        return (Processed { entry, artifact: None, diagnostics }, None);
    };
    if let Some(problem) = &input.problem {
        diagnostics.push(Diagnostic::new(&entry.path, None, problem.clone()));
    }
    let parsed = match recognise(&content) {
        Recognised::CloudTrailLog => {
            return read_log(entry, diagnostics, &content, input.cut_short, Shape::Records, dedupe, scope);
        }
        Recognised::CloudTrailLookupEvents => {
            return read_log(entry, diagnostics, &content, input.cut_short, Shape::LookupEvents, dedupe, scope);
        }
        Recognised::TrailConfig => {
            return match trail_config::parse(&entry.path, &content) {
                Ok(config) => {
                    entry.kind = match &config {
                        TrailConfig::Trails(_) => "aws.cloudtrail.describe_trails",
                        TrailConfig::Status(_) => "aws.cloudtrail.get_trail_status",
                        TrailConfig::Selectors(_) => "aws.cloudtrail.get_event_selectors",
                        TrailConfig::Regions(_) => "aws.ec2.describe_regions",
                    }
                    .into();
                    entry.records_read = Some(match &config {
                        TrailConfig::Trails(trails) => trails.len(),
                        TrailConfig::Regions(regions) => regions.len(),
                        TrailConfig::Status(_) | TrailConfig::Selectors(_) => 1,
                    });
                    entry.records_rejected = Some(0);
                    entry.used = true;
                    diagnostics.extend(config.diagnostics().iter().cloned());
                    let file = ConfigFile { path: entry.path.clone(), sha256: entry.sha256.clone(), config };
                    (Processed { entry, artifact: Some(Artifact::TrailConfig(file)), diagnostics }, None)
                }
                Err(e) => {
                    entry.kind = "aws.cloudtrail.trail_config".into();
                    entry.reason = Some(e.to_string());
                    (Processed { entry, artifact: None, diagnostics }, None)
                }
            };
        }
        Recognised::CloudTrailDigest => {
            entry.kind = "aws.cloudtrail.digest".into();
            return match cloudtrail_digest::parse(&entry.path, &content) {
                Ok(digest) => {
                    entry.records_read = Some(digest.log_files.len());
                    entry.records_rejected = Some(0);
                    entry.used = true;
                    let seen = DigestSeen {
                        path: entry.path.clone(),
                        sha256: entry.sha256.clone(),
                        content_sha256: hex::encode(Sha256::digest(&content)),
                        digest,
                    };
                    (Processed { entry, artifact: Some(Artifact::Digest(Box::new(seen))), diagnostics }, None)
                }
                Err(e) => {
                    entry.reason = Some(e.to_string());
                    (Processed { entry, artifact: None, diagnostics }, None)
                }
            };
        }
        Recognised::CloudTrailPublicKeys => {
            entry.kind = "aws.cloudtrail.public_keys".into();
            return match cloudtrail_digest::parse_public_keys(&entry.path, &content) {
                Ok(keys) => {
                    entry.records_read = Some(keys.len());
                    entry.records_rejected = Some(0);
                    entry.used = true;
                    (Processed { entry, artifact: Some(Artifact::PublicKeys(keys)), diagnostics }, None)
                }
                Err(e) => {
                    entry.reason = Some(e.to_string());
                    (Processed { entry, artifact: None, diagnostics }, None)
                }
            };
        }
        Recognised::CredentialReportCsv => {
            entry.kind = KIND_CREDENTIAL_REPORT_CSV.into();
            credential_report::parse_csv(&entry.path, &entry.sha256, &content)
        }
        Recognised::CredentialReportJson => {
            entry.kind = KIND_CREDENTIAL_REPORT_JSON.into();
            credential_report::parse_json(&entry.path, &entry.sha256, &content)
        }
        Recognised::EntraSignIns(layout) => {
            use crate::formats::entra::signins::{self, SignInLayout};
            entry.kind = match layout {
                SignInLayout::PortalCsv => "entra.signins (csv)",
                SignInLayout::GraphJson => "entra.signins (json)",
                SignInLayout::Ndjson => "entra.signins (ndjson)",
            }
            .into();
            return match signins::parse(&entry.path, &content, layout) {
                Ok(parsed) => entra_artifact(
                    entry,
                    diagnostics,
                    crate::formats::entra::model::EntraExport::SignIns(parsed.sign_ins),
                    parsed.diagnostics,
                    parsed.records_read,
                    parsed.records_rejected,
                ),
                Err(e) => {
                    entry.reason = Some(e.to_string());
                    (Processed { entry, artifact: None, diagnostics }, None)
                }
            };
        }
        Recognised::EntraDirectory(kind) => {
            use crate::formats::entra::directory::{self, DirectoryKind};
            entry.kind = match kind {
                DirectoryKind::UsersJson => "entra.users (json)",
                DirectoryKind::UsersCsv => "entra.users (csv)",
                DirectoryKind::RegistrationJson => "entra.registration (json)",
                DirectoryKind::RegistrationCsv => "entra.registration (csv)",
                DirectoryKind::CaPolicies => "entra.ca_policies",
                DirectoryKind::Apps => "entra.apps",
                DirectoryKind::Roles => "entra.roles",
            }
            .into();
            return match directory::parse(&entry.path, &content, kind) {
                Ok(parsed) => entra_artifact(
                    entry,
                    diagnostics,
                    parsed.export,
                    parsed.diagnostics,
                    parsed.records_read,
                    parsed.records_rejected,
                ),
                Err(e) => {
                    entry.reason = Some(e.to_string());
                    (Processed { entry, artifact: None, diagnostics }, None)
                }
            };
        }
        Recognised::AwsPosture(_) => return posture_artifact(entry, diagnostics, &content),
        Recognised::Unrecognised(guess) => {
            entry.kind = KIND_UNRECOGNISED.into();
            entry.reason = Some(format!("unrecognised: {guess}"));
            return (Processed { entry, artifact: None, diagnostics }, None);
        }
    };
    match parsed {
        Ok(report) => {
            entry.records_read = Some(report.records_read);
            entry.records_rejected = Some(report.records_rejected);
            if report.rows.is_empty() {
                entry.reason = Some(if report.records_read == 0 {
                    "credential report has a header but no rows".into()
                } else {
                    format!("credential report has no usable rows (all {} rejected)", report.records_read)
                });
                diagnostics.extend(report.diagnostics);
                return (Processed { entry, artifact: None, diagnostics }, None);
            }
            entry.used = true;
            (Processed { entry, artifact: Some(Artifact::CredentialReport(report)), diagnostics }, None)
        }
        Err(e) => {
            entry.reason = Some(e.to_string());
            (Processed { entry, artifact: None, diagnostics }, None)
        }
    }
}

/// A parsed Entra export: used when it holds at least one record.
fn entra_artifact(
    mut entry: ManifestEntry,
    mut diagnostics: Vec<Diagnostic>,
    export: crate::formats::entra::model::EntraExport,
    found: Vec<Diagnostic>,
    read: usize,
    rejected: usize,
) -> (Processed, Option<Aggregate>) {
    use crate::formats::entra::model::EntraExport;
    entry.records_read = Some(read);
    entry.records_rejected = Some(rejected);
    diagnostics.extend(found);
    let kept = match &export {
        EntraExport::SignIns(v) => v.len(),
        EntraExport::Users(v) => v.len(),
        EntraExport::Registrations(v) => v.len(),
        EntraExport::Apps(v) => v.len(),
        EntraExport::Roles(v) => v.len(),
        // No policy at all is evidence too: the CA checks then fail for want of one.
        EntraExport::CaPolicies(_) => 1,
    };
    if kept == 0 {
        entry.reason = Some(if read == 0 {
            "Entra export holds no records".into()
        } else {
            format!("Entra export has no usable records (all {read} rejected)")
        });
        return (Processed { entry, artifact: None, diagnostics }, None);
    }
    entry.used = true;
    let file = crate::facts::entra::EntraFile { file: entry.path.clone(), sha256: entry.sha256.clone(), export };
    (Processed { entry, artifact: Some(Artifact::Entra(file)), diagnostics }, None)
}

/// A parsed AWS CLI export: used unless it is a failed call that proves nothing, or a per-resource
/// export whose resource neither its body nor its path names (listed as ambiguous, not guessed).
fn posture_artifact(
    mut entry: ManifestEntry,
    mut diagnostics: Vec<Diagnostic>,
    content: &[u8],
) -> (Processed, Option<Aggregate>) {
    use crate::formats::aws::posture::{self, PostureExport as E, PostureKind as K};
    let parsed = match posture::parse(&entry.path, content) {
        Ok(parsed) => parsed,
        Err(e) => {
            entry.kind = "aws.cli_export".into();
            entry.reason = Some(e.to_string());
            return (Processed { entry, artifact: None, diagnostics }, None);
        }
    };
    entry.kind = parsed.kind.label().into();
    entry.records_read = Some(parsed.records_read);
    entry.records_rejected = Some(parsed.records_rejected);
    diagnostics.extend(parsed.diagnostics);
    let error = match &parsed.export {
        E::Error(error) => Some(error),
        _ => None,
    };
    let stands_for = error.map_or(Some(parsed.kind), |e| e.absence_of());
    let Some(stands_for) = stands_for else {
        let error = error.map(|e| format!("{} from {}", e.code, e.operation.as_deref().unwrap_or("an unnamed call")));
        entry.reason = Some(format!(
            "AWS error response ({}): the call failed, so the file holds no evidence",
            error.unwrap_or_default()
        ));
        return (Processed { entry, artifact: None, diagnostics }, None);
    };
    let account_level = stands_for == K::PublicAccessBlock && posture::is_account_level(&entry.path);
    let subject = posture::resource_from_path(&entry.path, parsed.kind, error);
    let needs = match (&parsed.export, stands_for) {
        (_, K::PublicAccessBlock) if !account_level => Some("bucket"),
        (_, K::PolicyStatus | K::BucketPolicy | K::BucketEncryption | K::BucketAcl) => Some("bucket"),
        (E::KmsRotation(r), _) if r.key_id.is_none() => Some("key"),
        (E::SnapshotAttribute(a), _) if a.snapshot_id.is_none() => Some("snapshot"),
        _ => None,
    };
    if let Some(what) = needs
        && subject.is_none()
    {
        entry.reason = Some(format!(
            "ambiguous: the {} export does not name its {what}, and neither does its file name or folder; \
             name it <command>-<{what}>.json (e.g. s3api-get-bucket-policy-<bucket>.json) to have it read",
            stands_for.label()
        ));
        return (Processed { entry, artifact: None, diagnostics }, None);
    }
    entry.used = true;
    let file = crate::facts::posture::PostureFile::new(
        entry.path.clone(),
        entry.sha256.clone(),
        parsed.kind,
        parsed.export,
        subject,
        account_level,
    );
    (Processed { entry, artifact: Some(Artifact::Posture(Box::new(file))), diagnostics }, None)
}

/// Streams a log file's records into a tally of its own; says how far it got when it broke off.
fn read_log(
    mut entry: ManifestEntry,
    mut diagnostics: Vec<Diagnostic>,
    content: &[u8],
    cut_short: bool,
    shape: Shape,
    dedupe: &Dedupe,
    scope: RecordScope,
) -> (Processed, Option<Aggregate>) {
    entry.kind = match shape {
        Shape::Records => KIND_CLOUDTRAIL_LOG,
        Shape::LookupEvents => KIND_CLOUDTRAIL_LOOKUP,
    }
    .into();
    let context = FileContext::from_path(&entry.path);
    let mut tally = Tally::new(&entry.path, context.clone(), dedupe, scope.period);
    let summary = cloudtrail_log::read(content, shape, &mut |record| tally.add(record));
    let span = tally.span();
    let tally = tally.finish();
    entry.records_read = Some(summary.records + summary.not_records);
    entry.records_rejected = Some(summary.not_records + tally.undated as usize);
    if summary.not_records > 0 {
        diagnostics.push(Diagnostic::new(
            &entry.path,
            None,
            format!(
                "{} elements are not CloudTrail records (not objects, or events without a record): not counted",
                summary.not_records
            ),
        ));
    }
    if tally.undated > 0 {
        diagnostics.push(Diagnostic::new(
            &entry.path,
            None,
            format!("{} records have no readable eventTime: not counted", tally.undated),
        ));
    }
    if let Some(stopped) = &summary.stopped {
        add_reason(&mut entry, stopped.clone());
        diagnostics.push(Diagnostic::new(&entry.path, None, stopped.clone()));
    }
    entry.used = summary.records > 0 || summary.stopped.is_none();
    if !entry.used {
        add_reason(&mut entry, "no CloudTrail record could be read".into());
    }
    let file = LogFile {
        path: entry.path.clone(),
        sha256: entry.sha256.clone(),
        content_sha256: hex::encode(Sha256::digest(content)),
        complete: summary.stopped.is_none() && !cut_short,
        context,
        records: summary.records,
        lookup_events: shape == Shape::LookupEvents,
        oldest: span.map(|s| s.0),
        newest: span.map(|s| s.1),
    };
    let artifact = entry.used.then_some(Artifact::LogFile(file));
    (Processed { entry, artifact, diagnostics }, Some(tally))
}

fn add_reason(entry: &mut ManifestEntry, reason: String) {
    entry.reason = Some(match entry.reason.take() {
        Some(earlier) => format!("{earlier}; {reason}"),
        None => reason,
    });
}
