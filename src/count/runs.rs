//! Counting by sorting: fixed-size records, sorted runs, an optional spill to disk, and a k-way
//! merge partition by partition.
//!
//! Each counting thread appends one [`Entry`] per distinct block of a document (block hash,
//! interned site, one document) to a buffer; a full buffer is sorted and summed into a *run*.
//! Runs stay in memory until they outgrow the budget of a [`RunStore`]; then they are merged
//! into one sorted file in a temporary folder, whose entries fall into [`PARTITIONS`] ranges of
//! the hash (its top bits), each range at a recorded offset. The end is a k-way merge of every
//! run, one hash range at a time (ranges in parallel), that visits each block with its
//! per-site document counts: memory holds the merge buffers, never the records.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::spill::temp_folder;

/// One counted record: `docs` documents of site `site` (an interned index) hold block `hash`.
/// 16 bytes, in memory and on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub hash: u64,
    pub site: u32,
    pub docs: u32,
}

impl Entry {
    #[inline]
    fn key(&self) -> (u64, u32) {
        (self.hash, self.site)
    }
}

/// Bytes of an [`Entry`].
pub const ENTRY_BYTES: usize = 16;

/// Hash ranges of a spilled run (by the top bits of the hash), merged one at a time.
pub const PARTITION_BITS: u32 = 6;
pub const PARTITIONS: usize = 1 << PARTITION_BITS;

/// The hash range an entry falls in.
#[inline]
pub fn partition_of(hash: u64) -> usize {
    (hash >> (64 - PARTITION_BITS)) as usize
}

/// Sorts a buffer by (hash, site) and sums equal keys in place.
pub fn aggregate(buf: &mut Vec<Entry>) {
    buf.sort_unstable_by_key(Entry::key);
    let mut w = 0usize;
    for r in 0..buf.len() {
        let e = buf[r];
        if w > 0 && buf[w - 1].key() == e.key() {
            buf[w - 1].docs = buf[w - 1].docs.saturating_add(e.docs);
        } else {
            buf[w] = e;
            w += 1;
        }
    }
    buf.truncate(w);
}

/// What a failed read of a spilled run was doing.
const READING: &str = "reading count runs from";

/// A run written to disk: sorted entries, and where each hash range starts (in entries).
#[derive(Debug)]
struct SpillFile {
    path: PathBuf,
    starts: [u64; PARTITIONS + 1],
}

/// What the store did, for reports and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Runs made from full (or final) buffers.
    pub runs: u64,
    /// Times the runs in memory were written to disk.
    pub spills: u64,
    /// Entries written to disk.
    pub spilled_entries: u64,
    /// The most bytes of runs held in memory at once.
    pub peak_bytes: u64,
}

/// Where the runs of one counting session live.
#[derive(Debug, Default)]
pub struct RunStore {
    /// Bytes of runs held in memory before they are spilled (`None`: never spill).
    budget: Option<u64>,
    temp_dir: Option<PathBuf>,
    memory: Vec<Vec<Entry>>,
    held: u64,
    spilled: Vec<SpillFile>,
    dir: Option<tempfile::TempDir>,
    /// The first error met while spilling (reported when the counts are finished).
    error: Option<Error>,
    pub stats: RunStats,
}

impl RunStore {
    pub fn new(budget: Option<u64>, temp_dir: Option<PathBuf>) -> RunStore {
        RunStore { budget, temp_dir, ..RunStore::default() }
    }

    /// Adds a sorted, summed run; spills every run in memory when they outgrow the budget.
    pub fn push(&mut self, run: Vec<Entry>) {
        if run.is_empty() || self.error.is_some() {
            return;
        }
        self.stats.runs += 1;
        self.held += (run.len() * ENTRY_BYTES) as u64;
        self.stats.peak_bytes = self.stats.peak_bytes.max(self.held);
        self.memory.push(run);
        if self.budget.is_some_and(|b| self.held > b) {
            self.spill_or_keep_error();
        }
    }

