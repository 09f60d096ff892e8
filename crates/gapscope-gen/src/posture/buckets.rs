//! The S3 part of the account design: each account's public access block and buckets, with
//! every bucket's five exports succeeding, failing with an error that is evidence
//! (NoSuchBucketPolicy, NoSuchPublicAccessBlockConfiguration,
//! ServerSideEncryptionConfigurationNotFoundError) or refused (AccessDenied), and the cases of
//! the bucket checks.

use super::design::{Ctx, Expect, WORDS};
use super::model::{
    ALL_USERS, AUTHENTICATED_USERS, Account, ApiError, Bpa, Bucket, Condition, Document, Effect, Ev, Grant, Grantee,
    LOG_DELIVERY, NO_BUCKET_POLICY, NO_ENCRYPTION, NO_PUBLIC_ACCESS_BLOCK, Principal, Sse, Statement, Strs,
};
use super::oracle::{ACCOUNT_BPA, BUCKET_DENY_HTTP, BUCKET_ENCRYPTION, BUCKET_PUBLIC};
use super::principals::doc;
use super::regions::Shared;

/// What one bucket's exports say.
struct BucketSpec {
    suffix: &'static str,
    bpa: Ev<Bpa>,
    policy: Ev<Document>,
    status: Option<Ev<bool>>,
    encryption: Ev<Sse>,
    acl: Ev<Vec<Grant>>,
}

fn s3_statement(effect: Effect, principal: Principal, actions: Strs, resources: Strs) -> Statement {
    Statement { sid: None, effect, principal: Some(principal), actions, resources, condition: None }
}

fn deny_http(bucket: &str, boolean: bool) -> Statement {
    let resources = Strs::Many(vec![format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]);
    let mut s = s3_statement(Effect::Deny, Principal::Star, Strs::one("s3:*"), resources);
    s.sid = Some("DenyInsecureTransport".into());
    s.condition = Some(Condition::SecureTransportFalse { boolean });
    s
}

fn public_read(bucket: &str, principal: Principal) -> Statement {
    let mut s = s3_statement(
        Effect::Allow,
        principal,
        Strs::one("s3:GetObject"),
        Strs::One(format!("arn:aws:s3:::{bucket}/*")),
    );
    s.sid = Some("PublicReadGetObject".into());
    s
}

fn cloudtrail_policy(bucket: &str, account: &str, trail_arn: &str) -> Document {
    let service = || Principal::Service("cloudtrail.amazonaws.com".into());
    let mut check = s3_statement(
        Effect::Allow,
        service(),
        Strs::one("s3:GetBucketAcl"),
        Strs::One(format!("arn:aws:s3:::{bucket}")),
    );
    check.sid = Some("AWSCloudTrailAclCheck".into());
    check.condition = Some(Condition::SourceArn(trail_arn.to_owned()));
    let target = format!("arn:aws:s3:::{bucket}/AWSLogs/{account}/*");
    let mut write = s3_statement(Effect::Allow, service(), Strs::one("s3:PutObject"), Strs::One(target));
    write.sid = Some("AWSCloudTrailWrite".into());
    write.condition = Some(Condition::AclBucketOwnerFullControl);
    doc(vec![check, write, deny_http(bucket, false)], false)
}

fn no_policy() -> ApiError {
    ApiError::new(NO_BUCKET_POLICY, 404, "The bucket policy does not exist")
}

fn no_block() -> ApiError {
    ApiError::new(NO_PUBLIC_ACCESS_BLOCK, 404, "The public access block configuration was not found")
}

fn denied() -> ApiError {
    ApiError::new("AccessDenied", 403, "Access Denied")
}

