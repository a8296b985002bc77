//! The report model: the single source of truth that every renderer draws from.
//!
//! Every field is documented here and in docs/report.md. The report holds nothing that depends
//! on timing or thread count, so the same inputs and settings give a byte-identical report.

pub mod display;
pub mod html;
pub mod json;
pub mod markdown;
mod spill;
pub mod summary;

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::classify::PaywallStatus;
use crate::count::{Counts, MemoryConfig, SiteKey};
use crate::dedup::{Cluster, DedupConfig, DuplicateTotals, Duplicates};
use crate::doc::InputProblem;
use crate::doc::{DocId, Document};
use crate::error::Result;
use crate::flag::FlagConfig;
use crate::input::FieldConfig;
use crate::result::DocResult;
use crate::span::Class;
use crate::span::PartKind;
use crate::text::hash::{BlockHash, SEED};
use crate::text::normalize::NormalizeConfig;
use crate::text::template::{template_of, Template, TemplateId};
use bstr::ByteSlice;

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
    /// Duplicate documents (null when duplicate detection is off).
    pub duplicates: Option<DuplicateReport>,
    /// Some documents with their text and spans, for renderers that show pages (HTML): the
    /// first page of each of the first [`EXAMPLE_SITES`] sites and the first page of each site
    /// with each paywall status (at most [`EXAMPLE_PAYWALLED`]), in input order. Not in the
    /// JSON report, which would otherwise grow by up to [`EXAMPLE_BYTES`] per page.
    #[serde(skip)]
    pub examples: Vec<ExamplePage>,
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
const MAX_FILLERS_TRACKED: usize = 256;
/// Fillers shown per template.
const TOP_FILLERS: usize = 5;

fn top_fillers(fillers: FxHashMap<String, u64>) -> Vec<Filler> {
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

#[derive(Debug)]
struct CatalogueEntry {
    kind: PartKind,
    class: Class,
    template_text: String,
    variants: FxHashSet<BlockHash>,
    fillers: FxHashMap<String, u64>,
    docs: u64,
    sites: FxHashSet<SiteKey>,
    occurrences: u64,
    lines: u32,
    bytes: u64,
    first: DocId,
    last_doc: DocId,
    sample: String,
    sample_id: String,
    samples: Vec<(SiteKey, String)>,
}

const SAMPLE_BYTES: usize = 600;

/// One part of a span as the catalogue takes it.
struct CataloguePart<'a> {
    template: TemplateId,
    kind: PartKind,
    class: Class,
    lines: u32,
    key: BlockHash,
    doc: DocId,
    site: SiteKey,
    id: &'a str,
    text: &'a [u8],
    /// The part's template when classification masked it already (`None`: mask it here).
    masked: Option<&'a Template>,
}

/// Adds a span part to the catalogue. The parts of one template must come in input order
/// (the first sample, the sample ids and the fillers kept depend on it); those of different
/// templates in any order.
fn add_part(catalogue: &mut FxHashMap<TemplateId, CatalogueEntry>, part: &CataloguePart) {
    // Classification masked the part already; mask here only parts that skipped it (and parts
    // replayed from a spill).
    let computed;
    let template = match part.masked {
        Some(t) => t,
        None => {
            let lines = part.text.split_str("\n").map(|l| String::from_utf8_lossy(l).into_owned());
            let lines: Vec<String> = lines.filter(|l| !l.trim().is_empty()).collect();
            computed = template_of(lines.iter().map(String::as_str));
            &computed
        }
    };
    let e = catalogue.entry(part.template).or_insert_with(|| CatalogueEntry {
        kind: part.kind,
        class: part.class,
        template_text: template.text.clone(),
        variants: FxHashSet::default(),
        fillers: FxHashMap::default(),
        docs: 0,
        sites: FxHashSet::default(),
        occurrences: 0,
        lines: part.lines,
        bytes: 0,
        first: part.doc,
        last_doc: DocId(u64::MAX),
        sample: sample(part.text),
        sample_id: part.id.to_string(),
        samples: Vec::new(),
    });
    if e.last_doc != part.doc {
        e.docs += 1;
        e.last_doc = part.doc;
        add_sample(&mut e.samples, part.site, part.id);
    }
    // Cross-page wins: the same lines may be flagged otherwise on some page.
    e.kind = e.kind.min(part.kind);
    e.sites.insert(part.site);
    e.variants.insert(part.key);
    if !template.fillers.is_empty()
        && (e.fillers.len() < MAX_FILLERS_TRACKED
            || e.fillers.contains_key(&template.fillers.join(" | ")))
    {
        *e.fillers.entry(template.fillers.join(" | ")).or_default() += 1;
    }
    e.occurrences += 1;
    e.bytes += part.text.len() as u64;
}

