//! Input: files and folders of pages, JSONL shards, WARC and WET files, gzip and zstd, turned
//! into [`Document`]s.
//!
//! [`expand`] turns the user's paths into a sorted, deterministic list of [`InputFile`]s;
//! [`Corpus`] reads them in order and yields documents or [`InputProblem`]s. A bad record is a
//! problem, not an error: it is reported and the reader goes on with the next one.

pub mod decompress;
pub mod gzip;
pub mod html;
pub mod jsonl;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod site;
pub mod text_file;
pub mod walk;
pub mod warc;

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::Serialize;

use crate::doc::{DocId, Document};
pub use crate::doc::{InputProblem, SkipReason, SkippedFile};

pub use walk::{expand, Expanded};

/// How a file's records are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One document per file (`.txt`, `.md`, `.text`).
    Text,
    /// One JSON object per line (`.jsonl`, `.json`, `.ndjson`).
    Jsonl,
    /// WARC or WET records (`.warc`, `.wet`); any file starting with `WARC/` is read as one.
    Warc,
    /// One document per row (`.parquet`); see [`parquet`](self::parquet) (cargo feature
    /// `parquet`).
    Parquet,
    /// One HTML page per file (`.html`, `.htm`, `.xhtml`), turned into text lines as a WARC
    /// response is (see [`html`](self::html)).
    Html,
}

/// Which JSON fields hold what. Dotted names reach into nested objects (`metadata.url`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldConfig {
    pub text_field: String,
    pub id_field: String,
    /// Tried in order; the first present string wins.
    pub url_fields: Vec<String>,
    /// When set, the site is this field's value; otherwise the registrable domain of the URL.
    pub site_field: Option<String>,
}

impl Default for FieldConfig {
    fn default() -> Self {
        FieldConfig {
            text_field: "text".into(),
            id_field: "id".into(),
            url_fields: vec!["url".into(), "metadata.url".into()],
            site_field: None,
        }
    }
}

/// One file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// Where to open it.
    pub path: PathBuf,
    /// How to name it in messages and ids.
    pub display: String,
    /// The path relative to the argument it was found under ("" for a file named directly).
    pub relative: String,
    pub format: Format,
}

/// What readers yield.
pub type Item = Result<Document, InputProblem>;

/// Options for reading.
#[derive(Clone, Debug)]
pub struct ReadConfig {
    pub fields: FieldConfig,
    /// Names to show instead of a path (a spooled copy of stdin is shown as `<stdin>`).
    pub display_names: Vec<(PathBuf, String)>,
    /// A record (a JSONL line, a whole text file) longer than this once decompressed is a
    /// problem and is skipped without being held in memory: the cap that bounds memory
    /// whatever the input.
    pub max_record_bytes: u64,
    /// A compressed file may inflate at most this many times (0: no cap); see
    /// [`decompress`].
    pub max_ratio: u64,
    /// Files held in memory, read instead of the file system (see
    /// [`scan_memory`](crate::pipeline::scan_memory)).
    pub memory: Option<Arc<MemoryFiles>>,
    /// Canonical paths that a folder walk leaves out: the run's own outputs written inside
    /// an input folder.
    pub exclude: Vec<PathBuf>,
}

/// The default of `--max-record-bytes`: 256 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: u64 = 256 << 20;

impl Default for ReadConfig {
    fn default() -> Self {
        ReadConfig {
            fields: FieldConfig::default(),
            display_names: Vec::new(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            max_ratio: decompress::DEFAULT_MAX_RATIO,
            memory: None,
            exclude: Vec::new(),
        }
    }
}

/// Input files held in memory, by path: what a fuzzer or a test scans without touching disk.
#[derive(Clone, Default)]
pub struct MemoryFiles(pub std::collections::BTreeMap<PathBuf, Arc<[u8]>>);

impl std::fmt::Debug for MemoryFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MemoryFiles({} files)", self.0.len())
    }
}

impl ReadConfig {
    /// Applies [`ReadConfig::display_names`] to expanded files.
    pub fn rename(&self, files: &mut [InputFile]) {
        for f in files {
            if let Some((_, name)) = self.display_names.iter().find(|(p, _)| *p == f.path) {
                f.display = name.clone();
            }
        }
    }
}

/// Reads a list of files in order, one document (or problem) at a time.
pub struct Corpus {
    files: std::vec::IntoIter<InputFile>,
    pending: std::vec::IntoIter<InputProblem>,
    current: Option<Box<dyn Iterator<Item = Item> + Send>>,
    config: Arc<ReadConfig>,
    next_seq: u64,
    bytes_read: Arc<AtomicU64>,
    skipped_records: Arc<AtomicU64>,
}

