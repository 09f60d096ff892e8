//! The portal's "Download CSV" of sign-ins, in the 2024 layout and older ones, and Log Analytics
//! CSV exports of the `SigninLogs` table. Columns are found by squashed name (case, spacing and
//! punctuation ignored), never by position; of two columns with the same name the first is read.

use super::{Collector, Names, Raw, SignInError, auth_requirement, interactive_word, present, squash, status_word};
use crate::formats::entra::model::SignInStatus;

/// Squashed column names that carry each field, best first.
const DATE: &[&str] =
    &["dateutc", "createddatetime", "createddatetimeutc", "date", "timegenerated", "timegeneratedutc"];
const REQUEST_ID: &[&str] = &["requestid", "id"];
const UPN: &[&str] = &["username", "userprincipalname"];
/// The display name in the 2024 layout, a UPN in some older ones: read only when it looks like one.
const USER: &[&str] = &["user"];
const USER_ID: &[&str] = &["userid"];
const USER_TYPE: &[&str] = &["usertype"];
const APP: &[&str] = &["application", "appdisplayname"];
const CLIENT_APP: &[&str] = &["clientapp", "clientappused"];
const STATUS: &[&str] = &["status"];
const ERROR_CODE: &[&str] = &["signinerrorcode", "errorcode", "resulttype"];
const AUTH: &[&str] = &["authenticationrequirement"];
const TENANT: &[&str] = &["hometenantid", "resourcetenantid", "tenantid", "aadtenantid"];
const INTERACTIVE: &[&str] = &["isinteractive", "interactive", "signineventtypes", "signineventtype"];

/// Columns only sign-in exports have. Date, id and user alone are not enough: the portal's users
/// CSV has `createdDateTime`, `id` and `userPrincipalName` too.
const MARKERS: &[&str] = &[
    "status",
    "clientapp",
    "clientappused",
    "application",
    "appdisplayname",
    "authenticationrequirement",
    "ipaddress",
    "signinerrorcode",
    "resulttype",
    "isinteractive",
    "conditionalaccess",
    "conditionalaccessstatus",
];

/// Indices of the columns carrying each field, in the order of the alias lists.
struct Columns {
    date: Vec<usize>,
    id: Vec<usize>,
    upn: Vec<usize>,
    user: Vec<usize>,
    user_id: Vec<usize>,
    user_type: Vec<usize>,
    app: Vec<usize>,
    client_app: Vec<usize>,
    status: Vec<usize>,
    error_code: Vec<usize>,
    auth: Vec<usize>,
    tenant: Vec<usize>,
    interactive: Vec<usize>,
}

impl Columns {
    fn find(squashed: &[String]) -> Columns {
        // The first column of a name wins: the 2024 layout has `Incoming token type` twice.
        let find = |aliases: &[&str]| -> Vec<usize> {
            aliases.iter().filter_map(|alias| squashed.iter().position(|name| name == alias)).collect()
        };
        Columns {
            date: find(DATE),
            id: find(REQUEST_ID),
            upn: find(UPN),
            user: find(USER),
            user_id: find(USER_ID),
            user_type: find(USER_TYPE),
            app: find(APP),
            client_app: find(CLIENT_APP),
            status: find(STATUS),
            error_code: find(ERROR_CODE),
            auth: find(AUTH),
            tenant: find(TENANT),
            interactive: find(INTERACTIVE),
        }
    }

    fn missing(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if self.date.is_empty() {
            missing.push("date column ('Date (UTC)', 'CreatedDateTime' or 'Date')".to_string());
        }
        if self.id.is_empty() {
            missing.push("request id column ('Request ID' or 'Id')".to_string());
        }
        if self.upn.is_empty() && self.user.is_empty() {
            missing.push("user column ('Username', 'User principal name' or 'User')".to_string());
        }
        missing
    }
}

fn squashed_header(header: &csv::ByteRecord) -> Vec<String> {
    header.iter().map(|name| squash(&String::from_utf8_lossy(name))).collect()
}

