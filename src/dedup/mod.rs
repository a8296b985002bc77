//! Duplicate documents, judged on their content once boilerplate is gone.
//!
//! The same article is scraped again and again: under other URLs, on syndication partners, on
//! one site with another "more stories" list, in front of and behind a paywall. Hashing whole
//! pages misses these, since the boilerplate around them differs; MinHash on raw text misses
//! them too and merges different articles of one site, whose shared template inflates their
//! similarity. chaff compares the content (see [`content`]) instead:
//!
//! - **exact**: equal normalized content ([`exact`]);
//! - **near**: MinHash over word n-grams ([`minhash`]), banded LSH for candidates, confirmed by
//!   the estimated Jaccard similarity against [`DedupConfig::near_threshold`];
//! - **truncated**: a teaser whose content opens like a longer document's and is contained in
//!   it;
//!
//! then union-find forms clusters and each gets a representative ([`cluster`]).
//!
//! The sign pass keeps only fixed-size signatures per document ([`Signatures`]): with the
//! defaults, 128 + 16 four-byte minima and 32 bytes of figures, plus the document's id.

pub mod cluster;
pub mod content;
pub mod exact;
pub mod minhash;

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::count::{Counts, SiteKey};
use crate::doc::DocId;
use cluster::{representative, UnionFind};
use content::DocSignature;
use minhash::{bucket_pairs, estimate_jaccard, lsh_buckets, DEDUP_SEED};

/// The settings of duplicate detection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DedupConfig {
    /// Words per shingle (n).
    pub shingle_words: usize,
    /// MinHash permutations (signature length).
    pub permutations: usize,
    /// LSH bands; `permutations / bands` values per band.
    pub bands: usize,
    /// A candidate pair is a near duplicate when its estimated Jaccard similarity is at least
    /// this.
    pub near_threshold: f64,
    /// A shorter document is a truncated copy of a longer one when its openings are near
    /// duplicates and at least this share of its shingles stand in the longer one.
    pub truncated_containment: f64,
    /// …and it has at most this share of the longer one's shingles (else it is a near
    /// duplicate or nothing).
    pub truncated_max_share: f64,
    /// Shingles that make the opening of a document.
    pub lead_shingles: usize,
    /// Permutations of the opening's signature.
    pub lead_permutations: usize,
    /// LSH bands of the opening's signature.
    pub lead_bands: usize,
    /// A flagged line stays content when it stands on at most this many documents (the
    /// copies of an article, see [`content`]).
    pub max_copies: u32,
    /// Documents with fewer content words are matched only on an exact copy of the whole page
    /// (too little content to judge).
    pub min_words: u32,
    /// Compare raw text (every line, boilerplate included) instead of content. For
    /// comparison only: this is what MinHash on raw text does.
    pub raw_text: bool,
    /// Seed of the permutations.
    pub seed: u64,
    /// Bytes of signatures and LSH keys to hold in memory (`--max-memory`); with a budget the
    /// minima go to a temporary file. `None`: all in memory.
    #[serde(skip)]
    pub memory_budget: Option<u64>,
    /// Where that file goes (default: the system's temporary folder).
    #[serde(skip)]
    pub temp_dir: Option<PathBuf>,
}

