//! Hostile archives and evidence walks (issue 15 items 3, 6, 7, 11, 16), through the binary: every
//! central-directory entry accounted for, overlapping members and members past the archive budget
//! refused with the reason, links out of the evidence root not read, and `verify --evidence`
//! walking with the limits the analysis recorded.
//!
//! `tests/fixtures/hostile/duplicate-names/duplicate-names.zip` (two members named
//! `credential_report.csv`: accounts 444444444444 and 555555555555) and
//! `tests/fixtures/hostile/dir-with-data/dir-with-data.zip` (an empty `plain-folder/` and a
//! `dirwithdata/` holding the report of 666666666666) were written with Python's `zipfile`, which
//! allows both. Large inputs (the overlapping bomb) are built here at run time.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{analyze, crate_dir, manifest_entry, run, zip_with};

const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
const USER: &str = "eve,arn:aws:iam::111111111111:user/eve,2026-01-01T00:00:00Z,true,2026-09-01T00:00:00Z,N/A,N/A,false,true,2026-01-01T00:00:00Z,2026-09-29T00:00:00Z,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

fn report(account: &str) -> Vec<u8> {
    format!("{HEADER}\n{}\n", USER.replace("111111111111", account)).into_bytes()
}

fn hostile(name: &str) -> PathBuf {
    crate_dir().join("tests/fixtures/hostile").join(name)
}

fn files(manifest: &Value) -> &Vec<Value> {
    manifest["files"].as_array().unwrap()
}

fn reason(entry: &Value) -> &str {
    entry["reason"].as_str().unwrap_or("")
}

/// A zip whose `entries` central-directory entries all point at one local member: `data`, deflated.
fn overlapping_zip(data: &[u8], entries: usize) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    let deflated = e.finish().unwrap();
    let mut crc = flate2::Crc::new();
    crc.update(data);
    let sizes = [crc.sum(), deflated.len() as u32, data.len() as u32];
    let mut out = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00".to_vec();
    sizes.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    out.extend_from_slice(&[1, 0, 0, 0, b'x']);
    out.extend_from_slice(&deflated);
    let cd_start = out.len() as u32;
    for i in 0..entries {
        let name = format!("m{i:04}.json");
        out.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00");
        sizes.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0u8; 12]);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
    }
    let cd_len = out.len() as u32 - cd_start;
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
    out.extend_from_slice(&(entries as u16).to_le_bytes());
    out.extend_from_slice(&(entries as u16).to_le_bytes());
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn zip_entries_sharing_one_stream_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.zip");
    std::fs::write(&bomb, overlapping_zip(&vec![0u8; 64 << 20], 1000)).unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    let started = Instant::now();
    let (_, manifest, ..) = analyze(&[&bomb], &["--format", "json"]);
    // Unrefused, this was 64 GiB of inflating; refused, nothing is decompressed at all.
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
    let members: Vec<&Value> = files(&manifest).iter().filter(|f| f["path"].as_str().unwrap().contains('!')).collect();
    assert_eq!(members.len(), 1000);
    for member in members {
        assert_eq!(member["used"], false, "{member}");
        assert!(
            reason(member).starts_with("refused: its stored bytes overlap those of central-directory entry"),
            "{member}"
        );
    }
    assert_eq!(manifest_entry(&manifest, "bomb.zip")["archive_members"], 1000);
}

#[test]
fn members_past_the_archive_budget_are_over_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev.zip");
    let filler = vec![b' '; 3 << 20];
    let inner = zip_with(&[("b.csv", &report("222222222222")), ("c.bin", &filler)]);
    std::fs::write(&ev, zip_with(&[("a.csv", &report("111111111111")), ("n.zip", &inner), ("z.bin", &filler)]))
        .unwrap();
    let config = dir.path().join("gapscope.toml");
    // a.csv, the nested zip and b.csv fit; c.bin in the nested zip and z.bin do not.
    std::fs::write(&config, format!("[limits]\nmax_archive_bytes = {}\n", 2 * 1000 + inner.len() + (1 << 20))).unwrap();
    let (_, manifest, ..) = analyze(&[&ev], &["--format", "json", "--config", config.to_str().unwrap()]);
    assert_eq!(manifest_entry(&manifest, "ev.zip!a.csv")["used"], true);
    assert_eq!(manifest_entry(&manifest, "ev.zip!n.zip!b.csv")["used"], true);
    for over in ["ev.zip!n.zip!c.bin", "ev.zip!z.bin"] {
        let entry = manifest_entry(&manifest, over);
        assert_eq!(entry["used"], false);
        assert!(reason(entry).starts_with("refused: over a limit"), "{entry}");
        assert!(reason(entry).contains("max_archive_bytes"), "{entry}");
    }
    assert_eq!(manifest["limits"]["max_archive_bytes"], 2 * 1000 + inner.len() as u64 + (1 << 20));
}

