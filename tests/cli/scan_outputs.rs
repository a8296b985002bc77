//! `chaff scan` outputs: --clean and --removed give back every input byte for byte, and every
//! output file appears whole or not at all.

use std::path::Path;

use serde_json::{Map, Value};

use crate::{bytes_of, chaff, jsonl_line, read_jsonl, u, CliTest};

/// One input document: its id, its record (None for a text file) and its exact text.
struct Original {
    id: String,
    record: Option<Map<String, Value>>,
    text: Vec<u8>,
}

/// Runs `scan --clean --removed` on `input` and checks that, line by line, the kept text and
/// the removed pieces put back together give each original text, in order.
fn check_round_trip(t: &CliTest, input: &Path, originals: &[Original]) -> usize {
    let (clean, removed) = (t.path("clean.jsonl"), t.path("removed.jsonl"));
    chaff()
        .arg("scan")
        .arg(input)
        .arg("-q")
        .arg("--clean")
        .arg(&clean)
        .arg("--removed")
        .arg(&removed)
        .assert()
        .code(0);
    let (clean, removed) = (read_jsonl(&clean), read_jsonl(&removed));
    assert_eq!(clean.len(), originals.len());
    assert_eq!(removed.len(), originals.len());
    let mut pieces_seen = 0;
    for ((orig, c), r) in originals.iter().zip(&clean).zip(&removed) {
        assert_eq!(r["id"], orig.id.as_str(), "removed line for {}", orig.id);
        let kept = bytes_of(c, "text");
        match &orig.record {
            // Every other field of a record unchanged.
            Some(record) => {
                let mut rest = c.clone();
                rest.remove("text");
                rest.remove("text_base64");
                let mut want = record.clone();
                want.remove("text");
                assert_eq!(rest, want, "fields of {}", orig.id);
            }
            None => {
                assert_eq!(c["id"], orig.id.as_str());
                assert!(c["site"].is_string());
            }
        }
        let mut pieces: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut after_last = 0;
        for span in r["spans"].as_array().expect("spans") {
            let piece = bytes_of(span.as_object().expect("span"), "text");
            let (start, end) = (u(span, "start") as usize, u(span, "end") as usize);
            assert!(after_last <= start && start < end, "{} spans in order: {span}", orig.id);
            assert_eq!(end - start, piece.len(), "{span}");
            assert_eq!(&orig.text[start..end], &piece[..], "{}: {span}", orig.id);
            after_last = end;
            pieces.push((start, piece));
        }
        pieces_seen += pieces.len();
        // The pieces spliced back into the kept text, here and with the library's helper.
        let mut restored = Vec::new();
        let mut from_kept = 0;
        for (start, piece) in &pieces {
            let take = start - restored.len();
            restored.extend_from_slice(&kept[from_kept..from_kept + take]);
            from_kept += take;
            restored.extend_from_slice(piece);
        }
        restored.extend_from_slice(&kept[from_kept..]);
        assert!(restored == orig.text, "{} does not restore", orig.id);
        assert!(chaff::output::restore(&kept, &pieces) == orig.text, "{}", orig.id);
    }
    pieces_seen
}

#[test]
fn clean_and_removed_restore_the_corpus() {
    let t = CliTest::new();
    let corpus = crate::repo().join("corpus");
    let originals: Vec<Original> = crate::scan::walk_txt(&corpus)
        .into_iter()
        .map(|p| Original {
            id: p.strip_prefix(&corpus).expect("under corpus").to_string_lossy().replace('\\', "/"),
            record: None,
            text: std::fs::read(&p).expect("page"),
        })
        .collect();
    assert_eq!(originals.len(), 40);
    let pieces = check_round_trip(&t, Path::new("corpus"), &originals);
    assert!(pieces >= 80, "{pieces} removed pieces: headers and footers at least");
}

