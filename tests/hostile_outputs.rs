//! Output safety against hostile evidence (issue 15, items 12, 13 and 15): values that would run as
//! spreadsheet formulas, file names that carry terminal escape sequences, and an output folder that
//! a failed or concurrent run must not leave half-written.

use std::fs::File;
use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

use crate::common;

/// What a spreadsheet starts a formula with (OWASP), tab/CR/LF, and one hidden behind a space.
const TRIGGERS: [&str; 8] = ["=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", "\n=3+3", " =1"];

/// Evidence whose accounts, regions, security-group ids and Entra UPNs start with each trigger, each
/// one failing a check so that it reaches gap-register.csv (and coverage.csv for the CloudTrail
/// account/region): root activity on days 1 and 3 of the period (a gap on day 2), SSH open to the
/// world, Entra members last active long before the export's newest date.
fn write_formula_evidence(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut records = Vec::new();
    for (i, t) in TRIGGERS.iter().enumerate() {
        for day in ["2026-09-01", "2026-09-03"] {
            records.push(json!({
                "eventVersion": "1.08",
                "userIdentity": {"type": "Root", "principalId": t, "arn": format!("arn:aws:iam::{t}:root"), "accountId": t},
                "eventTime": format!("{day}T10:00:00Z"),
                "eventSource": "s3.amazonaws.com",
                "eventName": "ListBuckets",
                "awsRegion": format!("{t}region"),
                "sourceIPAddress": "192.0.2.1",
                "eventID": format!("id-{i}-{day}"),
                "eventType": "AwsApiCall",
                "recipientAccountId": t,
            }));
        }
    }
    let write = |name: &str, value: Value| std::fs::write(dir.join(name), value.to_string()).unwrap();
    write("trail.json", json!({ "Records": records }));
    let mut users: Vec<Value> = TRIGGERS
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({"id": format!("u{i}"), "userPrincipalName": format!("{t}@contoso.example"), "displayName": t,
                   "userType": "Member", "accountEnabled": true, "createdDateTime": "2025-01-01T00:00:00Z"})
        })
        .collect();
    users.push(json!({"id": "now", "userPrincipalName": "now@contoso.example", "displayName": "Now",
                      "userType": "Member", "accountEnabled": true, "createdDateTime": "2026-09-30T00:00:00Z"}));
    write("users.json", json!({ "value": users }));
    let groups: Vec<Value> = TRIGGERS
        .iter()
        .map(|t| {
            json!({"GroupId": format!("{t}sg"), "GroupName": t, "OwnerId": "123456789012", "VpcId": "vpc-1",
                   "Description": "d", "IpPermissionsEgress": [],
                   "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]})
        })
        .collect();
    write("ec2-describe-security-groups-eu-west-1.json", json!({ "SecurityGroups": groups }));
}

fn analyze_into(evidence: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["analyze", evidence.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    common::run(&args)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    names_in(dir).into_iter().map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap())).collect()
}

#[test]
fn formula_injection_cells_from_evidence_are_quoted_in_every_csv() {
    let work = tempfile::tempdir().unwrap();
    let (evidence, out) = (work.path().join("evidence"), work.path().join("out"));
    write_formula_evidence(&evidence);
    let output = analyze_into(&evidence, &out, &["--format", "csv"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));

    let starts_formula = |cell: &str| {
        let rest = cell.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
        cell.starts_with(['\t', '\r', '\n']) || rest.starts_with(['=', '+', '-', '@'])
    };
    for (name, at_least) in [("gap-register.csv", 4 * TRIGGERS.len()), ("coverage.csv", 3 * TRIGGERS.len())] {
        let mut reader = csv::Reader::from_path(out.join(name)).unwrap();
        let mut quoted = 0;
        for record in reader.records() {
            let record = record.unwrap();
            for cell in &record {
                assert!(!starts_formula(cell), "{name}: a spreadsheet runs {cell:?}");
                quoted += usize::from(cell.starts_with('\''));
            }
        }
        // The hostile values did reach the file (as text): each trigger in each evidence kind.
        assert!(quoted >= at_least, "{name}: {quoted} quoted cells, expected at least {at_least}");
    }
    let register = std::fs::read_to_string(out.join("gap-register.csv")).unwrap();
    for quoted in ["'=1+1sg", "'@SUM(1)@contoso.example", "'-1/-1region", "'=3+3@contoso.example"] {
        assert!(register.contains(quoted), "gap-register.csv lacks {quoted:?}");
    }
    // Numbers are gapscope's own and stay numbers.
    let coverage = std::fs::read_to_string(out.join("coverage.csv")).unwrap();
    assert!(coverage.contains("'=1+1,'=1+1region,2026-09-02,0,0\n"), "{coverage}");
}

