//! Nothing lost (issue 6), as a property over generated corpora: JSONL shards (plain, gzip, or
//! gzip cut short) with good and bad records, and text files of arbitrary bytes (CRLF, lone CR,
//! byte order marks, NULs, bytes that are not UTF-8, no final newline, empty), and HTML pages
//! (whose document is their extracted text, as for a WARC response). For every one:
//!
//! - the annotations hold one line per record of the input, in input order, bad ones with
//!   `error`;
//! - the removed file likewise (documents, dropped duplicates and bad records), and the clean
//!   file one line per document kept, so that the two pair up once dropped lines are skipped;
//! - the kept text plus the removed pieces give back each document byte for byte, and a dropped
//!   duplicate's `original` holds its whole text.
//!
//! Scanned in memory through the library (`chaff::pipeline::scan_memory`) with the same writers the
//! CLI uses, so that a few hundred corpora take seconds.

use proptest::prelude::*;
use serde_json::{Map, Value};

use chaff::input::{Format, InputFile};
use chaff::output::{AnnotationsWriter, AtomicFile, CleanWriter};
use chaff::pipeline::{scan_memory, ScanConfig};
use chaff::result::DocSink;

use crate::{bytes_of, gzip, jsonl_line, read_jsonl, u};

const LINES: &[&str] = &[
    "Harbour Post",
    "Home | News | Sport",
    "Sign in",
    "Subscribe to keep reading.",
    "Privacy policy",
    "The ferry runs again after three years of repairs.",
    "Rain on Tuesday, sun by the weekend.",
    "Goats from the hill farm ate the school hedge.",
    "5 mins | July 10, 2024",
    "",
    "   ",
];

/// A text: lines from the pool (so that boilerplate recurs), each with its own line end.
fn text() -> impl Strategy<Value = String> {
    let line = (0..LINES.len(), prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")]);
    (proptest::collection::vec(line, 0..10), any::<bool>(), any::<bool>()).prop_map(
        |(lines, bom, nul)| {
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            for (i, end) in lines {
                s.push_str(LINES[i]);
                if nul && i == 5 {
                    s.push('\0');
                }
                s.push_str(end);
            }
            s
        },
    )
}

/// A text file's bytes: a text, sometimes with bytes that are not UTF-8 spliced in.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    (text(), proptest::collection::vec((any::<usize>(), 0x80u8..=0xff), 0..3)).prop_map(
        |(t, junk)| {
            let mut b = t.into_bytes();
            for (at, byte) in junk {
                b.insert(at % (b.len() + 1), byte);
            }
            b
        },
    )
}

