//! The outputs for other pipelines: Parquet in and out, dolma attributes. The real tools
//! check them in tests/parquet, tests/dolma (pyarrow, dolma mix); these check the binary alone.

use std::sync::Arc;

use arrow_array::{Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use serde_json::Value;

use crate::{chaff, generated_crawl, read_jsonl, CliTest};

/// The generated crawl's records with a non-ASCII footer, as (id, url, text).
fn records() -> Vec<(String, String, String)> {
    generated_crawl(14, 3, 40)
        .iter()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let text =
                format!("{}© Zeitung für Café-Besucher — 東京\n", v["text"].as_str().unwrap());
            (v["id"].as_str().unwrap().into(), v["url"].as_str().unwrap().into(), text)
        })
        .collect()
}

/// Writes the records as Parquet (row groups of 8 rows, row 3 with a null text, an integer
/// column beside) and as JSONL without the null row.
fn write_inputs(t: &CliTest) -> (std::path::PathBuf, std::path::PathBuf) {
    let recs = records();
    let mut texts: Vec<Option<&str>> = recs.iter().map(|r| Some(r.2.as_str())).collect();
    texts[3] = None;
    let schema = Arc::new(Schema::new(vec![
        Field::new("url", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, true),
        Field::new("id", DataType::Utf8, false),
        Field::new("n", DataType::Int64, false),
    ]));
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![
            Arc::new(StringArray::from_iter_values(recs.iter().map(|r| r.1.as_str()))),
            Arc::new(StringArray::from(texts)),
            Arc::new(StringArray::from_iter_values(recs.iter().map(|r| r.0.as_str()))),
            Arc::new(Int64Array::from_iter_values(0..recs.len() as i64)),
        ],
    )
    .unwrap();
    let path = t.path("in/crawl.parquet");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let props =
        parquet::file::properties::WriterProperties::builder().set_max_row_group_size(8).build();
    let mut w = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(&path).unwrap(),
        schema,
        Some(props),
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let jsonl: String = recs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3)
        .map(|(_, r)| serde_json::json!({"id": r.0, "url": r.1, "text": r.2}).to_string() + "\n")
        .collect();
    (path, t.write("crawl.jsonl", jsonl))
}

