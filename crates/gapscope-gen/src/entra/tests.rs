//! The generator's promises, checked by reading back what it wrote with the csv crate and serde_json
//! alone: the portal header verbatim, exact row counts, the designed cases' verdicts, coverage gaps,
//! duplicates across files, and output that is a pure function of the arguments.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::time::Instant;

use clap::Parser;
use serde_json::Value;

use super::{EntraArgs, run};

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    args: EntraArgs,
}

/// The header line of `shared/formats/entra.md`, copied from the spec (not from the generator).
const SPEC_HEADER: &str = r#""Date (UTC)","Request ID","User agent","Correlation ID","User ID","User","Username","User type","Cross tenant access type","Incoming token type","Authentication Protocol","Unique token identifier","Original transfer method","Client credential type","Token Protection - Sign In Session","Token Protection - Sign In Session StatusCode","Application","Application ID ","Resource","Resource ID ","Resource tenant ID","Home tenant ID","Home tenant name","IP address","Location","Status","Sign-in error code","Failure reason","Client app","Device ID","Browser","Operating System","Compliant","Managed","Join Type","Multifactor authentication result","Multifactor authentication auth method","Multifactor authentication auth detail","Authentication requirement","Sign-in identifier","Session ID","IP address (seen by resource)","Through Global Secure Access","Global Secure Access IP address","Autonomous system  number","Flagged for review","Token issuer type","Incoming token type","Token issuer name","Latency","Conditional Access","Managed Identity type","Associated Resource Id","Federated Token Id","Federated Token Issuer""#;

const CSV: &str = "InteractiveSignIns_2026-09-01_2026-09-30.csv";

fn generate(out: &Path, extra: &[&str]) -> anyhow::Result<()> {
    let mut argv = vec!["gen".to_owned(), "--out".to_owned(), out.display().to_string()];
    argv.extend(extra.iter().map(|s| (*s).to_owned()));
    run(&Wrapper::try_parse_from(argv)?.args)
}

fn planted(out: &Path) -> Value {
    serde_json::from_slice(&fs::read(out.join("planted.json")).unwrap()).unwrap()
}

/// (check, resource) → status, from planted.json's results.
fn verdicts(doc: &Value) -> BTreeMap<(String, String), String> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_owned();
            ((s("check"), s("resource")), s("status"))
        })
        .collect()
}

/// Holds every designed case of planted.json to the oracle's results; returns how many there are.
fn assert_cases(doc: &Value) -> usize {
    let got = verdicts(doc);
    let cases = doc["planted"].as_array().unwrap();
    for case in cases {
        let (check, resource) = (case["check"].as_str().unwrap(), case["resource"].as_str().unwrap());
        assert!(!resource.ends_with('?'), "case {case} names nothing the generator made");
        let status = got.get(&(check.to_owned(), resource.to_owned())).map(String::as_str);
        match case["expect"].as_str().unwrap() {
            "absent" => assert_eq!(status, None, "{case}"),
            expect => assert_eq!(status, Some(expect), "{case}"),
        }
    }
    cases.len()
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    let bytes = fs::read(path).unwrap();
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).expect("the CSV starts with a UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new().from_reader(body);
    reader.records().map(Result::unwrap).collect()
}

#[test]
fn same_arguments_give_the_same_bytes_and_another_seed_does_not() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let options = ["--seed", "9", "--users", "25", "--gap", "2026-09-05..2026-09-06"];
    generate(a.path(), &options).unwrap();
    generate(b.path(), &options).unwrap();
    let names: BTreeSet<String> =
        fs::read_dir(a.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names.len(), 11, "{names:?}");
    for name in &names {
        assert_eq!(fs::read(a.path().join(name)).unwrap(), fs::read(b.path().join(name)).unwrap(), "{name} differs");
    }
    generate(c.path(), &["--seed", "10", "--users", "25", "--gap", "2026-09-05..2026-09-06"]).unwrap();
    assert_ne!(fs::read(a.path().join(CSV)).unwrap(), fs::read(c.path().join(CSV)).unwrap());
}

