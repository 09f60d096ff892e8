//! The period generator: its gap arithmetic at the cadence boundary, the planted cases as the issue
//! states them (dates worked out by hand from the plan), and byte-identical output.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use serde_json::Value;

use super::oracle::{Gap, gaps};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn days(list: &[&str]) -> Vec<NaiveDate> {
    list.iter().map(|s| d(s)).collect()
}

#[test]
fn a_stretch_of_the_cadence_is_no_gap_and_one_day_more_is() {
    // 31 days strictly between the snapshots (Feb 1..Mar 3): not longer than 31.
    assert_eq!(gaps(d("2026-01-01"), &days(&["2026-01-31", "2026-03-04"]), Some(d("2026-03-04"))), []);
    // 32 days (Feb 1..Mar 4).
    assert_eq!(
        gaps(d("2026-01-01"), &days(&["2026-01-31", "2026-03-05"]), Some(d("2026-03-05"))),
        [Gap { from: d("2026-02-01"), to: d("2026-03-04") }]
    );
    // From the start: Jan 1..Feb 1 is 32 days before a first snapshot on Feb 2; Jan 1..Jan 31 is 31.
    assert_eq!(
        gaps(d("2026-01-01"), &days(&["2026-02-02"]), Some(d("2026-02-02"))),
        [Gap { from: d("2026-01-01"), to: d("2026-02-01") }]
    );
    assert_eq!(gaps(d("2026-01-01"), &days(&["2026-02-01"]), Some(d("2026-02-01"))), []);
    // To the end: Dec 1..Dec 31 after a last snapshot on Nov 30 is 31 days; after Nov 29, 32.
    assert_eq!(gaps(d("2026-11-01"), &days(&["2026-11-01", "2026-11-30"]), Some(d("2026-12-31"))), []);
    assert_eq!(
        gaps(d("2026-11-01"), &days(&["2026-11-01", "2026-11-29"]), Some(d("2026-12-31"))),
        [Gap { from: d("2026-11-30"), to: d("2026-12-31") }]
    );
}

#[test]
fn a_missing_month_is_the_gap_the_issue_names_and_no_snapshot_is_all_gap() {
    let year: Vec<&str> = vec![
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
        "2026-07-31",
        "2026-09-30",
        "2026-10-31",
        "2026-11-30",
        "2026-12-31",
    ];
    assert_eq!(
        gaps(d("2026-01-01"), &days(&year), Some(d("2026-12-31"))),
        [Gap { from: d("2026-08-01"), to: d("2026-09-29") }]
    );
    assert_eq!(gaps(d("2026-01-01"), &[], Some(d("2026-12-31"))), [Gap { from: d("2026-01-01"), to: d("2026-12-31") }]);
    // A life that ends at a snapshot (no open end) has no tail.
    assert_eq!(gaps(d("2026-01-01"), &days(&["2026-01-31"]), None), []);
}

fn generate(dir: &Path, extra: &[&str]) -> Value {
    let (out, expect) = (dir.join("out"), dir.join("expected.json"));
    let mut args = vec!["gapscope-gen", "period", "--out", out.to_str().unwrap(), "--expect", expect.to_str().unwrap()];
    args.extend(extra);
    crate::run(args).unwrap();
    serde_json::from_slice(&fs::read(expect).unwrap()).unwrap()
}

fn control<'a>(expected: &'a Value, case_starts: &str) -> &'a Value {
    expected["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"].as_str().unwrap().starts_with(case_starts))
        .unwrap_or_else(|| panic!("no planted case {case_starts:?}"))
}

fn violations(c: &Value) -> Vec<(String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or("null").to_owned();
    c["violations"].as_array().unwrap().iter().map(|v| (text(&v["from"]), text(&v["to"]), text(&v["basis"]))).collect()
}

fn v(from: &str, to: &str, basis: &str) -> (String, String, String) {
    (from.to_owned(), to.to_owned(), basis.to_owned())
}