/// Default of [`DedupConfig::shingle_words`] (see README, "Duplicates").
pub const DEFAULT_SHINGLE_WORDS: usize = 5;
/// Default of [`DedupConfig::permutations`].
pub const DEFAULT_PERMUTATIONS: usize = 128;
/// Default of [`DedupConfig::bands`]: 32 bands of 4, so a pair at Jaccard 0.8 becomes a
/// candidate with probability 1 - (1 - 0.8^4)^32 > 0.9999, and one at 0.5 with 0.87.
pub const DEFAULT_BANDS: usize = 32;
/// Default of [`DedupConfig::near_threshold`].
pub const DEFAULT_NEAR_THRESHOLD: f64 = 0.8;
/// Default of [`DedupConfig::max_copies`].
pub const DEFAULT_MAX_COPIES: u32 = 5;

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            shingle_words: DEFAULT_SHINGLE_WORDS,
            permutations: DEFAULT_PERMUTATIONS,
            bands: DEFAULT_BANDS,
            near_threshold: DEFAULT_NEAR_THRESHOLD,
            truncated_containment: 0.8,
            truncated_max_share: 0.9,
            lead_shingles: 32,
            lead_permutations: 16,
            lead_bands: 8,
            max_copies: DEFAULT_MAX_COPIES,
            min_words: 10,
            raw_text: false,
            seed: DEDUP_SEED,
            memory_budget: None,
            temp_dir: None,
        }
    }
}

impl DedupConfig {
    /// Checks that the settings fit together.
    pub fn validate(&self) -> crate::Result<()> {
        let bad = |m: &str| Err(crate::Error::Config(m.to_string()));
        if self.permutations == 0 || self.bands == 0 || self.permutations % self.bands != 0 {
            return bad("dedup: permutations must be a positive multiple of bands");
        }
        if self.lead_permutations == 0
            || self.lead_bands == 0
            || self.lead_permutations % self.lead_bands != 0
            || self.lead_permutations > self.permutations
        {
            return bad(
                "dedup: lead permutations must be a multiple of lead bands, at most permutations",
            );
        }
        if !(0.0..=1.0).contains(&self.near_threshold) {
            return bad("dedup: the near threshold must be between 0 and 1");
        }
        Ok(())
    }

    /// Bytes the sign pass holds per document, besides its id.
    pub fn bytes_per_document(&self) -> usize {
        4 * (self.permutations + self.lead_permutations) + std::mem::size_of::<SignatureMeta>()
    }
}

/// The figures kept per document besides its minima.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureMeta {
    pub content_hash: u64,
    pub content_bytes: u64,
    pub site: SiteKey,
    pub words: u32,
    pub shingles: u32,
    /// Too little content: matched on the whole page's exact hash only.
    pub page_only: bool,
}

/// Every document's signature, in input order, in flat arrays; under a memory budget
/// ([`DedupConfig::memory_budget`]) the minima go to a temporary file instead, one row per
/// document, and only the figures and ids stay in memory.
#[derive(Debug, Default)]
pub struct Signatures {
    permutations: usize,
    lead_permutations: usize,
    minhash: Vec<u32>,
    lead: Vec<u32>,
    meta: Vec<SignatureMeta>,
    ids: String,
    id_ends: Vec<usize>,
    spill: Option<SpilledMinima>,
    budget: Option<u64>,
}

/// The minima of every document, on disk: per document the MinHash values, then the lead's,
/// as u32 LE. The file has no name and goes when it is closed.
#[derive(Debug)]
struct SpilledMinima {
    file: File,
    writer: Mutex<Option<BufWriter<File>>>,
}

impl SpilledMinima {
    fn new(temp_dir: Option<&Path>) -> io::Result<SpilledMinima> {
        let file = match temp_dir {
            Some(d) => tempfile::tempfile_in(d)?,
            None => tempfile::tempfile()?,
        };
        let writer = BufWriter::with_capacity(1 << 20, file.try_clone()?);
        Ok(SpilledMinima { file, writer: Mutex::new(Some(writer)) })
    }

    /// Makes every row written so far readable.
    fn seal(&self) {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut w) = w.take() {
            w.flush().expect("writing signatures to a temporary file");
        }
    }

    fn read(&self, at: u64, values: usize) -> Vec<u32> {
        self.seal();
        let mut bytes = vec![0u8; 4 * values];
        read_at(&self.file, &mut bytes, at).expect("reading signatures from a temporary file");
        bytes.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes"))).collect()
    }
}

/// Fills `buf` from `file` at offset `at`, without moving a shared cursor.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, at)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

