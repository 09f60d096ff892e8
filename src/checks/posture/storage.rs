//! Storage: EBS and RDS encryption, public snapshots and databases, S3 public access, default
//! encryption and HTTPS-only policies (CIS AWS 2.1.1, 2.1.4, 2.2.1, 2.3.1, 2.3.3).

use super::{EvidenceRef, Outcome, Rule, Status, merge_copies, outcome, policy, region_resource};
use crate::config::Thresholds;
use crate::facts::Facts;
use crate::facts::posture::{BucketEvidence, SnapshotEvidence};
use crate::formats::aws::posture::model::PublicAccessBlock;
use crate::formats::aws::posture::{PostureExport, PostureKind};

pub(super) const RULES: &[Rule] = &[
    Rule { id: "aws.ec2.ebs_unencrypted", evaluate: ebs_unencrypted },
    Rule { id: "aws.ec2.ebs_default_encryption", evaluate: ebs_default_encryption },
    Rule { id: "aws.ec2.snapshot_public", evaluate: snapshot_public },
    Rule { id: "aws.rds.public", evaluate: rds_public },
    Rule { id: "aws.rds.unencrypted", evaluate: rds_unencrypted },
    Rule { id: "aws.rds.snapshot_public", evaluate: rds_snapshot_public },
    Rule { id: "aws.s3.account_public_access_block", evaluate: account_public_access_block },
    Rule { id: "aws.s3.bucket_public", evaluate: bucket_public },
    Rule { id: "aws.s3.bucket_default_encryption", evaluate: bucket_default_encryption },
    Rule { id: "aws.s3.bucket_deny_http", evaluate: bucket_deny_http },
];

fn ebs_unencrypted(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for file in facts.posture.of(PostureKind::Volumes) {
        let PostureExport::Volumes(volumes) = &file.export else { continue };
        for (i, volume) in volumes.iter().enumerate() {
            let (status, detail) = match volume.encrypted {
                Some(true) => (
                    Status::Pass,
                    format!(
                        "encrypted{}",
                        volume.kms_key_id.as_ref().map(|k| format!(" with {k}")).unwrap_or_default()
                    ),
                ),
                Some(false) => (Status::Fail, "Encrypted = false".to_string()),
                None => (Status::Unknown, "the export has no Encrypted".to_string()),
            };
            outcomes.push(outcome(check, status, &volume.volume_id, file, format!("Volumes[{i}]"), detail));
        }
    }
    merge_copies(outcomes)
}

fn ebs_default_encryption(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let outcomes = facts
        .posture
        .of(PostureKind::EbsDefault)
        .filter_map(|file| {
            let PostureExport::EbsDefault(on) = file.export else { return None };
            let resource = region_resource(file.account.as_deref(), file.region.as_deref());
            Some(if on {
                outcome(check, Status::Pass, resource, file, "EbsEncryptionByDefault", "EbsEncryptionByDefault = true")
            } else {
                let detail =
                    "EbsEncryptionByDefault = false: new volumes in this region are not encrypted unless asked";
                outcome(check, Status::Fail, resource, file, "EbsEncryptionByDefault", detail)
            })
        })
        .collect();
    merge_copies(outcomes)
}

/// Who may restore a snapshot: `all` is anyone with an AWS account.
fn snapshot_outcome(
    check: &'static str,
    id: &str,
    snapshot: &SnapshotEvidence,
    attribute_command: &str,
) -> Option<Outcome> {
    let (status, detail, evidence) = match (&snapshot.shared_with, &snapshot.listed) {
        (Some((who, evidence)), _) => {
            let (status, detail) = if who.iter().any(|w| w == "all") {
                (Status::Fail, "shared with group all: anyone can copy or restore it".to_string())
            } else if who.is_empty() {
                (Status::Pass, "not shared".to_string())
            } else {
                (Status::Pass, format!("shared only with account(s) {}", who.join(", ")))
            };
            (status, detail, evidence.clone())
        }
        (None, Some(listed)) => {
            (Status::Unknown, format!("no {attribute_command} export for this snapshot"), listed.clone())
        }
        (None, None) => return None,
    };
    Some(Outcome {
        check,
        status,
        resource: id.to_string(),
        account: snapshot.account.clone(),
        region: snapshot.region.clone(),
        detail,
        evidence: vec![evidence],
        since: None,
    })
}