#[derive(Clone, Debug)]
enum Record {
    Good(String),
    /// A copy of an earlier good record's text (a duplicate), by index.
    Copy(usize),
    Bad(&'static str),
}

const BAD: &[&str] = &[
    "not json",
    r#"{"id":"x"}"#,
    r#"{"text":null}"#,
    r#"{"text":5}"#,
    r#"{"text":{"html":"<p>"}}"#,
    "[1,2]",
];

fn record() -> impl Strategy<Value = Record> {
    prop_oneof![
        6 => text().prop_map(Record::Good),
        2 => any::<usize>().prop_map(Record::Copy),
        1 => proptest::sample::select(BAD).prop_map(Record::Bad),
    ]
}

#[derive(Clone, Copy, Debug)]
enum Framing {
    Plain,
    Gzip,
    /// gzip cut in the middle: the records before the cut are read, then one problem.
    CutGzip,
}

fn framing() -> impl Strategy<Value = Framing> {
    prop_oneof![4 => Just(Framing::Plain), 1 => Just(Framing::Gzip), 1 => Just(Framing::CutGzip)]
}

/// What the reader should give for one record: a document's text, or a problem.
#[derive(Debug, PartialEq)]
enum Expected {
    Doc(Vec<u8>),
    Problem,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn clean_plus_removed_is_the_input_and_every_record_is_annotated(
        shards in proptest::collection::vec((proptest::collection::vec(record(), 0..12), framing()), 0..3),
        files in proptest::collection::vec((0usize..3, file_bytes()), 0..6),
        pages in proptest::collection::vec((0usize..3, text()), 0..4),
        drop_duplicates: bool,
    ) {
        let mut inputs: Vec<(InputFile, Vec<u8>)> = Vec::new();
        let mut expected: Vec<(String, Expected)> = Vec::new();
        let mut goods: Vec<String> = Vec::new();
        let mut n = 0;
        for (j, (records, framing)) in shards.iter().enumerate() {
            let name = format!("mem/shard{j}.jsonl");
            let mut plain = String::new();
            let mut want = Vec::new();
            for r in records {
                n += 1;
                let line = match r {
                    Record::Good(t) => {
                        goods.push(t.clone());
                        want.push(Expected::Doc(t.clone().into_bytes()));
                        jsonl_line(serde_json::json!({"id": format!("r{n}"), "url": format!("https://harbourpost.example/{n}"), "text": t}))
                    }
                    Record::Copy(i) if !goods.is_empty() => {
                        let t = goods[i % goods.len()].clone();
                        want.push(Expected::Doc(t.clone().into_bytes()));
                        jsonl_line(serde_json::json!({"id": format!("r{n}"), "url": format!("https://harbourpost.example/{n}"), "text": t}))
                    }
                    Record::Copy(_) => continue,
                    Record::Bad(b) => {
                        want.push(Expected::Problem);
                        format!("{b}\n")
                    }
                };
                plain.push_str(&line);
            }
            let bytes = match framing {
                Framing::Plain => plain.into_bytes(),
                Framing::Gzip => gzip(plain.as_bytes()),
                Framing::CutGzip => {
                    let mut gz = gzip(plain.as_bytes());
                    gz.truncate(gz.len() / 2);
                    // What survives the cut: the whole lines of what still inflates.
                    let mut out = Vec::new();
                    let _ = std::io::Read::read_to_end(
                        &mut flate2::read::MultiGzDecoder::new(&gz[..]), &mut out);
                    let whole = out.iter().filter(|&&b| b == b'\n').count();
                    want.truncate(whole);
                    want.push(Expected::Problem);
                    gz
                }
            };
            expected.extend(want.into_iter().map(|w| (name.clone(), w)));
            inputs.push((InputFile { path: name.clone().into(), display: name, relative: String::new(), format: Format::Jsonl }, bytes));
        }
        for (i, (site, bytes)) in files.iter().enumerate() {
            let rel = format!("site{site}/page{i}.txt");
            let name = format!("mem/{rel}");
            expected.push((name.clone(), Expected::Doc(bytes.clone())));
            inputs.push((InputFile { path: name.clone().into(), display: name, relative: rel, format: Format::Text }, bytes.clone()));
        }

        // HTML pages: the document is the page's text, as the WARC reader extracts it.
        for (i, (site, t)) in pages.iter().enumerate() {
            let html = format!("<html><body><p>{}</p></body></html>", t.replace('\n', "</p><p>"));
            let want = chaff::input::html::html_to_text(&chaff::input::html::decode(html.as_bytes(), None));
            let rel = format!("site{site}/page{i}.html");
            let name = format!("mem/{rel}");
            expected.push((name.clone(), Expected::Doc(want.into_bytes())));
            inputs.push((InputFile { path: name.clone().into(), display: name, relative: rel, format: Format::Html }, html.into_bytes()));
        }

        let dir = tempfile::tempdir().expect("tempdir");
        let paths = ["a.jsonl", "clean.jsonl", "removed.jsonl"].map(|n| dir.path().join(n));
        let mut annotations = AnnotationsWriter::new(AtomicFile::create(&paths[0]).expect("create"));
        let mut clean = CleanWriter::new(
            Some(AtomicFile::create(&paths[1]).expect("create")),
            Some(AtomicFile::create(&paths[2]).expect("create")),
            "text",
        ).drop_duplicates(drop_duplicates);
        let config = ScanConfig {
            top: 10,
            dedup: Some(chaff::dedup::DedupConfig::default()),
            ..ScanConfig::default()
        };
        {
            let mut sinks: Vec<&mut dyn DocSink> = vec![&mut annotations, &mut clean];
            scan_memory(inputs, &config, &chaff::progress::NoProgress, &mut sinks).expect("scan");
        }
        annotations.commit().expect("commit");
        clean.commit().expect("commit");
        let [ann, kept, removed] = paths.map(|p| read_jsonl(&p));

        // Every record, in order, in the annotations and in the removed file.
        prop_assert_eq!(ann.len(), expected.len());
        prop_assert_eq!(removed.len(), expected.len());
        let mut kept_lines = kept.iter();
        for (i, (file, want)) in expected.iter().enumerate() {
            let (a, r) = (&ann[i], &removed[i]);
            prop_assert_eq!(a["file"].as_str(), Some(file.as_str()));
            prop_assert_eq!(&r["file"], &a["file"]);
            prop_assert_eq!(&r["record"], &a["record"]);
            match want {
                Expected::Problem => {
                    prop_assert!(a["error"].is_string(), "{:?}", a);
                    prop_assert_eq!(&r["dropped"], "error");
                }
                Expected::Doc(text) => {
                    prop_assert!(!a.contains_key("error"), "{:?}", a);
                    prop_assert_eq!(u(&Value::Object(a.clone()), "bytes"), text.len() as u64);
                    if r.get("dropped").is_some() {
                        prop_assert_eq!(&r["dropped"], "duplicate");
                        let original = r["original"].as_object().expect("original");
                        prop_assert_eq!(&bytes_of(original, "text"), text);
                        continue;
                    }
                    let c = kept_lines.next().expect("a clean line for each document kept");
                    prop_assert_eq!(&c["id"], &a["id"]);
                    prop_assert_eq!(&restore(c, r), text);
                }
            }
        }
        prop_assert!(kept_lines.next().is_none(), "no clean line without its record");
    }
}

/// The kept text of a clean line with the removed pieces put back.
fn restore(clean: &Map<String, Value>, removed: &Map<String, Value>) -> Vec<u8> {
    let pieces: Vec<(usize, Vec<u8>)> = removed["spans"]
        .as_array()
        .expect("spans")
        .iter()
        .map(|s| (u(s, "start") as usize, bytes_of(s.as_object().expect("span"), "text")))
        .collect();
    chaff::output::restore(&bytes_of(clean, "text"), &pieces)
}
