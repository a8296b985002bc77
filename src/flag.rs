//! Flagging: which lines of a document are boilerplate, merged into maximal spans.
//!
//! A block is *cross-page* boilerplate when it stands on at least `min_docs` documents and on at
//! least `min_site_fraction` of its site's pages; *within-page* boilerplate when it occurs twice
//! or more in one document. A line is flagged when any flagged block covers it, and runs of
//! flagged non-blank lines (with any blank lines between them) merge into one [`Span`].

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::block::LineView;
use crate::classify::paywall::TEASER_LINE_MAX_WORDS;
use crate::classify::{placeholder, Classifiers};
use crate::count::{Counts, SiteKey};
use crate::hash::{hash_window, BlockHash};
use crate::normalize::Normalizer;
use crate::shingle::blocks;
use crate::span::Class;
use crate::span::PartKind;
use crate::span::Span;
use crate::span::SpanKind;
use crate::span::SpanPart;
use crate::template::TemplateId;

/// The thresholds of flagging.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlagConfig {
    /// Lines per window (`--shingle`); single lines are always counted as well.
    pub shingle: usize,
    /// A cross-page block stands on at least this many documents.
    pub min_docs: u32,
    /// …and on at least this share of its site's pages (0 turns the per-site rule off).
    pub min_site_fraction: f64,
    /// Flag blocks repeated within one page.
    pub within_page: bool,
    /// Let a single line repeated within a page count as within-page boilerplate (otherwise
    /// only k-line windows do: a title standing as heading and as link is not boilerplate).
    pub within_page_single_lines: bool,
    /// Context rule: a run of at most this many unflagged lines between flagged lines (or
    /// between a flagged line and the page's edge) is flagged too, when every line in it is
    /// short (0 turns the rule off).
    pub gap_lines: u32,
    /// The longest line, in normalized bytes, that the context rule treats as short.
    pub gap_line_bytes: u32,
    /// Body rule: on a site with at least this many pages (0 turns the rule off), where the
    /// site's template is known, the article is the largest unflagged run of the page together
    /// with the runs reached from it across at most `body_gap_lines` flagged lines; unflagged
    /// text beyond (comment threads, the day's sidebar headlines) is flagged too.
    pub body_min_site_pages: u32,
    /// How many flagged lines may separate two runs of one article body.
    pub body_gap_lines: u32,
    /// Flag lines seen on one page only when they are paywall teasers or hold unrendered
    /// template placeholders (a teaser seen once is still a teaser).
    pub single_page_cues: bool,
    /// Link-list rule: a run of at least this many unflagged short lines, none of which ends
    /// like a sentence, is a list of links (headlines of the day, a tag cloud) even when each
    /// line is unique (0 turns the rule off).
    pub list_run_lines: u32,
    /// Protection rule: a line of prose (at least `protect_min_bytes` long) that recurs on at
    /// most this many documents and is not part of its site's template (on under half of the
    /// site's pages) is content copied between pages (a syndicated or re-posted article, a
    /// quote), not boilerplate (0 turns the rule off).
    pub protect_max_docs: u32,
    /// The shortest line, in normalized bytes, that the protection rule treats as prose.
    pub protect_min_bytes: u32,
    /// Title rule: a line of at least 16 normalized bytes that the page's first line (the HTML
    /// `<title>`, which html-to-text puts first) holds is the article's headline and is kept,
    /// even when it recurs (other pages list it among their related headlines) or is short
    /// between flagged lines; the first line itself, longer than the headline it repeats (it
    /// adds the site's name), is flagged. A line of the site's template is kept only when it is
    /// a piece of at least half the title (on a two-page site every recurring line is
    /// template), never when it copies the whole first line.
    pub keep_title: bool,
    /// Teaser-list rule: a run of at least this many unflagged (title, summary) pairs, a
    /// title-like line followed by one short sentence, is a list of teasers (an index page, a
    /// "more stories" box) and is flagged (0 turns the rule off).
    pub teaser_pairs: u32,
    /// Related-heading rule: after a related-links heading ("Related Stories", "More on this
    /// story", "Most read"), up to this many unflagged title-like lines are its links and are
    /// flagged, as is the heading (0 turns the rule off).
    pub related_heading_lines: u32,
    /// Time-stamp rule: a run of at least this many unflagged lines, each ending with a
    /// relative time ("2 hrs ago", "vor 3 Stunden"), is a list of stamped items (other sites'
    /// headlines, comments) and is flagged (0 turns the rule off).
    pub time_ago_lines: u32,
    /// Comment rule: a comment-section heading ("12 Comments", "Leave a Reply", "Add your
    /// comment") below the article's largest run of unflagged text opens the comment thread;
    /// it and every unflagged line after it are flagged.
    pub comment_threads: bool,
    /// Caption rule: a picture caption that ends with its credit ("… (Image: Getty)") or a
    /// credit line alone ("Photo: Jane Doe, AP", "Jane Doe/AFP via Getty Images") is flagged.
    pub captions: bool,
    /// Copyright rule: a copyright notice ("© 2024 Gazette Media", "All rights reserved") is
    /// flagged: the footer of a page seen once.
    pub copyright_lines: bool,
    /// Count exact copies of a page (same normalized content, same site, same input file) as
    /// often as they occur; by default each is counted once, so that a page scraped twice does
    /// not turn into boilerplate. The scope is one file so that counting shards of files
    /// separately and merging the counts gives exactly the counts of one scan.
    pub count_duplicates: bool,
    /// Only this many bytes of a line are normalized and hashed.
    pub max_line_bytes: usize,
    /// Only the whole lines within this many bytes of a document are hashed and flagged; the
    /// rest is kept text (its bytes stay whole in every output).
    pub max_doc_bytes: usize,
}

