//! `chaff scan`: ranking on the sample crawl, determinism across thread counts, stdin, and
//! how documents get their id and site.

use serde_json::Value;

use crate::{chaff, fixture, generated_crawl, read_json, read_jsonl, s, u, CliTest};

/// The sample crawl (corpus/: 40 pages, 10 on each of 4 sites) ranks the cross-site magazine
/// teaser first and the site headers next, each on at least 9 of its site's 10 pages.
#[test]
fn corpus_ranks_teaser_and_site_headers_first() {
    let t = CliTest::new();
    let report = t.path("report.json");
    let out = chaff()
        .args(["scan", "corpus/", "--quiet", "--report"])
        .arg(&report)
        .assert()
        .code(0)
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(out).expect("summary is UTF-8");
    assert!(stdout.starts_with("40 documents from 4 sites: "), "{stdout}");
    assert!(stdout.contains("Top recurring templates"), "{stdout}");
    for site in [
        "greenfieldfarmer.example",
        "harbourgazette.example",
        "metroledger.example",
        "thealpinequarterly.example",
    ] {
        assert!(stdout.contains(site), "{site} missing from the summary:\n{stdout}");
    }

    let r = read_json(&report);
    assert_eq!(s(&r["tool"], "name"), "chaff");
    assert_eq!(s(&r["settings"], "hash"), "xxh3-64");
    assert_eq!(r["settings"]["fields"]["text_field"], "text");
    let seed = r["settings"]["seed"].as_u64().expect("settings.seed");
    assert_eq!(s(&r["settings"], "seed_hex"), format!("{seed:#x}"));
    for key in ["normalize", "flag", "fields"] {
        assert!(r["settings"][key].is_object(), "settings.{key}");
    }
    let totals = &r["totals"];
    assert_eq!(u(totals, "documents"), 40);
    assert_eq!(u(totals, "sites"), 4);
    assert_eq!(u(totals, "problems"), 0);
    assert!(u(totals, "non_blank_lines") <= u(totals, "lines"));
    assert!(u(totals, "boilerplate_bytes") > 0);
    assert!(u(totals, "boilerplate_bytes") < u(totals, "bytes"));
    let bytes_on_disk: u64 = walk_txt(&crate::repo().join("corpus"))
        .iter()
        .map(|p| std::fs::metadata(p).expect("stat").len())
        .sum();
    assert_eq!(u(totals, "bytes"), bytes_on_disk);

    let sites = r["sites"].as_array().expect("sites");
    assert_eq!(sites.len(), 4);
    assert!(sites.iter().all(|row| u(row, "documents") == 10), "{sites:?}");
    assert_eq!(r["problems"], Value::Array(vec![]));

    let rows = r["top_spans"].as_array().expect("top_spans");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(u(row, "rank"), i as u64 + 1);
        assert_eq!(s(row, "key").len(), 16, "key is 16 hex digits");
        for key in ["kind", "sample", "sample_id"] {
            assert!(row[key].is_string(), "top_spans[{i}].{key}");
        }
        for key in ["docs", "sites", "occurrences", "lines", "bytes"] {
            assert!(row[key].is_u64(), "top_spans[{i}].{key}");
        }
        assert!(row["share_of_boilerplate"].is_f64());
    }
    // Most documents first.
    assert!(rows.windows(2).all(|w| u(&w[0], "docs") >= u(&w[1], "docs")));

    // The rows the summary shows by default.
    let top = &rows[..15.min(rows.len())];
    let teaser = top
        .iter()
        .find(|row| {
            s(row, "sample")
                .starts_with("This story is from the {{IssueName}} edition of {{MagazineName}}.")
        })
        .unwrap_or_else(|| panic!("no magazine teaser in the top rows: {top:#?}"));
    // On the 10 pages of each of two magazine sites, in one template family with the rendered
    // "This story is from the June 23, 2024 edition of The Metro Ledger." of the news sites.
    assert!(u(teaser, "rank") <= 3, "{teaser}");
    assert!(u(teaser, "docs") >= 18, "{teaser}");
    assert_eq!(u(teaser, "sites"), 4);
    assert!(u(teaser, "variants") >= 2, "{teaser}");
    assert_eq!(s(teaser, "kind"), "cross_page");
    assert_eq!(s(teaser, "class"), "paywall");
    assert!(stdout.contains("This story is from the {{IssueName}} edition"), "{stdout}");
    // Each site's header (naming the site), on at least 9 of its 10 pages.
    for name in ["harbour gazette", "greenfield farmer", "metro ledger", "alpine quarterly"] {
        let row = top
            .iter()
            .find(|row| {
                s(row, "sample").to_lowercase().contains(name)
                    && u(row, "docs") >= 9
                    && s(row, "class") == "navigation"
            })
            .unwrap_or_else(|| panic!("no header of {name:?} in the top rows: {top:#?}"));
        assert_eq!(u(row, "sites"), 1, "{row}");
        assert_eq!(s(row, "kind"), "cross_page");
        assert!(u(row, "lines") >= 3, "a whole header or footer, not a line of it: {row}");
    }
}

