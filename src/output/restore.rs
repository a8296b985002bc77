//! `chaff restore`: the documents given back from `--clean` and `--removed`, the proof that
//! nothing was lost.
//!
//! The two files pair up line by line once the removed file's `dropped` lines are set aside:
//! a cleaned record with its removed pieces put back is the input record; a dropped duplicate's
//! `original` is its whole input record; a record that could not be read (`"dropped":
//! "error"`) has no text to give back, and its bytes are where the error names them, in the
//! input, so it is counted and left out.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::clean::{get_field, restore, set_field};
use super::AtomicFile;
use crate::error::{Error, Result};

/// What a restore gave back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Restored {
    /// Documents written (cleaned ones restored and dropped duplicates).
    pub documents: u64,
    /// Of them, dropped duplicates restored from their `original`.
    pub duplicates: u64,
    /// Records that could not be read when cleaning: not in the output, still in the input.
    pub unreadable: u64,
}

/// Writes to `out`, one JSONL line per document in input order, each input record with its
/// whole text (`text_field`, a key or a dotted path, as given to the scan).
pub fn restore_files(
    clean: &Path,
    removed: &Path,
    text_field: &str,
    out: &Path,
) -> Result<Restored> {
    let mut clean_lines = Lines::open(clean)?;
    let mut removed_lines = Lines::open(removed)?;
    let mut out = AtomicFile::create(out)?;
    let mut restored = Restored::default();
    while let Some(removed_record) = removed_lines.next_record()? {
        let record = match removed_record.get("dropped").and_then(Value::as_str) {
            Some("error") => {
                restored.unreadable += 1;
                continue;
            }
            Some(_) => {
                restored.duplicates += 1;
                match removed_record.get("original") {
                    Some(Value::Object(original)) => original.clone(),
                    _ => return Err(removed_lines.error("a dropped line without its `original`")),
                }
            }
            None => {
                let Some(mut record) = clean_lines.next_record()? else {
                    return Err(clean_lines.error("ends before the removed file"));
                };
                let kept = get_field(&record, text_field)
                    .ok_or_else(|| clean_lines.error(&format!("no text field {text_field:?}")))?;
                let pieces = pieces(&removed_record).map_err(|m| removed_lines.error(m))?;
                set_field(&mut record, text_field, restore(&kept, &pieces));
                record
            }
        };
        serde_json::to_writer(&mut out, &record).map_err(|e| out.error(e.into()))?;
        out.write_all(b"\n")?;
        restored.documents += 1;
    }
    if clean_lines.next_record()?.is_some() {
        return Err(clean_lines.error("has more documents than the removed file"));
    }
    out.commit()?;
    Ok(restored)
}

/// A removed line's pieces: (start in the original text, bytes).
fn pieces(
    removed: &Map<String, Value>,
) -> std::result::Result<Vec<(usize, Vec<u8>)>, &'static str> {
    let spans = removed.get("spans").and_then(Value::as_array).ok_or("no `spans` array")?;
    spans
        .iter()
        .map(|s| {
            let s = s.as_object().ok_or("a span that is not an object")?;
            let start = s.get("start").and_then(Value::as_u64).ok_or("a span without `start`")?;
            let bytes = super::get_bytes(s, "text").ok_or("a span without `text`")?;
            Ok((start as usize, bytes))
        })
        .collect()
}

/// A JSONL file read record by record, knowing where it is for messages.
struct Lines {
    path: PathBuf,
    reader: BufReader<std::fs::File>,
    line: u64,
    buf: String,
}

impl Lines {
    fn open(path: &Path) -> Result<Lines> {
        let file = std::fs::File::open(path)
            .map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
        Ok(Lines {
            path: path.to_path_buf(),
            reader: BufReader::new(file),
            line: 0,
            buf: String::new(),
        })
    }

    fn next_record(&mut self) -> Result<Option<Map<String, Value>>> {
        loop {
            self.buf.clear();
            let n = self
                .reader
                .read_line(&mut self.buf)
                .map_err(|source| Error::Read { path: self.path.clone(), source })?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            if self.buf.trim().is_empty() {
                continue;
            }
            return match serde_json::from_str(&self.buf) {
                Ok(Value::Object(m)) => Ok(Some(m)),
                Ok(_) => Err(self.error("not a JSON object")),
                Err(e) => Err(self.error(&format!("invalid JSON: {e}"))),
            };
        }
    }

    fn error(&self, message: &str) -> Error {
        Error::Restore { path: self.path.clone(), line: self.line, message: message.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaned_pieces_and_dropped_duplicates_come_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let clean = dir.path().join("clean.jsonl");
        let removed = dir.path().join("removed.jsonl");
        std::fs::write(&clean, "{\"id\":\"a\",\"meta\":{\"body\":\"Story\\n\"},\"n\":1}\n")
            .unwrap();
        std::fs::write(
            &removed,
            concat!(
                "{\"id\":null,\"dropped\":\"error\",\"spans\":[]}\n",
                "{\"id\":\"a\",\"spans\":[{\"start\":0,\"end\":5,\"text\":\"Menu\\n\"}]}\n",
                "{\"id\":\"b\",\"dropped\":\"duplicate\",\"original\":{\"id\":\"b\",\"meta\":{\"body\":\"Story\\n\"}},\"spans\":[]}\n",
            ),
        )
        .unwrap();
        let out = dir.path().join("out.jsonl");
        let r = restore_files(&clean, &removed, "meta.body", &out).unwrap();
        assert_eq!(r, Restored { documents: 2, duplicates: 1, unreadable: 1 });
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "{\"id\":\"a\",\"meta\":{\"body\":\"Menu\\nStory\\n\"},\"n\":1}\n\
             {\"id\":\"b\",\"meta\":{\"body\":\"Story\\n\"}}\n"
        );
    }

    #[test]
    fn files_that_do_not_pair_up_are_an_error_naming_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let clean = dir.path().join("clean.jsonl");
        let removed = dir.path().join("removed.jsonl");
        std::fs::write(&clean, "").unwrap();
        std::fs::write(&removed, "{\"id\":\"a\",\"spans\":[]}\n").unwrap();
        let out = dir.path().join("out.jsonl");
        let err = restore_files(&clean, &removed, "text", &out).unwrap_err().to_string();
        assert!(err.contains("clean.jsonl") && err.contains("ends before"), "{err}");
        assert!(!out.exists(), "no output from a failed restore");
    }
}
