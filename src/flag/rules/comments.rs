//! The comment rule (`--no-comment-threads` turns it off).
//!
//! ## What it flags
//! From a comment-section heading ("12 Comments", "Leave a Reply") not repeated below, or
//! from the first of two comment signatures or more ("Jane says:"), to the end of the page:
//! every unflagged line, once the article has begun (a line of prose above) and at least a
//! third of the page's unflagged text is above.
//!
//! ## Why
//! Reader comments are not the article, and their text is unique to the page.
//!
//! ## Example
//! An article, then "3 Comments", then three comments: the heading and the comments flagged.
//!
//! ## Known false positives
//! An article that quotes a heading like "Leave a Reply" on a line of its own near its end.

use std::sync::OnceLock;

use super::{Page, Rule};
use crate::flag::lines::{LineFlag, NormLines};
use crate::flag::FlagConfig;
use crate::text::block::LineView;
use crate::text::shape::CommentCues;

/// A line of at least this many normalized bytes above a comment heading shows that the
/// article has begun.
const COMMENT_PROSE_BYTES: u32 = 100;

/// The heading and signature matchers, built once.
static COMMENT_CUES: OnceLock<CommentCues> = OnceLock::new();

pub(super) struct CommentThreads;

impl Rule for CommentThreads {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.comment_threads
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        let cues = COMMENT_CUES.get_or_init(Default::default);
        flag_comment_threads(page.view, &page.norm, flags, cues);
    }
}

/// The comment rule: a comment-section heading, not repeated below, or the first of two
/// comment signatures or more ("Jane says:"), once the article has begun (a line of prose above
/// it) and at least a third of the page's unflagged text is above it, and every unflagged line
/// after it.
pub(super) fn flag_comment_threads(
    view: &LineView,
    norm: &NormLines<'_>,
    flags: &mut [LineFlag],
    cues: &CommentCues,
) {
    let total: u64 =
        (0..flags.len()).filter(|&j| !flags[j].flagged()).map(|j| u64::from(view.lengths[j])).sum();
    let (mut above, mut prose) = (0u64, false);
    for j in 0..flags.len() {
        // A heading repeated below is a per-post action ("Add a comment" under a
        // question and under each answer of a Q&A page), not the start of a thread.
        // So does the first of two comment signatures ("Jane says:") or more: a thread.
        if prose
            && 3 * above >= total
            && ((cues.is_heading(&norm[j]) && !(j + 1..norm.len()).any(|k| norm[k] == norm[j]))
                || (cues.is_signature(&norm[j])
                    && (j + 1..norm.len()).any(|k| cues.is_signature(&norm[k]))))
        {
            flags[j..].iter_mut().filter(|f| !f.flagged()).for_each(LineFlag::set_context);
            return;
        }
        if !flags[j].flagged() {
            above += u64::from(view.lengths[j]);
            prose |= view.lengths[j] >= COMMENT_PROSE_BYTES;
        }
    }
}
