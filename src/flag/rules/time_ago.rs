//! The time-stamp rule (`--time-ago-lines`).
//!
//! ## What it flags
//! A run of at least `time_ago_lines` unflagged lines, each ending with a relative time ("2
//! hrs ago", "vor 3 Stunden").
//!
//! ## Why
//! Stamped items are feeds: other sites' headlines, the latest comments, a live ticker of
//! other stories. Their text is new on every page.
//!
//! ## Example
//! "Council vote delayed 2 hrs ago", "Market day moves 5 hrs ago": flagged.
//!
//! ## Known false positives
//! A live blog whose entries each end with their relative time.

use super::{Page, Rule};
use crate::flag::lines::{LineFlag, NormLines};
use crate::flag::FlagConfig;

pub(super) struct TimeAgo;

impl Rule for TimeAgo {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.time_ago_lines > 0
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        flag_time_ago_runs(&page.norm, flags, page.config.time_ago_lines as usize);
    }
}

/// The time-stamp rule: runs of lines ending with a relative time.
pub(super) fn flag_time_ago_runs(norm: &NormLines<'_>, flags: &mut [LineFlag], min_run: usize) {
    let stamped = |j: usize, flags: &[LineFlag]| {
        !flags[j].flagged() && !flags[j].keep && crate::text::shape::ends_with_time_ago(&norm[j])
    };
    let mut j = 0;
    while j < flags.len() {
        if !stamped(j, flags) {
            j += 1;
            continue;
        }
        let start = j;
        while j < flags.len() && stamped(j, flags) {
            j += 1;
        }
        if j - start >= min_run {
            flags[start..j].iter_mut().for_each(LineFlag::set_context);
        }
    }
}
