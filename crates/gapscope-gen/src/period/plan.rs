//! The plan of one observation year: the accounts, their resources and, for each resource, the
//! intervals in which it fails a check. The snapshots, the CloudTrail archive and the oracle are
//! all derived from this one truth, so they cannot disagree with each other by construction.

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::common::DAY;
use crate::rng::Rng;

/// The region the exports and the CloudTrail archive are in.
pub(crate) const REGION: &str = "us-east-1";
/// The trail every account has.
pub(crate) const TRAIL: &str = "org-trail";
/// The check thresholds the oracle applies (gapscope's defaults).
pub(crate) const ROTATION_DAYS: i64 = 90;

/// A stretch `[from, to)` in which a resource fails; `to: None` = still failing at the year's end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Interval {
    pub(crate) from: i64,
    pub(crate) to: Option<i64>,
}

impl Interval {
    pub(crate) fn contains(&self, t: i64) -> bool {
        t >= self.from && self.to.is_none_or(|to| t < to)
    }
}

pub(crate) fn failing_at(intervals: &[Interval], t: i64) -> bool {
    intervals.iter().any(|i| i.contains(t))
}

/// An access key in slot 1: the times a new key was put there, and when it was deactivated.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub(crate) rotations: Vec<i64>,
    pub(crate) deactivated: Option<i64>,
    pub(crate) deleted: Option<i64>,
}

impl Key {
    /// `access_key_1_last_rotated` at `t`, when a key is in the slot.
    pub(crate) fn rotated_at(&self, t: i64) -> Option<i64> {
        if self.deleted.is_some_and(|d| d <= t) {
            return None;
        }
        self.rotations.iter().copied().filter(|r| *r <= t).max()
    }
    pub(crate) fn active_at(&self, t: i64) -> bool {
        self.rotated_at(t).is_some() && self.deactivated.is_none_or(|d| t < d)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct User {
    pub(crate) name: String,
    pub(crate) created: i64,
    pub(crate) deleted: Option<i64>,
    pub(crate) console: bool,
    pub(crate) mfa_off: Vec<Interval>,
    pub(crate) key: Option<Key>,
}

impl User {
    pub(crate) fn present_at(&self, t: i64) -> bool {
        self.created <= t && self.deleted.is_none_or(|d| t < d)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub(crate) id: String,
    pub(crate) name: String,
    /// Intervals with tcp 22 open to 0.0.0.0/0.
    pub(crate) open: Vec<Interval>,
}

#[derive(Clone, Debug)]
pub(crate) struct Db {
    pub(crate) id: String,
    pub(crate) public: Vec<Interval>,
}

/// A CloudTrail change event of the plan (the archive writer dresses it as a full record).
#[derive(Clone, Debug)]
pub(crate) struct Event {
    pub(crate) at: i64,
    pub(crate) source: &'static str,
    pub(crate) name: &'static str,
    pub(crate) params: Value,
    pub(crate) response: Value,
}

#[derive(Clone, Debug)]
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) cloudtrail: bool,
    pub(crate) zipped: bool,
    /// Months (1–12) with no snapshot.
    pub(crate) missing: Vec<u32>,
    pub(crate) users: Vec<User>,
    pub(crate) groups: Vec<Group>,
    pub(crate) dbs: Vec<Db>,
    pub(crate) bucket: String,
    /// When the trail was not logging.
    pub(crate) trail_stopped: Vec<Interval>,
    pub(crate) events: Vec<Event>,
}

impl Account {
    pub(crate) fn user_arn(&self, name: &str) -> String {
        format!("arn:aws:iam::{}:user/{name}", self.id)
    }
    pub(crate) fn trail_arn(&self) -> String {
        format!("arn:aws:cloudtrail:{REGION}:{}:trail/{TRAIL}", self.id)
    }
}

/// An Entra ID user of the tenant.
#[derive(Clone, Debug)]
pub(crate) struct EntraUser {
    pub(crate) upn: String,
    pub(crate) id: String,
    pub(crate) created: i64,
    /// A fixed last sign-in (the stale user); `None` = signs in every day.
    pub(crate) last_sign_in: Option<i64>,
}

/// What a planted case is, for the oracle's readers.
#[derive(Clone, Debug)]
pub(crate) struct Case {
    pub(crate) what: &'static str,
    pub(crate) check: &'static str,
    pub(crate) resource: String,
    pub(crate) account: usize,
}

pub(crate) struct World {
    pub(crate) year: i32,
    pub(crate) months: u32,
    /// The period: `[start, end)`, the whole year.
    pub(crate) start: i64,
    pub(crate) end: i64,
    pub(crate) accounts: Vec<Account>,
    pub(crate) entra: Vec<EntraUser>,
    pub(crate) cases: Vec<Case>,
}

/// The options the plan depends on.
pub(crate) struct Options {
    pub(crate) seed: u64,
    pub(crate) year: i32,
    pub(crate) months: u32,
    pub(crate) accounts: usize,
    pub(crate) cloudtrail_accounts: usize,
    pub(crate) users: usize,
}

pub(crate) fn day_start(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp())
}

