//! The report as one self-contained HTML page (`--html FILE`), for a person auditing a crawl.
//!
//! Everything is inline (CSS, a small script, the charts as CSS bars), nothing is fetched, and
//! a Content-Security-Policy forbids fetching anything, so the file works offline from
//! `file://` and can be mailed around. Sections: the summary figures; the boilerplate share
//! per site (bars split by class), the paywall status and the bytes per class; the catalogue of
//! recurring templates, each row opening onto its full template, first occurrence, fillers and
//! sample documents; and a page view of the report's example pages
//! ([`Report::examples`]) with every span part highlighted in its class's colour.
//!
//! Page text is hostile: every string from the corpus goes through [`Esc`], and none of it
//! is ever placed inside the script or a style; the script reads what it needs from the DOM.
//! The output depends on the report alone (no clock, no randomness), so it is deterministic.
//! Without JavaScript the page still reads: all example pages are shown one after another.

use std::collections::BTreeMap;
use std::fmt::{self, Write};

use crate::classify::PaywallStatus;
use crate::dedup::DupKind;
use crate::report::display::{
    human_bytes, kind_label, one_line, percent, ratio, thousands, visible,
};
use crate::report::{DuplicateReport, Render, Report};
use crate::span::Class;

mod pages;
use pages::{legend, pages, settings};

/// The HTML report.
pub struct Html {
    /// Sites shown in the per-site chart (most documents first).
    pub sites: usize,
    /// Characters of a template shown on its catalogue row (all of it when the row is open).
    pub row_chars: usize,
    /// Duplicate clusters listed, largest first.
    pub clusters: usize,
}

impl Default for Html {
    fn default() -> Self {
        Html { sites: 40, row_chars: 160, clusters: 50 }
    }
}

/// The colour of a class: in the page view's highlights, the charts and the legend.
pub fn class_colour(class: Class) -> &'static str {
    match class {
        Class::Paywall => "#e03131",
        Class::Placeholder => "#be4bdb",
        Class::Consent => "#9a6b4f",
        Class::Newsletter => "#f06595",
        Class::Share => "#15aabf",
        Class::Related => "#fd7e14",
        Class::Byline => "#fab005",
        Class::Footer => "#4c6ef5",
        Class::Navigation => "#40c057",
        Class::Other => "#868e96",
    }
}

/// What each class stands for, in the legend's tooltips.
fn class_help(class: Class) -> &'static str {
    match class {
        Class::Paywall => "paywall teaser: subscribe to continue, free articles left",
        Class::Placeholder => "unrendered template placeholder, e.g. {{IssueName}}",
        Class::Consent => "cookie or consent banner",
        Class::Newsletter => "newsletter pitch",
        Class::Share => "share buttons",
        Class::Related => "related links: more stories, read next",
        Class::Byline => "byline, date line, reading time",
        Class::Footer => "site footer: copyright, about, contact",
        Class::Navigation => "site header and navigation",
        Class::Other => "recurring text of no known class",
    }
}

fn paywall_colour(status: PaywallStatus) -> &'static str {
    match status {
        PaywallStatus::None => "#ced4da",
        PaywallStatus::Teaser => "#fd7e14",
        PaywallStatus::Truncated => "#e03131",
    }
}

fn paywall_label(status: PaywallStatus) -> &'static str {
    match status {
        PaywallStatus::None => "no paywall",
        PaywallStatus::Teaser => "teaser",
        PaywallStatus::Truncated => "cut at the wall",
    }
}

