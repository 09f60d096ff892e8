//! The evidence side of the report: scope (what was recognised, what could not be assessed),
//! evidence problems, the manifest with folder hashes, and the signature page.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::summary::one_line;
use super::{ReportInput, bounded, bounded_table, section, table, thousands};
use crate::evidence::intake::ManifestEntry;
use crate::report::document::{Align, Block, Callout, Cell, Section, Tone};

/// Folders (date folders merged, see [`summary_folder`]) of up to this many inputs are listed file by
/// file; bigger ones in one line with a folder hash, so a 10,000-file CloudTrail archive gives a page,
/// not hundreds (manifest.json keeps every file).
pub(super) const LIST_FOLDER_UP_TO: usize = 8;

pub(super) fn scope(input: &ReportInput) -> Section {
    let t = input.template;
    let mut blocks = vec![Block::Paragraph(t.text("scope", "intro", &[]))];
    blocks.push(Block::Heading(t.text("scope", "artifacts_heading", &[])));

    #[derive(Default)]
    struct Group {
        files: u64,
        records: u64,
        as_of: BTreeSet<String>,
    }
    let mut groups: BTreeMap<(&str, &str), Group> = BTreeMap::new();
    for a in input.artifacts {
        let g = groups.entry((a.kind.as_str(), a.account.as_deref().unwrap_or("-"))).or_default();
        g.files += 1;
        g.records += a.records as u64;
        g.as_of.extend(a.as_of.clone());
    }
    let total = groups.len();
    let rows = groups.into_iter().map(|((kind, account), g)| {
        let dates = match (g.as_of.first(), g.as_of.last()) {
            (Some(a), Some(b)) if a == b => a.clone(),
            (Some(a), Some(b)) => format!("{a} .. {b}"),
            _ => "-".to_string(),
        };
        vec![
            Cell::plain(kind),
            Cell::plain(account),
            Cell::plain(thousands(g.files)),
            Cell::plain(thousands(g.records)),
            Cell::plain(dates),
        ]
    });
    let columns = [
        ("Kind", 2.2, Align::Left),
        ("Account", 1.2, Align::Left),
        ("Files", 0.7, Align::Right),
        ("Records", 0.9, Align::Right),
        ("Dated", 2.0, Align::Left),
    ];
    let empty = "No evidence was recognised.";
    bounded_table(&mut blocks, input, &columns, rows, total, empty, "manifest.json (each input's kind and account)");
    let used = input.entries.iter().filter(|e| e.used).count();
    blocks.push(Block::Paragraph(format!(
        "{} inputs (files and archive members) in all: {used} used, {} not used.",
        thousands(input.entries.len() as u64),
        input.entries.len() - used
    )));

    blocks.push(Block::Heading(t.text("scope", "not_assessed_heading", &[])));
    blocks.push(Block::Paragraph(t.text("scope", "not_assessed_intro", &[])));
    let assessed: BTreeSet<&str> = input.results.iter().map(|r| r.check).collect();
    let rows = input
        .catalog
        .checks
        .iter()
        .filter(|c| !assessed.contains(c.id.as_str()))
        .map(|c| {
            vec![
                Cell::plain(format!("{}\n{}", c.title, c.id)),
                Cell::plain(c.soc2.join(", ")),
                Cell::toned(one_line(&c.source), Tone::Muted),
            ]
        })
        .collect();
    let columns = [("Check", 2.2, Align::Left), ("SOC 2", 0.7, Align::Left), ("Evidence it needs", 2.2, Align::Left)];
    blocks.push(Block::Table(table(&columns, rows, "Every check in the catalog was assessed.")));
    section(input, "scope", blocks)
}

pub(super) fn problems(input: &ReportInput) -> Section {
    let t = input.template;
    let mut blocks = vec![Block::Paragraph(t.text("problems", "intro", &[]))];
    let unused: Vec<&ManifestEntry> = input.entries.iter().filter(|e| !e.used).collect();
    if unused.is_empty() && input.diagnostics.is_empty() {
        blocks.push(Block::Callout(Callout { tone: Tone::Good, text: t.text("problems", "empty", &[]) }));
    }
    if !unused.is_empty() {
        blocks.push(Block::Heading(t.text("problems", "unused_heading", &[])));
        let rows = unused.iter().map(|e| {
            vec![Cell::plain(e.path.clone()), Cell::plain(e.reason.clone().unwrap_or_else(|| "not used".into()))]
        });
        let columns = [("Input", 1.6, Align::Left), ("Reason", 1.4, Align::Left)];
        let full = "manifest.json and findings.json (inputs.unused)";
        bounded_table(&mut blocks, input, &columns, rows, unused.len(), "", full);
    }
    if !input.diagnostics.is_empty() {
        blocks.push(Block::Heading(t.text("problems", "diagnostics_heading", &[])));
        let rows = input.diagnostics.iter().map(|d| {
            vec![
                Cell::plain(d.file.clone()),
                Cell::plain(d.locator.clone().unwrap_or_else(|| "-".into())),
                Cell::plain(d.message.clone()),
            ]
        });
        let columns = [("Input", 1.6, Align::Left), ("Where", 0.8, Align::Left), ("Problem", 1.8, Align::Left)];
        let full = "findings.json (inputs.diagnostics)";
        bounded_table(&mut blocks, input, &columns, rows, input.diagnostics.len(), "", full);
    }
    if !input.notes.is_empty() {
        blocks.push(Block::Heading(t.text("problems", "notes_heading", &[])));
        let (shown, rest) = bounded(
            input.notes.iter().map(|note| vec![Cell::plain(note.as_str())]),
            input.notes.len(),
            input.list_rows,
            "findings.json (notes)",
        );
        for note in shown.into_iter().flatten() {
            blocks.push(Block::Paragraph(format!("• {}", note.text)));
        }
        blocks.extend(rest);
    }
    section(input, "problems", blocks)
}

