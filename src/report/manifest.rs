//! `manifest.json`: every input file and archive member with size, SHA-256, kind, records, and why
//! it was not used, so an auditor can tie the report to the exact evidence received.

use serde::Serialize;

use crate::config::Limits;
use crate::evidence::intake::ManifestEntry;

pub(crate) const SCHEMA: &str = "gapscope.manifest/v1";

#[derive(Debug, Serialize)]
pub(crate) struct Manifest<'a> {
    pub schema: &'static str,
    pub generated_by: String,
    /// The `[limits]` the evidence was walked with (and whether links out of the evidence roots
    /// were followed), so that `verify --evidence` walks it the same way. Manifests written before
    /// this field was added have none; verify then uses its `--config` or the defaults.
    pub limits: &'a Limits,
    pub files: &'a [ManifestEntry],
}

impl Manifest<'_> {
    pub(crate) fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
