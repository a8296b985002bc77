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
//! defaults, 128 + 16 four-byte minima and 32 bytes of figures, plus the document's id. Under
//! a memory cap the minima go to a temporary file; a failure to write or read it back is an
//! [`Error::Spill`](crate::Error::Spill) naming its folder.

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
use crate::error::{Error, Result};
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
    /// Whether two runs' duplicate settings (or both off) find the same duplicates: compared
    /// as written to a learned or clusters file, without the memory settings, which are not
    /// part of what a run finds.
    pub fn same_settings(a: Option<&DedupConfig>, b: Option<&DedupConfig>) -> bool {
        serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
    }

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
    /// The folder the file is in: what an error names, the file having no name.
    dir: PathBuf,
    writer: Mutex<MinimaWriter>,
}

/// The writing end of [`SpilledMinima`]: open while documents are pushed, sealed by the first
/// read.
#[derive(Debug)]
enum MinimaWriter {
    Open(BufWriter<File>),
    Sealed,
    /// Sealing failed: what was written cannot be read back.
    Failed,
}

const WRITING_MINIMA: &str = "writing signatures to a temporary file in";
const READING_MINIMA: &str = "reading signatures from a temporary file in";

impl SpilledMinima {
    fn new(temp_dir: Option<&Path>) -> Result<SpilledMinima> {
        let dir = temp_dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let (file, writer) = {
            let fail = Error::spill("creating a temporary file for signatures in", &dir);
            let file = tempfile::tempfile_in(&dir).map_err(&fail)?;
            let writer = BufWriter::with_capacity(1 << 20, file.try_clone().map_err(&fail)?);
            (file, writer)
        };
        Ok(SpilledMinima { file, dir, writer: Mutex::new(MinimaWriter::Open(writer)) })
    }

    /// Appends one document's values.
    fn write(&mut self, values: impl Iterator<Item = u32>) -> Result<()> {
        let w = self.writer.get_mut().unwrap_or_else(|e| e.into_inner());
        let MinimaWriter::Open(w) = w else {
            panic!("signatures are pushed before they are read");
        };
        for v in values {
            w.write_all(&v.to_le_bytes()).map_err(Error::spill(WRITING_MINIMA, &self.dir))?;
        }
        Ok(())
    }

    /// Makes every row written so far readable. Once it failed, every later call fails too.
    fn seal(&self) -> Result<()> {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let flushed = match &mut *w {
            MinimaWriter::Sealed => return Ok(()),
            MinimaWriter::Failed => Err(io::Error::other("an earlier write failed")),
            MinimaWriter::Open(open) => open.flush(),
        };
        *w = if flushed.is_ok() { MinimaWriter::Sealed } else { MinimaWriter::Failed };
        flushed.map_err(Error::spill(WRITING_MINIMA, &self.dir))
    }

    /// Fills `buf` from offset `at`.
    fn read_into(&self, buf: &mut [u8], at: u64) -> Result<()> {
        self.seal()?;
        read_at(&self.file, buf, at).map_err(Error::spill(READING_MINIMA, &self.dir))
    }

    fn read(&self, at: u64, values: usize) -> Result<Vec<u32>> {
        let mut bytes = vec![0u8; 4 * values];
        self.read_into(&mut bytes, at)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect())
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
    /// No signatures yet. Fails only under a memory budget, when the temporary file for the
    /// minima cannot be made.
    pub fn new(config: &DedupConfig) -> Result<Signatures> {
        let spill = match config.memory_budget {
            Some(_) => Some(SpilledMinima::new(config.temp_dir.as_deref())?),
            None => None,
        };
        Ok(Signatures {
            permutations: config.permutations,
            lead_permutations: config.lead_permutations,
            spill,
            budget: config.memory_budget,
            ..Signatures::default()
        })
    }

    /// Bytes of one document's minima.
    fn row_bytes(&self) -> u64 {
        4 * (self.permutations + self.lead_permutations) as u64
    }

