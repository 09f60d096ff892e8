//! AWS CLI configuration exports (`describe-*`, `get-*`, `list-*` JSON) the posture checks read:
//! network, storage, encryption, IAM policy and monitoring (`shared/formats/aws-cli-json.md`). The kind
//! is decided by the body's top-level keys, as the CLI prints it or wrapped as a recorded API response
//! (`{"status_code": 200, "data": {...}}`). A failed command is evidence too when its error says what is
//! absent (no bucket policy, no public access block, no password policy), so the CLI's error text and
//! recorded error responses are read as well.
//!
//! Lists are read element by element: an element that does not parse is reported with its locator
//! (`SecurityGroups[3]: missing field GroupId`) and the rest of the file still counts.

pub(crate) mod model;

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::diagnostic::Diagnostic;
use crate::formats::aws::export_path::name_from_path;
use crate::formats::common::{json_kind, strip_bom};
use model::*;

/// Which export a file is, from its top-level keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PostureKind {
    SecurityGroups,
    NetworkAcls,
    Volumes,
    EbsDefault,
    Snapshots,
    SnapshotAttribute,
    Vpcs,
    FlowLogs,
    Instances,
    DbInstances,
    DbSnapshots,
    DbSnapshotAttributes,
    Buckets,
    PublicAccessBlock,
    PolicyStatus,
    BucketPolicy,
    BucketEncryption,
    BucketAcl,
    PasswordPolicy,
    AccountSummary,
    VirtualMfa,
    AuthorizationDetails,
    LogGroups,
    MetricFilters,
    Alarms,
    KmsKeys,
    KmsKey,
    KmsRotation,
    RecorderStatus,
    Recorders,
    /// A failed call: the CLI's error text, or a recorded response with `Error`.
    ErrorResponse,
}

/// Each kind: the key that decides it, its name in the inventory, the CLI command (for messages and
/// the README), and the spellings of the command a file name may carry before a resource name.
struct KindInfo {
    kind: PostureKind,
    key: &'static str,
    label: &'static str,
    command: &'static str,
    stems: &'static [&'static str],
}

