//! What each flagged span is: paywall teaser, template placeholder, navigation, related links,
//! footer, consent banner, newsletter pitch, share buttons, byline, or other.
//!
//! One classifier per file, each scoring a [`PartView`] (a run of lines that recur together,
//! with its place on the page). A part's class is paywall when the paywall classifier scores
//! it at 1 or more, else placeholder likewise, else the best-scoring other class at 1 or more,
//! else [`Class::Other`]. Every other class that scored 1 or more is listed in `also`. A
//! span's class is paywall when any of its parts is, otherwise the class of its largest part.

pub mod byline;
pub mod consent;
pub mod cues;
pub mod family;
pub mod footer;
pub mod navigation;
pub mod newsletter;
pub mod paywall;
pub mod placeholder;
pub mod related;
pub mod share;

use serde::{Deserialize, Serialize};

use crate::span::{Class, Span};
use crate::text::block::LineView;
use crate::text::template::{template_of, Template};

/// A document's paywall status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaywallStatus {
    /// No paywall span.
    #[default]
    None,
    /// A paywall teaser is on the page, and the article text around it looks whole.
    Teaser,
    /// The teaser closes the visible text and little unique text precedes it: the body was
    /// likely cut at the wall.
    Truncated,
}

/// What a classifier sees of a part.
pub struct PartView<'a> {
    /// The lines, normalized (case folded, white space folded, digit runs as `0`).
    pub lines: &'a [String],
    /// The same lines as written (trimmed, decoded lossily).
    pub raw: &'a [String],
    /// No kept (unflagged) line stands above the part.
    pub at_top: bool,
    /// No kept line stands below it.
    pub at_bottom: bool,
}

impl PartView<'_> {
    /// Share of lines for which `pred` holds.
    pub fn share(&self, pred: impl Fn(&str) -> bool) -> f32 {
        if self.lines.is_empty() {
            return 0.0;
        }
        self.lines.iter().filter(|l| pred(l)).count() as f32 / self.lines.len() as f32
    }

    /// All lines joined with a space, normalized.
    pub fn joined(&self) -> String {
        self.lines.join(" ")
    }
}

/// Scores how much a part looks like one class.
pub trait Classifier: Send + Sync {
    fn class(&self) -> Class;
    /// 1 or more: the part is of this class. Higher: more sure.
    fn score(&self, part: &PartView) -> f32;
}

/// Every classifier, in priority order.
pub struct Classifiers {
    all: Vec<Box<dyn Classifier>>,
    /// The paywall classifier again, for single lines.
    pub paywall: paywall::Paywall,
    /// The related-links classifier again, for headings.
    pub related: related::Related,
}

impl Default for Classifiers {
    fn default() -> Self {
        Classifiers {
            all: vec![
                Box::new(paywall::Paywall::default()),
                Box::new(placeholder::Placeholder),
                Box::new(consent::Consent::default()),
                Box::new(newsletter::Newsletter::default()),
                Box::new(share::Share::default()),
                Box::new(related::Related::default()),
                Box::new(byline::Byline),
                Box::new(footer::Footer::default()),
                Box::new(navigation::Navigation),
            ],
            paywall: paywall::Paywall::default(),
            related: related::Related::default(),
        }
    }
}

impl Classifiers {
    /// By name, for `--classifiers`-style selection and docs.
    pub fn names(&self) -> Vec<&'static str> {
        self.all.iter().map(|c| c.class().name()).collect()
    }

    /// The class of a part and the other classes it also scored for.
    pub fn classify(&self, part: &PartView) -> (Class, Vec<Class>) {
        let scores: Vec<(Class, f32)> =
            self.all.iter().map(|c| (c.class(), c.score(part))).collect();
        let strong = |class: Class| scores.iter().any(|&(c, s)| c == class && s >= 1.0);
        let primary = if strong(Class::Paywall) {
            Class::Paywall
        } else if strong(Class::Placeholder) {
            Class::Placeholder
        } else {
            // The best score; ties go to the earlier (higher-priority) classifier.
            let mut best = (Class::Other, 0.0f32);
            for &(c, s) in &scores {
                if s >= 1.0 && s > best.1 {
                    best = (c, s);
                }
            }
            best.0
        };
        let also =
            scores.iter().filter(|&&(c, s)| s >= 1.0 && c != primary).map(|&(c, _)| c).collect();
        (primary, also)
    }
}

