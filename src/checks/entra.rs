//! Entra ID rules (issue 5, DESIGN.md §6 Entra table): what sign-ins actually did (single factor,
//! legacy protocols), stale members and guests, MFA registration, app secrets, Conditional Access
//! and Global Administrator count. Ages are whole days before the Entra as-of.

use std::collections::BTreeMap;

use super::{EvidenceRef, Outcome, Rule, Status};
use crate::config::Thresholds;
use crate::facts::Facts;
use crate::facts::entra::{EntraFacts, Sourced};
use crate::formats::entra::model::{
    AuthRequirement, CaPolicy, CredentialKind, GLOBAL_ADMIN_TEMPLATE, LEGACY_CLIENT_APPS, PolicyState, SignIn,
    SignInStatus,
};
use crate::timefmt::{Instant, age_days, format_day, format_instant};

pub(crate) const RULES: &[Rule] = &[
    Rule { id: "entra.signin.single_factor", evaluate: single_factor },
    Rule { id: "entra.signin.legacy_auth", evaluate: legacy_auth },
    Rule { id: "entra.users.stale_member", evaluate: stale_member },
    Rule { id: "entra.users.stale_guest", evaluate: stale_guest },
    Rule { id: "entra.users.mfa_registration", evaluate: mfa_registration },
    Rule { id: "entra.apps.secret_age", evaluate: secret_age },
    Rule { id: "entra.apps.secret_expired", evaluate: secret_expired },
    Rule { id: "entra.ca.mfa_all_users", evaluate: ca_mfa_all_users },
    Rule { id: "entra.ca.legacy_auth_blocked", evaluate: ca_legacy_auth_blocked },
    Rule { id: "entra.roles.global_admin_count", evaluate: global_admin_count },
];

/// Evidence references of a result: at most this many.
const EVIDENCE: usize = 5;

fn outcome(
    facts: &EntraFacts,
    check: &'static str,
    resource: String,
    status: Status,
    detail: String,
    evidence: Vec<EvidenceRef>,
) -> Outcome {
    Outcome {
        check,
        status,
        resource,
        account: Some(facts.tenant.clone()),
        region: None,
        detail,
        evidence,
        since: None,
    }
}

fn evidence_of<T>(item: &Sourced<T>, locator: String) -> EvidenceRef {
    EvidenceRef { file: item.file.clone(), sha256: item.sha256.clone(), locator }
}

fn sign_in_ref(s: &Sourced<SignIn>) -> EvidenceRef {
    evidence_of(s, format!("record {} (request id {})", s.item.locator, s.item.id))
}

fn is_legacy(client_app: Option<&str>) -> bool {
    client_app.is_some_and(|c| LEGACY_CLIENT_APPS.iter().any(|l| l.eq_ignore_ascii_case(c.trim())))
}

/// Successful sign-ins selected by `select`, grouped by user (lower-cased UPN), in time order.
fn by_user(facts: &EntraFacts, select: impl Fn(&SignIn) -> bool) -> BTreeMap<String, Vec<&Sourced<SignIn>>> {
    let mut out: BTreeMap<String, Vec<&Sourced<SignIn>>> = BTreeMap::new();
    for s in facts.sign_ins.iter().filter(|s| s.item.status == SignInStatus::Success && select(&s.item)) {
        out.entry(s.item.user_principal_name.trim().to_lowercase()).or_default().push(s);
    }
    out
}

/// `Browser 3, IMAP4 1`: values and how often, most frequent first.
fn tally<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut pairs: Vec<(&str, usize)> = counts.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    pairs.iter().map(|(v, n)| format!("{v} {n}")).collect::<Vec<_>>().join(", ")
}

