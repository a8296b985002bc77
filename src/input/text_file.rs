//! One document per file (`.txt`, `.md`, `.text`): the id is the path relative to the folder
//! argument, the site the first folder under it.

use std::io::{BufRead, Read};

use super::{site::site_of_relative_path, InputFile, InputProblem, Item};
use crate::doc::{DocId, Document, SourceRef};

/// Yields the file's one document.
pub struct TextFileReader {
    file: Option<InputFile>,
    reader: Box<dyn BufRead + Send>,
    max_bytes: u64,
}

impl TextFileReader {
    /// A file longer than `max_bytes` (once decompressed) is a problem, read no further.
    pub fn new(file: InputFile, reader: Box<dyn BufRead + Send>, max_bytes: u64) -> Self {
        TextFileReader { file: Some(file), reader, max_bytes }
    }
}

impl Iterator for TextFileReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let file = self.file.take()?;
        let mut text = Vec::new();
        let mut capped = (&mut self.reader).take(self.max_bytes.saturating_add(1));
        if let Err(e) = capped.read_to_end(&mut text) {
            return Some(Err(InputProblem::new(
                &file.display,
                0,
                text.len() as u64,
                format!("read failed after {} bytes: {e}", text.len()),
            )));
        }
        if text.len() as u64 > self.max_bytes {
            return Some(Err(InputProblem::new(
                &file.display,
                0,
                0,
                format!("longer than {} bytes (--max-record-bytes); skipped", self.max_bytes),
            )));
        }
        let id =
            if file.relative.is_empty() { file.display.clone() } else { file.relative.clone() };
        Some(Ok(Document {
            seq: DocId(0),
            id,
            site: site_of_relative_path(&file.relative),
            url: None,
            text,
            source: SourceRef { file: file.display, record: 0, offset: 0 },
            record: None,
        }))
    }
}
