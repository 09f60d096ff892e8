//! The change events' transitions, over records in the shapes CloudTrail writes.

use super::*;
use crate::facts::cloudtrail::aggregate::{Dedupe, FileContext, Tally};
use crate::formats::aws::cloudtrail_log::{Shape, read};
use serde_json::json;

const ACCOUNT: &str = "111122223333";
const PATH: &str =
    "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/05/111122223333_CloudTrail_us-east-1_20260306T0000Z_a.json";
const BOB: &str = "arn:aws:iam::111122223333:user/bob";

/// A successful record of `name` by bob at `time` (2026-03-05 + `minute` minutes).
fn record(name: &str, minute: u32, request: Value, response: Value) -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "arn": BOB, "accountId": ACCOUNT, "userName": "bob"},
        "eventTime": format!("2026-03-05T{:02}:{:02}:00Z", 10 + minute / 60, minute % 60),
        "eventSource": "ec2.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "requestParameters": request,
        "responseElements": response,
        "eventID": format!("00000000-0000-0000-0000-{:012}", minute),
        "recipientAccountId": ACCOUNT,
    })
}

fn log_of_file(path: &str, records: &[Value]) -> ChangeLog {
    let text = json!({ "Records": records }).to_string();
    let dedupe = Dedupe::default();
    let mut tally = Tally::new(path, FileContext::from_path(path), &dedupe, None);
    tally.set_sha256("ab12");
    let summary = read(text.as_bytes(), Shape::Records, &mut |r| tally.add(r));
    assert_eq!(summary.stopped, None);
    tally.finish().changes
}

fn log_of(records: &[Value]) -> ChangeLog {
    log_of_file(PATH, records)
}

/// (minute of the day after 10:00, failing) of each transition.
fn moves(log: &ChangeLog, check: &str, resource: &str) -> Vec<(i64, bool)> {
    let base = crate::facts::cloudtrail::aggregate::event_time("2026-03-05T10:00:00Z").unwrap();
    transitions(log, check, resource, Some(ACCOUNT))
        .iter()
        .map(|t| ((t.at.timestamp() - base) / 60, t.failing))
        .collect()
}

fn permission(protocol: &str, from: i64, to: i64, v4: &[&str], v6: &[&str]) -> Value {
    let v4: Vec<Value> = v4.iter().map(|c| json!({"cidrIp": c})).collect();
    let v6: Vec<Value> = v6.iter().map(|c| json!({"cidrIpv6": c})).collect();
    json!({"ipProtocol": protocol, "fromPort": from, "toPort": to, "groups": {},
           "ipRanges": if v4.is_empty() { json!({}) } else { json!({"items": v4}) },
           "ipv6Ranges": if v6.is_empty() { json!({}) } else { json!({"items": v6}) },
           "prefixListIds": {}})
}

fn sg(name: &str, minute: u32, permissions: Vec<Value>) -> Value {
    let request = json!({"groupId": "sg-0a1", "ipPermissions": {"items": permissions}});
    record(name, minute, request, json!({"_return": true}))
}

#[test]
fn an_authorize_to_the_world_opens_and_the_revoke_of_it_closes() {
    let log = log_of(&[
        sg("AuthorizeSecurityGroupIngress", 0, vec![permission("tcp", 22, 22, &["0.0.0.0/0"], &[])]),
        sg("RevokeSecurityGroupIngress", 90, vec![permission("tcp", 22, 22, &["0.0.0.0/0"], &[])]),
    ]);
    assert_eq!(moves(&log, "aws.ec2.sg_open_admin_ports", "sg-0a1"), [(0, true), (90, false)]);
    let t = transitions(&log, "aws.ec2.sg_open_admin_ports", "sg-0a1", Some(ACCOUNT));
    assert_eq!(t[0].detail, format!("AuthorizeSecurityGroupIngress by {BOB} opened tcp 22 from 0.0.0.0/0 on sg-0a1"));
    assert_eq!(t[1].detail, format!("RevokeSecurityGroupIngress by {BOB} closed tcp 22 from 0.0.0.0/0 on sg-0a1"));
    assert_eq!(t[1].evidence, EvidenceRef { file: PATH.into(), sha256: "ab12".into(), locator: "record 2".into() });
    // Port 22 is no database port, and other groups or accounts are not touched.
    assert!(moves(&log, "aws.ec2.sg_open_db_ports", "sg-0a1").is_empty());
    assert!(moves(&log, "aws.ec2.sg_open_admin_ports", "sg-0b2").is_empty());
    assert!(transitions(&log, "aws.ec2.sg_open_admin_ports", "sg-0a1", Some("444455556666")).is_empty());
}

