//! What the rules see of a page and what they mark on it: per non-blank line a [`LineFlag`],
//! and the page's normalized lines as text ([`NormLines`]).

use crate::span::PartKind;
use crate::text::block::LineView;

/// Per non-blank line: how it is flagged.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct LineFlag {
    pub(crate) cross: bool,
    pub(crate) within: bool,
    pub(crate) context: bool,
    pub(crate) outside_body: bool,
    /// A paywall teaser or placeholder line seen on this page only.
    pub(crate) cue: bool,
    /// Kept by a rule (the page's headline): no later rule flags it.
    pub(crate) keep: bool,
    /// Part of the site's template: a block on at least half of the site's pages.
    pub(crate) template: bool,
    /// Inside a recurring window of k lines, not only a recurring single line.
    pub(crate) cross_window: bool,
    /// A recurring window covers this line and the next one.
    pub(crate) window_to_next: bool,
    pub(crate) docs: u32,
    pub(crate) sites: u32,
    /// The most documents of any recurring window covering the line, or of the line alone
    /// when no window covers it.
    pub(crate) part_docs: u32,
}

impl LineFlag {
    pub(crate) fn flagged(&self) -> bool {
        self.cross || self.within || self.context || self.outside_body || self.cue
    }

    /// Flags the line by a single-page rule (context kind) unless a rule keeps it.
    pub(crate) fn set_context(&mut self) {
        if !self.keep {
            self.context = true;
        }
    }

    /// What decides which part of a span the line belongs to.
    pub(crate) fn part_class(&self) -> (PartKind, u32) {
        if self.cross {
            (PartKind::CrossPage, self.part_docs)
        } else if self.within {
            (PartKind::WithinPage, 0)
        } else if self.cue {
            (PartKind::SinglePage, 0)
        } else if self.context {
            (PartKind::Context, 0)
        } else {
            (PartKind::OutsideBody, 0)
        }
    }

    /// Flagged by something other than recurrence.
    pub(crate) fn by_rule_only(&self) -> bool {
        !self.cross && !self.within
    }
}

/// The non-blank lines of a page in the hashing normalization, as text: the view's buffer,
/// which holds them one after another, read in place.
#[derive(Default)]
pub(crate) struct NormLines<'a> {
    pub(crate) text: &'a str,
    pub(crate) offsets: &'a [u32],
    pub(crate) lengths: &'a [u32],
}

impl<'a> NormLines<'a> {
    pub(crate) fn of(view: &'a LineView) -> NormLines<'a> {
        // Normalization always gives valid UTF-8; were it not to, the rules see no lines
        // rather than slice a text whose offsets no longer fit.
        match std::str::from_utf8(&view.normalized) {
            Ok(text) => NormLines { text, offsets: &view.offsets, lengths: &view.lengths },
            Err(_) => NormLines::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.offsets.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }
}

impl std::ops::Index<usize> for NormLines<'_> {
    type Output = str;

    fn index(&self, j: usize) -> &str {
        let start = self.offsets[j] as usize;
        &self.text[start..start + self.lengths[j] as usize]
    }
}

/// The longest title-like line, in normalized bytes, of a teaser or related list.
pub(crate) const LIST_TITLE_BYTES: u32 = 100;

/// Title-like: short and not ending like a sentence.
pub(crate) fn is_list_title(view: &LineView, norm: &NormLines<'_>, j: usize) -> bool {
    view.lengths[j] <= LIST_TITLE_BYTES && crate::text::shape::ends_like_title(&norm[j])
}
