//! The oracle: the ten credential checks of DESIGN.md §6, written from the rule text apart from
//! the analyzer, so that the samples' expected verdicts are an independent test oracle.

use serde::Serialize;

use super::{Password, Row};
use crate::common::DAY;

/// The catalog default of all four day thresholds (DESIGN.md §6 and §8).
const THRESHOLD_DAYS: i64 = 90;

pub(super) const ROOT_ACCESS_KEYS: &str = "aws.iam.root_access_keys";
pub(super) const ROOT_MFA: &str = "aws.iam.root_mfa";
pub(super) const ROOT_RECENT_USE: &str = "aws.iam.root_recent_use";
pub(super) const CONSOLE_USER_MFA: &str = "aws.iam.console_user_mfa";
pub(super) const ACCESS_KEY_ROTATION: &str = "aws.iam.access_key_rotation";
pub(super) const UNUSED_ACCESS_KEY: &str = "aws.iam.unused_access_key";
pub(super) const STALE_CONSOLE_USER: &str = "aws.iam.stale_console_user";
pub(super) const INACTIVE_USER: &str = "aws.iam.inactive_user";
pub(super) const MULTIPLE_ACTIVE_KEYS: &str = "aws.iam.multiple_active_keys";
pub(super) const KEY_AT_USER_CREATION: &str = "aws.iam.key_at_user_creation";
pub(super) const CHECKS: [&str; 10] = [
    ROOT_ACCESS_KEYS,
    ROOT_MFA,
    ROOT_RECENT_USE,
    CONSOLE_USER_MFA,
    ACCESS_KEY_ROTATION,
    UNUSED_ACCESS_KEY,
    STALE_CONSOLE_USER,
    INACTIVE_USER,
    MULTIPLE_ACTIVE_KEYS,
    KEY_AT_USER_CREATION,
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

#[derive(Serialize)]
pub(super) struct Expectations<'a> {
    pub(super) results: &'a [Verdict],
}

/// Whole days: floor((as_of - t) / 86400 s) (DESIGN.md §5).
pub(super) fn age_days(as_of: i64, t: i64) -> i64 {
    (as_of - t).div_euclid(DAY)
}

/// One verdict per member of each check's population, nothing else.
pub(super) fn evaluate(account: &str, rows: &[Row], as_of: i64) -> Vec<Verdict> {
    let mut out = Vec::new();
    let mut verdict = |check, resource: &str, fails: bool| {
        let status = if fails { Status::Fail } else { Status::Pass };
        out.push(Verdict { check, resource: resource.to_owned(), status });
    };
    let too_old = |t: i64| age_days(as_of, t) > THRESHOLD_DAYS;
    for row in rows {
        let arn = row.arn(account);
        let console = matches!(row.password, Password::Enabled { .. });
        if row.is_root() {
            verdict(ROOT_ACCESS_KEYS, &arn, row.keys.iter().flatten().any(|k| k.active));
            verdict(ROOT_MFA, &arn, !row.mfa);
            // `Option::max`: None < Some, so this is the newest use if there is any.
            let newest = row.password_last_used().max(row.last_key_use());
            verdict(ROOT_RECENT_USE, &arn, newest.is_some_and(|t| !too_old(t)));
        } else {
            if console {
                verdict(CONSOLE_USER_MFA, &arn, !row.mfa);
                let last_sign_in = row.password_last_used().unwrap_or(row.created);
                verdict(STALE_CONSOLE_USER, &arn, too_old(last_sign_in));
            }
            let newest = row.password_last_used().max(row.last_key_use());
            verdict(INACTIVE_USER, &arn, too_old(newest.unwrap_or(row.created)));
            let both = row.keys.iter().all(|k| k.is_some_and(|k| k.active));
            verdict(MULTIPLE_ACTIVE_KEYS, &arn, both);
        }
        for (slot, key) in row.keys.iter().enumerate() {
            let Some(key) = key.filter(|k| k.active) else {
                continue;
            };
            let resource = format!("{arn}#access_key_{}", slot + 1);
            verdict(ACCESS_KEY_ROTATION, &resource, too_old(key.rotated));
            verdict(UNUSED_ACCESS_KEY, &resource, too_old(key.used.map_or(key.rotated, |u| u.at)));
            if console && !row.is_root() {
                verdict(KEY_AT_USER_CREATION, &resource, key.used.is_none());
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_whole_days_and_fail_only_past_the_limit() {
        let as_of = 100 * DAY;
        assert_eq!(age_days(as_of, as_of - 90 * DAY), 90);
        assert_eq!(age_days(as_of, as_of - 91 * DAY + 1), 90);
        assert_eq!(age_days(as_of, as_of - 91 * DAY), 91);
        assert_eq!(age_days(as_of, as_of), 0);
    }
}
