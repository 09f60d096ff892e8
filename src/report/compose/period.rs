//! The "Observation period" section: the period and cadence, the evidence-coverage grid (account
//! and evidence kind × month), a swimlane timeline per check of the resources that failed during
//! the period, and every exception during it. Left out when the run has no period analysis.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate};

use super::{ReportInput, bounded, bounded_table, section, thousands};
use crate::period::{Control, PeriodFindings, Verdict, Violation};
use crate::report::document::{Align, Block, Callout, Cell, Grid, Lane, LaneBar, Section, Swimlanes, Tone};
use crate::report::timeline::{end_of, evidence_text, last_day, start_of};
use crate::timefmt::{Instant, format_instant};

/// Where every interval of every control is, whatever the PDF shows.
const FULL_TIMELINE: &str = "timeline.csv and findings.json (period.controls)";

/// Lanes one check's swimlane timeline shows: thirty lanes are about a third of a page, enough to
/// see a pattern (a whole fleet failing in one month); the rest are counted and in timeline.csv.
pub(crate) const LANES_PER_CHECK: usize = 30;

/// References the exceptions table names per violation; the rest are counted (timeline.csv and
/// findings.json have all of them).
const EVIDENCE_PER_ROW: usize = 3;

pub(super) fn period(input: &ReportInput) -> Option<Section> {
    let p = input.period_findings?;
    let t = input.template;
    let (from, to) = (p.from.to_string(), p.to.to_string());
    let period_text = format!("{from}..{to}");
    let cadence = p.cadence_days.to_string();
    let mut blocks =
        vec![Block::Paragraph(t.text("period", "intro", &[("period", &period_text), ("cadence", &cadence)]))];
    blocks.push(Block::Facts(facts(p)));

    blocks.push(Block::Heading(t.text("period", "coverage_heading", &[])));
    blocks.push(Block::Paragraph(t.text("period", "coverage_intro", &[])));
    coverage(&mut blocks, input, p);

    blocks.push(Block::Heading(t.text("period", "lanes_heading", &[])));
    blocks.push(Block::Paragraph(t.text("period", "lanes_intro", &[])));
    let failed = failed_by_check(input, p);
    if failed.is_empty() {
        blocks.push(Block::Callout(Callout { tone: Tone::Good, text: t.text("period", "lanes_empty", &[]) }));
    }
    for ((_, severity, check), controls) in &failed {
        let title = input.catalog.get(check).map_or(*check, |i| i.title.as_str());
        let label = severity.map_or_else(|| check.to_string(), |s| format!("{} {s} · {title} ({check})", s.priority()));
        let rows = controls.iter().map(|c| vec![Cell::plain(lane_label(c))]);
        let (shown, rest) = bounded(rows, controls.len(), LANES_PER_CHECK.min(input.list_rows), FULL_TIMELINE);
        let lanes = controls.iter().zip(shown).map(|(c, row)| lane(c, p, row)).collect();
        blocks.push(Block::Swimlanes(Swimlanes { title: label, from: p.from, to: p.to, lanes, legend: lane_legend() }));
        blocks.extend(rest);
    }

    blocks.push(Block::Heading(t.text("period", "exceptions_heading", &[])));
    blocks.push(Block::Paragraph(t.text("period", "exceptions_intro", &[])));
    let violations: Vec<(&Control, &Violation)> =
        failed.values().flatten().flat_map(|c| c.violations.iter().map(move |v| (*c, v))).collect();
    let columns = [
        ("Check", 1.7, Align::Left),
        ("Resource", 1.8, Align::Left),
        ("From", 1.25, Align::Left),
        ("To", 1.25, Align::Left),
        ("Days", 0.6, Align::Right),
        ("Basis", 0.95, Align::Left),
        ("Evidence", 2.2, Align::Left),
    ];
    let rows = violations.iter().map(|(c, v)| exception_row(c, v, p));
    let empty = t.text("period", "exceptions_empty", &[]);
    bounded_table(&mut blocks, input, &columns, rows, violations.len(), &empty, FULL_TIMELINE);
    Some(section(input, "period", blocks))
}

fn facts(p: &PeriodFindings) -> Vec<(String, String)> {
    let days = (p.to - p.from).num_days() + 1;
    let accounts: BTreeSet<Option<&str>> = p.snapshots.iter().map(|s| s.account.as_deref()).collect();
    let kinds: BTreeSet<&str> = p.snapshots.iter().map(|s| s.kind.as_str()).collect();
    let of = |verdict| p.controls.iter().filter(|c| c.verdict == verdict).count() as u64;
    vec![
        ("Observation period".into(), format!("{}..{} ({} days)", p.from, p.to, thousands(days.max(0) as u64))),
        ("Evidence cadence".into(), format!("a snapshot at least every {} days", p.cadence_days)),
        (
            "Snapshots".into(),
            format!(
                "{} of {} account(s) and {} evidence kind(s)",
                thousands(p.snapshots.len() as u64),
                thousands(accounts.len() as u64),
                thousands(kinds.len() as u64)
            ),
        ),
        (
            "Period controls".into(),
            format!(
                "{}: {} operated, {} with exceptions, {} not evidenced",
                thousands(p.controls.len() as u64),
                thousands(of(Verdict::Operated)),
                thousands(of(Verdict::Exception)),
                thousands(of(Verdict::NotEvidenced))
            ),
        ),
    ]
}

/// The first day of each month the period touches.
fn months(p: &PeriodFindings) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = p.from.with_day(1);
    while let Some(month) = m.filter(|m| *m <= p.to) {
        out.push(month);
        m = month.checked_add_months(Months::new(1));
    }
    out
}

/// An account (or none) and an evidence kind: one row of the coverage grid.
type KindOf<'p> = (Option<&'p str>, &'p str);

