//! The registry of evidence kinds: one descriptor per kind of export gapscope reads, saying how it
//! is sniffed, parsed, labelled in the inventory, placed (account, as-of) and which facts it feeds.
//! Intake looks a kind up here and reads with it; nothing else in the pipeline names kinds.
//!
//! To add a kind (CONTRIBUTING.md has a worked example): write its parser under `formats/`, give it
//! a sniffer there, add one [`Kind`] to [`KINDS`] (its position sets which sniffers it is tried
//! after within a [`Stage`]), and feed what it parses into the facts ([`Evidence`]).

use sha2::{Digest, Sha256};

use super::sniff::{Sniff, Stage, guess};
use crate::diagnostic::Diagnostic;
use crate::facts::Evidence;
use crate::facts::cloudtrail::aggregate::{Aggregate, Dedupe, FileContext, Tally};
use crate::facts::cloudtrail::facts::LogFile;
use crate::facts::cloudtrail::integrity::DigestSeen;
use crate::facts::cloudtrail::trails::ConfigFile;
use crate::formats::aws::cloudtrail_log::{self, Shape};
use crate::formats::aws::posture::{self, PostureKind};
use crate::formats::aws::trail_config::{self, TrailConfig};
use crate::formats::aws::{cloudtrail_digest, credential_report};
use crate::formats::entra::directory::{self, DirectoryKind};
use crate::formats::entra::model::EntraExport;
use crate::formats::entra::signins::{self, SignInLayout};
use crate::period::snapshots;
use crate::timefmt::format_instant;

/// The collection scripts' `COLLECTION.txt`: it dates the bundle it is in (issue 16).
pub(crate) const LABEL_COLLECTION: &str = "gapscope.collection";

/// One kind of evidence.
pub(crate) struct Kind {
    /// The registry's name for the kind (stable; tests and `recognise` name kinds by it).
    pub name: &'static str,
    /// Every label `read` can write as the manifest's and inventory's `kind`.
    pub labels: fn() -> Vec<&'static str>,
    /// Is the content of this kind, judged at `stage`? What the sniffer saw goes to `read`.
    pub sniff: fn(&Sniff<'_>, Stage) -> Option<Variant>,
    /// Parses the content and says what becomes of it.
    pub read: fn(&Reading<'_>, Variant) -> Read,
}

impl PartialEq for Kind {
    fn eq(&self, other: &Kind) -> bool {
        self.name == other.name
    }
}
impl Eq for Kind {}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// What a kind's sniffer saw that its reader needs (a layout, an export type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    Only,
    SignIns(SignInLayout),
    Directory(DirectoryKind),
    Posture(PostureKind),
}

/// How CloudTrail records are counted for this run.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RecordScope {
    /// Inclusive first and last UTC day (days since 1970) of `--period`.
    pub period: Option<(i32, i32)>,
}

/// One input being read, with what the run shares between inputs.
pub(crate) struct Reading<'a> {
    pub path: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    /// What discovery found wrong with the stored bytes (a damaged gzip), if anything.
    pub problem: Option<&'a str>,
    /// The stored bytes broke off (a truncated gzip): what was decoded is all there is.
    pub cut_short: bool,
    pub dedupe: &'a Dedupe,
    pub scope: RecordScope,
}

/// What reading an input gave: its manifest fields, and the evidence if it is used.
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub label: &'static str,
    pub records_read: Option<usize>,
    pub records_rejected: Option<usize>,
    pub diagnostics: Vec<Diagnostic>,
    /// Why the input is not used, or what was wrong with a used one.
    pub reason: Option<String>,
    /// The input is used: the evidence, and where the inventory places it.
    pub used: Option<(Evidence, Placement)>,
    /// CloudTrail records counted as they streamed (also from a file that broke off).
    pub tally: Option<Aggregate>,
}

/// Where the inventory shows a used input: its account or tenant, its own as-of, its records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Placement {
    pub account: Option<String>,
    pub as_of: Option<String>,
    pub records: usize,
}

impl Read {
    fn unused(label: &'static str, reason: impl Into<String>) -> Read {
        Read { label, reason: Some(reason.into()), ..Read::default() }
    }

    fn counted(label: &'static str, read: usize, rejected: usize) -> Read {
        Read { label, records_read: Some(read), records_rejected: Some(rejected), ..Read::default() }
    }

