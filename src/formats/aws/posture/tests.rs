use super::*;

const REALDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/realdata/");

fn real(relative: &str) -> Parsed {
    let bytes = std::fs::read(format!("{REALDATA}{relative}")).unwrap();
    parse(relative, &bytes).unwrap()
}

fn text(path: &str, json: &str) -> Parsed {
    parse(path, json.as_bytes()).unwrap()
}

#[test]
fn every_kind_has_one_entry() {
    let all = [
        PostureKind::SecurityGroups,
        PostureKind::NetworkAcls,
        PostureKind::Volumes,
        PostureKind::EbsDefault,
        PostureKind::Snapshots,
        PostureKind::SnapshotAttribute,
        PostureKind::Vpcs,
        PostureKind::FlowLogs,
        PostureKind::Instances,
        PostureKind::DbInstances,
        PostureKind::DbSnapshots,
        PostureKind::DbSnapshotAttributes,
        PostureKind::Buckets,
        PostureKind::PublicAccessBlock,
        PostureKind::PolicyStatus,
        PostureKind::BucketPolicy,
        PostureKind::BucketEncryption,
        PostureKind::BucketAcl,
        PostureKind::PasswordPolicy,
        PostureKind::AccountSummary,
        PostureKind::VirtualMfa,
        PostureKind::AuthorizationDetails,
        PostureKind::LogGroups,
        PostureKind::MetricFilters,
        PostureKind::Alarms,
        PostureKind::KmsKeys,
        PostureKind::KmsKey,
        PostureKind::KmsRotation,
        PostureKind::RecorderStatus,
        PostureKind::Recorders,
        PostureKind::ErrorResponse,
    ];
    for kind in all {
        assert_eq!(KINDS.iter().filter(|k| k.kind == kind).count(), 1, "{kind:?}");
        assert_eq!(kind.info().kind, kind);
    }
    assert_eq!(KINDS.len(), all.len());
}

#[test]
fn real_cloudmapper_security_groups_are_read_with_their_rules() {
    let parsed = real("cloudmapper-demo/account-data/demo/us-east-1/ec2-describe-security-groups.json");
    let PostureExport::SecurityGroups(groups) = parsed.export else { panic!("{:?}", parsed.kind) };
    assert_eq!(groups.len(), 8);
    assert_eq!(parsed.records_read, 8);
    let public = groups.iter().find(|g| g.group_id == "sg-00000008").unwrap();
    assert_eq!(public.owner_id.as_deref(), Some("123456789012"));
    let rules = public.ip_permissions.as_ref().unwrap();
    // Port 22 is open only to another group; 443 to the world.
    assert!(rules[0].world_sources().is_empty());
    assert_eq!((rules[1].world_sources(), rules[1].ports()), (vec!["0.0.0.0/0"], (443, 443)));
}

#[test]
fn recorded_errors_say_what_is_absent() {
    let parsed =
        real("cloud-custodian-placebo/test_account_missing_password_policy/iam.GetAccountPasswordPolicy_1.json");
    let PostureExport::Error(error) = parsed.export else { panic!() };
    assert_eq!((error.code.as_str(), error.operation.as_deref()), ("NoSuchEntity", Some("GetAccountPasswordPolicy")));
    assert_eq!(error.absence_of(), Some(PostureKind::PasswordPolicy));

    let cli = "\nAn error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist\n";
    let parsed = text("b/global/s3api-get-bucket-policy-acme-logs.error.txt", cli);
    let PostureExport::Error(error) = &parsed.export else { panic!() };
    assert_eq!(error.operation.as_deref(), Some("GetBucketPolicy"));
    assert_eq!(error.message, "The bucket policy does not exist");
    assert_eq!(
        resource_from_path("b/global/s3api-get-bucket-policy-acme-logs.error.txt", parsed.kind, Some(error)).as_deref(),
        Some("acme-logs")
    );
    let denied =
        error_text(b"An error occurred (AccessDenied) when calling the GetBucketAcl operation: Access Denied").unwrap();
    assert_eq!(denied.absence_of(), None);
}

