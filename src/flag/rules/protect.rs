//! The protection rule (`--protect-max-docs`, `--protect-min-bytes`).
//!
//! ## What it flags
//! Nothing: it takes back lines that recurrence flagged. A line of prose (at least
//! `protect_min_bytes` normalized bytes) flagged only for recurring across pages, on at most
//! `protect_max_docs` documents and outside its site's template, is content again.
//!
//! ## Why
//! A syndicated article, a re-posted press release or a quote recurs on a few pages; it is
//! what those pages are about, not their template.
//!
//! ## Example
//! One 300-byte paragraph of a wire story on 3 pages of a 40-page site stays content.
//!
//! ## Known false positives
//! A long disclaimer that recurs on only a few pages of a large site stays content.

use super::{Page, Rule};
use crate::flag::lines::LineFlag;
use crate::flag::FlagConfig;
use crate::text::block::LineView;

pub(super) struct Protect;

impl Rule for Protect {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.protect_max_docs > 0
    }

    fn reads_lines(&self) -> bool {
        false
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        protect_prose(page.view, flags, page.config);
    }
}

/// The protection rule: long lines flagged only for recurring on a few pages, outside the
/// site's template, go back to content.
pub(super) fn protect_prose(view: &LineView, flags: &mut [LineFlag], cfg: &FlagConfig) {
    for (j, f) in flags.iter_mut().enumerate() {
        if f.cross
            && !f.within
            && !f.template
            && f.docs <= cfg.protect_max_docs
            && view.lengths[j] >= cfg.protect_min_bytes
        {
            f.cross = false;
            f.cross_window = false;
            f.window_to_next = false;
        }
    }
}
