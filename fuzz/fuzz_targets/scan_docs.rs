//! The whole scan (count, profile, sign, cluster, mark, report) over an in-memory corpus cut
//! from the fuzz input: never panics, every record is accounted for, and the kept text plus
//! the spans give back each document byte for byte.
//!
//! Input: records separated by 0xFF 0x00; a record's first byte picks its file (0-3), the
//! files are JSONL or text by that number; the rest is the record's text, turned into a JSONL
//! line (text escaped) or a text file.
#![no_main]

use chaff::doc::Document;
use chaff::input::{Format, InputFile};
use chaff::doc::{InputProblem};
use chaff::output::clean::kept_text;
use chaff::progress::NoProgress;
use chaff::pipeline::{scan_memory, ScanConfig};
use chaff::result::{DocResult, DocSink};
use libfuzzer_sys::fuzz_target;

#[derive(Default)]
struct Check {
    docs: usize,
    problems: usize,
}

impl DocSink for Check {
    fn document(&mut self, doc: &Document, r: &DocResult) -> chaff::Result<()> {
        self.docs += 1;
        let mut at = 0;
        let mut restored = Vec::new();
        let kept = kept_text(&doc.text, &r.spans);
        let mut from_kept = 0;
        for s in &r.spans {
            assert!(at <= s.start && s.start < s.end && s.end <= doc.text.len(), "{s:?}");
            let take = s.start - restored.len();
            restored.extend_from_slice(&kept[from_kept..from_kept + take]);
            from_kept += take;
            restored.extend_from_slice(&doc.text[s.start..s.end]);
            at = s.end;
        }
        restored.extend_from_slice(&kept[from_kept..]);
        assert_eq!(restored, doc.text);
        assert_eq!(r.bytes, doc.text.len() as u64);
        Ok(())
    }

    fn problem(&mut self, _: &InputProblem) -> chaff::Result<()> {
        self.problems += 1;
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut jsonl: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    let mut texts: Vec<Vec<u8>> = Vec::new();
    let mut records = 0;
    for rec in data.split(|&b| b == 0xFF).map(|r| r.strip_prefix(&[0]).unwrap_or(r)) {
        let Some((&which, body)) = rec.split_first() else { continue };
        match which % 4 {
            w @ 0..=1 => {
                let text = String::from_utf8_lossy(body);
                let site = ["a", "b", "c"][usize::from(which / 4) % 3];
                let mut line = format!(
                    "{{\"id\":\"r{records}\",\"url\":\"https://{site}.example/{records}\",\"text\":"
                )
                .into_bytes();
                line.extend_from_slice(escape(&text).as_bytes());
                line.extend_from_slice(b"}\n");
                jsonl[usize::from(w)].extend(line);
                records += 1;
            }
            _ => texts.push(body.to_vec()),
        }
    }
    let mut files = Vec::new();
    for (i, bytes) in jsonl.into_iter().enumerate() {
        let name = format!("shard{i}.jsonl");
        files.push((file(&name, "", Format::Jsonl), bytes));
    }
    for (i, bytes) in texts.iter().enumerate() {
        let rel = format!("site{}/{i}.txt", i % 2);
        files.push((file(&rel, &rel, Format::Text), bytes.clone()));
    }
    // A text file that happens to start with gzip or zstd magic is decompressed: a small
    // record cap keeps such a run fast.
    let mut config = ScanConfig { top: 5, ..ScanConfig::default() };
    config.read.max_record_bytes = 1 << 20;
    let mut check = Check::default();
    let report = scan_memory(files, &config, &NoProgress, &mut [&mut check]).expect("scan");
    // Every JSONL record reads; a text file is a document or, when it happens to start with
    // gzip or zstd magic and fails to inflate, a problem.
    assert_eq!(check.docs + check.problems, records + texts.len());
    let framed = texts
        .iter()
        .filter(|t| t.starts_with(&[0x1f, 0x8b]) || t.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]))
        .count();
    assert!(check.problems <= framed, "{} problems, {framed} framed", check.problems);
    assert_eq!(report.totals.documents as usize, check.docs);
});

fn file(path: &str, relative: &str, format: Format) -> InputFile {
    InputFile { path: path.into(), display: path.into(), relative: relative.into(), format }
}

/// A JSON string literal.
fn escape(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
