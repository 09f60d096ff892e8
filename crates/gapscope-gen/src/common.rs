//! Helpers every generator shares: argument values, time spellings and file output.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Datelike, Utc};

pub(crate) const DAY: i64 = 86_400;

pub(crate) fn parse_account(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        Err("an AWS account id is exactly 12 digits, e.g. 123456789012".to_owned())
    }
}

/// Parses RFC 3339 into whole seconds since the epoch (credential reports have no sub-seconds).
pub(crate) fn parse_time(s: &str) -> Result<i64, String> {
    let t =
        DateTime::parse_from_rfc3339(s).map_err(|e| format!("expected RFC 3339 such as 2026-09-30T17:45:12Z ({e})"))?;
    if !(2000..=9999).contains(&t.year()) {
        return Err("the year must be between 2000 and 9999".to_owned());
    }
    Ok(t.timestamp())
}

/// `2026-10-01T08:00:00Z`.
pub(crate) fn zulu(t: i64) -> Result<String> {
    let d = DateTime::<Utc>::from_timestamp(t, 0).context("timestamp out of range")?;
    Ok(d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

pub(crate) fn create(path: &Path) -> Result<BufWriter<File>> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    // 1 MiB: a 100,000-user report is ~30 MB, so this keeps the syscalls to a few dozen.
    Ok(BufWriter::with_capacity(1 << 20, file))
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut w = create(path)?;
    w.write_all(bytes).and_then(|()| w.flush()).with_context(|| format!("cannot write {}", path.display()))
}

/// A zip of `members` in the order given (callers sort them), deflated, every member stamped `when`:
/// the same bytes on every run.
pub(crate) fn zip_bytes<'a>(members: impl IntoIterator<Item = (String, &'a [u8])>, when: i64) -> Result<Vec<u8>> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip_stamp(when)?)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// A zip member's modification time for the epoch second `when` (UTC), so archives are byte-stable.
pub(crate) fn zip_stamp(when: i64) -> Result<zip::DateTime> {
    use chrono::Timelike;
    let t = DateTime::<Utc>::from_timestamp(when, 0).context("zip time out of range")?;
    Ok(zip::DateTime::from_date_and_time(
        u16::try_from(t.year())?,
        u8::try_from(t.month())?,
        u8::try_from(t.day())?,
        u8::try_from(t.hour())?,
        u8::try_from(t.minute())?,
        u8::try_from(t.second())?,
    )?)
}
