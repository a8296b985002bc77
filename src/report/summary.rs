//! The human summary printed on stdout.

use std::fmt::Write;

use super::display::{human_bytes, kind_label, one_line, percent, ratio};
use super::{DuplicateReport, Render, Report};
use crate::dedup::DupKind;

/// A plain-text summary: totals, the top recurring spans with a sample, and per-site shares.
pub struct Summary {
    /// Rows of the span table.
    pub spans: usize,
    /// Rows of the site table.
    pub sites: usize,
    /// Characters of each sample shown.
    pub sample_chars: usize,
    /// Rows of the duplicate cluster table.
    pub clusters: usize,
}

impl Default for Summary {
    fn default() -> Self {
        Summary { spans: 15, sites: 20, sample_chars: 72, clusters: 10 }
    }
}

impl Render for Summary {
    fn render(&self, r: &Report) -> String {
        let t = &r.totals;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} documents from {} sites: {} lines ({} non-blank), {}",
            t.documents,
            t.sites,
            t.lines,
            t.non_blank_lines,
            human_bytes(t.bytes)
        );
        let _ = writeln!(
            s,
            "boilerplate: {} of bytes ({}), {} of non-blank lines, in {} spans ({} distinct)",
            percent(t.boilerplate_share),
            human_bytes(t.boilerplate_bytes),
            percent(if t.non_blank_lines == 0 {
                0.0
            } else {
                t.boilerplate_lines as f64 / t.non_blank_lines as f64
            }),
            t.spans,
            t.distinct_spans
        );
        if t.skipped_records > 0 {
            let _ = writeln!(
                s,
                "skipped: {} WARC records that are not HTML pages (requests, metadata, …)",
                t.skipped_records
            );
        }
        if t.cut_documents > 0 {
            let _ = writeln!(
                s,
                "cut: {} longer than --max-doc-bytes ({} bytes) flagged up to the cap only; \
                 the rest of each is kept (`unflagged_from` in the annotations)",
                if t.cut_documents == 1 {
                    "1 document".to_string()
                } else {
                    format!("{} documents", t.cut_documents)
                },
                r.settings.flag.max_doc_bytes
            );
        }
        skipped_files(&mut s, r);
        if t.problems > 0 {
            let _ = writeln!(
                s,
                "problems: {} records or files could not be read or reused an id (listed on stderr)",
                t.problems
            );
        }
        let _ = writeln!(
            s,
            "settings: shingle {} lines, min-docs {}, min-site-fraction {}, xxh3-64 seed {:#x}",
            r.settings.flag.shingle,
            r.settings.flag.min_docs,
            r.settings.flag.min_site_fraction,
            r.settings.seed
        );
        if !r.top_spans.is_empty() {
            let _ = writeln!(s, "\nTop recurring templates");
            let _ = writeln!(
                s,
                "{:>4} {:>6} {:>5} {:>5} {:>6}  {:<11} {:<11} template",
                "rank", "docs", "sites", "lines", "share", "class", "kind"
            );
            for row in r.top_spans.iter().take(self.spans) {
                let kind = kind_label(row.kind);
                // The masked template when it stands for several texts, else the text itself.
                let text = if row.variants > 1 { &row.template } else { &row.sample };
                let _ = writeln!(
                    s,
                    "{:>4} {:>6} {:>5} {:>5} {:>6}  {:<11} {:<11} {}",
                    row.rank,
                    row.docs,
                    row.sites,
                    row.lines,
                    percent(row.share_of_boilerplate),
                    row.class.name(),
                    kind,
                    one_line(text, self.sample_chars)
                );
            }
        }
        if r.paywall.teaser + r.paywall.truncated > 0 || !r.classes.is_empty() {
            let _ = writeln!(
                s,
                "\nPaywall: {} documents with a teaser, {} likely cut at the wall, {} without",
                r.paywall.teaser, r.paywall.truncated, r.paywall.none
            );
            let classes: Vec<String> = r
                .classes
                .iter()
                .map(|(c, t)| {
                    format!("{} {}", c.name(), percent(ratio(t.bytes, r.totals.boilerplate_bytes)))
                })
                .collect();
            let _ = writeln!(s, "Boilerplate by class: {}", classes.join(", "));
        }
        if let Some(d) = &r.duplicates {
            duplicates(&mut s, d, self.clusters);
        }
        if !r.sites.is_empty() {
            let _ = writeln!(s, "\nBoilerplate share per site");
            let _ = writeln!(
                s,
                "{:>6} {:>10} {:>11} {:>8}  site",
                "docs", "bytes", "boilerplate", "paywall"
            );
            for site in r.sites.iter().take(self.sites) {
                let name = if site.site.is_empty() { "(unknown)" } else { &site.site };
                let _ = writeln!(
                    s,
                    "{:>6} {:>10} {:>11} {:>8}  {}",
                    site.documents,
                    human_bytes(site.bytes),
                    percent(site.boilerplate_share),
                    site.paywall_teaser + site.paywall_truncated,
                    name
                );
            }
            if r.sites.len() > self.sites {
                let _ =
                    writeln!(s, "… and {} more sites (see --report)", r.sites.len() - self.sites);
            }
        }
        s
    }
}

