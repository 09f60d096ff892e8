//! One parser per export format, each turning recognised content into typed facts.

pub(crate) mod aws;
pub(crate) mod common;
pub(crate) mod entra;
