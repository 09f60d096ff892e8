//! CloudTrail evidence: detections on records, per-file tallies and their merge.

pub mod aggregate;
pub mod coverage;
pub mod detect;
pub mod facts;
pub mod trails;
