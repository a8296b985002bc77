//! Transparent gzip and zstd, chosen by magic bytes (so a misnamed file still reads), with
//! buffers of 64 KiB.
//!
//! A decompression bomb (a few kilobytes that inflate to terabytes) is stopped by a ratio cap:
//! once more than [`RATIO_FLOOR`] bytes have come out, a stream that has inflated more than
//! `max_ratio` times the compressed bytes read so far fails with a clear error. Web text
//! compresses 3 to 10 times, highly repetitive shards rarely past 50; zeros reach 1,030 with
//! gzip and millions with zstd. The records read before the error are kept, as for any broken
//! stream. Memory is bounded apart from this by the record cap of the readers
//! ([`ReadConfig::max_record_bytes`](super::ReadConfig::max_record_bytes)).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Buffer size of every reader.
pub const BUFFER_BYTES: usize = 64 * 1024;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Whether a stream starts with a zstd frame: a data frame, or a skippable frame (magic
/// 0x184D2A50 to 0x184D2A5F, little-endian), which `pzstd` writes first to index its parallel
/// frames and other tools use for metadata. The decoder steps over skippable frames.
fn is_zstd(head: &[u8]) -> bool {
    head.starts_with(&ZSTD_MAGIC)
        || (head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18])
}

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

/// The default of `--max-ratio`: decompressed bytes per compressed byte.
pub const DEFAULT_MAX_RATIO: u64 = 200;

/// The ratio cap applies only past this many decompressed bytes of a file, so that small
/// files of repeated text are never stopped.
pub const RATIO_FLOOR: u64 = 64 << 20;

/// Fails a decompressed stream that inflates more than `max_ratio` times (see the module docs).
struct RatioGuard<R> {
    inner: R,
    compressed: Arc<AtomicU64>,
    out: u64,
    max_ratio: u64,
    floor: u64,
}

impl<R: Read> Read for RatioGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        let compressed = self.compressed.load(Ordering::Relaxed).max(1);
        if self.max_ratio > 0 && self.out > self.floor && self.out / compressed >= self.max_ratio {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "decompressed to {} bytes from {compressed} (more than {} times), \
                     stopped as a likely decompression bomb (--max-ratio raises the cap, 0 \
                     turns it off)",
                    self.out, self.max_ratio
                ),
            ));
        }
        Ok(n)
    }
}

/// Opens `path`, decompressing gzip (including multi-member files) or zstd when its first
/// bytes say so, under a cap of `max_ratio` (0: none).
pub fn open(
    path: &Path,
    counter: Arc<AtomicU64>,
    max_ratio: u64,
) -> io::Result<Box<dyn BufRead + Send>> {
    // A folder, FIFO or device named where a file was expected: say so, rather than fail
    // with a bare EISDIR or block for ever opening a pipe nobody writes to.
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() { "a folder" } else { "not a regular file (a FIFO or device)" };
        return Err(io::Error::new(io::ErrorKind::InvalidInput, what));
    }
    let file = File::open(path)?;
    wrap_limited(Counting { inner: file, counter }, max_ratio)
}

/// Wraps any reader, decompressing by magic bytes, under the default ratio cap.
pub fn wrap<R: Read + Send + 'static>(reader: R) -> io::Result<Box<dyn BufRead + Send>> {
    wrap_limited(reader, DEFAULT_MAX_RATIO)
}

/// Wraps any reader, decompressing by magic bytes; a compressed stream may inflate at most
/// `max_ratio` times (0: no cap).
pub fn wrap_limited<R: Read + Send + 'static>(
    reader: R,
    max_ratio: u64,
) -> io::Result<Box<dyn BufRead + Send>> {
    wrap_capped(reader, max_ratio, RATIO_FLOOR)
}

/// [`wrap_limited`] with the ratio checked past `floor` decompressed bytes instead of
/// [`RATIO_FLOOR`] (the fuzz target trips bombs early, to stay fast).
pub fn wrap_capped<R: Read + Send + 'static>(
    reader: R,
    max_ratio: u64,
    floor: u64,
) -> io::Result<Box<dyn BufRead + Send>> {
    let compressed = Arc::new(AtomicU64::new(0));
    let counted = Counting { inner: reader, counter: Arc::clone(&compressed) };
    let mut raw = BufReader::with_capacity(BUFFER_BYTES, counted);
    let head = raw.fill_buf()?;
    if head.starts_with(&GZIP_MAGIC) {
        let decoder = super::gzip::GzipMembers::new(raw);
        let guard = RatioGuard { inner: decoder, compressed, out: 0, max_ratio, floor };
        Ok(Box::new(BufReader::with_capacity(BUFFER_BYTES, guard)))
    } else if is_zstd(head) {
        let decoder = zstd::stream::read::Decoder::with_buffer(raw)?;
        let guard = RatioGuard { inner: decoder, compressed, out: 0, max_ratio, floor };
        Ok(Box::new(BufReader::with_capacity(BUFFER_BYTES, guard)))
    } else if let Some(e) = unread_compression_by_magic(head) {
        Err(e)
    } else {
        Ok(Box::new(raw))
    }
}

/// Suffixes of the compressions chaff reads, matched without regard to case.
const READ_SUFFIXES: [&str; 4] = [".gz", ".gzip", ".zst", ".zstd"];

