//! `--attributes DIR`: the spans as dolma attribute files, which `dolma mix` applies.
//!
//! For an input `…/documents/<path>` the file is `DIR/<name>/<path>` (`--attribute-name`,
//! default `chaff`); an input with no `documents` folder in its path goes to its path under
//! the folder argument, or its file name. So with `DIR` the `attributes` folder beside
//! `documents`, the layout is dolma's own, and the mixer finds the files by its rule of
//! replacing `/documents/` with `/attributes/<name>/`. Each file is compressed as its input
//! is named (`.gz`, `.zst`; dolma's mixer reads gzip only), one line per document in input
//! order:
//!
//! ```json
//! {"id": "…", "attributes": {"chaff__boilerplate": [[0, 212, 1.0], …],
//!  "chaff__paywall": […], "chaff__placeholder": […], … "chaff__other": […],
//!  "chaff__duplicate": [[0, 2997, 1.0]]}}
//! ```
//!
//! `<name>__boilerplate` holds every span; `<name>__<class>` the spans of that class (a span
//! also stands under each class of its `also`); `<name>__duplicate` the whole text when the
//! document is a copy of its cluster's representative, else nothing. `id` is the input
//! record's id value as it stands (a number stays a number: the mixer compares the two).
//!
//! Offsets count characters (Unicode scalar values), not bytes: dolma's mixer walks the text
//! with `char_indices` and compares a character count with each span's ends (`src/shard.rs`,
//! span replacement). Invalid UTF-8 counts as the U+FFFD it decodes to. A record that could not
//! be read keeps its place with `{"id": null, "attributes": {}}`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use bstr::ByteSlice;
use serde_json::{Map, Value};

use super::AtomicFile;
use crate::doc::{Document, InputProblem};
use crate::error::Result;
use crate::input::{jsonl::field, InputFile};
use crate::result::{DocResult, DocSink};
use crate::span::Class;

/// The default of `--attribute-name`.
pub const DEFAULT_ATTRIBUTE_NAME: &str = "chaff";

/// Writes dolma attribute files, one per input file.
pub struct AttributesWriter {
    files: Vec<InputFile>,
    by_display: HashMap<String, usize>,
    dir: PathBuf,
    name: String,
    id_field: String,
    current: Option<(usize, Encoded)>,
    done: Vec<bool>,
    line: Vec<u8>,
}

/// An attribute file, compressed as its input is named.
enum Encoded {
    Plain(AtomicFile),
    Gzip(flate2::write::GzEncoder<AtomicFile>),
    Zstd(zstd::Encoder<'static, AtomicFile>),
}

impl Encoded {
    fn create(path: &Path) -> Result<Encoded> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|source| crate::Error::Write { path: path.to_path_buf(), source })?;
        }
        let out = AtomicFile::create(path)?;
        let name = path.to_string_lossy();
        Ok(if name.ends_with(".gz") {
            Encoded::Gzip(flate2::write::GzEncoder::new(out, flate2::Compression::default()))
        } else if name.ends_with(".zst") || name.ends_with(".zstd") {
            let encoder = zstd::Encoder::new(out, 3)
                .map_err(|e| crate::Error::Write { path: path.to_path_buf(), source: e })?;
            Encoded::Zstd(encoder)
        } else {
            Encoded::Plain(out)
        })
    }

    fn write_all(&mut self, bytes: &[u8], path: &Path) -> Result<()> {
        let written = match self {
            Encoded::Plain(f) => return f.write_all(bytes),
            Encoded::Gzip(e) => e.write_all(bytes),
            Encoded::Zstd(e) => e.write_all(bytes),
        };
        written.map_err(|source| crate::Error::Write { path: path.to_path_buf(), source })
    }

    fn commit(self, path: &Path) -> Result<()> {
        let finished = match self {
            Encoded::Plain(f) => Ok(f),
            Encoded::Gzip(e) => e.finish(),
            Encoded::Zstd(e) => e.finish(),
        };
        finished
            .map_err(|source| crate::Error::Write { path: path.to_path_buf(), source })?
            .commit()
    }
}

/// Where the attributes of `file` go under `dir/name`: its path after its last `documents`
/// folder, else its path under the folder argument, else its name.
pub fn attribute_path(file: &InputFile, dir: &Path, name: &str) -> PathBuf {
    let parts: Vec<_> = file.path.components().collect();
    let rest: PathBuf = match parts.iter().rposition(|c| c.as_os_str() == "documents") {
        Some(i) if i + 1 < parts.len() => parts[i + 1..].iter().collect(),
        _ if !file.relative.is_empty() => PathBuf::from(&file.relative),
        _ => PathBuf::from(file.path.file_name().unwrap_or_default()),
    };
    dir.join(name).join(rest)
}

/// Character offsets of `spans`' byte offsets into `text` (spans sorted by start, disjoint).
fn char_spans(text: &[u8], spans: impl Iterator<Item = (usize, usize)>) -> Vec<(usize, usize)> {
    let mut at = 0;
    let mut chars = 0;
    spans
        .map(|(start, end)| {
            chars += text[at..start].chars().count();
            let s = chars;
            chars += text[start..end].chars().count();
            at = end;
            (s, chars)
        })
        .collect()
}

fn triples(spans: &[(usize, usize)]) -> Value {
    Value::Array(
        spans.iter().map(|&(s, e)| Value::Array(vec![s.into(), e.into(), 1.0.into()])).collect(),
    )
}

