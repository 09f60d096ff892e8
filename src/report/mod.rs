//! Renders outputs: `report.pdf`, `findings.json`, `gap-register.csv`, `manifest.json`. Rendering never decides a
//! verdict; it writes what the results say, in a byte-stable order.

pub mod compose;
pub mod document;
pub mod findings;
pub mod inventory;
pub mod manifest;
pub mod pdf;
pub mod publish;
pub mod register;
pub mod template;

/// Writes `bytes` to `path`, naming the file in the error.
pub(crate) fn write_file(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
