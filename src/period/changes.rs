//! CloudTrail change events that move a period control between two snapshots: a security group
//! opened and closed again, MFA deactivated, a second key created, a bucket made public, logging
//! stopped. Captured as the records stream (only these few event names, successful calls only, at
//! most [`MAX_CHANGES`]; the records themselves are not kept) and turned into [`Transition`]s of one
//! control.
//!
//! What a transition claims: at that instant the event, by itself, made the control fail, or
//! removed the cause of failing that it names. CloudTrail does not show the rest of the resource's
//! state (other rules of a group, other MFA devices, a bucket's ACL set before the log began), so:
//! - a **failing** transition is emitted only when the event alone makes the rule fail, unless an
//!   earlier event of the log shows the failure neutralised (a bucket block set on);
//! - a **passing** transition is emitted when the event removes the cause it names, unless an
//!   earlier event of the log shows another cause still in place. It can be wrong when a cause the
//!   log never showed persists; a passing transition that the next observation contradicts (failing,
//!   with no failing transition between them) should be disregarded by the caller;
//! - deleting the resource (a security group, a trail) is passing: the control ends with it.
//!
//! Not dated from CloudTrail (no transition): the key-slot checks (`<user>#access_key_N`), because
//! CloudTrail names a key by id and the credential report only by slot; `UpdateTrail` (it does not
//! change `IsLogging`); rules named by `groupName` only (EC2-Classic and default-VPC calls) unless
//! the response names the group id; `ModifySecurityGroupRules` of a rule the log never saw created
//! (it cannot tell ingress from egress).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use serde_json::Value;

use super::Transition;
// The ports the security-group rules judge: theirs, so that a change and a snapshot agree.
use crate::checks::posture::{ADMIN_PORTS, DB_PORTS, policy};
use crate::facts::EvidenceRef;
use crate::formats::aws::cloudtrail_log::Record;
use crate::formats::aws::posture::model::{Grant, IpPermission, IpRange, Ipv6Range, is_world};
use crate::timefmt::from_epoch;

/// Change events kept per run: a year of an organisation's CloudTrail holds a few thousand of
/// these; a million (a few hundred MB at worst) leaves room for automation that churns rules and
/// bounds memory on archives of hundreds of GB. Past it the newest are dropped and counted.
pub(crate) const MAX_CHANGES: usize = 1_000_000;

/// Is this an event name whose parameters the period analysis reads? Asked for every record, so a
/// `match` (the compiler turns it into a length switch and a compare).
pub(crate) fn wanted(event_name: &str) -> bool {
    matches!(
        event_name,
        "AuthorizeSecurityGroupIngress"
            | "RevokeSecurityGroupIngress"
            | "ModifySecurityGroupRules"
            | "DeleteSecurityGroup"
            | "DeactivateMFADevice"
            | "EnableMFADevice"
            | "CreateLoginProfile"
            | "DeleteLoginProfile"
            | "CreateAccessKey"
            | "DeleteAccessKey"
            | "UpdateAccessKey"
            | "PutBucketPolicy"
            | "DeleteBucketPolicy"
            | "PutBucketAcl"
            | "PutPublicAccessBlock"
            | "DeletePublicAccessBlock"
            | "PutBucketPublicAccessBlock"
            | "DeleteBucketPublicAccessBlock"
            | "PutAccountPublicAccessBlock"
            | "DeleteAccountPublicAccessBlock"
            | "StopLogging"
            | "StartLogging"
            | "DeleteTrail"
            | "UpdateTrail"
            | "ModifyDBInstance"
    )
}

/// The change events of the run's CloudTrail records that can move a period control.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ChangeLog {
    /// Ordered by time, file and record number: merging in any order gives the same set.
    changes: BTreeSet<Change>,
    /// Change events past [`MAX_CHANGES`], not kept (the newest go first).
    pub dropped: u64,
}

/// Where a record was read: its file, the file's SHA-256 and the record's 1-based number.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub file: Arc<str>,
    pub sha256: Arc<str>,
    pub record: u64,
}

