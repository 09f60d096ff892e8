//! Entra ID directory exports other than sign-in logs (`shared/formats/entra.md`): users, MFA
//! registration details, Conditional Access policies, applications and service principals, directory
//! roles. These files are small (one record per user, policy or app), so each is read whole; a bad
//! record is reported with its locator and the rest of the file still counts.

mod apps;
mod ca;
mod fields;
mod registration;
mod roles;
mod sniff;
mod users;

pub(crate) use sniff::sniff;

use crate::diagnostic::Diagnostic;
use crate::formats::entra::model::EntraExport;
use fields::Tally;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DirectoryKind {
    /// Graph `GET /users` (with `signInActivity`), or PowerShell `Get-MgUser | ConvertTo-Json`.
    UsersJson,
    /// The portal's "Download users" CSV (or `Export-Csv` of the same fields).
    UsersCsv,
    /// Graph `reports/authenticationMethods/userRegistrationDetails`.
    RegistrationJson,
    /// The portal's "User registration details" CSV.
    RegistrationCsv,
    /// Graph `identity/conditionalAccess/policies`: a page or one policy per file.
    CaPolicies,
    /// Graph `applications` or `servicePrincipals` with their credentials.
    Apps,
    /// `directoryRoles?$expand=members` or `roleManagement/directory/roleAssignments`.
    Roles,
}

impl DirectoryKind {
    /// Every kind, for callers that try each (the fuzz entry points, the tests).
    pub(crate) const ALL: [DirectoryKind; 7] = [
        DirectoryKind::UsersJson,
        DirectoryKind::UsersCsv,
        DirectoryKind::RegistrationJson,
        DirectoryKind::RegistrationCsv,
        DirectoryKind::CaPolicies,
        DirectoryKind::Apps,
        DirectoryKind::Roles,
    ];
}

/// One directory file, parsed.
#[derive(Debug, Clone)]
pub(crate) struct DirectoryFile {
    pub export: EntraExport,
    pub diagnostics: Vec<Diagnostic>,
    /// Records in the file (JSON records or CSV rows), kept or not.
    pub records_read: usize,
    pub records_rejected: usize,
}

/// A file that cannot be read at all; a bad record is a diagnostic instead.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum DirectoryError {
    #[error("{file}: invalid JSON ({message}); export it again or remove it from the evidence")]
    Json { file: String, message: String },
    #[error("{file}: the JSON holds {found}, not a Graph page, an array of records or one record")]
    NotRecords { file: String, found: String },
    #[error("{file}: unreadable CSV header ({message})")]
    Csv { file: String, message: String },
    #[error("{file}: missing required column(s) {}; export the report with all its columns", .columns.join(", "))]
    MissingColumns { file: String, columns: Vec<String> },
}

/// Parses a file `sniff` recognised (or the caller knows) as `kind`. `file` names it in errors and
/// diagnostics.
pub(crate) fn parse(file: &str, content: &[u8], kind: DirectoryKind) -> Result<DirectoryFile, DirectoryError> {
    let mut tally = Tally::new(file);
    let export = match kind {
        DirectoryKind::UsersJson => {
            EntraExport::Users(users::from_json(&fields::read_page(file, content)?, &mut tally))
        }
        DirectoryKind::UsersCsv => EntraExport::Users(users::from_csv(file, content, &mut tally)?),
        DirectoryKind::RegistrationJson => {
            EntraExport::Registrations(registration::from_json(&fields::read_page(file, content)?, &mut tally))
        }
        DirectoryKind::RegistrationCsv => {
            EntraExport::Registrations(registration::from_csv(file, content, &mut tally)?)
        }
        DirectoryKind::CaPolicies => {
            EntraExport::CaPolicies(ca::from_json(&fields::read_page(file, content)?, &mut tally))
        }
        DirectoryKind::Apps => EntraExport::Apps(apps::from_json(&fields::read_page(file, content)?, &mut tally)),
        DirectoryKind::Roles => EntraExport::Roles(roles::from_json(&fields::read_page(file, content)?, &mut tally)),
    };
    Ok(DirectoryFile {
        export,
        diagnostics: tally.diagnostics,
        records_read: tally.read,
        records_rejected: tally.rejected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_json_is_an_error_naming_the_file() {
        for kind in [
            DirectoryKind::UsersJson,
            DirectoryKind::RegistrationJson,
            DirectoryKind::CaPolicies,
            DirectoryKind::Apps,
            DirectoryKind::Roles,
        ] {
            let err = parse("t/users.json", br#"{"value":[{"userPrincipalName":"a@x.com",}"#, kind).unwrap_err();
            assert!(matches!(&err, DirectoryError::Json { file, .. } if file == "t/users.json"), "{kind:?}: {err}");
            assert!(err.to_string().starts_with("t/users.json: invalid JSON"), "{err}");
        }
    }

    #[test]
    fn json_that_is_not_records_is_an_error() {
        let err = parse("n.json", b"42", DirectoryKind::UsersJson).unwrap_err();
        assert_eq!(err, DirectoryError::NotRecords { file: "n.json".into(), found: "a number".into() });
        let err = parse("v.json", br#"{"value": "x"}"#, DirectoryKind::Apps).unwrap_err();
        assert!(matches!(err, DirectoryError::NotRecords { .. }));
    }

    #[test]
    fn a_csv_without_the_identity_column_names_it() {
        let err = parse("u.csv", b"displayName,accountEnabled\nA,True\n", DirectoryKind::UsersCsv).unwrap_err();
        assert_eq!(
            err.to_string(),
            "u.csv: missing required column(s) userPrincipalName; export the report with all its columns"
        );
    }

    #[test]
    fn truncated_input_never_panics_and_keeps_the_counts_consistent() {
        let samples = [
            r#"{"value":[{"userPrincipalName":"a@x.com","accountEnabled":true,"signInActivity":{"lastSignInDateTime":"2026-01-01T00:00:00Z"}}]}"#,
            r#"[{"appId":"a","passwordCredentials":[{"keyId":"k","startDateTime":"2025-01-01T00:00:00Z"}],"keyCredentials":[{}]}]"#,
            r#"{"id":"p","state":"enabled","conditions":{"users":{"includeUsers":["All"]}},"grantControls":{"builtInControls":["mfa"]}}"#,
            r#"{"value":[{"roleTemplateId":"t","members":[{"id":"m"}]},{"roleDefinitionId":"d","principalId":"p"}]}"#,
            "\u{feff}\"User principal name\",\"MFA registered\",\"Methods registered\"\r\na@x.com,Yes,\"x, y\"\r\n\"b@x.com\",No",
        ];
        let kinds = DirectoryKind::ALL;
        for sample in samples {
            let bytes = sample.as_bytes();
            for end in 0..=bytes.len() {
                let cut = &bytes[..end];
                let _ = sniff(cut);
                for kind in kinds {
                    if let Ok(parsed) = parse("cut", cut, kind) {
                        assert!(parsed.records_rejected <= parsed.records_read, "{kind:?} at {end}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_bom_and_surrounding_whitespace_are_accepted() {
        let content = b"\xEF\xBB\xBF \n [ {\"userPrincipalName\": \"a@x.com\", \"accountEnabled\": true} ] \n";
        let parsed = parse("b.json", content, DirectoryKind::UsersJson).unwrap();
        assert_eq!(parsed.records_read, 1);
        let EntraExport::Users(users) = parsed.export else { panic!("users expected") };
        assert_eq!(users[0].user_principal_name, "a@x.com");
        assert_eq!(users[0].enabled, Some(true));
    }
}
