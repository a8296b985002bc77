//! Issue 15, the input side ("Nothing lost, nothing destroyed"): no file, record or byte of the
//! input leaves a run without a word. Every test states the message, the exit status, and
//! that each input file is either read (its documents restored byte for byte from --clean
//! plus --removed) or named in the report as skipped or as a problem.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::hostile::{check_restores, scan, Run};
use crate::{chaff, gzip, jsonl_line, s, u, CliTest};

/// Every file under `dir`, hidden ones included, as the scan names them.
fn files_under(dir: &Path) -> BTreeSet<String> {
    walkdir_sorted(dir).into_iter().map(|p| p.display().to_string()).collect()
}

fn walkdir_sorted(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walkdir_sorted(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Checks that every file under `dir` was read (a document or a problem in the annotations)
/// or is listed in the report's `skipped_files` (itself or a hidden folder holding it).
fn check_every_file_accounted_for(run: &Run, dir: &Path) {
    let mut named: BTreeSet<String> =
        run.annotations.iter().map(|a| a["file"].as_str().expect("file").to_string()).collect();
    let skipped = run.report["skipped_files"].as_array().expect("skipped_files");
    assert_eq!(u(&run.report["totals"], "skipped_files"), skipped.len() as u64);
    let skipped: Vec<&str> = skipped.iter().map(|f| s(f, "file")).collect();
    named.extend(skipped.iter().map(|f| f.to_string()));
    for file in files_under(dir) {
        let listed =
            named.contains(&file) || skipped.iter().any(|f| file.starts_with(&format!("{f}/")));
        assert!(listed, "{file} is neither read nor listed: {named:?}");
    }
}

const HEADER: &str = "Harbour Post\nHome | News | Sport | Weather\nSign in\n";

fn page(n: usize) -> String {
    format!("{HEADER}Story {n}: the ferry runs again after three years of repairs.\n")
}

/// A folder of files chaff does not read: each one is listed, by reason, in the summary and
/// the report, and the run (which read the one JSONL file) exits 0.
#[test]
fn folder_of_files_chaff_does_not_read_lists_every_one() {
    let t = CliTest::new();
    t.write("in/a.tsv", "id\ttext\n1\tHome\n");
    t.write("in/b.pdf", "%PDF-1.4\n");
    t.write("in/README", "notes\n");
    t.write("in/.git/config", "[core]\n");
    t.write("in/feed.jsonl", jsonl_line(serde_json::json!({"id": "1", "text": page(1)})));
    let dir = t.path("in");
    let out = chaff().arg("scan").arg(&dir).arg("-q").assert().code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let d = dir.display();
    assert!(stdout.starts_with("1 documents from 1 sites"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "skipped: 3 files not in a format chaff reads, not read: {d}/README, {d}/a.tsv, \
             {d}/b.pdf\n"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("skipped: 1 file hidden, not read: {d}/.git\n")), "{stdout}");

    let run = scan(&t, &[&dir], &[], 0);
    let skipped: Vec<(&str, &str)> = run.report["skipped_files"]
        .as_array()
        .expect("skipped_files")
        .iter()
        .map(|f| (s(f, "file"), s(f, "reason")))
        .collect();
    let names = [".git", "README", "a.tsv", "b.pdf"].map(|n| format!("{d}/{n}"));
    assert_eq!(
        skipped,
        [
            (names[0].as_str(), "hidden"),
            (&names[1], "unknown_format"),
            (&names[2], "unknown_format"),
            (&names[3], "unknown_format"),
        ]
    );
    check_every_file_accounted_for(&run, &dir);
    check_restores(&run, 0, 0, page(1).as_bytes());
}

/// A file compressed in a way chaff does not read (bzip2, xz, lz4 …) is one clear error naming
/// the file, whether named directly, found under a folder, or recognised by its magic bytes
/// under a name that says nothing; the other files are read.
#[test]
fn compressed_files_chaff_does_not_read_are_one_clear_error_each() {
    let t = CliTest::new();
    let bz2 = t.write("a.jsonl.bz2", b"BZh91AY&SY\x00\x01");
    t.write("in/b.jsonl.xz", b"\xfd7zXZ\x00\x00\x04");
    t.write("in/c.warc.LZ4", b"\x04\x22\x4d\x18\x64\x40");
    t.write("in/feed.jsonl", jsonl_line(serde_json::json!({"id": "1", "text": page(1)})));
    let magic = t.write("mystery", b"\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46");
    let dir = t.path("in");
    let run = scan(&t, &[&bz2, &dir, &magic], &[], 1);
    let d = dir.display();
    let want = [
        format!("chaff: {}: compressed with bzip2, which chaff does not read; decompress it first (bunzip2 -k)", bz2.display()),
        format!("chaff: {d}/b.jsonl.xz: compressed with xz, which chaff does not read; decompress it first (unxz -k)"),
        format!("chaff: {d}/c.warc.LZ4: compressed with lz4, which chaff does not read; decompress it first (lz4 -d)"),
        format!("chaff: {}: cannot open: compressed with xz, which chaff does not read; decompress it first (unxz -k)", magic.display()),
    ];
    let got: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(got, want);
    assert_eq!(u(&run.report["totals"], "documents"), 1);
    assert_eq!(u(&run.report["totals"], "problems"), 4);
    assert_eq!(run.report["skipped_files"], Value::Array(Vec::new()));
    check_every_file_accounted_for(&run, &dir);
    check_restores(&run, 0, 0, page(1).as_bytes());
}

/// Extensions are matched without regard to case: `.JSONL.GZ` is gzip JSONL, `.TXT` a page.
#[test]
fn upper_case_extensions_are_read() {
    let t = CliTest::new();
    let record = jsonl_line(serde_json::json!({"id": "gz", "text": page(1)}));
    t.write("in/FEED.JSONL.GZ", gzip(record.as_bytes()));
    t.write("in/site/PAGE.TXT", page(2));
    let dir = t.path("in");
    let run = scan(&t, &[&dir], &[], 0);
    assert_eq!(u(&run.report["totals"], "documents"), 2, "{}", run.stderr);
    assert_eq!(u(&run.report["totals"], "skipped_files"), 0);
    check_every_file_accounted_for(&run, &dir);
    check_restores(&run, 0, 0, page(1).as_bytes());
    check_restores(&run, 1, 1, page(2).as_bytes());
}

/// A folder of HTML pages (and an HTML file named directly) is read one document per page,
/// through the HTML-to-text path of WARC responses: the document is the page's text, one line
/// per block element, and --clean plus --removed give back that text.
#[test]
fn folder_of_html_pages_is_one_document_per_page() {
    let t = CliTest::new();
    let html = |n: usize| {
        format!(
            "<!DOCTYPE html><html><head><title>Harbour Post</title>\
             <script>var x = 1;</script></head><body><nav><ul><li>Home</li><li>News</li>\
             <li>Sport</li></ul></nav><p>Story {n}: the ferry runs   again.</p>\
             <footer><p>Privacy policy</p></footer></body></html>"
        )
    };
    let text = |n: usize| {
        format!(
            "Harbour Post\nHome\nNews\nSport\nStory {n}: the ferry runs again.\nPrivacy policy\n"
        )
    };
    t.write("in/harbourpost.example/a.html", html(1));
    t.write("in/harbourpost.example/b.HTM", html(2));
    // Latin-1 by its meta tag.
    let latin1 = [
        b"<html><head><meta charset=\"iso-8859-1\"><title>Harbour Post</title></head><body>"
            .as_slice(),
        b"<p>Caf\xe9 reopens on the quay.</p></body></html>",
    ]
    .concat();
    let single = t.write("single.html", &latin1);
    let dir = t.path("in");
    let run = scan(&t, &[&dir, &single], &[], 0);
    assert_eq!(u(&run.report["totals"], "documents"), 3, "{}", run.stderr);
    let ids: Vec<&str> = run.annotations.iter().map(|a| a["id"].as_str().expect("id")).collect();
    let single_name = single.display().to_string();
    assert_eq!(ids, ["harbourpost.example/a.html", "harbourpost.example/b.HTM", &single_name]);
    assert_eq!(run.annotations[0]["site"], "harbourpost.example");
    assert_eq!(run.annotations[0]["bytes"], text(1).len());
    // The shared header and footer are found across the two pages.
    assert!(u(&run.report["totals"], "boilerplate_bytes") > 0);
    check_every_file_accounted_for(&run, &dir);
    check_restores(&run, 0, 0, text(1).as_bytes());
    check_restores(&run, 1, 1, text(2).as_bytes());
    check_restores(&run, 2, 2, "Harbour Post\nCafé reopens on the quay.\n".as_bytes());
    assert_eq!(u(&run.report["totals"], "skipped_files"), 0);
}

/// A zstd file that opens with a skippable frame (what `pzstd` writes: magic 0x184D2A50 to
/// 0x184D2A5F little-endian, a length, a payload) is zstd, not text: its records are read.
#[test]
fn zstd_opening_with_a_skippable_frame_is_read() {
    let t = CliTest::new();
    let records: String =
        (1..=3).map(|n| jsonl_line(serde_json::json!({"id": n, "text": page(n)}))).collect();
    // pzstd's own first frame: magic 0x184D2A50, 4 bytes of payload (the compressed size of
    // the frame that follows).
    let frame = crate::zstd(records.as_bytes());
    let mut bytes = vec![0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0];
    bytes.extend((frame.len() as u32).to_le_bytes());
    bytes.extend(&frame);
    let input = t.write("in/feed.jsonl.zst", &bytes);
    let run = scan(&t, &[&input], &[], 0);
    assert_eq!(run.stderr, "");
    assert_eq!(u(&run.report["totals"], "documents"), 3);
    for n in 0..3 {
        check_restores(&run, n, n, page(n + 1).as_bytes());
    }
}

/// A WET record (a `conversion`, taken as it is) holding `text`.
fn wet_record(n: usize, text: &str) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://harbourpost.example/{n}\r\n\
         WARC-Record-ID: <urn:uuid:{n}>\r\nWARC-Date: 2024-06-0{n}T00:00:00Z\r\n\
         Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        text.len()
    )
    .into_bytes();
    r.extend_from_slice(text.as_bytes());
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// A `.warc.gz` of three members (one record each) whose middle member's deflate bytes are
/// corrupted: one problem naming the file, the record and the compressed bytes skipped; the
/// records on both sides kept. (flate2's multi-member decoder stopped at the corrupt member,
/// and lost every record after it.)
#[test]
fn corrupt_gzip_member_in_a_warc_gz_costs_only_its_record() {
    let t = CliTest::new();
    let members: Vec<Vec<u8>> = (1..=3).map(|n| gzip(&wet_record(n, &page(n)))).collect();
    let mut bad = members[1].clone();
    // Past the 10-byte header, inside the deflate data.
    for byte in &mut bad[10..30] {
        *byte ^= 0xa5;
    }
    let start = members[0].len();
    let end = start + bad.len();
    let input = t.write("crawl.warc.gz", [members[0].clone(), bad, members[2].clone()].concat());
    let run = scan(&t, &[&input], &[], 1);
    let first_record = wet_record(1, &page(1)).len();
    assert_eq!(
        run.stderr,
        format!(
            "chaff: {}: record 2 (byte {first_record}): read failed: corrupt gzip member at \
             compressed bytes {start}..{end} (invalid deflate data: deflate decompression error); \
             {} compressed bytes skipped, reading resumed at the next member\n",
            input.display(),
            end - start
        )
    );
    assert_eq!(u(&run.report["totals"], "documents"), 2);
    assert_eq!(u(&run.report["totals"], "problems"), 1);
    let ids: Vec<&Value> = run.annotations.iter().map(|a| &a["id"]).collect();
    assert_eq!(ids, [&Value::from("<urn:uuid:1>"), &Value::Null, &Value::from("<urn:uuid:3>")]);
    assert_eq!(run.removed[1]["dropped"], "error");
    check_restores(&run, 0, 0, page(1).as_bytes());
    check_restores(&run, 1, 2, page(3).as_bytes());
}
