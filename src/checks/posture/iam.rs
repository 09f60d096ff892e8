//! IAM policy: the password policy, full-administrator policies, policies attached to users, and the
//! root user's MFA device (CIS AWS 1.6, 1.8, 1.9, 1.15, 1.16).

use super::{Outcome, Rule, Status, merge_copies, outcome, policy};
use crate::config::Thresholds;
use crate::facts::Facts;
use crate::facts::posture::PostureFile;
use crate::formats::aws::posture::model::{AuthorizationDetails, PasswordPolicy, PrincipalDetail};
use crate::formats::aws::posture::{PostureExport, PostureKind, policy_document};

pub(super) const RULES: &[Rule] = &[
    Rule { id: "aws.iam.password_policy_min_length", evaluate: password_policy_min_length },
    Rule { id: "aws.iam.password_policy_reuse", evaluate: password_policy_reuse },
    Rule { id: "aws.iam.password_policy_max_age", evaluate: password_policy_max_age },
    Rule { id: "aws.iam.full_admin_policy", evaluate: full_admin_policy },
    Rule { id: "aws.iam.user_attached_policies", evaluate: user_attached_policies },
    Rule { id: "aws.iam.root_hardware_mfa", evaluate: root_hardware_mfa },
];

fn per_account_policy(
    facts: &Facts,
    check: &'static str,
    judge: impl Fn(&PasswordPolicy) -> (Status, String),
) -> Vec<Outcome> {
    let outcomes = facts
        .posture
        .password_policies
        .iter()
        .map(|(account, policy, evidence)| {
            let (status, detail) = match policy {
                Some(policy) => judge(policy),
                None => {
                    (Status::Fail, "the account has no password policy (NoSuchEntity): IAM's defaults apply".into())
                }
            };
            Outcome {
                check,
                status,
                resource: account.clone().unwrap_or_else(|| "unknown-account".into()),
                account: account.clone(),
                region: None,
                detail,
                evidence: vec![evidence.clone()],
                since: None,
            }
        })
        .collect();
    merge_copies(outcomes)
}

fn password_policy_min_length(check: &'static str, facts: &Facts, t: &Thresholds) -> Vec<Outcome> {
    let min = t.password_min_length;
    per_account_policy(facts, check, |p| match p.minimum_password_length {
        Some(n) if n >= min => (Status::Pass, format!("MinimumPasswordLength = {n} (at least {min})")),
        Some(n) => (Status::Fail, format!("MinimumPasswordLength = {n} (less than {min})")),
        None => (Status::Unknown, "the policy has no MinimumPasswordLength".into()),
    })
}

fn password_policy_reuse(check: &'static str, facts: &Facts, t: &Thresholds) -> Vec<Outcome> {
    let min = t.password_reuse;
    per_account_policy(facts, check, |p| match p.password_reuse_prevention {
        Some(n) if n >= min => (Status::Pass, format!("PasswordReusePrevention = {n} (at least {min})")),
        Some(n) => (Status::Fail, format!("PasswordReusePrevention = {n} (less than {min})")),
        None => (Status::Fail, "PasswordReusePrevention is not set: any earlier password may be reused".into()),
    })
}

fn password_policy_max_age(check: &'static str, facts: &Facts, t: &Thresholds) -> Vec<Outcome> {
    let max = t.password_max_age_days;
    per_account_policy(facts, check, |p| match p.max_password_age {
        Some(n) if n <= max => (Status::Pass, format!("MaxPasswordAge = {n} days (at most {max})")),
        Some(n) => (Status::Fail, format!("MaxPasswordAge = {n} days (more than {max})")),
        None => (Status::Fail, "MaxPasswordAge is not set: passwords never expire".into()),
    })
}

fn details(facts: &Facts) -> impl Iterator<Item = (&PostureFile, &AuthorizationDetails)> {
    facts.posture.of(PostureKind::AuthorizationDetails).filter_map(|file| match &file.export {
        PostureExport::AuthorizationDetails(d) => Some((file, d)),
        _ => None,
    })
}

/// Users, groups and roles with their list's name, for locators.
fn principals(d: &AuthorizationDetails) -> impl Iterator<Item = (&'static str, usize, &PrincipalDetail)> {
    [("UserDetailList", &d.users), ("GroupDetailList", &d.groups), ("RoleDetailList", &d.roles)]
        .into_iter()
        .flat_map(|(list, items)| items.iter().flatten().enumerate().map(move |(i, p)| (list, i, p)))
}