/// Files named in a folder's walk shown per reason in the summary; the rest are in the report.
const SKIPPED_SHOWN: usize = 3;

/// One line per reason files were passed over: how many, and the first few.
fn skipped_files(s: &mut String, r: &Report) {
    let mut reasons: Vec<crate::doc::SkipReason> =
        r.skipped_files.iter().map(|f| f.reason).collect();
    reasons.sort_unstable();
    reasons.dedup();
    for reason in reasons {
        let files: Vec<&str> = r
            .skipped_files
            .iter()
            .filter(|f| f.reason == reason)
            .map(|f| f.file.as_str())
            .collect();
        let mut shown = files[..files.len().min(SKIPPED_SHOWN)].join(", ");
        if files.len() > SKIPPED_SHOWN {
            shown.push_str(&format!(
                " and {} more, listed in --report",
                files.len() - SKIPPED_SHOWN
            ));
        }
        let noun = if files.len() == 1 { "file" } else { "files" };
        let _ =
            writeln!(s, "skipped: {} {noun} {}, not read: {shown}", files.len(), reason.describe());
    }
}

/// The duplicates section: totals, then the largest clusters.
fn duplicates(s: &mut String, d: &DuplicateReport, rows: usize) {
    let t = &d.totals;
    let _ = writeln!(
        s,
        "duplicates: {} exact clusters, {} near clusters; {} documents are copies \
         ({} exact, {} near, {} truncated); {} too short to judge",
        t.exact_clusters,
        t.near_clusters,
        t.duplicates,
        t.exact_duplicates,
        t.near_duplicates,
        t.truncated_duplicates,
        t.documents_without_content
    );
    if d.clusters.is_empty() || rows == 0 {
        return;
    }
    let _ = writeln!(s, "\nLargest duplicate clusters");
    let _ = writeln!(s, "{:>5} {:>5}  {:<5} {:>6}  representative", "size", "sites", "kind", "sim");
    for c in d.clusters.iter().take(rows) {
        let kind = match c.kind {
            DupKind::Exact => "exact",
            DupKind::Near => "near",
            DupKind::Truncated => "trunc",
        };
        let _ = writeln!(
            s,
            "{:>5} {:>5}  {:<5} {:>6.3}  {}",
            c.size,
            c.sites.len(),
            kind,
            c.similarity,
            c.representative
        );
    }
    if d.clusters.len() > rows {
        let _ = writeln!(s, "… and {} more clusters (see --report)", d.clusters.len() - rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(human_bytes(10), "10 B");
        assert_eq!(human_bytes(2048), "2.0 KiB");
        assert_eq!(one_line("Home\nNews\n\nSport", 100), "Home ⏎ News ⏎ Sport");
        assert_eq!(one_line("abcdef", 4), "abc…");
    }
}
