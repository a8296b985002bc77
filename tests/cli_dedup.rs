//! `chaff scan` duplicate detection, end to end: the known pairs of `corpus/`, generated sites
//! where raw-text MinHash and whole-page hashes go wrong, teasers, `--drop-duplicates`, and
//! the wcxb copies (skipped with a notice when ../shared/data is absent).
//!
//! See: issue 5, "Duplicate documents, judged on their content once boilerplate is gone".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn chaff() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_chaff"));
    cmd.current_dir(repo());
    cmd
}

/// A small deterministic generator, so that every run sees the same corpus.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

const WORDS: [&str; 40] = [
    "harbour",
    "council",
    "ferry",
    "market",
    "winter",
    "bridge",
    "school",
    "river",
    "village",
    "station",
    "budget",
    "tenants",
    "rail",
    "storm",
    "festival",
    "museum",
    "farmers",
    "police",
    "library",
    "hospital",
    "plans",
    "residents",
    "repairs",
    "season",
    "record",
    "visitors",
    "quay",
    "fishing",
    "tourism",
    "coast",
    "election",
    "housing",
    "garden",
    "orchestra",
    "trade",
    "weather",
    "teachers",
    "road",
    "energy",
    "port",
];

/// An article: `sentences` sentences of 12 to 20 words, seeded so each seed gives its own text.
fn article(seed: u64, sentences: usize) -> Vec<String> {
    let mut rng = Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    (0..sentences)
        .map(|_| {
            let n = 12 + (rng.next() % 9) as usize;
            let words: Vec<&str> =
                (0..n).map(|_| WORDS[(rng.next() % WORDS.len() as u64) as usize]).collect();
            let mut s = words.join(" ");
            s[..1].make_ascii_uppercase();
            s.push('.');
            s
        })
        .collect()
}

/// A site template: `lines` header lines and `lines` footer lines, long enough to dominate.
fn template(site: &str, lines: usize) -> (Vec<String>, Vec<String>) {
    let header = (0..lines)
        .map(|i| format!("{site} navigation entry {i}: sections, latest news, opinion and sport"))
        .collect();
    let footer = (0..lines)
        .map(|i| format!("{site} footer line {i}: about us, contact, careers, privacy and terms"))
        .collect();
    (header, footer)
}

fn page(template: &(Vec<String>, Vec<String>), body: &[String]) -> String {
    let mut lines: Vec<&str> = template.0.iter().map(String::as_str).collect();
    lines.push("");
    lines.extend(body.iter().map(String::as_str));
    lines.push("");
    lines.extend(template.1.iter().map(String::as_str));
    lines.join("\n") + "\n"
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    path
}

fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("read")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// Runs a scan of `input` with `flags` and returns (report, annotations by id).
fn scan(input: &Path, flags: &[&str]) -> (Value, BTreeMap<String, Value>) {
    let out = tempfile::tempdir().expect("tempdir");
    let report = out.path().join("report.json");
    let ann = out.path().join("ann.jsonl");
    chaff()
        .arg("scan")
        .arg(input)
        .args(["-q", "--report"])
        .arg(&report)
        .arg("--annotations")
        .arg(&ann)
        .args(flags)
        .assert()
        .success();
    let by_id = read_jsonl(&ann)
        .into_iter()
        .map(|a| (a["id"].as_str().expect("id").to_string(), a))
        .collect();
    (read_json(&report), by_id)
}

/// The cluster (index, kind) holding `id`, if any.
fn cluster_of(report: &Value, id: &str) -> Option<(usize, String)> {
    report["duplicates"]["clusters"].as_array().expect("clusters").iter().enumerate().find_map(
        |(i, c)| {
            c["members"]
                .as_array()
                .expect("members")
                .iter()
                .any(|m| m["id"] == id)
                .then(|| (i, c["kind"].as_str().expect("kind").to_string()))
        },
    )
}

fn same_cluster(report: &Value, a: &str, b: &str) -> bool {
    matches!((cluster_of(report, a), cluster_of(report, b)), (Some(x), Some(y)) if x.0 == y.0)
}

