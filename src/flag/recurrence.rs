//! Recurrence: the lines that a block recurring across pages, or repeated within the page,
//! covers.
//!
//! A block is *cross-page* boilerplate when it stands on at least `min_docs` documents and on
//! at least `min_site_fraction` of its site's pages; *within-page* boilerplate when it occurs
//! twice or more in one document (a window of `shingle` lines, or a single line with
//! `within_page_single_lines`).

use rustc_hash::FxHashMap;

use super::lines::LineFlag;
use super::FlagConfig;
use crate::count::{Counts, SiteKey};
use crate::text::block::LineView;
use crate::text::hash::BlockHash;
use crate::text::shingle::blocks;

/// A block on at least this share of its site's pages is part of the site's template.
const TEMPLATE_SITE_FRACTION: f64 = 0.5;

/// The flags of recurrence alone, per non-blank line of `view`, for a page of `site_key`,
/// whose site has `site_docs` pages.
pub(super) fn flag_recurrence(
    counts: &Counts,
    cfg: &FlagConfig,
    view: &LineView,
    site_key: SiteKey,
    site_docs: f64,
) -> Vec<LineFlag> {
    let doc_blocks = blocks(&view.hashes, cfg.shingle);
    let mut local: FxHashMap<BlockHash, u32> = FxHashMap::default();
    if cfg.within_page {
        for b in &doc_blocks {
            *local.entry(b.hash).or_default() += 1;
        }
    }
    let mut flags = vec![LineFlag::default(); view.hashes.len()];
    for b in &doc_blocks {
        let totals = counts.block(b.hash);
        let on_site = counts.site_docs_of(b.hash, site_key);
        let cross =
            totals.docs >= cfg.min_docs && f64::from(on_site) >= cfg.min_site_fraction * site_docs;
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
    flags
}
