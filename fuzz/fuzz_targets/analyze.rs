//! The whole analysis of one file (discovery, intake, facts, checks, results, coverage grid): finds
//! what no single parser target can, a record that bends the run, such as a planted date that
//! stretches the observation period to millennia and the coverage grid with it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match gapscope::fuzzing::analyze(data) {
        Ok(analysis) => {
            if let Err(e) = analysis.check() {
                panic!("{e}: {analysis:?}");
            }
        }
        // The scratch folder could not be written: a problem of the machine, not of the input.
        Err(e) => panic!("{e}"),
    }
});
