//! One document per file (`.txt`, `.md`, `.text`): the id is the path relative to the folder
//! argument, the site the first folder under it.

use std::io::{BufRead, Read};

use super::{site::site_of_relative_path, InputFile, InputProblem, Item};
use crate::doc::{DocId, Document, SourceRef};

/// Yields the file's one document.
pub struct TextFileReader {
    file: Option<InputFile>,
    reader: Box<dyn BufRead + Send>,
}

impl TextFileReader {
    pub fn new(file: InputFile, reader: Box<dyn BufRead + Send>) -> Self {
        TextFileReader { file: Some(file), reader }
    }
}

impl Iterator for TextFileReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let file = self.file.take()?;
        let mut text = Vec::new();
        if let Err(e) = self.reader.read_to_end(&mut text) {
            return Some(Err(InputProblem::new(
                &file.display,
                0,
                text.len() as u64,
                format!("read failed after {} bytes: {e}", text.len()),
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
