//! Conditional Access policies: Graph `identity/conditionalAccess/policies` as a page, or one
//! policy per file as the portal and most backup tools write them. A policy is named by its id,
//! else its display name; one with neither cannot be cited and is rejected.

use super::fields::{Object, Page, Tally, child, each_record, get, strings, text_field};
use crate::formats::entra::model::{CaPolicy, PolicyState};

pub(super) fn from_json(page: &Page, tally: &mut Tally) -> Vec<CaPolicy> {
    each_record(page, tally, |n, policy, _| {
        let display_name = text_field(policy, "displayName");
        let id = text_field(policy, "id")
            .or_else(|| display_name.clone())
            .ok_or("policy without id or displayName; skipped")?;
        let conditions = child(policy, "conditions");
        let users = conditions.and_then(|c| child(c, "users"));
        let applications = conditions.and_then(|c| child(c, "applications"));
        let list = |parent: Option<&Object>, name: &str| strings(parent.and_then(|p| get(p, name)));
        // grantControls is null for a session-only policy: it grants nothing and requires nothing.
        let grant = child(policy, "grantControls");
        Ok(CaPolicy {
            display_name: display_name.unwrap_or_else(|| id.clone()),
            id,
            state: state(text_field(policy, "state").as_deref()),
            include_users: list(users, "includeUsers"),
            exclude_users: list(users, "excludeUsers"),
            include_groups: list(users, "includeGroups"),
            exclude_groups: list(users, "excludeGroups"),
            include_roles: list(users, "includeRoles"),
            exclude_roles: list(users, "excludeRoles"),
            include_applications: list(applications, "includeApplications"),
            exclude_applications: list(applications, "excludeApplications"),
            client_app_types: list(conditions, "clientAppTypes"),
            grant_controls: list(grant, "builtInControls"),
            grant_operator: grant.and_then(|g| text_field(g, "operator")),
            authentication_strength: grant.and_then(|g| child(g, "authenticationStrength")).is_some_and(|strength| {
                // An authentication strength whose requirements are not MFA (a custom one allowing a
                // password alone) does not require MFA; exports that omit the field count as MFA.
                text_field(strength, "requirementsSatisfied").is_none_or(|r| r.eq_ignore_ascii_case("mfa"))
            }),
            narrowed_by: narrowing(conditions),
            locator: n,
        })
    })
}

/// The conditions that limit a policy to some sign-ins, as the catalog's rule text lists them.
fn narrowing(conditions: Option<&Object>) -> Vec<String> {
    let Some(c) = conditions else { return Vec::new() };
    let list = |parent: Option<&Object>, name: &str| strings(parent.and_then(|p| get(p, name)));
    let all = |values: &[String]| values.iter().any(|v| v.eq_ignore_ascii_case("all"));
    let mut out = Vec::new();
    let locations = child(c, "locations");
    let (include, exclude) = (list(locations, "includeLocations"), list(locations, "excludeLocations"));
    if (!include.is_empty() && !all(&include)) || !exclude.is_empty() {
        out.push(format!("locations (include {}; exclude {})", shown(&include), shown(&exclude)));
    }
    for (field, what) in [
        ("userRiskLevels", "user risk"),
        ("signInRiskLevels", "sign-in risk"),
        ("servicePrincipalRiskLevels", "service principal risk"),
    ] {
        let levels = list(Some(c), field);
        if !levels.is_empty() {
            out.push(format!("{what} {}", levels.join(", ")));
        }
    }
    if get(c, "insiderRiskLevels").is_some_and(|v| !v.is_null()) {
        out.push("insider risk".into());
    }
    let platforms = child(c, "platforms");
    let (include, exclude) = (list(platforms, "includePlatforms"), list(platforms, "excludePlatforms"));
    if (!include.is_empty() && !all(&include)) || !exclude.is_empty() {
        out.push(format!("platforms (include {}; exclude {})", shown(&include), shown(&exclude)));
    }
    if let Some(devices) = child(c, "devices") {
        let rule = child(devices, "deviceFilter").and_then(|f| text_field(f, "rule"));
        let states = [list(Some(devices), "excludeDevices"), list(Some(devices), "excludeDeviceStates")];
        let include = [list(Some(devices), "includeDevices"), list(Some(devices), "includeDeviceStates")];
        if let Some(rule) = rule.filter(|r| !r.trim().is_empty()) {
            out.push(format!("device filter {rule:?}"));
        } else if states.iter().any(|s| !s.is_empty()) || include.iter().any(|s| !s.is_empty() && !all(s)) {
            out.push("device states".into());
        }
    }
    if get(c, "authenticationFlows").is_some_and(|v| !v.is_null()) {
        out.push("authentication flows".into());
    }
    out
}

fn shown(values: &[String]) -> String {
    if values.is_empty() { "-".into() } else { values.join(", ") }
}

