//! Signing the report: embedding files in the PDF, a PAdES-style signature (CMS detached, SHA-256)
//! written as an incremental update, verifying such a signature, and an offline key + self-signed
//! certificate for auditors who have no PKI.
//!
//! Everything here is deterministic: the same PDF bytes, files, key, certificate and signing time give
//! byte-identical output (RSA PKCS#1 v1.5 and RFC 6979 ECDSA need no randomness; no clock is read).

mod attach;
mod cms;
mod keygen;
mod keys;
mod pdf;
mod sign;
mod verify;

use std::path::PathBuf;

pub use attach::attach;
pub use keygen::{Generated, generate, write_generated};
pub use keys::Signer;
pub use sign::sign;
pub use verify::{CertificateSummary, SignatureReport, SignatureStatus, Verification, verify};

/// A file carried inside the PDF so the report is self-contained (`manifest.json`, `findings.json`).
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name shown by PDF readers; unique within one PDF.
    pub name: String,
    /// MIME type, e.g. `application/json`.
    pub mime: String,
    pub description: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    // The bytes can be megabytes of JSON: a debug print shows their size, not their content.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("description", &self.description)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{} already exists; refusing to overwrite it (move it away or choose another directory)", path.display())]
    Exists { path: PathBuf },
    #[error(
        "private key {} is readable by group or others (mode {mode:04o}); keys must stay private: \
         run `chmod 600 {}`, or pass --allow-readable-key to use it anyway",
        path.display(),
        path.display()
    )]
    KeyReadable { path: PathBuf, mode: u32 },
    #[error("private key {}: {reason}", path.display())]
    Key { path: PathBuf, reason: String },
    #[error("certificate {}: {reason}", path.display())]
    Cert { path: PathBuf, reason: String },
    #[error(
        "private key {} does not belong to certificate {}: their public keys differ (give the key the \
         certificate was issued for)",
        key.display(),
        cert.display()
    )]
    KeyMismatch { key: PathBuf, cert: PathBuf },
    /// A PDF that cannot be read or updated; `object` names where (e.g. `catalog (object 1 0)`).
    #[error("pdf {object}: {reason}")]
    Pdf { object: String, reason: String },
    #[error("attachment {name:?}: {reason}")]
    Attachment { name: String, reason: String },
    #[error("cms signature: {reason}")]
    Cms { reason: String },
    #[error(
        "signature /Contents: the CMS needs {needed} bytes but only {reserved} were reserved (certificate chain \
         unusually large?)"
    )]
    ContentsTooSmall { needed: usize, reserved: usize },
    #[error("keygen: {reason}")]
    Keygen { reason: String },
}

impl SigningError {
    fn pdf(object: impl Into<String>, reason: impl std::fmt::Display) -> SigningError {
        SigningError::Pdf { object: object.into(), reason: reason.to_string() }
    }

    fn cms(reason: impl std::fmt::Display) -> SigningError {
        SigningError::Cms { reason: reason.to_string() }
    }
}

/// `AB:CD:…` upper-case hex, as certificate viewers print fingerprints.
fn colon_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push_str(&format!("{b:02X}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colon_hex_is_upper_case_and_colon_separated() {
        assert_eq!(colon_hex(&[0xab, 0x01, 0xff]), "AB:01:FF");
        assert_eq!(colon_hex(&[]), "");
    }

    #[test]
    fn attachment_debug_hides_content() {
        let a = Attachment {
            name: "a.json".into(),
            mime: "application/json".into(),
            description: String::new(),
            bytes: vec![b'x'; 5],
        };
        let text = format!("{a:?}");
        assert!(text.contains("bytes: 5"), "{text}");
        assert!(!text.contains("xxxxx"), "{text}");
    }
}
