//! Checks: pure functions over facts, one per catalog id. They decide pass, fail or unknown for
//! every member of a check's population; severity, mappings and wording come from the catalog.

pub mod cloudtrail;
pub mod credentials;
pub mod entra;
pub mod posture;
pub mod trails;

use serde::Serialize;

use crate::config::Thresholds;
pub use crate::facts::EvidenceRef;
use crate::facts::Facts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// A failure covered by an accepted-risk exception in gapscope.toml.
    Excepted,
    /// The evidence does not say (a column missing, a value unreadable).
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Excepted => "excepted",
            Status::Unknown => "unknown",
        }
    }
}

/// What a rule says about one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub check: &'static str,
    pub status: Status,
    pub resource: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub detail: String,
    pub evidence: Vec<EvidenceRef>,
}

pub type Evaluate = fn(&Facts, &Thresholds) -> Vec<Outcome>;

/// A rule registered under its catalog id.
pub struct Rule {
    pub id: &'static str,
    pub evaluate: Evaluate,
}

/// Every rule gapscope has. The catalog test proves each has a catalog entry and vice versa.
pub fn rules() -> Vec<&'static Rule> {
    [credentials::RULES, trails::RULES, cloudtrail::RULES, entra::RULES]
        .into_iter()
        .flatten()
        .chain(posture::rules())
        .collect()
}

/// Runs every rule over the facts.
pub fn evaluate_all(facts: &Facts, thresholds: &Thresholds) -> Vec<Outcome> {
    rules().iter().flat_map(|rule| (rule.evaluate)(facts, thresholds)).collect()
}
