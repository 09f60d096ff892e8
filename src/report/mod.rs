//! Renders outputs: `report.pdf`, `findings.json`, `gap-register.csv`, `coverage.csv`, `timeline.csv`, `manifest.json`,
//! and puts them in the output folder together (`output_dir`). Rendering never decides a
//! verdict; it writes what the results say, in a byte-stable order.

pub(crate) mod compose;
pub(crate) mod document;
pub(crate) mod findings;
pub(crate) mod inventory;
pub(crate) mod manifest;
pub(crate) mod output_dir;
pub(crate) mod pdf;
pub(crate) mod publish;
pub(crate) mod register;
pub(crate) mod template;
// Written by `analyze` once the period analysis is wired in (issue 16); until then only tests call it.
#[allow(dead_code)]
pub(crate) mod timeline;
