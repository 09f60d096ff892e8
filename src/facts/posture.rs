//! The AWS configuration the posture checks read, assembled from every CLI export: each file placed
//! in its account and region (from the body, else the path, else the bundle's only account), and the
//! per-resource exports joined to their resource (a bucket's policy, status, ACL, block and
//! encryption; a key's metadata and rotation; a snapshot's permissions).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::facts::EvidenceRef;
use crate::formats::aws::export_path::{account_in_path, is_account, region_in_path};
use crate::formats::aws::posture::model::*;
use crate::formats::aws::posture::{AwsError, PostureExport, PostureKind};
use crate::formats::common::account_from_arn;

/// One used export with what its path said.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PostureFile {
    pub path: String,
    pub sha256: String,
    pub kind: PostureKind,
    pub export: PostureExport,
    /// The bucket, key or snapshot a per-resource export is about, from its path.
    pub subject: Option<String>,
    /// A public access block of the account (`s3control`), not of a bucket.
    pub account_level: bool,
    pub account: Option<String>,
    pub region: Option<String>,
}

impl PostureFile {
    /// A used export, placed in its account (owner ids or ARNs in the body, else the path) and region
    /// (the path). The bundle's-only-account fallback needs every file, so [`PostureFacts::new`] applies it.
    pub(crate) fn new(
        path: String,
        sha256: String,
        kind: PostureKind,
        export: PostureExport,
        subject: Option<String>,
        account_level: bool,
    ) -> PostureFile {
        let mut file = PostureFile {
            account: account_in_path(&path),
            region: region_in_path(&path),
            path,
            sha256,
            kind,
            export,
            subject,
            account_level,
        };
        if let Some(account) = file.account_in_body() {
            file.account = Some(account);
        }
        file
    }

    pub(crate) fn evidence(&self, locator: impl Into<String>) -> EvidenceRef {
        EvidenceRef { file: self.path.clone(), sha256: self.sha256.clone(), locator: locator.into() }
    }

    /// The account the body names (an owner id or an ARN inside), if any.
    fn account_in_body(&self) -> Option<String> {
        use PostureExport as E;
        let owner = |o: Option<&String>| o.filter(|a| is_account(a)).cloned();
        let arn = |a: Option<&String>| a.and_then(|a| account_from_arn(a));
        match &self.export {
            E::SecurityGroups(v) => v.iter().find_map(|g| owner(g.owner_id.as_ref())),
            E::NetworkAcls(v) => v.iter().find_map(|a| owner(a.owner_id.as_ref())),
            E::Vpcs(v) => v.iter().find_map(|a| owner(a.owner_id.as_ref())),
            E::Instances(v) => v.iter().find_map(|r| owner(r.owner_id.as_ref())),
            E::Snapshots(v) => v.iter().find_map(|s| owner(s.owner_id.as_ref())),
            E::DbInstances(v) => v.iter().find_map(|d| arn(d.arn.as_ref())),
            E::DbSnapshots(v) => v.iter().find_map(|d| arn(d.arn.as_ref())),
            E::KmsKeys(v) => v.iter().find_map(|k| arn(k.key_arn.as_ref())),
            E::KmsKey(k) => owner(k.account.as_ref()).or_else(|| arn(k.arn.as_ref())),
            E::VirtualMfa(v) => v.iter().find_map(|d| account_from_arn(&d.serial_number)),
            E::LogGroups(v) => v.iter().find_map(|g| arn(g.arn.as_ref())),
            E::Alarms(v) => v.iter().find_map(|a| arn(a.alarm_arn.as_ref())),
            E::AuthorizationDetails(d) => [&d.users, &d.groups, &d.roles]
                .into_iter()
                .flatten()
                .flatten()
                .find_map(|p| account_from_arn(&p.arn))
                .or_else(|| d.policies.iter().flatten().find_map(|p| account_from_arn(&p.arn))),
            _ => None,
        }
    }
}

/// A bucket and every export about it.
#[derive(Debug, Clone, Default)]
pub(crate) struct BucketEvidence {
    pub account: Option<String>,
    pub listed: Option<EvidenceRef>,
    pub block: Option<(PublicAccessBlock, EvidenceRef)>,
    pub status: Option<(PolicyStatus, EvidenceRef)>,
    /// `None` inside: the bucket has no policy (`NoSuchBucketPolicy`).
    pub policy: Option<(Option<Value>, EvidenceRef)>,
    /// `None` inside: no default encryption (`ServerSideEncryptionConfigurationNotFoundError`).
    pub encryption: Option<(Option<EncryptionConfiguration>, EvidenceRef)>,
    pub acl: Option<(Vec<Grant>, EvidenceRef)>,
}

/// A KMS key and every export about it.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyEvidence {
    pub account: Option<String>,
    pub region: Option<String>,
    pub listed: Option<EvidenceRef>,
    pub metadata: Option<(KeyMetadata, EvidenceRef)>,
    pub rotation: Option<(Option<bool>, EvidenceRef)>,
}