#[test]
fn the_oracle_states_each_planted_case_as_the_issue_words_it() {
    let dir = tempfile::tempdir().unwrap();
    let e = generate(dir.path(), &["--files-per-day", "1", "--events-per-file", "1"]);
    // CloudTrail dates both ends where the account has it (account 0).
    let sg = control(&e, "security group open to 0.0.0.0/0 on 22 from February");
    assert_eq!(violations(sg), [v("2026-02-10T09:14:27Z", "2026-04-14T16:02:51Z", "cloudtrail")]);
    assert_eq!(sg["verdict"], "exception");
    // Seen only in CloudTrail: every observation passes, and still an exception.
    let blink = control(&e, "security group open for two days");
    assert!(blink["observations"].as_array().unwrap().iter().all(|o| o["status"] == "pass"));
    assert_eq!(violations(blink), [v("2026-06-10T08:03:11Z", "2026-06-12T17:30:40Z", "cloudtrail")]);
    // Without CloudTrail: from the March snapshot's report to the first passing one (May).
    let mfa = control(&e, "console user without MFA in the March and April snapshots");
    assert_eq!(violations(mfa), [v("2026-03-31T12:00:00Z", "2026-05-31T12:00:00Z", "snapshots")]);
    // Rotated 2025-11-20T10:00: over 90 days from +91 days; rotated again 2026-03-10T14:00, over again
    // from 2026-06-09T14:00 and still at the end.
    let key = control(&e, "key over 90 days");
    assert_eq!(
        violations(key),
        [
            v("2026-02-19T10:00:00Z", "2026-03-31T12:00:00Z", "timestamps"),
            v("2026-06-09T14:00:00Z", "null", "timestamps")
        ]
    );
    // Joiner: observations from July only, no gap, operated.
    let joiner = control(&e, "joiner");
    let seen: Vec<&str> =
        joiner["observations"].as_array().unwrap().iter().map(|o| o["at"].as_str().unwrap()).collect();
    assert_eq!(seen.first(), Some(&"2026-07-31T12:00:00Z"));
    assert_eq!(seen.len(), 6);
    assert_eq!((joiner["verdict"].as_str(), joiner["evidence_gaps"].as_array().unwrap().len()), (Some("operated"), 0));
    // Leaver: last observed in August; its violation closes at the September snapshot without it.
    let leaver = control(&e, "leaver");
    assert_eq!(leaver["observations"].as_array().unwrap().len(), 8);
    assert_eq!(violations(leaver), [v("2026-01-31T12:00:00Z", "2026-09-30T12:00:00Z", "snapshots")]);
    // The missing August: not evidenced without a violation, the gap listed with one.
    let steady = control(&e, "console user with MFA, a month not evidenced");
    assert_eq!(steady["verdict"], "not_evidenced");
    let gap = serde_json::json!([{"from": "2026-08-01", "to": "2026-09-29"}]);
    assert_eq!(steady["evidence_gaps"], gap);
    let db = control(&e, "database public across the missing month");
    assert_eq!((&db["verdict"], &db["evidence_gaps"]), (&Value::from("exception"), &gap));
    assert_eq!(violations(db), [v("2026-06-30T00:00:00Z", "2026-09-30T00:00:00Z", "snapshots")]);
    // Still open at the end; the trail stopped for a night.
    assert_eq!(
        violations(control(&e, "database public from November")),
        [v("2026-11-18T15:40:00Z", "null", "cloudtrail")]
    );
    assert_eq!(
        violations(control(&e, "trail stopped")),
        [v("2026-05-20T22:10:00Z", "2026-05-21T06:45:00Z", "cloudtrail")]
    );
    // The stale Entra member: last sign-in 2026-02-10T08:12, stale 91 days later, still at the end.
    let stale = control(&e, "Entra member last signed in");
    assert_eq!(violations(stale), [v("2026-05-12T08:12:00Z", "null", "timestamps")]);
    assert_eq!(control(&e, "Entra joiner")["observations"].as_array().unwrap().len(), 6);
    // One gap per kind of the account missing August, none elsewhere.
    let kind_gaps = e["evidence_gaps"].as_array().unwrap();
    assert_eq!(kind_gaps.len(), super::oracle::AWS_KINDS.len());
    assert!(kind_gaps.iter().all(|g| g["from"] == "2026-08-01" && g["to"] == "2026-09-29"));
}