#[test]
fn private_ranges_and_ports_outside_the_lists_are_no_transition() {
    let log = log_of(&[
        sg("AuthorizeSecurityGroupIngress", 0, vec![permission("tcp", 22, 22, &["10.0.0.0/8"], &[])]),
        sg("AuthorizeSecurityGroupIngress", 1, vec![permission("tcp", 443, 443, &["0.0.0.0/0"], &[])]),
        sg("AuthorizeSecurityGroupIngress", 2, vec![permission("udp", 3389, 3389, &["0.0.0.0/0"], &[])]),
    ]);
    for check in ["aws.ec2.sg_open_admin_ports", "aws.ec2.sg_open_db_ports", "aws.ec2.sg_open_all_ports"] {
        assert!(moves(&log, check, "sg-0a1").is_empty(), "{check}");
    }
}

#[test]
fn ipv6_and_port_ranges_reach_the_ports_they_cover() {
    let log = log_of(&[
        sg("AuthorizeSecurityGroupIngress", 0, vec![permission("tcp", 20, 25, &[], &["::/0"])]),
        sg("AuthorizeSecurityGroupIngress", 5, vec![permission("tcp", 3000, 3400, &["0.0.0.0/0"], &[])]),
        sg("AuthorizeSecurityGroupIngress", 9, vec![permission("tcp", 0, 65535, &["0.0.0.0/0"], &[])]),
        sg("AuthorizeSecurityGroupIngress", 12, vec![permission("-1", -1, -1, &[], &["::/0"])]),
    ]);
    assert_eq!(moves(&log, "aws.ec2.sg_open_admin_ports", "sg-0a1"), [(0, true), (5, true), (9, true), (12, true)]);
    // 3000-3400 holds 3306; 20-25 holds none of the database ports.
    assert_eq!(moves(&log, "aws.ec2.sg_open_db_ports", "sg-0a1"), [(5, true), (9, true), (12, true)]);
    assert_eq!(moves(&log, "aws.ec2.sg_open_all_ports", "sg-0a1"), [(9, true), (12, true)]);
    let t = transitions(&log, "aws.ec2.sg_open_admin_ports", "sg-0a1", Some(ACCOUNT));
    assert!(t[0].detail.ends_with("opened tcp 20-25 from ::/0 on sg-0a1"), "{}", t[0].detail);
    assert!(t[3].detail.ends_with("opened all traffic from ::/0 on sg-0a1"), "{}", t[3].detail);
}

#[test]
fn a_revoke_does_not_close_while_another_open_rule_the_log_showed_remains() {
    let log = log_of(&[
        sg("AuthorizeSecurityGroupIngress", 0, vec![permission("tcp", 22, 22, &["0.0.0.0/0"], &["::/0"])]),
        sg("RevokeSecurityGroupIngress", 10, vec![permission("6", 22, 22, &["0.0.0.0/0"], &[])]),
        sg("RevokeSecurityGroupIngress", 20, vec![permission("tcp", 22, 22, &[], &["::/0"])]),
    ]);
    assert_eq!(moves(&log, "aws.ec2.sg_open_admin_ports", "sg-0a1"), [(0, true), (20, false)]);
}

#[test]
fn a_revoke_of_a_rule_opened_before_the_log_closes_it() {
    // The snapshot before showed the group open; only the revoke is in the log.
    let log = log_of(&[sg("RevokeSecurityGroupIngress", 30, vec![permission("tcp", 3389, 3389, &["0.0.0.0/0"], &[])])]);
    assert_eq!(moves(&log, "aws.ec2.sg_open_admin_ports", "sg-0a1"), [(30, false)]);
}

