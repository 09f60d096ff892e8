//! The generator's own invariants, checked by reading back what it wrote with flate2 and
//! serde_json alone: planted.json agrees with the files, digests chain and verify, output is a
//! pure function of the seed and options.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use base64::Engine as _;
use clap::Parser;
use rsa::RsaPublicKey;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{CloudtrailArgs, run};

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    args: CloudtrailArgs,
}

const A: &str = "111122223333";
const B: &str = "444455556666";

fn generate(out: &Path, extra: &[&str]) {
    let mut argv = vec![
        "gen".to_owned(),
        "--out".to_owned(),
        out.display().to_string(),
        "--accounts".to_owned(),
        format!("{A},{B}"),
        "--regions".to_owned(),
        "us-east-1,eu-west-1".to_owned(),
        "--from".to_owned(),
        "2026-09-01".to_owned(),
        "--to".to_owned(),
        "2026-09-04".to_owned(),
    ];
    argv.extend(extra.iter().map(|s| (*s).to_owned()));
    let w = Wrapper::try_parse_from(argv).unwrap();
    run(&w.args).unwrap();
}

fn full_options() -> Vec<String> {
    let mut v: Vec<String> = [
        "--seed",
        "42",
        "--files-per-day",
        "8",
        "--events-per-file",
        "12",
        "--duplicates",
        "7",
        "--truncate",
        "2",
        "--fake-gz",
        "1",
        "--trailing-garbage",
        "2",
        "--not-json",
        "1",
        "--zip-region",
    ]
    .map(str::to_owned)
    .to_vec();
    v.push(format!("{B}/eu-west-1"));
    for s in ["--digests", "--alter-log", "2", "--drop-log", "1", "--drop-digest", "2", "--unlisted-log", "1"] {
        v.push(s.to_owned());
    }
    v.extend([format!("--gap={A}/eu-west-1/2026-09-02..2026-09-03"), "--blind-region=ap-south-1".to_owned()]);
    v.extend([format!("--no-validation={B}"), format!("--single-region={A}"), format!("--trail-not-logging={B}")]);
    for plant in [
        format!("root@{A}/us-east-1/2026-09-02"),
        format!("console-no-mfa@{A}/us-east-1/2026-09-01"),
        format!("console-failure@{B}/eu-west-1/2026-09-03"),
        format!("stop-logging@{A}/eu-west-1/2026-09-04"),
        format!("iam-policy:PutUserPolicy@{A}/us-east-1/2026-09-04"),
        format!("sg-change@{B}/us-east-1/2026-09-01"),
        format!("kms-schedule-deletion@{B}/us-east-1/2026-09-02"),
    ] {
        v.push(format!("--plant={plant}"));
    }
    v
}

/// Every file of the output: relative name (`x.zip!member` inside the zip) → bytes.
fn files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    for entry in walkdir::WalkDir::new(out).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(entry.path()).unwrap();
        if rel.ends_with(".zip") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
            for i in 0..zip.len() {
                let mut member = zip.by_index(i).unwrap();
                let mut data = Vec::new();
                member.read_to_end(&mut data).unwrap();
                let name = member.name().unwrap().into_owned();
                all.insert(format!("{rel}!{name}"), data);
            }
        }
        all.insert(rel, bytes);
    }
    all
}

/// What a reader gets from a log file: the complete records before any damage, and whether the
/// file decoded whole.
fn records(bytes: &[u8]) -> (Vec<Value>, bool) {
    let mut text = Vec::new();
    let whole = flate2::read::GzDecoder::new(bytes).read_to_end(&mut text).is_ok();
    if let Ok(doc) = serde_json::from_slice::<Value>(&text) {
        let list = doc["Records"].as_array().cloned().unwrap_or_default();
        return (list, whole);
    }
    let Some(mut rest) = text.strip_prefix(b"{\"Records\":[".as_slice()) else { return (Vec::new(), false) };
    let mut list = Vec::new();
    loop {
        let mut stream = serde_json::Deserializer::from_slice(rest).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) => {
                let used = stream.byte_offset();
                list.push(v);
                rest = &rest[used..];
                match rest.first() {
                    Some(b',') => rest = &rest[1..],
                    _ => break,
                }
            }
            _ => break,
        }
    }
    (list, false)
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

