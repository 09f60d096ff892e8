//! What a CloudTrail record can be counted as ([`Kind`]), and the CIS AWS Foundations v3.0 §4
//! predicates (and gapscope's own tampering detection) that decide it, as one table of comparisons
//! on record fields. The record detector evaluates it on every
//! record, the metric-filter check asks whether a filter pattern holds its comparisons, and a test
//! holds `templates/activity.toml` to it: one place to change when CIS changes.
//! Event names and sources are those of `shared/formats/cloudtrail.md`.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::formats::aws::cloudtrail_log::Record;

/// What a record can be counted as. A record may be several (UpdateTrail is a trail configuration
/// change and tampering).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    UnauthorizedApiCalls,
    ConsoleAuthFailures,
    IamPolicyChanges,
    TrailConfigChanges,
    S3BucketPolicyChanges,
    ConfigChanges,
    SecurityGroupChanges,
    NaclChanges,
    GatewayChanges,
    RouteTableChanges,
    VpcChanges,
    OrganizationsChanges,
    /// CIS 4.3.
    RootActivity,
    /// StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors.
    Tampering,
    /// CIS 4.7.
    KmsKeyDisabled,
}

impl Kind {
    pub(crate) const ALL: [Kind; 15] = [
        Kind::UnauthorizedApiCalls,
        Kind::ConsoleAuthFailures,
        Kind::IamPolicyChanges,
        Kind::TrailConfigChanges,
        Kind::S3BucketPolicyChanges,
        Kind::ConfigChanges,
        Kind::SecurityGroupChanges,
        Kind::NaclChanges,
        Kind::GatewayChanges,
        Kind::RouteTableChanges,
        Kind::VpcChanges,
        Kind::OrganizationsChanges,
        Kind::RootActivity,
        Kind::Tampering,
        Kind::KmsKeyDisabled,
    ];

