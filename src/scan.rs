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
use rustc_hash::FxHashMap;

use crate::block::LineView;
use crate::classify::{classify_document, Classifiers, LineTexts, PaywallConfig, PaywallCut};
use crate::count::{CountTable, Counts, MemoryConfig, Merge, SeenDocs, SiteKey};
use crate::dedup::content::{DocSignature, Signer};
use crate::dedup::minhash::MinHasher;
use crate::dedup::{find_duplicates, DedupConfig, Duplicates, Signatures};
use crate::doc::InputProblem;
use crate::doc::{DocId, Document};
use crate::error::{Error, Result};
use crate::flag::{FlagConfig, Flagger};
use crate::formats::clusters::{ClustersFile, DuplicateData, ShardEntry};
use crate::formats::counts::CountsHeader;
use crate::formats::learned::{LearnedDocs, LearnedHeader};
use crate::hash::{hash_site, hash_window};
use crate::input::{self, Corpus, InputFile, Item, ReadConfig};
use crate::normalize::{NormalizeConfig, Normalizer};
use crate::progress::{Phase, Progress};
use crate::report::{Report, ReportBuilder, Settings};
use crate::result::spool::{ResultReader, ResultWriter};
use crate::result::DocResult;
use crate::result::DocSink;
use crate::shingle::blocks;
use crate::span::Span;

/// Everything a scan needs to know.
#[derive(Clone, Debug, Default)]
pub struct ScanConfig {
    pub read: ReadConfig,
    pub normalize: NormalizeConfig,
    pub flag: FlagConfig,
    /// How a document's paywall status is judged.
    pub paywall: PaywallConfig,
    /// Rows of the span catalogue kept in the report.
    pub top: usize,
    /// Stop at the first bad input instead of reporting it and going on.
    pub strict: bool,
    /// Find duplicate documents (a pass of its own); `None` leaves it out.
    pub dedup: Option<DedupConfig>,
    /// The memory cap, and where to spill what outgrows it.
    pub memory: MemoryConfig,
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
    read_batches_counting(files, problems, read, |rx, bytes, _| each(rx, bytes))
}

/// [`read_batches`], also handing over the counter of records skipped (WARC requests and the
/// like), final once the receiver is drained.
fn read_batches_counting<F>(
    files: &[InputFile],
    problems: Vec<InputProblem>,
    read: &ReadConfig,
    each: F,
) where
    F: FnOnce(std::sync::mpsc::Receiver<Vec<Item>>, Arc<AtomicU64>, Arc<AtomicU64>),
{
    let corpus = Corpus::new(files.to_vec(), problems, read.clone());
    let bytes = corpus.bytes_read();
    let skipped = corpus.skipped_records();
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
        each(rx, bytes, skipped);
    });
}

fn total_size(files: &[InputFile]) -> Option<u64> {
    files.iter().map(|f| std::fs::metadata(&f.path).ok().map(|m| m.len())).sum()
}

/// Pass one: counts every block of every document (spilling to disk under a memory cap).
pub fn count(files: &[InputFile], config: &ScanConfig, progress: &dyn Progress) -> Result<Counts> {
    count_table(files, config, progress).try_finish()
}