fn state(text: Option<&str>) -> PolicyState {
    match text.map(str::to_ascii_lowercase).as_deref() {
        Some("enabled") => PolicyState::Enabled,
        Some("disabled") => PolicyState::Disabled,
        Some("enabledforreportingbutnotenforced") => PolicyState::ReportOnly,
        _ => PolicyState::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DirectoryFile, DirectoryKind, parse, sniff};
    use crate::formats::entra::model::{CaPolicy, EntraExport, PolicyState};

    fn policies(file: &DirectoryFile) -> &[CaPolicy] {
        match &file.export {
            EntraExport::CaPolicies(p) => p,
            other => panic!("policies expected, got {other:?}"),
        }
    }

    const PAGE: &str = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies","value":[
      {"id":"p-mfa","displayName":"Require MFA for all users","state":"enabled",
       "conditions":{"users":{"includeUsers":["All"],"excludeUsers":["breakglass-1","breakglass-2"],"includeGroups":[],
                              "excludeGroups":["g-exempt"],"includeRoles":[],"excludeRoles":[]},
                     "applications":{"includeApplications":["All"],"excludeApplications":[]},
                     "clientAppTypes":["all"]},
       "grantControls":{"operator":"OR","builtInControls":["mfa"],"authenticationStrength":null}},
      {"id":"p-legacy","displayName":"Block legacy authentication","state":"enabledForReportingButNotEnforced",
       "conditions":{"users":{"includeUsers":["All"]},"applications":{"includeApplications":["All"]},
                     "clientAppTypes":["exchangeActiveSync","other"]},
       "grantControls":{"operator":"OR","builtInControls":["block"]}},
      {"id":"p-session","displayName":"Sign-in frequency","state":"disabled",
       "conditions":{"users":{"includeRoles":["62e90394-69f5-4237-9190-012177145e10"]},"applications":null,"clientAppTypes":[]},
       "grantControls":null,"sessionControls":{"signInFrequency":{"value":4,"type":"hours"}}},
      {"state":"enabled","conditions":{}},
      {"displayName":"Phishing-resistant admins","state":"SomethingNew","conditions":{"users":{"includeRoles":["r1"]}},
       "grantControls":{"operator":"AND","builtInControls":[],"authenticationStrength":{"id":"00000000-0000-0000-0000-000000000004"}}}
    ]}"#;

    /// One all-users block policy per condition type: each condition limits it to some sign-ins
    /// (issue 17's false pass was a country allow-list read as blocking everyone).
    #[test]
    fn conditions_that_limit_a_policy_to_some_sign_ins_are_named() {
        let with = |conditions: &str| {
            let text = format!(
                r#"{{"id":"p","displayName":"p","state":"enabled","conditions":{{"users":{{"includeUsers":["All"]}},
                   "applications":{{"includeApplications":["All"]}},"clientAppTypes":["exchangeActiveSync","other"]{conditions}}},
                   "grantControls":{{"operator":"OR","builtInControls":["block"]}}}}"#
            );
            let file = parse("ca.json", text.as_bytes(), DirectoryKind::CaPolicies).unwrap();
            policies(&file)[0].narrowed_by.clone()
        };
        assert!(with("").is_empty());
        // Every location, or every platform, limits nothing.
        assert!(with(r#","locations":{"includeLocations":["All"],"excludeLocations":[]}"#).is_empty());
        assert!(with(r#","platforms":{"includePlatforms":["all"],"excludePlatforms":[]}"#).is_empty());
        assert!(with(r#","userRiskLevels":[],"signInRiskLevels":[],"insiderRiskLevels":null"#).is_empty());
        let cases = [
            (r#","locations":{"includeLocations":["All"],"excludeLocations":["allowed-countries"]}"#, "locations"),
            (r#","locations":{"includeLocations":["named-1"]}"#, "locations"),
            (r#","userRiskLevels":["high"]"#, "user risk high"),
            (r#","signInRiskLevels":["medium","high"]"#, "sign-in risk medium, high"),
            (r#","servicePrincipalRiskLevels":["high"]"#, "service principal risk"),
            (r#","insiderRiskLevels":"elevated""#, "insider risk"),
            (r#","platforms":{"includePlatforms":["android","iOS"]}"#, "platforms"),
            (r#","platforms":{"includePlatforms":["all"],"excludePlatforms":["windows"]}"#, "platforms"),
            (
                r#","devices":{"deviceFilter":{"mode":"exclude","rule":"device.trustType -eq \"AzureAD\""}}"#,
                "device filter",
            ),
            (r#","authenticationFlows":{"transferMethods":"deviceCodeFlow"}"#, "authentication flows"),
        ];
        for (conditions, named) in cases {
            let narrowed = with(conditions);
            assert_eq!(narrowed.len(), 1, "{conditions}: {narrowed:?}");
            assert!(narrowed[0].starts_with(named), "{conditions}: {narrowed:?}");
        }
    }

    #[test]
    fn an_authentication_strength_counts_as_mfa_only_when_its_requirements_are_mfa() {
        let strength = |body: &str| {
            let text = format!(
                r#"{{"id":"p","state":"enabled","grantControls":{{"operator":"OR","builtInControls":[],"authenticationStrength":{body}}}}}"#
            );
            let file = parse("ca.json", text.as_bytes(), DirectoryKind::CaPolicies).unwrap();
            policies(&file)[0].authentication_strength
        };
        assert!(strength(r#"{"id":"00000000-0000-0000-0000-000000000002","requirementsSatisfied":"mfa"}"#));
        assert!(strength(r#"{"id":"custom"}"#), "an export without requirementsSatisfied counts, as before");
        assert!(!strength(r#"{"id":"custom","requirementsSatisfied":"none"}"#));
        assert!(!strength("null"));
    }

    #[test]
    fn a_graph_page_of_policies() {
        let file = parse("ca.json", PAGE.as_bytes(), DirectoryKind::CaPolicies).unwrap();
        assert_eq!((file.records_read, file.records_rejected), (5, 1));
        assert_eq!(file.diagnostics.len(), 1);
        assert_eq!(file.diagnostics[0].locator.as_deref(), Some("record 4"));
        let p = policies(&file);
        assert_eq!(p.len(), 4);

        let mfa = &p[0];
        assert_eq!((mfa.id.as_str(), mfa.display_name.as_str()), ("p-mfa", "Require MFA for all users"));
        assert_eq!(mfa.state, PolicyState::Enabled);
        assert_eq!(mfa.include_users, ["All"]);
        assert_eq!(mfa.exclude_users, ["breakglass-1", "breakglass-2"]);
        assert_eq!(mfa.exclude_groups, ["g-exempt"]);
        assert!(mfa.include_groups.is_empty() && mfa.include_roles.is_empty() && mfa.exclude_roles.is_empty());
        assert_eq!(mfa.include_applications, ["All"]);
        assert_eq!(mfa.client_app_types, ["all"]);
        assert_eq!(mfa.grant_controls, ["mfa"]);
        assert_eq!(mfa.grant_operator.as_deref(), Some("OR"));
        assert!(!mfa.authentication_strength, "a null authenticationStrength is none");

        let legacy = &p[1];
        assert_eq!(legacy.state, PolicyState::ReportOnly);
        assert_eq!(legacy.client_app_types, ["exchangeActiveSync", "other"]);
        assert_eq!(legacy.grant_controls, ["block"]);
        assert!(legacy.exclude_users.is_empty());

        let session = &p[2];
        assert_eq!(session.state, PolicyState::Disabled);
        assert!(session.grant_controls.is_empty() && session.grant_operator.is_none());
        assert!(session.include_applications.is_empty() && session.client_app_types.is_empty());
        assert_eq!(session.include_roles, ["62e90394-69f5-4237-9190-012177145e10"]);

        // No id: the display name stands in; an unknown state is Unknown, not Enabled.
        let strength = &p[3];
        assert_eq!(strength.id, "Phishing-resistant admins");
        assert_eq!(strength.state, PolicyState::Unknown);
        assert!(strength.authentication_strength);
        assert_eq!(strength.grant_operator.as_deref(), Some("AND"));
        assert_eq!(strength.locator, 5);
    }

    #[test]
    fn one_policy_per_file() {
        let json = r#"{"id":"only","displayName":"Only","state":"enabledForReportingButNotEnforced",
                       "conditions":{"users":{"includeUsers":["All"],"excludeUsers":["u-1"]},"clientAppTypes":["browser","mobileAppsAndDesktopClients"]},
                       "grantControls":{"operator":"OR","builtInControls":["mfa","compliantDevice"]}}"#;
        assert_eq!(sniff(json.as_bytes()), Some(DirectoryKind::CaPolicies));
        let file = parse("policy-only.json", json.as_bytes(), DirectoryKind::CaPolicies).unwrap();
        assert_eq!(file.records_read, 1);
        let p = &policies(&file)[0];
        assert_eq!((p.id.as_str(), p.state, p.locator), ("only", PolicyState::ReportOnly, 1));
        assert_eq!(p.exclude_users, ["u-1"]);
        assert_eq!(p.client_app_types, ["browser", "mobileAppsAndDesktopClients"]);
        assert_eq!(p.grant_controls, ["mfa", "compliantDevice"]);
    }

    #[test]
    fn powershell_pascal_case_policy() {
        let json = r#"{"Id":"ps","DisplayName":"PS","State":"enabled",
                       "Conditions":{"Users":{"IncludeUsers":["All"]},"Applications":{"IncludeApplications":["All"]},"ClientAppTypes":["all"]},
                       "GrantControls":{"Operator":"OR","BuiltInControls":["mfa"]}}"#;
        let file = parse("ps.json", json.as_bytes(), DirectoryKind::CaPolicies).unwrap();
        let p = &policies(&file)[0];
        assert_eq!((p.id.as_str(), p.state), ("ps", PolicyState::Enabled));
        assert_eq!(
            (p.include_users.as_slice(), p.include_applications.as_slice()),
            (&["All".to_string()][..], &["All".to_string()][..])
        );
        assert_eq!(p.grant_controls, ["mfa"]);
    }
}
