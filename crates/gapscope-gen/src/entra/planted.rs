//! `planted.json`: the designed cases with the verdict each was designed for (written by hand
//! here, so that tests can hold the oracle to them), and the document around the oracle's results.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};

use super::oracle::{self, Tally, Verdict};
use super::{Run, day_text};
use crate::common::zulu;

pub(super) const SCHEMA: &str = "gapscope-gen.entra-planted/v1";

/// What a designed case expects of its check and resource.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub(super) enum Expect {
    Pass,
    Fail,
    /// Not in the check's population: no verdict at all.
    Absent,
}

#[derive(Serialize, Debug)]
pub(super) struct Case {
    pub(super) case: &'static str,
    pub(super) check: &'static str,
    pub(super) resource: String,
    pub(super) expect: Expect,
}

#[derive(Serialize, Default)]
pub(super) struct SignInCounts {
    pub(super) csv_rows: u64,
    pub(super) ndjson_records: u64,
    pub(super) noninteractive_records: u64,
    /// Interactive sign-ins counted once across the CSV and the NDJSON.
    pub(super) distinct_interactive: u64,
    /// Request ids in both the CSV and the NDJSON.
    pub(super) duplicate_ids: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct Document<'a> {
    schema: &'static str,
    options: BTreeMap<&'static str, Value>,
    tenant: String,
    as_of: String,
    period: BTreeMap<&'static str, Value>,
    files: Vec<String>,
    signins: SignInCounts,
    signin_days: Vec<oracle::SignInDays>,
    /// Role members whose `entra.users.mfa_registration` fails (the report calls them out).
    admins_not_registered: Vec<String>,
    /// Users excluded from the enabled all-users MFA policy.
    ca_mfa_exclusions: Vec<String>,
    global_admins: Vec<String>,
    planted: Vec<Case>,
    results: &'a [Verdict],
}

/// The designed cases whose evidence was written (`directory`: every export was, not only the CSV).
pub(super) fn cases(run: &Run, directory: bool) -> Vec<Case> {
    use Expect::{Absent, Fail, Pass};
    use oracle::{
        CA_LEGACY_BLOCKED, CA_MFA_ALL_USERS, GLOBAL_ADMIN_COUNT, LEGACY_AUTH, MFA_REGISTRATION, SECRET_AGE,
        SECRET_EXPIRED, SINGLE_FACTOR, STALE_GUEST, STALE_MEMBER,
    };
    let t = &run.tenant;
    let upn = |local: &str| {
        t.users
            .iter()
            .find(|u| u.upn.starts_with(&format!("{local}@")) || u.upn.starts_with(&format!("{local}_")))
            .map_or_else(|| format!("{local}?"), |u| u.upn.clone())
    };
    let mut out = Vec::new();
    let mut user = |case, local: &str, check, expect| out.push(Case { case, check, resource: upn(local), expect });
    user("only MFA sign-ins", "mfa.only", SINGLE_FACTOR, Pass);
    user("one single-factor success among MFA ones", "one.singlefactor", SINGLE_FACTOR, Fail);
    user("single-factor sign-ins all failed", "singlefactor.failed", SINGLE_FACTOR, Pass);
    user("successful IMAP4 sign-in", "imap.user", LEGACY_AUTH, Fail);
    user("the IMAP4 success was single-factor too", "imap.user", SINGLE_FACTOR, Fail);
    user("only a failed POP3 attempt among MFA successes", "pop3.failed", LEGACY_AUTH, Pass);
    user("only failed sign-ins: no sign-in verdicts", "nullactivity.failedonly", SINGLE_FACTOR, Absent);
    user("only failed sign-ins: no sign-in verdicts", "nullactivity.failedonly", LEGACY_AUTH, Absent);
    if directory {
        user("single-factor only in non-interactive sign-ins", "singlefactor.noninteractive", SINGLE_FACTOR, Pass);
        user("a single-factor success in the NDJSON only", "ndjson.only", SINGLE_FACTOR, Fail);
        user("successful non-interactive Exchange ActiveSync", "eas.noninteractive", LEGACY_AUTH, Fail);
        user("last success exactly 90 days before as-of", "stale.90d", STALE_MEMBER, Pass);
        user("last success 91 days before as-of", "stale.91d", STALE_MEMBER, Fail);
        user("last success 91 days less one second before as-of", "stale.90d23h", STALE_MEMBER, Pass);
        user("signInActivity null, recent success in the CSV", "nullactivity.recent", STALE_MEMBER, Pass);
        user("signInActivity null, recent success in the NDJSON only", "ndjson.only", STALE_MEMBER, Pass);
        user("signInActivity null, no sign-ins, created 500 days ago", "nullactivity.idle", STALE_MEMBER, Fail);
        user("signInActivity null, only failed sign-ins", "nullactivity.failedonly", STALE_MEMBER, Fail);
        user("lastSuccessfulSignInDateTime null, lastSignIn 10 days ago", "lastsignin.only", STALE_MEMBER, Pass);
        user("failed attempt 5 days ago, last success 120 days ago", "failedattempt.recent", STALE_MEMBER, Fail);
        user("non-interactive sign-in 3 days ago, interactive 150", "noninteractive.recent", STALE_MEMBER, Pass);
        user("only in users.csv, success in the CSV", "csvonly.active", STALE_MEMBER, Pass);
        user("only in users.csv, no sign-ins, created 400 days ago", "csvonly.idle", STALE_MEMBER, Fail);
        user("disabled and stale: not in the population", "disabled.stale", STALE_MEMBER, Absent);
        user("disabled: not in the registration population", "disabled.stale", MFA_REGISTRATION, Absent);
        user("guest pending acceptance, created 200 days ago, never signed in", "guest.pending", STALE_GUEST, Fail);
        user("guest invited 30 days ago, never signed in", "guest.newinvite", STALE_GUEST, Pass);
        user("accepted guest, last success 12 days ago", "guest.active", STALE_GUEST, Pass);
        user("guest not registered: not in the registration population", "guest.active", MFA_REGISTRATION, Absent);
        user("member not registered for MFA", "no.mfa", MFA_REGISTRATION, Fail);
        user("User Administrator not registered for MFA", "useradmin.nomfa", MFA_REGISTRATION, Fail);
        user("member registered for MFA", "mfa.only", MFA_REGISTRATION, Pass);
        let credential = |app: &str, name: &str| {
            t.apps
                .iter()
                .filter(|a| a.name == app)
                .flat_map(|a| a.secrets.iter().chain(&a.certificates).map(move |c| (a, c)))
                .find(|(_, c)| c.name == name)
                .map_or_else(|| format!("{app}#{name}?"), |(a, c)| format!("{}#{}", a.app_id, c.key_id))
        };
        for (case, app, name, check, expect) in [
            ("secret started 366 days before as-of", "Payroll Sync", "payroll-366d", SECRET_AGE, Fail),
            ("secret started 365 days before as-of", "HR Connector", "hr-365d", SECRET_AGE, Pass),
            ("expired secret still registered", "Legacy Reporting", "reporting-expired", SECRET_EXPIRED, Fail),
            ("the expired secret is 200 days old", "Legacy Reporting", "reporting-expired", SECRET_AGE, Pass),
            ("secret ending exactly at as-of", "Expiry Edge Cases", "ends-at-as-of", SECRET_EXPIRED, Pass),
            ("secret ended one second before as-of", "Expiry Edge Cases", "ended-1s-before", SECRET_EXPIRED, Fail),
            ("certificate: no age verdict", "Certificate Only Daemon", "CN=daemon.contoso.example", SECRET_AGE, Absent),
            (
                "certificate: no expiry verdict",
                "Certificate Only Daemon",
                "CN=daemon.contoso.example",
                SECRET_EXPIRED,
                Absent,
            ),
        ] {
            out.push(Case { case, check, resource: credential(app, name), expect });
        }
        let tenant = |case, check, expect| Case { case, check, resource: t.id.clone(), expect };
        let a = run.args;
        out.push(if a.ca_mfa_report_only {
            tenant("the all-users MFA policy is report-only", CA_MFA_ALL_USERS, Fail)
        } else {
            tenant("enabled all-users MFA policy with a break-glass exclusion", CA_MFA_ALL_USERS, Pass)
        });
        out.push(if a.ca_legacy_enforced {
            tenant("enabled legacy-authentication block policy", CA_LEGACY_BLOCKED, Pass)
        } else {
            tenant("legacy-authentication block policy in report-only", CA_LEGACY_BLOCKED, Fail)
        });
        if a.global_admins == 5 {
            out.push(tenant("five Global Administrators", GLOBAL_ADMIN_COUNT, Fail));
        }
    }
    out
}

