//! `chaff eval`: scores of the kept text against a `gold_main` field, checked against counts
//! made by hand.

use serde_json::Value;

use crate::{chaff, jsonl_line, CliTest};

const HEADER: [&str; 4] = [
    "Bayside Courier",
    "Home | News | Sport | Weather | Opinion",
    "Sign in to your account or subscribe today",
    "Morning edition for readers across the bay",
];
const FOOTER: [&str; 2] =
    ["About the Courier | Contact | Advertise", "Copyright Bayside Media, all rights reserved"];
/// Content of pages 0 and 1 both: on two pages, so chaff flags it (a miss).
const SHARED: &str = "The harbour master said the new mooring rules take effect in the spring.";

/// Title, two paragraphs, a promotion unique to the page (boilerplate chaff cannot see: a
/// false alarm), a last paragraph. Every line but the title is over 60 bytes, so the context
/// rule leaves the article alone.
const PAGES: [[&str; 5]; 5] = [
    [
        "Ferry pontoon opens",
        "The new ferry pontoon opened on Monday after a delay of almost six months.",
        "Passengers were asked to allow extra time while the gangway was being tested.",
        "Win a weekend for two at the Quay Hotel when you join the Courier club this week!",
        "The operator expects the winter timetable to run without cancellations this year.",
    ],
    [
        "Lifeboat called out twice",
        "The lifeboat crew was called out twice on Sunday to help walkers cut off by the tide.",
        "Both groups were brought back to the slipway without injury, the coxswain said.",
        "Readers save a third on garden furniture at Harbourside Stores with code COURIER.",
        "Walkers are urged to check the tide tables before setting out along the causeway.",
    ],
    [
        "Market rents to rise",
        "Fish market traders say the proposed rent rise would force several stalls to close.",
        "The council will decide on the new rents at its meeting at the end of next month.",
        "Listen to the Courier podcast every Friday for the week in local politics and sport.",
        "Traders have started a petition which had gathered many signatures by the weekend.",
    ],
    [
        "School wins science prize",
        "Pupils from the primary school won a national prize for their survey of seagrass.",
        "Their map of the meadows will be used by the estuary trust in its next restoration plan.",
        "Advertise your business to our readers from as little as the price of a coffee a day.",
        "The prize money will pay for underwater cameras and a trip to the marine laboratory.",
    ],
    [
        "Regatta returns",
        "The summer regatta returns after a break of three years with races for every age.",
        "Organisers hope to welcome crews from all along the coast and from across the channel.",
        "Sign up for the Courier morning briefing and never miss a story from the waterfront.",
        "Volunteers are still needed to run the slipway, the safety boats and the tea tent.",
    ],
];

/// Characters of a line as the scoring counts them (these lines are ASCII with single spaces).
fn chars(line: &str) -> u64 {
    line.len() as u64
}

fn close(got: &Value, want: f64, what: &str) {
    let got = got.as_f64().unwrap_or_else(|| panic!("{what} is not a number: {got}"));
    assert!((got - want).abs() < 1e-9, "{what}: got {got}, want {want}");
}

/// (tp, fp, fn) of a tally, whatever the spelling of the `fn` key.
fn counts(v: &Value) -> (u64, u64, u64) {
    let fn_ = v.get("fn").or_else(|| v.get("fn_")).and_then(Value::as_u64).expect("fn");
    (v["tp"].as_u64().expect("tp"), v["fp"].as_u64().expect("fp"), fn_)
}

fn labelled_site(t: &CliTest) -> std::path::PathBuf {
    let mut out = String::new();
    for (i, [title, p1, p2, promo, p3]) in PAGES.iter().enumerate() {
        let shared = if i < 2 { vec![SHARED] } else { vec![] };
        let mut lines: Vec<&str> = HEADER.to_vec();
        lines.extend(["", title, p1, p2]);
        lines.extend(&shared);
        lines.extend([*promo, p3, ""]);
        lines.extend(FOOTER);
        let text = lines.join("\n") + "\n";
        let mut gold = vec![*title, "", p1, p2];
        gold.extend(&shared);
        gold.push(p3);
        out.push_str(&jsonl_line(serde_json::json!({
            "id": format!("page-{i}"),
            "site": "bayside.example",
            "text": text,
            "gold_main": gold.join("\n"),
        })));
    }
    t.write("labelled.jsonl", out)
}

