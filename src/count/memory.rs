//! The count table (what counting threads fill) and the finished counts (what flagging reads).
//!
//! Counting is by sorting, not hashing (see [`super::runs`]): a document adds one 16-byte
//! record per distinct block, runs of records are sorted and summed, and one k-way merge at
//! the end visits every block with its per-site document counts. Memory while counting is
//! 16 bytes per distinct (block, site) in a run, or a fixed budget when runs spill to disk
//! ([`MemoryConfig`]).
//!
//! The finished [`Counts`] keep only the blocks on two documents or more: a block on one
//! document can never recur across pages, and nearly every line of an article body is one. A
//! looked-up block that is not kept stands on exactly one document of one site, the document
//! being flagged, so it reads as `docs: 1, sites: 1`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::runs::{aggregate, for_each_block, Entry, RunStats, RunStore, PARTITIONS};
use super::Merge;
use crate::error::Result;
use crate::spill::temp_folder;
use crate::text::hash::{hash_site, BlockHash};
use crate::text::shingle::Block;

/// A site's key in the tables (the hash of its name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SiteKey(pub u64);

impl SiteKey {
    pub fn of(site: &str) -> SiteKey {
        SiteKey(hash_site(site))
    }
}

/// A site: its name and how many documents it has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteInfo {
    pub name: String,
    pub docs: u64,
}

/// How much memory counting may take (`--max-memory`, `--temp-dir`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryConfig {
    /// Bytes the whole process should stay under; `None`: no cap, every run stays in memory.
    pub max_memory: Option<u64>,
    /// Where spilled runs go (default: the system's temporary folder).
    pub temp_dir: Option<PathBuf>,
}

/// Bytes of a counting buffer per thread when there is no cap (4 Mi records).
const UNCAPPED_BUFFER_BYTES: u64 = 64 << 20;

impl MemoryConfig {
    /// Bytes of count records (buffers and runs) held in memory while counting: half the cap.
    /// The rest is for the reader's batches, the exact-copy set, the finished table being
    /// built by the final merge, and the allocator's slack.
    pub fn count_budget(&self) -> Option<u64> {
        self.max_memory.map(|m| m / 2)
    }

    /// Bytes of document signatures held in memory by duplicate detection: a quarter of the
    /// cap (the finished counts stand beside them).
    pub fn signature_budget(&self) -> Option<u64> {
        self.max_memory.map(|m| m / 4)
    }

    /// Under a cap, checks that a temporary folder can be made where spills go, so that a
    /// mistyped or unwritable `--temp-dir` stops the run before its first pass rather than
    /// when it first outgrows the cap, hours in. Without a cap nothing is spilled: `Ok`.
    pub fn check_temp_dir(&self) -> Result<()> {
        if self.max_memory.is_none() {
            return Ok(());
        }
        temp_folder(self.temp_dir.as_deref(), "chaff-check-", "creating a temporary folder in")
            .map(drop)
    }
}

/// What one counting session shares between its threads.
#[derive(Debug)]
struct Session {
    sites: Mutex<SiteIds>,
    store: Mutex<RunStore>,
    /// Records per thread buffer.
    buffer: usize,
}

/// Sites interned to dense indexes, so a record holds 4 bytes of site, not 8.
#[derive(Debug, Default)]
struct SiteIds {
    ids: FxHashMap<SiteKey, u32>,
    keys: Vec<SiteKey>,
}

impl Session {
    fn new(memory: &MemoryConfig) -> Session {
        let threads = rayon::current_num_threads().max(1) as u64;
        let (buffer_bytes, store_budget) = match memory.count_budget() {
            // Each thread holds a buffer and, while it sorts, the run it makes: an eighth of
            // the budget for the buffers, twice that at worst, the rest for runs.
            Some(b) => ((b / 8 / threads).clamp(4096, UNCAPPED_BUFFER_BYTES), Some(b * 3 / 4)),
            None => (UNCAPPED_BUFFER_BYTES, None),
        };
        Session {
            sites: Mutex::default(),
            store: Mutex::new(RunStore::new(store_budget, memory.temp_dir.clone())),
            buffer: (buffer_bytes as usize / super::runs::ENTRY_BYTES).max(256),
        }
    }

