//! The scan: count every block of the corpus, then flag each document and hand it to the
//! outputs, in input order.
//!
//! Two or three passes over the inputs: the first counts (in parallel, per-thread tables
//! merged once); with duplicate detection on, the second signs (flags each document, keeps a
//! fixed-size signature of its content) and the signatures are clustered; the last re-reads,
//! flags and reports, knowing each document's duplicate cluster. Nothing but the counts and the
//! signatures is held in memory between them, so the corpus itself never has to fit. Signing
//! is a pass of its own because `duplicate_of` must be known when each document is written,
//! and the representative of a cluster may come after its copies.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::block::LineView;
use crate::count::{CountTable, Counts, Merge, SeenDocs, SiteKey};
use crate::dedup::content::{DocSignature, Signer};
use crate::dedup::minhash::MinHasher;
use crate::dedup::{find_duplicates, DedupConfig, Duplicate, Duplicates, Signatures};
use crate::doc::Document;
use crate::error::{Error, Result};
use crate::flag::{FlagConfig, Flagger, Span};
use crate::hash::hash_window;
use crate::input::{self, Corpus, InputFile, InputProblem, Item, ReadConfig};
use crate::normalize::{NormalizeConfig, Normalizer};
use crate::progress::{Phase, Progress};
use crate::report::{Report, ReportBuilder};
use crate::shingle::blocks;

/// Everything a scan needs to know.
#[derive(Clone, Debug, Default)]
pub struct ScanConfig {
    pub read: ReadConfig,
    pub normalize: NormalizeConfig,
    pub flag: FlagConfig,
    /// Rows of the span catalogue kept in the report.
    pub top: usize,
    /// Stop at the first bad input instead of reporting it and going on.
    pub strict: bool,
    /// Find duplicate documents (a pass of its own); `None` leaves it out.
    pub dedup: Option<DedupConfig>,
}

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
    /// The document's cluster, when it is a copy of another document (`None` for a
    /// representative, a unique document, or when duplicate detection is off).
    pub duplicate: Option<Duplicate>,
}

impl DocResult {
    fn new(doc: &Document, view: &LineView, spans: Vec<Span>) -> DocResult {
        DocResult {
            lines: view.lines.len() as u32,
            non_blank_lines: view.non_blank.len() as u32,
            bytes: doc.text.len() as u64,
            boilerplate_bytes: spans.iter().map(|s| (s.end - s.start) as u64).sum(),
            boilerplate_lines: spans.iter().map(|s| s.lines).sum(),
            spans,
            duplicate: None,
        }
    }
}

/// Receives each document's result, in input order (and each bad record where it stood).
pub trait DocSink {
    fn document(&mut self, doc: &Document, result: &DocResult) -> Result<()>;
    fn problem(&mut self, _problem: &InputProblem) -> Result<()> {
        Ok(())
    }
}

/// Documents per batch handed to the worker threads.
const BATCH_DOCS: usize = 256;
/// …or fewer, when they add up to this many bytes.
const BATCH_BYTES: usize = 16 << 20;

/// Reads `files` on a thread of its own and sends batches of items, so that decompression and
/// parsing overlap with hashing.
fn read_batches<F>(files: &[InputFile], problems: Vec<InputProblem>, read: &ReadConfig, each: F)
where
    F: FnOnce(std::sync::mpsc::Receiver<Vec<Item>>, Arc<AtomicU64>),
{
    let corpus = Corpus::new(files.to_vec(), problems, read.clone());
    let bytes = corpus.bytes_read();
    let (tx, rx) = sync_channel::<Vec<Item>>(4);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH_DOCS);
            let mut batch_bytes = 0;
            for item in corpus {
                batch_bytes += item.as_ref().map_or(0, |d| d.text.len());
                batch.push(item);
                if batch.len() >= BATCH_DOCS || batch_bytes >= BATCH_BYTES {
                    if tx.send(std::mem::take(&mut batch)).is_err() {
                        return;
                    }
                    batch_bytes = 0;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        });
        each(rx, bytes);
    });
}

fn total_size(files: &[InputFile]) -> Option<u64> {
    files.iter().map(|f| std::fs::metadata(&f.path).ok().map(|m| m.len())).sum()
}

/// Pass one: counts every block of every document.
pub fn count(files: &[InputFile], config: &ScanConfig, progress: &dyn Progress) -> Counts {
    let normalizer = Normalizer::new(&config.normalize);
    let flag = &config.flag;
    let docs_done = AtomicU64::new(0);
    progress.start(Phase::Count, total_size(files));
    let mut table = CountTable::default();
    let seen = SeenDocs::default();
    read_batches(files, Vec::new(), &config.read, |rx, counter| {
        table = rx
            .into_iter()
            .par_bridge()
            .fold(CountTable::default, |mut t, batch| {
                for doc in batch.iter().filter_map(|i| i.as_ref().ok()) {
                    let view = LineView::new(&doc.text, &normalizer, flag.max_line_bytes);
                    if !flag.count_duplicates
                        && !seen.first_time(hash_window(&view.hashes).0, SiteKey::of(&doc.site))
                    {
                        t.duplicates += 1;
                        continue;
                    }
                    t.add_document(&doc.site, &blocks(&view.hashes, flag.shingle));
                }
                let done = docs_done.fetch_add(batch.len() as u64, Ordering::Relaxed);
                progress.update(counter.load(Ordering::Relaxed), done + batch.len() as u64);
                t
            })
            .reduce(CountTable::default, |mut a, b| {
                a.merge(b);
                a
            });
    });
    progress.finish();
    table.finish()
}

