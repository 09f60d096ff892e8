//! The CIS AWS Foundations v3.0 §4 predicates, written from `shared/formats/cloudtrail.md` apart
//! from the analyzer: the generator labels every planted event with the predicates it meets and
//! refuses to write a background event that meets any.

use super::record::Record;

pub(crate) const IAM_POLICY: [&str; 16] = [
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
];
pub(crate) const TRAIL_CHANGES: [&str; 5] =
    ["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"];
pub(crate) const S3_POLICY: [&str; 9] = [
    "PutBucketAcl",
    "PutBucketPolicy",
    "PutBucketCors",
    "PutBucketLifecycle",
    "PutBucketReplication",
    "DeleteBucketPolicy",
    "DeleteBucketCors",
    "DeleteBucketLifecycle",
    "DeleteBucketReplication",
];
pub(crate) const CONFIG: [&str; 4] =
    ["StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"];
/// 4.10 plus ModifySecurityGroupRules, which the format notes say is worth counting.
pub(crate) const SECURITY_GROUPS: [&str; 7] = [
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "ModifySecurityGroupRules",
];
pub(crate) const NACLS: [&str; 6] = [
    "CreateNetworkAcl",
    "CreateNetworkAclEntry",
    "DeleteNetworkAcl",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
];
pub(crate) const GATEWAYS: [&str; 6] = [
    "CreateCustomerGateway",
    "DeleteCustomerGateway",
    "AttachInternetGateway",
    "CreateInternetGateway",
    "DeleteInternetGateway",
    "DetachInternetGateway",
];
pub(crate) const ROUTES: [&str; 7] = [
    "CreateRoute",
    "CreateRouteTable",
    "ReplaceRoute",
    "ReplaceRouteTableAssociation",
    "DeleteRouteTable",
    "DeleteRoute",
    "DisassociateRouteTable",
];
pub(crate) const VPCS: [&str; 11] = [
    "CreateVpc",
    "DeleteVpc",
    "ModifyVpcAttribute",
    "AcceptVpcPeeringConnection",
    "CreateVpcPeeringConnection",
    "DeleteVpcPeeringConnection",
    "RejectVpcPeeringConnection",
    "AttachClassicLinkVpc",
    "DetachClassicLinkVpc",
    "DisableVpcClassicLink",
    "EnableVpcClassicLink",
];
pub(crate) const ORGANIZATIONS: [&str; 18] = [
    "AcceptHandshake",
    "AttachPolicy",
    "CreateAccount",
    "CreateOrganizationalUnit",
    "CreatePolicy",
    "DeclineHandshake",
    "DeleteOrganization",
    "DeleteOrganizationalUnit",
    "DeletePolicy",
    "DetachPolicy",
    "DisablePolicyType",
    "EnablePolicyType",
    "InviteAccountToOrganization",
    "LeaveOrganization",
    "MoveAccount",
    "RemoveAccountFromOrganization",
    "UpdatePolicy",
    "UpdateOrganizationalUnit",
];
/// DESIGN.md's `logging_tampered` set: 4.5's changes that stop or reshape logging, and
/// PutEventSelectors, which CIS 4.5 does not name.
pub(crate) const TAMPERING: [&str; 4] = ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"];

/// The ids (`"4.1"` … `"4.15"`) of every predicate `r` meets, in order.
pub(crate) fn predicates(r: &Record) -> Vec<&'static str> {
    let name = r.event_name;
    let source = r.event_source;
    let mut out = Vec::new();
    let unauthorized =
        r.error_code.is_some_and(|c| c.ends_with("UnauthorizedOperation") || c.starts_with("AccessDenied"));
    if unauthorized && r.source_ip != "delivery.logs.amazonaws.com" && name != "HeadBucket" {
        out.push("4.1");
    }
    let mfa_used = r.additional_event_data.as_ref().and_then(|d| d.get("MFAUsed")).and_then(|v| v.as_str());
    if name == "ConsoleLogin" && mfa_used != Some("Yes") {
        out.push("4.2");
    }
    let identity = &r.user_identity;
    if identity.kind == Some("Root") && identity.invoked_by.is_none() && r.event_type != "AwsServiceEvent" {
        out.push("4.3");
    }
    if IAM_POLICY.contains(&name) {
        out.push("4.4");
    }
    if TRAIL_CHANGES.contains(&name) {
        out.push("4.5");
    }
    if name == "ConsoleLogin" && r.error_message.as_deref() == Some("Failed authentication") {
        out.push("4.6");
    }
    if source == "kms.amazonaws.com" && (name == "DisableKey" || name == "ScheduleKeyDeletion") {
        out.push("4.7");
    }
    let by = |wanted: &str, names: &[&str]| source == wanted && names.contains(&name);
    if by("s3.amazonaws.com", &S3_POLICY) {
        out.push("4.8");
    }
    if by("config.amazonaws.com", &CONFIG) {
        out.push("4.9");
    }
    if SECURITY_GROUPS.contains(&name) {
        out.push("4.10");
    }
    if NACLS.contains(&name) {
        out.push("4.11");
    }
    if GATEWAYS.contains(&name) {
        out.push("4.12");
    }
    if ROUTES.contains(&name) {
        out.push("4.13");
    }
    if VPCS.contains(&name) {
        out.push("4.14");
    }
    if by("organizations.amazonaws.com", &ORGANIZATIONS) {
        out.push("4.15");
    }
    out
}

/// What a background event must never be: anything a CIS predicate or a DESIGN.md detection could
/// pick up, so that every detection in a test comes from a planted event.
pub(crate) fn is_quiet(r: &Record) -> bool {
    predicates(r).is_empty()
        && r.error_code.is_none()
        && r.error_message.is_none()
        && r.user_identity.kind != Some("Root")
        && r.event_name != "ConsoleLogin"
        && !TAMPERING.contains(&r.event_name)
}
