//! `findings.json`, schema `gapscope.findings/v1` (DESIGN.md §2).

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::results::{CheckResult, ExceptionUse};

pub const SCHEMA: &str = "gapscope.findings/v1";

#[derive(Debug, Serialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct Unused {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct Inputs {
    pub files: usize,
    pub used: usize,
    pub unused: Vec<Unused>,
    /// Problems inside used inputs (rejected rows, unreadable cells), with file and locator.
    pub diagnostics: Vec<Diagnostic>,
}

/// Activity and coverage summaries come from log evidence, which this version does not read yet;
/// they are present (empty) so consumers can rely on the schema.
#[derive(Debug, Serialize)]
pub struct Findings<'a> {
    pub schema: &'static str,
    pub generated_by: String,
    pub engagement: Option<&'a str>,
    pub as_of: Option<String>,
    pub period: Option<Period>,
    pub results: &'a [CheckResult],
    pub activity: Vec<serde_json::Value>,
    pub coverage: Vec<serde_json::Value>,
    pub exceptions: &'a [ExceptionUse],
    /// What an auditor must know to read the results: where as-of dates came from, suspicious dates.
    pub notes: &'a [String],
    pub inputs: Inputs,
}

impl Findings<'_> {
    /// Streams the document to `path`: a population of 100,000 users gives ~300 MB of JSON, which
    /// need not sit in memory beside the results it is made from.
    pub fn write(&self, path: &std::path::Path) -> anyhow::Result<()> {
        use anyhow::Context;
        use std::io::Write;
        let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut out = std::io::BufWriter::new(file);
        serde_json::to_writer_pretty(&mut out, self)?;
        out.write_all(b"\n")?;
        out.flush().with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }
}