/// The .txt files under `dir`, recursively, in the order chaff reads them (sorted by name at
/// each level).
pub fn walk_txt(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("list").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    let mut out = Vec::new();
    for p in entries {
        if p.is_dir() {
            out.extend(walk_txt(&p));
        } else if p.extension().is_some_and(|e| e == "txt") {
            out.push(p);
        }
    }
    out
}

/// Runs a scan with `threads` and returns (report, annotations, clean) bytes.
fn outputs_with_threads(t: &CliTest, input: &std::path::Path, threads: u32) -> [Vec<u8>; 3] {
    let names =
        [format!("r{threads}.json"), format!("a{threads}.jsonl"), format!("c{threads}.jsonl")];
    let paths = names.map(|n| t.path(&n));
    chaff()
        .arg("scan")
        .arg(input)
        .args(["--quiet", "--threads", &threads.to_string(), "--report"])
        .arg(&paths[0])
        .arg("--annotations")
        .arg(&paths[1])
        .arg("--clean")
        .arg(&paths[2])
        .assert()
        .success();
    paths.map(|p| std::fs::read(p).expect("output"))
}

#[test]
fn outputs_are_identical_for_any_thread_count_on_the_corpus() {
    let t = CliTest::new();
    let corpus = crate::repo().join("corpus");
    let one = outputs_with_threads(&t, &corpus, 1);
    for threads in [2, 8] {
        let other = outputs_with_threads(&t, &corpus, threads);
        assert!(one[0] == other[0], "report differs with --threads {threads}");
        assert!(one[1] == other[1], "annotations differ with --threads {threads}");
        assert!(one[2] == other[2], "clean output differs with --threads {threads}");
    }
}

/// 900 generated pages over 7 sites in two files: several batches, exact copies, teasers
/// within pages, and a bad record, so that work is split across threads in every phase.
#[test]
fn outputs_are_identical_for_any_thread_count_on_a_generated_crawl() {
    let t = CliTest::new();
    let lines = generated_crawl(7, 7, 900);
    let mut first = lines[..600].concat();
    first.push_str("{\"id\": \"cut off\n");
    t.write("crawl/part-0.jsonl", first);
    t.write("crawl/part-1.jsonl", lines[600..].concat());
    let input = t.path("crawl");
    let run = |threads: u32| {
        let names = ["r.json", "a.jsonl", "c.jsonl", "x.jsonl"].map(|n| format!("{threads}{n}"));
        let paths = names.map(|n| t.path(&n));
        chaff()
            .arg("scan")
            .arg(&input)
            .args(["--quiet", "--threads", &threads.to_string(), "--report"])
            .arg(&paths[0])
            .arg("--annotations")
            .arg(&paths[1])
            .arg("--clean")
            .arg(&paths[2])
            .arg("--removed")
            .arg(&paths[3])
            .assert()
            .code(1);
        paths.map(|p| std::fs::read(p).expect("output"))
    };
    let one = run(1);
    let report: Value = serde_json::from_slice(&one[0]).expect("report");
    assert_eq!(u(&report["totals"], "documents"), 900);
    assert_eq!(u(&report["totals"], "sites"), 7);
    assert_eq!(u(&report["totals"], "problems"), 1);
    assert!(u(&report["totals"], "duplicate_documents") > 0, "the crawl has exact copies");
    let kinds: Vec<&str> =
        report["top_spans"].as_array().expect("rows").iter().map(|r| s(r, "kind")).collect();
    assert!(kinds.contains(&"cross_page") && kinds.contains(&"within_page"), "{kinds:?}");
    assert_eq!(one[1].iter().filter(|&&b| b == b'\n').count(), 901);
    for threads in [2, 8] {
        let other = run(threads);
        for (i, what) in
            ["report", "annotations", "clean output", "removed output"].iter().enumerate()
        {
            assert!(one[i] == other[i], "{what} differs with --threads {threads}");
        }
    }
}