    fn store(&self) -> MutexGuard<'_, RunStore> {
        // A poisoned lock only means another thread panicked; the store is still whole.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn site_ids(&self) -> MutexGuard<'_, SiteIds> {
        self.sites.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn site_id(&self, key: SiteKey) -> u32 {
        let mut s = self.site_ids();
        if let Some(&id) = s.ids.get(&key) {
            return id;
        }
        let id = s.keys.len() as u32;
        s.keys.push(key);
        s.ids.insert(key, id);
        id
    }
}

/// The table every counting thread fills. Tables made by [`CountTable::fork`] share one
/// session (sites, runs, memory budget); [`Merge`] folds their per-site figures together.
#[derive(Debug)]
pub struct CountTable {
    session: Arc<Session>,
    pub sites: FxHashMap<SiteKey, SiteInfo>,
    pub documents: u64,
    /// Exact copies (same content, same site) left out of the counts.
    pub duplicates: u64,
    buffer: Vec<Entry>,
    /// This thread's copy of the site ids it met.
    ids: FxHashMap<SiteKey, u32>,
    /// Scratch space reused between documents.
    scratch: Vec<BlockHash>,
}

impl Default for CountTable {
    /// A table of its own session, kept in memory.
    fn default() -> Self {
        CountTable::new(&MemoryConfig::default())
    }
}

impl CountTable {
    /// The first table of a session.
    pub fn new(memory: &MemoryConfig) -> CountTable {
        CountTable::with_session(Arc::new(Session::new(memory)))
    }

    fn with_session(session: Arc<Session>) -> CountTable {
        CountTable {
            session,
            sites: FxHashMap::default(),
            documents: 0,
            duplicates: 0,
            buffer: Vec::new(),
            ids: FxHashMap::default(),
            scratch: Vec::new(),
        }
    }

    /// An empty table of the same session, for another thread.
    pub fn fork(&self) -> CountTable {
        CountTable::with_session(Arc::clone(&self.session))
    }

    /// Counts one document's blocks.
    pub fn add_document(&mut self, site: &str, blocks: &[Block]) {
        let key = SiteKey::of(site);
        let info =
            self.sites.entry(key).or_insert_with(|| SiteInfo { name: site.to_string(), docs: 0 });
        info.docs += 1;
        self.documents += 1;
        let id = match self.ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.session.site_id(key);
                self.ids.insert(key, id);
                id
            }
        };
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        scratch.extend(blocks.iter().map(|b| b.hash));
        scratch.sort_unstable();
        scratch.dedup();
        if !self.buffer.is_empty() && self.buffer.len() + scratch.len() > self.session.buffer {
            self.flush();
        }
        if self.buffer.capacity() == 0 {
            self.buffer.reserve_exact(self.session.buffer);
        }
        self.buffer.extend(scratch.iter().map(|h| Entry { hash: h.0, site: id, docs: 1 }));
        self.scratch = scratch;
    }

    /// Sorts the buffer into a run and hands it to the session.
    fn flush(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        aggregate(&mut self.buffer);
        let run = self.buffer.to_vec();
        self.buffer.clear();
        self.session.store().push(run);
    }

    /// Whether a spill of the session failed: the count will end in that error, so there is
    /// no point reading on.
    pub fn failed(&self) -> bool {
        self.session.store().failed()
    }

    /// What the session's runs did so far.
    pub fn run_stats(&self) -> RunStats {
        self.session.store().stats
    }

    /// Ends the session: visits every block in hash order, with its `(site, docs)` pairs
    /// sorted by site (what a counts file holds). Returns the runs' figures.
    pub fn for_each_block(
        mut self,
        mut visit: impl FnMut(u64, &[(SiteKey, u32)]) -> Result<()>,
    ) -> Result<RunStats> {
        self.flush();
        let mut store = std::mem::take(&mut *self.session.store());
        store.seal()?;
        let keys = std::mem::take(&mut self.session.site_ids().keys);
        let mut group: Vec<(SiteKey, u32)> = Vec::new();
        for_each_block(&store, 0, PARTITIONS, |hash, g| {
            group.clear();
            group.extend(g.iter().map(|&(s, d)| (keys[s as usize], d)));
            group.sort_unstable();
            visit(hash, &group)
        })?;
        Ok(store.stats)
    }

    /// Merges every run into the finished counts. Never fails without a memory cap (nothing
    /// is written to disk then); with one, see [`CountTable::try_finish`].
    pub fn finish(self) -> Counts {
        self.try_finish().expect("counting in memory does no I/O")
    }

    /// Merges every run (spilled ones from disk) into the finished counts, one hash range per
    /// task.
    pub fn try_finish(mut self) -> Result<Counts> {
        self.flush();
        let mut store = std::mem::take(&mut *self.session.store());
        store.seal()?;
        let keys = std::mem::take(&mut self.session.site_ids().keys);
        let parts: Vec<Result<CountsBuilder>> = (0..PARTITIONS)
            .into_par_iter()
            .map(|p| {
                let mut part = CountsBuilder::default();
                let mut group: Vec<(SiteKey, u32)> = Vec::new();
                for_each_block(&store, p, p + 1, |hash, g| {
                    group.clear();
                    group.extend(g.iter().map(|&(s, d)| (keys[s as usize], d)));
                    group.sort_unstable();
                    part.push(hash, &group);
                    Ok(())
                })?;
                Ok(part)
            })
            .collect();
        drop(store);
        let mut all = CountsBuilder::default();
        for part in parts {
            all.append(part?);
        }
        Ok(all.build(self.sites, self.documents, self.duplicates))
    }
}

