//! Turns rule outcomes into reportable results: catalog severity and mappings attached, accepted-risk
//! exceptions applied (or reported as expired or unmatched), sorted for byte-stable output.
//!
//! A population of a million IAM users gives about five million results, so a result is kept
//! small: its check id is the rule table's `&'static str`, its mappings are the catalog entry's one
//! shared copy, and the strings results repeat (account, file, SHA-256, locator, resource, detail)
//! are stored once per distinct value and shared.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use globset::{Glob, GlobMatcher};
use serde::Serialize;

use crate::catalog::{Catalog, Severity};
use crate::checks::{Outcome, Status};
use crate::config::Exception;
use crate::facts::EvidenceRef;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ExceptionRef {
    pub reason: String,
    pub approved_by: String,
    pub expires: NaiveDate,
}

/// A string many results repeat, stored once: serialised as the plain string.
pub(crate) type Shared = Arc<str>;

/// One result of `findings.json` (DESIGN.md §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CheckResult {
    pub check: &'static str,
    pub status: Status,
    pub severity: Severity,
    pub resource: Shared,
    pub account: Option<Shared>,
    pub region: Option<Shared>,
    pub detail: Shared,
    /// The catalog entry's mappings, one copy shared by every result of the check.
    pub soc2: Arc<[String]>,
    pub cis_aws: Arc<[String]>,
    pub evidence: Box<[Cited]>,
    /// The accepted-risk exception that made this result `excepted`.
    pub exception: Option<Box<ExceptionRef>>,
}

/// Where a result's evidence is: [`EvidenceRef`] with its strings shared (a report's file name and
/// SHA-256 are the same for each of its rows, a row's locator the same for each of its checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Cited {
    pub file: Shared,
    pub sha256: Shared,
    pub locator: Shared,
}

/// A check's severity and catalog mappings (SOC 2, CIS AWS), shared by all its results.
type Mappings = (Severity, Arc<[String]>, Arc<[String]>);

/// One stored copy of each distinct string, for the duration of [`build`].
#[derive(Default)]
struct Interner(HashSet<Shared>);

impl Interner {
    fn get(&mut self, text: &str) -> Shared {
        if let Some(shared) = self.0.get(text) {
            return Shared::clone(shared);
        }
        let shared: Shared = Arc::from(text);
        self.0.insert(Shared::clone(&shared));
        shared
    }
}

/// What became of one `[[exceptions]]` entry in this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ExceptionUse {
    pub check: String,
    pub resource: String,
    pub reason: String,
    pub approved_by: String,
    pub expires: NaiveDate,
    /// `applied` (excepts at least one failure), `expired` (matches failures but no longer applies),
    /// `unmatched` (no failure matches).
    pub state: &'static str,
    /// Failing results the entry matches.
    pub matches: usize,
    /// Failing results it turned into `excepted`.
    pub applied: usize,
    /// Failing results that stay open because it expired (and no other exception covers them).
    pub reopened: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("rule {0} produced a result but the catalog has no entry for it")]
pub(crate) struct MissingCatalogEntry(pub String);

