//! The generator's promises, checked by reading back what it wrote with serde_json and the zip
//! crate alone: every command of the formats table present with its top-level keys, the CLI's
//! error text, placebo-wrapped responses, the designed cases' verdicts, every check of spec
//! section B with a pass and a fail, and output that is a pure function of the arguments.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::Path;

use clap::Parser;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Args, run, samples};

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    args: Args,
}

fn generate(out: &Path, extra: &[&str]) -> anyhow::Result<()> {
    let mut argv = vec!["gen".to_owned(), "--out".to_owned(), out.display().to_string()];
    argv.extend(extra.iter().map(|s| (*s).to_owned()));
    run(&Wrapper::try_parse_from(argv)?.args)
}

/// Every file under `dir`, by path relative to it ('/'-separated).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_str().unwrap().replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

fn planted(out: &Path) -> Value {
    serde_json::from_slice(&fs::read(out.join("planted.json")).unwrap()).unwrap()
}

/// The check ids of spec section B, copied from the spec.
const SPEC_CHECKS: [&str; 27] = [
    "aws.ec2.sg_open_admin_ports",
    "aws.ec2.sg_open_db_ports",
    "aws.ec2.sg_open_all_ports",
    "aws.ec2.default_sg_restricts_all",
    "aws.ec2.nacl_open_admin_ports",
    "aws.ec2.imdsv2_required",
    "aws.ec2.ebs_unencrypted",
    "aws.ec2.ebs_default_encryption",
    "aws.ec2.snapshot_public",
    "aws.rds.public",
    "aws.rds.unencrypted",
    "aws.rds.snapshot_public",
    "aws.s3.account_public_access_block",
    "aws.s3.bucket_public",
    "aws.s3.bucket_default_encryption",
    "aws.s3.bucket_deny_http",
    "aws.iam.password_policy_min_length",
    "aws.iam.password_policy_reuse",
    "aws.iam.password_policy_max_age",
    "aws.iam.full_admin_policy",
    "aws.iam.user_attached_policies",
    "aws.iam.root_hardware_mfa",
    "aws.logs.retention",
    "aws.kms.rotation",
    "aws.ec2.vpc_flow_logs",
    "aws.config.recorder_all_regions",
    "aws.cloudwatch.cis_alarms",
];

/// The formats table (shared/formats/aws-cli-json.md) and spec section A's extra commands: file
/// name prefix → top-level keys, and whether those are the whole top level.
const TABLE: [(&str, &[&str], bool); 35] = [
    ("ec2-describe-regions", &["Regions"], true),
    ("ec2-describe-security-groups", &["SecurityGroups"], true),
    ("ec2-describe-network-acls", &["NetworkAcls"], true),
    ("ec2-describe-volumes", &["Volumes"], true),
    ("ec2-get-ebs-encryption-by-default", &["EbsEncryptionByDefault"], false),
    ("ec2-describe-snapshots", &["Snapshots"], true),
    ("ec2-describe-snapshot-attribute-", &["SnapshotId", "CreateVolumePermissions"], true),
    ("ec2-describe-vpcs", &["Vpcs"], true),
    ("ec2-describe-flow-logs", &["FlowLogs"], true),
    ("ec2-describe-instances", &["Reservations"], true),
    ("rds-describe-db-instances", &["DBInstances"], true),
    ("rds-describe-db-snapshots", &["DBSnapshots"], true),
    ("rds-describe-db-snapshot-attributes-", &["DBSnapshotAttributesResult"], true),
    ("s3api-list-buckets", &["Buckets", "Owner"], true),
    ("s3api-get-public-access-block-", &["PublicAccessBlockConfiguration"], true),
    ("s3control-get-public-access-block-", &["PublicAccessBlockConfiguration"], true),
    ("s3api-get-bucket-policy-status-", &["PolicyStatus"], true),
    ("s3api-get-bucket-policy-", &["Policy"], true),
    ("s3api-get-bucket-encryption-", &["ServerSideEncryptionConfiguration"], true),
    ("s3api-get-bucket-acl-", &["Owner", "Grants"], true),
    ("cloudtrail-describe-trails", &["trailList"], true),
    ("cloudtrail-get-trail-status-", &["IsLogging", "LatestDeliveryTime", "StartLoggingTime"], false),
    ("cloudtrail-get-event-selectors-", &["TrailARN", "EventSelectors"], true),
    ("iam-get-account-password-policy", &["PasswordPolicy"], true),
    ("iam-get-account-summary", &["SummaryMap"], true),
    ("iam-list-virtual-mfa-devices", &["VirtualMFADevices"], true),
    (
        "iam-get-account-authorization-details",
        &["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"],
        true,
    ),
    ("logs-describe-log-groups", &["logGroups"], true),
    ("logs-describe-metric-filters", &["metricFilters"], true),
    ("cloudwatch-describe-alarms", &["MetricAlarms"], false),
    ("kms-list-keys", &["Keys"], true),
    ("kms-describe-key-", &["KeyMetadata"], true),
    ("kms-get-key-rotation-status-", &["KeyRotationEnabled"], false),
    ("configservice-describe-configuration-recorder-status", &["ConfigurationRecordersStatus"], true),
    ("configservice-describe-configuration-recorders", &["ConfigurationRecorders"], true),
];

