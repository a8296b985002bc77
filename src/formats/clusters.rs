//! The clusters file: what `chaff cluster` (one reduce task) learns from every shard's learned
//! file, for every `chaff mark --clusters` task to read.
//!
//! Marking a shard needs two things of the whole corpus beyond the counts: each site's median
//! kept length (for `truncated`) and the duplicate clusters. Each mark task could work them out
//! from every shard's learned file, but then each task reads every signature of the corpus and
//! clusters them all again: work that grows with the number of shards times the corpus. The
//! cluster step does it once and writes only the result: the medians, the clusters, each
//! clustered document's place, and where each shard's documents stand in the corpus.
//!
//! ```text
//! "CHAFFCLU"                 8 bytes magic
//! version                    u32 LE (1)
//! body                       zstd stream of:
//!   length, contents         u64 LE, JSON (ClustersFile)
//!   checksum                 u64 LE: xxh3-64 (seed 0) of every body byte before it
//! ```

use std::io::{self, Read, Write};
use std::path::Path;

use crate::dedup::{Cluster, DedupConfig, DuplicateLink, DuplicateTotals, Duplicates};
use crate::error::{Error, Result};
use crate::formats::counts::{read_u64, CountsHeader};
use crate::formats::frame::{check_sum, Frame};
use serde::{Deserialize, Serialize};

pub const MAGIC: &[u8; 8] = b"CHAFFCLU";
pub const VERSION: u32 = 1;

/// Everything a clusters file holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClustersFile {
    /// The settings of the counts the shards were flagged against.
    pub counts: CountsHeader,
    /// Documents in those counts (the whole corpus's).
    pub counts_documents: u64,
    /// Duplicate detection settings; `None` when it was off.
    pub dedup: Option<DedupConfig>,
    /// The shards, in the corpus's input order.
    pub shards: Vec<ShardEntry>,
    /// (site key, median kept bytes) of each site with a profile, by site key.
    pub medians: Vec<(u64, u64)>,
    /// The duplicate clusters (`None` when duplicate detection is off).
    pub duplicates: Option<DuplicateData>,
}

/// One shard of the corpus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardEntry {
    /// The display names of its input files, as its learned file gives them: a mark task finds
    /// its shard by them.
    pub inputs: Vec<String>,
    /// The corpus-wide index of its first document.
    pub first_doc: u64,
    pub documents: u64,
}

/// Duplicate clusters, as [`Duplicates::links`] and its public fields give them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DuplicateData {
    pub totals: DuplicateTotals,
    pub clusters: Vec<Cluster>,
    pub links: Vec<DuplicateLink>,
}

impl PartialEq for DuplicateData {
    /// Compared as written (clusters hold floats, and carry no equality of their own).
    fn eq(&self, other: &Self) -> bool {
        serde_json::to_value(self).ok() == serde_json::to_value(other).ok()
    }
}

impl DuplicateData {
    pub fn of(duplicates: &Duplicates) -> DuplicateData {
        DuplicateData {
            totals: duplicates.totals.clone(),
            clusters: duplicates.clusters.clone(),
            links: duplicates.links(),
        }
    }

    /// The duplicates these were made of; `None` when a link names a missing cluster.
    pub fn into_duplicates(self) -> Option<Duplicates> {
        Duplicates::from_parts(self.totals, self.clusters, &self.links)
    }
}

fn bad(path: &Path, message: impl Into<String>) -> Error {
    Error::ClustersFile { path: path.to_path_buf(), message: message.into() }
}

const FRAME: Frame = Frame { magic: MAGIC, version: VERSION, kind: "clusters" };

/// Writes `contents` to `path`, atomically.
pub fn write(path: &Path, contents: &ClustersFile) -> Result<()> {
    FRAME.write(path, |w, io_err| {
        let json = serde_json::to_vec(contents).map_err(io::Error::other).map_err(io_err)?;
        w.write_all(&(json.len() as u64).to_le_bytes()).map_err(io_err)?;
        w.write_all(&json).map_err(io_err)
    })
}

/// Reads a clusters file, checking its magic, version and checksum.
pub fn read(path: &Path) -> Result<ClustersFile> {
    let mut r = FRAME.open(path, &|m| bad(path, m))?;
    let corrupt = |e: io::Error| bad(path, format!("corrupt body: {e}"));
    let len = read_u64(&mut r).map_err(corrupt)?;
    // Read through `take`, so that a damaged length cannot make it reserve memory up front.
    let mut json = Vec::new();
    (&mut r).take(len).read_to_end(&mut json).map_err(corrupt)?;
    if json.len() as u64 != len {
        return Err(bad(path, "corrupt body: cut short"));
    }
    check_sum(&mut r, &|m| bad(path, m))?;
    serde_json::from_slice(&json).map_err(|e| bad(path, format!("bad contents: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ClustersFile {
        ClustersFile {
            counts: crate::pipeline::counts_header(&crate::ScanConfig::default(), None),
            counts_documents: 12,
            dedup: Some(DedupConfig::default()),
            shards: vec![
                ShardEntry { inputs: vec!["a.jsonl".into()], first_doc: 0, documents: 5 },
                ShardEntry { inputs: vec!["b.jsonl".into()], first_doc: 5, documents: 7 },
            ],
            medians: vec![(3, 900), (17, 1200)],
            duplicates: Some(DuplicateData {
                totals: DuplicateTotals { exact_clusters: 1, duplicates: 1, ..Default::default() },
                clusters: Vec::new(),
                links: Vec::new(),
            }),
        }
    }

    #[test]
    fn contents_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("all.clusters");
        write(&path, &sample()).unwrap();
        assert_eq!(read(&path).unwrap(), sample());
    }

    #[test]
    fn damaged_files_are_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("all.clusters");
        write(&path, &sample()).unwrap();
        let good = std::fs::read(&path).unwrap();
        // Every truncation and a flipped byte in the body: refused, never a panic.
        for cut in [0, 5, 11, good.len() / 2, good.len() - 1] {
            std::fs::write(&path, &good[..cut]).unwrap();
            let err = read(&path).unwrap_err().to_string();
            assert!(err.contains("all.clusters"), "{err}");
        }
        let mut flipped = good.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x40;
        std::fs::write(&path, &flipped).unwrap();
        assert!(read(&path).is_err());
        std::fs::write(&path, b"CHAFFLRN\x01\x00\x00\x00").unwrap();
        assert!(read(&path).unwrap_err().to_string().contains("not a chaff clusters file"));
    }

    #[test]
    fn a_link_to_a_missing_cluster_is_refused() {
        let data = DuplicateData {
            totals: DuplicateTotals::default(),
            clusters: Vec::new(),
            links: vec![DuplicateLink { doc: 0, cluster: 3, kind: None, similarity: 1.0 }],
        };
        assert!(data.into_duplicates().is_none());
    }
}
