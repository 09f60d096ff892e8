//! Storage exports: EBS volumes, default encryption, snapshots and their createVolumePermission,
//! RDS instances, manual DB snapshots and their restore attribute, and the S3 bucket exports.

use super::Files;
use super::iam::document;
use super::json::{J, O, arr, compact, ms_time, time};
use super::model::{Account, Bpa, Db, Grantee, Region, VolumePermission};

pub(super) fn write(f: &mut Files, a: &Account, r: &Region) {
    let dir = &r.name;
    let as_of = f.as_of;
    f.put(&format!("{dir}/ec2-describe-volumes"), "DescribeVolumes", &r.volumes, |volumes| {
        let volumes = volumes.iter().map(|v| {
            let attachments = v.attached_to.as_ref().map(|i| {
                O::new()
                    .k("DeleteOnTermination", true)
                    .k("VolumeId", &v.id)
                    .k("InstanceId", i)
                    .k("Device", if v.size == 8 { "/dev/xvda" } else { "/dev/sdf" })
                    .k("State", "attached")
                    .k("AttachTime", ms_time(v.created_ms + 2_000))
            });
            O::new()
                .k("Iops", 3000i64)
                .k("VolumeType", "gp3")
                .k("MultiAttachEnabled", false)
                .k("Throughput", 125i64)
                .k("VolumeId", &v.id)
                .k("Size", v.size)
                .k("SnapshotId", v.snapshot.as_deref().unwrap_or(""))
                .k("AvailabilityZone", &v.az)
                .k("State", if v.attached_to.is_some() { "in-use" } else { "available" })
                .k("CreateTime", ms_time(v.created_ms))
                .k("Attachments", arr(attachments))
                .k("Encrypted", v.encrypted)
                .opt("KmsKeyId", v.kms_key.as_deref())
        });
        O::new().k("Volumes", arr(volumes)).j()
    });
    f.put(&format!("{dir}/ec2-get-ebs-encryption-by-default"), "GetEbsEncryptionByDefault", &r.ebs_default, |on| {
        O::new().k("EbsEncryptionByDefault", *on).k("SseType", "sse-ebs").j()
    });
    f.put(&format!("{dir}/ec2-describe-snapshots"), "DescribeSnapshots", &r.snapshots, |snapshots| {
        let snapshots = snapshots.iter().map(|s| {
            O::new()
                .k("StorageTier", "standard")
                .k("SnapshotId", &s.id)
                .k("VolumeId", &s.volume)
                .k("State", "completed")
                .k("StartTime", ms_time(s.started_ms))
                .k("Progress", "100%")
                .k("OwnerId", &a.id)
                .k("Description", &s.description)
                .k("VolumeSize", s.size)
                .k("Encrypted", s.encrypted)
                .opt("KmsKeyId", s.kms_key.as_deref())
        });
        O::new().k("Snapshots", arr(snapshots)).j()
    });
    for s in r.snapshots.ok().into_iter().flatten() {
        let name = format!("{dir}/ec2-describe-snapshot-attribute-{}", s.id);
        f.put(&name, "DescribeSnapshotAttribute", &s.permissions, |perms| {
            let perms = perms.iter().map(|p| match p {
                VolumePermission::All => O::new().k("Group", "all"),
                VolumePermission::User(id) => O::new().k("UserId", id),
            });
            O::new().k("SnapshotId", &s.id).k("CreateVolumePermissions", arr(perms)).j()
        });
    }
    f.put(&format!("{dir}/rds-describe-db-instances"), "DescribeDBInstances", &r.dbs, |dbs| {
        O::new().k("DBInstances", arr(dbs.iter().map(|d| db_instance(a, r, d, as_of)))).j()
    });
    f.put(&format!("{dir}/rds-describe-db-snapshots"), "DescribeDBSnapshots", &r.db_snapshots, |snapshots| {
        let snapshots = snapshots.iter().map(|s| {
            let d = &s.db;
            O::new()
                .k("DBSnapshotIdentifier", &s.id)
                .k("DBInstanceIdentifier", &d.id)
                .k("SnapshotCreateTime", ms_time(s.created_ms))
                .k("Engine", d.engine)
                .k("AllocatedStorage", d.storage)
                .k("Status", "available")
                .k("Port", d.port)
                .k("AvailabilityZone", &d.az)
                .k("VpcId", &d.vpc)
                .k("InstanceCreateTime", ms_time(d.created_ms))
                .k("MasterUsername", "dbadmin")
                .k("EngineVersion", d.engine_version)
                .k("LicenseModel", if d.engine == "postgres" { "postgresql-license" } else { "general-public-license" })
                .k("SnapshotType", "manual")
                .k("OptionGroupName", format!("default:{}", option_group(d)))
                .k("PercentProgress", 100i64)
                .k("StorageType", "gp3")
                .k("Encrypted", d.encrypted)
                .opt("KmsKeyId", d.kms_key.as_deref())
                .k("DBSnapshotArn", a.arn("rds", &r.name, &format!("snapshot:{}", s.id)))
                .k("IAMDatabaseAuthenticationEnabled", false)
                .k("ProcessorFeatures", J::Arr(Vec::new()))
                .k("DbiResourceId", &d.resource_id)
                .k("TagList", J::Arr(Vec::new()))
                .k("OriginalSnapshotCreateTime", ms_time(s.created_ms))
                .k("SnapshotTarget", "region")
                .k("DedicatedLogVolume", false)
                .k("MultiTenant", false)
        });
        O::new().k("DBSnapshots", arr(snapshots)).j()
    });
    for s in r.db_snapshots.ok().into_iter().flatten() {
        let name = format!("{dir}/rds-describe-db-snapshot-attributes-{}", s.id);
        f.put(&name, "DescribeDBSnapshotAttributes", &s.restore, |values| {
            let restore =
                O::new().k("AttributeName", "restore").k("AttributeValues", arr(values.iter().map(String::as_str)));
            let result = O::new().k("DBSnapshotIdentifier", &s.id).k("DBSnapshotAttributes", arr([restore]));
            O::new().k("DBSnapshotAttributesResult", result).j()
        });
    }
}