#[test]
fn terminal_escapes_in_evidence_file_names_are_shown_escaped() {
    let work = tempfile::tempdir().unwrap();
    let evidence = work.path().join("evidence");
    std::fs::create_dir(&evidence).unwrap();
    let hostile = "\u{1b}[2J\u{1b}]0;pwned\u{7}.csv";
    std::fs::write(evidence.join(hostile), "not evidence").unwrap();
    // A CloudTrail log with an unreadable record: a diagnostic that names the file.
    let damaged = "trail\u{1b}[31m\u{202e}.json";
    std::fs::write(
        evidence.join(damaged),
        r#"{"Records":[{"eventTime":"2026-09-01T00:00:00Z","eventName":"X","awsRegion":"eu-west-1","recipientAccountId":"123456789012","eventID":"a"},{"eventName":"Y"}]}"#,
    )
    .unwrap();
    let raw =
        |text: &str| text.chars().any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c));

    let inventory = common::run(&["inventory", evidence.to_str().unwrap()]);
    let stdout = String::from_utf8(inventory.stdout).unwrap();
    assert!(!raw(&stdout), "inventory printed control characters: {stdout:?}");
    assert!(stdout.contains("\\u{1b}[2J\\u{1b}]0;pwned\\u{7}.csv  unrecognised"), "{stdout}");
    assert!(stdout.contains("trail\\u{1b}[31m\\u{202e}.json: 1 records have no readable eventTime"), "{stdout}");

    // Not --quiet: the notes and the summary line, with an output folder named as hostilely.
    let out = work.path().join("out\u{1b}]0;x\u{7}");
    let analyzed = std::process::Command::new(env!("CARGO_BIN_EXE_gapscope"))
        .args(["analyze", evidence.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(analyzed.stderr).unwrap();
    assert_eq!(analyzed.status.code(), Some(0), "{stderr}");
    assert!(!raw(&stderr), "analyze printed control characters: {stderr:?}");
    assert!(stderr.contains("out\\u{1b}]0;x\\u{7}/manifest.json"), "{stderr}");
    // The machine outputs keep the exact names.
    let manifest: Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let paths: Vec<&str> = manifest["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(paths.iter().any(|p| p.ends_with(hostile)), "{paths:?}");

    // An error chain that names a file.
    let failed = common::run(&["inventory", &format!("{}/\u{1b}[31mmissing\nline", evidence.display())]);
    let stderr = String::from_utf8(failed.stderr).unwrap();
    assert_eq!(failed.status.code(), Some(2), "{stderr}");
    assert!(!raw(&stderr), "the error printed control characters: {stderr:?}");
    assert!(stderr.contains("\\u{1b}[31mmissing"), "{stderr}");
    // A message may run over lines (a TOML error quotes the config): a line break from a file name
    // starts an indented continuation, never a line that could pass for gapscope's own.
    assert!(stderr.lines().skip(1).all(|l| l.starts_with("    ")), "{stderr}");
    assert!(stderr.contains("\n    line"), "{stderr}");
}

#[test]
fn a_run_that_fails_mid_sequence_leaves_the_previous_outputs_intact() {
    let work = tempfile::tempdir().unwrap();
    let (evidence, out) = (work.path().join("evidence"), work.path().join("out"));
    write_formula_evidence(&evidence);
    let first = analyze_into(&evidence, &out, &["--format", "json,csv"]);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let before = snapshot(&out);
    assert_eq!(before.len(), 5, "{:?}", names_in(&out));

    // The next run's last output cannot be put in place (a folder holds its name), after every other
    // output has been written; and new evidence would change every one of them.
    std::fs::create_dir(out.join("report.pdf")).unwrap();
    std::fs::write(evidence.join("more.csv"), "not evidence").unwrap();
    let second = analyze_into(&evidence, &out, &[]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("report.pdf") && stderr.contains("previous outputs are unchanged"), "{stderr}");
    std::fs::remove_dir(out.join("report.pdf")).unwrap();
    assert_eq!(snapshot(&out), before, "the previous run's outputs changed, or a temporary or lock file was left");
}

#[test]
fn a_second_concurrent_run_into_one_output_folder_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let (evidence, out) = (work.path().join("evidence"), work.path().join("out"));
    write_formula_evidence(&evidence);
    std::fs::create_dir(&out).unwrap();
    // This test process plays the first run: it holds the folder's lock as analyze does.
    let lock = File::create(out.join(".gapscope.lock")).unwrap();
    lock.try_lock().unwrap();
    let second = analyze_into(&evidence, &out, &[]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("another gapscope run is writing to") && stderr.contains("choose another --out"),
        "{stderr}"
    );
    assert_eq!(names_in(&out), [".gapscope.lock"], "the refused run wrote into the folder");

    drop(lock);
    let third = analyze_into(&evidence, &out, &["--format", "json"]);
    assert_eq!(third.status.code(), Some(0), "{}", String::from_utf8_lossy(&third.stderr));
    assert_eq!(names_in(&out), ["findings.json", "manifest.json"], "the lock file outlived the run");
}

#[test]
fn outputs_of_an_earlier_run_this_run_does_not_write_are_removed() {
    let work = tempfile::tempdir().unwrap();
    let (evidence, out) = (work.path().join("evidence"), work.path().join("out"));
    write_formula_evidence(&evidence);
    let full = analyze_into(&evidence, &out, &[]);
    assert_eq!(full.status.code(), Some(0), "{}", String::from_utf8_lossy(&full.stderr));
    assert_eq!(
        names_in(&out),
        ["coverage.csv", "findings.json", "gap-register.csv", "manifest.json", "report.pdf", "timeline.csv"]
    );

    let json_only = std::process::Command::new(env!("CARGO_BIN_EXE_gapscope"))
        .args(["analyze", evidence.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&json_only.stderr);
    assert_eq!(json_only.status.code(), Some(0), "{stderr}");
    assert_eq!(names_in(&out), ["findings.json", "manifest.json"], "an earlier run's report.pdf and CSVs remain");
    assert!(
        stderr.contains("removed gap-register.csv, coverage.csv, timeline.csv, report.pdf of an earlier run"),
        "{stderr}"
    );
}
