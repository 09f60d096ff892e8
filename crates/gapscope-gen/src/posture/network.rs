//! EC2 network and compute exports: describe-regions, -vpcs, -flow-logs, -security-groups,
//! -network-acls and -instances, with the members in the order EC2 returns them.

use super::Files;
use super::json::{J, O, arr, ms_time, time};
use super::model::{Account, FlowLog, Instance, Nacl, NaclEntry, Permission, Region, SecurityGroup, Vpc};

pub(super) fn regions(f: &mut Files, a: &Account) {
    let regions = a.described_regions.iter().map(|(name, opt_in)| {
        O::new().k("OptInStatus", *opt_in).k("RegionName", name).k("Endpoint", format!("ec2.{name}.amazonaws.com"))
    });
    f.json("ec2-describe-regions", O::new().k("Regions", arr(regions)).j());
}

pub(super) fn write(f: &mut Files, a: &Account, r: &Region) {
    let dir = &r.name;
    f.put(&format!("{dir}/ec2-describe-vpcs"), "DescribeVpcs", &r.vpcs, |vpcs| {
        O::new().k("Vpcs", arr(vpcs.iter().map(|v| vpc(a, v)))).j()
    });
    f.put(&format!("{dir}/ec2-describe-flow-logs"), "DescribeFlowLogs", &r.flow_logs, |logs| {
        O::new().k("FlowLogs", arr(logs.iter().map(|l| flow_log(a, r, l)))).j()
    });
    f.put(&format!("{dir}/ec2-describe-security-groups"), "DescribeSecurityGroups", &r.sgs, |sgs| {
        O::new().k("SecurityGroups", arr(sgs.iter().map(|g| security_group(a, r, g)))).j()
    });
    f.put(&format!("{dir}/ec2-describe-network-acls"), "DescribeNetworkAcls", &r.nacls, |nacls| {
        O::new().k("NetworkAcls", arr(nacls.iter().map(|n| nacl(a, n)))).j()
    });
    f.put(&format!("{dir}/ec2-describe-instances"), "DescribeInstances", &r.instances, |instances| {
        let reservations = instances.iter().map(|i| {
            O::new()
                .k("ReservationId", &i.reservation)
                .k("OwnerId", &a.id)
                .k("Groups", J::Arr(Vec::new()))
                .k("Instances", arr([instance(r, i)]))
        });
        O::new().k("Reservations", arr(reservations)).j()
    });
}

fn name_tags(name: Option<&str>) -> J {
    arr(name.map(|n| O::new().k("Key", "Name").k("Value", n)))
}

fn vpc(a: &Account, v: &Vpc) -> J {
    let association = O::new()
        .k("AssociationId", &v.cidr_assoc)
        .k("CidrBlock", &v.cidr)
        .k("CidrBlockState", O::new().k("State", "associated"));
    O::new()
        .k("OwnerId", &a.id)
        .k("InstanceTenancy", "default")
        .k("CidrBlockAssociationSet", arr([association]))
        .k("IsDefault", v.default)
        .opt("Tags", v.name.as_deref().map(|n| name_tags(Some(n))))
        .k("BlockPublicAccessStates", O::new().k("InternetGatewayBlockMode", "off"))
        .k("VpcId", &v.id)
        .k("State", "available")
        .k("CidrBlock", &v.cidr)
        .k("DhcpOptionsId", &v.dhcp)
        .j()
}

fn flow_log(a: &Account, r: &Region, l: &FlowLog) -> J {
    O::new()
        .k("CreationTime", ms_time(l.created_ms))
        .k("DeliverLogsPermissionArn", format!("arn:aws:iam::{}:role/service-role/flow-logs-delivery", a.id))
        .k("DeliverLogsStatus", "SUCCESS")
        .k("FlowLogId", &l.id)
        .k("FlowLogStatus", l.status)
        .k("LogGroupName", &l.log_group)
        .k("ResourceId", &l.vpc)
        .k("TrafficType", "ALL")
        .k("LogDestinationType", "cloud-watch-logs")
        .k("LogDestination", a.arn("logs", &r.name, &format!("log-group:{}", l.log_group)))
        .k(
            "LogFormat",
            "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} \
             ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
        )
        .k("Tags", J::Arr(Vec::new()))
        .k("MaxAggregationInterval", 600i64)
        .j()
}

