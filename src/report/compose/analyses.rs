//! One section per analysis present in the evidence: IAM credentials, CloudTrail logging coverage,
//! and any other check family; each with its picture and its failing resources.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{ReportInput, period_text, section, table, thousands};
use crate::checks::Status;
use crate::report::document::{
    Align, Bar, BarChart, Bin, Block, Callout, Cell, HeatCell, HeatMap, Histogram, Section, Tone,
};
use crate::timefmt::age_days;

/// The key-age bins the issue and auditors' working papers use.
const AGE_BINS: [(&str, i64, i64); 5] =
    [("0–30", 0, 30), ("31–90", 31, 90), ("91–180", 91, 180), ("181–365", 181, 365), ("> 365", 366, i64::MAX)];

/// Stale identities shown in the credentials section; the register lists them all.
const STALE_ROWS: usize = 40;

pub(super) fn credentials(input: &ReportInput) -> Option<Section> {
    let reports = &input.facts.credential_reports;
    if reports.is_empty() {
        return None;
    }
    let t = input.template;
    let threshold = input.thresholds.key_rotation_days;
    let mut blocks = vec![Block::Paragraph(t.text("credentials", "intro", &[("threshold", &threshold.to_string())]))];

    // Active keys by age at their report's as-of.
    let mut counts = [0u64; AGE_BINS.len()];
    let mut undated = 0u64;
    for assessed in reports {
        for row in &assessed.report.rows {
            for key in row.keys.iter().filter(|k| k.active.value() == Some(true)) {
                match key.last_rotated.value() {
                    Some(rotated) => {
                        let age = age_days(assessed.as_of, rotated).max(0);
                        if let Some(i) = AGE_BINS.iter().position(|(_, lo, hi)| (*lo..=*hi).contains(&age)) {
                            counts[i] += 1;
                        }
                    }
                    None => undated += 1,
                }
            }
        }
    }
    blocks.push(Block::Heading(t.text("credentials", "histogram_heading", &[])));
    let bins = AGE_BINS
        .iter()
        .zip(counts)
        .map(|((label, lo, _), count)| Bin {
            label: (*label).to_string(),
            count,
            tone: if *lo > threshold { Tone::Bad } else { Tone::Good },
        })
        .collect();
    let mut caption =
        format!("days since the key was created or last rotated; red bins are past the {threshold}-day limit");
    if undated > 0 {
        caption.push_str(&format!("; {undated} active key(s) without a readable rotation date are not shown"));
    }
    blocks.push(Block::Histogram(Histogram {
        title: t.text("credentials", "histogram_heading", &[]),
        x_label: caption,
        bins,
    }));

    blocks.push(Block::Heading(t.text("credentials", "mfa_heading", &[])));
    let mut bars = Vec::new();
    for assessed in reports {
        let account = assessed.report.account.clone().unwrap_or_else(|| "unknown account".into());
        let console: Vec<_> =
            assessed.report.rows.iter().filter(|r| !r.is_root && r.password_enabled.value() == Some(true)).collect();
        let with_mfa = console.iter().filter(|r| r.mfa_active.value() == Some(true)).count() as u64;
        let total = console.len() as u64;
        bars.push(Bar {
            label: format!("{account} console users"),
            value: with_mfa,
            total,
            tone: if with_mfa == total { Tone::Good } else { Tone::Bad },
        });
        if let Some(root) = assessed.report.rows.iter().find(|r| r.is_root) {
            let on = u64::from(root.mfa_active.value() == Some(true));
            bars.push(Bar {
                label: format!("{account} root"),
                value: on,
                total: 1,
                tone: if on == 1 { Tone::Good } else { Tone::Bad },
            });
        }
    }
    blocks.push(Block::Bars(BarChart { title: "Identities with MFA enabled".into(), bars }));

    blocks.push(Block::Heading(t.text("credentials", "stale_heading", &[])));
    let stale = input.results.iter().filter(|r| {
        r.status != Status::Pass && matches!(r.check, "aws.iam.stale_console_user" | "aws.iam.inactive_user")
    });
    let total = stale.clone().count();
    let columns = [("Identity", 1.6, Align::Left), ("Check", 1.0, Align::Left), ("Detail", 2.0, Align::Left)];
    let rows = stale.take(STALE_ROWS).map(|r| {
        vec![
            Cell::plain(&*r.resource),
            Cell::toned(check_title(input, r.check), super::status_tone(r.status)),
            Cell::plain(&*r.detail),
        ]
    });
    blocks.push(Block::Table(table(&columns, rows.collect(), "No stale or inactive identity.")));
    if total > STALE_ROWS {
        blocks.push(Block::Paragraph(format!(
            "The first {STALE_ROWS} of {} are shown; the findings register lists every one.",
            thousands(total as u64)
        )));
    }

    blocks.push(Block::Heading(t.text("credentials", "failing_heading", &[])));
    blocks.push(failing(input, |check| input.catalog.in_section(check, "credentials")));
    Some(section(input, "credentials", blocks))
}

