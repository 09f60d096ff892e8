//! MFA registration: Graph `reports/authenticationMethods/userRegistrationDetails` and the portal's
//! "User registration details" CSV, whose headers are display names (`User principal name`,
//! `MFA registered`, `Methods registered`) that vary between portal versions.

use super::DirectoryError;
use super::fields::{
    Page, Tally, each_record, get, line_locator, read_table, record_locator, split_list, strings, text_field,
};
use crate::formats::entra::model::Registration;

const UPN: &[&str] = &["userprincipalname", "upn"];
const ID: &[&str] = &["id", "objectid", "userid"];
const USER_TYPE: &[&str] = &["usertype"];
const ADMIN: &[&str] = &["isadmin", "admin"];
pub(super) const MFA_REGISTERED: &[&str] = &[
    "ismfaregistered",
    "mfaregistered",
    "multifactorauthenticationregistered",
    "ismultifactorauthenticationregistered",
];
const MFA_CAPABLE: &[&str] =
    &["ismfacapable", "mfacapable", "multifactorauthenticationcapable", "ismultifactorauthenticationcapable"];
const METHODS: &[&str] = &["methodsregistered", "methods", "registeredmethods"];

pub(super) fn from_json(page: &Page, tally: &mut Tally) -> Vec<Registration> {
    each_record(page, tally, |n, row, tally| {
        let locator = record_locator(n);
        Ok(Registration {
            id: text_field(row, "id"),
            user_principal_name: text_field(row, "userPrincipalName")
                .ok_or("registration without userPrincipalName; skipped")?,
            user_type: text_field(row, "userType"),
            is_admin: tally.flag(&locator, "isAdmin", get(row, "isAdmin")),
            is_mfa_registered: tally.flag(&locator, "isMfaRegistered", get(row, "isMfaRegistered")),
            is_mfa_capable: tally.flag(&locator, "isMfaCapable", get(row, "isMfaCapable")),
            methods: strings(get(row, "methodsRegistered")),
            locator: n,
        })
    })
}

pub(super) fn from_csv(file: &str, content: &[u8], tally: &mut Tally) -> Result<Vec<Registration>, DirectoryError> {
    let table = read_table(file, content, tally)?;
    let (upn, mfa_registered) = (table.column(UPN), table.column(MFA_REGISTERED));
    let missing: Vec<String> = [(upn, "User principal name"), (mfa_registered, "MFA registered")]
        .into_iter()
        .filter(|(column, _)| column.is_none())
        .map(|(_, name)| name.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(DirectoryError::MissingColumns { file: file.to_string(), columns: missing });
    }
    let (id, user_type, admin, capable, methods) = (
        table.column(ID),
        table.column(USER_TYPE),
        table.column(ADMIN),
        table.column(MFA_CAPABLE),
        table.column(METHODS),
    );
    let mut registrations = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        tally.read += 1;
        let locator = line_locator(row.line);
        let Some(user_principal_name) = row.text(upn) else {
            tally.reject(&locator, "registration without userPrincipalName; skipped");
            continue;
        };
        registrations.push(Registration {
            id: row.text(id),
            user_principal_name,
            user_type: row.text(user_type),
            is_admin: tally.flag(&locator, "Admin", row.value(admin).as_ref()),
            is_mfa_registered: tally.flag(&locator, "MFA registered", row.value(mfa_registered).as_ref()),
            is_mfa_capable: tally.flag(&locator, "MFA capable", row.value(capable).as_ref()),
            methods: row.cell(methods).map(split_list).unwrap_or_default(),
            locator: row.line,
        });
    }
    Ok(registrations)
}

#[cfg(test)]
mod tests {
    use super::super::{DirectoryError, DirectoryFile, DirectoryKind, parse};
    use crate::formats::entra::model::{EntraExport, Registration};

    /// A Graph page written from the format notes (tests/fixtures/README.md): Microsoft's docs example
    /// is not licensed for redistribution, so it is not in the repository.
    const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/entra/userRegistrationDetails.json");

    fn registrations(file: &DirectoryFile) -> &[Registration] {
        match &file.export {
            EntraExport::Registrations(r) => r,
            other => panic!("registrations expected, got {other:?}"),
        }
    }

