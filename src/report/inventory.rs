//! One recognised piece of evidence, as `gapscope inventory` lists it and the report's scope
//! section summarises it.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    pub kind: String,
    pub account: Option<String>,
    pub as_of: Option<String>,
    pub records: usize,
    pub path: String,
}
