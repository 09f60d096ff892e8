//! End-to-end tests: run the `gapscope` binary on the bundled samples, on real exports from
//! `tests/realdata`, and on damaged input, and check what lands in the outputs.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::*;

#[test]
fn samples_give_the_generators_intended_results_for_every_check() {
    let (findings, manifest, register, output, _out) = analyze(&[&crate_dir().join("samples")], &[]);
    let expected: Value =
        serde_json::from_slice(&std::fs::read(crate_dir().join("tests/fixtures/samples-expected.json")).unwrap())
            .unwrap();
    let expected = expected["results"].as_array().unwrap();
    // The credential checks against the generator's own expectations; the CloudTrail sample is
    // checked against its planted.json in tests/cloudtrail.rs.
    let catalog: Value = serde_json::from_slice(&run(&["checks", "--json"]).stdout).unwrap();
    let from_credential_report = |check: &Value| {
        catalog.as_array().unwrap().iter().any(|c| c["id"] == *check && c["source"] == "aws.iam.credential_report")
    };
    let credential_results: Vec<Value> =
        results(&findings).iter().filter(|r| from_credential_report(&r["check"])).cloned().collect();
    assert_eq!(triples(&credential_results), triples(expected));

    // Every credential check passes somewhere and fails somewhere in the samples.
    for check in catalog.as_array().unwrap().iter().filter(|c| c["source"] == "aws.iam.credential_report") {
        let id = check["id"].as_str().unwrap();
        for status in ["pass", "fail"] {
            assert!(
                results(&findings).iter().any(|r| r["check"] == id && r["status"] == status),
                "{id} has no {status} in samples"
            );
        }
    }

    // Schema fields of DESIGN.md §2.
    assert_eq!(findings["schema"], "gapscope.findings/v1");
    assert_eq!(findings["as_of"], "2026-10-01T08:00:00Z");
    let first = &credential_results[0];
    for field in
        ["check", "status", "severity", "resource", "account", "region", "detail", "soc2", "cis_aws", "evidence"]
    {
        assert!(first.get(field).is_some(), "result lacks {field}");
    }
    assert_eq!(first["severity"], "critical");
    let evidence = &first["evidence"][0];
    let locator = evidence["locator"].as_str().unwrap();
    assert!(locator.starts_with("line ") || locator.starts_with("Content line "), "{evidence}");

    // The register holds exactly the failed results, most urgent first, owner/due date empty.
    let mut reader = csv::Reader::from_reader(register.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "priority",
            "check",
            "title",
            "resource",
            "account",
            "detail",
            "soc2",
            "cis_aws",
            "remediation",
            "owner",
            "due_date",
            "status"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let failed = results(&findings).iter().filter(|r| r["status"] == "fail").count();
    // Besides the failed results: exceptions of the observation period the as-of results no longer show.
    let of_period = |r: &&csv::StringRecord| r[r.len() - 1].contains("exception");
    let period_rows = rows.iter().filter(of_period).count();
    let closed = findings["period"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["verdict"] == "exception"
                && status_of(&findings, c["check"].as_str().unwrap(), c["resource"].as_str().unwrap()) != "fail"
        })
        .count();
    assert_eq!((rows.len() - period_rows, period_rows), (failed, closed));
    // Open rows are worked top down, most urgent first; closed exceptions of the period follow them.
    let priorities: Vec<&str> = rows.iter().filter(|r| &r[r.len() - 1] == "open").map(|r| &r[0]).collect();
    let mut sorted = priorities.clone();
    sorted.sort();
    assert_eq!(priorities, sorted, "register is not in priority order");
    assert!(rows.iter().all(|r| r[9].is_empty() && r[10].is_empty() && !r[8].is_empty()));
    assert!(rows.iter().all(|r| &r[11] == "open" || &r[11] == "closed exception"));

    // The manifest accounts for every file and member, with correct hashes.
    let csv_path = crate_dir().join("samples/acme-prod/210987654321_credential_report.csv");
    let entry = manifest_entry(&manifest, "acme-prod/210987654321_credential_report.csv");
    assert_eq!(entry["sha256"], hex::encode(Sha256::digest(std::fs::read(&csv_path).unwrap())));
    assert_eq!(entry["used"], true);
    let note = manifest_entry(&manifest, "acme-dev-export.zip!notes/collection-notes.txt");
    assert_eq!(note["used"], false);
    assert!(note["reason"].as_str().unwrap().starts_with("unrecognised"));
    assert_eq!(
        manifest_entry(&manifest, "acme-dev-export.zip!iam/get-credential-report.json")["kind"],
        "aws.iam.credential_report (json)"
    );
    assert_eq!(findings["inputs"]["files"], manifest["files"].as_array().unwrap().len());

    let stderr = String::from_utf8_lossy(&output.stderr);
    let total = results(&findings).len();
    assert!(stderr.contains(&format!("{total} results: {failed} failed")), "summary line: {stderr}");
}