/// The table entry of a file name: the longest matching prefix.
fn command(file: &str) -> Option<(&'static str, &'static [&'static str], bool)> {
    let name = file.rsplit('/').next().unwrap_or(file);
    TABLE.iter().filter(|(prefix, _, _)| name.starts_with(prefix)).max_by_key(|(prefix, _, _)| prefix.len()).copied()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn check_keys(file: &str, body: &Value) {
    let (prefix, expected, exact) = command(file).unwrap_or_else(|| panic!("{file} matches no command"));
    let got = keys(body);
    let want: BTreeSet<String> = expected.iter().map(|k| (*k).to_owned()).collect();
    if exact {
        assert_eq!(got, want, "{file} ({prefix})");
    } else {
        assert!(want.is_subset(&got), "{file} ({prefix}): {got:?}");
    }
}

/// (check, resource, account) → status.
fn verdicts(doc: &Value) -> BTreeMap<(String, String, String, String), String> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or("").to_owned();
            ((s("check"), s("resource"), s("account"), s("region")), s("status"))
        })
        .collect()
}

#[test]
fn same_arguments_give_the_same_bytes_and_another_seed_does_not() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(a.path(), &["--seed", "9"]).unwrap();
    generate(b.path(), &["--seed", "9"]).unwrap();
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert!(fa.len() > 200, "{}", fa.len());
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(fb.get(name) == Some(bytes), "{name} differs");
    }
    generate(c.path(), &["--seed", "10"]).unwrap();
    assert_ne!(fs::read(a.path().join("planted.json")).unwrap(), fs::read(c.path().join("planted.json")).unwrap());
    let (z1, z2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for z in [&z1, &z2] {
        generate(z.path(), &["--seed", "9", "--zip", "--wrapped", "--accounts", "1"]).unwrap();
    }
    assert_eq!(files(z1.path()), files(z2.path()));
}