    fn with(mut self, evidence: Evidence, placement: Placement) -> Read {
        self.used = Some((evidence, placement));
        self
    }
}

/// What an input was recognised as: a kind of the registry with what its sniffer saw, or nothing
/// with a guess of what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Recognised {
    Kind(&'static Kind, Variant),
    Unrecognised(String),
}

pub(crate) fn recognise(content: &[u8]) -> Recognised {
    let sniff = Sniff::new(content);
    for stage in Stage::ALL {
        if !sniff.reaches(stage) {
            continue;
        }
        for kind in KINDS {
            if let Some(variant) = (kind.sniff)(&sniff, stage) {
                return Recognised::Kind(kind, variant);
            }
        }
    }
    Recognised::Unrecognised(guess(&sniff, content.is_empty()))
}

/// Every kind, in the order its sniffer is asked within a stage (DESIGN.md §3 "recognise").
pub(crate) static KINDS: &[Kind] = &[
    Kind {
        name: "aws.iam.credential_report (json)",
        labels: || vec![LABEL_CREDENTIAL_REPORT_JSON],
        sniff: |s, stage| {
            let keys = (stage == Stage::Keys).then(|| s.keys()).flatten()?;
            let has = |k: &str| keys.contains(k);
            (has("Content") && (has("ReportFormat") || has("GeneratedTime") || keys.len() == 1))
                .then_some(Variant::Only)
        },
        read: |r, _| {
            credential_report_read(
                LABEL_CREDENTIAL_REPORT_JSON,
                credential_report::parse_json(r.path, r.sha256, r.content),
            )
        },
    },
    Kind {
        name: "aws.cloudtrail.log",
        labels: || vec![LABEL_CLOUDTRAIL_LOG],
        sniff: |s, stage| cloudtrail_key(s, stage, "Records"),
        read: |r, _| read_log(r, Shape::Records),
    },
    Kind {
        name: "aws.cloudtrail.log (ndjson)",
        labels: || vec![LABEL_CLOUDTRAIL_LINES],
        sniff: |s, stage| (stage == Stage::FirstKey && cloudtrail_log::is_ndjson(s.text)).then_some(Variant::Only),
        read: |r, _| read_log(r, Shape::Lines),
    },
    Kind {
        name: "aws.cloudtrail.lookup_events",
        labels: || vec![LABEL_CLOUDTRAIL_LOOKUP],
        sniff: |s, stage| cloudtrail_key(s, stage, "Events"),
        read: |r, _| read_log(r, Shape::LookupEvents),
    },
    Kind {
        name: "aws.cloudtrail.digest",
        labels: || vec!["aws.cloudtrail.digest"],
        sniff: |s, stage| {
            let keys = (stage == Stage::Keys).then(|| s.keys()).flatten()?;
            (keys.contains("logFiles") && keys.contains("digestStartTime")).then_some(Variant::Only)
        },
        read: |r, _| {
            let label = "aws.cloudtrail.digest";
            match cloudtrail_digest::parse(r.path, r.content) {
                Ok(digest) => {
                    let placement = Placement {
                        account: Some(digest.account.clone()),
                        as_of: Some(format_instant(digest.end)),
                        records: digest.log_files.len(),
                    };
                    let seen = DigestSeen {
                        path: r.path.to_string(),
                        sha256: r.sha256.to_string(),
                        content_sha256: hex::encode(Sha256::digest(r.content)),
                        digest,
                    };
                    Read::counted(label, placement.records, 0).with(Evidence::Digest(Box::new(seen)), placement)
                }
                Err(e) => Read::unused(label, e.to_string()),
            }
        },
    },
    Kind {
        name: "aws.cloudtrail.public_keys",
        labels: || vec!["aws.cloudtrail.public_keys"],
        sniff: |s, stage| {
            let keys = (stage == Stage::Keys).then(|| s.keys()).flatten()?;
            keys.contains("PublicKeyList").then_some(Variant::Only)
        },
        read: |r, _| {
            let label = "aws.cloudtrail.public_keys";
            match cloudtrail_digest::parse_public_keys(r.path, r.content) {
                Ok(keys) => {
                    let placement = Placement { records: keys.len(), ..Placement::default() };
                    Read::counted(label, keys.len(), 0).with(Evidence::PublicKeys(keys), placement)
                }
                Err(e) => Read::unused(label, e.to_string()),
            }
        },
    },
    Kind {
        name: "aws.cloudtrail.trail_config",
        labels: || {
            vec![
                "aws.cloudtrail.describe_trails",
                "aws.cloudtrail.get_trail_status",
                "aws.cloudtrail.get_event_selectors",
                "aws.ec2.describe_regions",
                "aws.cloudtrail.trail_config",
            ]
        },
        sniff: |s, stage| {
            let keys = (stage == Stage::Keys).then(|| s.keys()).flatten()?;
            let config = ["trailList", "IsLogging", "EventSelectors", "AdvancedEventSelectors", "Regions"];
            config.iter().any(|k| keys.contains(*k)).then_some(Variant::Only)
        },
        read: |r, _| match trail_config::parse(r.path, r.content) {
            Ok(config) => {
                let (label, records) = match &config {
                    TrailConfig::Trails(trails) => ("aws.cloudtrail.describe_trails", trails.len()),
                    TrailConfig::Status(_) => ("aws.cloudtrail.get_trail_status", 1),
                    TrailConfig::Selectors(_) => ("aws.cloudtrail.get_event_selectors", 1),
                    TrailConfig::Regions(regions) => ("aws.ec2.describe_regions", regions.len()),
                };
                let mut read = Read::counted(label, records, 0);
                read.diagnostics.extend(config.diagnostics().iter().cloned());
                let file = ConfigFile { path: r.path.to_string(), sha256: r.sha256.to_string(), config };
                read.with(Evidence::TrailConfig(file), Placement { records, ..Placement::default() })
            }
            Err(e) => Read::unused("aws.cloudtrail.trail_config", e.to_string()),
        },
    },
    Kind {
        name: "entra.signins",
        labels: || vec!["entra.signins (csv)", "entra.signins (json)", "entra.signins (ndjson)"],
        sniff: |s, stage| (stage == Stage::Shape).then(|| signins::sniff(s.text)).flatten().map(Variant::SignIns),
        read: |r, variant| {
            let Variant::SignIns(layout) = variant else {
                return Read::unused("entra.signins (json)", "not a sign-in export");
            };
            let label = match layout {
                SignInLayout::PortalCsv => "entra.signins (csv)",
                SignInLayout::GraphJson => "entra.signins (json)",
                SignInLayout::Ndjson => "entra.signins (ndjson)",
            };
            match signins::parse(r.path, r.content, layout) {
                Ok(parsed) => entra_read(
                    r,
                    label,
                    EntraExport::SignIns(parsed.sign_ins),
                    parsed.diagnostics,
                    parsed.records_read,
                    parsed.records_rejected,
                ),
                Err(e) => Read::unused(label, e.to_string()),
            }
        },
    },
    Kind {
        name: "entra.directory",
        labels: || {
            vec![
                "entra.users (json)",
                "entra.users (csv)",
                "entra.registration (json)",
                "entra.registration (csv)",
                "entra.ca_policies",
                "entra.apps",
                "entra.roles",
            ]
        },
        sniff: |s, stage| (stage == Stage::Shape).then(|| directory::sniff(s.text)).flatten().map(Variant::Directory),
        read: |r, variant| {
            let Variant::Directory(kind) = variant else {
                return Read::unused("entra.users (json)", "not a directory export");
            };
            let label = match kind {
                DirectoryKind::UsersJson => "entra.users (json)",
                DirectoryKind::UsersCsv => "entra.users (csv)",
                DirectoryKind::RegistrationJson => "entra.registration (json)",
                DirectoryKind::RegistrationCsv => "entra.registration (csv)",
                DirectoryKind::CaPolicies => "entra.ca_policies",
                DirectoryKind::Apps => "entra.apps",
                DirectoryKind::Roles => "entra.roles",
            };
            match directory::parse(r.path, r.content, kind) {
                Ok(parsed) => entra_read(
                    r,
                    label,
                    parsed.export,
                    parsed.diagnostics,
                    parsed.records_read,
                    parsed.records_rejected,
                ),
                Err(e) => Read::unused(label, e.to_string()),
            }
        },
    },
    Kind {
        name: "aws.cli_export",
        labels: || PostureKind::all().map(|(_, label, _)| label).chain(["aws.cli_export"]).collect(),
        sniff: |s, stage| match stage {
            Stage::Keys => PostureKind::sniff(s.keys()?).map(Variant::Posture),
            Stage::Text => posture::error_text(s.text).map(|_| Variant::Posture(PostureKind::ErrorResponse)),
            _ => None,
        },
        read: |r, _| read_posture(r),
    },
    Kind {
        name: "gapscope.collection",
        labels: || vec![LABEL_COLLECTION],
        sniff: |s, stage| (stage == Stage::Text && snapshots::is_collection_note(s.text)).then_some(Variant::Only),
        read: |r, _| {
            let text = String::from_utf8_lossy(r.content);
            match snapshots::collection_started(&text) {
                Some(started) => {
                    let placement = Placement { account: None, as_of: Some(format_instant(started)), records: 1 };
                    Read::counted(LABEL_COLLECTION, 1, 0).with(Evidence::CollectionNote(started), placement)
                }
                None => Read::unused(
                    LABEL_COLLECTION,
                    "a collection script's COLLECTION.txt without a readable \"started:\" time: it dates nothing",
                ),
            }
        },
    },
    Kind {
        name: "aws.iam.credential_report (csv)",
        labels: || vec![LABEL_CREDENTIAL_REPORT_CSV],
        sniff: |s, stage| {
            let columns = (stage == Stage::Text).then(|| s.csv_columns()).flatten()?;
            credential_report::is_report_header(columns).then_some(Variant::Only)
        },
        read: |r, _| {
            credential_report_read(
                LABEL_CREDENTIAL_REPORT_CSV,
                credential_report::parse_csv(r.path, r.sha256, r.content),
            )
        },
    },
];

