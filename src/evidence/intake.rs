//! Reads every input under the evidence roots: discovery streams inputs to a pool of workers that
//! recognise and parse them in parallel; the results come back sorted by path, so nothing depends
//! on thread count or scheduling. Every input ends up either used or with a reason it was not.

use std::sync::mpsc;

use rayon::iter::{ParallelBridge, ParallelIterator};
use serde::Serialize;

use super::kinds::{Placement, Reading, Recognised, RecordScope, recognise};
use super::{DiscoverError, Input, discover};
use crate::config::Limits;
use crate::diagnostic::Diagnostic;
use crate::facts::Evidence;
use crate::facts::cloudtrail::aggregate::{Aggregate, Dedupe};

pub(crate) const KIND_ZIP: &str = "zip archive";
pub(crate) const KIND_UNRECOGNISED: &str = "unrecognised";
pub(crate) const KIND_UNREADABLE: &str = "unreadable";

/// One line of `manifest.json`: an input and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ManifestEntry {
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
pub(crate) struct Processed {
    pub entry: ManifestEntry,
    /// What a used input gives the facts, and where the inventory places it.
    pub used: Option<(Evidence, Placement)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything read: each input's outcome, sorted by path, and the merged CloudTrail tallies.
pub(crate) struct Intake {
    pub processed: Vec<Processed>,
    pub cloudtrail: Aggregate,
}

/// Reads all roots with `jobs` workers; `progress` is called once per input read.
pub(crate) fn read_evidence(
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

/// Looks the input's kind up in the registry, reads it with that kind, and settles what becomes of it.
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
        return (Processed { entry, used: None, diagnostics }, None);
    }
    let Some(mut content) = input.content else {
        return (Processed { entry, used: None, diagnostics }, None);
    };
    // Read as the UTF-8 it stands for; the manifest's SHA-256 stays that of the bytes as stored.
    if let Some(utf8) = crate::formats::common::utf16_as_utf8(&content) {
        content = utf8;
    }
    if let Some(problem) = &input.problem {
        diagnostics.push(Diagnostic::new(&entry.path, None, problem.clone()));
    }
    let (kind, variant) = match recognise(&content) {
        Recognised::Kind(kind, variant) => (kind, variant),
        Recognised::Unrecognised(guess) => {
            entry.kind = KIND_UNRECOGNISED.into();
            entry.reason = Some(format!("unrecognised: {guess}"));
            return (Processed { entry, used: None, diagnostics }, None);
        }
    };
    let reading = Reading {
        path: &entry.path,
        sha256: &entry.sha256,
        content: &content,
        problem: input.problem.as_deref(),
        cut_short: input.cut_short,
        dedupe,
        scope,
    };
    let read = (kind.read)(&reading, variant);
    debug_assert!((kind.labels)().contains(&read.label), "{} wrote label {} it does not list", kind.name, read.label);
    entry.kind = read.label.into();
    entry.records_read = read.records_read;
    entry.records_rejected = read.records_rejected;
    entry.used = read.used.is_some();
    if read.reason.is_some() {
        entry.reason = read.reason;
    }
    diagnostics.extend(read.diagnostics);
    (Processed { entry, used: read.used, diagnostics }, read.tally)
}