    /// Appends the next document (in input order: its index is its [`DocId`]). Fails only
    /// under a memory budget, when the minima cannot be written to their temporary file.
    pub fn push(&mut self, id: &str, site: SiteKey, sig: &DocSignature) -> Result<()> {
        debug_assert_eq!(sig.minhash.len(), self.permutations);
        match &mut self.spill {
            None => {
                self.minhash.extend_from_slice(&sig.minhash);
                self.lead.extend_from_slice(&sig.lead);
            }
            Some(s) => s.write(sig.minhash.iter().chain(&sig.lead).copied())?,
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
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// Document `i`'s MinHash values. Fails only when they were spilled and cannot be read
    /// back (as [`Signatures::lead`]).
    pub fn minhash(&self, i: usize) -> Result<Cow<'_, [u32]>> {
        Ok(match &self.spill {
            None => {
                Cow::Borrowed(&self.minhash[i * self.permutations..(i + 1) * self.permutations])
            }
            Some(s) => Cow::Owned(s.read(i as u64 * self.row_bytes(), self.permutations)?),
        })
    }

    /// The MinHash values of document `i`'s opening.
    pub fn lead(&self, i: usize) -> Result<Cow<'_, [u32]>> {
        let n = self.lead_permutations;
        Ok(match &self.spill {
            None => Cow::Borrowed(&self.lead[i * n..(i + 1) * n]),
            Some(s) => {
                Cow::Owned(s.read(i as u64 * self.row_bytes() + 4 * self.permutations as u64, n)?)
            }
        })
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
    ) -> Result<Vec<Vec<u32>>> {
        let n = self.len();
        let (offset, values) =
            if lead { (self.permutations, self.lead_permutations) } else { (0, self.permutations) };
        let Some(spill) = &self.spill else {
            let flat = if lead { &self.lead } else { &self.minhash };
            return Ok(lsh_buckets(n, bands, |i| {
                take(i).then(|| &flat[i * values..(i + 1) * values])
            }));
        };
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
                spill.read_into(bytes, (doc * row_bytes) as u64)?;
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
        Ok(out)
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
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClusterMember {
    pub id: String,
    pub site: String,
    /// Null for the representative.
    pub kind: Option<DupKind>,
    /// As [`Duplicate::similarity`]; null for the representative.
    pub similarity: Option<f64>,
}

/// A group of documents with the same content.
#[derive(Clone, Debug, Serialize, Deserialize)]
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
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
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

    /// Every document in a cluster, in input order: its cluster's index, its kind (`None`
    /// for the representative) and its similarity. With the totals and the clusters, all
    /// there is to these duplicates (see [`Duplicates::from_parts`]).
    pub fn links(&self) -> Vec<DuplicateLink> {
        let mut links: Vec<DuplicateLink> = self
            .links
            .iter()
            .map(|(&doc, &(cluster, kind, similarity))| DuplicateLink {
                doc: doc.0,
                cluster,
                kind,
                similarity,
            })
            .collect();
        links.sort_unstable_by_key(|l| l.doc);
        links
    }

    /// The duplicates of which `links` gave the links; `None` when a link names a cluster
    /// that is not there.
    pub fn from_parts(
        totals: DuplicateTotals,
        clusters: Vec<Cluster>,
        links: &[DuplicateLink],
    ) -> Option<Duplicates> {
        let mut map = FxHashMap::default();
        for l in links {
            if l.cluster as usize >= clusters.len() {
                return None;
            }
            map.insert(DocId(l.doc), (l.cluster, l.kind, l.similarity));
        }
        Some(Duplicates { totals, clusters, links: map })
    }
}

/// A document's place in its cluster (see [`Duplicates::links`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuplicateLink {
    /// The document's index in the corpus's input order.
    pub doc: u64,
    pub cluster: u32,
    pub kind: Option<DupKind>,
    pub similarity: f64,
}

