//! Trail configuration: describe-trails, get-trail-status, get-event-selectors, describe-regions.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| gapscope::fuzzing::trail_config(data));
