//! Finding duplicates: exact groups and banded-LSH candidates, confirmed, joined by union-find into clusters.

use super::config::DedupConfig;
use super::minhash::{bucket_pairs, estimate_jaccard};
use super::signatures::Signatures;
use super::union_find::{representative, UnionFind};
use super::{Cluster, ClusterMember, DupKind, DuplicateTotals, Duplicates};
use crate::count::{Counts, SiteKey};
use crate::doc::DocId;
use crate::error::Result;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// An edge between two documents, confirmed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Edge {
    a: u32,
    b: u32,
}

/// `(contained share of the shorter, the shorter is a truncated copy)`.
pub(crate) fn truncated(
    sigs: &Signatures,
    config: &DedupConfig,
    short: usize,
    long: usize,
) -> Result<Option<f64>> {
    let (ms, ml) = (sigs.meta(short), sigs.meta(long));
    if f64::from(ms.shingles) > config.truncated_max_share * f64::from(ml.shingles) {
        return Ok(None);
    }
    if estimate_jaccard(&sigs.lead(short)?, &sigs.lead(long)?) < config.near_threshold {
        return Ok(None);
    }
    let contained = containment(sigs, short, long)?;
    Ok((contained >= config.truncated_containment).then_some(contained))
}

/// Estimated share of `a`'s shingles that stand in `b`: |A∩B| = J(|A|+|B|)/(1+J).
pub(crate) fn containment(sigs: &Signatures, a: usize, b: usize) -> Result<f64> {
    let j = estimate_jaccard(&sigs.minhash(a)?, &sigs.minhash(b)?);
    let (na, nb) = (f64::from(sigs.meta(a).shingles), f64::from(sigs.meta(b).shingles));
    if na == 0.0 {
        return Ok(0.0);
    }
    Ok((j * (na + nb) / (1.0 + j) / na).min(1.0))
}

/// The shorter of two documents first (fewer shingles, then later in input order).
pub(crate) fn by_length(sigs: &Signatures, a: u32, b: u32) -> (usize, usize) {
    let (a, b) = (a as usize, b as usize);
    let la = (sigs.meta(a).shingles, std::cmp::Reverse(a));
    let lb = (sigs.meta(b).shingles, std::cmp::Reverse(b));
    if la <= lb {
        (a, b)
    } else {
        (b, a)
    }
}

/// Checks one candidate pair.
pub(crate) fn confirm(sigs: &Signatures, config: &DedupConfig, a: u32, b: u32) -> Result<bool> {
    let j = estimate_jaccard(&sigs.minhash(a as usize)?, &sigs.minhash(b as usize)?);
    if j >= config.near_threshold {
        return Ok(true);
    }
    let (short, long) = by_length(sigs, a, b);
    Ok(truncated(sigs, config, short, long)?.is_some())
}