/// Compressions chaff recognises but does not read: by suffix, and by magic bytes (with the
/// command that undoes them). A file in one of them would otherwise be read as text, or left
/// out of a folder without a word.
const UNREAD: &[Unread] = &[
    Unread { name: "bzip2", suffixes: &[".bz2", ".bzip2"], magic: b"BZh", command: "bunzip2 -k" },
    Unread { name: "xz", suffixes: &[".xz"], magic: b"\xfd7zXZ\0", command: "unxz -k" },
    Unread { name: "lzma", suffixes: &[".lzma"], magic: b"", command: "unlzma -k" },
    Unread { name: "lz4", suffixes: &[".lz4"], magic: b"\x04\x22\x4d\x18", command: "lz4 -d" },
    Unread { name: "brotli", suffixes: &[".br"], magic: b"", command: "brotli -d" },
    Unread { name: "zip", suffixes: &[".zip"], magic: b"PK\x03\x04", command: "unzip" },
    Unread { name: "7z", suffixes: &[".7z"], magic: b"7z\xbc\xaf\x27\x1c", command: "7z x" },
];

/// A compression chaff does not read.
struct Unread {
    name: &'static str,
    suffixes: &'static [&'static str],
    /// Empty when the format has none (brotli).
    magic: &'static [u8],
    command: &'static str,
}

impl Unread {
    fn error(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::Unsupported,
            format!(
                "compressed with {}, which chaff does not read; decompress it first ({})",
                self.name, self.command
            ),
        )
    }
}

/// Whether a name ends with `suffix`, ignoring ASCII case.
fn ends_with_ignore_case(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.is_char_boundary(name.len() - suffix.len())
        && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// The file name with any compression suffix removed (`.gz`, `.zst`, and those chaff does not
/// read, `.bz2`, `.xz` …), matched without regard to case, for choosing a format by extension.
pub fn strip_compression_suffix(name: &str) -> &str {
    let known = UNREAD.iter().flat_map(|u| u.suffixes.iter());
    for suffix in READ_SUFFIXES.iter().chain(known) {
        if ends_with_ignore_case(name, suffix) {
            return &name[..name.len() - suffix.len()];
        }
    }
    name
}

/// The error a file named for a compression chaff does not read gives (`a.jsonl.bz2`).
pub fn unread_compression_by_name(name: &str) -> Option<io::Error> {
    UNREAD
        .iter()
        .find(|u| u.suffixes.iter().any(|s| ends_with_ignore_case(name, s)))
        .map(Unread::error)
}

/// The error a stream starting with the magic bytes of a compression chaff does not read gives.
/// bzip2's `BZh` must be followed by a block size digit and the block magic (π in BCD), so
/// that no text file is taken for one; lzma and brotli have no magic and go by name only.
fn unread_compression_by_magic(head: &[u8]) -> Option<io::Error> {
    UNREAD
        .iter()
        .find(|u| {
            !u.magic.is_empty()
                && head.starts_with(u.magic)
                && match u.name {
                    "bzip2" => {
                        head.len() >= 10
                            && (b'1'..=b'9').contains(&head[3])
                            && head[4..10] == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
                    }
                    _ => true,
                }
        })
        .map(Unread::error)
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

    /// A skippable frame first (what `pzstd` writes), then data frames with one more
    /// skippable frame between them: every frame magic is sniffed, the data read whole.
    #[test]
    fn zstd_with_skippable_frames_reads_whole() {
        let skippable = |n: u8, payload: &[u8]| {
            let mut f = vec![0x50 + n, 0x2a, 0x4d, 0x18];
            f.extend((payload.len() as u32).to_le_bytes());
            f.extend(payload);
            f
        };
        let mut bytes = skippable(0, &[0; 12]);
        bytes.extend(zstd::encode_all(&b"a\n"[..], 3).unwrap());
        bytes.extend(skippable(0xf, b"meta"));
        bytes.extend(zstd::encode_all(&b"b\n"[..], 3).unwrap());
        assert_eq!(read_all(bytes), b"a\nb\n");
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

    fn drain(mut r: Box<dyn BufRead + Send>) -> (u64, Option<io::Error>) {
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0;
        loop {
            match r.read(&mut buf) {
                Ok(0) => return (total, None),
                Ok(n) => total += n as u64,
                Err(e) => return (total, Some(e)),
            }
        }
    }

    #[test]
    fn bombs_stop_at_the_ratio_cap_and_plain_files_never_do() {
        let zeros = zstd::encode_all(&vec![0u8; 8 << 20][..], 3).unwrap();
        let (out, err) = drain(wrap_capped(io::Cursor::new(zeros.clone()), 50, 1 << 20).unwrap());
        let err = err.expect("stopped");
        assert!(err.to_string().contains("likely decompression bomb"), "{err}");
        assert!(out < 2 << 20, "{out} bytes out before the stop");
        // The cap off, or past the floor only: read to the end.
        assert_eq!(drain(wrap_capped(io::Cursor::new(zeros), 0, 1 << 20).unwrap()).0, 8 << 20);
        let plain = vec![0u8; 4 << 20];
        assert_eq!(drain(wrap_capped(io::Cursor::new(plain), 1, 0).unwrap()).0, 4 << 20);
    }

    #[test]
    fn suffixes() {
        assert_eq!(strip_compression_suffix("a.jsonl.gz"), "a.jsonl");
        assert_eq!(strip_compression_suffix("a.txt.zst"), "a.txt");
        assert_eq!(strip_compression_suffix("a.txt"), "a.txt");
    }
}
