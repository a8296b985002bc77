//! The floor of line deduplication: read files and hash every line with xxh3, nothing else.
//!
//! `benches/peers.sh` times it next to `chaff scan` and the peers, so that the table shows how
//! close chaff comes to the cost of reading its input at all.
//!
//! ```text
//! cargo run --release --example floor -- FILE...          # each line of the files
//! cargo run --release --example floor -- --json FILE...   # each line of each record's `text`
//! ```
//!
//! The first form is the plainest possible loop: one buffered reader, `read_until(b'\n')`,
//! `xxh3_64` of the line, one thread. `--json` also decodes each JSONL record with serde_json
//! and hashes the lines of its `text` field, the least any JSONL line dedup must do.
//! Both print the lines hashed, the bytes read and an XOR of the hashes (so that nothing is
//! optimized away).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::Instant;

use xxhash_rust::xxh3::xxh3_64;

#[derive(serde::Deserialize)]
struct Record<'a> {
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut json = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            _ => paths.push(arg),
        }
    }
    if paths.is_empty() {
        return Err("usage: floor [--json] FILE...".into());
    }
    let started = Instant::now();
    let (mut lines, mut bytes, mut xor) = (0u64, 0u64, 0u64);
    let mut line = Vec::with_capacity(1 << 16);
    for path in &paths {
        let mut reader = BufReader::with_capacity(1 << 20, File::open(path)?);
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            bytes += n as u64;
            if json {
                let record: Record = serde_json::from_slice(&line)?;
                for text_line in record.text.split('\n') {
                    xor ^= xxh3_64(text_line.as_bytes());
                    lines += 1;
                }
            } else {
                xor ^= xxh3_64(&line);
                lines += 1;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "floor{}: {lines} lines, {bytes} bytes in {seconds:.3} s ({:.0} MB/s), xor {xor:016x}",
        if json { " --json" } else { "" },
        bytes as f64 / 1e6 / seconds.max(1e-9),
    );
    Ok(())
}