pub(super) fn buckets(c: &mut Ctx, index: usize, account: &mut Account, shared: &Shared) {
    let id = account.id.clone();
    let name = account.name.clone();
    let kms = Sse {
        algorithm: "aws:kms",
        kms_key: Some(format!("arn:aws:kms:{}:{id}:key/{}", account.home, shared.trail_key)),
        bucket_key: true,
    };
    let aes = Sse { algorithm: "AES256", kms_key: None, bucket_key: false };
    let owner = vec![Grant { grantee: Grantee::Owner, permission: "FULL_CONTROL" }];
    let with = |extra: Vec<Grant>| owner.iter().cloned().chain(extra).collect::<Vec<Grant>>();
    let all_users_read = || Grant { grantee: Grantee::Group(ALL_USERS), permission: "READ" };
    let ignore_off = Bpa { ignore_public_acls: false, ..Bpa::ALL };
    let bucket = |suffix: &str| format!("{name}-{suffix}");
    let trail_arn =
        format!("arn:aws:cloudtrail:{}:{id}:trail/{}", account.home, account.trails.first().map_or("", |t| &t.name));

    let mut specs: Vec<BucketSpec> = Vec::new();
    // Every account keeps its trail's bucket: private, encrypted, denying plain HTTP.
    specs.push(BucketSpec {
        suffix: "cloudtrail-logs",
        bpa: Ev::Ok(Bpa::ALL),
        policy: Ev::Ok(cloudtrail_policy(&shared.trail_bucket, &id, &trail_arn)),
        status: None,
        encryption: Ev::Ok(kms.clone()),
        acl: Ev::Ok(owner.clone()),
    });
    let pab = |c: &mut Ctx, b: &str, case, check, e| c.case(case, check, b, None, e);
    match index {
        0 => {
            // One of the four account settings off: IgnorePublicAcls. RestrictPublicBuckets stays on,
            // so a public policy is neutralised here while a public ACL is not.
            account.account_bpa = Ev::Ok(Bpa { ignore_public_acls: false, ..Bpa::ALL });
            c.case("IgnorePublicAcls false, the other three true", ACCOUNT_BPA, &id, None, Expect::Fail);
            let downloads = bucket("legacy-downloads");
            pab(
                c,
                &downloads,
                "ACL grants AllUsers READ, IgnorePublicAcls false on bucket and account",
                BUCKET_PUBLIC,
                Expect::Fail,
            );
            pab(c, &downloads, "no bucket policy (NoSuchBucketPolicy)", BUCKET_DENY_HTTP, Expect::Fail);
            specs.push(BucketSpec {
                suffix: "legacy-downloads",
                bpa: Ev::Ok(ignore_off),
                policy: Ev::Err(no_policy()),
                status: None,
                encryption: Ev::Ok(aes.clone()),
                acl: Ev::Ok(with(vec![all_users_read()])),
            });
            let site = bucket("website-assets");
            pab(
                c,
                &site,
                "public by policy status, neutralised by the account's RestrictPublicBuckets",
                BUCKET_PUBLIC,
                Expect::Pass,
            );
            pab(c, &site, "policy without a Deny on aws:SecureTransport", BUCKET_DENY_HTTP, Expect::Fail);
            specs.push(BucketSpec {
                suffix: "website-assets",
                bpa: Ev::Err(no_block()),
                policy: Ev::Ok(doc(vec![public_read(&site, Principal::Star)], false)),
                status: None,
                encryption: Ev::Ok(aes.clone()),
                acl: Ev::Ok(owner.clone()),
            });
            let uploads = bucket("app-uploads");
            pab(c, &uploads, "no bucket policy (NoSuchBucketPolicy)", BUCKET_DENY_HTTP, Expect::Fail);
            pab(c, &uploads, "ServerSideEncryptionConfigurationNotFoundError", BUCKET_ENCRYPTION, Expect::Fail);
            specs.push(BucketSpec {
                suffix: "app-uploads",
                bpa: Ev::Ok(Bpa::ALL),
                policy: Ev::Err(no_policy()),
                status: None,
                encryption: Ev::Err(ApiError::new(
                    NO_ENCRYPTION,
                    404,
                    "The server side encryption configuration was not found",
                )),
                acl: Ev::Ok(owner.clone()),
            });
            let audit = bucket("audit-archive");
            pab(c, &audit, "get-bucket-policy AccessDenied: no policy evidence", BUCKET_DENY_HTTP, Expect::Unknown);
            pab(c, &audit, "default encryption aws:kms", BUCKET_ENCRYPTION, Expect::Pass);
            specs.push(BucketSpec {
                suffix: "audit-archive",
                bpa: Ev::Ok(Bpa::ALL),
                policy: Ev::Err(denied()),
                status: Some(Ev::Ok(false)),
                encryption: Ev::Ok(kms.clone()),
                acl: Ev::Ok(owner.clone()),
            });
            let lake = bucket("data-lake");
            pab(c, &lake, "Deny on aws:SecureTransport given as the boolean false", BUCKET_DENY_HTTP, Expect::Pass);
            let mut reader = s3_statement(
                Effect::Allow,
                Principal::Aws(Strs::One(format!("arn:aws:iam::{id}:role/reporting"))),
                Strs::many(&["s3:GetObject", "s3:ListBucket"]),
                Strs::Many(vec![format!("arn:aws:s3:::{lake}"), format!("arn:aws:s3:::{lake}/*")]),
            );
            reader.sid = Some("ReportingRead".into());
            let log_delivery = Grant { grantee: Grantee::Group(LOG_DELIVERY), permission: "WRITE" };
            specs.push(BucketSpec {
                suffix: "data-lake",
                bpa: Ev::Ok(Bpa::ALL),
                policy: Ev::Ok(doc(vec![reader, deny_http(&lake, true)], false)),
                status: None,
                encryption: Ev::Ok(Sse { algorithm: "aws:kms:dsse", ..kms.clone() }),
                acl: Ev::Ok(with(vec![log_delivery])),
            });
        }
        1 => {
            account.account_bpa = Ev::Ok(Bpa::ALL);
            c.case("all four account settings true", ACCOUNT_BPA, &id, None, Expect::Pass);
            let site = bucket("static-site");
            pab(
                c,
                &site,
                "Principal {\"AWS\": \"*\"}, bucket block all false, account block all true",
                BUCKET_PUBLIC,
                Expect::Pass,
            );
            specs.push(BucketSpec {
                suffix: "static-site",
                bpa: Ev::Ok(Bpa::NONE),
                policy: Ev::Ok(doc(vec![public_read(&site, Principal::Aws(Strs::one("*")))], false)),
                status: None,
                encryption: Ev::Ok(aes.clone()),
                acl: Ev::Ok(owner.clone()),
            });
            let state = bucket("terraform-state");
            pab(c, &state, "Deny on aws:SecureTransport given as the string \"false\"", BUCKET_DENY_HTTP, Expect::Pass);
            specs.push(BucketSpec {
                suffix: "terraform-state",
                bpa: Ev::Ok(Bpa::ALL),
                policy: Ev::Ok(doc(vec![deny_http(&state, false)], false)),
                status: None,
                encryption: Ev::Ok(kms.clone()),
                acl: Ev::Ok(owner.clone()),
            });
            let scratch = bucket("scratch");
            pab(c, &scratch, "no bucket policy (NoSuchBucketPolicy)", BUCKET_DENY_HTTP, Expect::Fail);
            specs.push(BucketSpec {
                suffix: "scratch",
                bpa: Ev::Err(no_block()),
                policy: Ev::Err(no_policy()),
                status: None,
                encryption: Ev::Ok(aes.clone()),
                acl: Ev::Ok(owner.clone()),
            });
        }
        _ => {
            account.account_bpa = Ev::Err(no_block());
            c.case(
                "no account-level block (NoSuchPublicAccessBlockConfiguration)",
                ACCOUNT_BPA,
                &id,
                None,
                Expect::Fail,
            );
            let share = bucket("public-share");
            pab(
                c,
                &share,
                "policy Allow Principal \"*\" without a condition, no block anywhere",
                BUCKET_PUBLIC,
                Expect::Fail,
            );
            specs.push(BucketSpec {
                suffix: "public-share",
                bpa: Ev::Err(no_block()),
                policy: Ev::Ok(doc(vec![public_read(&share, Principal::Star)], false)),
                status: None,
                encryption: Ev::Ok(aes.clone()),
                acl: Ev::Ok(owner.clone()),
            });
            let drop = bucket("partner-drop");
            pab(c, &drop, "Principal \"*\" limited by aws:PrincipalOrgID: not public", BUCKET_PUBLIC, Expect::Pass);
            pab(c, &drop, "Deny on aws:SecureTransport given as the string \"false\"", BUCKET_DENY_HTTP, Expect::Pass);
            let mut org = s3_statement(
                Effect::Allow,
                Principal::Star,
                Strs::many(&["s3:PutObject", "s3:GetObject"]),
                Strs::One(format!("arn:aws:s3:::{drop}/*")),
            );
            org.sid = Some("OrganizationAccess".into());
            org.condition = Some(Condition::PrincipalOrgId(format!("o-{}", c.hex(10))));
            specs.push(BucketSpec {
                suffix: "partner-drop",
                bpa: Ev::Ok(Bpa::NONE),
                policy: Ev::Ok(doc(vec![org, deny_http(&drop, false)], false)),
                status: None,
                encryption: Ev::Ok(aes.clone()),
                acl: Ev::Ok(owner.clone()),
            });
            let ignored = bucket("ignored-acl");
            pab(
                c,
                &ignored,
                "ACL grants AllUsers and AuthenticatedUsers, bucket IgnorePublicAcls true",
                BUCKET_PUBLIC,
                Expect::Pass,
            );
            let authenticated = Grant { grantee: Grantee::Group(AUTHENTICATED_USERS), permission: "READ" };
            specs.push(BucketSpec {
                suffix: "ignored-acl",
                bpa: Ev::Ok(Bpa::ALL),
                policy: Ev::Ok(doc(vec![deny_http(&ignored, true)], false)),
                status: None,
                encryption: Ev::Ok(aes.clone()),
                acl: Ev::Ok(with(vec![all_users_read(), authenticated])),
            });
            let finance = bucket("finance-exports");
            pab(c, &finance, "every bucket export AccessDenied, no block", BUCKET_PUBLIC, Expect::Unknown);
            pab(c, &finance, "get-bucket-policy AccessDenied", BUCKET_DENY_HTTP, Expect::Unknown);
            pab(c, &finance, "no get-bucket-encryption export at all", BUCKET_ENCRYPTION, Expect::Unknown);
            specs.push(BucketSpec {
                suffix: "finance-exports",
                bpa: Ev::Err(denied()),
                policy: Ev::Err(denied()),
                status: Some(Ev::Err(denied())),
                encryption: Ev::Absent,
                acl: Ev::Err(denied()),
            });
        }
    }
    let mut buckets: Vec<Bucket> = specs
        .into_iter()
        .map(|s| {
            let bucket_name =
                if s.suffix == "cloudtrail-logs" { shared.trail_bucket.clone() } else { bucket(s.suffix) };
            let status = s.status.unwrap_or_else(|| match &s.policy {
                // How S3 judges its own policy: public when it allows everyone without a condition.
                Ev::Ok(d) => Ev::Ok(policy_allows_everyone(d)),
                Ev::Err(e) => Ev::Err(e.clone()),
                Ev::Absent => Ev::Absent,
            });
            Bucket {
                name: bucket_name,
                created: c.within(300, 1200),
                region: account.home.clone(),
                bpa: s.bpa,
                policy: s.policy,
                policy_status: status,
                encryption: s.encryption,
                acl: s.acl,
            }
        })
        .collect();
    // Background buckets: private and encrypted; whether they deny plain HTTP is drawn.
    for _ in 0..c.count() {
        let b = format!("{name}-{}-{}", c.rng.pick(&WORDS), c.hex(6));
        let policy =
            if c.rng.chance(50) { Ev::Ok(doc(vec![deny_http(&b, false)], false)) } else { Ev::Err(no_policy()) };
        let status = match &policy {
            Ev::Ok(_) => Ev::Ok(false),
            _ => Ev::Err(no_policy()),
        };
        buckets.push(Bucket {
            name: b,
            created: c.within(10, 1500),
            region: account.home.clone(),
            bpa: Ev::Ok(Bpa::ALL),
            policy,
            policy_status: status,
            encryption: Ev::Ok(aes.clone()),
            acl: Ev::Ok(owner.clone()),
        });
    }
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    account.buckets = buckets;
}

fn policy_allows_everyone(d: &Document) -> bool {
    d.statements.iter().any(|s| {
        let everyone = matches!(&s.principal, Some(Principal::Star))
            || matches!(&s.principal, Some(Principal::Aws(w)) if w.contains("*"));
        matches!(s.effect, Effect::Allow) && everyone && s.condition.is_none()
    })
}
