//! The AWS CLI posture export parser (and how an export is placed in its account and resource).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(counts) = gapscope::fuzzing::aws_posture(data)
        && let Err(e) = counts.check()
    {
        panic!("{e}");
    }
});