#[test]
fn outputs_are_byte_identical_across_thread_counts_and_runs() {
    let samples = crate_dir().join("samples");
    let placebo = realdata().join("cloud-custodian-placebo");
    let (.., one) = analyze(&[&samples, &placebo], &["--jobs", "1"]);
    let (.., two) = analyze(&[&samples, &placebo], &["--jobs", "2"]);
    let (.., again) = analyze(&[&samples, &placebo], &["--jobs", "2"]);
    for name in ["findings.json", "manifest.json", "gap-register.csv"] {
        let a = std::fs::read(one.path().join(name)).unwrap();
        assert_eq!(a, std::fs::read(two.path().join(name)).unwrap(), "{name} differs between --jobs 1 and 2");
        assert_eq!(a, std::fs::read(again.path().join(name)).unwrap(), "{name} differs between runs");
    }
}

/// Every credential report in the real data, analysed alone: every row is evaluated.
#[test]
fn every_real_credential_report_has_every_row_evaluated() {
    let mut reports = Vec::new();
    for entry in walk(&realdata()) {
        let name = entry.file_name().unwrap().to_string_lossy().to_string();
        if name.contains("GetCredentialReport") || name.contains("credential-report") {
            reports.push(entry);
        }
    }
    assert!(reports.len() >= 19, "found only {} credential report files", reports.len());
    let mut evaluated = 0;
    for path in &reports {
        let (findings, manifest, ..) = analyze(&[path], &[]);
        let entry = &manifest["files"][0];
        if entry["used"] == false {
            // Only error responses (ReportNotPresent, ReportInProgress) may go unused, and must say why.
            let reason = entry["reason"].as_str().unwrap();
            assert!(reason.contains("error response"), "{}: {reason}", path.display());
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let csv_text = if text.trim_start().starts_with('{') {
            let v: Value = serde_json::from_str(&text).unwrap();
            v["data"]["Content"].as_str().or(v["Content"].as_str()).unwrap().to_string()
        } else {
            text
        };
        let mut arns: Vec<String> =
            csv_text.lines().skip(1).filter_map(|l| l.split(',').nth(1).map(String::from)).collect();
        arns.sort();
        arns.dedup();
        for arn in &arns {
            let check = if arn.ends_with(":root") { "aws.iam.root_mfa" } else { "aws.iam.inactive_user" };
            let status = status_of(&findings, check, arn);
            assert!(["pass", "fail"].contains(&status), "{}: {arn} is {status}", path.display());
        }
        assert_eq!(
            entry["records_read"].as_u64().unwrap() as usize,
            csv_text.lines().skip(1).filter(|l| !l.trim().is_empty()).count()
        );
        evaluated += arns.len();
    }
    assert!(evaluated > 60, "only {evaluated} identities evaluated");
}

#[test]
fn real_report_quirks_are_handled_and_said() {
    let placebo = realdata().join("cloud-custodian-placebo");
    // Two rows for `christopher`: reported with their lines, counted once.
    let (findings, ..) =
        analyze(&[&placebo.join("test_account_credential_report/iam.GetCredentialReport_1.json")], &[]);
    let diagnostics = findings["inputs"]["diagnostics"].to_string();
    assert!(diagnostics.contains("two rows for arn:aws:iam::644160558196:user/christopher"), "{diagnostics}");
    assert_eq!(
        results(&findings)
            .iter()
            .filter(
                |r| r["check"] == "aws.iam.inactive_user" && r["resource"].as_str().unwrap().ends_with("/christopher")
            )
            .count(),
        1
    );
    // Hand-checked: root of 644160558196 has MFA and no active key; kapil's last key use is 89 days old.
    assert_eq!(status_of(&findings, "aws.iam.root_mfa", "arn:aws:iam::644160558196:root"), "pass");
    assert_eq!(status_of(&findings, "aws.iam.inactive_user", "arn:aws:iam::644160558196:user/kapil"), "pass");
    assert_eq!(status_of(&findings, "aws.iam.inactive_user", "arn:aws:iam::644160558196:user/kit"), "fail");

    // GeneratedTime in 2116: allowed, used, and said.
    let (findings, ..) = analyze(&[&placebo.join("test_iam_user_unused_keys_report_in_progress")], &[]);
    assert_eq!(findings["as_of"], "2116-11-25T14:30:42Z");
    let notes = findings["notes"].to_string();
    assert!(notes.contains("days after the newest timestamp in the report"), "{notes}");
    // --as-of overrides it.
    let (findings, ..) =
        analyze(&[&placebo.join("test_iam_user_unused_keys_report_in_progress")], &["--as-of", "2016-11-26"]);
    assert_eq!(findings["as_of"], "2016-11-26T00:00:00Z");

    // The CloudMapper demo: decoded CSV in Content; root has an active key used in 2018.
    let demo = realdata().join("cloudmapper-demo/account-data/demo/us-east-1/iam-get-credential-report.json");
    let (findings, ..) = analyze(&[&demo], &[]);
    assert_eq!(findings["as_of"], "2019-05-07T15:40:22Z");
    assert_eq!(status_of(&findings, "aws.iam.root_access_keys", "arn:aws:iam::123456789012:root"), "fail");
    assert_eq!(
        status_of(&findings, "aws.iam.key_at_user_creation", "arn:aws:iam::123456789012:user/user#access_key_1"),
        "fail"
    );
    assert_eq!(status_of(&findings, "aws.iam.multiple_active_keys", "arn:aws:iam::123456789012:user/user"), "fail");
    // auditor_tmp has no password: no console checks.
    assert!(
        !results(&findings)
            .iter()
            .any(|r| r["check"] == "aws.iam.console_user_mfa"
                && r["resource"].as_str().unwrap().ends_with("auditor_tmp"))
    );
}

#[test]
fn all_real_data_runs_without_losing_an_input() {
    let (findings, manifest, ..) = analyze(&[&realdata()], &[]);
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), walk(&realdata()).len() + count_zip_members(&realdata()));
    for f in files {
        assert!(f["used"] == true || f["reason"].as_str().is_some_and(|r| !r.is_empty()), "{f}");
        assert_eq!(f["sha256"].as_str().unwrap().len(), 64, "{f}");
    }
    assert!(results(&findings).len() > 20);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn count_zip_members(dir: &Path) -> usize {
    walk(dir)
        .iter()
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.starts_with(b"PK\x03\x04")))
        .map(|p| {
            zip::ZipArchive::new(std::fs::File::open(p).unwrap())
                .map_or(0, |z| z.file_names().filter(|n| n.as_ref().map_or(true, |n| !n.ends_with('/'))).count())
        })
        .sum()
}

