//! The regional part of the design: a builder for one region's resources, the regions of dev and
//! sandbox (the states prod cannot have at once), and the background every region gets. Prod's
//! regions, which hold most boundary cases, are in prod.rs.

use super::design::{Ctx, Expect, WORDS};
use super::model::{
    Alarm, ApiError, Db, DbSnapshot, Ev, FlowLog, Instance, Key, LogGroup, Metadata, MetricFilter, Nacl, NaclEntry,
    Permission, Recorder, Region, SecurityGroup, Snapshot, Volume, VolumePermission, Vpc,
};
use super::oracle::{
    CIS_ALARMS, CONFIG_RECORDER, DEFAULT_SG, EBS_DEFAULT, IMDSV2, KMS_ROTATION, SG_ADMIN, SG_ALL, SG_DB, VPC_FLOW_LOGS,
};

/// What an account's regions share with the account design.
pub(super) struct Shared {
    pub(super) account_index: usize,
    pub(super) name: String,
    /// The trail's KMS key (a key of the home region).
    pub(super) trail_key: String,
    /// The log group the trail sends to, in the home region.
    pub(super) trail_log_group: Option<String>,
    pub(super) topic: String,
    pub(super) trail_bucket: String,
}

const EBS_KEY: &str = "Default key that protects my EBS volumes when no other key is defined";
pub(super) const S3_KEY: &str = "Default key that protects my S3 objects when no other key is defined";
pub(super) const V4: &str = "0.0.0.0/0";
pub(super) const V6: &str = "::/0";
/// An account the snapshots are shared with.
pub(super) const PARTNER: &str = "999988887777";

/// A region under construction.
pub(super) struct B<'a> {
    pub(super) c: &'a mut Ctx,
    pub(super) s: &'a Shared,
    pub(super) region: String,
    pub(super) vpcs: Vec<Vpc>,
    pub(super) flow_logs: Vec<FlowLog>,
    pub(super) sgs: Vec<SecurityGroup>,
    pub(super) nacls: Vec<Nacl>,
    pub(super) instances: Vec<Instance>,
    pub(super) volumes: Vec<Volume>,
    pub(super) snapshots: Vec<Snapshot>,
    pub(super) dbs: Vec<Db>,
    pub(super) db_snapshots: Vec<DbSnapshot>,
    pub(super) log_groups: Vec<LogGroup>,
    pub(super) filters: Vec<MetricFilter>,
    pub(super) alarms: Vec<Alarm>,
    pub(super) keys: Vec<Key>,
    pub(super) ebs_default: Ev<bool>,
    /// The key volumes of this region are encrypted with.
    pub(super) ebs_key: String,
    pub(super) filters_error: Option<ApiError>,
    pub(super) recorders: Ev<Vec<Recorder>>,
}

pub(super) fn perm(protocol: &'static str, ports: Option<(i64, i64)>, v4: &[&str], v6: &[&str]) -> Permission {
    Permission {
        protocol,
        from: ports.map(|p| p.0),
        to: ports.map(|p| p.1),
        ipv4: v4.iter().map(|s| (*s).to_owned()).collect(),
        ipv6: v6.iter().map(|s| (*s).to_owned()).collect(),
        groups: Vec::new(),
    }
}

pub(super) fn from_group(protocol: &'static str, ports: Option<(i64, i64)>, group: &str) -> Permission {
    Permission { groups: vec![group.to_owned()], ..perm(protocol, ports, &[], &[]) }
}

pub(super) fn entry(
    rule: u32,
    protocol: &'static str,
    allow: bool,
    cidr: &str,
    ports: Option<(i64, i64)>,
) -> NaclEntry {
    NaclEntry { rule, protocol, allow, egress: false, cidr: cidr.to_owned(), ports }
}

/// Ingress entries plus the egress allow-all and the implicit denies every NACL lists.
pub(super) fn nacl_entries(ingress: Vec<NaclEntry>) -> Vec<NaclEntry> {
    let egress = |rule, allow| NaclEntry { egress: true, ..entry(rule, "-1", allow, V4, None) };
    let mut out = vec![egress(100, true), egress(32_767, false)];
    out.extend(ingress);
    out.push(entry(32_767, "-1", false, V4, None));
    out
}

pub(super) fn allow_all_entries() -> Vec<NaclEntry> {
    nacl_entries(vec![entry(100, "-1", true, V4, None)])
}