/// One successful change event.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Change {
    /// eventTime, epoch seconds.
    pub at: i64,
    pub file: Arc<str>,
    pub record: u64,
    pub sha256: Arc<str>,
    /// Copies of one delivery (same eventID) date a transition once.
    pub event_id: Option<String>,
    pub account: String,
    pub actor: String,
    pub event_name: String,
    pub what: What,
}

/// What a change event did, as far as the period controls need.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum What {
    /// Ingress rules authorized, revoked (by content or by rule id) or modified.
    Ingress {
        group: String,
        op: RuleOp,
        rules: Vec<SgRule>,
    },
    GroupDeleted {
        group: String,
    },
    Mfa {
        user: String,
        enabled: bool,
        serial: String,
    },
    LoginProfile {
        user: String,
        created: bool,
    },
    Key {
        user: String,
        key: String,
        op: KeyOp,
    },
    /// `public`: the first statement that lets anyone in with no condition; `None` for a private
    /// policy. `deleted`: DeleteBucketPolicy.
    BucketPolicy {
        bucket: String,
        public: Option<usize>,
        deleted: bool,
    },
    /// The grants (or canned ACL) that open the bucket, empty for a private ACL.
    BucketAcl {
        bucket: String,
        public: Vec<String>,
    },
    /// A public access block set (`Some`, the four settings in the console's order) or deleted
    /// (`None`), on a bucket or (`bucket: None`) on the account.
    Block {
        bucket: Option<String>,
        settings: Option<[bool; 4]>,
    },
    Trail {
        trail: String,
        op: TrailOp,
    },
    DbPublic {
        db: String,
        public: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum RuleOp {
    Authorize,
    Revoke,
    Modify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum KeyOp {
    Created,
    Deleted,
    Activated,
    Deactivated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TrailOp {
    Stop,
    Start,
    Delete,
    Update,
}

/// One ingress rule of one source range. A revoke by rule id carries only `id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SgRule {
    pub id: Option<String>,
    pub protocol: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub cidr: Option<String>,
}

impl SgRule {
    fn permission(&self) -> IpPermission {
        let cidr = self.cidr.clone();
        let v6 = cidr.as_deref().is_some_and(|c| c.contains(':'));
        IpPermission {
            ip_protocol: self.protocol.clone(),
            from_port: self.from,
            to_port: self.to,
            ip_ranges: (!v6).then(|| vec![IpRange { cidr_ip: cidr.clone() }]),
            ipv6_ranges: v6.then(|| vec![Ipv6Range { cidr_ipv6: cidr }]),
            user_id_group_pairs: None,
            prefix_list_ids: None,
        }
    }

    /// The rule without its id: what a revoke by content matches.
    fn content(&self) -> SgRule {
        SgRule { id: None, protocol: self.protocol.as_deref().map(normal_protocol), ..self.clone() }
    }

    fn describe(&self) -> String {
        let p = self.permission();
        let (from, to) = p.ports();
        let range = if p.all_protocols() {
            "all traffic".to_string()
        } else if from == to {
            format!("{} {from}", self.protocol.as_deref().unwrap_or("?"))
        } else {
            format!("{} {from}-{to}", self.protocol.as_deref().unwrap_or("?"))
        };
        format!("{range} from {}", self.cidr.as_deref().unwrap_or("?"))
    }
}

/// `tcp`/`6`, `udp`/`17`, `-1`/`all` spelled one way, so a revoke matches the authorize it undoes.
fn normal_protocol(p: &str) -> String {
    match p.trim().to_ascii_lowercase().as_str() {
        "6" | "tcp" => "tcp".into(),
        "17" | "udp" => "udp".into(),
        "-1" | "all" => "-1".into(),
        other => other.to_string(),
    }
}

impl ChangeLog {
    pub(crate) fn merge(&mut self, other: ChangeLog) {
        self.dropped += other.dropped;
        if self.changes.len() < other.changes.len() {
            let mine = std::mem::replace(&mut self.changes, other.changes);
            self.changes.extend(mine);
        } else {
            self.changes.extend(other.changes);
        }
        self.bound();
    }

    /// Keeps the [`MAX_CHANGES`] oldest: the same set whatever the merge order.
    fn bound(&mut self) {
        while self.changes.len() > MAX_CHANGES {
            self.changes.pop_last();
            self.dropped += 1;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.changes.len()
    }

    /// Reads one record of a [`wanted`] event name. `account`: where the tally placed the record;
    /// `actor`: who acted, as the tallies name principals. Refused calls (`errorCode`) and records
    /// whose parameters do not name what changed are ignored.
    pub(crate) fn capture(&mut self, record: &Record, source: &Source, at: i64, account: &str, actor: &str) {
        if record.error_code.get().is_some() {
            return;
        }
        let Some(name) = record.event_name.get() else { return };
        let request = record.request.as_deref().unwrap_or(&Value::Null);
        let response = record.response.as_deref().unwrap_or(&Value::Null);
        let caller = (record.identity_type() == Some("IAMUser")).then(|| record.user_name()).flatten();
        let Some(what) = read_change(name, request, response, caller) else { return };
        let mut account = account.to_string();
        if let What::Trail { trail, .. } = &what
            && !trail.is_empty()
            && let Some(owner) = arn_account(request_text(request, "name").unwrap_or_default())
        {
            account = owner.to_string();
        }
        self.changes.insert(Change {
            at,
            file: source.file.clone(),
            record: source.record,
            sha256: source.sha256.clone(),
            event_id: record.event_id.get().map(str::to_string),
            account,
            actor: actor.to_string(),
            event_name: name.to_string(),
            what,
        });
        self.bound();
    }
}

/// The account of an ARN (`arn:aws:cloudtrail:eu-west-1:111122223333:trail/main`).
fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next() == Some("arn")).then_some(())?;
    parts.nth(3).filter(|a| !a.is_empty())
}

fn request_text<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The first of `keys` that is a string (the same field is camelCase in most requests and
/// PascalCase in some).
fn text(value: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| request_text(value, k)).map(str::to_string)
}

/// A number or a number written as text (XML-derived responses write `"22"`).
fn int(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A CloudTrail list: `{"items": […]}` (or `item`), a bare array, or one object standing alone.
fn list(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Object(map)) => match map.get("items").or_else(|| map.get("item")) {
            Some(inner) => list(Some(inner)),
            None if map.is_empty() => Vec::new(),
            None => vec![value.unwrap_or(&Value::Null)],
        },
        _ => Vec::new(),
    }
}

