//! The example pages of the HTML report, each span marked in its class's colour, and the settings table.

use super::{class_help, paywall_colour, paywall_label, Esc};
use crate::classify::PaywallStatus;
use crate::report::display::{human_bytes, kind_label, percent, ratio, thousands};
use crate::report::{ExamplePage, ExampleReason, Report};
use crate::span::Class;
use std::collections::BTreeMap;
use std::fmt::Write;

pub(crate) fn legend(s: &mut String) {
    s.push_str("<ul class=\"legend\">");
    for class in Class::ALL {
        let _ = write!(
            s,
            "<li class=\"k-{0}\" title=\"{1}\"><i></i>{0}</li>",
            class.name(),
            class_help(class)
        );
    }
    s.push_str("</ul>\n");
}

pub(crate) fn pages(s: &mut String, r: &Report) {
    let _ = write!(
        s,
        "<section id=\"pages\">\n<h2>Pages</h2>\n<p class=\"note\">{} example page{}, chosen in \
         input order: the first page of each of the first {} sites, and the first page of each \
         site with a paywall teaser or cut at the wall (up to {}). \
         Every recurring part is highlighted in its class's colour; hover for its kind and \
         template, click to open its row in the catalogue.</p>\n",
        r.examples.len(),
        if r.examples.len() == 1 { "" } else { "s" },
        crate::report::EXAMPLE_SITES,
        crate::report::EXAMPLE_PAYWALLED,
    );
    if r.examples.is_empty() {
        s.push_str("<p>No pages.</p>\n</section>\n");
        return;
    }
    s.push_str(
        "<div class=\"toolbar\"><button id=\"page-prev\" type=\"button\" aria-label=\"Previous \
         page\">‹</button><select id=\"page-select\" aria-label=\"Page\">",
    );
    for (i, e) in r.examples.iter().enumerate() {
        let _ = write!(
            s,
            "<option value=\"{i}\">{}{}</option>",
            Esc(&e.id),
            match e.paywall {
                PaywallStatus::None => "",
                PaywallStatus::Teaser => " · paywall teaser",
                PaywallStatus::Truncated => " · cut at the wall",
            }
        );
    }
    s.push_str(
        "</select><button id=\"page-next\" type=\"button\" aria-label=\"Next page\">›</button>",
    );
    legend(s);
    s.push_str("</div>\n");
    let rank_of: BTreeMap<&str, usize> =
        r.top_spans.iter().map(|row| (row.key.as_str(), row.rank)).collect();
    for (i, e) in r.examples.iter().enumerate() {
        page(s, i, e, &rank_of);
    }
    s.push_str("</section>\n");
}

pub(crate) fn page(s: &mut String, i: usize, e: &ExamplePage, rank_of: &BTreeMap<&str, usize>) {
    let flagged: usize = e.spans.iter().map(|sp| sp.end - sp.start).sum();
    let _ = write!(
        s,
        "<article class=\"page\" id=\"page-{i}\">\n<header><h3>{}</h3><div class=\"meta\">\
         <span>{}</span>",
        Esc(&e.id),
        Esc(if e.site.is_empty() { "(unknown site)" } else { &e.site }),
    );
    if let Some(url) = &e.url {
        // Text, not a link: a crawled URL may be anything, `javascript:` included.
        let _ = write!(s, "<span class=\"url\">{}</span>", Esc(url));
    }
    let _ = writeln!(
        s,
        "<span>{}</span><span><b>{}</b> boilerplate</span><span class=\"badge\" \
         style=\"--c:{}\">{}</span><span>{}</span></div></header>",
        human_bytes(e.bytes),
        percent(ratio(flagged as u64, e.text.len() as u64)),
        paywall_colour(e.paywall),
        paywall_label(e.paywall),
        match e.reason {
            ExampleReason::FirstOfSite => "first page of its site",
            ExampleReason::Paywalled => "first page of its site with this paywall status",
        },
    );
    s.push_str("<pre class=\"text\">");
    let mut at = 0;
    for sp in &e.spans {
        // Parts come in order and never overlap; a stray one is shown unmarked.
        if sp.start < at || sp.end > e.text.len() || sp.start >= sp.end {
            continue;
        }
        let _ = write!(s, "{}", Esc(&e.text[at..sp.start]));
        let template = sp.template.hex();
        let rank = match rank_of.get(template.as_str()) {
            Some(rank) => format!("catalogue row #{rank}"),
            None => "not in the catalogue's top rows".to_string(),
        };
        let _ = write!(
            s,
            "<mark class=\"k-{0}\" data-t=\"{1}\" data-label=\"{0} · {2}\" title=\"{0} · {2} · \
             template {1} · {3}\">{4}</mark>",
            sp.class.name(),
            template,
            kind_label(sp.kind),
            rank,
            Esc(&e.text[sp.start..sp.end]),
        );
        at = sp.end;
    }
    let _ = write!(s, "{}", Esc(&e.text[at..]));
    s.push_str("</pre>\n");
    if e.cut {
        let _ = writeln!(
            s,
            "<p class=\"note\">Cut after {} of {}.</p>",
            human_bytes(e.text.len() as u64),
            human_bytes(e.bytes)
        );
    }
    s.push_str("</article>\n");
}

pub(crate) fn settings(s: &mut String, r: &Report) {
    let st = &r.settings;
    let f = &st.flag;
    let n = &st.normalize;
    let on = |b: bool| if b { "on" } else { "off" };
    let rows: Vec<(&str, String)> = vec![
        ("hash", format!("{} seed {}", st.hash, st.seed_hex)),
        ("shingle", format!("{} lines", f.shingle)),
        ("min docs", f.min_docs.to_string()),
        ("min site fraction", f.min_site_fraction.to_string()),
        ("within page", on(f.within_page).to_string()),
        ("within-page single lines", on(f.within_page_single_lines).to_string()),
        ("context rule", format!("{} lines of at most {} bytes", f.gap_lines, f.gap_line_bytes)),
        (
            "body rule",
            format!(
                "sites of {}+ pages, gaps of {} lines",
                f.body_min_site_pages, f.body_gap_lines
            ),
        ),
        ("count duplicates", on(f.count_duplicates).to_string()),
        (
            "normalize",
            format!(
                "case fold {}, fold white space {}, digit class {}",
                on(n.case_fold),
                on(n.fold_whitespace),
                on(n.digit_class)
            ),
        ),
        ("text field", st.fields.text_field.clone()),
        ("id field", st.fields.id_field.clone()),
        ("url fields", st.fields.url_fields.join(", ")),
        (
            "site field",
            st.fields
                .site_field
                .clone()
                .unwrap_or_else(|| "(registrable domain of the URL)".into()),
        ),
    ];
    s.push_str(
        "<section id=\"settings\" class=\"panel\">\n<h2>Settings</h2>\n<dl class=\"settings\">",
    );
    for (k, v) in rows {
        let _ = write!(s, "<dt>{k}</dt><dd>{}</dd>", Esc(&v));
    }
    s.push_str("</dl>\n");
    if !r.problems.is_empty() {
        let _ = write!(
            s,
            "<h2>Problems</h2>\n<p class=\"note\">{} records or files could not be read.</p>\n\
             <ul class=\"problems\">",
            thousands(r.problems.len() as u64)
        );
        for p in &r.problems {
            let _ = write!(s, "<li>{}</li>", Esc(&p.to_string()));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
}
