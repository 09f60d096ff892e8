//! The signer: a private key (RSA or ECDSA P-256) with its certificate and optional chain, loaded from
//! PEM files with the checks an auditor's key deserves (not readable by others, matches the certificate).

use std::path::{Path, PathBuf};

use der::{Decode, Encode};
use p256::pkcs8::DecodePrivateKey as _;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::DecodePublicKey as _;
use rsa::traits::PublicKeyParts as _;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use super::{SigningError, colon_hex};

/// RSA keys below this size are refused: 2048 bits is the floor of every current signing policy
/// (NIST SP 800-57, ETSI TS 119 312), and a report signature should outlive the engagement.
const MIN_RSA_BITS: usize = 2048;

const OID_RSA_ENCRYPTION: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC_PUBLIC_KEY: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

pub(crate) enum PrivateKey {
    // Boxed: an RSA key is several times the size of a P-256 one.
    Rsa(Box<rsa::RsaPrivateKey>),
    Ecdsa(p256::ecdsa::SigningKey),
}

pub struct Signer {
    key: PrivateKey,
    cert: Certificate,
    cert_der: Vec<u8>,
    /// Further certificates to embed (intermediates, root), in the order given, without the signer's own.
    chain_der: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Signer {
    // Never print key material, even in a debug log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("subject", &self.subject()).field("chain", &self.chain_der.len()).finish()
    }
}

impl Signer {
    /// Loads a PEM key (PKCS#8, PKCS#1 RSA or SEC1 EC) and a PEM certificate (more certificates in the same
    /// file, and those of `chain`, are embedded as the chain). A key file readable by group or others is
    /// refused unless `allow_readable_key`.
    pub fn from_pem_files(
        key: &Path,
        cert: &Path,
        chain: &[PathBuf],
        allow_readable_key: bool,
    ) -> Result<Signer, SigningError> {
        if !allow_readable_key {
            check_key_mode(key)?;
        }
        let key_text = read(key)?;
        let cert_text = read(cert)?;
        let mut chain_texts = Vec::with_capacity(chain.len());
        for path in chain {
            chain_texts.push((path.clone(), read(path)?));
        }
        let private = parse_private_key(&key_text, key)?;
        let mut certs = parse_certificates(&cert_text, cert)?;
        for (path, text) in &chain_texts {
            certs.extend(parse_certificates(text, path)?);
        }
        Signer::assemble(private, certs, key, cert)
    }

    /// Same as [`Signer::from_pem_files`] for PEM text already in memory (no file-mode check).
    pub fn from_pem(key_pem: &str, cert_pem: &str) -> Result<Signer, SigningError> {
        let key_label = Path::new("<key PEM>");
        let cert_label = Path::new("<certificate PEM>");
        let private = parse_private_key(key_pem.as_bytes(), key_label)?;
        let certs = parse_certificates(cert_pem.as_bytes(), cert_label)?;
        Signer::assemble(private, certs, key_label, cert_label)
    }

    fn assemble(
        key: PrivateKey,
        certs: Vec<Certificate>,
        key_path: &Path,
        cert_path: &Path,
    ) -> Result<Signer, SigningError> {
        let mut certs = certs.into_iter();
        let cert = certs.next().ok_or_else(|| SigningError::Cert {
            path: cert_path.into(),
            reason: "no CERTIFICATE block found".into(),
        })?;
        let cert_der = cert
            .to_der()
            .map_err(|e| SigningError::Cert { path: cert_path.into(), reason: format!("cannot re-encode: {e}") })?;
        if !key_matches(&key, &cert) {
            return Err(SigningError::KeyMismatch { key: key_path.into(), cert: cert_path.into() });
        }
        let mut chain_der: Vec<Vec<u8>> = Vec::new();
        for c in certs {
            let der = c.to_der().map_err(|e| SigningError::Cert {
                path: cert_path.into(),
                reason: format!("chain: cannot re-encode: {e}"),
            })?;
            // A chain file that repeats the signer's certificate or an intermediate must not embed it twice.
            if der != cert_der && !chain_der.contains(&der) {
                chain_der.push(der);
            }
        }
        Ok(Signer { key, cert, cert_der, chain_der })
    }

    /// Certificate subject in RFC 4514 order (most specific first), e.g. `CN=Jane Auditor\, Example LLP, O=…`.
    pub fn subject(&self) -> String {
        name_to_string(&self.cert.tbs_certificate.subject)
    }

    /// SHA-256 of the certificate DER as `AB:CD:…`.
    pub fn fingerprint_sha256(&self) -> String {
        colon_hex(&Sha256::digest(&self.cert_der))
    }

    pub(crate) fn certificate(&self) -> &Certificate {
        &self.cert
    }

    pub(crate) fn certificate_der(&self) -> &[u8] {
        &self.cert_der
    }

    pub(crate) fn chain_der(&self) -> &[Vec<u8>] {
        &self.chain_der
    }

    pub(crate) fn key(&self) -> &PrivateKey {
        &self.key
    }
}