#[test]
fn the_snapshots_hold_what_the_plan_says_at_their_dates() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--files-per-day", "1", "--events-per-file", "1"]);
    let out = dir.path().join("out");
    let read = |rel: &str| -> Value { serde_json::from_slice(&fs::read(out.join(rel)).unwrap()).unwrap() };
    let report = |rel: &str| -> String {
        use base64::Engine as _;
        let v = read(rel);
        let content = base64::engine::general_purpose::STANDARD.decode(v["Content"].as_str().unwrap()).unwrap();
        String::from_utf8(content).unwrap()
    };
    let account = "101000000001";
    let row = |csv: &str, user: &str| -> Vec<String> {
        let line = csv.lines().find(|l| l.starts_with(&format!("{user},"))).unwrap_or_default().to_owned();
        line.split(',').map(str::to_owned).collect()
    };
    // mfa_active (column 8) is false in March and April only.
    for (month, mfa) in
        [("2026-02-28", "true"), ("2026-03-31", "false"), ("2026-04-30", "false"), ("2026-05-31", "true")]
    {
        let csv = report(&format!("{month}/{account}/get-credential-report.json"));
        assert_eq!(row(&csv, "mallory-ops")[7], mfa, "{month}");
    }
    let march = read(&format!("2026-03-31/{account}/get-credential-report.json"));
    assert_eq!(march["GeneratedTime"], "2026-03-31T12:00:00Z");
    // The joiner is absent from June's report and present in July's.
    assert!(row(&report(&format!("2026-06-30/{account}/get-credential-report.json")), "jules-new").len() < 2);
    assert_eq!(row(&report(&format!("2026-07-31/{account}/get-credential-report.json")), "jules-new").len(), 22);
    // Port 22 is open to the world in the February and March exports of the bastion group only.
    let open22 = |month: &str| -> usize {
        let v = read(&format!("{month}/{account}/us-east-1/ec2-describe-security-groups.json"));
        v["SecurityGroups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["IpPermissions"].as_array().unwrap().iter().any(|p| p["FromPort"] == 22))
            .count()
    };
    assert_eq!([open22("2026-01-31"), open22("2026-02-28"), open22("2026-03-31"), open22("2026-04-30")], [0, 1, 1, 0]);
    // No August folder for the second account.
    assert!(!out.join("2026-08-31/102000000002").exists());
    assert!(out.join("2026-08-31/101000000001").is_dir());
    // CloudTrail: a file for every day of the year for account 0, and the Authorize event as real
    // CloudTrail writes its requestParameters.
    let days = out.join("cloudtrail/AWSLogs/101000000001/CloudTrail/us-east-1/2026");
    let count = walkdir::WalkDir::new(&days).into_iter().filter(|e| e.as_ref().unwrap().file_type().is_file()).count();
    assert_eq!(count, 365);
    let feb10 = fs::read_dir(days.join("02/10")).unwrap().next().unwrap().unwrap().path();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(fs::File::open(feb10).unwrap()), &mut text)
        .unwrap();
    let records: Value = serde_json::from_str(&text).unwrap();
    let authorize = records["Records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["eventName"] == "AuthorizeSecurityGroupIngress")
        .unwrap();
    let p = &authorize["requestParameters"]["ipPermissions"]["items"][0];
    assert_eq!(
        (p["ipProtocol"].as_str(), p["fromPort"].as_i64(), p["toPort"].as_i64()),
        (Some("tcp"), Some(22), Some(22))
    );
    assert_eq!(p["ipRanges"]["items"][0]["cidrIp"], "0.0.0.0/0");
    assert_eq!(authorize["eventTime"], "2026-02-10T09:14:27Z");
}

fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(root).unwrap().display().to_string(), fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn the_same_arguments_write_the_same_bytes_and_another_seed_does_not() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let args = ["--months", "4", "--files-per-day", "2"];
    let (ea, eb) = (generate(a.path(), &args), generate(b.path(), &args));
    assert_eq!(ea, eb);
    let (ta, tb) = (tree(a.path()), tree(b.path()));
    assert!(ta.len() > 200, "{} files", ta.len());
    assert!(ta == tb, "same arguments, different files");
    generate(c.path(), &["--months", "4", "--files-per-day", "2", "--seed", "2"]);
    assert!(tree(c.path()) != ta, "the seed changes the output");
}

#[test]
fn too_few_accounts_for_the_planted_roles_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let err = crate::run(["gapscope-gen", "period", "--out", out.to_str().unwrap(), "--accounts", "2"]).unwrap_err();
    assert!(err.to_string().contains("too few"), "{err}");
}