/// The catalogue's order: most documents first, then most bytes; ties by first appearance,
/// then by template id, so the order is the same for any thread count and whether the
/// catalogue was built in memory or replayed from disk.
fn catalogue_order(
    (ka, a): &(TemplateId, CatalogueEntry),
    (kb, b): &(TemplateId, CatalogueEntry),
) -> std::cmp::Ordering {
    b.docs.cmp(&a.docs).then(b.bytes.cmp(&a.bytes)).then(a.first.cmp(&b.first)).then(ka.cmp(kb))
}

/// Builds a [`Report`] from documents handed to it in input order.
pub struct ReportBuilder {
    settings: Settings,
    top: usize,
    totals: Totals,
    sites: BTreeMap<String, SiteRow>,
    catalogue: FxHashMap<TemplateId, CatalogueEntry>,
    problems: Vec<InputProblem>,
    classes: BTreeMap<Class, ClassTotals>,
    paywall: PaywallTotals,
    paywalled_documents: Vec<PaywalledDocument>,
    examples: Vec<ExamplePage>,
    /// (site, status) pairs that have a paywalled example page.
    paywalled_examples: Vec<(String, PaywallStatus)>,
    /// Under a memory cap: the span parts, on disk, instead of `catalogue`.
    spill: Option<spill::CatalogueSpill>,
}

impl ReportBuilder {
    /// A builder for a scan under `settings`, keeping `top` rows of the catalogue. Fails only
    /// under a memory cap, when the span catalogue's temporary folder cannot be made.
    pub fn new(
        settings: Settings,
        top: usize,
        memory: &MemoryConfig,
        counts: &Counts,
    ) -> Result<ReportBuilder> {
        let spill = match memory.max_memory {
            Some(_) => Some(spill::CatalogueSpill::new(memory.temp_dir.as_deref())?),
            None => None,
        };
        Ok(ReportBuilder {
            settings,
            top,
            totals: Totals {
                distinct_blocks: counts.distinct_blocks,
                duplicate_documents: counts.duplicates,
                ..Totals::default()
            },
            sites: BTreeMap::new(),
            catalogue: FxHashMap::default(),
            problems: Vec::new(),
            classes: BTreeMap::new(),
            paywall: PaywallTotals::default(),
            paywalled_documents: Vec::new(),
            examples: Vec::new(),
            paywalled_examples: Vec::new(),
            spill,
        })
    }

    pub fn add_problem(&mut self, problem: &InputProblem) {
        self.problems.push(problem.clone());
    }