impl Signatures {
    pub fn new(config: &DedupConfig) -> Signatures {
        // Without a temporary file the minima stay in memory: over the budget, but exact.
        let spill =
            config.memory_budget.and_then(|_| SpilledMinima::new(config.temp_dir.as_deref()).ok());
        Signatures {
            permutations: config.permutations,
            lead_permutations: config.lead_permutations,
            spill,
            budget: config.memory_budget,
            ..Signatures::default()
        }
    }

    /// Bytes of one document's minima.
    fn row_bytes(&self) -> u64 {
        4 * (self.permutations + self.lead_permutations) as u64
    }

    /// Appends the next document (in input order: its index is its [`DocId`]).
    pub fn push(&mut self, id: &str, site: SiteKey, sig: &DocSignature) {
        debug_assert_eq!(sig.minhash.len(), self.permutations);
        match &self.spill {
            None => {
                self.minhash.extend_from_slice(&sig.minhash);
                self.lead.extend_from_slice(&sig.lead);
            }
            Some(s) => {
                let mut w = s.writer.lock().unwrap_or_else(|e| e.into_inner());
                let w = w.as_mut().expect("signatures are pushed before they are read");
                for v in sig.minhash.iter().chain(&sig.lead) {
                    w.write_all(&v.to_le_bytes()).expect("writing signatures to a temporary file");
                }
            }
        }
        self.meta.push(SignatureMeta {
            content_hash: sig.content_hash,
            content_bytes: sig.content_bytes,
            site,
            words: sig.words,
            shingles: sig.shingles,
            page_only: sig.page_only,
        });
        self.ids.push_str(id);
        self.id_ends.push(self.ids.len());
    }

    pub fn len(&self) -> usize {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    pub fn minhash(&self, i: usize) -> Cow<'_, [u32]> {
        match &self.spill {
            None => {
                Cow::Borrowed(&self.minhash[i * self.permutations..(i + 1) * self.permutations])
            }
            Some(s) => Cow::Owned(s.read(i as u64 * self.row_bytes(), self.permutations)),
        }
    }

    pub fn lead(&self, i: usize) -> Cow<'_, [u32]> {
        let n = self.lead_permutations;
        match &self.spill {
            None => Cow::Borrowed(&self.lead[i * n..(i + 1) * n]),
            Some(s) => {
                Cow::Owned(s.read(i as u64 * self.row_bytes() + 4 * self.permutations as u64, n))
            }
        }
    }

    /// Buckets of documents agreeing on a whole band of their MinHash (`lead`: of their
    /// opening's), as [`lsh_buckets`] makes them; `take(i)` leaves documents out. In memory,
    /// one call over every band; with spilled minima, a few bands at a time, read from the
    /// file into columns, so that the keys of every band never stand in memory at once.
    /// Bands are keyed apart either way, and the pairs drawn from the buckets are sorted, so
    /// the candidates are the same.
    fn buckets(
        &self,
        lead: bool,
        bands: usize,
        take: impl Fn(usize) -> bool + Sync,
    ) -> Vec<Vec<u32>> {
        let n = self.len();
        let (offset, values) =
            if lead { (self.permutations, self.lead_permutations) } else { (0, self.permutations) };
        let Some(spill) = &self.spill else {
            let flat = if lead { &self.lead } else { &self.minhash };
            return lsh_buckets(n, bands, |i| take(i).then(|| &flat[i * values..(i + 1) * values]));
        };
        spill.seal();
        let rows = values / bands.max(1);
        // Per band and document: its values in the column, its key and the key's copy while
        // the keys are collected and sorted.
        let per_band = (n as u64 * (4 * rows as u64 + 32)).max(1);
        let group = (self.budget.unwrap_or(0) / per_band).clamp(1, bands as u64) as usize;
        let row_bytes = self.row_bytes() as usize;
        let chunk_docs = ((4 << 20) / row_bytes).max(1);
        let mut buf = vec![0u8; chunk_docs * row_bytes];
        let mut out = Vec::new();
        let mut first = 0;
        while first < bands {
            let g = group.min(bands - first);
            let width = g * rows;
            let mut cols: Vec<u32> = Vec::with_capacity(n * width);
            let mut doc = 0;
            while doc < n {
                let m = chunk_docs.min(n - doc);
                let bytes = &mut buf[..m * row_bytes];
                read_at(&spill.file, bytes, (doc * row_bytes) as u64)
                    .expect("reading signatures from a temporary file");
                for row in bytes.chunks_exact(row_bytes) {
                    let at = 4 * (offset + first * rows);
                    cols.extend(
                        row[at..at + 4 * width]
                            .chunks_exact(4)
                            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes"))),
                    );
                }
                doc += m;
            }
            out.extend(lsh_buckets(n, g, |i| take(i).then(|| &cols[i * width..(i + 1) * width])));
            first += g;
        }
        out
    }

    pub fn meta(&self, i: usize) -> &SignatureMeta {
        &self.meta[i]
    }

    pub fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] };
        &self.ids[start..self.id_ends[i]]
    }
}

