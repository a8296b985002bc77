//! `--annotations FILE`: one JSON object per document, in input order.
//!
//! `{"id", "site", "url", "file", "record", "lines", "bytes", "boilerplate_bytes", "spans": [
//! {"first_line", "last_line", "start", "end", "kind", "docs", "sites"}], "duplicate_of",
//! "duplicate_kind", "similarity"}`. The last three are null for a unique document and for the
//! representative of a cluster (and when duplicate detection is off). A record that could
//! not be read stands where it was, with `"error"` and empty `"spans"`, so that every record of
//! the input is accounted for.

use serde::Serialize;

use super::AtomicFile;
use crate::classify::PaywallStatus;
use crate::dedup::DupKind;
use crate::doc::{Document, InputProblem};
use crate::error::Result;
use crate::result::{DocResult, DocSink};
use crate::span::{Class, Span};

#[derive(Serialize)]
struct DocLine<'a> {
    id: &'a str,
    site: &'a str,
    url: Option<&'a str>,
    file: &'a str,
    record: u64,
    lines: u32,
    bytes: u64,
    boilerplate_bytes: u64,
    paywall: PaywallStatus,
    classes: &'a [Class],
    spans: &'a [Span],
    duplicate_of: Option<&'a str>,
    duplicate_kind: Option<DupKind>,
    similarity: Option<f64>,
    /// Only on a document cut by `--max-doc-bytes`: where flagging stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    unflagged_from: Option<u64>,
}

#[derive(Serialize)]
struct ProblemLine<'a> {
    id: Option<&'a str>,
    error: &'a str,
    file: &'a str,
    record: u64,
    offset: u64,
    spans: [Span; 0],
}

/// Writes the annotations JSONL.
pub struct AnnotationsWriter {
    out: AtomicFile,
    line: Vec<u8>,
}

impl AnnotationsWriter {
    pub fn new(out: AtomicFile) -> Self {
        AnnotationsWriter { out, line: Vec::with_capacity(4096) }
    }

    pub fn commit(self) -> Result<()> {
        self.out.commit()
    }

    fn write<T: Serialize>(&mut self, value: &T) -> Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, value).expect("annotation lines always serialize");
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }
}

impl DocSink for AnnotationsWriter {
    fn document(&mut self, doc: &Document, result: &DocResult) -> Result<()> {
        self.write(&DocLine {
            id: &doc.id,
            site: &doc.site,
            url: doc.url.as_deref(),
            file: &doc.source.file,
            record: doc.source.record,
            lines: result.lines,
            bytes: result.bytes,
            boilerplate_bytes: result.boilerplate_bytes,
            paywall: result.classes.paywall,
            classes: &result.classes.classes,
            spans: &result.spans,
            duplicate_of: result.duplicate.as_ref().map(|d| d.of.as_str()),
            duplicate_kind: result.duplicate.as_ref().map(|d| d.kind),
            similarity: result.duplicate.as_ref().map(|d| d.similarity),
            unflagged_from: result.unflagged_from,
        })
    }

    fn problem(&mut self, p: &InputProblem) -> Result<()> {
        self.write(&ProblemLine {
            id: None,
            error: &p.message,
            file: &p.source_ref.file,
            record: p.source_ref.record,
            offset: p.source_ref.offset,
            spans: [],
        })
    }
}
