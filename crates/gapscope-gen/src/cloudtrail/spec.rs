//! The values of the `cloudtrail` options: regions, days, gaps (`ACCOUNT/REGION/FROM..TO`),
//! cells (`ACCOUNT/REGION`) and planted events (`KIND[:EventName]@ACCOUNT/REGION/DAY`).

use std::fmt;

use chrono::NaiveDate;

use super::cis;
use crate::common::parse_account;

/// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`: letters, then a number, joined by hyphens.
pub(crate) fn parse_region(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split('-').collect();
    let letters = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let (Some(number), Some(words)) = (parts.last(), parts.get(..parts.len().saturating_sub(1))) else {
        return Err(format!("{s:?} is not a region name such as us-east-1"));
    };
    if parts.len() >= 3 && words.iter().all(letters) && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
    {
        Ok(s.to_owned())
    } else {
        Err(format!("{s:?} is not a region name such as us-east-1"))
    }
}

pub(crate) fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("{s:?} is not a day such as 2026-09-01 ({e})"))
}

/// An account's region: `ACCOUNT/REGION`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cell {
    pub(crate) account: String,
    pub(crate) region: String,
}

impl Cell {
    pub(crate) fn parse(s: &str) -> Result<Cell, String> {
        let (account, region) = s.split_once('/').ok_or_else(|| format!("{s:?}: expected ACCOUNT/REGION"))?;
        Ok(Cell { account: parse_account(account)?, region: parse_region(region)? })
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.account, self.region)
    }
}

/// Days without any record: `ACCOUNT/REGION/FROM..TO` (inclusive) or `ACCOUNT/REGION/DAY`.
#[derive(Clone, Debug)]
pub(crate) struct Gap {
    pub(crate) cell: Cell,
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
}

impl Gap {
    pub(crate) fn parse(s: &str) -> Result<Gap, String> {
        let (cell, days) = s.rsplit_once('/').ok_or_else(|| format!("{s:?}: expected ACCOUNT/REGION/FROM..TO"))?;
        let cell = Cell::parse(cell)?;
        let (from, to) = match days.split_once("..") {
            Some((from, to)) => (parse_day(from)?, parse_day(to)?),
            None => (parse_day(days)?, parse_day(days)?),
        };
        if to < from {
            return Err(format!("{s:?}: the gap ends before it starts"));
        }
        Ok(Gap { cell, from, to })
    }
}

/// What a planted event is. Each kind has the event names it may take; the first is the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PlantKind {
    Root,
    ConsoleNoMfa,
    ConsoleMfa,
    ConsoleFailure,
    FederatedConsole,
    StopLogging,
    DeleteTrail,
    UpdateTrail,
    PutEventSelectors,
    KmsDisable,
    KmsScheduleDeletion,
    Unauthorized,
    IamPolicy,
    SgChange,
    Nacl,
    Gateway,
    Route,
    Vpc,
    Org,
    S3Policy,
    Config,
}

/// Calls refused with the error code each service gives: `Client.UnauthorizedOperation` (EC2)
/// and `AccessDenied`/`AccessDeniedException` (the others), the spellings CIS 4.1 looks for.
pub(crate) const UNAUTHORIZED: [&str; 5] =
    ["RunInstances", "DescribeInstances", "ListUsers", "GetSecretValue", "GetBucketPolicy"];

