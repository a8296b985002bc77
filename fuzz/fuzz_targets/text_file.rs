//! The one-document-per-file reader behind gzip/zstd detection: never panics, yields exactly
//! one item, and an uncompressed file's text is its bytes, exactly.
#![no_main]

use chaff::input::{decompress, text_file::TextFileReader, Format, InputFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = InputFile {
        path: "site/page.txt".into(),
        display: "site/page.txt".into(),
        relative: "site/page.txt".into(),
        format: Format::Text,
    };
    let Ok(reader) = decompress::wrap(std::io::Cursor::new(data.to_vec())) else { return };
    let items: Vec<_> = TextFileReader::new(file, reader, 1 << 20).collect();
    assert_eq!(items.len(), 1);
    let compressed = data.starts_with(&[0x1f, 0x8b]) || data.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    if let (Ok(doc), false) = (&items[0], compressed) {
        assert_eq!(doc.text, data);
        assert_eq!(doc.site, "site");
    }
});
