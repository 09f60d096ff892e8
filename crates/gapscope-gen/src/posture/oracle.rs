//! The oracle: the checks of issue 6 (spec section B), written from the rule text apart from the
//! analyzer, over the generator's model of what it wrote. Every member of every population gets a
//! verdict; a member whose evidence the rule needs is missing gets `unknown`.

use std::collections::BTreeSet;

use serde::Serialize;

use super::model::{
    ALL_USERS, AUTHENTICATED_USERS, Account, Condition, Document, Effect, Ev, Grantee, NO_BUCKET_POLICY, NO_ENCRYPTION,
    NO_PUBLIC_ACCESS_BLOCK, NO_SUCH_ENTITY, Permission, Principal, Region, World,
};

pub(super) const SG_ADMIN: &str = "aws.ec2.sg_open_admin_ports";
pub(super) const SG_DB: &str = "aws.ec2.sg_open_db_ports";
pub(super) const SG_ALL: &str = "aws.ec2.sg_open_all_ports";
pub(super) const DEFAULT_SG: &str = "aws.ec2.default_sg_restricts_all";
pub(super) const NACL_ADMIN: &str = "aws.ec2.nacl_open_admin_ports";
pub(super) const IMDSV2: &str = "aws.ec2.imdsv2_required";
pub(super) const EBS_UNENCRYPTED: &str = "aws.ec2.ebs_unencrypted";
pub(super) const EBS_DEFAULT: &str = "aws.ec2.ebs_default_encryption";
pub(super) const SNAPSHOT_PUBLIC: &str = "aws.ec2.snapshot_public";
pub(super) const RDS_PUBLIC: &str = "aws.rds.public";
pub(super) const RDS_UNENCRYPTED: &str = "aws.rds.unencrypted";
pub(super) const RDS_SNAPSHOT_PUBLIC: &str = "aws.rds.snapshot_public";
pub(super) const ACCOUNT_BPA: &str = "aws.s3.account_public_access_block";
pub(super) const BUCKET_PUBLIC: &str = "aws.s3.bucket_public";
pub(super) const BUCKET_ENCRYPTION: &str = "aws.s3.bucket_default_encryption";
pub(super) const BUCKET_DENY_HTTP: &str = "aws.s3.bucket_deny_http";
pub(super) const PW_LENGTH: &str = "aws.iam.password_policy_min_length";
pub(super) const PW_REUSE: &str = "aws.iam.password_policy_reuse";
pub(super) const PW_MAX_AGE: &str = "aws.iam.password_policy_max_age";
pub(super) const FULL_ADMIN: &str = "aws.iam.full_admin_policy";
pub(super) const USER_ATTACHED: &str = "aws.iam.user_attached_policies";
pub(super) const ROOT_HW_MFA: &str = "aws.iam.root_hardware_mfa";
pub(super) const LOG_RETENTION: &str = "aws.logs.retention";
pub(super) const KMS_ROTATION: &str = "aws.kms.rotation";
pub(super) const VPC_FLOW_LOGS: &str = "aws.ec2.vpc_flow_logs";
pub(super) const CONFIG_RECORDER: &str = "aws.config.recorder_all_regions";
pub(super) const CIS_ALARMS: &str = "aws.cloudwatch.cis_alarms";

const ADMIN_PORTS: [i64; 2] = [22, 3389];
const DB_PORTS: [i64; 7] = [1433, 1521, 3306, 5432, 6379, 9200, 27017];
/// The default of `log_retention_days` (DESIGN.md §8).
const LOG_RETENTION_DAYS: u32 = 365;
const ANYWHERE_V4: &str = "0.0.0.0/0";
const ANYWHERE_V6: &str = "::/0";

#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[serde(rename_all = "lowercase")]
pub(super) enum Status {
    Pass,
    Fail,
    Unknown,
}

/// Field order = sort order.
#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) struct Verdict {
    pub(super) check: &'static str,
    pub(super) resource: String,
    pub(super) account: String,
    pub(super) region: Option<String>,
    pub(super) status: Status,
}

/// Collects one account's verdicts.
struct Out<'a> {
    account: &'a str,
    verdicts: Vec<Verdict>,
}

impl Out<'_> {
    fn push(&mut self, check: &'static str, resource: &str, region: Option<&str>, status: Status) {
        self.verdicts.push(Verdict {
            check,
            resource: resource.to_owned(),
            account: self.account.to_owned(),
            region: region.map(str::to_owned),
            status,
        });
    }
    fn fails(&mut self, check: &'static str, resource: &str, region: Option<&str>, fails: bool) {
        self.push(check, resource, region, if fails { Status::Fail } else { Status::Pass });
    }
}

