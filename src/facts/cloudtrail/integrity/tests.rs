//! Each problem is planted in an otherwise sound archive (three hourly digests over three log
//! files, signed with a seeded test key) and must be found there and nowhere else.

use std::sync::OnceLock;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest as _, Sha256};

use super::*;
use crate::formats::aws::cloudtrail_digest::{parse, signing_string};

const ACCT: &str = "111122223333";
const FINGERPRINT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn private_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    // 1024 bits keeps generation quick in debug builds; AWS's keys are 2048.
    KEY.get_or_init(|| RsaPrivateKey::new(&mut ChaCha8Rng::seed_from_u64(42), 1024).unwrap())
}

fn public_key() -> PublicKey {
    let der = private_key().to_public_key().to_pkcs1_der().unwrap().as_bytes().to_vec();
    PublicKey { fingerprint: FINGERPRINT.into(), der, valid_from: None, valid_to: None }
}

fn log_name(hhmm: &str, id: &str) -> String {
    format!("{ACCT}_CloudTrail_us-east-1_20260704T{hhmm}Z_{id}.json.gz")
}

fn log(name: &str, content: &str) -> LogFileSeen {
    LogFileSeen {
        path: format!("ev/AWSLogs/{ACCT}/CloudTrail/us-east-1/2026/07/04/{name}"),
        sha256: sha(format!("stored {content}").as_bytes()),
        content_sha256: sha(content.as_bytes()),
        complete: true,
        account: Some(ACCT.into()),
        region: Some("us-east-1".into()),
        records: 1,
        oldest_event: None,
        newest_event: None,
    }
}

/// One digest to build: its window starts at `hour`:04:04 and lasts an hour.
struct Link {
    hour: u32,
    files: Vec<(String, String)>,
    chained: bool,
}

fn digest_object(end_hour: u32) -> String {
    format!(
        "AWSLogs/{ACCT}/CloudTrail-Digest/us-east-1/2026/07/04/{ACCT}_CloudTrail-Digest_us-east-1_main_us-east-1_20260704T{end_hour:02}0404Z.json.gz"
    )
}

/// Builds digests in order as CloudTrail would: each links to the one before (unless it starts a
/// chain) with that one's content hash and signature.
fn build(links: &[Link]) -> Vec<DigestSeen> {
    let mut previous: Option<(String, String, String)> = None;
    let mut built = Vec::new();
    for link in links {
        let object = digest_object(link.hour + 1);
        let link_to = previous.as_ref().filter(|_| link.chained);
        let json = serde_json::json!({
            "awsAccountId": ACCT,
            "digestStartTime": format!("2026-07-04T{:02}:04:04Z", link.hour),
            "digestEndTime": format!("2026-07-04T{:02}:04:04Z", link.hour + 1),
            "digestS3Bucket": "trail-bucket",
            "digestS3Object": object,
            "digestPublicKeyFingerprint": FINGERPRINT,
            "digestSignatureAlgorithm": "SHA256withRSA",
            "previousDigestS3Bucket": link_to.map(|_| "trail-bucket"),
            "previousDigestS3Object": link_to.map(|p| p.0.clone()),
            "previousDigestHashValue": link_to.map(|p| p.1.clone()),
            "previousDigestHashAlgorithm": link_to.map(|_| "SHA-256"),
            "previousDigestSignature": link_to.map(|p| p.2.clone()),
            "logFiles": link.files.iter().map(|(name, hash)| serde_json::json!({
                "s3Bucket": "trail-bucket",
                "s3Object": format!("AWSLogs/{ACCT}/CloudTrail/us-east-1/2026/07/04/{name}"),
                "hashValue": hash, "hashAlgorithm": "SHA-256",
                "newestEventTime": null, "oldestEventTime": null
            })).collect::<Vec<_>>()
        });
        let content = json.to_string();
        let path = format!("ev/{object}");
        let digest = parse(&path, content.as_bytes()).unwrap();
        let content_sha256 = sha(content.as_bytes());
        let hashed = Sha256::digest(signing_string(&digest, &content_sha256).as_bytes());
        let signature = hex::encode(private_key().sign(Pkcs1v15Sign::new::<Sha256>(), &hashed).unwrap());
        previous = Some((object, content_sha256.clone(), signature));
        built.push(DigestSeen { path, sha256: sha(format!("gz {content}").as_bytes()), content_sha256, digest });
    }
    built
}

