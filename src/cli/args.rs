//! Flag groups shared by subcommands, so each flag has one name everywhere.

use std::path::PathBuf;

use chaff::dedup::{
    DedupConfig, DEFAULT_BANDS, DEFAULT_MAX_COPIES, DEFAULT_NEAR_THRESHOLD, DEFAULT_PERMUTATIONS,
    DEFAULT_SHINGLE_WORDS,
};
use chaff::flag::{
    FlagConfig, DEFAULT_BODY_GAP_LINES, DEFAULT_BODY_MIN_SITE_PAGES, DEFAULT_GAP_LINES,
    DEFAULT_GAP_LINE_BYTES, DEFAULT_MAX_DOC_BYTES, DEFAULT_MIN_SITE_FRACTION, DEFAULT_SHINGLE,
};
use chaff::input::decompress::DEFAULT_MAX_RATIO;
use chaff::input::{FieldConfig, ReadConfig, DEFAULT_MAX_RECORD_BYTES};
use chaff::text::normalize::NormalizeConfig;
use clap::Args;

// The headings of `--help`, the same on every subcommand.
pub const INPUT: &str = "Input";
pub const DETECTION: &str = "Detection";
pub const RULES: &str = "Rules";
pub const DUPLICATES: &str = "Duplicates";
pub const OUTPUTS: &str = "Outputs";
pub const MEMORY_AND_LIMITS: &str = "Memory and limits";
pub const GLOBAL: &str = "Global";

/// Flags of every subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Worker threads (default: one per core).
    #[arg(long, global = true, value_name = "N", help_heading = GLOBAL)]
    pub threads: Option<usize>,
    /// No progress bars.
    #[arg(long, short, global = true, help_heading = GLOBAL)]
    pub quiet: bool,
}

/// Which inputs, and how to read them.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or folders (walked recursively, sorted); `-` reads JSONL from stdin.
    #[arg(value_name = "PATH", help_heading = INPUT)]
    pub paths: Vec<PathBuf>,
    /// JSONL field holding the text (`raw_content` for cc_net).
    #[arg(long, default_value = "text", value_name = "NAME", help_heading = INPUT)]
    pub text_field: String,
    /// JSONL field holding the document id.
    #[arg(long, default_value = "id", value_name = "NAME", help_heading = INPUT)]
    pub id_field: String,
    /// JSONL field holding the URL (`metadata.url` is tried as well).
    #[arg(long, default_value = "url", value_name = "NAME", help_heading = INPUT)]
    pub url_field: String,
    /// JSONL field holding the site; by default the registrable domain of the URL, and for
    /// text files the first folder under the argument.
    #[arg(long, value_name = "NAME", help_heading = INPUT)]
    pub site_field: Option<String>,
    /// Stop at the first bad input instead of reporting it and going on.
    #[arg(long, help_heading = INPUT)]
    pub strict: bool,
    /// A record (JSONL line, text file) longer than this once decompressed is reported and
    /// skipped without being held in memory.
    #[arg(long, default_value_t = DEFAULT_MAX_RECORD_BYTES, value_name = "BYTES", help_heading = MEMORY_AND_LIMITS)]
    pub max_record_bytes: u64,
    /// Stop reading a compressed file that inflates more than this many times its size past
    /// its first 64 MiB, as a likely decompression bomb (0: no cap).
    #[arg(long, default_value_t = DEFAULT_MAX_RATIO, value_name = "N", help_heading = MEMORY_AND_LIMITS)]
    pub max_ratio: u64,
}

impl InputArgs {
    pub fn read_config(&self) -> ReadConfig {
        let mut url_fields = vec![self.url_field.clone()];
        if self.url_field != "metadata.url" {
            url_fields.push("metadata.url".into());
        }
        ReadConfig {
            fields: FieldConfig {
                text_field: self.text_field.clone(),
                id_field: self.id_field.clone(),
                url_fields,
                site_field: self.site_field.clone(),
            },
            display_names: Vec::new(),
            max_record_bytes: self.max_record_bytes,
            max_ratio: self.max_ratio,
            ..ReadConfig::default()
        }
    }
}

