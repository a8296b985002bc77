//! `chaff eval`: run the scan on labelled pages and score what it keeps.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::Context;
use chaff::eval::{EvalReport, EvalSink, StringShare, Summary};
use chaff::result::DocSink;

use super::args::{resolve_inputs, DetectArgs, GlobalArgs, InputArgs};
use super::progress::Bars;
use super::ExitStatus;

/// Score the kept text of a scan against a gold field (the format of ../shared/data/dev).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  chaff eval ../shared/data/dev/cleanportaleval.jsonl.gz --site-field site"
)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub detect: DetectArgs,
    /// Field holding the gold main text.
    #[arg(long, default_value = "gold_main", value_name = "NAME", help_heading = super::args::INPUT)]
    pub gold_field: String,
    /// Field listing strings that must be kept; of those present in a page's text, the share
    /// kept whole is reported.
    #[arg(long, default_value = "gold_with", value_name = "NAME", help_heading = super::args::INPUT)]
    pub gold_with_field: String,
    /// Field listing strings that must be dropped; of those present in a page's text, the
    /// share dropped whole is reported.
    #[arg(long, default_value = "gold_without", value_name = "NAME", help_heading = super::args::INPUT)]
    pub gold_without_field: String,
    /// Sites with at least this many pages are also scored together.
    #[arg(long, default_value_t = 5, value_name = "N", help_heading = super::args::OUTPUTS)]
    pub min_site_pages: u64,
    /// Pages listed with their misses and false alarms.
    #[arg(long, default_value_t = 5, value_name = "N", help_heading = super::args::OUTPUTS)]
    pub worst: usize,
    /// Print JSON instead of a table.
    #[arg(long, help_heading = super::args::OUTPUTS)]
    pub json: bool,
}

fn row(out: &mut String, name: &str, s: &Summary) {
    let _ = writeln!(
        out,
        "{:<28} {:>5}  {:.4} {:.4} {:.4}  {:.4} {:.4} {:.4}  {:.4} {:.4} {:.4}",
        name,
        s.pages,
        s.kept_chars.precision,
        s.kept_chars.recall,
        s.kept_chars.f1,
        s.kept_lines.precision,
        s.kept_lines.recall,
        s.kept_lines.f1,
        s.boilerplate_chars.precision,
        s.boilerplate_chars.recall,
        s.boilerplate_chars.f1,
    );
}

fn render(r: &EvalReport, min_site_pages: u64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<28} {:>5}  {:^20}  {:^20}  {:^20}",
        "", "pages", "kept text (chars)", "kept lines", "boilerplate (chars)"
    );
    let _ = writeln!(
        out,
        "{:<28} {:>5}  {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}",
        "", "", "P", "R", "F1", "P", "R", "F1", "P", "R", "F1"
    );
    row(&mut out, "overall", &r.overall);
    row(&mut out, &format!("sites with >= {min_site_pages} pages"), &r.large_sites);
    for (site, s) in &r.sites {
        if s.pages >= min_site_pages {
            row(&mut out, &format!("  {site}"), s);
        }
    }
    if let Some(g) = &r.gold_strings {
        let share = |name: &str, verb: &str, s: &StringShare| {
            format!(
                "{name}: {} of {} present strings {verb} whole ({:.4}); {} listed\n",
                s.right, s.present, s.share, s.listed
            )
        };
        out.push_str(&share("must keep", "kept", &g.with_kept));
        out.push_str(&share("must drop", "dropped", &g.without_dropped));
    }
    if r.unlabelled > 0 {
        let _ = writeln!(out, "{} pages had no gold field and were skipped", r.unlabelled);
    }
    for p in &r.worst_pages {
        let _ = writeln!(out, "\n{} ({}): kept-text F1 {:.3}", p.id, p.site, p.kept_chars.f1);
        for m in p.misses.iter().take(5) {
            let _ = writeln!(out, "  dropped content: {}", cut(m));
        }
        for a in p.false_alarms.iter().take(5) {
            let _ = writeln!(out, "  kept boilerplate: {}", cut(a));
        }
        for m in p.with_dropped.iter().take(3) {
            let _ = writeln!(out, "  must keep, not kept: {}", cut(m));
        }
        for a in p.without_kept.iter().take(3) {
            let _ = writeln!(out, "  must drop, not dropped: {}", cut(a));
        }
    }
    out
}

fn cut(s: &str) -> String {
    if s.chars().count() > 100 {
        format!("{}…", s.chars().take(99).collect::<String>())
    } else {
        s.to_string()
    }
}

pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    let mut config = chaff::ScanConfig {
        read: args.input.read_config(),
        normalize: args.detect.normalize_config(),
        flag: args.detect.flag_config()?,
        paywall: chaff::classify::PaywallConfig::default(),
        top: 0,
        strict: args.input.strict,
        // Scoring looks at kept text only; duplicates would cost a pass for nothing.
        dedup: None,
        memory: chaff::count::MemoryConfig::default(),
    };
    let inputs = resolve_inputs(&args.input.paths)?;
    inputs.name_stdin(&mut config.read);
    let mut sink = EvalSink::new(&args.gold_field, args.min_site_pages, args.worst);
    sink.with_field.clone_from(&args.gold_with_field);
    sink.without_field.clone_from(&args.gold_without_field);
    let bars = Bars::new(global.quiet);
    let report = {
        let mut sinks: [&mut dyn DocSink; 1] = [&mut sink];
        chaff::scan(&inputs.paths, &config, &bars, &mut sinks).context("scan failed")?
    };
    super::terminal::print_problems(&report.problems);
    let result = sink.finish();
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&result)?;
        s.push('\n');
        s
    } else {
        super::terminal::escape(&render(&result, args.min_site_pages)).into_owned()
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitStatus::of_problems(&report.problems))
}
