//! What gapscope keeps of Entra ID exports: only the fields the checks, coverage and report read.
//! Every parser of `formats::entra` produces these types, whatever the export's layout.

use crate::timefmt::Instant;

/// `authenticationRequirement` / `Authentication requirement`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum AuthRequirement {
    SingleFactor,
    MultiFactor,
    /// Absent or a value this version does not know.
    Unknown,
}

/// Outcome of a sign-in: Graph `status.errorCode` 0 is success; the portal's `Status` column says
/// `Success` / `Failure` / `Interrupted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum SignInStatus {
    Success,
    Failure,
    Interrupted,
    Unknown,
}

/// One sign-in record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignIn {
    /// Request id (`id` / `Request ID`): sign-ins are deduplicated by it across files.
    pub id: String,
    pub time: Instant,
    /// userPrincipalName (`Username` in the portal CSV), as written.
    pub user_principal_name: String,
    pub user_id: Option<String>,
    /// `Member` / `Guest` as written, if present.
    pub user_type: Option<String>,
    pub app: Option<String>,
    /// `clientAppUsed` / `Client app`: the protocol, e.g. `Browser`, `IMAP4`.
    pub client_app: Option<String>,
    /// `isInteractive`; `None` when the export does not say (the portal CSV's file kind decides).
    pub interactive: Option<bool>,
    pub status: SignInStatus,
    pub auth_requirement: AuthRequirement,
    /// Home or resource tenant id, whichever the export carries (`Home tenant ID`, `homeTenantId`,
    /// `resourceTenantId`, `TenantId`).
    pub tenant_id: Option<String>,
    /// 1-based line (CSV, NDJSON) or record index (JSON) in the file, for evidence locators.
    pub locator: u64,
}

/// A user from Graph `users` or the portal users CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct User {
    pub id: Option<String>,
    pub user_principal_name: String,
    pub display_name: Option<String>,
    /// `Member` / `Guest` as written.
    pub user_type: Option<String>,
    /// `accountEnabled`; `None` when absent or unreadable.
    pub enabled: Option<bool>,
    pub created: Option<Instant>,
    /// `externalUserState` (`PendingAcceptance`, `Accepted`) / `invitationState`.
    pub external_user_state: Option<String>,
    /// `signInActivity`; all `None` when the export has none (portal CSV, no P1 licence).
    pub last_sign_in: Option<Instant>,
    pub last_non_interactive_sign_in: Option<Instant>,
    pub last_successful_sign_in: Option<Instant>,
    pub locator: u64,
}

/// One row of `userRegistrationDetails`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Registration {
    pub id: Option<String>,
    pub user_principal_name: String,
    pub user_type: Option<String>,
    pub is_admin: Option<bool>,
    pub is_mfa_registered: Option<bool>,
    pub is_mfa_capable: Option<bool>,
    pub methods: Vec<String>,
    pub locator: u64,
}

/// `state` of a Conditional Access policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PolicyState {
    Enabled,
    Disabled,
    ReportOnly,
    Unknown,
}

/// A Conditional Access policy, reduced to what the CA checks read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaPolicy {
    pub id: String,
    pub display_name: String,
    pub state: PolicyState,
    pub include_users: Vec<String>,
    pub exclude_users: Vec<String>,
    pub include_groups: Vec<String>,
    pub exclude_groups: Vec<String>,
    pub include_roles: Vec<String>,
    pub exclude_roles: Vec<String>,
    pub include_applications: Vec<String>,
    pub exclude_applications: Vec<String>,
    /// `conditions.clientAppTypes` (`all`, `browser`, `mobileAppsAndDesktopClients`,
    /// `exchangeActiveSync`, `other`); empty when absent.
    pub client_app_types: Vec<String>,
    /// `grantControls.builtInControls` (`mfa`, `block`, `compliantDevice`, …).
    pub grant_controls: Vec<String>,
    /// `grantControls.operator` (`OR` / `AND`).
    pub grant_operator: Option<String>,
    /// `grantControls.authenticationStrength` present (counts as requiring MFA unless its
    /// `requirementsSatisfied` says something other than `mfa`).
    pub authentication_strength: bool,
    /// Conditions that narrow the policy to some sign-ins only (locations outside an allow-list,
    /// risky users or sign-ins, platforms, device filters, authentication flows), each said as an
    /// auditor reads it: such a policy does not apply to everyone however its users read.
    pub narrowed_by: Vec<String>,
    pub locator: u64,
}

/// `passwordCredentials` (secret) or `keyCredentials` (certificate) of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum CredentialKind {
    Secret,
    Certificate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AppCredential {
    pub kind: CredentialKind,
    pub key_id: String,
    pub display_name: Option<String>,
    pub start: Option<Instant>,
    pub end: Option<Instant>,
}

/// An application or service principal with its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct App {
    pub app_id: String,
    pub display_name: Option<String>,
    /// `application` or `servicePrincipal` (from `@odata.type` or the file's shape), if known.
    pub object_kind: Option<String>,
    pub credentials: Vec<AppCredential>,
    pub locator: u64,
}

/// A directory role and its members (`directoryRoles?$expand=members`), or the members of a role
/// definition gathered from `roleManagement/directory/roleAssignments`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleMembers {
    /// `roleTemplateId` / `roleDefinitionId` (Global Administrator: 62e90394-…).
    pub role_template_id: String,
    pub display_name: Option<String>,
    /// Member userPrincipalName, else display name, else object id.
    pub members: Vec<String>,
    pub locator: u64,
}

/// What one Entra file holds, after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EntraExport {
    SignIns(Vec<SignIn>),
    Users(Vec<User>),
    Registrations(Vec<Registration>),
    CaPolicies(Vec<CaPolicy>),
    Apps(Vec<App>),
    Roles(Vec<RoleMembers>),
}

/// Global Administrator's role template id.
pub(crate) const GLOBAL_ADMIN_TEMPLATE: &str = "62e90394-69f5-4237-9190-012177145e10";

/// Legacy client apps (`shared/formats/entra.md`): they cannot do MFA and bypass CA MFA.
pub(crate) const LEGACY_CLIENT_APPS: [&str; 12] = [
    "Exchange ActiveSync",
    "IMAP4",
    "POP3",
    "Authenticated SMTP",
    "MAPI Over HTTP",
    "Exchange Web Services",
    "Exchange Online PowerShell",
    "AutoDiscover",
    "Offline Address Book",
    "Outlook Anywhere (RPC over HTTP)",
    "Reporting Web Services",
    "Other clients",
];
