//! A document's content for duplicate detection, and its fixed-size signature.
//!
//! ## What counts as content
//!
//! The lines that flagging keeps, plus the flagged lines that recur only because the article
//! itself was copied. Flagging alone would not do: a page syndicated on a partner site, or
//! scraped twice with another "more stories" list, has its whole article on two documents, so
//! every line of it is cross-page recurrence and flagging takes it out (on `corpus/`, both
//! copies of the hut-to-hut story and of the port-operator story keep nothing or one paragraph).
//! So a line inside a cross-page span stays content when the line itself stands on at most
//! [`DedupConfig::max_copies`](super::DedupConfig::max_copies) documents and is not part of its
//! site's template (on two pages, no more than half of the site's; on three or more, no more
//! than a quarter): the copies of an article, not a template, which stands on many pages of its
//! site, nor a teaser or a cookie banner, which stand on many sites. Lines
//! flagged by the context, body and within-page rules alone (on one document only) stay out.
//!
//! ## Known limits
//! - An article copied onto more than `max_copies` documents (other than exact copies on one
//!   site, which count once) reads as boilerplate, and its copies are left out unless some
//!   unique text remains.
//! - Copies of one article on a site of two or three pages stand on more than half of its
//!   pages, like a template, and are compared on what else they hold (on wcxb, letting them in
//!   made small shops' product pages "duplicates" through their template).

use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::minhash::{distinct, hash_word, shingles, MinHasher, DEDUP_SEED, EMPTY};
use super::DedupConfig;
use crate::count::{Counts, SiteKey};
use crate::span::{Span, SpanKind};
use crate::text::block::LineView;
use crate::text::hash::hash_window;
use crate::text::normalize::Normalizer;

/// Keeps whole-page hashes apart from content hashes.
const PAGE_TAG: u64 = 0x7061_6765_5f6f_6e6c;

/// What the sign pass keeps of one document.
#[derive(Clone, Debug, PartialEq)]
pub struct DocSignature {
    /// xxh3 of the normalized content words joined by single spaces; for a document with too
    /// little content (`page_only`), the hash of its whole normalized text instead.
    pub content_hash: u64,
    /// The content was too short to judge (under `min_words` words): only an exact copy of
    /// the whole page can be found, by `content_hash`.
    pub page_only: bool,
    /// Bytes of the content lines in the original text.
    pub content_bytes: u64,
    /// Words of the content.
    pub words: u32,
    /// Distinct shingles of the content.
    pub shingles: u32,
    /// One minimum per permutation ([`EMPTY`] when there is no shingle).
    pub minhash: Vec<u32>,
    /// The same over the first `lead_shingles` shingles only, with the first
    /// `lead_permutations` permutations: the opening of the text, to find teasers.
    pub lead: Vec<u32>,
}

/// Signs documents: builds the content, its words, shingles and MinHash.
pub struct Signer<'a> {
    pub config: &'a DedupConfig,
    pub hasher: &'a MinHasher,
    pub counts: &'a Counts,
    /// Normalizes content lines (case and white space folded; digits kept, so that two
    /// reports that differ only in their figures stay apart).
    pub normalizer: &'a Normalizer,
}

