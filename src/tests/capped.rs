//! A scan under a tiny memory cap (count runs, signatures and the span catalogue all on disk)
//! gives the very report and per-document results of a scan in memory.

use crate::count::MemoryConfig;
use crate::doc::Document;
use crate::gen::{generate, GenConfig};
use crate::pipeline::{scan, ScanConfig};
use crate::progress::NoProgress;
use crate::result::{DocResult, DocSink};

/// Every document's result, as JSON, in input order.
#[derive(Default)]
struct Results(Vec<String>);

impl DocSink for Results {
    fn document(&mut self, doc: &Document, result: &DocResult) -> crate::Result<()> {
        self.0.push(format!("{} {}", doc.id, serde_json::to_string(result).expect("json")));
        Ok(())
    }
}

fn run(paths: &[std::path::PathBuf], memory: MemoryConfig) -> (String, Vec<String>) {
    let mut config = ScanConfig { top: 50, ..ScanConfig::default() };
    config.read.fields.site_field = Some("site".into());
    config.dedup = Some(crate::dedup::DedupConfig {
        memory_budget: memory.signature_budget(),
        temp_dir: memory.temp_dir.clone(),
        ..Default::default()
    });
    config.memory = memory;
    let mut results = Results::default();
    let report = scan(paths, &config, &NoProgress, &mut [&mut results]).expect("scan");
    (serde_json::to_string(&report).expect("json"), results.0)
}

#[test]
fn scan_under_a_tiny_cap_equals_scan_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("crawl");
    let gen = GenConfig { size: 1 << 20, sites: 12, seed: 3, ..GenConfig::default() };
    generate(&corpus, &gen).expect("generate");
    let spill = dir.path().join("spill");
    std::fs::create_dir(&spill).unwrap();
    let free = run(std::slice::from_ref(&corpus), MemoryConfig::default());
    let capped = run(
        std::slice::from_ref(&corpus),
        MemoryConfig { max_memory: Some(64 << 10), temp_dir: Some(spill.clone()) },
    );
    assert!(!free.1.is_empty());
    assert!(free.0.contains("\"top_spans\":[{"), "no catalogue to compare");
    assert_eq!(capped.0, free.0, "reports differ");
    assert_eq!(capped.1, free.1, "document results differ");
    assert_eq!(std::fs::read_dir(&spill).unwrap().count(), 0, "temporary files left behind");
}
