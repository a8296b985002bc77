//! Flagging end to end: counts of small corpora, then the spans of one page.

use super::*;
use crate::count::CountTable;
use crate::span::SpanKind;
use crate::text::block::LineView;
use crate::text::normalize::NormalizeConfig;
use crate::text::shingle::blocks;

fn count(docs: &[(&str, &str)], config: &FlagConfig) -> Counts {
    let n = Normalizer::new(&NormalizeConfig::default());
    let mut t = CountTable::default();
    for (site, text) in docs {
        let view = LineView::new(text.as_bytes(), &n, usize::MAX);
        t.add_document(site, &blocks(&view.hashes, config.shingle));
    }
    t.finish()
}

fn spans(docs: &[(&str, &str)], config: &FlagConfig, which: usize) -> Vec<Span> {
    let counts = count(docs, config);
    let n = Normalizer::new(&NormalizeConfig::default());
    let f = Flagger { counts: &counts, config, normalizer: &n, classifiers: None };
    f.flag(docs[which].1.as_bytes(), docs[which].0).1
}

/// Recurrence alone, with windows of three lines.
fn recurrence_only() -> FlagConfig {
    FlagConfig { shingle: 3, ..FlagConfig::recurrence_only() }
}

#[test]
fn shared_header_is_one_cross_page_span() {
    let cfg = recurrence_only();
    let docs = [
        ("s", "Home\nNews\n\nSport\nAn article about ferries.\nMore text.\n"),
        ("s", "Home\nNews\nSport\nA story about goats.\n"),
    ];
    let s = spans(&docs, &cfg, 0);
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].first_line, s[0].last_line), (0, 3));
    assert_eq!((s[0].start, s[0].end), (0, 17));
    assert_eq!(s[0].kind, SpanKind::CrossPage);
    assert_eq!((s[0].docs, s[0].sites), (2, 1));
}

#[test]
fn repeated_teaser_within_one_page() {
    let cfg = recurrence_only();
    let text = "Start your free trial\nto read on\nSign in\nBody one.\nStart your free trial\nto read on\nSign in";
    let s = spans(&[("s", text)], &cfg, 0);
    assert_eq!(s.len(), 2);
    assert!(s.iter().all(|s| s.kind == SpanKind::WithinPage));
    assert_eq!(s[1].end, text.len());
    assert_eq!(s[0].parts.len(), 1);
    assert_eq!(s[0].parts[0].key, s[1].parts[0].key);
}

#[test]
fn a_title_as_heading_and_link_is_not_within_page_boilerplate() {
    let cfg = recurrence_only();
    let text = "Ferries return\nThe ferry came back.\nRead: Ferries return\nFerries return\n";
    assert!(spans(&[("s", text)], &cfg, 0).is_empty());
}

#[test]
fn site_fraction_rule() {
    let cfg = FlagConfig { min_site_fraction: 0.5, ..recurrence_only() };
    let docs = [
        ("s", "Shared line\nunique a\n"),
        ("s", "Shared line\nunique b\n"),
        ("s", "unique c\n"),
        ("s", "unique d\n"),
        ("s", "unique e\n"),
    ];
    // On 2 of 5 pages: under the share.
    assert!(spans(&docs, &cfg, 0).is_empty());
    let cfg = FlagConfig { min_site_fraction: 0.4, ..cfg };
    assert_eq!(spans(&docs, &cfg, 0).len(), 1);
}

#[test]
fn context_rule_takes_a_short_line_between_flagged_lines() {
    let docs = [
        ("s", "Home\nNews\nMarch 9, 2010\nAbout us\nContact\nThe ferry is back after years away.\n"),
        ("s", "Home\nNews\nJune 1, 2011 at noon\nAbout us\nContact\nGoats ate the hedge last night.\n"),
    ];
    let off = recurrence_only();
    assert_eq!(spans(&docs, &off, 0).len(), 2);
    let on = FlagConfig { gap_lines: 1, gap_line_bytes: 20, ..off };
    let s = spans(&docs, &on, 0);
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].first_line, s[0].last_line, s[0].context_lines), (0, 4, 1));
    // Too long for the rule: stays content.
    let s = spans(&docs, &FlagConfig { gap_line_bytes: 10, ..on }, 1);
    assert_eq!(s.len(), 2);
}

