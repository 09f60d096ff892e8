//! The CMS SignedData inside a PDF signature's /Contents: built for a digest of the signed byte ranges
//! (detached, SHA-256, CAdES signed attributes), and checked the same way a PDF reader does.

use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{GeneralizedTime, ObjectIdentifier as Oid, OctetString, SetOfVec, UtcTime};
use der::{Any, Decode, Encode, Reader as _, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::time::Time;

use super::keys::{PrivateKey, Signer, name_to_string};
use super::{SigningError, colon_hex};

const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
const ID_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
const ID_SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");

/// ESSCertIDv2 (RFC 5035) with the hash algorithm left at its DEFAULT, SHA-256, which DER omits.
#[derive(Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

/// SigningCertificateV2 (RFC 5035): binds the signer's certificate into the signed attributes (CAdES).
#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn attribute(oid: Oid, value: Any) -> Result<Attribute, SigningError> {
    let values = SetOfVec::try_from(vec![value]).map_err(SigningError::cms)?;
    Ok(Attribute { oid, values })
}

fn any_of<T: Encode>(value: &T) -> Result<Any, SigningError> {
    // Through DER rather than `Any::encode_from`, which takes no CHOICE types such as `Time`.
    let der = value.to_der().map_err(SigningError::cms)?;
    Any::from_der(&der).map_err(SigningError::cms)
}

/// RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime outside.
fn cms_time(t: DateTime<Utc>) -> Result<Time, SigningError> {
    let secs =
        u64::try_from(t.timestamp()).map_err(|_| SigningError::cms(format!("signing time {t} is before 1970")))?;
    let d = std::time::Duration::from_secs(secs);
    let year = chrono::Datelike::year(&t);
    if (1950..2050).contains(&year) {
        Ok(Time::UtcTime(UtcTime::from_unix_duration(d).map_err(SigningError::cms)?))
    } else {
        Ok(Time::GeneralTime(GeneralizedTime::from_unix_duration(d).map_err(SigningError::cms)?))
    }
}

/// DER of a ContentInfo(SignedData) signing `content_digest` (SHA-256 of the PDF's signed byte ranges).
pub(crate) fn build(
    signer: &Signer,
    content_digest: &[u8],
    signing_time: DateTime<Utc>,
) -> Result<Vec<u8>, SigningError> {
    let sha256 = AlgorithmIdentifierOwned { oid: ID_SHA256, parameters: None };
    let cert_hash = OctetString::new(Sha256::digest(signer.certificate_der()).to_vec()).map_err(SigningError::cms)?;
    let signing_certificate = SigningCertificateV2 { certs: vec![EssCertIdV2 { cert_hash }] };
    let attrs = vec![
        attribute(ID_CONTENT_TYPE, any_of(&ID_DATA)?)?,
        attribute(ID_SIGNING_TIME, any_of(&cms_time(signing_time)?)?)?,
        attribute(ID_MESSAGE_DIGEST, any_of(&OctetString::new(content_digest).map_err(SigningError::cms)?)?)?,
        attribute(ID_SIGNING_CERTIFICATE_V2, any_of(&signing_certificate)?)?,
    ];
    // SET OF is sorted by its DER encoding; SetOfVec does that, so what is signed is what is encoded.
    let signed_attrs = SetOfVec::try_from(attrs).map_err(SigningError::cms)?;
    let to_sign = signed_attrs.to_der().map_err(SigningError::cms)?;

    let (signature_algorithm, signature) = match signer.key() {
        PrivateKey::Rsa(key) => {
            use rsa::signature::{SignatureEncoding as _, Signer as _};
            let sk = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.as_ref().clone());
            let sig = sk.try_sign(&to_sign).map_err(SigningError::cms)?;
            let alg = AlgorithmIdentifierOwned { oid: SHA256_WITH_RSA, parameters: Some(Any::null()) };
            (alg, sig.to_vec())
        }
        PrivateKey::Ecdsa(key) => {
            use p256::ecdsa::signature::Signer as _;
            // RFC 6979: the nonce is derived from key and message, so the same input signs identically.
            let sig: p256::ecdsa::Signature = key.try_sign(&to_sign).map_err(SigningError::cms)?;
            let alg = AlgorithmIdentifierOwned { oid: ECDSA_WITH_SHA256, parameters: None };
            (alg, sig.to_der().as_bytes().to_vec())
        }
    };

    let cert = signer.certificate();
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256.clone(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm,
        signature: OctetString::new(signature).map_err(SigningError::cms)?,
        unsigned_attrs: None,
    };
    let mut certificates = SetOfVec::new();
    certificates.insert(CertificateChoices::Certificate(cert.clone())).map_err(SigningError::cms)?;
    for der in signer.chain_der() {
        let c = Certificate::from_der(der).map_err(SigningError::cms)?;
        certificates.insert(CertificateChoices::Certificate(c)).map_err(SigningError::cms)?;
    }
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256]).map_err(SigningError::cms)?,
        encap_content_info: EncapsulatedContentInfo { econtent_type: ID_DATA, econtent: None },
        certificates: Some(CertificateSet(certificates)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info]).map_err(SigningError::cms)?),
    };
    let info = ContentInfo { content_type: ID_SIGNED_DATA, content: any_of(&signed_data)? };
    info.to_der().map_err(SigningError::cms)
}

