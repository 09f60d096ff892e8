//! What one CloudTrail record is counted as: the kinds of the CIS AWS Foundations v3.0 §4 predicates
//! and gapscope's own detections (the predicates themselves are the table in `cis`), and console
//! sign-ins with their MFA.

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

/// Evaluates every predicate of the CIS table ([`super::cis::PREDICATES`]) on one record.
pub(crate) fn classify(record: &Record) -> Kinds {
    let mut kinds = Kinds::default();
    for kind in super::cis::matching_kinds(record) {
        kinds.add(kind);
    }
    kinds
}

/// A successful console sign-in, and whether it used MFA (`None`: the record does not say).
pub(crate) fn console_login(record: &Record) -> Option<bool> {
    if record.event_name.get() != Some("ConsoleLogin") || record.console_login.get() != Some("Success") {
        return None;
    }
    Some(record.mfa_used.get() == Some("Yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> Kinds {
        let mut kinds = None;
        let text = format!("{{\"Records\":[{json}]}}");
        let summary = crate::formats::aws::cloudtrail_log::read(
            text.as_bytes(),
            crate::formats::aws::cloudtrail_log::Shape::Records,
            &mut |r| kinds = Some(classify(r)),
        );
        assert_eq!(summary.stopped, None);
        kinds.unwrap()
    }

    #[test]
    fn unauthorized_calls_follow_cis_4_1_exactly() {
        let hit = record(r#"{"eventName":"DescribeInstances","errorCode":"Client.UnauthorizedOperation"}"#);
        assert!(hit.contains(Kind::UnauthorizedApiCalls));
        assert!(record(r#"{"eventName":"GetObject","errorCode":"AccessDenied"}"#).contains(Kind::UnauthorizedApiCalls));
        assert!(record(r#"{"eventName":"HeadBucket","errorCode":"AccessDenied"}"#).is_empty());
        assert!(
            record(r#"{"eventName":"PutObject","errorCode":"AccessDenied","sourceIPAddress":"delivery.logs.amazonaws.com"}"#)
                .is_empty()
        );
        assert!(record(r#"{"eventName":"GetObject","errorCode":"NoSuchKey"}"#).is_empty());
    }

    #[test]
    fn root_use_excludes_service_events_and_invoked_calls() {
        assert!(record(r#"{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall"}"#).contains(Kind::RootActivity));
        assert!(record(r#"{"userIdentity":{"type":"Root"},"eventType":"AwsServiceEvent"}"#).is_empty());
        assert!(record(r#"{"userIdentity":{"type":"Root","invokedBy":"support.amazonaws.com"}}"#).is_empty());
        assert!(record(r#"{"userIdentity":{"type":"IAMUser"}}"#).is_empty());
    }

    #[test]
    fn sources_restrict_the_predicates_that_name_them() {
        let s3 = record(r#"{"eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy"}"#);
        assert!(s3.contains(Kind::S3BucketPolicyChanges));
        assert!(record(r#"{"eventSource":"ec2.amazonaws.com","eventName":"PutBucketPolicy"}"#).is_empty());
        let kms = record(r#"{"eventSource":"kms.amazonaws.com","eventName":"ScheduleKeyDeletion"}"#);
        assert!(kms.contains(Kind::KmsKeyDisabled));
        let org = record(r#"{"eventSource":"organizations.amazonaws.com","eventName":"CreatePolicy"}"#);
        // CIS 4.4 names CreatePolicy without a source, so an Organizations policy counts there too.
        assert!(org.contains(Kind::OrganizationsChanges) && org.contains(Kind::IamPolicyChanges));
    }

    #[test]
    fn update_trail_is_a_change_and_tampering() {
        let kinds = record(r#"{"eventName":"UpdateTrail"}"#);
        assert_eq!(kinds.iter().collect::<Vec<_>>(), [Kind::TrailConfigChanges, Kind::Tampering]);
        assert_eq!(record(r#"{"eventName":"StartLogging"}"#).iter().collect::<Vec<_>>(), [Kind::TrailConfigChanges]);
    }

    #[test]
    fn console_failures_need_the_exact_message() {
        let failed = record(r#"{"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}"#);
        assert!(failed.contains(Kind::ConsoleAuthFailures));
        assert!(record(r#"{"eventName":"ConsoleLogin","errorMessage":"Other"}"#).is_empty());
    }
}
