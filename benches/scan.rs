//! Benchmarks of the scan pipeline, stage by stage and end to end.
//!
//! The input is a synthetic crawl generated at bench time (never committed) from a fixed seed,
//! so every run measures the same bytes: `SITES` news sites, each with its own 10-line header,
//! 8-line footer, a 3-line paywall teaser shown twice per page and a "Related stories" list
//! drawn from a pool of titles with "N mins | Month D, YYYY" lines; around them, article bodies
//! of random words from a 2,000-word vocabulary (sentences of 10–30 words, paragraphs of 1–3
//! sentences, 5–15 paragraphs), so that bodies never repeat.
//!
//! Every bench reports `Throughput::Bytes` of page text (of the JSONL file for the end-to-end
//! scan), so results read as MB/s, and checks a count known from the generator (memchr rebar).
//! `count_table` runs next to an obvious `BTreeMap` twin, so the speed-up reads off one group.
//!
//! ```text
//! cargo bench --bench scan              # about a minute on two cores
//! cargo bench --bench scan -- --test    # each bench once, as `cargo test --all-targets` does
//! ```

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use chaff::block::LineView;
use chaff::count::{CountTable, Counts, SiteKey};
use chaff::hash::BlockHash;
use chaff::normalize::{NormalizeConfig, Normalizer};
use chaff::progress::NoProgress;
use chaff::scan::{scan, ScanConfig};
use chaff::shingle::{blocks, Block};
use chaff::FlagConfig;
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};
use serde::Serialize;

/// Sites in the crawl.
const SITES: usize = 24;
/// Bytes of page text in the crawl (the JSONL file is a little larger).
const CRAWL_BYTES: usize = 8 << 20;
/// Bytes of page text the `normalize` bench runs over.
const NORMALIZE_BYTES: usize = 4 << 20;
/// Lines per window, as `FlagConfig::default()`.
const K: usize = 4;
const SEED: u64 = 0x6368_6166_665f_6265; // "chaff_be"

/// splitmix64 (Steele, Lea and Flood 2014): tiny, seedable, good enough for test data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` by multiply-shift; the bias is far below anything a bench can see.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// One of `items`, uniformly.
    fn pick<'a, T: AsRef<str>>(&mut self, items: &'a [T]) -> &'a str {
        self.pick_of(items).as_ref()
    }

    fn pick_of<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct indexes of `0..n`, by a partial Fisher–Yates shuffle.
    fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }
}

/// One generated page.
struct Page {
    id: String,
    url: String,
    /// The site as chaff derives it from the URL (its registrable domain).
    site: String,
    text: String,
    /// Lines of `text` with something visible on them, known from the generator.
    non_blank_lines: usize,
}

/// The parts of a page that one site repeats.
struct Site {
    host: String,
    header: Vec<String>,
    footer: Vec<String>,
    teaser: Vec<String>,
    related: Vec<String>,
    sections: Vec<String>,
}

const SECTIONS: &[&str] = &[
    "News",
    "Sport",
    "Business",
    "Opinion",
    "Culture",
    "Travel",
    "Science",
    "Weather",
    "Politics",
    "Health",
    "Technology",
    "Food",
    "Obituaries",
    "Podcasts",
    "Puzzles",
    "Video",
    "Local",
];
const MASTHEADS: &[&str] =
    &["Courier", "Gazette", "Ledger", "Herald", "Times", "Post", "Chronicle", "Tribune"];
const FOOTER: &[&str] = &[
    "About us",
    "Contact us",
    "Privacy policy",
    "Terms of use",
    "Cookie settings",
    "Advertise with us",
    "Careers",
    "Newsletters",
    "Help centre",
    "Accessibility",
];
const TEASER_SECOND: &[&str] = &[
    "Already a subscriber? Sign in to keep reading.",
    "Log in or create a free account to continue.",
    "Sign in to read the rest of this story.",
];
const TEASER_THIRD: &[&str] =
    &["Cancel anytime.", "No commitment, cancel online at any time.", "Offer ends soon."];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `size` distinct pronounceable words.