impl Signer<'_> {
    /// Which non-blank lines of `view` are content (parallel to `view.non_blank`).
    pub fn content_lines(&self, view: &LineView, site: &str, spans: &[Span]) -> Vec<bool> {
        let mut keep = vec![true; view.non_blank.len()];
        if self.config.raw_text {
            return keep;
        }
        let site = SiteKey::of(site);
        let site_docs = self.counts.site_docs(site);
        let mut s = 0;
        for (j, &line) in view.non_blank.iter().enumerate() {
            while s < spans.len() && spans[s].last_line < line {
                s += 1;
            }
            let Some(span) = spans.get(s).filter(|sp| sp.first_line <= line) else {
                continue;
            };
            let block = hash_window(std::slice::from_ref(&view.hashes[j]));
            let docs = self.counts.block(block).docs;
            let on_site = self.counts.site_docs_of(block, site);
            // A pair of copies may fill half of a site of four pages; three or more copies on
            // one site are rarer than a template shared by one section of the site, so from
            // three pages on, a quarter of the site is enough to read as template (on wcxb,
            // half let a shop's shipping banner on 4 of its 8 pages through).
            let on_site = u64::from(on_site);
            let template = match on_site {
                0 | 1 => false,
                2 => 2 * on_site > site_docs,
                _ => 4 * on_site > site_docs,
            };
            keep[j] = span.kind == SpanKind::CrossPage
                && !template
                && (2..=self.config.max_copies).contains(&docs);
        }
        keep
    }

    /// The signature of a document whose lines are `view` and boilerplate `spans`.
    pub fn sign(&self, text: &[u8], site: &str, view: &LineView, spans: &[Span]) -> DocSignature {
        let keep = self.content_lines(view, site, spans);
        let mut normalized = Vec::with_capacity(text.len());
        let mut buf = Vec::with_capacity(256);
        let mut words: Vec<u64> = Vec::new();
        let mut content_bytes = 0u64;
        for (j, &line) in view.non_blank.iter().enumerate() {
            if !keep[j] {
                continue;
            }
            let l = view.lines[line as usize];
            content_bytes += l.end_with_newline() as u64 - l.start as u64;
            self.normalizer.normalize_into(&text[l.start..l.end], &mut buf);
            for word in buf.split(|&b| b == b' ' || b == b'\t').filter(|w| !w.is_empty()) {
                if !normalized.is_empty() {
                    normalized.push(b' ');
                }
                normalized.extend_from_slice(word);
                words.push(hash_word(word));
            }
        }
        let shingled = shingles(&words, self.config.shingle_words);
        let mut minhash = vec![EMPTY; self.config.permutations];
        self.hasher.fill(&shingled, &mut minhash);
        let mut lead = vec![EMPTY; self.config.lead_permutations];
        self.hasher.fill(&shingled[..shingled.len().min(self.config.lead_shingles)], &mut lead);
        let page_only = (words.len() as u32) < self.config.min_words;
        let content_hash = if page_only {
            // A page copied whole is a duplicate whatever its content; a blank page is not.
            if view.hashes.is_empty() {
                0
            } else {
                hash_window(&view.hashes).0 ^ PAGE_TAG
            }
        } else {
            xxh3_64_with_seed(&normalized, DEDUP_SEED)
        };
        DocSignature {
            content_hash,
            page_only,
            content_bytes,
            words: words.len() as u32,
            shingles: distinct(&shingled) as u32,
            minhash,
            lead,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountTable;
    use crate::flag::{FlagConfig, Flagger};
    use crate::text::normalize::NormalizeConfig;
    use crate::text::shingle::blocks;

    const HEADER: &str = "Gazette\nHome\nNews\nSport\n";
    const FOOTER: &str = "About us\nContact\nPrivacy\n";

    fn page(body: &str) -> String {
        format!("{HEADER}{body}\n{FOOTER}")
    }

    /// Signs `docs[which]` after counting all of `docs` (all on one site).
    fn sign(docs: &[String], which: usize, raw_text: bool) -> DocSignature {
        let flag = FlagConfig { shingle: 2, ..FlagConfig::default() };
        let n = Normalizer::new(&NormalizeConfig::default());
        let mut t = CountTable::default();
        for d in docs {
            let view = LineView::new(d.as_bytes(), &n, usize::MAX);
            t.add_document("s", &blocks(&view.hashes, flag.shingle));
        }
        let counts = t.finish();
        let flagger = Flagger { counts: &counts, config: &flag, normalizer: &n, classifiers: None };
        let config = DedupConfig { raw_text, ..DedupConfig::default() };
        let hasher = MinHasher::new(config.permutations, config.seed);
        let dn = Normalizer::new(&NormalizeConfig { digit_class: false, ..Default::default() });
        let signer = Signer { config: &config, hasher: &hasher, counts: &counts, normalizer: &dn };
        let (view, spans) = flagger.flag(docs[which].as_bytes(), "s");
        signer.sign(docs[which].as_bytes(), "s", &view, &spans)
    }

    #[test]
    fn an_article_on_two_pages_stays_content_the_template_does_not() {
        let article = "The ferry returned to the harbour route after three years of repairs.\n\
                       Passengers queued along the quay from early in the morning.";
        let mut docs = vec![page(article), page(article)];
        // The copies differ: other pages of the site make the template recur widely.
        docs[1].push_str("Read next: goats in the school garden\n");
        for i in 0..8 {
            docs.push(page(&format!("Unrelated story number {i} about the tides and the moon.")));
        }
        let a = sign(&docs, 0, false);
        let b = sign(&docs, 1, false);
        assert_eq!(a.words, 22);
        // The extra line is unique, short and wedged between flagged lines: not content.
        assert_eq!(a.content_hash, b.content_hash);
        assert_eq!(a.minhash, b.minhash);
        let raw = sign(&docs, 0, true);
        assert!(raw.words > a.words);
    }

    #[test]
    fn digits_tell_reports_apart() {
        let mut docs = vec![page("Shares closed at 104 pence on a quiet day of trading.")];
        docs.push(page("Shares closed at 98 pence on a quiet day of trading."));
        for i in 0..4 {
            docs.push(page(&format!("Story {i}")));
        }
        assert_ne!(sign(&docs, 0, false).content_hash, sign(&docs, 1, false).content_hash);
    }
}