pub(super) fn cloudtrail(input: &ReportInput) -> Option<Section> {
    let ct = &input.facts.cloudtrail;
    let has_results = input.results.iter().any(|r| input.catalog.in_section(r.check, "cloudtrail"));
    if ct.aggregate.records == 0 && ct.coverage.is_empty() && !has_results {
        return None;
    }
    let t = input.template;
    let period = period_text(input.period);
    let mut blocks = vec![Block::Paragraph(t.text("cloudtrail", "intro", &[("period", &period)]))];

    blocks.push(Block::Heading(t.text("cloudtrail", "coverage_heading", &[])));
    let rows = ct.coverage.iter().map(|c| {
        let gaps: Vec<String> =
            c.gaps.iter().map(|[from, to]| if from == to { from.clone() } else { format!("{from}..{to}") }).collect();
        let tone = if c.days_covered == c.days_in_period {
            Tone::Good
        } else if c.days_covered == 0 {
            Tone::Bad
        } else {
            Tone::Warn
        };
        vec![
            Cell::plain(format!("{} / {}", c.account, c.region)),
            Cell::toned(format!("{} of {}", c.days_covered, c.days_in_period), tone),
            Cell::plain(if gaps.is_empty() { "none".to_string() } else { gaps.join(", ") }),
            Cell::plain(format!("{} h", c.longest_silence_hours)),
            Cell::plain(thousands(c.records)),
            Cell::plain(thousands(c.files)),
        ]
    });
    let columns = [
        ("Account / region", 2.0, Align::Left),
        ("Days covered", 1.0, Align::Right),
        ("Days without records", 2.0, Align::Left),
        ("Longest silence", 1.0, Align::Right),
        ("Records", 1.0, Align::Right),
        ("Files", 0.8, Align::Right),
    ];
    let empty = "No account or region in scope.";
    let full = "coverage.csv and findings.json (coverage)";
    super::bounded_table(&mut blocks, input, &columns, rows, ct.coverage.len(), empty, full);

    if let Some(map) = heat_map(input) {
        blocks.push(Block::Heading(t.text("cloudtrail", "heatmap_heading", &[])));
        blocks.push(Block::HeatMap(map));
    }

    blocks.push(Block::Heading(t.text("cloudtrail", "activity_heading", &[])));
    let titles = activity_titles();
    let rows = input.activity.iter().map(|a| {
        // The map is ordered by name; the busiest principal is the largest count, ties by name.
        let top = a
            .by_principal
            .iter()
            .filter_map(|(who, n)| Some((n.as_u64()?, who)))
            .max_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(x.1)))
            .map(|(n, who)| format!("{who} ({n})"))
            .unwrap_or_else(|| "-".into());
        let title = titles.get(a.check).cloned().unwrap_or_else(|| a.check.to_string());
        vec![
            Cell::plain(title),
            Cell::plain(format!("{} / {}", a.account, a.region)),
            Cell::plain(thousands(a.count)),
            Cell::plain(thousands(a.refused)),
            Cell::plain(format!("{}\n{}", a.first, a.last)),
            Cell::plain(top),
        ]
    });
    let columns = [
        ("Activity", 1.4, Align::Left),
        ("Account / region", 1.3, Align::Left),
        ("Calls", 0.6, Align::Right),
        ("Refused", 0.8, Align::Right),
        ("First / last", 1.9, Align::Left),
        ("Most frequent principal", 2.2, Align::Left),
    ];
    let empty = "No activity of interest in the records.";
    super::bounded_table(&mut blocks, input, &columns, rows, input.activity.len(), empty, "findings.json (activity)");

    blocks.push(Block::Heading(t.text("cloudtrail", "failing_heading", &[])));
    blocks.push(failing(input, |check| input.catalog.in_section(check, "cloudtrail")));
    Some(section(input, "cloudtrail", blocks))
}

