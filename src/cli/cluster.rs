//! `chaff cluster`: the reduce step between learning and marking, for runs that mark shard by
//! shard.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::args::{GlobalArgs, MemoryArgs};
use super::ExitStatus;

/// Work out, once for the whole corpus, what marking a shard needs beyond the counts: each
/// site's median page and the duplicate clusters, from every shard's learned file. Each
/// `chaff mark --clusters` task then reads this one file instead of every shard's signatures.
/// The settings are those the shards were learned with.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example (three shards):\n  \
    chaff learn --counts all.counts shard-0/ -o 0.learned   # … and 1, 2\n  \
    chaff cluster --counts all.counts --learned 0.learned --learned 1.learned \
    --learned 2.learned -o corpus.clusters\n  \
    chaff mark --counts all.counts --clusters corpus.clusters shard-0/ \
    --annotations 0.spans.jsonl   # … and 1, 2")]
pub struct Args {
    /// Counts files (`chaff merge` output; several partitions or unmerged shards are summed).
    #[arg(long, required = true, value_name = "COUNTS", help_heading = super::args::INPUT)]
    pub counts: Vec<PathBuf>,
    /// The learned file of every shard (`chaff learn` output), in the corpus's input order.
    #[arg(long, required = true, value_name = "LEARNED", help_heading = super::args::INPUT)]
    pub learned: Vec<PathBuf>,
    #[command(flatten)]
    pub memory: MemoryArgs,
    /// The clusters file to write.
    #[arg(short, long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub output: PathBuf,
}

pub fn run(args: &Args, _global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    let read: Vec<PathBuf> = args.counts.iter().chain(&args.learned).cloned().collect();
    super::outputs::check(&super::outputs::one("--output", &args.output), &read, None)?;
    let counts: Vec<&Path> = args.counts.iter().map(PathBuf::as_path).collect();
    let learned: Vec<&Path> = args.learned.iter().map(PathBuf::as_path).collect();
    let memory = args.memory.memory_config();
    chaff::pipeline::cluster_to_file(&counts, &learned, &args.output, &memory)
        .context("cluster failed")?;
    Ok(ExitStatus::Success)
}