impl Default for FlagConfig {
    fn default() -> Self {
        FlagConfig {
            shingle: DEFAULT_SHINGLE,
            min_docs: 2,
            min_site_fraction: DEFAULT_MIN_SITE_FRACTION,
            within_page: true,
            within_page_single_lines: false,
            gap_lines: DEFAULT_GAP_LINES,
            gap_line_bytes: DEFAULT_GAP_LINE_BYTES,
            body_min_site_pages: DEFAULT_BODY_MIN_SITE_PAGES,
            body_gap_lines: DEFAULT_BODY_GAP_LINES,
            single_page_cues: true,
            count_duplicates: false,
            list_run_lines: DEFAULT_LIST_RUN_LINES,
            protect_max_docs: DEFAULT_PROTECT_MAX_DOCS,
            protect_min_bytes: DEFAULT_PROTECT_MIN_BYTES,
            keep_title: true,
            teaser_pairs: DEFAULT_TEASER_PAIRS,
            related_heading_lines: DEFAULT_RELATED_HEADING_LINES,
            time_ago_lines: DEFAULT_TIME_AGO_LINES,
            comment_threads: true,
            captions: true,
            copyright_lines: true,
            max_line_bytes: 1 << 20,
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
        }
    }
}

impl FlagConfig {
    /// Recurrence alone: the context, body and line-shape rules off (protection stays on).
    /// The tests compare it with obvious twins, and every new single-page rule is turned off
    /// here, once.
    #[cfg(test)]
    pub(crate) fn recurrence_only() -> FlagConfig {
        FlagConfig {
            gap_lines: 0,
            body_min_site_pages: 0,
            list_run_lines: 0,
            keep_title: false,
            teaser_pairs: 0,
            related_heading_lines: 0,
            time_ago_lines: 0,
            comment_threads: false,
            captions: false,
            copyright_lines: false,
            ..FlagConfig::default()
        }
    }
}

/// Default document cap: 4 MiB, four times what Common Crawl keeps of a page (1 MiB), so
/// that no real page is cut while a monster of newlines costs bounded memory.
pub const DEFAULT_MAX_DOC_BYTES: usize = 4 << 20;

/// Default window length, chosen on ../shared/data/dev (see README, "How the defaults were
/// chosen").
pub const DEFAULT_SHINGLE: usize = 4;
/// Default per-site share, chosen likewise.
pub const DEFAULT_MIN_SITE_FRACTION: f64 = 0.0;

/// Default of [`FlagConfig::gap_lines`].
pub const DEFAULT_GAP_LINES: u32 = 3;
/// Default of [`FlagConfig::gap_line_bytes`].
pub const DEFAULT_GAP_LINE_BYTES: u32 = 60;

/// Default of [`FlagConfig::body_min_site_pages`].
pub const DEFAULT_BODY_MIN_SITE_PAGES: u32 = 5;
/// Default of [`FlagConfig::body_gap_lines`].
pub const DEFAULT_BODY_GAP_LINES: u32 = 2;

/// A block on at least this share of its site's pages is part of the site's template.
const TEMPLATE_SITE_FRACTION: f64 = 0.5;

/// Default of [`FlagConfig::list_run_lines`].
pub const DEFAULT_LIST_RUN_LINES: u32 = 4;
/// Default of [`FlagConfig::protect_max_docs`].
pub const DEFAULT_PROTECT_MAX_DOCS: u32 = 5;
/// Default of [`FlagConfig::protect_min_bytes`].
pub const DEFAULT_PROTECT_MIN_BYTES: u32 = 100;

/// Default of [`FlagConfig::teaser_pairs`].
pub const DEFAULT_TEASER_PAIRS: u32 = 3;
/// Default of [`FlagConfig::related_heading_lines`].
pub const DEFAULT_RELATED_HEADING_LINES: u32 = 8;
/// Default of [`FlagConfig::time_ago_lines`].
pub const DEFAULT_TIME_AGO_LINES: u32 = 2;

/// A line of at least this many normalized bytes above a comment heading shows that the
/// article has begun.
const COMMENT_PROSE_BYTES: u32 = 100;
/// The shortest headline, in normalized bytes, the title rule looks for in the first line.
const TITLE_MIN_BYTES: u32 = 16;
/// The longest title-like line, in normalized bytes, of a teaser or related list.
const LIST_TITLE_BYTES: u32 = 100;
/// The longest summary line, in normalized bytes, of a teaser pair.
const TEASER_SUMMARY_BYTES: u32 = 250;

/// The matchers of the line-shape rules, built once.
static RELATED: OnceLock<crate::classify::related::Related> = OnceLock::new();
static COMMENT_CUES: OnceLock<crate::shape::CommentCues> = OnceLock::new();
static CREDIT_CUES: OnceLock<crate::shape::CreditCues> = OnceLock::new();

/// The longest line, in words, that joins a teaser block as its neighbour.
const TEASER_BLOCK_LINE_WORDS: usize = 25;

/// Per non-blank line: how it is flagged.
#[derive(Clone, Copy, Debug, Default)]
struct LineFlag {
    cross: bool,
    within: bool,
    context: bool,
    outside_body: bool,
    /// A paywall teaser or placeholder line seen on this page only.
    cue: bool,
    /// Kept by a rule (the page's headline): no later rule flags it.
    keep: bool,
    /// Part of the site's template: a block on at least half of the site's pages.
    template: bool,
    /// Inside a recurring window of k lines, not only a recurring single line.
    cross_window: bool,
    /// A recurring window covers this line and the next one.
    window_to_next: bool,
    docs: u32,
    sites: u32,
    /// The most documents of any recurring window covering the line, or of the line alone
    /// when no window covers it.
    part_docs: u32,
}

