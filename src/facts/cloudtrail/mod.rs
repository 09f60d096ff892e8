//! CloudTrail evidence: detections on records, per-file tallies and their merge, coverage, trail
//! configuration, and log file integrity.

pub mod aggregate;
pub mod cis;
pub mod coverage;
pub mod detect;
pub mod facts;
pub mod integrity;
pub mod trails;
