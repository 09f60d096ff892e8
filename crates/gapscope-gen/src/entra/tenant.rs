//! The invented tenant: users (the planted cases, then random ones), their MFA registration and
//! directory roles; its app registrations and Conditional Access policies come from `grants`.
//! Every export and the oracle read this model; sign-ins are made in `signins` from it.

use super::grants::{apps, policies};
use super::guid;
use crate::common::DAY;
use crate::rng::Rng;

pub(super) const DOMAIN: &str = "contoso.example";
pub(super) const TENANT_NAME: &str = "Contoso";
pub(super) const GLOBAL_ADMIN_TEMPLATE: &str = "62e90394-69f5-4237-9190-012177145e10";
pub(super) const USER_ADMIN_TEMPLATE: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";

/// How a user signs in; planted users follow their `script` only.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Profile {
    Planted,
    /// MFA on every successful sign-in.
    Strict,
    /// Now and then a single-factor success (a trusted location, a lax policy).
    Mixed,
    /// Mixed, plus mail clients that still speak IMAP4, POP3, SMTP or ActiveSync.
    Legacy,
    /// Enabled but not seen in the log period (or disabled, or a guest): no sign-ins at all.
    Dormant,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Outcome {
    Success,
    Failure,
    Interrupted,
}

/// Which export a planted sign-in goes to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Sink {
    Csv,
    Ndjson,
    /// The same sign-in (same request id) in the CSV and the NDJSON.
    Both,
    NonInteractive,
}

/// One planted sign-in: on the `day`-th newest day that has sign-ins, at `hour` UTC.
#[derive(Clone, Copy, Debug)]
pub(super) struct Step {
    pub(super) day: usize,
    pub(super) hour: i64,
    pub(super) client: &'static str,
    pub(super) mfa: bool,
    pub(super) outcome: Outcome,
    pub(super) sink: Sink,
}

/// `signInActivity`; each field may be null.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct Activity {
    pub(super) last_sign_in: Option<i64>,
    pub(super) last_non_interactive: Option<i64>,
    pub(super) last_successful: Option<i64>,
}

#[derive(Clone, Debug)]
pub(super) struct User {
    pub(super) id: String,
    pub(super) upn: String,
    pub(super) given: String,
    pub(super) surname: String,
    pub(super) guest: bool,
    pub(super) enabled: bool,
    pub(super) created: i64,
    /// `externalUserState` / `invitationState` of a guest.
    pub(super) invitation: Option<&'static str>,
    /// `None` writes `"signInActivity": null` (never signed in, or no P1 licence).
    pub(super) activity: Option<Activity>,
    pub(super) mfa_registered: bool,
    pub(super) methods: &'static [&'static str],
    /// Listed in users.json (Graph, with signInActivity) and/or users.csv (portal download).
    pub(super) in_graph: bool,
    pub(super) in_csv: bool,
    pub(super) profile: Profile,
    pub(super) department: &'static str,
    /// Index into [`super::signins::PLACES`].
    pub(super) place: usize,
    pub(super) script: Vec<Step>,
}

impl User {
    pub(super) fn display(&self) -> String {
        format!("{} {}", self.given, self.surname)
    }
}

pub(super) struct Credential {
    pub(super) key_id: String,
    pub(super) name: String,
    pub(super) start: i64,
    pub(super) end: i64,
}