/// Files created in one order and then, in the same folder, in the reverse order (with the
/// sites' folders made in another order too): byte-identical outputs, whatever order the file
/// system lists them in (on tmpfs, the order of creation reversed; on ext4, hash order).
#[test]
fn outputs_are_identical_whatever_order_the_folder_lists_in() {
    let t = CliTest::new();
    let lines = generated_crawl(29, 3, 120);
    let mut files: Vec<(String, String)> = Vec::new();
    for (i, chunk) in lines.chunks(20).enumerate() {
        files.push((format!("shards/part-{i}.jsonl"), chunk.concat()));
    }
    for (i, line) in lines[..30].iter().enumerate() {
        let v: Value = serde_json::from_str(line).expect("record");
        files.push((format!("site{}/page-{i:02}.txt", i % 3), s(&v, "text").to_string()));
    }
    // On a tmpfs (where one can be mounted) a folder lists its entries newest first, so the
    // two listings below differ for sure.
    let root = t.path("in");
    std::fs::create_dir(&root).expect("mkdir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16m", "tmpfs"])
        .arg(&root)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    /// Unmounts on the way out, also when an assertion fails.
    struct Unmount<'a>(&'a std::path::Path, bool);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            if self.1 {
                let _ = std::process::Command::new("umount").arg(self.0).status();
            }
        }
    }
    let guard = Unmount(&root, mounted);
    let scan_in_order = |order: &[usize]| {
        for entry in std::fs::read_dir(&root).expect("list") {
            std::fs::remove_dir_all(entry.expect("entry").path()).expect("clear");
        }
        for &i in order {
            t.write(&format!("in/{}", files[i].0), &files[i].1);
        }
        let listed: Vec<String> = std::fs::read_dir(root.join("shards"))
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        let paths = ["r.json", "a.jsonl", "c.jsonl", "x.jsonl"].map(|n| t.path(n));
        chaff()
            .arg("scan")
            .arg(&root)
            .args(["--quiet", "--report"])
            .arg(&paths[0])
            .arg("--annotations")
            .arg(&paths[1])
            .arg("--clean")
            .arg(&paths[2])
            .arg("--removed")
            .arg(&paths[3])
            .assert()
            .success();
        (listed, paths.map(|p| std::fs::read(p).expect("output")))
    };
    let forward: Vec<usize> = (0..files.len()).collect();
    let backward: Vec<usize> = forward.iter().rev().copied().collect();
    let (listed_a, a) = scan_in_order(&forward);
    let (listed_b, b) = scan_in_order(&backward);
    drop(guard);
    if mounted {
        assert_ne!(listed_a, listed_b, "tmpfs lists in reverse order of creation");
    } else if listed_a == listed_b {
        println!("note: this file system listed both folders alike ({listed_a:?})");
    }
    for (i, what) in ["report", "annotations", "clean output", "removed output"].iter().enumerate()
    {
        assert!(a[i] == b[i], "{what} depends on the order of creation");
    }
}

