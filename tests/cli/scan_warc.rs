//! `chaff scan` on WARC and WET files: fixtures written here into a temporary folder (no
//! binaries committed), and the real files of `../shared/data/formats` when present.

use std::path::{Path, PathBuf};

use crate::{chaff, gzip, read_json, read_jsonl, s, u, CliTest};

/// One WARC record with its trailing blank lines.
fn record(kind: &str, uri: &str, id: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <{id}>\r\n\
         WARC-Date: 2024-06-01T00:00:00Z\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn request(uri: &str, id: &str) -> Vec<u8> {
    let block = format!("GET {uri} HTTP/1.1\r\nUser-Agent: test\r\n\r\n");
    record("request", uri, id, "application/http; msgtype=request", block.as_bytes())
}

fn response(uri: &str, id: &str, html: &str) -> Vec<u8> {
    let block = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\n\r\n{html}",
        html.len()
    );
    record("response", uri, id, "application/http; msgtype=response", block.as_bytes())
}

/// Two sites of three pages each (request + response per page), each page framed by its
/// site's navigation and footer; gzip members per record, as crawlers write them.
fn two_sites() -> Vec<Vec<u8>> {
    let mut records = vec![record(
        "warcinfo",
        "",
        "urn:uuid:info",
        "application/warc-fields",
        b"software: chaff tests\r\n",
    )];
    let bodies = [
        "The ferry returns to the harbour route after three years of slipway repairs.",
        "Goats from the hill farm broke a fence and ate the hedge of the school garden.",
        "The council approved a budget for the library roof after a long debate.",
    ];
    for site in ["harbour.example", "upland.example.co.uk"] {
        for (n, body) in bodies.iter().enumerate() {
            let uri = format!("https://www.{site}/story-{n}");
            let html = format!(
                "<!DOCTYPE html><html><head><title>Story {n}</title></head><body>\
                 <nav><ul><li><a href=/>Home</a></li><li>News</li><li>Sport</li>\
                 <li>Weather</li></ul></nav><article><h1>Story {n} on {site}</h1>\
                 <p>{body}</p><p>It is the {n}th item of the day.</p></article>\
                 <footer><p>About {site}</p><p>Contact us</p><p>Privacy policy</p></footer>\
                 </body></html>"
            );
            records.push(request(&uri, &format!("urn:uuid:{site}-{n}-req")));
            records.push(response(&uri, &format!("urn:uuid:{site}-{n}"), &html));
        }
    }
    records
}

fn gzip_members(records: &[Vec<u8>]) -> Vec<u8> {
    records.iter().flat_map(|r| gzip(r)).collect()
}

#[test]
fn warc_gz_pages_are_read_and_their_template_found() {
    let t = CliTest::new();
    let input = t.write("crawl/two-sites.warc.gz", gzip_members(&two_sites()));
    let (report, annotations) = (t.path("report.json"), t.path("a.jsonl"));
    chaff()
        .arg("scan")
        .arg(t.path("crawl"))
        .args(["-q", "--report"])
        .arg(&report)
        .arg("--annotations")
        .arg(&annotations)
        .assert()
        .code(0);
    let r = read_json(&report);
    assert_eq!(u(&r["totals"], "documents"), 6);
    assert_eq!(u(&r["totals"], "sites"), 2);
    assert_eq!(u(&r["totals"], "skipped_records"), 7, "warcinfo and six requests");
    assert_eq!(u(&r["totals"], "problems"), 0);
    let rows = r["top_spans"].as_array().expect("catalogue");
    let nav = rows.iter().find(|row| s(row, "sample").contains("Home\nNews\nSport\nWeather"));
    assert_eq!(nav.map(|row| u(row, "docs")), Some(6), "{rows:?}");

    let lines = read_jsonl(&annotations);
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["id"], "<urn:uuid:harbour.example-0>");
    assert_eq!(lines[0]["url"], "https://www.harbour.example/story-0");
    assert_eq!(lines[3]["site"], "example.co.uk");
    assert_eq!(lines[0]["record"], 3, "warcinfo, request, then the response");
    assert_eq!(lines[0]["file"], input.display().to_string());
}