struct Archive {
    logs: Vec<LogFileSeen>,
    digests: Vec<DigestSeen>,
    keys: Vec<PublicKey>,
}

impl Archive {
    fn assess(&self) -> Assessment {
        let all = assess(&self.logs, &self.digests, &self.keys);
        assert_eq!(all.len(), 1, "{all:#?}");
        all.into_iter().next().unwrap()
    }
}

/// L1 (09:10), L2 (10:15), L3 (11:20), each listed in the digest of its hour: D1 09:04–10:04
/// (starts the chain), D2 10:04–11:04, D3 11:04–12:04.
fn sound() -> Archive {
    let logs = vec![
        log(&log_name("0910", "AAAA1111"), "one"),
        log(&log_name("1015", "BBBB2222"), "two"),
        log(&log_name("1120", "CCCC3333"), "three"),
    ];
    let digests = build(&links_for(&logs));
    Archive { logs, digests, keys: vec![public_key()] }
}

fn links_for(logs: &[LogFileSeen]) -> Vec<Link> {
    logs.iter()
        .zip([9, 10, 11])
        .enumerate()
        .map(|(i, (l, hour))| Link {
            hour,
            files: vec![(file_name(&l.path), l.content_sha256.clone())],
            chained: i > 0,
        })
        .collect()
}

fn locators(a: &Assessment) -> Vec<String> {
    a.evidence.iter().map(|(file, _, locator)| format!("{file} | {locator}")).collect()
}

/// Counts of a sound archive, for tests to change only what their planted problem should.
fn sound_counts() -> Counts {
    Counts {
        log_files: 3,
        digests: 3,
        listed: 3,
        verified: 3,
        chain_links: 2,
        signatures_verified: 2,
        signatures_unverifiable: 1,
        signatures_last_of_chain: 1,
        ..Counts::default()
    }
}

#[test]
fn a_sound_archive_passes() {
    let a = sound().assess();
    assert_eq!((a.account.as_str(), a.region.as_str(), a.verdict), (ACCT, "us-east-1", Verdict::Pass));
    assert_eq!(a.counts, sound_counts());
    assert!(
        a.detail.starts_with("Log file integrity holds: 3 digests covering 2026-07-04 09:04Z–12:04Z"),
        "{}",
        a.detail
    );
    assert!(a.detail.contains("3 of 3 listed log files verified"), "{}", a.detail);
    assert!(
        a.detail.contains(
            "2 chain links verified; signatures: 2 verified, 0 failed, 1 not verifiable (1 last of its chain)"
        ),
        "{}",
        a.detail
    );
    // The population: every digest used, in time order.
    let files: Vec<&str> = a.evidence.iter().map(|(f, _, _)| f.as_str()).collect();
    assert_eq!(
        files,
        vec![
            format!("ev/{}", digest_object(10)),
            format!("ev/{}", digest_object(11)),
            format!("ev/{}", digest_object(12))
        ]
    );
}

#[test]
fn an_altered_log_file_is_found_and_only_it() {
    let mut archive = sound();
    archive.logs[1].content_sha256 = sha(b"two, edited");
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    assert_eq!(a.counts, Counts { verified: 2, altered: 1, ..sound_counts() });
    assert_eq!(a.evidence.len(), 1);
    assert_eq!(a.evidence[0].0, archive.logs[1].path);
    assert_eq!(a.evidence[0].1, archive.logs[1].sha256);
    assert!(a.evidence[0].2.contains(&sha(b"two")), "{:?}", a.evidence);
    assert!(a.detail.starts_with("Log file integrity fails: 1 log file altered"), "{}", a.detail);
    assert!(
        a.detail.contains("2026-07-04 10:15Z; e.g. 111122223333_CloudTrail_us-east-1_20260704T1015Z_BBBB2222.json.gz")
    );
}

#[test]
fn a_damaged_log_file_is_damaged_not_altered() {
    let mut archive = sound();
    archive.logs[1].content_sha256 = sha(b"tw");
    archive.logs[1].complete = false;
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Unknown);
    assert_eq!(a.counts, Counts { verified: 2, damaged: 1, ..sound_counts() });
    assert_eq!(locators(&a).len(), 1);
    assert!(locators(&a)[0].contains("BBBB2222") && locators(&a)[0].contains("damaged"));
    assert!(
        a.detail.starts_with("Log file integrity could not be fully checked: 1 log file is damaged"),
        "{}",
        a.detail
    );
}

