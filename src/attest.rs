//! `gapscope verify` and `gapscope keygen`: proving later that a report and its evidence are what
//! was signed. The cryptography is in `signing`; this module decides what counts as verified and
//! says it in words an auditor can put in the working papers.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;

use crate::cli::{KeygenArgs, VerifyArgs};
use crate::config::Limits;
use crate::escape::terminal;
use crate::report::publish::MANIFEST_NAME;

/// The evidence now, against the manifest embedded in the report.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Comparison {
    pub unchanged: usize,
    /// (path, SHA-256 in the manifest, SHA-256 now)
    pub changed: Vec<(String, String, String)>,
    pub missing: Vec<String>,
    pub added: Vec<String>,
}

impl Comparison {
    pub(crate) fn matches(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.added.is_empty()
    }
}

#[derive(Deserialize)]
struct ManifestFile {
    files: Vec<ManifestFileEntry>,
    /// The limits the analysis walked the evidence with (absent in manifests of older versions).
    #[serde(default)]
    limits: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ManifestFileEntry {
    path: String,
    sha256: String,
}

/// The root label of a display path: what comes before the first `/` or `!`.
fn split_label(path: &str) -> (&str, &str) {
    match path.find(['/', '!']) {
        Some(i) => (&path[..i], &path[i..]),
        None => (path, ""),
    }
}

/// Labels in order of first appearance (discovery walks roots in the order given).
fn labels_in_order<'p>(paths: impl Iterator<Item = &'p str>) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for path in paths {
        let (label, _) = split_label(path);
        if labels.last().map(String::as_str) != Some(label) && !labels.iter().any(|l| l == label) {
            labels.push(label.to_string());
        }
    }
    labels
}

/// Re-hashes `roots` (reading archives as `analyze` does) and compares with `manifest`. The roots
/// may have been moved or renamed since: when as many roots are given as the manifest has, each is
/// matched to the manifest's root in the same position.
pub(crate) fn compare_evidence(manifest: &[u8], roots: &[PathBuf], limits: &Limits) -> Result<Comparison> {
    let manifest: ManifestFile =
        serde_json::from_slice(manifest).context("the embedded manifest.json is not readable")?;
    let mut now: Vec<(String, String)> = Vec::new();
    crate::evidence::discover::discover(roots, limits, &mut |input| now.push((input.path, input.sha256)))?;

    let expected_labels = labels_in_order(manifest.files.iter().map(|f| f.path.as_str()));
    let found_labels = labels_in_order(now.iter().map(|(p, _)| p.as_str()));
    let rename: BTreeMap<String, String> = if expected_labels.len() == found_labels.len() {
        found_labels.into_iter().zip(expected_labels).collect()
    } else {
        BTreeMap::new()
    };
    let now: BTreeMap<String, String> = now
        .into_iter()
        .map(|(path, sha)| {
            let (label, rest) = split_label(&path);
            let path = rename.get(label).map_or_else(|| path.clone(), |to| format!("{to}{rest}"));
            (path, sha)
        })
        .collect();
    let before: BTreeMap<&str, &str> = manifest.files.iter().map(|f| (f.path.as_str(), f.sha256.as_str())).collect();

    let mut comparison = Comparison::default();
    for (path, sha) in &before {
        match now.get(*path) {
            Some(current) if current == sha => comparison.unchanged += 1,
            Some(current) => comparison.changed.push((path.to_string(), sha.to_string(), current.clone())),
            None => comparison.missing.push(path.to_string()),
        }
    }
    comparison.added = now.keys().filter(|p| !before.contains_key(p.as_str())).cloned().collect();
    Ok(comparison)
}

