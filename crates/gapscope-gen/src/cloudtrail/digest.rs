//! Digest files (log file integrity validation): one per account/region and hour, listing the
//! log files delivered in that hour with the SHA-256 of their uncompressed content, chained by the
//! hash and signature of the previous digest, and signed as AWS describes in "Validating
//! CloudTrail log file integrity with custom implementations". A day the trail did not log breaks
//! the chain: the first digest after it has null `previousDigest*` fields, as a chain's first does.

use anyhow::{Context, Result};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::CloudtrailArgs;
use super::exports::{Trail, write_public_key};
use super::logfile::{Written, gzip};
use super::plan::{Plan, Role};
use super::record::{compact_time, date_path, event_time};
use crate::common::{DAY, write_file};
use crate::rng::Rng;
use anyhow::ensure;
use rayon::prelude::*;

/// AWS signs digests with 2048-bit RSA keys.
const KEY_BITS: usize = 2048;

/// An account's signing key, made from the seed: the same seed gives the same key.
pub(crate) struct Key {
    pub(crate) signing: SigningKey<Sha256>,
    /// DER of the PKCS#1 RSAPublicKey, what `list-public-keys` returns base64-encoded.
    pub(crate) der: Vec<u8>,
    /// AWS's fingerprints are 32 hex digits; ours are the first 16 bytes of the DER's SHA-256.
    pub(crate) fingerprint: String,
}

impl Key {
    pub(crate) fn new(seed: u64, account: &str) -> Result<Key> {
        let mut hash = Sha256::new();
        hash.update(b"gapscope-gen digest key");
        hash.update(seed.to_le_bytes());
        hash.update(account.as_bytes());
        let mut rng = ChaCha20Rng::from_seed(hash.finalize().into());
        let private = RsaPrivateKey::new(&mut rng, KEY_BITS).context("cannot make an RSA key")?;
        let public = private.to_public_key();
        let der = public.to_pkcs1_der().context("cannot encode the public key")?.as_bytes().to_vec();
        let fingerprint = hex::encode(Sha256::digest(&der).get(..16).unwrap_or_default());
        Ok(Key { signing: SigningKey::<Sha256>::new(private), der, fingerprint })
    }
}

/// A log file as a digest lists it.
#[derive(Clone)]
pub(crate) struct Listed {
    pub(crate) path: String,
    pub(crate) delivered: i64,
    pub(crate) sha256: [u8; 32],
    pub(crate) oldest: i64,
    pub(crate) newest: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogEntry<'a> {
    s3_bucket: &'a str,
    s3_object: &'a str,
    hash_value: String,
    hash_algorithm: &'static str,
    newest_event_time: String,
    oldest_event_time: String,
}

/// The digest document, fields in AWS's order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    aws_account_id: &'a str,
    digest_start_time: String,
    digest_end_time: String,
    #[serde(rename = "digestS3Bucket")]
    digest_s3_bucket: &'a str,
    #[serde(rename = "digestS3Object")]
    digest_s3_object: &'a str,
    digest_public_key_fingerprint: &'a str,
    digest_signature_algorithm: &'static str,
    newest_event_time: Option<String>,
    oldest_event_time: Option<String>,
    #[serde(rename = "previousDigestS3Bucket")]
    previous_digest_s3_bucket: Option<&'a str>,
    #[serde(rename = "previousDigestS3Object")]
    previous_digest_s3_object: Option<&'a str>,
    previous_digest_hash_value: Option<&'a str>,
    previous_digest_hash_algorithm: Option<&'static str>,
    previous_digest_signature: Option<&'a str>,
    log_files: Vec<LogEntry<'a>>,
}

/// A digest as made: its S3 key, uncompressed content and signature.
pub(crate) struct Made {
    pub(crate) path: String,
    pub(crate) content: Vec<u8>,
    pub(crate) signature: String,
    pub(crate) end: i64,
    pub(crate) listed: usize,
    pub(crate) first_of_chain: bool,
}

/// One account/region's chain.
pub(crate) struct Chain<'a> {
    pub(crate) seed: u64,
    pub(crate) account: &'a str,
    pub(crate) region: &'a str,
    pub(crate) home_region: &'a str,
    pub(crate) trail: &'a str,
    pub(crate) bucket: &'a str,
    pub(crate) day0: i64,
    /// Whether the trail logged each day of the period.
    pub(crate) active: &'a [bool],
    pub(crate) key: &'a Key,
}