/// How lines are normalized and blocks flagged.
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Lines per block window (single lines are always counted too).
    #[arg(long, default_value_t = DEFAULT_SHINGLE, value_name = "K", help_heading = DETECTION)]
    pub shingle: usize,
    /// A cross-page block stands on at least this many documents.
    #[arg(long, default_value_t = 2, value_name = "N", help_heading = DETECTION)]
    pub min_docs: u32,
    /// …and on at least this share of its site's pages (0 to 1).
    #[arg(long, default_value_t = DEFAULT_MIN_SITE_FRACTION, value_name = "F", help_heading = DETECTION)]
    pub min_site_fraction: f64,
    /// Do not flag blocks repeated within one page.
    #[arg(long, help_heading = DETECTION)]
    pub no_within_page: bool,
    /// Let single lines repeated within one page count as boilerplate (by default only
    /// windows of K lines do).
    #[arg(long, help_heading = DETECTION)]
    pub within_page_single_lines: bool,
    /// Context rule: flag runs of at most N short unflagged lines wedged between flagged lines
    /// or between a flagged line and the page's edge (0: off).
    #[arg(long, default_value_t = DEFAULT_GAP_LINES, value_name = "N", help_heading = RULES)]
    pub gap_lines: u32,
    /// The longest line (normalized bytes) the context rule treats as short.
    #[arg(long, default_value_t = DEFAULT_GAP_LINE_BYTES, value_name = "BYTES", help_heading = RULES)]
    pub gap_line_bytes: u32,
    /// Body rule: on sites with at least N pages, flag unique text outside the page's article
    /// body (the largest unflagged run and the runs next to it); 0: off.
    #[arg(long, default_value_t = DEFAULT_BODY_MIN_SITE_PAGES, value_name = "N", help_heading = RULES)]
    pub body_min_site_pages: u32,
    /// Flagged lines that may separate two parts of one article body.
    #[arg(long, default_value_t = DEFAULT_BODY_GAP_LINES, value_name = "N", help_heading = RULES)]
    pub body_gap_lines: u32,
    /// Do not flag paywall teasers and template placeholders seen on one page only.
    #[arg(long, help_heading = RULES)]
    pub no_single_page_cues: bool,
    /// Link-list rule: flag runs of at least N unflagged short lines that are not sentences
    /// (lists of headlines, tag clouds); 0: off.
    #[arg(long, default_value_t = chaff::flag::DEFAULT_LIST_RUN_LINES, value_name = "N", help_heading = RULES)]
    pub list_run_lines: u32,
    /// Protection rule: keep lines of prose that recur on at most N documents outside the
    /// site's template (copied articles, quotes); 0: off.
    #[arg(long, default_value_t = chaff::flag::DEFAULT_PROTECT_MAX_DOCS, value_name = "N", help_heading = RULES)]
    pub protect_max_docs: u32,
    /// The shortest line (normalized bytes) the protection rule treats as prose.
    #[arg(long, default_value_t = chaff::flag::DEFAULT_PROTECT_MIN_BYTES, value_name = "BYTES", help_heading = RULES)]
    pub protect_min_bytes: u32,
    /// Do not keep the page's headline (a line the first line, the HTML title, holds) nor flag
    /// the first line that repeats it.
    #[arg(long, help_heading = RULES)]
    pub no_keep_title: bool,
    /// Teaser-list rule: flag runs of at least N unflagged pairs of a title and a one-sentence
    /// summary (index pages, "more stories" boxes); 0: off.
    #[arg(long, default_value_t = chaff::flag::DEFAULT_TEASER_PAIRS, value_name = "N", help_heading = RULES)]
    pub teaser_pairs: u32,
    /// Related-heading rule: flag a related-links heading ("Related Stories", "Most read") and
    /// up to N title-like lines under it; 0: off.
    #[arg(long, default_value_t = chaff::flag::DEFAULT_RELATED_HEADING_LINES, value_name = "N", help_heading = RULES)]
    pub related_heading_lines: u32,
    /// Time-stamp rule: flag runs of at least N unflagged lines ending with a relative time
    /// ("2 hrs ago"); 0: off.
    #[arg(long, default_value_t = chaff::flag::DEFAULT_TIME_AGO_LINES, value_name = "N", help_heading = RULES)]
    pub time_ago_lines: u32,
    /// Do not flag comment threads (from a comment heading such as "12 Comments" or "Leave a
    /// Reply" below the article to the end of the page).
    #[arg(long, help_heading = RULES)]
    pub no_comment_threads: bool,
    /// Do not flag picture captions ending with their credit ("… (Image: Getty)") nor credit
    /// lines ("Photo: Jane Doe, AP").
    #[arg(long, help_heading = RULES)]
    pub no_captions: bool,
    /// Do not flag copyright notices ("© 2024 Gazette Media", "All rights reserved").
    #[arg(long, help_heading = RULES)]
    pub no_copyright_lines: bool,
    /// Count exact copies of a page on one site as often as they occur (by default once).
    #[arg(long, help_heading = DETECTION)]
    pub count_duplicates: bool,
    /// Do not fold case before hashing.
    #[arg(long, help_heading = DETECTION)]
    pub no_case_fold: bool,
    /// Do not fold and trim white space before hashing.
    #[arg(long, help_heading = DETECTION)]
    pub no_fold_whitespace: bool,
    /// Do not map digit runs to one digit class before hashing.
    #[arg(long, help_heading = DETECTION)]
    pub no_digit_class: bool,
    /// Hash at most this many bytes of a line (its bytes stay whole in the outputs).
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES", help_heading = MEMORY_AND_LIMITS)]
    pub max_line_bytes: usize,
    /// Hash and flag only the whole lines within this many bytes of a document; the rest is
    /// kept text (its bytes stay whole in the outputs).
    #[arg(long, default_value_t = DEFAULT_MAX_DOC_BYTES, value_name = "BYTES", help_heading = MEMORY_AND_LIMITS)]
    pub max_doc_bytes: usize,
}

