//! The Entra directory exports: users, registration details, CA policies, apps, roles.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for counts in gapscope::fuzzing::entra_directory(data) {
        if let Err(e) = counts.check() {
            panic!("{e}");
        }
    }
});
