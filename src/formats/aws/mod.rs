//! Parsers for AWS exports.

pub mod credential_report;
pub mod trail_config;