/// Entra ID: MFA registration, sign-ins by client app, sign-in coverage, admins without MFA.
pub(super) fn entra(input: &ReportInput) -> Option<Section> {
    use crate::formats::entra::model::{AuthRequirement, LEGACY_CLIENT_APPS, SignInStatus};
    let entra = &input.facts.entra;
    if !entra.present {
        return None;
    }
    let t = input.template;
    let as_of = super::when(entra.as_of);
    let mut blocks = vec![Block::Paragraph(t.text("entra", "intro", &[("as_of", &as_of)]))];

    let registration: Vec<&crate::results::CheckResult> =
        input.results.iter().filter(|r| r.check == "entra.users.mfa_registration").collect();
    if !registration.is_empty() {
        blocks.push(Block::Heading(t.text("entra", "registration_heading", &[])));
        let is_admin = |r: &crate::results::CheckResult| r.detail.starts_with("administrator");
        let mut bars = Vec::new();
        for (label, admins_only) in [("Enabled members", false), ("Administrators", true)] {
            let group: Vec<_> = registration.iter().filter(|r| !admins_only || is_admin(r)).collect();
            let value = group.iter().filter(|r| r.status == Status::Pass).count() as u64;
            let total = group.len() as u64;
            if total > 0 {
                let tone = if value == total { Tone::Good } else { Tone::Bad };
                bars.push(Bar { label: label.into(), value, total, tone });
            }
        }
        blocks.push(Block::Bars(BarChart { title: "Registered for MFA".into(), bars }));
        let unregistered = registration.iter().filter(|r| r.status == Status::Fail && is_admin(r));
        let total = unregistered.clone().count();
        if total > 0 {
            blocks.push(Block::Heading(t.text("entra", "admins_heading", &[])));
            let columns = [("Administrator", 1.4, Align::Left), ("Detail", 2.0, Align::Left)];
            let rows = unregistered.map(|r| vec![Cell::toned(&*r.resource, Tone::Bad), Cell::plain(&*r.detail)]);
            super::bounded_table(&mut blocks, input, &columns, rows, total, "", "gap-register.csv and findings.json");
        }
    }

    if !entra.sign_ins.is_empty() {
        blocks.push(Block::Heading(t.text("entra", "signins_heading", &[])));
        #[derive(Default)]
        struct Row {
            success: u64,
            failed: u64,
            single: u64,
            users: BTreeSet<String>,
        }
        let mut by_app: BTreeMap<String, Row> = BTreeMap::new();
        for s in &entra.sign_ins {
            let s = &s.item;
            let row = by_app.entry(s.client_app.clone().unwrap_or_else(|| "not stated".into())).or_default();
            if s.status == SignInStatus::Success {
                row.success += 1;
                row.users.insert(s.user_principal_name.to_lowercase());
                if s.auth_requirement == AuthRequirement::SingleFactor {
                    row.single += 1;
                }
            } else {
                row.failed += 1;
            }
        }
        let rows = by_app
            .into_iter()
            .map(|(app, row)| {
                let legacy = LEGACY_CLIENT_APPS.iter().any(|l| l.eq_ignore_ascii_case(&app));
                let tone = if legacy && row.success > 0 { Tone::Bad } else { Tone::Neutral };
                vec![
                    Cell::toned(if legacy { format!("{app} (legacy)") } else { app }, tone),
                    Cell::plain(thousands(row.success)),
                    Cell::plain(thousands(row.single)),
                    Cell::plain(thousands(row.failed)),
                    Cell::plain(thousands(row.users.len() as u64)),
                ]
            })
            .collect();
        let columns = [
            ("Client app", 2.2, Align::Left),
            ("Successful", 1.0, Align::Right),
            ("of which single-factor", 1.4, Align::Right),
            ("Failed or interrupted", 1.4, Align::Right),
            ("Users", 0.8, Align::Right),
        ];
        blocks.push(Block::Table(table(&columns, rows, "")));
        blocks.push(Block::Paragraph(format!(
            "{} distinct sign-ins from {} export(s); {} repeated across exports were counted once.",
            thousands(entra.sign_ins.len() as u64),
            entra.sign_in_files,
            thousands(entra.duplicate_sign_ins as u64)
        )));

        blocks.push(Block::Heading(t.text("entra", "coverage_heading", &[])));
        let rows = entra
            .coverage
            .iter()
            .map(|c| {
                let gaps: Vec<String> =
                    c.gaps.iter().map(|[a, b]| if a == b { a.clone() } else { format!("{a}..{b}") }).collect();
                let tone = if c.days_covered == c.days_in_period { Tone::Good } else { Tone::Warn };
                vec![
                    Cell::plain(format!("{} / {}", c.tenant, c.kind)),
                    Cell::plain(format!("{}..{}", c.period[0], c.period[1])),
                    Cell::toned(format!("{} of {}", c.days_covered, c.days_in_period), tone),
                    Cell::plain(if gaps.is_empty() { "none".to_string() } else { gaps.join(", ") }),
                    Cell::plain(thousands(c.sign_ins)),
                ]
            })
            .collect();
        let columns = [
            ("Tenant / kind", 2.2, Align::Left),
            ("Period", 1.6, Align::Left),
            ("Days covered", 0.9, Align::Right),
            ("Days without sign-ins", 1.6, Align::Left),
            ("Sign-ins", 0.8, Align::Right),
        ];
        blocks.push(Block::Table(table(&columns, rows, "")));
        if let Some(map) = sign_in_timeline(entra) {
            blocks.push(Block::HeatMap(map));
        }
        for note in crate::facts::entra::coverage::retention_notes(&entra.coverage) {
            blocks.push(Block::Callout(Callout { tone: Tone::Warn, text: note }));
        }
    }

    blocks.push(Block::Heading(t.text("entra", "failing_heading", &[])));
    blocks.push(failing(input, |check| input.catalog.in_section(check, "entra")));
    Some(section(input, "entra", blocks))
}

