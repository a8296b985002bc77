//! `chaff learn`: the map step between merging the counts and marking, for runs that mark
//! shard by shard.

use std::path::PathBuf;

use anyhow::Context;

use super::args::{resolve_inputs, GlobalArgs, PassArgs};
use super::progress::Bars;
use super::ExitStatus;

/// Flag one shard against merged counts and write what marking needs to know of it beyond the
/// counts: each document's kept length (for its site's median page, which tells a cut-off
/// teaser page) and its duplicate signature. `chaff mark --learned` reads the files of every
/// shard, so that each shard is marked as one scan of the whole corpus would mark it.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example (three shards, one machine each):\n  \
    chaff count shard-0/ -o 0.counts   # … and 1, 2\n  \
    chaff merge 0.counts 1.counts 2.counts -o all.counts\n  \
    chaff learn --counts all.counts shard-0/ -o 0.learned   # … and 1, 2\n  \
    chaff mark --counts all.counts --learned 0.learned --learned 1.learned \
    --learned 2.learned shard-0/ --annotations 0.spans.jsonl")]
pub struct Args {
    /// Counts files (`chaff merge` output; several partitions or unmerged shards are summed).
    #[arg(long, required = true, value_name = "COUNTS", help_heading = super::args::INPUT)]
    pub counts: Vec<PathBuf>,
    #[command(flatten)]
    pub pass: PassArgs,
    /// The learned file to write.
    #[arg(short, long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub output: PathBuf,
}

pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    let mut config = args.pass.config()?;
    let output = super::outputs::one("--output", &args.output);
    let read_too: Vec<PathBuf> =
        args.pass.input.paths.iter().chain(&args.counts).cloned().collect();
    super::outputs::check(&output, &read_too, Some(&mut config.read))?;
    let inputs = resolve_inputs(&args.pass.input.paths)?;
    inputs.name_stdin(&mut config.read);
    let bars = Bars::new(global.quiet);
    let counts: Vec<&std::path::Path> = args.counts.iter().map(PathBuf::as_path).collect();
    let problems =
        chaff::pipeline::learn_to_file(&inputs.paths, &counts, &args.output, &config, &bars)
            .context("learn failed")?;
    super::terminal::print_problems(&problems);
    Ok(ExitStatus::of_problems(&problems))
}