impl B<'_> {
    pub(super) fn case(&mut self, case: &'static str, check: &'static str, resource: &str, e: Expect) {
        let region = self.region.clone();
        self.c.case(case, check, resource, Some(&region), e);
    }
    pub(super) fn az(&mut self) -> String {
        format!("{}{}", self.region, self.c.rng.pick(&["a", "b", "c"]))
    }
    /// A VPC with two subnets. Its default security group and NACL are added by the caller.
    pub(super) fn vpc(&mut self, name: Option<&str>, cidr: &str, default: bool) -> String {
        let id = self.c.ec2_id("vpc");
        let subnets = vec![self.c.ec2_id("subnet"), self.c.ec2_id("subnet")];
        let vpc = Vpc {
            id: id.clone(),
            cidr: cidr.to_owned(),
            default,
            name: name.map(str::to_owned),
            dhcp: self.c.ec2_id("dopt"),
            cidr_assoc: self.c.ec2_id("vpc-cidr-assoc"),
            subnets,
        };
        self.vpcs.push(vpc);
        id
    }
    pub(super) fn subnet(&mut self, vpc: &str) -> String {
        let subnets = self.vpcs.iter().find(|v| v.id == vpc).map(|v| v.subnets.clone()).unwrap_or_default();
        if subnets.is_empty() {
            String::new()
        } else {
            subnets[self.c.rng.below(subnets.len() as u64) as usize].clone()
        }
    }
    pub(super) fn ip(&mut self, vpc: &str) -> String {
        let cidr = self.vpcs.iter().find(|v| v.id == vpc).map_or("10.0.0.0/16", |v| v.cidr.as_str()).to_owned();
        let mut octets = cidr.split(['.', '/']).take(2);
        let (a, b) = (octets.next().unwrap_or("10"), octets.next().unwrap_or("0"));
        format!("{a}.{b}.{}.{}", self.c.rng.range(1, 40), self.c.rng.range(4, 250))
    }
    pub(super) fn flow_log(&mut self, vpc: &str) {
        let group = format!("/vpc/flow-logs/{}", self.s.name);
        if !self.log_groups.iter().any(|g| g.name == group) {
            let created_ms = self.c.days_ago_ms(400);
            self.log_groups.push(LogGroup {
                name: group.clone(),
                created_ms,
                retention: Some(400),
                kms_key: None,
                stored_bytes: 9_214_553_312,
            });
        }
        let flow = FlowLog {
            id: self.c.ec2_id("fl"),
            vpc: vpc.to_owned(),
            status: "ACTIVE",
            created_ms: self.c.days_ago_ms(390),
            log_group: group,
        };
        self.flow_logs.push(flow);
    }
    pub(super) fn sg(&mut self, name: &str, description: &str, vpc: &str, ingress: Vec<Permission>) -> String {
        let id = self.c.ec2_id("sg");
        self.sgs.push(SecurityGroup {
            id: id.clone(),
            name: name.to_owned(),
            description: description.to_owned(),
            vpc: vpc.to_owned(),
            ingress: Some(ingress),
            egress: vec![perm("-1", None, &[V4], &[])],
        });
        id
    }
    /// The VPC's default group: with AWS's initial rules (itself inbound, everything outbound) or
    /// with every rule removed.
    pub(super) fn default_sg(&mut self, vpc: &str, rules: bool) -> String {
        let id = self.c.ec2_id("sg");
        let (ingress, egress) = if rules {
            (vec![from_group("-1", None, &id)], vec![perm("-1", None, &[V4], &[])])
        } else {
            (Vec::new(), Vec::new())
        };
        self.sgs.push(SecurityGroup {
            id: id.clone(),
            name: "default".into(),
            description: "default VPC security group".into(),
            vpc: vpc.to_owned(),
            ingress: Some(ingress),
            egress,
        });
        id
    }
    pub(super) fn nacl(&mut self, vpc: &str, name: Option<&str>, default: bool, entries: Vec<NaclEntry>) -> String {
        let id = self.c.ec2_id("acl");
        let subnets: Vec<(String, String)> = if default {
            let subnets = self.vpcs.iter().find(|v| v.id == vpc).map(|v| v.subnets.clone()).unwrap_or_default();
            subnets.into_iter().map(|s| (self.c.ec2_id("aclassoc"), s)).collect()
        } else {
            Vec::new()
        };
        self.nacls.push(Nacl {
            id: id.clone(),
            vpc: vpc.to_owned(),
            default,
            name: name.map(str::to_owned),
            subnets,
            entries: Some(entries),
        });
        id
    }
    /// An instance with its root volume (deleted with it when terminated).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn instance(
        &mut self,
        name: &str,
        vpc: &str,
        state: &'static str,
        metadata: Option<Metadata>,
        sgs: &[&str],
        encrypted: bool,
        public: bool,
    ) -> (String, Option<String>) {
        let id = self.c.ec2_id("i");
        let az = self.az();
        let launched = self.c.within(20, 400);
        let root = (state != "terminated").then(|| {
            let vol = self.c.ec2_id("vol");
            let kms = encrypted.then(|| self.ebs_key());
            let created_ms = launched * 1000 + 412;
            self.volumes.push(Volume {
                id: vol.clone(),
                size: 8,
                az: az.clone(),
                encrypted,
                kms_key: kms,
                attached_to: Some(id.clone()),
                created_ms,
                snapshot: Some(self.c.ec2_id("snap")),
            });
            vol
        });
        let groups: Vec<(String, String)> = sgs
            .iter()
            .filter_map(|g| self.sgs.iter().find(|s| s.id == *g).map(|s| (s.id.clone(), s.name.clone())))
            .collect();
        let public_ip = (public && state == "running").then(|| {
            format!("54.{}.{}.{}", self.c.rng.range(72, 250), self.c.rng.range(0, 255), self.c.rng.range(1, 254))
        });
        let instance = Instance {
            id: id.clone(),
            reservation: self.c.ec2_id("r"),
            name: name.to_owned(),
            state,
            metadata,
            instance_type: self.c.rng.pick(&["t3.micro", "t3.medium", "m6i.large", "c6g.xlarge"]),
            ami: self.c.ec2_id("ami"),
            subnet: self.subnet(vpc),
            private_ip: self.ip(vpc),
            vpc: vpc.to_owned(),
            az,
            public_ip,
            sgs: groups,
            launched,
            root_volume: root.clone(),
            eni: self.c.ec2_id("eni"),
        };
        self.instances.push(instance);
        (id, root)
    }
    pub(super) fn ebs_key(&self) -> String {
        format!("arn:aws:kms:{}:{}:key/{}", self.region, self.c.account, self.ebs_key)
    }
    pub(super) fn volume(&mut self, encrypted: bool, attached_to: Option<&str>, size: u32) -> String {
        let id = self.c.ec2_id("vol");
        let az = self.az();
        let kms_key = encrypted.then(|| self.ebs_key());
        let created_ms = self.c.days_ago_ms(120);
        self.volumes.push(Volume {
            id: id.clone(),
            size,
            az,
            encrypted,
            kms_key,
            attached_to: attached_to.map(str::to_owned),
            created_ms,
            snapshot: None,
        });
        id
    }
    pub(super) fn snapshot(
        &mut self,
        volume: &str,
        description: &str,
        permissions: Ev<Vec<VolumePermission>>,
    ) -> String {
        let id = self.c.ec2_id("snap");
        let (size, encrypted, kms_key) = self
            .volumes
            .iter()
            .find(|v| v.id == volume)
            .map_or((8, false, None), |v| (v.size, v.encrypted, v.kms_key.clone()));
        let started_ms = self.c.within_ms(5, 200);
        self.snapshots.push(Snapshot {
            id: id.clone(),
            volume: volume.to_owned(),
            size,
            encrypted,
            kms_key,
            started_ms,
            description: description.to_owned(),
            permissions,
        });
        id
    }
    #[allow(clippy::too_many_arguments)]
    pub(super) fn db(
        &mut self,
        id: &str,
        engine: &'static str,
        vpc: &str,
        sg: &str,
        public: bool,
        encrypted: bool,
    ) -> Db {
        let (version, port) = if engine == "postgres" { ("16.4", 5432) } else { ("8.0.39", 3306) };
        let subnets = self.vpcs.iter().find(|v| v.id == vpc).map(|v| v.subnets.clone()).unwrap_or_default();
        let db = Db {
            id: id.to_owned(),
            engine,
            engine_version: version,
            class: self.c.rng.pick(&["db.t4g.medium", "db.r6g.large", "db.m6g.large"]),
            port,
            public,
            encrypted,
            kms_key: encrypted.then(|| self.ebs_key()),
            created_ms: self.c.within_ms(90, 900),
            sg: sg.to_owned(),
            vpc: vpc.to_owned(),
            subnets,
            az: self.az(),
            resource_id: format!("db-{}", self.c.hex(26).to_ascii_uppercase()),
            storage: self.c.rng.pick(&[20, 50, 100, 200]),
            deletion_protection: !public,
            backup_days: 7,
        };
        self.dbs.push(db.clone());
        db
    }
    pub(super) fn db_snapshot(&mut self, id: &str, db: &Db, restore: Ev<Vec<String>>) {
        let created_ms = self.c.within_ms(3, 60);
        self.db_snapshots.push(DbSnapshot { id: id.to_owned(), db: db.clone(), created_ms, restore });
    }
    pub(super) fn log_group(&mut self, name: &str, retention: Option<u32>) {
        let created_ms = self.c.within_ms(30, 900);
        let stored_bytes = self.c.rng.range(0, 50_000_000_000);
        self.log_groups.push(LogGroup { name: name.to_owned(), created_ms, retention, kms_key: None, stored_bytes });
    }
    pub(super) fn filter(
        &mut self,
        name: &str,
        group: &str,
        cis: Option<&'static str>,
        pattern: &str,
    ) -> (String, String) {
        let namespace = if cis.is_some() { "CISBenchmark" } else { "Application" };
        let created_ms = self.c.days_ago_ms(300);
        self.filters.push(MetricFilter {
            name: name.to_owned(),
            log_group: group.to_owned(),
            pattern: pattern.to_owned(),
            cis,
            metric: name.to_owned(),
            namespace: namespace.to_owned(),
            created_ms,
        });
        (name.to_owned(), namespace.to_owned())
    }
    pub(super) fn alarm(&mut self, name: &str, metric: &(String, String), description: &str, notify: bool) {
        let actions = if notify { vec![self.s.topic.clone()] } else { Vec::new() };
        let updated_ms = self.c.days_ago_ms(200);
        self.alarms.push(Alarm {
            name: name.to_owned(),
            description: description.to_owned(),
            metric: metric.0.clone(),
            namespace: metric.1.clone(),
            actions,
            updated_ms,
        });
    }
    pub(super) fn key(
        &mut self,
        id: Option<&str>,
        manager: &'static str,
        spec: &'static str,
        state: &'static str,
        description: &str,
        rotation: Ev<bool>,
    ) -> String {
        let id = id.map_or_else(|| self.c.uuid(), str::to_owned);
        let usage = if spec == "SYMMETRIC_DEFAULT" { "ENCRYPT_DECRYPT" } else { "SIGN_VERIFY" };
        let created_ms = self.c.within_ms(100, 1500);
        let deletion_ms = (state == "PendingDeletion").then(|| self.c.as_of * 1000 + 5 * 86_400_000 + 311);
        self.keys.push(Key {
            id: id.clone(),
            manager,
            spec,
            usage,
            state,
            description: description.to_owned(),
            created_ms,
            deletion_ms,
            describe: Ev::Ok(()),
            rotation,
        });
        id
    }
    pub(super) fn recorder(&mut self, recording: bool) {
        let started = self.c.days_ago(600);
        let stopped = (!recording).then(|| self.c.days_ago(45));
        self.recorders = Ev::Ok(vec![Recorder {
            name: "default".into(),
            recording,
            last_status: if recording { "SUCCESS" } else { "PENDING" },
            started,
            stopped,
        }]);
    }
    /// The default VPC every region has, with AWS's initial default group and NACL.
    pub(super) fn default_vpc(&mut self) -> String {
        let vpc = self.vpc(None, "172.31.0.0/16", true);
        self.default_sg(&vpc, true);
        self.nacl(&vpc, None, true, allow_all_entries());
        vpc
    }
}

