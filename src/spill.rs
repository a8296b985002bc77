//! Spilling to disk: the temporary folders that counting runs and the span catalogue write
//! when a run is capped by `--max-memory`.

use std::path::Path;

use crate::error::{Error, Result};

/// A new folder named `prefix…` in `temp_dir` (default: the system's temporary folder),
/// removed when dropped; its failure is a [`Error::Spill`] that says `what` and names
/// `temp_dir`.
pub(crate) fn temp_folder(
    temp_dir: Option<&Path>,
    prefix: &str,
    what: &'static str,
) -> Result<tempfile::TempDir> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix);
    match temp_dir {
        Some(t) => b.tempdir_in(t).map_err(Error::spill(what, t)),
        None => b.tempdir().map_err(Error::spill(what, &std::env::temp_dir())),
    }
}