/// RFC 4514-style rendering of a distinguished name, RDNs joined by ", " for reading.
pub(crate) fn name_to_string(name: &x509_cert::name::Name) -> String {
    name.0.iter().rev().map(|rdn| rdn.to_string()).collect::<Vec<_>>().join(", ")
}

fn read(path: &Path) -> Result<Vec<u8>, SigningError> {
    std::fs::read(path).map_err(|source| SigningError::Read { path: path.into(), source })
}

#[cfg(unix)]
fn check_key_mode(path: &Path) -> Result<(), SigningError> {
    use std::os::unix::fs::PermissionsExt as _;
    let meta = std::fs::metadata(path).map_err(|source| SigningError::Read { path: path.into(), source })?;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(SigningError::KeyReadable { path: path.into(), mode });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_key_mode(_path: &Path) -> Result<(), SigningError> {
    // No portable owner-only permission bits to check; ACLs are the platform's business.
    Ok(())
}

/// The PEM blocks of a file as (label, DER), in file order; text between blocks is ignored, as OpenSSL does.
fn pem_blocks(text: &[u8], path: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let text = std::str::from_utf8(text).map_err(|_| format!("{} is not PEM text (not UTF-8)", path.display()))?;
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let from_begin = &rest[start..];
        let label_end =
            from_begin["-----BEGIN ".len()..].find("-----").ok_or_else(|| "unterminated PEM BEGIN line".to_string())?;
        let label = &from_begin["-----BEGIN ".len()..][..label_end];
        let end_marker = format!("-----END {label}-----");
        let end = from_begin.find(&end_marker).ok_or_else(|| format!("PEM block {label} has no END line"))?;
        let block = &from_begin[..end + end_marker.len()];
        let (decoded_label, der) =
            der::pem::decode_vec(block.as_bytes()).map_err(|e| format!("PEM block {label}: {e}"))?;
        blocks.push((decoded_label.to_string(), der));
        rest = &from_begin[end + end_marker.len()..];
    }
    Ok(blocks)
}

fn parse_private_key(text: &[u8], path: &Path) -> Result<PrivateKey, SigningError> {
    let fail = |reason: String| SigningError::Key { path: path.into(), reason };
    let blocks = pem_blocks(text, path).map_err(fail)?;
    let mut keys = Vec::new();
    for (label, der) in blocks {
        match label.as_str() {
            // OpenSSL's `ecparam -genkey` writes the curve parameters before the key; the key names its curve too.
            "EC PARAMETERS" => continue,
            "PRIVATE KEY" => keys.push(parse_pkcs8(&der).map_err(fail)?),
            "RSA PRIVATE KEY" => {
                let key = rsa::RsaPrivateKey::from_pkcs1_der(&der).map_err(|e| fail(format!("PKCS#1 RSA key: {e}")))?;
                keys.push(PrivateKey::Rsa(Box::new(key)));
            }
            "EC PRIVATE KEY" => {
                let key = p256::SecretKey::from_sec1_der(&der)
                    .map_err(|e| fail(format!("SEC1 EC key (only P-256 is supported): {e}")))?;
                keys.push(PrivateKey::Ecdsa(key.into()));
            }
            "ENCRYPTED PRIVATE KEY" => {
                return Err(fail(
                    "the key is encrypted; gapscope reads unencrypted keys only (decrypt a copy with \
                     `openssl pkcs8 -in KEY -out KEY.plain` and keep it chmod 600)"
                        .into(),
                ));
            }
            other => return Err(fail(format!("unexpected PEM block {other:?} in a key file"))),
        }
    }
    let key = match (keys.pop(), keys.is_empty()) {
        (Some(k), true) => k,
        (None, _) => return Err(fail("no private key PEM block found".into())),
        (Some(_), false) => return Err(fail("more than one private key in the file".into())),
    };
    if let PrivateKey::Rsa(k) = &key {
        k.validate().map_err(|e| fail(format!("RSA key is inconsistent: {e}")))?;
        let bits = k.n().bits();
        if bits < MIN_RSA_BITS {
            return Err(fail(format!("RSA key has {bits} bits; at least {MIN_RSA_BITS} are required")));
        }
    }
    Ok(key)
}

fn parse_pkcs8(der: &[u8]) -> Result<PrivateKey, String> {
    let info = pkcs8::PrivateKeyInfo::from_der(der).map_err(|e| format!("PKCS#8 key: {e}"))?;
    let oid = info.algorithm.oid;
    if oid == OID_RSA_ENCRYPTION {
        let key = rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(|e| format!("PKCS#8 RSA key: {e}"))?;
        Ok(PrivateKey::Rsa(Box::new(key)))
    } else if oid == OID_EC_PUBLIC_KEY {
        let key = p256::SecretKey::from_pkcs8_der(der)
            .map_err(|e| format!("PKCS#8 EC key (only the P-256 curve is supported): {e}"))?;
        Ok(PrivateKey::Ecdsa(key.into()))
    } else {
        Err(format!("PKCS#8 key algorithm {oid} is not supported (use RSA or ECDSA P-256)"))
    }
}

