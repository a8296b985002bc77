//! Reading the inputs in batches on a thread of their own, so that decompression and parsing
//! overlap with the work on the previous batch.

use std::sync::atomic::AtomicU64;
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use crate::doc::InputProblem;
use crate::input::{Corpus, InputFile, Item, ReadConfig};

/// Documents per batch handed to the worker threads.
pub(crate) const BATCH_DOCS: usize = 256;
/// …or fewer, when they add up to this many bytes.
pub(crate) const BATCH_BYTES: usize = 16 << 20;

/// Reads `files` on a thread of its own and sends batches of items, so that decompression and
/// parsing overlap with hashing.
pub(crate) fn read_batches<F>(
    files: &[InputFile],
    problems: Vec<InputProblem>,
    read: &ReadConfig,
    each: F,
) where
    F: FnOnce(std::sync::mpsc::Receiver<Vec<Item>>, Arc<AtomicU64>),
{
    read_batches_counting(files, problems, read, |rx, bytes, _| each(rx, bytes))
}

/// [`read_batches`], also handing over the counter of records skipped (WARC requests and the
/// like), final once the receiver is drained.
pub(crate) fn read_batches_counting<F>(
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

pub(crate) fn total_size(files: &[InputFile]) -> Option<u64> {
    files.iter().map(|f| std::fs::metadata(&f.path).ok().map(|m| m.len())).sum()
}
