//! The report model: the single source of truth that every renderer draws from.
//!
//! Every field is documented here and in docs/report.md. The report holds nothing that depends
//! on timing or thread count, so the same inputs and settings give a byte-identical report.

mod builder;
mod catalogue;
pub mod display;
pub mod html;
pub mod json;
pub mod markdown;
mod spill;
pub mod summary;
pub use builder::*;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::classify::PaywallStatus;
use crate::dedup::{Cluster, DedupConfig, DuplicateTotals, Duplicates};
use crate::doc::{InputProblem, SkippedFile};
use crate::flag::FlagConfig;
use crate::input::FieldConfig;
use crate::span::{Class, PartKind};
use crate::text::hash::SEED;
use crate::text::normalize::NormalizeConfig;
use crate::text::template::TemplateId;

/// The report of one scan.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// `"chaff"` and its version.
    pub tool: Tool,
    /// Every setting that shaped the result.
    pub settings: Settings,
    /// Corpus-wide figures.
    pub totals: Totals,
    /// The recurring spans, most widespread first (see [`CatalogueRow`]).
    pub top_spans: Vec<CatalogueRow>,
    /// Per site, most documents first.
    pub sites: Vec<SiteRow>,
    /// Spans, bytes and documents per class.
    pub classes: BTreeMap<Class, ClassTotals>,
    /// Documents by paywall status.
    pub paywall: PaywallTotals,
    /// Documents with a paywall (status `teaser` or `truncated`), in input order, at most
    /// [`PAYWALLED_LISTED`].
    pub paywalled_documents: Vec<PaywalledDocument>,
    /// Every record or file that could not be read, and every document whose id an earlier
    /// one had (kept, but reported), in input order.
    pub problems: Vec<InputProblem>,
    /// Every file a folder walk passed over (a name in no format chaff reads, a hidden
    /// entry), in walk order.
    pub skipped_files: Vec<SkippedFile>,
    /// Duplicate documents (null when duplicate detection is off).
    pub duplicates: Option<DuplicateReport>,
    /// Some documents with their text and spans, for renderers that show pages (HTML): the
    /// first page of each of the first [`EXAMPLE_SITES`] sites and the first page of each site
    /// with each paywall status (at most [`EXAMPLE_PAYWALLED`]), in input order. Not in the
    /// JSON report, which would otherwise grow by up to [`EXAMPLE_BYTES`] per page.
    #[serde(skip)]
    pub examples: Vec<ExamplePage>,
}

impl Report {
    /// Lists the files the folder walk passed over.
    pub fn add_skipped_files(&mut self, skipped: Vec<SkippedFile>) {
        self.totals.skipped_files += skipped.len() as u64;
        self.skipped_files.extend(skipped);
    }
}

/// What duplicate detection found.
#[derive(Clone, Debug, Serialize)]
pub struct DuplicateReport {
    pub totals: DuplicateTotals,
    /// Every cluster of two or more documents, largest first, then by input order of its
    /// first member.
    pub clusters: Vec<Cluster>,
}

impl DuplicateReport {
    pub fn new(d: &Duplicates) -> DuplicateReport {
        DuplicateReport { totals: d.totals.clone(), clusters: d.clusters.clone() }
    }
}

/// The tool that wrote a report.
#[derive(Clone, Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

/// The settings of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    /// `"xxh3-64"`.
    pub hash: &'static str,
    /// The fixed seed of every hash.
    pub seed: u64,
    /// The same as hex: JSON readers whose numbers are doubles lose the integer's last digits.
    pub seed_hex: String,
    pub normalize: NormalizeConfig,
    pub flag: FlagConfig,
    pub fields: FieldConfig,
    /// Duplicate detection (null when off), its permutation seed included.
    pub dedup: Option<DedupConfig>,
}

impl Settings {
    /// The settings of a run, with the fixed hash and its seed.
    pub fn new(
        normalize: NormalizeConfig,
        flag: FlagConfig,
        fields: FieldConfig,
        dedup: Option<DedupConfig>,
    ) -> Settings {
        Settings {
            hash: "xxh3-64",
            seed: SEED,
            seed_hex: format!("{SEED:#018x}"),
            normalize,
            flag,
            fields,
            dedup,
        }
    }
}