    /// The activity-summary id, for the kinds reported as activity (CIS 4.x counts).
    pub(crate) fn activity_id(self) -> Option<&'static str> {
        Some(match self {
            Kind::UnauthorizedApiCalls => "aws.cloudtrail.unauthorized_api_calls",
            Kind::ConsoleAuthFailures => "aws.cloudtrail.console_auth_failures",
            Kind::IamPolicyChanges => "aws.cloudtrail.iam_policy_changes",
            Kind::TrailConfigChanges => "aws.cloudtrail.trail_config_changes",
            Kind::S3BucketPolicyChanges => "aws.cloudtrail.s3_bucket_policy_changes",
            Kind::ConfigChanges => "aws.cloudtrail.config_changes",
            Kind::SecurityGroupChanges => "aws.cloudtrail.security_group_changes",
            Kind::NaclChanges => "aws.cloudtrail.nacl_changes",
            Kind::GatewayChanges => "aws.cloudtrail.gateway_changes",
            Kind::RouteTableChanges => "aws.cloudtrail.route_table_changes",
            Kind::VpcChanges => "aws.cloudtrail.vpc_changes",
            Kind::OrganizationsChanges => "aws.cloudtrail.organizations_changes",
            Kind::RootActivity | Kind::Tampering | Kind::KmsKeyDisabled => return None,
        })
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A set of kinds, as a bit mask: classification runs on every record and must not allocate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Kinds(u32);

impl Kinds {
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub(crate) fn contains(self, kind: Kind) -> bool {
        self.0 & kind.bit() != 0
    }
    fn add(&mut self, kind: Kind) {
        self.0 |= kind.bit();
    }
    pub(crate) fn iter(self) -> impl Iterator<Item = Kind> {
        Kind::ALL.into_iter().filter(move |k| self.contains(*k))
    }
}

impl FromIterator<Kind> for Kinds {
    fn from_iter<I: IntoIterator<Item = Kind>>(kinds: I) -> Kinds {
        let mut set = Kinds::default();
        for kind in kinds {
            set.add(kind);
        }
        set
    }
}

/// `(field, operator, value)`: operator `=` (a value may start or end with `*`), `!=`, or
/// `NOT EXISTS` (value empty). Fields are CloudTrail record paths as CloudWatch filters write them.
pub(crate) type Comparison = (&'static str, &'static str, &'static str);

/// One predicate: a record matches when one of `any` holds (if there are any), all of `all` hold,
/// and all of `noise` hold.
pub(crate) struct CisPredicate {
    /// The CIS section (`4.4`); `None` for a detection of gapscope's own.
    pub section: Option<&'static str>,
    pub title: &'static str,
    /// What a matching record is counted as (`None`: matched elsewhere, as 4.2's console sign-ins).
    pub kind: Option<Kind>,
    pub any: &'static [Comparison],
    pub all: &'static [Comparison],
    /// Exclusions CIS v3.0 added to cut noise: the detector applies them, but a metric filter written
    /// from v1.x of the benchmark without them still covers the predicate.
    pub noise: &'static [Comparison],
    /// Event names gapscope counts beyond the CIS list (said in `activity.toml`); no filter needs them.
    pub also: &'static [&'static str],
}

macro_rules! event_names {
    ($($name:literal),* $(,)?) => { &[$(("eventName", "=", $name)),*] };
}

const fn predicate(section: &'static str, title: &'static str, kind: Option<Kind>) -> CisPredicate {
    CisPredicate { section: Some(section), title, kind, any: &[], all: &[], noise: &[], also: &[] }
}

pub(crate) static PREDICATES: &[CisPredicate] = &[
    CisPredicate {
        any: &[("errorCode", "=", "*UnauthorizedOperation"), ("errorCode", "=", "AccessDenied*")],
        noise: &[("sourceIPAddress", "!=", "delivery.logs.amazonaws.com"), ("eventName", "!=", "HeadBucket")],
        ..predicate("4.1", "unauthorized API calls", Some(Kind::UnauthorizedApiCalls))
    },
    CisPredicate {
        all: &[("eventName", "=", "ConsoleLogin"), ("additionalEventData.MFAUsed", "!=", "Yes")],
        ..predicate("4.2", "console sign-in without MFA", None)
    },
    CisPredicate {
        all: &[
            ("userIdentity.type", "=", "Root"),
            ("userIdentity.invokedBy", "NOT EXISTS", ""),
            ("eventType", "!=", "AwsServiceEvent"),
        ],
        ..predicate("4.3", "root account usage", Some(Kind::RootActivity))
    },
    CisPredicate {
        any: event_names!(
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
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ),
        ..predicate("4.4", "IAM policy changes", Some(Kind::IamPolicyChanges))
    },
    CisPredicate {
        any: event_names!("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
        ..predicate("4.5", "CloudTrail configuration changes", Some(Kind::TrailConfigChanges))
    },
    CisPredicate {
        all: &[("eventName", "=", "ConsoleLogin"), ("errorMessage", "=", "Failed authentication")],
        ..predicate("4.6", "console authentication failures", Some(Kind::ConsoleAuthFailures))
    },
    CisPredicate {
        all: &[("eventSource", "=", "kms.amazonaws.com")],
        any: event_names!("DisableKey", "ScheduleKeyDeletion"),
        ..predicate("4.7", "disabling or scheduled deletion of customer-managed keys", Some(Kind::KmsKeyDisabled))
    },
    CisPredicate {
        all: &[("eventSource", "=", "s3.amazonaws.com")],
        any: event_names!(
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        ),
        ..predicate("4.8", "S3 bucket policy changes", Some(Kind::S3BucketPolicyChanges))
    },
    CisPredicate {
        all: &[("eventSource", "=", "config.amazonaws.com")],
        any: event_names!(
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ),
        ..predicate("4.9", "AWS Config configuration changes", Some(Kind::ConfigChanges))
    },
    CisPredicate {
        any: event_names!(
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ),
        also: &["ModifySecurityGroupRules"],
        ..predicate("4.10", "security group changes", Some(Kind::SecurityGroupChanges))
    },
    CisPredicate {
        any: event_names!(
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ),
        ..predicate("4.11", "network ACL changes", Some(Kind::NaclChanges))
    },
    CisPredicate {
        any: event_names!(
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ),
        ..predicate("4.12", "network gateway changes", Some(Kind::GatewayChanges))
    },
    CisPredicate {
        any: event_names!(
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ),
        ..predicate("4.13", "route table changes", Some(Kind::RouteTableChanges))
    },
    CisPredicate {
        any: event_names!(
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        ),
        ..predicate("4.14", "VPC changes", Some(Kind::VpcChanges))
    },
    CisPredicate {
        all: &[("eventSource", "=", "organizations.amazonaws.com")],
        any: event_names!(
            "AcceptHandshake",
            "AttachPolicy",
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
        ),
        ..predicate("4.15", "AWS Organizations changes", Some(Kind::OrganizationsChanges))
    },
    CisPredicate {
        section: None,
        title: "logging stopped, deleted or reconfigured",
        kind: Some(Kind::Tampering),
        any: event_names!("StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"),
        all: &[],
        noise: &[],
        also: &[],
    },
];

impl CisPredicate {
    /// Whether a filter pattern (its comparisons, see `checks::posture::cis_filters::comparisons`)
    /// holds every comparison of the CIS reference pattern.
    pub(crate) fn covered_by(&self, pattern: &BTreeSet<(String, String, String)>) -> bool {
        self.any
            .iter()
            .chain(self.all)
            .all(|(field, op, value)| pattern.contains(&(field.to_string(), op.to_string(), value.to_string())))
    }

    /// The event names the predicate is limited to (its own and those gapscope adds), if it is.
    pub(crate) fn event_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        let listed = self.any.iter().chain(self.all).filter(|(f, op, _)| *f == "eventName" && *op == "=");
        listed.map(|(_, _, name)| *name).chain(self.also.iter().copied())
    }

    fn matches(&self, record: &Record) -> bool {
        let name_listed = |r: &Record| self.also.iter().any(|n| r.event_name.get() == Some(n));
        (self.any.is_empty() || self.any.iter().any(|c| holds(record, c)) || name_listed(record))
            && self.all.iter().all(|c| holds(record, c))
            && self.noise.iter().all(|c| holds(record, c))
    }
}

/// The CIS predicates proper (4.1–4.15), for the metric-filter check.
pub(crate) fn cis_sections() -> impl Iterator<Item = (&'static str, &'static CisPredicate)> {
    PREDICATES.iter().filter_map(|p| Some((p.section?, p)))
}

fn field<'r>(record: &'r Record, name: &str) -> Option<&'r str> {
    match name {
        "eventName" => record.event_name.get(),
        "eventSource" => record.event_source.get(),
        "errorCode" => record.error_code.get(),
        "errorMessage" => record.error_message.get(),
        "sourceIPAddress" => record.source_ip.get(),
        "eventType" => record.event_type.get(),
        "userIdentity.type" => record.identity_type(),
        "userIdentity.invokedBy" => record.invoked_by(),
        "additionalEventData.MFAUsed" => record.mfa_used.get(),
        _ => None,
    }
}

