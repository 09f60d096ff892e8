//! The run's used evidence filed into snapshots, and the observations the snapshots give. Each
//! input goes to exactly one evaluation: the newest snapshot of each series (and undated evidence,
//! and every CloudTrail log) to the as-of run, whose results are `results[]`; each older snapshot
//! to an evaluation of its own, dated at its instant. So copies of one resource in one snapshot
//! still merge as before, and copies in different snapshots are a time series.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::SnapshotOut;
use super::controls::{Failure, Seen, Series};
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
    /// Hashed, not ordered: every observation looks its file up, and paths share long prefixes.
    files: HashMap<String, Filed>,
}

/// The used evidence split into the as-of run's and each older snapshot's.
pub(crate) struct Split {
    pub current: Collected,
    pub older: BTreeMap<Instant, Collected>,
    pub filing: Filing,
}

/// Files the used inputs into snapshots (see the module header). With `--as-of`, the as-of run's
/// snapshot of a series is its newest not after that instant (a later one is still a snapshot of the
/// period), unless every snapshot of the series is later.
pub(crate) fn split(used: Vec<Used>, as_of_override: Option<Instant>) -> Split {
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
            let fits = |t: Instant| as_of_override.is_none_or(|a| t <= a);
            let slot = newest.entry(series).or_insert(*t);
            // The newest that fits the as-of wins over any that does not.
            *slot = match (fits(*slot), fits(*t)) {
                (true, false) => *slot,
                (false, true) => *t,
                _ => (*slot).max(*t),
            };
        }
    }
    let newest: HashMap<Series, Instant> = newest.into_iter().map(|(s, t)| (s.clone(), t)).collect();
    let mut current = Collected::default();
    let mut older: BTreeMap<Instant, Collected> = BTreeMap::new();
    for (series, dated, evidence) in placed {
        match (series, dated) {
            (Some(series), Some((t, _))) if newest.get(&series).is_some_and(|&n| t != n) => {
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
            .map(|(((account, kind), as_of, source), mut files)| {
                files.sort();
                (((account, kind), as_of, source), files)
            })
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

/// The observations of one check's controls, by account and resource (looked up by reference: a
/// year of a large population is millions of observations of a few hundred thousand controls).
type ByAccount = HashMap<Option<String>, HashMap<String, (Series, Vec<Seen>)>>;

/// The observations of every check × resource, gathered evaluation by evaluation.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    controls: HashMap<&'static str, ByAccount>,
}

impl Tracker {
    /// Records an outcome as an observation at the instant of the snapshot it cites (the newest,
    /// when it cites several). An outcome citing no snapshot evidence (CloudTrail logs) is judged
    /// over the period already and is not observed.
    pub(crate) fn observe(&mut self, outcome: &Outcome, filing: &Filing, run_as_of: Option<Instant>) {
        let failure = || Failure { detail: outcome.detail.clone(), evidence: outcome.evidence.clone() };
        self.record(outcome, failure, filing, run_as_of);
    }

    /// [`Tracker::observe`] of an outcome nothing else needs.
    pub(crate) fn observe_owned(&mut self, mut outcome: Outcome, filing: &Filing, run_as_of: Option<Instant>) {
        let failure = (outcome.status == Status::Fail)
            .then(|| Failure { detail: std::mem::take(&mut outcome.detail), evidence: outcome.evidence.clone() });
        self.record(&outcome, move || failure.unwrap_or_default(), filing, run_as_of);
    }

    fn record(
        &mut self,
        outcome: &Outcome,
        failure: impl FnOnce() -> Failure,
        filing: &Filing,
        run_as_of: Option<Instant>,
    ) {
        let cited = outcome.evidence.iter().filter_map(|e| filing.of(&e.file, run_as_of));
        let Some((series, at)) = cited.max_by_key(|(_, t)| *t) else { return };
        let failing = outcome.status == Status::Fail;
        let seen =
            Seen { at, status: outcome.status, since: outcome.since, failure: failing.then(|| Box::new(failure())) };
        // An Entra export that names no tenant id is of the run's one tenant: no account, as its
        // snapshots say, rather than the placeholder the as-of results show.
        let placeholder = series.0.is_none() && outcome.account.as_deref() == Some(UNKNOWN_TENANT);
        let account = if placeholder { &None } else { &outcome.account };
        let by_account = self.controls.entry(outcome.check).or_default();
        if !by_account.contains_key(account) {
            by_account.insert(account.clone(), HashMap::new());
        }
        let Some(by_resource) = by_account.get_mut(account) else { return };
        let entry = match by_resource.get_mut(outcome.resource.as_str()) {
            Some(entry) => entry,
            None => by_resource.entry(outcome.resource.clone()).or_insert_with(|| (series.clone(), Vec::new())),
        };
        // One snapshot, one observation: a second outcome of the same instant (copies the rule did
        // not merge) keeps the less favourable.
        match entry.1.iter_mut().rev().find(|s| s.at == at) {
            Some(existing) if existing.status != Status::Fail && failing => *existing = seen,
            Some(_) => {}
            None => entry.1.push(seen),
        }
    }

    /// Adds another tracker's observations (of other snapshots) to these.
    pub(crate) fn merge(&mut self, other: Tracker) {
        for (check, by_account) in other.controls {
            let mine = self.controls.entry(check).or_default();
            for (account, by_resource) in by_account {
                let mine = mine.entry(account).or_default();
                for (resource, (series, seen)) in by_resource {
                    mine.entry(resource).or_insert_with(|| (series, Vec::new())).1.extend(seen);
                }
            }
        }
    }

    /// Every tracked control, sorted by check, resource and account.
    pub(crate) fn into_sorted(self) -> Vec<(Key, Series, Vec<Seen>)> {
        let mut all = Vec::new();
        for (check, by_account) in self.controls {
            for (account, by_resource) in by_account {
                for (resource, (series, seen)) in by_resource {
                    all.push(((check, resource, account.clone()), series, seen));
                }
            }
        }
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

/// Evaluates every older snapshot with the snapshot rules, `jobs` at a time, into one tracker.
pub(crate) fn observe_older(
    older: &[(Instant, crate::facts::Facts)],
    filing: &Filing,
    run_as_of: Option<Instant>,
    thresholds: &crate::config::Thresholds,
    jobs: usize,
) -> Tracker {
    use rayon::prelude::*;
    // One tracker per worker over a run of snapshots, merged at the end: a tracker per snapshot
    // would merge hundreds of thousands of controls once per snapshot.
    let chunk = older.len().div_ceil(jobs.max(1)).max(1);
    let work = || {
        older
            .par_chunks(chunk)
            .map(|snapshots| {
                let mut tracker = Tracker::default();
                for (_, facts) in snapshots {
                    for outcome in crate::checks::evaluate_snapshot(facts, thresholds) {
                        tracker.observe_owned(outcome, filing, run_as_of);
                    }
                }
                tracker
            })
            .reduce(Tracker::default, |mut a, b| {
                a.merge(b);
                a
            })
    };
    match rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::AsOfSource;
    use crate::facts::cloudtrail::aggregate::Aggregate;
    use crate::formats::aws::credential_report::parse_csv;
    use crate::timefmt::parse_timestamp;

    const CSV: &str = "user,arn,user_creation_time,password_enabled,mfa_active\nalice,arn:aws:iam::111111111111:user/alice,2026-01-01T00:00:00+00:00,true,false\n";

    fn report(path: &str, generated: Option<&str>) -> Used {
        let mut report = parse_csv(path, "ab", CSV.as_bytes()).unwrap();
        report.generated_time = generated.and_then(parse_timestamp);
        Used {
            path: path.into(),
            label: "aws.iam.credential_report (csv)".into(),
            account: Some("111111111111".into()),
            evidence: Evidence::CredentialReport(report),
        }
    }

    /// The newest report of the account is the as-of run's, dated by its folder when it has no
    /// GeneratedTime; the older ones are snapshots of their own dates.
    #[test]
    fn the_newest_snapshot_of_a_series_is_the_as_of_runs_and_older_ones_stand_apart() {
        let split = split(
            vec![
                report("in/jan/r.json", Some("2026-01-31T12:00:00Z")),
                report("in/2026-03-31/r.csv", None),
                report("in/feb/r.json", Some("2026-02-28T12:00:00Z")),
            ],
            None,
        );
        let older: Vec<Instant> = split.older.keys().copied().collect();
        assert_eq!(
            older,
            [parse_timestamp("2026-01-31T12:00:00Z").unwrap(), parse_timestamp("2026-02-28T12:00:00Z").unwrap()]
        );
        let current = split.current.build(Aggregate::default(), None, None);
        let newest = &current.facts.credential_reports;
        assert_eq!(newest.len(), 1);
        assert_eq!(
            (newest[0].report.file.as_str(), newest[0].as_of_source),
            ("in/2026-03-31/r.csv", AsOfSource::Filed)
        );
        assert_eq!(newest[0].as_of, parse_timestamp("2026-03-31T00:00:00Z").unwrap());
        assert!(current.superseded.is_empty(), "an older snapshot is not superseded: it is evidence of the period");
        let snapshots = split.filing.snapshots(None);
        let sources: Vec<&str> = snapshots.iter().map(|s| s.date_source.as_str()).collect();
        assert_eq!(sources, ["GeneratedTime", "GeneratedTime", "folder or zip name"]);
    }

    /// `--as-of` in the middle of the evidence: the as-of results are of the snapshot then, and the
    /// later ones are still snapshots of the period.
    #[test]
    fn with_an_as_of_the_newest_snapshot_not_after_it_gives_the_as_of_results() {
        let reports = || {
            vec![
                report("in/jan/r.json", Some("2026-01-31T12:00:00Z")),
                report("in/feb/r.json", Some("2026-02-28T12:00:00Z")),
                report("in/mar/r.json", Some("2026-03-31T12:00:00Z")),
            ]
        };
        let t = |s: &str| parse_timestamp(s).unwrap();
        let split_ = split(reports(), Some(t("2026-03-01T00:00:00Z")));
        let older: Vec<Instant> = split_.older.keys().copied().collect();
        assert_eq!(older, [t("2026-01-31T12:00:00Z"), t("2026-03-31T12:00:00Z")]);
        let current = split_.current.build(Aggregate::default(), None, None);
        assert_eq!(current.facts.credential_reports[0].report.file, "in/feb/r.json");
        // Every snapshot after the as-of: the newest of them.
        let split_ = split(reports(), Some(t("2025-12-31T00:00:00Z")));
        let current = split_.current.build(Aggregate::default(), None, None);
        assert_eq!(current.facts.credential_reports[0].report.file, "in/mar/r.json");
    }

    #[test]
    fn an_outcome_is_observed_at_the_snapshot_it_cites_and_logs_are_not_observed() {
        let split = split(vec![report("in/2026-03-31/r.csv", None)], None);
        let outcome = |file: &str, status: Status| Outcome {
            check: "aws.iam.console_user_mfa",
            status,
            resource: "arn:aws:iam::111111111111:user/alice".into(),
            account: Some("111111111111".into()),
            region: None,
            detail: "d".into(),
            evidence: vec![crate::facts::EvidenceRef {
                file: file.into(),
                sha256: "ab".into(),
                locator: "line 2".into(),
            }],
            since: None,
        };
        let mut tracker = Tracker::default();
        tracker.observe(&outcome("in/2026-03-31/r.csv", Status::Pass), &split.filing, None);
        // A copy of the same instant that fails wins; an outcome citing a CloudTrail log is no observation.
        tracker.observe(&outcome("in/2026-03-31/r.csv", Status::Fail), &split.filing, None);
        tracker.observe(&outcome("AWSLogs/x.json.gz", Status::Fail), &split.filing, None);
        let tracked = tracker.into_sorted();
        assert_eq!(tracked.len(), 1);
        let seen = &tracked[0].2;
        assert_eq!(seen.len(), 1);
        assert_eq!((seen[0].at, seen[0].status), (parse_timestamp("2026-03-31T00:00:00Z").unwrap(), Status::Fail));
    }
}
