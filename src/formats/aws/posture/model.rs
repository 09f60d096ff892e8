//! The bodies of the AWS CLI `describe-*`/`get-*`/`list-*` exports the posture checks read, with the
//! key names and nesting the CLI prints (`shared/formats/aws-cli-json.md`). Only fields a check reads
//! are kept; the rest (timestamps included, whatever their spelling) are skipped. A field that is
//! absent or null stays `None`: absent evidence is unknown, never a default.

use serde::Deserialize;
use serde_json::Value;

/// `ec2 describe-security-groups`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SecurityGroup {
    pub group_id: String,
    pub group_name: Option<String>,
    pub vpc_id: Option<String>,
    pub owner_id: Option<String>,
    pub ip_permissions: Option<Vec<IpPermission>>,
    pub ip_permissions_egress: Option<Vec<IpPermission>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpPermission {
    /// `tcp`, `udp`, `icmp`, `-1` (all) or an IP protocol number as text.
    pub ip_protocol: Option<String>,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub ip_ranges: Option<Vec<IpRange>>,
    pub ipv6_ranges: Option<Vec<Ipv6Range>>,
    pub user_id_group_pairs: Option<Vec<Value>>,
    pub prefix_list_ids: Option<Vec<Value>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpRange {
    pub cidr_ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Ipv6Range {
    pub cidr_ipv6: Option<String>,
}

impl IpPermission {
    /// The sources of the rule that mean "anyone on the internet".
    pub(crate) fn world_sources(&self) -> Vec<&str> {
        let v4 = self.ip_ranges.iter().flatten().filter_map(|r| r.cidr_ip.as_deref());
        let v6 = self.ipv6_ranges.iter().flatten().filter_map(|r| r.cidr_ipv6.as_deref());
        v4.chain(v6).filter(|cidr| is_world(cidr)).collect()
    }

    /// Every protocol (`-1`, or the spelled-out `all`).
    pub(crate) fn all_protocols(&self) -> bool {
        matches!(self.ip_protocol.as_deref().map(str::trim), Some("-1" | "all"))
    }

    /// TCP by name or by number.
    pub(crate) fn is_tcp(&self) -> bool {
        matches!(self.ip_protocol.as_deref().map(str::trim), Some("tcp" | "6"))
    }

    pub(crate) fn is_udp(&self) -> bool {
        matches!(self.ip_protocol.as_deref().map(str::trim), Some("udp" | "17"))
    }

    /// Inclusive port range; every port for all protocols, or when the export gives none (`-1`).
    pub(crate) fn ports(&self) -> (i64, i64) {
        if self.all_protocols() {
            return (0, 65535);
        }
        match (self.from_port, self.to_port) {
            (Some(from), Some(to)) if from >= 0 && to >= 0 => (from, to),
            _ => (0, 65535),
        }
    }
}

/// `0.0.0.0/0` or `::/0` (also written `0::/0`): the whole address space.
pub(crate) fn is_world(cidr: &str) -> bool {
    let cidr = cidr.trim();
    cidr == "0.0.0.0/0"
        || cidr.strip_suffix("/0").is_some_and(|addr| addr.contains(':') && addr.trim_matches(['0', ':']).is_empty())
}

/// `ec2 describe-network-acls`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NetworkAcl {
    pub network_acl_id: String,
    pub vpc_id: Option<String>,
    pub owner_id: Option<String>,
    pub is_default: Option<bool>,
    pub entries: Option<Vec<AclEntry>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AclEntry {
    pub rule_number: Option<i64>,
    pub protocol: Option<String>,
    pub rule_action: Option<String>,
    pub egress: Option<bool>,
    pub cidr_block: Option<String>,
    pub ipv6_cidr_block: Option<String>,
    pub port_range: Option<PortRange>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PortRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// `ec2 describe-volumes`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Volume {
    pub volume_id: String,
    pub encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
    pub state: Option<String>,
}

/// `ec2 describe-snapshots --owner-ids self`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Snapshot {
    pub snapshot_id: String,
    pub owner_id: Option<String>,
    pub encrypted: Option<bool>,
    pub volume_id: Option<String>,
}

/// `ec2 describe-snapshot-attribute --attribute createVolumePermission`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SnapshotAttribute {
    pub snapshot_id: Option<String>,
    pub create_volume_permissions: Option<Vec<CreateVolumePermission>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateVolumePermission {
    pub group: Option<String>,
    pub user_id: Option<String>,
}

/// `ec2 describe-vpcs`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Vpc {
    pub vpc_id: String,
    pub owner_id: Option<String>,
    pub is_default: Option<bool>,
}

/// `ec2 describe-flow-logs`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct FlowLog {
    pub flow_log_id: Option<String>,
    pub resource_id: Option<String>,
    pub flow_log_status: Option<String>,
}