impl Merge for CountTable {
    fn merge(&mut self, mut other: Self) {
        other.flush();
        if !Arc::ptr_eq(&self.session, &other.session) {
            // Tables of two sessions: move the other's runs over, renumbering its sites.
            let runs = other.session.store().take_all();
            let keys = std::mem::take(&mut other.session.site_ids().keys);
            let ids: Vec<u32> = keys.iter().map(|&k| self.session.site_id(k)).collect();
            match runs {
                Ok(runs) => {
                    for mut run in runs {
                        for e in &mut run {
                            e.site = ids[e.site as usize];
                        }
                        aggregate(&mut run);
                        self.session.store().push(run);
                    }
                }
                Err(e) => self.session.store().fail(e),
            }
        }
        for (k, v) in other.sites {
            let info =
                self.sites.entry(k).or_insert_with(|| SiteInfo { name: v.name.clone(), docs: 0 });
            info.docs += v.docs;
        }
        self.documents += other.documents;
        self.duplicates += other.duplicates;
    }
}

/// A block over the whole corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockTotals {
    /// Documents holding it.
    pub docs: u32,
    /// Sites holding it.
    pub sites: u32,
}

/// A block kept in the finished counts (on two documents or more).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Recurring {
    docs: u32,
    sites: u32,
    /// The site's key when `sites == 1`, else where its sites start in `per_site`.
    at: u64,
}

/// Builds [`Counts`] from blocks visited in hash order.
#[derive(Debug, Default)]
pub struct CountsBuilder {
    hashes: Vec<u64>,
    blocks: Vec<Recurring>,
    per_site: Vec<(SiteKey, u32)>,
    distinct: u64,
}

impl CountsBuilder {
    /// Adds a block; `group` holds each site once, sorted, with its documents.
    pub fn push(&mut self, hash: u64, group: &[(SiteKey, u32)]) {
        debug_assert!(self.hashes.last().is_none_or(|&h| h < hash));
        self.distinct += 1;
        let docs = group.iter().fold(0u32, |a, &(_, d)| a.saturating_add(d));
        if docs < 2 {
            return;
        }
        let at = if group.len() == 1 {
            group[0].0 .0
        } else {
            let at = self.per_site.len() as u64;
            self.per_site.extend_from_slice(group);
            at
        };
        self.hashes.push(hash);
        self.blocks.push(Recurring { docs, sites: group.len() as u32, at });
    }

    /// Appends the blocks of a later hash range.
    fn append(&mut self, other: CountsBuilder) {
        let base = self.per_site.len() as u64;
        self.hashes.extend_from_slice(&other.hashes);
        self.blocks.extend(other.blocks.iter().map(|b| {
            if b.sites > 1 {
                Recurring { at: b.at + base, ..*b }
            } else {
                *b
            }
        }));
        self.per_site.extend_from_slice(&other.per_site);
        self.distinct += other.distinct;
    }

