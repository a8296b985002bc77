//! The rules that flag lines beyond recurrence, one file each, run in the order of [`RULES`].
//!
//! Recurrence (cross-page and within-page blocks) flags first; then each enabled rule reads the
//! page and the flags so far and adds its own (or keeps lines, as the title rule does). The
//! order matters: a rule sees what the rules before it flagged, so the protection rule runs
//! before any rule that fills around flagged lines, and the body rule, which needs to know
//! where the article is, runs after the line-shape rules.
//!
//! Each rule's rustdoc follows one shape: what it flags, why, an example, and its known false
//! positives.

use super::lines::{LineFlag, NormLines};
use super::FlagConfig;
use crate::classify::Classifiers;
use crate::text::block::LineView;

mod body;
mod comments;
mod credits;
mod gaps;
mod link_lists;
mod protect;
mod related;
mod single_page_cues;
mod teaser_pairs;
mod time_ago;
mod title;

/// What a rule sees of the page it flags.
pub(crate) struct Page<'a> {
    /// The document's bytes.
    pub text: &'a [u8],
    /// Its lines, hashed and normalized.
    pub view: &'a LineView,
    /// Its normalized non-blank lines as text (empty unless a rule that reads them is on).
    pub norm: NormLines<'a>,
    /// Pages of its site in the corpus.
    pub site_docs: f64,
    /// The thresholds.
    pub config: &'a FlagConfig,
    /// Classifiers for single-page cues; `None` skips them.
    pub classifiers: Option<&'a Classifiers>,
}

/// A flagging rule beyond recurrence.
pub(crate) trait Rule: Sync {
    /// Whether the settings turn the rule on.
    fn enabled(&self, config: &FlagConfig) -> bool;
    /// Whether the rule reads the page's normalized lines as text ([`Page::norm`]).
    fn reads_lines(&self) -> bool {
        true
    }
    /// Flags (or keeps) lines of `page`.
    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]);
}

/// Every rule, in the order they run.
pub(crate) const RULES: &[&dyn Rule] = &[
    &protect::Protect,
    &title::KeepTitle,
    &link_lists::LinkLists,
    &related::RelatedHeading,
    &time_ago::TimeAgo,
    &credits::Credits,
    &teaser_pairs::TeaserPairs,
    &gaps::Gaps,
    &comments::CommentThreads,
    &body::Body,
    &single_page_cues::SinglePageCues,
];
