//! `chaff gen`: the same bytes for a seed, the size asked for, a crawl whose templates and
//! teasers a scan finds, and WARC and text output that read back.

use std::path::Path;

use crate::{chaff, read_json, read_jsonl, s, u, CliTest};

fn gen(out: &Path, extra: &[&str]) {
    chaff()
        .arg("gen")
        .arg(out)
        .args(["-q", "--sites", "30", "--seed", "5"])
        .args(extra)
        .assert()
        .code(0);
}

/// Every file under `dir`, sorted, with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir").display().to_string();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn same_seed_same_bytes_whatever_the_threads() {
    let t = CliTest::new();
    let args = ["--size", "600K", "--shard-size", "200K"];
    gen(&t.path("a"), &args);
    chaff()
        .arg("--threads")
        .arg("1")
        .arg("gen")
        .arg(t.path("b"))
        .args(["-q", "--sites", "30", "--seed", "5"])
        .args(args)
        .assert()
        .code(0);
    let (a, b) = (tree(&t.path("a")), tree(&t.path("b")));
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["shard-00000.jsonl", "shard-00001.jsonl", "shard-00002.jsonl"]);
    assert!(a == b, "same seed, other thread count: the bytes differ");
    chaff()
        .arg("gen")
        .arg(t.path("c"))
        .args(["-q", "--sites", "30", "--seed", "6"])
        .args(args)
        .assert()
        .code(0);
    assert!(tree(&t.path("c")) != a, "another seed gives another crawl");
}

#[test]
fn size_is_within_a_few_percent() {
    let t = CliTest::new();
    for (size, bytes) in [("1M", 1u64 << 20), ("300K", 300 << 10)] {
        let out = t.path(size);
        gen(&out, &["--size", size]);
        let total: u64 = tree(&out).iter().map(|(_, b)| b.len() as u64).sum();
        assert!(total >= bytes && total < bytes + bytes / 20, "{size}: {total} bytes");
    }
    let bad = chaff().args(["gen", "--size", "lots"]).arg(t.path("x")).assert().code(2);
    assert!(String::from_utf8_lossy(&bad.get_output().stderr).contains("not a size"));
}

#[test]
fn scan_finds_templates_and_teasers_of_a_generated_crawl() {
    let t = CliTest::new();
    let out = t.path("crawl");
    gen(&out, &["--size", "2M"]);
    let (report, annotations) = (t.path("r.json"), t.path("a.jsonl"));
    chaff()
        .arg("scan")
        .arg(&out)
        .args(["-q", "--report"])
        .arg(&report)
        .arg("--annotations")
        .arg(&annotations)
        .assert()
        .code(0);
    let r = read_json(&report);
    let rows = r["top_spans"].as_array().expect("catalogue");
    // The top rows are site templates: the read-time lines of related lists, the footers.
    let top: Vec<&str> = rows[..3].iter().map(|row| s(row, "class")).collect();
    assert!(top.contains(&"footer"), "{top:?}");
    assert!(top.iter().all(|c| *c != "other"), "{top:?}");
    assert!(
        rows.iter().any(|row| s(row, "class") == "paywall" && u(row, "docs") >= 10),
        "a teaser is a recurring paywall row"
    );
    assert!(rows.iter().any(|row| s(row, "class") == "navigation" && u(row, "sites") == 1));

    let docs = read_jsonl(&out.join("shard-00000.jsonl"));
    let marks = read_jsonl(&annotations);
    assert_eq!(docs.len(), marks.len());
    let teasers = docs.iter().filter(|d| d["paywall"] == true).count();
    assert!(teasers > 20, "{teasers} teaser pages");
    for (doc, mark) in docs.iter().zip(&marks) {
        if doc["paywall"] == true {
            assert_ne!(mark["paywall"], "none", "{}", doc["id"]);
        }
    }
    // Copies are found as duplicates.
    let exact = docs.iter().filter(|d| d["copy"] == "exact").count();
    let found = marks.iter().filter(|m| m["duplicate_kind"] == "exact").count();
    assert!(exact > 0 && found >= exact, "{exact} exact copies written, {found} found");
}

#[test]
fn warc_and_txt_output_read_back() {
    let t = CliTest::new();
    let jsonl = t.path("jsonl");
    gen(&jsonl, &["--size", "300K"]);
    let warc = t.path("warc");
    gen(&warc, &["--size", "300K", "--format", "warc"]);
    let annotations = t.path("a.jsonl");
    let report = t.path("r.json");
    chaff()
        .arg("scan")
        .arg(&warc)
        .args(["-q", "--no-dedup", "--report"])
        .arg(&report)
        .arg("--annotations")
        .arg(&annotations)
        .assert()
        .code(0);
    let r = read_json(&report);
    assert_eq!(u(&r["totals"], "problems"), 0);
    assert_eq!(u(&r["totals"], "skipped_records"), 1, "the warcinfo record");
    // The same seed draws the same pages in every format: the WARC pages' text is the JSONL's.
    let docs = read_jsonl(&jsonl.join("shard-00000.jsonl"));
    let marks = read_jsonl(&annotations);
    assert!(marks.len() > 20 && marks.len() < docs.len(), "HTML is longer than JSON");
    for (doc, mark) in docs.iter().zip(&marks) {
        assert_eq!(mark["url"], doc["url"]);
        assert_eq!(
            mark["bytes"].as_u64().expect("bytes") as usize,
            doc["text"].as_str().expect("text").len()
        );
    }

    let txt = t.path("txt");
    gen(&txt, &["--size", "100K", "--format", "txt"]);
    let files = tree(&txt);
    assert!(files.len() > 10);
    assert!(files.iter().all(|(name, _)| name.ends_with(".txt") && name.contains('/')));
    chaff()
        .arg("scan")
        .arg(&txt)
        .args(["-q", "--no-dedup", "--report"])
        .arg(&report)
        .assert()
        .code(0);
    assert_eq!(u(&read_json(&report)["totals"], "documents") as usize, files.len());
}