    /// The finished counts, with their lookup index.
    pub fn build(
        mut self,
        sites: FxHashMap<SiteKey, SiteInfo>,
        documents: u64,
        duplicates: u64,
    ) -> Counts {
        self.hashes.shrink_to_fit();
        self.blocks.shrink_to_fit();
        self.per_site.shrink_to_fit();
        // About one block per bucket: the top `bits` bits of a hash pick its bucket.
        let n = self.hashes.len();
        let bits = (usize::BITS - n.max(2).leading_zeros() - 1).clamp(1, 32);
        let shift = 64 - bits;
        let mut index = vec![0u32; (1usize << bits) + 1];
        for &h in &self.hashes {
            index[(h >> shift) as usize + 1] += 1;
        }
        for b in 0..1usize << bits {
            index[b + 1] += index[b];
        }
        Counts {
            hashes: self.hashes,
            blocks: self.blocks,
            per_site: self.per_site,
            index,
            shift,
            distinct_blocks: self.distinct,
            sites,
            documents,
            duplicates,
        }
    }
}

/// The finished counts of a corpus: per-site document counts, and the blocks on two documents
/// or more with their documents and sites, per block and per (block, site).
#[derive(Debug, Default)]
pub struct Counts {
    /// Kept blocks, sorted.
    hashes: Vec<u64>,
    blocks: Vec<Recurring>,
    per_site: Vec<(SiteKey, u32)>,
    /// Where each bucket (top bits of the hash) starts in `hashes`.
    index: Vec<u32>,
    shift: u32,
    /// Distinct blocks of the corpus, kept or not.
    pub distinct_blocks: u64,
    pub sites: FxHashMap<SiteKey, SiteInfo>,
    /// Documents counted (exact copies on one site count once).
    pub documents: u64,
    /// Exact copies left out.
    pub duplicates: u64,
}

impl Counts {
    pub fn site_docs(&self, site: SiteKey) -> u64 {
        self.sites.get(&site).map_or(0, |s| s.docs)
    }

    #[inline]
    fn find(&self, hash: BlockHash) -> Option<&Recurring> {
        if self.hashes.is_empty() {
            return None;
        }
        let b = (hash.0 >> self.shift) as usize;
        let (lo, hi) = (self.index[b] as usize, self.index[b + 1] as usize);
        let i = self.hashes[lo..hi].binary_search(&hash.0).ok()?;
        Some(&self.blocks[lo + i])
    }

    /// Documents and sites holding a block of a counted document (one and one when it is not
    /// kept: it stands on that document alone).
    #[inline]
    pub fn block(&self, hash: BlockHash) -> BlockTotals {
        self.find(hash).map_or(BlockTotals { docs: 1, sites: 1 }, |r| BlockTotals {
            docs: r.docs,
            sites: r.sites,
        })
    }

    /// Documents of `site` holding a block of a counted document of that site (one when the
    /// block is not kept).
    #[inline]
    pub fn site_docs_of(&self, hash: BlockHash, site: SiteKey) -> u32 {
        let Some(r) = self.find(hash) else { return 1 };
        if r.sites == 1 {
            return if r.at == site.0 { r.docs } else { 0 };
        }
        let sites = &self.per_site[r.at as usize..(r.at + u64::from(r.sites)) as usize];
        sites.binary_search_by_key(&site, |&(s, _)| s).map_or(0, |i| sites[i].1)
    }

    /// Blocks kept (on two documents or more).
    pub fn recurring_blocks(&self) -> usize {
        self.hashes.len()
    }

    /// Bytes of the kept blocks and their lookup index.
    pub fn table_bytes(&self) -> usize {
        use std::mem::size_of;
        self.hashes.capacity() * size_of::<u64>()
            + self.blocks.capacity() * size_of::<Recurring>()
            + self.per_site.capacity() * size_of::<(SiteKey, u32)>()
            + self.index.capacity() * size_of::<u32>()
    }

