//! Documents as the readers give them.

use serde::Serialize;

/// A document's position in input order (0-based over all inputs). Stable for a given list of
/// inputs whatever the thread count, so every output is ordered by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DocId(pub u64);

/// Where a document or a problem came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    /// The input file as the user named it (or as found under a folder they named).
    pub file: String,
    /// 1-based line number of the record for JSONL; 0 for a one-document file.
    pub record: u64,
    /// Byte offset of the record in the (decompressed) file.
    pub offset: u64,
}

impl std::fmt::Display for SourceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.record == 0 && self.offset == 0 {
            write!(f, "{}", self.file)
        } else if self.record == 0 {
            write!(f, "{}: byte {}", self.file, self.offset)
        } else {
            write!(f, "{}: record {} (byte {})", self.file, self.record, self.offset)
        }
    }
}

/// One page of the corpus.
#[derive(Clone, Debug)]
pub struct Document {
    pub seq: DocId,
    /// The document's own id (JSONL id field, or the path of a text file).
    pub id: String,
    /// The grouping key for per-site counts; empty when unknown.
    pub site: String,
    pub url: Option<String>,
    /// The text, exactly as read (bytes; never assumed to be UTF-8).
    pub text: Vec<u8>,
    pub source: SourceRef,
    /// The whole JSON record for JSONL input, kept so that `--clean` writes every other field
    /// back unchanged. Its text field is null: the text was moved into `text`.
    pub record: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A record or file that could not be read. The run goes on without it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{source_ref}: {message}")]
pub struct InputProblem {
    #[serde(flatten)]
    pub source_ref: SourceRef,
    pub message: String,
}

impl InputProblem {
    pub fn new(file: &str, record: u64, offset: u64, message: impl Into<String>) -> Self {
        InputProblem {
            source_ref: SourceRef { file: file.to_string(), record, offset },
            message: message.into(),
        }
    }
}

/// A file that a folder walk passed over, and why: listed in the report, so that no file of
/// an input folder leaves the run without a word.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    /// The file (or hidden folder) as found under the folder the user named.
    pub file: String,
    pub reason: SkipReason,
}

/// Why a file was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Its name ends in no extension chaff reads (`.tsv`, `.pdf`, `README`).
    UnknownFormat,
    /// A hidden entry (its name starts with `.`): a file, or a folder with all it holds.
    Hidden,
}

impl SkipReason {
    /// What the summary says of files skipped for this reason.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::UnknownFormat => "not in a format chaff reads",
            SkipReason::Hidden => "hidden",
        }
    }
}
