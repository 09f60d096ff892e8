//! CloudTrail digest files (log file integrity validation) and `aws cloudtrail list-public-keys`
//! exports: parsing, AWS's data-signing string, and verification of a digest's RSA signature
//! (`shared/formats/cloudtrail.md` § Digest files). Deciding what the digests say about an archive
//! is `cloudtrail::integrity`'s job, not this module's.

use base64::Engine;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use crate::formats::common::strip_bom;
use crate::timefmt::{Instant, parse_timestamp};

/// One digest file: the log files CloudTrail delivered for one trail and region during one hour,
/// with their hashes, and the link to the previous digest of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Digest {
    pub account: String,
    pub start: Instant,
    pub end: Instant,
    /// `digestEndTime` exactly as written: the signing string uses the text, not a reformatting.
    pub end_text: String,
    pub s3_bucket: String,
    pub s3_object: String,
    /// Lower-case hex, as `list-public-keys` spells fingerprints.
    pub key_fingerprint: Option<String>,
    pub signature_algorithm: Option<String>,
    pub previous_s3_bucket: Option<String>,
    pub previous_s3_object: Option<String>,
    /// Lower-case hex.
    pub previous_hash: Option<String>,
    pub previous_hash_algorithm: Option<String>,
    /// Hex signature of the previous digest, as written (it is part of this digest's signing string).
    pub previous_signature: Option<String>,
    pub oldest_event: Option<Instant>,
    pub newest_event: Option<Instant>,
    /// The region whose log files the digest lists (from `digestS3Object`).
    pub region: Option<String>,
    /// Trail name, from the digest object name.
    pub trail: Option<String>,
    pub log_files: Vec<DigestLogFile>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DigestLogFile {
    pub s3_bucket: String,
    pub s3_object: String,
    /// Lower-case hex of the hash of the uncompressed log file.
    pub hash: String,
    pub hash_algorithm: Option<String>,
    pub oldest_event: Option<Instant>,
    pub newest_event: Option<Instant>,
}

/// A CloudTrail public key from `list-public-keys`; the fingerprint is lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicKey {
    pub fingerprint: String,
    /// DER as exported: PKCS#1 `RSAPublicKey` (what AWS documents) or `SubjectPublicKeyInfo`.
    pub der: Vec<u8>,
    pub valid_from: Option<Instant>,
    pub valid_to: Option<Instant>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum DigestError {
    #[error("{path}: invalid JSON: {message}")]
    Json { path: String, message: String },
    #[error("{path}: the key {key} occurs twice: JSON readers disagree on which copy counts, so the file is not used")]
    DuplicateKey { path: String, key: String },
    #[error("{path}: {field} is missing or has the wrong type")]
    Missing { path: String, field: String },
    #[error("{path}: {field} is not a timestamp: {value}")]
    Timestamp { path: String, field: String, value: String },
    #[error("{path}: {field} is not a hex hash: '{value}'")]
    Hash { path: String, field: String, value: String },
    #[error("{path}: no PublicKeyList: not `aws cloudtrail list-public-keys` output")]
    NoKeyList { path: String },
    #[error("{path}: {field} is not a base64 DER RSA public key: {message}")]
    KeyValue { path: String, field: String, message: String },
    #[error("signature for digest {digest} is not hex")]
    SignatureHex { digest: String },
    #[error("public key {fingerprint} is not a usable RSA public key: {message}")]
    Key { fingerprint: String, message: String },
    #[error("digest {digest} is signed with {algorithm}; only SHA256withRSA can be verified")]
    Algorithm { digest: String, algorithm: String },
}

/// The algorithm AWS documents for digest signatures; the only one verified here.
const SIGNATURE_ALGORITHM: &str = "SHA256withRSA";

/// A digest vouches for log files: one whose keys repeat (two `hashValue`s, two `logFiles`) says two
/// things at once, and is refused rather than read one way.
fn refuse_duplicate_keys(path: &str, content: &[u8]) -> Result<(), DigestError> {
    match crate::formats::common::first_duplicate_key(content) {
        Some(key) => Err(DigestError::DuplicateKey { path: path.to_string(), key }),
        None => Ok(()),
    }
}