#[test]
fn plain_warc_and_wet_and_a_misnamed_file_read_alike() {
    let t = CliTest::new();
    let records = two_sites();
    let plain = t.write("a.warc", records.concat());
    // Named directly with an extension that says nothing: read by its first bytes.
    let misnamed = t.write("b.dat", gzip_members(&records));
    let wet = t.write(
        "c.wet",
        record(
            "conversion",
            "https://www.harbour.example/story-0",
            "urn:uuid:wet-0",
            "text/plain",
            b"Home\nNews\nThe ferry returns.\n",
        ),
    );
    for (path, docs) in [(&plain, 6), (&misnamed, 6), (&wet, 1)] {
        let report = t.path("r.json");
        chaff().arg("scan").arg(path).args(["-q", "--report"]).arg(&report).assert().code(0);
        assert_eq!(u(&read_json(&report)["totals"], "documents"), docs, "{}", path.display());
    }
}

#[test]
fn malformed_records_are_reported_with_number_and_offset() {
    let t = CliTest::new();
    let records = two_sites();
    let mut bytes: Vec<u8> = records[..3].concat();
    let bad_offset = bytes.len() as u64;
    bytes.extend(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\nxx\r\n\r\n");
    bytes.extend(records[3..5].concat());
    let cut_offset = bytes.len() as u64;
    bytes.extend(b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 1000\r\n\r\nshort");
    let input = t.write("bad.warc", &bytes);
    let report = t.path("r.json");
    let run =
        chaff().arg("scan").arg(&input).args(["-q", "--report"]).arg(&report).assert().code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let r = read_json(&report);
    assert_eq!(u(&r["totals"], "documents"), 2, "the pages before and after the bad record");
    let problems = r["problems"].as_array().expect("problems");
    let got: Vec<(u64, u64)> = problems.iter().map(|p| (u(p, "record"), u(p, "offset"))).collect();
    assert_eq!(got, [(4, bad_offset), (7, cut_offset)], "{stderr}");
    assert!(stderr.contains("Content-Length \"lots\" is not a number"), "{stderr}");
    assert!(stderr.contains("runs past the end of the file"), "{stderr}");
}

/// The real files of `../shared/data/formats`, when present.
fn formats_dir() -> Option<PathBuf> {
    let dir = crate::repo().join("../shared/data/formats");
    let dir = if dir.is_dir() { dir } else { Path::new("/work/shared/data/formats").to_path_buf() };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: ../shared/data/formats is absent; skipping the real WARC files");
        None
    }
}

#[test]
fn real_warc_files_read_with_the_expected_counts() {
    let Some(dir) = formats_dir() else { return };
    let t = CliTest::new();
    // (file, documents, skipped records): responses that are 2xx HTML become documents.
    let cases = [
        ("cc-main-2020-34-excerpt.warc.gz", 16, 34),
        ("clueweb-quirk.warc.gz", 29, 1),
        ("warc-sample-0000.warc.gz", 22, 26),
        ("warc-sample-0001.warc.gz", 15, 19),
    ];
    for (name, docs, skipped) in cases {
        let report = t.path("r.json");
        let annotations = t.path("a.jsonl");
        chaff()
            .arg("scan")
            .arg(dir.join(name))
            .args(["-q", "--no-dedup", "--report"])
            .arg(&report)
            .arg("--annotations")
            .arg(&annotations)
            .assert()
            .code(0);
        let r = read_json(&report);
        assert_eq!(u(&r["totals"], "documents"), docs, "{name}");
        assert_eq!(u(&r["totals"], "skipped_records"), skipped, "{name}");
        assert_eq!(u(&r["totals"], "problems"), 0, "{name}");
        for line in read_jsonl(&annotations) {
            assert!(line["id"].as_str().is_some_and(|id| id.starts_with("<urn:")), "{line:?}");
            assert!(line["url"].as_str().is_some_and(|u| u.starts_with("http")), "{line:?}");
        }
    }
    // ClueWeb09: EUC-JP pages, bare-LF HTTP headers and a gzip Content-Encoding over a plain
    // payload; the shop's header comes out as Japanese text, not mojibake.
    let report = t.path("r.json");
    chaff()
        .arg("scan")
        .arg(dir.join("clueweb-quirk.warc.gz"))
        .args(["-q", "--no-dedup", "--report"])
        .arg(&report)
        .assert()
        .code(0);
    let top = &read_json(&report)["top_spans"][0];
    assert_eq!(u(top, "docs"), 29);
    assert!(s(top, "sample").contains("ヘッドポーター"), "{top}");
}
