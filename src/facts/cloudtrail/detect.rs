//! What one CloudTrail record is counted as: the kinds of the CIS AWS Foundations v3.0 §4 predicates
//! and gapscope's own detections (the predicates themselves are the table in `cis`), and console
//! sign-ins with their MFA.

use crate::formats::aws::cloudtrail_log::Record;

pub(crate) use super::cis::{Kind, Kinds};

/// Evaluates every predicate of the CIS table ([`super::cis::PREDICATES`]) on one record.
pub(crate) fn classify(record: &Record) -> Kinds {
    super::cis::matching_kinds(record).collect()
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