/// Pass two: flags every document against `counts` and hands it to `sinks` in input order.
/// Returns the report.
pub fn mark(
    files: &[InputFile],
    walk_problems: Vec<InputProblem>,
    counts: &Counts,
    duplicates: Option<&Duplicates>,
    config: &ScanConfig,
    progress: &dyn Progress,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    let normalizer = Normalizer::new(&config.normalize);
    let flagger = Flagger { counts, config: &config.flag, normalizer: &normalizer };
    let mut report = ReportBuilder::new(config, counts);
    progress.start(Phase::Mark, total_size(files));
    let mut outcome: Result<()> = Ok(());
    let mut docs_done = 0u64;
    read_batches(files, walk_problems, &config.read, |rx, bytes| {
        for batch in rx {
            let results: Vec<Option<DocResult>> = batch
                .par_iter()
                .map(|item| {
                    let doc = item.as_ref().ok()?;
                    let (view, spans) = flagger.flag(&doc.text, &doc.site);
                    let mut result = DocResult::new(doc, &view, spans);
                    result.duplicate = duplicates.and_then(|d| d.get(doc.seq));
                    Some(result)
                })
                .collect();
            for (item, result) in batch.iter().zip(results) {
                let step = match (item, result) {
                    (Ok(doc), Some(result)) => {
                        report.add_document(doc, &result);
                        sinks.iter_mut().try_for_each(|s| s.document(doc, &result))
                    }
                    (Err(problem), _) => {
                        if config.strict {
                            Err(Error::Strict(problem.clone()))
                        } else {
                            report.add_problem(problem);
                            sinks.iter_mut().try_for_each(|s| s.problem(problem))
                        }
                    }
                    (Ok(_), None) => unreachable!("every document has a result"),
                };
                if let Err(e) = step {
                    outcome = Err(e);
                    return;
                }
            }
            docs_done += batch.len() as u64;
            progress.update(bytes.load(Ordering::Relaxed), docs_done);
        }
    });
    progress.finish();
    outcome?;
    let mut report = report.finish();
    report.duplicates = duplicates.map(crate::report::DuplicateReport::new);
    Ok(report)
}

/// The sign pass: flags every document against `counts` and keeps the signature of its
/// content, in input order. Unreadable records are skipped (mark reports them).
pub fn sign(
    files: &[InputFile],
    counts: &Counts,
    config: &ScanConfig,
    dedup: &DedupConfig,
    progress: &dyn Progress,
) -> Signatures {
    let normalizer = Normalizer::new(&config.normalize);
    let content_normalizer =
        Normalizer::new(&NormalizeConfig { digit_class: false, ..config.normalize });
    let flagger = Flagger { counts, config: &config.flag, normalizer: &normalizer };
    let hasher = MinHasher::new(dedup.permutations, dedup.seed);
    let signer = Signer { config: dedup, hasher: &hasher, counts, normalizer: &content_normalizer };
    let mut sigs = Signatures::new(dedup);
    progress.start(Phase::Sign, total_size(files));
    let mut docs_done = 0u64;
    read_batches(files, Vec::new(), &config.read, |rx, bytes| {
        for batch in rx {
            let signed: Vec<Option<DocSignature>> = batch
                .par_iter()
                .map(|item| {
                    let doc = item.as_ref().ok()?;
                    let (view, spans) = flagger.flag(&doc.text, &doc.site);
                    Some(signer.sign(&doc.text, &doc.site, &view, &spans))
                })
                .collect();
            for (item, sig) in batch.iter().zip(signed) {
                if let (Ok(doc), Some(sig)) = (item, sig) {
                    debug_assert_eq!(doc.seq.0 as usize, sigs.len());
                    sigs.push(&doc.id, SiteKey::of(&doc.site), &sig);
                }
            }
            docs_done += batch.len() as u64;
            progress.update(bytes.load(Ordering::Relaxed), docs_done);
        }
    });
    progress.finish();
    sigs
}

/// Both passes over `paths`: expands folders, counts, flags, reports.
pub fn scan(
    paths: &[std::path::PathBuf],
    config: &ScanConfig,
    progress: &dyn Progress,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    let (mut files, problems) = input::expand(paths);
    config.read.rename(&mut files);
    if config.strict {
        if let Some(p) = problems.first() {
            return Err(Error::Strict(p.clone()));
        }
    }
    let counts = count(&files, config, progress);
    let duplicates = match &config.dedup {
        Some(dedup) => {
            dedup.validate()?;
            let sigs = sign(&files, &counts, config, dedup, progress);
            Some(find_duplicates(&sigs, dedup, &counts))
        }
        None => None,
    };
    mark(&files, problems, &counts, duplicates.as_ref(), config, progress, sinks)
}