pub(crate) fn digest_path(c: &Chain<'_>, end: i64) -> String {
    format!(
        "AWSLogs/{a}/CloudTrail-Digest/{r}/{}/{a}_CloudTrail-Digest_{r}_{}_{}_{}.json.gz",
        date_path(end),
        c.trail,
        c.home_region,
        compact_time(end, true),
        a = c.account,
        r = c.region
    )
}

/// AWS's digests are written by Java and escape every `/` as `\/`; `/` appears only inside strings.
fn java_escaped(json: &str) -> String {
    json.replace('/', "\\/")
}

impl Chain<'_> {
    /// The digests of the period, in time order. `files` are the log files delivered and listed.
    pub(crate) fn make(&self, files: &mut [Listed]) -> Result<Vec<Made>> {
        files.sort_by(|a, b| (a.delivered, &a.path).cmp(&(b.delivered, &b.path)));
        let mut rng = Rng::derived(self.seed, &[b"digest-offset", self.account.as_bytes(), self.region.as_bytes()]);
        // Digest hours start at some second of the hour that each region keeps (22:04:04 in the real one).
        let offset = rng.range(61, 3539);
        let days = self.active.len() as i64;
        let first = self.day0 - 3600 + offset;
        let logged = |t: i64| {
            let d = (t - self.day0).div_euclid(DAY);
            d >= 0 && self.active.get(d as usize).copied().unwrap_or(false)
        };
        let mut out: Vec<Made> = Vec::new();
        let mut previous: Option<(String, String, String)> = None;
        let mut at = 0;
        for w in 0..=days * 24 {
            let (start, end) = (first + w * 3600, first + (w + 1) * 3600);
            let from = at;
            while files.get(at).is_some_and(|f| f.delivered < end) {
                at += 1;
            }
            if !logged(start) && !logged(end - 1) {
                previous = None;
                continue;
            }
            let listed = files.get(from..at).unwrap_or_default();
            let path = digest_path(self, end);
            let log_files = listed
                .iter()
                .map(|f| LogEntry {
                    s3_bucket: self.bucket,
                    s3_object: &f.path,
                    hash_value: hex::encode(f.sha256),
                    hash_algorithm: "SHA-256",
                    newest_event_time: event_time(f.newest),
                    oldest_event_time: event_time(f.oldest),
                })
                .collect();
            let doc = Document {
                aws_account_id: self.account,
                digest_start_time: event_time(start),
                digest_end_time: event_time(end),
                digest_s3_bucket: self.bucket,
                digest_s3_object: &path,
                digest_public_key_fingerprint: &self.key.fingerprint,
                digest_signature_algorithm: "SHA256withRSA",
                newest_event_time: listed.iter().map(|f| f.newest).max().map(event_time),
                oldest_event_time: listed.iter().map(|f| f.oldest).min().map(event_time),
                previous_digest_s3_bucket: previous.as_ref().map(|_| self.bucket),
                previous_digest_s3_object: previous.as_ref().map(|p| p.0.as_str()),
                previous_digest_hash_value: previous.as_ref().map(|p| p.1.as_str()),
                previous_digest_hash_algorithm: previous.as_ref().map(|_| "SHA-256"),
                previous_digest_signature: previous.as_ref().map(|p| p.2.as_str()),
                log_files,
            };
            let content = java_escaped(&serde_json::to_string(&doc)?).into_bytes();
            let hash = hex::encode(Sha256::digest(&content));
            let signed = signing_string(&doc.digest_end_time, self.bucket, &path, &hash, doc.previous_digest_signature);
            let signature = hex::encode(self.key.signing.sign(signed.as_bytes()).to_bytes());
            let first_of_chain = previous.is_none();
            previous = Some((path.clone(), hash, signature.clone()));
            out.push(Made { path, content, signature, end, listed: listed.len(), first_of_chain });
        }
        Ok(out)
    }
}