fn vocabulary(rng: &mut SplitMix64, size: usize) -> Vec<String> {
    const ONSETS: &[&str] = &[
        "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
        "br", "ch", "cl", "dr", "gr", "pl", "sh", "st", "th", "tr",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"];
    const CODAS: &[&str] = &["", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck"];
    const ACCENTED: &[&str] = &["é", "è", "ü", "ö", "å", "ñ"];
    // Mostly short words, as in English prose: about six letters on average.
    const SYLLABLES: &[usize] = &[1, 1, 1, 2, 2, 3];
    let mut seen = HashSet::with_capacity(size);
    let mut words = Vec::with_capacity(size);
    while words.len() < size {
        let mut w = String::new();
        for _ in 0..*rng.pick_of(SYLLABLES) {
            w.push_str(rng.pick(ONSETS));
            w.push_str(rng.pick(VOWELS));
            w.push_str(rng.pick(CODAS));
        }
        // One word in forty carries a non-ASCII letter, so the normalizer's Unicode path
        // runs now and then, as on real pages.
        if rng.below(40) == 0 {
            w.push_str(rng.pick(ACCENTED));
        }
        if seen.insert(w.clone()) {
            words.push(w);
        }
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn title(rng: &mut SplitMix64, words: &[String], min: usize, max: usize) -> String {
    let n = rng.range(min, max);
    (0..n).map(|_| capitalize(rng.pick(words))).collect::<Vec<_>>().join(" ")
}

fn sentence(rng: &mut SplitMix64, words: &[String], out: &mut String) {
    let n = rng.range(10, 30);
    for i in 0..n {
        let w = rng.pick(words);
        if i == 0 {
            out.push_str(&capitalize(w));
        } else {
            out.push(' ');
            out.push_str(w);
            if i + 1 < n && rng.below(12) == 0 {
                out.push(',');
            }
        }
    }
    out.push('.');
}

fn make_site(rng: &mut SplitMix64, words: &[String], n: usize) -> Site {
    let name = format!("The {} {}", capitalize(rng.pick(words)), rng.pick(MASTHEADS));
    let sections: Vec<String> =
        rng.distinct(SECTIONS.len(), 8).into_iter().map(|i| SECTIONS[i].to_string()).collect();
    let mut header = vec![name.clone(), "Home".to_string()];
    header.extend(sections.iter().cloned());
    let mut footer: Vec<String> =
        rng.distinct(FOOTER.len(), 7).into_iter().map(|i| FOOTER[i].to_string()).collect();
    footer.push(format!("© {} {name} Media Group. All rights reserved.", rng.range(2019, 2025)));
    let teaser = vec![
        format!("Subscribe to {name} from $1 a week to read every story."),
        rng.pick(TEASER_SECOND).to_string(),
        rng.pick(TEASER_THIRD).to_string(),
    ];
    let related = (0..40).map(|_| title(rng, words, 4, 9)).collect();
    Site { host: format!("site{n}.example"), header, footer, teaser, related, sections }
}

/// Writes one page of `site`, returning it with its count of non-blank lines.
fn make_page(rng: &mut SplitMix64, words: &[String], site: &Site, seq: usize) -> Page {
    let mut text = String::with_capacity(8 << 10);
    let mut non_blank = 0;
    let mut line = |text: &mut String, s: &str| {
        text.push_str(s);
        text.push('\n');
        non_blank += 1;
    };
    for l in &site.header {
        line(&mut text, l);
    }
    text.push('\n');
    let headline = title(rng, words, 6, 12);
    line(&mut text, &headline);
    line(&mut text, &format!("By {} {}", capitalize(rng.pick(words)), capitalize(rng.pick(words))));
    text.push('\n');
    let paragraphs = rng.range(5, 15);
    let mut para = String::new();
    for p in 0..paragraphs {
        if p == 2 {
            for l in &site.teaser {
                line(&mut text, l);
            }
            text.push('\n');
        }
        para.clear();
        for s in 0..rng.range(1, 3) {
            if s > 0 {
                para.push(' ');
            }
            sentence(rng, words, &mut para);
        }
        line(&mut text, &para);
        text.push('\n');
    }
    for l in &site.teaser {
        line(&mut text, l);
    }
    text.push('\n');
    line(&mut text, "Related stories");
    for i in rng.distinct(site.related.len(), 5) {
        line(&mut text, &site.related[i]);
        let stamp = format!(
            "{} mins | {} {}, {}",
            rng.range(1, 15),
            rng.pick(MONTHS),
            rng.range(1, 28),
            rng.range(2015, 2024)
        );
        line(&mut text, &stamp);
    }
    text.push('\n');
    for l in &site.footer {
        line(&mut text, l);
    }
    let slug: Vec<String> = headline.split(' ').take(5).map(str::to_lowercase).collect();
    let url = format!(
        "https://www.{}/{}/{}/{}-{seq}",
        site.host,
        rng.pick(&site.sections).to_lowercase(),
        rng.range(2015, 2024),
        slug.join("-")
    );
    Page {
        id: format!("{}-{seq:06}", site.host),
        url,
        site: site.host.clone(),
        text,
        non_blank_lines: non_blank,
    }
}

/// A crawl of `sites` sites, pages in random site order, until the text adds up to `bytes`.
fn generate_crawl(sites: usize, bytes: usize, seed: u64) -> Vec<Page> {
    let mut rng = SplitMix64(seed);
    let words = vocabulary(&mut rng, 2_000);
    let sites: Vec<Site> = (0..sites).map(|n| make_site(&mut rng, &words, n)).collect();
    let mut pages = Vec::new();
    let mut total = 0;
    while total < bytes {
        let site = &sites[rng.below(sites.len())];
        let page = make_page(&mut rng, &words, site, pages.len());
        total += page.text.len();
        pages.push(page);
    }
    pages
}

/// Writes `pages` as JSONL (`id`, `url`, `text`) into `dir`, returning the file's path.
fn write_jsonl(dir: &Path, pages: &[Page]) -> std::io::Result<PathBuf> {
    #[derive(Serialize)]
    struct Record<'a> {
        id: &'a str,
        url: &'a str,
        text: &'a str,
    }
    let path = dir.join("crawl.jsonl");
    let mut out = BufWriter::with_capacity(1 << 16, File::create(&path)?);
    for p in pages {
        serde_json::to_writer(&mut out, &Record { id: &p.id, url: &p.url, text: &p.text })?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(path)
}

/// The crawl, generated once per process and shared by every bench.
fn crawl() -> &'static [Page] {
    static CRAWL: OnceLock<Vec<Page>> = OnceLock::new();
    CRAWL.get_or_init(|| {
        let pages = generate_crawl(SITES, CRAWL_BYTES, SEED);
        let sites: HashSet<&str> = pages.iter().map(|p| p.site.as_str()).collect();
        eprintln!(
            "crawl: {} pages on {} sites, {:.2} MiB of text (seed {SEED:#x})",
            pages.len(),
            sites.len(),
            text_bytes(&pages) as f64 / f64::from(1 << 20)
        );
        pages
    })
}

fn text_bytes(pages: &[Page]) -> u64 {
    pages.iter().map(|p| p.text.len() as u64).sum()
}

/// Small samples so that the whole run stays around a minute on two cores.
fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(4));
    g
}

fn bench_normalize(c: &mut Criterion) {
    let mut end = 0;
    let mut size = 0;
    while end < crawl().len() && size < NORMALIZE_BYTES {
        size += crawl()[end].text.len();
        end += 1;
    }
    let pages = &crawl()[..end];
    let lines: Vec<&[u8]> =
        pages.iter().flat_map(|p| p.text.as_bytes().split(|&b| b == b'\n')).collect();
    let non_blank: usize = pages.iter().map(|p| p.non_blank_lines).sum();
    let line_bytes: usize = lines.iter().map(|l| l.len()).sum();

    let mut g = group(c, "normalize");
    g.throughput(Throughput::Bytes(text_bytes(pages)));
    let all_off = NormalizeConfig { case_fold: false, fold_whitespace: false, digit_class: false };
    for (name, config) in [("default", NormalizeConfig::default()), ("all_off", all_off)] {
        let normalizer = Normalizer::new(&config);
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(256);
                let (mut non_empty, mut bytes) = (0, 0);
                for line in &lines {
                    normalizer.normalize_into(line, &mut out);
                    non_empty += usize::from(!out.is_empty());
                    bytes += out.len();
                }
                if config == all_off {
                    assert_eq!(bytes, line_bytes, "all steps off must copy every byte");
                } else {
                    assert_eq!(non_empty, non_blank, "every visible line stays non-empty");
                }
                bytes
            })
        });
    }
    g.finish();
}