/// The limits to walk the evidence with, and what to say about them: those the manifest records
/// win; `given` (from `--config` and `--follow-outside-links`) serves a manifest that records none.
fn walk_limits(manifest: &[u8], given: &Limits, config_given: bool) -> Result<(Limits, Vec<String>)> {
    let manifest: ManifestFile =
        serde_json::from_slice(manifest).context("the embedded manifest.json is not readable")?;
    let source = if config_given { "--config's" } else { "the default" };
    let Some(recorded) = manifest.limits else {
        let note = format!(
            "the manifest records no [limits] (an older gapscope wrote it): the evidence is walked with {source} limits"
        );
        return Ok((given.clone(), vec![note]));
    };
    let recorded: Limits = match serde_json::from_value(recorded) {
        Ok(limits) => limits,
        Err(e) => {
            let note = format!(
                "the manifest's [limits] are not understood by this version ({e}): the evidence is walked with {source} limits"
            );
            return Ok((given.clone(), vec![note]));
        }
    };
    let mut notes = vec!["the evidence is walked with the [limits] the analysis recorded in its manifest".to_string()];
    let (now, then) = (serde_json::to_value(given)?, serde_json::to_value(&recorded)?);
    if let (Some(now), Some(then)) = (now.as_object(), then.as_object()) {
        let differ: Vec<String> = then
            .iter()
            .filter(|(key, value)| now.get(*key) != Some(*value))
            .map(|(key, value)| format!("{key} = {value}, not {}", now.get(key).unwrap_or(&serde_json::Value::Null)))
            .collect();
        if !differ.is_empty() {
            notes.push(format!(
                "they differ from {} (recorded {}): the recorded ones are used",
                if config_given { "--config's and the flags'" } else { "the defaults and the flags'" },
                differ.join(", ")
            ));
        }
    }
    Ok((recorded, notes))
}