/// Sign-ins per tenant/kind and UTC day over the coverage period: the sign-in timeline.
fn sign_in_timeline(entra: &crate::facts::entra::EntraFacts) -> Option<HeatMap> {
    let first = entra.coverage.first()?;
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let (from, to) = (day(&first.period[0])?, day(&first.period[1])?);
    let days: Vec<chrono::NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
    let mut counts: BTreeMap<(String, &str, chrono::NaiveDate), u64> = BTreeMap::new();
    for s in &entra.sign_ins {
        let tenant = s.item.tenant_id.clone().unwrap_or_else(|| entra.tenant.clone());
        *counts
            .entry((tenant, crate::facts::entra::coverage::kind_of(&s.item), s.item.time.date_naive()))
            .or_default() += 1;
    }
    let mut row_labels = Vec::new();
    let mut cells = Vec::new();
    for c in &entra.coverage {
        row_labels.push(format!("{} / {}", c.tenant, c.kind));
        cells.push(
            days.iter()
                .map(|d| match counts.get(&(c.tenant.clone(), c.kind, *d)) {
                    Some(n) if *n > 0 => HeatCell::Count(*n),
                    _ => HeatCell::Gap,
                })
                .collect(),
        );
    }
    Some(HeatMap {
        title: "Sign-ins per UTC day".into(),
        row_labels,
        column_labels: days.iter().map(|d| d.to_string()).collect(),
        cells,
        legend: "Darker green: more sign-ins that day (successful or not). Red: no sign-in in the exports.".into(),
    })
}