/// What checking one CMS signature found. Problems are sentences for the verify report.
#[derive(Debug, Default)]
pub(crate) struct CmsCheck {
    pub subject: String,
    pub fingerprint_sha256: String,
    pub signing_time: Option<DateTime<Utc>>,
    /// The certificate the signer info names (issuer and serial) is not in the certificate set.
    pub signer_certificate_missing: bool,
    /// A messageDigest attribute was read and compared (`digest_matches` says how it came out).
    pub digest_checked: bool,
    pub digest_matches: bool,
    pub signature_valid: bool,
    /// Certificates of the set that issue the signer's, in order up the chain (`--sign-chain`).
    pub chain: Vec<CertificateSummary>,
    /// Certificates of the set that are neither the signer's nor in its issuer chain. The set is
    /// outside the signed attributes, so anyone can add to it after signing without breaking the
    /// signature; gapscope never writes one.
    pub extra: Vec<CertificateSummary>,
    pub problems: Vec<String>,
}

/// A certificate as the verify report names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSummary {
    /// RFC 4514 subject, e.g. `CN=Jane Auditor\, Example LLP`.
    pub subject: String,
    /// SHA-256 of its DER, `AB:CD:…`.
    pub fingerprint_sha256: String,
}

impl CertificateSummary {
    fn of(cert: &Certificate) -> CertificateSummary {
        let fingerprint_sha256 = cert.to_der().map(|der| colon_hex(&Sha256::digest(der))).unwrap_or_default();
        CertificateSummary { subject: name_to_string(&cert.tbs_certificate.subject), fingerprint_sha256 }
    }
}

/// Splits the certificate set into the signer's issuer chain (matched by name from the signer up,
/// as a PDF reader builds it; trust is not judged here) and everything else.
fn classify<'c>(signer: &Certificate, others: Vec<&'c Certificate>) -> (Vec<&'c Certificate>, Vec<&'c Certificate>) {
    let mut rest = others;
    let mut chain: Vec<&Certificate> = Vec::new();
    let mut current_issuer = &signer.tbs_certificate.issuer;
    let mut current_subject = &signer.tbs_certificate.subject;
    // Each step moves one certificate from `rest` to `chain`, so this ends.
    while current_issuer != current_subject {
        let Some(at) = rest.iter().position(|c| &c.tbs_certificate.subject == current_issuer) else { break };
        let next = rest.remove(at);
        chain.push(next);
        current_issuer = &next.tbs_certificate.issuer;
        current_subject = &next.tbs_certificate.subject;
    }
    (chain, rest)
}

/// Checks a /Contents value against the signed bytes (`signed`, the ByteRange pieces in order).
/// Never fails: anything wrong becomes a problem and leaves the flags false.
pub(crate) fn check(contents: &[u8], signed: &[&[u8]]) -> CmsCheck {
    let mut out = CmsCheck::default();
    if let Err(problem) = check_into(contents, signed, &mut out) {
        out.problems.push(problem);
    }
    out
}