#[test]
fn zip_members_with_one_name_are_all_analysed() {
    let (findings, manifest, ..) = analyze(&[&hostile("duplicate-names/duplicate-names.zip")], &["--format", "json"]);
    let first = manifest_entry(&manifest, "duplicate-names.zip!credential_report.csv");
    let second = manifest_entry(&manifest, "duplicate-names.zip!credential_report.csv#2");
    for entry in [first, second] {
        assert_eq!(entry["used"], true, "{entry}");
        assert!(reason(entry).contains("the archive holds 2 members named credential_report.csv"), "{entry}");
    }
    // Both accounts' users are assessed: the first report is not hidden by the second.
    let text = findings.to_string();
    assert!(text.contains("arn:aws:iam::444444444444:user/alice"), "the first member was not analysed");
    assert!(text.contains("arn:aws:iam::555555555555:user/mallory"));
}

#[test]
fn member_named_like_a_folder_with_data_is_read_and_said() {
    let (findings, manifest, ..) = analyze(&[&hostile("dir-with-data/dir-with-data.zip")], &["--format", "json"]);
    let entry = manifest_entry(&manifest, "dir-with-data.zip!dirwithdata/");
    assert_eq!(entry["used"], true, "{entry}");
    assert!(reason(entry).starts_with("named like a folder, but holds"), "{entry}");
    assert!(!files(&manifest).iter().any(|f| f["path"].as_str().unwrap().ends_with("plain-folder/")));
    assert!(findings.to_string().contains("arn:aws:iam::666666666666:user/hidden"));
}

#[cfg(unix)]
#[test]
fn links_out_of_the_evidence_root_are_not_read_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.csv");
    std::fs::write(&outside, report("999999999999")).unwrap();
    let ev = dir.path().join("evidence");
    std::fs::create_dir_all(&ev).unwrap();
    std::fs::write(ev.join("r.csv"), report("111111111111")).unwrap();
    std::os::unix::fs::symlink(&outside, ev.join("planted.csv")).unwrap();
    std::os::unix::fs::symlink("/etc/shadow", ev.join("shadow")).unwrap();

    let (findings, manifest, ..) = analyze(&[&ev], &["--format", "json"]);
    for link in ["evidence/planted.csv", "evidence/shadow"] {
        let entry = manifest_entry(&manifest, link);
        assert_eq!((entry["used"].as_bool(), entry["sha256"].as_str()), (Some(false), Some("")), "{entry}");
        assert!(reason(entry).starts_with("symbolic link to a file outside the evidence root"), "{entry}");
    }
    assert!(!findings.to_string().contains("999999999999"));
    assert_eq!(manifest["limits"]["follow_outside_links"], false);

    let (findings, manifest, ..) = analyze(&[&ev], &["--format", "json", "--follow-outside-links"]);
    let planted = manifest_entry(&manifest, "evidence/planted.csv");
    assert_eq!(planted["used"], true, "{planted}");
    assert!(reason(planted).contains("followed (follow_outside_links)"), "{planted}");
    assert!(findings.to_string().contains("arn:aws:iam::999999999999:user/eve"));
    assert_eq!(manifest["limits"]["follow_outside_links"], true);
}

fn verify(pdf: &Path, evidence: &Path, extra: &[&str]) -> String {
    let mut args = vec!["verify", pdf.to_str().unwrap(), "--evidence", evidence.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = run(&args);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn verify_walks_the_evidence_with_the_limits_the_analysis_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("evidence");
    std::fs::create_dir_all(&ev).unwrap();
    // 2 MiB of one byte: read under the defaults, refused under a 1 MiB max_member_bytes, and a
    // refused member is hashed as stored (compressed), so the two walks give different hashes.
    std::fs::write(ev.join("e.zip"), zip_with(&[("big.txt", &vec![b'a'; 2 << 20])])).unwrap();
    let config = dir.path().join("gapscope.toml");
    std::fs::write(&config, "[limits]\nmax_member_bytes = 1048576\n").unwrap();
    let (_, manifest, _, _, out) = analyze(&[&ev], &["--config", config.to_str().unwrap()]);
    assert_eq!(manifest["limits"]["max_member_bytes"], 1048576);
    let pdf = out.path().join("report.pdf");

    let said = verify(&pdf, &ev, &[]);
    assert!(said.contains("evidence: 2 unchanged, 0 changed, 0 missing, 0 added"), "{said}");
    assert!(said.contains("walked with the [limits] the analysis recorded"), "{said}");
    assert!(said.contains("max_member_bytes = 1048576, not 1073741824"), "{said}");

    // A --config that differs is overruled by the recorded limits, and verify says so.
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "[limits]\nmax_member_bytes = 4096\n").unwrap();
    let said = verify(&pdf, &ev, &["--config", other.to_str().unwrap()]);
    assert!(said.contains("evidence: 2 unchanged, 0 changed"), "{said}");
    assert!(said.contains("differ from --config's") && said.contains("not 4096"), "{said}");
}
