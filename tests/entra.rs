//! Entra ID end to end: exports written by the project's generator (compared with its oracle), the
//! Graph registration page written from the format notes, the exact 2024 portal CSV header, Log Analytics NDJSON.

use std::path::Path;

use serde_json::Value;

use crate::common;
use crate::common::{analyze, crate_dir, results, status_of};

fn generate(dir: &Path, extra: &[&str]) -> Value {
    common::gapscope_gen(&[&["entra", "--out", dir.to_str().unwrap()], extra].concat());
    serde_json::from_slice(&std::fs::read(dir.join("planted.json")).unwrap()).unwrap()
}

fn entra_triples(results: &[Value]) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = results
        .iter()
        .filter(|r| r["check"].as_str().unwrap().starts_with("entra."))
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("check"), s("resource"), s("status"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn generated_exports_give_the_oracles_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("entra");
    let planted = generate(&evidence, &[]);
    // The oracle measures from the generator's as-of; without --as-of gapscope would use the newest
    // timestamp in the exports (tested below).
    let as_of = planted["as_of"].as_str().unwrap();
    let (findings, manifest, _, _, _out) = analyze(&[&evidence], &["--as-of", as_of]);
    let expected = entra_triples(planted["results"].as_array().unwrap());
    assert!(!expected.is_empty());
    let got = entra_triples(results(&findings));
    let missing: Vec<_> = expected.iter().filter(|t| !got.contains(t)).collect();
    let extra: Vec<_> = got.iter().filter(|t| !expected.contains(t)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "expected but not found: {missing:#?}\nfound but not expected: {extra:#?}"
    );

    // The invalid file is listed with the reason; everything else was still analysed.
    let broken = common::manifest_entry(&manifest, "broken.json");
    assert_eq!(broken["used"], false);
    assert!(broken["reason"].as_str().unwrap().contains("invalid JSON"), "{broken}");

    // Sign-in coverage per kind, next to CloudTrail's in coverage[].
    let coverage: Vec<&Value> =
        findings["coverage"].as_array().unwrap().iter().filter(|c| c["source"] == "entra-signins").collect();
    let kinds: Vec<&str> = coverage.iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"interactive") && kinds.contains(&"non-interactive"), "{kinds:?}");
}

