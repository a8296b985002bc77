//! Benchmarks of chaff's stages, each on small, medium and large inputs, and of the whole scan.
//!
//! The inputs are what `chaff gen` writes: JSONL shards from the project's own generator
//! ([`chaff::gen`]; 100 sites, seed 7), generated at bench time into a temporary folder (never
//! committed) at three sizes: small 1 MiB, medium 8 MiB and large 32 MiB of JSONL. Each is read
//! once into documents, which the later stages take as their input.
//!
//! One group per stage, one bench per size, each with `Throughput::Bytes` so that results read
//! as MiB/s, and each checking a count known beforehand (memchr rebar):
//!
//! - `read`: [`Corpus`] over the shards (open, parse JSON, make documents), over the JSONL
//!   bytes; checks the documents against [`GenSummary::documents`].
//! - `normalize`: [`Normalizer::normalize_into`] over every line; checks the non-blank lines
//!   against a plain white-space test.
//! - `hash`: [`LineView`] (normalize, xxh3 each line) and [`blocks`] (k-line windows); checks
//!   the blocks: one per non-blank line and one per window of k of them.
//! - `count`: [`CountTable::add_document`] over precomputed blocks, then `finish`; checks the
//!   documents and the distinct blocks, counted by a `BTreeSet`. An obvious `BTreeMap` twin
//!   runs beside it on the medium input, so the speed-up reads off one group.
//! - `mark`: [`scan::mark_document`] (flag against the counts, classify the spans) over
//!   counts and site profiles made beforehand; checks the spans and boilerplate bytes against
//!   what [`scan::mark`] reports for the same input.
//! - `scan`: [`scan()`] end to end on the medium input, on 1 and 2 threads, over the JSONL
//!   bytes; checks the documents and that no record was a problem.
//!
//! Stages other than `read` and `scan` run over the documents' text (about 94% of the JSONL
//! bytes) on one thread; `scan` is the only one whose passes run in parallel. Expectations come
//! from slow, obvious code run once, outside the timing loop.
//!
//! ```text
//! cargo bench --bench scan              # about two minutes on two cores
//! cargo bench --bench scan -- mark      # one group
//! cargo bench --bench scan -- --test    # each bench once, as `cargo test --all-targets` does
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chaff::classify::Classifiers;
use chaff::count::{CountTable, Counts};
use chaff::flag::Flagger;
use chaff::gen::{generate, GenConfig, GenSummary};
use chaff::input::{expand, Corpus, InputFile, ReadConfig};
use chaff::pipeline::{self, scan, Learned, ScanConfig};
use chaff::progress::NoProgress;
use chaff::text::block::{split_lines, LineView};
use chaff::text::normalize::{is_blank, Normalizer};
use chaff::text::shingle::{blocks, Block};
use chaff::Document;
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};

/// The inputs: name and bytes of JSONL.
const SIZES: [(&str, u64); 3] = [("small", 1 << 20), ("medium", 8 << 20), ("large", 32 << 20)];
const SITES: usize = 100;
const SEED: u64 = 7;

/// One generated input, read once.
struct Input {
    name: &'static str,
    /// Keeps the shards on disk while the benches run.
    _dir: tempfile::TempDir,
    paths: Vec<PathBuf>,
    files: Vec<InputFile>,
    summary: GenSummary,
    docs: Vec<Document>,
    /// Bytes of the documents' texts.
    text_bytes: u64,
    /// Non-blank lines of each document, by the obvious test.
    non_blank: Vec<usize>,
    distinct: OnceLock<usize>,
}

impl Input {
    fn generate(name: &'static str, size: u64) -> Input {
        let started = Instant::now();
        let dir = tempfile::tempdir().expect("creating a temporary folder");
        let config = GenConfig { size, sites: SITES, seed: SEED, ..GenConfig::default() };
        let summary = generate(dir.path(), &config).expect("generating the input");
        let paths = vec![dir.path().to_path_buf()];
        let chaff::input::Expanded { files, problems, .. } = expand(&paths);
        assert!(problems.is_empty(), "{problems:?}");
        let on_disk: u64 = files
            .iter()
            .map(|f| std::fs::metadata(&f.path).expect("reading a shard's size").len())
            .sum();
        assert_eq!(on_disk, summary.bytes);
        let docs: Vec<Document> = Corpus::new(files.clone(), Vec::new(), ReadConfig::default())
            .map(|item| item.expect("reading the generated input"))
            .collect();
        let text_bytes = docs.iter().map(|d| d.text.len() as u64).sum();
        let non_blank = docs
            .iter()
            .map(|d| d.text.split(|&b| b == b'\n').filter(|l| !is_blank(l)).count())
            .collect();
        eprintln!(
            "{name}: {} documents, {:.1} MiB of JSONL in {} file(s), {:.1} MiB of text \
             (generated and read in {:.1} s)",
            summary.documents,
            summary.bytes as f64 / f64::from(1 << 20),
            files.len(),
            text_bytes as f64 / f64::from(1 << 20),
            started.elapsed().as_secs_f64()
        );
        Input {
            name,
            _dir: dir,
            paths,
            files,
            summary,
            docs,
            text_bytes,
            non_blank,
            distinct: OnceLock::new(),
        }
    }

