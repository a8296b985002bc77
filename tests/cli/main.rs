//! End-to-end tests of the `chaff` binary: one module per subcommand (scan is split by theme),
//! shared helpers here. Fixtures live in tests/fixtures/, named for their scenario; binary ones
//! (invalid UTF-8, gzip, zstd) and large ones are generated into a temporary folder instead.
//! Expected values are stated in the tests, never in the fixtures, since every .txt/.jsonl file
//! under a scanned folder is read as input.

mod atomic;
mod classify;
mod distributed;
mod eval;
mod gen;
mod hostile;
mod limits;
mod memory;
mod nothing_lost;
mod nothing_vanishes;
#[cfg(feature = "parquet")]
mod pipelines;
mod render;
mod safe_outputs;
mod scan;
mod scan_inputs;
mod scan_outputs;
mod scan_warc;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The repository root (where `corpus/` lives).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A committed fixture.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// The `chaff` binary, run from the repository root so that `corpus/` names itself.
pub fn chaff() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_chaff"));
    cmd.current_dir(repo());
    cmd
}

/// A temporary folder for inputs and outputs of one test.
pub struct CliTest {
    pub dir: tempfile::TempDir,
}

impl Default for CliTest {
    fn default() -> Self {
        CliTest { dir: tempfile::tempdir().expect("temporary folder") }
    }
}

impl CliTest {
    pub fn new() -> CliTest {
        CliTest::default()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `bytes` to `name` (creating folders) and returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write fixture");
        path
    }

    /// Every entry of the folder, sorted (to check that no stray file was left behind).
    pub fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Parses a JSON file.
pub fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses a JSONL file into one object per line.
pub fn read_jsonl(path: &Path) -> Vec<Map<String, Value>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|l| match serde_json::from_str(l) {
            Ok(Value::Object(m)) => m,
            other => panic!("{}: not an object: {other:?}", path.display()),
        })
        .collect()
}

/// One JSONL line of an object.
pub fn jsonl_line(v: Value) -> String {
    let mut s = serde_json::to_string(&v).expect("serialize");
    s.push('\n');
    s
}

/// The exact bytes stored under `key`: `<key>_base64` when present (text that is not UTF-8),
/// else the string. Decoded here, not with the library's helper, so the format is checked.
pub fn bytes_of(obj: &Map<String, Value>, key: &str) -> Vec<u8> {
    use base64::Engine;
    if let Some(b64) = obj.get(&format!("{key}_base64")) {
        let b64 = b64.as_str().expect("base64 is a string");
        return base64::engine::general_purpose::STANDARD.decode(b64).expect("valid base64");
    }
    obj.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string {key:?} in {obj:?}"))
        .as_bytes()
        .to_vec()
}

/// An unsigned field.
pub fn u(v: &Value, key: &str) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or_else(|| panic!("no integer {key:?} in {v}"))
}

/// A string field.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("no string {key:?} in {v}"))
}

/// gzip of `bytes`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

/// zstd of `bytes`.
pub fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).expect("zstd")
}

/// A small deterministic generator (no `rand` dependency; the same corpus on every run).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed)
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "harbour", "council", "ferry", "tide", "market", "school", "bridge", "farmers", "rain",
    "lifeboat", "museum", "budget", "station", "meadow", "trawler", "quay", "library", "festival",
    "orchard", "railway", "parish", "estuary", "hospital", "bakery", "tenants", "landlord",
];

/// A sentence of `words` pseudo-random words.
pub fn sentence(rng: &mut Lcg, words: usize) -> String {
    let mut out: Vec<String> = (0..words).map(|_| rng.pick(WORDS).to_string()).collect();
    out[0] = format!("{}{}", &out[0][..1].to_uppercase(), &out[0][1..]);
    out.push(format!("and {} more.", rng.pick(WORDS)));
    out.join(" ")
}

/// A generated crawl of `pages` JSONL records over `sites` sites: each site has a header, a
/// footer; some pages hold a paywall teaser (once or twice) or a block of their own related
/// links repeated within the page; some pages are exact copies of an earlier one. Records carry `id` and `url` (the site comes from the URL).
pub fn generated_crawl(seed: u64, sites: usize, pages: usize) -> Vec<String> {
    let mut rng = Lcg::new(seed);
    let mut lines: Vec<String> = Vec::with_capacity(pages);
    for n in 0..pages {
        if n > 10 && rng.below(20) == 0 {
            // An exact copy (same site and text) under a new id.
            let mut copy: Value = serde_json::from_str(&lines[rng.below(n)]).expect("own output");
            copy["id"] = Value::String(format!("doc-{n}"));
            lines.push(jsonl_line(copy));
            continue;
        }
        let site = rng.below(sites);
        let mut text = format!(
            "The {site} Courier\nHome | News | Sport | Weather\nSection {}\nSign in\n\n",
            rng.pick(&["News", "Sport", "Business", "Opinion"])
        );
        let teaser = "Subscribe to keep reading.\nYour first month is free.\nCancel at any time.\n";
        for p in 0..1 + rng.below(6) {
            let words = 8 + rng.below(20);
            text.push_str(&sentence(&mut rng, words));
            text.push('\n');
            if p == 1 && rng.below(3) == 0 {
                text.push_str(teaser);
            }
        }
        if rng.below(4) == 0 {
            text.push_str(teaser);
        }
        if rng.below(8) == 0 {
            let related: String =
                (0..4).map(|_| format!("Related: {}\n", sentence(&mut rng, 5))).collect();
            text = format!("{related}{text}{related}");
        }
        text.push_str(&format!("\nAbout the {site} Courier\nContact us\nPrivacy policy\n"));
        if rng.below(5) == 0 {
            text.pop(); // no final newline
        }
        lines.push(jsonl_line(serde_json::json!({
            "id": format!("doc-{n}"),
            "url": format!("https://www.site{site}.example/{n}"),
            "text": text,
        })));
    }
    lines
}
