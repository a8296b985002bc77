//! Parquet: one document per row, columns chosen by [`FieldConfig`](super::FieldConfig).
//!
//! FineWeb, FineWeb-2 and most Hugging Face datasets work with the default names (`text`,
//! `id`, `url`). Only the columns named by the field settings are decoded (a projection), so
//! the other columns cost nothing here; [`crate::output::parquet`] copies them through
//! unchanged for `--clean`. Names are top-level columns (a dotted name is looked up as a
//! column of that exact name). A row whose text cell is null, or a file whose text column is
//! not a string or binary column, gives a problem per row naming the file, the row group and
//! the row; the reader goes on with the next row. `record` in outputs is the row's 1-based
//! number in its file, `offset` is 0.
//!
//! Row groups are decoded one after the other on the reading thread: decoding (snappy or
//! zstd, then copying each text out) runs far faster than the flagging it feeds, as the JSONL
//! reader's parsing does (see the README's Parquet throughput figures).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, UInt32Type, UInt64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;

use super::{site::registrable_domain, InputFile, InputProblem, Item, ReadConfig};
use crate::doc::{DocId, Document, SourceRef};

/// Rows decoded at a time.
const BATCH_ROWS: usize = 1024;

/// Reads one Parquet file.
pub struct ParquetReader {
    file: InputFile,
    config: Arc<ReadConfig>,
    bytes_read: Arc<AtomicU64>,
    state: Option<State>,
    pending: VecDeque<Item>,
}

/// An open file between row groups.
struct State {
    handle: std::fs::File,
    meta: ArrowReaderMetadata,
    mask: ProjectionMask,
    /// The next row group to open.
    next_group: usize,
    /// The row group being read, its index and the next row in it.
    current: Option<(ParquetRecordBatchReader, usize, u64)>,
    /// Rows of the file before the current batch.
    rows_before: u64,
}

/// Where the wanted columns stand in a decoded batch.
struct Columns {
    text: usize,
    id: Option<usize>,
    url: Vec<usize>,
    site: Option<usize>,
}

impl ParquetReader {
    /// Opens `file`; a file that cannot be opened or has no text column yields one problem.
    pub fn new(file: InputFile, config: Arc<ReadConfig>, bytes_read: Arc<AtomicU64>) -> Self {
        let mut reader =
            ParquetReader { file, config, bytes_read, state: None, pending: VecDeque::new() };
        match reader.open() {
            Ok(state) => reader.state = Some(state),
            Err(message) => reader.pending.push_back(Err(reader.problem(0, message))),
        }
        reader
    }

    fn problem(&self, record: u64, message: impl Into<String>) -> InputProblem {
        InputProblem::new(&self.file.display, record, 0, message)
    }

    fn open(&self) -> Result<State, String> {
        if self.config.memory.is_some() {
            return Err("Parquet input is read from disk only".into());
        }
        let handle =
            std::fs::File::open(&self.file.path).map_err(|e| format!("cannot open: {e}"))?;
        let meta = ArrowReaderMetadata::load(&handle, ArrowReaderOptions::new())
            .map_err(|e| format!("not a readable Parquet file: {e}"))?;
        let schema = meta.schema();
        let fields = &self.config.fields;
        let wanted = |name: &str| schema.index_of(name).ok();
        let Some(text) = wanted(&fields.text_field) else {
            return Err(format!("no text column {:?}", fields.text_field));
        };
        let mut roots = vec![text];
        roots.extend(wanted(&fields.id_field));
        roots.extend(fields.url_fields.iter().filter_map(|f| wanted(f)));
        roots.extend(fields.site_field.as_deref().and_then(wanted));
        roots.sort_unstable();
        roots.dedup();
        let mask = ProjectionMask::roots(meta.parquet_schema(), roots);
        Ok(State { handle, meta, mask, next_group: 0, current: None, rows_before: 0 })
    }

    /// The next batch of the file with its row group, or `None` at the end.
    fn next_batch(&mut self) -> Option<Result<(RecordBatch, usize, u64), String>> {
        let state = self.state.as_mut()?;
        loop {
            if let Some((reader, group, row)) = state.current.as_mut() {
                match reader.next() {
                    Some(Ok(batch)) => {
                        let first = *row;
                        *row += batch.num_rows() as u64;
                        return Some(Ok((batch, *group, first)));
                    }
                    Some(Err(e)) => {
                        let group = *group;
                        self.state = None;
                        return Some(Err(format!("row group {group}: cannot decode: {e}")));
                    }
                    None => state.current = None,
                }
            }
            let groups = state.meta.metadata().num_row_groups();
            if state.next_group >= groups {
                return None;
            }
            let group = state.next_group;
            state.next_group += 1;
            let size = state.meta.metadata().row_group(group).compressed_size();
            self.bytes_read.fetch_add(size.max(0) as u64, Ordering::Relaxed);
            let handle = match state.handle.try_clone() {
                Ok(h) => h,
                Err(e) => {
                    self.state = None;
                    return Some(Err(format!("cannot reopen: {e}")));
                }
            };
            let built =
                ParquetRecordBatchReaderBuilder::new_with_metadata(handle, state.meta.clone())
                    .with_row_groups(vec![group])
                    .with_projection(state.mask.clone())
                    .with_batch_size(BATCH_ROWS)
                    .build();
            match built {
                Ok(reader) => state.current = Some((reader, group, 0)),
                Err(e) => {
                    self.state = None;
                    return Some(Err(format!("row group {group}: cannot read: {e}")));
                }
            }
        }
    }

