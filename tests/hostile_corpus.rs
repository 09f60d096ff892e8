//! The hostile-input corpus as one evidence folder: every file the adversarial run of issue 15
//! used (and each helper's regression inputs) lives under `tests/fixtures/hostile/`, and one run over
//! all of it must stay bounded, account for every file and print nothing a terminal would obey.
//! The same folder seeds the `analyze` and `discover` fuzz targets (scripts/fuzz.sh), so CI's fuzz
//! run starts from every input that ever found a defect.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common;

/// Address space the whole run may take: far above what this small corpus needs (a few hundred MB,
/// mostly thread stacks and allocator arenas reserved, not used), far below what the bombs took
/// before they were fixed (2.6 to 15.8 GB).
const ADDRESS_SPACE_BYTES: u64 = 3 << 30;

fn corpus() -> std::path::PathBuf {
    common::crate_dir().join("tests/fixtures/hostile")
}

/// Every regular file of the corpus, by its manifest path (`hostile/<relative path>`).
fn corpus_files(root: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(root).unwrap();
            format!("hostile/{}", relative.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

#[test]
fn the_hostile_corpus_runs_bounded_and_accounts_for_every_file() {
    let root = corpus();
    let files = corpus_files(&root);
    assert!(files.len() >= 5, "the hostile corpus at {} holds {} files", root.display(), files.len());
    let out = tempfile::tempdir().unwrap();
    let gapscope = env!("CARGO_BIN_EXE_gapscope");
    let args = ["--quiet", "analyze", root.to_str().unwrap(), "-o", out.path().to_str().unwrap(), "--jobs", "2"];
    // prlimit (util-linux) caps the run's address space, so a bomb that escapes its limits fails
    // this test by running out of memory instead of passing slowly; without prlimit, run uncapped.
    let limited = Command::new("prlimit").arg("--version").output().is_ok_and(|o| o.status.success());
    let output = if limited {
        Command::new("prlimit").arg(format!("--as={ADDRESS_SPACE_BYTES}")).arg("--").arg(gapscope).args(args).output()
    } else {
        eprintln!("prlimit not found: the hostile corpus runs without an address-space cap");
        Command::new(gapscope).args(args).output()
    }
    .expect("gapscope runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "gapscope panicked on the hostile corpus: {stderr}");
    assert!(matches!(output.status.code(), Some(0 | 1)), "analyze failed on the hostile corpus: {stderr}");
    assert!(
        !output.stderr.iter().any(|&b| b == 0x1b || b == 0x07 || b == 0x9b),
        "a control character from the evidence reached the terminal: {stderr:?}"
    );

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    let entries = manifest["files"].as_array().unwrap();
    let listed: BTreeSet<String> = entries.iter().map(|e| e["path"].as_str().unwrap().to_string()).collect();
    let missing: Vec<&String> = files.iter().filter(|f| !listed.contains(*f)).collect();
    assert!(missing.is_empty(), "files of the corpus the manifest does not list: {missing:?}");
    let unexplained: Vec<&str> = entries
        .iter()
        .filter(|e| e["used"] == false && e["reason"].as_str().is_none_or(str::is_empty))
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(unexplained.is_empty(), "inputs neither used nor given a reason: {unexplained:?}");

    let findings: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("findings.json")).unwrap()).unwrap();
    if let Some(period) = findings["period"].as_object() {
        let day = |k: &str| chrono::NaiveDate::parse_from_str(period[k].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let days = (day("to") - day("from")).num_days() + 1;
        assert!(days <= 3660, "a planted date stretched the period to {days} days: {period:?}");
    }
    for name in ["coverage.csv", "report.pdf", "findings.json"] {
        let size = std::fs::metadata(out.path().join(name)).unwrap().len();
        assert!(size < 32 << 20, "{name} is {size} bytes for a corpus of small files");
    }
}