/// Parses a digest file's uncompressed JSON. `path` names the file in errors.
pub(crate) fn parse(path: &str, content: &[u8]) -> Result<Digest, DigestError> {
    let root: Value = serde_json::from_slice(strip_bom(content))
        .map_err(|e| DigestError::Json { path: path.to_string(), message: e.to_string() })?;
    refuse_duplicate_keys(path, content)?;
    let fields = Fields { path, prefix: String::new() };
    let object = root.as_object().ok_or_else(|| fields.missing("digestStartTime"))?;
    let entries = object.get("logFiles").and_then(Value::as_array).ok_or_else(|| fields.missing("logFiles"))?;
    let log_files = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let fields = Fields { path, prefix: format!("logFiles[{i}].") };
            let entry = entry
                .as_object()
                .ok_or_else(|| DigestError::Missing { path: path.to_string(), field: format!("logFiles[{i}]") })?;
            Ok(DigestLogFile {
                s3_bucket: fields.required_text(entry, "s3Bucket")?,
                s3_object: fields.required_text(entry, "s3Object")?,
                hash: fields.hash(entry, "hashValue")?.ok_or_else(|| fields.missing("hashValue"))?,
                hash_algorithm: fields.text(entry, "hashAlgorithm")?,
                oldest_event: fields.time(entry, "oldestEventTime")?,
                newest_event: fields.time(entry, "newestEventTime")?,
            })
        })
        .collect::<Result<Vec<_>, DigestError>>()?;
    let end_text = fields.required_text(object, "digestEndTime")?;
    let s3_object = fields.required_text(object, "digestS3Object")?;
    let name = DigestObjectName::parse(&s3_object);
    Ok(Digest {
        account: fields.required_text(object, "awsAccountId")?,
        start: fields.time(object, "digestStartTime")?.ok_or_else(|| fields.missing("digestStartTime"))?,
        end: fields.time(object, "digestEndTime")?.ok_or_else(|| fields.missing("digestEndTime"))?,
        end_text,
        s3_bucket: fields.required_text(object, "digestS3Bucket")?,
        key_fingerprint: fields.text(object, "digestPublicKeyFingerprint")?.map(|f| f.to_ascii_lowercase()),
        signature_algorithm: fields.text(object, "digestSignatureAlgorithm")?,
        previous_s3_bucket: fields.text(object, "previousDigestS3Bucket")?,
        previous_s3_object: fields.text(object, "previousDigestS3Object")?,
        previous_hash: fields.hash(object, "previousDigestHashValue")?,
        previous_hash_algorithm: fields.text(object, "previousDigestHashAlgorithm")?,
        previous_signature: fields.text(object, "previousDigestSignature")?,
        oldest_event: fields.time(object, "oldestEventTime")?,
        newest_event: fields.time(object, "newestEventTime")?,
        region: name.region,
        trail: name.trail,
        s3_object,
        log_files,
    })
}

/// Reads one JSON object's fields, naming `path` and the field's JSON path in errors.
struct Fields<'a> {
    path: &'a str,
    prefix: String,
}

impl Fields<'_> {
    fn missing(&self, name: &str) -> DigestError {
        DigestError::Missing { path: self.path.to_string(), field: format!("{}{name}", self.prefix) }
    }

    /// A text field; absent and `null` are `None` (the previous-digest fields of a chain's first
    /// digest are `null`), any other non-string is an error.
    fn text(&self, object: &Map<String, Value>, name: &str) -> Result<Option<String>, DigestError> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.missing(name)),
        }
    }

    fn required_text(&self, object: &Map<String, Value>, name: &str) -> Result<String, DigestError> {
        self.text(object, name)?.ok_or_else(|| self.missing(name))
    }

    fn time(&self, object: &Map<String, Value>, name: &str) -> Result<Option<Instant>, DigestError> {
        let Some(text) = self.text(object, name)? else { return Ok(None) };
        parse_timestamp(&text).map(Some).ok_or_else(|| DigestError::Timestamp {
            path: self.path.to_string(),
            field: format!("{}{name}", self.prefix),
            value: text,
        })
    }

    fn hash(&self, object: &Map<String, Value>, name: &str) -> Result<Option<String>, DigestError> {
        let Some(text) = self.text(object, name)? else { return Ok(None) };
        if text.is_empty() || text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DigestError::Hash {
                path: self.path.to_string(),
                field: format!("{}{name}", self.prefix),
                value: text,
            });
        }
        Ok(Some(text.to_ascii_lowercase()))
    }
}