/// Settings of the document-level paywall judgement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaywallConfig {
    /// Kept bytes after the last teaser up to which the teaser still "closes" the text.
    pub tail_bytes: u64,
    /// The share of the site's median kept bytes under which the text before the teaser
    /// counts as cut. Sites too small for a median (under 3 pages) get `teaser`, never
    /// `truncated`: one page cannot be compared with its site.
    pub truncated_site_share: f64,
}

impl Default for PaywallConfig {
    fn default() -> Self {
        PaywallConfig { tail_bytes: 300, truncated_site_share: 0.5 }
    }
}

/// Classes of one document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DocClasses {
    pub paywall: PaywallStatus,
    /// Distinct classes of its spans.
    pub classes: Vec<Class>,
    /// Where the last paywall span stands in the kept text, when there is one: what the
    /// paywall status is judged on, kept so that it can be judged again once the site's median
    /// is known.
    #[serde(skip)]
    pub cut: Option<PaywallCut>,
}

/// Kept bytes (normalized non-blank lines outside every span) before and after a document's
/// last paywall span.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaywallCut {
    pub kept_before: u64,
    pub kept_after: u64,
}

impl PaywallCut {
    /// None, teaser or truncated: truncated when the teaser closes the kept text (at most
    /// `tail_bytes` of kept lines after it) and the kept text before it is under a share of
    /// the site's median kept bytes (`None`: too few pages for a median).
    pub fn status(
        cut: Option<PaywallCut>,
        config: &PaywallConfig,
        site_median_kept: Option<u64>,
    ) -> PaywallStatus {
        let Some(cut) = cut else { return PaywallStatus::None };
        let closes = cut.kept_after <= config.tail_bytes;
        let short = site_median_kept.is_some_and(|median| {
            (cut.kept_before as f64) < config.truncated_site_share * median as f64
        });
        if closes && short {
            PaywallStatus::Truncated
        } else {
            PaywallStatus::Teaser
        }
    }
}

/// Normalized and raw text of every non-blank line of a document.
pub struct LineTexts {
    pub normalized: Vec<String>,
    pub raw: Vec<String>,
}

impl LineTexts {
    /// The texts of the lines inside `spans` (the only ones classified); other lines stay empty.
    pub fn new(text: &[u8], view: &LineView, spans: &[Span]) -> LineTexts {
        let mut normalized = vec![String::new(); view.non_blank.len()];
        let mut raw = vec![String::new(); view.non_blank.len()];
        let mut span_iter = spans.iter().peekable();
        for (j, &i) in view.non_blank.iter().enumerate() {
            while span_iter.peek().is_some_and(|s| s.last_line < i) {
                span_iter.next();
            }
            if span_iter.peek().is_none_or(|s| s.first_line > i) {
                continue;
            }
            let line = view.lines[i as usize];
            let bytes = &text[line.start..line.end];
            normalized[j] = view.normalized_str(j).into_owned();
            raw[j] = String::from_utf8_lossy(bytes).trim().to_string();
        }
        LineTexts { normalized, raw }
    }
}

