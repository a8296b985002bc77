//! `chaff gen`: write a synthetic crawl.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use chaff::gen::{generate, parse_size, GenConfig, GenFormat};

use super::args::GlobalArgs;
use super::ExitStatus;

/// Write a realistic synthetic crawl: many sites with their own templates, paywall teasers,
/// related-story lists, unique article bodies, exact and near duplicates. The same seed gives
/// the same bytes, whatever the thread count.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  chaff gen --size 1G --sites 2000 --seed 7 crawl/\n  \
    chaff scan crawl/")]
pub struct Args {
    /// Folder to write into (created if missing).
    #[arg(value_name = "OUT_DIR", help_heading = super::args::OUTPUTS)]
    pub out: PathBuf,
    /// Total size: bytes, or with a K, M, G suffix (powers of 1024).
    #[arg(long, default_value = "64M", value_parser = size, value_name = "SIZE", help_heading = super::args::OUTPUTS)]
    pub size: u64,
    /// Number of sites.
    #[arg(long, default_value_t = 1000, value_name = "N", help_heading = super::args::OUTPUTS)]
    pub sites: usize,
    /// Random seed.
    #[arg(long, default_value_t = 0, value_name = "S", help_heading = super::args::OUTPUTS)]
    pub seed: u64,
    /// jsonl: shard-NNNNN.jsonl files (id, url, site, text); txt: a folder per site, a .txt
    /// per page; warc: shard-NNNNN.warc files of HTML response records; parquet:
    /// shard-NNNNN.parquet files, the JSONL shards converted (same columns, Snappy).
    #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "txt", "warc", "parquet"], help_heading = super::args::OUTPUTS)]
    pub format: String,
    /// Bytes per shard (shards are written in parallel).
    #[arg(long, default_value = "64M", value_parser = size, value_name = "SIZE", help_heading = super::args::OUTPUTS)]
    pub shard_size: u64,
}

/// Converts the JSONL shards just written into Parquet files, in parallel, and removes them.
#[cfg(feature = "parquet")]
fn to_parquet(out: &std::path::Path) -> anyhow::Result<()> {
    use rayon::prelude::*;
    let mut shards = Vec::new();
    for entry in std::fs::read_dir(out)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with("shard-") && name.ends_with(".jsonl") {
            shards.push(path);
        }
    }
    shards.par_iter().try_for_each(|jsonl| -> anyhow::Result<()> {
        chaff::gen::parquet::jsonl_to_parquet(jsonl, &jsonl.with_extension("parquet"))?;
        std::fs::remove_file(jsonl)?;
        Ok(())
    })
}

#[cfg(not(feature = "parquet"))]
fn to_parquet(_out: &std::path::Path) -> anyhow::Result<()> {
    anyhow::bail!("chaff was built without Parquet support (cargo feature `parquet`)")
}

fn size(text: &str) -> Result<u64, String> {
    parse_size(text).ok_or_else(|| format!("{text:?} is not a size like 1G, 512M or 1000"))
}

pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    anyhow::ensure!(args.sites >= 1, "--sites must be at least 1");
    let config = GenConfig {
        size: args.size,
        sites: args.sites,
        seed: args.seed,
        format: match args.format.as_str() {
            "txt" => GenFormat::Txt,
            "warc" => GenFormat::Warc,
            _ => GenFormat::Jsonl,
        },
        shard_bytes: args.shard_size.max(1),
        ..GenConfig::default()
    };
    let started = Instant::now();
    let summary = generate(&args.out, &config)
        .with_context(|| format!("generating into {}", args.out.display()))?;
    if args.format == "parquet" {
        to_parquet(&args.out)?;
    }
    let seconds = started.elapsed().as_secs_f64();
    if !global.quiet {
        eprintln!(
            "chaff: wrote {} documents, {} bytes in {} files to {} in {seconds:.2} s ({:.0} MB/s); \
             {} exact copies, {} near copies, {} syndicated, {} with a paywall teaser",
            summary.documents,
            summary.bytes,
            summary.files,
            args.out.display(),
            summary.bytes as f64 / 1e6 / seconds.max(1e-9),
            summary.exact_copies,
            summary.near_copies,
            summary.syndicated,
            summary.teaser_pages,
        );
    }
    Ok(ExitStatus::Success)
}
