//! `--max-memory`: a capped scan spills its count records to disk, stays under a stated peak,
//! and writes byte for byte what an uncapped scan writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{chaff, repo, CliTest};

/// A generated crawl of `size` in `dir`.
fn generated(dir: &Path, size: &str) {
    chaff()
        .args(["gen", "-q", "--size", size, "--sites", "40", "--seed", "11"])
        .arg(dir)
        .assert()
        .code(0);
}

/// Runs `chaff` with `args`; returns its exit code and its peak resident set in KiB.
///
/// The peak comes from GNU time when it is installed (`/usr/bin/time -f %M`), else from
/// polling the child's `VmHWM` until it ends (Linux). Not from `wait4` on the child: Linux
/// folds the resident set of the process that spawned it (this test binary, with whatever the
/// other tests hold) into the child's `ru_maxrss` at exec; GNU time's own child starts from
/// GNU time's few megabytes.
fn run_measured(args: &[&std::ffi::OsStr]) -> (i32, Option<u64>) {
    let gnu_time = Path::new("/usr/bin/time");
    if gnu_time.exists() {
        let out = tempfile::NamedTempFile::new().expect("temporary file");
        let status = Command::new(gnu_time)
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(out.path())
            .arg(env!("CARGO_BIN_EXE_chaff"))
            .args(args)
            .current_dir(repo())
            .stdout(Stdio::null())
            .status()
            .expect("running chaff under /usr/bin/time");
        let text = std::fs::read_to_string(out.path()).unwrap_or_default();
        let peak = text.lines().last().and_then(|l| l.trim().parse().ok());
        return (status.code().unwrap_or(-1), peak);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_chaff"))
        .current_dir(repo())
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .expect("spawning chaff");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak: Option<u64> = None;
    loop {
        if let Some(status) = child.try_wait().expect("waiting for chaff") {
            return (status.code().unwrap_or(-1), peak);
        }
        let hwm = std::fs::read_to_string(&status_file).ok().and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
        peak = peak.max(hwm);
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

fn scan_args(t: &CliTest, name: &str, corpus: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let mut v: Vec<std::ffi::OsString> = vec!["scan".into(), "--quiet".into()];
    v.extend(["--site-field", "site", "--report"].map(Into::into));
    v.push(t.path(&format!("{name}.report.json")).into());
    v.push("--annotations".into());
    v.push(t.path(&format!("{name}.spans.jsonl")).into());
    v.extend(extra.iter().map(Into::into));
    v.push(corpus.into());
    v
}

fn refs(v: &[std::ffi::OsString]) -> Vec<&std::ffi::OsStr> {
    v.iter().map(|s| s.as_os_str()).collect()
}

/// The peak a capped scan of the 8 MiB crawl must stay under, in KiB: the 4 MiB cap plus what
/// any run of the binary takes (about 35 MiB here: code, the public suffix list, regexes,
/// the reader's batches), with a margin. Measured: 41 MiB capped, 39 MiB uncapped (at this
/// size the uncapped records are small too; the README's "Memory" has the large figures).
const CAPPED_PEAK_KIB: u64 = 64 << 10;

/// Scanned with `--max-memory 4M` (below its count records, signatures and catalogue, which
/// go to disk), a generated crawl gives the same report and annotations as without the cap,
/// the temporary folder ends empty, and the peak stays under [`CAPPED_PEAK_KIB`].
#[test]
fn capped_scan_spills_and_writes_what_the_uncapped_scan_writes() {
    let t = CliTest::new();
    let corpus = t.path("crawl");
    generated(&corpus, "8M");
    let spill = t.path("spill");
    std::fs::create_dir(&spill).unwrap();

    let (code, free_peak) = run_measured(&refs(&scan_args(&t, "free", &corpus, &[])));
    assert_eq!(code, 0);
    let capped = scan_args(
        &t,
        "capped",
        &corpus,
        &["--max-memory", "4M", "--temp-dir", spill.to_str().unwrap()],
    );
    let (code, capped_peak) = run_measured(&refs(&capped));
    assert_eq!(code, 0);

    let read = |name: &str| std::fs::read(t.path(name)).unwrap();
    assert!(read("capped.report.json") == read("free.report.json"), "reports differ");
    assert!(read("capped.spans.jsonl") == read("free.spans.jsonl"), "annotations differ");
    assert_eq!(std::fs::read_dir(&spill).unwrap().count(), 0, "spilled runs left behind");
    if let (Some(capped), Some(free)) = (capped_peak, free_peak) {
        eprintln!("peak RSS: capped {capped} KiB, uncapped {free} KiB");
        assert!(capped < CAPPED_PEAK_KIB, "capped peak {capped} KiB");
    }
}

/// With a temporary "folder" that is a file, the capped scan, which would spill, says it
/// cannot use it; the uncapped one never writes there, and runs.
#[test]
fn capped_scan_reports_a_temp_dir_it_cannot_use() {
    let t = CliTest::new();
    let corpus = t.path("crawl");
    generated(&corpus, "2M");
    let not_a_dir: PathBuf = t.write("not-a-folder", "x");
    let temp = not_a_dir.to_str().unwrap();
    let (code, _) = run_measured(&refs(&scan_args(&t, "free", &corpus, &["--temp-dir", temp])));
    assert_eq!(code, 0);
    chaff()
        .args(refs(&scan_args(
            &t,
            "capped",
            &corpus,
            &["--max-memory", "256K", "--temp-dir", temp],
        )))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not-a-folder"));
}

/// A `--temp-dir` under a regular file, or missing, stops a capped `scan` or `count` before
/// its first pass: exit status 2 and an error that names the folder, not a panic.
#[test]
fn capped_runs_name_a_temp_dir_they_cannot_make_folders_in() {
    let t = CliTest::new();
    let corpus = t.write("crawl.jsonl", "{\"id\": \"a\", \"text\": \"one\\ntwo\\n\"}\n");
    t.write("file", "x");
    for temp in [t.path("file").join("sub"), t.path("missing")] {
        let shown = temp.display().to_string();
        for command in ["scan", "count"] {
            let out = t.path(&format!("{command}.out"));
            let run = chaff()
                .args([command, "--quiet", "--max-memory", "4M", "--temp-dir"])
                .arg(&temp)
                .arg(if command == "scan" { "--report" } else { "-o" })
                .arg(&out)
                .arg(&corpus)
                .assert()
                .code(2);
            let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
            assert!(
                stderr.contains(&format!("creating a temporary folder in {shown}")),
                "{command} {shown}: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{command} {shown}: {stderr}");
            assert!(!out.exists(), "{command} {shown}: wrote its output");
        }
    }
}

/// `count` under a cap writes the very bytes it writes without one (the rows are exact and
/// sorted either way).
#[test]
fn capped_count_writes_the_same_counts_file() {
    let t = CliTest::new();
    let corpus = t.path("crawl");
    generated(&corpus, "2M");
    for (name, extra) in [("free", vec![]), ("capped", vec!["--max-memory", "1M"])] {
        chaff()
            .args(["count", "--quiet", "--site-field", "site", "-o"])
            .arg(t.path(&format!("{name}.counts")))
            .args(extra)
            .arg(&corpus)
            .assert()
            .code(0);
    }
    let read = |name: &str| std::fs::read(t.path(name)).unwrap();
    assert!(read("capped.counts") == read("free.counts"), "counts files differ");
}

/// Each page is flagged and classified on the worker threads and its result kept in input
/// order (in memory, or spilled under a cap) for the last pass: the outputs are the same for
/// any thread count, capped or not.
#[test]
fn outputs_are_the_same_for_any_thread_count_capped_or_not() {
    let t = CliTest::new();
    let corpus = t.path("crawl");
    generated(&corpus, "3M");
    let runs: [(&str, &[&str]); 4] = [
        ("one", &["--threads", "1"]),
        ("two", &["--threads", "2"]),
        ("five", &["--threads", "5"]),
        ("capped", &["--threads", "3", "--max-memory", "4M"]),
    ];
    let mut outputs = Vec::new();
    for (name, extra) in runs {
        let clean = t.path(&format!("{name}.clean.jsonl"));
        let mut args = scan_args(&t, name, &corpus, extra);
        args.extend(["--clean".into(), clean.clone().into_os_string()]);
        chaff().args(refs(&args)).assert().code(0);
        let read = |suffix: &str| std::fs::read(t.path(&format!("{name}.{suffix}"))).unwrap();
        outputs.push((name, read("report.json"), read("spans.jsonl"), read("clean.jsonl")));
    }
    let (_, report, spans, clean) = &outputs[0];
    assert!(!spans.is_empty() && !clean.is_empty());
    for (name, r, s, c) in &outputs[1..] {
        assert!(r == report, "{name}: report differs");
        assert!(s == spans, "{name}: annotations differ");
        assert!(c == clean, "{name}: clean output differs");
    }
}
