//! Which (document content, site) pairs were counted already.
//!
//! A page scraped twice would otherwise make every one of its lines "recur": an exact copy of
//! a document on the same site (within one input file: the caller folds the file into the
//! content key, so that shards of files counted apart merge to the same counts) is counted
//! once. The key includes the site, so which copy is
//! counted never changes a per-site tally, and the result is the same for any thread order.

use std::sync::Mutex;

use rustc_hash::FxHashSet;

use super::SiteKey;

const SHARDS: usize = 64;

/// A set shared by the counting threads, sharded to keep lock waits short.
pub struct SeenDocs {
    shards: Vec<Mutex<FxHashSet<(u64, SiteKey)>>>,
}

impl Default for SeenDocs {
    fn default() -> Self {
        SeenDocs { shards: (0..SHARDS).map(|_| Mutex::new(FxHashSet::default())).collect() }
    }
}

impl SeenDocs {
    /// True the first time a content hash is offered for a site.
    pub fn first_time(&self, content: u64, site: SiteKey) -> bool {
        let shard = &self.shards[(content as usize) % SHARDS];
        // A poisoned lock only means another thread panicked mid-insert; the set is still valid.
        let mut set = shard.lock().unwrap_or_else(|e| e.into_inner());
        set.insert((content, site))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_content_other_site_counts_again() {
        let seen = SeenDocs::default();
        assert!(seen.first_time(1, SiteKey(7)));
        assert!(!seen.first_time(1, SiteKey(7)));
        assert!(seen.first_time(1, SiteKey(8)));
    }
}
