//! The learn pass, between count and mark: each site's usual kept length and each page's
//! duplicate signature (and, in one scan, each page's result, kept for mark).

use std::sync::atomic::Ordering;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::batches::{read_batches, total_size};
use super::ScanConfig;
use crate::classify::{classify_document, Classifiers, LineTexts, PaywallConfig};
use crate::count::{Counts, SiteKey};
use crate::dedup::content::{DocSignature, Signer};
use crate::dedup::minhash::MinHasher;
use crate::dedup::{DedupConfig, Duplicates, Signatures};
use crate::doc::Document;
use crate::error::Result;
use crate::flag::Flagger;
use crate::formats::learned::LearnedDocs;
use crate::input::{InputFile, Item};
use crate::progress::{Phase, Progress};
use crate::result::spool::ResultWriter;
use crate::result::DocResult;
use crate::span::Span;
use crate::text::block::LineView;
use crate::text::normalize::{NormalizeConfig, Normalizer};

/// What the mark pass needs to know of each site beyond the counts.
#[derive(Debug, Default)]
pub struct SiteProfiles {
    /// Median kept bytes (normalized non-blank lines outside spans) of the site's pages, for
    /// sites with at least [`PROFILE_MIN_PAGES`] pages: a teaser page whose text before the
    /// wall is far shorter than its site's usual page was cut at the wall.
    pub median_kept: FxHashMap<SiteKey, u64>,
}

/// Sites with fewer pages have no profile: one page cannot be compared with its site.
pub const PROFILE_MIN_PAGES: u64 = 3;

/// Pass between count and mark: flags every page once to learn each site's usual kept length
/// (sites of [`PROFILE_MIN_PAGES`] pages or more) and, with `dedup`, each page's content
/// signature. With `results`, it also classifies each page and writes its result there, so
/// that mark need not flag it again. Skipped when there is nothing to learn.
pub fn learn(
    files: &[InputFile],
    counts: &Counts,
    config: &ScanConfig,
    dedup: Option<&DedupConfig>,
    progress: &dyn Progress,
    results: Option<&mut ResultWriter>,
) -> Result<Option<(SiteProfiles, Option<Signatures>)>> {
    let profile = counts.sites.values().any(|s| s.docs >= PROFILE_MIN_PAGES);
    if !profile && dedup.is_none() {
        return Ok(None);
    }
    let learned = learn_docs(files, counts, config, dedup, progress, results)?;
    Ok(Some((SiteProfiles::of(&learned.kept), learned.signatures)))
}

