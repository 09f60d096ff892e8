//! Every posture rule on small exports written as the CLI prints them: a pass, a fail and the
//! boundaries of each rule; and evidence that is absent gives no pass.

use std::collections::BTreeSet;

use super::*;
use crate::config::Thresholds;
use crate::facts::Facts;
use crate::facts::posture::{PostureFacts, PostureFile};
use crate::formats::aws::posture::{self, PostureExport};

const ACCOUNT: &str = "111122223333";

/// Files as `(path, content)`; the path gives account, region and resource name as in a bundle.
fn facts(files: &[(&str, &str)]) -> Facts {
    let parsed = files
        .iter()
        .map(|(path, content)| {
            let parsed = posture::parse(path, content.as_bytes()).unwrap();
            let error = match &parsed.export {
                PostureExport::Error(e) => Some(e.clone()),
                _ => None,
            };
            let subject = posture::resource_from_path(path, parsed.kind, error.as_ref());
            let account_level = posture::is_account_level(path);
            PostureFile::new(path.to_string(), "00".into(), parsed.kind, parsed.export, subject, account_level)
        })
        .collect();
    Facts { posture: PostureFacts::new(parsed, &BTreeSet::new()), ..Facts::default() }
}

/// `(resource, status)` of every result of `check`.
fn verdicts(facts: &Facts, check: &str) -> Vec<(String, Status)> {
    let rule = rules().find(|r| r.id == check).unwrap();
    let mut got: Vec<(String, Status)> =
        rule.run(facts, &Thresholds::default()).into_iter().map(|o| (o.resource, o.status)).collect();
    got.sort();
    got
}

fn pairs(list: &[(&str, Status)]) -> Vec<(String, Status)> {
    let mut v: Vec<(String, Status)> = list.iter().map(|(r, s)| (r.to_string(), *s)).collect();
    v.sort();
    v
}

use Status::{Fail, Pass, Unknown};

fn sg(id: &str, name: &str, rule: &str) -> String {
    format!(
        r#"{{"GroupId": "{id}", "GroupName": "{name}", "OwnerId": "{ACCOUNT}", "IpPermissions": [{rule}], "IpPermissionsEgress": []}}"#
    )
}