fn read_parquet(path: &std::path::Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn parquet_clean_keeps_the_rows_and_replaces_the_text() {
    let t = CliTest::new();
    let (parquet, jsonl) = write_inputs(&t);
    let out = chaff()
        .arg("scan")
        .arg("-q")
        .arg(t.path("in"))
        .arg("--clean")
        .arg(t.path("out/"))
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&out);
    assert!(stderr.contains("record 4") && stderr.contains("row group 0, row 3"), "{stderr}");
    chaff()
        .arg("scan")
        .arg("-q")
        .arg(&jsonl)
        .arg("--clean")
        .arg(t.path("clean.jsonl"))
        .assert()
        .code(0);
    let clean: Vec<String> = read_jsonl(&t.path("clean.jsonl"))
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect();

    let before = read_parquet(&parquet);
    let after = read_parquet(&t.path("out/crawl.parquet"));
    assert_eq!(before[0].schema(), after[0].schema());
    let rows = |b: &[RecordBatch]| b.iter().map(RecordBatch::num_rows).sum::<usize>();
    assert_eq!(rows(&before), rows(&after));
    let column = |b: &[RecordBatch], i: usize| -> Vec<Option<String>> {
        b.iter()
            .flat_map(|b| {
                let c = b.column(i);
                (0..c.len())
                    .map(|r| (!c.is_null(r)).then(|| arrow_cast_string(c.as_ref(), r)))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    for i in [0, 2, 3] {
        assert_eq!(column(&before, i), column(&after, i), "column {i}");
    }
    let texts = column(&after, 1);
    assert_eq!(texts[3], None, "the null text stays null");
    let kept: Vec<String> = texts.into_iter().flatten().collect();
    assert_eq!(kept, clean);
    assert!(kept.iter().zip(column(&before, 1).into_iter().flatten()).any(|(k, b)| *k != b));
}

/// A cell as text, for comparing columns of any type.
fn arrow_cast_string(c: &dyn Array, r: usize) -> String {
    use arrow_array::cast::AsArray;
    match c.data_type() {
        DataType::Int64 => c.as_primitive::<arrow_array::types::Int64Type>().value(r).to_string(),
        _ => c.as_string::<i32>().value(r).to_string(),
    }
}

#[test]
fn parquet_and_jsonl_give_the_same_spans() {
    let t = CliTest::new();
    let (parquet, jsonl) = write_inputs(&t);
    // The null text is a bad record (exit status 1) in the Parquet file only.
    for (input, name, code) in [(&parquet, "p.jsonl", 1), (&jsonl, "j.jsonl", 0)] {
        chaff()
            .arg("scan")
            .arg("-q")
            .arg(input)
            .arg("--annotations")
            .arg(t.path(name))
            .assert()
            .code(code);
    }
    let spans = |name: &str| -> Vec<Value> {
        read_jsonl(&t.path(name))
            .into_iter()
            .filter(|r| r.get("error").is_none())
            .map(|r| r["spans"].clone())
            .collect()
    };
    assert_eq!(spans("p.jsonl"), spans("j.jsonl"));
}

#[test]
fn attributes_count_characters_and_follow_the_documents_layout() {
    let t = CliTest::new();
    let recs = records();
    let (a, b) = recs.split_at(20);
    for (name, part) in [("data/documents/a.jsonl", a), ("data/documents/x/b.jsonl", b)] {
        let lines: String = part
            .iter()
            .map(|r| serde_json::json!({"id": r.0, "url": r.1, "text": r.2}).to_string() + "\n")
            .collect();
        t.write(name, lines);
    }
    chaff()
        .arg("scan")
        .arg("-q")
        .arg(t.path("data/documents"))
        .arg("--attributes")
        .arg(t.path("data/attributes"))
        .arg("--attribute-name")
        .arg("cf")
        .arg("--clean")
        .arg(t.path("clean.jsonl"))
        .assert()
        .code(0);
    let mut attrs = read_jsonl(&t.path("data/attributes/cf/a.jsonl"));
    attrs.extend(read_jsonl(&t.path("data/attributes/cf/x/b.jsonl")));
    let clean = read_jsonl(&t.path("clean.jsonl"));
    assert_eq!(attrs.len(), recs.len());
    let mut removed_any = false;
    for ((line, rec), c) in attrs.iter().zip(&recs).zip(&clean) {
        assert_eq!(line["id"], rec.0.as_str());
        let a = line["attributes"].as_object().unwrap();
        for key in ["cf__boilerplate", "cf__paywall", "cf__footer", "cf__duplicate"] {
            assert!(a.contains_key(key), "{key}");
        }
        // Taking the spans out by character gives the clean text.
        let chars: Vec<char> = rec.2.chars().collect();
        let mut kept = String::new();
        let mut at = 0;
        for span in a["cf__boilerplate"].as_array().unwrap() {
            let (s, e) = (span[0].as_u64().unwrap() as usize, span[1].as_u64().unwrap() as usize);
            kept.extend(&chars[at..s]);
            at = e;
            removed_any = true;
        }
        kept.extend(&chars[at..]);
        assert_eq!(kept, c["text"].as_str().unwrap());
    }
    assert!(removed_any);
}

#[test]
fn gen_parquet_scans_as_its_jsonl() {
    let t = CliTest::new();
    for format in ["jsonl", "parquet"] {
        chaff()
            .args([
                "gen", "-q", "--size", "300K", "--sites", "5", "--seed", "3", "--format", format,
            ])
            .arg(t.path(format))
            .assert()
            .success();
        chaff()
            .arg("scan")
            .arg("-q")
            .arg(t.path(format))
            .arg("--report")
            .arg(t.path(&format!("{format}.json")))
            .assert()
            .success();
    }
    assert!(std::fs::read_dir(t.path("parquet")).unwrap().all(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".parquet")));
    let report = |f: &str| {
        let v: Value = serde_json::from_slice(&std::fs::read(t.path(f)).unwrap()).unwrap();
        v["totals"].clone()
    };
    assert_eq!(report("jsonl.json"), report("parquet.json"));
}

/// Nothing lost with Parquet in and out: for generated texts (CRLF, lone CR, non-ASCII, empty,
/// lines that recur so that boilerplate is cut), the cleaned Parquet's text with the removed
/// pieces (JSONL) put back is each input text, row for row; a null text stays null and is
/// accounted for in the removed file.
mod parquet_restores {
    use super::*;
    use proptest::prelude::*;

    const LINES: &[&str] = &[
        "Harbour Post",
        "Home | News | Sport",
        "Abonnieren Sie für 1 € im Monat.",
        "東京の天気は晴れ。",
        "The ferry runs again after three years.",
        "",
    ];

    fn text() -> impl Strategy<Value = Option<String>> {
        let line = (0..LINES.len(), prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")]);
        proptest::option::weighted(
            0.9,
            proptest::collection::vec(line, 0..8).prop_map(|lines| {
                lines.into_iter().map(|(i, end)| format!("{}{end}", LINES[i])).collect()
            }),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
        #[test]
        fn parquet_clean_plus_removed_is_the_input(texts in proptest::collection::vec(text(), 1..12)) {
            let t = CliTest::new();
            let schema = Arc::new(Schema::new(vec![
                Field::new("id", DataType::Utf8, false),
                Field::new("text", DataType::Utf8, true),
            ]));
            let ids: Vec<String> = (0..texts.len()).map(|i| format!("d{i}")).collect();
            let batch = RecordBatch::try_new(
                Arc::clone(&schema),
                vec![
                    Arc::new(StringArray::from_iter_values(ids.iter().map(String::as_str))),
                    Arc::new(StringArray::from(texts.iter().map(Option::as_deref).collect::<Vec<_>>())),
                ],
            )
            .unwrap();
            let input = t.path("in/x.parquet");
            std::fs::create_dir_all(input.parent().unwrap()).unwrap();
            let mut w = parquet::arrow::ArrowWriter::try_new(
                std::fs::File::create(&input).unwrap(),
                schema,
                None,
            )
            .unwrap();
            w.write(&batch).unwrap();
            w.close().unwrap();
            let code = if texts.iter().all(Option::is_some) { 0 } else { 1 };
            let status = if texts.iter().all(Option::is_none) { 2 } else { code };
            chaff()
                .arg("scan")
                .arg("-q")
                .arg(&input)
                .arg("--clean")
                .arg(t.path("out/"))
                .arg("--removed")
                .arg(t.path("removed.jsonl"))
                .assert()
                .code(status);
            if status == 2 {
                // Nothing read: no output written.
                prop_assert!(!t.path("removed.jsonl").exists());
                return Ok(());
            }
            let cleaned = read_parquet(&t.path("out/x.parquet"));
            let kept: Vec<Option<String>> = cleaned
                .iter()
                .flat_map(|b| {
                    let c = b.column(1);
                    (0..c.len())
                        .map(|r| (!c.is_null(r)).then(|| arrow_cast_string(c.as_ref(), r)))
                        .collect::<Vec<_>>()
                })
                .collect();
            let removed = read_jsonl(&t.path("removed.jsonl"));
            prop_assert_eq!(kept.len(), texts.len());
            prop_assert_eq!(removed.len(), texts.len());
            for ((want, kept), removed) in texts.iter().zip(&kept).zip(&removed) {
                match (want, kept) {
                    (None, None) => prop_assert_eq!(&removed["dropped"], "error"),
                    (Some(want), Some(kept)) => {
                        let pieces: Vec<(usize, Vec<u8>)> = removed["spans"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|s| {
                                let o = s.as_object().unwrap();
                                (crate::u(s, "start") as usize, crate::bytes_of(o, "text"))
                            })
                            .collect();
                        let back = chaff::output::restore(kept.as_bytes(), &pieces);
                        prop_assert_eq!(String::from_utf8(back).unwrap(), want.clone());
                    }
                    other => prop_assert!(false, "null kept as null only: {:?}", other),
                }
            }
        }
    }
}
