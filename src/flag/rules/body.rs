//! The body rule (`--body-min-site-pages`, `--body-gap-lines`).
//!
//! ## What it flags
//! On a site with at least `body_min_site_pages` pages, where the site's template frames the
//! article on both sides: every unflagged run of lines outside the article body, which is the
//! largest unflagged run together with the runs reached from it across at most
//! `body_gap_lines` recurring lines.
//!
//! ## Why
//! Between a site's recurring header and footer, what is not the article (the day's sidebar
//! headlines, a comment thread, an author box) is unique to the page, so recurrence misses it.
//!
//! ## Example
//! Header, article, "Advertisement", more article, header of the sidebar, three unique
//! headlines, footer: the headlines are flagged, both parts of the article kept.
//!
//! ## Known false positives
//! An article cut in two by a recurring block longer than `body_gap_lines` loses its smaller
//! part.

use super::{Page, Rule};
use crate::flag::lines::LineFlag;
use crate::flag::FlagConfig;
use crate::text::block::LineView;

pub(super) struct Body;

impl Rule for Body {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.body_min_site_pages > 0
    }

    fn reads_lines(&self) -> bool {
        false
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        let cfg = page.config;
        if page.site_docs >= f64::from(cfg.body_min_site_pages) {
            keep_body_only(page.view, flags, cfg.body_gap_lines as usize);
        }
    }
}

/// The body rule. Unflagged runs of the page are taken in order; the one with the most text is
/// the core of the article, and runs separated from the kept ones by at most `max_gap` flagged
/// lines (an inline "Continue reading" or "Advertisement") join it. Every other run is flagged.
pub(super) fn keep_body_only(view: &LineView, flags: &mut [LineFlag], max_gap: usize) {
    // (first index, end index, flagged lines before it, bytes)
    let mut runs: Vec<(usize, usize, usize, u64)> = Vec::new();
    let mut flagged_before = 0;
    let mut j = 0;
    while j < flags.len() {
        if flags[j].flagged() {
            // Only recurring sequences separate: a short line taken by the context rule, a line
            // repeated within the page, or a lone line common on the web ("0", "...", "True" in
            // a code sample) does not split an article.
            flagged_before += usize::from(flags[j].cross_window);
            j += 1;
            continue;
        }
        let start = j;
        let mut bytes = 0u64;
        while j < flags.len() && !flags[j].flagged() {
            bytes += u64::from(view.lengths[j]);
            j += 1;
        }
        runs.push((start, j, flagged_before, bytes));
        flagged_before = 0;
    }
    if runs.len() < 2 {
        return;
    }
    // The first of the largest, so that ties resolve the same way on every run.
    let core = (0..runs.len()).rev().max_by_key(|&k| runs[k].3).expect("two runs or more");
    // Only where the site's template frames the core on both sides is the page laid out as
    // header, article, footer; a page of another layout (a shop's product grid) is left alone.
    let framed_before = flags[..runs[core].0].iter().any(|f| f.template);
    let framed_after = flags[runs[core].1..].iter().any(|f| f.template);
    if !(framed_before && framed_after) {
        return;
    }
    let mut first = core;
    while first > 0 && runs[first].2 <= max_gap {
        first -= 1;
    }
    let mut last = core;
    while last + 1 < runs.len() && runs[last + 1].2 <= max_gap {
        last += 1;
    }
    for (k, run) in runs.iter().enumerate() {
        if k < first || k > last {
            for f in &mut flags[run.0..run.1] {
                f.outside_body |= !f.keep;
            }
        }
    }
}