#[test]
fn eval_json_scores_match_hand_counts() {
    let t = CliTest::new();
    let input = labelled_site(&t);
    let run = chaff()
        .arg("eval")
        .arg(&input)
        .args(["--site-field", "site", "--json", "-q"])
        .assert()
        .code(0);
    let r: Value = serde_json::from_slice(&run.get_output().stdout).expect("JSON on stdout");

    // Per page: the header and footer are flagged (on all 5 pages); title and paragraphs are
    // kept content; the promotion is kept boilerplate; SHARED (pages 0 and 1) is dropped
    // content.
    let content: u64 =
        PAGES.iter().map(|p| chars(p[0]) + chars(p[1]) + chars(p[2]) + chars(p[4])).sum();
    let promos: u64 = PAGES.iter().map(|p| chars(p[3])).sum();
    let dropped = 2 * chars(SHARED);
    let template: u64 = 5 * HEADER.iter().chain(&FOOTER).map(|l| chars(l)).sum::<u64>();

    let overall = &r["overall"];
    assert_eq!(overall["pages"], 5);
    assert_eq!(counts(&overall["tally"]["kept_chars"]), (content, promos, dropped));
    assert_eq!(counts(&overall["tally"]["kept_lines"]), (20, 5, 2));
    assert_eq!(counts(&overall["tally"]["boilerplate_chars"]), (template, dropped, promos));
    assert_eq!(counts(&overall["tally"]["boilerplate_lines"]), (30, 2, 5));

    let p = content as f64 / (content + promos) as f64;
    let rc = content as f64 / (content + dropped) as f64;
    close(&overall["kept_chars"]["precision"], p, "kept_chars.precision");
    close(&overall["kept_chars"]["recall"], rc, "kept_chars.recall");
    close(&overall["kept_chars"]["f1"], 2.0 * p * rc / (p + rc), "kept_chars.f1");
    close(&overall["kept_lines"]["precision"], 20.0 / 25.0, "kept_lines.precision");
    close(&overall["kept_lines"]["recall"], 20.0 / 22.0, "kept_lines.recall");
    close(&overall["boilerplate_lines"]["precision"], 30.0 / 32.0, "boilerplate_lines.precision");
    close(&overall["boilerplate_lines"]["recall"], 30.0 / 35.0, "boilerplate_lines.recall");
    let bp = template as f64 / (template + dropped) as f64;
    close(&overall["boilerplate_chars"]["precision"], bp, "boilerplate_chars.precision");
    close(
        &overall["boilerplate_chars"]["recall"],
        template as f64 / (template + promos) as f64,
        "boilerplate_chars.recall",
    );

    // One site of 5 pages: it is the large-site group and the only site.
    assert_eq!(r["large_sites"], r["overall"]);
    let sites = r["sites"].as_object().expect("sites");
    assert_eq!(sites.keys().collect::<Vec<_>>(), ["bayside.example"]);
    assert_eq!(sites["bayside.example"], r["overall"]);
    assert_eq!(r["unlabelled"], 0);

    // The two pages with a miss score lowest; the others keep all their content.
    let worst = r["worst_pages"].as_array().expect("worst_pages");
    assert_eq!(worst.len(), 5);
    for (i, page) in worst.iter().enumerate() {
        let id = page["id"].as_str().expect("id");
        let n: usize = id.strip_prefix("page-").and_then(|n| n.parse().ok()).expect("page-N");
        let [title, p1, p2, promo, p3] = PAGES[n];
        assert_eq!(page["false_alarms"], serde_json::json!([promo]), "{id}");
        let kept = chars(title) + chars(p1) + chars(p2) + chars(p3);
        let precision = kept as f64 / (kept + chars(promo)) as f64;
        close(&page["kept_chars"]["precision"], precision, "page precision");
        if i < 2 {
            assert!(n < 2, "worst page {i} is {id}");
            assert_eq!(page["misses"], serde_json::json!([SHARED]));
            let recall = kept as f64 / (kept + chars(SHARED)) as f64;
            close(&page["kept_chars"]["recall"], recall, "page recall");
        } else {
            assert_eq!(page["misses"], serde_json::json!([]));
            close(&page["kept_chars"]["recall"], 1.0, "page recall");
        }
    }
}