    /// Adds the next document in input order. Fails only under a memory cap, when its spans
    /// cannot be written to the catalogue's temporary files.
    pub fn add_document(&mut self, doc: &Document, result: &DocResult) -> Result<()> {
        let t = &mut self.totals;
        t.documents += 1;
        t.lines += u64::from(result.lines);
        t.non_blank_lines += u64::from(result.non_blank_lines);
        t.bytes += result.bytes;
        t.boilerplate_bytes += result.boilerplate_bytes;
        t.boilerplate_lines += u64::from(result.boilerplate_lines);
        t.spans += result.spans.len() as u64;
        self.add_example(doc, result);
        let site = self
            .sites
            .entry(doc.site.clone())
            .or_insert_with(|| SiteRow { site: doc.site.clone(), ..SiteRow::default() });
        site.documents += 1;
        site.bytes += result.bytes;
        site.boilerplate_bytes += result.boilerplate_bytes;
        let site_key = SiteKey::of(&doc.site);
        match result.classes.paywall {
            PaywallStatus::None => self.paywall.none += 1,
            PaywallStatus::Teaser => {
                self.paywall.teaser += 1;
                site.paywall_teaser += 1;
            }
            PaywallStatus::Truncated => {
                self.paywall.truncated += 1;
                site.paywall_truncated += 1;
            }
        }
        if result.classes.paywall != PaywallStatus::None
            && self.paywalled_documents.len() < PAYWALLED_LISTED
        {
            self.paywalled_documents.push(PaywalledDocument {
                id: doc.id.clone(),
                site: doc.site.clone(),
                status: result.classes.paywall,
            });
        }
        // Spans and documents by the span's class; bytes by each part's own class, so that a
        // span holding a header and a teaser counts the header's bytes as navigation.
        let mut seen_classes: Vec<Class> = Vec::new();
        for s in &result.spans {
            let c = self.classes.entry(s.class).or_default();
            c.spans += 1;
            if !seen_classes.contains(&s.class) {
                seen_classes.push(s.class);
                c.documents += 1;
            }
            for p in &s.parts {
                self.classes.entry(p.class).or_default().bytes += (p.end - p.start) as u64;
                *site.class_bytes.entry(p.class).or_default() += (p.end - p.start) as u64;
            }
        }
        for span in result.spans.iter().flat_map(|s| &s.parts) {
            let part = CataloguePart {
                template: span.template,
                kind: span.kind,
                class: span.class,
                lines: span.lines,
                key: span.key,
                doc: doc.seq,
                site: site_key,
                id: &doc.id,
                text: &doc.text[span.start..span.end],
                masked: span.masked.as_deref(),
            };
            match &mut self.spill {
                Some(spill) => spill.write(&part)?,
                None => add_part(&mut self.catalogue, &part),
            }
        }
        Ok(())
    }

    /// Keeps `doc` as an example page when it is the first of one of the first
    /// [`EXAMPLE_SITES`] sites, or the first page of its site with its paywall status
    /// (`teaser`, `truncated`; [`EXAMPLE_PAYWALLED`] such pages at most), so that the page view
    /// shows each site and each kind of wall. Called before the document's site is recorded.
    fn add_example(&mut self, doc: &Document, result: &DocResult) {
        let first_of_site = self.sites.len() < EXAMPLE_SITES && !self.sites.contains_key(&doc.site);
        let status = result.classes.paywall;
        let paywalled = status != PaywallStatus::None
            && self.paywalled_examples.len() < EXAMPLE_PAYWALLED
            && !self.paywalled_examples.iter().any(|(s, st)| *s == doc.site && *st == status);
        if paywalled {
            self.paywalled_examples.push((doc.site.clone(), status));
        }
        let reason = if first_of_site {
            ExampleReason::FirstOfSite
        } else if paywalled {
            ExampleReason::Paywalled
        } else {
            return;
        };
        self.examples.push(example_page(doc, result, reason));
    }

    /// The report. Fails only under a memory cap, when the span catalogue cannot be read back
    /// from its temporary files.
    pub fn finish(self) -> Result<Report> {
        let mut totals = self.totals;
        totals.sites = self.sites.len() as u64;
        totals.problems = self.problems.len() as u64;
        totals.boilerplate_share = ratio(totals.boilerplate_bytes, totals.bytes);
        let (distinct, rows) = match self.spill {
            None => {
                let distinct = self.catalogue.len() as u64;
                let mut rows: Vec<(TemplateId, CatalogueEntry)> =
                    self.catalogue.into_iter().collect();
                rows.sort_by(catalogue_order);
                (distinct, rows)
            }
            Some(spill) => spill.finish(self.top)?,
        };
        totals.distinct_spans = distinct;
        let top_spans = rows
            .into_iter()
            .take(self.top)
            .enumerate()
            .map(|(i, (key, e))| CatalogueRow {
                rank: i + 1,
                key: key.hex(),
                class: e.class,
                template: e.template_text,
                variants: e.variants.len() as u64,
                fillers: top_fillers(e.fillers),
                kind: e.kind,
                docs: e.docs,
                sites: e.sites.len() as u64,
                occurrences: e.occurrences,
                lines: e.lines,
                bytes: e.bytes,
                share_of_boilerplate: ratio(e.bytes, totals.boilerplate_bytes),
                sample: e.sample,
                sample_id: e.sample_id,
                sample_ids: e.samples.into_iter().map(|(_, id)| id).collect(),
            })
            .collect();
        let mut sites: Vec<SiteRow> = self
            .sites
            .into_values()
            .map(|mut s| {
                s.boilerplate_share = ratio(s.boilerplate_bytes, s.bytes);
                s
            })
            .collect();
        sites.sort_by(|a, b| b.documents.cmp(&a.documents).then_with(|| a.site.cmp(&b.site)));
        Ok(Report {
            tool: Tool { name: "chaff", version: env!("CARGO_PKG_VERSION") },
            settings: self.settings,
            totals,
            top_spans,
            sites,
            classes: self.classes,
            paywall: self.paywall,
            paywalled_documents: self.paywalled_documents,
            problems: self.problems,
            duplicates: None,
            examples: self.examples,
        })
    }
}

