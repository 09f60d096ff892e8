//! Network exposure: security groups and network ACLs open to the internet, the default security
//! group, and instance metadata (CIS AWS 5.1–5.4, 5.6).

use super::{Outcome, Rule, Status, merge_copies, outcome};
use crate::config::Thresholds;
use crate::facts::Facts;
use crate::formats::aws::posture::PostureExport;
use crate::formats::aws::posture::PostureKind;
use crate::formats::aws::posture::model::{AclEntry, IpPermission, SecurityGroup, is_world};

pub(super) const RULES: &[Rule] = &[
    Rule { id: "aws.ec2.sg_open_admin_ports", evaluate: sg_open_admin_ports },
    Rule { id: "aws.ec2.sg_open_db_ports", evaluate: sg_open_db_ports },
    Rule { id: "aws.ec2.sg_open_all_ports", evaluate: sg_open_all_ports },
    Rule { id: "aws.ec2.default_sg_restricts_all", evaluate: default_sg_restricts_all },
    Rule { id: "aws.ec2.nacl_open_admin_ports", evaluate: nacl_open_admin_ports },
    Rule { id: "aws.ec2.imdsv2_required", evaluate: imdsv2_required },
];

pub(crate) const ADMIN_PORTS: [i64; 2] = [22, 3389];
pub(crate) const DB_PORTS: [i64; 7] = [1433, 1521, 3306, 5432, 6379, 9200, 27017];

/// Every security group with where it was read.
fn groups(facts: &Facts) -> impl Iterator<Item = (&crate::facts::posture::PostureFile, usize, &SecurityGroup)> {
    facts.posture.of(PostureKind::SecurityGroups).flat_map(|file| match &file.export {
        PostureExport::SecurityGroups(groups) => groups.iter().enumerate().map(move |(i, g)| (file, i, g)).collect(),
        _ => Vec::new(),
    })
}

/// The ingress rules open to the internet that reach one of `ports`, described for the detail.
fn world_rules(permissions: &[IpPermission], reaches: impl Fn(&IpPermission) -> Vec<i64>) -> Vec<String> {
    let mut found = Vec::new();
    for (i, permission) in permissions.iter().enumerate() {
        let sources = permission.world_sources();
        if sources.is_empty() {
            continue;
        }
        let ports = reaches(permission);
        if ports.is_empty() {
            continue;
        }
        let (from, to) = permission.ports();
        let protocol = permission.ip_protocol.as_deref().unwrap_or("?");
        let range =
            if permission.all_protocols() { "all traffic".to_string() } else { format!("{protocol} {from}-{to}") };
        let reached: Vec<String> = ports.iter().map(i64::to_string).collect();
        found.push(format!(
            "IpPermissions[{i}]: {range} from {} reaches {}",
            sources.join(" and "),
            reached.join(", ")
        ));
    }
    found
}

/// Which of `ports` a TCP (or all-protocol) rule's range contains.
fn tcp_ports_reached(permission: &IpPermission, ports: &[i64]) -> Vec<i64> {
    if !(permission.all_protocols() || permission.is_tcp()) {
        return Vec::new();
    }
    let (from, to) = permission.ports();
    ports.iter().copied().filter(|p| (from..=to).contains(p)).collect()
}

fn per_group(
    facts: &Facts,
    check: &'static str,
    what: &str,
    reaches: impl Fn(&IpPermission) -> Vec<i64>,
) -> Vec<Outcome> {
    let outcomes = groups(facts)
        .map(|(file, i, group)| {
            let locator = format!("SecurityGroups[{i}]");
            let Some(permissions) = &group.ip_permissions else {
                return outcome(
                    check,
                    Status::Unknown,
                    &group.group_id,
                    file,
                    locator,
                    "the export has no IpPermissions",
                );
            };
            let open = world_rules(permissions, &reaches);
            if open.is_empty() {
                let detail = format!("no ingress from 0.0.0.0/0 or ::/0 reaches {what}");
                outcome(check, Status::Pass, &group.group_id, file, locator, detail)
            } else {
                outcome(check, Status::Fail, &group.group_id, file, locator, open.join("; "))
            }
        })
        .collect();
    merge_copies(outcomes)
}

fn sg_open_admin_ports(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_group(facts, check, "port 22 or 3389", |p| tcp_ports_reached(p, &ADMIN_PORTS))
}

fn sg_open_db_ports(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_group(facts, check, "a database port", |p| tcp_ports_reached(p, &DB_PORTS))
}

fn sg_open_all_ports(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    per_group(facts, check, "every port", |p| {
        let (from, to) = p.ports();
        let every_port = (p.is_tcp() || p.is_udp()) && from <= 1 && to >= 65535;
        if p.all_protocols() || every_port { vec![from, to] } else { Vec::new() }
    })
}