fn bench_line_view_and_blocks(c: &mut Criterion) {
    let pages = crawl();
    let normalizer = Normalizer::new(&NormalizeConfig::default());
    let max_line_bytes = FlagConfig::default().max_line_bytes;
    let want: usize =
        pages.iter().map(|p| p.non_blank_lines + p.non_blank_lines.saturating_sub(K - 1)).sum();

    let mut g = group(c, "line_view_and_blocks");
    g.throughput(Throughput::Bytes(text_bytes(pages)));
    g.bench_function(BenchmarkId::new("k", K), |b| {
        b.iter(|| {
            let mut n = 0;
            for p in pages {
                let view = LineView::new(p.text.as_bytes(), &normalizer, max_line_bytes);
                n += black_box(blocks(&view.hashes, K)).len();
            }
            assert_eq!(n, want);
            n
        })
    });
    g.finish();
}

/// The obvious twin of `CountTable`: documents per (block, site), then per-block totals
/// (documents, sites), as `CountTable::finish` derives them.
type NaiveCounts = (BTreeMap<(u64, String), BTreeSet<usize>>, BTreeMap<u64, (usize, usize)>);

fn naive_count(docs: &[(&str, Vec<Block>)]) -> NaiveCounts {
    let mut per_site: BTreeMap<(u64, String), BTreeSet<usize>> = BTreeMap::new();
    for (i, (site, blocks)) in docs.iter().enumerate() {
        for b in blocks {
            per_site.entry((b.hash.0, site.to_string())).or_default().insert(i);
        }
    }
    let mut totals: BTreeMap<u64, (usize, usize)> = BTreeMap::new();
    for ((hash, _), docs) in &per_site {
        let t = totals.entry(*hash).or_default();
        t.0 += docs.len();
        t.1 += 1;
    }
    (per_site, totals)
}