fn parse_certificates(text: &[u8], path: &Path) -> Result<Vec<Certificate>, SigningError> {
    let fail = |reason: String| SigningError::Cert { path: path.into(), reason };
    let mut certs = Vec::new();
    for (label, der) in pem_blocks(text, path).map_err(fail)? {
        if label != "CERTIFICATE" {
            return Err(fail(format!("unexpected PEM block {label:?} in a certificate file")));
        }
        let n = certs.len() + 1;
        certs.push(Certificate::from_der(&der).map_err(|e| fail(format!("certificate #{n}: {e}")))?);
    }
    if certs.is_empty() {
        return Err(fail("no CERTIFICATE PEM block found".into()));
    }
    Ok(certs)
}

fn key_matches(key: &PrivateKey, cert: &Certificate) -> bool {
    let Ok(spki) = cert.tbs_certificate.subject_public_key_info.to_der() else { return false };
    match key {
        PrivateKey::Rsa(k) => rsa::RsaPublicKey::from_public_key_der(&spki).is_ok_and(|p| p == k.to_public_key()),
        PrivateKey::Ecdsa(k) => {
            p256::PublicKey::from_public_key_der(&spki).is_ok_and(|p| p == p256::PublicKey::from(k.verifying_key()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::keygen::generate;
    use chrono::TimeZone as _;

    fn when() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.with_ymd_and_hms(2026, 9, 30, 0, 0, 0).single().unwrap_or_default()
    }

    #[test]
    fn generated_pair_loads_and_reports_subject_and_fingerprint() {
        let g = generate("Jane Auditor, Example LLP", when()).unwrap();
        let s = Signer::from_pem(&g.key_pem, &g.cert_pem).unwrap();
        // RFC 4514 escapes the comma inside the one CN value.
        assert_eq!(s.subject(), "CN=Jane Auditor\\, Example LLP");
        let der = der::pem::decode_vec(g.cert_pem.as_bytes()).unwrap().1;
        let expected: Vec<String> = Sha256::digest(&der).iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(s.fingerprint_sha256(), expected.join(":"));
    }

    #[test]
    fn mismatched_key_and_certificate_are_refused() {
        let a = generate("A", when()).unwrap();
        let b = generate("B", when()).unwrap();
        let err = Signer::from_pem(&a.key_pem, &b.cert_pem).unwrap_err();
        assert!(matches!(err, SigningError::KeyMismatch { .. }), "{err}");
    }

    #[test]
    fn ec_parameters_block_before_the_key_is_skipped() {
        let g = generate("A", when()).unwrap();
        // `openssl ecparam -name prime256v1 -genkey` output starts with this block.
        let with_params =
            format!("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n{}", g.key_pem);
        assert!(Signer::from_pem(&with_params, &g.cert_pem).is_ok());
    }

    #[test]
    fn garbage_key_and_certificate_are_errors() {
        let g = generate("A", when()).unwrap();
        assert!(matches!(Signer::from_pem("not a key", &g.cert_pem), Err(SigningError::Key { .. })));
        assert!(matches!(Signer::from_pem(&g.key_pem, "nothing"), Err(SigningError::Cert { .. })));
        let broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(Signer::from_pem(&g.key_pem, broken), Err(SigningError::Cert { .. })));
        let unterminated = "-----BEGIN PRIVATE KEY-----\nAAAA\n";
        assert!(matches!(Signer::from_pem(unterminated, &g.cert_pem), Err(SigningError::Key { .. })));
        let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let err = Signer::from_pem(encrypted, &g.cert_pem).unwrap_err();
        assert!(err.to_string().contains("encrypted"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn readable_key_file_is_refused_unless_allowed() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let g = generate("A", when()).unwrap();
        let key = dir.path().join("key.pem");
        let cert = dir.path().join("cert.pem");
        std::fs::write(&key, &g.key_pem).unwrap();
        std::fs::write(&cert, &g.cert_pem).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = Signer::from_pem_files(&key, &cert, &[], false).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, SigningError::KeyReadable { mode: 0o644, .. }), "{text}");
        assert!(
            text.contains("0644") && text.contains("chmod 600") && text.contains(&key.display().to_string()),
            "{text}"
        );
        assert!(Signer::from_pem_files(&key, &cert, &[], true).is_ok());
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Signer::from_pem_files(&key, &cert, &[], false).is_ok());
    }

    #[test]
    fn chain_file_certificates_are_kept_once_and_not_the_signer_again() {
        let g = generate("A", when()).unwrap();
        let other = generate("Issuer", when()).unwrap();
        let cert_with_chain = format!("{}{}{}", g.cert_pem, other.cert_pem, g.cert_pem);
        let s = Signer::from_pem(&g.key_pem, &cert_with_chain).unwrap();
        assert_eq!(s.chain_der().len(), 1);
    }

    #[test]
    fn missing_key_file_names_the_path() {
        let err = Signer::from_pem_files(Path::new("/nonexistent/k.pem"), Path::new("/x"), &[], true).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/k.pem"), "{err}");
    }
}
