//! `chaff scan --html` and `--markdown`: one test per renderer format, on the sample crawl.

use crate::{chaff, read_json, CliTest};

/// The HTML report is one self-contained page: a catalogue row per JSON catalogue row, example
/// pages with highlighted spans, nothing fetched from anywhere, the same bytes for any thread
/// count; a bad path fails before the scan.
#[test]
fn html_report_of_the_sample_crawl() {
    let t = CliTest::new();
    let mut pages = Vec::new();
    for threads in ["1", "3"] {
        let (html, json) = (t.path(&format!("r{threads}.html")), t.path("r.json"));
        chaff()
            .args(["scan", "corpus/", "-q", "--threads", threads, "--html"])
            .arg(&html)
            .arg("--report")
            .arg(&json)
            .assert()
            .code(0);
        let page = std::fs::read_to_string(&html).expect("HTML is UTF-8");
        let report = read_json(&json);
        let rows = report["top_spans"].as_array().expect("top_spans").len();
        assert!(rows > 10);
        assert_eq!(page.matches("<details class=\"row\"").count(), rows);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(page.ends_with("</html>\n"));
        assert!(page.contains("<h1>40 documents from 4 sites</h1>"));
        assert!(page.contains("MORE STORIES FROM {NAME}"));
        assert!(page.contains("<mark class=\"k-paywall\""));
        assert!(page.contains("<article class=\"page\" id=\"page-0\">"));
        // The corpus holds one exact copy and one near copy of a page.
        assert!(page.contains("<section id=\"duplicates\">"));
        assert_eq!(page.matches("<details class=\"dup\">").count(), 2);
        // Self-contained: no external resource, no link out of the file.
        for remote in ["src=", "href=\"http", "url(", "@import"] {
            assert!(!page.contains(remote), "{remote} in the HTML report");
        }
        pages.push(page);
    }
    assert!(pages[0] == pages[1], "--threads changes the HTML report");
    assert_eq!(t.listing(), ["r.json", "r1.html", "r3.html"], "no temporary file left behind");

    chaff()
        .args(["scan", "corpus/", "-q", "--html", "/no/such/dir/report.html"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("/no/such/dir/report.html"));
}

/// The Markdown report: summary, classes, catalogue and sites as GFM tables, the same bytes
/// for any thread count; a bad path fails before the scan.
#[test]
fn markdown_report_of_the_sample_crawl() {
    let t = CliTest::new();
    let mut texts = Vec::new();
    for threads in ["1", "3"] {
        let md = t.path(&format!("r{threads}.md"));
        chaff()
            .args(["scan", "corpus/", "-q", "--threads", threads, "--markdown"])
            .arg(&md)
            .assert()
            .code(0);
        let text = std::fs::read_to_string(&md).expect("Markdown is UTF-8");
        assert!(text.starts_with("## chaff report: 40 documents from 4 sites\n"), "{text}");
        for heading in [
            "### Boilerplate by class",
            "### Top recurring templates",
            "### Boilerplate share per site",
            "### Duplicate documents",
        ] {
            assert!(text.contains(heading), "{heading} missing:\n{text}");
        }
        assert!(text.contains("| 1 | footer | cross-page | 40 | 4 |"), "{text}");
        assert!(text.contains("| `MORE STORIES FROM {NAME}` |"), "{text}");
        let site_rows = text.lines().filter(|l| l.starts_with("| `") && l.contains(".example`"));
        assert_eq!(site_rows.count(), 4);
        texts.push(text);
    }
    assert_eq!(texts[0], texts[1], "--threads changes the Markdown report");

    chaff()
        .args(["scan", "corpus/", "-q", "--markdown", "/no/such/dir/report.md"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("/no/such/dir/report.md"));
}