fn default_sg_restricts_all(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let outcomes = groups(facts)
        .filter(|(_, _, g)| g.group_name.as_deref() == Some("default"))
        .map(|(file, i, group)| {
            let locator = format!("SecurityGroups[{i}]");
            let (inbound, outbound) = (group.ip_permissions.as_ref(), group.ip_permissions_egress.as_ref());
            match (inbound.map(Vec::len), outbound.map(Vec::len)) {
                (Some(0), Some(0)) => {
                    outcome(check, Status::Pass, &group.group_id, file, locator, "no inbound or outbound rule")
                }
                (None, None) => {
                    outcome(check, Status::Unknown, &group.group_id, file, locator, "the export lists no rules")
                }
                (i, o) => {
                    let (i, o) = (i.unwrap_or(0), o.unwrap_or(0));
                    if i + o == 0 {
                        let detail = "no rule listed, but one direction is missing from the export";
                        outcome(check, Status::Unknown, &group.group_id, file, locator, detail)
                    } else {
                        let detail = format!("the default security group has {i} inbound and {o} outbound rule(s)");
                        outcome(check, Status::Fail, &group.group_id, file, locator, detail)
                    }
                }
            }
        })
        .collect();
    merge_copies(outcomes)
}

/// Whether an ACL entry covers `port` for TCP (its protocol is all or TCP, its range contains it).
fn acl_covers(entry: &AclEntry, port: i64) -> bool {
    let protocol = entry.protocol.as_deref().map(str::trim);
    match protocol {
        Some("-1" | "all") => true,
        Some("6" | "tcp") => entry.port_range.as_ref().is_none_or(|r| match (r.from, r.to) {
            (Some(from), Some(to)) => (from..=to).contains(&port),
            _ => true,
        }),
        _ => false,
    }
}

/// For traffic from anywhere to `port`, the entry that decides: ACL entries are evaluated in rule
/// number order and the first match wins, so a lower-numbered deny shuts what a later allow opens.
/// IPv4 and IPv6 are decided separately (`0.0.0.0/0` entries say nothing of IPv6 traffic).
fn first_match(entries: &[(usize, &AclEntry)], port: i64, v6: bool) -> Option<(usize, bool)> {
    entries
        .iter()
        .filter(|(_, e)| {
            let cidr = if v6 { e.ipv6_cidr_block.as_deref() } else { e.cidr_block.as_deref() };
            cidr.is_some_and(is_world) && acl_covers(e, port)
        })
        .min_by_key(|(_, e)| e.rule_number.unwrap_or(i64::MAX))
        .map(|(i, e)| (*i, e.rule_action.as_deref().is_some_and(|a| a.eq_ignore_ascii_case("allow"))))
}

fn nacl_open_admin_ports(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for file in facts.posture.of(PostureKind::NetworkAcls) {
        let PostureExport::NetworkAcls(acls) = &file.export else { continue };
        for (i, acl) in acls.iter().enumerate() {
            let locator = format!("NetworkAcls[{i}]");
            let Some(entries) = &acl.entries else {
                outcomes.push(outcome(
                    check,
                    Status::Unknown,
                    &acl.network_acl_id,
                    file,
                    locator,
                    "the export has no Entries",
                ));
                continue;
            };
            let ingress: Vec<(usize, &AclEntry)> =
                entries.iter().enumerate().filter(|(_, e)| e.egress == Some(false)).collect();
            let mut open = Vec::new();
            for port in ADMIN_PORTS {
                for (v6, family) in [(false, "0.0.0.0/0"), (true, "::/0")] {
                    if let Some((at, true)) = first_match(&ingress, port, v6) {
                        let number = entries.get(at).and_then(|e| e.rule_number).unwrap_or_default();
                        open.push(format!("port {port} from {family} allowed by rule {number} (Entries[{at}])"));
                    }
                }
            }
            let (status, detail) = if open.is_empty() {
                (Status::Pass, "ingress from anywhere to 22 and 3389 is denied before any allow".to_string())
            } else {
                (Status::Fail, open.join("; "))
            };
            outcomes.push(outcome(check, status, &acl.network_acl_id, file, locator, detail));
        }
    }
    merge_copies(outcomes)
}

fn imdsv2_required(check: &'static str, facts: &Facts, _: &Thresholds) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for file in facts.posture.of(PostureKind::Instances) {
        let PostureExport::Instances(reservations) = &file.export else { continue };
        for (r, reservation) in reservations.iter().enumerate() {
            for (i, instance) in reservation.instances.iter().flatten().enumerate() {
                let state = instance.state.as_ref().and_then(|s| s.name.as_deref());
                if state == Some("terminated") {
                    continue;
                }
                let locator = format!("Reservations[{r}].Instances[{i}]");
                let id = &instance.instance_id;
                let Some(options) = &instance.metadata_options else {
                    outcomes.push(outcome(
                        check,
                        Status::Unknown,
                        id,
                        file,
                        locator,
                        "the export has no MetadataOptions",
                    ));
                    continue;
                };
                let (status, detail) = match (options.http_endpoint.as_deref(), options.http_tokens.as_deref()) {
                    (Some("disabled"), _) => (Status::Pass, "the metadata endpoint is disabled".to_string()),
                    (_, Some("required")) => (Status::Pass, "HttpTokens = required (IMDSv2 only)".to_string()),
                    (_, Some(tokens)) => {
                        (Status::Fail, format!("HttpTokens = {tokens}: IMDSv1 answers without a token"))
                    }
                    (_, None) => (Status::Unknown, "MetadataOptions has no HttpTokens".to_string()),
                };
                outcomes.push(outcome(check, status, id, file, locator, detail));
            }
        }
    }
    merge_copies(outcomes)
}