#[test]
fn rules_named_by_id_in_responses_revokes_and_modifications() {
    let response = json!({"_return": true, "securityGroupRuleSet": {"items": [
        {"groupOwnerId": ACCOUNT, "groupId": "sg-0a1", "securityGroupRuleId": "sgr-1", "isEgress": false,
         "ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrIpv4": "0.0.0.0/0"}]}});
    // The flat CLI form of the request: the response says what was made.
    let authorize = record(
        "AuthorizeSecurityGroupIngress",
        0,
        json!({"groupId": "sg-0a1", "ipPermissions": {}, "ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrIp": "0.0.0.0/0"}),
        response,
    );
    let modify = |minute, cidr: &str| {
        let rule = json!({"SecurityGroupRuleId": "sgr-1", "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIpv4": cidr, "tag": 1}, "tag": 1});
        record(
            "ModifySecurityGroupRules",
            minute,
            json!({"ModifySecurityGroupRulesRequest": {"GroupId": "sg-0a1", "SecurityGroupRule": rule}}),
            json!({"_return": true}),
        )
    };
    let revoke_by_id = record(
        "RevokeSecurityGroupIngress",
        40,
        json!({"groupId": "sg-0a1", "securityGroupRuleIds": {"items": [{"securityGroupRuleId": "sgr-1"}]}}),
        json!({"_return": true}),
    );
    let unknown_modify = {
        let rule =
            json!({"SecurityGroupRuleId": "sgr-9", "SecurityGroupRule": {"IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0"}});
        record(
            "ModifySecurityGroupRules",
            50,
            json!({"ModifySecurityGroupRulesRequest": {"GroupId": "sg-0a1", "SecurityGroupRule": [rule]}}),
            json!({"_return": true}),
        )
    };
    let log = log_of(&[authorize, modify(10, "10.1.0.0/16"), modify(20, "0.0.0.0/0"), revoke_by_id, unknown_modify]);
    // Opened, narrowed (closed), widened again, revoked by id; the rule never seen made (maybe
    // egress) is not judged.
    assert_eq!(moves(&log, "aws.ec2.sg_open_db_ports", "sg-0a1"), [(0, true), (10, false), (20, true), (40, false)]);
    assert!(moves(&log, "aws.ec2.sg_open_all_ports", "sg-0a1").is_empty());
}

#[test]
fn deleting_a_group_ends_its_violation() {
    let log = log_of(&[
        sg("AuthorizeSecurityGroupIngress", 0, vec![permission("-1", -1, -1, &["0.0.0.0/0"], &[])]),
        record("DeleteSecurityGroup", 7, json!({"groupId": "sg-0a1"}), json!({"_return": true})),
        // Named only by groupName: no group id to match.
        record("DeleteSecurityGroup", 8, json!({"groupName": "web"}), json!({"_return": true})),
    ]);
    assert_eq!(moves(&log, "aws.ec2.sg_open_all_ports", "sg-0a1"), [(0, true), (7, false)]);
    assert_eq!(log.len(), 2);
}

#[test]
fn refused_calls_are_ignored() {
    let mut refused = sg("AuthorizeSecurityGroupIngress", 0, vec![permission("tcp", 22, 22, &["0.0.0.0/0"], &[])]);
    refused["errorCode"] = json!("Client.UnauthorizedOperation");
    let mut stop = record("StopLogging", 1, json!({"name": "main"}), Value::Null);
    stop["errorCode"] = json!("AccessDenied");
    let log = log_of(&[refused, stop]);
    assert_eq!(log.len(), 0);
    assert!(moves(&log, "aws.ec2.sg_open_admin_ports", "sg-0a1").is_empty());
    assert!(moves(&log, "aws.cloudtrail.trail_logging", "main").is_empty());
}

