//! One document per file (`.txt`, `.md`, `.text`, and HTML pages `.html`, `.htm`): the id is
//! the path relative to the folder argument, the site the first folder under it.
//!
//! An HTML page is decoded (a byte order mark, then a `<meta charset>`, else UTF-8) and turned
//! into text lines by [`super::html`], exactly as a WARC response's payload is: its document
//! is that text, and the offsets of every output and the restored text of `--clean` plus
//! `--removed` are of that text, not of the markup.

use std::io::{BufRead, Read};

use super::html::{decode, html_to_text};
use super::{site::site_of_relative_path, InputFile, InputProblem, Item};
use crate::doc::{DocId, Document, SourceRef};

/// Yields the file's one document.
pub struct TextFileReader {
    file: Option<InputFile>,
    reader: Box<dyn BufRead + Send>,
    max_bytes: u64,
    html: bool,
}

impl TextFileReader {
    /// A file longer than `max_bytes` (once decompressed) is a problem, read no further.
    pub fn new(file: InputFile, reader: Box<dyn BufRead + Send>, max_bytes: u64) -> Self {
        TextFileReader { file: Some(file), reader, max_bytes, html: false }
    }

    /// Reads the file as an HTML page: its document is the page's text.
    pub fn html(mut self) -> Self {
        self.html = true;
        self
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
        if self.html {
            text = html_to_text(&decode(&text, None)).into_bytes();
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
