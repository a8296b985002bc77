//! `chaff scan`: count, flag and report in one run.

use std::path::PathBuf;

use anyhow::Context;
use chaff::output::guard::{self, PlannedOutput};
use chaff::output::{AnnotationsWriter, AtomicFile, CleanWriter};
use chaff::pipeline::ScanConfig;
use chaff::report::{html::Html, json::Json, markdown::Markdown, summary::Summary, Render};
use chaff::result::DocSink;

use super::args::{resolve_inputs, GlobalArgs, PassArgs};
use super::progress::Bars;
use super::terminal::{self, print_problems};
use super::ExitStatus;

/// Count recurring line blocks across and within pages, flag boilerplate spans, and report.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  chaff scan corpus/ --report report.json --annotations spans.jsonl\n  \
    chaff scan shards/ --text-field raw_content --clean clean.jsonl --removed removed.jsonl\n  \
    chaff scan corpus/ --html report.html --markdown report.md"
)]
pub struct Args {
    #[command(flatten)]
    pub pass: PassArgs,
    /// Write the report as JSON.
    #[arg(long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub report: Option<PathBuf>,
    /// Write the report as one self-contained HTML page (summary, charts, the template
    /// catalogue, example pages with their spans highlighted); it works offline.
    #[arg(long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub html: Option<PathBuf>,
    /// Write the summary and the template catalogue as GitHub-flavoured Markdown, for a pull
    /// request or an issue.
    #[arg(long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub markdown: Option<PathBuf>,
    /// Write one JSON object per document with its spans, in input order.
    #[arg(long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub annotations: Option<PathBuf>,
    /// Write the documents as JSONL with boilerplate spans removed, other fields kept. For
    /// Parquet inputs and a folder or a `.parquet` name: Parquet, the inputs' schema and
    /// other columns unchanged (into a folder, one file per input).
    #[arg(long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub clean: Option<PathBuf>,
    /// Write what --clean removed (with offsets), so that both give back the input.
    #[arg(long, value_name = "FILE", help_heading = super::args::OUTPUTS)]
    pub removed: Option<PathBuf>,
    /// Write dolma attribute files (one per input file, `DIR/NAME/<path after documents/>`)
    /// with the spans in characters, for `dolma mix`'s span replacement.
    #[arg(long, value_name = "DIR", help_heading = super::args::OUTPUTS)]
    pub attributes: Option<PathBuf>,
    /// The attribute name: the folder under --attributes and the keys' prefix
    /// (`chaff__boilerplate`).
    #[arg(long, default_value = chaff::output::dolma::DEFAULT_ATTRIBUTE_NAME, value_name = "NAME", help_heading = super::args::OUTPUTS)]
    pub attribute_name: String,
    /// Leave every duplicate but its cluster's representative out of --clean; --removed
    /// then holds the whole record of each one dropped, with `duplicate_of`.
    #[arg(long, help_heading = super::args::OUTPUTS)]
    pub drop_duplicates: bool,
    /// Rows of the recurring-span catalogue in the JSON report.
    #[arg(long, default_value_t = 100, value_name = "N", help_heading = super::args::OUTPUTS)]
    pub top: usize,
    /// Rows of the span table in the printed summary.
    #[arg(long, default_value_t = 15, value_name = "N", help_heading = super::args::OUTPUTS)]
    pub show: usize,
    /// Print no summary (it goes to stderr when an output is `-`, standard output).
    #[arg(long, help_heading = super::args::OUTPUTS)]
    pub no_summary: bool,
}

impl Args {
    /// The outputs these flags name, with their flags, for [`guard::check`].
    pub fn planned_outputs(&self) -> Vec<PlannedOutput<'_>> {
        [
            ("--report", &self.report),
            ("--html", &self.html),
            ("--markdown", &self.markdown),
            ("--annotations", &self.annotations),
            ("--clean", &self.clean),
            ("--removed", &self.removed),
            ("--attributes", &self.attributes),
        ]
        .into_iter()
        .filter_map(|(flag, path)| path.as_deref().map(|path| PlannedOutput { flag, path }))
        .collect()
    }

    pub fn scan_config(&self) -> anyhow::Result<ScanConfig> {
        let config = self.pass.config()?;
        Ok(ScanConfig { top: self.top.max(self.show), ..config })
    }
}

pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    run_with(args, global, None)
}

/// What a mark task is given of a distributed run: counts files, and learned files or a
/// clusters file.
pub struct Distributed<'a> {
    pub counts: &'a [PathBuf],
    pub learned: &'a [PathBuf],
    pub clusters: Option<&'a std::path::Path>,
}

