//! Entra ID evidence merged across files: sign-ins deduplicated by request id, users and
//! registrations keyed by userPrincipalName, the Entra as-of, and which days the sign-in exports
//! cover. The checks in `checks::entra` read only this.

pub(crate) mod coverage;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use crate::formats::entra::model::{App, CaPolicy, EntraExport, Registration, RoleMembers, SignIn, User};
use crate::timefmt::Instant;

/// A parsed item with the file it came from, for evidence references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sourced<T> {
    pub file: String,
    pub sha256: String,
    pub item: T,
}

/// One parsed Entra file.
#[derive(Debug, Clone)]
pub(crate) struct EntraFile {
    pub file: String,
    pub sha256: String,
    pub export: EntraExport,
}

/// What stands for the tenant when no export names its id.
pub(crate) const UNKNOWN_TENANT: &str = "tenant";

#[derive(Debug, Default)]
pub(crate) struct EntraFacts {
    /// Any Entra export was in the evidence.
    pub present: bool,
    /// `--as-of`, else the newest timestamp among the Entra exports (secrets' end dates excepted:
    /// they lie in the future by design).
    pub as_of: Option<Instant>,
    /// The tenant id the exports name (first seen, by file order), else "tenant".
    pub tenant: String,
    /// Every distinct sign-in, by time then id.
    pub sign_ins: Vec<Sourced<SignIn>>,
    /// Sign-ins dropped because an earlier file had the same request id.
    pub duplicate_sign_ins: usize,
    /// Keyed by lower-cased userPrincipalName; several exports of one user are merged.
    pub users: BTreeMap<String, Sourced<User>>,
    pub registrations: BTreeMap<String, Sourced<Registration>>,
    pub policies: Vec<Sourced<CaPolicy>>,
    pub policy_files: usize,
    pub apps: Vec<Sourced<App>>,
    pub roles: Vec<Sourced<RoleMembers>>,
    pub role_files: usize,
    pub user_files: usize,
    pub registration_files: usize,
    pub sign_in_files: usize,
    pub coverage: Vec<coverage::SignInCoverage>,
}

/// Where items being merged came from.
struct Place<'a> {
    file: &'a str,
    sha256: &'a str,
}

impl Place<'_> {
    fn wrap<T>(&self, item: T) -> Sourced<T> {
        Sourced { file: self.file.to_string(), sha256: self.sha256.to_string(), item }
    }
}

fn key(upn: &str) -> String {
    upn.trim().to_lowercase()
}

/// Field by field: what `a` lacks comes from `b`; sign-in activity is the newer of the two.
fn merge_user(a: &mut User, b: User) {
    fn newest(x: Option<Instant>, y: Option<Instant>) -> Option<Instant> {
        x.max(y)
    }
    a.id = a.id.take().or(b.id);
    a.display_name = a.display_name.take().or(b.display_name);
    a.user_type = a.user_type.take().or(b.user_type);
    a.enabled = a.enabled.or(b.enabled);
    a.created = a.created.or(b.created);
    a.external_user_state = a.external_user_state.take().or(b.external_user_state);
    a.last_sign_in = newest(a.last_sign_in, b.last_sign_in);
    a.last_non_interactive_sign_in = newest(a.last_non_interactive_sign_in, b.last_non_interactive_sign_in);
    a.last_successful_sign_in = newest(a.last_successful_sign_in, b.last_successful_sign_in);
}