/// Text escaped for HTML element content and quoted attribute values: `& < > " '` as
/// entities, control characters as visible pictures (see [`visible`]).
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(|c: char| {
            matches!(c, '&' | '<' | '>' | '"' | '\'') || (c != visible(c) && c != '\r')
        }) {
            f.write_str(&rest[..i])?;
            let c = rest[i..].chars().next().expect("found a char");
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                c => f.write_char(visible(c))?,
            }
            rest = &rest[i + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// A CSS width for a share, `"42.90%"` (fixed decimals keep the output stable).
fn width(share: f64) -> String {
    format!("{:.2}%", (share * 100.0).clamp(0.0, 100.0))
}

const STYLE: &str = include_str!("html.css");
const SCRIPT: &str = include_str!("html.js");

impl Render for Html {
    fn render(&self, r: &Report) -> String {
        let mut s = String::with_capacity(
            64 * 1024 + r.examples.iter().map(|e| e.text.len() * 2).sum::<usize>(),
        );
        self.head(&mut s, r);
        self.summary(&mut s, r);
        self.charts(&mut s, r);
        self.catalogue(&mut s, r);
        if let Some(d) = &r.duplicates {
            self.duplicates(&mut s, d);
        }
        pages(&mut s, r);
        settings(&mut s, r);
        let _ = write!(
            s,
            "</main>\n<footer>Written by {} {} from the report alone: the same inputs and \
             settings give this same file.</footer>\n<script>\n{SCRIPT}</script>\n</body>\n\
             </html>\n",
            r.tool.name, r.tool.version
        );
        s
    }
}

impl Html {
    fn head(&self, s: &mut String, r: &Report) {
        let t = &r.totals;
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
             <meta name=\"generator\" content=\"{} {}\">\n\
             <title>chaff report: {} documents from {} sites</title>\n<style>\n{STYLE}",
            r.tool.name,
            r.tool.version,
            thousands(t.documents),
            thousands(t.sites),
        );
        // One rule per class, so that every coloured element takes `k-<class>`.
        for class in Class::ALL {
            let c = class_colour(class);
            let _ = writeln!(s, ".k-{}{{--c:{c};--kb:{c}38}}", class.name());
        }
        let _ = write!(
            s,
            "</style>\n</head>\n<body>\n<header class=\"top\"><div class=\"brand\">chaff \
             <span>crawl audit</span></div><nav><a href=\"#summary\">Summary</a><a \
             href=\"#sites\">Sites</a><a href=\"#catalogue\">Templates</a>{}<a \
             href=\"#pages\">Pages</a><a href=\"#settings\">Settings</a></nav></header>\n<main>\n",
            if r.duplicates.is_some() { "<a href=\"#duplicates\">Duplicates</a>" } else { "" }
        );
    }

    fn summary(&self, s: &mut String, r: &Report) {
        let t = &r.totals;
        let paywalled = r.paywall.teaser + r.paywall.truncated;
        let _ = write!(
            s,
            "<section id=\"summary\">\n<h1>{} documents from {} sites</h1>\n<p class=\"lede\">\
             <b>{}</b> of the text is boilerplate ({} of {}), on {} of the non-blank lines, in \
             {} spans made of {} distinct recurring templates. {} documents show a paywall.</p>\n\
             <div class=\"cards\">\n",
            thousands(t.documents),
            thousands(t.sites),
            percent(t.boilerplate_share),
            human_bytes(t.boilerplate_bytes),
            human_bytes(t.bytes),
            percent(ratio(t.boilerplate_lines, t.non_blank_lines)),
            thousands(t.spans),
            thousands(t.distinct_spans),
            thousands(paywalled),
        );
        let mut card = |label: &str, value: String, sub: String, extra: &str| {
            let _ = writeln!(
                s,
                "<div class=\"card{extra}\"><div class=\"label\">{label}</div><div \
                 class=\"value\">{value}</div><div class=\"sub\">{sub}</div></div>"
            );
        };
        card(
            "Documents",
            thousands(t.documents),
            format!("{} lines, {} non-blank", thousands(t.lines), thousands(t.non_blank_lines)),
            "",
        );
        card(
            "Sites",
            thousands(t.sites),
            format!("{} exact duplicate pages", thousands(t.duplicate_documents)),
            "",
        );
        card("Text", human_bytes(t.bytes), format!("{} bytes", thousands(t.bytes)), "");
        card(
            "Boilerplate",
            percent(t.boilerplate_share),
            format!("{} in {} spans", human_bytes(t.boilerplate_bytes), thousands(t.spans)),
            " accent",
        );
        card(
            "Paywalled",
            thousands(paywalled),
            format!(
                "{} teaser, {} cut at the wall",
                thousands(r.paywall.teaser),
                thousands(r.paywall.truncated)
            ),
            "",
        );
        card(
            "Templates",
            thousands(t.distinct_spans),
            format!("{} distinct blocks counted", thousands(t.distinct_blocks)),
            "",
        );
        if let Some(d) = &r.duplicates {
            let dt = &d.totals;
            card(
                "Duplicates",
                thousands(dt.duplicates),
                format!(
                    "copies in {} clusters: {} exact, {} near, {} truncated",
                    thousands(dt.exact_clusters + dt.near_clusters),
                    thousands(dt.exact_duplicates),
                    thousands(dt.near_duplicates),
                    thousands(dt.truncated_duplicates)
                ),
                "",
            );
        }
        if t.problems > 0 {
            card(
                "Problems",
                thousands(t.problems),
                "records or files not read (see Settings)".to_string(),
                " warn",
            );
        }
        s.push_str("</div>\n</section>\n");
    }

    fn charts(&self, s: &mut String, r: &Report) {
        s.push_str("<section class=\"grid2\">\n<div class=\"panel\" id=\"sites\">\n");
        let _ = write!(
            s,
            "<h2>Boilerplate share per site</h2>\n<p class=\"note\">Share of each site's bytes \
             inside boilerplate spans, split by class; the number of paywalled pages on the \
             right.</p>\n<div class=\"sitebars\">\n<div class=\"sitebar head\"><span>site</span>\
             <span>docs</span><span></span><span>boilerplate</span><span>paywall</span></div>\n"
        );
        for site in r.sites.iter().take(self.sites) {
            let name = if site.site.is_empty() { "(unknown)" } else { &site.site };
            let _ = write!(
                s,
                "<div class=\"sitebar\"><span class=\"name\" title=\"{0}\">{0}</span>\
                 <span class=\"num\">{1}</span><span class=\"track\">",
                Esc(name),
                thousands(site.documents)
            );
            for (class, bytes) in &site.class_bytes {
                let share = ratio(*bytes, site.bytes);
                let _ = write!(
                    s,
                    "<span class=\"seg k-{0}\" style=\"width:{1}\" title=\"{0}: {2} ({3} of the \
                     site's bytes)\"></span>",
                    class.name(),
                    width(share),
                    human_bytes(*bytes),
                    percent(share)
                );
            }
            let _ = writeln!(
                s,
                "</span><span class=\"num strong\">{}</span><span class=\"num\">{}</span></div>",
                percent(site.boilerplate_share),
                thousands(site.paywall_teaser + site.paywall_truncated)
            );
        }
        s.push_str("</div>\n");
        if r.sites.len() > self.sites {
            let _ = writeln!(
                s,
                "<p class=\"note\">… and {} more sites (all of them are in the JSON report).</p>",
                thousands((r.sites.len() - self.sites) as u64)
            );
        }
        legend(s);
        s.push_str("</div>\n<div class=\"panel\">\n<h2>Paywall status</h2>\n");
        let p = &r.paywall;
        let all = p.none + p.teaser + p.truncated;
        let statuses = [
            (PaywallStatus::Truncated, p.truncated),
            (PaywallStatus::Teaser, p.teaser),
            (PaywallStatus::None, p.none),
        ];
        s.push_str("<div class=\"stack\">");
        for (status, n) in statuses {
            if n > 0 {
                let _ = write!(
                    s,
                    "<span style=\"width:{};background:{}\" title=\"{}: {} documents\"></span>",
                    width(ratio(n, all)),
                    paywall_colour(status),
                    paywall_label(status),
                    thousands(n)
                );
            }
        }
        s.push_str("</div>\n<ul class=\"keys\">");
        for (status, n) in statuses {
            let _ = write!(
                s,
                "<li><i style=\"background:{}\"></i>{} <b>{}</b> <span>{}</span></li>",
                paywall_colour(status),
                paywall_label(status),
                thousands(n),
                percent(ratio(n, all))
            );
        }
        s.push_str(
            "</ul>\n<p class=\"note\">A <em>teaser</em> page shows a paywall pitch next to text \
             that looks whole; a page <em>cut at the wall</em> ends at the pitch with far less \
             text than its site's usual page.</p>\n<h2>Boilerplate by class</h2>\n\
             <div class=\"classbars\">\n",
        );
        let max = r.classes.values().map(|c| c.bytes).max().unwrap_or(0);
        let mut classes: Vec<_> = r.classes.iter().collect();
        classes.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(b.0)));
        for (class, c) in classes {
            let _ = writeln!(
                s,
                "<div class=\"classbar\"><span class=\"chip k-{0}\" title=\"{1}\">{0}</span>\
                 <span class=\"track\"><span class=\"seg k-{0}\" style=\"width:{2}\"></span>\
                 </span><span class=\"num strong\">{3}</span><span class=\"num\">{4}</span>\
                 </div>",
                class.name(),
                class_help(*class),
                width(ratio(c.bytes, max)),
                percent(ratio(c.bytes, r.totals.boilerplate_bytes)),
                human_bytes(c.bytes),
            );
        }
        s.push_str("</div>\n</div>\n</section>\n");
    }

    fn catalogue(&self, s: &mut String, r: &Report) {
        let rows = &r.top_spans;
        let bytes: u64 = rows.iter().map(|row| row.bytes).sum();
        let mut by_class: BTreeMap<Class, u64> = BTreeMap::new();
        for row in rows {
            *by_class.entry(row.class).or_default() += 1;
        }
        let _ = write!(
            s,
            "<section id=\"catalogue\">\n<h2>Recurring templates</h2>\n<p class=\"note\">The \
             {} most widespread of {} templates (lines that recur together, with dates, numbers \
             and names masked), ranked by documents, then bytes. They account for <b>{}</b>, \
             {} of all boilerplate bytes; the widest stands on {} documents of {} sites. Open a \
             row for its full text, fillers and sample documents.</p>\n",
            thousands(rows.len() as u64),
            thousands(r.totals.distinct_spans),
            human_bytes(bytes),
            percent(ratio(bytes, r.totals.boilerplate_bytes)),
            thousands(rows.iter().map(|row| row.docs).max().unwrap_or(0)),
            thousands(rows.iter().map(|row| row.sites).max().unwrap_or(0)),
        );
        s.push_str(
            "<div class=\"toolbar\"><input id=\"cat-filter\" type=\"search\" \
             placeholder=\"Filter templates…\" aria-label=\"Filter templates\"><select \
             id=\"cat-class\" aria-label=\"Class\"><option value=\"\">all classes</option>",
        );
        for (class, n) in &by_class {
            let _ = write!(s, "<option value=\"{0}\">{0} ({1})</option>", class.name(), n);
        }
        let _ = write!(
            s,
            "</select><button id=\"cat-open\" type=\"button\">Open all</button><span \
             class=\"count\"><b id=\"cat-shown\">{0}</b> of {0} rows</span></div>\n\
             <div class=\"cat\">\n<div class=\"cat-head\"><span>#</span><span>class</span>\
             <span>template</span><span>kind</span><span title=\"documents\">docs</span>\
             <span>sites</span><span>bytes</span><span>share</span><span \
             title=\"distinct texts sharing the template\">var.</span></div>\n",
            rows.len()
        );
        let max_share = rows.iter().map(|row| row.share_of_boilerplate).fold(0.0, f64::max);
        let page_of: BTreeMap<&str, usize> =
            r.examples.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
        for row in rows {
            let key = &row.key;
            let text = if row.variants > 1 { &row.template } else { &row.sample };
            let _ = write!(
                s,
                "<details class=\"row\" id=\"t-{key}\" data-class=\"{class}\">\n<summary>\
                 <span class=\"num\">{rank}</span><span><span class=\"chip k-{class}\">{class}\
                 </span></span><span class=\"tpl\">{text}</span><span class=\"kind\">{kind}\
                 </span><span class=\"num\">{docs}</span><span class=\"num\">{sites}</span>\
                 <span class=\"num\">{bytes}</span><span class=\"share\"><span class=\"mini \
                 k-{class}\"><span style=\"width:{w}\"></span></span>{share}</span><span \
                 class=\"num\">{variants}</span></summary>\n<div class=\"more\">\n",
                rank = row.rank,
                class = row.class.name(),
                text = Esc(&one_line(text, self.row_chars)),
                kind = kind_label(row.kind),
                docs = thousands(row.docs),
                sites = thousands(row.sites),
                bytes = human_bytes(row.bytes),
                w = width(if max_share > 0.0 { row.share_of_boilerplate / max_share } else { 0.0 }),
                share = percent(row.share_of_boilerplate),
                variants = thousands(row.variants),
            );
            let _ = write!(
                s,
                "<div class=\"cols\"><div><h4>Template</h4><pre>{}</pre><h4>First \
                 occurrence</h4><pre>{}</pre>",
                Esc(&row.template),
                Esc(&row.sample),
            );
            s.push_str("<h4>Sample documents</h4><ul class=\"docs\">");
            let mut linked = Vec::new();
            for id in &row.sample_ids {
                match page_of.get(id.as_str()) {
                    Some(&i) => {
                        linked.push(i);
                        let _ = write!(
                            s,
                            "<li><a href=\"#page-{i}\" data-page=\"{i}\" data-t=\"{key}\">{}</a>\
                             </li>",
                            Esc(id)
                        );
                    }
                    None => {
                        let _ = write!(
                            s,
                            "<li><span title=\"not among the example pages of this \
                             report\">{}</span></li>",
                            Esc(id)
                        );
                    }
                }
            }
            s.push_str("</ul>");
            // Example pages that hold it beyond its first documents, so that every row whose
            // template stands on an example page can be seen in place.
            let more: Vec<usize> = r
                .examples
                .iter()
                .enumerate()
                .filter(|(i, e)| {
                    !linked.contains(i) && e.spans.iter().any(|sp| sp.template.hex() == *key)
                })
                .map(|(i, _)| i)
                .take(5)
                .collect();
            if !more.is_empty() {
                s.push_str("<h4>Also on example pages</h4><ul class=\"docs\">");
                for i in more {
                    let _ = write!(
                        s,
                        "<li><a href=\"#page-{i}\" data-page=\"{i}\" data-t=\"{key}\">{}</a></li>",
                        Esc(&r.examples[i].id)
                    );
                }
                s.push_str("</ul>");
            }
            let _ = write!(
                s,
                "</div><div><h4>Figures</h4><dl><dt>documents</dt><dd>{}</dd><dt>sites</dt>\
                 <dd>{}</dd><dt>occurrences</dt><dd>{}</dd><dt>lines</dt><dd>{}</dd>\
                 <dt>bytes</dt><dd>{} ({} of boilerplate)</dd><dt>variants</dt><dd>{}</dd>\
                 <dt>template id</dt><dd><code>{key}</code></dd></dl>",
                thousands(row.docs),
                thousands(row.sites),
                thousands(row.occurrences),
                row.lines,
                human_bytes(row.bytes),
                percent(row.share_of_boilerplate),
                thousands(row.variants),
            );
            if !row.fillers.is_empty() {
                s.push_str("<h4>Most frequent fillers</h4><ul class=\"fillers\">");
                for f in &row.fillers {
                    let _ = write!(
                        s,
                        "<li><span class=\"n\">{}×</span> {}</li>",
                        thousands(f.count),
                        Esc(&f.value)
                    );
                }
                s.push_str("</ul>");
            }
            s.push_str("</div></div>\n</div>\n</details>\n");
        }
        s.push_str("</div>\n</section>\n");
    }
}