/// What a digest object name tells: `<acct>_CloudTrail-Digest_<region>_<trail>_<home-region>_<ts>.json.gz`.
/// Trail names may contain `_`, regions never do, so the region is split off the front and the
/// home region and timestamp off the back.
struct DigestObjectName {
    region: Option<String>,
    trail: Option<String>,
}

impl DigestObjectName {
    fn parse(s3_object: &str) -> DigestObjectName {
        let folder_region = s3_object
            .split('/')
            .skip_while(|part| *part != "CloudTrail-Digest")
            .nth(1)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let base = s3_object.rsplit('/').next().unwrap_or(s3_object);
        let parts = base
            .split_once("_CloudTrail-Digest_")
            .map(|(_, rest)| rest.strip_suffix(".gz").unwrap_or(rest))
            .and_then(|rest| rest.strip_suffix(".json"))
            .and_then(|rest| rest.rsplit_once('_'))
            .and_then(|(rest, _timestamp)| rest.rsplit_once('_'))
            .and_then(|(rest, _home_region)| rest.split_once('_'))
            .filter(|(region, trail)| !region.is_empty() && !trail.is_empty());
        match parts {
            Some((region, trail)) => {
                DigestObjectName { region: Some(region.to_string()), trail: Some(trail.to_string()) }
            }
            None => DigestObjectName { region: folder_region, trail: None },
        }
    }
}

/// Parses `aws cloudtrail list-public-keys` output (`PublicKeyList`, or `publicKeyList` as AWS's
/// guide prints it), bare or inside a recorded-response wrapper `{"status_code", "data"}`.
/// Validity times may be ISO text or epoch seconds (a number or numeric text).
pub(crate) fn parse_public_keys(path: &str, content: &[u8]) -> Result<Vec<PublicKey>, DigestError> {
    let root: Value = serde_json::from_slice(strip_bom(content))
        .map_err(|e| DigestError::Json { path: path.to_string(), message: e.to_string() })?;
    refuse_duplicate_keys(path, content)?;
    let body = match root.get("data") {
        Some(data @ Value::Object(_)) if root.get("status_code").is_some() => data,
        _ => &root,
    };
    let list = body
        .as_object()
        .and_then(|o| o.iter().find(|(key, _)| key.eq_ignore_ascii_case("PublicKeyList")))
        .and_then(|(_, list)| list.as_array())
        .ok_or_else(|| DigestError::NoKeyList { path: path.to_string() })?;
    list.iter()
        .enumerate()
        .map(|(i, entry)| {
            let fields = Fields { path, prefix: format!("PublicKeyList[{i}].") };
            let entry = entry
                .as_object()
                .ok_or_else(|| DigestError::Missing { path: path.to_string(), field: format!("PublicKeyList[{i}]") })?;
            let fingerprint = fields.required_text(entry, "Fingerprint")?.to_ascii_lowercase();
            let value = fields.required_text(entry, "Value")?;
            let key_error = |message: String| DigestError::KeyValue {
                path: path.to_string(),
                field: format!("PublicKeyList[{i}].Value"),
                message,
            };
            let compact: String = value.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let der =
                base64::engine::general_purpose::STANDARD.decode(compact).map_err(|e| key_error(e.to_string()))?;
            rsa_key(&der).map_err(key_error)?;
            Ok(PublicKey {
                fingerprint,
                der,
                valid_from: key_time(&fields, entry, "ValidityStartTime")?,
                valid_to: key_time(&fields, entry, "ValidityEndTime")?,
            })
        })
        .collect()
}

