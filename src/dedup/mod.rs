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
//! then union-find forms clusters and each gets a representative ([`union_find`]).
//!
//! The sign pass keeps only fixed-size signatures per document ([`Signatures`]): with the
//! defaults, 128 + 16 four-byte minima and 32 bytes of figures, plus the document's id. Under
//! a memory cap the minima go to a temporary file; a failure to write or read it back is an
//! [`Error::Spill`](crate::Error::Spill) naming its folder.

mod config;
pub mod content;
pub mod exact;
mod find;
pub mod minhash;
mod signatures;
pub mod union_find;
pub use config::*;
pub use find::*;
pub use signatures::*;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::doc::DocId;

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

#[cfg(test)]
mod tests {

    use std::fs::File;
    use std::io::BufWriter;
    use std::path::Path;

    use crate::count::{Counts, SiteKey};

    use content::DocSignature;

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