fn quiet(r: &Value) -> bool {
    let lists = [
        &super::cis::IAM_POLICY[..],
        &super::cis::TRAIL_CHANGES,
        &super::cis::SECURITY_GROUPS,
        &super::cis::NACLS,
        &super::cis::GATEWAYS,
        &super::cis::ROUTES,
        &super::cis::VPCS,
        &super::cis::ORGANIZATIONS,
        &super::cis::S3_POLICY,
        &super::cis::CONFIG,
        &super::cis::TAMPERING,
    ];
    let name = s(r, "eventName");
    r.get("errorCode").is_none()
        && r.get("errorMessage").is_none()
        && r["userIdentity"]["type"] != "Root"
        && name != "ConsoleLogin"
        && !(name == "DisableKey" || name == "ScheduleKeyDeletion")
        && lists.iter().all(|l| !l.contains(&name))
}

#[test]
fn planted_json_agrees_with_what_the_files_hold() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive");
    let opts = full_options();
    generate(&out, &opts.iter().map(String::as_str).collect::<Vec<_>>());
    let oracle: Value = serde_json::from_slice(&std::fs::read(out.join("planted.json")).unwrap()).unwrap();
    let all = files(&out);

    let mut cells: BTreeMap<(String, String, String), (HashSet<String>, usize)> = BTreeMap::new();
    let mut by_id: HashMap<String, Value> = HashMap::new();
    let mut readable = 0;
    let mut damaged_seen = BTreeMap::new();
    for (name, bytes) in &all {
        if !name.contains("/CloudTrail/") || name.ends_with(".zip") {
            continue;
        }
        if bytes.starts_with(&[0x1f, 0x8b]) {
            assert_eq!(&bytes[2..10], &[8, 0, 0, 0, 0, 0, 0, 0], "{name}: gzip header like AWS's");
            assert_eq!(bytes[9], 0, "{name}: OS = 0");
        }
        let (list, whole) = records(bytes);
        let is_clean = whole && !list.is_empty();
        if !is_clean {
            damaged_seen.insert(name.clone(), list.len());
        }
        let mut days = HashSet::new();
        for r in &list {
            readable += 1;
            let (acct, region) = (s(&r["userIdentity"], "accountId"), s(r, "awsRegion"));
            assert!(name.contains(&format!("/{}/CloudTrail/{region}/", s(r, "recipientAccountId"))), "{name}");
            let _ = acct;
            let day = s(r, "eventTime")[..10].to_owned();
            let key = (s(r, "recipientAccountId").to_owned(), region.to_owned(), day.clone());
            let entry = cells.entry(key).or_default();
            entry.0.insert(s(r, "eventID").to_owned());
            if days.insert(day) {
                entry.1 += 1;
            }
            by_id.insert(s(r, "eventID").to_owned(), r.clone());
        }
    }
    // Cells: distinct records and files per account/region/day.
    let expected: Vec<(String, String, String, usize, usize)> = oracle["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                s(c, "account").into(),
                s(c, "region").into(),
                s(c, "day").into(),
                c["records"].as_u64().unwrap() as usize,
                c["files"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let found: Vec<(String, String, String, usize, usize)> =
        cells.iter().map(|((a, r, d), (ids, f))| (a.clone(), r.clone(), d.clone(), ids.len(), *f)).collect();
    assert_eq!(found, expected);
    assert_eq!(oracle["totals"]["records_readable"], readable);
    assert_eq!(oracle["totals"]["distinct_event_ids"], by_id.len());
    assert_eq!(oracle["totals"]["duplicates_readable"], readable - by_id.len());
    assert_eq!(oracle["duplicates"].as_array().unwrap().len(), 7);
    // The planted gap, and no other.
    let gaps: Vec<&Value> =
        oracle["gaps"].as_array().unwrap().iter().filter(|g| !g["gaps"].as_array().unwrap().is_empty()).collect();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0]["region"], "eu-west-1");
    assert_eq!(gaps[0]["gaps"], serde_json::json!([["2026-09-02", "2026-09-03"]]));
    assert!(!cells.keys().any(|(_, r, _)| r == "ap-south-1"), "the blind region has no logs");
    // Damage: every damaged file is listed with what a reader recovers.
    let damaged: BTreeMap<String, usize> = oracle["damaged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (s(d, "file").to_owned(), d["records_before_damage"].as_u64().unwrap() as usize))
        .collect();
    assert_eq!(damaged.len(), 6);
    for (file, before) in &damaged {
        let got = all.get(file).map(|b| records(b).0.len());
        assert_eq!(got, Some(*before), "{file}");
    }
    assert!(damaged_seen.keys().all(|f| damaged.contains_key(f)), "{damaged_seen:?}");
    // Planted events are there as described, and nothing else trips a detection.
    let planted = oracle["planted"].as_array().unwrap();
    assert_eq!(planted.len(), 7);
    let mut planted_ids = HashSet::new();
    for p in planted {
        let r = by_id.get(s(p, "event_id")).unwrap_or_else(|| panic!("planted {p} not found"));
        assert_eq!(r["eventName"], p["event_name"]);
        assert_eq!(r["eventTime"], p["event_time"]);
        assert_eq!(r["awsRegion"], p["region"]);
        assert_eq!(r["userIdentity"].get("arn").cloned().unwrap_or(Value::Null), p["principal_arn"]);
        let file = all.get(s(p, "file")).unwrap();
        assert!(records(file).0.iter().any(|x| x["eventID"] == p["event_id"]), "{p}");
        planted_ids.insert(s(p, "event_id").to_owned());
    }
    for (id, r) in &by_id {
        assert!(planted_ids.contains(id) || quiet(r), "background event trips a detection: {r}");
    }
    // Config exports as configured.
    let trails: Value = serde_json::from_slice(&all[&format!("config/{A}/cloudtrail-describe-trails.json")]).unwrap();
    assert_eq!(trails["trailList"][0]["IsMultiRegionTrail"], false);
    let status: Value =
        serde_json::from_slice(&all[&format!("config/{B}/cloudtrail-get-trail-status-management-events.json")])
            .unwrap();
    assert_eq!(status["IsLogging"], false);
    let regions: Value = serde_json::from_slice(&all[&format!("config/{A}/ec2-describe-regions.json")]).unwrap();
    let names: Vec<&str> = regions["Regions"].as_array().unwrap().iter().map(|r| s(r, "RegionName")).collect();
    assert_eq!(names, ["ap-south-1", "eu-west-1", "us-east-1"]);
    assert!(all[&format!("config/{A}/ec2-describe-regions.json")].starts_with(b"{\n    \"Regions\": [\n        {"));
}

