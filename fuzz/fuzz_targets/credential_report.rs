//! The IAM credential-report parser, as CSV and as get-credential-report JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for counts in gapscope::fuzzing::credential_report(data) {
        if let Err(e) = counts.check() {
            panic!("{e}");
        }
    }
});
