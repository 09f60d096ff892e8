//! One month's exports of one account, as the AWS CLI writes them: the credential report
//! (`aws iam get-credential-report`, `GeneratedTime` at 12:00:00Z of the snapshot day), security
//! groups, RDS instances, the S3 list, public access blocks and policy status, and the trail's
//! describe-trails and get-trail-status; and the Entra tenant's users and registration details.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;
use base64::Engine as _;
use serde_json::{Value, json};

use super::plan::{Account, REGION, ROTATION_DAYS, TRAIL, World, failing_at};
use crate::cloudtrail::exports::cli_json;
use crate::common::{DAY, zulu};
use crate::credentials::HEADER;

/// `2026-09-30T17:45:12+00:00`, the credential report's spelling.
fn report_time(t: i64) -> Result<String> {
    Ok(zulu(t)?.replace('Z', "+00:00"))
}

/// The credential report's CSV at `t`: root, then every user present, in plan order.
pub(crate) fn credential_csv(a: &Account, t: i64) -> Result<String> {
    let mut s = String::from(HEADER);
    let root_created = report_time(t - 900 * DAY)?;
    write!(
        s,
        "\n<root_account>,arn:aws:iam::{}:root,{root_created},not_supported,no_information,not_supported,\
         not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        a.id
    )?;
    for u in a.users.iter().filter(|u| u.present_at(t)) {
        write!(s, "\n{},{},{}", u.name, a.user_arn(&u.name), report_time(u.created)?)?;
        if u.console {
            // Signed in the day before the report (never before the user existed).
            let used = (t - DAY - 3_600).max(u.created);
            write!(s, ",true,{},{},N/A", report_time(used)?, report_time(u.created)?)?;
        } else {
            s.push_str(",false,N/A,N/A,N/A");
        }
        s.push_str(if u.console && !failing_at(&u.mfa_off, t) { ",true" } else { ",false" });
        match u.key.as_ref().and_then(|k| k.rotated_at(t).map(|r| (k, r))) {
            Some((k, rotated)) => {
                let active = k.active_at(t);
                let used = if active { (t - 5 * 3_600).max(rotated) } else { k.deactivated.unwrap_or(t) - 3_600 };
                let used = used.max(rotated);
                let flag = if active { "true" } else { "false" };
                write!(s, ",{flag},{},{},{REGION},s3", report_time(rotated)?, report_time(used)?)?;
            }
            None => s.push_str(",false,N/A,N/A,N/A,N/A"),
        }
        s.push_str(",false,N/A,N/A,N/A,N/A,false,N/A,false,N/A");
    }
    Ok(s)
}

/// `aws iam get-credential-report`, generated at `t`.
pub(crate) fn credential_report(a: &Account, t: i64) -> Result<Vec<u8>> {
    let content = base64::engine::general_purpose::STANDARD.encode(credential_csv(a, t)?);
    let body = json!({"Content": content, "GeneratedTime": zulu(t)?, "ReportFormat": "text/csv"});
    cli_json(&body)
}

fn security_groups(a: &Account, t: i64) -> Value {
    let groups: Vec<Value> = a
        .groups
        .iter()
        .map(|g| {
            let mut ingress = vec![json!({"FromPort": 443, "IpProtocol": "tcp",
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}], "Ipv6Ranges": [],
                "PrefixListIds": [], "ToPort": 443, "UserIdGroupPairs": []})];
            if failing_at(&g.open, t) {
                ingress.push(json!({"FromPort": 22, "IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [], "PrefixListIds": [], "ToPort": 22, "UserIdGroupPairs": []}));
            }
            json!({"Description": format!("{} servers", g.name), "GroupName": g.name, "IpPermissions": ingress,
                "OwnerId": a.id, "GroupId": g.id,
                "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                    "PrefixListIds": [], "UserIdGroupPairs": []}],
                "VpcId": "vpc-0a1b2c3d4e5f60718"})
        })
        .collect();
    json!({"SecurityGroups": groups})
}

fn db_instances(a: &Account, t: i64) -> Value {
    let dbs: Vec<Value> = a
        .dbs
        .iter()
        .map(|d| {
            json!({"DBInstanceIdentifier": d.id, "DBInstanceClass": "db.t4g.medium", "Engine": "postgres",
                "DBInstanceStatus": "available", "MasterUsername": "app",
                "Endpoint": {"Address": format!("{}.c9akciq32.{REGION}.rds.amazonaws.com", d.id), "Port": 5432},
                "PubliclyAccessible": failing_at(&d.public, t), "StorageEncrypted": true,
                "DBInstanceArn": format!("arn:aws:rds:{REGION}:{}:db:{}", a.id, d.id)})
        })
        .collect();
    json!({"DBInstances": dbs})
}

fn block() -> Value {
    json!({"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true,
        "BlockPublicPolicy": true, "RestrictPublicBuckets": true}})
}