fn full_admin_policy(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for (file, d) in details(facts) {
        for (i, managed) in d.policies.iter().flatten().enumerate() {
            if managed.attachment_count.unwrap_or(0) <= 0 {
                continue;
            }
            let locator = format!("Policies[{i}]");
            let attached_to: Vec<&str> = principals(d)
                .filter(|(_, _, p)| p.attached.iter().flatten().any(|a| a.policy_arn.as_deref() == Some(&managed.arn)))
                .map(|(_, _, p)| p.name.as_deref().unwrap_or(&p.arn))
                .collect();
            let to = if attached_to.is_empty() {
                format!("attached {} time(s)", managed.attachment_count.unwrap_or(0))
            } else {
                format!("attached to {}", attached_to.join(", "))
            };
            let (status, detail) = match managed.default_document().map(|doc| policy_document(Some(doc))) {
                Some(Ok(doc)) => match policy::full_admin(&doc) {
                    Some(s) => (Status::Fail, format!("default version Statement[{s}] allows * on *; {to}")),
                    None => (Status::Pass, format!("the default version grants no * on *; {to}")),
                },
                Some(Err(e)) => (Status::Unknown, format!("the default version's document is unreadable: {e}")),
                None => (Status::Unknown, "the export has no default version document".into()),
            };
            outcomes.push(outcome(check, status, &managed.arn, file, locator, detail));
        }
        for (list, i, principal) in principals(d) {
            for (j, inline) in principal.inline.iter().flatten().enumerate() {
                let locator = format!("{list}[{i}].PolicyList[{j}]");
                let resource = format!("{}#{}", principal.arn, inline.policy_name);
                let (status, detail) = match policy_document(inline.policy_document.as_ref()) {
                    Ok(doc) => match policy::full_admin(&doc) {
                        Some(s) => (Status::Fail, format!("inline policy Statement[{s}] allows * on *")),
                        None => (Status::Pass, "the inline policy grants no * on *".into()),
                    },
                    Err(e) => (Status::Unknown, format!("the inline policy document is unreadable: {e}")),
                };
                outcomes.push(outcome(check, status, resource, file, locator, detail));
            }
        }
    }
    merge_copies(outcomes)
}

fn user_attached_policies(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for (file, d) in details(facts) {
        for (i, user) in d.users.iter().flatten().enumerate() {
            let mut direct: Vec<String> = user
                .attached
                .iter()
                .flatten()
                .map(|a| a.policy_name.clone().or_else(|| a.policy_arn.clone()).unwrap_or_default())
                .collect();
            direct.extend(user.inline.iter().flatten().map(|p| format!("{} (inline)", p.policy_name)));
            let (status, detail) = if direct.is_empty() {
                (Status::Pass, "permissions come only through groups".to_string())
            } else {
                (Status::Fail, format!("policies on the user itself: {}", direct.join(", ")))
            };
            outcomes.push(outcome(check, status, &user.arn, file, format!("UserDetailList[{i}]"), detail));
        }
    }
    merge_copies(outcomes)
}

/// Whether root has MFA at all, from the account summary or the credential report.
fn root_mfa_enabled(facts: &Facts, account: Option<&str>) -> Option<(bool, String)> {
    let summary = facts.posture.of(PostureKind::AccountSummary).filter(|f| f.account.as_deref() == account).find_map(
        |f| match &f.export {
            PostureExport::AccountSummary(map) => map.get("AccountMFAEnabled").map(|v| (*v == 1, f.path.clone())),
            _ => None,
        },
    );
    summary.or_else(|| {
        facts.credential_reports.iter().filter(|r| r.report.account.as_deref() == account).find_map(|r| {
            let root = r.report.rows.iter().find(|row| row.is_root)?;
            root.mfa_active.value().map(|on| (on, r.report.file.clone()))
        })
    })
}

fn root_hardware_mfa(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for file in facts.posture.of(PostureKind::VirtualMfa) {
        let PostureExport::VirtualMfa(devices) = &file.export else { continue };
        let resource = format!("arn:aws:iam::{}:root", file.account.as_deref().unwrap_or("unknown-account"));
        let root = devices.iter().position(|d| d.is_root());
        let (status, detail, locator) = match (root, root_mfa_enabled(facts, file.account.as_deref())) {
            (Some(i), _) => (
                Status::Fail,
                format!(
                    "root's MFA is a virtual device ({})",
                    devices.get(i).map(|d| d.serial_number.as_str()).unwrap_or_default()
                ),
                format!("VirtualMFADevices[{i}]"),
            ),
            (None, Some((true, from))) => {
                (Status::Pass, format!("root has MFA ({from}) and no virtual device: a hardware device"), String::new())
            }
            (None, Some((false, from))) => (Status::Fail, format!("root has no MFA at all ({from})"), String::new()),
            (None, None) => (
                Status::Unknown,
                "no virtual device for root, but no account summary or credential report says root has MFA".into(),
                String::new(),
            ),
        };
        outcomes.push(outcome(check, status, resource, file, locator, detail));
    }
    merge_copies(outcomes)
}