pub(super) fn metadata(tokens: &'static str, endpoint: &'static str) -> Option<Metadata> {
    Some(Metadata { tokens, endpoint, hop_limit: if tokens == "required" { 2 } else { 1 } })
}

pub(super) fn kms_error(c: &Ctx, region: &str, key: &str, code: &'static str, message: &str) -> ApiError {
    let arn = format!("arn:aws:kms:{region}:{}:key/{key}", c.account);
    ApiError::new(code, 400, message.replace("{arn}", &arn))
}

pub(super) fn region(c: &mut Ctx, s: &Shared, index: usize, name: &str) -> Region {
    let mut b = B {
        c,
        s,
        region: name.to_owned(),
        vpcs: Vec::new(),
        flow_logs: Vec::new(),
        sgs: Vec::new(),
        nacls: Vec::new(),
        instances: Vec::new(),
        volumes: Vec::new(),
        snapshots: Vec::new(),
        dbs: Vec::new(),
        db_snapshots: Vec::new(),
        log_groups: Vec::new(),
        filters: Vec::new(),
        alarms: Vec::new(),
        keys: Vec::new(),
        ebs_default: Ev::Ok(true),
        ebs_key: String::new(),
        filters_error: None,
        recorders: Ev::Ok(Vec::new()),
    };
    // The home region holds the trail key, which also encrypts its volumes and buckets; other
    // regions encrypt volumes with their AWS managed aws/ebs key.
    b.ebs_key = if index == 0 {
        let key = s.trail_key.clone();
        b.key(Some(&key), "CUSTOMER", "SYMMETRIC_DEFAULT", "Enabled", "CloudTrail and default encryption", Ev::Ok(true))
    } else {
        b.key(None, "AWS", "SYMMETRIC_DEFAULT", "Enabled", EBS_KEY, Ev::Ok(true))
    };
    match (s.account_index, index) {
        (0, 0) => super::prod::prod_primary(&mut b),
        (0, 1) => super::prod::prod_secondary(&mut b),
        (1, 0) => dev_primary(&mut b),
        (1, 1) => dev_secondary(&mut b),
        (2, 0) => sandbox_primary(&mut b),
        _ => plain(&mut b),
    }
    background(&mut b);
    let metric_filters = match b.filters_error.take() {
        Some(e) => Ev::Err(e),
        None => Ev::Ok(b.filters),
    };
    Region {
        name: b.region,
        vpcs: Ev::Ok(b.vpcs),
        flow_logs: Ev::Ok(b.flow_logs),
        sgs: Ev::Ok(b.sgs),
        nacls: Ev::Ok(b.nacls),
        instances: Ev::Ok(b.instances),
        volumes: Ev::Ok(b.volumes),
        ebs_default: b.ebs_default,
        snapshots: Ev::Ok(b.snapshots),
        dbs: Ev::Ok(b.dbs),
        db_snapshots: Ev::Ok(b.db_snapshots),
        log_groups: Ev::Ok(b.log_groups),
        metric_filters,
        alarms: Ev::Ok(b.alarms),
        keys: Ev::Ok(b.keys),
        recorders: b.recorders,
    }
}

