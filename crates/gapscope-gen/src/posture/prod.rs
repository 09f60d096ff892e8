//! Prod's regions: the first holds the boundary cases of the network, compute, database,
//! CloudWatch and key checks; the second the contrasting region-wide states (EBS default
//! encryption off, a stopped recorder, no flow log).

use super::design::Expect;
use super::model::{Ev, Permission, VolumePermission};
use super::oracle::{
    CIS_ALARMS, CONFIG_RECORDER, DEFAULT_SG, EBS_DEFAULT, EBS_UNENCRYPTED, IMDSV2, KMS_ROTATION, LOG_RETENTION,
    NACL_ADMIN, RDS_PUBLIC, RDS_SNAPSHOT_PUBLIC, RDS_UNENCRYPTED, SG_ADMIN, SG_ALL, SG_DB, SNAPSHOT_PUBLIC,
    VPC_FLOW_LOGS,
};
use super::regions::{
    B, PARTNER, S3_KEY, V4, V6, allow_all_entries, entry, from_group, kms_error, metadata, nacl_entries, perm,
};

/// CIS AWS Foundations v3.0.0 §4 metric filter patterns, as the benchmark prints them.
const CIS_4_1: &str = r#"{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#;
const CIS_4_2: &str = r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#;
const CIS_4_3: &str =
    r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
const CIS_4_4: &str = "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}";
const CIS_4_5: &str = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }";
const CIS_4_10: &str = "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }";

// ---------------------------------------------------------------- prod, first region

pub(super) fn prod_primary(b: &mut B) {
    prod_network(b);
    prod_compute(b);
    prod_databases(b);
    prod_monitoring(b);
    prod_keys(b);
    b.ebs_default = Ev::Ok(true);
    let r = format!("{}/{}", b.c.account, b.region);
    b.case("EBS encryption by default on", EBS_DEFAULT, &r, Expect::Pass);
    b.recorder(true);
    b.case("recorder recording", CONFIG_RECORDER, &r, Expect::Pass);
}