/// Whether a check reads the AWS CLI configuration exports (the posture rules), not the credential
/// report, CloudTrail or Entra: those have a section of their own.
/// The sections that present check results; a catalog entry naming another is shown under "other".
pub(crate) const SECTIONS: [&str; 4] = ["credentials", "cloudtrail", "entra", "posture"];

/// AWS configuration from CLI exports: per check, how many resources passed, failed or could not be
/// judged, then the failing resources.
pub(super) fn posture(input: &ReportInput) -> Option<Section> {
    let t = input.template;
    // Results per check and status, counted in one pass over the results.
    let mut counts: BTreeMap<(&str, Status), usize> = BTreeMap::new();
    for r in input.results {
        *counts.entry((r.check, r.status)).or_default() += 1;
    }
    let mut rows = Vec::new();
    for rule in input.catalog.checks.iter().filter(|c| c.section == "posture") {
        let of = |status: Status| counts.get(&(rule.id.as_str(), status)).copied().unwrap_or(0);
        let (pass, fail, excepted, unknown) =
            (of(Status::Pass), of(Status::Fail), of(Status::Excepted), of(Status::Unknown));
        if pass + fail + excepted + unknown == 0 {
            continue;
        }
        let tone = if fail > 0 {
            Tone::Bad
        } else if unknown > 0 {
            Tone::Warn
        } else {
            Tone::Good
        };
        rows.push(vec![
            Cell::toned(check_title(input, &rule.id), tone),
            Cell::plain(thousands(pass as u64)),
            Cell::plain(thousands(fail as u64)),
            Cell::plain(thousands(excepted as u64)),
            Cell::plain(thousands(unknown as u64)),
        ]);
    }
    if rows.is_empty() {
        return None;
    }
    let columns = [
        ("Check", 4.0, Align::Left),
        ("Pass", 0.8, Align::Right),
        ("Fail", 0.8, Align::Right),
        ("Excepted", 0.9, Align::Right),
        ("Unknown", 0.9, Align::Right),
    ];
    let blocks = vec![
        Block::Paragraph(t.text("posture", "intro", &[])),
        Block::Heading(t.text("posture", "summary_heading", &[])),
        Block::Table(table(&columns, rows, "")),
        Block::Heading(t.text("posture", "failing_heading", &[])),
        failing(input, |check| input.catalog.in_section(check, "posture")),
    ];
    Some(section(input, "posture", blocks))
}

/// Results of check families no other section presents (for checks added after this module).
pub(super) fn other(input: &ReportInput) -> Option<Section> {
    let known = |check: &str| input.catalog.get(check).is_some_and(|c| SECTIONS.contains(&c.section.as_str()));
    if input.results.iter().all(|r| known(r.check)) {
        return None;
    }
    let t = input.template;
    let blocks = vec![
        Block::Paragraph(t.text("other", "intro", &[])),
        Block::Heading(t.text("other", "failing_heading", &[])),
        failing(input, |check| !known(check)),
    ];
    Some(section(input, "other", blocks))
}

/// Resources named per check in an analysis section; the findings register lists them all.
const EXAMPLES_PER_CHECK: usize = 8;

