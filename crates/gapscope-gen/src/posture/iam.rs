//! IAM exports (password policy, account summary, virtual MFA devices, authorization details) and
//! the policy-document JSON they share with S3 bucket policies.

use super::Files;
use super::json::{J, O, arr, compact, time, url_encode};
use super::model::{Account, Attached, Condition, Document, Effect, Inline, Principal, Statement, Strs};

fn strs(s: &Strs) -> J {
    match s {
        Strs::One(v) => J::Str(v.clone()),
        Strs::Many(v) => arr(v.iter().map(String::as_str)),
    }
}

fn condition(c: &Condition) -> J {
    let string_equals = |key: &str, value: &str| O::new().k("StringEquals", O::new().k(key, value)).j();
    match c {
        Condition::SecureTransportFalse { boolean } => {
            let value = if *boolean { J::Bool(false) } else { J::Str("false".into()) };
            O::new().k("Bool", O::new().k("aws:SecureTransport", value)).j()
        }
        Condition::PrincipalOrgId(org) => string_equals("aws:PrincipalOrgID", org),
        Condition::SourceArn(arn) => string_equals("aws:SourceArn", arn),
        Condition::AclBucketOwnerFullControl => string_equals("s3:x-amz-acl", "bucket-owner-full-control"),
    }
}

fn statement(s: &Statement) -> J {
    let principal = s.principal.as_ref().map(|p| match p {
        Principal::Star => J::Str("*".into()),
        Principal::Aws(who) => O::new().k("AWS", strs(who)).j(),
        Principal::Service(service) => O::new().k("Service", service).j(),
    });
    let resource = match &s.resources {
        Strs::Many(v) if v.is_empty() => None,
        r => Some(strs(r)),
    };
    O::new()
        .opt("Sid", s.sid.as_deref())
        .k("Effect", if matches!(s.effect, Effect::Allow) { "Allow" } else { "Deny" })
        .opt("Principal", principal)
        .k("Action", strs(&s.actions))
        .opt("Resource", resource)
        .opt("Condition", s.condition.as_ref().map(condition))
        .j()
}

/// The policy as JSON: `{"Version": "2012-10-17", "Statement": […]}`.
pub(super) fn document(d: &Document) -> J {
    O::new().k("Version", "2012-10-17").k("Statement", arr(d.statements.iter().map(statement))).j()
}

/// The document as authorization details hold it: an object, or the URL-encoded text.
fn document_value(d: &Document) -> J {
    if d.encoded { J::Str(url_encode(&compact(&document(d)))) } else { document(d) }
}

fn attached(list: &[Attached]) -> J {
    arr(list.iter().map(|p| O::new().k("PolicyName", &p.name).k("PolicyArn", &p.arn)))
}

fn inline(list: &[Inline]) -> J {
    arr(list.iter().map(|i| O::new().k("PolicyName", &i.name).k("PolicyDocument", document_value(&i.doc))))
}

