//! Classes and paywall status in `chaff scan` outputs: on the sample crawl, on small fixtures
//! written here, and (where ../shared/data is present) on the real pages the issue names.

use serde_json::{Map, Value};

use crate::{chaff, read_jsonl, repo, CliTest};

fn annotations(t: &CliTest, args: &[&str]) -> Vec<Map<String, Value>> {
    let out = t.path("a.jsonl");
    chaff().args(["scan", "--quiet", "--annotations"]).arg(&out).args(args).assert().code(0);
    read_jsonl(&out)
}

fn text_of(path: &std::path::Path, a: &Map<String, Value>, p: &Value) -> String {
    let bytes = std::fs::read(path.join(a["id"].as_str().unwrap())).unwrap();
    let (start, end) = (p["start"].as_u64().unwrap() as usize, p["end"].as_u64().unwrap() as usize);
    String::from_utf8_lossy(&bytes[start..end]).into_owned()
}

/// corpus/: the "{{IssueName}}" teaser is a paywall span that also lists placeholder, the
/// "MORE STORIES FROM …" lists are related links, and every magazine page has a teaser.
#[test]
fn corpus_teasers_placeholders_and_related_lists() {
    let t = CliTest::new();
    let docs = annotations(&t, &["corpus/"]);
    let corpus = repo().join("corpus");
    let (mut teasers, mut lists) = (0, 0);
    for a in &docs {
        let id = a["id"].as_str().unwrap();
        if id.starts_with("greenfieldfarmer") || id.starts_with("thealpinequarterly") {
            assert_ne!(a["paywall"], "none", "{id}");
        }
        for span in a["spans"].as_array().unwrap() {
            for part in span["parts"].as_array().unwrap() {
                let text = text_of(&corpus, a, part);
                if text.contains("{{IssueName}}") {
                    teasers += 1;
                    assert_eq!(span["class"], "paywall", "{id}: {text}");
                    assert_eq!(part["class"], "paywall", "{id}: {text}");
                    let also = span["also"].as_array().unwrap();
                    assert!(also.contains(&Value::from("placeholder")), "{id}: {also:?}");
                }
                if text.starts_with("MORE STORIES FROM") {
                    lists += 1;
                    assert_eq!(part["class"], "related", "{id}: {text}");
                }
                assert_eq!(part["template"].as_str().unwrap().len(), 16);
            }
        }
    }
    // Twice on each of the 20 magazine pages; one list on each of the 40 pages.
    assert_eq!(teasers, 40);
    assert_eq!(lists, 40);
}

/// A teaser seen on one page only is still a teaser; an article about subscriptions is not.
#[test]
fn single_page_teaser_and_prose_about_subscriptions() {
    let t = CliTest::new();
    let prose = "Digital subscriptions at the group rose by a fifth last year, and readers who \
        start a free trial are now more likely to stay, the company said in its annual report.";
    let teaser_page = format!(
        "A long opening paragraph about the harbour works that began this week on the quay.\n\
         {prose}\n\
         Subscribe to continue reading. Already a subscriber? Sign in\n"
    );
    let other_prose =
        "Print subscriptions fell again, while the share of readers who start a free \
        trial online and then subscribe has doubled since the paywall went up, it added.";
    let plain_page =
        format!("An article about the newspaper business.\n{other_prose}\nThe end of it.\n");
    let dir = t.path("pages");
    t.write("pages/a.example/teaser.txt", teaser_page);
    t.write("pages/b.example/plain.txt", plain_page);
    let docs = annotations(&t, &[dir.to_str().unwrap()]);
    let teaser = &docs[0];
    assert_eq!(teaser["paywall"], "teaser", "{teaser:?}");
    let spans = teaser["spans"].as_array().unwrap();
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0]["kind"], "single_page");
    assert_eq!(spans[0]["class"], "paywall");
    assert_eq!(
        (spans[0]["first_line"].as_u64(), spans[0]["last_line"].as_u64()),
        (Some(2), Some(2))
    );
    let plain = &docs[1];
    assert_eq!(plain["paywall"], "none");
    assert_eq!(plain["spans"], Value::Array(vec![]));
}

