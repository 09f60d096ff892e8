//! Golden outputs: every output gapscope writes must stay byte for byte what is committed under
//! `tests/golden/<bundle>/`. It holds refactors that promise "behaviour unchanged" (issue 14) to it.
//!
//! The bundles are `samples/` and evidence written by `gapscope-gen` with fixed seeds and dates:
//! credential reports (CSV and JSON), a small CloudTrail archive (two accounts, two regions, three
//! days, digests, planted events, gaps and damage, one cell zipped), Entra ID exports, and posture
//! bundles (plain; wrapped responses in zips). For each, `gapscope analyze` writes findings.json,
//! gap-register.csv, coverage.csv and manifest.json (compared as written, plus any other file it
//! writes), report.pdf (compared as its `pdftotext -layout` text, trailing spaces trimmed, in
//! `report.txt`, and by the SHA-256 of its bytes in `report.pdf.sha256`: with `SOURCE_DATE_EPOCH` set
//! the same inputs give the same PDF); `analyze.txt` holds its exit status and console output and
//! `inventory.txt` the output of `gapscope inventory`. `tests/golden/checks/` holds `gapscope checks`
//! (text and `--json`). Commands run from the bundle's parent folder with relative paths, so no
//! temporary path reaches an output (the test refuses any output that names one).
//!
//! A difference fails with the bundle, the file and the first differing lines; the outputs of the
//! failing run are left under `target/tmp/golden/<bundle>/`. After an intended change of output,
//! re-bless and review what changed:
//!
//! ```text
//! GAPSCOPE_BLESS=1 cargo test --test tests golden && git diff --stat tests/golden
//! ```
//!
//! Needs pdftotext (poppler-utils; scripts/test.sh installs it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common;
use crate::common::crate_dir;
use sha2::{Digest, Sha256};

/// Set to 1 to rewrite the expected files instead of comparing with them.
const BLESS: &str = "GAPSCOPE_BLESS";
/// Pins the PDF's dates (otherwise the evidence's as-of) so report.pdf is reproducible.
const SOURCE_DATE_EPOCH: &str = "1790000000";

/// Every call of the generator goes through here. Paths in `args` are absolute (the generator runs
/// in this process, so a relative path would be the test binary's working folder).
fn generate(args: &[&str]) {
    common::gapscope_gen(args);
}

/// `gapscope --quiet <args>` run from `cwd`, environment pinned.
fn gapscope(cwd: &Path, args: &[&str]) -> Output {
    let output = common::bin()
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .env_remove("GAPSCOPE_PDF_SAMPLE_DIR")
        .env_remove("NO_COLOR")
        .env("COLUMNS", "120")
        .args(args)
        .output()
        .expect("gapscope runs");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "gapscope {args:?} panicked: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Exit status and console output, as compared in `analyze.txt`.
fn console(output: &Output) -> Vec<u8> {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
    .into_bytes()
}

/// Runs analyze (and inventory) on `evidence`, paths relative to `cwd`, and returns every output
/// by the name it is compared under.
fn outputs(cwd: &Path, evidence: &[&str], extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let mut args = vec!["analyze"];
    args.extend_from_slice(evidence);
    args.extend_from_slice(&["-o", out_dir]);
    args.extend_from_slice(extra);
    let analyzed = gapscope(cwd, &args);
    assert!(
        matches!(analyzed.status.code(), Some(0 | 1)),
        "analyze {evidence:?} failed: {}",
        String::from_utf8_lossy(&analyzed.stderr)
    );
    let mut files = BTreeMap::new();
    // The output folder is a temporary path: named as <out> where the console mentions it.
    let said = String::from_utf8_lossy(&console(&analyzed)).replace(out_dir, "<out>");
    files.insert("analyze.txt".to_string(), said.into_bytes());
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        assert!(entry.file_type().unwrap().is_file(), "analyze wrote a folder {name}: compare its files too");
        let bytes = std::fs::read(entry.path()).unwrap();
        if name == "report.pdf" {
            files.insert("report.pdf.sha256".into(), format!("{}\n", hex::encode(Sha256::digest(&bytes))).into_bytes());
            files.insert("report.txt".into(), pdf_text(&entry.path()).into_bytes());
        } else {
            files.insert(name, bytes);
        }
    }
    assert!(files.contains_key("report.txt"), "analyze wrote no report.pdf");

    let mut args = vec!["inventory"];
    args.extend_from_slice(evidence);
    let inventory = gapscope(cwd, &args);
    assert!(inventory.status.success(), "inventory {evidence:?}: {}", String::from_utf8_lossy(&inventory.stderr));
    files.insert("inventory.txt".into(), inventory.stdout);

    // No output may depend on where the run happened.
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for place in [out_dir, cwd.to_str().unwrap()] {
            assert!(
                !text.contains(place),
                "{name} names the local path {place}: run from a folder with relative paths"
            );
        }
    }
    files
}

