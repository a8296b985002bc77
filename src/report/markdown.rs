//! The report as GitHub-flavoured Markdown (`--markdown FILE`), to paste into a pull request or
//! an issue: the summary figures, boilerplate by class, the sites and the template catalogue.
//!
//! Corpus text never reaches Markdown as markup: it goes into code spans (no emphasis, links,
//! HTML or @-mentions inside), one line per cell (line breaks shown as ⏎), with the table's
//! `|` escaped (GFM splits cells before it parses code spans) and a code-span fence longer
//! than any run of backticks in the text.

use std::fmt::Write;

use super::display::{human_bytes, kind_label, one_line, percent, ratio, thousands, visible};
use super::{Render, Report};
use crate::dedup::DupKind;

/// The Markdown report.
pub struct Markdown {
    /// Rows of the template table.
    pub spans: usize,
    /// Rows of the site table.
    pub sites: usize,
    /// Characters of each template shown.
    pub sample_chars: usize,
    /// Rows of the duplicate-cluster table.
    pub clusters: usize,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown { spans: 50, sites: 30, sample_chars: 100, clusters: 10 }
    }
}

/// Text as an inline code span that is safe in a GFM table cell, on one line.
pub fn code(text: &str) -> String {
    let text: String = text
        .split(['\n', '\r'])
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ⏎ ")
        .chars()
        .map(visible)
        .collect();
    if text.trim().is_empty() {
        return String::new();
    }
    // GitHub's table scanner reads `\\` as an escaped pair, so a backslash before a pipe
    // would unescape it and end the cell: a zero-width space keeps them apart.
    let text = text.replace("\\|", "\\\u{200b}|").replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A space on both sides is stripped by the parser; it keeps a backtick at either end
    // from joining the fence.
    if text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' '))
    {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

impl Render for Markdown {
    fn render(&self, r: &Report) -> String {
        let t = &r.totals;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "## chaff report: {} documents from {} sites\n",
            thousands(t.documents),
            thousands(t.sites)
        );
        let _ = writeln!(
            s,
            "**{}** of the text is boilerplate ({} of {}), on {} of the non-blank lines, in {} \
             spans of {} distinct templates. Paywall: {} documents with a teaser, {} likely cut \
             at the wall, {} without.\n",
            percent(t.boilerplate_share),
            human_bytes(t.boilerplate_bytes),
            human_bytes(t.bytes),
            percent(ratio(t.boilerplate_lines, t.non_blank_lines)),
            thousands(t.spans),
            thousands(t.distinct_spans),
            thousands(r.paywall.teaser),
            thousands(r.paywall.truncated),
            thousands(r.paywall.none),
        );
        let _ = writeln!(s, "| documents | sites | bytes | boilerplate | lines | problems |");
        let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|");
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} ({}) | {} ({} non-blank) | {} |\n",
            thousands(t.documents),
            thousands(t.sites),
            human_bytes(t.bytes),
            percent(t.boilerplate_share),
            human_bytes(t.boilerplate_bytes),
            thousands(t.lines),
            thousands(t.non_blank_lines),
            thousands(t.problems),
        );
        if !r.classes.is_empty() {
            let _ = writeln!(s, "### Boilerplate by class\n");
            let _ = writeln!(
                s,
                "| class | share | bytes | spans (main class) | documents (main class) |"
            );
            let _ = writeln!(s, "|---|---:|---:|---:|---:|");
            let mut classes: Vec<_> = r.classes.iter().collect();
            classes.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(b.0)));
            for (class, c) in classes {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} |",
                    class.name(),
                    percent(ratio(c.bytes, t.boilerplate_bytes)),
                    human_bytes(c.bytes),
                    thousands(c.spans),
                    thousands(c.documents)
                );
            }
            s.push('\n');
        }
        if !r.top_spans.is_empty() {
            let shown = &r.top_spans[..r.top_spans.len().min(self.spans)];
            let bytes: u64 = shown.iter().map(|row| row.bytes).sum();
            let _ = writeln!(s, "### Top recurring templates\n");
            let _ = writeln!(
                s,
                "The {} most widespread of {} templates, {} ({} of the boilerplate bytes).\n",
                shown.len(),
                thousands(t.distinct_spans),
                human_bytes(bytes),
                percent(ratio(bytes, t.boilerplate_bytes))
            );
            let _ = writeln!(
                s,
                "| # | class | kind | docs | sites | bytes | share | variants | template | \
                 fillers |"
            );
            let _ = writeln!(s, "|---:|---|---|---:|---:|---:|---:|---:|---|---|");
            for row in shown {
                let text = if row.variants > 1 { &row.template } else { &row.sample };
                let fillers: Vec<String> = row
                    .fillers
                    .iter()
                    .take(3)
                    .map(|f| format!("{} ×{}", code(&one_line(&f.value, 40)), f.count))
                    .collect();
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    row.rank,
                    row.class.name(),
                    kind_label(row.kind),
                    thousands(row.docs),
                    thousands(row.sites),
                    human_bytes(row.bytes),
                    percent(row.share_of_boilerplate),
                    thousands(row.variants),
                    code(&one_line(text, self.sample_chars)),
                    fillers.join(", "),
                );
            }
            if r.top_spans.len() > shown.len() {
                let _ = writeln!(
                    s,
                    "\n… and {} more rows in the JSON report.",
                    r.top_spans.len() - shown.len()
                );
            }
            s.push('\n');
        }
        if !r.sites.is_empty() {
            let _ = writeln!(s, "### Boilerplate share per site\n");
            let _ = writeln!(s, "| site | docs | bytes | boilerplate | paywalled |");
            let _ = writeln!(s, "|---|---:|---:|---:|---:|");
            for site in r.sites.iter().take(self.sites) {
                let name =
                    if site.site.is_empty() { "(unknown)".to_string() } else { code(&site.site) };
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} |",
                    name,
                    thousands(site.documents),
                    human_bytes(site.bytes),
                    percent(site.boilerplate_share),
                    thousands(site.paywall_teaser + site.paywall_truncated)
                );
            }
            if r.sites.len() > self.sites {
                let _ = writeln!(s, "\n… and {} more sites.", r.sites.len() - self.sites);
            }
            s.push('\n');
        }
        if let Some(d) = &r.duplicates {
            let dt = &d.totals;
            let _ = writeln!(s, "### Duplicate documents\n");
            let _ = writeln!(
                s,
                "{} documents are copies of another ({} exact, {} near, {} truncated), in {} \
                 exact and {} near clusters; {} were too short to judge.\n",
                thousands(dt.duplicates),
                thousands(dt.exact_duplicates),
                thousands(dt.near_duplicates),
                thousands(dt.truncated_duplicates),
                thousands(dt.exact_clusters),
                thousands(dt.near_clusters),
                thousands(dt.documents_without_content),
            );
            if !d.clusters.is_empty() && self.clusters > 0 {
                let _ = writeln!(s, "| size | kind | similarity | sites | representative |");
                let _ = writeln!(s, "|---:|---|---:|---:|---|");
                for c in d.clusters.iter().take(self.clusters) {
                    let kind = match c.kind {
                        DupKind::Exact => "exact",
                        DupKind::Near => "near",
                        DupKind::Truncated => "truncated",
                    };
                    let _ = writeln!(
                        s,
                        "| {} | {} | {:.3} | {} | {} |",
                        c.size,
                        kind,
                        c.similarity,
                        c.sites.len(),
                        code(&c.representative)
                    );
                }
                if d.clusters.len() > self.clusters {
                    let _ = writeln!(
                        s,
                        "\n… and {} more clusters in the JSON report.",
                        d.clusters.len() - self.clusters
                    );
                }
                s.push('\n');
            }
        }
        let f = &r.settings.flag;
        let _ = writeln!(
            s,
            "<sub>{} {}: shingle {} lines, min-docs {}, min-site-fraction {}, {} seed {}</sub>",
            r.tool.name,
            r.tool.version,
            f.shingle,
            f.min_docs,
            f.min_site_fraction,
            r.settings.hash,
            r.settings.seed_hex
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::hostile_report;

    #[test]
    fn code_spans() {
        for (raw, want) in [
            ("plain", "`plain`"),
            ("", ""),
            ("  ", ""),
            ("a|b", "`a\\|b`"),
            ("a\\|b", "`a\\\u{200b}\\|b`"),
            ("one `tick` here", "``one `tick` here``"),
            ("one `tick`", "`` one `tick` ``"),
            ("`edge", "`` `edge ``"),
            ("two ``ticks``", "``` two ``ticks`` ```"),
            ("Home\nNews\r\n", "`Home ⏎ News`"),
            ("esc\x1b", "`esc␛`"),
            ("@octocat <b>", "`@octocat <b>`"),
        ] {
            assert_eq!(code(raw), want, "{raw:?}");
        }
    }

    /// Cells of a GFM table row as GitHub splits them: `\` escapes the next character.
    fn cells(line: &str) -> usize {
        let mut pipes = 0;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '|' => pipes += 1,
                _ => {}
            }
        }
        pipes - 1
    }

    /// The text outside code spans.
    fn outside_code(line: &str) -> String {
        let mut out = String::new();
        let mut rest = line;
        while let Some(i) = rest.find('`') {
            out.push_str(&rest[..i]);
            let run = rest[i..].chars().take_while(|&c| c == '`').count();
            let fence = "`".repeat(run);
            let after = &rest[i + run..];
            // The closing fence: a run of exactly `run` backticks.
            let mut from = 0;
            let close = loop {
                match after[from..].find(&fence) {
                    None => break None,
                    Some(j) => {
                        let at = from + j;
                        let len = after[at..].chars().take_while(|&c| c == '`').count();
                        if len == run {
                            break Some(at);
                        }
                        from = at + len;
                    }
                }
            };
            match close {
                Some(j) => rest = &after[j + run..],
                None => {
                    out.push_str(&rest[i..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn hostile_text_stays_in_its_cells_and_code_spans() {
        let md = Markdown::default().render(&hostile_report());
        let mut header_cells = None;
        for line in md.lines() {
            if !line.starts_with('|') {
                header_cells = None;
                continue;
            }
            let n = cells(line);
            assert_eq!(n, *header_cells.get_or_insert(n), "{line}");
            let plain = outside_code(line);
            for bad in ["<", "@octocat", "alert", "bold", "\u{1b}", "\0"] {
                assert!(!plain.contains(bad), "{bad:?} outside a code span: {line}");
            }
        }
        assert!(md.contains("alert"), "the hostile template is in the table");
        assert!(md.contains("evil<i>&\"'\\|`.example"), "the site name is shown as written");
    }

    #[test]
    fn output_is_deterministic() {
        let a = Markdown::default().render(&hostile_report());
        assert_eq!(a, Markdown::default().render(&hostile_report()));
        assert!(a.starts_with("## chaff report: 6 documents from 2 sites\n"));
    }
}