/// Finds exact, near and truncated duplicates among `sigs`, forms clusters and picks their
/// representatives. The result depends on the signatures and the settings only, never on the
/// thread count. Fails only when spilled signatures cannot be read back.
pub fn find_duplicates(
    sigs: &Signatures,
    config: &DedupConfig,
    counts: &Counts,
) -> Result<Duplicates> {
    let n = sigs.len();
    let eligible = |i: usize| !sigs.meta(i).page_only;
    let mut totals = DuplicateTotals {
        documents_without_content: (0..n).filter(|&i| !eligible(i)).count() as u64,
        ..DuplicateTotals::default()
    };
    let mut uf = UnionFind::new(n);
    // Blank pages (hash 0) are no one's copies.
    let exact = super::exact::exact_groups(
        (0..n)
            .filter(|&i| eligible(i) || sigs.meta(i).content_hash != 0)
            .map(|i| (i as u32, sigs.meta(i).content_hash)),
    );
    for g in &exact {
        for w in g.windows(2) {
            uf.union(w[0], w[1]);
        }
    }
    // Exact copies need no MinHash: one member of each group stands for all of it.
    let mut stands_in = vec![true; n];
    for g in &exact {
        for &d in &g[1..] {
            stands_in[d as usize] = false;
        }
    }
    let take = |i: usize| eligible(i) && stands_in[i];
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for bucket in sigs.buckets(false, config.bands, take)? {
        pairs.extend(bucket_pairs(&bucket));
    }
    for bucket in sigs.buckets(true, config.lead_bands, take)? {
        pairs.extend(bucket_pairs(&bucket));
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    totals.candidate_pairs = pairs.len() as u64;
    let edges: Vec<Edge> = pairs
        .par_iter()
        .filter_map(|&(a, b)| {
            confirm(sigs, config, a, b).map(|c| c.then_some(Edge { a, b })).transpose()
        })
        .collect::<Result<_>>()?;
    totals.confirmed_pairs = edges.len() as u64;
    for e in &edges {
        uf.union(e.a, e.b);
    }
    let mut clusters = Vec::new();
    let mut links = FxHashMap::default();
    for group in uf.groups() {
        let lengths: Vec<(DocId, u64)> = group
            .iter()
            .map(|&d| (DocId(u64::from(d)), sigs.meta(d as usize).content_bytes))
            .collect();
        let rep = representative(&lengths).0 as usize;
        let mut members = Vec::with_capacity(group.len());
        let mut sites: Vec<String> = Vec::new();
        let mut all_exact = true;
        let mut lowest = 1.0f64;
        for &d in &group {
            let d = d as usize;
            let site = site_name(counts, sigs.meta(d).site);
            sites.push(site.clone());
            let (kind, similarity) = if d == rep {
                (None, None)
            } else {
                let (k, s) = relation(sigs, config, d, rep)?;
                all_exact &= k == DupKind::Exact;
                lowest = lowest.min(s);
                match k {
                    DupKind::Exact => totals.exact_duplicates += 1,
                    DupKind::Near => totals.near_duplicates += 1,
                    DupKind::Truncated => totals.truncated_duplicates += 1,
                }
                (Some(k), Some(s))
            };
            links.insert(DocId(d as u64), (clusters.len() as u32, kind, similarity.unwrap_or(1.0)));
            members.push(ClusterMember { id: sigs.id(d).to_string(), site, kind, similarity });
        }
        sites.sort();
        sites.dedup();
        totals.documents_in_clusters += group.len() as u64;
        totals.duplicates += group.len() as u64 - 1;
        if all_exact {
            totals.exact_clusters += 1;
        } else {
            totals.near_clusters += 1;
        }
        clusters.push(Cluster {
            kind: if all_exact { DupKind::Exact } else { DupKind::Near },
            size: group.len(),
            sites,
            representative: sigs.id(rep).to_string(),
            similarity: round(lowest),
            members,
        });
    }
    // Largest first; groups came ordered by first member, and the sort is stable.
    let mut order: Vec<usize> = (0..clusters.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(clusters[c].size));
    let mut renumber = vec![0u32; clusters.len()];
    for (new, &old) in order.iter().enumerate() {
        renumber[old] = new as u32;
    }
    for link in links.values_mut() {
        link.0 = renumber[link.0 as usize];
    }
    let mut slots: Vec<Option<Cluster>> = clusters.into_iter().map(Some).collect();
    let clusters = order.iter().map(|&c| slots[c].take().expect("each once")).collect();
    Ok(Duplicates { totals, clusters, links })
}

/// How member `d` stands to the representative `rep`.
pub(crate) fn relation(
    sigs: &Signatures,
    config: &DedupConfig,
    d: usize,
    rep: usize,
) -> Result<(DupKind, f64)> {
    if sigs.meta(d).content_hash == sigs.meta(rep).content_hash {
        return Ok((DupKind::Exact, 1.0));
    }
    let j = estimate_jaccard(&sigs.minhash(d)?, &sigs.minhash(rep)?);
    if j >= config.near_threshold {
        return Ok((DupKind::Near, round(j)));
    }
    if let Some(c) = truncated(sigs, config, d, rep)? {
        return Ok((DupKind::Truncated, round(c)));
    }
    // Linked through other members only.
    Ok((DupKind::Near, round(j)))
}

pub(crate) fn site_name(counts: &Counts, key: SiteKey) -> String {
    counts.sites.get(&key).map(|s| s.name.clone()).unwrap_or_default()
}

pub(crate) fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
