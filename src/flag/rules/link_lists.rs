//! The link-list rule (`--list-run-lines`).
//!
//! ## What it flags
//! A run of at least `list_run_lines` unflagged short lines (at most `gap_line_bytes`, and at
//! least 80, normalized bytes), none of which ends like a sentence (`.`, `!`, `?`, `:` or a
//! closing quote).
//!
//! ## Why
//! Lists of the day's headlines, tag clouds and section menus are unique to a page when their
//! items change daily, so recurrence misses them; their shape does not change.
//!
//! ## Example
//! "Ferry back on harbour route", "Goats break school fence", "Council vote delayed",
//! "Market day moves" in a row: flagged.
//!
//! ## Known false positives
//! A recipe's ingredient list or a table of figures printed one cell per line.

use super::{Page, Rule};
use crate::flag::lines::LineFlag;
use crate::flag::FlagConfig;
use crate::text::block::LineView;

pub(super) struct LinkLists;

impl Rule for LinkLists {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.list_run_lines > 0
    }

    fn reads_lines(&self) -> bool {
        false
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        let cfg = page.config;
        let max_bytes = cfg.gap_line_bytes.max(80);
        flag_link_lists(page.text, page.view, flags, cfg.list_run_lines as usize, max_bytes);
    }
}

/// The link-list rule: long runs of short lines that are not sentences.
pub(super) fn flag_link_lists(
    text: &[u8],
    view: &LineView,
    flags: &mut [LineFlag],
    min_run: usize,
    max_bytes: u32,
) {
    let is_item = |j: usize| {
        let line = view.lines[view.non_blank[j] as usize];
        let t = text[line.start..line.end].trim_ascii_end();
        view.lengths[j] <= max_bytes
            && !t.ends_with(b".")
            && !t.ends_with(b"!")
            && !t.ends_with(b"?")
            && !t.ends_with(b":")
            && !t.ends_with("\u{201d}".as_bytes())
            && !t.ends_with(b"\"")
    };
    let mut j = 0;
    while j < flags.len() {
        if flags[j].flagged() || !is_item(j) {
            j += 1;
            continue;
        }
        let start = j;
        while j < flags.len() && !flags[j].flagged() && is_item(j) {
            j += 1;
        }
        if j - start >= min_run {
            flags[start..j].iter_mut().for_each(LineFlag::set_context);
        }
    }
}