fn read_change(name: &str, request: &Value, response: &Value, caller: Option<&str>) -> Option<What> {
    let user = || text(request, &["userName"]).or_else(|| caller.map(str::to_string));
    let bucket = || text(request, &["bucketName"]);
    Some(match name {
        "AuthorizeSecurityGroupIngress" => ingress(RuleOp::Authorize, request, response)?,
        "RevokeSecurityGroupIngress" => ingress(RuleOp::Revoke, request, response)?,
        "ModifySecurityGroupRules" => modify_rules(request)?,
        "DeleteSecurityGroup" => What::GroupDeleted { group: text(request, &["groupId"])? },
        "DeactivateMFADevice" | "EnableMFADevice" => What::Mfa {
            user: user()?,
            enabled: name == "EnableMFADevice",
            serial: text(request, &["serialNumber"]).unwrap_or_default(),
        },
        "CreateLoginProfile" | "DeleteLoginProfile" => {
            What::LoginProfile { user: user()?, created: name == "CreateLoginProfile" }
        }
        "CreateAccessKey" => {
            let key = response.get("accessKey").unwrap_or(&Value::Null);
            let user = text(key, &["userName"]).or_else(user)?;
            What::Key { user, key: text(key, &["accessKeyId"])?, op: KeyOp::Created }
        }
        "DeleteAccessKey" => What::Key { user: user()?, key: text(request, &["accessKeyId"])?, op: KeyOp::Deleted },
        "UpdateAccessKey" => {
            let op = match request_text(request, "status")? {
                s if s.eq_ignore_ascii_case("Active") => KeyOp::Activated,
                s if s.eq_ignore_ascii_case("Inactive") => KeyOp::Deactivated,
                _ => return None,
            };
            What::Key { user: user()?, key: text(request, &["accessKeyId"])?, op }
        }
        "PutBucketPolicy" => {
            let doc = match request.get("bucketPolicy")? {
                Value::String(s) => serde_json::from_str(s).ok()?,
                other => other.clone(),
            };
            What::BucketPolicy { bucket: bucket()?, public: policy::public_allow(&doc), deleted: false }
        }
        "DeleteBucketPolicy" => What::BucketPolicy { bucket: bucket()?, public: None, deleted: true },
        "PutBucketAcl" => What::BucketAcl { bucket: bucket()?, public: public_grants(request) },
        "PutPublicAccessBlock" | "PutBucketPublicAccessBlock" | "PutAccountPublicAccessBlock" => {
            let config = request.get("PublicAccessBlockConfiguration")?;
            // A put replaces the whole configuration: a setting it leaves out is off.
            let on = |key: &str| boolean(config.get(key)).unwrap_or(false);
            let settings =
                ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"].map(on);
            What::Block { bucket: block_bucket(name, request)?, settings: Some(settings) }
        }
        "DeletePublicAccessBlock" | "DeleteBucketPublicAccessBlock" | "DeleteAccountPublicAccessBlock" => {
            What::Block { bucket: block_bucket(name, request)?, settings: None }
        }
        "StopLogging" | "StartLogging" | "DeleteTrail" | "UpdateTrail" => {
            let given = request_text(request, "name")?;
            // A name or an ARN (`arn:aws:cloudtrail:<region>:<account>:trail/<name>`).
            let trail = match given.split_once(":trail/") {
                Some((_, name)) if given.starts_with("arn:") => name,
                _ => given,
            };
            let op = match name {
                "StopLogging" => TrailOp::Stop,
                "StartLogging" => TrailOp::Start,
                "DeleteTrail" => TrailOp::Delete,
                _ => TrailOp::Update,
            };
            What::Trail { trail: trail.to_string(), op }
        }
        "ModifyDBInstance" => What::DbPublic {
            db: text(request, &["dBInstanceIdentifier"])?,
            // AWS applies PubliclyAccessible at once, whatever ApplyImmediately says.
            public: boolean(request.get("publiclyAccessible"))?,
        },
        _ => return None,
    })
}

