//! Scoring a scan against labelled pages (`gold_main`), the convention of
//! ../shared/data/README.md: a non-blank line of `text` is content when its normalized form
//! (lower case, runs of white space folded to one space, trimmed) has 3 or more characters and
//! occurs inside the normalized `gold_main`; every other non-blank line is boilerplate.
//!
//! The kept text (lines not in any span) is scored against the content lines, weighted by
//! characters of the normalized line, and by lines; the flagged lines likewise against the
//! boilerplate lines.
//!
//! Records may also list strings that must be kept (`gold_with`) and strings that must be
//! dropped (`gold_without`), as wcxb-2025 does. Of those present in the page's text, the report
//! gives the share chaff keeps and the share it drops (see [`StringShare`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::doc::Document;
use crate::error::Result;
use crate::input::jsonl::field;
use crate::result::{DocResult, DocSink};
use crate::text::block::split_lines;

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
    /// Listed must-keep strings present in the text that were not kept whole (normalized).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with_dropped: Vec<String>,
    /// Listed must-drop strings present in the text of which some part was kept (normalized).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub without_kept: Vec<String>,
}

/// Of a list of gold strings (`gold_with` or `gold_without`), how many chaff handled right.
///
/// A string is compared in the scoring normalization (lower case, white space folded to one
/// space, trimmed) against the page's non-blank lines, normalized the same way and joined by one
/// space, so that a string may span several lines. It is *present* when it occurs there with a
/// word boundary (or the string's own punctuation) at both ends: "Home" is not found in
/// "Homeowners". An occurrence is *kept* when every line it touches is kept and *dropped* when
/// every line it touches is flagged; one that spans kept and flagged lines is neither. A
/// must-keep string counts as kept when at least one occurrence is kept whole; a must-drop string
/// counts as dropped when every occurrence is dropped whole, since a reader sees any part of it
/// that is left. Either way a string cut in two by chaff counts against it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StringTally {
    /// Strings listed (non-empty once normalized).
    pub listed: u64,
    /// Listed strings found in the page's text.
    pub present: u64,
    /// Present strings handled right: kept (`gold_with`) or dropped (`gold_without`).
    pub right: u64,
}

impl StringTally {
    fn add(&mut self, o: &StringTally) {
        self.listed += o.listed;
        self.present += o.present;
        self.right += o.right;
    }
}

/// A [`StringTally`] and its share.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct StringShare {
    pub listed: u64,
    pub present: u64,
    pub right: u64,
    /// `right / present` (1 when nothing is present).
    pub share: f64,
}

impl From<&StringTally> for StringShare {
    fn from(t: &StringTally) -> Self {
        StringShare {
            listed: t.listed,
            present: t.present,
            right: t.right,
            share: ratio(t.right, t.present),
        }
    }
}

/// The gold-string measure of a file, present when some record lists such strings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct GoldStrings {
    /// Of the must-keep strings present, the share kept whole.
    pub with_kept: StringShare,
    /// Of the must-drop strings present, the share dropped whole.
    pub without_dropped: StringShare,
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
    /// Over all labelled pages, when some record has a must-keep or must-drop list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gold_strings: Option<GoldStrings>,
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
    /// Field listing strings that must be kept ("gold_with").
    pub with_field: String,
    /// Field listing strings that must be dropped ("gold_without").
    pub without_field: String,
    pub min_site_pages: u64,
    pub worst: usize,
    per_site: BTreeMap<String, Tally>,
    pages: Vec<PageScore>,
    unlabelled: u64,
    with_kept: StringTally,
    without_dropped: StringTally,
    /// Some record had one of the two string lists.
    has_strings: bool,
}

