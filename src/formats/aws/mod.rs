//! Parsers for AWS exports.

pub mod cloudtrail_digest;
pub mod credential_report;
