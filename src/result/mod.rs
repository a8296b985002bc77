//! What the scan found in each document, and the sinks that receive it in input order.
//!
//! [`DocResult`] is produced by the mark pass (`crate::scan`) and read by every output, the
//! report and the evaluation; it lives here, below all of them, so that none imports the
//! pipeline that feeds it. [`spool`] holds the results between a scan's passes.

use serde::Serialize;

use crate::classify::DocClasses;
use crate::dedup::Duplicate;
use crate::doc::{Document, InputProblem};
use crate::error::Result;
use crate::span::Span;
use crate::text::block::LineView;

pub mod spool;

/// What a scan found in one document.
#[derive(Clone, Debug, Serialize)]
pub struct DocResult {
    /// Lines of the text split on `\n`.
    pub lines: u32,
    pub non_blank_lines: u32,
    pub bytes: u64,
    pub boilerplate_bytes: u64,
    pub boilerplate_lines: u32,
    pub spans: Vec<Span>,
    /// Paywall status and the classes of the spans.
    pub classes: DocClasses,
    /// The document's cluster, when it is a copy of another document (`None` for a
    /// representative, a unique document, or when duplicate detection is off).
    pub duplicate: Option<Duplicate>,
    /// Where flagging stopped, when the document was longer than `--max-doc-bytes`: the text
    /// from this byte on was neither hashed nor flagged and is kept whole.
    pub unflagged_from: Option<u64>,
}

impl DocResult {
    pub(crate) fn new(
        doc: &Document,
        view: &LineView,
        spans: Vec<Span>,
        classes: DocClasses,
    ) -> DocResult {
        DocResult {
            classes,
            lines: view.lines.len() as u32 + view.lines_past_cap,
            non_blank_lines: view.non_blank.len() as u32,
            bytes: doc.text.len() as u64,
            boilerplate_bytes: spans.iter().map(|s| (s.end - s.start) as u64).sum(),
            boilerplate_lines: spans.iter().map(|s| s.lines).sum(),
            spans,
            duplicate: None,
            unflagged_from: (view.flagged_bytes < doc.text.len())
                .then_some(view.flagged_bytes as u64),
        }
    }
}

/// Receives each document's result, in input order (and each bad record where it stood).
/// `Send`: the sinks of one batch run while the next batch is being flagged.
pub trait DocSink: Send {
    fn document(&mut self, doc: &Document, result: &DocResult) -> Result<()>;
    fn problem(&mut self, _problem: &InputProblem) -> Result<()> {
        Ok(())
    }
}
