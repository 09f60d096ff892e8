//! The model the checks read, one module per evidence domain: credential reports, CloudTrail
//! (records reduced to tallies, log files, trail configuration, integrity), Entra ID and the AWS
//! configuration exports. Each domain merges its files here (copies, versions, accounts); checks
//! read only this, never files.

pub(crate) mod cloudtrail;
pub(crate) mod credentials;
pub(crate) mod entra;
pub(crate) mod posture;

use serde::Serialize;

use crate::formats::aws::cloudtrail_digest::PublicKey;
use crate::formats::aws::credential_report::CredentialReport;
use crate::timefmt::Instant;
use cloudtrail::aggregate::Aggregate;
use cloudtrail::coverage::ObservationPeriod;
use cloudtrail::facts::{CloudTrailFacts, CloudTrailFiles, LogFile};
use cloudtrail::integrity::DigestSeen;
use cloudtrail::trails::ConfigFile;

pub(crate) use credentials::{AsOfSource, Assembly, AssessedReport, assemble};

#[derive(Debug, Default)]
pub(crate) struct Facts {
    /// One credential report per account: the newest one in the evidence.
    pub credential_reports: Vec<AssessedReport>,
    pub cloudtrail: CloudTrailFacts,
    pub entra: entra::EntraFacts,
    pub posture: posture::PostureFacts,
}

/// Where in the evidence a fact (and so a result) comes from, so an auditor can look it up.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct EvidenceRef {
    pub file: String,
    pub sha256: String,
    pub locator: String,
}

impl Facts {
    /// The run's as-of (DESIGN.md §5): the newest of the artifacts' own (a report's generation time,
    /// the end of the log period); undated reports have none.
    pub(crate) fn as_of(&self) -> Option<Instant> {
        let reports = self.credential_reports.iter().filter(|r| r.as_of_source != AsOfSource::Undated).map(|r| r.as_of);
        reports.chain(self.cloudtrail.newest()).chain(self.entra.as_of).max()
    }
}

/// What a used input contributes to the facts, by the domain it feeds. CloudTrail records are not
/// kept: they went into the run's [`Aggregate`] as they streamed.
#[derive(Debug)]
pub(crate) enum Evidence {
    CredentialReport(CredentialReport),
    LogFile(LogFile),
    TrailConfig(ConfigFile),
    Digest(Box<DigestSeen>),
    PublicKeys(Vec<PublicKey>),
    /// An Entra ID export (sign-ins, users, registrations, CA policies, apps, roles).
    Entra(entra::EntraFile),
    /// An AWS CLI configuration export (network, storage, IAM policy, monitoring).
    Posture(Box<posture::PostureFile>),
    /// A collection script's `COLLECTION.txt`: when its bundle was collected. It dates the bundle's
    /// snapshots and feeds no check.
    CollectionNote(Instant),
}

/// The evidence of every used input, gathered by domain until the facts are built from it.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    reports: Vec<CredentialReport>,
    cloudtrail: CloudTrailFiles,
    entra: Vec<entra::EntraFile>,
    posture: Vec<posture::PostureFile>,
    /// The newest date the Entra exports were filed under (a dated folder, `COLLECTION.txt`): their
    /// as-of, when no `--as-of` is given.
    entra_filed: Option<Instant>,
}

impl Collected {
    pub(crate) fn add(&mut self, evidence: Evidence) {
        match evidence {
            Evidence::CredentialReport(report) => self.reports.push(report),
            Evidence::LogFile(file) => self.cloudtrail.log_files.push(file),
            Evidence::TrailConfig(file) => self.cloudtrail.configs.push(file),
            Evidence::Digest(digest) => self.cloudtrail.digests.push(*digest),
            Evidence::PublicKeys(keys) => self.cloudtrail.public_keys.extend(keys),
            Evidence::Entra(file) => self.entra.push(file),
            Evidence::Posture(file) => self.posture.push(*file),
            Evidence::CollectionNote(_) => {}
        }
    }

    /// Dates the Entra exports: they were filed (a dated folder, a collection bundle) at `t`.
    pub(crate) fn date_entra(&mut self, t: Instant) {
        self.entra_filed = self.entra_filed.max(Some(t));
    }

    /// Merges each domain's files into its facts, with what an auditor must be told about them.
    pub(crate) fn build(
        self,
        records: Aggregate,
        as_of_override: Option<Instant>,
        period: Option<ObservationPeriod>,
    ) -> Assembly {
        let mut assembly = assemble(self.reports, as_of_override);
        assembly.notes.extend(cloudtrail::facts::counting_notes(&records, period));
        assembly.facts.cloudtrail = CloudTrailFacts::new(records, self.cloudtrail, period);
        assembly.notes.extend(assembly.facts.cloudtrail.notes.iter().cloned());
        assembly.notes.extend(assembly.facts.cloudtrail.trails.unattached.iter().cloned());
        assembly.facts.entra = entra::EntraFacts::new(self.entra, as_of_override, period);
        if as_of_override.is_none() {
            // Filed after its newest timestamp, the export is of the filing date.
            let entra = &mut assembly.facts.entra;
            entra.as_of = entra.as_of.max(self.entra_filed);
        }
        assembly.notes.extend(assembly.facts.entra.notes());
        let mut known_accounts = assembly.facts.cloudtrail.accounts();
        known_accounts.extend(assembly.facts.credential_reports.iter().filter_map(|r| r.report.account.clone()));
        assembly.facts.posture = posture::PostureFacts::new(self.posture, &known_accounts);
        assembly.notes.extend(assembly.facts.posture.notes.iter().cloned());
        assembly
    }
}
