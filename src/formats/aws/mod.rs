//! Parsers for AWS exports.

pub mod credential_report;
pub mod cloudtrail_digest;