fn dup_kind(kind: DupKind) -> &'static str {
    match kind {
        DupKind::Exact => "exact",
        DupKind::Near => "near",
        DupKind::Truncated => "truncated",
    }
}

impl Html {
    fn duplicates(&self, s: &mut String, d: &DuplicateReport) {
        let t = &d.totals;
        let _ = write!(
            s,
            "<section id=\"duplicates\">\n<h2>Duplicate documents</h2>\n<p class=\"note\">{} \
             documents are copies of another ({} exact, {} near, {} truncated teasers of a \
             longer page), in {} exact and {} near clusters holding {} documents; {} documents \
             were too short to judge. The representative of a cluster is its longest page; open \
             a cluster for its members.</p>\n",
            thousands(t.duplicates),
            thousands(t.exact_duplicates),
            thousands(t.near_duplicates),
            thousands(t.truncated_duplicates),
            thousands(t.exact_clusters),
            thousands(t.near_clusters),
            thousands(t.documents_in_clusters),
            thousands(t.documents_without_content),
        );
        if d.clusters.is_empty() {
            s.push_str("</section>\n");
            return;
        }
        s.push_str(
            "<div class=\"cat dups\">\n<div class=\"cat-head\"><span>size</span><span>kind\
             </span><span>similarity</span><span>sites</span><span>representative</span></div>\n",
        );
        for c in d.clusters.iter().take(self.clusters) {
            let _ = write!(
                s,
                "<details class=\"dup\"><summary><span class=\"num\">{}</span><span \
                 class=\"kind\">{}</span><span class=\"num\">{:.3}</span><span \
                 class=\"num\">{}</span><span class=\"tpl\">{}</span></summary>\n<div \
                 class=\"more\"><h4>Sites</h4><p>{}</p><h4>Members, in input order</h4><ul \
                 class=\"docs\">",
                thousands(c.size as u64),
                dup_kind(c.kind),
                c.similarity,
                thousands(c.sites.len() as u64),
                Esc(&c.representative),
                Esc(&c.sites.join(", ")),
            );
            for m in &c.members {
                let how = match (m.kind, m.similarity) {
                    (None, _) => "representative".to_string(),
                    (Some(k), Some(sim)) => format!("{}, similarity {sim:.3}", dup_kind(k)),
                    (Some(k), None) => dup_kind(k).to_string(),
                };
                let _ = write!(s, "<li>{} <span class=\"kind\">({how})</span></li>", Esc(&m.id));
            }
            s.push_str("</ul></div>\n</details>\n");
        }
        s.push_str("</div>\n");
        if d.clusters.len() > self.clusters {
            let _ = writeln!(
                s,
                "<p class=\"note\">… and {} more clusters (all of them are in the JSON \
                 report).</p>",
                thousands((d.clusters.len() - self.clusters) as u64)
            );
        }
        s.push_str("</section>\n");
    }
}