    fn documents(&self) -> usize {
        self.summary.documents as usize
    }

    /// Distinct blocks (single lines and k-line windows), by a `BTreeSet`.
    fn distinct_blocks(&self) -> usize {
        *self.distinct.get_or_init(|| {
            let normalizer = Normalizer::new(&ScanConfig::default().normalize);
            let (mut set, mut all) = (BTreeSet::new(), 0);
            for doc in &self.docs {
                let blocks = doc_blocks(&normalizer, doc);
                all += blocks.len();
                set.extend(blocks.iter().map(|b| b.hash.0));
            }
            eprintln!("{}: {} distinct blocks of {all}", self.name, set.len());
            set.len()
        })
    }

    fn medium() -> &'static Input {
        inputs().iter().find(|i| i.name == "medium").expect("a medium input")
    }
}

/// The inputs, generated once per process and shared by every bench.
fn inputs() -> &'static [Input] {
    static INPUTS: OnceLock<Vec<Input>> = OnceLock::new();
    INPUTS.get_or_init(|| SIZES.iter().map(|&(name, size)| Input::generate(name, size)).collect())
}

/// A group of ten samples, so that the whole run stays around two minutes on two cores.
fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g
}

/// Sets the group up for a bench over `bytes` of `input` by a stage that runs at about
/// `mib_per_s` on a busy machine (about half of what it ran at alone): time for ten samples of
/// one iteration or more, and flat sampling (the same iteration count in every sample) past
/// the small input, where linear sampling's 55 iterations would take too long.
fn per_input(g: &mut BenchmarkGroup<'_, WallTime>, input: &Input, bytes: u64, mib_per_s: f64) {
    g.throughput(Throughput::Bytes(bytes));
    let iteration = bytes as f64 / f64::from(1 << 20) / mib_per_s;
    g.measurement_time(Duration::from_secs_f64((12.0 * iteration).max(2.0)));
    let flat = input.name != "small" || iteration > 0.05;
    g.sampling_mode(if flat { SamplingMode::Flat } else { SamplingMode::Auto });
}

fn bench_read(c: &mut Criterion) {
    let mut g = group(c, "read");
    for input in inputs() {
        per_input(&mut g, input, input.summary.bytes, 250.0);
        g.bench_function(input.name, |b| {
            b.iter(|| {
                let corpus = Corpus::new(input.files.clone(), Vec::new(), ReadConfig::default());
                let mut n = 0;
                for item in corpus {
                    black_box(item.expect("reading the generated input"));
                    n += 1;
                }
                assert_eq!(n, input.documents());
                n
            })
        });
    }
    g.finish();
}

fn bench_normalize(c: &mut Criterion) {
    let normalizer = Normalizer::new(&ScanConfig::default().normalize);
    let mut g = group(c, "normalize");
    for input in inputs() {
        let lines: Vec<&[u8]> = input
            .docs
            .iter()
            .flat_map(|d| split_lines(&d.text).into_iter().map(|l| &d.text[l.start..l.end]))
            .collect();
        let want: usize = input.non_blank.iter().sum();
        per_input(&mut g, input, input.text_bytes, 90.0);
        g.bench_function(input.name, |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(256);
                let mut non_blank = 0;
                for line in &lines {
                    normalizer.normalize_into(line, &mut out);
                    non_blank += usize::from(!out.is_empty());
                }
                assert_eq!(non_blank, want, "a line is blank when it is all white space");
                non_blank
            })
        });
    }
    g.finish();
}

/// A document's blocks, as the count pass makes them.
fn doc_blocks(normalizer: &Normalizer, doc: &Document) -> Vec<Block> {
    let flag = ScanConfig::default().flag;
    let view = LineView::capped(&doc.text, normalizer, flag.max_line_bytes, flag.max_doc_bytes);
    blocks(&view.hashes, flag.shingle)
}

fn bench_hash(c: &mut Criterion) {
    let normalizer = Normalizer::new(&ScanConfig::default().normalize);
    let k = ScanConfig::default().flag.shingle;
    let mut g = group(c, "hash");
    for input in inputs() {
        // Each non-blank line is a block, and so is each window of k of them.
        let want: usize = input.non_blank.iter().map(|&n| n + n.saturating_sub(k - 1)).sum();
        per_input(&mut g, input, input.text_bytes, 75.0);
        g.bench_function(input.name, |b| {
            b.iter(|| {
                let n: usize = input.docs.iter().map(|d| doc_blocks(&normalizer, d).len()).sum();
                assert_eq!(n, want);
                n
            })
        });
    }
    g.finish();
}

