//! The mark pass: each document flagged against the counts, classified, given its duplicate
//! cluster and handed to the sinks in input order.

use std::sync::atomic::Ordering;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::batches::{read_batches_counting, total_size};
use super::learn::{classify_flagged, Learned, SiteProfiles};
use super::ScanConfig;
use crate::classify::{Classifiers, PaywallConfig, PaywallCut};
use crate::count::SiteKey;
use crate::doc::{DocId, Document, InputProblem};
use crate::error::{Error, Result};
use crate::flag::Flagger;
use crate::input::{InputFile, Item};
use crate::progress::{Phase, Progress};
use crate::report::{Report, ReportBuilder, Settings};
use crate::result::spool::ResultReader;
use crate::result::{DocResult, DocSink};
use crate::text::normalize::Normalizer;

/// The last pass: flags every document against the counts and hands it to `sinks` in input
/// order, with its duplicate cluster. Returns the report.
/// With `stored` (written by the learn pass over the same inputs), each document's result is
/// read back instead of flagged again; only its paywall status and duplicate cluster are
/// settled here.
pub fn mark(
    files: &[InputFile],
    walk_problems: Vec<InputProblem>,
    learned: Learned<'_>,
    config: &ScanConfig,
    progress: &dyn Progress,
    sinks: &mut [&mut dyn DocSink],
    mut stored: Option<ResultReader>,
) -> Result<Report> {
    let Learned { counts, profiles, duplicates, first_doc } = learned;
    let normalizer = Normalizer::new(&config.normalize);
    let classifiers = Classifiers::default();
    let flagger = Flagger {
        counts,
        config: &config.flag,
        normalizer: &normalizer,
        classifiers: Some(&classifiers),
    };
    let settings = Settings::new(
        config.normalize,
        config.flag.clone(),
        config.read.fields.clone(),
        config.dedup.clone(),
    );
    let mut report = ReportBuilder::new(settings, config.top, &config.memory, counts)?;
    progress.start(Phase::Mark, total_size(files));
    let mut outcome: Result<()> = Ok(());
    let mut docs_done = 0u64;
    let mut ids = IdRegistry::default();
    let mut skipped_records = 0u64;
    let duplicate_of =
        |doc: &Document| duplicates.and_then(|d| d.get(DocId(first_doc + doc.seq.0)));
    let mut mark_batch = |batch: &[Item]| -> Result<Vec<Option<DocResult>>> {
        let Some(stored) = stored.as_mut() else {
            return Ok(batch
                .par_iter()
                .map(|item| {
                    let doc = item.as_ref().ok()?;
                    let mut result =
                        mark_document(&flagger, &classifiers, &config.paywall, profiles, doc);
                    result.duplicate = duplicate_of(doc);
                    Some(result)
                })
                .collect());
        };
        let mut results = Vec::with_capacity(batch.len());
        for item in batch {
            let Ok(doc) = item else {
                results.push(None);
                continue;
            };
            let (seq, mut result) = stored.next_result()?;
            if seq != doc.seq.0 {
                return Err(Error::Config(format!(
                    "{} changed while it was being scanned (record {}, byte {})",
                    doc.source.file, doc.source.record, doc.source.offset
                )));
            }
            let median = profiles.median_kept.get(&SiteKey::of(&doc.site)).copied();
            result.classes.paywall =
                PaywallCut::status(result.classes.cut, &config.paywall, median);
            result.duplicate = duplicate_of(doc);
            results.push(Some(result));
        }
        Ok(results)
    };
    // The report and the sinks take each batch in input order, each on one thread and side by
    // side; they run while the next batch is being flagged.
    let mut to_report = |batch: &[Item], results: &[Option<DocResult>]| -> Result<()> {
        for (item, result) in batch.iter().zip(results) {
            match (item, result) {
                (Ok(doc), Some(result)) => {
                    report.add_document(doc, result)?;
                    // A duplicate id is reported but its document is kept whole: the id is the
                    // user's to fix, the text is still text.
                    if let Some(p) = ids.check(doc) {
                        if config.strict {
                            return Err(Error::Strict(p));
                        }
                        report.add_problem(&p);
                    }
                }
                (Err(problem), _) => {
                    if config.strict {
                        return Err(Error::Strict(problem.clone()));
                    }
                    report.add_problem(problem);
                }
                (Ok(_), None) => unreachable!("every document has a result"),
            }
        }
        Ok(())
    };
    // Under --strict a sink may have taken a document the report then refuses: the run fails
    // and its outputs are never committed.
    let mut to_sinks = |batch: &[Item], results: &[Option<DocResult>]| -> Result<()> {
        for (item, result) in batch.iter().zip(results) {
            match (item, result) {
                (Ok(doc), Some(result)) => {
                    sinks.iter_mut().try_for_each(|s| s.document(doc, result))?;
                }
                (Err(problem), _) => sinks.iter_mut().try_for_each(|s| s.problem(problem))?,
                (Ok(_), None) => unreachable!("every document has a result"),
            }
        }
        Ok(())
    };
    let mut consume = |batch: &[Item], results: Vec<Option<DocResult>>| -> Result<()> {
        let (reported, written) =
            rayon::join(|| to_report(batch, &results), || to_sinks(batch, &results));
        reported.and(written)
    };
    read_batches_counting(files, walk_problems, &config.read, |rx, bytes, skipped| {
        let mut pending: Option<(Vec<Item>, Vec<Option<DocResult>>)> = None;
        for batch in rx {
            let previous = pending.take();
            let (results, step) = rayon::join(
                || mark_batch(&batch),
                || previous.map_or(Ok(0), |(b, r)| consume(&b, r).map(|()| b.len() as u64)),
            );
            match step.and_then(|n| results.map(|r| (n, r))) {
                Ok((n, results)) => {
                    docs_done += n;
                    pending = Some((batch, results));
                }
                Err(e) => {
                    outcome = Err(e);
                    return;
                }
            }
            progress.update(bytes.load(Ordering::Relaxed), docs_done);
        }
        if let Some((batch, results)) = pending {
            if let Err(e) = consume(&batch, results) {
                outcome = Err(e);
                return;
            }
            docs_done += batch.len() as u64;
            progress.update(bytes.load(Ordering::Relaxed), docs_done);
        }
        skipped_records = skipped.load(Ordering::Relaxed);
    });
    progress.finish();
    outcome?;
    let mut report = report.finish()?;
    report.totals.skipped_records = skipped_records;
    report.duplicates = duplicates.map(crate::report::DuplicateReport::new);
    Ok(report)
}