/// How a document stands to its cluster's representative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DupKind {
    /// The same normalized content.
    Exact,
    /// Estimated Jaccard similarity of the content at least the near threshold (or linked to
    /// the cluster through other members).
    Near,
    /// A teaser: opens like the representative, and its content stands in the
    /// representative's.
    Truncated,
}

/// A document's place in its cluster, as the annotations give it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Duplicate {
    /// The id of the cluster's representative.
    pub of: String,
    pub kind: DupKind,
    /// Estimated Jaccard similarity of the contents (1 for exact copies); for a truncated
    /// copy, the estimated share of its content that stands in the representative.
    pub similarity: f64,
}

/// One member of a cluster.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterMember {
    pub id: String,
    pub site: String,
    /// Null for the representative.
    pub kind: Option<DupKind>,
    /// As [`Duplicate::similarity`]; null for the representative.
    pub similarity: Option<f64>,
}

/// A group of documents with the same content.
#[derive(Clone, Debug, Serialize)]
pub struct Cluster {
    /// `exact` when every member is an exact copy of the representative, else `near`.
    pub kind: DupKind,
    pub size: usize,
    /// The distinct sites of the members, sorted.
    pub sites: Vec<String>,
    /// The id of the representative: the longest content, then the earliest in input order.
    pub representative: String,
    /// The lowest similarity of a member to the representative.
    pub similarity: f64,
    /// Members in input order.
    pub members: Vec<ClusterMember>,
}

/// Corpus-wide figures of duplicate detection.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DuplicateTotals {
    /// Documents whose content was too short to judge (fewer than `min_words` words): only
    /// an exact copy of the whole page is found for them.
    pub documents_without_content: u64,
    pub exact_clusters: u64,
    pub near_clusters: u64,
    /// Documents in clusters, representatives included.
    pub documents_in_clusters: u64,
    /// Documents in clusters other than the representatives (what `--drop-duplicates` drops).
    pub duplicates: u64,
    pub exact_duplicates: u64,
    pub near_duplicates: u64,
    pub truncated_duplicates: u64,
    /// Candidate pairs checked, and those confirmed.
    pub candidate_pairs: u64,
    pub confirmed_pairs: u64,
}

/// What duplicate detection found: the clusters, and a lookup by document.
#[derive(Clone, Debug, Default)]
pub struct Duplicates {
    pub totals: DuplicateTotals,
    /// Largest first, then by the input order of their first member.
    pub clusters: Vec<Cluster>,
    links: FxHashMap<DocId, (u32, Option<DupKind>, f64)>,
}

