//! CloudTrail evidence: detections on records, per-file tallies and their merge.

pub mod aggregate;
pub mod detect;
pub mod coverage;
pub mod facts;
