//! Transparent gzip and zstd, chosen by magic bytes (so a misnamed file still reads), with
//! buffers of 64 KiB.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Buffer size of every reader.
pub const BUFFER_BYTES: usize = 64 * 1024;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Counts the raw bytes read from a file (for progress).
struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens `path`, decompressing gzip (including multi-member files) or zstd when its first
/// bytes say so.
pub fn open(path: &Path, counter: Arc<AtomicU64>) -> io::Result<Box<dyn BufRead + Send>> {
    let file = File::open(path)?;
    wrap(Counting { inner: file, counter })
}

/// Wraps any reader, decompressing by magic bytes.
pub fn wrap<R: Read + Send + 'static>(reader: R) -> io::Result<Box<dyn BufRead + Send>> {
    let mut raw = BufReader::with_capacity(BUFFER_BYTES, reader);
    let head = raw.fill_buf()?;
    if head.starts_with(&GZIP_MAGIC) {
        let decoder = flate2::bufread::MultiGzDecoder::new(raw);
        Ok(Box::new(BufReader::with_capacity(BUFFER_BYTES, decoder)))
    } else if head.starts_with(&ZSTD_MAGIC) {
        let decoder = zstd::stream::read::Decoder::with_buffer(raw)?;
        Ok(Box::new(BufReader::with_capacity(BUFFER_BYTES, decoder)))
    } else {
        Ok(Box::new(raw))
    }
}

/// The file name with any compression suffix removed, for choosing a format by extension.
pub fn strip_compression_suffix(name: &str) -> &str {
    for suffix in [".gz", ".gzip", ".zst", ".zstd"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return stem;
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(bytes: Vec<u8>) -> Vec<u8> {
        let mut out = Vec::new();
        wrap(io::Cursor::new(bytes)).unwrap().read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn plain_gzip_and_zstd_read_alike() {
        let text = b"Home\nNews\n".repeat(1000);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&text).unwrap();
        let gz = gz.finish().unwrap();
        let zst = zstd::encode_all(&text[..], 3).unwrap();
        assert_eq!(read_all(text.clone()), text);
        assert_eq!(read_all(gz), text);
        assert_eq!(read_all(zst), text);
    }

    #[test]
    fn concatenated_gzip_members_read_whole() {
        let mut all = Vec::new();
        for part in [b"a\n", b"b\n"] {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(part).unwrap();
            all.extend(gz.finish().unwrap());
        }
        assert_eq!(read_all(all), b"a\nb\n");
    }

    #[test]
    fn truncated_gzip_is_an_error_not_a_panic() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&b"some text\n".repeat(500)).unwrap();
        let mut gz = gz.finish().unwrap();
        gz.truncate(gz.len() / 2);
        let mut out = Vec::new();
        assert!(wrap(io::Cursor::new(gz)).unwrap().read_to_end(&mut out).is_err());
    }

    #[test]
    fn suffixes() {
        assert_eq!(strip_compression_suffix("a.jsonl.gz"), "a.jsonl");
        assert_eq!(strip_compression_suffix("a.txt.zst"), "a.txt");
        assert_eq!(strip_compression_suffix("a.txt"), "a.txt");
    }
}