/// Classifies every part of every span, sets each span's class, `also` and template, and
/// judges the document's paywall status. `site_median_kept` is the median kept bytes of the
/// document's site where known.
pub fn classify_document(
    classifiers: &Classifiers,
    config: &PaywallConfig,
    view: &LineView,
    texts: &LineTexts,
    spans: &mut [Span],
    site_median_kept: Option<u64>,
) -> DocClasses {
    // Position of each non-blank line among them, to tell whether kept text lies above/below.
    let index_of = |line: u32| view.non_blank.binary_search(&line).unwrap_or_else(|i| i);
    let mut flagged = vec![false; view.non_blank.len()];
    for s in spans.iter() {
        for f in &mut flagged[index_of(s.first_line)..=index_of(s.last_line)] {
            *f = true;
        }
    }
    let first_kept = flagged.iter().position(|f| !f);
    let last_kept = flagged.iter().rposition(|f| !f);
    let mut doc_classes: Vec<Class> = Vec::new();
    for span in spans.iter_mut() {
        split_at_headings(classifiers, view, texts, span);
        let mut best_bytes = 0;
        let mut span_class = Class::Other;
        let mut any_paywall = false;
        let mut also: Vec<Class> = Vec::new();
        for part in &mut span.parts {
            let (a, b) = (index_of(part.first_line), index_of(part.last_line));
            let pv = PartView {
                lines: &texts.normalized[a..=b],
                raw: &texts.raw[a..=b],
                at_top: first_kept.is_none_or(|k| k > b),
                at_bottom: last_kept.is_none_or(|k| k < a),
            };
            let recurring = part.kind == crate::span::PartKind::CrossPage;
            let (class, part_also, template, family) = classify_part(classifiers, &pv, recurring);
            part.class = class;
            part.template = family;
            part.masked = Some(template);
            any_paywall |= class == Class::Paywall;
            let bytes = part.end - part.start;
            if bytes > best_bytes {
                best_bytes = bytes;
                span_class = class;
                span.template = part.template;
            }
            also.push(class);
            also.extend(part_also);
        }
        if any_paywall {
            span_class = Class::Paywall;
            if let Some(p) = span.parts.iter().find(|p| p.class == Class::Paywall) {
                span.template = p.template;
            }
        }
        also.sort_unstable();
        also.dedup();
        also.retain(|&c| c != span_class && c != Class::Other);
        span.class = span_class;
        span.also = also;
        doc_classes.push(span_class);
    }
    doc_classes.sort_unstable();
    doc_classes.dedup();
    let cut = paywall_cut(spans, view, &flagged);
    let paywall = PaywallCut::status(cut, config, site_median_kept);
    DocClasses { paywall, classes: doc_classes, cut }
}

/// What classifying a part gives: its class, its other classes, its template and the id it is
/// catalogued under (the template's family). Shared, so that a cache hit copies no text.
type PartResult = (Class, Vec<Class>, std::sync::Arc<Template>, crate::text::template::TemplateId);

/// Parts remembered per thread in each of the cache's two generations.
const PART_CACHE_ENTRIES: usize = 1 << 15;

/// Parts classified lately, in two generations: a full young generation becomes the old one
/// (the previous old one is dropped), and a part found in the old generation moves back to the
/// young one. Parts that stand on many pages, a site's header on each of its pages, stay; a
/// part seen once, a byline with its own date, passes through. Clearing one table of 16 Ki
/// parts when it was full, as before, dropped every site's template with it. Recurring parts
/// found in the cache on a 256 MiB generated crawl: 48% that way; with two generations of 16
/// Ki, 65%; of 32 Ki, 75% (about 20 MiB more at peak); of 64 Ki, 80% (45 MiB more); with no
/// limit, 83%.
#[derive(Default)]
struct PartCache {
    young: rustc_hash::FxHashMap<u128, PartResult>,
    old: rustc_hash::FxHashMap<u128, PartResult>,
}

impl PartCache {
    fn get(&mut self, key: u128) -> Option<PartResult> {
        if let Some(hit) = self.young.get(&key) {
            return Some(hit.clone());
        }
        let hit = self.old.remove(&key)?;
        self.insert(key, hit.clone());
        Some(hit)
    }

