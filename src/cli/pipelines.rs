//! The outputs that feed other tools: `--clean` as Parquet for Parquet input, and dolma
//! attribute files (`--attributes`). Both write one file per input file, so both need the
//! expanded list of inputs, in the order the scan reads them.

use std::path::{Path, PathBuf};

use chaff::input::InputFile;
use chaff::output::dolma::AttributesWriter;
use chaff::pipeline::ScanConfig;
use chaff::result::DocSink;

/// The input files as the scan will read them (folders expanded, names applied).
fn input_files(paths: &[PathBuf], config: &ScanConfig) -> Vec<InputFile> {
    let mut files = chaff::input::expand(paths).files;
    config.read.rename(&mut files);
    files
}

/// `--attributes DIR`: the dolma attribute files.
pub fn attributes(
    dir: Option<&Path>,
    name: &str,
    paths: &[PathBuf],
    config: &ScanConfig,
) -> anyhow::Result<Option<AttributesWriter>> {
    let Some(dir) = dir else { return Ok(None) };
    anyhow::ensure!(
        !name.is_empty() && !name.contains('/'),
        "--attribute-name must be a non-empty name without `/`"
    );
    let files = input_files(paths, config);
    Ok(Some(AttributesWriter::new(&files, dir, name, &config.read.fields.id_field)?))
}

/// `--clean` as Parquet, when every input is Parquet and `--clean` names a folder or a
/// `.parquet` file; `None` leaves `--clean` to the JSONL writer.
#[cfg(feature = "parquet")]
pub fn parquet_clean(
    clean: Option<&Path>,
    drop_duplicates: bool,
    paths: &[PathBuf],
    config: &ScanConfig,
) -> anyhow::Result<Option<Box<dyn CommitSink>>> {
    use chaff::output::parquet::{wants_parquet, ParquetCleanWriter};
    let Some(target) = clean else { return Ok(None) };
    let files = input_files(paths, config);
    if !wants_parquet(&files, target) {
        let parquet_in = files.iter().any(|f| f.format == chaff::input::Format::Parquet);
        anyhow::ensure!(
            !(parquet_in && target.extension().is_some_and(|e| e == "parquet")),
            "--clean {} writes Parquet from Parquet inputs only",
            target.display()
        );
        return Ok(None);
    }
    let writer = ParquetCleanWriter::new(&files, target, &config.read.fields.text_field)?
        .drop_duplicates(drop_duplicates);
    Ok(Some(Box::new(writer)))
}

#[cfg(not(feature = "parquet"))]
pub fn parquet_clean(
    _clean: Option<&Path>,
    _drop_duplicates: bool,
    _paths: &[PathBuf],
    _config: &ScanConfig,
) -> anyhow::Result<Option<Box<dyn CommitSink>>> {
    Ok(None)
}

/// A sink whose files are moved into place at the end.
pub trait CommitSink: DocSink {
    fn commit_box(self: Box<Self>) -> chaff::Result<()>;
}

#[cfg(feature = "parquet")]
impl CommitSink for chaff::output::parquet::ParquetCleanWriter {
    fn commit_box(self: Box<Self>) -> chaff::Result<()> {
        (*self).commit()
    }
}
