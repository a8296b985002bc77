//! Scoring a scan against labelled pages (`gold_main`), the convention of
//! ../shared/data/README.md: a non-blank line of `text` is content when its normalized form
//! (lower case, runs of white space folded to one space, trimmed) has 3 or more characters and
//! occurs inside the normalized `gold_main`; every other non-blank line is boilerplate.
//!
//! The kept text (lines not in any span) is scored against the content lines, weighted by
//! characters of the normalized line, and by lines; the flagged lines likewise against the
//! boilerplate lines.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::block::split_lines;
use crate::doc::Document;
use crate::error::Result;
use crate::input::jsonl::field;
use crate::scan::{DocResult, DocSink};

/// Precision, recall and F1 from counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// True/false positives and false negatives, in lines and in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
}

impl Confusion {
    pub fn scores(&self) -> Scores {
        let p = ratio(self.tp, self.tp + self.fp);
        let r = ratio(self.tp, self.tp + self.fn_);
        let f1 = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        Scores { precision: p, recall: r, f1 }
    }

    fn add(&mut self, o: &Confusion) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// The four tallies of a set of pages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub pages: u64,
    /// Kept text against content, by characters.
    pub kept_chars: Confusion,
    /// Kept lines against content lines.
    pub kept_lines: Confusion,
    /// Flagged text against boilerplate, by characters.
    pub boilerplate_chars: Confusion,
    /// Flagged lines against boilerplate lines.
    pub boilerplate_lines: Confusion,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.pages += o.pages;
        self.kept_chars.add(&o.kept_chars);
        self.kept_lines.add(&o.kept_lines);
        self.boilerplate_chars.add(&o.boilerplate_chars);
        self.boilerplate_lines.add(&o.boilerplate_lines);
    }
}

/// One scored page, with what went wrong on it.
#[derive(Clone, Debug, Serialize)]
pub struct PageScore {
    pub id: String,
    pub site: String,
    pub kept_chars: Scores,
    /// Content lines that were dropped.
    pub misses: Vec<String>,
    /// Boilerplate lines that were kept.
    pub false_alarms: Vec<String>,
}

/// Scores of a file.
#[derive(Clone, Debug, Serialize)]
pub struct EvalReport {
    pub overall: Summary,
    /// Over the pages of sites with at least [`EvalSink::min_site_pages`] pages.
    pub large_sites: Summary,
    pub sites: BTreeMap<String, Summary>,
    /// Lowest kept-text F1 first.
    pub worst_pages: Vec<PageScore>,
    /// Pages without a gold field, skipped.
    pub unlabelled: u64,
}

/// A tally and its scores.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Summary {
    pub pages: u64,
    pub kept_chars: Scores,
    pub kept_lines: Scores,
    pub boilerplate_chars: Scores,
    pub boilerplate_lines: Scores,
    pub tally: Tally,
}

impl From<&Tally> for Summary {
    fn from(t: &Tally) -> Self {
        Summary {
            pages: t.pages,
            kept_chars: t.kept_chars.scores(),
            kept_lines: t.kept_lines.scores(),
            boilerplate_chars: t.boilerplate_chars.scores(),
            boilerplate_lines: t.boilerplate_lines.scores(),
            tally: *t,
        }
    }
}

/// Lower case, white space folded, trimmed: the scoring normalization (not chaff's hashing one).
pub fn score_normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Collects scores as the scan hands it documents.
pub struct EvalSink {
    pub gold_field: String,
    pub min_site_pages: u64,
    pub worst: usize,
    per_site: BTreeMap<String, Tally>,
    pages: Vec<PageScore>,
    unlabelled: u64,
}

impl EvalSink {
    pub fn new(gold_field: &str, min_site_pages: u64, worst: usize) -> Self {
        EvalSink {
            gold_field: gold_field.to_string(),
            min_site_pages,
            worst,
            per_site: BTreeMap::new(),
            pages: Vec::new(),
            unlabelled: 0,
        }
    }

