//! Flagging: which lines of a document are boilerplate, merged into maximal spans.
//!
//! A block is *cross-page* boilerplate when it stands on at least `min_docs` documents and on at
//! least `min_site_fraction` of its site's pages; *within-page* boilerplate when it occurs twice
//! or more in one document. A line is flagged when any flagged block covers it, and runs of
//! flagged non-blank lines (with any blank lines between them) merge into one [`Span`].

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::block::LineView;
use crate::count::{Counts, SiteKey};
use crate::hash::{hash_window, BlockHash};
use crate::normalize::Normalizer;
use crate::shingle::blocks;

/// The thresholds of flagging.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlagConfig {
    /// Lines per window (`--shingle`); single lines are always counted as well.
    pub shingle: usize,
    /// A cross-page block stands on at least this many documents.
    pub min_docs: u32,
    /// …and on at least this share of its site's pages (0 turns the per-site rule off).
    pub min_site_fraction: f64,
    /// Flag blocks repeated within one page.
    pub within_page: bool,
    /// Let a single line repeated within a page count as within-page boilerplate (otherwise
    /// only k-line windows do: a title standing as heading and as link is not boilerplate).
    pub within_page_single_lines: bool,
    /// Only this many bytes of a line are normalized and hashed.
    pub max_line_bytes: usize,
}

impl Default for FlagConfig {
    fn default() -> Self {
        FlagConfig {
            shingle: DEFAULT_SHINGLE,
            min_docs: 2,
            min_site_fraction: DEFAULT_MIN_SITE_FRACTION,
            within_page: true,
            within_page_single_lines: false,
            max_line_bytes: 1 << 20,
        }
    }
}

/// Default window length, chosen on ../shared/data/dev (see README, "How the defaults were
/// chosen").
pub const DEFAULT_SHINGLE: usize = 3;
/// Default per-site share, chosen likewise.
pub const DEFAULT_MIN_SITE_FRACTION: f64 = 0.0;

/// Why a span was flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// Some block in it recurs on other pages.
    CrossPage,
    /// It is flagged only because it repeats within its own page.
    WithinPage,
}

/// A maximal run of flagged lines of one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// 0-based index of its first line in the text split on `\n`.
    pub first_line: u32,
    /// Index of its last line, inclusive.
    pub last_line: u32,
    /// Byte offset of its first line.
    pub start: usize,
    /// Exclusive byte offset: the end of its last line, including that line's `\n` when it has
    /// one, so that removing `start..end` leaves no empty line behind.
    pub end: usize,
    pub kind: SpanKind,
    /// The most documents any flagged block in it stands on.
    pub docs: u32,
    /// The most sites any flagged block in it stands on.
    pub sites: u32,
    /// Non-blank lines in it.
    #[serde(skip)]
    pub lines: u32,
    /// Hash of its normalized lines: the same span on two pages has the same key.
    #[serde(skip)]
    pub key: BlockHash,
}

/// Per non-blank line: how it is flagged.
#[derive(Clone, Copy, Debug, Default)]
struct LineFlag {
    cross: bool,
    within: bool,
    docs: u32,
    sites: u32,
}

/// Flags one document against finished counts.
pub struct Flagger<'a> {
    pub counts: &'a Counts,
    pub config: &'a FlagConfig,
    pub normalizer: &'a Normalizer,
}

impl Flagger<'_> {
    /// The spans of `text` on `site`, in order.
    pub fn flag(&self, text: &[u8], site: &str) -> (LineView, Vec<Span>) {
        let view = LineView::new(text, self.normalizer, self.config.max_line_bytes);
        let spans = self.flag_view(&view, site);
        (view, spans)
    }

    pub fn flag_view(&self, view: &LineView, site: &str) -> Vec<Span> {
        let cfg = self.config;
        let site_key = SiteKey::of(site);
        let site_docs = self.counts.site_docs(site_key) as f64;
        let doc_blocks = blocks(&view.hashes, cfg.shingle);
        let mut local: FxHashMap<BlockHash, u32> = FxHashMap::default();
        if cfg.within_page {
            for b in &doc_blocks {
                *local.entry(b.hash).or_default() += 1;
            }
        }
        let mut flags = vec![LineFlag::default(); view.hashes.len()];
        for b in &doc_blocks {
            let totals = self.counts.totals.get(&b.hash).copied().unwrap_or_default();
            let on_site = self.counts.per_site.get(&(b.hash, site_key)).map_or(0, |t| t.docs);
            let cross = totals.docs >= cfg.min_docs
                && f64::from(on_site) >= cfg.min_site_fraction * site_docs;
            let within = cfg.within_page
                && (b.len > 1 || cfg.within_page_single_lines)
                && local.get(&b.hash).is_some_and(|&n| n >= 2);
            if !(cross || within) {
                continue;
            }
            for f in &mut flags[b.first as usize..(b.first + b.len) as usize] {
                f.cross |= cross;
                f.within |= within;
                f.docs = f.docs.max(totals.docs);
                f.sites = f.sites.max(totals.sites);
            }
        }
        merge_spans(view, &flags)
    }
}