/// Pass one, before the per-block totals are derived (what a counts file holds).
pub fn count_table(
    files: &[InputFile],
    config: &ScanConfig,
    progress: &dyn Progress,
) -> CountTable {
    let normalizer = Normalizer::new(&config.normalize);
    let flag = &config.flag;
    let docs_done = AtomicU64::new(0);
    progress.start(Phase::Count, total_size(files));
    let first = CountTable::new(&config.memory);
    let mut table = first.fork();
    let seen = SeenDocs::default();
    read_batches(files, Vec::new(), &config.read, |rx, counter| {
        table = rx
            .into_iter()
            // After a failed spill the count can only end in that error: stop reading (the
            // reader stops when its receiver is dropped) instead of hashing the rest.
            .take_while(|_| !first.failed())
            .par_bridge()
            .fold(
                || first.fork(),
                |mut t, batch| {
                    for doc in batch.iter().filter_map(|i| i.as_ref().ok()) {
                        let view = LineView::capped(
                            &doc.text,
                            &normalizer,
                            flag.max_line_bytes,
                            flag.max_doc_bytes,
                        );
                        if !flag.count_duplicates
                            && !seen.first_time(
                                hash_window(&view.hashes).0 ^ hash_site(&doc.source.file),
                                SiteKey::of(&doc.site),
                            )
                        {
                            t.duplicates += 1;
                            continue;
                        }
                        t.add_document(&doc.site, &blocks(&view.hashes, flag.shingle));
                    }
                    let done = docs_done.fetch_add(batch.len() as u64, Ordering::Relaxed);
                    progress.update(counter.load(Ordering::Relaxed), done + batch.len() as u64);
                    t
                },
            )
            .reduce(
                || first.fork(),
                |mut a, b| {
                    a.merge(b);
                    a
                },
            );
    });
    progress.finish();
    table
}

/// What the mark pass needs to know of each site beyond the counts.
#[derive(Debug, Default)]
pub struct SiteProfiles {
    /// Median kept bytes (normalized non-blank lines outside spans) of the site's pages, for
    /// sites with at least [`PROFILE_MIN_PAGES`] pages: a teaser page whose text before the
    /// wall is far shorter than its site's usual page was cut at the wall.
    pub median_kept: FxHashMap<SiteKey, u64>,
}

/// Sites with fewer pages have no profile: one page cannot be compared with its site.
pub const PROFILE_MIN_PAGES: u64 = 3;

/// Pass between count and mark: flags every page once to learn each site's usual kept length
/// (sites of [`PROFILE_MIN_PAGES`] pages or more) and, with `dedup`, each page's content
/// signature. With `results`, it also classifies each page and writes its result there, so
/// that mark need not flag it again. Skipped when there is nothing to learn.
pub fn learn(
    files: &[InputFile],
    counts: &Counts,
    config: &ScanConfig,
    dedup: Option<&DedupConfig>,
    progress: &dyn Progress,
    results: Option<&mut ResultWriter>,
) -> Result<Option<(SiteProfiles, Option<Signatures>)>> {
    let profile = counts.sites.values().any(|s| s.docs >= PROFILE_MIN_PAGES);
    if !profile && dedup.is_none() {
        return Ok(None);
    }
    let learned = learn_docs(files, counts, config, dedup, progress, results)?;
    Ok(Some((SiteProfiles::of(&learned.kept), learned.signatures)))
}