/// The folder an input is summarised under: its parent, with trailing date folders (`2026/09/30`)
/// dropped, so a CloudTrail region's thousands of day folders become one line.
pub(super) fn summary_folder(path: &str) -> String {
    let parent = match path.rfind(['/', '!']) {
        Some(i) => &path[..i],
        None => "",
    };
    let mut parts: Vec<&str> = parent.split('/').collect();
    let is_date_part = |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    while parts.len() > 1 && parts.last().is_some_and(|p| is_date_part(p)) {
        parts.pop();
    }
    parts.join("/")
}

/// SHA-256 over the sorted hex SHA-256 digests of `hashes`, one per line with a trailing newline:
/// reproducible with `sort | sha256sum` over `manifest.json`'s entries.
pub(super) fn folder_hash<'h>(hashes: impl IntoIterator<Item = &'h str>) -> String {
    let mut sorted: Vec<&str> = hashes.into_iter().collect();
    sorted.sort_unstable();
    let mut hasher = Sha256::new();
    for h in sorted {
        hasher.update(h.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

pub(super) fn manifest(input: &ReportInput) -> Section {
    let t = input.template;
    let mut blocks = vec![Block::Paragraph(t.text("manifest", "intro", &[("manifest_sha256", input.manifest_sha256)]))];
    let total: u64 = input.entries.iter().map(|e| e.size).sum();
    blocks.push(Block::Facts(vec![
        ("Inputs".into(), thousands(input.entries.len() as u64)),
        ("Total size".into(), format!("{} bytes", thousands(total))),
        ("manifest.json SHA-256".into(), input.manifest_sha256.to_string()),
        ("Hash of all inputs".into(), folder_hash(input.entries.iter().map(|e| e.sha256.as_str()))),
    ]));
    let mut folders: BTreeMap<String, Vec<&ManifestEntry>> = BTreeMap::new();
    for e in input.entries {
        folders.entry(summary_folder(&e.path)).or_default().push(e);
    }
    let summarised: usize = folders.values().filter(|v| v.len() > LIST_FOLDER_UP_TO).map(Vec::len).sum();
    if summarised > 0 {
        blocks.push(Block::Paragraph(format!(
            "Folders of more than {LIST_FOLDER_UP_TO} inputs are summarised in one line ({} inputs in all); \
             manifest.json lists each of them.",
            thousands(summarised as u64)
        )));
    }
    let mut rows = Vec::new();
    for (folder, entries) in &folders {
        if entries.len() <= LIST_FOLDER_UP_TO {
            rows.extend(entries.iter().map(|e| {
                vec![
                    Cell::plain(e.path.clone()),
                    Cell::plain("1"),
                    Cell::plain(thousands(e.size)),
                    Cell::plain(e.sha256.clone()),
                ]
            }));
        } else {
            let bytes: u64 = entries.iter().map(|e| e.size).sum();
            let shown = if folder.is_empty() { "(top level)".to_string() } else { format!("{folder}/… (folder)") };
            rows.push(vec![
                Cell::toned(shown, Tone::Muted),
                Cell::plain(thousands(entries.len() as u64)),
                Cell::plain(thousands(bytes)),
                Cell::plain(format!("folder hash {}", folder_hash(entries.iter().map(|e| e.sha256.as_str())))),
            ]);
        }
    }
    let columns = [
        ("Input or folder", 2.0, Align::Left),
        ("Inputs", 0.5, Align::Right),
        ("Bytes", 0.7, Align::Right),
        ("SHA-256", 2.2, Align::Left),
    ];
    let total = rows.len();
    bounded_table(&mut blocks, input, &columns, rows, total, "No input.", "manifest.json (embedded in this PDF)");
    section(input, "manifest", blocks)
}

pub(super) fn signature(input: &ReportInput) -> Section {
    let t = input.template;
    let values = [("manifest_sha256", input.manifest_sha256), ("findings_sha256", input.findings_sha256)];
    let mut blocks = Vec::new();
    match &input.signer {
        Some(signer) => {
            blocks.push(Block::Paragraph(t.text("signature", "signed_intro", &[])));
            blocks.push(Block::Facts(vec![
                ("Signer".into(), signer.subject.clone()),
                ("Certificate SHA-256".into(), signer.fingerprint_sha256.clone()),
                ("Signing time".into(), crate::timefmt::format_instant(input.created)),
            ]));
        }
        None => {
            blocks.push(Block::Callout(Callout { tone: Tone::Bad, text: t.unsigned_banner.clone() }));
            blocks.push(Block::Paragraph(t.text("signature", "unsigned_intro", &[])));
        }
    }
    blocks.push(Block::Paragraph(t.text("signature", "verify", &values)));
    section(input, "signature", blocks)
}