// ---------------------------------------------------------------- dev and sandbox

fn dev_primary(b: &mut B) {
    let vpc = b.default_vpc();
    let dev = b.vpc(Some("dev"), "10.50.0.0/16", false);
    b.flow_log(&dev);
    b.default_sg(&dev, true);
    b.nacl(&dev, None, true, allow_all_entries());
    let ssh = b.sg("dev-ssh", "ssh for developers", &dev, vec![perm("tcp", Some((22, 22)), &[V4], &[])]);
    b.case("tcp 22 from 0.0.0.0/0", SG_ADMIN, &ssh, Expect::Fail);
    let (i, _) = b.instance("dev-box", &dev, "running", metadata("optional", "enabled"), &[&ssh], false, true);
    b.case("HttpTokens optional", IMDSV2, &i, Expect::Fail);
    b.instance("dev-api", &vpc, "running", metadata("required", "enabled"), &[], true, false);
    let sg = b.sg("dev-db", "dev database", &dev, vec![perm("tcp", Some((5432, 5432)), &["10.50.0.0/16"], &[])]);
    b.db("dev-postgres", "postgres", &dev, &sg, false, false);
    let k = b.key(None, "CUSTOMER", "SYMMETRIC_DEFAULT", "Enabled", "dev secrets", Ev::Ok(false));
    b.case("customer symmetric key, rotation off", KMS_ROTATION, &k, Expect::Fail);
    b.ebs_default = Ev::Ok(false);
    b.recorder(true);
    b.log_group("/aws/lambda/dev-api", Some(14));
}