/// `pdftotext -layout`, each line's trailing spaces trimmed (as tests/snapshots/samples-report.txt).
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap_or_else(|e| panic!("pdftotext is needed for this test (install poppler-utils): {e}"));
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| l.trim_end().to_string() + "\n").collect()
}

fn golden_dir(bundle: &str) -> PathBuf {
    crate_dir().join("tests/golden").join(bundle)
}

/// Compares `actual` with `tests/golden/<bundle>/`, or rewrites that folder under GAPSCOPE_BLESS=1.
fn compare(bundle: &str, actual: &BTreeMap<String, Vec<u8>>) {
    let dir = golden_dir(bundle);
    if std::env::var_os(BLESS).is_some_and(|v| v != "0" && !v.is_empty()) {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap();
            if !actual.contains_key(name) {
                std::fs::remove_file(&path).unwrap();
            }
        }
        for (name, bytes) in actual {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, bytes) in actual {
        match std::fs::read(dir.join(name)) {
            Ok(expected) if &expected == bytes => {}
            Ok(expected) => problems.push(format!("{bundle}/{name} differs:\n{}", first_difference(&expected, bytes))),
            Err(_) => problems.push(format!("{bundle}/{name} is new: no tests/golden/{bundle}/{name}")),
        }
    }
    let expected_names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().into_string().unwrap()).collect(),
        Err(_) => Vec::new(),
    };
    for name in expected_names.iter().filter(|n| !actual.contains_key(*n)) {
        problems.push(format!("{bundle}/{name} was not written this time (tests/golden/{bundle}/{name} expects it)"));
    }
    if problems.is_empty() {
        return;
    }
    let kept = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("golden").join(bundle);
    let _ = std::fs::remove_dir_all(&kept);
    std::fs::create_dir_all(&kept).unwrap();
    for (name, bytes) in actual {
        std::fs::write(kept.join(name), bytes).unwrap();
    }
    panic!(
        "golden outputs of bundle `{bundle}` changed ({count} file(s)):\n\n{problems}\n\nThis run's outputs are in \
         {kept} (compare: diff -r tests/golden/{bundle} {kept}).\nIf the change is intended, re-bless and review: \
         GAPSCOPE_BLESS=1 cargo test --test tests golden && git diff tests/golden",
        count = problems.len(),
        problems = problems.join("\n\n"),
        kept = kept.display(),
    );
}

/// The first differing line with two lines of context: `-` expected, `+` actual.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let (expected, actual) = (String::from_utf8_lossy(expected), String::from_utf8_lossy(actual));
    let (old, new): (Vec<&str>, Vec<&str>) = (expected.split('\n').collect(), actual.split('\n').collect());
    let at = (0..old.len().max(new.len())).find(|&i| old.get(i) != new.get(i)).unwrap_or(0);
    let shown = |line: &str| -> String {
        let max = 240;
        if line.chars().count() > max {
            format!("{}… ({} chars)", line.chars().take(max).collect::<String>(), line.len())
        } else {
            line.to_string()
        }
    };
    let mut out = format!("  first difference at line {}:\n", at + 1);
    for line in &old[at.saturating_sub(2)..at.min(old.len())] {
        out += &format!("    {}\n", shown(line));
    }
    for line in old.iter().skip(at).take(3) {
        out += &format!("  - {}\n", shown(line));
    }
    for line in new.iter().skip(at).take(3) {
        out += &format!("  + {}\n", shown(line));
    }
    if let (Some(a), Some(b)) = (old.get(at), new.get(at)) {
        let column =
            a.chars().zip(b.chars()).position(|(x, y)| x != y).unwrap_or(a.chars().count().min(b.chars().count()));
        out += &format!("  (column {}; expected {} lines, got {})", column + 1, old.len(), new.len());
    } else {
        out += &format!("  (expected {} lines, got {})", old.len(), new.len());
    }
    out
}

