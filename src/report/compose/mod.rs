//! Builds the report [`Document`] from a run's results and facts, in the wording and order of the
//! report template. It decides what the auditor reads; `report::pdf` only draws it.

mod analyses;
mod evidence;
mod period;
mod summary;
#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) use analyses::SECTIONS;

use crate::catalog::Catalog;
use crate::config::Thresholds;
use crate::diagnostic::Diagnostic;
use crate::evidence::intake::ManifestEntry;
use crate::facts::Facts;
use crate::facts::cloudtrail::coverage::{CoverageRow, ObservationPeriod};
use crate::period::PeriodFindings;
use crate::report::document::{Cell, Column, Cover, Document, Section, Table, Tone};
use crate::report::findings::ActivityOut;
use crate::report::inventory::Artifact;
use crate::report::template::ReportTemplate;
use crate::results::{CheckResult, ExceptionUse};
use crate::timefmt::{Instant, format_instant};

/// Who signs, as the cover and the signature page name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignerInfo {
    pub subject: String,
    pub fingerprint_sha256: String,
}

/// Everything the report says, borrowed from the run.
pub(crate) struct ReportInput<'a> {
    pub template: &'a ReportTemplate,
    pub catalog: &'a Catalog,
    pub thresholds: &'a Thresholds,
    pub engagement: Option<&'a str>,
    pub generated_by: &'a str,
    pub as_of: Option<Instant>,
    pub period: Option<ObservationPeriod>,
    /// The Type II observation-period analysis (issue 16): the "Observation period" section and the
    /// criteria grid's period verdicts; `None` leaves both out ("-").
    pub period_findings: Option<&'a PeriodFindings>,
    pub facts: &'a Facts,
    pub results: &'a [CheckResult],
    pub exceptions: &'a [ExceptionUse],
    pub notes: &'a [String],
    pub artifacts: &'a [Artifact],
    pub entries: &'a [ManifestEntry],
    pub diagnostics: &'a [Diagnostic],
    pub coverage_grid: &'a [CoverageRow],
    pub activity: &'a [ActivityOut],
    /// SHA-256 of the `manifest.json` and `findings.json` bytes embedded in the PDF.
    pub manifest_sha256: &'a str,
    pub findings_sha256: &'a str,
    pub signer: Option<SignerInfo>,
    /// The PDF's dates: the as-of or `SOURCE_DATE_EPOCH`.
    pub created: chrono::DateTime<chrono::Utc>,
    /// Rows a list in the PDF shows before it is cut to a count ([`LIST_ROWS`]; tests lower it).
    pub list_rows: usize,
}

/// The report id in every footer: derived from the findings, so the same analysis has the same id
/// and a different one cannot.
pub(crate) fn report_id(findings_sha256: &str) -> String {
    format!("GS-{}", findings_sha256.get(..12).unwrap_or(findings_sha256).to_uppercase())
}

pub(crate) fn compose(input: &ReportInput) -> Document {
    let t = input.template;
    let report_id = report_id(input.findings_sha256);
    let mut sections = Vec::new();
    for name in &t.order {
        let section = match name.as_str() {
            "summary" => Some(summary::executive(input)),
            "period" => period::period(input),
            "scope" => Some(evidence::scope(input)),
            "credentials" => analyses::credentials(input),
            "cloudtrail" => analyses::cloudtrail(input),
            "entra" => analyses::entra(input),
            "posture" => analyses::posture(input),
            "other" => analyses::other(input),
            "register" => Some(summary::register(input)),
            "exceptions" => (!input.exceptions.is_empty()).then(|| summary::exceptions(input)),
            "problems" => Some(evidence::problems(input)),
            "manifest" => Some(evidence::manifest(input)),
            "signature" => Some(evidence::signature(input)),
            _ => None,
        };
        sections.extend(section);
    }
    let title = match input.engagement {
        Some(engagement) => format!("{} — {engagement}", t.title),
        None => t.title.clone(),
    };
    Document {
        title,
        report_id: report_id.clone(),
        author: input.signer.as_ref().map(|s| s.subject.clone()).unwrap_or_else(|| "unsigned".into()),
        creator: input.generated_by.to_string(),
        created: input.created,
        cover: summary::cover(input, &report_id),
        sections,
    }
}

