//! Monster inputs in bounded memory (issue 6): a 100 MB single line, 10 million repetitions of
//! one character, a record over --max-record-bytes, gzip and zstd bombs. Each run's peak RSS
//! is measured with `/usr/bin/time -v` (skipped with a note where it is missing) and printed,
//! so `cargo test -- --nocapture limits` shows the figures quoted in the README.

use std::path::Path;
use std::process::Command;

use crate::hostile::{check_problem, check_restores, scan};
use crate::{gzip, read_jsonl, u, zstd, CliTest};

/// Runs `chaff scan ARGS -q` under `/usr/bin/time -v`: (exit code, peak RSS in MiB), or None
/// when GNU time is not installed.
fn peak_rss(args: &[&std::ffi::OsStr]) -> Option<(i32, u64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("peak RSS not measured: /usr/bin/time is missing");
        return None;
    }
    let out = Command::new(time)
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_chaff"))
        .arg("scan")
        .arg("-q")
        .args(args)
        .output()
        .expect("run chaff under time");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kib: u64 = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no RSS in {stderr}"));
    Some((out.status.code().unwrap_or(-1), kib / 1024))
}

fn os(p: &Path) -> &std::ffi::OsStr {
    p.as_os_str()
}

/// Checks the peak RSS of a scan of `inputs` with every per-document output.
fn check_rss(t: &CliTest, name: &str, inputs: &[&Path], code: i32, max_mib: u64) {
    let outs = ["rss-a.jsonl", "rss-c.jsonl", "rss-r.jsonl"].map(|n| t.path(n));
    let mut args: Vec<&std::ffi::OsStr> = inputs.iter().map(|p| os(p)).collect();
    args.extend(["--annotations".as_ref(), os(&outs[0]), "--clean".as_ref(), os(&outs[1])]);
    args.extend(["--removed".as_ref(), os(&outs[2])]);
    if let Some((got, mib)) = peak_rss(&args) {
        println!("peak RSS {name}: {mib} MiB");
        assert_eq!(got, code, "{name}");
        assert!(mib <= max_mib, "{name}: peak RSS {mib} MiB over {max_mib}");
    }
}

/// One JSONL record whose text is a single line of 100 MB (and a header shared with a
/// neighbour): hashed up to --max-line-bytes, kept whole in clean.jsonl, in bounded memory.
#[test]
fn hundred_megabyte_single_line() {
    let t = CliTest::new();
    let header = "Harbour Post\nHome | News\nSign in\nSubscribe\n";
    let line: String = "The ferry runs again. ".repeat(100_000_000 / 22);
    let big = format!("{header}{line}");
    let mut input = crate::jsonl_line(serde_json::json!({"id": "big", "text": big}));
    input.push_str(&crate::jsonl_line(
        serde_json::json!({"id": "small", "text": format!("{header}Rain on Tuesday.\n")}),
    ));
    let path = t.write("big.jsonl", &input);
    drop(input);
    let run = scan(&t, &[&path], &[], 0);
    assert_eq!(u(&run.annotations[0].clone().into(), "lines"), 5);
    assert_eq!(run.annotations[0]["spans"][0]["end"], header.len());
    check_restores(&run, 0, 0, big.as_bytes());
    drop(run);
    drop(big);
    check_rss(&t, "100 MB line", &[&path], 0, 450);
}

