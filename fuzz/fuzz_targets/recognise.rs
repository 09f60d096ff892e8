//! Content recognition on any bytes; a recognised kind must not change with a trailing newline.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(kind) = gapscope::fuzzing::recognise(data) {
        let mut more = data.to_vec();
        more.push(b'\n');
        assert_eq!(
            gapscope::fuzzing::recognise(&more).as_deref(),
            Some(kind.as_str()),
            "a trailing newline changed the kind"
        );
    }
});