#[test]
fn console_mfa_follows_devices_and_passwords() {
    let alice = "arn:aws:iam::111122223333:user/eng/alice";
    let user = |name: &str, minute, extra: Value| {
        let mut request = json!({"userName": "alice"});
        if let (Some(r), Some(e)) = (request.as_object_mut(), extra.as_object()) {
            r.extend(e.clone());
        }
        record(name, minute, request, Value::Null)
    };
    let serial = |s: &str| json!({"serialNumber": format!("arn:aws:iam::111122223333:mfa/{s}")});
    let log = log_of(&[
        user("DeactivateMFADevice", 0, serial("alice")),
        user("EnableMFADevice", 30, serial("alice2")),
        user("EnableMFADevice", 31, serial("alice3")),
        // Another device is still on: not failing.
        user("DeactivateMFADevice", 40, serial("alice2")),
        user("DeactivateMFADevice", 50, serial("alice3")),
        user("DeleteLoginProfile", 60, json!({})),
        // No password: deactivating is no failure; a new password while MFA is off is.
        user("EnableMFADevice", 70, serial("alice4")),
        user("DeactivateMFADevice", 80, serial("alice4")),
        user("CreateLoginProfile", 90, json!({"passwordResetRequired": true})),
    ]);
    // The path in the ARN is not in CloudTrail's userName: matched by the ARN's last segment.
    assert_eq!(
        moves(&log, "aws.iam.console_user_mfa", alice),
        [(0, true), (30, false), (31, false), (50, true), (60, false), (70, false), (90, true)]
    );
    assert!(moves(&log, "aws.iam.console_user_mfa", "arn:aws:iam::111122223333:user/bob").is_empty());
    assert!(moves(&log, "aws.iam.console_user_mfa", "arn:aws:iam::999999999999:user/alice").is_empty());
}

#[test]
fn a_second_active_key_fails_and_deleting_or_deactivating_one_passes() {
    let create = |minute, key: &str| {
        let response = json!({"accessKey": {"userName": "bob", "accessKeyId": key, "status": "Active",
                              "createDate": "Mar 5, 2026 10:00:00 AM"}});
        record("CreateAccessKey", minute, json!({"userName": "bob"}), response)
    };
    let update = |minute, key: &str, status: &str| {
        record("UpdateAccessKey", minute, json!({"accessKeyId": key, "status": status}), Value::Null)
    };
    let log = log_of(&[
        create(0, "AKIAEXAMPLEAAAA1111"),
        create(10, "AKIAEXAMPLEBBBB2222"),
        update(20, "AKIAEXAMPLEAAAA1111", "Inactive"),
        update(30, "AKIAEXAMPLEAAAA1111", "Active"),
        record("DeleteAccessKey", 40, json!({"userName": "bob", "accessKeyId": "AKIAEXAMPLEBBBB2222"}), Value::Null),
    ]);
    assert_eq!(moves(&log, "aws.iam.multiple_active_keys", BOB), [(10, true), (20, false), (30, true), (40, false)]);
    let t = transitions(&log, "aws.iam.multiple_active_keys", BOB, None);
    assert_eq!(t[0].detail, format!("CreateAccessKey by {BOB} created key …2222: bob has two active keys"));
    assert!(t.iter().all(|t| !t.detail.contains("AKIA")), "key ids are not spread: {t:?}");
    // Key slots cannot be told from key ids: never dated.
    assert!(!refinable("aws.iam.access_key_rotation"));
    assert!(transitions(&log, "aws.iam.access_key_rotation", &format!("{BOB}#access_key_1"), None).is_empty());
}

