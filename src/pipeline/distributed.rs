//! The passes of a distributed run, one subcommand each (`count`, `learn`, `cluster`, `mark`),
//! reading and writing the files of [`crate::formats`] so that their outputs equal one scan's.

use super::cluster_and_mark;
use super::count::count_table;
use super::expand;
use super::learn::{learn_docs, Learned, SiteProfiles};
use super::learn_and_mark;
use super::mark::mark;
use super::{Marking, ScanConfig};
use crate::count::{Counts, MemoryConfig, SiteKey};
use crate::dedup::{find_duplicates, DedupConfig, Signatures};
use crate::doc::InputProblem;
use crate::error::{Error, Result};
use crate::formats::clusters::{ClustersFile, DuplicateData, ShardEntry};
use crate::formats::counts::CountsHeader;
use crate::formats::learned::{LearnedDocs, LearnedHeader};
use crate::input::Expanded;
use crate::input::InputFile;
use crate::progress::Progress;
use crate::report::Report;
use crate::result::DocSink;

/// The header of a counts file made under `config`.
pub fn counts_header(config: &ScanConfig, partition: Option<(u64, u64)>) -> CountsHeader {
    CountsHeader {
        seed: crate::text::hash::SEED,
        normalize: config.normalize,
        shingle: config.flag.shingle,
        max_line_bytes: config.flag.max_line_bytes,
        max_doc_bytes: config.flag.max_doc_bytes,
        count_duplicates: config.flag.count_duplicates,
        site_field: config.read.fields.site_field.clone(),
        partition,
    }
}