/// 10 million times one character, on one line: 'a' in a text file (10 MB) and 'é' in JSONL
/// (20 MB, past --max-doc-bytes, so only its first line is viewed and the rest kept).
#[test]
fn ten_million_repetitions_of_one_character() {
    let t = CliTest::new();
    let a = format!("Harbour Post\n{}\nPrivacy policy\n", "a".repeat(10_000_000));
    t.write("in/site/a.txt", &a);
    t.write("in/site/b.txt", "Harbour Post\nRain on Tuesday.\nPrivacy policy\n");
    let e = format!("{}\nHarbour Post\nPrivacy policy\n", "é".repeat(10_000_000));
    t.write("in/e.jsonl", crate::jsonl_line(serde_json::json!({"id": "e", "text": e})));
    let started = std::time::Instant::now();
    let run = scan(&t, &[&t.path("in")], &[], 0);
    println!("10M characters: {:?}", started.elapsed());
    assert_eq!(run.annotations.len(), 3);
    // In order: e.jsonl, site/a.txt, site/b.txt.
    assert_eq!(u(&run.annotations[0].clone().into(), "lines"), 3);
    assert_eq!(run.annotations[0]["spans"], serde_json::json!([]), "past the cap: kept");
    // 10 MB is past --max-doc-bytes (4 MiB): the header is viewed and flagged, the 'a' line
    // (not whole within the cap) and the footer are kept.
    let spans = run.annotations[1]["spans"].as_array().expect("spans");
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!((u(&spans[0], "start"), u(&spans[0], "end")), (0, 13));
    assert_eq!(u(&run.annotations[1].clone().into(), "lines"), 3);
    check_restores(&run, 0, 0, e.as_bytes());
    check_restores(&run, 1, 1, a.as_bytes());
    check_rss(&t, "10M repeated characters", &[&t.path("in")], 0, 250);
}

/// A record over --max-record-bytes is skipped without being held, and reported.
#[test]
fn record_over_the_record_cap_is_skipped() {
    let t = CliTest::new();
    let first = crate::jsonl_line(serde_json::json!({"id": "ok", "text": "fine"}));
    let long = crate::jsonl_line(serde_json::json!({"id": "long", "text": "x".repeat(3_000_000)}));
    let path = t.write("long.jsonl", [first.as_str(), &long].concat());
    let good = crate::hostile::good_file(&t);
    let run = crate::hostile::scan(&t, &[&path, &good], &["--max-record-bytes", "1000000"], 1);
    let at = format!("{}: record 2 (byte {})", path.display(), first.len());
    assert!(run.stderr.contains(&at), "{}", run.stderr);
    assert!(run.stderr.contains("longer than 1000000 (--max-record-bytes)"), "{}", run.stderr);
    assert_eq!(u(&run.report["totals"], "documents"), 7);
}

/// gzip of `zeros` zero bytes, as `members` concatenated members (a bomb of 1 GiB from 1 MB).
fn gzip_bomb(zeros: usize, members: usize) -> Vec<u8> {
    gzip(&vec![0u8; zeros]).repeat(members)
}

/// A gzip bomb (1 GiB of zeros in 1 MB), as JSONL and as a text file: stopped past 64 MiB by
/// --max-ratio with a clear message, the run goes on, memory bounded.
#[test]
fn gzip_bomb_is_stopped() {
    let t = CliTest::new();
    let bomb = gzip_bomb(16 << 20, 64);
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    let jsonl = t.write("bomb.jsonl.gz", &bomb);
    let at = format!("{}: record 1 (byte 0)", jsonl.display());
    check_problem(&t, &jsonl, &at, "likely decompression bomb (--max-ratio", 0);
    let text = t.write("bomb.txt.gz", &bomb);
    check_problem(&t, &text, &text.display().to_string(), "likely decompression bomb", 0);
    check_rss(&t, "gzip bomb", &[&jsonl, &text], 2, 250);
    // With the cap off, the record cap still bounds memory.
    let good = crate::hostile::good_file(&t);
    let run = crate::hostile::scan(&t, &[&jsonl, &good], &["--max-ratio", "0"], 1);
    assert!(run.stderr.contains("(--max-record-bytes)"), "{}", run.stderr);
}

#[test]
fn zstd_bomb_is_stopped() {
    let t = CliTest::new();
    let bomb = zstd(&vec![b'\n'; 256 << 20]);
    assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
    let path = t.write("bomb.jsonl.zst", &bomb);
    let run = check_problem(&t, &path, "bomb.jsonl.zst: record ", "likely decompression bomb", 0);
    assert!(read_jsonl(&t.path("out-a.jsonl")).len() == run.annotations.len());
    check_rss(&t, "zstd bomb", &[&path], 2, 100);
}