pub(crate) fn date_of(t: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(t.div_euclid(DAY) * DAY, 0).map_or(NaiveDate::MIN, |d| d.date_naive())
}

/// The last day of `month` in `year`.
pub(crate) fn month_end(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MIN)
}

/// `year-month-day hh:mm:ss` UTC as epoch seconds (the plan's dates are all valid).
pub(crate) fn at(year: i32, month: u32, day: u32, hms: (u32, u32, u32)) -> i64 {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hms.0, hms.1, hms.2))
        .map_or(0, |t| t.and_utc().timestamp())
}

/// The 12-digit id of account `i`: `101000000001`, `102000000002`, …
pub(crate) fn account_id(i: usize) -> String {
    format!("1{:02}0000000{:02}", (i + 1) % 100, (i + 1) % 100)
}

fn hex(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b"0123456789abcdef"[rng.below(16) as usize])).collect()
}

const NAMES: [&str; 12] =
    ["amara", "bruno", "chen", "deepa", "elena", "farid", "giulia", "hiro", "ines", "jonas", "kofi", "lena"];

/// The roles of the accounts: which one misses a month and which is delivered as zips.
pub(crate) fn roles(o: &Options) -> (usize, usize) {
    (o.cloudtrail_accounts, o.cloudtrail_accounts + 1)
}

pub(crate) fn plan(o: &Options) -> World {
    let y = o.year;
    let start = day_start(NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN));
    let end = day_start(NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or(NaiveDate::MIN));
    let (missing_account, zipped_account) = roles(o);
    let mut accounts = Vec::new();
    let mut cases = Vec::new();
    for i in 0..o.accounts {
        let id = account_id(i);
        let mut rng = Rng::derived(o.seed, &[b"period-account", id.as_bytes()]);
        let mut a = Account {
            id: id.clone(),
            cloudtrail: i < o.cloudtrail_accounts,
            zipped: i == zipped_account,
            missing: if i == missing_account && o.months >= 9 { vec![8] } else { Vec::new() },
            users: Vec::new(),
            groups: Vec::new(),
            dbs: Vec::new(),
            bucket: format!("acme-data-{id}"),
            trail_stopped: Vec::new(),
            events: Vec::new(),
        };
        base(&mut a, &mut rng, o);
        if i == 0 {
            planted_changes(&mut a, &mut rng, y, &mut cases);
        }
        if i == missing_account {
            planted_missing_month(&mut a, y, &mut cases, i);
        }
        if i == zipped_account {
            planted_snapshot_only(&mut a, y, &mut cases, i);
        }
        a.events.sort_by_key(|e| e.at);
        accounts.push(a);
    }
    let entra = vec![
        EntraUser {
            upn: "alice@contoso.example".into(),
            id: "0b1c2d3e-0000-4000-8000-000000000001".into(),
            created: at(y - 2, 3, 1, (9, 0, 0)),
            last_sign_in: None,
        },
        // A joiner: created in July, absent from the exports before.
        EntraUser {
            upn: "joiner@contoso.example".into(),
            id: "0b1c2d3e-0000-4000-8000-000000000002".into(),
            created: at(y, 7, 14, (9, 30, 0)),
            last_sign_in: None,
        },
        // A stale member: last signed in on 10 February, never again.
        EntraUser {
            upn: "stale@contoso.example".into(),
            id: "0b1c2d3e-0000-4000-8000-000000000003".into(),
            created: at(y - 1, 5, 2, (8, 0, 0)),
            last_sign_in: Some(at(y, 2, 10, (8, 12, 0))),
        },
    ];
    for (what, upn) in [
        ("Entra member signing in all year", "alice@contoso.example"),
        ("Entra joiner created in July", "joiner@contoso.example"),
        ("Entra member last signed in on 10 February", "stale@contoso.example"),
    ] {
        cases.push(Case { what, check: STALE_MEMBER, resource: upn.into(), account: TENANT });
    }
    World { year: y, months: o.months, start, end, accounts, entra, cases }
}