/// A page cut at the wall, on a site whose other pages are long, is `truncated`.
#[test]
fn truncated_against_the_site() {
    let t = CliTest::new();
    const WORDS: [&str; 12] = [
        "harbour", "council", "ferry", "quay", "market", "school", "bridge", "tram", "farm",
        "river", "museum", "garden",
    ];
    let body = |topic: &str, n: usize| -> String {
        (0..n)
            .map(|i| {
                let (a, b) = (WORDS[i % 12], WORDS[(i * 5 + 3) % 12]);
                format!("The {a} story about {topic} meets the {b} question in its own way here.\n")
            })
            .collect()
    };
    let teaser = "You have reached your limit of free articles this month.\n";
    for (i, topic) in ["ferries", "goats", "tides", "trams"].iter().enumerate() {
        t.write(
            &format!("crawl/s.example/{i}.txt"),
            format!("Home\nNews\n{}{teaser}", body(topic, 12)),
        );
    }
    t.write("crawl/s.example/cut.txt", format!("Home\nNews\n{}{teaser}", body("bees", 2)));
    let dir = t.path("crawl");
    let docs = annotations(&t, &[dir.to_str().unwrap()]);
    let status: Vec<&str> = docs.iter().map(|a| a["paywall"].as_str().unwrap()).collect();
    assert_eq!(status, ["teaser", "teaser", "teaser", "teaser", "truncated"]);
}

fn shared_data(name: &str) -> Option<std::path::PathBuf> {
    let path = repo().join("../shared/data/dev").join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: {} is absent", path.display());
        None
    }
}

/// fundus-news: Postmedia's subscriber block is one paywall template across its four sites;
/// the Börsen-Zeitung, Tages-Anzeiger and Nieuwsblad teasers are paywall. scrapinghub: the two
/// WSJ pages have a teaser.
#[test]
fn real_paywalls_in_the_shared_data() {
    let Some(fundus) = shared_data("fundus-news.jsonl.gz") else { return };
    let t = CliTest::new();
    let report = t.path("r.json");
    let out = t.path("a.jsonl");
    chaff()
        .args(["scan", "--quiet", "--site-field", "site", "--top", "100000", "--report"])
        .arg(&report)
        .arg("--annotations")
        .arg(&out)
        .arg(&fundus)
        .assert()
        .code(0);
    let r = crate::read_json(&report);
    let postmedia: Vec<&Value> = r["top_spans"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| {
            row["sample"].as_str().unwrap().contains("THIS CONTENT IS RESERVED FOR SUBSCRIBERS")
        })
        .collect();
    assert_eq!(postmedia.len(), 1, "{postmedia:#?}");
    assert_eq!(postmedia[0]["class"], "paywall");
    assert_eq!(postmedia[0]["sites"], 4);
    for site in ["tagesanzeiger.ch", "nieuwsblad.be"] {
        let docs = read_jsonl(&out);
        assert!(
            docs.iter().filter(|a| a["site"] == site).all(|a| a["paywall"] != "none"),
            "{site}"
        );
    }
    let docs = read_jsonl(&out);
    assert!(docs.iter().any(|a| a["site"] == "boersen-zeitung.de" && a["paywall"] != "none"));

    let Some(aeb) = shared_data("scrapinghub-aeb.jsonl.gz") else { return };
    let docs = annotations(&t, &["--site-field", "site", aeb.to_str().unwrap()]);
    let wsj: Vec<&str> = docs
        .iter()
        .filter(|a| a["site"] == "wsj.com")
        .map(|a| a["paywall"].as_str().unwrap())
        .collect();
    assert_eq!(wsj, ["teaser", "teaser"]);
}
