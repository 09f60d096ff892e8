//! The signed PDF report end to end: poppler's pdfsig/pdftotext/pdftoppm read what gapscope wrote,
//! `gapscope verify` checks signature and evidence, and the same inputs give the same bytes.
//! Needs poppler-utils (scripts/test.sh and CI install it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

use crate::common;
use crate::common::{crate_dir, run};

fn poppler(tool: &str, args: &[&str]) -> Output {
    Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed for this test (install poppler-utils): {e}"))
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// A key and certificate made once by `gapscope keygen`, pinned by SOURCE_DATE_EPOCH.
fn keys() -> &'static (PathBuf, PathBuf) {
    static KEYS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    KEYS.get_or_init(|| {
        // Kept for the whole test run: every test signs with the same key.
        let dir = tempfile::tempdir().unwrap().keep();
        let out = common::bin()
            .env("SOURCE_DATE_EPOCH", "1790000000")
            .args(["keygen", "--out", dir.to_str().unwrap(), "--name", "José Müller, Example LLP"])
            .output()
            .unwrap();
        assert!(out.status.success(), "keygen: {}", text(&out));
        (dir.join("key.pem"), dir.join("cert.pem"))
    })
}

/// `analyze samples` with signing into a fresh folder.
fn signed_samples(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let (key, cert) = keys();
    let out = tempfile::tempdir().unwrap();
    let samples = crate_dir().join("samples");
    let mut args = vec![
        "analyze",
        samples.to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--engagement",
        "Acme Corp — SOC 2 Type II 2026",
        "--sign-key",
        key.to_str().unwrap(),
        "--sign-cert",
        cert.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let pdf = out.path().join("report.pdf");
    (out, pdf)
}

fn verify(pdf: &Path, evidence: &[&Path]) -> Output {
    let mut args = vec!["verify".to_string(), pdf.display().to_string()];
    if !evidence.is_empty() {
        args.push("--evidence".into());
        args.extend(evidence.iter().map(|p| p.display().to_string()));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&refs)
}

#[test]
fn signed_report_validates_in_pdfsig_and_verify() {
    let (_out, pdf) = signed_samples(&[]);
    let pdfsig = poppler("pdfsig", &[pdf.to_str().unwrap()]);
    assert!(text(&pdfsig).contains("Signature Validation: Signature is Valid."), "{}", text(&pdfsig));
    assert!(text(&pdfsig).contains("José Müller, Example LLP"), "{}", text(&pdfsig));

    let ok = verify(&pdf, &[&crate_dir().join("samples")]);
    let said = text(&ok);
    assert_eq!(ok.status.code(), Some(0), "{said}");
    assert!(said.contains("signer: CN=José Müller\\, Example LLP") || said.contains("José Müller"), "{said}");
    assert!(said.contains("covers the whole file: yes"), "{said}");
    let inputs = common::samples_inputs();
    assert!(said.contains(&format!("evidence: {inputs} unchanged, 0 changed, 0 missing, 0 added")), "{said}");
    assert!(said.contains("findings.json") && said.contains("manifest.json"), "{said}");

    // The embedded files are byte for byte the ones written beside the report.
    let dir = tempfile::tempdir().unwrap();
    let detach = poppler("pdfdetach", &["-saveall", "-o", dir.path().to_str().unwrap(), pdf.to_str().unwrap()]);
    assert!(detach.status.success(), "{}", text(&detach));
    for name in ["findings.json", "manifest.json"] {
        let embedded = std::fs::read(dir.path().join(name)).unwrap();
        assert_eq!(embedded, std::fs::read(pdf.with_file_name(name)).unwrap(), "{name} differs");
    }
}

#[test]
fn a_flipped_byte_or_appended_bytes_are_caught() {
    let (_out, pdf) = signed_samples(&[]);
    let bytes = std::fs::read(&pdf).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Flip a byte in the first third (page content), in the middle, and near the end (the
    // signature's own /Contents, or the update that holds it).
    for at in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 200] {
        let mut changed = bytes.clone();
        changed[at] ^= 0x01;
        let path = dir.path().join(format!("flipped-{at}.pdf"));
        std::fs::write(&path, &changed).unwrap();
        let pdfsig = text(&poppler("pdfsig", &[path.to_str().unwrap()]));
        assert!(!pdfsig.contains("Signature is Valid"), "pdfsig still valid after flipping byte {at}: {pdfsig}");
        let ours = verify(&path, &[]);
        assert_ne!(ours.status.code(), Some(0), "verify passed after flipping byte {at}: {}", text(&ours));
    }
    let mut appended = bytes.clone();
    appended.extend_from_slice(b"\n% appended after signing\n");
    let path = dir.path().join("appended.pdf");
    std::fs::write(&path, &appended).unwrap();
    let ours = verify(&path, &[]);
    let said = text(&ours);
    assert_eq!(ours.status.code(), Some(1), "{said}");
    assert!(said.contains("covers the whole file: NO: 26 byte(s)"), "{said}");
}

#[test]
fn same_inputs_and_key_give_the_same_bytes() {
    let (_a, first) = signed_samples(&["--jobs", "1"]);
    let (_b, second) = signed_samples(&["--jobs", "2"]);
    assert!(std::fs::read(&first).unwrap() == std::fs::read(&second).unwrap(), "report.pdf differs between runs");
}

#[test]
fn verify_evidence_reports_changed_removed_and_added_files() {
    let (_out, pdf) = signed_samples(&[]);
    let copy = tempfile::tempdir().unwrap();
    // Renamed on purpose: the auditor's copy of the evidence need not keep the folder's name.
    let root = copy.path().join("acme-evidence");
    copy_dir(&crate_dir().join("samples"), &root);
    std::fs::write(root.join("acme-prod/210987654321_credential_report.csv"), b"user,arn\n").unwrap();
    std::fs::remove_file(root.join("README.md")).unwrap();
    std::fs::write(root.join("acme-prod/extra.csv"), b"new file").unwrap();
    let out = verify(&pdf, &[&root]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let unchanged = common::samples_inputs() - 2;
    assert!(said.contains(&format!("evidence: {unchanged} unchanged, 1 changed, 1 missing, 1 added")), "{said}");
    assert!(said.contains("changed: samples/acme-prod/210987654321_credential_report.csv"), "{said}");
    assert!(said.contains("missing: samples/README.md"), "{said}");
    assert!(said.contains("added: samples/acme-prod/extra.csv"), "{said}");
    assert!(said.contains("verified: FAILED"), "{said}");
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// pdftotext of the unsigned samples report, layout kept.
fn samples_text() -> (String, Value, tempfile::TempDir) {
    let (findings, _, _, _, out) = common::analyze(&[&crate_dir().join("samples")], &[]);
    let pdf = out.path().join("report.pdf");
    let txt = poppler("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    assert!(txt.status.success());
    (String::from_utf8_lossy(&txt.stdout).into_owned(), findings, out)
}

#[test]
fn report_text_has_every_section_and_failing_resource() {
    let (text, findings, out) = samples_text();
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for heading in [
        "SOC 2 gap analysis",
        "UNSIGNED",
        "Executive summary",
        "SOC 2 criteria",
        "Scope and evidence",
        "Checks not assessed",
        "IAM credentials",
        "Age of active access keys",
        "MFA coverage",
        "Stale and inactive identities",
        "Logging coverage (CloudTrail)",
        "Records per region and day",
        "Activity of interest",
        "Findings register",
        "Evidence problems",
        "Evidence manifest",
        "Signature and verification",
    ] {
        assert!(squeezed.contains(heading), "no {heading:?} in the report text");
    }
    // Every failing resource is named. In drawing order (-raw) a wrapped cell's lines follow each other,
    // so a long ARN broken over lines is whole again once whitespace is removed.
    let pdf = out.path().join("report.pdf");
    let raw = poppler("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
    let joined: String = String::from_utf8_lossy(&raw.stdout).split_whitespace().collect();
    for r in common::results(&findings).iter().filter(|r| r["status"] == "fail") {
        let resource: String = r["resource"].as_str().unwrap().split_whitespace().collect();
        assert!(joined.contains(&resource), "failing resource {resource} is not in the report");
    }
    // Footer on every page: "Page N of M" with M the page count.
    let pages = text.matches('\u{c}').count();
    assert!(squeezed.contains(&format!("Page 1 of {pages}")), "footer page count is not {pages}");
}

#[test]
fn report_text_snapshot() {
    let (text, _, _out) = samples_text();
    let text: String = text.lines().map(|l| l.trim_end().to_string() + "\n").collect();
    let path = crate_dir().join("tests/snapshots/samples-report.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_SNAPSHOTS=1 to create it)", path.display()));
    if expected != text {
        let first = expected.lines().zip(text.lines()).position(|(a, b)| a != b);
        panic!(
            "report text differs from {} at line {:?} (UPDATE_SNAPSHOTS=1 rewrites it after review)",
            path.display(),
            first.map(|i| i + 1)
        );
    }
}

/// Share of pixels darker than near-white in a PGM written by pdftoppm -gray.
fn ink(pgm: &[u8]) -> f64 {
    // P5\n<w> <h>\n255\n<data>: the data is the last w*h bytes.
    let header: Vec<&[u8]> = pgm.splitn(4, |b| b.is_ascii_whitespace()).collect();
    let (w, h): (usize, usize) = (
        std::str::from_utf8(header[1]).unwrap().parse().unwrap(),
        std::str::from_utf8(header[2]).unwrap().parse().unwrap(),
    );
    let data = &pgm[pgm.len() - w * h..];
    data.iter().filter(|&&p| p < 240).count() as f64 / data.len() as f64
}

#[test]
fn cover_and_heat_map_pages_render_with_ink() {
    let (report, _, out) = samples_text();
    let pdf = out.path().join("report.pdf");
    let heat_page = report.split('\u{c}').position(|page| page.contains("Records per region and day")).unwrap() + 1;
    for page in [1, heat_page] {
        let prefix = out.path().join(format!("page{page}"));
        let p = page.to_string();
        let render = poppler(
            "pdftoppm",
            &["-gray", "-r", "40", "-f", &p, "-l", &p, "-singlefile", pdf.to_str().unwrap(), prefix.to_str().unwrap()],
        );
        assert!(render.status.success(), "{}", text(&render));
        let pgm = std::fs::read(prefix.with_extension("pgm")).unwrap();
        let share = ink(&pgm);
        assert!(share > 0.01, "page {page} is nearly blank ({:.3}% ink)", share * 100.0);
    }
}

#[test]
fn verify_refuses_an_unsigned_report_and_garbage() {
    let (_, _, _, _, out) = common::analyze(&[&crate_dir().join("samples")], &[]);
    let unsigned = verify(&out.path().join("report.pdf"), &[]);
    assert_eq!(unsigned.status.code(), Some(1));
    assert!(text(&unsigned).contains("not signed"), "{}", text(&unsigned));
    let garbage = out.path().join("garbage.pdf");
    std::fs::write(&garbage, b"%PDF-1.7\nnot really").unwrap();
    let refused = verify(&garbage, &[]);
    assert!(matches!(refused.status.code(), Some(1 | 2)), "{}", text(&refused));
}

#[test]
fn a_key_readable_by_others_is_refused_unless_allowed() {
    let (key, cert) = keys();
    let dir = tempfile::tempdir().unwrap();
    let open_key = dir.path().join("open-key.pem");
    std::fs::copy(key, &open_key).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&open_key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let samples = crate_dir().join("samples");
    let out = dir.path().join("out");
    let mut args = vec![
        "analyze",
        samples.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--sign-key",
        open_key.to_str().unwrap(),
        "--sign-cert",
        cert.to_str().unwrap(),
    ];
    let refused = run(&args);
    assert_eq!(refused.status.code(), Some(2));
    let said = text(&refused);
    assert!(said.contains("chmod 600") && said.contains("--allow-readable-key"), "{said}");
    assert!(!out.join("findings.json").exists(), "the run went on although the key was refused");
    args.push("--allow-readable-key");
    let allowed = run(&args);
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed));
    let pdfsig = poppler("pdfsig", &[out.join("report.pdf").to_str().unwrap()]);
    assert!(text(&pdfsig).contains("Signature is Valid"), "{}", text(&pdfsig));
}

#[test]
fn templates_override_the_wording() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = std::fs::read_to_string(crate_dir().join("templates/report.toml")).unwrap();
    let mine = embedded.replace("title = \"Findings register\"", "title = \"Registre des constats\"");
    assert_ne!(mine, embedded);
    std::fs::write(dir.path().join("report.toml"), mine).unwrap();
    let (_, _, _, _, out) =
        common::analyze(&[&crate_dir().join("samples")], &["--templates", dir.path().to_str().unwrap()]);
    let txt = poppler("pdftotext", &[out.path().join("report.pdf").to_str().unwrap(), "-"]);
    let said = String::from_utf8_lossy(&txt.stdout);
    assert!(said.contains("Registre des constats") && !said.contains("Findings register"), "{said}");
}