/// A header with a date, a request id, a user and at least two columns only sign-in exports have.
pub(super) fn sniff(text: &[u8]) -> bool {
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(text);
    let Ok(header) = reader.byte_headers() else {
        return false;
    };
    let squashed = squashed_header(header);
    let columns = Columns::find(&squashed);
    let markers = MARKERS.iter().filter(|m| squashed.iter().any(|name| name == *m)).count();
    columns.missing().is_empty() && markers >= 2
}

pub(super) fn parse(content: &[u8], out: &mut Collector) -> Result<(), SignInError> {
    let file = out.file();
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(content);
    let header = reader
        .byte_headers()
        .map_err(|e| SignInError::CsvHeader { file: file.to_string(), message: e.to_string() })?
        .clone();
    let names: Vec<String> = header.iter().map(|name| String::from_utf8_lossy(name).trim().to_string()).collect();
    let columns = Columns::find(&squashed_header(&header));
    let missing = columns.missing();
    if !missing.is_empty() {
        return Err(SignInError::MissingColumns { file: file.to_string(), missing });
    }
    let name_of = |cols: &[usize]| cols.first().and_then(|&i| names.get(i)).map_or("", String::as_str);
    let user_name = if columns.upn.is_empty() { name_of(&columns.user) } else { name_of(&columns.upn) };
    let field_names = Names { id: name_of(&columns.id), time: name_of(&columns.date), user: user_name };

    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter::new(content);
    loop {
        let start = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = lines.line_at(start);
                out.read();
                out.reject(|| format!("line {line}"), || format!("unreadable row ({e}); row skipped"));
                continue;
            }
        }
        let line = lines.line_at(record.position().map_or(start, csv::Position::byte));
        out.read();
        let raw = row(&record, &columns);
        out.build(raw, "line", line, &field_names);
    }
    Ok(())
}

/// A cell's trimmed text; absent when empty, missing from a short row, or not UTF-8.
fn cell(record: &csv::ByteRecord, index: usize) -> Option<&str> {
    record.get(index).and_then(|bytes| std::str::from_utf8(bytes).ok()).and_then(present)
}

/// The first non-empty cell among `columns`.
fn first<'r>(record: &'r csv::ByteRecord, columns: &[usize]) -> Option<&'r str> {
    columns.iter().find_map(|&i| cell(record, i))
}

fn row<'r>(record: &'r csv::ByteRecord, columns: &Columns) -> Raw<'r> {
    let upn = first(record, &columns.upn).or_else(|| first(record, &columns.user).filter(|u| looks_like_upn(u)));
    let mut status = first(record, &columns.status).map_or(SignInStatus::Unknown, status_word);
    if status == SignInStatus::Unknown {
        // Log Analytics writes `Status` as the Graph object in JSON text, and `ResultType` beside it.
        status = first(record, &columns.status)
            .and_then(super::json::error_code_in)
            .or_else(|| first(record, &columns.error_code).and_then(|code| code.parse::<i64>().ok()))
            .map_or(SignInStatus::Unknown, super::status_code);
    }
    Raw {
        id: first(record, &columns.id),
        id_is_correlation: false,
        time: first(record, &columns.date),
        user_principal_name: upn,
        user_id: first(record, &columns.user_id),
        user_type: first(record, &columns.user_type),
        app: first(record, &columns.app),
        client_app: first(record, &columns.client_app),
        interactive: first(record, &columns.interactive).and_then(interactive_word),
        status,
        auth_requirement: auth_requirement(first(record, &columns.auth)),
        tenant_id: first(record, &columns.tenant),
    }
}

/// `name@domain` without spaces: the 2024 layout's `User` is a display name and must not pass for one.
fn looks_like_upn(text: &str) -> bool {
    match text.split_once('@') {
        Some((name, domain)) => !name.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace),
        None => false,
    }
}

