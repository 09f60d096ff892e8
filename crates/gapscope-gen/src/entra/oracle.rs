//! The oracle: the Entra checks of issue 5, written from the rule text apart from the analyzer, over
//! the generator's model of what it wrote. Sign-ins are tallied as they stream out (the CSV may hold
//! millions), so a rule about sign-ins reads the per-user tally, not the files.

use std::collections::BTreeSet;

use serde::Serialize;

use super::day_text;
use super::signins::SignIn;
use super::tenant::{Outcome, PolicyState, Tenant};
use crate::common::DAY;

pub(super) const SINGLE_FACTOR: &str = "entra.signin.single_factor";
pub(super) const LEGACY_AUTH: &str = "entra.signin.legacy_auth";
pub(super) const STALE_MEMBER: &str = "entra.users.stale_member";
pub(super) const STALE_GUEST: &str = "entra.users.stale_guest";
pub(super) const MFA_REGISTRATION: &str = "entra.users.mfa_registration";
pub(super) const SECRET_AGE: &str = "entra.apps.secret_age";
pub(super) const SECRET_EXPIRED: &str = "entra.apps.secret_expired";
pub(super) const CA_MFA_ALL_USERS: &str = "entra.ca.mfa_all_users";
pub(super) const CA_LEGACY_BLOCKED: &str = "entra.ca.legacy_auth_blocked";
pub(super) const GLOBAL_ADMIN_COUNT: &str = "entra.roles.global_admin_count";

/// The defaults of `stale_account_days`, `app_secret_max_age_days` and the Global Administrator range.
const STALE_DAYS: i64 = 90;
const SECRET_MAX_AGE_DAYS: i64 = 365;
const GLOBAL_ADMINS: std::ops::RangeInclusive<usize> = 2..=4;
const GLOBAL_ADMIN_ROLE: &str = "62e90394-69f5-4237-9190-012177145e10";

/// Legacy authentication clients, as `shared/formats/entra.md` lists them.
const LEGACY: [&str; 12] = [
    "Exchange ActiveSync",
    "IMAP4",
    "POP3",
    "Authenticated SMTP",
    "MAPI Over HTTP",
    "Exchange Web Services",
    "Exchange Online PowerShell",
    "AutoDiscover",
    "Offline Address Book",
    "Outlook Anywhere (RPC over HTTP)",
    "Reporting Web Services",
    "Other clients",
];

#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[serde(rename_all = "lowercase")]
pub(super) enum Status {
    Pass,
    Fail,
}

/// Field order = sort order: (check, resource).
#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) struct Verdict {
    pub(super) check: &'static str,
    pub(super) resource: String,
    pub(super) status: Status,
}

/// What the sign-ins written say about one user. Only successful sign-ins count, for every rule.
#[derive(Default, Clone, Copy)]
struct UserSignIns {
    any_success: bool,
    interactive_success: bool,
    single_factor_success: bool,
    legacy_success: bool,
    newest_success: Option<i64>,
}

pub(super) struct Tally {
    users: Vec<UserSignIns>,
    interactive_days: BTreeSet<i64>,
    non_interactive_days: BTreeSet<i64>,
}

impl Tally {
    pub(super) fn new(users: usize) -> Tally {
        Tally {
            users: vec![UserSignIns::default(); users],
            interactive_days: BTreeSet::new(),
            non_interactive_days: BTreeSet::new(),
        }
    }

    /// Counts one written sign-in. A record written twice (CSV and NDJSON) changes nothing the
    /// second time: every field here is a flag, a maximum or a set.
    pub(super) fn add(&mut self, s: &SignIn) {
        let days = if s.interactive { &mut self.interactive_days } else { &mut self.non_interactive_days };
        days.insert(s.time.div_euclid(DAY));
        let Some(u) = self.users.get_mut(s.user) else { return };
        if s.outcome != Outcome::Success {
            return;
        }
        u.any_success = true;
        u.newest_success = u.newest_success.max(Some(s.time));
        u.legacy_success |= LEGACY.contains(&s.client);
        if s.interactive {
            u.interactive_success = true;
            u.single_factor_success |= !s.mfa;
        }
    }
}

/// Whole days: floor((as_of - t) / 86400 s).
pub(super) fn age_days(as_of: i64, t: i64) -> i64 {
    (as_of - t).div_euclid(DAY)
}

fn verdict(check: &'static str, resource: &str, fails: bool) -> Verdict {
    Verdict { check, resource: resource.to_owned(), status: if fails { Status::Fail } else { Status::Pass } }
}

