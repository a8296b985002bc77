//! The teaser-list rule (`--teaser-pairs`).
//!
//! ## What it flags
//! A whole run of unflagged lines (between flagged lines or the page's edges) made of items,
//! each one or more title-like lines and at most one short sentence, with at least
//! `teaser_pairs` items holding a sentence.
//!
//! ## Why
//! Index pages and "more stories" boxes print a title and a one-sentence summary per story;
//! on a page seen once none of it recurs.
//!
//! ## Example
//! "Ferry back on harbour route" / "Repairs to the slipway took three years." three times in
//! a row: flagged.
//!
//! ## Known false positives
//! An FAQ whose answers are one sentence each. Numbered titles (a listicle) and runs that open
//! with a sentence (an article's opening paragraph) are left alone.

use super::{Page, Rule};
use crate::flag::lines::{is_list_title, LineFlag, NormLines};
use crate::flag::FlagConfig;
use crate::text::block::LineView;

/// The longest summary line, in normalized bytes, of a teaser pair.
const TEASER_SUMMARY_BYTES: u32 = 250;

pub(super) struct TeaserPairs;

impl Rule for TeaserPairs {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.teaser_pairs > 0
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        flag_teaser_pairs(page.view, &page.norm, flags, page.config.teaser_pairs as usize);
    }
}

/// The teaser-list rule: a whole run of unflagged lines (between flagged lines or the page's
/// edges) made of items, each one or more title-like lines and at most one short sentence, with
/// at least `min_pairs` items holding a sentence. Two sentences in a row are prose; a run that
/// opens with a sentence (an article's opening paragraph) or holds numbered titles is a
/// listicle's.
pub(super) fn flag_teaser_pairs(
    view: &LineView,
    norm: &NormLines<'_>,
    flags: &mut [LineFlag],
    min_pairs: usize,
) {
    let summary = |j: usize| {
        view.lengths[j] <= TEASER_SUMMARY_BYTES
            && !crate::text::shape::ends_like_title(&norm[j])
            && crate::text::shape::is_one_sentence(&norm[j])
    };
    let n = flags.len();
    let mut j = 0;
    while j < n {
        if flags[j].flagged() || flags[j].keep {
            j += 1;
            continue;
        }
        let start = j;
        while j < n && !flags[j].flagged() && !flags[j].keep {
            j += 1;
        }
        // Items: (title, summary) pairs counted; any other line or two summaries in a row
        // ends the check.
        let (mut pairs, mut items_only, mut prev_title, mut prev_summary) = (0, true, false, false);
        for k in start..j {
            // Numbered items ("1. Lower the brightness") are a listicle's, not a list of teasers.
            if is_list_title(view, norm, k) && !is_numbered(&norm[k]) {
                (prev_title, prev_summary) = (true, false);
            } else if summary(k) && !prev_summary {
                pairs += usize::from(prev_title);
                (prev_title, prev_summary) = (false, true);
            } else {
                items_only = false;
                break;
            }
        }
        // A list opens with a title; a run opening with a sentence is an article's opening
        // paragraph followed by its items.
        if items_only && pairs >= min_pairs && is_list_title(view, norm, start) {
            flags[start..j].iter_mut().for_each(LineFlag::set_context);
        }
    }
}

/// The line opens with a number and a "." or ")" ("1. Lower the brightness"; digits are `0`
/// in the normalized line).
fn is_numbered(line: &str) -> bool {
    line.strip_prefix('0').is_some_and(|rest| rest.starts_with(". ") || rest.starts_with(") "))
}