#[test]
fn csv_header_is_the_2024_portal_header_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--users", "3"]).unwrap();
    let text = fs::read_to_string(dir.path().join(CSV)).unwrap();
    let first = text.lines().next().unwrap();
    assert_eq!(first, format!("\u{feff}{SPEC_HEADER}"));
    // Hold the header to the spec as well (its excerpt vendored with the tests).
    let spec = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/formats/entra.md"))
        .unwrap();
    let line = spec.lines().find(|l| l.starts_with("\"Date (UTC)\"")).unwrap();
    assert_eq!(first.trim_start_matches('\u{feff}'), line);
    let rows = csv_rows(&dir.path().join(CSV));
    assert!(rows.iter().all(|r| r.len() == 55));
    // Every field quoted: a data line begins and ends with a quote and has 55 quoted fields.
    let line = text.lines().nth(1).unwrap();
    assert!(line.starts_with("\"20") && line.ends_with('"') && line.matches("\",\"").count() == 54);
}

#[test]
fn designed_cases_get_their_intended_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &[]).unwrap();
    let doc = planted(dir.path());
    let got = verdicts(&doc);
    assert_eq!(assert_cases(&doc), 43);
    // The checks of the issue, each with at least one verdict.
    let checks: BTreeSet<&str> = got.keys().map(|(c, _)| c.as_str()).collect();
    assert_eq!(checks.len(), 10, "{checks:?}");
    let tenant = doc["tenant"].as_str().unwrap();
    let at = |check: &str, r: &str| got.get(&(check.to_owned(), r.to_owned())).cloned();
    assert_eq!(at("entra.ca.legacy_auth_blocked", tenant).as_deref(), Some("fail"));
    assert_eq!(at("entra.roles.global_admin_count", tenant).as_deref(), Some("fail"));
    assert_eq!(doc["admins_not_registered"], serde_json::json!(["useradmin.nomfa@contoso.example"]));
    assert_eq!(doc["ca_mfa_exclusions"], serde_json::json!(["break.glass@contoso.example"]));
    assert_eq!(doc["global_admins"].as_array().unwrap().len(), 5);
    // The registration export says isAdmin for the unregistered administrator.
    let regs: Value =
        serde_json::from_slice(&fs::read(dir.path().join("userRegistrationDetails.json")).unwrap()).unwrap();
    let admin =
        regs["value"].as_array().unwrap().iter().find(|r| r["userPrincipalName"] == "useradmin.nomfa@contoso.example");
    assert_eq!(admin.map(|r| (&r["isAdmin"], &r["isMfaRegistered"])), Some((&Value::Bool(true), &Value::Bool(false))));
}

#[test]
fn options_flip_the_tenant_wide_verdicts() {
    for (options, check, expect) in [
        (vec!["--ca-legacy-enforced"], "entra.ca.legacy_auth_blocked", "pass"),
        (vec!["--ca-mfa-report-only"], "entra.ca.mfa_all_users", "fail"),
        (vec!["--global-admins", "1"], "entra.roles.global_admin_count", "fail"),
        (vec!["--global-admins", "2"], "entra.roles.global_admin_count", "pass"),
        (vec!["--global-admins", "4"], "entra.roles.global_admin_count", "pass"),
        (vec!["--global-admins", "0"], "entra.roles.global_admin_count", "fail"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut argv = vec!["--users", "2"];
        argv.extend(&options);
        generate(dir.path(), &argv).unwrap();
        let doc = planted(dir.path());
        let tenant = doc["tenant"].as_str().unwrap().to_owned();
        assert_eq!(verdicts(&doc).get(&(check.to_owned(), tenant)).map(String::as_str), Some(expect), "{options:?}");
        let roles: Value = serde_json::from_slice(&fs::read(dir.path().join("directoryRoles.json")).unwrap()).unwrap();
        if let [_, n] = options.as_slice() {
            let ga = roles["value"].as_array().unwrap().iter().find(|r| r["displayName"] == "Global Administrator");
            assert_eq!(ga.unwrap()["members"].as_array().unwrap().len(), n.parse::<usize>().unwrap());
        }
    }
}

#[test]
fn gaps_hold_no_sign_ins_and_coverage_says_so() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--users", "10", "--gap", "2026-09-10..2026-09-12", "--gap", "2026-09-30"]).unwrap();
    let doc = planted(dir.path());
    let expected_gaps = serde_json::json!([["2026-09-10", "2026-09-12"], ["2026-09-30", "2026-09-30"]]);
    let kinds: Vec<&str> = doc["signin_days"].as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["interactive", "nonInteractive"]);
    for kind in doc["signin_days"].as_array().unwrap() {
        assert_eq!(kind["gaps"], expected_gaps, "{}", kind["kind"]);
        assert_eq!((kind["days_in_period"].as_u64(), kind["days_covered"].as_u64()), (Some(30), Some(26)));
    }
    let in_gap = |date: &str| ("2026-09-10".."2026-09-13").contains(&date) || date.starts_with("2026-09-30");
    let rows = csv_rows(&dir.path().join(CSV));
    assert!(!rows.is_empty() && rows.iter().all(|r| !in_gap(&r[0])));
    let non: Value =
        serde_json::from_slice(&fs::read(dir.path().join("NonInteractiveSignIns_2026-09-01_2026-09-30.json")).unwrap())
            .unwrap();
    let non = non["value"].as_array().unwrap();
    assert!(!non.is_empty() && non.iter().all(|s| !in_gap(s["createdDateTime"].as_str().unwrap())));
    assert!(non.iter().all(|s| s["isInteractive"] == Value::Bool(false)));
}