/// The bucket of a public access block call: `Some(bucket)`, `Some(None)` for the account's own.
fn block_bucket(name: &str, request: &Value) -> Option<Option<String>> {
    match (name.contains("Account"), text(request, &["bucketName"])) {
        (false, Some(bucket)) => Some(Some(bucket)),
        (true, _) | (false, None) => Some(None),
    }
}

/// Grants of an ACL to AllUsers or AuthenticatedUsers, or a canned ACL that makes them.
fn public_grants(request: &Value) -> Vec<String> {
    let mut public = Vec::new();
    for canned in list(request.get("x-amz-acl")).into_iter().chain(request.get("x-amz-acl").filter(|v| v.is_string())) {
        if let Some(acl @ ("public-read" | "public-read-write" | "authenticated-read")) = canned.as_str() {
            public.push(format!("canned ACL {acl}"));
        }
    }
    let grants = request.pointer("/AccessControlPolicy/AccessControlList/Grant");
    for grant in list(grants) {
        if let Ok(grant) = serde_json::from_value::<Grant>(grant.clone())
            && let Some(group) = grant.public_group()
        {
            public.push(format!("{} to {group}", grant.permission.as_deref().unwrap_or("?")));
        }
    }
    public.sort();
    public.dedup();
    public
}

/// Authorize or revoke: the rules of the response (one per source, with ids and the group id) when
/// it lists them, else of the request (`ipPermissions`, or the flat `cidrIp`/`fromPort` form).
fn ingress(op: RuleOp, request: &Value, response: &Value) -> Option<What> {
    let answered = list(response.get("securityGroupRuleSet"));
    let mut group = text(request, &["groupId"]);
    let mut rules = Vec::new();
    if !answered.is_empty() {
        for item in answered {
            if boolean(item.get("isEgress")) == Some(true) {
                continue;
            }
            group = group.or_else(|| text(item, &["groupId"]));
            rules.push(SgRule {
                id: text(item, &["securityGroupRuleId"]),
                protocol: text(item, &["ipProtocol"]),
                from: int(item.get("fromPort")),
                to: int(item.get("toPort")),
                cidr: text(item, &["cidrIpv4", "cidrIpv6"]),
            });
        }
    } else {
        for permission in list(request.get("ipPermissions")) {
            let base = SgRule {
                id: None,
                protocol: text(permission, &["ipProtocol"]),
                from: int(permission.get("fromPort")),
                to: int(permission.get("toPort")),
                cidr: None,
            };
            let v4 = list(permission.get("ipRanges")).into_iter().filter_map(|r| text(r, &["cidrIp"]));
            let v6 = list(permission.get("ipv6Ranges")).into_iter().filter_map(|r| text(r, &["cidrIpv6"]));
            rules.extend(v4.chain(v6).map(|cidr| SgRule { cidr: Some(cidr), ..base.clone() }));
        }
        if let Some(cidr) = text(request, &["cidrIp"]) {
            rules.push(SgRule {
                id: None,
                protocol: text(request, &["ipProtocol"]),
                from: int(request.get("fromPort")),
                to: int(request.get("toPort")),
                cidr: Some(cidr),
            });
        }
        let ids = list(request.get("securityGroupRuleIds"));
        for id in ids {
            let id = id.as_str().map(str::to_string).or_else(|| text(id, &["securityGroupRuleId"]));
            rules.push(SgRule { id, ..SgRule::default() });
        }
    }
    rules.sort();
    rules.dedup();
    (!rules.is_empty()).then_some(())?;
    Some(What::Ingress { group: group?, op, rules })
}

