//! What counting costs in memory: counts a corpus (pass one of a scan, nothing else) and prints
//! the runs, the distinct blocks, the blocks kept for flagging, the bytes of the finished table
//! and the peak resident set.
//!
//! ```text
//! cargo run --release --example count_memory -- [--max-memory SIZE] [--site-field NAME] PATH...
//! ```
//!
//! The README's "Memory" section quotes its figures on generated crawls.

use std::path::PathBuf;
use std::time::Instant;

use chaff::count::MemoryConfig;
use chaff::progress::NoProgress;
use chaff::ScanConfig;

/// A line of /proc/self/status in KiB (Linux), e.g. `VmHWM`.
fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = ScanConfig::default();
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--max-memory" => {
                let size = args.next().ok_or("--max-memory needs a size")?;
                let bytes = chaff::gen::parse_size(&size).ok_or("not a size")?;
                config.memory = MemoryConfig { max_memory: Some(bytes), temp_dir: None };
            }
            "--site-field" => {
                config.read.fields.site_field =
                    Some(args.next().ok_or("--site-field needs a name")?);
            }
            _ => paths.push(arg.into()),
        }
    }
    if paths.is_empty() {
        return Err("usage: count_memory [--max-memory SIZE] [--site-field NAME] PATH...".into());
    }
    let files = chaff::input::expand(&paths).files;
    let start = Instant::now();
    let table = chaff::pipeline::count_table(&files, &config, &NoProgress);
    let counted = start.elapsed();
    let stats = table.run_stats();
    let rss_counted = status_kib("VmRSS");
    let counts = table.try_finish()?;
    let total = start.elapsed();
    println!("documents          {}", counts.documents);
    println!(
        "runs               {} ({} spills, {} entries spilled)",
        stats.runs, stats.spills, stats.spilled_entries
    );
    println!("runs in memory     {} MiB at most (16 bytes per entry)", stats.peak_bytes >> 20);
    println!("distinct blocks    {}", counts.distinct_blocks);
    println!("kept (2+ docs)     {}", counts.recurring_blocks());
    println!(
        "finished table     {} MiB: {:.1} bytes per kept block, {:.2} per distinct block",
        counts.table_bytes() >> 20,
        counts.table_bytes() as f64 / counts.recurring_blocks().max(1) as f64,
        counts.table_bytes() as f64 / counts.distinct_blocks.max(1) as f64,
    );
    println!("RSS after counting {} MiB", rss_counted.unwrap_or(0) >> 10);
    println!("RSS finished       {} MiB", status_kib("VmRSS").unwrap_or(0) >> 10);
    println!("peak RSS (VmHWM)   {} MiB", status_kib("VmHWM").unwrap_or(0) >> 10);
    println!(
        "time               {:.1} s counting, {:.1} s in all",
        counted.as_secs_f64(),
        total.as_secs_f64()
    );
    Ok(())
}