#[test]
fn every_check_has_a_pass_and_a_fail_and_every_designed_case_its_verdict() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &[]).unwrap();
    let doc = planted(dir.path());
    let results = doc["results"].as_array().unwrap();
    let checks: BTreeSet<&str> = results.iter().map(|r| r["check"].as_str().unwrap()).collect();
    assert_eq!(checks, SPEC_CHECKS.iter().copied().collect::<BTreeSet<_>>());
    for check in SPEC_CHECKS {
        for status in ["pass", "fail"] {
            assert!(results.iter().any(|r| r["check"] == check && r["status"] == status), "{check} has no {status}");
        }
    }
    // Sorted, and one verdict per (check, resource, account, region).
    let tuples: Vec<(String, String, String, String)> = verdicts(&doc).into_keys().collect();
    assert_eq!(tuples.len(), results.len());
    let listed: Vec<(String, String, String, String)> = results
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or("").to_owned();
            (s("check"), s("resource"), s("account"), s("region"))
        })
        .collect();
    assert_eq!(listed, tuples);

    let got = verdicts(&doc);
    let cases = doc["planted"].as_array().unwrap();
    assert!(cases.len() > 150, "{}", cases.len());
    for case in cases {
        let s = |k: &str| case[k].as_str().unwrap_or("").to_owned();
        let status = got.get(&(s("check"), s("resource"), s("account"), s("region"))).map(String::as_str);
        match case["expect"].as_str().unwrap() {
            "absent" => assert_eq!(status, None, "{case}"),
            expect => assert_eq!(status, Some(expect), "{case}"),
        }
    }
    // Every check has designed cases, not only background ones.
    let designed: BTreeSet<&str> = cases.iter().map(|c| c["check"].as_str().unwrap()).collect();
    assert_eq!(designed.len(), SPEC_CHECKS.len());
    // Resource conventions of spec section B.
    let account = "210987654321";
    for r in results.iter().filter(|r| r["account"] == account) {
        let resource = r["resource"].as_str().unwrap();
        let ok = match r["check"].as_str().unwrap() {
            c if c.contains("sg_open") || c.contains("default_sg") => {
                resource.starts_with("sg-0") && resource.len() == 20
            }
            "aws.ec2.nacl_open_admin_ports" => resource.starts_with("acl-"),
            "aws.ec2.imdsv2_required" => resource.starts_with("i-"),
            "aws.ec2.ebs_unencrypted" => resource.starts_with("vol-"),
            "aws.ec2.snapshot_public" => resource.starts_with("snap-"),
            "aws.ec2.vpc_flow_logs" => resource.starts_with("vpc-"),
            "aws.ec2.ebs_default_encryption" | "aws.config.recorder_all_regions" => {
                resource == format!("{account}/{}", r["region"].as_str().unwrap())
            }
            "aws.cloudwatch.cis_alarms" => resource.starts_with(&format!("{account}/cis-4.")) && r["region"].is_null(),
            "aws.iam.root_hardware_mfa" => resource == format!("arn:aws:iam::{account}:root"),
            "aws.iam.user_attached_policies" => resource.starts_with(&format!("arn:aws:iam::{account}:user/")),
            "aws.iam.full_admin_policy" => resource.starts_with("arn:aws:iam::"),
            c if c.starts_with("aws.iam.password") || c == "aws.s3.account_public_access_block" => resource == account,
            "aws.kms.rotation" => resource.len() == 36 && resource.matches('-').count() == 4,
            _ => !resource.is_empty(),
        };
        assert!(ok, "{r}");
    }
}

#[test]
fn every_command_has_a_file_and_every_file_its_table_keys() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--background", "1"]).unwrap();
    let all = files(dir.path());
    let doc = planted(dir.path());
    let bundles: Vec<&str> = doc["bundles"].as_array().unwrap().iter().map(|b| b.as_str().unwrap()).collect();
    assert_eq!(bundles.len(), 3);
    for (prefix, _, _) in TABLE {
        let written = all.keys().any(|f| f.ends_with(".json") && command(f).map(|c| c.0) == Some(prefix));
        assert!(written, "no successful {prefix} export");
    }
    for (name, bytes) in &all {
        if name == "planted.json" || name.ends_with("COLLECTION.txt") || name.ends_with(".error.txt") {
            continue;
        }
        assert!(name.ends_with(".json"), "{name}");
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(text.starts_with("{\n    \"") && text.ends_with("}\n"), "{name} is not the CLI's 4-space JSON");
        let body: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_keys(name, &body);
    }
    // Each account folder holds every per-account and per-region command (output or error).
    for account in ["210987654321", "123456789012", "345678901234"] {
        let bundle = bundles.iter().find(|b| b.contains(account)).unwrap();
        let has = |rel: &str| {
            let base = format!("{bundle}/{account}/{rel}");
            all.contains_key(&format!("{base}.json")) || all.contains_key(&format!("{base}.error.txt"))
        };
        for rel in [
            "ec2-describe-regions",
            "global/iam-get-account-password-policy",
            "global/iam-get-account-summary",
            "global/iam-list-virtual-mfa-devices",
            "global/iam-get-account-authorization-details",
            "global/s3api-list-buckets",
        ] {
            assert!(has(rel), "{account}: {rel}");
        }
        assert!(has(&format!("global/s3control-get-public-access-block-{account}")));
        for region in ["eu-west-1", "us-east-1"] {
            for command in [
                "ec2-describe-security-groups",
                "ec2-describe-network-acls",
                "ec2-describe-volumes",
                "ec2-get-ebs-encryption-by-default",
                "ec2-describe-snapshots",
                "ec2-describe-vpcs",
                "ec2-describe-flow-logs",
                "ec2-describe-instances",
                "rds-describe-db-instances",
                "rds-describe-db-snapshots",
                "cloudtrail-describe-trails",
                "logs-describe-log-groups",
                "logs-describe-metric-filters",
                "cloudwatch-describe-alarms",
                "kms-list-keys",
                "configservice-describe-configuration-recorders",
                "configservice-describe-configuration-recorder-status",
            ] {
                assert!(has(&format!("{region}/{command}")), "{account}: {region}/{command}");
            }
        }
        assert!(all.contains_key(&format!("{bundle}/COLLECTION.txt")));
    }
}

