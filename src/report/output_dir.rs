//! The output folder (`--out`): one run writes it at a time, and a run's outputs replace the
//! previous run's all together or not at all.
//!
//! - **Lock.** A run holds an exclusive lock on `.gapscope.lock` in the folder from before it reads
//!   the evidence until its outputs are in place; a second run into the same folder is refused at
//!   once. The file stays empty (evidence read from a folder holding `--out` hashes the same every
//!   run) and is removed when the run ends (a killed run leaves it behind, unlocked: harmless).
//! - **Stage, then rename.** Every output is written to a temporary file in the same folder
//!   (`.findings.json.XXXXXX.tmp`) and flushed to disk; only when all are written are they renamed
//!   over the previous ones, and the folder is flushed. A failure while staging (full disk, a folder
//!   where an output goes) removes the temporary files and leaves the previous run's set as it was;
//!   a killed run leaves at most temporary files, which the next run into the folder removes.
//! - **One run's set.** Outputs of an earlier run that this run does not write (its `report.pdf`
//!   when this run has `--format json`) are removed once the new ones are in place, so the folder
//!   never holds a set that looks like one run but is two; the run says which it removed.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The lock file's name in the output folder.
pub(crate) const LOCK_NAME: &str = ".gapscope.lock";

/// Every file `analyze` can write in the output folder, whatever `--format` asks for.
pub(crate) const OUTPUT_NAMES: [&str; 6] =
    ["findings.json", "gap-register.csv", "coverage.csv", "timeline.csv", "manifest.json", "report.pdf"];

/// Temporary files of the lock holder: `.<output name>.<random>.tmp`.
const TEMP_SUFFIX: &str = ".tmp";