fn single_factor(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let entra = &facts.entra;
    by_user(entra, |s| s.interactive != Some(false))
        .into_values()
        .filter_map(|sign_ins| {
            // Groups are made by pushing a sign-in, so never empty.
            let (first_in, last_in) = (*sign_ins.first()?, *sign_ins.last()?);
            let upn = first_in.item.user_principal_name.clone();
            let single: Vec<&&Sourced<SignIn>> =
                sign_ins.iter().filter(|s| s.item.auth_requirement == AuthRequirement::SingleFactor).collect();
            let unknown = sign_ins.iter().filter(|s| s.item.auth_requirement == AuthRequirement::Unknown).count();
            if let (Some(first), Some(last)) = (single.first(), single.last()) {
                let detail = format!(
                    "{} of {} successful interactive sign-ins were single-factor between {} and {}; apps: {}; client apps: {}",
                    single.len(),
                    sign_ins.len(),
                    format_instant(first.item.time),
                    format_instant(last.item.time),
                    tally(single.iter().map(|s| s.item.app.as_deref().unwrap_or("-"))),
                    tally(single.iter().map(|s| s.item.client_app.as_deref().unwrap_or("-"))),
                );
                let evidence = single.iter().take(EVIDENCE).map(|s| sign_in_ref(s)).collect();
                Some(outcome(entra, check, upn, Status::Fail, detail, evidence))
            } else if unknown == sign_ins.len() {
                let detail = format!(
                    "{} successful interactive sign-ins, none saying which authentication it required",
                    sign_ins.len()
                );
                Some(outcome(entra, check, upn, Status::Unknown, detail, vec![sign_in_ref(first_in)]))
            } else {
                let detail = format!(
                    "all {} successful interactive sign-ins with a stated requirement were multifactor ({} to {}){}",
                    sign_ins.len() - unknown,
                    format_day(first_in.item.time),
                    format_day(last_in.item.time),
                    if unknown > 0 { format!("; {unknown} without a stated requirement") } else { String::new() }
                );
                Some(outcome(entra, check, upn, Status::Pass, detail, vec![sign_in_ref(first_in)]))
            }
        })
        .collect()
}

fn legacy_auth(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let entra = &facts.entra;
    by_user(entra, |_| true)
        .into_values()
        .filter_map(|sign_ins| {
            // Groups are made by pushing a sign-in, so never empty.
            let first_in = *sign_ins.first()?;
            let upn = first_in.item.user_principal_name.clone();
            let legacy: Vec<&&Sourced<SignIn>> =
                sign_ins.iter().filter(|s| is_legacy(s.item.client_app.as_deref())).collect();
            if let (Some(first), Some(last)) = (legacy.first(), legacy.last()) {
                let detail = format!(
                    "{} of {} successful sign-ins used legacy authentication between {} and {}: {}",
                    legacy.len(),
                    sign_ins.len(),
                    format_instant(first.item.time),
                    format_instant(last.item.time),
                    tally(legacy.iter().map(|s| s.item.client_app.as_deref().unwrap_or("-")))
                );
                let evidence = legacy.iter().take(EVIDENCE).map(|s| sign_in_ref(s)).collect();
                Some(outcome(entra, check, upn, Status::Fail, detail, evidence))
            } else {
                let detail = format!(
                    "none of {} successful sign-ins used a legacy client app; client apps: {}",
                    sign_ins.len(),
                    tally(sign_ins.iter().map(|s| s.item.client_app.as_deref().unwrap_or("not stated")))
                );
                Some(outcome(entra, check, upn, Status::Pass, detail, vec![sign_in_ref(first_in)]))
            }
        })
        .collect()
}

fn is_guest(user_type: Option<&str>) -> bool {
    user_type.is_some_and(|t| t.trim().eq_ignore_ascii_case("guest"))
}