pub(super) fn evaluate(world: &World) -> Vec<Verdict> {
    let mut all = Vec::new();
    for account in &world.accounts {
        let mut out = Out { account: &account.id, verdicts: Vec::new() };
        for region in &account.regions {
            network(&mut out, region);
            storage(&mut out, region);
            keys_and_logs(&mut out, region);
        }
        config_recorders(&mut out, account);
        cis_alarms(&mut out, account);
        s3(&mut out, account);
        iam(&mut out, account);
        all.extend(out.verdicts);
    }
    all.sort();
    all
}

// ---------------------------------------------------------------- network

fn anywhere(p: &Permission) -> bool {
    p.ipv4.iter().any(|c| c == ANYWHERE_V4) || p.ipv6.iter().any(|c| c == ANYWHERE_V6)
}

/// Whether the permission's port range reaches `port`; protocol -1 and FromPort -1 mean all ports.
fn reaches(p: &Permission, port: i64) -> bool {
    if p.protocol == "-1" {
        return true;
    }
    match (p.from, p.to) {
        (Some(-1), _) | (None, _) => true,
        (Some(from), Some(to)) => from <= port && port <= to,
        (Some(from), None) => from == port,
    }
}

fn tcp_or_all(p: &Permission) -> bool {
    matches!(p.protocol, "tcp" | "6" | "-1")
}

pub(super) fn open_to(p: &Permission, ports: &[i64]) -> bool {
    tcp_or_all(p) && anywhere(p) && ports.iter().any(|&port| reaches(p, port))
}

pub(super) fn open_all(p: &Permission) -> bool {
    let full_range = matches!(p.from, Some(0 | 1)) && p.to == Some(65_535);
    anywhere(p) && (p.protocol == "-1" || (matches!(p.protocol, "tcp" | "udp" | "6" | "17") && full_range))
}

fn network(out: &mut Out, r: &Region) {
    let region = Some(r.name.as_str());
    for sg in r.sgs.ok().into_iter().flatten() {
        match &sg.ingress {
            None => {
                for check in [SG_ADMIN, SG_DB, SG_ALL] {
                    out.push(check, &sg.id, region, Status::Unknown);
                }
            }
            Some(ingress) => {
                out.fails(SG_ADMIN, &sg.id, region, ingress.iter().any(|p| open_to(p, &ADMIN_PORTS)));
                out.fails(SG_DB, &sg.id, region, ingress.iter().any(|p| open_to(p, &DB_PORTS)));
                out.fails(SG_ALL, &sg.id, region, ingress.iter().any(open_all));
            }
        }
        if sg.name == "default" {
            let rules = sg.ingress.as_ref().is_some_and(|i| !i.is_empty()) || !sg.egress.is_empty();
            out.fails(DEFAULT_SG, &sg.id, region, rules);
        }
    }
    for nacl in r.nacls.ok().into_iter().flatten() {
        let Some(entries) = &nacl.entries else {
            out.push(NACL_ADMIN, &nacl.id, region, Status::Unknown);
            continue;
        };
        let mut ingress: Vec<_> = entries
            .iter()
            .filter(|e| !e.egress && (e.cidr == ANYWHERE_V4 || e.cidr == ANYWHERE_V6))
            .filter(|e| matches!(e.protocol, "-1" | "6"))
            .collect();
        ingress.sort_by_key(|e| e.rule);
        let first_allows = |port: i64| {
            ingress
                .iter()
                .find(|e| e.protocol == "-1" || e.ports.is_none_or(|(from, to)| from <= port && port <= to))
                .is_some_and(|e| e.allow)
        };
        out.fails(NACL_ADMIN, &nacl.id, region, ADMIN_PORTS.iter().any(|&p| first_allows(p)));
    }
    for i in r.instances.ok().into_iter().flatten().filter(|i| i.state != "terminated") {
        match &i.metadata {
            None => out.push(IMDSV2, &i.id, region, Status::Unknown),
            Some(m) => out.fails(IMDSV2, &i.id, region, m.endpoint != "disabled" && m.tokens != "required"),
        }
    }
    if let Ev::Ok(vpcs) = &r.vpcs {
        for vpc in vpcs {
            match &r.flow_logs {
                Ev::Ok(logs) => {
                    let logged = logs.iter().any(|f| f.vpc == vpc.id && f.status == "ACTIVE");
                    out.fails(VPC_FLOW_LOGS, &vpc.id, region, !logged);
                }
                _ => out.push(VPC_FLOW_LOGS, &vpc.id, region, Status::Unknown),
            }
        }
    }
}