/// The learn pass proper: each document's site and kept bytes and, with `dedup`, its
/// signature, in input order; with `results`, each document's classified result is written
/// there too (its paywall status judged without the site's median, its duplicate cluster
/// unknown: [`mark`](super::mark::mark) settles both).
pub fn learn_docs(
    files: &[InputFile],
    counts: &Counts,
    config: &ScanConfig,
    dedup: Option<&DedupConfig>,
    progress: &dyn Progress,
    mut results: Option<&mut ResultWriter>,
) -> Result<LearnedDocs> {
    let normalizer = Normalizer::new(&config.normalize);
    let content_normalizer =
        Normalizer::new(&NormalizeConfig { digit_class: false, ..config.normalize });
    // Flagged as mark flags, so that content is what the outputs will call content.
    let classifiers = Classifiers::default();
    let flagger = Flagger {
        counts,
        config: &config.flag,
        normalizer: &normalizer,
        classifiers: Some(&classifiers),
    };
    let hasher = dedup.map(|d| MinHasher::new(d.permutations, d.seed));
    let signer = dedup.zip(hasher.as_ref()).map(|(d, h)| Signer {
        config: d,
        hasher: h,
        counts,
        normalizer: &content_normalizer,
    });
    let mut learned =
        LearnedDocs { kept: Vec::new(), signatures: dedup.map(Signatures::new).transpose()? };
    progress.start(if dedup.is_some() { Phase::Sign } else { Phase::Profile }, total_size(files));
    let mut docs_done = 0u64;
    let classify = results.is_some();
    let mut outcome = Ok(());
    type Learnt = (u64, Option<DocSignature>, Vec<u8>);
    let learn_batch = |batch: &[Item]| -> Vec<Option<Learnt>> {
        batch
            .par_iter()
            .map(|item| {
                let doc = item.as_ref().ok()?;
                let (view, spans) = flagger.flag(&doc.text, &doc.site);
                let sig = signer.as_ref().map(|s| s.sign(&doc.text, &doc.site, &view, &spans));
                let kept = kept_bytes(&view, &spans);
                let mut record = Vec::new();
                if classify {
                    let result =
                        classify_flagged(&classifiers, &config.paywall, None, doc, &view, spans);
                    crate::result::spool::encode(doc.seq.0, &result, &mut record);
                }
                Some((kept, sig, record))
            })
            .collect()
    };
    // What one batch taught, kept in input order: on one thread, while the next batch is being
    // flagged.
    let mut keep = |batch: &[Item], learnt: Vec<Option<Learnt>>| -> Result<u64> {
        for (item, result) in batch.iter().zip(learnt) {
            let (Ok(doc), Some((kept_len, sig, record))) = (item, result) else { continue };
            if let Some(out) = results.as_deref_mut() {
                out.write(&record)?;
            }
            let site = SiteKey::of(&doc.site);
            learned.kept.push((site, kept_len));
            if let (Some(sigs), Some(sig)) = (learned.signatures.as_mut(), sig) {
                debug_assert_eq!(doc.seq.0 as usize, sigs.len());
                sigs.push(&doc.id, site, &sig)?;
            }
        }
        Ok(batch.len() as u64)
    };
    read_batches(files, Vec::new(), &config.read, |rx, bytes| {
        let mut pending: Option<(Vec<Item>, Vec<Option<Learnt>>)> = None;
        for batch in rx.into_iter().map(Some).chain([None]) {
            let previous = pending.take();
            let (learnt, step) = rayon::join(
                || batch.as_deref().map(learn_batch),
                || previous.map_or(Ok(0), |(b, l)| keep(&b, l)),
            );
            match step {
                Ok(n) => docs_done += n,
                Err(e) => {
                    // Dropping the receiver stops the reader.
                    outcome = Err(e);
                    return;
                }
            }
            progress.update(bytes.load(Ordering::Relaxed), docs_done);
            pending = batch.zip(learnt);
        }
    });
    progress.finish();
    outcome.map(|()| learned)
}

impl SiteProfiles {
    /// The profiles of the sites of `kept` (each document's site and kept bytes).
    pub fn of(kept: &[(SiteKey, u64)]) -> SiteProfiles {
        let mut by_site: FxHashMap<SiteKey, Vec<u64>> = FxHashMap::default();
        for &(site, k) in kept {
            by_site.entry(site).or_default().push(k);
        }
        let median_kept = by_site
            .into_iter()
            .filter(|(_, v)| v.len() as u64 >= PROFILE_MIN_PAGES)
            .map(|(site, mut v)| {
                v.sort_unstable();
                (site, v[v.len() / 2])
            })
            .collect();
        SiteProfiles { median_kept }
    }
}

/// Bytes of the normalized non-blank lines outside every span.
pub(crate) fn kept_bytes(view: &LineView, spans: &[Span]) -> u64 {
    let mut total: u64 = view.lengths.iter().map(|&l| u64::from(l)).sum();
    let mut j = 0;
    for s in spans {
        while j < view.non_blank.len() && view.non_blank[j] < s.first_line {
            j += 1;
        }
        while j < view.non_blank.len() && view.non_blank[j] <= s.last_line {
            total -= u64::from(view.lengths[j]);
            j += 1;
        }
    }
    total
}

/// What the passes before mark learned about the corpus.
#[derive(Clone, Copy)]
pub struct Learned<'a> {
    pub counts: &'a Counts,
    pub profiles: &'a SiteProfiles,
    /// `None` when duplicate detection is off.
    pub duplicates: Option<&'a Duplicates>,
    /// The corpus-wide index of the first document marked (not 0 when one shard of a
    /// corpus is marked against what was learned of all of them).
    pub first_doc: u64,
}

/// Classifies the spans `flag` found in `doc`, its paywall status judged against its site's
/// `median` kept bytes (`None`: not known, or too few pages).
pub(crate) fn classify_flagged(
    classifiers: &Classifiers,
    paywall: &PaywallConfig,
    median: Option<u64>,
    doc: &Document,
    view: &LineView,
    mut spans: Vec<Span>,
) -> DocResult {
    let texts = LineTexts::new(&doc.text, view, &spans);
    let classes = classify_document(classifiers, paywall, view, &texts, &mut spans, median);
    DocResult::new(doc, view, spans, classes)
}