fn option_group(d: &Db) -> String {
    let major = d.engine_version.split('.').next().unwrap_or_default();
    if d.engine == "postgres" { format!("postgres-{major}") } else { "mysql-8-0".to_owned() }
}

fn db_instance(a: &Account, r: &Region, d: &Db, as_of: i64) -> J {
    let subnets = d.subnets.iter().enumerate().map(|(i, s)| {
        let zone = format!("{}{}", r.name, if i == 0 { "a" } else { "b" });
        O::new()
            .k("SubnetIdentifier", s)
            .k("SubnetAvailabilityZone", O::new().k("Name", zone))
            .k("SubnetOutpost", O::new())
            .k("SubnetStatus", "Active")
    });
    let family = if d.engine == "postgres" {
        format!("postgres{}", option_group(d).trim_start_matches("postgres-"))
    } else {
        "mysql8.0".into()
    };
    let cluster: String = d.resource_id.to_ascii_lowercase().chars().skip(3).take(11).collect();
    let host = format!("{}.c{cluster}.{}.rds.amazonaws.com", d.id, r.name);
    O::new()
        .k("DBInstanceIdentifier", &d.id)
        .k("DBInstanceClass", d.class)
        .k("Engine", d.engine)
        .k("DBInstanceStatus", "available")
        .k("MasterUsername", "dbadmin")
        .k("Endpoint", O::new().k("Address", host).k("Port", d.port).k("HostedZoneId", "Z29XKXDKYMONMX"))
        .k("AllocatedStorage", d.storage)
        .k("InstanceCreateTime", ms_time(d.created_ms))
        .k("PreferredBackupWindow", "02:10-02:40")
        .k("BackupRetentionPeriod", d.backup_days)
        .k("DBSecurityGroups", J::Arr(Vec::new()))
        .k("VpcSecurityGroups", arr([O::new().k("VpcSecurityGroupId", &d.sg).k("Status", "active")]))
        .k(
            "DBParameterGroups",
            arr([O::new().k("DBParameterGroupName", format!("default.{family}")).k("ParameterApplyStatus", "in-sync")]),
        )
        .k("AvailabilityZone", &d.az)
        .k(
            "DBSubnetGroup",
            O::new()
                .k("DBSubnetGroupName", format!("{}-subnets", d.id))
                .k("DBSubnetGroupDescription", "database subnets")
                .k("VpcId", &d.vpc)
                .k("SubnetGroupStatus", "Complete")
                .k("Subnets", arr(subnets)),
        )
        .k("PreferredMaintenanceWindow", "sun:03:00-sun:03:30")
        .k("PendingModifiedValues", O::new())
        .k("LatestRestorableTime", time(as_of - 290))
        .k("MultiAZ", false)
        .k("EngineVersion", d.engine_version)
        .k("AutoMinorVersionUpgrade", true)
        .k("ReadReplicaDBInstanceIdentifiers", J::Arr(Vec::new()))
        .k("LicenseModel", if d.engine == "postgres" { "postgresql-license" } else { "general-public-license" })
        .k(
            "OptionGroupMemberships",
            arr([O::new().k("OptionGroupName", format!("default:{}", option_group(d))).k("Status", "in-sync")]),
        )
        .k("PubliclyAccessible", d.public)
        .k("StorageType", "gp3")
        .k("DbInstancePort", 0i64)
        .k("StorageEncrypted", d.encrypted)
        .opt("KmsKeyId", d.kms_key.as_deref())
        .k("DbiResourceId", &d.resource_id)
        .k("CACertificateIdentifier", "rds-ca-rsa2048-g1")
        .k("DomainMemberships", J::Arr(Vec::new()))
        .k("CopyTagsToSnapshot", true)
        .k("MonitoringInterval", 0i64)
        .k("DBInstanceArn", a.arn("rds", &r.name, &format!("db:{}", d.id)))
        .k("IAMDatabaseAuthenticationEnabled", false)
        .k("PerformanceInsightsEnabled", false)
        .k("DeletionProtection", d.deletion_protection)
        .k("AssociatedRoles", J::Arr(Vec::new()))
        .k("TagList", J::Arr(Vec::new()))
        .k("CustomerOwnedIpEnabled", false)
        .k("BackupTarget", "region")
        .k("NetworkType", "IPV4")
        .k("StorageThroughput", 125i64)
        .k("CertificateDetails", O::new().k("CAIdentifier", "rds-ca-rsa2048-g1").k("ValidTill", time(1_900_000_000)))
        .k("DedicatedLogVolume", false)
        .k("EngineLifecycleSupport", "open-source-rds-extended-support")
        .j()
}

