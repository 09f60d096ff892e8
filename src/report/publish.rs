//! report.pdf from a run: compose the document, draw it, embed findings.json and manifest.json so
//! the report is self-contained, then sign it when a key was given.

use anyhow::{Context, Result};

use crate::report::compose::{ReportInput, compose};
use crate::signing::{self, Attachment, Signer};

pub(crate) const FINDINGS_NAME: &str = "findings.json";
pub(crate) const MANIFEST_NAME: &str = "manifest.json";

/// The report, and `findings` and `manifest` handed back for writing beside it: taken, not copied,
/// because at a million users findings.json is gigabytes.
pub(crate) fn build(
    input: &ReportInput,
    findings: Vec<u8>,
    manifest: Vec<u8>,
    signer: Option<&Signer>,
) -> Result<Built> {
    // The document is dropped once drawn, before the attachments are compressed.
    let pdf = crate::report::pdf::render(&compose(input)).context("cannot draw report.pdf")?;
    let attachments = [
        Attachment {
            name: FINDINGS_NAME.into(),
            mime: "application/json".into(),
            description: "Findings of this report (schema gapscope.findings/v1)".into(),
            bytes: findings,
        },
        Attachment {
            name: MANIFEST_NAME.into(),
            mime: "application/json".into(),
            description: "Every evidence input with its size and SHA-256 (schema gapscope.manifest/v1)".into(),
            bytes: manifest,
        },
    ];
    let pdf = signing::attach(&pdf, &attachments).context("cannot embed findings.json and manifest.json")?;
    let pdf = match signer {
        Some(signer) => signing::sign(&pdf, signer, input.created).context("cannot sign report.pdf")?,
        None => pdf,
    };
    let [findings, manifest] = attachments;
    Ok(Built { pdf, findings: findings.bytes, manifest: manifest.bytes })
}

/// report.pdf and the two outputs it embeds, byte for byte.
pub(crate) struct Built {
    pub pdf: Vec<u8>,
    pub findings: Vec<u8>,
    pub manifest: Vec<u8>,
}
