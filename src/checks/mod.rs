//! Checks: pure functions over facts, one per catalog id. They decide pass, fail or unknown for
//! every member of a check's population; severity, mappings and wording come from the catalog.

pub(crate) mod cloudtrail;
pub(crate) mod credentials;
pub(crate) mod entra;
pub(crate) mod posture;
pub(crate) mod trails;

use serde::Serialize;

use crate::config::Thresholds;
pub(crate) use crate::facts::EvidenceRef;
use crate::facts::Facts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Pass,
    Fail,
    /// A failure covered by an accepted-risk exception in gapscope.toml.
    Excepted,
    /// The evidence does not say (a column missing, a value unreadable).
    Unknown,
}

/// What a rule says about one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub check: &'static str,
    pub status: Status,
    pub resource: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub detail: String,
    pub evidence: Vec<EvidenceRef>,
    /// Since when the status has held, by the evidence's own timestamps (a key over the rotation
    /// limit since its last rotation + limit + 1 day; passing since it was rotated): dates the
    /// start or end of a violation between snapshots. `None` where the evidence does not say.
    pub since: Option<crate::timefmt::Instant>,
}

/// A rule: given its own catalog id (the rule table is the one place that names it), the facts and
/// the thresholds, what it says about every member of its population.
pub(crate) type Evaluate = fn(&'static str, &Facts, &Thresholds) -> Vec<Outcome>;

/// A rule registered under its catalog id.
pub(crate) struct Rule {
    pub id: &'static str,
    pub evaluate: Evaluate,
}

impl Rule {
    pub(crate) fn run(&self, facts: &Facts, thresholds: &Thresholds) -> Vec<Outcome> {
        (self.evaluate)(self.id, facts, thresholds)
    }
}

/// Every rule gapscope has. The catalog test proves each has a catalog entry and vice versa.
pub(crate) fn rules() -> Vec<&'static Rule> {
    [credentials::RULES, trails::RULES, cloudtrail::RULES, entra::RULES]
        .into_iter()
        .flatten()
        .chain(posture::rules())
        .collect()
}

/// Runs every rule over the facts, one rule at a time as the outcomes are consumed: a million-user
/// credential report gives millions of outcomes, and only one rule's are held at once.
pub(crate) fn evaluate_all<'a>(facts: &'a Facts, thresholds: &'a Thresholds) -> impl Iterator<Item = Outcome> + 'a {
    rules().into_iter().flat_map(move |rule| rule.run(facts, thresholds))
}

/// Is this a rule over snapshot evidence (a picture of one moment)? The CloudTrail record rules
/// judge the whole log period at once and are not re-run per snapshot.
pub(crate) fn is_snapshot_rule(check: &str) -> bool {
    !cloudtrail::RULES.iter().any(|r| r.id == check)
}

/// Runs the snapshot rules over the facts of one older snapshot.
pub(crate) fn evaluate_snapshot<'a>(
    facts: &'a Facts,
    thresholds: &'a Thresholds,
) -> impl Iterator<Item = Outcome> + 'a {
    rules().into_iter().filter(|r| is_snapshot_rule(r.id)).flat_map(move |rule| rule.run(facts, thresholds))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule sources, outside their test modules.
    const SOURCES: [(&str, &str); 9] = [
        ("cloudtrail.rs", include_str!("cloudtrail.rs")),
        ("credentials.rs", include_str!("credentials.rs")),
        ("entra.rs", include_str!("entra.rs")),
        ("trails.rs", include_str!("trails.rs")),
        ("posture/iam.rs", include_str!("posture/iam.rs")),
        ("posture/monitoring.rs", include_str!("posture/monitoring.rs")),
        ("posture/network.rs", include_str!("posture/network.rs")),
        ("posture/storage.rs", include_str!("posture/storage.rs")),
        ("posture/mod.rs", include_str!("posture/mod.rs")),
    ];

    /// A check id is written once, in its rule table: a rule body that names an id itself could
    /// attribute its results to another check without anything failing.
    #[test]
    fn rule_bodies_never_name_a_check_id() {
        let ids: Vec<&str> = rules().iter().map(|r| r.id).collect();
        for (file, source) in SOURCES {
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                if line.contains("Rule { id:") {
                    continue;
                }
                for id in &ids {
                    assert!(
                        !line.contains(&format!("\"{id}\"")),
                        "{file}:{}: names check {id} outside the rule table",
                        n + 1
                    );
                }
            }
        }
    }

    #[test]
    fn ids_are_unique_and_each_rule_is_given_its_own() {
        let mut ids: Vec<&str> = rules().iter().map(|r| r.id).collect();
        let all = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all, "two rules share an id");
        fn echo(check: &'static str, _: &Facts, _: &Thresholds) -> Vec<Outcome> {
            vec![Outcome {
                check,
                status: Status::Pass,
                resource: "r".into(),
                account: None,
                region: None,
                detail: String::new(),
                evidence: Vec::new(),
                since: None,
            }]
        }
        let rule = Rule { id: "x.y.z", evaluate: echo };
        assert_eq!(rule.run(&Facts::default(), &Thresholds::default())[0].check, "x.y.z");
    }
}