/// A snapshot (EBS or RDS) and its sharing permissions.
#[derive(Debug, Clone, Default)]
pub(crate) struct SnapshotEvidence {
    pub account: Option<String>,
    pub region: Option<String>,
    pub listed: Option<EvidenceRef>,
    /// Who may restore it: `all` means anyone.
    pub shared_with: Option<(Vec<String>, EvidenceRef)>,
}

#[derive(Debug, Default)]
pub(crate) struct PostureFacts {
    /// Every used export, sorted by path.
    pub files: Vec<PostureFile>,
    pub buckets: BTreeMap<String, BucketEvidence>,
    /// Account-level public access block per account (`None` inside: not configured).
    pub account_blocks: BTreeMap<String, (PublicAccessBlock, EvidenceRef)>,
    /// Password policy exports with their account, if known (`None` policy: the account has none,
    /// `NoSuchEntity`). Several per account are merged by the checks like any repeated export.
    pub password_policies: Vec<(Option<String>, Option<PasswordPolicy>, EvidenceRef)>,
    pub keys: BTreeMap<String, KeyEvidence>,
    pub ebs_snapshots: BTreeMap<String, SnapshotEvidence>,
    pub db_snapshots: BTreeMap<(Option<String>, String), SnapshotEvidence>,
    /// Exports that could not be placed or joined, for the run's notes.
    pub notes: Vec<String>,
}

impl PostureFacts {
    /// `known_accounts`: every account the rest of the evidence names (credential reports, CloudTrail,
    /// trail configuration); when the bundle holds exactly one, files that do not say are its.
    pub(crate) fn new(mut files: Vec<PostureFile>, known_accounts: &BTreeSet<String>) -> PostureFacts {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut accounts: BTreeSet<String> = known_accounts.clone();
        accounts.extend(files.iter().filter_map(|f| f.account.clone()));
        let only = (accounts.len() == 1).then(|| accounts.iter().next().cloned()).flatten();
        let mut facts = PostureFacts::default();
        for file in &mut files {
            if file.account.is_none() {
                file.account = only.clone();
            }
        }
        for file in &files {
            facts.join(file);
        }
        let unplaced: Vec<&str> = files
            .iter()
            .filter(|f| f.account.is_none() && !matches!(f.export, PostureExport::Error(_)))
            .map(|f| f.path.as_str())
            .collect();
        if !unplaced.is_empty() {
            facts.notes.push(format!(
                "{} AWS configuration export(s) name no account (no owner id or ARN inside, no 12-digit folder, and \
                 the evidence holds {} accounts): their results have no account, e.g. {}",
                unplaced.len(),
                accounts.len(),
                unplaced.iter().take(3).copied().collect::<Vec<_>>().join(", ")
            ));
        }
        facts.files = files;
        facts
    }

    /// The used exports of one kind.
    pub(crate) fn of(&self, kind: PostureKind) -> impl Iterator<Item = &PostureFile> {
        self.files.iter().filter(move |f| f.kind == kind)
    }

