//! Reads every input under the evidence roots: discovery streams inputs to a pool of workers that
//! recognise and parse them in parallel; the results come back sorted by path, so nothing depends
//! on thread count or scheduling. Every input ends up either used or with a reason it was not.

use std::sync::mpsc;

use rayon::iter::{ParallelBridge, ParallelIterator};
use serde::Serialize;

use crate::config::Limits;
use crate::diagnostic::Diagnostic;
use crate::evidence::{DiscoverError, Input, Recognised, discover, recognise};
use crate::formats::aws::credential_report::{self, CredentialReport};

pub const KIND_CREDENTIAL_REPORT_CSV: &str = "aws.iam.credential_report (csv)";
pub const KIND_CREDENTIAL_REPORT_JSON: &str = "aws.iam.credential_report (json)";
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
    pub report: Option<CredentialReport>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads all roots with `jobs` workers; `progress` is called once per input read.
pub fn read_evidence(
    roots: &[std::path::PathBuf],
    limits: &Limits,
    jobs: usize,
    progress: &(dyn Fn(&ManifestEntry) + Sync),
) -> Result<Vec<Processed>, DiscoverError> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build();
    // Two inputs in flight per worker keep every core busy while bounding memory to a few members.
    let (sender, receiver) = mpsc::sync_channel::<Input>(jobs.max(1) * 2);
    let mut processed = std::thread::scope(|scope| {
        let walker = scope.spawn(move || discover(roots, limits, &mut |input| drop(sender.send(input))));
        let work = |receiver: mpsc::Receiver<Input>| -> Vec<Processed> {
            receiver
                .into_iter()
                .par_bridge()
                .map(|mut input| {
                    input.decode(limits);
                    let done = process(input);
                    progress(&done.entry);
                    done
                })
                .collect()
        };
        let processed = match &pool {
            Ok(pool) => pool.install(|| work(receiver)),
            Err(_) => work(receiver),
        };
        match walker.join() {
            Ok(result) => result.map(|()| processed),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })?;
    processed.sort_by(|a, b| (&a.entry.path, &a.entry.sha256).cmp(&(&b.entry.path, &b.entry.sha256)));
    Ok(processed)
}

fn process(input: Input) -> Processed {
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
        return Processed { entry, report: None, diagnostics };
    }
    let Some(content) = input.content else {
        return Processed { entry, report: None, diagnostics };
    };
    if let Some(problem) = &input.problem {
        diagnostics.push(Diagnostic::new(&entry.path, None, problem.clone()));
    }
    let parsed = match recognise(&content) {
        Recognised::CredentialReportCsv => {
            entry.kind = KIND_CREDENTIAL_REPORT_CSV.into();
            credential_report::parse_csv(&entry.path, &entry.sha256, &content)
        }
        Recognised::CredentialReportJson => {
            entry.kind = KIND_CREDENTIAL_REPORT_JSON.into();
            credential_report::parse_json(&entry.path, &entry.sha256, &content)
        }
        Recognised::Unrecognised(guess) => {
            entry.kind = KIND_UNRECOGNISED.into();
            entry.reason = Some(format!("unrecognised: {guess}"));
            return Processed { entry, report: None, diagnostics };
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
                return Processed { entry, report: None, diagnostics };
            }
            entry.used = true;
            Processed { entry, report: Some(report), diagnostics }
        }
        Err(e) => {
            entry.reason = Some(e.to_string());
            Processed { entry, report: None, diagnostics }
        }
    }
}
