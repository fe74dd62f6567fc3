//! tco's one file writer.
//!
//! Every file tco writes for the user — `tco prices import --out`, `tco probe
//! --out`, `--plot FILE.svg`, the terminal calculator's save — goes through
//! [`write_atomic`]:
//!
//! 1. the bytes go to a new temporary file in the destination's folder (same
//!    file system, so the rename below is atomic), created with mode 0644 less
//!    the process umask, the mode any file the user's tools write gets;
//! 2. the temporary file is flushed to the disk (`fsync`);
//! 3. it is renamed over the destination — or, when overwriting was not asked
//!    for, linked to it, which fails if the destination exists (no window in
//!    which a file appearing meanwhile is replaced);
//! 4. the folder is flushed (`fsync`), so the new name survives a power cut.
//!
//! A process killed at any moment therefore leaves the old file whole (or no
//! file), never a truncated one; an error removes the temporary file. Errors
//! say which file, what went wrong (the folder is missing, read-only, the disk
//! is full, the file exists) and what to do, in words rather than OS codes.
//!
//! tco-core does no I/O (the browser page runs it), so the writer lives here,
//! in a crate the CLI, the probe and the terminal calculator all depend on.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Whether an existing destination may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse an existing destination (the default everywhere).
    Refuse,
    /// Replace it (`--force`, or the user said yes).
    Replace,
}

impl From<bool> for Overwrite {
    fn from(force: bool) -> Self {
        if force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        }
    }
}

/// What went wrong, with the destination it concerns.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub kind: WriteErrorKind,
}

/// The kinds of failure a user can act on, and the rest.
#[derive(Debug)]
pub enum WriteErrorKind {
    /// The destination exists and overwriting was not asked for.
    Exists,
    /// The destination is a folder.
    IsDirectory,
    /// The folder to write in does not exist.
    NoFolder(PathBuf),
    /// The folder (or the file system) cannot be written.
    ReadOnly(PathBuf),
    /// No space left (or over quota).
    Full(PathBuf),
    /// Anything else, with the operation that failed.
    Io(&'static str, io::Error),
}

impl WriteErrorKind {
    /// The "allowed:" line of the message: what the user can do.
    fn hint(&self) -> &'static str {
        match self {
            WriteErrorKind::Exists => "a new file name, or --force to replace it",
            WriteErrorKind::IsDirectory => "a file name (the path names a folder)",
            WriteErrorKind::NoFolder(_) => "a path in an existing folder",
            WriteErrorKind::ReadOnly(_) => "a folder you can write to",
            WriteErrorKind::Full(_) => "free some space, or write to another disk",
            WriteErrorKind::Io(..) => "a writable path on a working disk",
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.path.display();
        match &self.kind {
            WriteErrorKind::Exists => write!(f, "{p}: already exists; not overwritten")?,
            WriteErrorKind::IsDirectory => write!(f, "{p}: is a folder, not a file")?,
            WriteErrorKind::NoFolder(d) => {
                write!(f, "{p}: the folder {} does not exist", d.display())?
            }
            WriteErrorKind::ReadOnly(d) => write!(
                f,
                "{p}: cannot write in {}: the folder or its disk is read-only (or not yours); nothing was written",
                d.display()
            )?,
            WriteErrorKind::Full(d) => write!(
                f,
                "{p}: the disk holding {} is full; nothing was written (the old file, if any, is unchanged)",
                d.display()
            )?,
            WriteErrorKind::Io(what, e) => write!(
                f,
                "{p}: cannot {what}: {e}; nothing was written (the old file, if any, is unchanged)"
            )?,
        }
        write!(f, "\n  allowed: {}", self.kind.hint())
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            WriteErrorKind::Io(_, e) => Some(e),
            _ => None,
        }
    }
}

/// The folder a path is written in (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Sorts an I/O error into what the user can act on.
fn classify(path: &Path, dir: &Path, what: &'static str, e: io::Error) -> WriteError {
    let kind = match e.kind() {
        io::ErrorKind::AlreadyExists => WriteErrorKind::Exists,
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            WriteErrorKind::ReadOnly(dir.to_path_buf())
        }
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            WriteErrorKind::Full(dir.to_path_buf())
        }
        io::ErrorKind::NotFound if !dir.is_dir() => WriteErrorKind::NoFolder(dir.to_path_buf()),
        io::ErrorKind::IsADirectory => WriteErrorKind::IsDirectory,
        _ => WriteErrorKind::Io(what, e),
    };
    WriteError {
        path: path.to_path_buf(),
        kind,
    }
}