fn snapshot_public(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let outcomes = facts
        .posture
        .ebs_snapshots
        .iter()
        .filter_map(|(id, s)| {
            snapshot_outcome(check, id, s, "describe-snapshot-attribute --attribute createVolumePermission")
        })
        .collect();
    merge_copies(outcomes)
}

fn rds_snapshot_public(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let outcomes = facts
        .posture
        .db_snapshots
        .iter()
        .filter_map(|((_, id), s)| snapshot_outcome(check, id, s, "rds describe-db-snapshot-attributes"))
        .collect();
    merge_copies(outcomes)
}

fn per_db(
    facts: &Facts,
    check: &'static str,
    judge: impl Fn(&crate::formats::aws::posture::model::DbInstance) -> (Status, String),
) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for file in facts.posture.of(PostureKind::DbInstances) {
        let PostureExport::DbInstances(instances) = &file.export else { continue };
        for (i, db) in instances.iter().enumerate() {
            let (status, detail) = judge(db);
            outcomes.push(outcome(check, status, &db.identifier, file, format!("DBInstances[{i}]"), detail));
        }
    }
    merge_copies(outcomes)
}

fn rds_public(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_db(facts, check, |db| match db.publicly_accessible {
        Some(true) => (Status::Fail, "PubliclyAccessible = true: the endpoint resolves to a public address".into()),
        Some(false) => (Status::Pass, "PubliclyAccessible = false".into()),
        None => (Status::Unknown, "the export has no PubliclyAccessible".into()),
    })
}

fn rds_unencrypted(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_db(facts, check, |db| match db.storage_encrypted {
        Some(true) => (Status::Pass, "StorageEncrypted = true".into()),
        Some(false) => (Status::Fail, "StorageEncrypted = false".into()),
        None => (Status::Unknown, "the export has no StorageEncrypted".into()),
    })
}

fn off_settings(block: &PublicAccessBlock) -> Vec<&'static str> {
    block.settings().into_iter().filter(|(_, on)| *on != Some(true)).map(|(name, _)| name).collect()
}

fn account_public_access_block(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    facts
        .posture
        .account_blocks
        .iter()
        .map(|(account, (block, evidence))| {
            let off = off_settings(block);
            let (status, detail) = if off.is_empty() {
                (Status::Pass, "all four account-level settings are on".to_string())
            } else if *block == PublicAccessBlock::NONE {
                (Status::Fail, "no account-level public access block is configured".to_string())
            } else {
                (Status::Fail, format!("off or not set: {}", off.join(", ")))
            };
            Outcome {
                check,
                status,
                resource: account.clone(),
                account: Some(account.clone()),
                region: None,
                detail,
                evidence: vec![evidence.clone()],
                since: None,
            }
        })
        .collect()
}

/// Every bucket the exports name, as a result of `check` judged by `judge`.
fn per_bucket(
    facts: &Facts,
    check: &'static str,
    judge: impl Fn(&BucketEvidence) -> (Status, String, Vec<EvidenceRef>),
) -> Vec<Outcome> {
    facts
        .posture
        .buckets
        .iter()
        .map(|(name, bucket)| {
            let (status, detail, mut evidence) = judge(bucket);
            if evidence.is_empty() {
                evidence.extend(bucket.listed.iter().cloned());
            }
            Outcome {
                check,
                status,
                resource: name.clone(),
                account: bucket.account.clone(),
                region: None,
                detail,
                evidence,
                since: None,
            }
        })
        .collect()
}