    /// The kept blocks in hash order, with their `(site, docs)` pairs sorted by site.
    pub fn recurring(
        &self,
    ) -> impl Iterator<Item = (BlockHash, BlockTotals, Vec<(SiteKey, u32)>)> + '_ {
        self.hashes.iter().zip(&self.blocks).map(|(&h, r)| {
            let sites = if r.sites == 1 {
                vec![(SiteKey(r.at), r.docs)]
            } else {
                self.per_site[r.at as usize..(r.at + u64::from(r.sites)) as usize].to_vec()
            };
            (BlockHash(h), BlockTotals { docs: r.docs, sites: r.sites }, sites)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::text::hash::LineHash;
    use crate::text::shingle::blocks;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn doc_blocks(lines: &[u64], k: usize) -> Vec<Block> {
        let h: Vec<LineHash> = lines.iter().map(|&l| LineHash(l)).collect();
        blocks(&h, k)
    }

    /// What a count must find: per block, its documents per site.
    type Snapshot = (u64, BTreeMap<u64, BTreeMap<u64, usize>>);

    /// The obvious reference: for each block, the set of documents per site.
    fn naive(docs: &[(u8, Vec<u64>)], k: usize) -> Snapshot {
        let mut seen: BTreeMap<u64, BTreeMap<u64, BTreeSet<usize>>> = BTreeMap::new();
        for (i, (site, lines)) in docs.iter().enumerate() {
            for b in doc_blocks(lines, k) {
                let s = SiteKey::of(&site.to_string()).0;
                seen.entry(b.hash.0).or_default().entry(s).or_default().insert(i);
            }
        }
        let distinct = seen.len() as u64;
        let kept = seen
            .into_iter()
            .map(|(h, per_site)| {
                (h, per_site.into_iter().map(|(s, d)| (s, d.len())).collect::<BTreeMap<_, _>>())
            })
            .filter(|(_, per_site)| per_site.values().sum::<usize>() >= 2)
            .collect();
        (distinct, kept)
    }

    fn snapshot(counts: &Counts) -> Snapshot {
        let kept = counts
            .recurring()
            .map(|(h, t, sites)| {
                assert_eq!(t.sites as usize, sites.len());
                assert_eq!(t.docs, sites.iter().map(|s| s.1).sum::<u32>());
                assert_eq!(counts.block(h), t);
                for &(s, d) in &sites {
                    assert_eq!(counts.site_docs_of(h, s), d);
                }
                (h.0, sites.into_iter().map(|(s, d)| (s.0, d as usize)).collect())
            })
            .collect();
        (counts.distinct_blocks, kept)
    }

    fn fast(docs: &[(u8, Vec<u64>)], k: usize, parts: usize, memory: &MemoryConfig) -> Counts {
        let first = CountTable::new(memory);
        let mut tables: Vec<CountTable> = (0..parts).map(|_| first.fork()).collect();
        for (i, (site, lines)) in docs.iter().enumerate() {
            tables[i % parts].add_document(&site.to_string(), &doc_blocks(lines, k));
        }
        let mut all = first;
        for t in tables.into_iter().rev() {
            all.merge(t);
        }
        assert_eq!(all.documents as usize, docs.len());
        all.try_finish().unwrap()
    }

    /// Tables of separate sessions (as tests and benches make them) merge too.
    fn separate(docs: &[(u8, Vec<u64>)], k: usize, parts: usize) -> Counts {
        let mut tables: Vec<CountTable> = (0..parts).map(|_| CountTable::default()).collect();
        for (i, (site, lines)) in docs.iter().enumerate() {
            tables[i % parts].add_document(&site.to_string(), &doc_blocks(lines, k));
        }
        let mut all = CountTable::default();
        for t in tables.into_iter().rev() {
            all.merge(t);
        }
        all.finish()
    }

    proptest! {
        /// Counting in memory, counting with a budget so small that every few documents
        /// spill a run to disk, and the naive twin agree, for any split between threads.
        #[test]
        fn spilled_and_in_memory_counting_match_naive_reference(
            docs in proptest::collection::vec(
                (0u8..4, proptest::collection::vec(0u64..6, 0..12)), 0..40),
            k in 1usize..4,
            parts in 1usize..5,
        ) {
            let want = naive(&docs, k);
            let in_memory = fast(&docs, k, parts, &MemoryConfig::default());
            prop_assert_eq!(snapshot(&in_memory), want.clone());
            prop_assert_eq!(snapshot(&separate(&docs, k, parts)), want.clone());
            let dir = tempfile::tempdir().unwrap();
            let tiny = MemoryConfig {
                max_memory: Some(64),
                temp_dir: Some(dir.path().to_path_buf()),
            };
            let spilled = fast(&docs, k, parts, &tiny);
            prop_assert_eq!(snapshot(&spilled), want);
            prop_assert_eq!(spilled.documents, in_memory.documents);
            prop_assert_eq!(&spilled.sites, &in_memory.sites);
            // Every spilled run is gone with the session.
            prop_assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        }
    }

    #[test]
    fn a_tiny_budget_spills_many_runs() {
        let dir = tempfile::tempdir().unwrap();
        let memory =
            MemoryConfig { max_memory: Some(1 << 14), temp_dir: Some(dir.path().to_path_buf()) };
        let mut t = CountTable::new(&memory);
        for i in 0..2000u64 {
            t.add_document(["a", "b", "c"][(i % 3) as usize], &doc_blocks(&[1, 2, i, i + 1], 2));
        }
        let stats = t.run_stats();
        assert!(stats.spills >= 3, "{stats:?}");
        let c = t.try_finish().unwrap();
        let h1 = doc_blocks(&[1], 1)[0].hash;
        assert_eq!(c.block(h1), BlockTotals { docs: 2000, sites: 3 });
        assert_eq!(c.site_docs_of(h1, SiteKey::of("a")), 667);
    }

    #[test]
    fn a_temp_dir_removed_while_counting_fails_the_count_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let temp = dir.path().join("spill");
        std::fs::create_dir(&temp).unwrap();
        let memory = MemoryConfig { max_memory: Some(1 << 14), temp_dir: Some(temp.clone()) };
        let mut t = CountTable::new(&memory);
        let mut removed = false;
        for i in 0..2000u64 {
            t.add_document("a", &doc_blocks(&[1, 2, i, i + 1], 2));
            if !removed && t.run_stats().spills > 0 {
                std::fs::remove_dir_all(&temp).unwrap();
                removed = true;
            }
        }
        assert!(removed);
        let e = t.try_finish().unwrap_err();
        assert!(matches!(e, Error::Spill { .. }), "{e:?}");
        assert!(e.to_string().contains(&*temp.to_string_lossy()), "{e}");
    }

    #[test]
    fn the_temp_dir_is_checked_under_a_cap_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), "x").unwrap();
        let capped =
            |temp: PathBuf| MemoryConfig { max_memory: Some(1 << 20), temp_dir: Some(temp) };
        for bad in [dir.path().join("missing"), dir.path().join("file").join("sub")] {
            let e = capped(bad.clone()).check_temp_dir().unwrap_err();
            assert_eq!(e.to_string(), format!("creating a temporary folder in {}", bad.display()));
            let uncapped = MemoryConfig { max_memory: None, temp_dir: Some(bad) };
            uncapped.check_temp_dir().unwrap();
        }
        capped(dir.path().to_path_buf()).check_temp_dir().unwrap();
        // The check leaves nothing behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn per_site_documents() {
        let mut t = CountTable::default();
        t.add_document("a", &doc_blocks(&[1, 1, 2], 1));
        t.add_document("a", &doc_blocks(&[1], 1));
        t.add_document("b", &doc_blocks(&[1], 1));
        let c = t.finish();
        let h1 = doc_blocks(&[1], 1)[0].hash;
        let h2 = doc_blocks(&[2], 1)[0].hash;
        assert_eq!(c.site_docs_of(h1, SiteKey::of("a")), 2);
        assert_eq!(c.site_docs_of(h1, SiteKey::of("c")), 0);
        assert_eq!(c.block(h1), BlockTotals { docs: 3, sites: 2 });
        // On one document: not kept, read as that document's alone.
        assert_eq!(c.block(h2), BlockTotals { docs: 1, sites: 1 });
        assert_eq!(c.site_docs_of(h2, SiteKey::of("a")), 1);
        assert_eq!((c.distinct_blocks, c.recurring_blocks()), (2, 1));
        assert_eq!(c.site_docs(SiteKey::of("a")), 2);
    }
}
