//! Discovery of zip and gzip content (nested archives, bounded decompression) from one file's bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let found = gapscope::fuzzing::discover(data);
    if let Err(e) = gapscope::fuzzing::check_discovered(data, &found) {
        panic!("{e}: {found:?}");
    }
});
