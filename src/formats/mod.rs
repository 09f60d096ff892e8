//! One parser per export format, each turning recognised content into typed facts.

pub mod aws;
pub mod common;
pub mod entra;
