//! CloudTrail evidence: detections on records, per-file tallies and their merge, coverage, trail
//! configuration, and log file integrity.

pub(crate) mod aggregate;
pub(crate) mod cis;
pub(crate) mod coverage;
pub(crate) mod detect;
pub(crate) mod facts;
pub(crate) mod integrity;
pub(crate) mod trails;