#[test]
fn stdin_gives_the_same_report_as_the_file() {
    let t = CliTest::new();
    let input = t.write("crawl.jsonl", generated_crawl(3, 3, 60).concat());
    let from_file = t.path("file.json");
    chaff().arg("scan").arg(&input).arg("-q").arg("--report").arg(&from_file).assert().success();
    let from_stdin = t.path("stdin.json");
    chaff()
        .args(["scan", "-", "-q", "--report"])
        .arg(&from_stdin)
        .write_stdin(std::fs::read(&input).expect("input"))
        .assert()
        .success();
    let (a, b) = (read_json(&from_file), read_json(&from_stdin));
    assert_eq!(u(&a["totals"], "documents"), 60);
    assert_eq!(a["totals"], b["totals"]);
    assert_eq!(a["top_spans"], b["top_spans"]);
    assert_eq!(a["sites"], b["sites"]);
}

#[test]
fn stdin_summary_matches_the_file_summary() {
    let input = crate::fixture("crlf_line_ends.jsonl");
    let bytes = std::fs::read(&input).expect("fixture");
    let from_file = chaff().arg("scan").arg(&input).arg("-q").assert().success();
    let from_stdin = chaff().args(["scan", "-", "-q"]).write_stdin(bytes).assert().success();
    assert_eq!(from_file.get_output().stdout, from_stdin.get_output().stdout);
    let stdout = String::from_utf8_lossy(&from_file.get_output().stdout).into_owned();
    assert!(stdout.starts_with("3 documents from 1 sites: "), "{stdout}");
}

fn annotations_with(t: &CliTest, input: &std::path::Path, flags: &[&str]) -> Vec<Value> {
    let out = t.path("a.jsonl");
    chaff()
        .arg("scan")
        .arg(input)
        .arg("-q")
        .args(flags)
        .arg("--annotations")
        .arg(&out)
        .assert()
        .success();
    read_jsonl(&out).into_iter().map(Value::Object).collect()
}

fn column(docs: &[Value], key: &str) -> Vec<Value> {
    docs.iter().map(|d| d[key].clone()).collect()
}

#[test]
fn site_is_the_registrable_domain_of_the_url() {
    let t = CliTest::new();
    let docs = annotations_with(&t, &fixture("site_fields.jsonl"), &[]);
    assert_eq!(
        column(&docs, "site"),
        ["example.co.uk", "example.com", "example.org", ""].map(Value::from)
    );
    assert_eq!(
        column(&docs, "url"),
        [
            Value::from("https://news.example.co.uk/a"),
            Value::from("http://www.Example.com:8080/b?page=2"),
            Value::from("https://blog.example.org/c"),
            Value::Null,
        ]
    );
    assert_eq!(column(&docs, "id"), ["plain-url", "dolma", "both", "link-only"].map(Value::from));
}

#[test]
fn site_field_and_url_field_override_the_defaults() {
    let t = CliTest::new();
    let input = fixture("site_fields.jsonl");
    let docs = annotations_with(&t, &input, &["--site-field", "site"]);
    // A record without the field has no site ("").
    assert_eq!(column(&docs, "site"), ["portal_uk", "", "", "portal_au"].map(Value::from));

    let docs = annotations_with(&t, &input, &["--url-field", "link"]);
    assert_eq!(column(&docs, "url")[3], "https://shop.example.com.au/d");
    assert_eq!(column(&docs, "site")[3], "example.com.au");
    // metadata.url is still tried after the named field.
    assert_eq!(column(&docs, "site")[1], "example.com");

    let docs = annotations_with(&t, &input, &["--id-field", "metadata.source"]);
    let ids = column(&docs, "id");
    assert_eq!(ids[1], "common-crawl");
    // Without the field, the id is the file and line number.
    assert_eq!(ids[0], format!("{}:1", input.display()));
}