#[test]
fn eval_table_and_unlabelled_pages() {
    let t = CliTest::new();
    let input = labelled_site(&t);
    let mut feed = std::fs::read_to_string(&input).expect("fixture");
    feed.push_str(&jsonl_line(serde_json::json!({
        "id": "unlabelled",
        "site": "bayside.example",
        "text": HEADER.join("\n") + "\nA page nobody labelled, so it is counted but not scored at all.\n",
    })));
    let input = t.write("with-unlabelled.jsonl", feed);
    let run = chaff().arg("eval").arg(&input).args(["--site-field", "site", "-q"]).assert().code(0);
    let table = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    let overall = table.lines().find(|l| l.starts_with("overall")).expect("an overall row");
    let cells: Vec<&str> = overall.split_whitespace().collect();
    assert_eq!(cells[1], "5", "{overall}");
    // Kept lines: 20 of 25 kept are content, 20 of 22 content lines kept.
    assert_eq!(cells[5], "0.8000", "{overall}");
    assert_eq!(cells[6], format!("{:.4}", 20.0 / 22.0), "{overall}");
    assert!(table.contains("1 pages had no gold field and were skipped"), "{table}");
    assert!(table.contains(&format!("dropped content: {SHARED}")), "{table}");
}

#[test]
fn eval_reports_the_share_of_gold_strings_kept_and_dropped() {
    let t = CliTest::new();
    let input = labelled_site(&t);
    // Page 0 lists what must go (the header's menu, the promotion, a string that is not on the
    // page) and what must stay (a paragraph, SHARED, which chaff drops).
    let mut feed = String::new();
    for (i, line) in std::fs::read_to_string(&input).expect("fixture").lines().enumerate() {
        let mut record: Value = serde_json::from_str(line).expect("record");
        if i == 0 {
            record["gold_with"] = serde_json::json!([PAGES[0][1], SHARED]);
            record["gold_without"] =
                serde_json::json!([HEADER[1], PAGES[0][3], "Not on this page at all"]);
        }
        feed.push_str(&jsonl_line(record));
    }
    let input = t.write("with-strings.jsonl", feed);
    let run = chaff()
        .arg("eval")
        .arg(&input)
        .args(["--site-field", "site", "--json", "-q"])
        .assert()
        .code(0);
    let r: Value = serde_json::from_slice(&run.get_output().stdout).expect("JSON on stdout");
    let g = &r["gold_strings"];
    assert_eq!(g["with_kept"]["listed"], 2);
    assert_eq!(g["with_kept"]["present"], 2);
    assert_eq!(g["with_kept"]["right"], 1);
    close(&g["with_kept"]["share"], 0.5, "with_kept.share");
    assert_eq!(g["without_dropped"]["listed"], 3);
    assert_eq!(g["without_dropped"]["present"], 2);
    assert_eq!(g["without_dropped"]["right"], 1);
    let run = chaff().arg("eval").arg(&input).args(["--site-field", "site", "-q"]).assert().code(0);
    let table = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    assert!(table.contains("must keep: 1 of 2 present strings kept whole (0.5000)"), "{table}");
    assert!(table.contains("must drop: 1 of 2 present strings dropped whole"), "{table}");
    // Without the lists the measure is absent.
    let run = chaff()
        .arg("eval")
        .arg(labelled_site(&t))
        .args(["--site-field", "site", "--json", "-q"])
        .assert()
        .code(0);
    let r: Value = serde_json::from_slice(&run.get_output().stdout).expect("JSON on stdout");
    assert!(r.get("gold_strings").is_none());
}