// ---------------------------------------------------------------- EC2 and RDS storage

fn storage(out: &mut Out, r: &Region) {
    let region = Some(r.name.as_str());
    for v in r.volumes.ok().into_iter().flatten() {
        out.fails(EBS_UNENCRYPTED, &v.id, region, !v.encrypted);
    }
    if let Ev::Ok(on) = r.ebs_default {
        out.fails(EBS_DEFAULT, &format!("{}/{}", out.account, r.name), region, !on);
    }
    for s in r.snapshots.ok().into_iter().flatten() {
        match &s.permissions {
            Ev::Ok(perms) => {
                let public = perms.iter().any(|p| matches!(p, super::model::VolumePermission::All));
                out.fails(SNAPSHOT_PUBLIC, &s.id, region, public);
            }
            _ => out.push(SNAPSHOT_PUBLIC, &s.id, region, Status::Unknown),
        }
    }
    for db in r.dbs.ok().into_iter().flatten() {
        out.fails(RDS_PUBLIC, &db.id, region, db.public);
        out.fails(RDS_UNENCRYPTED, &db.id, region, !db.encrypted);
    }
    for s in r.db_snapshots.ok().into_iter().flatten() {
        match &s.restore {
            Ev::Ok(values) => out.fails(RDS_SNAPSHOT_PUBLIC, &s.id, region, values.iter().any(|v| v == "all")),
            _ => out.push(RDS_SNAPSHOT_PUBLIC, &s.id, region, Status::Unknown),
        }
    }
}

// ---------------------------------------------------------------- logs, keys, config, CIS alarms

fn keys_and_logs(out: &mut Out, r: &Region) {
    let region = Some(r.name.as_str());
    for g in r.log_groups.ok().into_iter().flatten() {
        out.fails(LOG_RETENTION, &g.name, region, g.retention.is_some_and(|d| d < LOG_RETENTION_DAYS));
    }
    for k in r.keys.ok().into_iter().flatten() {
        let in_scope = matches!(k.describe, Ev::Ok(()))
            && k.manager == "CUSTOMER"
            && k.spec == "SYMMETRIC_DEFAULT"
            && k.state == "Enabled";
        if !in_scope {
            continue;
        }
        match k.rotation {
            Ev::Ok(on) => out.fails(KMS_ROTATION, &k.id, region, !on),
            _ => out.push(KMS_ROTATION, &k.id, region, Status::Unknown),
        }
    }
}

fn config_recorders(out: &mut Out, a: &Account) {
    let mut population: BTreeSet<&str> = a
        .described_regions
        .iter()
        .filter(|(_, opt_in)| matches!(*opt_in, "opt-in-not-required" | "opted-in"))
        .map(|(name, _)| name.as_str())
        .collect();
    population.extend(a.regions.iter().filter(|r| matches!(r.recorders, Ev::Ok(_))).map(|r| r.name.as_str()));
    for name in population {
        let resource = format!("{}/{name}", a.id);
        let status = a.regions.iter().find(|r| r.name == name).and_then(|r| r.recorders.ok());
        match status {
            Some(recorders) => {
                out.fails(CONFIG_RECORDER, &resource, Some(name), !recorders.iter().any(|c| c.recording))
            }
            None => out.push(CONFIG_RECORDER, &resource, Some(name), Status::Unknown),
        }
    }
}

/// The CIS v3 §4 recommendations the check covers.
pub(super) const CIS_IDS: [&str; 15] =
    ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "4.13", "4.14", "4.15"];

fn cis_alarms(out: &mut Out, a: &Account) {
    if !a.regions.iter().any(|r| matches!(r.metric_filters, Ev::Ok(_))) {
        return;
    }
    // (region, log group) pairs a trail of the account sends to, as describe-trails shows them.
    let trail_groups: BTreeSet<(&str, &str)> = a
        .trails
        .iter()
        .filter(|t| t.multi_region || a.regions.iter().any(|r| r.name == t.home))
        .filter_map(|t| t.log_group.as_ref().map(|(r, g)| (r.as_str(), g.as_str())))
        .collect();
    for id in CIS_IDS {
        let covered = a.regions.iter().any(|r| {
            let alarms = r.alarms.ok().map_or(&[][..], Vec::as_slice);
            r.metric_filters.ok().into_iter().flatten().any(|f| {
                f.cis == Some(id)
                    && trail_groups.contains(&(r.name.as_str(), f.log_group.as_str()))
                    && alarms
                        .iter()
                        .any(|al| al.metric == f.metric && al.namespace == f.namespace && !al.actions.is_empty())
            })
        });
        out.fails(CIS_ALARMS, &format!("{}/cis-{id}", a.id), None, !covered);
    }
}

