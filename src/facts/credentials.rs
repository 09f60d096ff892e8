//! Credential reports in the facts: per account the report to assess, with the as-of its ages are
//! measured against (DESIGN.md §5), after choosing between copies and versions of the same report.

use std::collections::BTreeMap;

use super::Facts;
use crate::formats::aws::credential_report::CredentialReport;
use crate::timefmt::{Instant, age_days, format_instant};

/// Where a report's as-of came from; said in the outputs because an auditor must know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AsOfSource {
    /// `--as-of` was given.
    Override,
    /// The report's own `GeneratedTime`.
    GeneratedTime,
    /// The report does not say when it was generated, but the dated folder or collection bundle it
    /// was filed in does.
    Filed,
    /// The report does not say when it was generated: the newest timestamp inside stands in for it.
    NewestTimestamp,
    /// The report holds no date at all, so no age can be measured and any instant gives the same results.
    Undated,
}

#[derive(Debug, Clone)]
pub(crate) struct AssessedReport {
    pub report: CredentialReport,
    pub as_of: Instant,
    pub as_of_source: AsOfSource,
    /// The newest timestamp that is not an outlier (the report's `newest_timestamp`).
    pub newest: Option<Instant>,
    /// Timestamps far after every other date in the report (line, instant): never an as-of.
    pub outliers: Vec<(u64, Instant)>,
}

/// A report that was read but not used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Superseded {
    pub file: String,
    pub reason: String,
}

/// How facts were assembled: what was set aside and what an auditor must be told about time.
#[derive(Debug, Default)]
pub(crate) struct Assembly {
    pub facts: Facts,
    pub superseded: Vec<Superseded>,
    pub notes: Vec<String>,
}

/// Reports whose newest timestamp is more than this before their GeneratedTime have a suspicious
/// generation time: a real report is generated while the account is in use, and a year of total
/// silence on every credential is rarer than a mistyped or hand-edited date.
const SUSPICIOUS_GAP_DAYS: i64 = 366;

/// Picks, per account, the credential report to assess: identical copies (the same CSV exported as
/// JSON and as a file) collapse into one, preferring the copy with a `GeneratedTime`; of different
/// reports of one account the newest is used and the others are listed as superseded.
pub(crate) fn assemble(reports: Vec<CredentialReport>, as_of_override: Option<Instant>) -> Assembly {
    let mut assembly = Assembly::default();

    let mut by_content: BTreeMap<String, Vec<CredentialReport>> = BTreeMap::new();
    for report in reports {
        by_content.entry(report.content_digest.clone()).or_default().push(report);
    }
    let mut distinct = Vec::new();
    for (_, mut copies) in by_content {
        // Prefer the copy with the newest GeneratedTime (the same content generated later vouches for
        // a later state; a copy without one sorts last), then the first by path.
        copies.sort_by(|a, b| b.generated_time.cmp(&a.generated_time).then(a.file.cmp(&b.file)));
        let mut copies = copies.into_iter();
        let Some(kept) = copies.next() else { continue };
        for copy in copies {
            assembly.superseded.push(Superseded {
                file: copy.file,
                reason: format!("same credential report as {} (that copy is used)", kept.file),
            });
        }
        distinct.push(assess(kept, as_of_override));
    }

    let mut by_account: BTreeMap<String, Vec<AssessedReport>> = BTreeMap::new();
    for assessed in distinct {
        let account = assessed.report.account.clone().unwrap_or_default();
        by_account.entry(account).or_default().push(assessed);
    }
    for (account, mut versions) in by_account {
        versions.sort_by(|a, b| b.own_time().cmp(&a.own_time()).then(a.report.file.cmp(&b.report.file)));
        let mut versions = versions.into_iter();
        let Some(newest) = versions.next() else { continue };
        for older in versions {
            assembly.superseded.push(Superseded {
                file: older.report.file,
                reason: format!(
                    "superseded by the newer credential report {} for account {account} (generated {})",
                    newest.report.file,
                    newest.own_time().map(format_instant).unwrap_or_else(|| "at an unknown time".into())
                ),
            });
        }
        assembly.notes.extend(time_notes(&newest));
        assembly.facts.credential_reports.push(newest);
    }
    assembly.superseded.sort_by(|a, b| a.file.cmp(&b.file));
    assembly
}

