//! The WARC/WET reader behind gzip/zstd detection (HTTP headers, chunked encoding, charsets,
//! HTML to text): never panics, never loops; records come out numbered in order with growing
//! offsets, and a tiny record cap is honoured.
#![no_main]

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use chaff::input::{decompress, warc::WarcReader, Format, InputFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cap, data)) = data.split_first() else { return };
    let file = InputFile {
        path: "f.warc".into(),
        display: "f.warc".into(),
        relative: String::new(),
        format: Format::Warc,
    };
    let Ok(reader) = decompress::wrap_capped(std::io::Cursor::new(data.to_vec()), 50, 1 << 20)
    else {
        return;
    };
    let mut warc = WarcReader::new(file, reader, Arc::new(AtomicU64::new(0)));
    if cap & 1 == 1 {
        warc = warc.with_max_record_bytes(u64::from(cap));
    }
    let mut last: Option<(u64, u64)> = None;
    for item in warc {
        let src = match &item {
            Ok(doc) => doc.source.clone(),
            Err(p) => p.source_ref.clone(),
        };
        if let Some((record, offset)) = last {
            assert!(src.record > record, "records in order: {src:?} after {last:?}");
            assert!(src.offset >= offset, "offsets grow: {src:?} after {last:?}");
        }
        last = Some((src.record, src.offset));
    }
});