#[test]
fn security_group_port_ranges_protocols_and_ipv6() {
    let world = r#""IpRanges": [{"CidrIp": "0.0.0.0/0"}]"#;
    let groups = [
        sg("sg-range", "a", &format!(r#"{{"IpProtocol": "tcp", "FromPort": 20, "ToPort": 25, {world}}}"#)),
        sg("sg-between", "b", &format!(r#"{{"IpProtocol": "tcp", "FromPort": 23, "ToPort": 3388, {world}}}"#)),
        sg("sg-v6all", "c", r#"{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}"#),
        sg("sg-tcpall", "d", &format!(r#"{{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, {world}}}"#)),
        sg("sg-private", "e", r#"{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}"#),
        sg("sg-icmp", "f", &format!(r#"{{"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, {world}}}"#)),
        sg("sg-pg", "g", &format!(r#"{{"IpProtocol": "6", "FromPort": 5432, "ToPort": 5432, {world}}}"#)),
        r#"{"GroupId": "sg-norules", "GroupName": "h"}"#.to_string(),
    ];
    let json = format!(r#"{{"SecurityGroups": [{}]}}"#, groups.join(","));
    let f = facts(&[("b/111122223333/eu-west-1/ec2-describe-security-groups.json", &json)]);
    assert_eq!(
        verdicts(&f, "aws.ec2.sg_open_admin_ports"),
        pairs(&[
            ("sg-range", Fail),
            ("sg-between", Pass),
            ("sg-v6all", Fail),
            ("sg-tcpall", Fail),
            ("sg-private", Pass),
            ("sg-icmp", Pass),
            ("sg-pg", Pass),
            ("sg-norules", Unknown),
        ])
    );
    assert_eq!(
        verdicts(&f, "aws.ec2.sg_open_db_ports"),
        pairs(&[
            ("sg-range", Pass),
            ("sg-between", Fail),
            ("sg-v6all", Fail),
            ("sg-tcpall", Fail),
            ("sg-private", Pass),
            ("sg-icmp", Pass),
            ("sg-pg", Fail),
            ("sg-norules", Unknown),
        ])
    );
    assert_eq!(
        verdicts(&f, "aws.ec2.sg_open_all_ports"),
        pairs(&[
            ("sg-range", Pass),
            ("sg-between", Pass),
            ("sg-v6all", Fail),
            ("sg-tcpall", Fail),
            ("sg-private", Pass),
            ("sg-icmp", Pass),
            ("sg-pg", Pass),
            ("sg-norules", Unknown),
        ])
    );
    let results = rules().find(|r| r.id == "aws.ec2.sg_open_admin_ports").unwrap().run(&f, &Thresholds::default());
    let range = results.iter().find(|o| o.resource == "sg-range").unwrap();
    assert_eq!((range.account.as_deref(), range.region.as_deref()), (Some(ACCOUNT), Some("eu-west-1")));
    assert!(range.detail.contains("tcp 20-25 from 0.0.0.0/0 reaches 22"), "{}", range.detail);
}

#[test]
fn default_security_group_must_have_no_rules() {
    let json = r#"{"SecurityGroups": [
        {"GroupId": "sg-d1", "GroupName": "default", "IpPermissions": [], "IpPermissionsEgress": []},
        {"GroupId": "sg-d2", "GroupName": "default", "IpPermissions": [], "IpPermissionsEgress": [{"IpProtocol": "-1"}]},
        {"GroupId": "sg-x", "GroupName": "web", "IpPermissions": [{"IpProtocol": "-1"}], "IpPermissionsEgress": []}]}"#;
    let f = facts(&[("111122223333/eu-west-1/ec2-describe-security-groups.json", json)]);
    assert_eq!(verdicts(&f, "aws.ec2.default_sg_restricts_all"), pairs(&[("sg-d1", Pass), ("sg-d2", Fail)]));
}

#[test]
fn network_acl_first_matching_rule_decides_per_address_family() {
    let entry = |n: i64, proto: &str, action: &str, cidr: &str, from: i64, to: i64| {
        let family = if cidr.contains(':') { "Ipv6CidrBlock" } else { "CidrBlock" };
        format!(
            r#"{{"RuleNumber": {n}, "Protocol": "{proto}", "RuleAction": "{action}", "Egress": false, "{family}": "{cidr}", "PortRange": {{"From": {from}, "To": {to}}}}}"#
        )
    };
    let acl =
        |id: &str, entries: Vec<String>| format!(r#"{{"NetworkAclId": "{id}", "Entries": [{}]}}"#, entries.join(","));
    let default_deny = entry(32767, "-1", "deny", "0.0.0.0/0", 0, 65535);
    let json = format!(
        r#"{{"NetworkAcls": [{}, {}, {}, {}]}}"#,
        acl(
            "acl-deny-first",
            vec![
                entry(100, "6", "deny", "0.0.0.0/0", 22, 22),
                entry(200, "-1", "allow", "0.0.0.0/0", 0, 65535),
                entry(50, "6", "deny", "0.0.0.0/0", 3389, 3389),
                default_deny.clone()
            ]
        ),
        acl("acl-allow-first", vec![entry(100, "6", "allow", "0.0.0.0/0", 0, 1024), default_deny.clone()]),
        acl(
            "acl-v6",
            vec![
                entry(100, "6", "deny", "0.0.0.0/0", 0, 65535),
                entry(101, "-1", "allow", "::/0", 0, 65535),
                default_deny.clone()
            ]
        ),
        acl("acl-udp-only", vec![entry(100, "17", "allow", "0.0.0.0/0", 0, 65535), default_deny]),
    );
    let f = facts(&[("111122223333/eu-west-1/ec2-describe-network-acls.json", &json)]);
    assert_eq!(
        verdicts(&f, "aws.ec2.nacl_open_admin_ports"),
        pairs(&[("acl-deny-first", Pass), ("acl-allow-first", Fail), ("acl-v6", Fail), ("acl-udp-only", Pass)])
    );
}

#[test]
fn instance_metadata_requires_tokens_unless_disabled() {
    let json = r#"{"Reservations": [{"OwnerId": "111122223333", "Instances": [
        {"InstanceId": "i-req", "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"}},
        {"InstanceId": "i-opt", "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "enabled"}},
        {"InstanceId": "i-off", "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "disabled"}},
        {"InstanceId": "i-old"},
        {"InstanceId": "i-gone", "State": {"Name": "terminated"}, "MetadataOptions": {"HttpTokens": "optional"}}]}]}"#;
    let f = facts(&[("111122223333/eu-west-1/ec2-describe-instances.json", json)]);
    assert_eq!(
        verdicts(&f, "aws.ec2.imdsv2_required"),
        pairs(&[("i-req", Pass), ("i-opt", Fail), ("i-off", Pass), ("i-old", Unknown)])
    );
}

#[test]
fn ebs_volumes_default_encryption_and_snapshots() {
    let f = facts(&[
        (
            "a/111122223333/eu-west-1/ec2-describe-volumes.json",
            r#"{"Volumes": [{"VolumeId": "vol-1", "Encrypted": true}, {"VolumeId": "vol-2", "Encrypted": false}]}"#,
        ),
        ("a/111122223333/eu-west-1/ec2-get-ebs-encryption-by-default.json", r#"{"EbsEncryptionByDefault": true}"#),
        ("a/111122223333/us-east-1/ec2-get-ebs-encryption-by-default.json", r#"{"EbsEncryptionByDefault": false}"#),
        (
            "a/111122223333/eu-west-1/ec2-describe-snapshots.json",
            r#"{"Snapshots": [{"SnapshotId": "snap-pub"}, {"SnapshotId": "snap-acct"}, {"SnapshotId": "snap-none"}]}"#,
        ),
        (
            "a/111122223333/eu-west-1/ec2-describe-snapshot-attribute-snap-pub.json",
            r#"{"SnapshotId": "snap-pub", "CreateVolumePermissions": [{"Group": "all"}]}"#,
        ),
        (
            "a/111122223333/eu-west-1/ec2-describe-snapshot-attribute-snap-acct.json",
            r#"{"CreateVolumePermissions": [{"UserId": "444455556666"}]}"#,
        ),
    ]);
    assert_eq!(verdicts(&f, "aws.ec2.ebs_unencrypted"), pairs(&[("vol-1", Pass), ("vol-2", Fail)]));
    assert_eq!(
        verdicts(&f, "aws.ec2.ebs_default_encryption"),
        pairs(&[("111122223333/eu-west-1", Pass), ("111122223333/us-east-1", Fail)])
    );
    assert_eq!(
        verdicts(&f, "aws.ec2.snapshot_public"),
        pairs(&[("snap-pub", Fail), ("snap-acct", Pass), ("snap-none", Unknown)])
    );
}

#[test]
fn rds_instances_and_snapshots() {
    let f = facts(&[
        (
            "111122223333/eu-west-1/rds-describe-db-instances.json",
            r#"{"DBInstances": [
            {"DBInstanceIdentifier": "db-open", "PubliclyAccessible": true, "StorageEncrypted": false},
            {"DBInstanceIdentifier": "db-closed", "PubliclyAccessible": false, "StorageEncrypted": true}]}"#,
        ),
        (
            "111122223333/eu-west-1/rds-describe-db-snapshot-attributes-s1.json",
            r#"{"DBSnapshotAttributesResult": {"DBSnapshotIdentifier": "s1", "DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": ["all"]}]}}"#,
        ),
        (
            "111122223333/eu-west-1/rds-describe-db-snapshot-attributes-s2.json",
            r#"{"DBSnapshotAttributesResult": {"DBSnapshotIdentifier": "s2", "DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": ["444455556666"]}]}}"#,
        ),
    ]);
    assert_eq!(verdicts(&f, "aws.rds.public"), pairs(&[("db-open", Fail), ("db-closed", Pass)]));
    assert_eq!(verdicts(&f, "aws.rds.unencrypted"), pairs(&[("db-open", Fail), ("db-closed", Pass)]));
    assert_eq!(verdicts(&f, "aws.rds.snapshot_public"), pairs(&[("s1", Fail), ("s2", Pass)]));
}

#[test]
fn s3_public_access_is_neutralised_by_blocks_and_unknown_without_evidence() {
    let dir = "b/111122223333/global";
    let block = |acls: bool, restrict: bool| {
        format!(
            r#"{{"PublicAccessBlockConfiguration": {{"BlockPublicAcls": true, "IgnorePublicAcls": {acls}, "BlockPublicPolicy": true, "RestrictPublicBuckets": {restrict}}}}}"#
        )
    };
    let public_policy = r#"{"Policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::x/*\"}]}"}"#;
    let deny_http = r#"{"Policy": "{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"}"#;
    let acl = |uri: &str| {
        format!(
            r#"{{"Owner": {{"ID": "abc"}}, "Grants": [{{"Grantee": {{"Type": "Group", "URI": "{uri}"}}, "Permission": "READ"}}]}}"#
        )
    };
    let no_policy = "\nAn error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist\n";
    let files = [
        (format!("{dir}/s3api-list-buckets.json"), r#"{"Buckets": [{"Name": "pub-policy"}, {"Name": "pub-acl"}, {"Name": "blocked"}, {"Name": "bare"}, {"Name": "private"}], "Owner": {"ID": "abc"}}"#.to_string()),
        (format!("{dir}/s3api-get-bucket-policy-pub-policy.json"), public_policy.to_string()),
        (format!("{dir}/s3api-get-bucket-acl-pub-policy.json"), acl("http://acs.amazonaws.com/groups/s3/LogDelivery")),
        (format!("{dir}/s3api-get-bucket-policy-pub-acl.error.txt"), no_policy.to_string()),
        (format!("{dir}/s3api-get-bucket-acl-pub-acl.json"), acl("http://acs.amazonaws.com/groups/global/AllUsers")),
        (format!("{dir}/s3api-get-bucket-policy-status-blocked.json"), r#"{"PolicyStatus": {"IsPublic": true}}"#.to_string()),
        (format!("{dir}/s3api-get-public-access-block-blocked.json"), block(false, true)),
        (format!("{dir}/s3api-get-bucket-policy-private.json"), deny_http.to_string()),
        (format!("{dir}/s3api-get-bucket-acl-private.json"), acl("http://acs.amazonaws.com/groups/s3/LogDelivery")),
        (format!("{dir}/s3api-get-bucket-encryption-private.json"), r#"{"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}}"#.to_string()),
        (format!("{dir}/s3api-get-bucket-encryption-pub-acl.error.txt"), "An error occurred (ServerSideEncryptionConfigurationNotFoundError) when calling the GetBucketEncryption operation: none".to_string()),
        (format!("{dir}/s3control-get-public-access-block-111122223333.json"), block(false, false)),
    ];
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let f = facts(&borrowed);
    assert_eq!(
        verdicts(&f, "aws.s3.bucket_public"),
        pairs(&[("pub-policy", Fail), ("pub-acl", Fail), ("blocked", Unknown), ("bare", Unknown), ("private", Pass)])
    );
    assert_eq!(
        verdicts(&f, "aws.s3.bucket_deny_http"),
        pairs(&[("pub-policy", Fail), ("pub-acl", Fail), ("blocked", Unknown), ("bare", Unknown), ("private", Pass)])
    );
    assert_eq!(
        verdicts(&f, "aws.s3.bucket_default_encryption"),
        pairs(&[
            ("pub-policy", Unknown),
            ("pub-acl", Fail),
            ("blocked", Unknown),
            ("bare", Unknown),
            ("private", Pass)
        ])
    );
    assert_eq!(verdicts(&f, "aws.s3.account_public_access_block"), pairs(&[(ACCOUNT, Fail)]));

    // "blocked": RestrictPublicBuckets neutralises its public policy; its ACL side decides. A public
    // ACL fails it (IgnorePublicAcls is off); a private one, or IgnorePublicAcls on, passes it.
    let blocked_with = |acl_json: &str, block_json: &str| {
        let mut with = borrowed.clone();
        with.retain(|(p, _)| !p.ends_with("s3api-get-public-access-block-blocked.json"));
        with.push(("b/111122223333/global/s3api-get-bucket-acl-blocked.json", acl_json));
        with.push(("b/111122223333/global/s3api-get-public-access-block-blocked.json", block_json));
        verdicts(&facts(&with), "aws.s3.bucket_public").into_iter().find(|(r, _)| r == "blocked").unwrap().1
    };
    let public_acl = acl("http://acs.amazonaws.com/groups/global/AuthenticatedUsers");
    assert_eq!(blocked_with(&public_acl, &block(false, true)), Fail);
    assert_eq!(blocked_with(&public_acl, &block(true, true)), Pass);
    assert_eq!(blocked_with(&acl("http://acs.amazonaws.com/groups/s3/LogDelivery"), &block(false, true)), Pass);
    // Without RestrictPublicBuckets the policy status's IsPublic fails it.
    assert_eq!(blocked_with(&public_acl, &block(true, false)), Fail);
}

#[test]
fn password_policy_thresholds_and_missing_policy() {
    let good =
        r#"{"PasswordPolicy": {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24, "MaxPasswordAge": 90}}"#;
    let weak = r#"{"PasswordPolicy": {"MinimumPasswordLength": 13, "PasswordReusePrevention": 23}}"#;
    let none = "An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy with domain name 111 cannot be found.";
    let f = facts(&[
        ("111111111111/global/iam-get-account-password-policy.json", good),
        ("222222222222/global/iam-get-account-password-policy.json", weak),
        ("333333333333/global/iam-get-account-password-policy.error.txt", none),
    ]);
    let expect =
        |a: Status, b: Status, c: Status| pairs(&[("111111111111", a), ("222222222222", b), ("333333333333", c)]);
    assert_eq!(verdicts(&f, "aws.iam.password_policy_min_length"), expect(Pass, Fail, Fail));
    assert_eq!(verdicts(&f, "aws.iam.password_policy_reuse"), expect(Pass, Fail, Fail));
    assert_eq!(verdicts(&f, "aws.iam.password_policy_max_age"), expect(Pass, Fail, Fail));
}

#[test]
fn admin_policies_use_the_default_version_and_inline_documents() {
    let admin = r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let safe = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}"#;
    let encoded = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22*%22%5D%2C%22Resource%22%3A%22*%22%7D%5D%7D";
    let json = format!(
        r#"{{"UserDetailList": [
            {{"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice", "GroupList": ["admins"], "AttachedManagedPolicies": []}},
            {{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "AttachedManagedPolicies": [{{"PolicyName": "Adm", "PolicyArn": "arn:aws:iam::111122223333:policy/Adm"}}]}}],
          "GroupDetailList": [],
          "RoleDetailList": [{{"RoleName": "ops", "Arn": "arn:aws:iam::111122223333:role/ops", "RolePolicyList": [{{"PolicyName": "all", "PolicyDocument": "{encoded}"}}]}}],
          "Policies": [
            {{"PolicyName": "Adm", "Arn": "arn:aws:iam::111122223333:policy/Adm", "AttachmentCount": 1, "DefaultVersionId": "v2",
              "PolicyVersionList": [{{"VersionId": "v2", "IsDefaultVersion": true, "Document": {admin}}}]}},
            {{"PolicyName": "Old", "Arn": "arn:aws:iam::111122223333:policy/Old", "AttachmentCount": 2,
              "PolicyVersionList": [{{"VersionId": "v1", "IsDefaultVersion": false, "Document": {admin}}}, {{"VersionId": "v2", "IsDefaultVersion": true, "Document": {safe}}}]}},
            {{"PolicyName": "Unused", "Arn": "arn:aws:iam::111122223333:policy/Unused", "AttachmentCount": 0,
              "PolicyVersionList": [{{"VersionId": "v1", "IsDefaultVersion": true, "Document": {admin}}}]}}]}}"#
    );
    let f = facts(&[("111122223333/global/iam-get-account-authorization-details.json", &json)]);
    assert_eq!(
        verdicts(&f, "aws.iam.full_admin_policy"),
        pairs(&[
            ("arn:aws:iam::111122223333:policy/Adm", Fail),
            ("arn:aws:iam::111122223333:policy/Old", Pass),
            ("arn:aws:iam::111122223333:role/ops#all", Fail),
        ])
    );
    assert_eq!(
        verdicts(&f, "aws.iam.user_attached_policies"),
        pairs(&[("arn:aws:iam::111122223333:user/alice", Pass), ("arn:aws:iam::111122223333:user/bob", Fail)])
    );
}

#[test]
fn root_hardware_mfa_needs_mfa_and_no_virtual_device() {
    let virtual_root = r#"{"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::111111111111:mfa/root-account-mfa-device", "User": {"Arn": "arn:aws:iam::111111111111:root"}}]}"#;
    let only_users = r#"{"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::222222222222:mfa/alice", "User": {"Arn": "arn:aws:iam::222222222222:user/alice"}}]}"#;
    let f = facts(&[
        ("111111111111/global/iam-list-virtual-mfa-devices.json", virtual_root),
        ("222222222222/global/iam-list-virtual-mfa-devices.json", only_users),
        ("222222222222/global/iam-get-account-summary.json", r#"{"SummaryMap": {"AccountMFAEnabled": 1, "Users": 3}}"#),
        ("333333333333/global/iam-list-virtual-mfa-devices.json", r#"{"VirtualMFADevices": []}"#),
        ("444444444444/global/iam-list-virtual-mfa-devices.json", r#"{"VirtualMFADevices": []}"#),
        ("444444444444/global/iam-get-account-summary.json", r#"{"SummaryMap": {"AccountMFAEnabled": 0}}"#),
    ]);
    assert_eq!(
        verdicts(&f, "aws.iam.root_hardware_mfa"),
        pairs(&[
            ("arn:aws:iam::111111111111:root", Fail),
            ("arn:aws:iam::222222222222:root", Pass),
            ("arn:aws:iam::333333333333:root", Unknown),
            ("arn:aws:iam::444444444444:root", Fail),
        ])
    );
}

#[test]
fn log_retention_kms_rotation_and_flow_logs() {
    let key = |id: &str, manager: &str, spec: &str, state: &str| {
        format!(
            r#"{{"KeyMetadata": {{"KeyId": "{id}", "AWSAccountId": "111122223333", "KeyManager": "{manager}", "KeySpec": "{spec}", "KeyState": "{state}"}}}}"#
        )
    };
    let r = "111122223333/eu-west-1";
    let files = [
        (format!("{r}/logs-describe-log-groups.json"), r#"{"logGroups": [{"logGroupName": "short", "retentionInDays": 30}, {"logGroupName": "year", "retentionInDays": 365}, {"logGroupName": "forever"}]}"#.to_string()),
        (format!("{r}/kms-list-keys.json"), r#"{"Keys": [{"KeyId": "k-on"}, {"KeyId": "k-off"}, {"KeyId": "k-aws"}, {"KeyId": "k-norot"}, {"KeyId": "k-undescribed"}]}"#.to_string()),
        (format!("{r}/kms-describe-key-k-on.json"), key("k-on", "CUSTOMER", "SYMMETRIC_DEFAULT", "Enabled")),
        (format!("{r}/kms-describe-key-k-off.json"), key("k-off", "CUSTOMER", "SYMMETRIC_DEFAULT", "Enabled")),
        (format!("{r}/kms-describe-key-k-aws.json"), key("k-aws", "AWS", "SYMMETRIC_DEFAULT", "Enabled")),
        (format!("{r}/kms-describe-key-k-norot.json"), key("k-norot", "CUSTOMER", "SYMMETRIC_DEFAULT", "Enabled")),
        (format!("{r}/kms-get-key-rotation-status-k-on.json"), r#"{"KeyRotationEnabled": true}"#.to_string()),
        (format!("{r}/kms-get-key-rotation-status-k-off.json"), r#"{"KeyRotationEnabled": false, "KeyId": "arn:aws:kms:eu-west-1:111122223333:key/k-off"}"#.to_string()),
        (format!("{r}/ec2-describe-vpcs.json"), r#"{"Vpcs": [{"VpcId": "vpc-a"}, {"VpcId": "vpc-b"}]}"#.to_string()),
        (format!("{r}/ec2-describe-flow-logs.json"), r#"{"FlowLogs": [{"ResourceId": "vpc-a", "FlowLogStatus": "ACTIVE"}]}"#.to_string()),
        ("111122223333/us-east-1/ec2-describe-vpcs.json".to_string(), r#"{"Vpcs": [{"VpcId": "vpc-c"}]}"#.to_string()),
    ];
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let f = facts(&borrowed);
    assert_eq!(verdicts(&f, "aws.logs.retention"), pairs(&[("short", Fail), ("year", Pass), ("forever", Pass)]));
    assert_eq!(
        verdicts(&f, "aws.kms.rotation"),
        pairs(&[("k-on", Pass), ("k-off", Fail), ("k-norot", Unknown), ("k-undescribed", Unknown)])
    );
    assert_eq!(verdicts(&f, "aws.ec2.vpc_flow_logs"), pairs(&[("vpc-a", Pass), ("vpc-b", Fail), ("vpc-c", Unknown)]));
}

#[test]
fn config_recorders_per_region() {
    let f = facts(&[
        (
            "111122223333/eu-west-1/configservice-describe-configuration-recorder-status.json",
            r#"{"ConfigurationRecordersStatus": [{"name": "default", "recording": true, "lastStatus": "SUCCESS"}]}"#,
        ),
        (
            "111122223333/us-east-1/configservice-describe-configuration-recorder-status.json",
            r#"{"ConfigurationRecordersStatus": [{"name": "default", "recording": false}]}"#,
        ),
        (
            "111122223333/us-west-2/configservice-describe-configuration-recorder-status.json",
            r#"{"ConfigurationRecordersStatus": [{"name": "default", "recording": true}]}"#,
        ),
        (
            "111122223333/us-west-2/configservice-describe-configuration-recorders.json",
            r#"{"ConfigurationRecorders": [{"name": "default", "recordingGroup": {"allSupported": false}}]}"#,
        ),
    ]);
    assert_eq!(
        verdicts(&f, "aws.config.recorder_all_regions"),
        pairs(&[("111122223333/eu-west-1", Pass), ("111122223333/us-east-1", Fail), ("111122223333/us-west-2", Fail)])
    );
}

#[test]
fn cis_alarms_need_a_covering_filter_and_an_alarm_with_an_action() {
    let r = "111122223333/eu-west-1";
    let filters = r#"{"metricFilters": [
        {"filterName": "root", "logGroupName": "trail", "filterPattern": "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }", "metricTransformations": [{"metricName": "RootUsage", "metricNamespace": "CIS"}]},
        {"filterName": "trail", "logGroupName": "trail", "filterPattern": "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }", "metricTransformations": [{"metricName": "TrailChanges", "metricNamespace": "CIS"}]},
        {"filterName": "kms", "logGroupName": "trail", "filterPattern": "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}", "metricTransformations": [{"metricName": "Kms", "metricNamespace": "CIS"}]}]}"#;
    let alarms = r#"{"MetricAlarms": [
        {"AlarmName": "root-alarm", "MetricName": "RootUsage", "Namespace": "CIS", "AlarmActions": ["arn:aws:sns:eu-west-1:111122223333:sec"]},
        {"AlarmName": "trail-alarm", "MetricName": "TrailChanges", "Namespace": "CIS", "AlarmActions": []}]}"#;
    let f = facts(&[
        (&format!("{r}/logs-describe-metric-filters.json"), filters),
        (&format!("{r}/cloudwatch-describe-alarms.json"), alarms),
    ]);
    let got = verdicts(&f, "aws.cloudwatch.cis_alarms");
    assert_eq!(got.len(), 15);
    let of = |section: &str| got.iter().find(|(r, _)| r == &format!("{ACCOUNT}/cis-{section}")).unwrap().1;
    assert_eq!((of("4.3"), of("4.5"), of("4.7"), of("4.1")), (Pass, Fail, Fail, Fail));
}

#[test]
fn copies_of_one_resource_become_one_result_and_disagreement_fails() {
    let open = r#"{"SecurityGroups": [{"GroupId": "sg-1", "OwnerId": "111122223333", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}"#;
    let closed = r#"{"SecurityGroups": [{"GroupId": "sg-1", "OwnerId": "111122223333", "IpPermissions": []}]}"#;
    let f =
        facts(&[("x/1/ec2-describe-security-groups.json", closed), ("x/2/ec2-describe-security-groups.json", open)]);
    let results = rules().find(|r| r.id == "aws.ec2.sg_open_all_ports").unwrap().run(&f, &Thresholds::default());
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].status, Fail);
    assert_eq!(results[0].evidence.len(), 2);
    assert!(results[0].detail.starts_with("2 exports of this resource disagree"), "{}", results[0].detail);
}

#[test]
fn absent_evidence_gives_no_result() {
    let f = facts(&[]);
    for rule in rules() {
        assert!(rule.run(&f, &Thresholds::default()).is_empty(), "{} gave a result without evidence", rule.id);
    }
}