impl PlantKind {
    pub(crate) const ALL: [PlantKind; 21] = [
        PlantKind::Root,
        PlantKind::ConsoleNoMfa,
        PlantKind::ConsoleMfa,
        PlantKind::ConsoleFailure,
        PlantKind::FederatedConsole,
        PlantKind::StopLogging,
        PlantKind::DeleteTrail,
        PlantKind::UpdateTrail,
        PlantKind::PutEventSelectors,
        PlantKind::KmsDisable,
        PlantKind::KmsScheduleDeletion,
        PlantKind::Unauthorized,
        PlantKind::IamPolicy,
        PlantKind::SgChange,
        PlantKind::Nacl,
        PlantKind::Gateway,
        PlantKind::Route,
        PlantKind::Vpc,
        PlantKind::Org,
        PlantKind::S3Policy,
        PlantKind::Config,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            PlantKind::Root => "root",
            PlantKind::ConsoleNoMfa => "console-no-mfa",
            PlantKind::ConsoleMfa => "console-mfa",
            PlantKind::ConsoleFailure => "console-failure",
            PlantKind::FederatedConsole => "federated-console",
            PlantKind::StopLogging => "stop-logging",
            PlantKind::DeleteTrail => "delete-trail",
            PlantKind::UpdateTrail => "update-trail",
            PlantKind::PutEventSelectors => "put-event-selectors",
            PlantKind::KmsDisable => "kms-disable",
            PlantKind::KmsScheduleDeletion => "kms-schedule-deletion",
            PlantKind::Unauthorized => "unauthorized",
            PlantKind::IamPolicy => "iam-policy",
            PlantKind::SgChange => "sg-change",
            PlantKind::Nacl => "nacl",
            PlantKind::Gateway => "gateway",
            PlantKind::Route => "route",
            PlantKind::Vpc => "vpc",
            PlantKind::Org => "org",
            PlantKind::S3Policy => "s3-policy",
            PlantKind::Config => "config",
        }
    }

    /// The event names this kind may take; the first is the default.
    pub(crate) fn event_names(self) -> &'static [&'static str] {
        match self {
            PlantKind::Root => &["DescribeInstances", "ListBuckets"],
            PlantKind::ConsoleNoMfa
            | PlantKind::ConsoleMfa
            | PlantKind::ConsoleFailure
            | PlantKind::FederatedConsole => &["ConsoleLogin"],
            PlantKind::StopLogging => &["StopLogging"],
            PlantKind::DeleteTrail => &["DeleteTrail"],
            PlantKind::UpdateTrail => &["UpdateTrail"],
            PlantKind::PutEventSelectors => &["PutEventSelectors"],
            PlantKind::KmsDisable => &["DisableKey"],
            PlantKind::KmsScheduleDeletion => &["ScheduleKeyDeletion"],
            PlantKind::Unauthorized => &UNAUTHORIZED,
            PlantKind::IamPolicy => &IAM_POLICY_FIRST,
            PlantKind::SgChange => &cis::SECURITY_GROUPS,
            PlantKind::Nacl => &NACL_FIRST,
            PlantKind::Gateway => &GATEWAY_FIRST,
            PlantKind::Route => &cis::ROUTES,
            PlantKind::Vpc => &cis::VPCS,
            PlantKind::Org => &ORG_FIRST,
            PlantKind::S3Policy => &S3_FIRST,
            PlantKind::Config => &CONFIG_FIRST,
        }
    }

    /// The `eventSource` of `event_name` under this kind.
    pub(crate) fn source(self, event_name: &str) -> &'static str {
        match self {
            PlantKind::Root if event_name == "ListBuckets" => "s3.amazonaws.com",
            PlantKind::ConsoleNoMfa
            | PlantKind::ConsoleMfa
            | PlantKind::ConsoleFailure
            | PlantKind::FederatedConsole => "signin.amazonaws.com",
            PlantKind::StopLogging | PlantKind::DeleteTrail | PlantKind::UpdateTrail | PlantKind::PutEventSelectors => {
                "cloudtrail.amazonaws.com"
            }
            PlantKind::KmsDisable | PlantKind::KmsScheduleDeletion => "kms.amazonaws.com",
            PlantKind::Unauthorized => match event_name {
                "ListUsers" => "iam.amazonaws.com",
                "GetSecretValue" => "secretsmanager.amazonaws.com",
                "GetBucketPolicy" => "s3.amazonaws.com",
                _ => "ec2.amazonaws.com",
            },
            PlantKind::IamPolicy => "iam.amazonaws.com",
            PlantKind::Org => "organizations.amazonaws.com",
            PlantKind::S3Policy => "s3.amazonaws.com",
            PlantKind::Config => "config.amazonaws.com",
            PlantKind::Root
            | PlantKind::SgChange
            | PlantKind::Nacl
            | PlantKind::Gateway
            | PlantKind::Route
            | PlantKind::Vpc => "ec2.amazonaws.com",
        }
    }
}

// The defaults first: the change an auditor fears most in each family.
const IAM_POLICY_FIRST: [&str; 16] = [
    "AttachRolePolicy",
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
];
const NACL_FIRST: [&str; 6] = [
    "CreateNetworkAclEntry",
    "CreateNetworkAcl",
    "DeleteNetworkAcl",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
];
const GATEWAY_FIRST: [&str; 6] = [
    "CreateInternetGateway",
    "AttachInternetGateway",
    "CreateCustomerGateway",
    "DeleteCustomerGateway",
    "DeleteInternetGateway",
    "DetachInternetGateway",
];
const ORG_FIRST: [&str; 18] = [
    "AttachPolicy",
    "AcceptHandshake",
    "CreateAccount",
    "CreateOrganizationalUnit",
    "CreatePolicy",
    "DeclineHandshake",
    "DeleteOrganization",
    "DeleteOrganizationalUnit",
    "DeletePolicy",
    "DetachPolicy",
    "DisablePolicyType",
    "EnablePolicyType",
    "InviteAccountToOrganization",
    "LeaveOrganization",
    "MoveAccount",
    "RemoveAccountFromOrganization",
    "UpdatePolicy",
    "UpdateOrganizationalUnit",
];
const S3_FIRST: [&str; 9] = [
    "PutBucketPolicy",
    "PutBucketAcl",
    "PutBucketCors",
    "PutBucketLifecycle",
    "PutBucketReplication",
    "DeleteBucketPolicy",
    "DeleteBucketCors",
    "DeleteBucketLifecycle",
    "DeleteBucketReplication",
];
const CONFIG_FIRST: [&str; 4] =
    ["StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"];