pub(crate) const LABEL_CREDENTIAL_REPORT_CSV: &str = "aws.iam.credential_report (csv)";
pub(crate) const LABEL_CREDENTIAL_REPORT_JSON: &str = "aws.iam.credential_report (json)";
pub(crate) const LABEL_CLOUDTRAIL_LOG: &str = "aws.cloudtrail.log";
pub(crate) const LABEL_CLOUDTRAIL_LOOKUP: &str = "aws.cloudtrail.lookup_events";
pub(crate) const LABEL_CLOUDTRAIL_LINES: &str = "aws.cloudtrail.log (ndjson)";

/// CloudTrail log files are most of the volume and may be truncated: their first key decides
/// without a scan of the whole file (which a truncated file would fail); the key anywhere at the
/// top level decides once the keys are read.
fn cloudtrail_key(s: &Sniff<'_>, stage: Stage, key: &str) -> Option<Variant> {
    let found = match stage {
        Stage::FirstKey => s.first_key() == Some(key),
        Stage::Keys => s.keys().is_some_and(|keys| keys.contains(key)),
        _ => false,
    };
    found.then_some(Variant::Only)
}

fn credential_report_read(
    label: &'static str,
    parsed: Result<credential_report::CredentialReport, credential_report::ReportError>,
) -> Read {
    let report = match parsed {
        Ok(report) => report,
        Err(e) => return Read::unused(label, e.to_string()),
    };
    let mut read = Read::counted(label, report.records_read, report.records_rejected);
    if report.rows.is_empty() {
        read.reason = Some(if report.records_read == 0 {
            "credential report has a header but no rows".into()
        } else {
            format!("credential report has no usable rows (all {} rejected)", report.records_read)
        });
        read.diagnostics = report.diagnostics;
        return read;
    }
    let placement = Placement {
        account: report.account.clone(),
        as_of: report.generated_time.or(report.newest_timestamp).map(format_instant),
        records: report.rows.len(),
    };
    read.with(Evidence::CredentialReport(report), placement)
}