/// What every account has: root, a console user with MFA, a service key rotated every 60 days,
/// `users` more console users, a web security group, a private database and a private bucket.
fn base(a: &mut Account, rng: &mut Rng, o: &Options) {
    let y = o.year;
    let console = |name: String, created: i64| User {
        name,
        created,
        deleted: None,
        console: true,
        mfa_off: Vec::new(),
        key: None,
    };
    a.users.push(console("alice".into(), at(y - 2, 3, 1, (9, 0, 0))));
    let first = at(y - 1, 12, 1, (10, 0, 0));
    let rotations = (0..8).map(|n| first + n * 60 * DAY).collect();
    a.users.push(User {
        key: Some(Key { rotations, deactivated: None, deleted: None }),
        console: false,
        ..console("svc-backup".into(), at(y - 2, 6, 1, (9, 0, 0)))
    });
    for n in 0..o.users {
        let name = format!("{}-{n:04}", NAMES[n % NAMES.len()]);
        let created = at(y - 1, 1 + (n % 12) as u32, 1 + (n % 27) as u32, (8, 0, 0));
        a.users.push(console(name, created));
    }
    a.groups.push(Group { id: format!("sg-0{}", hex(rng, 16)), name: "web".into(), open: Vec::new() });
    a.dbs.push(Db { id: "app-db".into(), public: Vec::new() });
}

fn ev(at: i64, source: &'static str, name: &'static str, params: Value, response: Value) -> Event {
    Event { at, source, name, params, response }
}