/// Every check's verdict for every member of its population, sorted. `directory`: the users,
/// registration, CA, application and role exports were written too.
pub(super) fn evaluate(t: &Tenant, tally: &Tally, as_of: i64, directory: bool) -> Vec<Verdict> {
    let mut out = Vec::new();
    for (u, seen) in t.users.iter().zip(&tally.users) {
        if seen.interactive_success {
            out.push(verdict(SINGLE_FACTOR, &u.upn, seen.single_factor_success));
        }
        if seen.any_success {
            out.push(verdict(LEGACY_AUTH, &u.upn, seen.legacy_success));
        }
    }
    if !directory {
        out.sort();
        return out;
    }
    for (u, seen) in t.users.iter().zip(&tally.users) {
        let listed = u.in_graph || u.in_csv;
        if !listed || !u.enabled {
            continue;
        }
        // Only users.json carries signInActivity; users.csv has none.
        let activity = u.activity.filter(|_| u.in_graph).unwrap_or_default();
        let interactive = activity.last_successful.or(activity.last_sign_in);
        let last = [interactive, activity.last_non_interactive, seen.newest_success].into_iter().flatten().max();
        let stale = age_days(as_of, last.unwrap_or(u.created)) > STALE_DAYS;
        out.push(verdict(if u.guest { STALE_GUEST } else { STALE_MEMBER }, &u.upn, stale));
        if !u.guest {
            out.push(verdict(MFA_REGISTRATION, &u.upn, !u.mfa_registered));
        }
    }
    for app in &t.apps {
        for s in &app.secrets {
            let resource = format!("{}#{}", app.app_id, s.key_id);
            out.push(verdict(SECRET_AGE, &resource, age_days(as_of, s.start) > SECRET_MAX_AGE_DAYS));
            out.push(verdict(SECRET_EXPIRED, &resource, s.end < as_of));
        }
    }
    let all = |v: &[String]| v.iter().any(|x| x == "All");
    let for_everyone =
        |p: &&super::tenant::Policy| p.state == PolicyState::Enabled && all(&p.include_users) && all(&p.include_apps);
    let covers = |p: &super::tenant::Policy, types: &[&str]| {
        p.client_app_types.contains(&"all") || types.iter().all(|c| p.client_app_types.contains(c))
    };
    let every_type = ["browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other"];
    let mfa = t.policies.iter().filter(for_everyone).any(|p| covers(p, &every_type) && p.grant.contains(&"mfa"));
    out.push(verdict(CA_MFA_ALL_USERS, &t.id, !mfa));
    let legacy_types = ["exchangeActiveSync", "other"];
    let block = t.policies.iter().filter(for_everyone).any(|p| covers(p, &legacy_types) && p.grant.contains(&"block"));
    out.push(verdict(CA_LEGACY_BLOCKED, &t.id, !block));
    let admins: usize = t.roles.iter().filter(|r| r.template == GLOBAL_ADMIN_ROLE).map(|r| r.members.len()).sum();
    out.push(verdict(GLOBAL_ADMIN_COUNT, &t.id, !GLOBAL_ADMINS.contains(&admins)));
    out.sort();
    out
}

/// Members of any role whose MFA registration fails: the report calls them out.
pub(super) fn admins_not_registered(t: &Tenant, results: &[Verdict]) -> Vec<String> {
    let mut out: Vec<String> = results
        .iter()
        .filter(|v| v.check == MFA_REGISTRATION && v.status == Status::Fail)
        .filter(|v| t.user_index(&v.resource).is_some_and(|i| t.is_admin(i)))
        .map(|v| v.resource.clone())
        .collect();
    out.sort();
    out
}

/// The users excluded from the enabled all-users MFA policies (by UPN when the id is a known user).
pub(super) fn mfa_exclusions(t: &Tenant) -> Vec<String> {
    let mut out: Vec<String> = t
        .policies
        .iter()
        .filter(|p| {
            p.state == PolicyState::Enabled && p.grant.contains(&"mfa") && p.include_users.iter().any(|u| u == "All")
        })
        .flat_map(|p| p.exclude_users.iter())
        .map(|id| t.users.iter().find(|u| &u.id == id).map_or_else(|| id.clone(), |u| u.upn.clone()))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[derive(Serialize)]
pub(super) struct SignInDays {
    pub(super) tenant: String,
    /// `interactive` or `nonInteractive`.
    pub(super) kind: &'static str,
    pub(super) days_in_period: usize,
    pub(super) days_covered: usize,
    /// UTC days of the period with at least one sign-in of the kind (failures included).
    pub(super) days: Vec<String>,
    /// The other days of the period, as inclusive ranges.
    pub(super) gaps: Vec<[String; 2]>,
}

impl Tally {
    /// Coverage of the period by each kind of sign-in written.
    pub(super) fn coverage(&self, tenant: &str, period: &[i64], non_interactive: bool) -> Vec<SignInDays> {
        let mut kinds = vec![("interactive", &self.interactive_days)];
        if non_interactive {
            kinds.push(("nonInteractive", &self.non_interactive_days));
        }
        kinds
            .into_iter()
            .map(|(kind, days)| {
                let mut gaps: Vec<[String; 2]> = Vec::new();
                let mut open: Option<(i64, i64)> = None;
                for &d in period {
                    if days.contains(&d) {
                        gaps.extend(open.take().map(|(f, t)| [day_text(f), day_text(t)]));
                    } else {
                        open = Some(open.map_or((d, d), |(f, _)| (f, d)));
                    }
                }
                gaps.extend(open.map(|(f, t)| [day_text(f), day_text(t)]));
                let covered: Vec<String> = period.iter().filter(|d| days.contains(d)).map(|&d| day_text(d)).collect();
                SignInDays {
                    tenant: tenant.to_owned(),
                    kind,
                    days_in_period: period.len(),
                    days_covered: covered.len(),
                    days: covered,
                    gaps,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_whole_days_and_fail_only_past_the_limit() {
        let as_of = 1000 * DAY;
        assert_eq!(age_days(as_of, as_of - 90 * DAY), 90);
        assert_eq!(age_days(as_of, as_of - 91 * DAY + 1), 90);
        assert_eq!(age_days(as_of, as_of - 91 * DAY), 91);
        assert!(age_days(as_of, as_of - 366 * DAY) > SECRET_MAX_AGE_DAYS);
        assert!(age_days(as_of, as_of - 365 * DAY) <= SECRET_MAX_AGE_DAYS);
    }

    #[test]
    fn legacy_list_is_the_spec_list_and_excludes_modern_clients() {
        assert_eq!(LEGACY.len(), 12);
        assert!(!LEGACY.contains(&"Browser") && !LEGACY.contains(&"Mobile Apps and Desktop clients"));
        assert!(LEGACY.contains(&"IMAP4") && LEGACY.contains(&"POP3") && LEGACY.contains(&"Other clients"));
    }
}