/// The account and evidence kind × month grid: how many snapshots each month holds, and whether a
/// month without one lies in an evidence gap.
fn coverage(blocks: &mut Vec<Block>, input: &ReportInput, p: &PeriodFindings) {
    let months = months(p);
    let mut dated: BTreeMap<KindOf, Vec<NaiveDate>> = BTreeMap::new();
    for s in &p.snapshots {
        dated.entry((s.account.as_deref(), s.kind.as_str())).or_default().push(s.as_of.date_naive());
    }
    let mut gaps: BTreeMap<KindOf, Vec<(NaiveDate, NaiveDate)>> = BTreeMap::new();
    for g in &p.evidence_gaps {
        dated.entry((g.account.as_deref(), g.kind.as_str())).or_default();
        gaps.entry((g.account.as_deref(), g.kind.as_str())).or_default().push((g.from, g.to));
    }
    let total = dated.len();
    let rows = dated.iter().map(|(key, days)| {
        let gaps = gaps.get(key).map_or(&[][..], Vec::as_slice);
        months
            .iter()
            .map(|month| {
                let first = (*month).max(p.from);
                let last =
                    month.checked_add_months(Months::new(1)).and_then(|n| n.pred_opt()).unwrap_or(*month).min(p.to);
                let n = days.iter().filter(|d| (first..=last).contains(*d)).count();
                if n > 0 {
                    Cell::toned(n.to_string(), Tone::Good)
                } else if gaps.iter().any(|(f, t)| *f <= last && first <= *t) {
                    Cell::toned("0", Tone::Bad)
                } else {
                    Cell::toned("0", Tone::Muted)
                }
            })
            .collect()
    });
    let (cells, rest) =
        bounded(rows, total, input.list_rows, "findings.json (period.snapshots and period.evidence_gaps)");
    let row_labels = dated
        .keys()
        .take(cells.len())
        .map(|(account, kind)| format!("{} · {kind}", account.unwrap_or("no account")))
        .collect();
    blocks.push(Block::Grid(Grid {
        title: "Snapshots per account, evidence kind and month".into(),
        row_labels,
        column_labels: months.iter().map(|m| m.format("%b %Y").to_string()).collect(),
        cells,
        legend: vec![
            (Tone::Good, "snapshot(s) dated in the month".into()),
            (Tone::Bad, "none: in a stretch without evidence".into()),
            (Tone::Muted, "none dated in the month, cadence kept".into()),
        ],
    }));
    blocks.extend(rest);
}

/// (unknown check, severity, check) → its controls with violations.
type BySeverity<'p> = BTreeMap<(bool, Option<crate::catalog::Severity>, &'static str), Vec<&'p Control>>;

/// Controls with violations, by check (most severe first, an unknown check last), each check's
/// sorted by resource and account.
fn failed_by_check<'p>(input: &ReportInput, p: &'p PeriodFindings) -> BySeverity<'p> {
    let mut by: BTreeMap<&'static str, Vec<&'p Control>> = BTreeMap::new();
    for c in p.controls.iter().filter(|c| !c.violations.is_empty()) {
        by.entry(c.check).or_default().push(c);
    }
    by.into_iter()
        .map(|(check, mut controls)| {
            controls.sort_by(|a, b| (&a.resource, &a.account).cmp(&(&b.resource, &b.account)));
            let severity = input.catalog.get(check).map(|i| i.severity);
            ((severity.is_none(), severity, check), controls)
        })
        .collect()
}

/// The resource, and its account when the resource does not name it.
fn lane_label(c: &Control) -> String {
    match c.account.as_deref() {
        Some(account) if !c.resource.contains(account) => format!("{} ({account})", c.resource),
        _ => c.resource.clone(),
    }
}

fn lane(c: &Control, p: &PeriodFindings, row: Vec<Cell>) -> Lane {
    let end = end_of(p.to);
    let gaps = c.evidence_gaps.iter().map(|g| LaneBar { from: start_of(g.from), to: end_of(g.to), tone: Tone::Muted });
    let failed = c.violations.iter().map(|v| LaneBar { from: v.from, to: v.to.unwrap_or(end), tone: Tone::Bad });
    let label = row.into_iter().next().map(|cell| cell.text).unwrap_or_default();
    Lane { label, bars: gaps.chain(failed).collect() }
}

fn lane_legend() -> Vec<(Tone, String)> {
    vec![(Tone::Bad, "failed".into()), (Tone::Muted, "no evidence".into()), (Tone::Neutral, "passed".into())]
}

/// UTC days an interval touches, `to` exclusive (an open one runs to the period end).
pub(super) fn days_touched(from: Instant, to: Instant) -> i64 {
    (last_day(to).max(from.date_naive()) - from.date_naive()).num_days() + 1
}

fn exception_row(c: &Control, v: &Violation, p: &PeriodFindings) -> Vec<Cell> {
    let (to, to_cell) = match v.to {
        Some(to) => (to, Cell::plain(format_instant(to))),
        None => (end_of(p.to), Cell::toned("open at the end", Tone::Bad)),
    };
    let shown = v.evidence.get(..EVIDENCE_PER_ROW).unwrap_or(&v.evidence);
    let mut evidence = evidence_text(shown);
    if v.evidence.len() > shown.len() {
        evidence.push_str(&format!(" and {} more", thousands((v.evidence.len() - shown.len()) as u64)));
    }
    vec![
        Cell::plain(c.check),
        Cell::plain(lane_label(c)),
        Cell::plain(format_instant(v.from)),
        to_cell,
        Cell::plain(thousands(days_touched(v.from, to).max(0) as u64)),
        Cell::plain(v.basis.as_str()),
        Cell::plain(evidence),
    ]
}
