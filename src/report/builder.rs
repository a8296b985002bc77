//! Building the report document by document, in input order: the catalogue of recurring parts, the per-site and per-class totals, the paywalled pages and the example pages.

use super::catalogue::{add_part, catalogue_order, CatalogueEntry, CataloguePart};
use super::{
    top_fillers, CatalogueRow, ClassTotals, ExamplePage, ExampleReason, ExampleSpan, PaywallTotals,
    PaywalledDocument, Report, Settings, SiteRow, Tool, Totals, EXAMPLE_BYTES, EXAMPLE_PAYWALLED,
    EXAMPLE_SITES, PAYWALLED_LISTED,
};
use crate::classify::PaywallStatus;
use crate::count::{Counts, MemoryConfig, SiteKey};
use crate::doc::{Document, InputProblem};
use crate::error::Result;
use crate::result::DocResult;
use crate::span::Class;
use crate::text::template::TemplateId;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

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
    spill: Option<super::spill::CatalogueSpill>,
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
            Some(_) => Some(super::spill::CatalogueSpill::new(memory.temp_dir.as_deref())?),
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
        t.cut_documents += u64::from(result.unflagged_from.is_some());
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
            skipped_files: Vec::new(),
            duplicates: None,
            examples: self.examples,
        })
    }
}

/// The text of `doc` cut near [`EXAMPLE_BYTES`] and decoded lossily, with every span part
/// mapped into it. The text is decoded piece by piece between part boundaries (each at a line
/// start or end, so never inside a character) to map byte offsets through the lossy decoding,
/// where an invalid byte becomes three.
pub(crate) fn example_page(
    doc: &Document,
    result: &DocResult,
    reason: ExampleReason,
) -> ExamplePage {
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

pub(crate) fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        // Rounded so that reports stay readable and stable across platforms.
        ((a as f64 / b as f64) * 1e6).round() / 1e6
    }
}