#[test]
fn buckets_open_by_policy_or_acl_unless_a_block_neutralises_them() {
    let s3 = |name: &str, minute, request: Value| {
        let mut r = record(name, minute, request, Value::Null);
        r["eventSource"] = json!("s3.amazonaws.com");
        r
    };
    let public_policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "own", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*"},
        {"Sid": "all", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}]});
    let block = |bucket: Option<&str>, on: bool| {
        let mut request = json!({"publicAccessBlock": [""], "PublicAccessBlockConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "RestrictPublicBuckets": on,
            "BlockPublicPolicy": on, "BlockPublicAcls": on, "IgnorePublicAcls": on}});
        if let Some(b) = bucket {
            request["bucketName"] = json!(b);
        }
        request
    };
    let acl = json!({"bucketName": "assets", "acl": [""], "AccessControlPolicy": {"AccessControlList": {"Grant": [
        {"Grantee": {"xsi:type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}]}}});
    let log = log_of(&[
        s3("PutBucketPolicy", 0, json!({"bucketName": "assets", "bucketPolicy": public_policy, "policy": [""]})),
        s3("DeleteBucketPolicy", 10, json!({"bucketName": "assets"})),
        s3("PutBucketAcl", 20, acl),
        s3("PutBucketPublicAccessBlock", 30, block(Some("assets"), true)),
        s3("DeleteBucketPublicAccessBlock", 40, json!({"bucketName": "assets"})),
        s3("PutAccountPublicAccessBlock", 50, block(None, true)),
        s3("PutBucketAcl", 60, json!({"bucketName": "assets", "x-amz-acl": ["public-read"]})),
        s3("PutPublicAccessBlock", 70, block(None, false)),
    ]);
    assert_eq!(
        moves(&log, "aws.s3.bucket_public", "assets"),
        [(0, true), (10, false), (20, true), (30, false), (40, true), (50, false), (70, true)]
    );
    let t = transitions(&log, "aws.s3.bucket_public", "assets", Some(ACCOUNT));
    assert!(t[0].detail.ends_with("made assets public: policy Statement[1] allows Principal * with no condition"));
    assert!(t[2].detail.ends_with("made assets public: READ to AllUsers"), "{}", t[2].detail);
    // The account-level setting alone: on at 50, off at 70 (PutPublicAccessBlock without a bucket).
    assert_eq!(moves(&log, "aws.s3.account_public_access_block", ACCOUNT), [(50, false), (70, true)]);
    assert!(moves(&log, "aws.s3.bucket_public", "other").iter().all(|(m, _)| *m >= 50));
}

#[test]
fn trails_are_named_by_name_or_arn() {
    let trail = |name: &str, minute, given: &str| record(name, minute, json!({"name": given}), Value::Null);
    let log = log_of(&[
        trail("StopLogging", 0, "main"),
        trail("UpdateTrail", 5, "main"),
        trail("StartLogging", 10, "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"),
        trail("StopLogging", 20, "arn:aws:cloudtrail:us-east-1:444455556666:trail/main"),
        trail("DeleteTrail", 30, "main"),
    ]);
    assert_eq!(moves(&log, "aws.cloudtrail.trail_logging", "main"), [(0, true), (10, false), (30, false)]);
    // The ARN names its own account.
    assert_eq!(transitions(&log, "aws.cloudtrail.trail_logging", "main", Some("444455556666")).len(), 1);
    let t = transitions(&log, "aws.cloudtrail.trail_logging", "main", Some(ACCOUNT));
    assert_eq!(t[0].detail, format!("StopLogging by {BOB} stopped logging of trail main"));
}

#[test]
fn rds_public_follows_publicly_accessible() {
    let modify = |minute, request: Value| record("ModifyDBInstance", minute, request, Value::Null);
    let log = log_of(&[
        modify(0, json!({"dBInstanceIdentifier": "orders", "publiclyAccessible": true, "masterUserPassword": "****"})),
        modify(5, json!({"dBInstanceIdentifier": "orders", "allocatedStorage": 50})),
        modify(9, json!({"dBInstanceIdentifier": "orders", "publiclyAccessible": false, "applyImmediately": false})),
    ]);
    assert_eq!(moves(&log, "aws.rds.public", "orders"), [(0, true), (9, false)]);
    assert_eq!(log.len(), 2);
}

#[test]
fn merging_in_any_order_gives_the_same_log_and_copies_count_once() {
    let open = sg("AuthorizeSecurityGroupIngress", 0, vec![permission("tcp", 22, 22, &["0.0.0.0/0"], &[])]);
    let close = sg("RevokeSecurityGroupIngress", 5, vec![permission("tcp", 22, 22, &["0.0.0.0/0"], &[])]);
    let stop = record("StopLogging", 3, json!({"name": "main"}), Value::Null);
    let files = [
        log_of_file("b.json", std::slice::from_ref(&close)),
        log_of_file("a.json", &[open.clone(), stop]),
        // A duplicate delivery of the revoke.
        log_of_file("c.json", &[close]),
    ];
    let run = |order: &[usize]| {
        let mut total = ChangeLog::default();
        for &i in order {
            total.merge(files[i].clone());
        }
        total
    };
    let forward = run(&[0, 1, 2]);
    assert_eq!(forward, run(&[2, 1, 0]));
    assert_eq!(forward, run(&[1, 2, 0]));
    assert_eq!(forward.len(), 4);
    let t = transitions(&forward, "aws.ec2.sg_open_admin_ports", "sg-0a1", Some(ACCOUNT));
    assert_eq!(t.iter().map(|t| t.failing).collect::<Vec<_>>(), [true, false]);
    // The first copy in (time, file, record) order is the evidence.
    assert_eq!(t[1].evidence.file, "b.json");
}

#[test]
fn past_the_bound_the_newest_are_dropped_and_counted() {
    let mut log = ChangeLog::default();
    let mut change = |at| {
        let mut one = ChangeLog::default();
        one.changes.insert(Change {
            at,
            file: Arc::from("f"),
            record: 1,
            sha256: Arc::from(""),
            event_id: None,
            account: ACCOUNT.into(),
            actor: BOB.into(),
            event_name: "StopLogging".into(),
            what: What::Trail { trail: "main".into(), op: TrailOp::Stop },
        });
        log.merge(one);
    };
    for at in (0..(MAX_CHANGES as i64 + 3)).rev() {
        change(at);
    }
    assert_eq!((log.len(), log.dropped), (MAX_CHANGES, 3));
    assert_eq!(log.changes.last().map(|c| c.at), Some(MAX_CHANGES as i64 - 1));
}

#[test]
fn parameters_of_a_record_that_names_its_event_last_are_still_read() {
    let text = br#"{"Records":[{"requestParameters":{"name":"main"},"eventTime":"2026-03-05T10:00:00Z",
        "responseElements":{"ConsoleLogin":"Success"},"eventName":"StopLogging","recipientAccountId":"111122223333"},
        {"eventName":"DescribeTrails","requestParameters":{"trailNameList":[]},"eventTime":"2026-03-05T10:00:00Z"}]}"#;
    let mut seen = Vec::new();
    read(text, Shape::Records, &mut |r| seen.push((r.request.is_some(), r.console_login.get().map(str::to_string))));
    assert_eq!(seen, [(true, Some("Success".to_string())), (false, None)]);
}

#[test]
fn a_gzipped_log_through_intake_dates_the_violation() {
    use std::io::Write;
    let root = std::env::temp_dir().join(format!("gapscope-changes-{}", std::process::id()));
    let folder = root.join("AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/05");
    std::fs::create_dir_all(&folder).unwrap();
    let name = "111122223333_CloudTrail_us-east-1_20260305T1200Z_x.json.gz";
    let text = json!({"Records": [
        record("DescribeInstances", 0, json!({}), Value::Null),
        sg("AuthorizeSecurityGroupIngress", 10, vec![permission("tcp", 22, 22, &["0.0.0.0/0"], &[])]),
        sg("RevokeSecurityGroupIngress", 70, vec![permission("tcp", 22, 22, &["0.0.0.0/0"], &[])]),
    ]})
    .to_string();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    std::fs::write(folder.join(name), &bytes).unwrap();
    let config = crate::config::Config::default();
    let intake = crate::evidence::intake::read_evidence(
        std::slice::from_ref(&root),
        &config.limits,
        1,
        crate::evidence::kinds::RecordScope::default(),
        &|_| {},
    )
    .unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    let t = transitions(&intake.cloudtrail.changes, "aws.ec2.sg_open_admin_ports", "sg-0a1", Some(ACCOUNT));
    assert_eq!(
        t.iter().map(|t| (crate::timefmt::format_instant(t.at), t.failing)).collect::<Vec<_>>(),
        [("2026-03-05T10:10:00Z".to_string(), true), ("2026-03-05T11:10:00Z".to_string(), false)]
    );
    let sha256 = intake.processed[0].entry.sha256.clone();
    assert_eq!(sha256.len(), 64);
    assert_eq!(t[0].evidence.sha256, sha256);
    assert!(t[0].evidence.file.ends_with(name), "{}", t[0].evidence.file);
    assert_eq!(t[1].evidence.locator, "record 3");
}
