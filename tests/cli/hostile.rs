//! `chaff scan` on hostile input (issue 6), one test per case not already covered in
//! scan_inputs.rs: there, invalid UTF-8 in text files (`invalid_utf8_text_file`), CRLF
//! (`crlf_line_ends`), a truncated gzip stream (`truncated_gzip_is_a_problem_after_the_records_
//! before_it`), a missing, null or numeric text field (`malformed_lines_are_reported_and_skipped`)
//! and an empty file (`empty_jsonl_file_is_an_empty_clean_run`,
//! `empty_texts_are_documents_without_lines`). The monster inputs (a 100 MB line, 10 million
//! repeated characters, bombs) are in limits.rs with their memory measured.
//!
//! Every case that is a problem goes through [`check_problem`]: a clear message naming file,
//! record and byte offset; the documents before and after it kept; exit 1; and under `--strict`
//! exit 2 at the first one with no output written.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{bytes_of, chaff, gzip, jsonl_line, read_json, read_jsonl, u, zstd, CliTest};

/// A good JSONL file scanned after each hostile input: 6 documents on 2 sites.
pub fn good_file(t: &CliTest) -> PathBuf {
    let lines: String = crate::generated_crawl(3, 2, 6)
        .iter()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).expect("own output");
            v["id"] = Value::String(format!("good-{}", v["id"].as_str().expect("id")));
            jsonl_line(v)
        })
        .collect();
    t.write("zz-good.jsonl", lines)
}

/// What a run printed and wrote.
pub struct Run {
    pub stderr: String,
    pub report: Value,
    pub annotations: Vec<serde_json::Map<String, Value>>,
    pub removed: Vec<serde_json::Map<String, Value>>,
    pub clean: Vec<serde_json::Map<String, Value>>,
}

/// Scans `inputs` with every per-document output, expecting exit status `code`.
pub fn scan(t: &CliTest, inputs: &[&Path], flags: &[&str], code: i32) -> Run {
    let out = |n: &str| t.path(&format!("out-{n}"));
    let run = chaff()
        .arg("scan")
        .args(inputs)
        .arg("-q")
        .args(flags)
        .arg("--report")
        .arg(out("report.json"))
        .arg("--annotations")
        .arg(out("a.jsonl"))
        .arg("--clean")
        .arg(out("clean.jsonl"))
        .arg("--removed")
        .arg(out("removed.jsonl"))
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(code);
    Run {
        stderr: String::from_utf8_lossy(&run.get_output().stderr).into_owned(),
        report: read_json(&out("report.json")),
        annotations: read_jsonl(&out("a.jsonl")),
        removed: read_jsonl(&out("removed.jsonl")),
        clean: read_jsonl(&out("clean.jsonl")),
    }
}

/// Runs `bad` followed by a good file: exit 1, one problem whose message names `at` (file,
/// record and byte) and says `what`, `docs_before` documents of `bad` kept plus the good file's
/// six; the problem in the annotations and the removed file where it stood. Then `--strict`:
/// exit 2 with that message and no output file written.
pub fn check_problem(t: &CliTest, bad: &Path, at: &str, what: &str, docs_before: u64) -> Run {
    let good = good_file(t);
    let run = scan(t, &[bad, &good], &[], 1);
    let problems: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(problems.len(), 1, "{}", run.stderr);
    assert!(problems[0].contains(at), "{:?} should name {at:?}", problems[0]);
    assert!(problems[0].contains(what), "{:?} should say {what:?}", problems[0]);
    assert_eq!(u(&run.report["totals"], "documents"), docs_before + 6);
    assert_eq!(u(&run.report["totals"], "problems"), 1);
    let errors: Vec<usize> =
        (0..run.annotations.len()).filter(|&i| run.annotations[i].contains_key("error")).collect();
    assert_eq!(errors, [docs_before as usize], "the problem stands where it was read");
    assert_eq!(run.annotations.len() as u64, docs_before + 7);
    assert_eq!(run.removed.len(), run.annotations.len(), "removed accounts for every record");
    assert_eq!(run.removed[docs_before as usize]["dropped"], "error");
    assert_eq!(run.clean.len() as u64, docs_before + 6);

    let strict = CliTest::new();
    let outputs = ["r.json", "a.jsonl", "c.jsonl"].map(|n| strict.path(n));
    let out = chaff()
        .arg("scan")
        .arg(bad)
        .arg(&good)
        .args(["-q", "--strict", "--report"])
        .arg(&outputs[0])
        .arg("--annotations")
        .arg(&outputs[1])
        .arg("--clean")
        .arg(&outputs[2])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stdout("");
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains(at) && stderr.contains(what), "--strict: {stderr}");
    assert!(strict.listing().is_empty(), "--strict wrote {:?}", strict.listing());
    run
}

