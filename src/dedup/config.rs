//! The settings of duplicate detection and their defaults.

use super::minhash::DEDUP_SEED;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

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
    /// copies of an article, see [`content`](super::content)).
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
}