fn permission(a: &Account, p: &Permission) -> J {
    O::new()
        .opt("FromPort", p.from)
        .k("IpProtocol", p.protocol)
        .k("IpRanges", arr(p.ipv4.iter().map(|c| O::new().k("CidrIp", c))))
        .k("Ipv6Ranges", arr(p.ipv6.iter().map(|c| O::new().k("CidrIpv6", c))))
        .k("PrefixListIds", J::Arr(Vec::new()))
        .opt("ToPort", p.to)
        .k("UserIdGroupPairs", arr(p.groups.iter().map(|g| O::new().k("UserId", &a.id).k("GroupId", g))))
        .j()
}

fn security_group(a: &Account, r: &Region, g: &SecurityGroup) -> J {
    O::new()
        .k("GroupId", &g.id)
        .k("IpPermissionsEgress", arr(g.egress.iter().map(|p| permission(a, p))))
        .k("VpcId", &g.vpc)
        .k("SecurityGroupArn", a.arn("ec2", &r.name, &format!("security-group/{}", g.id)))
        .k("OwnerId", &a.id)
        .k("GroupName", &g.name)
        .k("Description", &g.description)
        .opt("IpPermissions", g.ingress.as_ref().map(|ps| arr(ps.iter().map(|p| permission(a, p)))))
        .j()
}

fn entry(e: &NaclEntry) -> J {
    let ipv6 = e.cidr.contains(':');
    O::new()
        .opt("CidrBlock", (!ipv6).then_some(e.cidr.as_str()))
        .k("Egress", e.egress)
        .opt("Ipv6CidrBlock", ipv6.then_some(e.cidr.as_str()))
        .opt("PortRange", e.ports.map(|(from, to)| O::new().k("From", from).k("To", to)))
        .k("Protocol", e.protocol)
        .k("RuleAction", if e.allow { "allow" } else { "deny" })
        .k("RuleNumber", e.rule)
        .j()
}

fn nacl(a: &Account, n: &Nacl) -> J {
    let associations = n.subnets.iter().map(|(assoc, subnet)| {
        O::new().k("NetworkAclAssociationId", assoc).k("NetworkAclId", &n.id).k("SubnetId", subnet)
    });
    O::new()
        .k("Associations", arr(associations))
        .opt("Entries", n.entries.as_ref().map(|es| arr(es.iter().map(entry))))
        .k("IsDefault", n.default)
        .k("NetworkAclId", &n.id)
        .k("Tags", name_tags(n.name.as_deref()))
        .k("VpcId", &n.vpc)
        .k("OwnerId", &a.id)
        .j()
}

/// `ip-10-20-3-7.eu-west-1.compute.internal` (`ec2.internal` in us-east-1).
fn private_dns(region: &str, ip: &str) -> String {
    let host = format!("ip-{}", ip.replace('.', "-"));
    if region == "us-east-1" { format!("{host}.ec2.internal") } else { format!("{host}.{region}.compute.internal") }
}

fn public_dns(region: &str, ip: &str) -> String {
    let host = format!("ec2-{}", ip.replace('.', "-"));
    if region == "us-east-1" {
        format!("{host}.compute-1.amazonaws.com")
    } else {
        format!("{host}.{region}.compute.amazonaws.com")
    }
}