fn sg_params(group: &str) -> Value {
    json!({"groupId": group, "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
        "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}})
}

/// Account 0: changes CloudTrail dates (when the account has CloudTrail) between snapshots.
fn planted_changes(a: &mut Account, rng: &mut Rng, y: i32, cases: &mut Vec<Case>) {
    let iam = "iam.amazonaws.com";
    let ec2 = "ec2.amazonaws.com";
    // Opened to the world on 22 in February, closed in April.
    let bastion = format!("sg-0{}", hex(rng, 16));
    let (opened, closed) = (at(y, 2, 10, (9, 14, 27)), at(y, 4, 14, (16, 2, 51)));
    a.groups.push(Group {
        id: bastion.clone(),
        name: "bastion".into(),
        open: vec![Interval { from: opened, to: Some(closed) }],
    });
    a.events.push(ev(opened, ec2, "AuthorizeSecurityGroupIngress", sg_params(&bastion), json!({"_return": true})));
    a.events.push(ev(closed, ec2, "RevokeSecurityGroupIngress", sg_params(&bastion), json!({"_return": true})));
    cases.push(Case {
        what: "security group open to 0.0.0.0/0 on 22 from February to April",
        check: SG,
        resource: bastion,
        account: 0,
    });
    // Opened and closed within June, between two passing snapshots: only CloudTrail sees it.
    let runner = format!("sg-0{}", hex(rng, 16));
    let (opened, closed) = (at(y, 6, 10, (8, 3, 11)), at(y, 6, 12, (17, 30, 40)));
    a.groups.push(Group {
        id: runner.clone(),
        name: "ci-runner".into(),
        open: vec![Interval { from: opened, to: Some(closed) }],
    });
    a.events.push(ev(opened, ec2, "AuthorizeSecurityGroupIngress", sg_params(&runner), json!({"_return": true})));
    a.events.push(ev(closed, ec2, "RevokeSecurityGroupIngress", sg_params(&runner), json!({"_return": true})));
    cases.push(Case {
        what: "security group open for two days in June, between passing snapshots",
        check: SG,
        resource: runner,
        account: 0,
    });
    // MFA off in the March and April snapshots.
    let (off, on) = (at(y, 3, 3, (10, 0, 0)), at(y, 5, 2, (8, 0, 0)));
    let name = "mallory-ops";
    let serial = format!("arn:aws:iam::{}:mfa/{name}", a.id);
    a.users.push(User {
        name: name.into(),
        created: at(y - 1, 4, 4, (9, 0, 0)),
        deleted: None,
        console: true,
        mfa_off: vec![Interval { from: off, to: Some(on) }],
        key: None,
    });
    a.events.push(ev(off, iam, "DeactivateMFADevice", json!({"userName": name, "serialNumber": serial}), Value::Null));
    a.events.push(ev(
        on,
        iam,
        "EnableMFADevice",
        json!({"userName": name, "serialNumber": serial, "authenticationCode1": "HIDDEN_DUE_TO_SECURITY_REASONS",
            "authenticationCode2": "HIDDEN_DUE_TO_SECURITY_REASONS"}),
        Value::Null,
    ));
    cases.push(Case {
        what: "console user without MFA from March to May",
        check: MFA,
        resource: a.user_arn(name),
        account: 0,
    });
    // A joiner: created in July.
    let joiner = "jules-new";
    a.users.push(User {
        name: joiner.into(),
        created: at(y, 7, 14, (9, 0, 0)),
        deleted: None,
        console: true,
        mfa_off: Vec::new(),
        key: None,
    });
    cases.push(Case { what: "joiner created in July", check: MFA, resource: a.user_arn(joiner), account: 0 });
    // A key created in October, deactivated in November, deleted in December.
    let temp = "ops-temp";
    let key_id = format!("AKIA{}", hex(rng, 16).to_uppercase());
    let (created, deactivated, deleted) =
        (at(y, 10, 5, (11, 20, 0)), at(y, 11, 20, (16, 0, 0)), at(y, 12, 1, (9, 5, 0)));
    a.users.push(User {
        name: temp.into(),
        created: at(y, 10, 5, (11, 0, 0)),
        deleted: None,
        console: false,
        mfa_off: Vec::new(),
        key: Some(Key { rotations: vec![created], deactivated: Some(deactivated), deleted: Some(deleted) }),
    });
    a.events.push(ev(
        created,
        iam,
        "CreateAccessKey",
        json!({"userName": temp}),
        json!({"accessKey": {"userName": temp, "accessKeyId": key_id, "status": "Active", "createDate": format!("Oct 5, {y} 11:20:00 AM")}}),
    ));
    a.events.push(ev(
        deactivated,
        iam,
        "UpdateAccessKey",
        json!({"userName": temp, "accessKeyId": key_id, "status": "Inactive"}),
        Value::Null,
    ));
    a.events.push(ev(deleted, iam, "DeleteAccessKey", json!({"userName": temp, "accessKeyId": key_id}), Value::Null));
    cases.push(Case {
        what: "key created in October, deactivated in November",
        check: ROTATION,
        resource: format!("{}#access_key_1", a.user_arn(temp)),
        account: 0,
    });
    // A database made public in November, still public at the end.
    let public_at = at(y, 11, 18, (15, 40, 0));
    a.dbs.push(Db { id: "orders-db".into(), public: vec![Interval { from: public_at, to: None }] });
    a.events.push(ev(
        public_at,
        "rds.amazonaws.com",
        "ModifyDBInstance",
        json!({"dBInstanceIdentifier": "orders-db", "publiclyAccessible": true, "applyImmediately": true}),
        json!({"dBInstanceIdentifier": "orders-db", "publiclyAccessible": false}),
    ));
    cases.push(Case {
        what: "database public from November to the end",
        check: RDS,
        resource: "orders-db".into(),
        account: 0,
    });
    // The trail stopped for a night in May.
    let (stop, start) = (at(y, 5, 20, (22, 10, 0)), at(y, 5, 21, (6, 45, 0)));
    a.trail_stopped.push(Interval { from: stop, to: Some(start) });
    a.events.push(ev(stop, "cloudtrail.amazonaws.com", "StopLogging", json!({"name": a.trail_arn()}), Value::Null));
    a.events.push(ev(start, "cloudtrail.amazonaws.com", "StartLogging", json!({"name": TRAIL}), Value::Null));
    cases.push(Case {
        what: "trail stopped for a night in May",
        check: TRAIL_LOGGING,
        resource: TRAIL.into(),
        account: 0,
    });
    // Bucket changes that keep the bucket private.
    let host = format!("{}.s3.amazonaws.com", a.bucket);
    let block = json!({"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "RestrictPublicBuckets": true,
        "BlockPublicPolicy": true, "BlockPublicAcls": true, "IgnorePublicAcls": true});
    a.events.push(ev(
        at(y, 1, 15, (14, 2, 9)),
        "s3.amazonaws.com",
        "PutPublicAccessBlock",
        json!({"publicAccessBlock": "", "bucketName": a.bucket, "PublicAccessBlockConfiguration": block, "Host": host}),
        Value::Null,
    ));
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny",
        "Principal": "*", "Action": "s3:*", "Resource": [format!("arn:aws:s3:::{}", a.bucket), format!("arn:aws:s3:::{}/*", a.bucket)],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
    a.events.push(ev(
        at(y, 6, 3, (11, 45, 30)),
        "s3.amazonaws.com",
        "PutBucketPolicy",
        json!({"bucketPolicy": policy, "bucketName": a.bucket, "Host": host, "policy": ""}),
        Value::Null,
    ));
    cases.push(Case {
        what: "bucket policy and block changed, bucket private throughout",
        check: BUCKET,
        resource: a.bucket.clone(),
        account: 0,
    });
    cases.push(Case { what: "console user with MFA all year", check: MFA, resource: a.user_arn("alice"), account: 0 });
}

/// The account that misses a month: its controls are not evidenced unless they failed.
fn planted_missing_month(a: &mut Account, y: i32, cases: &mut Vec<Case>, i: usize) {
    a.dbs.push(Db {
        id: "reports-db".into(),
        public: vec![Interval { from: at(y, 6, 20, (0, 0, 0)), to: Some(at(y, 9, 15, (12, 0, 0))) }],
    });
    cases.push(Case {
        what: "database public across the missing month",
        check: RDS,
        resource: "reports-db".into(),
        account: i,
    });
    cases.push(Case {
        what: "console user with MFA, a month not evidenced",
        check: MFA,
        resource: a.user_arn("alice"),
        account: i,
    });
    let web = a.groups.first().map(|g| g.id.clone()).unwrap_or_default();
    cases.push(Case { what: "security group closed, a month not evidenced", check: SG, resource: web, account: i });
}

/// The zipped account without CloudTrail: changes dated only by the snapshots and the report's own
/// timestamps.
fn planted_snapshot_only(a: &mut Account, y: i32, cases: &mut Vec<Case>, i: usize) {
    a.users.push(User {
        name: "mallory-ops".into(),
        created: at(y - 1, 4, 4, (9, 0, 0)),
        deleted: None,
        console: true,
        mfa_off: vec![Interval { from: at(y, 3, 3, (10, 0, 0)), to: Some(at(y, 5, 2, (8, 0, 0))) }],
        key: None,
    });
    cases.push(Case {
        what: "console user without MFA in the March and April snapshots",
        check: MFA,
        resource: a.user_arn("mallory-ops"),
        account: i,
    });
    let created = at(y - 1, 2, 2, (9, 0, 0));
    a.users.push(User {
        name: "leaver-sep".into(),
        created,
        deleted: Some(at(y, 9, 12, (17, 0, 0))),
        console: true,
        mfa_off: vec![Interval { from: created, to: None }],
        key: None,
    });
    cases.push(Case {
        what: "leaver deleted in September, without MFA until then",
        check: MFA,
        resource: a.user_arn("leaver-sep"),
        account: i,
    });
    a.users.push(User {
        name: "ci-deploy".into(),
        created: at(y - 2, 1, 10, (9, 0, 0)),
        deleted: None,
        console: false,
        mfa_off: Vec::new(),
        key: Some(Key {
            rotations: vec![at(y - 1, 11, 20, (10, 0, 0)), at(y, 3, 10, (14, 0, 0))],
            deactivated: None,
            deleted: None,
        }),
    });
    cases.push(Case {
        what: "key over 90 days, rotated in March, over 90 days again from June",
        check: ROTATION,
        resource: format!("{}#access_key_1", a.user_arn("ci-deploy")),
        account: i,
    });
    cases.push(Case {
        what: "service key rotated every 60 days",
        check: ROTATION,
        resource: format!("{}#access_key_1", a.user_arn("svc-backup")),
        account: i,
    });
}

pub(crate) const MFA: &str = "aws.iam.console_user_mfa";
pub(crate) const ROTATION: &str = "aws.iam.access_key_rotation";
pub(crate) const SG: &str = "aws.ec2.sg_open_admin_ports";
pub(crate) const RDS: &str = "aws.rds.public";
pub(crate) const BUCKET: &str = "aws.s3.bucket_public";
pub(crate) const TRAIL_LOGGING: &str = "aws.cloudtrail.trail_logging";
pub(crate) const STALE_MEMBER: &str = "entra.users.stale_member";
/// gapscope's default `stale_account_days`.
pub(crate) const STALE_DAYS: i64 = 90;
/// `Case::account` of the Entra tenant's cases (the directory exports name no tenant).
pub(crate) const TENANT: usize = usize::MAX;