fn merge_spans(view: &LineView, flags: &[LineFlag]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut j = 0;
    while j < flags.len() {
        let f = flags[j];
        if !(f.cross || f.within) {
            j += 1;
            continue;
        }
        let first = j;
        let mut span_flag = f;
        j += 1;
        while j < flags.len() && (flags[j].cross || flags[j].within) {
            let g = flags[j];
            span_flag.cross |= g.cross;
            span_flag.docs = span_flag.docs.max(g.docs);
            span_flag.sites = span_flag.sites.max(g.sites);
            j += 1;
        }
        let last = j - 1;
        let first_line = view.non_blank[first];
        let last_line = view.non_blank[last];
        spans.push(Span {
            first_line,
            last_line,
            start: view.lines[first_line as usize].start,
            end: view.lines[last_line as usize].end_with_newline(),
            kind: if span_flag.cross { SpanKind::CrossPage } else { SpanKind::WithinPage },
            docs: span_flag.docs,
            sites: span_flag.sites,
            lines: (last - first + 1) as u32,
            key: hash_window(&view.hashes[first..=last]),
        });
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountTable;
    use crate::normalize::NormalizeConfig;

    fn count(docs: &[(&str, &str)], config: &FlagConfig) -> Counts {
        let n = Normalizer::new(&NormalizeConfig::default());
        let mut t = CountTable::default();
        for (site, text) in docs {
            let view = LineView::new(text.as_bytes(), &n, usize::MAX);
            t.add_document(site, &blocks(&view.hashes, config.shingle));
        }
        t.finish()
    }

    fn spans(docs: &[(&str, &str)], config: &FlagConfig, which: usize) -> Vec<Span> {
        let counts = count(docs, config);
        let n = Normalizer::new(&NormalizeConfig::default());
        let f = Flagger { counts: &counts, config, normalizer: &n };
        f.flag(docs[which].1.as_bytes(), docs[which].0).1
    }

    #[test]
    fn shared_header_is_one_cross_page_span() {
        let cfg = FlagConfig::default();
        let docs = [
            ("s", "Home\nNews\n\nSport\nAn article about ferries.\nMore text.\n"),
            ("s", "Home\nNews\nSport\nA story about goats.\n"),
        ];
        let s = spans(&docs, &cfg, 0);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].first_line, s[0].last_line), (0, 3));
        assert_eq!((s[0].start, s[0].end), (0, 17));
        assert_eq!(s[0].kind, SpanKind::CrossPage);
        assert_eq!((s[0].docs, s[0].sites), (2, 1));
    }

    #[test]
    fn repeated_teaser_within_one_page() {
        let cfg = FlagConfig::default();
        let text = "Start your free trial\nto read on\nSign in\nBody one.\nStart your free trial\nto read on\nSign in";
        let s = spans(&[("s", text)], &cfg, 0);
        assert_eq!(s.len(), 2);
        assert!(s.iter().all(|s| s.kind == SpanKind::WithinPage));
        assert_eq!(s[1].end, text.len());
        assert_eq!(s[0].key, s[1].key);
    }

    #[test]
    fn a_title_as_heading_and_link_is_not_within_page_boilerplate() {
        let cfg = FlagConfig::default();
        let text = "Ferries return\nThe ferry came back.\nRead: Ferries return\nFerries return\n";
        assert!(spans(&[("s", text)], &cfg, 0).is_empty());
    }

    #[test]
    fn site_fraction_rule() {
        let cfg = FlagConfig { min_site_fraction: 0.5, ..FlagConfig::default() };
        let docs = [
            ("s", "Shared line\nunique a\n"),
            ("s", "Shared line\nunique b\n"),
            ("s", "unique c\n"),
            ("s", "unique d\n"),
            ("s", "unique e\n"),
        ];
        // On 2 of 5 pages: under the share.
        assert!(spans(&docs, &cfg, 0).is_empty());
        let cfg = FlagConfig { min_site_fraction: 0.4, ..cfg };
        assert_eq!(spans(&docs, &cfg, 0).len(), 1);
    }
}