#[test]
fn failed_commands_keep_the_cli_error_text() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--background", "0"]).unwrap();
    let all = files(dir.path());
    let errors: BTreeMap<&String, String> = all
        .iter()
        .filter(|(n, _)| n.ends_with(".error.txt"))
        .map(|(n, b)| (n, String::from_utf8(b.clone()).unwrap()))
        .collect();
    let mut codes = BTreeSet::new();
    for (name, text) in &errors {
        let line = text.strip_prefix('\n').and_then(|t| t.strip_suffix('\n')).unwrap_or_else(|| panic!("{name}"));
        let rest = line.strip_prefix("An error occurred (").unwrap_or_else(|| panic!("{name}: {line}"));
        let (code, rest) = rest.split_once(") when calling the ").unwrap();
        let (operation, message) = rest.split_once(" operation: ").unwrap();
        assert!(!message.is_empty() && operation.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
        codes.insert(code.to_owned());
    }
    for code in [
        "NoSuchBucketPolicy",
        "NoSuchPublicAccessBlockConfiguration",
        "NoSuchEntity",
        "ServerSideEncryptionConfigurationNotFoundError",
        "AccessDenied",
    ] {
        assert!(codes.contains(code), "no {code} error file: {codes:?}");
    }
    let text = |suffix: &str| errors.iter().find(|(n, _)| n.ends_with(suffix)).map(|(_, t)| t.clone()).unwrap();
    assert_eq!(
        text("s3api-get-bucket-policy-acme-prod-app-uploads.error.txt"),
        "\nAn error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist\n"
    );
    assert_eq!(
        text("345678901234/global/iam-get-account-password-policy.error.txt"),
        "\nAn error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy \
         with domain name 345678901234 cannot be found.\n"
    );
    assert_eq!(
        text("s3api-get-public-access-block-acme-prod-website-assets.error.txt"),
        "\nAn error occurred (NoSuchPublicAccessBlockConfiguration) when calling the GetPublicAccessBlock operation: \
         The public access block configuration was not found\n"
    );
    assert_eq!(
        text("s3api-get-bucket-policy-acme-prod-audit-archive.error.txt"),
        "\nAn error occurred (AccessDenied) when calling the GetBucketPolicy operation: Access Denied\n"
    );
}

#[test]
fn wrapped_files_are_recorded_responses_with_datetime_objects() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--wrapped", "--background", "1"]).unwrap();
    let all = files(dir.path());
    assert!(!all.keys().any(|n| n.ends_with(".error.txt")));
    let (mut datetimes, mut errors) = (0, BTreeSet::new());
    for (name, bytes) in all.iter().filter(|(n, _)| n.ends_with(".json") && !n.ends_with("planted.json")) {
        let text = std::str::from_utf8(bytes).unwrap();
        // Timestamps are objects now; only CloudTrail's text times (…Z) remain strings.
        assert!(!text.contains("+00:00"), "{name} holds an ISO timestamp");
        datetimes += text.matches("\"__class__\": \"datetime\"").count();
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(keys(&v), BTreeSet::from(["status_code".to_owned(), "data".to_owned()]), "{name}");
        let status = v["status_code"].as_u64().unwrap();
        let data = &v["data"];
        assert!(data["ResponseMetadata"]["RequestId"].is_string(), "{name}");
        assert_eq!(data["ResponseMetadata"]["HTTPStatusCode"].as_u64(), Some(status));
        if status == 200 {
            let mut body = data.clone();
            body.as_object_mut().unwrap().remove("ResponseMetadata");
            check_keys(name, &body);
        } else {
            assert!((400..500).contains(&status), "{name}");
            errors.insert(data["Error"]["Code"].as_str().unwrap().to_owned());
        }
    }
    assert!(datetimes > 100, "{datetimes}");
    assert!(
        errors.contains("NoSuchBucketPolicy") && errors.contains("NoSuchEntity") && errors.contains("AccessDenied")
    );
}

