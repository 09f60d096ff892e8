//! Applications and service principals with their credentials (Graph `applications`,
//! `servicePrincipals`): `passwordCredentials` are secrets, `keyCredentials` certificates. Findings
//! cite a credential as `<appId>#<keyId>`, so an app without appId is rejected and a credential
//! without keyId is named by its place (`record N credential M`).

use serde_json::Value;

use super::fields::{Object, Page, Tally, each_record, get, record_locator, text_field};
use crate::formats::common::json_kind;
use crate::formats::entra::model::{App, AppCredential, CredentialKind};

pub(super) fn from_json(page: &Page, tally: &mut Tally) -> Vec<App> {
    let page_kind = page.context.as_deref().and_then(kind_of_context);
    each_record(page, tally, |n, app, tally| {
        let app_id = text_field(app, "appId").ok_or("application without appId; skipped")?;
        let locator = record_locator(n);
        let mut credentials = Vec::new();
        // M counts across both lists, so two key-less credentials of one app never share a name.
        let mut position = 0;
        for (list, kind) in
            [("passwordCredentials", CredentialKind::Secret), ("keyCredentials", CredentialKind::Certificate)]
        {
            let entries = match get(app, list) {
                None | Some(Value::Null) => continue,
                Some(Value::Array(entries)) => entries,
                Some(other) => {
                    tally.note(&locator, format!("{list} is {}, not an array; ignored", json_kind(other)));
                    continue;
                }
            };
            for entry in entries {
                position += 1;
                let Value::Object(entry) = entry else {
                    tally.note(&locator, format!("{list} entry {position} is {}; ignored", json_kind(entry)));
                    continue;
                };
                credentials.push(credential(entry, kind, &format!("{locator} credential {position}"), tally));
            }
        }
        Ok(App {
            app_id,
            display_name: text_field(app, "displayName"),
            object_kind: text_field(app, "@odata.type")
                .and_then(|t| kind_of_type(&t))
                .or_else(|| kind_of_shape(app))
                .or_else(|| page_kind.clone()),
            credentials,
            locator: n,
        })
    })
}

fn credential(entry: &Object, kind: CredentialKind, place: &str, tally: &mut Tally) -> AppCredential {
    AppCredential {
        kind,
        key_id: text_field(entry, "keyId").unwrap_or_else(|| place.to_string()),
        display_name: text_field(entry, "displayName"),
        start: tally.time(place, "startDateTime", get(entry, "startDateTime")),
        end: tally.time(place, "endDateTime", get(entry, "endDateTime")),
    }
}

/// `#microsoft.graph.servicePrincipal` → `servicePrincipal`.
fn kind_of_type(odata_type: &str) -> Option<String> {
    let name = odata_type.rsplit('.').next()?;
    ["application", "servicePrincipal"].iter().find(|k| k.eq_ignore_ascii_case(name)).map(|k| k.to_string())
}

/// Service principals carry fields applications do not; without `@odata.type` they tell.
fn kind_of_shape(app: &Object) -> Option<String> {
    ["servicePrincipalType", "servicePrincipalNames"]
        .iter()
        .any(|k| get(app, k).is_some())
        .then(|| "servicePrincipal".to_string())
}