fn bucket_public(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_bucket(facts, check, |bucket| {
        let account_block = bucket.account.as_ref().and_then(|a| facts.posture.account_blocks.get(a));
        let mut evidence = Vec::new();
        let mut blocked_by = |setting: fn(&PublicAccessBlock) -> Option<bool>| -> Option<&'static str> {
            if let Some((block, e)) = &bucket.block
                && setting(block) == Some(true)
            {
                evidence.push(e.clone());
                return Some("the bucket's");
            }
            if let Some((block, e)) = account_block
                && setting(block) == Some(true)
            {
                evidence.push(e.clone());
                return Some("the account's");
            }
            None
        };
        let policy_blocked = blocked_by(|b| b.restrict_public_buckets);
        let acl_blocked = blocked_by(|b| b.ignore_public_acls);
        // What the policy says: AWS's own verdict (policy status) first, else the statements read here.
        let by_policy: Option<(bool, String)> = match (&bucket.status, &bucket.policy) {
            (Some((status, e)), _) if status.is_public.is_some() => {
                evidence.push(e.clone());
                let public = status.is_public == Some(true);
                Some((public, format!("get-bucket-policy-status IsPublic = {public}")))
            }
            (_, Some((Some(doc), e))) => {
                evidence.push(e.clone());
                Some(match policy::public_allow(doc) {
                    Some(i) => (true, format!("policy Statement[{i}] allows Principal * with no condition")),
                    None => (false, "no policy statement allows everyone unconditionally".into()),
                })
            }
            (_, Some((None, e))) => {
                evidence.push(e.clone());
                Some((false, "the bucket has no policy".into()))
            }
            _ => None,
        };
        let by_acl: Option<(bool, String)> = bucket.acl.as_ref().map(|(grants, e)| {
            evidence.push(e.clone());
            let public: Vec<String> = grants
                .iter()
                .filter_map(|g| Some(format!("{} to {}", g.permission.as_deref().unwrap_or("?"), g.public_group()?)))
                .collect();
            if public.is_empty() {
                (false, "the ACL grants nothing to AllUsers or AuthenticatedUsers".to_string())
            } else {
                (true, format!("the ACL grants {}", public.join(", ")))
            }
        });
        let mut reasons = Vec::new();
        let mut public = false;
        let mut known = true;
        for (side, found, blocked, setting) in [
            ("policy", by_policy, policy_blocked, "RestrictPublicBuckets"),
            ("ACL", by_acl, acl_blocked, "IgnorePublicAcls"),
        ] {
            match (found, blocked) {
                (Some((true, why)), Some(whose)) => {
                    reasons.push(format!("{why}, but {whose} {setting} neutralises it"))
                }
                (Some((true, why)), None) => {
                    public = true;
                    reasons.push(why);
                }
                (Some((false, why)), _) => reasons.push(why),
                (None, Some(whose)) => {
                    reasons.push(format!("{side} not exported, but {whose} {setting} neutralises any"))
                }
                (None, None) => {
                    known = false;
                    reasons.push(format!("{side} not exported"));
                }
            }
        }
        let status = if public {
            Status::Fail
        } else if known {
            Status::Pass
        } else {
            Status::Unknown
        };
        evidence.sort();
        evidence.dedup();
        (status, reasons.join("; "), evidence)
    })
}

fn bucket_default_encryption(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_bucket(facts, check, |bucket| match &bucket.encryption {
        Some((Some(config), e)) => {
            let algorithms: Vec<&str> = config
                .rules
                .iter()
                .flatten()
                .filter_map(|r| r.apply_server_side_encryption_by_default.as_ref()?.algorithm.as_deref())
                .collect();
            if algorithms.is_empty() {
                (Status::Fail, "the encryption configuration names no SSEAlgorithm".into(), vec![e.clone()])
            } else {
                (Status::Pass, format!("default encryption {}", algorithms.join(", ")), vec![e.clone()])
            }
        }
        Some((None, e)) => (
            Status::Fail,
            "ServerSideEncryptionConfigurationNotFoundError: no default encryption".into(),
            vec![e.clone()],
        ),
        None => (Status::Unknown, "no get-bucket-encryption export for this bucket".into(), Vec::new()),
    })
}

fn bucket_deny_http(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_bucket(facts, check, |bucket| match &bucket.policy {
        Some((Some(doc), e)) => match policy::denies_insecure_transport(doc) {
            Some(i) => (
                Status::Pass,
                format!("policy Statement[{i}] denies s3:* when aws:SecureTransport is false"),
                vec![e.clone()],
            ),
            None => (
                Status::Fail,
                "the policy has no Deny on aws:SecureTransport = false: plain HTTP is accepted".into(),
                vec![e.clone()],
            ),
        },
        Some((None, e)) => {
            (Status::Fail, "the bucket has no policy, so plain HTTP requests are accepted".into(), vec![e.clone()])
        }
        None => (Status::Unknown, "no get-bucket-policy export for this bucket".into(), Vec::new()),
    })
}
