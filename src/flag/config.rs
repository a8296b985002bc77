//! The thresholds of flagging, one field per flag of the CLI, and their defaults.

use serde::{Deserialize, Serialize};

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