fn kind_of_context(context: &str) -> Option<String> {
    let (_, path) = context.split_once('#')?;
    let set = path.split(['(', '/', '$']).next()?.to_ascii_lowercase();
    match set.as_str() {
        "applications" => Some("application".into()),
        "serviceprincipals" => Some("servicePrincipal".into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DirectoryFile, DirectoryKind, parse, sniff};
    use crate::formats::entra::model::{App, CredentialKind, EntraExport};
    use crate::timefmt::parse_timestamp;

    fn apps(file: &DirectoryFile) -> &[App] {
        match &file.export {
            EntraExport::Apps(a) => a,
            other => panic!("apps expected, got {other:?}"),
        }
    }

    #[test]
    fn applications_with_secrets_and_certificates() {
        let json = r##"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#applications","value":[
          {"id":"o1","appId":"app-1","displayName":"Payroll sync",
           "passwordCredentials":[{"keyId":"k-secret","displayName":"ci","startDateTime":"2025-01-15T10:00:00Z","endDateTime":"2027-01-15T10:00:00Z","hint":"abc"},
                                  {"displayName":"no id","startDateTime":"2024-06-01T00:00:00Z","endDateTime":null}],
           "keyCredentials":[{"keyId":"k-cert","type":"AsymmetricX509Cert","usage":"Verify","startDateTime":"2025-05-01T00:00:00Z","endDateTime":"2026-05-01T00:00:00Z"}]},
          {"id":"o2","displayName":"No appId","passwordCredentials":[]},
          {"appId":"app-3","passwordCredentials":null,"keyCredentials":"oops"}
        ]}"##;
        let file = parse("apps.json", json.as_bytes(), DirectoryKind::Apps).unwrap();
        assert_eq!((file.records_read, file.records_rejected), (3, 1));
        let a = apps(&file);
        assert_eq!(a.len(), 2);
        let payroll = &a[0];
        assert_eq!((payroll.app_id.as_str(), payroll.display_name.as_deref()), ("app-1", Some("Payroll sync")));
        // No @odata.type on the records: the page's context says they are applications.
        assert_eq!(payroll.object_kind.as_deref(), Some("application"));
        assert_eq!(payroll.credentials.len(), 3);
        let secret = &payroll.credentials[0];
        assert_eq!(
            (secret.kind, secret.key_id.as_str(), secret.display_name.as_deref()),
            (CredentialKind::Secret, "k-secret", Some("ci"))
        );
        assert_eq!(secret.start, parse_timestamp("2025-01-15T10:00:00Z"));
        assert_eq!(secret.end, parse_timestamp("2027-01-15T10:00:00Z"));
        let nameless = &payroll.credentials[1];
        assert_eq!(
            (nameless.kind, nameless.key_id.as_str(), nameless.end),
            (CredentialKind::Secret, "record 1 credential 2", None)
        );
        let cert = &payroll.credentials[2];
        assert_eq!((cert.kind, cert.key_id.as_str()), (CredentialKind::Certificate, "k-cert"));
        assert_eq!(cert.end, parse_timestamp("2026-05-01T00:00:00Z"));

        assert!(a[1].credentials.is_empty());
        let said: Vec<(Option<&str>, &str)> =
            file.diagnostics.iter().map(|d| (d.locator.as_deref(), d.message.as_str())).collect();
        assert_eq!(
            said,
            [
                (Some("record 2"), "application without appId; skipped"),
                (Some("record 3"), "keyCredentials is a string, not an array; ignored"),
            ]
        );
    }

    #[test]
    fn a_service_principal_with_certificates_only() {
        let json = r##"[{"@odata.type":"#microsoft.graph.servicePrincipal","appId":"sp-1","displayName":"Monitoring agent",
                        "keyCredentials":[{"keyId":"c1","type":"AsymmetricX509Cert","usage":"Verify","startDateTime":"2026-01-01T00:00:00Z","endDateTime":"2027-01-01T00:00:00Z"}]}]"##;
        assert_eq!(sniff(json.as_bytes()), Some(DirectoryKind::Apps));
        let file = parse("sp.json", json.as_bytes(), DirectoryKind::Apps).unwrap();
        let sp = &apps(&file)[0];
        assert_eq!(sp.object_kind.as_deref(), Some("servicePrincipal"));
        assert_eq!(sp.credentials.len(), 1);
        assert_eq!((sp.credentials[0].kind, sp.credentials[0].key_id.as_str()), (CredentialKind::Certificate, "c1"));
        assert!(file.diagnostics.is_empty());
    }

    #[test]
    fn a_single_application_object_and_the_kind_from_its_shape() {
        let app = r##"{"appId":"a1","@odata.type":"#microsoft.graph.application","passwordCredentials":[{"keyId":"s1","startDateTime":"bad"}]}"##;
        let file = parse("app.json", app.as_bytes(), DirectoryKind::Apps).unwrap();
        let a = &apps(&file)[0];
        assert_eq!((a.object_kind.as_deref(), a.credentials[0].start), (Some("application"), None));
        assert_eq!(file.diagnostics[0].locator.as_deref(), Some("record 1 credential 1"));
        let sp = r##"[{"appId":"a2","servicePrincipalType":"Application","keyCredentials":[]}]"##;
        let file = parse("sp.json", sp.as_bytes(), DirectoryKind::Apps).unwrap();
        assert_eq!(apps(&file)[0].object_kind.as_deref(), Some("servicePrincipal"));
    }
}