/// Stale members (`guests` false) or guests (true): enabled users only.
fn stale(facts: &Facts, thresholds: &Thresholds, check: &'static str, guests: bool) -> Vec<Outcome> {
    let entra = &facts.entra;
    let Some(as_of) = entra.as_of else { return Vec::new() };
    let logged = entra.newest_successful_sign_in();
    let limit = thresholds.stale_account_days;
    let mut out = Vec::new();
    for (key, user) in &entra.users {
        let u = &user.item;
        if is_guest(u.user_type.as_deref()) != guests {
            continue;
        }
        let evidence = vec![evidence_of(user, format!("record {} ({})", u.locator, u.user_principal_name))];
        let resource = u.user_principal_name.clone();
        match u.enabled {
            Some(false) => continue,
            None => {
                let detail = "accountEnabled is not in the users export: cannot tell whether the account is enabled";
                out.push(outcome(entra, check, resource, Status::Unknown, detail.into(), evidence));
                continue;
            }
            Some(true) => {}
        }
        let interactive = u.last_successful_sign_in.or(u.last_sign_in);
        let candidates: [(Option<Instant>, &str); 3] = [
            (interactive, "last interactive sign-in (signInActivity)"),
            (u.last_non_interactive_sign_in, "last non-interactive sign-in (signInActivity)"),
            (logged.get(key).copied(), "newest successful sign-in in the sign-in exports"),
        ];
        let last = candidates.iter().filter_map(|(t, what)| t.map(|t| (t, *what))).max_by_key(|(t, _)| *t);
        let (when, what) = match (last, u.created) {
            (Some(found), _) => found,
            (None, Some(created)) => (created, "no sign-in recorded; created"),
            (None, None) => {
                let detail = "no sign-in activity, no sign-in in the logs and no createdDateTime: age unknown";
                out.push(outcome(entra, check, resource, Status::Unknown, detail.into(), evidence));
                continue;
            }
        };
        let age = age_days(as_of, when);
        let state = u.external_user_state.as_deref().map(|s| format!("; invitation {s}")).unwrap_or_default();
        let detail = format!(
            "{what} {}, {age} days before the as-of {} (limit {limit}){state}",
            format_instant(when),
            format_day(as_of)
        );
        let status = if age > limit { Status::Fail } else { Status::Pass };
        let mut stale = outcome(entra, check, resource, status, detail, evidence);
        stale.since = over_limit(status, when, limit);
        out.push(stale);
    }
    out
}

/// Since when an age rule's status has held (see [`Outcome::since`]): failing from `t` + limit + 1
/// day, passing from `t`.
fn over_limit(status: Status, t: Instant, limit: i64) -> Option<Instant> {
    match status {
        Status::Fail => t.checked_add_signed(chrono::Duration::days(limit + 1)),
        _ => Some(t),
    }
}

fn stale_member(check: &'static str, facts: &Facts, thresholds: &Thresholds) -> Vec<Outcome> {
    stale(facts, thresholds, check, false)
}

fn stale_guest(check: &'static str, facts: &Facts, thresholds: &Thresholds) -> Vec<Outcome> {
    stale(facts, thresholds, check, true)
}

fn mfa_registration(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let entra = &facts.entra;
    let mut out = Vec::new();
    for (key, reg) in &entra.registrations {
        let r = &reg.item;
        let user = entra.users.get(key).map(|u| &u.item);
        let user_type = r.user_type.as_deref().or(user.and_then(|u| u.user_type.as_deref()));
        if is_guest(user_type) || user.is_some_and(|u| u.enabled == Some(false)) {
            continue;
        }
        let admin = r.is_admin == Some(true);
        let who = if admin { "administrator (isAdmin) " } else { "" };
        let evidence = vec![evidence_of(reg, format!("record {} ({})", r.locator, r.user_principal_name))];
        let methods = if r.methods.is_empty() { "none".to_string() } else { r.methods.join(", ") };
        let (status, detail) = match r.is_mfa_registered {
            Some(true) => (Status::Pass, format!("{who}registered for MFA; methods: {methods}")),
            Some(false) => {
                (Status::Fail, format!("{who}not registered for MFA (isMfaRegistered = false); methods: {methods}"))
            }
            None => (Status::Unknown, format!("{who}isMfaRegistered is not in the export")),
        };
        out.push(outcome(entra, check, r.user_principal_name.clone(), status, detail, evidence));
    }
    out
}

