//! The run's outputs checked against its inputs before anything is read.

use std::path::{Path, PathBuf};

use chaff::input::ReadConfig;
use chaff::output::guard::{self, PlannedOutput};

use super::terminal::escape;

/// Refuses outputs that are inputs or that share a file ([`guard::check`]); an output inside an
/// input folder is noted on stderr and left out of the walk (`read.exclude`).
pub fn check(
    outputs: &[PlannedOutput<'_>],
    inputs: &[PathBuf],
    read: Option<&mut ReadConfig>,
) -> anyhow::Result<()> {
    let plan = guard::check(outputs, inputs)?;
    for inside in &plan.inside_inputs {
        eprintln!(
            "chaff: note: {} {} is inside the input folder {}: this run does not read it, a \
             later run over that folder would",
            inside.flag,
            escape(&inside.output.display().to_string()),
            escape(&inside.folder.display().to_string()),
        );
    }
    if let Some(read) = read {
        read.exclude = plan.inside_inputs.into_iter().map(|i| i.output).collect();
    }
    Ok(())
}

/// One output, for the subcommands that write a single file.
pub fn one<'a>(flag: &'static str, path: &'a Path) -> [PlannedOutput<'a>; 1] {
    [PlannedOutput { flag, path }]
}