    fn join(&mut self, file: &PostureFile) {
        use PostureExport as E;
        let whole = || file.evidence("");
        match &file.export {
            E::Buckets(buckets) => {
                for (i, bucket) in buckets.iter().enumerate() {
                    let entry = self.bucket(&bucket.name, file);
                    entry.listed.get_or_insert_with(|| file.evidence(format!("Buckets[{i}]")));
                }
            }
            E::PublicAccessBlock(block) => self.block(file, *block),
            E::PolicyStatus(status) => {
                if let Some(name) = &file.subject {
                    self.bucket(name, file).status.get_or_insert_with(|| (*status, whole()));
                }
            }
            E::BucketPolicy(doc) => {
                if let Some(name) = &file.subject {
                    self.bucket(name, file).policy.get_or_insert_with(|| (Some(doc.clone()), whole()));
                }
            }
            E::BucketEncryption(config) => {
                if let Some(name) = &file.subject {
                    self.bucket(name, file).encryption.get_or_insert_with(|| (Some(config.clone()), whole()));
                }
            }
            E::BucketAcl(grants) => {
                if let Some(name) = &file.subject {
                    self.bucket(name, file).acl.get_or_insert_with(|| (grants.clone(), whole()));
                }
            }
            E::Error(error) => self.absence(file, error),
            E::PasswordPolicy(policy) => self.password_policies.push((file.account.clone(), Some(*policy), whole())),
            E::KmsKeys(keys) => {
                for (i, key) in keys.iter().enumerate() {
                    let entry = self.key(&key.key_id, file);
                    entry.listed.get_or_insert_with(|| file.evidence(format!("Keys[{i}]")));
                }
            }
            E::KmsKey(meta) => {
                let entry = self.key(&meta.key_id, file);
                entry.metadata.get_or_insert_with(|| (meta.clone(), file.evidence("KeyMetadata")));
            }
            E::KmsRotation(rotation) => {
                if let Some(id) = rotation.key_id.as_ref().or(file.subject.as_ref()) {
                    let id = key_id(id).to_string();
                    self.key(&id, file).rotation.get_or_insert_with(|| (rotation.key_rotation_enabled, whole()));
                }
            }
            E::Snapshots(snapshots) => {
                for (i, snapshot) in snapshots.iter().enumerate() {
                    let entry = self.ebs_snapshots.entry(snapshot.snapshot_id.clone()).or_default();
                    place(&mut entry.account, &mut entry.region, file);
                    entry.listed.get_or_insert_with(|| file.evidence(format!("Snapshots[{i}]")));
                }
            }
            E::SnapshotAttribute(attribute) => {
                if let Some(id) = attribute.snapshot_id.as_ref().or(file.subject.as_ref()) {
                    let entry = self.ebs_snapshots.entry(id.clone()).or_default();
                    place(&mut entry.account, &mut entry.region, file);
                    let who = attribute
                        .create_volume_permissions
                        .iter()
                        .flatten()
                        .filter_map(|p| p.group.clone().or_else(|| p.user_id.clone()))
                        .collect();
                    entry.shared_with.get_or_insert_with(|| (who, file.evidence("CreateVolumePermissions")));
                }
            }
            E::DbSnapshots(snapshots) => {
                for (i, snapshot) in snapshots.iter().enumerate() {
                    let key = (file.account.clone(), snapshot.identifier.clone());
                    let entry = self.db_snapshots.entry(key).or_default();
                    place(&mut entry.account, &mut entry.region, file);
                    entry.listed.get_or_insert_with(|| file.evidence(format!("DBSnapshots[{i}]")));
                }
            }
            E::DbSnapshotAttributes(result) => {
                let key = (file.account.clone(), result.identifier.clone());
                let entry = self.db_snapshots.entry(key).or_default();
                place(&mut entry.account, &mut entry.region, file);
                let who = result
                    .attributes
                    .iter()
                    .flatten()
                    .filter(|a| a.attribute_name.as_deref() == Some("restore"))
                    .flat_map(|a| a.attribute_values.iter().flatten().cloned())
                    .collect();
                entry
                    .shared_with
                    .get_or_insert_with(|| (who, file.evidence("DBSnapshotAttributesResult.DBSnapshotAttributes")));
            }
            _ => {}
        }
    }

    fn bucket(&mut self, name: &str, file: &PostureFile) -> &mut BucketEvidence {
        let entry = self.buckets.entry(name.to_string()).or_default();
        if entry.account.is_none() {
            entry.account = file.account.clone();
        }
        entry
    }

    fn key(&mut self, id: &str, file: &PostureFile) -> &mut KeyEvidence {
        let entry = self.keys.entry(id.to_string()).or_default();
        place(&mut entry.account, &mut entry.region, file);
        entry
    }

    fn block(&mut self, file: &PostureFile, block: PublicAccessBlock) {
        if file.account_level {
            let account = file.subject.clone().filter(|s| is_account(s)).or_else(|| file.account.clone());
            match account {
                Some(account) => {
                    self.account_blocks.entry(account).or_insert_with(|| (block, file.evidence("")));
                }
                None => self
                    .notes
                    .push(format!("{}: account-level public access block of no known account: not used", file.path)),
            }
        } else if let Some(name) = &file.subject {
            self.bucket(name, file).block.get_or_insert_with(|| (block, file.evidence("")));
        }
    }

    /// A failed call that says what is absent stands in for the export it failed to make.
    fn absence(&mut self, file: &PostureFile, error: &AwsError) {
        let evidence = file.evidence(format!("error {}", error.code));
        match error.absence_of() {
            Some(PostureKind::BucketPolicy) => {
                if let Some(name) = &file.subject {
                    self.bucket(name, file).policy.get_or_insert((None, evidence));
                }
            }
            Some(PostureKind::PolicyStatus) => {
                if let Some(name) = &file.subject {
                    let status = PolicyStatus { is_public: Some(false) };
                    self.bucket(name, file).status.get_or_insert((status, evidence));
                }
            }
            Some(PostureKind::BucketEncryption) => {
                if let Some(name) = &file.subject {
                    self.bucket(name, file).encryption.get_or_insert((None, evidence));
                }
            }
            Some(PostureKind::PublicAccessBlock) => self.block(file, PublicAccessBlock::NONE),
            Some(PostureKind::PasswordPolicy) => self.password_policies.push((file.account.clone(), None, evidence)),
            _ => {}
        }
    }
}

fn place(account: &mut Option<String>, region: &mut Option<String>, file: &PostureFile) {
    if account.is_none() {
        account.clone_from(&file.account);
    }
    if region.is_none() {
        region.clone_from(&file.region);
    }
}

/// A key id from an id or a key ARN (`arn:aws:kms:eu-west-1:111122223333:key/<id>`).
pub(crate) fn key_id(id_or_arn: &str) -> &str {
    id_or_arn.rsplit_once(":key/").map_or(id_or_arn, |(_, id)| id)
}
