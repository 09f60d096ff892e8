//! The Entra sign-in readers: portal CSV, Graph JSON, NDJSON.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for counts in gapscope::fuzzing::entra_signins(data) {
        if let Err(e) = counts.check() {
            panic!("{e}");
        }
    }
});
