use super::super::{SignInError, SignInFile, SignInLayout, parse, sniff};
use crate::formats::entra::model::{AuthRequirement, SignIn, SignInStatus};
use crate::timefmt::parse_timestamp;

fn at(s: &str) -> crate::timefmt::Instant {
    parse_timestamp(s).unwrap()
}

fn parse_ok(file: &str, text: &str, layout: SignInLayout) -> SignInFile {
    parse(file, text.as_bytes(), layout).unwrap()
}

/// (locator, message) of each diagnostic.
fn problems(parsed: &SignInFile) -> Vec<(Option<&str>, &str)> {
    parsed.diagnostics.iter().map(|d| (d.locator.as_deref(), d.message.as_str())).collect()
}

const PAGE: &str = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns",
  "value": [
    {"id": "g-1", "createdDateTime": "2026-09-14T08:02:11Z", "userDisplayName": "Alice",
     "userPrincipalName": "alice@contoso.com", "userId": "uid-a", "userType": "Member",
     "appId": "00000002-0000-0ff1-ce00-000000000000", "appDisplayName": "Office 365 Exchange Online",
     "ipAddress": "203.0.113.7", "clientAppUsed": "Browser", "isInteractive": true,
     "authenticationRequirement": "multiFactorAuthentication",
     "authenticationDetails": [{"authenticationMethod": "Password", "succeeded": true}],
     "status": {"errorCode": 0, "failureReason": "Other.", "additionalDetails": null},
     "location": {"city": "Oslo", "countryOrRegion": "NO"},
     "homeTenantId": "home-t", "resourceTenantId": "res-t"},
    {"id": "g-2", "createdDateTime": "2026-09-14T09:00:00.1234567Z", "userPrincipalName": "bob@contoso.com",
     "appDisplayName": "Office 365 Exchange Online", "clientAppUsed": "IMAP4", "isInteractive": "false",
     "authenticationRequirement": "singleFactorAuthentication", "status": {"errorCode": 50126},
     "resourceTenantId": "res-t", "userId": 42, "userType": null},
    {"id": "g-3", "createdDateTime": "2026-09-14T10:00:00Z", "userPrincipalName": "carol@contoso.com",
     "clientAppUsed": ["not", "text"], "isInteractive": null, "authenticationRequirement": 7}
  ],
  "@odata.nextLink": "https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=abc"
}"#;

#[test]
fn a_graph_page_streams_its_records_and_notes_the_next_page() {
    assert_eq!(sniff(PAGE.as_bytes()), Some(SignInLayout::GraphJson));
    let parsed = parse_ok("graph/signins-page1.json", PAGE, SignInLayout::GraphJson);
    assert_eq!((parsed.records_read, parsed.records_rejected), (3, 0));
    assert_eq!(
        parsed.sign_ins[0],
        SignIn {
            id: "g-1".into(),
            time: at("2026-09-14T08:02:11Z"),
            user_principal_name: "alice@contoso.com".into(),
            user_id: Some("uid-a".into()),
            user_type: Some("Member".into()),
            app: Some("Office 365 Exchange Online".into()),
            client_app: Some("Browser".into()),
            interactive: Some(true),
            status: SignInStatus::Success,
            auth_requirement: AuthRequirement::MultiFactor,
            tenant_id: Some("home-t".into()),
            locator: 1,
        }
    );
    let bob = &parsed.sign_ins[1];
    assert_eq!((bob.status, bob.auth_requirement), (SignInStatus::Failure, AuthRequirement::SingleFactor));
    assert_eq!((bob.interactive, bob.client_app.as_deref()), (Some(false), Some("IMAP4")));
    // A number where text belongs and null read as absent; the resource tenant stands in for the home one.
    assert_eq!((bob.user_id.as_deref(), bob.user_type.as_deref()), (None, None));
    assert_eq!((bob.tenant_id.as_deref(), bob.locator), (Some("res-t"), 2));
    assert_eq!(bob.time, at("2026-09-14T09:00:00.1234567Z"));
    let carol = &parsed.sign_ins[2];
    assert_eq!((carol.status, carol.auth_requirement), (SignInStatus::Unknown, AuthRequirement::Unknown));
    assert_eq!((carol.client_app.as_deref(), carol.interactive, carol.app.as_deref()), (None, None, None));
    assert_eq!(
        problems(&parsed),
        [(
            Some("@odata.nextLink"),
            "this is one page of a longer Graph result: sign-ins on later pages are missing unless those pages are exported too"
        )]
    );
}