#[test]
fn one_sign_in_is_in_both_the_csv_and_the_ndjson_and_broken_json_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--users", "5"]).unwrap();
    let doc = planted(dir.path());
    let csv_ids: BTreeSet<String> = csv_rows(&dir.path().join(CSV)).iter().map(|r| r[1].to_owned()).collect();
    let ndjson = fs::read_to_string(dir.path().join("signins-loganalytics.ndjson")).unwrap();
    let nd_ids: BTreeSet<String> = ndjson
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["Properties"]["Id"].as_str().unwrap().to_owned())
        .collect();
    let both: Vec<String> = csv_ids.intersection(&nd_ids).cloned().collect();
    assert_eq!(both.len(), 1);
    assert_eq!(doc["signins"]["duplicate_ids"], serde_json::json!(both));
    assert_eq!(doc["signins"]["csv_rows"].as_u64(), Some(csv_ids.len() as u64));
    assert_eq!(doc["signins"]["distinct_interactive"].as_u64(), Some(csv_ids.union(&nd_ids).count() as u64));
    for name in ["users.json", "userRegistrationDetails.json", "conditionalAccessPolicies.json", "applications.json"] {
        let v: Value = serde_json::from_slice(&fs::read(dir.path().join(name)).unwrap()).unwrap();
        assert!(v["value"].is_array(), "{name}");
    }
    assert!(serde_json::from_slice::<Value>(&fs::read(dir.path().join("broken.json")).unwrap()).is_err());
    // signInActivity: null for some users, an object for others.
    let users: Value = serde_json::from_slice(&fs::read(dir.path().join("users.json")).unwrap()).unwrap();
    let activity: Vec<&Value> = users["value"].as_array().unwrap().iter().map(|u| &u["signInActivity"]).collect();
    assert!(activity.iter().any(|a| a.is_null()) && activity.iter().any(|a| a.is_object()));
}

#[test]
fn bad_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = generate(dir.path(), &["--signins", "3"]).unwrap_err();
    assert!(err.to_string().contains("planted cases alone need"), "{err}");
    assert!(generate(dir.path(), &["--gap", "2026-08-30..2026-09-02"]).is_err());
    assert!(generate(dir.path(), &["--gap", "2026-09-01..2026-09-30"]).is_err());
    assert!(generate(dir.path(), &["--as-of", "2026-09-30T12:00:00Z"]).is_err());
    assert!(generate(dir.path(), &["--tenant", "not-a-guid"]).is_err());
    fs::write(dir.path().join("x"), b"").unwrap();
    assert!(generate(dir.path(), &[]).unwrap_err().to_string().contains("not empty"));
}

#[test]
fn exact_row_count_for_the_benchmark() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    generate(dir.path(), &["--signins", "500000", "--only-signins-csv"]).unwrap();
    let elapsed = started.elapsed();
    let names: BTreeSet<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names, BTreeSet::from([CSV.to_owned(), "planted.json".to_owned()]));
    let bytes = fs::read(dir.path().join(CSV)).unwrap();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(lines, 500_001, "header plus 500,000 rows, none with an embedded newline");
    let doc = planted(dir.path());
    assert_eq!(doc["signins"]["csv_rows"].as_u64(), Some(500_000));
    // Only the sign-in checks have evidence here.
    assert!(verdicts(&doc).keys().all(|(c, _)| c.starts_with("entra.signin.")));
    assert_eq!(assert_cases(&doc), 8);
    if !cfg!(debug_assertions) {
        assert!(elapsed.as_secs() < 30, "500,000 rows took {elapsed:?}");
    }
}
