//! The JSONL reader behind gzip/zstd detection: never panics; records are numbered 1, 2, … in
//! order with their byte offsets increasing; on an uncompressed input each offset is the start
//! of its line, and a small record cap skips long lines without losing count.
#![no_main]

use std::sync::Arc;

use chaff::input::{decompress, jsonl::JsonlReader, Format, InputFile, ReadConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cap, data)) = data.split_first() else { return };
    // Half the runs with a tiny record cap, so that the skipping path is fuzzed too.
    let max_record_bytes = if cap & 1 == 0 { 1 << 20 } else { u64::from(cap) };
    let file = InputFile {
        path: "f.jsonl".into(),
        display: "f.jsonl".into(),
        relative: String::new(),
        format: Format::Jsonl,
    };
    let config = Arc::new(ReadConfig { max_record_bytes, ..ReadConfig::default() });
    let Ok(reader) = decompress::wrap(std::io::Cursor::new(data.to_vec())) else { return };
    let compressed = data.starts_with(&[0x1f, 0x8b]) || data.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    let mut last = (0u64, None::<u64>);
    for item in JsonlReader::new(file, reader, config) {
        let src = match &item {
            Ok(doc) => doc.source.clone(),
            Err(p) => p.source_ref.clone(),
        };
        assert!(src.record > last.0, "records in order: {src:?} after {last:?}");
        assert!(last.1.is_none_or(|o| src.offset > o), "offsets grow: {src:?} after {last:?}");
        if !compressed {
            let at = src.offset as usize;
            assert!(at < data.len().max(1), "{src:?} past the end");
            assert!(at == 0 || data[at - 1] == b'\n', "{src:?} is not a line start");
            let line_no = data[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            assert_eq!(src.record, line_no, "record number is the line number");
        }
        if let Ok(doc) = &item {
            // Lossy decoding turns each stray byte into a 3-byte U+FFFD: at most 3 times.
            assert!(doc.text.len() as u64 <= 3 * max_record_bytes);
        }
        last = (src.record, Some(src.offset));
    }
});