    /// Spills; on failure keeps the error and drops every run. The error ends the count, so
    /// runs kept (or pushed later) would only take the process past its cap while the rest of
    /// the input is read.
    fn spill_or_keep_error(&mut self) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.spill() {
            self.error = Some(e);
            self.memory = Vec::new();
            self.held = 0;
        }
    }

    /// Keeps the first error met by a caller that cannot return it.
    pub fn fail(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }

    /// Whether a spill failed (the count can no longer be finished).
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// Whether anything went to disk.
    pub fn spilled(&self) -> bool {
        !self.spilled.is_empty()
    }

    /// Merges the runs in memory into one file and frees them.
    fn spill(&mut self) -> Result<()> {
        if self.memory.is_empty() {
            return Ok(());
        }
        let dir = match &mut self.dir {
            Some(dir) => dir,
            none => none.insert(temp_folder(
                self.temp_dir.as_deref(),
                "chaff-runs-",
                "creating a folder for count runs in",
            )?),
        };
        let path = dir.path().join(format!("run-{:05}.bin", self.spilled.len()));
        let io = Error::spill("writing count runs to", &path);
        let file = File::create(&path).map_err(&io)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        let mut starts = [0u64; PARTITIONS + 1];
        let mut written = 0u64;
        let runs = std::mem::take(&mut self.memory);
        {
            // Runs in memory only: the merge itself reads nothing from disk.
            let mut sources: Vec<Source> = runs.iter().map(|r| Source::Memory(r.iter())).collect();
            let mut merged = Merger::new(&mut sources)?;
            let mut buf = [0u8; ENTRY_BYTES];
            while let Some(e) = merged.next_entry()? {
                starts[partition_of(e.hash) + 1] += 1;
                buf[..8].copy_from_slice(&e.hash.to_le_bytes());
                buf[8..12].copy_from_slice(&e.site.to_le_bytes());
                buf[12..].copy_from_slice(&e.docs.to_le_bytes());
                w.write_all(&buf).map_err(&io)?;
                written += 1;
            }
        }
        w.flush().map_err(&io)?;
        drop(runs);
        for p in 0..PARTITIONS {
            starts[p + 1] += starts[p];
        }
        self.stats.spills += 1;
        self.stats.spilled_entries += written;
        self.held = 0;
        self.spilled.push(SpillFile { path: path.clone(), starts });
        Ok(())
    }

    /// Ends the session: once anything was spilled, the rest is spilled too, so that the final
    /// merge reads files only and the memory is free for its result.
    pub fn seal(&mut self) -> Result<()> {
        if self.spilled() {
            self.spill_or_keep_error();
        }
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every run, read back into memory (to move runs between sessions; small tables only).
    pub fn take_all(&mut self) -> Result<Vec<Vec<Entry>>> {
        self.seal()?;
        let mut out = std::mem::take(&mut self.memory);
        self.held = 0;
        for f in std::mem::take(&mut self.spilled) {
            let mut src = Source::open(&f, 0, PARTITIONS)?;
            let mut run = Vec::new();
            while let Some(e) = src.next()? {
                run.push(e);
            }
            out.push(run);
        }
        Ok(out)
    }

    /// The sources of hash ranges `lo..hi`, in one merger each.
    pub fn sources(&self, lo: usize, hi: usize) -> Result<Vec<Source<'_>>> {
        let mut out = Vec::with_capacity(self.memory.len() + self.spilled.len());
        let (lo_hash, hi_part) = ((lo as u64) << (64 - PARTITION_BITS), hi);
        for run in &self.memory {
            let a = run.partition_point(|e| e.hash < lo_hash);
            let b = if hi_part >= PARTITIONS {
                run.len()
            } else {
                let hi_hash = (hi as u64) << (64 - PARTITION_BITS);
                run.partition_point(|e| e.hash < hi_hash)
            };
            out.push(Source::Memory(run[a..b].iter()));
        }
        for f in &self.spilled {
            out.push(Source::open(f, lo, hi)?);
        }
        Ok(out)
    }
}