/// Builds sorted results. `as_of_day` decides whether an exception has expired (it applies through
/// its `expires` day); without an as-of no exception is considered expired. `outcomes` is consumed
/// as it comes, so a caller that yields them rule by rule never holds every outcome at once.
pub(crate) fn build(
    outcomes: impl IntoIterator<Item = Outcome>,
    catalog: &Catalog,
    exceptions: &[Exception],
    as_of_day: Option<NaiveDate>,
) -> Result<(Vec<CheckResult>, Vec<ExceptionUse>), MissingCatalogEntry> {
    // Patterns were validated with the config; one that still fails to compile matches literally.
    let matchers: Vec<Option<GlobMatcher>> =
        exceptions.iter().map(|e| Glob::new(&e.resource).ok().map(|g| g.compile_matcher())).collect();
    let matches = |i: usize, resource: &str| match &matchers[i] {
        Some(glob) => glob.is_match(resource),
        None => exceptions[i].resource == resource,
    };
    let mut uses: Vec<ExceptionUse> = exceptions
        .iter()
        .map(|e| ExceptionUse {
            check: e.check.clone(),
            resource: e.resource.clone(),
            reason: e.reason.clone(),
            approved_by: e.approved_by.clone(),
            expires: e.expires,
            state: "unmatched",
            matches: 0,
            applied: 0,
            reopened: 0,
        })
        .collect();

    let mut strings = Interner::default();
    // Per check: its severity and one shared copy of its mappings.
    let mut mappings: HashMap<&'static str, Mappings> = HashMap::new();
    let mut results = Vec::new();
    for outcome in outcomes {
        let (severity, soc2, cis_aws) = match mappings.get(outcome.check) {
            Some(known) => known.clone(),
            None => {
                let info = catalog.get(outcome.check).ok_or_else(|| MissingCatalogEntry(outcome.check.to_string()))?;
                let entry = (info.severity, Arc::from(info.soc2.as_slice()), Arc::from(info.cis_aws.as_slice()));
                mappings.insert(outcome.check, entry.clone());
                entry
            }
        };
        let Outcome { check, status, resource, account, region, mut detail, evidence, since: _ } = outcome;
        let mut exception = None;
        let mut status = status;
        if status == Status::Fail {
            let matching: Vec<usize> =
                (0..exceptions.len()).filter(|&i| exceptions[i].check == check && matches(i, &resource)).collect();
            let expired = |i: usize| as_of_day.is_some_and(|day| day > exceptions[i].expires);
            for &i in &matching {
                uses[i].matches += 1;
            }
            match matching.iter().copied().find(|&i| !expired(i)) {
                Some(i) => {
                    uses[i].applied += 1;
                    status = Status::Excepted;
                    exception = Some(Box::new(ExceptionRef {
                        reason: exceptions[i].reason.clone(),
                        approved_by: exceptions[i].approved_by.clone(),
                        expires: exceptions[i].expires,
                    }));
                }
                None => {
                    if let Some(&i) = matching.first() {
                        uses[i].reopened += 1;
                        detail.push_str(&format!(
                            " (an exception approved by {} expired on {}; it no longer applies)",
                            exceptions[i].approved_by, exceptions[i].expires
                        ));
                    }
                }
            }
        }
        results.push(CheckResult {
            check,
            status,
            severity,
            resource: strings.get(&resource),
            account: account.as_deref().map(|a| strings.get(a)),
            region: region.as_deref().map(|r| strings.get(r)),
            detail: strings.get(&detail),
            soc2,
            cis_aws,
            evidence: evidence.iter().map(|e| cite(&mut strings, e)).collect(),
            exception,
        });
    }
    drop(strings);
    results.shrink_to_fit();
    for (i, usage) in uses.iter_mut().enumerate() {
        let expired = as_of_day.is_some_and(|day| day > exceptions[i].expires);
        usage.state = match (usage.matches, expired) {
            (0, _) => "unmatched",
            (_, true) => "expired",
            (_, false) => "applied",
        };
    }
    results.sort_by(|a, b| {
        (a.severity, &a.check, &a.resource, a.status, &a.account, &a.detail).cmp(&(
            b.severity,
            &b.check,
            &b.resource,
            b.status,
            &b.account,
            &b.detail,
        ))
    });
    Ok((results, uses))
}