fn trail_status(a: &Account, t: i64) -> Result<Value> {
    let logging = !failing_at(&a.trail_stopped, t);
    let mut status = json!({"IsLogging": logging, "LatestDeliveryTime": zulu(t - 300)?,
        "StartLoggingTime": zulu(t - 700 * DAY)?, "TimeLoggingStarted": zulu(t - 700 * DAY)?});
    // The last stop before the snapshot, as get-trail-status reports it.
    if let Some(stop) = a.trail_stopped.iter().filter(|s| s.from <= t).map(|s| s.from).max()
        && let Some(map) = status.as_object_mut()
    {
        map.insert("StopLoggingTime".into(), zulu(stop)?.into());
    }
    Ok(status)
}

/// Every file of account `a`'s snapshot at `t` (report generated at `t`), by path under its
/// account folder.
pub(crate) fn account_files(a: &Account, t: i64) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    files.insert("get-credential-report.json".to_owned(), credential_report(a, t)?);
    files.insert(format!("{REGION}/ec2-describe-security-groups.json"), cli_json(&security_groups(a, t))?);
    files.insert(format!("{REGION}/rds-describe-db-instances.json"), cli_json(&db_instances(a, t))?);
    let list = json!({"Buckets": [{"Name": a.bucket, "CreationDate": zulu(t - 800 * DAY)?}],
        "Owner": {"ID": format!("{:0>64}", a.id)}});
    files.insert("global/s3api-list-buckets.json".to_owned(), cli_json(&list)?);
    files.insert(format!("global/s3control-get-public-access-block-{}.json", a.id), cli_json(&block())?);
    files.insert(format!("global/s3api-get-public-access-block-{}.json", a.bucket), cli_json(&block())?);
    let status = json!({"PolicyStatus": {"IsPublic": false}});
    files.insert(format!("global/s3api-get-bucket-policy-status-{}.json", a.bucket), cli_json(&status)?);
    let trails = json!({"trailList": [{"Name": TRAIL, "S3BucketName": format!("cloudtrail-{}", a.id),
        "IncludeGlobalServiceEvents": true, "IsMultiRegionTrail": true, "HomeRegion": REGION,
        "TrailARN": a.trail_arn(), "LogFileValidationEnabled": true,
        "KmsKeyId": format!("arn:aws:kms:{REGION}:{}:key/5c1e0d5a-6f2b-4c4e-9d3a-1b2c3d4e5f60", a.id),
        "HasCustomEventSelectors": false, "HasInsightSelectors": false, "IsOrganizationTrail": false}]});
    files.insert(format!("{REGION}/cloudtrail-describe-trails.json"), cli_json(&trails)?);
    files.insert(format!("{REGION}/cloudtrail-get-trail-status-{TRAIL}.json"), cli_json(&trail_status(a, t)?)?);
    Ok(files)
}

/// The key-rotation verdict the report at `t` gives a key last rotated at `rotated`.
pub(crate) fn rotation_fails(rotated: i64, t: i64) -> bool {
    (t - rotated).div_euclid(DAY) > ROTATION_DAYS
}

const GRAPH: &str = "https://graph.microsoft.com/v1.0/$metadata";

/// The tenant's Graph exports at `t`: users with signInActivity, and userRegistrationDetails.
pub(crate) fn entra_files(w: &World, t: i64) -> Result<BTreeMap<String, Vec<u8>>> {
    let present: Vec<_> = w.entra.iter().filter(|u| u.created <= t).collect();
    let mut users = Vec::new();
    let mut registrations = Vec::new();
    for u in &present {
        // Signed in the day before the export, or last on the stale user's fixed day (if before it).
        let last = u.last_sign_in.map_or(t - DAY, |l| l.min(t - DAY)).max(u.created);
        users.push(json!({"id": u.id, "userPrincipalName": u.upn, "displayName": u.upn.split('@').next(),
            "userType": "Member", "accountEnabled": true, "createdDateTime": zulu(u.created)?,
            "externalUserState": null, "onPremisesSyncEnabled": null,
            "signInActivity": {"lastSignInDateTime": zulu(last)?, "lastNonInteractiveSignInDateTime": zulu(last)?,
                "lastSuccessfulSignInDateTime": zulu(last)?}}));
        registrations.push(json!({"id": u.id, "userPrincipalName": u.upn, "userDisplayName": u.upn.split('@').next(),
            "userType": "member", "isAdmin": false, "isMfaCapable": true, "isMfaRegistered": true,
            "isPasswordlessCapable": false, "isSsprRegistered": true,
            "methodsRegistered": ["microsoftAuthenticatorPush"], "lastUpdatedDateTime": zulu(u.created + DAY)?}));
    }
    let context = "users(id,userPrincipalName,displayName,userType,accountEnabled,createdDateTime,externalUserState,onPremisesSyncEnabled,signInActivity)";
    let users = json!({"@odata.context": format!("{GRAPH}#{context}"), "value": users});
    let registrations = json!({"@odata.context": format!("{GRAPH}#reports/authenticationMethods/userRegistrationDetails"),
        "value": registrations});
    let mut files = BTreeMap::new();
    files.insert("graph-users.json".to_owned(), serde_json::to_vec_pretty(&users)?);
    files.insert("graph-userRegistrationDetails.json".to_owned(), serde_json::to_vec_pretty(&registrations)?);
    Ok(files)
}