/// `relative` inside the folder a generated bundle is written into and the commands run from.
fn path(dir: &tempfile::TempDir, relative: &str) -> String {
    dir.path().join(relative).to_str().unwrap().to_string()
}

#[test]
fn samples() {
    let files = outputs(&crate_dir(), &["samples"], &[]);
    compare("samples", &files);
}

#[test]
fn checks() {
    let mut files = BTreeMap::new();
    for (name, args) in [("checks.txt", &["checks"][..]), ("checks.json", &["checks", "--json"][..])] {
        let out = gapscope(&crate_dir(), args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        files.insert(name.to_string(), out.stdout);
    }
    compare("checks", &files);
}

#[test]
fn credential_reports() {
    let ws = tempfile::tempdir().unwrap();
    let csv = path(&ws, "credentials/111122223333_credential_report.csv");
    let json = path(&ws, "credentials/444455556666_credential_report.json");
    for (account, users, seed, format, out) in
        [("111122223333", "30", "7", "csv", &csv), ("444455556666", "15", "8", "json", &json)]
    {
        #[rustfmt::skip]
        generate(&[
            "credential-report", "--account", account, "--as-of", "2026-09-30T17:45:12Z",
            "--users", users, "--seed", seed, "--format", format, "--out", out,
        ]);
    }
    let files = outputs(ws.path(), &["credentials"], &[]);
    compare("credential-reports", &files);
}

#[test]
fn cloudtrail() {
    let ws = tempfile::tempdir().unwrap();
    let out = path(&ws, "cloudtrail");
    #[rustfmt::skip]
    generate(&[
        "cloudtrail", "--out", &out, "--seed", "5",
        "--accounts", "111122223333,444455556666", "--regions", "us-east-1,eu-west-1",
        "--from", "2026-09-01", "--to", "2026-09-03", "--files-per-day", "4", "--events-per-file", "10",
        "--gap", "111122223333/eu-west-1/2026-09-02",
        "--blind-region", "ap-south-1",
        "--plant", "root@111122223333/us-east-1/2026-09-02",
        "--plant", "console-no-mfa@444455556666/eu-west-1/2026-09-01",
        "--plant", "stop-logging@111122223333/us-east-1/2026-09-03",
        "--plant", "sg-change@444455556666/eu-west-1/2026-09-02",
        "--duplicates", "2", "--truncate", "1", "--fake-gz", "1", "--trailing-garbage", "1", "--not-json", "1",
        "--zip-region", "444455556666/us-east-1",
        "--digests", "--alter-log", "1", "--drop-log", "1", "--drop-digest", "1", "--unlisted-log", "1",
    ]);
    let files = outputs(ws.path(), &["cloudtrail"], &[]);
    // Worker threads change nothing: one thread gives the same outputs as all cores.
    let one = outputs(ws.path(), &["cloudtrail"], &["--jobs", "1"]);
    for (name, bytes) in &files {
        assert!(one.get(name) == Some(bytes), "cloudtrail/{name} differs between --jobs 1 and all cores");
    }
    compare("cloudtrail", &files);
}

#[test]
fn entra() {
    let ws = tempfile::tempdir().unwrap();
    let out = path(&ws, "entra");
    #[rustfmt::skip]
    generate(&[
        "entra", "--out", &out, "--seed", "3", "--users", "15",
        "--from", "2026-09-01", "--to", "2026-09-14", "--as-of", "2026-09-15T00:00:00Z",
        "--gap", "2026-09-06..2026-09-07",
    ]);
    let files = outputs(ws.path(), &["entra"], &["--as-of", "2026-09-15T00:00:00Z"]);
    compare("entra", &files);
}

#[test]
fn posture() {
    let ws = tempfile::tempdir().unwrap();
    let out = path(&ws, "posture");
    generate(&["posture", "--out", &out, "--seed", "2", "--as-of", "2026-10-01T08:12:44Z", "--background", "1"]);
    let files = outputs(ws.path(), &["posture"], &[]);
    compare("posture", &files);
}

#[test]
fn posture_wrapped_zipped() {
    let ws = tempfile::tempdir().unwrap();
    let out = path(&ws, "posture-wrapped");
    #[rustfmt::skip]
    generate(&[
        "posture", "--out", &out, "--seed", "4", "--as-of", "2026-10-01T08:12:44Z",
        "--accounts", "2", "--background", "1", "--wrapped", "--zip",
    ]);
    let files = outputs(ws.path(), &["posture-wrapped"], &[]);
    compare("posture-wrapped-zipped", &files);
}
