//! `chaff merge`: the reduce step of a distributed run.

use std::path::PathBuf;

use anyhow::Context;

use super::args::GlobalArgs;
use super::ExitStatus;

/// Sum counts files into one (exact, associative and commutative). With `--partition i/n`, keep
/// only the blocks whose hash falls in partition i of n, so that n reduce tasks run in
/// parallel; `chaff mark` reads the n partition files together.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Counts files written by `chaff count` or `chaff merge`.
    #[arg(required = true, value_name = "COUNTS", help_heading = super::args::INPUT)]
    pub inputs: Vec<PathBuf>,
    /// The counts file to write.
    #[arg(short, long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub output: PathBuf,
    /// Keep only hash partition I of N (0-based), e.g. `--partition 2/8`.
    #[arg(long, value_name = "I/N", value_parser = parse_partition, help_heading = super::args::INPUT)]
    pub partition: Option<(u64, u64)>,
}

fn parse_partition(s: &str) -> Result<(u64, u64), String> {
    let (i, n) = s.split_once('/').ok_or("expected I/N, e.g. 0/4")?;
    let i: u64 = i.trim().parse().map_err(|_| format!("bad partition index {i:?}"))?;
    let n: u64 = n.trim().parse().map_err(|_| format!("bad partition count {n:?}"))?;
    if n == 0 || i >= n {
        return Err(format!("partition {i}/{n}: I must be below N"));
    }
    Ok((i, n))
}

pub fn run(args: &Args, _global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    super::outputs::check(&super::outputs::one("--output", &args.output), &args.inputs, None)?;
    let inputs: Vec<&std::path::Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    chaff::formats::counts::merge_files(&inputs, &args.output, args.partition)
        .context("merge failed")?;
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions() {
        assert_eq!(parse_partition("2/8"), Ok((2, 8)));
        assert!(parse_partition("8/8").is_err());
        assert!(parse_partition("1").is_err());
        assert!(parse_partition("0/0").is_err());
    }
}
