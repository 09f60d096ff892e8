//! Which directory export a file is, from its content: the keys of its first JSON record, or its
//! CSV header. Sign-in exports are large and share `userPrincipalName` and `createdDateTime` with
//! user exports, so sniffing reads only the first record's keys and skips every other value without
//! building it; a file truncated after its first record is still recognised (its parse then fails
//! with an error that names it).

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::DirectoryKind;
use super::fields::{csv_body, normalise_header};
use super::registration::MFA_REGISTERED;
use crate::formats::common::strip_bom;

/// Keys only a sign-in record has among the fields a users export shares with it.
const SIGN_IN_KEYS: [&str; 4] = ["clientappused", "appdisplayname", "isinteractive", "status"];

/// Columns of a sign-in log CSV: a file with one of them is not a directory export.
const SIGN_IN_COLUMNS: [&str; 5] = ["requestid", "clientapp", "clientappused", "dateutc", "signinerrorcode"];

pub(crate) fn sniff(content: &[u8]) -> Option<DirectoryKind> {
    let text = strip_bom(content);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    match text.get(start) {
        Some(b'{' | b'[') => sniff_json(&text[start..]),
        _ => sniff_csv(text),
    }
}

fn sniff_json(text: &[u8]) -> Option<DirectoryKind> {
    let mut probe = Probe::default();
    let mut de = serde_json::Deserializer::from_slice(text);
    // An error leaves what was seen before it in `probe`: enough to decide for a truncated file.
    let _ = (&mut de).deserialize_any(TopLevel(&mut probe));
    let keys = match (probe.saw_value || probe.is_array, probe.first) {
        (true, Some(first)) => first,
        (true, None) => return probe.context.as_deref().and_then(kind_of_context),
        (false, _) => probe.top,
    };
    kind_of_record(&keys)
}

/// Decides from a record's keys (lowercased).
fn kind_of_record(keys: &BTreeSet<String>) -> Option<DirectoryKind> {
    let has = |k: &str| keys.contains(k);
    if has("ismfaregistered") || has("ismfacapable") {
        return Some(DirectoryKind::RegistrationJson);
    }
    if has("conditions") && (has("grantcontrols") || has("state")) {
        return Some(DirectoryKind::CaPolicies);
    }
    if has("appid") && (has("passwordcredentials") || has("keycredentials")) {
        return Some(DirectoryKind::Apps);
    }
    if has("roletemplateid") && has("members") || has("roledefinitionid") && has("principalid") {
        return Some(DirectoryKind::Roles);
    }
    let user_fields = ["accountenabled", "usertype", "signinactivity", "createddatetime"];
    if has("userprincipalname") && user_fields.iter().any(|k| has(k)) && !SIGN_IN_KEYS.iter().any(|k| has(k)) {
        return Some(DirectoryKind::UsersJson);
    }
    None
}

/// An empty Graph page still says what it lists; an empty CA policy list, for one, is evidence.
fn kind_of_context(context: &str) -> Option<DirectoryKind> {
    let (_, path) = context.split_once('#')?;
    let set = path.split(['(', '$']).next().unwrap_or_default().trim_end_matches('/').to_ascii_lowercase();
    match set.as_str() {
        "users" => Some(DirectoryKind::UsersJson),
        "reports/authenticationmethods/userregistrationdetails" => Some(DirectoryKind::RegistrationJson),
        "identity/conditionalaccess/policies" => Some(DirectoryKind::CaPolicies),
        "applications" | "serviceprincipals" => Some(DirectoryKind::Apps),
        "rolemanagement/directory/roleassignments" => Some(DirectoryKind::Roles),
        _ => None,
    }
}

fn sniff_csv(text: &[u8]) -> Option<DirectoryKind> {
    let (body, _) = csv_body(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(body);
    let headers: BTreeSet<String> =
        reader.byte_headers().ok()?.iter().map(|h| normalise_header(&String::from_utf8_lossy(h))).collect();
    let has = |k: &str| headers.contains(k);
    if !has("userprincipalname") || SIGN_IN_COLUMNS.iter().any(|k| has(k)) {
        return None;
    }
    // The registration report's parse needs its MFA-registered column; a file without one is not it.
    if MFA_REGISTERED.iter().any(|k| has(k)) {
        return Some(DirectoryKind::RegistrationCsv);
    }
    if has("accountenabled") || has("usertype") {
        return Some(DirectoryKind::UsersCsv);
    }
    None
}

/// What the scan saw: top-level keys, whether there was a `value` member or a bare array, the
/// first record's keys and the page's `@odata.context`. Keys are lowercased (PowerShell writes
/// PascalCase).
#[derive(Default)]
struct Probe {
    top: BTreeSet<String>,
    saw_value: bool,
    is_array: bool,
    first: Option<BTreeSet<String>>,
    context: Option<String>,
}

struct TopLevel<'a>(&'a mut Probe);

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let key = key.to_ascii_lowercase();
            if key == "value" {
                self.0.saw_value = true;
                map.next_value_seed(FirstRecord(&mut self.0.first))?;
            } else if key == "@odata.context" {
                let value: serde_json::Value = map.next_value()?;
                self.0.context = value.as_str().map(str::to_string);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            self.0.top.insert(key);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.0.is_array = true;
        FirstRecord(&mut self.0.first).visit_seq(seq)
    }
}

/// An array whose first element's keys are kept and whose other elements are skipped.
struct FirstRecord<'a>(&'a mut Option<BTreeSet<String>>);

