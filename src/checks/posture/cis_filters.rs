//! The CIS AWS Foundations v3.0 section 4 metric-filter predicates, as the comparisons a filter
//! pattern must hold to cover each one, and a reader for CloudWatch Logs JSON filter patterns.
//!
//! A pattern covers a predicate when it holds every comparison of the CIS reference pattern (field,
//! operator and value; whitespace, quoting and parentheses do not matter). Comparisons CIS added in
//! v3.0 to cut noise (4.1's sourceIPAddress and HeadBucket exclusions) are not required, so filters
//! written from v1.x of the benchmark still count.

use std::collections::BTreeSet;

pub struct CisFilter {
    pub section: &'static str,
    pub title: &'static str,
    /// `(field, operator, value)`; operator `=`, `!=` or `NOT EXISTS` (value empty).
    pub comparisons: &'static [(&'static str, &'static str, &'static str)],
}

macro_rules! event_names {
    ($($name:literal),* $(,)?) => { &[$(("eventName", "=", $name)),*] };
}

pub const CIS_FILTERS: &[CisFilter] = &[
    CisFilter {
        section: "4.1",
        title: "unauthorized API calls",
        comparisons: &[("errorCode", "=", "*UnauthorizedOperation"), ("errorCode", "=", "AccessDenied*")],
    },
    CisFilter {
        section: "4.2",
        title: "console sign-in without MFA",
        comparisons: &[("eventName", "=", "ConsoleLogin"), ("additionalEventData.MFAUsed", "!=", "Yes")],
    },
    CisFilter {
        section: "4.3",
        title: "root account usage",
        comparisons: &[
            ("userIdentity.type", "=", "Root"),
            ("userIdentity.invokedBy", "NOT EXISTS", ""),
            ("eventType", "!=", "AwsServiceEvent"),
        ],
    },
    CisFilter {
        section: "4.4",
        title: "IAM policy changes",
        comparisons: event_names!(
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
    },
    CisFilter {
        section: "4.5",
        title: "CloudTrail configuration changes",
        comparisons: event_names!("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
    },
    CisFilter {
        section: "4.6",
        title: "console authentication failures",
        comparisons: &[("eventName", "=", "ConsoleLogin"), ("errorMessage", "=", "Failed authentication")],
    },
    CisFilter {
        section: "4.7",
        title: "disabling or scheduled deletion of customer-managed keys",
        comparisons: &[
            ("eventSource", "=", "kms.amazonaws.com"),
            ("eventName", "=", "DisableKey"),
            ("eventName", "=", "ScheduleKeyDeletion"),
        ],
    },
    CisFilter {
        section: "4.8",
        title: "S3 bucket policy changes",
        comparisons: &[
            ("eventSource", "=", "s3.amazonaws.com"),
            ("eventName", "=", "PutBucketAcl"),
            ("eventName", "=", "PutBucketPolicy"),
            ("eventName", "=", "PutBucketCors"),
            ("eventName", "=", "PutBucketLifecycle"),
            ("eventName", "=", "PutBucketReplication"),
            ("eventName", "=", "DeleteBucketPolicy"),
            ("eventName", "=", "DeleteBucketCors"),
            ("eventName", "=", "DeleteBucketLifecycle"),
            ("eventName", "=", "DeleteBucketReplication"),
        ],
    },
    CisFilter {
        section: "4.9",
        title: "AWS Config configuration changes",
        comparisons: &[
            ("eventSource", "=", "config.amazonaws.com"),
            ("eventName", "=", "StopConfigurationRecorder"),
            ("eventName", "=", "DeleteDeliveryChannel"),
            ("eventName", "=", "PutDeliveryChannel"),
            ("eventName", "=", "PutConfigurationRecorder"),
        ],
    },
    CisFilter {
        section: "4.10",
        title: "security group changes",
        comparisons: event_names!(
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ),
    },
    CisFilter {
        section: "4.11",
        title: "network ACL changes",
        comparisons: event_names!(
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ),
    },
    CisFilter {
        section: "4.12",
        title: "network gateway changes",
        comparisons: event_names!(
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ),
    },
    CisFilter {
        section: "4.13",
        title: "route table changes",
        comparisons: event_names!(
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ),
    },
    CisFilter {
        section: "4.14",
        title: "VPC changes",
        comparisons: event_names!(
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
    },
    CisFilter {
        section: "4.15",
        title: "AWS Organizations changes",
        comparisons: &[
            ("eventSource", "=", "organizations.amazonaws.com"),
            ("eventName", "=", "AcceptHandshake"),
            ("eventName", "=", "AttachPolicy"),
            ("eventName", "=", "CreateAccount"),
            ("eventName", "=", "CreateOrganizationalUnit"),
            ("eventName", "=", "CreatePolicy"),
            ("eventName", "=", "DeclineHandshake"),
            ("eventName", "=", "DeleteOrganization"),
            ("eventName", "=", "DeleteOrganizationalUnit"),
            ("eventName", "=", "DeletePolicy"),
            ("eventName", "=", "DetachPolicy"),
            ("eventName", "=", "DisablePolicyType"),
            ("eventName", "=", "EnablePolicyType"),
            ("eventName", "=", "InviteAccountToOrganization"),
            ("eventName", "=", "LeaveOrganization"),
            ("eventName", "=", "MoveAccount"),
            ("eventName", "=", "RemoveAccountFromOrganization"),
            ("eventName", "=", "UpdatePolicy"),
            ("eventName", "=", "UpdateOrganizationalUnit"),
        ],
    },
];

/// The comparisons in a JSON filter pattern (`{ ($.eventName = "X") || ($.errorCode = Y*) }`).
pub fn comparisons(pattern: &str) -> BTreeSet<(String, String, String)> {
    let mut found = BTreeSet::new();
    let mut rest = pattern;
    while let Some(at) = rest.find("$.") {
        rest = &rest[at + 2..];
        let field_len =
            rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')).unwrap_or(rest.len());
        let field = &rest[..field_len];
        let after = rest[field_len..].trim_start();
        let (operator, after) = if let Some(a) = after.strip_prefix("!=") {
            ("!=", a)
        } else if let Some(a) = after.strip_prefix('=') {
            ("=", a)
        } else if after.get(..10).is_some_and(|w| w.eq_ignore_ascii_case("NOT EXISTS")) {
            found.insert((field.to_string(), "NOT EXISTS".to_string(), String::new()));
            continue;
        } else {
            continue;
        };
        let after = after.trim_start();
        let value = if let Some(quoted) = after.strip_prefix('"') {
            quoted.split('"').next().unwrap_or_default()
        } else {
            let end =
                after.find(|c: char| c.is_whitespace() || matches!(c, ')' | '&' | '|' | '}')).unwrap_or(after.len());
            &after[..end]
        };
        found.insert((field.to_string(), operator.to_string(), value.to_string()));
    }
    found
}

impl CisFilter {
    /// Whether a filter pattern holds every comparison of this predicate.
    pub fn covered_by(&self, pattern: &BTreeSet<(String, String, String)>) -> bool {
        self.comparisons
            .iter()
            .all(|(field, op, value)| pattern.contains(&(field.to_string(), op.to_string(), value.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cis_reference_patterns_cover_their_predicate_and_no_other() {
        let patterns = [
            (
                "4.1",
                r#"{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#,
            ),
            (
                "4.3",
                r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
            ),
            (
                "4.5",
                "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
            ),
            (
                "4.7",
                "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }",
            ),
        ];
        for (section, pattern) in patterns {
            let found = comparisons(pattern);
            let covered: Vec<&str> = CIS_FILTERS.iter().filter(|f| f.covered_by(&found)).map(|f| f.section).collect();
            assert_eq!(covered, [section], "{pattern}");
        }
    }

    #[test]
    fn a_pattern_missing_one_event_does_not_cover() {
        let partial = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }";
        let four_five = CIS_FILTERS.iter().find(|f| f.section == "4.5").unwrap();
        assert!(!four_five.covered_by(&comparisons(partial)));
        assert_eq!(CIS_FILTERS.len(), 15);
    }
}
