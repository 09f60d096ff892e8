//! The model the checks read, one module per evidence domain: credential reports, CloudTrail
//! (records reduced to tallies, log files, trail configuration, integrity), Entra ID and the AWS
//! configuration exports. Each domain merges its files here (copies, versions, accounts); checks
//! read only this, never files.

pub mod cloudtrail;
pub mod credentials;
pub mod entra;
pub mod posture;

use serde::Serialize;

use crate::timefmt::Instant;

pub use credentials::{AsOfSource, Assembly, AssessedReport, Superseded, assemble};

#[derive(Debug, Default)]
pub struct Facts {
    /// One credential report per account: the newest one in the evidence.
    pub credential_reports: Vec<AssessedReport>,
    pub cloudtrail: cloudtrail::facts::CloudTrailFacts,
    pub entra: entra::EntraFacts,
    pub posture: posture::PostureFacts,
}

/// Where in the evidence a fact (and so a result) comes from, so an auditor can look it up.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EvidenceRef {
    pub file: String,
    pub sha256: String,
    pub locator: String,
}

impl Facts {
    /// The run's as-of (DESIGN.md §5): the newest of the artifacts' own (a report's generation time,
    /// the end of the log period); undated reports have none.
    pub fn as_of(&self) -> Option<Instant> {
        let reports = self.credential_reports.iter().filter(|r| r.as_of_source != AsOfSource::Undated).map(|r| r.as_of);
        reports.chain(self.cloudtrail.newest()).chain(self.entra.as_of).max()
    }
}