const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
const ROOT: &str = "<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
const USER: &str = "eve,arn:aws:iam::111111111111:user/eve,2026-01-01T00:00:00Z,true,2026-09-01T00:00:00Z,N/A,N/A,false,true,2026-01-01T00:00:00Z,2026-09-29T00:00:00Z,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

/// Bad input of every kind beside one good report: each gets a clear reason, the good one is analysed.
#[test]
fn bad_inputs_are_reported_and_the_rest_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("evidence");
    std::fs::create_dir_all(&ev).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(ev.join(name), bytes).unwrap();
    write("good.csv", format!("{HEADER}\n{ROOT}\n{USER}").as_bytes());
    write("empty.csv", b"");
    write("header-only.csv", HEADER.as_bytes());
    let other_account = USER.replace("111111111111", "222222222222");
    write(
        "truncated-row.csv",
        format!("{HEADER}\n{other_account}\nmallory,arn:aws:iam::222222222222:user/mallory,2026-01").as_bytes(),
    );
    write(
        "renamed-columns.csv",
        format!("{}\n{}", HEADER.replace("mfa_active", "mfa").replace("arn,", "principal_arn,"), USER).as_bytes(),
    );
    write(
        "bad-base64.json",
        br#"{"Content": "!!!not base64!!!", "ReportFormat": "text/csv", "GeneratedTime": "2026-09-30T00:00:00Z"}"#,
    );
    let mut latin1 = format!("{HEADER}\n").into_bytes();
    latin1.extend_from_slice(USER.replace("111111111111", "333333333333").replace("eve", "jos\u{e9}").as_bytes());
    latin1.extend_from_slice(b"\nren\xe9,arn:aws:iam::333333333333:user/rene");
    latin1.extend_from_slice(&USER.as_bytes()[USER.find(",2026").unwrap()..]);
    write("invalid-utf8.csv", &latin1);
    let mut corrupt = zip_with(&[("a.csv", format!("{HEADER}\n{USER}").as_bytes())]);
    corrupt.truncate(corrupt.len() - 30);
    write("corrupt.zip", &corrupt);
    write("traversal.zip", &zip_with(&[("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n")]));
    // 2 GiB of zeros compresses to a few MB.
    let mut bomb = flate2::write::GzEncoder::new(
        std::fs::File::create(ev.join("bomb.json.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..2048 {
        bomb.write_all(&zeros).unwrap();
    }
    bomb.finish().unwrap();

    let (findings, manifest, ..) = analyze(&[&ev], &[]);
    let reason = |suffix: &str| manifest_entry(&manifest, suffix)["reason"].as_str().unwrap_or("").to_string();
    assert_eq!(manifest_entry(&manifest, "good.csv")["used"], true);
    assert_eq!(status_of(&findings, "aws.iam.console_user_mfa", "arn:aws:iam::111111111111:user/eve"), "fail");
    assert_eq!(reason("empty.csv"), "unrecognised: empty file");
    assert_eq!(reason("header-only.csv"), "credential report has a header but no rows");
    assert!(reason("bad-base64.json").contains("neither base64"), "{}", reason("bad-base64.json"));
    assert!(reason("corrupt.zip").starts_with("corrupt zip archive"), "{}", reason("corrupt.zip"));
    assert!(reason("bomb.json.gz").contains("decompression bomb"), "{}", reason("bomb.json.gz"));
    assert!(reason("renamed-columns.csv").contains("no 'arn' column"), "{}", reason("renamed-columns.csv"));
    let passwd = manifest_entry(&manifest, "traversal.zip!../../etc/passwd");
    assert_eq!(passwd["used"], false);
    assert!(!dir.path().join("etc").exists());

    // The truncated row is named by line; the row before it still counts.
    let truncated = manifest_entry(&manifest, "truncated-row.csv");
    assert_eq!((truncated["records_read"].as_u64(), truncated["records_rejected"].as_u64()), (Some(2), Some(1)));
    let diagnostics = findings["inputs"]["diagnostics"].as_array().unwrap();
    let said = |file: &str, locator: &str, text: &str| {
        diagnostics.iter().any(|d| {
            d["file"].as_str().unwrap().ends_with(file)
                && d["locator"] == locator
                && d["message"].as_str().unwrap().contains(text)
        })
    };
    assert!(said("truncated-row.csv", "line 3", "row has 3 of the header's 22 fields"), "{diagnostics:#?}");
    assert_eq!(status_of(&findings, "aws.iam.console_user_mfa", "arn:aws:iam::222222222222:user/eve"), "fail");
    // Invalid UTF-8 rejects that row only.
    assert!(said("invalid-utf8.csv", "line 3", "not valid UTF-8"), "{diagnostics:#?}");
    assert_eq!(status_of(&findings, "aws.iam.inactive_user", "arn:aws:iam::333333333333:user/jos\u{e9}"), "pass");
    // Every unused input is in findings.json's unused list with its reason.
    let unused = findings["inputs"]["unused"].as_array().unwrap();
    assert_eq!(unused.len(), manifest["files"].as_array().unwrap().iter().filter(|f| f["used"] == false).count());
}

#[test]
fn a_renamed_column_gives_unknown_not_pass() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.csv");
    std::fs::write(&file, format!("{}\n{USER}", HEADER.replace("mfa_active", "mfa_enabled"))).unwrap();
    let (findings, ..) = analyze(&[&file], &[]);
    assert_eq!(status_of(&findings, "aws.iam.console_user_mfa", "arn:aws:iam::111111111111:user/eve"), "unknown");
    assert!(findings["inputs"]["diagnostics"].to_string().contains("unknown column 'mfa_enabled' ignored"));
}

