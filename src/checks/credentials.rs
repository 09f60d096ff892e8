//! Credential and identity rules over IAM credential reports (DESIGN.md §6, first table), each
//! exactly as the table words it. Ages are whole days before the report's as-of; a limit of 90
//! fails at 91.

use super::{EvidenceRef, Outcome, Rule, Status};
use crate::config::Thresholds;
use crate::facts::{AssessedReport, Facts};
use crate::formats::aws::credential_report::{CredentialRow, Field, Flag, KeySlot, Timestamp};
use crate::timefmt::{Instant, age_days, format_day};

pub(crate) const RULES: &[Rule] = &[
    Rule { id: "aws.iam.root_access_keys", evaluate: root_access_keys },
    Rule { id: "aws.iam.root_mfa", evaluate: root_mfa },
    Rule { id: "aws.iam.root_recent_use", evaluate: root_recent_use },
    Rule { id: "aws.iam.console_user_mfa", evaluate: console_user_mfa },
    Rule { id: "aws.iam.access_key_rotation", evaluate: access_key_rotation },
    Rule { id: "aws.iam.unused_access_key", evaluate: unused_access_key },
    Rule { id: "aws.iam.stale_console_user", evaluate: stale_console_user },
    Rule { id: "aws.iam.inactive_user", evaluate: inactive_user },
    Rule { id: "aws.iam.multiple_active_keys", evaluate: multiple_active_keys },
    Rule { id: "aws.iam.key_at_user_creation", evaluate: key_at_user_creation },
];

/// A verdict, or `Err(why unknown)`.
type Verdict = Result<(bool, String), String>;

/// A verdict with since when it has held by the report's own timestamps (see [`Outcome::since`]).
type Dated = Result<(bool, String, Option<Instant>), String>;

fn undated(verdict: Verdict) -> Dated {
    verdict.map(|(failed, detail)| (failed, detail, None))
}

/// An age rule's verdict, dated: over `limit` days since `t` fails from `t` + limit + 1 day (the
/// first whole day over), and within it passes from `t` itself.
fn over_limit(failed: bool, detail: String, t: Instant, limit: i64) -> Dated {
    let since = if failed { t.checked_add_signed(chrono::Duration::days(limit + 1)) } else { Some(t) };
    Ok((failed, detail, since))
}

/// Runs `judge` over the rows `select`ed from every report, one outcome per row; a row whose
/// membership cannot be read (`Err`) gets an `unknown` outcome saying why.
fn per_row(
    facts: &Facts,
    check: &'static str,
    select: fn(&CredentialRow) -> Result<bool, String>,
    judge: impl Fn(&AssessedReport, &CredentialRow) -> Verdict,
) -> Vec<Outcome> {
    per_row_dated(facts, check, select, |assessed, row| undated(judge(assessed, row)))
}

/// [`per_row`] for a rule that dates its verdicts.
fn per_row_dated(
    facts: &Facts,
    check: &'static str,
    select: fn(&CredentialRow) -> Result<bool, String>,
    judge: impl Fn(&AssessedReport, &CredentialRow) -> Dated,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for assessed in &facts.credential_reports {
        for row in &assessed.report.rows {
            let verdict = match select(row) {
                Ok(false) => continue,
                Ok(true) => judge(assessed, row),
                Err(why) => Err(why),
            };
            out.push(outcome(assessed, row, check, row.arn.clone(), verdict));
        }
    }
    out
}

/// One outcome per active key slot (and an `unknown` one where activity cannot be read), for the
/// rows `select`ed.
fn per_active_key(
    facts: &Facts,
    check: &'static str,
    select: impl Fn(&CredentialRow) -> Result<bool, String>,
    judge: impl Fn(&AssessedReport, &KeySlot) -> Verdict,
) -> Vec<Outcome> {
    per_active_key_dated(facts, check, select, |assessed, key| undated(judge(assessed, key)))
}