    pub fn finish(self) -> EvalReport {
        let mut overall = Tally::default();
        let mut large = Tally::default();
        for t in self.per_site.values() {
            overall.add(t);
            if t.pages >= self.min_site_pages {
                large.add(t);
            }
        }
        let mut worst = self.pages;
        worst.sort_by(|a, b| {
            a.kept_chars.f1.total_cmp(&b.kept_chars.f1).then_with(|| a.id.cmp(&b.id))
        });
        worst.truncate(self.worst);
        EvalReport {
            overall: Summary::from(&overall),
            large_sites: Summary::from(&large),
            sites: self.per_site.iter().map(|(k, v)| (k.clone(), Summary::from(v))).collect(),
            worst_pages: worst,
            unlabelled: self.unlabelled,
        }
    }
}

/// Scores one page: `flagged[i]` says whether line i was flagged.
pub fn score_page(text: &[u8], gold: &str, flagged: &[bool]) -> (Tally, Vec<String>, Vec<String>) {
    let gold = score_normalize(gold);
    let finder = |needle: &str| memchr::memmem::find(gold.as_bytes(), needle.as_bytes()).is_some();
    let mut t = Tally { pages: 1, ..Tally::default() };
    let (mut misses, mut false_alarms) = (Vec::new(), Vec::new());
    for (i, line) in split_lines(text).iter().enumerate() {
        let raw = String::from_utf8_lossy(&text[line.start..line.end]);
        let norm = score_normalize(&raw);
        if norm.is_empty() {
            continue;
        }
        let chars = norm.chars().count() as u64;
        let content = chars >= 3 && finder(&norm);
        let kept = !flagged[i];
        let (kc, kl, bc, bl) = (
            &mut t.kept_chars,
            &mut t.kept_lines,
            &mut t.boilerplate_chars,
            &mut t.boilerplate_lines,
        );
        match (content, kept) {
            (true, true) => {
                kc.tp += chars;
                kl.tp += 1;
            }
            (true, false) => {
                kc.fn_ += chars;
                kl.fn_ += 1;
                bc.fp += chars;
                bl.fp += 1;
                misses.push(raw.trim().to_string());
            }
            (false, true) => {
                kc.fp += chars;
                kl.fp += 1;
                bc.fn_ += chars;
                bl.fn_ += 1;
                false_alarms.push(raw.trim().to_string());
            }
            (false, false) => {
                bc.tp += chars;
                bl.tp += 1;
            }
        }
    }
    (t, misses, false_alarms)
}

impl DocSink for EvalSink {
    fn document(&mut self, doc: &Document, result: &DocResult) -> Result<()> {
        let gold =
            doc.record.as_ref().and_then(|r| field(r, &self.gold_field)).and_then(|v| v.as_str());
        let Some(gold) = gold else {
            self.unlabelled += 1;
            return Ok(());
        };
        let mut flagged = vec![false; result.lines as usize];
        for s in &result.spans {
            for f in &mut flagged[s.first_line as usize..=s.last_line as usize] {
                *f = true;
            }
        }
        let (tally, misses, false_alarms) = score_page(&doc.text, gold, &flagged);
        self.per_site.entry(doc.site.clone()).or_default().add(&tally);
        self.pages.push(PageScore {
            id: doc.id.clone(),
            site: doc.site.clone(),
            kept_chars: tally.kept_chars.scores(),
            misses,
            false_alarms,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoring_convention() {
        let text = b"Home\nA long article line.\n\nab\nShare this\n";
        let gold = "A   long ARTICLE line. ab";
        // Flag "Home" and "A long article line.".
        let flagged = [true, true, false, false, false];
        let (t, misses, alarms) = score_page(text, gold, &flagged);
        // Content: only line 1 ("ab" is under 3 characters).
        assert_eq!(t.kept_lines, Confusion { tp: 0, fp: 2, fn_: 1 });
        assert_eq!(t.boilerplate_lines, Confusion { tp: 1, fp: 1, fn_: 2 });
        assert_eq!(t.kept_chars.fn_, 20);
        assert_eq!(misses, ["A long article line."]);
        assert_eq!(alarms, ["ab", "Share this"]);
    }

    #[test]
    fn scores_from_counts() {
        let s = Confusion { tp: 8, fp: 2, fn_: 0 }.scores();
        assert_eq!((s.precision, s.recall), (0.8, 1.0));
        assert!((s.f1 - 0.888_888).abs() < 1e-3);
    }
}
