//! Helpers shared by the end-to-end tests: run the binary, write generated evidence, read the outputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub(crate) fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gapscope"));
    cmd.arg("--quiet");
    cmd
}

/// Runs the evidence generator (the `gapscope-gen` crate, the tests' oracle) in this process on
/// `args`, its command line without the program name; a failure fails the test with its message.
pub(crate) fn gapscope_gen(args: &[&str]) {
    if let Err(err) = gapscope_gen::run(std::iter::once("gapscope-gen").chain(args.iter().copied())) {
        panic!("gapscope-gen {}: {err:?}", args.join(" "));
    }
}

pub(crate) fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn realdata() -> PathBuf {
    let dir = crate_dir().join("tests/realdata");
    assert!(dir.is_dir(), "vendored real exports expected at {} (tests/realdata/SOURCES.md)", dir.display());
    dir
}

pub(crate) fn run(args: &[&str]) -> Output {
    let output = bin().args(args).output().expect("gapscope runs");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "gapscope panicked: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs `analyze` into a fresh folder and returns (findings, manifest, register text, output).
pub(crate) fn analyze(evidence: &[&Path], extra: &[&str]) -> (Value, Value, String, Output, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec!["analyze".into()];
    args.extend(evidence.iter().map(|p| p.display().to_string()));
    args.extend(["-o".into(), out.path().display().to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&refs);
    assert!(matches!(output.status.code(), Some(0 | 1)), "analyze failed: {}", String::from_utf8_lossy(&output.stderr));
    let read_json = |name: &str| -> Value {
        let path = out.path().join(name);
        serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
    };
    let findings = read_json("findings.json");
    let manifest = read_json("manifest.json");
    let register = std::fs::read_to_string(out.path().join("gap-register.csv")).unwrap_or_default();
    (findings, manifest, register, output, out)
}

pub(crate) fn results(findings: &Value) -> &Vec<Value> {
    findings["results"].as_array().unwrap()
}

/// (check, resource, status) of each result, sorted.
pub(crate) fn triples(results: &[Value]) -> Vec<(String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap().to_string();
    let mut out: Vec<_> =
        results.iter().map(|r| (text(&r["check"]), text(&r["resource"]), text(&r["status"]))).collect();
    out.sort();
    out
}

pub(crate) fn status_of<'a>(findings: &'a Value, check: &str, resource: &str) -> &'a str {
    results(findings)
        .iter()
        .find(|r| r["check"] == check && r["resource"] == resource)
        .unwrap_or_else(|| panic!("no result for {check} on {resource}"))["status"]
        .as_str()
        .unwrap()
}

pub(crate) fn manifest_entry<'a>(manifest: &'a Value, suffix: &str) -> &'a Value {
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("{suffix} not in manifest: {manifest:#}"))
}

/// Files and archive members under `samples/`, counted apart from gapscope: each file, plus each member
/// of each zip.
pub(crate) fn samples_inputs() -> usize {
    let mut n = 0;
    for entry in walkdir::WalkDir::new(crate_dir().join("samples")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        n += 1;
        if entry.path().extension().is_some_and(|e| e == "zip") {
            let zip = zip::ZipArchive::new(std::fs::File::open(entry.path()).unwrap()).unwrap();
            n += zip.len();
        }
    }
    n
}

/// A zip holding `members` (name, bytes), deflated as the zip crate writes them by default.
pub(crate) fn zip_with(members: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in members {
        w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}