#[test]
fn enforcing_the_legacy_block_and_fewer_admins_flip_the_tenant_checks() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("entra");
    let planted = generate(&evidence, &["--ca-legacy-enforced", "--global-admins", "3"]);
    let (findings, _, _, _, _out) = analyze(&[&evidence], &[]);
    // No --as-of: the newest timestamp among the Entra exports, a sign-in on the period's last day.
    let as_of = findings["as_of"].as_str().unwrap();
    assert!(as_of.starts_with("2026-09-30T"), "as-of {as_of}");
    let tenant = planted["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == "entra.ca.legacy_auth_blocked")
        .unwrap()["resource"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(status_of(&findings, "entra.ca.legacy_auth_blocked", &tenant), "pass");
    assert_eq!(status_of(&findings, "entra.roles.global_admin_count", &tenant), "pass");
}

#[test]
fn graph_registration_page() {
    // Written from the format notes (tests/fixtures/README.md); Microsoft's docs example is not vendored.
    let sample = crate_dir().join("tests/fixtures/entra/userRegistrationDetails.json");
    let (findings, _, _, _, _out) = analyze(&[&sample], &[]);
    let check = "entra.users.mfa_registration";
    assert_eq!(status_of(&findings, check, "ines.moreau@northwind.example"), "pass");
    assert_eq!(status_of(&findings, check, "tomas.berg@northwind.example"), "fail");
    assert_eq!(status_of(&findings, check, "amara.okafor@northwind.example"), "pass");
}

/// The 2024 portal header, verbatim from the formats file (excerpt vendored in tests/fixtures/formats).
fn portal_header() -> String {
    let doc = std::fs::read_to_string(crate_dir().join("tests/fixtures/formats/entra.md")).unwrap();
    doc.lines().find(|l| l.starts_with("\"Date (UTC)\",\"Request ID\"")).unwrap().to_string()
}

fn portal_row(header: &str, values: &[(&str, &str)]) -> String {
    let columns: Vec<&str> = header.split("\",\"").map(|c| c.trim_matches('"')).collect();
    columns
        .iter()
        .map(|c| {
            let v = values.iter().find(|(k, _)| k == c).map_or("", |(_, v)| v);
            format!("\"{v}\"")
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn portal_csv_with_the_2024_header_and_ndjson_with_properties() {
    let header = portal_header();
    assert_eq!(header.matches("\",\"").count() + 1, 55);
    let row = |id: &str, user: &str, status: &str, client: &str, req: &str| {
        portal_row(
            &header,
            &[
                ("Date (UTC)", "2026-09-14T08:02:11Z"),
                ("Request ID", id),
                ("Username", user),
                ("User type", "Member"),
                ("Status", status),
                ("Client app", client),
                ("Authentication requirement", req),
                ("Application", "Office 365 Exchange Online"),
                ("Home tenant ID", "11111111-2222-3333-4444-555555555555"),
            ],
        )
    };
    let csv = [
        format!("\u{feff}{header}"),
        row("a1", "mfa@contoso.com", "Success", "Browser", "Multifactor authentication"),
        row("a2", "legacy@contoso.com", "Success", "IMAP4", "Single-factor authentication"),
        row("a3", "tried@contoso.com", "Failure", "Browser", "Single-factor authentication"),
    ]
    .join("\r\n");
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("exports");
    std::fs::create_dir_all(&evidence).unwrap();
    std::fs::write(evidence.join("InteractiveSignIns_2026-09-01_2026-09-30.csv"), csv).unwrap();
    // Log Analytics: Graph fields under `properties`, PascalCase; a2 again (counted once).
    let ndjson = [
        r#"{"TimeGenerated":"2026-09-15T09:00:00Z","TenantId":"11111111-2222-3333-4444-555555555555","Properties":{"Id":"b1","CreatedDateTime":"2026-09-15T09:00:00Z","UserPrincipalName":"pop@contoso.com","ClientAppUsed":"POP3","ResultType":"0","AuthenticationRequirement":"singleFactorAuthentication","IsInteractive":true}}"#,
        r#"{"TimeGenerated":"2026-09-14T08:02:11Z","TenantId":"11111111-2222-3333-4444-555555555555","Properties":{"Id":"a2","CreatedDateTime":"2026-09-14T08:02:11Z","UserPrincipalName":"legacy@contoso.com","ClientAppUsed":"IMAP4","ResultType":"0","AuthenticationRequirement":"singleFactorAuthentication","IsInteractive":true}}"#,
    ]
    .join("\n");
    std::fs::write(evidence.join("signins.ndjson"), ndjson).unwrap();

    let (findings, manifest, _, _, _out) = analyze(&[&evidence], &[]);
    let single = "entra.signin.single_factor";
    let legacy = "entra.signin.legacy_auth";
    assert_eq!(status_of(&findings, single, "mfa@contoso.com"), "pass");
    assert_eq!(status_of(&findings, single, "legacy@contoso.com"), "fail");
    assert_eq!(status_of(&findings, legacy, "legacy@contoso.com"), "fail");
    assert_eq!(status_of(&findings, legacy, "pop@contoso.com"), "fail");
    assert_eq!(status_of(&findings, legacy, "mfa@contoso.com"), "pass");
    assert!(
        !results(&findings).iter().any(|r| r["resource"] == "tried@contoso.com"),
        "a user with only failed sign-ins is in no sign-in check"
    );
    let detail = results(&findings)
        .iter()
        .find(|r| r["check"] == single && r["resource"] == "legacy@contoso.com")
        .unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(detail.starts_with("1 of 1 successful interactive sign-ins"), "{detail}");
    for name in ["InteractiveSignIns_2026-09-01_2026-09-30.csv", "signins.ndjson"] {
        assert_eq!(common::manifest_entry(&manifest, name)["used"], true, "{name}");
    }
    let notes = findings["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("counted once")), "{notes:?}");
}