/// [`per_active_key`] for a rule that dates its verdicts.
fn per_active_key_dated(
    facts: &Facts,
    check: &'static str,
    select: impl Fn(&CredentialRow) -> Result<bool, String>,
    judge: impl Fn(&AssessedReport, &KeySlot) -> Dated,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for assessed in &facts.credential_reports {
        for row in &assessed.report.rows {
            let in_population = select(row);
            for (i, key) in row.keys.iter().enumerate() {
                let resource = format!("{}#access_key_{}", row.arn, i + 1);
                let active = flag(&key.active, &format!("access_key_{}_active", i + 1));
                let verdict = match (in_population.as_ref(), active.as_ref()) {
                    (Ok(false), _) | (_, Ok(false)) => continue,
                    (Err(why), _) | (_, Err(why)) => Err(why.to_string()),
                    (Ok(true), Ok(true)) => judge(assessed, key),
                };
                out.push(outcome(assessed, row, check, resource, verdict));
            }
        }
    }
    out
}

fn outcome(
    assessed: &AssessedReport,
    row: &CredentialRow,
    check: &'static str,
    resource: String,
    verdict: Dated,
) -> Outcome {
    let (status, detail, since) = match verdict {
        Ok((true, detail, since)) => (Status::Fail, detail, since),
        Ok((false, detail, since)) => (Status::Pass, detail, since),
        Err(why) => (Status::Unknown, why, None),
    };
    Outcome {
        check,
        status,
        resource,
        account: Some(row.account.clone()),
        region: None,
        detail,
        evidence: vec![EvidenceRef {
            file: assessed.report.file.clone(),
            sha256: assessed.report.sha256.clone(),
            locator: assessed.report.locator(row.line),
        }],
        since,
    }
}

fn flag(field: &Flag, name: &str) -> Result<bool, String> {
    field.value().ok_or_else(|| format!("{name} is {}, so the result cannot be decided", field.describe_none()))
}

fn timestamp(field: &Timestamp, name: &str) -> Result<Instant, String> {
    field.value().ok_or_else(|| format!("{name} is {}, so the result cannot be decided", field.describe_none()))
}

fn all_rows(_: &CredentialRow) -> Result<bool, String> {
    Ok(true)
}

fn is_root(row: &CredentialRow) -> Result<bool, String> {
    Ok(row.is_root)
}

fn is_user(row: &CredentialRow) -> Result<bool, String> {
    Ok(!row.is_root)
}

/// Non-root users with a console password; unknown when `password_enabled` cannot be read.
fn console_user(row: &CredentialRow) -> Result<bool, String> {
    if row.is_root {
        return Ok(false);
    }
    flag(&row.password_enabled, "password_enabled")
}

/// "2025-08-26, 400 days before the as-of 2026-09-30" and the age in whole days (0 when the date
/// lies after the as-of, which the notes report).
fn aged(as_of: Instant, t: Instant) -> (i64, String) {
    let days = age_days(as_of, t);
    if days < 0 {
        (0, format!("{} (after the as-of {})", format_day(t), format_day(as_of)))
    } else {
        let unit = if days == 1 { "day" } else { "days" };
        (days, format!("{}, {days} {unit} before the as-of {}", format_day(t), format_day(as_of)))
    }
}

fn root_access_keys(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_row(facts, check, is_root, |_, row| {
        let mut active = Vec::new();
        let mut unreadable = Vec::new();
        for (i, key) in row.keys.iter().enumerate() {
            match flag(&key.active, &format!("access_key_{}_active", i + 1)) {
                Ok(false) => {}
                Ok(true) => {
                    let used = key.last_used_date.value().map(format_day).unwrap_or_else(|| "never".into());
                    let rotated = key.last_rotated.value().map(format_day).unwrap_or_else(|| "unknown".into());
                    active.push(format!("access key {} (created or rotated {rotated}, last used {used})", i + 1));
                }
                Err(why) => unreadable.push(why),
            }
        }
        // One known active key fails the check whatever the other slot says.
        match (active.is_empty(), unreadable.is_empty()) {
            (false, _) => Ok((true, format!("root has active {}", active.join(" and ")))),
            (true, true) => Ok((false, "root has no active access keys".into())),
            (true, false) => Err(unreadable.join("; ")),
        }
    })
}