impl Duplicates {
    /// The place of a document that is a copy of its cluster's representative; `None` for a
    /// representative and for a unique document.
    pub fn get(&self, doc: DocId) -> Option<Duplicate> {
        let &(cluster, kind, similarity) = self.links.get(&doc)?;
        Some(Duplicate {
            of: self.clusters[cluster as usize].representative.clone(),
            kind: kind?,
            similarity,
        })
    }

    /// True when the document is the representative of a cluster.
    pub fn is_representative(&self, doc: DocId) -> bool {
        self.links.get(&doc).is_some_and(|l| l.1.is_none())
    }
}

/// An edge between two documents, confirmed.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Edge {
    a: u32,
    b: u32,
}

/// `(contained share of the shorter, the shorter is a truncated copy)`.
fn truncated(sigs: &Signatures, config: &DedupConfig, short: usize, long: usize) -> Option<f64> {
    let (ms, ml) = (sigs.meta(short), sigs.meta(long));
    if f64::from(ms.shingles) > config.truncated_max_share * f64::from(ml.shingles) {
        return None;
    }
    if estimate_jaccard(&sigs.lead(short), &sigs.lead(long)) < config.near_threshold {
        return None;
    }
    let contained = containment(sigs, short, long);
    (contained >= config.truncated_containment).then_some(contained)
}

/// Estimated share of `a`'s shingles that stand in `b`: |A∩B| = J(|A|+|B|)/(1+J).
fn containment(sigs: &Signatures, a: usize, b: usize) -> f64 {
    let j = estimate_jaccard(&sigs.minhash(a), &sigs.minhash(b));
    let (na, nb) = (f64::from(sigs.meta(a).shingles), f64::from(sigs.meta(b).shingles));
    if na == 0.0 {
        return 0.0;
    }
    (j * (na + nb) / (1.0 + j) / na).min(1.0)
}

/// The shorter of two documents first (fewer shingles, then later in input order).
fn by_length(sigs: &Signatures, a: u32, b: u32) -> (usize, usize) {
    let (a, b) = (a as usize, b as usize);
    let la = (sigs.meta(a).shingles, std::cmp::Reverse(a));
    let lb = (sigs.meta(b).shingles, std::cmp::Reverse(b));
    if la <= lb {
        (a, b)
    } else {
        (b, a)
    }
}

/// Checks one candidate pair.
fn confirm(sigs: &Signatures, config: &DedupConfig, a: u32, b: u32) -> bool {
    let j = estimate_jaccard(&sigs.minhash(a as usize), &sigs.minhash(b as usize));
    if j >= config.near_threshold {
        return true;
    }
    let (short, long) = by_length(sigs, a, b);
    truncated(sigs, config, short, long).is_some()
}

