//! One recognised piece of evidence, as `gapscope inventory` lists it and the report's scope
//! section summarises it.

use serde::Serialize;

use crate::evidence::intake::ManifestEntry;
use crate::evidence::kinds::Placement;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Artifact {
    pub kind: String,
    pub account: Option<String>,
    pub as_of: Option<String>,
    pub records: usize,
    pub path: String,
}

impl Artifact {
    /// A used input as the inventory lists it.
    pub(crate) fn placed(entry: &ManifestEntry, placement: Placement) -> Artifact {
        Artifact {
            kind: entry.kind.clone(),
            account: placement.account,
            as_of: placement.as_of,
            records: placement.records,
            path: entry.path.clone(),
        }
    }
}
