//! MinHash signatures over word n-gram shingles, and banded LSH for candidate pairs.
//!
//! One-permutation hashing (Li, Owen and Zhang, *One Permutation Hashing*, NIPS 2012): each
//! shingle is hashed once with xxh3 and mixed with the run's seed; the high bits of the mix
//! pick one of the `k` slots, the low 32 bits are its value, and each slot keeps its minimum.
//! Slots left empty (a short text has fewer shingles than slots) borrow from the next filled
//! slot to their right, rehashed with the distance (densification by rotation, Shrivastava and
//! Li, ICML 2014), so that two texts agree on a slot with probability close to their Jaccard
//! similarity, as with `k` independent permutations, at the cost of one hash per shingle
//! instead of `k`: the `k`-permutation scheme (multiply-shift per permutation) took a sixth of
//! a whole scan's CPU. On a generated crawl with known copies (256 MiB, 71,763 pages) both
//! schemes found the same exact copies (1,545), the same syndicated ones (1,149 of 1,400),
//! near copies 1,001 and 999 of 1,464, and no cluster without a real copy; on
//! `../shared/data/dev` the same clusters.
//!
//! Candidate pairs come from banding: the signature is cut into `bands` runs of
//! `permutations / bands` values; two documents whose values agree on a whole band share a
//! bucket. A pair of Jaccard similarity `s` becomes a candidate with probability
//! `1 - (1 - s^r)^b` (Leskovec, Rajaraman, Ullman, *Mining of Massive Datasets*, ch. 3).

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The fixed seed of the permutations ("chaff_dp" in ASCII), recorded in the report.
pub const DEDUP_SEED: u64 = 0x6368_6166_665f_6470;

/// splitmix64: a stream of well-mixed 64-bit values from a seed.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The hashing of one run, shared by every thread.
#[derive(Clone, Debug)]
pub struct MinHasher {
    slots: usize,
    seed: u64,
}

/// The value of an empty signature slot (no shingle at all).
pub const EMPTY: u32 = u32::MAX;

impl MinHasher {
    pub fn new(permutations: usize, seed: u64) -> MinHasher {
        let mut state = seed;
        MinHasher { slots: permutations, seed: splitmix64(&mut state) }
    }

    /// Slots of a full signature (the "permutations" of the settings).
    pub fn permutations(&self) -> usize {
        self.slots
    }

    /// Fills `out` (one slot each, at most [`MinHasher::permutations`]) with the signature of
    /// `shingles`; all [`EMPTY`] when there is none.
    pub fn fill(&self, shingles: &[u64], out: &mut [u32]) {
        debug_assert!(out.len() <= self.slots);
        out.fill(EMPTY);
        let k = out.len() as u64;
        if k == 0 {
            return;
        }
        let mut filled = vec![false; out.len()];
        for &h in shingles {
            let mut state = h ^ self.seed;
            let m = splitmix64(&mut state);
            let slot = (((m >> 32) * k) >> 32) as usize;
            out[slot] = out[slot].min(m as u32);
            filled[slot] = true;
        }
        let Some(first) = filled.iter().position(|&f| f) else { return };
        // Walk right to left from the first filled slot, so that each empty slot meets the
        // nearest filled one on its right (wrapping round) before itself.
        let n = out.len();
        let (mut donor, mut distance) = (out[first], 0u64);
        for step in 1..=n {
            let i = (first + n - step) % n;
            if filled[i] {
                (donor, distance) = (out[i], 0);
            } else {
                distance += 1;
                let mut state = u64::from(donor) ^ (distance << 32) ^ self.seed;
                out[i] = splitmix64(&mut state) as u32;
            }
        }
    }
}

/// The hash of one word (its normalized bytes).
#[inline]
pub fn hash_word(word: &[u8]) -> u64 {
    xxh3_64_with_seed(word, DEDUP_SEED)
}

