//! The account-wide part of the design: the regions list, trails, password policy and root MFA;
//! IAM (principals.rs) and S3 (buckets.rs) are designed apart. Account 1 (prod)
//! carries most cases; account 2 (dev) and 3 (sandbox) carry the account-wide states that exclude
//! prod's (another password policy, no password policy, all four blocks on, none at all).

use super::design::{Ctx, Expect};
use super::model::{Account, ApiError, Ev, MfaUser, NO_SUCH_ENTITY, PasswordPolicy, Summary, Trail, VirtualMfa};
use super::oracle::{PW_LENGTH, PW_MAX_AGE, PW_REUSE, ROOT_HW_MFA};
use super::regions::{self, Shared};

/// Regions enabled without opting in, in the order AWS lists them: the one an account has
/// enabled but the bundle holds no folder for is the first of these not exported.
const DEFAULT_REGIONS: [&str; 17] = [
    "ap-southeast-2",
    "eu-central-1",
    "us-west-2",
    "ap-northeast-1",
    "ap-south-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ca-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
];
/// Regions that need opting in: listed by describe-regions --all-regions as `not-opted-in`.
const OPT_IN_REGIONS: [&str; 4] = ["af-south-1", "me-south-1", "ap-east-1", "eu-south-1"];

pub(super) fn account(c: &mut Ctx, index: usize, name: &str, region_names: &[String]) -> Account {
    let id = c.account.clone();
    let home = region_names.first().cloned().unwrap_or_else(|| "us-east-1".to_owned());
    let trail_key = c.uuid();
    let log_group = (index == 0).then(|| format!("aws-cloudtrail-logs-{id}-{}", c.hex(8)));
    let trail_bucket = format!("{name}-cloudtrail-logs-{id}");
    let shared = Shared {
        account_index: index,
        name: name.to_owned(),
        trail_key: trail_key.clone(),
        trail_log_group: log_group.clone(),
        topic: format!("arn:aws:sns:{home}:{id}:security-alerts"),
        trail_bucket: trail_bucket.clone(),
    };
    let regions = region_names.iter().enumerate().map(|(i, r)| regions::region(c, &shared, i, r)).collect();

    let mut described: Vec<(String, &'static str)> = region_names
        .iter()
        .map(|r| (r.clone(), if OPT_IN_REGIONS.contains(&r.as_str()) { "opted-in" } else { "opt-in-not-required" }))
        .collect();
    if index == 0 {
        // Enabled, but the collection has no folder for it: the config check cannot know.
        if let Some(extra) = DEFAULT_REGIONS.iter().find(|r| !region_names.iter().any(|n| n == *r)) {
            described.push(((*extra).to_owned(), "opt-in-not-required"));
            c.case(
                "region enabled in describe-regions without any export",
                super::oracle::CONFIG_RECORDER,
                &format!("{id}/{extra}"),
                Some(extra),
                Expect::Unknown,
            );
        }
    }
    for r in OPT_IN_REGIONS.iter().filter(|r| !region_names.iter().any(|n| n == *r)).take(2) {
        described.push(((*r).to_owned(), "not-opted-in"));
        if index == 0 {
            c.case(
                "region not opted in",
                super::oracle::CONFIG_RECORDER,
                &format!("{id}/{r}"),
                Some(r),
                Expect::Absent,
            );
        }
    }
    described.sort();

    let trails = match index {
        0 => vec![Trail {
            name: "management-events".into(),
            home: home.clone(),
            multi_region: true,
            bucket: trail_bucket.clone(),
            kms_key: Some(format!("arn:aws:kms:{home}:{id}:key/{trail_key}")),
            log_group: log_group.map(|g| (home.clone(), g)),
            logging: true,
            started: c.days_ago(900),
        }],
        1 => vec![Trail {
            name: "dev-trail".into(),
            home: home.clone(),
            multi_region: false,
            bucket: trail_bucket.clone(),
            kms_key: None,
            log_group: None,
            logging: true,
            started: c.days_ago(500),
        }],
        _ => Vec::new(),
    };

    let (password_policy, summary, virtual_mfa) = identity(c, index);
    let iam = super::principals::iam(c, index);
    let canonical_id = c.hex(64);
    let mut account = Account {
        id,
        name: name.to_owned(),
        described_regions: described,
        regions,
        trails,
        password_policy,
        summary,
        virtual_mfa: Ev::Ok(virtual_mfa),
        iam,
        canonical_id,
        buckets: Vec::new(),
        account_bpa: Ev::Absent,
        home,
    };
    super::buckets::buckets(c, index, &mut account, &shared);
    account
}

// ---------------------------------------------------------------- password policy and root MFA

fn identity(c: &mut Ctx, index: usize) -> (Ev<PasswordPolicy>, Ev<Summary>, Vec<VirtualMfa>) {
    let id = c.account.clone();
    let root = format!("arn:aws:iam::{id}:root");
    let policy = match index {
        0 => {
            for check in [PW_LENGTH, PW_REUSE, PW_MAX_AGE] {
                c.case("password policy 14 characters, 24 remembered, 90 days", check, &id, None, Expect::Pass);
            }
            Ev::Ok(PasswordPolicy {
                min_length: 14,
                symbols: true,
                numbers: true,
                uppercase: true,
                lowercase: true,
                max_age: Some(90),
                reuse: Some(24),
            })
        }
        1 => {
            for check in [PW_LENGTH, PW_REUSE, PW_MAX_AGE] {
                c.case(
                    "password policy 8 characters, 5 remembered, passwords never expire",
                    check,
                    &id,
                    None,
                    Expect::Fail,
                );
            }
            Ev::Ok(PasswordPolicy {
                min_length: 8,
                symbols: false,
                numbers: true,
                uppercase: true,
                lowercase: true,
                max_age: None,
                reuse: Some(5),
            })
        }
        _ => {
            for check in [PW_LENGTH, PW_REUSE, PW_MAX_AGE] {
                c.case("no password policy (NoSuchEntity)", check, &id, None, Expect::Fail);
            }
            Ev::Err(ApiError::new(
                NO_SUCH_ENTITY,
                404,
                format!("The Password Policy with domain name {id} cannot be found."),
            ))
        }
    };
    let user_device = |c: &mut Ctx, user: &str, days: i64| VirtualMfa {
        serial: format!("arn:aws:iam::{id}:mfa/{user}"),
        user: Some(MfaUser {
            name: Some(user.to_owned()),
            id: c.iam_id("AIDA"),
            arn: format!("arn:aws:iam::{id}:user/{user}"),
            created: c.days_ago(days + 30),
        }),
        enabled: c.days_ago(days),
    };
    let (mfa_enabled, devices) = match index {
        0 => {
            c.case("root has a virtual MFA device", ROOT_HW_MFA, &root, None, Expect::Fail);
            let root_device = VirtualMfa {
                serial: format!("arn:aws:iam::{id}:mfa/root-account-mfa-device"),
                user: Some(MfaUser { name: None, id: id.clone(), arn: root.clone(), created: c.days_ago(2400) }),
                enabled: c.days_ago(700),
            };
            (true, vec![root_device, user_device(c, "alice.admin", 400)])
        }
        1 => {
            c.case(
                "no virtual device for root, AccountMFAEnabled 1 (hardware key)",
                ROOT_HW_MFA,
                &root,
                None,
                Expect::Pass,
            );
            let unassigned =
                VirtualMfa { serial: format!("arn:aws:iam::{id}:mfa/spare-phone"), user: None, enabled: 0 };
            (true, vec![user_device(c, "dev.lead", 200), unassigned])
        }
        _ => {
            c.case("root without any MFA (AccountMFAEnabled 0)", ROOT_HW_MFA, &root, None, Expect::Fail);
            (false, Vec::new())
        }
    };
    (policy, Ev::Ok(Summary { mfa_enabled, root_keys: index == 2 }), devices)
}
