//! `chaff scan` on awkward inputs: bad records, bytes that are not UTF-8, CRLF line ends,
//! empty files, a missing final newline, and compressed copies.

use serde_json::{Map, Value};

use crate::{bytes_of, chaff, fixture, gzip, read_json, read_jsonl, s, u, zstd, CliTest};

/// Byte offset at which each line of `bytes` starts (1-based line N at index N - 1).
fn line_offsets(bytes: &[u8]) -> Vec<u64> {
    let mut out = vec![0];
    out.extend(bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i as u64 + 1));
    out
}

/// Checks that a span lies on line boundaries of `text` and ends with its last line's `\n`.
fn check_span_bounds(text: &[u8], span: &Value) {
    let (start, end) = (u(span, "start") as usize, u(span, "end") as usize);
    assert!(start < end && end <= text.len(), "{span} in {} bytes", text.len());
    assert!(start == 0 || text[start - 1] == b'\n', "{span} starts mid-line");
    assert!(end == text.len() || text[end - 1] == b'\n', "{span} ends mid-line");
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let first = u(span, "first_line") as usize;
    let last = u(span, "last_line") as usize;
    let line_start = |n: usize| lines[..n].iter().map(|l| l.len() + 1).sum::<usize>();
    assert_eq!(start, line_start(first), "{span}: start is where first_line starts");
    let last_end = line_start(last) + lines[last].len();
    assert_eq!(end, (last_end + 1).min(text.len()), "{span}: end is after last_line's \\n");
}

/// 1 good record, 5 bad ones (not JSON, no text field, null text, a number as text, an array),
/// 1 good record.
#[test]
fn malformed_lines_are_reported_and_skipped() {
    let t = CliTest::new();
    let input = fixture("malformed_lines.jsonl");
    let bytes = std::fs::read(&input).expect("fixture");
    let offsets = line_offsets(&bytes);
    let (report, annotations) = (t.path("report.json"), t.path("a.jsonl"));
    let run = chaff()
        .arg("scan")
        .arg(&input)
        .arg("-q")
        .arg("--report")
        .arg(&report)
        .arg("--annotations")
        .arg(&annotations)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    assert!(stdout.starts_with("2 documents from 1 sites: "), "{stdout}");
    assert!(stdout.contains("problems: 5 records"), "{stdout}");

    let bad = [
        (2, "invalid JSON"),
        (3, "no text field \"text\""),
        (4, "null"),
        (5, "a number"),
        (6, "an array"),
    ];
    let stderr_lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(stderr_lines.len(), 5, "{stderr}");
    for ((record, what), line) in bad.iter().zip(&stderr_lines) {
        let at = format!("{}: record {record} (byte {})", input.display(), offsets[*record - 1]);
        assert!(line.contains(&at), "{line:?} should name {at:?}");
        assert!(line.contains(what), "{line:?} should say {what:?}");
    }

    let r = read_json(&report);
    assert_eq!(u(&r["totals"], "documents"), 2);
    assert_eq!(u(&r["totals"], "problems"), 5);
    let problems = r["problems"].as_array().expect("problems");
    let got: Vec<(u64, u64)> = problems.iter().map(|p| (u(p, "record"), u(p, "offset"))).collect();
    let want: Vec<(u64, u64)> = bad.iter().map(|(n, _)| (*n as u64, offsets[n - 1])).collect();
    assert_eq!(got, want);
    assert!(problems.iter().all(|p| s(p, "file") == input.display().to_string()));

    let lines = read_jsonl(&annotations);
    assert_eq!(lines.len(), 7, "every record accounted for, in order");
    for (i, line) in lines.iter().enumerate() {
        let record = i as u64 + 1;
        assert_eq!(line["record"], record);
        assert_eq!(line["file"], input.display().to_string());
        if record == 1 || record == 7 {
            assert_eq!(line["id"], if record == 1 { "good-1" } else { "good-2" });
            assert!(!line.contains_key("error"));
            // "Quayside Daily\nHome | News | Sport\nSign in\nSubscribe\n" is on both.
            let spans = line["spans"].as_array().expect("spans");
            assert_eq!(spans.len(), 1);
            assert_eq!((u(&spans[0], "start"), u(&spans[0], "end")), (0, 53));
        } else {
            assert_eq!(line["id"], Value::Null);
            assert!(line["error"].is_string());
            assert_eq!(line["offset"], offsets[i]);
            assert_eq!(line["spans"], Value::Array(vec![]));
        }
    }
}

