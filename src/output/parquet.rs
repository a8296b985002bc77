//! `--clean` of Parquet input as Parquet: each input file's rows with the text column replaced
//! by the kept text, the schema and every other column unchanged.
//!
//! The reader decodes only the columns it needs ([`crate::input::parquet`]); this writer reads
//! each input file again, whole, batch by batch, as the documents of that file come back in
//! input order, so that memory holds one batch of the input at a time. A row that was a
//! problem (a null text cell) is copied unchanged. With [`ParquetCleanWriter::drop_duplicates`],
//! the rows of duplicates are left out. Into a folder, each input file gives a file of the
//! same relative path; into one file, the inputs must share one schema.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BinaryBuilder, BinaryViewBuilder, LargeBinaryBuilder, LargeStringBuilder, StringBuilder,
    StringViewBuilder,
};
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

use super::AtomicFile;
use crate::doc::{Document, InputProblem};
use crate::error::{Error, Result};
use crate::input::{Format, InputFile};
use crate::output::clean::kept_text;
use crate::result::{DocResult, DocSink};

/// What becomes of one row.
enum Edit {
    /// The kept text.
    Text(Vec<u8>),
    /// Left out (a duplicate, under `drop_duplicates`).
    Drop,
}

/// Writes cleaned Parquet.
pub struct ParquetCleanWriter {
    files: Vec<InputFile>,
    by_display: HashMap<String, usize>,
    text_field: String,
    target: Target,
    drop_duplicates: bool,
    /// The input file being copied.
    current: Option<Copy>,
    /// Inputs already copied, by index.
    done: Vec<bool>,
}

/// Where the output goes.
enum Target {
    /// One file per input, at its relative path under the folder.
    Folder(PathBuf),
    /// Every input into one file (opened with the first).
    File(PathBuf, Option<Box<ArrowWriter<AtomicFile>>>),
}

/// One input file being read again and written out.
struct Copy {
    input: usize,
    batches: ParquetRecordBatchReader,
    schema: SchemaRef,
    text: usize,
    /// The next batch not yet written, and the file's row number of its first row.
    batch: Option<RecordBatch>,
    batch_start: u64,
    /// Edits of rows from `batch_start` on: (0-based row of the file, edit).
    edits: Vec<(u64, Edit)>,
    /// Its own output (folder mode).
    out: Option<ArrowWriter<AtomicFile>>,
}

fn read_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Read { path: path.to_path_buf(), source: std::io::Error::other(e.to_string()) }
}

fn write_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Write { path: path.to_path_buf(), source: std::io::Error::other(e.to_string()) }
}

/// Whether `--clean PATH` over these inputs writes Parquet: every input is Parquet and the
/// path is a folder (existing, or named with a trailing `/`) or ends with `.parquet`.
pub fn wants_parquet(files: &[InputFile], target: &Path) -> bool {
    !files.is_empty()
        && files.iter().all(|f| f.format == Format::Parquet)
        && (is_folder(target) || target.extension().is_some_and(|e| e == "parquet"))
}

fn is_folder(target: &Path) -> bool {
    target.is_dir() || target.as_os_str().to_string_lossy().ends_with('/')
}

/// The input's path under the output folder: its path under the folder argument, or its name.
fn relative_name(file: &InputFile) -> PathBuf {
    if file.relative.is_empty() {
        PathBuf::from(file.path.file_name().unwrap_or_default())
    } else {
        PathBuf::from(&file.relative)
    }
}

