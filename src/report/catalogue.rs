//! The catalogue of recurring span parts: one entry per template, with its counts, first
//! sample, sample ids and fillers, in an order that is the same for any thread count.

use super::{MAX_FILLERS_TRACKED, SAMPLE_IDS};
use crate::count::SiteKey;
use crate::doc::DocId;
use crate::span::{Class, PartKind};
use crate::text::hash::BlockHash;
use crate::text::template::{template_of, Template, TemplateId};
use bstr::ByteSlice;
use rustc_hash::{FxHashMap, FxHashSet};

#[derive(Debug)]
pub(crate) struct CatalogueEntry {
    pub(crate) kind: PartKind,
    pub(crate) class: Class,
    pub(crate) template_text: String,
    pub(crate) variants: FxHashSet<BlockHash>,
    pub(crate) fillers: FxHashMap<String, u64>,
    pub(crate) docs: u64,
    pub(crate) sites: FxHashSet<SiteKey>,
    pub(crate) occurrences: u64,
    pub(crate) lines: u32,
    pub(crate) bytes: u64,
    pub(crate) first: DocId,
    pub(crate) last_doc: DocId,
    pub(crate) sample: String,
    pub(crate) sample_id: String,
    pub(crate) samples: Vec<(SiteKey, String)>,
}

pub(crate) const SAMPLE_BYTES: usize = 600;

/// One part of a span as the catalogue takes it.
pub(crate) struct CataloguePart<'a> {
    pub(crate) template: TemplateId,
    pub(crate) kind: PartKind,
    pub(crate) class: Class,
    pub(crate) lines: u32,
    pub(crate) key: BlockHash,
    pub(crate) doc: DocId,
    pub(crate) site: SiteKey,
    pub(crate) id: &'a str,
    pub(crate) text: &'a [u8],
    /// The part's template when classification masked it already (`None`: mask it here).
    pub(crate) masked: Option<&'a Template>,
}

/// Adds a span part to the catalogue. The parts of one template must come in input order
/// (the first sample, the sample ids and the fillers kept depend on it); those of different
/// templates in any order.
pub(crate) fn add_part(
    catalogue: &mut FxHashMap<TemplateId, CatalogueEntry>,
    part: &CataloguePart,
) {
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
pub(crate) fn catalogue_order(
    (ka, a): &(TemplateId, CatalogueEntry),
    (kb, b): &(TemplateId, CatalogueEntry),
) -> std::cmp::Ordering {
    b.docs.cmp(&a.docs).then(b.bytes.cmp(&a.bytes)).then(a.first.cmp(&b.first)).then(ka.cmp(kb))
}

/// Adds a document to a row's samples, kept in input order: while there is room, any document;
/// then a document of a site not yet sampled replaces the latest sample of a site sampled
/// twice or more, so that the samples show as many sites as they can.
pub(crate) fn add_sample(samples: &mut Vec<(SiteKey, String)>, site: SiteKey, id: &str) {
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
pub(crate) fn sample(bytes: &[u8]) -> String {
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