pub(crate) fn verify(args: &VerifyArgs) -> Result<u8> {
    // Read before the report, so that a bad --config is a usage error, as for analyze.
    let mut given = match &args.config {
        Some(path) => crate::config::Config::load(path)?.limits,
        None => Limits::default(),
    };
    given.follow_outside_links |= args.follow_outside_links;
    let pdf = std::fs::read(&args.report).with_context(|| format!("cannot read {}", args.report.display()))?;
    let shown = terminal(&args.report.display().to_string()).into_owned();
    let mut out = std::io::stdout().lock();
    // A file that was read but is no PDF (or a damaged one) did not verify: exit 1, as for any other
    // failed check; 2 stays for a report that cannot be read at all and for usage errors.
    let verification = match crate::signing::verify(&pdf) {
        Ok(v) => v,
        Err(e) => {
            writeln!(out, "{shown}: not a readable PDF: {}", terminal(&e.to_string()))?;
            writeln!(out, "verified: FAILED (not a readable PDF)")?;
            return Ok(1);
        }
    };
    let mut failures: Vec<String> = Vec::new();

    if verification.signatures.is_empty() {
        failures.push("the report is not signed".into());
        writeln!(out, "{shown}: not signed")?;
    }
    let count = verification.signatures.len();
    for (i, sig) in verification.signatures.iter().enumerate() {
        writeln!(out, "{shown}: signature {} of {count}", i + 1)?;
        writeln!(out, "  signer: {}", terminal(&sig.subject))?;
        writeln!(out, "  certificate SHA-256: {}", sig.fingerprint_sha256)?;
        if let Some(time) = sig.signing_time {
            writeln!(out, "  signing time: {}", crate::timefmt::format_instant(time))?;
        }
        let valid = sig.status == crate::signing::SignatureStatus::Valid;
        writeln!(out, "  signature: {}", sig.status.describe())?;
        if !valid {
            failures.push(format!("signature {} is invalid", i + 1));
        }
        for c in &sig.chain {
            writeln!(out, "  chain certificate: {} (SHA-256 {})", terminal(&c.subject), c.fingerprint_sha256)?;
        }
        for c in &sig.extra_certificates {
            writeln!(
                out,
                "  UNEXPECTED certificate: {} (SHA-256 {}): neither the signer's nor in its issuer chain; the \
                 certificate set is not signed, so it was added after signing",
                terminal(&c.subject),
                c.fingerprint_sha256
            )?;
        }
        if !sig.extra_certificates.is_empty() {
            failures.push(format!(
                "signature {} carries {} certificate(s) unrelated to its signer",
                i + 1,
                sig.extra_certificates.len()
            ));
        }
        for problem in &sig.problems {
            writeln!(out, "  problem: {}", terminal(problem))?;
        }
        // A signature that verifies but is malformed elsewhere is not one to put a name under.
        if valid && !sig.problems.is_empty() {
            failures.push(format!("signature {} has {} problem(s)", i + 1, sig.problems.len()));
        }
        if i + 1 == count {
            if sig.covers_whole_file {
                writeln!(out, "  covers the whole file: yes")?;
            } else {
                let mut uncovered = Vec::new();
                if sig.bytes_before > 0 {
                    uncovered.push(format!("{} byte(s) before", sig.bytes_before));
                }
                if sig.bytes_after > 0 || sig.bytes_before == 0 {
                    uncovered.push(format!("{} byte(s) after", sig.bytes_after));
                }
                let uncovered = uncovered.join(" and ");
                writeln!(out, "  covers the whole file: NO: {uncovered} the signed range were added or changed later")?;
                failures.push(format!("{uncovered} the signed part of the file are not signed"));
            }
        }
        writeln!(out, "  (the certificate's trust is not judged here: check the fingerprint with the signer)")?;
    }

    for problem in &verification.problems {
        writeln!(out, "problem: {}", terminal(problem))?;
    }
    if !verification.problems.is_empty() {
        failures.push(format!("{} problem(s) in the file", verification.problems.len()));
    }
    let manifest = verification.attachments.iter().find(|a| a.name == MANIFEST_NAME);
    let names: Vec<String> =
        verification.attachments.iter().map(|a| format!("{} ({} bytes)", terminal(&a.name), a.bytes.len())).collect();
    writeln!(out, "embedded files: {}", if names.is_empty() { "none".to_string() } else { names.join(", ") })?;

    if !args.evidence.is_empty() {
        match manifest {
            None => {
                writeln!(out, "evidence: cannot compare, the report has no embedded {MANIFEST_NAME}")?;
                failures.push(format!("no embedded {MANIFEST_NAME}"));
            }
            Some(manifest) => {
                let (limits, notes) = walk_limits(&manifest.bytes, &given, args.config.is_some())?;
                for note in &notes {
                    writeln!(out, "evidence: {note}")?;
                }
                let c = compare_evidence(&manifest.bytes, &args.evidence, &limits)?;
                writeln!(
                    out,
                    "evidence: {} unchanged, {} changed, {} missing, {} added",
                    c.unchanged,
                    c.changed.len(),
                    c.missing.len(),
                    c.added.len()
                )?;
                for (path, before, now) in &c.changed {
                    writeln!(out, "  changed: {} (SHA-256 was {}, is {now})", terminal(path), terminal(before))?;
                }
                for path in &c.missing {
                    writeln!(out, "  missing: {}", terminal(path))?;
                }
                for path in &c.added {
                    writeln!(out, "  added: {}", terminal(path))?;
                }
                if !c.matches() {
                    failures.push("the evidence differs from the manifest".into());
                }
            }
        }
    }

    if failures.is_empty() {
        writeln!(out, "verified: OK")?;
        Ok(0)
    } else {
        writeln!(out, "verified: FAILED ({})", failures.join("; "))?;
        Ok(1)
    }
}

