//! AWS posture end to end: the real recorded exports in `tests/realdata/` (CloudMapper's demo
//! collection, cloud-custodian's placebo recordings, cloudsplaining's authorization details) analysed
//! without a panic, with verdicts checked by hand against the files (jq), and bundles written by the
//! project's generator compared with its oracle.

use std::path::Path;

use serde_json::Value;

use crate::common;
use crate::common::{analyze, manifest_entry, realdata, results, status_of};

#[test]
fn cloudmapper_demo_verdicts_match_the_files() {
    let demo = realdata().join("cloudmapper-demo");
    let (findings, manifest, _, _, _) = analyze(&[&demo], &["--format", "json"]);
    // ec2-describe-security-groups.json: the only world-open rules are 443 (sg-00000003, sg-00000008);
    // 22 is open to a group (sg-00000008) or to 1.1.1.1/32 and 2.2.2.2/28 (sg-00000002).
    for sg in ["sg-00000001", "sg-00000002", "sg-00000003", "sg-00000008"] {
        assert_eq!(status_of(&findings, "aws.ec2.sg_open_admin_ports", sg), "pass", "{sg}");
        assert_eq!(status_of(&findings, "aws.ec2.sg_open_all_ports", sg), "pass", "{sg}");
    }
    // sg-00000001 is the default group and allows all traffic from itself.
    assert_eq!(status_of(&findings, "aws.ec2.default_sg_restricts_all", "sg-00000001"), "fail");
    // rds-describe-db-instances.json: "database" is private and encrypted.
    assert_eq!(status_of(&findings, "aws.rds.public", "database"), "pass");
    assert_eq!(status_of(&findings, "aws.rds.unencrypted", "database"), "pass");
    // The account comes from the bodies' OwnerId / ARNs.
    let sg = results(&findings).iter().find(|r| r["resource"] == "sg-00000002").unwrap();
    assert_eq!((sg["account"].as_str(), sg["region"].as_str()), (Some("123456789012"), Some("us-east-1")));
    // s3-get-bucket-policy/cloudmapper_demo: CloudMapper's folder-per-command layout names the bucket.
    let policy = manifest_entry(&manifest, "s3-get-bucket-policy/cloudmapper_demo");
    assert_eq!((policy["kind"].as_str(), policy["used"].as_bool()), (Some("aws.s3.get_bucket_policy"), Some(true)));
    assert!(
        results(&findings)
            .iter()
            .any(|r| r["check"] == "aws.s3.bucket_deny_http" && r["resource"] == "cloudmapper_demo")
    );
}

#[test]
fn cloudsplaining_admin_policies_match_an_independent_reading() {
    let file = realdata().join("cloudsplaining/examples/files/example.json");
    let (findings, _, _, _, _) = analyze(&[&file], &["--format", "json"]);
    // The attached managed policies whose default version allows "*" on "*", found with jq over the file.
    let mut failing: Vec<&str> = results(&findings)
        .iter()
        .filter(|r| r["check"] == "aws.iam.full_admin_policy" && r["status"] == "fail")
        .filter_map(|r| r["resource"].as_str())
        .filter(|r| !r.contains('#'))
        .collect();
    failing.sort();
    assert_eq!(
        failing,
        [
            "arn:aws:iam::200611803367:policy/fp2-allow-all",
            "arn:aws:iam::200611803367:policy/privesc-AssumeRole-high-priv-policy",
            "arn:aws:iam::200611803367:policy/privesc-high-priv-service-policy",
            "arn:aws:iam::aws:policy/AdministratorAccess",
        ]
    );
    // Every user of the file gets a user_attached_policies result.
    let users = results(&findings).iter().filter(|r| r["check"] == "aws.iam.user_attached_policies").count();
    assert_eq!(users, 44);
}