#[test]
fn a_listed_log_file_absent_from_the_evidence_fails() {
    let mut archive = sound();
    archive.logs.remove(2);
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    assert_eq!(a.counts, Counts { log_files: 2, verified: 2, absent: 1, ..sound_counts() });
    assert_eq!(a.evidence.len(), 1);
    assert_eq!(a.evidence[0].0, format!("ev/{}", digest_object(12)));
    assert!(
        a.evidence[0].2.starts_with("logFiles[0] 111122223333_CloudTrail_us-east-1_20260704T1120Z_CCCC3333.json.gz")
    );
    assert!(a.detail.contains("1 log file listed in digests is absent from the evidence (2026-07-04 11:20Z; e.g. "));
}

#[test]
fn an_edited_digest_breaks_the_chain_and_its_signature() {
    let mut archive = sound();
    archive.digests[0].content_sha256 = sha(b"an edited digest");
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    assert_eq!(
        a.counts,
        Counts { chain_links: 1, chain_breaks: 1, signatures_verified: 1, signatures_failed: 1, ..sound_counts() }
    );
    let expected = format!("ev/{}", digest_object(10));
    assert!(a.evidence.iter().all(|(file, _, _)| *file == expected), "{:?}", locators(&a));
    assert_eq!(a.evidence.len(), 2);
    assert!(a.detail.contains("1 digest does not match the hash the next digest records"), "{}", a.detail);
    assert!(a.detail.contains("1 digest fails signature verification"), "{}", a.detail);
}

#[test]
fn a_log_file_dropped_from_a_digest_shows_as_insertion_chain_break_and_bad_signature() {
    // Someone removes L1 from D1's list and rewrites D1: D2's hash and signature no longer fit.
    let mut archive = sound();
    let mut links = links_for(&archive.logs);
    links[0].files.clear();
    let rewritten = build(&links).remove(0);
    archive.digests[0] = rewritten;
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    assert_eq!(
        a.counts,
        Counts {
            listed: 2,
            verified: 2,
            inserted: 1,
            chain_links: 1,
            chain_breaks: 1,
            signatures_verified: 1,
            signatures_failed: 1,
            ..sound_counts()
        }
    );
    let found = locators(&a);
    assert!(found.iter().any(|l| l.contains("AAAA1111") && l.contains("in no digest")), "{found:?}");
}

#[test]
fn a_deleted_digest_is_a_missing_digest_and_a_missing_hour() {
    let mut archive = sound();
    archive.digests.remove(1);
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    assert_eq!(
        a.counts,
        Counts {
            digests: 2,
            listed: 2,
            verified: 2,
            chain_links: 0,
            missing_digests: 1,
            missing_digest_hours: 1,
            signatures_verified: 0,
            signatures_unverifiable: 2,
            signatures_last_of_chain: 2,
            ..sound_counts()
        }
    );
    let found = locators(&a);
    let d2 = file_name(&digest_object(11));
    assert!(found.iter().any(|l| l.contains(&format!("previousDigestS3Object {d2} is absent"))), "{found:?}");
    // L2 was listed only in the deleted digest: it now sits in the hour nobody vouches for.
    assert!(found.iter().any(|l| l.contains("BBBB2222") && l.contains("no digest covers")), "{found:?}");
    assert!(a.detail.contains("1 hour without a digest (2026-07-04 10:04Z–11:04Z"), "{}", a.detail);
}

#[test]
fn hours_between_two_chains_are_missing_digest_hours() {
    // Logging stopped after D2 and restarted two hours later: a new chain, no digest 11:04–13:04.
    let mut archive = sound();
    let mut links = links_for(&archive.logs);
    links[2] = Link { hour: 13, files: vec![], chained: false };
    archive.digests = build(&links);
    archive.logs.remove(2);
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    assert_eq!(
        a.counts,
        Counts {
            log_files: 2,
            listed: 2,
            verified: 2,
            chain_links: 1,
            missing_digest_hours: 2,
            signatures_verified: 1,
            signatures_unverifiable: 2,
            signatures_last_of_chain: 2,
            ..sound_counts()
        }
    );
    assert!(a.detail.contains("2 hours without a digest (2026-07-04 11:04Z–13:04Z)"), "{}", a.detail);
    assert_eq!(a.evidence.len(), 1);
}