/// A sorted stream of entries: a run in memory or a range of a spilled one (read from `path`).
pub enum Source<'a> {
    Memory(std::slice::Iter<'a, Entry>),
    File { reader: BufReader<File>, left: u64, path: &'a Path },
}

impl Source<'_> {
    fn open(f: &SpillFile, lo: usize, hi: usize) -> Result<Source<'_>> {
        let io = Error::spill(READING, &f.path);
        let mut file = File::open(&f.path).map_err(&io)?;
        file.seek(SeekFrom::Start(f.starts[lo] * ENTRY_BYTES as u64)).map_err(&io)?;
        Ok(Source::File {
            reader: BufReader::with_capacity(1 << 16, file),
            left: f.starts[hi] - f.starts[lo],
            path: &f.path,
        })
    }

    #[inline]
    fn next(&mut self) -> Result<Option<Entry>> {
        match self {
            Source::Memory(it) => Ok(it.next().copied()),
            Source::File { reader, left, path } => {
                if *left == 0 {
                    return Ok(None);
                }
                *left -= 1;
                let mut b = [0u8; ENTRY_BYTES];
                reader.read_exact(&mut b).map_err(Error::spill(READING, path))?;
                Ok(Some(Entry {
                    hash: u64::from_le_bytes(b[..8].try_into().expect("8 bytes")),
                    site: u32::from_le_bytes(b[8..12].try_into().expect("4 bytes")),
                    docs: u32::from_le_bytes(b[12..].try_into().expect("4 bytes")),
                }))
            }
        }
    }
}

/// A k-way merge of sorted sources that sums entries of equal (hash, site).
pub struct Merger<'s, 'a> {
    sources: &'s mut [Source<'a>],
    heap: BinaryHeap<Reverse<(u64, u32, usize)>>,
    docs: Vec<u32>,
}

impl<'s, 'a> Merger<'s, 'a> {
    pub fn new(sources: &'s mut [Source<'a>]) -> Result<Self> {
        let mut heap = BinaryHeap::with_capacity(sources.len());
        let mut docs = vec![0; sources.len()];
        for (i, s) in sources.iter_mut().enumerate() {
            if let Some(e) = s.next()? {
                heap.push(Reverse((e.hash, e.site, i)));
                docs[i] = e.docs;
            }
        }
        Ok(Merger { sources, heap, docs })
    }

    fn advance(&mut self, i: usize) -> Result<()> {
        if let Some(e) = self.sources[i].next()? {
            self.heap.push(Reverse((e.hash, e.site, i)));
            self.docs[i] = e.docs;
        }
        Ok(())
    }

    /// The next (hash, site) in order, with the documents of every source summed.
    pub fn next_entry(&mut self) -> Result<Option<Entry>> {
        let Some(Reverse((hash, site, i))) = self.heap.pop() else { return Ok(None) };
        let mut docs = self.docs[i];
        self.advance(i)?;
        while let Some(&Reverse((h, s, j))) = self.heap.peek() {
            if (h, s) != (hash, site) {
                break;
            }
            self.heap.pop();
            docs = docs.saturating_add(self.docs[j]);
            self.advance(j)?;
        }
        Ok(Some(Entry { hash, site, docs }))
    }
}