/// 1-based line numbers of growing byte offsets, counted in one pass over the file. The csv
/// crate's own line count is not used: it drifts on CRLF input.
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    newlines: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t [u8]) -> LineCounter<'t> {
        LineCounter { text, offset: 0, newlines: 0 }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let text = self.text;
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        // A record's position can be the line end before it (CRLF, blank lines): its line is the next.
        while byte < text.len() && matches!(text[byte], b'\r' | b'\n') {
            byte += 1;
        }
        let count = |slice: &[u8]| slice.iter().filter(|&&b| b == b'\n').count() as u64;
        if byte >= self.offset {
            self.newlines += count(&text[self.offset..byte]);
        } else {
            self.newlines = count(&text[..byte]);
        }
        self.offset = byte;
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SignInFile, SignInLayout, parse as parse_file, sniff as sniff_file};
    use super::*;
    use crate::formats::entra::model::{AuthRequirement, SignIn};
    use crate::timefmt::parse_timestamp;

    /// The portal's 2024 header, verbatim from `shared/formats/entra.md`.
    const HEADER_2024: &str = r#""Date (UTC)","Request ID","User agent","Correlation ID","User ID","User","Username","User type","Cross tenant access type","Incoming token type","Authentication Protocol","Unique token identifier","Original transfer method","Client credential type","Token Protection - Sign In Session","Token Protection - Sign In Session StatusCode","Application","Application ID ","Resource","Resource ID ","Resource tenant ID","Home tenant ID","Home tenant name","IP address","Location","Status","Sign-in error code","Failure reason","Client app","Device ID","Browser","Operating System","Compliant","Managed","Join Type","Multifactor authentication result","Multifactor authentication auth method","Multifactor authentication auth detail","Authentication requirement","Sign-in identifier","Session ID","IP address (seen by resource)","Through Global Secure Access","Global Secure Access IP address","Autonomous system  number","Flagged for review","Token issuer type","Incoming token type","Token issuer name","Latency","Conditional Access","Managed Identity type","Associated Resource Id","Federated Token Id","Federated Token Issuer""#;

    const HOME: &str = "11111111-2222-3333-4444-555555555555";

    /// A 2024-layout row: the 55 cells quoted, with the cells the parser reads set and the rest
    /// filled with plausible text so that reading by position would visibly go wrong.
    fn row_2024(cells: &[(&str, &str)]) -> String {
        let names: Vec<String> = csv::ReaderBuilder::new()
            .from_reader(HEADER_2024.as_bytes())
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(names.len(), 55);
        let mut row: Vec<String> = (0..names.len()).map(|i| format!("filler {i}")).collect();
        for (name, value) in cells {
            let i = names.iter().position(|n| n == name).unwrap();
            row[i] = value.to_string();
        }
        row.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(",")
    }

    fn at(s: &str) -> crate::timefmt::Instant {
        parse_timestamp(s).unwrap()
    }

    fn parse_ok(file: &str, text: &str) -> SignInFile {
        parse_file(file, text.as_bytes(), SignInLayout::PortalCsv).unwrap()
    }

    fn csv_2024() -> String {
        let success_mfa = row_2024(&[
            ("Date (UTC)", "2026-09-14T08:02:11Z"),
            ("Request ID", "req-1"),
            ("User ID", "uid-alice"),
            ("User", "Alice Example"),
            ("Username", "alice@contoso.com"),
            ("User type", "Member"),
            ("Application", "Office 365 Exchange Online"),
            ("Home tenant ID", HOME),
            ("Resource tenant ID", "99999999-0000-0000-0000-000000000000"),
            ("Status", "Success"),
            ("Sign-in error code", "0"),
            ("Client app", "Browser"),
            ("Authentication requirement", "Multifactor authentication"),
        ]);
        let success_imap = row_2024(&[
            ("Date (UTC)", "2026-09-15T23:59:59Z"),
            ("Request ID", "req-2"),
            ("User ID", "uid-bob"),
            ("User", "Bob, the \"Builder\""),
            ("Username", "bob@contoso.com"),
            ("User type", "Guest"),
            ("Application", "Office 365 Exchange Online"),
            ("Home tenant ID", HOME),
            ("Status", "Success"),
            ("Sign-in error code", "0"),
            ("Client app", "IMAP4"),
            ("Authentication requirement", "Single-factor authentication"),
        ]);
        let failure = row_2024(&[
            ("Date (UTC)", "2026-09-16T00:00:00Z"),
            ("Request ID", "req-3"),
            ("User ID", ""),
            ("Home tenant ID", " "),
            ("Resource tenant ID", ""),
            ("User", "carol@contoso.com"),
            ("Username", "carol@contoso.com"),
            ("Application", "Azure Portal"),
            ("Status", "Failure"),
            ("Sign-in error code", "50126"),
            ("Client app", "Browser"),
            ("Authentication requirement", "Single-factor authentication"),
        ]);
        format!("\u{feff}{HEADER_2024}\r\n{success_mfa}\r\n{success_imap}\r\n{failure}\r\n")
    }

    #[test]
    fn the_2024_header_verbatim_with_three_rows() {
        let text = csv_2024();
        assert_eq!(sniff_file(text.as_bytes()), Some(SignInLayout::PortalCsv));
        let parsed = parse_ok("exports/InteractiveSignIns_2026-09-01_2026-09-30.csv", &text);
        assert_eq!(parsed.diagnostics, []);
        assert_eq!((parsed.records_read, parsed.records_rejected), (3, 0));
        assert_eq!(
            parsed.sign_ins[0],
            SignIn {
                id: "req-1".into(),
                time: at("2026-09-14T08:02:11Z"),
                user_principal_name: "alice@contoso.com".into(),
                user_id: Some("uid-alice".into()),
                user_type: Some("Member".into()),
                app: Some("Office 365 Exchange Online".into()),
                client_app: Some("Browser".into()),
                interactive: Some(true),
                status: SignInStatus::Success,
                auth_requirement: AuthRequirement::MultiFactor,
                tenant_id: Some(HOME.into()),
                locator: 2,
            }
        );
        let bob = &parsed.sign_ins[1];
        assert_eq!((bob.id.as_str(), bob.user_principal_name.as_str()), ("req-2", "bob@contoso.com"));
        assert_eq!((bob.client_app.as_deref(), bob.auth_requirement), (Some("IMAP4"), AuthRequirement::SingleFactor));
        assert_eq!((bob.status, bob.user_type.as_deref(), bob.locator), (SignInStatus::Success, Some("Guest"), 3));
        assert_eq!(bob.time, at("2026-09-15T23:59:59Z"));
        let carol = &parsed.sign_ins[2];
        assert_eq!(
            (carol.status, carol.user_id.as_deref(), carol.tenant_id.as_deref()),
            (SignInStatus::Failure, None, None)
        );
        assert_eq!((carol.app.as_deref(), carol.locator), (Some("Azure Portal"), 4));
    }

    #[test]
    fn the_file_name_decides_interactivity_when_the_csv_has_no_column() {
        let text = csv_2024();
        let non = parse_ok("a.zip!NonInteractiveSignIns_2026-09-01_2026-09-30.csv", &text);
        assert!(non.sign_ins.iter().all(|s| s.interactive == Some(false)));
        let unknown = parse_ok("signins.csv", &text);
        assert!(unknown.sign_ins.iter().all(|s| s.interactive.is_none()));
    }

    #[test]
    fn an_older_layout_with_us_locale_dates() {
        let text = "CreatedDateTime,Id,UserPrincipalName,UserDisplayName,AppDisplayName,ClientAppUsed,Status,IsInteractive,Authentication requirement\n\
            3/12/2025 7:22:01 AM,r-1,dave@fabrikam.com,Dave,Outlook,POP3,Success,False,Single-factor authentication\n\
            12/1/2025 11:05:00 PM,r-2,erin@fabrikam.com,Erin,Teams,Browser,Interrupted,True,\n";
        assert_eq!(sniff_file(text.as_bytes()), Some(SignInLayout::PortalCsv));
        let parsed = parse_ok("InteractiveSignIns.csv", text);
        assert_eq!(parsed.diagnostics, []);
        let dave = &parsed.sign_ins[0];
        assert_eq!(dave.time, at("2025-03-12T07:22:01Z"));
        assert_eq!((dave.client_app.as_deref(), dave.app.as_deref()), (Some("POP3"), Some("Outlook")));
        // The column says non-interactive; it outranks the file name.
        assert_eq!((dave.interactive, dave.auth_requirement), (Some(false), AuthRequirement::SingleFactor));
        let erin = &parsed.sign_ins[1];
        assert_eq!(erin.time, at("2025-12-01T23:05:00Z"));
        assert_eq!(
            (erin.status, erin.interactive, erin.auth_requirement),
            (SignInStatus::Interrupted, Some(true), AuthRequirement::Unknown)
        );
        assert_eq!((erin.user_principal_name.as_str(), erin.locator), ("erin@fabrikam.com", 3));
    }

    #[test]
    fn duplicate_and_oddly_spaced_headers_and_a_user_column_that_is_a_upn() {
        // No `Username`: `User` is used because it holds UPNs. `  STATUS ` and `client   app` match by
        // squashed name; the second `Client app` (a decoy) is ignored.
        let text = "\" date  (utc) \",\"REQUEST id\",\"User\",\"  STATUS \",\"client   app\",\"Client app\",\"Application\",\"Home Tenant ID\",\"Resource tenant ID\"\n\
            \"2026-01-02T03:04:05Z\",\"q-1\",\"frank@contoso.com\",\"success\",\"Exchange ActiveSync\",\"Browser\",\"Mail\",\"\",\"rt-1\"\n\
            \"2026-01-02T03:04:06Z\",\"q-2\",\"Frank Display Name\",\"Success\",\"Browser\",\"x\",\"Mail\",\"ht-2\",\"rt-2\"\n";
        assert_eq!(sniff_file(text.as_bytes()), Some(SignInLayout::PortalCsv));
        let parsed = parse_ok("signins.csv", text);
        assert_eq!((parsed.records_read, parsed.records_rejected, parsed.sign_ins.len()), (2, 1, 1));
        let frank = &parsed.sign_ins[0];
        assert_eq!((frank.user_principal_name.as_str(), frank.status), ("frank@contoso.com", SignInStatus::Success));
        assert_eq!(frank.client_app.as_deref(), Some("Exchange ActiveSync"));
        // The home tenant cell is empty: the resource tenant stands in.
        assert_eq!(frank.tenant_id.as_deref(), Some("rt-1"));
        let problem = &parsed.diagnostics[0];
        assert_eq!(problem.locator.as_deref(), Some("line 3"));
        assert_eq!(problem.message, "no User; record skipped");
    }

    #[test]
    fn a_bad_row_among_good_ones_is_reported_with_its_line() {
        let text = "\u{feff}\"Date (UTC)\",\"Request ID\",\"Username\",\"Status\",\"Client app\"\n\
            \"2026-09-01T00:00:00Z\",\"a\",\"u1@x.com\",\"Success\",\"Browser\"\n\
            \n\
            \"not a date\",\"b\",\"u2@x.com\",\"Success\",\"Browser\"\n\
            \"2026-09-01T00:00:02Z\",\"\",\"u3@x.com\",\"Success\",\"Browser\"\n\
            \"2026-09-01T00:00:03Z\",\"multi\nline\",\"u4@x.com\",\"Failure\",\"Browser\"\n\
            \"2026-09-01T00:00:04Z\",\"e\",\"u5@x.com\"\n";
        let parsed = parse_ok("s.csv", text);
        assert_eq!((parsed.records_read, parsed.records_rejected), (5, 2));
        let kept: Vec<(&str, u64)> = parsed.sign_ins.iter().map(|s| (s.id.as_str(), s.locator)).collect();
        // Line 3 is blank; the quoted id on line 6 spans two lines, so the short row is on line 8.
        assert_eq!(kept, [("a", 2), ("multi\nline", 6), ("e", 8)]);
        assert_eq!(parsed.sign_ins[2].status, SignInStatus::Unknown);
        let located: Vec<(Option<&str>, &str)> =
            parsed.diagnostics.iter().map(|d| (d.locator.as_deref(), d.message.as_str())).collect();
        assert_eq!(
            located,
            [
                (
                    Some("line 4"),
                    "Date (UTC) 'not a date' is not a date (ISO 8601, or M/D/YYYY h:mm:ss AM/PM in UTC); record skipped"
                ),
                (Some("line 5"), "no Request ID; record skipped"),
            ]
        );
        assert!(parsed.diagnostics.iter().all(|d| d.file == "s.csv"));
    }

    #[test]
    fn log_analytics_csv_with_status_as_json_and_result_type() {
        let text = "TenantId,TimeGenerated [UTC],Id,UserPrincipalName,ResultType,Status,AppDisplayName,ClientAppUsed,AuthenticationRequirement\n\
            t-1,2026-02-03T04:05:06.789Z,la-1,gina@x.com,0,\"{\"\"errorCode\"\":0,\"\"failureReason\"\":\"\"Other.\"\"}\",Teams,Browser,multiFactorAuthentication\n\
            t-1,2026-02-03T04:05:07Z,la-2,gina@x.com,50126,,Teams,Browser,singleFactorAuthentication\n";
        assert_eq!(sniff_file(text.as_bytes()), Some(SignInLayout::PortalCsv));
        let parsed = parse_ok("query_data.csv", text);
        assert_eq!(parsed.diagnostics, []);
        let got: Vec<_> =
            parsed.sign_ins.iter().map(|s| (s.status, s.auth_requirement, s.tenant_id.as_deref())).collect();
        assert_eq!(
            got,
            [
                (SignInStatus::Success, AuthRequirement::MultiFactor, Some("t-1")),
                (SignInStatus::Failure, AuthRequirement::SingleFactor, Some("t-1")),
            ]
        );
        assert_eq!(parsed.sign_ins[0].time, at("2026-02-03T04:05:06.789Z"));
    }

    #[test]
    fn a_header_without_the_needed_columns_is_an_error_naming_them() {
        let text = "\"Date (UTC)\",\"Correlation ID\",\"User\",\"Status\"\n\"2026-01-01T00:00:00Z\",\"c\",\"Ann\",\"Success\"\n";
        let error = parse_file("old.csv", text.as_bytes(), SignInLayout::PortalCsv).unwrap_err();
        assert_eq!(
            error,
            SignInError::MissingColumns {
                file: "old.csv".into(),
                missing: vec!["request id column ('Request ID' or 'Id')".into()],
            }
        );
        let message = error.to_string();
        assert!(message.starts_with("old.csv: the CSV header has no request id column"), "{message}");
        let error = parse_file("x.csv", b"a,b\n1,2\n", SignInLayout::PortalCsv).unwrap_err();
        let SignInError::MissingColumns { missing, .. } = error else { panic!("{error:?}") };
        assert_eq!(missing.len(), 3);
    }

    #[test]
    fn sniffing_csv_headers() {
        // The portal's users CSV has a date, an id and a UPN too, but no sign-in column.
        let users = "userPrincipalName,displayName,surname,mail,givenName,id,userType,jobTitle,department,accountEnabled,usageLocation,creationType,directorySynced,invitationState,identityIssuer,createdDateTime\n";
        assert_eq!(sniff_file(users.as_bytes()), None);
        // The auth-details companion export has a request id but no date or user.
        let details = "\"Request ID\",\"Authentication method\",\"Authentication method detail\",\"Requirement\",\"Succeeded\",\"Result detail\"\n";
        assert_eq!(sniff_file(details.as_bytes()), None);
        let credential_report = "user,arn,user_creation_time,password_enabled,mfa_active\n";
        assert_eq!(sniff_file(credential_report.as_bytes()), None);
        assert_eq!(sniff_file(b"Date,Id,User,Status,Client app\n"), Some(SignInLayout::PortalCsv));
        assert_eq!(sniff_file(b"Date,Id,User,Status\n"), None);
    }

    #[test]
    fn upn_shapes() {
        assert!(looks_like_upn("a.b@contoso.onmicrosoft.com"));
        assert!(!looks_like_upn("Alice Example"));
        assert!(!looks_like_upn("Alice @ Example.com"));
        assert!(!looks_like_upn("@contoso.com"));
        assert!(!looks_like_upn("alice@localhost"));
    }

    #[test]
    fn garbage_never_panics() {
        for text in
            [&b"\xff\xfe\x00\"\""[..], b"\"", b"Date,Id,Username\n\"", b"Date,Id,Username\n,,,,,,,\n\xff,\xff,\xff\n"]
        {
            let _ = parse_file("g.csv", text, SignInLayout::PortalCsv);
            let _ = sniff_file(text);
        }
        let parsed = parse_file("g.csv", b"Date,Id,Username\n\xff,\xff,\xff\n", SignInLayout::PortalCsv).unwrap();
        assert_eq!((parsed.records_read, parsed.records_rejected), (1, 1));
    }
}