fn fast_count(docs: &[(&str, Vec<Block>)]) -> Counts {
    let mut table = CountTable::default();
    for (site, blocks) in docs {
        table.add_document(site, blocks);
    }
    table.finish()
}

fn bench_count_table(c: &mut Criterion) {
    let pages = crawl();
    let normalizer = Normalizer::new(&NormalizeConfig::default());
    let max_line_bytes = FlagConfig::default().max_line_bytes;
    let docs: Vec<(&str, Vec<Block>)> = pages
        .iter()
        .map(|p| {
            let view = LineView::new(p.text.as_bytes(), &normalizer, max_line_bytes);
            (p.site.as_str(), blocks(&view.hashes, K))
        })
        .collect();

    // The twins must agree before either is timed.
    let fast = fast_count(&docs);
    let (naive_per_site, naive_totals) = naive_count(&docs);
    assert_eq!(fast.documents as usize, pages.len());
    assert_eq!(fast.distinct_blocks as usize, naive_totals.len());
    // Blocks on one document are not kept; looked up, they read as one document, one site.
    for ((hash, site), docs) in &naive_per_site {
        let on_site = fast.site_docs_of(BlockHash(*hash), SiteKey::of(site));
        assert_eq!(on_site as usize, docs.len());
    }
    for (hash, (docs, sites)) in &naive_totals {
        let t = fast.block(BlockHash(*hash));
        assert_eq!((t.docs as usize, t.sites as usize), (*docs, *sites));
    }
    let recurring = naive_totals.values().filter(|t| t.0 >= 2).count();
    assert_eq!(fast.recurring_blocks(), recurring);
    let (keys, distinct) = (naive_per_site.len(), fast.distinct_blocks);
    drop(fast);

    let mut g = group(c, "count_table");
    // The naive twin takes about 100 ms: too slow for the 55 runs of linear sampling.
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Bytes(text_bytes(pages)));
    g.bench_function("fast", |b| {
        b.iter(|| {
            let counts = fast_count(&docs);
            assert_eq!(counts.distinct_blocks, distinct);
            counts
        })
    });
    g.bench_function("naive_btreemap", |b| {
        b.iter(|| {
            let counts = naive_count(&docs);
            assert_eq!(counts.0.len(), keys);
            counts
        })
    });
    g.finish();
}

fn bench_scan_end_to_end(c: &mut Criterion) {
    let pages = crawl();
    let dir = tempfile::tempdir().expect("creating a temporary folder");
    let path = write_jsonl(dir.path(), pages).expect("writing the crawl as JSONL");
    let file_bytes = std::fs::metadata(&path).expect("reading the crawl's size").len();
    let paths = [path];
    let config = ScanConfig { top: 20, ..ScanConfig::default() };
    let sites: HashSet<&str> = pages.iter().map(|p| p.site.as_str()).collect();
    let non_blank: usize = pages.iter().map(|p| p.non_blank_lines).sum();

    let mut g = group(c, "scan_end_to_end");
    // A scan takes a fifth of a second or more: too slow for the 55 runs of linear sampling.
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Bytes(file_bytes));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("building a thread pool");
        g.bench_function(BenchmarkId::new("threads", threads), |b| {
            b.iter(|| {
                let report = pool
                    .install(|| scan(&paths, &config, &NoProgress, &mut []))
                    .expect("scanning the crawl");
                let t = &report.totals;
                assert_eq!(t.documents as usize, pages.len());
                assert_eq!(t.sites as usize, sites.len());
                assert_eq!(t.non_blank_lines as usize, non_blank);
                assert_eq!(t.problems, 0);
                assert!(t.boilerplate_bytes > 0);
                report
            })
        });
    }
    g.finish();
    drop(dir);
}

criterion_group!(
    benches,
    bench_normalize,
    bench_line_view_and_blocks,
    bench_count_table,
    bench_scan_end_to_end
);
criterion_main!(benches);