// ---------------------------------------------------------------- S3

/// An Allow to everyone without a condition.
fn allows_everyone(doc: &Document) -> bool {
    doc.statements.iter().any(|s| {
        let everyone = match &s.principal {
            Some(Principal::Star) => true,
            Some(Principal::Aws(who)) => who.contains("*"),
            _ => false,
        };
        matches!(s.effect, Effect::Allow) && everyone && s.condition.is_none()
    })
}

fn denies_http(doc: &Document) -> bool {
    doc.statements.iter().any(|s| {
        matches!(s.effect, Effect::Deny)
            && (s.actions.contains("s3:*") || s.actions.contains("*"))
            && matches!(s.condition, Some(Condition::SecureTransportFalse { .. }))
    })
}

fn s3(out: &mut Out, a: &Account) {
    let account_bpa = a.account_bpa.ok().copied();
    match &a.account_bpa {
        Ev::Ok(b) => {
            let all = b.block_public_acls && b.ignore_public_acls && b.block_public_policy && b.restrict_public_buckets;
            out.fails(ACCOUNT_BPA, &a.id, None, !all);
        }
        e if e.code() == Some(NO_PUBLIC_ACCESS_BLOCK) => out.fails(ACCOUNT_BPA, &a.id, None, true),
        _ => {}
    }
    for b in &a.buckets {
        let bucket_bpa = b.bpa.ok().copied();
        let restrict = [bucket_bpa, account_bpa].into_iter().flatten().any(|x| x.restrict_public_buckets);
        let ignore = [bucket_bpa, account_bpa].into_iter().flatten().any(|x| x.ignore_public_acls);
        let from_status = match &b.policy_status {
            Ev::Ok(public) => Some(*public),
            e if e.code() == Some(NO_BUCKET_POLICY) => Some(false),
            _ => None,
        };
        let from_policy = match &b.policy {
            Ev::Ok(doc) => Some(allows_everyone(doc)),
            e if e.code() == Some(NO_BUCKET_POLICY) => Some(false),
            _ => None,
        };
        let policy_public = match (from_status, from_policy) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (None, None) => None,
            _ => Some(false),
        };
        let acl_public = b.acl.ok().map(|grants| {
            grants
                .iter()
                .any(|g| matches!(g.grantee, Grantee::Group(uri) if uri == ALL_USERS || uri == AUTHENTICATED_USERS))
        });
        let fails = (policy_public == Some(true) && !restrict) || (acl_public == Some(true) && !ignore);
        // Unknown only when neither side is known and the blocks do not settle both.
        let unknown = !fails && policy_public.is_none() && acl_public.is_none() && !(restrict && ignore);
        if unknown {
            out.push(BUCKET_PUBLIC, &b.name, None, Status::Unknown);
        } else {
            out.fails(BUCKET_PUBLIC, &b.name, None, fails);
        }
        match &b.encryption {
            Ev::Ok(sse) => out.fails(BUCKET_ENCRYPTION, &b.name, None, sse.algorithm.is_empty()),
            e if e.code() == Some(NO_ENCRYPTION) => out.fails(BUCKET_ENCRYPTION, &b.name, None, true),
            _ => out.push(BUCKET_ENCRYPTION, &b.name, None, Status::Unknown),
        }
        match &b.policy {
            Ev::Ok(doc) => out.fails(BUCKET_DENY_HTTP, &b.name, None, !denies_http(doc)),
            e if e.code() == Some(NO_BUCKET_POLICY) => out.fails(BUCKET_DENY_HTTP, &b.name, None, true),
            _ => out.push(BUCKET_DENY_HTTP, &b.name, None, Status::Unknown),
        }
    }
}

// ---------------------------------------------------------------- IAM

/// An Allow of every action on every resource.
pub(super) fn full_admin(doc: &Document) -> bool {
    doc.statements.iter().any(|s| {
        matches!(s.effect, Effect::Allow)
            && (s.actions.contains("*") || s.actions.contains("*:*"))
            && s.resources.contains("*")
    })
}

