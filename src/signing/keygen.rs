//! Offline key generation: an ECDSA P-256 key and a self-signed certificate for signing reports, for
//! auditors without a PKI. Readers show such a signature as valid but its signer as untrusted until the
//! certificate is trusted by hand, which is what a self-signed certificate means.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{SigningError, colon_hex};

/// ub-common-name in X.520: a longer CN makes a certificate that strict parsers refuse.
const MAX_CN_CHARS: usize = 64;
/// Validity: three years covers an engagement, its SOC 2 Type II follow-up and a re-check later.
const VALIDITY_MONTHS: u32 = 36;

#[derive(Clone)]
pub struct Generated {
    /// PKCS#8 PEM of the private key.
    pub key_pem: String,
    pub cert_pem: String,
    pub fingerprint_sha256: String,
    pub subject: String,
}

impl std::fmt::Debug for Generated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generated")
            .field("subject", &self.subject)
            .field("fingerprint_sha256", &self.fingerprint_sha256)
            .finish_non_exhaustive()
    }
}

/// A fresh ECDSA P-256 key (from the OS random source) and a self-signed certificate whose subject is the
/// single attribute CN = `name` (commas stay inside the value), key usage digitalSignature + nonRepudiation,
/// valid from `not_before` for three years.
pub fn generate(name: &str, not_before: chrono::DateTime<chrono::Utc>) -> Result<Generated, SigningError> {
    let name = name.trim();
    let fail = |reason: String| SigningError::Keygen { reason };
    if name.is_empty() {
        return Err(fail("--name is empty; give the signer's name, e.g. \"Jane Auditor, Example LLP\"".into()));
    }
    if name.chars().count() > MAX_CN_CHARS {
        return Err(fail(format!(
            "--name has more than {MAX_CN_CHARS} characters (the X.509 limit for a common name)"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(fail("--name contains control characters".into()));
    }
    let not_after = not_before
        .checked_add_months(chrono::Months::new(VALIDITY_MONTHS))
        .ok_or_else(|| fail(format!("validity end of {not_before} is out of range")))?;

    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| fail(format!("cannot generate the key: {e}")))?;
    let mut params = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, name);
    params.distinguished_name = dn;
    params.not_before = to_time(not_before).map_err(fail)?;
    params.not_after = to_time(not_after).map_err(fail)?;
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature, rcgen::KeyUsagePurpose::ContentCommitment];
    params.is_ca = rcgen::IsCa::ExplicitNoCa;
    params.serial_number = Some(serial_for(key.public_key_raw()));
    let cert = params.self_signed(&key).map_err(|e| fail(format!("cannot build the certificate: {e}")))?;
    let cert_der: &[u8] = cert.der();
    let subject = x509_subject(cert_der).map_err(fail)?;
    Ok(Generated {
        key_pem: key.serialize_pem(),
        cert_pem: cert.pem(),
        fingerprint_sha256: colon_hex(&Sha256::digest(cert_der)),
        subject,
    })
}

/// A serial derived from the public key: unique per key without a second random draw, positive and
/// 16 bytes long as RFC 5280 §4.1.2.2 asks (at most 20 octets, positive).
fn serial_for(public_key_der: &[u8]) -> rcgen::SerialNumber {
    let digest = Sha256::digest(public_key_der);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // Clear the sign bit, set the next one so the INTEGER keeps all 16 bytes.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    rcgen::SerialNumber::from_slice(&bytes)
}

fn to_time(t: chrono::DateTime<chrono::Utc>) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp()).map_err(|e| format!("date {t} out of range: {e}"))
}

fn x509_subject(cert_der: &[u8]) -> Result<String, String> {
    use der::Decode as _;
    let cert = x509_cert::Certificate::from_der(cert_der).map_err(|e| format!("generated certificate: {e}"))?;
    Ok(super::keys::name_to_string(&cert.tbs_certificate.subject))
}