/// Corpus-wide figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub documents: u64,
    /// Distinct sites (documents with no known site count as one site, "").
    pub sites: u64,
    /// Lines of all texts split on `\n`.
    pub lines: u64,
    pub non_blank_lines: u64,
    /// Bytes of all texts.
    pub bytes: u64,
    /// Bytes inside boilerplate spans.
    pub boilerplate_bytes: u64,
    /// Non-blank lines inside boilerplate spans.
    pub boilerplate_lines: u64,
    /// `boilerplate_bytes / bytes` (0 for an empty corpus).
    pub boilerplate_share: f64,
    /// Spans over all documents.
    pub spans: u64,
    /// Distinct spans (by normalized content).
    pub distinct_spans: u64,
    /// Distinct blocks counted (single lines and windows).
    pub distinct_blocks: u64,
    /// Exact copies of a page on the same site, left out of the counts (their spans are
    /// flagged like the first copy's).
    pub duplicate_documents: u64,
    /// Records or files that could not be read, and documents that reused an id.
    pub problems: u64,
    /// Records read but not pages: WARC requests, metadata, warcinfo, and responses that are
    /// not 2xx HTML.
    pub skipped_records: u64,
    /// Documents longer than `--max-doc-bytes`: flagged up to the cap, the rest kept whole
    /// (each one's annotation line has `unflagged_from`).
    pub cut_documents: u64,
    /// Files under the input folders that were not read (listed in `skipped_files`).
    pub skipped_files: u64,
}

/// One distinct recurring span: the same normalized lines wherever they stand.
#[derive(Clone, Debug, Serialize)]
pub struct CatalogueRow {
    /// 1-based rank.
    pub rank: usize,
    /// Hex of its template id: the hash of its lines with dates, numbers and slot names
    /// masked (stable across runs with the same settings).
    pub key: String,
    /// Its class (see `crate::classify`).
    pub class: Class,
    /// Its lines with the variable parts masked: `{DATE}`, `{TIME}`, `{NUM}`, `{NAME}`.
    pub template: String,
    /// Distinct exact texts (after normalization) that share this template.
    pub variants: u64,
    /// The most frequent fillers of the masked slots, joined by " | ", with their counts.
    pub fillers: Vec<Filler>,
    /// `cross_page` (recurs on other pages), `within_page` (repeated within pages),
    /// `context` (short lines between flagged ones) or `outside_body` (unique text beyond the
    /// article body).
    pub kind: PartKind,
    /// Documents holding this exact span.
    pub docs: u64,
    /// Sites of those documents.
    pub sites: u64,
    /// Occurrences (a span twice on one page counts twice).
    pub occurrences: u64,
    /// Non-blank lines in it.
    pub lines: u32,
    /// Bytes over all its occurrences.
    pub bytes: u64,
    /// `bytes` over all boilerplate bytes of the corpus.
    pub share_of_boilerplate: f64,
    /// Its text at its first occurrence (decoded lossily, cut at about 600 bytes).
    pub sample: String,
    /// The id of the document of that first occurrence.
    pub sample_id: String,
    /// Ids of some documents holding it (at most [`SAMPLE_IDS`]), in input order: the first
    /// document of each of its first sites, then its next-earliest documents.
    pub sample_ids: Vec<String>,
}

/// A masked value and how often it filled a template.
#[derive(Clone, Debug, Serialize)]
pub struct Filler {
    pub value: String,
    pub count: u64,
}

/// Spans, bytes and documents of one class.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ClassTotals {
    pub spans: u64,
    pub bytes: u64,
    /// Documents with at least one span of the class.
    pub documents: u64,
}

/// Documents by paywall status.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PaywallTotals {
    pub none: u64,
    pub teaser: u64,
    pub truncated: u64,
}

/// A document with a paywall.
#[derive(Clone, Debug, Serialize)]
pub struct PaywalledDocument {
    pub id: String,
    pub site: String,
    pub status: PaywallStatus,
}

/// A document kept for renderers that show pages: its text (decoded lossily, cut near
/// [`EXAMPLE_BYTES`] on a character boundary) and its spans' parts, with offsets into that text.
#[derive(Clone, Debug)]
pub struct ExamplePage {
    pub id: String,
    pub site: String,
    pub url: Option<String>,
    pub paywall: PaywallStatus,
    /// Why it was chosen.
    pub reason: ExampleReason,
    /// Its text, decoded lossily, possibly cut.
    pub text: String,
    /// Bytes of the whole document as read.
    pub bytes: u64,
    /// The text was cut at [`EXAMPLE_BYTES`].
    pub cut: bool,
    /// Every part of every span inside `text`, in order (a part running past the cut ends
    /// there).
    pub spans: Vec<ExampleSpan>,
}