/// `ec2 describe-instances`: one reservation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Reservation {
    pub owner_id: Option<String>,
    pub instances: Option<Vec<Instance>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Instance {
    pub instance_id: String,
    pub metadata_options: Option<MetadataOptions>,
    pub state: Option<InstanceState>,
    pub public_ip_address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetadataOptions {
    pub http_tokens: Option<String>,
    pub http_endpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InstanceState {
    pub name: Option<String>,
}

/// `rds describe-db-instances`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct DbInstance {
    #[serde(rename = "DBInstanceIdentifier")]
    pub identifier: String,
    #[serde(rename = "DBInstanceArn")]
    pub arn: Option<String>,
    #[serde(rename = "PubliclyAccessible")]
    pub publicly_accessible: Option<bool>,
    #[serde(rename = "StorageEncrypted")]
    pub storage_encrypted: Option<bool>,
    #[serde(rename = "Engine")]
    pub engine: Option<String>,
}

/// `rds describe-db-snapshots`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct DbSnapshot {
    #[serde(rename = "DBSnapshotIdentifier")]
    pub identifier: String,
    #[serde(rename = "DBSnapshotArn")]
    pub arn: Option<String>,
    #[serde(rename = "Encrypted")]
    pub encrypted: Option<bool>,
}

/// `rds describe-db-snapshot-attributes`' `DBSnapshotAttributesResult`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct DbSnapshotAttributes {
    #[serde(rename = "DBSnapshotIdentifier")]
    pub identifier: String,
    #[serde(rename = "DBSnapshotAttributes")]
    pub attributes: Option<Vec<DbSnapshotAttribute>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbSnapshotAttribute {
    pub attribute_name: Option<String>,
    pub attribute_values: Option<Vec<String>>,
}

/// `s3api list-buckets`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Bucket {
    pub name: String,
}

/// `s3api get-public-access-block` / `s3control get-public-access-block`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PublicAccessBlock {
    pub block_public_acls: Option<bool>,
    pub ignore_public_acls: Option<bool>,
    pub block_public_policy: Option<bool>,
    pub restrict_public_buckets: Option<bool>,
}

impl PublicAccessBlock {
    /// What "no configuration" (`NoSuchPublicAccessBlockConfiguration`) means: every setting off.
    pub(crate) const NONE: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: Some(false),
        ignore_public_acls: Some(false),
        block_public_policy: Some(false),
        restrict_public_buckets: Some(false),
    };

    /// The four settings by name, as the console and CIS 2.1.4 list them.
    pub(crate) fn settings(&self) -> [(&'static str, Option<bool>); 4] {
        [
            ("BlockPublicAcls", self.block_public_acls),
            ("IgnorePublicAcls", self.ignore_public_acls),
            ("BlockPublicPolicy", self.block_public_policy),
            ("RestrictPublicBuckets", self.restrict_public_buckets),
        ]
    }
}

/// `s3api get-bucket-policy-status`' `PolicyStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PolicyStatus {
    pub is_public: Option<bool>,
}

/// `s3api get-bucket-encryption`' `ServerSideEncryptionConfiguration`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct EncryptionConfiguration {
    pub rules: Option<Vec<EncryptionRule>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct EncryptionRule {
    pub apply_server_side_encryption_by_default: Option<EncryptionDefault>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct EncryptionDefault {
    #[serde(rename = "SSEAlgorithm")]
    pub algorithm: Option<String>,
    #[serde(rename = "KMSMasterKeyID")]
    pub kms_key: Option<String>,
}

/// `s3api get-bucket-acl`: one grant.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Grant {
    pub grantee: Option<Grantee>,
    pub permission: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Grantee {
    #[serde(rename = "URI")]
    pub uri: Option<String>,
    #[serde(rename = "Type")]
    pub kind: Option<String>,
}

impl Grant {
    /// A grant to everyone (`AllUsers`) or to any AWS account holder (`AuthenticatedUsers`).
    pub(crate) fn public_group(&self) -> Option<&str> {
        let uri = self.grantee.as_ref()?.uri.as_deref()?;
        ["AllUsers", "AuthenticatedUsers"].into_iter().find(|group| uri.ends_with(&format!("/global/{group}")))
    }
}

/// `iam get-account-password-policy`' `PasswordPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PasswordPolicy {
    pub minimum_password_length: Option<i64>,
    pub password_reuse_prevention: Option<i64>,
    /// Absent: passwords never expire.
    pub max_password_age: Option<i64>,
    pub require_symbols: Option<bool>,
    pub require_numbers: Option<bool>,
    pub require_uppercase_characters: Option<bool>,
    pub require_lowercase_characters: Option<bool>,
    pub hard_expiry: Option<bool>,
}

/// `iam list-virtual-mfa-devices`: one device.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VirtualMfaDevice {
    pub serial_number: String,
    pub user: Option<MfaUser>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MfaUser {
    pub arn: Option<String>,
    pub user_name: Option<String>,
}