fn root_mfa(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_row(facts, check, is_root, |_, row| {
        Ok(if flag(&row.mfa_active, "mfa_active")? {
            (false, "root has MFA enabled".into())
        } else {
            (true, "root has no MFA device (mfa_active = false)".into())
        })
    })
}

/// The newest known use among the password and both keys (active or not), and the use cells
/// that cannot be read (missing column or bad value), which could hide a newer use.
fn newest_use(row: &CredentialRow) -> (Option<(Instant, &'static str)>, Vec<&'static str>) {
    let uses = [
        (&row.password_last_used, "password_last_used"),
        (&row.keys[0].last_used_date, "access_key_1_last_used_date"),
        (&row.keys[1].last_used_date, "access_key_2_last_used_date"),
    ];
    let newest = uses.iter().filter_map(|(f, what)| f.value().map(|t| (t, *what))).max_by_key(|(t, _)| *t);
    let unreadable =
        uses.iter().filter(|(f, _)| matches!(f, Field::Invalid(_) | Field::Absent)).map(|(_, what)| *what).collect();
    (newest, unreadable)
}

fn root_recent_use(check: &'static str, facts: &Facts, limits: &Thresholds) -> Vec<Outcome> {
    let limit = limits.root_use_days;
    per_row(facts, check, is_root, |assessed, row| {
        let (newest, unreadable) = newest_use(row);
        let recent = newest.map(|(t, what)| {
            let (days, when) = aged(assessed.as_of, t);
            (days <= limit, format!("root last used {when} ({what})"))
        });
        match recent {
            // A known recent use fails whatever the unreadable cells hold.
            Some((true, text)) => Ok((true, format!("{text}; within {limit} days"))),
            _ if !unreadable.is_empty() => {
                Err(format!("{} cannot be read, so a recent root use cannot be ruled out", unreadable.join(", ")))
            }
            Some((false, text)) => Ok((false, format!("{text}; more than {limit} days"))),
            None => Ok((false, "no recorded use of the root password or root access keys".into())),
        }
    })
}

fn console_user_mfa(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_row(facts, check, console_user, |_, row| {
        Ok(if flag(&row.mfa_active, "mfa_active")? {
            (false, "console password enabled, MFA active".into())
        } else {
            (true, "console password enabled without MFA (mfa_active = false)".into())
        })
    })
}

fn access_key_rotation(check: &'static str, facts: &Facts, limits: &Thresholds) -> Vec<Outcome> {
    per_active_key_dated(facts, check, all_rows, |assessed, key| {
        let rotated = timestamp(&key.last_rotated, "last_rotated")?;
        let (days, when) = aged(assessed.as_of, rotated);
        let limit = limits.key_rotation_days;
        let (failed, detail, since) =
            over_limit(days > limit, format!("active key last rotated {when} (limit {limit})"), rotated, limit)?;
        // A new key in the slot does not date when the over-age one went: only the start is dated.
        Ok((failed, detail, since.filter(|_| failed)))
    })
}

fn unused_access_key(check: &'static str, facts: &Facts, limits: &Thresholds) -> Vec<Outcome> {
    per_active_key_dated(facts, check, all_rows, |assessed, key| {
        let limit = limits.unused_credential_days;
        match &key.last_used_date {
            Field::Value(used) => {
                let (days, when) = aged(assessed.as_of, *used);
                over_limit(days > limit, format!("active key last used {when} (limit {limit})"), *used, limit)
            }
            Field::NotApplicable => {
                let created = timestamp(&key.last_rotated, "last_rotated of a never-used key")?;
                let (days, when) = aged(assessed.as_of, created);
                over_limit(
                    days > limit,
                    format!("active key never used; created {when} (limit {limit})"),
                    created,
                    limit,
                )
            }
            other => Err(format!("last_used_date is {}, so the result cannot be decided", other.describe_none())),
        }
    })
}

fn stale_console_user(check: &'static str, facts: &Facts, limits: &Thresholds) -> Vec<Outcome> {
    let limit = limits.stale_account_days;
    per_row_dated(facts, check, console_user, |assessed, row| match &row.password_last_used {
        Field::Value(used) => {
            let (days, when) = aged(assessed.as_of, *used);
            over_limit(days > limit, format!("console password last used {when} (limit {limit})"), *used, limit)
        }
        Field::NoInformation | Field::NotApplicable => {
            let created = timestamp(&row.user_creation_time, "user_creation_time")?;
            let (days, when) = aged(assessed.as_of, created);
            let never = row.password_last_used.describe_none();
            let detail = format!("console password never used ({never}); user created {when} (limit {limit})");
            over_limit(days > limit, detail, created, limit)
        }
        other => Err(format!("password_last_used is {}, so the result cannot be decided", other.describe_none())),
    })
}

fn inactive_user(check: &'static str, facts: &Facts, limits: &Thresholds) -> Vec<Outcome> {
    let limit = limits.stale_account_days;
    per_row_dated(facts, check, is_user, |assessed, row| {
        let (newest, unreadable) = newest_use(row);
        let (failed, detail, t) = match newest {
            Some((t, what)) => {
                let (days, when) = aged(assessed.as_of, t);
                (days > limit, format!("last activity {when} ({what}; limit {limit})"), t)
            }
            None => {
                let created = timestamp(&row.user_creation_time, "user_creation_time")?;
                let (days, when) = aged(assessed.as_of, created);
                (days > limit, format!("no recorded activity; user created {when} (limit {limit})"), created)
            }
        };
        // A pass on known activity stands; a fail could be hidden newer activity in an unreadable cell.
        if failed && !unreadable.is_empty() {
            return Err(format!("{} cannot be read, so recent activity cannot be ruled out", unreadable.join(", ")));
        }
        over_limit(failed, detail, t, limit)
    })
}

fn multiple_active_keys(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_row(facts, check, is_user, |_, row| {
        let first = flag(&row.keys[0].active, "access_key_1_active")?;
        let second = flag(&row.keys[1].active, "access_key_2_active")?;
        Ok(match (first, second) {
            (true, true) => (true, "both access keys are active".into()),
            (false, false) => (false, "no active access keys".into()),
            _ => (false, "one active access key".into()),
        })
    })
}

fn key_at_user_creation(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_active_key(facts, check, console_user, |_, key| match &key.last_used_date {
        Field::Value(used) => Ok((false, format!("active key has been used (last {})", format_day(*used)))),
        Field::NotApplicable => {
            let created = key.last_rotated.value().map(format_day).unwrap_or_else(|| "on an unknown date".into());
            Ok((true, format!("active key created {created} has never been used, on a user with a console password")))
        }
        other => Err(format!("last_used_date is {}, so the result cannot be decided", other.describe_none())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::assemble;
    use crate::formats::aws::credential_report::parse_csv;
    use crate::timefmt::parse_timestamp;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    /// As-of of every test: 2026-09-30T12:00:00Z. `d(n)` is exactly n whole days before it.
    const AS_OF: &str = "2026-09-30T12:00:00Z";

    fn d(days: i64) -> String {
        let t = parse_timestamp(AS_OF).unwrap() - chrono::Duration::days(days);
        t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
    }

    /// A row builder over the columns the rules read; everything else N/A.
    #[derive(Clone)]
    struct Row {
        user: &'static str,
        created: String,
        password: &'static str,
        password_used: String,
        mfa: &'static str,
        keys: [(&'static str, String, String); 2],
    }

    impl Row {
        fn user(name: &'static str) -> Row {
            Row {
                user: name,
                created: d(400),
                password: "false",
                password_used: "N/A".into(),
                mfa: "false",
                keys: [("false", "N/A".into(), "N/A".into()), ("false", "N/A".into(), "N/A".into())],
            }
        }
        fn root() -> Row {
            Row { password: "not_supported", password_used: "no_information".into(), ..Row::user("<root_account>") }
        }
        fn console(mut self, used: impl Into<String>, mfa: &'static str) -> Row {
            self.password = "true";
            self.password_used = used.into();
            self.mfa = mfa;
            self
        }
        fn key(
            mut self,
            slot: usize,
            active: &'static str,
            rotated: impl Into<String>,
            used: impl Into<String>,
        ) -> Row {
            self.keys[slot - 1] = (active, rotated.into(), used.into());
            self
        }
        fn line(&self) -> String {
            let arn = if self.user == "<root_account>" {
                "arn:aws:iam::123456789012:root".to_string()
            } else {
                format!("arn:aws:iam::123456789012:user/{}", self.user)
            };
            let key = |(a, r, u): &(&str, String, String)| format!("{a},{r},{u},N/A,N/A");
            format!(
                "{},{arn},{},{},{},N/A,N/A,{},{},{},false,N/A,false,N/A",
                self.user,
                self.created,
                self.password,
                self.password_used,
                self.mfa,
                key(&self.keys[0]),
                key(&self.keys[1])
            )
        }
    }

    /// Runs one check over the rows and returns (resource suffix, status) pairs.
    fn run(check: &str, rows: &[Row]) -> Vec<(String, Status)> {
        run_with(check, rows, &Thresholds::default())
    }

    fn run_with(check: &str, rows: &[Row], limits: &Thresholds) -> Vec<(String, Status)> {
        let text = format!("{HEADER}\n{}", rows.iter().map(Row::line).collect::<Vec<_>>().join("\n"));
        let report = parse_csv("t.csv", "h", text.as_bytes()).unwrap();
        let facts = assemble(vec![report], parse_timestamp(AS_OF)).facts;
        let rule = RULES.iter().find(|r| r.id == check).unwrap();
        rule.run(&facts, limits)
            .into_iter()
            .map(|o| {
                assert_eq!(o.check, check);
                assert!(!o.detail.is_empty());
                let short = o.resource.rsplit(['/', ':']).next().unwrap().to_string();
                (short, o.status)
            })
            .collect()
    }

    use Status::{Fail, Pass, Unknown};

    fn s(r: &str, st: Status) -> (String, Status) {
        (r.to_string(), st)
    }

    /// The outcomes of one check with since when each has held.
    fn since_of(check: &str, rows: &[Row]) -> Vec<(Status, Option<Instant>)> {
        let text = format!("{HEADER}\n{}", rows.iter().map(Row::line).collect::<Vec<_>>().join("\n"));
        let report = parse_csv("t.csv", "h", text.as_bytes()).unwrap();
        let facts = assemble(vec![report], parse_timestamp(AS_OF)).facts;
        let rule = RULES.iter().find(|r| r.id == check).unwrap();
        rule.run(&facts, &Thresholds::default()).into_iter().map(|o| (o.status, o.since)).collect()
    }

    fn at(days_before: i64) -> Option<Instant> {
        parse_timestamp(&d(days_before))
    }

    /// An age rule dates its verdict: over the 90-day limit from the date + 91 days, within it from
    /// the date itself; a rotation dates only the failure (a new key does not date the old one's end).
    #[test]
    fn age_rules_say_since_when_their_verdict_has_held() {
        let key = |rotated: i64, used: i64| Row::user("u").key(1, "true", d(rotated), d(used));
        assert_eq!(since_of("aws.iam.access_key_rotation", &[key(100, 1)]), [(Fail, at(100 - 91))]);
        assert_eq!(since_of("aws.iam.access_key_rotation", &[key(30, 1)]), [(Pass, None)]);
        assert_eq!(since_of("aws.iam.unused_access_key", &[key(200, 120)]), [(Fail, at(120 - 91))]);
        assert_eq!(since_of("aws.iam.unused_access_key", &[key(200, 10)]), [(Pass, at(10))]);
        let console = |used: i64| Row::user("c").console(d(used), "true");
        assert_eq!(since_of("aws.iam.stale_console_user", &[console(95)]), [(Fail, at(95 - 91))]);
        assert_eq!(since_of("aws.iam.stale_console_user", &[console(5)]), [(Pass, at(5))]);
        // A rule that is not about an age dates nothing.
        assert_eq!(since_of("aws.iam.console_user_mfa", &[Row::user("m").console(d(5), "false")]), [(Fail, None)]);
    }

    #[test]
    fn root_access_keys_fails_on_any_active_root_key() {
        let clean = Row::root();
        assert_eq!(
            run("aws.iam.root_access_keys", &[clean.clone(), Row::user("u").key(1, "true", d(1), d(1))]),
            [s("root", Pass)]
        );
        let second = Row::root().key(1, "false", d(500), "N/A").key(2, "true", d(500), "N/A");
        assert_eq!(run("aws.iam.root_access_keys", &[second]), [s("root", Fail)]);
    }

    #[test]
    fn root_mfa() {
        assert_eq!(run("aws.iam.root_mfa", &[Row::root()]), [s("root", Fail)]);
        assert_eq!(run("aws.iam.root_mfa", &[Row { mfa: "true", ..Row::root() }, Row::user("u")]), [s("root", Pass)]);
    }

    #[test]
    fn root_recent_use_fails_within_the_limit_inclusive() {
        let used = |days| Row { password_used: d(days), ..Row::root() };
        assert_eq!(run("aws.iam.root_recent_use", &[used(90)]), [s("root", Fail)]);
        assert_eq!(run("aws.iam.root_recent_use", &[used(91)]), [s("root", Pass)]);
        // A key use counts, even on an inactive key.
        let key_use = Row::root().key(2, "false", d(300), d(10));
        assert_eq!(run("aws.iam.root_recent_use", &[key_use]), [s("root", Fail)]);
        assert_eq!(run("aws.iam.root_recent_use", &[Row::root()]), [s("root", Pass)]);
    }

    #[test]
    fn console_user_mfa_only_for_users_with_a_password() {
        let rows = [
            Row { mfa: "false", ..Row::root() },
            Row::user("nopass"),
            Row::user("nomfa").console(d(1), "false"),
            Row::user("mfa").console(d(1), "true"),
        ];
        assert_eq!(run("aws.iam.console_user_mfa", &rows), [s("nomfa", Fail), s("mfa", Pass)]);
    }

    #[test]
    fn access_key_rotation_boundary_and_population() {
        let rows = [
            Row::user("u").key(1, "true", d(90), d(1)).key(2, "true", d(91), d(1)),
            Row::user("inactive").key(1, "false", d(900), "N/A"),
            Row::root().key(1, "true", d(1000), d(1)),
        ];
        assert_eq!(
            run("aws.iam.access_key_rotation", &rows),
            [s("u#access_key_1", Pass), s("u#access_key_2", Fail), s("root#access_key_1", Fail)]
        );
    }

    #[test]
    fn unused_access_key_ages_never_used_keys_from_creation() {
        let rows = [
            Row::user("a").key(1, "true", d(500), d(90)).key(2, "true", d(500), d(91)),
            Row::user("b").key(1, "true", d(91), "N/A").key(2, "true", d(90), "N/A"),
            Row::user("c").key(1, "false", d(900), "N/A"),
        ];
        assert_eq!(
            run("aws.iam.unused_access_key", &rows),
            [
                s("a#access_key_1", Pass),
                s("a#access_key_2", Fail),
                s("b#access_key_1", Fail),
                s("b#access_key_2", Pass)
            ]
        );
    }

    #[test]
    fn stale_console_user_never_used_ages_from_creation() {
        let rows = [
            Row::user("used90").console(d(90), "true"),
            Row::user("used91").console(d(91), "true"),
            Row { created: d(91), ..Row::user("never_old").console("no_information", "true") },
            Row { created: d(90), ..Row::user("never_new").console("N/A", "true") },
            Row::user("nopass"),
            Row { password_used: d(500), ..Row::root() },
        ];
        assert_eq!(
            run("aws.iam.stale_console_user", &rows),
            [s("used90", Pass), s("used91", Fail), s("never_old", Fail), s("never_new", Pass)]
        );
    }

    #[test]
    fn inactive_user_takes_the_newest_activity_of_any_kind() {
        let rows = [
            // An inactive key's recent use still counts as activity.
            Row::user("keyuse").console(d(300), "true").key(2, "false", d(400), d(90)),
            Row::user("old").console(d(91), "true").key(1, "true", d(400), d(200)),
            Row { created: d(91), ..Row::user("nothing") },
            Row { created: d(90), ..Row::user("new") },
            Row::root(),
        ];
        assert_eq!(
            run("aws.iam.inactive_user", &rows),
            [s("keyuse", Pass), s("old", Fail), s("nothing", Fail), s("new", Pass)]
        );
    }

    #[test]
    fn multiple_active_keys_for_every_non_root_user() {
        let rows = [
            Row::user("two").key(1, "true", d(1), d(1)).key(2, "true", d(1), d(1)),
            Row::user("one").key(1, "true", d(1), d(1)).key(2, "false", d(1), d(1)),
            Row::user("none"),
            Row::root().key(1, "true", d(1), d(1)).key(2, "true", d(1), d(1)),
        ];
        assert_eq!(run("aws.iam.multiple_active_keys", &rows), [s("two", Fail), s("one", Pass), s("none", Pass)]);
    }

    #[test]
    fn key_at_user_creation_only_for_console_users_active_keys() {
        let rows = [
            Row::user("console").console(d(1), "true").key(1, "true", d(1), "N/A").key(2, "true", d(5), d(2)),
            Row::user("service").key(1, "true", d(1), "N/A"),
            Row::user("inactive").console(d(1), "true").key(1, "false", d(1), "N/A"),
        ];
        assert_eq!(
            run("aws.iam.key_at_user_creation", &rows),
            [s("console#access_key_1", Fail), s("console#access_key_2", Pass)]
        );
    }

    #[test]
    fn thresholds_come_from_config() {
        let rows = [Row::user("u").key(1, "true", d(50), d(1))];
        let strict = Thresholds { key_rotation_days: 45, ..Thresholds::default() };
        assert_eq!(run_with("aws.iam.access_key_rotation", &rows, &strict), [s("u#access_key_1", Fail)]);
    }

    #[test]
    fn unreadable_values_give_unknown_not_pass() {
        let rows = [Row::user("u").key(1, "true", "garbage", d(1)), Row { password: "maybe", ..Row::user("p") }];
        assert_eq!(run("aws.iam.access_key_rotation", &rows), [s("u#access_key_1", Unknown)]);
        assert_eq!(run("aws.iam.console_user_mfa", &rows), [s("p", Unknown)]);
    }

    #[test]
    fn unreadable_cells_never_hide_a_verdict_either_way() {
        // A known active root key fails even when the other slot is unreadable.
        let half = Row::root().key(1, "true", d(10), d(1)).key(2, "garbage", d(10), d(1));
        assert_eq!(run("aws.iam.root_access_keys", &[half]), [s("root", Fail)]);
        let unknown_only = Row::root().key(2, "garbage", d(10), d(1));
        assert_eq!(run("aws.iam.root_access_keys", &[unknown_only]), [s("root", Unknown)]);
        // An old known use cannot clear root or a user while another use cell is unreadable...
        let old_root = Row { password_used: d(300), ..Row::root() }.key(1, "false", d(300), "bad-date");
        assert_eq!(run("aws.iam.root_recent_use", &[old_root]), [s("root", Unknown)]);
        let old_user = Row::user("u").console(d(300), "true").key(1, "true", d(300), "bad-date");
        assert_eq!(run("aws.iam.inactive_user", &[old_user]), [s("u", Unknown)]);
        // ...while a known recent use decides alone.
        let recent_root = Row { password_used: d(3), ..Row::root() }.key(1, "false", d(300), "bad-date");
        assert_eq!(run("aws.iam.root_recent_use", &[recent_root]), [s("root", Fail)]);
        let recent_user = Row::user("u").console(d(3), "true").key(1, "true", d(300), "bad-date");
        assert_eq!(run("aws.iam.inactive_user", &[recent_user]), [s("u", Pass)]);
    }

    #[test]
    fn dates_after_the_as_of_count_as_new() {
        let rows = [Row::user("future").key(1, "true", "2099-02-03T09:50:21+00:00", d(1))];
        assert_eq!(run("aws.iam.access_key_rotation", &rows), [s("future#access_key_1", Pass)]);
    }
}