/// `ModifySecurityGroupRules`, which CloudTrail records wrapped:
/// `{"ModifySecurityGroupRulesRequest": {"GroupId", "SecurityGroupRule": {"SecurityGroupRuleId",
/// "SecurityGroupRule": {"IpProtocol", "FromPort", "ToPort", "CidrIpv4" | "CidrIpv6"}}}}` (the outer
/// `SecurityGroupRule` one object or a list).
fn modify_rules(request: &Value) -> Option<What> {
    let inner = request.get("ModifySecurityGroupRulesRequest").unwrap_or(request);
    let group = text(inner, &["GroupId", "groupId"])?;
    let updates = inner.get("SecurityGroupRule").or_else(|| inner.get("securityGroupRules"));
    let mut rules = Vec::new();
    for update in list(updates) {
        let Some(id) = text(update, &["SecurityGroupRuleId", "securityGroupRuleId"]) else { continue };
        let rule = update.get("SecurityGroupRule").or_else(|| update.get("securityGroupRule")).unwrap_or(&Value::Null);
        rules.push(SgRule {
            id: Some(id),
            protocol: text(rule, &["IpProtocol", "ipProtocol"]),
            from: int(rule.get("FromPort").or_else(|| rule.get("fromPort"))),
            to: int(rule.get("ToPort").or_else(|| rule.get("toPort"))),
            cidr: text(rule, &["CidrIpv4", "CidrIpv6", "cidrIpv4", "cidrIpv6"]),
        });
    }
    (!rules.is_empty()).then_some(())?;
    Some(What::Ingress { group, op: RuleOp::Modify, rules })
}

/// The checks whose state CloudTrail dates, each with the reading of the changes that moves it.
const REFINABLE: &[&str] = &[
    "aws.ec2.sg_open_admin_ports",
    "aws.ec2.sg_open_db_ports",
    "aws.ec2.sg_open_all_ports",
    "aws.iam.console_user_mfa",
    "aws.iam.multiple_active_keys",
    "aws.s3.bucket_public",
    "aws.s3.account_public_access_block",
    "aws.cloudtrail.trail_logging",
    "aws.rds.public",
];

/// Can CloudTrail date changes of this check's state?
pub(crate) fn refinable(check: &str) -> bool {
    REFINABLE.contains(&check)
}