/// Checks that kept text plus removed pieces give back `want`, for the document at `i`.
pub fn check_restores(run: &Run, clean_i: usize, removed_i: usize, want: &[u8]) {
    let kept = bytes_of(&run.clean[clean_i], "text");
    let pieces: Vec<(usize, Vec<u8>)> = run.removed[removed_i]["spans"]
        .as_array()
        .expect("spans")
        .iter()
        .map(|s| (u(s, "start") as usize, bytes_of(s.as_object().expect("span"), "text")))
        .collect();
    assert!(chaff::output::restore(&kept, &pieces) == want, "document {clean_i} not restored");
}

const HEADER: &str = "Harbour Post\nHome | News | Sport | Weather\nSign in\nSubscribe\n";

#[test]
fn nul_bytes_are_text_and_kept_byte_for_byte() {
    let t = CliTest::new();
    // Raw NULs in text files, escaped ones in JSONL.
    let a = [HEADER.as_bytes(), b"The ferry\0 runs\0\0 again.\n\0\n"].concat();
    let b = [HEADER.as_bytes(), b"Rain\0 on Tuesday.\n"].concat();
    t.write("in/site/a.txt", &a);
    t.write("in/site/b.txt", &b);
    let c = format!("{HEADER}Goats ate\u{0} the hedge.\n");
    t.write("in/feed.jsonl", jsonl_line(serde_json::json!({"id": "c", "text": c})));
    let run = scan(&t, &[&t.path("in")], &[], 0);
    assert_eq!(run.annotations.len(), 3);
    // In order: feed.jsonl, site/a.txt, site/b.txt; the header is a span in each.
    for (i, want) in [c.as_bytes(), &a, &b].into_iter().enumerate() {
        check_restores(&run, i, i, want);
        let first = &run.annotations[i]["spans"][0]["parts"][0];
        assert_eq!((u(first, "start"), u(first, "end")), (0, HEADER.len() as u64), "{first}");
    }
}

#[test]
fn raw_nul_inside_a_jsonl_string_is_a_problem() {
    let t = CliTest::new();
    let good = jsonl_line(serde_json::json!({"id": "first", "text": "fine"}));
    let bad =
        t.write("nul.jsonl", [good.as_bytes(), b"{\"id\":\"x\",\"text\":\"a\0b\"}\n"].concat());
    let at = format!("{}: record 2 (byte {})", bad.display(), good.len());
    check_problem(&t, &bad, &at, "control character", 1);
}

/// JSON cannot hold bytes that are not UTF-8: a JSONL line with such bytes is decoded lossily
/// (U+FFFD), not dropped, and that decoded text is what every output keeps. (Text files keep
/// their exact bytes: `scan_inputs::invalid_utf8_text_file`.)
#[test]
fn invalid_utf8_in_jsonl_is_read_lossily() {
    let t = CliTest::new();
    let input = t.write("bad-utf8.jsonl", b"{\"id\":\"x\",\"text\":\"caf\xe9 \xff\xfe\\n\"}\n");
    let run = scan(&t, &[&input], &[], 0);
    assert_eq!(run.clean[0]["text"], "caf\u{fffd} \u{fffd}\u{fffd}\n");
    assert_eq!(run.annotations[0]["bytes"], "caf\u{fffd} \u{fffd}\u{fffd}\n".len());
}

/// A lone CR is not a line end (lines are split on `\n` only, as the annotations document): a
/// classic Mac file is one line, hashed up to --max-line-bytes, and kept byte for byte.
#[test]
fn lone_cr_line_ends_are_one_line() {
    let t = CliTest::new();
    let text = b"Harbour Post\rHome | News\rThe ferry runs again.\r";
    let input = t.write("in/site/mac.txt", text);
    let other = [HEADER.as_bytes(), b"Rain on Tuesday.\r\n"].concat();
    t.write("in/site/other.txt", &other);
    let run = scan(&t, &[&t.path("in")], &[], 0);
    assert_eq!(run.annotations[0]["id"], "site/mac.txt");
    assert_eq!(run.annotations[0]["lines"], 1);
    assert_eq!(run.annotations[0]["bytes"], text.len());
    check_restores(&run, 0, 0, text);
    check_restores(&run, 1, 1, &other);
    assert!(input.exists());
}

