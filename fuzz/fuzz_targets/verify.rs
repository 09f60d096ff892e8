//! `gapscope verify` on any bytes: the PDF's signature dictionary, byte ranges, the CMS structure and
//! the certificates in it are all read from the file under test.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gapscope::signing::verify(data);
});
