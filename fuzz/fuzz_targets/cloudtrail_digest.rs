//! The CloudTrail digest parser and the list-public-keys parser (with RSA key decoding).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| gapscope::fuzzing::cloudtrail_digest(data));