#[test]
fn files_show_the_designed_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--background", "0", "--accounts", "1"]).unwrap();
    let root = dir.path().join("gapscope-aws-210987654321-20261001T081244Z/210987654321");
    let read = |rel: &str| -> Value { serde_json::from_slice(&fs::read(root.join(rel)).unwrap()).unwrap() };
    let got = verdicts(&planted(dir.path()));
    let status = |check: &str, resource: &str| {
        got.iter().find(|((c, r, _, _), _)| c == check && r == resource).map(|(_, s)| s.clone()).unwrap()
    };

    let sgs = read("eu-west-1/ec2-describe-security-groups.json");
    let group =
        |name: &str| sgs["SecurityGroups"].as_array().unwrap().iter().find(|g| g["GroupName"] == name).unwrap().clone();
    let bastion = group("bastion-range");
    let p = &bastion["IpPermissions"][0];
    assert_eq!(
        (p["IpProtocol"].as_str(), p["FromPort"].as_i64(), p["ToPort"].as_i64()),
        (Some("tcp"), Some(20), Some(25))
    );
    assert_eq!(p["IpRanges"][0]["CidrIp"], "0.0.0.0/0");
    assert_eq!(status("aws.ec2.sg_open_admin_ports", bastion["GroupId"].as_str().unwrap()), "fail");
    let ipv6 = group("ipv6-everything");
    let p = &ipv6["IpPermissions"][0];
    assert_eq!((p["IpProtocol"].as_str(), p["IpRanges"].as_array().map(Vec::len)), (Some("-1"), Some(0)));
    assert_eq!(p["Ipv6Ranges"][0]["CidrIpv6"], "::/0");
    assert!(p.get("FromPort").is_none());
    for check in ["aws.ec2.sg_open_admin_ports", "aws.ec2.sg_open_db_ports", "aws.ec2.sg_open_all_ports"] {
        assert_eq!(status(check, ipv6["GroupId"].as_str().unwrap()), "fail");
    }
    let wide = group("legacy-wide-range");
    assert_eq!(status("aws.ec2.sg_open_admin_ports", wide["GroupId"].as_str().unwrap()), "pass");

    // The deny-first NACL lists its allow before its lower-numbered denies.
    let nacls = read("eu-west-1/ec2-describe-network-acls.json");
    let deny_first = nacls["NetworkAcls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["Tags"].as_array().unwrap().iter().any(|t| t["Value"] == "deny-admin-first"))
        .unwrap();
    let ingress: Vec<(i64, &str)> = deny_first["Entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["Egress"] == false)
        .map(|e| (e["RuleNumber"].as_i64().unwrap(), e["RuleAction"].as_str().unwrap()))
        .collect();
    assert_eq!(ingress, [(100, "allow"), (90, "deny"), (91, "deny"), (32767, "deny")]);
    assert_eq!(status("aws.ec2.nacl_open_admin_ports", deny_first["NetworkAclId"].as_str().unwrap()), "pass");

    // Documents: the CLI's objects, and one URL-encoded string that decodes to Action ["*"].
    let authz = read("global/iam-get-account-authorization-details.json");
    let role = authz["RoleDetailList"].as_array().unwrap().iter().find(|r| r["RoleName"] == "ops-breakglass").unwrap();
    let encoded = role["RolePolicyList"][0]["PolicyDocument"].as_str().unwrap();
    let mut decoded = Vec::new();
    let mut bytes = encoded.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: String = [bytes.next().unwrap(), bytes.next().unwrap()].iter().map(|&c| char::from(c)).collect();
            decoded.push(u8::from_str_radix(&hex, 16).unwrap());
        } else {
            decoded.push(b);
        }
    }
    let doc: Value = serde_json::from_slice(&decoded).unwrap();
    assert_eq!(doc["Statement"][0]["Action"], serde_json::json!(["*"]));
    assert_eq!(doc["Statement"][0]["Resource"], "*");
    let admin = authz["Policies"].as_array().unwrap().iter().find(|p| p["PolicyName"] == "AdminEverything").unwrap();
    assert_eq!(admin["DefaultVersionId"], "v2");
    assert!(admin["PolicyVersionList"][0]["Document"].is_object());

    // Timestamps as the CLI prints them: ISO with +00:00, CloudTrail's text …Z, Logs epoch millis.
    let iso = authz["UserDetailList"][0]["CreateDate"].as_str().unwrap();
    assert!(iso.len() == 25 && iso.ends_with("+00:00") && iso.as_bytes()[10] == b'T', "{iso}");
    let status_file = read("eu-west-1/cloudtrail-get-trail-status-management-events.json");
    assert!(status_file["TimeLoggingStarted"].as_str().unwrap().ends_with('Z'));
    assert!(status_file["LatestDeliveryTime"].as_str().unwrap().ends_with("000+00:00"));
    let groups = read("eu-west-1/logs-describe-log-groups.json");
    let created = groups["logGroups"][0]["creationTime"].as_i64().unwrap();
    assert!((1_500_000_000_000..1_790_842_364_000).contains(&created), "{created}");

    // The deny-HTTP condition: a string in one bucket policy, a boolean in another.
    let policy = |bucket: &str| -> Value {
        let v = read(&format!("global/s3api-get-bucket-policy-{bucket}.json"));
        serde_json::from_str(v["Policy"].as_str().unwrap()).unwrap()
    };
    let condition = |doc: &Value| {
        doc["Statement"].as_array().unwrap().last().unwrap()["Condition"]["Bool"]["aws:SecureTransport"].clone()
    };
    assert_eq!(condition(&policy("acme-prod-cloudtrail-logs-210987654321")), Value::String("false".into()));
    assert_eq!(condition(&policy("acme-prod-data-lake")), Value::Bool(false));

    // CIS 4.1: the benchmark's pattern on the trail's log group, with an alarm that notifies.
    let trails = read("eu-west-1/cloudtrail-describe-trails.json");
    let group_arn = trails["trailList"][0]["CloudWatchLogsLogGroupArn"].as_str().unwrap();
    let filters = read("eu-west-1/logs-describe-metric-filters.json");
    let unauthorized = filters["metricFilters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["filterPattern"].as_str().unwrap().contains("*UnauthorizedOperation"))
        .unwrap();
    assert_eq!(
        format!("arn:aws:logs:eu-west-1:210987654321:log-group:{}:*", unauthorized["logGroupName"].as_str().unwrap()),
        group_arn
    );
    let metric = unauthorized["metricTransformations"][0]["metricName"].as_str().unwrap();
    let alarms = read("eu-west-1/cloudwatch-describe-alarms.json");
    let alarm = alarms["MetricAlarms"].as_array().unwrap().iter().find(|a| a["MetricName"] == metric).unwrap();
    assert_eq!(alarm["AlarmActions"].as_array().map(Vec::len), Some(1));
    assert_eq!(status("aws.cloudwatch.cis_alarms", "210987654321/cis-4.1"), "pass");
}