/// Writes `key.pem` (created with mode 0600, so it is never readable by others, even briefly) and
/// `cert.pem` in `dir` (created if missing). Refuses to overwrite either file.
pub fn write_generated(dir: &Path, g: &Generated) -> Result<(PathBuf, PathBuf), SigningError> {
    std::fs::create_dir_all(dir).map_err(|source| SigningError::Write { path: dir.into(), source })?;
    let key_path = dir.join("key.pem");
    let cert_path = dir.join("cert.pem");
    // Checked up front so an existing cert.pem does not leave a fresh key.pem behind.
    for path in [&key_path, &cert_path] {
        if path.symlink_metadata().is_ok() {
            return Err(SigningError::Exists { path: path.clone() });
        }
    }
    write_new(&key_path, g.key_pem.as_bytes(), 0o600)?;
    write_new(&cert_path, g.cert_pem.as_bytes(), 0o644)?;
    Ok((key_path, cert_path))
}

fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), SigningError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => SigningError::Exists { path: path.into() },
        _ => SigningError::Write { path: path.into(), source },
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|source| SigningError::Write { path: path.into(), source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;
    use der::Decode as _;

    fn when() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.with_ymd_and_hms(2026, 9, 30, 17, 45, 12).single().unwrap_or_default()
    }

    fn cert_of(g: &Generated) -> x509_cert::Certificate {
        let der = der::pem::decode_vec(g.cert_pem.as_bytes()).unwrap().1;
        x509_cert::Certificate::from_der(&der).unwrap()
    }

    #[test]
    fn comma_in_name_stays_one_common_name() {
        let g = generate("Jane Auditor, Example LLP", when()).unwrap();
        let cert = cert_of(&g);
        let rdns = &cert.tbs_certificate.subject.0;
        assert_eq!(rdns.len(), 1, "one RDN, not split at the comma");
        let atvs: Vec<_> = rdns[0].0.iter().collect();
        assert_eq!(atvs.len(), 1);
        assert_eq!(atvs[0].oid.to_string(), "2.5.4.3"); // id-at-commonName
        let value = der::asn1::Utf8StringRef::try_from(&atvs[0].value).unwrap();
        assert_eq!(value.as_str(), "Jane Auditor, Example LLP");
        assert_eq!(g.subject, "CN=Jane Auditor\\, Example LLP");
        // Self-signed: issuer == subject.
        assert_eq!(cert.tbs_certificate.issuer, cert.tbs_certificate.subject);
    }

    #[test]
    fn validity_and_key_usage() {
        let g = generate("A", when()).unwrap();
        let cert = cert_of(&g);
        let v = &cert.tbs_certificate.validity;
        assert_eq!(v.not_before.to_unix_duration().as_secs(), 1_790_790_312); // date -d 2026-09-30T17:45:12Z +%s
        assert_eq!(v.not_after.to_unix_duration().as_secs(), 1_885_484_712); // date -d 2029-09-30T17:45:12Z +%s
        let ku = cert
            .tbs_certificate
            .extensions
            .as_ref()
            .and_then(|exts| exts.iter().find(|e| e.extn_id.to_string() == "2.5.29.15"))
            .expect("key usage extension");
        // KeyUsage BIT STRING: digitalSignature (bit 0) + nonRepudiation (bit 1) = 0b1100_0000, 6 unused bits.
        assert_eq!(ku.extn_value.as_bytes(), &[0x03, 0x02, 0x06, 0xc0]);
        let spki_alg = cert.tbs_certificate.subject_public_key_info.algorithm.oid.to_string();
        assert_eq!(spki_alg, "1.2.840.10045.2.1");
    }

    #[test]
    fn bad_names_are_refused() {
        assert!(generate("  ", when()).is_err());
        assert!(generate(&"x".repeat(65), when()).is_err());
        assert!(generate("a\nb", when()).is_err());
        assert!(generate(&"é".repeat(64), when()).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn key_written_owner_only_and_never_overwritten() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("keys");
        let g = generate("A", when()).unwrap();
        let (key, cert) = write_generated(&out, &g).unwrap();
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(&key).unwrap(), g.key_pem);
        assert_eq!(std::fs::read_to_string(&cert).unwrap(), g.cert_pem);
        let err = write_generated(&out, &g).unwrap_err();
        assert!(matches!(err, SigningError::Exists { .. }), "{err}");
        // The written pair loads through the strict path (mode checked).
        assert!(super::super::Signer::from_pem_files(&key, &cert, &[], false).is_ok());
    }
}
