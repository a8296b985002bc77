//! A seeded random source and a word model: a vocabulary of made-up words drawn by a Zipf law,
//! with a bigram twist (each word prefers a few followers), so text has the skewed word
//! frequencies and recurring pairs of real prose without any downloaded data.

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and good enough for synthetic text.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator for one part of the output (a shard, a site), independent of the others.
    pub fn derive(seed: u64, domain: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ domain.wrapping_mul(0xA076_1D64_78BD_642F));
        let a = r.next_u64();
        Rng(a ^ index.wrapping_mul(0xE703_7ED1_A0B4_28DB)).fork()
    }

    fn fork(mut self) -> Rng {
        let s = self.next_u64();
        Rng(s)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0), by Lemire's multiply-shift.
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br",
    "cl", "dr", "fl", "gr", "pl", "st", "tr", "sh", "ch", "th", "sp", "sk",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "ee"];
const CODAS: &[&str] = &["", "", "", "n", "r", "s", "t", "l", "m", "nd", "rt", "st", "ck", "ng"];

/// Words in the vocabulary.
pub const VOCABULARY: usize = 4096;
/// Entries of the sampling table: a word of probability p fills about p × this many.
const TABLE_BITS: u32 = 18;

/// The word model, built once and shared by every shard.
pub struct WordModel {
    words: Vec<String>,
    /// Uniform index → word index, laid out by the Zipf law (s = 1).
    table: Vec<u16>,
}

impl Default for WordModel {
    fn default() -> Self {
        WordModel::new()
    }
}

impl WordModel {
    /// The same vocabulary on every run: it does not depend on the user's seed, so two
    /// corpora of different seeds still speak one language.
    pub fn new() -> WordModel {
        let mut rng = Rng::new(0x776f_7264_735f_7631);
        let mut seen = std::collections::HashSet::new();
        let mut words = Vec::with_capacity(VOCABULARY);
        // Short function words first: they take the head of the Zipf law, as in English.
        for w in [
            "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "was", "on", "with",
            "as", "by", "at", "from", "this", "be", "are", "or", "an", "they", "which", "had",
        ] {
            seen.insert(w.to_string());
            words.push(w.to_string());
        }
        while words.len() < VOCABULARY {
            let syllables = 1 + rng.below(3) + usize::from(rng.chance(0.2));
            let mut w = String::new();
            for _ in 0..syllables {
                w.push_str(ONSETS[rng.below(ONSETS.len())]);
                w.push_str(VOWELS[rng.below(VOWELS.len())]);
            }
            w.push_str(CODAS[rng.below(CODAS.len())]);
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let harmonic: f64 = (1..=VOCABULARY).map(|r| 1.0 / r as f64).sum();
        let size = 1usize << TABLE_BITS;
        let mut table = Vec::with_capacity(size);
        let mut cumulative = 0.0;
        for rank in 0..VOCABULARY {
            cumulative += 1.0 / ((rank + 1) as f64 * harmonic);
            let upto = ((cumulative * size as f64).round() as usize).min(size).max(table.len() + 1);
            table.resize(upto.min(size), rank as u16);
        }
        table.resize(size, (VOCABULARY - 1) as u16);
        WordModel { words, table }
    }

    pub fn word(&self, index: usize) -> &str {
        &self.words[index]
    }

    /// A word index by the Zipf law.
    pub fn zipf(&self, rng: &mut Rng) -> usize {
        self.table[(rng.next_u64() >> (64 - TABLE_BITS)) as usize] as usize
    }

    /// The next word after `prev`: half the time one of its four preferred followers.
    pub fn next(&self, rng: &mut Rng, prev: usize) -> usize {
        let r = rng.next_u64();
        if r & 1 == 0 {
            let k = (r >> 1) & 3;
            let h = (prev as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ k.wrapping_mul(0xD6E8_FEB8_6659_FD93);
            // Followers come from the middle of the law: content words, not "the of".
            25 + (h >> 40) as usize % (VOCABULARY / 2)
        } else {
            self.zipf(rng)
        }
    }

    /// Appends a sentence of `n` words (capitalised, ending in a full stop).
    pub fn sentence(&self, rng: &mut Rng, n: usize, out: &mut String) {
        let mut prev = self.zipf(rng);
        for i in 0..n {
            let w = self.word(prev);
            if i == 0 {
                let mut chars = w.chars();
                if let Some(c) = chars.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(w);
            }
            if i + 1 < n && rng.below(14) == 0 {
                out.push(',');
            }
            prev = self.next(rng, prev);
        }
        out.push('.');
    }

    /// A title: a few capitalised words.
    pub fn title(&self, rng: &mut Rng, out: &mut String) {
        let n = rng.range(3, 8);
        let mut prev = self.zipf(rng);
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            let w = self.word(prev);
            let mut chars = w.chars();
            if let Some(c) = chars.next() {
                if i == 0 || w.len() > 3 {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                out.push_str(chars.as_str());
            }
            prev = self.next(rng, prev);
        }
    }

    /// A capitalised word (for names of sites and people).
    pub fn name(&self, rng: &mut Rng) -> String {
        loop {
            let w = self.word(25 + rng.below(VOCABULARY - 25));
            if w.len() >= 4 {
                let mut chars = w.chars();
                let first = chars.next().expect("non-empty");
                return first.to_uppercase().chain(chars).collect();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_head_is_frequent_and_tail_is_reached() {
        let model = WordModel::new();
        let mut rng = Rng::new(1);
        let mut counts = vec![0u32; VOCABULARY];
        for _ in 0..200_000 {
            counts[model.zipf(&mut rng)] += 1;
        }
        assert!(counts[0] > counts[10] * 5, "{} vs {}", counts[0], counts[10]);
        assert!(counts.iter().filter(|&&c| c > 0).count() > VOCABULARY * 3 / 4);
    }

    #[test]
    fn derived_generators_differ_and_repeat() {
        let a: Vec<u64> = (0..4).map(|i| Rng::derive(7, 1, i).next_u64()).collect();
        let b: Vec<u64> = (0..4).map(|i| Rng::derive(7, 1, i).next_u64()).collect();
        assert_eq!(a, b);
        assert!(a.windows(2).all(|w| w[0] != w[1]));
        assert_ne!(Rng::derive(7, 2, 0).next_u64(), a[0]);
    }
}