/// Site "shared.example": six pages with a 40+40-line template (word 5-gram Jaccard about
/// 0.85 between two pages) and short articles of their
/// own; site "wire-a.example" and "wire-b.example": six pages each under their own template,
/// one article standing on both.
fn generated_crawl(dir: &Path) {
    let shared = template("shared.example", 40);
    for i in 0..6 {
        write(dir, &format!("shared.example/story-{i}.txt"), &page(&shared, &article(i, 2)));
    }
    let syndicated = article(100, 10);
    for site in ["wire-a.example", "wire-b.example"] {
        let t = template(site, 8);
        let offset = if site == "wire-a.example" { 200 } else { 300 };
        for i in 0..5 {
            write(dir, &format!("{site}/story-{i}.txt"), &page(&t, &article(offset + i, 8)));
        }
        write(dir, &format!("{site}/syndicated.txt"), &page(&t, &syndicated));
    }
}

#[test]
fn articles_sharing_a_large_template_are_not_duplicates_but_raw_minhash_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    generated_crawl(dir.path());
    let (a, b) = ("shared.example/story-0.txt", "shared.example/story-1.txt");
    let (raw, _) = scan(dir.path(), &["--dedup-raw-text"]);
    assert!(same_cluster(&raw, a, b), "raw-text MinHash should merge them: {raw:#}");
    let (content, ann) = scan(dir.path(), &[]);
    assert!(!same_cluster(&content, a, b));
    assert_eq!(ann[a]["duplicate_of"], Value::Null);
    assert_eq!(ann[b]["duplicate_kind"], Value::Null);
}

#[test]
fn one_article_under_two_templates_is_found_on_content_not_by_whole_page_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    generated_crawl(dir.path());
    let (a, b) = ("wire-a.example/syndicated.txt", "wire-b.example/syndicated.txt");
    let (content, ann) = scan(dir.path(), &[]);
    assert_eq!(cluster_of(&content, a).map(|c| c.1), Some("exact".to_string()));
    assert!(same_cluster(&content, a, b));
    // Representative: equal content length, so the first in input order.
    assert_eq!(ann[a]["duplicate_of"], Value::Null);
    assert_eq!(ann[b]["duplicate_of"], a);
    assert_eq!(ann[b]["duplicate_kind"], "exact");
    assert_eq!(ann[b]["similarity"], 1.0);
    // Whole-page hashing (the raw text's exact hash) does not see them.
    let (raw, _) = scan(dir.path(), &["--dedup-raw-text"]);
    assert_ne!(cluster_of(&raw, a).map(|c| c.1), Some("exact".to_string()));
}

#[test]
fn corpus_known_pairs_are_found() {
    let (report, ann) = scan(&repo().join("corpus"), &[]);
    let port = "port-operator-reports-record-container-volumes.txt";
    let (metro, harbour) =
        (format!("metroledger.example/{port}"), format!("harbourgazette.example/{port}"));
    assert!(same_cluster(&report, &metro, &harbour));
    let hut = "thealpinequarterly.example/hut-to-hut-on-the-high-route.txt";
    let issue = "thealpinequarterly.example/issue-18-hut-to-hut-on-the-high-route.txt";
    assert!(same_cluster(&report, hut, issue));
    // Nothing else: 40 pages, two pairs.
    let totals = &report["duplicates"]["totals"];
    assert_eq!(totals["duplicates"], 2);
    assert_eq!(report["duplicates"]["clusters"].as_array().expect("clusters").len(), 2);
    // The edited syndicated copy is a near duplicate of the longer one.
    let copy = if ann[&metro]["duplicate_of"].is_null() { &harbour } else { &metro };
    assert_eq!(ann[copy]["duplicate_kind"], "near");
    let sim = ann[copy]["similarity"].as_f64().expect("similarity");
    assert!((0.8..1.0).contains(&sim), "{sim}");
    // Settings name the seed and the shingle size.
    assert_eq!(report["settings"]["dedup"]["shingle_words"], 5);
    assert_eq!(report["settings"]["dedup"]["permutations"], 128);
}