#[test]
fn strict_stops_at_the_first_bad_record_and_writes_nothing() {
    let t = CliTest::new();
    let input = fixture("malformed_lines.jsonl");
    let report = t.write("report.json", "an older report\n");
    let run = chaff()
        .arg("scan")
        .arg(&input)
        .args(["-q", "--strict", "--report"])
        .arg(&report)
        .arg("--annotations")
        .arg(t.path("a.jsonl"))
        .arg("--clean")
        .arg(t.path("clean.jsonl"))
        .assert()
        .code(2)
        .stdout("");
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains(&format!("{}: record 2 (byte 195)", input.display())), "{stderr}");
    assert!(!stderr.contains("record 3"), "stops at the first: {stderr}");
    assert_eq!(std::fs::read_to_string(&report).expect("report"), "an older report\n");
    assert_eq!(t.listing(), ["report.json"]);
}

#[test]
fn strict_on_clean_input_succeeds() {
    chaff()
        .arg("scan")
        .arg(fixture("nav_footer_repeated"))
        .args(["-q", "--strict"])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with("6 documents from 2 sites: "));
}

#[test]
fn missing_input_is_reported_and_the_rest_scanned() {
    let run = chaff()
        .arg("scan")
        .arg(fixture("no_such_file.jsonl"))
        .arg(fixture("crlf_line_ends.jsonl"))
        .arg("-q")
        .assert()
        .code(1)
        .stdout(predicates::str::starts_with("3 documents from 1 sites: "));
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("no_such_file.jsonl"), "{stderr}");
}

/// A text file with bytes that are not UTF-8 (in the shared header and in the article): read
/// as bytes, no problem, offsets exact, and the exact bytes in `text_base64`.
#[test]
fn invalid_utf8_text_file() {
    let t = CliTest::new();
    let header: &[u8] = b"Caf\xe9 Gazette\nHome | News | Sport\nSign in\nSubscribe\n";
    let page = |body: &[u8]| [header, body, b"Privacy policy\n"].concat();
    let a = t.write("site/a.txt", page(b"The caf\xe9 on the quay reopens on Monday \xff\xfe after a long winter of repairs to its roof.\n"));
    t.write(
        "site/b.txt",
        page(b"Lifeboat volunteers will show visitors round the station on Saturday afternoon.\n"),
    );
    let (ann, clean, removed) = (t.path("a.jsonl"), t.path("clean.jsonl"), t.path("removed.jsonl"));
    chaff()
        .arg("scan")
        .arg(t.path("site"))
        .arg("-q")
        .arg("--annotations")
        .arg(&ann)
        .arg("--clean")
        .arg(&clean)
        .arg("--removed")
        .arg(&removed)
        .assert()
        .code(0)
        .stderr("");
    let text = std::fs::read(&a).expect("page");
    let docs = read_jsonl(&ann);
    assert_eq!(docs[0]["id"], "a.txt");
    assert_eq!(docs[0]["site"], "", "a file directly under the argument has no site folder");
    assert_eq!(docs[0]["bytes"], text.len() as u64);
    let spans = docs[0]["spans"].as_array().expect("spans");
    assert_eq!(spans.len(), 2, "{spans:?}");
    for sp in spans {
        check_span_bounds(&text, sp);
    }
    assert_eq!((u(&spans[0], "start"), u(&spans[0], "end")), (0, header.len() as u64));

    let removed = read_jsonl(&removed);
    let first = removed[0]["spans"][0].as_object().expect("span");
    assert!(first.contains_key("text_base64"), "{first:?}");
    assert_eq!(bytes_of(first, "text"), header);
    assert!(first["text"].as_str().expect("lossy text").starts_with("Caf\u{fffd} Gazette\n"));

    let clean = read_jsonl(&clean);
    let kept = b"The caf\xe9 on the quay reopens on Monday \xff\xfe after a long winter of repairs to its roof.\n";
    assert_eq!(bytes_of(&clean[0], "text"), kept);
    assert!(clean[0].contains_key("text_base64"));
    // A page that is UTF-8 has no base64 copy.
    assert!(!clean[1].contains_key("text_base64"));
    assert_eq!(
        clean[1]["text"],
        "Lifeboat volunteers will show visitors round the station on Saturday afternoon.\n"
    );
}