pub(super) struct App {
    pub(super) id: String,
    pub(super) app_id: String,
    pub(super) name: &'static str,
    pub(super) created: i64,
    pub(super) secrets: Vec<Credential>,
    pub(super) certificates: Vec<Credential>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum PolicyState {
    Enabled,
    ReportOnly,
    Disabled,
}

pub(super) struct Policy {
    pub(super) id: String,
    pub(super) name: &'static str,
    pub(super) state: PolicyState,
    pub(super) include_users: Vec<String>,
    pub(super) exclude_users: Vec<String>,
    pub(super) include_roles: Vec<String>,
    pub(super) include_apps: Vec<String>,
    pub(super) client_app_types: Vec<&'static str>,
    pub(super) grant: Vec<&'static str>,
}

pub(super) struct Role {
    pub(super) id: String,
    pub(super) name: &'static str,
    pub(super) template: &'static str,
    /// Indexes into [`Tenant::users`].
    pub(super) members: Vec<usize>,
}

pub(super) struct Tenant {
    pub(super) id: String,
    pub(super) users: Vec<User>,
    pub(super) apps: Vec<App>,
    pub(super) policies: Vec<Policy>,
    pub(super) roles: Vec<Role>,
}

pub(super) struct Options {
    pub(super) seed: u64,
    pub(super) tenant: String,
    pub(super) as_of: i64,
    pub(super) random_users: usize,
    pub(super) global_admins: usize,
    pub(super) ca_legacy_enforced: bool,
    pub(super) ca_mfa_report_only: bool,
}

impl Tenant {
    pub(super) fn is_admin(&self, user: usize) -> bool {
        self.roles.iter().any(|r| r.members.contains(&user))
    }
    pub(super) fn user_index(&self, upn: &str) -> Option<usize> {
        self.users.iter().position(|u| u.upn == upn)
    }
}

const FIRST: [&str; 24] = [
    "Adele", "Alex", "Bianca", "Chen", "Diego", "Emma", "Farah", "Grace", "Hiro", "Isaac", "Jana", "Kofi", "Lena",
    "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Wei", "Yara",
];
const LAST: [&str; 20] = [
    "Wilber",
    "Pisani",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Haddad",
    "Novak",
    "Silva",
    "Kowalski",
    "Brennan",
    "Iyer",
    "Mensah",
    "Ortega",
    "Falk",
    "Nguyen",
    "Schmidt",
    "Rossi",
    "Adeyemi",
    "Park",
];
const DEPARTMENTS: [&str; 6] = ["Finance", "Engineering", "Sales", "Operations", "People", "Legal"];
const AUTHENTICATOR: &[&str] = &["microsoftAuthenticatorPush", "softwareOneTimePasscode"];
const PHONE_AND_APP: &[&str] = &["mobilePhone", "microsoftAuthenticatorPush"];
const FIDO: &[&str] = &["fido2"];
const NONE: &[&str] = &[];

fn step(day: usize, hour: i64, client: &'static str, mfa: bool, outcome: Outcome, sink: Sink) -> Step {
    Step { day, hour, client, mfa, outcome, sink }
}

fn ok_mfa(day: usize, hour: i64, sink: Sink) -> Step {
    step(day, hour, "Browser", true, Outcome::Success, sink)
}

/// An enabled, registered member created 400 days before `as_of`, last seen a day ago, in both
/// users exports; the planted cases then change what they are about.
fn member(local: &str, as_of: i64) -> User {
    let (given, surname) = local.split_once('.').unwrap_or((local, "User"));
    let cap = |s: &str| {
        let mut c = s.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
    };
    User {
        id: String::new(),
        upn: format!("{local}@{DOMAIN}"),
        given: cap(given),
        surname: cap(surname),
        guest: false,
        enabled: true,
        created: as_of - 400 * DAY,
        invitation: None,
        activity: Some(Activity {
            last_sign_in: Some(as_of - DAY),
            last_non_interactive: Some(as_of - DAY + 3600),
            last_successful: Some(as_of - DAY),
        }),
        mfa_registered: true,
        methods: AUTHENTICATOR,
        in_graph: true,
        in_csv: true,
        profile: Profile::Planted,
        department: "Operations",
        place: 0,
        script: Vec::new(),
    }
}

fn guest(local: &str, home: &str, as_of: i64, invitation: &'static str) -> User {
    let mut u = member(local, as_of);
    u.upn = format!("{local}_{home}#EXT#@{DOMAIN}");
    u.guest = true;
    u.invitation = Some(invitation);
    u.mfa_registered = false;
    u.methods = NONE;
    u.department = "";
    u
}

fn seen(
    last_successful: Option<i64>,
    last_sign_in: Option<i64>,
    last_non_interactive: Option<i64>,
) -> Option<Activity> {
    Some(Activity { last_sign_in, last_non_interactive, last_successful })
}

/// The planted cases, by user. Their intended verdicts are listed in `cases`.
fn planted_users(o: &Options) -> Vec<User> {
    let t = o.as_of;
    let (ok, fail, interrupted) = (Outcome::Success, Outcome::Failure, Outcome::Interrupted);
    use Sink::{Both, Csv, Ndjson, NonInteractive};
    let mut v = Vec::new();
    let with = |mut u: User, script: Vec<Step>| {
        u.script = script;
        u
    };
    v.push(with(member("mfa.only", t), vec![ok_mfa(0, 9, Both), ok_mfa(1, 10, Csv), ok_mfa(2, 14, Csv)]));
    v.push(with(
        member("one.singlefactor", t),
        vec![
            ok_mfa(0, 8, Csv),
            ok_mfa(1, 8, Csv),
            ok_mfa(2, 8, Csv),
            step(1, 17, "Mobile Apps and Desktop clients", false, ok, Csv),
        ],
    ));
    v.push(with(
        member("singlefactor.failed", t),
        vec![
            ok_mfa(0, 9, Csv),
            ok_mfa(1, 9, Csv),
            step(0, 8, "Browser", false, fail, Csv),
            step(2, 8, "Mobile Apps and Desktop clients", false, fail, Csv),
            step(2, 11, "Browser", true, interrupted, Csv),
        ],
    ));
    v.push(with(
        member("imap.user", t),
        vec![ok_mfa(0, 9, Csv), ok_mfa(1, 9, Csv), step(1, 6, "IMAP4", false, ok, Csv)],
    ));
    v.push(with(
        member("pop3.failed", t),
        vec![ok_mfa(0, 10, Csv), ok_mfa(2, 10, Csv), step(1, 3, "POP3", false, fail, Csv)],
    ));
    v.push(with(
        member("eas.noninteractive", t),
        vec![ok_mfa(0, 9, Csv), ok_mfa(1, 9, Csv), step(0, 12, "Exchange ActiveSync", false, ok, NonInteractive)],
    ));
    v.push(with(
        member("singlefactor.noninteractive", t),
        vec![
            ok_mfa(0, 13, Csv),
            step(0, 15, "Mobile Apps and Desktop clients", false, ok, NonInteractive),
            step(1, 15, "Mobile Apps and Desktop clients", false, ok, NonInteractive),
        ],
    ));
    let mut u = member("ndjson.only", t);
    (u.activity, u.created) = (None, t - 300 * DAY);
    v.push(with(u, vec![step(0, 11, "Browser", false, ok, Ndjson), ok_mfa(1, 11, Ndjson)]));
    for (local, script) in [
        ("nullactivity.recent", vec![ok_mfa(0, 16, Csv)]),
        ("nullactivity.idle", vec![]),
        (
            "nullactivity.failedonly",
            vec![step(0, 7, "Browser", false, fail, Csv), step(1, 7, "Browser", false, fail, Csv)],
        ),
    ] {
        let mut u = member(local, t);
        (u.activity, u.created) = (None, t - 500 * DAY);
        v.push(with(u, script));
    }
    for (local, activity) in [
        ("stale.90d", seen(Some(t - 90 * DAY), Some(t - 90 * DAY), None)),
        ("stale.91d", seen(Some(t - 91 * DAY), Some(t - 91 * DAY), None)),
        // One second short of 91 days: still 90 whole days.
        ("stale.90d23h", seen(Some(t - 91 * DAY + 1), Some(t - 91 * DAY + 1), None)),
        ("lastsignin.only", seen(None, Some(t - 10 * DAY), None)),
        // A failed attempt 5 days ago does not refresh a success 120 days old.
        ("failedattempt.recent", seen(Some(t - 120 * DAY), Some(t - 5 * DAY), None)),
        ("noninteractive.recent", seen(Some(t - 150 * DAY), Some(t - 150 * DAY), Some(t - 3 * DAY))),
    ] {
        let mut u = member(local, t);
        u.activity = activity;
        v.push(u);
    }
    let mut u = member("disabled.stale", t);
    (u.enabled, u.mfa_registered, u.methods) = (false, false, NONE);
    u.activity = seen(Some(t - 300 * DAY), Some(t - 300 * DAY), None);
    v.push(u);
    let mut u = guest("guest.pending", "fabrikam.example", t, "PendingAcceptance");
    (u.created, u.activity) = (t - 200 * DAY, seen(None, None, None));
    v.push(u);
    let mut u = guest("guest.newinvite", "fabrikam.example", t, "PendingAcceptance");
    (u.created, u.activity) = (t - 30 * DAY, seen(None, None, None));
    v.push(u);
    let mut u = guest("guest.active", "northwind.example", t, "Accepted");
    (u.created, u.activity) = (t - 250 * DAY, seen(Some(t - 12 * DAY), Some(t - 12 * DAY), None));
    v.push(u);
    let mut u = member("no.mfa", t);
    (u.mfa_registered, u.methods) = (false, NONE);
    v.push(u);
    let mut u = member("useradmin.nomfa", t);
    (u.mfa_registered, u.methods, u.department) = (false, NONE, "IT");
    v.push(u);
    let mut u = member("break.glass", t);
    (u.methods, u.department) = (FIDO, "IT");
    u.activity = seen(Some(t - 30 * DAY), Some(t - 30 * DAY), None);
    v.push(u);
    for k in 1..o.global_admins {
        let mut u = member(&format!("global.admin{k}"), t);
        (u.methods, u.department) = (PHONE_AND_APP, "IT");
        v.push(u);
    }
    let mut u = member("csvonly.active", t);
    (u.in_graph, u.activity) = (false, None);
    u.script = vec![ok_mfa(0, 10, Csv)];
    v.push(u);
    let mut u = member("csvonly.idle", t);
    (u.in_graph, u.activity) = (false, None);
    v.push(u);
    v
}

/// The `n`-th random user. Names run through all 480 first/last pairs before a number is added,
/// so UPNs never collide.
fn random_user(rng: &mut Rng, n: usize, as_of: i64) -> User {
    let (g, q) = (n % FIRST.len(), n / FIRST.len());
    let given = FIRST.get((g * 7) % FIRST.len()).copied().unwrap_or("Alex");
    let surname = LAST.get((13 * q + 3 * g) % LAST.len()).copied().unwrap_or("Park");
    let round = n / (FIRST.len() * LAST.len());
    let suffix = if round == 0 { String::new() } else { round.to_string() };
    let mut u = member(&format!("{}.{}{suffix}", given.to_lowercase(), surname.to_lowercase()), as_of);
    (u.given, u.surname) = (given.to_owned(), surname.to_owned());
    u.department = rng.pick(&DEPARTMENTS);
    u.created = as_of - rng.range(20, 1500) * DAY - rng.range(0, DAY - 1);
    // The first random user always signs in, so that --signins has someone to give rows to.
    let roll = if n == 0 { 0 } else { rng.below(100) };
    u.profile = match roll {
        0..=49 => Profile::Strict,
        50..=69 => Profile::Mixed,
        70..=77 => Profile::Legacy,
        _ => Profile::Dormant,
    };
    u.enabled = n == 0 || rng.below(100) < 94;
    if !u.enabled {
        u.profile = Profile::Dormant;
    }
    let recent = |rng: &mut Rng| as_of - rng.range(0, 2 * DAY);
    u.activity = if u.profile == Profile::Dormant {
        let last = as_of - rng.range(20, 400) * DAY - rng.range(0, DAY - 1);
        let last = last.max(u.created);
        match rng.below(10) {
            0 | 1 => None,
            2 => seen(None, Some(last), None),
            _ => seen(
                Some(last),
                Some(last),
                rng.chance(40).then(|| last + rng.range(0, 10) * DAY).map(|t| t.min(as_of)),
            ),
        }
    } else if rng.chance(12) {
        None
    } else {
        let s = recent(rng);
        seen(Some(s), Some(s.max(recent(rng))), rng.chance(70).then(|| recent(rng)))
    };
    if rng.chance(9) && u.profile == Profile::Dormant {
        let home = rng.pick(&["fabrikam.example", "northwind.example", "tailspin.example"]);
        let local = u.upn.split('@').next().unwrap_or_default().to_owned();
        u.upn = format!("{local}_{home}#EXT#@{DOMAIN}");
        u.guest = true;
        u.invitation = Some(if u.activity.is_some_and(|a| a.last_successful.is_some()) {
            "Accepted"
        } else {
            "PendingAcceptance"
        });
    }
    u.mfa_registered = !u.guest && rng.chance(88);
    u.methods = if u.mfa_registered { rng.pick(&[AUTHENTICATOR, PHONE_AND_APP, FIDO]) } else { NONE };
    u.in_csv = rng.chance(60);
    u.place = rng.below(6) as usize;
    u
}

pub(super) fn build(o: &Options) -> Tenant {
    let mut users = planted_users(o);
    for n in 0..o.random_users {
        let mut rng = Rng::derived(o.seed, &[b"user", &(n as u64).to_le_bytes()]);
        users.push(random_user(&mut rng, n, o.as_of));
    }
    for u in &mut users {
        let mut rng = Rng::derived(o.seed, &[b"user-id", u.upn.as_bytes()]);
        u.id = guid(&mut rng);
        if u.profile == Profile::Planted {
            u.place = rng.below(6) as usize;
        }
    }
    let idx = |users: &[User], local: &str| users.iter().position(|u| u.upn.starts_with(&format!("{local}@")));
    let mut global = Vec::new();
    if o.global_admins > 0 {
        global.extend(idx(&users, "break.glass"));
        global.extend((1..o.global_admins).filter_map(|k| idx(&users, &format!("global.admin{k}"))));
    }
    let mut rng = Rng::derived(o.seed, &[b"roles"]);
    let roles = vec![
        Role { id: guid(&mut rng), name: "Global Administrator", template: GLOBAL_ADMIN_TEMPLATE, members: global },
        Role {
            id: guid(&mut rng),
            name: "User Administrator",
            template: USER_ADMIN_TEMPLATE,
            members: idx(&users, "useradmin.nomfa").into_iter().collect(),
        },
    ];
    let break_glass = idx(&users, "break.glass").and_then(|i| users.get(i)).map(|u| u.id.clone()).unwrap_or_default();
    Tenant { id: o.tenant.clone(), apps: apps(o), policies: policies(o, &break_glass), roles, users }
}
