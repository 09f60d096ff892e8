//! Entra facts and rules on hand-made exports, boundaries included. Expected verdicts are worked out
//! from the rule text: ages are floor((as-of − t) / 1 day), a limit of 90 fails at 91.

use super::{EntraFacts, EntraFile};
use crate::checks::{Outcome, Status};
use crate::config::Thresholds;
use crate::facts::Facts;
use crate::formats::entra::model::*;
use crate::timefmt::{Instant, parse_timestamp};

const AS_OF: &str = "2026-10-01T00:00:00Z";

fn t(s: &str) -> Instant {
    parse_timestamp(s).unwrap()
}

fn days_before(days: i64) -> Instant {
    t(AS_OF) - chrono::Duration::days(days)
}

fn sign_in(id: &str, upn: &str, time: Instant, ok: bool, req: AuthRequirement, client: &str) -> SignIn {
    SignIn {
        id: id.into(),
        time,
        user_principal_name: upn.into(),
        user_id: None,
        user_type: None,
        app: Some("Office 365".into()),
        client_app: Some(client.into()),
        interactive: Some(true),
        status: if ok { SignInStatus::Success } else { SignInStatus::Failure },
        auth_requirement: req,
        tenant_id: Some("tenant-1".into()),
        locator: 1,
    }
}

fn user(upn: &str, kind: &str, enabled: bool, created: Instant) -> User {
    User {
        id: None,
        user_principal_name: upn.into(),
        display_name: None,
        user_type: Some(kind.into()),
        enabled: Some(enabled),
        created: Some(created),
        external_user_state: None,
        last_sign_in: None,
        last_non_interactive_sign_in: None,
        last_successful_sign_in: None,
        locator: 1,
    }
}

fn file(name: &str, export: EntraExport) -> EntraFile {
    EntraFile { file: name.into(), sha256: "h".into(), export }
}

fn facts(files: Vec<EntraFile>) -> Facts {
    Facts { entra: EntraFacts::new(files, Some(t(AS_OF)), None), ..Facts::default() }
}

fn run(facts: &Facts, check: &str) -> Vec<Outcome> {
    let rule = crate::checks::rules().into_iter().find(|r| r.id == check).unwrap();
    rule.run(facts, &Thresholds::default())
}

fn verdict(outcomes: &[Outcome], resource: &str) -> Option<Status> {
    outcomes.iter().find(|o| o.resource == resource).map(|o| o.status)
}

#[test]
fn single_factor_counts_successful_interactive_sign_ins_once() {
    use AuthRequirement::*;
    let day = days_before(3);
    let a = vec![
        sign_in("1", "mfa@x", day, true, MultiFactor, "Browser"),
        sign_in("2", "one@x", day, true, MultiFactor, "Browser"),
        sign_in("3", "one@x", day, true, SingleFactor, "Browser"),
        sign_in("4", "failed@x", day, false, SingleFactor, "Browser"),
        sign_in("5", "failed@x", day, true, MultiFactor, "Browser"),
    ];
    // The same request id in a second export is the same sign-in.
    let b = vec![sign_in("3", "one@x", day, true, SingleFactor, "Browser")];
    let f = facts(vec![file("a.csv", EntraExport::SignIns(a)), file("b.json", EntraExport::SignIns(b))]);
    assert_eq!(f.entra.sign_ins.len(), 5);
    assert_eq!(f.entra.duplicate_sign_ins, 1);
    let out = run(&f, "entra.signin.single_factor");
    assert_eq!(verdict(&out, "mfa@x"), Some(Status::Pass));
    assert_eq!(verdict(&out, "one@x"), Some(Status::Fail));
    assert_eq!(verdict(&out, "failed@x"), Some(Status::Pass), "a failed single-factor attempt does not count");
    let one = out.iter().find(|o| o.resource == "one@x").unwrap();
    assert!(one.detail.starts_with("1 of 2 successful interactive sign-ins"), "{}", one.detail);
    // Non-interactive sign-ins are outside this check's population.
    let mut quiet = sign_in("9", "svc@x", day, true, SingleFactor, "Browser");
    quiet.interactive = Some(false);
    let f = facts(vec![file("n.json", EntraExport::SignIns(vec![quiet]))]);
    assert!(run(&f, "entra.signin.single_factor").is_empty());
}

#[test]
fn legacy_auth_needs_a_successful_legacy_sign_in() {
    use AuthRequirement::*;
    let day = days_before(1);
    let f = facts(vec![file(
        "s.csv",
        EntraExport::SignIns(vec![
            sign_in("1", "imap@x", day, true, SingleFactor, "IMAP4"),
            sign_in("2", "pop@x", day, false, SingleFactor, "POP3"),
            sign_in("3", "pop@x", day, true, MultiFactor, "Browser"),
        ]),
    )]);
    let out = run(&f, "entra.signin.legacy_auth");
    assert_eq!(verdict(&out, "imap@x"), Some(Status::Fail));
    assert_eq!(verdict(&out, "pop@x"), Some(Status::Pass));
    assert!(out.iter().find(|o| o.resource == "imap@x").unwrap().detail.contains("IMAP4 1"));
}

