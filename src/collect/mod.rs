//! `gapscope collect`: the read-only scripts a client runs to export evidence in the layout and file
//! names gapscope reads best (AWS: `templates/collect/aws.sh`; Entra ID: `templates/collect/entra.ps1`).
//! The scripts live in `templates/` so they can be read, linted and run on their own; this module only
//! stamps gapscope's version into one and prints it or writes it to a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::{CollectArgs, CollectTarget};

const AWS_SCRIPT: &str = include_str!("../../templates/collect/aws.sh");
const ENTRA_SCRIPT: &str = include_str!("../../templates/collect/entra.ps1");

/// Where a script template names the gapscope version that wrote it (shown in its COLLECTION.txt).
const VERSION_MARK: &str = "@GAPSCOPE_VERSION@";

#[derive(Debug, thiserror::Error)]
pub(crate) enum CollectError {
    #[error("{}: already exists; pass --force to replace it", .path.display())]
    Exists { path: PathBuf },
    #[error("{}: cannot write the script", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The script for `target`, as the client runs it.
pub(crate) fn script(target: CollectTarget) -> String {
    let template = match target {
        CollectTarget::Aws => AWS_SCRIPT,
        CollectTarget::Entra => ENTRA_SCRIPT,
    };
    template.replace(VERSION_MARK, env!("CARGO_PKG_VERSION"))
}

/// Writes `text` to `path`, executable by everyone (0755) on unix. An existing file is kept unless
/// `force`: a script the client may have edited is never replaced silently.
pub(crate) fn write_script(path: &Path, text: &str, force: bool) -> Result<(), CollectError> {
    let write_error = |source| CollectError::Write { path: path.to_path_buf(), source };
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        // Atomic: no window between checking for the file and creating it.
        options.create_new(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o755);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => CollectError::Exists { path: path.to_path_buf() },
        _ => write_error(e),
    })?;
    file.write_all(text.as_bytes()).map_err(write_error)?;
    // The creation mode went through the umask, and a replaced file kept its old mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o755)).map_err(write_error)?;
    }
    Ok(())
}

/// `gapscope collect`: the script on stdout, or in `--out`.
pub(crate) fn run(args: &CollectArgs, quiet: bool) -> Result<u8> {
    let text = script(args.target);
    let Some(path) = &args.out else {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        return Ok(0);
    };
    write_script(path, &text, args.force)?;
    if !quiet {
        let how = match args.target {
            CollectTarget::Aws => format!("sh {} --help", path.display()),
            CollectTarget::Entra => format!("pwsh {} -?", path.display()),
        };
        eprintln!("wrote {}; for its options: {how}", path.display());
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_carry_the_version_and_no_placeholder() {
        for target in [CollectTarget::Aws, CollectTarget::Entra] {
            let text = script(target);
            assert!(!text.contains(VERSION_MARK), "{target:?}");
            assert!(text.contains(&format!("gapscope {}", env!("CARGO_PKG_VERSION"))), "{target:?}");
        }
        assert!(script(CollectTarget::Aws).starts_with("#!/bin/sh\n"));
        assert!(script(CollectTarget::Entra).starts_with("#Requires -Version 7.0"));
    }

    #[test]
    fn an_existing_file_is_kept_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("collect.sh");
        std::fs::write(&path, "edited by the client").unwrap();
        let error = write_script(&path, "new", false).unwrap_err();
        assert!(matches!(&error, CollectError::Exists { path: p } if p == &path), "{error}");
        assert!(error.to_string().contains("--force"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited by the client");

        write_script(&path, "new", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o755);
        }
    }

    #[test]
    fn a_missing_folder_is_a_write_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder").join("collect.sh");
        let error = write_script(&path, "x", false).unwrap_err();
        assert!(matches!(error, CollectError::Write { .. }));
        assert!(error.to_string().contains("collect.sh"), "{error}");
    }
}
