//! The context rule (`--gap-lines`, `--gap-line-bytes`).
//!
//! ## What it flags
//! A run of at most `gap_lines` unflagged lines, each at most `gap_line_bytes` normalized
//! bytes, wedged between flagged lines or between a flagged line and the page's edge.
//!
//! ## Why
//! A date, a byline or a caption credit between two navigation blocks is part of the frame,
//! though it differs on every page.
//!
//! ## Example
//! A flagged header, "12 March 2024", a flagged menu: the date is flagged.
//!
//! ## Known false positives
//! A short one-line article between a flagged header and a flagged footer. A page with no
//! flagged line at all is left alone.

use super::{Page, Rule};
use crate::flag::lines::LineFlag;
use crate::flag::FlagConfig;
use crate::text::block::LineView;

pub(super) struct Gaps;

impl Rule for Gaps {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.gap_lines > 0
    }

    fn reads_lines(&self) -> bool {
        false
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        let cfg = page.config;
        fill_gaps(page.view, flags, cfg.gap_lines as usize, cfg.gap_line_bytes);
    }
}

/// The context rule: short unflagged runs wedged between flagged lines are boilerplate too
/// (a date or a caption credit between two navigation blocks). The page's edges count as
/// flagged neighbours, so a lone title line above a flagged header goes with it; a page with no
/// flagged line at all is left alone.
pub(super) fn fill_gaps(view: &LineView, flags: &mut [LineFlag], max_lines: usize, max_bytes: u32) {
    if !flags.iter().any(LineFlag::flagged) {
        return;
    }
    let n = flags.len();
    let mut j = 0;
    while j < n {
        if flags[j].flagged() {
            j += 1;
            continue;
        }
        let start = j;
        while j < n && !flags[j].flagged() {
            j += 1;
        }
        let run = start..j;
        if run.len() <= max_lines && view.lengths[run.clone()].iter().all(|&b| b <= max_bytes) {
            flags[run].iter_mut().for_each(LineFlag::set_context);
        }
    }
}