const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: PostureKind::SecurityGroups,
        key: "SecurityGroups",
        label: "aws.ec2.describe_security_groups",
        command: "aws ec2 describe-security-groups",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::NetworkAcls,
        key: "NetworkAcls",
        label: "aws.ec2.describe_network_acls",
        command: "aws ec2 describe-network-acls",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::Volumes,
        key: "Volumes",
        label: "aws.ec2.describe_volumes",
        command: "aws ec2 describe-volumes",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::EbsDefault,
        key: "EbsEncryptionByDefault",
        label: "aws.ec2.get_ebs_encryption_by_default",
        command: "aws ec2 get-ebs-encryption-by-default",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::Snapshots,
        key: "Snapshots",
        label: "aws.ec2.describe_snapshots",
        command: "aws ec2 describe-snapshots --owner-ids self",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::SnapshotAttribute,
        key: "CreateVolumePermissions",
        label: "aws.ec2.describe_snapshot_attribute",
        command: "aws ec2 describe-snapshot-attribute --attribute createVolumePermission --snapshot-id <id>",
        stems: &["describe-snapshot-attribute", "describesnapshotattribute"],
    },
    KindInfo {
        kind: PostureKind::Vpcs,
        key: "Vpcs",
        label: "aws.ec2.describe_vpcs",
        command: "aws ec2 describe-vpcs",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::FlowLogs,
        key: "FlowLogs",
        label: "aws.ec2.describe_flow_logs",
        command: "aws ec2 describe-flow-logs",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::Instances,
        key: "Reservations",
        label: "aws.ec2.describe_instances",
        command: "aws ec2 describe-instances",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::DbInstances,
        key: "DBInstances",
        label: "aws.rds.describe_db_instances",
        command: "aws rds describe-db-instances",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::DbSnapshots,
        key: "DBSnapshots",
        label: "aws.rds.describe_db_snapshots",
        command: "aws rds describe-db-snapshots --snapshot-type manual",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::DbSnapshotAttributes,
        key: "DBSnapshotAttributesResult",
        label: "aws.rds.describe_db_snapshot_attributes",
        command: "aws rds describe-db-snapshot-attributes --db-snapshot-identifier <id>",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::Buckets,
        key: "Buckets",
        label: "aws.s3.list_buckets",
        command: "aws s3api list-buckets",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::PublicAccessBlock,
        key: "PublicAccessBlockConfiguration",
        label: "aws.s3.get_public_access_block",
        command: "aws s3api get-public-access-block --bucket <bucket> (or aws s3control get-public-access-block --account-id <id>)",
        stems: &["get-public-access-block", "getpublicaccessblock"],
    },
    KindInfo {
        kind: PostureKind::PolicyStatus,
        key: "PolicyStatus",
        label: "aws.s3.get_bucket_policy_status",
        command: "aws s3api get-bucket-policy-status --bucket <bucket>",
        stems: &["get-bucket-policy-status", "getbucketpolicystatus"],
    },
    KindInfo {
        kind: PostureKind::BucketPolicy,
        key: "Policy",
        label: "aws.s3.get_bucket_policy",
        command: "aws s3api get-bucket-policy --bucket <bucket>",
        stems: &["get-bucket-policy", "getbucketpolicy"],
    },
    KindInfo {
        kind: PostureKind::BucketEncryption,
        key: "ServerSideEncryptionConfiguration",
        label: "aws.s3.get_bucket_encryption",
        command: "aws s3api get-bucket-encryption --bucket <bucket>",
        stems: &["get-bucket-encryption", "getbucketencryption"],
    },
    KindInfo {
        kind: PostureKind::BucketAcl,
        key: "Grants",
        label: "aws.s3.get_bucket_acl",
        command: "aws s3api get-bucket-acl --bucket <bucket>",
        stems: &["get-bucket-acl", "getbucketacl"],
    },
    KindInfo {
        kind: PostureKind::PasswordPolicy,
        key: "PasswordPolicy",
        label: "aws.iam.get_account_password_policy",
        command: "aws iam get-account-password-policy",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::AccountSummary,
        key: "SummaryMap",
        label: "aws.iam.get_account_summary",
        command: "aws iam get-account-summary",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::VirtualMfa,
        key: "VirtualMFADevices",
        label: "aws.iam.list_virtual_mfa_devices",
        command: "aws iam list-virtual-mfa-devices",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::AuthorizationDetails,
        key: "UserDetailList",
        label: "aws.iam.get_account_authorization_details",
        command: "aws iam get-account-authorization-details",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::LogGroups,
        key: "logGroups",
        label: "aws.logs.describe_log_groups",
        command: "aws logs describe-log-groups",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::MetricFilters,
        key: "metricFilters",
        label: "aws.logs.describe_metric_filters",
        command: "aws logs describe-metric-filters",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::Alarms,
        key: "MetricAlarms",
        label: "aws.cloudwatch.describe_alarms",
        command: "aws cloudwatch describe-alarms",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::KmsKeys,
        key: "Keys",
        label: "aws.kms.list_keys",
        command: "aws kms list-keys",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::KmsKey,
        key: "KeyMetadata",
        label: "aws.kms.describe_key",
        command: "aws kms describe-key --key-id <id>",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::KmsRotation,
        key: "KeyRotationEnabled",
        label: "aws.kms.get_key_rotation_status",
        command: "aws kms get-key-rotation-status --key-id <id>",
        stems: &["get-key-rotation-status", "getkeyrotationstatus"],
    },
    KindInfo {
        kind: PostureKind::RecorderStatus,
        key: "ConfigurationRecordersStatus",
        label: "aws.config.describe_configuration_recorder_status",
        command: "aws configservice describe-configuration-recorder-status",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::Recorders,
        key: "ConfigurationRecorders",
        label: "aws.config.describe_configuration_recorders",
        command: "aws configservice describe-configuration-recorders",
        stems: &[],
    },
    KindInfo {
        kind: PostureKind::ErrorResponse,
        key: "Error",
        label: "aws.error_response",
        command: "a failed AWS CLI command (its error text)",
        stems: &[],
    },
];

/// Keys of `get-account-authorization-details` other than `UserDetailList`: a filtered export
/// (`--filter Role`) may hold only some of them.
const AUTHORIZATION_KEYS: [&str; 3] = ["GroupDetailList", "RoleDetailList", "Policies"];

