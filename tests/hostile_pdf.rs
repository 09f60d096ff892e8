//! Names the PDF cannot draw with DejaVu alone (issue 15 item 14), end to end: a credential report
//! (`tests/fixtures/hostile/pdf-names/`) whose users are CJK names that differ in one ideograph, a
//! Hangul name, names with emoji no embedded face has, an Arabic name and a 216-character name with
//! no separator. poppler reads the PDF back: the names come back distinct, the emoji as their code
//! points, the Arabic name as its letters, and every word sits inside the page's margins. Skips with a message without poppler.

use std::path::Path;
use std::process::Command;

use crate::common;

/// A4 width less the 51 pt right margin (src/report/pdf/layout.rs), plus rounding.
const RIGHT_EDGE: f64 = 595.28 - 51.0 + 0.5;
const LEFT_EDGE: f64 = 51.0 - 0.5;

fn poppler(tool: &str, args: &[&str], pdf: &Path) -> Option<String> {
    match Command::new(tool).args(args).arg(pdf).arg("-").output() {
        Ok(out) => {
            assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8(out.stdout).expect("poppler writes UTF-8"))
        }
        Err(_) => {
            eprintln!("skipping: {tool} (poppler-utils) is not installed");
            None
        }
    }
}

fn render_fixture() -> tempfile::TempDir {
    let input = common::crate_dir().join("tests/fixtures/hostile/pdf-names/210987654321_credential_report.csv");
    let (findings, _, _, _, out) = common::analyze(&[&input], &[]);
    // Every one of the seven users has a password and no MFA: each is a failed result of its own.
    let failed_users = common::results(&findings)
        .iter()
        .filter(|r| r["status"] == "fail" && r["resource"].as_str().is_some_and(|s| s.contains(":user/")))
        .count();
    assert!(failed_users >= 7, "{failed_users} failed user results");
    out
}

#[test]
fn cjk_user_names_come_back_distinct_and_missing_glyphs_as_code_points() {
    let out = render_fixture();
    let Some(text) = poppler("pdftotext", &[], &out.path().join("report.pdf")) else { return };
    for name in ["田中太郎", "田中次郎", "김민준", "deploy [U+1F680] bot", "crab [U+1F980] ops"] {
        assert!(text.contains(name), "{name:?} is not in the report's text");
    }
    // The old fallback drew every such character as `?`, so 田中太郎 and 田中次郎 both read `????`.
    assert!(!text.contains("??"), "a name came out as question marks");
    // Arabic is drawn joined (presentation forms) and reads back as the letters the evidence has.
    assert!(text.contains("محمد"), "محمد does not read back");
}

#[test]
fn a_two_hundred_character_user_name_wraps_inside_the_page() {
    let out = render_fixture();
    let Some(boxes) = poppler("pdftotext", &["-bbox"], &out.path().join("report.pdf")) else { return };
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).map(|i| i + name.len() + 2).expect("bbox attribute");
        line[start..].split('"').next().and_then(|v| v.parse().ok()).expect("a number")
    };
    let mut long_pieces = 0;
    for line in boxes.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let (x_min, x_max) = (attr(line, "xMin"), attr(line, "xMax"));
        assert!(x_min >= LEFT_EDGE && x_max <= RIGHT_EDGE, "a word runs off the page: {line}");
        if line.contains("averyvery") || line.contains("separatorsatall") {
            long_pieces += 1;
        }
    }
    assert!(long_pieces >= 3, "the long name should be wrapped into pieces, found {long_pieces}");
}
