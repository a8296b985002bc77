//! `chaff count` / `merge` / `mark`: counting shards apart and merging gives exactly one scan.

use crate::{chaff, generated_crawl, CliTest};

fn scan_outputs(
    t: &CliTest,
    name: &str,
    args: &[&str],
    inputs: &[std::path::PathBuf],
) -> (Vec<u8>, Vec<u8>) {
    let report = t.path(&format!("{name}.report.json"));
    let spans = t.path(&format!("{name}.spans.jsonl"));
    chaff()
        .args(args)
        .args(["--quiet", "--site-field", "site", "--report"])
        .arg(&report)
        .arg("--annotations")
        .arg(&spans)
        .args(inputs)
        .assert()
        .code(0);
    (std::fs::read(report).unwrap(), std::fs::read(spans).unwrap())
}

/// Eight shards counted apart, merged whole and by partition, then marked: the report and the
/// annotations are byte for byte those of one scan.
#[test]
fn count_merge_mark_equals_one_scan() {
    let t = CliTest::new();
    let lines = generated_crawl(7, 5, 400);
    let shards: Vec<std::path::PathBuf> = lines
        .chunks(50)
        .enumerate()
        .map(|(i, chunk)| {
            let with_site: String = chunk
                .iter()
                .map(|l| {
                    let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                    let url = v["url"].as_str().unwrap().to_string();
                    v["site"] =
                        serde_json::Value::String(url.split('/').nth(2).unwrap().to_string());
                    format!("{v}\n")
                })
                .collect();
            t.write(&format!("shards/{i}.jsonl"), with_site)
        })
        .collect();
    assert_eq!(shards.len(), 8);
    let one_scan = scan_outputs(&t, "scan", &["scan"], &shards);

    let mut counts = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        let out = t.path(&format!("{i}.counts"));
        chaff()
            .args(["count", "--quiet", "--site-field", "site", "-o"])
            .arg(&out)
            .arg(shard)
            .assert()
            .code(0);
        counts.push(out);
    }
    let all = t.path("all.counts");
    chaff().arg("merge").args(&counts).arg("-o").arg(&all).assert().code(0);
    let marked = scan_outputs(&t, "mark", &["mark", "--counts", all.to_str().unwrap()], &shards);
    assert!(marked.0 == one_scan.0, "reports differ");
    assert!(marked.1 == one_scan.1, "annotations differ");

    // The reduce split into three hash partitions, in another order of inputs.
    let mut parts = Vec::new();
    for i in 0..3 {
        let p = t.path(&format!("part{i}.counts"));
        chaff()
            .arg("merge")
            .args(counts.iter().rev())
            .args(["--partition", &format!("{i}/3"), "-o"])
            .arg(&p)
            .assert()
            .code(0);
        parts.push(p);
    }
    let mut args = vec!["mark".to_string()];
    for p in &parts {
        args.push("--counts".into());
        args.push(p.to_str().unwrap().into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let by_partition = scan_outputs(&t, "parts", &args, &shards);
    assert!(by_partition.0 == one_scan.0, "reports differ (partitions)");
    assert!(by_partition.1 == one_scan.1, "annotations differ (partitions)");

    // Shard by shard, as a cluster runs it: learn each shard, then mark each against what was
    // learned of all of them. The annotations, in shard order, are the scan's byte for byte;
    // marked against its own shard alone, some documents come out otherwise.
    let mut learned = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        let out = t.path(&format!("{i}.learned"));
        chaff()
            .args(["learn", "--quiet", "--site-field", "site", "--counts"])
            .arg(&all)
            .arg("-o")
            .arg(&out)
            .arg(shard)
            .assert()
            .code(0);
        learned.push(out);
    }
    let mut per_shard = Vec::new();
    let mut alone = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        let mut args = vec!["mark".to_string(), "--counts".into(), all.display().to_string()];
        for l in &learned {
            args.push("--learned".into());
            args.push(l.display().to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        per_shard
            .extend(scan_outputs(&t, &format!("shard{i}"), &args, std::slice::from_ref(shard)).1);
        let own = ["mark", "--counts", all.to_str().unwrap()];
        alone.extend(scan_outputs(&t, &format!("alone{i}"), &own, std::slice::from_ref(shard)).1);
    }
    assert!(per_shard == one_scan.1, "annotations differ (shard by shard)");
    assert!(alone != one_scan.1, "the crawl should hold documents judged across shards");

    // The same through one cluster task: the medians and clusters worked out once, each mark
    // task reading that file instead of every shard's signatures.
    let clusters = t.path("corpus.clusters");
    let mut args = vec!["cluster".to_string(), "--counts".into(), all.display().to_string()];
    for l in &learned {
        args.push("--learned".into());
        args.push(l.display().to_string());
    }
    chaff().args(&args).arg("-o").arg(&clusters).assert().code(0);
    let mut clustered = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        let args = ["mark", "--counts", all.to_str().unwrap(), "--clusters"];
        let args = [&args[..], &[clusters.to_str().unwrap()]].concat();
        let (report, spans) =
            scan_outputs(&t, &format!("clustered{i}"), &args, std::slice::from_ref(shard));
        clustered.extend(spans);
        // Each shard's report holds the clusters of the whole corpus, as the scan's does.
        let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
        let scan: serde_json::Value = serde_json::from_slice(&one_scan.0).unwrap();
        assert_eq!(report["duplicates"], scan["duplicates"], "shard {i}");
    }
    assert!(clustered == one_scan.1, "annotations differ (through cluster)");
    // A shard that is not in the clusters file is refused, naming its inputs.
    let stranger = t.write("stranger.jsonl", "{\"id\":\"x\",\"site\":\"s\",\"text\":\"Hi\"}\n");
    chaff()
        .args(["mark", "--quiet", "--site-field", "site", "--counts"])
        .arg(&all)
        .arg("--clusters")
        .arg(&clusters)
        .arg(&stranger)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("none of the shards of the clusters file"));

    // A shard whose learned file is missing is refused, naming the inputs.
    chaff()
        .args(["mark", "--quiet", "--site-field", "site", "--counts"])
        .arg(&all)
        .arg("--learned")
        .arg(&learned[1])
        .arg(&shards[0])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("none of the learned files"));
}

/// Counts made under other settings are refused, naming the difference.
#[test]
fn mark_refuses_counts_of_other_settings() {
    let t = CliTest::new();
    let input = t.write("in.jsonl", "{\"id\":1,\"text\":\"Home\\nNews\\n\"}\n");
    let counts = t.path("c.counts");
    chaff()
        .args(["count", "--quiet", "--shingle", "3", "-o"])
        .arg(&counts)
        .arg(&input)
        .assert()
        .code(0);
    chaff()
        .args(["mark", "--quiet", "--counts"])
        .arg(&counts)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("other settings"));
    let damaged = t.write("bad.counts", b"CHAFFCNT garbage");
    chaff()
        .args(["mark", "--quiet", "--counts"])
        .arg(&damaged)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.counts"));
}