impl DetectArgs {
    pub fn normalize_config(&self) -> NormalizeConfig {
        NormalizeConfig {
            case_fold: !self.no_case_fold,
            fold_whitespace: !self.no_fold_whitespace,
            digit_class: !self.no_digit_class,
        }
    }

    pub fn flag_config(&self) -> anyhow::Result<FlagConfig> {
        anyhow::ensure!(self.shingle >= 1, "--shingle must be at least 1");
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.min_site_fraction),
            "--min-site-fraction must be between 0 and 1"
        );
        Ok(FlagConfig {
            shingle: self.shingle,
            min_docs: self.min_docs.max(1),
            min_site_fraction: self.min_site_fraction,
            within_page: !self.no_within_page,
            within_page_single_lines: self.within_page_single_lines,
            gap_lines: self.gap_lines,
            gap_line_bytes: self.gap_line_bytes,
            count_duplicates: self.count_duplicates,
            list_run_lines: self.list_run_lines,
            protect_max_docs: self.protect_max_docs,
            protect_min_bytes: self.protect_min_bytes,
            keep_title: !self.no_keep_title,
            teaser_pairs: self.teaser_pairs,
            related_heading_lines: self.related_heading_lines,
            time_ago_lines: self.time_ago_lines,
            comment_threads: !self.no_comment_threads,
            captions: !self.no_captions,
            copyright_lines: !self.no_copyright_lines,
            single_page_cues: !self.no_single_page_cues,
            body_min_site_pages: self.body_min_site_pages,
            body_gap_lines: self.body_gap_lines,
            max_line_bytes: self.max_line_bytes.max(1),
            max_doc_bytes: self.max_doc_bytes.max(1),
        })
    }
}

/// Memory: the cap, and where what outgrows it goes.
#[derive(Debug, Args)]
pub struct MemoryArgs {
    /// Keep the process under about this much memory (e.g. 2G; K, M, G suffixes, powers of
    /// 1024): count records beyond half of it are sorted into runs in a temporary folder and
    /// merged from there, duplicate detection keeps signatures on disk past a quarter of it,
    /// and each page's flagged and classified result waits for the last pass in a temporary
    /// file. The outputs stay the same. Default: no cap, everything in memory.
    #[arg(long, value_parser = size, value_name = "SIZE", help_heading = MEMORY_AND_LIMITS)]
    pub max_memory: Option<u64>,
    /// Folder for what is spilled under --max-memory (default: the system's temporary
    /// folder); it must exist. What goes there is removed at the end, and on error.
    #[arg(long, value_name = "DIR", help_heading = MEMORY_AND_LIMITS)]
    pub temp_dir: Option<PathBuf>,
}

impl MemoryArgs {
    pub fn memory_config(&self) -> chaff::count::MemoryConfig {
        chaff::count::MemoryConfig { max_memory: self.max_memory, temp_dir: self.temp_dir.clone() }
    }
}

fn size(text: &str) -> Result<u64, String> {
    chaff::gen::parse_size(text)
        .ok_or_else(|| format!("{text:?} is not a size like 1G, 512M or 1000"))
}