/// The text of `doc` cut near [`EXAMPLE_BYTES`] and decoded lossily, with every span part
/// mapped into it. The text is decoded piece by piece between part boundaries (each at a line
/// start or end, so never inside a character) to map byte offsets through the lossy decoding,
/// where an invalid byte becomes three.
fn example_page(doc: &Document, result: &DocResult, reason: ExampleReason) -> ExamplePage {
    let bytes = &doc.text[..];
    let mut cut = bytes.len().min(EXAMPLE_BYTES);
    // Back off to the start of a character: at most three continuation bytes (more cannot
    // belong to one character, and invalid text is cut anywhere).
    for _ in 0..3 {
        if cut == 0 || cut == bytes.len() || bytes[cut] & 0xC0 != 0x80 {
            break;
        }
        cut -= 1;
    }
    let parts: Vec<&crate::span::SpanPart> =
        result.spans.iter().flat_map(|s| &s.parts).filter(|p| p.start < cut).collect();
    let mut bounds: Vec<usize> = vec![0, cut];
    for p in &parts {
        bounds.push(p.start);
        bounds.push(p.end.min(cut));
    }
    bounds.sort_unstable();
    bounds.dedup();
    let mut text = String::with_capacity(cut);
    let mut mapped = Vec::with_capacity(bounds.len());
    mapped.push(0);
    for w in bounds.windows(2) {
        text.push_str(&String::from_utf8_lossy(&bytes[w[0]..w[1]]));
        mapped.push(text.len());
    }
    let map = |at: usize| mapped[bounds.binary_search(&at).expect("every offset is a bound")];
    let spans = parts
        .iter()
        .map(|p| ExampleSpan {
            start: map(p.start),
            end: map(p.end.min(cut)),
            class: p.class,
            kind: p.kind,
            template: p.template,
        })
        .collect();
    ExamplePage {
        id: doc.id.clone(),
        site: doc.site.clone(),
        url: doc.url.clone(),
        paywall: result.classes.paywall,
        reason,
        text,
        bytes: bytes.len() as u64,
        cut: cut < bytes.len(),
        spans,
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        // Rounded so that reports stay readable and stable across platforms.
        ((a as f64 / b as f64) * 1e6).round() / 1e6
    }
}

/// Adds a document to a row's samples, kept in input order: while there is room, any document;
/// then a document of a site not yet sampled replaces the latest sample of a site sampled
/// twice or more, so that the samples show as many sites as they can.
fn add_sample(samples: &mut Vec<(SiteKey, String)>, site: SiteKey, id: &str) {
    if samples.len() < SAMPLE_IDS {
        samples.push((site, id.to_string()));
        return;
    }
    if samples.iter().any(|(s, _)| *s == site) {
        return;
    }
    let repeated = |i: usize| samples.iter().filter(|(s, _)| *s == samples[i].0).count() > 1;
    if let Some(i) = (0..samples.len()).rev().find(|&i| repeated(i)) {
        samples.remove(i);
        samples.push((site, id.to_string()));
    }
}

/// Lossy text of a span, cut at a character boundary near [`SAMPLE_BYTES`].
fn sample(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_end_matches(['\n', '\r']);
    if text.len() <= SAMPLE_BYTES {
        return text.to_string();
    }
    let mut cut = SAMPLE_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}

/// Renders a report in one format.
pub trait Render {
    fn render(&self, report: &Report) -> String;
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::doc::SourceRef;
    use crate::pipeline::ScanConfig;
    use crate::span::{Span, SpanKind, SpanPart};

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
