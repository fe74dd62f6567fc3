//! Writing result files: atomically (a temporary file in the same folder,
//! renamed into place) and never over an existing file without `--force`.
//! Used by `prices import --out` and every `--plot FILE.svg`.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;

/// Refuses a destination that exists (without `force`) or whose folder is missing.
pub fn check_destination(path: &Path, force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!("{}: already exists; not overwritten\n  allowed: a new file name, or --force to replace it", path.display());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "{}: the folder {} does not exist\n  allowed: a path in an existing folder",
            path.display(),
            dir.display()
        );
    }
    Ok(())
}

/// Writes through a temporary file in the same folder and renames it into
/// place, so a crash never leaves half a file; refuses to replace an existing
/// file unless `force`.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    check_destination(path, force)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The temporary file's own name would only confuse: report the folder.
    // A temporary file is private (0600); the file a user asked for gets the
    // usual 0644 less the umask, like any file the user's tools write.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot create a file in {}: {}",
            path.display(),
            dir.display(),
            e.kind()
        )
    })?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    if force {
        tmp.persist(path)
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {}", path.display(), e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot write (it may have appeared meanwhile): {}",
                path.display(),
                e.error
            )
        })?;
    }
    Ok(())
}