/// The failed results of the checks `which` selects, one row per check: how many failed and the
/// first resources, so a section stays a summary however large the population.
fn failing(input: &ReportInput, which: impl Fn(&str) -> bool) -> Block {
    let by_check = super::failed_by_check(input.results, which);
    if by_check.is_empty() {
        return Block::Callout(Callout { tone: Tone::Good, text: "No failing resource.".into() });
    }
    let rows = by_check
        .into_iter()
        .map(|((severity, check), failed)| {
            let mut resources: Vec<&str> = failed.iter().map(|r| &*r.resource).collect();
            resources.sort_unstable();
            let mut shown: Vec<String> = resources.iter().take(EXAMPLES_PER_CHECK).map(|r| r.to_string()).collect();
            if resources.len() > EXAMPLES_PER_CHECK {
                shown.push(format!(
                    "… and {} more (findings register)",
                    thousands((resources.len() - EXAMPLES_PER_CHECK) as u64)
                ));
            }
            vec![
                Cell::toned(format!("{} {}", severity.priority(), severity), super::severity_tone(severity)),
                Cell::plain(check_title(input, check)),
                Cell::plain(thousands(resources.len() as u64)),
                Cell::plain(shown.join("\n")),
            ]
        })
        .collect();
    let columns = [
        ("Priority", 0.8, Align::Left),
        ("Check", 1.8, Align::Left),
        ("Failed", 0.6, Align::Right),
        ("Resources", 3.0, Align::Left),
    ];
    Block::Table(table(&columns, rows, ""))
}

fn check_title(input: &ReportInput, check: &str) -> String {
    input.catalog.get(check).map_or_else(|| check.to_string(), |c| c.title.clone())
}

/// Account/region × day, from the same grid as `coverage.csv`.
fn heat_map(input: &ReportInput) -> Option<HeatMap> {
    let period = input.facts.cloudtrail.period?;
    let days: Vec<chrono::NaiveDate> = period.from.iter_days().take_while(|d| *d <= period.to).collect();
    if days.is_empty() || input.facts.cloudtrail.coverage.is_empty() {
        return None;
    }
    let mut records: BTreeMap<(&str, &str, &str), u64> = BTreeMap::new();
    for row in input.coverage_grid {
        records.insert((&row.account, &row.region, &row.day), row.records);
    }
    let labels: Vec<String> = days.iter().map(|d| d.to_string()).collect();
    let places: BTreeSet<(&str, &str)> =
        input.facts.cloudtrail.coverage.iter().map(|c| (c.account.as_str(), c.region.as_str())).collect();
    let mut row_labels = Vec::new();
    let mut cells = Vec::new();
    for (account, region) in places {
        row_labels.push(format!("{account} / {region}"));
        cells.push(
            labels
                .iter()
                .map(|day| match records.get(&(account, region, day.as_str())) {
                    Some(0) | None => HeatCell::Gap,
                    Some(n) => HeatCell::Count(*n),
                })
                .collect(),
        );
    }
    Some(HeatMap {
        title: "CloudTrail records per UTC day".into(),
        row_labels,
        column_labels: labels,
        cells,
        legend: format!(
            "Darker green: more records that day. Red: no record at all (a gap). Period {}..{}; coverage.csv has every cell.",
            period.from, period.to
        ),
    })
}

#[derive(Deserialize)]
struct ActivityCatalog {
    activity: Vec<ActivityEntry>,
}

#[derive(Deserialize)]
struct ActivityEntry {
    id: String,
    title: String,
}

/// Activity summary titles from `templates/activity.toml`; ids without one are shown as ids.
fn activity_titles() -> BTreeMap<String, String> {
    toml::from_str::<ActivityCatalog>(include_str!("../../../templates/activity.toml"))
        .map(|c| c.activity.into_iter().map(|a| (a.id, a.title)).collect())
        .unwrap_or_default()
}