/// Flags one document against finished counts.
pub struct Flagger<'a> {
    pub counts: &'a Counts,
    pub config: &'a FlagConfig,
    pub normalizer: &'a Normalizer,
    /// Classifiers for single-page cues; `None` skips them.
    pub classifiers: Option<&'a Classifiers>,
}

impl Flagger<'_> {
    /// The spans of `text` on `site`, in order.
    pub fn flag(&self, text: &[u8], site: &str) -> (LineView, Vec<Span>) {
        let cfg = self.config;
        let view = LineView::capped(text, self.normalizer, cfg.max_line_bytes, cfg.max_doc_bytes);
        let spans = self.flag_view(text, &view, site);
        (view, spans)
    }

    pub fn flag_view(&self, text: &[u8], view: &LineView, site: &str) -> Vec<Span> {
        let cfg = self.config;
        let site_key = SiteKey::of(site);
        let site_docs = self.counts.site_docs(site_key) as f64;
        let doc_blocks = blocks(&view.hashes, cfg.shingle);
        let mut local: FxHashMap<BlockHash, u32> = FxHashMap::default();
        if cfg.within_page {
            for b in &doc_blocks {
                *local.entry(b.hash).or_default() += 1;
            }
        }
        let mut flags = vec![LineFlag::default(); view.hashes.len()];
        for b in &doc_blocks {
            let totals = self.counts.block(b.hash);
            let on_site = self.counts.site_docs_of(b.hash, site_key);
            let cross = totals.docs >= cfg.min_docs
                && f64::from(on_site) >= cfg.min_site_fraction * site_docs;
            let within = cfg.within_page
                && (b.len > 1 || cfg.within_page_single_lines)
                && local.get(&b.hash).is_some_and(|&n| n >= 2);
            if !(cross || within) {
                continue;
            }
            let template = cross && f64::from(on_site) >= TEMPLATE_SITE_FRACTION * site_docs;
            for f in &mut flags[b.first as usize..(b.first + b.len) as usize] {
                f.template |= template;
                f.cross |= cross;
                f.within |= within;
                if cross && b.len > 1 {
                    // A window outranks the line alone: the header's lines share the header's
                    // count even when "Home" alone stands on more pages.
                    f.part_docs =
                        if f.cross_window { f.part_docs.max(totals.docs) } else { totals.docs };
                } else if cross && !f.cross_window {
                    f.part_docs = f.part_docs.max(totals.docs);
                }
                f.cross_window |= cross && b.len > 1;
                f.docs = f.docs.max(totals.docs);
                f.sites = f.sites.max(totals.sites);
            }
            if cross && b.len > 1 {
                // Lines inside one recurring window recur together.
                for f in &mut flags[b.first as usize..(b.first + b.len - 1) as usize] {
                    f.window_to_next = true;
                }
            }
        }
        if cfg.protect_max_docs > 0 {
            protect_prose(view, &mut flags, cfg);
        }
        let shapes = cfg.keep_title
            || cfg.teaser_pairs > 0
            || cfg.related_heading_lines > 0
            || cfg.time_ago_lines > 0
            || cfg.comment_threads
            || cfg.captions
            || cfg.copyright_lines;
        let norm = if shapes { NormLines::of(view) } else { NormLines::default() };
        if cfg.keep_title {
            keep_title(view, &norm, &mut flags);
        }
        if cfg.list_run_lines > 0 {
            flag_link_lists(
                text,
                view,
                &mut flags,
                cfg.list_run_lines as usize,
                cfg.gap_line_bytes.max(80),
            );
        }
        if cfg.related_heading_lines > 0 {
            let related = RELATED.get_or_init(Default::default);
            flag_related_lists(view, &norm, &mut flags, related, cfg.related_heading_lines);
        }
        if cfg.time_ago_lines > 0 {
            flag_time_ago_runs(&norm, &mut flags, cfg.time_ago_lines as usize);
        }
        if cfg.captions || cfg.copyright_lines {
            let cues = CREDIT_CUES.get_or_init(Default::default);
            for (j, f) in flags.iter_mut().enumerate() {
                let line = &norm[j];
                if !f.flagged()
                    && ((cfg.captions && cues.is_caption(line))
                        || (cfg.copyright_lines && cues.is_copyright(line)))
                {
                    f.set_context();
                }
            }
        }
        if cfg.teaser_pairs > 0 {
            flag_teaser_pairs(view, &norm, &mut flags, cfg.teaser_pairs as usize);
        }
        if cfg.gap_lines > 0 {
            fill_gaps(view, &mut flags, cfg.gap_lines as usize, cfg.gap_line_bytes);
        }
        if cfg.comment_threads {
            let cues = COMMENT_CUES.get_or_init(Default::default);
            flag_comment_threads(view, &norm, &mut flags, cues);
        }
        if cfg.body_min_site_pages > 0 && site_docs >= f64::from(cfg.body_min_site_pages) {
            keep_body_only(view, &mut flags, cfg.body_gap_lines as usize);
        }
        if let (true, Some(classifiers)) = (cfg.single_page_cues, self.classifiers) {
            self.flag_single_page_cues(text, view, &mut flags, classifiers);
        }
        merge_spans(view, &flags)
    }
}