pub(crate) fn keygen(args: &KeygenArgs) -> Result<u8> {
    if args.name.trim().is_empty() {
        return Err(anyhow!("--name must not be empty"));
    }
    // A certificate's validity is the one date here that is about now, not about evidence;
    // SOURCE_DATE_EPOCH still pins it for reproducible test fixtures.
    let not_before = match crate::timefmt::source_date_epoch().map_err(|e| anyhow::anyhow!(e))? {
        Some(pinned) => pinned,
        None => {
            let seconds = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|_| anyhow!("the system clock is before 1970"))?
                .as_secs();
            crate::timefmt::from_epoch(i64::try_from(seconds)?)
                .ok_or_else(|| anyhow!("the system clock is out of range"))?
        }
    };
    let generated = crate::signing::generate(&args.name, not_before)?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let (key, cert) = crate::signing::write_generated(&args.out, &generated)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "private key: {} (mode 0600; keep it on this machine)", key.display())?;
    writeln!(out, "certificate: {}", cert.display())?;
    writeln!(out, "subject: {}", generated.subject)?;
    writeln!(out, "certificate SHA-256: {}", generated.fingerprint_sha256)?;
    writeln!(
        out,
        "sign with: gapscope analyze <EVIDENCE> --sign-key {} --sign-cert {}",
        key.display(),
        cert.display()
    )?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_split_at_folder_or_archive() {
        assert_eq!(split_label("ev/a/b.csv"), ("ev", "/a/b.csv"));
        assert_eq!(split_label("client.zip!iam/r.json"), ("client.zip", "!iam/r.json"));
        assert_eq!(split_label("report.csv"), ("report.csv", ""));
        let labels = labels_in_order(["ev/a", "ev/b", "x.zip", "x.zip!m", "ev2/c"].into_iter());
        assert_eq!(labels, ["ev", "x.zip", "ev2"]);
    }

    fn manifest(files: &[(&str, &str)]) -> Vec<u8> {
        let files: Vec<serde_json::Value> =
            files.iter().map(|(p, s)| serde_json::json!({"path": p, "sha256": s, "size": 1})).collect();
        serde_json::to_vec(&serde_json::json!({ "files": files })).unwrap()
    }

    fn sha(bytes: &[u8]) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(bytes))
    }

    #[test]
    fn a_moved_evidence_folder_is_compared_by_position() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("renamed");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("same.txt"), b"same").unwrap();
        std::fs::write(root.join("sub/changed.txt"), b"now").unwrap();
        std::fs::write(root.join("added.txt"), b"new").unwrap();
        let m = manifest(&[
            ("evidence/same.txt", &sha(b"same")),
            ("evidence/sub/changed.txt", &sha(b"before")),
            ("evidence/gone.txt", &sha(b"gone")),
        ]);
        let c = compare_evidence(&m, &[root], &Limits::default()).unwrap();
        assert_eq!(c.unchanged, 1);
        assert_eq!(c.changed, vec![("evidence/sub/changed.txt".to_string(), sha(b"before"), sha(b"now"))]);
        assert_eq!(c.missing, ["evidence/gone.txt"]);
        assert_eq!(c.added, ["evidence/added.txt"]);
        assert!(!c.matches());
    }

    #[test]
    fn recorded_limits_win_and_old_manifests_use_the_given_ones() {
        let given = Limits { max_member_bytes: 4096, ..Limits::default() };
        // A manifest from before limits were recorded.
        let (limits, notes) = walk_limits(&manifest(&[]), &given, true).unwrap();
        assert_eq!(limits, given);
        assert!(notes[0].contains("records no [limits]") && notes[0].contains("--config's"), "{notes:?}");
        // Recorded limits win, and a difference is said; fields it lacks keep their defaults.
        let recorded = serde_json::json!({"files": [], "limits": {"max_archive_depth": 2}});
        let (limits, notes) = walk_limits(&serde_json::to_vec(&recorded).unwrap(), &given, true).unwrap();
        assert_eq!(limits, Limits { max_archive_depth: 2, ..Limits::default() });
        assert!(
            notes[1].contains("max_archive_depth = 2, not 4") && notes[1].contains("max_member_bytes"),
            "{notes:?}"
        );
        // Limits this version does not know are said, not silently replaced.
        let unknown = serde_json::json!({"files": [], "limits": {"max_future_thing": 1}});
        let (limits, notes) = walk_limits(&serde_json::to_vec(&unknown).unwrap(), &given, false).unwrap();
        assert_eq!(limits, given);
        assert!(notes[0].contains("not understood"), "{notes:?}");
    }
}
