//! Cue phrases matched with aho-corasick over normalized text (case folded, white space
//! folded, digit runs as `0`), built once and shared.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// A weighted phrase list. Phrases are written in normalized form: lower case, one space,
/// digits as `0`.
pub struct CueSet {
    matcher: AhoCorasick,
    weights: Vec<f32>,
    /// Whole-word matching: a cue must not sit inside a longer word.
    whole_words: bool,
}

impl CueSet {
    pub fn new(cues: &[(&str, f32)], whole_words: bool) -> CueSet {
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(cues.iter().map(|(c, _)| *c))
            .expect("cue lists are small and valid");
        CueSet { matcher, weights: cues.iter().map(|(_, w)| *w).collect(), whole_words }
    }

    /// The summed weight of the distinct cues found in `text`.
    pub fn score(&self, text: &str) -> f32 {
        let mut seen: Vec<usize> = Vec::new();
        let mut total = 0.0;
        for m in self.matcher.find_iter(text) {
            if self.whole_words && !at_word_bounds(text, m.start(), m.end()) {
                continue;
            }
            let id = m.pattern().as_usize();
            if !seen.contains(&id) {
                seen.push(id);
                total += self.weights[id];
            }
        }
        total
    }

    /// The weight of the strongest cue found in `text`.
    pub fn best(&self, text: &str) -> f32 {
        self.matcher
            .find_iter(text)
            .filter(|m| !self.whole_words || at_word_bounds(text, m.start(), m.end()))
            .map(|m| self.weights[m.pattern().as_usize()])
            .fold(0.0, f32::max)
    }

    /// [`CueSet::best`] and [`CueSet::score`] in one search.
    pub fn best_and_score(&self, text: &str) -> (f32, f32) {
        let mut seen: Vec<usize> = Vec::new();
        let (mut best, mut total) = (0.0f32, 0.0);
        for m in self.matcher.find_iter(text) {
            if self.whole_words && !at_word_bounds(text, m.start(), m.end()) {
                continue;
            }
            let id = m.pattern().as_usize();
            best = best.max(self.weights[id]);
            if !seen.contains(&id) {
                seen.push(id);
                total += self.weights[id];
            }
        }
        (best, total)
    }

    /// True when any cue is found.
    pub fn matches(&self, text: &str) -> bool {
        self.score(text) > 0.0
    }
}

fn at_word_bounds(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_cues_add_up_and_words_stay_whole() {
        let set = CueSet::new(&[("abo", 1.0), ("weiterlesen", 2.0)], true);
        assert_eq!(set.score("jetzt weiterlesen mit abo, abo"), 3.0);
        assert_eq!(set.score("abonnement"), 0.0);
        let loose = CueSet::new(&[("abo", 1.0)], false);
        assert_eq!(loose.score("abonnement"), 1.0);
    }
}
