//! The SOC 2 Type II observation period end to end (issue 16): a year of monthly snapshots of
//! several accounts, CloudTrail between them and an Entra tenant, written by `gapscope-gen period`
//! with planted cases, analysed with `--period`, and every planted control in `findings.json`
//! compared with the generator's oracle (computed apart from the analyzer), as are the snapshots
//! and the account × kind evidence gaps.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::common::{analyze, gapscope_gen};

const PERIOD: &str = "2026-01-01..2026-12-31";

/// The default bundle and its oracle, written once for the whole test run.
fn bundle() -> &'static (PathBuf, Value) {
    static BUNDLE: OnceLock<(PathBuf, Value)> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        // Kept for the whole test run: every test reads the same evidence.
        let dir = tempfile::tempdir().unwrap().keep();
        let (out, expect) = (dir.join("evidence"), dir.join("expected.json"));
        gapscope_gen(&["period", "--out", out.to_str().unwrap(), "--expect", expect.to_str().unwrap()]);
        let expected = serde_json::from_slice(&std::fs::read(&expect).unwrap()).unwrap();
        (out, expected)
    })
}

/// `findings.json` of the default bundle analysed over the year.
fn findings() -> &'static Value {
    static FINDINGS: OnceLock<Value> = OnceLock::new();
    FINDINGS.get_or_init(|| {
        let (evidence, _) = bundle();
        let (findings, _, _, _, _) = analyze(&[evidence.as_path()], &["--period", PERIOD, "--format", "json"]);
        findings
    })
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn array<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("{what} is not a list: {v}"))
}

/// Each element of `list` as one line of the named fields, sorted.
fn lines(list: &[Value], fields: &[&str]) -> Vec<String> {
    let mut out: Vec<String> =
        list.iter().map(|v| fields.iter().map(|f| text(&v[*f])).collect::<Vec<_>>().join(" ")).collect();
    out.sort();
    out
}

/// "missing" and "unexpected" lines of `got` against `want`, for a readable failure.
fn diff(what: &str, want: &[String], got: &[String]) -> Vec<String> {
    let (want_set, got_set): (BTreeSet<&String>, BTreeSet<&String>) = (want.iter().collect(), got.iter().collect());
    let mut out = Vec::new();
    for line in want_set.difference(&got_set) {
        out.push(format!("{what}: missing    {line}"));
    }
    for line in got_set.difference(&want_set) {
        out.push(format!("{what}: unexpected {line}"));
    }
    out
}

fn period(findings: &Value) -> &Value {
    let period = &findings["period"];
    assert!(period.is_object(), "findings.json has no period block: {period}");
    period
}

/// Differences between one planted control and the analyzer's, one line each.
fn control_diff(want: &Value, got: Option<&Value>) -> Vec<String> {
    let name = format!("{} {} ({})", text(&want["check"]), text(&want["resource"]), text(&want["case"]));
    let Some(got) = got else {
        return vec![format!("{name}: no period control for it")];
    };
    let mut out = Vec::new();
    if want["account"] != got["account"] {
        out.push(format!("{name}: account {} expected, got {}", want["account"], got["account"]));
    }
    if want["verdict"] != got["verdict"] {
        out.push(format!("{name}: verdict {} expected, got {}", want["verdict"], got["verdict"]));
    }
    let parts: [(&str, &[&str]); 3] = [
        ("observations", &["at", "status"]),
        ("violations", &["from", "to", "basis"]),
        ("evidence_gaps", &["from", "to"]),
    ];
    for (part, fields) in parts {
        let (w, g) = (lines(array(&want[part], part), fields), lines(array(&got[part], part), fields));
        out.extend(diff(&format!("{name}: {part}"), &w, &g));
    }
    out
}

/// Compares every planted control; fails listing every difference at once.
fn assert_controls_match(findings: &Value, expected: &Value) {
    let controls = array(&period(findings)["controls"], "period.controls");
    let mut problems = Vec::new();
    for want in array(&expected["controls"], "expected controls") {
        let same = |c: &&Value| c["check"] == want["check"] && c["resource"] == want["resource"];
        // By account too; else the one of that check and resource, so the diff names a wrong account.
        let got = controls.iter().find(|c| same(c) && c["account"] == want["account"]).or_else(|| {
            let mut candidates = controls.iter().filter(same);
            candidates.next().filter(|_| candidates.next().is_none())
        });
        problems.extend(control_diff(want, got));
    }
    assert!(problems.is_empty(), "period controls differ from the oracle:\n{}", problems.join("\n"));
}

#[test]
fn period_block_spans_the_requested_year_at_the_default_cadence() {
    let (_, expected) = bundle();
    let period = period(findings());
    for field in ["from", "to", "cadence_days"] {
        assert_eq!(period[field], expected["period"][field], "period.{field}");
    }
}