fn instance(r: &Region, i: &Instance) -> J {
    let terminated = i.state == "terminated";
    let code = match i.state {
        "running" => 16,
        "stopped" => 80,
        _ => 48,
    };
    let ebs = i.root_volume.as_ref().map(|v| {
        O::new().k("DeviceName", "/dev/xvda").k(
            "Ebs",
            O::new()
                .k("AttachTime", time(i.launched + 1))
                .k("DeleteOnTermination", true)
                .k("Status", "attached")
                .k("VolumeId", v),
        )
    });
    let groups = || arr(i.sgs.iter().map(|(id, name)| O::new().k("GroupId", id).k("GroupName", name)));
    let private_dns = private_dns(&r.name, &i.private_ip);
    let eni = (!terminated).then(|| {
        O::new()
            .opt(
                "Association",
                i.public_ip.as_ref().map(|ip| {
                    O::new().k("IpOwnerId", "amazon").k("PublicDnsName", public_dns(&r.name, ip)).k("PublicIp", ip)
                }),
            )
            .k(
                "Attachment",
                O::new()
                    .k("AttachTime", time(i.launched))
                    .k("AttachmentId", format!("eni-attach-{}", i.eni.trim_start_matches("eni-")))
                    .k("DeleteOnTermination", true)
                    .k("DeviceIndex", 0i64)
                    .k("Status", "attached")
                    .k("NetworkCardIndex", 0i64),
            )
            .k("Description", "")
            .k("Groups", groups())
            .k("Ipv6Addresses", J::Arr(Vec::new()))
            .k("NetworkInterfaceId", &i.eni)
            .k("PrivateDnsName", &private_dns)
            .k("PrivateIpAddress", &i.private_ip)
            .k("SourceDestCheck", true)
            .k("Status", "in-use")
            .k("SubnetId", &i.subnet)
            .k("VpcId", &i.vpc)
            .k("InterfaceType", "interface")
    });
    let metadata = i.metadata.as_ref().map(|m| {
        O::new()
            .k("State", "applied")
            .k("HttpTokens", m.tokens)
            .k("HttpPutResponseHopLimit", m.hop_limit)
            .k("HttpEndpoint", m.endpoint)
            .k("HttpProtocolIpv6", "disabled")
            .k("InstanceMetadataTags", "disabled")
    });
    let reason = if terminated {
        format!(
            "User initiated ({} GMT)",
            super::json::iso(i.launched + 30 * 86_400, 0).replace('T', " ").replace("+00:00", "")
        )
    } else if i.state == "stopped" {
        format!(
            "User initiated ({} GMT)",
            super::json::iso(i.launched + 10 * 86_400, 0).replace('T', " ").replace("+00:00", "")
        )
    } else {
        String::new()
    };
    O::new()
        .k("Architecture", if i.instance_type.starts_with("c6g") { "arm64" } else { "x86_64" })
        .k("BlockDeviceMappings", arr(ebs))
        .k("ClientToken", "")
        .k("EbsOptimized", true)
        .k("EnaSupport", true)
        .k("Hypervisor", "xen")
        .k("NetworkInterfaces", arr(eni))
        .k("RootDeviceName", "/dev/xvda")
        .k("RootDeviceType", "ebs")
        .k("SecurityGroups", if terminated { J::Arr(Vec::new()) } else { groups() })
        .k("SourceDestCheck", true)
        .opt(
            "StateReason",
            terminated.then(|| {
                O::new()
                    .k("Code", "Client.UserInitiatedShutdown")
                    .k("Message", "Client.UserInitiatedShutdown: User initiated shutdown")
            }),
        )
        .k("Tags", name_tags(Some(&i.name)))
        .k("VirtualizationType", "hvm")
        .k("CpuOptions", O::new().k("CoreCount", 1i64).k("ThreadsPerCore", 2i64))
        .k("CapacityReservationSpecification", O::new().k("CapacityReservationPreference", "open"))
        .k("HibernationOptions", O::new().k("Configured", false))
        .opt("MetadataOptions", metadata)
        .k("EnclaveOptions", O::new().k("Enabled", false))
        .k("BootMode", "uefi-preferred")
        .k("PlatformDetails", "Linux/UNIX")
        .k("UsageOperation", "RunInstances")
        .k("UsageOperationUpdateTime", time(i.launched))
        .k(
            "PrivateDnsNameOptions",
            O::new()
                .k("HostnameType", "ip-name")
                .k("EnableResourceNameDnsARecord", false)
                .k("EnableResourceNameDnsAAAARecord", false),
        )
        .k("MaintenanceOptions", O::new().k("AutoRecovery", "default"))
        .k("CurrentInstanceBootMode", "legacy-bios")
        .k("InstanceId", &i.id)
        .k("ImageId", &i.ami)
        .k("State", O::new().k("Code", code as i64).k("Name", i.state))
        .k("PrivateDnsName", if terminated { String::new() } else { private_dns.clone() })
        .k("PublicDnsName", i.public_ip.as_ref().map(|ip| public_dns(&r.name, ip)).unwrap_or_default())
        .k("StateTransitionReason", reason)
        .k("AmiLaunchIndex", 0i64)
        .k("ProductCodes", J::Arr(Vec::new()))
        .k("InstanceType", i.instance_type)
        .k("LaunchTime", time(i.launched))
        .k("Placement", O::new().k("GroupName", "").k("Tenancy", "default").k("AvailabilityZone", &i.az))
        .k("Monitoring", O::new().k("State", "disabled"))
        .opt("SubnetId", (!terminated).then_some(i.subnet.as_str()))
        .opt("VpcId", (!terminated).then_some(i.vpc.as_str()))
        .opt("PrivateIpAddress", (!terminated).then_some(i.private_ip.as_str()))
        .opt("PublicIpAddress", i.public_ip.as_deref())
        .j()
}