/// The shingles of a word stream in order: the hash of every run of `n` consecutive words
/// (repeats kept: the minimum does not care, and the order gives the opening of a text). A
/// stream shorter than `n` words is one shingle of all its words; an empty one has none.
pub fn shingles(words: &[u64], n: usize) -> Vec<u64> {
    let n = n.max(1);
    if words.is_empty() {
        return Vec::new();
    }
    let seed = DEDUP_SEED ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut buf = Vec::with_capacity(8 * n);
    words
        .windows(n.min(words.len()))
        .map(|w| {
            buf.clear();
            for h in w {
                buf.extend_from_slice(&h.to_le_bytes());
            }
            xxh3_64_with_seed(&buf, seed)
        })
        .collect()
}

/// Distinct values of a list of shingles.
pub fn distinct(shingles: &[u64]) -> usize {
    let mut s = shingles.to_vec();
    s.sort_unstable();
    s.dedup();
    s.len()
}

/// Share of slots on which two signatures agree: the estimate of their Jaccard similarity.
/// Two empty signatures are not similar at all.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || a[0] == EMPTY || b[0] == EMPTY {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len() as f64
}

/// The bucket key of each band of a signature: the band's values hashed with its index, so
/// that equal values in different bands never share a bucket.
pub fn band_keys(signature: &[u32], bands: usize) -> impl Iterator<Item = u64> + '_ {
    let rows = signature.len() / bands.max(1);
    (0..bands).map(move |band| {
        let values = &signature[band * rows..(band + 1) * rows];
        let mut buf = [0u8; 4 * 64];
        let mut bytes: Vec<u8> = Vec::new();
        let slice: &[u8] = if rows <= 64 {
            for (i, v) in values.iter().enumerate() {
                buf[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            &buf[..rows * 4]
        } else {
            bytes.extend(values.iter().flat_map(|v| v.to_le_bytes()));
            &bytes
        };
        xxh3_64_with_seed(slice, DEDUP_SEED ^ band as u64)
    })
}

/// Buckets of documents that agree on a whole band, as sorted lists of document indexes (only
/// buckets of two or more). `signature(i)` is document `i`'s signature, `None` for documents
/// left out (no content). The same buckets come out for any thread count.
pub fn lsh_buckets<'a, F>(docs: usize, bands: usize, signature: F) -> Vec<Vec<u32>>
where
    F: Fn(usize) -> Option<&'a [u32]> + Sync,
{
    let mut keys: Vec<(u64, u32)> = (0..docs)
        .into_par_iter()
        .flat_map_iter(|i| {
            let keys: Vec<(u64, u32)> = match signature(i) {
                Some(sig) => band_keys(sig, bands).map(|k| (k, i as u32)).collect(),
                None => Vec::new(),
            };
            keys
        })
        .collect();
    keys.par_sort_unstable();
    let mut buckets = Vec::new();
    let mut i = 0;
    while i < keys.len() {
        let mut j = i + 1;
        while j < keys.len() && keys[j].0 == keys[i].0 {
            j += 1;
        }
        if j - i >= 2 {
            let mut bucket: Vec<u32> = keys[i..j].iter().map(|&(_, d)| d).collect();
            bucket.dedup();
            if bucket.len() >= 2 {
                buckets.push(bucket);
            }
        }
        i = j;
    }
    buckets
}

/// The pairs of a bucket to check: every pair of a small bucket; in a large one each member
/// against the first [`BUCKET_PAIRS`] members and its [`BUCKET_PAIRS`] predecessors, which
/// bounds the work on a bucket of thousands of copies while still linking each copy to the
/// cluster (union-find does the rest).
pub fn bucket_pairs(bucket: &[u32]) -> impl Iterator<Item = (u32, u32)> + '_ {
    (1..bucket.len()).flat_map(move |j| {
        let head = 0..j.min(BUCKET_PAIRS);
        let tail = j.saturating_sub(BUCKET_PAIRS).max(head.end)..j;
        head.chain(tail).map(move |i| (bucket[i], bucket[j]))
    })
}

