//! `chaff restore`: the input given back from `--clean` and `--removed`.

use std::path::PathBuf;

use super::args::GlobalArgs;
use super::ExitStatus;

/// Put the removed pieces back into the cleaned documents and the dropped duplicates back in
/// their place: the input records, in input order, each with its whole text. Records that
/// could not be read when cleaning are counted; their bytes are still in the input.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  \
    chaff scan crawl.jsonl --clean clean.jsonl --removed removed.jsonl\n  \
    chaff restore clean.jsonl removed.jsonl -o restored.jsonl")]
pub struct Args {
    /// The `--clean` output of a scan or mark (JSONL).
    #[arg(value_name = "CLEAN", help_heading = super::args::INPUT)]
    pub clean: PathBuf,
    /// The `--removed` output of the same run.
    #[arg(value_name = "REMOVED", help_heading = super::args::INPUT)]
    pub removed: PathBuf,
    /// The restored records (JSONL; `-` for standard output).
    #[arg(short, long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub output: PathBuf,
    /// The text field the scan read (`--text-field`; a dotted path reaches into objects).
    #[arg(long, default_value = "text", value_name = "NAME", help_heading = super::args::INPUT)]
    pub text_field: String,
}

pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    let inputs = [args.clean.clone(), args.removed.clone()];
    super::outputs::check(&super::outputs::one("--output", &args.output), &inputs, None)?;
    let restored = chaff::output::restore::restore_files(
        &args.clean,
        &args.removed,
        &args.text_field,
        &args.output,
    )?;
    if !global.quiet {
        eprintln!(
            "chaff: restored {} documents ({} dropped duplicates among them); {} unreadable \
             records are not in the output (their bytes are in the input)",
            restored.documents, restored.duplicates, restored.unreadable
        );
    }
    Ok(ExitStatus::Success)
}