impl PostureKind {
    fn info(self) -> &'static KindInfo {
        // Every kind has one entry; the test `every_kind_has_one_entry` keeps it so.
        KINDS.iter().find(|k| k.kind == self).unwrap_or(&KINDS[0])
    }

    /// The kind's name in the inventory and manifest (`aws.ec2.describe_security_groups`).
    pub fn label(self) -> &'static str {
        self.info().label
    }

    /// The CLI command that writes it.
    pub fn command(self) -> &'static str {
        self.info().command
    }

    /// Every kind with its command, for `gapscope checks` and the README.
    pub fn all() -> impl Iterator<Item = (PostureKind, &'static str, &'static str)> {
        KINDS.iter().map(|k| (k.kind, k.label, k.command))
    }

    /// Decides the kind from a body's top-level keys.
    pub fn sniff(keys: &BTreeSet<String>) -> Option<PostureKind> {
        if AUTHORIZATION_KEYS.iter().filter(|k| keys.contains(**k)).count() >= 2 {
            return Some(PostureKind::AuthorizationDetails);
        }
        KINDS.iter().find(|k| keys.contains(k.key)).map(|k| k.kind)
    }
}

/// A failed call, as the CLI prints it or a recorder keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AwsError {
    pub code: String,
    /// The API operation (`GetBucketPolicy`), from the text or the recorder's file name.
    pub operation: Option<String>,
    pub message: String,
}

impl AwsError {
    /// The export kind whose evidence this error stands in for, when the error itself says what is
    /// absent: no policy, no public access block, no default encryption, no password policy.
    pub(crate) fn absence_of(&self) -> Option<PostureKind> {
        match (self.code.as_str(), self.operation.as_deref()) {
            // get-bucket-policy-status answers NoSuchBucketPolicy too: no policy, so not public by policy.
            ("NoSuchBucketPolicy", Some("GetBucketPolicyStatus")) => Some(PostureKind::PolicyStatus),
            ("NoSuchBucketPolicy", _) => Some(PostureKind::BucketPolicy),
            ("NoSuchPublicAccessBlockConfiguration", _) => Some(PostureKind::PublicAccessBlock),
            ("ServerSideEncryptionConfigurationNotFoundError", _) => Some(PostureKind::BucketEncryption),
            ("NoSuchEntity", Some("GetAccountPasswordPolicy")) => Some(PostureKind::PasswordPolicy),
            _ => None,
        }
    }
}

/// One parsed export.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PostureExport {
    SecurityGroups(Vec<SecurityGroup>),
    NetworkAcls(Vec<NetworkAcl>),
    Volumes(Vec<Volume>),
    EbsDefault(bool),
    Snapshots(Vec<Snapshot>),
    SnapshotAttribute(SnapshotAttribute),
    Vpcs(Vec<Vpc>),
    FlowLogs(Vec<FlowLog>),
    Instances(Vec<Reservation>),
    DbInstances(Vec<DbInstance>),
    DbSnapshots(Vec<DbSnapshot>),
    DbSnapshotAttributes(DbSnapshotAttributes),
    Buckets(Vec<Bucket>),
    PublicAccessBlock(PublicAccessBlock),
    PolicyStatus(PolicyStatus),
    /// The bucket policy document (the CLI prints it as JSON text inside `Policy`).
    BucketPolicy(Value),
    BucketEncryption(EncryptionConfiguration),
    BucketAcl(Vec<Grant>),
    PasswordPolicy(PasswordPolicy),
    AccountSummary(BTreeMap<String, i64>),
    VirtualMfa(Vec<VirtualMfaDevice>),
    AuthorizationDetails(AuthorizationDetails),
    LogGroups(Vec<LogGroup>),
    MetricFilters(Vec<MetricFilter>),
    Alarms(Vec<MetricAlarm>),
    KmsKeys(Vec<KmsKeyRef>),
    KmsKey(KeyMetadata),
    KmsRotation(KeyRotation),
    RecorderStatus(Vec<RecorderStatus>),
    Recorders(Vec<Recorder>),
    Error(AwsError),
}