#[test]
fn a_teaser_is_a_truncated_copy_of_the_full_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    generated_crawl(dir.path());
    let full = article(500, 12);
    let t = template("paper.example", 8);
    for i in 0..5 {
        write(dir.path(), &format!("paper.example/other-{i}.txt"), &page(&t, &article(600 + i, 6)));
    }
    write(dir.path(), "paper.example/full.txt", &page(&t, &full));
    let mut teaser: Vec<String> = full[..6].to_vec();
    teaser.push("Subscribe to keep reading this story and every other one on the site.".into());
    write(dir.path(), "wire-a.example/teaser.txt", &page(&template("wire-a.example", 8), &teaser));
    let (_, ann) = scan(dir.path(), &[]);
    let teaser = &ann["wire-a.example/teaser.txt"];
    assert_eq!(teaser["duplicate_of"], "paper.example/full.txt", "{teaser}");
    assert_eq!(teaser["duplicate_kind"], "truncated");
    assert_eq!(ann["paper.example/full.txt"]["duplicate_of"], Value::Null);
}

#[test]
fn drop_duplicates_moves_each_copy_whole_into_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    generated_crawl(dir.path());
    let out = tempfile::tempdir().expect("tempdir");
    let (clean, removed) = (out.path().join("clean.jsonl"), out.path().join("removed.jsonl"));
    chaff()
        .arg("scan")
        .arg(dir.path())
        .args(["-q", "--drop-duplicates", "--clean"])
        .arg(&clean)
        .arg("--removed")
        .arg(&removed)
        .assert()
        .success();
    let clean = read_jsonl(&clean);
    let removed = read_jsonl(&removed);
    assert_eq!(clean.len(), 17);
    assert_eq!(removed.len(), 18);
    let dropped: Vec<&Value> = removed.iter().filter(|r| r["dropped"] == "duplicate").collect();
    assert_eq!(dropped.len(), 1);
    let d = dropped[0];
    assert_eq!(d["id"], "wire-b.example/syndicated.txt");
    assert_eq!(d["duplicate_of"], "wire-a.example/syndicated.txt");
    let original =
        std::fs::read_to_string(dir.path().join("wire-b.example/syndicated.txt")).expect("read");
    assert_eq!(d["original"]["text"], original.as_str());
    assert!(clean.iter().all(|c| c["id"] != "wire-b.example/syndicated.txt"));
}

#[test]
fn no_dedup_leaves_the_fields_null_and_the_report_without_clusters() {
    let (report, ann) = scan(&repo().join("corpus"), &["--no-dedup"]);
    assert_eq!(report["duplicates"], Value::Null);
    assert_eq!(report["settings"]["dedup"], Value::Null);
    assert!(ann.values().all(|a| a["duplicate_of"].is_null() && a["similarity"].is_null()));
}

#[test]
fn clusters_are_the_same_for_any_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    generated_crawl(dir.path());
    let one = scan(dir.path(), &["--threads", "1"]);
    let two = scan(dir.path(), &["--threads", "3"]);
    assert_eq!(one.0, two.0);
    assert_eq!(one.1, two.1);
}

#[test]
fn wcxb_pages_in_both_splits_are_exact_duplicates() {
    let data = repo().join("../shared/data/dev/wcxb-2025.jsonl.gz");
    if !data.exists() {
        eprintln!("skipped: {} is absent", data.display());
        return;
    }
    let (report, ann) = scan(&data, &["--site-field", "site"]);
    let mut found = 0;
    let mut empty = 0;
    for id in ann.keys().filter(|id| id.starts_with("dev/")) {
        let twin = format!("test/{}", &id[4..]);
        let Some(b) = ann.get(&twin) else { continue };
        let a = &ann[id];
        if a["bytes"] == 0 && b["bytes"] == 0 {
            // Two empty pages: no one's copies.
            empty += 1;
            continue;
        }
        assert!(same_cluster(&report, id, &twin), "{id} and {twin} apart");
        // Exact copies of each other: one is the other's exact copy, or both are copies of
        // one representative.
        let kinds = (a["duplicate_kind"].as_str(), b["duplicate_kind"].as_str());
        assert!(
            matches!(kinds, (None, Some("exact")) | (Some("exact"), None))
                || a["duplicate_of"] == b["duplicate_of"],
            "{id}: {kinds:?}"
        );
        found += 1;
    }
    assert_eq!((found, empty), (138, 1));
}