/// An edge between two documents, confirmed.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Edge {
    a: u32,
    b: u32,
}

/// `(contained share of the shorter, the shorter is a truncated copy)`.
fn truncated(
    sigs: &Signatures,
    config: &DedupConfig,
    short: usize,
    long: usize,
) -> Result<Option<f64>> {
    let (ms, ml) = (sigs.meta(short), sigs.meta(long));
    if f64::from(ms.shingles) > config.truncated_max_share * f64::from(ml.shingles) {
        return Ok(None);
    }
    if estimate_jaccard(&sigs.lead(short)?, &sigs.lead(long)?) < config.near_threshold {
        return Ok(None);
    }
    let contained = containment(sigs, short, long)?;
    Ok((contained >= config.truncated_containment).then_some(contained))
}

/// Estimated share of `a`'s shingles that stand in `b`: |A∩B| = J(|A|+|B|)/(1+J).
fn containment(sigs: &Signatures, a: usize, b: usize) -> Result<f64> {
    let j = estimate_jaccard(&sigs.minhash(a)?, &sigs.minhash(b)?);
    let (na, nb) = (f64::from(sigs.meta(a).shingles), f64::from(sigs.meta(b).shingles));
    if na == 0.0 {
        return Ok(0.0);
    }
    Ok((j * (na + nb) / (1.0 + j) / na).min(1.0))
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
fn confirm(sigs: &Signatures, config: &DedupConfig, a: u32, b: u32) -> Result<bool> {
    let j = estimate_jaccard(&sigs.minhash(a as usize)?, &sigs.minhash(b as usize)?);
    if j >= config.near_threshold {
        return Ok(true);
    }
    let (short, long) = by_length(sigs, a, b);
    Ok(truncated(sigs, config, short, long)?.is_some())
}

/// Finds exact, near and truncated duplicates among `sigs`, forms clusters and picks their
/// representatives. The result depends on the signatures and the settings only, never on the
/// thread count. Fails only when spilled signatures cannot be read back.
pub fn find_duplicates(
    sigs: &Signatures,
    config: &DedupConfig,
    counts: &Counts,
) -> Result<Duplicates> {
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
    for bucket in sigs.buckets(false, config.bands, take)? {
        pairs.extend(bucket_pairs(&bucket));
    }
    for bucket in sigs.buckets(true, config.lead_bands, take)? {
        pairs.extend(bucket_pairs(&bucket));
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    totals.candidate_pairs = pairs.len() as u64;
    let edges: Vec<Edge> = pairs
        .par_iter()
        .filter_map(|&(a, b)| {
            confirm(sigs, config, a, b).map(|c| c.then_some(Edge { a, b })).transpose()
        })
        .collect::<Result<_>>()?;
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
                let (k, s) = relation(sigs, config, d, rep)?;
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
    Ok(Duplicates { totals, clusters, links })
}

/// How member `d` stands to the representative `rep`.
fn relation(
    sigs: &Signatures,
    config: &DedupConfig,
    d: usize,
    rep: usize,
) -> Result<(DupKind, f64)> {
    if sigs.meta(d).content_hash == sigs.meta(rep).content_hash {
        return Ok((DupKind::Exact, 1.0));
    }
    let j = estimate_jaccard(&sigs.minhash(d)?, &sigs.minhash(rep)?);
    if j >= config.near_threshold {
        return Ok((DupKind::Near, round(j)));
    }
    if let Some(c) = truncated(sigs, config, d, rep)? {
        return Ok((DupKind::Truncated, round(c)));
    }
    // Linked through other members only.
    Ok((DupKind::Near, round(j)))
}

fn site_name(counts: &Counts, key: SiteKey) -> String {
    counts.sites.get(&key).map(|s| s.name.clone()).unwrap_or_default()
}

fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::spill_message;

    /// A signature whose values are `seed` and up: equal seeds make exact copies.
    fn sig(config: &DedupConfig, seed: u32) -> DocSignature {
        DocSignature {
            content_hash: u64::from(seed),
            page_only: false,
            content_bytes: 100,
            words: 40,
            shingles: 36,
            minhash: (seed..seed + config.permutations as u32).collect(),
            lead: (seed..seed + config.lead_permutations as u32).collect(),
        }
    }

    /// Settings that spill the minima to `temp_dir`.
    fn spilling(temp_dir: &Path) -> DedupConfig {
        DedupConfig {
            memory_budget: Some(1 << 20),
            temp_dir: Some(temp_dir.to_path_buf()),
            ..DedupConfig::default()
        }
    }

    #[test]
    fn spilled_signatures_read_back_as_pushed() {
        let dir = tempfile::tempdir().unwrap();
        let config = spilling(dir.path());
        let mut sigs = Signatures::new(&config).unwrap();
        assert!(sigs.spill.is_some());
        for seed in [1, 7, 1] {
            sigs.push(&format!("doc-{seed}"), SiteKey(0), &sig(&config, seed)).unwrap();
        }
        assert_eq!(sigs.minhash(1).unwrap().into_owned(), sig(&config, 7).minhash);
        assert_eq!(sigs.lead(2).unwrap().into_owned(), sig(&config, 1).lead);
        let dups = find_duplicates(&sigs, &config, &Counts::default()).unwrap();
        assert_eq!((dups.totals.exact_clusters, dups.totals.duplicates), (1, 1));
    }

    #[test]
    fn a_temp_dir_under_a_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), "x").unwrap();
        let bad = dir.path().join("file").join("sub");
        let message = spill_message(Signatures::new(&spilling(&bad)));
        assert_eq!(
            message,
            format!("creating a temporary file for signatures in {}", bad.display())
        );
    }

    /// A full disk: the writer is swapped for one on `/dev/full`, where every write fails. The
    /// rows wait in its buffer, so the failure shows when they are first read.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_fails_duplicate_detection_naming_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let config = spilling(dir.path());
        let mut sigs = Signatures::new(&config).unwrap();
        let full = File::options().write(true).open("/dev/full").unwrap();
        *sigs.spill.as_mut().unwrap().writer.get_mut().unwrap() =
            MinimaWriter::Open(BufWriter::new(full));
        for seed in [1, 7, 1] {
            sigs.push(&format!("doc-{seed}"), SiteKey(0), &sig(&config, seed)).unwrap();
        }
        let writing = format!("writing signatures to a temporary file in {}", dir.path().display());
        let message = spill_message(find_duplicates(&sigs, &config, &Counts::default()));
        assert_eq!(message, writing);
        // Once failed, every read fails, never reading a row that was not written.
        assert_eq!(spill_message(sigs.minhash(0)), writing);
        // Unbuffered, the push itself fails.
        let full = File::options().write(true).open("/dev/full").unwrap();
        *sigs.spill.as_mut().unwrap().writer.get_mut().unwrap() =
            MinimaWriter::Open(BufWriter::with_capacity(4, full));
        assert_eq!(spill_message(sigs.push("doc-9", SiteKey(0), &sig(&config, 9))), writing);
    }

    /// A file cut short (what a reader sees of rows that never reached the disk).
    #[test]
    fn a_short_file_is_an_error_naming_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let config = spilling(dir.path());
        let mut sigs = Signatures::new(&config).unwrap();
        sigs.push("doc-1", SiteKey(0), &sig(&config, 1)).unwrap();
        sigs.spill.as_mut().unwrap().file = tempfile::tempfile_in(dir.path()).unwrap();
        let reading =
            format!("reading signatures from a temporary file in {}", dir.path().display());
        assert_eq!(spill_message(sigs.lead(0)), reading);
        assert_eq!(spill_message(find_duplicates(&sigs, &config, &Counts::default())), reading);
    }
}