/// Failed results of the checks `which` selects, grouped by check, most severe check first: the
/// register and every analysis section's failing-resources table.
fn failed_by_check(
    results: &[CheckResult],
    which: impl Fn(&str) -> bool,
) -> std::collections::BTreeMap<(crate::catalog::Severity, &str), Vec<&CheckResult>> {
    let mut by_check: std::collections::BTreeMap<_, Vec<&CheckResult>> = std::collections::BTreeMap::new();
    for r in results.iter().filter(|r| r.status == crate::checks::Status::Fail) {
        by_check.entry((r.severity, r.check)).or_default().push(r);
    }
    // `which` is asked once per check, not once per result (it looks the check up in the catalog).
    by_check.retain(|(_, check), _| which(check));
    by_check
}

/// Rows a list in the PDF shows: past this, the list shows its first rows and says how many more
/// there are and which output holds them all. 200 rows are about seven pages: a register of ten
/// failing credential checks over a million users stays under a hundred pages instead of 80,000,
/// while every list of the samples and the golden bundles (27 rows at most) is shown whole.
pub(crate) const LIST_ROWS: usize = 200;

/// The first `limit` of `total` rows (`rows` is lazy: only the rows shown are built), and when some
/// are left out, the sentence that says how many and where the full list is.
fn bounded(
    rows: impl IntoIterator<Item = Vec<Cell>>,
    total: usize,
    limit: usize,
    full_list: &str,
) -> (Vec<Vec<Cell>>, Option<crate::report::document::Block>) {
    let shown: Vec<Vec<Cell>> = rows.into_iter().take(limit).collect();
    let rest = (total > shown.len()).then(|| {
        crate::report::document::Block::Callout(crate::report::document::Callout {
            tone: Tone::Muted,
            text: format!(
                "The first {} of {} are shown; {} more are not listed here. The full list is in {full_list}.",
                thousands(shown.len() as u64),
                thousands(total as u64),
                thousands((total - shown.len()) as u64)
            ),
        })
    });
    (shown, rest)
}

/// A table of at most `input.list_rows` rows, followed by the sentence [`bounded`] writes when rows
/// were left out.
fn bounded_table(
    blocks: &mut Vec<crate::report::document::Block>,
    input: &ReportInput,
    columns: &[(&str, f32, crate::report::document::Align)],
    rows: impl IntoIterator<Item = Vec<Cell>>,
    total: usize,
    empty: &str,
    full_list: &str,
) {
    let (shown, rest) = bounded(rows, total, input.list_rows, full_list);
    blocks.push(crate::report::document::Block::Table(table(columns, shown, empty)));
    blocks.extend(rest);
}

/// `2026-10-01T08:00:00Z`, or "not known".
fn when(t: Option<Instant>) -> String {
    t.map(format_instant).unwrap_or_else(|| "not known (no dated evidence)".into())
}

fn period_text(period: Option<ObservationPeriod>) -> String {
    match period {
        Some(p) if p.given => format!("{}..{} (given with --period)", p.from, p.to),
        Some(p) => format!("{}..{} (first..last day of the CloudTrail records)", p.from, p.to),
        None => "none (no CloudTrail records)".into(),
    }
}

fn section(input: &ReportInput, name: &str, blocks: Vec<crate::report::document::Block>) -> Section {
    Section { title: input.template.text(name, "title", &[]), blocks }
}

fn table(columns: &[(&str, f32, crate::report::document::Align)], rows: Vec<Vec<Cell>>, empty: &str) -> Table {
    Table {
        columns: columns
            .iter()
            .map(|(title, weight, align)| Column { title: title.to_string(), weight: *weight, align: *align })
            .collect(),
        rows,
        empty_text: empty.to_string(),
    }
}

fn status_tone(status: crate::checks::Status) -> Tone {
    use crate::checks::Status;
    match status {
        Status::Pass => Tone::Good,
        Status::Fail => Tone::Bad,
        Status::Excepted => Tone::Excepted,
        Status::Unknown => Tone::Muted,
    }
}

fn severity_tone(severity: crate::catalog::Severity) -> Tone {
    use crate::catalog::Severity;
    match severity {
        Severity::Critical | Severity::High => Tone::Bad,
        Severity::Medium => Tone::Warn,
        Severity::Low | Severity::Info => Tone::Neutral,
    }
}

/// `1,405`: counts as people read them.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn cover_of(input: &ReportInput, facts: Vec<(String, String)>) -> Cover {
    let t = input.template;
    let banner = match &input.signer {
        Some(s) => crate::report::document::Callout {
            tone: Tone::Good,
            text: crate::report::template::fill(
                &t.signed_banner,
                &[("subject", &s.subject), ("fingerprint", &s.fingerprint_sha256)],
            ),
        },
        None => crate::report::document::Callout { tone: Tone::Bad, text: t.unsigned_banner.clone() },
    };
    Cover { title: t.title.clone(), subtitle: t.subtitle.clone(), facts, banner: Some(banner) }
}