fn dev_secondary(b: &mut B) {
    let vpc = b.default_vpc();
    b.case("no flow log", VPC_FLOW_LOGS, &vpc, Expect::Fail);
    let r = format!("{}/{}", b.c.account, b.region);
    b.case("no configuration recorder", CONFIG_RECORDER, &r, Expect::Fail);
}

fn sandbox_primary(b: &mut B) {
    let vpc = b.vpc(None, "172.31.0.0/16", true);
    let r = format!("{}/{}", b.c.account, b.region);
    b.case("configuration recorder list empty", CONFIG_RECORDER, &r, Expect::Fail);
    let d = b.default_sg(&vpc, false);
    b.case("default group with every rule removed", DEFAULT_SG, &d, Expect::Pass);
    b.nacl(&vpc, None, true, allow_all_entries());
    let open = b.sg("sandbox-open", "anything goes", &vpc, vec![perm("-1", None, &[V4], &[])]);
    for check in [SG_ADMIN, SG_DB, SG_ALL] {
        b.case("protocol -1 from 0.0.0.0/0", check, &open, Expect::Fail);
    }
    b.instance("sandbox-vm", &vpc, "running", metadata("optional", "enabled"), &[&open], false, true);
    let account = b.c.account.clone();
    let denied = |action: &str, resource: &str| {
        format!(
            "User: arn:aws:sts::{account}:assumed-role/GapscopeAuditor/auditor is not authorized to perform: {action}{resource} because no identity-based policy allows the {action} action"
        )
    };
    // Refused exports are evidence of nothing: no EBS default verdict here, and with every
    // metric-filter export refused the account is not in the CIS alarms population.
    b.ebs_default = Ev::Err(ApiError::new(
        "UnauthorizedOperation",
        403,
        format!("You are not authorized to perform this operation. {}", denied("ec2:GetEbsEncryptionByDefault", "")),
    ));
    let r = format!("{account}/{}", b.region);
    b.case("get-ebs-encryption-by-default UnauthorizedOperation", EBS_DEFAULT, &r, Expect::Absent);
    sandbox_filters_refused(b);
    b.c.case("every describe-metric-filters refused", CIS_ALARMS, &format!("{account}/cis-4.1"), None, Expect::Absent);
}