/// The changes of one control's state that the log records, oldest first. `account`: the control's
/// account (changes of other accounts never count); for IAM users the ARN's own account is used
/// when it has one.
pub(crate) fn transitions(log: &ChangeLog, check: &str, resource: &str, account: Option<&str>) -> Vec<Transition> {
    let iam = iam_user(resource);
    let account = iam.map(|(a, _)| a).or(account);
    let mut seen: HashSet<&str> = HashSet::new();
    // Oldest first; of copies of one delivery (same eventID) the first in (time, file, record) order.
    let changes = log.changes.iter().filter(|c| account.is_none_or(|a| c.account == a)).filter(|c| match &c.event_id {
        Some(id) => seen.insert(id.as_str()),
        None => true,
    });
    let mut walk = Walk::default();
    match check {
        "aws.ec2.sg_open_admin_ports" => walk.groups(changes, resource, |p| reaches_tcp(p, &ADMIN_PORTS)),
        "aws.ec2.sg_open_db_ports" => walk.groups(changes, resource, |p| reaches_tcp(p, &DB_PORTS)),
        "aws.ec2.sg_open_all_ports" => walk.groups(changes, resource, reaches_every_port),
        "aws.iam.console_user_mfa" => {
            if let Some((_, user)) = iam {
                walk.console_mfa(changes, user);
            }
        }
        "aws.iam.multiple_active_keys" => {
            if let Some((_, user)) = iam {
                walk.keys(changes, user);
            }
        }
        "aws.s3.bucket_public" => walk.bucket(changes, resource),
        "aws.s3.account_public_access_block" => walk.account_block(changes),
        "aws.cloudtrail.trail_logging" => walk.trail(changes, resource),
        "aws.rds.public" => walk.db(changes, resource),
        _ => {}
    }
    walk.out
}

/// `arn:aws:iam::<account>:user/<path/>name` → (account, name). IAM names cannot hold `/`.
fn iam_user(resource: &str) -> Option<(&str, &str)> {
    let rest = resource.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let (_partition, service, _region, account, path) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let name = path.strip_prefix("user/")?.rsplit('/').next()?;
    (service == "iam" && !account.is_empty() && !name.is_empty()).then_some((account, name))
}

/// A world-open TCP (or all-protocol) rule whose range holds one of `ports`.
fn reaches_tcp(p: &IpPermission, ports: &[i64]) -> bool {
    let (from, to) = p.ports();
    (p.all_protocols() || p.is_tcp()) && ports.iter().any(|port| (from..=to).contains(port))
}

fn reaches_every_port(p: &IpPermission) -> bool {
    let (from, to) = p.ports();
    p.all_protocols() || ((p.is_tcp() || p.is_udp()) && from <= 1 && to >= 65535)
}

fn open(rule: &SgRule, reaches: &impl Fn(&IpPermission) -> bool) -> bool {
    rule.cidr.as_deref().is_some_and(is_world) && reaches(&rule.permission())
}

/// The transitions found so far, and the state the log itself has shown.
#[derive(Default)]
struct Walk {
    out: Vec<Transition>,
}

impl Walk {
    fn emit(&mut self, change: &Change, failing: bool, did: String) {
        let Some(at) = from_epoch(change.at) else { return };
        self.out.push(Transition {
            at,
            failing,
            detail: format!("{} by {} {did}", change.event_name, change.actor),
            evidence: EvidenceRef {
                file: change.file.to_string(),
                sha256: change.sha256.to_string(),
                locator: format!("record {}", change.record),
            },
        });
    }