#[test]
fn period_snapshots_are_one_per_account_kind_and_month_dated_as_the_oracle_says() {
    let (_, expected) = bundle();
    let fields = ["account", "kind", "as_of"];
    let want = lines(array(&expected["snapshots"], "expected snapshots"), &fields);
    let got = lines(array(&period(findings())["snapshots"], "period.snapshots"), &fields);
    let problems = diff("snapshot", &want, &got);
    assert!(problems.is_empty(), "period.snapshots differ from the oracle:\n{}", problems.join("\n"));
}

#[test]
fn period_missing_august_is_an_evidence_gap_of_every_kind_of_that_account() {
    let (_, expected) = bundle();
    let fields = ["account", "kind", "from", "to"];
    let want = lines(array(&expected["evidence_gaps"], "expected evidence_gaps"), &fields);
    // The oracle is not empty here: the plan leaves August out for one account.
    assert!(want.iter().any(|l| l.ends_with("2026-08-01 2026-09-29")), "{want:?}");
    let got = lines(array(&period(findings())["evidence_gaps"], "period.evidence_gaps"), &fields);
    let problems = diff("evidence gap", &want, &got);
    assert!(problems.is_empty(), "period.evidence_gaps differ from the oracle:\n{}", problems.join("\n"));
}

#[test]
fn period_every_planted_control_matches_the_oracle() {
    let (_, expected) = bundle();
    // Every rule of the issue is planted: a sanity check on the oracle before it judges anything.
    let controls = array(&expected["controls"], "expected controls");
    let bases: BTreeSet<String> =
        controls.iter().flat_map(|c| array(&c["violations"], "violations").iter().map(|v| text(&v["basis"]))).collect();
    assert_eq!(bases, ["cloudtrail", "snapshots", "timestamps"].map(String::from).into_iter().collect());
    let verdicts: BTreeSet<String> = controls.iter().map(|c| text(&c["verdict"])).collect();
    assert_eq!(verdicts, ["exception", "not_evidenced", "operated"].map(String::from).into_iter().collect());
    assert_controls_match(findings(), expected);
}

/// The same evidence with one account's months as the collection script's zips, analysed from a
/// copy whose folder names hold no date: the zips' names date them on their own.
#[test]
fn period_zip_names_date_their_snapshots_without_a_date_folder() {
    let (evidence, expected) = bundle();
    let zips: Vec<PathBuf> = std::fs::read_dir(evidence)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .collect();
    assert_eq!(zips.len(), 12, "one zip per month for the zipped account");
    let copy = tempfile::tempdir().unwrap();
    let inbox = copy.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    for zip in &zips {
        std::fs::copy(zip, inbox.join(zip.file_name().unwrap())).unwrap();
    }
    let (findings, _, _, _, _) = analyze(&[inbox.as_path()], &["--period", PERIOD, "--format", "json"]);
    let account = zips[0].file_name().unwrap().to_str().unwrap().split('-').nth(2).unwrap().to_owned();
    let only = |list: &Value, what: &str| -> Vec<Value> {
        array(list, what).iter().filter(|v| v["account"] == Value::String(account.clone())).cloned().collect()
    };
    let fields = ["account", "kind", "as_of"];
    let want = lines(&only(&expected["snapshots"], "expected snapshots"), &fields);
    let got = lines(&only(&period(&findings)["snapshots"], "period.snapshots"), &fields);
    assert_eq!(want.len(), 12 * 8, "the oracle dates 12 months of 8 kinds: {want:?}");
    let problems = diff("snapshot", &want, &got);
    assert!(problems.is_empty(), "zip-dated snapshots differ from the oracle:\n{}", problems.join("\n"));
    // The zipped account's controls depend on nothing else in the bundle.
    let mut zipped = expected.clone();
    zipped["controls"] = Value::Array(only(&expected["controls"], "expected controls"));
    assert!(!array(&zipped["controls"], "zipped controls").is_empty());
    assert_controls_match(&findings, &zipped);
}

/// Same arguments, same bytes: the oracle and the evidence are a function of the command line.
#[test]
fn period_generator_output_is_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str| -> PathBuf {
        let out = dir.path().join(name);
        let expect = dir.path().join(format!("{name}.json"));
        gapscope_gen(&[
            "period",
            "--out",
            out.to_str().unwrap(),
            "--expect",
            expect.to_str().unwrap(),
            "--months",
            "3",
            "--files-per-day",
            "1",
        ]);
        out
    };
    let (a, b) = (write("a"), write("b"));
    assert_eq!(std::fs::read(dir.path().join("a.json")).unwrap(), std::fs::read(dir.path().join("b.json")).unwrap());
    let files = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(root)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(root).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect();
        out.sort();
        out
    };
    let (fa, fb) = (files(&a), files(&b));
    assert!(fa.len() > 100, "{} files", fa.len());
    assert!(fa == fb, "two runs with the same arguments wrote different files");
}