#[test]
fn digests_list_hash_chain_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive");
    let opts = full_options();
    generate(&out, &opts.iter().map(String::as_str).collect::<Vec<_>>());
    let oracle: Value = serde_json::from_slice(&std::fs::read(out.join("planted.json")).unwrap()).unwrap();
    let all = files(&out);
    let d = &oracle["digests"];
    let list = |k: &str| -> HashSet<String> {
        d[k].as_array().unwrap().iter().map(|v| v.as_str().unwrap_or("").to_owned()).collect()
    };
    let (dropped_logs, unlisted, dropped_digests) =
        (list("dropped_logs"), list("unlisted_logs"), list("dropped_digests"));
    let altered: HashSet<String> =
        d["altered_logs"].as_array().unwrap().iter().map(|a| s(a, "file").to_owned()).collect();
    // Trailing garbage leaves the gzip stream, and so the hash, intact.
    let damaged: HashSet<String> = oracle["damaged"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["damage"] != "trailing_garbage")
        .map(|x| s(x, "file").to_owned())
        .collect();
    assert_eq!((dropped_logs.len(), unlisted.len(), dropped_digests.len(), altered.len()), (1, 1, 2, 2));
    let prefix = |name: &str| name.split_once('!').map_or(String::new(), |(z, _)| format!("{z}!"));
    let key_of = |account: &str| -> VerifyingKey<Sha256> {
        let keys: Value =
            serde_json::from_slice(&all[&format!("config/{account}/cloudtrail-list-public-keys.json")]).unwrap();
        let der = base64::engine::general_purpose::STANDARD.decode(s(&keys["PublicKeyList"][0], "Value")).unwrap();
        VerifyingKey::new(RsaPublicKey::from_pkcs1_der(&der).unwrap())
    };
    // Digests per account/region, by end time (the name's timestamp sorts like time).
    let mut chains: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    let mut listed_names = HashSet::new();
    for (name, bytes) in &all {
        if !name.contains("/CloudTrail-Digest/") || name.ends_with(".zip") {
            continue;
        }
        let mut content = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut content).unwrap();
        let v: Value = serde_json::from_slice(&content).unwrap();
        assert_eq!(v["digestS3Object"].as_str().map(|o| format!("{}{o}", prefix(name))), Some(name.clone()));
        for f in v["logFiles"].as_array().unwrap() {
            let log = format!("{}{}", prefix(name), s(f, "s3Object"));
            listed_names.insert(log.clone());
            match all.get(&log) {
                None => assert!(dropped_logs.contains(&log), "{log} listed but missing"),
                Some(b) => {
                    let mut text = Vec::new();
                    let ok = flate2::read::GzDecoder::new(&b[..]).read_to_end(&mut text).is_ok();
                    let same = ok && hex::encode(Sha256::digest(&text)) == s(f, "hashValue");
                    assert_eq!(!same, altered.contains(&log) || damaged.contains(&log), "{log}");
                }
            }
        }
        let cell = name.rsplit_once("/20").map(|(c, _)| c.to_owned()).unwrap();
        chains.entry(cell).or_default().push((name.clone(), content));
    }
    for u in &unlisted {
        assert!(all.contains_key(u) && !listed_names.contains(u), "{u}");
    }
    let written = d["written"].as_u64().unwrap() as usize;
    assert_eq!(chains.values().map(Vec::len).sum::<usize>(), written);
    // No digests for the account without validation.
    assert!(!chains.keys().any(|c| c.contains(&format!("AWSLogs/{B}/"))));
    let mut restarts = 0;
    for (cell, list) in &mut chains {
        list.sort_by(|a, b| a.0.cmp(&b.0));
        let account = if cell.contains(A) { A } else { B };
        let verifier = key_of(account);
        for pair in list.windows(2) {
            let (prev, next) = (&pair[0], &pair[1]);
            let n: Value = serde_json::from_slice(&next.1).unwrap();
            let p: Value = serde_json::from_slice(&prev.1).unwrap();
            if n["previousDigestS3Object"].is_null() {
                restarts += 1;
                continue;
            }
            if n["previousDigestS3Object"] != p["digestS3Object"] {
                // The one in between was dropped.
                let missing = format!("{}{}", prefix(&prev.0), s(&n, "previousDigestS3Object"));
                assert!(dropped_digests.contains(&missing), "{missing}");
                continue;
            }
            let hash = hex::encode(Sha256::digest(&prev.1));
            assert_eq!(n["previousDigestHashValue"], hash.as_str());
            let signed = format!(
                "{}\n{}/{}\n{hash}\n{}",
                s(&p, "digestEndTime"),
                s(&p, "digestS3Bucket"),
                s(&p, "digestS3Object"),
                p["previousDigestSignature"].as_str().unwrap_or("null")
            );
            let sig = Signature::try_from(hex::decode(s(&n, "previousDigestSignature")).unwrap().as_slice()).unwrap();
            verifier.verify(signed.as_bytes(), &sig).unwrap();
        }
    }
    // Account A's eu-west-1 did not log on 09-02..09-03: its chain restarts once after.
    assert_eq!(restarts, 1);
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let opts = [
        "--seed",
        "9",
        "--files-per-day",
        "5",
        "--events-per-file",
        "10",
        "--duplicates",
        "3",
        "--truncate",
        "1",
        "--digests",
    ];
    let (one, two, three) = (dir.path().join("1"), dir.path().join("2"), dir.path().join("3"));
    generate(&one, &opts);
    generate(&two, &opts);
    let mut other = opts;
    other[1] = "10";
    generate(&three, &other);
    let (a, b, c) = (files(&one), files(&two), files(&three));
    assert!(a.len() > 100);
    assert_eq!(a, b);
    assert_ne!(a.keys().collect::<Vec<_>>(), c.keys().collect::<Vec<_>>());
}