#[test]
fn zips_carry_the_bundle_and_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--zip", "--accounts", "2", "--background", "0"]).unwrap();
    let names: BTreeSet<String> = files(dir.path()).into_keys().collect();
    let root = "gapscope-aws-210987654321-20261001T081244Z";
    assert!(names.contains(&format!("{root}.zip")) && names.contains(&format!("{root}.zip.sha256")));
    assert_eq!(names.len(), 5, "{names:?}");
    let bytes = fs::read(dir.path().join(format!("{root}.zip"))).unwrap();
    let line = fs::read_to_string(dir.path().join(format!("{root}.zip.sha256"))).unwrap();
    assert_eq!(line, format!("{}  {root}.zip\n", hex::encode(Sha256::digest(&bytes))));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let members: Vec<String> =
        (0..archive.len()).map(|i| archive.name_for_index(i).unwrap().unwrap().into_owned()).collect();
    assert!(members.iter().all(|m| m.starts_with(&format!("{root}/"))));
    assert!(members.contains(&format!("{root}/COLLECTION.txt")));
    let mut regions = String::new();
    archive
        .by_name(&format!("{root}/210987654321/ec2-describe-regions.json"))
        .unwrap()
        .read_to_string(&mut regions)
        .unwrap();
    assert!(regions.contains("\"RegionName\": \"eu-west-1\""));
}

