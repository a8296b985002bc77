//! The obvious slow twin of counting and flagging, by recurrence alone: strings, B-tree maps
//! and sets, every window built by hand. Property tests check that the fast path (normalize
//! into a reused buffer, hash, per-thread hash tables merged, flag) marks exactly the same lines
//! on random corpora.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use crate::count::{CountTable, Merge};
use crate::flag::{FlagConfig, Flagger};
use crate::text::block::LineView;
use crate::text::normalize::{NormalizeConfig, Normalizer};
use crate::text::shingle::blocks;

/// The normalized, non-blank lines of a text, with their line numbers.
fn naive_lines(text: &str) -> Vec<(usize, String)> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| {
            let folded = caseless::default_case_fold_str(l);
            let mut digits = String::new();
            let mut prev_digit = false;
            for c in folded.chars() {
                if c.is_numeric() {
                    if !prev_digit {
                        digits.push('0');
                    }
                    prev_digit = true;
                } else {
                    digits.push(c);
                    prev_digit = false;
                }
            }
            (i, digits.replace('\u{FEFF}', " ").split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .filter(|(_, l)| !l.is_empty())
        .collect()
}

/// Windows of one document: (window length, the lines joined), with the line numbers covered.
fn naive_windows(lines: &[(usize, String)], k: usize) -> Vec<((usize, String), Vec<usize>)> {
    let mut out = Vec::new();
    for (i, l) in lines {
        out.push(((1, l.clone()), vec![*i]));
    }
    if k > 1 && lines.len() >= k {
        for w in lines.windows(k) {
            let key = w.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\u{0}");
            out.push(((k, key), w.iter().map(|(i, _)| *i).collect()));
        }
    }
    out
}

/// Line numbers flagged by recurrence, per document.
fn naive_flags(docs: &[(String, String)], k: usize, min_docs: usize) -> Vec<BTreeSet<usize>> {
    let per_doc: Vec<_> = docs.iter().map(|(_, t)| naive_windows(&naive_lines(t), k)).collect();
    // Distinct (site, content) pairs are counted once, as the fast path does.
    let mut seen = BTreeSet::new();
    let mut holders: BTreeMap<(usize, String), BTreeSet<usize>> = BTreeMap::new();
    for (d, windows) in per_doc.iter().enumerate() {
        let content: Vec<String> = naive_lines(&docs[d].1).into_iter().map(|(_, l)| l).collect();
        if !seen.insert((docs[d].0.clone(), content)) {
            continue;
        }
        for (key, _) in windows {
            holders.entry(key.clone()).or_default().insert(d);
        }
    }
    per_doc
        .iter()
        .map(|windows| {
            let mut local: BTreeMap<&(usize, String), usize> = BTreeMap::new();
            for (key, _) in windows {
                *local.entry(key).or_default() += 1;
            }
            let mut flagged = BTreeSet::new();
            for (key, covered) in windows {
                let cross = holders.get(key).map_or(0, BTreeSet::len) >= min_docs;
                let within = key.0 > 1 && local[key] >= 2;
                if cross || within {
                    flagged.extend(covered.iter().copied());
                }
            }
            flagged
        })
        .collect()
}

fn fast_flags(docs: &[(String, String)], k: usize, min_docs: u32) -> Vec<BTreeSet<usize>> {
    let normalizer = Normalizer::new(&NormalizeConfig::default());
    let config =
        FlagConfig { shingle: k, min_docs, protect_max_docs: 0, ..FlagConfig::recurrence_only() };
    // Two tables filled alternately and merged, as two threads would.
    let mut tables = [CountTable::default(), CountTable::default()];
    let mut seen = BTreeSet::new();
    for (i, (site, text)) in docs.iter().enumerate() {
        let view = LineView::new(text.as_bytes(), &normalizer, usize::MAX);
        if !seen.insert((site.clone(), crate::text::hash::hash_window(&view.hashes))) {
            continue;
        }
        tables[i % 2].add_document(site, &blocks(&view.hashes, k));
    }
    let [mut a, b] = tables;
    a.merge(b);
    let counts = a.finish();
    let flagger =
        Flagger { counts: &counts, config: &config, normalizer: &normalizer, classifiers: None };
    docs.iter()
        .map(|(site, text)| {
            let (_, spans) = flagger.flag(text.as_bytes(), site);
            let mut flagged = BTreeSet::new();
            for s in spans {
                // Blank lines inside a span are not flagged lines of the naive twin.
                for line in s.first_line..=s.last_line {
                    let l = text.split('\n').nth(line as usize).unwrap_or("");
                    if !l.trim().is_empty() {
                        flagged.insert(line as usize);
                    }
                }
            }
            flagged
        })
        .collect()
}

/// A page: a few lines drawn from a small pool, so that lines and windows recur.
fn page() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("Home".to_string()),
        Just("NEWS".to_string()),
        Just("news".to_string()),
        Just("  Share   this ".to_string()),
        Just("5 mins | July 10, 2024".to_string()),
        Just("4 mins | July 9, 2024".to_string()),
        Just(String::new()),
        Just("   ".to_string()),
        Just("Straße".to_string()),
        Just("STRASSE\r".to_string()),
        "[a-c]{1,3}",
    ];
    proptest::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn flagging_matches_the_naive_twin(
        docs in proptest::collection::vec((prop_oneof![Just("a"), Just("b")], page()), 0..8),
        k in 1usize..5,
        min_docs in 1u32..4,
    ) {
        let docs: Vec<(String, String)> = docs.into_iter().map(|(s, t)| (s.to_string(), t)).collect();
        prop_assert_eq!(fast_flags(&docs, k, min_docs), naive_flags(&docs, k, min_docs as usize));
    }
}