fn open_input(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<std::fs::File>> {
    let handle = std::fs::File::open(path)
        .map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    ParquetRecordBatchReaderBuilder::try_new(handle).map_err(|e| read_error(path, e))
}

fn writer_for(
    path: &Path,
    schema: &SchemaRef,
    compression: parquet::basic::Compression,
) -> Result<ArrowWriter<AtomicFile>> {
    let out = AtomicFile::create(path)?;
    let props = WriterProperties::builder().set_compression(compression).build();
    ArrowWriter::try_new(out, Arc::clone(schema), Some(props)).map_err(|e| write_error(path, e))
}

impl ParquetCleanWriter {
    /// A writer for `files` (all Parquet, in input order) into `target`. Checks up front that
    /// the folder's file names are distinct, or that the inputs share one schema.
    pub fn new(files: &[InputFile], target: &Path, text_field: &str) -> Result<Self> {
        let target = if is_folder(target) {
            std::fs::create_dir_all(target)
                .map_err(|source| Error::Write { path: target.to_path_buf(), source })?;
            let mut seen = std::collections::HashSet::new();
            for f in files {
                if !seen.insert(relative_name(f)) {
                    return Err(Error::Config(format!(
                        "--clean {}: two inputs would be written to {}",
                        target.display(),
                        relative_name(f).display()
                    )));
                }
            }
            Target::Folder(target.to_path_buf())
        } else {
            let mut first: Option<SchemaRef> = None;
            for f in files {
                let Ok(b) = open_input(&f.path) else { continue };
                match &first {
                    None => first = Some(Arc::clone(b.schema())),
                    Some(s) if s == b.schema() => {}
                    Some(_) => {
                        return Err(Error::Config(format!(
                            "--clean {}: {} has another schema than the first input; name a \
                             folder to get one file per input",
                            target.display(),
                            f.display
                        )))
                    }
                }
            }
            Target::File(target.to_path_buf(), None)
        };
        let by_display = files.iter().enumerate().map(|(i, f)| (f.display.clone(), i)).collect();
        Ok(ParquetCleanWriter {
            files: files.to_vec(),
            by_display,
            text_field: text_field.to_string(),
            target,
            drop_duplicates: false,
            current: None,
            done: vec![false; files.len()],
        })
    }

    /// Leave the rows of duplicates (documents with a `duplicate_of`) out.
    pub fn drop_duplicates(mut self, yes: bool) -> Self {
        self.drop_duplicates = yes;
        self
    }

    /// Starts copying input `input`, finishing the one before (and any skipped between).
    fn switch_to(&mut self, input: usize) -> Result<()> {
        if self.current.as_ref().is_some_and(|c| c.input == input) {
            return Ok(());
        }
        self.finish_current()?;
        self.current = Some(self.open(input)?);
        Ok(())
    }

    fn open(&mut self, input: usize) -> Result<Copy> {
        let file = &self.files[input];
        let builder = open_input(&file.path)?;
        let schema = Arc::clone(builder.schema());
        let text = schema.index_of(&self.text_field).map_err(|e| read_error(&file.path, e))?;
        let compression = builder
            .metadata()
            .row_groups()
            .first()
            .map(|g| g.column(0).compression())
            .unwrap_or(parquet::basic::Compression::SNAPPY);
        let out = match &mut self.target {
            Target::Folder(dir) => {
                let path = dir.join(relative_name(file));
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|source| Error::Write { path: path.clone(), source })?;
                }
                Some(writer_for(&path, &schema, compression)?)
            }
            Target::File(path, w @ None) => {
                *w = Some(Box::new(writer_for(path, &schema, compression)?));
                None
            }
            Target::File(..) => None,
        };
        let mut batches = builder.build().map_err(|e| read_error(&file.path, e))?;
        let batch = batches.next().transpose().map_err(|e| read_error(&file.path, e))?;
        Ok(Copy { input, batches, schema, text, batch, batch_start: 0, edits: Vec::new(), out })
    }

    /// Writes the rest of the current input and closes its file (folder mode).
    fn finish_current(&mut self) -> Result<()> {
        let Some(mut copy) = self.current.take() else { return Ok(()) };
        self.flush(&mut copy, u64::MAX)?;
        self.done[copy.input] = true;
        if let Some(w) = copy.out.take() {
            let path = self.files[copy.input].path.clone();
            w.into_inner().map_err(|e| write_error(&path, e))?.commit()?;
        }
        Ok(())
    }

    /// Writes every batch whose rows all lie before `upto`.
    fn flush(&mut self, copy: &mut Copy, upto: u64) -> Result<()> {
        let path = self.files[copy.input].path.clone();
        while let Some(batch) = copy.batch.take() {
            let end = copy.batch_start + batch.num_rows() as u64;
            if end > upto {
                copy.batch = Some(batch);
                break;
            }
            let edited = edit_batch(&batch, copy, end).map_err(|e| read_error(&path, e))?;
            let writer = match (&mut copy.out, &mut self.target) {
                (Some(w), _) => w,
                (None, Target::File(_, Some(w))) => w.as_mut(),
                _ => unreachable!("a writer is open while copying"),
            };
            writer.write(&edited).map_err(|e| write_error(&path, e))?;
            copy.batch_start = end;
            copy.batch = copy.batches.next().transpose().map_err(|e| read_error(&path, e))?;
        }
        Ok(())
    }

    /// Records what becomes of row `record` (1-based) of `file`; writes what is complete.
    fn edit(&mut self, file: &str, record: u64, edit: Option<Edit>) -> Result<()> {
        let Some(&input) = self.by_display.get(file) else { return Ok(()) };
        if record == 0 {
            return Ok(());
        }
        self.switch_to(input)?;
        let mut copy = self.current.take().expect("switched to it");
        if let Some(edit) = edit {
            copy.edits.push((record - 1, edit));
        }
        let result = self.flush(&mut copy, record);
        self.current = Some(copy);
        result
    }

    /// Copies the inputs that gave no row (empty files, files without a text column) and
    /// moves every output into place.
    pub fn commit(mut self) -> Result<()> {
        self.finish_current()?;
        for input in 0..self.files.len() {
            if !self.done[input] && open_input(&self.files[input].path).is_ok() {
                self.current = Some(self.open(input)?);
                self.finish_current()?;
            }
        }
        if let Target::File(path, writer) = self.target {
            let writer = match writer {
                Some(w) => *w,
                None => {
                    // No input could be read: an empty file with no columns.
                    let schema = Arc::new(arrow_schema::Schema::empty());
                    writer_for(&path, &schema, parquet::basic::Compression::SNAPPY)?
                }
            };
            writer.into_inner().map_err(|e| write_error(&path, e))?.commit()?;
        }
        Ok(())
    }
}