#[test]
fn an_unlisted_file_inside_the_covered_hours_is_a_possible_insertion() {
    let mut archive = sound();
    archive.logs.push(log(&log_name("1030", "EVIL0000"), "forged"));
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    assert_eq!(a.counts, Counts { log_files: 4, inserted: 1, ..sound_counts() });
    assert_eq!(a.evidence.len(), 1);
    assert!(a.evidence[0].0.ends_with("EVIL0000.json.gz"));
    assert!(a.detail.contains("possible insertion"), "{}", a.detail);
}

#[test]
fn a_hand_edited_copy_beside_its_original_fails() {
    let mut archive = sound();
    let mut copy = log(&log_name("0910", "AAAA1111"), "one, with a record added");
    copy.path = format!("ev/modified/{}", log_name("0910", "AAAA1111"));
    archive.logs.push(copy.clone());
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    // The original still matches the digest; the copy is both altered and a differing copy.
    assert_eq!(a.counts, Counts { differing_copies: 1, altered: 1, ..sound_counts() });
    let found = locators(&a);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with(&archive.logs[0].path) && found[0].contains("one of 2 versions"), "{found:?}");
    assert!(found[1].starts_with(&copy.path) && found[1].contains("one of 2 versions"), "{found:?}");
    assert!(found[2].starts_with(&copy.path) && found[2].contains("differs from"), "{found:?}");
    // An identical second copy is no problem.
    let mut archive = sound();
    let mut same = archive.logs[0].clone();
    same.path = "ev/backup/x.zip!".to_string() + &log_name("0910", "AAAA1111");
    archive.logs.push(same);
    assert_eq!(archive.assess().verdict, Verdict::Pass);
}

#[test]
fn a_signature_that_does_not_verify_fails() {
    let mut archive = sound();
    // D3 carries D2's signature; one flipped digit.
    let signature = archive.digests[2].digest.previous_signature.clone().unwrap();
    let flipped = if signature.starts_with('0') { "1" } else { "0" };
    archive.digests[2].digest.previous_signature = Some(format!("{flipped}{}", &signature[1..]));
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    assert_eq!(a.counts, Counts { signatures_verified: 1, signatures_failed: 1, ..sound_counts() });
    assert_eq!(a.evidence.len(), 1);
    assert_eq!(a.evidence[0].0, format!("ev/{}", digest_object(11)));
    // Not hex at all is a failure too, not a crash.
    archive.digests[2].digest.previous_signature = Some("not hex".into());
    let a = archive.assess();
    assert_eq!((a.verdict, a.counts.signatures_failed), (Verdict::Fail, 1));
    assert!(a.evidence[0].2.contains("is not hex"), "{:?}", a.evidence);
}

#[test]
fn without_public_keys_signatures_are_not_verifiable_but_the_hashes_still_pass() {
    let mut archive = sound();
    archive.keys.clear();
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Pass);
    assert_eq!(
        a.counts,
        Counts { signatures_verified: 0, signatures_unverifiable: 3, signatures_no_key: 2, ..sound_counts() }
    );
    assert!(
        a.detail.contains("3 not verifiable (1 last of its chain, 2 without an exported public key)"),
        "{}",
        a.detail
    );
}

#[test]
fn a_chain_that_continues_before_the_evidence_is_not_a_failure_unless_older_logs_are_here() {
    let mut archive = sound();
    archive.digests.remove(0);
    archive.logs.remove(0);
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Pass, "{}", a.detail);
    assert!(a.detail.contains("the chain continues before the earliest digest in the evidence"), "{}", a.detail);
    assert_eq!(
        a.counts,
        Counts {
            log_files: 2,
            digests: 2,
            listed: 2,
            verified: 2,
            chain_links: 1,
            signatures_verified: 1,
            ..sound_counts()
        }
    );
    // With L1 back, the digest that listed it (D1) is missing.
    archive.logs.push(log(&log_name("0910", "AAAA1111"), "one"));
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    assert_eq!((a.counts.missing_digests, a.counts.unchecked), (1, 1));
    let d1 = file_name(&digest_object(10));
    assert!(locators(&a).iter().any(|l| l.contains(&d1) && l.contains("1 log file predates")), "{:?}", locators(&a));
}