/// A parsed Entra export: used when it holds at least one record.
fn entra_read(
    r: &Reading<'_>,
    label: &'static str,
    export: EntraExport,
    found: Vec<Diagnostic>,
    records: usize,
    rejected: usize,
) -> Read {
    let mut read = Read::counted(label, records, rejected);
    read.diagnostics = found;
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
        read.reason = Some(if records == 0 {
            "Entra export holds no records".into()
        } else {
            format!("Entra export has no usable records (all {records} rejected)")
        });
        return read;
    }
    let file = crate::facts::entra::EntraFile { file: r.path.to_string(), sha256: r.sha256.to_string(), export };
    read.with(Evidence::Entra(file), Placement { records, ..Placement::default() })
}

/// A parsed AWS CLI export: used unless it is a failed call that proves nothing, or a per-resource
/// export whose resource neither its body nor its path names (listed as ambiguous, not guessed).
fn read_posture(r: &Reading<'_>) -> Read {
    use crate::formats::aws::posture::{PostureExport as E, PostureKind as K};
    let parsed = match posture::parse(r.path, r.content) {
        Ok(parsed) => parsed,
        Err(e) => return Read::unused("aws.cli_export", e.to_string()),
    };
    let mut read = Read::counted(parsed.kind.label(), parsed.records_read, parsed.records_rejected);
    read.diagnostics = parsed.diagnostics;
    let error = match &parsed.export {
        E::Error(error) => Some(error),
        _ => None,
    };
    let stands_for = error.map_or(Some(parsed.kind), |e| e.absence_of());
    let Some(stands_for) = stands_for else {
        let error = error.map(|e| format!("{} from {}", e.code, e.operation.as_deref().unwrap_or("an unnamed call")));
        read.reason = Some(format!(
            "AWS error response ({}): the call failed, so the file holds no evidence",
            error.unwrap_or_default()
        ));
        return read;
    };
    let account_level = stands_for == K::PublicAccessBlock && posture::is_account_level(r.path);
    let subject = posture::resource_from_path(r.path, parsed.kind, error);
    let needs = match (&parsed.export, stands_for) {
        (_, K::PublicAccessBlock) if !account_level => Some("bucket"),
        (_, K::PolicyStatus | K::BucketPolicy | K::BucketEncryption | K::BucketAcl) => Some("bucket"),
        (E::KmsRotation(rotation), _) if rotation.key_id.is_none() => Some("key"),
        (E::SnapshotAttribute(a), _) if a.snapshot_id.is_none() => Some("snapshot"),
        _ => None,
    };
    if let Some(what) = needs
        && subject.is_none()
    {
        read.reason = Some(format!(
            "ambiguous: the {} export does not name its {what}, and neither does its file name or folder; \
             name it <command>-<{what}>.json (e.g. s3api-get-bucket-policy-<bucket>.json) to have it read",
            stands_for.label()
        ));
        return read;
    }
    let file = crate::facts::posture::PostureFile::new(
        r.path.to_string(),
        r.sha256.to_string(),
        parsed.kind,
        parsed.export,
        subject,
        account_level,
    );
    let placement = Placement { account: file.account.clone(), as_of: None, records: parsed.records_read };
    read.with(Evidence::Posture(Box::new(file)), placement)
}

