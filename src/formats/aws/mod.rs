//! Parsers for AWS exports.

pub mod cloudtrail_digest;
pub mod cloudtrail_log;
pub mod credential_report;
pub mod export_path;
pub mod posture;
pub mod trail_config;
