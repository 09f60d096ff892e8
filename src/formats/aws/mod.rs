//! Parsers for AWS exports.

pub(crate) mod cloudtrail_digest;
pub(crate) mod cloudtrail_log;
pub(crate) mod credential_report;
pub(crate) mod export_path;
pub(crate) mod posture;
pub(crate) mod trail_config;
