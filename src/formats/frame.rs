//! The frame shared by the learned and the clusters files: 8 magic bytes, a u32 LE format
//! version, then one zstd stream whose bytes end with their own xxh3-64 (seed 0) checksum.
//! A damaged file, a file of another version or of another kind is an error naming the file.

use std::io::{self, BufReader, Read, Write};
use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

use crate::error::{Error, Result};
use crate::formats::counts::{read_u32, read_u64, HashingReader, HashingWriter};

/// What a framed file is: its magic bytes, version, and name in messages ("learned").
pub(crate) struct Frame {
    pub magic: &'static [u8; 8],
    pub version: u32,
    pub kind: &'static str,
}

/// The body of a framed file being written; every byte written goes into the checksum.
pub(crate) type BodyWriter = HashingWriter<zstd::stream::write::Encoder<'static, Vec<u8>>>;

/// The body of a framed file being read; every byte read goes into the checksum.
pub(crate) type BodyReader =
    HashingReader<zstd::stream::read::Decoder<'static, BufReader<BufReader<std::fs::File>>>>;

impl Frame {
    /// Writes a framed file to `path`, atomically: `body` writes the contents, and an I/O
    /// error of its own is wrapped by the `io_err` it is given.
    pub fn write(
        &self,
        path: &Path,
        body: impl FnOnce(&mut BodyWriter, &dyn Fn(io::Error) -> Error) -> Result<()>,
    ) -> Result<()> {
        let io_err = |source: io::Error| Error::Write { path: path.to_path_buf(), source };
        let mut out = Vec::new();
        out.extend_from_slice(self.magic);
        out.extend_from_slice(&self.version.to_le_bytes());
        let z = zstd::stream::write::Encoder::new(out, 3).map_err(io_err)?;
        let mut w = HashingWriter { inner: z, hasher: Xxh3::new() };
        body(&mut w, &io_err)?;
        let sum = w.hasher.digest();
        let mut z = w.inner;
        z.write_all(&sum.to_le_bytes()).map_err(io_err)?;
        let out = z.finish().map_err(io_err)?;
        crate::output::atomic::write_file(path, &out)
    }

    /// Opens a framed file, checking its magic bytes and version; `bad` makes the error of a
    /// file that is not what it should be.
    pub fn open(&self, path: &Path, bad: &dyn Fn(String) -> Error) -> Result<BodyReader> {
        let io_err = |source: io::Error| Error::Read { path: path.to_path_buf(), source };
        let mut file = BufReader::new(std::fs::File::open(path).map_err(io_err)?);
        let mut magic = [0u8; 8];
        if file.read_exact(&mut magic).is_err() {
            return Err(bad(format!("too short to be a {} file", self.kind)));
        }
        if &magic != self.magic {
            return Err(bad(format!("not a chaff {} file (bad magic bytes)", self.kind)));
        }
        let version = read_u32(&mut file).map_err(io_err)?;
        if version != self.version {
            return Err(bad(format!(
                "{} format version {version}, this chaff reads {}",
                self.kind, self.version
            )));
        }
        let z = zstd::stream::read::Decoder::new(file).map_err(io_err)?;
        Ok(HashingReader { inner: z, hasher: Xxh3::new() })
    }
}

/// Reads the checksum that ends the body and compares it with the bytes read before it.
pub(crate) fn check_sum(r: &mut BodyReader, bad: &dyn Fn(String) -> Error) -> Result<()> {
    let sum = r.hasher.digest();
    let stored = read_u64(&mut r.inner).map_err(|e| bad(format!("corrupt body: {e}")))?;
    if sum != stored {
        return Err(bad("checksum mismatch: the file is damaged".into()));
    }
    Ok(())
}
