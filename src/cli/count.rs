//! `chaff count`: the map step of a distributed run.

use std::path::PathBuf;

use anyhow::Context;

use super::args::{resolve_inputs, DetectArgs, GlobalArgs, InputArgs, MemoryArgs};
use super::progress::Bars;
use super::ExitStatus;

/// Count the blocks of some inputs into a counts file, to be merged with others (`chaff merge`)
/// and used to flag (`chaff mark`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example (three shards, one machine each):\n  \
    chaff count shard-0/ -o 0.counts   # … and 1, 2\n  \
    chaff merge 0.counts 1.counts 2.counts -o all.counts\n  \
    chaff mark --counts all.counts shard-0/ --annotations 0.spans.jsonl")]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub detect: DetectArgs,
    #[command(flatten)]
    pub memory: MemoryArgs,
    /// The counts file to write.
    #[arg(short, long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub output: PathBuf,
}

pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    let mut config = chaff::ScanConfig {
        read: args.input.read_config(),
        normalize: args.detect.normalize_config(),
        flag: args.detect.flag_config()?,
        strict: args.input.strict,
        memory: args.memory.memory_config(),
        ..chaff::ScanConfig::default()
    };
    let output = super::outputs::one("--output", &args.output);
    super::outputs::check(&output, &args.input.paths, Some(&mut config.read))?;
    let inputs = resolve_inputs(&args.input.paths)?;
    inputs.name_stdin(&mut config.read);
    let bars = Bars::new(global.quiet);
    let problems = chaff::pipeline::count_to_file(&inputs.paths, &args.output, &config, &bars)
        .context("count failed")?;
    super::terminal::print_problems(&problems);
    Ok(ExitStatus::of_problems(&problems))
}
