//! The CloudTrail log reader in both shapes (Records, lookup-events), records tallied as intake does.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for counts in gapscope::fuzzing::cloudtrail_log(data) {
        if let Err(e) = counts.check() {
            panic!("{e}");
        }
    }
});
