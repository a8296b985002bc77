//! `--clean FILE` and `--removed FILE`: the documents without their boilerplate, and what was
//! taken out. Line N of one file and line N of the other describe the same document, and
//! [`restore`] puts them back together byte for byte.
//!
//! A cleaned line is the input record with its text field replaced by the kept text, every
//! other field unchanged (for text files: `id`, `site`, `text`). A removed line is `{"id",
//! "file", "record", "spans": [{"start", "end", "first_line", "last_line", "text"}]}` with
//! offsets into the original text. Bytes that are not UTF-8 also go into `text_base64`.
//!
//! With [`CleanWriter::drop_duplicates`], a document that is a copy of its cluster's
//! representative gets no cleaned line; its removed line is `{"id", "file", "record",
//! "dropped": "duplicate", "duplicate_of", "duplicate_kind", "similarity", "original", "spans":
//! []}` with the whole input record (for text files: `id`, `site`, `text`) in `original`, so
//! that nothing is lost. Lines of the two files then pair up once the dropped ones are skipped.
//!
//! A record that could not be read has no cleaned line either (there is no text to clean);
//! its removed line is `{"id": null, "file", "record", "offset", "dropped": "error", "error",
//! "spans": []}`, so that the removed file, like the annotations, accounts for every record of
//! the input in order. Its bytes stay where the error names them: in the input.

use serde_json::{Map, Value};

use super::{put_bytes, put_owned, AtomicFile};
use crate::doc::{Document, InputProblem};
use crate::error::Result;
use crate::result::{DocResult, DocSink};
use crate::span::Span;

/// Writes the cleaned and/or removed JSONL.
pub struct CleanWriter {
    clean: Option<AtomicFile>,
    removed: Option<AtomicFile>,
    text_field: String,
    drop_duplicates: bool,
    line: Vec<u8>,
}

impl CleanWriter {
    pub fn new(clean: Option<AtomicFile>, removed: Option<AtomicFile>, text_field: &str) -> Self {
        CleanWriter {
            clean,
            removed,
            text_field: text_field.to_string(),
            drop_duplicates: false,
            line: Vec::new(),
        }
    }

    /// Leave duplicates (documents with a `duplicate_of`) out of the cleaned file and record
    /// each whole in the removed file.
    pub fn drop_duplicates(mut self, yes: bool) -> Self {
        self.drop_duplicates = yes;
        self
    }

    fn write_line(
        out: &mut AtomicFile,
        line: &mut Vec<u8>,
        value: &Map<String, Value>,
    ) -> Result<()> {
        line.clear();
        serde_json::to_writer(&mut *line, value).expect("records always serialize");
        line.push(b'\n');
        out.write_all(line)
    }

    pub fn commit(self) -> Result<()> {
        if let Some(c) = self.clean {
            c.commit()?;
        }
        if let Some(r) = self.removed {
            r.commit()?;
        }
        Ok(())
    }
}

/// The text with `spans` taken out.
pub fn kept_text(text: &[u8], spans: &[Span]) -> Vec<u8> {
    let mut kept = Vec::with_capacity(text.len());
    let mut at = 0;
    for s in spans {
        kept.extend_from_slice(&text[at..s.start]);
        at = s.end;
    }
    kept.extend_from_slice(&text[at..]);
    kept
}

/// Puts removed pieces (`start` offsets into the original, sorted) back into the kept text.
pub fn restore(kept: &[u8], removed: &[(usize, Vec<u8>)]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(kept.len() + removed.iter().map(|(_, b)| b.len()).sum::<usize>());
    let mut from_kept = 0;
    for (start, bytes) in removed {
        let take = start.saturating_sub(out.len()).min(kept.len() - from_kept);
        out.extend_from_slice(&kept[from_kept..from_kept + take]);
        from_kept += take;
        out.extend_from_slice(bytes);
    }
    out.extend_from_slice(&kept[from_kept..]);
    out
}

/// Sets `name` (a key, or a dotted path into nested objects when no such key exists), where
/// the reader took the text from.
pub(crate) fn set_field(record: &mut Map<String, Value>, name: &str, bytes: Vec<u8>) {
    if record.contains_key(name) || !name.contains('.') {
        put_owned(record, name, bytes);
        return;
    }
    let (head, rest) = name.split_once('.').expect("name has a dot");
    match record.get_mut(head) {
        Some(Value::Object(inner)) => set_field(inner, rest, bytes),
        _ => put_owned(record, name, bytes),
    }
}

/// The bytes of `name` (a key, or a dotted path into nested objects), as [`set_field`] put
/// them there.
pub(crate) fn get_field(record: &Map<String, Value>, name: &str) -> Option<Vec<u8>> {
    if record.contains_key(name) || !name.contains('.') {
        return super::get_bytes(record, name);
    }
    let (head, rest) = name.split_once('.').expect("name has a dot");
    match record.get(head) {
        Some(Value::Object(inner)) => get_field(inner, rest),
        _ => None,
    }
}

