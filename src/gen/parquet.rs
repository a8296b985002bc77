//! `chaff gen --format parquet`: the JSONL shards converted to Parquet, one file per shard,
//! with the columns of the JSONL records (`id`, `url`, `site`, `text`, `paywall`, `copy`) as
//! FineWeb lays out its own (`text`, `id`, `url` as strings), Snappy-compressed (the default of
//! pyarrow and of the Hugging Face datasets), in row groups of [`ROW_GROUP_ROWS`] rows.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::error::{Error, Result};
use crate::output::AtomicFile;

/// Rows per row group (and per batch written).
pub const ROW_GROUP_ROWS: usize = 8192;

#[derive(serde::Deserialize)]
struct Record {
    id: String,
    url: String,
    site: String,
    text: String,
    paywall: bool,
    copy: Option<String>,
}

/// The columns: the JSONL fields, `copy` nullable.
fn schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("url", DataType::Utf8, false),
        Field::new("site", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, false),
        Field::new("paywall", DataType::Boolean, false),
        Field::new("copy", DataType::Utf8, true),
    ]))
}

/// Column builders of one batch.
#[derive(Default)]
struct Columns {
    id: StringBuilder,
    url: StringBuilder,
    site: StringBuilder,
    text: StringBuilder,
    paywall: BooleanBuilder,
    copy: StringBuilder,
    rows: usize,
}

impl Columns {
    fn push(&mut self, r: Record) {
        self.id.append_value(r.id);
        self.url.append_value(r.url);
        self.site.append_value(r.site);
        self.text.append_value(r.text);
        self.paywall.append_value(r.paywall);
        self.copy.append_option(r.copy);
        self.rows += 1;
    }

    fn finish(&mut self) -> RecordBatch {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.url.finish()),
            Arc::new(self.site.finish()),
            Arc::new(self.text.finish()),
            Arc::new(self.paywall.finish()),
            Arc::new(self.copy.finish()),
        ];
        self.rows = 0;
        RecordBatch::try_new(schema(), columns).expect("columns match the schema")
    }
}

/// Converts one generated JSONL shard into a Parquet file.
pub fn jsonl_to_parquet(jsonl: &Path, parquet: &Path) -> Result<()> {
    let read_error = |e: std::io::Error| Error::Read { path: jsonl.to_path_buf(), source: e };
    let write_error = |e: parquet::errors::ParquetError| Error::Write {
        path: parquet.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    };
    let input =
        std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(jsonl).map_err(read_error)?);
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_size(ROW_GROUP_ROWS)
        .build();
    let mut writer = ArrowWriter::try_new(AtomicFile::create(parquet)?, schema(), Some(props))
        .map_err(write_error)?;
    let mut columns = Columns::default();
    for line in input.lines() {
        let line = line.map_err(read_error)?;
        let record: Record = serde_json::from_str(&line)
            .map_err(|e| read_error(std::io::Error::other(e.to_string())))?;
        columns.push(record);
        if columns.rows == ROW_GROUP_ROWS {
            writer.write(&columns.finish()).map_err(write_error)?;
        }
    }
    if columns.rows > 0 {
        writer.write(&columns.finish()).map_err(write_error)?;
    }
    writer.into_inner().map_err(write_error)?.commit()
}
