//! The run's used evidence filed into snapshots, and the observations the snapshots give. Each
//! input goes to exactly one evaluation: the newest snapshot of each series (and undated evidence,
//! and every CloudTrail log) to the as-of run, whose results are `results[]`; each older snapshot
//! to an evaluation of its own, dated at its instant. So copies of one resource in one snapshot
//! still merge as before, and copies in different snapshots are a time series.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::SnapshotOut;
use super::controls::{Seen, Series};
use super::snapshots::{Dating, SOURCE_GENERATED_TIME, SOURCE_NEWEST_TIMESTAMP, SOURCE_RUN_AS_OF, snapshot_kind};
use crate::checks::{Outcome, Status};
use crate::facts::entra::UNKNOWN_TENANT;
use crate::facts::{Collected, Evidence};
use crate::formats::aws::export_path::account_in_path;
use crate::timefmt::Instant;

/// One used input, as intake left it.
pub(crate) struct Used {
    pub path: String,
    /// The manifest label (`aws.ec2.security_groups`).
    pub label: String,
    pub account: Option<String>,
    pub evidence: Evidence,
}

/// Where an input was filed: its series and date.
#[derive(Debug, Clone)]
struct Filed {
    series: Series,
    dated: Option<(Instant, &'static str)>,
}

/// Every snapshot input's series and date, by path.
#[derive(Debug, Default)]
pub(crate) struct Filing {
    files: BTreeMap<String, Filed>,
}

/// The used evidence split into the as-of run's and each older snapshot's.
pub(crate) struct Split {
    pub current: Collected,
    pub older: BTreeMap<Instant, Collected>,
    pub filing: Filing,
}

/// Files the used inputs into snapshots (see the module header).
pub(crate) fn split(used: Vec<Used>) -> Split {
    let dating = Dating::new(used.iter().filter_map(|u| match &u.evidence {
        Evidence::CollectionNote(started) => Some((u.path.as_str(), *started)),
        _ => None,
    }));
    let mut placed = Vec::with_capacity(used.len());
    let mut filing = Filing::default();
    for mut u in used {
        // An AWS export that does not name its account is of the account its path names (a folder
        // per account); Entra exports are of the run's one tenant.
        let account = match u.account.clone() {
            None if !u.label.starts_with("entra.") => account_in_path(&u.path),
            account => account,
        };
        let series = snapshot_kind(&u.label).map(|kind| (account, kind.to_string()));
        let dated = match &mut u.evidence {
            Evidence::CredentialReport(report) => match report.generated_time {
                Some(t) => Some((t, SOURCE_GENERATED_TIME)),
                None => {
                    let filed = dating.of_path(&u.path);
                    report.filed_at = filed.map(|(t, _)| t);
                    // Neither: the newest timestamp inside stands in, as for the as-of.
                    filed.or(report.newest_timestamp.map(|t| (t, SOURCE_NEWEST_TIMESTAMP)))
                }
            },
            _ => dating.of_path(&u.path),
        };
        if let Some(series) = &series {
            filing.files.insert(u.path.clone(), Filed { series: series.clone(), dated });
        }
        placed.push((series, dated, u.evidence));
    }
    let mut newest: HashMap<&Series, Instant> = HashMap::new();
    for (series, dated, _) in &placed {
        if let (Some(series), Some((t, _))) = (series, dated) {
            let slot = newest.entry(series).or_insert(*t);
            *slot = (*slot).max(*t);
        }
    }
    let newest: HashMap<Series, Instant> = newest.into_iter().map(|(s, t)| (s.clone(), t)).collect();
    let mut current = Collected::default();
    let mut older: BTreeMap<Instant, Collected> = BTreeMap::new();
    for (series, dated, evidence) in placed {
        match (series, dated) {
            (Some(series), Some((t, _))) if newest.get(&series).is_some_and(|&n| t < n) => {
                older.entry(t).or_default().add(evidence)
            }
            (_, dated) => {
                if let (Some((t, _)), Evidence::Entra(_)) = (dated, &evidence) {
                    current.date_entra(t);
                }
                current.add(evidence)
            }
        }
    }
    Split { current, older, filing }
}

impl Filing {
    /// The series and instant of a cited file; undated evidence is of the run's as-of.
    fn of(&self, file: &str, run_as_of: Option<Instant>) -> Option<(&Series, Instant)> {
        let filed = self.files.get(file)?;
        Some((&filed.series, filed.dated.map(|(t, _)| t).or(run_as_of)?))
    }