fn holds(record: &Record, (name, op, value): &Comparison) -> bool {
    let found = field(record, name);
    match *op {
        "=" => found.is_some_and(|found| wildcard_eq(found, value)),
        "!=" => found != Some(*value),
        "NOT EXISTS" => found.is_none(),
        _ => false,
    }
}

/// `*` at either end of a filter value matches any text there.
fn wildcard_eq(found: &str, pattern: &str) -> bool {
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(suffix), _) => found.ends_with(suffix),
        (None, Some(prefix)) => found.starts_with(prefix),
        (None, None) => found == pattern,
    }
}

/// Predicates by the event names they are limited to, and those that any record may match: the
/// detector runs on every record, so it looks up its candidates instead of trying every predicate.
struct Index {
    by_name: FxHashMap<&'static str, Vec<&'static CisPredicate>>,
    any_name: Vec<&'static CisPredicate>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut index = Index { by_name: FxHashMap::default(), any_name: Vec::new() };
    for p in PREDICATES.iter().filter(|p| p.kind.is_some()) {
        let names: Vec<&str> = p.event_names().collect();
        if names.is_empty() {
            index.any_name.push(p);
        }
        for name in names {
            let at = index.by_name.entry(name).or_default();
            if !at.iter().any(|q| std::ptr::eq(*q, p)) {
                at.push(p);
            }
        }
    }
    index
});

/// Every kind whose predicate the record matches.
pub(crate) fn matching_kinds<'r>(record: &'r Record<'_>) -> impl Iterator<Item = Kind> + 'r {
    let index = &*INDEX;
    let named = record.event_name.get().and_then(|n| index.by_name.get(n)).map(Vec::as_slice).unwrap_or_default();
    index.any_name.iter().chain(named).filter(|p| p.matches(record)).filter_map(|p| p.kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Catalog {
        activity: Vec<Activity>,
    }
    #[derive(serde::Deserialize)]
    struct Activity {
        id: String,
        cis_aws: Vec<String>,
        predicate: String,
    }

    /// `activity.toml` describes each activity summary in words: its CIS section and every event
    /// name and source it counts must be the table's, and nothing the table counts may be left out.
    #[test]
    fn activity_catalog_says_what_the_table_counts() {
        let catalog: Catalog = toml::from_str(include_str!("../../../templates/activity.toml")).unwrap();
        let mut described = Vec::new();
        for p in PREDICATES {
            let Some(id) = p.kind.and_then(Kind::activity_id) else { continue };
            let entry =
                catalog.activity.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("{id} not in activity.toml"));
            described.push(id);
            assert_eq!(entry.cis_aws, [p.section.unwrap_or_default()], "{id}: CIS section");
            let words: BTreeSet<&str> = entry.predicate.split(|c: char| !c.is_ascii_alphanumeric()).collect();
            for name in p.event_names() {
                assert!(words.contains(name), "{id}: activity.toml does not name {name}");
            }
            for (field, _, value) in p.any.iter().chain(p.all).chain(p.noise) {
                if *field != "eventName" && !value.is_empty() {
                    let bare = value.trim_matches('*');
                    assert!(entry.predicate.contains(bare), "{id}: activity.toml does not say {field} {value}");
                }
            }
        }
        for a in &catalog.activity {
            assert!(described.contains(&a.id.as_str()), "{} in activity.toml has no predicate", a.id);
        }
    }

    #[test]
    fn every_cis_section_once_and_in_order() {
        let sections: Vec<&str> = cis_sections().map(|(s, _)| s).collect();
        let expected: Vec<String> = (1..=15).map(|n| format!("4.{n}")).collect();
        assert_eq!(sections, expected);
    }

    #[test]
    fn wildcards_at_either_end() {
        assert!(wildcard_eq("Client.UnauthorizedOperation", "*UnauthorizedOperation"));
        assert!(wildcard_eq("AccessDeniedException", "AccessDenied*"));
        assert!(!wildcard_eq("NoSuchKey", "AccessDenied*"));
        assert!(wildcard_eq("Yes", "Yes") && !wildcard_eq("No", "Yes"));
    }
}
