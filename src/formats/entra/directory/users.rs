//! Users: Graph `GET /users` with `signInActivity` (or `Get-MgUser | ConvertTo-Json`), and the
//! portal's "Download users" CSV. A user without a userPrincipalName cannot be matched to sign-ins
//! or named in a finding, so it is rejected.

use super::DirectoryError;
use super::fields::{
    Page, Table, Tally, child, each_record, get, line_locator, read_table, record_locator, text_field,
};
use crate::formats::entra::model::User;

const UPN: &[&str] = &["userprincipalname", "upn"];
const ID: &[&str] = &["id", "objectid", "userid"];
const DISPLAY_NAME: &[&str] = &["displayname", "name"];
const USER_TYPE: &[&str] = &["usertype"];
const ENABLED: &[&str] = &["accountenabled", "enabled"];
const CREATED: &[&str] = &["createddatetime", "creationtime", "createdon"];
const INVITATION: &[&str] = &["invitationstate", "externaluserstate"];
// Script exports sometimes flatten signInActivity into columns; the portal download has none.
const LAST_SIGN_IN: &[&str] = &["lastsignindatetime", "lastsignin"];
const LAST_NON_INTERACTIVE: &[&str] = &["lastnoninteractivesignindatetime"];
const LAST_SUCCESSFUL: &[&str] = &["lastsuccessfulsignindatetime"];

pub(super) fn from_json(page: &Page, tally: &mut Tally) -> Vec<User> {
    each_record(page, tally, |n, user, tally| {
        let locator = record_locator(n);
        let upn = text_field(user, "userPrincipalName").ok_or("user without userPrincipalName; skipped")?;
        let activity = child(user, "signInActivity");
        let mut activity_time = |name: &str| tally.time(&locator, name, activity.and_then(|a| get(a, name)));
        let last_sign_in = activity_time("lastSignInDateTime");
        let last_non_interactive_sign_in = activity_time("lastNonInteractiveSignInDateTime");
        let last_successful_sign_in = activity_time("lastSuccessfulSignInDateTime");
        Ok(User {
            id: text_field(user, "id"),
            user_principal_name: upn,
            display_name: text_field(user, "displayName"),
            user_type: text_field(user, "userType"),
            enabled: tally.flag(&locator, "accountEnabled", get(user, "accountEnabled")),
            created: tally.time(&locator, "createdDateTime", get(user, "createdDateTime")),
            external_user_state: text_field(user, "externalUserState"),
            last_sign_in,
            last_non_interactive_sign_in,
            last_successful_sign_in,
            locator: n,
        })
    })
}

pub(super) fn from_csv(file: &str, content: &[u8], tally: &mut Tally) -> Result<Vec<User>, DirectoryError> {
    let table = read_table(file, content, tally)?;
    let upn = table.column(UPN).ok_or_else(|| DirectoryError::MissingColumns {
        file: file.to_string(),
        columns: vec!["userPrincipalName".into()],
    })?;
    note_missing(&table, tally, ENABLED, "accountEnabled", "whether each user is enabled is unknown");
    note_missing(&table, tally, CREATED, "createdDateTime", "a user never signed in has no activity date");
    let column = |aliases| table.column(aliases);
    let (id, display_name, user_type, enabled, created, invitation) =
        (column(ID), column(DISPLAY_NAME), column(USER_TYPE), column(ENABLED), column(CREATED), column(INVITATION));
    let (last, last_non_interactive, last_successful) =
        (column(LAST_SIGN_IN), column(LAST_NON_INTERACTIVE), column(LAST_SUCCESSFUL));
    let mut users = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        tally.read += 1;
        let locator = line_locator(row.line);
        let Some(user_principal_name) = row.text(Some(upn)) else {
            tally.reject(&locator, "user without userPrincipalName; skipped");
            continue;
        };
        users.push(User {
            id: row.text(id),
            user_principal_name,
            display_name: row.text(display_name),
            user_type: row.text(user_type),
            enabled: tally.flag(&locator, "accountEnabled", row.value(enabled).as_ref()),
            created: tally.time(&locator, "createdDateTime", row.value(created).as_ref()),
            external_user_state: row.text(invitation),
            last_sign_in: tally.time(&locator, "lastSignInDateTime", row.value(last).as_ref()),
            last_non_interactive_sign_in: tally.time(
                &locator,
                "lastNonInteractiveSignInDateTime",
                row.value(last_non_interactive).as_ref(),
            ),
            last_successful_sign_in: tally.time(
                &locator,
                "lastSuccessfulSignInDateTime",
                row.value(last_successful).as_ref(),
            ),
            locator: row.line,
        });
    }
    Ok(users)
}