    /// Every snapshot: its series, instant, where the date came from and its files.
    pub(crate) fn snapshots(&self, run_as_of: Option<Instant>) -> Vec<SnapshotOut> {
        let mut by: BTreeMap<(Series, Instant, &'static str), Vec<String>> = BTreeMap::new();
        for (path, filed) in &self.files {
            let (at, source) = match filed.dated {
                Some(dated) => dated,
                None => match run_as_of {
                    Some(t) => (t, SOURCE_RUN_AS_OF),
                    None => continue,
                },
            };
            by.entry((filed.series.clone(), at, source)).or_default().push(path.clone());
        }
        by.into_iter()
            .map(|(((account, kind), as_of, source), files)| SnapshotOut {
                account,
                kind,
                as_of,
                date_source: source.to_string(),
                files,
            })
            .collect()
    }

    /// The instants of each series' snapshots, oldest first.
    pub(crate) fn series(&self, run_as_of: Option<Instant>) -> BTreeMap<Series, Vec<Instant>> {
        let mut out: BTreeMap<Series, BTreeSet<Instant>> = BTreeMap::new();
        for filed in self.files.values() {
            if let Some(t) = filed.dated.map(|(t, _)| t).or(run_as_of) {
                out.entry(filed.series.clone()).or_default().insert(t);
            }
        }
        out.into_iter().map(|(s, t)| (s, t.into_iter().collect())).collect()
    }
}

/// A control's identity: check, resource, account.
type Key = (&'static str, String, Option<String>);

/// The observations of every check × resource, gathered evaluation by evaluation.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    controls: HashMap<Key, (Series, Vec<Seen>)>,
}

impl Tracker {
    /// Records an outcome as an observation at the instant of the snapshot it cites (the newest,
    /// when it cites several). An outcome citing no snapshot evidence (CloudTrail logs) is judged
    /// over the period already and is not observed.
    pub(crate) fn observe(&mut self, outcome: &Outcome, filing: &Filing, run_as_of: Option<Instant>) {
        let cited = outcome.evidence.iter().filter_map(|e| filing.of(&e.file, run_as_of));
        let Some((series, at)) = cited.max_by_key(|(_, t)| *t) else { return };
        let failing = outcome.status == Status::Fail;
        let seen = Seen {
            at,
            status: outcome.status,
            since: outcome.since,
            detail: if failing { outcome.detail.clone() } else { String::new() },
            evidence: if failing { outcome.evidence.clone() } else { Vec::new() },
        };
        // An Entra export that names no tenant id is of the run's one tenant: no account, as its
        // snapshots say, rather than the placeholder the as-of results show.
        let account = outcome.account.clone().filter(|a| series.0.is_some() || a != UNKNOWN_TENANT);
        let key = (outcome.check, outcome.resource.clone(), account);
        let entry = self.controls.entry(key).or_insert_with(|| (series.clone(), Vec::new()));
        // One snapshot, one observation: a second outcome of the same instant (copies the rule did
        // not merge) keeps the less favourable.
        match entry.1.iter_mut().find(|s| s.at == at) {
            Some(existing) if existing.status != Status::Fail && failing => *existing = seen,
            Some(_) => {}
            None => entry.1.push(seen),
        }
    }

    /// Every tracked control, sorted by check, resource and account.
    pub(crate) fn into_sorted(self) -> Vec<(Key, Series, Vec<Seen>)> {
        let mut all: Vec<(Key, Series, Vec<Seen>)> =
            self.controls.into_iter().map(|(key, (series, seen))| (key, series, seen)).collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}