/// Streams a log file's records into a tally of its own; says how far it got when it broke off.
fn read_log(r: &Reading<'_>, shape: Shape) -> Read {
    let label = match shape {
        Shape::Records => LABEL_CLOUDTRAIL_LOG,
        Shape::LookupEvents => LABEL_CLOUDTRAIL_LOOKUP,
        Shape::Lines => LABEL_CLOUDTRAIL_LINES,
    };
    let context = FileContext::from_path(r.path);
    let mut tally = Tally::new(r.path, context.clone(), r.dedupe, r.scope.period);
    tally.set_sha256(r.sha256);
    let summary = cloudtrail_log::read(r.content, shape, &mut |record| tally.add(record));
    let span = tally.span();
    let implausible = tally.implausible().to_vec();
    let tally = tally.finish();
    let rejected = summary.not_records + tally.undated as usize + tally.implausible as usize;
    let mut read = Read::counted(label, summary.records + summary.not_records, rejected);
    for record in &implausible {
        read.diagnostics.push(Diagnostic::new(
            r.path,
            Some(format!("record {}", record.record)),
            format!(
                "eventTime {:?} is {}: the record is not counted and does not size the period",
                record.event_time, record.why
            ),
        ));
    }
    if tally.implausible as usize > implausible.len() {
        read.diagnostics.push(Diagnostic::new(
            r.path,
            None,
            format!(
                "{} more records have an eventTime that cannot be true: not counted",
                tally.implausible as usize - implausible.len()
            ),
        ));
    }
    if summary.not_records > 0 {
        read.diagnostics.push(Diagnostic::new(
            r.path,
            None,
            format!(
                "{} elements are not CloudTrail records (not objects, or events without a record): not counted",
                summary.not_records
            ),
        ));
    }
    for (key, times) in &summary.duplicate_keys {
        read.diagnostics.push(Diagnostic::new(
            r.path,
            Some(format!("key \"{key}\"")),
            format!(
                "the top-level key \"{key}\" occurs {times} times: JSON readers disagree on which copy counts, \
                 so the records of every copy are read; a file CloudTrail delivered never repeats a key"
            ),
        ));
    }
    if tally.undated > 0 {
        read.diagnostics.push(Diagnostic::new(
            r.path,
            None,
            format!("{} records have no readable eventTime: not counted", tally.undated),
        ));
    }
    read.reason = r.problem.map(str::to_string);
    if let Some(stopped) = &summary.stopped {
        read.reason = Some(match read.reason.take() {
            Some(earlier) => format!("{earlier}; {stopped}"),
            None => stopped.clone(),
        });
        read.diagnostics.push(Diagnostic::new(r.path, None, stopped.clone()));
    }
    if summary.records > 0 || summary.stopped.is_none() {
        let file = LogFile {
            path: r.path.to_string(),
            sha256: r.sha256.to_string(),
            content_sha256: hex::encode(Sha256::digest(r.content)),
            complete: summary.stopped.is_none() && !r.cut_short,
            context: context.clone(),
            records: summary.records,
            lookup_events: shape == Shape::LookupEvents,
            oldest: span.map(|s| s.0),
            newest: span.map(|s| s.1),
        };
        let placement = Placement { account: context.account, as_of: None, records: summary.records };
        read = read.with(Evidence::LogFile(file), placement);
    } else {
        read.reason = Some(match read.reason.take() {
            Some(earlier) => format!("{earlier}; no CloudTrail record could be read"),
            None => "no CloudTrail record could be read".into(),
        });
    }
    read.tally = Some(tally);
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_unique_and_every_label_belongs_to_one_kind() {
        let mut names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "two kinds share a name");
        let mut labels: Vec<&str> = KINDS.iter().flat_map(|k| (k.labels)()).collect();
        labels.sort();
        let before = labels.len();
        labels.dedup();
        assert_eq!(labels.len(), before, "two kinds write the same inventory label");
    }

    /// One small example per kind, recognised as that kind: a kind added to the registry without an
    /// example here fails this test, so every sniffer is exercised at least once.
    #[test]
    fn every_kind_recognises_an_example_of_its_own() {
        let examples: [(&str, &[u8]); 12] = [
            ("aws.iam.credential_report (json)", br#"{"Content": "dXNlcg==", "ReportFormat": "text/csv"}"#),
            ("aws.cloudtrail.log", br#"{"Records": [{"eventID": "x"}]}"#),
            ("aws.cloudtrail.lookup_events", br#"{"Events": [{"CloudTrailEvent": "{}"}]}"#),
            ("aws.cloudtrail.digest", br#"{"digestStartTime": "x", "logFiles": []}"#),
            ("aws.cloudtrail.public_keys", br#"{"PublicKeyList": []}"#),
            ("aws.cloudtrail.trail_config", br#"{"trailList": []}"#),
            ("entra.signins", br#"{"value": [{"id": "1", "createdDateTime": "2026-01-01T00:00:00Z", "userPrincipalName": "a@b", "status": {"errorCode": 0}, "authenticationRequirement": "singleFactorAuthentication"}]}"#),
            ("entra.directory", br#"{"value": [{"userPrincipalName": "a@b", "isMfaRegistered": true}]}"#),
            ("aws.cli_export", br#"{"SecurityGroups": []}"#),
            ("aws.iam.credential_report (csv)", b"user,arn,user_creation_time,password_enabled,mfa_active\n"),
            ("gapscope.collection", b"gapscope AWS evidence collection\nstarted: 2026-03-31T12:00:00Z\n"),
            (
                "aws.cloudtrail.log (ndjson)",
                b"{\"eventVersion\":\"1.08\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateUser\"}\n{}\n",
            ),
        ];
        for (name, content) in examples {
            let found = match recognise(content) {
                Recognised::Kind(kind, _) => kind.name,
                Recognised::Unrecognised(guess) => guess.leak(),
            };
            assert_eq!(found, name, "{}", String::from_utf8_lossy(content));
        }
        for kind in KINDS {
            assert!(examples.iter().any(|(name, _)| *name == kind.name), "{} has no example here", kind.name);
        }
    }
}
