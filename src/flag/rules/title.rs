//! The title rule (`--no-keep-title` turns it off).
//!
//! ## What it flags
//! Keeps the page's headline: a line of at least 16 normalized bytes that the page's first
//! line (the HTML `<title>`, which html-to-text puts first) holds. Flags the first line
//! itself when it is longer than the headline it repeats (it adds the site's name).
//!
//! ## Why
//! Other pages of the site list the headline among their related links, so it recurs; and it
//! is short, so the context rule would take it between a flagged header and a flagged byline.
//!
//! ## Example
//! First line "Port operator reports record volumes | The Harbour Gazette", later line "Port
//! operator reports record volumes": the later line is kept, the first flagged.
//!
//! ## Known false positives
//! A section name that the title also holds ("Sport") is kept when it is most of the title.

use super::{Page, Rule};
use crate::flag::lines::{LineFlag, NormLines};
use crate::flag::FlagConfig;
use crate::text::block::LineView;

/// The shortest headline, in normalized bytes, the title rule looks for in the first line.
const TITLE_MIN_BYTES: u32 = 16;

pub(super) struct KeepTitle;

impl Rule for KeepTitle {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.keep_title
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        keep_title(page.view, &page.norm, flags);
    }
}

/// The title rule: lines the page's first line holds are its headline and are kept; the first
/// line, which repeats the headline with more (the site's name), is flagged.
pub(super) fn keep_title(view: &LineView, norm: &NormLines<'_>, flags: &mut [LineFlag]) {
    if norm.is_empty() {
        return;
    }
    let title = &norm[0];
    let mut found = false;
    for j in 1..flags.len() {
        let f = flags[j];
        if f.within || view.lengths[j] < TITLE_MIN_BYTES || !title.contains(&norm[j]) {
            continue;
        }
        let keep = if norm[j].len() == title.len() {
            // A copy of the whole first line: a headline only when it is not the site's
            // template ("Skip to main content" opens the text of some pages).
            !f.template
        } else {
            // A piece of the title that is the site's template (its name, a section) is not
            // the headline, unless it is most of the title: on a site of two pages every
            // recurring line counts as template.
            !f.template || 2 * norm[j].len() >= title.len()
        };
        if keep {
            flags[j] = LineFlag { keep: true, ..LineFlag::default() };
            found |= norm[j].len() < title.len();
        }
    }
    if found {
        flags[0].set_context();
    }
}