/// The input record, or for a text file `{"id", "site"}`.
fn base_record(doc: &Document) -> Map<String, Value> {
    match &doc.record {
        Some(r) => r.clone(),
        None => {
            let mut m = Map::new();
            m.insert("id".into(), Value::String(doc.id.clone()));
            m.insert("site".into(), Value::String(doc.site.clone()));
            m
        }
    }
}

impl DocSink for CleanWriter {
    fn problem(&mut self, p: &InputProblem) -> Result<()> {
        let Some(out) = self.removed.as_mut() else { return Ok(()) };
        let mut m = Map::new();
        m.insert("id".into(), Value::Null);
        m.insert("file".into(), Value::String(p.source_ref.file.clone()));
        m.insert("record".into(), p.source_ref.record.into());
        m.insert("offset".into(), p.source_ref.offset.into());
        m.insert("dropped".into(), "error".into());
        m.insert("error".into(), Value::String(p.message.clone()));
        m.insert("spans".into(), Value::Array(Vec::new()));
        Self::write_line(out, &mut self.line, &m)
    }

    fn document(&mut self, doc: &Document, result: &DocResult) -> Result<()> {
        if let (true, Some(dup)) = (self.drop_duplicates, &result.duplicate) {
            if let Some(out) = self.removed.as_mut() {
                let mut original = base_record(doc);
                match doc.record {
                    None => put_bytes(&mut original, "text", &doc.text),
                    Some(_) => set_field(&mut original, &self.text_field, doc.text.clone()),
                }
                let mut m = Map::new();
                m.insert("id".into(), Value::String(doc.id.clone()));
                m.insert("file".into(), Value::String(doc.source.file.clone()));
                m.insert("record".into(), doc.source.record.into());
                m.insert("dropped".into(), "duplicate".into());
                m.insert("duplicate_of".into(), Value::String(dup.of.clone()));
                m.insert(
                    "duplicate_kind".into(),
                    serde_json::to_value(dup.kind).unwrap_or_default(),
                );
                m.insert("similarity".into(), dup.similarity.into());
                m.insert("original".into(), Value::Object(original));
                m.insert("spans".into(), Value::Array(Vec::new()));
                Self::write_line(out, &mut self.line, &m)?;
            }
            return Ok(());
        }
        if let Some(out) = self.clean.as_mut() {
            let kept = kept_text(&doc.text, &result.spans);
            let mut record = base_record(doc);
            set_field(&mut record, &self.text_field, kept);
            // Straight into the file's buffer: a monster document is not copied once more.
            serde_json::to_writer(&mut *out, &record).map_err(|e| out.error(e.into()))?;
            out.write_all(b"\n")?;
        }
        if let Some(out) = self.removed.as_mut() {
            let spans: Vec<Value> = result
                .spans
                .iter()
                .map(|s| {
                    let mut m = Map::new();
                    m.insert("start".into(), s.start.into());
                    m.insert("end".into(), s.end.into());
                    m.insert("first_line".into(), s.first_line.into());
                    m.insert("last_line".into(), s.last_line.into());
                    put_bytes(&mut m, "text", &doc.text[s.start..s.end]);
                    Value::Object(m)
                })
                .collect();
            let mut m = Map::new();
            m.insert("id".into(), Value::String(doc.id.clone()));
            m.insert("file".into(), Value::String(doc.source.file.clone()));
            m.insert("record".into(), doc.source.record.into());
            m.insert("spans".into(), Value::Array(spans));
            self.line.clear();
            serde_json::to_writer(&mut self.line, &m).expect("records always serialize");
            self.line.push(b'\n');
            out.write_all(&self.line)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::SpanKind;
    use proptest::prelude::*;

    fn span(start: usize, end: usize) -> Span {
        Span {
            first_line: 0,
            last_line: 0,
            start,
            end,
            kind: SpanKind::CrossPage,
            docs: 2,
            sites: 1,
            lines: 1,
            context_lines: 0,
            outside_body_lines: 0,
            class: crate::span::Class::Other,
            also: Vec::new(),
            template: crate::text::template::TemplateId(0),
            parts: Vec::new(),
        }
    }

    proptest! {
        #[test]
        fn kept_plus_removed_is_the_input(
            text in proptest::collection::vec(any::<u8>(), 0..200),
            cuts in proptest::collection::vec(0usize..200, 0..10),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(text.len())).collect();
            cuts.sort_unstable();
            let spans: Vec<Span> = cuts.chunks_exact(2).map(|c| span(c[0], c[1])).collect();
            let kept = kept_text(&text, &spans);
            let removed: Vec<(usize, Vec<u8>)> =
                spans.iter().map(|s| (s.start, text[s.start..s.end].to_vec())).collect();
            prop_assert_eq!(restore(&kept, &removed), text);
        }
    }

    #[test]
    fn dotted_text_field_is_set_in_place() {
        let mut r: Map<String, Value> =
            serde_json::from_str(r#"{"a":{"text":"x"},"b":1}"#).unwrap();
        set_field(&mut r, "a.text", b"y".to_vec());
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"a":{"text":"y"},"b":1}"#);
    }
}