/// One outcome per secret of every app, `judge` deciding from its start and end.
fn per_secret(
    facts: &Facts,
    check: &'static str,
    judge: impl Fn(Instant, Option<Instant>, Option<Instant>) -> (Status, String, Option<Instant>),
) -> Vec<Outcome> {
    let entra = &facts.entra;
    let Some(as_of) = entra.as_of else { return Vec::new() };
    let mut out = Vec::new();
    for app in &entra.apps {
        for c in app.item.credentials.iter().filter(|c| c.kind == CredentialKind::Secret) {
            let (status, detail, since) = judge(as_of, c.start, c.end);
            let name = app.item.display_name.as_deref().unwrap_or("unnamed application");
            let secret = c.display_name.as_deref().map(|n| format!(" {n:?}")).unwrap_or_default();
            let evidence = vec![evidence_of(app, format!("record {} ({})", app.item.locator, app.item.app_id))];
            let resource = format!("{}#{}", app.item.app_id, c.key_id);
            let mut judged =
                outcome(entra, check, resource, status, format!("{name}, secret{secret}: {detail}"), evidence);
            judged.since = since;
            out.push(judged);
        }
    }
    out
}

fn secret_age(check: &'static str, facts: &Facts, thresholds: &Thresholds) -> Vec<Outcome> {
    let limit = thresholds.app_secret_max_age_days;
    per_secret(facts, check, |as_of, start, _| match start {
        None => (Status::Unknown, "startDateTime missing or unreadable".into(), None),
        Some(start) => {
            let age = age_days(as_of, start);
            let status = if age > limit { Status::Fail } else { Status::Pass };
            let detail = format!("created {}, {age} days before the as-of (limit {limit})", format_day(start));
            (status, detail, over_limit(status, start, limit))
        }
    })
}

fn secret_expired(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_secret(facts, check, |as_of, _, end| match end {
        None => (Status::Unknown, "endDateTime missing or unreadable".into(), None),
        Some(end) if end < as_of => (
            Status::Fail,
            format!(
                "expired {} and still registered ({} days before the as-of)",
                format_day(end),
                age_days(as_of, end)
            ),
            Some(end),
        ),
        Some(end) => (Status::Pass, format!("valid until {}", format_day(end)), None),
    })
}

fn includes_all(values: &[String]) -> bool {
    values.iter().any(|v| v.eq_ignore_ascii_case("all"))
}

/// Enabled, all users, all applications, and no condition that limits it to some sign-ins (a
/// location allow-list, risk levels, platforms, device filters): the scope both tenant-wide CA
/// checks need.
fn tenant_wide(p: &CaPolicy) -> bool {
    p.state == PolicyState::Enabled
        && includes_all(&p.include_users)
        && includes_all(&p.include_applications)
        && p.narrowed_by.is_empty()
}

/// Does satisfying the policy's grant always take MFA? With `OR`, every alternative must be MFA
/// ("MFA or a compliant device" lets a compliant device in without it); with `AND`, one is enough.
fn requires_mfa(p: &CaPolicy) -> bool {
    let is_mfa = |g: &String| g.eq_ignore_ascii_case("mfa");
    let any_mfa = p.authentication_strength || p.grant_controls.iter().any(is_mfa);
    let and = p.grant_operator.as_deref().is_some_and(|o| o.eq_ignore_ascii_case("AND"));
    any_mfa && (and || p.grant_controls.iter().all(is_mfa))
}

fn exclusions(p: &CaPolicy) -> String {
    let mut parts = Vec::new();
    for (what, list) in [("users", &p.exclude_users), ("groups", &p.exclude_groups), ("roles", &p.exclude_roles)] {
        if !list.is_empty() {
            parts.push(format!("{what} {}", list.join(", ")));
        }
    }
    if parts.is_empty() { "no exclusions".into() } else { format!("excludes {}", parts.join("; ")) }
}