impl VirtualMfaDevice {
    /// Root's virtual device: AWS names it `root-account-mfa-device`, and its user is the root ARN.
    pub(crate) fn is_root(&self) -> bool {
        self.serial_number.ends_with(":mfa/root-account-mfa-device")
            || self.user.as_ref().and_then(|u| u.arn.as_deref()).is_some_and(|arn| arn.ends_with(":root"))
    }
}

/// `iam get-account-authorization-details`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub(crate) struct AuthorizationDetails {
    #[serde(rename = "UserDetailList")]
    pub users: Option<Vec<PrincipalDetail>>,
    #[serde(rename = "GroupDetailList")]
    pub groups: Option<Vec<PrincipalDetail>>,
    #[serde(rename = "RoleDetailList")]
    pub roles: Option<Vec<PrincipalDetail>>,
    #[serde(rename = "Policies")]
    pub policies: Option<Vec<ManagedPolicy>>,
}

/// A user, group or role of the authorization details; the three share these fields.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct PrincipalDetail {
    #[serde(rename = "Arn")]
    pub arn: String,
    #[serde(rename = "UserName", alias = "GroupName", alias = "RoleName")]
    pub name: Option<String>,
    #[serde(rename = "AttachedManagedPolicies")]
    pub attached: Option<Vec<AttachedPolicy>>,
    #[serde(rename = "UserPolicyList", alias = "GroupPolicyList", alias = "RolePolicyList")]
    pub inline: Option<Vec<InlinePolicy>>,
    #[serde(rename = "GroupList")]
    pub groups: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AttachedPolicy {
    pub policy_name: Option<String>,
    pub policy_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InlinePolicy {
    pub policy_name: String,
    /// An object, or (as some tools record it) URL-encoded JSON text.
    pub policy_document: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ManagedPolicy {
    pub policy_name: Option<String>,
    pub arn: String,
    pub attachment_count: Option<i64>,
    pub default_version_id: Option<String>,
    pub policy_version_list: Option<Vec<PolicyVersion>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PolicyVersion {
    pub document: Option<Value>,
    pub version_id: Option<String>,
    pub is_default_version: Option<bool>,
}

impl ManagedPolicy {
    /// The document of the version in force: the one marked default, else the one `DefaultVersionId` names.
    pub(crate) fn default_document(&self) -> Option<&Value> {
        let versions = self.policy_version_list.as_deref().unwrap_or_default();
        versions
            .iter()
            .find(|v| v.is_default_version == Some(true))
            .or_else(|| {
                let id = self.default_version_id.as_deref()?;
                versions.iter().find(|v| v.version_id.as_deref() == Some(id))
            })
            .and_then(|v| v.document.as_ref())
    }
}

/// `logs describe-log-groups`: one group.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogGroup {
    pub log_group_name: String,
    /// Absent: the group never expires.
    pub retention_in_days: Option<i64>,
    pub arn: Option<String>,
}

/// `logs describe-metric-filters`: one filter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MetricFilter {
    pub filter_name: Option<String>,
    pub filter_pattern: Option<String>,
    pub log_group_name: Option<String>,
    pub metric_transformations: Option<Vec<MetricTransformation>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MetricTransformation {
    pub metric_name: Option<String>,
    pub metric_namespace: Option<String>,
}

/// `cloudwatch describe-alarms`: one metric alarm.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetricAlarm {
    pub alarm_name: Option<String>,
    pub alarm_arn: Option<String>,
    pub metric_name: Option<String>,
    pub namespace: Option<String>,
    pub alarm_actions: Option<Vec<String>>,
    pub actions_enabled: Option<bool>,
}

/// `kms list-keys`: one key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct KmsKeyRef {
    pub key_id: String,
    pub key_arn: Option<String>,
}

/// `kms describe-key`' `KeyMetadata`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct KeyMetadata {
    pub key_id: String,
    pub arn: Option<String>,
    #[serde(rename = "AWSAccountId")]
    pub account: Option<String>,
    pub key_manager: Option<String>,
    pub key_spec: Option<String>,
    /// Older exports say `CustomerMasterKeySpec`.
    pub customer_master_key_spec: Option<String>,
    pub key_state: Option<String>,
    pub key_usage: Option<String>,
}

impl KeyMetadata {
    pub(crate) fn spec(&self) -> Option<&str> {
        self.key_spec.as_deref().or(self.customer_master_key_spec.as_deref())
    }
}

/// `kms get-key-rotation-status`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct KeyRotation {
    pub key_rotation_enabled: Option<bool>,
    /// Only newer CLI versions print it; older exports name the key in the file name.
    pub key_id: Option<String>,
}

/// `configservice describe-configuration-recorder-status`: one recorder.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecorderStatus {
    pub name: Option<String>,
    pub recording: Option<bool>,
    pub last_status: Option<String>,
}

/// `configservice describe-configuration-recorders`: one recorder.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Recorder {
    pub name: Option<String>,
    pub recording_group: Option<RecordingGroup>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecordingGroup {
    pub all_supported: Option<bool>,
    pub include_global_resource_types: Option<bool>,
}