#[test]
fn body_rule_drops_unique_text_beyond_the_article() {
    // Five pages of one site: header, article, a recurring 2-line comment header, then
    // comments unique to each page, then the footer.
    let topics = ["ferries", "goats", "tides", "trams", "bees"];
    let pages: Vec<String> = topics
        .iter()
        .map(|i| {
            format!(
                "Site name\nHome\nNews\nArticle {i} opens with a long sentence of prose.\n\
                 It goes on with more prose about topic number {i} at length.\n\
                 Add a comment\nComments policy applies\nReader {i} wrote this comment.\n\
                 About us\nContact\nPrivacy\n"
            )
        })
        .collect();
    let docs: Vec<(&str, &str)> = pages.iter().map(|p| ("s", p.as_str())).collect();
    let cfg =
        FlagConfig { shingle: 2, body_min_site_pages: 5, body_gap_lines: 1, ..recurrence_only() };
    let s = spans(&docs, &cfg, 0);
    assert_eq!(s.len(), 2);
    assert_eq!((s[1].first_line, s[1].last_line, s[1].outside_body_lines), (5, 10, 1));
    // Under the site-size threshold the rule stays off.
    let small = FlagConfig { body_min_site_pages: 6, ..cfg };
    assert_eq!(spans(&docs, &small, 0).len(), 3);
}

#[test]
fn a_header_is_one_part_whatever_recurs_next_to_it() {
    // The header stands on all three pages; the line after it on two of them only.
    let docs = [
        ("s", "Gazette\nHome\nNews\nSport\nShared teaser line\nA unique body sentence here.\n"),
        ("s", "Gazette\nHome\nNews\nSport\nShared teaser line\nAnother unique body line.\n"),
        ("s", "Gazette\nHome\nNews\nSport\nThe third page has its own text.\n"),
    ];
    let s = spans(&docs, &recurrence_only(), 0);
    assert_eq!(s.len(), 1);
    let parts: Vec<(u32, u32)> = s[0].parts.iter().map(|p| (p.first_line, p.last_line)).collect();
    assert_eq!(parts, [(0, 3), (4, 4)]);
    let header = spans(&docs, &recurrence_only(), 2);
    assert_eq!(header[0].parts[0].key, s[0].parts[0].key);
}

#[test]
fn protection_keeps_an_article_copied_to_a_second_page() {
    let article = "The council voted on Tuesday night to approve the new ferry route to the \
        islands, after a long debate about the cost of the harbour works.";
    let pages: Vec<String> = (0..6)
        .map(|i| {
            let body = if i < 2 { article.to_string() } else { format!("Page {i} has its own story of ferries and gulls and tides, told at length here.") };
            format!("Gazette\nHome\nNews\nSport\n{body}\nAbout us\nContact\n")
        })
        .collect();
    let docs: Vec<(&str, &str)> = pages.iter().map(|p| ("s", p.as_str())).collect();
    let off = FlagConfig { protect_max_docs: 0, ..recurrence_only() };
    let flagged: u32 = spans(&docs, &off, 0).iter().map(|s| s.lines).sum();
    assert_eq!(flagged, 7, "without protection the copied article is boilerplate");
    let on = FlagConfig { protect_max_docs: 5, protect_min_bytes: 100, ..recurrence_only() };
    let s = spans(&docs, &on, 0);
    assert_eq!(s.iter().map(|s| s.lines).sum::<u32>(), 6);
    assert_eq!((s[0].last_line, s[1].first_line), (3, 5));
}

