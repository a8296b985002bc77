//! Flagging: which lines of a document are boilerplate, merged into maximal spans.
//!
//! A block is *cross-page* boilerplate when it stands on at least `min_docs` documents and on at
//! least `min_site_fraction` of its site's pages; *within-page* boilerplate when it occurs twice
//! or more in one document. A line is flagged when any flagged block covers it, and runs of
//! flagged non-blank lines (with any blank lines between them) merge into one [`Span`].
//!
//! [`Flagger`] runs recurrence (`recurrence.rs`) first, then every enabled rule of `rules::RULES` in turn
//! over the page's line flags (`lines.rs`), and merges the flagged lines into spans (`spans.rs`).

mod config;
mod lines;
mod recurrence;
mod rules;
mod spans;
#[cfg(test)]
mod tests;

pub use config::*;

use crate::classify::Classifiers;
use crate::count::{Counts, SiteKey};
use crate::span::Span;
use crate::text::block::LineView;
use crate::text::normalize::Normalizer;
use lines::NormLines;
use rules::{Page, RULES};

/// Flags one document against finished counts.
pub struct Flagger<'a> {
    /// The counts of the corpus (or of the shards it is marked against).
    pub counts: &'a Counts,
    /// The thresholds.
    pub config: &'a FlagConfig,
    /// The normalization the counts were made with.
    pub normalizer: &'a Normalizer,
    /// Classifiers for single-page cues; `None` skips them.
    pub classifiers: Option<&'a Classifiers>,
}

impl Flagger<'_> {
    /// The spans of `text` on `site`, in order.
    pub fn flag(&self, text: &[u8], site: &str) -> (LineView, Vec<Span>) {
        let cfg = self.config;
        let view = LineView::capped(text, self.normalizer, cfg.max_line_bytes, cfg.max_doc_bytes);
        let spans = self.flag_view(text, &view, site);
        (view, spans)
    }

    /// The spans of `text`, already split and hashed into `view`, on `site`.
    pub fn flag_view(&self, text: &[u8], view: &LineView, site: &str) -> Vec<Span> {
        let cfg = self.config;
        let site_key = SiteKey::of(site);
        let site_docs = self.counts.site_docs(site_key) as f64;
        let mut flags = recurrence::flag_recurrence(self.counts, cfg, view, site_key, site_docs);
        let enabled = || RULES.iter().filter(|rule| rule.enabled(cfg));
        let reads_lines = enabled().any(|rule| rule.reads_lines());
        let page = Page {
            text,
            view,
            norm: if reads_lines { NormLines::of(view) } else { NormLines::default() },
            site_docs,
            config: cfg,
            classifiers: self.classifiers,
        };
        for rule in enabled() {
            rule.apply(&page, &mut flags);
        }
        spans::merge_spans(view, &flags)
    }
}