fn note_missing(table: &Table, tally: &mut Tally, aliases: &[&str], name: &str, consequence: &str) {
    if table.column(aliases).is_none() {
        tally.note(&line_locator(table.header_line), format!("no {name} column: {consequence}"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DirectoryFile, DirectoryKind, parse};
    use crate::formats::entra::model::{EntraExport, User};
    use crate::timefmt::parse_timestamp;

    fn users(file: &DirectoryFile) -> &[User] {
        match &file.export {
            EntraExport::Users(users) => users,
            other => panic!("users expected, got {other:?}"),
        }
    }

    const GRAPH: &str = r#"{
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName,signInActivity)",
      "value": [
        {"id": "u1", "userPrincipalName": "adele@contoso.com", "displayName": "Adele Vance", "userType": "Member",
         "accountEnabled": true, "createdDateTime": "2024-01-10T09:00:00Z", "externalUserState": null,
         "signInActivity": {"lastSignInDateTime": "2026-09-01T10:00:00Z",
                            "lastNonInteractiveSignInDateTime": null,
                            "lastSuccessfulSignInDateTime": "2026-08-31T08:30:00Z"}},
        {"id": "u2", "userPrincipalName": "never@contoso.com", "accountEnabled": true,
         "createdDateTime": "2025-02-01T00:00:00Z", "signInActivity": null},
        {"id": "u3", "userPrincipalName": "partner_fabrikam.com#EXT#@contoso.onmicrosoft.com", "userType": "Guest",
         "accountEnabled": true, "externalUserState": "PendingAcceptance", "createdDateTime": "2026-03-03T12:00:00Z"},
        {"id": "u4", "userPrincipalName": "left@contoso.com", "accountEnabled": false, "userType": "Member"},
        {"id": "u5", "displayName": "No UPN", "accountEnabled": true},
        "not a user",
        {"userPrincipalName": "odd@contoso.com", "accountEnabled": "maybe", "createdDateTime": "soon"}
      ]
    }"#;

    #[test]
    fn graph_users_with_activity_guests_and_disabled_accounts() {
        let file = parse("users.json", GRAPH.as_bytes(), DirectoryKind::UsersJson).unwrap();
        assert_eq!((file.records_read, file.records_rejected), (7, 2));
        let users = users(&file);
        let upns: Vec<&str> = users.iter().map(|u| u.user_principal_name.as_str()).collect();
        assert_eq!(
            upns,
            [
                "adele@contoso.com",
                "never@contoso.com",
                "partner_fabrikam.com#EXT#@contoso.onmicrosoft.com",
                "left@contoso.com",
                "odd@contoso.com"
            ]
        );
        let adele = &users[0];
        assert_eq!(adele.id.as_deref(), Some("u1"));
        assert_eq!(adele.display_name.as_deref(), Some("Adele Vance"));
        assert_eq!(adele.enabled, Some(true));
        assert_eq!(adele.created, parse_timestamp("2024-01-10T09:00:00Z"));
        assert_eq!(adele.last_sign_in, parse_timestamp("2026-09-01T10:00:00Z"));
        assert_eq!(adele.last_non_interactive_sign_in, None);
        assert_eq!(adele.last_successful_sign_in, parse_timestamp("2026-08-31T08:30:00Z"));
        assert_eq!(adele.external_user_state, None);
        assert_eq!(adele.locator, 1);

        let never = &users[1];
        assert_eq!(
            (never.last_sign_in, never.last_non_interactive_sign_in, never.last_successful_sign_in),
            (None, None, None)
        );
        assert_eq!(never.created, parse_timestamp("2025-02-01T00:00:00Z"));

        let guest = &users[2];
        assert_eq!(guest.user_type.as_deref(), Some("Guest"));
        assert_eq!(guest.external_user_state.as_deref(), Some("PendingAcceptance"));
        assert_eq!(users[3].enabled, Some(false));
        assert_eq!(users[3].created, None);

        // The odd user is kept with its unreadable fields absent, and each is reported.
        let odd = &users[4];
        assert_eq!((odd.enabled, odd.created, odd.locator), (None, None, 7));
        let said: Vec<(Option<&str>, &str)> =
            file.diagnostics.iter().map(|d| (d.locator.as_deref(), d.message.as_str())).collect();
        assert_eq!(
            said,
            [
                (Some("record 5"), "user without userPrincipalName; skipped"),
                (Some("record 6"), "record is a string, not an object; skipped"),
                (Some("record 7"), "accountEnabled 'maybe' is neither true nor false; read as absent"),
                (Some("record 7"), "createdDateTime 'soon' is not a date and time; read as absent"),
            ]
        );
        assert!(file.diagnostics.iter().all(|d| d.file == "users.json"));
    }

    #[test]
    fn powershell_pascal_case_and_ms_dates() {
        let json = r#"[{"UserPrincipalName":"a@x.com","AccountEnabled":"True","CreatedDateTime":"/Date(1741764121000)/",
                        "SignInActivity":{"LastSignInDateTime":"3/12/2025 7:22:01 AM"}}]"#;
        let file = parse("ps.json", json.as_bytes(), DirectoryKind::UsersJson).unwrap();
        let user = &users(&file)[0];
        assert_eq!(user.enabled, Some(true));
        assert_eq!(user.created, parse_timestamp("2025-03-12T07:22:01Z"));
        assert_eq!(user.last_sign_in, parse_timestamp("2025-03-12T07:22:01Z"));
        assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
    }

    #[test]
    fn portal_csv_with_locale_dates_and_yes_no() {
        let csv = "\u{feff}userPrincipalName,displayName,surname,mail,givenName,id,userType,jobTitle,department,accountEnabled,usageLocation,creationType,directorySynced,invitationState,identityIssuer,createdDateTime\r\n\
            adele@contoso.com,Adele Vance,Vance,adele@contoso.com,Adele,u1,Member,,IT,True,US,,,,contoso.com,3/12/2025 7:22:01 AM\r\n\
            guest_x.com#EXT#@contoso.com,Guest,,,,u2,Guest,,,yes,,Invitation,,PendingAcceptance,ExternalAzureAD,2026-03-03T12:00:00Z\r\n\
            ,Nameless,,,,u3,Member,,,True,,,,,,\r\n\
            left@contoso.com,Left,,,,u4,Member,,,FALSE,,,,,,\r\n";
        let file = parse("users.csv", csv.as_bytes(), DirectoryKind::UsersCsv).unwrap();
        assert_eq!((file.records_read, file.records_rejected), (4, 1));
        let users = users(&file);
        assert_eq!(users.len(), 3);
        assert_eq!(users[0].user_principal_name, "adele@contoso.com");
        assert_eq!(users[0].enabled, Some(true));
        assert_eq!(users[0].created, parse_timestamp("2025-03-12T07:22:01Z"));
        assert_eq!(users[0].locator, 2);
        assert_eq!(users[1].enabled, Some(true));
        assert_eq!(users[1].external_user_state.as_deref(), Some("PendingAcceptance"));
        assert_eq!(users[1].user_type.as_deref(), Some("Guest"));
        assert_eq!((users[2].enabled, users[2].locator), (Some(false), 5));
        assert_eq!(users[2].last_sign_in, None);
        assert_eq!(file.diagnostics.len(), 1);
        assert_eq!(file.diagnostics[0].locator.as_deref(), Some("line 4"));
    }

    #[test]
    fn csv_display_name_headers_and_a_missing_enabled_column() {
        let csv = "\"User principal name\",\"Display name\",\"User type\"\nb@x.com,B,Member\n";
        let file = parse("u.csv", csv.as_bytes(), DirectoryKind::UsersCsv).unwrap();
        assert_eq!(users(&file)[0].user_type.as_deref(), Some("Member"));
        assert_eq!(users(&file)[0].enabled, None);
        let messages: Vec<&str> = file.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "no accountEnabled column: whether each user is enabled is unknown",
                "no createdDateTime column: a user never signed in has no activity date"
            ]
        );
    }
}