/// Checks a destination before work that takes time (a probe, an import):
/// refuses one that exists without [`Overwrite::Replace`], a folder, or one
/// whose folder is missing. [`write_atomic`] checks again when it writes.
pub fn check_destination(path: &Path, overwrite: Overwrite) -> Result<(), WriteError> {
    let err = |kind| WriteError {
        path: path.to_path_buf(),
        kind,
    };
    if path.is_dir() {
        return Err(err(WriteErrorKind::IsDirectory));
    }
    if overwrite == Overwrite::Refuse && (path.exists() || path.is_symlink()) {
        return Err(err(WriteErrorKind::Exists));
    }
    let dir = folder_of(path);
    if !dir.is_dir() {
        return Err(err(WriteErrorKind::NoFolder(dir.to_path_buf())));
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically (see the module documentation).
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: Overwrite) -> Result<(), WriteError> {
    check_destination(path, overwrite)?;
    let dir = folder_of(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tco-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // open(2) applies the umask to this mode, as for any new file.
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| classify(path, dir, "create a file", e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| classify(path, dir, "write", e))?;
    match overwrite {
        Overwrite::Replace => tmp.persist(path).map(drop),
        Overwrite::Refuse => tmp.persist_noclobber(path).map(drop),
    }
    .map_err(|e| classify(path, dir, "rename the new file into place", e.error))?;
    sync_folder(dir).map_err(|e| classify(path, dir, "flush the folder", e))?;
    Ok(())
}

/// Flushes a folder's entries, so a rename in it survives a crash.
fn sync_folder(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_new_file_and_refuses_to_clobber() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.yaml");
        write_atomic(&p, b"one", Overwrite::Refuse).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        let e = write_atomic(&p, b"two", Overwrite::Refuse).unwrap_err();
        assert!(matches!(e.kind, WriteErrorKind::Exists), "{e}");
        assert!(e.to_string().contains("already exists"), "{e}");
        assert!(e.to_string().contains("--force"), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"three", Overwrite::Replace).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.yaml")]);
    }

    #[cfg(unix)]
    #[test]
    fn mode_is_0644_less_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.yaml");
        write_atomic(&p, b"x", Overwrite::Refuse).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        // The umask is process-wide; read it back the way the shell does.
        let umask = current_umask();
        assert_eq!(mode, 0o644 & !umask, "mode {mode:o}, umask {umask:o}");
        // Replacing gives the new file the same mode (not the old one's).
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&p, b"y", Overwrite::Replace).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644 & !umask);
    }

    #[cfg(unix)]
    fn current_umask() -> u32 {
        // /proc/self/status has "Umask:\t0022" on Linux.
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Umask:"))
                    .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
            })
            .unwrap_or(0o022)
    }

    #[test]
    fn missing_folder_and_folder_destinations_are_clear_errors() {
        let d = tempfile::tempdir().unwrap();
        let e =
            write_atomic(&d.path().join("no/such/x.yaml"), b"x", Overwrite::Refuse).unwrap_err();
        assert!(matches!(e.kind, WriteErrorKind::NoFolder(_)), "{e}");
        assert!(e.to_string().contains("does not exist"), "{e}");
        let e = write_atomic(d.path(), b"x", Overwrite::Replace).unwrap_err();
        assert!(matches!(e.kind, WriteErrorKind::IsDirectory), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn read_only_folder_is_a_clear_error_and_keeps_the_old_file() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("old.yaml");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        // root ignores folder permissions: then the write succeeds, which is
        // what root asked for; the check only means something for others.
        let r = write_atomic(&p, b"new", Overwrite::Replace);
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        match r {
            Err(e) => {
                assert!(matches!(e.kind, WriteErrorKind::ReadOnly(_)), "{e}");
                assert!(e.to_string().contains("read-only"), "{e}");
                assert_eq!(std::fs::read(&p).unwrap(), b"old");
            }
            Ok(()) => assert_eq!(std::fs::read(&p).unwrap(), b"new"),
        }
    }
}