impl AttributesWriter {
    /// A writer for `files` (in input order) into `dir/name/…`. Fails up front when two
    /// inputs would share an attribute file.
    pub fn new(files: &[InputFile], dir: &Path, name: &str, id_field: &str) -> Result<Self> {
        let mut seen = std::collections::HashSet::new();
        for f in files {
            let path = attribute_path(f, dir, name);
            if !seen.insert(path.clone()) {
                return Err(crate::Error::Config(format!(
                    "--attributes: two inputs would share {}",
                    path.display()
                )));
            }
        }
        Ok(AttributesWriter {
            files: files.to_vec(),
            by_display: files.iter().enumerate().map(|(i, f)| (f.display.clone(), i)).collect(),
            dir: dir.to_path_buf(),
            name: name.to_string(),
            id_field: id_field.to_string(),
            current: None,
            done: vec![false; files.len()],
            line: Vec::new(),
        })
    }

    fn path(&self, input: usize) -> PathBuf {
        attribute_path(&self.files[input], &self.dir, &self.name)
    }

    fn finish_current(&mut self) -> Result<()> {
        if let Some((input, out)) = self.current.take() {
            self.done[input] = true;
            out.commit(&self.path(input))?;
        }
        Ok(())
    }

    /// Writes a line into the attribute file of the input shown as `file`.
    fn write_line(&mut self, file: &str, value: &Value) -> Result<()> {
        let Some(&input) = self.by_display.get(file) else { return Ok(()) };
        if self.current.as_ref().is_none_or(|(i, _)| *i != input) {
            self.finish_current()?;
            self.current = Some((input, Encoded::create(&self.path(input))?));
        }
        self.line.clear();
        serde_json::to_writer(&mut self.line, value).expect("attribute lines serialize");
        self.line.push(b'\n');
        let path = self.path(input);
        let (_, out) = self.current.as_mut().expect("opened above");
        out.write_all(&self.line, &path)
    }

    /// Writes the files of inputs that gave no record (empty) and moves all into place.
    pub fn commit(mut self) -> Result<()> {
        self.finish_current()?;
        for input in 0..self.files.len() {
            if !self.done[input] {
                Encoded::create(&self.path(input))?.commit(&self.path(input))?;
            }
        }
        Ok(())
    }

    /// The attributes of one document.
    fn attributes(&self, doc: &Document, result: &DocResult) -> Map<String, Value> {
        let spans = char_spans(&doc.text, result.spans.iter().map(|s| (s.start, s.end)));
        let mut attrs = Map::new();
        attrs.insert(format!("{}__boilerplate", self.name), triples(&spans));
        for class in Class::ALL {
            let of_class: Vec<(usize, usize)> = result
                .spans
                .iter()
                .zip(&spans)
                .filter(|(s, _)| s.class == class || s.also.contains(&class))
                .map(|(_, &c)| c)
                .collect();
            attrs.insert(format!("{}__{}", self.name, class.name()), triples(&of_class));
        }
        let duplicate = match result.duplicate {
            Some(_) => vec![(0, doc.text.chars().count())],
            None => Vec::new(),
        };
        attrs.insert(format!("{}__duplicate", self.name), triples(&duplicate));
        attrs
    }
}

impl DocSink for AttributesWriter {
    fn document(&mut self, doc: &Document, result: &DocResult) -> Result<()> {
        let id = doc
            .record
            .as_ref()
            .and_then(|r| field(r, &self.id_field))
            .cloned()
            .unwrap_or_else(|| Value::String(doc.id.clone()));
        let mut line = Map::new();
        line.insert("id".into(), id);
        line.insert("attributes".into(), Value::Object(self.attributes(doc, result)));
        self.write_line(&doc.source.file, &Value::Object(line))
    }

    fn problem(&mut self, p: &InputProblem) -> Result<()> {
        if p.source_ref.record == 0 {
            return Ok(());
        }
        let mut line = Map::new();
        line.insert("id".into(), Value::Null);
        line.insert("attributes".into(), Value::Object(Map::new()));
        self.write_line(&p.source_ref.file.clone(), &Value::Object(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters() {
        let text = "é\nnav\nCafé ☕\nbody\n".as_bytes();
        // Byte spans of "nav\n" and "Café ☕\n".
        let nav = (3, 7);
        let cafe = (7, 7 + "Café ☕\n".len());
        assert_eq!(char_spans(text, [nav, cafe].into_iter()), [(2, 6), (6, 13)]);
    }

    #[test]
    fn documents_layout_is_kept() {
        let file = |path: &str, relative: &str| InputFile {
            path: PathBuf::from(path),
            display: path.to_string(),
            relative: relative.to_string(),
            format: crate::input::Format::Jsonl,
        };
        let dir = Path::new("/data/attributes");
        assert_eq!(
            attribute_path(&file("/data/documents/cc/0.jsonl.gz", "cc/0.jsonl.gz"), dir, "chaff"),
            Path::new("/data/attributes/chaff/cc/0.jsonl.gz")
        );
        assert_eq!(
            attribute_path(&file("in/x/1.jsonl", "x/1.jsonl"), dir, "c"),
            Path::new("/data/attributes/c/x/1.jsonl")
        );
        assert_eq!(attribute_path(&file("a/b.jsonl", ""), dir, "c"), dir.join("c/b.jsonl"));
    }
}