    fn groups<'c>(
        &mut self,
        changes: impl Iterator<Item = &'c Change>,
        group: &str,
        reaches: impl Fn(&IpPermission) -> bool,
    ) {
        // Open rules the log has shown (by content), and every ingress rule it named by id.
        let mut open_rules: BTreeSet<SgRule> = BTreeSet::new();
        let mut by_id: BTreeMap<String, SgRule> = BTreeMap::new();
        for change in changes {
            match &change.what {
                What::GroupDeleted { group: g } if g == group => {
                    open_rules.clear();
                    self.emit(change, false, format!("deleted {group}"));
                }
                What::Ingress { group: g, op, rules } if g == group => {
                    let mut opened = Vec::new();
                    let mut closed = Vec::new();
                    for rule in rules {
                        let known = rule.id.as_ref().and_then(|id| by_id.get(id)).cloned();
                        match op {
                            RuleOp::Authorize => {
                                if let Some(id) = &rule.id {
                                    by_id.insert(id.clone(), rule.content());
                                }
                                if open(rule, &reaches) {
                                    open_rules.insert(rule.content());
                                    opened.push(rule.describe());
                                }
                            }
                            RuleOp::Revoke => {
                                // By id: only a rule the log saw created is known.
                                let content = if rule.cidr.is_some() { Some(rule.content()) } else { known };
                                if let Some(content) = content
                                    && open(&content, &reaches)
                                {
                                    open_rules.remove(&content);
                                    closed.push(content.describe());
                                }
                            }
                            RuleOp::Modify => {
                                // A rule the log never saw created may be egress: not judged.
                                let (Some(id), Some(old)) = (&rule.id, known) else { continue };
                                let new = rule.content();
                                by_id.insert(id.clone(), new.clone());
                                if open(&old, &reaches) {
                                    open_rules.remove(&old);
                                    if !open(&new, &reaches) {
                                        closed.push(old.describe());
                                    }
                                }
                                if open(&new, &reaches) {
                                    open_rules.insert(new.clone());
                                    opened.push(new.describe());
                                }
                            }
                        }
                    }
                    if !opened.is_empty() {
                        self.emit(change, true, format!("opened {} on {group}", opened.join(", ")));
                    } else if !closed.is_empty() && open_rules.is_empty() {
                        self.emit(change, false, format!("closed {} on {group}", closed.join(", ")));
                    }
                }
                _ => {}
            }
        }
    }

    fn console_mfa<'c>(&mut self, changes: impl Iterator<Item = &'c Change>, user: &str) {
        // MFA devices the log saw enabled and not deactivated; what the log says of the password
        // and of MFA being off.
        let mut devices: BTreeSet<&str> = BTreeSet::new();
        let mut password: Option<bool> = None;
        let mut mfa_off = false;
        for change in changes {
            match &change.what {
                What::Mfa { user: u, enabled: true, serial } if u == user => {
                    devices.insert(serial);
                    mfa_off = false;
                    self.emit(change, false, format!("enabled MFA device {serial} of {user}"));
                }
                What::Mfa { user: u, enabled: false, serial } if u == user => {
                    devices.remove(serial.as_str());
                    // Assumes no other device (IAM allows eight; the next snapshot tells).
                    if devices.is_empty() {
                        mfa_off = true;
                        if password != Some(false) {
                            self.emit(change, true, format!("deactivated MFA device {serial} of {user}"));
                        }
                    }
                }
                What::LoginProfile { user: u, created: true } if u == user => {
                    password = Some(true);
                    if mfa_off {
                        self.emit(change, true, format!("gave {user} a console password while MFA was off"));
                    }
                }
                What::LoginProfile { user: u, created: false } if u == user => {
                    password = Some(false);
                    self.emit(change, false, format!("removed the console password of {user}"));
                }
                _ => {}
            }
        }
    }

    fn keys<'c>(&mut self, changes: impl Iterator<Item = &'c Change>, user: &str) {
        // Keys the log saw active. A user holds at most two keys, so deleting or deactivating one
        // always leaves at most one active.
        let mut active: BTreeSet<&str> = BTreeSet::new();
        for change in changes {
            let What::Key { user: u, key, op } = &change.what else { continue };
            if u != user {
                continue;
            }
            let shown = mask_key(key);
            match op {
                KeyOp::Created | KeyOp::Activated => {
                    active.insert(key);
                    if active.len() >= 2 {
                        let did = if *op == KeyOp::Created { "created" } else { "activated" };
                        self.emit(change, true, format!("{did} key {shown}: {user} has two active keys"));
                    }
                }
                KeyOp::Deleted | KeyOp::Deactivated => {
                    active.remove(key.as_str());
                    let did = if *op == KeyOp::Deleted { "deleted" } else { "deactivated" };
                    self.emit(change, false, format!("{did} key {shown} of {user}"));
                }
            }
        }
    }

    fn bucket<'c>(&mut self, changes: impl Iterator<Item = &'c Change>, bucket: &str) {
        // What the log has shown: the policy and the ACL public or not, and which block settings
        // (bucket or account: IgnorePublicAcls, RestrictPublicBuckets) neutralise them.
        let (mut policy_public, mut acl_public) = (None::<bool>, None::<bool>);
        let (mut own, mut account) = (None::<[bool; 4]>, None::<[bool; 4]>);
        let neutral = |own: Option<[bool; 4]>, account: Option<[bool; 4]>, i: usize| {
            own.is_some_and(|s| s[i]) || account.is_some_and(|s| s[i])
        };
        const IGNORE_ACLS: usize = 1;
        const RESTRICT: usize = 3;
        for change in changes {
            match &change.what {
                What::BucketPolicy { bucket: b, public, deleted } if b == bucket => {
                    policy_public = Some(public.is_some());
                    match public {
                        Some(i) if !neutral(own, account, RESTRICT) => self.emit(
                            change,
                            true,
                            format!("made {bucket} public: policy Statement[{i}] allows Principal * with no condition"),
                        ),
                        Some(_) => {}
                        // The policy no longer opens the bucket; an ACL the log never showed might.
                        None if acl_public != Some(true) => {
                            let did = if *deleted { "deleted the policy of" } else { "set a non-public policy on" };
                            self.emit(change, false, format!("{did} {bucket}"));
                        }
                        None => {}
                    }
                }
                What::BucketAcl { bucket: b, public } if b == bucket => {
                    acl_public = Some(!public.is_empty());
                    if !public.is_empty() {
                        if !neutral(own, account, IGNORE_ACLS) {
                            self.emit(change, true, format!("made {bucket} public: {}", public.join(", ")));
                        }
                    } else if policy_public != Some(true) {
                        self.emit(change, false, format!("set an ACL on {bucket} that grants nothing to the public"));
                    }
                }
                What::Block { bucket: b, settings } if b.as_deref().is_none_or(|b| b == bucket) => {
                    let whose = if b.is_some() { "the bucket's" } else { "the account's" };
                    let before = neutral(own, account, RESTRICT) && neutral(own, account, IGNORE_ACLS);
                    if b.is_some() {
                        own = *settings;
                    } else {
                        account = *settings;
                    }
                    let after = neutral(own, account, RESTRICT) && neutral(own, account, IGNORE_ACLS);
                    let exposed = (policy_public == Some(true) && !neutral(own, account, RESTRICT))
                        || (acl_public == Some(true) && !neutral(own, account, IGNORE_ACLS));
                    if after && !before {
                        let did =
                            format!("set {whose} RestrictPublicBuckets and IgnorePublicAcls on, closing {bucket}");
                        self.emit(change, false, did);
                    } else if exposed {
                        let did = match settings {
                            Some(_) => format!("turned {whose} public access block off, exposing {bucket}"),
                            None => format!("deleted {whose} public access block, exposing {bucket}"),
                        };
                        self.emit(change, true, did);
                    }
                }
                _ => {}
            }
        }
    }

    fn account_block<'c>(&mut self, changes: impl Iterator<Item = &'c Change>) {
        for change in changes {
            let What::Block { bucket: None, settings } = &change.what else { continue };
            match settings {
                Some(s) if s.iter().all(|on| *on) => {
                    self.emit(change, false, "turned all four account-level settings on".into())
                }
                Some(s) => {
                    let names = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];
                    let off: Vec<&str> = names.iter().zip(s).filter(|(_, on)| !**on).map(|(n, _)| *n).collect();
                    self.emit(change, true, format!("left account-level {} off", off.join(", ")));
                }
                None => self.emit(change, true, "deleted the account-level public access block".into()),
            }
        }
    }

    fn trail<'c>(&mut self, changes: impl Iterator<Item = &'c Change>, trail: &str) {
        for change in changes {
            let What::Trail { trail: t, op } = &change.what else { continue };
            if t != trail {
                continue;
            }
            match op {
                TrailOp::Stop => self.emit(change, true, format!("stopped logging of trail {trail}")),
                TrailOp::Start => self.emit(change, false, format!("started logging of trail {trail}")),
                TrailOp::Delete => self.emit(change, false, format!("deleted trail {trail}")),
                TrailOp::Update => {}
            }
        }
    }

    fn db<'c>(&mut self, changes: impl Iterator<Item = &'c Change>, db: &str) {
        for change in changes {
            let What::DbPublic { db: d, public } = &change.what else { continue };
            if d == db {
                self.emit(change, *public, format!("set PubliclyAccessible = {public} on {db}"));
            }
        }
    }
}

/// An access key id shown by its last four characters: enough to match it in IAM, not to spread it.
fn mask_key(key: &str) -> String {
    let tail: String = key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("…{tail}")
}
#[cfg(test)]
mod tests;