#[test]
fn placebo_recordings_are_read_and_ambiguous_files_listed() {
    let placebo = realdata().join("cloud-custodian-placebo");
    let (findings, manifest, _, output, _) = analyze(&[&placebo], &["--format", "json"]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    // s3.GetPublicAccessBlock_N.json: the body does not name the bucket and neither does the file.
    let pab = manifest_entry(&manifest, "test_s3_public_block_throws_errors/s3.GetPublicAccessBlock_3.json");
    assert_eq!(pab["used"], false);
    assert!(pab["reason"].as_str().unwrap().starts_with("ambiguous:"), "{pab}");
    // A recorded AccessDenied proves nothing and says so.
    let denied = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["reason"].as_str().is_some_and(|r| r.contains("AccessDenied")))
        .expect("the AccessDenied recording is listed");
    assert_eq!(denied["used"], false);
    // The password policies carry no account, so the six recordings (minimum lengths 10 and 12 — see
    // test_account_password_policy_update — and two NoSuchEntity "no policy" responses) are one
    // result for an unknown account; all of them are below 14.
    let min_length = results(&findings).iter().find(|r| r["check"] == "aws.iam.password_policy_min_length").unwrap();
    assert_eq!(
        (min_length["status"].as_str(), min_length["resource"].as_str()),
        (Some("fail"), Some("unknown-account"))
    );
    assert!(min_length["detail"].as_str().unwrap().contains("seen in 6 exports"), "{min_length}");
    // Every DescribeSecurityGroups recording is used.
    let groups: Vec<&Value> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().contains("ec2.DescribeSecurityGroups_"))
        .collect();
    assert!(groups.iter().filter(|f| f["used"] == true).count() >= 135, "{}", groups.len());
}

fn generate(dir: &Path, extra: &[&str]) -> Value {
    common::gapscope_gen(&[&["posture", "--out", dir.to_str().unwrap()], extra].concat());
    serde_json::from_slice(&std::fs::read(dir.join("planted.json")).unwrap()).unwrap()
}

/// (check, resource, status) of the posture checks (those the oracle covers).
fn posture_triples(results: &[Value], checks: &[String]) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = results
        .iter()
        .filter(|r| checks.iter().any(|c| r["check"] == c.as_str()))
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("check"), s("resource"), s("status"))
        })
        .collect();
    out.sort();
    out
}

fn compare_with_oracle(extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("bundle");
    let planted = generate(&evidence, extra);
    let expected: Vec<(String, String, String)> = {
        let mut v: Vec<_> = planted["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let s = |k: &str| r[k].as_str().unwrap().to_string();
                (s("check"), s("resource"), s("status"))
            })
            .collect();
        v.sort();
        v
    };
    let checks: Vec<String> = {
        let mut c: Vec<String> = expected.iter().map(|(c, _, _)| c.clone()).collect();
        c.dedup();
        c
    };
    assert_eq!(checks.len(), 27, "the oracle covers every posture check: {checks:?}");
    let (findings, manifest, _, _, _) = analyze(&[&evidence], &["--format", "json"]);
    let got = posture_triples(results(&findings), &checks);
    let missing: Vec<_> = expected.iter().filter(|t| !got.contains(t)).collect();
    let extra_results: Vec<_> = got.iter().filter(|t| !expected.contains(t)).collect();
    assert!(missing.is_empty() && extra_results.is_empty(), "missing {missing:#?}\nunexpected {extra_results:#?}");
    // Every generated export is recognised; only the planted refusals (AccessDenied and the like) go
    // unused, each saying the call failed. COLLECTION.txt is the script's log, not evidence.
    let mut refused = 0;
    for file in manifest["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        if path.ends_with("planted.json") || path.ends_with("COLLECTION.txt") || file["kind"] == "zip archive" {
            continue;
        }
        assert_ne!(file["kind"], "unrecognised", "{file}");
        if file["used"] == false {
            refused += 1;
            assert!(file["reason"].as_str().unwrap().starts_with("AWS error response ("), "{file}");
        }
    }
    assert!(refused > 0, "the generator plants refused calls");
}

#[test]
fn generated_bundle_gives_the_oracles_verdicts() {
    compare_with_oracle(&[]);
}

#[test]
fn generated_bundle_recorded_as_wrapped_responses_gives_the_same_verdicts() {
    compare_with_oracle(&["--wrapped", "--accounts", "2"]);
}

#[test]
fn readme_lists_every_supported_export_with_its_command() {
    use gapscope::PostureKind;
    let readme = std::fs::read_to_string(common::crate_dir().join("README.md")).unwrap();
    for (kind, label, command) in PostureKind::all() {
        if kind == PostureKind::ErrorResponse {
            continue;
        }
        assert!(
            readme.contains(&format!("`{label}`")) && readme.contains(&format!("`{command}`")),
            "{label}: {command}"
        );
    }
}
