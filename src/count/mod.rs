//! Exact counts of blocks: per block and site, the documents holding it.
//!
//! Counting is a commutative sum, so per-thread tables built in any order and merged once give
//! the same result for any thread count ([`Merge`]).

pub mod memory;
pub mod runs;
pub mod seen;

pub use memory::{BlockTotals, CountTable, Counts, CountsBuilder, MemoryConfig, SiteInfo, SiteKey};
pub use seen::SeenDocs;

/// A partial result that can absorb another. Must be associative and commutative: `a.merge(b)`
/// and `b.merge(a)` describe the same counts.
pub trait Merge: Default {
    fn merge(&mut self, other: Self);
}