/// See [`bucket_pairs`].
pub const BUCKET_PAIRS: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(h: &MinHasher, shingles: &[u64]) -> Vec<u32> {
        let mut sig = vec![EMPTY; h.permutations()];
        h.fill(shingles, &mut sig);
        sig
    }

    #[test]
    fn identical_sets_have_identical_signatures() {
        let h = MinHasher::new(64, DEDUP_SEED);
        let s: Vec<u64> = (0..50).map(|i| hash_word(&[i])).collect();
        assert_eq!(estimate_jaccard(&sign(&h, &s), &sign(&h, &s)), 1.0);
        assert_eq!(estimate_jaccard(&sign(&h, &[]), &sign(&h, &[])), 0.0);
    }

    #[test]
    fn estimate_is_close_to_the_true_jaccard() {
        let h = MinHasher::new(256, DEDUP_SEED);
        // 600 shared, 200 only in a, 200 only in b: Jaccard 0.6.
        let a: Vec<u64> = (0u32..800).map(|i| hash_word(&i.to_le_bytes())).collect();
        let b: Vec<u64> = (200u32..1000).map(|i| hash_word(&i.to_le_bytes())).collect();
        let est = estimate_jaccard(&sign(&h, &a), &sign(&h, &b));
        assert!((est - 0.6).abs() < 0.08, "{est}");
    }

    /// A text of 20 shingles fills 20 of 128 slots at most: the rest are borrowed, and the
    /// estimate stays close to the truth on average.
    #[test]
    fn short_texts_fill_every_slot_and_still_estimate() {
        let h = MinHasher::new(128, DEDUP_SEED);
        let word = |t: u32, i: u32| hash_word(&(t * 1000 + i).to_le_bytes());
        let mut total = 0.0;
        for t in 0..100 {
            let a: Vec<u64> = (0..20).map(|i| word(t, i)).collect();
            // 18 shared of 22: Jaccard 0.818.
            let b: Vec<u64> = (0..18).chain(100..102).map(|i| word(t, i)).collect();
            let (sa, sb) = (sign(&h, &a), sign(&h, &b));
            assert!(sa.iter().chain(&sb).all(|&v| v != EMPTY));
            total += estimate_jaccard(&sa, &sb);
        }
        let mean = total / 100.0;
        assert!((mean - 18.0 / 22.0).abs() < 0.06, "{mean}");
    }

    #[test]
    fn shingles_of_short_streams() {
        assert!(shingles(&[], 5).is_empty());
        assert_eq!(shingles(&[1, 2], 5).len(), 1);
        let s = shingles(&[1, 2, 3, 1, 2, 3], 3);
        assert_eq!((s.len(), distinct(&s)), (4, 3));
        assert_eq!(s[0], s[3]);
    }

    #[test]
    fn small_buckets_give_every_pair_large_ones_a_bounded_number() {
        let small: Vec<u32> = (0..4).collect();
        assert_eq!(bucket_pairs(&small).count(), 6);
        let large: Vec<u32> = (0..1000).collect();
        let n = bucket_pairs(&large).count();
        assert!(n <= 1000 * 2 * BUCKET_PAIRS, "{n}");
        // Every member meets the first one.
        assert!((1..1000).all(|j| bucket_pairs(&large).any(|p| p == (0, j))));
    }

    #[test]
    fn buckets_group_equal_bands() {
        let sigs: Vec<Vec<u32>> = vec![vec![1, 2, 3, 4], vec![1, 2, 9, 9], vec![7, 7, 3, 4]];
        let buckets = lsh_buckets(3, 2, |i| Some(sigs[i].as_slice()));
        let mut b = buckets.clone();
        b.sort();
        assert_eq!(b, vec![vec![0, 1], vec![0, 2]]);
    }
}
