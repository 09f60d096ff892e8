//! The end-to-end tests, one binary (as ripgrep does): one link instead of nine, and every module
//! shares `common`. `Cargo.toml` sets `autotests = false` and names this file, so a new file under
//! `tests/` joins with a `mod` line here; `every_test_file_is_a_module` below fails until it has one.

mod common;

mod cli;
mod cloudtrail_generated;
mod cloudtrail_real;
mod collect;
mod encodings;
mod entra;
mod golden;
mod hostile_archives;
mod hostile_cli;
mod hostile_corpus;
mod hostile_evidence;
mod hostile_outputs;
mod hostile_pdf;
mod hostile_scale;
mod period;
mod period_snapshots;
mod posture;
mod report_large;
mod report_pdf;
mod signing;

/// With `autotests = false` Cargo ignores a `tests/*.rs` that no `mod` line names; this catches it.
#[test]
fn every_test_file_is_a_module() {
    let dir = common::crate_dir().join("tests");
    let root = std::fs::read_to_string(dir.join("tests.rs")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if path.extension().is_some_and(|e| e == "rs") && stem != "tests" && !root.contains(&format!("\nmod {stem};")) {
            missing.push(stem.to_owned());
        }
    }
    assert!(missing.is_empty(), "tests/{{{}}}.rs: add `mod …;` to tests/tests.rs", missing.join(","));
}