#[test]
fn link_list_rule_takes_runs_of_headlines_but_not_prose() {
    let page = "Home\nNews\nCouncil approves ferry route\nGoats eat the school hedge\n\
        Tram works close the bridge\nMarket traders fear rent rise\n\
        The council voted on Tuesday to approve the ferry route.\nAbout us\n";
    let other = "Home\nNews\nA different story with its own sentences in it.\nAbout us\n";
    let docs = [("s", page), ("s", other)];
    let off = recurrence_only();
    let on = FlagConfig { list_run_lines: 4, gap_line_bytes: 60, ..off.clone() };
    let lines = |cfg: &FlagConfig| -> Vec<(u32, u32)> {
        spans(&docs, cfg, 0).iter().map(|s| (s.first_line, s.last_line)).collect()
    };
    assert_eq!(lines(&off), [(0, 1), (7, 7)]);
    assert_eq!(lines(&on), [(0, 5), (7, 7)]);
    let three = FlagConfig { list_run_lines: 5, ..on };
    assert_eq!(lines(&three), [(0, 1), (7, 7)]);
}

/// Lines flagged on page `which`, as (first, last) pairs.
fn flagged_lines(docs: &[(&str, &str)], cfg: &FlagConfig, which: usize) -> Vec<(u32, u32)> {
    spans(docs, cfg, which).iter().map(|s| (s.first_line, s.last_line)).collect()
}

#[test]
fn headline_listed_on_other_pages_is_kept_and_the_title_line_flagged() {
    // Five pages of one site; page 1 lists page 0's headline among its related stories,
    // so the headline recurs (on 2 of 5 pages: not the site's template).
    let topics = ["Ferry route approved", "Goats eat hedge", "Tides rise", "Trams run", "Bees"];
    let pages: Vec<String> = topics
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let related = if i == 1 { topics[0] } else { "" };
            format!(
                "{t} - Gazette\nGazette\nHome\nNews\n{t}\nThe story of {t} is told at \
                 length here, with all the details.\n{related}\n"
            )
        })
        .collect();
    let docs: Vec<(&str, &str)> = pages.iter().map(|p| ("s", p.as_str())).collect();
    let off = recurrence_only();
    assert_eq!(flagged_lines(&docs, &off, 0), [(1, 4)]);
    let on = FlagConfig { keep_title: true, gap_lines: 3, ..off };
    // The headline is kept although it recurs and sits between flagged lines; the first
    // line, the HTML title with the site's name, goes with the header.
    assert_eq!(flagged_lines(&docs, &on, 0), [(0, 3)]);
}

#[test]
fn teaser_pairs_of_an_index_page_are_flagged_but_not_a_listicle() {
    let header = "Gazette\nHome\nNews\n";
    let footer = "About us\nContact\n";
    let index = format!(
        "{header}Ferry route approved\nThe council approved the new ferry route on Tuesday.\n\
         Goats eat school hedge\nA herd of goats escaped and ate the hedge of the school.\n\
         Tram works close bridge\nThe bridge will be closed for three weeks from Monday.\n\
         {footer}"
    );
    let listicle = format!(
        "{header}Five ways to save power at your desk, from the screen to the plug, all of \
         them cheap and quick to set up.\n\
         Lower the brightness\nA dimmer screen uses noticeably less power all day.\n\
         Sleep when idle\nLet the computer sleep after ten minutes without use.\n\
         Use one monitor\nA second screen doubles what the display draws from the wall.\n\
         {footer}"
    );
    let numbered = format!(
        "{header}1. Lower the brightness\nA dimmer screen uses noticeably less power.\n\
         2. Sleep when idle\nAn idle computer that sleeps draws next to nothing.\n\
         3. Use one monitor\nA second screen doubles what the display draws.\n{footer}"
    );
    let docs = [("s", index.as_str()), ("s", listicle.as_str()), ("s", numbered.as_str())];
    let on = FlagConfig { teaser_pairs: 3, ..recurrence_only() };
    assert_eq!(flagged_lines(&docs, &on, 0), [(0, 10)]);
    // The listicle's items follow its opening paragraph, or are numbered: they stay.
    assert_eq!(flagged_lines(&docs, &on, 1), [(0, 2), (10, 11)]);
    assert_eq!(flagged_lines(&docs, &on, 2), [(0, 2), (9, 10)]);
    let two = FlagConfig { teaser_pairs: 4, ..on };
    assert_eq!(flagged_lines(&docs, &two, 0), [(0, 2), (9, 10)]);
}