/// Distinct blocks in finished counts. The one place that reaches into the table's layout.
fn distinct_blocks(counts: &Counts) -> usize {
    counts.distinct_blocks as usize
}

fn fast_count(docs: &[(&str, Vec<Block>)]) -> Counts {
    let mut table = CountTable::default();
    for (site, blocks) in docs {
        table.add_document(site, blocks);
    }
    table.finish()
}

/// The obvious twin of `CountTable`: documents per (block, site), then per block the
/// documents and sites, as `CountTable::finish` derives them.
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

fn bench_count(c: &mut Criterion) {
    let normalizer = Normalizer::new(&ScanConfig::default().normalize);
    let mut g = group(c, "count");
    for input in inputs() {
        let docs: Vec<(&str, Vec<Block>)> =
            input.docs.iter().map(|d| (d.site.as_str(), doc_blocks(&normalizer, d))).collect();
        let distinct = input.distinct_blocks();
        per_input(&mut g, input, input.text_bytes, 110.0);
        g.bench_function(BenchmarkId::new("table", input.name), |b| {
            b.iter(|| {
                let counts = fast_count(&docs);
                assert_eq!(counts.documents as usize, input.documents());
                assert_eq!(distinct_blocks(&counts), distinct);
                counts
            })
        });
        if input.name == "medium" {
            per_input(&mut g, input, input.text_bytes, 40.0);
            g.bench_function(BenchmarkId::new("naive_btreemap", input.name), |b| {
                b.iter(|| {
                    let counts = naive_count(&docs);
                    assert_eq!(counts.1.len(), distinct);
                    counts
                })
            });
        }
    }
    g.finish();
}

fn bench_mark(c: &mut Criterion) {
    let config = ScanConfig::default();
    let normalizer = Normalizer::new(&config.normalize);
    let classifiers = Classifiers::default();
    let mut g = group(c, "mark");
    for input in inputs() {
        // What the passes before mark learn, and what mark itself reports, once.
        let counts =
            pipeline::count(&input.files, &config, &NoProgress).expect("counting the input");
        assert_eq!((counts.documents + counts.duplicates) as usize, input.documents());
        assert_eq!(distinct_blocks(&counts), input.distinct_blocks());
        let (profiles, _) =
            pipeline::learn(&input.files, &counts, &config, None, &NoProgress, None)
                .expect("learning the input")
                .unwrap_or_default();
        let learned =
            Learned { counts: &counts, profiles: &profiles, duplicates: None, first_doc: 0 };
        let report =
            pipeline::mark(&input.files, Vec::new(), learned, &config, &NoProgress, &mut [], None)
                .expect("marking the input");
        let want = (report.totals.spans, report.totals.boilerplate_bytes);
        assert!(want.0 > 0 && want.1 > 0, "the generated sites have templates");
        let flagger = Flagger {
            counts: &counts,
            config: &config.flag,
            normalizer: &normalizer,
            classifiers: Some(&classifiers),
        };
        per_input(&mut g, input, input.text_bytes, 15.0);
        g.bench_function(input.name, |b| {
            b.iter(|| {
                let (mut spans, mut bytes) = (0, 0);
                for doc in &input.docs {
                    let result = pipeline::mark_document(
                        &flagger,
                        &classifiers,
                        &config.paywall,
                        &profiles,
                        doc,
                    );
                    spans += result.spans.len() as u64;
                    bytes += result.boilerplate_bytes;
                }
                assert_eq!((spans, bytes), want, "spans and boilerplate bytes as scan::mark's");
                bytes
            })
        });
    }
    g.finish();
}

fn bench_scan(c: &mut Criterion) {
    let input = Input::medium();
    let config = ScanConfig { top: 20, ..ScanConfig::default() };
    let mut g = group(c, "scan");
    per_input(&mut g, input, input.summary.bytes, 10.0);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("building a thread pool");
        g.bench_function(BenchmarkId::new(input.name, format!("threads-{threads}")), |b| {
            b.iter(|| {
                let report = pool
                    .install(|| scan(&input.paths, &config, &NoProgress, &mut []))
                    .expect("scanning the input");
                assert_eq!(report.totals.documents as usize, input.documents());
                assert_eq!(report.totals.problems, 0);
                report
            })
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_read,
    bench_normalize,
    bench_hash,
    bench_count,
    bench_mark,
    bench_scan
);
criterion_main!(benches);