/// The map step of a distributed run (`chaff count`): counts `paths` and writes a counts file.
/// Returns the problems met listing the inputs (bad records are reported by `mark`).
pub fn count_to_file(
    paths: &[std::path::PathBuf],
    output: &std::path::Path,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> Result<Vec<InputProblem>> {
    config.memory.check_temp_dir()?;
    let Expanded { files, problems, .. } = expand(paths, config)?;
    let table = count_table(&files, config, progress);
    crate::formats::counts::write_table(output, &counts_header(config, None), table)?;
    Ok(problems)
}

/// Reads counts files and checks that they were made under `config`'s settings.
pub(crate) fn read_counts_for(
    counts_files: &[&std::path::Path],
    config: &ScanConfig,
) -> Result<Counts> {
    let (header, counts) = crate::formats::counts::read_counts(counts_files)?;
    let wanted = counts_header(config, None);
    if !header.compatible(&wanted) {
        return Err(Error::Config(format!(
            "the counts were made with other settings ({}) than this run ({})",
            serde_json::to_string(&header).unwrap_or_default(),
            serde_json::to_string(&wanted).unwrap_or_default()
        )));
    }
    Ok(counts)
}

/// The display names of `files`, as a learned file records them.
pub(crate) fn input_names(files: &[InputFile]) -> Vec<String> {
    files.iter().map(|f| f.display.clone()).collect()
}

/// The map step after the counts are merged (`chaff learn`): flags `paths` against the counts
/// and writes what mark needs to know of them beyond the counts (each document's kept length
/// and duplicate signature) to `output`. Returns the problems met listing the inputs.
pub fn learn_to_file(
    paths: &[std::path::PathBuf],
    counts_files: &[&std::path::Path],
    output: &std::path::Path,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> Result<Vec<InputProblem>> {
    config.memory.check_temp_dir()?;
    if let Some(dedup) = &config.dedup {
        dedup.validate()?;
    }
    let counts = read_counts_for(counts_files, config)?;
    let Expanded { files, problems, .. } = expand(paths, config)?;
    let learned = learn_docs(&files, &counts, config, config.dedup.as_ref(), progress, None)?;
    let header = LearnedHeader {
        counts: counts_header(config, None),
        counts_documents: counts.documents + counts.duplicates,
        dedup: config.dedup.clone(),
        inputs: input_names(&files),
        documents: learned.kept.len() as u64,
    };
    crate::formats::learned::write(output, &header, &learned)?;
    Ok(problems)
}

/// The last map step (`chaff mark`): flags `paths` against counts read from files and hands
/// the documents to `sinks`, exactly as [`scan`](crate::scan) would have with the same inputs and settings.
/// With `learned_files` (one per shard, from [`learn_to_file`], in the corpus's input order,
/// one of them made from `paths`), `paths` may be one shard of the corpus: the site profiles
/// and duplicate clusters come from every shard, so its documents are marked as one scan of
/// the whole corpus would mark them. Without, they are learned from `paths` alone.
pub fn mark_with_counts(
    paths: &[std::path::PathBuf],
    counts_files: &[&std::path::Path],
    learned_files: &[&std::path::Path],
    clusters_file: Option<&std::path::Path>,
    config: &ScanConfig,
    progress: &dyn Progress,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    config.memory.check_temp_dir()?;
    let counts = read_counts_for(counts_files, config)?;
    let Expanded { files, problems, skipped } = expand(paths, config)?;
    if let Some(path) = clusters_file {
        let marking = Marking { files: &files, problems, skipped, config, progress, stored: None };
        return mark_with_clusters(path, marking, &counts, sinks);
    }
    if learned_files.is_empty() {
        return learn_and_mark(&files, problems, skipped, &counts, config, progress, sinks);
    }
    if let Some(dedup) = &config.dedup {
        dedup.validate()?;
    }
    let wanted = counts_header(config, None);
    let corpus_documents = counts.documents + counts.duplicates;
    let (learned, shards) =
        read_learned(learned_files, &wanted, corpus_documents, config.dedup.as_ref())?;
    let ours = input_names(&files);
    let first_doc = our_shard(&shards, &ours, learned_files, "learned files")?;
    let profiles = SiteProfiles::of(&learned.kept);
    let marking = Marking { files: &files, problems, skipped, config, progress, stored: None };
    cluster_and_mark(marking, &counts, &profiles, learned.signatures.as_ref(), first_doc, sinks)
}

/// Reads every shard's learned file, in the corpus's input order, each checked to have been
/// learned against counts made under `wanted` of `corpus_documents` documents, with `dedup`.
pub(crate) fn read_learned(
    learned_files: &[&std::path::Path],
    wanted: &CountsHeader,
    corpus_documents: u64,
    dedup: Option<&DedupConfig>,
) -> Result<(LearnedDocs, Vec<ShardEntry>)> {
    let mut learned =
        LearnedDocs { kept: Vec::new(), signatures: dedup.map(Signatures::new).transpose()? };
    let mut shards = Vec::with_capacity(learned_files.len());
    for path in learned_files {
        let before = learned.kept.len() as u64;
        let header = crate::formats::learned::read_into(path, dedup, &mut learned)?;
        if !header.counts.compatible(wanted) || header.counts_documents != corpus_documents {
            return Err(Error::LearnedFile {
                path: path.to_path_buf(),
                message: "learned against other counts or settings than this run's".into(),
            });
        }
        shards.push(ShardEntry {
            inputs: header.inputs,
            first_doc: before,
            documents: header.documents,
        });
    }
    Ok((learned, shards))
}

/// The first document of the shard whose inputs are `ours`; an error when none of `shards`
/// (read from `files`, named `what`) is, or two are.
pub(crate) fn our_shard(
    shards: &[ShardEntry],
    ours: &[String],
    files: &[&std::path::Path],
    what: &str,
) -> Result<u64> {
    let mut found = shards.iter().enumerate().filter(|(_, s)| s.inputs == ours);
    let Some((_, shard)) = found.next() else {
        return Err(Error::Config(format!(
            "none of the {what} was made from these inputs ({})",
            ours.join(", ")
        )));
    };
    if let Some((second, _)) = found.next() {
        let path =
            files.get(second).or(files.first()).map_or_else(Default::default, |p| p.to_path_buf());
        let message = format!("a second shard of the same inputs in the {what}");
        return Err(Error::Config(format!("{}: {message}", path.display())));
    }
    Ok(shard.first_doc)
}

/// The reduce step after learn (`chaff cluster`): reads every shard's learned file (in the
/// corpus's input order) and writes the site medians, the duplicate clusters and where each
/// shard stands in the corpus to `output`, once, so that each `mark --clusters` task reads
/// those instead of every shard's signatures. The settings are those the shards were learned
/// with (the first file's); `memory` bounds the clustering.
pub fn cluster_to_file(
    counts_files: &[&std::path::Path],
    learned_files: &[&std::path::Path],
    output: &std::path::Path,
    memory: &MemoryConfig,
) -> Result<()> {
    let Some(first) = learned_files.first() else {
        return Err(Error::Config("no learned files to cluster".into()));
    };
    memory.check_temp_dir()?;
    let wanted = crate::formats::learned::read_header(first)?;
    let dedup = wanted.dedup.clone().map(|d| DedupConfig {
        memory_budget: memory.signature_budget(),
        temp_dir: memory.temp_dir.clone(),
        ..d
    });
    if let Some(dedup) = &dedup {
        dedup.validate()?;
    }
    let (header, counts) = crate::formats::counts::read_counts(counts_files)?;
    let corpus_documents = counts.documents + counts.duplicates;
    if !header.compatible(&wanted.counts) || wanted.counts_documents != corpus_documents {
        return Err(Error::LearnedFile {
            path: first.to_path_buf(),
            message: "learned against other counts or settings than these counts files".into(),
        });
    }
    let (learned, shards) =
        read_learned(learned_files, &wanted.counts, corpus_documents, dedup.as_ref())?;
    let profiles = SiteProfiles::of(&learned.kept);
    let duplicates = dedup
        .as_ref()
        .zip(learned.signatures.as_ref())
        .map(|(dedup, sigs)| find_duplicates(sigs, dedup, &counts))
        .transpose()?;
    let mut medians: Vec<(u64, u64)> =
        profiles.median_kept.iter().map(|(site, &median)| (site.0, median)).collect();
    medians.sort_unstable();
    let contents = ClustersFile {
        counts: wanted.counts,
        counts_documents: corpus_documents,
        dedup: wanted.dedup,
        shards,
        medians,
        duplicates: duplicates.as_ref().map(DuplicateData::of),
    };
    crate::formats::clusters::write(output, &contents)
}

/// Marks one shard against what `chaff cluster` wrote to `path`.
pub(crate) fn mark_with_clusters(
    path: &std::path::Path,
    marking: Marking<'_>,
    counts: &Counts,
    sinks: &mut [&mut dyn DocSink],
) -> Result<Report> {
    let Marking { files, problems, skipped, config, progress, .. } = marking;
    let contents = crate::formats::clusters::read(path)?;
    let bad = |message: &str| Error::ClustersFile {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    if !contents.counts.compatible(&counts_header(config, None))
        || contents.counts_documents != counts.documents + counts.duplicates
        || !DedupConfig::same_settings(contents.dedup.as_ref(), config.dedup.as_ref())
    {
        return Err(bad("made from other counts or settings than this run's"));
    }
    let first_doc =
        our_shard(&contents.shards, &input_names(files), &[path], "shards of the clusters file")?;
    let profiles = SiteProfiles {
        median_kept: contents
            .medians
            .iter()
            .map(|&(site, median)| (SiteKey(site), median))
            .collect(),
    };
    let duplicates = match contents.duplicates {
        Some(data) => {
            Some(data.into_duplicates().ok_or_else(|| bad("a document of a missing cluster"))?)
        }
        None => None,
    };
    let learned =
        Learned { counts, profiles: &profiles, duplicates: duplicates.as_ref(), first_doc };
    let mut report = mark(files, problems, learned, config, progress, sinks, None)?;
    report.add_skipped_files(skipped);
    Ok(report)
}
