//! A document cut into lines, and the lines' normalized hashes.
//!
//! Lines are the pieces of the text split on `\n`; a `\r` before it stays part of the line
//! (normalization trims it), so CRLF files keep their exact bytes. Line numbers are 0-based
//! indexes into that split.

use crate::text::hash::{hash_line, LineHash};
use crate::text::normalize::Normalizer;

/// One line of a document: its byte extent without the `\n`, and whether a `\n` follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub start: usize,
    /// Exclusive, before the `\n`.
    pub end: usize,
    pub newline: bool,
}

impl Line {
    /// The end of the line including its `\n`, where there is one.
    pub fn end_with_newline(&self) -> usize {
        self.end + usize::from(self.newline)
    }
}

/// Splits `text` on `\n`. An empty text has no lines; a text ending in `\n` has no empty last
/// line (the `\n` belongs to the line before it).
pub fn split_lines(text: &[u8]) -> Vec<Line> {
    let mut lines = Vec::with_capacity(text.len() / 40 + 1);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text) {
        lines.push(Line { start, end: nl, newline: true });
        start = nl + 1;
    }
    if start < text.len() {
        lines.push(Line { start, end: text.len(), newline: false });
    }
    lines
}

/// The hashable view of one document: every line, and the non-blank ones with their hashes.
#[derive(Clone, Debug, Default)]
pub struct LineView {
    pub lines: Vec<Line>,
    /// Index into `lines` of each non-blank line, in order.
    pub non_blank: Vec<u32>,
    /// Hash of each non-blank line's normalized form, parallel to `non_blank`.
    pub hashes: Vec<LineHash>,
    /// Bytes of each non-blank line's normalized form, parallel to `non_blank`.
    pub lengths: Vec<u32>,
    /// Where each non-blank line's normalized form starts in `normalized`, parallel to
    /// `non_blank`: the rules and classifiers that read normalized text take it from here
    /// instead of normalizing the line again.
    pub offsets: Vec<u32>,
    /// The normalized forms of the non-blank lines, one after another.
    pub normalized: Vec<u8>,
    /// Lines after the document cap of [`LineView::capped`]: never hashed nor flagged, kept
    /// text in every output.
    pub lines_past_cap: u32,
    /// Bytes of the text that were split and hashed: all of it, or the whole lines within
    /// the cap of [`LineView::capped`].
    pub flagged_bytes: usize,
}

impl LineView {
    /// Cuts `text` into lines and hashes the non-blank ones. `max_line_bytes` caps how much of
    /// a monster line is normalized and hashed; the line's bytes stay whole in every output.
    pub fn new(text: &[u8], normalizer: &Normalizer, max_line_bytes: usize) -> LineView {
        LineView::capped(text, normalizer, max_line_bytes, usize::MAX)
    }

    /// [`LineView::new`] over the whole lines within the first `max_doc_bytes` of `text` (at
    /// least its first line): a monster document costs no more than that to view, hash and
    /// flag, and the lines after the cap stay in the outputs as kept text.
    pub fn capped(
        text: &[u8],
        normalizer: &Normalizer,
        max_line_bytes: usize,
        max_doc_bytes: usize,
    ) -> LineView {
        let cut = doc_cap(text, max_doc_bytes);
        let lines = split_lines(&text[..cut]);
        let rest = &text[cut..];
        let lines_past_cap = (memchr::memchr_iter(b'\n', rest).count()
            + usize::from(!rest.is_empty() && !rest.ends_with(b"\n")))
            as u32;
        let mut non_blank = Vec::with_capacity(lines.len());
        let mut hashes = Vec::with_capacity(lines.len());
        let mut lengths = Vec::with_capacity(lines.len());
        let mut offsets = Vec::with_capacity(lines.len());
        let mut normalized = Vec::with_capacity(cut);
        for (i, line) in lines.iter().enumerate() {
            let bytes = &text[line.start..line.end];
            let bytes = &bytes[..bytes.len().min(max_line_bytes)];
            let start = normalized.len();
            normalizer.append(bytes, &mut normalized);
            let form = &normalized[start..];
            // Blank under normalization; without white-space folding, fall back to the
            // plain definition so that a run of spaces is still blank.
            if form.is_empty() || crate::text::normalize::is_blank(form) {
                normalized.truncate(start);
                continue;
            }
            non_blank.push(i as u32);
            hashes.push(hash_line(form));
            lengths.push(form.len() as u32);
            offsets.push(start as u32);
        }
        LineView {
            lines,
            non_blank,
            hashes,
            lengths,
            offsets,
            normalized,
            lines_past_cap,
            flagged_bytes: cut,
        }
    }

    /// The normalized form of the `j`-th non-blank line.
    pub fn normalized(&self, j: usize) -> &[u8] {
        let start = self.offsets[j] as usize;
        &self.normalized[start..start + self.lengths[j] as usize]
    }

    /// [`LineView::normalized`] as text (normalization always gives valid UTF-8).
    pub fn normalized_str(&self, j: usize) -> std::borrow::Cow<'_, str> {
        let bytes = self.normalized(j);
        match std::str::from_utf8(bytes) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(bytes),
        }
    }
}

/// Where the viewed part of a text ends under a cap of `max` bytes: after the last `\n` within
/// the cap, or, when the first line alone is longer, at its end.
fn doc_cap(text: &[u8], max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    match memchr::memrchr(b'\n', &text[..max]) {
        Some(i) => i + 1,
        None => memchr::memchr(b'\n', text).map_or(text.len(), |i| i + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::NormalizeConfig;

    #[test]
    fn split_keeps_every_byte() {
        let cases: [(&[u8], usize); 6] =
            [(b"", 0), (b"a", 1), (b"a\n", 1), (b"a\nb", 2), (b"\n\n", 2), (b"a\r\nb\r\n", 2)];
        for (text, n) in cases {
            let lines = split_lines(text);
            assert_eq!(lines.len(), n, "{text:?}");
            let joined: Vec<u8> = lines
                .iter()
                .flat_map(|l| text[l.start..l.end_with_newline()].iter().copied())
                .collect();
            assert_eq!(joined, text);
        }
    }

    #[test]
    fn capped_view_holds_whole_lines_within_the_cap() {
        let n = Normalizer::new(&NormalizeConfig::default());
        let view = LineView::capped(b"Home\nNews\nSport\n", &n, usize::MAX, 8);
        assert_eq!((view.lines.len(), view.lines_past_cap), (1, 2));
        let view = LineView::capped(b"Home\nNews\nSport\n", &n, usize::MAX, 10);
        assert_eq!((view.lines.len(), view.lines_past_cap), (2, 1));
        // A first line longer than the cap is viewed whole (its hash is capped apart).
        let view = LineView::capped(b"Homepage\nNews", &n, usize::MAX, 3);
        assert_eq!((view.lines.len(), view.lines_past_cap), (1, 1));
        let view = LineView::capped(b"Home\nNews", &n, usize::MAX, 100);
        assert_eq!((view.lines.len(), view.lines_past_cap), (2, 0));
    }

    #[test]
    fn blank_lines_are_skipped_but_counted() {
        let n = Normalizer::new(&NormalizeConfig::default());
        let view = LineView::new(b"Home\n\n   \nNews\r\n", &n, usize::MAX);
        assert_eq!(view.lines.len(), 4);
        assert_eq!(view.non_blank, vec![0, 3]);
        assert_eq!(view.hashes[1], hash_line(b"news"));
    }
}