fn prod_network(b: &mut B) {
    let default_vpc = b.vpc(None, "172.31.0.0/16", true);
    b.flow_log(&default_vpc);
    b.case("ACTIVE flow log on the VPC", VPC_FLOW_LOGS, &default_vpc, Expect::Pass);
    let dsg = b.default_sg(&default_vpc, true);
    b.case("default group with AWS's initial rules", DEFAULT_SG, &dsg, Expect::Fail);
    let dnacl = b.nacl(&default_vpc, None, true, allow_all_entries());
    b.case("default NACL allows everything", NACL_ADMIN, &dnacl, Expect::Fail);

    let app = b.vpc(Some("prod-app"), "10.20.0.0/16", false);
    b.case("no flow log", VPC_FLOW_LOGS, &app, Expect::Fail);
    let app_default = b.default_sg(&app, false);
    b.case("default group with every rule removed", DEFAULT_SG, &app_default, Expect::Pass);
    let internal = nacl_entries(vec![
        entry(100, "6", true, "10.0.0.0/8", Some((22, 22))),
        entry(110, "6", true, V4, Some((443, 443))),
        entry(120, "6", true, V4, Some((32_768, 65_535))),
    ]);
    let n = b.nacl(&app, Some("prod-app-default"), true, internal);
    b.case(
        "SSH allowed from 10.0.0.0/8 only, 0.0.0.0/0 reaches 22 only at the final deny",
        NACL_ADMIN,
        &n,
        Expect::Pass,
    );
    // Listed out of order, as an export may be: the rule number decides, not the position.
    let deny_first = nacl_entries(vec![
        entry(100, "-1", true, V4, None),
        entry(90, "6", false, V4, Some((22, 22))),
        entry(91, "6", false, V4, Some((3389, 3389))),
    ]);
    let n = b.nacl(&app, Some("deny-admin-first"), false, deny_first);
    b.case("deny 22 and 3389 at rules 90/91 before allow-all at 100", NACL_ADMIN, &n, Expect::Pass);
    let allow_first = nacl_entries(vec![entry(100, "-1", true, V4, None), entry(110, "6", false, V4, Some((22, 22)))]);
    let n = b.nacl(&app, Some("allow-first"), false, allow_first);
    b.case("allow-all at 100 before deny 22 at 110", NACL_ADMIN, &n, Expect::Fail);
    let ipv6 = nacl_entries(vec![entry(100, "-1", true, V6, None), entry(32_768, "-1", false, V6, None)]);
    let n = b.nacl(&app, Some("ipv6-open"), false, ipv6);
    b.case("allow-all from ::/0 only", NACL_ADMIN, &n, Expect::Fail);
    let high = nacl_entries(vec![entry(100, "6", true, V4, Some((1024, 65_535)))]);
    let n = b.nacl(&app, Some("ephemeral-only"), false, high);
    b.case("tcp 1024-65535 allowed from anywhere: the range holds 3389", NACL_ADMIN, &n, Expect::Fail);

    let data = b.vpc(Some("prod-data"), "10.30.0.0/16", false);
    b.flow_log(&data);
    b.case("ACTIVE flow log on the VPC", VPC_FLOW_LOGS, &data, Expect::Pass);
    b.default_sg(&data, true);
    b.nacl(&data, None, true, allow_all_entries());

    let tcp = |from, to| perm("tcp", Some((from, to)), &[V4], &[]);
    let cases: [(&str, Vec<Permission>, &'static str, [Expect; 3]); 11] = [
        (
            "bastion-range",
            vec![tcp(20, 25)],
            "tcp 20-25 from 0.0.0.0/0 (contains 22)",
            [Expect::Fail, Expect::Pass, Expect::Pass],
        ),
        (
            "legacy-wide-range",
            vec![tcp(23, 3388)],
            "tcp 23-3388 from 0.0.0.0/0 (neither 22 nor 3389; holds 1433, 1521, 3306)",
            [Expect::Pass, Expect::Fail, Expect::Pass],
        ),
        (
            "ipv6-everything",
            vec![perm("-1", None, &[], &[V6])],
            "protocol -1 from ::/0 only",
            [Expect::Fail, Expect::Fail, Expect::Fail],
        ),
        (
            "tcp-all-ports",
            vec![tcp(0, 65_535)],
            "tcp 0-65535 from 0.0.0.0/0",
            [Expect::Fail, Expect::Fail, Expect::Fail],
        ),
        (
            "internal-any",
            vec![perm("-1", None, &["10.0.0.0/8"], &[]), perm("tcp", Some((22, 22)), &["10.0.0.0/8"], &[])],
            "protocol -1 and tcp 22 from 10.0.0.0/8 only",
            [Expect::Pass, Expect::Pass, Expect::Pass],
        ),
        (
            "rdp-udp",
            vec![perm("udp", Some((3389, 3389)), &[V4], &[])],
            "udp 3389 from 0.0.0.0/0 (admin ports are tcp)",
            [Expect::Pass, Expect::Pass, Expect::Pass],
        ),
        (
            "icmp-ping",
            vec![perm("icmp", Some((-1, -1)), &[V4], &[]), perm("icmpv6", Some((-1, -1)), &[], &[V6])],
            "icmp and icmpv6, all types, from anywhere",
            [Expect::Pass, Expect::Pass, Expect::Pass],
        ),
        (
            "postgres-public",
            vec![tcp(5432, 5432)],
            "tcp 5432 from 0.0.0.0/0",
            [Expect::Pass, Expect::Fail, Expect::Pass],
        ),
        (
            "udp-all-ports",
            vec![perm("udp", Some((1, 65_535)), &[V4], &[])],
            "udp 1-65535 from 0.0.0.0/0",
            [Expect::Pass, Expect::Pass, Expect::Fail],
        ),
        (
            "rdp-ipv6",
            vec![perm("tcp", Some((3389, 3389)), &[], &[V6])],
            "tcp 3389 from ::/0",
            [Expect::Fail, Expect::Pass, Expect::Pass],
        ),
        (
            "web-public",
            vec![perm("tcp", Some((80, 80)), &[V4], &[V6]), perm("tcp", Some((443, 443)), &[V4], &[V6])],
            "tcp 80 and 443 from anywhere",
            [Expect::Pass, Expect::Pass, Expect::Pass],
        ),
    ];
    for (name, ingress, case, expect) in cases {
        let id = b.sg(name, case, &app, ingress);
        for (check, e) in [SG_ADMIN, SG_DB, SG_ALL].into_iter().zip(expect) {
            b.case(case, check, &id, e);
        }
    }
    let web = b.sgs.iter().find(|g| g.name == "web-public").map(|g| g.id.clone()).unwrap_or_default();
    let bastion = b.sgs.iter().find(|g| g.name == "bastion-range").map(|g| g.id.clone()).unwrap_or_default();
    let app_sg = b.sg(
        "app-from-web",
        "app tier",
        &app,
        vec![from_group("tcp", Some((8080, 8080)), &web), from_group("tcp", Some((22, 22)), &bastion)],
    );
    b.case("tcp 8080 and 22 from other groups only", SG_ADMIN, &app_sg, Expect::Pass);
}

fn prod_compute(b: &mut B) {
    let app = b.vpcs.iter().find(|v| v.name.as_deref() == Some("prod-app")).map(|v| v.id.clone()).unwrap_or_default();
    let web_sg = b.sgs.iter().find(|g| g.name == "web-public").map(|g| g.id.clone()).unwrap_or_default();
    let (web1, web1_root) =
        b.instance("web-1", &app, "running", metadata("required", "enabled"), &[&web_sg], true, true);
    b.case("HttpTokens required", IMDSV2, &web1, Expect::Pass);
    let (web2, web2_root) =
        b.instance("web-2", &app, "running", metadata("optional", "enabled"), &[&web_sg], false, true);
    b.case("HttpTokens optional", IMDSV2, &web2, Expect::Fail);
    let (batch, _) = b.instance("batch-worker", &app, "running", metadata("optional", "disabled"), &[], true, false);
    b.case("metadata endpoint disabled (HttpTokens optional)", IMDSV2, &batch, Expect::Pass);
    let (legacy, legacy_root) = b.instance("legacy-app", &app, "running", None, &[], false, false);
    b.case("MetadataOptions absent", IMDSV2, &legacy, Expect::Unknown);
    let (old, _) = b.instance("old-build", &app, "terminated", metadata("optional", "enabled"), &[], false, false);
    b.case("terminated instance", IMDSV2, &old, Expect::Absent);
    let (bastion, _) = b.instance("bastion", &app, "stopped", metadata("optional", "enabled"), &[], true, false);
    b.case("stopped instance, HttpTokens optional", IMDSV2, &bastion, Expect::Fail);

    if let Some(v) = &web1_root {
        b.case("encrypted root volume", EBS_UNENCRYPTED, v, Expect::Pass);
    }
    if let Some(v) = &web2_root {
        b.case("unencrypted root volume", EBS_UNENCRYPTED, v, Expect::Fail);
    }
    let loose = b.volume(false, None, 100);
    b.case("unencrypted volume not attached", EBS_UNENCRYPTED, &loose, Expect::Fail);
    let data = b.volume(true, Some(&web1), 50);
    b.case("encrypted data volume", EBS_UNENCRYPTED, &data, Expect::Pass);

    let source = legacy_root.unwrap_or_else(|| loose.clone());
    let s = b.snapshot(&source, "legacy-app image for the vendor", Ev::Ok(vec![VolumePermission::All]));
    b.case("createVolumePermission group all", SNAPSHOT_PUBLIC, &s, Expect::Fail);
    let s =
        b.snapshot(&data, "web-1 data, shared with DR account", Ev::Ok(vec![VolumePermission::User(PARTNER.into())]));
    b.case("shared with one account (UserId) only", SNAPSHOT_PUBLIC, &s, Expect::Pass);
    let s = b.snapshot(&data, "web-1 data nightly", Ev::Ok(Vec::new()));
    b.case("no createVolumePermission", SNAPSHOT_PUBLIC, &s, Expect::Pass);
    let s = b.snapshot(&loose, "scratch copy", Ev::Absent);
    b.case("no describe-snapshot-attribute export", SNAPSHOT_PUBLIC, &s, Expect::Unknown);
}

fn prod_databases(b: &mut B) {
    let data = b.vpcs.iter().find(|v| v.name.as_deref() == Some("prod-data")).map(|v| v.id.clone()).unwrap_or_default();
    let sg = b.sg("rds-private", "databases", &data, vec![perm("tcp", Some((5432, 5432)), &["10.20.0.0/16"], &[])]);
    let orders = b.db("orders-db", "postgres", &data, &sg, false, true);
    b.case("private, encrypted", RDS_PUBLIC, &orders.id, Expect::Pass);
    b.case("private, encrypted", RDS_UNENCRYPTED, &orders.id, Expect::Pass);
    let reporting = b.db("reporting-db", "postgres", &data, &sg, true, true);
    b.case("publicly accessible, encrypted", RDS_PUBLIC, &reporting.id, Expect::Fail);
    b.case("publicly accessible, encrypted", RDS_UNENCRYPTED, &reporting.id, Expect::Pass);
    let legacy = b.db("legacy-mysql", "mysql", &data, &sg, false, false);
    b.case("private, unencrypted", RDS_PUBLIC, &legacy.id, Expect::Pass);
    b.case("private, unencrypted", RDS_UNENCRYPTED, &legacy.id, Expect::Fail);
    let analytics = b.db("analytics-pg", "postgres", &data, &sg, true, false);
    b.case("publicly accessible, unencrypted", RDS_PUBLIC, &analytics.id, Expect::Fail);
    b.case("publicly accessible, unencrypted", RDS_UNENCRYPTED, &analytics.id, Expect::Fail);

    b.db_snapshot("orders-db-pre-migration", &orders, Ev::Ok(vec!["all".into()]));
    b.case("restore attribute all", RDS_SNAPSHOT_PUBLIC, "orders-db-pre-migration", Expect::Fail);
    b.db_snapshot("orders-db-dr-share", &orders, Ev::Ok(vec![PARTNER.into()]));
    b.case("restore shared with one account", RDS_SNAPSHOT_PUBLIC, "orders-db-dr-share", Expect::Pass);
    b.db_snapshot("reporting-db-2026-09", &reporting, Ev::Ok(Vec::new()));
    b.case("restore attribute empty", RDS_SNAPSHOT_PUBLIC, "reporting-db-2026-09", Expect::Pass);
    b.db_snapshot("legacy-mysql-final", &legacy, Ev::Absent);
    b.case("no describe-db-snapshot-attributes export", RDS_SNAPSHOT_PUBLIC, "legacy-mysql-final", Expect::Unknown);
}

fn prod_monitoring(b: &mut B) {
    let account = b.c.account.clone();
    let trail_group = b.s.trail_log_group.clone().unwrap_or_default();
    b.log_group(&trail_group, Some(365));
    b.case("retention 365 days", LOG_RETENTION, &trail_group, Expect::Pass);
    b.log_group("/aws/lambda/orders-api", Some(30));
    b.case("retention 30 days", LOG_RETENTION, "/aws/lambda/orders-api", Expect::Fail);
    b.log_group("/aws/rds/instance/orders-db/postgresql", None);
    b.case("never expires", LOG_RETENTION, "/aws/rds/instance/orders-db/postgresql", Expect::Pass);

    let cis = |n: &str| format!("{account}/cis-{n}");
    for (id, name, pattern) in [
        ("4.1", "UnauthorizedAPICalls", CIS_4_1),
        ("4.3", "RootAccountUsage", CIS_4_3),
        ("4.5", "CloudTrailChanges", CIS_4_5),
    ] {
        let metric = b.filter(name, &trail_group, Some(id), pattern);
        b.alarm(&format!("CIS-{id}-{name}"), &metric, "CIS AWS Foundations", true);
        let resource = cis(id);
        b.c.case(
            "filter on the trail's log group with an alarm that notifies",
            CIS_ALARMS,
            &resource,
            None,
            Expect::Pass,
        );
    }
    b.filter("IAMPolicyChanges", &trail_group, Some("4.4"), CIS_4_4);
    b.c.case("metric filter without an alarm", CIS_ALARMS, &cis("4.4"), None, Expect::Fail);
    let metric = b.filter("SecurityGroupChanges", &trail_group, Some("4.10"), CIS_4_10);
    b.alarm("CIS-4.10-SecurityGroupChanges", &metric, "CIS AWS Foundations", false);
    b.c.case("alarm without actions", CIS_ALARMS, &cis("4.10"), None, Expect::Fail);
    let metric = b.filter("ConsoleSigninWithoutMFA", "/aws/lambda/orders-api", Some("4.2"), CIS_4_2);
    b.alarm("CIS-4.2-ConsoleSigninWithoutMFA", &metric, "CIS AWS Foundations", true);
    b.c.case("filter and alarm on a log group no trail sends to", CIS_ALARMS, &cis("4.2"), None, Expect::Fail);
    b.c.case("no metric filter at all", CIS_ALARMS, &cis("4.7"), None, Expect::Fail);
    let metric = b.filter("orders-api-errors", "/aws/lambda/orders-api", None, "?ERROR ?Exception");
    b.alarm("orders-api-errors", &metric, "orders API errors", true);
}

fn prod_keys(b: &mut B) {
    let region = b.region.clone();
    let k = b.key(None, "CUSTOMER", "SYMMETRIC_DEFAULT", "Enabled", "application data", Ev::Ok(false));
    b.case("customer symmetric key, rotation off", KMS_ROTATION, &k, Expect::Fail);
    let trail_key = b.s.trail_key.clone();
    b.case("customer symmetric key, rotation on", KMS_ROTATION, &trail_key, Expect::Pass);
    let k = b.key(None, "AWS", "SYMMETRIC_DEFAULT", "Enabled", S3_KEY, Ev::Ok(true));
    b.case("AWS managed key", KMS_ROTATION, &k, Expect::Absent);
    let id = b.c.uuid();
    let denied = kms_error(
        b.c,
        &region,
        &id,
        "AccessDeniedException",
        &format!(
            "User: arn:aws:sts::{}:assumed-role/GapscopeAuditor/auditor is not authorized to perform: kms:GetKeyRotationStatus on resource: {{arn}} because no resource-based policy allows the kms:GetKeyRotationStatus action",
            b.c.account
        ),
    );
    b.key(Some(&id), "CUSTOMER", "SYMMETRIC_DEFAULT", "Enabled", "partner integration", Ev::Err(denied));
    b.case("customer key whose rotation status was refused", KMS_ROTATION, &id, Expect::Unknown);
    // Since 2024 KMS answers false for asymmetric keys instead of refusing: the describe-key
    // export, not the rotation status, keeps them out.
    let k = b.key(None, "CUSTOMER", "RSA_2048", "Enabled", "release signing", Ev::Ok(false));
    b.case("asymmetric key, rotation status false", KMS_ROTATION, &k, Expect::Absent);
    let id = b.c.uuid();
    let pending = kms_error(b.c, &region, &id, "KMSInvalidStateException", "{arn} is pending deletion.");
    b.key(Some(&id), "CUSTOMER", "SYMMETRIC_DEFAULT", "PendingDeletion", "retired", Ev::Err(pending));
    b.case("key pending deletion", KMS_ROTATION, &id, Expect::Absent);
    let k = b.key(None, "CUSTOMER", "SYMMETRIC_DEFAULT", "Disabled", "disabled after incident", Ev::Ok(false));
    b.case("disabled key, rotation off", KMS_ROTATION, &k, Expect::Absent);
}

// ---------------------------------------------------------------- prod, second region

pub(super) fn prod_secondary(b: &mut B) {
    let vpc = b.default_vpc();
    b.case("no flow log", VPC_FLOW_LOGS, &vpc, Expect::Fail);
    b.sg("lb-public", "load balancer", &vpc, vec![perm("tcp", Some((443, 443)), &[V4], &[V6])]);
    let (i, _) = b.instance("reporting-worker", &vpc, "running", metadata("required", "enabled"), &[], true, false);
    b.case("HttpTokens required", IMDSV2, &i, Expect::Pass);
    b.log_group("/aws/lambda/edge-auth", Some(90));
    b.case("retention 90 days", LOG_RETENTION, "/aws/lambda/edge-auth", Expect::Fail);
    b.key(None, "AWS", "SYMMETRIC_DEFAULT", "Enabled", S3_KEY, Ev::Ok(true));
    b.ebs_default = Ev::Ok(false);
    let r = format!("{}/{}", b.c.account, b.region);
    b.case("EBS encryption by default off", EBS_DEFAULT, &r, Expect::Fail);
    b.recorder(false);
    b.case("recorder present but stopped", CONFIG_RECORDER, &r, Expect::Fail);
}