/// The learn pass proper: each document's site and kept bytes and, with `dedup`, its
/// signature, in input order; with `results`, each document's classified result is written
/// there too (its paywall status judged without the site's median, its duplicate cluster
/// unknown: [`mark`] settles both).
pub fn learn_docs(
    files: &[InputFile],
    counts: &Counts,
    config: &ScanConfig,
    dedup: Option<&DedupConfig>,
    progress: &dyn Progress,
    mut results: Option<&mut ResultWriter>,
) -> Result<LearnedDocs> {
    let normalizer = Normalizer::new(&config.normalize);
    let content_normalizer =
        Normalizer::new(&NormalizeConfig { digit_class: false, ..config.normalize });
    // Flagged as mark flags, so that content is what the outputs will call content.
    let classifiers = Classifiers::default();
    let flagger = Flagger {
        counts,
        config: &config.flag,
        normalizer: &normalizer,
        classifiers: Some(&classifiers),
    };
    let hasher = dedup.map(|d| MinHasher::new(d.permutations, d.seed));
    let signer = dedup.zip(hasher.as_ref()).map(|(d, h)| Signer {
        config: d,
        hasher: h,
        counts,
        normalizer: &content_normalizer,
    });
    let mut learned =
        LearnedDocs { kept: Vec::new(), signatures: dedup.map(Signatures::new).transpose()? };
    progress.start(if dedup.is_some() { Phase::Sign } else { Phase::Profile }, total_size(files));
    let mut docs_done = 0u64;
    let classify = results.is_some();
    let mut outcome = Ok(());
    type Learnt = (u64, Option<DocSignature>, Vec<u8>);
    let learn_batch = |batch: &[Item]| -> Vec<Option<Learnt>> {
        batch
            .par_iter()
            .map(|item| {
                let doc = item.as_ref().ok()?;
                let (view, spans) = flagger.flag(&doc.text, &doc.site);
                let sig = signer.as_ref().map(|s| s.sign(&doc.text, &doc.site, &view, &spans));
                let kept = kept_bytes(&view, &spans);
                let mut record = Vec::new();
                if classify {
                    let result =
                        classify_flagged(&classifiers, &config.paywall, None, doc, &view, spans);
                    crate::result::spool::encode(doc.seq.0, &result, &mut record);
                }
                Some((kept, sig, record))
            })
            .collect()
    };
    // What one batch taught, kept in input order: on one thread, while the next batch is being
    // flagged.
    let mut keep = |batch: &[Item], learnt: Vec<Option<Learnt>>| -> Result<u64> {
        for (item, result) in batch.iter().zip(learnt) {
            let (Ok(doc), Some((kept_len, sig, record))) = (item, result) else { continue };
            if let Some(out) = results.as_deref_mut() {
                out.write(&record)?;
            }
            let site = SiteKey::of(&doc.site);
            learned.kept.push((site, kept_len));
            if let (Some(sigs), Some(sig)) = (learned.signatures.as_mut(), sig) {
                debug_assert_eq!(doc.seq.0 as usize, sigs.len());
                sigs.push(&doc.id, site, &sig)?;
            }
        }
        Ok(batch.len() as u64)
    };
    read_batches(files, Vec::new(), &config.read, |rx, bytes| {
        let mut pending: Option<(Vec<Item>, Vec<Option<Learnt>>)> = None;
        for batch in rx.into_iter().map(Some).chain([None]) {
            let previous = pending.take();
            let (learnt, step) = rayon::join(
                || batch.as_deref().map(learn_batch),
                || previous.map_or(Ok(0), |(b, l)| keep(&b, l)),
            );
            match step {
                Ok(n) => docs_done += n,
                Err(e) => {
                    // Dropping the receiver stops the reader.
                    outcome = Err(e);
                    return;
                }
            }
            progress.update(bytes.load(Ordering::Relaxed), docs_done);
            pending = batch.zip(learnt);
        }
    });
    progress.finish();
    outcome.map(|()| learned)
}

impl SiteProfiles {
    /// The profiles of the sites of `kept` (each document's site and kept bytes).
    pub fn of(kept: &[(SiteKey, u64)]) -> SiteProfiles {
        let mut by_site: FxHashMap<SiteKey, Vec<u64>> = FxHashMap::default();
        for &(site, k) in kept {
            by_site.entry(site).or_default().push(k);
        }
        let median_kept = by_site
            .into_iter()
            .filter(|(_, v)| v.len() as u64 >= PROFILE_MIN_PAGES)
            .map(|(site, mut v)| {
                v.sort_unstable();
                (site, v[v.len() / 2])
            })
            .collect();
        SiteProfiles { median_kept }
    }
}

/// Bytes of the normalized non-blank lines outside every span.
fn kept_bytes(view: &LineView, spans: &[Span]) -> u64 {
    let mut total: u64 = view.lengths.iter().map(|&l| u64::from(l)).sum();
    let mut j = 0;
    for s in spans {
        while j < view.non_blank.len() && view.non_blank[j] < s.first_line {
            j += 1;
        }
        while j < view.non_blank.len() && view.non_blank[j] <= s.last_line {
            total -= u64::from(view.lengths[j]);
            j += 1;
        }
    }
    total
}