/// What the mark pass does to one document, short of its duplicate cluster: flags it against
/// the counts and classifies its spans. `flagger` and `classifiers` are built once per pass;
/// the benches time this function as the mark stage.
pub fn mark_document(
    flagger: &Flagger<'_>,
    classifiers: &Classifiers,
    paywall: &PaywallConfig,
    profiles: &SiteProfiles,
    doc: &Document,
) -> DocResult {
    let (view, spans) = flagger.flag(&doc.text, &doc.site);
    let median = profiles.median_kept.get(&SiteKey::of(&doc.site)).copied();
    classify_flagged(classifiers, paywall, median, doc, &view, spans)
}

/// Where each document id was first seen, to report ids used twice. Keeps 128-bit hashes of
/// the ids (a false match is as unlikely as a collision of two random 128-bit numbers) and
/// interned file names, about 50 bytes per document.
#[derive(Default)]
pub(crate) struct IdRegistry {
    first: FxHashMap<u128, (u32, u64, u64)>,
    files: Vec<String>,
}

impl IdRegistry {
    /// The problem to report when `doc`'s id was used before.
    fn check(&mut self, doc: &Document) -> Option<InputProblem> {
        let key = xxhash_rust::xxh3::xxh3_128(doc.id.as_bytes());
        if self.files.last() != Some(&doc.source.file) {
            self.files.push(doc.source.file.clone());
        }
        let here = ((self.files.len() - 1) as u32, doc.source.record, doc.source.offset);
        let (file, record, offset) = *self.first.entry(key).or_insert(here);
        if (file, record, offset) == here {
            return None;
        }
        let first =
            crate::doc::SourceRef { file: self.files[file as usize].clone(), record, offset };
        let src = &doc.source;
        Some(InputProblem::new(
            &src.file,
            src.record,
            src.offset,
            format!("duplicate id {:?}, first used at {first}; both documents kept", doc.id),
        ))
    }
}
