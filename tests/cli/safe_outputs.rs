//! Outputs that must not destroy anything (issue 15): an output that is an input, two outputs
//! on one file, links to devices, a run that read nothing, file modes, outputs inside an input
//! folder; and what the command tells: exit statuses, escaped terminal output, repeated
//! problems told a few times, documents cut by `--max-doc-bytes`; and `chaff restore`.
//!
//! Every refusal is checked to leave each input and each existing output byte for byte as it
//! was.

use std::path::Path;

use serde_json::Value;

use crate::{chaff, jsonl_line, read_json, read_jsonl, CliTest};

/// A small JSONL input of six documents on two sites.
fn input(t: &CliTest, name: &str) -> std::path::PathBuf {
    t.write(name, crate::generated_crawl(5, 2, 6).concat())
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const OUTPUT_FLAGS: &[&str] =
    &["--clean", "--annotations", "--removed", "--report", "--html", "--markdown"];

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let t = CliTest::new();
    let path = input(&t, "in.jsonl");
    let before = std::fs::read(&path).unwrap();
    for flag in OUTPUT_FLAGS {
        // Spelled otherwise than the input, so that only the canonical path can tell.
        let spelled = t.dir.path().join(".").join("in.jsonl");
        let run = chaff().arg("scan").arg(&path).arg("-q").arg(flag).arg(&spelled).assert().code(2);
        let stderr = stderr_of(run.get_output());
        assert!(stderr.contains(flag) && stderr.contains("is the input"), "{flag}: {stderr}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "{flag} left the input as it was");
    }
    assert_eq!(t.listing(), ["in.jsonl"], "no temporary file left behind");
}

#[cfg(unix)]
#[test]
fn an_output_hard_linked_to_an_input_is_refused() {
    let t = CliTest::new();
    let path = input(&t, "in.jsonl");
    let before = std::fs::read(&path).unwrap();
    std::fs::hard_link(&path, t.path("alias.jsonl")).unwrap();
    let run = chaff()
        .arg("scan")
        .arg(&path)
        .args(["-q", "--annotations"])
        .arg(t.path("alias.jsonl"))
        .assert()
        .code(2);
    assert!(stderr_of(run.get_output()).contains("is the input"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn the_input_of_count_and_merge_is_not_their_output() {
    let t = CliTest::new();
    let path = input(&t, "in.jsonl");
    let before = std::fs::read(&path).unwrap();
    chaff().arg("count").arg(&path).args(["-q", "-o"]).arg(&path).assert().code(2);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let counts = t.path("a.counts");
    chaff().arg("count").arg(&path).args(["-q", "-o"]).arg(&counts).assert().code(0);
    let counts_before = std::fs::read(&counts).unwrap();
    chaff().arg("merge").arg(&counts).arg("-o").arg(&counts).assert().code(2);
    assert_eq!(std::fs::read(&counts).unwrap(), counts_before);
}

#[test]
fn two_outputs_on_one_path_are_refused_and_the_old_file_kept() {
    let t = CliTest::new();
    let path = input(&t, "in.jsonl");
    let out = t.write("out.jsonl", "an earlier run's output\n");
    std::fs::create_dir(t.path("sub")).unwrap();
    let run = chaff()
        .arg("scan")
        .arg(&path)
        .arg("-q")
        .arg("--clean")
        .arg(&out)
        .arg("--annotations")
        .arg(t.dir.path().join("sub/../out.jsonl"))
        .assert()
        .code(2);
    let stderr = stderr_of(run.get_output());
    assert!(stderr.contains("--clean") && stderr.contains("--annotations"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "an earlier run's output\n");
}

#[test]
fn clean_to_dash_goes_to_stdout_and_the_summary_to_stderr() {
    let t = CliTest::new();
    let path = input(&t, "in.jsonl");
    let file = t.path("clean.jsonl");
    chaff().arg("scan").arg(&path).args(["-q", "--clean"]).arg(&file).assert().code(0);
    let run = chaff().arg("scan").arg(&path).args(["-q", "--clean", "-"]).assert().code(0);
    let out = run.get_output();
    assert_eq!(out.stdout, std::fs::read(&file).unwrap(), "stdout is the clean file alone");
    assert!(stderr_of(out).contains("documents"), "the summary went to stderr");
    let quiet = chaff()
        .arg("scan")
        .arg(&path)
        .args(["-q", "--clean", "-", "--no-summary"])
        .assert()
        .code(0);
    assert_eq!(quiet.get_output().stderr, b"");
    // Two outputs cannot share stdout.
    chaff()
        .arg("scan")
        .arg(&path)
        .args(["-q", "--clean", "-", "--annotations", "-"])
        .assert()
        .code(2);
}

/// As `/dev/stdout` is a link to the terminal or a pipe: the device behind the link is
/// written in place, and the link stays a link (a rename once replaced `/dev/stdout` with a
/// plain file, as root, for every later process). The link lives in the test's folder, so
/// that a regression replaces only it.
#[cfg(unix)]
#[test]
fn an_output_through_a_link_to_a_device_leaves_link_and_device_alone() {
    use std::os::unix::fs::FileTypeExt;
    let t = CliTest::new();
    let path = input(&t, "in.jsonl");
    let link = t.path("stdout");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    chaff().arg("scan").arg(&path).args(["-q", "--clean"]).arg(&link).assert().code(0);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    // A link to a plain file: the file is replaced, the link kept.
    let real = t.write("real.jsonl", "old\n");
    let to_file = t.path("to-file.jsonl");
    std::os::unix::fs::symlink(&real, &to_file).unwrap();
    chaff().arg("scan").arg(&path).args(["-q", "--clean"]).arg(&to_file).assert().code(0);
    assert!(std::fs::symlink_metadata(&to_file).unwrap().file_type().is_symlink());
    assert_eq!(read_jsonl(&real).len(), 6);
}

#[test]
fn a_run_that_reads_nothing_leaves_existing_outputs_untouched() {
    let t = CliTest::new();
    let outputs: Vec<_> = ["a.jsonl", "clean.jsonl", "report.json"]
        .iter()
        .map(|n| t.write(n, format!("the earlier {n}\n")))
        .collect();
    let run = chaff()
        .arg("scan")
        .arg(t.path("missing.jsonl"))
        .arg(t.path("also-missing"))
        .arg("-q")
        .arg("--annotations")
        .arg(&outputs[0])
        .arg("--clean")
        .arg(&outputs[1])
        .arg("--report")
        .arg(&outputs[2])
        .assert()
        .code(2);
    let stderr = stderr_of(run.get_output());
    assert!(
        stderr.contains("missing.jsonl") && stderr.contains("no document was read"),
        "{stderr}"
    );
    for (path, name) in outputs.iter().zip(["a.jsonl", "clean.jsonl", "report.json"]) {
        assert_eq!(std::fs::read_to_string(path).unwrap(), format!("the earlier {name}\n"));
    }
    assert_eq!(t.listing(), ["a.jsonl", "clean.jsonl", "report.json"]);
}

#[cfg(unix)]
#[test]
fn new_outputs_get_the_umask_mode_and_replaced_ones_keep_theirs() {
    use std::os::unix::fs::PermissionsExt;
    let t = CliTest::new();
    let path = input(&t, "in.jsonl");
    let kept = t.write("kept.jsonl", "old\n");
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o604)).unwrap();
    let script = format!(
        "umask 027; exec '{}' scan '{}' -q --clean '{}' --annotations '{}'",
        env!("CARGO_BIN_EXE_chaff"),
        path.display(),
        t.path("new.jsonl").display(),
        kept.display()
    );
    let status = std::process::Command::new("sh").args(["-c", &script]).status().unwrap();
    assert!(status.success());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&t.path("new.jsonl")), 0o640, "0666 less the umask 027");
    assert_eq!(mode(&kept), 0o604, "an existing file keeps its mode");
}

#[test]
fn outputs_inside_the_input_folder_are_not_read_back() {
    let t = CliTest::new();
    input(&t, "crawl/in.jsonl");
    let folder = t.path("crawl");
    let scan = || {
        chaff()
            .arg("scan")
            .arg(&folder)
            .args(["-q", "--clean"])
            .arg(folder.join("clean.jsonl"))
            .arg("--report")
            .arg(t.path("report.json"))
            .assert()
            .code(0)
    };
    scan();
    let run = scan();
    assert!(stderr_of(run.get_output()).contains("inside the input folder"));
    assert_eq!(read_json(&t.path("report.json"))["totals"]["documents"], 6);
    assert_eq!(read_jsonl(&folder.join("clean.jsonl")).len(), 6);
}

#[test]
fn exit_status_is_0_clean_1_some_bad_2_could_not_run() {
    let t = CliTest::new();
    let good = input(&t, "good.jsonl");
    chaff().arg("scan").arg(&good).arg("-q").assert().code(0);
    let bad = t.write("bad.jsonl", "{\"id\":\"x\",\"text\":\"fine\"}\nnot json\n");
    let annotations = t.path("a.jsonl");
    chaff()
        .arg("scan")
        .arg(&good)
        .arg(&bad)
        .args(["-q", "--annotations"])
        .arg(&annotations)
        .assert()
        .code(1);
    assert_eq!(read_jsonl(&annotations).len(), 8, "the run finished and wrote its outputs");
    chaff().arg("scan").arg(&good).args(["-q", "--no-such-flag"]).assert().code(2);
    chaff()
        .arg("scan")
        .arg(&good)
        .args(["-q", "--report"])
        .arg(t.path("no/dir/r.json"))
        .assert()
        .code(2);
    chaff().arg("scan").arg(&good).arg(&bad).args(["-q", "--strict"]).assert().code(2);
    let help = chaff().arg("--help").assert().code(0);
    assert!(String::from_utf8_lossy(&help.get_output().stdout).contains("Exit status: 0"));
}

#[test]
fn escape_sequences_in_names_and_text_are_not_sent_to_the_terminal() {
    let t = CliTest::new();
    let text = "Home\nNews\n\x1b]0;owned\x07\x1b[2J page text\n";
    let lines: String = (0..3)
        .map(|i| jsonl_line(serde_json::json!({"id": format!("\u{1b}[31mid{i}"), "text": text})))
        .collect();
    let name = "evil-\x1b[2J-\u{202e}name.jsonl";
    let path = t.write(name, lines + "not json \x1b[5m\n");
    let run = chaff().arg("scan").arg(&path).args(["-q", "--show", "50"]).assert().code(1);
    let out = run.get_output();
    for stream in [&out.stdout, &out.stderr] {
        let s = String::from_utf8_lossy(stream);
        assert!(!s.contains('\x1b') && !s.contains('\x07') && !s.contains('\u{202e}'), "{s:?}");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("\\u{1b}[2J"), "shown escaped");
}

#[test]
fn a_wrong_text_field_is_told_five_times_with_the_fields_the_records_have() {
    let t = CliTest::new();
    let lines: String = (0..500)
        .map(|i| jsonl_line(serde_json::json!({"id": i, "raw_content": "Some page text"})))
        .collect();
    let path = t.write("cc.jsonl", lines);
    let run = chaff().arg("scan").arg(&path).arg("-q").assert().code(2);
    let stderr = stderr_of(run.get_output());
    assert!(stderr.lines().count() <= 10, "{stderr}");
    assert_eq!(stderr.matches("no text field").count(), 6, "five told, one counted: {stderr}");
    assert!(stderr.contains("\"raw_content\"") && stderr.contains("495 more"), "{stderr}");
    let strict = chaff().arg("scan").arg(&path).args(["-q", "--strict"]).assert().code(2);
    assert_eq!(stderr_of(strict.get_output()).matches("no text field").count(), 1);
}

#[test]
fn a_document_cut_by_max_doc_bytes_is_reported() {
    let t = CliTest::new();
    let long = format!("Menu\n{}", "A line of the story, long enough to count.\n".repeat(50));
    let lines = jsonl_line(serde_json::json!({"id": "long", "text": long}))
        + &jsonl_line(serde_json::json!({"id": "short", "text": "Menu\nA short page.\n"}));
    let path = t.write("in.jsonl", lines);
    let annotations = t.path("a.jsonl");
    let report = t.path("r.json");
    let run = chaff()
        .arg("scan")
        .arg(&path)
        .args(["-q", "--max-doc-bytes", "300", "--annotations"])
        .arg(&annotations)
        .arg("--report")
        .arg(&report)
        .assert()
        .code(0);
    let summary = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    assert!(summary.contains("cut: 1 document longer than --max-doc-bytes"), "{summary}");
    let a = read_jsonl(&annotations);
    let at = a[0]["unflagged_from"].as_u64().expect("the cut document says where");
    assert!(at > 0 && at <= 300, "{at}");
    assert!(a[1].get("unflagged_from").is_none());
    assert_eq!(read_json(&report)["totals"]["cut_documents"], 1);
}

#[test]
fn restore_gives_back_every_record_from_clean_and_removed() {
    let t = CliTest::new();
    let mut lines = crate::generated_crawl(11, 3, 60).concat();
    lines.push_str("not json\n");
    lines.push_str(&jsonl_line(
        serde_json::json!({"id": "nested", "m": {"t": "x"}, "text": "é\r\nü"}),
    ));
    let path = t.write("in.jsonl", &lines);
    let (clean, removed, back) = (t.path("c.jsonl"), t.path("r.jsonl"), t.path("back.jsonl"));
    chaff()
        .arg("scan")
        .arg(&path)
        .args(["-q", "--drop-duplicates", "--clean"])
        .arg(&clean)
        .arg("--removed")
        .arg(&removed)
        .assert()
        .code(1);
    let run =
        chaff().arg("restore").arg(&clean).arg(&removed).arg("-o").arg(&back).assert().code(0);
    let stderr = stderr_of(run.get_output());
    assert!(stderr.contains("1 unreadable"), "{stderr}");
    let want: Vec<Value> = lines
        .lines()
        .filter(|l| *l != "not json")
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<Value> = read_jsonl(&back).into_iter().map(Value::Object).collect();
    assert_eq!(got, want);
    assert!(std::fs::read_to_string(&removed).unwrap().contains("\"dropped\":\"duplicate\""));
    // Its output is not one of its inputs either.
    chaff().arg("restore").arg(&clean).arg(&removed).arg("-o").arg(&clean).assert().code(2);
}
