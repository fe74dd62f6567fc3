//! Writing result files: through tco-fs's one atomic writer (a temporary
//! file in the same folder, fsync, renamed into place, the folder fsynced;
//! 0644 less the umask) and never over an existing file without `--force`.
//! Used by `prices import --out`, `probe --out` and every `--plot FILE.svg`.

use anyhow::Result;
use std::path::Path;
use tco_fs::Overwrite;

/// Refuses a destination that exists (without `force`), a folder, or one
/// whose folder is missing; checked before long work so it fails at once.
pub fn check_destination(path: &Path, force: bool) -> Result<()> {
    Ok(tco_fs::check_destination(path, Overwrite::from(force))?)
}

/// Writes `bytes` to `path` atomically; replaces an existing file only with `force`.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    Ok(tco_fs::write_atomic(path, bytes, Overwrite::from(force))?)
}
