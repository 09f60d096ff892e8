//! Renders outputs: `report.pdf`, `findings.json`, `gap-register.csv`, `manifest.json`. Rendering never decides a
//! verdict; it writes what the results say, in a byte-stable order.

pub(crate) mod compose;
pub(crate) mod document;
pub(crate) mod findings;
pub(crate) mod inventory;
pub(crate) mod manifest;
pub(crate) mod pdf;
pub(crate) mod publish;
pub(crate) mod register;
pub(crate) mod template;

/// Writes `bytes` to `path`, naming the file in the error.
pub(crate) fn write_file(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