fn check_into(contents: &[u8], signed: &[&[u8]], out: &mut CmsCheck) -> Result<(), String> {
    let mut reader = der::SliceReader::new(contents).map_err(|e| format!("/Contents is not DER: {e}"))?;
    let info = ContentInfo::decode(&mut reader).map_err(|e| format!("/Contents is not a CMS ContentInfo: {e}"))?;
    let used = usize::try_from(u32::from(reader.position())).unwrap_or(usize::MAX);
    // The placeholder is padded with zeros; anything else after the structure is not ours.
    if contents.get(used..).is_some_and(|rest| rest.iter().any(|&b| b != 0)) {
        out.problems.push("/Contents has non-zero bytes after the CMS structure".into());
    }
    if info.content_type != ID_SIGNED_DATA {
        return Err(format!("CMS content type is {}, not signedData", info.content_type));
    }
    let signed_data: SignedData = info.content.decode_as().map_err(|e| format!("CMS SignedData: {e}"))?;
    if signed_data.encap_content_info.econtent.is_some() {
        out.problems.push("CMS carries encapsulated content; a PDF signature must be detached".into());
    }
    let signer_infos: Vec<&SignerInfo> = signed_data.signer_infos.0.iter().collect();
    let [signer_info] = signer_infos.as_slice() else {
        return Err(format!("CMS has {} signer infos; expected exactly one", signer_infos.len()));
    };
    let choices: Vec<&CertificateChoices> =
        signed_data.certificates.as_ref().map(|set| set.0.iter().collect()).unwrap_or_default();
    let certs: Vec<&Certificate> = choices
        .iter()
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    let others = choices.len() - certs.len();
    if others > 0 {
        let entries = if others == 1 { "entry" } else { "entries" };
        out.problems.push(format!("the CMS certificate set holds {others} {entries} that are not X.509 certificates"));
    }
    let cert = match &signer_info.sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => certs
            .iter()
            .find(|c| c.tbs_certificate.issuer == id.issuer && c.tbs_certificate.serial_number == id.serial_number)
            .copied()
            .ok_or_else(|| {
                out.signer_certificate_missing = true;
                format!(
                    "the signer's certificate (issuer {}, serial {}) is missing from the CMS certificate set{}: the \
                     signature cannot be checked",
                    name_to_string(&id.issuer),
                    colon_hex(id.serial_number.as_bytes()),
                    if certs.is_empty() { ", which is empty" } else { "" }
                )
            })?,
        SignerIdentifier::SubjectKeyIdentifier(_) => {
            return Err("signer identified by subjectKeyIdentifier, which is not supported".into());
        }
    };
    let cert_der = cert.to_der().map_err(|e| format!("signer certificate: {e}"))?;
    out.subject = name_to_string(&cert.tbs_certificate.subject);
    out.fingerprint_sha256 = colon_hex(&Sha256::digest(&cert_der));
    let others: Vec<&Certificate> = certs.iter().copied().filter(|c| !std::ptr::eq(*c, cert)).collect();
    let (chain, extra) = classify(cert, others);
    out.chain = chain.into_iter().map(CertificateSummary::of).collect();
    out.extra = extra.into_iter().map(CertificateSummary::of).collect();

    if signer_info.digest_alg.oid != ID_SHA256 {
        return Err(format!("digest algorithm {} is not supported (SHA-256 only)", signer_info.digest_alg.oid));
    }
    let attrs = signer_info.signed_attrs.as_ref().ok_or("the CMS has no signed attributes")?;
    let single = |oid: Oid| -> Option<&Any> {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| if a.values.len() == 1 { a.values.iter().next() } else { None })
    };
    let mut hasher = Sha256::new();
    for piece in signed {
        hasher.update(piece);
    }
    let actual = hasher.finalize();
    match single(ID_MESSAGE_DIGEST).map(|v| v.decode_as::<OctetString>()) {
        Some(Ok(claimed)) => {
            out.digest_checked = true;
            out.digest_matches = claimed.as_bytes() == actual.as_slice();
            if !out.digest_matches {
                out.problems
                    .push("the signed bytes changed: their SHA-256 differs from the signed messageDigest".into());
            }
        }
        _ => out.problems.push("messageDigest attribute missing or malformed".into()),
    }
    match single(ID_CONTENT_TYPE).map(|v| v.decode_as::<Oid>()) {
        Some(Ok(oid)) if oid == ID_DATA => {}
        _ => out.problems.push("contentType attribute missing or not id-data".into()),
    }
    if let Some(v) = single(ID_SIGNING_TIME) {
        match v.to_der().and_then(|der| Time::from_der(&der)) {
            Ok(t) => out.signing_time = DateTime::<Utc>::from_timestamp(t.to_unix_duration().as_secs() as i64, 0),
            Err(e) => out.problems.push(format!("signingTime attribute malformed: {e}")),
        }
    }
    if let Some(v) = single(ID_SIGNING_CERTIFICATE_V2) {
        let cert_hash = Sha256::digest(&cert_der);
        let matches = v
            .decode_as::<SigningCertificateV2>()
            .ok()
            .and_then(|s| s.certs.into_iter().next())
            .is_some_and(|id| id.cert_hash.as_bytes() == cert_hash.as_slice());
        if !matches {
            out.problems.push("signingCertificateV2 does not name the signer's certificate".into());
        }
    }

    let signed_attrs_der = attrs.to_der().map_err(|e| format!("signed attributes: {e}"))?;
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let spki_der = spki.to_der().map_err(|e| format!("signer public key: {e}"))?;
    let sig_alg = signer_info.signature_algorithm.oid;
    let sig = signer_info.signature.as_bytes();
    let verified = match spki.algorithm.oid {
        oid if oid == RSA_ENCRYPTION => {
            use rsa::pkcs8::DecodePublicKey as _;
            use rsa::signature::Verifier as _;
            if sig_alg != RSA_ENCRYPTION && sig_alg != SHA256_WITH_RSA {
                return Err(format!("signature algorithm {sig_alg} does not fit an RSA key with SHA-256"));
            }
            let key = rsa::RsaPublicKey::from_public_key_der(&spki_der).map_err(|e| format!("RSA public key: {e}"))?;
            let signature = rsa::pkcs1v15::Signature::try_from(sig).map_err(|e| format!("RSA signature: {e}"))?;
            rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key).verify(&signed_attrs_der, &signature).is_ok()
        }
        oid if oid == EC_PUBLIC_KEY => {
            use p256::ecdsa::signature::Verifier as _;
            use p256::pkcs8::DecodePublicKey as _;
            if sig_alg != ECDSA_WITH_SHA256 {
                return Err(format!("signature algorithm {sig_alg} is not ecdsa-with-SHA256"));
            }
            let key = p256::ecdsa::VerifyingKey::from_public_key_der(&spki_der)
                .map_err(|e| format!("EC public key (P-256 only): {e}"))?;
            let signature = p256::ecdsa::Signature::from_der(sig).map_err(|e| format!("ECDSA signature: {e}"))?;
            key.verify(&signed_attrs_der, &signature).is_ok()
        }
        other => return Err(format!("public key algorithm {other} is not supported (RSA or ECDSA P-256)")),
    };
    out.signature_valid = verified;
    if !verified {
        out.problems.push("the signature over the signed attributes does not verify with the signer's key".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn signer() -> Signer {
        let when = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default();
        let g = crate::signing::generate("CMS Test", when).unwrap();
        Signer::from_pem(&g.key_pem, &g.cert_pem).unwrap()
    }

    #[test]
    fn built_cms_checks_out_and_detects_other_content() {
        let s = signer();
        let content = b"the signed bytes";
        let t = Utc.with_ymd_and_hms(2026, 9, 30, 17, 45, 12).single().unwrap_or_default();
        let der = build(&s, &Sha256::digest(content), t).unwrap();
        let mut padded = der.clone();
        padded.resize(der.len() + 100, 0);
        let ok = check(&padded, &[&content[..8], &content[8..]]);
        assert!(ok.digest_matches && ok.signature_valid, "{:?}", ok.problems);
        assert!(ok.problems.is_empty(), "{:?}", ok.problems);
        assert_eq!(ok.signing_time, Some(t));
        assert_eq!(ok.subject, "CN=CMS Test");
        assert_eq!(ok.fingerprint_sha256, s.fingerprint_sha256());

        let other = check(&padded, &[b"other bytes"]);
        assert!(!other.digest_matches && other.signature_valid);

        // The signature value is the last thing in the DER: corrupting it breaks the signature only.
        let mut bad = der.clone();
        if let Some(b) = bad.last_mut() {
            *b ^= 0x01;
        }
        let broken = check(&bad, &[content]);
        assert!(broken.digest_matches && !broken.signature_valid, "{:?}", broken.problems);
    }

    #[test]
    fn signing_time_encoding_follows_rfc5652() {
        let t = Utc.with_ymd_and_hms(2026, 9, 30, 17, 45, 12).single().unwrap_or_default();
        // UTCTime "260930174512Z"
        assert_eq!(cms_time(t).unwrap().to_der().unwrap(), b"\x17\x0d260930174512Z");
        let late = Utc.with_ymd_and_hms(2050, 1, 1, 0, 0, 0).single().unwrap_or_default();
        assert_eq!(cms_time(late).unwrap().to_der().unwrap(), b"\x18\x0f20500101000000Z");
    }

    #[test]
    fn garbage_contents_are_problems_not_panics() {
        for input in [&b""[..], b"\x30", b"\x30\x80\x00\x00", b"\x30\x03\x02\x01\x00", &[0xff; 64]] {
            let c = check(input, &[b"x"]);
            assert!(!c.signature_valid && !c.problems.is_empty());
        }
    }
}