#[test]
fn log_files_from_before_validation_started_are_unchecked() {
    let mut archive = sound();
    archive.logs.push(log(&log_name("0830", "EARLY000"), "early"));
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Unknown);
    assert_eq!(a.counts, Counts { log_files: 4, unchecked: 1, ..sound_counts() });
    assert!(locators(&a)[0].contains("before the first digest (2026-07-04 09:04Z)"), "{:?}", locators(&a));
}

#[test]
fn log_files_after_the_last_digest_are_missing_hours_once_its_successor_is_overdue() {
    let mut archive = sound();
    // 12:30 belongs to the digest ending 13:04, which may postdate the export.
    archive.logs.push(log(&log_name("1230", "LATE0000"), "late"));
    assert_eq!(archive.assess().verdict, Verdict::Pass);
    // 14:30 needs the 13:04 and 14:04 digests too, which should have been delivered by then.
    archive.logs.push(log(&log_name("1430", "LATER000"), "later"));
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Fail);
    // 12:04:04 to 14:30:59 is 2 h 27 min: 3 hours without a digest.
    assert_eq!(a.counts, Counts { log_files: 5, missing_digest_hours: 3, ..sound_counts() });
    assert!(a.detail.contains("3 hours without a digest (2026-07-04 12:04Z–14:30Z)"), "{}", a.detail);
}

#[test]
fn log_files_without_digests_are_unknown() {
    let archive = Archive { digests: vec![], ..sound() };
    let a = archive.assess();
    assert_eq!(a.verdict, Verdict::Unknown);
    assert!(
        a.detail
            .starts_with("No CloudTrail digest files for this account/region are in the evidence, so its 3 log files")
    );
    assert_eq!(a.evidence.len(), 3);
    assert_eq!(a.counts, Counts { log_files: 3, ..Counts::default() });
}

#[test]
fn groups_are_per_account_and_region_sorted_and_independent_of_input_order() {
    let mut archive = sound();
    let mut other = log("222233334444_CloudTrail_eu-west-1_20260704T0910Z_ZZZZ.json.gz", "x");
    other.account = None;
    archive.logs.push(other);
    let forward = assess(&archive.logs, &archive.digests, &archive.keys);
    archive.logs.reverse();
    archive.digests.reverse();
    let backward = assess(&archive.logs, &archive.digests, &archive.keys);
    assert_eq!(forward, backward);
    let keys: Vec<(&str, &str, Verdict)> =
        forward.iter().map(|a| (a.account.as_str(), a.region.as_str(), a.verdict)).collect();
    assert_eq!(keys, vec![(ACCT, "us-east-1", Verdict::Pass), ("222233334444", "eu-west-1", Verdict::Unknown)]);
}

#[test]
fn odd_input_never_panics() {
    assert!(assess(&[], &[], &[]).is_empty());
    // An empty digest and no logs: the hour had no activity, which the digest vouches for.
    let quiet = build(&[Link { hour: 9, files: vec![], chained: false }]);
    let a = &assess(&[], &quiet, &[])[0];
    assert_eq!((a.verdict, a.counts.digests, a.counts.listed), (Verdict::Pass, 1, 0));
    // Names that are not deliveries, an empty path, unknown account.
    let mut odd = log("aws_cloudtrail.json.gz", "odd");
    odd.account = None;
    odd.region = None;
    let mut empty = log("", "");
    empty.path = String::new();
    let all = assess(&[odd.clone(), empty, odd], &quiet, &[public_key()]);
    assert_eq!(all.len(), 2);
    // Windows at the end of chrono's range must not overflow the time arithmetic.
    let far = log(&log_name("0910", "FAR00000").replace("20260704", "99991231"), "far");
    let mut distant =
        build(&[Link { hour: 9, files: vec![], chained: false }, Link { hour: 10, files: vec![], chained: false }]);
    let max = chrono::DateTime::<chrono::Utc>::MAX_UTC;
    for (d, hours) in distant.iter_mut().zip([2, 1]) {
        (d.digest.start, d.digest.end) = (max - TimeDelta::hours(hours), max);
    }
    let a = &assess(&[far], &distant, &[])[0];
    assert_eq!(a.counts.log_files, 1);
    assert_eq!((all[0].account.as_str(), all[0].verdict), ("", Verdict::Unknown));
    // A digest naming itself as its own predecessor, with a non-hex hash.
    let mut looped = quiet.clone();
    looped[0].digest.previous_s3_object = Some(looped[0].digest.s3_object.clone());
    looped[0].digest.previous_hash = Some("zz".into());
    looped[0].digest.previous_signature = Some("zz".into());
    let a = &assess(&[], &looped, &[public_key()])[0];
    assert_eq!((a.verdict, a.counts.chain_breaks, a.counts.signatures_failed), (Verdict::Fail, 1, 1));
}