/// cc_net shards: `raw_content`, no id; --clean writes every other field back unchanged, in
/// order.
#[test]
fn cc_net_raw_content() {
    let t = CliTest::new();
    let input = fixture("cc_net_raw_content.jsonl");
    let clean = t.path("clean.jsonl");
    let docs = annotations_with(
        &t,
        &input,
        &["--text-field", "raw_content", "--clean", clean.to_str().expect("UTF-8 path")],
    );
    assert_eq!(
        column(&docs, "site"),
        ["harbourpost.example", "harbourpost.example"].map(Value::from)
    );
    assert_eq!(docs[1]["id"], format!("{}:2", input.display()));
    // "Harbour Post\nHome | News | Sport\nSign in\n" is on both pages.
    for d in &docs {
        let spans = d["spans"].as_array().expect("spans");
        assert_eq!(spans.len(), 1, "{d}");
        assert_eq!((u(&spans[0], "start"), u(&spans[0], "end")), (0, 41));
        assert_eq!((u(&spans[0], "first_line"), u(&spans[0], "last_line")), (0, 2));
        assert_eq!(s(&spans[0], "kind"), "cross_page");
    }
    let original = read_jsonl(&input);
    let cleaned = read_jsonl(&clean);
    assert_eq!(cleaned.len(), 2);
    for (o, c) in original.iter().zip(&cleaned) {
        let keys: Vec<&String> = o.keys().collect();
        assert_eq!(keys, c.keys().collect::<Vec<_>>(), "same fields in the same order");
        for (k, v) in o {
            if k != "raw_content" {
                assert_eq!(&c[k], v, "field {k} unchanged");
            }
        }
        let raw = o["raw_content"].as_str().expect("text");
        assert_eq!(
            c["raw_content"].as_str(),
            raw.strip_prefix("Harbour Post\nHome | News | Sport\nSign in\n")
        );
    }
}

/// Text files: the id is the path under the folder argument, the site its first folder.
#[test]
fn text_files_take_id_and_site_from_their_path() {
    let t = CliTest::new();
    let docs = annotations_with(&t, &fixture("nav_footer_repeated"), &[]);
    let ids: Vec<Value> = column(&docs, "id");
    assert_eq!(
        ids,
        [
            "quayside.example/ferry-timetable-changes.txt",
            "quayside.example/lifeboat-open-day.txt",
            "quayside.example/market-square-repairs.txt",
            "uplandnews.example/hill-farm-grants.txt",
            "uplandnews.example/reservoir-path-reopens.txt",
            "uplandnews.example/village-hall-roof.txt",
        ]
        .map(Value::from)
    );
    for d in &docs {
        let id = s(d, "id");
        assert_eq!(s(d, "site"), id.split('/').next().expect("a folder"));
        assert_eq!(d["url"], Value::Null);
        assert_eq!(u(d, "record"), 0);
        assert!(s(d, "file").ends_with(id), "{d}");
        // Header (4 lines, on the 3 pages of the site) and footer (3 lines, on all 6 pages).
        let text = std::fs::read(fixture("nav_footer_repeated").join(id)).expect("page");
        let footer = b"Privacy policy\nTerms of use\nCookie settings\n";
        let header_end =
            text.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(3).expect("4 lines").0 + 1;
        let spans = d["spans"].as_array().expect("spans");
        assert_eq!(spans.len(), 2, "{d}");
        let got: Vec<[u64; 6]> = spans
            .iter()
            .map(|sp| {
                ["first_line", "last_line", "start", "end", "docs", "sites"].map(|k| u(sp, k))
            })
            .collect();
        let n = text.len() as u64;
        assert_eq!(
            got,
            [[0, 3, 0, header_end as u64, 3, 1], [9, 11, n - footer.len() as u64, n, 6, 2]]
        );
        assert_eq!(u(d, "boilerplate_bytes"), (header_end + footer.len()) as u64);
        assert_eq!(u(d, "bytes"), n);
        assert_eq!(u(d, "lines"), 12);
    }
    // Named directly, a file's id is the path as given, and it has no site.
    let page = fixture("nav_footer_repeated/quayside.example/lifeboat-open-day.txt");
    let docs = annotations_with(&t, &page, &[]);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], page.display().to_string());
    assert_eq!(docs[0]["site"], "");
}