fn sandbox_filters_refused(b: &mut B) {
    let account = b.c.account.clone();
    let resource = format!(" on resource: arn:aws:logs:{}:{account}:log-group::log-stream:", b.region);
    b.filters_error = Some(ApiError::new(
        "AccessDeniedException",
        400,
        format!(
            "User: arn:aws:sts::{account}:assumed-role/GapscopeAuditor/auditor is not authorized to perform: logs:DescribeMetricFilters{resource} because no identity-based policy allows the logs:DescribeMetricFilters action"
        ),
    ));
}

/// Any other region: the default VPC as AWS creates it, a recorder that records.
fn plain(b: &mut B) {
    b.default_vpc();
    b.recorder(true);
    if b.s.account_index == 2 {
        sandbox_filters_refused(b);
    }
}

// ---------------------------------------------------------------- background

fn background(b: &mut B) {
    let vpc = b.vpcs.iter().find(|v| !v.default).or(b.vpcs.first()).map(|v| v.id.clone()).unwrap_or_default();
    for _ in 0..b.c.count() {
        let word = b.c.rng.pick(&WORDS);
        let port = b.c.rng.pick(&[8080, 8443, 9000, 5000]);
        let sg = b.sg(
            &format!("{word}-svc"),
            &format!("{word} service"),
            &vpc,
            vec![perm("tcp", Some((port, port)), &["10.0.0.0/8"], &[])],
        );
        let tokens = if b.c.rng.chance(75) { "required" } else { "optional" };
        let encrypted = b.c.rng.chance(80);
        let name = format!("{word}-{}", b.c.hex(3));
        b.instance(&name, &vpc, "running", metadata(tokens, "enabled"), &[&sg], encrypted, false);
    }
    for _ in 0..b.c.count() {
        let word = b.c.rng.pick(&WORDS);
        let retention = b.c.rng.pick(&[
            None,
            Some(1),
            Some(7),
            Some(14),
            Some(30),
            Some(90),
            Some(180),
            Some(365),
            Some(400),
            Some(731),
            Some(3653),
        ]);
        let name = format!("/aws/lambda/{word}-{}", b.c.hex(4));
        b.log_group(&name, retention);
    }
    for _ in 0..b.c.count() {
        let on = b.c.rng.chance(60);
        b.key(None, "CUSTOMER", "SYMMETRIC_DEFAULT", "Enabled", "application key", Ev::Ok(on));
    }
    let vols: Vec<String> = b.volumes.iter().filter(|v| v.attached_to.is_some()).map(|v| v.id.clone()).collect();
    for _ in 0..b.c.count().min(vols.len() as u64) {
        let v = vols[b.c.rng.below(vols.len() as u64) as usize].clone();
        b.snapshot(&v, "Created by AWS Backup", Ev::Ok(Vec::new()));
    }
}
