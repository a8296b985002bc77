//! The count pass: every block of every document, counted per site.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::batches::{read_batches, total_size};
use super::ScanConfig;
use crate::count::{CountTable, Counts, Merge, SeenDocs, SiteKey};
use crate::error::Result;
use crate::input::InputFile;
use crate::progress::{Phase, Progress};
use crate::text::block::LineView;
use crate::text::hash::{hash_site, hash_window};
use crate::text::normalize::Normalizer;
use crate::text::shingle::blocks;

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