fn real(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/realdata/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e} (vendored real exports: tests/realdata/SOURCES.md)"))
}

#[test]
fn the_real_llm_guard_digest_fails_for_its_five_absent_log_files() {
    let name = "327878933619_CloudTrail-Digest_ap-northeast-1_llm-guard-trail_us-west-2_20231015T230404Z.json";
    let content = real(&format!("llm-guard-digest/{name}"));
    let path = format!("llm-guard-digest/{name}");
    let digest = parse(&path, &content).unwrap();
    let seen = DigestSeen { path: path.clone(), sha256: sha(&content), content_sha256: sha(&content), digest };
    let all = assess(&[], &[seen], &[]);
    assert_eq!(all.len(), 1);
    let a = &all[0];
    assert_eq!((a.account.as_str(), a.region.as_str(), a.verdict), ("327878933619", "ap-northeast-1", Verdict::Fail));
    assert_eq!((a.counts.listed, a.counts.absent, a.counts.verified), (5, 5, 0));
    assert_eq!(a.evidence.len(), 5);
    assert!(a.evidence.iter().all(|(file, _, locator)| *file == path && locator.ends_with("absent from the evidence")));
    // jq -r '.logFiles[].s3Object' | sort: the file names and the 22:05–23:00 delivery range.
    assert!(
        a.detail.starts_with(
            "Log file integrity fails: 5 log files listed in digests are absent from the evidence (2023-10-15 22:05Z–23:00Z; e.g. \
             327878933619_CloudTrail_ap-northeast-1_20231015T2205Z_iRIoDMA9l9Q4kmFy.json.gz, \
             327878933619_CloudTrail_ap-northeast-1_20231015T2225Z_OviGSSWadUI1W1r7.json.gz, \
             327878933619_CloudTrail_ap-northeast-1_20231015T2225Z_j5hj9VuYmchJHAkK.json.gz, …)"
        ),
        "{}",
        a.detail
    );
    assert!(a.detail.contains("the chain continues before the earliest digest in the evidence"), "{}", a.detail);
}

fn real_log(path: &str) -> LogFileSeen {
    use std::io::Read;
    let stored = real(path);
    let mut content = Vec::new();
    flate2::read::MultiGzDecoder::new(stored.as_slice()).read_to_end(&mut content).unwrap();
    LogFileSeen {
        path: format!("grycap/{path}"),
        sha256: sha(&stored),
        content_sha256: sha(&content),
        complete: true,
        account: Some("974349055189".into()),
        region: Some("us-east-1".into()),
        records: 0,
        oldest_event: None,
        newest_event: None,
    }
}

#[test]
fn the_real_grycap_hand_edited_copy_fails_without_any_digest() {
    let name = "974349055189_CloudTrail_us-east-1_20170601T0740Z_Yt0KtjTLgau5Mhe6.json.gz";
    let original =
        real_log(&format!("grycap-cloudtrail-tracker/AWSLogs/974349055189/CloudTrail/us-east-1/2017/06/01/{name}"));
    let modified = real_log(&format!("grycap-cloudtrail-tracker/modified/{name}"));
    assert_ne!(original.content_sha256, modified.content_sha256);
    let all = assess(&[modified.clone(), original.clone()], &[], &[]);
    assert_eq!(all.len(), 1);
    let a = &all[0];
    assert_eq!((a.account.as_str(), a.region.as_str(), a.verdict), ("974349055189", "us-east-1", Verdict::Fail));
    assert_eq!(a.counts.differing_copies, 1);
    let files: Vec<&str> = a.evidence.iter().map(|(f, _, _)| f.as_str()).collect();
    assert_eq!(files, vec![original.path.as_str(), modified.path.as_str()]);
    assert!(a.detail.starts_with(
        "Log file integrity fails: 1 file name is held in copies with different content, so one was edited"
    ));
    assert!(a.detail.contains(name) && a.detail.contains("could not be checked against digests"), "{}", a.detail);
}
