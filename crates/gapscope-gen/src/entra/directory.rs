//! The directory exports: users (Graph JSON with signInActivity, portal CSV without), MFA
//! registration details, Conditional Access policies, app registrations, directory roles with
//! members, and `broken.json`, a users page cut short.

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::signins::iso;
use super::tenant::{Credential, PolicyState, User};
use super::{Run, guid};
use crate::common::{DAY, write_file};
use crate::rng::Rng;

const GRAPH: &str = "https://graph.microsoft.com/v1.0/$metadata";

fn page(context: &str, value: Vec<Value>) -> Value {
    json!({"@odata.context": format!("{GRAPH}#{context}"), "value": value})
}

fn pretty(path: &Path, v: &Value) -> Result<()> {
    let mut text = serde_json::to_string_pretty(v)?;
    text.push('\n');
    write_file(path, text.as_bytes())
}

fn time(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| iso(t).into())
}

/// `dana_fabrikam.example#EXT#@contoso.example` → `dana@fabrikam.example`.
fn mail(u: &User) -> String {
    match u.upn.split('#').next().and_then(|local| local.split_once('_')).filter(|_| u.guest) {
        Some((name, home)) => format!("{name}@{home}"),
        None => u.upn.clone(),
    }
}

fn graph_user(u: &User, seed: u64) -> Value {
    let mut rng = Rng::derived(seed, &[b"activity", u.upn.as_bytes()]);
    let mut request = |t: Option<i64>| {
        let id = guid(&mut rng);
        t.map_or(Value::Null, |_| id.into())
    };
    let activity = u.activity.map_or(Value::Null, |a| {
        json!({
            "lastSignInDateTime": time(a.last_sign_in),
            "lastSignInRequestId": request(a.last_sign_in),
            "lastNonInteractiveSignInDateTime": time(a.last_non_interactive),
            "lastNonInteractiveSignInRequestId": request(a.last_non_interactive),
            "lastSuccessfulSignInDateTime": time(a.last_successful),
            "lastSuccessfulSignInRequestId": request(a.last_successful),
        })
    });
    json!({
        "id": u.id,
        "userPrincipalName": u.upn,
        "displayName": u.display(),
        "givenName": u.given,
        "surname": u.surname,
        "mail": mail(u),
        "userType": if u.guest { "Guest" } else { "Member" },
        "accountEnabled": u.enabled,
        "createdDateTime": iso(u.created),
        "externalUserState": u.invitation,
        "onPremisesSyncEnabled": Value::Null,
        "department": if u.department.is_empty() { Value::Null } else { u.department.into() },
        "signInActivity": activity,
    })
}

/// The portal's "Download users" CSV: no sign-in activity.
fn users_csv(run: &Run) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "userPrincipalName",
        "displayName",
        "surname",
        "mail",
        "givenName",
        "id",
        "userType",
        "jobTitle",
        "department",
        "accountEnabled",
        "usageLocation",
        "streetAddress",
        "state",
        "country",
        "officeLocation",
        "city",
        "postalCode",
        "telephoneNumber",
        "mobilePhone",
        "alternateEmailAddress",
        "ageGroup",
        "consentProvidedForMinor",
        "legalAgeGroupClassification",
        "companyName",
        "creationType",
        "directorySynced",
        "invitationState",
        "identityIssuer",
        "createdDateTime",
    ])?;
    for u in run.tenant.users.iter().filter(|u| u.in_csv) {
        let place = super::signins::PLACES.get(u.place).unwrap_or(&super::signins::PLACES[0]);
        let enabled = if u.enabled { "True" } else { "False" };
        let issuer = if u.guest { "ExternalAzureAD" } else { super::tenant::DOMAIN };
        let (kind, creation) = if u.guest { ("Guest", "Invitation") } else { ("Member", "") };
        let (display, mail, created) = (u.display(), mail(u), iso(u.created));
        w.write_record([
            u.upn.as_str(),
            &display,
            &u.surname,
            &mail,
            &u.given,
            &u.id,
            kind,
            "",
            u.department,
            enabled,
            place.country,
            "",
            place.state,
            place.country,
            "",
            place.city,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            super::tenant::TENANT_NAME,
            creation,
            "",
            u.invitation.unwrap_or(""),
            issuer,
            &created,
        ])?;
    }
    w.into_inner().context("users.csv")
}

fn registration(run: &Run, index: usize, u: &User) -> Value {
    let registered = u.mfa_registered;
    let preferred = u.methods.first().copied();
    json!({
        "id": u.id,
        "userPrincipalName": u.upn,
        "userDisplayName": u.display(),
        "userType": if u.guest { "guest" } else { "member" },
        "isAdmin": run.tenant.is_admin(index),
        "isSsprRegistered": registered,
        "isSsprEnabled": !u.guest,
        "isSsprCapable": registered && !u.guest,
        "isMfaRegistered": registered,
        "isMfaCapable": registered,
        "isPasswordlessCapable": u.methods.contains(&"fido2"),
        "methodsRegistered": u.methods,
        "isSystemPreferredAuthenticationMethodEnabled": true,
        "systemPreferredAuthenticationMethods": preferred.map_or(vec![], |m| vec![m]),
        "userPreferredMethodForSecondaryAuthentication": preferred.map_or("none", |m| if m == "fido2" { "fido2" } else { "push" }),
        "lastUpdatedDateTime": iso(run.args.as_of - DAY + 3600),
    })
}

