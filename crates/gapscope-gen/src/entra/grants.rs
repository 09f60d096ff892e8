//! The tenant's app registrations (secrets at the age and expiry boundaries, certificates) and its
//! Conditional Access policies (an enabled all-users MFA policy with a break-glass exclusion, a
//! report-only legacy-authentication block, and distractors that must not count).

use super::guid;
use super::tenant::{App, Credential, GLOBAL_ADMIN_TEMPLATE, Options, Policy, PolicyState, USER_ADMIN_TEMPLATE};
use crate::common::DAY;
use crate::rng::Rng;

fn credential(rng: &mut Rng, name: &str, start: i64, end: i64) -> Credential {
    Credential { key_id: guid(rng), name: name.to_owned(), start, end }
}

pub(super) fn apps(o: &Options) -> Vec<App> {
    let t = o.as_of;
    let mut rng = Rng::derived(o.seed, &[b"apps"]);
    let mut app = |name: &'static str, created: i64| App {
        id: guid(&mut rng),
        app_id: guid(&mut rng),
        name,
        created,
        secrets: Vec::new(),
        certificates: Vec::new(),
    };
    let mut payroll = app("Payroll Sync", t - 800 * DAY);
    let mut hr = app("HR Connector", t - 700 * DAY);
    let mut reporting = app("Legacy Reporting", t - 900 * DAY);
    let mut edges = app("Expiry Edge Cases", t - 600 * DAY);
    let mut certs = app("Certificate Only Daemon", t - 900 * DAY);
    let portal = app("Customer Portal", t - 100 * DAY);
    let mut rng = Rng::derived(o.seed, &[b"credentials"]);
    let r = &mut rng;
    payroll.secrets.push(credential(r, "payroll-366d", t - 366 * DAY, t + 364 * DAY));
    hr.secrets.push(credential(r, "hr-365d", t - 365 * DAY, t + 365 * DAY));
    hr.secrets.push(credential(r, "hr-rotated", t - 20 * DAY, t + 710 * DAY));
    reporting.secrets.push(credential(r, "reporting-expired", t - 200 * DAY, t - 10 * DAY));
    edges.secrets.push(credential(r, "ends-at-as-of", t - 180 * DAY, t));
    edges.secrets.push(credential(r, "ended-1s-before", t - 180 * DAY, t - 1));
    certs.certificates.push(credential(r, "CN=daemon.contoso.example", t - 800 * DAY, t - 70 * DAY));
    certs.certificates.push(credential(r, "CN=daemon-2026.contoso.example", t - 60 * DAY, t + 305 * DAY));
    vec![payroll, hr, reporting, edges, certs, portal]
}

pub(super) fn policies(o: &Options, break_glass: &str) -> Vec<Policy> {
    let mut rng = Rng::derived(o.seed, &[b"policies"]);
    let all = || vec!["All".to_owned()];
    let mut policy = |name, state, client_app_types: Vec<&'static str>, grant: Vec<&'static str>| Policy {
        id: guid(&mut rng),
        name,
        state,
        include_users: all(),
        exclude_users: Vec::new(),
        include_roles: Vec::new(),
        include_apps: all(),
        client_app_types,
        grant,
    };
    let mfa_state = if o.ca_mfa_report_only { PolicyState::ReportOnly } else { PolicyState::Enabled };
    let mut mfa = policy("CA001: Require MFA for all users", mfa_state, vec!["all"], vec!["mfa"]);
    mfa.exclude_users.push(break_glass.to_owned());
    let legacy_state = if o.ca_legacy_enforced { PolicyState::Enabled } else { PolicyState::ReportOnly };
    let legacy =
        policy("CA002: Block legacy authentication", legacy_state, vec!["exchangeActiveSync", "other"], vec!["block"]);
    let mut admins = policy("CA003: Require MFA for administrators", PolicyState::Enabled, vec!["all"], vec!["mfa"]);
    admins.include_users = vec!["None".to_owned()];
    admins.include_roles = vec![GLOBAL_ADMIN_TEMPLATE.to_owned(), USER_ADMIN_TEMPLATE.to_owned()];
    let compliant =
        policy("CA004: Require compliant device", PolicyState::Disabled, vec!["all"], vec!["compliantDevice"]);
    let browser_mfa = policy(
        "CA005: Require MFA in browsers",
        PolicyState::Enabled,
        vec!["browser", "mobileAppsAndDesktopClients"],
        vec!["mfa"],
    );
    vec![mfa, legacy, admins, compliant, browser_mfa]
}
