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

use std::sync::Arc;

use crate::classify::PaywallConfig;
use crate::count::{Counts, MemoryConfig};
use crate::dedup::{find_duplicates, DedupConfig, Signatures};
use crate::doc::{InputProblem, SkippedFile};
use crate::error::{Error, Result};
use crate::flag::FlagConfig;
use crate::input::{self, Expanded, InputFile, ReadConfig};
use crate::progress::Progress;
use crate::report::Report;
use crate::result::spool::{ResultReader, ResultWriter};
use crate::result::DocSink;
use crate::text::normalize::NormalizeConfig;

mod batches;
mod count;
mod distributed;
mod learn;
mod mark;

pub use count::*;
pub use distributed::*;
pub use learn::*;
pub use mark::*;

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

/// Expands `paths` into files (with display names applied), the problems found listing them
/// and the files left out.
pub(crate) fn expand(paths: &[std::path::PathBuf], config: &ScanConfig) -> Result<Expanded> {
    let mut found = input::expand(paths);
    if !config.read.exclude.is_empty() {
        found.files.retain(|f| {
            std::fs::canonicalize(&f.path).map_or(true, |c| !config.read.exclude.contains(&c))
        });
    }
    config.read.rename(&mut found.files);
    if config.strict {
        if let Some(p) = found.problems.first() {
            return Err(Error::Strict(p.clone()));
        }
    }
    Ok(found)
}

/// The inputs and settings of a mark pass, and the results the learn pass kept of them.
pub(crate) struct Marking<'a> {
    files: &'a [InputFile],
    problems: Vec<InputProblem>,
    /// Files the folder walk passed over, listed in the report.
    skipped: Vec<SkippedFile>,
    config: &'a ScanConfig,
    progress: &'a dyn Progress,
    stored: Option<ResultReader>,
}

/// Clusters the learned signatures (when duplicate detection is on) and marks.
pub(crate) fn cluster_and_mark(
    marking: Marking<'_>,
    counts: &Counts,
    profiles: &SiteProfiles,
    signatures: Option<&Signatures>,
    first_doc: u64,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    let Marking { files, problems, skipped, config, progress, stored } = marking;
    let duplicates = config
        .dedup
        .as_ref()
        .zip(signatures)
        .map(|(dedup, sigs)| find_duplicates(sigs, dedup, counts))
        .transpose()?;
    let learned = Learned { counts, profiles, duplicates: duplicates.as_ref(), first_doc };
    let mut report = mark(files, problems, learned, config, progress, sinks, stored)?;
    report.add_skipped_files(skipped);
    Ok(report)
}

/// Every pass after counting: profile the sites, sign and cluster duplicates, mark.
pub(crate) fn learn_and_mark(
    files: &[InputFile],
    problems: Vec<InputProblem>,
    skipped: Vec<SkippedFile>,
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
    let marking = Marking { files, problems, skipped, config, progress, stored };
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
    let Expanded { files, problems, skipped } = expand(paths, config)?;
    let counts = count(&files, config, progress)?;
    learn_and_mark(&files, problems, skipped, &counts, config, progress, sinks)
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
    learn_and_mark(&list, Vec::new(), Vec::new(), &counts, &config, progress, sinks)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use crate::count::MemoryConfig;

    use crate::doc::Document;
    use crate::error::{Error, Result};

    use crate::input::{self};

    use crate::progress::Progress;

    use crate::result::{DocResult, DocSink};

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
        let files = input::expand(&corpus(dir.path())).files;
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
        let files = input::expand(&[crawl]).files;
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
