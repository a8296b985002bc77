//! Command-line layer: clap types live here and nowhere else.

pub mod args;
pub mod cluster;
pub mod count;
pub mod eval;
pub mod gen;
pub mod learn;
pub mod mark;
pub mod merge;
pub mod outputs;
pub mod pipelines;
pub mod progress;
pub mod restore;
pub mod scan;
pub mod terminal;

use clap::{Parser, Subcommand};

/// Audit scraped web corpora: recurring boilerplate, paywall teasers and duplicated documents,
/// with exact per-site counts.
#[derive(Debug, Parser)]
#[command(name = "chaff", version, about, propagate_version = true, after_help = EXIT_STATUS_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: args::GlobalArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Count recurring line blocks, flag boilerplate spans and report them.
    Scan(scan::Args),
    /// Score a scan against labelled pages (a `gold_main` field).
    Eval(eval::Args),
    /// Count blocks of some inputs into a counts file (map step of a distributed run).
    Count(count::Args),
    /// Sum counts files, optionally one hash partition (reduce step).
    Merge(merge::Args),
    /// Flag a shard against merged counts: its kept lengths and duplicate signatures, for
    /// marking shard by shard (map step).
    Learn(learn::Args),
    /// Work out the site medians and duplicate clusters of the corpus once, from every shard's
    /// learned file (reduce step).
    Cluster(cluster::Args),
    /// Flag inputs against merged counts and write scan's outputs (last map step).
    Mark(mark::Args),
    /// Give back the input from a run's --clean and --removed outputs.
    Restore(restore::Args),
    /// Write a synthetic crawl (JSONL, text files or WARC) for tests and benchmarks.
    Gen(gen::Args),
}

/// How a run ended, as ripgrep and ruff tell it: 0 all read, 1 finished with some input bad,
/// 2 could not do its job (a usage error, an output that cannot be written, nothing read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything was read and every output written.
    Success,
    /// The run finished and wrote its outputs, but some records or files could not be read
    /// (each one reported).
    Problems,
    /// The run stopped before doing its job; existing outputs are untouched.
    Failed,
}

impl ExitStatus {
    /// Success, or Problems when `problems` is not empty.
    pub fn of_problems<T>(problems: &[T]) -> ExitStatus {
        if problems.is_empty() {
            ExitStatus::Success
        } else {
            ExitStatus::Problems
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        match s {
            ExitStatus::Success => std::process::ExitCode::SUCCESS,
            ExitStatus::Problems => std::process::ExitCode::from(1),
            ExitStatus::Failed => std::process::ExitCode::from(2),
        }
    }
}

/// The exit statuses, for every subcommand's help.
pub const EXIT_STATUS_HELP: &str = "Exit status: 0 everything was read; 1 the run finished and \
wrote its outputs but some records or files were bad (each one reported on stderr and in the \
report); 2 the run could not do its job (a usage error, an output that cannot be written, an \
input that is also an output, no document read): existing outputs are left untouched.";

pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(cli.global.threads.unwrap_or(0)).build()?;
    pool.install(|| match &cli.command {
        Command::Scan(args) => scan::run(args, &cli.global),
        Command::Eval(args) => eval::run(args, &cli.global),
        Command::Count(args) => count::run(args, &cli.global),
        Command::Merge(args) => merge::run(args, &cli.global),
        Command::Learn(args) => learn::run(args, &cli.global),
        Command::Cluster(args) => cluster::run(args, &cli.global),
        Command::Mark(args) => mark::run(args, &cli.global),
        Command::Restore(args) => restore::run(args, &cli.global),
        Command::Gen(args) => gen::run(args, &cli.global),
    })
}

#[cfg(test)]
mod tests {
    /// Clap checks a command's definition only in debug builds, and only for the subcommand
    /// that runs; this checks every subcommand in any build (a clash of group names once
    /// made `chaff mark` panic in debug builds alone).
    #[test]
    fn every_subcommand_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