#[test]
fn stale_members_and_guests_at_the_boundary() {
    let mut at90 = user("at90@x", "Member", true, days_before(400));
    at90.last_successful_sign_in = Some(days_before(90));
    let mut at91 = user("at91@x", "Member", true, days_before(400));
    at91.last_successful_sign_in = Some(days_before(91));
    // lastSuccessfulSignInDateTime null: lastSignInDateTime stands in for it.
    let mut fallback = user("fallback@x", "Member", true, days_before(400));
    fallback.last_sign_in = Some(days_before(10));
    // No signInActivity (null), but a recent successful sign-in in the logs.
    let logged = user("logged@x", "Member", true, days_before(400));
    let disabled = user("gone@x", "Member", false, days_before(400));
    let mut guest = user("guest@x", "Guest", true, days_before(200));
    guest.external_user_state = Some("PendingAcceptance".into());
    let users = vec![at90, at91, fallback, logged, disabled, guest];
    let sign_ins = vec![sign_in("1", "Logged@X", days_before(5), true, AuthRequirement::MultiFactor, "Browser")];
    let f = facts(vec![file("u.json", EntraExport::Users(users)), file("s.csv", EntraExport::SignIns(sign_ins))]);
    let members = run(&f, "entra.users.stale_member");
    assert_eq!(verdict(&members, "at90@x"), Some(Status::Pass));
    assert_eq!(verdict(&members, "at91@x"), Some(Status::Fail));
    assert_eq!(verdict(&members, "fallback@x"), Some(Status::Pass));
    assert_eq!(verdict(&members, "logged@x"), Some(Status::Pass));
    assert_eq!(verdict(&members, "gone@x"), None, "disabled users are not in the population");
    assert_eq!(verdict(&members, "guest@x"), None);
    let guests = run(&f, "entra.users.stale_guest");
    assert_eq!(verdict(&guests, "guest@x"), Some(Status::Fail));
    let detail = &guests[0].detail;
    assert!(detail.contains("200 days") && detail.contains("PendingAcceptance"), "{detail}");
}

#[test]
fn users_exported_twice_are_merged() {
    let mut json = user("a@x", "Member", true, days_before(300));
    json.last_successful_sign_in = Some(days_before(100));
    let mut csv = user("A@X", "Member", true, days_before(300));
    csv.user_type = None;
    csv.last_successful_sign_in = Some(days_before(20));
    let f = facts(vec![file("u.json", EntraExport::Users(vec![json])), file("u.csv", EntraExport::Users(vec![csv]))]);
    assert_eq!(f.entra.users.len(), 1);
    assert_eq!(verdict(&run(&f, "entra.users.stale_member"), "a@x"), Some(Status::Pass));
}

fn registration(upn: &str, kind: &str, admin: bool, registered: bool) -> Registration {
    Registration {
        id: None,
        user_principal_name: upn.into(),
        user_type: Some(kind.into()),
        is_admin: Some(admin),
        is_mfa_registered: Some(registered),
        is_mfa_capable: Some(registered),
        methods: Vec::new(),
        locator: 1,
    }
}

#[test]
fn mfa_registration_of_enabled_members() {
    let rows = vec![
        registration("ok@x", "member", false, true),
        registration("no@x", "member", false, false),
        registration("admin@x", "member", true, false),
        registration("guest@x", "guest", false, false),
        registration("off@x", "member", false, false),
    ];
    let users = vec![user("off@x", "Member", false, days_before(10))];
    let f = facts(vec![file("r.json", EntraExport::Registrations(rows)), file("u.json", EntraExport::Users(users))]);
    let out = run(&f, "entra.users.mfa_registration");
    assert_eq!(verdict(&out, "ok@x"), Some(Status::Pass));
    assert_eq!(verdict(&out, "no@x"), Some(Status::Fail));
    assert_eq!(verdict(&out, "admin@x"), Some(Status::Fail));
    assert!(out.iter().find(|o| o.resource == "admin@x").unwrap().detail.starts_with("administrator"));
    assert_eq!(verdict(&out, "guest@x"), None);
    assert_eq!(verdict(&out, "off@x"), None, "disabled in the users export");
}