impl EvalSink {
    pub fn new(gold_field: &str, min_site_pages: u64, worst: usize) -> Self {
        EvalSink {
            gold_field: gold_field.to_string(),
            with_field: "gold_with".to_string(),
            without_field: "gold_without".to_string(),
            min_site_pages,
            worst,
            per_site: BTreeMap::new(),
            pages: Vec::new(),
            unlabelled: 0,
            with_kept: StringTally::default(),
            without_dropped: StringTally::default(),
            has_strings: false,
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
            gold_strings: self.has_strings.then(|| GoldStrings {
                with_kept: StringShare::from(&self.with_kept),
                without_dropped: StringShare::from(&self.without_dropped),
            }),
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

/// A page's non-blank lines in the scoring normalization, joined by one space, with where
/// each line starts and whether it was kept: what gold strings are looked up in.
pub struct NormalizedPage {
    text: String,
    /// Byte offset in `text` of each normalized line's start, ascending.
    starts: Vec<usize>,
    kept: Vec<bool>,
}

/// How the occurrences of a gold string in a page fared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Occurrences {
    pub present: bool,
    /// Some occurrence lies on kept lines only.
    pub one_kept_whole: bool,
    /// Every occurrence lies on flagged lines only.
    pub all_dropped_whole: bool,
}

impl NormalizedPage {
    pub fn new(text: &[u8], flagged: &[bool]) -> Self {
        let mut page = NormalizedPage { text: String::new(), starts: Vec::new(), kept: Vec::new() };
        for (i, line) in split_lines(text).iter().enumerate() {
            let norm = score_normalize(&String::from_utf8_lossy(&text[line.start..line.end]));
            if norm.is_empty() {
                continue;
            }
            if !page.text.is_empty() {
                page.text.push(' ');
            }
            page.starts.push(page.text.len());
            page.text.push_str(&norm);
            page.kept.push(!flagged.get(i).copied().unwrap_or(false));
        }
        page
    }

    /// Looks `needle` (already normalized, non-empty) up at word boundaries.
    pub fn find(&self, needle: &str) -> Occurrences {
        let mut o = Occurrences { all_dropped_whole: true, ..Occurrences::default() };
        let hay = self.text.as_str();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let first = needle.chars().next();
        let last = needle.chars().next_back();
        for at in memchr::memmem::find_iter(hay.as_bytes(), needle.as_bytes()) {
            let end = at + needle.len();
            if (word(first) && word(hay[..at].chars().next_back()))
                || (word(last) && word(hay[end..].chars().next()))
            {
                continue;
            }
            o.present = true;
            // The lines touched: from the one holding `at` to the one holding `end - 1`.
            let a = self.starts.partition_point(|&s| s <= at) - 1;
            let b = self.starts.partition_point(|&s| s < end) - 1;
            let lines = &self.kept[a..=b];
            o.one_kept_whole |= lines.iter().all(|&k| k);
            o.all_dropped_whole &= lines.iter().all(|&k| !k);
        }
        o.all_dropped_whole &= o.present;
        o
    }
}

/// The normalized, non-empty strings of a JSON array field (other values are ignored).
fn gold_strings(
    record: Option<&serde_json::Map<String, serde_json::Value>>,
    name: &str,
) -> Option<Vec<String>> {
    let list = field(record?, name)?.as_array()?;
    Some(
        list.iter()
            .filter_map(|v| v.as_str())
            .map(score_normalize)
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

/// Scores a page's gold strings: must-keep strings kept whole, must-drop strings dropped whole.
pub fn score_strings(
    page: &NormalizedPage,
    with: &[String],
    without: &[String],
) -> (StringTally, StringTally, Vec<String>, Vec<String>) {
    let (mut kept, mut dropped) = (StringTally::default(), StringTally::default());
    let (mut with_dropped, mut without_kept) = (Vec::new(), Vec::new());
    for s in with {
        kept.listed += 1;
        let o = page.find(s);
        if o.present {
            kept.present += 1;
            if o.one_kept_whole {
                kept.right += 1;
            } else {
                with_dropped.push(s.clone());
            }
        }
    }
    for s in without {
        dropped.listed += 1;
        let o = page.find(s);
        if o.present {
            dropped.present += 1;
            if o.all_dropped_whole {
                dropped.right += 1;
            } else {
                without_kept.push(s.clone());
            }
        }
    }
    (kept, dropped, with_dropped, without_kept)
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
        let record = doc.record.as_ref();
        let with = gold_strings(record, &self.with_field);
        let without = gold_strings(record, &self.without_field);
        let (mut with_dropped, mut without_kept) = (Vec::new(), Vec::new());
        if with.is_some() || without.is_some() {
            self.has_strings = true;
            let page = NormalizedPage::new(&doc.text, &flagged);
            let (k, d, wd, wk) = score_strings(
                &page,
                with.as_deref().unwrap_or_default(),
                without.as_deref().unwrap_or_default(),
            );
            self.with_kept.add(&k);
            self.without_dropped.add(&d);
            (with_dropped, without_kept) = (wd, wk);
        }
        self.pages.push(PageScore {
            id: doc.id.clone(),
            site: doc.site.clone(),
            kept_chars: tally.kept_chars.scores(),
            misses,
            false_alarms,
            with_dropped,
            without_kept,
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
    fn gold_strings_kept_and_dropped_whole() {
        // Lines: 0 "Home", 1 "Homeowners guide", 2 "Cookie notice: we use", 3 "cookies.",
        // 4 "" (blank), 5 "The Article Text", 6 "Home".
        let text =
            b"Home\nHomeowners guide\nCookie notice: we use\ncookies.\n\nThe Article  Text\nHome\n";
        // Flag the menu's "Home" and the first half of the cookie notice only.
        let flagged = [true, false, true, false, false, false, false];
        let page = NormalizedPage::new(text, &flagged);
        let norm = |s: &str| score_normalize(s);
        // Found twice at word boundaries (not inside "Homeowners"); line 6 is kept.
        let home = page.find(&norm("Home"));
        assert_eq!(
            (home.present, home.one_kept_whole, home.all_dropped_whole),
            (true, true, false)
        );
        // Spans lines 2 and 3, one flagged and one kept: neither kept nor dropped whole.
        let cookie = page.find(&norm("we use\n cookies."));
        assert_eq!(
            (cookie.present, cookie.one_kept_whole, cookie.all_dropped_whole),
            (true, false, false)
        );
        assert!(!page.find("owners").present);
        assert!(!page.find("text home homeowners").present);
        let with = [norm("the article text"), norm("Homeowners"), norm("absent line")];
        let without = [norm("Home"), norm("Cookie notice:"), norm("we use cookies."), norm("nope")];
        let (k, d, with_dropped, without_kept) = score_strings(&page, &with, &without);
        assert_eq!(k, StringTally { listed: 3, present: 2, right: 2 });
        assert_eq!(d, StringTally { listed: 4, present: 3, right: 1 });
        assert!(with_dropped.is_empty());
        assert_eq!(without_kept, ["home", "we use cookies."]);
        assert_eq!(StringShare::from(&d).share, 1.0 / 3.0);
    }

    #[test]
    fn scores_from_counts() {
        let s = Confusion { tp: 8, fp: 2, fn_: 0 }.scores();
        assert_eq!((s.precision, s.recall), (0.8, 1.0));
        assert!((s.f1 - 0.888_888).abs() < 1e-3);
    }
}