#[test]
fn related_heading_takes_the_titles_under_it() {
    let page = "Gazette\nHome\nThe council voted on Tuesday to approve the new ferry route.\n\
        Related Stories\nFerries return to the bay\nHarbour works delayed\n\
        The route opens in the spring, the council said after the vote.\nAbout us\n";
    let other = "Gazette\nHome\nA different story with its own sentences in it.\nAbout us\n";
    let docs = [("s", page), ("s", other)];
    let off = recurrence_only();
    assert_eq!(flagged_lines(&docs, &off, 0), [(0, 1), (7, 7)]);
    let on = FlagConfig { related_heading_lines: 8, ..off };
    assert_eq!(flagged_lines(&docs, &on, 0), [(0, 1), (3, 5), (7, 7)]);
    // "Related" followed by a sentence is not a list.
    let prose = "Gazette\nHome\nRelated\nThe council voted on Tuesday to approve it.\n";
    assert_eq!(flagged_lines(&[("s", prose), ("s", other)], &on, 0), [(0, 1)]);
}

#[test]
fn headlines_from_other_sites_stamped_hours_ago_are_flagged() {
    let page = "The council voted on Tuesday to approve the new ferry route to the islands.\n\
        From other news sites\n\
        Island Times Ferry route gets green light 43 mins ago\n\
        Coast Herald Council backs new ferry 2 hrs ago\n\
        Posted 3 hours ago\n";
    let docs = [("s", page)];
    let on = FlagConfig { time_ago_lines: 2, ..recurrence_only() };
    assert_eq!(flagged_lines(&docs, &on, 0), [(2, 4)]);
    assert!(flagged_lines(&docs, &FlagConfig { time_ago_lines: 4, ..on }, 0).is_empty());
}

#[test]
fn comment_thread_after_article_is_flagged() {
    let article = "The council voted on Tuesday to approve the new ferry route to the islands, \
        after a long debate about the cost of the harbour works.\n\
        Work on the new pontoon starts in the spring and should take a year.\n";
    let page = format!(
        "{article}3 Comments\nJane\n2 hours ago\nAbout time too, the old boat was awful.\n\
         Reply\nLeave a Reply\n"
    );
    let on = FlagConfig { comment_threads: true, ..recurrence_only() };
    assert_eq!(flagged_lines(&[("s", page.as_str())], &on, 0), [(2, 7)]);
    // "Comments" in the menu above the article opens nothing.
    let menu = format!("Comments\n{article}");
    assert!(flagged_lines(&[("s", menu.as_str())], &on, 0).is_empty());
    // A per-post "Add a comment" repeated under each answer of a Q&A page does not open a
    // thread: the answer stays (only the last one, with nothing after it, is taken).
    let qa = format!(
        "{article}Add a comment\nThe answer is to ask the harbour master about the permit.\n\
         Add a comment\n"
    );
    assert_eq!(flagged_lines(&[("s", qa.as_str())], &on, 0), [(4, 4)]);
    // Without a heading, two comment signatures open the thread at the first.
    let signed = format!(
        "{article}Jane says:\nAbout time too, the old boat was awful.\nJoe says:\nAgreed.\n"
    );
    assert_eq!(flagged_lines(&[("s", signed.as_str())], &on, 0), [(2, 5)]);
    let one = format!("{article}Jane says:\nAbout time too, the old boat was awful.\n");
    assert!(flagged_lines(&[("s", one.as_str())], &on, 0).is_empty());
}

#[test]
fn caption_credit_and_copyright_lines_are_flagged() {
    let page = "The council voted on Tuesday to approve the new ferry route to the islands.\n\
        The new pontoon at the harbour (Image: Getty)\n\
        Photo: Jane Doe, AP\n\
        The photo of the pontoon was taken in April, before the vote.\n\
        © 2024 Gazette Media. All rights reserved.\n";
    let docs = [("s", page)];
    let off = recurrence_only();
    assert!(flagged_lines(&docs, &off, 0).is_empty());
    let captions = FlagConfig { captions: true, ..off.clone() };
    assert_eq!(flagged_lines(&docs, &captions, 0), [(1, 2)]);
    let both = FlagConfig { copyright_lines: true, ..captions };
    assert_eq!(flagged_lines(&docs, &both, 0), [(1, 2), (4, 4)]);
}
