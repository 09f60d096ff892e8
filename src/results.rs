//! Turns rule outcomes into reportable results: catalog severity and mappings attached, accepted-risk
//! exceptions applied (or reported as expired or unmatched), sorted for byte-stable output.

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

/// One result of `findings.json` (DESIGN.md §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CheckResult {
    pub check: String,
    pub status: Status,
    pub severity: Severity,
    pub resource: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub detail: String,
    pub soc2: Vec<String>,
    pub cis_aws: Vec<String>,
    pub evidence: Vec<EvidenceRef>,
    /// The accepted-risk exception that made this result `excepted`.
    pub exception: Option<ExceptionRef>,
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
/// its `expires` day); without an as-of no exception is considered expired.
pub(crate) fn build(
    outcomes: Vec<Outcome>,
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

    let mut results = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        let info = catalog.get(outcome.check).ok_or_else(|| MissingCatalogEntry(outcome.check.to_string()))?;
        let mut result = CheckResult {
            check: outcome.check.to_string(),
            status: outcome.status,
            severity: info.severity,
            resource: outcome.resource,
            account: outcome.account,
            region: outcome.region,
            detail: outcome.detail,
            soc2: info.soc2.clone(),
            cis_aws: info.cis_aws.clone(),
            evidence: outcome.evidence,
            exception: None,
        };
        if result.status == Status::Fail {
            let matching: Vec<usize> = (0..exceptions.len())
                .filter(|&i| exceptions[i].check == result.check && matches(i, &result.resource))
                .collect();
            let expired = |i: usize| as_of_day.is_some_and(|day| day > exceptions[i].expires);
            for &i in &matching {
                uses[i].matches += 1;
            }
            match matching.iter().copied().find(|&i| !expired(i)) {
                Some(i) => {
                    uses[i].applied += 1;
                    result.status = Status::Excepted;
                    result.exception = Some(ExceptionRef {
                        reason: exceptions[i].reason.clone(),
                        approved_by: exceptions[i].approved_by.clone(),
                        expires: exceptions[i].expires,
                    });
                }
                None => {
                    if let Some(&i) = matching.first() {
                        uses[i].reopened += 1;
                        result.detail.push_str(&format!(
                            " (an exception approved by {} expired on {}; it no longer applies)",
                            exceptions[i].approved_by, exceptions[i].expires
                        ));
                    }
                }
            }
        }
        results.push(result);
    }
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
        let order: Vec<(&str, &str)> = results.iter().map(|r| (r.check.as_str(), r.resource.as_str())).collect();
        assert_eq!(
            order,
            [("aws.iam.root_mfa", "z"), ("aws.iam.multiple_active_keys", "a"), ("aws.iam.multiple_active_keys", "b")]
        );
    }
}