/// The tenant-wide result of a CA check: pass with the first policy `qualifies` accepts.
fn ca_check(facts: &Facts, check: &'static str, want: &str, qualifies: impl Fn(&CaPolicy) -> bool) -> Vec<Outcome> {
    let entra = &facts.entra;
    if entra.policy_files == 0 {
        return Vec::new();
    }
    let passing: Vec<&Sourced<CaPolicy>> = entra.policies.iter().filter(|p| qualifies(&p.item)).collect();
    if let Some(p) = passing.first() {
        let detail = format!("enabled policy {:?} {want}; {}", p.item.display_name, exclusions(&p.item));
        let evidence = passing.iter().take(EVIDENCE).map(|p| evidence_of(p, format!("policy {}", p.item.id))).collect();
        return vec![outcome(entra, check, entra.tenant.clone(), Status::Pass, detail, evidence)];
    }
    // Say why the near misses do not count: a report-only or disabled policy that would qualify, and
    // one that would if a condition did not limit it to some sign-ins.
    let near: Vec<String> = entra
        .policies
        .iter()
        .filter(|p| {
            p.item.state != PolicyState::Enabled
                && qualifies(&CaPolicy { state: PolicyState::Enabled, ..p.item.clone() })
        })
        .map(|p| format!("{:?} ({:?})", p.item.display_name, p.item.state))
        .collect();
    let narrowed: Vec<String> = entra
        .policies
        .iter()
        .filter(|p| {
            !p.item.narrowed_by.is_empty() && qualifies(&CaPolicy { narrowed_by: Vec::new(), ..p.item.clone() })
        })
        .map(|p| format!("{:?} applies only by {}", p.item.display_name, p.item.narrowed_by.join(", ")))
        .collect();
    let mut detail = format!("none of the {} policies is an enabled policy that {want}", entra.policies.len());
    if !near.is_empty() {
        detail.push_str(&format!("; not enforced: {}", near.join(", ")));
    }
    if !narrowed.is_empty() {
        detail.push_str(&format!("; limited to some sign-ins: {}", narrowed.join("; ")));
    }
    let evidence =
        entra.policies.iter().take(EVIDENCE).map(|p| evidence_of(p, format!("policy {}", p.item.id))).collect();
    vec![outcome(entra, check, entra.tenant.clone(), Status::Fail, detail, evidence)]
}

fn ca_mfa_all_users(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    ca_check(facts, check, "requires MFA for all users, all apps and all client apps", |p| {
        let listed = |t: &str| p.client_app_types.iter().any(|c| c.eq_ignore_ascii_case(t));
        let every_type =
            ["browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other"].iter().all(|t| listed(t));
        let all_clients = p.client_app_types.is_empty() || includes_all(&p.client_app_types) || every_type;
        tenant_wide(p) && all_clients && requires_mfa(p)
    })
}

fn ca_legacy_auth_blocked(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    ca_check(facts, check, "blocks exchangeActiveSync and other clients for all users and apps", |p| {
        let has =
            |t: &str| includes_all(&p.client_app_types) || p.client_app_types.iter().any(|c| c.eq_ignore_ascii_case(t));
        let block = p.grant_controls.iter().any(|g| g.eq_ignore_ascii_case("block"));
        tenant_wide(p) && has("exchangeActiveSync") && has("other") && block
    })
}

fn global_admin_count(check: &'static str, facts: &Facts, thresholds: &Thresholds) -> Vec<Outcome> {
    let entra = &facts.entra;
    if entra.role_files == 0 {
        return Vec::new();
    }
    let roles: Vec<&Sourced<_>> =
        entra.roles.iter().filter(|r| r.item.role_template_id.eq_ignore_ascii_case(GLOBAL_ADMIN_TEMPLATE)).collect();
    let mut members: Vec<&str> = roles.iter().flat_map(|r| r.item.members.iter().map(String::as_str)).collect();
    members.sort_unstable_by_key(|m| m.to_lowercase());
    members.dedup_by_key(|m| m.to_lowercase());
    let n = members.len() as i64;
    let (min, max) = (thresholds.global_admins_min, thresholds.global_admins_max);
    let status = if n < min || n > max { Status::Fail } else { Status::Pass };
    let named = if members.is_empty() { "none in the export".to_string() } else { members.join(", ") };
    let detail = format!("{n} Global Administrator member(s) (allowed {min} to {max}): {named}");
    let evidence = roles.iter().map(|r| evidence_of(r, format!("role {}", r.item.role_template_id))).collect();
    vec![outcome(entra, check, entra.tenant.clone(), status, detail, evidence)]
}