/// Runs a scan, or with counts files (and learned files) the mark step of a distributed run:
/// the same outputs.
pub fn run_with(
    args: &Args,
    global: &GlobalArgs,
    distributed: Option<Distributed<'_>>,
) -> anyhow::Result<ExitStatus> {
    let mut config = args.scan_config()?;
    if args.drop_duplicates {
        anyhow::ensure!(config.dedup.is_some(), "--drop-duplicates needs duplicate detection");
        anyhow::ensure!(args.clean.is_some(), "--drop-duplicates applies to --clean");
    }
    let planned = args.planned_outputs();
    // Before stdin is spooled or anything read: an output that is an input, or two outputs
    // on one file, would destroy data.
    super::outputs::check(&planned, &args.pass.input.paths, Some(&mut config.read))?;
    let inputs = resolve_inputs(&args.pass.input.paths)?;
    inputs.name_stdin(&mut config.read);
    // Every output is opened before the scan, so a bad path fails before any work is done.
    let report_file = args.report.as_deref().map(AtomicFile::create).transpose()?;
    let html_file = args.html.as_deref().map(AtomicFile::create).transpose()?;
    let markdown_file = args.markdown.as_deref().map(AtomicFile::create).transpose()?;
    let mut annotations = match &args.annotations {
        Some(p) => Some(AnnotationsWriter::new(AtomicFile::create(p)?)),
        None => None,
    };
    let mut parquet_clean = super::pipelines::parquet_clean(
        args.clean.as_deref(),
        args.drop_duplicates,
        &inputs.paths,
        &config,
    )?;
    let mut attributes = super::pipelines::attributes(
        args.attributes.as_deref(),
        &args.attribute_name,
        &inputs.paths,
        &config,
    )?;
    let jsonl_clean = args.clean.as_deref().filter(|_| parquet_clean.is_none());
    let mut clean = if jsonl_clean.is_some() || args.removed.is_some() {
        let c = jsonl_clean.map(AtomicFile::create).transpose()?;
        let r = args.removed.as_deref().map(AtomicFile::create).transpose()?;
        Some(
            CleanWriter::new(c, r, &config.read.fields.text_field)
                .drop_duplicates(args.drop_duplicates),
        )
    } else {
        None
    };
    let mut sinks: Vec<&mut dyn DocSink> = Vec::new();
    if let Some(a) = annotations.as_mut() {
        sinks.push(a);
    }
    if let Some(c) = clean.as_mut() {
        sinks.push(c);
    }
    if let Some(p) = parquet_clean.as_mut() {
        sinks.push(p.as_mut());
    }
    if let Some(a) = attributes.as_mut() {
        sinks.push(a);
    }
    let bars = Bars::new(global.quiet);
    let report = match distributed {
        None => chaff::scan(&inputs.paths, &config, &bars, &mut sinks).context("scan failed")?,
        Some(d) => {
            let files: Vec<&std::path::Path> = d.counts.iter().map(PathBuf::as_path).collect();
            let learned: Vec<&std::path::Path> = d.learned.iter().map(PathBuf::as_path).collect();
            chaff::pipeline::mark_with_counts(
                &inputs.paths,
                &files,
                &learned,
                d.clusters,
                &config,
                &bars,
                &mut sinks,
            )
            .context("mark failed")?
        }
    };
    drop(sinks);
    if report.totals.documents == 0 && !report.problems.is_empty() {
        // Nothing was read: replacing existing outputs with empty ones would lose them.
        print_problems(&report.problems);
        anyhow::bail!(
            "no document was read ({} input problems): every output is left as it was",
            report.problems.len()
        );
    }
    if let Some(a) = annotations {
        a.commit()?;
    }
    if let Some(c) = clean {
        c.commit()?;
    }
    if let Some(p) = parquet_clean {
        p.commit_box()?;
    }
    if let Some(a) = attributes {
        a.commit()?;
    }
    print_problems(&report.problems);
    let renderers: [(Option<AtomicFile>, &dyn Render); 3] = [
        (report_file, &Json),
        (html_file, &Html::default()),
        (markdown_file, &Markdown::default()),
    ];
    for (file, renderer) in renderers {
        if let Some(mut file) = file {
            file.write_all(renderer.render(&report).as_bytes())?;
            file.commit()?;
        }
    }
    if !args.no_summary {
        let summary = Summary { spans: args.show, ..Summary::default() };
        let text = summary.render(&report);
        let text = terminal::escape(&text);
        use std::io::Write;
        if planned.iter().any(|o| guard::is_stdout(o.path)) {
            std::io::stderr().lock().write_all(text.as_bytes())?;
        } else {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(ExitStatus::of_problems(&report.problems))
}