#[test]
fn secrets_by_age_and_expiry() {
    let secret = |id: &str, start: i64, end: i64| AppCredential {
        kind: CredentialKind::Secret,
        key_id: id.into(),
        display_name: None,
        start: Some(days_before(start)),
        end: Some(days_before(end)),
    };
    let mut cert = secret("c", 900, -30);
    cert.kind = CredentialKind::Certificate;
    let app = App {
        app_id: "app".into(),
        display_name: Some("Payroll".into()),
        object_kind: None,
        credentials: vec![secret("365", 365, -10), secret("366", 366, -10), secret("old", 30, 1), cert],
        locator: 1,
    };
    let f = facts(vec![file("apps.json", EntraExport::Apps(vec![app]))]);
    let age = run(&f, "entra.apps.secret_age");
    assert_eq!(verdict(&age, "app#365"), Some(Status::Pass));
    assert_eq!(verdict(&age, "app#366"), Some(Status::Fail));
    assert_eq!(verdict(&age, "app#c"), None, "certificates are not judged");
    let expired = run(&f, "entra.apps.secret_expired");
    assert_eq!(verdict(&expired, "app#old"), Some(Status::Fail));
    assert_eq!(verdict(&expired, "app#365"), Some(Status::Pass));
}

fn policy(name: &str, state: PolicyState, clients: &[&str], grant: &str) -> CaPolicy {
    let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    CaPolicy {
        id: name.into(),
        display_name: name.into(),
        state,
        include_users: v(&["All"]),
        exclude_users: Vec::new(),
        include_groups: Vec::new(),
        exclude_groups: Vec::new(),
        include_roles: Vec::new(),
        exclude_roles: Vec::new(),
        include_applications: v(&["All"]),
        exclude_applications: Vec::new(),
        client_app_types: v(clients),
        grant_controls: v(&[grant]),
        grant_operator: Some("OR".into()),
        authentication_strength: false,
        narrowed_by: Vec::new(),
        locator: 1,
    }
}

#[test]
fn conditional_access_counts_enabled_policies_only() {
    let mut mfa = policy("MFA all", PolicyState::Enabled, &["all"], "mfa");
    mfa.exclude_users = vec!["breakglass@x".into()];
    let legacy = policy("Block legacy", PolicyState::ReportOnly, &["exchangeActiveSync", "other"], "block");
    let f = facts(vec![file("ca.json", EntraExport::CaPolicies(vec![mfa, legacy.clone()]))]);
    let out = run(&f, "entra.ca.mfa_all_users");
    assert_eq!(out[0].status, Status::Pass);
    assert!(out[0].detail.contains("breakglass@x"), "{}", out[0].detail);
    assert_eq!(out[0].resource, "tenant", "no export named the tenant id");
    let out = run(&f, "entra.ca.legacy_auth_blocked");
    assert_eq!(out[0].status, Status::Fail);
    assert!(out[0].detail.contains("Block legacy"), "the report-only policy is named: {}", out[0].detail);
    let enforced = CaPolicy { state: PolicyState::Enabled, ..legacy };
    let f = facts(vec![file("ca.json", EntraExport::CaPolicies(vec![enforced]))]);
    assert_eq!(run(&f, "entra.ca.legacy_auth_blocked")[0].status, Status::Pass);
    assert_eq!(run(&f, "entra.ca.mfa_all_users")[0].status, Status::Fail);
}

/// A policy limited to some sign-ins (a country allow-list, risky users) is no tenant-wide control,
/// and the failing detail says why it does not count; MFA "or" another grant is not MFA.
#[test]
fn conditional_access_limited_to_some_sign_ins_or_alternatives_to_mfa_do_not_pass() {
    let mut countries = policy("Block outside allowed countries", PolicyState::Enabled, &["all"], "block");
    countries.narrowed_by = vec!["locations (include All; exclude allowed-countries)".into()];
    let f = facts(vec![file("ca.json", EntraExport::CaPolicies(vec![countries.clone()]))]);
    let out = run(&f, "entra.ca.legacy_auth_blocked");
    assert_eq!(out[0].status, Status::Fail, "{}", out[0].detail);
    assert!(out[0].detail.contains("limited to some sign-ins") && out[0].detail.contains("allowed-countries"));
    let everyone = CaPolicy { narrowed_by: Vec::new(), ..countries };
    let f = facts(vec![file("ca.json", EntraExport::CaPolicies(vec![everyone]))]);
    assert_eq!(run(&f, "entra.ca.legacy_auth_blocked")[0].status, Status::Pass);

    let mut risky = policy("MFA for risky users", PolicyState::Enabled, &["all"], "mfa");
    risky.narrowed_by = vec!["user risk high".into()];
    let f = facts(vec![file("ca.json", EntraExport::CaPolicies(vec![risky]))]);
    assert_eq!(run(&f, "entra.ca.mfa_all_users")[0].status, Status::Fail);

    let mut either = policy("MFA or compliant device", PolicyState::Enabled, &["all"], "mfa");
    either.grant_controls.push("compliantDevice".into());
    let f = facts(vec![file("ca.json", EntraExport::CaPolicies(vec![either.clone()]))]);
    assert_eq!(run(&f, "entra.ca.mfa_all_users")[0].status, Status::Fail, "a compliant device alone gets in");
    let both = CaPolicy { grant_operator: Some("AND".into()), ..either };
    let f = facts(vec![file("ca.json", EntraExport::CaPolicies(vec![both]))]);
    assert_eq!(run(&f, "entra.ca.mfa_all_users")[0].status, Status::Pass);
    let mut strength = policy("Strength", PolicyState::Enabled, &["all"], "mfa");
    strength.grant_controls.clear();
    strength.authentication_strength = true;
    let f = facts(vec![file("ca.json", EntraExport::CaPolicies(vec![strength]))]);
    assert_eq!(run(&f, "entra.ca.mfa_all_users")[0].status, Status::Pass);
}

