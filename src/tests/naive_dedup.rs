//! The obvious twin of duplicate detection: true Jaccard similarity of every pair of shingle
//! sets (B-tree sets, no MinHash, no LSH), and clusters grown by merging sets of ids. A
//! property test checks that signatures, banded LSH, confirmation and union-find give the same
//! clusters on small random corpora of edited copies.
//!
//! The corpora are built so that every pair is either far above the near threshold (copies
//! with at most one word changed in 150 or more) or far below it (different articles), so the
//! MinHash estimate cannot land on the other side: at a true Jaccard of 0.93 with 128
//! permutations its standard deviation is 0.023.

use std::collections::BTreeSet;

use proptest::prelude::*;

use crate::count::{Counts, SiteKey};
use crate::dedup::content::DocSignature;
use crate::dedup::minhash::{distinct, hash_word, shingles, MinHasher, EMPTY};
use crate::dedup::{find_duplicates, DedupConfig, Signatures};

/// Word streams: `docs` entries of (article, position of an edited word or none).
fn streams(articles: &[Vec<u16>], docs: &[(usize, Option<usize>)]) -> Vec<Vec<u16>> {
    docs.iter()
        .map(|&(a, edit)| {
            let mut words = articles[a % articles.len()].clone();
            if let Some(p) = edit {
                let p = p % words.len();
                words[p] = 60_000;
            }
            words
        })
        .collect()
}

fn word_hashes(words: &[u16]) -> Vec<u64> {
    words.iter().map(|w| hash_word(&w.to_le_bytes())).collect()
}

/// Clusters by true Jaccard of shingle sets, as sorted lists of document indexes.
fn naive_clusters(docs: &[Vec<u16>], n: usize, threshold: f64) -> BTreeSet<Vec<u32>> {
    let sets: Vec<BTreeSet<u64>> =
        docs.iter().map(|d| shingles(&word_hashes(d), n).into_iter().collect()).collect();
    let mut clusters: Vec<BTreeSet<u32>> = (0..docs.len() as u32).map(|i| [i].into()).collect();
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let inter = sets[i].intersection(&sets[j]).count() as f64;
            let union = sets[i].union(&sets[j]).count() as f64;
            if union > 0.0 && inter / union >= threshold {
                let ci = clusters.iter().position(|c| c.contains(&(i as u32))).expect("i");
                let cj = clusters.iter().position(|c| c.contains(&(j as u32))).expect("j");
                if ci != cj {
                    let moved = clusters.remove(ci.max(cj));
                    clusters[ci.min(cj)].extend(moved);
                }
            }
        }
    }
    clusters.into_iter().filter(|c| c.len() >= 2).map(|c| c.into_iter().collect()).collect()
}

fn fast_clusters(docs: &[Vec<u16>], config: &DedupConfig) -> BTreeSet<Vec<u32>> {
    let hasher = MinHasher::new(config.permutations, config.seed);
    let mut sigs = Signatures::new(config).expect("signatures");
    for (i, d) in docs.iter().enumerate() {
        let words = word_hashes(d);
        let sh = shingles(&words, config.shingle_words);
        let mut minhash = vec![EMPTY; config.permutations];
        hasher.fill(&sh, &mut minhash);
        let mut lead = vec![EMPTY; config.lead_permutations];
        hasher.fill(&sh[..sh.len().min(config.lead_shingles)], &mut lead);
        let bytes: Vec<u8> = d.iter().flat_map(|w| w.to_le_bytes()).collect();
        let sig = DocSignature {
            content_hash: xxhash_rust::xxh3::xxh3_64(&bytes),
            page_only: false,
            content_bytes: bytes.len() as u64,
            words: words.len() as u32,
            shingles: distinct(&sh) as u32,
            minhash,
            lead,
        };
        sigs.push(&format!("doc-{i}"), SiteKey(0), &sig).expect("push");
    }
    let dups = find_duplicates(&sigs, config, &Counts::default()).expect("duplicates");
    dups.clusters
        .iter()
        .map(|c| {
            let mut ids: Vec<u32> = c
                .members
                .iter()
                .map(|m| m.id.trim_start_matches("doc-").parse().expect("index"))
                .collect();
            ids.sort_unstable();
            ids
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn minhash_lsh_clusters_match_pairwise_jaccard(
        articles in proptest::collection::vec(
            proptest::collection::vec(0u16..50_000, 150..220), 1..5),
        docs in proptest::collection::vec((0usize..5, proptest::option::of(0usize..220)), 0..14),
        shingle_words in 3usize..7,
    ) {
        // Teasers are not generated (every copy is whole), so only near pairs link.
        let config = DedupConfig { shingle_words, ..DedupConfig::default() };
        let docs = streams(&articles, &docs);
        prop_assert_eq!(fast_clusters(&docs, &config), naive_clusters(&docs, shingle_words, 0.8));
    }
}

#[test]
fn edited_copies_and_different_articles() {
    let articles: Vec<Vec<u16>> =
        (0..2u16).map(|a| (0..160).map(|i| a * 1000 + i).collect()).collect();
    let docs = streams(&articles, &[(0, None), (1, None), (0, Some(40)), (0, Some(100))]);
    let config = DedupConfig::default();
    let want: BTreeSet<Vec<u32>> = [vec![0, 2, 3]].into();
    assert_eq!(naive_clusters(&docs, 5, 0.8), want);
    assert_eq!(fast_clusters(&docs, &config), want);
}