/// A parsed file: the export, what the path says it is about, and what was wrong inside.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parsed {
    pub kind: PostureKind,
    pub export: PostureExport,
    /// Elements read (list exports), else 1.
    pub records_read: usize,
    pub records_rejected: usize,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub(crate) enum PostureError {
    #[error("{path}: invalid JSON ({message}); re-export it with --output json")]
    Json { path: String, message: String },
    #[error("{path}: not an AWS configuration export this version reads ({found})")]
    Unrecognised { path: String, found: String },
    #[error("{path}: {field}: {message}")]
    Field { path: String, field: String, message: String },
}

/// Parses one export (JSON body, recorded response, or the CLI's error text).
pub(crate) fn parse(path: &str, content: &[u8]) -> Result<Parsed, PostureError> {
    let text = strip_bom(content);
    if let Some(error) = error_text(text) {
        let operation = error.operation.clone().or_else(|| operation_from_path(path));
        return Ok(single(PostureKind::ErrorResponse, PostureExport::Error(AwsError { operation, ..error })));
    }
    let value: Value = serde_json::from_slice(text)
        .map_err(|e| PostureError::Json { path: path.to_string(), message: e.to_string() })?;
    let reader = Reader { path };
    let body = match value.get("data") {
        Some(data) if value.get("status_code").is_some() => data,
        _ => &value,
    };
    let Value::Object(body) = body else {
        return Err(reader.unrecognised(format!("the top level is {}", json_kind(body))));
    };
    let keys: BTreeSet<String> = body.keys().cloned().collect();
    let Some(kind) = PostureKind::sniff(&keys) else {
        let shown: Vec<&str> = body.keys().map(String::as_str).take(5).collect();
        return Err(reader.unrecognised(format!("keys {}", shown.join(", "))));
    };
    reader.export(kind, body)
}

fn single(kind: PostureKind, export: PostureExport) -> Parsed {
    Parsed { kind, export, records_read: 1, records_rejected: 0, diagnostics: Vec::new() }
}

/// `An error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: …`, the line
/// the AWS CLI writes to stderr when a call fails.
pub(crate) fn error_text(text: &[u8]) -> Option<AwsError> {
    let text = std::str::from_utf8(text.get(..text.len().min(4096))?).ok()?;
    let line = text.lines().map(str::trim).find(|l| l.starts_with("An error occurred ("))?;
    let rest = line.strip_prefix("An error occurred (")?;
    let (code, rest) = rest.split_once(')')?;
    let operation = rest
        .trim_start()
        .strip_prefix("when calling the ")
        .and_then(|r| r.split_once(" operation"))
        .map(|(op, _)| op.trim().to_string());
    let message = rest.split_once(": ").map(|(_, m)| m.trim().to_string()).unwrap_or_default();
    (!code.is_empty()).then(|| AwsError { code: code.to_string(), operation, message })
}

/// A recorder's file name (`iam.GetAccountPasswordPolicy_1.json`) names the operation; so does a
/// collection script's (`iam-get-account-password-policy.error.txt`).
fn operation_from_path(path: &str) -> Option<String> {
    let file = path.rsplit(['/', '\\', '!']).next()?;
    if let Some((_, op)) = file.split_once('.') {
        let op = op.split(['_', '.']).next().unwrap_or_default();
        if op.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && op.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Some(op.to_string());
        }
    }
    let lower = file.to_ascii_lowercase();
    [
        ("get-account-password-policy", "GetAccountPasswordPolicy"),
        ("get-bucket-policy-status", "GetBucketPolicyStatus"),
        ("get-bucket-policy", "GetBucketPolicy"),
        ("get-public-access-block", "GetPublicAccessBlock"),
        ("get-bucket-encryption", "GetBucketEncryption"),
        ("get-bucket-acl", "GetBucketAcl"),
        ("get-key-rotation-status", "GetKeyRotationStatus"),
    ]
    .into_iter()
    .find(|(stem, _)| lower.contains(stem))
    .map(|(_, op)| op.to_string())
}

/// The resource a per-resource export is about when its body does not say: the bucket, key or
/// snapshot its file name or command folder names. `None` when the kind needs none or the path does
/// not tell (the file is then ambiguous, not guessed).
pub(crate) fn resource_from_path(path: &str, kind: PostureKind, error: Option<&AwsError>) -> Option<String> {
    let kind = match (kind, error) {
        (PostureKind::ErrorResponse, Some(error)) => error.absence_of().or_else(|| {
            let op = error.operation.as_deref()?;
            KINDS.iter().find(|k| k.stems.iter().any(|s| s.eq_ignore_ascii_case(op))).map(|k| k.kind)
        })?,
        (kind, _) => kind,
    };
    let stems = kind.info().stems;
    if stems.is_empty() { None } else { name_from_path(path, stems) }
}