/// Duplicate detection.
#[derive(Debug, Args)]
pub struct DedupArgs {
    /// Do not look for duplicate documents (saves one pass over the input).
    #[arg(long, help_heading = DUPLICATES)]
    pub no_dedup: bool,
    /// Two documents are near duplicates when the estimated Jaccard similarity of their
    /// content shingles is at least this (0 to 1).
    #[arg(long, default_value_t = DEFAULT_NEAR_THRESHOLD, value_name = "J", help_heading = DUPLICATES)]
    pub near_threshold: f64,
    /// Words per shingle.
    #[arg(long, default_value_t = DEFAULT_SHINGLE_WORDS, value_name = "N", help_heading = DUPLICATES)]
    pub dedup_words: usize,
    /// MinHash permutations per document (4 bytes each).
    #[arg(long, default_value_t = DEFAULT_PERMUTATIONS, value_name = "N", help_heading = DUPLICATES)]
    pub dedup_permutations: usize,
    /// LSH bands (must divide the permutations).
    #[arg(long, default_value_t = DEFAULT_BANDS, value_name = "N", help_heading = DUPLICATES)]
    pub dedup_bands: usize,
    /// A flagged line still counts as content when it stands on at most this many documents
    /// (the copies of one article).
    #[arg(long, default_value_t = DEFAULT_MAX_COPIES, value_name = "N", help_heading = DUPLICATES)]
    pub max_copies: u32,
    /// Compare raw text, boilerplate included (what MinHash on raw text does; for comparison).
    #[arg(long, help_heading = DUPLICATES)]
    pub dedup_raw_text: bool,
}

impl DedupArgs {
    /// The settings of duplicate detection (`None`: off), with the share of `memory` that the
    /// signatures may hold.
    pub fn dedup_config(
        &self,
        memory: &chaff::count::MemoryConfig,
    ) -> anyhow::Result<Option<DedupConfig>> {
        if self.no_dedup {
            return Ok(None);
        }
        let config = DedupConfig {
            memory_budget: memory.signature_budget(),
            temp_dir: memory.temp_dir.clone(),
            near_threshold: self.near_threshold,
            shingle_words: self.dedup_words.max(1),
            permutations: self.dedup_permutations,
            bands: self.dedup_bands,
            max_copies: self.max_copies,
            raw_text: self.dedup_raw_text,
            ..DedupConfig::default()
        };
        config.validate()?;
        Ok(Some(config))
    }
}

/// Paths with `-` replaced by a spooled copy of stdin (a scan reads its inputs twice).
pub struct ResolvedInputs {
    pub paths: Vec<PathBuf>,
    _stdin: Option<tempfile::TempPath>,
}

impl ResolvedInputs {
    /// Shows the spooled copy of stdin as `<stdin>` in messages, ids and outputs.
    pub fn name_stdin(&self, read: &mut ReadConfig) {
        if let Some(tmp) = &self._stdin {
            read.display_names.push((tmp.to_path_buf(), "<stdin>".to_string()));
        }
    }
}

pub fn resolve_inputs(paths: &[PathBuf]) -> anyhow::Result<ResolvedInputs> {
    let mut stdin_copy = None;
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        if p.as_os_str() == "-" {
            if stdin_copy.is_none() {
                let mut tmp =
                    tempfile::Builder::new().prefix("chaff-stdin-").suffix(".jsonl").tempfile()?;
                std::io::copy(&mut std::io::stdin().lock(), &mut tmp)?;
                stdin_copy = Some(tmp.into_temp_path());
            }
            out.push(stdin_copy.as_ref().expect("just set").to_path_buf());
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        anyhow::bail!("no input: name files or folders, or - for stdin");
    }
    Ok(ResolvedInputs { paths: out, _stdin: stdin_copy })
}

/// The flags of every pass over inputs (scan, learn): what is read, how lines are normalized
/// and flagged, duplicate detection, memory.
#[derive(Debug, Args)]
pub struct PassArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub detect: DetectArgs,
    #[command(flatten)]
    pub dedup: DedupArgs,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

impl PassArgs {
    /// The settings these flags give.
    pub fn config(&self) -> anyhow::Result<chaff::ScanConfig> {
        let memory = self.memory.memory_config();
        Ok(chaff::ScanConfig {
            read: self.input.read_config(),
            normalize: self.detect.normalize_config(),
            flag: self.detect.flag_config()?,
            strict: self.input.strict,
            dedup: self.dedup.dedup_config(&memory)?,
            memory,
            ..chaff::ScanConfig::default()
        })
    }
}