/// Records separated by CRLF, texts with CRLF line ends: spans start at line starts and end
/// with the last line's "\r\n".
#[test]
fn crlf_line_ends() {
    let t = CliTest::new();
    let input = fixture("crlf_line_ends.jsonl");
    let raw = std::fs::read(&input).expect("fixture");
    assert_eq!(raw.windows(2).filter(|w| w == b"\r\n").count(), 3, "fixture kept its CRLFs");
    let ann = t.path("a.jsonl");
    chaff().arg("scan").arg(&input).arg("-q").arg("--annotations").arg(&ann).assert().code(0);
    let texts: Vec<Vec<u8>> =
        read_jsonl(&input).iter().map(|r| r["text"].as_str().expect("text").into()).collect();
    let docs = read_jsonl(&ann);
    assert_eq!(docs.len(), 3);
    let header = b"Harbour Post\r\nHome | News | Sport | Weather\r\nSign in\r\nSubscribe\r\n";
    let footer = b"Privacy policy\r\nTerms of use\r\nCookie settings\r\n";
    for (doc, text) in docs.iter().zip(&texts) {
        let spans = doc["spans"].as_array().expect("spans");
        assert_eq!(spans.len(), 2, "{doc:?}");
        for sp in spans {
            check_span_bounds(text, sp);
            let piece = &text[u(sp, "start") as usize..u(sp, "end") as usize];
            assert!(piece.ends_with(b"\r\n"), "{:?}", String::from_utf8_lossy(piece));
        }
        assert_eq!((u(&spans[0], "start"), u(&spans[0], "end")), (0, header.len() as u64));
        assert_eq!((u(&spans[0], "first_line"), u(&spans[0], "last_line")), (0, 3));
        let n = text.len() as u64;
        assert_eq!((u(&spans[1], "start"), u(&spans[1], "end")), (n - footer.len() as u64, n));
        assert_eq!((u(&spans[1], "first_line"), u(&spans[1], "last_line")), (8, 10));
    }
}

#[test]
fn empty_jsonl_file_is_an_empty_clean_run() {
    let t = CliTest::new();
    let (report, ann) = (t.path("r.json"), t.path("a.jsonl"));
    chaff()
        .arg("scan")
        .arg(fixture("empty.jsonl"))
        .arg("-q")
        .arg("--report")
        .arg(&report)
        .arg("--annotations")
        .arg(&ann)
        .assert()
        .code(0)
        .stderr("")
        .stdout(predicates::str::starts_with("0 documents from 0 sites: "));
    let r = read_json(&report);
    assert_eq!(u(&r["totals"], "documents"), 0);
    assert_eq!(r["totals"]["boilerplate_share"], 0.0);
    assert_eq!(r["top_spans"], Value::Array(vec![]));
    assert_eq!(std::fs::read(&ann).expect("annotations"), b"");
}

/// An empty text file is a document with no lines; an empty text in JSONL likewise.
#[test]
fn empty_texts_are_documents_without_lines() {
    let t = CliTest::new();
    t.write("in/site/empty.txt", "");
    t.write("in/records.jsonl", "{\"id\":\"e\",\"text\":\"\"}\n\n   \n");
    let ann = t.path("a.jsonl");
    chaff().arg("scan").arg(t.path("in")).arg("-q").arg("--annotations").arg(&ann).assert().code(0);
    let docs = read_jsonl(&ann);
    assert_eq!(docs.len(), 2, "blank JSONL lines are no records");
    for (d, id) in docs.iter().zip(["records.jsonl", "site/empty.txt"]) {
        let want_id = if id.ends_with(".jsonl") { "e" } else { id };
        assert_eq!(d["id"], want_id);
        for key in ["lines", "bytes", "boilerplate_bytes"] {
            assert_eq!(d[key], 0, "{key}");
        }
        assert_eq!(d["spans"], Value::Array(vec![]));
    }
}