/// A key validity time: epoch seconds as a number or as text (`"1436317441.0"`), or a timestamp.
fn key_time(fields: &Fields, entry: &Map<String, Value>, name: &str) -> Result<Option<Instant>, DigestError> {
    let seconds = match entry.get(name) {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match seconds {
        Some(seconds) => from_epoch_seconds(seconds).map(Some).ok_or_else(|| DigestError::Timestamp {
            path: fields.path.to_string(),
            field: format!("{}{name}", fields.prefix),
            value: seconds.to_string(),
        }),
        None => fields.time(entry, name),
    }
}

fn from_epoch_seconds(seconds: f64) -> Option<Instant> {
    if !seconds.is_finite() {
        return None;
    }
    // Whole seconds: the exports write `.0`, and fractions would only add float noise.
    let whole = seconds.floor();
    if whole.abs() > 1e12 {
        return None;
    }
    chrono::DateTime::from_timestamp(whole as i64, 0)
}

/// AWS documents the key as PKCS#1 `RSAPublicKey`, but its own sample list holds a
/// `SubjectPublicKeyInfo` too: accept both.
fn rsa_key(der: &[u8]) -> Result<RsaPublicKey, String> {
    RsaPublicKey::from_pkcs1_der(der)
        .or_else(|pkcs1| RsaPublicKey::from_public_key_der(der).map_err(|_| pkcs1.to_string()))
}

/// AWS's data-signing string for a digest: end time, `bucket/object`, hex SHA-256 of the
/// uncompressed digest, and the previous digest's signature (the literal `null` for a chain's first
/// digest, as AWS's Java signer writes it), joined by `\n`.
pub(crate) fn signing_string(digest: &Digest, content_sha256_hex: &str) -> String {
    format!(
        "{}\n{}/{}\n{}\n{}",
        digest.end_text,
        digest.s3_bucket,
        digest.s3_object,
        content_sha256_hex.to_ascii_lowercase(),
        digest.previous_signature.as_deref().unwrap_or("null")
    )
}

/// Verifies a digest's signature (hex, as S3 metadata and the next digest's
/// `previousDigestSignature` hold it): RSA PKCS#1 v1.5 over the SHA-256 of the signing string.
/// `Ok(false)` means the signature does not match; errors mean it could not be checked.
pub(crate) fn verify_signature(
    digest: &Digest,
    content_sha256_hex: &str,
    signature_hex: &str,
    key: &PublicKey,
) -> Result<bool, DigestError> {
    if let Some(algorithm) = &digest.signature_algorithm
        && !algorithm.eq_ignore_ascii_case(SIGNATURE_ALGORITHM)
    {
        return Err(DigestError::Algorithm { digest: digest.s3_object.clone(), algorithm: algorithm.clone() });
    }
    let signature = hex::decode(signature_hex.trim())
        .map_err(|_| DigestError::SignatureHex { digest: digest.s3_object.clone() })?;
    let public_key =
        rsa_key(&key.der).map_err(|message| DigestError::Key { fingerprint: key.fingerprint.clone(), message })?;
    let hashed = Sha256::digest(signing_string(digest, content_sha256_hex).as_bytes());
    Ok(public_key.verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, &signature).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::SeedableRng;
    use rsa::RsaPrivateKey;
    use rsa::pkcs1::EncodeRsaPublicKey;

    const LLM_GUARD: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/realdata/llm-guard-digest/",
        "327878933619_CloudTrail-Digest_ap-northeast-1_llm-guard-trail_us-west-2_20231015T230404Z.json"
    );

    fn t(s: &str) -> Instant {
        parse_timestamp(s).unwrap()
    }

    fn real_digest() -> Vec<u8> {
        std::fs::read(LLM_GUARD)
            .unwrap_or_else(|e| panic!("{LLM_GUARD}: {e} (vendored real exports: tests/realdata/SOURCES.md)"))
    }

    #[test]
    fn parses_the_real_llm_guard_digest() {
        let d = parse("llm-guard.json", &real_digest()).unwrap();
        // Expected values read with jq from the file, not from this parser.
        assert_eq!(d.account, "327878933619");
        assert_eq!(d.log_files.len(), 5);
        assert_eq!(d.start, t("2023-10-15T22:04:04Z"));
        assert_eq!(d.end_text, "2023-10-15T23:04:04Z");
        assert_eq!(d.s3_bucket, "llm-guard-trail");
        assert_eq!(
            d.s3_object,
            "AWSLogs/327878933619/CloudTrail-Digest/ap-northeast-1/2023/10/15/327878933619_CloudTrail-Digest_ap-northeast-1_llm-guard-trail_us-west-2_20231015T230404Z.json.gz"
        );
        assert_eq!(d.region.as_deref(), Some("ap-northeast-1"));
        assert_eq!(d.trail.as_deref(), Some("llm-guard-trail"));
        assert_eq!(d.key_fingerprint.as_deref(), Some("be2f0b997552f44942837300ba1aba9d"));
        assert_eq!(d.signature_algorithm.as_deref(), Some("SHA256withRSA"));
        assert_eq!(
            d.previous_hash.as_deref(),
            Some("8f953371d3e85eddb89b05ed6b9e680791055315c73e1025ab5dba7bb2aee189")
        );
        assert_eq!(d.previous_signature.as_ref().map(String::len), Some(512));
        assert_eq!(d.newest_event, Some(t("2023-10-15T22:58:17Z")));
        assert_eq!(d.oldest_event, Some(t("2023-10-15T22:04:51Z")));
        let first = &d.log_files[0];
        assert!(
            first
                .s3_object
                .ends_with("/327878933619_CloudTrail_ap-northeast-1_20231015T2205Z_iRIoDMA9l9Q4kmFy.json.gz")
        );
        assert_eq!(first.hash, "4309c6161e37538de72ec6f679e86b7e45aebed71fa7e76af70c3019fef44e19");
        assert_eq!(first.hash_algorithm.as_deref(), Some("SHA-256"));
        assert_eq!(d.log_files[3].oldest_event, Some(t("2023-10-15T22:10:12Z")));
    }

    fn digest_json(previous_signature: &str) -> String {
        format!(
            r#"{{"awsAccountId":"111122223333","digestStartTime":"2015-08-17T14:01:31Z","digestEndTime":"2015-08-17T15:01:31Z",
            "digestS3Bucket":"S3-bucket-name",
            "digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_my_trail_us-east-2_20150817T150131Z.json.gz",
            "digestPublicKeyFingerprint":"31E8B5433410DFB61A9DC45CC65B22FF","digestSignatureAlgorithm":"SHA256withRSA",
            "newestEventTime":null,"oldestEventTime":null,
            "previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,
            "previousDigestHashAlgorithm":null,"previousDigestSignature":{previous_signature},"logFiles":[]}}"#
        )
    }

    #[test]
    fn signing_string_is_the_documented_layout_byte_for_byte() {
        let d = parse("d.json", digest_json("null").as_bytes()).unwrap();
        let hash = "4ff08d7c6ecd6eb313257e839645d20363ee3784a2328a7d76b99b53cc9bcacd";
        // AWS: end time + '\n' + bucket/object + '\n' + hex(sha256) + '\n' + previous signature,
        // with the literal "null" for the first digest and no trailing newline.
        let expected = "2015-08-17T15:01:31Z\nS3-bucket-name/AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_my_trail_us-east-2_20150817T150131Z.json.gz\n4ff08d7c6ecd6eb313257e839645d20363ee3784a2328a7d76b99b53cc9bcacd\nnull";
        assert_eq!(signing_string(&d, hash).as_bytes(), expected.as_bytes());
        let chained = parse("d.json", digest_json(r#""6e8540b83c3a""#).as_bytes()).unwrap();
        assert!(signing_string(&chained, hash).ends_with(&format!("\n{hash}\n6e8540b83c3a")));
    }

    #[test]
    fn a_digest_or_key_list_repeating_a_key_is_refused() {
        let twice = digest_json("null").replace(r#""logFiles":[]"#, r#""logFiles":[],"logFiles":[]"#);
        let message = parse("ev/d.json", twice.as_bytes()).unwrap_err().to_string();
        assert!(message.starts_with("ev/d.json: the key logFiles occurs twice"), "{message}");
        let nested = digest_json("null").replace(
            r#""logFiles":[]"#,
            r#""logFiles":[{"s3Bucket":"b","s3Object":"o","hashValue":"00","hashValue":"11"}]"#,
        );
        let message = parse("d.json", nested.as_bytes()).unwrap_err().to_string();
        assert!(message.contains("logFiles[0].hashValue occurs twice"), "{message}");
        let keys = br#"{"PublicKeyList":[],"PublicKeyList":[]}"#;
        assert!(matches!(parse_public_keys("k.json", keys), Err(DigestError::DuplicateKey { .. })));
    }

    #[test]
    fn first_digest_fields_and_trail_names_with_underscores() {
        let d = parse("d.json", digest_json("null").as_bytes()).unwrap();
        assert_eq!(d.previous_s3_object, None);
        assert_eq!(d.previous_signature, None);
        assert_eq!(d.newest_event, None);
        assert!(d.log_files.is_empty());
        assert_eq!(d.region.as_deref(), Some("us-east-2"));
        assert_eq!(d.trail.as_deref(), Some("my_trail"));
        assert_eq!(d.key_fingerprint.as_deref(), Some("31e8b5433410dfb61a9dc45cc65b22ff"));
    }

    #[test]
    fn bad_digests_are_errors_that_name_the_file_and_field() {
        let cases: [(&str, &str); 5] = [
            ("{", "invalid JSON"),
            ("[]", "digestStartTime"),
            (r#"{"digestStartTime":"x","logFiles":[]}"#, "digestEndTime"),
            (&digest_json("null").replace("2015-08-17T14:01:31Z", "yesterday"), "digestStartTime is not a timestamp"),
            (
                &digest_json("null")
                    .replace(r#""logFiles":[]"#, r#""logFiles":[{"s3Bucket":"b","s3Object":"o","hashValue":"zz"}]"#),
                "logFiles[0].hashValue is not a hex hash",
            ),
        ];
        for (content, needle) in cases {
            let message = parse("ev/bad.json", content.as_bytes()).unwrap_err().to_string();
            assert!(message.starts_with("ev/bad.json: "), "{message}");
            assert!(message.contains(needle), "{message} lacks {needle}");
        }
        let no_hash = digest_json("null")
            .replace(r#""logFiles":[]"#, r#""logFiles":[{"s3Bucket":"b","s3Object":"o","hashValue":null}]"#);
        assert_eq!(
            parse("x", no_hash.as_bytes()).unwrap_err(),
            DigestError::Missing { path: "x".into(), field: "logFiles[0].hashValue".into() }
        );
    }

    fn test_key() -> (RsaPrivateKey, Vec<u8>) {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        // 1024 bits keeps key generation quick in debug builds; AWS uses 2048.
        let private = RsaPrivateKey::new(&mut rng, 1024).unwrap();
        let der = private.to_public_key().to_pkcs1_der().unwrap().as_bytes().to_vec();
        (private, der)
    }

    #[test]
    fn verifies_a_signature_made_over_the_signing_string() {
        let (private, der) = test_key();
        let key = PublicKey { fingerprint: "fp".into(), der, valid_from: None, valid_to: None };
        let d = parse("d.json", digest_json(r#""abcd""#).as_bytes()).unwrap();
        let hash = hex::encode(Sha256::digest(b"digest bytes"));
        let hashed = Sha256::digest(signing_string(&d, &hash).as_bytes());
        let signature = hex::encode(private.sign(Pkcs1v15Sign::new::<Sha256>(), &hashed).unwrap());
        assert_eq!(verify_signature(&d, &hash, &signature, &key), Ok(true));
        assert_eq!(verify_signature(&d, &hash, &signature.to_uppercase(), &key), Ok(true));
        // Any change to a signed part breaks it: the content hash, the end time, the previous signature.
        let other_hash = hex::encode(Sha256::digest(b"digest bytez"));
        assert_eq!(verify_signature(&d, &other_hash, &signature, &key), Ok(false));
        let mut moved = d.clone();
        moved.end_text = "2015-08-17T15:01:32Z".into();
        assert_eq!(verify_signature(&moved, &hash, &signature, &key), Ok(false));
        let mut relinked = d.clone();
        relinked.previous_signature = None;
        assert_eq!(verify_signature(&relinked, &hash, &signature, &key), Ok(false));
        assert_eq!(verify_signature(&d, &hash, "", &key), Ok(false));
        assert!(matches!(verify_signature(&d, &hash, "xyz", &key), Err(DigestError::SignatureHex { .. })));
        let broken = PublicKey { der: vec![0x30, 0x03], ..key.clone() };
        assert!(matches!(verify_signature(&d, &hash, &signature, &broken), Err(DigestError::Key { .. })));
        let mut sha1 = d.clone();
        sha1.signature_algorithm = Some("SHA1withRSA".into());
        assert!(matches!(verify_signature(&sha1, &hash, &signature, &key), Err(DigestError::Algorithm { .. })));
    }

    #[test]
    fn reads_public_keys_in_the_shapes_exports_use() {
        let (_, der) = test_key();
        let value = base64::engine::general_purpose::STANDARD.encode(&der);
        let spki = base64::engine::general_purpose::STANDARD
            .encode(pkcs8::EncodePublicKey::to_public_key_der(&RsaPublicKey::from_pkcs1_der(&der).unwrap()).unwrap());
        let cli = format!(
            r#"{{"PublicKeyList":[
                {{"Value":"{value}","ValidityStartTime":"2023-10-01T00:00:00+00:00","ValidityEndTime":"2023-10-31T00:00:00Z","Fingerprint":"BE2F0B99"}},
                {{"Value":"{spki}","ValidityStartTime":1436317441.0,"ValidityEndTime":"1438909441.0","Fingerprint":"8eba"}}]}}"#
        );
        let keys = parse_public_keys("keys.json", cli.as_bytes()).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].fingerprint, "be2f0b99");
        assert_eq!(keys[0].der, der);
        assert_eq!(keys[0].valid_from, Some(t("2023-10-01T00:00:00Z")));
        assert_eq!(keys[0].valid_to, Some(t("2023-10-31T00:00:00Z")));
        // 1436317441 s after the epoch is 2015-07-08T01:04:01Z (date -u -d @1436317441).
        assert_eq!(keys[1].valid_from, Some(t("2015-07-08T01:04:01Z")));
        assert_eq!(keys[1].valid_to, Some(t("2015-08-07T01:04:01Z")));
        let wrapped =
            format!(r#"{{"status_code":200,"data":{{"publicKeyList":[{{"Value":"{value}","Fingerprint":"aa"}}]}}}}"#);
        let keys = parse_public_keys("w.json", wrapped.as_bytes()).unwrap();
        assert_eq!((keys.len(), keys[0].valid_from), (1, None));
        assert_eq!(parse_public_keys("e.json", br#"{"PublicKeyList":[]}"#), Ok(vec![]));
    }

    #[test]
    fn bad_key_lists_are_errors_that_name_the_entry() {
        assert!(matches!(parse_public_keys("k", br#"{"Trails":[]}"#), Err(DigestError::NoKeyList { .. })));
        let not_base64 = br#"{"PublicKeyList":[{"Value":"!!!","Fingerprint":"aa"}]}"#;
        let message = parse_public_keys("k.json", not_base64).unwrap_err().to_string();
        assert!(message.starts_with("k.json: PublicKeyList[0].Value"), "{message}");
        let not_a_key = br#"{"PublicKeyList":[{"Value":"MAMCAQE=","Fingerprint":"aa"}]}"#;
        assert!(matches!(parse_public_keys("k", not_a_key), Err(DigestError::KeyValue { .. })));
        let no_fingerprint = br#"{"PublicKeyList":[{"Value":"MAMCAQE="}]}"#;
        assert_eq!(
            parse_public_keys("k", no_fingerprint),
            Err(DigestError::Missing { path: "k".into(), field: "PublicKeyList[0].Fingerprint".into() })
        );
    }
}
