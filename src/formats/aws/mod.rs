//! Parsers for AWS exports.

pub mod credential_report;