/// A byte order mark before a text file's first line: that line hashes like the same line
/// without one, the span starts at byte 0 (the mark inside it), and it is restored exactly.
/// Before the first JSONL record, the mark is not part of the JSON.
#[test]
fn byte_order_mark() {
    let t = CliTest::new();
    let a = ["\u{feff}", HEADER, "The ferry runs again.\n"].concat();
    let b = [HEADER, "Rain on Tuesday.\n"].concat();
    t.write("in/site/a.txt", &a);
    t.write("in/site/b.txt", &b);
    let c = [HEADER, "Goats.\n"].concat();
    let record = jsonl_line(serde_json::json!({"id": "c", "text": c}));
    t.write("in/bom.jsonl", ["\u{feff}", &record].concat());
    let run = scan(&t, &[&t.path("in")], &[], 0);
    assert_eq!(run.annotations.len(), 3, "{}", run.stderr);
    assert_eq!(run.annotations[0]["id"], "c");
    let first = &run.annotations[1]["spans"][0];
    assert_eq!(u(first, "docs"), 3, "the marked header counts with the others");
    let part = &first["parts"][0];
    assert_eq!((u(part, "start"), u(part, "end")), (0, 3 + HEADER.len() as u64), "{part}");
    check_restores(&run, 1, 1, a.as_bytes());
    check_restores(&run, 2, 2, b.as_bytes());
}

#[test]
fn truncated_zstd_stream_keeps_the_records_before_the_cut() {
    let t = CliTest::new();
    let plain = crate::generated_crawl(5, 2, 400).concat();
    let mut z = zstd(plain.as_bytes());
    z.truncate(z.len() / 2);
    let bad = t.write("cut.jsonl.zst", z);
    // How many whole records the first half holds: read them the way chaff does.
    let mut whole = Vec::new();
    let mut decoder = zstd::stream::read::Decoder::new(std::fs::File::open(&bad).expect("open"))
        .expect("decoder");
    let _ = std::io::Read::read_to_end(&mut decoder, &mut whole);
    let records = whole.iter().filter(|&&b| b == b'\n').count();
    let offset = whole.iter().rposition(|&b| b == b'\n').expect("a whole line") + 1;
    let at = format!("{}: record {} (byte {offset})", bad.display(), records + 1);
    let run = check_problem(&t, &bad, &at, "read failed", records as u64);
    assert!(records > 10, "{records}");
    assert_eq!(run.annotations[records]["offset"], offset);
}

#[test]
fn truncated_gzip_message_names_record_and_byte() {
    let t = CliTest::new();
    let plain = crate::generated_crawl(5, 2, 400).concat();
    let mut gz = gzip(plain.as_bytes());
    gz.truncate(gz.len() / 2);
    let bad = t.write("cut.jsonl.gz", &gz);
    let mut whole = Vec::new();
    let _ = std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&gz[..]), &mut whole);
    let records = whole.iter().filter(|&&b| b == b'\n').count();
    let offset = whole.iter().rposition(|&b| b == b'\n').expect("a whole line") + 1;
    let at = format!("{}: record {} (byte {offset})", bad.display(), records + 1);
    check_problem(&t, &bad, &at, "read failed", records as u64);
}

#[test]
fn text_field_that_is_an_object() {
    let t = CliTest::new();
    let good = jsonl_line(serde_json::json!({"id": "first", "text": "fine"}));
    let bad = jsonl_line(serde_json::json!({"id": "obj", "text": {"html": "<p>x</p>"}}));
    let input = t.write("object.jsonl", [good.as_str(), &bad].concat());
    let at = format!("{}: record 2 (byte {})", input.display(), good.len());
    check_problem(&t, &input, &at, "text field \"text\" is an object, not a string", 1);
}

/// Two records with one id: both are kept and written, the second is reported with where the
/// first stood, the run exits 2, and `--strict` stops at it.
#[test]
fn duplicate_ids_are_reported_and_both_documents_kept() {
    let t = CliTest::new();
    let first = jsonl_line(serde_json::json!({"id": "same", "text": "The ferry runs.\n"}));
    let second = jsonl_line(serde_json::json!({"id": "same", "text": "Rain on Tuesday.\n"}));
    let input = t.write("ids.jsonl", [first.as_str(), &second].concat());
    let good = good_file(&t);
    let run = scan(&t, &[&input, &good], &[], 1);
    let at = format!("{}: record 2 (byte {})", input.display(), first.len());
    let want =
        format!("duplicate id \"same\", first used at {}: record 1 (byte 0)", input.display());
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains(&at) && run.stderr.contains(&want), "{}", run.stderr);
    assert_eq!(u(&run.report["totals"], "documents"), 8);
    assert_eq!(run.annotations.len(), 8);
    assert!(run.annotations.iter().all(|a| !a.contains_key("error")));
    assert_eq!(run.clean[1]["text"], "Rain on Tuesday.\n");
    chaff()
        .arg("scan")
        .arg(&input)
        .args(["-q", "--strict"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(want));
}