#[test]
fn samples_hold_one_account_and_no_oracle() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("aws-config");
    samples(&out).unwrap();
    let first = files(&out);
    samples(&out).unwrap();
    assert_eq!(files(&out), first, "regenerating replaces the bundle with the same bytes");
    let roots: BTreeSet<&str> = first.keys().map(|k| k.split('/').next().unwrap()).collect();
    assert_eq!(roots, BTreeSet::from(["gapscope-aws-210987654321-20261001T081244Z"]));
    assert!(!first.keys().any(|k| k.ends_with("planted.json")));
    let root = "gapscope-aws-210987654321-20261001T081244Z/210987654321";
    for region in ["us-east-1", "eu-west-1"] {
        assert!(first.contains_key(&format!("{root}/{region}/ec2-describe-security-groups.json")));
    }
    // The trail's home is the first region, as in the CloudTrail samples.
    let trails: Value =
        serde_json::from_slice(&first[&format!("{root}/us-east-1/cloudtrail-describe-trails.json")]).unwrap();
    assert_eq!(trails["trailList"][0]["HomeRegion"], "us-east-1");
    fs::write(out.join("notes.txt"), b"x").unwrap();
    assert!(samples(&out).is_err(), "a file the samples did not write is not deleted");
}

#[test]
fn bad_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(generate(dir.path(), &["--regions", "eu-west-1 eu-west-1"]).is_err());
    assert!(generate(dir.path(), &["--regions", "europe"]).is_err());
    assert!(generate(dir.path(), &["--accounts", "4"]).is_err());
    assert!(generate(dir.path(), &["--accounts", "2", "--account-ids", "111122223333"]).is_err());
    assert!(generate(dir.path(), &["--account-ids", "1234"]).is_err());
    fs::write(dir.path().join("x"), b"").unwrap();
    assert!(generate(dir.path(), &[]).unwrap_err().to_string().contains("not empty"));
}

#[test]
fn one_account_and_one_region_still_write_a_consistent_bundle() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--accounts", "1", "--regions", "ap-southeast-2", "--account-ids", "111122223333"]).unwrap();
    let doc = planted(dir.path());
    let got = verdicts(&doc);
    for case in doc["planted"].as_array().unwrap() {
        let s = |k: &str| case[k].as_str().unwrap_or("").to_owned();
        let status = got.get(&(s("check"), s("resource"), s("account"), s("region"))).map(String::as_str);
        match case["expect"].as_str().unwrap() {
            "absent" => assert_eq!(status, None, "{case}"),
            expect => assert_eq!(status, Some(expect), "{case}"),
        }
    }
    // ap-southeast-2 is exported, so the enabled-but-unexported region is the next default one.
    assert!(got.keys().any(|(c, r, _, _)| c == "aws.config.recorder_all_regions" && r == "111122223333/eu-central-1"));
    assert!(files(dir.path()).keys().all(|k| k == "planted.json" || k.starts_with("gapscope-aws-111122223333-")));
}

#[test]
fn two_accounts_still_give_every_check_a_pass_and_a_fail() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--accounts", "2", "--background", "0"]).unwrap();
    let doc = planted(dir.path());
    let results = doc["results"].as_array().unwrap();
    for check in SPEC_CHECKS {
        for status in ["pass", "fail"] {
            assert!(results.iter().any(|r| r["check"] == check && r["status"] == status), "{check} has no {status}");
        }
    }
}