/// Visits each block of hash ranges `lo..hi` of `store` in hash order, with its
/// `(site, docs)` pairs (sites in index order).
pub fn for_each_block(
    store: &RunStore,
    lo: usize,
    hi: usize,
    mut visit: impl FnMut(u64, &[(u32, u32)]) -> Result<()>,
) -> Result<()> {
    let mut sources = store.sources(lo, hi)?;
    let mut merged = Merger::new(&mut sources)?;
    let mut group: Vec<(u32, u32)> = Vec::new();
    let mut current: Option<u64> = None;
    while let Some(e) = merged.next_entry()? {
        if current != Some(e.hash) {
            if let Some(h) = current {
                visit(h, &group)?;
            }
            group.clear();
            current = Some(e.hash);
        }
        group.push((e.site, e.docs));
    }
    if let Some(h) = current {
        visit(h, &group)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(hash: u64, site: u32, docs: u32) -> Entry {
        Entry { hash, site, docs }
    }

    #[test]
    fn aggregate_sums_equal_keys() {
        let mut v = vec![e(3, 1, 1), e(1, 0, 1), e(3, 1, 2), e(3, 0, 1)];
        aggregate(&mut v);
        assert_eq!(v, vec![e(1, 0, 1), e(3, 0, 1), e(3, 1, 3)]);
    }

    #[test]
    fn spilled_runs_merge_like_runs_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let mut spilling = RunStore::new(Some(1), Some(dir.path().to_path_buf()));
        let mut memory = RunStore::new(None, None);
        for k in 0..5u64 {
            let mut run: Vec<Entry> = (0..50u64)
                .map(|i| e((i * 7919 + k).wrapping_mul(0x9E37_79B9_7F4A_7C15), (i % 3) as u32, 1))
                .collect();
            aggregate(&mut run);
            spilling.push(run.clone());
            memory.push(run);
        }
        spilling.seal().unwrap();
        assert_eq!(spilling.stats.spills, 5);
        let collect = |s: &RunStore, lo, hi| {
            let mut v = Vec::new();
            for_each_block(s, lo, hi, |h, g| {
                v.push((h, g.to_vec()));
                Ok(())
            })
            .unwrap();
            v
        };
        let whole = collect(&memory, 0, PARTITIONS);
        assert_eq!(collect(&spilling, 0, PARTITIONS), whole);
        let mut by_range = collect(&spilling, 0, 20);
        by_range.extend(collect(&spilling, 20, PARTITIONS));
        assert_eq!(by_range, whole);
        // The folder goes with the store.
        drop(spilling);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A run of 50 entries, distinct per `k`.
    fn run(k: u64) -> Vec<Entry> {
        let mut run: Vec<Entry> =
            (0..50u64).map(|i| e((i * 31 + k).wrapping_mul(0x9E37_79B9_7F4A_7C15), 0, 1)).collect();
        aggregate(&mut run);
        run
    }

    /// The message of `r`'s error, which must be a spill error.
    fn spill_message<T: std::fmt::Debug>(r: Result<T>) -> String {
        let e = r.unwrap_err();
        assert!(matches!(e, Error::Spill { .. }), "{e:?}");
        e.to_string()
    }

    #[test]
    fn a_temp_dir_under_a_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), "x").unwrap();
        let bad = dir.path().join("file").join("sub");
        let mut store = RunStore::new(Some(1), Some(bad.clone()));
        store.push(run(0));
        let message = spill_message(store.seal());
        assert!(message.starts_with("creating a folder for count runs in "), "{message}");
        assert!(message.contains(&*bad.to_string_lossy()), "{message}");
    }

    #[test]
    fn a_temp_dir_removed_while_spilling_is_an_error_naming_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let temp = dir.path().join("spill");
        std::fs::create_dir(&temp).unwrap();
        let mut store = RunStore::new(Some(1), Some(temp.clone()));
        store.push(run(0));
        assert_eq!(store.stats.spills, 1);
        std::fs::remove_dir_all(&temp).unwrap();
        // The next spill fails; the error waits for the end of the count, and no run is held
        // past the budget meanwhile.
        store.push(run(1));
        store.push(run(2));
        assert!(store.memory.is_empty());
        let message = spill_message(store.seal());
        assert!(message.starts_with("writing count runs to "), "{message}");
        assert!(message.contains(&*temp.to_string_lossy()), "{message}");
        assert!(message.ends_with("run-00001.bin"), "{message}");
    }

    #[test]
    fn a_spilled_run_removed_before_the_merge_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = RunStore::new(Some(1), Some(dir.path().to_path_buf()));
        store.push(run(0));
        store.seal().unwrap();
        let spilled = store.spilled[0].path.clone();
        std::fs::remove_file(&spilled).unwrap();
        let message = spill_message(for_each_block(&store, 0, PARTITIONS, |_, _| Ok(())));
        assert_eq!(message, format!("reading count runs from {}", spilled.display()));
        let message = spill_message(store.take_all());
        assert!(message.ends_with("run-00000.bin"), "{message}");
    }
}
