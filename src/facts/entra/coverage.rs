//! Which days the Entra sign-in exports cover, per tenant and kind (interactive, non-interactive):
//! the `coverage[]` entries with `source: "entra-signins"`. Entra keeps sign-ins for 7 or 30 days,
//! so a short export window is the commonest gap in identity evidence; the notes say so plainly.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::Sourced;
use crate::facts::cloudtrail::coverage::ObservationPeriod;
use crate::formats::entra::model::SignIn;

/// Days of sign-in evidence below which the notes point at Entra's retention.
const RETENTION_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct SignInCoverage {
    pub source: &'static str,
    pub tenant: String,
    /// `interactive` or `non-interactive` (sign-ins whose export does not say count as interactive).
    pub kind: &'static str,
    pub period: [String; 2],
    pub days_covered: i64,
    pub days_in_period: i64,
    /// Inclusive `[from, to]` day ranges without a sign-in.
    pub gaps: Vec<[String; 2]>,
    pub sign_ins: u64,
    /// First and last sign-in of this kind.
    pub first: String,
    pub last: String,
}

/// One tenant × kind: days with a sign-in in the period, sign-ins, first and last instant.
type Cell = (BTreeSet<NaiveDate>, u64, String, String);

pub(crate) fn kind_of(s: &SignIn) -> &'static str {
    if s.interactive == Some(false) { "non-interactive" } else { "interactive" }
}

/// Sign-ins are one tenant's unless they name several; each tenant × kind gets an entry.
pub(crate) fn coverage(
    sign_ins: &[Sourced<SignIn>],
    tenant: &str,
    period: Option<ObservationPeriod>,
) -> Vec<SignInCoverage> {
    use crate::facts::cloudtrail::aggregate::{date_to_day, day_to_date};
    let days_of = |s: &Sourced<SignIn>| s.item.time.date_naive();
    // Without --period, the bulk of the sign-in days: one sign-in dated 9999 must not make the
    // period (and the report's day-by-day timeline) span millennia.
    let mut per_day: BTreeMap<i32, u64> = BTreeMap::new();
    for s in sign_ins {
        *per_day.entry(date_to_day(days_of(s))).or_default() += 1;
    }
    let bulk = crate::facts::cloudtrail::coverage::bulk_window(&per_day);
    let Some((first, last)) = bulk.and_then(|(a, b)| Some((day_to_date(a)?, day_to_date(b)?))) else {
        return Vec::new();
    };
    let (from, to) = period.map_or((first, last), |p| (p.from, p.to));
    let mut cells: BTreeMap<(String, &'static str), Cell> = BTreeMap::new();
    for s in sign_ins {
        let t = s.item.tenant_id.clone().unwrap_or_else(|| tenant.to_string());
        let entry = cells.entry((t, kind_of(&s.item))).or_default();
        let day = days_of(s);
        let when = crate::timefmt::format_instant(s.item.time);
        if entry.1 == 0 || when < entry.2 {
            entry.2.clone_from(&when);
        }
        if when > entry.3 {
            entry.3 = when;
        }
        entry.1 += 1;
        if (from..=to).contains(&day) {
            entry.0.insert(day);
        }
    }
    let days_in_period = (to - from).num_days() + 1;
    cells
        .into_iter()
        .map(|((tenant, kind), (days, count, first, last))| SignInCoverage {
            source: "entra-signins",
            tenant,
            kind,
            period: [from.to_string(), to.to_string()],
            days_covered: days.len() as i64,
            days_in_period,
            gaps: gaps(&days, from, to),
            sign_ins: count,
            first,
            last,
        })
        .collect()
}

fn gaps(days: &BTreeSet<NaiveDate>, from: NaiveDate, to: NaiveDate) -> Vec<[String; 2]> {
    use crate::facts::cloudtrail::aggregate::{date_to_day, day_to_date};
    let show = |day: i32| day_to_date(day).map(|d| d.to_string()).unwrap_or_else(|| format!("day {day}"));
    crate::facts::cloudtrail::coverage::day_gaps(
        days.iter().map(|d| date_to_day(*d)),
        date_to_day(from),
        date_to_day(to),
    )
    .into_iter()
    .map(|(a, b)| [show(a), show(b)])
    .collect()
}

/// Days from the first to the last day with a sign-in, inclusive.
fn covered_span(c: &SignInCoverage) -> i64 {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let (Some(from), Some(to)) = (day(&c.period[0]), day(&c.period[1])) else { return c.days_covered };
    // Leading and trailing gaps are the days outside the exports' window.
    let lead = c
        .gaps
        .first()
        .filter(|g| g[0] == c.period[0])
        .and_then(|g| day(&g[1]))
        .map_or(0, |end| (end - from).num_days() + 1);
    let trail = c
        .gaps
        .last()
        .filter(|g| g[1] == c.period[1])
        .and_then(|g| day(&g[0]))
        .map_or(0, |start| (to - start).num_days() + 1);
    ((to - from).num_days() + 1 - lead - trail).max(0)
}

/// Plain words about windows too short for an observation period and about gaps.
pub(crate) fn retention_notes(coverage: &[SignInCoverage]) -> Vec<String> {
    let mut notes = Vec::new();
    for c in coverage {
        // A window as short as Entra's retention, inside a longer period: the exports were taken once.
        let span = covered_span(c);
        if span <= RETENTION_DAYS && span < c.days_in_period {
            notes.push(format!(
                "Entra ID sign-ins ({} {}): the exports span only {span} of the {} days of {}..{} ({} days with \
                 sign-ins); Entra keeps sign-ins for 7 days (Free) or 30 days (P1/P2), so the rest of the period is \
                 not evidenced: ask for exports taken during the period or for the Log Analytics / storage archive",
                c.tenant, c.kind, c.days_in_period, c.period[0], c.period[1], c.days_covered
            ));
        } else if !c.gaps.is_empty() {
            let shown: Vec<String> =
                c.gaps.iter().take(5).map(|[a, b]| if a == b { a.clone() } else { format!("{a}..{b}") }).collect();
            notes.push(format!(
                "Entra ID sign-ins ({} {}): no sign-in on {} of the {} days: {}",
                c.tenant,
                c.kind,
                c.days_in_period - c.days_covered,
                c.days_in_period,
                shown.join(", ")
            ));
        }
    }
    notes
}