/// How often to take the lock again when the file was replaced under us (a run ending just as this
/// one starts removes it): once is the usual case; more means something else keeps replacing it.
const LOCK_ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    #[error("cannot create output folder {}", .path.display())]
    CreateFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "another gapscope run is writing to {}: wait for it to finish or choose another --out \
         (it holds {lock} there)",
        .dir.display(),
        lock = LOCK_NAME
    )]
    Busy { dir: PathBuf },
    #[error("cannot lock output folder {} ({lock})", .dir.display(), lock = LOCK_NAME)]
    Lock {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}; the previous outputs are unchanged", .path.display())]
    Stage {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}: a folder or other non-file is in its place; the previous outputs are unchanged", .path.display())]
    NotAFile { path: PathBuf },
    #[error("cannot rename the new {} into place: outputs renamed before it are this run's, the others the previous run's", .path.display())]
    Rename {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot remove {}", .path.display())]
    Remove {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot flush output folder {} to disk", .path.display())]
    Sync {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// An output folder this process holds the lock of (released when dropped).
#[derive(Debug)]
pub(crate) struct OutputDir {
    dir: PathBuf,
    /// `None` where the file system cannot lock files (then runs are not kept apart).
    lock: Option<File>,
    /// This run created the folder and has not put outputs in it yet: removed again if empty when
    /// the run fails (a mistyped evidence path leaves no empty output folder behind).
    created: std::cell::Cell<bool>,
}

/// What [`OutputDir::publish`] did: the outputs now in place, and earlier outputs it removed.
#[derive(Debug, Default)]
pub(crate) struct Published {
    pub written: Vec<PathBuf>,
    pub removed: Vec<&'static str>,
}

impl OutputDir {
    /// Creates `dir` if needed and takes its lock, or says which run holds it.
    pub(crate) fn lock(dir: &Path) -> Result<OutputDir, OutputError> {
        let created = !dir.exists();
        std::fs::create_dir_all(dir).map_err(|source| OutputError::CreateFolder { path: dir.into(), source })?;
        let created = std::cell::Cell::new(created);
        let path = dir.join(LOCK_NAME);
        let lock_error = |source| OutputError::Lock { dir: dir.into(), source };
        for _ in 0..LOCK_ATTEMPTS {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(lock_error)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => return Err(OutputError::Busy { dir: dir.into() }),
                Err(std::fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                    return Ok(OutputDir { dir: dir.into(), lock: None, created });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(lock_error(e)),
            }
            // The run before us removes the file as it ends: if it did after we opened it, we hold
            // the lock of a file no other run will open, so take the one now at the path.
            if !still_at(&file, &path) {
                continue;
            }
            return Ok(OutputDir { dir: dir.into(), lock: Some(file), created });
        }
        Err(lock_error(std::io::Error::other("the lock file keeps being replaced")))
    }

    /// Writes `outputs` (name, bytes) so that they replace the previous ones together: staged and
    /// flushed first, renamed into place only when all are written (see the module's doc).
    pub(crate) fn publish(&self, outputs: &[(&'static str, &[u8])]) -> Result<Published, OutputError> {
        self.remove_leftover_temporaries()?;
        let mut staged = Vec::with_capacity(outputs.len());
        for (name, bytes) in outputs {
            let path = self.dir.join(name);
            let stage_error = |source| OutputError::Stage { path: path.clone(), source };
            let mut builder = tempfile::Builder::new();
            let prefix = format!(".{name}.");
            builder.prefix(&prefix).suffix(TEMP_SUFFIX);
            // The mode `std::fs::write` gives (0666 less the umask), not tempfile's private 0600.
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
            let mut file = builder.tempfile_in(&self.dir).map_err(stage_error)?;
            file.write_all(bytes).map_err(stage_error)?;
            file.as_file().sync_all().map_err(stage_error)?;
            staged.push((path, file));
        }
        // A rename onto a folder fails: find that before the first output is replaced.
        for (path, _) in &staged {
            if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
                return Err(OutputError::NotAFile { path: path.clone() });
            }
        }
        let mut published = Published::default();
        self.created.set(false);
        for (path, file) in staged {
            file.persist(&path).map_err(|e| OutputError::Rename { path: path.clone(), source: e.error })?;
            published.written.push(path);
        }
        for name in OUTPUT_NAMES.into_iter().filter(|n| !outputs.iter().any(|(o, _)| o == n)) {
            let path = self.dir.join(name);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                std::fs::remove_file(&path).map_err(|source| OutputError::Remove { path, source })?;
                published.removed.push(name);
            }
        }
        sync_folder(&self.dir)?;
        Ok(published)
    }

    /// Temporary files a killed run left: no run writes them now, since this one holds the lock.
    fn remove_leftover_temporaries(&self) -> Result<(), OutputError> {
        if self.lock.is_none() {
            return Ok(()); // without a lock they may be another run's, being written
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Ok(()) };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if is_temporary(name) && entry.file_type().is_ok_and(|t| t.is_file()) {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(|source| OutputError::Remove { path, source })?;
            }
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        // Removed while still held, so a run that opened it meanwhile sees it replaced and retries.
        if self.lock.is_some() {
            let _ = std::fs::remove_file(self.dir.join(LOCK_NAME));
        }
        if self.created.get() {
            let _ = std::fs::remove_dir(&self.dir); // only if empty: never anything but our own lock
        }
    }
}

/// `.findings.json.a1B2c3.tmp`: a temporary file of one of gapscope's outputs.
fn is_temporary(name: &str) -> bool {
    OUTPUT_NAMES.iter().any(|output| {
        name.strip_prefix('.')
            .and_then(|n| n.strip_prefix(output))
            .and_then(|n| n.strip_prefix('.'))
            .is_some_and(|n| n.ends_with(TEMP_SUFFIX))
    })
}

/// Whether `file` is still the file at `path`.
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed, so the file at the path is the one held.
#[cfg(not(unix))]
fn still_at(_file: &File, _path: &Path) -> bool {
    true
}

/// Flushes the folder's entries (the renames) to disk; folders cannot be opened for that on Windows.
fn sync_folder(dir: &Path) -> Result<(), OutputError> {
    #[cfg(unix)]
    File::open(dir).and_then(|d| d.sync_all()).map_err(|source| OutputError::Sync { path: dir.into(), source })?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    #[test]
    fn outputs_replace_the_previous_ones_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("findings.json"), b"old").unwrap();
        let out = OutputDir::lock(dir.path()).unwrap();
        let published = out.publish(&[("findings.json", b"new"), ("manifest.json", b"m")]).unwrap();
        assert_eq!(published.written, [dir.path().join("findings.json"), dir.path().join("manifest.json")]);
        assert_eq!(std::fs::read(dir.path().join("findings.json")).unwrap(), b"new");
        drop(out);
        assert_eq!(names_in(dir.path()), ["findings.json", "manifest.json"], "no temporary or lock file is left");
    }

    #[test]
    fn a_failure_while_staging_leaves_the_previous_outputs_intact() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("findings.json"), b"old findings").unwrap();
        std::fs::write(dir.path().join("manifest.json"), b"old manifest").unwrap();
        let out = OutputDir::lock(dir.path()).unwrap();
        // The third output cannot be staged (its folder does not exist): a full disk fails here too.
        let error = out
            .publish(&[("findings.json", b"new"), ("manifest.json", b"new"), ("missing/report.pdf", b"pdf")])
            .unwrap_err();
        assert!(matches!(error, OutputError::Stage { .. }), "{error}");
        drop(out);
        assert_eq!(std::fs::read(dir.path().join("findings.json")).unwrap(), b"old findings");
        assert_eq!(std::fs::read(dir.path().join("manifest.json")).unwrap(), b"old manifest");
        assert_eq!(names_in(dir.path()), ["findings.json", "manifest.json"]);
    }

    #[test]
    fn outputs_of_an_earlier_run_this_run_does_not_write_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        for name in OUTPUT_NAMES {
            std::fs::write(dir.path().join(name), b"earlier run").unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), b"the auditor's").unwrap();
        let out = OutputDir::lock(dir.path()).unwrap();
        let published = out.publish(&[("findings.json", b"new"), ("manifest.json", b"new")]).unwrap();
        assert_eq!(published.removed, ["gap-register.csv", "coverage.csv", "timeline.csv", "report.pdf"]);
        drop(out);
        assert_eq!(names_in(dir.path()), ["findings.json", "manifest.json", "notes.txt"]);
    }

    #[test]
    fn temporary_files_a_killed_run_left_are_removed_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".findings.json.Ab12Cd.tmp"), b"half").unwrap();
        std::fs::write(dir.path().join(".other.tmp"), b"not ours").unwrap();
        let out = OutputDir::lock(dir.path()).unwrap();
        out.publish(&[("findings.json", b"new")]).unwrap();
        drop(out);
        assert_eq!(names_in(dir.path()), [".other.tmp", "findings.json"]);
    }

    #[test]
    fn an_output_folder_a_failed_run_created_is_not_left_behind() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("report");
        drop(OutputDir::lock(&dir).unwrap());
        assert!(!dir.exists());
        let out = OutputDir::lock(&dir).unwrap();
        out.publish(&[("manifest.json", b"{}")]).unwrap();
        drop(out);
        assert_eq!(names_in(&dir), ["manifest.json"]);
    }

    #[test]
    fn a_second_run_into_a_locked_output_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputDir::lock(dir.path()).unwrap();
        let error = OutputDir::lock(dir.path()).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, OutputError::Busy { .. }), "{message}");
        assert!(message.contains("another gapscope run is writing to"), "{message}");
        drop(first);
        // Released (and removed) with the first: the next run takes it.
        assert!(!dir.path().join(LOCK_NAME).exists());
        drop(OutputDir::lock(dir.path()).unwrap());
    }
}