/// JSONL with CRLF texts, texts without a final newline, an empty text, and a folder of text
/// files with bytes that are not UTF-8.
#[test]
fn clean_and_removed_restore_awkward_inputs() {
    let t = CliTest::new();
    let mut records = Vec::new();
    let header = "Harbour Post\r\nHome | News | Sport\r\nSign in\r\nSubscribe\r\n";
    let bodies = [
        "The new ferry pontoon opens on Monday after a delay of almost six months.\r\n",
        "The lifeboat crew was called out twice on Sunday to help walkers cut off by the tide.",
        "",
        "Fish market traders say the proposed rent rise would force three stalls to close.\n",
    ];
    for (i, body) in bodies.iter().enumerate() {
        let text = match (i, body.is_empty()) {
            (_, true) => String::new(),
            (1, _) => format!("{header}{body}\r\nPrivacy policy\r\nTerms of use"),
            _ => format!("{header}{body}Privacy policy\r\nTerms of use\r\n"),
        };
        records.push(serde_json::json!({
            "id": format!("awkward-{i}"),
            "url": format!("https://harbourpost.example/{i}"),
            "meta": {"lang": "en", "n": i},
            "text": text,
        }));
    }
    let mut feed: String = records.into_iter().map(jsonl_line).collect();
    feed.push_str(&crate::generated_crawl(13, 3, 60).concat());
    t.write("in/feed.jsonl", &feed);
    let page = |body: &[u8]| {
        [&b"Caf\xe9 Gazette\nHome | News\nSign in\n\n"[..], body, b"\nAbout us\n\xff\n"].concat()
    };
    t.write(
        "in/gazette/a.txt",
        page(b"The caf\xe9 on the quay reopens on Monday after a long winter of repairs."),
    );
    t.write(
        "in/gazette/b.txt",
        page(b"Lifeboat volunteers show visitors round the station on Saturday afternoon."),
    );
    t.write("in/gazette/c.txt", b"\xfe\xff\r\n\r\n");

    let mut originals: Vec<Original> = feed
        .lines()
        .map(|l| {
            let Value::Object(record) = serde_json::from_str(l).expect("record") else {
                panic!("not an object")
            };
            Original {
                id: record["id"].as_str().expect("id").to_string(),
                text: record["text"].as_str().expect("text").as_bytes().to_vec(),
                record: Some(record),
            }
        })
        .collect();
    for name in ["a.txt", "b.txt", "c.txt"] {
        originals.push(Original {
            id: format!("gazette/{name}"),
            record: None,
            text: std::fs::read(t.path("in/gazette").join(name)).expect("page"),
        });
    }
    assert_eq!(originals.len(), 67);
    let pieces = check_round_trip(&t, &t.path("in"), &originals);
    assert!(pieces >= 60, "{pieces} removed pieces");
}

#[test]
fn output_in_a_missing_folder_fails_before_writing_anything() {
    let t = CliTest::new();
    let report = t.write("report.json", "an older report\n");
    let missing = t.path("no/such/folder/a.jsonl");
    let run = chaff()
        .arg("scan")
        .arg(crate::fixture("nav_footer_repeated"))
        .arg("-q")
        .arg("--report")
        .arg(&report)
        .arg("--clean")
        .arg(t.path("clean.jsonl"))
        .arg("--annotations")
        .arg(&missing)
        .assert()
        .code(2)
        .stdout("");
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    // No partial output, no temporary file, the old report untouched.
    assert_eq!(t.listing(), ["report.json"]);
    assert_eq!(std::fs::read_to_string(&report).expect("report"), "an older report\n");
}

#[test]
fn existing_outputs_are_replaced_on_success() {
    let t = CliTest::new();
    let report = t.write("report.json", "an older report\n");
    let ann = t.write("a.jsonl", "old annotations\n".repeat(1000));
    chaff()
        .arg("scan")
        .arg(crate::fixture("nav_footer_repeated"))
        .arg("-q")
        .arg("--report")
        .arg(&report)
        .arg("--annotations")
        .arg(&ann)
        .assert()
        .code(0);
    let r = crate::read_json(&report);
    assert_eq!(u(&r["totals"], "documents"), 6);
    assert_eq!(read_jsonl(&ann).len(), 6, "replaced whole, not overwritten in place");
    assert_eq!(t.listing(), ["a.jsonl", "report.json"]);
}
