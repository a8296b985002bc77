//! # chaff: what a scraped corpus is made of
//!
//! chaff finds the boilerplate of a web crawl (site templates, navigation, "more stories"
//! lists, cookie and newsletter pitches), the paywall teasers and the duplicated documents, and
//! reports them with exact counts, per site, deterministically whatever the thread count, with
//! byte offsets back into every record.
//!
//! ## Pipeline
//!
//! ```text
//! paths ─ input::expand ─ input::Corpus (txt / JSONL / WARC, gz / zstd) ─ doc::Document
//!   └ count pass (pipeline::count): text::block::LineView ─ text::shingle::blocks ─ count::CountTable ─ merge ─ count::Counts
//!   └ learn pass (pipeline::learn): flag::Flagger ─ classify ─ result::spool; dedup::content ─ dedup::Signatures
//!        └ dedup::find_duplicates: exact groups + banded LSH ─ confirm ─ union-find ─ dedup::Duplicates
//!   └ mark pass (pipeline::mark):   result::DocResult ─ result::DocSink (output: annotations, clean, removed; eval)
//!                                                    └ report::ReportBuilder ─ Report ─ Render (summary, JSON, HTML, Markdown)
//! ```
//!
//! The distributed steps (`pipeline::distributed`) run the same passes one shard at a time,
//! through the files of [`formats`].
//!
//! ## Example
//!
//! ```
//! use chaff::pipeline::{scan, ScanConfig};
//! use chaff::progress::NoProgress;
//!
//! let dir = tempfile::tempdir()?;
//! let bodies = [
//!     "The ferry is back on the harbour route after three years of repairs to the slipway.",
//!     "Goats from the hill farm broke through a fence and ate the hedge of the school garden.",
//! ];
//! for (i, body) in bodies.iter().enumerate() {
//!     let site = dir.path().join("gazette.example");
//!     std::fs::create_dir_all(&site)?;
//!     std::fs::write(site.join(format!("{i}.txt")), format!("Home\nNews\n{body}\nAbout us\n"))?;
//! }
//! let config = ScanConfig { top: 10, ..ScanConfig::default() };
//! let report = scan(&[dir.path().to_path_buf()], &config, &NoProgress, &mut [])?;
//! assert_eq!(report.totals.documents, 2);
//! assert_eq!(report.top_spans[0].sample, "Home\nNews");
//! assert_eq!(report.top_spans[0].docs, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod classify;
pub mod count;
pub mod dedup;
pub mod doc;
pub mod error;
pub mod eval;
pub mod flag;
pub mod formats;
pub mod gen;
pub mod input;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod result;
pub mod span;
mod spill;
pub mod text;

#[cfg(test)]
mod tests;

pub use doc::{DocId, Document};
pub use error::{Error, Result};
pub use flag::FlagConfig;
pub use pipeline::{scan, ScanConfig};
pub use report::Report;
pub use span::{Class, Span, SpanKind};