impl Corpus {
    /// `problems` are reported first (those found while listing folders).
    pub fn new(files: Vec<InputFile>, problems: Vec<InputProblem>, config: ReadConfig) -> Corpus {
        Corpus {
            files: files.into_iter(),
            pending: problems.into_iter(),
            current: None,
            config: Arc::new(config),
            next_seq: 0,
            bytes_read: Arc::new(AtomicU64::new(0)),
            skipped_records: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A counter of raw (compressed) bytes read from files so far, for progress display.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes_read)
    }

    /// A counter of records read but not taken as documents (WARC requests, metadata,
    /// responses that are not HTML pages).
    pub fn skipped_records(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.skipped_records)
    }

    fn open(&self, file: InputFile) -> Box<dyn Iterator<Item = Item> + Send> {
        let counter = Arc::clone(&self.bytes_read);
        if file.format == Format::Parquet {
            return open_parquet(file, &self.config, counter);
        }
        let opened = match &self.config.memory {
            Some(mem) => match mem.0.get(&file.path) {
                Some(bytes) => decompress::wrap_limited(
                    std::io::Cursor::new(Arc::clone(bytes)),
                    self.config.max_ratio,
                ),
                None => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
            },
            None => decompress::open(&file.path, counter, self.config.max_ratio),
        };
        match opened {
            Err(e) => Box::new(std::iter::once(Err(InputProblem::new(
                &file.display,
                0,
                0,
                format!("cannot open: {e}"),
            )))),
            Ok(mut reader) => {
                // A file named directly is JSONL when its name says nothing; it is WARC when
                // it starts like one. A read error met peeking is reported here: a corrupt
                // first gzip member, stepped over, is said once, and the file read on.
                let mut peeked = None;
                let warc = file.format == Format::Warc
                    || (file.format == Format::Jsonl
                        && match reader.fill_buf() {
                            Ok(head) => warc::is_warc(head),
                            Err(e) => {
                                let problem = InputProblem::new(
                                    &file.display,
                                    1,
                                    0,
                                    format!("read failed: {e}"),
                                );
                                if !gzip::is_resumable(&e) {
                                    return Box::new(std::iter::once(Err(problem)));
                                }
                                peeked = Some(problem);
                                reader.fill_buf().is_ok_and(warc::is_warc)
                            }
                        });
                let rest = self.open_reader(file, reader, warc);
                match peeked {
                    Some(p) => Box::new(std::iter::once(Err(p)).chain(rest)),
                    None => rest,
                }
            }
        }
    }

    /// The reader of an opened file, by its format.
    fn open_reader(
        &self,
        file: InputFile,
        reader: Box<dyn BufRead + Send>,
        warc: bool,
    ) -> Box<dyn Iterator<Item = Item> + Send> {
        if warc {
            let skipped = Arc::clone(&self.skipped_records);
            let max = self.config.max_record_bytes;
            return Box::new(
                warc::WarcReader::new(file, reader, skipped).with_max_record_bytes(max),
            );
        }
        let max = self.config.max_record_bytes;
        match file.format {
            Format::Text | Format::Warc | Format::Parquet => {
                Box::new(text_file::TextFileReader::new(file, reader, max))
            }
            Format::Html => Box::new(text_file::TextFileReader::new(file, reader, max).html()),
            Format::Jsonl => {
                Box::new(jsonl::JsonlReader::new(file, reader, Arc::clone(&self.config)))
            }
        }
    }
}

impl Iterator for Corpus {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if let Some(p) = self.pending.next() {
            return Some(Err(p));
        }
        loop {
            if let Some(cur) = self.current.as_mut() {
                match cur.next() {
                    Some(Ok(mut doc)) => {
                        doc.seq = DocId(self.next_seq);
                        self.next_seq += 1;
                        return Some(Ok(doc));
                    }
                    Some(Err(p)) => return Some(Err(p)),
                    None => self.current = None,
                }
            }
            let file = self.files.next()?;
            self.current = Some(self.open(file));
        }
    }
}

/// A Parquet file's rows (a seekable format: not through [`decompress`]).
#[cfg(feature = "parquet")]
fn open_parquet(
    file: InputFile,
    config: &Arc<ReadConfig>,
    counter: Arc<AtomicU64>,
) -> Box<dyn Iterator<Item = Item> + Send> {
    Box::new(parquet::ParquetReader::new(file, Arc::clone(config), counter))
}

#[cfg(not(feature = "parquet"))]
fn open_parquet(
    file: InputFile,
    _config: &Arc<ReadConfig>,
    _counter: Arc<AtomicU64>,
) -> Box<dyn Iterator<Item = Item> + Send> {
    let message = "chaff was built without Parquet support (cargo feature `parquet`)";
    Box::new(std::iter::once(Err(InputProblem::new(&file.display, 0, 0, message))))
}

/// Reads a counter without caring about ordering (progress display only).
pub fn load(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}