/// What the passes before mark learned about the corpus.
#[derive(Clone, Copy)]
pub struct Learned<'a> {
    pub counts: &'a Counts,
    pub profiles: &'a SiteProfiles,
    /// `None` when duplicate detection is off.
    pub duplicates: Option<&'a Duplicates>,
    /// The corpus-wide index of the first document marked (not 0 when one shard of a
    /// corpus is marked against what was learned of all of them).
    pub first_doc: u64,
}

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

/// Classifies the spans `flag` found in `doc`, its paywall status judged against its site's
/// `median` kept bytes (`None`: not known, or too few pages).
fn classify_flagged(
    classifiers: &Classifiers,
    paywall: &PaywallConfig,
    median: Option<u64>,
    doc: &Document,
    view: &LineView,
    mut spans: Vec<Span>,
) -> DocResult {
    let texts = LineTexts::new(&doc.text, view, &spans);
    let classes = classify_document(classifiers, paywall, view, &texts, &mut spans, median);
    DocResult::new(doc, view, spans, classes)
}

/// Where each document id was first seen, to report ids used twice. Keeps 128-bit hashes of
/// the ids (a false match is as unlikely as a collision of two random 128-bit numbers) and
/// interned file names, about 50 bytes per document.
#[derive(Default)]
struct IdRegistry {
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

/// Expands `paths` into files (with display names applied) and the problems found listing them.
fn expand(
    paths: &[std::path::PathBuf],
    config: &ScanConfig,
) -> Result<(Vec<InputFile>, Vec<InputProblem>)> {
    let (mut files, problems) = input::expand(paths);
    config.read.rename(&mut files);
    if config.strict {
        if let Some(p) = problems.first() {
            return Err(Error::Strict(p.clone()));
        }
    }
    Ok((files, problems))
}

/// The header of a counts file made under `config`.
pub fn counts_header(config: &ScanConfig, partition: Option<(u64, u64)>) -> CountsHeader {
    CountsHeader {
        seed: crate::hash::SEED,
        normalize: config.normalize,
        shingle: config.flag.shingle,
        max_line_bytes: config.flag.max_line_bytes,
        max_doc_bytes: config.flag.max_doc_bytes,
        count_duplicates: config.flag.count_duplicates,
        site_field: config.read.fields.site_field.clone(),
        partition,
    }
}

/// The map step of a distributed run (`chaff count`): counts `paths` and writes a counts file.
/// Returns the problems met listing the inputs (bad records are reported by `mark`).
pub fn count_to_file(
    paths: &[std::path::PathBuf],
    output: &std::path::Path,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> Result<Vec<InputProblem>> {
    config.memory.check_temp_dir()?;
    let (files, problems) = expand(paths, config)?;
    let table = count_table(&files, config, progress);
    crate::formats::counts::write_table(output, &counts_header(config, None), table)?;
    Ok(problems)
}

/// Reads counts files and checks that they were made under `config`'s settings.
fn read_counts_for(counts_files: &[&std::path::Path], config: &ScanConfig) -> Result<Counts> {
    let (header, counts) = crate::formats::counts::read_counts(counts_files)?;
    let wanted = counts_header(config, None);
    if !header.compatible(&wanted) {
        return Err(Error::Config(format!(
            "the counts were made with other settings ({}) than this run ({})",
            serde_json::to_string(&header).unwrap_or_default(),
            serde_json::to_string(&wanted).unwrap_or_default()
        )));
    }
    Ok(counts)
}

/// The display names of `files`, as a learned file records them.
fn input_names(files: &[InputFile]) -> Vec<String> {
    files.iter().map(|f| f.display.clone()).collect()
}

/// The map step after the counts are merged (`chaff learn`): flags `paths` against the counts
/// and writes what mark needs to know of them beyond the counts (each document's kept length
/// and duplicate signature) to `output`. Returns the problems met listing the inputs.
pub fn learn_to_file(
    paths: &[std::path::PathBuf],
    counts_files: &[&std::path::Path],
    output: &std::path::Path,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> Result<Vec<InputProblem>> {
    config.memory.check_temp_dir()?;
    if let Some(dedup) = &config.dedup {
        dedup.validate()?;
    }
    let counts = read_counts_for(counts_files, config)?;
    let (files, problems) = expand(paths, config)?;
    let learned = learn_docs(&files, &counts, config, config.dedup.as_ref(), progress, None)?;
    let header = LearnedHeader {
        counts: counts_header(config, None),
        counts_documents: counts.documents + counts.duplicates,
        dedup: config.dedup.clone(),
        inputs: input_names(&files),
        documents: learned.kept.len() as u64,
    };
    crate::formats::learned::write(output, &header, &learned)?;
    Ok(problems)
}

/// The last map step (`chaff mark`): flags `paths` against counts read from files and hands
/// the documents to `sinks`, exactly as [`scan`] would have with the same inputs and settings.
/// With `learned_files` (one per shard, from [`learn_to_file`], in the corpus's input order,
/// one of them made from `paths`), `paths` may be one shard of the corpus: the site profiles
/// and duplicate clusters come from every shard, so its documents are marked as one scan of
/// the whole corpus would mark them. Without, they are learned from `paths` alone.
pub fn mark_with_counts(
    paths: &[std::path::PathBuf],
    counts_files: &[&std::path::Path],
    learned_files: &[&std::path::Path],
    clusters_file: Option<&std::path::Path>,
    config: &ScanConfig,
    progress: &dyn Progress,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    config.memory.check_temp_dir()?;
    let counts = read_counts_for(counts_files, config)?;
    let (files, problems) = expand(paths, config)?;
    if let Some(path) = clusters_file {
        let marking = Marking { files: &files, problems, config, progress, stored: None };
        return mark_with_clusters(path, marking, &counts, sinks);
    }
    if learned_files.is_empty() {
        return learn_and_mark(&files, problems, &counts, config, progress, sinks);
    }
    if let Some(dedup) = &config.dedup {
        dedup.validate()?;
    }
    let wanted = counts_header(config, None);
    let corpus_documents = counts.documents + counts.duplicates;
    let (learned, shards) =
        read_learned(learned_files, &wanted, corpus_documents, config.dedup.as_ref())?;
    let ours = input_names(&files);
    let first_doc = our_shard(&shards, &ours, learned_files, "learned files")?;
    let profiles = SiteProfiles::of(&learned.kept);
    let marking = Marking { files: &files, problems, config, progress, stored: None };
    cluster_and_mark(marking, &counts, &profiles, learned.signatures.as_ref(), first_doc, sinks)
}

/// Reads every shard's learned file, in the corpus's input order, each checked to have been
/// learned against counts made under `wanted` of `corpus_documents` documents, with `dedup`.
fn read_learned(
    learned_files: &[&std::path::Path],
    wanted: &CountsHeader,
    corpus_documents: u64,
    dedup: Option<&DedupConfig>,
) -> Result<(LearnedDocs, Vec<ShardEntry>)> {
    let mut learned =
        LearnedDocs { kept: Vec::new(), signatures: dedup.map(Signatures::new).transpose()? };
    let mut shards = Vec::with_capacity(learned_files.len());
    for path in learned_files {
        let before = learned.kept.len() as u64;
        let header = crate::formats::learned::read_into(path, dedup, &mut learned)?;
        if !header.counts.compatible(wanted) || header.counts_documents != corpus_documents {
            return Err(Error::LearnedFile {
                path: path.to_path_buf(),
                message: "learned against other counts or settings than this run's".into(),
            });
        }
        shards.push(ShardEntry {
            inputs: header.inputs,
            first_doc: before,
            documents: header.documents,
        });
    }
    Ok((learned, shards))
}

/// The first document of the shard whose inputs are `ours`; an error when none of `shards`
/// (read from `files`, named `what`) is, or two are.
fn our_shard(
    shards: &[ShardEntry],
    ours: &[String],
    files: &[&std::path::Path],
    what: &str,
) -> Result<u64> {
    let mut found = shards.iter().enumerate().filter(|(_, s)| s.inputs == ours);
    let Some((_, shard)) = found.next() else {
        return Err(Error::Config(format!(
            "none of the {what} was made from these inputs ({})",
            ours.join(", ")
        )));
    };
    if let Some((second, _)) = found.next() {
        let path =
            files.get(second).or(files.first()).map_or_else(Default::default, |p| p.to_path_buf());
        let message = format!("a second shard of the same inputs in the {what}");
        return Err(Error::Config(format!("{}: {message}", path.display())));
    }
    Ok(shard.first_doc)
}

/// The reduce step after learn (`chaff cluster`): reads every shard's learned file (in the
/// corpus's input order) and writes the site medians, the duplicate clusters and where each
/// shard stands in the corpus to `output`, once, so that each `mark --clusters` task reads
/// those instead of every shard's signatures. The settings are those the shards were learned
/// with (the first file's); `memory` bounds the clustering.
pub fn cluster_to_file(
    counts_files: &[&std::path::Path],
    learned_files: &[&std::path::Path],
    output: &std::path::Path,
    memory: &MemoryConfig,
) -> Result<()> {
    let Some(first) = learned_files.first() else {
        return Err(Error::Config("no learned files to cluster".into()));
    };
    memory.check_temp_dir()?;
    let wanted = crate::formats::learned::read_header(first)?;
    let dedup = wanted.dedup.clone().map(|d| DedupConfig {
        memory_budget: memory.signature_budget(),
        temp_dir: memory.temp_dir.clone(),
        ..d
    });
    if let Some(dedup) = &dedup {
        dedup.validate()?;
    }
    let (header, counts) = crate::formats::counts::read_counts(counts_files)?;
    let corpus_documents = counts.documents + counts.duplicates;
    if !header.compatible(&wanted.counts) || wanted.counts_documents != corpus_documents {
        return Err(Error::LearnedFile {
            path: first.to_path_buf(),
            message: "learned against other counts or settings than these counts files".into(),
        });
    }
    let (learned, shards) =
        read_learned(learned_files, &wanted.counts, corpus_documents, dedup.as_ref())?;
    let profiles = SiteProfiles::of(&learned.kept);
    let duplicates = dedup
        .as_ref()
        .zip(learned.signatures.as_ref())
        .map(|(dedup, sigs)| find_duplicates(sigs, dedup, &counts))
        .transpose()?;
    let mut medians: Vec<(u64, u64)> =
        profiles.median_kept.iter().map(|(site, &median)| (site.0, median)).collect();
    medians.sort_unstable();
    let contents = ClustersFile {
        counts: wanted.counts,
        counts_documents: corpus_documents,
        dedup: wanted.dedup,
        shards,
        medians,
        duplicates: duplicates.as_ref().map(DuplicateData::of),
    };
    crate::formats::clusters::write(output, &contents)
}

/// Marks one shard against what `chaff cluster` wrote to `path`.
fn mark_with_clusters(
    path: &std::path::Path,
    marking: Marking<'_>,
    counts: &Counts,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    let Marking { files, problems, config, progress, .. } = marking;
    let contents = crate::formats::clusters::read(path)?;
    let bad = |message: &str| Error::ClustersFile {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    if !contents.counts.compatible(&counts_header(config, None))
        || contents.counts_documents != counts.documents + counts.duplicates
        || !DedupConfig::same_settings(contents.dedup.as_ref(), config.dedup.as_ref())
    {
        return Err(bad("made from other counts or settings than this run's"));
    }
    let first_doc =
        our_shard(&contents.shards, &input_names(files), &[path], "shards of the clusters file")?;
    let profiles = SiteProfiles {
        median_kept: contents
            .medians
            .iter()
            .map(|&(site, median)| (SiteKey(site), median))
            .collect(),
    };
    let duplicates = match contents.duplicates {
        Some(data) => {
            Some(data.into_duplicates().ok_or_else(|| bad("a document of a missing cluster"))?)
        }
        None => None,
    };
    let learned =
        Learned { counts, profiles: &profiles, duplicates: duplicates.as_ref(), first_doc };
    mark(files, problems, learned, config, progress, sinks, None)
}

/// The inputs and settings of a mark pass, and the results the learn pass kept of them.
struct Marking<'a> {
    files: &'a [InputFile],
    problems: Vec<InputProblem>,
    config: &'a ScanConfig,
    progress: &'a dyn Progress,
    stored: Option<ResultReader>,
}

/// Clusters the learned signatures (when duplicate detection is on) and marks.
fn cluster_and_mark(
    marking: Marking<'_>,
    counts: &Counts,
    profiles: &SiteProfiles,
    signatures: Option<&Signatures>,
    first_doc: u64,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    let Marking { files, problems, config, progress, stored } = marking;
    let duplicates = config
        .dedup
        .as_ref()
        .zip(signatures)
        .map(|(dedup, sigs)| find_duplicates(sigs, dedup, counts))
        .transpose()?;
    let learned = Learned { counts, profiles, duplicates: duplicates.as_ref(), first_doc };
    mark(files, problems, learned, config, progress, sinks, stored)
}

/// Every pass after counting: profile the sites, sign and cluster duplicates, mark.
fn learn_and_mark(
    files: &[InputFile],
    problems: Vec<InputProblem>,
    counts: &Counts,
    config: &ScanConfig,
    progress: &dyn Progress,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    if let Some(dedup) = &config.dedup {
        dedup.validate()?;
    }
    // Each document is flagged and classified once, in the learn pass; mark reads the results
    // back. When there is nothing to learn, mark flags and classifies on its own.
    let spill = config.memory.max_memory.is_some();
    let mut results = ResultWriter::new(spill, config.memory.temp_dir.as_deref())?;
    let learned =
        learn(files, counts, config, config.dedup.as_ref(), progress, Some(&mut results))?;
    let (profiles, sigs, stored) = match learned {
        Some((profiles, sigs)) => (profiles, sigs, Some(results.into_reader()?)),
        None => (SiteProfiles::default(), None, None),
    };
    let marking = Marking { files, problems, config, progress, stored };
    cluster_and_mark(marking, counts, &profiles, sigs.as_ref(), 0, sinks)
}

/// Every pass over `paths`: expands folders, counts, profiles sites, finds duplicates, flags,
/// reports.
pub fn scan(
    paths: &[std::path::PathBuf],
    config: &ScanConfig,
    progress: &dyn Progress,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    config.memory.check_temp_dir()?;
    let (files, problems) = expand(paths, config)?;
    let counts = count(&files, config, progress)?;
    learn_and_mark(&files, problems, &counts, config, progress, sinks)
}

/// Every pass over files held in memory, as [`scan`] would read them from disk: for tests and
/// fuzzing, where writing each input to disk would cost more than scanning it. Each file is
/// read by its `format`, decompressed by its magic bytes.
pub fn scan_memory(
    files: Vec<(InputFile, Vec<u8>)>,
    config: &ScanConfig,
    progress: &dyn Progress,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    config.memory.check_temp_dir()?;
    let mut memory = input::MemoryFiles::default();
    let mut list = Vec::with_capacity(files.len());
    for (file, bytes) in files {
        memory.0.insert(file.path.clone(), bytes.into());
        list.push(file);
    }
    let config = ScanConfig {
        read: ReadConfig { memory: Some(Arc::new(memory)), ..config.read.clone() },
        ..config.clone()
    };
    let counts = count(&list, &config, progress)?;
    learn_and_mark(&list, Vec::new(), &counts, &config, progress, sinks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    fn corpus(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut lines = String::new();
        for i in 0..600 {
            let site = i % 3;
            lines.push_str(&format!(
                "{{\"id\":{i},\"site\":\"s{site}\",\"text\":\"Site {site} header\\nHome\\nNews\\nStory {i} of many, about the {} of the harbour.\\nFooter of site {site}\\n\"}}\n",
                ["tides", "gulls", "ferries", "quay"][i % 4]
            ));
        }
        let path = dir.join("c.jsonl");
        std::fs::write(&path, lines).unwrap();
        vec![path]
    }

    fn config() -> ScanConfig {
        let mut c = ScanConfig { top: 20, ..ScanConfig::default() };
        c.read.fields.site_field = Some("site".into());
        c
    }

    /// Counting in batches on any number of threads gives the same table.
    #[test]
    fn counts_are_the_same_for_any_thread_count() {
        let dir = tempfile::tempdir().unwrap();
        let (files, _) = input::expand(&corpus(dir.path()));
        let snapshot = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let counts = pool.install(|| count(&files, &config(), &NoProgress)).unwrap();
            let v: Vec<_> = counts.recurring().collect();
            (counts.documents, counts.duplicates, counts.distinct_blocks, v)
        };
        let one = snapshot(1);
        // Digits fold, so many stories are exact copies of one another on their site.
        assert_eq!(one.0 + one.1, 600);
        assert!(one.1 > 0);
        assert_eq!(snapshot(2), one);
        assert_eq!(snapshot(4), one);
    }

    /// A spill that fails (its folder removed under the run) ends the count with an error
    /// naming the folder, without reading the rest of the input first.
    #[test]
    fn a_failed_spill_stops_the_count_early() {
        struct RemoveOnFirstUpdate {
            folder: std::path::PathBuf,
            docs: AtomicU64,
        }
        impl Progress for RemoveOnFirstUpdate {
            fn update(&self, _bytes: u64, docs: u64) {
                if self.docs.fetch_max(docs, Ordering::Relaxed) == 0 {
                    let _ = std::fs::remove_dir_all(&self.folder);
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let crawl = dir.path().join("crawl");
        let gen = crate::gen::GenConfig { size: 8 << 20, sites: 20, seed: 3, ..Default::default() };
        let written = crate::gen::generate(&crawl, &gen).unwrap();
        let spill = dir.path().join("spill");
        std::fs::create_dir(&spill).unwrap();
        let mut config = config();
        config.memory = MemoryConfig { max_memory: Some(256 << 10), temp_dir: Some(spill.clone()) };
        let (files, _) = input::expand(&[crawl]);
        let progress = RemoveOnFirstUpdate { folder: spill.clone(), docs: AtomicU64::new(0) };
        let err = count(&files, &config, &progress).unwrap_err();
        assert!(matches!(err, Error::Spill { .. }), "{err:?}");
        assert!(err.to_string().contains(&*spill.to_string_lossy()), "{err}");
        let read = progress.docs.load(Ordering::Relaxed);
        assert!(read < written.documents / 2, "read {read} of {} documents", written.documents);
    }

    /// Documents reach the sinks in input order, each once, with their spans.
    #[test]
    fn sinks_see_every_document_in_input_order() {
        struct Order(Vec<u64>);
        impl DocSink for Order {
            fn document(&mut self, doc: &Document, result: &DocResult) -> Result<()> {
                assert!(!result.spans.is_empty(), "the header recurs on every page");
                self.0.push(doc.seq.0);
                Ok(())
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let mut order = Order(Vec::new());
        let report = scan(&corpus(dir.path()), &config(), &NoProgress, &mut [&mut order]).unwrap();
        assert_eq!(order.0, (0..600).collect::<Vec<u64>>());
        assert_eq!(report.totals.documents, 600);
        assert_eq!(report.totals.sites, 3);
    }
}
