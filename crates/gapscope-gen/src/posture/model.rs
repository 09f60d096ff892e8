//! What the bundle holds, as data: accounts, their regions and resources, and for every export
//! whether the command succeeded, failed (and with which error) or left nothing. The writers
//! render this model; the oracle judges it. Neither reads the other's output.

/// The outcome of one CLI command.
#[derive(Clone, Debug)]
pub(super) enum Ev<T> {
    Ok(T),
    /// The command failed: `<name>.error.txt` (or a wrapped error response) holds this.
    Err(ApiError),
    /// No file at all (the command was not run, or its output was lost).
    Absent,
}

impl<T> Ev<T> {
    pub(super) fn ok(&self) -> Option<&T> {
        match self {
            Ev::Ok(v) => Some(v),
            _ => None,
        }
    }
    /// The error code, when the command failed.
    pub(super) fn code(&self) -> Option<&'static str> {
        match self {
            Ev::Err(e) => Some(e.code),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct ApiError {
    pub(super) code: &'static str,
    pub(super) message: String,
    pub(super) http: u16,
}

impl ApiError {
    pub(super) fn new(code: &'static str, http: u16, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into(), http }
    }
}

/// Error codes the oracle reads as evidence (the spec's "some error codes ARE evidence").
pub(super) const NO_BUCKET_POLICY: &str = "NoSuchBucketPolicy";
pub(super) const NO_PUBLIC_ACCESS_BLOCK: &str = "NoSuchPublicAccessBlockConfiguration";
pub(super) const NO_ENCRYPTION: &str = "ServerSideEncryptionConfigurationNotFoundError";
pub(super) const NO_SUCH_ENTITY: &str = "NoSuchEntity";

pub(super) struct World {
    pub(super) accounts: Vec<Account>,
}

pub(super) struct Account {
    pub(super) id: String,
    /// Prefix of the account's resource names: `acme-prod`, `acme-dev`, `acme-sandbox`.
    pub(super) name: String,
    /// The `ec2 describe-regions --all-regions` list: name and OptInStatus.
    pub(super) described_regions: Vec<(String, &'static str)>,
    pub(super) regions: Vec<Region>,
    pub(super) trails: Vec<Trail>,
    pub(super) password_policy: Ev<PasswordPolicy>,
    pub(super) summary: Ev<Summary>,
    pub(super) virtual_mfa: Ev<Vec<VirtualMfa>>,
    pub(super) iam: Iam,
    pub(super) canonical_id: String,
    pub(super) buckets: Vec<Bucket>,
    pub(super) account_bpa: Ev<Bpa>,
    /// The account's home region: where buckets and the trail live (the first region given).
    pub(super) home: String,
}

impl Account {
    pub(super) fn arn(&self, service: &str, region: &str, rest: &str) -> String {
        format!("arn:aws:{service}:{region}:{}:{rest}", self.id)
    }
    pub(super) fn root_arn(&self) -> String {
        format!("arn:aws:iam::{}:root", self.id)
    }
}

// ---------------------------------------------------------------- IAM

#[derive(Clone, Debug)]
pub(super) struct PasswordPolicy {
    pub(super) min_length: u32,
    pub(super) symbols: bool,
    pub(super) numbers: bool,
    pub(super) uppercase: bool,
    pub(super) lowercase: bool,
    pub(super) max_age: Option<u32>,
    pub(super) reuse: Option<u32>,
}

#[derive(Clone, Debug)]
pub(super) struct Summary {
    pub(super) mfa_enabled: bool,
    pub(super) root_keys: bool,
}

#[derive(Clone, Debug)]
pub(super) struct VirtualMfa {
    pub(super) serial: String,
    /// None: created but never assigned.
    pub(super) user: Option<MfaUser>,
    pub(super) enabled: i64,
}

#[derive(Clone, Debug)]
pub(super) struct MfaUser {
    pub(super) name: Option<String>,
    pub(super) id: String,
    pub(super) arn: String,
    pub(super) created: i64,
}

#[derive(Clone, Debug)]
pub(super) enum Effect {
    Allow,
    Deny,
}

/// A string or a list of strings, as the document spells it.
#[derive(Clone, Debug)]
pub(super) enum Strs {
    One(String),
    Many(Vec<String>),
}

impl Strs {
    pub(super) fn one(s: &str) -> Strs {
        Strs::One(s.to_owned())
    }
    pub(super) fn many(items: &[&str]) -> Strs {
        Strs::Many(items.iter().map(|s| (*s).to_owned()).collect())
    }
    pub(super) fn contains(&self, s: &str) -> bool {
        match self {
            Strs::One(v) => v == s,
            Strs::Many(v) => v.iter().any(|x| x == s),
        }
    }
}

#[derive(Clone, Debug)]
pub(super) enum Principal {
    /// `"Principal": "*"`.
    Star,
    /// `"Principal": {"AWS": …}`; may be `"*"`.
    Aws(Strs),
    Service(String),
}

#[derive(Clone, Debug)]
pub(super) enum Condition {
    /// `{"Bool": {"aws:SecureTransport": "false"}}`, the value a string or (`boolean`) a JSON boolean.
    SecureTransportFalse {
        boolean: bool,
    },
    PrincipalOrgId(String),
    SourceArn(String),
    AclBucketOwnerFullControl,
}

#[derive(Clone, Debug)]
pub(super) struct Statement {
    pub(super) sid: Option<String>,
    pub(super) effect: Effect,
    pub(super) principal: Option<Principal>,
    pub(super) actions: Strs,
    pub(super) resources: Strs,
    pub(super) condition: Option<Condition>,
}

#[derive(Clone, Debug)]
pub(super) struct Document {
    pub(super) statements: Vec<Statement>,
    /// Written as a URL-encoded JSON string instead of an object.
    pub(super) encoded: bool,
}

#[derive(Clone, Debug)]
pub(super) struct Inline {
    pub(super) name: String,
    pub(super) doc: Document,
}

#[derive(Clone, Debug)]
pub(super) struct Attached {
    pub(super) name: String,
    pub(super) arn: String,
}

#[derive(Clone, Debug)]
pub(super) struct User {
    pub(super) name: String,
    pub(super) id: String,
    pub(super) arn: String,
    pub(super) created: i64,
    pub(super) groups: Vec<String>,
    pub(super) attached: Vec<Attached>,
    pub(super) inline: Vec<Inline>,
}

#[derive(Clone, Debug)]
pub(super) struct Group {
    pub(super) name: String,
    pub(super) id: String,
    pub(super) arn: String,
    pub(super) created: i64,
    pub(super) attached: Vec<Attached>,
    pub(super) inline: Vec<Inline>,
}

#[derive(Clone, Debug)]
pub(super) struct Role {
    pub(super) name: String,
    pub(super) path: String,
    pub(super) id: String,
    pub(super) arn: String,
    pub(super) created: i64,
    pub(super) trust: Document,
    pub(super) attached: Vec<Attached>,
    pub(super) inline: Vec<Inline>,
}

#[derive(Clone, Debug)]
pub(super) struct PolicyVersion {
    pub(super) id: String,
    pub(super) default: bool,
    pub(super) doc: Document,
    pub(super) created: i64,
}

#[derive(Clone, Debug)]
pub(super) struct Managed {
    pub(super) name: String,
    pub(super) id: String,
    pub(super) arn: String,
    pub(super) path: String,
    /// The number of users, groups and roles it is attached to, as IAM counts them.
    pub(super) attachments: u32,
    pub(super) versions: Vec<PolicyVersion>,
    pub(super) created: i64,
    pub(super) updated: i64,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Iam {
    pub(super) users: Vec<User>,
    pub(super) groups: Vec<Group>,
    pub(super) roles: Vec<Role>,
    pub(super) policies: Vec<Managed>,
    pub(super) export: bool,
}

// ---------------------------------------------------------------- S3

#[derive(Clone, Copy, Debug)]
pub(super) struct Bpa {
    pub(super) block_public_acls: bool,
    pub(super) ignore_public_acls: bool,
    pub(super) block_public_policy: bool,
    pub(super) restrict_public_buckets: bool,
}

impl Bpa {
    pub(super) const ALL: Bpa = Bpa {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };
    pub(super) const NONE: Bpa = Bpa {
        block_public_acls: false,
        ignore_public_acls: false,
        block_public_policy: false,
        restrict_public_buckets: false,
    };
}

#[derive(Clone, Debug)]
pub(super) enum Grantee {
    Owner,
    Group(&'static str),
}

pub(super) const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
pub(super) const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
pub(super) const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

#[derive(Clone, Debug)]
pub(super) struct Grant {
    pub(super) grantee: Grantee,
    pub(super) permission: &'static str,
}

#[derive(Clone, Debug)]
pub(super) struct Sse {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub(super) algorithm: &'static str,
    pub(super) kms_key: Option<String>,
    pub(super) bucket_key: bool,
}

#[derive(Clone, Debug)]
pub(super) struct Bucket {
    pub(super) name: String,
    pub(super) created: i64,
    pub(super) region: String,
    pub(super) bpa: Ev<Bpa>,
    pub(super) policy: Ev<Document>,
    pub(super) policy_status: Ev<bool>,
    pub(super) encryption: Ev<Sse>,
    pub(super) acl: Ev<Vec<Grant>>,
}

// ---------------------------------------------------------------- regions

pub(super) struct Region {
    pub(super) name: String,
    pub(super) vpcs: Ev<Vec<Vpc>>,
    pub(super) flow_logs: Ev<Vec<FlowLog>>,
    pub(super) sgs: Ev<Vec<SecurityGroup>>,
    pub(super) nacls: Ev<Vec<Nacl>>,
    pub(super) instances: Ev<Vec<Instance>>,
    pub(super) volumes: Ev<Vec<Volume>>,
    pub(super) ebs_default: Ev<bool>,
    pub(super) snapshots: Ev<Vec<Snapshot>>,
    pub(super) dbs: Ev<Vec<Db>>,
    pub(super) db_snapshots: Ev<Vec<DbSnapshot>>,
    pub(super) log_groups: Ev<Vec<LogGroup>>,
    pub(super) metric_filters: Ev<Vec<MetricFilter>>,
    pub(super) alarms: Ev<Vec<Alarm>>,
    pub(super) keys: Ev<Vec<Key>>,
    pub(super) recorders: Ev<Vec<Recorder>>,
}

#[derive(Clone, Debug)]
pub(super) struct Vpc {
    pub(super) id: String,
    pub(super) cidr: String,
    pub(super) default: bool,
    pub(super) name: Option<String>,
    pub(super) dhcp: String,
    pub(super) cidr_assoc: String,
    pub(super) subnets: Vec<String>,
}

#[derive(Clone, Debug)]
pub(super) struct FlowLog {
    pub(super) id: String,
    pub(super) vpc: String,
    pub(super) status: &'static str,
    pub(super) created_ms: i64,
    pub(super) log_group: String,
}

/// One IpPermission. `from`/`to` are None when the API leaves them out (protocol -1).
#[derive(Clone, Debug)]
pub(super) struct Permission {
    pub(super) protocol: &'static str,
    pub(super) from: Option<i64>,
    pub(super) to: Option<i64>,
    pub(super) ipv4: Vec<String>,
    pub(super) ipv6: Vec<String>,
    /// Referenced security groups (same account).
    pub(super) groups: Vec<String>,
}

#[derive(Clone, Debug)]
pub(super) struct SecurityGroup {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) description: String,
    pub(super) vpc: String,
    /// None: the export has no IpPermissions member.
    pub(super) ingress: Option<Vec<Permission>>,
    pub(super) egress: Vec<Permission>,
}

#[derive(Clone, Debug)]
pub(super) struct NaclEntry {
    pub(super) rule: u32,
    pub(super) protocol: &'static str,
    pub(super) allow: bool,
    pub(super) egress: bool,
    /// IPv4 or IPv6 CIDR (IPv6 contains ':').
    pub(super) cidr: String,
    pub(super) ports: Option<(i64, i64)>,
}

#[derive(Clone, Debug)]
pub(super) struct Nacl {
    pub(super) id: String,
    pub(super) vpc: String,
    pub(super) default: bool,
    pub(super) name: Option<String>,
    pub(super) subnets: Vec<(String, String)>,
    /// In the order the export lists them.
    pub(super) entries: Option<Vec<NaclEntry>>,
}

#[derive(Clone, Debug)]
pub(super) struct Metadata {
    /// `required` or `optional`.
    pub(super) tokens: &'static str,
    /// `enabled` or `disabled`.
    pub(super) endpoint: &'static str,
    pub(super) hop_limit: u32,
}

#[derive(Clone, Debug)]
pub(super) struct Instance {
    pub(super) id: String,
    pub(super) reservation: String,
    pub(super) name: String,
    /// `running`, `stopped` or `terminated`.
    pub(super) state: &'static str,
    pub(super) metadata: Option<Metadata>,
    pub(super) instance_type: &'static str,
    pub(super) ami: String,
    pub(super) vpc: String,
    pub(super) subnet: String,
    pub(super) az: String,
    pub(super) private_ip: String,
    pub(super) public_ip: Option<String>,
    pub(super) sgs: Vec<(String, String)>,
    pub(super) launched: i64,
    pub(super) root_volume: Option<String>,
    pub(super) eni: String,
}

#[derive(Clone, Debug)]
pub(super) struct Volume {
    pub(super) id: String,
    pub(super) size: u32,
    pub(super) az: String,
    pub(super) encrypted: bool,
    pub(super) kms_key: Option<String>,
    pub(super) attached_to: Option<String>,
    pub(super) created_ms: i64,
    pub(super) snapshot: Option<String>,
}

#[derive(Clone, Debug)]
pub(super) enum VolumePermission {
    All,
    User(String),
}

#[derive(Clone, Debug)]
pub(super) struct Snapshot {
    pub(super) id: String,
    pub(super) volume: String,
    pub(super) size: u32,
    pub(super) encrypted: bool,
    pub(super) kms_key: Option<String>,
    pub(super) started_ms: i64,
    pub(super) description: String,
    pub(super) permissions: Ev<Vec<VolumePermission>>,
}

#[derive(Clone, Debug)]
pub(super) struct Db {
    pub(super) id: String,
    pub(super) engine: &'static str,
    pub(super) engine_version: &'static str,
    pub(super) class: &'static str,
    pub(super) port: u32,
    pub(super) public: bool,
    pub(super) encrypted: bool,
    pub(super) kms_key: Option<String>,
    pub(super) created_ms: i64,
    pub(super) sg: String,
    pub(super) vpc: String,
    pub(super) subnets: Vec<String>,
    pub(super) az: String,
    pub(super) resource_id: String,
    pub(super) storage: u32,
    pub(super) deletion_protection: bool,
    pub(super) backup_days: u32,
}

#[derive(Clone, Debug)]
pub(super) struct DbSnapshot {
    pub(super) id: String,
    pub(super) db: Db,
    pub(super) created_ms: i64,
    /// The `restore` attribute's values.
    pub(super) restore: Ev<Vec<String>>,
}

#[derive(Clone, Debug)]
pub(super) struct LogGroup {
    pub(super) name: String,
    pub(super) created_ms: i64,
    pub(super) retention: Option<u32>,
    pub(super) kms_key: Option<String>,
    pub(super) stored_bytes: i64,
}

#[derive(Clone, Debug)]
pub(super) struct MetricFilter {
    pub(super) name: String,
    pub(super) log_group: String,
    pub(super) pattern: String,
    /// The CIS v3 §4 recommendation whose pattern this is (`4.1` …), if any.
    pub(super) cis: Option<&'static str>,
    pub(super) metric: String,
    pub(super) namespace: String,
    pub(super) created_ms: i64,
}

#[derive(Clone, Debug)]
pub(super) struct Alarm {
    pub(super) name: String,
    pub(super) description: String,
    pub(super) metric: String,
    pub(super) namespace: String,
    pub(super) actions: Vec<String>,
    pub(super) updated_ms: i64,
}

#[derive(Clone, Debug)]
pub(super) struct Key {
    pub(super) id: String,
    /// `CUSTOMER` or `AWS`.
    pub(super) manager: &'static str,
    pub(super) spec: &'static str,
    pub(super) usage: &'static str,
    /// `Enabled`, `Disabled` or `PendingDeletion`.
    pub(super) state: &'static str,
    pub(super) description: String,
    pub(super) created_ms: i64,
    pub(super) deletion_ms: Option<i64>,
    pub(super) describe: Ev<()>,
    pub(super) rotation: Ev<bool>,
}

#[derive(Clone, Debug)]
pub(super) struct Recorder {
    pub(super) name: String,
    pub(super) recording: bool,
    pub(super) last_status: &'static str,
    pub(super) started: i64,
    pub(super) stopped: Option<i64>,
}

#[derive(Clone, Debug)]
pub(super) struct Trail {
    pub(super) name: String,
    pub(super) home: String,
    pub(super) multi_region: bool,
    pub(super) bucket: String,
    pub(super) kms_key: Option<String>,
    /// Region and name of the CloudWatch Logs log group the trail sends to.
    pub(super) log_group: Option<(String, String)>,
    pub(super) logging: bool,
    pub(super) started: i64,
}