    #[test]
    fn a_graph_registration_page() {
        let content = std::fs::read(SAMPLE).unwrap_or_else(|e| panic!("{SAMPLE}: {e}"));
        let file = parse("userRegistrationDetails.json", &content, DirectoryKind::RegistrationJson).unwrap();
        assert_eq!((file.records_read, file.records_rejected), (3, 0));
        assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
        let r = registrations(&file);
        // Read off the file: Ines registered with two methods, Tomas none, Amara three.
        let ines = &r[0];
        assert_eq!(ines.user_principal_name, "ines.moreau@northwind.example");
        assert_eq!(ines.id.as_deref(), Some("3f2a7c1e-5b8d-4e09-a6f4-0c1d2e3f4a5b"));
        assert_eq!((ines.is_mfa_registered, ines.is_mfa_capable), (Some(true), Some(true)));
        assert_eq!(ines.methods, ["microsoftAuthenticatorPush", "softwareOneTimePasscode"]);
        // The page has neither isAdmin nor userType.
        assert_eq!((ines.is_admin, ines.user_type.as_deref()), (None, None));
        let tomas = &r[1];
        assert_eq!(tomas.user_principal_name, "tomas.berg@northwind.example");
        assert_eq!((tomas.is_mfa_registered, tomas.is_mfa_capable), (Some(false), Some(false)));
        assert!(tomas.methods.is_empty());
        let amara = &r[2];
        assert_eq!(amara.user_principal_name, "amara.okafor@northwind.example");
        assert_eq!(amara.is_mfa_registered, Some(true));
        assert_eq!(amara.methods, ["mobilePhone", "microsoftAuthenticatorPush", "softwareOneTimePasscode"]);
        assert_eq!(amara.locator, 3);
    }

    #[test]
    fn a_bare_array_with_admins_and_a_bad_record() {
        let json = r#"[{"userPrincipalName":"admin@x.com","userType":"member","isAdmin":true,"isMfaRegistered":false,"methodsRegistered":[]},
                       {"userDisplayName":"nobody","isMfaRegistered":true},
                       {"userPrincipalName":"b@x.com","isAdmin":false,"isMfaRegistered":true,"methodsRegistered":["fido2"]}]"#;
        let file = parse("reg.json", json.as_bytes(), DirectoryKind::RegistrationJson).unwrap();
        assert_eq!((file.records_read, file.records_rejected), (3, 1));
        let r = registrations(&file);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].is_admin, r[0].is_mfa_registered), (Some(true), Some(false)));
        assert_eq!(r[0].user_type.as_deref(), Some("member"));
        assert_eq!((r[1].user_principal_name.as_str(), r[1].locator), ("b@x.com", 3));
        assert_eq!(file.diagnostics[0].locator.as_deref(), Some("record 2"));
    }

    #[test]
    fn portal_csv_with_display_name_headers() {
        let csv = "\u{feff}\"Id\",\"User principal name\",\"User display name\",\"User type\",\"Admin\",\"MFA registered\",\"MFA capable\",\"Methods registered\"\r\n\
            \"1\",\"admin@x.com\",\"Admin\",\"Member\",\"Yes\",\"No\",\"No\",\"\"\r\n\
            \"2\",\"b@x.com\",\"B\",\"Member\",\"No\",\"Yes\",\"Yes\",\"microsoftAuthenticatorPush, softwareOneTimePasscode\"\r\n\
            \"3\",\"c@x.com\",\"C\",\"Guest\",\"False\",\"True\",\"True\",\"mobilePhone;email\"\r\n";
        let file = parse("reg.csv", csv.as_bytes(), DirectoryKind::RegistrationCsv).unwrap();
        assert_eq!((file.records_read, file.records_rejected), (3, 0));
        let r = registrations(&file);
        assert_eq!(
            (r[0].is_admin, r[0].is_mfa_registered, r[0].is_mfa_capable),
            (Some(true), Some(false), Some(false))
        );
        assert!(r[0].methods.is_empty());
        assert_eq!(r[1].methods, ["microsoftAuthenticatorPush", "softwareOneTimePasscode"]);
        assert_eq!((r[2].is_mfa_registered, r[2].user_type.as_deref()), (Some(true), Some("Guest")));
        assert_eq!(r[2].methods, ["mobilePhone", "email"]);
        assert_eq!((r[2].id.as_deref(), r[2].locator), (Some("3"), 4));
    }

    #[test]
    fn long_header_names_and_a_missing_mfa_column() {
        let csv = "User Principal Name,Is Admin,Multifactor authentication registered\na@x.com,true,false\n";
        let file = parse("r.csv", csv.as_bytes(), DirectoryKind::RegistrationCsv).unwrap();
        assert_eq!(
            (registrations(&file)[0].is_admin, registrations(&file)[0].is_mfa_registered),
            (Some(true), Some(false))
        );
        let err =
            parse("r.csv", b"User principal name,Admin\na@x.com,No\n", DirectoryKind::RegistrationCsv).unwrap_err();
        assert_eq!(
            err,
            DirectoryError::MissingColumns { file: "r.csv".into(), columns: vec!["MFA registered".into()] }
        );
    }
}