/// A FIFO where a file is expected (named directly or found under a folder) is reported, not
/// opened (opening would block for ever); a dangling symlink likewise.
#[test]
fn fifo_and_dangling_symlink_are_unreadable_files() {
    let t = CliTest::new();
    let fifo = t.path("pipe.jsonl");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available here");
        return;
    }
    check_problem(&t, &fifo, &fifo.display().to_string(), "not a regular file", 0);

    let t = CliTest::new();
    t.write("in/site/a.txt", "A page.\n");
    std::process::Command::new("mkfifo").arg(t.path("in/site/b.txt")).status().expect("mkfifo");
    let run = scan(&t, &[&t.path("in")], &[], 1);
    assert!(run.stderr.contains("b.txt: cannot open: not a regular file"), "{}", run.stderr);
    assert_eq!(u(&run.report["totals"], "documents"), 1);

    let t = CliTest::new();
    let link = t.path("gone.jsonl");
    std::os::unix::fs::symlink(t.path("no-such-target.jsonl"), &link).expect("symlink");
    check_problem(&t, &link, &link.display().to_string(), "No such file", 0);
}

/// A file that cannot be read. `chmod 000` stops every user but root, and tests often run as
/// root; `/proc/self/mem` fails to read (EIO at offset 0) for everyone, so it is the case
/// checked everywhere, and `chmod 000` is checked too when it does stop reads.
#[test]
fn unreadable_file() {
    let t = CliTest::new();
    let mem = Path::new("/proc/self/mem");
    if mem.exists() {
        check_problem(&t, mem, "/proc/self/mem", "Input/output error", 0);
    }
    let t = CliTest::new();
    let locked = t.write("locked.jsonl", jsonl_line(serde_json::json!({"text": "secret"})));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&locked).is_ok() {
        eprintln!("chmod 000 skipped: running as root, which reads any file");
        return;
    }
    check_problem(&t, &locked, &locked.display().to_string(), "Permission denied", 0);
}

/// A folder symlink pointing at its own ancestor: reported once as a loop, not followed for
/// ever, and every file of the folder read once.
#[test]
fn folder_symlink_loop() {
    let t = CliTest::new();
    t.write("in/site/a.txt", "A page.\n");
    t.write("in/site/b.txt", "Another page.\n");
    std::os::unix::fs::symlink(t.path("in"), t.path("in/site/loop")).expect("symlink");
    let run = scan(&t, &[&t.path("in")], &[], 1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("site/loop: cannot list: File system loop"), "{}", run.stderr);
    assert_eq!(u(&run.report["totals"], "documents"), 2);
    assert!(run.annotations[0].contains_key("error"), "the walk problem comes first");
    let ids: Vec<&Value> = run.annotations[1..].iter().map(|a| &a["id"]).collect();
    assert_eq!(ids, [&Value::from("site/a.txt"), &Value::from("site/b.txt")]);
    chaff().arg("scan").arg(t.path("in")).args(["-q", "--strict"]).assert().code(2).stdout("");
}

/// Empty input of every shape: an empty folder, an empty file named .gz, a gzip stream of
/// nothing, a zstd frame of nothing. No document, no problem, exit 0.
#[test]
fn empty_inputs_of_every_shape() {
    let t = CliTest::new();
    std::fs::create_dir_all(t.path("in/empty-folder")).expect("mkdir");
    t.write("in/zero.jsonl.gz", b"");
    t.write("in/nothing.jsonl.gz", gzip(b""));
    t.write("in/nothing.jsonl.zst", zstd(b""));
    t.write("in/blank.jsonl", b"\n\r\n  \n");
    let run = scan(&t, &[&t.path("in")], &["--strict"], 0);
    assert_eq!(u(&run.report["totals"], "documents"), 0);
    assert!(run.annotations.is_empty() && run.clean.is_empty() && run.removed.is_empty());
}

/// A WET conversion record: text as it is.
fn wet_record(n: usize, text: &str) -> String {
    format!(
        "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://harbourpost.example/{n}\r\n\
         WARC-Record-ID: <urn:uuid:{n}>\r\nContent-Length: {}\r\n\r\n{text}\r\n\r\n",
        text.len()
    )
}

/// A WARC record whose Content-Length runs past the end of the file: the records before it
/// are kept, the cut one is a problem naming its number and offset.
#[test]
fn warc_content_length_past_the_end_of_the_file() {
    let t = CliTest::new();
    let mut bytes = wet_record(1, &format!("{HEADER}The ferry runs again.\n"));
    bytes.push_str(&wet_record(2, &format!("{HEADER}Rain on Tuesday.\n")));
    let offset = bytes.len();
    bytes.push_str(
        "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:3>\r\n\
         Content-Length: 100000\r\n\r\nThe text stops here",
    );
    let input = t.write("cut.warc", bytes);
    let at = format!("{}: record 3 (byte {offset})", input.display());
    check_problem(&t, &input, &at, "runs past the end of the file", 2);
}
