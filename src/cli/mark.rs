//! `chaff mark`: the last map step of a distributed run.

use std::path::PathBuf;

use super::args::GlobalArgs;
use super::ExitStatus;

/// Flag inputs against merged counts and write the same outputs as `chaff scan` (report,
/// annotations, clean, removed). With the same inputs and flags, the outputs are byte for byte
/// those of one `scan` over all inputs.
#[derive(Debug, clap::Args)]
// Its own group id: clap names a flattened struct's group after the type, and the scan flags
// flattened below are `Args` too (a debug build's check of the command panicked on it).
#[group(id = "MarkArgs")]
pub struct Args {
    /// Counts files (`chaff merge` output; several partitions or unmerged shards are summed).
    #[arg(long, required = true, value_name = "COUNTS", help_heading = super::args::INPUT)]
    pub counts: Vec<PathBuf>,
    /// Learned files of every shard of the corpus (`chaff learn` output), in the corpus's
    /// input order, one of them made from this run's inputs: the inputs are then marked as
    /// one scan of the whole corpus would mark them (paywall truncation against each site's
    /// median page, duplicate clusters across shards). Without, both are judged on the inputs
    /// alone.
    #[arg(long, value_name = "LEARNED", conflicts_with = "clusters", help_heading = super::args::INPUT)]
    pub learned: Vec<PathBuf>,
    /// The clusters file of the corpus (`chaff cluster` output): the site medians and the
    /// duplicate clusters worked out once from every shard's learned file, so that each mark
    /// task reads those instead of every shard's signatures. It gives the same outputs as
    /// `--learned` with every shard's learned file.
    #[arg(long, value_name = "FILE", help_heading = super::args::INPUT)]
    pub clusters: Option<PathBuf>,
    #[command(flatten)]
    pub scan: super::scan::Args,
}

pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    let distributed = super::scan::Distributed {
        counts: &args.counts,
        learned: &args.learned,
        clusters: args.clusters.as_deref(),
    };
    super::scan::run_with(&args.scan, global, Some(distributed))
}