impl<'de> DeserializeSeed<'de> for FirstRecord<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FirstRecord<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let slot = self.0;
        seq.next_element_seed(RecordKeys(slot))?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

struct RecordKeys<'a>(&'a mut Option<BTreeSet<String>>);

impl<'de> DeserializeSeed<'de> for RecordKeys<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordKeys<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let keys = self.0.insert(BTreeSet::new());
        while let Some(key) = map.next_key::<String>()? {
            keys.insert(key.to_ascii_lowercase());
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<DirectoryKind> {
        sniff(text.as_bytes())
    }

    #[test]
    fn json_kinds_by_their_first_record() {
        use DirectoryKind::*;
        let users =
            r#"{"@odata.context":"x","value":[{"id":"1","userPrincipalName":"a@x.com","accountEnabled":true}]}"#;
        assert_eq!(kind(users), Some(UsersJson));
        assert_eq!(kind(r#"[{"UserPrincipalName":"a@x.com","UserType":"Member"}]"#), Some(UsersJson));
        assert_eq!(kind(r#"{"value":[{"userPrincipalName":"a","isMfaRegistered":false}]}"#), Some(RegistrationJson));
        assert_eq!(
            kind(r#"[{"userPrincipalName":"a","isMfaCapable":true,"userType":"member"}]"#),
            Some(RegistrationJson)
        );
        assert_eq!(kind(r#"{"id":"p1","conditions":{},"grantControls":null}"#), Some(CaPolicies));
        assert_eq!(kind(r#"{"value":[{"id":"p1","state":"enabled","conditions":null}]}"#), Some(CaPolicies));
        assert_eq!(kind(r#"{"appId":"a","displayName":"x","passwordCredentials":[]}"#), Some(Apps));
        assert_eq!(kind(r#"{"value":[{"appId":"a","keyCredentials":[]}]}"#), Some(Apps));
        assert_eq!(kind(r#"{"value":[{"roleTemplateId":"r","members":[]}]}"#), Some(Roles));
        assert_eq!(kind(r#"{"value":[{"roleDefinitionId":"r","principalId":"p","principal":{}}]}"#), Some(Roles));
    }

    #[test]
    fn a_bom_whitespace_and_a_truncated_tail_still_sniff() {
        let text = "\u{feff}\r\n  {\"value\":[{\"userPrincipalName\":\"a\",\"createdDateTime\":\"2025-01-01T00:00:00Z\"},{\"user";
        assert_eq!(kind(text), Some(DirectoryKind::UsersJson));
    }

    #[test]
    fn an_empty_page_sniffs_by_its_context() {
        let ca = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies","value":[]}"#;
        assert_eq!(kind(ca), Some(DirectoryKind::CaPolicies));
        let users =
            r#"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#users(id,signInActivity)","value":[]}"#;
        assert_eq!(kind(users), Some(DirectoryKind::UsersJson));
        let signins = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns","value":[]}"#;
        assert_eq!(kind(signins), None);
        assert_eq!(kind("[]"), None);
    }

    #[test]
    fn the_registration_fixture_sniffs() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/entra/userRegistrationDetails.json");
        let content = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(sniff(&content), Some(DirectoryKind::RegistrationJson));
    }

    #[test]
    fn sign_ins_cloudtrail_and_other_json_do_not_sniff() {
        let signins = r#"{"value":[{"id":"r1","createdDateTime":"2026-09-14T08:02:11Z","userPrincipalName":"a@x.com","appDisplayName":"Office","clientAppUsed":"Browser"}]}"#;
        assert_eq!(kind(signins), None);
        let ndjson = r#"{"userPrincipalName":"a@x.com","createdDateTime":"2026-09-14T08:02:11Z","isInteractive":true}"#;
        assert_eq!(kind(&format!("{ndjson}\n{ndjson}\n")), None);
        assert_eq!(kind(r#"{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser"}}]}"#), None);
        assert_eq!(kind(r#"{"value":[{"id":"g1","displayName":"Group"}]}"#), None);
        assert_eq!(kind("not json {"), None);
        assert_eq!(kind(""), None);
        assert_eq!(kind("   \n"), None);
    }

    #[test]
    fn csv_kinds_by_their_header() {
        let users =
            "userPrincipalName,displayName,surname,mail,givenName,id,userType,jobTitle,department,accountEnabled\n";
        assert_eq!(kind(users), Some(DirectoryKind::UsersCsv));
        let ps = "#TYPE Selected.Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser\n\"UserPrincipalName\",\"AccountEnabled\"\n";
        assert_eq!(kind(ps), Some(DirectoryKind::UsersCsv));
        let registration = "\u{feff}\"User principal name\",\"User display name\",\"User type\",\"Admin\",\"MFA registered\",\"Methods registered\"\r\n";
        assert_eq!(kind(registration), Some(DirectoryKind::RegistrationCsv));
        let long = "Id,User Principal Name,Is Admin,Multifactor authentication registered\n";
        assert_eq!(kind(long), Some(DirectoryKind::RegistrationCsv));
    }

    #[test]
    fn other_csv_does_not_sniff() {
        let credential_report = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active\n<root_account>,arn:aws:iam::1:root\n";
        assert_eq!(kind(credential_report), None);
        let signins = "\"Date (UTC)\",\"Request ID\",\"User\",\"Username\",\"User type\",\"userPrincipalName\"\n";
        assert_eq!(kind(signins), None);
        assert_eq!(kind("userPrincipalName,displayName\n"), None);
        assert_eq!(kind("userPrincipalName,Is admin,Methods registered\n"), None);
    }
}