fn policy_json(p: &super::tenant::Policy, as_of: i64) -> Value {
    let state = match p.state {
        PolicyState::Enabled => "enabled",
        PolicyState::ReportOnly => "enabledForReportingButNotEnforced",
        PolicyState::Disabled => "disabled",
    };
    json!({
        "id": p.id,
        "displayName": p.name,
        "createdDateTime": iso(as_of - 500 * DAY),
        "modifiedDateTime": iso(as_of - 40 * DAY),
        "state": state,
        "conditions": {
            "userRiskLevels": [],
            "signInRiskLevels": [],
            "clientAppTypes": p.client_app_types,
            "platforms": Value::Null,
            "locations": Value::Null,
            "applications": {"includeApplications": p.include_apps, "excludeApplications": [], "includeUserActions": []},
            "users": {
                "includeUsers": p.include_users,
                "excludeUsers": p.exclude_users,
                "includeGroups": [],
                "excludeGroups": [],
                "includeRoles": p.include_roles,
                "excludeRoles": [],
            },
        },
        "grantControls": {"operator": "OR", "builtInControls": p.grant, "customAuthenticationFactors": [], "termsOfUse": []},
        "sessionControls": Value::Null,
    })
}

fn secret(c: &Credential) -> Value {
    let hint: String = c.key_id.chars().take(3).collect();
    json!({"customKeyIdentifier": Value::Null, "displayName": c.name, "endDateTime": iso(c.end), "hint": hint,
           "keyId": c.key_id, "secretText": Value::Null, "startDateTime": iso(c.start)})
}

fn certificate(c: &Credential) -> Value {
    let thumbprint: String = c.key_id.replace('-', "").to_uppercase().chars().take(40).collect();
    json!({"customKeyIdentifier": thumbprint, "displayName": c.name, "endDateTime": iso(c.end), "key": Value::Null,
           "keyId": c.key_id, "startDateTime": iso(c.start), "type": "AsymmetricX509Cert", "usage": "Verify"})
}

/// Writes every directory export into `out`; returns their names.
pub(super) fn write_all(out: &Path, run: &Run) -> Result<Vec<String>> {
    let t = &run.tenant;
    let seed = run.args.seed;
    let users: Vec<Value> = t.users.iter().filter(|u| u.in_graph).map(|u| graph_user(u, seed)).collect();
    let first_user = users.first().cloned();
    let context = "users(id,userPrincipalName,displayName,userType,accountEnabled,createdDateTime,externalUserState,onPremisesSyncEnabled,signInActivity)";
    pretty(&out.join("users.json"), &page(context, users))?;
    write_file(&out.join("users.csv"), &users_csv(run)?)?;
    let regs = t.users.iter().enumerate().map(|(i, u)| registration(run, i, u)).collect();
    pretty(
        &out.join("userRegistrationDetails.json"),
        &page("reports/authenticationMethods/userRegistrationDetails", regs),
    )?;
    let policies = t.policies.iter().map(|p| policy_json(p, run.args.as_of)).collect();
    pretty(&out.join("conditionalAccessPolicies.json"), &page("identity/conditionalAccess/policies", policies))?;
    let apps = t
        .apps
        .iter()
        .map(|a| {
            json!({
                "id": a.id, "appId": a.app_id, "displayName": a.name, "createdDateTime": iso(a.created),
                "signInAudience": "AzureADMyOrg",
                "passwordCredentials": a.secrets.iter().map(secret).collect::<Vec<_>>(),
                "keyCredentials": a.certificates.iter().map(certificate).collect::<Vec<_>>(),
            })
        })
        .collect();
    pretty(&out.join("applications.json"), &page("applications", apps))?;
    let roles = t
        .roles
        .iter()
        .map(|r| {
            let members: Vec<Value> = r
                .members
                .iter()
                .filter_map(|&i| t.users.get(i))
                .map(|u| json!({"@odata.type": "#microsoft.graph.user", "id": u.id, "displayName": u.display(), "userPrincipalName": u.upn}))
                .collect();
            json!({"id": r.id, "deletedDateTime": Value::Null, "description": format!("Members of {}", r.name),
                   "displayName": r.name, "roleTemplateId": r.template, "members": members})
        })
        .collect();
    pretty(&out.join("directoryRoles.json"), &page("directoryRoles(members())", roles))?;
    // A download cut off inside the second user: the one complete user is in users.json too, so a
    // reader that salvages it changes nothing.
    let mut broken = format!("{{\"@odata.context\":\"{GRAPH}#users\",\"value\":[");
    if let Some(u) = first_user {
        broken.push_str(&serde_json::to_string(&u)?);
        broken.push(',');
    }
    broken.push_str("{\"id\":\"3f2a");
    write_file(&out.join("broken.json"), broken.as_bytes())?;
    Ok([
        "users.json",
        "users.csv",
        "userRegistrationDetails.json",
        "conditionalAccessPolicies.json",
        "applications.json",
        "directoryRoles.json",
        "broken.json",
    ]
    .map(str::to_owned)
    .to_vec())
}