impl EntraFacts {
    /// `files` in discovery order (sorted paths), so "first seen" is stable.
    pub(crate) fn new(
        files: Vec<EntraFile>,
        as_of_override: Option<Instant>,
        period: Option<crate::facts::cloudtrail::coverage::ObservationPeriod>,
    ) -> EntraFacts {
        let mut facts = EntraFacts { present: !files.is_empty(), ..EntraFacts::default() };
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut newest: Option<Instant> = None;
        let mut tenant: Option<String> = None;
        for EntraFile { file, sha256, export } in files {
            let at = Place { file: &file, sha256: &sha256 };
            match export {
                EntraExport::SignIns(sign_ins) => {
                    facts.sign_in_files += 1;
                    for s in sign_ins {
                        newest = newest.max(Some(s.time));
                        if tenant.is_none() {
                            tenant.clone_from(&s.tenant_id);
                        }
                        if !seen.insert(s.id.clone()) {
                            facts.duplicate_sign_ins += 1;
                            continue;
                        }
                        facts.sign_ins.push(at.wrap(s));
                    }
                }
                EntraExport::Users(users) => {
                    facts.user_files += 1;
                    for u in users {
                        newest = newest
                            .max(u.created)
                            .max(u.last_sign_in)
                            .max(u.last_non_interactive_sign_in)
                            .max(u.last_successful_sign_in);
                        match facts.users.get_mut(&key(&u.user_principal_name)) {
                            Some(existing) => merge_user(&mut existing.item, u),
                            None => {
                                facts.users.insert(key(&u.user_principal_name), at.wrap(u));
                            }
                        }
                    }
                }
                EntraExport::Registrations(rows) => {
                    facts.registration_files += 1;
                    for r in rows {
                        facts.registrations.entry(key(&r.user_principal_name)).or_insert_with(|| at.wrap(r));
                    }
                }
                EntraExport::CaPolicies(policies) => {
                    facts.policy_files += 1;
                    facts.policies.extend(policies.into_iter().map(|x| at.wrap(x)));
                }
                EntraExport::Apps(apps) => {
                    for app in &apps {
                        newest = app.credentials.iter().filter_map(|c| c.start).fold(newest, |n, t| n.max(Some(t)));
                    }
                    facts.apps.extend(apps.into_iter().map(|x| at.wrap(x)));
                }
                EntraExport::Roles(roles) => {
                    facts.role_files += 1;
                    facts.roles.extend(roles.into_iter().map(|x| at.wrap(x)));
                }
            }
        }
        facts.sign_ins.sort_by(|a, b| (a.item.time, &a.item.id).cmp(&(b.item.time, &b.item.id)));
        // The same policy exported twice (a page and a per-policy file) is one policy.
        facts.policies.sort_by(|a, b| (&a.item.id, &a.file).cmp(&(&b.item.id, &b.file)));
        facts.policies.dedup_by(|a, b| a.item.id == b.item.id);
        facts.as_of = as_of_override.or(newest);
        facts.tenant = tenant.unwrap_or_else(|| UNKNOWN_TENANT.into());
        facts.coverage = coverage::coverage(&facts.sign_ins, &facts.tenant, period);
        facts
    }

    /// The newest successful sign-in of each user in the logs, by lower-cased UPN.
    pub(crate) fn newest_successful_sign_in(&self) -> BTreeMap<String, Instant> {
        let mut out: BTreeMap<String, Instant> = BTreeMap::new();
        for s in &self.sign_ins {
            if s.item.status == crate::formats::entra::model::SignInStatus::Success {
                let entry = out.entry(key(&s.item.user_principal_name)).or_insert(s.item.time);
                *entry = (*entry).max(s.item.time);
            }
        }
        out
    }

    /// What an auditor must be told about the Entra evidence.
    pub(crate) fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.present {
            return notes;
        }
        if let Some(t) = self.as_of {
            notes.push(format!(
                "Entra ID: ages are measured from {} (--as-of, else the newest timestamp in the Entra exports)",
                crate::timefmt::format_instant(t)
            ));
        }
        if self.duplicate_sign_ins > 0 {
            notes.push(format!(
                "Entra ID: {} sign-ins appear in more than one export (same request id) and are counted once",
                self.duplicate_sign_ins
            ));
        }
        notes.extend(coverage::retention_notes(&self.coverage));
        notes
    }
}
