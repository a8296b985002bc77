//! A file that appears whole or not at all.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Writes to a temporary file in the target's folder; [`AtomicFile::commit`] flushes, syncs and
/// renames it over the target. Dropped without commit, the temporary file is removed, so a
/// run that fails leaves every existing output as it was.
///
/// A symbolic link is followed to the file it names, and that file is replaced (the link
/// stays). A target that exists and is not a regular file (`/dev/null`, a named pipe, the
/// terminal behind `/dev/stdout`) is written in place: renaming over it would replace the
/// device with a plain file, and as root that breaks the machine for every later process.
/// `-` is standard output.
///
/// A new file gets the mode any tool would give it (0666 less the umask); a replaced file
/// keeps its mode.
pub struct AtomicFile {
    path: PathBuf,
    out: BufWriter<Target>,
}

/// Where the bytes go until commit.
enum Target {
    /// A temporary file, and the resolved path it is renamed to.
    Temporary(NamedTempFile, PathBuf),
    /// A device or pipe, written directly.
    Special(std::fs::File),
    Stdout(io::Stdout),
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Temporary(f, _) => f.write(buf),
            Target::Special(f) => f.write(buf),
            Target::Stdout(f) => f.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Temporary(f, _) => f.flush(),
            Target::Special(f) => f.flush(),
            Target::Stdout(f) => f.flush(),
        }
    }
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let write_error = |source| Error::Write { path: path.to_path_buf(), source };
        let target = if super::guard::is_stdout(path) {
            Target::Stdout(io::stdout())
        } else if written_in_place(path) {
            // Appending, not truncating: behind `/dev/stdout` may be a file the shell opened
            // with `>>`.
            let file = std::fs::OpenOptions::new().append(true).open(path).map_err(write_error)?;
            Target::Special(file)
        } else {
            let resolved = resolve_links(path).map_err(write_error)?;
            let meta = std::fs::metadata(&resolved).ok();
            let dir = match resolved.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let name =
                resolved.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let tmp = tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .suffix(".tmp")
                .permissions(mode_for(meta.as_ref()))
                .tempfile_in(dir)
                .map_err(write_error)?;
            // The umask applied to the mode given above; an existing file's mode is its own.
            if let Some(m) = meta.as_ref().filter(|m| m.is_file()) {
                tmp.as_file().set_permissions(m.permissions()).map_err(write_error)?;
            }
            Target::Temporary(tmp, resolved)
        };
        let out = BufWriter::with_capacity(1 << 16, target);
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
        let Target::Temporary(tmp, resolved) = target else {
            return Ok(());
        };
        tmp.as_file().sync_all().map_err(|source| Error::Write { path: path.clone(), source })?;
        tmp.persist(&resolved).map_err(|e| Error::Write { path: path.clone(), source: e.error })?;
        Ok(())
    }
}

/// Whether `path` is written where it is rather than replaced: an existing device, pipe or
/// socket (followed through links by the kernel, which also follows `/proc/self/fd/1` to a
/// pipe that has no path), or anything under `/dev` or `/proc` (`/dev/stdout` may stand for
/// a regular file the shell opened, which must get the bytes, not be renamed over).
fn written_in_place(path: &Path) -> bool {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return true;
    }
    let under_devices = |p: &Path| p.starts_with("/dev") || p.starts_with("/proc");
    under_devices(path) || resolve_links(path).is_ok_and(|p| under_devices(&p))
}

/// `path` with every symbolic link along it followed, also a dangling one (whose target is
/// then created); a path that is not a link is returned as it is.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    // A bound, as the kernel's own (40), so that a loop of links is an error, not a hang.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&at)?;
                at = match at.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(at),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// The mode of a new output: an existing file's own, else 0666 (the umask applies when the
/// file is created, as for any tool's output).
#[cfg(unix)]
fn mode_for(existing: Option<&std::fs::Metadata>) -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    match existing {
        Some(m) if m.is_file() => m.permissions(),
        _ => std::fs::Permissions::from_mode(0o666),
    }
}

#[cfg(not(unix))]
fn mode_for(existing: Option<&std::fs::Metadata>) -> std::fs::Permissions {
    existing.map(std::fs::Metadata::permissions).unwrap_or_else(|| {
        let probe = tempfile::tempfile().expect("a temporary file");
        probe.metadata().expect("its metadata").permissions()
    })
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

    /// The link stays a link; the file it names gets the bytes.
    #[cfg(unix)]
    #[test]
    fn a_link_to_a_file_replaces_the_file_not_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("real.jsonl");
        std::fs::write(&file, "old").unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink("real.jsonl", &link).unwrap();
        let mut f = AtomicFile::create(&link).unwrap();
        f.write_all(b"new").unwrap();
        f.commit().unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
    }

    /// As `/dev/stdout` is a link to the terminal or pipe: the device behind it is written in
    /// place and the link survives (it was once replaced by a plain file).
    #[cfg(unix)]
    #[test]
    fn a_link_to_a_device_is_written_in_place() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("stdout");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        let mut f = AtomicFile::create(&link).unwrap();
        f.write_all(b"gone").unwrap();
        f.commit().unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_umask_mode_and_a_replaced_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let probe = dir.path().join("probe");
        std::fs::File::create(&probe).unwrap();
        let fresh = dir.path().join("fresh.json");
        write_file(&fresh, b"x").unwrap();
        assert_eq!(mode(&fresh), mode(&probe), "as any tool creates a file");
        let kept = dir.path().join("kept.json");
        std::fs::write(&kept, "old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&kept, b"new").unwrap();
        assert_eq!(mode(&kept), 0o640);
    }

    #[test]
    fn missing_folder_is_a_clear_error() {
        let err = AtomicFile::create(Path::new("/no/such/dir/out.json")).err().unwrap();
        assert!(err.to_string().contains("/no/such/dir/out.json"));
    }
}
