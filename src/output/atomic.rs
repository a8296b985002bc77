//! A file that appears whole or not at all.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Writes to a temporary file in the target's folder; [`AtomicFile::commit`] flushes, syncs and
/// renames it over the target. Dropped without commit, the temporary file is removed.
///
/// A target that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a named pipe) is
/// written in place: renaming over it would replace the device or pipe with a plain file (as
/// root, `--annotations /dev/null` once turned the machine's `/dev/null` into a file that
/// collected everything written to it).
pub struct AtomicFile {
    path: PathBuf,
    out: BufWriter<Target>,
}

/// Where the bytes go until commit.
enum Target {
    Temporary(NamedTempFile),
    /// A device or pipe, written directly.
    Special(std::fs::File),
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Temporary(f) => f.write(buf),
            Target::Special(f) => f.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Temporary(f) => f.flush(),
            Target::Special(f) => f.flush(),
        }
    }
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if special {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|source| Error::Write { path: path.to_path_buf(), source })?;
            let out = BufWriter::with_capacity(1 << 16, Target::Special(file));
            return Ok(AtomicFile { path: path.to_path_buf(), out });
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|source| Error::Write { path: path.to_path_buf(), source })?;
        let out = BufWriter::with_capacity(1 << 16, Target::Temporary(tmp));
        Ok(AtomicFile { path: path.to_path_buf(), out })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes all of `bytes`, naming the file in any error.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes).map_err(|source| self.error(source))
    }

    /// An error of writing this file, naming it.
    pub fn error(&self, source: io::Error) -> Error {
        Error::Write { path: self.path.clone(), source }
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        let target = self
            .out
            .into_inner()
            .map_err(|e| Error::Write { path: path.clone(), source: e.into_error() })?;
        let Target::Temporary(tmp) = target else {
            return Ok(());
        };
        tmp.as_file().sync_all().map_err(|source| Error::Write { path: path.clone(), source })?;
        tmp.persist(&path).map_err(|e| Error::Write { path: path.clone(), source: e.error })?;
        Ok(())
    }
}

/// Raw writes, for serializers; [`AtomicFile::error`] names the file in their errors.
impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_before_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, "old").unwrap();
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        f.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dropped_file_leaves_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"partial").unwrap();
        drop(f);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A named pipe stays a pipe and gets the bytes (as `/dev/null` stays a device).
    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: no mkfifo here");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        let mut f = AtomicFile::create(&fifo).unwrap();
        f.write_all(b"through the pipe").unwrap();
        f.commit().unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn missing_folder_is_a_clear_error() {
        let err = AtomicFile::create(Path::new("/no/such/dir/out.json")).err().unwrap();
        assert!(err.to_string().contains("/no/such/dir/out.json"));
    }
}