impl AssessedReport {
    /// The report's own reference time, independent of `--as-of`.
    fn own_time(&self) -> Option<Instant> {
        self.report.generated_time.or(self.report.filed_at).or(self.newest)
    }
}

fn assess(report: CredentialReport, as_of_override: Option<Instant>) -> AssessedReport {
    let (newest, outliers) = (report.newest_timestamp, report.timestamp_outliers.clone());
    let (as_of, as_of_source) = match (as_of_override, report.generated_time, newest) {
        (Some(t), _, _) => (t, AsOfSource::Override),
        (None, Some(t), _) => (t, AsOfSource::GeneratedTime),
        // Filed on a date before its newest timestamp cannot be: the timestamp wins.
        (None, None, newest) if report.filed_at.is_some_and(|f| newest.is_none_or(|n| f >= n)) => {
            (report.filed_at.unwrap_or_default(), AsOfSource::Filed)
        }
        (None, None, Some(t)) => (t, AsOfSource::NewestTimestamp),
        (None, None, None) => (Instant::default(), AsOfSource::Undated),
    };
    AssessedReport { report, as_of, as_of_source, newest, outliers }
}

fn time_notes(assessed: &AssessedReport) -> Vec<String> {
    let report = &assessed.report;
    let mut notes = Vec::new();
    let as_of = format_instant(assessed.as_of);
    let account = report.account.as_deref().unwrap_or("unknown account");
    match assessed.as_of_source {
        AsOfSource::NewestTimestamp => {
            notes.push(format!(
                "{}: ages for account {account} are measured from {as_of}, the newest timestamp in the report, because the report does not say when it was generated; pass --as-of to measure from another date",
                report.file
            ));
            if !assessed.outliers.is_empty() {
                let shown: Vec<String> = assessed
                    .outliers
                    .iter()
                    .take(5)
                    .map(|(line, t)| format!("{} ({})", report.locator(*line), format_instant(*t)))
                    .collect();
                notes.push(format!(
                    "{}: {} timestamp(s) lie more than {SUSPICIOUS_GAP_DAYS} days after every other date in the report and are not taken as its as-of: {}; if they are real, pass --as-of",
                    report.file,
                    assessed.outliers.len(),
                    shown.join(", ")
                ));
            }
        }
        AsOfSource::Undated => {
            notes.push(format!(
                "{}: the report for account {account} holds no date, so no age could be measured",
                report.file
            ));
            return notes;
        }
        AsOfSource::Filed => notes.push(format!(
            "{}: ages for account {account} are measured from {as_of}, the date of the folder or collection bundle it was filed in, because the report does not say when it was generated",
            report.file
        )),
        AsOfSource::Override => {
            notes.push(format!("{}: ages for account {account} are measured from --as-of {as_of}", report.file))
        }
        AsOfSource::GeneratedTime => {
            notes.push(format!(
                "{}: ages for account {account} are measured from its GeneratedTime {as_of}",
                report.file
            ));
            if let Some(newest) = assessed.newest {
                let gap = age_days(assessed.as_of, newest);
                if gap > SUSPICIOUS_GAP_DAYS {
                    notes.push(format!(
                        "{}: GeneratedTime {as_of} is {gap} days after the newest timestamp in the report ({}): every age is measured from it; if that date is wrong, re-run with --as-of",
                        report.file,
                        format_instant(newest)
                    ));
                }
            }
        }
    }
    let later: Vec<String> = report
        .rows
        .iter()
        .filter(|row| row.timestamps().any(|t| t > assessed.as_of))
        .map(|row| report.locator(row.line))
        .collect();
    if !later.is_empty() {
        notes.push(format!(
            "{}: {} row(s) hold dates after the as-of {as_of} ({}): those dates count as 0 days old",
            report.file,
            later.len(),
            later.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::aws::credential_report::parse_csv;
    use crate::timefmt::parse_timestamp;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active";

    fn report(file: &str, rows: &[&str], generated: Option<&str>) -> CredentialReport {
        let text = format!("{HEADER}\n{}", rows.join("\n"));
        let mut r = parse_csv(file, "h", text.as_bytes()).unwrap();
        r.generated_time = generated.and_then(parse_timestamp);
        r
    }

    const A1: &str = "a,arn:aws:iam::111111111111:user/a,2026-01-01T00:00:00Z,true,2026-03-01T00:00:00Z,true";
    const A2: &str = "a,arn:aws:iam::111111111111:user/a,2026-01-01T00:00:00Z,true,2026-06-01T00:00:00Z,true";
    const B1: &str = "b,arn:aws:iam::222222222222:user/b,2026-01-01T00:00:00Z,true,2026-03-01T00:00:00Z,true";

    #[test]
    fn identical_copies_collapse_to_the_one_with_generated_time() {
        let csv = report("x.csv", &[A1], None);
        let json = report("x.json", &[A1], Some("2026-04-01T00:00:00Z"));
        let a = assemble(vec![csv, json], None);
        assert_eq!(a.facts.credential_reports.len(), 1);
        assert_eq!(a.facts.credential_reports[0].report.file, "x.json");
        assert_eq!(a.facts.credential_reports[0].as_of_source, AsOfSource::GeneratedTime);
        assert_eq!(a.superseded[0].file, "x.csv");
        assert!(a.superseded[0].reason.starts_with("same credential report as x.json"));
    }

    #[test]
    fn newest_report_per_account_wins() {
        let old = report("old.csv", &[A1], None);
        let new = report("new.csv", &[A2], None);
        let other = report("b.csv", &[B1], None);
        let a = assemble(vec![old, new, other], None);
        let used: Vec<&str> = a.facts.credential_reports.iter().map(|r| r.report.file.as_str()).collect();
        assert_eq!(used, ["new.csv", "b.csv"]);
        assert_eq!(a.superseded.len(), 1);
        assert!(a.superseded[0].reason.contains("superseded by the newer credential report new.csv"));
        assert!(a.notes.iter().any(|n| n.starts_with("new.csv: ages for account 111111111111 are measured from 2026-06-01T00:00:00Z")), "{:?}", a.notes);
    }

    #[test]
    fn far_future_generated_time_and_override_are_said() {
        let r = report("p.json", &[A1], Some("2116-11-25T14:30:42Z"));
        let a = assemble(vec![r.clone()], None);
        assert_eq!(a.facts.credential_reports[0].as_of, parse_timestamp("2116-11-25T14:30:42Z").unwrap());
        assert!(a.notes[0].contains("measured from its GeneratedTime 2116-11-25T14:30:42Z"), "{:?}", a.notes);
        assert!(a.notes[1].contains("days after the newest timestamp"), "{:?}", a.notes);

        let early = parse_timestamp("2026-02-01T00:00:00Z");
        let a = assemble(vec![r], early);
        assert_eq!(a.facts.credential_reports[0].as_of_source, AsOfSource::Override);
        assert!(a.notes[1].contains("row(s) hold dates after the as-of"), "{:?}", a.notes);
    }

    #[test]
    fn a_planted_future_date_does_not_become_the_as_of() {
        let root = "<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00Z,not_supported,2026-09-20T00:00:00Z,true";
        let planted = "p,arn:aws:iam::111111111111:user/p,2026-01-01T00:00:00Z,true,9999-12-31T00:00:00Z,true";
        let a = assemble(vec![report("r.csv", &[root, A1, planted], None)], None);
        let assessed = &a.facts.credential_reports[0];
        assert_eq!(assessed.as_of, parse_timestamp("2026-09-20T00:00:00Z").unwrap());
        assert_eq!(assessed.outliers, [(4, parse_timestamp("9999-12-31T00:00:00Z").unwrap())]);
        assert!(
            a.notes.iter().any(|n| n.contains("1 timestamp(s) lie more than 366 days after every other date")
                && n.contains("line 4 (9999-12-31T00:00:00Z)")),
            "{:?}",
            a.notes
        );
        // A newest date a few months after the rest is real activity, not an outlier.
        let recent = "q,arn:aws:iam::111111111111:user/q,2026-01-01T00:00:00Z,true,2027-03-01T00:00:00Z,true";
        let a = assemble(vec![report("r.csv", &[root, A1, recent], None)], None);
        assert_eq!(a.facts.credential_reports[0].as_of, parse_timestamp("2027-03-01T00:00:00Z").unwrap());
        assert!(a.facts.credential_reports[0].outliers.is_empty());
    }
}
