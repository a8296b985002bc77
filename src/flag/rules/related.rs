//! The related-heading rule (`--related-heading-lines`).
//!
//! ## What it flags
//! A related-links heading ("Related Stories", "More on this story", "Most read") and up to
//! `related_heading_lines` unflagged title-like lines under it.
//!
//! ## Why
//! The headlines under such a heading are other articles; on a site seen once, or when they
//! change daily, they do not recur.
//!
//! ## Example
//! "Most read" followed by five headlines: all six lines flagged.
//!
//! ## Known false positives
//! An article whose own subheading reads like a related heading ("More on this story") above
//! short lines of its own.

use std::sync::OnceLock;

use super::{Page, Rule};
use crate::classify::related::Related;
use crate::flag::lines::{is_list_title, LineFlag, NormLines};
use crate::flag::FlagConfig;
use crate::text::block::LineView;

/// The heading matcher, built once.
static RELATED: OnceLock<Related> = OnceLock::new();

pub(super) struct RelatedHeading;

impl Rule for RelatedHeading {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.related_heading_lines > 0
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        let related = RELATED.get_or_init(Default::default);
        let max_lines = page.config.related_heading_lines;
        flag_related_lists(page.view, &page.norm, flags, related, max_lines);
    }
}

/// The related-heading rule: a related-links heading and the title-like lines under it.
pub(super) fn flag_related_lists(
    view: &LineView,
    norm: &NormLines<'_>,
    flags: &mut [LineFlag],
    related: &Related,
    max_lines: u32,
) {
    let n = flags.len();
    for j in 0..n {
        // The cheap test first: the cue matcher runs on short title-like lines only.
        if !is_list_title(view, norm, j) || !related.is_heading(&norm[j]) {
            continue;
        }
        let mut k = j + 1;
        while k < n
            && k <= j + max_lines as usize
            && !flags[k].flagged()
            && !flags[k].keep
            && is_list_title(view, norm, k)
        {
            k += 1;
        }
        // A heading with nothing listed under it is left as it is.
        if k > j + 1 {
            flags[j..k].iter_mut().filter(|f| !f.flagged()).for_each(LineFlag::set_context);
        }
    }
}