#[test]
fn placebo_public_access_block_has_no_bucket_name() {
    let path = "cloud-custodian-placebo/test_s3_public_block_throws_errors/s3.GetPublicAccessBlock_3.json";
    let parsed = real(path);
    assert_eq!(parsed.kind, PostureKind::PublicAccessBlock);
    assert_eq!(resource_from_path(path, parsed.kind, None), None);
    assert!(!is_account_level(path));
    assert!(is_account_level("x/s3control-get-public-access-block-111122223333.json"));
}

#[test]
fn policy_documents_are_read_in_every_spelling() {
    let object = serde_json::json!({"Version": "2012-10-17", "Statement": []});
    let as_text = Value::String(object.to_string());
    let encoded = Value::String("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D".into());
    for spelling in [&object, &as_text, &encoded] {
        assert_eq!(policy_document(Some(spelling)).unwrap(), object, "{spelling}");
    }
    assert!(policy_document(Some(&Value::String("not json".into()))).is_err());
    let parsed = text("s3api-get-bucket-policy-b.json", r#"{"Policy": "{\"Statement\":[{\"Effect\":\"Deny\"}]}"}"#);
    let PostureExport::BucketPolicy(doc) = parsed.export else { panic!() };
    assert_eq!(doc["Statement"][0]["Effect"], "Deny");
}

#[test]
fn a_bad_element_is_reported_and_the_rest_kept() {
    let parsed = text(
        "v.json",
        r#"{"Volumes": [{"VolumeId": "vol-1", "Encrypted": true}, {"Encrypted": false}, {"VolumeId": "vol-3", "Encrypted": "yes"}]}"#,
    );
    let PostureExport::Volumes(volumes) = &parsed.export else { panic!() };
    assert_eq!(volumes.len(), 1);
    assert_eq!((parsed.records_read, parsed.records_rejected), (3, 2));
    assert_eq!(parsed.diagnostics[0].locator.as_deref(), Some("Volumes[1]"));
    assert!(parsed.diagnostics[0].message.contains("VolumeId"), "{}", parsed.diagnostics[0].message);
}

#[test]
fn wrapped_responses_with_datetime_objects_are_read() {
    let wrapped = r#"{"status_code": 200, "data": {"Snapshots": [{"SnapshotId": "snap-1", "Encrypted": false,
        "StartTime": {"__class__": "datetime", "year": 2021, "month": 1, "day": 2, "hour": 3, "minute": 4, "second": 5, "microsecond": 0}}],
        "ResponseMetadata": {}}}"#;
    let PostureExport::Snapshots(snaps) = text("x.json", wrapped).export else { panic!() };
    assert_eq!(snaps[0].snapshot_id, "snap-1");
    let err = parse("x.json", br#"{"EbsEncryptionByDefault": "true"}"#).unwrap_err();
    assert!(err.to_string().contains("EbsEncryptionByDefault"), "{err}");
}

#[test]
fn real_authorization_details_with_space_separated_dates_are_read() {
    let parsed = real("cloudsplaining/examples/files/example.json");
    let PostureExport::AuthorizationDetails(details) = parsed.export else { panic!() };
    assert_eq!(details.users.as_ref().unwrap().len(), 44);
    assert_eq!(details.roles.as_ref().unwrap().len(), 78);
    assert_eq!(details.policies.as_ref().unwrap().len(), 84);
    assert_eq!(parsed.records_rejected, 0);
    let admin = details.policies.unwrap().into_iter().find(|p| p.arn == "arn:aws:iam::aws:policy/AdministratorAccess");
    if let Some(admin) = admin {
        assert_eq!(admin.default_document().unwrap()["Statement"][0]["Action"], "*");
    }
}