    /// Turns a batch into documents and problems, in row order.
    fn decode(&mut self, batch: &RecordBatch, group: usize, first_row: u64) {
        let schema = batch.schema();
        let fields = &self.config.fields;
        let index = |name: &str| schema.index_of(name).ok();
        let columns = Columns {
            text: index(&fields.text_field).expect("the text column is projected"),
            id: index(&fields.id_field),
            url: fields.url_fields.iter().filter_map(|f| index(f)).collect(),
            site: fields.site_field.as_deref().and_then(index),
        };
        let rows_before = self.state.as_ref().map_or(0, |s| s.rows_before);
        let text = batch.column(columns.text);
        for i in 0..batch.num_rows() {
            let record = rows_before + i as u64 + 1;
            let row = first_row + i as u64;
            let item = match cell_bytes(text.as_ref(), i) {
                Cell::Bytes(bytes) => Ok(self.document(batch, &columns, i, bytes, record)),
                Cell::Null => Err(self.problem(
                    record,
                    format!(
                        "row group {group}, row {row}: text column {:?} is null",
                        fields.text_field
                    ),
                )),
                Cell::Wrong(ty) => Err(self.problem(
                    record,
                    format!(
                        "row group {group}, row {row}: text column {:?} is {ty}, not a string",
                        fields.text_field
                    ),
                )),
            };
            self.pending.push_back(item);
        }
        if let Some(s) = self.state.as_mut() {
            s.rows_before += batch.num_rows() as u64;
        }
    }

    fn document(
        &self,
        batch: &RecordBatch,
        columns: &Columns,
        i: usize,
        text: Vec<u8>,
        record: u64,
    ) -> Document {
        let string = |c: usize| cell_string(batch.column(c).as_ref(), i);
        let id = columns
            .id
            .and_then(string)
            .unwrap_or_else(|| format!("{}:{record}", self.file.display));
        let url = columns.url.iter().find_map(|&c| string(c));
        let site = match columns.site {
            Some(c) => string(c).unwrap_or_default(),
            None if self.config.fields.site_field.is_some() => String::new(),
            None => url.as_deref().and_then(registrable_domain).unwrap_or_default(),
        };
        Document {
            seq: DocId(0),
            id,
            site,
            url,
            text,
            source: SourceRef { file: self.file.display.clone(), record, offset: 0 },
            record: None,
        }
    }
}

/// A text cell.
enum Cell {
    Bytes(Vec<u8>),
    Null,
    /// The column is of this other type.
    Wrong(DataType),
}

/// Row `i` of a string or binary column, copied out.
fn cell_bytes(array: &dyn Array, i: usize) -> Cell {
    if array.is_null(i) {
        return Cell::Null;
    }
    let bytes: &[u8] = match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().value(i).as_bytes(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(i).as_bytes(),
        DataType::Utf8View => array.as_string_view().value(i).as_bytes(),
        DataType::Binary => array.as_binary::<i32>().value(i),
        DataType::LargeBinary => array.as_binary::<i64>().value(i),
        DataType::BinaryView => array.as_binary_view().value(i),
        other => return Cell::Wrong(other.clone()),
    };
    Cell::Bytes(bytes.to_vec())
}

/// Row `i` of an id, url or site column: strings as they are, integers printed.
fn cell_string(array: &dyn Array, i: usize) -> Option<String> {
    if array.is_null(i) {
        return None;
    }
    Some(match array.data_type() {
        DataType::Int64 => array.as_primitive::<Int64Type>().value(i).to_string(),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(i).to_string(),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(i).to_string(),
        DataType::UInt32 => array.as_primitive::<UInt32Type>().value(i).to_string(),
        _ => match cell_bytes(array, i) {
            Cell::Bytes(b) => String::from_utf8(b).ok()?,
            _ => return None,
        },
    })
}

impl Iterator for ParquetReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            match self.next_batch()? {
                Ok((batch, group, first_row)) => self.decode(&batch, group, first_row),
                Err(message) => {
                    let record = self.state.as_ref().map_or(0, |s| s.rows_before);
                    return Some(Err(self.problem(record, message)));
                }
            }
        }
    }
}
