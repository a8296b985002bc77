//! The single-page cue rule (`--no-single-page-cues` turns it off).
//!
//! ## What it flags
//! Unflagged lines that are paywall teasers ("Subscribe to continue reading") or hold an
//! unrendered template placeholder (`{{IssueName}}`), and the short neighbours of a teaser
//! line that carry paywall vocabulary themselves ("Already a subscriber?").
//!
//! ## Why
//! A teaser seen on one page is still a teaser: a crawl with one page of a site has nothing
//! to count against.
//!
//! ## Example
//! "Start your 7-day free trial" on the only page of its site: flagged.
//!
//! ## Known false positives
//! A short line of an article that names a free trial in teaser words. Prose of more than 60
//! words is never a teaser line.

use super::{Page, Rule};
use crate::classify::paywall::TEASER_LINE_MAX_WORDS;
use crate::classify::{placeholder, Classifiers};
use crate::flag::lines::LineFlag;
use crate::flag::FlagConfig;
use crate::text::block::LineView;

/// The longest line, in words, that joins a teaser block as its neighbour.
const TEASER_BLOCK_LINE_WORDS: usize = 25;

pub(super) struct SinglePageCues;

impl Rule for SinglePageCues {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.single_page_cues
    }

    fn reads_lines(&self) -> bool {
        false
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        if let Some(classifiers) = page.classifiers {
            let max_line_bytes = page.config.max_line_bytes;
            flag_single_page_cues(max_line_bytes, page.text, page.view, flags, classifiers);
        }
    }
}

/// Flags unflagged lines that are paywall teasers or hold a template placeholder.
fn flag_single_page_cues(
    max_line_bytes: usize,
    text: &[u8],
    view: &LineView,
    flags: &mut [LineFlag],
    classifiers: &Classifiers,
) {
    let mut teaser_cues = vec![0.0f32; flags.len()];
    for (j, f) in flags.iter_mut().enumerate() {
        if f.flagged() {
            continue;
        }
        let normalized = view.normalized_str(j);
        // Normalization folds white space, so words are spaces + 1. Prose of more than
        // 60 words is neither a teaser line nor part of a teaser block: no search needed.
        let words = memchr::memchr_iter(b' ', normalized.as_bytes()).count() + 1;
        if words <= TEASER_LINE_MAX_WORDS {
            let (teaser, score) = classifiers.paywall.teaser_line_and_score(&normalized, words);
            f.cue = teaser;
            // Neighbours join a teaser block only when short: prose that mentions a free
            // trial stays content.
            if words <= TEASER_BLOCK_LINE_WORDS {
                teaser_cues[j] = score;
            }
        }
        if !f.cue {
            let line = view.lines[view.non_blank[j] as usize];
            let bytes = &text[line.start..line.end.min(line.start + max_line_bytes)];
            f.cue = placeholder::may_hold_placeholder(bytes)
                && placeholder::is_placeholder_line(&String::from_utf8_lossy(bytes));
        }
    }
    // A teaser is a block: unflagged neighbours of a teaser line that carry paywall
    // vocabulary themselves ("Unlimited digital access", "Already a subscriber?") join it.
    for j in 0..flags.len() {
        if !flags[j].cue {
            continue;
        }
        for range in [(0..j).rev().collect::<Vec<_>>(), (j + 1..flags.len()).collect()] {
            for k in range {
                if flags[k].flagged() || teaser_cues[k] < 1.0 {
                    break;
                }
                flags[k].cue = true;
            }
        }
    }
}