fn iam(out: &mut Out, a: &Account) {
    let policy = match &a.password_policy {
        Ev::Ok(p) => Some(Some(p)),
        e if e.code() == Some(NO_SUCH_ENTITY) => Some(None),
        _ => None,
    };
    if let Some(p) = policy {
        out.fails(PW_LENGTH, &a.id, None, p.is_none_or(|p| p.min_length < 14));
        out.fails(PW_REUSE, &a.id, None, p.is_none_or(|p| p.reuse.is_none_or(|n| n < 24)));
        out.fails(PW_MAX_AGE, &a.id, None, p.is_none_or(|p| p.max_age.is_none_or(|d| d > 90)));
    }
    if a.iam.export {
        for p in a.iam.policies.iter().filter(|p| p.attachments > 0) {
            match p.versions.iter().find(|v| v.default) {
                Some(v) => out.fails(FULL_ADMIN, &p.arn, None, full_admin(&v.doc)),
                None => out.push(FULL_ADMIN, &p.arn, None, Status::Unknown),
            }
        }
        let inline = a.iam.users.iter().flat_map(|u| u.inline.iter().map(move |i| (&u.arn, i)));
        let inline = inline.chain(a.iam.groups.iter().flat_map(|g| g.inline.iter().map(move |i| (&g.arn, i))));
        let inline = inline.chain(a.iam.roles.iter().flat_map(|r| r.inline.iter().map(move |i| (&r.arn, i))));
        for (arn, i) in inline {
            out.fails(FULL_ADMIN, &format!("{arn}#{}", i.name), None, full_admin(&i.doc));
        }
        for u in &a.iam.users {
            out.fails(USER_ATTACHED, &u.arn, None, !u.attached.is_empty() || !u.inline.is_empty());
        }
    }
    if let Ev::Ok(devices) = &a.virtual_mfa {
        let root = a.root_arn();
        let root_virtual = devices.iter().any(|d| {
            d.serial.ends_with(":mfa/root-account-mfa-device")
                || d.user.as_ref().is_some_and(|u| u.arn.ends_with(":root"))
        });
        let status = match (&a.summary, root_virtual) {
            (_, true) => Status::Fail,
            (Ev::Ok(s), false) => {
                if s.mfa_enabled {
                    Status::Pass
                } else {
                    Status::Fail
                }
            }
            _ => Status::Unknown,
        };
        out.push(ROOT_HW_MFA, &root, None, status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perm(protocol: &'static str, from: Option<i64>, to: Option<i64>, v4: &[&str], v6: &[&str]) -> Permission {
        Permission {
            protocol,
            from,
            to,
            ipv4: v4.iter().map(|s| (*s).to_owned()).collect(),
            ipv6: v6.iter().map(|s| (*s).to_owned()).collect(),
            groups: Vec::new(),
        }
    }

    #[test]
    fn port_ranges_and_protocols_follow_the_rule_text() {
        let any = ["0.0.0.0/0"];
        assert!(open_to(&perm("tcp", Some(20), Some(25), &any, &[]), &ADMIN_PORTS));
        assert!(!open_to(&perm("tcp", Some(23), Some(3388), &any, &[]), &ADMIN_PORTS));
        // 23..3388 holds 1433, 1521 and 3306.
        assert!(open_to(&perm("tcp", Some(23), Some(3388), &any, &[]), &DB_PORTS));
        assert!(open_to(&perm("-1", None, None, &[], &["::/0"]), &ADMIN_PORTS));
        assert!(!open_to(&perm("-1", None, None, &["10.0.0.0/8"], &[]), &ADMIN_PORTS));
        assert!(!open_to(&perm("udp", Some(3389), Some(3389), &any, &[]), &ADMIN_PORTS));
        assert!(!open_to(&perm("icmp", Some(-1), Some(-1), &any, &[]), &ADMIN_PORTS));
        assert!(open_all(&perm("tcp", Some(0), Some(65_535), &any, &[])));
        assert!(open_all(&perm("udp", Some(1), Some(65_535), &any, &[])));
        assert!(!open_all(&perm("tcp", Some(2), Some(65_535), &any, &[])));
        assert!(!open_all(&perm("icmp", Some(-1), Some(-1), &any, &[])));
        assert!(open_all(&perm("-1", None, None, &[], &["::/0"])));
    }
}