#[test]
fn exceptions_fail_on_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.csv");
    std::fs::write(&report, format!("{HEADER}\n{ROOT}\n{USER}")).unwrap();
    let config = dir.path().join("gapscope.toml");
    std::fs::write(
        &config,
        r#"
engagement = "José Müller & Co — SOC 2 Type II"
[[exceptions]]
check = "aws.iam.console_user_mfa"
resource = "arn:aws:iam::111111111111:user/eve"
reason = "break-glass user, hardware token in safe"
approved_by = "CISO"
expires = "2026-12-31"
[[exceptions]]
check = "aws.iam.stale_console_user"
resource = "*:user/eve"
reason = "expired one"
approved_by = "CISO"
expires = "2026-01-01"
"#,
    )
    .unwrap();
    let config_arg = config.display().to_string();
    let (findings, _, register, output, _out) = analyze(&[&report], &["--config", &config_arg, "--fail-on", "medium"]);
    assert_eq!(findings["engagement"], "José Müller & Co — SOC 2 Type II");
    assert_eq!(status_of(&findings, "aws.iam.console_user_mfa", "arn:aws:iam::111111111111:user/eve"), "excepted");
    let states: Vec<&str> =
        findings["exceptions"].as_array().unwrap().iter().map(|e| e["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["applied", "unmatched"]);
    assert!(
        register.contains("excepted: break-glass user, hardware token in safe (approved by CISO, expires 2026-12-31)")
    );
    // The key rotation failure (medium) is open, so --fail-on medium is met.
    assert_eq!(
        status_of(&findings, "aws.iam.access_key_rotation", "arn:aws:iam::111111111111:user/eve#access_key_1"),
        "fail"
    );
    assert_eq!(output.status.code(), Some(1));
    // The only high failure is excepted, so --fail-on high is not met; without the exception it is.
    let (_, _, _, output, _out) = analyze(&[&report], &["--config", &config_arg, "--fail-on", "high"]);
    assert_eq!(output.status.code(), Some(0));
    let (_, _, _, output, _out) = analyze(&[&report], &["--fail-on", "high"]);
    assert_eq!(output.status.code(), Some(1));

    // An exception that has expired by the as-of no longer applies and is reported.
    let (findings, ..) = analyze(&[&report], &["--config", &config_arg, "--as-of", "2027-01-05"]);
    assert_eq!(status_of(&findings, "aws.iam.console_user_mfa", "arn:aws:iam::111111111111:user/eve"), "fail");
    assert!(findings["notes"].to_string().contains("expired on 2026-12-31"));

    // Usage errors and unreadable roots exit 2 with a message.
    let missing = run(&["analyze", "/nonexistent/evidence", "-o", dir.path().to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/evidence"));
    let out = dir.path().to_str().unwrap();
    let key_alone = run(&["analyze", report.to_str().unwrap(), "-o", out, "--sign-key", "k.pem"]);
    assert_eq!(key_alone.status.code(), Some(2), "--sign-key without --sign-cert is a usage error");
    let missing_key = run(&[
        "analyze",
        report.to_str().unwrap(),
        "-o",
        out,
        "--sign-key",
        "/nonexistent/k.pem",
        "--sign-cert",
        "c.pem",
    ]);
    assert_eq!(missing_key.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing_key.stderr).contains("/nonexistent/k.pem"));
    let bad_fail_on = run(&["analyze", report.to_str().unwrap(), "--fail-on", "urgent"]);
    assert_eq!(bad_fail_on.status.code(), Some(2));
}

#[test]
fn format_selects_outputs() {
    let (_, _, _, _, out) = analyze(&[&crate_dir().join("samples")], &["--format", "json"]);
    assert!(out.path().join("findings.json").exists());
    assert!(out.path().join("manifest.json").exists());
    assert!(!out.path().join("gap-register.csv").exists());
}

#[test]
fn inventory_lists_artifacts_and_unused_files() {
    let samples = crate_dir().join("samples");
    let text = run(&["inventory", samples.to_str().unwrap()]);
    assert_eq!(text.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&text.stdout);
    let squeezed: Vec<String> = stdout.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    let row = "aws.iam.credential_report (json) 123456789012 2026-10-01T08:00:00Z 8";
    assert!(squeezed.iter().any(|l| l.starts_with(row)), "{stdout}");
    assert!(stdout.contains("samples/acme-dev-export.zip!notes/collection-notes.txt"), "{stdout}");
    let json: Value = serde_json::from_slice(&run(&["inventory", "--json", samples.to_str().unwrap()]).stdout).unwrap();
    let artifacts = json["artifacts"].as_array().unwrap();
    let accounts: Vec<&str> = artifacts
        .iter()
        .filter(|a| a["kind"].as_str().unwrap().starts_with("aws.iam.credential_report"))
        .map(|a| a["account"].as_str().unwrap())
        .collect();
    assert_eq!(accounts, ["123456789012", "210987654321"]);
    let logs = artifacts.iter().filter(|a| a["kind"] == "aws.cloudtrail.log").count();
    assert_eq!(logs, 117, "the samples' README promises 117 CloudTrail log files");
    // The README, the client's note, and the samples' cut-off Entra export.
    let unused: Vec<&str> = json["unused"].as_array().unwrap().iter().map(|u| u["file"].as_str().unwrap()).collect();
    assert_eq!(
        unused,
        ["samples/README.md", "samples/acme-dev-export.zip!notes/collection-notes.txt", "samples/entra/broken.json"]
    );
}

#[test]
fn checks_lists_the_catalog() {
    let text = String::from_utf8(run(&["checks"]).stdout).unwrap();
    assert!(text.contains("aws.iam.root_access_keys") && text.contains("critical"));
    let json: Value = serde_json::from_slice(&run(&["checks", "--json"]).stdout).unwrap();
    let entries = json.as_array().unwrap();
    // 10 credential checks (DESIGN.md §6, first table), 12 CloudTrail checks (second table), the
    // 10 Entra ID checks of issue 5 and the 27 AWS posture checks of issue 6.
    assert_eq!(entries.len(), 59);
    let posture =
        entries.iter().filter(|e| e["source"].as_str().unwrap().contains("aws.ec2.describe_security_groups")).count();
    assert_eq!(posture, 4, "the four security-group checks read describe-security-groups");
    let entra = entries.iter().filter(|e| e["id"].as_str().unwrap().starts_with("entra.")).count();
    assert_eq!(entra, 10);
    assert!(
        entries
            .iter()
            .all(|e| !e["remediation"].as_str().unwrap().is_empty() && !e["rule"].as_str().unwrap().contains('{'))
    );
}