#[test]
fn global_administrators_between_two_and_four() {
    let role = |n: usize| RoleMembers {
        role_template_id: GLOBAL_ADMIN_TEMPLATE.into(),
        display_name: Some("Global Administrator".into()),
        members: (0..n).map(|i| format!("admin{i}@x")).collect(),
        locator: 1,
    };
    for (n, expected) in [(1, Status::Fail), (2, Status::Pass), (4, Status::Pass), (5, Status::Fail)] {
        let f = facts(vec![file("roles.json", EntraExport::Roles(vec![role(n)]))]);
        assert_eq!(run(&f, "entra.roles.global_admin_count")[0].status, expected, "{n} admins");
    }
}

#[test]
fn sign_in_coverage_per_kind_with_gaps_and_retention_note() {
    let at = |d: &str| t(&format!("{d}T10:00:00Z"));
    let mut non = sign_in("n", "a@x", at("2026-09-02"), true, AuthRequirement::MultiFactor, "Browser");
    non.interactive = Some(false);
    let sign_ins = vec![
        sign_in("1", "a@x", at("2026-09-01"), true, AuthRequirement::MultiFactor, "Browser"),
        sign_in("2", "a@x", at("2026-09-05"), false, AuthRequirement::MultiFactor, "Browser"),
        non,
    ];
    let f = facts(vec![file("s.csv", EntraExport::SignIns(sign_ins))]);
    let c = &f.entra.coverage;
    assert_eq!(c.len(), 2);
    let interactive = c.iter().find(|c| c.kind == "interactive").unwrap();
    assert_eq!((interactive.days_covered, interactive.days_in_period), (2, 5));
    assert_eq!(interactive.gaps, vec![["2026-09-02".to_string(), "2026-09-04".to_string()]]);
    assert_eq!(interactive.tenant, "tenant-1");
    let notes = f.entra.notes();
    // Sign-ins on the period's first and last day: the gap is inside, not a retention window.
    assert!(notes.iter().any(|n| n.contains("no sign-in on 3 of the 5 days: 2026-09-02..2026-09-04")), "{notes:?}");
    let period = crate::facts::cloudtrail::coverage::ObservationPeriod {
        from: chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        to: chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
        given: true,
    };
    let sign_ins = f.entra.sign_ins.iter().map(|s| s.item.clone()).collect();
    let f = Facts {
        entra: EntraFacts::new(vec![file("s.csv", EntraExport::SignIns(sign_ins))], Some(t(AS_OF)), Some(period)),
        ..Facts::default()
    };
    let notes = f.entra.notes();
    assert!(notes.iter().any(|n| n.contains("span only 5 of the 92 days")), "{notes:?}");
}

#[test]
fn a_far_off_sign_in_does_not_stretch_the_sign_in_coverage_period() {
    let at = |d: &str| t(&format!("{d}T10:00:00Z"));
    let mut sign_ins: Vec<_> = (1..=20)
        .map(|d| {
            let day = format!("2026-09-{d:02}");
            sign_in(&d.to_string(), "a@x", at(&day), true, AuthRequirement::MultiFactor, "Browser")
        })
        .collect();
    sign_ins.push(sign_in("far", "a@x", at("9999-12-31"), true, AuthRequirement::MultiFactor, "Browser"));
    let f = facts(vec![file("s.csv", EntraExport::SignIns(sign_ins))]);
    let c = &f.entra.coverage[0];
    assert_eq!(c.period, ["2026-09-01".to_string(), "2026-09-20".to_string()]);
    assert_eq!((c.days_covered, c.days_in_period, c.sign_ins), (20, 20, 21));
    assert_eq!(c.last, "9999-12-31T10:00:00Z");
}