#[test]
fn target_size_is_met_roughly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    generate(&out, &["--target-mb", "3", "--events-per-file", "40"]);
    let oracle: Value = serde_json::from_slice(&std::fs::read(out.join("planted.json")).unwrap()).unwrap();
    let bytes = oracle["totals"]["uncompressed_bytes"].as_u64().unwrap() as f64;
    assert!((2.4e6..3.6e6).contains(&bytes), "{bytes}");
    let on_disk: u64 = files(&out)
        .iter()
        .filter(|(n, _)| n.contains("/CloudTrail/"))
        .map(|(_, b)| {
            let mut t = Vec::new();
            flate2::read::GzDecoder::new(&b[..]).read_to_end(&mut t).unwrap();
            t.len() as u64
        })
        .sum();
    assert_eq!(on_disk as f64, bytes);
}

#[test]
fn refuses_a_folder_that_is_not_empty_and_a_plant_on_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x"), b"x").unwrap();
    let w = Wrapper::try_parse_from(["gen", "--out", dir.path().to_str().unwrap()]).unwrap();
    assert!(run(&w.args).unwrap_err().to_string().contains("not empty"));
    let out = dir.path().join("new");
    let w = Wrapper::try_parse_from([
        "gen".to_owned(),
        "--out".to_owned(),
        out.display().to_string(),
        format!("--accounts={A}"),
        "--gap".to_owned(),
        format!("{A}/us-east-1/2026-09-02"),
        "--plant".to_owned(),
        format!("root@{A}/us-east-1/2026-09-02"),
    ])
    .unwrap();
    assert!(run(&w.args).unwrap_err().to_string().contains("no log file that day"));
}