#[cfg(test)]
mod tests {

    use super::Render;

    use super::*;
    use crate::report::tests::hostile_report;
    use crate::span::Class;

    #[test]
    fn esc_escapes_markup_and_controls() {
        for (raw, want) in [
            ("plain", "plain"),
            ("</script>", "&lt;/script&gt;"),
            ("a & b", "a &amp; b"),
            ("&amp;", "&amp;amp;"),
            ("\"q\" 'q'", "&quot;q&quot; &#39;q&#39;"),
            ("nul\0esc\x1bdel\x7f", "nul␀esc␛del␡"),
            ("c1\u{85}", "c1\u{fffd}"),
            ("tab\tline\ncr\r", "tab\tline\ncr\r"),
            ("é ⏎ \u{fffd}", "é ⏎ \u{fffd}"),
        ] {
            assert_eq!(Esc(raw).to_string(), want, "{raw:?}");
        }
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let r = hostile_report();
        assert!(!r.examples.is_empty() && !r.top_spans.is_empty());
        let html = Html::default().render(&r);
        // Only the report's own script and style elements.
        assert_eq!(html.matches("<script").count(), 1);
        assert_eq!(html.matches("</script").count(), 1);
        assert_eq!(html.matches("<style").count(), 1);
        assert!(!html.contains("<b>bold"));
        assert!(!html.contains("<i>&"));
        assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(&#39;x&#39;)"));
        assert!(html.contains("evil&lt;i&gt;&amp;&quot;&#39;|`.example"));
        assert!(!html.contains(['\0', '\x1b', '\x7f']));
        assert!(html.contains("control ␀␛␡ bytes \u{fffd}\u{fffd} end"));
        // Every span part of every example page is highlighted.
        let parts: usize = r.examples.iter().map(|e| e.spans.len()).sum();
        assert!(parts > 0);
        assert_eq!(html.matches("<mark ").count(), parts);
    }

    #[test]
    fn output_is_deterministic() {
        let a = Html::default().render(&hostile_report());
        let b = Html::default().render(&hostile_report());
        assert!(a == b, "two scans of the same pages render differently");
    }

    #[test]
    fn every_class_has_its_own_colour() {
        let mut seen = Vec::new();
        for class in Class::ALL {
            let c = class_colour(class);
            assert!(
                c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|c| c.is_ascii_hexdigit()),
                "{class:?}: {c}"
            );
            assert!(!seen.contains(&c), "{class:?} shares {c}");
            seen.push(c);
            assert!(!class_help(class).is_empty());
        }
        let html = Html::default().render(&hostile_report());
        for class in Class::ALL {
            let name = class.name();
            assert!(html.contains(&format!(".k-{name}{{--c:{}", class_colour(class))), "{name}");
            assert!(html.contains(&format!("<li class=\"k-{name}\"")), "{name} not in the legend");
        }
    }

    #[test]
    fn inline_assets_cannot_close_their_element() {
        // The browser ends a <script> or <style> at the first `</script` or `</style`.
        assert!(!SCRIPT.contains("</"));
        assert!(!STYLE.contains("</"));
    }

    #[test]
    fn an_empty_report_renders() {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::pipeline::ScanConfig { top: 10, ..Default::default() };
        let r = crate::pipeline::scan(
            &[dir.path().to_path_buf()],
            &config,
            &crate::progress::NoProgress,
            &mut [],
        )
        .unwrap();
        let html = Html::default().render(&r);
        assert!(html.contains("<h1>0 documents from 0 sites</h1>"));
        assert!(html.contains("No pages."));
        assert!(html.ends_with("</html>\n"));
    }
}