/// Whether a public access block export is the account-level one (`s3control get-public-access-block`):
/// the body is the same as a bucket's, so only the command in the path tells them apart.
pub(crate) fn is_account_level(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("s3control") || {
        let file = lower.rsplit(['/', '\\', '!']).next().unwrap_or_default();
        file.contains("account-public-access-block")
    }
}

struct Reader<'p> {
    path: &'p str,
}

impl Reader<'_> {
    fn unrecognised(&self, found: String) -> PostureError {
        PostureError::Unrecognised { path: self.path.to_string(), found }
    }

    fn field(&self, field: &str, message: impl ToString) -> PostureError {
        PostureError::Field { path: self.path.to_string(), field: field.to_string(), message: message.to_string() }
    }

    fn one<T: DeserializeOwned>(&self, body: &Map<String, Value>, key: &str) -> Result<T, PostureError> {
        let value = body.get(key).cloned().unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| self.field(key, e))
    }

    /// A list read element by element; absent or null is an empty list.
    fn list<T: DeserializeOwned>(
        &self,
        body: &Map<String, Value>,
        key: &str,
        parsed: &mut Parsed,
    ) -> Result<Vec<T>, PostureError> {
        let items = match body.get(key) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => return Err(self.field(key, format!("is {}, expected a list", json_kind(other)))),
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            parsed.records_read += 1;
            match T::deserialize(item) {
                Ok(v) => out.push(v),
                Err(e) => {
                    parsed.records_rejected += 1;
                    parsed.diagnostics.push(Diagnostic::new(
                        self.path,
                        Some(format!("{key}[{i}]")),
                        format!("{e}; element not read"),
                    ));
                }
            }
        }
        Ok(out)
    }

    fn export(&self, kind: PostureKind, body: &Map<String, Value>) -> Result<Parsed, PostureError> {
        use PostureExport as E;
        let mut parsed = Parsed {
            kind,
            export: E::EbsDefault(false),
            records_read: 0,
            records_rejected: 0,
            diagnostics: Vec::new(),
        };
        let key = kind.info().key;
        let export = match kind {
            PostureKind::SecurityGroups => E::SecurityGroups(self.list(body, key, &mut parsed)?),
            PostureKind::NetworkAcls => E::NetworkAcls(self.list(body, key, &mut parsed)?),
            PostureKind::Volumes => E::Volumes(self.list(body, key, &mut parsed)?),
            PostureKind::Snapshots => E::Snapshots(self.list(body, key, &mut parsed)?),
            PostureKind::Vpcs => E::Vpcs(self.list(body, key, &mut parsed)?),
            PostureKind::FlowLogs => E::FlowLogs(self.list(body, key, &mut parsed)?),
            PostureKind::Instances => E::Instances(self.list(body, key, &mut parsed)?),
            PostureKind::DbInstances => E::DbInstances(self.list(body, key, &mut parsed)?),
            PostureKind::DbSnapshots => E::DbSnapshots(self.list(body, key, &mut parsed)?),
            PostureKind::Buckets => E::Buckets(self.list(body, key, &mut parsed)?),
            PostureKind::BucketAcl => E::BucketAcl(self.list(body, key, &mut parsed)?),
            PostureKind::VirtualMfa => E::VirtualMfa(self.list(body, key, &mut parsed)?),
            PostureKind::LogGroups => E::LogGroups(self.list(body, key, &mut parsed)?),
            PostureKind::MetricFilters => E::MetricFilters(self.list(body, key, &mut parsed)?),
            PostureKind::Alarms => E::Alarms(self.list(body, key, &mut parsed)?),
            PostureKind::KmsKeys => E::KmsKeys(self.list(body, key, &mut parsed)?),
            PostureKind::RecorderStatus => E::RecorderStatus(self.list(body, key, &mut parsed)?),
            PostureKind::Recorders => E::Recorders(self.list(body, key, &mut parsed)?),
            PostureKind::EbsDefault => match body.get(key) {
                Some(Value::Bool(on)) => E::EbsDefault(*on),
                other => {
                    return Err(self.field(
                        key,
                        format!("is {}, expected true or false", json_kind(other.unwrap_or(&Value::Null))),
                    ));
                }
            },
            PostureKind::SnapshotAttribute => {
                let attribute = SnapshotAttribute {
                    snapshot_id: self.one(body, "SnapshotId")?,
                    create_volume_permissions: self.one(body, key)?,
                };
                E::SnapshotAttribute(attribute)
            }
            PostureKind::DbSnapshotAttributes => E::DbSnapshotAttributes(self.one(body, key)?),
            PostureKind::PublicAccessBlock => E::PublicAccessBlock(self.one(body, key)?),
            PostureKind::PolicyStatus => E::PolicyStatus(self.one(body, key)?),
            PostureKind::BucketPolicy => E::BucketPolicy(self.policy_document(body.get(key), key)?),
            PostureKind::BucketEncryption => E::BucketEncryption(self.one(body, key)?),
            PostureKind::PasswordPolicy => E::PasswordPolicy(self.one(body, key)?),
            PostureKind::AccountSummary => E::AccountSummary(self.one(body, key)?),
            PostureKind::AuthorizationDetails => {
                let details = AuthorizationDetails {
                    users: Some(self.list(body, "UserDetailList", &mut parsed)?),
                    groups: Some(self.list(body, "GroupDetailList", &mut parsed)?),
                    roles: Some(self.list(body, "RoleDetailList", &mut parsed)?),
                    policies: Some(self.list(body, "Policies", &mut parsed)?),
                };
                E::AuthorizationDetails(details)
            }
            PostureKind::KmsKey => E::KmsKey(self.one(body, key)?),
            PostureKind::KmsRotation => E::KmsRotation(KeyRotation {
                key_rotation_enabled: self.one(body, key)?,
                key_id: self.one(body, "KeyId")?,
            }),
            PostureKind::ErrorResponse => {
                let error: Map<String, Value> = self.one(body, key)?;
                let text = |k: &str| error.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                E::Error(AwsError {
                    code: text("Code"),
                    operation: operation_from_path(self.path),
                    message: text("Message"),
                })
            }
        };
        let single_record = matches!(
            export,
            E::EbsDefault(_)
                | E::SnapshotAttribute(_)
                | E::DbSnapshotAttributes(_)
                | E::PublicAccessBlock(_)
                | E::PolicyStatus(_)
                | E::BucketPolicy(_)
                | E::BucketEncryption(_)
                | E::PasswordPolicy(_)
                | E::AccountSummary(_)
                | E::KmsKey(_)
                | E::KmsRotation(_)
                | E::Error(_)
        );
        if single_record {
            parsed.records_read = 1;
        }
        parsed.export = export;
        Ok(parsed)
    }

    /// A policy document: an object, JSON text (what `get-bucket-policy` prints), or URL-encoded
    /// JSON text (what the IAM API returns and some tools record unchanged).
    fn policy_document(&self, value: Option<&Value>, field: &str) -> Result<Value, PostureError> {
        policy_document(value).map_err(|message| self.field(field, message))
    }
}

/// A policy document in any of the spellings exports use: an object, JSON text, or URL-encoded JSON text.
pub(crate) fn policy_document(value: Option<&Value>) -> Result<Value, String> {
    match value {
        Some(Value::Object(_)) => Ok(value.cloned().unwrap_or(Value::Null)),
        Some(Value::String(text)) => {
            let trimmed = text.trim();
            let decoded = if trimmed.starts_with('{') {
                trimmed.to_string()
            } else {
                crate::formats::aws::export_path::percent_decode(trimmed)
            };
            serde_json::from_str::<Value>(&decoded)
                .map_err(|e| format!("the policy text is not a JSON document ({e})"))
                .and_then(|doc| if doc.is_object() { Ok(doc) } else { Err("the policy is not a JSON object".into()) })
        }
        Some(other) => Err(format!("is {}, expected a policy document", json_kind(other))),
        None => Err("is missing".into()),
    }
}

#[cfg(test)]
mod tests;