/// What the signature covers (AWS: "Validating CloudTrail log file integrity with custom
/// implementations"); the first digest of a chain signs the literal `null`.
pub(crate) fn signing_string(end: &str, bucket: &str, object: &str, hash_hex: &str, previous: Option<&str>) -> String {
    format!("{end}\n{bucket}/{object}\n{hash_hex}\n{}", previous.unwrap_or("null"))
}

/// Makes, signs and writes every digest of the accounts whose trail validates log files (the
/// zipped region's into `zip_members`), and the accounts' public keys; notes what it did in `facts`.
pub(crate) fn write_all(
    a: &CloudtrailArgs,
    plan: &Plan,
    written: &[Written],
    trails: &[Trail],
    day0: i64,
    zip_members: &mut Vec<(String, i64, Vec<u8>)>,
    facts: &mut super::oracle::Digests,
) -> Result<()> {
    let signed: Vec<usize> =
        (0..a.accounts.len()).filter(|&n| trails.get(n).is_some_and(|t| t.log_file_validation)).collect();
    let keys: Vec<(usize, Key)> =
        signed.par_iter().map(|&n| Key::new(a.seed, &a.accounts[n]).map(|k| (n, k))).collect::<Result<_>>()?;
    let cells: Vec<(usize, usize)> =
        keys.iter().flat_map(|(n, _)| (0..a.regions.len()).map(move |r| (*n, r))).collect();
    let made: Vec<(usize, usize, Vec<Made>)> = cells
        .par_iter()
        .map(|&(n, r)| {
            let key = keys.iter().find(|(k, _)| *k == n).map(|(_, k)| k).context("internal error: no key")?;
            let mut listed: Vec<Listed> = plan
                .files
                .iter()
                .zip(written)
                .filter(|(f, _)| f.account == n && f.region == r && f.role != Role::Unlisted)
                .map(|(f, w)| Listed {
                    path: f.path.clone(),
                    delivered: f.end,
                    sha256: w.sha256,
                    oldest: w.oldest,
                    newest: w.newest,
                })
                .collect();
            let chain = Chain {
                seed: a.seed,
                account: &a.accounts[n],
                region: &a.regions[r],
                home_region: &a.regions[0],
                trail: &a.trail,
                bucket: &trails[n].bucket,
                day0,
                active: plan.active.get(n * a.regions.len() + r).map_or(&[][..], Vec::as_slice),
                key,
            };
            chain.make(&mut listed).map(|m| (n, r, m))
        })
        .collect::<Result<_>>()?;
    let total: usize = made.iter().map(|m| m.2.len()).sum();
    ensure!(a.drop_digest <= total, "--drop-digest {}: only {total} digests are made", a.drop_digest);
    let mut rng = Rng::derived(a.seed, &[b"drop-digest"]);
    let mut dropped: Vec<usize> = Vec::new();
    while dropped.len() < a.drop_digest {
        let k = rng.below(total as u64) as usize;
        if !dropped.contains(&k) {
            dropped.push(k);
        }
    }
    let mut k = 0;
    for (n, r, list) in &made {
        let zipped = a.zip_region.as_ref().is_some_and(|c| c.account == a.accounts[*n] && c.region == a.regions[*r]);
        let mut written_here = 0;
        for m in list {
            if dropped.contains(&k) {
                let name = if zipped {
                    format!("{}-{}.zip!{}", a.accounts[*n], a.regions[*r], m.path)
                } else {
                    m.path.clone()
                };
                facts.dropped_digests.push(name);
            } else {
                let bytes = gzip(&m.content)?;
                if zipped {
                    zip_members.push((m.path.clone(), m.end, bytes));
                } else {
                    write_file(&a.out.join(&m.path), &bytes)?;
                }
                written_here += 1;
            }
            k += 1;
        }
        facts.written += written_here;
        facts.per_cell.push(super::oracle::DigestCell {
            account: a.accounts[*n].clone(),
            region: a.regions[*r].clone(),
            made: list.len(),
            written: written_here,
            chains: list.iter().filter(|m| m.first_of_chain).count(),
            log_files_listed: list.iter().map(|m| m.listed).sum(),
            last_signature: list.last().map(|m| m.signature.clone()),
        });
    }
    facts.dropped_digests.sort();
    let last = day0 + plan.active.first().map_or(0, |d| d.len() as i64) * DAY;
    for (n, key) in &keys {
        let dir = a.out.join("config").join(&a.accounts[*n]);
        write_public_key(&dir, &key.der, &key.fingerprint, day0 - DAY, last + 365 * DAY)?;
        facts
            .public_keys
            .push(super::oracle::KeyOut { account: a.accounts[*n].clone(), fingerprint: key.fingerprint.clone() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::RsaPublicKey;
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;
    use serde_json::Value;

    #[test]
    fn chains_link_hash_and_signature_and_break_after_a_silent_day() {
        let key = Key::new(1, "111122223333").unwrap();
        let active = [true, false, true];
        let day0 = 20_697 * DAY;
        let chain = Chain {
            seed: 1,
            account: "111122223333",
            region: "eu-west-1",
            home_region: "us-east-1",
            trail: "mgmt",
            bucket: "logs-bucket",
            day0,
            active: &active,
            key: &key,
        };
        let mut files = vec![
            Listed {
                path: "AWSLogs/a.json.gz".into(),
                delivered: day0 + 600,
                sha256: [7; 32],
                oldest: day0 + 400,
                newest: day0 + 590,
            },
            Listed {
                path: "AWSLogs/b.json.gz".into(),
                delivered: day0 + 2 * DAY + 900,
                sha256: [9; 32],
                oldest: day0 + 2 * DAY + 700,
                newest: day0 + 2 * DAY + 800,
            },
        ];
        let made = chain.make(&mut files).unwrap();
        // Day 0: 24 hours + the hour that started the evening before; day 2 likewise: 2 × 25
        // windows touch a logged day; the silent day 1 writes none.
        assert_eq!(made.len(), 50);
        assert_eq!(made.iter().filter(|m| m.first_of_chain).count(), 2);
        assert_eq!(made.iter().map(|m| m.listed).sum::<usize>(), 2);
        let public = RsaPublicKey::from_pkcs1_der(&key.der).unwrap();
        let verifier = VerifyingKey::<Sha256>::new(public);
        for pair in made.windows(2) {
            let (prev, next) = (&pair[0], &pair[1]);
            let v: Value = serde_json::from_slice(&next.content).unwrap();
            let p: Value = serde_json::from_slice(&prev.content).unwrap();
            if next.first_of_chain {
                assert!(v["previousDigestSignature"].is_null() && v["previousDigestHashValue"].is_null());
                continue;
            }
            assert_eq!(v["previousDigestS3Object"], p["digestS3Object"]);
            assert_eq!(v["previousDigestHashValue"], hex::encode(Sha256::digest(&prev.content)));
            assert_eq!(v["previousDigestSignature"], prev.signature.as_str());
            // The previous digest's signature verifies over AWS's signing string.
            let before = p["previousDigestSignature"].as_str();
            let text = signing_string(
                p["digestEndTime"].as_str().unwrap(),
                "logs-bucket",
                p["digestS3Object"].as_str().unwrap(),
                &hex::encode(Sha256::digest(&prev.content)),
                before,
            );
            let sig = Signature::try_from(hex::decode(&prev.signature).unwrap().as_slice()).unwrap();
            verifier.verify(text.as_bytes(), &sig).unwrap();
        }
        let text = String::from_utf8(made[0].content.clone()).unwrap();
        assert!(text.contains("AWSLogs\\/111122223333\\/CloudTrail-Digest\\/eu-west-1\\/"), "{text}");
        let v: Value = serde_json::from_slice(&made[0].content).unwrap();
        assert_eq!(v["logFiles"][0]["hashValue"], hex::encode([7u8; 32]));
        assert_eq!(v["digestSignatureAlgorithm"], "SHA256withRSA");
        let tail = format!("_CloudTrail-Digest_eu-west-1_mgmt_us-east-1_{}.json.gz", compact_time(made[0].end, true));
        assert!(made[0].path.ends_with(&tail), "{}", made[0].path);
    }

    #[test]
    fn keys_are_deterministic_per_seed_and_account() {
        let a = Key::new(5, "111122223333").unwrap();
        assert_eq!(a.der, Key::new(5, "111122223333").unwrap().der);
        assert_ne!(a.der, Key::new(5, "444455556666").unwrap().der);
        assert_eq!(a.fingerprint.len(), 32);
    }
}