/// Finds exact, near and truncated duplicates among `sigs`, forms clusters and picks their
/// representatives. The result depends on the signatures and the settings only, never on the
/// thread count.
pub fn find_duplicates(sigs: &Signatures, config: &DedupConfig, counts: &Counts) -> Duplicates {
    let n = sigs.len();
    let eligible = |i: usize| !sigs.meta(i).page_only;
    let mut totals = DuplicateTotals {
        documents_without_content: (0..n).filter(|&i| !eligible(i)).count() as u64,
        ..DuplicateTotals::default()
    };
    let mut uf = UnionFind::new(n);
    // Blank pages (hash 0) are no one's copies.
    let exact = exact::exact_groups(
        (0..n)
            .filter(|&i| eligible(i) || sigs.meta(i).content_hash != 0)
            .map(|i| (i as u32, sigs.meta(i).content_hash)),
    );
    for g in &exact {
        for w in g.windows(2) {
            uf.union(w[0], w[1]);
        }
    }
    // Exact copies need no MinHash: one member of each group stands for all of it.
    let mut stands_in = vec![true; n];
    for g in &exact {
        for &d in &g[1..] {
            stands_in[d as usize] = false;
        }
    }
    let take = |i: usize| eligible(i) && stands_in[i];
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for bucket in sigs.buckets(false, config.bands, take) {
        pairs.extend(bucket_pairs(&bucket));
    }
    for bucket in sigs.buckets(true, config.lead_bands, take) {
        pairs.extend(bucket_pairs(&bucket));
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    totals.candidate_pairs = pairs.len() as u64;
    let edges: Vec<Edge> = pairs
        .par_iter()
        .filter(|&&(a, b)| confirm(sigs, config, a, b))
        .map(|&(a, b)| Edge { a, b })
        .collect();
    totals.confirmed_pairs = edges.len() as u64;
    for e in &edges {
        uf.union(e.a, e.b);
    }
    let mut clusters = Vec::new();
    let mut links = FxHashMap::default();
    for group in uf.groups() {
        let lengths: Vec<(DocId, u64)> = group
            .iter()
            .map(|&d| (DocId(u64::from(d)), sigs.meta(d as usize).content_bytes))
            .collect();
        let rep = representative(&lengths).0 as usize;
        let mut members = Vec::with_capacity(group.len());
        let mut sites: Vec<String> = Vec::new();
        let mut all_exact = true;
        let mut lowest = 1.0f64;
        for &d in &group {
            let d = d as usize;
            let site = site_name(counts, sigs.meta(d).site);
            sites.push(site.clone());
            let (kind, similarity) = if d == rep {
                (None, None)
            } else {
                let (k, s) = relation(sigs, config, d, rep);
                all_exact &= k == DupKind::Exact;
                lowest = lowest.min(s);
                match k {
                    DupKind::Exact => totals.exact_duplicates += 1,
                    DupKind::Near => totals.near_duplicates += 1,
                    DupKind::Truncated => totals.truncated_duplicates += 1,
                }
                (Some(k), Some(s))
            };
            links.insert(DocId(d as u64), (clusters.len() as u32, kind, similarity.unwrap_or(1.0)));
            members.push(ClusterMember { id: sigs.id(d).to_string(), site, kind, similarity });
        }
        sites.sort();
        sites.dedup();
        totals.documents_in_clusters += group.len() as u64;
        totals.duplicates += group.len() as u64 - 1;
        if all_exact {
            totals.exact_clusters += 1;
        } else {
            totals.near_clusters += 1;
        }
        clusters.push(Cluster {
            kind: if all_exact { DupKind::Exact } else { DupKind::Near },
            size: group.len(),
            sites,
            representative: sigs.id(rep).to_string(),
            similarity: round(lowest),
            members,
        });
    }
    // Largest first; groups came ordered by first member, and the sort is stable.
    let mut order: Vec<usize> = (0..clusters.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(clusters[c].size));
    let mut renumber = vec![0u32; clusters.len()];
    for (new, &old) in order.iter().enumerate() {
        renumber[old] = new as u32;
    }
    for link in links.values_mut() {
        link.0 = renumber[link.0 as usize];
    }
    let mut slots: Vec<Option<Cluster>> = clusters.into_iter().map(Some).collect();
    let clusters = order.iter().map(|&c| slots[c].take().expect("each once")).collect();
    Duplicates { totals, clusters, links }
}

/// How member `d` stands to the representative `rep`.
fn relation(sigs: &Signatures, config: &DedupConfig, d: usize, rep: usize) -> (DupKind, f64) {
    if sigs.meta(d).content_hash == sigs.meta(rep).content_hash {
        return (DupKind::Exact, 1.0);
    }
    let j = estimate_jaccard(&sigs.minhash(d), &sigs.minhash(rep));
    if j >= config.near_threshold {
        return (DupKind::Near, round(j));
    }
    if let Some(c) = truncated(sigs, config, d, rep) {
        return (DupKind::Truncated, round(c));
    }
    // Linked through other members only.
    (DupKind::Near, round(j))
}

fn site_name(counts: &Counts, key: SiteKey) -> String {
    counts.sites.get(&key).map(|s| s.name.clone()).unwrap_or_default()
}

fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