#[test]
fn a_bare_array_with_a_bom_and_records_to_reject() {
    let text = "\u{feff}\n[\n  {\"id\": \"p-1\", \"createdDateTime\": \"2026-03-01T00:00:00Z\", \"userPrincipalName\": \"dan@x.com\",\n   \"appDisplayName\": \"Teams\", \"clientAppUsed\": \"Mobile Apps and Desktop clients\", \"status\": {\"errorCode\": 0}},\n  {\"createdDateTime\": \"2026-03-01T00:00:01Z\", \"userPrincipalName\": \"dan@x.com\"},\n  {\"id\": \"p-3\", \"userPrincipalName\": \"dan@x.com\"},\n  {\"id\": \"p-4\", \"createdDateTime\": \"soon\", \"userPrincipalName\": \"dan@x.com\"},\n  {\"id\": \"p-5\", \"createdDateTime\": \"2026-03-01T00:00:05Z\"},\n  42,\n  {\"id\": \"p-7\", \"createdDateTime\": \"2026-03-01T00:00:07Z\", \"userPrincipalName\": \"erin@x.com\"}\n]\n";
    assert_eq!(sniff(text.as_bytes()), Some(SignInLayout::GraphJson));
    let parsed = parse_ok("NonInteractiveSignIns.json", text, SignInLayout::GraphJson);
    assert_eq!((parsed.records_read, parsed.records_rejected), (7, 5));
    let kept: Vec<(&str, u64, Option<bool>)> =
        parsed.sign_ins.iter().map(|s| (s.id.as_str(), s.locator, s.interactive)).collect();
    // No isInteractive in the records: the file name says non-interactive.
    assert_eq!(kept, [("p-1", 1, Some(false)), ("p-7", 7, Some(false))]);
    assert_eq!(
        problems(&parsed),
        [
            (Some("record 2"), "no id; record skipped"),
            (Some("record 3"), "no createdDateTime; record skipped"),
            (
                Some("record 4"),
                "createdDateTime 'soon' is not a date (ISO 8601, or M/D/YYYY h:mm:ss AM/PM in UTC); record skipped"
            ),
            (Some("record 5"), "no userPrincipalName; record skipped"),
            (Some("record 6"), "not a JSON object; record skipped"),
        ]
    );
}

#[test]
fn truncated_json_keeps_the_records_before_the_break() {
    let text = r#"{"value":[{"id":"t-1","createdDateTime":"2026-01-01T00:00:00Z","userPrincipalName":"a@x.com"},{"id":"t-2","createdDateTime":"2026-01-01T00:00:01Z","userPrincipalName":"b@x.com"},{"id":"t-3","create"#;
    let parsed = parse_ok("cut.json", text, SignInLayout::GraphJson);
    let ids: Vec<&str> = parsed.sign_ins.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["t-1", "t-2"]);
    // The broken third record counts as read and rejected.
    assert_eq!((parsed.records_read, parsed.records_rejected), (3, 1));
    let [(locator, message)] = problems(&parsed)[..] else { panic!("{:?}", parsed.diagnostics) };
    assert_eq!(locator, Some("record 3"));
    assert!(message.starts_with("the JSON ends early (line 1, column"), "{message}");
    assert!(
        message.ends_with("this record and anything after it are lost; the 2 records before it are used"),
        "{message}"
    );

    // Damage after the array costs no record.
    let text = r#"[{"id":"t-1","createdDateTime":"2026-01-01T00:00:00Z","userPrincipalName":"a@x.com"}] trailing"#;
    let parsed = parse_ok("tail.json", text, SignInLayout::GraphJson);
    assert_eq!((parsed.sign_ins.len(), parsed.records_read, parsed.records_rejected), (1, 1, 0));
    let [(None, message)] = problems(&parsed)[..] else { panic!("{:?}", parsed.diagnostics) };
    assert!(message.starts_with("invalid JSON at line 1, column"), "{message}");
    assert!(message.ends_with("after the records array; all 1 records are used"), "{message}");

    // An array cut before its first record: the file is still a sign-in export, with one record lost.
    let parsed = parse_ok("empty-cut.json", r#"{"value": ["#, SignInLayout::GraphJson);
    assert_eq!((parsed.sign_ins.len(), parsed.records_read, parsed.records_rejected), (0, 1, 1));
}

