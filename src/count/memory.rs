//! The in-memory count table.

use rustc_hash::FxHashMap;

use super::Merge;
use crate::hash::{hash_site, BlockHash};
use crate::shingle::Block;

/// A site's key in the tables (the hash of its name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SiteKey(pub u64);

impl SiteKey {
    pub fn of(site: &str) -> SiteKey {
        SiteKey(hash_site(site))
    }
}

/// How one block stands on the pages of one site.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SiteTally {
    /// Distinct documents of the site holding the block.
    pub docs: u32,
    /// Occurrences over those documents.
    pub occurrences: u32,
    /// The most occurrences in any one document.
    pub max_in_doc: u32,
}

impl SiteTally {
    fn add(&mut self, other: SiteTally) {
        self.docs = self.docs.saturating_add(other.docs);
        self.occurrences = self.occurrences.saturating_add(other.occurrences);
        self.max_in_doc = self.max_in_doc.max(other.max_in_doc);
    }
}

/// A site: its name and how many documents it has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteInfo {
    pub name: String,
    pub docs: u64,
}

/// The table every counting thread fills: block × site → tally.
#[derive(Debug, Default)]
pub struct CountTable {
    pub per_site: FxHashMap<(BlockHash, SiteKey), SiteTally>,
    pub sites: FxHashMap<SiteKey, SiteInfo>,
    pub documents: u64,
    /// Exact copies (same content, same site) left out of the counts.
    pub duplicates: u64,
    /// Scratch space reused between documents.
    scratch: Vec<BlockHash>,
}

impl CountTable {
    /// Counts one document's blocks.
    pub fn add_document(&mut self, site: &str, blocks: &[Block]) {
        let key = SiteKey::of(site);
        let info =
            self.sites.entry(key).or_insert_with(|| SiteInfo { name: site.to_string(), docs: 0 });
        info.docs += 1;
        self.documents += 1;
        let scratch = &mut self.scratch;
        scratch.clear();
        scratch.extend(blocks.iter().map(|b| b.hash));
        scratch.sort_unstable();
        let mut i = 0;
        while i < scratch.len() {
            let hash = scratch[i];
            let mut j = i + 1;
            while j < scratch.len() && scratch[j] == hash {
                j += 1;
            }
            let n = (j - i) as u32;
            self.per_site.entry((hash, key)).or_default().add(SiteTally {
                docs: 1,
                occurrences: n,
                max_in_doc: n,
            });
            i = j;
        }
    }

    /// Derives the per-block totals used for flagging.
    pub fn finish(self) -> Counts {
        let mut totals: FxHashMap<BlockHash, BlockTotals> = FxHashMap::default();
        totals.reserve(self.per_site.len() / 2);
        for (&(hash, _), tally) in &self.per_site {
            let t = totals.entry(hash).or_default();
            t.docs = t.docs.saturating_add(tally.docs);
            t.sites = t.sites.saturating_add(1);
            t.occurrences = t.occurrences.saturating_add(tally.occurrences);
        }
        Counts {
            per_site: self.per_site,
            totals,
            sites: self.sites,
            documents: self.documents,
            duplicates: self.duplicates,
        }
    }
}

impl Merge for CountTable {
    fn merge(&mut self, mut other: Self) {
        // Fold the smaller table into the larger one.
        if other.per_site.len() > self.per_site.len() {
            std::mem::swap(&mut self.per_site, &mut other.per_site);
        }
        self.per_site.reserve(other.per_site.len());
        for (k, v) in other.per_site {
            self.per_site.entry(k).or_default().add(v);
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockTotals {
    pub docs: u32,
    pub sites: u32,
    pub occurrences: u32,
}

/// The finished counts of a corpus.
#[derive(Debug, Default)]
pub struct Counts {
    pub per_site: FxHashMap<(BlockHash, SiteKey), SiteTally>,
    pub totals: FxHashMap<BlockHash, BlockTotals>,
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::LineHash;
    use crate::shingle::blocks;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn doc_blocks(lines: &[u64], k: usize) -> Vec<Block> {
        let h: Vec<LineHash> = lines.iter().map(|&l| LineHash(l)).collect();
        blocks(&h, k)
    }

    /// The obvious reference: for each block, the set of (site, doc) pairs and all occurrences.
    fn naive(docs: &[(u8, Vec<u64>)], k: usize) -> BTreeMap<u64, (usize, usize, u32)> {
        let mut seen: BTreeMap<u64, (BTreeSet<usize>, BTreeSet<u8>, u32)> = BTreeMap::new();
        for (i, (site, lines)) in docs.iter().enumerate() {
            for b in doc_blocks(lines, k) {
                let e = seen.entry(b.hash.0).or_default();
                e.0.insert(i);
                e.1.insert(*site);
                e.2 += 1;
            }
        }
        seen.into_iter().map(|(h, (d, s, o))| (h, (d.len(), s.len(), o))).collect()
    }

    fn fast(docs: &[(u8, Vec<u64>)], k: usize, parts: usize) -> BTreeMap<u64, (usize, usize, u32)> {
        let mut tables: Vec<CountTable> = (0..parts).map(|_| CountTable::default()).collect();
        for (i, (site, lines)) in docs.iter().enumerate() {
            tables[i % parts].add_document(&site.to_string(), &doc_blocks(lines, k));
        }
        let mut all = CountTable::default();
        for t in tables.into_iter().rev() {
            all.merge(t);
        }
        assert_eq!(all.documents as usize, docs.len());
        let counts = all.finish();
        counts
            .totals
            .iter()
            .map(|(h, t)| (h.0, (t.docs as usize, t.sites as usize, t.occurrences)))
            .collect()
    }

    proptest! {
        #[test]
        fn counting_matches_naive_reference_for_any_split(
            docs in proptest::collection::vec(
                (0u8..4, proptest::collection::vec(0u64..6, 0..12)), 0..20),
            k in 1usize..4,
            parts in 1usize..5,
        ) {
            prop_assert_eq!(fast(&docs, k, parts), naive(&docs, k));
        }
    }

    #[test]
    fn per_site_tallies() {
        let mut t = CountTable::default();
        t.add_document("a", &doc_blocks(&[1, 1, 2], 1));
        t.add_document("a", &doc_blocks(&[1], 1));
        t.add_document("b", &doc_blocks(&[1], 1));
        let c = t.finish();
        let h1 = doc_blocks(&[1], 1)[0].hash;
        let a = c.per_site[&(h1, SiteKey::of("a"))];
        assert_eq!(a, SiteTally { docs: 2, occurrences: 3, max_in_doc: 2 });
        assert_eq!(c.totals[&h1], BlockTotals { docs: 3, sites: 2, occurrences: 4 });
        assert_eq!(c.site_docs(SiteKey::of("a")), 2);
    }
}
