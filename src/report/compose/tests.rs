use super::evidence::{folder_hash, summary_folder};
use super::{report_id, thousands};

#[test]
fn date_folders_collapse_into_their_region() {
    let path = "ev/AWSLogs/123456789012/CloudTrail/eu-west-1/2026/09/30/123456789012_CloudTrail_eu-west-1_x.json.gz";
    assert_eq!(summary_folder(path), "ev/AWSLogs/123456789012/CloudTrail/eu-west-1");
    assert_eq!(summary_folder("client.zip!iam/report.json"), "client.zip!iam");
    assert_eq!(summary_folder("client.zip!report.json"), "client.zip");
    assert_eq!(summary_folder("report.csv"), "");
    // A folder that is only digits at the top is kept: there is nothing to collapse it into.
    assert_eq!(summary_folder("2026/report.csv"), "2026");
}

#[test]
fn folder_hash_is_sha256_of_sorted_lines() {
    let got = folder_hash(["bb", "aa"]);
    assert_eq!(got, folder_hash(["aa", "bb"]));
    // The manifest page says how to recompute it: sorted digests, one per line, through sha256sum.
    let out = std::process::Command::new("sh").arg("-c").arg("printf 'aa\\nbb\\n' | sha256sum").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.split_whitespace().next(), Some(got.as_str()));
}

#[test]
fn counts_read_with_thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(1_234_567), "1,234,567");
}

#[test]
fn report_id_comes_from_the_findings_hash() {
    assert_eq!(report_id("0123456789abcdef"), "GS-0123456789AB");
    assert_eq!(report_id("abc"), "GS-ABC");
}