fn cite(strings: &mut Interner, evidence: &EvidenceRef) -> Cited {
    Cited {
        file: strings.get(&evidence.file),
        sha256: strings.get(&evidence.sha256),
        locator: strings.get(&evidence.locator),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(check: &'static str, resource: &str, status: Status) -> Outcome {
        Outcome {
            check,
            status,
            resource: resource.into(),
            account: Some("123456789012".into()),
            region: None,
            detail: "d".into(),
            evidence: vec![],
            since: None,
        }
    }

    fn exception(resource: &str, expires: &str) -> Exception {
        Exception {
            check: "aws.iam.console_user_mfa".into(),
            resource: resource.into(),
            reason: "break-glass user, reviewed".into(),
            approved_by: "CISO".into(),
            expires: expires.parse().unwrap(),
        }
    }

    #[test]
    fn exceptions_apply_until_they_expire_and_are_always_reported() {
        let catalog = Catalog::embedded().unwrap();
        let outcomes = vec![
            outcome("aws.iam.console_user_mfa", "arn:aws:iam::123456789012:user/breakglass", Status::Fail),
            outcome("aws.iam.console_user_mfa", "arn:aws:iam::123456789012:user/old", Status::Fail),
            outcome("aws.iam.console_user_mfa", "arn:aws:iam::123456789012:user/ok", Status::Pass),
        ];
        let exceptions = [
            exception("*:user/breakglass", "2026-10-01"),
            exception("arn:aws:iam::123456789012:user/old", "2026-09-29"),
            exception("arn:aws:iam::123456789012:user/gone", "2027-01-01"),
        ];
        let day = "2026-09-30".parse().ok();
        let (results, uses) = build(outcomes, &catalog, &exceptions, day).unwrap();
        let by = |suffix: &str| results.iter().find(|r| r.resource.ends_with(suffix)).unwrap();
        assert_eq!(by("breakglass").status, Status::Excepted);
        assert_eq!(by("breakglass").exception.as_ref().unwrap().approved_by, "CISO");
        assert_eq!(by("user/old").status, Status::Fail);
        assert!(by("user/old").detail.contains("expired on 2026-09-29"));
        assert_eq!(by("user/ok").status, Status::Pass);
        let states: Vec<&str> = uses.iter().map(|u| u.state).collect();
        assert_eq!(states, ["applied", "expired", "unmatched"]);
        assert_eq!((uses[1].matches, uses[1].reopened), (1, 1));
    }

    #[test]
    fn a_valid_exception_wins_over_an_expired_one_for_the_same_failure() {
        let catalog = Catalog::embedded().unwrap();
        let outcomes = vec![outcome("aws.iam.console_user_mfa", "arn:aws:iam::123456789012:user/x", Status::Fail)];
        let exceptions = [exception("*:user/x", "2026-01-01"), exception("*:user/x", "2027-01-01")];
        let (results, uses) = build(outcomes, &catalog, &exceptions, "2026-09-30".parse().ok()).unwrap();
        assert_eq!(results[0].status, Status::Excepted);
        assert!(!results[0].detail.contains("no longer applies"));
        assert_eq!((uses[0].state, uses[0].reopened), ("expired", 0));
        assert_eq!((uses[1].state, uses[1].applied), ("applied", 1));
    }

    #[test]
    fn results_sort_by_severity_then_check_then_resource() {
        let catalog = Catalog::embedded().unwrap();
        let outcomes = vec![
            outcome("aws.iam.multiple_active_keys", "b", Status::Pass),
            outcome("aws.iam.root_mfa", "z", Status::Fail),
            outcome("aws.iam.multiple_active_keys", "a", Status::Fail),
        ];
        let (results, _) = build(outcomes, &catalog, &[], None).unwrap();
        let order: Vec<(&str, &str)> = results.iter().map(|r| (r.check, &*r.resource)).collect();
        assert_eq!(
            order,
            [("aws.iam.root_mfa", "z"), ("aws.iam.multiple_active_keys", "a"), ("aws.iam.multiple_active_keys", "b")]
        );
    }

    /// A million-user report gives millions of results: each distinct string is stored once and
    /// each check's mappings are the catalog's one copy, instead of a clone per result.
    #[test]
    fn results_share_one_copy_of_the_strings_they_repeat() {
        let catalog = Catalog::embedded().unwrap();
        let cited =
            |locator: &str| EvidenceRef { file: "r.csv".into(), sha256: "ab".repeat(32), locator: locator.into() };
        let mut a = outcome("aws.iam.console_user_mfa", "arn:aws:iam::123456789012:user/a", Status::Fail);
        a.evidence = vec![cited("line 2")];
        let mut b = outcome("aws.iam.console_user_mfa", "arn:aws:iam::123456789012:user/b", Status::Pass);
        b.evidence = vec![cited("line 3")];
        let mut c = outcome("aws.iam.inactive_user", "arn:aws:iam::123456789012:user/a", Status::Pass);
        c.evidence = vec![cited("line 2")];
        let (results, _) = build(vec![a, b, c], &catalog, &[], None).unwrap();
        let by = |check: &str, suffix: &str| {
            results.iter().find(|r| r.check == check && r.resource.ends_with(suffix)).unwrap()
        };
        let (a, b, c) = (
            by("aws.iam.console_user_mfa", "/a"),
            by("aws.iam.console_user_mfa", "/b"),
            by("aws.iam.inactive_user", "/a"),
        );
        let shared = |x: &Shared, y: &Shared| Arc::ptr_eq(x, y);
        assert!(shared(a.account.as_ref().unwrap(), b.account.as_ref().unwrap()), "account cloned per result");
        assert!(
            shared(&a.evidence[0].file, &b.evidence[0].file) && shared(&a.evidence[0].sha256, &c.evidence[0].sha256)
        );
        assert!(shared(&a.evidence[0].locator, &c.evidence[0].locator), "a row's locator cloned per check");
        assert!(shared(&a.resource, &c.resource) && shared(&a.detail, &b.detail));
        assert!(Arc::ptr_eq(&a.soc2, &b.soc2), "the check's mappings cloned per result");
        // What findings.json says is unchanged: the plain strings.
        let json = serde_json::to_value(a).unwrap();
        assert_eq!(json["account"], "123456789012");
        assert_eq!(json["evidence"][0]["locator"], "line 2");
        assert_eq!(json["soc2"], serde_json::json!(["CC6.1"]));
    }
}
