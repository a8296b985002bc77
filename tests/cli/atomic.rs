//! Atomic outputs (issue 6): a run killed part way leaves each output as it was (the old file,
//! or none), never a partial one; a full disk is a clear error with exit status 2 and no
//! output. What a killed run does leave is its temporary files, `.NAME.XXXXXX.tmp` beside each
//! output NAME: hidden, never taken for an output, safe to delete. chaff does not delete them
//! itself at start, since another run writing to the same folder may own one.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{chaff, CliTest};

/// Temporary files of `name` in `dir`.
fn temp_files(dir: &Path, name: &str) -> Vec<(String, u64)> {
    let prefix = format!(".{name}.");
    std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            let len = e.metadata().ok()?.len();
            (n.starts_with(&prefix) && n.ends_with(".tmp")).then_some((n, len))
        })
        .collect()
}

#[test]
fn sigkill_mid_run_leaves_the_old_file_or_none() {
    let t = CliTest::new();
    // Large enough that the last pass is still writing when it is killed.
    let input = t.write("crawl.jsonl", crate::generated_crawl(17, 40, 40_000).concat());
    let old = t.write("a.jsonl", "the annotations of an earlier run\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chaff"))
        .arg("scan")
        .arg(&input)
        .args(["-q", "--threads", "2", "--annotations"])
        .arg(&old)
        .arg("--clean")
        .arg(t.path("clean.jsonl"))
        .arg("--report")
        .arg(t.path("report.json"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn chaff");
    // Kill once the annotations' temporary file holds some bytes: the mark pass is writing.
    let started = Instant::now();
    loop {
        if temp_files(t.dir.path(), "a.jsonl").iter().any(|(_, len)| *len > 0) {
            break;
        }
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("chaff ended ({status}) before it could be killed mid-write");
        }
        assert!(started.elapsed() < Duration::from_secs(120), "no output after 120 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    assert_eq!(
        std::fs::read_to_string(&old).expect("old annotations"),
        "the annotations of an earlier run\n",
        "the old file, untouched"
    );
    assert!(!t.path("clean.jsonl").exists(), "no partial clean output");
    assert!(!t.path("report.json").exists(), "no partial report");
    // What is left besides: the input, the old output, and temporary files named like them.
    for name in t.listing() {
        let known = ["crawl.jsonl", "a.jsonl"].contains(&name.as_str())
            || ["a.jsonl", "clean.jsonl", "report.json"]
                .iter()
                .any(|o| name.starts_with(&format!(".{o}.")) && name.ends_with(".tmp"));
        assert!(known, "stray file {name}");
    }
}

/// Runs `chaff scan` writing into `dir` on a file system of 1 MiB, or under a 1 MiB file-size
/// limit when a tmpfs cannot be mounted (`ulimit -f`, with SIGXFSZ ignored so that the write
/// fails with EFBIG instead of killing the process).
#[test]
fn disk_full_is_a_clear_error() {
    let t = CliTest::new();
    let input = t.write("crawl.jsonl", crate::generated_crawl(23, 10, 3_000).concat());
    let small = t.path("small");
    std::fs::create_dir(&small).expect("mkdir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&small)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let ann = small.join("a.jsonl");
    let run = if mounted {
        chaff().arg("scan").arg(&input).arg("-q").arg("--annotations").arg(&ann).output()
    } else {
        eprintln!("tmpfs not mountable here: limiting the file size with ulimit -f instead");
        let script = format!(
            "trap '' XFSZ; ulimit -f 1024; exec '{}' scan '{}' -q --annotations '{}'",
            env!("CARGO_BIN_EXE_chaff"),
            input.display(),
            ann.display()
        );
        Command::new("sh").arg("-c").arg(script).output()
    }
    .expect("run chaff");
    let listing: Vec<String> = std::fs::read_dir(&small)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    if mounted {
        let _ = Command::new("umount").arg(&small).status();
    }
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("writing {}", ann.display())), "{stderr}");
    let cause = if mounted { "No space left on device" } else { "File too large" };
    assert!(stderr.contains(cause), "{stderr}");
    assert!(listing.is_empty(), "nothing left on the full disk: {listing:?}");
}