pub(super) fn document<'a>(
    run: &Run,
    tally: &Tally,
    results: &'a [Verdict],
    planted: Vec<Case>,
    signins: SignInCounts,
    mut files: Vec<String>,
) -> Result<Document<'a>> {
    let a = run.args;
    let t = &run.tenant;
    let directory = !a.only_signins_csv;
    files.push("planted.json".to_owned());
    files.sort();
    let gaps: Vec<String> = a.gaps.iter().map(|(f, t)| format!("{f}..{t}")).collect();
    let options = BTreeMap::from([
        ("seed", json!(a.seed)),
        ("tenant", json!(t.id)),
        ("as_of", json!(zulu(a.as_of)?)),
        ("users", json!(a.users)),
        ("from", json!(a.from.to_string())),
        ("to", json!(a.to.to_string())),
        ("signins_per_user_day", json!(a.signins_per_user_day)),
        ("signins", json!(a.signins)),
        ("noninteractive_per_user_day", json!(a.noninteractive_per_user_day)),
        ("gaps", json!(gaps)),
        ("only_signins_csv", json!(a.only_signins_csv)),
        ("ca_legacy_enforced", json!(a.ca_legacy_enforced)),
        ("ca_mfa_report_only", json!(a.ca_mfa_report_only)),
        ("global_admins", json!(a.global_admins)),
    ]);
    let (first, last) = (run.period.first().copied().unwrap_or(0), run.period.last().copied().unwrap_or(0));
    let period = BTreeMap::from([
        ("from", json!(day_text(first))),
        ("to", json!(day_text(last))),
        ("days", json!(run.period.len())),
    ]);
    let mut global_admins: Vec<String> = t
        .roles
        .iter()
        .filter(|r| r.template == super::tenant::GLOBAL_ADMIN_TEMPLATE)
        .flat_map(|r| r.members.iter().filter_map(|&i| t.users.get(i)).map(|u| u.upn.clone()))
        .collect();
    global_admins.sort();
    let (admins_not_registered, ca_mfa_exclusions) = if directory {
        (oracle::admins_not_registered(t, results), oracle::mfa_exclusions(t))
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Document {
        schema: SCHEMA,
        options,
        tenant: t.id.clone(),
        as_of: zulu(a.as_of)?,
        period,
        files,
        signins,
        signin_days: tally.coverage(&t.id, &run.period, directory),
        admins_not_registered,
        ca_mfa_exclusions,
        global_admins: if directory { global_admins } else { Vec::new() },
        planted,
        results,
    })
}