/// A paywall teaser twice on one page, the second at its end with no final newline: the
/// last span ends at the text's length.
#[test]
fn no_final_newline() {
    let t = CliTest::new();
    let input = fixture("no_final_newline.txt");
    let text = std::fs::read(&input).expect("fixture");
    assert!(!text.ends_with(b"\n"), "fixture kept its missing final newline");
    let (ann, removed) = (t.path("a.jsonl"), t.path("removed.jsonl"));
    chaff()
        .arg("scan")
        .arg(&input)
        .arg("-q")
        .arg("--annotations")
        .arg(&ann)
        .arg("--removed")
        .arg(&removed)
        .assert()
        .code(0);
    let docs = read_jsonl(&ann);
    let spans = docs[0]["spans"].as_array().expect("spans");
    assert_eq!(docs[0]["lines"], 11);
    assert_eq!(spans.len(), 2, "{spans:?}");
    for sp in spans {
        check_span_bounds(&text, sp);
        assert_eq!(s(sp, "kind"), "within_page");
    }
    assert_eq!((u(&spans[0], "first_line"), u(&spans[0], "last_line")), (1, 4));
    assert_eq!((u(&spans[1], "first_line"), u(&spans[1], "last_line")), (7, 10));
    assert_eq!(u(&spans[1], "end"), text.len() as u64);
    let removed = read_jsonl(&removed);
    let last = removed[0]["spans"][1].as_object().expect("span");
    assert!(bytes_of(last, "text").ends_with(b"Log in if you already have an account."));
}

/// Annotations without the `file` field (which names the input).
fn annotations_of(t: &CliTest, input: &std::path::Path) -> Vec<Map<String, Value>> {
    let ann = t.path("a.jsonl");
    chaff().arg("scan").arg(input).arg("-q").arg("--annotations").arg(&ann).assert().code(0);
    let mut docs = read_jsonl(&ann);
    for d in &mut docs {
        d.remove("file");
    }
    docs
}

#[test]
fn gzip_and_zstd_read_like_the_plain_file() {
    let t = CliTest::new();
    let plain = std::fs::read(fixture("crlf_line_ends.jsonl")).expect("fixture");
    let mut plain = plain;
    plain.extend(crate::generated_crawl(11, 2, 40).concat().into_bytes());
    let want = annotations_of(&t, &t.write("plain.jsonl", &plain));
    assert_eq!(want.len(), 43);
    assert!(want.iter().any(|d| !d["spans"].as_array().expect("spans").is_empty()));
    let copies = [
        ("copy.jsonl.gz", gzip(&plain)),
        ("copy.jsonl.zst", zstd(&plain)),
        // Named as plain JSONL, and with no suffix at all: the magic bytes decide.
        ("gzip-in-disguise.jsonl", gzip(&plain)),
        ("zstd-without-suffix", zstd(&plain)),
    ];
    for (name, bytes) in copies {
        let got = annotations_of(&t, &t.write(name, bytes));
        assert!(got == want, "{name} reads differently from the plain file");
    }
    // Inside a folder, compressed files are found by their name.
    t.write("folder/part.jsonl.gz", gzip(&plain));
    t.write("folder/part.jsonl.zst.skip", b"not read");
    let got = annotations_of(&t, &t.path("folder"));
    assert!(got == want, "a .jsonl.gz found under a folder reads differently");
}

#[test]
fn truncated_gzip_is_a_problem_after_the_records_before_it() {
    let t = CliTest::new();
    let plain = crate::generated_crawl(5, 2, 400).concat();
    let mut gz = gzip(plain.as_bytes());
    gz.truncate(gz.len() / 2);
    let input = t.write("cut.jsonl.gz", gz);
    let (report, ann) = (t.path("r.json"), t.path("a.jsonl"));
    let run = chaff()
        .arg("scan")
        .arg(&input)
        .arg("-q")
        .arg("--report")
        .arg(&report)
        .arg("--annotations")
        .arg(&ann)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("cut.jsonl.gz"), "{stderr}");
    let r = read_json(&report);
    let docs = u(&r["totals"], "documents");
    assert!(docs > 0 && docs < 400, "{docs} documents before the cut");
    assert!(u(&r["totals"], "problems") >= 1);
    let lines = read_jsonl(&ann);
    assert!(lines.last().expect("lines").contains_key("error"));
    assert_eq!(lines.iter().filter(|l| !l.contains_key("error")).count() as u64, docs);
}