impl Flagger<'_> {
    /// Flags unflagged lines that are paywall teasers or hold a template placeholder.
    fn flag_single_page_cues(
        &self,
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
                let bytes =
                    &text[line.start..line.end.min(line.start + self.config.max_line_bytes)];
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
}

impl LineFlag {
    fn flagged(&self) -> bool {
        self.cross || self.within || self.context || self.outside_body || self.cue
    }

    /// Flags the line by a single-page rule (context kind) unless a rule keeps it.
    fn set_context(&mut self) {
        if !self.keep {
            self.context = true;
        }
    }

    /// What decides which part of a span the line belongs to.
    fn part_class(&self) -> (PartKind, u32) {
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
    fn by_rule_only(&self) -> bool {
        !self.cross && !self.within
    }
}

/// The body rule. Unflagged runs of the page are taken in order; the one with the most text is
/// the core of the article, and runs separated from the kept ones by at most `max_gap` flagged
/// lines (an inline "Continue reading" or "Advertisement") join it. Every other run is flagged.
fn keep_body_only(view: &LineView, flags: &mut [LineFlag], max_gap: usize) {
    // (first index, end index, flagged lines before it, bytes)
    let mut runs: Vec<(usize, usize, usize, u64)> = Vec::new();
    let mut flagged_before = 0;
    let mut j = 0;
    while j < flags.len() {
        if flags[j].flagged() {
            // Only recurring sequences separate: a short line taken by the context rule, a line
            // repeated within the page, or a lone line common on the web ("0", "...", "True" in
            // a code sample) does not split an article.
            flagged_before += usize::from(flags[j].cross_window);
            j += 1;
            continue;
        }
        let start = j;
        let mut bytes = 0u64;
        while j < flags.len() && !flags[j].flagged() {
            bytes += u64::from(view.lengths[j]);
            j += 1;
        }
        runs.push((start, j, flagged_before, bytes));
        flagged_before = 0;
    }
    if runs.len() < 2 {
        return;
    }
    // The first of the largest, so that ties resolve the same way on every run.
    let core = (0..runs.len()).rev().max_by_key(|&k| runs[k].3).expect("two runs or more");
    // Only where the site's template frames the core on both sides is the page laid out as
    // header, article, footer; a page of another layout (a shop's product grid) is left alone.
    let framed_before = flags[..runs[core].0].iter().any(|f| f.template);
    let framed_after = flags[runs[core].1..].iter().any(|f| f.template);
    if !(framed_before && framed_after) {
        return;
    }
    let mut first = core;
    while first > 0 && runs[first].2 <= max_gap {
        first -= 1;
    }
    let mut last = core;
    while last + 1 < runs.len() && runs[last + 1].2 <= max_gap {
        last += 1;
    }
    for (k, run) in runs.iter().enumerate() {
        if k < first || k > last {
            for f in &mut flags[run.0..run.1] {
                f.outside_body |= !f.keep;
            }
        }
    }
}

/// The link-list rule: long runs of short lines that are not sentences.
fn flag_link_lists(
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

/// The title rule: lines the page's first line holds are its headline and are kept; the first
/// line, which repeats the headline with more (the site's name), is flagged.
fn keep_title(view: &LineView, norm: &NormLines<'_>, flags: &mut [LineFlag]) {
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

/// The non-blank lines of a page in the hashing normalization, as text: the view's buffer,
/// which holds them one after another, read in place.
#[derive(Default)]
struct NormLines<'a> {
    text: &'a str,
    offsets: &'a [u32],
    lengths: &'a [u32],
}

impl<'a> NormLines<'a> {
    fn of(view: &'a LineView) -> NormLines<'a> {
        // Normalization always gives valid UTF-8; were it not to, the rules see no lines
        // rather than slice a text whose offsets no longer fit.
        match std::str::from_utf8(&view.normalized) {
            Ok(text) => NormLines { text, offsets: &view.offsets, lengths: &view.lengths },
            Err(_) => NormLines::default(),
        }
    }

    fn len(&self) -> usize {
        self.offsets.len()
    }

    fn is_empty(&self) -> bool {
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

/// Title-like: short and not ending like a sentence.
fn is_list_title(view: &LineView, norm: &NormLines<'_>, j: usize) -> bool {
    view.lengths[j] <= LIST_TITLE_BYTES && crate::shape::ends_like_title(&norm[j])
}

/// The related-heading rule: a related-links heading and the title-like lines under it.
fn flag_related_lists(
    view: &LineView,
    norm: &NormLines<'_>,
    flags: &mut [LineFlag],
    related: &crate::classify::related::Related,
    max_lines: u32,
) {
    let n = flags.len();
    for j in 0..n {
        // The cheap test first: the cue matcher runs on short title-like lines only.
        if !is_list_title(view, norm, j) || !related.is_heading(&norm[j]) {
            continue;
        }
        let mut k = j + 1;
        while k < n
            && k <= j + max_lines as usize
            && !flags[k].flagged()
            && !flags[k].keep
            && is_list_title(view, norm, k)
        {
            k += 1;
        }
        // A heading with nothing listed under it is left as it is.
        if k > j + 1 {
            flags[j..k].iter_mut().filter(|f| !f.flagged()).for_each(LineFlag::set_context);
        }
    }
}

/// The time-stamp rule: runs of lines ending with a relative time.
fn flag_time_ago_runs(norm: &NormLines<'_>, flags: &mut [LineFlag], min_run: usize) {
    let stamped = |j: usize, flags: &[LineFlag]| {
        !flags[j].flagged() && !flags[j].keep && crate::shape::ends_with_time_ago(&norm[j])
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

/// The teaser-list rule: a whole run of unflagged lines (between flagged lines or the page's
/// edges) made of items, each one or more title-like lines and at most one short sentence, with
/// at least `min_pairs` items holding a sentence. Two sentences in a row are prose; a run that
/// opens with a sentence (an article's opening paragraph) or holds numbered titles is a
/// listicle's.
fn flag_teaser_pairs(
    view: &LineView,
    norm: &NormLines<'_>,
    flags: &mut [LineFlag],
    min_pairs: usize,
) {
    let summary = |j: usize| {
        view.lengths[j] <= TEASER_SUMMARY_BYTES
            && !crate::shape::ends_like_title(&norm[j])
            && crate::shape::is_one_sentence(&norm[j])
    };
    let n = flags.len();
    let mut j = 0;
    while j < n {
        if flags[j].flagged() || flags[j].keep {
            j += 1;
            continue;
        }
        let start = j;
        while j < n && !flags[j].flagged() && !flags[j].keep {
            j += 1;
        }
        // Items: (title, summary) pairs counted; any other line or two summaries in a row
        // ends the check.
        let (mut pairs, mut items_only, mut prev_title, mut prev_summary) = (0, true, false, false);
        for k in start..j {
            // Numbered items ("1. Lower the brightness") are a listicle's, not a list of teasers.
            if is_list_title(view, norm, k) && !is_numbered(&norm[k]) {
                (prev_title, prev_summary) = (true, false);
            } else if summary(k) && !prev_summary {
                pairs += usize::from(prev_title);
                (prev_title, prev_summary) = (false, true);
            } else {
                items_only = false;
                break;
            }
        }
        // A list opens with a title; a run opening with a sentence is an article's opening
        // paragraph followed by its items.
        if items_only && pairs >= min_pairs && is_list_title(view, norm, start) {
            flags[start..j].iter_mut().for_each(LineFlag::set_context);
        }
    }
}

/// The line opens with a number and a "." or ")" ("1. Lower the brightness"; digits are `0`
/// in the normalized line).
fn is_numbered(line: &str) -> bool {
    line.strip_prefix('0').is_some_and(|rest| rest.starts_with(". ") || rest.starts_with(") "))
}

/// The comment rule: a comment-section heading, not repeated below, or the first of two
/// comment signatures or more ("Jane says:"), once the article has begun (a line of prose above
/// it) and at least a third of the page's unflagged text is above it, and every unflagged line
/// after it.
fn flag_comment_threads(
    view: &LineView,
    norm: &NormLines<'_>,
    flags: &mut [LineFlag],
    cues: &crate::shape::CommentCues,
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

/// The protection rule: long lines flagged only for recurring on a few pages, outside the
/// site's template, go back to content.
fn protect_prose(view: &LineView, flags: &mut [LineFlag], cfg: &FlagConfig) {
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

/// The context rule: short unflagged runs wedged between flagged lines are boilerplate too
/// (a date or a caption credit between two navigation blocks). The page's edges count as
/// flagged neighbours, so a lone title line above a flagged header goes with it; a page with no
/// flagged line at all is left alone.
fn fill_gaps(view: &LineView, flags: &mut [LineFlag], max_lines: usize, max_bytes: u32) {
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

fn merge_spans(view: &LineView, flags: &[LineFlag]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut j = 0;
    while j < flags.len() {
        let f = flags[j];
        if !f.flagged() {
            j += 1;
            continue;
        }
        let first = j;
        let mut span_flag = f;
        let mut within = f.within;
        let mut context_lines = u32::from(f.context && f.by_rule_only());
        let mut outside_body_lines = u32::from(f.outside_body && !f.context && f.by_rule_only());
        j += 1;
        while j < flags.len() && flags[j].flagged() {
            let g = flags[j];
            context_lines += u32::from(g.context && g.by_rule_only());
            outside_body_lines += u32::from(g.outside_body && !g.context && g.by_rule_only());
            span_flag.cross |= g.cross;
            within |= g.within;
            span_flag.docs = span_flag.docs.max(g.docs);
            span_flag.sites = span_flag.sites.max(g.sites);
            j += 1;
        }
        let last = j - 1;
        let first_line = view.non_blank[first];
        let last_line = view.non_blank[last];
        let mut parts = Vec::new();
        let mut p = first;
        while p <= last {
            let class = flags[p].part_class();
            let mut q = p;
            // The next line joins the part when both are of one class and either a recurring
            // window holds both, or neither is in any window (lone recurring lines with the
            // same count): a section name after a header that also names it in its menu is
            // not part of the header.
            while q < last
                && flags[q + 1].part_class() == class
                && (flags[q].window_to_next
                    || !(flags[q].cross_window || flags[q + 1].cross_window))
            {
                q += 1;
            }
            let (a, b) = (view.non_blank[p], view.non_blank[q]);
            parts.push(SpanPart {
                first_line: a,
                last_line: b,
                start: view.lines[a as usize].start,
                end: view.lines[b as usize].end_with_newline(),
                kind: class.0,
                lines: (q - p + 1) as u32,
                key: hash_window(&view.hashes[p..=q]),
                class: Class::Other,
                template: TemplateId(0),
                masked: None,
            });
            p = q + 1;
        }
        spans.push(Span {
            first_line,
            last_line,
            start: view.lines[first_line as usize].start,
            end: view.lines[last_line as usize].end_with_newline(),
            kind: if span_flag.cross {
                SpanKind::CrossPage
            } else if within {
                SpanKind::WithinPage
            } else {
                SpanKind::SinglePage
            },
            docs: span_flag.docs,
            sites: span_flag.sites,
            lines: (last - first + 1) as u32,
            context_lines,
            outside_body_lines,
            class: Class::Other,
            also: Vec::new(),
            template: TemplateId(0),
            parts,
        });
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountTable;
    use crate::normalize::NormalizeConfig;

    fn count(docs: &[(&str, &str)], config: &FlagConfig) -> Counts {
        let n = Normalizer::new(&NormalizeConfig::default());
        let mut t = CountTable::default();
        for (site, text) in docs {
            let view = LineView::new(text.as_bytes(), &n, usize::MAX);
            t.add_document(site, &blocks(&view.hashes, config.shingle));
        }
        t.finish()
    }

    fn spans(docs: &[(&str, &str)], config: &FlagConfig, which: usize) -> Vec<Span> {
        let counts = count(docs, config);
        let n = Normalizer::new(&NormalizeConfig::default());
        let f = Flagger { counts: &counts, config, normalizer: &n, classifiers: None };
        f.flag(docs[which].1.as_bytes(), docs[which].0).1
    }

    /// Recurrence alone, with windows of three lines.
    fn recurrence_only() -> FlagConfig {
        FlagConfig { shingle: 3, ..FlagConfig::recurrence_only() }
    }

    #[test]
    fn shared_header_is_one_cross_page_span() {
        let cfg = recurrence_only();
        let docs = [
            ("s", "Home\nNews\n\nSport\nAn article about ferries.\nMore text.\n"),
            ("s", "Home\nNews\nSport\nA story about goats.\n"),
        ];
        let s = spans(&docs, &cfg, 0);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].first_line, s[0].last_line), (0, 3));
        assert_eq!((s[0].start, s[0].end), (0, 17));
        assert_eq!(s[0].kind, SpanKind::CrossPage);
        assert_eq!((s[0].docs, s[0].sites), (2, 1));
    }

    #[test]
    fn repeated_teaser_within_one_page() {
        let cfg = recurrence_only();
        let text = "Start your free trial\nto read on\nSign in\nBody one.\nStart your free trial\nto read on\nSign in";
        let s = spans(&[("s", text)], &cfg, 0);
        assert_eq!(s.len(), 2);
        assert!(s.iter().all(|s| s.kind == SpanKind::WithinPage));
        assert_eq!(s[1].end, text.len());
        assert_eq!(s[0].parts.len(), 1);
        assert_eq!(s[0].parts[0].key, s[1].parts[0].key);
    }

    #[test]
    fn a_title_as_heading_and_link_is_not_within_page_boilerplate() {
        let cfg = recurrence_only();
        let text = "Ferries return\nThe ferry came back.\nRead: Ferries return\nFerries return\n";
        assert!(spans(&[("s", text)], &cfg, 0).is_empty());
    }

    #[test]
    fn site_fraction_rule() {
        let cfg = FlagConfig { min_site_fraction: 0.5, ..recurrence_only() };
        let docs = [
            ("s", "Shared line\nunique a\n"),
            ("s", "Shared line\nunique b\n"),
            ("s", "unique c\n"),
            ("s", "unique d\n"),
            ("s", "unique e\n"),
        ];
        // On 2 of 5 pages: under the share.
        assert!(spans(&docs, &cfg, 0).is_empty());
        let cfg = FlagConfig { min_site_fraction: 0.4, ..cfg };
        assert_eq!(spans(&docs, &cfg, 0).len(), 1);
    }

    #[test]
    fn context_rule_takes_a_short_line_between_flagged_lines() {
        let docs = [
            ("s", "Home\nNews\nMarch 9, 2010\nAbout us\nContact\nThe ferry is back after years away.\n"),
            ("s", "Home\nNews\nJune 1, 2011 at noon\nAbout us\nContact\nGoats ate the hedge last night.\n"),
        ];
        let off = recurrence_only();
        assert_eq!(spans(&docs, &off, 0).len(), 2);
        let on = FlagConfig { gap_lines: 1, gap_line_bytes: 20, ..off };
        let s = spans(&docs, &on, 0);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].first_line, s[0].last_line, s[0].context_lines), (0, 4, 1));
        // Too long for the rule: stays content.
        let s = spans(&docs, &FlagConfig { gap_line_bytes: 10, ..on }, 1);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn body_rule_drops_unique_text_beyond_the_article() {
        // Five pages of one site: header, article, a recurring 2-line comment header, then
        // comments unique to each page, then the footer.
        let topics = ["ferries", "goats", "tides", "trams", "bees"];
        let pages: Vec<String> = topics
            .iter()
            .map(|i| {
                format!(
                    "Site name\nHome\nNews\nArticle {i} opens with a long sentence of prose.\n\
                     It goes on with more prose about topic number {i} at length.\n\
                     Add a comment\nComments policy applies\nReader {i} wrote this comment.\n\
                     About us\nContact\nPrivacy\n"
                )
            })
            .collect();
        let docs: Vec<(&str, &str)> = pages.iter().map(|p| ("s", p.as_str())).collect();
        let cfg = FlagConfig {
            shingle: 2,
            body_min_site_pages: 5,
            body_gap_lines: 1,
            ..recurrence_only()
        };
        let s = spans(&docs, &cfg, 0);
        assert_eq!(s.len(), 2);
        assert_eq!((s[1].first_line, s[1].last_line, s[1].outside_body_lines), (5, 10, 1));
        // Under the site-size threshold the rule stays off.
        let small = FlagConfig { body_min_site_pages: 6, ..cfg };
        assert_eq!(spans(&docs, &small, 0).len(), 3);
    }

    #[test]
    fn a_header_is_one_part_whatever_recurs_next_to_it() {
        // The header stands on all three pages; the line after it on two of them only.
        let docs = [
            ("s", "Gazette\nHome\nNews\nSport\nShared teaser line\nA unique body sentence here.\n"),
            ("s", "Gazette\nHome\nNews\nSport\nShared teaser line\nAnother unique body line.\n"),
            ("s", "Gazette\nHome\nNews\nSport\nThe third page has its own text.\n"),
        ];
        let s = spans(&docs, &recurrence_only(), 0);
        assert_eq!(s.len(), 1);
        let parts: Vec<(u32, u32)> =
            s[0].parts.iter().map(|p| (p.first_line, p.last_line)).collect();
        assert_eq!(parts, [(0, 3), (4, 4)]);
        let header = spans(&docs, &recurrence_only(), 2);
        assert_eq!(header[0].parts[0].key, s[0].parts[0].key);
    }

    #[test]
    fn protection_keeps_an_article_copied_to_a_second_page() {
        let article = "The council voted on Tuesday night to approve the new ferry route to the \
            islands, after a long debate about the cost of the harbour works.";
        let pages: Vec<String> = (0..6)
            .map(|i| {
                let body = if i < 2 { article.to_string() } else { format!("Page {i} has its own story of ferries and gulls and tides, told at length here.") };
                format!("Gazette\nHome\nNews\nSport\n{body}\nAbout us\nContact\n")
            })
            .collect();
        let docs: Vec<(&str, &str)> = pages.iter().map(|p| ("s", p.as_str())).collect();
        let off = FlagConfig { protect_max_docs: 0, ..recurrence_only() };
        let flagged: u32 = spans(&docs, &off, 0).iter().map(|s| s.lines).sum();
        assert_eq!(flagged, 7, "without protection the copied article is boilerplate");
        let on = FlagConfig { protect_max_docs: 5, protect_min_bytes: 100, ..recurrence_only() };
        let s = spans(&docs, &on, 0);
        assert_eq!(s.iter().map(|s| s.lines).sum::<u32>(), 6);
        assert_eq!((s[0].last_line, s[1].first_line), (3, 5));
    }

    #[test]
    fn link_list_rule_takes_runs_of_headlines_but_not_prose() {
        let page = "Home\nNews\nCouncil approves ferry route\nGoats eat the school hedge\n\
            Tram works close the bridge\nMarket traders fear rent rise\n\
            The council voted on Tuesday to approve the ferry route.\nAbout us\n";
        let other = "Home\nNews\nA different story with its own sentences in it.\nAbout us\n";
        let docs = [("s", page), ("s", other)];
        let off = recurrence_only();
        let on = FlagConfig { list_run_lines: 4, gap_line_bytes: 60, ..off.clone() };
        let lines = |cfg: &FlagConfig| -> Vec<(u32, u32)> {
            spans(&docs, cfg, 0).iter().map(|s| (s.first_line, s.last_line)).collect()
        };
        assert_eq!(lines(&off), [(0, 1), (7, 7)]);
        assert_eq!(lines(&on), [(0, 5), (7, 7)]);
        let three = FlagConfig { list_run_lines: 5, ..on };
        assert_eq!(lines(&three), [(0, 1), (7, 7)]);
    }

    /// Lines flagged on page `which`, as (first, last) pairs.
    fn flagged_lines(docs: &[(&str, &str)], cfg: &FlagConfig, which: usize) -> Vec<(u32, u32)> {
        spans(docs, cfg, which).iter().map(|s| (s.first_line, s.last_line)).collect()
    }

    #[test]
    fn headline_listed_on_other_pages_is_kept_and_the_title_line_flagged() {
        // Five pages of one site; page 1 lists page 0's headline among its related stories,
        // so the headline recurs (on 2 of 5 pages: not the site's template).
        let topics = ["Ferry route approved", "Goats eat hedge", "Tides rise", "Trams run", "Bees"];
        let pages: Vec<String> = topics
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let related = if i == 1 { topics[0] } else { "" };
                format!(
                    "{t} - Gazette\nGazette\nHome\nNews\n{t}\nThe story of {t} is told at \
                     length here, with all the details.\n{related}\n"
                )
            })
            .collect();
        let docs: Vec<(&str, &str)> = pages.iter().map(|p| ("s", p.as_str())).collect();
        let off = recurrence_only();
        assert_eq!(flagged_lines(&docs, &off, 0), [(1, 4)]);
        let on = FlagConfig { keep_title: true, gap_lines: 3, ..off };
        // The headline is kept although it recurs and sits between flagged lines; the first
        // line, the HTML title with the site's name, goes with the header.
        assert_eq!(flagged_lines(&docs, &on, 0), [(0, 3)]);
    }

    #[test]
    fn teaser_pairs_of_an_index_page_are_flagged_but_not_a_listicle() {
        let header = "Gazette\nHome\nNews\n";
        let footer = "About us\nContact\n";
        let index = format!(
            "{header}Ferry route approved\nThe council approved the new ferry route on Tuesday.\n\
             Goats eat school hedge\nA herd of goats escaped and ate the hedge of the school.\n\
             Tram works close bridge\nThe bridge will be closed for three weeks from Monday.\n\
             {footer}"
        );
        let listicle = format!(
            "{header}Five ways to save power at your desk, from the screen to the plug, all of \
             them cheap and quick to set up.\n\
             Lower the brightness\nA dimmer screen uses noticeably less power all day.\n\
             Sleep when idle\nLet the computer sleep after ten minutes without use.\n\
             Use one monitor\nA second screen doubles what the display draws from the wall.\n\
             {footer}"
        );
        let numbered = format!(
            "{header}1. Lower the brightness\nA dimmer screen uses noticeably less power.\n\
             2. Sleep when idle\nAn idle computer that sleeps draws next to nothing.\n\
             3. Use one monitor\nA second screen doubles what the display draws.\n{footer}"
        );
        let docs = [("s", index.as_str()), ("s", listicle.as_str()), ("s", numbered.as_str())];
        let on = FlagConfig { teaser_pairs: 3, ..recurrence_only() };
        assert_eq!(flagged_lines(&docs, &on, 0), [(0, 10)]);
        // The listicle's items follow its opening paragraph, or are numbered: they stay.
        assert_eq!(flagged_lines(&docs, &on, 1), [(0, 2), (10, 11)]);
        assert_eq!(flagged_lines(&docs, &on, 2), [(0, 2), (9, 10)]);
        let two = FlagConfig { teaser_pairs: 4, ..on };
        assert_eq!(flagged_lines(&docs, &two, 0), [(0, 2), (9, 10)]);
    }

    #[test]
    fn related_heading_takes_the_titles_under_it() {
        let page = "Gazette\nHome\nThe council voted on Tuesday to approve the new ferry route.\n\
            Related Stories\nFerries return to the bay\nHarbour works delayed\n\
            The route opens in the spring, the council said after the vote.\nAbout us\n";
        let other = "Gazette\nHome\nA different story with its own sentences in it.\nAbout us\n";
        let docs = [("s", page), ("s", other)];
        let off = recurrence_only();
        assert_eq!(flagged_lines(&docs, &off, 0), [(0, 1), (7, 7)]);
        let on = FlagConfig { related_heading_lines: 8, ..off };
        assert_eq!(flagged_lines(&docs, &on, 0), [(0, 1), (3, 5), (7, 7)]);
        // "Related" followed by a sentence is not a list.
        let prose = "Gazette\nHome\nRelated\nThe council voted on Tuesday to approve it.\n";
        assert_eq!(flagged_lines(&[("s", prose), ("s", other)], &on, 0), [(0, 1)]);
    }

    #[test]
    fn headlines_from_other_sites_stamped_hours_ago_are_flagged() {
        let page = "The council voted on Tuesday to approve the new ferry route to the islands.\n\
            From other news sites\n\
            Island Times Ferry route gets green light 43 mins ago\n\
            Coast Herald Council backs new ferry 2 hrs ago\n\
            Posted 3 hours ago\n";
        let docs = [("s", page)];
        let on = FlagConfig { time_ago_lines: 2, ..recurrence_only() };
        assert_eq!(flagged_lines(&docs, &on, 0), [(2, 4)]);
        assert!(flagged_lines(&docs, &FlagConfig { time_ago_lines: 4, ..on }, 0).is_empty());
    }

    #[test]
    fn comment_thread_after_article_is_flagged() {
        let article =
            "The council voted on Tuesday to approve the new ferry route to the islands, \
            after a long debate about the cost of the harbour works.\n\
            Work on the new pontoon starts in the spring and should take a year.\n";
        let page = format!(
            "{article}3 Comments\nJane\n2 hours ago\nAbout time too, the old boat was awful.\n\
             Reply\nLeave a Reply\n"
        );
        let on = FlagConfig { comment_threads: true, ..recurrence_only() };
        assert_eq!(flagged_lines(&[("s", page.as_str())], &on, 0), [(2, 7)]);
        // "Comments" in the menu above the article opens nothing.
        let menu = format!("Comments\n{article}");
        assert!(flagged_lines(&[("s", menu.as_str())], &on, 0).is_empty());
        // A per-post "Add a comment" repeated under each answer of a Q&A page does not open a
        // thread: the answer stays (only the last one, with nothing after it, is taken).
        let qa = format!(
            "{article}Add a comment\nThe answer is to ask the harbour master about the permit.\n\
             Add a comment\n"
        );
        assert_eq!(flagged_lines(&[("s", qa.as_str())], &on, 0), [(4, 4)]);
        // Without a heading, two comment signatures open the thread at the first.
        let signed = format!(
            "{article}Jane says:\nAbout time too, the old boat was awful.\nJoe says:\nAgreed.\n"
        );
        assert_eq!(flagged_lines(&[("s", signed.as_str())], &on, 0), [(2, 5)]);
        let one = format!("{article}Jane says:\nAbout time too, the old boat was awful.\n");
        assert!(flagged_lines(&[("s", one.as_str())], &on, 0).is_empty());
    }

    #[test]
    fn caption_credit_and_copyright_lines_are_flagged() {
        let page = "The council voted on Tuesday to approve the new ferry route to the islands.\n\
            The new pontoon at the harbour (Image: Getty)\n\
            Photo: Jane Doe, AP\n\
            The photo of the pontoon was taken in April, before the vote.\n\
            © 2024 Gazette Media. All rights reserved.\n";
        let docs = [("s", page)];
        let off = recurrence_only();
        assert!(flagged_lines(&docs, &off, 0).is_empty());
        let captions = FlagConfig { captions: true, ..off.clone() };
        assert_eq!(flagged_lines(&docs, &captions, 0), [(1, 2)]);
        let both = FlagConfig { copyright_lines: true, ..captions };
        assert_eq!(flagged_lines(&docs, &both, 0), [(1, 2), (4, 4)]);
    }
}