pub(super) fn write(f: &mut Files, a: &Account) {
    f.put("global/iam-get-account-password-policy", "GetAccountPasswordPolicy", &a.password_policy, |p| {
        let policy = O::new()
            .k("MinimumPasswordLength", p.min_length)
            .k("RequireSymbols", p.symbols)
            .k("RequireNumbers", p.numbers)
            .k("RequireUppercaseCharacters", p.uppercase)
            .k("RequireLowercaseCharacters", p.lowercase)
            .k("AllowUsersToChangePassword", true)
            .k("ExpirePasswords", p.max_age.is_some())
            .opt("MaxPasswordAge", p.max_age)
            .opt("PasswordReusePrevention", p.reuse)
            .opt("HardExpiry", p.max_age.map(|_| false));
        O::new().k("PasswordPolicy", policy).j()
    });
    f.put("global/iam-get-account-summary", "GetAccountSummary", &a.summary, |s| {
        let iam = &a.iam;
        let devices = a.virtual_mfa.ok().map_or(0, Vec::len) as i64;
        let in_use = a.virtual_mfa.ok().map_or(0, |d| d.iter().filter(|d| d.user.is_some()).count()) as i64;
        let versions: i64 =
            iam.policies.iter().filter(|p| !p.arn.contains(":aws:policy/")).map(|p| p.versions.len() as i64).sum();
        let local = iam.policies.iter().filter(|p| !p.arn.contains(":aws:policy/")).count() as i64;
        // IAM returns the map sorted by key.
        let map = O::new()
            .k("AccessKeysPerUserQuota", 2i64)
            .k("AccountAccessKeysPresent", i64::from(s.root_keys))
            .k("AccountMFAEnabled", i64::from(s.mfa_enabled))
            .k("AccountSigningCertificatesPresent", 0i64)
            .k("AssumeRolePolicySizeQuota", 2048i64)
            .k("AttachedPoliciesPerGroupQuota", 10i64)
            .k("AttachedPoliciesPerRoleQuota", 10i64)
            .k("AttachedPoliciesPerUserQuota", 10i64)
            .k("GlobalEndpointTokenVersion", 1i64)
            .k("GroupPolicySizeQuota", 5120i64)
            .k("Groups", iam.groups.len() as i64)
            .k("GroupsPerUserQuota", 10i64)
            .k("GroupsQuota", 300i64)
            .k("InstanceProfiles", 0i64)
            .k("InstanceProfilesQuota", 1000i64)
            .k("MFADevices", devices)
            .k("MFADevicesInUse", in_use)
            .k("Policies", local)
            .k("PoliciesQuota", 1500i64)
            .k("PolicySizeQuota", 6144i64)
            .k("PolicyVersionsInUse", versions)
            .k("PolicyVersionsInUseQuota", 10000i64)
            .k("Providers", 0i64)
            .k("RolePolicySizeQuota", 10240i64)
            .k("Roles", iam.roles.len() as i64)
            .k("RolesQuota", 1000i64)
            .k("ServerCertificates", 0i64)
            .k("ServerCertificatesQuota", 20i64)
            .k("SigningCertificatesPerUserQuota", 2i64)
            .k("UserPolicySizeQuota", 2048i64)
            .k("Users", iam.users.len() as i64)
            .k("UsersQuota", 5000i64)
            .k("VersionsPerPolicyQuota", 5i64);
        O::new().k("SummaryMap", map).j()
    });
    f.put("global/iam-list-virtual-mfa-devices", "ListVirtualMFADevices", &a.virtual_mfa, |devices| {
        let devices = devices.iter().map(|d| {
            let user = d.user.as_ref().map(|u| {
                O::new()
                    .k("Path", "/")
                    .opt("UserName", u.name.as_deref())
                    .k("UserId", &u.id)
                    .k("Arn", &u.arn)
                    .k("CreateDate", time(u.created))
            });
            O::new()
                .k("SerialNumber", &d.serial)
                .opt("User", user)
                .opt("EnableDate", d.user.as_ref().map(|_| time(d.enabled)))
        });
        O::new().k("VirtualMFADevices", arr(devices)).j()
    });
    if a.iam.export {
        f.json("global/iam-get-account-authorization-details", authorization_details(a));
    }
}

fn authorization_details(a: &Account) -> J {
    let iam = &a.iam;
    let users = iam.users.iter().map(|u| {
        O::new()
            .k("Path", "/")
            .k("UserName", &u.name)
            .k("UserId", &u.id)
            .k("Arn", &u.arn)
            .k("CreateDate", time(u.created))
            .opt("UserPolicyList", (!u.inline.is_empty()).then(|| inline(&u.inline)))
            .k("GroupList", arr(u.groups.iter().map(String::as_str)))
            .k("AttachedManagedPolicies", attached(&u.attached))
            .k("Tags", J::Arr(Vec::new()))
    });
    let groups = iam.groups.iter().map(|g| {
        O::new()
            .k("Path", "/")
            .k("GroupName", &g.name)
            .k("GroupId", &g.id)
            .k("Arn", &g.arn)
            .k("CreateDate", time(g.created))
            .k("GroupPolicyList", inline(&g.inline))
            .k("AttachedManagedPolicies", attached(&g.attached))
    });
    let roles = iam.roles.iter().map(|r| {
        O::new()
            .k("Path", &r.path)
            .k("RoleName", &r.name)
            .k("RoleId", &r.id)
            .k("Arn", &r.arn)
            .k("CreateDate", time(r.created))
            .k("AssumeRolePolicyDocument", document_value(&r.trust))
            .k("InstanceProfileList", J::Arr(Vec::new()))
            .k("RolePolicyList", inline(&r.inline))
            .k("AttachedManagedPolicies", attached(&r.attached))
            .k("Tags", J::Arr(Vec::new()))
            .k("RoleLastUsed", O::new())
    });
    let policies = iam.policies.iter().map(|p| {
        let default = p.versions.iter().find(|v| v.default).map_or("v1", |v| v.id.as_str());
        let versions = p.versions.iter().rev().map(|v| {
            O::new()
                .k("Document", document_value(&v.doc))
                .k("VersionId", &v.id)
                .k("IsDefaultVersion", v.default)
                .k("CreateDate", time(v.created))
        });
        O::new()
            .k("PolicyName", &p.name)
            .k("PolicyId", &p.id)
            .k("Arn", &p.arn)
            .k("Path", &p.path)
            .k("DefaultVersionId", default)
            .k("AttachmentCount", p.attachments)
            .k("PermissionsBoundaryUsageCount", 0i64)
            .k("IsAttachable", true)
            .k("CreateDate", time(p.created))
            .k("UpdateDate", time(p.updated))
            .k("PolicyVersionList", arr(versions))
    });
    O::new()
        .k("UserDetailList", arr(users))
        .k("GroupDetailList", arr(groups))
        .k("RoleDetailList", arr(roles))
        .k("Policies", arr(policies))
        .j()
}