/// Why a document is among [`Report::examples`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExampleReason {
    /// The first page of its site.
    FirstOfSite,
    /// The first page of its site with its paywall status (and not the first of its site).
    Paywalled,
}

/// A span part of an [`ExamplePage`]: byte offsets into its `text`, end exclusive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleSpan {
    pub start: usize,
    pub end: usize,
    pub class: Class,
    pub kind: PartKind,
    /// Its template, as in [`CatalogueRow::key`].
    pub template: TemplateId,
}

/// Sites whose first page is kept as an example.
pub const EXAMPLE_SITES: usize = 20;
/// Paywalled pages kept as examples, at most.
pub const EXAMPLE_PAYWALLED: usize = 10;
/// Bytes of an example page's text kept (cut on a character boundary before this).
pub const EXAMPLE_BYTES: usize = 20_000;
/// Sample documents listed per catalogue row.
pub const SAMPLE_IDS: usize = 5;

/// At most this many paywalled documents are listed in the report (all are counted).
pub const PAYWALLED_LISTED: usize = 1000;
/// Fillers tracked per template; past this, only those already seen are counted.
pub(crate) const MAX_FILLERS_TRACKED: usize = 256;
/// Fillers shown per template.
pub(crate) const TOP_FILLERS: usize = 5;