/// `batch` (rows `copy.batch_start..end` of the file) with its text column edited and its
/// dropped rows left out; takes the edits it uses off `copy.edits`.
fn edit_batch(
    batch: &RecordBatch,
    copy: &mut Copy,
    end: u64,
) -> std::result::Result<RecordBatch, arrow_schema::ArrowError> {
    let split = copy.edits.partition_point(|(row, _)| *row < end);
    if split == 0 {
        return Ok(batch.clone());
    }
    let edits: Vec<(u64, Edit)> = copy.edits.drain(..split).collect();
    let n = batch.num_rows();
    let mut texts: Vec<Option<&[u8]>> = vec![None; n];
    let mut keep = vec![true; n];
    let mut edited = vec![false; n];
    for (row, edit) in &edits {
        let i = (row - copy.batch_start) as usize;
        match edit {
            Edit::Text(t) => {
                texts[i] = Some(t);
                edited[i] = true;
            }
            Edit::Drop => keep[i] = false,
        }
    }
    let original = batch.column(copy.text);
    let column = rebuild(original.as_ref(), &texts, &edited)?;
    let mut columns = batch.columns().to_vec();
    columns[copy.text] = column;
    let rebuilt = RecordBatch::try_new(Arc::clone(&copy.schema), columns)?;
    if keep.iter().all(|&k| k) {
        return Ok(rebuilt);
    }
    arrow_select::filter::filter_record_batch(&rebuilt, &BooleanArray::from(keep))
}

/// The text column with edited rows replaced, in its own type.
fn rebuild(
    original: &dyn Array,
    texts: &[Option<&[u8]>],
    edited: &[bool],
) -> std::result::Result<ArrayRef, arrow_schema::ArrowError> {
    use arrow_array::cast::AsArray;
    // A cleaned text is whole lines of a valid UTF-8 text, so valid UTF-8 itself; the lossy
    // decoding is only a guard.
    let string = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    macro_rules! strings {
        ($builder:ty, $get:expr) => {{
            let mut b = <$builder>::new();
            for (i, t) in texts.iter().enumerate() {
                match (edited[i], t) {
                    (true, Some(t)) => b.append_value(string(t)),
                    _ if original.is_null(i) => b.append_null(),
                    _ => b.append_value($get(i)),
                }
            }
            Arc::new(b.finish()) as ArrayRef
        }};
    }
    macro_rules! binaries {
        ($builder:ty, $get:expr) => {{
            let mut b = <$builder>::new();
            for (i, t) in texts.iter().enumerate() {
                match (edited[i], t) {
                    (true, Some(t)) => b.append_value(t),
                    _ if original.is_null(i) => b.append_null(),
                    _ => b.append_value($get(i)),
                }
            }
            Arc::new(b.finish()) as ArrayRef
        }};
    }
    Ok(match original.data_type() {
        DataType::Utf8 => strings!(StringBuilder, |i| original.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => {
            strings!(LargeStringBuilder, |i| original.as_string::<i64>().value(i))
        }
        DataType::Utf8View => strings!(StringViewBuilder, |i| original.as_string_view().value(i)),
        DataType::Binary => binaries!(BinaryBuilder, |i| original.as_binary::<i32>().value(i)),
        DataType::LargeBinary => {
            binaries!(LargeBinaryBuilder, |i| original.as_binary::<i64>().value(i))
        }
        DataType::BinaryView => {
            binaries!(BinaryViewBuilder, |i| original.as_binary_view().value(i))
        }
        // The reader gave no document of a column of another type: nothing was edited.
        _ => arrow_array::make_array(original.to_data()),
    })
}

impl DocSink for ParquetCleanWriter {
    fn document(&mut self, doc: &Document, result: &DocResult) -> Result<()> {
        let edit = if self.drop_duplicates && result.duplicate.is_some() {
            Edit::Drop
        } else {
            Edit::Text(kept_text(&doc.text, &result.spans))
        };
        self.edit(&doc.source.file, doc.source.record, Some(edit))
    }

    fn problem(&mut self, p: &InputProblem) -> Result<()> {
        self.edit(&p.source_ref.file, p.source_ref.record, None)
    }
}