    fn insert(&mut self, key: u128, result: PartResult) {
        if self.young.len() >= PART_CACHE_ENTRIES {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(key, result);
    }
}

thread_local! {
    /// The same header, footer or menu stands on every page of a site, and its class and
    /// template depend only on its lines and where it stands: remembered by a 128-bit hash of
    /// those (a wrong hit is as likely as two random 128-bit numbers being equal), which spares
    /// the classifiers and the masking regexes most of their work.
    static PART_CACHE: std::cell::RefCell<PartCache> = std::cell::RefCell::default();
}

/// [`Classifiers::classify`] and [`template_of`] of one part, through the thread's cache when
/// the part recurs on other pages (text unique to its page would only crowd the cache).
fn classify_part(classifiers: &Classifiers, pv: &PartView, recurring: bool) -> PartResult {
    if !recurring {
        return classify_part_uncached(classifiers, pv);
    }
    let mut key =
        xxhash_rust::xxh3::Xxh3::with_seed(u64::from(pv.at_top) << 1 | u64::from(pv.at_bottom));
    for (n, r) in pv.lines.iter().zip(pv.raw) {
        key.update(&(n.len() as u64).to_le_bytes());
        key.update(n.as_bytes());
        key.update(&(r.len() as u64).to_le_bytes());
        key.update(r.as_bytes());
    }
    let key = key.digest128();
    if let Some(hit) = PART_CACHE.with(|c| c.borrow_mut().get(key)) {
        return hit;
    }
    let result = classify_part_uncached(classifiers, pv);
    PART_CACHE.with(|c| c.borrow_mut().insert(key, result.clone()));
    result
}

fn classify_part_uncached(classifiers: &Classifiers, pv: &PartView) -> PartResult {
    let (class, also) = classifiers.classify(pv);
    let template = template_of(pv.raw.iter().map(String::as_str));
    let family = family::family_id(&template, class);
    (class, also, std::sync::Arc::new(template), family)
}

/// Splits parts where one kind of block gives way to another inside a run of lines that recur
/// together: before a related-links heading ("MORE STORIES FROM …") and where paywall lines
/// begin or end, so that a share bar and the list after it are two parts with two classes.
fn split_at_headings(
    classifiers: &Classifiers,
    view: &LineView,
    texts: &LineTexts,
    span: &mut Span,
) {
    let index_of = |line: u32| view.non_blank.binary_search(&line).unwrap_or_else(|i| i);
    let mut parts = Vec::with_capacity(span.parts.len());
    for part in span.parts.drain(..) {
        let (a, b) = (index_of(part.first_line), index_of(part.last_line));
        // Teaser lines: a run of lines with paywall vocabulary that holds one strong cue (a
        // menu's lone "Subscribe now" stays with the menu).
        let scores: Vec<f32> =
            (a..=b).map(|j| classifiers.paywall.line_score(&texts.normalized[j])).collect();
        let mut teaser = vec![false; scores.len()];
        let mut r = 0;
        while r < scores.len() {
            if scores[r] < 1.0 {
                r += 1;
                continue;
            }
            let start = r;
            while r < scores.len() && scores[r] >= 1.0 {
                r += 1;
            }
            if scores[start..r].iter().any(|&s| s >= 2.0) {
                teaser[start..r].iter_mut().for_each(|t| *t = true);
            }
        }
        let mut cuts = vec![a];
        for j in a + 1..=b {
            let heading = classifiers.related.is_heading(&texts.normalized[j]);
            if heading || teaser[j - a] != teaser[j - a - 1] {
                cuts.push(j);
            }
        }
        if cuts.len() == 1 {
            parts.push(part);
            continue;
        }
        cuts.push(b + 1);
        for w in cuts.windows(2) {
            let (p, q) = (w[0], w[1] - 1);
            let (first, last) = (view.non_blank[p], view.non_blank[q]);
            parts.push(crate::span::SpanPart {
                first_line: first,
                last_line: last,
                start: view.lines[first as usize].start,
                end: view.lines[last as usize].end_with_newline(),
                kind: part.kind,
                lines: (q - p + 1) as u32,
                key: crate::text::hash::hash_window(&view.hashes[p..=q]),
                class: Class::Other,
                template: crate::text::template::TemplateId(0),
                masked: None,
            });
        }
    }
    span.parts = parts;
}

/// Where the document's last paywall span stands in its kept text (bytes of the normalized
/// non-blank lines left unflagged before and after it); `None` without a paywall span.
fn paywall_cut(spans: &[Span], view: &LineView, flagged: &[bool]) -> Option<PaywallCut> {
    let last = spans.iter().rev().find(|s| s.class == Class::Paywall)?;
    let index_of = |line: u32| view.non_blank.binary_search(&line).unwrap_or_else(|i| i);
    let (a, b) = (index_of(last.first_line), index_of(last.last_line));
    let kept = |range: std::ops::Range<usize>| -> u64 {
        range.filter(|&j| !flagged[j]).map(|j| u64::from(view.lengths[j])).sum()
    };
    Some(PaywallCut { kept_before: kept(0..a), kept_after: kept(b + 1..flagged.len()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::{NormalizeConfig, Normalizer};

    fn classify(lines: &[&str], at_top: bool, at_bottom: bool) -> (Class, Vec<Class>) {
        let n = Normalizer::new(&NormalizeConfig::default());
        let normalized: Vec<String> = lines
            .iter()
            .map(|l| String::from_utf8(n.apply(l.as_bytes()).into_owned()).unwrap())
            .collect();
        let raw: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let part = PartView { lines: &normalized, raw: &raw, at_top, at_bottom };
        Classifiers::default().classify(&part)
    }

    #[test]
    fn one_block_of_each_class() {
        let cases: [(&[&str], bool, bool, Class); 11] = [
            (
                &["This story is from the {{IssueName}} edition of {{MagazineName}}.", "Start your 7-day Pressreel FREE trial to access thousands of magazines and newspapers.", "Already a subscriber? Sign in"],
                false,
                false,
                Class::Paywall,
            ),
            (&["Welcome to {{ MagazineName }}"], false, false, Class::Placeholder),
            (&["We use cookies to improve your experience. Accept cookies"], false, true, Class::Consent),
            (&["Get the Harbour Briefing in your inbox every weekday morning. Sign up now"], false, false, Class::Newsletter),
            (&["Share this page", "Facebook", "Twitter", "Email"], false, false, Class::Share),
            (&["MORE STORIES FROM THE METRO LEDGER", "Tram extension contract awarded", "4 mins | July 2, 2024", "Office vacancies climb", "5 mins | June 1, 2024"], false, false, Class::Related),
            (&["By Jane Doe | 4 mins | March 3, 2024"], false, false, Class::Byline),
            (&["© 2024 Harbour Gazette Media Ltd. All rights reserved.", "About us", "Contact", "Privacy policy", "Terms of use"], false, true, Class::Footer),
            (&["The Harbour Gazette", "Home", "News", "Council", "Sport"], true, false, Class::Navigation),
            (&["Home › Harbour & Shipping › Council approves new ferry route"], false, false, Class::Navigation),
            (&["The council voted on Tuesday to approve the new ferry route to the islands."], false, false, Class::Other),
        ];
        for (lines, top, bottom, want) in cases {
            assert_eq!(classify(lines, top, bottom).0, want, "{lines:?}");
        }
    }

    #[test]
    fn a_placeholder_inside_a_teaser_is_paywall_also_placeholder() {
        let (class, also) = classify(
            &["This story is from the {{IssueName}} edition of {{MagazineName}}."],
            false,
            false,
        );
        assert_eq!(class, Class::Paywall);
        assert!(also.contains(&Class::Placeholder));
    }

    #[test]
    fn a_menu_with_a_subscribe_link_is_navigation() {
        let menu = [
            "THE METRO LEDGER",
            "Today's Paper",
            "Markets",
            "Companies",
            "Sign in",
            "Subscribe now",
        ];
        assert_eq!(classify(&menu, true, false).0, Class::Navigation);
    }

    #[test]
    fn class_names_are_the_serialized_names() {
        for c in Class::ALL {
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{}\"", c.name()));
        }
    }
}