fn bpa(b: &Bpa) -> J {
    let config = O::new()
        .k("BlockPublicAcls", b.block_public_acls)
        .k("IgnorePublicAcls", b.ignore_public_acls)
        .k("BlockPublicPolicy", b.block_public_policy)
        .k("RestrictPublicBuckets", b.restrict_public_buckets);
    O::new().k("PublicAccessBlockConfiguration", config).j()
}

/// The account's S3 exports: list-buckets, the account block and each bucket's five exports.
pub(super) fn write_s3(f: &mut Files, a: &Account) {
    let owner = || O::new().k("ID", &a.canonical_id);
    let buckets = a
        .buckets
        .iter()
        .map(|b| O::new().k("Name", &b.name).k("CreationDate", time(b.created)).k("BucketRegion", &b.region));
    f.json("global/s3api-list-buckets", O::new().k("Buckets", arr(buckets)).k("Owner", owner()).j());
    f.put(&format!("global/s3control-get-public-access-block-{}", a.id), "GetPublicAccessBlock", &a.account_bpa, bpa);
    for b in &a.buckets {
        let name = &b.name;
        f.put(&format!("global/s3api-get-public-access-block-{name}"), "GetPublicAccessBlock", &b.bpa, bpa);
        f.put(
            &format!("global/s3api-get-bucket-policy-status-{name}"),
            "GetBucketPolicyStatus",
            &b.policy_status,
            |p| O::new().k("PolicyStatus", O::new().k("IsPublic", *p)).j(),
        );
        f.put(&format!("global/s3api-get-bucket-policy-{name}"), "GetBucketPolicy", &b.policy, |d| {
            O::new().k("Policy", compact(&document(d))).j()
        });
        f.put(&format!("global/s3api-get-bucket-encryption-{name}"), "GetBucketEncryption", &b.encryption, |sse| {
            let default = O::new().k("SSEAlgorithm", sse.algorithm).opt("KMSMasterKeyID", sse.kms_key.as_deref());
            let rule = O::new().k("ApplyServerSideEncryptionByDefault", default).k("BucketKeyEnabled", sse.bucket_key);
            O::new().k("ServerSideEncryptionConfiguration", O::new().k("Rules", arr([rule]))).j()
        });
        f.put(&format!("global/s3api-get-bucket-acl-{name}"), "GetBucketAcl", &b.acl, |grants| {
            let grants = grants.iter().map(|g| {
                let grantee = match &g.grantee {
                    Grantee::Owner => O::new().k("ID", &a.canonical_id).k("Type", "CanonicalUser"),
                    Grantee::Group(uri) => O::new().k("Type", "Group").k("URI", *uri),
                };
                O::new().k("Grantee", grantee).k("Permission", g.permission)
            });
            O::new().k("Owner", owner()).k("Grants", arr(grants)).j()
        });
    }
}