pub(crate) fn top_fillers(fillers: FxHashMap<String, u64>) -> Vec<Filler> {
    let mut v: Vec<Filler> =
        fillers.into_iter().map(|(value, count)| Filler { value, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v.truncate(TOP_FILLERS);
    v
}

/// One site.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SiteRow {
    /// The site ("" when unknown).
    pub site: String,
    pub documents: u64,
    pub bytes: u64,
    pub boilerplate_bytes: u64,
    /// `boilerplate_bytes / bytes`.
    pub boilerplate_share: f64,
    /// Documents with a paywall teaser (status `teaser`).
    pub paywall_teaser: u64,
    /// Documents likely cut at a wall (status `truncated`).
    pub paywall_truncated: u64,
    /// Boilerplate bytes by class.
    pub class_bytes: BTreeMap<Class, u64>,
}

/// Renders a report in one format.
pub trait Render {
    fn render(&self, report: &Report) -> String;
}

#[cfg(test)]
pub(crate) mod tests {
    use super::builder::*;
    use super::catalogue::*;

    use crate::count::SiteKey;

    use crate::doc::{DocId, Document};

    use crate::result::DocResult;
    use crate::span::{Class, PartKind};
    use crate::text::hash::BlockHash;

    use super::*;
    use crate::doc::SourceRef;
    use crate::pipeline::ScanConfig;
    use crate::span::{Span, SpanKind, SpanPart};
    use crate::text::template::TemplateId;

    /// The report of a small hostile crawl: two sites of three pages each, whose shared header
    /// and teaser hold markup, quotes, pipes, backticks, an @-mention, control bytes and
    /// invalid UTF-8, one site's name included.
    pub(crate) fn hostile_report() -> Report {
        let dir = tempfile::tempdir().expect("temporary folder");
        for site in ["quay.example", "evil<i>&\"'|`.example"] {
            let folder = dir.path().join(site);
            std::fs::create_dir_all(&folder).expect("mkdir");
            for i in 0..3 {
                let mut text: Vec<u8> = Vec::new();
                text.extend_from_slice(b"</script><script>alert('x')</script>\n");
                text.extend_from_slice(
                    b"<b>bold</b> & &amp; \"quoted\" 'single' | pipe \\| `tick` ``two`` @octocat\n",
                );
                text.extend_from_slice(b"control \x00\x1b\x7f bytes \xff\xfe end\n");
                text.extend_from_slice(
                    b"Subscribe to continue reading. This content is reserved for subscribers.\n",
                );
                text.extend_from_slice(
                    format!("Page {i} of {site} has a body of its own, long enough to stay.\n")
                        .as_bytes(),
                );
                text.extend_from_slice(b"Footer | About | Contact\n");
                std::fs::write(folder.join(format!("{i}.txt")), text).expect("write");
            }
        }
        let config = ScanConfig { top: 50, ..ScanConfig::default() };
        crate::pipeline::scan(
            &[dir.path().to_path_buf()],
            &config,
            &crate::progress::NoProgress,
            &mut [],
        )
        .expect("scan")
    }

    fn part(start: usize, end: usize, class: Class) -> SpanPart {
        SpanPart {
            first_line: 0,
            last_line: 0,
            start,
            end,
            kind: PartKind::CrossPage,
            lines: 1,
            key: BlockHash(0),
            class,
            template: TemplateId(start as u64),
            masked: None,
        }
    }

    fn doc_with(text: &[u8], parts: Vec<SpanPart>) -> (Document, DocResult) {
        let doc = Document {
            seq: DocId(0),
            id: "d".into(),
            site: "s".into(),
            url: None,
            text: text.to_vec(),
            source: SourceRef { file: "f".into(), record: 0, offset: 0 },
            record: None,
        };
        let span = Span {
            first_line: 0,
            last_line: 0,
            start: parts.first().map_or(0, |p| p.start),
            end: parts.last().map_or(0, |p| p.end),
            kind: SpanKind::CrossPage,
            docs: 2,
            sites: 1,
            lines: 1,
            context_lines: 0,
            outside_body_lines: 0,
            class: Class::Other,
            also: Vec::new(),
            template: TemplateId(0),
            parts,
        };
        let result = DocResult {
            lines: 1,
            non_blank_lines: 1,
            bytes: text.len() as u64,
            boilerplate_bytes: 0,
            boilerplate_lines: 0,
            spans: vec![span],
            classes: Default::default(),
            duplicate: None,
            unflagged_from: None,
        };
        (doc, result)
    }

    #[test]
    fn example_spans_follow_the_lossy_text() {
        // An invalid byte before a part grows into three bytes of U+FFFD.
        let text = b"a\xff\nHome\nNews\nbody\n";
        let (doc, result) =
            doc_with(text, vec![part(3, 8, Class::Navigation), part(8, 13, Class::Other)]);
        let e = example_page(&doc, &result, ExampleReason::FirstOfSite);
        assert_eq!(e.text, "a\u{fffd}\nHome\nNews\nbody\n");
        assert!(!e.cut);
        let marked: Vec<&str> = e.spans.iter().map(|s| &e.text[s.start..s.end]).collect();
        assert_eq!(marked, ["Home\n", "News\n"]);
        assert_eq!(e.spans[0].class, Class::Navigation);
    }

    #[test]
    fn example_text_is_cut_on_a_char_boundary() {
        // 'é' is two bytes: a cut at EXAMPLE_BYTES falls inside one and backs off.
        let mut text = b"x".to_vec();
        text.extend("é".repeat(EXAMPLE_BYTES).as_bytes());
        let end = text.len();
        let (doc, result) =
            doc_with(&text, vec![part(1, 3, Class::Other), part(5, end, Class::Footer)]);
        let e = example_page(&doc, &result, ExampleReason::Paywalled);
        assert!(e.cut);
        assert_eq!(e.text.len(), EXAMPLE_BYTES - 1);
        assert!(!e.text.contains('\u{fffd}'));
        assert_eq!(e.bytes, end as u64);
        // The part running past the cut ends at it.
        assert_eq!(e.spans[1].end, e.text.len());
        assert_eq!(&e.text[e.spans[0].start..e.spans[0].end], "é");
    }

    #[test]
    fn samples_prefer_one_document_per_site() {
        let mut samples = Vec::new();
        let (a, b, c) = (SiteKey(1), SiteKey(2), SiteKey(3));
        for (site, id) in [(a, "a1"), (a, "a2"), (a, "a3"), (a, "a4"), (a, "a5"), (a, "a6")] {
            add_sample(&mut samples, site, id);
        }
        add_sample(&mut samples, b, "b1");
        add_sample(&mut samples, b, "b2");
        add_sample(&mut samples, c, "c1");
        let ids: Vec<&str> = samples.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(ids, ["a1", "a2", "a3", "b1", "c1"]);
    }

    #[test]
    fn examples_are_kept_out_of_the_json_report() {
        let r = hostile_report();
        assert!(!r.examples.is_empty());
        let json = super::json::Json.render(&r);
        assert!(!json.contains("examples"));
        assert!(json.contains("\"sample_ids\""));
    }

    #[test]
    fn samples_are_cut_on_char_boundaries() {
        let long = "é".repeat(400);
        let s = sample(long.as_bytes());
        assert!(s.ends_with('…'));
        assert!(s.len() <= SAMPLE_BYTES + '…'.len_utf8());
        assert_eq!(sample(b"Home\n"), "Home");
    }

    #[test]
    fn ratios() {
        assert_eq!(ratio(1, 0), 0.0);
        assert_eq!(ratio(1, 3), 0.333333);
    }
}