/// A planted event: `KIND[:EventName]@ACCOUNT/REGION/DAY`.
#[derive(Clone, Debug)]
pub(crate) struct Plant {
    pub(crate) kind: PlantKind,
    pub(crate) event_name: &'static str,
    pub(crate) cell: Cell,
    pub(crate) day: NaiveDate,
}

impl Plant {
    pub(crate) fn parse(s: &str) -> Result<Plant, String> {
        let (what, place) = s.split_once('@').ok_or_else(|| format!("{s:?}: expected KIND@ACCOUNT/REGION/DAY"))?;
        let (kind_name, event) = match what.split_once(':') {
            Some((k, e)) => (k, Some(e)),
            None => (what, None),
        };
        let kind = PlantKind::ALL.into_iter().find(|k| k.name() == kind_name).ok_or_else(|| {
            let names: Vec<&str> = PlantKind::ALL.iter().map(|k| k.name()).collect();
            format!("{s:?}: unknown kind {kind_name:?}; one of {}", names.join(", "))
        })?;
        let names = kind.event_names();
        let event_name = match event {
            None => names.first().copied().unwrap_or("ConsoleLogin"),
            Some(e) => names
                .iter()
                .copied()
                .find(|n| *n == e)
                .ok_or_else(|| format!("{s:?}: {kind_name} takes one of {}", names.join(", ")))?,
        };
        let (cell, day) = place.rsplit_once('/').ok_or_else(|| format!("{s:?}: expected KIND@ACCOUNT/REGION/DAY"))?;
        Ok(Plant { kind, event_name, cell: Cell::parse(cell)?, day: parse_day(day)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_values_parse_and_refuse_what_they_should() {
        assert!(parse_region("us-gov-west-1").is_ok());
        for bad in ["us-east", "US-EAST-1", "us--1", "1", "", "eu-west-1a"] {
            assert!(parse_region(bad).is_err(), "{bad}");
        }
        let gap = Gap::parse("111122223333/eu-west-1/2026-09-03..2026-09-05").unwrap();
        assert_eq!(
            (gap.cell.to_string(), gap.from.to_string(), gap.to.to_string()),
            ("111122223333/eu-west-1".to_owned(), "2026-09-03".to_owned(), "2026-09-05".to_owned())
        );
        let one = Gap::parse("111122223333/eu-west-1/2026-09-03").unwrap();
        assert_eq!(one.from, one.to);
        assert!(Gap::parse("111122223333/eu-west-1/2026-09-05..2026-09-03").is_err());
        assert!(Gap::parse("11112222333/eu-west-1/2026-09-03").is_err());
        let p = Plant::parse("iam-policy:PutUserPolicy@111122223333/us-east-1/2026-09-02").unwrap();
        assert_eq!((p.kind, p.event_name), (PlantKind::IamPolicy, "PutUserPolicy"));
        let p = Plant::parse("org@111122223333/us-east-1/2026-09-02").unwrap();
        assert_eq!(p.event_name, "AttachPolicy");
        assert!(Plant::parse("iam-policy:StopLogging@111122223333/us-east-1/2026-09-02").is_err());
        assert!(Plant::parse("nonsense@111122223333/us-east-1/2026-09-02").is_err());
    }

    #[test]
    fn every_kind_names_the_predicates_its_names_come_from() {
        // Each family's names are exactly its CIS list (order aside).
        let same = |a: &[&str], b: &[&str]| {
            let (mut a, mut b) = (a.to_vec(), b.to_vec());
            a.sort_unstable();
            b.sort_unstable();
            a == b
        };
        assert!(same(PlantKind::IamPolicy.event_names(), &cis::IAM_POLICY));
        assert!(same(PlantKind::Nacl.event_names(), &cis::NACLS));
        assert!(same(PlantKind::Gateway.event_names(), &cis::GATEWAYS));
        assert!(same(PlantKind::Org.event_names(), &cis::ORGANIZATIONS));
        assert!(same(PlantKind::S3Policy.event_names(), &cis::S3_POLICY));
        assert!(same(PlantKind::Config.event_names(), &cis::CONFIG));
        let mut names: Vec<&str> = PlantKind::ALL.iter().map(|k| k.name()).collect();
        names.dedup();
        assert_eq!(names.len(), PlantKind::ALL.len());
    }
}