#[test]
fn a_file_broken_before_its_records_is_an_error() {
    let error = parse("bad.json", br#"{"@odata.context": "x", "val"#, SignInLayout::GraphJson).unwrap_err();
    let SignInError::Json { file, message } = &error else { panic!("{error:?}") };
    assert_eq!(file, "bad.json");
    assert!(message.contains("EOF"), "{message}");
    assert!(error.to_string().starts_with("bad.json: invalid JSON"), "{error}");

    let not = |text: &str| match parse("n.json", text.as_bytes(), SignInLayout::GraphJson) {
        Err(SignInError::NotSignIns { reason, .. }) => reason,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(not(r#"{"Records": []}"#), "the JSON object has no \"value\" array");
    assert_eq!(not(r#"{"value": {"id": 1}}"#), "\"value\" is an object, not an array of sign-ins");
    assert_eq!(not(r#"{"value": null}"#), "\"value\" is null, not an array");
    assert_eq!(not(r#""text""#), "the JSON is a string, not sign-in records");
    assert_eq!(not("12"), "the JSON is a number, not sign-in records");
}

#[test]
fn ndjson_from_azure_monitor_and_log_analytics() {
    // Line 1: Azure Monitor diagnostic-settings shape (Graph fields under `properties`, time with
    // seven fractional digits and an offset). Line 3: Log Analytics in PascalCase with ResultType as
    // text and Status as JSON text. Line 4: no id (correlation id used), category says non-interactive.
    let lines = [
        r#"{"time": "2022-01-24T05:10:08.6816663Z", "category": "SignInLogs", "tenantId": "top-t", "resultType": "50126", "correlationId": "c-1", "location": "NO", "properties": {"id": "m-1", "createdDateTime": "2022-01-24T05:10:08.6816663+00:00", "userPrincipalName": "gus@x.com", "userId": "uid-g", "appDisplayName": "Azure Portal", "status": {"errorCode": 0}, "clientAppUsed": "Browser", "isInteractive": true, "location": {"city": "Bergen"}, "authenticationRequirement": "singleFactorAuthentication", "homeTenantId": "home-t", "userType": "Member"}}"#,
        "",
        r#"{"TenantId": "la-t", "TimeGenerated": "2026-05-01T10:00:00Z", "Id": "la-1", "CreatedDateTime": "2026-05-01T09:59:58Z", "UserPrincipalName": "hal@x.com", "ResultType": "0", "Status": "{\"errorCode\":50074}", "AppDisplayName": "Teams", "ClientAppUsed": "Exchange ActiveSync", "IsInteractive": "True", "AuthenticationRequirement": "multiFactorAuthentication", "Type": "SigninLogs"}"#,
        r#"{"time": "5/2/2026 1:02:03 PM", "category": "NonInteractiveUserSignInLogs", "resultType": "0", "correlationId": "c-4", "properties": {"userPrincipalName": "ivy@x.com", "appDisplayName": "Outlook"}}"#,
        r#"{"Id": "bad", "CreatedDateTime": "2026-05-01T00:00:00Z", "#,
        r#"[1, 2]"#,
        r#"{"id": "x-7"} {"id": "x-8"}"#,
    ];
    let text = format!("\u{feff}{}\r\n", lines.join("\r\n"));
    assert_eq!(sniff(text.as_bytes()), Some(SignInLayout::Ndjson));
    let parsed = parse_ok("signinlogs.ndjson", &text, SignInLayout::Ndjson);
    assert_eq!((parsed.records_read, parsed.records_rejected), (6, 3));
    let gus = &parsed.sign_ins[0];
    assert_eq!(
        gus,
        &SignIn {
            id: "m-1".into(),
            time: at("2022-01-24T05:10:08.6816663Z"),
            user_principal_name: "gus@x.com".into(),
            user_id: Some("uid-g".into()),
            user_type: Some("Member".into()),
            app: Some("Azure Portal".into()),
            client_app: Some("Browser".into()),
            interactive: Some(true),
            // status.errorCode under properties outranks the top-level resultType.
            status: SignInStatus::Success,
            auth_requirement: AuthRequirement::SingleFactor,
            tenant_id: Some("home-t".into()),
            locator: 1,
        }
    );
    let hal = &parsed.sign_ins[1];
    assert_eq!((hal.id.as_str(), hal.locator, hal.time), ("la-1", 3, at("2026-05-01T09:59:58Z")));
    assert_eq!((hal.status, hal.auth_requirement), (SignInStatus::Failure, AuthRequirement::MultiFactor));
    assert_eq!((hal.interactive, hal.client_app.as_deref()), (Some(true), Some("Exchange ActiveSync")));
    assert_eq!((hal.tenant_id.as_deref(), hal.app.as_deref()), (Some("la-t"), Some("Teams")));
    let ivy = &parsed.sign_ins[2];
    assert_eq!((ivy.id.as_str(), ivy.locator, ivy.time), ("c-4", 4, at("2026-05-02T13:02:03Z")));
    assert_eq!((ivy.status, ivy.interactive, ivy.tenant_id.as_deref()), (SignInStatus::Success, Some(false), None));
    let located = problems(&parsed);
    assert_eq!(located.len(), 4, "{located:?}");
    assert_eq!(located[0].0, Some("line 5"));
    assert!(located[0].1.starts_with("invalid JSON at column "), "{}", located[0].1);
    assert!(located[0].1.ends_with("; line skipped"), "{}", located[0].1);
    assert_eq!(located[1], (Some("line 6"), "not a JSON object; line skipped"));
    assert_eq!(located[2].0, Some("line 7"));
    assert!(located[2].1.contains("trailing characters"), "{}", located[2].1);
    assert_eq!(
        located[3],
        (
            None,
            "1 sign-ins have no request id; their correlation id stands in for it, so sign-ins of one correlation may be counted once when files are merged"
        )
    );
}

#[test]
fn rejections_beyond_a_hundred_are_counted_not_listed() {
    let text = "{\"id\": 1}\n".repeat(150);
    let parsed = parse_ok("many.ndjson", &text, SignInLayout::Ndjson);
    assert_eq!((parsed.records_read, parsed.records_rejected), (150, 150));
    assert_eq!(parsed.diagnostics.len(), 101);
    assert_eq!(parsed.diagnostics[99].locator.as_deref(), Some("line 100"));
    assert_eq!(parsed.diagnostics[100].message, "50 more rejected records are not listed (150 rejected of 150 read)");
}

#[test]
fn sniffing_json() {
    let record = r#"{"id":"1","createdDateTime":"2026-01-01T00:00:00Z","userPrincipalName":"a@x.com","appDisplayName":"Teams","status":{"errorCode":0}}"#;
    // One-line page, bare array on one line, a single NDJSON line, two of them.
    assert_eq!(sniff(format!(r#"{{"value":[{record}]}}"#).as_bytes()), Some(SignInLayout::GraphJson));
    assert_eq!(sniff(format!("[{record}]").as_bytes()), Some(SignInLayout::GraphJson));
    assert_eq!(sniff(record.as_bytes()), Some(SignInLayout::Ndjson));
    assert_eq!(sniff(format!("{record}\n{record}\n").as_bytes()), Some(SignInLayout::Ndjson));
    // PascalCase and under `properties`.
    let pascal =
        r#"{"CreatedDateTime":"2026-01-01T00:00:00Z","ClientAppUsed":"Browser","IsInteractive":true,"Id":"1"}"#;
    assert_eq!(sniff(format!("{pascal}\n{pascal}").as_bytes()), Some(SignInLayout::Ndjson));
    let nested = r#"{"time":"2026-01-01T00:00:00Z","Properties":{"createdDateTime":"x","ipAddress":"1.2.3.4","authenticationRequirement":"y"}}"#;
    assert_eq!(sniff(nested.as_bytes()), Some(SignInLayout::Ndjson));
    // A page cut after its first record is still a page (only the first record is read).
    assert_eq!(sniff(format!(r#"{{"value":[{record},{{"id":"#).as_bytes()), Some(SignInLayout::GraphJson));
    // A one-line page longer than the NDJSON line bound is still found by its first record.
    let long = format!(r#"{{"value":[{record}],"pad":"{}"}}"#, "x".repeat(5 << 20));
    assert_eq!(sniff(long.as_bytes()), Some(SignInLayout::GraphJson));
    // An empty page says what it is only through @odata.context.
    let empty = r#"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns","value":[]}"#;
    assert_eq!(sniff(empty.as_bytes()), Some(SignInLayout::GraphJson));
    assert_eq!(sniff(br#"{"value":[]}"#), None);

    // A users export has userPrincipalName and createdDateTime but no sign-in field.
    let users = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[{"id":"u1","userPrincipalName":"a@x.com","accountEnabled":true,"createdDateTime":"2024-01-01T00:00:00Z","userType":"Member"}]}"#;
    assert_eq!(sniff(users.as_bytes()), None);
    // One sign-in field beside the date is not enough either.
    assert_eq!(sniff(br#"[{"createdDateTime":"x","status":"y","userPrincipalName":"a"}]"#), None);
    let cloudtrail = r#"{"Records":[{"eventVersion":"1.08","eventTime":"2026-01-01T00:00:00Z","eventName":"ConsoleLogin","status":"x","createdDateTime":"y"}]}"#;
    assert_eq!(sniff(cloudtrail.as_bytes()), None);
    // A pretty-printed single record is neither a page nor NDJSON.
    assert_eq!(sniff(format!("{{\n  \"value\": 1,\n{}", &record[1..]).as_bytes()), None);
    for bad in [&b"{"[..], b"[", b"[1,2]", b"{\"value\": 3}", b"null", b"{]", b"[[[[[[", b"\xff\xfe{"] {
        assert_eq!(sniff(bad), None, "{}", String::from_utf8_lossy(bad));
    }
    let registrations = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/entra/userRegistrationDetails.json");
    assert_eq!(sniff(&std::fs::read(registrations).unwrap()), None);
}

#[test]
fn garbage_never_panics() {
    let deep = "[".repeat(10_000);
    let inputs: [&[u8]; 9] = [
        b"",
        b"\xEF\xBB\xBF",
        b"{\"value\":[{\"status\":\"{\\\"errorCode\\\":\"}]}",
        b"{\"value\":[{\"properties\":{\"properties\":{\"id\":1}}}]}",
        b"{\"value\":[{\"id\":\"\\ud800\"}]}",
        deep.as_bytes(),
        b"\n\n\n",
        b"{\"createdDateTime\": 18446744073709551616, \"status\": -1e400}",
        b"\x00\x01\x02",
    ];
    for input in inputs {
        for layout in [SignInLayout::GraphJson, SignInLayout::Ndjson, SignInLayout::PortalCsv] {
            let _ = parse("g", input, layout);
        }
        let _ = sniff(input);
    }
}
